#!/usr/bin/env bats
# Crash durability: samend is killed with SIGKILL at random moments while
# four clients write, and restarted, CRASH_CYCLES times (5; `make
# check-long`: 50).  Every write a client heard "OK" for must survive
# with at least the rev it was answered, no request may be half applied
# (an item without its five decisions, a plan with some of its meetings),
# the database and the audit chain must stay sound, and a mirror synced
# before a crash must catch up without starting again from 0.
#
# Three writers are tests/tools/crashwriter (one connection each; an
# admin that also commits plans, two clerks); the fourth is a shell loop
# of `samen` commands (agenda add, edit, decide, plan --commit).  Each
# appends a line to its record only after the answer came:
# WHAT,ID,REV,TEXT with WHAT item, edit, decision or plan (ID the plan's
# key, TEXT its meeting ids).  After every kill the database as the
# crash left it (a copy of samen.db and its WAL) is checked against the
# records so far, before samend is started on it again.
#
# SIGKILL leaves the kernel's page cache, so it cannot show a commit that
# was never synced; a power cut would.  The second test watches the
# daemon's system calls (strace) instead: no answer leaves while WAL
# frames are written but not yet synced.

load helpers

CRASHWRITER="$ROOT/$BUILD/crashwriter"
CYCLES=${CRASH_CYCLES:-5}
MAX_CYCLES=1000

setup() {
	[ -x "$CRASHWRITER" ] || {
		echo "$CRASHWRITER is missing: make $BUILD/crashwriter"
		return 1
	}
	make_region limits.idle_timeout=60
	issue secretariat region admin
	issue desk region observer
	issue writer-0 region admin
	issue writer-1 leiden member
	issue writer-2 oegstgeest member
	issue writer-cli region admin
	start_samend
	for n in secretariat desk writer-0 writer-1 writer-2 writer-cli; do
		client "$n"
	done
	WRITER_PIDS=
	STRACE_PID=
}

teardown() {
	local p i
	[ -n "${T:-}" ] && touch "$T/stop"
	for p in ${WRITER_PIDS:-}; do
		for i in $(seq 1 100); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	if [ -n "${STRACE_PID:-}" ]; then
		kill -TERM "$STRACE_PID" 2>/dev/null || true
		wait "$STRACE_PID" 2>/dev/null || true
	fi
	cleanup
}

# Milliseconds since the epoch.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# The last field of JSON key $2 (a number or a string) in $1.
json_field() {
	echo "$1" | grep -o "\"$2\":\"\\?[^,\"}]*" | head -n 1 |
	    sed 's/.*:"\{0,1\}//'
}

# Appends WHAT,ID,REV,NOTE to the shell writer's record, or the answer
# $5 to cli.errors when it lacks the id or the rev.
cli_record() {
	if [ -z "$2" ] || [ -z "$3" ]; then
		echo "$1 answered without id or rev: $5" >>"$T/cli.errors"
		return
	fi
	echo "$1,$2,$3,$4" >>"$T/rec-cli"
}

