/*
 * mkseeds: writes the seed corpora of the fuzz targets.
 *
 *	mkseeds OUTDIR [FILE.ics | FILE.conf ...]
 *
 * Into OUTDIR/<target>/: for fuzz_frame and fuzz_dispatch a valid
 * request of every type of samen.v1.Request (every kind of entity for
 * put, plan with and without commit, backup), as each target reads its
 * input (see their comments), and a few pipelines of several; for
 * fuzz_plan plan requests; for fuzz_config configuration files; for
 * fuzz_ical the .ics files given.  The .conf files given become config
 * seeds too; the first .ics is also the calendar of the
 * import_availability seeds.  The checked-in corpus is its output:
 *
 *	make fuzz-seeds
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "samen.pb-c.h"
#include "version.h"

/* As fuzz_dispatch.c and fuzz_frame.c read their inputs. */
#define DISPATCH_SEP		"--SAMEN--"
#define ROLE_ADMIN		0
#define ROLE_MEMBER_LEIDEN	1	/* member of fuzz_munis[0] */
#define ROLE_OBSERVER		2
#define ROLE_NOT_GREETED	0x80
#define FRAME_NSIZES		8
#define FRAME_LIMIT_DEFAULT	3	/* FRAME_DEFAULT_MAX */

#define S(s)	((char *)(uintptr_t)(s))
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char	*outdir;
static char		*calendar;	/* the first .ics given */
static unsigned int	 nframe;	/* frame seeds written so far */

static const char small_ics[] =
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//Gemeente Leiden//Raadskalender//NL\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:raad-2030-05-15@leiden.nl\r\n"
    "DTSTAMP:20300101T120000Z\r\n"
    "DTSTART;TZID=Europe/Amsterdam:20300515T193000\r\n"
    "DTEND;TZID=Europe/Amsterdam:20300515T230000\r\n"
    "SUMMARY:Raadsvergadering\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n";

static void	die(const char *, const char *) __attribute__((noreturn));

/* Prints why and exits. */
static void
die(const char *what, const char *why)
{
	fprintf(stderr, "mkseeds: %s: %s\n", what, why);
	exit(1);
}

/* malloc that does not fail. */
static void *
emalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		die("malloc", strerror(errno));
	return p;
}

/* Writes one seed file, OUTDIR/target/name. */
static void
put_file(const char *target, const char *name, const void *p, size_t n)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		die(path, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
	if ((fp = fopen(path, "wb")) == NULL)
		die(path, strerror(errno));
	if ((n > 0 && fwrite(p, 1, n, fp) != n) || fclose(fp) != 0)
		die(path, "write failed");
}

/* The whole of a file; *np its length. */
static char *
slurp(const char *path, size_t *np)
{
	FILE *fp;
	char *buf;
	long n;

	if ((fp = fopen(path, "rb")) == NULL)
		die(path, strerror(errno));
	if (fseek(fp, 0, SEEK_END) == -1 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) == -1)
		die(path, "cannot tell its size");
	buf = emalloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
		die(path, "short read");
	buf[n] = '\0';
	fclose(fp);
	*np = (size_t)n;
	return buf;
}

/* A packed request; *np its length. */
static uint8_t *
pack_request(const Samen__V1__Request *r, size_t *np)
{
	uint8_t *buf;

	*np = samen__v1__request__get_packed_size(r);
	buf = emalloc(*np);
	samen__v1__request__pack(r, buf);
	return buf;
}

/* Appends n bytes to the growing buffer *bufp of *lenp bytes. */
static void
append(uint8_t **bufp, size_t *lenp, const void *p, size_t n)
{
	*bufp = realloc(*bufp, *lenp + n + 1);
	if (*bufp == NULL)
		die("realloc", strerror(errno));
	memcpy(*bufp + *lenp, p, n);
	*lenp += n;
}

