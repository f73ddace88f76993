/*
 * samen agenda list|show|add|edit|decide|rank: the regional agenda.
 * Reads answer from the freshly synced local copy (or, offline, from the
 * copy as it is); writes go to the daemon as one put each, with the rev
 * they were based on, and a conflict shows what changed meanwhile.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "samen.h"
#include "xmalloc.h"

static int	agenda_list(struct client *, int, char **);
static int	agenda_show(struct client *, int, char **);
static int	agenda_add(struct client *, int, char **);
static int	agenda_edit(struct client *, int, char **);
static int	agenda_decide(struct client *, int, char **);
static int	agenda_rank(struct client *, int, char **);
static int	agenda_delete(struct client *, int, char **);

static const struct client_cmd agenda_cmds[] = {
	{ "agenda list", "[--phase before|after] [--status STATUS] "
	  "[--theme THEME]",
	  "the items; '!' marks diverging council decisions",
	  agenda_list, 0 },
	{ "agenda show", "ID",
	  "one item with all its fields and its council decisions",
	  agenda_show, 0 },
	{ "agenda add", "--title TITLE --phase before|after [--theme THEME] "
	  "[--lead MUNICIPALITY]\n\t[--description TEXT] "
	  "[--source council|college|management-team|explorer]\n\t"
	  "[--portfolio-holder NAME]",
	  "propose a new item; prints the id the server gave it",
	  agenda_add, 0 },
	{ "agenda edit", "ID [--title TITLE] [--description TEXT] "
	  "[--theme THEME] [--phase PHASE]\n\t[--status STATUS] "
	  "[--lead MUNICIPALITY] [--portfolio-holder NAME]\n\t"
	  "[--source SOURCE] [--expected-rev N]",
	  "change the given fields; a conflict shows what changed",
	  agenda_edit, 0 },
	{ "agenda decide", "ID --state adopted|amended|rejected|scheduled|"
	  "pending\n\t[--date YYYY-MM-DD] [--note TEXT] "
	  "[--municipality M]",
	  "record your council's decision on an item",
	  agenda_decide, 0 },
	{ "agenda rank", "ID [ID ...] [--municipality M]",
	  "set your municipality's ranking, most important first",
	  agenda_rank, 0 },
	{ "agenda delete", "ID [--expected-rev N]",
	  "admin: delete an item with its decisions", agenda_delete, 0 },
};
#define AGENDA_NCMDS	(sizeof(agenda_cmds) / sizeof(agenda_cmds[0]))

/* Prints the list of subcommands. */
static void
agenda_help(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: samen agenda list|show|add|edit|decide|rank|delete "
	    "...\n"
	    "\nthe regional agenda:\n");
	for (i = 0; i < AGENDA_NCMDS; i++)
		fprintf(fp, "  %-14s %s\n", agenda_cmds[i].name,
		    agenda_cmds[i].help);
	fprintf(fp, "\nstatus words: proposed, inventoried, in-preparation, "
	    "in-councils, done, dropped\n'samen agenda SUBCOMMAND --help' "
	    "for one of them.\n");
}

/*
 * The council decisions on an item, from the mirror. 0: *ds, *n set
 * (free with mirror_list_free); -1: *cause.
 */
static int
agenda_decisions(struct mirror *m, const char *item, Samen__V1__Entity ***ds,
    size_t *n, char **cause)
{
	char *prefix;
	int rv;

	xasprintf(&prefix, "%s/", item);
	rv = mirror_list(m, SAMEN__V1__KIND__DECISION, prefix, ds, n, cause);
	free(prefix);
	return rv;
}

/*
 * samen agenda list: the items in id order, filtered, with a '!' when
 * their decisions diverge.
 */
