/*
 * crashwriter: one of the writing clients of the crash test
 * (tests/integration/11_crash.bats), which kills samend with SIGKILL
 * while they write.
 *
 *	crashwriter HOST:PORT CA CERT KEY NAME RECORD STOPFILE SECONDS
 *
 * One request in flight on one connection.  It creates agenda items,
 * edits its own items at the rev it last saw, changes one council's
 * decision on them (a member: its own council's; an admin: zoeterwoude's)
 * and, as an admin, commits a plan now and then: key NAME-pK (K from 1),
 * two meetings in the week (Monday to Friday) from 2031-01-06 + 14 (K-1)
 * days, all hosted by leiden, so that asking again gives the same
 * proposal.  (No week holds more than three blocked days, so two always
 * fit; the test's other plans take the weeks in between.)
 *
 * A write is recorded only after its OK response has been read: one
 * line appended to RECORD with a single write(2),
 *
 *	item,ID,REV,TITLE	an item created
 *	edit,ID,REV,TITLE	an item changed
 *	decision,ID,REV,NOTE	a council decision changed
 *	plan,KEY,REV,IDS	a plan committed: its rev, its meeting ids
 *
 * Titles and notes are unique and end in '.', so that the body stored
 * at the recorded rev can be checked to hold them.
 *
 * When the connection fails with a request in flight (the daemon was
 * killed), that write is in doubt and nothing is recorded; the writer
 * reconnects every 20 ms.  A plan in doubt is asked again under its key
 * before anything else, and the answer must say committed.  An edit or
 * decision in doubt may have been stored: a CONFLICT on that entity is
 * then expected and its current rev is taken over.  Any other CONFLICT,
 * a current rev below an acknowledged one, or any other error status is
 * a failure.
 *
 * Ends when STOPFILE exists, after SECONDS or after CRASH_MAX_OPS
 * operations, and prints one line:
 *
 *	crashwriter NAME: A acknowledged, D in doubt, C conflicts taken
 *	over, N connections, longest without one S s
 *
 * Exit 0; 1 on a failure (the reason on stderr); 64 for usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "date.h"
#include "frame.h"
#include "log.h"
#include "tls.h"
#include "xmalloc.h"

#define CRASH_IO_TIMEOUT_MS	5000
#define CRASH_RETRY_MS		20
#define CRASH_MAX_OPS		200000
#define CRASH_MAX_SECONDS	3600
#define CRASH_MAX_FRAME		(64 * 1024 * 1024)
#define CRASH_PLAN_EVERY	8	/* an admin's every 8th operation */
#define CRASH_PLAN_COUNT	2
#define CRASH_PLAN_FIRST	"2031-01-06"	/* a Monday */
#define CRASH_PLAN_HOST		"leiden"
#define CRASH_ADMIN_COUNCIL	"zoeterwoude"

static const char *const crash_codes[] = {
	"OK", "INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTS",
	"PERMISSION_DENIED", "CONFLICT", "RESYNC_REQUIRED",
	"RESOURCE_EXHAUSTED", "UNAUTHENTICATED", "UNAVAILABLE", "INTERNAL",
};

/* How a request ended. */
enum crash_outcome {
	CRASH_OK,		/* answered OK: recorded */
	CRASH_DOUBT,		/* the connection failed: fate unknown */
	CRASH_CONFLICT,		/* answered CONFLICT, current rev taken over */
};

/* One of this writer's items, and its decision for one council. */
struct crash_item {
	char		*id;
	uint64_t	 created;	/* the rev that made it */
	uint64_t	 rev;
	int		 doubt;		/* an edit's fate is unknown */
	uint64_t	 drev;		/* the decision's rev; 0: not known yet */
	int		 ddoubt;	/* a decision change's fate is unknown */
};

struct crash_writer {
	const char		*name;
	char			*host;
	char			*port;
	struct tls_files	 files;
	int			 record;
	const char		*stopfile;
	double			 deadline;

	struct tls_client	*tc;
	struct evbuffer		*in;
	uint64_t		 next_id;
	int			 admin;
	char			 council[TLS_MUNICIPALITY_MAX + 1];
	char			*proposed_by;	/* as the first item came back */

	struct crash_item	*items;
	size_t			 nitems;
	size_t			 capitems;
	unsigned long		 plans;		/* keys used */
	int			 plan_doubt;	/* the last key is in doubt */
	unsigned int		 seed;

