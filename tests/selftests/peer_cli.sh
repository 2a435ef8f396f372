#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# myc peer: add/set/del/show over IPv4 and IPv6, JSON, counters, the
# multi-homing settings (strategy, opmap, failover, probing), and the errors
# (with the kernel's extack messages) a user gets for bad input.
here=$(dirname "$0")
PATH=$here:$PATH
# shellcheck source-path=SCRIPTDIR source=cli_lib
. "$here/cli_lib"

echo "TAP version 13"
modprobe mycelium
ip netns add p1
ip -n p1 link set lo up
M="myc -n p1"

check "add peer with an IPv4 path" $M peer add 1234 type sclerotia path 127.0.0.1 127.0.0.2:7000
check "add peer with an IPv6 path" $M peer add 5678 type rhizomorph path ::1 [::1]:7001
check "add peer without path" $M peer add 9
check "peer show" $M peer show
has "peer line" '^peer 0000000000001234 type sclerotia state reachable$' /tmp/out
has "settings line (defaults)" '^    strategy latency failover immediate probe-interval 1000ms fail-after 3 recover-after 2$' /tmp/out
grep -q 'opmap' /tmp/out && { not_ok "no opmap line unless operation"; sed 's/^/# /' /tmp/out; } ||
	ok "no opmap line unless operation"
has "path line" '^    path 1 127.0.0.1 -> 127.0.0.2:7000 state unknown in-flight 0 loss 0\.0%$' /tmp/out
has "IPv6 path line" '^    path 1 ::1 -> \[::1\]:7001 state unknown in-flight 0 loss 0\.0%$' /tmp/out
has "pathless peer is unreachable" '^peer 0000000000000009 type hyphae state unreachable$' /tmp/out

$M -j peer show 1234 >/tmp/j
eq "json id" 0000000000001234 "$(json_get 0.id </tmp/j)"
eq "json path local" 127.0.0.1 "$(json_get 0.path.0.local </tmp/j)"
eq "json path remote" 127.0.0.2 "$(json_get 0.path.0.remote </tmp/j)"
eq "json path port" 7000 "$(json_get 0.path.0.remote-port </tmp/j)"
eq "json strategy" latency "$(json_get 0.strategy </tmp/j)"
eq "json failover" immediate "$(json_get 0.failover </tmp/j)"
eq "json retry-timeout" 1000 "$(json_get 0.retry-timeout </tmp/j)"
eq "json probe-interval" 1000 "$(json_get 0.probe-interval </tmp/j)"
eq "json fail-after" 3 "$(json_get 0.fail-after </tmp/j)"
eq "json recover-after" 2 "$(json_get 0.recover-after </tmp/j)"
eq "json opmap" '{"consensus":"latency","health":"latency","service":"round-robin","resource":"load","spore":"load"}' \
	"$(json_get 0.opmap </tmp/j)"
json_get 0.active-path </tmp/j >/dev/null && not_ok "no active path before traffic" ||
	ok "no active path before traffic"
eq "json path state" unknown "$(json_get 0.path.0.state </tmp/j)"
eq "json path enabled" true "$(json_get 0.path.0.enabled </tmp/j)"
eq "json path srtt" 0 "$(json_get 0.path.0.srtt </tmp/j)"
eq "json path rttvar" 0 "$(json_get 0.path.0.rttvar </tmp/j)"
eq "json path in-flight" 0 "$(json_get 0.path.0.in-flight </tmp/j)"
eq "json path loss" 0 "$(json_get 0.path.0.loss </tmp/j)"
json_get 0.stats </tmp/j >/dev/null && not_ok "stats only with -s" || ok "stats only with -s"
$M -j -s peer show 1234 >/tmp/j
eq "json stats with -s" 0 "$(json_get 0.stats.rx-frames </tmp/j)"
eq "json path stats with -s" 0 "$(json_get 0.path.0.stats.rx-frames </tmp/j)"
eq "json failovers with -s" 0 "$(json_get 0.path.0.stats.failovers </tmp/j)"
json_get 0.path.0.stats.probes-tx </tmp/j >/dev/null && json_get 0.path.0.stats.probes-lost </tmp/j >/dev/null &&
	ok "json probe counters with -s" || { not_ok "json probe counters with -s"; sed 's/^/# /' /tmp/j; }
