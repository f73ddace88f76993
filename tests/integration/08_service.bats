#!/usr/bin/env bats
# samend as a service: make install and uninstall into a DESTDIR, the
# sysusers.d and tmpfiles.d snippets, the unit (systemd-analyze verify and
# security), the shipped configuration against samend's key table, and
# samend under the unit's restrictions reproduced without PID 1.

load helpers

teardown() {
	if [ -n "${NL:-}" ]; then
		kill "$NL" 2>/dev/null || true
		wait "$NL" 2>/dev/null || true
	fi
	# Give back what the restricted test took away, so it can be removed.
	[ -n "${T:-}" ] && [ -d "$T" ] && chmod -R u+w "$T"
	cleanup
}

# Runs make in the repository, free of an outer make's jobserver, on the
# build the tests use.
mk() {
	local san=0
	[ "$BUILD" = build/san ] && san=1
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make -C "$ROOT" --no-print-directory SANITIZE=$san "$@"
}

# Fails when grep finds its pattern (printing what it found).
refute_grep() {
	if grep "$@"; then
		return 1
	fi
}

# Prints "MODE PATH" for every file and link under a directory, sorted.
files_under() {
	(cd "$1" && find . \( -type f -o -type l \) -printf '%m %P\n' | sort -k2)
}

# The files and modes `make install` must put under PREFIX=/usr.
expected_tree() {
	local f
	{
		echo "755 usr/bin/samen"
		echo "755 usr/bin/samend"
		echo "644 lib/systemd/system/samend.service"
		echo "644 usr/lib/sysusers.d/samen.conf"
		echo "644 usr/lib/tmpfiles.d/samen.conf"
		echo "644 etc/samen/samend.conf"
		for f in "$ROOT"/man/*.[1-8]; do
			[ -e "$f" ] || continue
			echo "644 usr/share/man/man${f##*.}/${f##*/}"
		done
		for f in "$ROOT"/completion/samen "$ROOT"/completion/samend; do
			[ -e "$f" ] || continue
			echo "644 usr/share/bash-completion/completions/${f##*/}"
		done
	} | sort -k2
}

# Renders the unit into $BATS_TEST_TMPDIR/samend.service with ExecStart=
# on the binary under test; prints its path.
render_unit() {
	mk -s unit UNIT_OUT="$BATS_TEST_TMPDIR/samend.service" \
	    BINDIR="$ROOT/$BUILD" >&2 || return 1
	echo "$BATS_TEST_TMPDIR/samend.service"
}

@test "make install puts every file in place with its mode; uninstall removes them all" {
	d=$BATS_TEST_TMPDIR/root
	run mk install DESTDIR="$d" PREFIX=/usr
	echo "$output"
	[ "$status" -eq 0 ]
	diff <(expected_tree) <(files_under "$d")
	cmp "$ROOT/$BUILD/samend" "$d/usr/bin/samend"
	cmp "$ROOT/$BUILD/samen" "$d/usr/bin/samen"
	# The templates are rendered with PREFIX=/usr's paths.
	grep -qx 'ExecStart=/usr/bin/samend -c /etc/samen/samend.conf' \
	    "$d/lib/systemd/system/samend.service"
	grep -qx 'd /etc/samen 0750 root samen -' "$d/usr/lib/tmpfiles.d/samen.conf"
	refute_grep -n '@[A-Z]*@' "$d/lib/systemd/system/samend.service" \
	    "$d/usr/lib/tmpfiles.d/samen.conf"
	cmp "$ROOT/etc/samend.conf" "$d/etc/samen/samend.conf"
	cmp "$ROOT/systemd/sysusers.d/samen.conf" "$d/usr/lib/sysusers.d/samen.conf"
	for f in "$ROOT"/man/*.[1-8]; do
		[ -e "$f" ] || continue
		cmp "$f" "$d/usr/share/man/man${f##*.}/${f##*/}"
	done
	for f in "$ROOT"/completion/samen "$ROOT"/completion/samend; do
		[ -e "$f" ] || continue
		cmp "$f" "$d/usr/share/bash-completion/completions/${f##*/}"
	done
	[ "$(stat -c %a "$d/etc/samen")" = 750 ]

	run mk uninstall DESTDIR="$d" PREFIX=/usr
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$(files_under "$d")" ]
	[ ! -e "$d/etc/samen" ]
}

