/*
 * Unit tests of daemon/schedule.c on hand-built Leiden inputs, with the
 * expected dates written out.  2030: Easter Sunday 21 April, so Easter
 * Monday 22 April, King's Day Saturday 27 April, Remembrance Saturday
 * 4 May, Ascension Thursday 30 May, Whit Monday 10 June.  The councils
 * are installed on Wednesday 3 April 2030.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "schedule.h"
#include "xmalloc.h"

static int64_t
day(const char *s)
{
	struct date d;

	assert_int_equal(date_parse(s, &d), 0);
	return date_to_days(&d);
}

static const char *
ymd(int64_t n)
{
	static char buf[4][DATE_STRLEN];
	static int i;
	struct date d;

	i = (i + 1) % 4;
	date_from_days(n, &d);
	date_format(&d, buf[i]);
	return buf[i];
}

/* The five municipalities, in id order; busy and colleges per test. */
static struct sched_muni munis[5];
static struct sched_region region;

static void
leiden_region(void)
{
	static const char *const ids[] = { "leiden", "leiderdorp",
	    "oegstgeest", "voorschoten", "zoeterwoude" };
	static const char *const names[] = { "Leiden", "Leiderdorp",
	    "Oegstgeest", "Voorschoten", "Zoeterwoude" };
	size_t i;

	memset(munis, 0, sizeof(munis));
	for (i = 0; i < 5; i++) {
		munis[i].id = ids[i];
		munis[i].name = names[i];
		munis[i].venue = "Raadzaal";
		munis[i].college = SCHED_NONE;
	}
	memset(&region, 0, sizeof(region));
	region.installation = day("2030-04-03");
	region.munis = munis;
	region.nmunis = 5;
}

static int
setup(void **state)
{
	(void)state;
	leiden_region();
	return 0;
}

/* The reasons a date was rejected for, joined by " | ", or NULL. */
static const char *
rejected(const struct sched_result *res, const char *date)
{
	static char buf[2048];
	size_t i, k, off;

	for (i = 0; i < res->nrejects; i++) {
		if (res->rejects[i].day != day(date))
			continue;
		buf[0] = '\0';
		for (k = 0, off = 0; k < res->rejects[i].nreasons; k++)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off,
			    "%s%s", k ? " | " : "", res->rejects[i].reasons[k]);
		return buf;
	}
	return NULL;
}

static void
plan(Samen__V1__PlanRequest *rq, struct sched_result *res)
{
	if (sched_plan(&region, rq, res) == -1)
		fail_msg("plan refused: %s", res->error);
}

/* Mondays, Thursdays and Saturdays of spring 2030: every holiday. */
static void
test_holidays(void **state)
{
	static uint32_t wd[] = { 1, 4, 6 };
	Samen__V1__PlanRequest rq = SAMEN__V1__PLAN_REQUEST__INIT;
	struct sched_result res;

	(void)state;
	rq.count = 1;
	rq.from = (char *)(uintptr_t)"2030-04-18";
	rq.to = (char *)(uintptr_t)"2030-06-13";
	rq.weekdays = wd;
	rq.n_weekdays = 3;
	rq.gap = 1;
	plan(&rq, &res);
	assert_int_equal(res.fit, 1);
	assert_string_equal(ymd(res.picks[0].day), "2030-04-18");
	assert_string_equal(rejected(&res, "2030-04-22"), "Easter Monday");
	assert_string_equal(rejected(&res, "2030-04-27"), "King's Day");
	assert_string_equal(rejected(&res, "2030-05-04"),
	    "Remembrance Day: no evening meetings");
	assert_string_equal(rejected(&res, "2030-05-30"), "Ascension Day");
	assert_string_equal(rejected(&res, "2030-06-10"), "Whit Monday");
	/* A free date says so; Good Friday (19 April) is not on the list. */
	assert_string_equal(rejected(&res, "2030-04-20"),
	    "free, not chosen: the meetings are spread over the window");
	assert_null(rejected(&res, "2030-04-19"));
	/* 8 weeks of Mon, Thu, Sat from Thu 18 April to Thu 13 June */
	assert_int_equal(res.candidates, 25);
	assert_int_equal(res.nrejects, 24);
	sched_result_free(&res);

	/* 4 May allows a morning meeting; a Sunday-only plan finds 5 May. */
	rq.start = (char *)(uintptr_t)"10:00";
	rq.duration = 120;
	rq.from = (char *)(uintptr_t)"2030-05-04";
	rq.to = (char *)(uintptr_t)"2030-05-05";
	rq.n_weekdays = 0;
	rq.weekdays = NULL;
	{
		static uint32_t sat_sun[] = { 6, 7 };

		rq.weekdays = sat_sun;
		rq.n_weekdays = 2;
	}
	plan(&rq, &res);
	assert_int_equal(res.fit, 1);
	assert_string_equal(ymd(res.picks[0].day), "2030-05-04");
	assert_string_equal(rejected(&res, "2030-05-05"), "Liberation Day");
	assert_int_equal(res.start, 600);
	assert_int_equal(res.end, 720);
	sched_result_free(&res);
}

