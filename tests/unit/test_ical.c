/*
 * daemon/ical.c: meetings exported and parsed back with libical (UID,
 * STATUS, SEQUENCE, TZID, instants on the DST days), and council
 * calendars imported as busy entries (recurrence with EXDATE and
 * overrides, endless rules, all-day spans, foreign zones, cancelled
 * events, broken files).  Fixtures are read from tests/fixtures/, so the
 * test runs from the repository root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "date.h"
#include "ical.h"

#define TZ	"Europe/Amsterdam"
#define NOW	1893499200	/* 2030-01-01 12:00:00 UTC */

/* A busy entry as the test expects it. */
struct want {
	const char	*date;
	const char	*start;
	const char	*end;
	const char	*reason;
};

/* A string literal as the char * protobuf-c wants. */
static char *
S(const char *s)
{
	return (char *)(uintptr_t)s;
}

/* UTC seconds of a UTC wall clock. */
static int64_t
utc(int y, int mo, int d, int h, int mi)
{
	struct date dt;

	dt.year = y;
	dt.month = mo;
	dt.day = d;
	return date_to_days(&dt) * 86400 + h * 3600 + mi * 60;
}

/* The whole of a file under the repository root (free()). */
static char *
slurp(const char *path)
{
	FILE *f;
	char *buf;
	long len;

	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* A meeting entity over caller-owned strings. */
static void
meeting(Samen__V1__Entity *e, Samen__V1__Meeting *m, const char *id,
    const char *title, Samen__V1__Meeting__MeetingKind kind, int64_t start,
    int64_t end, Samen__V1__Meeting__State status, uint32_t seq)
{
	samen__v1__entity__init(e);
	samen__v1__meeting__init(m);
	e->id = S(id);
	e->rev = 7;
	e->body_case = SAMEN__V1__ENTITY__BODY_MEETING;
	e->meeting = m;
	m->title = S(title);
	m->kind = kind;
	m->start = start;
	m->end = end;
	m->status = status;
	m->sequence = seq;
	m->host = S("leiden");
}

/* The VEVENT of cal with UID uid, or NULL. */
static icalcomponent *
find_event(icalcomponent *cal, const char *uid)
{
	icalcomponent *ev;

	for (ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
	    ev != NULL;
	    ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
		if (strcmp(icalcomponent_get_uid(ev), uid) == 0)
			return ev;
	}
	return NULL;
}

/* The number of subcomponents of kind k in c. */
static int
count_components(icalcomponent *c, icalcomponent_kind k)
{
	icalcomponent *sub;
	int n = 0;

	for (sub = icalcomponent_get_first_component(c, k); sub != NULL;
	    sub = icalcomponent_get_next_component(c, k))
		n++;
	return n;
}

/*
 * Checks the DTSTART or DTEND of ev: its value as written, its TZID
 * parameter (NULL: none, UTC), and the instant it names when read with
 * the calendar's own VTIMEZONE.
 */
static void
check_time(icalcomponent *cal, icalcomponent *ev, icalproperty_kind kind,
    const char *written, const char *tzid, int64_t instant)
{
	icalproperty *p;
	icalparameter *tp;
	icaltimezone *zone;
	struct icaltimetype t;

	p = icalcomponent_get_first_property(ev, kind);
	assert_non_null(p);
	t = icalvalue_get_datetime(icalproperty_get_value(p));
	assert_string_equal(icaltime_as_ical_string(t), written);
	tp = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	if (tzid == NULL) {
		assert_null(tp);
		assert_true(icaltime_is_utc(t));
	} else {
		assert_non_null(tp);
		assert_string_equal(icalparameter_get_tzid(tp), tzid);
		zone = icalcomponent_get_timezone(cal, tzid);
		assert_non_null(zone);
		t.zone = zone;
	}
	t = icaltime_convert_to_zone(t, icaltimezone_get_utc_timezone());
	assert_int_equal((int64_t)icaltime_as_timet(t), instant);
}

/* The value of the X- property name of c, or NULL. */
static const char *
x_value(icalcomponent *c, const char *name)
{
	icalproperty *p;

	for (p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY);
	    p != NULL;
	    p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY)) {
		if (strcmp(icalproperty_get_x_name(p), name) == 0)
			return icalproperty_get_x(p);
	}
	return NULL;
}

/* Asserts the busy entries, one by one. */
static void
check_busy(Samen__V1__BusyEntry **b, size_t n, const struct want *w,
    size_t nw)
{
	size_t i;

	for (i = 0; i < n && i < nw; i++) {
		assert_string_equal(b[i]->date, w[i].date);
		assert_string_equal(b[i]->start_time, w[i].start);
		assert_string_equal(b[i]->end_time, w[i].end);
		assert_string_equal(b[i]->reason, w[i].reason);
	}
	assert_int_equal(n, nw);
}

/* An import that must fail: -1, a cause containing want, nothing out. */
static void
check_refused(const char *text, const char *from, const char *to,
    const char *want)
{
	Samen__V1__BusyEntry **b = (Samen__V1__BusyEntry **)&b;
	size_t n = 99, skipped = 99;
	char *cause = NULL;

	assert_int_equal(ical_import(text, TZ, from, to, &b, &n, &skipped,
	    &cause), -1);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\"", cause, want);
	assert_null(b);
	assert_int_equal(n, 0);
	assert_int_equal(skipped, 0);
	free(cause);
}

/* The meetings of the export tests. */
struct fixture {
	Samen__V1__Entity	 e[6];
	Samen__V1__Meeting	 m[6];
	Samen__V1__Entity	*v[6];
	char			*items[2];
	char			*parts[2];
};

