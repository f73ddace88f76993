#!/usr/bin/env bats
# Abuse from the network and from authenticated clients: slowloris at
# the handshake and inside a frame, idle and flooding connections, the
# per-certificate cap, the request budget, a watcher that never reads,
# pipelining, huge repeated fields and hostile field values.  Each case:
# a clear Status or a closed connection, nothing stored that should not
# be, and the other clients served throughout.  (02_tls and 03_frames
# hold the simpler cases: a silent handshake, max_connections with held
# clients, oversize and garbage frames.)

load helpers

# Starts a region with the given config lines and three clients:
# clerk-leiden (member), bystander (member of leiderdorp), secretariat.
serve() {
	make_region "$@"
	issue clerk-leiden leiden member
	issue bystander leiderdorp member
	issue secretariat region admin
	start_samend
	client clerk-leiden
	client bystander
	client secretariat
}

setup() {
	BG=""
}

teardown() {
	local p
	for p in $BG; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	cleanup
}

# Asserts that the daemon still serves a well-behaved client.
still_serving() {
	run as bystander --json status
	[ "$status" -eq 0 ]
	[[ "$output" == *'"name":"bystander"'* ]]
	kill -0 "$(samend_pid)"
}

# True when LO <= X <= HI (decimals allowed).
between() {
	awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'
}

# The seconds in a probe's "closed after S s" line.
closed_after() {
	sed -n 's/^closed after \([0-9.]*\) s.*/\1/p' <<<"$1"
}

# samend's resident memory now, and at its peak, in KiB.
rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$(samend_pid)/status"
}
hwm_kb() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$(samend_pid)/status"
}

# What the store holds: entities, the rev and audit records.
db_state() {
	sqlite3 "$T/state/samen.db" "SELECT (SELECT count(*) FROM entity) || '/' ||
	    (SELECT value FROM meta WHERE key = 'rev') || '/' ||
	    (SELECT count(*) FROM audit)"
}

# Waits (at most 10 s) until FILE has a line matching a pattern.
wait_file() {
	local i
	for i in $(seq 1 100); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "$1 never matched: $2"
	cat "$1"
	return 1
}

@test "a TLS handshake trickled one byte a second is cut at handshake_timeout" {
	serve limits.handshake_timeout=2
	run probe clerk-leiden slowhs 10
	[ "$status" -eq 0 ]
	t=$(closed_after "$output")
	echo "slowhs: $output" >&3
	[ -n "$t" ]
	# Bytes kept coming, yet the deadline held: 2 s, not 10.
	between "$t" 1.5 4
	wait_log "refused: no TLS handshake within 2 s (\[limits\] handshake_timeout)"
	still_serving
}

@test "a frame begun and trickled one byte a second is cut at frame_timeout" {
	serve limits.frame_timeout=2 limits.idle_timeout=60
	run probe clerk-leiden midframe 10
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "response 1 OK " ]
	t=$(closed_after "$output")
	echo "midframe: ${lines[2]}" >&3
	[ -n "$t" ]
	# The trickle would keep an idle timer at bay; frame_timeout does not
	# move.
	between "$t" 1.5 4
	wait_log "clerk-leiden (leiden): a message begun was not finished within 2 s (\[limits\] frame_timeout)"
	wait_log "clerk-leiden (leiden, member) disconnected: frame timeout"
	still_serving
}

@test "an idle connection is closed at idle_timeout" {
	serve limits.idle_timeout=2
	run probe clerk-leiden idle 10
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "response 1 OK " ]
	t=$(closed_after "$output")
	[ -n "$t" ]
	between "$t" 1.5 4
	wait_log "clerk-leiden (leiden, member) disconnected: idle timeout"
	still_serving
}