static int
agenda_list(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "phase", required_argument, NULL, 'p' },
		{ "status", required_argument, NULL, 's' },
		{ "theme", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const struct client_cmd *cmd = &agenda_cmds[0];
	Samen__V1__Entity **items, **ds;
	Samen__V1__AgendaItem *ai;
	struct mirror *m;
	struct out_table *t = NULL;
	json_t *arr = NULL, *o;
	const char *theme = NULL;
	size_t n, nd, i, shown = 0;
	char *cause = NULL;
	int ch, rv, online, phase = -1, status = -1, div, anydiv = 0;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			if ((rv = edit_word(cmd, ENTITY_PHASE, "--phase",
			    optarg, &phase)) != 0)
				return rv;
			break;
		case 's':
			if ((rv = edit_word(cmd, ENTITY_STATUS, "--status",
			    optarg, &status)) != 0)
				return rv;
			break;
		case 't':
			theme = optarg;
			break;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	if (optind != argc)
		return client_usage_error(cmd, "unexpected '%s'", argv[optind]);
	if ((rv = mirror_refresh(c, &m, &online)) != 0)
		return rv;
	if (mirror_list(m, SAMEN__V1__KIND__AGENDA_ITEM, NULL, &items, &n,
	    &cause) == -1) {
		mirror_close(m);
		return edit_mirror_error(c, cause);
	}
	if (c->json)
		arr = json_array();
	else {
		t = out_table_new(7);
		out_table_add(t, " ");
		out_table_add(t, "ID");
		out_table_add(t, "PHASE");
		out_table_add(t, "STATUS");
		out_table_add(t, "THEME");
		out_table_add(t, "LEAD");
		out_table_add(t, "TITLE");
	}
	for (i = 0; i < n; i++) {
		ai = items[i]->agenda_item;
		if ((phase != -1 && (int)ai->phase != phase) ||
		    (status != -1 && (int)ai->status != status) ||
		    (theme != NULL && strcasecmp(ai->theme, theme) != 0))
			continue;
		if (agenda_decisions(m, items[i]->id, &ds, &nd, &cause) == -1) {
			rv = edit_mirror_error(c, cause);
			goto out;
		}
		div = entity_diverges(ds, nd);
		mirror_list_free(ds, nd);
		anydiv |= div;
		shown++;
		if (c->json) {
			o = entity_json(items[i]);
			json_object_set_new(o, "divergent", json_boolean(div));
			json_array_append_new(arr, o);
			continue;
		}
		out_table_add(t, "%s", div ? "!" : " ");
		out_table_add(t, "%s", items[i]->id);
		out_table_add(t, "%s", entity_word_or_dash(ENTITY_PHASE,
		    ai->phase));
		out_table_add(t, "%s", entity_word_or_dash(ENTITY_STATUS,
		    ai->status));
		out_table_add(t, "%s", edit_dash(ai->theme));
		out_table_add(t, "%s", edit_dash(ai->lead_municipality));
		out_table_add(t, "%s", ai->title);
	}
	if (c->json) {
		out_json_print(json_pack("{s:I,s:o}", "rev",
		    (json_int_t)mirror_rev(m), "items", arr));
		arr = NULL;
	} else if (shown == 0)
		printf("no agenda items%s\n", phase != -1 || status != -1 ||
		    theme != NULL ? " match" : " yet");
	else {
		out_table_print(t);
		t = NULL;
		if (anydiv)
			printf("\n! the councils' decisions on this item "
			    "diverge\n");
	}
	rv = 0;
out:
	json_decref(arr);
	out_table_free(t);
	mirror_list_free(items, n);
	mirror_close(m);
	return rv;
}

/* Prints one labelled field of agenda show, when it has a value. */
static void
agenda_field(const char *label, const char *value)
{
	if (value != NULL && *value != '\0')
		printf("%-17s %s\n", label, value);
}

