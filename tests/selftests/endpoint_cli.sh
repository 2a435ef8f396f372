#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# myc endpoint: add/set/del/show of virtual endpoints and their backends,
# text and JSON, counters, and the errors (the tool's and the kernel's
# extack messages) a user gets for bad input.  The backends' nodes are not
# peers here: their state is unknown until checked, then down.
here=$(dirname "$0")
PATH=$here:$PATH
# shellcheck source-path=SCRIPTDIR source=cli_lib
. "$here/cli_lib"
# M ARGS...: myc in the test's namespace
M() { myc -n e1 "$@"; }
# key NAME PATH FILE: the JSON in FILE has something at PATH ("." : valid)
key() {
	if json_get "$2" <"$3" >/dev/null; then ok "$1"; else
		not_ok "$1"; sed 's/^/# /' "$3"; fi
}
# no_key NAME PATH FILE: the JSON in FILE has nothing at PATH
no_key() {
	if json_get "$2" <"$3" >/dev/null; then
		not_ok "$1"; sed 's/^/# /' "$3"; else ok "$1"; fi
}
# num NAME PATH FILE: the JSON in FILE has a number at PATH
num() {
	if json_get "$2" <"$3" | grep -q -E '^[0-9]+$'; then ok "$1"; else
		not_ok "$1"; sed 's/^/# /' "$3"; fi
}
# lacks NAME PATTERN FILE: no line of FILE matches PATTERN (grep -E)
lacks() {
	if grep -q -E -- "$2" "$3"; then not_ok "$1"; sed 's/^/# /' "$3"; else
		ok "$1"; fi
}
# json_n NAME N FILE: the JSON array in FILE has N elements
json_n() {
	if { [ "$2" = 0 ] || json_get $(($2 - 1)) <"$3" >/dev/null; } &&
	   ! json_get "$2" <"$3" >/dev/null; then
		ok "$1"; else not_ok "$1"; sed 's/^/# /' "$3"; fi
}
# state_of ID N STATE: until backend N (from 0) of endpoint ID is in STATE (10 s)
state_of() {
	i=0
	while [ "$(M -j endpoint show "$1" | json_get "0.backend.$2.state")" != "$3" ] &&
	      [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1)); done
}
# one_of NAME GOT WANT...: GOT is one of the WANTs
one_of() {
	name=$1 got=$2; shift 2
	for w in "$@"; do
		[ "$got" = "$w" ] && { ok "$name"; return; }
	done
	not_ok "$name: got '$got', want one of: $*"
}

echo "TAP version 13"
modprobe mycelium
ip netns add e1
ip -n e1 link set lo up

eq "no endpoints: nothing" "" "$(M endpoint show)"
eq "no endpoints: json" "[]" "$(M -j endpoint show)"

check "add with settings and two backends" M endpoint add 7 lb weighted-round-robin \
	health-interval 10ms failover immediate backend b service 42 weight 3 backend c service 42
check "endpoint show" M endpoint show 7
cp /tmp/out /tmp/ep7
eq "show ID: three lines" 3 "$(wc -l </tmp/ep7)"
has "endpoint line" '^endpoint 7 lb weighted-round-robin health-interval 10ms failover immediate$' /tmp/ep7
has "backend line, weight 3" '^    backend 1 node 000000000000000b service 42 weight 3 state (unknown|down)$' /tmp/ep7
has "backend line, default weight 1" '^    backend 2 node 000000000000000c service 42 weight 1 state (unknown|down)$' /tmp/ep7
lacks "no counters without -s" 'selections|failures|connections' /tmp/ep7
lacks "text: no retry-timeout unless wait-retry" retry-timeout /tmp/ep7

M -j endpoint show 7 >/tmp/j
key "json is valid" . /tmp/j
json_n "json: an array of one" 1 /tmp/j
eq "json id (a number)" 7 "$(json_get 0.id </tmp/j)"
eq "json lb" weighted-round-robin "$(json_get 0.lb </tmp/j)"
eq "json health-interval (ms)" 10 "$(json_get 0.health-interval </tmp/j)"
eq "json failover" immediate "$(json_get 0.failover </tmp/j)"
num "json retry-timeout (ms)" 0.retry-timeout /tmp/j
json_get 0.backend </tmp/j >/tmp/jb
json_n "json backend: an array of two" 2 /tmp/jb
eq "json backend id" 1 "$(json_get 0.backend.0.id </tmp/j)"
eq "json backend node (a string)" 000000000000000b "$(json_get 0.backend.0.node </tmp/j)"
eq "json backend service" 42 "$(json_get 0.backend.0.service </tmp/j)"
eq "json backend weight" 3 "$(json_get 0.backend.0.weight </tmp/j)"
one_of "json backend state" "$(json_get 0.backend.0.state </tmp/j)" unknown down
eq "json second backend id" 2 "$(json_get 0.backend.1.id </tmp/j)"
eq "json second backend node" 000000000000000c "$(json_get 0.backend.1.node </tmp/j)"
eq "json second backend weight" 1 "$(json_get 0.backend.1.weight </tmp/j)"
no_key "json: a service backend has no port" 0.backend.0.port /tmp/j
no_key "json: no selections without -s" 0.backend.0.selections /tmp/j
no_key "json: no failures without -s" 0.backend.0.failures /tmp/j
no_key "json: no connections without -s" 0.backend.0.connections /tmp/j

