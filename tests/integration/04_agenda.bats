#!/usr/bin/env bats
# The shared agenda: put/sync/watch, decisions, rankings, priorities,
# conflicts, mirrors, audit, durability.

load helpers

setup() {
	make_region limits.watch_buffer=65536 limits.sync_page=4 \
	    limits.idle_timeout=60
	for m in leiden leiderdorp oegstgeest voorschoten zoeterwoude; do
		issue "clerk-$m" "$m" member
	done
	issue secretariat region admin
	issue desk region observer
	start_samend
	for m in leiden leiderdorp oegstgeest voorschoten zoeterwoude; do
		client "clerk-$m"
	done
	client secretariat
	client desk
}

teardown() {
	for p in ${BG_PIDS:-}; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	cleanup
}

# Adds an item as NAME; prints its id.
add_item() {
	local who=$1
	shift
	as "$who" --json agenda add "$@" | sed -n 's/.*"id":"\(A[0-9]*\)".*/\1/p' | head -n 1
}

@test "an item gets its id from the daemon and five pending decisions" {
	id=$(add_item clerk-leiden --title "Regionale energiestrategie" --phase before --theme energie)
	[ "$id" = A1 ]
	run as clerk-oegstgeest agenda show A1
	[ "$status" -eq 0 ]
	[[ "$output" == *"Regionale energiestrategie"* ]]
	for m in leiden leiderdorp oegstgeest voorschoten zoeterwoude; do
		echo "$output" | grep -E "$m +pending"
	done
	run as clerk-oegstgeest --json agenda show A1
	[[ "$output" == *'"proposed_by":"leiden"'* ]]
	id=$(add_item clerk-voorschoten --title "Jeugdzorg" --phase after)
	[ "$id" = A2 ]
}

@test "two clients converge after interleaved edits" {
	add_item clerk-leiden --title "Bereikbaarheid" --phase before --lead leiden >/dev/null
	add_item clerk-oegstgeest --title "Wonen" --phase after --lead oegstgeest >/dev/null
	as clerk-leiden agenda edit A1 --theme mobiliteit >/dev/null
	as clerk-oegstgeest agenda decide A1 --state adopted --date 2029-11-05 >/dev/null
	as clerk-leiden agenda decide A2 --state rejected >/dev/null
	as clerk-oegstgeest agenda edit A2 --status in-preparation >/dev/null
	as clerk-leiden sync >/dev/null
	as clerk-oegstgeest sync >/dev/null
	a=$(as clerk-leiden --json agenda list)
	b=$(as clerk-oegstgeest --json agenda list)
	[ "$a" = "$b" ]
	[[ "$a" == *'"theme":"mobiliteit"'* ]]
	[[ "$a" == *'"status":"in-preparation"'* ]]
	run as clerk-leiden agenda show A1
	echo "$output" | grep -E "oegstgeest +adopted +2029-11-05"
}

@test "a client offline during changes catches up with one sync" {
	add_item clerk-leiden --title "Eerste" --phase before >/dev/null
	as clerk-zoeterwoude sync >/dev/null
	for i in 1 2 3 4 5 6; do
		add_item clerk-leiden --title "Nieuw $i" --phase after >/dev/null
	done
	run as clerk-zoeterwoude --json sync
	[ "$status" -eq 0 ]
	# 6 items with 5 decisions each = 36 changes, over pages of 4
	[[ "$output" == *'"applied":36'* ]]
	run as clerk-zoeterwoude --json agenda list
	[ "$(echo "$output" | grep -o '"id":"A[0-9]*"' | sort -u | wc -l)" -eq 7 ]
}

@test "read commands answer from the mirror when the daemon is down" {
	add_item clerk-leiden --title "Afval" --phase before >/dev/null
	as clerk-leiderdorp agenda list >/dev/null
	stop_samend
	run as clerk-leiderdorp agenda list
	[ "$status" -eq 0 ]
	[[ "$output" == *"Afval"* ]]
	[[ "$output" == *"offline"*"as of"* ]]
	run as clerk-voorschoten agenda list
	[ "$status" -eq 69 ]
}

@test "a deleted item disappears from a mirror, with its decisions" {
	add_item clerk-leiden --title "Weg ermee" --phase before >/dev/null
	as clerk-oegstgeest sync >/dev/null
	run as clerk-leiden agenda delete A1
	[ "$status" -eq 77 ]
	run as secretariat agenda delete A1
	[ "$status" -eq 0 ]
	run as clerk-oegstgeest --json agenda list
	[[ "$output" != *'"id":"A1"'* ]]
	run as clerk-oegstgeest agenda show A1
	[ "$status" -eq 66 ]
	run as secretariat agenda delete A1
	[ "$status" -eq 66 ]
}