check "text counters with -s" $M -s peer show 1234
has "text probe counters" '^      (.*  )?probes-tx [0-9]+' /tmp/out
has "text failovers" '(^|  )failovers 0(  |$)' /tmp/out
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
fails "more than 8 paths in one request" "too many paths" $M peer add 12 \
	path ::1 ::2 path ::1 ::3 path ::1 ::4 path ::1 ::5 path ::1 ::6 \
	path ::1 ::7 path ::1 ::8 path ::1 ::9 path ::1 ::a
# (in the netns first: "myc -n" as nobody would fail at setns() already)
fails "unprivileged add" "Operation not permitted" \
	ip netns exec p1 su nobody -s /bin/sh -c "$(command -v myc) peer add 99"
i=1
while [ $i -le 8 ]; do $M peer set 9 path 127.0.0.1 127.0.1.$i >/dev/null 2>&1; i=$((i + 1)); done
fails "at most 8 paths" "too many paths" $M peer set 9 path 127.0.0.1 127.0.2.1

# multi-homing settings
check "set strategy" $M peer set 1234 strategy round-robin
eq "strategy changed" round-robin "$($M -j peer show 1234 | json_get 0.strategy)"
check "abbreviated settings" $M peer set 1234 str lo fail gr pr 20ms fail- 5 rec 4
$M -j peer show 1234 >/tmp/j
eq "abbreviated strategy" load "$(json_get 0.strategy </tmp/j)"
eq "abbreviated failover" graceful "$(json_get 0.failover </tmp/j)"
eq "probe-interval in ms" 20 "$(json_get 0.probe-interval </tmp/j)"
eq "abbreviated fail-after" 5 "$(json_get 0.fail-after </tmp/j)"
eq "abbreviated recover-after" 4 "$(json_get 0.recover-after </tmp/j)"
# nobody answers on either path: probed every 20 ms, both go down
i=0
while [ "$($M -j peer show 1234 | json_get 0.state)" != unreachable ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1)); done
check "unanswered path" $M -s peer show 1234
has "unanswered path goes down with loss" '^    path 1 127.0.0.1 -> 127.0.0.2:7000 state down in-flight 0 loss [1-9][0-9.]*%$' /tmp/out
$M -j -s peer show 1234 >/tmp/j
[ "$(json_get 0.path.0.loss </tmp/j)" -gt 0 ] && [ "$(json_get 0.path.0.stats.probes-lost </tmp/j)" -gt 0 ] &&
	[ "$(json_get 0.path.0.stats.probes-tx </tmp/j)" -gt 0 ] &&
	ok "json loss and probe counters count" || { not_ok "json loss and probe counters count"; sed 's/^/# /' /tmp/j; }
eq "all paths down: unreachable" unreachable "$(json_get 0.state </tmp/j)"
check "probe-interval back to 1 s" $M peer set 1234 probe-interval 1000
check "failover wait-retry with a timeout" $M peer set 1234 failover wait-retry 250
$M -j peer show 1234 >/tmp/j
eq "wait-retry" wait-retry "$(json_get 0.failover </tmp/j)"
eq "wait-retry timeout" 250 "$(json_get 0.retry-timeout </tmp/j)"
check "retry-timeout alone" $M peer set 1234 retry-timeout 300ms
eq "retry-timeout" 300 "$($M -j peer show 1234 | json_get 0.retry-timeout)"
check "show wait-retry" $M peer show 1234
has "settings line with wait-retry" '^    strategy load failover wait-retry retry-timeout 300ms probe-interval 1000ms fail-after 5 recover-after 4$' /tmp/out
check "strategy operation with an opmap" $M peer set 1234 strategy operation opmap consensus load spore round-robin
$M -j peer show 1234 >/tmp/j
eq "operation" operation "$(json_get 0.strategy </tmp/j)"
eq "opmap consensus" load "$(json_get 0.opmap.consensus </tmp/j)"
eq "opmap spore" round-robin "$(json_get 0.opmap.spore </tmp/j)"
eq "opmap: classes not given take their default" latency "$(json_get 0.opmap.health </tmp/j)"
check "show operation" $M peer show 1234
has "opmap line with operation" '^    opmap consensus load health latency service round-robin resource load spore round-robin$' /tmp/out
check "opmap before strategy, abbreviated" $M peer set 1234 op sp lat res round st latency
$M -j peer show 1234 >/tmp/j
eq "opmap then strategy: strategy" latency "$(json_get 0.strategy </tmp/j)"
eq "opmap then strategy: spore" latency "$(json_get 0.opmap.spore </tmp/j)"
eq "opmap then strategy: resource" round-robin "$(json_get 0.opmap.resource </tmp/j)"
check "add with settings and a disabled path" $M peer add 42 strategy load failover graceful \
	probe-interval 500 fail-after 2 recover-after 1 path 127.0.0.1 127.0.0.42 disabled