# the backends' nodes are no peers: checked every 10 ms, they go down
state_of 7 0 down
state_of 7 1 down
eq "a backend whose node is no peer is down" down "$(M -j endpoint show 7 | json_get 0.backend.0.state)"

M -j -s endpoint show 7 >/tmp/j
eq "json -s: selections" 0 "$(json_get 0.backend.0.selections </tmp/j)"
eq "json -s: connections" 0 "$(json_get 0.backend.0.connections </tmp/j)"
num "json -s: failures" 0.backend.0.failures /tmp/j
num "json -s: every backend's counters" 0.backend.1.selections /tmp/j
check "show -s" M -s endpoint show 7
has "text -s: counters on the backend line" \
	'^    backend 1 node 000000000000000b service 42 weight 3 state down selections 0 failures [0-9]+ connections 0$' /tmp/out

check "add with the defaults" M endpoint add 8
M -j endpoint show 8 >/tmp/j
eq "default lb" round-robin "$(json_get 0.lb </tmp/j)"
eq "default health-interval" 1000 "$(json_get 0.health-interval </tmp/j)"
eq "default failover" immediate "$(json_get 0.failover </tmp/j)"
eq "no backends: an empty array" "[]" "$(json_get 0.backend </tmp/j)"
check "show an endpoint without backends" M endpoint show 8
eq "without backends: one line" 1 "$(wc -l </tmp/out)"
check "add a port backend, abbreviated" M endpoint add 9 l la b 0xd p 5000 w 1000
M -j endpoint show 9 >/tmp/j
eq "abbreviated lb" latency "$(json_get 0.lb </tmp/j)"
eq "json backend port" 5000 "$(json_get 0.backend.0.port </tmp/j)"
eq "json backend node from 0x" 000000000000000d "$(json_get 0.backend.0.node </tmp/j)"
eq "weight 1000" 1000 "$(json_get 0.backend.0.weight </tmp/j)"
no_key "json: a port backend has no service" 0.backend.0.service /tmp/j
check "show a port backend" M endpoint show 9
has "port backend line" '^    backend 1 node 000000000000000d port 5000 weight 1000 state ' /tmp/out

check "show all" M endpoint show
eq "dump: three endpoint lines" 3 "$(grep -c '^endpoint ' /tmp/out)"
eq "dump: three backend lines" 3 "$(grep -c '^    backend ' /tmp/out)"
cp /tmp/out /tmp/all
M -j endpoint show >/tmp/j
json_n "json dump: three endpoints" 3 /tmp/j
# backend states may move between two commands (health checks run): not
# compared here
nostate() { sed 's/ state [a-z]*$//'; }
eq "endpoint (default command is show)" "$(nostate </tmp/all)" "$(M endpoint | nostate)"
eq "endpoint list" "$(nostate </tmp/all)" "$(M endpoint list | nostate)"
eq "abbreviations: myc e s 7" "$(M endpoint show 7 | nostate)" "$(M e s 7 | nostate)"
eq "abbreviations: myc end sh 7" "$(M endpoint show 7 | nostate)" "$(M end sh 7 | nostate)"

# set: settings not given are kept; backends given replace the list
check "set lb" M endpoint set 7 lb least-connections
M -j endpoint show 7 >/tmp/j
eq "set lb: changed" least-connections "$(json_get 0.lb </tmp/j)"
eq "set lb: health-interval kept" 10 "$(json_get 0.health-interval </tmp/j)"
json_get 0.backend </tmp/j >/tmp/jb
json_n "set lb: backends kept" 2 /tmp/jb
check "set failover wait-retry with a timeout" M endpoint set 7 failover wait-retry 500
M -j endpoint show 7 >/tmp/j
eq "wait-retry" wait-retry "$(json_get 0.failover </tmp/j)"
eq "wait-retry timeout" 500 "$(json_get 0.retry-timeout </tmp/j)"
check "set retry-timeout alone" M endpoint set 7 retry-timeout 700ms
eq "retry-timeout" 700 "$(M -j endpoint show 7 | json_get 0.retry-timeout)"
check "show wait-retry" M endpoint show 7
has "endpoint line with wait-retry" \
	'^endpoint 7 lb least-connections health-interval 10ms failover wait-retry retry-timeout 700ms$' /tmp/out
