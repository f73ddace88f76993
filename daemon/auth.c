/*
 * The authorization table of DESIGN §3, in one place.  Reading is open
 * to every verified principal (the dispatch table says so); this table
 * says who may write what.  Each row: a kind, an operation, and the rule
 * for members (observers never write; admins always may).
 */
#include <stdlib.h>
#include <string.h>

#include "samend.h"
#include "xmalloc.h"

typedef int (*auth_rule_fn)(const char *, const Samen__V1__Entity *,
    const Samen__V1__Entity *);

struct auth_row {
	Samen__V1__Kind	 kind;
	enum auth_op	 op;
	auth_rule_fn	 member;	/* NULL: admins only */
	const char	*rule;		/* words for PERMISSION_DENIED */
};

/* The part of a Decision id after the '/': its municipality. */
static const char *
auth_decision_muni(const char *id)
{
	const char *slash = strchr(id, '/');

	return slash ? slash + 1 : "";
}

/* A member may create an item (it is proposed by their municipality). */
static int
auth_item_create(const char *m, const Samen__V1__Entity *old,
    const Samen__V1__Entity *new)
{
	(void)old;
	return strcmp(new->agenda_item->proposed_by, m) == 0;
}

/* A member may edit an item they lead or proposed, keeping proposed_by. */
static int
auth_item_edit(const char *m, const Samen__V1__Entity *old,
    const Samen__V1__Entity *new)
{
	const Samen__V1__AgendaItem *o = old->agenda_item;

	if (strcmp(o->lead_municipality, m) != 0 &&
	    strcmp(o->proposed_by, m) != 0)
		return 0;
	return strcmp(new->agenda_item->proposed_by, o->proposed_by) == 0;
}

/* A member may set only their own municipality's Decision. */
static int
auth_own_decision(const char *m, const Samen__V1__Entity *old,
    const Samen__V1__Entity *new)
{
	(void)old;
	return strcmp(auth_decision_muni(new->id), m) == 0;
}

/* Ranking and Availability: the id is the municipality. */
static int
auth_own_id(const char *m, const Samen__V1__Entity *old,
    const Samen__V1__Entity *new)
{
	(void)old;
	return strcmp(new->id, m) == 0;
}

/* Meetings: a member creates and edits (and cancels) those it hosts. */
static int
auth_own_meeting(const char *m, const Samen__V1__Entity *old,
    const Samen__V1__Entity *new)
{
	if (old != NULL && strcmp(old->meeting->host, m) != 0)
		return 0;
	return strcmp(new->meeting->host, m) == 0;
}

/* True when two dossiers differ in nothing but their state. */
static int
auth_only_state(const Samen__V1__Dossier *a, const Samen__V1__Dossier *b)
{
	return strcmp(a->title, b->title) == 0 &&
	    strcmp(a->item_id, b->item_id) == 0 &&
	    strcmp(a->from, b->from) == 0 && strcmp(a->to, b->to) == 0 &&
	    strcmp(a->due_date, b->due_date) == 0 &&
	    strcmp(a->note, b->note) == 0;
}

/*
 * Dossiers: the handing-over side creates and edits them; the side they
 * are addressed to may only acknowledge one that was handed over.
 */
static int
auth_dossier(const char *m, const Samen__V1__Entity *old,
    const Samen__V1__Entity *new)
{
	const Samen__V1__Dossier *n = new->dossier;

	if (old == NULL)
		return strcmp(n->from, m) == 0;
	if (strcmp(old->dossier->from, m) == 0)
		return strcmp(n->from, m) == 0;
	return strcmp(old->dossier->to, m) == 0 &&
	    old->dossier->state == SAMEN__V1__DOSSIER__STATE__HANDED_OVER &&
	    n->state == SAMEN__V1__DOSSIER__STATE__ACKNOWLEDGED &&
	    auth_only_state(old->dossier, n);
}

