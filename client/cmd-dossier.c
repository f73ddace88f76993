/*
 * samen dossier list|show|add|edit|ready|handover|ack: the handover
 * dossiers, from the outgoing body (a municipality, or the region) to a
 * municipality's new council or executive board.  The handing-over side
 * writes them and moves them to ready and handed over; the side they are
 * addressed to acknowledges.  Reads answer from the synced local copy;
 * writes are one put each on the rev they read.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "date.h"
#include "samen.h"
#include "xmalloc.h"

static int	dossier_list(struct client *, int, char **);
static int	dossier_show(struct client *, int, char **);
static int	dossier_add(struct client *, int, char **);
static int	dossier_edit(struct client *, int, char **);
static int	dossier_ready(struct client *, int, char **);
static int	dossier_handover(struct client *, int, char **);
static int	dossier_ack(struct client *, int, char **);

static const struct client_cmd dossier_cmds[] = {
	{ "dossier list", "[--state STATE,..] [--from M] [--to M] "
	  "[--overdue]",
	  "the dossiers by due date; '!' marks those overdue", dossier_list,
	  0 },
	{ "dossier show", "ID", "one dossier with all its fields",
	  dossier_show, 0 },
	{ "dossier add", "--title TITLE --to M [--item A1] "
	  "[--due YYYY-MM-DD] [--note TEXT]\n\t[--from M]",
	  "a new dossier from your municipality; prints its id",
	  dossier_add, 0 },
	{ "dossier edit", "ID [--title TITLE] [--to M] [--item A1|none] "
	  "[--due YYYY-MM-DD|none]\n\t[--note TEXT] [--from M] "
	  "[--state STATE] [--expected-rev N]",
	  "change the given fields; a conflict shows what changed",
	  dossier_edit, 0 },
	{ "dossier ready", "ID [--expected-rev N]",
	  "mark a dossier ready to hand over", dossier_ready, 0 },
	{ "dossier handover", "ID [--expected-rev N]",
	  "mark a dossier handed over", dossier_handover, 0 },
	{ "dossier ack", "ID [--expected-rev N]",
	  "acknowledge a dossier handed to your municipality", dossier_ack,
	  0 },
};
#define DOSSIER_NCMDS	(sizeof(dossier_cmds) / sizeof(dossier_cmds[0]))

/* The fields that add and edit take, as given on the command line. */
struct dossier_fields {
	const char	*title;
	const char	*item;		/* "none": no item */
	const char	*from;
	const char	*to;
	const char	*due;		/* "none": no due date */
	const char	*note;
	int		 state;		/* -1: not given */
	uint64_t	 expected_rev;
	int		 have_rev;
	int		 count;		/* how many fields were given */
};

/* Prints the list of subcommands. */
static void
dossier_help(FILE *fp)
{
	char *states = entity_words(ENTITY_DOSSIER_STATE);
	size_t i;

	fprintf(fp, "usage: samen dossier list|show|add|edit|ready|handover|"
	    "ack ...\n\nhandover dossiers:\n");
	for (i = 0; i < DOSSIER_NCMDS; i++)
		fprintf(fp, "  %-17s %s\n", dossier_cmds[i].name,
		    dossier_cmds[i].help);
	fprintf(fp, "\nstates: %s\n'samen dossier SUBCOMMAND --help' for "
	    "one of them.\n", states);
	free(states);
}

/*
 * True when a dossier is overdue on date today: due before it and not
 * handed over yet.
 */
static int
dossier_overdue(const Samen__V1__Dossier *d, const char *today)
{
	return *d->due_date != '\0' && strcmp(d->due_date, today) < 0 &&
	    (d->state == SAMEN__V1__DOSSIER__STATE__DRAFT ||
	    d->state == SAMEN__V1__DOSSIER__STATE__READY);
}

/* A dossier as JSON (a json_t *), with whether it is overdue. */
static json_t *
dossier_json(const Samen__V1__Entity *e, const char *today)
{
	json_t *o = entity_json(e);

	json_object_set_new(o, "overdue",
	    json_boolean(dossier_overdue(e->dossier, today)));
	return o;
}

