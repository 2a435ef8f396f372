# SPDX-License-Identifier: GPL-2.0
#
# Sourced by tests/run (make check) and tests/run-debug (make check-debug):
# counting of checks and TAP streams into $passed, $failed and $skipped,
# and the closing "N passed, N failed" line.  The caller sets $top.

passed=0 failed=0 skipped=0

# Count a TAP stream: every "ok"/"not ok" line at column 0 is one test.
count_tap() {	# count_tap SUITE LOGFILE
	local suite=$1 log=$2 p f s
	p=$(grep -a -c -E '^ok [0-9]+' "$log" | head -n1)
	s=$(grep -a -c -E '^ok [0-9]+.*# (SKIP|skip)' "$log" | head -n1)
	f=$(grep -a -c -E '^not ok [0-9]+' "$log" | head -n1)
	p=$((p - s))
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	printf '%-34s %4d passed %3d failed %3d skipped\n' "$suite" "$p" "$f" "$s"
	if [ "$f" != 0 ]; then
		grep -a -E '^not ok [0-9]+' "$log" | sed 's/^/    /'
		echo "    (log: ${log#$top/})"
	fi
}

# One check that is a command: passes if it exits 0.
check_cmd() {	# check_cmd NAME LOGFILE CMD...
	local name=$1 log=$2
	shift 2
	if "$@" >"$log" 2>&1; then
		passed=$((passed + 1))
		printf '%-34s   ok\n' "$name"
	else
		failed=$((failed + 1))
		printf '%-34s   FAILED (log: %s)\n' "$name" "${log#$top/}"
		tail -n 30 "$log" | sed 's/^/    /'
	fi
}

# A TAP-producing command; its exit status must agree with its TAP.
run_tap() {	# run_tap SUITE LOGFILE CMD...
	local suite=$1 log=$2 rc
	shift 2
	"$@" >"$log" 2>&1
	rc=$?
	count_tap "$suite" "$log"
	if [ $rc != 0 ] && ! grep -a -q -E '^not ok [0-9]+' "$log"; then
		failed=$((failed + 1))
		echo "    $suite exited with status $rc without a failing test"
		tail -n 20 "$log" | sed 's/^/    /'
	fi
}

# The last lines of a run: its time, then "N passed, N failed[, N skipped]".
summary() {	# summary START-EPOCH; returns non-zero if anything failed
	echo "== $(($(date +%s) - $1))s"
	if [ $skipped -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	[ $failed = 0 ]
}
