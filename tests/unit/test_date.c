/* Unit tests of common/date.c and the election calendar's arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "date.h"

/* Known weekdays, including leap days and century rules. */
static void
test_weekday(void **state)
{
	struct date d;

	(void)state;
	assert_int_equal(date_parse("1970-01-01", &d), 0);
	assert_int_equal(date_weekday(&d), 4);		/* Thursday */
	assert_int_equal(date_parse("2030-03-20", &d), 0);
	assert_int_equal(date_weekday(&d), 3);		/* Wednesday */
	assert_int_equal(date_parse("2000-02-29", &d), 0);
	assert_int_equal(date_weekday(&d), 2);		/* Tuesday */
	assert_int_equal(date_parse("1900-01-01", &d), 0);
	assert_int_equal(date_weekday(&d), 1);		/* Monday */
}

/* Days round-trip over four centuries. */
static void
test_roundtrip(void **state)
{
	struct date d, e;
	int64_t z;

	(void)state;
	for (z = -50000; z < 100000; z += 7) {
		date_from_days(z, &d);
		assert_true(date_valid(&d));
		assert_int_equal(date_to_days(&d), z);
	}
	e.year = 2026;
	e.month = 3;
	e.day = 18;
	assert_int_equal(date_to_days(&e), 20530);
}

/* Only real dates in exactly YYYY-MM-DD parse. */
static void
test_parse(void **state)
{
	struct date d;
	char buf[DATE_STRLEN];

	(void)state;
	assert_int_equal(date_parse("2028-02-29", &d), 0);
	assert_int_equal(date_parse("2027-02-29", &d), -1);
	assert_int_equal(date_parse("1900-02-29", &d), -1);
	assert_int_equal(date_parse("2030-13-01", &d), -1);
	assert_int_equal(date_parse("2030-04-31", &d), -1);
	assert_int_equal(date_parse("2030-4-01", &d), -1);
	assert_int_equal(date_parse("2030-04-01x", &d), -1);
	assert_int_equal(date_parse("", &d), -1);
	assert_int_equal(date_parse("2030-00-10", &d), -1);
	assert_int_equal(date_add_days("2030-03-20", 14, buf), 0);
	assert_string_equal(buf, "2030-04-03");
	assert_int_equal(date_add_days("2030-12-25", 10, buf), 0);
	assert_string_equal(buf, "2031-01-04");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
