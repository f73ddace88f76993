#!/usr/bin/env bash
# The shared agenda's benchmark: a throw-away Leiden region under a mktemp
# directory, samend on 127.0.0.1 (port picked by the kernel), then
#
#	on the empty region: 8 durable writers for S seconds, then the
#	    SQLite reference for S seconds;
#	seed N items, full sync, 10 edits and the delta sync after them;
#	ROUNDS x (the writers, then the reference)
#
# and a table of the figures, with the write rate as a ratio against
# plain SQLite (WAL, synchronous=FULL, one row per transaction) measured
# in the same run on the same disk.  samend is stopped by its PID and the
# directory removed, whatever happens.  See bench/README.md.
#
#	make bench
#	BUILD=build/default bench/agenda.sh
#
# Knobs (environment): BENCH_ITEMS (10000), BENCH_CLIENTS (8),
# BENCH_SECONDS (10), BENCH_ROUNDS (2), BENCH_EMPTY_ROUND (1: one round
# on the empty region first; 0: none), BENCH_TMPDIR (${TMPDIR:-/tmp}).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build/default}
SAMEND="$ROOT/$BUILD/samend"
BENCH="$ROOT/$BUILD/samen-bench"
ITEMS=${BENCH_ITEMS:-10000}
CLIENTS=${BENCH_CLIENTS:-8}
SECONDS_=${BENCH_SECONDS:-10}
ROUNDS=${BENCH_ROUNDS:-2}
EMPTY_ROUND=${BENCH_EMPTY_ROUND:-1}
EDITS=10
MEMBERS="leiden=Leiden leiderdorp=Leiderdorp oegstgeest=Oegstgeest voorschoten=Voorschoten zoeterwoude=Zoeterwoude"

for b in "$SAMEND" "$BENCH"; do
	[ -x "$b" ] || { echo "agenda.sh: $b is missing; run 'make bench'" >&2; exit 1; }
done

T=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/samen-bench.XXXXXX")
PID=

# Stops samend by its PID: SIGTERM, at most 10 s, then SIGKILL.  Sets
# STOPPED to how it ended.
stop_samend() {
	local i
	STOPPED="not running"
	[ -n "$PID" ] || return 0
	if kill -TERM "$PID" 2>/dev/null; then
		for i in $(seq 1 100); do
			kill -0 "$PID" 2>/dev/null || break
			sleep 0.1
		done
		STOPPED="exited within $(((i + 9) / 10)) s of SIGTERM"
		if kill -0 "$PID" 2>/dev/null; then
			kill -KILL "$PID" 2>/dev/null || true
			STOPPED="did not exit within 10 s of SIGTERM; killed"
		fi
	else
		STOPPED="was already gone"
	fi
	set +e
	wait "$PID" 2>/dev/null
	STOPPED="$STOPPED (status $?)"
	set -e
	PID=
}

# Runs on every exit: samend stopped, the directory removed.
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_samend
	rm -rf "$T"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Reports a failed step with the daemon's last words and exits 1.
fail() {
	echo "agenda.sh: $*" >&2
	if [ -f "$T/samend.log" ]; then
		echo "--- last lines of samend's log:" >&2
		tail -n 20 "$T/samend.log" >&2
	fi
	if [ -n "$PID" ] && ! kill -0 "$PID" 2>/dev/null; then
		echo "--- samend (pid $PID) is no longer running" >&2
	fi
	exit 1
}

# Runs samen-bench as NAME (admin or member); its output is in $OUT.
bench() {
	local name=$1
	shift
	OUT=$("$BENCH" "127.0.0.1:$PORT" "$T/state/pki/ca.pem" \
	    "$T/$name.pem" "$T/$name.pem" "$@" 2>"$T/bench.err") ||
	    fail "samen-bench $*: $(cat "$T/bench.err")"
	echo "$OUT" | sed 's/^/  /'
}

# The field after WORD on the first line of $OUT.
field() {
	echo "$OUT" | awk -v w="$1" '!/^#/ { for (i = 1; i < NF; i++) if ($(i + 1) == w) { print $i; exit } }'
}

# awk arithmetic: calc EXPR [printf format]
calc() {
	awk "BEGIN { printf \"${2:-%.2f}\", $1 }"
}

echo "samen agenda benchmark: $ITEMS items, $CLIENTS writers, ${SECONDS_} s per" \
    "measurement, $ROUNDS round(s); scratch in $T"

# The region, its bundles, the configuration.
cat >"$T/samend.conf" <<EOF
[server]
listen = 127.0.0.1:0
state_dir = $T/state
log_level = info
[limits]
idle_timeout = 3600
# the benchmark measures the daemon, not its request budget
request_rate = 0
EOF
args=()
for m in $MEMBERS; do args+=(--member "$m"); done
"$SAMEND" -c "$T/samend.conf" init --region "Regio Leiden (bench)" \
    --election 2030-03-20 "${args[@]}" >"$T/init.log" 2>&1 ||
    fail "samend init: $(cat "$T/init.log")"
"$SAMEND" -c "$T/samend.conf" pki issue --name bench-admin \
    --municipality region --role admin --out "$T/admin.pem" >/dev/null 2>&1 ||
    fail "pki issue admin"
"$SAMEND" -c "$T/samend.conf" pki issue --name bench-leiden \
    --municipality leiden --role member --out "$T/member.pem" >/dev/null 2>&1 ||
    fail "pki issue member"

