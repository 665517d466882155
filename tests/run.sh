#!/bin/sh
# Runs every test given (unit binaries and *.test scripts), one at a time,
# and ends with the line "N passed, N failed, N skipped".
#   exit 0 = pass, 77 = skip (a missing tool or package), other = fail
# T=pattern runs only the tests whose name contains pattern.
# UNIT_ONLY=1 runs only the C unit tests, no *.test script (make distcheck
# in contrib/ci.sh, the Debian build: no root, no namespaces, seconds).
# SKIP="name ..." leaves those tests out (the sanitizer pass of
# contrib/ci.sh: the packaging tests test packaging, not the daemon).
# A test's output goes to logs/NAME.log; a failure shows its tail.
: "${TEST_TIMEOUT:=900}"
mkdir -p logs
pass=0 fail=0 skip=0 failed=""
for t in "$@"; do
	name=$(basename "$t" .test)
	case $name in *"${T:-}"*) ;; *) continue ;; esac
	case $t in *.test) [ -z "${UNIT_ONLY:-}" ] || continue ;; esac
	case " ${SKIP:-} " in *" $name "*) continue ;; esac
	log=logs/$name.log
	start=$(date +%s)
	case $t in
	*.test) timeout -k 10 "$TEST_TIMEOUT" sh "$t" >"$log" 2>&1 ;;
	*) timeout -k 10 "$TEST_TIMEOUT" "./$t" >"$log" 2>&1 ;;
	esac
	rc=$?
	secs=$(( $(date +%s) - start ))
	case $rc in
	0) pass=$((pass + 1)); echo "PASS: $name (${secs}s)" ;;
	77) skip=$((skip + 1)); echo "SKIP: $name: $(tail -n 1 "$log")" ;;
	*) fail=$((fail + 1)); failed="$failed $name"
	   echo "FAIL: $name (exit $rc, ${secs}s); last lines of $log:"
	   tail -n 25 "$log" | sed 's/^/    /' ;;
	esac
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
