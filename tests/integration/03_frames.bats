#!/usr/bin/env bats
# Bad frames from an authenticated client: the right Status or a closed
# connection, and a second client connected at the same time keeps
# working.  Also the dispatch table's checks (hello first, admin only).

load helpers

setup() {
	make_region limits.max_frame=4096 limits.idle_timeout=2 \
	    limits.frame_timeout=1
	issue clerk-leiden leiden member
	issue bystander leiderdorp member
	issue secretariat region admin
	start_samend
	client clerk-leiden
	client bystander
	client secretariat
	# The bystander holds a connection open through every test.
	probe bystander hold "$T/go" >"$T/bystander.out" &
	BYSTANDER=$!
	for i in $(seq 1 100); do
		grep -q '^response 1 OK' "$T/bystander.out" && break
		sleep 0.1
	done
}

teardown() {
	touch "$T/go"
	wait "$BYSTANDER" 2>/dev/null || true
	cleanup
}

# The bystander's held connection still answers, and new clients work.
others_unaffected() {
	touch "$T/go"
	wait "$BYSTANDER"
	run cat "$T/bystander.out"
	[[ "$output" == *"response 2 OK"* ]]
	run as clerk-leiden status
	[ "$status" -eq 0 ]
}

@test "a frame above max_frame gets RESOURCE_EXHAUSTED and the connection closes" {
	run probe clerk-leiden oversize 5000
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "response 0 RESOURCE_EXHAUSTED frame of 5000 bytes is above the limit of 4096 bytes" ]
	[[ "${lines[1]}" == closed* ]]
	wait_log "frame of 5000 bytes is above the limit of 4096 bytes; closing"
	others_unaffected
}

@test "a frame announcing 4 GiB is refused before any memory is set aside" {
	run probe clerk-leiden oversize 4294967295
	[ "${lines[0]}" = "response 0 RESOURCE_EXHAUSTED frame of 4294967295 bytes is above the limit of 4096 bytes" ]
	[[ "${lines[1]}" == closed* ]]
	others_unaffected
}

@test "a truncated frame is dropped with the connection at the frame timeout" {
	run timeout 20 "$WIREPROBE" "127.0.0.1:$PORT" "$T/clerk-leiden/ca.pem" \
	    "$T/clerk-leiden/cert.pem" "$T/clerk-leiden/key.pem" truncated
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "response 1 OK " ]
	[[ "${lines[2]}" == closed* ]]
	wait_log "clerk-leiden (leiden, member) disconnected: frame timeout"
	wait_log "a message begun was not finished within 1 s (\[limits\] frame_timeout)"
	# The idle bystander is cut off by the idle timeout; new clients work.
	run as clerk-leiden status
	[ "$status" -eq 0 ]
}

@test "a frame that is not a protobuf gets INVALID_ARGUMENT and the connection closes" {
	run probe clerk-leiden garbage
	[ "${lines[0]}" = "response 0 INVALID_ARGUMENT frame is not a valid samen.v1.Frame" ]
	[[ "${lines[1]}" == closed* ]]
	others_unaffected
}

@test "an unknown request type gets INVALID_ARGUMENT and the connection stays usable" {
	run probe clerk-leiden unknown
	[ "${lines[0]}" = "response 1 OK " ]
	[ "${lines[2]}" = "response 2 INVALID_ARGUMENT unknown request type (field 999); this server speaks protocol 1" ]
	[ "${lines[3]}" = "response 3 OK " ]
	others_unaffected
}

@test "a client that sends an event instead of a request is cut off" {
	run probe clerk-leiden event
	[ "${lines[0]}" = "response 0 INVALID_ARGUMENT a client may only send requests" ]
	[[ "${lines[1]}" == closed* ]]
	others_unaffected
}

@test "the first request must be hello" {
	run probe clerk-leiden nohello
	[ "${lines[0]}" = "response 1 INVALID_ARGUMENT the first request must be hello" ]
	[ "${lines[1]}" = "response 2 OK " ]
	others_unaffected
}

@test "stats is for admins: a member is refused, the secretariat is answered" {
	run probe clerk-leiden stats
	[ "${lines[2]}" = "response 2 PERMISSION_DENIED stats is for the regional secretariat (admin) only; you are member" ]
	run probe secretariat stats
	[ "${lines[2]}" = "response 2 OK " ]
	# The bystander and this probe are connected; every request counted.
	[[ "${lines[3]}" == "stats connections=2 requests="* ]]
	others_unaffected
}

@test "a watcher is not cut by the idle timeout" {
	as secretariat --json watch >"$T/watch.out" 2>&1 &
	w=$!
	sleep 3.5
	as clerk-leiden agenda add --title "Na de stilte" --phase before >/dev/null
	for i in $(seq 1 50); do
		grep -q '"title":"Na de stilte"' "$T/watch.out" && break
		sleep 0.1
	done
	kill "$w"
	wait "$w" || true
	grep -q '"title":"Na de stilte"' "$T/watch.out"
	run grep -c "secretariat (region, admin) disconnected: idle timeout" "$T/samend.log"
	[ "$output" = 0 ]
}
