/*
 * The plan request: the scheduler's inputs read from the store (the
 * committed snapshot for a dry run, the batch for a commit), its answer
 * put into words, and with commit, the proposal stored as PLANNED
 * meetings under a key, all in the request's one savepoint.
 *
 * A key remembers the proposal it stored.  Planning again under the key
 * leaves that plan's own meetings out of the inputs, so the same data
 * give the same proposal: a commit then changes nothing, and a proposal
 * that differs shows which meetings would move (a commit of it is a
 * CONFLICT).
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "samend.h"
#include "schedule.h"
#include "tz.h"
#include "xmalloc.h"

#define PLAN_KEY_MAX	64

/* Everything read for one plan, freed after the response. */
struct plan_input {
	Samen__V1__Entity	*region;
	Samen__V1__Entity	**munis, **avail, **meets;
	size_t			 nmunis, navail, nmeets;
	struct sched_muni	*mu;
	struct sched_busy	*busy;
	struct sched_meeting	*mt;
	struct sched_blackout	*bo;
	struct sched_region	 rg;
	struct sched_result	 res;
	int			 have_res;
	char			*proposal;	/* the key's, if committed */
	char			*ids;
	uint64_t		 plan_rev;
	int			 have_plan;
};

/* Frees a plan_input (for dispatch_defer_free). */
static void
plan_input_free(void *arg)
{
	struct plan_input *in = arg;

	if (in->region != NULL)
		samen__v1__entity__free_unpacked(in->region, NULL);
	store_list_free(in->munis, in->nmunis);
	store_list_free(in->avail, in->navail);
	store_list_free(in->meets, in->nmeets);
	free(in->mu);
	free(in->busy);
	free(in->mt);
	free(in->bo);
	if (in->have_res)
		sched_result_free(&in->res);
	free(in->proposal);
	free(in->ids);
	free(in);
}

/* Day number of a "YYYY-MM-DD" known to be valid, or SCHED_NONE. */
static int64_t
plan_day(const char *s)
{
	struct date d;

	if (date_parse(s, &d) == -1)
		return SCHED_NONE;
	return date_to_days(&d);
}

