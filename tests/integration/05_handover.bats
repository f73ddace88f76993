#!/usr/bin/env bats
# The warm handover: meetings, availability, dossiers, timeline,
# holidays, iCalendar out and in.

load helpers

setup() {
	make_region limits.idle_timeout=60
	for m in leiden leiderdorp oegstgeest; do
		issue "clerk-$m" "$m" member
	done
	issue secretariat region admin
	issue desk region observer
	start_samend
	for n in clerk-leiden clerk-leiderdorp clerk-oegstgeest secretariat desk; do
		client "$n"
	done
}

teardown() {
	cleanup
}

@test "holidays 2030: the statutory days with Dutch and English names" {
	run as desk --json holidays 2030
	[ "$status" -eq 0 ]
	[[ "$output" == *'"date":"2030-04-27","id":"kings-day","name_nl":"Koningsdag","name_en":"King'"'"'s Day"'* ]]
	[[ "$output" == *'"date":"2030-05-30","id":"ascension"'* ]]
	[[ "$output" == *'"date":"2030-05-04","id":"remembrance"'*'"blocks_day":false,"blocks_evening":true'* ]]
	run as desk --json holidays 2025
	[[ "$output" == *'"date":"2025-04-26","id":"kings-day"'* ]]
	run as desk holidays 1850
	[ "$status" -eq 64 ]
	[[ "$output" == *"not a year from 1900 to 2200"* ]]
}

@test "meetings across the DST change export to iCalendar with a plain TZID; UID stays, SEQUENCE grows" {
	run as secretariat meeting add --title "Regionale raadsbijeenkomst" \
	    --kind regional-councils --date 2030-03-31 --start 19:30 --end 22:00 --host leiden
	[ "$status" -eq 0 ]
	as secretariat meeting add --title "Najaarsoverleg" --kind portfolio-holders \
	    --date 2030-10-27 --start 19:30 --duration 120 --host oegstgeest >/dev/null
	run as desk --json meeting show M1
	[[ "$output" == *'"start":1901208600,"end":1901217600'* ]]	# 17:30-20:00 UTC (CEST)
	as desk export-ical --out "$T/one.ics"
	grep -q '^BEGIN:VTIMEZONE' "$T/one.ics"
	grep -q '^TZID:Europe/Amsterdam' "$T/one.ics"
	grep -q '^DTSTART;TZID=Europe/Amsterdam:20300331T193000' "$T/one.ics"
	grep -q '^DTEND;TZID=Europe/Amsterdam:20300331T220000' "$T/one.ics"
	grep -q '^DTSTART;TZID=Europe/Amsterdam:20301027T193000' "$T/one.ics"
	grep -q '^UID:M1@samen' "$T/one.ics"
	grep -q '^STATUS:TENTATIVE' "$T/one.ics"
	grep -q '^CATEGORIES:REGIONAL_COUNCILS' "$T/one.ics"
	[ "$(grep -c '^BEGIN:VEVENT' "$T/one.ics")" -eq 2 ]
	uid=$(grep -m1 '^UID:' "$T/one.ics")
	as secretariat meeting edit M1 --title "Regionale raadsbijeenkomst (gewijzigd)" >/dev/null
	as secretariat meeting confirm M1 >/dev/null
	as desk export-ical --out "$T/two.ics" --kind regional-councils
	[ "$(grep -c '^BEGIN:VEVENT' "$T/two.ics")" -eq 1 ]
	[ "$(grep -m1 '^UID:' "$T/two.ics")" = "$uid" ]
	grep -q '^SEQUENCE:2' "$T/two.ics"
	grep -q '^STATUS:CONFIRMED' "$T/two.ics"
}

