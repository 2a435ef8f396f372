#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# myc path (show/add/del/set, text and JSON, errors) and myc monitor: the
# events those changes send (JSON lines in seq order, text, filters,
# count, SIGINT/SIGTERM).
here=$(dirname "$0")
PATH=$here:$PATH
# shellcheck source-path=SCRIPTDIR source=cli_lib
. "$here/cli_lib"
# wait_monitor PID: until myc monitor PID waits for events, so it has joined
# the events group (it sleeps in ppoll(), x86-64 syscall 271, only then); 10 s
wait_monitor() {
	i=0
	while [ "$(cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null)" != 271 ] &&
	      ! grep -q poll "/proc/$1/wchan" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1)); done
}
# wait_exit PID: until PID ends (10 s, then it is killed); its status in $st
wait_exit() {
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1)); done
	kill -KILL "$1" 2>/dev/null
	wait "$1"
	st=$?
}
# path_id PEER REMOTE: the id of PEER's path to REMOTE (text of path show)
path_id() {
	$M path show "$1" | sed -n "s/^peer [0-9a-f]* path \([0-9]*\) [^ ]* -> $2 .*/\1/p"
}

echo "TAP version 13"
modprobe mycelium
ip netns add q1
ip -n q1 link set lo up
M="myc -n q1"

eq "no paths: nothing" "" "$($M path show)"
eq "no paths: json" "[]" "$($M -j path show)"
# probed once an hour: no state changes while the test runs
check "peer b" $M peer add b probe-interval 3600000 path 127.0.0.1 127.0.0.2:7000
check "path add" $M path add b 127.0.0.1 127.0.0.3
check "path add IPv6, dev, disabled" $M path add b ::1 [::1]:7003 dev lo disabled
check "peer c" $M peer add c probe-interval 3600000 path ::1 ::2
check "path show" $M path show
cp /tmp/out /tmp/paths
eq "path show: every path of every peer" 4 "$(wc -l </tmp/paths)"
has "path show: IPv4 line" '^peer 000000000000000b path 1 127\.0\.0\.1 -> 127\.0\.0\.2:7000 state unknown in-flight 0 loss 0\.0%$' /tmp/paths
has "path show: default port" '^peer 000000000000000b path 2 127\.0\.0\.1 -> 127\.0\.0\.3:6920 state unknown in-flight 0 loss 0\.0%$' /tmp/paths
has "path show: IPv6, dev, disabled" '^peer 000000000000000b path 3 ::1 -> \[::1\]:7003 dev lo state down disabled in-flight 0 loss 0\.0%$' /tmp/paths
has "path show: other peer" '^peer 000000000000000c path 1 ::1 -> \[::2\]:6920 state unknown ' /tmp/paths
check "path show PEER" $M path show b
eq "path show PEER: its paths only" 3 "$(grep -c '^peer 000000000000000b path ' /tmp/out)"
eq "path show PEER: nothing else" 3 "$(wc -l </tmp/out)"
check "path show PEER PATH" $M path show b 2
eq "path show PEER PATH: one line" "$(grep ' path 2 ' /tmp/paths)" "$(cat /tmp/out)"
eq "path (default command is show)" "$(cat /tmp/paths)" "$($M path)"
eq "path list" "$(cat /tmp/paths)" "$($M path list)"
check "abbreviations: myc pa sh b 2" $M pa sh b 2
eq "abbreviated show" "$(grep ' path 2 ' /tmp/paths)" "$(cat /tmp/out)"
eq "peer b lists the same paths" 3 "$($M peer show b | grep -c '^    path ')"

$M -j path show b >/tmp/j
json_get . </tmp/j >/dev/null && ok "json is valid" || { not_ok "json is valid"; sed 's/^/# /' /tmp/j; }
json_get 2 </tmp/j >/dev/null && ! json_get 3 </tmp/j >/dev/null &&
	ok "json: an array of three" || { not_ok "json: an array of three"; sed 's/^/# /' /tmp/j; }
