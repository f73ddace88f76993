/*
 * samen region show|set|blackout|municipality: the region's key dates,
 * time zone and blackouts, and each municipality's name, venue and
 * college installation date.  Anyone reads them from the synced local
 * copy; admins change them, one put each on the rev they read.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "samen.h"
#include "xmalloc.h"

#define REGION_ID	"region"

static int	region_show(struct client *, int, char **);
static int	region_set(struct client *, int, char **);
static int	region_blackout(struct client *, int, char **);
static int	region_blackout_add(struct client *, int, char **);
static int	region_blackout_remove(struct client *, int, char **);
static int	region_municipality(struct client *, int, char **);

static const struct client_cmd region_cmds[] = {
	{ "region show", "",
	  "the key dates, blackouts and colleges of the region",
	  region_show, 0 },
	{ "region set", "[--name N] [--election YYYY-MM-DD] "
	  "[--installation YYYY-MM-DD]\n\t[--time-zone TZ] [--expected-rev N]",
	  "admin: change the region's name, key dates or time zone",
	  region_set, 0 },
	{ "region blackout", "add --from YYYY-MM-DD --to YYYY-MM-DD "
	  "--reason R\n\t[--expected-rev N]\n"
	  "       samen region blackout remove --from YYYY-MM-DD "
	  "[--expected-rev N]",
	  "admin: add or remove a blackout", region_blackout,
	  CMD_SUBCOMMANDS },
	{ "region municipality", "ID [--name N] [--venue V] "
	  "[--college YYYY-MM-DD|none]\n\t[--expected-rev N]",
	  "admin: change a municipality; --college none: not installed yet",
	  region_municipality, 0 },
};
#define REGION_NCMDS	(sizeof(region_cmds) / sizeof(region_cmds[0]))

static const struct client_cmd region_blackout_cmds[] = {
	{ "blackout add", "--from YYYY-MM-DD --to YYYY-MM-DD --reason R "
	  "[--expected-rev N]",
	  "admin: a period without meetings (samen region blackout add)",
	  region_blackout_add, 0 },
	{ "blackout remove", "--from YYYY-MM-DD [--expected-rev N]",
	  "admin: remove the blackout that starts that day "
	  "(samen region blackout remove)", region_blackout_remove, 0 },
};
#define REGION_BLACKOUT_NCMDS \
	(sizeof(region_blackout_cmds) / sizeof(region_blackout_cmds[0]))

/* Prints the list of subcommands. */
static void
region_help(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: samen region show|set|blackout|municipality ..."
	    "\n\nthe region's key dates, blackouts and colleges:\n");
	for (i = 0; i < REGION_NCMDS; i++)
		fprintf(fp, "  %-20s %s\n", region_cmds[i].name,
		    region_cmds[i].help);
	fprintf(fp, "\n'samen region SUBCOMMAND --help' for one of them.\n");
}

/* Prints the list of blackout subcommands. */
static void
region_blackout_help(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: samen region blackout add|remove ...\n\n");
	for (i = 0; i < REGION_BLACKOUT_NCMDS; i++)
		fprintf(fp, "  samen region %-16s %s\n",
		    region_blackout_cmds[i].name, region_blackout_cmds[i].help);
}

/* Prints one "label  value" line of show. */
static void
region_field(const char *label, const char *value)
{
	printf("%-14s %s\n", label, edit_dash(value));
}

