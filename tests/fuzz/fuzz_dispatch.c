/*
 * libFuzzer target: requests through the daemon's own read path (frame
 * cutting, the hold behind a pending write, dispatch_request, the
 * handlers, the group commit) against a throw-away region, as an admin,
 * a member or an observer.
 *
 * Input: one byte picks the principal (see fuzz_principal); the rest is
 * one or more serialized samen.v1.Request messages separated by
 * FUZZ_SEP.  Each is wrapped here in a Frame with ids 1, 2, ... and its
 * length, so a mutated request never breaks the framing, and all are
 * queued at once, as pipelined requests arrive in one read.  A part that
 * does not unpack is what a client's garbage is: the connection closes.
 *
 * The region lives in a directory made with mkdtemp under $TMPDIR, made
 * once per process and removed at exit.  Every FUZZ_RESET_EVERY inputs
 * (environment, default 200) the database is replaced by a copy of the
 * one made at the start, so it does not grow without bound.  With
 * FUZZ_DEBUG set the daemon logs at debug level: each request and its
 * answer.
 *
 * Checks, beyond the sanitizers and "the daemon never dies on input"
 * (fatal() exits, which libFuzzer reports): every response decodes;
 * requests are answered in order, each once while the connection stays
 * open; a watcher cut off is told so with its watch's id; no write is
 * left pending after the commit; an observer changes nothing.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "samend.h"
#include "xmalloc.h"

#define FUZZ_SEP		"--SAMEN--"
#define FUZZ_MAX_REQUESTS	16
#define FUZZ_REGION		"Regio Leiden"
#define FUZZ_TZ			"Europe/Amsterdam"
#define FUZZ_WATCH_BUFFER	4096	/* the least samend.conf allows */
#define FUZZ_SYNC_PAGE		16

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char *const fuzz_members[] = {
	(char *)(uintptr_t)"leiden=Leiden",
	(char *)(uintptr_t)"leiderdorp=Leiderdorp",
	(char *)(uintptr_t)"oegstgeest=Oegstgeest",
	(char *)(uintptr_t)"voorschoten=Voorschoten",
	(char *)(uintptr_t)"zoeterwoude=Zoeterwoude",
};
#define FUZZ_NMEMBERS	(sizeof(fuzz_members) / sizeof(fuzz_members[0]))

/* Member and observer certificates name one of these: a certificate of
 * a municipality outside the region is refused at connect
 * (conn_admissible), before any request. */
static const char *const fuzz_munis[] = {
	"leiden", "leiderdorp", "oegstgeest", "voorschoten", "zoeterwoude",
};
#define FUZZ_NMUNIS	(sizeof(fuzz_munis) / sizeof(fuzz_munis[0]))

static char		 fuzz_dir[4096];
static char		*fuzz_db;
static char		*fuzz_template;
static struct server	 srv;
static struct conn	*conn;
static int		 fuzz_sock[2] = { -1, -1 };
static unsigned long	 fuzz_inputs;
static unsigned long	 fuzz_reset_every = 200;

/* The harness itself failed: no input is to blame. */
static void
fuzz_die(const char *what, const char *cause)
{
	fprintf(stderr, "fuzz_dispatch: %s%s%s\n", what, cause ? ": " : "",
	    cause ? cause : "");
	exit(2);
}

/* A broken promise of the daemon: report and crash, so it is kept. */
static void
fuzz_fail(const char *what, unsigned long long a, unsigned long long b)
{
	fprintf(stderr, "fuzz_dispatch: %s (%llu, %llu)\n", what, a, b);
	abort();
}

/* nftw callback: removes one file or (emptied) directory. */
static int
fuzz_rm_one(const char *path, const struct stat *sb, int type,
    struct FTW *ftw)
{
	(void)sb;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

/* Copies the file from to the file to; -1 on error. */
static int
fuzz_copy(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n;
	int in, out, rv = 0;

	if ((in = open(from, O_RDONLY)) == -1)
		return -1;
	if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n) {
			rv = -1;
			break;
		}
	}
	if (n == -1)
		rv = -1;
	close(in);
	if (close(out) == -1)
		rv = -1;
	return rv;
}

/* Opens the server's two stores on the database. */
static void
fuzz_open_stores(void)
{
	char *cause = NULL;

	if ((srv.store = store_open(fuzz_db, STORE_OPEN, &cause)) == NULL ||
	    (srv.rstore = store_open(fuzz_db, STORE_OPEN, &cause)) == NULL)
		fuzz_die("store_open", cause);
	srv.committed_rev = store_rev(srv.store);
}