eq "json peer" 000000000000000b "$(json_get 0.peer </tmp/j)"
eq "json id" 1 "$(json_get 0.id </tmp/j)"
eq "json local" 127.0.0.1 "$(json_get 0.local </tmp/j)"
eq "json remote" 127.0.0.2 "$(json_get 0.remote </tmp/j)"
eq "json remote-port" 7000 "$(json_get 0.remote-port </tmp/j)"
eq "json state" unknown "$(json_get 0.state </tmp/j)"
eq "json enabled" true "$(json_get 0.enabled </tmp/j)"
eq "json srtt (us)" 0 "$(json_get 0.srtt </tmp/j)"
eq "json rttvar (us)" 0 "$(json_get 0.rttvar </tmp/j)"
eq "json in-flight" 0 "$(json_get 0.in-flight </tmp/j)"
eq "json loss (per mille)" 0 "$(json_get 0.loss </tmp/j)"
eq "json dev" lo "$(json_get 2.dev </tmp/j)"
eq "json disabled" false "$(json_get 2.enabled </tmp/j)"
eq "json disabled is down" down "$(json_get 2.state </tmp/j)"
eq "json IPv6 remote" ::1 "$(json_get 2.remote </tmp/j)"
json_get 0.stats </tmp/j >/dev/null && not_ok "json: stats only with -s" || ok "json: stats only with -s"
$M -j path show >/tmp/j
json_get 3 </tmp/j >/dev/null && ! json_get 4 </tmp/j >/dev/null &&
	ok "json: all four paths" || { not_ok "json: all four paths"; sed 's/^/# /' /tmp/j; }
$M -j -s path show b 1 >/tmp/j
json_get 0 </tmp/j >/dev/null && ! json_get 1 </tmp/j >/dev/null &&
	ok "json PEER PATH: one object" || { not_ok "json PEER PATH: one object"; sed 's/^/# /' /tmp/j; }
# nobody answers: hellos go out, nothing comes back
eq "json -s: rx-frames" 0 "$(json_get 0.stats.rx-frames </tmp/j)"
eq "json -s: failovers" 0 "$(json_get 0.stats.failovers </tmp/j)"
eq "json -s: probes-lost" 0 "$(json_get 0.stats.probes-lost </tmp/j)"
json_get 0.stats.probes-tx </tmp/j >/dev/null && ok "json -s: probes-tx" || not_ok "json -s: probes-tx"
check "path show -s" $M -s path show b 1
has "text -s: counters under the path" '^    tx-frames [0-9]+  tx-bytes [0-9]+  rx-frames 0  rx-bytes 0$' /tmp/out
has "text -s: probe counters" '(^|  )probes-lost 0(  |$)' /tmp/out
has "text -s: failovers" '(^|  )failovers 0(  |$)' /tmp/out

check "path set disabled" $M path set b 1 disabled
$M -j path show b 1 >/tmp/j
eq "set disabled" false "$(json_get 0.enabled </tmp/j)"
eq "a disabled path is down" down "$(json_get 0.state </tmp/j)"
check "path set enabled, abbreviated" $M path set b 1 en
$M -j path show b 1 >/tmp/j
eq "set enabled" true "$(json_get 0.enabled </tmp/j)"
eq "an enabled path starts unknown" unknown "$(json_get 0.state </tmp/j)"
check "path set disable (abbreviation)" $M path set b 1 dis
eq "disable is disabled" false "$($M -j path show b 1 | json_get 0.enabled)"
check "path set enable again" $M path set b 1 enabled
check "path del" $M path del b 2
fails "deleted path is gone" "no such path" $M path show b 2
eq "two paths left" 2 "$($M path show b | wc -l)"
check "path add takes a new id" $M path add b 127.0.0.1 127.0.0.3
[ "$(path_id b 127.0.0.3:6920)" -gt 3 ] 2>/dev/null && ok "path ids are not reused" ||
	not_ok "path ids are not reused: '$(path_id b 127.0.0.3:6920)'"

