/*
 * samen-load: load for a running samend over mutual TLS, on one libevent
 * loop (bufferevent_openssl), with the project's own framing and
 * messages.
 *
 *	samen-load [options] HOST:PORT WORKLOAD
 *	samen-load ready RUNS -- SAMEND [ARGS...]
 *
 * Workloads:
 *	hello		hello after hello on C established connections, P in
 *			flight on each: the wire floor
 *	sync		sync of a small delta (since_rev = the rev hello
 *			answered - 10)
 *	put		durable agenda edits: each of the P slots of a
 *			connection edits its own item (made during the set-up)
 *			at the rev it last got back; an answer other than OK
 *			(CONFLICT above all) is an error
 *	watch		C watchers (watch from the current rev) and one writer
 *			that edits its item every -i ms: per write, the time
 *			from its answer until the last watcher has the event
 *	handshake	C connections at a time, each: TCP connect, full TLS
 *			handshake, hello, close; --resume offers the session
 *			ticket of the slot's previous connection
 *	idle		C connections with a hello each, then nothing for D
 *			seconds or until SIGTERM (for the daemon's memory per
 *			idle connection)
 *
 * ready RUNS -- SAMEND ... starts the daemon RUNS times, each with
 * NOTIFY_SOCKET set to a socket of ours and its stderr on a pipe, and
 * measures from just before the exec to its "listening on" log line and
 * to READY=1; after each start it stops the daemon (SIGTERM, at most
 * 10 s, then SIGKILL).
 *
 * Options:
 *	--bundle FILE	a bundle from `samend pki issue`, split as `samen
 *			setup` does (into a private temporary directory)
 *	--ca FILE --cert FILE --key FILE	or the PEM files themselves
 *	-c C		connections (watch: watchers), default 50
 *	-p P		requests in flight per connection, default 1
 *	-d D		seconds of measurement, default 10
 *	-r R		connections in set-up at once, default 64
 *	-i MS		watch: milliseconds between writes, default 100
 *	-n N		at most N requests (connections for handshake) in all
 *	--resume	handshake: resume sessions from tickets
 *	--name NAME	prefix of the figures (default: the workload)
 *
 * Prints one figure a line, "name value unit" (rates, counts, latency
 * percentiles in ms); lines starting with '#' are notes.  Exit 0; 1 when
 * the run could not be made (a set-up that fails, every connection
 * lost); 64 for usage.
 *
 * This is the one file outside common/tls.c and daemon/pki.c that
 * includes OpenSSL: a load generator needs non-blocking connections and
 * client-side session resumption, which the blocking client of
 * common/tls.c does not offer.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
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
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/bufferevent_struct.h>
#include <event2/event.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "frame.h"
#include "log.h"
#include "tls.h"
#include "xmalloc.h"

#define LOAD_MAX_CONNS		100000
#define LOAD_MAX_INFLIGHT	1024
#define LOAD_MAX_SECONDS	3600
#define LOAD_MAX_RAMP		10000
#define LOAD_MAX_REQUESTS	10000000000ULL
#define LOAD_MAX_IN_FRAME	(64 * 1024 * 1024)
#define LOAD_IO_TIMEOUT		30	/* seconds without an answer */
#define LOAD_CONNECT_TIMEOUT	10	/* seconds for a TCP connect */
#define LOAD_MAX_ERRORS		100000	/* the run stops past these */
#define LOAD_WATCH_GRACE	5.0	/* seconds for the last events */
#define LOAD_WATCH_MAX_WRITES	100000
#define LOAD_WATCH_TABLE	(1 << 18)	/* > 2 x the writes */
#define LOAD_DESC_LEN		120
#define READY_MAX_RUNS		1000
#define READY_TIMEOUT		10.0	/* seconds for one start */

/* Latency histogram: 64 linear steps per power of two, in ns. */
#define HIST_SUB_BITS		6
#define HIST_SUB		(1 << HIST_SUB_BITS)
#define HIST_BUCKETS		((64 - HIST_SUB_BITS + 1) * HIST_SUB)

enum load_mode {
	MODE_HELLO,
	MODE_SYNC,
	MODE_PUT,
	MODE_WATCH,
	MODE_HANDSHAKE,
	MODE_IDLE,
};

static const char *const load_mode_names[] = {
	"hello", "sync", "put", "watch", "handshake", "idle",
};

enum lc_state {
	LC_FREE,	/* no connection (handshake: between two) */
	LC_CONNECTING,	/* TCP connect under way */
	LC_TLS,		/* TLS handshake under way */
	LC_HELLO,	/* hello sent */
	LC_SETUP,	/* put: items being made; watch: watch sent */
	LC_READY,	/* set up, waiting for the others */
	LC_RUNNING,	/* measured requests */
	LC_WATCHING,	/* a watcher, receiving events */
	LC_DONE,	/* closed for good */
};

/* A request in flight: answers come in order, so a FIFO. */
struct load_flight {
	uint64_t	 id;
	double		 t;
	int		 slot;
};

/* An agenda item a put slot (or the watch writer) edits. */
struct load_item {
	char		*id;
	char		*proposed_by;
	uint64_t	 rev;
	unsigned long long edits;
};

struct load;

struct load_conn {
	struct load		*ld;
	int			 index;
	enum lc_state		 state;
	int			 fd;
	struct event		*cev;		/* connect completion */
	struct bufferevent	*bev;
	SSL			*ssl;
	SSL_SESSION		*sess;		/* handshake --resume */
	double			 t_start;	/* handshake: connect began */
	uint64_t		 next_id;
	uint64_t		 rev;		/* hello's answer */
	struct load_flight	*fl;		/* ring of ld->inflight */
	unsigned int		 head, count;
	struct load_item	*items;		/* put: ld->inflight */
	int			 made;		/* put: items made */
	int			 writer;	/* watch: the writer */
};

struct load_hist {
	uint64_t	 n;
	uint64_t	 max;
	uint64_t	 b[HIST_BUCKETS];
};

/* One write of the watch workload. */
struct load_write {
	uint64_t	 rev;
	double		 t_send;
	double		 t_answer;
};

/* Arrivals of one rev at the watchers. */
struct load_seen {
	uint64_t	 rev;		/* 0: empty */
	unsigned int	 n;
	double		 t_first;
	double		 t_last;
};

struct load {
	enum load_mode		 mode;
	const char		*name;
	struct event_base	*base;
	SSL_CTX			*ctx;
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;
	char			*host;
	int			 host_is_ip;
	int			 nconns;	/* without the watch writer */
	int			 ntotal;	/* with it */
	int			 inflight;
	int			 seconds;
	int			 ramp;
	int			 interval_ms;
	int			 resume;
	unsigned long long	 max_requests;
	struct load_conn	*conns;

	/* set-up */
	int			 next_setup;
	int			 nready;
	double			 t_setup;
	struct event		*setup_timer;

	/* the run */
	int			 running;
	int			 stopping;
	double			 t0, deadline, t_last;
	struct event		*timer;
	struct event		*sig_int, *sig_term;
	int			 interrupted;
	int			 failed;

	/* results */
	unsigned long long	 sent, done, errors, conflicts, lost;
	unsigned long long	 resumed, full, changes;
	unsigned long long	 handshake_errors;
	struct load_hist	 hist;
	char			*first_error;

	/* watch */
	struct load_write	*writes;
	size_t			 nwrites;
	int			 writing;	/* a write in flight */
	unsigned long long	 skipped;	/* ticks with one in flight */
	struct load_seen	*seen;
	struct event		*wtimer;
	double			 t_stop_writes;
};