/* Puts a fresh copy of the template database in place. */
static void
fuzz_reset(void)
{
	const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	char path[4200];
	size_t i;

	commit_flush(&srv);
	store_close(srv.rstore);
	store_close(srv.store);
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", fuzz_db, suffixes[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/backups", fuzz_dir);
	nftw(path, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (fuzz_copy(fuzz_template, fuzz_db) == -1)
		fuzz_die("copying the template database", strerror(errno));
	fuzz_open_stores();
}

/*
 * At exit: removes the directory.  The stores stay open: exit may come
 * from inside a request (a fatal() that libFuzzer reports), where
 * closing them would only cloud the report.
 */
static void
fuzz_cleanup(void)
{
	if (fuzz_dir[0] == '\0')
		return;
	nftw(fuzz_dir, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	fuzz_dir[0] = '\0';
}

/* The connection's timer: idle and close timeouts.  Nothing to do. */
static void
fuzz_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
}

/* The region, its template copy, the server and one connection. */
static void
fuzz_setup(void)
{
	struct bufferevent *pair[2];
	const char *tmp = getenv("TMPDIR");
	char path[4200], election[16], *cause = NULL, *e;
	struct store *st;
	FILE *fp;

	log_init("fuzz_dispatch", getenv("FUZZ_DEBUG") != NULL ?
	    LOG_LEVEL_DEBUG : LOG_LEVEL_WARN);
	if ((e = getenv("FUZZ_RESET_EVERY")) != NULL && atol(e) > 0)
		fuzz_reset_every = (unsigned long)atol(e);
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/samen-fuzz-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(fuzz_dir) == NULL)
		fuzz_die("mkdtemp", strerror(errno));
	atexit(fuzz_cleanup);

	/*
	 * The defaults, but for the state directory and limits small enough
	 * for one input to reach: a watcher's queue, a sync page.
	 */
	snprintf(path, sizeof(path), "%s/samend.conf", fuzz_dir);
	if ((fp = fopen(path, "w")) == NULL)
		fuzz_die(path, strerror(errno));
	fprintf(fp, "[server]\nstate_dir = %s\n[limits]\nwatch_buffer = %d\n"
	    "sync_page = %d\n", fuzz_dir, FUZZ_WATCH_BUFFER, FUZZ_SYNC_PAGE);
	fclose(fp);
	srv.cfg = xcalloc(1, sizeof(*srv.cfg));
	if (config_load(path, srv.cfg, &cause) == -1)
		fuzz_die("config_load", cause);

	/* What `samend init` makes, less the PKI. */
	fuzz_db = store_path(fuzz_dir);
	xasprintf(&fuzz_template, "%s/template.db", fuzz_dir);
	if (region_election_date(2030, election, sizeof(election)) == -1)
		fuzz_die("region_election_date", NULL);
	if ((st = store_open(fuzz_db, STORE_CREATE, &cause)) == NULL ||
	    region_init(st, FUZZ_REGION, election, FUZZ_TZ, fuzz_members,
	    FUZZ_NMEMBERS, &cause) == -1 ||
	    store_checkpoint(st, &cause) == -1)
		fuzz_die("region_init", cause);
	store_close(st);
	if (fuzz_copy(fuzz_db, fuzz_template) == -1)
		fuzz_die("copying the database", strerror(errno));

	/* The server as server_start leaves it, without TLS or listener. */
	TAILQ_INIT(&srv.conns);
	TAILQ_INIT(&srv.lingering);
	srv.started = time(NULL);
	srv.lock = -1;
	srv.region_name = xstrdup(FUZZ_REGION);
	srv.time_zone = xstrdup(FUZZ_TZ);
	fuzz_open_stores();
	if ((srv.base = event_base_new()) == NULL ||
	    event_base_priority_init(srv.base, 3) == -1 ||
	    commit_init(&srv) == -1)
		fuzz_die("the event loop", NULL);

	/*
	 * One connection.  Its bufferevent is one end of a pair whose other
	 * end never reads: the responses collect in its output, as for a
	 * client that reads only after the turn, and are read here after
	 * each input.  Its socket (watch sets SO_SNDBUF on it) is one end of
	 * a socketpair.
	 */
	if (bufferevent_pair_new(srv.base, 0, pair) == -1)
		fuzz_die("bufferevent_pair_new", NULL);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fuzz_sock) == -1)
		fuzz_die("socketpair", strerror(errno));
	conn = xcalloc(1, sizeof(*conn));
	conn->bev = pair[0];
	conn->fd = fuzz_sock[0];
	if ((conn->timer = evtimer_new(srv.base, fuzz_timer_cb, conn)) ==
	    NULL)
		fuzz_die("evtimer_new", NULL);
	TAILQ_INSERT_TAIL(&srv.conns, conn, entry);
	srv.nconns = 1;
	srv.accepted_total = 1;
}