/* Four meetings, one per status, two on the 2030 DST change days. */
static void
fixture_init(struct fixture *f)
{
	size_t i;

	/* 2030-03-31: clocks go forward; 19:30 CEST is 17:30 UTC. */
	meeting(&f->e[0], &f->m[0], "M1", "Regionale raadsavond",
	    SAMEN__V1__MEETING__MEETING_KIND__REGIONAL_COUNCILS,
	    utc(2030, 3, 31, 17, 30), utc(2030, 3, 31, 20, 0),
	    SAMEN__V1__MEETING__STATE__CONFIRMED, 3);
	f->m[0].location = S("Stadhuis, Raadzaal; Leiden");
	f->items[0] = S("A1");
	f->items[1] = S("A3");
	f->m[0].item_ids = f->items;
	f->m[0].n_item_ids = 2;
	f->m[0].notes = S("Warme overdracht: eerste kennismaking.");
	/* 2030-10-27: clocks go back; 19:30 CET is 18:30 UTC. */
	meeting(&f->e[1], &f->m[1], "M2", "Portefeuillehouders sociaal",
	    SAMEN__V1__MEETING__MEETING_KIND__PORTFOLIO_HOLDERS,
	    utc(2030, 10, 27, 18, 30), utc(2030, 10, 27, 20, 0),
	    SAMEN__V1__MEETING__STATE__PLANNED, 0);
	f->parts[0] = S("leiden");
	f->parts[1] = S("oegstgeest");
	f->m[1].participants = f->parts;
	f->m[1].n_participants = 2;
	meeting(&f->e[2], &f->m[2], "M3", "Klankbordgroep",
	    SAMEN__V1__MEETING__MEETING_KIND__SOUNDING_BOARD,
	    utc(2030, 5, 15, 17, 0), utc(2030, 5, 15, 19, 0),
	    SAMEN__V1__MEETING__STATE__CANCELLED, 2);
	meeting(&f->e[3], &f->m[3], "M4", "Stuurgroep",
	    SAMEN__V1__MEETING__MEETING_KIND__STEERING_GROUP,
	    utc(2030, 6, 3, 7, 0), utc(2030, 6, 3, 9, 0),
	    SAMEN__V1__MEETING__STATE__HELD, 5);
	/* 02:30 on 2030-10-27 happens twice: 00:30 UTC (CEST), 01:30 (CET). */
	meeting(&f->e[4], &f->m[4], "M5", "Nachtelijk overleg, eerste keer",
	    SAMEN__V1__MEETING__MEETING_KIND__INFORMAL,
	    utc(2030, 10, 27, 0, 30), utc(2030, 10, 27, 2, 0),
	    SAMEN__V1__MEETING__STATE__CONFIRMED, 1);
	meeting(&f->e[5], &f->m[5], "M6", "Nachtelijk overleg, tweede keer",
	    SAMEN__V1__MEETING__MEETING_KIND__OTHER,
	    utc(2030, 10, 27, 1, 30), utc(2030, 10, 27, 3, 0),
	    SAMEN__V1__MEETING__STATE__CONFIRMED, 1);
	for (i = 0; i < 6; i++)
		f->v[i] = &f->e[i];
}

/* Export, parse back: every field, the status mapping and the instants. */
static void
test_export_roundtrip(void **state)
{
	struct fixture f;
	icalcomponent *cal, *ev, *vtz;
	char *text, *cause = NULL;
	const char *desc;

	(void)state;
	fixture_init(&f);
	text = ical_export(f.v, 4, TZ, "Regio Leiden, warme overdracht", NOW,
	    &cause);
	assert_non_null(text);
	assert_null(cause);
	assert_null(strstr(text, "freeassociation"));
	assert_non_null(strstr(text, "DTSTART;TZID=Europe/Amsterdam:"
	    "20300331T193000\r\n"));

	cal = icalparser_parse_string(text);
	assert_non_null(cal);
	assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
	assert_null(icalcomponent_get_first_property(cal,
	    ICAL_XLICERROR_PROPERTY));
	assert_string_equal(icalproperty_get_prodid(
	    icalcomponent_get_first_property(cal, ICAL_PRODID_PROPERTY)),
	    "-//samen//samen 0.1//NL");
	assert_string_equal(icalproperty_get_version(
	    icalcomponent_get_first_property(cal, ICAL_VERSION_PROPERTY)),
	    "2.0");
	assert_string_equal(x_value(cal, "X-WR-CALNAME"),
	    "Regio Leiden, warme overdracht");
	assert_int_equal(count_components(cal, ICAL_VTIMEZONE_COMPONENT), 1);
	vtz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
	assert_string_equal(icalproperty_get_tzid(
	    icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY)), TZ);
	assert_int_equal(count_components(cal, ICAL_VEVENT_COMPONENT), 4);

	ev = find_event(cal, "M1@samen");
	assert_non_null(ev);
	assert_string_equal(icalcomponent_get_summary(ev),
	    "Regionale raadsavond");
	assert_string_equal(icalcomponent_get_location(ev),
	    "Stadhuis, Raadzaal; Leiden");
	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CONFIRMED);
	assert_int_equal(icalcomponent_get_sequence(ev), 3);
	assert_string_equal(icalproperty_get_categories(
	    icalcomponent_get_first_property(ev, ICAL_CATEGORIES_PROPERTY)),
	    "REGIONAL_COUNCILS");
	check_time(cal, ev, ICAL_DTSTART_PROPERTY, "20300331T193000", TZ,
	    utc(2030, 3, 31, 17, 30));
	check_time(cal, ev, ICAL_DTEND_PROPERTY, "20300331T220000", TZ,
	    utc(2030, 3, 31, 20, 0));
	check_time(cal, ev, ICAL_DTSTAMP_PROPERTY, "20300101T120000Z", NULL,
	    NOW);
	desc = icalcomponent_get_description(ev);
	assert_non_null(desc);
	assert_non_null(strstr(desc, "Agenda items: A1, A3\n"));
	assert_non_null(strstr(desc, "Host: leiden\n"));
	assert_non_null(strstr(desc, "Participants: all municipalities\n"));
	assert_non_null(strstr(desc,
	    "\nWarme overdracht: eerste kennismaking.\n"));

	ev = find_event(cal, "M2@samen");
	assert_non_null(ev);
	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_TENTATIVE);
	assert_int_equal(icalcomponent_get_sequence(ev), 0);
	assert_null(icalcomponent_get_first_property(ev,
	    ICAL_LOCATION_PROPERTY));
	assert_string_equal(icalproperty_get_categories(
	    icalcomponent_get_first_property(ev, ICAL_CATEGORIES_PROPERTY)),
	    "PORTFOLIO_HOLDERS");
	check_time(cal, ev, ICAL_DTSTART_PROPERTY, "20301027T193000", TZ,
	    utc(2030, 10, 27, 18, 30));
	check_time(cal, ev, ICAL_DTEND_PROPERTY, "20301027T210000", TZ,
	    utc(2030, 10, 27, 20, 0));
	assert_non_null(strstr(icalcomponent_get_description(ev),
	    "Participants: leiden, oegstgeest\n"));

	ev = find_event(cal, "M3@samen");
	assert_non_null(ev);
	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CANCELLED);
	assert_int_equal(icalcomponent_get_sequence(ev), 2);
	check_time(cal, ev, ICAL_DTSTART_PROPERTY, "20300515T190000", TZ,
	    utc(2030, 5, 15, 17, 0));

	ev = find_event(cal, "M4@samen");
	assert_non_null(ev);
	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CONFIRMED);
	assert_int_equal(icalcomponent_get_sequence(ev), 5);
	assert_string_equal(icalproperty_get_categories(
	    icalcomponent_get_first_property(ev, ICAL_CATEGORIES_PROPERTY)),
	    "STEERING_GROUP");
	check_time(cal, ev, ICAL_DTSTART_PROPERTY, "20300603T090000", TZ,
	    utc(2030, 6, 3, 7, 0));

	icalcomponent_free(cal);
	free(text);
}

