/*
 * libFuzzer target: a council's calendar as availability_import reads
 * it, ical_import (daemon/ical.c) on arbitrary text, in the region's
 * zone, for three years around the fixtures' 2030.
 *
 * Checks, beyond the sanitizers: a refusal says why and returns nothing;
 * what is returned keeps the promises of ical.c's opening comment: dates
 * in the range, sorted and without duplicates, no more than
 * ICAL_MAX_BUSY, times both or neither and the end after the start, a
 * reason of one line of UTF-8 of at most FUZZ_MAX_REASON bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "ical.h"
#include "wire.h"

#define FUZZ_TZ		"Europe/Amsterdam"
#define FUZZ_FROM	"2029-01-01"
#define FUZZ_TO		"2031-12-31"
#define FUZZ_MAX_REASON	100	/* ical.c's ICAL_MAX_REASON */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A broken promise of the importer: report and crash, so it is kept. */
static void
fuzz_fail(const char *what, const Samen__V1__BusyEntry *b)
{
	if (b != NULL)
		fprintf(stderr, "fuzz_ical: %s: %s %s-%s \"%s\"\n", what,
		    b->date, b->start_time, b->end_time, b->reason);
	else
		fprintf(stderr, "fuzz_ical: %s\n", what);
	abort();
}

/* True for HH:MM from 00:00 to 23:59. */
static int
fuzz_hhmm(const char *s)
{
	return strlen(s) == 5 && s[2] == ':' &&
	    s[0] >= '0' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' &&
	    s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9' &&
	    (s[0] < '2' || s[1] <= '3');
}

/* True for UTF-8 (shortest forms, no surrogates) without control
 * characters. */
static int
fuzz_line(const char *s)
{
	return wire_text_ok(s, 0);
}

/* The order ical.c sorts in: date, start, end, reason. */
static int
fuzz_cmp(const Samen__V1__BusyEntry *x, const Samen__V1__BusyEntry *y)
{
	int c;

	if ((c = strcmp(x->date, y->date)) != 0)
		return c;
	if ((c = strcmp(x->start_time, y->start_time)) != 0)
		return c;
	if ((c = strcmp(x->end_time, y->end_time)) != 0)
		return c;
	return strcmp(x->reason, y->reason);
}

/* Checks one entry returned by the import. */
static void
fuzz_check(const Samen__V1__BusyEntry *b)
{
	struct date d;

	if (b->date == NULL || b->start_time == NULL || b->end_time == NULL ||
	    b->reason == NULL)
		fuzz_fail("an entry with a field missing", NULL);
	if (date_parse(b->date, &d) == -1 || strcmp(b->date, FUZZ_FROM) < 0 ||
	    strcmp(b->date, FUZZ_TO) > 0)
		fuzz_fail("a date that is not in the range", b);
	if (*b->start_time != '\0' || *b->end_time != '\0') {
		if (!fuzz_hhmm(b->start_time) || !fuzz_hhmm(b->end_time))
			fuzz_fail("times that are not HH:MM, both", b);
		if (strcmp(b->end_time, b->start_time) <= 0)
			fuzz_fail("an end that is not after the start", b);
	}
	if (strlen(b->reason) > FUZZ_MAX_REASON || !fuzz_line(b->reason))
		fuzz_fail("a reason that is not one short line of UTF-8", b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Samen__V1__BusyEntry **busy = NULL;
	size_t n = 0, skipped = 0, i;
	char *text, *cause = NULL;

	if ((text = malloc(size + 1)) == NULL)
		fuzz_fail("malloc", NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	if (ical_import(text, FUZZ_TZ, FUZZ_FROM, FUZZ_TO, &busy, &n, &skipped,
	    &cause) == -1) {
		if (cause == NULL || busy != NULL || n != 0)
			fuzz_fail("a refusal without a reason, or with entries",
			    NULL);
		free(cause);
		free(text);
		return 0;
	}
	if (cause != NULL)
		fuzz_fail("a reason given with success", NULL);
	if (n > ICAL_MAX_BUSY || (n > 0 && busy == NULL))
		fuzz_fail("too many entries, or none where some are counted",
		    NULL);
	for (i = 0; i < n; i++) {
		fuzz_check(busy[i]);
		if (i > 0 && fuzz_cmp(busy[i - 1], busy[i]) >= 0)
			fuzz_fail("entries out of order or twice", busy[i]);
	}
	ical_busy_free(busy, n);
	free(text);
	return 0;
}