/* Busy at the meeting's time removes a date; busy in the morning not. */
static void
test_busy(void **state)
{
	static const struct sched_busy busy[] = {
		{ 0, 19 * 60 + 30, 23 * 60, "Raadsvergadering" },
		{ 0, 10 * 60, 12 * 60, "Commissie Bestuur" },
		{ 0, -1, -1, "Werkbezoek" },
	};
	struct sched_busy b[3];
	static uint32_t tue[] = { 2 };
	static char *only[] = { (char *)(uintptr_t)"leiden",
	    (char *)(uintptr_t)"oegstgeest" };
	Samen__V1__PlanRequest rq = SAMEN__V1__PLAN_REQUEST__INIT;
	struct sched_result res;

	(void)state;
	memcpy(b, busy, sizeof(b));
	b[0].day = day("2030-04-16");
	b[1].day = day("2030-04-30");
	b[2].day = day("2030-05-07");
	munis[1].busy = b;		/* leiderdorp */
	munis[1].nbusy = 3;
	rq.count = 1;
	rq.from = (char *)(uintptr_t)"2030-04-16";
	rq.to = (char *)(uintptr_t)"2030-05-07";
	rq.weekdays = tue;
	rq.n_weekdays = 1;
	rq.gap = 1;
	plan(&rq, &res);
	assert_int_equal(res.fit, 1);
	assert_string_equal(ymd(res.picks[0].day), "2030-04-23");
	assert_string_equal(rejected(&res, "2030-04-16"),
	    "busy: leiderdorp — Raadsvergadering");
	assert_string_equal(rejected(&res, "2030-05-07"),
	    "busy: leiderdorp — Werkbezoek");
	assert_string_equal(rejected(&res, "2030-04-30"),
	    "free, not chosen: the meetings are spread over the window");
	sched_result_free(&res);

	/* Without leiderdorp, 16 April is free and earliest. */
	rq.participants = only;
	rq.n_participants = 2;
	plan(&rq, &res);
	assert_string_equal(ymd(res.picks[0].day), "2030-04-16");
	assert_string_equal(munis[res.picks[0].host].id, "leiden");
	sched_result_free(&res);

	/* Everyone busy every Tuesday: nothing fits, busy binds. */
	rq.participants = NULL;
	rq.n_participants = 0;
	b[1].start = -1;
	b[1].day = day("2030-04-23");
	b[2].day = day("2030-04-30");
	rq.to = (char *)(uintptr_t)"2030-04-30";
	plan(&rq, &res);
	assert_int_equal(res.fit, 0);
	assert_non_null(res.binding);
	assert_string_equal(res.binding, "0 of 1 meetings fit from "
	    "2030-04-16 to 2030-04-30; the constraint that removed the most "
	    "dates: busy dates of leiderdorp (3 of 3 candidate dates)");
	sched_result_free(&res);
}

