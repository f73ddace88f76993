/*
 * The scheduler.  Every date of the window on an allowed weekday is a
 * candidate; the hard constraints (holidays, blackouts, colleges not yet
 * installed, meetings that day, busy participants) each leave a reason
 * on the dates they remove.  Of the dates left, as many as can be kept
 * the minimum gap apart are chosen (taking the earliest free date each
 * time gives the most), each as near as the remaining count allows to an
 * even spread over the window, earlier on a tie.  Hosts then rotate:
 * the fewest hosted since the installation, never the host of the
 * meeting before, then the one who hosted longest ago, then by id.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "holiday.h"
#include "schedule.h"
#include "xmalloc.h"

#define WEEKDAYS_DEFAULT	0x1e	/* bits 1..4: Monday to Thursday */

/* What removed a date, for naming the constraint that binds. */
enum sched_why {
	WHY_HOLIDAY,
	WHY_COLLEGE,
	WHY_MEETING,
	WHY_GAP,
	WHY_BLACKOUT,		/* then one per blackout */
};

struct sched_day {
	char		**reasons;
	size_t		  nreasons;
	int		  candidate;	/* on an allowed weekday */
	size_t		  nbusy;	/* busy municipalities */
	size_t		  last_busy;	/* index + 1 of the last one */
	int		  meeting;	/* a meeting with a participant */
	int		  picked;
};

struct sched {
	const struct sched_region	*rg;
	const Samen__V1__PlanRequest	*rq;
	struct sched_result		*res;
	unsigned char			*part;		/* per municipality */
	unsigned char			*pool;		/* hosts */
	unsigned int			 weekdays;	/* bit per ISO day */
	unsigned int			 gap;
	int64_t				 college;	/* dates must follow */
	int				 assumed;	/* some college unknown */
	struct sched_day		*days;
	size_t				 ndays;
	size_t				*removed;	/* per sched_why */
	size_t				*busy_removed;	/* per municipality */
	size_t				 nfree;		/* dates no constraint
							   removed */
};

/* Minutes after midnight of "HH:MM", or -1. */
int
sched_parse_time(const char *s)
{
	int h, m;

	if (strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '9' ||
	    s[1] < '0' || s[1] > '9' || s[3] < '0' || s[3] > '5' ||
	    s[4] < '0' || s[4] > '9')
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	return h < 24 ? h * 60 + m : -1;
}

/* The title a plan of a kind gets when it names none. */
const char *
sched_default_title(int kind)
{
	switch (kind) {
	case SAMEN__V1__MEETING__MEETING_KIND__PORTFOLIO_HOLDERS:
		return "Portefeuillehoudersoverleg {n}";
	case SAMEN__V1__MEETING__MEETING_KIND__SOUNDING_BOARD:
		return "Klankbordgroep {n}";
	case SAMEN__V1__MEETING__MEETING_KIND__STEERING_GROUP:
		return "Stuurgroep {n}";
	case SAMEN__V1__MEETING__MEETING_KIND__INFORMAL:
		return "Informele bijeenkomst {n}";
	case SAMEN__V1__MEETING__MEETING_KIND__OTHER:
		return "Regionale bijeenkomst {n}";
	default:
		break;
	}
	return "Regionale raadsbijeenkomst {n}";
}

/* A new string, printf-style. */
static char *
sched_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
sched_fmt(const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return xstrdup(buf);
}