/* Seconds on the monotonic clock. */
static double
load_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A number from the command line within [min, max]; exits 64 if not. */
static long long
load_number(const char *s, const char *what, long long min, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "samen-load: %s '%s' is not a number from "
		    "%lld to %lld\n", what, s, min, max);
		exit(64);
	}
	return v;
}

/* Bucket of a value in ns. */
static unsigned int
hist_index(uint64_t v)
{
	int e, shift;

	if (v < HIST_SUB)
		return (unsigned int)v;
	e = 63 - __builtin_clzll(v);
	shift = e - HIST_SUB_BITS;
	return (unsigned int)((shift + 1) * HIST_SUB +
	    (int)((v >> shift) & (HIST_SUB - 1)));
}

/* The middle of a bucket, in ns. */
static double
hist_value(unsigned int i)
{
	unsigned int shift, sub;

	if (i < HIST_SUB)
		return (double)i;
	shift = i / HIST_SUB - 1;
	sub = i % HIST_SUB;
	return ((double)(HIST_SUB + sub) + 0.5) * (double)(1ULL << shift);
}

/* Records one latency in seconds. */
static void
hist_add(struct load_hist *h, double secs)
{
	uint64_t ns = secs <= 0 ? 0 : (uint64_t)(secs * 1e9);

	h->b[hist_index(ns)]++;
	h->n++;
	if (ns > h->max)
		h->max = ns;
}

/* The q-quantile (0 < q <= 1) in ms; 0 when empty. */
static double
hist_quantile_ms(const struct load_hist *h, double q)
{
	uint64_t want, sum = 0;
	unsigned int i;

	if (h->n == 0)
		return 0;
	want = (uint64_t)((double)h->n * q);
	if ((double)want < (double)h->n * q)
		want++;
	if (want == 0)
		want = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		sum += h->b[i];
		if (sum >= want)
			return hist_value(i) / 1e6;
	}
	return (double)h->max / 1e6;
}

static void	load_error(struct load *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Counts an error and keeps the words of the first; too many end the run. */
static void
load_error(struct load *ld, const char *fmt, ...)
{
	va_list ap;

	ld->errors++;
	if (ld->first_error == NULL) {
		va_start(ap, fmt);
		if (vasprintf(&ld->first_error, fmt, ap) == -1)
			ld->first_error = NULL;
		va_end(ap);
	}
	if (ld->errors >= LOAD_MAX_ERRORS && !ld->failed) {
		ld->failed = 1;
		event_base_loopbreak(ld->base);
	}
}

/* The last OpenSSL error as words, or the socket's. */
static const char *
load_tls_error(struct bufferevent *bev, char *buf, size_t len)
{
	unsigned long e = bev != NULL ? bufferevent_get_openssl_error(bev) : 0;

	if (e == 0)
		e = ERR_get_error();
	if (e != 0) {
		ERR_error_string_n(e, buf, len);
		ERR_clear_error();
		return buf;
	}
	if (errno != 0)
		return strerror(errno);
	return "connection closed";
}

/* ---- sessions (handshake --resume) ---------------------------------- */

static int load_ssl_index = -1;

/* A new session ticket: the slot keeps the latest one. */
static int
load_new_session_cb(SSL *ssl, SSL_SESSION *sess)
{
	struct load_conn *lc = SSL_get_ex_data(ssl, load_ssl_index);

	if (lc == NULL)
		return 0;
	if (lc->sess != NULL)
		SSL_SESSION_free(lc->sess);
	lc->sess = sess;
	return 1;	/* we keep the reference */
}

/* The client context: our certificate and key, the region's CA. */
static SSL_CTX *
load_ctx(const struct tls_files *f, int resume)
{
	SSL_CTX *ctx;
	char buf[256];

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		fatalx("SSL_CTX_new failed");
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	/* Its own certificate alone, as the samen client sends it. */
	SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN);
	/* One read for what the socket holds (load_read_buffered). */
	SSL_CTX_set_read_ahead(ctx, 1);
	if (SSL_CTX_load_verify_locations(ctx, f->ca, NULL) != 1 ||
	    SSL_CTX_use_certificate_chain_file(ctx, f->cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, f->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
		fatalx("certificate files (%s, %s, %s): %s", f->ca, f->cert,
		    f->key, buf);
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	X509_VERIFY_PARAM_set_purpose(SSL_CTX_get0_param(ctx),
	    X509_PURPOSE_SSL_SERVER);
	load_ssl_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	if (resume) {
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT |
		    SSL_SESS_CACHE_NO_INTERNAL_STORE);
		SSL_CTX_sess_set_new_cb(ctx, load_new_session_cb);
	} else
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	return ctx;
}

/* ---- requests -------------------------------------------------------- */

/* Queues one request with the next frame id; it is in flight for slot. */
static void
load_send(struct load_conn *lc, Samen__V1__Request *req, int slot)
{
	struct load *ld = lc->ld;
	Samen__V1__Frame f = SAMEN__V1__FRAME__INIT;
	struct load_flight *fl;

	if (lc->count == (unsigned int)ld->inflight + 1)
		fatalx("conn %d: more than %d requests in flight", lc->index,
		    ld->inflight + 1);
	f.id = ++lc->next_id;
	f.body_case = SAMEN__V1__FRAME__BODY_REQUEST;
	f.request = req;
	if (frame_append(bufferevent_get_output(lc->bev), &f, SIZE_MAX) == -1)
		fatalx("a request does not pack");
	/* Written in this turn of the loop, as samend's conn_kick(). */
	event_active(&lc->bev->ev_write, EV_WRITE, 1);
	fl = &lc->fl[(lc->head + lc->count) % (unsigned int)(ld->inflight + 1)];
	fl->id = f.id;
	fl->t = load_now();
	fl->slot = slot;
	lc->count++;
}

/* hello. */
static void
load_send_hello(struct load_conn *lc)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__HelloRequest h = SAMEN__V1__HELLO_REQUEST__INIT;

	h.protocol_version = 1;
	h.client_name = (char *)(uintptr_t)"samen-load";
	req.body_case = SAMEN__V1__REQUEST__BODY_HELLO;
	req.hello = &h;
	load_send(lc, &req, -1);
}

/* sync from the rev hello answered, less 10. */
static void
load_send_sync(struct load_conn *lc)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__SyncRequest s = SAMEN__V1__SYNC_REQUEST__INIT;

	s.since_rev = lc->rev > 10 ? lc->rev - 10 : 0;
	s.compress = 1;		/* as the samen client asks */
	req.body_case = SAMEN__V1__REQUEST__BODY_SYNC;
	req.sync = &s;
	load_send(lc, &req, -1);
}

/* watch from the rev hello answered. */
static void
load_send_watch(struct load_conn *lc)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__WatchRequest w = SAMEN__V1__WATCH_REQUEST__INIT;

	w.since_rev = lc->rev;
	req.body_case = SAMEN__V1__REQUEST__BODY_WATCH;
	req.watch = &w;
	load_send(lc, &req, -1);
}

/*
 * A put of an agenda item for slot: item NULL or without an id makes a
 * new one; else an edit at the item's last rev, a ~120-byte description
 * that changes with every edit.
 */