/* Appends requests v[0..n) to *bufp as framed on the wire, ids 1... */
static void
append_frames(uint8_t **bufp, size_t *lenp, Samen__V1__Request *const *v,
    size_t n)
{
	Samen__V1__Frame f = SAMEN__V1__FRAME__INIT;
	uint8_t *body;
	uint32_t be;
	size_t i, len;

	for (i = 0; i < n; i++) {
		f.id = i + 1;
		f.body_case = SAMEN__V1__FRAME__BODY_REQUEST;
		f.request = v[i];
		len = samen__v1__frame__get_packed_size(&f);
		body = emalloc(len);
		samen__v1__frame__pack(&f, body);
		be = htonl((uint32_t)len);
		append(bufp, lenp, &be, sizeof(be));
		append(bufp, lenp, body, len);
		free(body);
	}
}

/*
 * One seed of several requests, for fuzz_frame (framed, cut into pieces
 * of sizes that vary from seed to seed) and fuzz_dispatch (the role
 * byte, then the requests between separators).
 */
static void
seed(const char *name, int role, Samen__V1__Request *const *v, size_t n)
{
	static const uint8_t sizes[][FRAME_NSIZES] = {
		{ 0, 0, 0, 0, 0, 0, 0, 0 },	/* all at once */
		{ 1, 1, 1, 1, 1, 1, 1, 1 },	/* a byte at a time */
		{ 3, 1, 4, 1, 5, 9, 2, 6 },
		{ 4, 0, 4, 0, 4, 0, 4, 0 },	/* header, then body */
		{ 2, 7, 64, 255, 1, 13, 128, 0 },
	};
	uint8_t *buf = NULL, *r, role_byte = (uint8_t)role, limit;
	size_t len = 0, rlen, i;

	/* fuzz_dispatch */
	append(&buf, &len, &role_byte, 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			append(&buf, &len, DISPATCH_SEP, strlen(DISPATCH_SEP));
		r = pack_request(v[i], &rlen);
		append(&buf, &len, r, rlen);
		free(r);
	}
	put_file("fuzz_dispatch", name, buf, len);
	free(buf);

	/* fuzz_frame: as admin only, the roles do not matter there */
	if (role != ROLE_ADMIN)
		return;
	buf = NULL;
	len = 0;
	limit = FRAME_LIMIT_DEFAULT;
	append(&buf, &len, &limit, 1);
	append(&buf, &len, sizes[nframe++ % NELEM(sizes)], FRAME_NSIZES);
	append_frames(&buf, &len, v, n);
	put_file("fuzz_frame", name, buf, len);
	free(buf);
}

/* A seed of one request. */
static void
seed1(const char *name, int role, Samen__V1__Request *r)
{
	seed(name, role, &r, 1);
}

/* A put request of entity e (made by the caller). */
static Samen__V1__Request *
req_put(Samen__V1__Entity *e, uint64_t expected_rev)
{
	Samen__V1__Request *r = emalloc(sizeof(*r));
	Samen__V1__PutRequest *p = emalloc(sizeof(*p));

	samen__v1__request__init(r);
	samen__v1__put_request__init(p);
	p->entity = e;
	p->expected_rev = expected_rev;
	r->body_case = SAMEN__V1__REQUEST__BODY_PUT;
	r->put = p;
	return r;
}

/* An entity with this id and no body yet. */
static Samen__V1__Entity *
entity(const char *id)
{
	Samen__V1__Entity *e = emalloc(sizeof(*e));

	samen__v1__entity__init(e);
	e->id = S(id);
	return e;
}

/* Every kind of entity, as a valid put of an admin. */
static Samen__V1__Request *put_region, *put_muni, *put_item, *put_decision,
    *put_ranking, *put_meeting, *put_avail, *put_dossier;

