#!/bin/bash
# The Leiden region demo: a throw-away region under ./demo/, a samend on
# 127.0.0.1, a certificate bundle for every town hall, the secretariat and
# the public desk, and each of them connecting.
#
#   make demo               run it and stop the daemon
#   DEMO_KEEP=1 make demo   leave the daemon running
set -eu

BUILD=${BUILD:-build/default}
ROOT=$(pwd)
SAMEND="$ROOT/$BUILD/samend"
SAMEN="$ROOT/$BUILD/samen"
DEMO="$ROOT/demo"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# run CMD...: show the command as one could type it, then run it
run() {
	local a line=
	for a in "$@"; do
		case $a in
		'' | *[!A-Za-z0-9_./:=,@%+-]*) a="'${a//\'/\'\\\'\'}'" ;;
		esac
		line="$line${line:+ }$a"
	done
	printf '$ %s\n' "$line" | sed "s|$ROOT/||g"
	"$@"
}

if [ -f "$DEMO/samend.pid" ] && kill -0 "$(cat "$DEMO/samend.pid")" 2>/dev/null; then
	old=$(cat "$DEMO/samend.pid")
	kill -TERM "$old"
	for _ in $(seq 1 50); do
		kill -0 "$old" 2>/dev/null || break
		sleep 0.1
	done
fi
rm -rf "$DEMO"
mkdir -p "$DEMO/bundles" "$DEMO/clients"

cat >"$DEMO/samend.conf" <<CONF
# samend configuration for the demo
[server]
listen = 127.0.0.1:0
state_dir = $DEMO/state
[limits]
idle_timeout = 600
CONF

say "The regional secretariat creates the Leiden region (election 2030-03-20)"
run "$SAMEND" -c "$DEMO/samend.conf" init --region "Regio Leiden" \
    --election 2030-03-20 \
    --member leiden=Leiden --member leiderdorp=Leiderdorp \
    --member oegstgeest=Oegstgeest --member voorschoten=Voorschoten \
    --member zoeterwoude=Zoeterwoude

say "It issues a certificate bundle for each town hall, itself and the public desk"
for m in leiden leiderdorp oegstgeest voorschoten zoeterwoude; do
	run "$SAMEND" -c "$DEMO/samend.conf" pki issue --name "griffie-$m" \
	    --municipality "$m" --role member --out "$DEMO/bundles/griffie-$m.pem"
done
run "$SAMEND" -c "$DEMO/samend.conf" pki issue --name secretariaat \
    --municipality region --role admin --out "$DEMO/bundles/secretariaat.pem"
run "$SAMEND" -c "$DEMO/samend.conf" pki issue --name publieksbalie \
    --municipality region --role observer --out "$DEMO/bundles/publieksbalie.pem"
run "$SAMEND" -c "$DEMO/samend.conf" pki list

say "samend starts on 127.0.0.1"
"$SAMEND" -c "$DEMO/samend.conf" >"$DEMO/samend.log" 2>&1 &
echo $! >"$DEMO/samend.pid"
PORT=
for _ in $(seq 1 100); do
	PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$DEMO/samend.log")
	[ -n "$PORT" ] && break
	sleep 0.05
done
[ -n "$PORT" ] || { cat "$DEMO/samend.log"; exit 1; }
echo "samend (pid $(cat "$DEMO/samend.pid")) listens on 127.0.0.1:$PORT"

stop() {
	if [ -z "${DEMO_KEEP:-}" ] && [ -f "$DEMO/samend.pid" ]; then
		local pid
		pid=$(cat "$DEMO/samend.pid")
		kill -TERM "$pid" 2>/dev/null || true
		# wait until it has gone, so that nothing is left behind
		for _ in $(seq 1 50); do
			case $(ps -o stat= -p "$pid" 2>/dev/null) in
			'' | Z*) break ;;
			esac
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		rm -f "$DEMO/samend.pid"
	fi
}
trap stop EXIT