/*
 * Makes the connection new, verified and ready, as after a handshake:
 * every field zero as conn_accept's xcalloc leaves it (the request
 * budget full, no watch, nothing held) but its bufferevent, timer and
 * socket, which are reused.
 */
static void
fuzz_conn_fresh(void)
{
	struct bufferevent *bev = conn->bev;
	struct event *timer = conn->timer;
	int fd = conn->fd;
	struct evbuffer *in = bufferevent_get_input(bev);

	frame_free(conn->held);
	TAILQ_REMOVE(&srv.conns, conn, entry);
	memset(conn, 0, sizeof(*conn));
	conn->srv = &srv;
	conn->id = ++srv.next_conn_id;
	conn->state = CONN_READY;
	conn->bev = bev;
	conn->timer = timer;
	conn->fd = fd;
	snprintf(conn->peer, sizeof(conn->peer), "fuzz");
	TAILQ_INSERT_TAIL(&srv.conns, conn, entry);
	evtimer_del(timer);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	/*
	 * A bufferevent's input takes bytes only from its transport, and its
	 * output gives them only to it; here the harness is the transport.
	 */
	evbuffer_unfreeze(in, 0);
	evbuffer_unfreeze(bufferevent_get_output(bev), 1);
	evbuffer_drain(in, evbuffer_get_length(in));
}

/*
 * The principal of one input, from its first byte b: b % 3 is the role
 * (admin, member, observer); a member or observer belongs to
 * fuzz_munis[(b / 3) % 5]; with the high bit set the connection has not
 * said hello yet.
 */
static void
fuzz_principal(uint8_t b)
{
	struct tls_principal *p = &conn->who;

	memset(p, 0, sizeof(*p));
	switch (b % 3) {
	case 0:
		p->role = TLS_ROLE_ADMIN;
		snprintf(p->name, sizeof(p->name), "secretariaat");
		snprintf(p->municipality, sizeof(p->municipality), "%s",
		    TLS_REGION_ORG);
		break;
	case 1:
		p->role = TLS_ROLE_MEMBER;
		snprintf(p->name, sizeof(p->name), "griffie");
		snprintf(p->municipality, sizeof(p->municipality), "%s",
		    fuzz_munis[(b / 3) % FUZZ_NMUNIS]);
		break;
	default:
		p->role = TLS_ROLE_OBSERVER;
		snprintf(p->name, sizeof(p->name), "klankbord");
		snprintf(p->municipality, sizeof(p->municipality), "%s",
		    fuzz_munis[(b / 3) % FUZZ_NMUNIS]);
		break;
	}
	conn->greeted = (b & 0x80) == 0;
}

/* Appends a varint to b. */
static void
fuzz_varint(struct evbuffer *b, uint64_t v)
{
	uint8_t buf[10];
	size_t n = 0;

	do {
		buf[n] = v & 0x7f;
		v >>= 7;
		if (v != 0)
			buf[n] |= 0x80;
		n++;
	} while (v != 0);
	evbuffer_add(b, buf, n);
}

/*
 * Queues request bytes p..p+n as the body of a Frame with this id: field
 * 1 (id, varint), field 2 (request, length-delimited), length first.
 */
static void
fuzz_queue(struct evbuffer *in, uint64_t id, const uint8_t *p, size_t n)
{
	struct evbuffer *f;
	uint32_t be;

	if ((f = evbuffer_new()) == NULL)
		fuzz_die("evbuffer_new", NULL);
	evbuffer_add(f, "\x08", 1);
	fuzz_varint(f, id);
	evbuffer_add(f, "\x12", 1);
	fuzz_varint(f, n);
	evbuffer_add(f, p, n);
	be = htonl((uint32_t)evbuffer_get_length(f));
	evbuffer_add(in, &be, sizeof(be));
	evbuffer_add_buffer(in, f);
	evbuffer_free(f);
}

