#!/usr/bin/env bats
# samen plan: the scheduler of the meetings after the election of
# 2030-03-20 (installation 2030-04-03), against the five council
# calendars of the fixtures and a summer recess from 2030-07-13.

load helpers

setup() {
	make_region limits.idle_timeout=60
	issue clerk-leiden leiden member
	issue secretariat region admin
	issue desk region observer
	start_samend
	for n in clerk-leiden secretariat desk; do
		client "$n"
	done
	for m in leiden leiderdorp oegstgeest voorschoten zoeterwoude; do
		as secretariat availability import \
		    "$ROOT/tests/fixtures/$m-raad.ics" --municipality "$m" \
		    >/dev/null
	done
	as secretariat region blackout add --from 2030-07-13 --to 2030-08-25 \
	    --reason zomerreces >/dev/null
}

teardown() {
	cleanup
}

# The proposed dates of a plan's JSON, one a line, in order.
proposed_dates() {
	echo "$1" | grep -o '"n":[0-9]*,"date":"[0-9-]*"' |
	    sed 's/.*"date":"\([0-9-]*\)"/\1/'
}

# The rejected entry of date $2 in a plan's JSON $1: "date":..,"reasons":[..]
rejected_entry() {
	echo "$1" | grep -o "\"date\":\"$2\",\"reasons\":\[[^]]*\]"
}

# How many meetings the region has (any status).
meeting_count() {
	as desk --json meeting list | grep -o '"id":"M[0-9]*"' | wc -l
}

# The daemon's current rev.
rev_now() {
	as secretariat --json status | sed -n 's/.*"rev":\([0-9]*\).*/\1/p'
}

# Days from date $1 to date $2.
days_between() {
	echo $(( ($(date -u -d "$2" +%s) - $(date -u -d "$1" +%s)) / 86400 ))
}

# Busy evenings of the fixtures, Monday to Thursday, inside the window,
# and the public holidays there: a plan must choose none of them.
BLOCKED="2030-04-18 2030-04-22 2030-04-23 2030-04-25 2030-04-29 2030-04-30
2030-05-01 2030-05-02 2030-05-06 2030-05-09 2030-05-14 2030-05-16 2030-05-20
2030-05-21 2030-05-23 2030-05-30 2030-06-03 2030-06-05 2030-06-06 2030-06-10
2030-06-13 2030-06-17 2030-06-20 2030-06-27"

@test "a dry run proposes four regional council meetings in the window, away from holidays and council evenings" {
	run as secretariat --json plan --count 4
	[ "$status" -eq 0 ]
	json=$output
	[[ "$json" == *'"count":4,"fit":4,"from":"2030-04-17","to":"2030-07-12"'* ]]
	[[ "$json" == *'"committed":false,"replayed":false'* ]]
	dates=$(proposed_dates "$json")
	[ "$(echo "$dates" | wc -l)" -eq 4 ]
	prev=
	for d in $dates; do
		[[ "$d" > "2030-04-16" && "$d" < "2030-07-13" ]]
		[ "$(date -u -d "$d" +%u)" -le 4 ]
		[[ " $(echo $BLOCKED) " != *" $d "* ]]
		# a chosen date is not among the rejected ones
		[ -z "$(rejected_entry "$json" "$d")" ]
		if [ -n "$prev" ]; then
			[ "$(days_between "$prev" "$d")" -ge 14 ]
		fi
		prev=$d
	done
	[[ "$(rejected_entry "$json" 2030-05-30)" == *"Ascension Day"* ]]
	[[ "$(rejected_entry "$json" 2030-06-10)" == *"Whit Monday"* ]]
	[[ "$(rejected_entry "$json" 2030-04-22)" == *"Easter Monday"* ]]
	[[ "$(rejected_entry "$json" 2030-04-29)" == *"busy: leiderdorp"* ]]
	[[ "$(rejected_entry "$json" 2030-05-14)" == *"busy: leiderdorp"*"Raadsvergadering"* ]]
	# weekends are no candidates; every candidate is chosen or rejected
	[ -z "$(rejected_entry "$json" 2030-04-27)" ]
	cand=$(echo "$json" | sed -n 's/.*"candidates":\([0-9]*\).*/\1/p')
	nrej=$(echo "$json" | grep -o '"reasons":\[' | wc -l)
	[ "$cand" -eq $((nrej + 4)) ]
	# the text: header, table, and under --explain the dates by reason
	run as secretariat plan --count 4 --explain
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "regional-councils meetings from 2030-04-17 to 2030-07-12: 4 of 4 fit ($cand candidate dates, $nrej rejected)" ]]
	for d in $dates; do
		echo "$output" | grep -E "^ +[1-4]  $d  (Mon|Tue|Wed|Thu)  19:30-22:00  "
	done
	echo "$output" | grep -A1 -E "^ +1  Ascension Day$" | grep -q "^       Thu 2030-05-30$"
	echo "$output" | grep -A1 -E "^ +1  Whit Monday$" | grep -q "^       Mon 2030-06-10$"
	echo "$output" | grep -A3 -E "^ +[0-9]+  busy: leiderdorp" | grep -q "Mon 2030-04-29"
	[[ "$output" == *"a dry run: nothing was committed"* ]]
	# without --explain the reasons stay out
	run as secretariat plan --count 4
	[ "$status" -eq 0 ]
	[[ "$output" != *"Ascension Day"* ]]
	[[ "$output" == *"--explain lists the $nrej rejected dates"* ]]
	[ "$(meeting_count)" -eq 0 ]
}