/* qsort: dossiers by due date (those without one last), then by id. */
static int
dossier_cmp(const void *a, const void *b)
{
	const Samen__V1__Entity *const *ea = a, *const *eb = b;
	const char *da = (*ea)->dossier->due_date;
	const char *db = (*eb)->dossier->due_date;
	int c;

	if (*da == '\0' && *db != '\0')
		return 1;
	if (*da != '\0' && *db == '\0')
		return -1;
	if ((c = strcmp(da, db)) != 0)
		return c;
	return entity_idcmp((*ea)->id, (*eb)->id);
}

/* samen dossier list: by due date, filtered; '!' marks the overdue. */
static int
dossier_list(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "overdue", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const struct client_cmd *cmd = &dossier_cmds[0];
	Samen__V1__Entity **ds = NULL;
	Samen__V1__Dossier *d;
	struct mirror *m = NULL;
	struct out_table *t = NULL;
	json_t *arr = NULL;
	const char *from = NULL, *to = NULL;
	char today[DATE_STRLEN], *zone = NULL, *cause = NULL;
	int *states = NULL, ch, rv, online, overdue = 0, late, anylate = 0;
	size_t nstates = 0, n = 0, i, shown = 0;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if ((rv = edit_words(cmd, ENTITY_DOSSIER_STATE,
			    "--state", optarg, &states, &nstates)) != 0)
				goto out;
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'o':
			overdue = 1;
			break;
		default:
			rv = client_bad_option(cmd, argv);
			goto out;
		}
	}
	if (optind != argc) {
		rv = client_usage_error(cmd, "unexpected '%s'", argv[optind]);
		goto out;
	}
	if ((rv = mirror_refresh(c, &m, &online)) != 0)
		goto out;
	if (mirror_list(m, SAMEN__V1__KIND__DOSSIER, NULL, &ds, &n,
	    &cause) == -1) {
		rv = edit_mirror_error(c, cause);
		goto out;
	}
	if (n > 1)
		qsort(ds, n, sizeof(*ds), dossier_cmp);
	zone = local_zone(m, NULL);
	local_today(zone, today);
	if (c->json)
		arr = json_array();
	else {
		t = out_table_new(8);
		out_table_add(t, " ");
		out_table_add(t, "ID");
		out_table_add(t, "DUE");
		out_table_add(t, "STATE");
		out_table_add(t, "FROM");
		out_table_add(t, "TO");
		out_table_add(t, "ITEM");
		out_table_add(t, "TITLE");
	}
	for (i = 0; i < n; i++) {
		d = ds[i]->dossier;
		late = dossier_overdue(d, today);
		if (!edit_in(states, nstates, (int)d->state) ||
		    (from != NULL && strcmp(d->from, from) != 0) ||
		    (to != NULL && strcmp(d->to, to) != 0) ||
		    (overdue && !late))
			continue;
		shown++;
		anylate |= late;
		if (c->json) {
			json_array_append_new(arr, dossier_json(ds[i], today));
			continue;
		}
		out_table_add(t, "%s", late ? "!" : " ");
		out_table_add(t, "%s", ds[i]->id);
		out_table_add(t, "%s", edit_dash(d->due_date));
		out_table_add(t, "%s", entity_word_or_dash(ENTITY_DOSSIER_STATE,
		    d->state));
		out_table_add(t, "%s", edit_dash(d->from));
		out_table_add(t, "%s", edit_dash(d->to));
		out_table_add(t, "%s", edit_dash(d->item_id));
		out_table_add(t, "%s", d->title);
	}
	if (c->json) {
		out_json_print(json_pack("{s:I,s:s,s:o}", "rev",
		    (json_int_t)mirror_rev(m), "today", today, "dossiers",
		    arr));
		arr = NULL;
	} else if (shown == 0)
		printf("no dossiers%s\n", nstates > 0 || from != NULL ||
		    to != NULL || overdue ? " match" : " yet");
	else {
		out_table_print(t);
		t = NULL;
		if (anylate)
			printf("\n! overdue: due before today (%s) and not "
			    "handed over yet\n", today);
	}
	rv = 0;
out:
	json_decref(arr);
	out_table_free(t);
	mirror_list_free(ds, n);
	mirror_close(m);
	free(zone);
	free(states);
	return rv;
}

