/*
 * samen availability show|set|import: the busy dates of each
 * municipality (its own council and committee evenings and other blocked
 * dates), which the scheduler and the calendar avoid.  One Availability
 * per municipality, its id the municipality's; a member changes only its
 * own.  show reads the synced local copy; set is one put on the rev it
 * read; import sends a council's own iCalendar file, which the daemon
 * turns into that municipality's busy dates, replacing them.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "samen.h"
#include "xmalloc.h"

#define AVAILABILITY_MAX_ICAL	(4 * 1024 * 1024)

static int	availability_show(struct client *, int, char **);
static int	availability_set(struct client *, int, char **);
static int	availability_import(struct client *, int, char **);

static const struct client_cmd availability_cmds[] = {
	{ "availability show", "[MUNICIPALITY] [--from YYYY-MM-DD] "
	  "[--to YYYY-MM-DD]",
	  "busy dates: of one municipality, or of all", availability_show, 0 },
	{ "availability set", "--date YYYY-MM-DD [--start HH:MM --end HH:MM] "
	  "--reason TEXT\n\t[--municipality M]\n"
	  "       samen availability set --date YYYY-MM-DD [--start HH:MM] "
	  "--remove [--municipality M]",
	  "add or change (or --remove) a busy date of your municipality",
	  availability_set, 0 },
	{ "availability import", "FILE.ics|- [--municipality M] "
	  "[--expected-rev N]",
	  "replace your municipality's busy dates with a council calendar",
	  availability_import, 0 },
};
#define AVAILABILITY_NCMDS	\
	(sizeof(availability_cmds) / sizeof(availability_cmds[0]))

/* Prints the list of subcommands. */
static void
availability_help(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: samen availability show|set|import ...\n\n"
	    "the busy dates of each municipality:\n");
	for (i = 0; i < AVAILABILITY_NCMDS; i++)
		fprintf(fp, "  %-20s %s\n", availability_cmds[i].name,
		    availability_cmds[i].help);
	fprintf(fp, "\nA busy date without times blocks the whole day; times "
	    "are local to the region.\nMembers change only their own "
	    "municipality's; the secretariat says which with\n"
	    "--municipality.  'samen availability SUBCOMMAND --help' for one "
	    "of them.\n");
}

/* One busy entry with the municipality it belongs to, for show. */
struct availability_row {
	const char			*municipality;
	const Samen__V1__BusyEntry	*busy;
};

/* qsort: rows by date, start time, then municipality. */
static int
availability_row_cmp(const void *a, const void *b)
{
	const struct availability_row *ra = a, *rb = b;
	int c;

	if ((c = strcmp(ra->busy->date, rb->busy->date)) != 0)
		return c;
	if ((c = strcmp(ra->busy->start_time, rb->busy->start_time)) != 0)
		return c;
	return entity_idcmp(ra->municipality, rb->municipality);
}

/* qsort: busy entries by date, then start time. */
static int
availability_busy_cmp(const void *a, const void *b)
{
	const Samen__V1__BusyEntry *const *ba = a, *const *bb = b;
	int c;

	if ((c = strcmp((*ba)->date, (*bb)->date)) != 0)
		return c;
	return strcmp((*ba)->start_time, (*bb)->start_time);
}

/* The times of a busy entry, "19:30-23:00", or "all day". */
static const char *
availability_times(const Samen__V1__BusyEntry *b, char *buf, size_t len)
{
	if (*b->start_time == '\0')
		return "all day";
	snprintf(buf, len, "%s-%s", b->start_time, b->end_time);
	return buf;
}

/*
 * samen availability show [MUNICIPALITY]: the busy dates of one
 * municipality or of all, in date order, from the synced local copy.
 */