@test "a flood of connections past max_connections: the established client keeps its service, the listener resumes below the limit" {
	serve limits.max_connections=12 limits.handshake_timeout=3
	probe bystander hold "$T/go" >"$T/bystander.out" &
	by=$!
	BG="$BG $by"
	wait_file "$T/bystander.out" '^response 1 OK'
	# 40 plain TCP connections that never speak: 11 fill the free slots
	# until handshake_timeout, the other 29 are refused at once.
	probe clerk-leiden conns 40 15 >"$T/flood.out" &
	flood=$!
	BG="$BG $flood"
	wait_file "$T/flood.out" '^conns opened=40 of 40'
	run as clerk-leiden status
	[ "$status" -eq 69 ]
	wait_log "too many connections (\[limits\] max_connections)"
	# The established client is answered while the flood holds the slots.
	touch "$T/go"
	wait "$by"
	run cat "$T/bystander.out"
	[[ "$output" == *"response 2 OK"* ]]
	wait "$flood"
	run cat "$T/flood.out"
	echo "flood: ${lines[1]}" >&3
	at_once=$(sed -n 's/.*closed_at_once=\([0-9]*\).*/\1/p' <<<"$output")
	later=$(sed -n 's/.*closed_later=\([0-9]*\).*/\1/p' <<<"$output")
	[ "$at_once" -ge 25 ]
	[ $((at_once + later)) -eq 40 ]
	[[ "$output" == *"still_open=0"* ]]
	# Those that held a slot were cut at handshake_timeout.
	last=$(sed -n 's/.*from [0-9.]* to \([0-9.]*\) s.*/\1/p' <<<"$output")
	between "$last" 2.5 5
	# Below the limit again (refused sockets linger 2 s to drain): served.
	for i in $(seq 1 20); do
		as clerk-leiden status >/dev/null 2>&1 && break
		sleep 0.5
	done
	run as clerk-leiden --json status
	[ "$status" -eq 0 ]
	still_serving
}

@test "one certificate holds at most max_connections_per_cert connections; others keep service" {
	serve limits.max_connections_per_cert=3
	for n in 1 2 3; do
		probe clerk-leiden hold "$T/go" >"$T/held$n.out" &
		BG="$BG $!"
	done
	for n in 1 2 3; do
		wait_file "$T/held$n.out" '^response 1 OK'
	done
	run probe clerk-leiden hello
	[ "$status" -eq 0 ]
	echo "fourth: ${lines[0]}" >&3
	[[ "${lines[0]}" == "response 0 RESOURCE_EXHAUSTED "*"max_connections_per_cert"* ]]
	wait_log "clerk-leiden.*max_connections_per_cert"
	# Another certificate is not affected, nor are the three held.
	still_serving
	touch "$T/go"
	for p in $BG; do wait "$p"; done
	BG=""
	for n in 1 2 3; do
		grep -q '^response 2 OK' "$T/held$n.out"
	done
	# Below the cap again.
	run as clerk-leiden status
	[ "$status" -eq 0 ]
}