	unsigned long		 acked;
	unsigned long		 doubts;
	unsigned long		 conflicts;
	unsigned long		 connections;
	double			 lost_at;	/* 0: connected, or never was */
	double			 longest_gap;
};

/* Seconds on the monotonic clock. */
static double
crash_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The name of a status code. */
static const char *
crash_code_name(unsigned int code)
{
	if (code < sizeof(crash_codes) / sizeof(crash_codes[0]))
		return crash_codes[code];
	return "UNKNOWN";
}

/* True when the writer should stop: the stop file, the deadline. */
static int
crash_done(const struct crash_writer *w)
{
	return access(w->stopfile, F_OK) == 0 || crash_now() >= w->deadline;
}

/*
 * Appends one line to the record with a single write(2), only ever after
 * the write it names was answered OK.  Exits 1 when it cannot.
 */
static void
crash_record(struct crash_writer *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
crash_record(struct crash_writer *w, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 1)
		fatalx("a record line is too long");
	line[n++] = '\n';
	if (write(w->record, line, (size_t)n) != n)
		fatal("writing the record");
	w->acked++;
}

/* Drops the connection (the daemon died, or is about to be left). */
static void
crash_disconnect(struct crash_writer *w)
{
	if (w->tc == NULL)
		return;
	tls_client_close(w->tc);
	w->tc = NULL;
	evbuffer_drain(w->in, evbuffer_get_length(w->in));
	w->lost_at = crash_now();
}