@test "make install keeps a changed configuration, and so does uninstall" {
	d=$BATS_TEST_TMPDIR/root
	mk -s install DESTDIR="$d" PREFIX=/usr >/dev/null
	conf=$d/etc/samen/samend.conf
	printf '[server]\nlisten = 0.0.0.0:7450\n' >"$conf"
	run mk install DESTDIR="$d" PREFIX=/usr
	[ "$status" -eq 0 ]
	[[ "$output" == *"kept $conf"* ]]
	[ "$(sed -n 2p "$conf")" = "listen = 0.0.0.0:7450" ]
	run mk uninstall DESTDIR="$d" PREFIX=/usr
	[ "$status" -eq 0 ]
	[[ "$output" == *"kept $conf: it differs from the shipped default"* ]]
	# Only the administrator's file is left.
	[ "$(files_under "$d")" = "644 etc/samen/samend.conf" ]
	[ "$(sed -n 2p "$conf")" = "listen = 0.0.0.0:7450" ]
}

@test "make install honours PREFIX's defaults and each directory variable" {
	d=$BATS_TEST_TMPDIR/local
	mk -s install DESTDIR="$d" >/dev/null
	[ -x "$d/usr/local/bin/samend" ]
	[ -x "$d/usr/local/bin/samen" ]
	grep -qx 'ExecStart=/usr/local/bin/samend -c /etc/samen/samend.conf' \
	    "$d/usr/local/lib/systemd/system/samend.service"
	[ -f "$d/usr/local/lib/sysusers.d/samen.conf" ]
	[ -f "$d/usr/local/lib/tmpfiles.d/samen.conf" ]
	[ -f "$d/etc/samen/samend.conf" ]
	mk -s uninstall DESTDIR="$d" >/dev/null
	[ -z "$(files_under "$d")" ]

	d=$BATS_TEST_TMPDIR/custom
	vars=(PREFIX=/opt/samen BINDIR=/opt/samen/sbin SYSCONFDIR=/etc/opt
	    MANDIR=/opt/samen/man UNITDIR=/etc/systemd/system
	    SYSUSERSDIR=/etc/sysusers.d TMPFILESDIR=/etc/tmpfiles.d
	    BASHCOMPDIR=/opt/samen/bash)
	mk -s install DESTDIR="$d" "${vars[@]}" >/dev/null
	[ -x "$d/opt/samen/sbin/samend" ]
	grep -qx 'ExecStart=/opt/samen/sbin/samend -c /etc/opt/samen/samend.conf' \
	    "$d/etc/systemd/system/samend.service"
	grep -qx 'd /etc/opt/samen 0750 root samen -' "$d/etc/tmpfiles.d/samen.conf"
	[ -f "$d/etc/sysusers.d/samen.conf" ]
	[ -f "$d/etc/opt/samen/samend.conf" ]
	for f in "$ROOT"/completion/samen "$ROOT"/completion/samend; do
		[ -e "$f" ] || continue
		[ -f "$d/opt/samen/bash/${f##*/}" ]
	done
	for f in "$ROOT"/man/*.[1-8]; do
		[ -e "$f" ] || continue
		[ -f "$d/opt/samen/man/man${f##*.}/${f##*/}" ]
	done
	mk -s uninstall DESTDIR="$d" "${vars[@]}" >/dev/null
	[ -z "$(files_under "$d")" ]
}

@test "the sysusers.d and tmpfiles.d snippets make the user and the directories" {
	command -v systemd-sysusers >/dev/null ||
	    skip "systemd-sysusers is missing (Debian package systemd)"
	[ "$(id -u)" -eq 0 ] || skip "systemd-tmpfiles --root needs root to chown"
	d=$BATS_TEST_TMPDIR/root
	mk -s install DESTDIR="$d" PREFIX=/usr >/dev/null
	systemd-sysusers --root="$d"
	line=$(grep '^samen:' "$d/etc/passwd")
	[[ "$line" =~ ^samen:x:([0-9]+):([0-9]+):samen\ daemon:/var/lib/samen:/usr/sbin/nologin$ ]]
	uid=${BASH_REMATCH[1]} gid=${BASH_REMATCH[2]}
	[ "$uid" -lt 1000 ]	# a system user
	grep -qx "samen:x:$gid:" "$d/etc/group"
	systemd-tmpfiles --root="$d" --create
	[ "$(stat -c '%a %u %g' "$d/var/lib/samen")" = "700 $uid $gid" ]
	[ "$(stat -c '%a %u %g' "$d/etc/samen")" = "750 0 $gid" ]
}

