#!/usr/bin/env bats
# Who gets in: certificates refused at the handshake, non-TLS peers,
# handshake timeout, connection limit, SIGHUP rotation, SIGTERM.

load helpers

setup() {
	make_region limits.handshake_timeout=1 limits.max_connections=3
	issue clerk-leiden leiden member
	start_samend
	client clerk-leiden
}

teardown() {
	cleanup
}

# Asserts that the daemon still serves a well-behaved client.
still_serving() {
	run as clerk-leiden --json status
	[ "$status" -eq 0 ]
	[[ "$output" == *'"name":"clerk-leiden"'* ]]
	kill -0 "$(samend_pid)"
}

@test "a client without a certificate is refused at the handshake" {
	run timeout 10 openssl s_client -connect "127.0.0.1:$PORT" \
	    -CAfile "$T/state/pki/ca.pem" -quiet </dev/null
	wait_log "refused: client sent no certificate"
	still_serving
}

@test "a certificate of another CA is refused, and the clerk is told why" {
	T2=$(mktemp -d)
	printf '[server]\nstate_dir = %s/state\n' "$T2" >"$T2/c.conf"
	"$SAMEND" -c "$T2/c.conf" init --region Elsewhere --member leiden=Leiden >/dev/null
	"$SAMEND" -c "$T2/c.conf" pki issue --name intruder --municipality leiden \
	    --role admin --out "$T/intruder.pem" >/dev/null 2>&1 ||
	"$SAMEND" -c "$T2/c.conf" pki issue --name intruder --municipality region \
	    --role admin --out "$T/intruder.pem" >/dev/null
	rm -rf "$T2"
	client_raw intruder
	# Trust our server's CA, present the other region's certificate.
	cp "$T/state/pki/ca.pem" "$T/intruder/ca.pem"
	run as intruder status
	[ "$status" -eq 69 ]
	[[ "$output" == *"it was not issued by this region"* ]]
	wait_log "refused: client certificate refused: unable to get local issuer certificate"
	still_serving
}

@test "a revoked certificate is refused after a reload" {
	issue desk oegstgeest observer
	client desk
	run as desk status
	[ "$status" -eq 0 ]
	"$SAMEND" -c "$T/samend.conf" pki revoke --name desk >/dev/null
	kill -HUP "$(samend_pid)"
	wait_log "reloaded configuration"
	run as desk status
	[ "$status" -eq 69 ]
	[[ "$output" == *"it has been revoked"* ]]
	wait_log "refused: client certificate refused: certificate revoked"
	still_serving
}

@test "an expired certificate is refused" {
	issue old-clerk leiden member --valid-from 2020-01-01 --days 30
	client_raw old-clerk
	run as old-clerk status
	[ "$status" -eq 69 ]
	[[ "$output" == *"it has expired"* ]]
	wait_log "refused: client certificate refused: certificate has expired"
	still_serving
}

@test "setup refuses an expired bundle" {
	issue old-clerk leiden member --valid-from 2020-01-01 --days 30
	run "$SAMEN" setup "$T/old-clerk.pem" --server "127.0.0.1:$PORT" --config "$T/x/client.conf"
	[ "$status" -eq 65 ]
	[[ "$output" == *"certificate has expired"* ]]
}

@test "a plaintext client is dropped and the daemon keeps serving" {
	exec 7<>"/dev/tcp/127.0.0.1/$PORT"
	printf 'GET / HTTP/1.0\r\nHost: x\r\n\r\n' >&7
	run timeout 5 cat <&7
	exec 7<&-
	[ "$status" -ne 124 ]
	wait_log "refused: not a TLS client"
	still_serving
}

@test "random bytes are dropped and the daemon keeps serving" {
	exec 7<>"/dev/tcp/127.0.0.1/$PORT"
	head -c 4096 /dev/urandom >&7 || true
	run timeout 5 cat <&7
	exec 7<&-
	[ "$status" -ne 124 ]
	wait_log "127.0.0.1:[0-9]*: refused"
	still_serving
}

@test "a connection that never completes its handshake is closed after handshake_timeout" {
	exec 7<>"/dev/tcp/127.0.0.1/$PORT"
	start=$(date +%s)
	run timeout 10 cat <&7
	end=$(date +%s)
	exec 7<&-
	[ "$status" -eq 0 ]
	[ $((end - start)) -le 5 ]
	wait_log "refused: no TLS handshake within 1 s (\[limits\] handshake_timeout)"
	still_serving
}

@test "connections above max_connections are refused; the others are served" {
	probe clerk-leiden hold "$T/go1" >"$T/p1.out" &
	p1=$!
	probe clerk-leiden hold "$T/go2" >"$T/p2.out" &
	p2=$!
	probe clerk-leiden hold "$T/go3" >"$T/p3.out" &
	p3=$!
	for i in $(seq 1 100); do
		[ "$(cat "$T"/p?.out | grep -c '^response 1 OK')" -eq 3 ] && break
		sleep 0.1
	done
	run as clerk-leiden status
	[ "$status" -eq 69 ]
	wait_log "too many connections (\[limits\] max_connections)"
	touch "$T/go1" "$T/go2" "$T/go3"
	wait "$p1" "$p2" "$p3"
	[ "$(grep -c '^response 2 OK' "$T/p1.out" "$T/p2.out" "$T/p3.out" | grep -c ':1$')" -eq 3 ]
	still_serving
}

