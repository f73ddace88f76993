/*
 * Unit tests of the audit chain's hash (daemon/audithash.c).  The
 * expected hashes were computed apart from this code, with Python's
 * hashlib over the documented encoding: a 4-byte big-endian length
 * before each field, the numbers in decimal.  A database written by any
 * samend so far verifies only while these hold.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "samend.h"

/* Hashes r after prev and compares with the expected hex digest. */
static void
assert_hash(const unsigned char *prev, const struct audit_record *r,
    const char *want)
{
	unsigned char out[AUDIT_HASH_LEN];
	char hex[2 * AUDIT_HASH_LEN + 1];
	size_t i;

	audit_hash(prev, r, out);
	for (i = 0; i < AUDIT_HASH_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", out[i]);
	assert_string_equal(hex, want);
}

/* An ordinary record after the first (all-zero) previous hash. */
static void
test_ordinary(void **state)
{
	unsigned char prev[AUDIT_HASH_LEN] = { 0 };
	struct audit_record r = { 1, 1795000000, "leiden-griffie", "create",
	    1, "A1", "Regionale woonvisie" };

	(void)state;
	assert_hash(prev, &r, "f285166c2f27e44c898140aaf7675ee1"
	    "dbd1d611e6a3425b4dae263c1260a710");
}

/* The extremes of each number, and empty strings. */
static void
test_extremes(void **state)
{
	unsigned char prev[AUDIT_HASH_LEN];
	struct audit_record r = { UINT64_MAX, INT64_MIN, "", "delete", -1,
	    "", "" };
	size_t i;

	(void)state;
	for (i = 0; i < AUDIT_HASH_LEN; i++)
		prev[i] = (unsigned char)i;
	assert_hash(prev, &r, "ba1fe41915879025434a7dfd4b4f26c1"
	    "98ec9d99176b36ff61f787780a13c447");
}

/* A negative time, and UTF-8 in the summary (hashed as its bytes). */
static void
test_negative_utf8(void **state)
{
	unsigned char prev[AUDIT_HASH_LEN];
	struct audit_record r = { 42, -1, "admin", "update", 3, "M7",
	    "Overleg Zoeterwoude \xe2\x80\x93 \xc3\xa9" };

	(void)state;
	memset(prev, 0xff, sizeof(prev));
	assert_hash(prev, &r, "eac0767d283395c8b6d88b70de82ab4f"
	    "0358d5ebfe28ccad5fae0cad68d58ef4");
}

/* A summary of n bytes less the other strings' (p, update, A12). */
static void
assert_long(size_t n, const char *want)
{
	unsigned char prev[AUDIT_HASH_LEN] = { 0 };
	size_t len = n - strlen("p") - strlen("update") - strlen("A12");
	char *summary = malloc(len + 1);
	struct audit_record r = { 7, 0, "p", "update", 7, "A12", NULL };

	assert_non_null(summary);
	memset(summary, 'x', len);
	summary[len] = '\0';
	r.summary = summary;
	assert_hash(prev, &r, want);
	free(summary);
}

/*
 * Records whose strings just fit the stack buffer, just do not, and
 * are far longer: the same encoding on either side of that edge.
 */
static void
test_long(void **state)
{
	(void)state;
	assert_long(385, "4c887a0dfb547c8664756c67fb40688c"
	    "bfde8fa433eb9f4969a8a5752c2f410d");
	assert_long(386, "73ce616cbbb7c0a0fcca0e5e778d1984"
	    "384c6dcda1411c5eab7cff240170cf7a");
	assert_long(5000, "8ce29947f0c68916ae5474b8bf10ec58"
	    "a926b21bd2e4ea5436cc18dda21a6413");
}

/* Each field counts: a change to any one changes the hash. */
static void
test_each_field(void **state)
{
	unsigned char prev[AUDIT_HASH_LEN] = { 0 }, base[AUDIT_HASH_LEN];
	unsigned char other[AUDIT_HASH_LEN];
	struct audit_record r = { 5, 100, "a", "update", 1, "A5", "s" };
	struct audit_record v;
	int i;

	(void)state;
	audit_hash(prev, &r, base);
	for (i = 0; i < 8; i++) {
		unsigned char p2[AUDIT_HASH_LEN] = { 0 };

		v = r;
		switch (i) {
		case 0: p2[31] = 1; break;
		case 1: v.rev = 6; break;
		case 2: v.time = 101; break;
		case 3: v.principal = "b"; break;
		case 4: v.action = "create"; break;
		case 5: v.kind = 2; break;
		case 6: v.id = "A6"; break;
		case 7: v.summary = "t"; break;
		}
		audit_hash(i == 0 ? p2 : prev, &v, other);
		assert_memory_not_equal(base, other, AUDIT_HASH_LEN);
	}
	/* Moving a byte from one field to the next is a different record. */
	v = r;
	v.principal = "au";
	v.action = "pdate";
	audit_hash(prev, &v, other);
	assert_memory_not_equal(base, other, AUDIT_HASH_LEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ordinary),
		cmocka_unit_test(test_extremes),
		cmocka_unit_test(test_negative_utf8),
		cmocka_unit_test(test_long),
		cmocka_unit_test(test_each_field),
	};

	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
