/*
 * samen sync: bring the local copy up to date.  samen watch: print each
 * change as the daemon pushes it, keeping the local copy current.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "samen.h"
#include "xmalloc.h"

/* Set by SIGINT and SIGTERM: watch stops and cleans up. */
static volatile sig_atomic_t sync_stop;

/* samen sync [--full]. */
int
cmd_sync(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "full", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	const struct client_cmd *cmd = client_find_cmd("sync");
	struct mirror *m;
	uint64_t applied = 0;
	char *cause = NULL;
	int ch, full = 0, rv;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			full = 1;
			break;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	if (optind != argc)
		return client_usage_error(cmd, "sync takes no arguments");
	if (conf_load(c, &cause) == -1) {
		rv = out_error(c, EXIT_CONFIG, "%s", cause);
		free(cause);
		return rv;
	}
	if (mirror_open(c, &m, &cause) == -1) {
		rv = out_error(c, EXIT_OTHER, "%s", cause);
		free(cause);
		return rv;
	}
	if ((rv = conn_open(c, NULL)) != 0) {
		mirror_close(m);
		return rv;
	}
	if ((rv = mirror_sync(c, m, full, &applied, &cause)) != 0) {
		rv = out_error(c, rv, "%s", cause);
		free(cause);
		mirror_close(m);
		return rv;
	}
	if (c->json)
		out_json_print(json_pack("{s:I,s:I,s:b}", "applied",
		    (json_int_t)applied, "rev", (json_int_t)mirror_rev(m),
		    "resynced", mirror_resynced(m) && !full));
	else {
		if (mirror_resynced(m) && !full)
			printf("the server no longer keeps every change since "
			    "this copy's last sync: fetched it all again\n");
		printf("applied %llu change%s; the local copy is at rev %llu\n",
		    (unsigned long long)applied, applied == 1 ? "" : "s",
		    (unsigned long long)mirror_rev(m));
	}
	mirror_close(m);
	return 0;
}

/* SIGINT, SIGTERM: ask the watch loop to stop. */
static void
sync_on_signal(int sig)
{
	(void)sig;
	sync_stop = 1;
}

/*
 * Prints one change: a line for people, or one JSON object per line.
 * -1: stdout is gone (a closed pipe).
 */
static int
sync_print_change(struct client *c, const Samen__V1__Change *ch)
{
	Samen__V1__Kind kind;
	const char *id;
	json_t *j;
	char *sum;

	if (ch->body_case == SAMEN__V1__CHANGE__BODY_ENTITY) {
		kind = wire_entity_kind(ch->entity);
		id = ch->entity->id;
	} else if (ch->body_case == SAMEN__V1__CHANGE__BODY_DELETED) {
		kind = ch->deleted->kind;
		id = ch->deleted->id;
	} else
		return 0;
	if (c->json) {
		j = json_pack("{s:I,s:s,s:s*,s:s}", "rev",
		    (json_int_t)ch->rev, "action",
		    ch->body_case == SAMEN__V1__CHANGE__BODY_ENTITY ? "put" :
		    "delete", "kind", entity_word(ENTITY_KIND, kind), "id", id);
		if (ch->body_case == SAMEN__V1__CHANGE__BODY_ENTITY)
			json_object_set_new(j, "entity",
			    entity_json(ch->entity));
		out_json_print(j);
	} else if (ch->body_case == SAMEN__V1__CHANGE__BODY_ENTITY) {
		sum = entity_summary(ch->entity);
		printf("rev %llu  update  %s %s%s%s\n",
		    (unsigned long long)ch->rev, entity_kind_name(kind), id,
		    *sum ? "  " : "", sum);
		free(sum);
	} else
		printf("rev %llu  delete  %s %s\n", (unsigned long long)ch->rev,
		    entity_kind_name(kind), id);
	if (fflush(stdout) == EOF || ferror(stdout))
		return -1;
	return 0;
}

/*
 * Handles a Response frame carrying the watch's id: the first answers
 * the watch, a later one ends it (RESOURCE_EXHAUSTED: cut off for falling
 * behind).  0: the watch runs (*started set); otherwise the exit code,
 * printed.
 */
