/*
 * samen meeting list|show|add|edit|confirm|cancel: the regional
 * meetings.  Times are typed and shown as local dates and times of day
 * in the region's time zone and travel as UTC seconds, converted here,
 * DST-correct.  Reads answer from the freshly synced local copy (or,
 * offline, from the copy as it is); writes are one put each, based on
 * the rev they read, and a conflict shows what changed meanwhile.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "date.h"
#include "holiday.h"
#include "samen.h"
#include "xmalloc.h"

#define MEETING_MAX_MINUTES	(24 * 60)

static int	meeting_list(struct client *, int, char **);
static int	meeting_show(struct client *, int, char **);
static int	meeting_add(struct client *, int, char **);
static int	meeting_edit(struct client *, int, char **);
static int	meeting_confirm(struct client *, int, char **);
static int	meeting_cancel(struct client *, int, char **);

static const struct client_cmd meeting_cmds[] = {
	{ "meeting list", "[--from YYYY-MM-DD] [--to YYYY-MM-DD] "
	  "[--kind KIND,..] [--status STATUS,..]\n\t[--municipality M]",
	  "the meetings in date order, at local times", meeting_list, 0 },
	{ "meeting show", "ID",
	  "one meeting with all its fields", meeting_show, 0 },
	{ "meeting add", "--title TITLE --kind KIND --date YYYY-MM-DD "
	  "--start HH:MM\n\t(--end HH:MM | --duration MINUTES) [--host M] "
	  "[--location TEXT]\n\t[--participants M,M|all] [--items A1,A2] "
	  "[--notes TEXT] [--status STATUS]",
	  "plan a meeting (host: your municipality); prints its id",
	  meeting_add, 0 },
	{ "meeting edit", "ID [--title TITLE] [--kind KIND] "
	  "[--date YYYY-MM-DD] [--start HH:MM]\n\t[--end HH:MM | "
	  "--duration MINUTES] [--host M] [--location TEXT]\n\t"
	  "[--participants M,M|all] [--items A1,A2|none] [--notes TEXT]\n\t"
	  "[--status STATUS] [--expected-rev N]",
	  "change the given fields; a conflict shows what changed",
	  meeting_edit, 0 },
	{ "meeting confirm", "ID [--expected-rev N]",
	  "mark a meeting confirmed", meeting_confirm, 0 },
	{ "meeting cancel", "ID [--expected-rev N]",
	  "cancel a meeting (it stays, marked cancelled)", meeting_cancel, 0 },
};
#define MEETING_NCMDS	(sizeof(meeting_cmds) / sizeof(meeting_cmds[0]))

/* The fields that add and edit take, as given on the command line. */
struct meeting_fields {
	const char	*title;
	const char	*host;
	const char	*location;
	const char	*notes;
	const char	*date;
	const char	*start;
	const char	*end;
	const char	*participants;	/* comma list; "all" or "": all */
	const char	*items;		/* comma list; "none" or "": none */
	int		 kind;		/* -1: not given */
	int		 status;
	int		 duration;	/* minutes; -1: not given */
	uint64_t	 expected_rev;
	int		 have_rev;
	int		 count;		/* how many fields were given */
};

/* Prints the list of subcommands. */
static void
meeting_help(FILE *fp)
{
	size_t i;
	char *kinds = entity_words(ENTITY_MEETING_KIND);
	char *states = entity_words(ENTITY_MEETING_STATE);

	fprintf(fp, "usage: samen meeting list|show|add|edit|confirm|cancel "
	    "...\n\nregional meetings:\n");
	for (i = 0; i < MEETING_NCMDS; i++)
		fprintf(fp, "  %-16s %s\n", meeting_cmds[i].name,
		    meeting_cmds[i].help);
	fprintf(fp, "\nkinds: %s\nstatus words: %s\n"
	    "Dates and times are local to the region (its time zone, with "
	    "summer time).\n'samen meeting SUBCOMMAND --help' for one of "
	    "them.\n", kinds, states);
	free(kinds);
	free(states);
}

/*
 * The local date and times of a meeting: date, "HH:MM" start and end;
 * an end on a later local date gets "+N" days (end holds 12 bytes).
 */
