#!/bin/sh
# tests/summary.sh [DIR]: after make check in DIR (default .), the last
# lines of each failed test's log, then the line CI reads:
#   failed: NAME ...                 (only when a test failed)
#   N passed, N failed, N skipped
# Read from automake's own results: the counts in test-suite.log and the
# log of each failed test.  XFAIL counts as passed, ERROR and XPASS as
# failed.  Exit status 0 when nothing failed.
DIR=${1:-.}
LOG=$DIR/test-suite.log
if [ ! -f "$LOG" ]; then
	echo "no $LOG: make check did not get as far as running the tests"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
count() { sed -n "s/^# $1: *\([0-9]*\)\$/\1/p" "$LOG" | head -n 1; }
pass=$(( $(count PASS) + $(count XFAIL) ))
fail=$(( $(count FAIL) + $(count ERROR) + $(count XPASS) ))
skip=$(count SKIP)
# A failed test's section in test-suite.log starts with "FAIL: NAME" over
# a line of '='; its own log is NAME.log (NAME.test: NAME.log).
failed=$(awk '/^(FAIL|ERROR|XPASS): / { name = $2; next }
	name != "" && /^=+$/ { print name } { name = "" }' "$LOG")
for t in $failed; do
	echo "FAIL: $t; last lines of $DIR/${t%.test}.log:"
	tail -n 25 "$DIR/${t%.test}.log" | sed 's/^/    /'
done
[ -n "$failed" ] && echo "failed:" $failed
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
