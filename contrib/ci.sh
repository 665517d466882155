#!/bin/bash
# The whole test suite on a fresh Debian machine, as root: installs every
# dependency (build, test peers, the QEMU lab), builds with -Werror, then
#   1. make check: unit tests, the daemon against real clients in network
#      namespaces, real firmware booting through it in QEMU;
#   2. make distcheck: the release tarball builds, installs and passes its
#      unit tests out of tree;
#   3. fuzzing: each libFuzzer harness for FUZZ_SECONDS (default 60);
#   4. the unit and integration tests again, with the daemon built from the
#      release tarball with ASan and UBSan (./configure --enable-sanitizers).
# Steps 2 and 3 count as one test each in the summary.  The last line is
# "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
TOP=$(pwd)
summary_fail() { echo "setup failed: $1"; echo "0 passed, 1 failed"; exit 1; }
pass=0 fail=0 skip=0 failed=""

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

# 1. Everything, in this tree.
make -s check 2>&1 | tee check.log
add_summary check.log make-check
mkdir -p tests/logs

# 2. The release tarball (UNIT_ONLY: tests/run.sh).
step distcheck env UNIT_ONLY=1 make -s distcheck

# 3. Fuzzing: a crash fails the step; its input is kept in
#    tests/fuzz-crashes/ to be fixed and added to the corpus.
step fuzz make -s fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-60}"

# 4. Sanitizers, on a build of the release tarball.  LeakSanitizer cannot
#    work inside the daemon's chroot, so leaks are looked for by
#    sanitizer-leaks.test alone (a daemon without chroot); every other
#    test fails on any ASan or UBSan report or on a daemon that does not
#    exit cleanly (tests/lib.sh).
UNIT_TESTS=$(sed -n 's/^\t\(unit\/test_[a-z]*\).*/\1/p' tests/Makefile.am | tr '\n' ' ')
sanitizer_build() {
	local dir=$TOP/tests/san-build
	rm -rf "$dir" && mkdir -p "$dir" &&
	make -s dist >/dev/null &&
	tar -xzf pxeproxyd-*.tar.gz -C "$dir" --strip-components=1 &&
	rm -f pxeproxyd-*.tar.gz &&
	(cd "$dir" && ./configure -q --enable-sanitizers --enable-werror &&
	 make -s -j"$(nproc)" >/dev/null &&
	 make -s -C tests $UNIT_TESTS >/dev/null)
}
if sanitizer_build >tests/logs/sanitizer-build.log 2>&1; then
	echo "== the unit and integration tests again, with ASan and UBSan"
	(cd tests/san-build/tests &&
	 ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 SKIP="deb-package systemd-unit man-pages load-room-loss" \
	 PXEPROXYD=$TOP/tests/san-build/src/pxeproxyd \
	 TOP_SRCDIR=$TOP/tests/san-build TOP_BUILDDIR=$TOP/tests/san-build \
	 sh run.sh $UNIT_TESTS integration/*.test) 2>&1 | sed 's/^\(PASS\|FAIL\|SKIP\): /\1: asan:/' |
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
