/* Date arithmetic: days since 1970-01-01 <-> year, month, day. */
#include <stdio.h>
#include <string.h>

#include "date.h"

/* True when the date exists. */
int
date_valid(const struct date *d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int leap, max;

	if (d->year < 1 || d->year > 9999 || d->month < 1 || d->month > 12 ||
	    d->day < 1)
		return 0;
	leap = (d->year % 4 == 0 && d->year % 100 != 0) || d->year % 400 == 0;
	max = mdays[d->month - 1] + (d->month == 2 && leap);
	return d->day <= max;
}

/* Parses exactly YYYY-MM-DD of a date that exists; -1 otherwise. */
int
date_parse(const char *s, struct date *d)
{
	int i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	}
	d->year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
	    (s[2] - '0') * 10 + (s[3] - '0');
	d->month = (s[5] - '0') * 10 + (s[6] - '0');
	d->day = (s[8] - '0') * 10 + (s[9] - '0');
	return date_valid(d) ? 0 : -1;
}

/* Writes YYYY-MM-DD into buf (DATE_STRLEN bytes). */
void
date_format(const struct date *d, char *buf)
{
	snprintf(buf, DATE_STRLEN, "%04u-%02u-%02u",
	    (unsigned)d->year % 10000u, (unsigned)d->month % 100u,
	    (unsigned)d->day % 100u);
}

/* Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
int64_t
date_to_days(const struct date *d)
{
	int64_t y = d->year - (d->month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = (d->month + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + d->day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

/* The date of a day number (the inverse of date_to_days). */
void
date_from_days(int64_t z, struct date *d)
{
	int64_t era, doe, yoe, y, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	d->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	d->year = (int)(y + (d->month <= 2));
}

/* 0 = Sunday .. 6 = Saturday. */
int
date_weekday(const struct date *d)
{
	int64_t z = date_to_days(d);	/* 1970-01-01 was a Thursday */

	return (int)(((z % 7) + 7 + 4) % 7);
}

/* Writes the date n days after s into out; -1: s is not a date. */
int
date_add_days(const char *s, int n, char *out)
{
	struct date d;

	if (date_parse(s, &d) == -1)
		return -1;
	date_from_days(date_to_days(&d) + n, &d);
	date_format(&d, out);
	return 0;
}