static int
availability_show(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const struct client_cmd *cmd = &availability_cmds[0];
	Samen__V1__Entity **as = NULL, *muni = NULL;
	const Samen__V1__BusyEntry *b;
	struct availability_row *rows = NULL;
	struct out_table *t;
	struct mirror *m = NULL;
	const char *from = NULL, *to = NULL, *one = NULL;
	char *cause = NULL, times[16];
	json_t *arr, *o;
	size_t n = 0, nrows = 0, i, j;
	int ch, rv, online;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
		case 't':
			if ((rv = edit_date(cmd, ch == 'f' ? "--from" : "--to",
			    optarg)) != 0)
				return rv;
			*(ch == 'f' ? &from : &to) = optarg;
			break;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	if (optind + 1 == argc)
		one = argv[optind];
	else if (optind != argc)
		return client_usage_error(cmd, "give at most one municipality");
	if ((rv = mirror_refresh(c, &m, &online)) != 0)
		return rv;
	if (one != NULL && (rv = mirror_get(m, SAMEN__V1__KIND__MUNICIPALITY,
	    one, &muni, &cause)) != 0) {
		if (rv == -1)
			rv = edit_mirror_error(c, cause);
		else
			rv = out_error(c, EXIT_NOTFOUND, "there is no "
			    "municipality '%s'%s", one, online ? "" :
			    " in the local copy");
		goto out;
	}
	if (mirror_list(m, SAMEN__V1__KIND__AVAILABILITY, NULL, &as, &n,
	    &cause) == -1) {
		rv = edit_mirror_error(c, cause);
		goto out;
	}
	if (c->json) {
		arr = json_array();
		for (i = 0; i < n; i++) {
			if (one != NULL && strcmp(as[i]->id, one) != 0)
				continue;
			json_array_append_new(arr, entity_json(as[i]));
		}
		if (one != NULL) {
			o = json_array_size(arr) > 0 ?
			    json_incref(json_array_get(arr, 0)) :
			    json_pack("{s:s,s:i,s:s,s:[]}", "id", one, "rev", 0,
			    "kind", "availability", "busy");
			json_decref(arr);
			out_json_print(o);
		} else
			out_json_print(json_pack("{s:I,s:o}", "rev",
			    (json_int_t)mirror_rev(m), "availability", arr));
		rv = 0;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (one != NULL && strcmp(as[i]->id, one) != 0)
			continue;
		for (j = 0; j < as[i]->availability->n_busy; j++) {
			b = as[i]->availability->busy[j];
			if ((from != NULL && strcmp(b->date, from) < 0) ||
			    (to != NULL && strcmp(b->date, to) > 0))
				continue;
			rows = xreallocarray(rows, nrows + 1, sizeof(*rows));
			rows[nrows].municipality = as[i]->id;
			rows[nrows++].busy = b;
		}
	}
	if (nrows == 0) {
		printf("no busy dates%s%s\n", one != NULL ? " for " : "",
		    one != NULL ? one : "");
		rv = 0;
		goto out;
	}
	qsort(rows, nrows, sizeof(*rows), availability_row_cmp);
	t = out_table_new(one != NULL ? 4 : 5);
	if (one == NULL)
		out_table_add(t, "MUNICIPALITY");
	out_table_add(t, "DATE");
	out_table_add(t, "DAY");
	out_table_add(t, "TIME");
	out_table_add(t, "REASON");
	for (i = 0; i < nrows; i++) {
		if (one == NULL)
			out_table_add(t, "%s", rows[i].municipality);
		out_table_add(t, "%s", rows[i].busy->date);
		out_table_add(t, "%s",
		    local_weekday(rows[i].busy->date, 0));
		out_table_add(t, "%s", availability_times(rows[i].busy, times,
		    sizeof(times)));
		out_table_add(t, "%s", rows[i].busy->reason);
	}
	out_table_print(t);
	rv = 0;
out:
	free(rows);
	if (muni != NULL)
		samen__v1__entity__free_unpacked(muni, NULL);
	mirror_list_free(as, n);
	mirror_close(m);
	return rv;
}

/* True when entry b is the one set or --remove means. */
static int
availability_matches(const Samen__V1__BusyEntry *b, const char *date,
    const char *start, int remove)
{
	if (strcmp(b->date, date) != 0)
		return 0;
	if (remove && start == NULL)
		return 1;	/* every entry of that date */
	return strcmp(b->start_time, start != NULL ? start : "") == 0;
}

/*
 * samen availability set: adds a busy date to the caller's own list, or
 * changes the one with that date and start time, or (--remove) removes
 * it; one put on the rev the synced copy has.
 */