/* The gap, the even spread, and the infeasible answer. */
static void
test_gap(void **state)
{
	Samen__V1__PlanRequest rq = SAMEN__V1__PLAN_REQUEST__INIT;
	struct sched_result res;

	(void)state;
	rq.count = 2;
	rq.from = (char *)(uintptr_t)"2030-09-02";
	rq.to = (char *)(uintptr_t)"2030-09-30";
	plan(&rq, &res);
	assert_int_equal(res.candidates, 17);	/* Mon-Thu */
	assert_int_equal(res.fit, 2);
	assert_string_equal(ymd(res.picks[0].day), "2030-09-02");
	assert_string_equal(ymd(res.picks[1].day), "2030-09-16");
	assert_string_equal(rejected(&res, "2030-09-03"),
	    "within 14 days of meeting 1 (2030-09-02)");
	assert_string_equal(rejected(&res, "2030-09-17"),
	    "within 14 days of meeting 2 (2030-09-16)");
	assert_string_equal(rejected(&res, "2030-09-30"),
	    "free, not chosen: the meetings are spread over the window");
	assert_null(res.binding);
	sched_result_free(&res);

	rq.count = 3;
	plan(&rq, &res);
	assert_int_equal(res.fit, 3);
	assert_string_equal(ymd(res.picks[0].day), "2030-09-02");
	assert_string_equal(ymd(res.picks[1].day), "2030-09-16");
	assert_string_equal(ymd(res.picks[2].day), "2030-09-30");
	sched_result_free(&res);

	/* Four do not fit 14 days apart in September. */
	rq.count = 4;
	plan(&rq, &res);
	assert_int_equal(res.fit, 3);
	assert_string_equal(res.binding, "3 of 4 meetings fit from 2030-09-02 "
	    "to 2030-09-30; the constraint that binds: the 14-day gap between "
	    "meetings (17 free dates, but only 3 of them 14 days apart)");
	sched_result_free(&res);

	/* A gap of 7: four fit, spread over the month. */
	rq.gap = 7;
	plan(&rq, &res);
	assert_int_equal(res.fit, 4);
	assert_string_equal(ymd(res.picks[0].day), "2030-09-02");
	assert_string_equal(ymd(res.picks[1].day), "2030-09-09");
	assert_string_equal(ymd(res.picks[2].day), "2030-09-16");
	assert_string_equal(ymd(res.picks[3].day), "2030-09-23");
	sched_result_free(&res);
}

