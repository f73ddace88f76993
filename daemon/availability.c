/*
 * A council's own meeting calendar in: import_availability turns an
 * iCalendar file into that municipality's busy dates, replacing them.
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "ical.h"
#include "samend.h"
#include "tz.h"
#include "xmalloc.h"

/* Recurrences are expanded until this long after the installation
 * (or after today, once the installation is long past). */
#define AVAILABILITY_HORIZON_DAYS	366

/* Frees the busy entries handed to the stored entity. */
struct availability_busy {
	Samen__V1__BusyEntry	**v;
	size_t			  n;
};

static void
availability_busy_free(void *arg)
{
	struct availability_busy *b = arg;

	ical_busy_free(b->v, b->n);
	free(b);
}

/* Frees an entity from unpack. */
static void
availability_entity_free(void *p)
{
	samen__v1__entity__free_unpacked(p, NULL);
}

/*
 * import_availability: parse, expand from today to a year after the
 * installation, check, authorize and store as the municipality's
 * Availability.  A file libical rejects stores nothing.
 */
int
availability_import(struct dispatch_ctx *ctx, const Samen__V1__Request *req,
    Samen__V1__Response *resp)
{
	const Samen__V1__ImportAvailabilityRequest *ir =
	    req->import_availability;
	Samen__V1__ImportAvailabilityResponse *out;
	Samen__V1__Entity *region, *old, *e;
	Samen__V1__Availability *a;
	struct availability_busy *b;
	enum auth_op op;
	struct tm tm;
	struct date d;
	size_t skipped = 0;
	const char *muni = ir->municipality;
	char from[DATE_STRLEN], to[DATE_STRLEN], later[DATE_STRLEN];
	char *cause = NULL;

	if (*muni == '\0') {
		if (ctx->who->role != TLS_ROLE_MEMBER)
			return dispatch_error(ctx,
			    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
			    "name the municipality whose calendar this is");
		muni = ctx->who->municipality;
	}
	region = store_get(ctx->srv->store, SAMEN__V1__KIND__REGION, "region",
	    &cause);
	if (region == NULL)
		return dispatch_store_error(ctx, cause ? cause :
		    xstrdup("no region"));
	dispatch_defer_free(ctx, availability_entity_free, region);
	if (tz_to_local(region->region->time_zone, (int64_t)time(NULL),
	    &tm) == -1)
		return dispatch_error(ctx, SAMEN__V1__STATUS__CODE__INTERNAL,
		    "the region's time zone is not known here");
	d.year = tm.tm_year + 1900;
	d.month = tm.tm_mon + 1;
	d.day = tm.tm_mday;
	date_format(&d, from);
	/* A year past the installation, or past today once that is over. */
	if (date_add_days(region->region->installation_date,
	    AVAILABILITY_HORIZON_DAYS, to) == -1 ||
	    date_add_days(from, AVAILABILITY_HORIZON_DAYS, later) == -1)
		return dispatch_error(ctx, SAMEN__V1__STATUS__CODE__INTERNAL,
		    "the region has no installation date");
	if (strcmp(later, to) > 0)
		memcpy(to, later, sizeof(to));

	/* Who may replace these busy dates is known before any parsing. */
	e = dispatch_alloc(ctx, sizeof(*e));
	samen__v1__entity__init(e);
	a = dispatch_alloc(ctx, sizeof(*a));
	samen__v1__availability__init(a);
	e->id = dispatch_strdup(ctx, muni);
	e->body_case = SAMEN__V1__ENTITY__BODY_AVAILABILITY;
	e->availability = a;
	if (auth_write(ctx->who, AUTH_UPDATE, SAMEN__V1__KIND__AVAILABILITY,
	    NULL, e, &cause) == -1) {
		dispatch_error(ctx, SAMEN__V1__STATUS__CODE__PERMISSION_DENIED,
		    "%s", cause);
		free(cause);
		return -1;
	}

	b = xcalloc(1, sizeof(*b));
	if (ical_import(ir->ical, region->region->time_zone, from, to, &b->v,
	    &b->n, &skipped, &cause) == -1) {
		free(b);
		dispatch_error(ctx, SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
		    "the calendar cannot be read: %s; nothing was stored",
		    cause);
		free(cause);
		return -1;
	}
	dispatch_defer_free(ctx, availability_busy_free, b);

	old = store_get(ctx->srv->store, SAMEN__V1__KIND__AVAILABILITY, muni,
	    &cause);
	if (old == NULL && cause != NULL)
		return dispatch_store_error(ctx, cause);
	if (old != NULL)
		dispatch_defer_free(ctx, availability_entity_free, old);
	if (old != NULL && ir->expected_rev != 0 &&
	    ir->expected_rev != old->rev) {
		ctx->current = old;
		return dispatch_error(ctx, SAMEN__V1__STATUS__CODE__CONFLICT,
		    "the busy dates of %s were changed by someone else: you "
		    "had rev %llu, they are at rev %llu", muni,
		    (unsigned long long)ir->expected_rev,
		    (unsigned long long)old->rev);
	}

	a->busy = b->v;
	a->n_busy = b->n;
	op = old == NULL ? AUTH_CREATE : AUTH_UPDATE;
	if (validate_entity(ctx->srv, e, &cause) == -1) {
		dispatch_error(ctx, SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
		    "%s", cause);
		free(cause);
		return -1;
	}
	if (commit_put(ctx, e, op == AUTH_CREATE ? "create" : "update",
	    entity_title(e), NULL) == -1)
		return -1;

	out = dispatch_alloc(ctx, sizeof(*out));
	samen__v1__import_availability_response__init(out);
	out->availability = e;
	out->busy = (uint32_t)b->n;
	out->skipped = (uint32_t)skipped;
	resp->body_case = SAMEN__V1__RESPONSE__BODY_IMPORT_AVAILABILITY;
	resp->import_availability = out;
	return 0;
}
