#!/bin/sh
# Runs the unit tests (cmocka, TAP output), the fuzz targets briefly
# with their regression inputs (tests/fuzz/fuzz.sh, one test each) and
# the integration tests (bats, TAP output), and ends with one line:
# "N passed, N failed".  Exits non-zero when any test failed or a test
# program crashed.
#
#   tests/run.sh [--unit-only | --integration-only] [UNIT_BINARY ...]
#
# BUILD names the build directory (build/default, or build/san).
set -u

BUILD=${BUILD:-build/default}
export BUILD
mode=all
case "${1:-}" in
--unit-only) mode=unit; shift ;;
--integration-only) mode=integration; shift ;;
esac

passed=0
failed=0
skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Counts the TAP lines in $log; a program that failed without a failing
# line (a crash, a setup error) counts as one failure.
count() {
	rc=$1
	name=$2
	p=$(grep -c '^ok ' "$log" | tr -d ' ')
	s=$(grep -c '^ok .*# skip' "$log" | tr -d ' ')
	f=$(grep -c '^not ok ' "$log" | tr -d ' ')
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAILED: $name exited $rc without a failing test (crash?)"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

if [ "$mode" != integration ]; then
	for t in "$@"; do
		echo "== unit: $(basename "$t")"
		CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$log" 2>&1
		rc=$?
		grep -E '^(ok|not ok) |^#' "$log" | sed 's/^/   /'
		grep -q '^not ok ' "$log" && cat "$log"
		count "$rc" "$t"
	done
fi

# The fuzz targets are their own sanitizer build: they run once, in the
# plain pass.
if [ "$mode" = all ] && [ "${BUILD:-build/default}" != build/san ]; then
	for t in tests/fuzz/fuzz_*.c; do
		t=$(basename "$t" .c)
		echo "== fuzz: $t"
		tests/fuzz/fuzz.sh "${FUZZ_CHECK_SECONDS:-3}" "$t" >"$log" 2>&1
		rc=$?
		grep -E '^(ok|not ok) ' "$log" | sed 's/^/   /'
		grep -q '^not ok ' "$log" && cat "$log"
		count "$rc" "$t"
	done
fi

if [ "$mode" != unit ]; then
	echo "== integration (bats)"
	bats --tap tests/integration >"$log" 2>&1
	rc=$?
	sed 's/^/   /' "$log"
	count "$rc" "bats"
fi

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
