#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/scripts/restart_2vm.sh [KERNEL]: a machine that reboots talks to
# its peer again, and the peer needs no command (SPEC section 13,
# "Restarts").  Two VMs joined by a qemu socket link (virtio NIC eth0),
# one node each with myceliumd (sclerotia, keys from one authority): A
# (10.10.0.1) runs throughout; B (10.10.0.2, bootstrap A) boots, sends A
# a guaranteed message, and powers off; then B boots again with the same
# key (and no state: the initramfs is new) and sends again.  A's only
# program besides its daemon is the application: it receives B's
# messages and answers the second one.  Checked: B's second boot gets A's
# answer within 15 s of its daemon's start (the figure is printed), and
# A saw one restart of B.  TAP output.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kernel=${1:-6.12}
make -s -C "$top" vm-inputs KVER="$("$top/scripts/kver" "$kernel")" >/dev/null || exit 1
myceliumd=$top/build/userspace/myceliumd
tmp=$(mktemp -d /tmp/myc-2vm.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $1"; }
echo "TAP version 13"

"$myceliumd" key generate -o auth.key >/dev/null
for m in a b; do
	"$myceliumd" key generate -o $m.key >/dev/null
	"$myceliumd" cert issue -a auth.key -k $m.key -t sclerotia -o $m.cert >/dev/null
done
A=$("$myceliumd" key show a.key | sed -n 's/^node-id //p')
B=$("$myceliumd" key show b.key | sed -n 's/^node-id //p')
conf() {	# conf NAME [BOOTSTRAP]
	printf '[node]\nkey = /add/%s.key\ncert = /add/%s.cert\n[trust]\nauthority = /add/auth.key\n[spores]\ndatabase = /tmp/%s.db\n' "$1" "$1" "$1"
	[ -n "${2:-}" ] && printf '[network]\nbootstrap = %s\n' "$2"
	return 0
}
conf a >a.conf
conf b 10.10.0.1 >b.conf
# setup N NAME: the NIC and the daemon (its start time in /tmp/t0)
cat >setup <<'EOS'
modprobe virtio_net
modprobe mycelium
ip link set lo up
ip addr add "10.10.0.$1/24" dev eth0
ip link set eth0 up
cut -d' ' -f1 /proc/uptime >/tmp/t0
myceliumd -c "/add/$2.conf" >/tmp/$2.log 2>&1 &
EOS
since() { awk -v t0="$(cat /tmp/t0)" '{ printf "%.1f\n", $1 - t0 }' /proc/uptime; }
cat >a.sh <<EOS
sh /add/setup 1 a
mycat -c 1 -l 100 >/tmp/got1
echo "A: first boot's message: \$(cat /tmp/got1)"
mycat -c 1 -l 100 >/tmp/got2
echo "A: second boot's message: \$(cat /tmp/got2)"
echo ack | mycat -g guaranteed $B 101 || echo "A: the answer came back"
sleep 3
echo "A-RESTARTS \$(myc -j -s peer show $B | /usr/lib/mycelium/selftests/json_get 0.stats.restarts)"
echo "A-AUTH \$(myc -j peer show $B | /usr/lib/mycelium/selftests/json_get 0.auth)"
EOS
cat >b.sh <<EOS
sh /add/setup 2 b
$(declare -f since)
mycat -c 1 -l 101 >/tmp/ack &
i=0
until echo "boot \$1" | mycat -g guaranteed $A 100 2>/dev/null; do
	i=\$((i + 1)); [ \$i -lt 60 ] || break; sleep 1
done
echo "B\$1-SENT \$(since)"
if [ "\$1" = 2 ]; then
	i=0
	while ! grep -q ack /tmp/ack && [ \$i -lt 300 ]; do sleep 0.1; i=\$((i + 1)); done
	grep -q ack /tmp/ack && echo "B2-BOTH-WAYS \$(since)"
fi
EOS
port=$((17000 + RANDOM % 20000))
adds=(--add setup --add auth.key --add a.key --add a.cert --add a.conf
	--add b.key --add b.cert --add b.conf --add a.sh --add b.sh)
"$top/scripts/vm" run --kernel "$kernel" --smp 1 --timeout 400 --quiet \
	--nic "listen=127.0.0.1:$port" "${adds[@]}" -- sh /add/a.sh >a.log 2>&1 &
apid=$!
sleep 3	# A's qemu listens before B's connects
for boot in 1 2; do
	"$top/scripts/vm" run --kernel "$kernel" --smp 1 --timeout 200 --quiet \
		--nic "connect=127.0.0.1:$port" "${adds[@]}" -- sh /add/b.sh $boot \
		>b$boot.log 2>&1
	echo "# B's boot $boot ended (exit $?): $(grep -a -E '^B' b$boot.log | tr -d '\r' | tr '\n' ' ')"
done
wait $apid
echo "# A: $(grep -a -E '^A' a.log | tr -d '\r' | tr '\n' ' ')"
sent1=$(sed -n 's/^B1-SENT //p' b1.log | tr -d '\r')
if [ -n "$sent1" ] && grep -a -q "^A: first boot's message: .*boot 1" a.log; then
	ok "B's first boot reached A (sent $sent1 s after its daemon started)"
else
	not_ok "B's first boot reached A"; tail -n 20 b1.log | sed 's/^/# /'; fi
both=$(sed -n 's/^B2-BOTH-WAYS //p' b2.log | tr -d '\r')
if [ -n "$both" ] && awk -v t="$both" 'BEGIN { exit !(t <= 15) }'; then
	ok "B's second boot: both ways again $both s after its daemon started (bound 15 s)"
else
	not_ok "B's second boot: both ways again within 15 s ('$both')"
	tail -n 20 b2.log a.log | sed 's/^/# /'
fi
restarts=$(sed -n 's/^A-RESTARTS //p' a.log | tr -d '\r')
if [ "$restarts" = 1 ]; then ok "A counted one restart of B"; else not_ok "A counted one restart of B ('$restarts')"; fi
auth=$(sed -n 's/^A-AUTH //p' a.log | tr -d '\r')
if [ "$auth" = ok ]; then ok "A: B authenticated"; else not_ok "A: B authenticated ('$auth')"; fi
echo "1..$n"
[ $failed = 0 ]
