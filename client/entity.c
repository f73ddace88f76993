/*
 * Entities for people and scripts: the words of each enum (the command
 * line's and JSON's: lowercase, '-' for '_'), an entity as a JSON object
 * with its fields by name, a one-line summary, and the comparisons the
 * commands share (natural id order, divergence, field differences).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "samen.h"
#include "xmalloc.h"

struct entity_word {
	int		 value;
	const char	*word;
};

/*
 * Each table ends with a NULL word.  A value's first word is the one
 * printed; later words for the same value are accepted aliases.
 */
static const struct entity_word entity_phase_words[] = {
	{ SAMEN__V1__AGENDA_ITEM__PHASE__BEFORE_ELECTION, "before" },
	{ SAMEN__V1__AGENDA_ITEM__PHASE__AFTER_ELECTION, "after" },
	{ SAMEN__V1__AGENDA_ITEM__PHASE__BEFORE_ELECTION, "before-election" },
	{ SAMEN__V1__AGENDA_ITEM__PHASE__AFTER_ELECTION, "after-election" },
	{ 0, NULL }
};

static const struct entity_word entity_status_words[] = {
	{ SAMEN__V1__AGENDA_ITEM__STATE__PROPOSED, "proposed" },
	{ SAMEN__V1__AGENDA_ITEM__STATE__INVENTORIED, "inventoried" },
	{ SAMEN__V1__AGENDA_ITEM__STATE__IN_PREPARATION, "in-preparation" },
	{ SAMEN__V1__AGENDA_ITEM__STATE__IN_COUNCILS, "in-councils" },
	{ SAMEN__V1__AGENDA_ITEM__STATE__DONE, "done" },
	{ SAMEN__V1__AGENDA_ITEM__STATE__DROPPED, "dropped" },
	{ 0, NULL }
};

static const struct entity_word entity_source_words[] = {
	{ SAMEN__V1__AGENDA_ITEM__SOURCE__COUNCIL, "council" },
	{ SAMEN__V1__AGENDA_ITEM__SOURCE__COLLEGE, "college" },
	{ SAMEN__V1__AGENDA_ITEM__SOURCE__MANAGEMENT_TEAM, "management-team" },
	{ SAMEN__V1__AGENDA_ITEM__SOURCE__EXPLORER, "explorer" },
	{ 0, NULL }
};

static const struct entity_word entity_decision_words[] = {
	{ SAMEN__V1__DECISION__STATE__PENDING, "pending" },
	{ SAMEN__V1__DECISION__STATE__SCHEDULED, "scheduled" },
	{ SAMEN__V1__DECISION__STATE__ADOPTED, "adopted" },
	{ SAMEN__V1__DECISION__STATE__AMENDED, "amended" },
	{ SAMEN__V1__DECISION__STATE__REJECTED, "rejected" },
	{ 0, NULL }
};

static const struct entity_word entity_meeting_kind_words[] = {
	{ SAMEN__V1__MEETING__MEETING_KIND__REGIONAL_COUNCILS,
	  "regional-councils" },
	{ SAMEN__V1__MEETING__MEETING_KIND__PORTFOLIO_HOLDERS,
	  "portfolio-holders" },
	{ SAMEN__V1__MEETING__MEETING_KIND__SOUNDING_BOARD, "sounding-board" },
	{ SAMEN__V1__MEETING__MEETING_KIND__STEERING_GROUP, "steering-group" },
	{ SAMEN__V1__MEETING__MEETING_KIND__INFORMAL, "informal" },
	{ SAMEN__V1__MEETING__MEETING_KIND__OTHER, "other" },
	{ 0, NULL }
};

static const struct entity_word entity_meeting_state_words[] = {
	{ SAMEN__V1__MEETING__STATE__PLANNED, "planned" },
	{ SAMEN__V1__MEETING__STATE__CONFIRMED, "confirmed" },
	{ SAMEN__V1__MEETING__STATE__CANCELLED, "cancelled" },
	{ SAMEN__V1__MEETING__STATE__HELD, "held" },
	{ 0, NULL }
};