/*
 * The night of 2030-10-27: 02:30 local names two instants, so those are
 * written in UTC; 03:00 CET and 03:30 CEST on 2030-03-31 stay local.
 */
static void
test_export_dst_night(void **state)
{
	struct fixture f;
	Samen__V1__Entity e;
	Samen__V1__Meeting m;
	Samen__V1__Entity *v[3];
	icalcomponent *cal, *ev;
	char *text, *cause = NULL;

	(void)state;
	fixture_init(&f);
	meeting(&e, &m, "M7", "Vroeg op zomertijddag",
	    SAMEN__V1__MEETING__MEETING_KIND__INFORMAL,
	    utc(2030, 3, 31, 1, 30), utc(2030, 3, 31, 3, 0),
	    SAMEN__V1__MEETING__STATE__PLANNED, 0);
	v[0] = &f.e[4];
	v[1] = &f.e[5];
	v[2] = &e;
	text = ical_export(v, 3, TZ, "nacht", NOW, &cause);
	assert_non_null(text);
	cal = icalparser_parse_string(text);
	assert_non_null(cal);

	ev = find_event(cal, "M5@samen");
	assert_non_null(ev);
	check_time(cal, ev, ICAL_DTSTART_PROPERTY, "20301027T003000Z", NULL,
	    utc(2030, 10, 27, 0, 30));
	check_time(cal, ev, ICAL_DTEND_PROPERTY, "20301027T030000", TZ,
	    utc(2030, 10, 27, 2, 0));
	ev = find_event(cal, "M6@samen");
	assert_non_null(ev);
	check_time(cal, ev, ICAL_DTSTART_PROPERTY, "20301027T013000Z", NULL,
	    utc(2030, 10, 27, 1, 30));
	check_time(cal, ev, ICAL_DTEND_PROPERTY, "20301027T040000", TZ,
	    utc(2030, 10, 27, 3, 0));
	ev = find_event(cal, "M7@samen");
	assert_non_null(ev);
	check_time(cal, ev, ICAL_DTSTART_PROPERTY, "20300331T033000", TZ,
	    utc(2030, 3, 31, 1, 30));
	check_time(cal, ev, ICAL_DTEND_PROPERTY, "20300331T050000", TZ,
	    utc(2030, 3, 31, 3, 0));

	icalcomponent_free(cal);
	free(text);
}

/* The UID comes from the id alone; SEQUENCE follows the meeting. */
static void
test_export_uid_stable(void **state)
{
	Samen__V1__Entity e;
	Samen__V1__Meeting m;
	Samen__V1__Entity *v[1] = { &e };
	icalcomponent *cal, *ev;
	char *a, *b, *cause = NULL;

	(void)state;
	meeting(&e, &m, "M12", "Regioraad",
	    SAMEN__V1__MEETING__MEETING_KIND__REGIONAL_COUNCILS,
	    utc(2030, 5, 20, 17, 30), utc(2030, 5, 20, 20, 0),
	    SAMEN__V1__MEETING__STATE__PLANNED, 3);
	a = ical_export(v, 1, TZ, "r", NOW, &cause);
	assert_non_null(a);
	m.title = S("Regioraad (verplaatst)");
	m.start += 86400;
	m.end += 86400;
	m.sequence = 4;
	e.rev = 99;
	b = ical_export(v, 1, TZ, "r", NOW + 60, &cause);
	assert_non_null(b);

	cal = icalparser_parse_string(a);
	ev = find_event(cal, "M12@samen");
	assert_non_null(ev);
	assert_string_equal(icalcomponent_get_summary(ev), "Regioraad");
	assert_int_equal(icalcomponent_get_sequence(ev), 3);
	icalcomponent_free(cal);

	cal = icalparser_parse_string(b);
	ev = find_event(cal, "M12@samen");
	assert_non_null(ev);
	assert_string_equal(icalcomponent_get_summary(ev),
	    "Regioraad (verplaatst)");
	assert_int_equal(icalcomponent_get_sequence(ev), 4);
	check_time(cal, ev, ICAL_DTSTART_PROPERTY, "20300521T193000", TZ,
	    utc(2030, 5, 21, 17, 30));
	icalcomponent_free(cal);
	free(a);
	free(b);
}