static void
load_send_put(struct load_conn *lc, int slot, struct load_item *it)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__PutRequest p = SAMEN__V1__PUT_REQUEST__INIT;
	Samen__V1__Entity e = SAMEN__V1__ENTITY__INIT;
	Samen__V1__AgendaItem a = SAMEN__V1__AGENDA_ITEM__INIT;
	char title[64], desc[LOAD_DESC_LEN + 1];
	int n;

	snprintf(title, sizeof(title), "Load item %d.%d", lc->index, slot);
	n = snprintf(desc, sizeof(desc), "Edit %llu of a regional agenda "
	    "item under load: ", it != NULL ? it->edits : 0ULL);
	for (; n < LOAD_DESC_LEN; n++)
		desc[n] = (char)('a' + n % 26);
	desc[LOAD_DESC_LEN] = '\0';
	a.title = title;
	a.description = desc;
	a.phase = SAMEN__V1__AGENDA_ITEM__PHASE__BEFORE_ELECTION;
	e.id = (char *)(uintptr_t)"";
	if (it != NULL && it->id != NULL) {
		e.id = it->id;
		a.proposed_by = it->proposed_by;
		p.expected_rev = it->rev;
	}
	e.body_case = SAMEN__V1__ENTITY__BODY_AGENDA_ITEM;
	e.agenda_item = &a;
	p.entity = &e;
	req.body_case = SAMEN__V1__REQUEST__BODY_PUT;
	req.put = &p;
	load_send(lc, &req, slot);
}

/* The next measured request for slot. */
static void
load_send_next(struct load_conn *lc, int slot)
{
	struct load *ld = lc->ld;

	ld->sent++;
	switch (ld->mode) {
	case MODE_HELLO:
		load_send_hello(lc);
		break;
	case MODE_SYNC:
		load_send_sync(lc);
		break;
	case MODE_PUT:
		load_send_put(lc, slot, &lc->items[slot]);
		break;
	default:
		fatalx("load_send_next: mode %d", (int)ld->mode);
	}
}

/* ---- connections ----------------------------------------------------- */

static void	load_read_cb(struct bufferevent *, void *);
static void	load_event_cb(struct bufferevent *, short, void *);
static void	load_connect(struct load_conn *);
static void	load_setup_next(struct load *);
static void	load_start(struct load *);

/* Frees what a connection holds; it may connect again (handshake). */
static void
load_conn_close(struct load_conn *lc)
{
	if (lc->cev != NULL) {
		event_free(lc->cev);
		lc->cev = NULL;
	}
	if (lc->bev != NULL) {
		/* close_notify keeps the session resumable. */
		if (lc->ssl != NULL && SSL_is_init_finished(lc->ssl))
			SSL_shutdown(lc->ssl);
		bufferevent_free(lc->bev);	/* frees ssl, closes fd */
		lc->bev = NULL;
		lc->ssl = NULL;
		lc->fd = -1;
	}
	if (lc->ssl != NULL) {
		SSL_free(lc->ssl);
		lc->ssl = NULL;
	}
	if (lc->fd != -1) {
		close(lc->fd);
		lc->fd = -1;
	}
	lc->head = lc->count = 0;
	ERR_clear_error();
}

/* The measured window is over: the loop ends. */
static void
load_finish(struct load *ld)
{
	if (ld->stopping)
		return;
	ld->stopping = 1;
	event_base_loopbreak(ld->base);
}

/* In the handshake workload, the slot's next connection. */
static void
load_handshake_next(struct load_conn *lc)
{
	struct load *ld = lc->ld;

	load_conn_close(lc);
	lc->state = LC_FREE;
	if (ld->stopping || load_now() >= ld->deadline)
		return;
	if (ld->sent >= ld->max_requests) {
		if (ld->done + ld->handshake_errors >= ld->sent)
			load_finish(ld);
		return;
	}
	ld->sent++;
	load_connect(lc);
}

/*
 * A connection ended or failed.  During the set-up that ends the run
 * (except in the handshake workload, where it is an error and the slot
 * goes on); while running, it is counted as lost.
 */
static void
load_conn_lost(struct load_conn *lc, const char *why)
{
	struct load *ld = lc->ld;
	enum lc_state was = lc->state;

	if (ld->mode == MODE_HANDSHAKE) {
		ld->handshake_errors++;
		load_error(ld, "connection %d: %s", lc->index, why);
		load_handshake_next(lc);
		return;
	}
	load_conn_close(lc);
	lc->state = LC_DONE;
	if (was < LC_READY) {
		fprintf(stderr, "samen-load: connection %d of %d could not be "
		    "set up: %s\n", lc->index + 1, ld->ntotal, why);
		ld->failed = 1;
		event_base_loopbreak(ld->base);
		return;
	}
	if (ld->stopping)
		return;
	ld->lost++;
	load_error(ld, "connection %d lost: %s", lc->index, why);
	if (lc->writer || ld->lost == (unsigned long long)ld->ntotal) {
		fprintf(stderr, "samen-load: %s\n", lc->writer ? "the writer "
		    "lost its connection" : "every connection was lost");
		ld->failed = 1;
		event_base_loopbreak(ld->base);
	}
}

/* The TCP connection is up: start TLS on it. */
static void
load_tls_start(struct load_conn *lc)
{
	struct load *ld = lc->ld;
	struct timeval tv = { LOAD_IO_TIMEOUT, 0 };

	if ((lc->ssl = SSL_new(ld->ctx)) == NULL)
		fatalx("SSL_new failed");
	SSL_set_ex_data(lc->ssl, load_ssl_index, lc);
	if (ld->host_is_ip)
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(lc->ssl),
		    ld->host);
	else {
		SSL_set_tlsext_host_name(lc->ssl, ld->host);
		SSL_set1_host(lc->ssl, ld->host);
	}
	if (ld->resume && lc->sess != NULL)
		SSL_set_session(lc->ssl, lc->sess);
	lc->bev = bufferevent_openssl_socket_new(ld->base, lc->fd, lc->ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	if (lc->bev == NULL)
		fatalx("bufferevent_openssl_socket_new failed");
	bufferevent_openssl_set_allow_dirty_shutdown(lc->bev, 1);
	/* Buffers under 1 KiB, as samend reads (daemon/conn.c). */
	bufferevent_set_max_single_read(lc->bev, 896);
	bufferevent_setcb(lc->bev, load_read_cb, NULL, load_event_cb, lc);
	bufferevent_set_timeouts(lc->bev, &tv, NULL);
	bufferevent_enable(lc->bev, EV_READ | EV_WRITE);
	lc->state = LC_TLS;
}

/* A non-blocking connect finished (or timed out). */
static void
load_connected_cb(evutil_socket_t fd, short what, void *arg)
{
	struct load_conn *lc = arg;
	int err = 0;
	socklen_t len = sizeof(err);
	char why[128];

	event_free(lc->cev);
	lc->cev = NULL;
	if (what & EV_TIMEOUT)
		err = ETIMEDOUT;
	else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		snprintf(why, sizeof(why), "connect: %s", strerror(err));
		load_conn_lost(lc, why);
		return;
	}
	load_tls_start(lc);
}

