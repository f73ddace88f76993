/*
 * samen timeline: the handover timeline the daemon derives (election,
 * installation, each college's installation, the meetings after the
 * election, dossiers due), in date order with today marked.  samen
 * holidays [YEAR]: the public holidays of a year, from the daemon or,
 * when it cannot be reached, computed here with the same pure module.
 * samen export-ical: the meetings as one iCalendar file.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "date.h"
#include "holiday.h"
#include "samen.h"
#include "xmalloc.h"

/* A holiday as both sources give it: strings owned elsewhere. */
struct timeline_holiday {
	char		 date[DATE_STRLEN];
	const char	*id;
	const char	*name_nl;
	const char	*name_en;
	int		 blocks_day;
	int		 blocks_evening;
};

/* Prints the legend of the timeline's marks that were used. */
static void
timeline_legend(int overdue, int pending)
{
	if (overdue || pending)
		printf("\n");
	if (overdue)
		printf("! overdue: due before today and not handed over yet\n");
	if (pending)
		printf("~ assumed date: the college is not installed yet\n");
}

/* samen timeline: key dates, meetings and dossiers due, in date order. */
int
cmd_timeline(struct client *c, int argc, char **argv)
{
	const struct client_cmd *cmd = client_find_cmd("timeline");
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__TimelineRequest tr = SAMEN__V1__TIMELINE_REQUEST__INIT;
	Samen__V1__Response *resp;
	Samen__V1__TimelineResponse *tl;
	Samen__V1__TimelineEntry *te;
	struct out_table *t;
	json_t *arr;
	size_t i;
	int rv, overdue = 0, pending = 0, today_shown = 0;

	(void)argv;
	if (argc != 1)
		return client_usage_error(cmd, "timeline takes no arguments");
	if ((rv = conn_open(c, NULL)) != 0)
		return rv;
	req.body_case = SAMEN__V1__REQUEST__BODY_TIMELINE;
	req.timeline = &tr;
	if (conn_call(c, &req, &resp) == -1)
		return EXIT_UNAVAIL;
	if ((rv = out_status(c, resp->status)) != 0 ||
	    resp->body_case != SAMEN__V1__RESPONSE__BODY_TIMELINE) {
		if (rv == 0)
			rv = out_error(c, EXIT_OTHER, "the server answered "
			    "timeline with something else");
		conn_response_free(resp);
		return rv;
	}
	tl = resp->timeline;
	if (c->json) {
		arr = json_array();
		for (i = 0; i < tl->n_entries; i++) {
			te = tl->entries[i];
			json_array_append_new(arr, json_pack(
			    "{s:s,s:s,s:s,s:s,s:s,s:b,s:b}",
			    "date", te->date, "kind", te->kind,
			    "title", te->title, "ref", te->ref,
			    "municipality", te->municipality,
			    "overdue", te->overdue, "pending", te->pending));
		}
		out_json_print(json_pack("{s:s,s:o}", "today", tl->today,
		    "entries", arr));
		conn_response_free(resp);
		return 0;
	}
	if (tl->n_entries == 0) {
		printf("nothing on the timeline yet (today is %s)\n",
		    tl->today);
		conn_response_free(resp);
		return 0;
	}
	t = out_table_new(5);
	out_table_add(t, " ");
	out_table_add(t, "DATE");
	out_table_add(t, "KIND");
	out_table_add(t, "REF");
	out_table_add(t, "TITLE");
	for (i = 0; i <= tl->n_entries; i++) {
		te = i < tl->n_entries ? tl->entries[i] : NULL;
		/* Today goes before the first entry after it. */
		if (!today_shown && *tl->today != '\0' && (te == NULL ||
		    strcmp(te->date, tl->today) > 0)) {
			out_table_add(t, ">");
			out_table_add(t, "%s", tl->today);
			out_table_add(t, "today");
			out_table_add(t, " ");
			out_table_add(t, " ");
			today_shown = 1;
		}
		if (te == NULL)
			break;
		overdue |= te->overdue;
		pending |= te->pending;
		out_table_add(t, "%s", te->overdue ? "!" : te->pending ? "~" :
		    " ");
		out_table_add(t, "%s", te->date);
		out_table_add(t, "%s", te->kind);
		out_table_add(t, "%s", edit_dash(te->ref));
		out_table_add(t, "%s", te->title);
	}
	out_table_print(t);
	timeline_legend(overdue, pending);
	conn_response_free(resp);
	return 0;
}

/* Fills rows with the holidays of year, computed here.  Returns how many. */
static size_t
timeline_holidays_local(int year, struct timeline_holiday *rows)
{
	struct holiday hs[HOLIDAY_MAX];
	size_t n, i;

	n = holiday_list(year, hs, HOLIDAY_MAX);
	for (i = 0; i < n; i++) {
		date_format(&hs[i].date, rows[i].date);
		rows[i].id = hs[i].id;
		rows[i].name_nl = hs[i].name_nl;
		rows[i].name_en = hs[i].name_en;
		rows[i].blocks_day = hs[i].blocks_day;
		rows[i].blocks_evening = hs[i].blocks_evening;
	}
	return n;
}

