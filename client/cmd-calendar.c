/*
 * samen calendar [--month YYYY-MM] [--municipality ID]: a month in the
 * terminal, Monday first, with the meetings (by kind), the public
 * holidays, the region's blackouts and the municipalities' busy dates
 * marked, a legend and, below it, what each marked day holds.  It reads
 * only the synced local copy and computes the holidays here, so it also
 * answers offline.  The grid itself is drawn by grid_render (grid.c).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "date.h"
#include "holiday.h"
#include "samen.h"
#include "xmalloc.h"

/* What one day of the month holds; the pointers are the entities'. */
struct calendar_day {
	const Samen__V1__Entity		**meetings;
	size_t				  nmeetings;
	const struct holiday		 *holidays[HOLIDAY_MAX];
	size_t				  nholidays;
	const char			 *blackout;	/* its reason */
	const char			**busy;		/* municipality ids */
	const char			**reasons;	/* and why */
	size_t				  nbusy;
};

/* The month being drawn and everything it holds. */
struct calendar {
	int			 year;
	int			 month;
	int			 ndays;
	char			*zone;
	const char		*municipality;	/* --municipality, or NULL */
	struct holiday		 holidays[HOLIDAY_MAX];
	struct calendar_day	 days[31];
};

/* Parses YYYY-MM of a year the holidays know.  0, or -1. */
static int
calendar_parse_month(const char *s, int *year, int *month)
{
	char buf[DATE_STRLEN];
	struct date d;

	if (strlen(s) != 7)
		return -1;
	snprintf(buf, sizeof(buf), "%s-01", s);
	if (date_parse(buf, &d) == -1 || d.year < HOLIDAY_YEAR_MIN ||
	    d.year > HOLIDAY_YEAR_MAX)
		return -1;
	*year = d.year;
	*month = d.month;
	return 0;
}

/*
 * The day of the month of a date (YYYY-MM-DD) when it falls in the
 * calendar's month, else 0.
 */
static int
calendar_day_of(const struct calendar *cal, const char *s)
{
	struct date d;

	if (date_parse(s, &d) == -1 || d.year != cal->year ||
	    d.month != cal->month)
		return 0;
	return d.day;
}

/* Places the meetings that are not cancelled on their local start date. */
static void
calendar_meetings(struct calendar *cal, Samen__V1__Entity **ms, size_t n)
{
	struct calendar_day *cd;
	char date[DATE_STRLEN];
	size_t i;
	int day;

	meeting_sort(ms, n);
	for (i = 0; i < n; i++) {
		if (ms[i]->meeting->status ==
		    SAMEN__V1__MEETING__STATE__CANCELLED ||
		    (cal->municipality != NULL &&
		    !meeting_involves(ms[i]->meeting, cal->municipality)))
			continue;
		local_from_utc(cal->zone, ms[i]->meeting->start, date, NULL);
		if ((day = calendar_day_of(cal, date)) == 0)
			continue;
		cd = &cal->days[day - 1];
		cd->meetings = xreallocarray(cd->meetings, cd->nmeetings + 1,
		    sizeof(*cd->meetings));
		cd->meetings[cd->nmeetings++] = ms[i];
	}
}

/* Places the holidays of the month. */
static void
calendar_holidays(struct calendar *cal)
{
	struct calendar_day *cd;
	size_t n, i;

	n = holiday_list(cal->year, cal->holidays, HOLIDAY_MAX);
	for (i = 0; i < n; i++) {
		if (cal->holidays[i].date.month != cal->month)
			continue;
		cd = &cal->days[cal->holidays[i].date.day - 1];
		cd->holidays[cd->nholidays++] = &cal->holidays[i];
	}
}

/* Marks the days inside the region's blackouts (inclusive ranges). */
static void
calendar_blackouts(struct calendar *cal, const Samen__V1__Entity *region)
{
	const Samen__V1__Blackout *b;
	char date[DATE_STRLEN];
	struct date d;
	size_t i;
	int day;

	if (region == NULL || region->body_case !=
	    SAMEN__V1__ENTITY__BODY_REGION)
		return;
	for (day = 1; day <= cal->ndays; day++) {
		d.year = cal->year;
		d.month = cal->month;
		d.day = day;
		date_format(&d, date);
		for (i = 0; i < region->region->n_blackouts; i++) {
			b = region->region->blackouts[i];
			if (strcmp(b->start, date) <= 0 &&
			    strcmp(date, b->end) <= 0) {
				cal->days[day - 1].blackout = b->reason;
				break;
			}
		}
	}
}

/*
 * Places the busy dates: each municipality busy on a day once, with its
 * first reason; with --municipality only that one's.
 */