static const struct entity_word entity_dossier_words[] = {
	{ SAMEN__V1__DOSSIER__STATE__DRAFT, "draft" },
	{ SAMEN__V1__DOSSIER__STATE__READY, "ready" },
	{ SAMEN__V1__DOSSIER__STATE__HANDED_OVER, "handed-over" },
	{ SAMEN__V1__DOSSIER__STATE__ACKNOWLEDGED, "acknowledged" },
	{ SAMEN__V1__DOSSIER__STATE__HANDED_OVER, "handover" },
	{ 0, NULL }
};

/* Kinds as JSON names them: the field names of Entity's oneof. */
static const struct entity_word entity_kind_words[] = {
	{ SAMEN__V1__KIND__REGION, "region" },
	{ SAMEN__V1__KIND__MUNICIPALITY, "municipality" },
	{ SAMEN__V1__KIND__AGENDA_ITEM, "agenda_item" },
	{ SAMEN__V1__KIND__DECISION, "decision" },
	{ SAMEN__V1__KIND__RANKING, "ranking" },
	{ SAMEN__V1__KIND__MEETING, "meeting" },
	{ SAMEN__V1__KIND__AVAILABILITY, "availability" },
	{ SAMEN__V1__KIND__DOSSIER, "dossier" },
	{ 0, NULL }
};

/* The word table of an enum. */
static const struct entity_word *
entity_table(enum entity_enum e)
{
	switch (e) {
	case ENTITY_PHASE:
		return entity_phase_words;
	case ENTITY_STATUS:
		return entity_status_words;
	case ENTITY_SOURCE:
		return entity_source_words;
	case ENTITY_DECISION:
		return entity_decision_words;
	case ENTITY_MEETING_KIND:
		return entity_meeting_kind_words;
	case ENTITY_MEETING_STATE:
		return entity_meeting_state_words;
	case ENTITY_DOSSIER_STATE:
		return entity_dossier_words;
	case ENTITY_KIND:
		return entity_kind_words;
	}
	fatalx("entity_table: enum %d", (int)e);
}

/* The word for an enum value; NULL when it has none (unspecified). */
const char *
entity_word(enum entity_enum e, int value)
{
	const struct entity_word *w;

	for (w = entity_table(e); w->word != NULL; w++) {
		if (w->value == value)
			return w->word;
	}
	return NULL;
}

/* Parses a word (any case; '_' taken as '-'). 0: *value set; -1: unknown. */
int
entity_parse_word(enum entity_enum e, const char *word, int *value)
{
	const struct entity_word *w;
	const char *a, *b;

	for (w = entity_table(e); w->word != NULL; w++) {
		for (a = word, b = w->word; *a != '\0' && *b != '\0';
		    a++, b++) {
			if (tolower((unsigned char)*a) != *b &&
			    !(*a == '_' && *b == '-'))
				break;
		}
		if (*a == '\0' && *b == '\0') {
			*value = w->value;
			return 0;
		}
	}
	return -1;
}

/* The words of an enum, "a, b, c", for a usage error; free it. */
char *
entity_words(enum entity_enum e)
{
	const struct entity_word *w;
	char *s = NULL, *n;

	for (w = entity_table(e); w->word != NULL; w++) {
		if (entity_word(e, w->value) != w->word)
			continue;	/* an alias */
		xasprintf(&n, "%s%s%s", s != NULL ? s : "", s != NULL ?
		    ", " : "", w->word);
		free(s);
		s = n;
	}
	return s != NULL ? s : xstrdup("");
}