# The writer made of `samen` commands, as writer-cli (an admin): in turn
# an item, an edit of its newest item, a decision on it for voorschoten,
# another item and a plan (key cli-pK, two steering-group meetings in the
# week from Monday 2031-01-13 + 14 (K-1) days, hosted by oegstgeest; the
# crashwriter's plans take the weeks in between).  A kind of its own,
# because a plan's titles number the meetings of its kind: a plan of the
# same kind committed by the other writer between a commit in doubt and
# its retry would make the retry a CONFLICT, not a replay.  A command
# that cannot reach the daemon (exit 69) is in doubt and not recorded; a
# plan in doubt is asked again under its key.  Any other failure goes to
# cli.errors.  Ends on $T/stop, after $1 seconds or 100000 commands.
cli_writer() {
	local limit=$1 n=0 k=0 doubt=0 out rc item= from to ids key
	local start=$SECONDS
	# A background loop: failures are its to handle, not the test's.
	trap - ERR
	set +eE
	: >"$T/rec-cli"
	while [ ! -e "$T/stop" ] && [ $((SECONDS - start)) -lt "$limit" ] &&
	    [ "$n" -lt 100000 ]; do
		n=$((n + 1))
		if [ "$doubt" -eq 1 ] || [ $((n % 5)) -eq 0 ]; then
			[ "$doubt" -eq 1 ] || k=$((k + 1))
			key="cli-p$k"
			from=$(date -u -d "2031-01-13 + $((14 * (k - 1))) days" +%F)
			to=$(date -u -d "$from + 4 days" +%F)
			out=$(as writer-cli --json plan --commit --key "$key" \
			    --count 2 --kind steering-group --from "$from" \
			    --to "$to" --gap 1 \
			    --weekdays mon,tue,wed,thu,fri --hosts oegstgeest \
			    --title "$key meeting {n}" 2>&1)
			rc=$?
			if [ "$rc" -eq 69 ]; then
				doubt=1
				sleep 0.1
				continue
			fi
			if [ "$rc" -ne 0 ] ||
			    [ "$(json_field "$out" committed)" != true ]; then
				echo "plan $key: exit $rc: $out" >>"$T/cli.errors"
				doubt=0
				continue
			fi
			if [ "$doubt" -eq 0 ] &&
			    [ "$(json_field "$out" replayed)" = true ]; then
				echo "plan $key replayed, never asked before" \
				    >>"$T/cli.errors"
			fi
			ids=$(echo "$out" | grep -o '"id":"M[0-9]*"' |
			    sed 's/.*"\(M[0-9]*\)"/\1/' | tr '\n' ' ')
			cli_record plan "$key" "$(json_field "$out" plan_rev)" \
			    "${ids% }" "$out"
			doubt=0
			continue
		fi
		case $((n % 5)) in
		1 | 3)
			out=$(as writer-cli --json agenda add --title "cli #$n." \
			    --phase after --theme crash 2>&1)
			rc=$?
			if [ "$rc" -eq 0 ]; then
				item=$(json_field "$out" id)
				cli_record item "$item" "$(json_field "$out" rev)" \
				    "cli #$n." "$out"
			fi
			;;
		2)
			[ -n "$item" ] || continue
			out=$(as writer-cli --json agenda edit "$item" \
			    --title "cli #$n." 2>&1)
			rc=$?
			[ "$rc" -ne 0 ] || cli_record edit "$item" \
			    "$(json_field "$out" rev)" "cli #$n." "$out"
			;;
		4)
			[ -n "$item" ] || continue
			out=$(as writer-cli --json agenda decide "$item" \
			    --municipality voorschoten --state adopted \
			    --note "cli #$n." 2>&1)
			rc=$?
			[ "$rc" -ne 0 ] || cli_record decision \
			    "$item/voorschoten" "$(json_field "$out" rev)" \
			    "cli #$n." "$out"
			;;
		esac
		# Down (69): wait a little rather than spin.
		if [ "$rc" -eq 69 ]; then
			sleep 0.1
		elif [ "$rc" -ne 0 ]; then
			echo "command $n: exit $rc: $out" >>"$T/cli.errors"
		fi
	done
}

# Starts the four writers in the background (their PIDs in WRITER_PIDS).
start_writers() {
	local limit=$1 w
	for w in 0 1 2; do
		"$CRASHWRITER" "127.0.0.1:$PORT" "$T/writer-$w/ca.pem" \
		    "$T/writer-$w/cert.pem" "$T/writer-$w/key.pem" "w$w" \
		    "$T/rec-w$w" "$T/stop" "$limit" \
		    >"$T/out-w$w" 2>&1 3>&- &
		WRITER_PIDS="$WRITER_PIDS $!"
	done
	cli_writer "$limit" >"$T/out-cli" 2>&1 3>&- &
	WRITER_PIDS="$WRITER_PIDS $!"
}

