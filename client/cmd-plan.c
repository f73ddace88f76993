/*
 * samen plan: the scheduler of the post-election meetings (DESIGN.md
 * §6).  The options become one PlanRequest (a zero value: the daemon's
 * default); the answer is a proposal in date order with the reason for
 * each meeting, and, with --explain, every rejected candidate date
 * grouped by its reasons.  A dry run unless --commit (admin, with
 * --key); it needs the daemon and never answers from the local copy.
 * Exit 0 when every meeting asked for fits, 65 when not.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "date.h"
#include "samen.h"
#include "xmalloc.h"

#define PLAN_MAX_MINUTES	(24 * 60)
#define PLAN_DATES_PER_LINE	4

/* What the options asked for, before it becomes a PlanRequest. */
struct plan_args {
	Samen__V1__PlanRequest	  req;
	uint32_t		  weekdays[7];
	char			**parts;
	size_t			  nparts;
	char			**hosts;
	size_t			  nhosts;
	int			  explain;
};

/* One reason of the rejected dates and the dates it rejected. */
struct plan_group {
	const char	 *reason;
	const char	**dates;
	size_t		  ndates;
};

/* Day names as typed: English and Dutch, short and long; 1 = Monday. */
static const struct {
	const char	*word;
	uint32_t	 day;
} plan_days[] = {
	{ "mon", 1 }, { "tue", 2 }, { "wed", 3 }, { "thu", 4 },
	{ "fri", 5 }, { "sat", 6 }, { "sun", 7 },
	{ "monday", 1 }, { "tuesday", 2 }, { "wednesday", 3 },
	{ "thursday", 4 }, { "friday", 5 }, { "saturday", 6 },
	{ "sunday", 7 },
	{ "ma", 1 }, { "di", 2 }, { "wo", 3 }, { "do", 4 }, { "vr", 5 },
	{ "za", 6 }, { "zo", 7 },
	{ "maandag", 1 }, { "dinsdag", 2 }, { "woensdag", 3 },
	{ "donderdag", 4 }, { "vrijdag", 5 }, { "zaterdag", 6 },
	{ "zondag", 7 },
};
#define PLAN_NDAYS	(sizeof(plan_days) / sizeof(plan_days[0]))

/* samen plan --help: the options with their defaults. */
static void
plan_help(FILE *fp)
{
	const struct client_cmd *cmd = client_find_cmd("plan");
	char *kinds = entity_words(ENTITY_MEETING_KIND);

	fprintf(fp, "usage: samen plan %s\n\n%s.\n\n"
	    "  --count N          meetings wanted (required)\n"
	    "  --kind K           default regional-councils; one of:\n"
	    "                     %s\n"
	    "  --title T          \"{n}\" becomes the meeting's number; "
	    "default per kind\n"
	    "  --from, --to D     the window (YYYY-MM-DD); default: the "
	    "installation + 14\n"
	    "                     days up to the first blackout after it, "
	    "else + 120 days\n"
	    "  --weekdays D,..    mon..sun (or 1-7, ma..zo, ranges mon-thu); "
	    "default mon-thu\n"
	    "  --start HH:MM      local start, default 19:30\n"
	    "  --duration MIN     default 150\n"
	    "  --gap DAYS         at least this many days between meetings, "
	    "default 14\n"
	    "  --participants M,..  default all municipalities\n"
	    "  --hosts M,..       who may host, default every participant\n"
	    "  --key K            the name of the plan; committing the same "
	    "plan again\n"
	    "                     under its key changes nothing\n"
	    "  --commit           store the meetings as planned (admin; "
	    "needs --key)\n"
	    "  --explain          every rejected date, grouped by reason\n\n"
	    "Without --commit nothing is stored.  Exit 0 when all meetings "
	    "fit, 65 when\nfewer fit (nothing is committed then), 64 for a "
	    "bad option, 73 when --commit\nwould change the plan already "
	    "committed under its key.\n", cmd->args, cmd->help, kinds);
	free(kinds);
}

/* The day (1 = Monday .. 7 = Sunday) a word names, or 0. */
static uint32_t
plan_day(const char *w)
{
	size_t i;

	if (strlen(w) == 1 && w[0] >= '1' && w[0] <= '7')
		return (uint32_t)(w[0] - '0');
	for (i = 0; i < PLAN_NDAYS; i++) {
		if (strcasecmp(plan_days[i].word, w) == 0)
			return plan_days[i].day;
	}
	return 0;
}