/* Prints the decisions of agenda show, one row per municipality. */
static void
agenda_show_decisions(const char *item, Samen__V1__Entity **ds, size_t nd,
    Samen__V1__Entity **ms, size_t nm)
{
	struct out_table *t = out_table_new(4);
	const Samen__V1__Decision *d;
	size_t i, j, plen = strlen(item) + 1;
	int found;

	out_table_add(t, "MUNICIPALITY");
	out_table_add(t, "STATE");
	out_table_add(t, "DATE");
	out_table_add(t, "NOTE");
	for (i = 0; i < nd; i++) {
		d = ds[i]->decision;
		out_table_add(t, "%s", ds[i]->id + plen);
		out_table_add(t, "%s", entity_word_or_dash(ENTITY_DECISION,
		    d->state));
		out_table_add(t, "%s", edit_dash(d->meeting_date));
		out_table_add(t, "%s", d->note);
	}
	/* A municipality without a decision yet (there should be none). */
	for (j = 0; j < nm; j++) {
		for (i = 0, found = 0; i < nd && !found; i++)
			found = strcmp(ds[i]->id + plen, ms[j]->id) == 0;
		if (found)
			continue;
		out_table_add(t, "%s", ms[j]->id);
		out_table_add(t, "-");
		out_table_add(t, "-");
		out_table_add(t, "no decision recorded");
	}
	out_table_print(t);
}

/* samen agenda show ID: every field and the five council decisions. */
static int
agenda_show(struct client *c, int argc, char **argv)
{
	const struct client_cmd *cmd = &agenda_cmds[1];
	Samen__V1__Entity *e = NULL, **ds = NULL, **ms = NULL;
	Samen__V1__AgendaItem *ai;
	struct mirror *m;
	json_t *o, *arr;
	size_t nd = 0, nm = 0, i;
	char *id, *cause = NULL;
	int rv, online, div;

	if (argc != 2 || argv[1][0] == '-')
		return client_usage_error(cmd, "give one item id");
	if ((rv = mirror_refresh(c, &m, &online)) != 0)
		return rv;
	id = edit_id(argv[1], 'A');
	if ((rv = edit_get(c, m, SAMEN__V1__KIND__AGENDA_ITEM, "agenda item",
	    id, online, &e)) != 0)
		goto out;
	if (agenda_decisions(m, id, &ds, &nd, &cause) == -1 ||
	    mirror_list(m, SAMEN__V1__KIND__MUNICIPALITY, NULL, &ms, &nm,
	    &cause) == -1) {
		rv = edit_mirror_error(c, cause);
		goto out;
	}
	div = entity_diverges(ds, nd);
	if (c->json) {
		o = entity_json(e);
		json_object_set_new(o, "divergent", json_boolean(div));
		arr = json_array();
		for (i = 0; i < nd; i++)
			json_array_append_new(arr, entity_json(ds[i]));
		json_object_set_new(o, "decisions", arr);
		out_json_print(o);
		rv = 0;
		goto out;
	}
	ai = e->agenda_item;
	printf("%s  %s\n\n", e->id, ai->title);
	agenda_field("phase", ai->phase ==
	    SAMEN__V1__AGENDA_ITEM__PHASE__BEFORE_ELECTION ? "before the "
	    "election" : ai->phase ==
	    SAMEN__V1__AGENDA_ITEM__PHASE__AFTER_ELECTION ? "after the "
	    "election" : NULL);
	agenda_field("status", entity_word(ENTITY_STATUS, ai->status));
	agenda_field("theme", ai->theme);
	agenda_field("lead", ai->lead_municipality);
	agenda_field("portfolio holder", ai->lead_portfolio_holder);
	agenda_field("proposed by", ai->proposed_by);
	agenda_field("source", entity_word(ENTITY_SOURCE, ai->source));
	printf("%-17s %llu\n", "rev", (unsigned long long)e->rev);
	if (*ai->description != '\0')
		printf("\n%s\n", ai->description);
	printf("\ncouncil decisions%s\n", div ? " (decisions diverge: one "
	    "council adopted it, another rejected or amended it)" : "");
	agenda_show_decisions(id, ds, nd, ms, nm);
	rv = 0;
out:
	if (e != NULL)
		samen__v1__entity__free_unpacked(e, NULL);
	mirror_list_free(ds, nd);
	mirror_list_free(ms, nm);
	free(id);
	mirror_close(m);
	return rv;
}

