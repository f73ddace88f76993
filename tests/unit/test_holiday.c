/* Unit tests of common/holiday.c: Easter, the monarch's day, the year's list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"
#include "holiday.h"

/*
 * Easter Sundays written out, checked against published tables and
 * python-dateutil's easter(), a third implementation.
 */
static const char *const known_easter[] = {
	"1900-04-15", "1901-04-07", "1913-03-23", "1916-04-23", "1924-04-20",
	"1940-03-24", "1943-04-25", "1945-04-01", "1951-03-25", "1954-04-18",
	"1961-04-02", "1967-03-26", "1974-04-14", "1981-04-19", "1989-03-26",
	"1999-04-04", "2000-04-23", "2001-04-15", "2008-03-23", "2011-04-24",
	"2016-03-27", "2018-04-01", "2019-04-21", "2022-04-17", "2024-03-31",
	"2025-04-20", "2026-04-05", "2027-03-28", "2030-04-21", "2038-04-25",
	"2045-04-09", "2049-04-18", "2062-03-26", "2076-04-19", "2095-04-24",
	"2100-03-28", "2125-04-22", "2150-04-12", "2160-03-23", "2181-04-01",
	"2199-04-14", "2200-04-06",
};

/* Formats d as YYYY-MM-DD into a static buffer, for string assertions. */
static const char *
fmt(const struct date *d)
{
	static char buf[DATE_STRLEN];

	date_format(d, buf);
	return buf;
}

/* Parses s, failing the test when it is not a date. */
static struct date
day(const char *s)
{
	struct date d;

	assert_int_equal(date_parse(s, &d), 0);
	return d;
}

/* Easter by Gauss's method with its two exceptions: a second computus. */
static void
gauss_easter(int year, struct date *out)
{
	int a, b, c, k, p, q, m, n, d, e, march;

	a = year % 19;
	b = year % 4;
	c = year % 7;
	k = year / 100;
	p = (13 + 8 * k) / 25;
	q = k / 4;
	m = (15 - p + k - q) % 30;
	n = (4 + k - q) % 7;
	d = (19 * a + m) % 30;
	e = (2 * b + 4 * c + 6 * d + n) % 7;
	march = 22 + d + e;
	if (d == 29 && e == 6)
		march = 31 + 19;
	else if (d == 28 && e == 6 && (11 * m + 11) % 30 < 19)
		march = 31 + 18;
	out->year = year;
	out->month = march > 31 ? 4 : 3;
	out->day = march > 31 ? march - 31 : march;
}

/* The monarch's day of year, failing the test when there is none. */
static const struct holiday *
monarch(int year, struct holiday *list)
{
	size_t n, i;

	n = holiday_list(year, list, HOLIDAY_MAX);
	assert_int_equal(n, HOLIDAY_MAX);
	for (i = 0; i < n; i++) {
		if (strcmp(list[i].id, "kings-day") == 0 ||
		    strcmp(list[i].id, "queens-day") == 0)
			return &list[i];
	}
	fail_msg("no monarch's day in %d", year);
	return NULL;
}

/* The holiday with id in list, failing the test when absent. */
static const struct holiday *
by_id(const struct holiday *list, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(list[i].id, id) == 0)
			return &list[i];
	}
	fail_msg("no %s", id);
	return NULL;
}

/* Every written-out Easter Sunday comes out of holiday_easter(). */
static void
test_easter_known(void **state)
{
	struct date d;
	size_t i;
	int year;

	(void)state;
	assert_true(sizeof(known_easter) / sizeof(known_easter[0]) >= 25);
	for (i = 0; i < sizeof(known_easter) / sizeof(known_easter[0]); i++) {
		year = day(known_easter[i]).year;
		assert_int_equal(holiday_easter(year, &d), 0);
		assert_string_equal(fmt(&d), known_easter[i]);
	}
}

