#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# myceliumd: keys and certificates, daemons authenticating nodes of three
# types and exchanging data only once keys are in, refusals (unknown
# authority, expired certificate, a type the certificate does not give),
# a daemon killed mid-handshake and restarted, key updates by the kernels
# and new sessions by the daemons,
# and the errors a user gets.  One netns per node, all on one bridge;
# peers are configured by hand (the daemons take no contacts:
# spore_cli.sh covers discovery).
here=$(cd "$(dirname "$0")" && pwd)	# the test changes directory
PATH=$here:$PATH
# shellcheck source-path=SCRIPTDIR source=cli_lib
. "$here/cli_lib"
# shellcheck source=daemon_lib
. "$here/daemon_lib"

echo "TAP version 13"
modprobe mycelium
D=/tmp/mycd
rm -rf $D
mkdir -p $D
cd $D || exit 1
bridge_up
# node NAME TYPE N [AUTHORITY_KEY [ISSUE_ARGS...]]: netns, key, cert, config
node() {
	name=$1 type=$2 num=$3 auth=${4:-auth.key}
	shift 3
	[ $# -gt 0 ] && shift
	mk_node "$name" "$type" "$num" "$auth" '[network]\naccept-contacts = no' "$@"
}
# peer A B TYPE_OF_B: A knows B over the bridge
peer() {
	myc -n "$1" peer add "$(id_of "$2")" type "$3" \
		path "10.9.0.$(ip_of "$1")" "10.9.0.$(ip_of "$2")" probe-interval 100
}
ip_of() { ip -n "$1" -4 -o addr show | sed -n 's/.* 10\.9\.0\.\([0-9]*\)\/.*/\1/p'; }
auth_of() { myc -n "$1" -j peer show "$(id_of "$2")" | json_get 0.auth; }
# wait_auth A B STATE SECONDS
wait_auth() {
	i=0
	while [ "$(auth_of "$1" "$2")" != "$3" ] && [ $i -lt $(($4 * 10)) ]; do
		sleep 0.1; i=$((i + 1)); done
	auth_of "$1" "$2"
}
# sends A B: a guaranteed message from A to B's port 100 arrives
sends() {
	ip netns exec "$2" mycat -c 1 -l 100 >"$1-$2.got" &
	l=$!
	sleep 0.3
	echo "from $1" | ip netns exec "$1" mycat -g guaranteed "$(id_of "$2")" 100
	i=0
	while ! grep -q "from $1" "$1-$2.got" && [ $i -lt 30 ]; do
		sleep 0.1; i=$((i + 1)); done
	kill $l 2>/dev/null
	wait $l 2>/dev/null
	grep -q "from $1" "$1-$2.got"
}

# --- tools
check "key generate" myceliumd key generate -o auth.key
gen_id=$(sed -n 's/^node-id //p' /tmp/out)
check "key show" myceliumd key show auth.key
eq "node id from the key" "$gen_id" "$(sed -n 's/^node-id //p' /tmp/out)"
eq "secret key file mode" 600 "$(stat -c %a auth.key)"
myceliumd key generate -o rogue.key >/dev/null
fails "cert issue: bad type" 'invalid type "fungus"' myceliumd cert issue -a auth.key -k auth.key -t fungus -o x.cert
fails "cert issue: missing output" "needs -a, -k, -t and -o" myceliumd cert issue -a auth.key -k auth.key -t hyphae
fails "cert issue: not a key file" "neither a base64 public key nor a key file" \
	myceliumd cert issue -a auth.key -k /etc/hostname -t hyphae -o x.cert
node a sclerotia 1
node b sclerotia 2
node c rhizomorph 3
check "cert show" myceliumd cert show a.cert -a auth.key
has "cert show: type" '^type sclerotia$' /tmp/out
has "cert show: valid" '^valid yes$' /tmp/out
fails_rc() { name=$1; shift; if "$@" >/tmp/out 2>&1; then not_ok "$name"; else ok "$name"; fi; }
fails_rc "cert show: another authority" myceliumd cert show a.cert -a rogue.key
has "cert show: says why" 'unknown authority' /tmp/out
printf '[node]\nkey = %s/a.key\ncert = %s/a.cert\n[trust]\nauthority = %s/auth.key\nfoo = 1\n' $D $D $D >bad.conf
fails "config: unknown setting" "unknown setting \[trust\] foo" myceliumd -c bad.conf
fails "config: missing file" "cannot read it" myceliumd -c $D/none.conf
printf '[node]\nkey = %s/a.key\ncert = %s/b.cert\n[trust]\nauthority = %s/auth.key\n' $D $D $D >mix.conf
fails "config: certificate of another key" "is not a certificate for the key" myceliumd -c mix.conf
# a certificate altered after signing: the node's own daemon refuses it
# (a character of the expiry changed: the signature no longer covers it)
awk '{ c = substr($2, 10, 1); $2 = substr($2, 1, 9) (c == "A" ? "B" : "A") substr($2, 11); print }' \
	a.cert >forged.cert
printf '[node]\nkey = %s/a.key\ncert = %s/forged.cert\n[trust]\nauthority = %s/auth.key\n' $D $D $D >forged.conf
fails "forged certificate" "own certificate: certificate signature does not verify" \
	myceliumd -c forged.conf
check "help" myceliumd help
has "help text" 'myceliumd cert issue' /tmp/out

# --- daemons, three types
start a
start b
start c
eq "daemon sets the node id" "$(id_of a)" "$(myc -n a -j node show | json_get 0.id)"
eq "daemon sets the node type" rhizomorph "$(myc -n c -j node show | json_get 0.type)"
fails "one daemon per netns" "another myceliumd" ip netns exec a myceliumd -c a.conf
peer a b sclerotia
peer b a sclerotia
peer a c rhizomorph
peer c a sclerotia
peer b c rhizomorph
peer c b sclerotia
eq "a-b authenticated" ok "$(wait_auth a b ok 15)"
eq "b-a authenticated" ok "$(wait_auth b a ok 15)"
eq "a-c authenticated" ok "$(wait_auth a c ok 15)"
eq "c-a authenticated" ok "$(wait_auth c a ok 15)"
eq "b-c authenticated" ok "$(wait_auth b c ok 15)"
eq "sclerotia pair: high-performance" high-performance \
	"$(myc -n a -j peer show "$(id_of b)" | json_get 0.profile.profile)"
eq "sclerotia-rhizomorph: adaptive" adaptive \
	"$(myc -n a -j peer show "$(id_of c)" | json_get 0.profile.profile)"
eq "adaptive: standard encryption" standard \
	"$(myc -n c -j peer show "$(id_of a)" | json_get 0.profile.encryption)"
if sends a b; then ok "data a to b"; else not_ok "data a to b"; fi
if sends c a; then ok "data c to a"; else not_ok "data c to a"; fi
if sends b c; then ok "data b to c"; else not_ok "data b to c"; fi
check "peer show" myc -n a peer show "$(id_of b)"
has "peer show: auth and profile" '^    auth ok key-phase [01] key-age [0-9]+s rekeys [0-9]+ key-updates [0-9]+ profile high-performance encryption standard' /tmp/out

# --- refusals
node d sclerotia 4 rogue.key
start d
peer a d sclerotia
peer d a sclerotia
sleep 4
eq "unknown authority: never ok (a)" failed "$(auth_of a d)"
[ "$(auth_of d a)" != ok ] && ok "unknown authority: never ok (d)" || not_ok "unknown authority: never ok (d)"
has "a's daemon says why" "refused: certificate from an unknown authority" a.log
if sends d a; then not_ok "no data from d"; else ok "no data from d"; fi

node e sclerotia 5 auth.key -s 3
start e
sleep 4		# its certificate expires
peer a e sclerotia
peer e a sclerotia
sleep 3
[ "$(auth_of a e)" != ok ] && ok "expired certificate: never ok" || not_ok "expired certificate: never ok"
has "expired: a's daemon says why" "refused: certificate expired" a.log
if sends e a; then not_ok "no data from e"; else ok "no data from e"; fi

node f hyphae 6
sed -i 's/^\[node\]$/[node]\nset-node = no/' f.conf
start f
check "spoofed type: set the type by hand" myc -n f node set id "$(id_of f)" type sclerotia
check "spoofed type: a knows f" peer a f sclerotia
check "spoofed type: f knows a" peer f a sclerotia
sleep 3
[ "$(auth_of a f)" != ok ] && ok "spoofed type: never ok" || not_ok "spoofed type: never ok"
has "spoofed type: a's daemon says why" "refused: certificate type is not the type the peer is configured as" a.log
if sends f a; then not_ok "no data from f"; else ok "no data from f"; fi

# --- a daemon killed mid-handshake, and restarted
node g sclerotia 7
node h sclerotia 8
tc -n h qdisc add dev v-h root netem delay 1000ms
start g
start h
peer g h sclerotia
peer h g sclerotia
sleep 0.5
kill -9 "$pid_h"
wait "$pid_h" 2>/dev/null
[ "$(auth_of h g)" != ok ] && ok "killed mid-handshake: not keyed yet" || not_ok "killed mid-handshake: not keyed yet"
eq "no daemon: peer show says so" "no-daemon" "$(wait_auth h g no-daemon 5)"
check "peer show without a daemon" myc -n h peer show "$(id_of g)"
has "text: pending (no myceliumd)" 'auth pending \(no myceliumd\)' /tmp/out
start h
eq "restarted: g-h authenticated" ok "$(wait_auth g h ok 20)"
eq "restarted: h-g authenticated" ok "$(wait_auth h g ok 20)"
if sends g h; then ok "restarted: data g to h"; else not_ok "restarted: data g to h"; fi

# --- the kernels update the keys themselves; the daemons renew sessions
num() { myc -n "$1" -j peer show "$(id_of "$2")" | json_get "0.$3"; }
rekeys=$(num a b rekeys)
myc -n a node set rekey-time 1
myc -n b node set rekey-time 1
i=0
while [ "$(num a b key-updates)" -lt 2 ] && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1)); done
[ "$(num a b key-updates)" -ge 2 ] && ok "keys updated by the kernel" ||
	{ not_ok "keys updated by the kernel"; myc -n a peer show "$(id_of b)" | sed 's/^/# /'; }
