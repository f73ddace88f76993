/*
 * Validation of every field of an entity before anything is stored:
 * real dates, known enum values, ids that exist, valid UTF-8 within the
 * configured lengths.  A refusal names the field.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "samend.h"
#include "xmalloc.h"

/* True for well-formed UTF-8 without control characters but tab/newline. */
int
validate_utf8(const char *s)
{
	return wire_text_ok(s, 1);
}

/* Sets *cause and returns -1. */
static int
validate_fail(char **cause, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
validate_fail(char **cause, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	*cause = s;
	return -1;
}

/* A text field: valid UTF-8, at most max bytes, present when required. */
static int
validate_text(const char *field, const char *s, long long max, int required,
    char **cause)
{
	if (required && *s == '\0')
		return validate_fail(cause, "%s is required", field);
	if ((long long)strlen(s) > max)
		return validate_fail(cause, "%s is %zu bytes; at most %lld are "
		    "allowed", field, strlen(s), max);
	if (!validate_utf8(s))
		return validate_fail(cause, "%s is not valid UTF-8 text", field);
	return 0;
}

/* A date field: YYYY-MM-DD of a real date, or empty when optional. */
static int
validate_date(const char *field, const char *s, int required, char **cause)
{
	struct date d;

	if (*s == '\0' && !required)
		return 0;
	if (date_parse(s, &d) == -1)
		return validate_fail(cause, "%s '%s' is not a date (YYYY-MM-DD)",
		    field, s);
	return 0;
}

/* True when an entity of that kind and id exists. */
static int
validate_exists(struct server *srv, Samen__V1__Kind kind, const char *id,
    char **cause)
{
	return store_exists(srv->store, kind, id, cause) == 1;
}

/* A municipality reference: empty when optional, else an existing one. */
static int
validate_muni(struct server *srv, const char *field, const char *id,
    int required, char **cause)
{
	if (*id == '\0' && !required)
		return 0;
	if (*id == '\0')
		return validate_fail(cause, "%s is required", field);
	if (!validate_exists(srv, SAMEN__V1__KIND__MUNICIPALITY, id, cause)) {
		if (*cause != NULL)
			return -1;
		return validate_fail(cause, "%s '%s' is not a municipality of "
		    "this region", field, id);
	}
	return 0;
}

/* An AgendaItem id: A followed by a number. */
static int
validate_item_id(const char *id)
{
	size_t i;

	if (id[0] != 'A' || id[1] == '\0' || id[1] == '0' || strlen(id) > 12)
		return 0;
	for (i = 1; id[i] != '\0'; i++) {
		if (id[i] < '0' || id[i] > '9')
			return 0;
	}
	return 1;
}

static int
validate_region(struct server *srv, Samen__V1__Entity *e, char **cause)
{
	Samen__V1__Region *r = e->region;
	struct stat sb;
	char *zone;
	size_t i;
	int ok;

	if (strcmp(e->id, "region") != 0)
		return validate_fail(cause, "the region's id is 'region'");
	if (validate_text("name", r->name, srv->cfg->max_title, 1, cause) ||
	    validate_date("election_date", r->election_date, 1, cause) ||
	    validate_date("installation_date", r->installation_date, 1,
	    cause))
		return -1;
	if (strcmp(r->installation_date, r->election_date) <= 0)
		return validate_fail(cause, "installation_date must come after "
		    "election_date");
	if (*r->time_zone == '\0' || strstr(r->time_zone, "..") != NULL ||
	    r->time_zone[0] == '/' || !validate_utf8(r->time_zone))
		return validate_fail(cause, "time_zone '%s' is not an IANA "
		    "time zone", r->time_zone);
	xasprintf(&zone, "/usr/share/zoneinfo/%s", r->time_zone);
	ok = stat(zone, &sb) == 0 && S_ISREG(sb.st_mode);
	free(zone);
	if (!ok)
		return validate_fail(cause, "time_zone '%s' is not an IANA "
		    "time zone", r->time_zone);
	for (i = 0; i < r->n_blackouts; i++) {
		Samen__V1__Blackout *b = r->blackouts[i];

		if (validate_date("blackout start", b->start, 1, cause) ||
		    validate_date("blackout end", b->end, 1, cause) ||
		    validate_text("blackout reason", b->reason,
		    srv->cfg->max_title, 0, cause))
			return -1;
		if (strcmp(b->end, b->start) < 0)
			return validate_fail(cause, "blackout %s ends before "
			    "it starts", b->start);
	}
	return 0;
}

static int
validate_municipality(struct server *srv, Samen__V1__Entity *e, char **cause)
{
	Samen__V1__Municipality *m = e->municipality;

	if (!tls_valid_id(e->id) || strcmp(e->id, TLS_REGION_ORG) == 0)
		return validate_fail(cause, "municipality id '%s' must be 1-32 "
		    "of a-z, 0-9, '-', starting with a letter", e->id);
	return validate_text("name", m->name, srv->cfg->max_title, 1, cause) ||
	    validate_text("venue", m->venue, srv->cfg->max_text, 0, cause) ||
	    validate_date("college_installed_date", m->college_installed_date,
	    0, cause);
}

static int
validate_agenda_item(struct server *srv, Samen__V1__Entity *e, char **cause)
{
	Samen__V1__AgendaItem *a = e->agenda_item;

	if (*e->id != '\0' && !validate_item_id(e->id))
		return validate_fail(cause, "agenda item id '%s' is not A<n>",
		    e->id);
	if (validate_text("title", a->title, srv->cfg->max_title, 1, cause) ||
	    validate_text("description", a->description, srv->cfg->max_text,
	    0, cause) ||
	    validate_text("theme", a->theme, srv->cfg->max_title, 0, cause) ||
	    validate_text("lead_portfolio_holder", a->lead_portfolio_holder,
	    srv->cfg->max_title, 0, cause))
		return -1;
	if (a->phase != SAMEN__V1__AGENDA_ITEM__PHASE__BEFORE_ELECTION &&
	    a->phase != SAMEN__V1__AGENDA_ITEM__PHASE__AFTER_ELECTION)
		return validate_fail(cause, "phase must be BEFORE_ELECTION or "
		    "AFTER_ELECTION");
	if (a->status == SAMEN__V1__AGENDA_ITEM__STATE__STATE_UNSPECIFIED)
		a->status = SAMEN__V1__AGENDA_ITEM__STATE__PROPOSED;
	if (a->status < SAMEN__V1__AGENDA_ITEM__STATE__PROPOSED ||
	    a->status > SAMEN__V1__AGENDA_ITEM__STATE__DROPPED)
		return validate_fail(cause, "status %d is not a known status",
		    (int)a->status);
	if ((int)a->source < 0 ||
	    a->source > SAMEN__V1__AGENDA_ITEM__SOURCE__EXPLORER)
		return validate_fail(cause, "source %d is not a known source",
		    (int)a->source);
	return validate_muni(srv, "lead_municipality", a->lead_municipality, 0,
	    cause) || validate_muni(srv, "proposed_by", a->proposed_by, 0,
	    cause);
}

static int
validate_decision(struct server *srv, Samen__V1__Entity *e, char **cause)
{
	Samen__V1__Decision *d = e->decision;
	const char *slash = strchr(e->id, '/');
	char *item;
	int ok;

	if (slash == NULL)
		return validate_fail(cause, "decision id '%s' is not "
		    "ITEM/MUNICIPALITY", e->id);
	item = xstrndup(e->id, (size_t)(slash - e->id));
	ok = validate_item_id(item) && validate_exists(srv,
	    SAMEN__V1__KIND__AGENDA_ITEM, item, cause);
	if (!ok && *cause == NULL)
		validate_fail(cause, "decision %s: agenda item '%s' does not "
		    "exist", e->id, item);
	free(item);
	if (!ok)
		return -1;
	if (validate_muni(srv, "decision municipality", slash + 1, 1, cause))
		return -1;
	if ((int)d->state < 0 || d->state > SAMEN__V1__DECISION__STATE__REJECTED)
		return validate_fail(cause, "state %d is not a known decision "
		    "state", (int)d->state);
	return validate_date("meeting_date", d->meeting_date, 0, cause) ||
	    validate_text("note", d->note, srv->cfg->max_text, 0, cause);
}

static int
validate_ranking(struct server *srv, Samen__V1__Entity *e, char **cause)
{
	Samen__V1__Ranking *r = e->ranking;
	size_t i, j;

	if (validate_muni(srv, "ranking municipality", e->id, 1, cause))
		return -1;
	for (i = 0; i < r->n_item_ids; i++) {
		if (!validate_item_id(r->item_ids[i]) ||
		    !validate_exists(srv, SAMEN__V1__KIND__AGENDA_ITEM,
		    r->item_ids[i], cause)) {
			if (*cause != NULL)
				return -1;
			return validate_fail(cause, "item_ids: '%s' is not an "
			    "agenda item", r->item_ids[i]);
		}
		for (j = 0; j < i; j++) {
			if (strcmp(r->item_ids[i], r->item_ids[j]) == 0)
				return validate_fail(cause, "item_ids: %s is "
				    "ranked twice", r->item_ids[i]);
		}
	}
	return 0;
}

/* A local time of day: HH:MM, 00:00 to 23:59. */
static int
validate_hhmm(const char *s)
{
	return strlen(s) == 5 && s[2] == ':' &&
	    s[0] >= '0' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' &&
	    s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9' &&
	    (s[0] < '2' || s[1] <= '3');
}

/* A list of municipality ids: each exists, none twice. */
static int
validate_munis(struct server *srv, const char *field, char **v, size_t n,
    char **cause)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (validate_muni(srv, field, v[i], 1, cause))
			return -1;
		for (j = 0; j < i; j++) {
			if (strcmp(v[i], v[j]) == 0)
				return validate_fail(cause, "%s: %s is listed "
				    "twice", field, v[i]);
		}
	}
	return 0;
}