@test "a stale expected_rev conflicts, shows both versions and stores nothing" {
	add_item clerk-leiden --title "Origineel" --phase before --lead leiden >/dev/null
	rev=$(as clerk-leiden --json agenda show A1 | sed -n 's/^{"id":"A1","rev":\([0-9]*\).*/\1/p')
	[ -n "$rev" ]
	as clerk-leiden agenda edit A1 --title "Eerste wijziging" >/dev/null
	run as clerk-leiden agenda edit A1 --title "Tweede wijziging" --expected-rev "$rev"
	[ "$status" -eq 73 ]
	[[ "$output" == *'title: yours "Tweede wijziging" / theirs "Eerste wijziging"'* ]]
	run as clerk-leiden --json agenda show A1
	[[ "$output" == *'"title":"Eerste wijziging"'* ]]
}

@test "invalid fields are refused by name and nothing is stored" {
	run as clerk-leiden agenda add --title "" --phase before
	[ "$status" -eq 65 ]
	[[ "$output" == *"title is required"* ]]
	long=$(head -c 300 /dev/zero | tr '\0' x)
	run as clerk-leiden agenda add --title "$long" --phase before
	[ "$status" -eq 65 ]
	[[ "$output" == *"title is 300 bytes; at most 200"* ]]
	run as clerk-leiden agenda add --title "X" --phase before --lead katwijk
	[ "$status" -eq 65 ]
	[[ "$output" == *"lead_municipality 'katwijk' is not a municipality"* ]]
	run as clerk-leiden agenda add --title "X" --phase someday
	[ "$status" -eq 64 ]
	add_item clerk-leiden --title "Echt" --phase before >/dev/null
	run as clerk-leiden agenda decide A1 --state adopted --date 2030-02-30
	[ "$status" -eq 64 ]
	run as clerk-leiden agenda rank A1 A1
	[ "$status" -eq 65 ]
	[[ "$output" == *"ranked twice"* ]]
	run as clerk-leiden agenda rank A1 A99
	[ "$status" -eq 65 ]
	[[ "$output" == *"'A99' is not an agenda item"* ]]
	run as clerk-leiden --json sync
	# Only the one good item and its decisions: rev 6 + 6 changes
	[[ "$output" == *'"rev":12'* ]]
}

@test "every authorization cell: allowed and refused" {
	add_item clerk-leiden --title "Van Leiden" --phase before --lead leiden >/dev/null
	add_item clerk-oegstgeest --title "Van Oegstgeest" --phase before --lead voorschoten >/dev/null
	# observer: reads, never writes
	run as desk agenda list
	[ "$status" -eq 0 ]
	run as desk priorities
	[ "$status" -eq 0 ]
	run as desk agenda add --title "Nee" --phase before
	[ "$status" -eq 77 ]
	[[ "$output" == *"observers read only"* ]]
	run as desk agenda decide A1 --state adopted --municipality leiden
	[ "$status" -eq 77 ]
	# member: edit an item led or proposed by own municipality
	run as clerk-leiden agenda edit A1 --theme x
	[ "$status" -eq 0 ]
	run as clerk-voorschoten agenda edit A2 --theme y
	[ "$status" -eq 0 ]
	run as clerk-leiderdorp agenda edit A1 --theme z
	[ "$status" -eq 77 ]
	[[ "$output" == *"leads or proposed"* ]]
	# member: own decision only
	run as clerk-leiderdorp agenda decide A1 --state adopted
	[ "$status" -eq 0 ]
	run as clerk-leiderdorp agenda decide A1 --state adopted --municipality leiden
	[ "$status" -eq 77 ]
	[[ "$output" == *"own council's decisions"* ]]
	# member: own ranking only
	run as clerk-leiderdorp agenda rank A2 A1
	[ "$status" -eq 0 ]
	run as clerk-leiderdorp agenda rank A2 A1 --municipality leiden
	[ "$status" -eq 77 ]
	# admin: anything; members and observers: no audit, no delete
	run as secretariat agenda decide A1 --state rejected --municipality leiden
	[ "$status" -eq 0 ]
	run as secretariat agenda edit A1 --title "Door het secretariaat"
	[ "$status" -eq 0 ]
	run as clerk-leiden audit
	[ "$status" -eq 77 ]
	run as desk audit verify
	[ "$status" -eq 77 ]
	run as secretariat audit verify
	[ "$status" -eq 0 ]
	run as clerk-leiden agenda delete A2
	[ "$status" -eq 77 ]
	run as secretariat agenda delete A2
	[ "$status" -eq 0 ]
}