/*
 * Adds the days of one word of --weekdays ("mon", "3", "mon-thu") to
 * set (bit d for day d).  0, or -1: not a day or a range of days.
 */
static int
plan_day_word(const char *w, unsigned int *set)
{
	const char *dash;
	char *first;
	uint32_t a, b, d;

	if ((dash = strchr(w, '-')) == NULL) {
		if ((a = plan_day(w)) == 0)
			return -1;
		*set |= 1u << a;
		return 0;
	}
	first = xstrndup(w, (size_t)(dash - w));
	a = plan_day(first);
	free(first);
	b = plan_day(dash + 1);
	if (a == 0 || b == 0 || a > b)
		return -1;
	for (d = a; d <= b; d++)
		*set |= 1u << d;
	return 0;
}

/*
 * Parses --weekdays into a->weekdays, in day order, each once.  0, or 64
 * printed.
 */
static int
plan_weekdays(const struct client_cmd *cmd, const char *arg,
    struct plan_args *a)
{
	char **w;
	size_t nw, i;
	unsigned int set = 0;
	uint32_t d;
	int rv = 0;

	edit_list(arg, 0, &w, &nw);
	if (nw == 0)
		rv = client_usage_error(cmd, "--weekdays needs at least one "
		    "day (mon..sun or 1-7)");
	for (i = 0; i < nw && rv == 0; i++) {
		if (plan_day_word(w[i], &set) == -1)
			rv = client_usage_error(cmd, "--weekdays '%s' is not a "
			    "day; use mon, tue, wed, thu, fri, sat, sun or 1-7 "
			    "(1 = Monday)", w[i]);
	}
	edit_list_free(w, nw);
	if (rv != 0)
		return rv;
	a->req.n_weekdays = 0;
	for (d = 1; d <= 7; d++) {
		if (set & (1u << d))
			a->weekdays[a->req.n_weekdays++] = d;
	}
	a->req.weekdays = a->weekdays;
	return 0;
}

/*
 * Parses a list of municipality ids of an option ("all": every one).
 * 0: *v and *n set (NULL, 0 for all); otherwise 64, printed.
 */
static int
plan_munis(const struct client_cmd *cmd, const char *opt, const char *arg,
    char ***v, size_t *n)
{
	edit_list_free(*v, *n);
	*v = NULL;
	*n = 0;
	if (strcasecmp(arg, "all") == 0)
		return 0;
	edit_list(arg, 0, v, n);
	if (*n == 0)
		return client_usage_error(cmd, "%s needs at least one "
		    "municipality (or all)", opt);
	return 0;
}

/*
 * Parses a positive number of an option, at most max.  0: *out set;
 * otherwise 64, printed.
 */
static int
plan_number(const struct client_cmd *cmd, const char *opt, const char *arg,
    uint64_t max, uint32_t *out)
{
	uint64_t v;

	if (client_parse_number(arg, max, &v) == 0 && v > 0) {
		*out = (uint32_t)v;
		return 0;
	}
	if (max < UINT32_MAX)
		return client_usage_error(cmd, "%s needs a whole number from 1 "
		    "to %llu, not '%s'", opt, (unsigned long long)max, arg);
	return client_usage_error(cmd, "%s needs a whole number, 1 or more, "
	    "not '%s'", opt, arg);
}

/*
 * Parses the command line into a, checking every value before anything
 * connects.  0, or 64 printed.
 */