/* Sets the request's error (a field and what is wrong); returns -1. */
static int
sched_invalid(struct sched *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
sched_invalid(struct sched *s, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	s->res->error = xstrdup(buf);
	return -1;
}

/* The index of the municipality with id, or -1. */
static long
sched_muni_find(const struct sched_region *rg, const char *id)
{
	size_t lo = 0, hi = rg->nmunis, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(id, rg->munis[mid].id);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/* "YYYY-MM-DD" of a day number. */
static void
sched_date(int64_t day, char *buf)
{
	struct date d;

	date_from_days(day, &d);
	date_format(&d, buf);
}

/* Parses a date field; empty leaves *day alone.  -1: invalid. */
static int
sched_parse_day(struct sched *s, const char *field, const char *v,
    int64_t *day)
{
	struct date d;

	if (*v == '\0')
		return 0;
	if (date_parse(v, &d) == -1)
		return sched_invalid(s, "%s: '%.20s' is not a date (YYYY-MM-DD)",
		    field, v);
	*day = date_to_days(&d);
	return 0;
}

/* Marks the ids of list in flags; -1 on an unknown one. */
static int
sched_mark(struct sched *s, const char *field, char **list, size_t n,
    unsigned char *flags)
{
	size_t i;
	long m;

	for (i = 0; i < n; i++) {
		if ((m = sched_muni_find(s->rg, list[i])) == -1)
			return sched_invalid(s, "%s: '%.64s' is not a "
			    "municipality of this region", field, list[i]);
		flags[m] = 1;
	}
	return 0;
}

/* Checks the request and fills in its defaults. */
static int
sched_check(struct sched *s)
{
	const Samen__V1__PlanRequest *rq = s->rq;
	const struct sched_region *rg = s->rg;
	struct sched_result *res = s->res;
	size_t i;
	int64_t to = SCHED_NONE;
	int dur;

	if (rq->count < 1 || rq->count > SCHED_MAX_COUNT)
		return sched_invalid(s, "count: ask for 1 to %d meetings, not "
		    "%u", SCHED_MAX_COUNT, rq->count);
	res->count = rq->count;
	res->kind = rq->kind == 0 ?
	    SAMEN__V1__MEETING__MEETING_KIND__REGIONAL_COUNCILS : (int)rq->kind;
	if (protobuf_c_enum_descriptor_get_value(
	    &samen__v1__meeting__meeting_kind__descriptor, res->kind) == NULL)
		return sched_invalid(s, "kind: %d is not a meeting kind",
		    res->kind);

	res->from = rg->installation + SCHED_FIRST_DAYS;
	if (sched_parse_day(s, "from", rq->from, &res->from) == -1 ||
	    sched_parse_day(s, "to", rq->to, &to) == -1)
		return -1;
	if (to == SCHED_NONE) {
		/* Up to the first blackout after from, else 120 days. */
		to = res->from + SCHED_WINDOW_DAYS;
		for (i = 0; i < rg->nblackouts; i++) {
			if (rg->blackouts[i].first > res->from &&
			    rg->blackouts[i].first - 1 < to)
				to = rg->blackouts[i].first - 1;
		}
	} else if (to < res->from) {
		char a[DATE_STRLEN], b[DATE_STRLEN];

		sched_date(to, a);
		sched_date(res->from, b);
		return sched_invalid(s, "to: %s is before from (%s)", a, b);
	}
	if (to - res->from + 1 > SCHED_MAX_WINDOW)
		return sched_invalid(s, "to: the window is %lld days; at most "
		    "%d", (long long)(to - res->from + 1), SCHED_MAX_WINDOW);
	res->to = to;

	s->weekdays = rq->n_weekdays == 0 ? WEEKDAYS_DEFAULT : 0;
	for (i = 0; i < rq->n_weekdays; i++) {
		if (rq->weekdays[i] < 1 || rq->weekdays[i] > 7)
			return sched_invalid(s, "weekdays: %u is not a weekday "
			    "(1 = Monday .. 7 = Sunday)", rq->weekdays[i]);
		s->weekdays |= 1u << rq->weekdays[i];
	}

	res->start = *rq->start == '\0' ? 19 * 60 + 30 :
	    sched_parse_time(rq->start);
	if (res->start == -1)
		return sched_invalid(s, "start: '%.20s' is not a time of day "
		    "(HH:MM)", rq->start);
	if (rq->duration > 24 * 60)
		return sched_invalid(s, "duration: %u minutes is longer than a "
		    "day", rq->duration);
	dur = rq->duration == 0 ? 150 : (int)rq->duration;
	if (res->start + dur > 24 * 60)
		return sched_invalid(s, "duration: %d minutes from %02d:%02d "
		    "goes past midnight", dur, res->start / 60, res->start % 60);
	res->end = res->start + dur;
	s->gap = rq->gap == 0 ? 14 : rq->gap;
	if (s->gap > SCHED_MAX_GAP)
		return sched_invalid(s, "gap: %u days; at most %d", s->gap,
		    SCHED_MAX_GAP);

	if (rq->n_participants == 0)
		memset(s->part, 1, rg->nmunis);
	else if (sched_mark(s, "participants", rq->participants,
	    rq->n_participants, s->part) == -1)
		return -1;
	if (rq->n_hosts == 0)
		memcpy(s->pool, s->part, rg->nmunis);
	else if (sched_mark(s, "hosts", rq->hosts, rq->n_hosts, s->pool) == -1)
		return -1;
	for (i = 0; i < rg->nmunis; i++) {
		if (s->pool[i] && !s->part[i])
			return sched_invalid(s, "hosts: %s does not take part "
			    "(it is not among the participants)",
			    rg->munis[i].id);
	}
	if (rg->nmunis == 0)
		return sched_invalid(s, "participants: the region has no "
		    "municipalities");
	return 0;
}

/* Adds a reason to a day. */
static void
sched_reason(struct sched_day *d, char *reason)
{
	d->reasons = xreallocarray(d->reasons, d->nreasons + 1,
	    sizeof(*d->reasons));
	d->reasons[d->nreasons++] = reason;
}

/* The day of window offset i, or NULL outside or not a candidate. */
static struct sched_day *
sched_day_at(struct sched *s, int64_t day)
{
	if (day < s->res->from || day > s->res->to)
		return NULL;
	if (!s->days[day - s->res->from].candidate)
		return NULL;
	return &s->days[day - s->res->from];
}

/*
 * The day after which meetings of the new executive boards may fall:
 * the latest college installation among the participants, an unknown
 * one assumed SCHED_COLLEGE_DAYS after the installation.
 */
static void
sched_college(struct sched *s)
{
	const struct sched_region *rg = s->rg;
	int64_t assumed = rg->installation + SCHED_COLLEGE_DAYS, c;
	size_t i;

	s->college = SCHED_NONE;
	if (s->res->kind != SAMEN__V1__MEETING__MEETING_KIND__PORTFOLIO_HOLDERS)
		return;
	for (i = 0; i < rg->nmunis; i++) {
		if (!s->part[i])
			continue;
		c = rg->munis[i].college;
		if (c == SCHED_NONE) {
			c = assumed;
			s->assumed = 1;
		}
		if (c > s->college)
			s->college = c;
	}
}

/* The words for the colleges a date waits for ("of Leiden, Oegstgeest"). */
static char *
sched_college_names(struct sched *s, int unknown_only)
{
	const struct sched_region *rg = s->rg;
	int64_t assumed = rg->installation + SCHED_COLLEGE_DAYS, c;
	char *out = xstrdup(""), *t;
	size_t i, n = 0;

	for (i = 0; i < rg->nmunis; i++) {
		if (!s->part[i])
			continue;
		c = rg->munis[i].college;
		if (unknown_only ? c != SCHED_NONE :
		    (c == SCHED_NONE ? assumed : c) != s->college)
			continue;
		xasprintf(&t, "%s%s%s", out, n++ ? ", " : "",
		    rg->munis[i].name);
		free(out);
		out = t;
	}
	xasprintf(&t, "%s %s", n > 1 ? "colleges of" : "college of", out);
	free(out);
	return t;
}

/* Holidays, blackouts and colleges: what removes a date by itself. */
static void
sched_fixed(struct sched *s)
{
	const struct sched_region *rg = s->rg;
	struct sched_result *res = s->res;
	struct holiday hol[HOLIDAY_MAX];
	const struct holiday *h;
	struct sched_day *d;
	struct date dt;
	size_t nhol = 0, i, k;
	int year = 0, wd;
	int64_t day;
	char when[DATE_STRLEN], *who = NULL, *r;

	if (s->college != SCHED_NONE) {
		who = sched_college_names(s, 0);
		sched_date(s->college, when);
	}
	for (i = 0; i < s->ndays; i++) {
		day = res->from + (int64_t)i;
		d = &s->days[i];
		date_from_days(day, &dt);
		wd = date_weekday(&dt);		/* 0 = Sunday */
		if ((s->weekdays & (1u << (wd == 0 ? 7 : wd))) == 0)
			continue;
		d->candidate = 1;
		res->candidates++;
		if (dt.year != year) {
			year = dt.year;
			nhol = holiday_list(year, hol, HOLIDAY_MAX);
		}
		if ((h = holiday_on(hol, nhol, &dt)) != NULL &&
		    (h->blocks_day || (h->blocks_evening &&
		    res->end > SCHED_EVENING))) {
			if (h->blocks_day)
				sched_reason(d, xstrdup(h->name_en));
			else
				sched_reason(d, sched_fmt("%s: no evening "
				    "meetings", h->name_en));
			s->removed[WHY_HOLIDAY]++;
		}
		for (k = 0; k < rg->nblackouts; k++) {
			if (day < rg->blackouts[k].first ||
			    day > rg->blackouts[k].last)
				continue;
			sched_reason(d, sched_fmt("blackout: %s",
			    rg->blackouts[k].reason));
			s->removed[WHY_BLACKOUT + k]++;
		}
		if (s->college != SCHED_NONE && day <= s->college) {
			r = sched_fmt("before the new %s %s installed (%s%s)",
			    who, strchr(who, ',') ? "are" : "is",
			    s->assumed ? "assumed " : "", when);
			sched_reason(d, r);
			s->removed[WHY_COLLEGE]++;
		}
	}
	free(who);
}

/* True when an existing meeting has one of the plan's participants. */
static int
sched_shares(struct sched *s, const struct sched_meeting *m)
{
	long k;
	size_t i;

	if (m->nparticipants == 0)
		return 1;
	if ((k = sched_muni_find(s->rg, m->host)) != -1 && s->part[k])
		return 1;
	for (i = 0; i < m->nparticipants; i++) {
		if ((k = sched_muni_find(s->rg, m->participants[i])) != -1 &&
		    s->part[k])
			return 1;
	}
	return 0;
}

/* Meetings already planned that day with an overlapping participant. */
static void
sched_meetings(struct sched *s)
{
	const struct sched_region *rg = s->rg;
	const struct sched_meeting *m;
	struct sched_day *d;
	size_t i;

	for (i = 0; i < rg->nmeetings; i++) {
		m = &rg->meetings[i];
		if (m->cancelled || (d = sched_day_at(s, m->day)) == NULL ||
		    !sched_shares(s, m))
			continue;
		sched_reason(d, sched_fmt("meeting that day: %s %s (host %s)",
		    m->id, m->title, m->host));
		if (!d->meeting)
			s->removed[WHY_MEETING]++;
		d->meeting = 1;
	}
}

/* Busy participants: one reason each, the first few named. */
static void
sched_busy(struct sched *s)
{
	const struct sched_region *rg = s->rg;
	const struct sched_muni *mu;
	const struct sched_busy *b;
	struct sched_day *d;
	size_t i, k;

	for (i = 0; i < rg->nmunis; i++) {
		if (!s->part[i])
			continue;
		mu = &rg->munis[i];
		for (k = 0; k < mu->nbusy; k++) {
			b = &mu->busy[k];
			if ((d = sched_day_at(s, b->day)) == NULL ||
			    d->last_busy == i + 1)
				continue;
			if (b->start >= 0 && (b->end <= s->res->start ||
			    b->start >= s->res->end))
				continue;	/* not at the meeting's time */
			d->last_busy = i + 1;
			if (d->nbusy++ < SCHED_BUSY_SHOWN)
				sched_reason(d, sched_fmt("busy: %s — %s",
				    mu->id, b->reason));
			s->busy_removed[i]++;
		}
	}
	for (i = 0; i < s->ndays; i++) {
		d = &s->days[i];
		if (d->nbusy > SCHED_BUSY_SHOWN)
			sched_reason(d, sched_fmt("busy: %zu more municipalities",
			    d->nbusy - SCHED_BUSY_SHOWN));
	}
}

/* Index of the first of f[0..m) on or after day. */
static size_t
sched_first_from(const int64_t *f, size_t m, int64_t day)
{
	size_t lo = 0, hi = m, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (f[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Chooses the dates among the free ones f[0..m): fit of them, the gap
 * apart, each nearest its even-spread target.  reach[j] is how many fit
 * from f[j] on taking the earliest each time, which is the most that fit
 * there; it never grows with j.
 */
static void
sched_choose(struct sched *s, const int64_t *f, size_t m, int64_t *chosen,
    int64_t *targets)
{
	struct sched_result *res = s->res;
	size_t *reach, j, k, lo, best;
	unsigned int i, need;
	int64_t first = res->from, span, t, db, dj;

	res->fit = 0;
	s->nfree = m;
	if (m == 0)
		return;
	/* Meetings that wait for the colleges spread over what is left. */
	if (s->college != SCHED_NONE && s->college + 1 > first)
		first = s->college + 1;
	span = res->to - first + 1;
	reach = xcalloc(m, sizeof(*reach));
	for (j = m; j-- > 0;) {
		k = sched_first_from(f, m, f[j] + s->gap);
		reach[j] = 1 + (k < m ? reach[k] : 0);
	}
	res->fit = reach[0] < res->count ? (unsigned int)reach[0] : res->count;
	for (i = 0, lo = 0; i < res->fit; i++) {
		need = res->fit - i;
		t = first + span * (int64_t)i / (int64_t)res->fit;
		best = lo;
		for (j = lo; j < m && reach[j] >= need; j++) {
			db = f[best] > t ? f[best] - t : t - f[best];
			dj = f[j] > t ? f[j] - t : t - f[j];
			if (dj < db)
				best = j;
			if (f[j] > t)
				break;	/* later ones are only further */
		}
		chosen[i] = f[best];
		targets[i] = t;
		lo = sched_first_from(f, m, f[best] + s->gap);
	}
	free(reach);
}

/* The meeting before day (existing or chosen): its host index, or -1. */
static long
sched_host_around(struct sched *s, int64_t day, int after,
    const struct sched_pick *picks, size_t npicks)
{
	const struct sched_region *rg = s->rg;
	const struct sched_meeting *m;
	int64_t best = SCHED_NONE;
	long host = -1;
	size_t i;

	for (i = 0; i < rg->nmeetings; i++) {
		m = &rg->meetings[i];
		if (m->cancelled || m->day < rg->installation ||
		    (after ? m->day <= day : m->day >= day))
			continue;
		if (best != SCHED_NONE && (after ? m->day >= best :
		    m->day <= best))
			continue;
		best = m->day;
		host = sched_muni_find(rg, m->host);
	}
	for (i = 0; !after && i < npicks; i++) {
		if (picks[i].day < day && (best == SCHED_NONE ||
		    picks[i].day > best)) {
			best = picks[i].day;
			host = (long)picks[i].host;
		}
	}
	return host;
}

/* The title with every "{n}" replaced by n. */
static char *
sched_title(const char *tmpl, unsigned int n)
{
	const char *p, *q;
	char *out = xstrdup(""), *t;

	for (p = tmpl; (q = strstr(p, "{n}")) != NULL; p = q + 3) {
		xasprintf(&t, "%s%.*s%u", out, (int)(q - p), p, n);
		free(out);
		out = t;
	}
	xasprintf(&t, "%s%s", out, p);
	free(out);
	return t;
}

/* Gives each chosen date its host, number, title and explanation. */
static void
sched_hosts(struct sched *s, const int64_t *chosen, const int64_t *targets)
{
	const struct sched_region *rg = s->rg;
	struct sched_result *res = s->res;
	struct sched_pick *p;
	const struct sched_meeting *m;
	size_t *hosted, *inplan, i, k, npool = 0;
	int64_t *last;
	long prev, next, best, *mhost;
	unsigned int base = 0, n;
	char target[DATE_STRLEN], *datewhy, *hostwhy, *wait = NULL, *t;
	const char *tmpl = *s->rq->title ? s->rq->title :
	    sched_default_title(res->kind);

	hosted = xcalloc(rg->nmunis, sizeof(*hosted));
	inplan = xcalloc(rg->nmunis, sizeof(*inplan));
	last = xcalloc(rg->nmunis, sizeof(*last));
	mhost = xcalloc(rg->nmeetings + 1, sizeof(*mhost));
	for (i = 0; i < rg->nmunis; i++)
		npool += s->pool[i];
	for (i = 0; i < rg->nmeetings; i++) {
		m = &rg->meetings[i];
		mhost[i] = -1;
		if (m->cancelled || m->day < rg->installation)
			continue;
		if (m->kind == res->kind)
			base++;
		if ((mhost[i] = sched_muni_find(rg, m->host)) != -1)
			hosted[mhost[i]]++;
	}
	if (s->assumed)
		wait = sched_college_names(s, 1);
	res->picks = xcalloc(res->fit ? res->fit : 1, sizeof(*res->picks));
	for (n = 0; n < res->fit; n++) {
		p = &res->picks[n];
		p->day = chosen[n];
		p->n = base + n + 1;
		prev = sched_host_around(s, p->day, 0, res->picks, n);
		next = sched_host_around(s, p->day, 1, res->picks, n);
		/* Who hosted last before this date, and when. */
		for (k = 0; k < rg->nmunis; k++)
			last[k] = SCHED_NONE;
		for (i = 0; i < rg->nmeetings; i++) {
			if (mhost[i] != -1 && rg->meetings[i].day < p->day &&
			    rg->meetings[i].day > last[mhost[i]])
				last[mhost[i]] = rg->meetings[i].day;
		}
		for (i = 0; i < n; i++)
			last[res->picks[i].host] = res->picks[i].day;
		/* The fewest hosted; then the fewest of this plan; then
		 * the one who hosted longest ago; then by id. */
		best = -1;
		for (k = 0; k < rg->nmunis; k++) {
			if (!s->pool[k] || (npool > 1 && (long)k == prev) ||
			    (npool > 2 && (long)k == next))
				continue;
			if (best == -1 || hosted[k] < hosted[best] ||
			    (hosted[k] == hosted[best] &&
			    (inplan[k] < inplan[best] ||
			    (inplan[k] == inplan[best] &&
			    last[k] < last[best]))))
				best = (long)k;
		}
		if (best == -1)		/* a pool of one */
			best = prev;
		p->host = (size_t)best;
		inplan[best]++;
		sched_date(targets[n], target);
		if (p->day == targets[n])
			datewhy = sched_fmt("date: the even-spread date");
		else
			datewhy = sched_fmt("date: the free date nearest to %s "
			    "(even spread)", target);
		hostwhy = sched_fmt("host: %zu meeting%s hosted since the "
		    "installation, the fewest%s%s", hosted[best],
		    hosted[best] == 1 ? "" : "s",
		    prev >= 0 && prev != best ? "; not the host before, " : "",
		    prev >= 0 && prev != best ? rg->munis[prev].id : "");
		hosted[best]++;
		p->title = sched_title(tmpl, p->n);
		if (s->assumed) {
			p->tentative = 1;
			xasprintf(&t, "%s; %s; tentative: waits for the %s",
			    datewhy, hostwhy, wait);
		} else
			xasprintf(&t, "%s; %s", datewhy, hostwhy);
		p->why = t;
		free(datewhy);
		free(hostwhy);
	}
	free(wait);
	free(hosted);
	free(inplan);
	free(last);
	free(mhost);
}

/* Reasons for the free dates not chosen: a chosen date too near. */
static void
sched_unchosen(struct sched *s)
{
	struct sched_result *res = s->res;
	struct sched_day *d;
	size_t i, k, near;
	int64_t day, dist, bestdist;
	char when[DATE_STRLEN];

	for (i = 0; i < s->ndays; i++) {
		d = &s->days[i];
		if (!d->candidate || d->nreasons > 0 || d->picked)
			continue;
		day = res->from + (int64_t)i;
		near = res->fit;
		bestdist = 0;
		for (k = 0; k < res->fit; k++) {
			dist = res->picks[k].day > day ?
			    res->picks[k].day - day : day - res->picks[k].day;
			if (dist < (int64_t)s->gap &&
			    (near == res->fit || dist < bestdist)) {
				near = k;
				bestdist = dist;
			}
		}
		if (near < res->fit) {
			sched_date(res->picks[near].day, when);
			sched_reason(d, sched_fmt("within %u days of meeting %u "
			    "(%s)", s->gap, res->picks[near].n, when));
			s->removed[WHY_GAP]++;
		} else
			sched_reason(d, xstrdup("free, not chosen: the meetings "
			    "are spread over the window"));
	}
}

/* Names the constraint that removed the most candidate dates. */
static void
sched_binding(struct sched *s)
{
	const struct sched_region *rg = s->rg;
	struct sched_result *res = s->res;
	char from[DATE_STRLEN], to[DATE_STRLEN], *what = NULL;
	size_t best = 0, i, nwhy = WHY_BLACKOUT + rg->nblackouts, top, nbusy;
	size_t any;

	sched_date(res->from, from);
	sched_date(res->to, to);
	if (res->candidates == 0) {
		res->binding = sched_fmt("0 of %u meetings fit: no date from %s "
		    "to %s falls on an allowed weekday", res->count, from, to);
		return;
	}
	if (s->nfree >= res->count) {
		/* Enough free dates, too close together. */
		res->binding = sched_fmt("%u of %u meetings fit from %s to %s; "
		    "the constraint that binds: the %u-day gap between "
		    "meetings (%zu free dates, but only %u of them %u days "
		    "apart)", res->fit, res->count, from, to, s->gap,
		    s->nfree, res->fit, s->gap);
		return;
	}
	for (i = 0; i < nwhy; i++) {
		if (s->removed[i] > best) {
			best = s->removed[i];
			free(what);
			switch (i) {
			case WHY_HOLIDAY:
				what = xstrdup("public holidays");
				break;
			case WHY_COLLEGE:
				what = xstrdup("colleges not installed yet");
				break;
			case WHY_MEETING:
				what = xstrdup("meetings already planned");
				break;
			case WHY_GAP:
				what = sched_fmt("the %u-day gap between "
				    "meetings", s->gap);
				break;
			default:
				what = sched_fmt("blackout: %s",
				    rg->blackouts[i - WHY_BLACKOUT].reason);
				break;
			}
		}
	}
	/* Busy participants together; named when one stands out. */
	for (i = 0, top = 0, nbusy = 0; i < rg->nmunis; i++) {
		if (s->busy_removed[i] == 0)
			continue;
		nbusy++;
		if (s->busy_removed[i] > s->busy_removed[top] ||
		    s->busy_removed[top] == 0)
			top = i;
	}
	for (i = 0, any = 0; i < s->ndays; i++)
		any += s->days[i].nbusy > 0;
	if (any > best) {
		best = any;
		free(what);
		if (nbusy == 1)
			what = sched_fmt("busy dates of %s", rg->munis[top].id);
		else
			what = sched_fmt("busy dates of %zu participants, most "
			    "of all %s (%zu)", nbusy, rg->munis[top].id,
			    s->busy_removed[top]);
	}
	res->binding = sched_fmt("%u of %u meetings fit from %s to %s; the "
	    "constraint that removed the most dates: %s (%zu of %zu candidate "
	    "dates)", res->fit, res->count, from, to, what ? what : "none",
	    best, res->candidates);
	free(what);
}

/*
 * Plans rq against rg into res (freed with sched_result_free).  -1: the
 * request is invalid, res->error says which field and why.
 */
int
sched_plan(const struct sched_region *rg, const Samen__V1__PlanRequest *rq,
    struct sched_result *res)
{
	struct sched s;
	struct sched_day *d;
	int64_t *free_days, *chosen, *targets;
	size_t i, m = 0, k;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&s, 0, sizeof(s));
	s.rg = rg;
	s.rq = rq;
	s.res = res;
	s.part = xcalloc(rg->nmunis + 1, 1);
	s.pool = xcalloc(rg->nmunis + 1, 1);
	if (sched_check(&s) == -1)
		goto out;
	s.ndays = (size_t)(res->to - res->from + 1);
	s.days = xcalloc(s.ndays, sizeof(*s.days));
	s.removed = xcalloc(WHY_BLACKOUT + rg->nblackouts, sizeof(size_t));
	s.busy_removed = xcalloc(rg->nmunis, sizeof(size_t));
	sched_college(&s);
	sched_fixed(&s);
	sched_meetings(&s);
	sched_busy(&s);

	free_days = xcalloc(s.ndays, sizeof(*free_days));
	for (i = 0; i < s.ndays; i++) {
		if (s.days[i].candidate && s.days[i].nreasons == 0)
			free_days[m++] = res->from + (int64_t)i;
	}
	chosen = xcalloc(res->count, sizeof(*chosen));
	targets = xcalloc(res->count, sizeof(*targets));
	sched_choose(&s, free_days, m, chosen, targets);
	for (i = 0; i < res->fit; i++)
		s.days[chosen[i] - res->from].picked = 1;
	sched_hosts(&s, chosen, targets);
	sched_unchosen(&s);
	if (res->fit < res->count)
		sched_binding(&s);
	free(free_days);
	free(chosen);
	free(targets);

	res->rejects = xcalloc(s.ndays, sizeof(*res->rejects));
	for (i = 0; i < s.ndays; i++) {
		d = &s.days[i];
		if (!d->candidate || d->picked)
			continue;
		k = res->nrejects++;
		res->rejects[k].day = res->from + (int64_t)i;
		res->rejects[k].reasons = d->reasons;
		res->rejects[k].nreasons = d->nreasons;
		d->reasons = NULL;
		d->nreasons = 0;
	}
	rc = 0;
out:
	for (i = 0; i < s.ndays; i++) {
		for (k = 0; k < s.days[i].nreasons; k++)
			free(s.days[i].reasons[k]);
		free(s.days[i].reasons);
	}
	free(s.days);
	free(s.removed);
	free(s.busy_removed);
	free(s.part);
	free(s.pool);
	return rc;
}

/* Frees what sched_plan made. */
void
sched_result_free(struct sched_result *res)
{
	size_t i, k;

	for (i = 0; res->picks != NULL && i < res->fit; i++) {
		free(res->picks[i].title);
		free(res->picks[i].why);
	}
	free(res->picks);
	for (i = 0; i < res->nrejects; i++) {
		for (k = 0; k < res->rejects[i].nreasons; k++)
			free(res->rejects[i].reasons[k]);
		free(res->rejects[i].reasons);
	}
	free(res->rejects);
	free(res->binding);
	free(res->error);
	memset(res, 0, sizeof(*res));
}