/* Prints one labelled field of dossier show, when it has a value. */
static void
dossier_field(const char *label, const char *value)
{
	if (value != NULL && *value != '\0')
		printf("%-10s %s\n", label, value);
}

/* samen dossier show ID: every field. */
static int
dossier_show(struct client *c, int argc, char **argv)
{
	const struct client_cmd *cmd = &dossier_cmds[1];
	Samen__V1__Entity *e = NULL, *ai = NULL;
	Samen__V1__Dossier *d;
	struct mirror *m;
	char today[DATE_STRLEN], *zone = NULL, *id, *cause = NULL, *s;
	int rv, online;

	if (argc != 2 || argv[1][0] == '-')
		return client_usage_error(cmd, "give one dossier id");
	if ((rv = mirror_refresh(c, &m, &online)) != 0)
		return rv;
	id = edit_id(argv[1], 'H');
	if ((rv = edit_get(c, m, SAMEN__V1__KIND__DOSSIER, "dossier", id,
	    online, &e)) != 0)
		goto out;
	d = e->dossier;
	zone = local_zone(m, NULL);
	local_today(zone, today);
	if (c->json) {
		out_json_print(dossier_json(e, today));
		goto out;
	}
	if (*d->item_id != '\0' && mirror_get(m, SAMEN__V1__KIND__AGENDA_ITEM,
	    d->item_id, &ai, &cause) == -1) {
		free(cause);
		ai = NULL;
	}
	printf("%s  %s\n\n", e->id, d->title);
	dossier_field("state", entity_word_or_dash(ENTITY_DOSSIER_STATE,
	    d->state));
	dossier_field("from", d->from);
	dossier_field("to", d->to);
	if (*d->due_date != '\0') {
		xasprintf(&s, "%s%s", d->due_date, dossier_overdue(d, today) ?
		    " (overdue)" : "");
		dossier_field("due", s);
		free(s);
	}
	if (*d->item_id != '\0')
		printf("%-10s %s%s%s\n", "item", d->item_id, ai != NULL ?
		    "  " : "", ai != NULL ? ai->agenda_item->title : "");
	printf("%-10s %llu\n", "rev", (unsigned long long)e->rev);
	if (*d->note != '\0')
		printf("\n%s\n", d->note);
out:
	if (e != NULL)
		samen__v1__entity__free_unpacked(e, NULL);
	if (ai != NULL)
		samen__v1__entity__free_unpacked(ai, NULL);
	free(zone);
	free(id);
	mirror_close(m);
	return rv;
}

/*
 * Parses the options of add and edit into f.  0, or the exit code of a
 * usage error (printed).  Positional arguments are left at
 * argv[optind..].
 */