static int
availability_set(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "date", required_argument, NULL, 'd' },
		{ "start", required_argument, NULL, 's' },
		{ "end", required_argument, NULL, 'e' },
		{ "reason", required_argument, NULL, 'r' },
		{ "remove", no_argument, NULL, 'R' },
		{ "municipality", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	const struct client_cmd *cmd = &availability_cmds[1];
	Samen__V1__Entity e = SAMEN__V1__ENTITY__INIT, *cur = NULL, *stored;
	Samen__V1__Availability a = SAMEN__V1__AVAILABILITY__INIT;
	Samen__V1__BusyEntry nb = SAMEN__V1__BUSY_ENTRY__INIT, **v = NULL;
	Samen__V1__HelloResponse *h = NULL;
	const Samen__V1__Availability *ca;
	struct mirror *m = NULL;
	const char *date = NULL, *start = NULL, *end = NULL, *reason = NULL;
	const char *given = NULL;
	char *muni = NULL, *cause = NULL, times[16];
	size_t n = 0, i, removed = 0;
	int ch, rv, remove = 0, hh, mm;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			if ((rv = edit_date(cmd, "--date", optarg)) != 0)
				return rv;
			date = optarg;
			break;
		case 's':
		case 'e':
			if (edit_hhmm(optarg, &hh, &mm) == -1)
				return client_usage_error(cmd, "%s '%s' is not "
				    "a time of day (HH:MM, 00:00 to 23:59)",
				    ch == 's' ? "--start" : "--end", optarg);
			*(ch == 's' ? &start : &end) = optarg;
			break;
		case 'r':
			reason = optarg;
			break;
		case 'R':
			remove = 1;
			break;
		case 'm':
			given = optarg;
			break;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	if (optind != argc)
		return client_usage_error(cmd, "unexpected '%s'", argv[optind]);
	if (date == NULL)
		return client_usage_error(cmd, "--date is required");
	if (remove && (reason != NULL || end != NULL))
		return client_usage_error(cmd, "--remove takes --date and "
		    "--start only");
	if (!remove && reason == NULL)
		return client_usage_error(cmd, "--reason is required");
	if (!remove && (start == NULL) != (end == NULL))
		return client_usage_error(cmd, "give --start and --end "
		    "both, or neither for the whole day");
	if (!remove && start != NULL && strcmp(end, start) <= 0)
		return client_usage_error(cmd, "--end %s is not after --start "
		    "%s", end, start);
	if ((rv = conn_open(c, &h)) != 0)
		return rv;
	if ((rv = edit_for_municipality(cmd, h, "--municipality", given,
	    &muni)) != 0)
		goto out;
	if ((rv = mirror_open_synced(c, &m)) != 0)
		goto out;
	if (mirror_get(m, SAMEN__V1__KIND__AVAILABILITY, muni, &cur,
	    &cause) == -1) {
		rv = edit_mirror_error(c, cause);
		goto out;
	}
	/* The new list: the entries kept (shallow), then the new one. */
	ca = cur != NULL ? cur->availability : &a;
	v = xcalloc(ca->n_busy + 1, sizeof(*v));
	for (i = 0; i < ca->n_busy; i++) {
		if (availability_matches(ca->busy[i], date, start, remove))
			removed++;
		else
			v[n++] = ca->busy[i];
	}
	if (remove && removed == 0) {
		rv = out_error(c, EXIT_NOTFOUND, "%s has no busy entry on "
		    "%s%s%s", muni, date, start != NULL ? " at " : "",
		    start != NULL ? start : "");
		goto out;
	}
	if (!remove) {
		nb.date = (char *)(uintptr_t)date;
		nb.start_time = (char *)(uintptr_t)(start != NULL ? start : "");
		nb.end_time = (char *)(uintptr_t)(end != NULL ? end : "");
		nb.reason = (char *)(uintptr_t)reason;
		v[n++] = &nb;
	}
	qsort(v, n, sizeof(*v), availability_busy_cmp);
	a.busy = v;
	a.n_busy = n;
	e.id = muni;
	e.rev = cur != NULL ? cur->rev : 0;
	e.body_case = SAMEN__V1__ENTITY__BODY_AVAILABILITY;
	e.availability = &a;
	if ((rv = edit_put(c, &e, e.rev, &stored)) != 0)
		goto out;
	if (c->json)
		out_json_print(entity_json(stored));
	else if (remove)
		printf("%s: removed %zu busy entr%s on %s (rev %llu)\n",
		    stored->id, removed, removed == 1 ? "y" : "ies", date,
		    (unsigned long long)stored->rev);
	else
		printf("%s: busy %s %s %s: %s (rev %llu)\n", stored->id,
		    local_weekday(date, 0), date,
		    availability_times(&nb, times, sizeof(times)), reason,
		    (unsigned long long)stored->rev);
	samen__v1__entity__free_unpacked(stored, NULL);
	mirror_written(c, m);
out:
	free(v);
	if (cur != NULL)
		samen__v1__entity__free_unpacked(cur, NULL);
	if (h != NULL)
		samen__v1__hello_response__free_unpacked(h, NULL);
	free(muni);
	mirror_close(m);
	return rv;
}

/*
 * Reads an iCalendar file (path, or "-" for stdin) of at most
 * AVAILABILITY_MAX_ICAL bytes, as text.  0: *text set (free it); otherwise the
 * exit code, printed.
 */