@test "over the request budget: RESOURCE_EXHAUSTED, in order, nothing done, served again once refilled" {
	serve limits.request_rate=10 limits.request_burst=20
	before=$(db_state)
	# 60 puts back to back; the budget holds 20 (hello took one).
	run probe clerk-leiden flood 60 2.5
	[ "$status" -eq 0 ]
	echo "budget: ${lines[2]}" >&3
	ok=$(sed -n 's/^flood .* OK=\([0-9]*\).*/\1/p' <<<"$output")
	ex=$(sed -n 's/^flood .* RESOURCE_EXHAUSTED=\([0-9]*\).*/\1/p' <<<"$output")
	[[ "${lines[2]}" == "flood sent=60 answered=60 "* ]]
	[ "$ok" -ge 19 ] && [ "$ok" -le 25 ]
	[ $((ok + ex)) -eq 60 ]
	[[ "$output" == *"first RESOURCE_EXHAUSTED: request budget"* ]]
	# Answers come in the order of the requests, refusals included.
	[[ "${lines[2]}" == *" in_order=yes "* ]]
	# The same connection, after the bucket refilled, is served.
	[[ "$output" == *"response 62 OK"* ]]
	# Exactly the accepted puts were stored, plus the one after the
	# wait.
	n=$(sqlite3 "$T/state/samen.db" "SELECT count(*) FROM entity WHERE kind = 3")
	[ "$n" -eq $((ok + 1)) ]
	a=$(sqlite3 "$T/state/samen.db" "SELECT count(*) FROM audit")
	b=${before##*/}
	# an item is stored with its five decisions: six records each
	[ "$a" -eq $((b + 6 * (ok + 1))) ]
	wait_log "clerk-leiden (leiden): over the request budget"
	still_serving
}

@test "a watcher that never reads is cut off at watch_buffer and memory stays bounded" {
	# AddressSanitizer holds freed memory in quarantine: RSS bounds are
	# measured on the plain build.
	[ "$BUILD" != build/san ] ||
	    skip "memory bounds are measured on the plain build"
	serve limits.watch_buffer=262144 limits.max_text=1000000
	probe bystander stall "$T/go" >"$T/stall.out" &
	stall=$!
	BG="$BG $stall"
	probe secretariat noread 120 >"$T/noread.out" &
	BG="$BG $!"
	wait_file "$T/stall.out" '^response 2 OK'
	wait_file "$T/noread.out" '^response 2 OK'
	base=$(rss_kb)
	# 300 changes of 32 KiB: about 9.6 MiB of events for each watcher.
	run probe clerk-leiden puts 300 32768
	[ "$status" -eq 0 ]
	[ "$(grep -c '^put sent=1 answered=1 in_order=yes OK=1' <<<"$output")" -eq 300 ]
	wait_log "bystander (leiderdorp): you fell too far behind"
	wait_log "secretariat (region): you fell too far behind"
	rss=$(rss_kb)
	hwm=$(hwm_kb)
	# The bound: the baseline, plus for each of the two watchers its
	# watch_buffer and one more event frame in the kernel's socket
	# buffer's worth (2 x 2 x 256 KiB = 4 x watch_buffer), plus 8 MiB
	# for the writer's frames, SQLite's page cache and malloc slack.
	# Without the cut-off the two queues alone would pass it (19 MiB).
	bound=$((base + 4 * 256 + 8 * 1024))
	echo "watchers: VmRSS before ${base} KiB, after ${rss} KiB, peak ${hwm} KiB, bound ${bound} KiB" >&3
	[ "$rss" -le "$bound" ]
	[ "$hwm" -le "$bound" ]
	touch "$T/go"
	wait "$stall"
	run cat "$T/stall.out"
	# Cut off with the watch request's id (2), as samen.proto says.
	[[ "$output" == *"response 2 RESOURCE_EXHAUSTED you fell too far behind"* ]]
	[[ "$output" == *"closed"* ]]
	still_serving
}

@test "1,000 pipelined requests on one connection are all answered, in order" {
	serve
	run probe clerk-leiden pipeline 1000
	[ "$status" -eq 0 ]
	echo "${lines[2]}" >&3
	[ "${lines[2]}" = "pipeline sent=1000 answered=1000 in_order=yes OK=1000 RESOURCE_EXHAUSTED=0" ]
	still_serving
}

@test "puts and syncs pipelined on one connection, two watchers: every answer in order, every change watched" {
	serve
	for w in 1 2; do
		as bystander --json watch --since 0 >"$T/watch$w.out" \
		    2>"$T/watch$w.err" &
		BG="$BG $!"
	done
	# both watching before the first put (samend -d logs the state)
	for i in $(seq 1 100); do
		[ "$(grep -c 'ready -> watching' "$T/samend.log")" -ge 2 ] && break
		sleep 0.1
	done
	[ "$(grep -c 'ready -> watching' "$T/samend.log")" -eq 2 ]
	# Each put waits for its commit and the sync after it for the put;
	# that commit's answers resume the connection, whose next put starts
	# another commit in the same pass of samend's loop.  (The test build
	# stops samend if a write is left at the commit's priority.)
	run probe clerk-leiden mixed 40
	[ "$status" -eq 0 ]
	echo "${lines[2]}" >&3
	[ "${lines[2]}" = "mixed sent=40 answered=40 in_order=yes OK=40 RESOURCE_EXHAUSTED=0" ]
	for w in 1 2; do
		for i in $(seq 1 100); do
			[ "$(grep -o '"title":"mixed [0-9]*"' "$T/watch$w.out" |
			    sort -u | wc -l)" -ge 20 ] && break
			sleep 0.1
		done
		[ "$(grep -o '"title":"mixed [0-9]*"' "$T/watch$w.out" |
		    sort -u | wc -l)" -eq 20 ]
	done
	still_serving
}

@test "pipelined requests whose answers are not read do not grow samend without bound" {
	# AddressSanitizer holds freed memory in quarantine: RSS bounds are
	# measured on the plain build.
	[ "$BUILD" != build/san ] ||
	    skip "memory bounds are measured on the plain build"
	serve limits.max_text=1000000
	run probe clerk-leiden puts 50 100000
	[ "$(grep -c 'OK=1' <<<"$output")" -eq 50 ]
	base=$(rss_kb)
	# 20 syncs of the whole 5 MB agenda, sent before any answer is read:
	# 100 MB of answers if every one is queued at once.  A daemon that
	# stops reading while a connection's output is backed up holds one
	# or two at a time.  Bound: baseline + 48 MiB.
	run probe bystander pipeline 40 0
	[ "$status" -eq 0 ]
	[[ "${lines[2]}" == "pipeline sent=40 answered=40 in_order=yes OK=40 "* ]]
	hwm=$(hwm_kb)
	echo "pipelined syncs: VmRSS before ${base} KiB, peak ${hwm} KiB, bound $((base + 48 * 1024)) KiB" >&3
	[ "$hwm" -le $((base + 48 * 1024)) ]
	still_serving
}

@test "repeated fields filling a whole frame get a clear status; the daemon serves others" {
	serve
	before=$(db_state)
	base=$(rss_kb)
	for what in busy ranking participants weekdays; do
		run probe clerk-leiden repeated "$what" 1048576
		[ "$status" -eq 0 ]
		echo "$what: ${lines[2]} -> ${lines[3]}" >&3
		size=$(sed -n 's/.* in a frame of \([0-9]*\) bytes/\1/p' <<<"${lines[2]}")
		[ "$size" -le 1048576 ] && [ "$size" -ge 1048500 ]
		case $what in
		weekdays)
			# A plan proposal with a million Mondays: any clear answer.
			[[ "${lines[3]}" == "response 2 "* ]] ;;
		*)
			# Refused by the handler, or whole: decoding it would
			# take far more memory than the frame's size.
			[[ "${lines[3]}" == "response 2 INVALID_ARGUMENT "* ||
			    "${lines[3]}" == "response 0 RESOURCE_EXHAUSTED frame would take more than "*" bytes of memory to read"* ]] ;;
		esac
		# The connection is still usable, or closed, never hung.
		[[ "${lines[4]}" == "response 3 OK " || "${lines[4]}" == closed* ]]
		still_serving
	done
	[ "$(db_state)" = "$before" ]
	echo "repeated: VmRSS before ${base} KiB, after $(rss_kb) KiB, peak $(hwm_kb) KiB" >&3
}