static void
make_puts(void)
{
	static Samen__V1__Blackout bo = SAMEN__V1__BLACKOUT__INIT;
	static Samen__V1__Blackout *bos[] = { &bo };
	static Samen__V1__Region rg = SAMEN__V1__REGION__INIT;
	static Samen__V1__Municipality mu = SAMEN__V1__MUNICIPALITY__INIT;
	static Samen__V1__AgendaItem ai = SAMEN__V1__AGENDA_ITEM__INIT;
	static Samen__V1__Decision de = SAMEN__V1__DECISION__INIT;
	static char *rank_ids[] = { S("A1"), S("A2") };
	static Samen__V1__Ranking ra = SAMEN__V1__RANKING__INIT;
	static char *items[] = { S("A1") };
	static char *parts[] = { S("leiden"), S("leiderdorp") };
	static Samen__V1__Meeting me = SAMEN__V1__MEETING__INIT;
	static Samen__V1__BusyEntry b1 = SAMEN__V1__BUSY_ENTRY__INIT;
	static Samen__V1__BusyEntry b2 = SAMEN__V1__BUSY_ENTRY__INIT;
	static Samen__V1__BusyEntry *busy[] = { &b1, &b2 };
	static Samen__V1__Availability av = SAMEN__V1__AVAILABILITY__INIT;
	static Samen__V1__Dossier ds = SAMEN__V1__DOSSIER__INIT;
	Samen__V1__Entity *e;

	bo.start = S("2030-07-13");
	bo.end = S("2030-08-25");
	bo.reason = S("zomerreces");
	rg.name = S("Regio Leiden");
	rg.time_zone = S("Europe/Amsterdam");
	rg.election_date = S("2030-03-20");
	rg.installation_date = S("2030-04-03");
	rg.blackouts = bos;
	rg.n_blackouts = 1;
	e = entity("region");
	e->body_case = SAMEN__V1__ENTITY__BODY_REGION;
	e->region = &rg;
	put_region = req_put(e, 0);

	mu.name = S("Leiden");
	mu.venue = S("Stadhuis, Stadhuisplein 1, Leiden");
	mu.college_installed_date = S("2030-05-20");
	e = entity("leiden");
	e->body_case = SAMEN__V1__ENTITY__BODY_MUNICIPALITY;
	e->municipality = &mu;
	put_muni = req_put(e, 0);

	ai.title = S("Regionale woningbouwopgave");
	ai.description = S("Afspraken over de woningbouw tot 2035.");
	ai.theme = S("wonen");
	ai.phase = SAMEN__V1__AGENDA_ITEM__PHASE__AFTER_ELECTION;
	ai.status = SAMEN__V1__AGENDA_ITEM__STATE__PROPOSED;
	ai.lead_municipality = S("leiden");
	ai.lead_portfolio_holder = S("wethouder Wonen");
	ai.proposed_by = S("leiden");
	ai.source = SAMEN__V1__AGENDA_ITEM__SOURCE__COUNCIL;
	e = entity("");
	e->body_case = SAMEN__V1__ENTITY__BODY_AGENDA_ITEM;
	e->agenda_item = &ai;
	put_item = req_put(e, 0);

	de.state = SAMEN__V1__DECISION__STATE__ADOPTED;
	de.meeting_date = S("2030-02-14");
	de.note = S("aangenomen met amendement");
	e = entity("A1/leiden");
	e->body_case = SAMEN__V1__ENTITY__BODY_DECISION;
	e->decision = &de;
	put_decision = req_put(e, 0);

	ra.item_ids = rank_ids;
	ra.n_item_ids = NELEM(rank_ids);
	e = entity("leiden");
	e->body_case = SAMEN__V1__ENTITY__BODY_RANKING;
	e->ranking = &ra;
	put_ranking = req_put(e, 0);

	me.title = S("Regionale raadsbijeenkomst");
	me.kind = SAMEN__V1__MEETING__MEETING_KIND__REGIONAL_COUNCILS;
	me.start = 1905010200;		/* 2030-05-14 19:30 in Leiden */
	me.end = 1905019200;		/* 22:00 */
	me.host = S("leiden");
	me.location = S("Raadzaal");
	me.participants = parts;
	me.n_participants = NELEM(parts);
	me.item_ids = items;
	me.n_item_ids = NELEM(items);
	me.status = SAMEN__V1__MEETING__STATE__PLANNED;
	me.notes = S("warme overdracht");
	e = entity("");
	e->body_case = SAMEN__V1__ENTITY__BODY_MEETING;
	e->meeting = &me;
	put_meeting = req_put(e, 0);

	b1.date = S("2030-05-15");
	b1.start_time = S("19:30");
	b1.end_time = S("23:00");
	b1.reason = S("Raadsvergadering");
	b2.date = S("2030-05-22");
	b2.reason = S("Werkbezoek");
	av.busy = busy;
	av.n_busy = NELEM(busy);
	e = entity("leiden");
	e->body_case = SAMEN__V1__ENTITY__BODY_AVAILABILITY;
	e->availability = &av;
	put_avail = req_put(e, 0);

	ds.title = S("Overdrachtsdossier woningbouw");
	ds.item_id = S("A1");
	ds.from = S("stuurgroep");
	ds.to = S("leiden");
	ds.due_date = S("2030-06-01");
	ds.state = SAMEN__V1__DOSSIER__STATE__DRAFT;
	ds.note = S("concept");
	e = entity("");
	e->body_case = SAMEN__V1__ENTITY__BODY_DOSSIER;
	e->dossier = &ds;
	put_dossier = req_put(e, 0);
}

