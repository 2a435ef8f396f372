#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Spores with real daemons (Documentation/spores.rst): twelve nodes of the
# three types join from one bootstrap address and build the full peer
# table; membership, primary and latent spores reach every node, once;
# forged, expired, future-dated, wrongly typed and replayed spores are
# rejected with the right check failing, and trust lowered (the origin's,
# and the sender's for a forgery; a replay's origin keeps its trust);
# conflicting versions end as the same winner on every node, by each
# rule; a daemon killed with -9 while it stores loses no accepted spore;
# myc spore and myceliumd's tools and their errors.  One netns per node,
# all on one bridge.  Spores are forged by spore_forge on node x, whose
# daemon is stopped once x has joined (its keys stay in the kernel).
here=$(cd "$(dirname "$0")" && pwd)	# the test changes directory
PATH=$here:$PATH
# shellcheck source-path=SCRIPTDIR source=cli_lib
. "$here/cli_lib"
# shellcheck source=daemon_lib
. "$here/daemon_lib"

echo "TAP version 13"
modprobe mycelium
D=/tmp/spores
rm -rf $D
mkdir -p $D
cd $D || exit 1
bridge_up
myceliumd key generate -o auth.key >/dev/null
NODES="n1 n2 n3 n4 n5 n6 n7 n8 n9 n10 n11 n12"
# node NAME TYPE N [BOOTSTRAP]: netns, key, certificate, configuration
node() { mk_node "$1" "$2" "$3" auth.key "${4:+[network]\nbootstrap = $4}"; }
peers_ok() { myc -n "$1" peer show | grep -c 'auth ok'; }
holds() { myc -n "$1" spore list | grep -c "^$2 .* accepted"; }
# state_of NODE ID: the spore's state on NODE (or "none")
state_of() { myc -n "$1" -j spore show "$2" 2>/dev/null | json_get 0.state || echo none; }
origin_of() { myc -n "$1" -j spore show "$2" 2>/dev/null | json_get 0.origin || echo none; }
# all_nodes CMD ARGS: CMD NODE ARGS succeeds for every node
all_nodes() {
	for m in $NODES; do "$@" "$m" || return 1; done
}
full_table() { [ "$(peers_ok "$1")" -ge 12 ]; }
holds_id() { [ "$(holds "$2" "$1")" = 1 ]; }
origin_is() { [ "$(origin_of "$3" "$1")" = "$2" ]; }
trust_of() {	# trust_of NODE ORIGIN_NAME
	myceliumd trust list -c "$1.conf" | sed -n "s/^$(id_of "$2") score \([0-9]*\) .*/\1/p"
}

# --- twelve nodes and the injector join from one bootstrap address
node n1 sclerotia 1
for i in 2 3; do node n$i sclerotia $i 10.9.0.1; done
for i in 4 5 6 7; do node n$i rhizomorph $i 10.9.0.1; done
for i in 8 9 10 11 12; do node n$i hyphae $i 10.9.0.1; done
node x sclerotia 20 10.9.0.1
# x's daemon stops halfway: keys must outlive the test without it
for m in $NODES x; do myc -n $m node set rekey-time 3600; done
start n1
for m in n2 n3 n4 n5 n6 n7 n8 n9 n10 n11 n12 x; do start $m; done
t0=$(date +%s)
if until_ok 120 all_nodes full_table; then
	ok "discovery: every node has the 12 others authenticated ($(($(date +%s) - t0)) s)"
else
	not_ok "discovery: every node has the 12 others authenticated"
	for m in $NODES; do echo "# $m: $(peers_ok $m) peers ok"; done
fi
members_all() { [ "$(myc -n "$1" spore list | grep -c '^member/.* accepted')" = 13 ]; }
if until_ok 60 all_nodes members_all; then ok "every node holds the 13 membership spores"
else not_ok "every node holds the 13 membership spores"
	for m in $NODES; do echo "# $m: $(myc -n $m spore list | grep -c '^member/')"; done; fi
eq "n1 learnt n12's membership by discovery" 1 "$(holds n1 "member/$(id_of n12)")"