/* A kind's name for people: "AgendaItem". */
const char *
entity_kind_name(Samen__V1__Kind k)
{
	static const char *const names[] = { "Entity", "Region",
	    "Municipality", "AgendaItem", "Decision", "Ranking", "Meeting",
	    "Availability", "Dossier" };

	if ((size_t)k < sizeof(names) / sizeof(names[0]))
		return names[k];
	return "Entity";
}

/* Sets key to a string (protobuf-c strings are never NULL, but be safe). */
static void
entity_json_str(json_t *o, const char *key, const char *s)
{
	json_object_set_new(o, key, json_string(s != NULL ? s : ""));
}

/* Sets key to an enum's word, or null when the value has none. */
static void
entity_json_enum(json_t *o, const char *key, enum entity_enum e, int v)
{
	const char *w = entity_word(e, v);

	json_object_set_new(o, key, w != NULL ? json_string(w) : json_null());
}

/* A JSON array of strings. */
static json_t *
entity_json_strings(char **s, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(s[i]));
	return a;
}

/* Adds a region's fields. */
static void
entity_json_region(json_t *o, const Samen__V1__Region *r)
{
	json_t *a = json_array();
	size_t i;

	entity_json_str(o, "name", r->name);
	entity_json_str(o, "time_zone", r->time_zone);
	entity_json_str(o, "election_date", r->election_date);
	entity_json_str(o, "installation_date", r->installation_date);
	for (i = 0; i < r->n_blackouts; i++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s}",
		    "start", r->blackouts[i]->start,
		    "end", r->blackouts[i]->end,
		    "reason", r->blackouts[i]->reason));
	json_object_set_new(o, "blackouts", a);
}

/* Adds a meeting's fields. */
static void
entity_json_meeting(json_t *o, const Samen__V1__Meeting *m)
{
	entity_json_str(o, "title", m->title);
	entity_json_enum(o, "meeting_kind", ENTITY_MEETING_KIND, m->kind);
	json_object_set_new(o, "start", json_integer(m->start));
	json_object_set_new(o, "end", json_integer(m->end));
	entity_json_str(o, "host", m->host);
	entity_json_str(o, "location", m->location);
	json_object_set_new(o, "participants",
	    entity_json_strings(m->participants, m->n_participants));
	json_object_set_new(o, "item_ids",
	    entity_json_strings(m->item_ids, m->n_item_ids));
	entity_json_enum(o, "status", ENTITY_MEETING_STATE, m->status);
	entity_json_str(o, "notes", m->notes);
	json_object_set_new(o, "sequence", json_integer(m->sequence));
}

/*
 * An entity as a JSON object (a json_t *, owned by the caller): id, rev,
 * kind, then its fields by their .proto names, enums as words.  A
 * meeting's own kind is "meeting_kind", beside the entity's kind.
 */