/* The request messages without fields. */
union empty_request {
	Samen__V1__StatsRequest		stats;
	Samen__V1__UnwatchRequest	unwatch;
	Samen__V1__PrioritiesRequest	priorities;
	Samen__V1__AuditVerifyRequest	audit_verify;
	Samen__V1__TimelineRequest	timeline;
};

/* A request of a type without fields (one of each at a time). */
static Samen__V1__Request *
req_empty(Samen__V1__Request__BodyCase type)
{
	static Samen__V1__Request reqs[SAMEN__V1__REQUEST__BODY_BACKUP + 1];
	static union empty_request msgs[SAMEN__V1__REQUEST__BODY_BACKUP + 1];
	Samen__V1__Request *r = &reqs[type];
	union empty_request *m = &msgs[type];

	samen__v1__request__init(r);
	r->body_case = type;
	switch (type) {
	case SAMEN__V1__REQUEST__BODY_STATS:
		samen__v1__stats_request__init(&m->stats);
		r->stats = &m->stats;
		break;
	case SAMEN__V1__REQUEST__BODY_UNWATCH:
		samen__v1__unwatch_request__init(&m->unwatch);
		r->unwatch = &m->unwatch;
		break;
	case SAMEN__V1__REQUEST__BODY_PRIORITIES:
		samen__v1__priorities_request__init(&m->priorities);
		r->priorities = &m->priorities;
		break;
	case SAMEN__V1__REQUEST__BODY_AUDIT_VERIFY:
		samen__v1__audit_verify_request__init(&m->audit_verify);
		r->audit_verify = &m->audit_verify;
		break;
	case SAMEN__V1__REQUEST__BODY_TIMELINE:
		samen__v1__timeline_request__init(&m->timeline);
		r->timeline = &m->timeline;
		break;
	default:
		die("req_empty", "not a request without fields");
	}
	return r;
}

/* The plan requests: fuzz_plan's seeds, and plan requests' bodies. */
static Samen__V1__PlanRequest plans[6];