/* No meetings: still a calendar, with its VTIMEZONE; UTC: no VTIMEZONE. */
static void
test_export_empty_and_utc(void **state)
{
	Samen__V1__Entity e;
	Samen__V1__Meeting m;
	Samen__V1__Entity *v[1] = { &e };
	icalcomponent *cal, *ev;
	char *text, *cause = NULL;

	(void)state;
	text = ical_export(NULL, 0, TZ, "leeg", NOW, &cause);
	assert_non_null(text);
	cal = icalparser_parse_string(text);
	assert_non_null(cal);
	assert_int_equal(count_components(cal, ICAL_VEVENT_COMPONENT), 0);
	assert_int_equal(count_components(cal, ICAL_VTIMEZONE_COMPONENT), 1);
	icalcomponent_free(cal);
	free(text);

	meeting(&e, &m, "M1", "In UTC",
	    SAMEN__V1__MEETING__MEETING_KIND__OTHER,
	    utc(2030, 5, 20, 17, 30), utc(2030, 5, 20, 20, 0),
	    SAMEN__V1__MEETING__STATE__CONFIRMED, 0);
	text = ical_export(v, 1, "UTC", "utc", NOW, &cause);
	assert_non_null(text);
	cal = icalparser_parse_string(text);
	assert_int_equal(count_components(cal, ICAL_VTIMEZONE_COMPONENT), 0);
	ev = find_event(cal, "M1@samen");
	assert_non_null(ev);
	check_time(cal, ev, ICAL_DTSTART_PROPERTY, "20300520T173000Z", NULL,
	    utc(2030, 5, 20, 17, 30));
	icalcomponent_free(cal);
	free(text);
}

/* Refusals: an unknown or path-like zone, an entity that is no meeting. */
static void
test_export_errors(void **state)
{
	Samen__V1__Entity e, item;
	Samen__V1__Meeting m;
	Samen__V1__AgendaItem ai;
	Samen__V1__Entity *v[2] = { &e, &item };
	char *cause = NULL;

	(void)state;
	meeting(&e, &m, "M1", "x", SAMEN__V1__MEETING__MEETING_KIND__OTHER,
	    utc(2030, 5, 20, 17, 30), utc(2030, 5, 20, 20, 0),
	    SAMEN__V1__MEETING__STATE__CONFIRMED, 0);
	assert_null(ical_export(v, 1, "Mars/Olympus_Mons", "x", NOW, &cause));
	assert_non_null(strstr(cause,
	    "unknown time zone \"Mars/Olympus_Mons\""));
	free(cause);
	cause = NULL;
	assert_null(ical_export(v, 1, "../../../etc/passwd", "x", NOW, &cause));
	assert_non_null(strstr(cause, "unknown time zone"));
	free(cause);
	cause = NULL;

	samen__v1__entity__init(&item);
	samen__v1__agenda_item__init(&ai);
	item.id = S("A1");
	item.body_case = SAMEN__V1__ENTITY__BODY_AGENDA_ITEM;
	item.agenda_item = &ai;
	assert_null(ical_export(v, 2, TZ, "x", NOW, &cause));
	assert_non_null(strstr(cause, "entity 1 (A1) is not a meeting"));
	free(cause);
	cause = NULL;

	e.id = S("");
	assert_null(ical_export(v, 1, TZ, "x", NOW, &cause));
	assert_non_null(strstr(cause, "no id"));
	free(cause);
}

/* What is exported comes back as the same local busy times. */
static void
test_export_import(void **state)
{
	static const struct want w[] = {
		{ "2030-03-31", "19:30", "22:00", "Regionale raadsavond" },
		{ "2030-06-03", "09:00", "11:00", "Stuurgroep" },
		{ "2030-10-27", "02:30", "03:00",
		    "Nachtelijk overleg, eerste keer" },
		{ "2030-10-27", "02:30", "04:00",
		    "Nachtelijk overleg, tweede keer" },
		{ "2030-10-27", "19:30", "21:00",
		    "Portefeuillehouders sociaal" },
	};
	struct fixture f;
	Samen__V1__BusyEntry **b;
	size_t n, skipped;
	char *text, *cause = NULL;

	(void)state;
	fixture_init(&f);
	text = ical_export(f.v, 6, TZ, "rondje", NOW, &cause);
	assert_non_null(text);
	assert_int_equal(ical_import(text, TZ, "2030-01-01", "2030-12-31", &b,
	    &n, &skipped, &cause), 0);
	assert_null(cause);
	check_busy(b, n, w, sizeof w / sizeof w[0]);
	assert_int_equal(skipped, 1);		/* M3, cancelled */
	ical_busy_free(b, n);
	free(text);
}

/*
 * Leiderdorp's council, as Outlook exports it: eight Monday evenings
 * less two EXDATEs, one moved to a Tuesday, one cancelled, a committee
 * evening, a cancelled one, a three-day recess and last year's budget.
 */
