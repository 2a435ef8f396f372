#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# myc as a user types it: output, JSON, -n NETNS, errors and exit codes.
here=$(dirname "$0")
PATH=$here:$PATH
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $1"; }
check() {	# check NAME CMD...: CMD must succeed
	name=$1; shift
	if "$@" >/tmp/out 2>/tmp/err; then ok "$name"; else
		not_ok "$name"; sed 's/^/# /' /tmp/out /tmp/err; fi
}
# fails NAME CMD...: CMD must exit 1 with "Error: " on stderr, nothing on stdout
fails() {
	name=$1; shift
	"$@" >/tmp/out 2>/tmp/err
	rc=$?
	if [ $rc = 1 ] && grep -q '^Error: ' /tmp/err && [ ! -s /tmp/out ]; then
		ok "$name"
	else
		not_ok "$name (exit $rc)"; sed 's/^/# /' /tmp/out /tmp/err
	fi
}
eq() {	# eq NAME WANT GOT
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1: want '$2', got '$3'"; fi
}

echo "TAP version 13"
modprobe mycelium

check "node show" myc node show
grep -q '^node [0-9a-f]\{16\} type [a-z]* port [0-9]* family [0-9]* sockets [0-9]*$' /tmp/out &&
	ok "node show text format" || { not_ok "node show text format"; sed 's/^/# /' /tmp/out; }
check "node (default command is show)" myc node
check "abbreviations: myc n sh" myc n sh

check "node set" myc node set id 0xabcdef type sclerotia port 7400
myc -j node show >/tmp/json
eq "json id" 0000000000abcdef "$(json_get 0.id </tmp/json)"
eq "json type" sclerotia "$(json_get 0.type </tmp/json)"
eq "json port" 7400 "$(json_get 0.port </tmp/json)"
eq "json family" "$(cat /sys/module/mycelium/parameters/family)" "$(json_get 0.family </tmp/json)"
json_get 0.sockets </tmp/json >/dev/null && ok "json sockets" || not_ok "json sockets"
myc -j -p node show >/tmp/pjson
[ "$(wc -l </tmp/pjson)" -gt 3 ] && json_get . </tmp/pjson >/dev/null &&
	ok "pretty json" || not_ok "pretty json"
check "abbreviated set" myc node set t rh
eq "type after abbreviated set" rhizomorph "$(myc -j node show | json_get 0.type)"

# reassembly bounds: defaults, sizes with suffixes, use and drops with -s
eq "reasm-peer-max default" 4194304 "$(myc -j node show | json_get 0.reasm-peer-max)"
eq "reasm-node-max default" 33554432 "$(myc -j node show | json_get 0.reasm-node-max)"
check "reasm bounds set" myc node set reasm-node-max 64m reasm-peer-max 8192k
eq "reasm-peer-max set" 8388608 "$(myc -j node show | json_get 0.reasm-peer-max)"
eq "reasm-node-max set" 67108864 "$(myc -j node show | json_get 0.reasm-node-max)"
myc -s node show >/tmp/out
grep -q '^    reasm-peer-max 8388608 reasm-node-max 67108864 reasm-mem 0 reasm-peer-mem 0 reasm-drops 0$' /tmp/out &&
	ok "node -s show: reasm line" || { not_ok "node -s show: reasm line"; sed 's/^/# /' /tmp/out; }
eq "json reasm-mem" 0 "$(myc -j -s node show | json_get 0.reasm-mem)"
eq "json reasm-drops" 0 "$(myc -j -s node show | json_get 0.reasm-drops)"
fails "reasm-peer-max too small" myc node set reasm-peer-max 1000
fails "reasm-node-max too large" myc node set reasm-node-max 2g
fails "reasm-peer-max not a size" myc node set reasm-peer-max 4t
fails "reasm-peer-max above node" myc node set reasm-peer-max 128m
grep -q 'reasm-peer-max exceeds reasm-node-max' /tmp/err &&
	ok "reasm bounds: the kernel's reason" || { not_ok "reasm bounds: the kernel's reason"; sed 's/^/# /' /tmp/err; }
check "reasm bounds back" myc node set reasm-peer-max 4m reasm-node-max 32m

ip netns add a && ip netns add b
check "set in netns a" myc -n a node set id 0xa type hyphae
check "set in netns b" myc --netns b node set id 0xb type sclerotia
eq "netns a node" 000000000000000a "$(myc -n a -j node show | json_get 0.id)"
eq "netns b node" sclerotia "$(myc -n b -j node show | json_get 0.type)"
eq "init netns untouched" 0000000000abcdef "$(myc -j node show | json_get 0.id)"
ip netns del a && ip netns del b