/*
 * Asks the daemon for the holidays of year.  0: *resp holds them (free
 * with conn_response_free); -1: *cause says why not.
 */
static int
timeline_holidays_server(struct client *c, int year,
    Samen__V1__Response **resp, char **cause)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__HolidaysRequest hr = SAMEN__V1__HOLIDAYS_REQUEST__INIT;

	*resp = NULL;
	if (conn_open_quiet(c, NULL, cause) != 0)
		return -1;
	hr.year = year;
	req.body_case = SAMEN__V1__REQUEST__BODY_HOLIDAYS;
	req.holidays = &hr;
	if (conn_call_quiet(c, &req, resp, cause) == -1)
		return -1;
	if ((*resp)->status->code != SAMEN__V1__STATUS__CODE__OK ||
	    (*resp)->body_case != SAMEN__V1__RESPONSE__BODY_HOLIDAYS) {
		xasprintf(cause, "%s", *(*resp)->status->message ?
		    (*resp)->status->message : "the server did not answer "
		    "holidays");
		conn_response_free(*resp);
		*resp = NULL;
		return -1;
	}
	return 0;
}

/* What a holiday blocks, for the table's last column. */
static const char *
timeline_holiday_note(const struct timeline_holiday *h)
{
	if (h->blocks_day)
		return "";
	return h->blocks_evening ? "no evening meetings" : "not blocked";
}

/* samen holidays [YEAR]: the public holidays of a year. */
int
cmd_holidays(struct client *c, int argc, char **argv)
{
	const struct client_cmd *cmd = client_find_cmd("holidays");
	struct timeline_holiday rows[HOLIDAY_MAX * 2];
	Samen__V1__Response *resp = NULL;
	Samen__V1__Holiday *h;
	struct out_table *t;
	struct date d;
	struct tm tm;
	time_t now;
	json_t *arr;
	uint64_t y;
	size_t n = 0, i;
	char *cause = NULL;
	int year;

	if (argc > 2)
		return client_usage_error(cmd, "give at most one year");
	if (argc == 2) {
		if (client_parse_number(argv[1], HOLIDAY_YEAR_MAX, &y) == -1 ||
		    y < HOLIDAY_YEAR_MIN)
			return client_usage_error(cmd, "'%s' is not a year "
			    "from %d to %d", argv[1], HOLIDAY_YEAR_MIN,
			    HOLIDAY_YEAR_MAX);
		year = (int)y;
	} else {
		now = time(NULL);
		if (localtime_r(&now, &tm) == NULL)
			return out_error(c, EXIT_OTHER, "cannot tell the year");
		year = tm.tm_year + 1900;
	}
	if (timeline_holidays_server(c, year, &resp, &cause) == 0) {
		for (i = 0; i < resp->holidays->n_holidays &&
		    n < sizeof(rows) / sizeof(rows[0]); i++) {
			h = resp->holidays->holidays[i];
			if (date_parse(h->date, &d) == -1)
				continue;
			date_format(&d, rows[n].date);
			rows[n].id = h->id;
			rows[n].name_nl = h->name_nl;
			rows[n].name_en = h->name_en;
			rows[n].blocks_day = h->blocks_day;
			rows[n].blocks_evening = h->blocks_evening;
			n++;
		}
	} else {
		fprintf(stderr, "samen: computing the holidays here (%s)\n",
		    cause);
		free(cause);
		n = timeline_holidays_local(year, rows);
	}
	if (c->json) {
		arr = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(arr, json_pack(
			    "{s:s,s:s,s:s,s:s,s:b,s:b}", "date", rows[i].date,
			    "id", rows[i].id, "name_nl", rows[i].name_nl,
			    "name_en", rows[i].name_en,
			    "blocks_day", rows[i].blocks_day,
			    "blocks_evening", rows[i].blocks_evening));
		out_json_print(json_pack("{s:i,s:o}", "year", year,
		    "holidays", arr));
	} else {
		t = out_table_new(5);
		out_table_add(t, "DATE");
		out_table_add(t, "DAY");
		out_table_add(t, "NAME (nl)");
		out_table_add(t, "NAME (en)");
		out_table_add(t, "NOTE");
		for (i = 0; i < n; i++) {
			out_table_add(t, "%s", rows[i].date);
			out_table_add(t, "%s", local_weekday(rows[i].date, 0));
			out_table_add(t, "%s", rows[i].name_nl);
			out_table_add(t, "%s", rows[i].name_en);
			out_table_add(t, "%s", timeline_holiday_note(&rows[i]));
		}
		out_table_print(t);
	}
	conn_response_free(resp);
	return 0;
}

