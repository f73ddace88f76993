/*
 * iCalendar (RFC 5545) through libical, which does the folding, the
 * escaping, the VTIMEZONE and the recurrence expansion.  Pure: text and
 * structs in, text and structs out.
 *
 * Export: the meetings as one VCALENDAR with the region's VTIMEZONE,
 * DTSTART/DTEND in local time with TZID exactly as the region names it.
 * libical's builtin zones are called "/freeassociation.sourceforge.net/
 * Europe/Amsterdam" (icaltimezone_set_tzid_prefix cannot make the prefix
 * empty), so the builtin VTIMEZONE is cloned, renamed and cut to the
 * years the meetings need.  A local time that names two instants (the
 * hour repeated when the clocks go back) is written in UTC instead.
 *
 * Import: a council's own calendar becomes busy entries in the region's
 * local time.  The file's TZIDs are resolved here, never by libical's
 * own lookups: libical 3.0 opens /usr/share/zoneinfo/<TZID> for a TZID
 * it does not know, "../" and all, so a TZID without a VTIMEZONE in the
 * file must look like an IANA name before libical sees it.  Choices:
 * - an all-day event (VALUE=DATE) is busy every day from DTSTART up to,
 *   not including, DTEND (no DTEND: that one day);
 * - a timed event is busy on the local date it starts, from its start to
 *   its end; one that runs past midnight but lasts less than a day ends
 *   "23:59" on that date (a late council evening does not block the next
 *   day); one that lasts a day or more also blocks the days in between,
 *   whole, and its last day from "00:00" to its end; one without a length
 *   (no DTEND or DURATION) is busy from its start to "23:59", and one that
 *   would start and end at the same minute there is busy all that day: an
 *   entry's end always comes after its start;
 * - the reason is the SUMMARY on one line: control characters become
 *   spaces, bytes that are not UTF-8 are read as Latin-1 (older Outlook),
 *   and it is cut to ICAL_MAX_REASON bytes;
 * - RRULE (libical's iterator), RDATE and EXDATE are honoured; a VEVENT
 *   with a RECURRENCE-ID replaces that one instance of its UID's series
 *   (RANGE=THISANDFUTURE is not followed);
 * - STATUS:CANCELLED events and instances are left out; *skipped counts
 *   the VEVENTs left out, cancelled or without an occurrence in range;
 *   TRANSP is not read: a council's calendar is busy throughout;
 * - any X-LIC-ERROR (libical's mark for a line it could not read) refuses
 *   the whole file: half a calendar would leave busy dates free.
 *
 * libical converts a time by expanding its zone's rules from the first
 * observance up to that time's year, in memory.  A file's own VTIMEZONE
 * with RRULE:FREQ=MINUTELY, or a date in the year 9999, would have it
 * build hundreds of millions of transitions.  So the file's VTIMEZONE
 * rules must be yearly and few, the range lies within ICAL_MIN_YEAR and
 * ICAL_MAX_YEAR, and no time past the range is ever converted.  Its
 * recurrence iterator, for a rule that never matches (BYMONTH=2;
 * BYMONTHDAY=30), scans unit by unit up to the year 2582 inside one call:
 * minutes for FREQ=MINUTELY, seconds for a list of BYHOURs.  So sub-daily
 * rules may carry no BY parts, others one time of day at most, and the
 * expansion has a time budget (ICAL_MAX_MSEC, the one thing here that
 * reads a clock) checked before every call into the iterator.
 */
#include <sys/types.h>

#include <dlfcn.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "date.h"
#include "ical.h"
#include "log.h"
#include "xmalloc.h"

/*
 * libical, with ICU and the C++ runtime it brings, is half of an idle
 * samend's memory and a third of its start; only the iCalendar export
 * and import need it.  So it is loaded when first needed, and its
 * functions are called through lib.
 */
#define ICAL_SYMS(X) \
	X(icalcompiter_deref) \
	X(icalcompiter_next) \
	X(icalcomponent_add_component) \
	X(icalcomponent_add_property) \
	X(icalcomponent_as_ical_string_r) \
	X(icalcomponent_begin_component) \
	X(icalcomponent_free) \
	X(icalcomponent_get_first_property) \
	X(icalcomponent_get_next_property) \
	X(icalcomponent_get_status) \
	X(icalcomponent_get_summary) \
	X(icalcomponent_get_timezone) \
	X(icalcomponent_get_uid) \
	X(icalcomponent_isa) \
	X(icalcomponent_kind_to_string) \
	X(icalcomponent_new_clone) \
	X(icalcomponent_new_vcalendar) \
	X(icalcomponent_new_vevent) \
	X(icalerror_set_errors_are_fatal) \
	X(icalmemory_free_buffer) \
	X(icalparameter_get_tzid) \
	X(icalparameter_new_tzid) \
	X(icalparser_parse_string) \
	X(icalproperty_get_duration) \
	X(icalproperty_get_first_parameter) \
	X(icalproperty_get_rrule) \
	X(icalproperty_get_tzid) \
	X(icalproperty_get_value) \
	X(icalproperty_get_xlicerror) \
	X(icalproperty_isa) \
	X(icalproperty_kind_to_string) \
	X(icalproperty_new) \
	X(icalproperty_new_calscale) \
	X(icalproperty_new_categories) \
	X(icalproperty_new_description) \
	X(icalproperty_new_dtstamp) \
	X(icalproperty_new_location) \
	X(icalproperty_new_method) \
	X(icalproperty_new_prodid) \
	X(icalproperty_new_sequence) \
	X(icalproperty_new_status) \
	X(icalproperty_new_summary) \
	X(icalproperty_new_tzid) \
	X(icalproperty_new_uid) \
	X(icalproperty_new_version) \
	X(icalproperty_new_x) \
	X(icalproperty_set_parameter) \
	X(icalproperty_set_tzid) \
	X(icalproperty_set_value) \
	X(icalproperty_set_x_name) \
	X(icalrecur_iterator_free) \
	X(icalrecur_iterator_new) \
	X(icalrecur_iterator_next) \
	X(icalrecur_iterator_set_start) \
	X(icalrecurrencetype_as_string_r) \
	X(icalrecurrencetype_day_position) \
	X(icalrecurrencetype_month_month) \
	X(icaltime_adjust) \
	X(icaltime_as_timet) \
	X(icaltime_compare) \
	X(icaltime_convert_to_zone) \
	X(icaltime_from_timet_with_zone) \
	X(icaltime_is_null_time) \
	X(icaltime_is_utc) \
	X(icaltime_is_valid_time) \
	X(icaltime_null_time) \
	X(icaltimezone_get_builtin_timezone) \
	X(icaltimezone_get_component) \
	X(icaltimezone_get_utc_timezone) \
	X(icaltimezone_truncate_vtimezone) \
	X(icalvalue_get_date) \
	X(icalvalue_get_datetime) \
	X(icalvalue_get_datetimeperiod) \
	X(icalvalue_get_period) \
	X(icalvalue_isa) \
	X(icalvalue_new_datetime)

#define ICAL_FIELD(f)	__typeof__(f) *f;
static struct {
	ICAL_SYMS(ICAL_FIELD)
} lib;
static int ical_loaded;