# Fails when a writer has ended before the stop file said so.
writers_alive() {
	local p
	for p in $WRITER_PIDS; do
		kill -0 "$p" 2>/dev/null && continue
		echo "a writer ended early:"
		cat "$T"/out-*
		return 1
	done
}

# Stops the writers through the stop file (each at most 20 s), then
# fails unless every one ended well.
stop_writers() {
	local p i
	touch "$T/stop"
	for p in $WRITER_PIDS; do
		for i in $(seq 1 200); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		wait "$p" || { cat "$T"/out-*; return 1; }
	done
	WRITER_PIDS=
	[ ! -s "$T/cli.errors" ] || { cat "$T/cli.errors"; return 1; }
}

# Copies the records' complete lines into $1 (a writer may be appending).
snapshot_records() {
	local f n
	: >"$1"
	for f in "$T"/rec-*; do
		[ -f "$f" ] || continue
		n=$(wc -l <"$f")
		head -n "$n" "$f" >>"$1"
	done
}

# Checks database $1 against the acknowledged writes in $2: prints one
# line per violation, nothing when all holds.  Kinds: 3 agenda item,
# 4 decision, 6 meeting.  Only plans make meetings here, and nothing is
# deleted, so the id sequences count the items and meetings exactly.
check_db() {
	sqlite3 -batch "$1" <<EOF
CREATE TEMP TABLE ack (what TEXT, id TEXT, rev INTEGER, note TEXT);
.import --csv $2 ack
CREATE TEMP VIEW live AS SELECT * FROM entity WHERE body IS NOT NULL;
CREATE TEMP TABLE decided AS SELECT substr(id, 1, instr(id, '/') - 1)
  AS item, count(*) AS n FROM live WHERE kind = 4 GROUP BY 1;
CREATE INDEX temp.decided_item ON decided (item);
CREATE TEMP TABLE planned AS WITH RECURSIVE
  split(key, id, rest) AS (
    SELECT key, '', meetings || ' ' FROM plan
    UNION ALL
    SELECT key, substr(rest, 1, instr(rest, ' ') - 1),
        substr(rest, instr(rest, ' ') + 1) FROM split WHERE rest <> '')
  SELECT key, id FROM split WHERE id <> '';
CREATE INDEX temp.planned_id ON planned (id);
SELECT 'integrity_check: ' || integrity_check FROM pragma_integrity_check
  WHERE integrity_check <> 'ok';
SELECT 'lost: ' || a.what || ' ' || a.id || ' at rev ' || a.rev FROM ack a
  WHERE a.what IN ('item', 'edit', 'decision') AND NOT EXISTS (
    SELECT 1 FROM live e WHERE e.id = a.id AND e.rev >= a.rev AND
    e.kind = CASE a.what WHEN 'decision' THEN 4 ELSE 3 END);
SELECT 'not as answered: ' || a.what || ' ' || a.id || ' at rev ' || a.rev
  || ' lacks "' || a.note || '"' FROM ack a JOIN live e
  ON e.kind = CASE a.what WHEN 'decision' THEN 4 ELSE 3 END AND
    e.id = a.id AND e.rev = a.rev
  WHERE a.what IN ('item', 'edit', 'decision') AND
    instr(e.body, CAST(a.note AS BLOB)) = 0;
SELECT 'lost: plan ' || a.id || ' (rev ' || a.rev || ', ' || a.note || ')'
  FROM ack a WHERE a.what = 'plan' AND NOT EXISTS (
    SELECT 1 FROM plan p WHERE p.key = a.id AND p.rev = a.rev AND
    p.meetings = a.note);
SELECT 'item ' || i.id || ' has ' || coalesce(d.n, 0) || ' decisions'
  FROM live i LEFT JOIN decided d ON d.item = i.id
  WHERE i.kind = 3 AND coalesce(d.n, 0) <> 5;
SELECT 'decisions on ' || d.item || ', which does not exist' FROM decided d
  WHERE NOT EXISTS (SELECT 1 FROM live i WHERE i.kind = 3 AND
    i.id = d.item);
SELECT 'plan ' || p.key || ' has ' || count(m.id) || ' of its '
  || count(*) || ' meetings' FROM plan p LEFT JOIN planned ON
    planned.key = p.key LEFT JOIN live m ON m.kind = 6 AND
    m.id = planned.id AND instr(m.body, CAST(p.key || ' meeting ' AS BLOB))
  GROUP BY p.key HAVING count(*) <> 2 OR count(m.id) <> 2;
SELECT 'meeting ' || m.id || ' belongs to no committed plan' FROM live m
  WHERE m.kind = 6 AND NOT EXISTS (SELECT 1 FROM planned
    WHERE planned.id = m.id);
SELECT 'seq_' || substr(key, 5) || ' is ' || value || ', but there are '
  || (SELECT count(*) FROM entity WHERE kind = CASE meta.key
    WHEN 'seq_A' THEN 3 ELSE 6 END) || ' of them' FROM meta
  WHERE key IN ('seq_A', 'seq_M') AND value <> (SELECT count(*) FROM entity
    WHERE kind = CASE meta.key WHEN 'seq_A' THEN 3 ELSE 6 END);
SELECT 'audit: ' || count(*) || ' records, revs ' || min(rev) || '..'
  || max(rev) || ', rev ' || (SELECT value FROM meta WHERE key = 'rev')
  FROM audit HAVING count(*) <> (SELECT value FROM meta WHERE key = 'rev')
    OR min(rev) <> 1 OR max(rev) <> (SELECT value FROM meta
    WHERE key = 'rev');
SELECT 'rev ' || e.rev || ' (' || e.id || ') has no audit record'
  FROM entity e WHERE NOT EXISTS (SELECT 1 FROM audit a
    WHERE a.rev = e.rev AND a.id = e.id AND a.kind = e.kind);
SELECT 'rev ' || rev || ' is held by ' || count(*) || ' entities'
  FROM entity GROUP BY rev HAVING count(*) > 1;
EOF
}

