/*
 * plan-bench: the scheduler (daemon/schedule.c) on synthetic regions.
 *
 *	plan-bench CASE [RUNS]
 *
 * CASE is leiden (the five municipalities, default window, 4 meetings),
 * a (40 municipalities each busy on 40 random weekday evenings, a
 * one-year window, 20 meetings), b (342 municipalities each busy on 100
 * random dates, a one-year window, 50 meetings: infeasible) or none (the
 * process alone, for its memory).  It prints the median planning time of
 * RUNS runs (each with its full explanation), the median of a reference
 * measured in the same runs — sorting a copy of the same busy dates, the
 * least any planner must do with them —, their ratio, the answer's size
 * and the process's peak RSS.  The data come from a fixed seed: every
 * run plans the same region.
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "schedule.h"
#include "xmalloc.h"

static unsigned int seed = 20300320;

static unsigned int
rnd(unsigned int n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) % n;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_busy(const void *a, const void *b)
{
	const struct sched_busy *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return strcmp(x->reason, y->reason);
}

static int64_t
day(const char *s)
{
	struct date d;

	if (date_parse(s, &d) == -1)
		abort();
	return date_to_days(&d);
}

int
main(int argc, char *argv[])
{
	static const char *const leiden[] = { "leiden", "leiderdorp",
	    "oegstgeest", "voorschoten", "zoeterwoude" };
	Samen__V1__PlanRequest rq = SAMEN__V1__PLAN_REQUEST__INIT;
	struct sched_region rg;
	struct sched_muni *mu;
	struct sched_busy *busy, *copy;
	struct sched_blackout recess;
	struct sched_result res;
	struct rusage ru;
	struct date dt;
	const char *c = argc > 1 ? argv[1] : "leiden";
	size_t nmuni, per, i, k, nbusy, bytes = 0, reasons = 0;
	int runs = argc > 2 ? atoi(argv[2]) : 21, r, evening;
	double *tp, *tr, t0;
	int64_t first, span, d;
	char (*ids)[16];

	memset(&rg, 0, sizeof(rg));
	if (strcmp(c, "leiden") == 0) {
		nmuni = 5; per = 12; evening = 1;
		rq.count = 4;
	} else if (strcmp(c, "a") == 0) {
		nmuni = 40; per = 40; evening = 1;
		rq.count = 20;
	} else if (strcmp(c, "b") == 0) {
		nmuni = 342; per = 100; evening = 0;
		rq.count = 50;
	} else if (strcmp(c, "none") == 0) {
		getrusage(RUSAGE_SELF, &ru);
		printf("case none: peak RSS %ld KiB\n", ru.ru_maxrss);
		return 0;
	} else {
		fprintf(stderr, "usage: plan-bench leiden|a|b|none [RUNS]\n");
		return 64;
	}
	if (runs < 1)
		runs = 1;

	/* Installed 3 April 2030; summer recess 13 July - 25 August. */
	rg.installation = day("2030-04-03");
	recess.first = day("2030-07-13");
	recess.last = day("2030-08-25");
	recess.reason = "zomerreces";
	rg.blackouts = &recess;
	rg.nblackouts = 1;
	if (strcmp(c, "leiden") == 0) {
		first = day("2030-04-17");
		span = 87;		/* the default window */
	} else {
		first = day("2030-09-01");
		span = 365;
		rq.from = (char *)(uintptr_t)"2030-09-01";
		rq.to = (char *)(uintptr_t)"2031-08-31";
		rg.blackouts = NULL;
		rg.nblackouts = 0;
	}

	ids = xcalloc(nmuni, sizeof(*ids));
	mu = xcalloc(nmuni, sizeof(*mu));
	nbusy = nmuni * per;
	busy = xcalloc(nbusy, sizeof(*busy));
	for (i = 0; i < nmuni; i++) {
		if (nmuni == 5)
			snprintf(ids[i], sizeof(ids[i]), "%s", leiden[i]);
		else
			snprintf(ids[i], sizeof(ids[i]), "gemeente-%03zu", i);
		mu[i].id = ids[i];
		mu[i].name = ids[i];
		mu[i].venue = "Raadzaal";
		mu[i].college = SCHED_NONE;
		mu[i].busy = &busy[i * per];
		mu[i].nbusy = per;
		for (k = 0; k < per; k++) {
			do {
				d = first + rnd((unsigned int)span);
				date_from_days(d, &dt);
			} while (evening && (date_weekday(&dt) == 0 ||
			    date_weekday(&dt) == 6));
			busy[i * per + k].day = d;
			busy[i * per + k].start = evening ? 19 * 60 + 30 : -1;
			busy[i * per + k].end = evening ? 23 * 60 : -1;
			busy[i * per + k].reason = "Raadsvergadering";
		}
	}
	rg.munis = mu;
	rg.nmunis = nmuni;

	tp = xcalloc((size_t)runs, sizeof(*tp));
	tr = xcalloc((size_t)runs, sizeof(*tr));
	copy = xcalloc(nbusy, sizeof(*copy));
	for (r = 0; r < runs; r++) {
		t0 = now();
		memcpy(copy, busy, nbusy * sizeof(*busy));
		qsort(copy, nbusy, sizeof(*copy), cmp_busy);
		tr[r] = now() - t0;

		t0 = now();
		if (sched_plan(&rg, &rq, &res) == -1) {
			fprintf(stderr, "plan-bench: %s\n", res.error);
			return 1;
		}
		tp[r] = now() - t0;
		if (r == runs - 1) {
			for (i = 0; i < res.nrejects; i++)
				for (k = 0; k < res.rejects[i].nreasons; k++) {
					bytes += strlen(res.rejects[i].reasons[k]);
					reasons++;
				}
			printf("case %s: %zu municipalities, %zu busy entries, "
			    "%zu candidate dates; %u of %u meetings fit; %zu "
			    "rejected dates with %zu reasons (%zu bytes)\n", c,
			    nmuni, nbusy, res.candidates, res.fit, res.count,
			    res.nrejects, reasons, bytes);
			if (res.binding != NULL)
				printf("  %s\n", res.binding);
		}
		sched_result_free(&res);
	}
	qsort(tp, (size_t)runs, sizeof(*tp), cmp_double);
	qsort(tr, (size_t)runs, sizeof(*tr), cmp_double);
	getrusage(RUSAGE_SELF, &ru);
	printf("  plan %.3f ms (median of %d), reference (sort the busy dates) "
	    "%.3f ms, ratio %.1f; peak RSS %ld KiB\n", tp[runs / 2] * 1e3,
	    runs, tr[runs / 2] * 1e3, tp[runs / 2] / tr[runs / 2],
	    ru.ru_maxrss);
	free(tp);
	free(tr);
	free(copy);
	free(busy);
	free(mu);
	free(ids);
	return 0;
}