static void
meeting_local(const char *zone, const Samen__V1__Meeting *mt, char *date,
    char *start, char *end)
{
	char edate[DATE_STRLEN], ehhmm[6];
	struct date a, b;
	int64_t days;

	local_from_utc(zone, mt->start, date, start);
	local_from_utc(zone, mt->end, edate, ehhmm);
	days = 0;
	if (date_parse(date, &a) == 0 && date_parse(edate, &b) == 0)
		days = date_to_days(&b) - date_to_days(&a);
	if (days > 0 && days < 10)
		snprintf(end, 12, "%s+%d", ehhmm, (int)days);
	else
		snprintf(end, 12, "%s", ehhmm);
}

/*
 * A meeting as JSON (a json_t *): entity_json with its local dates and
 * times beside the UTC seconds.
 */
static json_t *
meeting_json(const Samen__V1__Entity *e, const char *zone)
{
	json_t *o = entity_json(e);
	char date[DATE_STRLEN], start[6], edate[DATE_STRLEN], end[6];

	local_from_utc(zone, e->meeting->start, date, start);
	local_from_utc(zone, e->meeting->end, edate, end);
	json_object_set_new(o, "date", json_string(date));
	json_object_set_new(o, "start_time", json_string(start));
	json_object_set_new(o, "end_date", json_string(edate));
	json_object_set_new(o, "end_time", json_string(end));
	return o;
}

/* True when municipality muni hosts mt or takes part in it. */
int
meeting_involves(const Samen__V1__Meeting *mt, const char *muni)
{
	size_t i;

	if (strcmp(mt->host, muni) == 0 || mt->n_participants == 0)
		return 1;
	for (i = 0; i < mt->n_participants; i++) {
		if (strcmp(mt->participants[i], muni) == 0)
			return 1;
	}
	return 0;
}

/* qsort: meetings by start, then by id. */
static int
meeting_cmp(const void *a, const void *b)
{
	const Samen__V1__Entity *const *ea = a, *const *eb = b;

	if ((*ea)->meeting->start != (*eb)->meeting->start)
		return (*ea)->meeting->start < (*eb)->meeting->start ? -1 : 1;
	return entity_idcmp((*ea)->id, (*eb)->id);
}

/* Sorts meetings by start, then by id. */
void
meeting_sort(Samen__V1__Entity **ms, size_t n)
{
	if (n > 1)
		qsort(ms, n, sizeof(*ms), meeting_cmp);
}

/*
 * samen meeting list: the meetings in date order, filtered by local date,
 * kind, status and municipality.
 */