# The crash's own state: samen.db and its WAL as the kill left them,
# copied aside (SQLite recovers the copy, not the original), checked
# against the records as they stand.  Cycle $1.
check_crashed() {
	local d="$T/crash" out
	rm -rf "$d"
	mkdir -p "$d"
	cp "$T/state/samen.db" "$d/"
	[ ! -f "$T/state/samen.db-wal" ] || cp "$T/state/samen.db-wal" "$d/"
	snapshot_records "$d/acks.csv"
	out=$(check_db "$d/samen.db" "$d/acks.csv" 2>&1) || true
	if [ -n "$out" ]; then
		echo "after the kill of cycle $1, the database as left:"
		echo "$out"
		cp -r "$d" "${BATS_TMPDIR:-/tmp}/samen-crash-cycle-$1.$$"
		echo "kept in ${BATS_TMPDIR:-/tmp}/samen-crash-cycle-$1.$$"
		return 1
	fi
	ACKED_AT_KILL=$(wc -l <"$d/acks.csv")
}

# Kills samend with SIGKILL and waits until it is gone.
kill_samend() {
	local pid
	pid=$(samend_pid)
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null || true
	rm -f "$T/samend.pid"
}

@test "SIGKILL at random moments: nothing acknowledged is lost, nothing half applied, the mirror catches up" {
	local c ms t0 t1 total=0 slowest=0 before rev acked out w id min i

	[ "$CYCLES" -ge 1 ] && [ "$CYCLES" -le "$MAX_CYCLES" ]
	start_writers $((CYCLES * 10 + 60))
	ACKED_AT_KILL=0
	for c in $(seq 1 "$CYCLES"); do
		t0=$(now_ms)
		writers_alive
		# The mirror syncs while the writers write.
		run as desk --json sync
		[ "$status" -eq 0 ]
		[[ "$output" == *'"resynced":false'* ]]
		ms=$((RANDOM % 451 + 50))
		sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
		before=$ACKED_AT_KILL
		kill_samend
		check_crashed "$c"
		t1=$(now_ms)
		start_samend
		echo "# cycle $c: killed ${ms} ms after the mirror's sync;" \
		    "$((ACKED_AT_KILL - before)) writes acknowledged in" \
		    "this cycle; restarted in $(($(now_ms) - t1)) ms" >&3
		t1=$(now_ms)
		total=$((total + t1 - t0))
		[ $((t1 - t0)) -le "$slowest" ] || slowest=$((t1 - t0))
	done

	# Every writer reaches the restarted daemon, then all stop.
	for w in w0 w1 w2 cli; do
		before=$(wc -l <"$T/rec-$w")
		for i in $(seq 1 100); do
			[ "$(wc -l <"$T/rec-$w")" -gt "$before" ] && break
			sleep 0.1
		done
		[ "$(wc -l <"$T/rec-$w")" -gt "$before" ] || {
			echo "writer $w wrote nothing after the last restart"
			cat "$T/out-$w"
			false
		}
	done
	stop_writers
	cat "$T"/out-w*
	[ "$(cat "$T"/out-w* | grep -c '^crashwriter w[0-9]: ')" -eq 3 ]
	snapshot_records "$T/acks.csv"
	acked=$(wc -l <"$T/acks.csv")

	# The mirror synced before the last crash catches up from its rev.
	run as desk --json sync
	[ "$status" -eq 0 ]
	echo "$output"
	[[ "$output" == *'"resynced":false'* ]]
	[ "$(json_field "$output" applied)" -gt 0 ]
	rev=$(json_field "$output" rev)
	run as desk --json agenda list
	[ "$status" -eq 0 ]
	echo "$output" | grep -o '"id":"A[0-9]*"' | sed 's/.*"\(A[0-9]*\)"/\1/' |
	    sort >"$T/mirror-ids"
	# The daemon's audit chain holds, one record per rev.
	run as secretariat --json audit verify
	[ "$status" -eq 0 ]
	[[ "$output" == *'"ok":true'* ]]
	[ "$(json_field "$output" records)" -eq "$rev" ]
	# Each writer's newest item, through the client: at least at the rev
	# of its last acknowledged write.
	for w in w0 w1 w2 cli; do
		id=$(grep '^item,' "$T/rec-$w" | tail -n 1 | cut -d, -f2)
		[ -n "$id" ]
		min=$(grep -E "^(item|edit),$id," "$T/rec-$w" | tail -n 1 |
		    cut -d, -f3)
		run as desk --json agenda show "$id"
		[ "$status" -eq 0 ]
		[ "$(json_field "$output" rev)" -ge "$min" ]
	done
	stop_samend
	[ "$SAMEND_STATUS" -eq 0 ]

	# Everything acknowledged, from the database itself.
	out=$(check_db "$T/state/samen.db" "$T/acks.csv" 2>&1) || true
	sed 's/^/# /' "$T"/out-w* >&3
	echo "# $CYCLES cycles, mean $((total / CYCLES)) ms, slowest" \
	    "$slowest ms; $acked writes acknowledged ($(grep -c '^plan' \
	    "$T/acks.csv") plans), $ACKED_AT_KILL before the last kill;" \
	    "lost $(echo "$out" | grep -c '^lost'); rev $rev" >&3
	[ -z "$out" ] || { echo "$out"; false; }
	[ "$(sqlite3 "$T/state/samen.db" \
	    "SELECT value FROM meta WHERE key = 'rev'")" -eq "$rev" ]
	# The mirror holds what the daemon holds, at the same revs.
	mirror=$(echo "$T"/desk/mirror-*.db)
	run sqlite3 -batch "$T/state/samen.db" "ATTACH '$mirror' AS m;
	    SELECT 'daemon only: ' || kind || ' ' || id || ' ' || rev FROM
	      (SELECT kind, id, rev FROM main.entity WHERE body IS NOT NULL
	       EXCEPT SELECT kind, id, rev FROM m.entity);
	    SELECT 'mirror only: ' || kind || ' ' || id || ' ' || rev FROM
	      (SELECT kind, id, rev FROM m.entity EXCEPT SELECT kind, id, rev
	       FROM main.entity WHERE body IS NOT NULL);
	    SELECT 'mirror rev ' || value FROM m.meta WHERE key = 'rev' AND
	      value <> (SELECT value FROM main.meta WHERE key = 'rev');"
	[ "$status" -eq 0 ]
	[ -z "$output" ] || { echo "$output"; false; }
	sqlite3 "$T/state/samen.db" "SELECT id FROM entity WHERE kind = 3 AND
	    body IS NOT NULL" | sort >"$T/daemon-ids"
	diff "$T/daemon-ids" "$T/mirror-ids"
	[ -s "$T/daemon-ids" ]
}

