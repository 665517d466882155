#!/bin/bash
# The whole test suite on a fresh Debian machine, as root: installs every
# dependency (build, test peers, the QEMU lab), builds with -Werror, then
#   1. make check -j2: unit tests, the daemon against real clients in
#      network namespaces, real firmware booting through it in QEMU, two
#      tests at a time (automake's parallel harness);
#   2. make distcheck: the release tarball builds, installs and passes its
#      unit tests out of tree;
#   3. fuzzing: each libFuzzer harness for FUZZ_SECONDS (default 45: seven
#      harnesses two at a time keep the step near 3 minutes of the 30);
#   4. the unit and integration tests again, with the daemon built from the
#      release tarball with ASan and UBSan (./configure --enable-sanitizers).
# Steps 2 and 3 count as one test each in the summary.  The last line is
# "N passed, N failed, N skipped".  JOBS (default 2) tests run at a time.
set -uo pipefail
cd "$(dirname "$0")/.."
TOP=$(pwd)
summary_fail() { echo "setup failed: $1"; echo "0 passed, 1 failed"; exit 1; }
pass=0 fail=0 skip=0 failed=""
JOBS=${JOBS:-2}

contrib/deps.sh test || summary_fail "installing dependencies"
if [ -x tests/e2e/setup.sh ]; then
	tests/e2e/setup.sh || summary_fail "installing the end-to-end lab"
fi
autoreconf -fi >/dev/null 2>&1 || summary_fail "autoreconf"
./configure --enable-werror -q || summary_fail "configure"
make -s -j"$(nproc)" >/dev/null || { make -s 2>&1 | tail -30; summary_fail "build"; }

# add_summary LOG: adds the "N passed, N failed, N skipped" line of LOG.
add_summary() {
	local line p f s
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	if [ -z "$line" ]; then
		fail=$((fail + 1)); failed="$failed $2"
		return
	fi
	read -r p _ f _ s _ <<<"$(echo "$line" | tr -d ,)"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + ${s:-0}))
	[ "$f" -gt 0 ] && failed="$failed $(grep '^failed:' "$1" | cut -d: -f2)"
}

# step NAME COMMAND...: one more test in the summary, its log in
# tests/logs/NAME.log.
step() {
	local name=$1 start log=tests/logs/$1.log
	shift
	start=$(date +%s)
	if "$@" >"$log" 2>&1; then
		echo "PASS: $name ($(( $(date +%s) - start ))s)"
		pass=$((pass + 1))
	else
		echo "FAIL: $name; last lines of $log:"
		tail -n 25 "$log" | sed 's/^/    /'
		fail=$((fail + 1)); failed="$failed $name"
	fi
}

# 1. Everything, in this tree; tests/summary.sh reads the harness's
#    results and prints the failed tests' last lines and the count.
make -s -j"$JOBS" check 2>&1 | tee check.log
sh tests/summary.sh tests 2>&1 | tee -a check.log
add_summary check.log make-check
mkdir -p tests/logs

# 2. The release tarball, its unit tests only.
step distcheck make -s -j"$JOBS" distcheck DISTCHECK_CONFIGURE_FLAGS=--disable-integration-tests

# 3. Fuzzing: a crash fails the step; its input is kept in
#    tests/fuzz-crashes/ to be fixed and added to the corpus.
step fuzz make -s fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-45}"

# 4. Sanitizers, on a build of the release tarball.  LeakSanitizer cannot
#    work inside the daemon's chroot, so leaks are looked for by
#    sanitizer-leaks.test alone (a daemon without chroot); every other
#    test fails on any ASan or UBSan report or on a daemon that does not
#    exit cleanly (tests/lib.sh).
# The load test with 100 clients (LOAD_CLIENTS, load-room.test): an ASan
# build is several times slower.  No test here compares speeds.
sanitizer_build() {
	local dir=$TOP/tests/san-build
	rm -rf "$dir" && mkdir -p "$dir" &&
	make -s dist >/dev/null &&
	tar -xzf pxeproxyd-*.tar.gz -C "$dir" --strip-components=1 &&
	rm -f pxeproxyd-*.tar.gz &&
	(cd "$dir" && ./configure -q --enable-sanitizers --enable-werror &&
	 make -s -j"$(nproc)" >/dev/null)
}
if sanitizer_build >tests/logs/sanitizer-build.log 2>&1; then
	echo "== the unit and integration tests again, with ASan and UBSan"
	# shellcheck disable=SC2016
	(cd tests/san-build &&
	 ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 LOAD_CLIENTS=100 \
	 make -s -j"$JOBS" -C tests check 'TESTS=$(UNIT_TESTS) $(INTEGRATION_TESTS)'
	 sh tests/summary.sh tests) 2>&1 |
		sed 's/^\(PASS\|FAIL\|SKIP\|ERROR\): /\1: asan:/; /^failed:/ s/ / asan:/g' |
		tee sanitizer.log
	add_summary sanitizer.log sanitizers
else
	echo "FAIL: sanitizer build; last lines of tests/logs/sanitizer-build.log:"
	tail -n 25 tests/logs/sanitizer-build.log | sed 's/^/    /'
	fail=$((fail + 1)); failed="$failed sanitizer-build"
fi

[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
