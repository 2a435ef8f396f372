#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# myc peer: add/set/del/show over IPv4 and IPv6, JSON, counters, and the
# errors (with the kernel's extack messages) a user gets for bad input.
here=$(dirname "$0")
PATH=$here:$PATH
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $1"; }
check() {
	name=$1; shift
	if "$@" >/tmp/out 2>/tmp/err; then ok "$name"; else
		not_ok "$name"; sed 's/^/# /' /tmp/out /tmp/err; fi
}
# fails NAME PATTERN CMD...: exit 1, "Error: " and PATTERN on stderr
fails() {
	name=$1; pat=$2; shift 2
	"$@" >/tmp/out 2>/tmp/err
	rc=$?
	if [ $rc = 1 ] && grep -q '^Error: ' /tmp/err && grep -q -- "$pat" /tmp/err; then
		ok "$name"
	else
		not_ok "$name (exit $rc)"; sed 's/^/# /' /tmp/out /tmp/err
	fi
}
eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: want '$2', got '$3'"; fi; }

echo "TAP version 13"
modprobe mycelium
ip netns add p1
ip -n p1 link set lo up
M="myc -n p1"

check "add peer with an IPv4 path" $M peer add 1234 type sclerotia path 127.0.0.1 127.0.0.2:7000
check "add peer with an IPv6 path" $M peer add 5678 type rhizomorph path ::1 [::1]:7001
check "add peer without path" $M peer add 9
check "peer show" $M peer show
grep -q '^peer 0000000000001234 type sclerotia state reachable$' /tmp/out && ok "peer line" ||
	{ not_ok "peer line"; sed 's/^/# /' /tmp/out; }
grep -q '^    path 1 127.0.0.1 -> 127.0.0.2:7000 state unknown$' /tmp/out && ok "path line" ||
	{ not_ok "path line"; sed 's/^/# /' /tmp/out; }
grep -q '^    path 1 ::1 -> \[::1\]:7001 state unknown$' /tmp/out && ok "IPv6 path line" ||
	{ not_ok "IPv6 path line"; sed 's/^/# /' /tmp/out; }
grep -q '^peer 0000000000000009 type hyphae state unreachable$' /tmp/out && ok "pathless peer is unreachable" ||
	{ not_ok "pathless peer is unreachable"; sed 's/^/# /' /tmp/out; }

$M -j peer show 1234 >/tmp/j
eq "json id" 0000000000001234 "$(json_get 0.id </tmp/j)"
eq "json path local" 127.0.0.1 "$(json_get 0.path.0.local </tmp/j)"
eq "json path remote" 127.0.0.2 "$(json_get 0.path.0.remote </tmp/j)"
eq "json path port" 7000 "$(json_get 0.path.0.remote-port </tmp/j)"
json_get 0.stats </tmp/j >/dev/null && not_ok "stats only with -s" || ok "stats only with -s"
$M -j -s peer show 1234 >/tmp/j
eq "json stats with -s" 0 "$(json_get 0.stats.rx-frames </tmp/j)"
eq "json path stats with -s" 0 "$(json_get 0.path.0.stats.tx-frames </tmp/j)"
$M -j peer show >/tmp/j
json_get 2.id </tmp/j >/dev/null && ! json_get 3.id </tmp/j >/dev/null &&
	ok "dump lists three peers" || { not_ok "dump lists three peers"; sed 's/^/# /' /tmp/j; }

check "set adds a path" $M peer set 1234 path 127.0.0.1 127.0.0.3
eq "second path" 127.0.0.3 "$($M -j peer show 1234 | json_get 0.path.1.remote)"
check "set changes the type" $M peer set 1234 type hyphae
eq "type changed" hyphae "$($M -j peer show 1234 | json_get 0.type)"
check "the default port" $M peer set 9 path 127.0.0.1 127.0.0.9
eq "default port is 6920" 6920 "$($M -j peer show 9 | json_get 0.path.0.remote-port)"

fails "duplicate peer" "peer already exists" $M peer add 1234
fails "duplicate path" "path already exists" $M peer set 1234 path 127.0.0.1 127.0.0.3
fails "peer is this node" "not this node" sh -c "$M node set id 77 && $M peer add 77"
fails "del unknown" "no such peer" $M peer del 4321
fails "show unknown" "no such peer" $M peer show 4321
fails "set unknown" "no such peer" $M peer set 4321 type hyphae
fails "mixed families" "mixes IPv4 and IPv6" $M peer add 11 path 127.0.0.1 ::1
fails "bad address" "invalid remote address" $M peer add 11 path 127.0.0.1 1.2.3
fails "bad port" "invalid remote address" $M peer add 11 path 127.0.0.1 1.2.3.4:0
fails "port in local" "invalid local address" $M peer add 11 path 127.0.0.1:5 1.2.3.4
fails "unknown dev" "no interface" $M peer add 11 path ::1 ::2 dev nosuch0
fails "path needs two addresses" "needs LOCAL and REMOTE" $M peer add 11 path 127.0.0.1
fails "bad id" "invalid node id" $M peer add xyz
fails "nothing to set" "nothing to set" $M peer set 1234
fails "unprivileged add" "Operation not permitted" su nobody -s /bin/sh -c "$(command -v myc) -n p1 peer add 99"
i=1
while [ $i -le 8 ]; do $M peer set 9 path 127.0.0.1 127.0.1.$i >/dev/null 2>&1; i=$((i + 1)); done
fails "at most 8 paths" "too many paths" $M peer set 9 path 127.0.0.1 127.0.2.1

check "del" $M peer del 5678
fails "deleted" "no such peer" $M peer show 5678
check "del the rest" sh -c "$M peer del 1234 && $M peer del 9"
eq "no peers left" "[]" "$($M -j peer show)"

# the node's UDP port is opened with the first peer and follows port changes
check "port change with peers" sh -c "$M peer add 10 path 127.0.0.1 127.0.0.2 && $M node set port 7777"
ip netns exec p1 ss -uln >/tmp/ss 2>&1
grep -q ':7777 ' /tmp/ss && ok "bearer moved to the new port" || { not_ok "bearer moved to the new port"; sed 's/^/# /' /tmp/ss; }
grep -q ':6920 ' /tmp/ss && not_ok "old port closed" || ok "old port closed"
ip netns exec p1 udp_hold 7001 30 >/tmp/hold &
ncpid=$!
while ! grep -q ready /tmp/hold 2>/dev/null; do sleep 0.1; done
fails "port in use" "cannot open the UDP port" $M node set port 7001
kill $ncpid 2>/dev/null
eq "port unchanged after failure" 7777 "$($M -j node show | json_get 0.port)"

ip netns del p1
echo "1..$n"
[ $failed = 0 ]