@test "every commit reaches the disk (fdatasync of the WAL) before any answer goes out" {
	# SIGKILL leaves the page cache in place; a power cut does not.
	# What a power cut would take is what was not synced when a client
	# was answered, so the daemon's system calls are watched instead.
	command -v strace >/dev/null || skip "strace is not installed"
	local pid fds log=$T/strace.log i out
	pid=$(samend_pid)
	strace -p "$pid" -e trace=pwrite64,write,fdatasync,fsync \
	    -o "$log" 2>"$T/strace.err" 3>&- &
	STRACE_PID=$!
	for i in $(seq 1 100); do
		grep -q attached "$T/strace.err" && break
		kill -0 "$STRACE_PID" 2>/dev/null || break
		sleep 0.1
	done
	grep -q attached "$T/strace.err" ||
	    skip "strace cannot attach here: $(cat "$T/strace.err")"
	# The WAL as both of the daemon's connections have it open.
	fds=$(for f in /proc/"$pid"/fd/*; do
		[[ "$(readlink "$f")" == */samen.db-wal ]] && echo "${f##*/}"
	done | tr '\n' ' ')
	[ -n "$fds" ]

	# Writers until the trace holds 50 commits (at most 20 s).
	start_writers 60
	for i in $(seq 1 40); do
		sleep 0.5
		[ "$(grep -c '^write(2, "samend: debug: committed [1-9]' \
		    "$log")" -lt 50 ] || break
	done
	stop_writers
	kill -TERM "$STRACE_PID"
	wait "$STRACE_PID" || true
	STRACE_PID=

	# Sockets are written with write(2) (fd 2 is the log); SQLite writes
	# its files with pwrite64.  No answer may leave while WAL frames are
	# written but not synced, and every commit of changes the daemon logs
	# must follow a sync of the WAL since the one before.
	out=$(awk -v wal=" $fds" '
		function fd(s) { sub(/^[a-z0-9]+\(/, "", s); return s + 0 }
		/^pwrite64\(/ { if (index(wal, " " fd($0) " ")) dirty = 1 }
		/^f(data)?sync\(/ {
			if (index(wal, " " fd($0) " ")) {
				syncs++; dirty = 0; fresh = 1
			}
		}
		/^write\(2, "samend: debug: committed [1-9]/ {
			commits++
			if (!fresh) unsynced++
			fresh = 0
		}
		/^write\(/ && fd($0) > 2 && $NF !~ /^-1/ {
			answers++
			if (dirty) early++
		}
		END {
			printf "%d %d %d %d %d\n", commits, syncs, answers,
			    unsynced, early
		}' "$log")
	read -r commits syncs answers unsynced early <<<"$out"
	echo "# traced: $commits commits, $syncs syncs of the WAL," \
	    "$answers answers; $unsynced commits without a sync," \
	    "$early answers before a sync" >&3
	[ "$commits" -ge 50 ]
	[ "$answers" -gt "$commits" ]
	[ "$syncs" -ge "$commits" ]
	[ "$unsynced" -eq 0 ]
	[ "$early" -eq 0 ]
	# Nothing acknowledged meanwhile is missing either.
	snapshot_records "$T/acks.csv"
	stop_samend
	out=$(check_db "$T/state/samen.db" "$T/acks.csv" 2>&1) || true
	[ -z "$out" ] || { echo "$out"; false; }
}