# --- primary, seed and latent spores reach every node, once
check "n1 publishes a primary spore" myc -n n1 spore publish app/prim type primary text "from the core"
has "publish says accepted" "spore app/prim accepted" /tmp/out
check "n4 publishes a seed spore" myc -n n4 spore publish app/seed type seed text "from a relay"
check "n12 publishes a latent spore" myc -n n12 spore publish app/latent text "from the edge"
if until_ok 30 all_nodes holds_id app/prim; then ok "primary: every node holds it"; else not_ok "primary: every node holds it"; fi
if until_ok 30 all_nodes holds_id app/seed; then ok "seed: every node holds it"; else not_ok "seed: every node holds it"; fi
t0=$(date +%s)
if until_ok 60 all_nodes holds_id app/latent; then
	ok "latent gossip: every node holds it within its TTL ($(($(date +%s) - t0)) s)"
else not_ok "latent gossip: every node holds it"; fi
once=0
for m in $NODES; do
	c=$(grep -c "spore app/prim .*accepted" $m.log)
	[ "$m" = n1 ] && c=$((c + 1))	# n1 published it: no verdict line
	[ "$c" = 1 ] || { once=1; echo "# $m judged app/prim $c times"; }
done
eq "primary: each node's daemon judged it exactly once" 0 $once
myc -n n2 -s node show >/tmp/st
has "duplicates are dropped in the kernel" "spores-dup [1-9]" /tmp/st
check "show: the checks" myc -n n7 spore show app/prim
has "show: all four pass" "checks: cryptographic pass temporal pass consistency pass trust pass" /tmp/out
has "show: the payload" "text from the core" /tmp/out

# --- errors of myc spore
fails "publish: a hyphae may not issue primary" "a hyphae node may not issue primary spores" \
	myc -n n9 spore publish app/no type primary text x
fails "publish: latent lives 300 s at most" "a latent spore lives 300 s at most" \
	myc -n n9 spore publish app/no ttl 301 text x
fails "publish: bad id" "a spore id is 1-64" myc -n n1 spore publish "bad id" text x
fails "publish: membership ids are the daemon's" "member/ ids are myceliumd's" \
	myc -n n1 spore publish member/x text x
fails "publish: bad hex" "invalid hex data" myc -n n1 spore publish app/h hex abc
fails "show: no such spore" "no such spore" myc -n n1 spore show app/none
fails "del: no such spore" "no such spore held" myc -n n1 spore del app/none