@test "--json: the shape of the answer, titles numbered, times and hosts as asked" {
	run as desk --json plan --count 3 --kind REGIONAL_COUNCILS \
	    --title 'Regionale raadsbijeenkomst {n}' --start 20:00 --duration 90 \
	    --weekdays tue,wed --hosts leiden,oegstgeest,zoeterwoude
	[ "$status" -eq 0 ]
	json=$output
	[ "$(echo "$json" | wc -l)" -eq 1 ]
	[[ "$json" == '{"proposal":[{"n":1,"date":"'* ]]
	for k in proposal rejected count fit from to binding committed replayed moves candidates; do
		[[ "$json" == *"\"$k\":"* ]]
	done
	for n in 1 2 3; do
		m=$(echo "$json" | grep -o "{\"n\":$n,[^}]*}")
		[[ "$m" =~ ^\{\"n\":$n,\"date\":\"2030-[0-9-]*\",\"start\":\"20:00\",\"end\":\"21:30\",\"host\":\"(leiden|oegstgeest|zoeterwoude)\",\"venue\":\"[^\"]*\",\"tentative\":false,\"why\":\"[^\"]+\",\"title\":\"Regionale\ raadsbijeenkomst\ $n\" ]]
		[[ "$m" != *'"id":'* ]]
		d=$(echo "$m" | sed 's/.*"date":"\([0-9-]*\)".*/\1/')
		[[ "$(date -u -d "$d" +%a)" == Tue || "$(date -u -d "$d" +%a)" == Wed ]]
	done
	# three meetings, three hosts: the rotation is fair
	[ "$(echo "$json" | grep -o '"host":"[a-z]*"' | sort -u | wc -l)" -eq 3 ]
	[[ "$json" == *'"moves":[]'* ]]
	[[ "$json" == *'"binding":""'* ]]
}

@test "an infeasible request exits 65, names the binding constraint and stores nothing" {
	rev=$(rev_now)
	run as secretariat plan --count 30 --gap 14
	[ "$status" -eq 65 ]
	[[ "$output" =~ [0-9]+" of 30 meetings fit from 2030-04-17 to 2030-07-12; the constraint that removed the most dates: "[^\ ] ]]
	[[ "$output" == *"nothing was committed"* ]]
	run as secretariat plan --count 30 --gap 14 --commit --key te-veel
	[ "$status" -eq 65 ]
	[[ "$output" == *"nothing was committed"* ]]
	run as secretariat --json plan --count 30 --gap 14 --commit --key te-veel
	[ "$status" -eq 65 ]
	json=$(echo "$output" | grep '^{')
	[[ "$json" =~ \"count\":30,\"fit\":[0-9]+, ]]
	fit=$(echo "$json" | sed -n 's/.*"fit":\([0-9]*\).*/\1/p')
	[ "$fit" -lt 30 ]
	[ "$fit" -gt 0 ]
	[ "$(proposed_dates "$json" | wc -l)" -eq "$fit" ]
	[[ "$json" =~ \"binding\":\"[^\"]+\" ]]
	[[ "$json" == *'"committed":false'* ]]
	[[ "$json" != *'"id":"M'* ]]
	[ "$(meeting_count)" -eq 0 ]
	[ "$(rev_now)" = "$rev" ]
}

@test "invalid requests are refused naming the field: 64 in the client, 65 from the daemon" {
	rev=$(rev_now)
	run as secretariat plan --count 4 --from 2030-06-01 --to 2030-05-01
	[ "$status" -eq 64 ]
	[[ "$output" == *"--to 2030-05-01 is before --from 2030-06-01"* ]]
	run as secretariat plan --count 0
	[ "$status" -eq 64 ]
	[[ "$output" == *"--count"* ]]
	run as secretariat plan --count 4 --weekdays ''
	[ "$status" -eq 64 ]
	[[ "$output" == *"--weekdays needs at least one day"* ]]
	run as secretariat plan --count 4 --weekdays mon,zaturday
	[ "$status" -eq 64 ]
	[[ "$output" == *"--weekdays 'zaturday' is not a day"* ]]
	run as secretariat plan --count 4 --from 2030-02-30
	[ "$status" -eq 64 ]
	[[ "$output" == *"--from '2030-02-30' is not a date"* ]]
	run as secretariat plan --count 4 --start 7pm
	[ "$status" -eq 64 ]
	[[ "$output" == *"--start '7pm'"* ]]
	run as secretariat plan --count 4 --kind vergadering
	[ "$status" -eq 64 ]
	[[ "$output" == *"regional-councils, portfolio-holders"* ]]
	run as secretariat plan --count 4 --commit
	[ "$status" -eq 64 ]
	[[ "$output" == *"--commit needs --key"* ]]
	run as secretariat plan --count 4 --participants leiden,atlantis
	[ "$status" -eq 65 ]
	[[ "$output" == *"participants"* ]]
	[[ "$output" == *"atlantis"* ]]
	run as secretariat --json plan --count 4 --participants leiden,atlantis
	[ "$status" -eq 65 ]
	[[ "$output" == *'"code":"INVALID_ARGUMENT"'* ]]
	run as secretariat plan --count 101
	[ "$status" -eq 65 ]
	[[ "$output" == *"count"* ]]
	[ "$(meeting_count)" -eq 0 ]
	[ "$(rev_now)" = "$rev" ]
}

@test "a member and an observer may plan a dry run; only the secretariat commits" {
	run as clerk-leiden plan --count 2
	[ "$status" -eq 0 ]
	[[ "$output" == *"2 of 2 fit"* ]]
	run as clerk-leiden plan --count 2 --commit --key k1
	[ "$status" -eq 77 ]
	run as desk plan --count 2 --commit --key k1
	[ "$status" -eq 77 ]
	[ "$(meeting_count)" -eq 0 ]
	# the refused key is still free
	run as secretariat plan --count 2 --commit --key k1
	[ "$status" -eq 0 ]
	[ "$(meeting_count)" -eq 2 ]
}

@test "plan needs the daemon: no answer from the local copy" {
	as desk meeting list >/dev/null	# the local copy exists
	stop_samend
	run as desk plan --count 4
	[ "$status" -eq 69 ]
	[[ "$output" != *"offline"* ]]
}

@test "a key commits once: the same plan again changes nothing, a different one is a conflict" {
	run as secretariat --json plan --count 4 --commit --key k1 \
	    --title 'Regionale raadsbijeenkomst {n}'
	[ "$status" -eq 0 ]
	first=$output
	[[ "$first" == *'"committed":true,"replayed":false'* ]]
	ids=$(echo "$first" | grep -o '"id":"M[0-9]*"' | tr '\n' ' ')
	[ "$ids" = '"id":"M1" "id":"M2" "id":"M3" "id":"M4" ' ]
	[ "$(meeting_count)" -eq 4 ]
	run as desk --json meeting list
	[ "$(echo "$output" | grep -o '"status":"planned"' | wc -l)" -eq 4 ]
	[[ "$output" == *'"title":"Regionale raadsbijeenkomst 1"'* ]]
	# the dates the plan chose are the meetings' dates
	for d in $(proposed_dates "$first"); do
		[[ "$output" == *"\"date\":\"$d\""* ]]
	done
	run as desk meeting list
	[ "$(echo "$output" | grep -c ' planned ')" -eq 4 ]
	as desk export-ical --out "$T/plan.ics" --kind regional-councils >/dev/null
	[ "$(grep -c '^BEGIN:VEVENT' "$T/plan.ics")" -eq 4 ]
	grep -q '^SUMMARY:Regionale raadsbijeenkomst 4' "$T/plan.ics"
	rev=$(rev_now)
	audit=$(as secretariat --json audit | grep -o '"rev":' | wc -l)

	# the same request again: replayed, the same ids, nothing written
	run as secretariat plan --count 4 --commit --key k1 \
	    --title 'Regionale raadsbijeenkomst {n}'
	[ "$status" -eq 0 ]
	[[ "$output" == *"the plan under key 'k1' was committed already"*"nothing changed: M1, M2, M3, M4"* ]]
	run as secretariat --json plan --count 4 --commit --key k1 \
	    --title 'Regionale raadsbijeenkomst {n}'
	[ "$status" -eq 0 ]
	[[ "$output" == *'"committed":true,"replayed":true'* ]]
	[ "$(echo "$output" | grep -o '"id":"M[0-9]*"' | tr '\n' ' ')" = "$ids" ]
	[ "$(meeting_count)" -eq 4 ]
	[ "$(rev_now)" = "$rev" ]
	[ "$(as secretariat --json audit | grep -o '"rev":' | wc -l)" -eq "$audit" ]

	# a different request under k1: a conflict, nothing stored
	run as secretariat plan --count 3 --commit --key k1
	[ "$status" -eq 73 ]
	[[ "$output" == *"k1"* ]]
	[ "$(meeting_count)" -eq 4 ]
	[ "$(rev_now)" = "$rev" ]
	run as secretariat plan --count 4 --key k1 --title 'Anders {n}'
	[ "$status" -eq 0 ]
	[[ "$output" == *"differs from the plan committed under key 'k1' at rev "*"--commit under that key is refused"* ]]
	# a new title is a change too
	echo "$output" | grep -E "^  would change: meeting 1 \(M[0-9]+\) 2030-[0-9-]+ 19:30-22:00 [a-z]+: Regionale raadsbijeenkomst 1 → 2030-[0-9-]+ 19:30-22:00 [a-z]+: Anders 1$"

	# a council evening on meeting 2's date: the same key shows the move
	d2=$(proposed_dates "$first" | sed -n 2p)
	h2=$(echo "$first" | grep -o '{"n":2,[^}]*}' | sed 's/.*"host":"\([a-z]*\)".*/\1/')
	as secretariat availability set --date "$d2" --reason "Extra raad" \
	    --municipality leiderdorp >/dev/null
	rev=$(rev_now)
	run as secretariat --json plan --count 4 --key k1 \
	    --title 'Regionale raadsbijeenkomst {n}'
	[ "$status" -eq 0 ]
	[[ "$output" == *"{\"n\":2,\"id\":\"M2\",\"was\":\"$d2 19:30-22:00 $h2: Regionale raadsbijeenkomst 2\",\"now\":\"2030-"* ]]
	[[ "$output" == *'"replayed":false'* ]]
	run as secretariat plan --count 4 --key k1 \
	    --title 'Regionale raadsbijeenkomst {n}'
	[ "$status" -eq 0 ]
	echo "$output" | grep -E "^  would change: meeting 2 \(M2\) $d2 19:30-22:00 $h2: Regionale raadsbijeenkomst 2 → 2030-[0-9-]+ 19:30-22:00 [a-z]+: Regionale raadsbijeenkomst 2$"
	[[ "$output" == *"nothing was committed"* ]]
	run as secretariat plan --count 4 --key k1 --commit \
	    --title 'Regionale raadsbijeenkomst {n}'
	[ "$status" -eq 73 ]
	[[ "$output" == *"k1"*"different proposal"*"nothing was stored"* ]]
	[ "$(meeting_count)" -eq 4 ]
	[ "$(rev_now)" = "$rev" ]
	run as desk --json meeting show M2
	[[ "$output" == *"\"date\":\"$d2\""* ]]
}

@test "the same question gives the same answer, byte for byte" {
	a=$(as desk --json plan --count 4)
	b=$(as clerk-leiden --json plan --count 4)
	c=$(as desk --json plan --count 4)
	[[ "$a" == *'"proposal":[{"n":1,'*'"fit":4,'* ]]
	[ "$a" = "$b" ]
	[ "$a" = "$c" ]
	a=$(as desk --json plan --count 2 --kind portfolio-holders)
	b=$(as secretariat --json plan --count 2 --kind portfolio-holders)
	[[ "$a" == *'"proposal":[{"n":1,'*'"fit":2,'* ]]
	[ "$a" = "$b" ]
	t1=$(as desk plan --count 4 --explain)
	t2=$(as desk plan --count 4 --explain)
	[ "$t1" = "$t2" ]
}

@test "portfolio holders wait for the colleges: tentative until every college is installed" {
	# no college installed yet: after the assumed date, installation + 64
	run as secretariat --json plan --count 2 --kind portfolio-holders
	[ "$status" -eq 0 ]
	json=$output
	[ "$(echo "$json" | grep -o '"tentative":true' | wc -l)" -eq 2 ]
	[[ "$json" != *'"tentative":false'* ]]
	for d in $(proposed_dates "$json"); do
		[[ "$d" > "2030-06-05" ]]
	done
	[[ "$(echo "$json" | grep -o '{"n":1,[^}]*}')" =~ \"why\":\"[^\"]*"waits for the colleges of Leiden, Leiderdorp, Oegstgeest, Voorschoten, Zoeterwoude" ]]
	run as secretariat plan --count 2 --kind portfolio-holders
	[ "$status" -eq 0 ]
	echo "$output" | grep -E "^~ +1  2030-"
	[[ "$output" == *"~ tentative: the date waits for a new college"* ]]

	# four colleges installed: still tentative, waiting for Voorschoten
	as secretariat region municipality leiden --college 2030-05-13 >/dev/null
	as secretariat region municipality leiderdorp --college 2030-05-15 >/dev/null
	as secretariat region municipality oegstgeest --college 2030-05-08 >/dev/null
	as secretariat region municipality zoeterwoude --college 2030-05-22 >/dev/null
	run as secretariat --json plan --count 2 --kind portfolio-holders
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -o '"tentative":true' | wc -l)" -eq 2 ]
	for n in 1 2; do
		m=$(echo "$output" | grep -o "{\"n\":$n,[^}]*}")
		[[ "$m" =~ \"why\":\"[^\"]*"waits for the college of Voorschoten" ]]
	done

	# every college installed: nothing tentative, and after the last one
	as secretariat region municipality voorschoten --college 2030-05-27 >/dev/null
	run as secretariat --json plan --count 2 --kind portfolio-holders
	[ "$status" -eq 0 ]
	json=$output
	[ "$(echo "$json" | grep -o '"tentative":false' | wc -l)" -eq 2 ]
	[[ "$json" != *'"tentative":true'* ]]
	for d in $(proposed_dates "$json"); do
		[[ "$d" > "2030-05-27" ]]
	done
	run as secretariat plan --count 2 --kind portfolio-holders
	[ "$status" -eq 0 ]
	[[ "$output" != *"~ tentative"* ]]
	! echo "$output" | grep -E "^~"
}

@test "a plan committed later neither moves nor renumbers a key's plan when it is run again" {
	p="--count 1 --weekdays mon,tue,wed,thu,fri --gap 1 --hosts leiden"
	run as secretariat plan --commit --key a --from 2031-01-06 --to 2031-01-10 $p
	[ "$status" -eq 0 ]
	[[ "$output" == *"committed under key 'a'"* ]]
	run as secretariat plan --commit --key b --from 2031-01-06 --to 2031-01-17 $p
	[ "$status" -eq 0 ]
	[[ "$output" == *"committed under key 'b'"* ]]
	# b avoided a's day and took the next number
	run as secretariat plan --commit --key a --from 2031-01-06 --to 2031-01-10 $p
	[ "$status" -eq 0 ]
	[[ "$output" == *"was committed already"*"nothing changed"* ]]
	run as secretariat plan --commit --key b --from 2031-01-06 --to 2031-01-17 $p
	[ "$status" -eq 0 ]
	[[ "$output" == *"was committed already"*"nothing changed"* ]]
}
