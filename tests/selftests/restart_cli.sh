#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A node with myceliumd restarts: nodes a and b (sclerotia, keys from
# their daemons, b joined from a's address), messages both ways; b's
# namespace is deleted and made again with the same address, its daemon
# starts again with the same key and database (it brings its peer back
# from its store).  a gets no command: within b's start-up plus one
# handshake (bound: 15 s under TCG; the figure is printed) messages flow
# both ways again, a counts one restart of b, and only the new session
# restarted the pair.  Then 20 HELLOs forged from b's address with a new
# instance do not disturb the authenticated pair: no restart, no loss.
here=$(cd "$(dirname "$0")" && pwd)	# the test changes directory
PATH=$here:$PATH
# shellcheck source-path=SCRIPTDIR source=cli_lib
. "$here/cli_lib"
# shellcheck source=daemon_lib
. "$here/daemon_lib"

echo "TAP version 13"
modprobe mycelium
D=/tmp/mycr
rm -rf $D
mkdir -p $D
cd $D || exit 1
bridge_up
myceliumd key generate -o auth.key >/dev/null
mk_node a sclerotia 1 auth.key ''
mk_node b sclerotia 2 auth.key '[network]\nbootstrap = 10.9.0.1'
A=$(id_of a) B=$(id_of b)
auth_of() { myc -n "$1" -j peer show "$2" 2>/dev/null | json_get 0.auth; }
authed() { [ "$(auth_of "$1" "$2")" = ok ]; }
# through FROM TO TO_ID: a guaranteed message from FROM reaches TO's port
# 100 within 2 s
through() {
	ip netns exec "$2" mycat -c 1 -l 100 >"$1-$2.got" 2>/dev/null &
	l=$!
	wait_bound "$2" 100
	echo "from $1" | ip netns exec "$1" mycat -g guaranteed "$3" 100 2>/dev/null
	i=0
	while ! grep -q "from $1" "$1-$2.got" && [ $i -lt 20 ]; do
		sleep 0.1; i=$((i + 1)); done
	kill $l 2>/dev/null
	wait $l 2>/dev/null
	grep -q "from $1" "$1-$2.got"
}
both_ways() { through a b "$B" && through b a "$A"; }
# since T0 [1]: seconds since T0 (an uptime), rounded up (1: to 0.1 s)
since() {
	awk -v t0="$1" -v d="${2:-0}" '{ s = $1 - t0; if (d) printf "%.1f\n", s;
		else printf "%d\n", (s == int(s)) ? s : int(s) + 1 }' /proc/uptime
}

start a
start b
if until_ok 60 authed a "$B" && until_ok 30 authed b "$A"; then
	ok "a and b authenticated"
else
	not_ok "a and b authenticated"
fi
if until_ok 20 both_ways; then ok "messages both ways"; else not_ok "messages both ways"; fi
sessions0=$(myc -n a -j peer show "$B" | json_get 0.rekeys)

# --- b restarts: its namespace and daemon go, and come back
kill "$pid_b"
wait "$pid_b" 2>/dev/null
ip netns del b
t0=$(cut -d' ' -f1 /proc/uptime)
ip netns add b
ip -n b link set lo up
ip link add v-b netns b type veth peer name s-b netns sw
ip -n sw link set s-b master br0 up
ip -n b addr add 10.9.0.2/24 dev v-b
ip -n b link set v-b up
start b
if until_ok 15 both_ways && [ "$(since "$t0")" -le 15 ]; then
	ok "both ways again after b restarted ($(since "$t0" 1) s from the restart, b's start-up included; bound 15 s)"
else
	not_ok "both ways again after b restarted (15 s)"
	myc -n a -s peer show; myc -n b -s peer show
	tail -n 30 b.log a.log | sed 's/^/# /'
fi
eq "a counts one restart of b" 1 "$(myc -n a -j -s peer show "$B" | json_get 0.stats.restarts)"
eq "a: b authenticated" ok "$(auth_of a "$B")"
sessions1=$(myc -n a -j peer show "$B" | json_get 0.rekeys)
if [ "$sessions1" -gt "$sessions0" ]; then
	ok "a new session restarted the pair ($sessions0 -> $sessions1 installs)"
else
	not_ok "a new session restarted the pair ($sessions0 -> $sessions1 installs)"
fi

# --- a forged HELLO (b's id, a new instance, from b's address)
before=$(myc -n a -j -s peer show "$B" | json_get 0.stats.restarts)
rx0=$(myc -n a -j -s peer show "$B" | json_get 0.stats.rx-frames)
if ip netns exec b hello_forge -n 20 -w 0 10.9.0.1 "$B" "$A" >forge.out; then
	ok "forged HELLOs sent"
else
	not_ok "forged HELLOs sent"
fi
rx1=$(myc -n a -j -s peer show "$B" | json_get 0.stats.rx-frames)
if [ $((rx1 - rx0)) -ge 20 ]; then
	ok "a took them as b's frames ($((rx1 - rx0)) frames)"
else
	not_ok "a took them as b's frames ($((rx1 - rx0)) frames)"
fi
sleep 2
if both_ways; then ok "forged HELLO: messages still both ways"; else not_ok "forged HELLO: messages still both ways"; fi
eq "forged HELLO: no restart" "$before" "$(myc -n a -j -s peer show "$B" | json_get 0.stats.restarts)"
eq "forged HELLO: b still authenticated" ok "$(auth_of a "$B")"
sleep 6
if both_ways; then ok "forged HELLO: still both ways after the re-ask"; else
	not_ok "forged HELLO: still both ways after the re-ask"
	myc -n a -s peer show | sed 's/^/# /'; myc -n b -s peer show | sed 's/^/# /'
	tail -n 25 a.log | sed 's/^/# a: /'; tail -n 25 b.log | sed 's/^/# b: /'
fi
eq "forged HELLO: still no restart" "$before" "$(myc -n a -j -s peer show "$B" | json_get 0.stats.restarts)"

kill $pids 2>/dev/null
wait 2>/dev/null
for m in a b sw; do ip netns del $m; done
echo "1..$n"
[ "$failed" = 0 ]
