#!/usr/bin/env bats
# The region's key dates, blackouts and colleges, set by the regional
# secretariat and shown in everyone's timeline.

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
}

teardown() {
	cleanup
}

@test "the secretariat sets a college date and a blackout; the timeline shows them" {
	run as secretariat region municipality leiden --college 2030-05-20 --venue "Stadhuis"
	[ "$status" -eq 0 ]
	run as secretariat region blackout add --from 2030-07-13 --to 2030-08-25 --reason "zomerreces"
	[ "$status" -eq 0 ]
	run as desk --json timeline
	[ "$status" -eq 0 ]
	[[ "$output" == *'"date":"2030-05-20","kind":"college"'* ]]
	[[ "$output" == *'"kind":"blackout"'* ]]
	leiden=$(echo "$output" | grep -o '"date":"2030-05-20","kind":"college"[^}]*')
	[ -n "$leiden" ]
	[[ "$leiden" != *'"pending":true'* ]]
	run as desk region show
	[ "$status" -eq 0 ]
	[[ "$output" == *"zomerreces"* ]]
	[[ "$output" == *"2030-05-20"* ]]
	echo "$output" | grep -E "^leiderdorp .*not yet"
	run as secretariat region blackout remove --from 2030-07-13
	[ "$status" -eq 0 ]
	run as desk --json region show
	[[ "$output" != *"zomerreces"* ]]
}

@test "region set changes the key dates; a member is refused, a bad date is a usage error" {
	run as secretariat region set --installation 2030-04-10 --name "Holland Rijnland"
	[ "$status" -eq 0 ]
	run as desk --json region show
	[[ "$output" == *'"installation_date":"2030-04-10"'* ]]
	[[ "$output" == *"Holland Rijnland"* ]]
	run as clerk-leiden region set --name "Van ons"
	[ "$status" -eq 77 ]
	run as secretariat region set --election 2030-02-30
	[ "$status" -eq 64 ]
	run as secretariat region blackout add --from 2030-13-01 --to 2030-08-25 --reason x
	[ "$status" -eq 64 ]
	run as secretariat region municipality leiden --college gisteren
	[ "$status" -eq 64 ]
	run as secretariat region set --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: samen region set"* ]]
}
