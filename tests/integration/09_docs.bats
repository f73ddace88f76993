#!/usr/bin/env bats
# The documentation agrees with the programs: the man pages lint clean and
# name every command, option and config key the programs know, and bash
# completion offers commands, options and municipality ids from the
# client's local copy.

load helpers

# Only what a test makes is removed afterwards.
T=""

MANDIR="$ROOT/man"
COMPLETION="$ROOT/completion/samen"
COMPLETION_D="$ROOT/completion/samend"

teardown() {
	[ -n "${T:-}" ] && cleanup
	return 0
}

need_groff() {
	command -v groff >/dev/null || skip "groff is not installed"
}

# A man page as plain text, on lines long enough that no paragraph is
# broken (or hyphenated) inside an option and its argument.
render() {
	groff -mandoc -Tascii -P-c -P-b -P-u -rLL=1000n "$1" 2>/dev/null
}

# The text of a subsection (".Ss NAME", rendered indented by 3) of a
# rendered page on stdin, on one line.
subsection() {
	awk -v want="$1" '
		/^[A-Z]/ { cur = ""; next }
		/^   [^ ]/ { s = $0; sub(/^ +/, "", s); cur = s; next }
		cur == want { print }' | tr -s ' \n' '  '
}

# The text of a section (".Sh NAME") of a rendered page on stdin.
section() {
	awk -v want="$1" '
		/^[A-Z]/ { cur = $0; next }
		cur == want { print }' | tr -s ' \n' '  '
}

# Every option a --help text on stdin names, one a line.
help_options() {
	grep -oE -- '--[a-z][a-z-]*' | sort -u
}

# The options with their argument ("--title TITLE"), as the usage lines
# and option lines of a --help text on stdin show them; the argument is
# cut at the first of , : | ( ) [ ].
help_pairs() {
	grep -E $'^(usage:|\t|       samen|  --)' |
	    grep -oE -- '--[a-z][a-z-]*( [^][ ()|,:]+)?' | grep ' ' | sort -u
}

# True when text $1 names option $2 (not merely a longer one).
names_option() {
	printf ' %s ' "$1" | grep -qE -- "(^|[^a-z-])$2([^a-z-]|\$)"
}

# True when text $1 shows option and argument $2 ("--gap DAYS"), the
# argument whole or cut where help_pairs cuts it (not "--gap DAYSX").
names_pair() {
	local re
	re=$(printf '%s' "$2" | sed 's/[][\.*^$+?(){}|/]/\\&/g')
	printf ' %s ' "$1" | grep -qE -- "(^|[^a-z-])$re([][ ,:|().;]|\$)"
}

# The commands of samen's command table.
samen_commands() {
	sed -n 's/^\t{ "\([a-z-]*\)", .*/\1/p' "$ROOT/client/main.c"
}

# The subcommands a family's --help lists ("  agenda list   ...").
samen_subcommands() {
	"$SAMEN" "$1" --help | awk -v c="$1" '$1 == c && NF > 1 { print $2 }'
}

# Runs the samen completion in a fresh bash for the words given (the last
# is the one being completed) and prints what it offers, one a line.
complete_samen() {
	"$BASH" -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMPREPLY=(); _samen; printf "%s\n" "${COMPREPLY[@]}"' \
	    _ "$COMPLETION" "$@"
}

complete_samend() {
	"$BASH" -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMPREPLY=(); _samend; printf "%s\n" "${COMPREPLY[@]}"' \
	    _ "$COMPLETION_D" "$@"
}

@test "every man page lints clean with groff -ww and renders with man" {
	need_groff
	local f n=0
	for f in "$MANDIR"/samen.1 "$MANDIR"/samend.8 "$MANDIR"/samend.conf.5; do
		[ -f "$f" ] || { echo "missing: $f"; false; }
		run groff -mandoc -Tutf8 -ww -z "$f"
		[ "$status" -eq 0 ]
		[ -z "$output" ] || { echo "groff on ${f##*/}:"; echo "$output"; false; }
		if command -v man >/dev/null; then
			run env MANWIDTH=80 man -l "$f"
			[ "$status" -eq 0 ]
			[[ "$output" == *NAME* ]]
			[[ "$output" == *SYNOPSIS* ]]
		fi
		n=$((n + 1))
	done
	[ "$n" -eq 3 ]
}