void *
entity_json(const Samen__V1__Entity *e)
{
	Samen__V1__Kind kind = wire_entity_kind(e);
	json_t *o = json_object(), *a;
	size_t i;

	entity_json_str(o, "id", e->id);
	json_object_set_new(o, "rev", json_integer((json_int_t)e->rev));
	entity_json_enum(o, "kind", ENTITY_KIND, kind);
	switch (e->body_case) {
	case SAMEN__V1__ENTITY__BODY_REGION:
		entity_json_region(o, e->region);
		break;
	case SAMEN__V1__ENTITY__BODY_MUNICIPALITY:
		entity_json_str(o, "name", e->municipality->name);
		entity_json_str(o, "venue", e->municipality->venue);
		entity_json_str(o, "college_installed_date",
		    e->municipality->college_installed_date);
		break;
	case SAMEN__V1__ENTITY__BODY_AGENDA_ITEM:
		entity_json_str(o, "title", e->agenda_item->title);
		entity_json_str(o, "description", e->agenda_item->description);
		entity_json_str(o, "theme", e->agenda_item->theme);
		entity_json_enum(o, "phase", ENTITY_PHASE,
		    e->agenda_item->phase);
		entity_json_enum(o, "status", ENTITY_STATUS,
		    e->agenda_item->status);
		entity_json_str(o, "lead_municipality",
		    e->agenda_item->lead_municipality);
		entity_json_str(o, "lead_portfolio_holder",
		    e->agenda_item->lead_portfolio_holder);
		entity_json_str(o, "proposed_by", e->agenda_item->proposed_by);
		entity_json_enum(o, "source", ENTITY_SOURCE,
		    e->agenda_item->source);
		break;
	case SAMEN__V1__ENTITY__BODY_DECISION:
		entity_json_enum(o, "state", ENTITY_DECISION,
		    e->decision->state);
		entity_json_str(o, "meeting_date", e->decision->meeting_date);
		entity_json_str(o, "note", e->decision->note);
		break;
	case SAMEN__V1__ENTITY__BODY_RANKING:
		json_object_set_new(o, "item_ids", entity_json_strings(
		    e->ranking->item_ids, e->ranking->n_item_ids));
		break;
	case SAMEN__V1__ENTITY__BODY_MEETING:
		entity_json_meeting(o, e->meeting);
		break;
	case SAMEN__V1__ENTITY__BODY_AVAILABILITY:
		a = json_array();
		for (i = 0; i < e->availability->n_busy; i++)
			json_array_append_new(a, json_pack(
			    "{s:s,s:s,s:s,s:s}",
			    "date", e->availability->busy[i]->date,
			    "start_time", e->availability->busy[i]->start_time,
			    "end_time", e->availability->busy[i]->end_time,
			    "reason", e->availability->busy[i]->reason));
		json_object_set_new(o, "busy", a);
		break;
	case SAMEN__V1__ENTITY__BODY_DOSSIER:
		entity_json_str(o, "title", e->dossier->title);
		entity_json_str(o, "item_id", e->dossier->item_id);
		entity_json_str(o, "from", e->dossier->from);
		entity_json_str(o, "to", e->dossier->to);
		entity_json_str(o, "due_date", e->dossier->due_date);
		entity_json_enum(o, "state", ENTITY_DOSSIER_STATE,
		    e->dossier->state);
		entity_json_str(o, "note", e->dossier->note);
		break;
	default:
		break;
	}
	return o;
}

/* A word for a possibly unspecified enum value: the word or "-". */
const char *
entity_word_or_dash(enum entity_enum e, int v)
{
	const char *w = entity_word(e, v);

	return w != NULL ? w : "-";
}

/*
 * One line about an entity for a change feed: its title, name or state
 * (free it).
 */
char *
entity_summary(const Samen__V1__Entity *e)
{
	char *s, *n;
	size_t i;

	switch (e->body_case) {
	case SAMEN__V1__ENTITY__BODY_REGION:
		return xstrdup(e->region->name);
	case SAMEN__V1__ENTITY__BODY_MUNICIPALITY:
		return xstrdup(e->municipality->name);
	case SAMEN__V1__ENTITY__BODY_AGENDA_ITEM:
		return xstrdup(e->agenda_item->title);
	case SAMEN__V1__ENTITY__BODY_DECISION:
		xasprintf(&s, "%s%s%s",
		    entity_word_or_dash(ENTITY_DECISION, e->decision->state),
		    *e->decision->meeting_date ? " " : "",
		    e->decision->meeting_date);
		return s;
	case SAMEN__V1__ENTITY__BODY_RANKING:
		s = xstrdup("");
		for (i = 0; i < e->ranking->n_item_ids; i++) {
			xasprintf(&n, "%s%s%s", s, i ? " " : "",
			    e->ranking->item_ids[i]);
			free(s);
			s = n;
		}
		return s;
	case SAMEN__V1__ENTITY__BODY_MEETING:
		return xstrdup(e->meeting->title);
	case SAMEN__V1__ENTITY__BODY_AVAILABILITY:
		xasprintf(&s, "%zu busy date%s", e->availability->n_busy,
		    e->availability->n_busy == 1 ? "" : "s");
		return s;
	case SAMEN__V1__ENTITY__BODY_DOSSIER:
		return xstrdup(e->dossier->title);
	default:
		break;
	}
	return xstrdup("");
}