# myc socket: bound sockets from /proc/net/mycelium.  Holder "s" (as nobody,
# in netns s): dgram on port 5000, seqpacket on service 4242, one unbound
# dgram; holder "i" (as root, in this netns): dgram on port 6000.
hold=$(cd "$here" && pwd)/sock_hold
wait_ready() {	# wait_ready FILE: until the holder printed "ready" (10 s)
	i=0
	while ! grep -q ready "$1" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1)); done
}
ip netns add s
ip netns exec s su nobody -s /bin/sh -c "exec $hold 3 120 port:5000 service:4242" >/tmp/hold_s &
pid_s=$!
$hold 1 120 port:6000 >/tmp/hold_i &
pid_i=$!
wait_ready /tmp/hold_s; wait_ready /tmp/hold_i

check "socket show" myc -n s socket show
cp /tmp/out /tmp/socks
eq "socket show: bound sockets only" 2 "$(wc -l </tmp/socks)"
grep -q '^port 5000 type dgram state unconnected rx-queue 0 tx-queue 0 uid 65534 inode [0-9][0-9]*$' /tmp/socks &&
	ok "socket show: port line" || { not_ok "socket show: port line"; sed 's/^/# /' /tmp/socks; }
grep -q '^port [0-9]* type seqpacket service 4242 state closed rx-queue 0 tx-queue 0 uid 65534 inode [0-9]*$' /tmp/socks &&
	ok "socket show: service line" || { not_ok "socket show: service line"; sed 's/^/# /' /tmp/socks; }