static int
availability_read_file(struct client *c, const char *path, char **text)
{
	struct stat sb;
	size_t len = 0, cap = 65536;
	ssize_t r = 0;
	char *buf;
	int fd, saved;

	*text = NULL;
	if (strcmp(path, "-") == 0)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return out_error(c, errno == ENOENT ? EXIT_NOTFOUND :
		    EXIT_OTHER, "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		if (fd != STDIN_FILENO)
			close(fd);
		return out_error(c, EXIT_DATAERR, "%s is a directory, not an "
		    "iCalendar file", path);
	}
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_size > AVAILABILITY_MAX_ICAL) {
		if (fd != STDIN_FILENO)
			close(fd);
		return out_error(c, EXIT_DATAERR, "%s is %lld bytes; an import "
		    "takes at most 4 MiB (one council's calendar is far "
		    "smaller: export a shorter period)", path,
		    (long long)sb.st_size);
	}
	buf = xmalloc(cap + 1);
	for (;;) {
		if (len == cap) {
			cap *= 2;
			buf = xreallocarray(buf, cap + 1, 1);
		}
		r = read(fd, buf + len, cap - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len > AVAILABILITY_MAX_ICAL)
			break;
	}
	saved = errno;
	if (fd != STDIN_FILENO)
		close(fd);
	if (r == -1) {
		free(buf);
		return out_error(c, EXIT_OTHER, "%s: %s", path,
		    strerror(saved));
	}
	if (len > AVAILABILITY_MAX_ICAL) {
		free(buf);
		return out_error(c, EXIT_DATAERR, "%s is larger than 4 MiB, "
		    "the most an import takes", path);
	}
	buf[len] = '\0';
	if (memchr(buf, '\0', len) != NULL) {
		free(buf);
		return out_error(c, EXIT_DATAERR, "%s is not a text file (an "
		    "iCalendar file is text)", path);
	}
	if (len == 0) {
		free(buf);
		return out_error(c, EXIT_DATAERR, "%s is empty", path);
	}
	*text = buf;
	return 0;
}

/*
 * samen availability import FILE.ics: the daemon reads a council's own
 * calendar (recurrences expanded, cancelled events left out) and makes
 * it that municipality's busy dates, replacing them.
 */
static int
availability_import(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "municipality", required_argument, NULL, 'm' },
		{ "expected-rev", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	const struct client_cmd *cmd = &availability_cmds[2];
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__ImportAvailabilityRequest ir =
	    SAMEN__V1__IMPORT_AVAILABILITY_REQUEST__INIT;
	Samen__V1__ImportAvailabilityResponse *r;
	Samen__V1__HelloResponse *h = NULL;
	Samen__V1__Response *resp = NULL;
	const char *given = NULL;
	char *muni = NULL, *text = NULL;
	uint64_t expected = 0;
	json_t *o;
	int ch, rv;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			given = optarg;
			break;
		case 'r':
			if ((rv = edit_rev(cmd, optarg, &expected)) != 0)
				return rv;
			break;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	if (optind + 1 != argc)
		return client_usage_error(cmd, "give one iCalendar file (or - "
		    "for standard input)");
	if ((rv = availability_read_file(c, argv[optind], &text)) != 0)
		return rv;
	if ((rv = conn_open(c, &h)) != 0)
		goto out;
	if ((rv = edit_for_municipality(cmd, h, "--municipality", given,
	    &muni)) != 0)
		goto out;
	ir.municipality = muni;
	ir.ical = text;
	ir.expected_rev = expected;
	req.body_case = SAMEN__V1__REQUEST__BODY_IMPORT_AVAILABILITY;
	req.import_availability = &ir;
	if (conn_call(c, &req, &resp) == -1) {
		rv = EXIT_UNAVAIL;
		goto out;
	}
	if ((rv = out_status(c, resp->status)) != 0 ||
	    resp->body_case !=
	    SAMEN__V1__RESPONSE__BODY_IMPORT_AVAILABILITY) {
		if (rv == 0)
			rv = out_error(c, EXIT_OTHER, "the server answered the "
			    "import with something else");
		goto out;
	}
	r = resp->import_availability;
	if (c->json) {
		o = json_pack("{s:s,s:i,s:i}", "municipality", muni,
		    "busy", (int)r->busy, "skipped", (int)r->skipped);
		if (r->availability != NULL)
			json_object_set_new(o, "availability",
			    entity_json(r->availability));
		out_json_print(o);
	} else
		printf("%u busy date%s imported for %s (%u skipped)\n",
		    r->busy, r->busy == 1 ? "" : "s", muni, r->skipped);
	mirror_written(c, NULL);
out:
	conn_response_free(resp);
	if (h != NULL)
		samen__v1__hello_response__free_unpacked(h, NULL);
	free(muni);
	free(text);
	return rv;
}

/* samen availability SUBCOMMAND ...: finds the subcommand and runs it. */
int
cmd_availability(struct client *c, int argc, char **argv)
{
	return client_run_subcommand(c, argc, argv, availability_cmds,
	    AVAILABILITY_NCMDS, availability_help);
}
