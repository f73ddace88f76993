#!/usr/bin/env bats
# samend init, check-config, pki; samen setup and status; exit codes.

load helpers

setup() {
	make_region
}

teardown() {
	cleanup
}

@test "init creates the region, its members, the CA and server certificate" {
	run cat "$T/init.log"
	[[ "$output" == *"created region Leiden region"* ]]
	[[ "$output" == *"election 2030-03-20; 5 members: leiden leiderdorp oegstgeest voorschoten zoeterwoude"* ]]
	[ -f "$T/state/samen.db" ]
	[ "$(stat -c %a "$T/state/pki/ca-key.pem")" = 600 ]
	[ "$(stat -c %a "$T/state/pki/server-key.pem")" = 600 ]
	run openssl x509 -in "$T/state/pki/ca.pem" -noout -text
	[[ "$output" == *"ASN1 OID: prime256v1"* ]]
	[[ "$output" == *"CA:TRUE"* ]]
	run openssl x509 -in "$T/state/pki/server.pem" -noout -ext subjectAltName
	[[ "$output" == *"IP Address:127.0.0.1"* ]]
	run openssl verify -CAfile "$T/state/pki/ca.pem" "$T/state/pki/server.pem"
	[ "$status" -eq 0 ]
}

@test "init refuses to overwrite an existing region and changes nothing" {
	before=$(sha256sum "$T/state/pki/ca.pem")
	run "$SAMEND" -c "$T/samend.conf" init --region Other --member a=A
	[ "$status" -ne 0 ]
	[[ "$output" == *"a region exists already"* ]]
	[ "$(sha256sum "$T/state/pki/ca.pem")" = "$before" ]
	start_samend
	issue adm region admin
	client adm
	run as adm --json status
	[[ "$output" == *'"region":"Leiden region"'* ]]
}

@test "init derives election and installation from the election calendar" {
	# The next election from today is a Wednesday from 15 to 21 March.
	T2=$(mktemp -d)
	printf '[server]\nstate_dir = %s/state\n' "$T2" >"$T2/c.conf"
	run "$SAMEND" -c "$T2/c.conf" init --region R --member a=A
	[ "$status" -eq 0 ]
	date=$(echo "$output" | sed -n 's/.*election \([0-9-]*\);.*/\1/p')
	rm -rf "$T2"
	[ "$(date -d "$date" +%u)" = 3 ]
	[ "$(date -d "$date" +%m)" = 03 ]
	day=$(date -d "$date" +%d)
	[ "$day" -ge 15 ] && [ "$day" -le 21 ]
	[ $(( $(date -d "$date" +%Y) % 4 )) -eq 2 ]
}

@test "init rejects bad members and dates with a usage error" {
	T2=$(mktemp -d)
	printf '[server]\nstate_dir = %s/state\n' "$T2" >"$T2/c.conf"
	run "$SAMEND" -c "$T2/c.conf" init --region R --member Leiden=Leiden
	[ "$status" -eq 64 ]
	[[ "$output" == *"must be 1-32 of a-z"* ]]
	run "$SAMEND" -c "$T2/c.conf" init --region R --member a=A --member a=B
	[ "$status" -eq 64 ]
	[[ "$output" == *"given twice"* ]]
	run "$SAMEND" -c "$T2/c.conf" init --region R --member a=A --election 2030-02-30
	[ "$status" -eq 64 ]
	run "$SAMEND" -c "$T2/c.conf" init --member a=A
	[ "$status" -eq 64 ]
	[[ "$output" == *"--region NAME is required"* ]]
	[ ! -e "$T2/state/pki/ca.pem" ]
	rm -rf "$T2"
}