static int
meeting_list(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "kind", required_argument, NULL, 'k' },
		{ "status", required_argument, NULL, 's' },
		{ "municipality", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	const struct client_cmd *cmd = &meeting_cmds[0];
	Samen__V1__Entity **ms = NULL;
	Samen__V1__Meeting *mt;
	struct mirror *m = NULL;
	struct out_table *t = NULL;
	json_t *arr = NULL;
	const char *from = NULL, *to = NULL, *muni = NULL;
	char date[DATE_STRLEN], start[6], end[12], *zone = NULL, *cause = NULL;
	int *kinds = NULL, *states = NULL, ch, rv, online;
	size_t nkinds = 0, nstates = 0, n = 0, i, shown = 0;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
		case 't':
			if ((rv = edit_date(cmd, ch == 'f' ? "--from" : "--to",
			    optarg)) != 0)
				goto out;
			*(ch == 'f' ? &from : &to) = optarg;
			break;
		case 'k':
			if ((rv = edit_words(cmd, ENTITY_MEETING_KIND, "--kind",
			    optarg, &kinds, &nkinds)) != 0)
				goto out;
			break;
		case 's':
			if ((rv = edit_words(cmd, ENTITY_MEETING_STATE,
			    "--status", optarg, &states, &nstates)) != 0)
				goto out;
			break;
		case 'm':
			muni = optarg;
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
	if ((rv = mirror_refresh(c, &m, &online)) != 0)
		goto out;
	if (mirror_list(m, SAMEN__V1__KIND__MEETING, NULL, &ms, &n,
	    &cause) == -1) {
		rv = edit_mirror_error(c, cause);
		goto out;
	}
	meeting_sort(ms, n);
	zone = local_zone(m, NULL);
	if (c->json)
		arr = json_array();
	else {
		t = out_table_new(7);
		out_table_add(t, "ID");
		out_table_add(t, "DATE");
		out_table_add(t, "TIME");
		out_table_add(t, "KIND");
		out_table_add(t, "HOST");
		out_table_add(t, "STATUS");
		out_table_add(t, "TITLE");
	}
	for (i = 0; i < n; i++) {
		mt = ms[i]->meeting;
		meeting_local(zone, mt, date, start, end);
		if ((from != NULL && strcmp(date, from) < 0) ||
		    (to != NULL && strcmp(date, to) > 0) ||
		    !edit_in(kinds, nkinds, (int)mt->kind) ||
		    !edit_in(states, nstates, (int)mt->status) ||
		    (muni != NULL && !meeting_involves(mt, muni)))
			continue;
		shown++;
		if (c->json) {
			json_array_append_new(arr, meeting_json(ms[i], zone));
			continue;
		}
		out_table_add(t, "%s", ms[i]->id);
		out_table_add(t, "%s", date);
		out_table_add(t, "%s-%s", start, end);
		out_table_add(t, "%s", entity_word_or_dash(ENTITY_MEETING_KIND,
		    mt->kind));
		out_table_add(t, "%s", edit_dash(mt->host));
		out_table_add(t, "%s", entity_word_or_dash(ENTITY_MEETING_STATE,
		    mt->status));
		out_table_add(t, "%s", mt->title);
	}
	if (c->json) {
		out_json_print(json_pack("{s:I,s:s,s:o}", "rev",
		    (json_int_t)mirror_rev(m), "time_zone", zone,
		    "meetings", arr));
		arr = NULL;
	} else if (shown == 0)
		printf("no meetings%s\n", from != NULL || to != NULL ||
		    nkinds > 0 || nstates > 0 || muni != NULL ? " match" :
		    " yet");
	else {
		out_table_print(t);
		t = NULL;
	}
	rv = 0;
out:
	json_decref(arr);
	out_table_free(t);
	mirror_list_free(ms, n);
	mirror_close(m);
	free(zone);
	free(kinds);
	free(states);
	return rv;
}

/* Prints one labelled field of meeting show, when it has a value. */
static void
meeting_field(const char *label, const char *value)
{
	if (value != NULL && *value != '\0')
		printf("%-14s %s\n", label, value);
}

/* Prints the agenda items of a meeting, each with its title. */
static void
meeting_show_items(struct mirror *m, const Samen__V1__Meeting *mt)
{
	Samen__V1__Entity *ai;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < mt->n_item_ids; i++) {
		ai = NULL;
		if (mirror_get(m, SAMEN__V1__KIND__AGENDA_ITEM,
		    mt->item_ids[i], &ai, &cause) == -1) {
			free(cause);
			cause = NULL;
		}
		printf("%-14s %s%s%s\n", i == 0 ? "agenda items" : "",
		    mt->item_ids[i], ai != NULL ? "  " : "",
		    ai != NULL ? ai->agenda_item->title : "");
		if (ai != NULL)
			samen__v1__entity__free_unpacked(ai, NULL);
	}
}