@test "a council calendar with RRULE, EXDATE, a moved and a cancelled meeting becomes exactly these busy dates" {
	run as clerk-leiderdorp availability import "$ROOT/tests/fixtures/leiderdorp-raad.ics"
	[ "$status" -eq 0 ]
	run as clerk-leiderdorp --json availability show leiderdorp
	[ "$status" -eq 0 ]
	got=$(echo "$output" | grep -o '"date":"[0-9-]*","start_time":"[0-9:]*","end_time":"[0-9:]*"' | tr '\n' ' ')
	want='"date":"2029-11-11","start_time":"20:00","end_time":"23:00" '
	want+='"date":"2030-04-01","start_time":"20:00","end_time":"23:00" '
	want+='"date":"2030-04-08","start_time":"20:00","end_time":"23:00" '
	want+='"date":"2030-04-10","start_time":"19:30","end_time":"22:00" '
	want+='"date":"2030-04-15","start_time":"20:00","end_time":"23:00" '
	want+='"date":"2030-04-29","start_time":"","end_time":"" '
	want+='"date":"2030-04-29","start_time":"20:00","end_time":"23:00" '
	want+='"date":"2030-04-30","start_time":"","end_time":"" '
	want+='"date":"2030-05-01","start_time":"","end_time":"" '
	want+='"date":"2030-05-14","start_time":"19:30","end_time":"22:30" '
	[ "$got" = "$want" ]
}

@test "a broken calendar is refused and stores nothing" {
	as clerk-leiderdorp availability import "$ROOT/tests/fixtures/leiderdorp-raad.ics" >/dev/null
	before=$(as clerk-leiderdorp --json availability show leiderdorp)
	printf 'BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nDTSTART:gisteren\nSUMMARY:kapot\nEND:VEVENT\nEND:VCALENDAR\n' >"$T/broken.ics"
	run as clerk-leiderdorp availability import "$T/broken.ics"
	[ "$status" -eq 65 ]
	[[ "$output" == *"cannot be read"*"nothing was stored"* ]]
	[ "$(as clerk-leiderdorp --json availability show leiderdorp)" = "$before" ]
}

@test "authorization cells of meetings, availability and dossiers" {
	# meetings: a member hosts only for its own municipality
	run as clerk-leiden meeting add --title "Eigen" --kind informal --date 2030-05-13 --start 19:30 --duration 90
	[ "$status" -eq 0 ]
	run as clerk-leiden meeting add --title "Ander" --kind informal --date 2030-05-13 --start 19:30 --duration 90 --host oegstgeest
	[ "$status" -eq 77 ]
	run as clerk-oegstgeest meeting cancel M1
	[ "$status" -eq 77 ]
	run as clerk-leiden meeting cancel M1
	[ "$status" -eq 0 ]
	run as desk meeting add --title "Nee" --kind informal --date 2030-05-13 --start 19:30 --duration 90 --host leiden
	[ "$status" -eq 77 ]
	# availability: only one's own
	run as clerk-leiden availability set --date 2030-05-20 --reason "Raad" --municipality leiderdorp
	[ "$status" -eq 77 ]
	run as clerk-leiden availability import "$ROOT/tests/fixtures/leiderdorp-raad.ics" --municipality leiderdorp
	[ "$status" -eq 77 ]
	run as clerk-leiden availability set --date 2030-05-20 --reason "Raad"
	[ "$status" -eq 0 ]
	# dossiers: from-side edits; to-side acknowledges once handed over
	run as clerk-leiden dossier add --title "Warme overdracht energie" --to oegstgeest --due 2030-05-01
	[ "$status" -eq 0 ]
	run as clerk-oegstgeest dossier edit H1 --title "Overgenomen"
	[ "$status" -eq 77 ]
	run as clerk-oegstgeest dossier ack H1
	[ "$status" -eq 77 ]
	as clerk-leiden dossier ready H1 >/dev/null
	as clerk-leiden dossier handover H1 >/dev/null
	run as clerk-leiderdorp dossier ack H1
	[ "$status" -eq 77 ]
	run as clerk-oegstgeest dossier ack H1
	[ "$status" -eq 0 ]
	run as desk --json dossier show H1
	[[ "$output" == *'"state":"acknowledged"'* ]]
	run as clerk-oegstgeest dossier add --title "Niet van ons" --to leiden --from leiden
	[ "$status" -eq 77 ]
}

