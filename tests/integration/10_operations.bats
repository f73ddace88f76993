#!/usr/bin/env bats
# Running samend as a service: notifications to systemd (without systemd),
# reload of limits and log level, counters on SIGUSR1, backup while
# writing, restore with its checks, a database from a newer samend.

load helpers
# `run !` (a command that must fail): a bare `! cmd` fails no test
bats_require_minimum_version 1.5.0

NOTIFY_LISTEN="$ROOT/$BUILD/notify-listen"

setup() {
	make_region limits.idle_timeout=60
	issue clerk-leiden leiden member
	issue secretariat region admin
}

teardown() {
	for p in ${BG_PIDS:-}; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	cleanup
}

# Waits (at most 10 s) until FILE matches a pattern N times (default 1).
wait_file() {
	local file=$1 pat=$2 n=${3:-1} i
	for i in $(seq 1 100); do
		[ "$(grep -c -- "$pat" "$file" 2>/dev/null || true)" -ge "$n" ] 2>/dev/null && return 0
		sleep 0.1
	done
	echo "$file never matched $pat $n times:"
	cat "$file"
	return 1
}

@test "READY=1, STATUS=, WATCHDOG=1 and STOPPING=1 reach the notification socket" {
	"$NOTIFY_LISTEN" "$T/notify.sock" 30 >"$T/notify.out" &
	NL=$!
	BG_PIDS="$NL"
	for i in $(seq 1 50); do [ -S "$T/notify.sock" ] && break; sleep 0.1; done
	NOTIFY_SOCKET="$T/notify.sock" WATCHDOG_USEC=400000 start_samend
	wait_file "$T/notify.out" '^READY=1$'
	# READY comes once the listener accepts: a client is served at once.
	client secretariat
	run as secretariat status
	[ "$status" -eq 0 ]
	grep -q '^STATUS=serving region Leiden region, rev ' "$T/notify.out"
	# every 200 ms (half of WATCHDOG_USEC) while the loop runs
	wait_file "$T/notify.out" '^WATCHDOG=1$' 3
	wait_file "$T/notify.out" '^STATUS=serving [0-9]* connections\?, rev [0-9]*$'
	grep -q "watchdog: every 200 ms" "$T/samend.log"
	# A stopped loop sends nothing: the watchdog would fire.
	kill -STOP "$(samend_pid)"
	before=$(grep -c '^WATCHDOG=1$' "$T/notify.out")
	sleep 1
	[ "$(grep -c '^WATCHDOG=1$' "$T/notify.out")" -eq "$before" ]
	kill -CONT "$(samend_pid)"
	wait_file "$T/notify.out" '^WATCHDOG=1$' $((before + 1))
	stop_samend
	wait "$NL"
	grep -q '^STOPPING=1$' "$T/notify.out"
	BG_PIDS=
}

@test "without NOTIFY_SOCKET there is no watchdog timer" {
	start_samend
	! grep -q "watchdog" "$T/samend.log"
}

@test "an abstract NOTIFY_SOCKET (@name) is served; WATCHDOG_PID of another process turns the watchdog off" {
	sock="@samen-test-$$-$RANDOM"
	"$NOTIFY_LISTEN" "$sock" 30 >"$T/notify.out" &
	NL=$!
	BG_PIDS="$NL"
	for i in $(seq 1 50); do
		grep -q " $sock\$" /proc/net/unix && break
		sleep 0.1
	done
	# the watchdog is for PID 1, not for samend
	NOTIFY_SOCKET="$sock" WATCHDOG_USEC=200000 WATCHDOG_PID=1 start_samend
	wait_file "$T/notify.out" '^READY=1$'
	sleep 1
	run ! grep -q '^WATCHDOG=1$' "$T/notify.out"
	run ! grep -q "watchdog" "$T/samend.log"
	stop_samend
	wait "$NL"
	grep -q '^STOPPING=1$' "$T/notify.out"
	BG_PIDS=
}