@test "samen.1 has every command of the table with every option and argument of its --help" {
	need_groff
	local page cmds cmd sub text helps opt pair nopt=0 npair=0 missing=""
	page=$(render "$MANDIR/samen.1")
	cmds=$(samen_commands)
	[ "$(echo "$cmds" | wc -w)" -ge 19 ]
	for cmd in $cmds; do
		text=$(echo "$page" | subsection "samen $cmd")
		if [ -z "$text" ]; then
			missing+=$'\n'"samen $cmd: no subsection 'samen $cmd'"
			continue
		fi
		helps=$("$SAMEN" "$cmd" --help)
		for sub in $(samen_subcommands "$cmd"); do
			[[ "$text" == *"samen $cmd $sub"* ]] ||
			    missing+=$'\n'"samen $cmd $sub: not described"
			helps+=$'\n'$("$SAMEN" "$cmd" "$sub" --help)
		done
		for opt in $(echo "$helps" | help_options); do
			nopt=$((nopt + 1))
			names_option "$text" "$opt" ||
			    missing+=$'\n'"samen $cmd: $opt"
		done
		while IFS= read -r pair; do
			npair=$((npair + 1))
			names_pair "$text" "$pair" ||
			    missing+=$'\n'"samen $cmd: '$pair'"
		done < <(echo "$helps" | help_pairs)
	done
	# The global options, in OPTIONS.
	text=$(echo "$page" | section OPTIONS)
	for opt in $("$SAMEN" --help | sed -n '/^options:/,$p' | help_options); do
		names_option "$text" "$opt" || missing+=$'\n'"samen: global $opt"
	done
	while IFS= read -r pair; do
		names_pair "$text" "$pair" || missing+=$'\n'"samen: global '$pair'"
	done < <("$SAMEN" --help | help_pairs)
	# The exit codes of DESIGN §7, in EXIT STATUS.
	text=$(echo "$page" | section "EXIT STATUS")
	for code in 0 1 64 65 66 69 73 77 78; do
		[[ " $text " == *" $code "* ]] || missing+=$'\n'"exit code $code"
	done
	echo "checked $nopt options and $npair option arguments"
	[ "$nopt" -ge 80 ]
	[ "$npair" -ge 60 ]
	[ -z "$missing" ] || { echo "not in samen.1:$missing"; false; }
}

@test "samend.8 has every subcommand and option of samend -h" {
	need_groff
	local page usage cmd opt pair missing=""
	page=$(render "$MANDIR/samend.8")
	usage=$("$SAMEND" -h)
	[[ "$usage" == *check-config* ]]
	for cmd in run $(echo "$usage" | sed -n 's/.*samend \[-c FILE\] \([a-z-]*\).*/\1/p') \
	    "pki issue" "pki revoke" "pki list" "pki server-cert"; do
		[[ "$page" == *"$cmd"* ]] || missing+=$'\n'"subcommand $cmd"
	done
	for opt in $(echo "$usage" | help_options) -c -d -h -V -v; do
		names_option "$page" "$opt" || missing+=$'\n'"option $opt"
	done
	while IFS= read -r pair; do
		names_pair "$(echo "$page" | tr -s ' \n' '  ')" "$pair" ||
		    missing+=$'\n'"'$pair'"
	done < <(echo "$usage" | grep -oE -- '--[a-z][a-z-]*( [^][ ()|,:]+)?' |
	    grep ' ' | sort -u)
	for sig in SIGHUP SIGTERM SIGINT SIGUSR1 READY=1 STATUS= WATCHDOG=1 \
	    STOPPING=1 Type=notify /etc/samen/samend.conf samen.db; do
		[[ "$page" == *"$sig"* ]] || missing+=$'\n'"$sig"
	done
	[ -z "$missing" ] || { echo "not in samend.8:$missing"; false; }
}