static void
test_import_leiderdorp(void **state)
{
	static const struct want spring[] = {
		{ "2030-04-01", "20:00", "23:00", "Raadsvergadering" },
		{ "2030-04-08", "20:00", "23:00", "Raadsvergadering" },
		{ "2030-04-10", "19:30", "22:00",
		    "Commissie Bestuur, Middelen en Economie" },
		{ "2030-04-15", "20:00", "23:00", "Raadsvergadering" },
		{ "2030-04-29", "", "", "Meireces" },
		{ "2030-04-29", "20:00", "23:00", "Raadsvergadering" },
		{ "2030-04-30", "", "", "Meireces" },
		{ "2030-05-01", "", "", "Meireces" },
		{ "2030-05-14", "19:30", "22:30",
		    "Raadsvergadering (verplaatst naar dinsdag)" },
	};
	static const struct want april[] = {
		{ "2030-04-10", "19:30", "22:00",
		    "Commissie Bestuur, Middelen en Economie" },
		{ "2030-04-15", "20:00", "23:00", "Raadsvergadering" },
		{ "2030-04-29", "", "", "Meireces" },
		{ "2030-04-29", "20:00", "23:00", "Raadsvergadering" },
		{ "2030-04-30", "", "", "Meireces" },
	};
	Samen__V1__BusyEntry **b;
	size_t n, skipped;
	char *text, *cause = NULL;

	(void)state;
	text = slurp("tests/fixtures/leiderdorp-raad.ics");
	assert_int_equal(ical_import(text, TZ, "2030-04-01", "2030-06-30", &b,
	    &n, &skipped, &cause), 0);
	assert_null(cause);
	check_busy(b, n, spring, sizeof spring / sizeof spring[0]);
	/* The cancelled instance, Commissie Ruimte, last year's budget. */
	assert_int_equal(skipped, 3);
	ical_busy_free(b, n);

	assert_int_equal(ical_import(text, TZ, "2030-04-09", "2030-04-30", &b,
	    &n, &skipped, &cause), 0);
	check_busy(b, n, april, sizeof april / sizeof april[0]);
	/* ... and the moved evening, now out of range. */
	assert_int_equal(skipped, 4);
	ical_busy_free(b, n);
	free(text);
}

/* UTC, America/New_York, floating, past midnight, multi-day, DST days. */
static void
test_import_timezones(void **state)
{
	static const struct want ams[] = {
		{ "2030-03-15", "01:00", "02:00", "Webinar New York" },
		{ "2030-03-20", "", "", "Studiedag" },
		{ "2030-03-25", "", "", "Werkbezoek" },
		{ "2030-03-26", "", "", "Werkbezoek" },
		{ "2030-03-31", "01:30", "03:30", "Zomertijd nacht" },
		{ "2030-03-31", "19:30", "22:00", "Raad op zomertijddag" },
		{ "2030-04-01", "21:00", "22:30", "Videogesprek New York" },
		{ "2030-04-02", "01:00", "02:30", "Overleg in UTC" },
		{ "2030-04-03", "09:00", "10:30", "Zwevend overleg" },
		{ "2030-04-04", "22:00", "23:59", "Lange raadsavond" },
		{ "2030-04-07", "09:00", "23:59", "Driedaags congres" },
		{ "2030-04-08", "", "", "Driedaags congres" },
		{ "2030-04-09", "00:00", "17:00", "Driedaags congres" },
	};
	static const struct want ny[] = {
		{ "2030-04-01", "15:00", "16:30", "Videogesprek New York" },
		{ "2030-04-01", "19:00", "20:30", "Overleg in UTC" },
	};
	Samen__V1__BusyEntry **b;
	size_t n, skipped;
	char *text, *cause = NULL;

	(void)state;
	text = slurp("tests/fixtures/timezones.ics");
	assert_int_equal(ical_import(text, TZ, "2030-03-01", "2030-04-30", &b,
	    &n, &skipped, &cause), 0);
	assert_null(cause);
	check_busy(b, n, ams, sizeof ams / sizeof ams[0]);
	assert_int_equal(skipped, 0);
	ical_busy_free(b, n);

	/* The same file for a region in New York (floating: 09:00 there). */
	assert_int_equal(ical_import(text, "America/New_York", "2030-04-01",
	    "2030-04-01", &b, &n, &skipped, &cause), 0);
	check_busy(b, n, ny, sizeof ny / sizeof ny[0]);
	assert_int_equal(skipped, 8);
	ical_busy_free(b, n);
	free(text);
}

#define CAL(body)							\
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//NL\r\n"	\
	body "END:VCALENDAR\r\n"

/* Rules without COUNT or UNTIL stop at the end of the range. */
static void
test_import_endless(void **state)
{
	static const char weekly[] = CAL(
	    "BEGIN:VEVENT\r\nUID:w@x\r\n"
	    "DTSTART;TZID=Europe/Amsterdam:20000103T200000\r\n"
	    "DTEND;TZID=Europe/Amsterdam:20000103T220000\r\n"
	    "RRULE:FREQ=WEEKLY;BYDAY=MO\r\nSUMMARY:Fractieoverleg\r\n"
	    "END:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:d@x\r\nDTSTART;VALUE=DATE:19900101\r\n"
	    "RRULE:FREQ=DAILY\r\nSUMMARY:Elke dag\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:later@x\r\nDTSTART:20310105T190000Z\r\n"
	    "RRULE:FREQ=WEEKLY\r\nSUMMARY:Later\r\nEND:VEVENT\r\n");
	static const char minutely[] = CAL(
	    "BEGIN:VEVENT\r\nUID:m@x\r\nDTSTART:20000101T000000Z\r\n"
	    "RRULE:FREQ=MINUTELY\r\nSUMMARY:Elke minuut\r\nEND:VEVENT\r\n");
	static const struct want w[] = {
		{ "2030-04-01", "", "", "Elke dag" },
		{ "2030-04-01", "20:00", "22:00", "Fractieoverleg" },
		{ "2030-04-02", "", "", "Elke dag" },
	};
	Samen__V1__BusyEntry **b;
	size_t n, skipped;
	char *cause = NULL;

	(void)state;
	assert_int_equal(ical_import(weekly, TZ, "2030-04-01", "2030-04-02",
	    &b, &n, &skipped, &cause), 0);
	check_busy(b, n, w, sizeof w / sizeof w[0]);
	assert_int_equal(skipped, 1);	/* "Later" starts in 2031 */
	ical_busy_free(b, n);

	/* Three weeks: 21 days and 3 Monday evenings. */
	assert_int_equal(ical_import(weekly, TZ, "2030-04-01", "2030-04-21",
	    &b, &n, &skipped, &cause), 0);
	assert_int_equal(n, 24);
	assert_string_equal(b[23]->date, "2030-04-21");
	assert_string_equal(b[23]->reason, "Elke dag");
	assert_string_equal(b[1]->reason, "Fractieoverleg");
	assert_string_equal(b[9]->date, "2030-04-08");
	assert_string_equal(b[9]->start_time, "20:00");
	ical_busy_free(b, n);

	/* Endless and sub-daily: the step cap ends it, with a cause. */
	check_refused(minutely, "2030-04-01", "2030-04-01", "more than 10000");
}