static void
make_plans(void)
{
	static uint32_t mon_thu[] = { 1, 2, 3, 4 };
	static uint32_t tue_wed[] = { 2, 3 };
	static char *parts[] = { S("leiden"), S("oegstgeest"),
	    S("zoeterwoude") };
	static char *hosts[] = { S("leiden"), S("zoeterwoude") };
	Samen__V1__PlanRequest *p;
	size_t i;

	for (i = 0; i < NELEM(plans); i++)
		samen__v1__plan_request__init(&plans[i]);
	/* the defaults */
	plans[0].count = 3;
	/* everything given */
	p = &plans[1];
	p->count = 4;
	p->kind = SAMEN__V1__MEETING__MEETING_KIND__REGIONAL_COUNCILS;
	p->title = S("Regionale raadsbijeenkomst {n}");
	p->from = S("2030-04-17");
	p->to = S("2030-07-12");
	p->weekdays = mon_thu;
	p->n_weekdays = NELEM(mon_thu);
	p->start = S("19:30");
	p->duration = 150;
	p->gap = 14;
	/* portfolio holders wait for the colleges */
	p = &plans[2];
	p->count = 2;
	p->kind = SAMEN__V1__MEETING__MEETING_KIND__PORTFOLIO_HOLDERS;
	p->start = S("10:00");
	p->duration = 120;
	p->weekdays = tue_wed;
	p->n_weekdays = NELEM(tue_wed);
	/* some municipalities, a pool of hosts */
	p = &plans[3];
	p->count = 3;
	p->kind = SAMEN__V1__MEETING__MEETING_KIND__SOUNDING_BOARD;
	p->participants = parts;
	p->n_participants = NELEM(parts);
	p->hosts = hosts;
	p->n_hosts = NELEM(hosts);
	p->gap = 7;
	/* more than fit: the binding constraint */
	p = &plans[4];
	p->count = 20;
	p->from = S("2030-05-01");
	p->to = S("2030-06-30");
	p->gap = 5;
	/* committed under a key */
	p = &plans[5];
	p->count = 2;
	p->title = S("Stuurgroep {n}");
	p->kind = SAMEN__V1__MEETING__MEETING_KIND__STEERING_GROUP;
	p->key = S("stuurgroep-2030");
	p->commit = 1;
}

/* A plan request around plans[i]. */
static Samen__V1__Request *
req_plan(size_t i)
{
	static Samen__V1__Request reqs[NELEM(plans)];
	Samen__V1__Request *r = &reqs[i];

	samen__v1__request__init(r);
	r->body_case = SAMEN__V1__REQUEST__BODY_PLAN;
	r->plan = &plans[i];
	return r;
}