@test "samend.conf.5 has every key of check-config -v, in its section, with its default" {
	need_groff
	local page defaults key val sec state missing=""
	make_region
	run "$SAMEND" -c "$T/samend.conf" check-config -v
	[ "$status" -eq 0 ]
	page=$(render "$MANDIR/samend.conf.5")
	sec=
	n=0
	while IFS= read -r line; do
		case $line in
		"["*"]")
			sec=$line
			[ -n "$(echo "$page" | subsection "$sec")" ] ||
			    missing+=$'\n'"section $sec"
			;;
		[a-z]*" = "*)
			key=${line%% = *}
			n=$((n + 1))
			[[ "$(echo "$page" | subsection "$sec")" == *" $key = "* ]] ||
			    missing+=$'\n'"$sec $key"
			;;
		esac
	done <<<"$output"
	[ "$n" -ge 17 ]
	# The defaults: check-config -v of an empty file (TLS cannot start
	# without the files; the keys are printed first all the same).
	: >"$T/empty.conf"
	run "$SAMEND" -c "$T/empty.conf" check-config -v
	state=$(echo "$output" | sed -n 's/^state_dir = //p')
	[ -n "$state" ]
	defaults=$(echo "$page" | section EXAMPLES | tr -s ' ' '\n' | paste -sd ' ')
	while IFS= read -r line; do
		case $line in
		[a-z]*" = "*) ;;
		*) continue ;;
		esac
		key=${line%% = *}
		val=${line#* = }
		[ "$key" = state_dir ] || val=${val#"$state/"}
		[[ " $defaults " == *" $key = $val "* ]] ||
		    missing+=$'\n'"default $key = $val"
	done <<<"$output"
	[ -z "$missing" ] || { echo "not in samend.conf.5:$missing"; false; }
}

@test "completion: commands, subcommands, options and option values from the --help texts" {
	export PATH="$ROOT/$BUILD:$PATH"
	run complete_samen samen ag
	[ "$status" -eq 0 ]
	[ "$output" = agenda ]
	run complete_samen samen plan --k
	[ "$(echo "$output" | sort | paste -sd ' ')" = "--key --kind" ]
	run complete_samen samen ""
	for cmd in $(samen_commands); do
		[[ $'\n'"$output"$'\n' == *$'\n'"$cmd"$'\n'* ]] || {
			echo "command $cmd not offered"; false; }
	done
	run complete_samen samen --
	[ "$(echo "$output" | sort | paste -sd ' ')" = "--config --help --json --server --version" ]
	run complete_samen samen agenda ""
	[ "$(echo "$output" | sort | paste -sd ' ')" = "add decide delete edit list rank show" ]
	run complete_samen samen region blackout r
	[ "$output" = remove ]
	run complete_samen samen meeting list --kind regional-councils,port
	[ "$output" = regional-councils,portfolio-holders ]
	run complete_samen samen agenda decide A1 --state a
	[ "$(echo "$output" | sort | paste -sd ' ')" = "adopted amended" ]
	run complete_samen samen dossier edit H1 --state h
	[ "$output" = handed-over ]
	run complete_samen samen plan --weekdays mon,t
	[ "$(echo "$output" | sort | paste -sd ' ')" = "mon,thu mon,tue" ]
	run complete_samen samen agenda add --phase=a
	[ "$output" = after ]
	# Every kind plan --help lists is offered for --kind.
	run complete_samen samen plan --kind ""
	for kind in $("$SAMEN" plan --help | sed -n '/one of:/{n;p;}' | tr -d ','); do
		[[ $'\n'"$output"$'\n' == *$'\n'"$kind"$'\n'* ]] || {
			echo "kind $kind not offered"; false; }
	done
	# Files: bundles for setup, calendars for availability import.
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/samen-test.XXXXXX")
	touch "$T/griffie.pem" "$T/raad.ics" "$T/notes.txt"
	run complete_samen samen setup "$T/"
	[[ "$output" == *"$T/griffie.pem"* ]]
	[[ "$output" != *notes.txt* ]]
	run complete_samen samen availability import "$T/r"
	[ "$output" = "$T/raad.ics" ]
}

@test "completion offers every option of every command's --help" {
	export PATH="$ROOT/$BUILD:$PATH"
	local cmd sub subs opt words n=0 missing=""
	for cmd in $(samen_commands); do
		subs=$(samen_subcommands "$cmd")
		# A family's own help names its subcommands' options: check
		# those at the subcommands.
		for sub in ${subs:-""}; do
			[ "$cmd $sub" = "region blackout" ] && continue
			words=("$cmd")
			[ -n "$sub" ] && words+=("$sub")
			output=$(complete_samen samen "${words[@]}" --)
			for opt in $("$SAMEN" "${words[@]}" --help | help_options); do
				n=$((n + 1))
				[[ $'\n'"$output"$'\n' == *$'\n'"$opt"$'\n'* ]] ||
				    missing+=" [samen ${words[*]} $opt]"
			done
		done
	done
	for sub in add remove; do
		output=$(complete_samen samen region blackout "$sub" --)
		for opt in $("$SAMEN" region blackout --help | grep "blackout $sub" | help_options); do
			[[ $'\n'"$output"$'\n' == *$'\n'"$opt"$'\n'* ]] ||
			    missing+=" [samen region blackout $sub $opt]"
		done
	done
	[ "$n" -ge 80 ] || { echo "only $n options found in the --help texts"; false; }
	[ -z "$missing" ] || { echo "not offered:$missing"; false; }
}

@test "completion offers municipality ids from the client's local copy" {
	command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"
	export PATH="$ROOT/$BUILD:$PATH"
	make_region
	start_samend
	issue adm region admin
	# The client's default places: ~/.config/samen, ~/.cache/samen.
	export HOME="$T/home"
	unset SAMEN_CONFIG XDG_CONFIG_HOME XDG_CACHE_HOME
	mkdir -p "$HOME"
	run complete_samen samen agenda add --lead ""
	[ "$status" -eq 0 ]
	[ -z "$output" ]	# no mirror yet: nothing, and no error
	"$SAMEN" setup "$T/adm.pem" --server "127.0.0.1:$PORT" >/dev/null
	"$SAMEN" sync >/dev/null
	[ -f "$HOME/.cache/samen/127.0.0.1_$PORT.db" ]
	run complete_samen samen agenda add --lead ""
	[ "$(echo "$output" | paste -sd ' ')" = "leiden leiderdorp oegstgeest voorschoten zoeterwoude" ]
	run complete_samen samen agenda add --lead leid
	[ "$(echo "$output" | paste -sd ' ')" = "leiden leiderdorp" ]
	run complete_samen samen plan --hosts leiden,o
	[ "$output" = leiden,oegstgeest ]
	run complete_samen samen meeting add --participants a
	[ "$output" = all ]
	run complete_samen samen dossier add --to v
	[ "$output" = voorschoten ]
	run complete_samen samen region municipality z
	[ "$output" = zoeterwoude ]
	# Agenda item ids too.
	"$SAMEN" agenda add --title "Energie" --phase before >/dev/null
	"$SAMEN" sync >/dev/null
	run complete_samen samen agenda show ""
	[ "$output" = A1 ]
	# --server names another server: another mirror, none yet.
	run complete_samen samen --server 127.0.0.1:1 agenda add --lead ""
	[ -z "$output" ]
	# $XDG_CACHE_HOME moves the mirror, as the client does.
	export XDG_CACHE_HOME="$T/xdg-cache"
	run complete_samen samen agenda add --lead ""
	[ -z "$output" ]
	"$SAMEN" sync >/dev/null
	[ -f "$XDG_CACHE_HOME/samen/127.0.0.1_$PORT.db" ]
	run complete_samen samen agenda add --lead oeg
	[ "$output" = oegstgeest ]
	# --config: the mirror lies beside the configuration.
	client adm
	as adm sync >/dev/null
	[ -f "$T/adm/mirror-127.0.0.1_$PORT.db" ]
	rm -rf "$XDG_CACHE_HOME" "$HOME/.cache"
	run complete_samen samen --config "$T/adm/client.conf" calendar --municipality leider
	[ "$output" = leiderdorp ]
	run complete_samen samen agenda add --lead ""
	[ -z "$output" ]
	export SAMEN_CONFIG="$T/adm/client.conf"
	run complete_samen samen agenda add --lead voor
	[ "$output" = voorschoten ]
}

@test "completion offers no ids, silently, without sqlite3" {
	command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"
	local t bin
	make_region
	start_samend
	issue adm region admin
	client adm
	as adm sync >/dev/null
	# A PATH with samen and the tools the completion uses, but no sqlite3.
	bin="$T/bin"
	mkdir "$bin"
	ln -s "$ROOT/$BUILD/samen" "$bin/samen"
	for t in sed grep sort tr dirname tail; do ln -s "$(command -v "$t")" "$bin/$t"; done
	PATH="$bin" run complete_samen samen --config "$T/adm/client.conf" agenda add --lead ""
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	PATH="$bin" run complete_samen samen --config "$T/adm/client.conf" agenda add --le
	[ "$output" = --lead ]
	# The same with sqlite3: the ids.
	PATH="$ROOT/$BUILD:$PATH" run complete_samen samen --config "$T/adm/client.conf" agenda add --lead le
	[ "$(echo "$output" | paste -sd ' ')" = "leiden leiderdorp" ]
}

@test "samend completion: subcommands and every option of samend -h" {
	local usage opt n=0 missing=""
	run complete_samend samend ""
	[ "$(echo "$output" | sort | paste -sd ' ')" = "backup check-config help init pki restore run" ]
	run complete_samend samend pki ""
	[ "$(echo "$output" | sort | paste -sd ' ')" = "issue list revoke server-cert" ]
	run complete_samend samend pki issue --role o
	[ "$output" = observer ]
	# samend -h with its continuation lines joined: one line per usage.
	usage=$("$SAMEND" -h | awk '/^\t/ { last = last $0; next }
		{ if (NR > 1) print last; last = $0 } END { print last }')
	for cmd in init check-config "pki issue" "pki revoke" "pki server-cert" \
	    backup; do
		# shellcheck disable=SC2086 # "pki issue" is two words
		output=$(complete_samend samend $cmd -)
		for opt in $(echo "$usage" | grep -E "(^| )$cmd( |\$)" |
		    grep -oE -- '(^|[ [])-{1,2}[a-zA-Z][a-z-]*' | tr -d ' ['); do
			[ "$opt" = -c ] && continue
			n=$((n + 1))
			[[ $'\n'"$output"$'\n' == *$'\n'"$opt"$'\n'* ]] ||
			    missing+=" [samend $cmd $opt]"
		done
	done
	[ "$n" -ge 15 ] || { echo "only $n options found in samend -h"; false; }
	[ -z "$missing" ] || { echo "not offered:$missing"; false; }
}