fails "path del: missing path" "no such path" $M path del b 99
fails "path set: missing path" "no such path" $M path set b 99 disabled
fails "path show: missing path" "no such path" $M path show b 99
fails "path set: missing peer" "no such peer" $M path set 4321 1 disabled
fails "path del: missing peer" "no such peer" $M path del 4321 1
fails "path add: missing peer" "no such peer" $M path add 4321 127.0.0.1 127.0.0.9
fails "path show: missing peer" "no such peer" $M path show 4321
fails "path add: duplicate" "path already exists" $M path add b 127.0.0.1 127.0.0.2:7000
fails "path id 0" 'invalid path id "0"' $M path del b 0
fails "path id not a number" 'invalid path id "x"' $M path set b x disabled
fails "path del: no PATH_ID" "PEER_ID and PATH_ID" $M path del b
fails "path del: extra argument" 'unknown argument "2"' $M path del b 1 2
fails "path set: nothing to set" "nothing to set" $M path set b 1
fails "path set: unknown setting" 'unknown argument "up"' $M path set b 1 up
fails "path add: no PEER_ID" "PEER_ID missing" $M path add
fails "path add: one address" "needs LOCAL and REMOTE" $M path add b 127.0.0.1
fails "path add: mixed families" "mixes IPv4 and IPv6" $M path add b 127.0.0.1 ::1
fails "path add: bad port" "invalid remote address" $M path add b 127.0.0.1 1.2.3.4:0
fails "path add: port in local" "invalid local address" $M path add b 127.0.0.1:5 1.2.3.4
fails "path add: unknown dev" "no interface" $M path add b ::1 ::2 dev nosuch0
fails "path add: extra argument" 'unknown argument "bogus"' $M path add b 127.0.0.1 127.0.0.9 bogus
fails "path add: bad peer id" "invalid node id" $M path add xyz 127.0.0.1 127.0.0.9
fails "path show: too many arguments" "at most PEER_ID and PATH_ID" $M path show b 1 2
fails "path: unknown command" 'unknown command "nosuch"' $M path nosuch
fails "unprivileged path add" "Operation not permitted" \
	ip netns exec q1 su nobody -s /bin/sh -c "$(command -v myc) path add b 127.0.0.1 127.0.0.9"
fails "unprivileged path set" "Operation not permitted" \
	ip netns exec q1 su nobody -s /bin/sh -c "$(command -v myc) path set b 1 disabled"
fails "unprivileged path del" "Operation not permitted" \
	ip netns exec q1 su nobody -s /bin/sh -c "$(command -v myc) path del b 1"
check "unprivileged path show" ip netns exec q1 su nobody -s /bin/sh -c "$(command -v myc) path show b"
i=2
while [ $i -le 8 ]; do $M path add c ::1 ::1$i >/dev/null 2>&1; i=$((i + 1)); done
eq "peer c has 8 paths" 8 "$($M path show c | wc -l)"
fails "path add: at most 8 paths" "too many paths" $M path add c ::1 ::99

check "path help" $M path help
has "path help text" 'myc path set PEER_ID PATH_ID \{ enabled \| disabled \}' /tmp/out
check "path show help" $M path show help
has "path show help text" '^Usage: myc path show' /tmp/out
check "help lists path and monitor" myc help
has "help: objects" 'OBJECT := \{.* path .* monitor' /tmp/out
check "peer help lists the settings" myc peer help
has "peer help: failover" 'failover \{ immediate \| graceful \| wait-retry' /tmp/out

# myc monitor
check "monitor help" myc monitor help
has "monitor help text" '^Usage: myc monitor' /tmp/out
fails "monitor: unknown argument" 'unknown argument "nosuch"' myc monitor nosuch
fails "monitor: count 0" 'invalid count "0"' myc monitor count 0
fails "monitor: count not a number" 'invalid count "x"' myc monitor count x
fails "monitor: count without N" 'needs an argument' myc monitor count

# the brief's scenario: two JSON lines, path-add then path-del, in seq order
$M -j monitor count 2 >/tmp/mon 2>/tmp/mon.err &
mpid=$!
wait_monitor $mpid
check "monitored path add" $M path add b 127.0.0.1 127.0.0.77
pid77=$(path_id b 127.0.0.77:6920)
check "monitored path del" $M path del b "$pid77"
wait_exit $mpid
eq "monitor count 2 exits 0" 0 "$st"
eq "monitor: two lines" 2 "$(wc -l </tmp/mon)"
[ -s /tmp/mon.err ] && { not_ok "monitor: nothing on stderr"; sed 's/^/# /' /tmp/mon.err; } ||
	ok "monitor: nothing on stderr"
