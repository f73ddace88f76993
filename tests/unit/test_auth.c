/*
 * The authorization table (daemon/auth.c), row by row: for each cell of
 * DESIGN §3 that applies, one allowed and one refused case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "samend.h"

static struct tls_principal observer = { "desk", "region", TLS_ROLE_OBSERVER };
static struct tls_principal leiden = { "clerk", "leiden", TLS_ROLE_MEMBER };
static struct tls_principal admin = { "sec", "region", TLS_ROLE_ADMIN };

/* Asserts the verdict; on refusal the rule must mention want. */
static void
check(const struct tls_principal *who, enum auth_op op, Samen__V1__Kind kind,
    const Samen__V1__Entity *old, const Samen__V1__Entity *new, int allowed,
    const char *want)
{
	char *rule = NULL;
	int rv = auth_write(who, op, kind, old, new, &rule);

	if (allowed) {
		assert_int_equal(rv, 0);
		assert_null(rule);
	} else {
		assert_int_equal(rv, -1);
		assert_non_null(rule);
		assert_non_null(strstr(rule, want));
		free(rule);
	}
}

static Samen__V1__AgendaItem item_body;
static Samen__V1__Entity item;

/* An item with lead and proposed_by as given. */
static Samen__V1__Entity *
mkitem(Samen__V1__Entity *e, Samen__V1__AgendaItem *a, const char *lead,
    const char *by)
{
	samen__v1__entity__init(e);
	samen__v1__agenda_item__init(a);
	e->id = (char *)(uintptr_t)"A1";
	e->body_case = SAMEN__V1__ENTITY__BODY_AGENDA_ITEM;
	e->agenda_item = a;
	a->lead_municipality = (char *)(uintptr_t)lead;
	a->proposed_by = (char *)(uintptr_t)by;
	return e;
}

/* An entity of kind with just an id (bodies are not looked at). */
static Samen__V1__Entity *
mkid(Samen__V1__Entity *e, const char *id)
{
	samen__v1__entity__init(e);
	e->id = (char *)(uintptr_t)id;
	return e;
}

/* Observers write nothing, whatever the kind. */
static void
test_observer(void **state)
{
	Samen__V1__Entity e;
	int k;

	(void)state;
	mkitem(&item, &item_body, "leiden", "leiden");
	for (k = SAMEN__V1__KIND__REGION; k <= SAMEN__V1__KIND__DOSSIER; k++) {
		check(&observer, AUTH_CREATE, (Samen__V1__Kind)k, NULL,
		    mkid(&e, "leiden"), 0, "observers read only");
		check(&observer, AUTH_UPDATE, (Samen__V1__Kind)k, &e, &e, 0,
		    "observers read only");
		check(&observer, AUTH_DELETE, (Samen__V1__Kind)k, &e, NULL, 0,
		    "observers read only");
	}
}

/* Admins write everything. */
static void
test_admin(void **state)
{
	Samen__V1__Entity e;
	int k;

	(void)state;
	for (k = SAMEN__V1__KIND__REGION; k <= SAMEN__V1__KIND__DOSSIER; k++) {
		check(&admin, AUTH_CREATE, (Samen__V1__Kind)k, NULL,
		    mkid(&e, "x"), 1, NULL);
		check(&admin, AUTH_UPDATE, (Samen__V1__Kind)k, &e, &e, 1, NULL);
		check(&admin, AUTH_DELETE, (Samen__V1__Kind)k, &e, NULL, 1,
		    NULL);
	}
}

/* Region and Municipality: admin only. */
static void
test_member_region(void **state)
{
	Samen__V1__Entity e;

	(void)state;
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__REGION, mkid(&e, "region"),
	    &e, 0, "changes the region");
	check(&leiden, AUTH_CREATE, SAMEN__V1__KIND__MUNICIPALITY, NULL,
	    mkid(&e, "katwijk"), 0, "adds municipalities");
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__MUNICIPALITY,
	    mkid(&e, "leiden"), &e, 0, "edits municipalities");
}