/* Opens a TCP connection (non-blocking); TLS follows. */
static void
load_connect(struct load_conn *lc)
{
	struct load *ld = lc->ld;
	struct timeval tv = { LOAD_CONNECT_TIMEOUT, 0 };
	char why[128];
	int on = 1;

	lc->t_start = load_now();
	lc->state = LC_CONNECTING;
	lc->head = lc->count = 0;
	lc->fd = socket(ld->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (lc->fd == -1) {
		snprintf(why, sizeof(why), "socket: %s", strerror(errno));
		load_conn_lost(lc, why);
		return;
	}
	/* Requests go out at once, as samen's own client sends them. */
	setsockopt(lc->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if (connect(lc->fd, (struct sockaddr *)&ld->addr, ld->addrlen) == 0) {
		load_tls_start(lc);
		return;
	}
	if (errno != EINPROGRESS) {
		snprintf(why, sizeof(why), "connect: %s", strerror(errno));
		load_conn_lost(lc, why);
		return;
	}
	lc->cev = event_new(ld->base, lc->fd, EV_WRITE, load_connected_cb, lc);
	if (lc->cev == NULL || event_add(lc->cev, &tv) == -1)
		fatalx("event_new failed");
}

/* A connection is set up; the run starts when all of them are. */
static void
load_conn_ready(struct load_conn *lc)
{
	struct load *ld = lc->ld;

	lc->state = LC_READY;
	/* Watchers and idle connections are quiet by nature. */
	if (ld->mode == MODE_IDLE || (ld->mode == MODE_WATCH && !lc->writer))
		bufferevent_set_timeouts(lc->bev, NULL, NULL);
	if (ld->mode == MODE_WATCH && !lc->writer)
		lc->state = LC_WATCHING;
	ld->nready++;
	if (ld->nready == ld->ntotal)
		load_start(ld);
	else
		load_setup_next(ld);
}

/* Records a put's answer into its item; 0, or -1: no item in it. */
static int
load_item_answer(struct load_item *it, const Samen__V1__Entity *e)
{
	if (e == NULL || e->body_case != SAMEN__V1__ENTITY__BODY_AGENDA_ITEM)
		return -1;
	if (it->id == NULL) {
		it->id = xstrdup(e->id);
		it->proposed_by = xstrdup(e->agenda_item->proposed_by);
	}
	it->rev = e->rev;
	return 0;
}

/* The status code of a response (OK when it has none). */
static unsigned int
load_code(const Samen__V1__Response *r)
{
	return r->status != NULL ? (unsigned int)r->status->code : 0;
}

/* Looks up (or makes) the arrivals of a rev, open addressing. */
static struct load_seen *
load_seen_slot(struct load *ld, uint64_t rev)
{
	size_t i = (size_t)(rev * 0x9e3779b97f4a7c15ULL) &
	    (LOAD_WATCH_TABLE - 1);
	size_t probes;

	for (probes = 0; probes < LOAD_WATCH_TABLE; probes++) {
		if (ld->seen[i].rev == rev || ld->seen[i].rev == 0) {
			ld->seen[i].rev = rev;
			return &ld->seen[i];
		}
		i = (i + 1) & (LOAD_WATCH_TABLE - 1);
	}
	fatalx("watch: the table of revs is full");
}

/* A watcher received an event. */
static void
load_event_frame(struct load_conn *lc, const Samen__V1__Frame *f)
{
	struct load *ld = lc->ld;
	struct load_seen *s;
	double t = load_now();

	if (f->event->change == NULL || lc->state != LC_WATCHING) {
		load_error(ld, "connection %d: an event it did not ask for",
		    lc->index);
		return;
	}
	ld->changes++;
	s = load_seen_slot(ld, f->event->change->rev);
	if (s->n++ == 0)
		s->t_first = t;
	s->t_last = t;
}

/* The watch writer's answer. */
static void
load_writer_answer(struct load_conn *lc, const Samen__V1__Response *r,
    double t_send)
{
	struct load *ld = lc->ld;
	struct load_write *w;

	ld->writing = 0;
	if (load_code(r) != 0 || r->body_case != SAMEN__V1__RESPONSE__BODY_PUT ||
	    load_item_answer(&lc->items[0], r->put->entity) == -1) {
		if (load_code(r) == SAMEN__V1__STATUS__CODE__CONFLICT)
			ld->conflicts++;
		load_error(ld, "write answered %u: %s", load_code(r),
		    r->status != NULL ? r->status->message : "");
		if (r->current != NULL)
			lc->items[0].rev = r->current->rev;
		return;
	}
	lc->items[0].edits++;
	if (ld->nwrites == LOAD_WATCH_MAX_WRITES)
		return;
	w = &ld->writes[ld->nwrites++];
	w->rev = lc->items[0].rev;
	w->t_send = t_send;
	w->t_answer = load_now();
	ld->done++;
}

/*
 * One frame for lc.  -1: the connection was closed (handshake workload)
 * and its buffers are gone.
 */
static int
load_frame(struct load_conn *lc, const Samen__V1__Frame *f)
{
	struct load *ld = lc->ld;
	const Samen__V1__Response *r;
	struct load_flight fl;
	unsigned int code;
	double t;
	int i;

	if (f->body_case == SAMEN__V1__FRAME__BODY_EVENT) {
		load_event_frame(lc, f);
		return 0;
	}
	if (f->body_case != SAMEN__V1__FRAME__BODY_RESPONSE || lc->count == 0) {
		load_conn_lost(lc, "the server sent a frame that answers "
		    "nothing");
		return -1;
	}
	fl = lc->fl[lc->head];
	lc->head = (lc->head + 1) % (unsigned int)(ld->inflight + 1);
	lc->count--;
	if (f->id != fl.id) {
		load_conn_lost(lc, "an answer out of order");
		return -1;
	}
	r = f->response;
	code = load_code(r);
	t = load_now();

	switch (lc->state) {
	case LC_HELLO:
		if (code != 0 || r->body_case != SAMEN__V1__RESPONSE__BODY_HELLO) {
			load_conn_lost(lc, r->status != NULL ?
			    r->status->message : "hello failed");
			return -1;
		}
		lc->rev = r->hello->rev;
		if (ld->mode == MODE_HANDSHAKE) {
			if (t <= ld->deadline) {
				ld->done++;
				hist_add(&ld->hist, t - lc->t_start);
				if (SSL_session_reused(lc->ssl))
					ld->resumed++;
				else
					ld->full++;
			}
			load_handshake_next(lc);
			return -1;
		}
		if (ld->mode == MODE_PUT) {
			lc->state = LC_SETUP;
			for (i = 0; i < ld->inflight; i++)
				load_send_put(lc, i, NULL);
			return 0;
		}
		if (ld->mode == MODE_WATCH) {
			lc->state = LC_SETUP;
			if (lc->writer)
				load_send_put(lc, 0, NULL);
			else
				load_send_watch(lc);
			return 0;
		}
		load_conn_ready(lc);
		return 0;
	case LC_SETUP:
		if (code != 0) {
			load_conn_lost(lc, r->status != NULL ?
			    r->status->message : "set-up request failed");
			return -1;
		}
		if (ld->mode == MODE_WATCH && !lc->writer) {
			if (r->body_case != SAMEN__V1__RESPONSE__BODY_WATCH) {
				load_conn_lost(lc, "watch answered without a "
				    "WatchResponse");
				return -1;
			}
			load_conn_ready(lc);
			return 0;
		}
		if (r->body_case != SAMEN__V1__RESPONSE__BODY_PUT ||
		    load_item_answer(&lc->items[fl.slot < 0 ? 0 : fl.slot],
		    r->put->entity) == -1) {
			load_conn_lost(lc, "put answered without the item");
			return -1;
		}
		if (++lc->made == (lc->writer ? 1 : ld->inflight))
			load_conn_ready(lc);
		return 0;
	case LC_RUNNING:
		break;
	default:
		return 0;
	}

	if (lc->writer) {
		load_writer_answer(lc, r, fl.t);
		return 0;
	}
	if (t > ld->deadline)
		return 0;
	ld->done++;
	hist_add(&ld->hist, t - fl.t);
	ld->t_last = t;
	if (code != 0) {
		if (code == SAMEN__V1__STATUS__CODE__CONFLICT)
			ld->conflicts++;
		load_error(ld, "answer %u: %s", code, r->status != NULL ?
		    r->status->message : "");
		if (ld->mode == MODE_PUT && r->current != NULL && fl.slot >= 0)
			lc->items[fl.slot].rev = r->current->rev;
	} else if (ld->mode == MODE_PUT) {
		if (r->body_case != SAMEN__V1__RESPONSE__BODY_PUT ||
		    load_item_answer(&lc->items[fl.slot], r->put->entity) == -1)
			load_error(ld, "put answered without the item");
		else
			lc->items[fl.slot].edits++;
	} else if (ld->mode == MODE_SYNC) {
		if (r->body_case == SAMEN__V1__RESPONSE__BODY_SYNC)
			ld->changes += r->sync->n_changes;
		else
			load_error(ld, "sync answered without a SyncResponse");
	}
	if (ld->stopping)
		return 0;
	if (ld->sent < ld->max_requests)
		load_send_next(lc, fl.slot);
	else if (ld->done >= ld->sent)
		load_finish(ld);
	return 0;
}

/*
 * Records read ahead (load_ctx) wait inside OpenSSL, where libevent 2.1
 * does not look until the socket is readable again: read them on now,
 * as samend's conn_read_buffered() does.
 */
static void
load_read_buffered(struct load_conn *lc)
{
	if (SSL_has_pending(lc->ssl))
		event_active(&lc->bev->ev_read, EV_READ, 1);
}

/* Cuts and handles every whole frame in the input. */
static void
load_read_cb(struct bufferevent *bev, void *arg)
{
	struct load_conn *lc = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	Samen__V1__Frame *f;
	enum frame_result fr;
	int rv;

	for (;;) {
		fr = frame_cut(in, LOAD_MAX_IN_FRAME, &f, NULL);
		if (fr == FRAME_AGAIN) {
			load_read_buffered(lc);
			return;
		}
		if (fr != FRAME_OK) {
			load_conn_lost(lc, frame_result_str(fr));
			return;
		}
		rv = load_frame(lc, f);
		frame_free(f);
		if (rv == -1 || lc->bev != bev)
			return;
	}
}

/* Handshake done, EOF, error or timeout. */
static void
load_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct load_conn *lc = arg;
	char buf[256], why[300];

	if (what & BEV_EVENT_CONNECTED) {
		lc->state = LC_HELLO;
		load_send_hello(lc);
		load_read_buffered(lc);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT)
		snprintf(why, sizeof(why), "no answer within %d s",
		    LOAD_IO_TIMEOUT);
	else if (what & BEV_EVENT_EOF)
		snprintf(why, sizeof(why), "the server closed the connection%s",
		    lc->state == LC_TLS ? " during the TLS handshake" : "");
	else
		snprintf(why, sizeof(why), "%s%s", lc->state == LC_TLS ?
		    "TLS handshake: " : "", load_tls_error(bev, buf,
		    sizeof(buf)));
	load_conn_lost(lc, why);
}

/* ---- the run --------------------------------------------------------- */

/* Starts connections until R are in set-up at once. */
static void
load_setup_next(struct load *ld)
{
	while (ld->next_setup < ld->ntotal &&
	    ld->next_setup - ld->nready < ld->ramp && !ld->failed) {
		struct load_conn *lc = &ld->conns[ld->next_setup++];

		load_connect(lc);
	}
}

/* The set-up took too long. */
static void
load_setup_timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	struct load *ld = arg;

	(void)fd;
	(void)what;
	fprintf(stderr, "samen-load: set-up not done after %.0f s: %d of %d "
	    "connections ready\n", load_now() - ld->t_setup, ld->nready,
	    ld->ntotal);
	ld->failed = 1;
	event_base_loopbreak(ld->base);
}

