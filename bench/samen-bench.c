/*
 * samen-bench: load and timing for the shared agenda, against a running
 * samend, plus a plain SQLite reference measured on the same disk.
 *
 *	samen-bench HOST:PORT CA CERT KEY seed N
 *	samen-bench HOST:PORT CA CERT KEY fullsync
 *	samen-bench HOST:PORT CA CERT KEY delta SINCE
 *	samen-bench HOST:PORT CA CERT KEY edit N
 *	samen-bench HOST:PORT CA CERT KEY writers C D
 *	samen-bench sqlite-ref DB D
 *
 * seed creates N agenda items with SEED_WINDOW puts in flight on one
 * connection; fullsync and delta sync page by page and count changes and
 * the bytes of the frames received; edit changes items A1..AN once each
 * (admin, force) and prints the rev before and after; writers runs C
 * threads, each on its own connection, doing sequential durable edits of
 * its own item for D seconds, then checks that the rev advanced by
 * exactly the acknowledged writes and that every item is at its last
 * acknowledged rev; sqlite-ref inserts one ~300-byte row per transaction
 * (WAL, synchronous=FULL) for D seconds.
 *
 * Each prints one result line; lines starting with '#' are notes.  Exit
 * 0, 1 on any failure (with a message on stderr), 64 for usage.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <sqlite3.h>

#include "frame.h"
#include "log.h"
#include "tls.h"
#include "xmalloc.h"

#define IO_TIMEOUT_MS	30000		/* each read or write */
#define MAX_IN_FRAME	(256 * 1024 * 1024)
#define SEED_WINDOW	64		/* puts in flight while seeding */
#define SEED_MAX	1000000
#define SEED_DEADLINE	600.0		/* seconds */
#define SYNC_MAX_PAGES	100000
#define SYNC_DEADLINE	600.0
#define EDIT_MAX	100000
#define WRITERS_MAX	256
#define DURATION_MAX	3600
#define WRITES_MAX	100000000ULL	/* per writer */
#define SQLITE_ROWS_MAX	100000000LL
#define DESC_LEN	200

static const char *const bench_codes[] = {
	"OK", "INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTS",
	"PERMISSION_DENIED", "CONFLICT", "RESYNC_REQUIRED",
	"RESOURCE_EXHAUSTED", "UNAUTHENTICATED", "UNAVAILABLE", "INTERNAL",
};

struct bench_target {
	char		*host;
	char		*port;
	struct tls_files files;
};

/* One blocking client connection with its input buffer. */
struct bench_conn {
	struct tls_client	*tc;
	struct evbuffer		*in;
	uint64_t		 next_id;
	uint64_t		 bytes_in;	/* of whole frames received */
	uint64_t		 hello_rev;
};

/* Seconds on the monotonic clock. */
static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The name of a status code. */
static const char *
bench_code_name(unsigned int code)
{
	if (code < sizeof(bench_codes) / sizeof(bench_codes[0]))
		return bench_codes[code];
	return "UNKNOWN";
}

/* A count from the command line within [min, max]; exits 64 if not. */
static long long
bench_number(const char *s, const char *what, long long min, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "samen-bench: %s '%s' is not a number from "
		    "%lld to %lld\n", what, s, min, max);
		exit(64);
	}
	return v;
}

/* Closes a connection and frees it. */
static void
bench_close(struct bench_conn *bc)
{
	if (bc == NULL)
		return;
	if (bc->tc != NULL)
		tls_client_close(bc->tc);
	if (bc->in != NULL)
		evbuffer_free(bc->in);
	free(bc);
}

