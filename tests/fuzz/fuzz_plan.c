/*
 * libFuzzer target: the scheduler's validation and planning.  Each input
 * is a serialized samen.v1.PlanRequest (one that does not unpack is
 * skipped: the frame decoder refuses it before the scheduler would see
 * it); sched_plan (daemon/schedule.c) plans it on a fixed, hand-built
 * Leiden region of five municipalities in 2030: installation on 3 April,
 * three recesses, busy evenings, one college installed, earlier meetings.
 *
 * Checks, beyond the sanitizers: a refusal says why; a plan keeps the
 * hard constraints of DESIGN.md §6 that can be seen from outside (the
 * window, the allowed weekdays, no recess, no busy participant that day,
 * the minimum gap, a host from the pool) and accounts for every
 * candidate date (chosen or rejected with a reason), saying what binds
 * when fewer than asked fit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "schedule.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NMUNIS	5

static struct sched_muni	munis[NMUNIS];
static struct sched_busy	busy[6];
static struct sched_blackout	blackouts[3];
static struct sched_meeting	meetings[6];
static struct sched_region	region;

/* The day number of a date written out. */
static int64_t
day(const char *s)
{
	struct date d;

	if (date_parse(s, &d) == -1) {
		fprintf(stderr, "fuzz_plan: bad date %s\n", s);
		exit(2);
	}
	return date_to_days(&d);
}

/* The region, as tests/unit/test_schedule.c builds its Leiden. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const ids[NMUNIS] = { "leiden", "leiderdorp",
	    "oegstgeest", "voorschoten", "zoeterwoude" };
	static const char *const names[NMUNIS] = { "Leiden", "Leiderdorp",
	    "Oegstgeest", "Voorschoten", "Zoeterwoude" };
	static const char *const some[] = { "leiden", "zoeterwoude" };
	size_t i;

	(void)argc;
	(void)argv;
	for (i = 0; i < NMUNIS; i++) {
		munis[i].id = ids[i];
		munis[i].name = names[i];
		munis[i].venue = "Raadzaal";
		munis[i].college = SCHED_NONE;
	}
	munis[0].college = day("2030-05-20");
	munis[2].college = day("2030-06-03");

	busy[0] = (struct sched_busy){ day("2030-04-16"), 19 * 60 + 30,
	    23 * 60, "Raadsvergadering" };
	busy[1] = (struct sched_busy){ day("2030-04-30"), 10 * 60, 12 * 60,
	    "Commissie Bestuur" };
	busy[2] = (struct sched_busy){ day("2030-05-07"), -1, -1,
	    "Werkbezoek" };
	munis[1].busy = busy;
	munis[1].nbusy = 3;
	busy[3] = (struct sched_busy){ day("2030-04-24"), 20 * 60, 23 * 60,
	    "Raadsvergadering" };
	busy[4] = (struct sched_busy){ day("2030-06-12"), -1, -1,
	    "Begrotingsraad" };
	busy[5] = (struct sched_busy){ day("2030-09-18"), 19 * 60, 22 * 60,
	    "Commissie Ruimte" };
	munis[3].busy = busy + 3;
	munis[3].nbusy = 3;

	blackouts[0] = (struct sched_blackout){ day("2030-02-15"),
	    day("2030-02-23"), "voorjaarsreces" };
	blackouts[1] = (struct sched_blackout){ day("2030-07-13"),
	    day("2030-08-25"), "zomerreces" };
	blackouts[2] = (struct sched_blackout){ day("2030-10-19"),
	    day("2030-10-27"), "herfstreces" };

	for (i = 0; i < 6; i++) {
		meetings[i].id = "M";
		meetings[i].title = "eerder";
		meetings[i].kind =
		    SAMEN__V1__MEETING__MEETING_KIND__REGIONAL_COUNCILS;
		meetings[i].start = 19 * 60 + 30;
		meetings[i].end = 22 * 60;
	}
	meetings[0].host = "leiden";
	meetings[0].day = day("2030-04-10");
	meetings[1].host = "leiden";
	meetings[1].day = day("2030-04-15");
	meetings[2].host = "leiderdorp";
	meetings[2].day = day("2030-04-17");
	meetings[3].host = "oegstgeest";
	meetings[3].day = day("2030-04-24");
	meetings[3].kind = SAMEN__V1__MEETING__MEETING_KIND__PORTFOLIO_HOLDERS;
	meetings[3].start = 10 * 60;
	meetings[3].end = 12 * 60;
	meetings[4].host = "zoeterwoude";
	meetings[4].day = day("2030-05-01");
	meetings[4].kind = SAMEN__V1__MEETING__MEETING_KIND__INFORMAL;
	meetings[4].participants = some;
	meetings[4].nparticipants = 2;
	meetings[5].host = "voorschoten";	/* cancelled */
	meetings[5].day = day("2030-05-08");
	meetings[5].cancelled = 1;

	region.installation = day("2030-04-03");
	region.blackouts = blackouts;
	region.nblackouts = 3;
	region.munis = munis;
	region.nmunis = NMUNIS;
	region.meetings = meetings;
	region.nmeetings = 6;
	return 0;
}