# The bad-values cases: one request built field by field, sent by the
# clerk (or the secretariat).  Paths are field numbers of samen.proto
# from Request down.
AGENDA=6.1.12	# put.entity.agenda_item
MEETING=6.1.15	# put.entity.meeting
DOSSIER=6.1.17	# put.entity.dossier
DECISION=6.1.13	# put.entity.decision
RANKING=6.1.14	# put.entity.ranking
BUSY=6.1.16.1	# put.entity.availability.busy
ID=6.1.1	# put.entity.id

# send WHO SPEC...: runs the probe; $output holds its lines.
send() {
	local who=$1
	shift
	run probe "$who" send "$@"
	[ "$status" -eq 0 ]
}

# refused CODES TEXT: the request got one of CODES (a|b) with TEXT in
# its message, the message is valid UTF-8 (what a strict protobuf
# decoder demands of a string), and the connection stayed usable.
refused() {
	[[ "${lines[2]}" =~ ^response\ 2\ ($1)\  && "${lines[2]}" == *"$2"* ]] || {
		echo "expected $1 '$2', got: ${lines[2]}"
		return 1
	}
	printf '%s' "${lines[2]}" | iconv -f UTF-8 -t UTF-8 >/dev/null || {
		echo "the status message is not UTF-8: ${lines[2]}"
		return 1
	}
	[ "${lines[3]}" = "response 3 OK " ]
}