@test "check-config accepts a good file and names the bad line" {
	run "$SAMEND" -c "$T/samend.conf" check-config
	[ "$status" -eq 0 ]
	[[ "$output" == *"configuration OK"* ]]
	printf '[server]\nstate_dir = %s/state\n[limits]\nmax_frame = 64\nmax_connections = lots\n' "$T" >"$T/bad.conf"
	run "$SAMEND" -c "$T/bad.conf" check-config
	[ "$status" -eq 78 ]
	[[ "$output" == *"bad.conf:5:"*"max_connections must be a whole number"* ]]
	printf '[server]\nstate_dir = %s/state\nlisten = nowhere\n' "$T" >"$T/bad.conf"
	run "$SAMEND" -c "$T/bad.conf" check-config
	[ "$status" -eq 78 ]
	[[ "$output" == *"bad.conf:3:"*"not HOST:PORT"* ]]
	printf '[server]\nstate_dir = %s/state\n[tls]\ncolour = blue\n' "$T" >"$T/bad.conf"
	run "$SAMEND" -c "$T/bad.conf" check-config
	[ "$status" -eq 78 ]
	[[ "$output" == *"bad.conf:4: unknown key 'colour' in section [tls]"* ]]
	printf '[server]\nstate_dir = %s/state\n[limits]\nidle_timeout = -5\n' "$T" >"$T/bad.conf"
	run "$SAMEND" -c "$T/bad.conf" check-config
	[ "$status" -eq 78 ]
	[[ "$output" == *"bad.conf:4:"*"idle_timeout must be from 0 to"* ]]
	run "$SAMEND" -c "$T/missing.conf" check-config
	[ "$status" -eq 78 ]
	[[ "$output" == *"missing.conf: cannot open"* ]]
}

@test "check-config -v lists every key with the value in force" {
	run "$SAMEND" -c "$T/samend.conf" check-config -v
	[ "$status" -eq 0 ]
	for k in listen state_dir log_level ca cert key crl min_version \
	    max_frame max_connections handshake_timeout idle_timeout; do
		[[ "$output" == *"$k = "* ]]
	done
	[[ "$output" == *"max_frame = 1048576"* ]]
	[[ "$output" == *"min_version = 1.3"* ]]
}

@test "samend refuses a server key that others can read" {
	chmod 644 "$T/state/pki/server-key.pem"
	run "$SAMEND" -c "$T/samend.conf" check-config
	[ "$status" -eq 78 ]
	[[ "$output" == *"readable by others"* ]]
	run "$SAMEND" -c "$T/samend.conf"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot start"*"readable by others"* ]]
}

@test "pki issue writes a 0600 bundle with key, certificate and CA" {
	issue clerk-leiden leiden member
	[ "$(stat -c %a "$T/clerk-leiden.pem")" = 600 ]
	[ "$(grep -c 'BEGIN CERTIFICATE' "$T/clerk-leiden.pem")" = 2 ]
	grep -q 'BEGIN PRIVATE KEY' "$T/clerk-leiden.pem"
	run openssl x509 -in "$T/clerk-leiden.pem" -noout -subject -ext extendedKeyUsage
	[[ "$output" == *"O = leiden, OU = member, CN = clerk-leiden"* ]]
	[[ "$output" == *"TLS Web Client Authentication"* ]]
	run openssl verify -CAfile "$T/state/pki/ca.pem" -purpose sslclient "$T/clerk-leiden.pem"
	[ "$status" -eq 0 ]
}

@test "pki issue refuses unknown municipalities, bad roles and overwriting" {
	run "$SAMEND" -c "$T/samend.conf" pki issue --name x --municipality katwijk --role member --out "$T/x.pem"
	[ "$status" -eq 65 ]
	[[ "$output" == *"'katwijk' is not a municipality of this region"* ]]
	run "$SAMEND" -c "$T/samend.conf" pki issue --name x --municipality leiden --role boss --out "$T/x.pem"
	[ "$status" -eq 65 ]
	[[ "$output" == *"role (OU) is not admin, member or observer"* ]]
	run "$SAMEND" -c "$T/samend.conf" pki issue --name x --municipality leiden --role admin --out "$T/x.pem"
	[ "$status" -eq 65 ]
	[[ "$output" == *"admin certificate must have O=region"* ]]
	[ ! -e "$T/x.pem" ]
	issue x leiden member
	run "$SAMEND" -c "$T/samend.conf" pki issue --name y --municipality leiden --role member --out "$T/x.pem"
	[ "$status" -ne 0 ]
	[[ "$output" == *"already exists"* ]]
	run "$SAMEND" -c "$T/samend.conf" pki list
	[[ "$output" != *" y "* ]]
}