@test "the rendered unit passes systemd-analyze verify" {
	command -v systemd-analyze >/dev/null ||
	    skip "systemd-analyze is missing (Debian package systemd)"
	unit=$(render_unit)
	grep -qx "ExecStart=$ROOT/$BUILD/samend -c /etc/samen/samend.conf" "$unit"
	# Documentation= names man pages: verify looks each up (with man,
	# when installed) among those `make install` puts in place.
	pages=$(sed -n 's/^Documentation=//p' "$unit" | tr ' ' '\n' |
	    sed -n 's/^man:\(.*\)(\([1-8]\))$/\1.\2/p')
	[ -n "$pages" ]
	for p in $pages; do
		[ -f "$ROOT/man/$p" ]
	done
	man=--man=no
	if command -v man >/dev/null; then
		mk -s install DESTDIR="$BATS_TEST_TMPDIR/root" PREFIX=/usr >/dev/null
		export MANPATH=$BATS_TEST_TMPDIR/root/usr/share/man
		man=--man=yes
	fi
	run systemd-analyze verify "$man" "$unit"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]	# not even a warning
}

@test "the unit's overall exposure is 2.0 or less, and its comment says the figure" {
	command -v systemd-analyze >/dev/null ||
	    skip "systemd-analyze is missing (Debian package systemd)"
	unit=$(render_unit)
	run systemd-analyze security --offline=yes "$unit"
	echo "$output"
	[ "$status" -eq 0 ]
	level=$(echo "$output" |
	    sed -n 's/.*Overall exposure level for samend\.service: \([0-9.]*\) .*/\1/p')
	[ -n "$level" ]
	awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }'
	grep -q "^# Overall exposure level $level " "$ROOT/systemd/samend.service.in"
}

@test "etc/samend.conf lists every key of samend's table with its default and help" {
	# check-config -v prints the keys in force, here the defaults, then
	# fails for want of certificates (78).
	run bash -c '"$0" -c /dev/null check-config -v 2>/dev/null' "$SAMEND"
	[ "$status" -eq 78 ]
	defaults=$output
	sd=$(echo "$defaults" | sed -n 's/^state_dir = //p')
	[ -n "$sd" ]
	# Shipped: each key commented out, [tls] paths relative to state_dir.
	want=$(echo "$defaults" |
	    sed -e "s|^\([a-z_]* = \)$sd/|\1|" -e 's/^\([a-z_]* = \)/#\1/')
	[[ "$want" == *"#listen = "* ]]
	diff <(echo "$want") <(sed -n '/^\[/,$p' "$ROOT/etc/samend.conf")
	# And the file as shipped is a valid configuration meaning the defaults.
	run bash -c '"$0" -c "$1" check-config -v 2>/dev/null' "$SAMEND" \
	    "$ROOT/etc/samend.conf"
	[ "$status" -eq 78 ]
	[ "$output" = "$defaults" ]
}

# --- samend under the unit's restrictions ----------------------------------
#
# What the unit does that can be reproduced without PID 1: User=/Group=
# (an unprivileged user; as root: nobody), CapabilityBoundingSet= and
# AmbientCapabilities= empty, NoNewPrivileges=, UMask=0077, ProtectSystem=
# (the configuration directory read-only, only the state directory
# writable).  SystemCallFilter=, MemoryDenyWriteExecute= and
# RestrictAddressFamilies= are checked on a trace of samend's system calls.

# Makes the Leiden region under $BATS_TEST_TMPDIR, bundles for an admin and
# a clerk, and $T/etc: a configuration directory like /etc/samen that
# holds samend.conf and copies of the CA, server certificate, key and CRL.
make_service_region() {
	BATS_TMPDIR=$BATS_TEST_TMPDIR make_region
	issue adm region admin
	issue clerk leiden member
	mkdir "$T/etc"
	cp "$T/state/pki/ca.pem" "$T/state/pki/server.pem" \
	    "$T/state/pki/server-key.pem" "$T/state/pki/crl.pem" "$T/etc/"
	cat >"$T/etc/samend.conf" <<-EOF
	[server]
	listen = 127.0.0.1:0
	state_dir = $T/state
	[tls]
	ca = $T/etc/ca.pem
	cert = $T/etc/server.pem
	key = $T/etc/server-key.pem
	crl = $T/etc/crl.pem
	EOF
	chmod 0644 "$T/etc/samend.conf"
}

# Starts samend as the unit's ExecStart= does (no -d) behind the command
# in the array WRAP, with umask 077, and waits (at most 10 s) for its
# port, like start_samend.
start_wrapped() {
	local i
	: >"$T/samend.log"
	(umask 077; exec "${WRAP[@]}" "$SAMEND" -c "$T/etc/samend.conf") \
	    >>"$T/samend.log" 2>&1 &
	echo $! >"$T/samend.pid"
	PORT=
	for i in $(seq 1 200); do
		if grep -q "serving region" "$T/samend.log"; then
			PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
			    "$T/samend.log")
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
	export PORT
}

