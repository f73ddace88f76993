/*
 * The handover timeline (key dates, college installations, post-election
 * meetings, dossiers due, blackouts, in date order) and the public
 * holidays of a year.  Both are derived, never stored.
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "holiday.h"
#include "samend.h"
#include "tz.h"
#include "xmalloc.h"

/* Days after the installation a college is assumed to take (DESIGN §1). */
#define TIMELINE_COLLEGE_DAYS	64

/* holidays {year}: the statutory holidays with Dutch and English names. */
int
timeline_holidays(struct dispatch_ctx *ctx, const Samen__V1__Request *req,
    Samen__V1__Response *resp)
{
	struct holiday h[HOLIDAY_MAX];
	Samen__V1__HolidaysResponse *hr;
	Samen__V1__Holiday *w;
	char buf[DATE_STRLEN];
	size_t n, i;

	n = holiday_list(req->holidays->year, h, HOLIDAY_MAX);
	if (n == 0)
		return dispatch_error(ctx,
		    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
		    "year %d is outside %d-%d", req->holidays->year,
		    HOLIDAY_YEAR_MIN, HOLIDAY_YEAR_MAX);
	hr = dispatch_alloc(ctx, sizeof(*hr));
	samen__v1__holidays_response__init(hr);
	hr->holidays = dispatch_alloc(ctx, n * sizeof(*hr->holidays));
	for (i = 0; i < n; i++) {
		w = dispatch_alloc(ctx, sizeof(*w));
		samen__v1__holiday__init(w);
		date_format(&h[i].date, buf);
		w->date = dispatch_strdup(ctx, buf);
		w->id = dispatch_strdup(ctx, h[i].id);
		w->name_nl = dispatch_strdup(ctx, h[i].name_nl);
		w->name_en = dispatch_strdup(ctx, h[i].name_en);
		w->blocks_day = h[i].blocks_day;
		w->blocks_evening = h[i].blocks_evening;
		hr->holidays[hr->n_holidays++] = w;
	}
	resp->body_case = SAMEN__V1__RESPONSE__BODY_HOLIDAYS;
	resp->holidays = hr;
	return 0;
}

struct timeline {
	struct dispatch_ctx		 *ctx;
	Samen__V1__TimelineEntry	**v;
	size_t				  n, cap;
};

/* Adds one entry. */
static Samen__V1__TimelineEntry *
timeline_add(struct timeline *t, const char *date, const char *kind,
    const char *title, const char *ref, const char *muni)
{
	Samen__V1__TimelineEntry *e;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->v = dispatch_realloc(t->ctx, t->v, t->cap * sizeof(*t->v));
	}
	e = dispatch_alloc(t->ctx, sizeof(*e));
	samen__v1__timeline_entry__init(e);
	e->date = dispatch_strdup(t->ctx, date);
	e->kind = (char *)(uintptr_t)kind;
	e->title = dispatch_strdup(t->ctx, title);
	e->ref = dispatch_strdup(t->ctx, ref);
	e->municipality = dispatch_strdup(t->ctx, muni);
	t->v[t->n++] = e;
	return e;
}

/* A dossier's state in words. */
static const char *
timeline_dossier_state(Samen__V1__Dossier__State state)
{
	switch (state) {
	case SAMEN__V1__DOSSIER__STATE__DRAFT:
		return "draft";
	case SAMEN__V1__DOSSIER__STATE__READY:
		return "ready";
	case SAMEN__V1__DOSSIER__STATE__HANDED_OVER:
		return "handed over";
	case SAMEN__V1__DOSSIER__STATE__ACKNOWLEDGED:
		return "acknowledged";
	default:
		break;
	}
	return "?";
}

/* Compares two entries by date. */
static int
timeline_cmp(const void *a, const void *b)
{
	const Samen__V1__TimelineEntry *x = *(const Samen__V1__TimelineEntry
	    *const *)a;
	const Samen__V1__TimelineEntry *y = *(const Samen__V1__TimelineEntry
	    *const *)b;

	return strcmp(x->date, y->date);
}

/*
 * timeline: election, installation, each college (or its assumed date,
 * marked pending), meetings from the election on, dossiers due (overdue
 * when past and not handed over), blackouts; in date order.
 */