inode=$(sed -n 's/^port 5000 .* inode \([0-9]*\)$/\1/p' /tmp/socks)
mine=0
for fd in /proc/$pid_s/fd/*; do
	[ -n "$inode" ] && [ "$(readlink "$fd")" = "socket:[$inode]" ] && mine=1
done
eq "socket show: inode is the holder's socket" 1 "$mine"
eq "socket (default command is show)" "$(cat /tmp/socks)" "$(myc -n s socket)"
eq "socket list" "$(cat /tmp/socks)" "$(myc -n s socket list)"

myc -n s -j socket show >/tmp/json
json_get 1 </tmp/json >/dev/null && ! json_get 2 </tmp/json >/dev/null &&
	ok "socket json: an array of two" || { not_ok "socket json: an array of two"; sed 's/^/# /' /tmp/json; }
myc -n s -j socket show port 5000 >/tmp/json
eq "socket json port" 5000 "$(json_get 0.port </tmp/json)"
eq "socket json type" dgram "$(json_get 0.type </tmp/json)"
eq "socket json uid" 65534 "$(json_get 0.uid </tmp/json)"
eq "socket json inode" "$inode" "$(json_get 0.inode </tmp/json)"
eq "socket json rx-queue" 0 "$(json_get 0.rx-queue </tmp/json)"
json_get 0.tx-queue </tmp/json >/dev/null && ok "socket json tx-queue" || not_ok "socket json tx-queue"
json_get 0.service </tmp/json >/dev/null && not_ok "socket json: no service when not bound to one" ||
	ok "socket json: no service when not bound to one"
json_get 1 </tmp/json >/dev/null && not_ok "socket json: filter by port" || ok "socket json: filter by port"
myc -n s -j socket show service 4242 >/tmp/json
eq "socket json service" 4242 "$(json_get 0.service </tmp/json)"
eq "socket json seqpacket" seqpacket "$(json_get 0.type </tmp/json)"
[ "$(json_get 0.port </tmp/json)" -ge 2147483648 ] 2>/dev/null &&
	ok "socket json: ephemeral port of a service socket" ||
	not_ok "socket json: ephemeral port of a service socket: $(json_get 0.port </tmp/json)"

check "socket show type seqpacket" myc -n s socket show type seqpacket
grep -q '^port [0-9]* type seqpacket service 4242 ' /tmp/out && [ "$(wc -l </tmp/out)" = 1 ] &&
	ok "filter by type" || { not_ok "filter by type"; sed 's/^/# /' /tmp/out; }
check "abbreviations: myc sock sh ty d" myc -n s sock sh ty d
grep -q '^port 5000 type dgram ' /tmp/out && [ "$(wc -l </tmp/out)" = 1 ] &&
	ok "abbreviated filter" || { not_ok "abbreviated filter"; sed 's/^/# /' /tmp/out; }
check "filter matching nothing" myc -n s socket show port 5001
[ ! -s /tmp/out ] && ok "filter matching nothing prints nothing" || not_ok "filter matching nothing prints nothing"
eq "json of no match" "[]" "$(myc -n s -j socket show service 1)"

echo hi | mycat -n s 0 5000
rxq=$(myc -n s -j socket show port 5000 | json_get 0.rx-queue)
[ "${rxq:-0}" -gt 0 ] && ok "rx-queue counts an unread message ($rxq bytes)" ||
	not_ok "rx-queue counts an unread message: '$rxq'"

check "socket show here" myc socket show
grep -q '^port 6000 type dgram .* uid 0 ' /tmp/out && ok "this netns's socket shown" ||
	{ not_ok "this netns's socket shown"; sed 's/^/# /' /tmp/out; }
grep -q -e '^port 5000 ' -e ' service 4242 ' /tmp/out && not_ok "netns s's sockets not shown here" ||
	ok "netns s's sockets not shown here"
grep -q '^port 6000 ' /tmp/socks && not_ok "this netns's socket not shown in s" ||
	ok "this netns's socket not shown in s"
check "unprivileged socket show" ip netns exec s su nobody -s /bin/sh -c "$(command -v myc) socket show"
eq "unprivileged sees the same" 2 "$(wc -l </tmp/out)"

kill $pid_s; wait $pid_s 2>/dev/null
check "socket show after close" myc -n s socket show
[ ! -s /tmp/out ] && ok "closed sockets disappear" || { not_ok "closed sockets disappear"; sed 's/^/# /' /tmp/out; }
eq "json after close" "[]" "$(myc -n s -j socket show)"
kill $pid_i; wait $pid_i 2>/dev/null
myc socket show port 6000 >/tmp/out 2>&1
[ ! -s /tmp/out ] && ok "closed socket disappears here" || { not_ok "closed socket disappears here"; sed 's/^/# /' /tmp/out; }
ip netns del s

fails "unknown object" myc nosuch
fails "unknown command" myc node nosuch
fails "unknown option" myc -x node show
fails "bad type" myc node set type fungus
fails "id 0" myc node set id 0
fails "id not hex" myc node set id xyz
fails "id too long" myc node set id 11112222333344445
fails "port 0" myc node set port 0
fails "port too large" myc node set port 65536
fails "missing value" myc node set port
fails "nothing to set" myc node set
fails "show takes no argument" myc node show extra
fails "missing netns" myc -n nosuch node show
fails "socket: unknown command" myc socket nosuch
fails "socket: unknown filter" myc socket show nosuch 1
fails "socket: port not a number" myc socket show port x
fails "socket: port too large" myc socket show port 4294967296
fails "socket: missing port" myc socket show port
fails "socket: bad type" myc socket show type stream
fails "unprivileged set" su nobody -s /bin/sh -c "$(command -v myc) node set type hyphae"
grep -q 'Operation not permitted' /tmp/err && ok "EPERM explained" || not_ok "EPERM explained"
check "unprivileged show" su nobody -s /bin/sh -c "$(command -v myc) node show"

check "help" myc help
grep -q '^Usage: myc' /tmp/out && ok "help on stdout" || not_ok "help on stdout"
grep -q 'OBJECT := {.* socket' /tmp/out && ok "help lists socket" || not_ok "help lists socket"
check "node help" myc node help
grep -q 'myc node set' /tmp/out && ok "node help text" || not_ok "node help text"
check "socket help" myc socket help
grep -q 'myc socket show' /tmp/out && ok "socket help text" || not_ok "socket help text"
check "socket show help" myc socket show help
grep -q 'myc socket show' /tmp/out && ok "socket show help text" || not_ok "socket show help text"
check "version" myc -V
myc >/dev/null 2>&1; eq "no object: exit 1" 1 $?

rmmod mycelium
fails "module missing is explained" sh -c 'echo > /proc/sys/kernel/modprobe; myc node show'
grep -q 'not loaded' /tmp/err && ok "module missing message" || not_ok "module missing message"
fails "socket show without the module" myc socket show
grep -q 'not loaded' /tmp/err && ok "socket: module missing message" || not_ok "socket: module missing message"
echo /sbin/modprobe >/proc/sys/kernel/modprobe
modprobe mycelium

echo "1..$n"
[ $failed = 0 ]