@test "SIGHUP re-reads the limits and the log level without dropping anyone" {
	# without -d, so that the configured level counts
	"$SAMEND" -c "$T/samend.conf" >"$T/samend.log" 2>&1 &
	echo $! >"$T/samend.pid"
	wait_log "listening on"
	PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/samend.log")
	client clerk-leiden
	as clerk-leiden watch >"$T/watch.out" 2>&1 &
	BG_PIDS=$!
	run as clerk-leiden agenda add --phase after --title "Een titel van ruim dertig tekens lang"
	[ "$status" -eq 0 ]
	run ! grep -q "debug:" "$T/samend.log"
	printf '[server]\nlog_level = debug\n[limits]\nmax_title = 20\n' >>"$T/samend.conf"
	# the section headers repeat: libinih takes the later value
	kill -HUP "$(samend_pid)"
	wait_log "reloaded configuration"
	run as clerk-leiden agenda add --phase after --title "Een titel van ruim dertig tekens lang"
	[ "$status" -eq 65 ]
	[[ "$output" == *"20"* ]]
	run as clerk-leiden agenda add --phase after --title "Kort"
	[ "$status" -eq 0 ]
	wait_log "debug:"
	# the watcher held its connection across the reload and saw both
	wait_file "$T/watch.out" "Kort"
	kill -0 "$BG_PIDS"
	# a bad config is refused; the old stays in force
	echo "max_title = many" >>"$T/samend.conf"
	kill -HUP "$(samend_pid)"
	wait_log "reload refused, the old configuration stays in force"
	run as clerk-leiden agenda add --phase after --title "Een titel van ruim dertig tekens lang"
	[ "$status" -eq 65 ]
}

@test "SIGUSR1 logs the connection and request counters" {
	start_samend
	client secretariat
	as secretariat status >/dev/null
	as secretariat status >/dev/null
	kill -USR1 "$(samend_pid)"
	wait_log "counters: "
	line=$(grep "counters: " "$T/samend.log")
	[[ "$line" =~ counters:\ 0\ connections\ open,\ [0-9]+\ accepted,\ 0\ refused,\ [0-9]+\ requests,\ rev\ [0-9]+,\ up\ [0-9]+s ]]
}

@test "samen backup is admin only, names its copy, refuses bad names" {
	start_samend
	client secretariat
	client clerk-leiden
	run as clerk-leiden backup
	[ "$status" -eq 77 ]
	run as secretariat --json backup --out copy.db
	[ "$status" -eq 0 ]
	[[ "$output" == '{"path":"'"$T"'/state/backups/copy.db","bytes":'* ]]
	[ "$(stat -c %a "$T/state/backups/copy.db")" = 600 ]
	[ "$(stat -c %a "$T/state/backups")" = 700 ]
	run as secretariat backup --out copy.db
	[ "$status" -eq 73 ]
	[[ "$output" == *"exists already"* ]]
	for bad in ../escape.db .hidden "a/b" ""; do
		run as secretariat backup --out "$bad"
		[ "$status" -ne 0 ]
	done
	[ ! -e "$T/state/escape.db" ]
	run as secretariat backup
	[ "$status" -eq 0 ]
	[[ "$output" == "backup written on the server: $T/state/backups/samen-"*".db ("*" bytes, rev "*")" ]]
}

@test "a backup taken while a client writes holds every write acknowledged before it; restore puts it back" {
	start_samend
	client secretariat
	client clerk-leiden
	# a writer: each acknowledged item id goes into acked.txt
	(
		for i in $(seq 1 150); do
			id=$(as clerk-leiden --json agenda add --phase after --title "w$i" |
			    sed -n 's/.*"id":"\(A[0-9]*\)".*/\1/p' | head -n 1)
			[ -n "$id" ] && echo "$id" >>"$T/acked.txt"
		done
	) &
	BG_PIDS=$!
	wait_file "$T/acked.txt" '^A' 20
	cp "$T/acked.txt" "$T/before.txt"
	run as secretariat --json backup --out during.db
	[ "$status" -eq 0 ]
	wait "$BG_PIDS"
	BG_PIDS=
	[ "$(wc -l <"$T/acked.txt")" -eq 150 ]
	copy="$T/state/backups/during.db"
	[ "$(sqlite3 "$copy" 'PRAGMA integrity_check')" = ok ]
	# every write acknowledged before the backup began is in it
	while read -r id; do
		[ "$(sqlite3 "$copy" "SELECT count(*) FROM entity WHERE kind = 3 AND id = '$id' AND body IS NOT NULL")" = 1 ]
	done <"$T/before.txt"
	in_copy=$(sqlite3 "$copy" "SELECT count(*) FROM entity WHERE kind = 3")
	[ "$in_copy" -ge "$(wc -l <"$T/before.txt")" ]
	[ "$in_copy" -lt 150 ] || skip "the writer finished before the backup"

	# restore is refused while samend runs, and changes nothing
	sum=$(sha256sum "$T/state/samen.db")
	run "$SAMEND" -c "$T/samend.conf" restore "$copy"
	[ "$status" -eq 1 ]
	[[ "$output" == *"samend is running on $T/state (pid $(samend_pid)); stop it first"* ]]
	[ "$(sha256sum "$T/state/samen.db")" = "$sum" ]

	as clerk-leiden sync >/dev/null	# its copy holds all 150
	stop_samend
	run "$SAMEND" -c "$T/samend.conf" restore "$copy"
	[ "$status" -eq 0 ]
	[[ "$output" == *"checked: integrity ok, audit chain of "*" records intact"* ]]
	[[ "$output" == *"the rev moves on from "*": every client syncs again from the start"* ]]
	ls "$T/state/" | grep -q '^samen.db.before-restore-'
	start_samend
	# a write lands before the clerk syncs: its copy still starts over
	run as secretariat agenda add --phase after --title "first after"
	[ "$status" -eq 0 ]
	run as secretariat --json audit verify
	[ "$status" -eq 0 ]
	[[ "$output" == *'"ok":true'* ]]
	run as clerk-leiden --json agenda list
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -o '"id":"A[0-9]*"' | sort -u | wc -l)" -eq "$((in_copy + 1))" ]
	[[ "$output" == *"first after"* ]]
	run as clerk-leiden agenda add --phase after --title "after the restore"
	[ "$status" -eq 0 ]
}