/* samen meeting show ID: every field, at local times. */
static int
meeting_show(struct client *c, int argc, char **argv)
{
	const struct client_cmd *cmd = &meeting_cmds[1];
	Samen__V1__Entity *e = NULL, *host = NULL;
	Samen__V1__Meeting *mt;
	struct mirror *m;
	json_t *o;
	char date[DATE_STRLEN], start[6], end[12], *zone = NULL, *id, *s;
	char *cause = NULL;
	int rv, online;

	if (argc != 2 || argv[1][0] == '-')
		return client_usage_error(cmd, "give one meeting id");
	if ((rv = mirror_refresh(c, &m, &online)) != 0)
		return rv;
	id = edit_id(argv[1], 'M');
	if ((rv = edit_get(c, m, SAMEN__V1__KIND__MEETING, "meeting", id,
	    online, &e)) != 0)
		goto out;
	mt = e->meeting;
	zone = local_zone(m, NULL);
	if (*mt->host != '\0' && mirror_get(m, SAMEN__V1__KIND__MUNICIPALITY,
	    mt->host, &host, &cause) == -1) {
		free(cause);
		host = NULL;
	}
	if (c->json) {
		o = meeting_json(e, zone);
		json_object_set_new(o, "time_zone", json_string(zone));
		json_object_set_new(o, "venue", json_string(host != NULL ?
		    host->municipality->venue : ""));
		out_json_print(o);
		goto out;
	}
	meeting_local(zone, mt, date, start, end);
	printf("%s  %s\n\n", e->id, mt->title);
	meeting_field("kind", entity_word_or_dash(ENTITY_MEETING_KIND,
	    mt->kind));
	printf("%-14s %s %s\n", "date", local_weekday(date, 1), date);
	printf("%-14s %s-%s (%s)\n", "time", start, end, zone);
	meeting_field("host", host != NULL ? host->municipality->name :
	    mt->host);
	if (*mt->location != '\0')
		meeting_field("location", mt->location);
	else if (host != NULL && *host->municipality->venue != '\0')
		printf("%-14s %s (the host's venue)\n", "location",
		    host->municipality->venue);
	s = edit_list_join(mt->participants, mt->n_participants);
	meeting_field("participants", mt->n_participants == 0 ?
	    "all municipalities" : s);
	free(s);
	meeting_show_items(m, mt);
	meeting_field("status", entity_word_or_dash(ENTITY_MEETING_STATE,
	    mt->status));
	printf("%-14s %u\n", "sequence", mt->sequence);
	printf("%-14s %llu\n", "rev", (unsigned long long)e->rev);
	if (*mt->notes != '\0')
		printf("\n%s\n", mt->notes);
out:
	if (e != NULL)
		samen__v1__entity__free_unpacked(e, NULL);
	if (host != NULL)
		samen__v1__entity__free_unpacked(host, NULL);
	free(zone);
	free(id);
	mirror_close(m);
	return rv;
}

/*
 * Parses the options of add and edit into f, checking words, dates and
 * times before anything connects.  0, or the exit code of a usage error
 * (printed).  Positional arguments are left at argv[optind..].
 */
static int
meeting_fields_parse(const struct client_cmd *cmd, int edit, int argc,
    char **argv, struct meeting_fields *f)
{
	static const struct option opts[] = {
		{ "title", required_argument, NULL, 't' },
		{ "kind", required_argument, NULL, 'k' },
		{ "date", required_argument, NULL, 'd' },
		{ "start", required_argument, NULL, 's' },
		{ "end", required_argument, NULL, 'e' },
		{ "duration", required_argument, NULL, 'D' },
		{ "host", required_argument, NULL, 'h' },
		{ "location", required_argument, NULL, 'l' },
		{ "participants", required_argument, NULL, 'p' },
		{ "items", required_argument, NULL, 'i' },
		{ "notes", required_argument, NULL, 'n' },
		{ "status", required_argument, NULL, 'S' },
		{ "expected-rev", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t minutes;
	int ch, rv, hh, mm;

	memset(f, 0, sizeof(*f));
	f->kind = f->status = f->duration = -1;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			f->title = optarg;	/* the daemon judges the text */
			break;
		case 'k':
			if ((rv = edit_word(cmd, ENTITY_MEETING_KIND, "--kind",
			    optarg, &f->kind)) != 0)
				return rv;
			break;
		case 'S':
			if ((rv = edit_word(cmd, ENTITY_MEETING_STATE,
			    "--status", optarg, &f->status)) != 0)
				return rv;
			break;
		case 'd':
			if ((rv = edit_date(cmd, "--date", optarg)) != 0)
				return rv;
			f->date = optarg;
			break;
		case 's':
		case 'e':
			if (edit_hhmm(optarg, &hh, &mm) == -1)
				return client_usage_error(cmd, "%s '%s' is not "
				    "a time of day (HH:MM, 00:00 to 23:59)",
				    ch == 's' ? "--start" : "--end", optarg);
			*(ch == 's' ? &f->start : &f->end) = optarg;
			break;
		case 'D':
			if (client_parse_number(optarg, MEETING_MAX_MINUTES,
			    &minutes) == -1 || minutes == 0)
				return client_usage_error(cmd, "--duration "
				    "needs minutes, 1 to %d, not '%s'",
				    MEETING_MAX_MINUTES, optarg);
			f->duration = (int)minutes;
			break;
		case 'h':
			f->host = optarg;
			break;
		case 'l':
			f->location = optarg;
			break;
		case 'p':
			f->participants = optarg;
			break;
		case 'i':
			f->items = optarg;
			break;
		case 'n':
			f->notes = optarg;
			break;
		case 'r':
			if (!edit)
				return client_usage_error(cmd, "a new meeting "
				    "has no rev to expect");
			if ((rv = edit_rev(cmd, optarg, &f->expected_rev)) != 0)
				return rv;
			f->have_rev = 1;
			continue;	/* not a field */
		default:
			return client_bad_option(cmd, argv);
		}
		f->count++;
	}
	if (f->end != NULL && f->duration != -1)
		return client_usage_error(cmd, "give --end or --duration, not "
		    "both");
	return 0;
}