/* A list of agenda item ids: each exists, none twice. */
static int
validate_items(struct server *srv, const char *field, char **v, size_t n,
    char **cause)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (!validate_item_id(v[i]) || !validate_exists(srv,
		    SAMEN__V1__KIND__AGENDA_ITEM, v[i], cause)) {
			if (*cause != NULL)
				return -1;
			return validate_fail(cause, "%s: '%s' is not an "
			    "agenda item", field, v[i]);
		}
		for (j = 0; j < i; j++) {
			if (strcmp(v[i], v[j]) == 0)
				return validate_fail(cause, "%s: %s is listed "
				    "twice", field, v[i]);
		}
	}
	return 0;
}

/* An id of the form <letter><n> (M3, H12), or empty for a new one. */
static int
validate_seq_id(const char *id, char letter)
{
	size_t i;

	if (*id == '\0')
		return 1;
	if (id[0] != letter || id[1] == '\0' || id[1] == '0' ||
	    strlen(id) > 12)
		return 0;
	for (i = 1; id[i] != '\0'; i++) {
		if (id[i] < '0' || id[i] > '9')
			return 0;
	}
	return 1;
}

#define VALIDATE_MAX_MEETING	(24 * 3600)
#define VALIDATE_TIME_MAX	7258118400LL	/* 2200-01-01, UTC */
#define VALIDATE_MAX_BUSY	5000

