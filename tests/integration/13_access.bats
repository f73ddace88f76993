#!/usr/bin/env bats
# Who gets in, beyond 02_tls (no certificate, another CA, revoked before
# connecting, expired, TLS versions): a certificate not yet valid, one
# revoked while its connection is open, the wrong key usage, a
# certificate of our CA that names a municipality not in the region or
# an unknown role; and testssl.sh's view of the listener.

load helpers

setup() {
	BG=""
	make_region
	issue clerk-leiden leiden member
	issue secretariat region admin
	start_samend
	client clerk-leiden
	client secretariat
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
	run as clerk-leiden --json status
	[ "$status" -eq 0 ]
	[[ "$output" == *'"name":"clerk-leiden"'* ]]
	kill -0 "$(samend_pid)"
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

# Makes a bundle NAME.pem that `samend pki issue` would refuse to make,
# signed with the region's own CA key, and a client for it:
# craft NAME SUBJECT EXTENDED_KEY_USAGE.
craft() {
	local name=$1 subj=$2 eku=$3
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 \
	    -out "$T/$name.key" 2>/dev/null
	openssl req -new -key "$T/$name.key" -subj "$subj" -out "$T/$name.csr"
	printf '%s\n' 'basicConstraints=critical,CA:FALSE' \
	    'keyUsage=critical,digitalSignature' \
	    "extendedKeyUsage=$eku" 'authorityKeyIdentifier=keyid' >"$T/$name.ext"
	openssl x509 -req -in "$T/$name.csr" -CA "$T/state/pki/ca.pem" \
	    -CAkey "$T/state/pki/ca-key.pem" -CAcreateserial \
	    -CAserial "$T/serial" -days 30 -extfile "$T/$name.ext" \
	    -out "$T/$name.crt" 2>/dev/null
	openssl verify -CAfile "$T/state/pki/ca.pem" "$T/$name.crt" >/dev/null
	cat "$T/$name.key" "$T/$name.crt" "$T/state/pki/ca.pem" >"$T/$name.pem"
	client_raw "$name"
}

# A client for a certificate and key given as files: client_files NAME
# CERT KEY.
client_files() {
	local dir="$T/$1"
	mkdir -p "$dir"
	cp "$2" "$dir/cert.pem"
	cp "$3" "$dir/key.pem"
	chmod 600 "$dir/key.pem"
	cp "$T/state/pki/ca.pem" "$dir/ca.pem"
	printf '[client]\nserver = 127.0.0.1:%s\nca = ca.pem\ncert = cert.pem\nkey = key.pem\n' \
	    "$PORT" >"$dir/client.conf"
}

@test "a certificate not yet valid is refused at the handshake, and the clerk is told" {
	from="$(( $(date +%Y) + 1 ))-01-01"
	issue early-clerk leiden member --valid-from "$from"
	client_raw early-clerk
	run as early-clerk status
	[ "$status" -eq 69 ]
	[[ "$output" == *"the server refused this certificate"* ]]
	wait_log "refused: client certificate refused: certificate is not yet valid"
	still_serving
}

@test "a certificate revoked while connected: SIGHUP closes its connection, the others stay" {
	issue desk oegstgeest observer
	client desk
	probe desk hold "$T/go" >"$T/desk.out" &
	desk=$!
	probe clerk-leiden hold "$T/go" >"$T/clerk.out" &
	clerk=$!
	BG="$desk $clerk"
	wait_file "$T/desk.out" '^response 1 OK'
	wait_file "$T/clerk.out" '^response 1 OK'
	"$SAMEND" -c "$T/samend.conf" pki revoke --name desk >/dev/null
	kill -HUP "$(samend_pid)"
	wait_log "reloaded configuration"
	wait_log "desk (oegstgeest): certificate revoked"
	wait_log "desk (oegstgeest, observer) disconnected"
	touch "$T/go"
	wait "$desk" "$clerk"
	BG=""
	run cat "$T/desk.out"
	echo "held by desk: ${lines[2]}" >&3
	# Told why, with the connection's frame id 0, and nothing more.
	[[ "${lines[2]}" == "response 0 PERMISSION_DENIED certificate revoked"* ]]
	[[ "$output" != *"response 2 OK"* ]]
	run cat "$T/clerk.out"
	[[ "$output" == *"response 2 OK"* ]]
	run as desk status
	[ "$status" -eq 69 ]
	[[ "$output" == *"it has been revoked"* ]]
	still_serving
}

@test "wrong key usage: the server's certificate, a server-only member certificate and the CA itself are refused as clients" {
	# The daemon's own certificate and key (serverAuth only).
	client_files server "$T/state/pki/server.pem" "$T/state/pki/server-key.pem"
	run as server status
	[ "$status" -eq 69 ]
	[[ "$output" == *"the server refused this certificate"* ]]
	wait_log "refused: client certificate refused: unsuitable certificate purpose"
	# A member's name, but issued for servers: refused for its purpose,
	# not for its name.
	craft web-clerk "/O=leiden/OU=member/CN=web-clerk" serverAuth
	run as web-clerk status
	[ "$status" -eq 69 ]
	[ "$(grep -c 'refused: client certificate refused: unsuitable certificate purpose' "$T/samend.log")" -ge 2 ]
	# The CA certificate and its key.
	client_files ca "$T/state/pki/ca.pem" "$T/state/pki/ca-key.pem"
	run as ca status
	[ "$status" -eq 69 ]
	[ "$(grep -c 'refused' "$T/samend.log")" -ge 3 ]
	run grep -E "(web-clerk|samen region CA|127\.0\.0\.1) \(.*connected" "$T/samend.log"
	[ "$status" -ne 0 ]
	still_serving
}

@test "our CA's certificate for a municipality not in the region is refused after the handshake, with the reason" {
	craft ghost "/O=katwijk/OU=member/CN=ghost" clientAuth
	run as ghost status
	[ "$status" -ne 0 ]
	echo "ghost: $output" >&3
	[[ "$output" == *"names municipality 'katwijk', which is not in this region"* ]]
	wait_log "ghost (katwijk): certificate ghost names municipality 'katwijk', which is not in this region"
	# Issued properly, then the municipality left the region.
	issue clerk-voorschoten voorschoten member
	client clerk-voorschoten
	run as clerk-voorschoten status
	[ "$status" -eq 0 ]
	run probe secretariat send 7.1#=2 7.2=voorschoten
	[ "${lines[2]}" = "response 2 OK " ]
	run as clerk-voorschoten status
	[ "$status" -ne 0 ]
	[[ "$output" == *"names municipality 'voorschoten', which is not in this region"* ]]
	wait_log "clerk-voorschoten (voorschoten): certificate clerk-voorschoten names municipality 'voorschoten'"
	still_serving
}

@test "our CA's certificate with an unknown role, or a role that does not fit its O, is refused; the log and the clerk say why" {
	craft boss "/O=leiden/OU=boss/CN=boss" clientAuth
	craft region-member "/O=region/OU=member/CN=region-member" clientAuth
	craft town-admin "/O=leiden/OU=admin/CN=town-admin" clientAuth
	run as boss status
	[ "$status" -ne 0 ]
	echo "boss: $output" >&3
	wait_log "refused: certificate role (OU) is not admin, member or observer"
	[[ "$output" == *"role"* ]]
	run as region-member status
	[ "$status" -ne 0 ]
	wait_log "refused: a member certificate must name a municipality, not region"
	[[ "$output" == *"municipality"* ]]
	run as town-admin status
	[ "$status" -ne 0 ]
	wait_log "refused: an admin certificate must have O=region"
	[[ "$output" == *"admin"* ]]
	still_serving
}

# Runs testssl.sh against the daemon with the checks asked for (protocols,
# cipher categories, RC4, compression, renegotiation) into $T/testssl.csv.
# testssl.sh 3.0 (Debian 12) has no --mtls: the handshake is refused at
# the client certificate, after the server has shown its protocol and
# cipher; newer versions get the clerk's bundle.
run_testssl() {
	local bin mtls=()
	bin=$(command -v testssl || command -v testssl.sh) ||
	    skip "testssl.sh is not installed (Debian package testssl.sh; scripts/deps.sh installs it)"
	# The TLS set-up is the same code in both builds: one scan will do.
	[ "$BUILD" != build/san ] ||
	    skip "testssl.sh runs in the plain build's pass of make check"
	"$bin" --help 2>&1 | grep -q -- '--mtls' &&
	    mtls=(--mtls "$T/clerk-leiden.pem")
	(cd "$T" && timeout 150 "$bin" --quiet --color 0 --warnings off \
	    -n none --connect-timeout 5 --openssl-timeout 5 "${mtls[@]}" \
	    -p -s -4 -C -R --csvfile "$T/testssl.csv" "127.0.0.1:$PORT" \
	    >"$T/testssl.out" 2>&1) || true
	[ -s "$T/testssl.csv" ] || {
		cat "$T/testssl.out"
		return 1
	}
	# The summary lines, to be quoted.
	sed -n '/^ SSLv2/,/^ Done/p' "$T/testssl.out" | grep -v '^ *$' |
	    sed 's/^/testssl: /' >&3
}

# The finding testssl.sh recorded for an id.
finding() {
	awk -F'","' -v id="$1" '$1 == "\"" id { print $5 }' "$T/testssl.csv"
}

# Asserts a finding starts with the given words.
expect() {
	local f
	f=$(finding "$1")
	[[ "$f" == "$2"* ]] || {
		echo "testssl.sh $1: '$f', expected '$2'"
		return 1
	}
}

@test "testssl.sh, default min_version 1.3: only TLS 1.3, no weak cipher, no compression, no renegotiation" {
	run_testssl
	expect SSLv2 "not offered"
	expect SSLv3 "not offered"
	expect TLS1 "not offered"
	expect TLS1_1 "not offered"
	expect TLS1_2 "not offered"
	expect TLS1_3 "offered"
	for c in NULL aNULL EXPORT LOW 3DES_IDEA AVERAGE; do
		expect "cipherlist_$c" "not offered"
	done
	expect cipherlist_STRONG "offered"
	[[ "$(finding RC4)" == *"not vulnerable"* || "$(finding RC4)" == *"no RC4"* ]]
	[[ "$(finding CRIME_TLS)" == "not vulnerable"* || "$(finding CRIME_TLS)" == *"TLS 1.3 only"* ]]
	[[ "$(finding secure_renego)" == *"TLS 1.3 only"* ]]
	[[ "$(finding secure_client_renego)" == *"TLS 1.3 only"* ]]
}

@test "testssl.sh, min_version 1.2: TLS 1.2 and 1.3 only, no weak cipher, no compression, no client renegotiation" {
	[ -n "${SAMEN_SLOW_TESTS:-}" ] ||
	    skip "another minute of testssl.sh; set SAMEN_SLOW_TESTS=1 to run it"
	stop_samend
	printf '[tls]\nmin_version = 1.2\n' >>"$T/samend.conf"
	start_samend
	run_testssl
	expect SSLv2 "not offered"
	expect SSLv3 "not offered"
	expect TLS1 "not offered"
	expect TLS1_1 "not offered"
	expect TLS1_2 "offered"
	expect TLS1_3 "offered"
	for c in NULL aNULL EXPORT LOW 3DES_IDEA; do
		expect "cipherlist_$c" "not offered"
	done
	[[ "$(finding RC4)" == *"not vulnerable"* || "$(finding RC4)" == *"no RC4"* ]]
	expect CRIME_TLS "not vulnerable"
	expect secure_renego "supported"
	# testssl.sh cannot try a client-initiated renegotiation without a
	# client certificate; the clerk's own certificate can, and is refused.
	run timeout 10 sh -c "(echo R; sleep 2) | openssl s_client \
	    -connect 127.0.0.1:$PORT -tls1_2 -CAfile '$T/state/pki/ca.pem' \
	    -cert '$T/clerk-leiden.pem' -key '$T/clerk-leiden.pem' 2>&1"
	[[ "$output" == *"Protocol  : TLSv1.2"* ]]
	[[ "$output" == *"RENEGOTIATING"* ]]
	[[ "$output" == *"no renegotiation"* ]]
	still_serving
}
