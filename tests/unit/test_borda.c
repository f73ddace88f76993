/* Unit tests of common/borda.c against hand-computed tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "borda.h"

/*
 * Four open items (A5 is done: the caller leaves it out), five towns.
 *
 *	leiden       A1 A2 A3 A4   -> A1 4, A2 3, A3 2, A4 1
 *	leiderdorp   A2 A1 A4      -> A2 4, A1 3, A4 2
 *	oegstgeest   A3 A2         -> A3 4, A2 3
 *	voorschoten  A2 A5 A4      -> A2 4, A4 3 (A5 not open: skipped)
 *	zoeterwoude  (none)
 *
 *	item  points  firsts  ranks (ld, lt, og, vs, zw)   regional
 *	A2    14      2       2 1 2 1 0                    1
 *	A1     7      1       1 2 0 0 0                    2
 *	A3     6      1       3 0 1 0 0                    3 (tie on points,
 *	A4     6      0       4 3 0 2 0                    4  A3 has a first)
 */
static void
test_example(void **state)
{
	static const char *const open[] = { "A1", "A2", "A3", "A4" };
	static const char *const ld[] = { "A1", "A2", "A3", "A4" };
	static const char *const lt[] = { "A2", "A1", "A4" };
	static const char *const og[] = { "A3", "A2" };
	static const char *const vs[] = { "A2", "A5", "A4" };
	const struct borda_ranking r[] = {
		{ "leiden", ld, 4 },
		{ "leiderdorp", lt, 3 },
		{ "oegstgeest", og, 2 },
		{ "voorschoten", vs, 3 },
		{ "zoeterwoude", NULL, 0 },
	};
	static const struct {
		const char	*item;
		unsigned	 points, firsts, ranks[5], given[5];
	} want[] = {
		{ "A2", 14, 2, { 2, 1, 2, 1, 0 }, { 3, 4, 3, 4, 0 } },
		{ "A1", 7, 1, { 1, 2, 0, 0, 0 }, { 4, 3, 0, 0, 0 } },
		{ "A3", 6, 1, { 3, 0, 1, 0, 0 }, { 2, 0, 4, 0, 0 } },
		{ "A4", 6, 0, { 4, 3, 0, 2, 0 }, { 1, 2, 0, 3, 0 } },
	};
	struct borda_row rows[4];
	size_t i, j;

	(void)state;
	assert_int_equal(borda_count(open, 4, r, 5, rows), 0);
	for (i = 0; i < 4; i++) {
		assert_string_equal(rows[i].item, want[i].item);
		assert_int_equal(rows[i].points, want[i].points);
		assert_int_equal(rows[i].first_places, want[i].firsts);
		assert_int_equal(rows[i].rank, i + 1);
		for (j = 0; j < 5; j++) {
			assert_int_equal(rows[i].ranks[j], want[i].ranks[j]);
			assert_int_equal(rows[i].given[j], want[i].given[j]);
		}
	}
	borda_free(rows, 4);
}

/* Full ties fall back to the id, in natural order (A9 before A10). */
static void
test_ties_by_id(void **state)
{
	static const char *const open[] = { "A10", "A9", "A2" };
	static const char *const a[] = { "A10" };
	static const char *const b[] = { "A9" };
	const struct borda_ranking r[] = { { "a", a, 1 }, { "b", b, 1 } };
	struct borda_row rows[3];

	(void)state;
	assert_int_equal(borda_count(open, 3, r, 2, rows), 0);
	assert_string_equal(rows[0].item, "A9");
	assert_string_equal(rows[1].item, "A10");
	assert_string_equal(rows[2].item, "A2");
	assert_int_equal(rows[0].points, 3);
	assert_int_equal(rows[2].points, 0);
	borda_free(rows, 3);
	assert_true(borda_idcmp("A2", "A10") < 0);
	assert_true(borda_idcmp("A10", "A2") > 0);
	assert_int_equal(borda_idcmp("A7", "A7"), 0);
	assert_true(borda_idcmp("leiden", "leiderdorp") < 0);
}

/* Equal weight: a town's size does not matter, only its order. */
static void
test_equal_weight(void **state)
{
	static const char *const open[] = { "A1", "A2" };
	static const char *const x[] = { "A1", "A2" };
	static const char *const y[] = { "A2", "A1" };
	const struct borda_ranking r[] = { { "big", x, 2 }, { "small", y, 2 } };
	struct borda_row rows[2];

	(void)state;
	assert_int_equal(borda_count(open, 2, r, 2, rows), 0);
	assert_int_equal(rows[0].points, 3);
	assert_int_equal(rows[1].points, 3);
	assert_int_equal(rows[0].first_places, 1);
	assert_string_equal(rows[0].item, "A1");
	borda_free(rows, 2);
}

/* A ranking that names an item twice is refused. */
static void
test_duplicate(void **state)
{
	static const char *const open[] = { "A1", "A2" };
	static const char *const x[] = { "A1", "A1" };
	const struct borda_ranking r[] = { { "x", x, 2 } };
	struct borda_row rows[2];

	(void)state;
	assert_int_equal(borda_count(open, 2, r, 1, rows), -1);
}

/* No open items, no rankings: nothing to rank, no crash. */
static void
test_empty(void **state)
{
	struct borda_row rows[1];

	(void)state;
	assert_int_equal(borda_count(NULL, 0, NULL, 0, rows), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_ties_by_id),
		cmocka_unit_test(test_equal_weight),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests_name("borda", tests, NULL, NULL);
}