/* The end of the measured window (watch: of the writes). */
static void
load_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct load *ld = arg;
	struct timeval tv = { 0, 100000 };
	struct load_write *w;
	struct load_seen *s;

	(void)fd;
	(void)what;
	if (ld->mode != MODE_WATCH) {
		load_finish(ld);
		return;
	}
	/* Watch: no more writes; wait for the last events, bounded. */
	if (ld->t_stop_writes == 0) {
		ld->t_stop_writes = load_now();
		event_del(ld->wtimer);
	}
	if (!ld->writing) {
		if (ld->nwrites == 0) {
			load_finish(ld);
			return;
		}
		w = &ld->writes[ld->nwrites - 1];
		s = load_seen_slot(ld, w->rev);
		if (s->n >= (unsigned int)ld->nconns) {
			load_finish(ld);
			return;
		}
	}
	if (load_now() - ld->t_stop_writes > LOAD_WATCH_GRACE) {
		load_finish(ld);
		return;
	}
	evtimer_add(ld->timer, &tv);
}

/* Watch: one write each interval, if the last one was answered. */
static void
load_write_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct load *ld = arg;
	struct load_conn *lc = &ld->conns[ld->nconns];

	(void)fd;
	(void)what;
	if (ld->writing || lc->state != LC_RUNNING) {
		ld->skipped++;
		return;
	}
	if (ld->sent >= ld->max_requests || ld->nwrites >= LOAD_WATCH_MAX_WRITES)
		return;
	ld->writing = 1;
	ld->sent++;
	load_send_put(lc, 0, &lc->items[0]);
}

/* SIGINT, SIGTERM: stop (for idle, the ordinary end). */
static void
load_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct load *ld = arg;

	(void)sig;
	(void)what;
	if (ld->mode != MODE_IDLE)
		ld->interrupted = 1;
	load_finish(ld);
}

/* Every connection is set up: the measured window begins. */
static void
load_start(struct load *ld)
{
	struct timeval tv;
	int i, s;
	long ms;

	event_del(ld->setup_timer);
	ld->running = 1;
	ld->t0 = load_now();
	ld->deadline = ld->t0 + ld->seconds;
	tv.tv_sec = ld->seconds;
	tv.tv_usec = 0;
	if (ld->mode == MODE_IDLE) {
		printf("%s_connections %d count\n", ld->name, ld->nconns);
		printf("%s_setup_time %.3f s\n", ld->name, ld->t0 - ld->t_setup);
		fflush(stdout);
		evtimer_add(ld->timer, &tv);
		return;
	}
	if (ld->mode == MODE_HANDSHAKE) {
		evtimer_add(ld->timer, &tv);
		for (i = 0; i < ld->nconns && ld->sent < ld->max_requests; i++) {
			ld->sent++;
			load_connect(&ld->conns[i]);
		}
		return;
	}
	for (i = 0; i < ld->ntotal; i++) {
		struct load_conn *lc = &ld->conns[i];

		if (lc->state == LC_READY)
			lc->state = LC_RUNNING;
		if (lc->state != LC_RUNNING || lc->writer)
			continue;
		for (s = 0; s < ld->inflight && ld->sent < ld->max_requests;
		    s++)
			load_send_next(lc, s);
	}
	evtimer_add(ld->timer, &tv);
	if (ld->mode == MODE_WATCH) {
		ms = ld->interval_ms;
		tv.tv_sec = ms / 1000;
		tv.tv_usec = (ms % 1000) * 1000;
		ld->wtimer = event_new(ld->base, -1, EV_PERSIST,
		    load_write_tick_cb, ld);
		if (ld->wtimer == NULL || event_add(ld->wtimer, &tv) == -1)
			fatalx("event_new failed");
		load_write_tick_cb(-1, 0, ld);
	}
}

/* Sorts doubles. */
static int
load_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile of n sorted values (nearest rank). */
static double
load_rank(const double *v, size_t n, double q)
{
	size_t k;

	if (n == 0)
		return 0;
	k = (size_t)((double)n * q);
	if ((double)k < (double)n * q)
		k++;
	if (k == 0)
		k = 1;
	return v[k - 1];
}