static int
sync_watch_response(struct client *c, const Samen__V1__Response *r,
    int *started, uint64_t last, int follow, int have_since)
{
	const Samen__V1__Status *st = r->status;
	int rv;

	if (st == NULL)
		return out_error(c, EXIT_OTHER, "the server sent a response "
		    "without status");
	if (!*started && st->code == SAMEN__V1__STATUS__CODE__OK) {
		*started = 1;
		if (isatty(STDERR_FILENO) && !c->json)
			fprintf(stderr, "samen: watching %s (rev %llu); "
			    "interrupt to stop\n", c->conf.server,
			    r->body_case == SAMEN__V1__RESPONSE__BODY_WATCH ?
			    (unsigned long long)r->watch->rev :
			    (unsigned long long)last);
		return 0;
	}
	if (st->code == SAMEN__V1__STATUS__CODE__RESOURCE_EXHAUSTED &&
	    !*started) {
		/* The backlog asked for is too long to stream. */
		return out_error(c, EXIT_UNAVAIL, "%s%s", *st->message ?
		    st->message : "the server refused this watch", have_since ?
		    "; without --since, watch syncs the local copy first" : "");
	}
	if (st->code == SAMEN__V1__STATUS__CODE__RESOURCE_EXHAUSTED) {
		if (follow)
			return out_error(c, EXIT_UNAVAIL, "%s; run 'samen "
			    "watch' again to catch up from rev %llu",
			    *st->message ? st->message : "the server cut "
			    "this watch off", (unsigned long long)last);
		return out_error(c, EXIT_UNAVAIL, "%s; run 'samen watch "
		    "--since %llu' to go on", *st->message ? st->message :
		    "the server cut this watch off", (unsigned long long)last);
	}
	if (st->code == SAMEN__V1__STATUS__CODE__OK)
		return 0;
	rv = out_status(c, st);
	return rv ? rv : EXIT_OTHER;
}

/*
 * samen watch [--since REV] [--count N]: syncs the local copy, then
 * prints every change from the daemon's watch as it arrives and applies
 * it to the copy.  Reads wait for ever; SIGINT or SIGTERM ends the read
 * and the command, cleanly.
 */
int
cmd_watch(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	const struct client_cmd *cmd = client_find_cmd("watch");
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__WatchRequest wr = SAMEN__V1__WATCH_REQUEST__INIT;
	Samen__V1__HelloResponse *hello;
	Samen__V1__Frame *f;
	struct sigaction sa, old_int, old_term;
	struct mirror *m = NULL;
	uint64_t since = 0, count = 0, seen = 0, last, id;
	char *cause = NULL;
	int ch, have_since = 0, follow = 0, started = 0, rv, r;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (client_parse_number(optarg, INT64_MAX,
			    &since) == -1)
				return client_usage_error(cmd, "--since needs "
				    "a rev (a number), not '%s'", optarg);
			have_since = 1;
			break;
		case 'n':
			if (client_parse_number(optarg, INT64_MAX, &count) ==
			    -1 || count == 0)
				return client_usage_error(cmd, "--count needs "
				    "a number above 0, not '%s'", optarg);
			break;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	if (optind != argc)
		return client_usage_error(cmd, "watch takes no arguments");

	if ((rv = conn_open(c, &hello)) != 0)
		return rv;
	last = hello->rev;
	samen__v1__hello_response__free_unpacked(hello, NULL);
	if (mirror_open(c, &m, &cause) == -1) {
		fprintf(stderr, "samen: cannot keep a local copy (%s); "
		    "watching without one\n", cause);
		free(cause);
		cause = NULL;
	} else if ((rv = mirror_sync(c, m, 0, NULL, &cause)) != 0) {
		rv = out_error(c, rv, "%s", cause);
		goto out;
	}
	if (m != NULL) {
		if (!have_since)
			since = mirror_rev(m);
		/* The copy may follow only a feed that leaves no gap. */
		follow = since <= mirror_rev(m);
		last = mirror_rev(m);
	} else if (!have_since)
		since = last;
	if (have_since)
		last = since;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sync_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: a signal ends the read */
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	wr.since_rev = since;
	req.body_case = SAMEN__V1__REQUEST__BODY_WATCH;
	req.watch = &wr;
	if (conn_send(c, &req, &id, &cause) == -1) {
		rv = out_error(c, EXIT_UNAVAIL, "%s", cause);
		goto restore;
	}
	conn_no_timeout(c);
	rv = 0;
	while (!sync_stop) {
		r = conn_next(c, &f, &cause);
		if (r == CONN_NOTHING)
			continue;
		if (r == CONN_FAILED) {
			rv = out_error(c, EXIT_UNAVAIL, "%s; run 'samen watch' "
			    "again to go on from rev %llu", cause,
			    (unsigned long long)last);
			break;
		}
		if (f->id != id) {
			frame_free(f);
			continue;
		}
		if (f->body_case == SAMEN__V1__FRAME__BODY_RESPONSE) {
			rv = sync_watch_response(c, f->response, &started,
			    last, follow, have_since);
			frame_free(f);
			if (rv != 0)
				break;
			continue;
		}
		if (f->body_case != SAMEN__V1__FRAME__BODY_EVENT ||
		    f->event->change == NULL) {
			frame_free(f);
			continue;
		}
		if (follow && mirror_apply(m, f->event->change, &cause) == -1) {
			fprintf(stderr, "samen: %s; the local copy stops "
			    "following\n", cause);
			free(cause);
			cause = NULL;
			follow = 0;
		}
		if (f->event->change->rev > last)
			last = f->event->change->rev;
		r = sync_print_change(c, f->event->change);
		frame_free(f);
		if (r == -1 || (count != 0 && ++seen >= count))
			break;
	}
restore:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
out:
	free(cause);
	mirror_close(m);
	conn_close(c);
	return rv;
}