static int
validate_meeting(struct server *srv, Samen__V1__Entity *e, char **cause)
{
	Samen__V1__Meeting *m = e->meeting;

	if (!validate_seq_id(e->id, 'M'))
		return validate_fail(cause, "meeting id '%s' is not M<n>",
		    e->id);
	if (validate_text("title", m->title, srv->cfg->max_title, 1, cause) ||
	    validate_text("location", m->location, srv->cfg->max_text, 0,
	    cause) ||
	    validate_text("notes", m->notes, srv->cfg->max_text, 0, cause))
		return -1;
	if (m->kind <= SAMEN__V1__MEETING__MEETING_KIND__KIND_UNSPECIFIED ||
	    m->kind > SAMEN__V1__MEETING__MEETING_KIND__OTHER)
		return validate_fail(cause, "kind must be one of the meeting "
		    "kinds (regional councils, portfolio holders, ...)");
	if ((int)m->status < 0 || m->status > SAMEN__V1__MEETING__STATE__HELD)
		return validate_fail(cause, "status %d is not a meeting status",
		    (int)m->status);
	if (m->start <= 0 || m->end <= 0)
		return validate_fail(cause, "start and end are required");
	if (m->start >= VALIDATE_TIME_MAX || m->end >= VALIDATE_TIME_MAX)
		return validate_fail(cause, "start and end fall before the "
		    "year 2200");
	if (m->end <= m->start)
		return validate_fail(cause, "end must come after start");
	if (m->end - m->start > VALIDATE_MAX_MEETING)
		return validate_fail(cause, "a meeting lasts at most 24 hours");
	return validate_muni(srv, "host", m->host, 1, cause) ||
	    validate_munis(srv, "participants", m->participants,
	    m->n_participants, cause) ||
	    validate_items(srv, "item_ids", m->item_ids, m->n_item_ids, cause);
}