/* Sends one request.  0, or -1 with *cause (the connection failed). */
static int
crash_send(struct crash_writer *w, Samen__V1__Request *req, uint64_t *idp,
    char **cause)
{
	Samen__V1__Frame f = SAMEN__V1__FRAME__INIT;
	struct evbuffer *b;
	int rv;

	if ((b = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	f.id = ++w->next_id;
	f.body_case = SAMEN__V1__FRAME__BODY_REQUEST;
	f.request = req;
	if (frame_append(b, &f, SIZE_MAX) == -1)
		fatalx("a request does not pack");
	rv = tls_client_write(w->tc, evbuffer_pullup(b, -1),
	    evbuffer_get_length(b), cause);
	evbuffer_free(b);
	*idp = f.id;
	return rv;
}

/*
 * Reads the response to frame want.  0 with *out (free with frame_free),
 * or -1 with *cause when the connection failed.  A bad frame or an
 * answer out of order exits 1.
 */
static int
crash_recv(struct crash_writer *w, uint64_t want, Samen__V1__Frame **out,
    char **cause)
{
	Samen__V1__Frame *f;
	char buf[65536];
	ssize_t n;

	for (;;) {
		switch (frame_cut(w->in, CRASH_MAX_FRAME, &f, NULL)) {
		case FRAME_OK:
			if (f->body_case != SAMEN__V1__FRAME__BODY_RESPONSE ||
			    f->response->status == NULL || f->id != want)
				fatalx("%s: frame %llu is not the response to "
				    "frame %llu", w->name,
				    (unsigned long long)f->id,
				    (unsigned long long)want);
			*out = f;
			return 0;
		case FRAME_AGAIN:
			break;
		default:
			fatalx("%s: the server sent a bad frame", w->name);
		}
		n = tls_client_read(w->tc, buf, sizeof(buf), cause);
		if (n == 0) {
			xasprintf(cause, "the server closed the connection");
			return -1;
		}
		if (n < 0)
			return -1;
		evbuffer_add(w->in, buf, (size_t)n);
	}
}

/*
 * Sends a request and reads its response.  0 with *out, or -1 when the
 * connection failed (it is dropped; the request is in doubt).
 */
static int
crash_call(struct crash_writer *w, Samen__V1__Request *req,
    Samen__V1__Frame **out)
{
	char *cause = NULL;
	uint64_t id;

	if (crash_send(w, req, &id, &cause) == -1 ||
	    crash_recv(w, id, out, &cause) == -1) {
		log_debug("%s: %s", w->name, cause);
		free(cause);
		crash_disconnect(w);
		return -1;
	}
	return 0;
}

/*
 * Connects and says hello, retrying every CRASH_RETRY_MS until it works
 * or the writer is done.  0 connected; -1 done.
 */
static int
crash_connect(struct crash_writer *w)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__HelloRequest h = SAMEN__V1__HELLO_REQUEST__INIT;
	Samen__V1__HelloResponse *hr;
	Samen__V1__Frame *f;
	char *cause = NULL;
	double gap;

	if (w->tc != NULL)
		return 0;
	while (w->tc == NULL) {
		if (crash_done(w))
			return -1;
		w->tc = tls_client_connect(w->host, w->port, &w->files,
		    CRASH_IO_TIMEOUT_MS, &cause);
		if (w->tc == NULL) {
			free(cause);
			cause = NULL;
			poll(NULL, 0, CRASH_RETRY_MS);
			continue;
		}
		h.protocol_version = 1;
		h.client_name = (char *)(uintptr_t)"crashwriter";
		req.body_case = SAMEN__V1__REQUEST__BODY_HELLO;
		req.hello = &h;
		if (crash_call(w, &req, &f) == -1)
			continue;
		if (f->response->status->code != SAMEN__V1__STATUS__CODE__OK ||
		    f->response->body_case != SAMEN__V1__RESPONSE__BODY_HELLO)
			fatalx("%s: hello answered %s: %s", w->name,
			    crash_code_name(f->response->status->code),
			    f->response->status->message);
		hr = f->response->hello;
		w->admin = hr->principal->role == SAMEN__V1__ROLE__ADMIN;
		snprintf(w->council, sizeof(w->council), "%s", w->admin ?
		    CRASH_ADMIN_COUNCIL : hr->principal->municipality);
		frame_free(f);
	}
	w->connections++;
	if (w->lost_at != 0) {
		gap = crash_now() - w->lost_at;
		if (gap > w->longest_gap)
			w->longest_gap = gap;
		w->lost_at = 0;
	}
	return 0;
}

/* Exits 1: the daemon answered a write with status st. */
static void __attribute__((noreturn))
crash_unexpected(struct crash_writer *w, const char *what,
    const Samen__V1__Status *st)
{
	fatalx("%s: %s answered %s: %s", w->name, what,
	    crash_code_name(st->code), st->message);
}

/*
 * Handles a CONFLICT on an entity this writer knows at *rev, with *doubt
 * set when a change of it is in doubt: takes the current rev over.  The
 * current rev must not be below the acknowledged one, and without doubt
 * there must be no conflict at all (*rev 0: not known yet, a conflict is
 * how it is learnt).
 */
static void
crash_conflict(struct crash_writer *w, const char *what, uint64_t *rev,
    int *doubt, const Samen__V1__Response *r)
{
	if (r->current == NULL)
		fatalx("%s: %s: CONFLICT without the current entity", w->name,
		    what);
	if (r->current->rev < *rev)
		fatalx("%s: %s is at rev %llu, below the acknowledged rev "
		    "%llu: an acknowledged write is lost", w->name, what,
		    (unsigned long long)r->current->rev,
		    (unsigned long long)*rev);
	if (*rev != 0 && !*doubt)
		fatalx("%s: %s: CONFLICT (now rev %llu) though every write of "
		    "it was answered (last at rev %llu): %s", w->name, what,
		    (unsigned long long)r->current->rev,
		    (unsigned long long)*rev, r->status->message);
	if (*rev != 0)
		w->conflicts++;
	*rev = r->current->rev;
	*doubt = 0;
}

/* Sends a put of an agenda item (id NULL: a new one). */
static enum crash_outcome
crash_put_item(struct crash_writer *w, struct crash_item *it,
    const char *title, Samen__V1__Frame **out)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__PutRequest p = SAMEN__V1__PUT_REQUEST__INIT;
	Samen__V1__Entity e = SAMEN__V1__ENTITY__INIT;
	Samen__V1__AgendaItem a = SAMEN__V1__AGENDA_ITEM__INIT;

	a.title = (char *)(uintptr_t)title;
	a.description = (char *)(uintptr_t)"Written while samend is killed "
	    "at random moments.";
	a.theme = (char *)(uintptr_t)"crash";
	a.phase = SAMEN__V1__AGENDA_ITEM__PHASE__BEFORE_ELECTION;
	if (w->proposed_by != NULL)
		a.proposed_by = w->proposed_by;
	e.id = (char *)(uintptr_t)(it != NULL ? it->id : "");
	e.body_case = SAMEN__V1__ENTITY__BODY_AGENDA_ITEM;
	e.agenda_item = &a;
	p.entity = &e;
	p.expected_rev = it != NULL ? it->rev : 0;
	req.body_case = SAMEN__V1__REQUEST__BODY_PUT;
	req.put = &p;
	return crash_call(w, &req, out) == -1 ? CRASH_DOUBT : CRASH_OK;
}