# Start at info level to learn the port, then drop to warn (SIGHUP) so
# that logging does not weigh on the figures.
"$SAMEND" -c "$T/samend.conf" 2>"$T/samend.log" &
PID=$!
PORT=
for i in $(seq 1 200); do
	if grep -q "serving region" "$T/samend.log"; then
		PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/samend.log" | head -n 1)
		break
	fi
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.05
done
[ -n "$PORT" ] || fail "samend did not start within 10 s"
sed -i 's/^log_level = info$/log_level = warn/' "$T/samend.conf"
kill -HUP "$PID"
sleep 0.5
mark=$(wc -l <"$T/samend.log")
echo "samend pid $PID on 127.0.0.1:$PORT"

# One round: the writers, then at once the SQLite reference, on the same
# disk; the figures go to the arrays under the label.
labels=()
w_rate=()
w_count=()
w_lat=()
s_rate=()
round() {
	labels+=("$1")
	bench member writers "$CLIENTS" "$SECONDS_"
	w_rate+=("$(field writes/s)")
	w_count+=("$(field writes)")
	w_lat+=("$(echo "$OUT" | sed -n 's/.*slowest write \([0-9.]*\) ms.*/\1/p')")
	OUT=$("$BENCH" sqlite-ref "$T/ref.db" "$SECONDS_" 2>"$T/bench.err") ||
	    fail "samen-bench sqlite-ref: $(cat "$T/bench.err")"
	echo "$OUT" | sed 's/^/  /'
	s_rate+=("$(field rows/s)")
	rm -f "$T/ref.db" "$T/ref.db-wal" "$T/ref.db-shm"
}

# First on the empty region: group commit alone, before the data grows.
[ "$EMPTY_ROUND" = 0 ] || round "empty region"

# Seed, full sync, 10 edits, delta sync.
bench admin seed "$ITEMS"
seed_s=$(field seconds)
bench admin fullsync
full_changes=$(field changes)
full_bytes=$(field bytes)
full_s=$(field seconds)
bench admin edit "$EDITS"
edit_from=$(echo "$OUT" | awk '$1 == "edit" { print $6 }')
bench admin delta "$edit_from"
delta_changes=$(field changes)
delta_bytes=$(field bytes)
delta_s=$(field seconds)

# Then with the items in place, alternated.
for r in $(seq 1 "$ROUNDS"); do
	round "$ITEMS items, round $r"
done

kill -0 "$PID" 2>/dev/null || fail "samend died during the run"
# What samend logged at warn level during the run (there should be none).
warned=$(tail -n "+$((mark + 1))" "$T/samend.log" | grep -c . || true)
stop_samend
fs=$(df -PT "$T" 2>/dev/null | awk 'NR == 2 { print $2 " on " $7 }')

# The region, 5 municipalities; each item with its 5 decisions (the
# empty round's writers made one item each).
expect_changes=$(((ITEMS + (EMPTY_ROUND != 0 ? CLIENTS : 0)) * 6 + 6))

echo
echo "samen agenda benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs," \
    "$(uname -sr), scratch on ${fs:-?}"
echo
printf '| %-62s | %s\n' "figure" "value"
printf '| %-62s | %s\n' "--------------------------------------------------------------" "-----"
printf '| %-62s | %s\n' "seed $ITEMS items (64 puts in flight, 1 admin connection)" \
    "$seed_s s = $(calc "$ITEMS / $seed_s" %.0f) items/s"
printf '| %-62s | %s\n' "full sync from rev 0" \
    "$full_changes changes, $full_bytes bytes, $full_s s"
printf '| %-62s | %s\n' "full sync bytes per item (item + its 5 decisions)" \
    "$(calc "$full_bytes / $ITEMS" %.1f) bytes"
printf '| %-62s | %s\n' "full sync bytes per change" \
    "$(calc "$full_bytes / $full_changes" %.1f) bytes"
printf '| %-62s | %s\n' "delta sync of $EDITS edited items" \
    "$delta_changes changes, $delta_bytes bytes, $(calc "$delta_s * 1000" %.2f) ms"
for i in "${!labels[@]}"; do
	printf '| %-62s | %s\n' "${labels[$i]}: samen durable writes/s ($CLIENTS clients)" \
	    "${w_rate[$i]} (${w_count[$i]} writes; slowest ${w_lat[$i]} ms)"
	printf '| %-62s | %s\n' "${labels[$i]}: SQLite WAL FULL one-row transactions/s" \
	    "${s_rate[$i]}"
	printf '| %-62s | %s\n' "${labels[$i]}: RATIO samen writes/s / SQLite rows/s" \
	    "$(calc "${w_rate[$i]} / ${s_rate[$i]}") x"
done
echo
for i in "${!labels[@]}"; do
	echo "RATIO (${labels[$i]}): samen $CLIENTS-client durable" \
	    "writes/s = $(calc "${w_rate[$i]} / ${s_rate[$i]}") x SQLite FULL one-row transactions/s"
	if awk "BEGIN { exit !(${w_rate[$i]} < ${s_rate[$i]}) }"; then
		echo "NOTE: below 1 (${labels[$i]}): group commit does not pay off" \
		    "here; see bench/README.md"
	fi
done
echo "samend: $warned line(s) logged at warn level during the run; $STOPPED"
[ "$full_changes" -eq "$expect_changes" ] ||
    echo "NOTE: full sync returned $full_changes changes, $expect_changes expected"
[ "$delta_changes" -eq "$EDITS" ] ||
    echo "NOTE: delta sync returned $delta_changes changes, $EDITS expected"
exit 0