/* All-day spans: DTEND exclusive, DURATION in days, clipped to range. */
static void
test_import_all_day(void **state)
{
	static const char text[] = CAL(
	    "BEGIN:VEVENT\r\nUID:z@x\r\nDTSTART;VALUE=DATE:20300715\r\n"
	    "DTEND;VALUE=DATE:20300901\r\nSUMMARY:Zomerreces\r\n"
	    "END:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:k@x\r\nDTSTART;VALUE=DATE:20300827\r\n"
	    "DURATION:P1W\r\nSUMMARY:Kennismakingsweek\r\nEND:VEVENT\r\n");
	static const struct want w[] = {
		{ "2030-08-30", "", "", "Kennismakingsweek" },
		{ "2030-08-30", "", "", "Zomerreces" },
		{ "2030-08-31", "", "", "Kennismakingsweek" },
		{ "2030-08-31", "", "", "Zomerreces" },
		{ "2030-09-01", "", "", "Kennismakingsweek" },
		{ "2030-09-02", "", "", "Kennismakingsweek" },
	};
	static const char huge[] = CAL(
	    "BEGIN:VEVENT\r\nUID:h@x\r\nDTSTART;VALUE=DATE:20300101\r\n"
	    "DTEND;VALUE=DATE:20600101\r\nSUMMARY:Altijd\r\nEND:VEVENT\r\n");
	Samen__V1__BusyEntry **b;
	size_t n, skipped;
	char *cause = NULL;

	(void)state;
	assert_int_equal(ical_import(text, TZ, "2030-08-30", "2030-09-02", &b,
	    &n, &skipped, &cause), 0);
	check_busy(b, n, w, sizeof w / sizeof w[0]);
	assert_int_equal(skipped, 0);
	ical_busy_free(b, n);

	/* Thirty years of busy days: more entries than an import returns. */
	check_refused(huge, "2030-01-01", "2059-12-31",
	    "more than 5000 busy entries");
}

/* "x" and 60 times e-acute in UTF-8: 121 bytes, to be cut to 99. */
#define E_ACUTE4	"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
#define E_ACUTE20	E_ACUTE4 E_ACUTE4 E_ACUTE4 E_ACUTE4 E_ACUTE4
#define LONG_SUMMARY	"x" E_ACUTE20 E_ACUTE20 E_ACUTE20

/*
 * Every entry ends after it starts (what the Availability validation
 * demands): no DTEND, a start at 23:59.  Reasons are one line of UTF-8,
 * Latin-1 bytes converted, cut between characters.
 */
static void
test_import_moments_and_labels(void **state)
{
	static const char text[] = CAL(
	    "BEGIN:VEVENT\r\nUID:1@x\r\n"
	    "DTSTART;TZID=Europe/Amsterdam:20300603T200000\r\n"
	    "SUMMARY:Zonder eind\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:2@x\r\n"
	    "DTSTART;TZID=Europe/Amsterdam:20300604T235900\r\n"
	    "DTEND;TZID=Europe/Amsterdam:20300605T003000\r\n"
	    "SUMMARY:Laat\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:3@x\r\n"
	    "DTSTART;TZID=Europe/Amsterdam:20300606T100000\r\n"
	    "DTEND;TZID=Europe/Amsterdam:20300606T100000\r\n"
	    "SUMMARY:Caf\xe9 overleg\\nmet\ttab\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:4@x\r\nDTSTART;VALUE=DATE:20300607\r\n"
	    "SUMMARY:" LONG_SUMMARY "\r\nEND:VEVENT\r\n");
	static const struct want w[] = {
		{ "2030-06-03", "20:00", "23:59", "Zonder eind" },
		{ "2030-06-04", "", "", "Laat" },
		{ "2030-06-06", "10:00", "23:59",
		    "Caf\xc3\xa9 overleg met tab" },
	};
	Samen__V1__BusyEntry **b;
	size_t n, skipped, i;
	char *cause = NULL;

	(void)state;
	assert_int_equal(ical_import(text, TZ, "2030-06-01", "2030-06-30", &b,
	    &n, &skipped, &cause), 0);
	assert_null(cause);
	assert_int_equal(n, 4);
	check_busy(b, 3, w, sizeof w / sizeof w[0]);
	assert_string_equal(b[3]->date, "2030-06-07");
	assert_int_equal(strlen(b[3]->reason), 99);
	assert_int_equal(b[3]->reason[0], 'x');
	for (i = 1; i < 99; i += 2) {
		assert_int_equal((unsigned char)b[3]->reason[i], 0xc3);
		assert_int_equal((unsigned char)b[3]->reason[i + 1], 0xa9);
	}
	assert_int_equal(skipped, 0);
	ical_busy_free(b, n);
}

/*
 * Cancelled events are skipped and counted; duplicates dropped; sorted;
 * several VCALENDARs in one file all read.
 */