/* Hosts rotate over what was held or planned since the installation. */
static void
test_rotation(void **state)
{
	struct sched_meeting mt[6];
	static char *pool[] = { (char *)(uintptr_t)"leiden",
	    (char *)(uintptr_t)"leiderdorp" };
	static const char *const zw[] = { "zoeterwoude" };
	Samen__V1__PlanRequest rq = SAMEN__V1__PLAN_REQUEST__INIT;
	struct sched_result res;
	size_t i;

	(void)state;
	memset(mt, 0, sizeof(mt));
	for (i = 0; i < 6; i++) {
		mt[i].id = "M";
		mt[i].title = "earlier";
		mt[i].kind = SAMEN__V1__MEETING__MEETING_KIND__REGIONAL_COUNCILS;
		mt[i].start = 19 * 60 + 30;
		mt[i].end = 22 * 60;
	}
	mt[0].host = "leiden";
	mt[0].day = day("2030-04-10");
	mt[1].host = "leiden";
	mt[1].day = day("2030-04-15");
	mt[2].host = "leiderdorp";
	mt[2].day = day("2030-04-17");
	mt[3].host = "oegstgeest";
	mt[3].day = day("2030-04-24");
	mt[4].host = "zoeterwoude";
	mt[4].day = day("2030-05-01");
	mt[4].kind = SAMEN__V1__MEETING__MEETING_KIND__INFORMAL;
	mt[4].participants = zw;
	mt[4].nparticipants = 1;
	mt[5].host = "voorschoten";	/* cancelled: does not count */
	mt[5].day = day("2030-05-08");
	mt[5].cancelled = 1;
	region.meetings = mt;
	region.nmeetings = 6;

	rq.count = 3;
	rq.from = (char *)(uintptr_t)"2030-09-02";
	rq.to = (char *)(uintptr_t)"2030-09-30";
	plan(&rq, &res);
	assert_int_equal(res.fit, 3);
	/* counts: leiden 2, leiderdorp 1, oegstgeest 1, voorschoten 0,
	 * zoeterwoude 1; then the one who hosted longest ago */
	assert_string_equal(munis[res.picks[0].host].id, "voorschoten");
	assert_string_equal(munis[res.picks[1].host].id, "leiderdorp");
	assert_string_equal(munis[res.picks[2].host].id, "oegstgeest");
	/* four regional council meetings so far: these are 5, 6 and 7 */
	assert_int_equal(res.picks[0].n, 5);
	assert_string_equal(res.picks[2].title, "Regionale raadsbijeenkomst 7");
	assert_non_null(strstr(res.picks[0].why, "0 meetings hosted"));
	sched_result_free(&res);

	/* Two hosts alternate even when one has hosted far more. */
	rq.hosts = pool;
	rq.n_hosts = 2;
	mt[0].host = "leiderdorp";
	mt[1].host = "leiderdorp";
	mt[2].host = "leiden";
	mt[3].host = "leiderdorp";
	mt[4].host = "leiden";	/* the last one before September */
	plan(&rq, &res);
	assert_string_equal(munis[res.picks[0].host].id, "leiderdorp");
	assert_string_equal(munis[res.picks[1].host].id, "leiden");
	assert_string_equal(munis[res.picks[2].host].id, "leiderdorp");
	sched_result_free(&res);

	/* Meetings already planned between the new ones: the host before
	 * a date is the one of the meeting just before it, and of equals
	 * the one not yet hosting in this plan goes first. */
	rq.hosts = NULL;
	rq.n_hosts = 0;
	mt[0].host = "leiderdorp";
	mt[0].day = day("2030-09-09");
	mt[1].cancelled = 1;
	mt[2].host = "voorschoten";
	mt[2].day = day("2030-09-23");
	mt[3].cancelled = 1;
	mt[4].host = "zoeterwoude";
	mt[4].day = day("2030-09-25");
	plan(&rq, &res);
	assert_string_equal(ymd(res.picks[0].day), "2030-09-02");
	assert_string_equal(ymd(res.picks[1].day), "2030-09-16");
	assert_string_equal(ymd(res.picks[2].day), "2030-09-30");
	assert_string_equal(munis[res.picks[0].host].id, "leiden");
	assert_string_equal(munis[res.picks[1].host].id, "oegstgeest");
	assert_string_equal(munis[res.picks[2].host].id, "leiderdorp");
	sched_result_free(&res);
	mt[1].cancelled = 0;
	mt[3].cancelled = 0;
	mt[0].day = day("2030-04-10");
	mt[2].day = day("2030-04-17");
	mt[4].host = "leiden";

	/* A meeting with one of the participants that day removes it. */
	rq.hosts = NULL;
	rq.n_hosts = 0;
	mt[4].day = day("2030-09-02");
	plan(&rq, &res);
	assert_string_equal(rejected(&res, "2030-09-02"),
	    "meeting that day: M earlier (host leiden)");
	assert_string_equal(ymd(res.picks[0].day), "2030-09-03");
	sched_result_free(&res);
	region.meetings = NULL;
	region.nmeetings = 0;
}

/* Portfolio holders wait for every college; unknown ones are assumed. */
static void
test_colleges(void **state)
{
	Samen__V1__PlanRequest rq = SAMEN__V1__PLAN_REQUEST__INIT;
	struct sched_result res;

	(void)state;
	munis[0].college = day("2030-05-20");
	rq.count = 1;
	rq.kind = SAMEN__V1__MEETING__MEETING_KIND__PORTFOLIO_HOLDERS;
	rq.from = (char *)(uintptr_t)"2030-05-27";
	rq.to = (char *)(uintptr_t)"2030-06-30";
	plan(&rq, &res);
	assert_int_equal(res.fit, 1);
	/* assumed 3 April + 64 = Thu 6 June; Mon 10 June is Whit Monday */
	assert_string_equal(ymd(res.picks[0].day), "2030-06-11");
	assert_true(res.picks[0].tentative);
	assert_non_null(strstr(res.picks[0].why, "tentative: waits for the "
	    "colleges of Leiderdorp, Oegstgeest, Voorschoten, Zoeterwoude"));
	assert_string_equal(res.picks[0].title, "Portefeuillehoudersoverleg 1");
	/* the spread starts where the colleges allow, not at from */
	assert_non_null(strstr(res.picks[0].why, "nearest to 2030-06-07"));
	assert_string_equal(rejected(&res, "2030-06-03"), "before the new "
	    "colleges of Leiderdorp, Oegstgeest, Voorschoten, Zoeterwoude are "
	    "installed (assumed 2030-06-06)");
	sched_result_free(&res);

	/* Every college known: after the last of them, not tentative. */
	munis[1].college = day("2030-05-21");
	munis[2].college = day("2030-05-22");
	munis[3].college = day("2030-05-23");
	munis[4].college = day("2030-05-27");
	plan(&rq, &res);
	assert_string_equal(ymd(res.picks[0].day), "2030-05-28");
	assert_false(res.picks[0].tentative);
	assert_string_equal(rejected(&res, "2030-05-27"), "before the new "
	    "college of Zoeterwoude is installed (2030-05-27)");
	sched_result_free(&res);

	/* Other kinds do not wait. */
	rq.kind = SAMEN__V1__MEETING__MEETING_KIND__REGIONAL_COUNCILS;
	munis[4].college = SCHED_NONE;
	plan(&rq, &res);
	assert_string_equal(ymd(res.picks[0].day), "2030-05-27");
	assert_false(res.picks[0].tentative);
	sched_result_free(&res);
}