# --- the injector's daemon goes; spore_forge speaks for x
kill "$pid_x"
wait "$pid_x" 2>/dev/null
k() { echo "-k $1.key -c $1.cert"; }
# shellcheck disable=SC2046
{
myceliumd key generate -o rogue.key >/dev/null
spore_forge make -k rogue.key -c n2.cert -O "$(id_of n2)" -i bad/forged -o forged.sp
spore_forge make $(k x) -i bad/expired -a 400000 -o expired.sp
spore_forge make $(k x) -i bad/future -a -120000 -o future.sp
spore_forge make $(k n12) -t primary -i bad/typed -o typed.sp
spore_forge make $(k n1) -t primary -i app/prim -v 1 -d "an old version" -o replay.sp
}
n2_before=$(trust_of n3 n2) x_before=$(trust_of n3 x)
n12_before=$(trust_of n3 n12) n1_before=$(trust_of n3 n1)
check "inject the bad spores" ip netns exec x spore_forge inject forged.sp expired.sp future.sp typed.sp replay.sp
rejected() { [ "$(state_of "$1" "$2")" = rejected ]; }
until_ok 20 rejected n3 bad/typed
for what in forged:crypto expired:temporal future:temporal typed:consistency; do
	id=bad/${what%%:*} chk=check-${what#*:}
	eq "$id: rejected" rejected "$(state_of n3 $id)"
	eq "$id: $chk fails" fail "$(myc -n n3 -j spore show $id | json_get 0.$chk)"
done
eq "forged: later checks skipped" skipped "$(myc -n n3 -j spore show bad/forged | json_get 0.check-trust)"
eq "replayed: the held version stays" "from the core" "$(myc -n n3 -j spore show app/prim | json_get 0.text)"
has "replayed: the temporal check says so" "app/prim .* rejected: temporal: version 1 does not move forward" n3.log
[ "$(trust_of n3 n2)" -lt "$n2_before" ] && ok "forged: the claimed origin's trust went down ($n2_before -> $(trust_of n3 n2))" ||
	not_ok "forged: origin's trust went down ($n2_before -> $(trust_of n3 n2))"
[ "$(trust_of n3 x)" -lt "$x_before" ] && ok "forged, expired, future: the sender's trust went down ($x_before -> $(trust_of n3 x))" ||
	not_ok "sender's trust went down ($x_before -> $(trust_of n3 x))"
x_after=$(trust_of n3 x)
[ "$(trust_of n3 n12)" -lt "$n12_before" ] && ok "wrongly typed: its origin's trust went down" ||
	not_ok "wrongly typed: its origin's trust went down ($n12_before -> $(trust_of n3 n12))"
# a replay is the origin's own signed spore, which anyone can send again
[ "$(trust_of n3 n1)" -ge "$n1_before" ] && ok "replayed: its origin's trust is not lowered" ||
	not_ok "replayed: its origin's trust is not lowered ($n1_before -> $(trust_of n3 n1))"
spread=0
for m in $NODES; do [ "$(holds $m bad/forged)" = 0 ] || spread=1; done
eq "no node holds a bad spore" 0 $spread

# --- conflicts: the same winner everywhere, by each rule
now=$(($(date +%s) * 1000))
spore_forge make $(k n12) -t latent -i c/authority -A $now -d "latent" -o a1.sp
# (an hour to live: a slow VM must not see them expire on the way)
spore_forge make $(k n1) -t primary -i c/authority -A $((now - 10000)) -l 3600 -d "primary" -o a2.sp
spore_forge make $(k n4) -i c/time -A $((now - 5000)) -l 3600 -d "older" -o t1.sp
spore_forge make $(k n5) -i c/time -A $now -l 3600 -d "newer" -o t2.sp
for m in $NODES; do
	myceliumd trust set "$(id_of n6)" 300 -c $m.conf
	myceliumd trust set "$(id_of n7)" 700 -c $m.conf
done
spore_forge make $(k n6) -i c/trust -A $now -l 3600 -d "less trusted" -o r1.sp
spore_forge make $(k n7) -i c/trust -A $now -l 3600 -d "more trusted" -o r2.sp
for m in $NODES; do
	# one band (600-699): a few points more for either changes nothing
	myceliumd trust set "$(id_of n2)" 640 -c $m.conf || not_ok "trust set on $m"
	myceliumd trust set "$(id_of n3)" 640 -c $m.conf || not_ok "trust set on $m"
done
spore_forge make $(k n2) -i c/digest -A $now -l 3600 -d "two" -o d1.sp
spore_forge make $(k n3) -i c/digest -A $now -l 3600 -d "three" -o d2.sp
check "inject conflicting versions" ip netns exec x spore_forge inject a1.sp a2.sp t2.sp t1.sp r1.sp r2.sp d2.sp d1.sp
# why nodes do not hold the version of ORIGIN_ID: their log and trust
wrong_nodes() {	# wrong_nodes SPORE_ID ORIGIN_ID LOG_PATTERN
	for m in $NODES; do echo "# $m: $(origin_of $m $1)"; done
	for m in $NODES; do
		[ "$(origin_of $m $1)" = "$2" ] && continue
		grep "$3" $m.log | sed "s/^/# $m: /"
		myceliumd trust list -c $m.conf | sed "s/^/# $m: trust /"
	done
}
for rule in authority:n1 time:n5 trust:n7; do
	id=c/${rule%%:*} want=$(id_of "${rule#*:}")
	if until_ok 30 all_nodes origin_is "$id" "$want"; then
		ok "$id: every node holds ${rule#*:}'s version"
	else
		not_ok "$id: every node holds ${rule#*:}'s version"
		wrong_nodes "$id" "$want" "$id"
	fi
done
# a full tie on authority, time and trust goes to the sclerotia's votes
# (and a tie of votes to the smaller digest): which one wins depends on
# which the sclerotia saw first, but every node keeps the same.  The
# sclerotia answer while they decide the same conflict, so each node
# re-checks its decision until the votes settle (recheck.h: at most 8
# rounds, each 2 s and a question of up to 3 s)
same_digest() {
	o=$(origin_of "$1" c/digest) o1=$(origin_of n1 c/digest)
	[ "$o" = "$o1" ] && [ "$o" != none ] && return 0
	echo "$(date +%s): $1 holds $o, n1 $o1" >>digest.wrong
	return 1
}
t=$(date +%s)
if until_ok 60 all_nodes same_digest; then
	ok "c/digest: every node holds the same version ($(origin_of n1 c/digest))"
	echo "# after $(($(date +%s) - t)) s; the tries before:"
	sed 's/^/#   /' digest.wrong 2>/dev/null
else
	not_ok "c/digest: every node holds the same version"
	for m in $NODES; do echo "# $m: $(origin_of $m c/digest)"; done
	wrong_nodes c/digest "$(origin_of n1 c/digest)" "c/digest"
fi
for m in $NODES; do
	echo "# $m: c/digest: $(grep -c 'c/digest: re-check' $m.log) re-checks, $(grep -c 'c/digest.*re-check turned' $m.log) turned, $(grep -c 'c/digest: the votes settled' $m.log) settled"
done

# tied_pair ID NAME: NAME1.sp by n2 and NAME2.sp by n3, two versions of ID
# tied on authority, time and trust band; big and bignode name the one
# with the larger digest and its origin, small and smallnode the other
tied_pair() {
	now=$(($(date +%s) * 1000))
	spore_forge make $(k n2) -i "$1" -A $now -l 3600 -d first -o "${2}1.sp"
	spore_forge make $(k n3) -i "$1" -A $now -l 3600 -d second -o "${2}2.sp"
	d1=$(spore_forge digest "${2}1.sp") d2=$(spore_forge digest "${2}2.sp")
	if [ "$(printf '%s\n%s\n' "$d1" "$d2" | sort | tail -n 1)" = "$d1" ]; then
		big=${2}1 bignode=n2 small=${2}2 smallnode=n3
	else
		big=${2}2 bignode=n3 small=${2}1 smallnode=n2
	fi
}

# consensus: every sclerotia holds X when Y, tied with it on authority,
# time and trust band, comes; X has the larger digest, so without the
# votes Y would win (rule 4's tie-break)
tied_pair c/consensus k
first=$big firstnode=$bignode second=$small secondnode=$smallnode
check "consensus: inject the version with the larger digest" ip netns exec x spore_forge inject $first.sp
want=$(id_of $firstnode)
until_ok 30 all_nodes origin_is c/consensus "$want"
check "consensus: then the one with the smaller digest" ip netns exec x spore_forge inject $second.sp
# every daemon judges the second version (won or lost), from gossip or
# from x's summary
judged() { grep -q "spore c/consensus (origin $(id_of $secondnode)[,)]" "$1.log"; }
if until_ok 60 all_nodes judged; then ok "consensus: every node judged the second version"
else not_ok "consensus: every node judged the second version"
	for m in $NODES; do judged $m || echo "# $m did not"; done
fi
if all_nodes origin_is c/consensus "$want"; then ok "consensus: every node keeps the sclerotia's version"
else not_ok "consensus: every node keeps the sclerotia's version"
	wrong_nodes c/consensus "$want" "c/consensus\|votes"
fi
has "consensus: decided by the votes" "c/consensus .*lost to the held version by consensus" n9.log

# re-check: the nodes decide while no sclerotia can answer (their daemons
# stopped: no votes, so the smaller digest wins), then ask again and turn
# to the version every sclerotia holds once they answer
OTHERS="n4 n5 n6 n7 n8 n9 n10 n11 n12"
others() { for m in $OTHERS; do "$@" "$m" || return 1; done; }
tied_pair c/recheck q
want=$(id_of $bignode)
check "re-check: inject the version with the larger digest" ip netns exec x spore_forge inject $big.sp
if until_ok 30 all_nodes origin_is c/recheck "$want"; then ok "re-check: every node holds it"
else not_ok "re-check: every node holds it"; fi
for m in n1 n2 n3; do eval "kill -STOP \$pid_$m"; done
check "re-check: the smaller digest, while the sclerotia's daemons are stopped" \
	ip netns exec x spore_forge inject $small.sp
if until_ok 30 others origin_is c/recheck "$(id_of $smallnode)"; then
	ok "re-check: with no votes the other nodes take the smaller digest"
else
	not_ok "re-check: with no votes the other nodes take the smaller digest"
	for m in $NODES; do echo "# $m: $(origin_of $m c/recheck)"; done
fi
for m in n1 n2 n3; do eval "kill -CONT \$pid_$m"; done
if until_ok 60 all_nodes origin_is c/recheck "$want"; then
	ok "re-check: every node turns to the sclerotia's version"
else
	not_ok "re-check: every node turns to the sclerotia's version"
	wrong_nodes c/recheck "$want" "c/recheck"
fi
has "re-check: n9 turned by its re-check" "c/recheck .*accepted: the re-check turned the votes" n9.log

# --- myc spore del, and the daemon hears of it
check "del" myc -n n5 spore del app/seed
eq "del: gone from the node" none "$(state_of n5 app/seed)"
i=0
while myceliumd spore list -c n5.conf | grep -q '^app/seed .* held' && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if myceliumd spore list -c n5.conf | grep -q '^app/seed .* held'; then not_ok "del: the daemon forgot it"; else ok "del: the daemon forgot it"; fi
check "trust list" myceliumd trust list -c n1.conf -j
has "trust list: JSON lines" '^\{"node":"[0-9a-f]{16}","score":[0-9]+' /tmp/out
fails "trust set: bad score" "invalid score" myceliumd trust set "$(id_of n2)" 1001 -c n1.conf
fails "trust set: bad node" "invalid node id" myceliumd trust set zz 10 -c n1.conf

# --- a verdict that comes after the kernel stopped waiting (10 s): the
# daemon stored the spore, the kernel dropped it; when the spore comes
# again, the daemon gives it back rather than refuse a duplicate
# shellcheck disable=SC2046
spore_forge make $(k n1) -t primary -i app/late -l 3600 -d "late" -o late.sp
kill -STOP "$pid_n8"
check "late: x pushes a primary spore while n8's daemon is stopped" \
	ip netns exec x spore_forge inject late.sp
sleep 12
kill -CONT "$pid_n8"
judged_late() { grep -q "spore app/late (origin .*) accepted" n8.log; }
if until_ok 20 judged_late; then ok "late: n8's daemon judged it after all"
else not_ok "late: n8's daemon judged it after all"; fi
echo "# n8's kernel: app/late $(state_of n8 app/late)"
check "late: x forgets it (del)" myc -n x spore del app/late
check "late: x pushes it again (inject)" ip netns exec x spore_forge inject late.sp
if until_ok 30 holds_id app/late n8; then ok "late: n8 holds it again"
else not_ok "late: n8 holds it again"; fi
has "late: the daemon gave it back" "spore app/late: held here but not by the kernel: given back" n8.log

# --- a daemon killed with -9 while it stores loses no accepted spore
for i in $(seq 1 80); do
	# (n4's: x's trust went down for the bad spores it sent)
	spore_forge make $(k n4) -i burst/$i -d "burst $i" -o b$i.sp
done
ip netns exec x spore_forge inject $(for i in $(seq 1 80); do echo b$i.sp; done) &
inj=$!
burst() { [ "$(myc -n n2 spore list | grep -c '^burst/.* accepted')" -ge 10 ]; }
until_ok 30 burst
kill -9 "$pid_n2"
wait "$inj" 2>/dev/null
sleep 1
lost=0
for id in $(myc -n n2 spore list | sed -n 's/^\(burst\/[0-9]*\) .* accepted .*/\1/p'); do
	myceliumd spore list -c n2.conf | grep -q "^$id .* held" || { lost=$((lost + 1)); echo "# $id lost"; }
done
held=$(myc -n n2 spore list | grep -c '^burst/.* accepted')
[ "$held" -ge 10 ] && [ "$held" -lt 80 ] && ok "kill -9 mid-burst: $held of 80 accepted when it died" ||
	not_ok "kill -9 mid-burst: $held of 80 accepted when it died"
eq "kill -9: every spore the kernel accepted is in the database" 0 $lost
start n2
registered() { [ "$(myc -n n2 -j node show | json_get 0.daemon)" != 0 ]; }
if until_ok 20 registered; then ok "kill -9: the daemon starts again"; else not_ok "kill -9: the daemon starts again"; fi
has "restarted: it put its spores back" "[1-9][0-9]* stored spores put back" n2.log

# the future-dated spore is refused 60 s at a time, and each node asks x
# for it again when a refusal ends, until its time comes: every node takes
# it (a random summary, one every 30 s to one peer, used to reach only a
# few in this time); judged again, it costs x nothing more, and once taken
# it adds 10
if until_ok 90 all_nodes holds_id bad/future; then ok "future-dated: every node takes it once its time came"
else not_ok "future-dated: every node takes it once its time came ($(for m in $NODES; do holds_id bad/future $m && printf '%s ' $m; done)hold it)"; fi
eq "a bad spore costs once: x's trust at n3" $((x_after + 10)) "$(trust_of n3 x)"

for p in $pids; do kill "$p" 2>/dev/null; done
wait 2>/dev/null
if [ $failed != 0 ]; then
	for m in n1 n2 n3 n12; do echo "# --- $m.log"; tail -25 $m.log | sed 's/^/# /'; done
fi
for ns in $NODES x sw; do ip netns del $ns 2>/dev/null; done
echo "1..$n"
[ $failed = 0 ]