/* Loads libical once; 0, or -1 with *cause. */
static int
ical_load(char **cause)
{
	void *h;
	const char *missing = NULL;

	if (ical_loaded)
		return 0;
	if ((h = dlopen(SAMEN_ICAL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		xasprintf(cause, "iCalendar support is not available: %s "
		    "(the Debian package libical3 provides it)", dlerror());
		return -1;
	}
#define ICAL_LOAD(f)							\
	if (missing == NULL &&						\
	    (*(void **)&lib.f = dlsym(h, #f)) == NULL)			\
		missing = #f;
	ICAL_SYMS(ICAL_LOAD)
#undef ICAL_LOAD
	if (missing != NULL) {
		xasprintf(cause, "iCalendar support is not available: %s "
		    "has no %s", SAMEN_ICAL_SONAME, missing);
		dlclose(h);
		return -1;
	}
	lib.icalerror_set_errors_are_fatal(0);
	ical_loaded = 1;
	return 0;
}

#define ICAL_LIBICAL_PREFIX	"/freeassociation.sourceforge.net/"
#define ICAL_TZID_MAX		64
#define ICAL_DAY		86400
#define ICAL_MAX_DEPTH		8	/* nesting looked into */
#define ICAL_LAST_MINUTE	(23 * 60 + 59)
#define ICAL_MAX_SPAN_DAYS	(100 * 366)	/* longer events are cut */
#define ICAL_MIN_YEAR		1900	/* of the range imported */
#define ICAL_MAX_YEAR		2199
#define ICAL_MAX_ZONE_RULES	64	/* RRULEs in a file's VTIMEZONEs */
#define ICAL_MIN_ZONE_YEAR	1600	/* earliest VTIMEZONE observance */
#define ICAL_MAX_MSEC		1000	/* expanding recurrences, per import */
#define ICAL_MAX_REASON		100	/* bytes of a SUMMARY kept as reason */

/* A time reduced for matching instances: its own date, and its instant. */
struct ical_key {
	int		 is_date;
	int64_t		 day;	/* day number of its own fields */
	int64_t		 secs;	/* UTC seconds, unless a date */
};

/* An instance that another VEVENT (same UID, RECURRENCE-ID) replaces. */
struct ical_override {
	const char	*uid;
	struct ical_key	 key;
};

/* The length of an event: days (nominal, wall clock) and exact seconds. */
struct ical_span {
	int64_t		 days;
	int64_t		 secs;
};

/* One import under way. */
struct ical_import {
	icaltimezone		 *region;
	int64_t			  from;	/* day numbers, inclusive */
	int64_t			  to;
	const char		 *from_s;
	const char		 *to_s;
	icalcomponent		 *cal;	/* the VCALENDAR being read */
	struct ical_override	 *ovr;
	size_t			  novr;
	Samen__V1__BusyEntry	**busy;
	size_t			  nbusy;
	size_t			  cap;
	size_t			  skipped;
	size_t			  steps;	/* recurrence steps so far */
	struct timespec		  began;
	char			**cause;
};

/* ---- shared ------------------------------------------------------------ */

/* True when tzid looks like an IANA name: letters, digits, _-+ and '/'. */
static int
ical_tzid_safe(const char *tzid)
{
	size_t len = strlen(tzid), i;
	char c;

	if (len == 0 || len > ICAL_TZID_MAX || tzid[0] == '/' ||
	    tzid[len - 1] == '/')
		return 0;
	for (i = 0; i < len; i++) {
		c = tzid[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		    c == '+')
			continue;
		if (c == '/' && tzid[i + 1] != '/')
			continue;
		return 0;
	}
	return 1;
}

/* The system zone named tzid (IANA); NULL with *cause if there is none. */
static icaltimezone *
ical_builtin_zone(const char *tzid, char **cause)
{
	icaltimezone *zone = NULL;

	if (tzid != NULL && ical_tzid_safe(tzid))
		zone = lib.icaltimezone_get_builtin_timezone(tzid);
	if (zone == NULL)
		xasprintf(cause, "unknown time zone \"%.64s\"",
		    tzid == NULL ? "" : tzid);
	return zone;
}

/* The instant t as a UTC icaltimetype. */
static struct icaltimetype
ical_utc(int64_t t)
{
	return lib.icaltime_from_timet_with_zone((time_t)t, 0,
	    lib.icaltimezone_get_utc_timezone());
}

/* UTC seconds of a date-time in a zone (or UTC). */
static int64_t
ical_secs(struct icaltimetype t)
{
	t.is_date = 0;
	return lib.icaltime_as_timet(lib.icaltime_convert_to_zone(t,
	    lib.icaltimezone_get_utc_timezone()));
}

/* Day number of a time's own calendar fields. */
static int64_t
ical_day(struct icaltimetype t)
{
	struct date d;

	d.year = t.year;
	d.month = t.month;
	d.day = t.day;
	return date_to_days(&d);
}

/*
 * The wall clock of instant t in zone, counted in seconds as if it were
 * UTC.  (libical 3.0's icaltime_from_timet_with_zone gives the local
 * fields but marks them UTC, so convert from UTC instead.)
 */
static int64_t
ical_wall(int64_t t, icaltimezone *zone)
{
	struct icaltimetype l;

	l = lib.icaltime_convert_to_zone(ical_utc(t), zone);
	l.zone = NULL;
	return lib.icaltime_as_timet(l);
}

/* ---- export ------------------------------------------------------------ */

/*
 * True when t is better written in UTC than as a local time in zone: its
 * wall clock names another instant too (the hour repeated in autumn), or
 * libical would read that wall clock back as another instant.
 */
static int
ical_export_ambiguous(int64_t t, icaltimezone *zone)
{
	struct icaltimetype l;
	int64_t wall, off, other, near[2];
	int i;

	l = lib.icaltime_convert_to_zone(ical_utc(t), zone);
	l.is_daylight = 0;
	if (ical_secs(l) != t)
		return 1;
	wall = ical_wall(t, zone);
	near[0] = t - ICAL_DAY;
	near[1] = t + ICAL_DAY;
	for (i = 0; i < 2; i++) {
		off = ical_wall(near[i], zone) - near[i];
		other = wall - off;
		if (other != t && ical_wall(other, zone) == wall)
			return 1;
	}
	return 0;
}

/* A DTSTART or DTEND for instant t: local with TZID=tzid, else UTC. */
static icalproperty *
ical_export_time(icalproperty_kind kind, int64_t t, icaltimezone *zone,
    const char *tzid)
{
	icalproperty *p;
	struct icaltimetype u, l;

	u = ical_utc(t);
	p = lib.icalproperty_new(kind);
	if (zone == lib.icaltimezone_get_utc_timezone() ||
	    ical_export_ambiguous(t, zone)) {
		lib.icalproperty_set_value(p, lib.icalvalue_new_datetime(u));
		return p;
	}
	l = lib.icaltime_convert_to_zone(u, zone);
	lib.icalproperty_set_value(p, lib.icalvalue_new_datetime(l));
	lib.icalproperty_set_parameter(p, lib.icalparameter_new_tzid(tzid));
	return p;
}

/* The region's VTIMEZONE renamed to tzid, from the year of first on. */
static icalcomponent *
ical_export_vtimezone(icaltimezone *zone, const char *tzid, int64_t first,
    char **cause)
{
	icalcomponent *vtz, *builtin;
	icalproperty *p;

	if ((builtin = lib.icaltimezone_get_component(zone)) == NULL) {
		xasprintf(cause, "no VTIMEZONE for time zone \"%s\"", tzid);
		return NULL;
	}
	vtz = lib.icalcomponent_new_clone(builtin);
	if ((p = lib.icalcomponent_get_first_property(vtz,
	    ICAL_TZID_PROPERTY)) != NULL)
		lib.icalproperty_set_tzid(p, tzid);
	else
		lib.icalcomponent_add_property(vtz,
		    lib.icalproperty_new_tzid(tzid));
	/* Microsoft-compatible: keep the rules' own DTSTARTs. */
	lib.icaltimezone_truncate_vtimezone(vtz, ical_utc(first),
	    lib.icaltime_null_time(), 1);
	return vtz;
}

/* Appends printf-formatted text to *s (NULL: empty). */
static void
ical_append(char **s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
ical_append(char **s, const char *fmt, ...)
{
	va_list ap;
	char *add, *all;

	va_start(ap, fmt);
	if (vasprintf(&add, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	if (*s == NULL) {
		*s = add;
		return;
	}
	xasprintf(&all, "%s%s", *s, add);
	free(*s);
	free(add);
	*s = all;
}

/* The DESCRIPTION of a meeting: agenda items, host, participants, notes. */
static char *
ical_export_description(const Samen__V1__Meeting *m)
{
	char *s = NULL;
	size_t i;

	if (m->n_item_ids > 0) {
		ical_append(&s, "Agenda items:");
		for (i = 0; i < m->n_item_ids; i++)
			ical_append(&s, "%s %s", i == 0 ? "" : ",",
			    m->item_ids[i]);
		ical_append(&s, "\n");
	}
	if (m->host != NULL && *m->host != '\0')
		ical_append(&s, "Host: %s\n", m->host);
	if (m->n_participants == 0)
		ical_append(&s, "Participants: all municipalities\n");
	else {
		ical_append(&s, "Participants:");
		for (i = 0; i < m->n_participants; i++)
			ical_append(&s, "%s %s", i == 0 ? "" : ",",
			    m->participants[i]);
		ical_append(&s, "\n");
	}
	if (m->notes != NULL && *m->notes != '\0')
		ical_append(&s, "\n%s\n", m->notes);
	return s;
}

/* The iCalendar STATUS of a meeting; ICAL_STATUS_NONE for an unknown one. */
static enum icalproperty_status
ical_export_status(Samen__V1__Meeting__State state)
{
	switch (state) {
	case SAMEN__V1__MEETING__STATE__PLANNED:
		return ICAL_STATUS_TENTATIVE;
	case SAMEN__V1__MEETING__STATE__CONFIRMED:
	case SAMEN__V1__MEETING__STATE__HELD:
		return ICAL_STATUS_CONFIRMED;
	case SAMEN__V1__MEETING__STATE__CANCELLED:
		return ICAL_STATUS_CANCELLED;
	default:
		return ICAL_STATUS_NONE;
	}
}

/* True when e is a meeting entity that can be exported; else *cause. */
static int
ical_export_check(const Samen__V1__Entity *e, size_t i, char **cause)
{
	if (e == NULL || e->body_case != SAMEN__V1__ENTITY__BODY_MEETING ||
	    e->meeting == NULL) {
		xasprintf(cause, "entity %zu (%.64s) is not a meeting", i,
		    e == NULL || e->id == NULL ? "" : e->id);
		return 0;
	}
	if (e->id == NULL || *e->id == '\0') {
		xasprintf(cause, "meeting %zu has no id", i);
		return 0;
	}
	if (ical_export_status(e->meeting->status) == ICAL_STATUS_NONE) {
		xasprintf(cause, "meeting %s has an unknown status %d", e->id,
		    (int)e->meeting->status);
		return 0;
	}
	return 1;
}

/* The VEVENT of meeting entity e (checked by ical_export_check). */
static icalcomponent *
ical_export_vevent(const Samen__V1__Entity *e, icaltimezone *zone,
    const char *tzid, struct icaltimetype stamp)
{
	const Samen__V1__Meeting *m = e->meeting;
	const ProtobufCEnumValue *kind;
	icalcomponent *ev;
	char *s;

	ev = lib.icalcomponent_new_vevent();
	xasprintf(&s, "%s@%s", e->id, ICAL_UID_DOMAIN);
	lib.icalcomponent_add_property(ev, lib.icalproperty_new_uid(s));
	free(s);
	lib.icalcomponent_add_property(ev, lib.icalproperty_new_dtstamp(stamp));
	lib.icalcomponent_add_property(ev,
	    ical_export_time(ICAL_DTSTART_PROPERTY, m->start, zone, tzid));
	lib.icalcomponent_add_property(ev, ical_export_time(ICAL_DTEND_PROPERTY,
	    m->end, zone, tzid));
	lib.icalcomponent_add_property(ev,
	    lib.icalproperty_new_sequence((int)m->sequence));
	lib.icalcomponent_add_property(ev,
	    lib.icalproperty_new_status(ical_export_status(m->status)));
	lib.icalcomponent_add_property(ev, lib.icalproperty_new_summary(
	    m->title == NULL ? "" : m->title));
	if (m->location != NULL && *m->location != '\0')
		lib.icalcomponent_add_property(ev,
		    lib.icalproperty_new_location(m->location));
	if ((s = ical_export_description(m)) != NULL) {
		lib.icalcomponent_add_property(ev,
		    lib.icalproperty_new_description(s));
		free(s);
	}
	kind = protobuf_c_enum_descriptor_get_value(
	    &samen__v1__meeting__meeting_kind__descriptor, (int)m->kind);
	if (kind != NULL &&
	    m->kind != SAMEN__V1__MEETING__MEETING_KIND__KIND_UNSPECIFIED)
		lib.icalcomponent_add_property(ev,
		    lib.icalproperty_new_categories(kind->name));
	return ev;
}

/* Adds an X- property named name with text value to c. */
static void
ical_export_x(icalcomponent *c, const char *name, const char *value)
{
	icalproperty *p;

	p = lib.icalproperty_new_x(value);
	lib.icalproperty_set_x_name(p, name);
	lib.icalcomponent_add_property(c, p);
}

/* The meetings as one VCALENDAR text (free()); NULL with *cause. */
char *
ical_export(Samen__V1__Entity *const *meetings, size_t n, const char *tzid,
    const char *calname, int64_t now, char **cause)
{
	icaltimezone *zone;
	icalcomponent *cal, *vtz;
	struct icaltimetype stamp;
	int64_t first = now;
	char *text, *out;
	size_t i;

	if (ical_load(cause) == -1 ||
	    (zone = ical_builtin_zone(tzid, cause)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (!ical_export_check(meetings[i], i, cause))
			return NULL;
		if (meetings[i]->meeting->start < first)
			first = meetings[i]->meeting->start;
	}

	cal = lib.icalcomponent_new_vcalendar();
	lib.icalcomponent_add_property(cal,
	    lib.icalproperty_new_prodid(ICAL_PRODID));
	lib.icalcomponent_add_property(cal,
	    lib.icalproperty_new_version("2.0"));
	lib.icalcomponent_add_property(cal,
	    lib.icalproperty_new_calscale("GREGORIAN"));
	lib.icalcomponent_add_property(cal,
	    lib.icalproperty_new_method(ICAL_METHOD_PUBLISH));
	if (calname != NULL && *calname != '\0')
		ical_export_x(cal, "X-WR-CALNAME", calname);
	ical_export_x(cal, "X-WR-TIMEZONE", tzid);
	if (zone != lib.icaltimezone_get_utc_timezone()) {
		if ((vtz = ical_export_vtimezone(zone, tzid, first,
		    cause)) == NULL) {
			lib.icalcomponent_free(cal);
			return NULL;
		}
		lib.icalcomponent_add_component(cal, vtz);
	}
	stamp = ical_utc(now);
	for (i = 0; i < n; i++)
		lib.icalcomponent_add_component(cal,
		    ical_export_vevent(meetings[i], zone, tzid, stamp));

	text = lib.icalcomponent_as_ical_string_r(cal);
	lib.icalcomponent_free(cal);
	if (text == NULL) {
		xasprintf(cause, "libical could not write the calendar");
		return NULL;
	}
	out = xstrdup(text);
	lib.icalmemory_free_buffer(text);
	return out;
}

/* ---- import ------------------------------------------------------------ */

/* A name for ev in messages: its SUMMARY, else its UID. */
static const char *
ical_event_name(icalcomponent *ev)
{
	const char *s;

	s = lib.icalcomponent_get_summary(ev);
	if (s == NULL || *s == '\0')
		s = lib.icalcomponent_get_uid(ev);
	return s == NULL || *s == '\0' ? "(untitled)" : s;
}

/* Sets *ii->cause, naming event ev if not NULL; returns -1. */
static int
ical_fail(struct ical_import *ii, icalcomponent *ev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
ical_fail(struct ical_import *ii, icalcomponent *ev, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	if (ev == NULL)
		*ii->cause = s;
	else {
		xasprintf(ii->cause, "VEVENT \"%.80s\": %s",
		    ical_event_name(ev), s);
		free(s);
	}
	return -1;
}

/* The zone a TZID of the file names: its VTIMEZONE, else an IANA name. */
static icaltimezone *
ical_import_zone(struct ical_import *ii, const char *tzid)
{
	icaltimezone *zone;
	size_t plen = strlen(ICAL_LIBICAL_PREFIX);

	if (tzid == NULL || *tzid == '\0')
		return NULL;
	if ((zone = lib.icalcomponent_get_timezone(ii->cal, tzid)) != NULL)
		return zone;
	if (strncmp(tzid, ICAL_LIBICAL_PREFIX, plen) == 0)
		tzid += plen;
	if (!ical_tzid_safe(tzid))
		return NULL;
	return lib.icaltimezone_get_builtin_timezone(tzid);
}

/*
 * The time of a DTSTART-like property p of ev: a date (zone NULL), UTC,
 * or a date-time in the zone its TZID names (floating: the region's).
 * -1 with *cause if it is none of these.
 */
static int
ical_import_time(struct ical_import *ii, icalcomponent *ev, icalproperty *p,
    struct icaltimetype *out)
{
	icalvalue *v;
	icalparameter *tp;
	icaltimezone *zone;
	struct icaltimetype t = lib.icaltime_null_time();
	struct icaldatetimeperiodtype dtp;
	const char *tzid;

	if ((v = lib.icalproperty_get_value(p)) != NULL) {
		switch (lib.icalvalue_isa(v)) {
		case ICAL_DATE_VALUE:
			t = lib.icalvalue_get_date(v);
			break;
		case ICAL_DATETIME_VALUE:
			t = lib.icalvalue_get_datetime(v);
			break;
		case ICAL_DATETIMEPERIOD_VALUE:
			dtp = lib.icalvalue_get_datetimeperiod(v);
			t = lib.icaltime_is_null_time(dtp.time) ?
			    dtp.period.start : dtp.time;
			break;
		case ICAL_PERIOD_VALUE:
			t = lib.icalvalue_get_period(v).start;
			break;
		default:
			break;
		}
	}
	if (lib.icaltime_is_null_time(t) || !lib.icaltime_is_valid_time(t))
		return ical_fail(ii, ev, "%s is not a date or a date-time "
		    "libical can use",
		    lib.icalproperty_kind_to_string(lib.icalproperty_isa(p)));
	if (t.is_date) {
		t.zone = NULL;
		t.hour = t.minute = t.second = 0;
	} else if (!lib.icaltime_is_utc(t)) {
		tp = lib.icalproperty_get_first_parameter(p,
		    ICAL_TZID_PARAMETER);
		if (tp == NULL)
			t.zone = ii->region;
		else {
			tzid = lib.icalparameter_get_tzid(tp);
			if ((zone = ical_import_zone(ii, tzid)) == NULL)
				return ical_fail(ii, ev, "%s has an unknown "
				    "time zone TZID=%.64s (no VTIMEZONE for "
				    "it in the file)",
				    lib.icalproperty_kind_to_string(
				    lib.icalproperty_isa(p)),
				    tzid == NULL ? "" : tzid);
			t.zone = zone;
		}
	}
	*out = t;
	return 0;
}

/*
 * True when t's own date lies past the range by more than any zone's
 * offset: nothing there can be busy in range, and t is never converted.
 */
static int
ical_beyond(struct ical_import *ii, struct icaltimetype t)
{
	return ical_day(t) > ii->to + 2;
}

/* The key of a time read by ical_import_time. */
static struct ical_key
ical_key(struct ical_import *ii, struct icaltimetype t)
{
	struct ical_key k;

	k.is_date = t.is_date;
	k.day = ical_day(t);
	if (t.is_date)
		k.secs = 0;
	else if (ical_beyond(ii, t)) {
		t.zone = NULL;
		/* unconverted, far enough */
		k.secs = lib.icaltime_as_timet(t);
	} else
		k.secs = ical_secs(t);
	return k;
}

/* True when keys a and b name the same instance. */
static int
ical_key_match(const struct ical_key *a, const struct ical_key *b)
{
	if (a->is_date || b->is_date)
		return a->day == b->day;
	return a->secs == b->secs;
}

/* Day number and minute of the day of instant t in the region. */
static void
ical_local(struct ical_import *ii, int64_t t, int64_t *day, int *minute)
{
	struct icaltimetype l;

	l = lib.icaltime_convert_to_zone(ical_utc(t), ii->region);
	*day = ical_day(l);
	*minute = l.hour * 60 + l.minute;
}

/* The region's date on which an occurrence starts, as a day number. */
static int64_t
ical_start_day(struct ical_import *ii, struct icaltimetype occ)
{
	int64_t day;
	int minute;

	if (occ.is_date || ical_beyond(ii, occ))
		return ical_day(occ);
	ical_local(ii, ical_secs(occ), &day, &minute);
	return day;
}

/*
 * One busy entry on day (all day when start < 0) if day is in range:
 * 1 if added, 0 if out of range, -1 with *cause past ICAL_MAX_BUSY.
 */
static int
ical_add(struct ical_import *ii, int64_t day, int start, int end,
    const char *reason)
{
	Samen__V1__BusyEntry *b;
	struct date d;
	char buf[DATE_STRLEN];

	if (day < ii->from || day > ii->to)
		return 0;
	if (ii->nbusy == ICAL_MAX_BUSY)
		return ical_fail(ii, NULL, "more than %d busy entries between "
		    "%s and %s; import a shorter range", ICAL_MAX_BUSY,
		    ii->from_s, ii->to_s);
	if (ii->nbusy == ii->cap) {
		ii->cap = ii->cap == 0 ? 64 : ii->cap * 2;
		ii->busy = xreallocarray(ii->busy, ii->cap,
		    sizeof *ii->busy);
	}
	b = xmalloc(sizeof *b);
	samen__v1__busy_entry__init(b);
	date_from_days(day, &d);
	date_format(&d, buf);
	b->date = xstrdup(buf);
	if (start < 0) {
		b->start_time = xstrdup("");
		b->end_time = xstrdup("");
	} else {
		xasprintf(&b->start_time, "%02d:%02d", start / 60, start % 60);
		xasprintf(&b->end_time, "%02d:%02d", end / 60, end % 60);
	}
	b->reason = xstrdup(reason);
	ii->busy[ii->nbusy++] = b;
	return 1;
}

/*
 * A timed entry from minute start to end of day: "23:59" when end is not
 * after start, all day when even that is not.  As ical_add.
 */
static int
ical_add_timed(struct ical_import *ii, int64_t day, int start, int end,
    const char *reason)
{
	if (end <= start)
		end = ICAL_LAST_MINUTE;
	if (end <= start)
		start = end = -1;
	return ical_add(ii, day, start, end, reason);
}

/* Adds every whole day in [first, last] that is in range; count or -1. */
static int
ical_add_days(struct ical_import *ii, int64_t first, int64_t last,
    const char *reason)
{
	int64_t d;
	int added = 0;

	if (first < ii->from)
		first = ii->from;
	if (last > ii->to)
		last = ii->to;
	for (d = first; d <= last; d++) {
		if (ical_add(ii, d, -1, -1, reason) == -1)
			return -1;
		added++;
	}
	return added;
}

/*
 * The busy entries of one occurrence starting at occ and lasting sp (the
 * rules at the top of this file); the number added in range, or -1.
 */
static int
ical_occurrence(struct ical_import *ii, struct icaltimetype occ,
    const struct ical_span *sp, const char *reason)
{
	struct icaltimetype t;
	int64_t s, e, sd, ed, far;
	int sm, em, a, b, c;

	if (occ.is_date) {
		sd = ical_day(occ);
		return ical_add_days(ii, sd, sd + sp->days - 1, reason);
	}
	if (ical_beyond(ii, occ))
		return 0;
	s = ical_secs(occ);
	far = (ii->to + 3) * ICAL_DAY;	/* past the range in any zone */
	if (sp->days > 0) {
		t = occ;
		lib.icaltime_adjust(&t, (int)sp->days, 0, 0, 0);
		e = ical_beyond(ii, t) ? far : ical_secs(t) + sp->secs;
	} else
		e = s + sp->secs;
	if (e > far)
		e = far;
	if (e < s)
		e = s;
	ical_local(ii, s, &sd, &sm);
	ical_local(ii, e, &ed, &em);
	if (ed == sd)
		return ical_add_timed(ii, sd, sm, em, reason);
	if (e - s < ICAL_DAY)
		return ical_add_timed(ii, sd, sm, ICAL_LAST_MINUTE, reason);
	if ((a = ical_add_timed(ii, sd, sm, ICAL_LAST_MINUTE, reason)) == -1 ||
	    (b = ical_add_days(ii, sd + 1, ed - 1, reason)) == -1)
		return -1;
	c = 0;
	if (em > 0 && (c = ical_add(ii, ed, 0, em, reason)) == -1)
		return -1;
	return a + b + c;
}

/*
 * The length of ev from DTSTART start: DTEND - DTSTART (exact; in days
 * for a date), or DURATION (days nominal, the rest exact), or else a day
 * for a date and nothing for a date-time.  -1 with *cause.
 */
static int
ical_span(struct ical_import *ii, icalcomponent *ev, struct icaltimetype start,
    struct ical_span *sp)
{
	icalproperty *p;
	struct icaltimetype end;
	struct icaldurationtype d;

	sp->days = 0;
	sp->secs = 0;
	if ((p = lib.icalcomponent_get_first_property(ev,
	    ICAL_DTEND_PROPERTY)) != NULL) {
		if (ical_import_time(ii, ev, p, &end) == -1)
			return -1;
		if (start.is_date)
			sp->days = ical_day(end) - ical_day(start);
		else if (ical_beyond(ii, end))
			sp->secs = (ical_day(end) - ical_day(start) + 1) *
			    ICAL_DAY;
		else {
			if (end.is_date) {
				end.is_date = 0;
				end.zone = start.zone;
			}
			sp->secs = ical_secs(end) - ical_secs(start);
		}
	} else if ((p = lib.icalcomponent_get_first_property(ev,
	    ICAL_DURATION_PROPERTY)) != NULL) {
		d = lib.icalproperty_get_duration(p);
		if (!d.is_neg) {
			sp->days = (int64_t)d.weeks * 7 + d.days;
			sp->secs = (int64_t)d.hours * 3600 +
			    (int64_t)d.minutes * 60 + d.seconds;
		}
		if (start.is_date) {
			sp->days += (sp->secs + ICAL_DAY - 1) / ICAL_DAY;
			sp->secs = 0;
		}
	}
	if (sp->days < 0 || sp->secs < 0)
		sp->days = sp->secs = 0;
	if (sp->days > ICAL_MAX_SPAN_DAYS)
		sp->days = ICAL_MAX_SPAN_DAYS;
	if (sp->secs > (int64_t)ICAL_MAX_SPAN_DAYS * ICAL_DAY)
		sp->secs = (int64_t)ICAL_MAX_SPAN_DAYS * ICAL_DAY;
	if (start.is_date && sp->days < 1)
		sp->days = 1;
	return 0;
}

/* True when occ is one of the n excluded instances ex. */
static int
ical_excluded(struct ical_import *ii, struct icaltimetype occ,
    const struct ical_key *ex, size_t n)
{
	struct ical_key k;
	size_t i;

	k = ical_key(ii, occ);
	for (i = 0; i < n; i++) {
		if (ical_key_match(&k, &ex[i]))
			return 1;
	}
	return 0;
}

/* -1 with *cause once the import has spent its time budget. */
static int
ical_budget(struct ical_import *ii)
{
	struct timespec now;
	int64_t ms;

	if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		fatal("clock_gettime");
	ms = (int64_t)(now.tv_sec - ii->began.tv_sec) * 1000 +
	    (now.tv_nsec - ii->began.tv_nsec) / 1000000;
	if (ms <= ICAL_MAX_MSEC)
		return 0;
	return ical_fail(ii, NULL, "the calendar's recurrences take more "
	    "than %d ms to expand; refused", ICAL_MAX_MSEC);
}

/* Counts one recurrence step against both caps; -1 with *cause. */
static int
ical_step(struct ical_import *ii, icalcomponent *ev, size_t *steps)
{
	if (*steps >= ICAL_MAX_STEPS)
		return ical_fail(ii, ev, "its recurrence gives more than %d "
		    "occurrences up to %s", ICAL_MAX_STEPS, ii->to_s);
	if (ii->steps >= ICAL_MAX_TOTAL_STEPS)
		return ical_fail(ii, NULL, "the recurrences in this calendar "
		    "take more than %d steps to expand up to %s; import a "
		    "shorter range", ICAL_MAX_TOTAL_STEPS, ii->to_s);
	(*steps)++;
	ii->steps++;
	return ical_budget(ii);
}

/* The number of values in a BY list of a recurrence rule. */
static size_t
ical_by_count(const short *v, size_t size)
{
	size_t i;

	for (i = 0; i < size && v[i] != ICAL_RECURRENCE_ARRAY_MAX; i++)
		;
	return i;
}

/*
 * True for an event's RRULE whose every iterator step is bounded: no BY
 * parts when more often than daily, else one time of day at most.
 */
static int
ical_event_rule_ok(const struct icalrecurrencetype *rr)
{
	size_t times, dates;

	times = ical_by_count(rr->by_second, ICAL_BY_SECOND_SIZE) +
	    ical_by_count(rr->by_minute, ICAL_BY_MINUTE_SIZE) +
	    ical_by_count(rr->by_hour, ICAL_BY_HOUR_SIZE);
	dates = ical_by_count(rr->by_day, ICAL_BY_DAY_SIZE) +
	    ical_by_count(rr->by_month_day, ICAL_BY_MONTHDAY_SIZE) +
	    ical_by_count(rr->by_year_day, ICAL_BY_YEARDAY_SIZE) +
	    ical_by_count(rr->by_week_no, ICAL_BY_WEEKNO_SIZE) +
	    ical_by_count(rr->by_month, ICAL_BY_MONTH_SIZE) +
	    ical_by_count(rr->by_set_pos, ICAL_BY_SETPOS_SIZE);
	switch (rr->freq) {
	case ICAL_SECONDLY_RECURRENCE:
	case ICAL_MINUTELY_RECURRENCE:
	case ICAL_HOURLY_RECURRENCE:
		return times == 0 && dates == 0;
	default:
		return ical_by_count(rr->by_second, ICAL_BY_SECOND_SIZE) <= 1 &&
		    ical_by_count(rr->by_minute, ICAL_BY_MINUTE_SIZE) <= 1 &&
		    ical_by_count(rr->by_hour, ICAL_BY_HOUR_SIZE) <= 1;
	}
}

/*
 * Where the iterator of a rule without COUNT may start: a little before
 * the range, less the event's length, in start's zone and form.
 */
static struct icaltimetype
ical_window_start(struct ical_import *ii, struct icaltimetype start,
    const struct ical_span *sp)
{
	struct icaltimetype w = start;
	struct date d;

	date_from_days(ii->from - sp->days - sp->secs / ICAL_DAY - 2, &d);
	w.year = d.year;
	w.month = d.month;
	w.day = d.day;
	w.hour = w.minute = w.second = 0;
	w.is_daylight = 0;
	return w;
}

/*
 * Expands one RRULE of ev from start with libical's iterator, up to the
 * end of the range, within the step caps; adds to *added.  -1 with *cause.
 */
static int
ical_rrule(struct ical_import *ii, icalcomponent *ev, icalproperty *p,
    struct icaltimetype start, const struct ical_span *sp,
    const struct ical_key *ex, size_t nex, const char *reason, int *added,
    size_t *steps)
{
	struct icalrecurrencetype rr;
	struct icaltimetype occ, w;
	icalrecur_iterator *it;
	char *rule;
	int n;

	rr = lib.icalproperty_get_rrule(p);
	/* An UNTIL past the range changes nothing in it; never convert it. */
	if (!lib.icaltime_is_null_time(rr.until) && ical_beyond(ii, rr.until))
		rr.until = lib.icaltime_null_time();
	if (!ical_event_rule_ok(&rr)) {
		rule = lib.icalrecurrencetype_as_string_r(&rr);
		n = ical_fail(ii, ev, "its RRULE (%.200s) is not supported: "
		    "more than one time of day, or BY parts on a rule that "
		    "repeats more often than daily", rule == NULL ? "" : rule);
		lib.icalmemory_free_buffer(rule);
		return n;
	}
	if (ical_budget(ii) == -1)
		return -1;
	if ((it = lib.icalrecur_iterator_new(rr, start)) == NULL) {
		rule = lib.icalrecurrencetype_as_string_r(&rr);
		n = ical_fail(ii, ev, "its RRULE cannot be expanded (%.200s)",
		    rule == NULL ? "" : rule);
		lib.icalmemory_free_buffer(rule);
		return n;
	}
	/* Skip the years before the range (not with COUNT, not sub-daily). */
	switch (rr.freq) {
	case ICAL_DAILY_RECURRENCE:
	case ICAL_WEEKLY_RECURRENCE:
	case ICAL_MONTHLY_RECURRENCE:
	case ICAL_YEARLY_RECURRENCE:
		w = ical_window_start(ii, start, sp);
		if (rr.count == 0 && lib.icaltime_compare(w, start) > 0)
			(void)lib.icalrecur_iterator_set_start(it, w);
		break;
	default:
		break;
	}
	for (;;) {
		if (ical_step(ii, ev, steps) == -1) {
			lib.icalrecur_iterator_free(it);
			return -1;
		}
		occ = lib.icalrecur_iterator_next(it);
		if (lib.icaltime_is_null_time(occ))
			break;
		occ.zone = start.zone;
		occ.is_date = start.is_date;
		if (ical_start_day(ii, occ) > ii->to)
			break;
		if (ical_excluded(ii, occ, ex, nex))
			continue;
		if ((n = ical_occurrence(ii, occ, sp, reason)) == -1) {
			lib.icalrecur_iterator_free(it);
			return -1;
		}
		*added += n;
	}
	lib.icalrecur_iterator_free(it);
	return 0;
}

/*
 * The instances ev leaves out: its EXDATEs and the RECURRENCE-IDs other
 * VEVENTs of the calendar override.  Allocated in *out (free()).
 */
static int
ical_exclusions(struct ical_import *ii, icalcomponent *ev,
    struct ical_key **out, size_t *n)
{
	icalproperty *p;
	struct icaltimetype t;
	struct ical_key *ex = NULL;
	const char *uid;
	size_t i, cap = 0;

	*n = 0;
	uid = lib.icalcomponent_get_uid(ev);
	for (i = 0; uid != NULL && i < ii->novr; i++) {
		if (strcmp(ii->ovr[i].uid, uid) != 0)
			continue;
		if (*n == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			ex = xreallocarray(ex, cap, sizeof *ex);
		}
		ex[(*n)++] = ii->ovr[i].key;
	}
	for (p = lib.icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY);
	    p != NULL;
	    p = lib.icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY)) {
		if (ical_import_time(ii, ev, p, &t) == -1) {
			free(ex);
			return -1;
		}
		if (*n == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			ex = xreallocarray(ex, cap, sizeof *ex);
		}
		ex[(*n)++] = ical_key(ii, t);
	}
	*out = ex;
	return 0;
}

/* The properties of kind k of ev, collected (free()); their number in *n. */
static icalproperty **
ical_props(icalcomponent *ev, icalproperty_kind k, size_t *n)
{
	icalproperty *p, **v = NULL;

	*n = 0;
	for (p = lib.icalcomponent_get_first_property(ev, k); p != NULL;
	    p = lib.icalcomponent_get_next_property(ev, k)) {
		v = xreallocarray(v, *n + 1, sizeof *v);
		v[(*n)++] = p;
	}
	return v;
}

/*
 * Every occurrence of ev up to the end of the range: DTSTART, its RRULEs
 * and RDATEs, less the excluded instances.  The number of entries added,
 * or -1 with *cause.
 */
static int
ical_expand(struct ical_import *ii, icalcomponent *ev,
    struct icaltimetype start, const struct ical_span *sp, const char *reason)
{
	icalproperty **rrules, **rdates;
	struct icaltimetype t;
	struct ical_key *ex;
	size_t nex, nrr, nrd, i, steps = 0;
	int added = 0, n, rv = -1;

	if (ical_exclusions(ii, ev, &ex, &nex) == -1)
		return -1;
	rrules = ical_props(ev, ICAL_RRULE_PROPERTY, &nrr);
	rdates = ical_props(ev, ICAL_RDATE_PROPERTY, &nrd);

	if (!ical_excluded(ii, start, ex, nex)) {
		if ((n = ical_occurrence(ii, start, sp, reason)) == -1)
			goto out;
		added += n;
	}
	for (i = 0; i < nrr; i++) {
		if (ical_rrule(ii, ev, rrules[i], start, sp, ex, nex, reason,
		    &added, &steps) == -1)
			goto out;
	}
	for (i = 0; i < nrd; i++) {
		if (ical_step(ii, ev, &steps) == -1 ||
		    ical_import_time(ii, ev, rdates[i], &t) == -1)
			goto out;
		if (start.is_date && !t.is_date) {
			t.is_date = 1;
			t.zone = NULL;
			t.hour = t.minute = t.second = 0;
		} else if (!start.is_date && t.is_date) {
			t.is_date = 0;
			t.zone = start.zone;
			t.hour = start.hour;
			t.minute = start.minute;
			t.second = start.second;
		}
		if (ical_start_day(ii, t) > ii->to ||
		    ical_excluded(ii, t, ex, nex))
			continue;
		if ((n = ical_occurrence(ii, t, sp, reason)) == -1)
			goto out;
		added += n;
	}
	rv = added;
out:
	free(rrules);
	free(rdates);
	free(ex);
	return rv;
}

/* Appends code point cp to buf at *len as UTF-8. */
static void
ical_put_utf8(char *buf, size_t *len, unsigned int cp)
{
	if (cp < 0x80)
		buf[(*len)++] = (char)cp;
	else {
		buf[(*len)++] = (char)(0xc0 | (cp >> 6));
		buf[(*len)++] = (char)(0x80 | (cp & 0x3f));
	}
}

/*
 * The length of the well-formed UTF-8 character at p (2 to 4 bytes), or
 * 0 if p does not start one.
 */
static size_t
ical_utf8_len(const unsigned char *p)
{
	unsigned int cp;
	size_t n, i;

	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * The reason of a busy entry from a SUMMARY (NULL: none): one line of
 * UTF-8, at most ICAL_MAX_REASON bytes, cut between characters.
 */
static char *
ical_reason(const char *summary)
{
	const unsigned char *p;
	char buf[ICAL_MAX_REASON + 4];
	size_t len = 0, n;

	if (summary == NULL)
		return xstrdup("");
	for (p = (const unsigned char *)summary; *p != '\0'; p += n) {
		if (*p < 0x80) {
			n = 1;
			if (len + 1 > ICAL_MAX_REASON)
				break;
			buf[len++] = (*p < 0x20 || *p == 0x7f) ? ' ' : (char)*p;
		} else if ((n = ical_utf8_len(p)) != 0) {
			if (len + n > ICAL_MAX_REASON)
				break;
			memcpy(buf + len, p, n);
			len += n;
		} else {
			n = 1;
			if (len + 2 > ICAL_MAX_REASON)
				break;
			ical_put_utf8(buf, &len, *p);	/* Latin-1 */
		}
	}
	buf[len] = '\0';
	return xstrdup(buf);
}

/* The busy entries of one VEVENT; -1 with *cause for a broken one. */
static int
ical_event(struct ical_import *ii, icalcomponent *ev)
{
	icalproperty *p;
	struct icaltimetype start;
	struct ical_span sp;
	char *reason;
	int n;

	if (lib.icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED) {
		ii->skipped++;
		return 0;
	}
	if ((p = lib.icalcomponent_get_first_property(ev,
	    ICAL_DTSTART_PROPERTY)) == NULL)
		return ical_fail(ii, ev, "no DTSTART");
	if (ical_import_time(ii, ev, p, &start) == -1)
		return -1;
	if (ical_beyond(ii, start)) {
		ii->skipped++;
		return 0;
	}
	if (ical_span(ii, ev, start, &sp) == -1)
		return -1;
	reason = ical_reason(lib.icalcomponent_get_summary(ev));
	/* An overriding instance stands alone; its master skips its date. */
	if (lib.icalcomponent_get_first_property(ev,
	    ICAL_RECURRENCEID_PROPERTY) != NULL)
		n = ical_occurrence(ii, start, &sp, reason);
	else
		n = ical_expand(ii, ev, start, &sp, reason);
	free(reason);
	if (n == -1)
		return -1;
	if (n == 0)
		ii->skipped++;
	return 0;
}

/* Collects the overriding instances (RECURRENCE-ID) of ii->cal. */
static int
ical_overrides(struct ical_import *ii)
{
	icalcompiter it;
	icalcomponent *ev;
	icalproperty *p;
	struct icaltimetype t;
	const char *uid;
	size_t cap = 0;

	free(ii->ovr);
	ii->ovr = NULL;
	ii->novr = 0;
	it = lib.icalcomponent_begin_component(ii->cal, ICAL_VEVENT_COMPONENT);
	for (; (ev = lib.icalcompiter_deref(&it)) != NULL;
	    lib.icalcompiter_next(&it)) {
		if ((p = lib.icalcomponent_get_first_property(ev,
		    ICAL_RECURRENCEID_PROPERTY)) == NULL ||
		    (uid = lib.icalcomponent_get_uid(ev)) == NULL)
			continue;
		if (ical_import_time(ii, ev, p, &t) == -1)
			return -1;
		if (ii->novr == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			ii->ovr = xreallocarray(ii->ovr, cap, sizeof *ii->ovr);
		}
		ii->ovr[ii->novr].uid = uid;
		ii->ovr[ii->novr].key = ical_key(ii, t);
		ii->novr++;
	}
	return 0;
}

/* The busy entries of every VEVENT of one VCALENDAR; -1 with *cause. */
static int
ical_calendar(struct ical_import *ii, icalcomponent *cal)
{
	icalcompiter it;
	icalcomponent *ev;

	ii->cal = cal;
	if (ical_overrides(ii) == -1)
		return -1;
	it = lib.icalcomponent_begin_component(cal, ICAL_VEVENT_COMPONENT);
	for (; (ev = lib.icalcompiter_deref(&it)) != NULL;
	    lib.icalcompiter_next(&it)) {
		if (ical_event(ii, ev) == -1)
			return -1;
	}
	return 0;
}

/*
 * The first X-LIC-ERROR in c or below (and where), counting them all in
 * *n; *deep is set when components nest deeper than ICAL_MAX_DEPTH.
 */
static icalproperty *
ical_first_error(icalcomponent *c, int depth, icalcomponent **where,
    size_t *n, int *deep)
{
	icalcompiter it;
	icalcomponent *sub, *w = NULL;
	icalproperty *p, *first = NULL, *q;

	if (depth > ICAL_MAX_DEPTH) {
		*deep = 1;
		return NULL;
	}
	for (p = lib.icalcomponent_get_first_property(c,
	    ICAL_XLICERROR_PROPERTY); p != NULL;
	    p = lib.icalcomponent_get_next_property(c,
	    ICAL_XLICERROR_PROPERTY)) {
		if (first == NULL) {
			first = p;
			*where = c;
		}
		(*n)++;
	}
	it = lib.icalcomponent_begin_component(c, ICAL_ANY_COMPONENT);
	for (; (sub = lib.icalcompiter_deref(&it)) != NULL;
	    lib.icalcompiter_next(&it)) {
		q = ical_first_error(sub, depth + 1, &w, n, deep);
		if (q != NULL && first == NULL) {
			first = q;
			*where = w;
		}
	}
	return first;
}

/* Refuses a parsed file that libical marked as broken; -1 with *cause. */
static int
ical_check(icalcomponent *root, char **cause)
{
	icalcomponent *where = NULL;
	icalproperty *p;
	const char *msg, *kind;
	char *more = NULL;
	size_t n = 0;
	int deep = 0;

	p = ical_first_error(root, 0, &where, &n, &deep);
	if (deep) {
		xasprintf(cause, "malformed iCalendar: components nested more "
		    "than %d deep", ICAL_MAX_DEPTH);
		return -1;
	}
	if (p == NULL)
		return 0;
	if ((msg = lib.icalproperty_get_xlicerror(p)) == NULL)
		msg = "unreadable line";
	if (n > 1)
		xasprintf(&more, " (and %zu more errors)", n - 1);
	kind = lib.icalcomponent_kind_to_string(lib.icalcomponent_isa(where));
	if (lib.icalcomponent_isa(where) == ICAL_VEVENT_COMPONENT)
		xasprintf(cause, "malformed iCalendar in VEVENT \"%.80s\": "
		    "%.300s%s", ical_event_name(where), msg,
		    more == NULL ? "" : more);
	else
		xasprintf(cause, "malformed iCalendar in %s: %.300s%s",
		    kind == NULL ? "component" : kind, msg,
		    more == NULL ? "" : more);
	free(more);
	return -1;
}

/*
 * True for a VTIMEZONE rule that changes the offset a few times a year
 * and can match at all (libical takes its time over one that cannot).
 */
static int
ical_zone_rule_ok(const struct icalrecurrencetype *rr)
{
	static const int mdays[12] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	size_t i, nmd, nday, nmonth;
	int month = 0, md, pos, maxpos = 53;

	if (rr->freq != ICAL_YEARLY_RECURRENCE || rr->interval < 1 ||
	    ical_by_count(rr->by_second, ICAL_BY_SECOND_SIZE) > 1 ||
	    ical_by_count(rr->by_minute, ICAL_BY_MINUTE_SIZE) > 1 ||
	    ical_by_count(rr->by_hour, ICAL_BY_HOUR_SIZE) > 1 ||
	    (nday = ical_by_count(rr->by_day, ICAL_BY_DAY_SIZE)) > 1 ||
	    (nmd = ical_by_count(rr->by_month_day,
	    ICAL_BY_MONTHDAY_SIZE)) > 7 ||
	    ical_by_count(rr->by_year_day, ICAL_BY_YEARDAY_SIZE) != 0 ||
	    ical_by_count(rr->by_week_no, ICAL_BY_WEEKNO_SIZE) != 0 ||
	    (nmonth = ical_by_count(rr->by_month, ICAL_BY_MONTH_SIZE)) > 1 ||
	    ical_by_count(rr->by_set_pos, ICAL_BY_SETPOS_SIZE) != 0)
		return 0;
	if (nmonth == 1) {
		month = lib.icalrecurrencetype_month_month(rr->by_month[0]);
		if (month < 1 || month > 12)
			return 0;
		maxpos = 5;
	}
	if (nday == 1) {
		pos = lib.icalrecurrencetype_day_position(rr->by_day[0]);
		if (pos < -maxpos || pos > maxpos)
			return 0;
	}
	if (nmd == 0)
		return 1;
	for (i = 0; i < nmd; i++) {
		md = rr->by_month_day[i] < 0 ? -rr->by_month_day[i] :
		    rr->by_month_day[i];
		if (md >= 1 && md <= (month == 0 ? 31 : mdays[month - 1]))
			return 1;
	}
	return 0;
}

/*
 * Checks the observances (STANDARD, DAYLIGHT) of one VTIMEZONE: rules
 * libical can expand cheaply, starting no earlier than ICAL_MIN_ZONE_YEAR;
 * counts the rules in *nrules.  -1 with *cause.
 */
static int
ical_check_zone(icalcomponent *vtz, size_t *nrules, char **cause)
{
	icalcompiter it;
	icalcomponent *obs;
	icalproperty *p, *tzp;
	struct icalrecurrencetype rr;
	struct icaltimetype t;
	const char *tzid = "";
	char *rule;

	if ((tzp = lib.icalcomponent_get_first_property(vtz,
	    ICAL_TZID_PROPERTY)) != NULL &&
	    lib.icalproperty_get_tzid(tzp) != NULL)
		tzid = lib.icalproperty_get_tzid(tzp);
	it = lib.icalcomponent_begin_component(vtz, ICAL_ANY_COMPONENT);
	for (; (obs = lib.icalcompiter_deref(&it)) != NULL;
	    lib.icalcompiter_next(&it)) {
		p = lib.icalcomponent_get_first_property(obs,
		    ICAL_DTSTART_PROPERTY);
		if (p != NULL && lib.icalproperty_get_value(p) != NULL) {
			t = lib.icalvalue_get_datetime(
			    lib.icalproperty_get_value(p));
			if (t.year < ICAL_MIN_ZONE_YEAR) {
				xasprintf(cause, "VTIMEZONE \"%.64s\": an "
				    "observance starts before %d", tzid,
				    ICAL_MIN_ZONE_YEAR);
				return -1;
			}
		}
		for (p = lib.icalcomponent_get_first_property(obs,
		    ICAL_RRULE_PROPERTY); p != NULL;
		    p = lib.icalcomponent_get_next_property(obs,
		    ICAL_RRULE_PROPERTY)) {
			rr = lib.icalproperty_get_rrule(p);
			if (++*nrules > ICAL_MAX_ZONE_RULES) {
				xasprintf(cause, "more than %d time zone rules "
				    "in the file's VTIMEZONEs",
				    ICAL_MAX_ZONE_RULES);
				return -1;
			}
			if (ical_zone_rule_ok(&rr))
				continue;
			rule = lib.icalrecurrencetype_as_string_r(&rr);
			xasprintf(cause, "VTIMEZONE \"%.64s\": a time zone "
			    "rule must be yearly and simple, not %.200s", tzid,
			    rule == NULL ? "" : rule);
			lib.icalmemory_free_buffer(rule);
			return -1;
		}
	}
	return 0;
}

/* Checks every VTIMEZONE of the VCALENDARs in root; -1 with *cause. */
static int
ical_check_zones(icalcomponent *root, char **cause)
{
	icalcompiter ci, zi;
	icalcomponent *cal, *vtz;
	size_t nrules = 0;
	int single;

	single = lib.icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT;
	ci = lib.icalcomponent_begin_component(root, ICAL_VCALENDAR_COMPONENT);
	for (cal = single ? root : lib.icalcompiter_deref(&ci); cal != NULL;
	    cal = single ? NULL : lib.icalcompiter_next(&ci)) {
		zi = lib.icalcomponent_begin_component(cal,
		    ICAL_VTIMEZONE_COMPONENT);
		for (; (vtz = lib.icalcompiter_deref(&zi)) != NULL;
		    lib.icalcompiter_next(&zi)) {
			if (ical_check_zone(vtz, &nrules, cause) == -1)
				return -1;
		}
	}
	return 0;
}

/* Why libical found no component at all in text. */
static void
ical_parse_fail(const char *text, char **cause)
{
	const char *p;

	for (p = text; *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n';
	    p++)
		;
	if (*p == '\0')
		xasprintf(cause, "empty iCalendar file");
	else if (strcasestr(text, "BEGIN:VCALENDAR") != NULL)
		xasprintf(cause, "malformed iCalendar: BEGIN:VCALENDAR without "
		    "its END:VCALENDAR (a cut-off file, or a component that "
		    "is never closed)");
	else
		xasprintf(cause, "not an iCalendar file: no BEGIN:VCALENDAR");
}

/* Frees one busy entry made by ical_add. */
static void
ical_busy_free_one(Samen__V1__BusyEntry *b)
{
	if (b == NULL)
		return;
	free(b->date);
	free(b->start_time);
	free(b->end_time);
	free(b->reason);
	free(b);
}

/* Orders busy entries by date, start, end and reason. */
static int
ical_busy_cmp(const void *a, const void *b)
{
	const Samen__V1__BusyEntry *x = *(Samen__V1__BusyEntry *const *)a;
	const Samen__V1__BusyEntry *y = *(Samen__V1__BusyEntry *const *)b;
	int c;

	if ((c = strcmp(x->date, y->date)) != 0)
		return c;
	if ((c = strcmp(x->start_time, y->start_time)) != 0)
		return c;
	if ((c = strcmp(x->end_time, y->end_time)) != 0)
		return c;
	return strcmp(x->reason, y->reason);
}

/* Sorts the entries and drops the duplicates. */
static void
ical_busy_sort(struct ical_import *ii)
{
	size_t i, j;

	if (ii->nbusy == 0)
		return;
	qsort(ii->busy, ii->nbusy, sizeof *ii->busy, ical_busy_cmp);
	for (i = 1, j = 1; i < ii->nbusy; i++) {
		if (ical_busy_cmp(&ii->busy[i], &ii->busy[j - 1]) == 0)
			ical_busy_free_one(ii->busy[i]);
		else
			ii->busy[j++] = ii->busy[i];
	}
	ii->nbusy = j;
}

/* Parses one day of the range into *day; -1 with *cause. */
static int
ical_range_day(const char *s, const char *what, int64_t *day, char **cause)
{
	struct date d;

	if (s == NULL || date_parse(s, &d) == -1) {
		xasprintf(cause, "%s is not a date (YYYY-MM-DD): \"%.32s\"",
		    what, s == NULL ? "" : s);
		return -1;
	}
	if (d.year < ICAL_MIN_YEAR || d.year > ICAL_MAX_YEAR) {
		xasprintf(cause, "%s %s is not in the years %d to %d", what, s,
		    ICAL_MIN_YEAR, ICAL_MAX_YEAR);
		return -1;
	}
	*day = date_to_days(&d);
	return 0;
}

/*
 * Reads a council's calendar into busy entries for the occurrences whose
 * local date (in tzid) is in [from, to], sorted, without duplicates; the
 * VEVENTs left out are counted in *skipped.  0, or -1 with *cause and
 * nothing returned.
 */
int
ical_import(const char *text, const char *tzid, const char *from,
    const char *to, Samen__V1__BusyEntry ***out, size_t *n, size_t *skipped,
    char **cause)
{
	struct ical_import ii;
	icalcomponent *root, *cal;
	icalcompiter it;
	int rv = -1, ncal = 0;

	*out = NULL;
	*n = 0;
	*skipped = 0;
	if (ical_load(cause) == -1)
		return -1;
	/* A client's broken file must be reported, never abort the daemon. */
	lib.icalerror_set_errors_are_fatal(0);
	memset(&ii, 0, sizeof ii);
	ii.cause = cause;
	if (clock_gettime(CLOCK_MONOTONIC, &ii.began) == -1)
		fatal("clock_gettime");
	ii.from_s = from;
	ii.to_s = to;
	if ((ii.region = ical_builtin_zone(tzid, cause)) == NULL ||
	    ical_range_day(from, "from", &ii.from, cause) == -1 ||
	    ical_range_day(to, "to", &ii.to, cause) == -1)
		return -1;
	if (ii.from > ii.to) {
		xasprintf(cause, "from %s is after to %s", from, to);
		return -1;
	}
	if (text == NULL ||
	    (root = lib.icalparser_parse_string(text)) == NULL) {
		ical_parse_fail(text == NULL ? "" : text, cause);
		return -1;
	}
	if (ical_check(root, cause) == -1 ||
	    ical_check_zones(root, cause) == -1)
		goto out;

	switch (lib.icalcomponent_isa(root)) {
	case ICAL_VCALENDAR_COMPONENT:
		ncal = 1;
		if (ical_calendar(&ii, root) == -1)
			goto out;
		break;
	case ICAL_XROOT_COMPONENT:
		it = lib.icalcomponent_begin_component(root,
		    ICAL_VCALENDAR_COMPONENT);
		for (; (cal = lib.icalcompiter_deref(&it)) != NULL;
		    lib.icalcompiter_next(&it)) {
			ncal++;
			if (ical_calendar(&ii, cal) == -1)
				goto out;
		}
		break;
	default:
		break;
	}
	if (ncal == 0) {
		xasprintf(cause, "not an iCalendar file: a bare %s without "
		    "BEGIN:VCALENDAR",
		    lib.icalcomponent_kind_to_string(
		    lib.icalcomponent_isa(root)));
		goto out;
	}
	ical_busy_sort(&ii);
	*out = ii.busy;
	*n = ii.nbusy;
	*skipped = ii.skipped;
	ii.busy = NULL;
	ii.nbusy = 0;
	rv = 0;
out:
	lib.icalcomponent_free(root);
	ical_busy_free(ii.busy, ii.nbusy);
	free(ii.ovr);
	return rv;
}

/* Frees n busy entries made by ical_import, and the array. */
void
ical_busy_free(Samen__V1__BusyEntry **busy, size_t n)
{
	size_t i;

	if (busy == NULL)
		return;
	for (i = 0; i < n; i++)
		ical_busy_free_one(busy[i]);
	free(busy);
}