/* The fields that add and edit take, as given on the command line. */
struct agenda_fields {
	const char	*title;
	const char	*description;
	const char	*theme;
	const char	*lead;
	const char	*holder;
	int		 phase;		/* -1: not given */
	int		 status;
	int		 source;
	uint64_t	 expected_rev;
	int		 have_rev;
	int		 count;		/* how many were given */
};

/*
 * Parses the options of add and edit into f.  0, or the exit code of a
 * usage error (printed).  Positional arguments are left at
 * argv[optind..].
 */
static int
agenda_fields_parse(const struct client_cmd *cmd, int edit, int argc,
    char **argv, struct agenda_fields *f)
{
	static const struct option opts[] = {
		{ "title", required_argument, NULL, 't' },
		{ "description", required_argument, NULL, 'd' },
		{ "theme", required_argument, NULL, 'T' },
		{ "phase", required_argument, NULL, 'p' },
		{ "status", required_argument, NULL, 's' },
		{ "lead", required_argument, NULL, 'l' },
		{ "portfolio-holder", required_argument, NULL, 'h' },
		{ "source", required_argument, NULL, 'S' },
		{ "expected-rev", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, rv;

	memset(f, 0, sizeof(*f));
	f->phase = f->status = f->source = -1;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			f->title = optarg;	/* the daemon judges the text */
			break;
		case 'd':
			f->description = optarg;
			break;
		case 'T':
			f->theme = optarg;
			break;
		case 'l':
			f->lead = optarg;
			break;
		case 'h':
			f->holder = optarg;
			break;
		case 'p':
			if ((rv = edit_word(cmd, ENTITY_PHASE, "--phase",
			    optarg, &f->phase)) != 0)
				return rv;
			break;
		case 's':
			if (!edit)
				return client_usage_error(cmd, "a new item "
				    "starts as proposed; change its status "
				    "with 'samen agenda edit'");
			if ((rv = edit_word(cmd, ENTITY_STATUS, "--status",
			    optarg, &f->status)) != 0)
				return rv;
			break;
		case 'S':
			if ((rv = edit_word(cmd, ENTITY_SOURCE, "--source",
			    optarg, &f->source)) != 0)
				return rv;
			break;
		case 'r':
			if (!edit)
				return client_usage_error(cmd, "a new item has "
				    "no rev to expect");
			if ((rv = edit_rev(cmd, optarg, &f->expected_rev)) != 0)
				return rv;
			f->have_rev = 1;
			continue;	/* not a field */
		default:
			return client_bad_option(cmd, argv);
		}
		f->count++;
	}
	return 0;
}

/* Sets the given fields on an item (pointers into argv: no copies). */
static void
agenda_fields_apply(const struct agenda_fields *f, Samen__V1__AgendaItem *ai)
{
	if (f->title != NULL)
		ai->title = (char *)(uintptr_t)f->title;
	if (f->description != NULL)
		ai->description = (char *)(uintptr_t)f->description;
	if (f->theme != NULL)
		ai->theme = (char *)(uintptr_t)f->theme;
	if (f->lead != NULL)
		ai->lead_municipality = (char *)(uintptr_t)f->lead;
	if (f->holder != NULL)
		ai->lead_portfolio_holder = (char *)(uintptr_t)f->holder;
	if (f->phase != -1)
		ai->phase = (Samen__V1__AgendaItem__Phase)f->phase;
	if (f->status != -1)
		ai->status = (Samen__V1__AgendaItem__State)f->status;
	if (f->source != -1)
		ai->source = (Samen__V1__AgendaItem__Source)f->source;
}