/* samen region show: the region and its municipalities. */
static int
region_show(struct client *c, int argc, char **argv)
{
	const struct client_cmd *cmd = &region_cmds[0];
	Samen__V1__Entity *e = NULL, **ms = NULL;
	Samen__V1__Region *r;
	Samen__V1__Municipality *mu;
	struct out_table *t;
	struct mirror *m;
	json_t *j, *a;
	char *cause = NULL;
	size_t n = 0, i;
	int rv, online;

	if (argc != 1)
		return client_usage_error(cmd, "unexpected '%s'", argv[1]);
	if ((rv = mirror_refresh(c, &m, &online)) != 0)
		return rv;
	if ((rv = edit_get(c, m, SAMEN__V1__KIND__REGION, "region",
	    REGION_ID, online, &e)) != 0)
		goto out;
	if (mirror_list(m, SAMEN__V1__KIND__MUNICIPALITY, NULL, &ms, &n,
	    &cause) == -1) {
		rv = edit_mirror_error(c, cause);
		goto out;
	}
	if (c->json) {
		j = json_pack("{s:o}", "region", entity_json(e));
		a = json_array();
		for (i = 0; i < n; i++)
			json_array_append_new(a, entity_json(ms[i]));
		json_object_set_new(j, "municipalities", a);
		out_json_print(j);
		goto out;
	}
	r = e->region;
	printf("%s\n\n", r->name);
	region_field("time zone", r->time_zone);
	region_field("election", r->election_date);
	region_field("installation", r->installation_date);
	printf("%-14s %llu\n", "rev", (unsigned long long)e->rev);
	printf("\nblackouts:\n");
	if (r->n_blackouts == 0)
		printf("  none\n");
	for (i = 0; i < r->n_blackouts; i++)
		printf("  %s to %s  %s\n", r->blackouts[i]->start,
		    r->blackouts[i]->end, r->blackouts[i]->reason);
	printf("\nmunicipalities:\n");
	t = out_table_new(4);
	out_table_add(t, "ID");
	out_table_add(t, "NAME");
	out_table_add(t, "VENUE");
	out_table_add(t, "COLLEGE");
	for (i = 0; i < n; i++) {
		mu = ms[i]->municipality;
		out_table_add(t, "%s", ms[i]->id);
		out_table_add(t, "%s", edit_dash(mu->name));
		out_table_add(t, "%s", edit_dash(mu->venue));
		out_table_add(t, "%s", *mu->college_installed_date != '\0' ?
		    mu->college_installed_date : "not yet");
	}
	out_table_print(t);
out:
	mirror_list_free(ms, n);
	if (e != NULL)
		samen__v1__entity__free_unpacked(e, NULL);
	mirror_close(m);
	return rv;
}

/* Prints a stored entity after a write: JSON, or "<id> updated (rev N)". */
static void
region_written(struct client *c, const Samen__V1__Entity *stored)
{
	if (c->json)
		out_json_print(entity_json(stored));
	else
		printf("%s updated (rev %llu)\n", stored->id,
		    (unsigned long long)stored->rev);
}

/*
 * Puts mine, a changed copy of cur, on its rev; prints what was stored.
 * Returns the exit code.
 */
static int
region_put(struct client *c, struct mirror *m, Samen__V1__Entity *mine)
{
	Samen__V1__Entity *stored;
	int rv;

	if ((rv = edit_put(c, mine, mine->rev, &stored)) != 0)
		return rv;
	region_written(c, stored);
	samen__v1__entity__free_unpacked(stored, NULL);
	mirror_written(c, m);
	return 0;
}

