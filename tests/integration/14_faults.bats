#!/usr/bin/env bats
# Storage faults: a full disk, I/O errors and no memory in SQLite, made by
# the fault injection of the test build (SANITIZE=1: daemon/fault.c), and
# a database that cannot be read at start.  A fault lasts while its flag
# file exists; the daemon must recover without a restart.

load helpers

setup() {
	make_region limits.idle_timeout=60
	issue clerk-leiden leiden member
	issue secretariat region admin
}

teardown() {
	cleanup
}

needs_faults() {
	"$SAMEND" -V | grep -q "fault injection" ||
	    skip "the fault injection is in the test build only (make check SANITIZE=1)"
}

# Rows in the database, read with the sqlite3 tool.
rows() {
	sqlite3 "$T/state/samen.db" "SELECT count(*) FROM entity"
}

# The checks after a fault is over: writes again, every check holds.
recovered() {
	run as clerk-leiden agenda add --phase after --title "after the fault"
	[ "$status" -eq 0 ]
	run as secretariat --json audit verify
	[ "$status" -eq 0 ]
	[[ "$output" == *'"ok":true'* ]]
	kill -0 "$(samend_pid)"
	stop_samend
	[ "$(sqlite3 "$T/state/samen.db" 'PRAGMA integrity_check')" = ok ]
}

# A fault while writing: UNAVAILABLE with $1 in the message, nothing
# stored, reads go on.
write_refused() {
	local want=$1 before
	before=$(rows)
	run as clerk-leiden agenda add --phase after --title "during the fault"
	[ "$status" -eq 69 ]
	[[ "$output" == *"$want"* ]]
	run as secretariat plan --count 2 --commit --key fault
	[ "$status" -eq 69 ]
	[ "$(rows)" -eq "$before" ]
	# reads keep working
	run as clerk-leiden --json agenda list
	[ "$status" -eq 0 ]
	[[ "$output" == *"before the fault"* ]]
	[[ "$output" != *"during the fault"* ]]
	run as secretariat status
	[ "$status" -eq 0 ]
}

@test "a full disk: writes get UNAVAILABLE 'storage full', nothing half-stored, reads go on, writes resume without a restart" {
	needs_faults
	SAMEN_FAULT_FULL="$T/full" start_samend
	client clerk-leiden
	client secretariat
	as clerk-leiden agenda add --phase after --title "before the fault" >/dev/null
	touch "$T/full"
	write_refused "the server's storage is full; nothing was changed"
	wait_log "database or disk is full"
	rm "$T/full"
	recovered
}

@test "I/O errors: writes fail cleanly and resume" {
	needs_faults
	SAMEN_FAULT_IOERR="$T/ioerr" start_samend
	client clerk-leiden
	client secretariat
	as clerk-leiden agenda add --phase after --title "before the fault" >/dev/null
	touch "$T/ioerr"
	write_refused "nothing was changed"
	rm "$T/ioerr"
	recovered
}

@test "no memory in the storage: the request fails, the daemon lives" {
	needs_faults
	SAMEN_FAULT_NOMEM="$T/nomem" start_samend
	client clerk-leiden
	client secretariat
	as clerk-leiden agenda add --phase after --title "before the fault" >/dev/null
	touch "$T/nomem"
	run as clerk-leiden agenda add --phase after --title "during the fault"
	[ "$status" -eq 69 ]
	[[ "$output" == *"out of memory; try again later"* || "$output" == *"nothing was changed"* ]]
	# hello needs no storage
	run as secretariat status
	[ "$status" -eq 0 ]
	rm "$T/nomem"
	run as clerk-leiden --json agenda list
	[ "$status" -eq 0 ]
	[[ "$output" != *"during the fault"* ]]
	recovered
}

@test "a database that is not one: a clear message at start, the file untouched" {
	head -c 16384 /dev/urandom >"$T/state/samen.db"
	rm -f "$T/state/samen.db-wal" "$T/state/samen.db-shm"
	sum=$(sha256sum "$T/state/samen.db")
	run "$SAMEND" -c "$T/samend.conf"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot start: "*"samen.db"*"not a database"* ]]
	[ "$(sha256sum "$T/state/samen.db")" = "$sum" ]
}

@test "a database that cannot be opened: a clear message at start" {
	rm -f "$T/state/samen.db-wal" "$T/state/samen.db-shm"
	mv "$T/state/samen.db" "$T/state/moved.db"
	mkdir "$T/state/samen.db"
	run "$SAMEND" -c "$T/samend.conf"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot start: "*"samen.db"* ]]
	rmdir "$T/state/samen.db"
	mv "$T/state/moved.db" "$T/state/samen.db"
}