/*
 * The UTC instant of local date and time of day hhmm in zone.  0: *t
 * set; otherwise 64, printed.
 */
static int
meeting_place(const struct client_cmd *cmd, const char *zone,
    const char *date, const char *hhmm, int64_t *t)
{
	int hh, mm;

	if (edit_hhmm(hhmm, &hh, &mm) == -1)
		return client_usage_error(cmd, "'%s' is not a time of day",
		    hhmm);
	switch (local_to_utc(zone, date, hh, mm, t)) {
	case 0:
		return 0;
	case 1:
		return client_usage_error(cmd, "%s does not exist on %s in %s "
		    "(the clocks go forward then)", hhmm, date, zone);
	default:
		break;
	}
	return client_usage_error(cmd, "cannot place %s %s in time zone %s",
	    date, hhmm, zone);
}

/*
 * The UTC start and end of a meeting from the given date and times and,
 * for an edit, the current meeting (cur, else NULL): a field not given
 * keeps its local value, and without --end or --duration the meeting
 * keeps its length.  0, or 64 printed.
 */
static int
meeting_times(const struct client_cmd *cmd, const char *zone,
    const struct meeting_fields *f, const Samen__V1__Meeting *cur,
    int64_t *start, int64_t *end)
{
	char cdate[DATE_STRLEN], cstart[6];
	const char *date, *st;
	int64_t t;
	int rv;

	if (cur != NULL && f->date == NULL && f->start == NULL &&
	    f->end == NULL && f->duration == -1) {
		*start = cur->start;
		*end = cur->end;
		return 0;
	}
	if (cur != NULL)
		local_from_utc(zone, cur->start, cdate, cstart);
	date = f->date != NULL ? f->date : cdate;
	st = f->start != NULL ? f->start : cstart;
	if ((rv = meeting_place(cmd, zone, date, st, start)) != 0)
		return rv;
	if (f->end != NULL) {
		if ((rv = meeting_place(cmd, zone, date, f->end, &t)) != 0)
			return rv;
		if (t <= *start)
			return client_usage_error(cmd, "--end %s is not after "
			    "the start, %s (for a meeting past midnight give "
			    "--duration)", f->end, st);
		*end = t;
	} else if (f->duration != -1)
		*end = *start + (int64_t)f->duration * 60;
	else if (cur != NULL)
		*end = *start + (cur->end - cur->start);
	else
		return client_usage_error(cmd, "give --end HH:MM or --duration "
		    "MINUTES");
	return 0;
}

/*
 * Sets the given fields other than the times on a meeting.  Strings
 * point into argv; the lists are made here and kept in *parts and
 * *items (free with edit_list_free).
 */