@test "restore refuses a damaged copy, a broken audit chain and a missing file" {
	start_samend
	client clerk-leiden
	as clerk-leiden agenda add --phase after --title "een" >/dev/null
	as clerk-leiden agenda add --phase after --title "twee" >/dev/null
	run "$SAMEND" -c "$T/samend.conf" backup --out "$T/offline.db"
	[ "$status" -eq 0 ]
	[[ "$output" == "backup written: $T/offline.db ("*" bytes, rev "*")" ]]
	stop_samend
	sum=$(sha256sum "$T/state/samen.db")

	head -c 8192 /dev/urandom >"$T/garbage.db"
	run "$SAMEND" -c "$T/samend.conf" restore "$T/garbage.db"
	[ "$status" -eq 1 ]
	[[ "$output" == *"is not a samen database that can be restored"*"nothing was changed"* ]]

	cp "$T/offline.db" "$T/tampered.db"
	sqlite3 "$T/tampered.db" "UPDATE audit SET summary = 'iets anders' WHERE rev = (SELECT min(rev) FROM audit)"
	run "$SAMEND" -c "$T/samend.conf" restore "$T/tampered.db"
	[ "$status" -eq 1 ]
	[[ "$output" == *"audit chain is broken at rev "* ]]

	run "$SAMEND" -c "$T/samend.conf" restore "$T/nothing-here.db"
	[ "$status" -eq 1 ]
	[[ "$output" == *"nothing-here.db: No such file or directory"* ]]

	[ "$(sha256sum "$T/state/samen.db")" = "$sum" ]
	[ -z "$(find "$T/state" -name '*before-restore*')" ]
	run "$SAMEND" -c "$T/samend.conf" restore "$T/offline.db"
	[ "$status" -eq 0 ]
}

@test "a database from a newer samend is refused at start and left alone" {
	sqlite3 "$T/state/samen.db" "PRAGMA user_version = 99"
	sum=$(sha256sum "$T/state/samen.db")
	run "$SAMEND" -c "$T/samend.conf"
	[ "$status" -eq 1 ]
	[[ "$output" == *"database schema version 99 is newer than this samend"*"upgrade samend"* ]]
	[ "$(sha256sum "$T/state/samen.db")" = "$sum" ]
}

@test "a second samend on the same state directory is refused" {
	start_samend
	run "$SAMEND" -c "$T/samend.conf"
	[ "$status" -eq 1 ]
	[[ "$output" == *"samend is running on $T/state (pid $(samend_pid))"* ]]
	client secretariat
	run as secretariat status
	[ "$status" -eq 0 ]
}

@test "even at debug level the log holds no request bodies and no key material" {
	start_samend		# -d: debug
	client clerk-leiden
	client secretariat
	secret="Vertrouwelijk-$RANDOM-$RANDOM"
	run as clerk-leiden agenda add --phase after --title "Gewoon" \
	    --description "$secret"
	[ "$status" -eq 0 ]
	as secretariat backup >/dev/null
	kill -HUP "$(samend_pid)"
	wait_log "reloaded configuration"
	grep -q "debug:" "$T/samend.log"
	run ! grep -q -- "$secret" "$T/samend.log"
	run ! grep -q -- "-----BEGIN" "$T/samend.log"
	run ! grep -qi "private" "$T/samend.log"
	# one line per event: every line starts with the program's name
	! grep -v '^samend: ' "$T/samend.log"
}
