/*
 * The calendar's month grid (client/grid.c) against a stored expected
 * text: tests/fixtures/grid-2030-04.txt, April 2030 with meetings,
 * holidays (Easter, King's Day, Good Friday listed), a blackout and busy
 * dates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "samen.h"

/* The whole of a file, or NULL. */
static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (buf != NULL && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	return buf;
}

/* April 2030 as the region would see it. */
static void
april(struct grid_month *g, int colour)
{
	memset(g, 0, sizeof(*g));
	g->year = 2030;
	g->month = 4;
	g->colour = colour;
	strcpy(g->days[9].kinds, "P");		/* 10th: portfolio holders */
	g->days[9].meetings = 1;
	strcpy(g->days[14].kinds, "RI");	/* 15th: two meetings */
	g->days[14].meetings = 2;
	strcpy(g->days[23].kinds, "RSG");	/* 24th: four meetings */
	g->days[23].meetings = 4;
	g->days[18].holiday = GRID_HOLIDAY_LISTED;	/* Good Friday */
	g->days[20].holiday = GRID_HOLIDAY_DAY;		/* Easter Sunday */
	g->days[21].holiday = GRID_HOLIDAY_DAY;		/* Easter Monday */
	g->days[26].holiday = GRID_HOLIDAY_DAY;		/* King's Day */
	g->days[27].blackout = g->days[28].blackout = g->days[29].blackout = 1;
	g->days[0].busy = 1;
	g->days[7].busy = 2;
	g->days[14].busy = 3;
	g->days[28].busy = 1;
}

/* The plain grid is exactly the stored text. */
static void
test_april_2030(void **state)
{
	struct grid_month g;
	char *got, *want;

	(void)state;
	april(&g, 0);
	got = grid_render(&g);
	want = slurp("tests/fixtures/grid-2030-04.txt");
	assert_non_null(got);
	assert_non_null(want);
	assert_string_equal(got, want);
	assert_null(strchr(got, '\033'));
	free(got);
	free(want);
}

/* Colour only when asked; the text between the codes stays the same. */
static void
test_colour(void **state)
{
	struct grid_month g;
	char *plain, *col;

	(void)state;
	april(&g, 1);
	col = grid_render(&g);
	april(&g, 0);
	plain = grid_render(&g);
	assert_non_null(strchr(col, '\033'));
	assert_true(strlen(col) > strlen(plain));
	free(col);
	free(plain);
}

/* A month that starts on Monday and one that needs six rows. */
static void
test_shapes(void **state)
{
	struct grid_month g;
	char *s, *end;
	int lines = 0;

	(void)state;
	memset(&g, 0, sizeof(g));
	g.year = 2030;
	g.month = 9;		/* 1 September 2030 is a Sunday: 6 rows */
	s = grid_render(&g);
	/* title, day names, then one line per week up to the blank line */
	end = strstr(s, "\n\n");
	assert_non_null(end);
	for (char *p = s; p < end; p++)
		lines += *p == '\n';
	assert_int_equal(lines + 1 - 2, 6);
	assert_non_null(strstr(s, "September 2030"));
	/* the 1st is a Sunday: the seventh cell of the first week */
	assert_non_null(strstr(s, "Sun\n                                                                    1\n"));
	free(s);
	g.month = 4;		/* 1 April 2030 is a Monday */
	g.today = 3;
	s = grid_render(&g);
	assert_non_null(strstr(s, "> 3"));
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_april_2030),
		cmocka_unit_test(test_colour),
		cmocka_unit_test(test_shapes),
	};

	return cmocka_run_group_tests_name("grid", tests, NULL, NULL);
}