/*
 * Writes text to path atomically: a temporary file beside it, mode 0644,
 * synced, then renamed over it.  0, or -1 with *cause.
 */
static int
timeline_write_file(const char *path, const char *text, char **cause)
{
	const char *p, *slash;
	size_t len = strlen(text), off = 0;
	ssize_t w;
	char *tmp;
	int fd, saved;

	if ((slash = strrchr(path, '/')) != NULL)
		xasprintf(&tmp, "%.*s/.%s.XXXXXX", (int)(slash - path), path,
		    slash + 1);
	else
		xasprintf(&tmp, ".%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if (fchmod(fd, 0644) == -1)
		goto fail;
	for (p = text; off < len; off += (size_t)w) {
		if ((w = write(fd, p + off, len - off)) == -1) {
			if (errno == EINTR) {
				w = 0;
				continue;
			}
			goto fail;
		}
	}
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	free(tmp);
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	xasprintf(cause, "%s: %s", path, strerror(saved));
	return -1;
}

/*
 * samen export-ical: the selected meetings as one iCalendar document,
 * written to --out FILE or to stdout.
 */
int
cmd_export_ical(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "status", required_argument, NULL, 's' },
		{ "kind", required_argument, NULL, 'k' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "municipality", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	const struct client_cmd *cmd = client_find_cmd("export-ical");
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__ExportIcalRequest er = SAMEN__V1__EXPORT_ICAL_REQUEST__INIT;
	Samen__V1__Response *resp = NULL;
	Samen__V1__ExportIcalResponse *x;
	const char *out = NULL;
	char *cause = NULL;
	int *states = NULL, *kinds = NULL, ch, rv;
	size_t nstates = 0, nkinds = 0, i;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			out = strcmp(optarg, "-") == 0 ? NULL : optarg;
			break;
		case 's':
			if ((rv = edit_words(cmd, ENTITY_MEETING_STATE,
			    "--status", optarg, &states, &nstates)) != 0)
				goto out;
			break;
		case 'k':
			if ((rv = edit_words(cmd, ENTITY_MEETING_KIND, "--kind",
			    optarg, &kinds, &nkinds)) != 0)
				goto out;
			break;
		case 'f':
		case 't':
			if ((rv = edit_date(cmd, ch == 'f' ? "--from" : "--to",
			    optarg)) != 0)
				goto out;
			*(ch == 'f' ? &er.from : &er.to) = optarg;
			break;
		case 'm':
			er.municipality = optarg;
			break;
		default:
			rv = client_bad_option(cmd, argv);
			goto out;
		}
	}
	if (optind != argc) {
		rv = client_usage_error(cmd, "unexpected '%s'", argv[optind]);
		goto out;
	}
	if (*er.from != '\0' && *er.to != '\0' && strcmp(er.from, er.to) > 0) {
		rv = client_usage_error(cmd, "--from %s is after --to %s",
		    er.from, er.to);
		goto out;
	}
	er.n_statuses = nstates;
	er.statuses = xcalloc(nstates ? nstates : 1, sizeof(*er.statuses));
	for (i = 0; i < nstates; i++)
		er.statuses[i] = (Samen__V1__Meeting__State)states[i];
	er.n_kinds = nkinds;
	er.kinds = xcalloc(nkinds ? nkinds : 1, sizeof(*er.kinds));
	for (i = 0; i < nkinds; i++)
		er.kinds[i] = (Samen__V1__Meeting__MeetingKind)kinds[i];
	if ((rv = conn_open(c, NULL)) != 0)
		goto out;
	req.body_case = SAMEN__V1__REQUEST__BODY_EXPORT_ICAL;
	req.export_ical = &er;
	if (conn_call(c, &req, &resp) == -1) {
		rv = EXIT_UNAVAIL;
		goto out;
	}
	if ((rv = out_status(c, resp->status)) != 0 ||
	    resp->body_case != SAMEN__V1__RESPONSE__BODY_EXPORT_ICAL) {
		if (rv == 0)
			rv = out_error(c, EXIT_OTHER, "the server answered the "
			    "export with something else");
		goto out;
	}
	x = resp->export_ical;
	if (out != NULL && timeline_write_file(out, x->ical, &cause) == -1) {
		rv = out_error(c, EXIT_OTHER, "%s", cause);
		free(cause);
		goto out;
	}
	if (c->json)
		out_json_print(out != NULL ? json_pack("{s:i,s:s}",
		    "meetings", (int)x->meetings, "out", out) :
		    json_pack("{s:i,s:s}", "meetings", (int)x->meetings,
		    "ical", x->ical));
	else if (out != NULL)
		printf("%u meeting%s written to %s\n", x->meetings,
		    x->meetings == 1 ? "" : "s", out);
	else {
		fputs(x->ical, stdout);
		fflush(stdout);
	}
	rv = 0;
out:
	conn_response_free(resp);
	free(er.statuses);
	free(er.kinds);
	free(states);
	free(kinds);
	return rv;
}