/* Every request type, alone and in pipelines. */
static void
request_seeds(void)
{
	static Samen__V1__HelloRequest hello = SAMEN__V1__HELLO_REQUEST__INIT;
	static Samen__V1__SyncRequest sync = SAMEN__V1__SYNC_REQUEST__INIT;
	static Samen__V1__SyncRequest page = SAMEN__V1__SYNC_REQUEST__INIT;
	static Samen__V1__WatchRequest watch = SAMEN__V1__WATCH_REQUEST__INIT;
	static Samen__V1__DeleteRequest del = SAMEN__V1__DELETE_REQUEST__INIT;
	static Samen__V1__AuditRequest audit = SAMEN__V1__AUDIT_REQUEST__INIT;
	static Samen__V1__HolidaysRequest hol =
	    SAMEN__V1__HOLIDAYS_REQUEST__INIT;
	static Samen__V1__ExportIcalRequest exp =
	    SAMEN__V1__EXPORT_ICAL_REQUEST__INIT;
	static Samen__V1__Meeting__State states[] = {
	    SAMEN__V1__MEETING__STATE__PLANNED,
	    SAMEN__V1__MEETING__STATE__CONFIRMED };
	static Samen__V1__Meeting__MeetingKind kinds[] = {
	    SAMEN__V1__MEETING__MEETING_KIND__REGIONAL_COUNCILS };
	static Samen__V1__ImportAvailabilityRequest imp =
	    SAMEN__V1__IMPORT_AVAILABILITY_REQUEST__INIT;
	static Samen__V1__ImportAvailabilityRequest imp_small =
	    SAMEN__V1__IMPORT_AVAILABILITY_REQUEST__INIT;
	static Samen__V1__BackupRequest bk = SAMEN__V1__BACKUP_REQUEST__INIT;
	static Samen__V1__BackupRequest bk_named =
	    SAMEN__V1__BACKUP_REQUEST__INIT;
	Samen__V1__Request r_hello = SAMEN__V1__REQUEST__INIT;
	Samen__V1__Request r_sync = SAMEN__V1__REQUEST__INIT;
	Samen__V1__Request r_page = SAMEN__V1__REQUEST__INIT;
	Samen__V1__Request r_watch = SAMEN__V1__REQUEST__INIT;
	Samen__V1__Request r_del = SAMEN__V1__REQUEST__INIT;
	Samen__V1__Request r_audit = SAMEN__V1__REQUEST__INIT;
	Samen__V1__Request r_hol = SAMEN__V1__REQUEST__INIT;
	Samen__V1__Request r_exp = SAMEN__V1__REQUEST__INIT;
	Samen__V1__Request r_imp = SAMEN__V1__REQUEST__INIT;
	Samen__V1__Request r_imp_small = SAMEN__V1__REQUEST__INIT;
	Samen__V1__Request r_bk = SAMEN__V1__REQUEST__INIT;
	Samen__V1__Request r_bk_named = SAMEN__V1__REQUEST__INIT;
	Samen__V1__Request *stats, *unwatch, *prio, *verify, *timeline;
	size_t i;
	char name[64];

	hello.protocol_version = SAMEN_PROTOCOL_VERSION;
	hello.client_name = S("samen 0.1.0");
	r_hello.body_case = SAMEN__V1__REQUEST__BODY_HELLO;
	r_hello.hello = &hello;
	r_sync.body_case = SAMEN__V1__REQUEST__BODY_SYNC;
	r_sync.sync = &sync;
	page.since_rev = 3;
	page.limit = 2;
	page.pass_rev = 9;
	r_page.body_case = SAMEN__V1__REQUEST__BODY_SYNC;
	r_page.sync = &page;
	r_watch.body_case = SAMEN__V1__REQUEST__BODY_WATCH;
	r_watch.watch = &watch;
	del.kind = SAMEN__V1__KIND__AGENDA_ITEM;
	del.id = S("A1");
	r_del.body_case = SAMEN__V1__REQUEST__BODY_DELETE;
	r_del.delete_ = &del;
	audit.limit = 10;
	r_audit.body_case = SAMEN__V1__REQUEST__BODY_AUDIT;
	r_audit.audit = &audit;
	hol.year = 2030;
	r_hol.body_case = SAMEN__V1__REQUEST__BODY_HOLIDAYS;
	r_hol.holidays = &hol;
	exp.statuses = states;
	exp.n_statuses = NELEM(states);
	exp.kinds = kinds;
	exp.n_kinds = NELEM(kinds);
	exp.from = S("2030-04-01");
	exp.to = S("2030-12-31");
	exp.municipality = S("leiden");
	r_exp.body_case = SAMEN__V1__REQUEST__BODY_EXPORT_ICAL;
	r_exp.export_ical = &exp;
	imp.municipality = S("leiden");
	imp.ical = calendar != NULL ? calendar : S(small_ics);
	r_imp.body_case = SAMEN__V1__REQUEST__BODY_IMPORT_AVAILABILITY;
	r_imp.import_availability = &imp;
	imp_small.municipality = S("leiden");
	imp_small.ical = S(small_ics);
	r_imp_small.body_case = SAMEN__V1__REQUEST__BODY_IMPORT_AVAILABILITY;
	r_imp_small.import_availability = &imp_small;
	r_bk.body_case = SAMEN__V1__REQUEST__BODY_BACKUP;
	r_bk.backup = &bk;
	bk_named.name = S("voor-de-verkiezing.db");
	r_bk_named.body_case = SAMEN__V1__REQUEST__BODY_BACKUP;
	r_bk_named.backup = &bk_named;
	stats = req_empty(SAMEN__V1__REQUEST__BODY_STATS);
	unwatch = req_empty(SAMEN__V1__REQUEST__BODY_UNWATCH);
	prio = req_empty(SAMEN__V1__REQUEST__BODY_PRIORITIES);
	verify = req_empty(SAMEN__V1__REQUEST__BODY_AUDIT_VERIFY);
	timeline = req_empty(SAMEN__V1__REQUEST__BODY_TIMELINE);

	/* Every type, as the admin. */
	seed1("hello", ROLE_ADMIN, &r_hello);
	seed1("hello-first", ROLE_ADMIN | ROLE_NOT_GREETED, &r_hello);
	seed1("stats", ROLE_ADMIN, stats);
	seed1("sync", ROLE_ADMIN, &r_sync);
	seed1("sync-page", ROLE_ADMIN, &r_page);
	seed1("watch", ROLE_ADMIN, &r_watch);
	seed1("unwatch", ROLE_ADMIN, unwatch);
	seed1("put-region", ROLE_ADMIN, put_region);
	seed1("put-municipality", ROLE_ADMIN, put_muni);
	seed1("put-agenda-item", ROLE_ADMIN, put_item);
	seed1("put-decision", ROLE_ADMIN, put_decision);
	seed1("put-ranking", ROLE_ADMIN, put_ranking);
	seed1("put-meeting", ROLE_ADMIN, put_meeting);
	seed1("put-availability", ROLE_ADMIN, put_avail);
	seed1("put-dossier", ROLE_ADMIN, put_dossier);
	seed1("delete", ROLE_ADMIN, &r_del);
	seed1("priorities", ROLE_ADMIN, prio);
	seed1("audit", ROLE_ADMIN, &r_audit);
	seed1("audit-verify", ROLE_ADMIN, verify);
	seed1("timeline", ROLE_ADMIN, timeline);
	seed1("holidays", ROLE_ADMIN, &r_hol);
	seed1("export-ical", ROLE_ADMIN, &r_exp);
	seed1("import-availability", ROLE_ADMIN, &r_imp);
	seed1("import-availability-small", ROLE_ADMIN, &r_imp_small);
	for (i = 0; i < NELEM(plans); i++) {
		snprintf(name, sizeof(name), "plan-%zu", i);
		seed1(name, ROLE_ADMIN, req_plan(i));
	}
	seed1("backup", ROLE_ADMIN, &r_bk);
	seed1("backup-named", ROLE_ADMIN, &r_bk_named);

	/* A member of leiden, and an observer, where the roles differ. */
	seed1("member-hello", ROLE_MEMBER_LEIDEN | ROLE_NOT_GREETED, &r_hello);
	seed1("member-put-agenda-item", ROLE_MEMBER_LEIDEN, put_item);
	seed1("member-put-decision", ROLE_MEMBER_LEIDEN, put_decision);
	seed1("member-put-ranking", ROLE_MEMBER_LEIDEN, put_ranking);
	seed1("member-put-meeting", ROLE_MEMBER_LEIDEN, put_meeting);
	seed1("member-put-dossier", ROLE_MEMBER_LEIDEN, put_dossier);
	seed1("member-import-availability", ROLE_MEMBER_LEIDEN, &r_imp_small);
	seed1("member-plan-commit", ROLE_MEMBER_LEIDEN, req_plan(5));
	seed1("member-delete", ROLE_MEMBER_LEIDEN, &r_del);
	seed1("observer-hello", ROLE_OBSERVER | ROLE_NOT_GREETED, &r_hello);
	seed1("observer-put-agenda-item", ROLE_OBSERVER, put_item);
	seed1("observer-put-region", ROLE_OBSERVER, put_region);
	seed1("observer-plan", ROLE_OBSERVER, req_plan(1));
	seed1("observer-stats", ROLE_OBSERVER, stats);

	/* Pipelines: writes in one batch, a read held behind them. */
	{
		Samen__V1__Request *v[] = { &r_hello, put_item, put_decision,
		    put_ranking, prio };

		seed("pipeline-agenda", ROLE_ADMIN, v, NELEM(v));
	}
	{
		Samen__V1__Request *v[] = { &r_watch, put_meeting, put_dossier,
		    put_avail, unwatch, &r_sync };

		seed("pipeline-watch", ROLE_ADMIN, v, NELEM(v));
	}
	{
		Samen__V1__Request *v[] = { req_plan(5), req_plan(5), timeline,
		    &r_exp };

		seed("pipeline-plan", ROLE_ADMIN, v, NELEM(v));
	}
	{
		Samen__V1__Request *v[] = { put_region, put_muni, &r_del,
		    &r_audit, verify, &r_bk };

		seed("pipeline-admin", ROLE_ADMIN, v, NELEM(v));
	}
	{
		Samen__V1__Request *v[] = { &r_hello, put_item, put_decision,
		    &r_imp_small, &r_sync };

		seed("pipeline-member", ROLE_MEMBER_LEIDEN | ROLE_NOT_GREETED,
		    v, NELEM(v));
	}
}