/* samen agenda add: a new item; the daemon gives it its id. */
static int
agenda_add(struct client *c, int argc, char **argv)
{
	const struct client_cmd *cmd = &agenda_cmds[2];
	Samen__V1__Entity e = SAMEN__V1__ENTITY__INIT, *stored;
	Samen__V1__AgendaItem ai = SAMEN__V1__AGENDA_ITEM__INIT;
	struct agenda_fields f;
	int rv;

	if ((rv = agenda_fields_parse(cmd, 0, argc, argv, &f)) != 0)
		return rv;
	if (optind != argc)
		return client_usage_error(cmd, "unexpected '%s' (the server "
		    "gives the id)", argv[optind]);
	if (f.title == NULL)
		return client_usage_error(cmd, "--title is required");
	if (f.phase == -1)
		return client_usage_error(cmd, "--phase before|after is "
		    "required");
	agenda_fields_apply(&f, &ai);
	e.id = (char *)(uintptr_t)"";
	e.body_case = SAMEN__V1__ENTITY__BODY_AGENDA_ITEM;
	e.agenda_item = &ai;
	if ((rv = conn_open(c, NULL)) != 0)
		return rv;
	if ((rv = edit_put(c, &e, 0, &stored)) != 0)
		return rv;
	if (c->json)
		out_json_print(entity_json(stored));
	else
		printf("%s\n", stored->id);
	samen__v1__entity__free_unpacked(stored, NULL);
	mirror_written(c, NULL);
	return 0;
}

/*
 * samen agenda edit ID: the item as the freshly synced copy has it, with
 * the given fields changed, put on the rev it was read at (or
 * --expected-rev).
 */
static int
agenda_edit(struct client *c, int argc, char **argv)
{
	const struct client_cmd *cmd = &agenda_cmds[3];
	Samen__V1__Entity *cur = NULL, mine, *stored;
	Samen__V1__AgendaItem ai;
	struct agenda_fields f;
	struct mirror *m = NULL;
	int rv;

	if ((rv = agenda_fields_parse(cmd, 1, argc, argv, &f)) != 0)
		return rv;
	if (optind + 1 != argc)
		return client_usage_error(cmd, "give one item id");
	if (f.count == 0)
		return client_usage_error(cmd, "give at least one field to "
		    "change");
	if ((rv = edit_open(c, NULL, SAMEN__V1__KIND__AGENDA_ITEM, 'A',
	    "agenda item", argv[optind], &m, &cur)) != 0)
		goto out;
	/* Shallow copies: the strings stay cur's or argv's. */
	mine = *cur;
	ai = *cur->agenda_item;
	mine.agenda_item = &ai;
	mine.rev = f.have_rev ? f.expected_rev : cur->rev;
	agenda_fields_apply(&f, &ai);
	if ((rv = edit_put(c, &mine, mine.rev, &stored)) != 0)
		goto out;
	if (c->json)
		out_json_print(entity_json(stored));
	else
		printf("%s updated (rev %llu)\n", stored->id,
		    (unsigned long long)stored->rev);
	samen__v1__entity__free_unpacked(stored, NULL);
	mirror_written(c, m);
out:
	if (cur != NULL)
		samen__v1__entity__free_unpacked(cur, NULL);
	mirror_close(m);
	return rv;
}

/*
 * The municipality a decision or ranking is for: --municipality, else
 * the caller's own.  0: *muni set (free it); otherwise a usage error
 * (printed).
 */
static int
agenda_municipality(struct client *c, const struct client_cmd *cmd,
    const char *given, char **muni)
{
	Samen__V1__HelloResponse *h;
	int rv;

	*muni = NULL;
	if ((rv = conn_open(c, &h)) != 0)
		return rv;
	rv = edit_for_municipality(cmd, h, "--municipality", given, muni);
	samen__v1__hello_response__free_unpacked(h, NULL);
	return rv;
}

