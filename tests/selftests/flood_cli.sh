#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unauthenticated floods: nodes a and b (sclerotia, myceliumd, keys), a
# guaranteed stream from b to a; meanwhile 100000 HELLOs forged from b's
# own address (claiming b, a new instance), 100000 from a stranger's
# address claiming b, and 100000 HANDSHAKE frames from the stranger.
# Checked: each forger gets back at most 2% of what it sent (no frame
# draws more than one, and the per-source limits cut the rest); a's
# myceliumd spends at most a tenth of a CPU meanwhile (1.6 s for 20000
# HELLOs before the limits: each asked for a session); the stream arrives
# whole and in order; b is neither restarted nor unauthenticated; a new
# node c, started during the flood, authenticates with a within 60 s.
here=$(cd "$(dirname "$0")" && pwd)	# the test changes directory
PATH=$here:$PATH
# shellcheck source-path=SCRIPTDIR source=cli_lib
. "$here/cli_lib"
# shellcheck source=daemon_lib
. "$here/daemon_lib"

echo "TAP version 13"
modprobe mycelium
D=/tmp/mycf
rm -rf $D
mkdir -p $D
cd $D || exit 1
bridge_up
myceliumd key generate -o auth.key >/dev/null
mk_node a sclerotia 1 auth.key ''
mk_node b sclerotia 2 auth.key '[network]\nbootstrap = 10.9.0.1'
mk_node c sclerotia 3 auth.key '[network]\nbootstrap = 10.9.0.1'
# x: a stranger on the bridge, no node
ip netns add x
ip link add v-x netns x type veth peer name s-x netns sw
ip -n sw link set s-x master br0 up
ip -n x addr add 10.9.0.9/24 dev v-x
ip -n x link set v-x up
A=$(id_of a) B=$(id_of b) C=$(id_of c)
auth_of() { myc -n "$1" -j peer show "$2" 2>/dev/null | json_get 0.auth; }
authed() { [ "$(auth_of "$1" "$2")" = ok ]; }
stat_of() { myc -n "$1" -j -s peer show "$2" | json_get "0.stats.$3"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# replies_ok NAME FILE: the forger got back at most 2% of what it sent
replies_ok() {
	read -r _ sent _ rep _ secs <"$2"
	if [ -n "$rep" ] && [ $((rep * 50)) -le "$sent" ]; then
		ok "$1: $rep frames back for $sent sent in $secs s"
	else
		not_ok "$1: '$(cat "$2")'"
	fi
}

start a
start b
if until_ok 60 authed a "$B" && until_ok 30 authed b "$A"; then
	ok "a and b authenticated"
else
	not_ok "a and b authenticated"
fi

N=3000
ip netns exec a mycat -c $N -l 100 >got &
rcv=$!
wait_bound a 100
cpu0=$(cpu_ticks "$pid_a")
restarts0=$(stat_of a "$B" restarts)
seq 1 $N | ip netns exec b mycat -g guaranteed "$A" 100 &
snd=$!
ip netns exec b hello_forge -n 100000 10.9.0.1 "$B" "$A" >f-own.out &
f1=$!
ip netns exec x hello_forge -n 100000 10.9.0.1 "$B" "$A" >f-x.out &
f2=$!
ip netns exec x hello_forge -t handshake -n 100000 10.9.0.1 "$B" "$A" >f-hs.out &
f3=$!
t0=$(date +%s)
start c
wait $f1 $f2 $f3
cpu1=$(cpu_ticks "$pid_a")
replies_ok "HELLOs from b's address" f-own.out
replies_ok "HELLOs from a stranger" f-x.out
replies_ok "HANDSHAKEs from a stranger" f-hs.out
lim=$(myc -n a -j -s node show | json_get 0.stats.rx-ratelimited)
if [ "${lim:-0}" -gt 0 ]; then ok "a dropped $lim over its limits"; else not_ok "a dropped over its limits: '$lim'"; fi
cpu=$((cpu1 - cpu0)) secs=$(($(date +%s) - t0))
# a tenth of a CPU: 10 ticks (of 100 a second) per second of flood
if [ $cpu -le $((10 * secs)) ]; then
	ok "a's myceliumd: $cpu ticks of CPU in the $secs s of the flood (bound $((10 * secs)))"
else
	not_ok "a's myceliumd: $cpu ticks of CPU in the $secs s of the flood (bound $((10 * secs)))"
fi
if until_ok 60 authed a "$C"; then
	ok "a new node authenticates with a during the flood ($(($(date +%s) - t0)) s)"
else
	not_ok "a new node authenticates with a during the flood"
fi
wait $snd
i=0
while [ "$(wc -l <got)" -lt $N ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
kill $rcv 2>/dev/null
sed 's/^.*: //' got >got.text	# mycat prints "NODE:PORT: TEXT"
if seq 1 $N | cmp -s - got.text; then
	ok "the guaranteed stream arrived whole and in order ($N messages)"
else
	not_ok "the guaranteed stream arrived whole and in order: $(wc -l <got) lines"
	seq 1 $N | diff - got.text | head -5 | sed 's/^/# /'
fi
eq "b not restarted" "$restarts0" "$(stat_of a "$B" restarts)"
eq "b still authenticated" ok "$(auth_of a "$B")"

kill $pids 2>/dev/null
wait 2>/dev/null
for m in a b c x sw; do ip netns del $m; done
echo "1..$n"
[ "$failed" = 0 ]
