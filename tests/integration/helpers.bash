# Shared set-up for the integration tests: a private region under a
# throw-away directory, samend on 127.0.0.1 with a port the kernel picks
# (listen = 127.0.0.1:0; the daemon logs the port), clients configured
# from real bundles.  Every daemon started is stopped by its PID.

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BUILD=${BUILD:-build/default}
SAMEND="$ROOT/$BUILD/samend"
SAMEN="$ROOT/$BUILD/samen"
WIREPROBE="$ROOT/$BUILD/wireprobe"

MEMBERS="leiden=Leiden leiderdorp=Leiderdorp oegstgeest=Oegstgeest voorschoten=Voorschoten zoeterwoude=Zoeterwoude"

# Writes $T/samend.conf; extra lines (KEY = VALUE under [limits] etc.)
# come from the arguments, each "section.key=value".
write_config() {
	local conf="$T/samend.conf" kv sec key val s
	{
		echo "[server]"
		echo "listen = 127.0.0.1:0"
		echo "state_dir = $T/state"
		for kv in "$@"; do
			[ "${kv%%.*}" = server ] && echo "${kv#server.}" | sed 's/=/ = /'
		done
		for s in tls limits; do
			echo "[$s]"
			for kv in "$@"; do
				[ "${kv%%.*}" = "$s" ] && echo "${kv#$s.}" | sed 's/=/ = /'
			done
		done
	} >"$conf"
}

# Creates the Leiden region in $T with config lines from the arguments.
make_region() {
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/samen-test.XXXXXX")
	export T
	write_config "$@"
	local args=() m
	for m in $MEMBERS; do args+=(--member "$m"); done
	"$SAMEND" -c "$T/samend.conf" init --region "Leiden region" \
	    --election 2030-03-20 "${args[@]}" >"$T/init.log" 2>&1 || {
		cat "$T/init.log"
		return 1
	}
}

# Issues a bundle NAME.pem: issue NAME MUNICIPALITY ROLE [extra args].
issue() {
	local name=$1 muni=$2 role=$3
	shift 3
	"$SAMEND" -c "$T/samend.conf" pki issue --name "$name" \
	    --municipality "$muni" --role "$role" --out "$T/$name.pem" "$@" \
	    >/dev/null
}

# Starts samend in the background and waits (at most 10 s) for its port,
# reading only what this start logs.
start_samend() {
	local skip i
	touch "$T/samend.log"
	skip=$(wc -l <"$T/samend.log")
	"$SAMEND" -d -c "$T/samend.conf" >>"$T/samend.log" 2>&1 &
	echo $! >"$T/samend.pid"
	PORT=
	for i in $(seq 1 200); do
		if tail -n "+$((skip + 1))" "$T/samend.log" | grep -q "serving region"; then
			PORT=$(tail -n "+$((skip + 1))" "$T/samend.log" |
			    sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p')
			break
		fi
		kill -0 "$(cat "$T/samend.pid")" 2>/dev/null || break
		sleep 0.05
	done
	[ -n "$PORT" ] || {
		echo "samend did not start:"
		cat "$T/samend.log"
		return 1
	}
	# A restart keeps the port, so clients and their mirrors stay valid.
	sed -i "s/^listen = 127\.0\.0\.1:0$/listen = 127.0.0.1:$PORT/" "$T/samend.conf"
	export PORT
}

# The PID of the running samend.
samend_pid() {
	cat "$T/samend.pid"
}

# Stops samend by its PID: SIGTERM, at most 10 s, then SIGKILL.
stop_samend() {
	[ -f "$T/samend.pid" ] || return 0
	local pid i
	pid=$(cat "$T/samend.pid")
	kill -TERM "$pid" 2>/dev/null || { rm -f "$T/samend.pid"; return 0; }
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null
	SAMEND_STATUS=$?
	rm -f "$T/samend.pid"
}

# Cleans up after a test: stops samend, fails the test when the daemon
# reported a sanitizer error or a fatal error, removes $T.
cleanup() {
	local bad=0
	stop_samend
	if [ -f "$T/samend.log" ] && grep -qE \
	    'AddressSanitizer|LeakSanitizer|runtime error:|samend: fatal:' \
	    "$T/samend.log"; then
		echo "samend reported an error:"
		cat "$T/samend.log"
		bad=1
	fi
	[ -n "${T:-}" ] && [ -d "$T" ] && rm -rf "$T"
	return $bad
}

# Sets up a client configuration for bundle NAME in $T/NAME/.
client() {
	local name=$1
	"$SAMEN" setup "$T/$name.pem" --server "127.0.0.1:$PORT" \
	    --config "$T/$name/client.conf" >/dev/null
}

# Runs samen as NAME: as NAME status ...
as() {
	local name=$1
	shift
	"$SAMEN" --config "$T/$name/client.conf" "$@"
}

# Runs wireprobe with NAME's certificate: probe NAME MODE [ARG].
probe() {
	local name=$1
	shift
	"$WIREPROBE" "127.0.0.1:$PORT" "$T/$name/ca.pem" "$T/$name/cert.pem" \
	    "$T/$name/key.pem" "$@"
}

# Waits (at most 10 s) until the daemon's log matches a pattern.
wait_log() {
	local i
	for i in $(seq 1 100); do
		grep -q -- "$1" "$T/samend.log" && return 0
		sleep 0.1
	done
	echo "samend.log never matched: $1"
	cat "$T/samend.log"
	return 1
}

# Sets up a client for NAME by splitting the bundle by hand (for bundles
# that `samen setup` rightly refuses, such as an expired one).
client_raw() {
	local name=$1 dir="$T/$1"
	mkdir -p "$dir"
	awk -v d="$dir" '
		/-----BEGIN/ { n++ }
		{ f = (n == 1) ? d "/key.pem" : (n == 2) ? d "/cert.pem" : d "/ca.pem"; print > f }
	' "$T/$name.pem"
	chmod 600 "$dir/key.pem"
	printf '[client]\nserver = 127.0.0.1:%s\nca = ca.pem\ncert = cert.pem\nkey = key.pem\n' \
	    "$PORT" >"$dir/client.conf"
}