static void
test_import_cancelled_dedup(void **state)
{
	static const char text[] = CAL(
	    "BEGIN:VEVENT\r\nUID:2@x\r\n"
	    "DTSTART;TZID=Europe/Amsterdam:20300603T200000\r\n"
	    "DTEND;TZID=Europe/Amsterdam:20300603T230000\r\n"
	    "SUMMARY:Raad\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:3@x\r\n"
	    "DTSTART;TZID=Europe/Amsterdam:20300602T193000\r\n"
	    "DTEND;TZID=Europe/Amsterdam:20300602T220000\r\n"
	    "STATUS:CANCELLED\r\nSUMMARY:Commissie\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:1@x\r\n"
	    "DTSTART;TZID=Europe/Amsterdam:20300601T100000\r\n"
	    "DTEND;TZID=Europe/Amsterdam:20300601T120000\r\n"
	    "STATUS:CONFIRMED\r\nEND:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:2-copy@x\r\n"
	    "DTSTART:20300603T180000Z\r\nDTEND:20300603T210000Z\r\n"
	    "SUMMARY:Raad\r\nEND:VEVENT\r\n");
	static const struct want w[] = {
		{ "2030-06-01", "10:00", "12:00", "" },
		{ "2030-06-03", "20:00", "23:00", "Raad" },
	};
	static const char two[] = CAL(
	    "BEGIN:VEVENT\r\nUID:a@x\r\nDTSTART;VALUE=DATE:20300602\r\n"
	    "SUMMARY:Eerste agenda\r\nEND:VEVENT\r\n")
	    CAL("BEGIN:VEVENT\r\nUID:b@x\r\nDTSTART;VALUE=DATE:20300601\r\n"
	    "SUMMARY:Tweede agenda\r\nEND:VEVENT\r\n");
	static const struct want w2[] = {
		{ "2030-06-01", "", "", "Tweede agenda" },
		{ "2030-06-02", "", "", "Eerste agenda" },
	};
	Samen__V1__BusyEntry **b;
	size_t n, skipped;
	char *cause = NULL;

	(void)state;
	assert_int_equal(ical_import(text, TZ, "2030-06-01", "2030-06-30", &b,
	    &n, &skipped, &cause), 0);
	check_busy(b, n, w, sizeof w / sizeof w[0]);
	assert_int_equal(skipped, 1);
	ical_busy_free(b, n);

	/* Two VCALENDARs one after the other: both read. */
	assert_int_equal(ical_import(two, TZ, "2030-06-01", "2030-06-30", &b,
	    &n, &skipped, &cause), 0);
	check_busy(b, n, w2, sizeof w2 / sizeof w2[0]);
	assert_int_equal(skipped, 0);
	ical_busy_free(b, n);
}

/* Broken files and arguments: -1, a cause naming the problem, nothing. */
static void
test_import_broken(void **state)
{
	(void)state;
	check_refused(CAL("BEGIN:VEVENT\r\nUID:g@x\r\n"
	    "DTSTART:20300601T100000Z\r\nSUMMARY:Kapot\r\n"
	    "dit is geen regel\r\nEND:VEVENT\r\n"), "2030-06-01", "2030-06-30",
	    "VEVENT \"Kapot\": Got a data line, but could not find a property "
	    "name or component begin tag: dit is geen regel");
	check_refused("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"
	    "UID:u@x\r\nDTSTART:20300601T100000Z\r\nSUMMARY:Open\r\n",
	    "2030-06-01", "2030-06-30", "without its END:VCALENDAR");
	check_refused(CAL("BEGIN:VEVENT\r\nUID:n@x\r\n"
	    "DTSTART:volgende week\r\nSUMMARY:Vaag\r\nEND:VEVENT\r\n"),
	    "2030-06-01", "2030-06-30", "volgende week");
	check_refused(CAL("BEGIN:VEVENT\r\nUID:s@x\r\nSUMMARY:Zonder begin\r\n"
	    "END:VEVENT\r\n"), "2030-06-01", "2030-06-30",
	    "VEVENT \"Zonder begin\": no DTSTART");
	check_refused(CAL("BEGIN:VEVENT\r\nUID:r@x\r\n"
	    "DTSTART:20300601T100000Z\r\nRRULE:FREQ=SOMETIMES\r\n"
	    "END:VEVENT\r\n"), "2030-06-01", "2030-06-30", "FREQ=SOMETIMES");
	check_refused(CAL("BEGIN:VEVENT\r\nUID:t@x\r\n"
	    "DTSTART;TZID=Mars/Olympus_Mons:20300601T100000\r\n"
	    "SUMMARY:Ver weg\r\nEND:VEVENT\r\n"), "2030-06-01", "2030-06-30",
	    "unknown time zone TZID=Mars/Olympus_Mons");
	check_refused(CAL("BEGIN:VEVENT\r\nUID:p@x\r\n"
	    "DTSTART;TZID=../../../../etc/passwd:20300601T100000\r\n"
	    "END:VEVENT\r\n"), "2030-06-01", "2030-06-30",
	    "unknown time zone TZID=../../../../etc/passwd");
	check_refused("BEGIN:VEVENT\r\nUID:b@x\r\nDTSTART:20300601T100000Z\r\n"
	    "END:VEVENT\r\n", "2030-06-01", "2030-06-30",
	    "a bare VEVENT without BEGIN:VCALENDAR");
	check_refused("", "2030-06-01", "2030-06-30", "empty iCalendar file");
	check_refused("Beste griffie, hierbij de data.\r\n", "2030-06-01",
	    "2030-06-30", "no BEGIN:VCALENDAR");
	check_refused(CAL(""), "2030-06-31", "2030-07-30",
	    "from is not a date");
	check_refused(CAL(""), "2030-07-01", "2030-06-30", "is after to");
}

#define OUTLOOK_TZ(rule)						\
	"BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\n"		\
	"BEGIN:STANDARD\r\nDTSTART:16011028T030000\r\n"			\
	"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"			\
	"TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"	\
	"BEGIN:DAYLIGHT\r\nDTSTART:16010325T020000\r\n"			\
	"RRULE:" rule "\r\n"						\
	"TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\n"	\
	"END:VTIMEZONE\r\n"

/* An event whose RRULE never matches after its DTSTART in January. */
#define NEVER(uid)							\
	"BEGIN:VEVENT\r\nUID:" uid "@x\r\nDTSTART:20300131T190000Z\r\n"	\
	"RRULE:FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2\r\nEND:VEVENT\r\n"