check "set health-interval" M endpoint set 7 health-interval 2000
eq "health-interval changed" 2000 "$(M -j endpoint show 7 | json_get 0.health-interval)"
check "set replaces the backends" M endpoint set 7 backend b service 42 weight 5 backend d port 6000
check "show after the replacement" M endpoint show 7
eq "replaced: two backends" 2 "$(grep -c '^    backend ' /tmp/out)"
has "a backend that stays keeps its id, takes the new weight" \
	'^    backend 1 node 000000000000000b service 42 weight 5 state ' /tmp/out
lacks "a backend not given is gone" 'node 000000000000000c' /tmp/out
nid=$(sed -n 's/^    backend \([0-9]*\) node 000000000000000d port 6000 weight 1 state .*/\1/p' /tmp/out)
if [ "$nid" -gt 2 ] 2>/dev/null; then ok "a new backend gets a new id ($nid)"; else
	not_ok "a new backend gets a new id: '$nid'"; sed 's/^/# /' /tmp/out; fi
eq "backends replaced, settings kept" least-connections "$(M -j endpoint show 7 | json_get 0.lb)"
i=1 args=
while [ $i -le 16 ]; do args="$args backend $i port $((7000 + i))"; i=$((i + 1)); done
# shellcheck disable=SC2086 # $args is 16 backends, word-split on purpose
check "16 backends" M endpoint set 8 $args
eq "16 backends shown" 16 "$(M endpoint show 8 | grep -c '^    backend ')"

# backends on this node: up while a socket is bound to their service or port
hold=$(cd "$here" && pwd)/sock_hold
me=$(M -j node show | json_get 0.id)
ip netns exec e1 "$hold" 1 60 service:4242 >/tmp/hold &
hpid=$!
i=0
while ! grep -q ready /tmp/hold 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1)); done
check "backends on this node" M endpoint add 20 health-interval 10 \
	backend "$me" service 4242 backend "$me" port 5999
state_of 20 0 up
state_of 20 1 down
eq "bound service: up" up "$(M -j endpoint show 20 | json_get 0.backend.0.state)"
eq "nothing bound on the port: down" down "$(M -j endpoint show 20 | json_get 0.backend.1.state)"
check "show up and down" M endpoint show 20
has "text: up" "^    backend 1 node $me service 4242 weight 1 state up\$" /tmp/out
has "text: down" "^    backend 2 node $me port 5999 weight 1 state down\$" /tmp/out
kill "$hpid" 2>/dev/null
wait "$hpid" 2>/dev/null
state_of 20 0 down
eq "the socket closed: down" down "$(M -j endpoint show 20 | json_get 0.backend.0.state)"
check "del 20" M endpoint del 20

# errors found by myc, before the kernel sees them
fails "id 0" 'invalid endpoint id "0"' M endpoint add 0
fails "id not a number" 'invalid endpoint id "x"' M endpoint add x
fails "id too large" 'invalid endpoint id "4294967296"' M endpoint del 4294967296
fails "show: id 0" 'invalid endpoint id "0"' M endpoint show 0
fails "unknown lb" 'invalid lb "random"' M endpoint add 11 lb random
fails "ambiguous lb" 'invalid lb "l"' M endpoint add 11 lb l
fails "a path strategy is no lb" 'invalid lb "load"' M endpoint set 7 lb load
fails "lb without a value" 'needs an argument' M endpoint add 11 lb
fails "weight 0" 'invalid weight "0"' M endpoint add 11 backend b service 1 weight 0
fails "weight 1001" 'invalid weight "1001"' M endpoint add 11 backend b service 1 weight 1001
fails "weight not a number" 'invalid weight "x"' M endpoint add 11 backend b service 1 weight x
fails "weight without a value" 'needs an argument' M endpoint add 11 backend b service 1 weight
fails "service and port" 'give a service or a port, not both' M endpoint add 11 backend b service 1 port 2
fails "port and service" 'give a service or a port, not both' M endpoint add 11 backend b port 2 service 1
fails "neither service nor port" 'backend b needs a service or a port' M endpoint add 11 backend b
fails "only a weight" 'backend b needs a service or a port' M endpoint add 11 backend b weight 2
fails "service twice" '"service" given twice' M endpoint add 11 backend b service 1 service 2
fails "backend without a node" '"backend" needs a NODE_ID' M endpoint add 11 backend
fails "backend node 0" 'invalid node id "0"' M endpoint add 11 backend 0 service 1
fails "backend node not hex" 'invalid node id "xyz"' M endpoint add 11 backend xyz service 1
fails "backend node too long" 'invalid node id' M endpoint add 11 backend 12345678901234567 service 1
fails "port 0" 'invalid port "0"' M endpoint add 11 backend b port 0
fails "service not a number" 'invalid service "-1"' M endpoint add 11 backend b service -1
fails "the same backend twice" 'backend b service 1 given twice' \
	M endpoint add 11 backend b service 1 backend b service 1