/* A broken promise of the scheduler: report and crash, so it is kept. */
static void
fuzz_fail(const char *what, int64_t d)
{
	struct date dt;
	char buf[DATE_STRLEN];

	date_from_days(d, &dt);
	date_format(&dt, buf);
	fprintf(stderr, "fuzz_plan: %s (%s)\n", what, buf);
	abort();
}

/* True when s is among v[0..n). */
static int
fuzz_among(const char *s, char *const *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(s, v[i]) == 0)
			return 1;
	}
	return 0;
}

/* True when municipality m takes part in the plan. */
static int
fuzz_takes_part(const Samen__V1__PlanRequest *rq, size_t m)
{
	return rq->n_participants == 0 ||
	    fuzz_among(munis[m].id, rq->participants, rq->n_participants);
}

/* Checks one chosen meeting. */
static void
fuzz_check_pick(const Samen__V1__PlanRequest *rq,
    const struct sched_result *res, const struct sched_pick *p)
{
	struct date d;
	size_t i, m;
	int wd, ok;
	const struct sched_busy *b;

	if (p->day < res->from || p->day > res->to)
		fuzz_fail("a meeting outside the window", p->day);
	date_from_days(p->day, &d);
	wd = date_weekday(&d);
	if (wd == 0)
		wd = 7;
	if (rq->n_weekdays == 0)
		ok = wd <= 4;
	else {
		for (i = 0, ok = 0; i < rq->n_weekdays; i++)
			ok |= rq->weekdays[i] == (uint32_t)wd;
	}
	if (!ok)
		fuzz_fail("a meeting on a weekday not allowed", p->day);
	for (i = 0; i < region.nblackouts; i++) {
		if (p->day >= blackouts[i].first && p->day <= blackouts[i].last)
			fuzz_fail("a meeting in a recess", p->day);
	}
	for (m = 0; m < NMUNIS; m++) {
		if (!fuzz_takes_part(rq, m))
			continue;
		for (i = 0; i < munis[m].nbusy; i++) {
			b = &munis[m].busy[i];
			if (b->day == p->day && (b->start == -1 ||
			    (b->start < res->end && b->end > res->start)))
				fuzz_fail("a meeting while a participant is "
				    "busy", p->day);
		}
	}
	if (p->host >= NMUNIS)
		fuzz_fail("a host that is no municipality", p->day);
	if (rq->n_hosts > 0 ? !fuzz_among(munis[p->host].id, rq->hosts,
	    rq->n_hosts) : !fuzz_takes_part(rq, p->host))
		fuzz_fail("a host from outside the pool", p->day);
	if (p->title == NULL || p->why == NULL)
		fuzz_fail("a meeting without a title or a why", p->day);
}

/* Checks a plan made. */
static void
fuzz_check(const Samen__V1__PlanRequest *rq, const struct sched_result *res)
{
	const struct sched_pick *p;
	const struct sched_reject *r;
	uint32_t gap = rq->gap == 0 ? 14 : rq->gap;
	size_t i, k, j;

	if (res->error != NULL)
		fuzz_fail("an error with a plan", res->from);
	if (res->count != rq->count || res->fit > res->count)
		fuzz_fail("more fit than asked for, or another count",
		    res->from);
	if (res->from > res->to || res->to - res->from + 1 > SCHED_MAX_WINDOW)
		fuzz_fail("a window that is empty or too long", res->from);
	if (res->start < 0 || res->end <= res->start || res->end > 24 * 60)
		fuzz_fail("times that are not a span of one day", res->from);
	if (res->fit < res->count && res->binding == NULL)
		fuzz_fail("fewer fit and no binding constraint", res->from);
	if (res->fit > 0 && res->picks == NULL)
		fuzz_fail("meetings fit but none are listed", res->from);
	for (i = 0; i < res->fit; i++) {
		p = &res->picks[i];
		fuzz_check_pick(rq, res, p);
		if (i > 0 && p->day - res->picks[i - 1].day < (int64_t)gap)
			fuzz_fail("two meetings closer than the gap", p->day);
	}
	for (i = 0; i < res->nrejects; i++) {
		r = &res->rejects[i];
		if (r->day < res->from || r->day > res->to ||
		    (i > 0 && r->day <= res->rejects[i - 1].day))
			fuzz_fail("rejected dates out of the window or order",
			    r->day);
		if (r->nreasons == 0)
			fuzz_fail("a date rejected without a reason", r->day);
		for (k = 0; k < r->nreasons; k++) {
			if (r->reasons[k] == NULL || *r->reasons[k] == '\0')
				fuzz_fail("an empty reason", r->day);
		}
		for (j = 0; j < res->fit; j++) {
			if (res->picks[j].day == r->day)
				fuzz_fail("a date both chosen and rejected",
				    r->day);
		}
	}
	if (res->candidates != res->fit + res->nrejects)
		fuzz_fail("candidate dates neither chosen nor rejected",
		    res->from);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Samen__V1__PlanRequest *rq;
	struct sched_result res;

	if ((rq = samen__v1__plan_request__unpack(NULL, size, data)) == NULL)
		return 0;
	if (sched_plan(&region, rq, &res) == -1) {
		if (res.error == NULL || *res.error == '\0')
			fuzz_fail("a refusal without a reason", 0);
	} else
		fuzz_check(rq, &res);
	sched_result_free(&res);
	samen__v1__plan_request__free_unpacked(rq, NULL);
	return 0;
}