/* samen agenda decide ID --state S: one council's decision on an item. */
static int
agenda_decide(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "date", required_argument, NULL, 'd' },
		{ "note", required_argument, NULL, 'n' },
		{ "municipality", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	const struct client_cmd *cmd = &agenda_cmds[4];
	Samen__V1__Entity *item = NULL, *cur = NULL, mine, *stored;
	Samen__V1__Decision d;
	struct mirror *m = NULL;
	const char *date = NULL, *note = NULL, *given = NULL;
	char *id = NULL, *muni = NULL, *did = NULL, *cause = NULL;
	int ch, rv, state = -1;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if ((rv = edit_word(cmd, ENTITY_DECISION, "--state",
			    optarg, &state)) != 0)
				return rv;
			break;
		case 'd':
			if ((rv = edit_date(cmd, "--date", optarg)) != 0)
				return rv;
			date = optarg;
			break;
		case 'n':
			note = optarg;
			break;
		case 'm':
			given = optarg;
			break;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	if (optind + 1 != argc)
		return client_usage_error(cmd, "give one item id");
	if (state == -1)
		return client_usage_error(cmd, "--state is required");
	if ((rv = agenda_municipality(c, cmd, given, &muni)) != 0)
		return rv;
	if ((rv = mirror_open_synced(c, &m)) != 0)
		goto out;
	id = edit_id(argv[optind], 'A');
	xasprintf(&did, "%s/%s", id, muni);
	if ((rv = mirror_get(m, SAMEN__V1__KIND__AGENDA_ITEM, id, &item,
	    &cause)) == -1 || (rv == 0 && (rv = mirror_get(m,
	    SAMEN__V1__KIND__DECISION, did, &cur, &cause)) == -1)) {
		rv = edit_mirror_error(c, cause);
		goto out;
	}
	if (item == NULL) {
		rv = out_error(c, EXIT_NOTFOUND, "there is no agenda item %s",
		    id);
		goto out;
	}
	if (cur == NULL) {
		rv = out_error(c, EXIT_NOTFOUND, "item %s has no decision for "
		    "'%s'; is that a municipality of the region?", id, muni);
		goto out;
	}
	mine = *cur;
	d = *cur->decision;
	mine.decision = &d;
	d.state = (Samen__V1__Decision__State)state;
	if (date != NULL)
		d.meeting_date = (char *)(uintptr_t)date;
	if (note != NULL)
		d.note = (char *)(uintptr_t)note;
	if ((rv = edit_put(c, &mine, cur->rev, &stored)) != 0)
		goto out;
	if (c->json)
		out_json_print(entity_json(stored));
	else
		printf("%s: %s%s%s (rev %llu)\n", stored->id,
		    entity_word_or_dash(ENTITY_DECISION,
		    stored->decision->state),
		    *stored->decision->meeting_date ? " on " : "",
		    stored->decision->meeting_date,
		    (unsigned long long)stored->rev);
	samen__v1__entity__free_unpacked(stored, NULL);
	mirror_written(c, m);
out:
	if (item != NULL)
		samen__v1__entity__free_unpacked(item, NULL);
	if (cur != NULL)
		samen__v1__entity__free_unpacked(cur, NULL);
	free(id);
	free(did);
	free(muni);
	mirror_close(m);
	return rv;
}