@test "priorities: Borda count with each municipality's rank (hand-computed)" {
	for t in Een Twee Drie Vier Vijf; do
		add_item clerk-leiden --title "$t" --phase before >/dev/null
	done
	as secretariat agenda edit A5 --status done >/dev/null
	as clerk-leiden agenda rank A1 A2 A3 A4
	as clerk-leiderdorp agenda rank A2 A1 A4
	as clerk-oegstgeest agenda rank A3 A2
	as clerk-voorschoten agenda rank A2 A5 A4
	# 4 open items (A5 is done and drops out of voorschoten's ranking):
	#   item points firsts  leiden leiderdorp oegstgeest voorschoten zoeterwoude
	#   A2   14     2       2      1          2          1           -
	#   A1    7     1       1      2          -          -           -
	#   A3    6     1       3      -          1          -           -
	#   A4    6     0       4      3          -          2           -
	run as desk --json priorities
	[ "$status" -eq 0 ]
	[[ "$output" == *'"open_items":4'* ]]
	rows=$(echo "$output" | grep -o '{"item_id":"A[0-9]*","title":"[^"]*","points":[0-9]*,"rank":[0-9]*' )
	[ "$(echo "$rows" | sed -n 1p)" = '{"item_id":"A2","title":"Twee","points":14,"rank":1' ]
	[ "$(echo "$rows" | sed -n 2p)" = '{"item_id":"A1","title":"Een","points":7,"rank":2' ]
	[ "$(echo "$rows" | sed -n 3p)" = '{"item_id":"A3","title":"Drie","points":6,"rank":3' ]
	[ "$(echo "$rows" | sed -n 4p)" = '{"item_id":"A4","title":"Vier","points":6,"rank":4' ]
	[[ "$output" == *'"ranks":{"leiden":4,"leiderdorp":3,"oegstgeest":0,"voorschoten":2,"zoeterwoude":0}'* ]]
	run as desk priorities
	echo "$output" | grep -E "^ *1 +14 +A2 +Twee"
}

@test "watch delivers each committed change exactly once, in rev order, to three watchers" {
	BG_PIDS=""
	for w in 1 2 3; do
		as desk --json watch >"$T/watch$w.out" 2>"$T/watch$w.err" &
		BG_PIDS="$BG_PIDS $!"
	done
	sleep 0.5
	for i in 1 2 3; do
		add_item clerk-leiden --title "L$i" --phase before >/dev/null &
		a=$!
		add_item clerk-oegstgeest --title "O$i" --phase after >/dev/null &
		b=$!
		wait "$a" "$b"
	done
	as clerk-leiden agenda decide A1 --state adopted >/dev/null
	# 6 items x 6 changes + 1 decision = 37 changes after rev 6
	for w in 1 2 3; do
		for i in $(seq 1 100); do
			[ "$(grep -c '"rev":' "$T/watch$w.out")" -ge 37 ] && break
			sleep 0.1
		done
	done
	for w in 1 2 3; do
		revs=$(grep -o '^{"rev":[0-9]*' "$T/watch$w.out" | cut -d: -f2)
		[ "$(echo "$revs" | wc -l)" -eq 37 ]
		[ "$(echo "$revs" | sort -n | uniq | wc -l)" -eq 37 ]
		[ "$(echo "$revs" | sort -n)" = "$revs" ]
		[ "$(echo "$revs" | head -n 1)" -eq 7 ]
		[ "$(echo "$revs" | tail -n 1)" -eq 43 ]
	done
}

@test "a slow watcher is cut off while the others proceed" {
	BG_PIDS=""
	as desk --json watch >"$T/fast.out" 2>&1 &
	BG_PIDS="$!"
	probe desk stall "$T/go" >"$T/slow.out" &
	slow=$!
	sleep 0.5
	text=$(head -c 9000 /dev/zero | tr '\0' y)
	for i in $(seq 1 100); do
		add_item clerk-leiden --title "Groot $i" --phase before --description "$text" >/dev/null
		grep -q "fell too far behind" "$T/samend.log" && break
	done
	wait_log "fell too far behind the changes"
	touch "$T/go"
	wait "$slow"
	run cat "$T/slow.out"
	[[ "$output" == *"RESOURCE_EXHAUSTED you fell too far behind"* ]]
	[[ "$output" == *"closed"* ]]
	# The fast watcher saw every change so far.
	n=$(as secretariat --json sync | sed -n 's/.*"rev":\([0-9]*\).*/\1/p')
	for j in $(seq 1 100); do
		grep -q "\"rev\":$n[,}]" "$T/fast.out" && break
		sleep 0.1
	done
	grep -q "\"rev\":$n[,}]" "$T/fast.out"
}