/* AgendaItem: create as own municipality; edit when lead or proposer. */
static void
test_member_item(void **state)
{
	Samen__V1__Entity o, n;
	Samen__V1__AgendaItem ob, nb;

	(void)state;
	check(&leiden, AUTH_CREATE, SAMEN__V1__KIND__AGENDA_ITEM, NULL,
	    mkitem(&n, &nb, "", "leiden"), 1, NULL);
	check(&leiden, AUTH_CREATE, SAMEN__V1__KIND__AGENDA_ITEM, NULL,
	    mkitem(&n, &nb, "", "oegstgeest"), 0, "own municipality");
	/* lead is leiden */
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__AGENDA_ITEM,
	    mkitem(&o, &ob, "leiden", "oegstgeest"),
	    mkitem(&n, &nb, "leiden", "oegstgeest"), 1, NULL);
	/* proposed by leiden, led by another */
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__AGENDA_ITEM,
	    mkitem(&o, &ob, "voorschoten", "leiden"),
	    mkitem(&n, &nb, "voorschoten", "leiden"), 1, NULL);
	/* neither */
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__AGENDA_ITEM,
	    mkitem(&o, &ob, "voorschoten", "oegstgeest"),
	    mkitem(&n, &nb, "voorschoten", "oegstgeest"), 0,
	    "leads or proposed");
	/* lead, but rewriting who proposed it */
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__AGENDA_ITEM,
	    mkitem(&o, &ob, "leiden", "oegstgeest"),
	    mkitem(&n, &nb, "leiden", "leiden"), 0, "who proposed");
	check(&leiden, AUTH_DELETE, SAMEN__V1__KIND__AGENDA_ITEM,
	    mkitem(&o, &ob, "leiden", "leiden"), NULL, 0, "deletes");
}

/* Decision, Ranking, Availability: only the member's own. */
static void
test_member_own(void **state)
{
	Samen__V1__Entity e;

	(void)state;
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__DECISION,
	    mkid(&e, "A1/leiden"), &e, 1, NULL);
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__DECISION,
	    mkid(&e, "A1/leiderdorp"), &e, 0, "own council's decisions");
	check(&leiden, AUTH_CREATE, SAMEN__V1__KIND__DECISION, NULL,
	    mkid(&e, "A1/leiden"), 1, NULL);
	check(&leiden, AUTH_CREATE, SAMEN__V1__KIND__RANKING, NULL,
	    mkid(&e, "leiden"), 1, NULL);
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__RANKING,
	    mkid(&e, "leiden"), &e, 1, NULL);
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__RANKING,
	    mkid(&e, "oegstgeest"), &e, 0, "own municipality's ranking");
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__AVAILABILITY,
	    mkid(&e, "leiden"), &e, 1, NULL);
	check(&leiden, AUTH_CREATE, SAMEN__V1__KIND__AVAILABILITY, NULL,
	    mkid(&e, "zoeterwoude"), 0, "own municipality's busy dates");
	check(&leiden, AUTH_DELETE, SAMEN__V1__KIND__RANKING,
	    mkid(&e, "leiden"), NULL, 0, "deletes");
}

/* A meeting hosted by host. */
static Samen__V1__Entity *
mkmeeting(Samen__V1__Entity *e, Samen__V1__Meeting *m, const char *host)
{
	samen__v1__entity__init(e);
	samen__v1__meeting__init(m);
	e->id = (char *)(uintptr_t)"M1";
	e->body_case = SAMEN__V1__ENTITY__BODY_MEETING;
	e->meeting = m;
	m->host = (char *)(uintptr_t)host;
	return e;
}

/* Meeting: create and edit (and cancel) only when hosting. */
static void
test_member_meeting(void **state)
{
	Samen__V1__Entity o, n;
	Samen__V1__Meeting ob, nb;

	(void)state;
	check(&leiden, AUTH_CREATE, SAMEN__V1__KIND__MEETING, NULL,
	    mkmeeting(&n, &nb, "leiden"), 1, NULL);
	check(&leiden, AUTH_CREATE, SAMEN__V1__KIND__MEETING, NULL,
	    mkmeeting(&n, &nb, "oegstgeest"), 0, "hosts");
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__MEETING,
	    mkmeeting(&o, &ob, "leiden"), mkmeeting(&n, &nb, "leiden"), 1,
	    NULL);
	nb.status = SAMEN__V1__MEETING__STATE__CANCELLED;
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__MEETING,
	    mkmeeting(&o, &ob, "oegstgeest"), &n, 0, "cancels only");
	/* taking over another's meeting by changing its host */
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__MEETING,
	    mkmeeting(&o, &ob, "oegstgeest"), mkmeeting(&n, &nb, "leiden"), 0,
	    "meetings their municipality hosts");
	check(&leiden, AUTH_DELETE, SAMEN__V1__KIND__MEETING,
	    mkmeeting(&o, &ob, "leiden"), NULL, 0, "deletes");
}