static void
meeting_fields_apply(const struct meeting_fields *f, Samen__V1__Meeting *mt,
    char ***parts, size_t *nparts, char ***items, size_t *nitems)
{
	*parts = *items = NULL;
	*nparts = *nitems = 0;
	if (f->title != NULL)
		mt->title = (char *)(uintptr_t)f->title;
	if (f->host != NULL)
		mt->host = (char *)(uintptr_t)f->host;
	if (f->location != NULL)
		mt->location = (char *)(uintptr_t)f->location;
	if (f->notes != NULL)
		mt->notes = (char *)(uintptr_t)f->notes;
	if (f->kind != -1)
		mt->kind = (Samen__V1__Meeting__MeetingKind)f->kind;
	if (f->status != -1)
		mt->status = (Samen__V1__Meeting__State)f->status;
	if (f->participants != NULL) {
		if (strcasecmp(f->participants, "all") != 0)
			edit_list(f->participants, 0, parts, nparts);
		mt->participants = *parts;
		mt->n_participants = *nparts;
	}
	if (f->items != NULL) {
		if (strcasecmp(f->items, "none") != 0)
			edit_list(f->items, 'A', items, nitems);
		mt->item_ids = *items;
		mt->n_item_ids = *nitems;
	}
}

/* Prints a stored meeting after a write: JSON, or "M3 <what> (rev N)". */
static void
meeting_written(struct client *c, const Samen__V1__Entity *stored,
    const char *zone, const char *what)
{
	char date[DATE_STRLEN], start[6], end[12];

	if (c->json) {
		out_json_print(meeting_json(stored, zone));
		return;
	}
	if (what == NULL) {
		printf("%s\n", stored->id);
		return;
	}
	meeting_local(zone, stored->meeting, date, start, end);
	printf("%s %s (rev %llu): %s %s-%s %s\n", stored->id, what,
	    (unsigned long long)stored->rev, date, start, end,
	    entity_word_or_dash(ENTITY_MEETING_STATE,
	    stored->meeting->status));
}

/*
 * Says on stderr what speaks against the date of a stored meeting that
 * is not cancelled: a public holiday, a region blackout, participants
 * busy that day (from the synced local copy m).  The daemon stores it
 * anyway; the scheduler (plan) is what avoids these.
 */
static void
meeting_warn(struct mirror *m, const char *zone, const Samen__V1__Entity *e)
{
	const Samen__V1__Meeting *mt = e->meeting;
	const Samen__V1__Blackout *b;
	const Samen__V1__BusyEntry *be;
	Samen__V1__Entity *region = NULL, **as = NULL;
	struct holiday hs[HOLIDAY_MAX];
	const struct holiday *h;
	struct date d;
	char date[DATE_STRLEN], start[6], *cause = NULL, *busy = NULL, *s;
	size_t n, nas = 0, i, j;

	if (mt->status == SAMEN__V1__MEETING__STATE__CANCELLED)
		return;
	local_from_utc(zone, mt->start, date, start);
	if (date_parse(date, &d) == -1)
		return;
	n = holiday_list(d.year, hs, HOLIDAY_MAX);
	if ((h = holiday_on(hs, n, &d)) != NULL && (h->blocks_day ||
	    (h->blocks_evening && strcmp(start, "18:00") >= 0)))
		fprintf(stderr, "samen: note: %s is %s (%s): no %smeetings "
		    "then\n", date, h->name_nl, h->name_en, h->blocks_day ? "" :
		    "evening ");
	if (mirror_get(m, SAMEN__V1__KIND__REGION, "region", &region,
	    &cause) == 0 && region->body_case ==
	    SAMEN__V1__ENTITY__BODY_REGION) {
		for (i = 0; i < region->region->n_blackouts; i++) {
			b = region->region->blackouts[i];
			if (strcmp(b->start, date) <= 0 &&
			    strcmp(date, b->end) <= 0)
				fprintf(stderr, "samen: note: %s falls in the "
				    "region's blackout %s to %s (%s)\n", date,
				    b->start, b->end, b->reason);
		}
	}
	free(cause);
	cause = NULL;
	if (mirror_list(m, SAMEN__V1__KIND__AVAILABILITY, NULL, &as, &nas,
	    &cause) == 0) {
		for (i = 0; i < nas; i++) {
			if (mt->n_participants > 0 &&
			    !meeting_involves(mt, as[i]->id))
				continue;
			for (j = 0; j < as[i]->availability->n_busy; j++) {
				be = as[i]->availability->busy[j];
				if (strcmp(be->date, date) != 0)
					continue;
				xasprintf(&s, "%s%s%s (%s)", busy != NULL ?
				    busy : "", busy != NULL ? ", " : "",
				    as[i]->id, be->reason);
				free(busy);
				busy = s;
				break;
			}
		}
	}
	if (busy != NULL)
		fprintf(stderr, "samen: note: busy on %s: %s\n", date, busy);
	free(busy);
	free(cause);
	if (region != NULL)
		samen__v1__entity__free_unpacked(region, NULL);
	mirror_list_free(as, nas);
}