static int
plan_parse(const struct client_cmd *cmd, int argc, char **argv,
    struct plan_args *a)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "kind", required_argument, NULL, 'k' },
		{ "title", required_argument, NULL, 'T' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "weekdays", required_argument, NULL, 'w' },
		{ "start", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'D' },
		{ "gap", required_argument, NULL, 'g' },
		{ "participants", required_argument, NULL, 'p' },
		{ "hosts", required_argument, NULL, 'H' },
		{ "key", required_argument, NULL, 'K' },
		{ "commit", no_argument, NULL, 'C' },
		{ "explain", no_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, rv, kind, hh, mm, have_count = 0;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			if ((rv = plan_number(cmd, "--count", optarg,
			    UINT32_MAX, &a->req.count)) != 0)
				return rv;
			have_count = 1;
			break;
		case 'k':
			if ((rv = edit_word(cmd, ENTITY_MEETING_KIND, "--kind",
			    optarg, &kind)) != 0)
				return rv;
			a->req.kind = (Samen__V1__Meeting__MeetingKind)kind;
			break;
		case 'T':
			if (*optarg == '\0')
				return client_usage_error(cmd, "--title needs "
				    "a text (leave it out for the default)");
			a->req.title = optarg;	/* the daemon judges it */
			break;
		case 'f':
		case 't':
			if ((rv = edit_date(cmd, ch == 'f' ? "--from" : "--to",
			    optarg)) != 0)
				return rv;
			*(ch == 'f' ? &a->req.from : &a->req.to) = optarg;
			break;
		case 'w':
			if ((rv = plan_weekdays(cmd, optarg, a)) != 0)
				return rv;
			break;
		case 's':
			if (edit_hhmm(optarg, &hh, &mm) == -1)
				return client_usage_error(cmd, "--start '%s' is "
				    "not a time of day (HH:MM, 00:00 to 23:59)",
				    optarg);
			a->req.start = optarg;
			break;
		case 'D':
			if ((rv = plan_number(cmd, "--duration", optarg,
			    PLAN_MAX_MINUTES, &a->req.duration)) != 0)
				return rv;
			break;
		case 'g':
			if ((rv = plan_number(cmd, "--gap", optarg,
			    UINT32_MAX, &a->req.gap)) != 0)
				return rv;
			break;
		case 'p':
			if ((rv = plan_munis(cmd, "--participants", optarg,
			    &a->parts, &a->nparts)) != 0)
				return rv;
			break;
		case 'H':
			if ((rv = plan_munis(cmd, "--hosts", optarg,
			    &a->hosts, &a->nhosts)) != 0)
				return rv;
			break;
		case 'K':
			if (*optarg == '\0')
				return client_usage_error(cmd, "--key needs a "
				    "name");
			a->req.key = optarg;
			break;
		case 'C':
			a->req.commit = 1;
			break;
		case 'e':
			a->explain = 1;
			break;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	if (optind != argc)
		return client_usage_error(cmd, "unexpected '%s'", argv[optind]);
	if (!have_count)
		return client_usage_error(cmd, "--count N is required (how "
		    "many meetings)");
	if (*a->req.from != '\0' && *a->req.to != '\0' &&
	    strcmp(a->req.from, a->req.to) > 0)
		return client_usage_error(cmd, "--to %s is before --from %s",
		    a->req.to, a->req.from);
	if (a->req.commit && *a->req.key == '\0')
		return client_usage_error(cmd, "--commit needs --key K, the "
		    "name under which the plan is stored");
	a->req.participants = a->parts;
	a->req.n_participants = a->nparts;
	a->req.hosts = a->hosts;
	a->req.n_hosts = a->nhosts;
	return 0;
}

/* The answer as one JSON object (a json_t *). */
static json_t *
plan_json(const Samen__V1__PlanResponse *p)
{
	const Samen__V1__PlannedMeeting *pm;
	const Samen__V1__RejectedDate *rd;
	const Samen__V1__PlanMove *mv;
	json_t *prop, *rej, *moves, *o, *reasons;
	size_t i, j;

	prop = json_array();
	for (i = 0; i < p->n_proposal; i++) {
		pm = p->proposal[i];
		o = json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s}",
		    "n", (int)pm->n, "date", pm->date, "start", pm->start,
		    "end", pm->end, "host", pm->host, "venue", pm->venue,
		    "tentative", pm->tentative, "why", pm->why,
		    "title", pm->title);
		if (*pm->id != '\0')
			json_object_set_new(o, "id", json_string(pm->id));
		json_object_set_new(o, "start_utc",
		    json_integer((json_int_t)pm->start_utc));
		json_object_set_new(o, "end_utc",
		    json_integer((json_int_t)pm->end_utc));
		json_array_append_new(prop, o);
	}
	rej = json_array();
	for (i = 0; i < p->n_rejected; i++) {
		rd = p->rejected[i];
		reasons = json_array();
		for (j = 0; j < rd->n_reasons; j++)
			json_array_append_new(reasons,
			    json_string(rd->reasons[j]));
		json_array_append_new(rej, json_pack("{s:s,s:o}", "date",
		    rd->date, "reasons", reasons));
	}
	moves = json_array();
	for (i = 0; i < p->n_moves; i++) {
		mv = p->moves[i];
		json_array_append_new(moves, json_pack("{s:i,s:s,s:s,s:s}",
		    "n", (int)mv->n, "id", mv->id, "was", mv->was,
		    "now", mv->now));
	}
	return json_pack("{s:o,s:o,s:i,s:i,s:s,s:s,s:s,s:b,s:b,s:I,s:o,s:i}",
	    "proposal", prop, "rejected", rej, "count", (int)p->count,
	    "fit", (int)p->fit, "from", p->from, "to", p->to,
	    "binding", p->binding, "committed", p->committed,
	    "replayed", p->replayed, "plan_rev", (json_int_t)p->plan_rev,
	    "moves", moves, "candidates", (int)p->candidates);
}