@test "pki list shows serials, expiry and revoked state" {
	issue clerk-leiden leiden member
	issue old-clerk leiden member --valid-from 2020-01-01 --days 30
	issue desk leiderdorp observer
	"$SAMEND" -c "$T/samend.conf" pki revoke --name desk
	run "$SAMEND" -c "$T/samend.conf" pki list
	[ "$status" -eq 0 ]
	serial=$(openssl x509 -in "$T/clerk-leiden.pem" -noout -serial | cut -d= -f2)
	echo "$output" | grep -E "^$serial +clerk-leiden +leiden +member .* valid$"
	echo "$output" | grep -E "old-clerk .* 2020-01-01 +2020-01-31 +expired$"
	echo "$output" | grep -E "desk +leiderdorp +observer .* revoked [0-9-]{10}$"
	run openssl crl -in "$T/state/pki/crl.pem" -noout -text
	dserial=$(openssl x509 -in "$T/desk.pem" -noout -serial | cut -d= -f2)
	[[ "$output" == *"$dserial"* ]]
	run "$SAMEND" -c "$T/samend.conf" pki revoke --name nobody
	[ "$status" -eq 65 ]
	[[ "$output" == *"no unrevoked certificate is issued to 'nobody'"* ]]
}

@test "setup installs the bundle with the key 0600 and status shows each role" {
	start_samend
	issue clerk-leiden leiden member
	issue secretariat region admin
	issue desk oegstgeest observer
	run "$SAMEN" setup "$T/clerk-leiden.pem" --server "127.0.0.1:$PORT" --config "$T/clerk-leiden/client.conf"
	[ "$status" -eq 0 ]
	[[ "$output" == *"clerk-leiden (member of leiden)"* ]]
	[ "$(stat -c %a "$T/clerk-leiden/key.pem")" = 600 ]
	client secretariat
	client desk
	run as clerk-leiden status
	[ "$status" -eq 0 ]
	[[ "$output" == *"region        Leiden region"* ]]
	[[ "$output" == *"you are       clerk-leiden"* ]]
	[[ "$output" == *"municipality  leiden"* ]]
	[[ "$output" == *"role          member"* ]]
	[[ "$output" == *"rev           6"* ]]
	run as secretariat --json status
	[ "$status" -eq 0 ]
	[[ "$output" == '{"server_version":"0.1.0","region":"Leiden region","name":"secretariat","municipality":"region","role":"admin","rev":6,'* ]]
	run as desk --json status
	[[ "$output" == *'"name":"desk","municipality":"oegstgeest","role":"observer"'* ]]
	grep -q "clerk-leiden (leiden, member) connected, TLSv1.3" "$T/samend.log"
}

@test "setup uses SAMEN_CONFIG and refuses a file that is not a bundle" {
	start_samend
	issue clerk-leiden leiden member
	SAMEN_CONFIG="$T/env/client.conf" run "$SAMEN" setup "$T/clerk-leiden.pem" --server "127.0.0.1:$PORT"
	[ "$status" -eq 0 ]
	SAMEN_CONFIG="$T/env/client.conf" run "$SAMEN" status
	[ "$status" -eq 0 ]
	head -c 300 /dev/urandom >"$T/junk.pem"
	run "$SAMEN" setup "$T/junk.pem" --server "127.0.0.1:$PORT" --config "$T/junk/client.conf"
	[ "$status" -eq 65 ]
	[[ "$output" == *"does not start with a private key"* ]]
	[ ! -e "$T/junk/client.conf" ]
}