/* Meeus/Jones/Butcher and Gauss agree on every year; each is a Sunday. */
static void
test_easter_gauss(void **state)
{
	struct date d, g, lo, hi;
	int year;

	(void)state;
	for (year = HOLIDAY_YEAR_MIN; year <= HOLIDAY_YEAR_MAX; year++) {
		assert_int_equal(holiday_easter(year, &d), 0);
		gauss_easter(year, &g);
		assert_int_equal(d.year, year);
		assert_int_equal(d.month, g.month);
		assert_int_equal(d.day, g.day);
		assert_int_equal(date_weekday(&d), 0);
		lo.year = hi.year = year;
		lo.month = 3;
		lo.day = 22;
		hi.month = 4;
		hi.day = 25;
		assert_in_range(date_to_days(&d), date_to_days(&lo),
		    date_to_days(&hi));
	}
}

/* Outside 1900..2200 there is no answer. */
static void
test_easter_range(void **state)
{
	struct date d = { 7, 7, 7 };

	(void)state;
	assert_int_equal(holiday_easter(1899, &d), -1);
	assert_int_equal(holiday_easter(2201, &d), -1);
	assert_int_equal(holiday_easter(0, &d), -1);
	assert_int_equal(holiday_easter(-2025, &d), -1);
	assert_int_equal(d.year, 7);
	assert_int_equal(holiday_easter(1900, &d), 0);
	assert_string_equal(fmt(&d), "1900-04-15");
	assert_int_equal(holiday_easter(2200, &d), 0);
	assert_string_equal(fmt(&d), "2200-04-06");
}

/* King's Day: 27 April, or Saturday 26 April when the 27th is a Sunday. */
static void
test_kings_day(void **state)
{
	struct holiday list[HOLIDAY_MAX];
	const struct holiday *h;

	(void)state;
	h = monarch(2025, list);
	assert_string_equal(fmt(&h->date), "2025-04-26");
	assert_int_equal(date_weekday(&h->date), 6);
	assert_string_equal(h->id, "kings-day");
	assert_string_equal(h->name_nl, "Koningsdag");
	assert_string_equal(h->name_en, "King's Day");
	assert_int_equal(h->blocks_day, 1);
	assert_int_equal(h->blocks_evening, 1);
	assert_string_equal(fmt(&monarch(2026, list)->date), "2026-04-27");
	assert_string_equal(fmt(&monarch(2030, list)->date), "2030-04-27");
	/* 27 April 2031 is a Sunday. */
	assert_string_equal(fmt(&monarch(2031, list)->date), "2031-04-26");
	/* The first King's Day: 27 April 2014 was a Sunday. */
	h = monarch(2014, list);
	assert_string_equal(fmt(&h->date), "2014-04-26");
	assert_string_equal(h->id, "kings-day");
	/* 27 April 2200 is a Sunday. */
	assert_string_equal(fmt(&monarch(2200, list)->date), "2200-04-26");
}

/* Queen's Day before 2014, with each reign's Sunday rule. */
static void
test_queens_day(void **state)
{
	struct holiday list[HOLIDAY_MAX];
	const struct holiday *h;

	(void)state;
	h = monarch(2013, list);
	assert_string_equal(fmt(&h->date), "2013-04-30");
	assert_string_equal(h->id, "queens-day");
	assert_string_equal(h->name_nl, "Koninginnedag");
	assert_string_equal(h->name_en, "Queen's Day");
	assert_int_equal(h->blocks_day, 1);
	assert_int_equal(h->blocks_evening, 1);
	/* From 1980 a Sunday 30 April moves to Saturday the 29th. */
	assert_string_equal(fmt(&monarch(2006, list)->date), "2006-04-29");
	assert_string_equal(fmt(&monarch(1989, list)->date), "1989-04-29");
	assert_string_equal(fmt(&monarch(1980, list)->date), "1980-04-30");
	/* Before 1980 it moved to Monday 1 May. */
	assert_string_equal(fmt(&monarch(1978, list)->date), "1978-05-01");
	assert_string_equal(fmt(&monarch(1961, list)->date), "1961-05-01");
	assert_string_equal(fmt(&monarch(1950, list)->date), "1950-05-01");
	assert_string_equal(fmt(&monarch(1949, list)->date), "1949-04-30");
	/* Wilhelmina's birthday until 1948. */
	h = monarch(1948, list);
	assert_string_equal(fmt(&h->date), "1948-08-31");
	assert_string_equal(h->id, "queens-day");
	assert_string_equal(fmt(&monarch(1947, list)->date), "1947-09-01");
	assert_string_equal(fmt(&monarch(1913, list)->date), "1913-09-01");
	assert_string_equal(fmt(&monarch(1900, list)->date), "1900-08-31");
}

