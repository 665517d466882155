#!/bin/sh
# Builds each libFuzzer harness (clang, ASan + UBSan) and runs it for
# SECONDS (default 60) of one core on its corpus; fails on any crash.  New inputs go to
# a scratch copy, so the committed corpus changes only by hand (crashes
# found are fixed and their inputs added to corpus/<name>/ as regressions).
#   tests/fuzz/run.sh [SECONDS] [HARNESS...]
#
# The harnesses link the daemon's own library, libpxe.a, built as the
# daemon is built (configure, the libraries it found) but by clang with
# coverage instrumentation, in tests/fuzz-build: a copy of the release
# files (make distdir), configured there, since the tree itself may be
# configured already.  The harnesses are FUZZ_HARNESSES in
# tests/Makefile.am.
set -eu
SECS=${1:-60}
[ $# -gt 0 ] && shift
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${TOP_BUILDDIR:-$(cd "$HERE/../.." && pwd)}
CC=${FUZZ_CC:-clang}
command -v "$CC" >/dev/null || { echo "skipped: $CC is not installed"; exit 77; }
[ -f "$BUILD/Makefile" ] || { echo "configure the tree first"; exit 1; }
FB=$BUILD/tests/fuzz-build
SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"

echo "== libpxe.a for fuzzing ($CC) in $FB"
rm -rf "$FB"
copy=pxeproxyd-fuzz$$
make -s -C "$BUILD" distdir distdir="$copy" >/dev/null
mv "$BUILD/$copy" "$FB"
(cd "$FB" && ./configure -q CC="$CC" CFLAGS="-g -O1 $SAN") >"$FB/build.log" 2>&1 &&
	make -s -j"$(nproc)" -C "$FB/src" libpxe.a >>"$FB/build.log" 2>&1 ||
	{ tail -n 30 "$FB/build.log"; echo "building libpxe.a for fuzzing failed"; exit 1; }
names=${*:-$(sed -n 's|^\tfuzz/fuzz_\([a-z0-9_]*\).*|\1|p' "$FB/tests/Makefile.am")}
OUT=$(mktemp -d /tmp/pxefuzz.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
# fuzz_one NAME: runs one built harness in its own directory (its crash
# files apart from the others'); exit status 1 on a crash.
fuzz_one() {
	d=$OUT/$1
	if ! (cd "$d" && "./fuzz_$1" -max_total_time="$WALL" -max_len=4096 \
		-print_final_stats=1 "corpus" >"$d/log" 2>&1); then
		echo "FAIL: fuzz_$1 crashed; reproducer and log:"
		ls "$d"/crash-* "$d"/leak-* "$d"/timeout-* 2>/dev/null || true
		tail -n 40 "$d/log"
		mkdir -p "$BUILD/tests/fuzz-crashes"
		cp "$d"/crash-* "$d"/leak-* "$d"/timeout-* "$BUILD/tests/fuzz-crashes/" 2>/dev/null || true
		return 1
	fi
	echo "fuzz_$1: $(grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$d/log" | tr '\n' ' ')"
}

rc=0
built=
for n in $names; do
	echo "== fuzz_$n: building"
	make -s -C "$FB/tests" "fuzz/fuzz_$n" LDFLAGS="-fsanitize=fuzzer" >>"$FB/build.log" 2>&1 ||
		{ tail -n 30 "$FB/build.log"; echo "FAIL: fuzz_$n does not build"; rc=1; continue; }
	mkdir -p "$OUT/$n/corpus"
	cp "$FB/tests/fuzz/fuzz_$n" "$OUT/$n/"
	[ -d "$HERE/corpus/$n" ] && cp "$HERE/corpus/$n"/* "$OUT/$n/corpus/" 2>/dev/null
	built="$built $n"
done
# One harness per core at a time (libFuzzer runs on one): the same
# seconds each, in a fraction of the wall time.
# All at once, each for SECS times its share of the cores: as much
# fuzzing as SECS each, JOBS at a time, without the rounds (7 harnesses
# on 2 cores took 4 rounds, the last on one core: 180 s for 158 s of work).
JOBS=${FUZZ_JOBS:-$(nproc)}
set -- $built
WALL=$SECS
[ $# -gt "$JOBS" ] && WALL=$(( (SECS * $# + JOBS - 1) / JOBS ))
echo "== running${built}: ${SECS}s of a core each, all at once for ${WALL}s on $JOBS"
for n in $built; do
	fuzz_one "$n" >"$OUT/$n.result" 2>&1 &
done
wait
for n in $built; do
	cat "$OUT/$n.result"
	grep -q '^FAIL' "$OUT/$n.result" && rc=1
done
exit $rc