/* What the client has read so far of one input's answers. */
struct fuzz_seen {
	uint64_t	nreq;		/* requests sent */
	uint64_t	last;		/* the last answered */
	uint64_t	answered;
	uint64_t	watch;		/* the id events came with */
};

/*
 * Reads every frame the connection was sent, as its client would, and
 * checks it: a response or an event that decodes; responses to requests
 * in order, none to a request that was not made; a watcher cut off for
 * falling behind told so with the id of its watch.
 */
static void
fuzz_read_output(struct fuzz_seen *seen)
{
	struct evbuffer *out = bufferevent_get_output(conn->bev);
	Samen__V1__Frame *f;
	Samen__V1__Status *st;
	enum frame_result r;

	while (evbuffer_get_length(out) > 0) {
		r = frame_cut(out, SIZE_MAX, &f, NULL);
		if (r != FRAME_OK)
			fuzz_fail("the daemon sent a frame that does not "
			    "decode", (unsigned long long)r,
			    evbuffer_get_length(out));
		if (f->body_case == SAMEN__V1__FRAME__BODY_EVENT) {
			seen->watch = f->id;
			frame_free(f);
			continue;
		}
		if (f->body_case != SAMEN__V1__FRAME__BODY_RESPONSE ||
		    (st = f->response->status) == NULL)
			fuzz_fail("the daemon sent a frame that is not a "
			    "response with a status", f->body_case, 0);
		if (st->code == SAMEN__V1__STATUS__CODE__RESOURCE_EXHAUSTED &&
		    strstr(st->message, "watch_buffer") != NULL &&
		    seen->watch != 0) {
			/* A watcher cut off, after its events. */
			if (f->id != seen->watch)
				fuzz_fail("a watcher cut off is not told with "
				    "the id of its watch", f->id, seen->watch);
		} else if (f->id != 0) {
			/* Id 0: the connection's last words. */
			if (f->id <= seen->last || f->id > seen->nreq)
				fuzz_fail("a response out of order or to no "
				    "request", f->id, seen->last);
			seen->last = f->id;
			seen->answered++;
		}
		frame_free(f);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evbuffer *in;
	struct fuzz_seen seen;
	const uint8_t *p, *end, *sep;
	uint64_t nreq = 0, rev;
	size_t seplen = strlen(FUZZ_SEP), i;

	if (size < 1)
		return 0;
	if (++fuzz_inputs % fuzz_reset_every == 0)
		fuzz_reset();

	fuzz_conn_fresh();
	fuzz_principal(data[0]);
	in = bufferevent_get_input(conn->bev);
	p = data + 1;
	end = data + size;
	while (nreq < FUZZ_MAX_REQUESTS) {
		sep = memmem(p, (size_t)(end - p), FUZZ_SEP, seplen);
		fuzz_queue(in, ++nreq, p, (size_t)((sep ? sep : end) - p));
		if (sep == NULL)
			break;
		p = sep + seplen;
	}

	/*
	 * Turns of the loop: the connection reads, the batch commits (its
	 * writers' answers go out and their connections read on), the
	 * client reads what it was sent, and a connection that stopped
	 * reading until then (too much unread output) reads on, as its
	 * write callback would let it.  Each turn answers a request or more.
	 */
	memset(&seen, 0, sizeof(seen));
	seen.nreq = nreq;
	rev = store_rev(srv.store);
	conn_resume(conn);
	for (i = 0; i <= 2 * nreq; i++) {
		commit_flush(&srv);
		fuzz_read_output(&seen);
		if (conn->throttled && (conn->state == CONN_READY ||
		    conn->state == CONN_WATCHING)) {
			conn->throttled = 0;
			bufferevent_enable(conn->bev, EV_READ);
			conn_resume(conn);
		}
	}
	event_base_loop(srv.base, EVLOOP_NONBLOCK);
	fuzz_read_output(&seen);
	if (conn->pending != 0)
		fuzz_fail("a write is still pending after the commit",
		    conn->pending, 0);
	if (conn->who.role == TLS_ROLE_OBSERVER &&
	    store_rev(srv.store) != rev)
		fuzz_fail("an observer changed something", rev,
		    store_rev(srv.store));
	if (conn->state != CONN_CLOSING && seen.answered != nreq)
		fuzz_fail("a request went unanswered on an open connection",
		    seen.answered, nreq);
	return 0;
}