static const struct auth_row auth_table[] = {
	{ SAMEN__V1__KIND__REGION, AUTH_CREATE, NULL,
	  "only the regional secretariat (admin) changes the region" },
	{ SAMEN__V1__KIND__REGION, AUTH_UPDATE, NULL,
	  "only the regional secretariat (admin) changes the region" },
	{ SAMEN__V1__KIND__MUNICIPALITY, AUTH_CREATE, NULL,
	  "only the regional secretariat (admin) adds municipalities" },
	{ SAMEN__V1__KIND__MUNICIPALITY, AUTH_UPDATE, NULL,
	  "only the regional secretariat (admin) edits municipalities" },
	{ SAMEN__V1__KIND__AGENDA_ITEM, AUTH_CREATE, auth_item_create,
	  "a member proposes items for their own municipality only" },
	{ SAMEN__V1__KIND__AGENDA_ITEM, AUTH_UPDATE, auth_item_edit,
	  "a member edits only items their municipality leads or proposed, "
	  "and cannot change who proposed it" },
	{ SAMEN__V1__KIND__DECISION, AUTH_CREATE, auth_own_decision,
	  "a member records only their own council's decisions" },
	{ SAMEN__V1__KIND__DECISION, AUTH_UPDATE, auth_own_decision,
	  "a member records only their own council's decisions" },
	{ SAMEN__V1__KIND__RANKING, AUTH_CREATE, auth_own_id,
	  "a member sets only their own municipality's ranking" },
	{ SAMEN__V1__KIND__RANKING, AUTH_UPDATE, auth_own_id,
	  "a member sets only their own municipality's ranking" },
	{ SAMEN__V1__KIND__AVAILABILITY, AUTH_CREATE, auth_own_id,
	  "a member sets only their own municipality's busy dates" },
	{ SAMEN__V1__KIND__AVAILABILITY, AUTH_UPDATE, auth_own_id,
	  "a member sets only their own municipality's busy dates" },
	{ SAMEN__V1__KIND__MEETING, AUTH_CREATE, auth_own_meeting,
	  "a member creates only meetings their municipality hosts" },
	{ SAMEN__V1__KIND__MEETING, AUTH_UPDATE, auth_own_meeting,
	  "a member edits or cancels only meetings their municipality hosts" },
	{ SAMEN__V1__KIND__DOSSIER, AUTH_CREATE, auth_dossier,
	  "a member creates only dossiers their municipality hands over" },
	{ SAMEN__V1__KIND__DOSSIER, AUTH_UPDATE, auth_dossier,
	  "a member edits only dossiers their municipality hands over, and "
	  "only acknowledges those handed over to it" },
};

static const char *const auth_kind_names[] = {
	"entity", "Region", "Municipality", "AgendaItem", "Decision",
	"Ranking", "Meeting", "Availability", "Dossier",
};

/* The name of a kind, for messages. */
const char *
auth_kind_name(Samen__V1__Kind kind)
{
	if ((size_t)kind < sizeof(auth_kind_names) / sizeof(auth_kind_names[0]))
		return auth_kind_names[kind];
	return "entity";
}

/*
 * May who do op on an entity of kind (old: as stored, NULL on create;
 * new: as it would be, NULL on delete)?  0: yes; -1: no, and *rule names
 * the rule that refuses.
 */
int
auth_write(const struct tls_principal *who, enum auth_op op,
    Samen__V1__Kind kind, const Samen__V1__Entity *old,
    const Samen__V1__Entity *new, char **rule)
{
	size_t i;

	if (who->role == TLS_ROLE_ADMIN)
		return 0;
	if (who->role != TLS_ROLE_MEMBER) {
		xasprintf(rule, "observers read only; changing a %s needs a "
		    "member or admin certificate", auth_kind_name(kind));
		return -1;
	}
	if (op == AUTH_DELETE) {
		xasprintf(rule, "only the regional secretariat (admin) deletes "
		    "anything");
		return -1;
	}
	for (i = 0; i < sizeof(auth_table) / sizeof(auth_table[0]); i++) {
		const struct auth_row *r = &auth_table[i];

		if (r->kind != kind || r->op != op)
			continue;
		if (r->member != NULL && r->member(who->municipality, old, new))
			return 0;
		xasprintf(rule, "%s", r->rule);
		return -1;
	}
	xasprintf(rule, "a member may not change a %s", auth_kind_name(kind));
	return -1;
}