/* samen agenda rank ID ...: a municipality's ranking, most important first. */
static int
agenda_rank(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "municipality", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	const struct client_cmd *cmd = &agenda_cmds[5];
	Samen__V1__Entity e = SAMEN__V1__ENTITY__INIT, *cur = NULL, *stored;
	Samen__V1__Ranking r = SAMEN__V1__RANKING__INIT;
	struct mirror *m = NULL;
	const char *given = NULL;
	char **ids = NULL, *muni = NULL, *cause = NULL;
	size_t n = 0, i;
	int ch, rv;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			given = optarg;
			break;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	if (optind == argc)
		return client_usage_error(cmd, "give the item ids, most "
		    "important first");
	/* The daemon validates the list: ids that exist, none twice. */
	n = (size_t)(argc - optind);
	ids = xcalloc(n, sizeof(*ids));
	for (i = 0; i < n; i++)
		ids[i] = edit_id(argv[optind + (int)i], 'A');
	if ((rv = agenda_municipality(c, cmd, given, &muni)) != 0)
		goto out;
	if ((rv = mirror_open_synced(c, &m)) != 0)
		goto out;
	if ((rv = mirror_get(m, SAMEN__V1__KIND__RANKING, muni, &cur,
	    &cause)) == -1) {
		rv = edit_mirror_error(c, cause);
		goto out;
	}
	e.id = muni;
	e.body_case = SAMEN__V1__ENTITY__BODY_RANKING;
	e.ranking = &r;
	r.n_item_ids = n;
	r.item_ids = ids;
	if ((rv = edit_put(c, &e, cur != NULL ? cur->rev : 0, &stored)) != 0)
		goto out;
	if (c->json)
		out_json_print(entity_json(stored));
	else {
		printf("ranking of %s (rev %llu):", stored->id,
		    (unsigned long long)stored->rev);
		for (i = 0; stored->body_case ==
		    SAMEN__V1__ENTITY__BODY_RANKING &&
		    i < stored->ranking->n_item_ids; i++)
			printf(" %zu. %s", i + 1, stored->ranking->item_ids[i]);
		printf("\n");
	}
	samen__v1__entity__free_unpacked(stored, NULL);
	mirror_written(c, m);
out:
	if (cur != NULL)
		samen__v1__entity__free_unpacked(cur, NULL);
	for (i = 0; ids != NULL && i < n; i++)
		free(ids[i]);
	free(ids);
	free(muni);
	mirror_close(m);
	return rv;
}

/* samen agenda delete ID (admin): leaves a tombstone. */
static int
agenda_delete(struct client *c, int argc, char **argv)
{
	const struct client_cmd *cmd = &agenda_cmds[6];
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__DeleteRequest dr = SAMEN__V1__DELETE_REQUEST__INIT;
	Samen__V1__Response *resp;
	uint64_t expected;
	char *id;
	int rv, have_rev;

	if ((rv = edit_id_rev(cmd, argc, argv, "item", &expected,
	    &have_rev)) != 0)
		return rv;
	if ((rv = conn_open(c, NULL)) != 0)
		return rv;
	id = edit_id(argv[optind], 'A');
	dr.kind = SAMEN__V1__KIND__AGENDA_ITEM;
	dr.id = id;
	dr.expected_rev = expected;
	req.body_case = SAMEN__V1__REQUEST__BODY_DELETE;
	req.delete_ = &dr;
	if (conn_call(c, &req, &resp) == -1) {
		free(id);
		return EXIT_UNAVAIL;
	}
	if ((rv = out_status(c, resp->status)) != 0 ||
	    resp->body_case != SAMEN__V1__RESPONSE__BODY_DELETE) {
		conn_response_free(resp);
		free(id);
		return rv ? rv : EXIT_OTHER;
	}
	if (c->json)
		out_json_print(json_pack("{s:s,s:s,s:I}", "kind",
		    entity_word(ENTITY_KIND, SAMEN__V1__KIND__AGENDA_ITEM),
		    "id", id, "rev", (json_int_t)resp->delete_->rev));
	else
		printf("%s deleted (rev %llu)\n", id,
		    (unsigned long long)resp->delete_->rev);
	conn_response_free(resp);
	free(id);
	mirror_written(c, NULL);
	return 0;
}

/* samen agenda SUBCOMMAND ...: finds the subcommand and runs it. */
int
cmd_agenda(struct client *c, int argc, char **argv)
{
	return client_run_subcommand(c, argc, argv, agenda_cmds, AGENDA_NCMDS,
	    agenda_help);
}