/* The default window: installation + 14 up to the summer recess. */
static void
test_window(void **state)
{
	struct sched_blackout bo[2];
	Samen__V1__PlanRequest rq = SAMEN__V1__PLAN_REQUEST__INIT;
	struct sched_result res;

	(void)state;
	bo[0].first = day("2030-02-15");
	bo[0].last = day("2030-02-23");
	bo[0].reason = "voorjaarsreces";
	bo[1].first = day("2030-07-13");
	bo[1].last = day("2030-08-25");
	bo[1].reason = "zomerreces";
	region.blackouts = bo;
	region.nblackouts = 2;
	rq.count = 4;
	plan(&rq, &res);
	assert_string_equal(ymd(res.from), "2030-04-17");
	assert_string_equal(ymd(res.to), "2030-07-12");
	assert_int_equal(res.fit, 4);
	/* 87 days: targets 17 Apr, 8 May (+21), 30 May (+43), 21 Jun (+65);
	 * 30 May is Ascension, so 29 May; 21 June is a Friday: 20 June */
	assert_string_equal(ymd(res.picks[0].day), "2030-04-17");
	assert_string_equal(ymd(res.picks[1].day), "2030-05-08");
	assert_string_equal(ymd(res.picks[2].day), "2030-05-29");
	assert_string_equal(ymd(res.picks[3].day), "2030-06-20");
	sched_result_free(&res);

	/* An explicit window running into the recess is refused there. */
	rq.count = 1;
	rq.from = (char *)(uintptr_t)"2030-07-15";
	rq.to = (char *)(uintptr_t)"2030-08-29";
	plan(&rq, &res);
	assert_string_equal(ymd(res.picks[0].day), "2030-08-26");
	assert_string_equal(rejected(&res, "2030-07-15"),
	    "blackout: zomerreces");
	sched_result_free(&res);
	region.blackouts = NULL;
	region.nblackouts = 0;
}

