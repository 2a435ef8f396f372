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

ip netns add a && ip netns add b
check "set in netns a" myc -n a node set id 0xa type hyphae
check "set in netns b" myc --netns b node set id 0xb type sclerotia
eq "netns a node" 000000000000000a "$(myc -n a -j node show | json_get 0.id)"
eq "netns b node" sclerotia "$(myc -n b -j node show | json_get 0.type)"
eq "init netns untouched" 0000000000abcdef "$(myc -j node show | json_get 0.id)"
ip netns del a && ip netns del b

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
fails "unprivileged set" su nobody -s /bin/sh -c "$(command -v myc) node set type hyphae"
grep -q 'Operation not permitted' /tmp/err && ok "EPERM explained" || not_ok "EPERM explained"
check "unprivileged show" su nobody -s /bin/sh -c "$(command -v myc) node show"

check "help" myc help
grep -q '^Usage: myc' /tmp/out && ok "help on stdout" || not_ok "help on stdout"
check "node help" myc node help
grep -q 'myc node set' /tmp/out && ok "node help text" || not_ok "node help text"
check "version" myc -V
myc >/dev/null 2>&1; eq "no object: exit 1" 1 $?

rmmod mycelium
fails "module missing is explained" sh -c 'echo > /proc/sys/kernel/modprobe; myc node show'
grep -q 'not loaded' /tmp/err && ok "module missing message" || not_ok "module missing message"
echo /sbin/modprobe >/proc/sys/kernel/modprobe
modprobe mycelium

echo "1..$n"
[ $failed = 0 ]