/* samen meeting add: a new meeting; the daemon gives it its id. */
static int
meeting_add(struct client *c, int argc, char **argv)
{
	const struct client_cmd *cmd = &meeting_cmds[2];
	Samen__V1__Entity e = SAMEN__V1__ENTITY__INIT, *stored;
	Samen__V1__Meeting mt = SAMEN__V1__MEETING__INIT;
	Samen__V1__HelloResponse *h = NULL;
	struct meeting_fields f;
	struct mirror *m = NULL;
	char **parts = NULL, **items = NULL, *host = NULL, *zone = NULL;
	char *cause = NULL;
	size_t nparts = 0, nitems = 0;
	int rv;

	if ((rv = meeting_fields_parse(cmd, 0, argc, argv, &f)) != 0)
		return rv;
	if (optind != argc)
		return client_usage_error(cmd, "unexpected '%s' (the server "
		    "gives the id)", argv[optind]);
	if (f.title == NULL || f.kind == -1 || f.date == NULL ||
	    f.start == NULL)
		return client_usage_error(cmd, "--title, --kind, --date and "
		    "--start are required");
	if (f.end == NULL && f.duration == -1)
		return client_usage_error(cmd, "give --end HH:MM or "
		    "--duration MINUTES");
	if ((rv = conn_open(c, &h)) != 0)
		return rv;
	if ((rv = edit_for_municipality(cmd, h, "--host", f.host,
	    &host)) != 0)
		goto out;
	zone = local_zone(NULL, h);
	if ((rv = meeting_times(cmd, zone, &f, NULL, &mt.start,
	    &mt.end)) != 0)
		goto out;
	meeting_fields_apply(&f, &mt, &parts, &nparts, &items, &nitems);
	mt.host = host;
	e.id = (char *)(uintptr_t)"";
	e.body_case = SAMEN__V1__ENTITY__BODY_MEETING;
	e.meeting = &mt;
	if ((rv = edit_put(c, &e, 0, &stored)) != 0)
		goto out;
	meeting_written(c, stored, zone, NULL);
	/* The copy, quietly brought up to date, for the notes. */
	if (mirror_open(c, &m, &cause) == 0) {
		mirror_written(c, m);
		meeting_warn(m, zone, stored);
	}
	free(cause);
	samen__v1__entity__free_unpacked(stored, NULL);
out:
	if (h != NULL)
		samen__v1__hello_response__free_unpacked(h, NULL);
	edit_list_free(parts, nparts);
	edit_list_free(items, nitems);
	free(host);
	free(zone);
	mirror_close(m);
	return rv;
}

/*
 * The start of a write to an existing meeting: edit_open, and the
 * region's time zone.  0: *hp, *mp, *cur and *zone set (the caller frees
 * them); otherwise the exit code, printed.
 */
static int
meeting_open(struct client *c, const char *arg,
    Samen__V1__HelloResponse **hp, struct mirror **mp,
    Samen__V1__Entity **cur, char **zone)
{
	int rv;

	*zone = NULL;
	if ((rv = edit_open(c, hp, SAMEN__V1__KIND__MEETING, 'M', "meeting",
	    arg, mp, cur)) == 0)
		*zone = local_zone(*mp, *hp);
	return rv;
}

/* Frees what meeting_open made. */
static void
meeting_close(Samen__V1__HelloResponse *h, struct mirror *m,
    Samen__V1__Entity *cur, char *zone)
{
	if (h != NULL)
		samen__v1__hello_response__free_unpacked(h, NULL);
	if (cur != NULL)
		samen__v1__entity__free_unpacked(cur, NULL);
	mirror_close(m);
	free(zone);
}

/*
 * samen meeting edit ID: the meeting as the freshly synced copy has it,
 * with the given fields changed, put on the rev it was read at (or
 * --expected-rev).
 */