@test "samen exit codes: usage 64, configuration 78, unreachable 69" {
	run "$SAMEN" frobnicate
	[ "$status" -eq 64 ]
	[[ "$output" == *"unknown command 'frobnicate'; commands: setup status sync watch agenda"* ]]
	run "$SAMEN" status --bogus extra
	[ "$status" -eq 64 ]
	run "$SAMEN" --config "$T/none/client.conf" status
	[ "$status" -eq 78 ]
	[[ "$output" == *"run 'samen setup BUNDLE.pem --server HOST:PORT' first"* ]]
	issue clerk-leiden leiden member
	PORT=1 client clerk-leiden
	# Nothing listens on port 1 of 127.0.0.1.
	run as clerk-leiden status
	[ "$status" -eq 69 ]
	[[ "$output" == *"nothing answers at 127.0.0.1 port 1 (is samend running?)"* ]]
	run as clerk-leiden --json status
	[ "$status" -eq 69 ]
	[[ "$output" == *'{"error":{"message":'*'"exit":69}}'* ]]
	chmod 644 "$T/clerk-leiden/key.pem"
	run as clerk-leiden status
	[ "$status" -eq 78 ]
	[[ "$output" == *"readable by others"* ]]
}

@test "every command has --help" {
	for c in setup status sync watch agenda priorities audit stats help; do
		run "$SAMEN" "$c" --help
		[ "$status" -eq 0 ]
		[[ "$output" == "usage: samen $c"* ]]
	done
	run "$SAMEN" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"exit codes:"* ]]
	for c in init check-config pki; do
		run "$SAMEND" "$c" --help
		[ "$status" -eq 0 ]
		[[ "$output" == "usage: samend"*"$c"* ]]
	done
	run "$SAMEND" -h
	[ "$status" -eq 0 ]
}

@test "samen stats: the secretariat sees the figures, a clerk is refused with 77" {
	start_samend
	issue secretariat region admin
	issue clerk-leiden leiden member
	client secretariat
	client clerk-leiden
	run as clerk-leiden stats
	[ "$status" -eq 77 ]
	[[ "$output" == *"stats is for the regional secretariat (admin) only; you are member"* ]]
	run as secretariat --json stats
	[ "$status" -eq 0 ]
	[[ "$output" == '{"connections":1,"connections_total":2,"refused_total":0,"requests":'*',"rev":6,"uptime_seconds":'*',"database_bytes":'* ]]
	run as secretariat stats
	[[ "$output" == *"connections   1 open, 3 accepted, 0 refused"* ]]
}

@test "IPv6: samend listens on [::1] and clients reach it there" {
	printf '[server]\nlisten = [::1]:0\nstate_dir = %s/state\n' "$T" >"$T/samend.conf"
	"$SAMEND" -d -c "$T/samend.conf" >>"$T/samend.log" 2>&1 &
	echo $! >"$T/samend.pid"
	for i in $(seq 1 100); do
		PORT=$(sed -n 's/.*listening on \[::1\]:\([0-9]*\).*/\1/p' "$T/samend.log")
		[ -n "$PORT" ] && break
		sleep 0.05
	done
	[ -n "$PORT" ]
	issue clerk-leiden leiden member
	run "$SAMEN" setup "$T/clerk-leiden.pem" --server "[::1]:$PORT" --config "$T/c/client.conf"
	[ "$status" -eq 0 ]
	run "$SAMEN" --config "$T/c/client.conf" --json status
	[ "$status" -eq 0 ]
	[[ "$output" == *'"server":"[::1]:'* ]]
	grep -q "\[::1\]:[0-9]*: clerk-leiden (leiden, member) connected" "$T/samend.log"
}