/* samen region set: the given fields of the region changed. */
static int
region_set(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "election", required_argument, NULL, 'e' },
		{ "installation", required_argument, NULL, 'i' },
		{ "time-zone", required_argument, NULL, 'z' },
		{ "expected-rev", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const struct client_cmd *cmd = &region_cmds[1];
	const char *name = NULL, *election = NULL, *inst = NULL, *zone = NULL;
	Samen__V1__Entity *cur = NULL, mine;
	Samen__V1__Region r;
	struct mirror *m = NULL;
	uint64_t expected = 0;
	int ch, rv, have_rev = 0;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			name = optarg;
			break;
		case 'e':
			if ((rv = edit_date(cmd, "--election", optarg)) != 0)
				return rv;
			election = optarg;
			break;
		case 'i':
			if ((rv = edit_date(cmd, "--installation",
			    optarg)) != 0)
				return rv;
			inst = optarg;
			break;
		case 'z':
			zone = optarg;	/* the daemon checks the name */
			break;
		case 'r':
			if ((rv = edit_rev(cmd, optarg, &expected)) != 0)
				return rv;
			have_rev = 1;
			break;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	if (optind != argc)
		return client_usage_error(cmd, "unexpected '%s'", argv[optind]);
	if (name == NULL && election == NULL && inst == NULL && zone == NULL)
		return client_usage_error(cmd, "give at least one field to "
		    "change");
	if ((rv = edit_open(c, NULL, SAMEN__V1__KIND__REGION, 'R', "region",
	    REGION_ID, &m, &cur)) != 0)
		goto out;
	/* Shallow copies: the strings stay cur's or argv's. */
	mine = *cur;
	r = *cur->region;
	mine.region = &r;
	mine.rev = have_rev ? expected : cur->rev;
	if (name != NULL)
		r.name = (char *)(uintptr_t)name;
	if (election != NULL)
		r.election_date = (char *)(uintptr_t)election;
	if (inst != NULL)
		r.installation_date = (char *)(uintptr_t)inst;
	if (zone != NULL)
		r.time_zone = (char *)(uintptr_t)zone;
	rv = region_put(c, m, &mine);
out:
	if (cur != NULL)
		samen__v1__entity__free_unpacked(cur, NULL);
	mirror_close(m);
	return rv;
}

/* samen region blackout add|remove ...: finds the subcommand. */
static int
region_blackout(struct client *c, int argc, char **argv)
{
	return client_run_subcommand(c, argc, argv, region_blackout_cmds,
	    REGION_BLACKOUT_NCMDS, region_blackout_help);
}

/*
 * Parses the options of blackout add (add 1) or remove: 0 with the
 * dates and reason set, or 64 printed.
 */
static int
region_blackout_parse(const struct client_cmd *cmd, int add, int argc,
    char **argv, Samen__V1__Blackout *b, uint64_t *rev, int *have_rev)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "reason", required_argument, NULL, 'w' },
		{ "expected-rev", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, rv;

	*rev = 0;
	*have_rev = 0;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if ((rv = edit_date(cmd, "--from", optarg)) != 0)
				return rv;
			b->start = optarg;
			break;
		case 't':
			if (!add)
				return client_bad_option(cmd, argv);
			if ((rv = edit_date(cmd, "--to", optarg)) != 0)
				return rv;
			b->end = optarg;
			break;
		case 'w':
			if (!add)
				return client_bad_option(cmd, argv);
			b->reason = optarg;
			break;
		case 'r':
			if ((rv = edit_rev(cmd, optarg, rev)) != 0)
				return rv;
			*have_rev = 1;
			break;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	if (optind != argc)
		return client_usage_error(cmd, "unexpected '%s'", argv[optind]);
	if (*b->start == '\0')
		return client_usage_error(cmd, "--from is required");
	if (add && (*b->end == '\0' || *b->reason == '\0'))
		return client_usage_error(cmd, "--to and --reason are "
		    "required");
	if (add && strcmp(b->end, b->start) < 0)
		return client_usage_error(cmd, "--to is before --from");
	return 0;
}

/*
 * Adds blackout b (add 1) or removes the one starting on b's start from
 * the region, on the rev the synced copy has (or *rev).
 */
static int
region_blackout_change(struct client *c, int add, Samen__V1__Blackout *b, uint64_t rev, int have_rev)
{
	Samen__V1__Entity *cur = NULL, mine;
	Samen__V1__Region r;
	Samen__V1__Blackout **v = NULL;
	struct mirror *m = NULL;
	size_t i, n = 0;
	int rv;

	if ((rv = edit_open(c, NULL, SAMEN__V1__KIND__REGION, 'R', "region",
	    REGION_ID, &m, &cur)) != 0)
		goto out;
	mine = *cur;
	r = *cur->region;
	mine.region = &r;
	mine.rev = have_rev ? rev : cur->rev;
	v = xreallocarray(NULL, r.n_blackouts + 1, sizeof(*v));
	for (i = 0; i < r.n_blackouts; i++) {
		if (!add && strcmp(r.blackouts[i]->start, b->start) == 0)
			continue;
		v[n++] = r.blackouts[i];
	}
	if (add)
		v[n++] = b;
	else if (n == r.n_blackouts) {
		rv = out_error(c, EXIT_NOTFOUND, "there is no blackout from %s",
		    b->start);
		goto out;
	}
	r.blackouts = v;
	r.n_blackouts = n;
	rv = region_put(c, m, &mine);
out:
	free(v);
	if (cur != NULL)
		samen__v1__entity__free_unpacked(cur, NULL);
	mirror_close(m);
	return rv;
}