@test "a sync from before the oldest kept tombstone must start again" {
	stop_samend
	printf '[store]\ntombstone_retention = 0\n' >>"$T/samend.conf"
	start_samend
	add_item clerk-leiden --title "Kort" --phase before >/dev/null
	as clerk-oegstgeest sync >/dev/null
	add_item clerk-leiden --title "Nog een" --phase before >/dev/null
	as secretariat agenda delete A1 >/dev/null
	sleep 1.1
	# the next commit forgets the tombstones
	add_item clerk-leiden --title "Later" --phase before >/dev/null
	run as clerk-oegstgeest --json sync
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"resynced":true'* ]]
	run as clerk-oegstgeest --json agenda list
	[[ "$output" != *'"id":"A1"'* ]]
	[[ "$output" == *'"id":"A3"'* ]]
}

@test "audit records every change and verify finds the first tampered rev" {
	add_item clerk-leiden --title "Controle" --phase before >/dev/null
	as clerk-leiden agenda decide A1 --state adopted >/dev/null
	run as secretariat audit verify
	[ "$status" -eq 0 ]
	[[ "$output" == *"audit chain holds: 13 records"* ]]
	run as secretariat audit
	[ "$status" -eq 0 ]
	echo "$output" | grep -E "^ *13 .*clerk-leiden \(leiden, member\) +update +Decision +A1/leiden +adopted"
	echo "$output" | grep -E "^ *1 .*samend init +create +Region"
	sqlite3 "$T/state/samen.db" "UPDATE audit SET summary = 'Vervalst' WHERE rev = 7" 2>/dev/null ||
	    skip "sqlite3 shell not installed"
	run as secretariat audit verify
	[ "$status" -eq 65 ]
	[[ "$output" == *"audit chain broken at rev 7"* ]]
	wait_log "audit chain broken at rev 7"
}

@test "kill -9 right after an answered write loses nothing" {
	add_item clerk-leiden --title "Duurzaam" --phase before >/dev/null
	as clerk-leiden agenda decide A1 --state adopted >/dev/null
	kill -KILL "$(samend_pid)"
	rm -f "$T/samend.pid"
	start_samend
	run as clerk-voorschoten --json agenda show A1
	[ "$status" -eq 0 ]
	[[ "$output" == *'"title":"Duurzaam"'* ]]
	run as clerk-voorschoten agenda show A1
	echo "$output" | grep -E "leiden +adopted"
	run as secretariat audit verify
	[ "$status" -eq 0 ]
}

@test "agenda list filters by phase, status and theme; audit pages from --since" {
	add_item clerk-leiden --title "Voor" --phase before --theme energie >/dev/null
	add_item clerk-leiden --title "Na" --phase after --theme energie >/dev/null
	add_item clerk-leiden --title "Ook na" --phase after --theme wonen >/dev/null
	as clerk-leiden agenda edit A3 --status in-councils >/dev/null
	run as desk agenda list --phase after
	[ "$status" -eq 0 ]
	[[ "$output" == *"Na"* && "$output" == *"Ook na"* && "$output" != *"Voor"* ]]
	run as desk --json agenda list --theme energie
	[ "$(echo "$output" | grep -o '"id":"A[0-9]*"' | sort -u | tr '\n' ' ')" = '"id":"A1" "id":"A2" ' ]
	run as desk --json agenda list --status in-councils --phase after
	[ "$(echo "$output" | grep -o '"id":"A[0-9]*"' | sort -u)" = '"id":"A3"' ]
	run as desk agenda list --status finished
	[ "$status" -eq 64 ]
	[[ "$output" == *"in-preparation"* ]]
	# 6 from init, 18 from the items, 1 edit = rev 25
	run as secretariat audit --since 23
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -cE '^ *2[45] ')" -eq 2 ]
	[[ "$output" == *"update"*"AgendaItem"*"A3"* ]]
}
