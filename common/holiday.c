/*
 * Dutch public holidays: fixed dates, dates relative to Easter Sunday and
 * the monarch's day, for the years HOLIDAY_YEAR_MIN..HOLIDAY_YEAR_MAX.
 *
 * Every holiday of the year is listed every year; the historical start of
 * Liberation Day (1945) and Remembrance Day (1946) is not modelled.  Only
 * the monarch's day follows history, see holiday_monarch().
 */
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "holiday.h"

#define HOLIDAY_EASTER	0	/* rule month: day is an offset from Easter */

struct holiday_rule {
	int		 month;		/* 1..12, or HOLIDAY_EASTER */
	int		 day;		/* day of month, or days after Easter */
	const char	*id;
	const char	*name_nl;
	const char	*name_en;
	int		 blocks_day;
	int		 blocks_evening;
};

/* Every holiday but the monarch's day, which moves with the weekday. */
static const struct holiday_rule holiday_rules[] = {
	{ 1, 1, "new-year", "Nieuwjaarsdag", "New Year's Day", 1, 1 },
	{ HOLIDAY_EASTER, -2, "good-friday", "Goede Vrijdag", "Good Friday",
	    0, 0 },
	{ HOLIDAY_EASTER, 0, "easter-sunday", "Eerste Paasdag",
	    "Easter Sunday", 1, 1 },
	{ HOLIDAY_EASTER, 1, "easter-monday", "Tweede Paasdag",
	    "Easter Monday", 1, 1 },
	{ 5, 4, "remembrance", "Dodenherdenking", "Remembrance Day", 0, 1 },
	{ 5, 5, "liberation", "Bevrijdingsdag", "Liberation Day", 1, 1 },
	{ HOLIDAY_EASTER, 39, "ascension", "Hemelvaartsdag", "Ascension Day",
	    1, 1 },
	{ HOLIDAY_EASTER, 49, "whit-sunday", "Eerste Pinksterdag",
	    "Whit Sunday", 1, 1 },
	{ HOLIDAY_EASTER, 50, "whit-monday", "Tweede Pinksterdag",
	    "Whit Monday", 1, 1 },
	{ 12, 25, "christmas", "Eerste Kerstdag", "Christmas Day", 1, 1 },
	{ 12, 26, "boxing-day", "Tweede Kerstdag", "Boxing Day", 1, 1 },
};

#define HOLIDAY_NRULES	(sizeof(holiday_rules) / sizeof(holiday_rules[0]))

_Static_assert(HOLIDAY_NRULES + 1 == HOLIDAY_MAX,
    "HOLIDAY_MAX counts the rules and the monarch's day");

/* Easter Sunday of year (Meeus/Jones/Butcher); -1: year out of range. */
int
holiday_easter(int year, struct date *out)
{
	int a, b, c, d, e, f, g, h, i, k, l, m, n;

	if (year < HOLIDAY_YEAR_MIN || year > HOLIDAY_YEAR_MAX)
		return -1;
	a = year % 19;
	b = year / 100;
	c = year % 100;
	d = b / 4;
	e = b % 4;
	f = (b + 8) / 25;
	g = (b - f + 1) / 3;
	h = (19 * a + b - d - g + 15) % 30;
	i = c / 4;
	k = c % 4;
	l = (32 + 2 * e + 2 * i - h - k) % 7;
	m = (a + 11 * h + 22 * l) / 451;
	n = h + l - 7 * m + 114;
	out->year = year;
	out->month = n / 31;
	out->day = n % 31 + 1;
	return 0;
}

/* Fills h from rule r: the names, flags and the date in year. */
static void
holiday_from_rule(const struct holiday_rule *r, int year,
    const struct date *easter, struct holiday *h)
{
	if (r->month == HOLIDAY_EASTER)
		date_from_days(date_to_days(easter) + r->day, &h->date);
	else {
		h->date.year = year;
		h->date.month = r->month;
		h->date.day = r->day;
	}
	h->id = r->id;
	h->name_nl = r->name_nl;
	h->name_en = r->name_en;
	h->blocks_day = r->blocks_day;
	h->blocks_evening = r->blocks_evening;
}

/*
 * Fills h with the monarch's day of year:
 *   2014-     King's Day, 27 April; 26 April when the 27th is a Sunday.
 *   1980-2013 Queen's Day, 30 April; 29 April when the 30th is a Sunday.
 *   1949-1979 Queen's Day, 30 April; 1 May when the 30th is a Sunday.
 *   1900-1948 Queen's Day (Wilhelmina), 31 August; 1 September when the
 *             31st is a Sunday.
 */
static void
holiday_monarch(int year, struct holiday *h)
{
	h->date.year = year;
	if (year >= 2014) {
		h->date.month = 4;
		h->date.day = 27;
	} else if (year >= 1949) {
		h->date.month = 4;
		h->date.day = 30;
	} else {
		h->date.month = 8;
		h->date.day = 31;
	}
	if (date_weekday(&h->date) == 0) {
		/* Move a day back from 1980 on, a day forward before. */
		date_from_days(date_to_days(&h->date) + (year >= 1980 ? -1 : 1),
		    &h->date);
	}
	if (year >= 2014) {
		h->id = "kings-day";
		h->name_nl = "Koningsdag";
		h->name_en = "King's Day";
	} else {
		h->id = "queens-day";
		h->name_nl = "Koninginnedag";
		h->name_en = "Queen's Day";
	}
	h->blocks_day = 1;
	h->blocks_evening = 1;
}

/* How much h blocks: 2 the whole day, 1 the evening, 0 nothing. */
static int
holiday_rank(const struct holiday *h)
{
	if (h->blocks_day)
		return 2;
	return h->blocks_evening ? 1 : 0;
}

/* True when a goes after b: later, or the same date and blocking less. */
static int
holiday_after(const struct holiday *a, const struct holiday *b)
{
	int64_t da = date_to_days(&a->date), db = date_to_days(&b->date);

	if (da != db)
		return da > db;
	return holiday_rank(a) < holiday_rank(b);
}

/*
 * Writes the holidays of year into out in date order, the more blocking
 * first when two share a date, at most max of them (HOLIDAY_MAX always
 * suffices).  Returns how many were written; 0 when year is out of range.
 */
size_t
holiday_list(int year, struct holiday *out, size_t max)
{
	struct holiday all[HOLIDAY_MAX], tmp;
	struct date easter;
	size_t n = 0, i, j;

	if (holiday_easter(year, &easter) == -1)
		return 0;
	for (i = 0; i < HOLIDAY_NRULES; i++)
		holiday_from_rule(&holiday_rules[i], year, &easter, &all[n++]);
	holiday_monarch(year, &all[n++]);

	/* Insertion sort: stable, so ties keep the rule order. */
	for (i = 1; i < n; i++) {
		tmp = all[i];
		for (j = i; j > 0 && holiday_after(&all[j - 1], &tmp); j--)
			all[j] = all[j - 1];
		all[j] = tmp;
	}

	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		out[i] = all[i];
	return n;
}

/*
 * The holiday of list on date d, or NULL.  When several fall on d (Liberation
 * Day or Remembrance Day on Ascension Day), the one that blocks most: a whole
 * day before an evening before nothing; among equals the first in list.
 */
const struct holiday *
holiday_on(const struct holiday *list, size_t n, const struct date *d)
{
	const struct holiday *best = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (list[i].date.year != d->year ||
		    list[i].date.month != d->month ||
		    list[i].date.day != d->day)
			continue;
		if (best == NULL || holiday_rank(&list[i]) > holiday_rank(best))
			best = &list[i];
	}
	return best;
}
