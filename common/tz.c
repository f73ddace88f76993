/*
 * Conversions between UTC seconds and local wall-clock time in a named
 * zone (the region's, e.g. Europe/Amsterdam).  libc knows only one zone
 * at a time, through TZ: a conversion sets TZ to its zone and leaves it
 * there, so that the next conversion in the same zone (a timeline or an
 * export converts many times) does not make libc read the zone again.
 * Neither program prints local time of any other zone.  Both are
 * single-threaded.
 */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "tz.h"

/* Makes zone the one libc converts in, unless it is already. */
static void
tz_use(const char *zone)
{
	const char *cur = getenv("TZ");

	if (cur != NULL && strcmp(cur, zone) == 0)
		return;
	setenv("TZ", zone, 1);
	tzset();
}

/* The local time in zone of a UTC instant. 0, or -1. */
int
tz_to_local(const char *zone, int64_t utc, struct tm *out)
{
	time_t t = (time_t)utc;

	tz_use(zone);
	return localtime_r(&t, out) == NULL ? -1 : 0;
}

/*
 * The UTC instant of a local wall-clock time in zone (tm_year, tm_mon,
 * tm_mday, tm_hour, tm_min used).  A time that does not exist (the hour
 * skipped in spring) or exists twice (autumn) is taken as libc's mktime
 * takes it with tm_isdst = -1.  0, or -1.
 */
int
tz_from_local(const char *zone, const struct tm *local, int64_t *utc)
{
	struct tm tm = *local;
	time_t t;

	tm.tm_isdst = -1;
	tm.tm_sec = 0;
	tz_use(zone);
	t = mktime(&tm);
	if (t == (time_t)-1)
		return -1;
	*utc = (int64_t)t;
	return 0;
}

/* The local date (YYYY-MM-DD, DATE_STRLEN bytes) in zone of an instant. */
void
tz_local_date(const char *zone, int64_t utc, char *buf)
{
	struct tm tm;
	struct date d;

	if (tz_to_local(zone, utc, &tm) == -1) {
		strcpy(buf, "0000-00-00");
		return;
	}
	d.year = tm.tm_year + 1900;
	d.month = tm.tm_mon + 1;
	d.day = tm.tm_mday;
	date_format(&d, buf);
}