/* The put's answer must hold the stored entity; exits 1 if not. */
static Samen__V1__Entity *
crash_stored(struct crash_writer *w, const char *what, Samen__V1__Frame *f)
{
	Samen__V1__Response *r = f->response;

	if (r->body_case != SAMEN__V1__RESPONSE__BODY_PUT ||
	    r->put->entity == NULL)
		fatalx("%s: %s answered OK without the stored entity", w->name,
		    what);
	return r->put->entity;
}

/* Creates an item. */
static enum crash_outcome
crash_add(struct crash_writer *w, unsigned long op)
{
	Samen__V1__Frame *f;
	Samen__V1__Entity *e;
	struct crash_item *it;
	char title[128];

	snprintf(title, sizeof(title), "%s #%lu.", w->name, op);
	if (crash_put_item(w, NULL, title, &f) == CRASH_DOUBT) {
		w->doubts++;
		return CRASH_DOUBT;
	}
	if (f->response->status->code != SAMEN__V1__STATUS__CODE__OK)
		crash_unexpected(w, "a new item", f->response->status);
	e = crash_stored(w, "a new item", f);
	crash_record(w, "item,%s,%llu,%s", e->id, (unsigned long long)e->rev,
	    title);
	if (w->proposed_by == NULL)
		w->proposed_by = xstrdup(e->agenda_item->proposed_by);
	if (w->nitems == w->capitems) {
		w->capitems = w->capitems ? w->capitems * 2 : 64;
		w->items = xreallocarray(w->items, w->capitems,
		    sizeof(*w->items));
	}
	it = &w->items[w->nitems++];
	memset(it, 0, sizeof(*it));
	it->id = xstrdup(e->id);
	it->created = it->rev = e->rev;
	frame_free(f);
	return CRASH_OK;
}

/* Changes an item's title at the rev last seen. */
static enum crash_outcome
crash_edit(struct crash_writer *w, struct crash_item *it, unsigned long op)
{
	Samen__V1__Frame *f;
	Samen__V1__Entity *e;
	char title[128];

	snprintf(title, sizeof(title), "%s #%lu.", w->name, op);
	if (crash_put_item(w, it, title, &f) == CRASH_DOUBT) {
		it->doubt = 1;
		w->doubts++;
		return CRASH_DOUBT;
	}
	switch (f->response->status->code) {
	case SAMEN__V1__STATUS__CODE__OK:
		e = crash_stored(w, it->id, f);
		if (e->rev <= it->rev)
			fatalx("%s: %s stored at rev %llu, not above %llu",
			    w->name, it->id, (unsigned long long)e->rev,
			    (unsigned long long)it->rev);
		crash_record(w, "edit,%s,%llu,%s", e->id,
		    (unsigned long long)e->rev, title);
		it->rev = e->rev;
		it->doubt = 0;
		frame_free(f);
		return CRASH_OK;
	case SAMEN__V1__STATUS__CODE__CONFLICT:
		crash_conflict(w, it->id, &it->rev, &it->doubt, f->response);
		frame_free(f);
		return CRASH_CONFLICT;
	default:
		crash_unexpected(w, it->id, f->response->status);
	}
}