if sends a b; then ok "data after key updates"; else not_ok "data after key updates"; fi
eq "key updates: no new session" "$rekeys" "$(num a b rekeys)"
# no more updates: the ends settle on one phase
for m in a b; do myc -n $m node set rekey-time 3600; done
sleep 2.5
eq "key updates: one phase" "$(num a b key-phase)" "$(num b a key-phase)"
for m in a b; do myc -n $m node set session-time 5; done
i=0
while [ "$(num a b rekeys)" -lt $((rekeys + 2)) ] && [ $i -lt 300 ]; do
	sleep 0.1; i=$((i + 1)); done
[ "$(num a b rekeys)" -ge $((rekeys + 2)) ] && ok "new sessions after session-time" ||
	{ not_ok "new sessions after session-time"; myc -n a peer show "$(id_of b)" | sed 's/^/# /'; }
for m in a b; do myc -n $m node set rekey-time 120 session-time 3600; done
if sends a b; then ok "data after new sessions"; else not_ok "data after new sessions"; fi
eq "no bad tags" 0 "$(myc -n b -s -j peer show "$(id_of a)" | json_get 0.stats.rx-bad-tag)"

# --- daemons stop on SIGTERM; the registration goes with them
kill "$pid_a"
wait "$pid_a" 2>/dev/null
eq "SIGTERM: exits 0" 0 $?
eq "registration gone" 0 "$(myc -n a -j node show | json_get 0.daemon)"
eq "keys stay" ok "$(auth_of a b)"

for p in $pids; do kill "$p" 2>/dev/null; done
wait 2>/dev/null
if [ $failed != 0 ]; then
	for f in a b c f g h; do echo "# --- $f.log"; sed 's/^/# /' $f.log | tail -20; done
fi
for ns in a b c d e f g h sw; do ip netns del $ns 2>/dev/null; done
echo "1..$n"
[ $failed = 0 ]