@test "invalid UTF-8 and control characters in strings are refused; nothing stored" {
	serve
	before=$(db_state)
	for bad in '\xff\xfe' '\xc0\xaf' '\xed\xa0\x80' '\xf4\x90\x80\x80' \
	    'abc\xe2\x82' 'x\x1b[31mred' 'del\x7f'; do
		send clerk-leiden "$AGENDA.1=T $bad" "$AGENDA.4#=1"
		refused INVALID_ARGUMENT "title is not valid UTF-8 text"
		send clerk-leiden "$AGENDA.1=ok" "$AGENDA.2=D $bad" "$AGENDA.4#=1"
		refused INVALID_ARGUMENT "description is not valid UTF-8 text"
		send clerk-leiden "$DOSSIER.1=T $bad" "$DOSSIER.3=leiden" "$DOSSIER.4=leiden"
		refused INVALID_ARGUMENT "title is not valid UTF-8 text"
	done
	send clerk-leiden "$ID=A1\xff" "$AGENDA.1=ok" "$AGENDA.4#=1"
	refused 'INVALID_ARGUMENT|NOT_FOUND' "A1"
	[ "$(db_state)" = "$before" ]
	still_serving
}

# nul_refused: the frame with a NUL in a string was refused whole (the
# string never reaches the handlers, where C would see only its first
# part), with the reason, and the connection closed.
nul_refused() {
	[ "${lines[2]}" = "response 0 INVALID_ARGUMENT a string in the frame holds a NUL byte; text is UTF-8 without NUL" ] || {
		echo "expected the NUL refusal, got: ${lines[2]}"
		return 1
	}
	[[ "${lines[3]}" == closed* ]]
}

@test "strings with NUL bytes are refused, not cut short and stored" {
	serve
	before=$(db_state)
	send clerk-leiden "$AGENDA.1=Zichtbaar\0verborgen" "$AGENDA.4#=1"
	nul_refused
	send clerk-leiden "$AGENDA.1=ok" "$AGENDA.6=leiden\0' OR 1=1" "$AGENDA.4#=1"
	nul_refused
	[ "$(db_state)" = "$before" ]
	run as secretariat --json agenda list
	[[ "$output" != *"Zichtbaar"* ]]
	still_serving
}

@test "dates that do not exist are refused wherever a date goes; nothing stored" {
	serve
	send clerk-leiden "$AGENDA.1=Basis" "$AGENDA.4#=1"
	[[ "${lines[3]}" == "put A1 "* ]]
	before=$(db_state)
	for d in 2030-02-30 2030-02-29 2030-13-01 2030-00-10 2030-04-31 \
	    0000-01-01 2030-2-3 20300101 '２０３０-01-01' \
	    '2030-01-01T00:00' ' 2030-01-01'; do
		send clerk-leiden "$DOSSIER.1=T" "$DOSSIER.3=leiden" \
		    "$DOSSIER.4=leiden" "$DOSSIER.5=$d"
		refused INVALID_ARGUMENT "due_date"
		# (A1's decisions exist already: force skips the rev check.)
		send secretariat "$ID=A1/leiden" "$DECISION.2=$d" 6.3#=1
		refused INVALID_ARGUMENT "meeting_date"
		send clerk-leiden "$ID=leiden" "$BUSY.1=$d"
		refused INVALID_ARGUMENT "busy date"
		send clerk-leiden 13.3="$d"
		refused INVALID_ARGUMENT "date"
		send clerk-leiden 15.1#=1 15.4="$d"
		refused INVALID_ARGUMENT "from"
	done
	# The region's own dates (admin).
	send secretariat "$ID=region" 6.1.10.1=R 6.1.10.2=Europe/Amsterdam \
	    6.1.10.3=2030-02-30 6.1.10.4=2030-04-03 6.3#=1
	refused INVALID_ARGUMENT "election_date"
	[ "$(db_state)" = "$before" ]
	still_serving
}