static int
validate_availability(struct server *srv, Samen__V1__Entity *e, char **cause)
{
	Samen__V1__Availability *a = e->availability;
	Samen__V1__BusyEntry *b;
	size_t i;

	if (validate_muni(srv, "availability municipality", e->id, 1, cause))
		return -1;
	if (a->n_busy > VALIDATE_MAX_BUSY)
		return validate_fail(cause, "busy: at most %d entries",
		    VALIDATE_MAX_BUSY);
	for (i = 0; i < a->n_busy; i++) {
		b = a->busy[i];
		if (validate_date("busy date", b->date, 1, cause) ||
		    validate_text("busy reason", b->reason,
		    srv->cfg->max_title, 0, cause))
			return -1;
		if (*b->start_time == '\0' && *b->end_time == '\0')
			continue;
		if (!validate_hhmm(b->start_time) ||
		    !validate_hhmm(b->end_time))
			return validate_fail(cause, "busy %s: times are HH:MM, "
			    "both or neither", b->date);
		if (strcmp(b->end_time, b->start_time) <= 0)
			return validate_fail(cause, "busy %s: the end time "
			    "must come after the start time", b->date);
	}
	return 0;
}

static int
validate_dossier(struct server *srv, Samen__V1__Entity *e, char **cause)
{
	Samen__V1__Dossier *d = e->dossier;

	if (!validate_seq_id(e->id, 'H'))
		return validate_fail(cause, "dossier id '%s' is not H<n>",
		    e->id);
	if (validate_text("title", d->title, srv->cfg->max_title, 1, cause) ||
	    validate_text("note", d->note, srv->cfg->max_text, 0, cause) ||
	    validate_date("due_date", d->due_date, 0, cause))
		return -1;
	if ((int)d->state < 0 ||
	    d->state > SAMEN__V1__DOSSIER__STATE__ACKNOWLEDGED)
		return validate_fail(cause, "state %d is not a dossier state",
		    (int)d->state);
	if (*d->item_id != '\0' && validate_items(srv, "item_id", &d->item_id,
	    1, cause))
		return -1;
	if (strcmp(d->from, TLS_REGION_ORG) != 0 &&
	    validate_muni(srv, "from", d->from, 1, cause))
		return -1;
	return validate_muni(srv, "to", d->to, 1, cause);
}

/*
 * Checks (and fills defaults of) an entity about to be stored.  0: fine;
 * -1: *cause names the field and what is wrong (INVALID_ARGUMENT), or,
 * rarely, a storage error.
 */
int
validate_entity(struct server *srv, Samen__V1__Entity *e, char **cause)
{
	*cause = NULL;
	if (strlen(e->id) > 64 || !validate_utf8(e->id))
		return validate_fail(cause, "id is not a valid id");
	/* The checks chain with ||: any non-zero is a refusal. */
	switch (e->body_case) {
	case SAMEN__V1__ENTITY__BODY_REGION:
		return validate_region(srv, e, cause) ? -1 : 0;
	case SAMEN__V1__ENTITY__BODY_MUNICIPALITY:
		return validate_municipality(srv, e, cause) ? -1 : 0;
	case SAMEN__V1__ENTITY__BODY_AGENDA_ITEM:
		return validate_agenda_item(srv, e, cause) ? -1 : 0;
	case SAMEN__V1__ENTITY__BODY_DECISION:
		return validate_decision(srv, e, cause) ? -1 : 0;
	case SAMEN__V1__ENTITY__BODY_RANKING:
		return validate_ranking(srv, e, cause) ? -1 : 0;
	case SAMEN__V1__ENTITY__BODY_MEETING:
		return validate_meeting(srv, e, cause) ? -1 : 0;
	case SAMEN__V1__ENTITY__BODY_AVAILABILITY:
		return validate_availability(srv, e, cause) ? -1 : 0;
	case SAMEN__V1__ENTITY__BODY_DOSSIER:
		return validate_dossier(srv, e, cause) ? -1 : 0;
	default:
		break;
	}
	return validate_fail(cause, "the entity has no body (which kind?)");
}