/* fuzz_plan's seeds: packed PlanRequests. */
static void
plan_seeds(void)
{
	uint8_t *buf;
	size_t i, n;
	char name[32];

	for (i = 0; i < NELEM(plans); i++) {
		n = samen__v1__plan_request__get_packed_size(&plans[i]);
		buf = emalloc(n);
		samen__v1__plan_request__pack(&plans[i], buf);
		snprintf(name, sizeof(name), "plan-%zu", i);
		put_file("fuzz_plan", name, buf, n);
		free(buf);
	}
}

/* fuzz_config's seeds: valid configuration files. */
static void
config_seeds(void)
{
	static const char minimal[] =
	    "[server]\n"
	    "state_dir = /var/lib/samen\n";
	static const char full[] =
	    "; samend.conf\n"
	    "[server]\n"
	    "listen = 0.0.0.0:7450\n"
	    "state_dir = /var/lib/samen\n"
	    "log_level = debug\n"
	    "\n"
	    "[tls]\n"
	    "ca = pki/ca.pem\n"
	    "cert = /etc/samen/server.pem\n"
	    "key = pki/server-key.pem\n"
	    "crl =\n"
	    "min_version = 1.2\n"
	    "\n"
	    "[limits]\n"
	    "max_frame = 65536\n"
	    "max_connections = 64\n"
	    "handshake_timeout = 5\n"
	    "idle_timeout = 0\n"
	    "frame_timeout = 10\n"
	    "max_connections_per_cert = 4\n"
	    "request_rate = 0\n"
	    "request_burst = 10\n"
	    "watch_buffer = 4096\n"
	    "sync_page = 100\n"
	    "max_title = 16\n"
	    "max_text = 64\n"
	    "\n"
	    "[store]\n"
	    "tombstone_retention = 0\n";
	static const char v6[] =
	    "# IPv6, comments, spaces\n"
	    "[server]\n"
	    "  listen = [::1]:7450   ; inline\n"
	    "state_dir=/srv/samen\n"
	    "[tls]\n"
	    "min_version = 1.3\n"
	    "[limits]\n"
	    "max_frame = 67108864\n";

	put_file("fuzz_config", "minimal.conf", minimal, strlen(minimal));
	put_file("fuzz_config", "full.conf", full, strlen(full));
	put_file("fuzz_config", "ipv6.conf", v6, strlen(v6));
}