/* The whole of 2030, entry by entry. */
static void
test_list_2030(void **state)
{
	static const struct {
		const char	*date;
		const char	*id;
		const char	*name_nl;
		const char	*name_en;
		int		 blocks_day;
		int		 blocks_evening;
	} want[] = {
		{ "2030-01-01", "new-year", "Nieuwjaarsdag", "New Year's Day",
		    1, 1 },
		{ "2030-04-19", "good-friday", "Goede Vrijdag", "Good Friday",
		    0, 0 },
		{ "2030-04-21", "easter-sunday", "Eerste Paasdag",
		    "Easter Sunday", 1, 1 },
		{ "2030-04-22", "easter-monday", "Tweede Paasdag",
		    "Easter Monday", 1, 1 },
		{ "2030-04-27", "kings-day", "Koningsdag", "King's Day", 1, 1 },
		{ "2030-05-04", "remembrance", "Dodenherdenking",
		    "Remembrance Day", 0, 1 },
		{ "2030-05-05", "liberation", "Bevrijdingsdag",
		    "Liberation Day", 1, 1 },
		{ "2030-05-30", "ascension", "Hemelvaartsdag", "Ascension Day",
		    1, 1 },
		{ "2030-06-09", "whit-sunday", "Eerste Pinksterdag",
		    "Whit Sunday", 1, 1 },
		{ "2030-06-10", "whit-monday", "Tweede Pinksterdag",
		    "Whit Monday", 1, 1 },
		{ "2030-12-25", "christmas", "Eerste Kerstdag", "Christmas Day",
		    1, 1 },
		{ "2030-12-26", "boxing-day", "Tweede Kerstdag", "Boxing Day",
		    1, 1 },
	};
	struct holiday list[HOLIDAY_MAX + 2];
	size_t n, i;

	(void)state;
	memset(list, 0, sizeof(list));
	n = holiday_list(2030, list, HOLIDAY_MAX + 2);
	assert_int_equal(n, 12);
	assert_int_equal(sizeof(want) / sizeof(want[0]), 12);
	for (i = 0; i < n; i++) {
		assert_string_equal(fmt(&list[i].date), want[i].date);
		assert_string_equal(list[i].id, want[i].id);
		assert_string_equal(list[i].name_nl, want[i].name_nl);
		assert_string_equal(list[i].name_en, want[i].name_en);
		assert_int_equal(list[i].blocks_day, want[i].blocks_day);
		assert_int_equal(list[i].blocks_evening,
		    want[i].blocks_evening);
	}
	/* Nothing written past the count. */
	assert_null(list[12].id);
	assert_null(list[13].id);
}