/* Prints the watch figures. */
static void
load_report_watch(struct load *ld)
{
	double *lat = xcalloc(ld->nwrites + 1, sizeof(*lat));
	double *from_send = xcalloc(ld->nwrites + 1, sizeof(*from_send));
	size_t i, n = 0, early = 0, missed = 0;
	struct load_seen *s;
	const char *nm = ld->name;

	for (i = 0; i < ld->nwrites; i++) {
		s = load_seen_slot(ld, ld->writes[i].rev);
		if (s->n < (unsigned int)ld->nconns) {
			missed++;
			continue;
		}
		if (s->t_last < ld->writes[i].t_answer)
			early++;
		lat[n] = s->t_last > ld->writes[i].t_answer ?
		    s->t_last - ld->writes[i].t_answer : 0;
		from_send[n] = s->t_last - ld->writes[i].t_send;
		n++;
	}
	qsort(lat, n, sizeof(*lat), load_cmp_double);
	qsort(from_send, n, sizeof(*from_send), load_cmp_double);
	printf("%s_watchers %d count\n", nm, ld->nconns);
	printf("%s_writes %zu count\n", nm, ld->nwrites);
	printf("%s_interval %d ms\n", nm, ld->interval_ms);
	printf("%s_lat_p50 %.3f ms\n", nm, 1000 * load_rank(lat, n, 0.50));
	printf("%s_lat_p99 %.3f ms\n", nm, 1000 * load_rank(lat, n, 0.99));
	printf("%s_lat_max %.3f ms\n", nm, n ? 1000 * lat[n - 1] : 0.0);
	printf("%s_from_send_p50 %.3f ms\n", nm,
	    1000 * load_rank(from_send, n, 0.50));
	printf("%s_from_send_p99 %.3f ms\n", nm,
	    1000 * load_rank(from_send, n, 0.99));
	printf("%s_missed %zu count\n", nm, missed);
	printf("%s_errors %llu count\n", nm, ld->errors);
	printf("# %s: %d watchers, one write every %d ms for %d s; per write "
	    "the time from its answer at the writer until the last watcher "
	    "had the event (in %zu of %zu writes every watcher had it before "
	    "the writer had its answer: counted as 0); from_send "
	    "counts from the moment the write was sent (commit included); "
	    "%llu events in all, %llu ticks skipped (a write still in "
	    "flight)\n", nm, ld->nconns, ld->interval_ms, ld->seconds, early,
	    n, ld->changes, ld->skipped);
	free(lat);
	free(from_send);
}

/* Prints the figures of the run. */
static void
load_report(struct load *ld)
{
	struct rusage ru;
	const char *nm = ld->name;
	double secs;
	const char *unit = ld->mode == MODE_HANDSHAKE ? "conn/s" : "req/s";

	if (ld->mode == MODE_WATCH)
		load_report_watch(ld);
	else if (ld->mode != MODE_IDLE) {
		secs = ld->seconds;
		if (ld->stopping && ld->t_last > 0 && ld->sent >=
		    ld->max_requests)
			secs = ld->t_last - ld->t0;
		printf("%s_rate %.6g %s\n", nm, (double)ld->done / secs, unit);
		printf("%s_requests %llu count\n", nm, ld->done);
		printf("%s_errors %llu count\n", nm, ld->errors);
		printf("%s_lat_p50 %.4g ms\n", nm,
		    hist_quantile_ms(&ld->hist, 0.50));
		printf("%s_lat_p99 %.4g ms\n", nm,
		    hist_quantile_ms(&ld->hist, 0.99));
		printf("%s_lat_p999 %.4g ms\n", nm,
		    hist_quantile_ms(&ld->hist, 0.999));
		printf("%s_connections %d count\n", nm, ld->nconns);
		if (ld->mode != MODE_HANDSHAKE)
			printf("%s_in_flight %d count\n", nm, ld->inflight);
		if (ld->mode == MODE_PUT)
			printf("%s_conflicts %llu count\n", nm,
			    ld->conflicts);
		if (ld->mode == MODE_HANDSHAKE && ld->done > 0)
			printf("%s_resumed_share %.3g %%\n", nm,
			    100.0 * (double)ld->resumed / (double)ld->done);
		if (ld->mode == MODE_SYNC && ld->done > 0)
			printf("# %s: %.1f changes per answer\n", nm,
			    (double)ld->changes / (double)ld->done);
		printf("# %s: %d connection%s", nm, ld->nconns,
		    ld->nconns == 1 ? "" : "s");
		if (ld->mode != MODE_HANDSHAKE)
			printf(", %d in flight on each", ld->inflight);
		printf(", %d s; latency from the request's queueing to its "
		    "whole answer%s; slowest %.3f ms", ld->seconds,
		    ld->mode == MODE_HANDSHAKE ? " (connect, TLS handshake, "
		    "hello)" : "", (double)ld->hist.max / 1e6);
		if (ld->mode == MODE_HANDSHAKE)
			printf("; %llu full and %llu resumed handshakes",
			    ld->full, ld->resumed);
		printf("\n");
	}
	if (ld->lost > 0)
		printf("# %s: %llu connection(s) lost during the run\n", nm,
		    ld->lost);
	if (ld->first_error != NULL)
		printf("# %s: first error: %s\n", nm, ld->first_error);
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		printf("# %s: samen-load itself: %.2f s user, %.2f s system, "
		    "max RSS %.1f MiB\n", nm, (double)ru.ru_utime.tv_sec +
		    (double)ru.ru_utime.tv_usec / 1e6,
		    (double)ru.ru_stime.tv_sec +
		    (double)ru.ru_stime.tv_usec / 1e6,
		    (double)ru.ru_maxrss / 1024.0);
}

/* Resolves HOST:PORT into ld. */
static void
load_target(struct load *ld, const char *arg)
{
	struct addrinfo hints, *res;
	const char *colon;
	char *port;
	unsigned char buf[16];
	int e;

	if ((colon = strrchr(arg, ':')) == NULL || colon == arg ||
	    colon[1] == '\0') {
		fprintf(stderr, "samen-load: '%s' is not HOST:PORT\n", arg);
		exit(64);
	}
	ld->host = xstrndup(arg, (size_t)(colon - arg));
	if (ld->host[0] == '[' && ld->host[strlen(ld->host) - 1] == ']') {
		memmove(ld->host, ld->host + 1, strlen(ld->host));
		ld->host[strlen(ld->host) - 1] = '\0';
	}
	port = xstrdup(colon + 1);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((e = getaddrinfo(ld->host, port, &hints, &res)) != 0)
		fatalx("%s: %s", arg, gai_strerror(e));
	memcpy(&ld->addr, res->ai_addr, res->ai_addrlen);
	ld->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	free(port);
	ld->host_is_ip = inet_pton(AF_INET, ld->host, buf) == 1 ||
	    inet_pton(AF_INET6, ld->host, buf) == 1;
}

/* Raises the soft limit on open files as far as the hard one allows. */
static void
load_raise_nofile(int want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return;
	if (rl.rlim_cur >= (rlim_t)want)
		return;
	rl.rlim_cur = rl.rlim_max < (rlim_t)want ? rl.rlim_max : (rlim_t)want;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)want)
		fprintf(stderr, "samen-load: at most %llu open files (ulimit "
		    "-n); %d connections need about %d\n",
		    (unsigned long long)rl.rlim_cur, want - 64, want);
}

/*
 * The certificate files: from a bundle, installed as `samen setup` does
 * into a private temporary directory (removed once loaded), or given.
 */