/* An invalid request names its field. */
static void
test_invalid(void **state)
{
	static uint32_t nine[] = { 9 };
	static char *nobody[] = { (char *)(uintptr_t)"katwijk" };
	static char *two[] = { (char *)(uintptr_t)"leiden",
	    (char *)(uintptr_t)"oegstgeest" };
	static char *host[] = { (char *)(uintptr_t)"voorschoten" };
	static const struct {
		const char	*field;
		uint32_t	 count;
		const char	*from, *to, *start;
		uint32_t	 duration, gap;
		int		 weekdays, participants, hosts, kind;
	} cases[] = {
		{ "count: ", 0, "", "", "", 0, 0, 0, 0, 0, 0 },
		{ "count: ", 101, "", "", "", 0, 0, 0, 0, 0, 0 },
		{ "to: 2030-04-01 is before from (2030-05-01)", 1,
		  "2030-05-01", "2030-04-01", "", 0, 0, 0, 0, 0, 0 },
		{ "from: ", 1, "2030-02-30", "", "", 0, 0, 0, 0, 0, 0 },
		{ "to: the window", 1, "2030-01-01", "2032-12-31", "", 0, 0,
		  0, 0, 0, 0 },
		{ "weekdays: 9 is not", 1, "", "", "", 0, 0, 1, 0, 0, 0 },
		{ "start: ", 1, "", "", "25:00", 0, 0, 0, 0, 0, 0 },
		{ "duration: ", 1, "", "", "23:00", 90, 0, 0, 0, 0, 0 },
		{ "gap: ", 1, "", "", "", 0, 400, 0, 0, 0, 0 },
		{ "participants: 'katwijk' is not a municipality", 1, "", "",
		  "", 0, 0, 0, 1, 0, 0 },
		{ "hosts: voorschoten does not take part", 1, "", "", "", 0,
		  0, 0, 2, 1, 0 },
		{ "kind: 99", 1, "", "", "", 0, 0, 0, 0, 0, 99 },
	};
	Samen__V1__PlanRequest rq;
	struct sched_result res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		samen__v1__plan_request__init(&rq);
		rq.count = cases[i].count;
		rq.from = (char *)(uintptr_t)cases[i].from;
		rq.to = (char *)(uintptr_t)cases[i].to;
		rq.start = (char *)(uintptr_t)cases[i].start;
		rq.duration = cases[i].duration;
		rq.gap = cases[i].gap;
		rq.kind = (Samen__V1__Meeting__MeetingKind)cases[i].kind;
		if (cases[i].weekdays) {
			rq.weekdays = nine;
			rq.n_weekdays = 1;
		}
		if (cases[i].participants == 1) {
			rq.participants = nobody;
			rq.n_participants = 1;
		} else if (cases[i].participants == 2) {
			rq.participants = two;
			rq.n_participants = 2;
		}
		if (cases[i].hosts) {
			rq.hosts = host;
			rq.n_hosts = 1;
		}
		assert_int_equal(sched_plan(&region, &rq, &res), -1);
		assert_non_null(res.error);
		if (strncmp(res.error, cases[i].field,
		    strlen(cases[i].field)) != 0)
			fail_msg("case %zu: '%s' does not start with '%s'", i,
			    res.error, cases[i].field);
		sched_result_free(&res);
	}
}

/* The whole answer as text, to compare two runs byte for byte. */
static char *
answer_text(const struct sched_result *res)
{
	char *out = xstrdup(""), *t;
	size_t i, k;

	for (i = 0; i < res->fit; i++) {
		xasprintf(&t, "%s%s %zu %d %s %s\n", out,
		    ymd(res->picks[i].day), res->picks[i].host,
		    res->picks[i].tentative, res->picks[i].title,
		    res->picks[i].why);
		free(out);
		out = t;
	}
	for (i = 0; i < res->nrejects; i++) {
		for (k = 0; k < res->rejects[i].nreasons; k++) {
			xasprintf(&t, "%s%s %s\n", out,
			    ymd(res->rejects[i].day),
			    res->rejects[i].reasons[k]);
			free(out);
			out = t;
		}
	}
	return out;
}

/* Many busy dates: two runs give the same bytes. */
static void
test_deterministic(void **state)
{
	struct sched_busy busy[5][60];
	Samen__V1__PlanRequest rq = SAMEN__V1__PLAN_REQUEST__INIT;
	struct sched_result a, b;
	unsigned int seed = 7;
	char *ta, *tb;
	size_t i, k;

	(void)state;
	for (i = 0; i < 5; i++) {
		for (k = 0; k < 60; k++) {
			seed = seed * 1103515245u + 12345u;
			busy[i][k].day = day("2030-04-17") + (seed >> 16) % 120;
			busy[i][k].start = -1;
			busy[i][k].end = -1;
			busy[i][k].reason = "bezet";
		}
		munis[i].busy = busy[i];
		munis[i].nbusy = 60;
	}
	rq.count = 6;
	plan(&rq, &a);
	plan(&rq, &b);
	ta = answer_text(&a);
	tb = answer_text(&b);
	assert_true(strlen(ta) > 1000);
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
	sched_result_free(&a);
	sched_result_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_holidays, setup),
		cmocka_unit_test_setup(test_busy, setup),
		cmocka_unit_test_setup(test_gap, setup),
		cmocka_unit_test_setup(test_rotation, setup),
		cmocka_unit_test_setup(test_colleges, setup),
		cmocka_unit_test_setup(test_window, setup),
		cmocka_unit_test_setup(test_invalid, setup),
		cmocka_unit_test_setup(test_deterministic, setup),
	};

	return cmocka_run_group_tests_name("schedule", tests, NULL, NULL);
}