/* Good Friday, Ascension and Whitsun, written out for a few years. */
static void
test_offsets(void **state)
{
	static const struct {
		int		 year;
		const char	*good_friday;
		const char	*easter_monday;
		const char	*ascension;
		const char	*whit_sunday;
		const char	*whit_monday;
	} want[] = {
		{ 1913, "1913-03-21", "1913-03-24", "1913-05-01", "1913-05-11",
		    "1913-05-12" },
		{ 1943, "1943-04-23", "1943-04-26", "1943-06-03", "1943-06-13",
		    "1943-06-14" },
		{ 2024, "2024-03-29", "2024-04-01", "2024-05-09", "2024-05-19",
		    "2024-05-20" },
		{ 2025, "2025-04-18", "2025-04-21", "2025-05-29", "2025-06-08",
		    "2025-06-09" },
		{ 2026, "2026-04-03", "2026-04-06", "2026-05-14", "2026-05-24",
		    "2026-05-25" },
		{ 2038, "2038-04-23", "2038-04-26", "2038-06-03", "2038-06-13",
		    "2038-06-14" },
	};
	struct holiday list[HOLIDAY_MAX];
	size_t n, i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		n = holiday_list(want[i].year, list, HOLIDAY_MAX);
		assert_int_equal(n, 12);
		assert_string_equal(fmt(&by_id(list, n, "good-friday")->date),
		    want[i].good_friday);
		assert_string_equal(
		    fmt(&by_id(list, n, "easter-monday")->date),
		    want[i].easter_monday);
		assert_string_equal(fmt(&by_id(list, n, "ascension")->date),
		    want[i].ascension);
		assert_string_equal(fmt(&by_id(list, n, "whit-sunday")->date),
		    want[i].whit_sunday);
		assert_string_equal(fmt(&by_id(list, n, "whit-monday")->date),
		    want[i].whit_monday);
	}
}

/* Every year: twelve in order, right weekdays, right distance to Easter. */
static void
test_every_year(void **state)
{
	static const struct {
		const char	*id;
		int		 offset;
		int		 weekday;
	} rel[] = {
		{ "good-friday", -2, 5 },
		{ "easter-sunday", 0, 0 },
		{ "easter-monday", 1, 1 },
		{ "ascension", 39, 4 },
		{ "whit-sunday", 49, 0 },
		{ "whit-monday", 50, 1 },
	};
	struct holiday list[HOLIDAY_MAX];
	const struct holiday *h;
	struct date easter;
	size_t n, i, j;
	int year;

	(void)state;
	for (year = HOLIDAY_YEAR_MIN; year <= HOLIDAY_YEAR_MAX; year++) {
		n = holiday_list(year, list, HOLIDAY_MAX);
		assert_int_equal(n, HOLIDAY_MAX);
		assert_int_equal(holiday_easter(year, &easter), 0);
		for (i = 0; i < n; i++) {
			assert_int_equal(list[i].date.year, year);
			assert_true(date_valid(&list[i].date));
			if (i > 0)
				assert_true(date_to_days(&list[i - 1].date) <=
				    date_to_days(&list[i].date));
			for (j = 0; j < i; j++)
				assert_string_not_equal(list[i].id,
				    list[j].id);
		}
		for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			h = by_id(list, n, rel[i].id);
			assert_int_equal(date_to_days(&h->date),
			    date_to_days(&easter) + rel[i].offset);
			assert_int_equal(date_weekday(&h->date),
			    rel[i].weekday);
		}
		h = monarch(year, list);
		assert_int_not_equal(date_weekday(&h->date), 0);
		assert_string_equal(h->id, year >= 2014 ? "kings-day" :
		    "queens-day");
		assert_string_equal(fmt(&by_id(list, n, "new-year")->date) + 4,
		    "-01-01");
		assert_string_equal(fmt(&by_id(list, n, "boxing-day")->date) +
		    4, "-12-26");
	}
}