@test "negative and huge numbers get a clear status; nothing absurd is stored and the scheduler keeps working" {
	serve
	send clerk-leiden "$AGENDA.1=Basis" "$AGENDA.4#=1"
	before=$(db_state)
	m() { send clerk-leiden "$MEETING.1=M" "$MEETING.2#=5" "$MEETING.5=leiden" "$@"; }
	m "$MEETING.3#=-100" "$MEETING.4#=-50"
	refused INVALID_ARGUMENT "start"
	m "$MEETING.3#=1" "$MEETING.4#=-9223372036854775808"
	refused INVALID_ARGUMENT ""
	m "$MEETING.3#=-9223372036854775808" "$MEETING.4#=9223372036854775807"
	refused INVALID_ARGUMENT ""
	# A meeting 292 billion years from now, and one in the year 10000.
	m "$MEETING.3#=9223372036854775797" "$MEETING.4#=9223372036854775807"
	refused INVALID_ARGUMENT ""
	m "$MEETING.3#=253402300800" "$MEETING.4#=253402304400"
	refused INVALID_ARGUMENT ""
	m "$MEETING.3#=1900000000" "$MEETING.4#=1900003600" "$MEETING.9#=-1"
	refused INVALID_ARGUMENT "status"
	# Enums out of range, either sign.
	send clerk-leiden "$AGENDA.1=x" "$AGENDA.4#=-1"
	refused INVALID_ARGUMENT "phase"
	send clerk-leiden "$AGENDA.1=x" "$AGENDA.4#=1" "$AGENDA.5#=2147483647"
	refused INVALID_ARGUMENT "status"
	send clerk-leiden "$AGENDA.1=x" "$AGENDA.4#=1" "$AGENDA.9#=-2147483648"
	refused INVALID_ARGUMENT "source"
	send clerk-leiden "$DOSSIER.1=T" "$DOSSIER.3=leiden" "$DOSSIER.4=leiden" "$DOSSIER.6#=99"
	refused INVALID_ARGUMENT "state"
	# Revs at the top of the range.
	send clerk-leiden "$ID=A1" "$AGENDA.1=x" "$AGENDA.4#=1" 6.2#=18446744073709551615
	refused CONFLICT "it is now at rev"
	send secretariat 7.1#=3 7.2=A1 7.3#=18446744073709551615
	refused CONFLICT ""
	[ "$(db_state)" = "$before" ]
	# Reads with extreme arguments answer sensibly.
	# A since_rev beyond the server's rev: nothing to send, or start
	# again; never "everything" (a rev read as a negative number).
	send clerk-leiden 3.1#=18446744073709551615 3.2#=4294967295
	[[ "${lines[3]}" == "sync changes=0 "* ||
	    "${lines[2]}" =~ ^response\ 2\ (RESYNC_REQUIRED|INVALID_ARGUMENT) ]]
	for y in -2147483648 0 2147483647; do
		send clerk-leiden 12.1#=$y
		refused INVALID_ARGUMENT "year"
	done
	send clerk-leiden 15.1#=4294967295
	refused INVALID_ARGUMENT "count"
	send clerk-leiden 15.1#=0
	[[ "${lines[2]}" == "response 2 "* ]]
	send clerk-leiden 15.1#=1 15.8#=4294967295
	refused INVALID_ARGUMENT "duration"
	send clerk-leiden 15.1#=1 15.9#=4294967295
	[[ "${lines[2]}" == "response 2 "* ]]
	send clerk-leiden 15.1#=1 15.6#=4294967295
	refused INVALID_ARGUMENT "weekdays"
	send secretariat 9.1#=18446744073709551615 9.2#=4294967295
	[ "${lines[2]}" = "response 2 OK " ]
	# After all that the scheduler still plans.
	send clerk-leiden 15.1#=1
	[ "${lines[2]}" = "response 2 OK " ]
	run as clerk-leiden meeting list
	[ "$status" -eq 0 ]
	[[ "$output" != *"1900-01-00"* ]]
	still_serving
}