static int
meeting_edit(struct client *c, int argc, char **argv)
{
	const struct client_cmd *cmd = &meeting_cmds[3];
	Samen__V1__Entity *cur = NULL, mine, *stored;
	Samen__V1__Meeting mt;
	Samen__V1__HelloResponse *h = NULL;
	struct meeting_fields f;
	struct mirror *m = NULL;
	char **parts = NULL, **items = NULL, *zone = NULL;
	size_t nparts = 0, nitems = 0;
	int rv;

	if ((rv = meeting_fields_parse(cmd, 1, argc, argv, &f)) != 0)
		return rv;
	if (optind + 1 != argc)
		return client_usage_error(cmd, "give one meeting id");
	if (f.count == 0)
		return client_usage_error(cmd, "give at least one field to "
		    "change");
	if ((rv = meeting_open(c, argv[optind], &h, &m, &cur, &zone)) != 0)
		goto out;
	/* Shallow copies: the strings stay cur's or argv's. */
	mine = *cur;
	mt = *cur->meeting;
	mine.meeting = &mt;
	mine.rev = f.have_rev ? f.expected_rev : cur->rev;
	if ((rv = meeting_times(cmd, zone, &f, cur->meeting, &mt.start,
	    &mt.end)) != 0)
		goto out;
	meeting_fields_apply(&f, &mt, &parts, &nparts, &items, &nitems);
	if ((rv = edit_put(c, &mine, mine.rev, &stored)) != 0)
		goto out;
	meeting_written(c, stored, zone, "updated");
	mirror_written(c, m);
	meeting_warn(m, zone, stored);
	samen__v1__entity__free_unpacked(stored, NULL);
out:
	edit_list_free(parts, nparts);
	edit_list_free(items, nitems);
	meeting_close(h, m, cur, zone);
	return rv;
}

/*
 * Sets a meeting's status (confirm, cancel) on the rev the synced copy
 * has (or --expected-rev).  Setting the status it has already changes
 * nothing and is no error.
 */
static int
meeting_set_status(struct client *c, const struct client_cmd *cmd, int argc,
    char **argv, Samen__V1__Meeting__State status, const char *what)
{
	Samen__V1__Entity *cur = NULL, mine, *stored;
	Samen__V1__Meeting mt;
	Samen__V1__HelloResponse *h = NULL;
	struct mirror *m = NULL;
	uint64_t expected;
	char *zone = NULL;
	int rv, have_rev;

	if ((rv = edit_id_rev(cmd, argc, argv, "meeting", &expected,
	    &have_rev)) != 0)
		return rv;
	if ((rv = meeting_open(c, argv[optind], &h, &m, &cur, &zone)) != 0)
		goto out;
	if (cur->meeting->status == status && !have_rev) {
		if (c->json)
			out_json_print(meeting_json(cur, zone));
		else
			printf("%s is %s already\n", cur->id, what);
		goto out;
	}
	mine = *cur;
	mt = *cur->meeting;
	mine.meeting = &mt;
	mine.rev = have_rev ? expected : cur->rev;
	mt.status = status;
	if ((rv = edit_put(c, &mine, mine.rev, &stored)) != 0)
		goto out;
	meeting_written(c, stored, zone, what);
	mirror_written(c, m);
	meeting_warn(m, zone, stored);
	samen__v1__entity__free_unpacked(stored, NULL);
out:
	meeting_close(h, m, cur, zone);
	return rv;
}

/* samen meeting confirm ID. */
static int
meeting_confirm(struct client *c, int argc, char **argv)
{
	return meeting_set_status(c, &meeting_cmds[4], argc, argv,
	    SAMEN__V1__MEETING__STATE__CONFIRMED, "confirmed");
}

/* samen meeting cancel ID. */
static int
meeting_cancel(struct client *c, int argc, char **argv)
{
	return meeting_set_status(c, &meeting_cmds[5], argc, argv,
	    SAMEN__V1__MEETING__STATE__CANCELLED, "cancelled");
}

/* samen meeting SUBCOMMAND ...: finds the subcommand and runs it. */
int
cmd_meeting(struct client *c, int argc, char **argv)
{
	return client_run_subcommand(c, argc, argv, meeting_cmds,
	    MEETING_NCMDS, meeting_help);
}