static int
dossier_fields_parse(const struct client_cmd *cmd, int edit, int argc,
    char **argv, struct dossier_fields *f)
{
	static const struct option opts[] = {
		{ "title", required_argument, NULL, 't' },
		{ "item", required_argument, NULL, 'i' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 'T' },
		{ "due", required_argument, NULL, 'd' },
		{ "note", required_argument, NULL, 'n' },
		{ "state", required_argument, NULL, 's' },
		{ "expected-rev", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, rv;

	memset(f, 0, sizeof(*f));
	f->state = -1;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			f->title = optarg;	/* the daemon judges the text */
			break;
		case 'i':
			f->item = optarg;
			break;
		case 'f':
			f->from = optarg;
			break;
		case 'T':
			f->to = optarg;
			break;
		case 'd':
			if (!(edit && strcmp(optarg, "none") == 0) &&
			    (rv = edit_date(cmd, "--due", optarg)) != 0)
				return rv;
			f->due = optarg;
			break;
		case 'n':
			f->note = optarg;
			break;
		case 's':
			if (!edit)
				return client_usage_error(cmd, "a new dossier "
				    "starts as a draft; move it on with "
				    "'samen dossier ready'");
			if ((rv = edit_word(cmd, ENTITY_DOSSIER_STATE,
			    "--state", optarg, &f->state)) != 0)
				return rv;
			break;
		case 'r':
			if (!edit)
				return client_usage_error(cmd, "a new dossier "
				    "has no rev to expect");
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

/*
 * Sets the given fields on a dossier (strings point into argv or item,
 * which holds the item id as typed, normalised; free it).
 */
static void
dossier_fields_apply(const struct dossier_fields *f, Samen__V1__Dossier *d,
    char **item)
{
	*item = NULL;
	if (f->title != NULL)
		d->title = (char *)(uintptr_t)f->title;
	if (f->from != NULL)
		d->from = (char *)(uintptr_t)f->from;
	if (f->to != NULL)
		d->to = (char *)(uintptr_t)f->to;
	if (f->note != NULL)
		d->note = (char *)(uintptr_t)f->note;
	if (f->due != NULL)
		d->due_date = (char *)(uintptr_t)(strcmp(f->due, "none") == 0 ?
		    "" : f->due);
	if (f->item != NULL) {
		*item = strcmp(f->item, "none") == 0 || *f->item == '\0' ?
		    xstrdup("") : edit_id(f->item, 'A');
		d->item_id = *item;
	}
	if (f->state != -1)
		d->state = (Samen__V1__Dossier__State)f->state;
}

/* Prints a stored dossier after a write: JSON, or "H3 <what> (rev N)". */
static void
dossier_written(struct client *c, struct mirror *m,
    const Samen__V1__Entity *stored, const char *what)
{
	char today[DATE_STRLEN], *zone;

	if (c->json) {
		zone = local_zone(m, NULL);
		local_today(zone, today);
		out_json_print(dossier_json(stored, today));
		free(zone);
	} else if (what == NULL)
		printf("%s\n", stored->id);
	else
		printf("%s %s (rev %llu): %s, %s -> %s\n", stored->id, what,
		    (unsigned long long)stored->rev,
		    entity_word_or_dash(ENTITY_DOSSIER_STATE,
		    stored->dossier->state),
		    stored->dossier->from, stored->dossier->to);
}

/* samen dossier add: a new dossier; the daemon gives it its id. */
static int
dossier_add(struct client *c, int argc, char **argv)
{
	const struct client_cmd *cmd = &dossier_cmds[2];
	Samen__V1__Entity e = SAMEN__V1__ENTITY__INIT, *stored;
	Samen__V1__Dossier d = SAMEN__V1__DOSSIER__INIT;
	Samen__V1__HelloResponse *h = NULL;
	struct dossier_fields f;
	char *item = NULL, *from = NULL;
	int rv;

	if ((rv = dossier_fields_parse(cmd, 0, argc, argv, &f)) != 0)
		return rv;
	if (optind != argc)
		return client_usage_error(cmd, "unexpected '%s' (the server "
		    "gives the id)", argv[optind]);
	if (f.title == NULL || f.to == NULL)
		return client_usage_error(cmd, "--title and --to are required");
	if ((rv = conn_open(c, &h)) != 0)
		return rv;
	/* From: the caller's municipality, or the region for its office. */
	if (f.from != NULL)
		from = xstrdup(f.from);
	else if (h->principal != NULL && *h->principal->municipality != '\0')
		from = xstrdup(h->principal->municipality);
	else {
		rv = client_usage_error(cmd, "say who hands it over with "
		    "--from M");
		goto out;
	}
	dossier_fields_apply(&f, &d, &item);
	d.from = from;
	e.id = (char *)(uintptr_t)"";
	e.body_case = SAMEN__V1__ENTITY__BODY_DOSSIER;
	e.dossier = &d;
	if ((rv = edit_put(c, &e, 0, &stored)) != 0)
		goto out;
	dossier_written(c, NULL, stored, NULL);
	samen__v1__entity__free_unpacked(stored, NULL);
	mirror_written(c, NULL);
out:
	if (h != NULL)
		samen__v1__hello_response__free_unpacked(h, NULL);
	free(item);
	free(from);
	return rv;
}

/*
 * samen dossier edit ID: the dossier as the freshly synced copy has it,
 * with the given fields changed, put on the rev it was read at (or
 * --expected-rev).
 */
static int
dossier_edit(struct client *c, int argc, char **argv)
{
	const struct client_cmd *cmd = &dossier_cmds[3];
	Samen__V1__Entity *cur = NULL, mine, *stored;
	Samen__V1__Dossier d;
	struct dossier_fields f;
	struct mirror *m = NULL;
	char *item = NULL;
	int rv;

	if ((rv = dossier_fields_parse(cmd, 1, argc, argv, &f)) != 0)
		return rv;
	if (optind + 1 != argc)
		return client_usage_error(cmd, "give one dossier id");
	if (f.count == 0)
		return client_usage_error(cmd, "give at least one field to "
		    "change");
	if ((rv = edit_open(c, NULL, SAMEN__V1__KIND__DOSSIER, 'H',
	    "dossier", argv[optind], &m, &cur)) != 0)
		goto out;
	/* Shallow copies: the strings stay cur's or argv's. */
	mine = *cur;
	d = *cur->dossier;
	mine.dossier = &d;
	mine.rev = f.have_rev ? f.expected_rev : cur->rev;
	dossier_fields_apply(&f, &d, &item);
	if ((rv = edit_put(c, &mine, mine.rev, &stored)) != 0)
		goto out;
	dossier_written(c, m, stored, "updated");
	samen__v1__entity__free_unpacked(stored, NULL);
	mirror_written(c, m);
out:
	free(item);
	if (cur != NULL)
		samen__v1__entity__free_unpacked(cur, NULL);
	mirror_close(m);
	return rv;
}

/*
 * Moves a dossier to a state (ready, handover, ack) on the rev the synced
 * copy has (or --expected-rev).  Setting the state it has already
 * changes nothing and is no error.
 */
static int
dossier_set_state(struct client *c, const struct client_cmd *cmd, int argc,
    char **argv, Samen__V1__Dossier__State state, const char *what)
{
	Samen__V1__Entity *cur = NULL, mine, *stored;
	Samen__V1__Dossier d;
	struct mirror *m = NULL;
	uint64_t expected;
	int rv, have_rev;

	if ((rv = edit_id_rev(cmd, argc, argv, "dossier", &expected,
	    &have_rev)) != 0)
		return rv;
	if ((rv = edit_open(c, NULL, SAMEN__V1__KIND__DOSSIER, 'H',
	    "dossier", argv[optind], &m, &cur)) != 0)
		goto out;
	if (cur->dossier->state == state && !have_rev) {
		if (c->json)
			dossier_written(c, m, cur, what);
		else
			printf("%s is %s already\n", cur->id, what);
		goto out;
	}
	mine = *cur;
	d = *cur->dossier;
	mine.dossier = &d;
	mine.rev = have_rev ? expected : cur->rev;
	d.state = state;
	if ((rv = edit_put(c, &mine, mine.rev, &stored)) != 0)
		goto out;
	dossier_written(c, m, stored, what);
	samen__v1__entity__free_unpacked(stored, NULL);
	mirror_written(c, m);
out:
	if (cur != NULL)
		samen__v1__entity__free_unpacked(cur, NULL);
	mirror_close(m);
	return rv;
}

/* samen dossier ready ID. */
static int
dossier_ready(struct client *c, int argc, char **argv)
{
	return dossier_set_state(c, &dossier_cmds[4], argc, argv,
	    SAMEN__V1__DOSSIER__STATE__READY, "ready");
}

/* samen dossier handover ID. */
static int
dossier_handover(struct client *c, int argc, char **argv)
{
	return dossier_set_state(c, &dossier_cmds[5], argc, argv,
	    SAMEN__V1__DOSSIER__STATE__HANDED_OVER, "handed over");
}

/* samen dossier ack ID. */
static int
dossier_ack(struct client *c, int argc, char **argv)
{
	return dossier_set_state(c, &dossier_cmds[6], argc, argv,
	    SAMEN__V1__DOSSIER__STATE__ACKNOWLEDGED, "acknowledged");
}

/* samen dossier SUBCOMMAND ...: finds the subcommand and runs it. */
int
cmd_dossier(struct client *c, int argc, char **argv)
{
	return client_run_subcommand(c, argc, argv, dossier_cmds,
	    DOSSIER_NCMDS, dossier_help);
}