static void
calendar_busy(struct calendar *cal, Samen__V1__Entity **as, size_t n)
{
	const Samen__V1__BusyEntry *b;
	struct calendar_day *cd;
	size_t i, j;
	int day;

	for (i = 0; i < n; i++) {
		if (cal->municipality != NULL &&
		    strcmp(as[i]->id, cal->municipality) != 0)
			continue;
		for (j = 0; j < as[i]->availability->n_busy; j++) {
			b = as[i]->availability->busy[j];
			if ((day = calendar_day_of(cal, b->date)) == 0)
				continue;
			cd = &cal->days[day - 1];
			if (cd->nbusy > 0 &&
			    strcmp(cd->busy[cd->nbusy - 1], as[i]->id) == 0)
				continue;	/* busy twice that day */
			cd->busy = xreallocarray(cd->busy, cd->nbusy + 1,
			    sizeof(*cd->busy));
			cd->reasons = xreallocarray(cd->reasons, cd->nbusy + 1,
			    sizeof(*cd->reasons));
			cd->busy[cd->nbusy] = as[i]->id;
			cd->reasons[cd->nbusy++] = b->reason;
		}
	}
}

/*
 * The grid's marks of the calendar (in *g): letters of the meetings,
 * the strongest holiday, blackout, busy count.
 */
static void
calendar_marks(const struct calendar *cal, struct grid_month *g)
{
	const struct calendar_day *cd;
	const struct holiday *h;
	struct grid_day *gd;
	size_t i, j;
	int day, mark;

	for (day = 1; day <= cal->ndays; day++) {
		cd = &cal->days[day - 1];
		gd = &g->days[day - 1];
		for (i = 0; i < cd->nmeetings && i < GRID_KINDS_MAX; i++)
			gd->kinds[i] = grid_kind_letter(
			    (int)cd->meetings[i]->meeting->kind);
		gd->meetings = (int)cd->nmeetings;
		for (j = 0; j < cd->nholidays; j++) {
			h = cd->holidays[j];
			mark = h->blocks_day ? GRID_HOLIDAY_DAY :
			    h->blocks_evening ? GRID_HOLIDAY_EVENING :
			    GRID_HOLIDAY_LISTED;
			if (gd->holiday == GRID_HOLIDAY_NONE ||
			    mark < gd->holiday)
				gd->holiday = mark;
		}
		gd->blackout = cd->blackout != NULL;
		gd->busy = (int)cd->nbusy;
	}
}

/* The calendar as one JSON document. */
static void
calendar_json(const struct calendar *cal)
{
	const struct calendar_day *cd;
	const struct holiday *h;
	char date[DATE_STRLEN], month[8];
	json_t *days = json_array(), *hs, *ms, *busy;
	struct date d;
	size_t i;
	int day;

	for (day = 1; day <= cal->ndays; day++) {
		cd = &cal->days[day - 1];
		d.year = cal->year;
		d.month = cal->month;
		d.day = day;
		date_format(&d, date);
		hs = json_array();
		for (i = 0; i < cd->nholidays; i++) {
			h = cd->holidays[i];
			json_array_append_new(hs, json_pack(
			    "{s:s,s:s,s:s,s:b,s:b}", "id", h->id,
			    "name_nl", h->name_nl, "name_en", h->name_en,
			    "blocks_day", h->blocks_day,
			    "blocks_evening", h->blocks_evening));
		}
		ms = json_array();
		for (i = 0; i < cd->nmeetings; i++)
			json_array_append_new(ms,
			    json_string(cd->meetings[i]->id));
		busy = json_array();
		for (i = 0; i < cd->nbusy; i++)
			json_array_append_new(busy, json_string(cd->busy[i]));
		json_array_append_new(days, json_pack("{s:s,s:o,s:o,s:b,s:o}",
		    "date", date, "holidays", hs, "meetings", ms,
		    "blackout", cd->blackout != NULL, "busy", busy));
	}
	snprintf(month, sizeof(month), "%04u-%02u", (unsigned)cal->year %
	    10000u, (unsigned)cal->month % 100u);
	out_json_print(json_pack("{s:s,s:s,s:s?,s:o}", "month", month,
	    "time_zone", cal->zone, "municipality", cal->municipality,
	    "days", days));
}

/* Prints, below the grid, what each marked day holds, one line a day. */
static void
calendar_details(const struct calendar *cal)
{
	const struct calendar_day *cd;
	const Samen__V1__Meeting *mt;
	char date[DATE_STRLEN], hhmm[6], *line, *next;
	struct date d;
	size_t i;
	int day, first = 1;

	for (day = 1; day <= cal->ndays; day++) {
		cd = &cal->days[day - 1];
		if (cd->nmeetings == 0 && cd->nholidays == 0 &&
		    cd->blackout == NULL && cd->nbusy == 0)
			continue;
		line = xstrdup("");
		for (i = 0; i < cd->nmeetings; i++) {
			mt = cd->meetings[i]->meeting;
			local_from_utc(cal->zone, mt->start, NULL, hhmm);
			xasprintf(&next, "%s%s%c %s %s %s (%s)", line,
			    *line ? "; " : "", grid_kind_letter((int)mt->kind),
			    cd->meetings[i]->id, hhmm, mt->title, mt->host);
			free(line);
			line = next;
		}
		for (i = 0; i < cd->nholidays; i++) {
			xasprintf(&next, "%s%s%s%s", line, *line ? "; " : "",
			    cd->holidays[i]->name_nl,
			    cd->holidays[i]->blocks_day ? "" :
			    cd->holidays[i]->blocks_evening ?
			    " (no evening meetings)" : " (not blocked)");
			free(line);
			line = next;
		}
		if (cd->blackout != NULL) {
			xasprintf(&next, "%s%sblackout: %s", line,
			    *line ? "; " : "", cd->blackout);
			free(line);
			line = next;
		}
		for (i = 0; i < cd->nbusy; i++) {
			xasprintf(&next, "%s%s%s (%s)", line, i > 0 ? ", " :
			    *line ? "; busy: " : "busy: ", cd->busy[i],
			    cd->reasons[i]);
			free(line);
			line = next;
		}
		d.year = cal->year;
		d.month = cal->month;
		d.day = day;
		date_format(&d, date);
		if (first)
			printf("\n");
		first = 0;
		printf("%s %2d  %s\n", local_weekday(date, 0), day, line);
		free(line);
	}
}