$M -j peer show 42 >/tmp/j
eq "add: strategy" load "$(json_get 0.strategy </tmp/j)"
eq "add: failover" graceful "$(json_get 0.failover </tmp/j)"
eq "add: probe-interval" 500 "$(json_get 0.probe-interval </tmp/j)"
eq "add: fail-after" 2 "$(json_get 0.fail-after </tmp/j)"
eq "add: recover-after" 1 "$(json_get 0.recover-after </tmp/j)"
eq "add: disabled path" false "$(json_get 0.path.0.enabled </tmp/j)"
eq "add: disabled path is down" down "$(json_get 0.path.0.state </tmp/j)"
eq "add: only a disabled path: unreachable" unreachable "$(json_get 0.state </tmp/j)"
check "show a disabled path" $M peer show 42
has "disabled path line" '^    path 1 127.0.0.1 -> 127.0.0.42:6920 state down disabled in-flight 0 loss 0\.0%$' /tmp/out
check "del 42" $M peer del 42

fails "unknown strategy" 'invalid strategy "fastest"' $M peer set 1234 strategy fastest
fails "ambiguous strategy" 'invalid strategy "l"' $M peer set 1234 strategy l
fails "opmap with operation" 'invalid strategy "operation" for class consensus' \
	$M peer set 1234 opmap consensus operation
fails "opmap: unknown class" 'invalid class "gossip"' $M peer set 1234 opmap gossip load
fails "opmap: no strategy" 'needs a strategy' $M peer set 1234 opmap consensus
fails "opmap: nothing" 'needs CLASS STRATEGY' $M peer set 1234 opmap
fails "probe-interval 5" 'invalid probe-interval "5"' $M peer set 1234 probe-interval 5
fails "probe-interval too long" 'invalid probe-interval "3600001"' $M peer set 1234 probe-interval 3600001
fails "fail-after 0" 'invalid fail-after "0"' $M peer set 1234 fail-after 0
fails "fail-after 256" 'invalid fail-after "256"' $M peer set 1234 fail-after 256
fails "recover-after 0" 'invalid recover-after "0"' $M peer set 1234 recover-after 0
fails "failover default" 'invalid failover policy "default"' $M peer set 1234 failover default
fails "unknown failover" 'invalid failover policy "never"' $M peer set 1234 failover never
fails "wait-retry 0" 'invalid retry-timeout "0"' $M peer set 1234 failover wait-retry 0
fails "retry-timeout without a value" 'needs an argument' $M peer set 1234 retry-timeout
fails "settings of a missing peer" "no such peer" $M peer set 4321 strategy load
fails "unprivileged settings" "Operation not permitted" \
	ip netns exec p1 su nobody -s /bin/sh -c "$(command -v myc) peer set 1234 strategy load"
eq "settings unchanged by errors" latency "$($M -j peer show 1234 | json_get 0.strategy)"

check "del" $M peer del 5678
fails "deleted" "no such peer" $M peer show 5678
check "del the rest" sh -c "$M peer del 1234 && $M peer del 9"
eq "no peers left" "[]" "$($M -j peer show)"

# the node's UDP port is opened with the first peer and follows port changes
check "port change with peers" sh -c "$M peer add 10 path 127.0.0.1 127.0.0.2 && $M node set port 7777"
ip netns exec p1 ss -uln >/tmp/ss 2>&1
has "bearer moved to the new port" ':7777 ' /tmp/ss
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