/* qsort: groups with more dates first, then by reason. */
static int
plan_group_cmp(const void *a, const void *b)
{
	const struct plan_group *ga = a, *gb = b;

	if (ga->ndates != gb->ndates)
		return ga->ndates > gb->ndates ? -1 : 1;
	return strcmp(ga->reason, gb->reason);
}

/*
 * Prints the rejected dates grouped by reason: the reason that rejected
 * the most dates first, each reason followed by its dates.  A date with
 * several reasons appears under each.
 */
static void
plan_explain(const Samen__V1__PlanResponse *p)
{
	struct plan_group *g = NULL;
	const Samen__V1__RejectedDate *rd;
	size_t ng = 0, i, j, k;

	if (p->n_rejected == 0) {
		printf("\nno candidate date was rejected\n");
		return;
	}
	for (i = 0; i < p->n_rejected; i++) {
		rd = p->rejected[i];
		for (j = 0; j < rd->n_reasons; j++) {
			for (k = 0; k < ng; k++) {
				if (strcmp(g[k].reason, rd->reasons[j]) == 0)
					break;
			}
			if (k == ng) {
				g = xreallocarray(g, ng + 1, sizeof(*g));
				g[ng].reason = rd->reasons[j];
				g[ng].dates = NULL;
				g[ng].ndates = 0;
				ng++;
			}
			/* A date once per reason, even if named twice. */
			if (g[k].ndates > 0 && strcmp(g[k].dates[g[k].ndates -
			    1], rd->date) == 0)
				continue;
			g[k].dates = xreallocarray(g[k].dates, g[k].ndates + 1,
			    sizeof(*g[k].dates));
			g[k].dates[g[k].ndates++] = rd->date;
		}
	}
	if (ng > 1)
		qsort(g, ng, sizeof(*g), plan_group_cmp);
	printf("\n%zu rejected date%s, by reason (dates, reason):\n",
	    p->n_rejected, p->n_rejected == 1 ? "" : "s");
	for (k = 0; k < ng; k++) {
		printf("%5zu  %s\n", g[k].ndates, g[k].reason);
		for (i = 0; i < g[k].ndates; i++)
			printf("%s%s %s%s", i % PLAN_DATES_PER_LINE == 0 ?
			    "       " : "  ", local_weekday(g[k].dates[i], 0),
			    g[k].dates[i], i + 1 == g[k].ndates ||
			    i % PLAN_DATES_PER_LINE == PLAN_DATES_PER_LINE -
			    1 ? "\n" : "");
		free(g[k].dates);
	}
	free(g);
}

/* Prints the moves against the key's committed plan on fp. */
static void
plan_moves(FILE *fp, const Samen__V1__PlanResponse *p, const char *key)
{
	const Samen__V1__PlanMove *mv;
	size_t i;

	if (p->n_moves == 0)
		return;
	fprintf(fp, "\nagainst the plan committed under key '%s' (rev %llu):\n",
	    key, (unsigned long long)p->plan_rev);
	for (i = 0; i < p->n_moves; i++) {
		mv = p->moves[i];
		if (*mv->now != '\0')
			fprintf(fp, "  would change: meeting %u (%s) %s → %s\n",
			    mv->n, edit_dash(mv->id), mv->was, mv->now);
		else
			fprintf(fp, "  would drop: meeting %u (%s) %s\n", mv->n,
			    edit_dash(mv->id), mv->was);
	}
}

/*
 * The end of the clause of a reason that starts at p: the next "; "
 * followed by a labelled clause ("host: ..."), or the end of the text.
 */