static SSL_CTX *
load_certificates(const char *bundle, struct tls_files *f, int resume)
{
	struct tls_principal p;
	const char *tmp = getenv("TMPDIR");
	char *dir, *ca, *cert, *key, *cause = NULL;
	SSL_CTX *ctx;

	if (bundle == NULL)
		return load_ctx(f, resume);
	xasprintf(&dir, "%s/samen-load.XXXXXX", tmp != NULL && *tmp != '\0' ?
	    tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		fatal("mkdtemp %s", dir);
	if (tls_bundle_install(bundle, dir, &p, &cause) == -1) {
		rmdir(dir);
		fatalx("%s", cause);
	}
	xasprintf(&ca, "%s/ca.pem", dir);
	xasprintf(&cert, "%s/cert.pem", dir);
	xasprintf(&key, "%s/key.pem", dir);
	f->ca = ca;
	f->cert = cert;
	f->key = key;
	ctx = load_ctx(f, resume);
	unlink(ca);
	unlink(cert);
	unlink(key);
	rmdir(dir);
	free(ca);
	free(cert);
	free(key);
	free(dir);
	f->ca = f->cert = f->key = NULL;
	printf("# certificate: %s (%s, %s)\n", p.name, p.municipality,
	    tls_role_name(p.role));
	return ctx;
}

/* ---- ready: start-up time --------------------------------------------- */

/* Stops a daemon we started: SIGTERM, at most 10 s, then SIGKILL. */
static int
ready_stop(pid_t pid, int errfd)
{
	char buf[4096];
	double t0 = load_now();
	int status = 0;
	pid_t r;

	kill(pid, SIGTERM);
	for (;;) {
		/* Keep its stderr drained so that it never blocks on it. */
		while (read(errfd, buf, sizeof(buf)) > 0)
			;
		if ((r = waitpid(pid, &status, WNOHANG)) == pid)
			return status;
		if (r == -1)
			return -1;
		if (load_now() - t0 > 10) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return status;
		}
		usleep(5000);
	}
}

/*
 * ready RUNS -- CMD...: from just before the exec to the "listening on"
 * log line and to READY=1, RUNS times.  Exit 0, or 1 when a start fails.
 */