@test "ids of another kind are refused or not found; nothing stored" {
	serve
	send clerk-leiden "$AGENDA.1=Basis" "$AGENDA.4#=1"
	[[ "${lines[3]}" == "put A1 "* ]]
	before=$(db_state)
	# An update of an id of another kind: refused, or not found (it is
	# looked up first).
	send clerk-leiden "$ID=M1" "$AGENDA.1=x" "$AGENDA.4#=1"
	refused 'INVALID_ARGUMENT|NOT_FOUND' "M1"
	send clerk-leiden "$ID=leiden" "$AGENDA.1=x" "$AGENDA.4#=1"
	refused 'INVALID_ARGUMENT|NOT_FOUND' "leiden"
	send clerk-leiden "$ID=A1" "$MEETING.1=M" "$MEETING.2#=5" "$MEETING.3#=1900000000" "$MEETING.4#=1900003600" "$MEETING.5=leiden"
	refused 'INVALID_ARGUMENT|NOT_FOUND' "A1"
	send clerk-leiden "$ID=A1" "$DOSSIER.1=T" "$DOSSIER.3=leiden" "$DOSSIER.4=leiden"
	refused 'INVALID_ARGUMENT|NOT_FOUND' "A1"
	send clerk-leiden "$MEETING.1=M" "$MEETING.2#=5" "$MEETING.3#=1900000000" "$MEETING.4#=1900003600" "$MEETING.5=A1"
	refused INVALID_ARGUMENT "host 'A1' is not a municipality"
	send clerk-leiden "$MEETING.1=M" "$MEETING.2#=5" "$MEETING.3#=1900000000" "$MEETING.4#=1900003600" "$MEETING.5=leiden" "$MEETING.8=leiden"
	refused INVALID_ARGUMENT "item_ids"
	send clerk-leiden "$DOSSIER.1=T" "$DOSSIER.3=leiden" "$DOSSIER.4=A1"
	refused INVALID_ARGUMENT "to 'A1' is not a municipality"
	send clerk-leiden "$ID=A1" "$RANKING.1=A1"
	refused INVALID_ARGUMENT "not a municipality"
	send clerk-leiden "$ID=leiden" "$RANKING.1=M1"
	refused INVALID_ARGUMENT "'M1' is not an agenda item"
	send clerk-leiden "$ID=leiden" "$RANKING.1=region"
	refused INVALID_ARGUMENT "is not an agenda item"
	send clerk-leiden "$ID=M1/leiden" "$DECISION.1#=2"
	refused 'INVALID_ARGUMENT|NOT_FOUND' "M1"
	send clerk-leiden "$ID=A1/A1" "$DECISION.1#=2"
	refused 'INVALID_ARGUMENT|NOT_FOUND' "A1"
	send clerk-leiden "$ID=region" "$BUSY.1=2030-05-01"
	refused INVALID_ARGUMENT ""
	send secretariat 7.1#=3 7.2=leiden
	refused NOT_FOUND ""
	send secretariat 7.1#=2 7.2=A1
	refused NOT_FOUND ""
	[ "$(db_state)" = "$before" ]
	still_serving
}

@test "ids with SQL metacharacters match nothing and change nothing; such text is stored verbatim" {
	serve
	send clerk-leiden "$AGENDA.1=Basis" "$AGENDA.4#=1"
	before=$(db_state)
	for id in "A1' OR '1'='1" '"; DROP TABLE entity; --' "A1'--" 'A%' 'A_' \
	    "A1; DELETE FROM entity"; do
		send clerk-leiden "$ID=$id" "$AGENDA.1=x" "$AGENDA.4#=1"
		refused 'INVALID_ARGUMENT|NOT_FOUND' ""
		send clerk-leiden "$ID=$id/leiden" "$DECISION.1#=2"
		refused 'INVALID_ARGUMENT|NOT_FOUND' ""
		send clerk-leiden "$ID=leiden$id" "$RANKING.1=A1"
		refused INVALID_ARGUMENT "not a municipality"
		send secretariat 7.1#=3 "7.2=$id"
		refused NOT_FOUND ""
		send clerk-leiden "13.5=$id"
		[[ "${lines[2]}" == "response 2 "* ]]
		[[ "${lines[2]}" != *INTERNAL* && "${lines[2]}" != *UNAVAILABLE* ]]
	done
	[ "$(db_state)" = "$before" ]
	# As text it is just text: stored and read back byte for byte.
	title="\"; DROP TABLE entity; -- ' OR '1'='1 %_"
	send clerk-leiden "$AGENDA.1=$title" "$AGENDA.4#=1"
	[ "${lines[2]}" = "response 2 OK " ]
	id=$(sed -n 's/^put \(A[0-9]*\) .*/\1/p' <<<"$output")
	run as secretariat --json agenda show "$id"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"title":"\"; DROP TABLE entity; -- '"' OR '1'='1 %_"'"'* ]]
	[ "$(sqlite3 "$T/state/samen.db" 'PRAGMA integrity_check')" = ok ]
	run as secretariat audit verify
	[ "$status" -eq 0 ]
	still_serving
}