/* samen region blackout add --from D --to D --reason R. */
static int
region_blackout_add(struct client *c, int argc, char **argv)
{
	const struct client_cmd *cmd = &region_blackout_cmds[0];
	Samen__V1__Blackout b = SAMEN__V1__BLACKOUT__INIT;
	uint64_t rev;
	int rv, have_rev;

	if ((rv = region_blackout_parse(cmd, 1, argc, argv, &b, &rev,
	    &have_rev)) != 0)
		return rv;
	return region_blackout_change(c, 1, &b, rev, have_rev);
}

/* samen region blackout remove --from D. */
static int
region_blackout_remove(struct client *c, int argc, char **argv)
{
	const struct client_cmd *cmd = &region_blackout_cmds[1];
	Samen__V1__Blackout b = SAMEN__V1__BLACKOUT__INIT;
	uint64_t rev;
	int rv, have_rev;

	if ((rv = region_blackout_parse(cmd, 0, argc, argv, &b, &rev,
	    &have_rev)) != 0)
		return rv;
	return region_blackout_change(c, 0, &b, rev, have_rev);
}

/* samen region municipality ID: the given fields of it changed. */
static int
region_municipality(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "venue", required_argument, NULL, 'v' },
		{ "college", required_argument, NULL, 'c' },
		{ "expected-rev", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const struct client_cmd *cmd = &region_cmds[3];
	const char *name = NULL, *venue = NULL, *college = NULL;
	Samen__V1__Entity *cur = NULL, mine;
	Samen__V1__Municipality mu;
	struct mirror *m = NULL;
	uint64_t expected = 0;
	int ch, rv, have_rev = 0;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			name = optarg;
			break;
		case 'v':
			venue = optarg;
			break;
		case 'c':
			if (strcmp(optarg, "none") != 0 &&
			    (rv = edit_date(cmd, "--college", optarg)) != 0)
				return rv;
			college = strcmp(optarg, "none") == 0 ? "" : optarg;
			break;
		case 'r':
			if ((rv = edit_rev(cmd, optarg, &expected)) != 0)
				return rv;
			have_rev = 1;
			break;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	if (optind + 1 != argc)
		return client_usage_error(cmd, "give one municipality id");
	if (name == NULL && venue == NULL && college == NULL)
		return client_usage_error(cmd, "give at least one field to "
		    "change");
	if ((rv = edit_open(c, NULL, SAMEN__V1__KIND__MUNICIPALITY, 'M',
	    "municipality", argv[optind], &m, &cur)) != 0)
		goto out;
	mine = *cur;
	mu = *cur->municipality;
	mine.municipality = &mu;
	mine.rev = have_rev ? expected : cur->rev;
	if (name != NULL)
		mu.name = (char *)(uintptr_t)name;
	if (venue != NULL)
		mu.venue = (char *)(uintptr_t)venue;
	if (college != NULL)
		mu.college_installed_date = (char *)(uintptr_t)college;
	rv = region_put(c, m, &mine);
out:
	if (cur != NULL)
		samen__v1__entity__free_unpacked(cur, NULL);
	mirror_close(m);
	return rv;
}

/* samen region SUBCOMMAND ...: finds the subcommand and runs it. */
int
cmd_region(struct client *c, int argc, char **argv)
{
	return client_run_subcommand(c, argc, argv, region_cmds,
	    REGION_NCMDS, region_help);
}