/* The files given: .ics to fuzz_ical, .conf to fuzz_config. */
static void
file_seeds(int argc, char **argv)
{
	const char *base, *ext;
	char *buf;
	size_t n;
	int i;

	for (i = 0; i < argc; i++) {
		base = strrchr(argv[i], '/');
		base = base ? base + 1 : argv[i];
		ext = strrchr(base, '.');
		if (ext == NULL || (strcmp(ext, ".ics") != 0 &&
		    strcmp(ext, ".conf") != 0))
			die(argv[i], "neither .ics nor .conf");
		buf = slurp(argv[i], &n);
		put_file(strcmp(ext, ".ics") == 0 ? "fuzz_ical" : "fuzz_config",
		    base, buf, n);
		if (calendar == NULL && strcmp(ext, ".ics") == 0)
			calendar = buf;
		else
			free(buf);
	}
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: mkseeds OUTDIR [FILE.ics | FILE.conf "
		    "...]\n");
		return 64;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) == -1 && errno != EEXIST)
		die(outdir, strerror(errno));
	file_seeds(argc - 2, argv + 2);
	put_file("fuzz_ical", "small.ics", small_ics, strlen(small_ics));
	make_puts();
	make_plans();
	request_seeds();
	plan_seeds();
	config_seeds();
	return 0;
}