static const char *
plan_clause_end(const char *p)
{
	const char *sep, *w;

	for (sep = strstr(p, "; "); sep != NULL; sep = strstr(sep + 2, "; ")) {
		for (w = sep + 2; *w != '\0' && *w != ' ' && *w != ':'; w++)
			;
		if (*w == ':' && w > sep + 2)
			return sep;
	}
	return p + strlen(p);
}

/*
 * Prints why a meeting got its date and host: its number, then each
 * labelled clause of the daemon's reason ("date: ...; host: ...") on a
 * line of its own.
 */
static void
plan_why(const Samen__V1__PlannedMeeting *pm)
{
	const char *p = pm->why, *end;
	int first = 1;

	if (*p == '\0') {
		printf("%5u  -\n", pm->n);
		return;
	}
	while (*p != '\0') {
		end = plan_clause_end(p);
		if (first)
			printf("%5u  %.*s\n", pm->n, (int)(end - p), p);
		else
			printf("       %.*s\n", (int)(end - p), p);
		first = 0;
		p = *end != '\0' ? end + 2 : end;
	}
}

/* Prints the proposal as a table, each meeting's reason below it. */
static void
plan_table(const Samen__V1__PlanResponse *p)
{
	const Samen__V1__PlannedMeeting *pm;
	struct out_table *t;
	size_t i, ncols;
	int ids = 0, tentative = 0;

	for (i = 0; i < p->n_proposal; i++) {
		ids |= *p->proposal[i]->id != '\0';
		tentative |= p->proposal[i]->tentative;
	}
	ncols = ids ? 9 : 8;
	printf("\n");
	t = out_table_new(ncols);
	out_table_right(t, 1);
	out_table_add(t, " ");
	out_table_add(t, "N");
	if (ids)
		out_table_add(t, "ID");
	out_table_add(t, "DATE");
	out_table_add(t, "DAY");
	out_table_add(t, "TIME");
	out_table_add(t, "HOST");
	out_table_add(t, "VENUE");
	out_table_add(t, "TITLE");
	for (i = 0; i < p->n_proposal; i++) {
		pm = p->proposal[i];
		out_table_add(t, "%s", pm->tentative ? "~" : " ");
		out_table_add(t, "%u", pm->n);
		if (ids)
			out_table_add(t, "%s", edit_dash(pm->id));
		out_table_add(t, "%s", pm->date);
		out_table_add(t, "%s", local_weekday(pm->date, 0));
		out_table_add(t, "%s-%s", pm->start, pm->end);
		out_table_add(t, "%s", edit_dash(pm->host));
		out_table_add(t, "%s", edit_dash(pm->venue));
		out_table_add(t, "%s", pm->title);
	}
	out_table_print(t);
	printf("\nwhy:\n");
	for (i = 0; i < p->n_proposal; i++)
		plan_why(p->proposal[i]);
	if (tentative)
		printf("\n~ tentative: the date waits for a new college to be "
		    "installed (see why)\n");
}

/* The ids of the proposal, "M5, M6", or NULL when none (free it). */
static char *
plan_ids(const Samen__V1__PlanResponse *p)
{
	char *s = NULL, *n;
	size_t i;

	for (i = 0; i < p->n_proposal; i++) {
		if (*p->proposal[i]->id == '\0')
			continue;
		xasprintf(&n, "%s%s%s", s != NULL ? s : "", s != NULL ? ", " :
		    "", p->proposal[i]->id);
		free(s);
		s = n;
	}
	return s;
}

/*
 * Says that fewer meetings fit than asked for, why (the daemon's binding
 * constraint) and that nothing was committed: for people on stdout, or
 * as one line on stderr beside the JSON.
 */
static void
plan_binding(FILE *fp, const Samen__V1__PlanResponse *p)
{
	char *why;

	if (*p->binding != '\0')
		why = xstrdup(p->binding);
	else
		xasprintf(&why, "only %u of %u meetings fit", p->fit, p->count);
	if (fp == stderr)
		fprintf(fp, "samen: %s; nothing was committed\n", why);
	else
		fprintf(fp, "\n%s\nnothing was committed\n", why);
	free(why);
}