/* Changes the writer's council's decision on an item. */
static enum crash_outcome
crash_decide(struct crash_writer *w, struct crash_item *it, unsigned long op)
{
	static const Samen__V1__Decision__State states[] = {
		SAMEN__V1__DECISION__STATE__SCHEDULED,
		SAMEN__V1__DECISION__STATE__ADOPTED,
		SAMEN__V1__DECISION__STATE__AMENDED,
		SAMEN__V1__DECISION__STATE__REJECTED,
	};
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__PutRequest p = SAMEN__V1__PUT_REQUEST__INIT;
	Samen__V1__Entity e = SAMEN__V1__ENTITY__INIT, *s;
	Samen__V1__Decision d = SAMEN__V1__DECISION__INIT;
	Samen__V1__Frame *f;
	char id[128], note[128];
	uint64_t was = it->drev;

	snprintf(id, sizeof(id), "%s/%s", it->id, w->council);
	snprintf(note, sizeof(note), "%s #%lu.", w->name, op);
	d.state = states[op % 4];
	d.note = note;
	e.id = id;
	e.body_case = SAMEN__V1__ENTITY__BODY_DECISION;
	e.decision = &d;
	p.entity = &e;
	p.expected_rev = it->drev;
	req.body_case = SAMEN__V1__REQUEST__BODY_PUT;
	req.put = &p;
	if (crash_call(w, &req, &f) == -1) {
		it->ddoubt = 1;
		w->doubts++;
		return CRASH_DOUBT;
	}
	switch (f->response->status->code) {
	case SAMEN__V1__STATUS__CODE__OK:
		s = crash_stored(w, id, f);
		if (s->rev <= it->drev)
			fatalx("%s: %s stored at rev %llu, not above %llu",
			    w->name, id, (unsigned long long)s->rev,
			    (unsigned long long)it->drev);
		crash_record(w, "decision,%s,%llu,%s", id,
		    (unsigned long long)s->rev, note);
		it->drev = s->rev;
		it->ddoubt = 0;
		frame_free(f);
		return CRASH_OK;
	case SAMEN__V1__STATUS__CODE__CONFLICT:
		/* A decision's rev is first learnt from a conflict. */
		crash_conflict(w, id, &it->drev, &it->ddoubt, f->response);
		frame_free(f);
		if (was == 0 && it->drev <= it->created)
			fatalx("%s: %s is at rev %llu, not after its item's "
			    "creation", w->name, id,
			    (unsigned long long)it->drev);
		return CRASH_CONFLICT;
	default:
		crash_unexpected(w, id, f->response->status);
	}
}

/*
 * Commits plan key NAME-pK (K: w->plans), or asks again for the key in
 * doubt.  The answer must be a committed plan of CRASH_PLAN_COUNT
 * meetings.
 */
static enum crash_outcome
crash_plan(struct crash_writer *w)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__PlanRequest pr = SAMEN__V1__PLAN_REQUEST__INIT;
	Samen__V1__PlanResponse *a;
	Samen__V1__Frame *f;
	uint32_t weekdays[] = { 1, 2, 3, 4, 5 };
	char *hosts[] = { (char *)(uintptr_t)CRASH_PLAN_HOST };
	char key[96], title[128], from[DATE_STRLEN], to[DATE_STRLEN];
	char ids[512];
	size_t i, off;

	if (!w->plan_doubt)
		w->plans++;
	snprintf(key, sizeof(key), "%s-p%lu", w->name, w->plans);
	snprintf(title, sizeof(title), "%s meeting {n}", key);
	if (date_add_days(CRASH_PLAN_FIRST, (int)(14 * (w->plans - 1)),
	    from) == -1 || date_add_days(from, 4, to) == -1)
		fatalx("%s: no window for plan %s", w->name, key);
	pr.count = CRASH_PLAN_COUNT;
	pr.title = title;
	pr.from = from;
	pr.to = to;
	pr.weekdays = weekdays;
	pr.n_weekdays = sizeof(weekdays) / sizeof(weekdays[0]);
	pr.gap = 1;
	pr.hosts = hosts;
	pr.n_hosts = 1;
	pr.key = key;
	pr.commit = 1;
	req.body_case = SAMEN__V1__REQUEST__BODY_PLAN;
	req.plan = &pr;
	if (crash_call(w, &req, &f) == -1) {
		w->plan_doubt = 1;
		w->doubts++;
		return CRASH_DOUBT;
	}
	if (f->response->status->code != SAMEN__V1__STATUS__CODE__OK)
		crash_unexpected(w, key, f->response->status);
	if (f->response->body_case != SAMEN__V1__RESPONSE__BODY_PLAN)
		fatalx("%s: plan %s answered OK without a plan", w->name, key);
	a = f->response->plan;
	if (!a->committed || a->n_proposal != CRASH_PLAN_COUNT)
		fatalx("%s: plan %s not committed: %u of %u fit (%s)", w->name,
		    key, a->fit, a->count, a->binding);
	if (a->replayed && !w->plan_doubt)
		fatalx("%s: plan %s says replayed, but this writer never "
		    "asked for it before", w->name, key);
	for (i = 0, off = 0; i < a->n_proposal; i++) {
		if (*a->proposal[i]->id == '\0')
			fatalx("%s: plan %s committed without meeting ids",
			    w->name, key);
		off += (size_t)snprintf(ids + off, sizeof(ids) - off, "%s%s",
		    i ? " " : "", a->proposal[i]->id);
		if (off >= sizeof(ids))
			fatalx("%s: plan %s: too many ids", w->name, key);
	}
	crash_record(w, "plan,%s,%llu,%s", key,
	    (unsigned long long)a->plan_rev, ids);
	w->plan_doubt = 0;
	frame_free(f);
	return CRASH_OK;
}

