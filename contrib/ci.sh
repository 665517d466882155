#!/bin/bash
# The whole test suite on a fresh Debian machine, as root: installs every
# dependency (build, test peers, the QEMU lab), builds with -Werror, runs
# make check.  The last line is "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
summary_fail() { echo "setup failed: $1"; echo "0 passed, 1 failed"; exit 1; }

contrib/deps.sh test || summary_fail "installing dependencies"
if [ -x tests/e2e/setup.sh ]; then
	tests/e2e/setup.sh || summary_fail "installing the end-to-end lab"
fi
autoreconf -fi >/dev/null 2>&1 || summary_fail "autoreconf"
./configure --enable-werror -q || summary_fail "configure"
make -s -j"$(nproc)" >/dev/null || { make -s 2>&1 | tail -30; summary_fail "build"; }

make -s check 2>&1 | tee check.log
rc=${PIPESTATUS[0]}
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' check.log | tail -n 1)

# The release tarball builds out of tree, installs under a prefix and
# passes its own make check (the unit tests only: UNIT_ONLY, tests/run.sh);
# counted in the summary like one more test.
mkdir -p tests/logs
start=$(date +%s)
if UNIT_ONLY=1 make -s distcheck >tests/logs/distcheck.log 2>&1; then
	echo "PASS: distcheck ($(( $(date +%s) - start ))s)"; field=1
else
	echo "FAIL: distcheck; last lines of tests/logs/distcheck.log:"
	tail -n 25 tests/logs/distcheck.log | sed 's/^/    /'; field=3; rc=1
fi
[ -n "$line" ] && line=$(echo "$line" | awk -v f=$field '{ $f += 1; print }')
echo "${line:-0 passed, 1 failed (the test run did not finish)}"
exit "$rc"