/* True when id is one of the space-separated ids. */
static int
plan_listed(const char *ids, const char *id)
{
	size_t n = strlen(id);
	const char *p;

	for (p = ids; p != NULL && *p != '\0'; p = strchr(p, ' ')) {
		if (*p == ' ')
			p++;
		if (strncmp(p, id, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

/* The number of a meeting id ("M12": 12), 0 for another form. */
static long
plan_idnum(const char *id)
{
	char *end;
	long n;

	if (id[0] != 'M' || id[1] < '1' || id[1] > '9')
		return 0;
	n = strtol(id + 1, &end, 10);
	return *end == '\0' ? n : 0;
}

/* Local day and minutes of a UTC time; -1 when the zone is unknown. */
static int
plan_local(const char *zone, int64_t t, int64_t *day, int *min)
{
	struct tm tm;
	struct date d;

	if (tz_to_local(zone, t, &tm) == -1)
		return -1;
	d.year = tm.tm_year + 1900;
	d.month = tm.tm_mon + 1;
	d.day = tm.tm_mday;
	*day = date_to_days(&d);
	*min = tm.tm_hour * 60 + tm.tm_min;
	return 0;
}

/* Converts the stored entities into the scheduler's region. */
static int
plan_region(struct plan_input *in, char **cause)
{
	const Samen__V1__Region *r = in->region->region;
	const Samen__V1__Availability *a;
	struct sched_muni *mu;
	struct sched_meeting *mt;
	size_t i, k, nbusy = 0, b, n;
	int64_t day;
	long m, newest = 0;
	const char *p;
	char id[32];

	in->rg.installation = plan_day(r->installation_date);
	if (in->rg.installation == SCHED_NONE) {
		*cause = xstrdup("the region has no installation date");
		return -1;
	}
	in->bo = xcalloc(r->n_blackouts + 1, sizeof(*in->bo));
	for (i = 0; i < r->n_blackouts; i++) {
		in->bo[i].first = plan_day(r->blackouts[i]->start);
		in->bo[i].last = plan_day(r->blackouts[i]->end);
		in->bo[i].reason = r->blackouts[i]->reason;
	}
	in->rg.blackouts = in->bo;
	in->rg.nblackouts = r->n_blackouts;

	in->mu = xcalloc(in->nmunis + 1, sizeof(*in->mu));
	for (i = 0; i < in->nmunis; i++) {
		const Samen__V1__Municipality *e = in->munis[i]->municipality;

		in->mu[i].id = in->munis[i]->id;
		in->mu[i].name = e->name;
		in->mu[i].venue = e->venue;
		in->mu[i].college = *e->college_installed_date == '\0' ?
		    SCHED_NONE : plan_day(e->college_installed_date);
	}
	in->rg.munis = in->mu;
	in->rg.nmunis = in->nmunis;

	for (i = 0; i < in->navail; i++)
		nbusy += in->avail[i]->availability->n_busy;
	in->busy = xcalloc(nbusy + 1, sizeof(*in->busy));
	for (i = 0, b = 0; i < in->navail; i++) {
		a = in->avail[i]->availability;
		m = -1;
		for (k = 0; k < in->nmunis; k++) {
			if (strcmp(in->mu[k].id, in->avail[i]->id) == 0)
				m = (long)k;
		}
		if (m == -1)
			continue;
		mu = &in->mu[m];
		mu->busy = &in->busy[b];
		for (k = 0; k < a->n_busy; k++) {
			if ((day = plan_day(a->busy[k]->date)) == SCHED_NONE)
				continue;
			in->busy[b].day = day;
			in->busy[b].reason = a->busy[k]->reason;
			in->busy[b].start = *a->busy[k]->start_time == '\0' ?
			    -1 : sched_parse_time(a->busy[k]->start_time);
			in->busy[b].end = sched_parse_time(
			    a->busy[k]->end_time);
			if (in->busy[b].end <= in->busy[b].start)
				in->busy[b].end = 24 * 60;
			b++;
			mu->nbusy++;
		}
	}

	/*
	 * A plan redone under its key is planned again among the meetings
	 * that were there when it was committed (ids are handed out in
	 * order): a plan committed after it, which took its dates into
	 * account, neither moves nor renumbers it.
	 */
	for (p = in->have_plan ? in->ids : ""; *p != '\0'; p += n) {
		p += strspn(p, " ");
		n = strcspn(p, " ");
		snprintf(id, sizeof(id), "%.*s", (int)(n < 31 ? n : 31), p);
		if (plan_idnum(id) > newest)
			newest = plan_idnum(id);
	}
	in->mt = xcalloc(in->nmeets + 1, sizeof(*in->mt));
	for (i = 0, k = 0; i < in->nmeets; i++) {
		const Samen__V1__Meeting *e = in->meets[i]->meeting;

		if (in->have_plan && (plan_listed(in->ids, in->meets[i]->id) ||
		    plan_idnum(in->meets[i]->id) > newest))
			continue;	/* the plan being redone, or later */
		mt = &in->mt[k];
		mt->id = in->meets[i]->id;
		mt->title = e->title;
		mt->host = e->host;
		mt->kind = (int)e->kind;
		mt->cancelled = e->status ==
		    SAMEN__V1__MEETING__STATE__CANCELLED;
		mt->participants = (const char *const *)e->participants;
		mt->nparticipants = e->n_participants;
		if (plan_local(r->time_zone, e->start, &mt->day,
		    &mt->start) == -1 || plan_local(r->time_zone, e->end, &day,
		    &mt->end) == -1) {
			log_warnx("plan: meeting %s has a time that cannot be "
			    "read; it is left out", in->meets[i]->id);
			continue;
		}
		if (day != mt->day)
			mt->end = 24 * 60;
		k++;
	}
	in->rg.meetings = in->mt;
	in->rg.nmeetings = k;
	return 0;
}

/* Reads the scheduler's inputs (and the key's plan) from st. */
static int
plan_read(struct store *st, const char *key, struct plan_input *in,
    char **cause)
{
	int rc;

	in->region = store_get(st, SAMEN__V1__KIND__REGION, "region", cause);
	if (in->region == NULL) {
		if (*cause == NULL)
			*cause = xstrdup("no region");
		return -1;
	}
	if (store_list(st, SAMEN__V1__KIND__MUNICIPALITY, &in->munis,
	    &in->nmunis, cause) == -1 ||
	    store_list(st, SAMEN__V1__KIND__AVAILABILITY, &in->avail,
	    &in->navail, cause) == -1 ||
	    store_list(st, SAMEN__V1__KIND__MEETING, &in->meets, &in->nmeets,
	    cause) == -1)
		return -1;
	if (*key != '\0') {
		rc = store_plan_get(st, key, &in->proposal, &in->ids,
		    &in->plan_rev, cause);
		if (rc == -1)
			return -1;
		in->have_plan = rc;
	}
	return 0;
}

/* "HH:MM" of minutes after midnight. */
static void
plan_hhmm(int min, char *buf, size_t len)
{
	snprintf(buf, len, "%02d:%02d", (min / 60) % 100, (min % 60 + 60) % 60);
}

/* The proposal in a canonical form: one line per meeting. */
static char *
plan_canonical(const struct plan_input *in)
{
	const struct sched_result *res = &in->res;
	char date[DATE_STRLEN], st[16], en[16], *out = xstrdup(""), *t;
	struct date d;
	size_t i;

	plan_hhmm(res->start, st, sizeof(st));
	plan_hhmm(res->end, en, sizeof(en));
	for (i = 0; i < res->fit; i++) {
		date_from_days(res->picks[i].day, &d);
		date_format(&d, date);
		xasprintf(&t, "%s%s\t%s\t%s\t%s\t%d\t%s\n", out, date, st, en,
		    in->mu[res->picks[i].host].id, res->kind,
		    res->picks[i].title);
		free(out);
		out = t;
	}
	return out;
}

/* Field n (0-based, tab-separated) of a line, copied into buf. */
static void
plan_field(const char *line, int n, char *buf, size_t len)
{
	const char *p = line, *e;

	while (n-- > 0 && p != NULL)
		if ((p = strchr(p, '\t')) != NULL)
			p++;
	if (p == NULL) {
		*buf = '\0';
		return;
	}
	e = p + strcspn(p, "\t\n");
	snprintf(buf, len, "%.*s", (int)(e - p), p);
}

/* Line i (0-based) of a canonical proposal, or NULL. */
static const char *
plan_line(const char *text, size_t i)
{
	while (i-- > 0 && text != NULL)
		if ((text = strchr(text, '\n')) != NULL)
			text++;
	return text != NULL && *text != '\0' ? text : NULL;
}

/* "2030-05-14 19:30-22:00 leiden: Title" of a canonical line. */
static void
plan_describe(const char *line, char *buf, size_t len)
{
	char date[DATE_STRLEN], st[8], en[8], host[64], title[256];

	plan_field(line, 0, date, sizeof(date));
	plan_field(line, 1, st, sizeof(st));
	plan_field(line, 2, en, sizeof(en));
	plan_field(line, 3, host, sizeof(host));
	plan_field(line, 5, title, sizeof(title));
	snprintf(buf, len, "%s %s-%s %s: %s", date, st, en, host, title);
}

/*
 * The meetings of the key's plan that this proposal changes (date, time,
 * host or title), in the response.
 */
static void
plan_moves(struct dispatch_ctx *ctx, const struct plan_input *in,
    const char *canon, Samen__V1__PlanResponse *pr)
{
	const char *line = in->proposal, *idp = in->ids, *cur;
	Samen__V1__PlanMove *mv;
	char was[512], now[512], id[32];
	size_t i, idlen, len;
	int same;

	for (i = 0; line != NULL && *line != '\0'; i++) {
		plan_describe(line, was, sizeof(was));
		idlen = strcspn(idp, " ");
		snprintf(id, sizeof(id), "%.*s", (int)idlen, idp);
		idp += idlen + (idp[idlen] == ' ');
		now[0] = '\0';
		if ((cur = plan_line(canon, i)) != NULL)
			plan_describe(cur, now, sizeof(now));
		len = strcspn(line, "\n");
		same = cur != NULL && strncmp(line, cur, len + 1) == 0;
		line = line[len] == '\n' ? line + len + 1 : NULL;
		if (same)
			continue;
		mv = dispatch_alloc(ctx, sizeof(*mv));
		samen__v1__plan_move__init(mv);
		mv->n = in->res.fit > i ? in->res.picks[i].n : (uint32_t)i + 1;
		mv->id = dispatch_strdup(ctx, id);
		mv->was = dispatch_strdup(ctx, was);
		mv->now = dispatch_strdup(ctx, now);
		pr->moves = dispatch_realloc(ctx, pr->moves,
		    (pr->n_moves + 1) * sizeof(*pr->moves));
		pr->moves[pr->n_moves++] = mv;
	}
}

/* UTC of a local day and minute. */
static int
plan_utc(const char *zone, int64_t day, int min, int64_t *t)
{
	struct date d;
	struct tm tm;

	date_from_days(day, &d);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = d.year - 1900;
	tm.tm_mon = d.month - 1;
	tm.tm_mday = d.day;
	tm.tm_hour = min / 60;
	tm.tm_min = min % 60;
	if (min == 24 * 60) {
		tm.tm_hour = 23;
		tm.tm_min = 59;
		tm.tm_sec = 60;
	}
	tm.tm_isdst = -1;
	return tz_from_local(zone, &tm, t);
}

/* The answer: the proposal and every rejected date, in words. */
static int
plan_answer(struct dispatch_ctx *ctx, const struct plan_input *in,
    Samen__V1__PlanResponse *pr)
{
	const struct sched_result *res = &in->res;
	const char *zone = in->region->region->time_zone;
	Samen__V1__PlannedMeeting *pm;
	Samen__V1__RejectedDate *rd;
	struct date d;
	char buf[DATE_STRLEN];
	size_t i;

	date_from_days(res->from, &d);
	date_format(&d, buf);
	pr->from = dispatch_strdup(ctx, buf);
	date_from_days(res->to, &d);
	date_format(&d, buf);
	pr->to = dispatch_strdup(ctx, buf);
	pr->count = res->count;
	pr->fit = res->fit;
	pr->candidates = (uint32_t)res->candidates;
	pr->binding = dispatch_strdup(ctx, res->binding ? res->binding : "");
	pr->proposal = dispatch_alloc(ctx, (res->fit + 1) *
	    sizeof(*pr->proposal));
	for (i = 0; i < res->fit; i++) {
		const struct sched_pick *p = &res->picks[i];

		pm = dispatch_alloc(ctx, sizeof(*pm));
		samen__v1__planned_meeting__init(pm);
		pm->n = p->n;
		date_from_days(p->day, &d);
		date_format(&d, buf);
		pm->date = dispatch_strdup(ctx, buf);
		plan_hhmm(res->start, buf, sizeof(buf));
		pm->start = dispatch_strdup(ctx, buf);
		plan_hhmm(res->end, buf, sizeof(buf));
		pm->end = dispatch_strdup(ctx, buf);
		pm->host = (char *)(uintptr_t)in->mu[p->host].id;
		pm->venue = (char *)(uintptr_t)in->mu[p->host].venue;
		pm->tentative = p->tentative;
		pm->why = p->why;
		pm->title = p->title;
		if (plan_utc(zone, p->day, res->start, &pm->start_utc) == -1 ||
		    plan_utc(zone, p->day, res->end, &pm->end_utc) == -1)
			return dispatch_error(ctx,
			    SAMEN__V1__STATUS__CODE__INTERNAL,
			    "time zone %s is not known here", zone);
		pr->proposal[pr->n_proposal++] = pm;
	}
	pr->rejected = dispatch_alloc(ctx, (res->nrejects + 1) *
	    sizeof(*pr->rejected));
	for (i = 0; i < res->nrejects; i++) {
		rd = dispatch_alloc(ctx, sizeof(*rd));
		samen__v1__rejected_date__init(rd);
		date_from_days(res->rejects[i].day, &d);
		date_format(&d, buf);
		rd->date = dispatch_strdup(ctx, buf);
		rd->reasons = res->rejects[i].reasons;
		rd->n_reasons = res->rejects[i].nreasons;
		pr->rejected[pr->n_rejected++] = rd;
	}
	return 0;
}

/* Copies the key's meeting ids into the proposal's meetings. */
static void
plan_ids(struct dispatch_ctx *ctx, const char *ids,
    Samen__V1__PlanResponse *pr)
{
	size_t i, len;

	for (i = 0; i < pr->n_proposal && *ids != '\0'; i++) {
		len = strcspn(ids, " ");
		pr->proposal[i]->id = dispatch_alloc(ctx, len + 1);
		memcpy(pr->proposal[i]->id, ids, len);
		ids += len + (ids[len] == ' ');
	}
}

/* The plan's participants, once each, in id order, into a meeting. */
static void
plan_participants(struct dispatch_ctx *ctx, const Samen__V1__PlanRequest *rq,
    const struct plan_input *in, Samen__V1__Meeting *m)
{
	size_t i, k;

	m->participants = dispatch_alloc(ctx, in->nmunis *
	    sizeof(*m->participants));
	for (k = 0; k < in->nmunis; k++) {
		for (i = 0; i < rq->n_participants; i++) {
			if (strcmp(rq->participants[i], in->mu[k].id) == 0)
				break;
		}
		if (i < rq->n_participants)
			m->participants[m->n_participants++] =
			    (char *)(uintptr_t)in->mu[k].id;
	}
}

/* Stores the proposal as PLANNED meetings and records the key. */
static int
plan_commit(struct dispatch_ctx *ctx, const Samen__V1__PlanRequest *rq,
    const struct plan_input *in, const char *canon,
    Samen__V1__PlanResponse *pr)
{
	struct server *srv = ctx->srv;
	Samen__V1__Entity *e;
	Samen__V1__Meeting *m;
	char *ids = xstrdup(""), *t, *cause = NULL, idbuf[32];
	int64_t seq;
	size_t i;

	for (i = 0; i < pr->n_proposal; i++) {
		Samen__V1__PlannedMeeting *pm = pr->proposal[i];

		if (store_next_seq(srv->store, 'M', &seq, &cause) == -1)
			goto fail;
		snprintf(idbuf, sizeof(idbuf), "M%lld", (long long)seq);
		e = dispatch_alloc(ctx, sizeof(*e));
		samen__v1__entity__init(e);
		m = dispatch_alloc(ctx, sizeof(*m));
		samen__v1__meeting__init(m);
		e->id = dispatch_strdup(ctx, idbuf);
		e->body_case = SAMEN__V1__ENTITY__BODY_MEETING;
		e->meeting = m;
		m->title = pm->title;
		m->kind = (Samen__V1__Meeting__MeetingKind)in->res.kind;
		m->start = pm->start_utc;
		m->end = pm->end_utc;
		m->host = pm->host;
		m->location = pm->venue;
		m->status = SAMEN__V1__MEETING__STATE__PLANNED;
		xasprintf(&t, "Planned by the scheduler (plan %s): %s", rq->key,
		    pm->why);
		m->notes = dispatch_strdup(ctx, t);
		free(t);
		if (rq->n_participants > 0)
			plan_participants(ctx, rq, in, m);
		if (validate_entity(srv, e, &cause) == -1) {
			free(ids);
			dispatch_error(ctx,
			    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
			    "%s; nothing was stored", cause);
			free(cause);
			return -1;
		}
		if (commit_put(ctx, e, "create", m->title, NULL) == -1) {
			free(ids);
			return -1;
		}
		pm->id = e->id;
		xasprintf(&t, "%s%s%s", ids, i ? " " : "", e->id);
		free(ids);
		ids = t;
		pr->plan_rev = e->rev;
	}
	if (store_plan_add(srv->store, rq->key, pr->plan_rev, canon, ids,
	    &cause) == -1)
		goto fail;
	free(ids);
	pr->committed = 1;
	return 0;
fail:
	free(ids);
	return dispatch_store_error(ctx, cause);
}

/* True when a key is 1..64 of A-Z a-z 0-9 . _ : - */
static int
plan_key_valid(const char *key)
{
	size_t n = strlen(key);

	return n > 0 && n <= PLAN_KEY_MAX && strspn(key,
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._:-") == n;
}

/* plan: a proposal; with commit (admin), stored under its key. */
int
plan_run(struct dispatch_ctx *ctx, const Samen__V1__Request *req,
    Samen__V1__Response *resp)
{
	const Samen__V1__PlanRequest *rq = req->plan;
	struct store *st = rq->commit ? ctx->srv->store : ctx->srv->rstore;
	struct plan_input *in;
	Samen__V1__PlanResponse *pr;
	char *cause = NULL, *canon;
	size_t i;
	int rc;

	if (rq->commit && ctx->who->role != TLS_ROLE_ADMIN)
		return dispatch_error(ctx,
		    SAMEN__V1__STATUS__CODE__PERMISSION_DENIED,
		    "committing a plan is for the regional secretariat "
		    "(admin) only; without commit it is a dry run anyone may "
		    "ask for");
	if (rq->commit && *rq->key == '\0')
		return dispatch_error(ctx,
		    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
		    "key: a committed plan needs a key, so that running it "
		    "again changes nothing");
	if (*rq->key != '\0' && !plan_key_valid(rq->key))
		return dispatch_error(ctx,
		    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
		    "key: 1 to %d of letters, digits and . _ : -",
		    PLAN_KEY_MAX);
	if (!validate_utf8(rq->title) ||
	    strlen(rq->title) > (size_t)ctx->srv->cfg->max_title)
		return dispatch_error(ctx,
		    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
		    "title: UTF-8 text of at most %lld bytes",
		    ctx->srv->cfg->max_title);

	in = xcalloc(1, sizeof(*in));
	dispatch_defer_free(ctx, plan_input_free, in);
	if (!rq->commit && store_read_begin(st, &cause) == -1)
		return dispatch_store_error(ctx, cause);
	rc = plan_read(st, rq->key, in, &cause);
	if (!rq->commit)
		store_read_end(st);
	if (rc == -1 || plan_region(in, &cause) == -1)
		return dispatch_store_error(ctx, cause);

	in->have_res = 1;
	if (sched_plan(&in->rg, rq, &in->res) == -1)
		return dispatch_error(ctx,
		    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT, "%s",
		    in->res.error);
	for (i = 0; i < in->res.fit; i++) {
		if (strlen(in->res.picks[i].title) >
		    (size_t)ctx->srv->cfg->max_title)
			return dispatch_error(ctx,
			    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
			    "title: '%s' is longer than %lld bytes",
			    in->res.picks[i].title, ctx->srv->cfg->max_title);
	}

	pr = dispatch_alloc(ctx, sizeof(*pr));
	samen__v1__plan_response__init(pr);
	if (plan_answer(ctx, in, pr) == -1)
		return -1;
	canon = plan_canonical(in);
	dispatch_defer_free(ctx, free, canon);
	if (in->have_plan) {
		pr->plan_rev = in->plan_rev;
		if (strcmp(canon, in->proposal) == 0) {
			pr->committed = 1;
			pr->replayed = 1;
			plan_ids(ctx, in->ids, pr);
		} else {
			plan_moves(ctx, in, canon, pr);
			if (rq->commit)
				return dispatch_error(ctx,
				    SAMEN__V1__STATUS__CODE__CONFLICT,
				    "plan %s was committed at rev %llu with a "
				    "different proposal (%zu of its meetings "
				    "would change); nothing was stored: plan it "
				    "without commit to see which, or use a new "
				    "key", rq->key,
				    (unsigned long long)in->plan_rev,
				    pr->n_moves);
		}
	} else if (rq->commit && in->res.fit == in->res.count &&
	    plan_commit(ctx, rq, in, canon, pr) == -1)
		return -1;

	resp->body_case = SAMEN__V1__RESPONSE__BODY_PLAN;
	resp->plan = pr;
	return 0;
}