int
timeline_list(struct dispatch_ctx *ctx, const Samen__V1__Request *req,
    Samen__V1__Response *resp)
{
	struct store *rs = ctx->srv->rstore;
	struct timeline t;
	Samen__V1__TimelineResponse *tr;
	Samen__V1__TimelineEntry *e;
	Samen__V1__Entity *region, **munis = NULL, **meets = NULL,
	    **doss = NULL;
	Samen__V1__Region *r;
	size_t nm = 0, nmt = 0, nd = 0, i;
	char today[DATE_STRLEN], date[DATE_STRLEN], title[512], *cause = NULL;
	const char *zone;

	(void)req;
	if (store_read_begin(rs, &cause) == -1)
		return dispatch_store_error(ctx, cause);
	region = store_get(rs, SAMEN__V1__KIND__REGION, "region", &cause);
	if (region == NULL || store_list(rs, SAMEN__V1__KIND__MUNICIPALITY,
	    &munis, &nm, &cause) == -1 || store_list(rs,
	    SAMEN__V1__KIND__MEETING, &meets, &nmt, &cause) == -1 ||
	    store_list(rs, SAMEN__V1__KIND__DOSSIER, &doss, &nd, &cause) == -1) {
		store_read_end(rs);
		if (region != NULL)
			samen__v1__entity__free_unpacked(region, NULL);
		store_list_free(munis, nm);
		store_list_free(meets, nmt);
		return dispatch_store_error(ctx, cause ? cause :
		    xstrdup("no region"));
	}
	store_read_end(rs);
	r = region->region;
	zone = r->time_zone;
	tz_local_date(zone, (int64_t)time(NULL), today);

	memset(&t, 0, sizeof(t));
	t.ctx = ctx;
	timeline_add(&t, r->election_date, "election", "municipal elections",
	    "", "");
	timeline_add(&t, r->installation_date, "installation",
	    "new councils installed", "", "");
	for (i = 0; i < nm; i++) {
		const Samen__V1__Municipality *m = munis[i]->municipality;

		snprintf(title, sizeof(title), "college of %s installed",
		    m->name);
		if (*m->college_installed_date != '\0')
			timeline_add(&t, m->college_installed_date, "college",
			    title, munis[i]->id, munis[i]->id);
		else {
			if (date_add_days(r->installation_date,
			    TIMELINE_COLLEGE_DAYS, date) == -1)
				continue;
			snprintf(title, sizeof(title), "college of %s: not yet "
			    "(assumed after %d days)", m->name,
			    TIMELINE_COLLEGE_DAYS);
			e = timeline_add(&t, date, "college", title,
			    munis[i]->id, munis[i]->id);
			e->pending = 1;
		}
	}
	for (i = 0; i < nmt; i++) {
		const Samen__V1__Meeting *m = meets[i]->meeting;

		tz_local_date(zone, m->start, date);
		if (strcmp(date, r->election_date) < 0)
			continue;
		snprintf(title, sizeof(title), "%s%s", m->title,
		    m->status == SAMEN__V1__MEETING__STATE__CANCELLED ?
		    " (cancelled)" : "");
		timeline_add(&t, date, "meeting", title, meets[i]->id,
		    m->host);
	}
	for (i = 0; i < nd; i++) {
		const Samen__V1__Dossier *d = doss[i]->dossier;

		if (*d->due_date == '\0')
			continue;
		snprintf(title, sizeof(title), "dossier due: %s (%s)", d->title,
		    timeline_dossier_state(d->state));
		e = timeline_add(&t, d->due_date, "dossier", title,
		    doss[i]->id, d->to);
		e->overdue = strcmp(d->due_date, today) < 0 &&
		    d->state < SAMEN__V1__DOSSIER__STATE__HANDED_OVER;
	}
	for (i = 0; i < r->n_blackouts; i++) {
		snprintf(title, sizeof(title), "blackout until %s: %s",
		    r->blackouts[i]->end, r->blackouts[i]->reason);
		timeline_add(&t, r->blackouts[i]->start, "blackout", title, "",
		    "");
	}
	/* Date order; on one date, in the order added (a stable sort). */
	if (t.n > 1) {
		size_t j;

		for (i = 1; i < t.n; i++) {
			e = t.v[i];
			for (j = i; j > 0 && timeline_cmp(&t.v[j - 1], &e) > 0;
			    j--)
				t.v[j] = t.v[j - 1];
			t.v[j] = e;
		}
	}
	tr = dispatch_alloc(ctx, sizeof(*tr));
	samen__v1__timeline_response__init(tr);
	tr->entries = t.v;
	tr->n_entries = t.n;
	tr->today = dispatch_strdup(ctx, today);
	samen__v1__entity__free_unpacked(region, NULL);
	store_list_free(munis, nm);
	store_list_free(meets, nmt);
	store_list_free(doss, nd);
	resp->body_case = SAMEN__V1__RESPONSE__BODY_TIMELINE;
	resp->timeline = tr;
	return 0;
}