static int
ready_main(int runs, char **cmd)
{
	char dir[] = "/tmp/samen-ready.XXXXXX", path[64], buf[8192];
	char line[4096];
	struct sockaddr_un sun;
	struct pollfd pfd[2];
	double *t_listen, *t_ready, t0, t;
	size_t linelen;
	ssize_t n;
	pid_t pid;
	int nfd, pipefd[2], run, got_listen, got_ready, i;

	t_listen = xcalloc((size_t)runs, sizeof(double));
	t_ready = xcalloc((size_t)runs, sizeof(double));
	if (mkdtemp(dir) == NULL)
		fatal("mkdtemp");
	snprintf(path, sizeof(path), "%s/notify", dir);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	if ((nfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(nfd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		fatal("notify socket %s", path);

	for (run = 0; run < runs; run++) {
		if (pipe2(pipefd, O_CLOEXEC) == -1)
			fatal("pipe");
		got_listen = got_ready = 0;
		linelen = 0;
		t0 = load_now();
		if ((pid = fork()) == -1)
			fatal("fork");
		if (pid == 0) {
			dup2(pipefd[1], STDERR_FILENO);
			setenv("NOTIFY_SOCKET", path, 1);
			execvp(cmd[0], cmd);
			_exit(127);
		}
		close(pipefd[1]);
		fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
		while (!got_ready || !got_listen) {
			t = load_now();
			if (t - t0 > READY_TIMEOUT)
				break;
			pfd[0].fd = nfd;
			pfd[0].events = POLLIN;
			pfd[1].fd = pipefd[0];
			pfd[1].events = POLLIN;
			if (poll(pfd, 2, 100) <= 0)
				continue;
			t = load_now();
			if (pfd[0].revents & POLLIN) {
				n = recv(nfd, buf, sizeof(buf) - 1, 0);
				if (n > 0) {
					buf[n] = '\0';
					if (!got_ready && (strncmp(buf,
					    "READY=1", 7) == 0 || strstr(buf,
					    "\nREADY=1") != NULL)) {
						got_ready = 1;
						t_ready[run] = t - t0;
					}
				}
			}
			if (pfd[1].revents & (POLLIN | POLLHUP)) {
				n = read(pipefd[0], buf, sizeof(buf));
				if (n <= 0)
					break;	/* it exited */
				for (i = 0; i < n; i++) {
					if (buf[i] != '\n') {
						if (linelen < sizeof(line) - 1)
							line[linelen++] = buf[i];
						continue;
					}
					line[linelen] = '\0';
					if (!got_listen &&
					    strstr(line, "listening on")) {
						got_listen = 1;
						t_listen[run] = t - t0;
					}
					linelen = 0;
				}
			}
		}
		ready_stop(pid, pipefd[0]);
		close(pipefd[0]);
		if (!got_ready || !got_listen) {
			fprintf(stderr, "samen-load: ready: run %d of %d: %s "
			    "within %.0f s (last line: %.*s)\n", run + 1, runs,
			    got_ready ? "no \"listening on\" line" :
			    "no READY=1", READY_TIMEOUT, (int)linelen, line);
			close(nfd);
			unlink(path);
			rmdir(dir);
			return 1;
		}
	}
	close(nfd);
	unlink(path);
	rmdir(dir);
	qsort(t_listen, (size_t)runs, sizeof(double), load_cmp_double);
	qsort(t_ready, (size_t)runs, sizeof(double), load_cmp_double);
	printf("ready_time_p50 %.2f ms\n", 1000 * load_rank(t_ready,
	    (size_t)runs, 0.5));
	printf("ready_time_min %.2f ms\n", 1000 * t_ready[0]);
	printf("ready_time_max %.2f ms\n", 1000 * t_ready[runs - 1]);
	printf("ready_listening_p50 %.2f ms\n", 1000 * load_rank(t_listen,
	    (size_t)runs, 0.5));
	printf("ready_runs %d count\n", runs);
	printf("# ready: from just before exec to READY=1 on NOTIFY_SOCKET "
	    "(and to the \"listening on\" log line), %d starts, each stopped "
	    "by SIGTERM before the next\n", runs);
	free(t_listen);
	free(t_ready);
	return 0;
}

/* ---- main ------------------------------------------------------------ */

/* Prints the usage (--help: with what it means, on stdout) and exits. */
static void
load_usage(int help)
{
	FILE *f = help ? stdout : stderr;

	fprintf(f,
	    "usage: samen-load [--bundle FILE | --ca FILE --cert FILE "
	    "--key FILE]\n"
	    "           [-c C] [-p P] [-d D] [-r R] [-i MS] [-n N] [--resume] "
	    "[--name NAME]\n"
	    "           HOST:PORT hello|sync|put|watch|handshake|idle\n"
	    "       samen-load ready RUNS -- SAMEND [ARGS...]\n");
	if (help)
		fprintf(f, "\n"
		    "Loads a samend with real client certificates and prints "
		    "its figures,\none \"name value unit\" per line "
		    "(comments start with #).\n\n"
		    "  --bundle FILE   the client's bundle (CA, certificate, "
		    "key), as samend\n"
		    "                  pki issue writes it\n"
		    "  --ca, --cert, --key FILE   the same in three files\n"
		    "  -c C            connections (default 50)\n"
		    "  -p P            requests in flight per connection "
		    "(default 1)\n"
		    "  -d D            seconds to run (default 10)\n"
		    "  -r R            connections set up at a time "
		    "(default 64)\n"
		    "  -i MS           watch: milliseconds between writes "
		    "(default 100)\n"
		    "  -n N            stop after N requests\n"
		    "  --resume        handshake: resume TLS sessions "
		    "(tickets)\n"
		    "  --name NAME     prefix of the figures' names "
		    "(default: the workload)\n\n"
		    "Workloads: hello (the wire floor), sync (a small delta), "
		    "put (a durable\nagenda edit), watch (C watchers, one "
		    "writer: time until the last has it),\nhandshake (a new "
		    "connection per request), idle (C connections held open).\n"
		    "ready RUNS starts SAMEND RUNS times and times start to "
		    "READY.\n"
		    "Exit status: 0 done, 1 the run failed, 64 usage.\n");
	exit(help ? 0 : 64);
}

/* Parses the options, sets the connections up, runs, reports. */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "ca", required_argument, NULL, 'A' },
		{ "cert", required_argument, NULL, 'C' },
		{ "key", required_argument, NULL, 'K' },
		{ "resume", no_argument, NULL, 'R' },
		{ "name", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct load *ld = xcalloc(1, sizeof(*ld));
	struct event_config *evcfg;
	struct tls_files files;
	struct timeval tv;
	const char *bundle = NULL, *mode;
	int ch, i;
	size_t m;

	log_init("samen-load", LOG_LEVEL_WARN);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&files, 0, sizeof(files));

	if (argc >= 4 && strcmp(argv[1], "ready") == 0 &&
	    strcmp(argv[3], "--") == 0 && argc >= 5)
		return ready_main((int)load_number(argv[2], "RUNS", 1,
		    READY_MAX_RUNS), argv + 4);

	ld->nconns = 50;
	ld->inflight = 1;
	ld->seconds = 10;
	ld->ramp = 64;
	ld->interval_ms = 100;
	ld->max_requests = LOAD_MAX_REQUESTS;
	while ((ch = getopt_long(argc, argv, "c:p:d:r:i:n:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'b':
			bundle = optarg;
			break;
		case 'A':
			files.ca = optarg;
			break;
		case 'C':
			files.cert = optarg;
			break;
		case 'K':
			files.key = optarg;
			break;
		case 'R':
			ld->resume = 1;
			break;
		case 'N':
			ld->name = optarg;
			break;
		case 'c':
			ld->nconns = (int)load_number(optarg, "C", 1,
			    LOAD_MAX_CONNS);
			break;
		case 'p':
			ld->inflight = (int)load_number(optarg, "P", 1,
			    LOAD_MAX_INFLIGHT);
			break;
		case 'd':
			ld->seconds = (int)load_number(optarg, "D", 1,
			    LOAD_MAX_SECONDS);
			break;
		case 'r':
			ld->ramp = (int)load_number(optarg, "R", 1,
			    LOAD_MAX_RAMP);
			break;
		case 'i':
			ld->interval_ms = (int)load_number(optarg, "MS", 1,
			    60000);
			break;
		case 'n':
			ld->max_requests = (unsigned long long)load_number(
			    optarg, "N", 1, (long long)LOAD_MAX_REQUESTS);
			break;
		case 'h':
			load_usage(1);
			break;
		default:
			load_usage(0);
		}
	}
	if (argc - optind != 2)
		load_usage(0);
	if (bundle == NULL && (files.ca == NULL || files.cert == NULL ||
	    files.key == NULL)) {
		fprintf(stderr, "samen-load: give --bundle FILE, or --ca, "
		    "--cert and --key\n");
		exit(64);
	}
	mode = argv[optind + 1];
	for (m = 0; m < sizeof(load_mode_names) / sizeof(load_mode_names[0]);
	    m++) {
		if (strcmp(mode, load_mode_names[m]) == 0)
			break;
	}
	if (m == sizeof(load_mode_names) / sizeof(load_mode_names[0]))
		load_usage(0);
	ld->mode = (enum load_mode)m;
	if (ld->name == NULL)
		ld->name = load_mode_names[m];
	if (ld->resume && ld->mode != MODE_HANDSHAKE) {
		fprintf(stderr, "samen-load: --resume is for handshake\n");
		exit(64);
	}
	if (ld->mode == MODE_WATCH || ld->mode == MODE_HANDSHAKE ||
	    ld->mode == MODE_IDLE)
		ld->inflight = 1;
	load_target(ld, argv[optind]);
	ld->ctx = load_certificates(bundle, &files, ld->resume);

	ld->ntotal = ld->nconns + (ld->mode == MODE_WATCH ? 1 : 0);
	load_raise_nofile(ld->ntotal + 64);
	ld->conns = xcalloc((size_t)ld->ntotal, sizeof(*ld->conns));
	for (i = 0; i < ld->ntotal; i++) {
		struct load_conn *lc = &ld->conns[i];

		lc->ld = ld;
		lc->index = i;
		lc->fd = -1;
		lc->fl = xcalloc((size_t)ld->inflight + 1, sizeof(*lc->fl));
		if (ld->mode == MODE_PUT || ld->mode == MODE_WATCH)
			lc->items = xcalloc((size_t)ld->inflight,
			    sizeof(*lc->items));
		lc->writer = ld->mode == MODE_WATCH && i == ld->nconns;
	}
	if (ld->mode == MODE_WATCH) {
		ld->writes = xcalloc(LOAD_WATCH_MAX_WRITES,
		    sizeof(*ld->writes));
		ld->seen = xcalloc(LOAD_WATCH_TABLE, sizeof(*ld->seen));
	}

	/* As samend's loop: epoll's change list spares an epoll_ctl for a
	 * write event added and removed in one turn. */
	if ((evcfg = event_config_new()) == NULL ||
	    event_config_set_flag(evcfg,
	    EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST) == -1 ||
	    (ld->base = event_base_new_with_config(evcfg)) == NULL)
		fatalx("event_base_new failed");
	event_config_free(evcfg);
	ld->timer = evtimer_new(ld->base, load_deadline_cb, ld);
	ld->setup_timer = evtimer_new(ld->base, load_setup_timeout_cb, ld);
	ld->sig_int = evsignal_new(ld->base, SIGINT, load_signal_cb, ld);
	ld->sig_term = evsignal_new(ld->base, SIGTERM, load_signal_cb, ld);
	if (ld->timer == NULL || ld->setup_timer == NULL ||
	    ld->sig_int == NULL || ld->sig_term == NULL ||
	    evsignal_add(ld->sig_int, NULL) == -1 ||
	    evsignal_add(ld->sig_term, NULL) == -1)
		fatalx("cannot set up the event loop");

	/* The set-up: at most R connections in progress at once. */
	ld->t_setup = load_now();
	tv.tv_sec = 60 + ld->ntotal / 50;
	tv.tv_usec = 0;
	if (ld->mode == MODE_HANDSHAKE)
		load_start(ld);
	else {
		evtimer_add(ld->setup_timer, &tv);
		load_setup_next(ld);
	}
	event_base_dispatch(ld->base);

	if (ld->failed && !ld->running) {
		fprintf(stderr, "samen-load: %s: the set-up failed\n",
		    ld->name);
		return 1;
	}
	if (ld->interrupted) {
		fprintf(stderr, "samen-load: %s: interrupted\n", ld->name);
		return 1;
	}
	load_report(ld);
	if (ld->failed) {
		fprintf(stderr, "samen-load: %s: %s\n", ld->name,
		    ld->first_error != NULL ? ld->first_error :
		    "the run failed");
		return 1;
	}
	for (i = 0; i < ld->ntotal; i++) {
		load_conn_close(&ld->conns[i]);
		if (ld->conns[i].sess != NULL)
			SSL_SESSION_free(ld->conns[i].sess);
		if (ld->conns[i].items != NULL) {
			int s;

			for (s = 0; s < ld->inflight; s++) {
				free(ld->conns[i].items[s].id);
				free(ld->conns[i].items[s].proposed_by);
			}
			free(ld->conns[i].items);
		}
		free(ld->conns[i].fl);
	}
	free(ld->conns);
	free(ld->writes);
	free(ld->seen);
	free(ld->first_error);
	event_free(ld->timer);
	event_free(ld->setup_timer);
	event_free(ld->sig_int);
	event_free(ld->sig_term);
	if (ld->wtimer != NULL)
		event_free(ld->wtimer);
	event_base_free(ld->base);
	SSL_CTX_free(ld->ctx);
	free(ld->host);
	free(ld);
	return 0;
}
