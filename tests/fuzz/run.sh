#!/bin/sh
# Builds each libFuzzer harness (clang, ASan + UBSan) and runs it for
# SECONDS (default 60) on its corpus; fails on any crash.  New inputs go to
# a scratch copy, so the committed corpus changes only by hand (crashes
# found are fixed and their inputs added to corpus/<name>/ as regressions).
#   tests/fuzz/run.sh [SECONDS] [HARNESS...]
set -eu
SECS=${1:-60}
[ $# -gt 0 ] && shift
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
BUILD=${TOP_BUILDDIR:-$TOP}
CC=${FUZZ_CC:-clang}
command -v "$CC" >/dev/null || { echo "skipped: $CC is not installed"; exit 77; }
[ -f "$BUILD/autoconf.h" ] || { echo "configure the tree first"; exit 1; }
OUT=$(mktemp -d /tmp/pxefuzz.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
SRCS=$(ls "$TOP"/src/*.c | grep -v '/main\.c$')
LIBS="-lev $(pkg-config --libs libnl-3.0 libnl-route-3.0 libcap-ng)"
CFLAGS="-g -O1 -std=c11 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
 -I$TOP/src -I$BUILD $(pkg-config --cflags libnl-3.0 libnl-route-3.0) -DSYSCONFDIR=\"/etc\""
names=${*:-$(cd "$HERE" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')}
rc=0
for n in $names; do
	echo "== fuzz_$n: building"
	# shellcheck disable=SC2086
	$CC $CFLAGS -o "$OUT/fuzz_$n" "$HERE/fuzz_$n.c" $SRCS $LIBS
	mkdir -p "$OUT/corpus_$n"
	[ -d "$HERE/corpus/$n" ] && cp "$HERE/corpus/$n"/* "$OUT/corpus_$n/" 2>/dev/null
	echo "== fuzz_$n: running ${SECS}s"
	if ! (cd "$OUT" && "./fuzz_$n" -max_total_time="$SECS" -max_len=4096 \
		-print_final_stats=1 "corpus_$n" >"$OUT/$n.log" 2>&1); then
		echo "FAIL: fuzz_$n crashed; reproducer and log:"
		ls "$OUT"/crash-* "$OUT"/leak-* "$OUT"/timeout-* 2>/dev/null || true
		tail -n 40 "$OUT/$n.log"
		mkdir -p "$BUILD/tests/fuzz-crashes"
		cp "$OUT"/crash-* "$OUT"/leak-* "$OUT"/timeout-* "$BUILD/tests/fuzz-crashes/" 2>/dev/null || true
		rc=1
	else
		grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$OUT/$n.log" |
			tr '\n' ' '; echo
	fi
done
exit $rc