@test "SIGHUP with a rotated server certificate: open connections stay, new ones see the new certificate" {
	old=$(openssl x509 -in "$T/state/pki/server.pem" -noout -serial)
	probe clerk-leiden hold "$T/go" >"$T/held.out" &
	held=$!
	for i in $(seq 1 100); do
		grep -q '^response 1 OK' "$T/held.out" && break
		sleep 0.1
	done
	run "$SAMEND" -c "$T/samend.conf" pki server-cert
	[ "$status" -eq 0 ]
	new=$(openssl x509 -in "$T/state/pki/server.pem" -noout -serial)
	[ "$old" != "$new" ]
	kill -HUP "$(samend_pid)"
	wait_log "reloaded configuration"
	seen=$(timeout 10 openssl s_client -connect "127.0.0.1:$PORT" \
	    -CAfile "$T/state/pki/ca.pem" -cert "$T/clerk-leiden.pem" \
	    -key "$T/clerk-leiden.pem" </dev/null 2>/dev/null |
	    openssl x509 -noout -serial)
	[ "$seen" = "$new" ]
	touch "$T/go"
	wait "$held"
	run cat "$T/held.out"
	[[ "$output" == *"response 2 OK"* ]]
	still_serving
}

@test "a bad configuration on SIGHUP is refused and the old one stays in force" {
	cp "$T/samend.conf" "$T/good.conf"
	printf '[limits]\nmax_frame = tiny\n' >>"$T/samend.conf"
	kill -HUP "$(samend_pid)"
	wait_log "reload refused, the old configuration stays in force:.*max_frame must be a whole number"
	still_serving
}

@test "a CRL that is not the region CA's is refused on SIGHUP and at start, naming the file" {
	local other="$T/other"
	mkdir -p "$other"
	printf '[server]\nlisten = 127.0.0.1:0\nstate_dir = %s/state\n' \
	    "$other" >"$other/samend.conf"
	"$SAMEND" -c "$other/samend.conf" init --region "Elders" \
	    --election 2030-03-20 --member noord=Noord >/dev/null
	"$SAMEND" -c "$other/samend.conf" pki issue --name x \
	    --municipality noord --role member --out "$other/x.pem" >/dev/null
	"$SAMEND" -c "$other/samend.conf" pki revoke --name x >/dev/null
	cp "$T/state/pki/crl.pem" "$T/good-crl.pem"
	cp "$other/state/pki/crl.pem" "$T/state/pki/crl.pem"
	kill -HUP "$(samend_pid)"
	wait_log "reload refused, the old configuration stays in force:.*CRL .*crl.pem is not signed by the region's CA"
	still_serving
	stop_samend
	run "$SAMEND" -c "$T/samend.conf"
	[ "$status" -eq 1 ]
	[[ "$output" == *"crl.pem is not signed by the region's CA"* ]]
	cp "$T/good-crl.pem" "$T/state/pki/crl.pem"
	start_samend
	still_serving
}

# A TLS session of openssl s_client with the clerk's certificate; it
# stays a second so that it reads the session ticket, then closes.
tls_session() {
	(sleep 1) | timeout 10 openssl s_client -connect "127.0.0.1:$PORT" \
	    -CAfile "$T/state/pki/ca.pem" -cert "$T/clerk-leiden.pem" \
	    -key "$T/clerk-leiden.pem" "$@" 2>&1
}

@test "a client that closed normally resumes its session; not with session_cache = 0, nor after a reload" {
	run tls_session -sess_out "$T/sess.pem"
	[[ "$output" == *"New, TLSv1.3"* ]]
	run tls_session -sess_in "$T/sess.pem" -sess_out "$T/sess2.pem"
	[[ "$output" == *"Reused, TLSv1.3"* ]]
	# A reload starts with no sessions kept.
	kill -HUP "$(samend_pid)"
	wait_log "reloaded configuration"
	run tls_session -sess_in "$T/sess2.pem"
	[[ "$output" == *"New, TLSv1.3"* ]]
	printf '[tls]\nsession_cache = 0\n' >>"$T/samend.conf"
	kill -HUP "$(samend_pid)"
	for i in $(seq 1 100); do
		[ "$(grep -c "reloaded configuration" "$T/samend.log")" -ge 2 ] && break
		sleep 0.1
	done
	# No ticket at all: nothing a client could resume with.
	run tls_session -sess_out "$T/sess3.pem"
	[[ "$output" == *"New, TLSv1.3"* ]]
	[ ! -s "$T/sess3.pem" ]
	still_serving
}

@test "SIGTERM closes connections and exits 0" {
	probe clerk-leiden hold "$T/never" >"$T/held.out" &
	held=$!
	for i in $(seq 1 100); do
		grep -q '^response 1 OK' "$T/held.out" && break
		sleep 0.1
	done
	pid=$(samend_pid)
	kill -TERM "$pid"
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	run kill -0 "$pid"
	[ "$status" -ne 0 ]
	rm -f "$T/samend.pid"
	wait "$held" || true
	grep -q "closed$" "$T/held.out"
	wait_log "Terminated: stopping"
	wait_log "samend: info: stopped"
}

@test "TLS 1.3 only by default; min_version = 1.2 lets TLS 1.2 in" {
	run timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 \
	    -CAfile "$T/state/pki/ca.pem" -cert "$T/clerk-leiden.pem" \
	    -key "$T/clerk-leiden.pem" </dev/null
	[ "$status" -ne 0 ]
	wait_log "refused: client offers only TLS versions below \[tls\] min_version"
	stop_samend
	printf '[tls]\nmin_version = 1.2\n' >>"$T/samend.conf"
	start_samend
	run timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 \
	    -CAfile "$T/state/pki/ca.pem" -cert "$T/clerk-leiden.pem" \
	    -key "$T/clerk-leiden.pem" </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"Protocol  : TLSv1.2"* ]]
	wait_log "clerk-leiden (leiden, member) connected, TLSv1.2"
}