/*
 * Compares ids in natural order: runs of digits by their value, so A2
 * comes before A10.  <0, 0, >0 like strcmp.
 */
int
entity_idcmp(const char *a, const char *b)
{
	const char *da, *db;
	size_t la, lb;
	int c;

	while (*a != '\0' && *b != '\0') {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			for (da = a; isdigit((unsigned char)*da); da++)
				;
			for (db = b; isdigit((unsigned char)*db); db++)
				;
			la = (size_t)(da - a);
			lb = (size_t)(db - b);
			if (la != lb)
				return la < lb ? -1 : 1;
			if ((c = strncmp(a, b, la)) != 0)
				return c;
			a = da;
			b = db;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

/*
 * True when an item's council decisions diverge: at least one adopted
 * and another rejected or amended (DESIGN §3).
 */
int
entity_diverges(Samen__V1__Entity *const *d, size_t n)
{
	int adopted = 0, other = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (d[i]->body_case != SAMEN__V1__ENTITY__BODY_DECISION)
			continue;
		switch (d[i]->decision->state) {
		case SAMEN__V1__DECISION__STATE__ADOPTED:
			adopted = 1;
			break;
		case SAMEN__V1__DECISION__STATE__REJECTED:
		case SAMEN__V1__DECISION__STATE__AMENDED:
			other = 1;
			break;
		default:
			break;
		}
	}
	return adopted && other;
}

/* True for the keys every entity has, which a field comparison skips. */
static int
entity_diff_skip(const char *key)
{
	return strcmp(key, "id") == 0 || strcmp(key, "rev") == 0 ||
	    strcmp(key, "kind") == 0;
}

/*
 * Prints, for each field that differs between yours and theirs,
 * `field: yours "..." / theirs "..."`.  Returns how many differ.
 */
int
entity_diff_print(const Samen__V1__Entity *yours,
    const Samen__V1__Entity *theirs, FILE *fp)
{
	json_t *jy = entity_json(yours), *jt = entity_json(theirs), *vy, *vt;
	const char *key;
	char *sy, *st;
	int n = 0;

	json_object_foreach(jy, key, vy) {
		if (entity_diff_skip(key))
			continue;
		vt = json_object_get(jt, key);
		if (vt != NULL && json_equal(vy, vt))
			continue;
		sy = json_dumps(vy, JSON_ENCODE_ANY | JSON_COMPACT);
		st = vt != NULL ? json_dumps(vt, JSON_ENCODE_ANY |
		    JSON_COMPACT) : NULL;
		fprintf(fp, "%s: yours %s / theirs %s\n", key,
		    sy != NULL ? sy : "?", st != NULL ? st : "(none)");
		free(sy);
		free(st);
		n++;
	}
	json_decref(jy);
	json_decref(jt);
	return n;
}

/*
 * The differing fields as a JSON object {"field": {"yours": ..,
 * "theirs": ..}} (a json_t *, owned by the caller).
 */
void *
entity_diff_json(const Samen__V1__Entity *yours,
    const Samen__V1__Entity *theirs)
{
	json_t *jy = entity_json(yours), *jt = entity_json(theirs), *vy, *vt;
	json_t *out = json_object();
	const char *key;

	json_object_foreach(jy, key, vy) {
		if (entity_diff_skip(key))
			continue;
		vt = json_object_get(jt, key);
		if (vt != NULL && json_equal(vy, vt))
			continue;
		json_object_set_new(out, key, json_pack("{s:O,s:O}", "yours",
		    vy, "theirs", vt != NULL ? vt : json_null()));
	}
	json_decref(jy);
	json_decref(jt);
	return out;
}