/* holiday_on: a hit, a miss, and the blocking one when two coincide. */
static void
test_on(void **state)
{
	struct holiday list[HOLIDAY_MAX], two[2];
	const struct holiday *h;
	struct date d;
	size_t n;

	(void)state;
	n = holiday_list(2030, list, HOLIDAY_MAX);
	assert_int_equal(n, 12);
	d = day("2030-05-30");
	h = holiday_on(list, n, &d);
	assert_non_null(h);
	assert_string_equal(h->id, "ascension");
	assert_string_equal(h->name_en, "Ascension Day");
	assert_ptr_equal(h, &list[7]);
	d = day("2030-05-29");
	assert_null(holiday_on(list, n, &d));
	d = day("2030-03-20");
	assert_null(holiday_on(list, n, &d));
	/* Same day and month, another year. */
	d = day("2031-05-30");
	assert_null(holiday_on(list, n, &d));
	d = day("2030-05-04");
	h = holiday_on(list, n, &d);
	assert_non_null(h);
	assert_string_equal(h->id, "remembrance");
	assert_int_equal(h->blocks_day, 0);
	assert_int_equal(h->blocks_evening, 1);
	d = day("2030-04-19");
	h = holiday_on(list, n, &d);
	assert_non_null(h);
	assert_string_equal(h->id, "good-friday");
	assert_int_equal(h->blocks_day, 0);
	d = day("2030-01-01");
	assert_null(holiday_on(list, 0, &d));

	/* 2016: Liberation Day on Ascension Day; both listed, both block. */
	n = holiday_list(2016, list, HOLIDAY_MAX);
	assert_int_equal(n, 12);
	assert_string_equal(fmt(&list[6].date), "2016-05-05");
	assert_string_equal(list[6].id, "liberation");
	assert_string_equal(fmt(&list[7].date), "2016-05-05");
	assert_string_equal(list[7].id, "ascension");
	d = day("2016-05-05");
	h = holiday_on(list, n, &d);
	assert_ptr_equal(h, &list[6]);
	assert_int_equal(h->blocks_day, 1);

	/* 1989: Remembrance Day on Ascension Day; the blocking one first. */
	n = holiday_list(1989, list, HOLIDAY_MAX);
	assert_int_equal(n, 12);
	assert_string_equal(fmt(&list[5].date), "1989-05-04");
	assert_string_equal(list[5].id, "ascension");
	assert_string_equal(fmt(&list[6].date), "1989-05-04");
	assert_string_equal(list[6].id, "remembrance");
	d = day("1989-05-04");
	h = holiday_on(list, n, &d);
	assert_non_null(h);
	assert_string_equal(h->id, "ascension");

	/* A list in the other order still answers with the blocking one. */
	two[0] = list[6];
	two[1] = list[5];
	h = holiday_on(two, 2, &d);
	assert_ptr_equal(h, &two[1]);
	assert_string_equal(h->id, "ascension");
}

/* Years outside 1900..2200 give nothing; max bounds what is written. */
static void
test_list_bounds(void **state)
{
	struct holiday list[HOLIDAY_MAX + 1];

	(void)state;
	memset(list, 0, sizeof(list));
	assert_int_equal(holiday_list(1899, list, HOLIDAY_MAX), 0);
	assert_int_equal(holiday_list(2201, list, HOLIDAY_MAX), 0);
	assert_int_equal(holiday_list(-1, list, HOLIDAY_MAX), 0);
	assert_null(list[0].id);
	assert_int_equal(holiday_list(1900, list, HOLIDAY_MAX), 12);
	assert_int_equal(holiday_list(2200, list, HOLIDAY_MAX), 12);
	assert_int_equal(holiday_list(2030, NULL, 0), 0);

	memset(list, 0, sizeof(list));
	assert_int_equal(holiday_list(2030, list, 3), 3);
	assert_string_equal(list[0].id, "new-year");
	assert_string_equal(list[1].id, "good-friday");
	assert_string_equal(list[2].id, "easter-sunday");
	assert_string_equal(fmt(&list[2].date), "2030-04-21");
	assert_null(list[3].id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_easter_known),
		cmocka_unit_test(test_easter_gauss),
		cmocka_unit_test(test_easter_range),
		cmocka_unit_test(test_kings_day),
		cmocka_unit_test(test_queens_day),
		cmocka_unit_test(test_list_2030),
		cmocka_unit_test(test_offsets),
		cmocka_unit_test(test_every_year),
		cmocka_unit_test(test_on),
		cmocka_unit_test(test_list_bounds),
	};

	return cmocka_run_group_tests_name("holiday", tests, NULL, NULL);
}