# Lists "MODE OWNER PATH" under a directory, sorted.
listing() {
	(cd "$1" && find . -printf '%m %u %P\n' | sort -k3)
}

# Takes away what the unit takes away, as far as a test can: RUN_AS (an
# array) runs a command as USER without capabilities or new privileges;
# the state directory is USER's and the configuration directory read-only.
restrict_region() {
	if [ "$(id -u)" -eq 0 ]; then
		USER_AS=nobody
		RUN_AS=(setpriv --reuid=nobody --regid=nogroup --clear-groups
		    --no-new-privs --inh-caps=-all --ambient-caps=-all
		    --bounding-set=-all)
		# What StateDirectory= and tmpfiles.d do: the state directory
		# is the user's; the configuration directory root's, readable
		# by the group, the key the user's alone.
		chown -R nobody:nogroup "$T/state"
		chown -R root:nogroup "$T/etc"
		chown nobody "$T/etc/server-key.pem"
		chmod 0750 "$T/etc"
		# nobody must reach $T through bats' own 0700 directories.
		p=$T
		while [ "${p#"$BATS_RUN_TMPDIR"}" != "$p" ]; do
			chmod o+x "$p"
			p=$(dirname "$p")
		done
	else
		USER_AS=$(id -un)
		RUN_AS=(setpriv --no-new-privs)
	fi
	chmod 0700 "$T/state"
	chmod -R a-w "$T/etc"
}