@test "the timeline puts key dates, colleges, meetings and dossiers in date order" {
	as secretariat meeting add --title "Eerste regionale bijeenkomst" --kind regional-councils \
	    --date 2030-04-24 --start 19:30 --duration 150 --host leiderdorp >/dev/null
	as clerk-leiden dossier add --title "Overdracht jeugdzorg" --to leiderdorp --due 2030-04-10 >/dev/null
	run as desk --json timeline
	[ "$status" -eq 0 ]
	dates=$(echo "$output" | grep -o '"date":"[0-9-]*","kind":"[a-z]*"' | tr '\n' ' ')
	want='"date":"2030-03-20","kind":"election" "date":"2030-04-03","kind":"installation" '
	want+='"date":"2030-04-10","kind":"dossier" "date":"2030-04-24","kind":"meeting" '
	want+='"date":"2030-06-06","kind":"college" "date":"2030-06-06","kind":"college" "date":"2030-06-06","kind":"college" '
	want+='"date":"2030-06-06","kind":"college" "date":"2030-06-06","kind":"college" '
	[ "$dates" = "$want" ]
	[[ "$output" == *'"pending":true'* ]]
	run as desk timeline
	[[ "$output" == *"Eerste regionale bijeenkomst"* ]]
}

@test "meetings are validated field by field and nothing is stored" {
	run as secretariat meeting add --title "X" --kind informal --date 2030-05-13 --start 19:30 --end 19:00 --host leiden
	[ "$status" -ne 0 ]
	run as secretariat meeting add --title "X" --kind informal --date 2030-05-13 --start 19:30 --duration 60 --host katwijk
	[ "$status" -eq 65 ]
	[[ "$output" == *"host 'katwijk' is not a municipality"* ]]
	run as secretariat meeting add --title "X" --kind informal --date 2030-05-13 --start 19:30 --duration 60 --host leiden --participants leiden,nergenshuizen
	[ "$status" -eq 65 ]
	[[ "$output" == *"participants"* ]]
	run as secretariat meeting add --title "X" --kind informal --date 2030-05-13 --start 19:30 --duration 60 --host leiden --items A42
	[ "$status" -eq 65 ]
	[[ "$output" == *"'A42' is not an agenda item"* ]]
	run as secretariat meeting add --title "X" --kind banquet --date 2030-05-13 --start 19:30 --duration 60 --host leiden
	[ "$status" -eq 64 ]
	run as desk --json meeting list
	[[ "$output" != *'"id":"M'* ]]
}

@test "export filters by date range and municipality; an overdue dossier shows in the timeline" {
	as secretariat meeting add --title "April" --kind informal --date 2030-04-24 --start 19:30 --duration 60 --host leiden --participants leiden,leiderdorp >/dev/null
	as secretariat meeting add --title "Mei" --kind informal --date 2030-05-22 --start 19:30 --duration 60 --host oegstgeest --participants oegstgeest >/dev/null
	as desk export-ical --out "$T/april.ics" --from 2030-04-01 --to 2030-04-30
	[ "$(grep -c '^BEGIN:VEVENT' "$T/april.ics")" -eq 1 ]
	grep -q '^SUMMARY:April' "$T/april.ics"
	as desk export-ical --out "$T/lt.ics" --municipality leiderdorp
	[ "$(grep -c '^BEGIN:VEVENT' "$T/lt.ics")" -eq 1 ]
	as desk export-ical --out "$T/og.ics" --municipality oegstgeest
	grep -q '^SUMMARY:Mei' "$T/og.ics"
	as clerk-leiden dossier add --title "Te laat" --to oegstgeest --due 2026-01-10 >/dev/null
	run as desk --json timeline
	[[ "$output" == *'"date":"2026-01-10","kind":"dossier","title":"dossier due: Te laat (draft)"'*'"overdue":true'* ]]
	run as desk timeline
	echo "$output" | grep -E "2026-01-10.*!|!.*2026-01-10"
}
