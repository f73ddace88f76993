/*
 * The region's local time: its zone (from the daemon's hello, else the
 * region in the local copy), local date and time of day <-> UTC seconds,
 * DST-correct through common/tz.c, and today's date there.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "samen.h"
#include "tz.h"
#include "xmalloc.h"

#define LOCAL_DEFAULT_ZONE	"Europe/Amsterdam"

/*
 * The region's time zone (free it): the hello's when there is one, else
 * the region's in the local copy (m may be NULL), else the default.
 */
char *
local_zone(struct mirror *m, const Samen__V1__HelloResponse *h)
{
	Samen__V1__Entity *r = NULL;
	char *cause = NULL, *zone = NULL;

	if (h != NULL && *h->time_zone != '\0')
		return xstrdup(h->time_zone);
	if (m != NULL && mirror_get(m, SAMEN__V1__KIND__REGION, "region", &r,
	    &cause) == 0) {
		if (r->body_case == SAMEN__V1__ENTITY__BODY_REGION &&
		    *r->region->time_zone != '\0')
			zone = xstrdup(r->region->time_zone);
		samen__v1__entity__free_unpacked(r, NULL);
	}
	free(cause);
	return zone != NULL ? zone : xstrdup(LOCAL_DEFAULT_ZONE);
}

/*
 * The UTC instant of a local date (YYYY-MM-DD) and time of day in zone.
 * 0: *utc set; 1: that time does not exist there (the clocks skip it in
 * spring); -1: not a date.  A time that exists twice (autumn) is taken
 * as libc takes it.
 */
int
local_to_utc(const char *zone, const char *date, int hour, int min,
    int64_t *utc)
{
	struct date d;
	struct tm tm, back;

	if (date_parse(date, &d) == -1)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = d.year - 1900;
	tm.tm_mon = d.month - 1;
	tm.tm_mday = d.day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	if (tz_from_local(zone, &tm, utc) == -1 ||
	    tz_to_local(zone, *utc, &back) == -1)
		return -1;
	if (back.tm_year != tm.tm_year || back.tm_mon != tm.tm_mon ||
	    back.tm_mday != tm.tm_mday || back.tm_hour != hour ||
	    back.tm_min != min)
		return 1;
	return 0;
}

/*
 * Writes the local date (DATE_STRLEN bytes) and time of day ("HH:MM",
 * 6 bytes) of a UTC instant in zone; either may be NULL.
 */
void
local_from_utc(const char *zone, int64_t utc, char *date, char *hhmm)
{
	struct tm tm;
	struct date d;

	if (tz_to_local(zone, utc, &tm) == -1)
		memset(&tm, 0, sizeof(tm));
	d.year = tm.tm_year + 1900;
	d.month = tm.tm_mon + 1;
	d.day = tm.tm_mday;
	if (date != NULL)
		date_format(&d, date);
	if (hhmm != NULL)
		snprintf(hhmm, 6, "%02u:%02u", (unsigned)tm.tm_hour % 100u,
		    (unsigned)tm.tm_min % 100u);
}

/*
 * The weekday of a date (YYYY-MM-DD): "Mon", or with full "Monday"; ""
 * when it is not a date.
 */
const char *
local_weekday(const char *s, int full)
{
	static const char *const names[] = { "Sunday", "Monday", "Tuesday",
	    "Wednesday", "Thursday", "Friday", "Saturday" };
	static const char *const abbr[] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	struct date d;

	if (date_parse(s, &d) == -1)
		return "";
	return (full ? names : abbr)[date_weekday(&d)];
}

/* Writes today's date in zone (DATE_STRLEN bytes). */
void
local_today(const char *zone, char *date)
{
	local_from_utc(zone, (int64_t)time(NULL), date, NULL);
}