sed -n 1p /tmp/mon >/tmp/ev1
sed -n 2p /tmp/mon >/tmp/ev2
eq "event 1: path-add" path-add "$(json_get event </tmp/ev1)"
eq "event 2: path-del" path-del "$(json_get event </tmp/ev2)"
eq "event 1: peer" 000000000000000b "$(json_get peer </tmp/ev1)"
eq "event 2: peer" 000000000000000b "$(json_get peer </tmp/ev2)"
eq "event 1: path" "$pid77" "$(json_get path </tmp/ev1)"
eq "event 2: path" "$pid77" "$(json_get path </tmp/ev2)"
eq "event 1: reason" config "$(json_get reason </tmp/ev1)"
eq "event 2: reason" config "$(json_get reason </tmp/ev2)"
s1=$(json_get seq </tmp/ev1)
s2=$(json_get seq </tmp/ev2)
[ "$s1" -gt 0 ] 2>/dev/null && [ "$s2" -gt "$s1" ] && ok "events in seq order ($s1, $s2)" ||
	not_ok "events in seq order: '$s1', '$s2'"
json_get time </tmp/ev1 | grep -q -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$' &&
	ok "event time: UTC, microseconds" || not_ok "event time: '$(json_get time </tmp/ev1)'"
t=$(json_get time-ns </tmp/ev1)
now=$(date +%s)
[ "$((t / 1000000000))" -le "$now" ] 2>/dev/null && [ "$((t / 1000000000))" -ge $((now - 60)) ] &&
	ok "event time-ns is now" || not_ok "event time-ns is now: '$t' (now $now)"

# text, with the path filter: a peer's events are not shown
$M monitor path count 2 >/tmp/mon 2>&1 &
mpid=$!
wait_monitor $mpid
check "monitored peer add (filtered out)" $M peer add d probe-interval 3600000
check "monitored path disable" $M path set b 1 disabled
check "monitored path enable" $M path set b 1 enabled
wait_exit $mpid
eq "monitor path count 2 exits 0" 0 "$st"
eq "monitor path: two lines" 2 "$(wc -l </tmp/mon)"
has "text: path down" '^\[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{6}\] #[0-9]+ path 1 of peer 000000000000000b down \(config\)$' /tmp/mon
has "text: path unknown again" '^\[.*\] #[0-9]+ path 1 of peer 000000000000000b unknown \(config\)$' /tmp/mon
grep -q 'peer 000000000000000d' /tmp/mon && { not_ok "filter: no peer events"; sed 's/^/# /' /tmp/mon; } ||
	ok "filter: no peer events"

$M -j monitor peer count 2 >/tmp/mon 2>&1 &
mpid=$!
wait_monitor $mpid
# the first path makes the peer reachable: a peer event, its path-add is not
check "path add (a peer-state event)" $M path add d 127.0.0.1 127.0.0.13
check "peer del" $M peer del d
wait_exit $mpid
eq "monitor peer count 2 exits 0" 0 "$st"
eq "peer filter: two lines" 2 "$(wc -l </tmp/mon)"
eq "peer filter: peer-state first" peer-state "$(head -n 1 /tmp/mon | json_get event)"
eq "peer filter: reachable" reachable "$(head -n 1 /tmp/mon | json_get state)"
eq "peer filter: then peer-del" peer-del "$(tail -n 1 /tmp/mon | json_get event)"
eq "peer filter: peer d" 000000000000000d "$(tail -n 1 /tmp/mon | json_get peer)"

$M -j monitor node count 1 >/tmp/mon 2>&1 &
mpid=$!
wait_monitor $mpid
check "node change" $M node set port 7401
wait_exit $mpid
eq "node event" node-change "$(json_get event </tmp/mon)"
eq "node event: port" 7401 "$(json_get port </tmp/mon)"
eq "node event: id" "$($M -j node show | json_get 0.id)" "$(json_get id </tmp/mon)"
json_get time-ns </tmp/mon >/dev/null && ok "node event: time" || not_ok "node event: time"

for sig in TERM INT; do
	$M monitor >/tmp/mon 2>&1 &
	mpid=$!
	wait_monitor $mpid
	kill -$sig $mpid
	wait_exit $mpid
	eq "monitor ends on SIG$sig with status 0" 0 "$st"
	[ -s /tmp/mon ] && { not_ok "SIG$sig: no output"; sed 's/^/# /' /tmp/mon; } || ok "SIG$sig: no output"
done

check "del the peers" sh -c "$M peer del b && $M peer del c"
eq "no paths left" "[]" "$($M -j path show)"
ip netns del q1
echo "1..$n"
[ $failed = 0 ]