/* Sends one request with the next frame id.  0, or -1 with *cause. */
static int
bench_send(struct bench_conn *bc, Samen__V1__Request *req, uint64_t *idp,
    char **cause)
{
	Samen__V1__Frame f = SAMEN__V1__FRAME__INIT;
	struct evbuffer *b;
	int rv;

	if ((b = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	f.id = ++bc->next_id;
	f.body_case = SAMEN__V1__FRAME__BODY_REQUEST;
	f.request = req;
	if (frame_append(b, &f, SIZE_MAX) == -1)
		fatalx("bench_send: a request does not pack");
	rv = tls_client_write(bc->tc, evbuffer_pullup(b, -1),
	    evbuffer_get_length(b), cause);
	evbuffer_free(b);
	if (idp != NULL)
		*idp = f.id;
	return rv;
}

/*
 * Reads the next frame, which must be the response with frame id want
 * and status OK.  *out is the frame (free with frame_free).  0, or -1
 * with *cause (a closed connection, a bad frame, an error status).
 */
static int
bench_recv(struct bench_conn *bc, uint64_t want, Samen__V1__Frame **out,
    char **cause)
{
	Samen__V1__Frame *f;
	Samen__V1__Status *st;
	char buf[65536], *why = NULL;
	size_t before;
	ssize_t n;

	*out = NULL;
	for (;;) {
		before = evbuffer_get_length(bc->in);
		switch (frame_cut(bc->in, MAX_IN_FRAME, &f, NULL)) {
		case FRAME_OK:
			bc->bytes_in += before - evbuffer_get_length(bc->in);
			goto got;
		case FRAME_AGAIN:
			break;
		default:
			xasprintf(cause, "the server sent a bad frame");
			return -1;
		}
		n = tls_client_read(bc->tc, buf, sizeof(buf), &why);
		if (n == 0) {
			xasprintf(cause, "the server closed the connection "
			    "while frame %llu was awaited",
			    (unsigned long long)want);
			return -1;
		}
		if (n < 0) {
			xasprintf(cause, "reading the answer to frame %llu: "
			    "%s", (unsigned long long)want, why);
			free(why);
			return -1;
		}
		evbuffer_add(bc->in, buf, (size_t)n);
	}
got:
	if (f->body_case != SAMEN__V1__FRAME__BODY_RESPONSE) {
		xasprintf(cause, "frame %llu is not a response (body %d)",
		    (unsigned long long)f->id, (int)f->body_case);
		frame_free(f);
		return -1;
	}
	if (f->id != want) {
		xasprintf(cause, "response for frame %llu where %llu was "
		    "due (out of order)", (unsigned long long)f->id,
		    (unsigned long long)want);
		frame_free(f);
		return -1;
	}
	st = f->response->status;
	if (st != NULL && st->code != SAMEN__V1__STATUS__CODE__OK) {
		xasprintf(cause, "frame %llu answered %s: %s",
		    (unsigned long long)f->id, bench_code_name(st->code),
		    st->message);
		frame_free(f);
		return -1;
	}
	*out = f;
	return 0;
}

/* Sends hello and reads its answer; records the rev. 0 or -1. */
static int
bench_hello(struct bench_conn *bc, char **cause)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__HelloRequest h = SAMEN__V1__HELLO_REQUEST__INIT;
	Samen__V1__Frame *f;
	uint64_t id;

	h.protocol_version = 1;
	h.client_name = (char *)(uintptr_t)"samen-bench";
	req.body_case = SAMEN__V1__REQUEST__BODY_HELLO;
	req.hello = &h;
	if (bench_send(bc, &req, &id, cause) == -1 ||
	    bench_recv(bc, id, &f, cause) == -1)
		return -1;
	if (f->response->body_case != SAMEN__V1__RESPONSE__BODY_HELLO) {
		frame_free(f);
		xasprintf(cause, "hello answered without a HelloResponse");
		return -1;
	}
	bc->hello_rev = f->response->hello->rev;
	frame_free(f);
	return 0;
}

/* Connects and says hello.  NULL: *cause says why. */
static struct bench_conn *
bench_open(const struct bench_target *t, char **cause)
{
	struct bench_conn *bc = xcalloc(1, sizeof(*bc));

	if ((bc->in = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	bc->tc = tls_client_connect(t->host, t->port, &t->files, IO_TIMEOUT_MS,
	    cause);
	if (bc->tc == NULL || bench_hello(bc, cause) == -1) {
		bench_close(bc);
		return NULL;
	}
	return bc;
}

/* Connects or exits 1 with the reason. */
static struct bench_conn *
bench_open_or_die(const struct bench_target *t)
{
	struct bench_conn *bc;
	char *cause = NULL;

	if ((bc = bench_open(t, &cause)) == NULL)
		fatalx("%s", cause);
	return bc;
}

/* A ~200-byte description for item n, into buf (DESC_LEN + 1). */
static void
bench_description(char *buf, unsigned long long n, const char *what)
{
	static const char filler[] = "Regional agenda item used by the "
	    "samen benchmark: proposals from the five councils, prepared "
	    "for the joint meeting before the election. ";
	size_t len;

	len = (size_t)snprintf(buf, DESC_LEN + 1, "%s %llu. ", what, n);
	while (len < DESC_LEN) {
		size_t k = sizeof(filler) - 1;

		if (k > DESC_LEN - len)
			k = DESC_LEN - len;
		memcpy(buf + len, filler, k);
		len += k;
	}
	buf[DESC_LEN] = '\0';
}

/*
 * Sends a put of an agenda item: id "" creates (expected_rev 0), else
 * replaces the item at expected_rev (or whatever it is, with force).
 */
static int
bench_put_item(struct bench_conn *bc, const char *id, uint64_t expected_rev,
    int force, const char *title, const char *desc, const char *proposed_by,
    uint64_t *idp, char **cause)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__PutRequest p = SAMEN__V1__PUT_REQUEST__INIT;
	Samen__V1__Entity e = SAMEN__V1__ENTITY__INIT;
	Samen__V1__AgendaItem a = SAMEN__V1__AGENDA_ITEM__INIT;

	a.title = (char *)(uintptr_t)title;
	a.description = (char *)(uintptr_t)desc;
	a.phase = SAMEN__V1__AGENDA_ITEM__PHASE__BEFORE_ELECTION;
	if (proposed_by != NULL)
		a.proposed_by = (char *)(uintptr_t)proposed_by;
	e.id = (char *)(uintptr_t)id;
	e.body_case = SAMEN__V1__ENTITY__BODY_AGENDA_ITEM;
	e.agenda_item = &a;
	p.entity = &e;
	p.expected_rev = expected_rev;
	p.force = force;
	req.body_case = SAMEN__V1__REQUEST__BODY_PUT;
	req.put = &p;
	return bench_send(bc, &req, idp, cause);
}

/*
 * Reads a put's answer: the stored entity's rev (and a copy of its id
 * and proposed_by when asked).  0 or -1 with *cause.
 */
static int
bench_put_answer(struct bench_conn *bc, uint64_t want, uint64_t *rev,
    char **idp, char **proposedp, char **cause)
{
	Samen__V1__Frame *f;
	Samen__V1__Entity *e;

	if (bench_recv(bc, want, &f, cause) == -1)
		return -1;
	if (f->response->body_case != SAMEN__V1__RESPONSE__BODY_PUT ||
	    (e = f->response->put->entity) == NULL ||
	    e->body_case != SAMEN__V1__ENTITY__BODY_AGENDA_ITEM) {
		frame_free(f);
		xasprintf(cause, "put %llu answered without the stored item",
		    (unsigned long long)want);
		return -1;
	}
	*rev = e->rev;
	if (idp != NULL)
		*idp = xstrdup(e->id);
	if (proposedp != NULL)
		*proposedp = xstrdup(e->agenda_item->proposed_by);
	frame_free(f);
	return 0;
}

/* seed N: N new items, SEED_WINDOW puts in flight on one connection. */
static int
bench_seed(const struct bench_target *t, long long n)
{
	struct bench_conn *bc = bench_open_or_die(t);
	char title[64], desc[DESC_LEN + 1], *cause = NULL;
	uint64_t id, want = 0, rev = 0;
	long long sent = 0, done = 0;
	double t0, dt;

	t0 = bench_now();
	while (done < n) {
		while (sent < n && sent - done < SEED_WINDOW) {
			snprintf(title, sizeof(title), "Benchmark item %lld",
			    sent + 1);
			bench_description(desc, (unsigned long long)sent + 1,
			    "Seeded item");
			if (bench_put_item(bc, "", 0, 0, title, desc, NULL, &id,
			    &cause) == -1)
				fatalx("seed: put %lld: %s", sent + 1, cause);
			if (want == 0)
				want = id;
			sent++;
		}
		/* Responses come in request order. */
		if (bench_put_answer(bc, want++, &rev, NULL, NULL, &cause) == -1)
			fatalx("seed: after %lld of %lld items: %s", done, n,
			    cause);
		done++;
		if (bench_now() - t0 > SEED_DEADLINE)
			fatalx("seed: only %lld of %lld items in %.0f s", done,
			    n, SEED_DEADLINE);
	}
	dt = bench_now() - t0;
	printf("seed %lld items %.3f seconds\n", n, dt);
	printf("# seed: %.0f items/s with %d puts in flight, rev now %llu\n",
	    (double)n / dt, SEED_WINDOW, (unsigned long long)rev);
	bench_close(bc);
	return 0;
}

/* Result of a sync pass. */
struct bench_sync {
	uint64_t	 changes;
	uint64_t	 bytes;
	uint64_t	 pages;
	uint64_t	 rev;		/* the first page's answer */
	double		 seconds;
};

/*
 * One sync pass from since, page by page, one request in flight.  When
 * cb is set it sees every change.  0 or -1 with *cause.
 */
static int
bench_sync_pass(struct bench_conn *bc, uint64_t since, struct bench_sync *r,
    void (*cb)(const Samen__V1__Change *, void *), void *arg, char **cause)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__SyncRequest s = SAMEN__V1__SYNC_REQUEST__INIT;
	Samen__V1__SyncResponse *sr;
	Samen__V1__Frame *f;
	uint64_t id, bytes0 = bc->bytes_in;
	double t0 = bench_now();
	size_t i;
	int more;

	memset(r, 0, sizeof(*r));
	req.body_case = SAMEN__V1__REQUEST__BODY_SYNC;
	req.sync = &s;
	s.compress = 1;		/* as the samen client asks */
	s.since_rev = since;
	do {
		if (r->pages == SYNC_MAX_PAGES ||
		    bench_now() - t0 > SYNC_DEADLINE) {
			xasprintf(cause, "sync: still more after %llu pages "
			    "and %.0f s", (unsigned long long)r->pages,
			    bench_now() - t0);
			return -1;
		}
		if (bench_send(bc, &req, &id, cause) == -1 ||
		    bench_recv(bc, id, &f, cause) == -1)
			return -1;
		if (f->response->body_case != SAMEN__V1__RESPONSE__BODY_SYNC) {
			frame_free(f);
			xasprintf(cause, "sync answered without a "
			    "SyncResponse");
			return -1;
		}
		sr = f->response->sync;
		if (r->pages++ == 0) {
			r->rev = sr->rev;
			s.pass_rev = sr->rev;
		}
		more = sr->more;
		if (more && sr->n_changes == 0) {
			frame_free(f);
			xasprintf(cause, "sync from %llu: more, but no changes",
			    (unsigned long long)s.since_rev);
			return -1;
		}
		for (i = 0; i < sr->n_changes; i++) {
			if (sr->changes[i]->rev <= s.since_rev) {
				xasprintf(cause, "sync from %llu returned rev "
				    "%llu", (unsigned long long)s.since_rev,
				    (unsigned long long)sr->changes[i]->rev);
				frame_free(f);
				return -1;
			}
			if (cb != NULL)
				cb(sr->changes[i], arg);
		}
		r->changes += sr->n_changes;
		if (sr->n_changes > 0)
			s.since_rev = sr->changes[sr->n_changes - 1]->rev;
		frame_free(f);
	} while (more);
	r->seconds = bench_now() - t0;
	r->bytes = bc->bytes_in - bytes0;
	return 0;
}

/* fullsync / delta SINCE: a timed sync pass. */
static int
bench_sync(const struct bench_target *t, const char *name, uint64_t since)
{
	struct bench_conn *bc = bench_open_or_die(t);
	struct bench_sync r;
	char *cause = NULL;

	if (bench_sync_pass(bc, since, &r, NULL, NULL, &cause) == -1)
		fatalx("%s: %s", name, cause);
	printf("%s %llu changes %llu bytes %.6f seconds\n", name,
	    (unsigned long long)r.changes, (unsigned long long)r.bytes,
	    r.seconds);
	printf("# %s: from rev %llu to %llu in %llu page%s\n", name,
	    (unsigned long long)since, (unsigned long long)r.rev,
	    (unsigned long long)r.pages, r.pages == 1 ? "" : "s");
	bench_close(bc);
	return 0;
}

/* edit N: items A1..AN changed once each (admin, force), sequentially. */
static int
bench_edit(const struct bench_target *t, long long n)
{
	struct bench_conn *bc = bench_open_or_die(t);
	char id[32], title[64], desc[DESC_LEN + 1], *cause = NULL;
	uint64_t fid, rev = 0, rev0 = bc->hello_rev;
	long long i;

	for (i = 1; i <= n; i++) {
		snprintf(id, sizeof(id), "A%lld", i);
		snprintf(title, sizeof(title), "Benchmark item %lld", i);
		bench_description(desc, (unsigned long long)i, "Edited item");
		if (bench_put_item(bc, id, 0, 1, title, desc, NULL, &fid,
		    &cause) == -1 ||
		    bench_put_answer(bc, fid, &rev, NULL, NULL, &cause) == -1)
			fatalx("edit %s: %s", id, cause);
	}
	printf("edit %lld items from rev %llu to rev %llu\n", n,
	    (unsigned long long)rev0, (unsigned long long)rev);
	bench_close(bc);
	return 0;
}

/* One writer thread's state and results. */
struct bench_writer {
	pthread_t			 thread;
	int				 index;
	const struct bench_target	*target;
	pthread_barrier_t		*ready;
	pthread_barrier_t		*go;
	const volatile int		*abort;
	const double			*deadline;
	char				*id;		/* its item */
	char				*proposed_by;
	uint64_t			 rev;		/* last acknowledged */
	unsigned long long		 writes;
	double				 max_latency;
	double				 end;
	char				*error;
};

/*
 * A writer: connects, creates its item, waits at the barriers, then
 * edits the item at its current rev until the deadline, one request in
 * flight.  Errors go to w->error; the thread always reaches both
 * barriers so that the others are never left waiting.
 */
static void *
bench_writer_main(void *arg)
{
	struct bench_writer *w = arg;
	struct bench_conn *bc;
	char title[64], desc[DESC_LEN + 1], *cause = NULL;
	uint64_t fid;
	double t0;

	snprintf(title, sizeof(title), "Writer %d item", w->index);
	bench_description(desc, 0, "Writer item");
	bc = bench_open(w->target, &cause);
	if (bc != NULL && (bench_put_item(bc, "", 0, 0, title, desc, NULL, &fid,
	    &cause) == -1 || bench_put_answer(bc, fid, &w->rev, &w->id,
	    &w->proposed_by, &cause) == -1)) {
		bench_close(bc);
		bc = NULL;
	}
	if (bc == NULL)
		xasprintf(&w->error, "writer %d: %s", w->index, cause);
	free(cause);
	cause = NULL;
	pthread_barrier_wait(w->ready);
	pthread_barrier_wait(w->go);
	if (bc == NULL || *w->abort)
		goto out;

	while (w->writes < WRITES_MAX) {
		t0 = bench_now();
		if (t0 >= *w->deadline)
			break;
		bench_description(desc, w->writes + 1, "Writer edit");
		if (bench_put_item(bc, w->id, w->rev, 0, title, desc,
		    w->proposed_by, &fid, &cause) == -1 ||
		    bench_put_answer(bc, fid, &w->rev, NULL, NULL,
		    &cause) == -1) {
			xasprintf(&w->error, "writer %d, write %llu, item %s "
			    "at rev %llu: %s", w->index, w->writes + 1, w->id,
			    (unsigned long long)w->rev, cause);
			free(cause);
			break;
		}
		w->writes++;
		t0 = bench_now() - t0;
		if (t0 > w->max_latency)
			w->max_latency = t0;
	}
out:
	w->end = bench_now();
	bench_close(bc);
	return NULL;
}

/* What the writers' check found in the sync after their start. */
struct bench_check {
	struct bench_writer	*w;
	int			 n;
	int			 matched;
	uint64_t		 others;
	char			*error;
};

/* A change after the writers' start: must be an item at its last rev. */
static void
bench_check_change(const Samen__V1__Change *ch, void *arg)
{
	struct bench_check *k = arg;
	int i;

	if (ch->body_case != SAMEN__V1__CHANGE__BODY_ENTITY) {
		k->others++;
		return;
	}
	for (i = 0; i < k->n; i++) {
		if (k->w[i].id == NULL ||
		    strcmp(k->w[i].id, ch->entity->id) != 0)
			continue;
		if (ch->rev == k->w[i].rev)
			k->matched++;
		else if (k->error == NULL)
			xasprintf(&k->error, "item %s is at rev %llu, but "
			    "writer %d's last acknowledged write made rev "
			    "%llu", ch->entity->id,
			    (unsigned long long)ch->rev, i,
			    (unsigned long long)k->w[i].rev);
		return;
	}
	k->others++;
}

/*
 * writers C D: C threads with a connection each doing durable edits for
 * D seconds; then checks that nothing acknowledged is missing.
 */
static int
bench_writers(const struct bench_target *t, int nw, int secs)
{
	struct bench_writer *w = xcalloc((size_t)nw, sizeof(*w));
	struct bench_conn *bc;
	struct bench_check k;
	struct bench_sync r;
	pthread_barrier_t ready, go;
	volatile int abort_run = 0;
	double deadline = 0, start, end = 0, maxlat = 0;
	unsigned long long total = 0;
	uint64_t rev0, rev1;
	char *cause = NULL;
	int i, failed = 0, active = 0;

	if (pthread_barrier_init(&ready, NULL, (unsigned)nw + 1) != 0 ||
	    pthread_barrier_init(&go, NULL, (unsigned)nw + 1) != 0)
		fatalx("pthread_barrier_init");
	for (i = 0; i < nw; i++) {
		w[i].index = i;
		w[i].target = t;
		w[i].ready = &ready;
		w[i].go = &go;
		w[i].abort = &abort_run;
		w[i].deadline = &deadline;
		if (pthread_create(&w[i].thread, NULL, bench_writer_main,
		    &w[i]) != 0)
			fatalx("pthread_create");
	}
	pthread_barrier_wait(&ready);
	for (i = 0; i < nw; i++) {
		if (w[i].error != NULL) {
			fprintf(stderr, "samen-bench: %s\n", w[i].error);
			abort_run = 1;
		}
	}
	/* Every item exists and is committed: the rev to count from. */
	bc = bench_open(t, &cause);
	if (bc == NULL) {
		fprintf(stderr, "samen-bench: writers: %s\n", cause);
		abort_run = 1;
		rev0 = 0;
	} else
		rev0 = bc->hello_rev;
	start = bench_now();
	deadline = start + secs;
	pthread_barrier_wait(&go);
	for (i = 0; i < nw; i++) {
		pthread_join(w[i].thread, NULL);
		if (abort_run)
			continue;
		if (w[i].error != NULL) {
			fprintf(stderr, "samen-bench: %s\n", w[i].error);
			failed = 1;
		}
		total += w[i].writes;
		if (w[i].writes > 0)
			active++;
		if (w[i].end > end)
			end = w[i].end;
		if (w[i].max_latency > maxlat)
			maxlat = w[i].max_latency;
	}
	pthread_barrier_destroy(&ready);
	pthread_barrier_destroy(&go);
	if (abort_run)
		exit(1);

	printf("writers %d clients %llu writes %.3f seconds %.1f writes/s\n",
	    nw, total, end - start, (double)total / (end - start));
	printf("# writers: mean latency %.2f ms, slowest write %.2f ms\n",
	    total ? 1000.0 * (end - start) * nw / (double)total : 0.0,
	    1000.0 * maxlat);

	/* Nothing acknowledged may be missing, nothing else may appear. */
	bench_close(bc);
	bc = bench_open_or_die(t);
	rev1 = bc->hello_rev;
	if (rev1 - rev0 != total) {
		fprintf(stderr, "samen-bench: writers: rev went from %llu to "
		    "%llu (+%llu) for %llu acknowledged writes\n",
		    (unsigned long long)rev0, (unsigned long long)rev1,
		    (unsigned long long)(rev1 - rev0), total);
		failed = 1;
	}
	memset(&k, 0, sizeof(k));
	k.w = w;
	k.n = nw;
	if (bench_sync_pass(bc, rev0, &r, bench_check_change, &k,
	    &cause) == -1)
		fatalx("writers: checking sync: %s", cause);
	if (k.error != NULL) {
		fprintf(stderr, "samen-bench: writers: %s\n", k.error);
		failed = 1;
	}
	if (k.error == NULL && k.matched != active) {
		fprintf(stderr, "samen-bench: writers: %d items at their last "
		    "acknowledged rev, %d expected\n", k.matched, active);
		failed = 1;
	}
	if (k.others != 0) {
		fprintf(stderr, "samen-bench: writers: %llu unexpected "
		    "changes after rev %llu\n", (unsigned long long)k.others,
		    (unsigned long long)rev0);
		failed = 1;
	}
	if (!failed)
		printf("# writers: checked: rev +%llu = acknowledged writes; "
		    "%d of %d items at their last acknowledged rev\n",
		    (unsigned long long)(rev1 - rev0), k.matched, nw);
	bench_close(bc);
	for (i = 0; i < nw; i++) {
		free(w[i].id);
		free(w[i].proposed_by);
		free(w[i].error);
	}
	free(w);
	free(k.error);
	return failed ? 1 : 0;
}

/* Runs one SQL statement or exits with SQLite's message. */
static void
bench_sql(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fatalx("sqlite-ref: %s: %s", sql, err ? err : "error");
}

/* Stores the first column of a one-row answer as text, for checks. */
static int
bench_sql_text_cb(void *arg, int n, char **v, char **names)
{
	(void)names;
	if (n > 0 && v[0] != NULL)
		snprintf(arg, 16, "%s", v[0]);
	return 0;
}

/*
 * sqlite-ref DB D: the reference.  A new WAL database, synchronous=FULL,
 * one ~300-byte row per transaction for D seconds.
 */
static int
bench_sqlite_ref(const char *path, int secs)
{
	sqlite3 *db;
	sqlite3_stmt *ins;
	char mode[16] = "", desc[DESC_LEN + 1], title[64];
	long long rows = 0;
	double t0, dt = 0;

	if (access(path, F_OK) == 0)
		fatalx("sqlite-ref: %s exists; give a new file", path);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		fatalx("sqlite-ref: %s: %s", path, sqlite3_errmsg(db));
	if (sqlite3_exec(db, "PRAGMA journal_mode = WAL", bench_sql_text_cb,
	    mode, NULL) != SQLITE_OK || strcmp(mode, "wal") != 0)
		fatalx("sqlite-ref: %s: WAL mode refused (%s)", path, mode);
	bench_sql(db, "PRAGMA synchronous = FULL");
	bench_sql(db, "CREATE TABLE item (id INTEGER PRIMARY KEY, "
	    "title TEXT NOT NULL, rev INTEGER NOT NULL, body TEXT NOT NULL)");
	if (sqlite3_prepare_v2(db, "INSERT INTO item (title, rev, body) "
	    "VALUES (?, ?, ?)", -1, &ins, NULL) != SQLITE_OK)
		fatalx("sqlite-ref: prepare: %s", sqlite3_errmsg(db));

	t0 = bench_now();
	while (rows < SQLITE_ROWS_MAX && (dt = bench_now() - t0) < secs) {
		snprintf(title, sizeof(title), "Reference row %lld", rows + 1);
		bench_description(desc, (unsigned long long)rows + 1,
		    "Reference row");
		bench_sql(db, "BEGIN");
		sqlite3_bind_text(ins, 1, title, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 2, rows + 1);
		sqlite3_bind_text(ins, 3, desc, -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			fatalx("sqlite-ref: insert: %s", sqlite3_errmsg(db));
		sqlite3_reset(ins);
		bench_sql(db, "COMMIT");
		rows++;
	}
	dt = bench_now() - t0;
	sqlite3_finalize(ins);
	if (sqlite3_close(db) != SQLITE_OK)
		fatalx("sqlite-ref: close: %s", sqlite3_errmsg(db));
	printf("sqlite-ref %lld rows %.3f seconds %.1f rows/s\n", rows, dt,
	    (double)rows / dt);
	return 0;
}

/* Prints the usage and exits 64. */
static void
bench_usage(void)
{
	fprintf(stderr,
	    "usage: samen-bench HOST:PORT CA CERT KEY seed N\n"
	    "       samen-bench HOST:PORT CA CERT KEY fullsync\n"
	    "       samen-bench HOST:PORT CA CERT KEY delta SINCE\n"
	    "       samen-bench HOST:PORT CA CERT KEY edit N\n"
	    "       samen-bench HOST:PORT CA CERT KEY writers C D\n"
	    "       samen-bench sqlite-ref DB D\n");
	exit(64);
}

/* Parses the target and runs one subcommand; its exit code. */
int
main(int argc, char **argv)
{
	struct bench_target t;
	const char *cmd, *colon;
	int rv = 64;

	log_init("samen-bench", LOG_LEVEL_WARN);
	xmalloc_keep_heap();
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (argc == 4 && strcmp(argv[1], "sqlite-ref") == 0)
		return bench_sqlite_ref(argv[2],
		    (int)bench_number(argv[3], "D", 1, DURATION_MAX));
	if (argc < 6)
		bench_usage();
	if ((colon = strrchr(argv[1], ':')) == NULL || colon == argv[1])
		bench_usage();
	t.host = xstrndup(argv[1], (size_t)(colon - argv[1]));
	t.port = xstrdup(colon + 1);
	t.files.ca = argv[2];
	t.files.cert = argv[3];
	t.files.key = argv[4];
	t.files.crl = NULL;
	cmd = argv[5];

	if (strcmp(cmd, "seed") == 0 && argc == 7)
		rv = bench_seed(&t, bench_number(argv[6], "N", 1, SEED_MAX));
	else if (strcmp(cmd, "fullsync") == 0 && argc == 6)
		rv = bench_sync(&t, "fullsync", 0);
	else if (strcmp(cmd, "delta") == 0 && argc == 7)
		rv = bench_sync(&t, "delta", (uint64_t)bench_number(argv[6],
		    "SINCE", 0, INT64_MAX));
	else if (strcmp(cmd, "edit") == 0 && argc == 7)
		rv = bench_edit(&t, bench_number(argv[6], "N", 1, EDIT_MAX));
	else if (strcmp(cmd, "writers") == 0 && argc == 8)
		rv = bench_writers(&t,
		    (int)bench_number(argv[6], "C", 1, WRITERS_MAX),
		    (int)bench_number(argv[7], "D", 1, DURATION_MAX));
	else
		bench_usage();
	free(t.host);
	free(t.port);
	return rv;
}
