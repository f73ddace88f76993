/* The region and its municipalities: the election calendar and `init`. */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "samend.h"
#include "xmalloc.h"

#define REGION_DEFAULT_TZ	"Europe/Amsterdam"

/*
 * The Dutch municipal election of year: the Wednesday from 15 to 21
 * March.  Writes YYYY-MM-DD to buf; -1: no election that year (they
 * fall every four years: 2026, 2030, ...).
 */
int
region_election_date(int year, char *buf, size_t len)
{
	struct date d = { year, 3, 15 };

	if (len < DATE_STRLEN || year < 1900 || year > 9999 ||
	    (year - 2026) % 4 != 0)
		return -1;
	d.day += (3 - date_weekday(&d) + 7) % 7;
	date_format(&d, buf);
	return 0;
}

/* The new councils' installation: election + 14 days (a Wednesday). */
int
region_installation_date(const char *election, char *buf, size_t len)
{
	if (len < DATE_STRLEN)
		return -1;
	return date_add_days(election, 14, buf);
}

/* Stores one entity of `init`, with its audit record. */
static int
region_put(struct store *st, const Samen__V1__Entity *e, const char *summary,
    char **cause)
{
	struct audit_record r;
	uint64_t rev;

	if (store_put(st, e, &rev, NULL, NULL, cause) == -1)
		return -1;
	r.rev = rev;
	r.time = (int64_t)time(NULL);
	r.principal = "samend init";
	r.action = "create";
	r.kind = (int)wire_entity_kind(e);
	r.id = e->id;
	r.summary = summary;
	return store_audit_add(st, &r, cause);
}

/*
 * Creates the Region and its Municipality rows in one transaction.
 * members are "id=Name" strings.  Refuses when a region exists.
 */
int
region_init(struct store *st, const char *name, const char *election,
    const char *tz, char *const *members, size_t nmembers, char **cause)
{
	Samen__V1__Entity e = SAMEN__V1__ENTITY__INIT;
	Samen__V1__Region r = SAMEN__V1__REGION__INIT;
	Samen__V1__Municipality m = SAMEN__V1__MUNICIPALITY__INIT;
	Samen__V1__Entity *old;
	char install[DATE_STRLEN], *id, *eq;
	size_t i;

	if ((old = store_get(st, SAMEN__V1__KIND__REGION, "region",
	    cause)) != NULL) {
		xasprintf(cause, "a region exists already (%s); nothing was "
		    "changed", old->region->name);
		samen__v1__entity__free_unpacked(old, NULL);
		return -1;
	}
	if (*cause != NULL)
		return -1;
	if (region_installation_date(election, install, sizeof(install)) ==
	    -1) {
		xasprintf(cause, "election date '%s' is not a date "
		    "(YYYY-MM-DD)", election);
		return -1;
	}
	if (store_begin(st, cause) == -1)
		return -1;
	r.name = (char *)(uintptr_t)name;
	r.time_zone = (char *)(uintptr_t)(tz ? tz : REGION_DEFAULT_TZ);
	r.election_date = (char *)(uintptr_t)election;
	r.installation_date = install;
	e.id = (char *)(uintptr_t)"region";
	e.body_case = SAMEN__V1__ENTITY__BODY_REGION;
	e.region = &r;
	if (region_put(st, &e, name, cause) == -1)
		goto fail;
	e.body_case = SAMEN__V1__ENTITY__BODY_MUNICIPALITY;
	e.municipality = &m;
	for (i = 0; i < nmembers; i++) {
		eq = strchr(members[i], '=');
		id = xstrndup(members[i], (size_t)(eq - members[i]));
		e.id = id;
		m.name = eq + 1;
		if (region_put(st, &e, m.name, cause) == -1) {
			free(id);
			goto fail;
		}
		free(id);
	}
	return store_commit(st, cause);
fail:
	store_rollback(st);
	return -1;
}