/* True when stdout is a terminal that wants colour (see no-color.org). */
static int
calendar_colour(void)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (nc != NULL && *nc != '\0')
		return 0;
	if (term != NULL && strcmp(term, "dumb") == 0)
		return 0;
	return isatty(STDOUT_FILENO);
}

/* Frees what the days of the calendar hold. */
static void
calendar_free(struct calendar *cal)
{
	int i;

	for (i = 0; i < 31; i++) {
		free(cal->days[i].meetings);
		free(cal->days[i].busy);
		free(cal->days[i].reasons);
	}
	free(cal->zone);
}

/* samen calendar: the month grid. */
int
cmd_calendar(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "month", required_argument, NULL, 'm' },
		{ "municipality", required_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 }
	};
	const struct client_cmd *cmd = client_find_cmd("calendar");
	Samen__V1__Entity **ms = NULL, **as = NULL, *region = NULL;
	Samen__V1__Entity *muni = NULL;
	struct calendar cal;
	struct grid_month *g = NULL;
	struct mirror *m = NULL;
	struct date d, last;
	const char *month = NULL;
	char today[DATE_STRLEN], *cause = NULL, *text;
	size_t nms = 0, nas = 0;
	int ch, rv, online;

	memset(&cal, 0, sizeof(cal));
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			if (calendar_parse_month(optarg, &cal.year,
			    &cal.month) == -1)
				return client_usage_error(cmd, "--month '%s' "
				    "is not a month (YYYY-MM, %d to %d)",
				    optarg, HOLIDAY_YEAR_MIN, HOLIDAY_YEAR_MAX);
			month = optarg;
			break;
		case 'M':
			cal.municipality = optarg;
			break;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	if (optind != argc)
		return client_usage_error(cmd, "unexpected '%s'", argv[optind]);
	if ((rv = mirror_refresh(c, &m, &online)) != 0)
		return rv;
	if (cal.municipality != NULL && (rv = mirror_get(m,
	    SAMEN__V1__KIND__MUNICIPALITY, cal.municipality, &muni,
	    &cause)) != 0) {
		if (rv == -1)
			rv = edit_mirror_error(c, cause);
		else
			rv = out_error(c, EXIT_NOTFOUND, "there is no "
			    "municipality '%s'%s", cal.municipality, online ?
			    "" : " in the local copy");
		goto out;
	}
	if (mirror_get(m, SAMEN__V1__KIND__REGION, "region", &region,
	    &cause) == -1 ||
	    mirror_list(m, SAMEN__V1__KIND__MEETING, NULL, &ms, &nms,
	    &cause) == -1 ||
	    mirror_list(m, SAMEN__V1__KIND__AVAILABILITY, NULL, &as, &nas,
	    &cause) == -1) {
		rv = edit_mirror_error(c, cause);
		goto out;
	}
	cal.zone = local_zone(m, NULL);
	local_today(cal.zone, today);
	date_parse(today, &d);
	if (month == NULL) {
		cal.year = d.year;
		cal.month = d.month;
	}
	last.year = cal.year;
	last.month = cal.month;
	for (cal.ndays = 28; cal.ndays < 31; cal.ndays++) {
		last.day = cal.ndays + 1;
		if (!date_valid(&last))
			break;
	}
	calendar_meetings(&cal, ms, nms);
	calendar_holidays(&cal);
	calendar_blackouts(&cal, region);
	calendar_busy(&cal, as, nas);
	if (c->json) {
		calendar_json(&cal);
		rv = 0;
		goto out;
	}
	g = xcalloc(1, sizeof(*g));
	g->year = cal.year;
	g->month = cal.month;
	g->today = d.year == cal.year && d.month == cal.month ? d.day : 0;
	g->municipality = cal.municipality;
	g->colour = calendar_colour();
	calendar_marks(&cal, g);
	text = grid_render(g);
	fputs(text, stdout);
	free(text);
	calendar_details(&cal);
	fflush(stdout);
	rv = 0;
out:
	free(g);
	calendar_free(&cal);
	if (region != NULL)
		samen__v1__entity__free_unpacked(region, NULL);
	if (muni != NULL)
		samen__v1__entity__free_unpacked(muni, NULL);
	mirror_list_free(ms, nms);
	mirror_list_free(as, nas);
	mirror_close(m);
	return rv;
}