/* One operation, chosen by its number; a plan in doubt goes first. */
static void
crash_op(struct crash_writer *w, unsigned long op)
{
	struct crash_item *it;

	if (w->plan_doubt || (w->admin && op % CRASH_PLAN_EVERY ==
	    CRASH_PLAN_EVERY - 1)) {
		crash_plan(w);
		return;
	}
	if (w->nitems == 0 || op % 3 == 0) {
		crash_add(w, op);
		return;
	}
	/* Mostly the newest items, sometimes an old one. */
	if (rand_r(&w->seed) % 4 == 0)
		it = &w->items[(size_t)rand_r(&w->seed) % w->nitems];
	else
		it = &w->items[w->nitems - 1 - (size_t)rand_r(&w->seed) %
		    (w->nitems < 4 ? w->nitems : 4)];
	if (op % 3 == 1) {
		/* An edit in doubt is settled before anything else. */
		while (crash_edit(w, it, op) == CRASH_CONFLICT)
			;
	} else {
		while (crash_decide(w, it, op) == CRASH_CONFLICT)
			;
	}
}

/* A number of seconds from the command line; exits 64 if not. */
static double
crash_seconds(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < 1 ||
	    v > CRASH_MAX_SECONDS) {
		fprintf(stderr, "crashwriter: SECONDS '%s' is not a number "
		    "from 1 to %d\n", s, CRASH_MAX_SECONDS);
		exit(64);
	}
	return (double)v;
}

/* Parses the arguments, then writes until told to stop. */
int
main(int argc, char **argv)
{
	struct crash_writer w;
	const char *colon, *p;
	unsigned long op;
	size_t i;

	log_init("crashwriter", LOG_LEVEL_WARN);
	signal(SIGPIPE, SIG_IGN);
	if (argc != 9 || (colon = strrchr(argv[1], ':')) == NULL ||
	    colon == argv[1]) {
		fprintf(stderr, "usage: crashwriter HOST:PORT CA CERT KEY NAME "
		    "RECORD STOPFILE SECONDS\n");
		return 64;
	}
	memset(&w, 0, sizeof(w));
	w.host = xstrndup(argv[1], (size_t)(colon - argv[1]));
	w.port = xstrdup(colon + 1);
	w.files.ca = argv[2];
	w.files.cert = argv[3];
	w.files.key = argv[4];
	w.files.crl = NULL;
	w.name = argv[5];
	if ((w.record = open(argv[6], O_WRONLY | O_CREAT | O_APPEND |
	    O_CLOEXEC, 0644)) == -1)
		fatal("%s", argv[6]);
	w.stopfile = argv[7];
	w.deadline = crash_now() + crash_seconds(argv[8]);
	w.seed = (unsigned int)getpid();
	for (p = w.name; *p != '\0'; p++)
		w.seed = w.seed * 31 + (unsigned char)*p;
	if ((w.in = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");

	for (op = 0; op < CRASH_MAX_OPS && !crash_done(&w); op++) {
		if (crash_connect(&w) == -1)
			break;
		crash_op(&w, op);
	}
	crash_disconnect(&w);
	close(w.record);
	printf("crashwriter %s: %lu acknowledged, %lu in doubt, %lu conflicts "
	    "taken over, %lu connections, longest without one %.3f s\n",
	    w.name, w.acked, w.doubts, w.conflicts, w.connections,
	    w.longest_gap);

	for (i = 0; i < w.nitems; i++)
		free(w.items[i].id);
	free(w.items);
	free(w.proposed_by);
	free(w.host);
	free(w.port);
	evbuffer_free(w.in);
	return 0;
}