/* A dossier from one side to another. */
static Samen__V1__Entity *
mkdossier(Samen__V1__Entity *e, Samen__V1__Dossier *d, const char *from,
    const char *to, Samen__V1__Dossier__State state)
{
	samen__v1__entity__init(e);
	samen__v1__dossier__init(d);
	e->id = (char *)(uintptr_t)"H1";
	e->body_case = SAMEN__V1__ENTITY__BODY_DOSSIER;
	e->dossier = d;
	d->title = (char *)(uintptr_t)"Overdracht";
	d->from = (char *)(uintptr_t)from;
	d->to = (char *)(uintptr_t)to;
	d->state = state;
	return e;
}

/* Dossier: the handing-over side edits; the addressee only acknowledges. */
static void
test_member_dossier(void **state)
{
	Samen__V1__Entity o, n;
	Samen__V1__Dossier ob, nb;

	(void)state;
	check(&leiden, AUTH_CREATE, SAMEN__V1__KIND__DOSSIER, NULL,
	    mkdossier(&n, &nb, "leiden", "oegstgeest",
	    SAMEN__V1__DOSSIER__STATE__DRAFT), 1, NULL);
	check(&leiden, AUTH_CREATE, SAMEN__V1__KIND__DOSSIER, NULL,
	    mkdossier(&n, &nb, "oegstgeest", "leiden",
	    SAMEN__V1__DOSSIER__STATE__DRAFT), 0, "hands over");
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__DOSSIER,
	    mkdossier(&o, &ob, "leiden", "oegstgeest",
	    SAMEN__V1__DOSSIER__STATE__DRAFT),
	    mkdossier(&n, &nb, "leiden", "oegstgeest",
	    SAMEN__V1__DOSSIER__STATE__READY), 1, NULL);
	/* addressed to leiden: acknowledge yes, anything else no */
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__DOSSIER,
	    mkdossier(&o, &ob, "oegstgeest", "leiden",
	    SAMEN__V1__DOSSIER__STATE__HANDED_OVER),
	    mkdossier(&n, &nb, "oegstgeest", "leiden",
	    SAMEN__V1__DOSSIER__STATE__ACKNOWLEDGED), 1, NULL);
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__DOSSIER,
	    mkdossier(&o, &ob, "oegstgeest", "leiden",
	    SAMEN__V1__DOSSIER__STATE__HANDED_OVER),
	    mkdossier(&n, &nb, "oegstgeest", "leiden",
	    SAMEN__V1__DOSSIER__STATE__DRAFT), 0, "only acknowledges");
	/* not before it was handed over */
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__DOSSIER,
	    mkdossier(&o, &ob, "oegstgeest", "leiden",
	    SAMEN__V1__DOSSIER__STATE__DRAFT),
	    mkdossier(&n, &nb, "oegstgeest", "leiden",
	    SAMEN__V1__DOSSIER__STATE__ACKNOWLEDGED), 0, "only acknowledges");
	mkdossier(&n, &nb, "oegstgeest", "leiden",
	    SAMEN__V1__DOSSIER__STATE__ACKNOWLEDGED);
	nb.note = (char *)(uintptr_t)"changed on the way";
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__DOSSIER,
	    mkdossier(&o, &ob, "oegstgeest", "leiden",
	    SAMEN__V1__DOSSIER__STATE__HANDED_OVER), &n, 0,
	    "only acknowledges");
	/* neither side */
	check(&leiden, AUTH_UPDATE, SAMEN__V1__KIND__DOSSIER,
	    mkdossier(&o, &ob, "oegstgeest", "voorschoten",
	    SAMEN__V1__DOSSIER__STATE__READY),
	    mkdossier(&n, &nb, "oegstgeest", "voorschoten",
	    SAMEN__V1__DOSSIER__STATE__ACKNOWLEDGED), 0, "dossiers");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_observer),
		cmocka_unit_test(test_admin),
		cmocka_unit_test(test_member_region),
		cmocka_unit_test(test_member_item),
		cmocka_unit_test(test_member_own),
		cmocka_unit_test(test_member_meeting),
		cmocka_unit_test(test_member_dossier),
	};

	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