say "Each town hall installs its bundle and connects"
for b in "$DEMO"/bundles/*.pem; do
	name=$(basename "$b" .pem)
	run "$SAMEN" setup "$b" --server "127.0.0.1:$PORT" \
	    --config "$DEMO/clients/$name/client.conf"
done
for b in "$DEMO"/bundles/*.pem; do
	name=$(basename "$b" .pem)
	echo
	run "$SAMEN" --config "$DEMO/clients/$name/client.conf" status
done

say "Scripts get JSON"
run "$SAMEN" --config "$DEMO/clients/publieksbalie/client.conf" --json status

c() { local who=$1; shift; run "$SAMEN" --config "$DEMO/clients/$who/client.conf" "$@"; }

say "The public desk watches the agenda while the town halls work"
"$SAMEN" --config "$DEMO/clients/publieksbalie/client.conf" watch \
    >"$DEMO/watch.out" 2>&1 &
WATCH_PID=$!
sleep 0.5

say "Each town hall proposes items, before and after the election"
c griffie-leiden agenda add --title "Regionale energiestrategie" \
    --phase before --theme energie --lead leiden --source council
c griffie-leiderdorp agenda add --title "Jeugdzorg: gezamenlijke inkoop" \
    --phase before --theme sociaal --lead leiderdorp --source college
c griffie-oegstgeest agenda add --title "Woningbouw langs de Oude Rijn" \
    --phase after --theme wonen --lead oegstgeest --source explorer
c griffie-voorschoten agenda add --title "Bereikbaarheid en fietsroutes" \
    --phase after --theme mobiliteit --lead voorschoten \
    --source management-team
c griffie-zoeterwoude agenda add --title "Groen en recreatie rond Leiden" \
    --phase before --theme groen --lead zoeterwoude --source council
c publieksbalie agenda list

say "Each municipality ranks its priorities; all weigh the same"
c griffie-leiden agenda rank A1 A4 A3 A2 A5
c griffie-leiderdorp agenda rank A2 A1 A5
c griffie-oegstgeest agenda rank A3 A1 A4
c griffie-voorschoten agenda rank A4 A1 A3 A2
c griffie-zoeterwoude agenda rank A5 A1 A2
c publieksbalie priorities

say "Two councils decide separately on the energy strategy"
c griffie-leiden agenda decide A1 --state adopted --date 2029-11-06 \
    --note "Aangenomen met amendement over zon op daken"
c griffie-leiderdorp agenda decide A1 --state rejected --date 2029-11-13
c publieksbalie agenda show A1

say "A stale edit: Leiden edits A1 from an old copy"
rev=$("$SAMEN" --config "$DEMO/clients/griffie-leiden/client.conf" --json \
    agenda show A1 | sed -n 's/^{"id":"A1","rev":\([0-9]*\).*/\1/p')
c griffie-leiden agenda edit A1 --theme "energie en warmte"
set +e
c griffie-leiden agenda edit A1 --title "Energiestrategie 2030" \
    --expected-rev "$rev"
echo "(exit code $?: a conflict; nothing was stored)"
set -e

say "What the public desk saw arrive"
sleep 0.5
kill "$WATCH_PID" 2>/dev/null || true
wait "$WATCH_PID" 2>/dev/null || true
cat "$DEMO/watch.out"

# The warm handover: after the election of 2030-03-20 and the installation
# of the new councils on 2030-04-03, the region meets in its new composition.
say "Warm handover: each town hall imports its own council calendar"
for m in leiden leiderdorp oegstgeest voorschoten zoeterwoude; do
	c "griffie-$m" availability import "tests/fixtures/$m-raad.ics"
done
c publieksbalie availability show

say "The secretariat plans the first meetings after the election by hand"
c secretariaat meeting add \
    --title "Regionale raadsbijeenkomst: kennismaking nieuwe raden" \
    --kind regional-councils --date 2030-04-24 --start 19:30 --end 22:00 \
    --host leiderdorp --location "Raadzaal, Statenlaan 1, Leiderdorp" \
    --participants all --items A1,A3
c secretariaat meeting add --title "Klankbordgroep regionale samenwerking" \
    --kind sounding-board --date 2030-05-16 --start 19:30 --duration 120 \
    --host voorschoten --location "Raadhuis, Leidseweg 25, Voorschoten"
echo "(a note, not a refusal: three councils meet that Thursday; the secretariat moves it)"
c secretariaat meeting edit M2 --date 2030-05-22
c secretariaat meeting add --title "Informele ontmoeting nieuwe raadsleden" \
    --kind informal --date 2030-05-08 --start 17:30 --end 19:30 \
    --host zoeterwoude --location "Gemeentehuis, Noordbuurtseweg 2, Zoeterwoude"

say "Leiden hosts a meeting of its own; the first regional meeting is confirmed"
c griffie-leiden meeting add --title "Werkconferentie regionale energiestrategie" \
    --kind regional-councils --date 2030-06-12 --start 19:30 --end 22:00 \
    --location "Stadhuis, Stadhuisplein 1, Leiden" --items A1
c secretariaat meeting confirm M1
c publieksbalie meeting list

say "Handover dossiers: Leiden hands one to the new council of Oegstgeest"
c griffie-leiden dossier add \
    --title "Regionale energiestrategie: besluiten en open punten" \
    --to oegstgeest --due 2030-04-17 --item A1 \
    --note "Raadsbesluit Leiden 6 november 2029, met amendement zon op daken"
c griffie-leiden dossier ready H1
c griffie-leiden dossier handover H1
c griffie-oegstgeest dossier ack H1
c griffie-leiderdorp dossier add \
    --title "Jeugdzorg: stand van de gezamenlijke inkoop" \
    --to voorschoten --due 2030-05-01 --item A2