/*
 * Files that would have libical expand without end: a VTIMEZONE rule by
 * the minute, rules that never match, times in the year 9999.  Refused
 * (or left out) quickly, with a cause.
 */
static void
test_import_hostile(void **state)
{
	static const char far[] = CAL(
	    OUTLOOK_TZ("FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3")
	    "BEGIN:VEVENT\r\nUID:f@x\r\nSUMMARY:Ver weg\r\n"
	    "DTSTART;TZID=W. Europe Standard Time:29990104T200000\r\n"
	    "DTEND;TZID=W. Europe Standard Time:29990104T220000\r\n"
	    "END:VEVENT\r\n"
	    "BEGIN:VEVENT\r\nUID:g@x\r\nSUMMARY:Tot in de verte\r\n"
	    "DTSTART;TZID=W. Europe Standard Time:20300603T200000\r\n"
	    "DTEND;TZID=W. Europe Standard Time:29990104T220000\r\n"
	    "RRULE:FREQ=WEEKLY;UNTIL=29991231T000000Z\r\n"
	    "EXDATE;TZID=W. Europe Standard Time:29980105T200000\r\n"
	    "END:VEVENT\r\n");
	static const struct want w[] = {
		{ "2030-06-03", "20:00", "23:59", "Tot in de verte" },
		{ "2030-06-04", "", "", "Tot in de verte" },
		{ "2030-06-05", "", "", "Tot in de verte" },
	};
	static const char never[] = CAL(
	    NEVER("1") NEVER("2") NEVER("3") NEVER("4") NEVER("5") NEVER("6")
	    NEVER("7") NEVER("8") NEVER("9") NEVER("10") NEVER("11")
	    NEVER("12"));
	Samen__V1__BusyEntry **b;
	size_t n, skipped;
	char *cause = NULL;
	int rv;

	(void)state;
	check_refused(CAL(OUTLOOK_TZ("FREQ=MINUTELY")), "2030-06-01",
	    "2030-06-30", "a time zone rule must be yearly and simple, not "
	    "FREQ=MINUTELY");
	check_refused(CAL(OUTLOOK_TZ("FREQ=YEARLY;BYMONTHDAY=30;BYMONTH=2")),
	    "2030-06-01", "2030-06-30", "must be yearly and simple");
	check_refused(CAL("BEGIN:VTIMEZONE\r\nTZID:Oud\r\n"
	    "BEGIN:STANDARD\r\nDTSTART:00010101T000000\r\n"
	    "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
	    "END:VTIMEZONE\r\n"), "2030-06-01", "2030-06-30",
	    "VTIMEZONE \"Oud\": an observance starts before 1600");
	check_refused(CAL("BEGIN:VEVENT\r\nUID:m@x\r\nSUMMARY:Nooit\r\n"
	    "DTSTART:20300101T000000Z\r\n"
	    "RRULE:FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30\r\nEND:VEVENT\r\n"),
	    "2030-06-01", "2030-06-30", "VEVENT \"Nooit\": its RRULE "
	    "(FREQ=MINUTELY;BYMONTHDAY=30;BYMONTH=2) is not supported");
	check_refused(CAL("BEGIN:VEVENT\r\nUID:h@x\r\n"
	    "DTSTART:20300101T000000Z\r\nRRULE:FREQ=DAILY;BYHOUR=9,14\r\n"
	    "END:VEVENT\r\n"), "2030-06-01", "2030-06-30",
	    "more than one time of day");
	check_refused(CAL(""), "2030-06-01", "9999-12-31",
	    "to 9999-12-31 is not in the years 1900 to 2199");

	/* libical reads no year past 3000. */
	check_refused(CAL("BEGIN:VEVENT\r\nUID:y@x\r\nSUMMARY:Nooit\r\n"
	    "DTSTART:99990101T000000Z\r\nEND:VEVENT\r\n"), "2030-06-01",
	    "2030-06-30", "VEVENT \"Nooit\": DTSTART is not a date or a "
	    "date-time libical can use");

	/* The year 2999 is never converted, so this is quick. */
	assert_int_equal(ical_import(far, TZ, "2030-06-01", "2030-06-05", &b,
	    &n, &skipped, &cause), 0);
	check_busy(b, n, w, sizeof w / sizeof w[0]);
	assert_int_equal(skipped, 1);
	ical_busy_free(b, n);

	/*
	 * Rules that never match cost libical 3.0 a scan to the year 2582
	 * each; the time budget ends that.  A faster libical may finish:
	 * then nothing is busy and all twelve are skipped.
	 */
	rv = ical_import(never, TZ, "2030-03-01", "2030-12-31", &b, &n,
	    &skipped, &cause);
	if (rv == -1) {
		assert_non_null(strstr(cause, "take more than 1000 ms"));
		assert_null(b);
		free(cause);
	} else {
		assert_int_equal(n, 0);
		assert_int_equal(skipped, 12);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_roundtrip),
		cmocka_unit_test(test_export_dst_night),
		cmocka_unit_test(test_export_uid_stable),
		cmocka_unit_test(test_export_empty_and_utc),
		cmocka_unit_test(test_export_errors),
		cmocka_unit_test(test_export_import),
		cmocka_unit_test(test_import_leiderdorp),
		cmocka_unit_test(test_import_timezones),
		cmocka_unit_test(test_import_endless),
		cmocka_unit_test(test_import_all_day),
		cmocka_unit_test(test_import_moments_and_labels),
		cmocka_unit_test(test_import_cancelled_dedup),
		cmocka_unit_test(test_import_broken),
		cmocka_unit_test(test_import_hostile),
	};
	int rv;

	rv = cmocka_run_group_tests_name("ical", tests, NULL, NULL);
	icaltimezone_free_builtin_timezones();
	return rv;
}