@test "samend serves as an unprivileged user with a read-only configuration and umask 077" {
	make_service_region
	restrict_region
	WRAP=("${RUN_AS[@]}")
	# The user cannot write the configuration directory.
	run "${RUN_AS[@]}" touch "$T/etc/probe"
	[ "$status" -ne 0 ]
	[ ! -e "$T/etc/probe" ]
	etc_before=$(listing "$T/etc"; cat "$T"/etc/*.pem "$T/etc/samend.conf" | sha256sum)
	state_before=$(listing "$T/state")

	start_wrapped
	pid=$(samend_pid)
	[ "$(stat -c %U "/proc/$pid")" = "$USER_AS" ]
	grep -qx 'Umask:	0077' "/proc/$pid/status"
	grep -qx 'NoNewPrivs:	1' "/proc/$pid/status"
	grep -qx 'CapEff:	0000000000000000' "/proc/$pid/status"
	grep -qx 'CapAmb:	0000000000000000' "/proc/$pid/status"
	if [ "$(id -u)" -eq 0 ]; then	# the bounding set needs root to drop
		grep -qx 'CapBnd:	0000000000000000' "/proc/$pid/status"
	fi

	client adm
	client clerk
	run as adm status
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"region        Leiden region"* ]]
	run as clerk --json agenda add --title "Regionale energiestrategie" \
	    --phase before --theme energie
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"id":"A1"'* ]]
	run as adm --json agenda show A1
	[ "$status" -eq 0 ]
	[[ "$output" == *'"title":"Regionale energiestrategie"'* ]]

	# The online backup writes a copy into the state directory.
	run as adm --json backup
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"\"path\":\"$T/state/backups/"* ]]

	# ExecReload=: SIGHUP re-reads the read-only files.
	kill -HUP "$pid"
	wait_log "reloaded configuration"

	# What samend made in the state directory is its own: 0600 and 0700.
	made=$(comm -13 <(echo "$state_before" | awk '{ print $3 }') \
	    <(listing "$T/state" | awk '{ print $3 }'))
	echo "made: $made"
	[[ "$made" == *samen.db-wal* ]]
	[[ "$made" == *backups/samen-*.db* ]]
	for f in $made; do
		if [ -d "$T/state/$f" ]; then m=700; else m=600; fi
		[ "$(stat -c '%a %U' "$T/state/$f")" = "$m $USER_AS" ]
	done
	[ "$(stat -c '%a %U' "$T/state/samen.db")" = "600 $USER_AS" ]
	# and nothing in the configuration directory changed.
	[ "$(listing "$T/etc"; cat "$T"/etc/*.pem "$T/etc/samend.conf" | sha256sum)" = "$etc_before" ]

	stop_samend
	[ "$SAMEND_STATUS" -eq 0 ]
	grep -q "stopped" "$T/samend.log"
	refute_grep -iE 'permission denied|read-only|cannot' "$T/samend.log"
}

# Expands a system call group of systemd-analyze syscall-filter into its
# calls, nested groups included.
expand_group() {
	local s
	for s in $(systemd-analyze syscall-filter "$1" | sed -n 's/^    \([-@a-z0-9_]*\)$/\1/p'); do
		case $s in
		@*) expand_group "$s" ;;
		*) echo "$s" ;;
		esac
	done
}

@test "samend's system calls stay inside the unit's SystemCallFilter=, address families and W^X" {
	command -v systemd-analyze >/dev/null ||
	    skip "systemd-analyze is missing (Debian package systemd)"
	command -v strace >/dev/null || skip "strace is missing (Debian package strace)"
	# AddressSanitizer makes system calls of its own (and maps shadow
	# memory): the filter is checked on the plain build.
	[ "$BUILD" != build/san ] ||
	    skip "checked on the plain build; the sanitizer adds calls of its own"
	unit=$(render_unit)
	# The filter as the unit states it: one allow list, one deny list.
	allow=$(sed -n 's/^SystemCallFilter=\([^~].*\)$/\1/p' "$unit")
	deny=$(sed -n 's/^SystemCallFilter=~\(.*\)$/\1/p' "$unit")
	[ -n "$allow" ] && [ -n "$deny" ]
	allowed=$(for g in $allow; do expand_group "$g"; done | sort -u)
	denied=$(for g in $deny; do expand_group "$g"; done | sort -u)
	[ "$(echo "$allowed" | wc -l)" -gt 100 ]
	families=$(sed -n 's/^RestrictAddressFamilies=//p' "$unit")

	make_service_region
	restrict_region
	# systemd's notification socket, for READY=1, STATUS=, WATCHDOG=1
	# (every 200 ms) and STOPPING=1 under the filter.
	notify_listen=$ROOT/$BUILD/notify-listen
	[ -x "$notify_listen" ] || mk -s "$BUILD/notify-listen" >&2
	"$notify_listen" "$T/notify.sock" 60 >"$T/notify.out" &
	NL=$!
	for i in $(seq 1 50); do [ -S "$T/notify.sock" ] && break; sleep 0.1; done
	chmod 0666 "$T/notify.sock"	# as /run/systemd/notify
	WRAP=(strace -f -qq -o "$T/trace" "${RUN_AS[@]}")
	NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=400000 start_wrapped
	tracer=$(samend_pid)
	pgrep -P "$tracer" >"$T/samend.pid"	# setpriv, become samend
	client adm
	client clerk
	as adm status >/dev/null
	as clerk agenda add --title "Regionale energiestrategie" --phase before \
	    --theme energie >/dev/null
	as adm backup >/dev/null
	kill -HUP "$(samend_pid)"
	wait_log "reloaded configuration"
	child=$(samend_pid)
	kill -TERM "$child"
	for i in $(seq 1 100); do
		kill -0 "$child" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$child" 2>/dev/null || true
	rc=0
	wait "$tracer" || rc=$?
	rm -f "$T/samend.pid"
	[ "$rc" -eq 0 ]		# strace exits as samend did
	rc=0
	wait "$NL" || rc=$?
	NL=
	cat "$T/notify.out"
	[ "$rc" -eq 0 ]		# notify-listen saw STOPPING=1
	grep -qx 'READY=1' "$T/notify.out"
	grep -qx 'WATCHDOG=1' "$T/notify.out"

	# From samend's own execve on (not setpriv's), as the filter applies.
	awk -v x="execve(\"$SAMEND\"" 'go; index($0, x) { go = 1 }' "$T/trace" \
	    >"$T/trace.samend"
	used=$(sed -n 's/^[0-9]* *\([a-z0-9_]*\)(.*/\1/p' "$T/trace.samend" | sort -u)
	[[ "$used" == *epoll_wait* ]]
	echo "not allowed: $(comm -23 <(echo "$used") <(echo "$allowed"))"
	echo "denied: $(comm -12 <(echo "$used") <(echo "$denied"))"
	[ -z "$(comm -23 <(echo "$used") <(echo "$allowed"))" ]
	[ -z "$(comm -12 <(echo "$used") <(echo "$denied"))" ]
	# MemoryDenyWriteExecute=: no mapping writable and executable, none
	# made executable later.
	refute_grep -E 'mmap\(.*PROT_WRITE\|PROT_EXEC|mmap\(.*PROT_EXEC\|PROT_WRITE' \
	    "$T/trace.samend"
	refute_grep -E 'mprotect\(.*PROT_EXEC' "$T/trace.samend"
	# RestrictAddressFamilies=: every socket samend opened is of a family
	# the unit allows.
	for f in $(sed -n 's/^[0-9]* *socket(\(AF_[A-Z0-9]*\),.*/\1/p' "$T/trace.samend" |
	    sort -u); do
		[[ " $families " == *" $f "* ]] || { echo "socket($f)"; false; }
	done
}