# shellcheck disable=SC2086
fails "17 backends" 'too many backends' M endpoint set 8 $args backend 11 port 1
fails "health-interval 9" 'invalid health-interval "9"' M endpoint add 11 health-interval 9
fails "health-interval 5ms" 'invalid health-interval "5ms"' M endpoint add 11 health-interval 5ms
fails "health-interval too long" 'invalid health-interval "3600001"' M endpoint add 11 health-interval 3600001
fails "health-interval without a value" 'needs an argument' M endpoint add 11 health-interval
fails "failover default" 'invalid failover policy "default"' M endpoint add 11 failover default
fails "unknown failover" 'invalid failover policy "never"' M endpoint add 11 failover never
fails "wait-retry 0" 'invalid retry-timeout "0"' M endpoint add 11 failover wait-retry 0
fails "retry-timeout 0" 'invalid retry-timeout "0"' M endpoint add 11 retry-timeout 0
fails "unknown argument" 'unknown argument "bogus"' M endpoint add 11 bogus
fails "add: no ID" 'ID missing' M endpoint add
fails "set: nothing to set" 'nothing to set' M endpoint set 7
fails "del: extra argument" 'unknown argument "lb"' M endpoint del 7 lb latency
fails "show: too many arguments" 'takes at most one ID' M endpoint show 7 8
fails "endpoint: unknown command" 'unknown command "nosuch"' M endpoint nosuch
fails "11 was never added" "no such endpoint" M endpoint show 11

# errors from the kernel, with its extack message
fails "del: missing endpoint" "no such endpoint" M endpoint del 99
fails "show: missing endpoint" "no such endpoint" M endpoint show 99
fails "set: missing endpoint" "no such endpoint" M endpoint set 99 lb latency
fails "duplicate add" "endpoint already exists" M endpoint add 7
fails "duplicate add with backends" "endpoint already exists" M endpoint add 9 backend e service 1
eq "a failed add changes nothing" 5000 "$(M -j endpoint show 9 | json_get 0.backend.0.port)"
# (in the netns first: "myc -n" as nobody would fail at setns() already)
fails "unprivileged add" "Operation not permitted" \
	ip netns exec e1 su nobody -s /bin/sh -c "$(command -v myc) endpoint add 12"
fails "unprivileged set" "Operation not permitted" \
	ip netns exec e1 su nobody -s /bin/sh -c "$(command -v myc) endpoint set 7 lb latency"
fails "unprivileged del" "Operation not permitted" \
	ip netns exec e1 su nobody -s /bin/sh -c "$(command -v myc) endpoint del 7"
check "unprivileged show" ip netns exec e1 su nobody -s /bin/sh -c "$(command -v myc) endpoint show 7"
eq "settings unchanged by errors" least-connections "$(M -j endpoint show 7 | json_get 0.lb)"

check "endpoint help" M endpoint help
has "help: add" '^       myc endpoint add ID \[ SETTING \]\.\.\. \[ BACKEND \]\.\.\.$' /tmp/out
has "help: backend" 'BACKEND := backend NODE_ID \{ service SERVICE \| port PORT \} \[ weight W \]' /tmp/out
has "help: lb" 'LB := \{ round-robin \| weighted-round-robin \| least-connections \| latency \}' /tmp/out
check "endpoint show help" M endpoint show help
has "show help text" '^Usage: myc endpoint show' /tmp/out
check "help lists endpoint" myc help
has "help: objects" 'OBJECT := \{.* endpoint .*\}' /tmp/out

check "del" M endpoint del 7
fails "deleted" "no such endpoint" M endpoint show 7
fails "deleted twice" "no such endpoint" M endpoint del 7
check "del 8" M endpoint del 8
check "del 9" M endpoint del 9
eq "no endpoints left" "[]" "$(M -j endpoint show)"
ip netns del e1
echo "1..$n"
[ "$failed" = 0 ]
