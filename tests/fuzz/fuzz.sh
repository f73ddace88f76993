#!/bin/sh
# Runs one libFuzzer target of tests/fuzz/: every input of
# tests/fuzz/regressions/TARGET/ once, then SECONDS of fuzzing that
# starts from a scratch copy of tests/fuzz/corpus/TARGET/ (the checked-in
# corpus is never written).  Prints the figures, libFuzzer's last line
# and one TAP line; on a crash, the report, and exits non-zero.
#
#   tests/fuzz/fuzz.sh SECONDS TARGET
#
# FUZZ_BUILD names the build directory (build/fuzz).  A crashing input is
# kept in $FUZZ_BUILD/crashes/TARGET/; once the bug is fixed it goes into
# tests/fuzz/regressions/TARGET/.  The targets' scratch files (a
# database, a config file) live under /dev/shm when there is one: the
# group commit's fsync costs nothing there.
set -u

if [ $# -ne 2 ]; then
	echo "usage: tests/fuzz/fuzz.sh SECONDS TARGET" >&2
	exit 64
fi
secs=$1
target=$2
build=${FUZZ_BUILD:-build/fuzz}
bin=$build/$target
corpus=tests/fuzz/corpus/$target
regress=tests/fuzz/regressions/$target
crashes=$build/crashes/$target

if [ ! -x "$bin" ]; then
	echo "not ok 1 - $target: $bin is not built (make fuzz-build)"
	exit 1
fi
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	base=/dev/shm
else
	base=${TMPDIR:-/tmp}
fi
scratch=$(mktemp -d "$base/samen-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/corpus" "$scratch/tmp" "$crashes"
export TMPDIR="$scratch/tmp"

# The report of a failed run: the sanitizer's or libFuzzer's words.
report() {
	grep -v -E '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|RELOAD)' "$1" |
	    grep -v -E '^(INFO|MS):|^[[:space:]]+NEW_FUNC' | tail -n 60
}

# 1. Every regression input, once.
nregress=0
if [ -d "$regress" ]; then
	set -- "$regress"/*
	[ -e "$1" ] || set --
	nregress=$#
fi
if [ "$nregress" -gt 0 ]; then
	if ! ASAN_OPTIONS=${ASAN_OPTIONS:-fast_unwind_on_malloc=0} \
	    "$bin" -rss_limit_mb=2048 -timeout=60 "$@" \
	    >"$scratch/regress.log" 2>&1; then
		report "$scratch/regress.log"
		which=$(sed -n 's/^Running: //p' "$scratch/regress.log" |
		    tail -n 1)
		echo "not ok 1 - $target: regression input ${which:-?} fails"
		exit 1
	fi
	cp "$@" "$scratch/corpus/"
fi

# 2. SECONDS of fuzzing from the corpus.
[ -d "$corpus" ] && cp "$corpus"/* "$scratch/corpus/" 2>/dev/null
before=$(find "$scratch/corpus" -type f | wc -l | tr -d ' ')
dict=
[ -f "tests/fuzz/$target.dict" ] && dict=-dict=tests/fuzz/$target.dict
"$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=25 \
    -print_final_stats=1 -artifact_prefix="$crashes/" $dict \
    "$scratch/corpus" >"$scratch/fuzz.log" 2>&1
rc=$?
after=$(find "$scratch/corpus" -type f | wc -l | tr -d ' ')

done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$scratch/fuzz.log" |
    tail -n 1)
runs=$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' \
    "$scratch/fuzz.log" | tail -n 1)
rate=$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' \
    "$scratch/fuzz.log" | tail -n 1)
cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
ft=$(echo "$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')

if [ "$rc" -ne 0 ] || [ -z "$done_line" ]; then
	report "$scratch/fuzz.log"
	kept=$(sed -n "s/.*Test unit written to //p" "$scratch/fuzz.log" |
	    tail -n 1)
	echo "not ok 1 - $target: crashed after ${runs:-?} runs" \
	    "(exit $rc); input kept in ${kept:-$crashes/}"
	exit 1
fi
echo "$target: ${runs:-?} runs in $secs s (${rate:-?}/s), cov $cov," \
    "ft $ft, corpus $before -> $after inputs, $nregress regression" \
    "inputs pass"
echo "   $done_line"
echo "ok 1 - $target: ${runs:-?} runs, cov $cov, ft $ft, no crash"