echo "(H2 stays a draft for now)"
c publieksbalie dossier list

say "The handover timeline, as the public desk sees it"
c publieksbalie timeline

say "April 2030 on one page"
c publieksbalie calendar --month 2030-04 | cat

say "All meetings as one iCalendar file, for Outlook or any calendar program"
c publieksbalie export-ical --out "$DEMO/region.ics"
echo "Open demo/region.ics in Outlook or any calendar program. Its first lines:"
head -n 25 "$DEMO/region.ics"
echo "..."
echo "and the first meeting in it:"
sed -n '/^BEGIN:VEVENT/,/^END:VEVENT/p' "$DEMO/region.ics" |
    sed '/^END:VEVENT/q'

# Scheduling the meetings after the election: the secretariat runs the
# script of the README ("Scheduling the post-election meetings"); the
# five council calendars are in already (imported above).
RAAD_TITLE='Regionale raadsbijeenkomst {n}'
PH_TITLE='Portefeuillehoudersoverleg {n}'

say "The summer recess closes the planning window; each town hall's venue is known"
c secretariaat region blackout add --from 2030-07-13 --to 2030-08-25 \
    --reason zomerreces
c secretariaat region municipality leiden --venue "Stadhuis, Stadhuisplein 1, Leiden"
c secretariaat region municipality leiderdorp --venue "Raadzaal, Statenlaan 1, Leiderdorp"
c secretariaat region municipality oegstgeest --venue "Gemeentehuis, Lange Voort 2, Oegstgeest"
c secretariaat region municipality voorschoten --venue "Raadhuis, Leidseweg 25, Voorschoten"
c secretariaat region municipality zoeterwoude --venue "Gemeentehuis, Noordbuurtseweg 2, Zoeterwoude"

say "Four regional council meetings: a dry run, every rejected date explained"
c secretariaat plan --count 4 --kind regional-councils --title "$RAAD_TITLE" \
    --explain

say "The secretariat commits them under a key; the same command again changes nothing"
c secretariaat plan --count 4 --kind regional-councils --title "$RAAD_TITLE" \
    --key raad-2030 --commit
c secretariaat plan --count 4 --kind regional-councils --title "$RAAD_TITLE" \
    --key raad-2030 --commit

say "Two portfolio-holder meetings: tentative while the new colleges are not installed"
c secretariaat plan --count 2 --kind portfolio-holders --title "$PH_TITLE" \
    --start 16:00 --duration 120 --explain
c secretariaat plan --count 2 --kind portfolio-holders --title "$PH_TITLE" \
    --start 16:00 --duration 120 --key portefeuillehouders-2030 --commit

say "The months after the election"
c publieksbalie calendar --month 2030-04 | cat
c publieksbalie calendar --month 2030-05 | cat
c publieksbalie calendar --month 2030-06 | cat
c publieksbalie meeting list --kind regional-councils,portfolio-holders

say "The planned meetings as one iCalendar file"
c publieksbalie export-ical --out "$DEMO/regio-2030.ics" \
    --kind regional-councils,portfolio-holders

say "The secretariat checks the audit log's hash chain"
c secretariaat audit verify

say "A revoked certificate no longer gets in"
run "$SAMEND" -c "$DEMO/samend.conf" pki revoke --name griffie-zoeterwoude
kill -HUP "$(cat "$DEMO/samend.pid")"
for _ in $(seq 1 50); do
	grep -q "reloaded configuration" "$DEMO/samend.log" && break
	sleep 0.1
done
set +e
run "$SAMEN" --config "$DEMO/clients/griffie-zoeterwoude/client.conf" status
echo "(exit code $?)"
set -e

say "What the daemon logged (besides each connection opening and closing)"
grep -v -e ' connected, TLS' -e ' disconnected: closed by client$' \
    "$DEMO/samend.log" | sed "s|$ROOT/||g"
echo "($(grep -c ' connected, TLS' "$DEMO/samend.log") connections; all of it is in demo/samend.log)"

say "Done"
if [ -n "${DEMO_KEEP:-}" ]; then
	cat <<MSG
samend keeps running (pid $(cat "$DEMO/samend.pid")) on 127.0.0.1:$PORT. Talk to it as any town hall:

  $BUILD/samen --config demo/clients/griffie-leiden/client.conf agenda list
  $BUILD/samen --config demo/clients/publieksbalie/client.conf priorities
  $BUILD/samen --config demo/clients/publieksbalie/client.conf calendar --month 2030-05
  $BUILD/samen --config demo/clients/secretariaat/client.conf --json status

Its log is demo/samend.log. Stop it with: kill \$(cat demo/samend.pid)
MSG
else
	echo "samend stopped. Run 'DEMO_KEEP=1 make demo' to keep it running."
fi