/* Prints the answer for people. */
static void
plan_print(const struct plan_args *a, const Samen__V1__PlanResponse *p)
{
	const char *kind = entity_word(ENTITY_MEETING_KIND,
	    a->req.kind != 0 ? (int)a->req.kind :
	    SAMEN__V1__MEETING__MEETING_KIND__REGIONAL_COUNCILS);
	char *ids;

	printf("%s meetings from %s to %s: %u of %u fit (%u candidate "
	    "date%s, %zu rejected)\n", kind != NULL ? kind : "regional",
	    p->from, p->to, p->fit, p->count, p->candidates,
	    p->candidates == 1 ? "" : "s", p->n_rejected);
	if (p->n_proposal > 0)
		plan_table(p);
	if (a->explain)
		plan_explain(p);
	else if (p->n_rejected > 0)
		printf("\n(--explain lists the %zu rejected date%s with %s "
		    "reasons)\n", p->n_rejected, p->n_rejected == 1 ? "" : "s",
		    p->n_rejected == 1 ? "its" : "their");
	plan_moves(stdout, p, a->req.key);
	if (p->fit < p->count) {
		plan_binding(stdout, p);
		return;
	}
	ids = plan_ids(p);
	if (p->replayed)
		printf("\nthe plan under key '%s' was committed already (rev "
		    "%llu) with this same proposal; nothing changed%s%s\n",
		    a->req.key, (unsigned long long)p->plan_rev,
		    ids != NULL ? ": " : "", ids != NULL ? ids : "");
	else if (p->committed && a->req.commit)
		printf("\ncommitted under key '%s' (rev %llu): %s stored as "
		    "planned\n", a->req.key, (unsigned long long)p->plan_rev,
		    ids != NULL ? ids : "the meetings");
	else if (p->plan_rev != 0 && *a->req.key != '\0')
		/* The key holds another proposal: the moves say how. */
		printf("\na dry run: nothing was committed; this proposal "
		    "differs from the plan committed under key '%s' at rev "
		    "%llu, so --commit under that key is refused (use a new "
		    "key, or change the meetings one by one)\n", a->req.key,
		    (unsigned long long)p->plan_rev);
	else
		printf("\na dry run: nothing was committed%s\n",
		    *a->req.key != '\0' ? "" : " (--commit --key K stores it)");
	free(ids);
}

/* samen plan: a proposal for the post-election meetings. */
int
cmd_plan(struct client *c, int argc, char **argv)
{
	const struct client_cmd *cmd = client_find_cmd("plan");
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__Response *resp = NULL;
	Samen__V1__PlanResponse *p;
	struct plan_args a;
	int rv;

	if (client_wants_help(argc, argv)) {
		plan_help(stdout);
		return 0;
	}
	memset(&a, 0, sizeof(a));
	samen__v1__plan_request__init(&a.req);
	if ((rv = plan_parse(cmd, argc, argv, &a)) != 0)
		goto out;
	/* The daemon plans: no answer from the local copy. */
	if ((rv = conn_open(c, NULL)) != 0)
		goto out;
	req.body_case = SAMEN__V1__REQUEST__BODY_PLAN;
	req.plan = &a.req;
	if (conn_call(c, &req, &resp) == -1) {
		rv = EXIT_UNAVAIL;
		goto out;
	}
	if (resp->status->code != SAMEN__V1__STATUS__CODE__OK) {
		/* A refused commit may still say what would move. */
		if (resp->body_case == SAMEN__V1__RESPONSE__BODY_PLAN &&
		    !c->json)
			plan_moves(stderr, resp->plan, a.req.key);
		rv = out_status(c, resp->status);
		goto out;
	}
	if (resp->body_case != SAMEN__V1__RESPONSE__BODY_PLAN) {
		rv = out_error(c, EXIT_OTHER, "the server answered plan with "
		    "something else");
		goto out;
	}
	p = resp->plan;
	if (c->json)
		out_json_print(plan_json(p));
	else
		plan_print(&a, p);
	if (p->fit < p->count) {
		if (c->json)
			plan_binding(stderr, p);
		rv = EXIT_DATAERR;
		goto out;
	}
	/* The local copy shows the new meetings at once. */
	if (a.req.commit && p->committed && !p->replayed)
		mirror_written(c, NULL);
	rv = 0;
out:
	conn_response_free(resp);
	edit_list_free(a.parts, a.nparts);
	edit_list_free(a.hosts, a.nhosts);
	return rv;
}
