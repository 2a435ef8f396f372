#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# scripts/vm itself: exit status, --add, kernel-log checks and the timeout
# must work, or every in-VM result would be meaningless.  TAP output.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
vm=$top/scripts/vm
kernel=${1:-6.12}
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $1"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "TAP version 13"
echo "payload $$" >"$tmp/payload.txt"
out=$("$vm" run --kernel "$kernel" --add "$tmp/payload.txt" -- \
	sh -c 'cat /add/payload.txt; myc -j node show; exit 7' 2>"$tmp/err")
rc=$?
[ $rc = 7 ] && ok "command's exit status is returned" ||
	not_ok "command's exit status is returned (got $rc)"
grep -q "^payload $$\$" <<<"$out" && ok "--add copies files to /add" ||
	not_ok "--add copies files to /add"
grep -q '^\[{"id":"[0-9a-f]\{16\}","type":"hyphae"' <<<"$out" &&
	ok "myc -j node show prints the node as JSON" ||
	not_ok "myc -j node show prints the node as JSON: $out"

"$vm" run --kernel "$kernel" --quiet -- \
	sh -c 'echo "<4>WARNING: CPU: 0 PID: 1 at injected" >/dev/kmsg' \
	>/dev/null 2>&1
rc=$?
[ $rc = 125 ] && ok "a WARNING in the kernel log fails the run" ||
	not_ok "a WARNING in the kernel log fails the run (got $rc)"

"$vm" run --kernel "$kernel" --quiet --timeout 20 -- sleep 600 \
	>/dev/null 2>&1
rc=$?
[ $rc = 124 ] && ok "the timeout stops the VM" ||
	not_ok "the timeout stops the VM (got $rc)"

echo "1..$n"
[ $failed = 0 ]
