/*
 * wireprobe: a test client that speaks samen's wire protocol badly on
 * purpose, to check that samend answers misbehaviour correctly.
 *
 *	wireprobe HOST:PORT CA CERT KEY MODE [ARG ...]
 *
 * Modes:
 *	hello		a well-formed hello
 *	stats		hello, then stats
 *	oversize N	a frame header announcing N bytes, then a few bytes
 *	truncated	a header announcing 100 bytes, 10 bytes, then waits
 *	garbage		a frame whose body is not a protobuf
 *	unknown		a request of an unknown type, then hello on the same
 *			connection
 *	event		a frame holding an Event (clients may only send
 *			requests)
 *	nohello		stats before hello
 *	hold FILE	hello, waits (at most 20 s) for FILE to exist, then
 *			hello again on the same connection
 *	stall FILE	hello, watch from rev 0, then reads nothing until FILE exists (at most 60 s),
 *			then reads until the server closes
 *	noread [SECS]	hello, watch from rev 0, then never reads again; stays
 *			connected until killed (at most SECS, default 120 s)
 *	slowhs SECS	plain TCP: the start of a TLS ClientHello, one byte a
 *			second, for at most SECS seconds (handshake slowloris)
 *	conns N SECS	plain TCP: N connections that never speak, held for at
 *			most SECS seconds; counts how and when the server
 *			closed them
 *	midframe SECS	hello, then a header announcing 1000 bytes, 500 of
 *			them, and one more byte a second for at most SECS
 *			seconds (frame slowloris)
 *	idle SECS	hello, then nothing: when does the server close?
 *	pipeline N [LIMIT]  hello, then N requests (hello and sync of LIMIT
 *			changes, default 1, by turns) back to back without
 *			reading, then reads the N answers
 *	mixed N		hello, then N requests (agenda put and sync of one
 *			change, by turns) back to back without reading, then
 *			reads the N answers: each put waits for its commit,
 *			the sync after it for the put, the put after that
 *			starts the next commit
 *	flood N [WAIT]	hello, then N agenda puts back to back, then reads
 *			the N answers; after WAIT seconds one more put
 *	puts N BYTES	hello, then N agenda puts one after the other, each
 *			with a description of BYTES bytes
 *	repeated WHAT MAX  hello, then one request of at most MAX bytes
 *			that is nearly all one repeated field: WHAT is busy
 *			(Availability.busy), ranking (Ranking.item_ids),
 *			participants (Meeting.participants) or weekdays
 *			(PlanRequest.weekdays); then hello again
 *	send SPEC...	hello, then one request built field by field from
 *			SPECs, then hello again.  A SPEC is PATH=TEXT (a
 *			string or bytes field; \xNN, \0 and \\ are escapes)
 *			or PATH#=NUMBER (a varint; negative numbers as
 *			protobuf encodes int64), where PATH is field numbers
 *			from Request down, joined by dots: 6.1.12.1=Title is
 *			put.entity.agenda_item.title.  A repeated PATH repeats
 *			the field; an empty TEXT is also an empty message.
 *
 * Prints one line per response ("response ID CODE message") and "closed"
 * when the server closes the connection, "open" when it is still open
 * after the wait.  Exit 0 unless the probe itself failed.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "frame.h"
#include "log.h"
#include "tls.h"
#include "xmalloc.h"

static const char *const codes[] = {
	"OK", "INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTS",
	"PERMISSION_DENIED", "CONFLICT", "RESYNC_REQUIRED",
	"RESOURCE_EXHAUSTED", "UNAUTHENTICATED", "UNAVAILABLE", "INTERNAL",
};

static struct tls_client *tc;
static struct evbuffer *inbuf;

static void
send_raw(const void *buf, size_t len)
{
	char *cause = NULL;

	/* The server may close first; reading then tells what it said. */
	if (tls_client_write(tc, buf, len, &cause) == -1) {
		printf("write failed: %s\n", cause);
		free(cause);
	}
}

static void
send_frame(const Samen__V1__Frame *f)
{
	struct evbuffer *b = evbuffer_new();
	size_t len;

	frame_append(b, f, 1 << 30);
	len = evbuffer_get_length(b);
	send_raw(evbuffer_pullup(b, -1), len);
	evbuffer_free(b);
}

static void
send_request(uint64_t id, Samen__V1__Request *req)
{
	Samen__V1__Frame f = SAMEN__V1__FRAME__INIT;

	f.id = id;
	f.body_case = SAMEN__V1__FRAME__BODY_REQUEST;
	f.request = req;
	send_frame(&f);
}

static void
send_hello(uint64_t id)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__HelloRequest h = SAMEN__V1__HELLO_REQUEST__INIT;

	h.protocol_version = 1;
	h.client_name = (char *)(uintptr_t)"wireprobe";
	req.body_case = SAMEN__V1__REQUEST__BODY_HELLO;
	req.hello = &h;
	send_request(id, &req);
}

static void
send_stats(uint64_t id)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__StatsRequest s = SAMEN__V1__STATS_REQUEST__INIT;

	req.body_case = SAMEN__V1__REQUEST__BODY_STATS;
	req.stats = &s;
	send_request(id, &req);
}

/* Seconds on a clock that only goes forward. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The name of a status code. */
static const char *
code_name(unsigned c)
{
	return c < sizeof(codes) / sizeof(codes[0]) ? codes[c] : "?";
}

/*
 * Reads one frame.  NULL: the server closed, or nothing came within the
 * read timeout; *why then says which (allocated, or NULL for a clean
 * close).
 */
static Samen__V1__Frame *
read_frame(char **why)
{
	Samen__V1__Frame *f;
	char buf[16384];
	ssize_t n;

	*why = NULL;
	for (;;) {
		switch (frame_cut(inbuf, 1 << 30, &f, NULL)) {
		case FRAME_OK:
			return f;
		case FRAME_AGAIN:
			break;
		default:
			fatalx("server sent a bad frame");
		}
		n = tls_client_read(tc, buf, sizeof(buf), why);
		if (n <= 0)
			return NULL;
		evbuffer_add(inbuf, buf, (size_t)n);
	}
}

/* True when a read failed only because the server was quiet. */
static int
read_timed_out(const char *why)
{
	return why != NULL && strstr(why, "did not answer in time") != NULL;
}

/* Prints a response as one line (and a line of detail for some). */
static void
print_frame(const Samen__V1__Frame *f)
{
	const Samen__V1__Response *r = f->response;

	if (f->body_case != SAMEN__V1__FRAME__BODY_RESPONSE ||
	    r->status == NULL) {
		printf("frame %llu without response\n",
		    (unsigned long long)f->id);
		fflush(stdout);
		return;
	}
	printf("response %llu %s %s\n", (unsigned long long)f->id,
	    code_name(r->status->code), r->status->message);
	switch (r->body_case) {
	case SAMEN__V1__RESPONSE__BODY_HELLO:
		printf("hello %s %s\n", r->hello->region,
		    r->hello->principal->name);
		break;
	case SAMEN__V1__RESPONSE__BODY_STATS:
		printf("stats connections=%u requests=%llu\n",
		    r->stats->connections,
		    (unsigned long long)r->stats->requests);
		break;
	case SAMEN__V1__RESPONSE__BODY_PUT:
		if (r->put->entity != NULL)
			printf("put %s rev=%llu\n", r->put->entity->id,
			    (unsigned long long)r->put->entity->rev);
		break;
	case SAMEN__V1__RESPONSE__BODY_SYNC:
		printf("sync changes=%zu rev=%llu more=%d\n",
		    r->sync->n_changes, (unsigned long long)r->sync->rev,
		    r->sync->more ? 1 : 0);
		break;
	default:
		break;
	}
	fflush(stdout);
}

/*
 * Reads and prints one response.  1: printed one; 0: the server closed
 * (printed "closed").
 */
static int
read_one(void)
{
	Samen__V1__Frame *f;
	char *why;

	if ((f = read_frame(&why)) == NULL) {
		printf("closed%s%s\n", why != NULL ? ": " : "",
		    why != NULL ? why : "");
		fflush(stdout);
		free(why);
		return 0;
	}
	print_frame(f);
	frame_free(f);
	return 1;
}

/* Reads responses until the server closes. */
static void
read_until_closed(void)
{
	while (read_one())
		;
}

/* Sends every frame queued in b in one write, and empties b. */
static void
send_buffer(struct evbuffer *b)
{
	size_t len = evbuffer_get_length(b);

	if (len > 0)
		send_raw(evbuffer_pullup(b, -1), len);
	evbuffer_drain(b, len);
}

/* Queues a request frame in b. */
static void
queue_request(struct evbuffer *b, uint64_t id, Samen__V1__Request *req)
{
	Samen__V1__Frame f = SAMEN__V1__FRAME__INIT;

	f.id = id;
	f.body_case = SAMEN__V1__FRAME__BODY_REQUEST;
	f.request = req;
	frame_append(b, &f, 1 << 30);
}

/* Queues a put of a new agenda item with a title and a description. */
static void
queue_put_item(struct evbuffer *b, uint64_t id, const char *title,
    const char *description)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__PutRequest put = SAMEN__V1__PUT_REQUEST__INIT;
	Samen__V1__Entity e = SAMEN__V1__ENTITY__INIT;
	Samen__V1__AgendaItem a = SAMEN__V1__AGENDA_ITEM__INIT;

	a.title = (char *)(uintptr_t)title;
	a.description = (char *)(uintptr_t)description;
	a.phase = SAMEN__V1__AGENDA_ITEM__PHASE__BEFORE_ELECTION;
	e.body_case = SAMEN__V1__ENTITY__BODY_AGENDA_ITEM;
	e.agenda_item = &a;
	put.entity = &e;
	req.body_case = SAMEN__V1__REQUEST__BODY_PUT;
	req.put = &put;
	queue_request(b, id, &req);
}

/* Queues a sync of at most limit changes from rev 0. */
static void
queue_sync(struct evbuffer *b, uint64_t id, uint32_t limit)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__SyncRequest sy = SAMEN__V1__SYNC_REQUEST__INIT;

	sy.limit = limit;
	req.body_case = SAMEN__V1__REQUEST__BODY_SYNC;
	req.sync = &sy;
	queue_request(b, id, &req);
}

/*
 * Queues n requests with ids from 2: agenda puts titled "WHAT k", and
 * when mixed, a sync of one change in place of every second one.
 */
static void
queue_puts(struct evbuffer *b, unsigned n, const char *what, int mixed)
{
	char title[64];
	unsigned k;

	for (k = 0; k < n; k++) {
		snprintf(title, sizeof(title), "%s %u", what, k + 1);
		if (mixed && k % 2 == 1)
			queue_sync(b, 2 + k, 1);
		else
			queue_put_item(b, 2 + k, title, "");
	}
}

/* Queues a hello (odd ids) or a sync of limit changes (even ids). */
static void
queue_hello_or_sync(struct evbuffer *b, uint64_t id, uint32_t limit)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__HelloRequest h = SAMEN__V1__HELLO_REQUEST__INIT;

	if (id % 2 == 0) {
		queue_sync(b, id, limit);
		return;
	}
	h.protocol_version = 1;
	h.client_name = (char *)(uintptr_t)"wireprobe";
	req.body_case = SAMEN__V1__REQUEST__BODY_HELLO;
	req.hello = &h;
	queue_request(b, id, &req);
}

/*
 * Reads the answers to requests first .. first + n - 1 and prints how
 * many of each status came, whether they came in order, and the first
 * message of each code other than OK.  Returns how many came.
 */
static unsigned
read_answers(const char *what, uint64_t first, unsigned n)
{
	unsigned count[11], got = 0, other = 0, i;
	int in_order = 1, seen[11];
	char *why = NULL, *msg[11];
	Samen__V1__Frame *f;

	memset(count, 0, sizeof(count));
	memset(seen, 0, sizeof(seen));
	memset(msg, 0, sizeof(msg));
	while (got < n && (f = read_frame(&why)) != NULL) {
		unsigned c;

		if (f->body_case != SAMEN__V1__FRAME__BODY_RESPONSE ||
		    f->response->status == NULL) {
			frame_free(f);
			continue;	/* an event, say */
		}
		c = f->response->status->code;
		if (f->id != first + got)
			in_order = 0;
		if (c < 11) {
			count[c]++;
			if (!seen[c]++)
				msg[c] = xstrdup(f->response->status->message);
		} else
			other++;
		got++;
		frame_free(f);
	}
	printf("%s sent=%u answered=%u in_order=%s", what, n, got,
	    in_order ? "yes" : "no");
	for (i = 0; i < 11; i++) {
		if (count[i] > 0 || i == 0 || i == 7)
			printf(" %s=%u", codes[i], count[i]);
	}
	if (other > 0)
		printf(" other=%u", other);
	printf("\n");
	for (i = 1; i < 11; i++) {
		if (msg[i] != NULL)
			printf("first %s: %s\n", codes[i], msg[i]);
		free(msg[i]);
	}
	free(msg[0]);
	if (got < n)
		printf("closed%s%s\n", why ? ": " : "", why ? why : "");
	fflush(stdout);
	free(why);
	return got;
}

/*
 * Waits up to secs seconds for the server to close, printing what it
 * sends meanwhile; trickle sends one byte a second of a frame begun.
 * Prints "closed after S s" or "open after S s".
 */
static void
wait_close(double start, double secs, int trickle)
{
	Samen__V1__Frame *f;
	char *why;
	double t;

	for (;;) {
		t = now() - start;
		if (t >= secs) {
			printf("open after %.1f s\n", t);
			break;
		}
		tls_client_set_timeout(tc, secs - t < 1 ? (int)((secs - t) *
		    1000) + 1 : 1000);
		if ((f = read_frame(&why)) != NULL) {
			print_frame(f);
			frame_free(f);
			continue;
		}
		if (!read_timed_out(why)) {
			printf("closed after %.1f s%s%s\n", now() - start,
			    why ? ": " : "", why ? why : "");
			free(why);
			break;
		}
		free(why);
		if (trickle)
			send_raw("x", 1);
	}
	fflush(stdout);
}

/* A plain TCP connection to host:port; -1 on failure. */
static int
tcp_connect(const char *host, const char *port)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype,
		    ai->ai_protocol)) == -1)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/*
 * Handshake slowloris: the first bytes of a TLS record holding a
 * ClientHello, one a second, until the server closes or secs pass.
 */
static void
mode_slowhs(const char *host, const char *port, double secs)
{
	/* Handshake record, TLS 1.0 framing, 512 bytes; ClientHello. */
	static const uint8_t hs[] = {
		0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc,
		0x03, 0x03,
	};
	struct pollfd pfd;
	double start;
	size_t i = 0;
	char c;
	int fd;

	if ((fd = tcp_connect(host, port)) == -1) {
		printf("connect failed: %s\n", strerror(errno));
		exit(1);
	}
	start = now();
	for (;;) {
		c = (char)(i < sizeof(hs) ? hs[i] : 0x5a);
		if (send(fd, &c, 1, MSG_NOSIGNAL) != 1) {
			printf("closed after %.1f s: %s\n", now() - start,
			    strerror(errno));
			break;
		}
		i++;
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 1000) == 1) {
			uint8_t b[512];
			ssize_t n = recv(fd, b, sizeof(b), 0);

			if (n <= 0) {
				printf("closed after %.1f s (%zu bytes "
				    "sent)\n", now() - start, i);
				break;
			}
		}
		if (now() - start >= secs) {
			printf("open after %.1f s (%zu bytes sent)\n",
			    now() - start, i);
			break;
		}
	}
	close(fd);
}

/*
 * A flood of plain TCP connections that never speak: n of them, held
 * for at most secs seconds.  Prints how many the server closed at once
 * (within half a second), how many later and when, and how many stayed.
 */
static void
mode_conns(const char *host, const char *port, unsigned n, double secs)
{
	struct pollfd *pfd;
	double start, first_late = 0, last_late = 0, t;
	unsigned i, opened = 0, at_once = 0, later = 0, left;

	pfd = xcalloc(n, sizeof(*pfd));
	start = now();
	for (i = 0; i < n; i++) {
		pfd[i].fd = tcp_connect(host, port);
		pfd[i].events = POLLIN;
		if (pfd[i].fd != -1)
			opened++;
	}
	printf("conns opened=%u of %u in %.1f s\n", opened, n, now() - start);
	fflush(stdout);
	left = opened;
	while (left > 0 && (t = now() - start) < secs) {
		if (poll(pfd, n, 100) <= 0)
			continue;
		t = now() - start;
		for (i = 0; i < n; i++) {
			uint8_t b[512];

			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			if (recv(pfd[i].fd, b, sizeof(b), MSG_DONTWAIT) > 0)
				continue;
			close(pfd[i].fd);
			pfd[i].fd = -1;
			left--;
			if (t < 0.5)
				at_once++;
			else {
				if (later++ == 0)
					first_late = t;
				last_late = t;
			}
		}
	}
	printf("conns closed_at_once=%u closed_later=%u", at_once, later);
	if (later > 0)
		printf(" (from %.1f to %.1f s)", first_late, last_late);
	printf(" still_open=%u after %.1f s\n", left, now() - start);
	for (i = 0; i < n; i++) {
		if (pfd[i].fd != -1)
			close(pfd[i].fd);
	}
	free(pfd);
}

/* Frame slowloris: a frame begun and never finished. */
static void
mode_midframe(double secs)
{
	uint8_t body[500];
	uint32_t be = htonl(1000);
	double start;

	send_hello(1);
	read_one();
	memset(body, 'x', sizeof(body));
	start = now();
	send_raw(&be, sizeof(be));
	send_raw(body, sizeof(body));
	wait_close(start, secs, 1);
}

/* A frame that is nearly all one repeated field, at most max bytes. */
static void
mode_repeated(const char *what, size_t max)
{
	Samen__V1__Frame f = SAMEN__V1__FRAME__INIT;
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__PutRequest put = SAMEN__V1__PUT_REQUEST__INIT;
	Samen__V1__Entity e = SAMEN__V1__ENTITY__INIT;
	Samen__V1__Availability av = SAMEN__V1__AVAILABILITY__INIT;
	Samen__V1__BusyEntry be = SAMEN__V1__BUSY_ENTRY__INIT;
	Samen__V1__Ranking rk = SAMEN__V1__RANKING__INIT;
	Samen__V1__Meeting mt = SAMEN__V1__MEETING__INIT;
	Samen__V1__PlanRequest pl = SAMEN__V1__PLAN_REQUEST__INIT;
	Samen__V1__BusyEntry **busy;
	char **strs, empty[] = "";
	uint32_t *days;
	size_t n, i, cap = max;
	struct evbuffer *b;

	busy = xcalloc(cap, sizeof(*busy));
	strs = xcalloc(cap, sizeof(*strs));
	days = xcalloc(cap, sizeof(*days));
	for (i = 0; i < cap; i++) {
		busy[i] = &be;
		strs[i] = empty;
		days[i] = 1;
	}
	f.id = 2;
	f.body_case = SAMEN__V1__FRAME__BODY_REQUEST;
	f.request = &req;
	req.body_case = SAMEN__V1__REQUEST__BODY_PUT;
	req.put = &put;
	put.entity = &e;
	if (strcmp(what, "busy") == 0) {
		e.id = (char *)(uintptr_t)"leiden";
		e.body_case = SAMEN__V1__ENTITY__BODY_AVAILABILITY;
		e.availability = &av;
		av.busy = busy;
	} else if (strcmp(what, "ranking") == 0) {
		e.id = (char *)(uintptr_t)"leiden";
		e.body_case = SAMEN__V1__ENTITY__BODY_RANKING;
		e.ranking = &rk;
		rk.item_ids = strs;
	} else if (strcmp(what, "participants") == 0) {
		e.body_case = SAMEN__V1__ENTITY__BODY_MEETING;
		e.meeting = &mt;
		mt.title = (char *)(uintptr_t)"many";
		mt.kind = SAMEN__V1__MEETING__MEETING_KIND__INFORMAL;
		mt.start = 1900000000;
		mt.end = 1900003600;
		mt.host = (char *)(uintptr_t)"leiden";
		mt.participants = strs;
	} else if (strcmp(what, "weekdays") == 0) {
		req.body_case = SAMEN__V1__REQUEST__BODY_PLAN;
		req.plan = &pl;
		pl.count = 1;
		pl.weekdays = days;
	} else {
		fprintf(stderr, "wireprobe: repeated busy|ranking|"
		    "participants|weekdays\n");
		exit(64);
	}

	/* Each entry costs 2 bytes (1 for a packed weekday); the lengths
	 * around them grow a little with n. */
	for (n = max / 2; n > 0; n /= 2) {
		av.n_busy = rk.n_item_ids = mt.n_participants =
		    pl.n_weekdays = n;
		if (samen__v1__frame__get_packed_size(&f) <= max)
			break;
	}
	for (i = n / 2; i > 0; i /= 2) {
		av.n_busy = rk.n_item_ids = mt.n_participants =
		    pl.n_weekdays = n + i;
		if (n + i <= cap &&
		    samen__v1__frame__get_packed_size(&f) <= max)
			n += i;
	}
	av.n_busy = rk.n_item_ids = mt.n_participants = pl.n_weekdays = n;

	send_hello(1);
	read_one();
	printf("repeated %s: %zu entries in a frame of %zu bytes\n", what, n,
	    samen__v1__frame__get_packed_size(&f));
	fflush(stdout);
	b = evbuffer_new();
	frame_append(b, &f, 1 << 30);
	send_buffer(b);
	evbuffer_free(b);
	if (read_one()) {
		send_hello(3);
		read_one();
	}
	free(busy);
	free(strs);
	free(days);
}

/* One field given to `send`. */
struct spec {
	int	 path[8];
	int	 depth;
	int	 varint;
	uint64_t num;
	char	*text;
	size_t	 len;
	int	 done;
};

/* Appends a varint. */
static void
pb_varint(struct evbuffer *b, uint64_t v)
{
	uint8_t c;

	do {
		c = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v != 0)
			c |= 0x80;
		evbuffer_add(b, &c, 1);
	} while (v != 0);
}

/* Appends a length-delimited field. */
static void
pb_bytes(struct evbuffer *b, int field, const void *p, size_t len)
{
	pb_varint(b, ((uint64_t)field << 3) | 2);
	pb_varint(b, len);
	evbuffer_add(b, p, len);
}

/*
 * Encodes the specs v[0 .. n-1] at depth level into b, in the order
 * given; specs deeper down with the same field at this level become one
 * nested message.
 */
static void
pb_encode(struct evbuffer *b, struct spec **v, size_t n, int level)
{
	struct spec **sub;
	struct evbuffer *nb;
	size_t i, j, m;
	int field;

	for (i = 0; i < n; i++) {
		if (v[i]->done & (1 << level))
			continue;
		field = v[i]->path[level];
		if (v[i]->depth == level + 1) {
			v[i]->done |= 1 << level;
			if (v[i]->varint) {
				pb_varint(b, (uint64_t)field << 3);
				pb_varint(b, v[i]->num);
			} else
				pb_bytes(b, field, v[i]->text, v[i]->len);
			continue;
		}
		sub = xcalloc(n, sizeof(*sub));
		for (j = i, m = 0; j < n; j++) {
			if (!(v[j]->done & (1 << level)) &&
			    v[j]->depth > level + 1 &&
			    v[j]->path[level] == field) {
				v[j]->done |= 1 << level;
				sub[m++] = v[j];
			}
		}
		nb = evbuffer_new();
		pb_encode(nb, sub, m, level + 1);
		pb_bytes(b, field, evbuffer_pullup(nb, -1),
		    evbuffer_get_length(nb));
		evbuffer_free(nb);
		free(sub);
	}
}

/* Parses one SPEC; exits with a usage error when it is not one. */
static void
spec_parse(const char *arg, struct spec *sp)
{
	const char *p = arg, *eq;
	char *ep, *t;

	memset(sp, 0, sizeof(*sp));
	if ((eq = strchr(arg, '=')) == NULL)
		goto bad;
	while (p < eq && *p != '#') {
		if (sp->depth == 8)
			goto bad;
		sp->path[sp->depth++] = (int)strtol(p, &ep, 10);
		if (ep == p || sp->path[sp->depth - 1] <= 0)
			goto bad;
		p = ep;
		if (*p == '.')
			p++;
	}
	if (sp->depth == 0)
		goto bad;
	if (*p == '#') {
		sp->varint = 1;
		errno = 0;
		if (eq[1] == '-')
			sp->num = (uint64_t)strtoll(eq + 1, &ep, 10);
		else
			sp->num = strtoull(eq + 1, &ep, 10);
		if (ep == eq + 1 || *ep != '\0' || errno != 0)
			goto bad;
		return;
	}
	/* The text, with \xNN, \0 and \\ undone. */
	sp->text = t = xmalloc(strlen(eq + 1) + 1);
	for (p = eq + 1; *p != '\0'; p++) {
		if (p[0] == '\\' && p[1] == 'x' && p[2] != '\0' &&
		    p[3] != '\0') {
			char hex[3] = { p[2], p[3], '\0' };

			*t++ = (char)strtoul(hex, NULL, 16);
			p += 3;
		} else if (p[0] == '\\' && p[1] == '0') {
			*t++ = '\0';
			p++;
		} else if (p[0] == '\\' && p[1] == '\\') {
			*t++ = '\\';
			p++;
		} else
			*t++ = *p;
	}
	sp->len = (size_t)(t - sp->text);
	return;
bad:
	fprintf(stderr, "wireprobe: '%s' is not PATH=TEXT or PATH#=NUMBER\n",
	    arg);
	exit(64);
}

/* One request built from specs, between two hellos. */
static void
mode_send(char **args, int n)
{
	struct spec *specs, **v;
	struct evbuffer *req, *fr, *b;
	uint32_t be;
	int i;

	specs = xcalloc((size_t)n, sizeof(*specs));
	v = xcalloc((size_t)n, sizeof(*v));
	for (i = 0; i < n; i++) {
		spec_parse(args[i], &specs[i]);
		v[i] = &specs[i];
	}
	req = evbuffer_new();
	fr = evbuffer_new();
	b = evbuffer_new();
	pb_encode(req, v, (size_t)n, 0);
	pb_varint(fr, 1 << 3);		/* Frame.id = 2 */
	pb_varint(fr, 2);
	pb_bytes(fr, 2, evbuffer_pullup(req, -1), evbuffer_get_length(req));
	be = htonl((uint32_t)evbuffer_get_length(fr));
	evbuffer_add(b, &be, sizeof(be));
	evbuffer_add_buffer(b, fr);

	send_hello(1);
	read_one();
	send_buffer(b);
	if (read_one()) {
		send_hello(3);
		read_one();
	}
	for (i = 0; i < n; i++)
		free(specs[i].text);
	free(specs);
	free(v);
	evbuffer_free(req);
	evbuffer_free(fr);
	evbuffer_free(b);
}

int
main(int argc, char **argv)
{
	struct tls_files f;
	static char host[256];
	char *port, *colon, *cause = NULL;
	const char *mode;
	uint8_t buf[64];
	uint32_t be;
	int i;

	log_init("wireprobe", LOG_LEVEL_WARN);
	signal(SIGPIPE, SIG_IGN);
	if (argc < 6) {
		fprintf(stderr, "usage: wireprobe HOST:PORT CA CERT KEY MODE "
		    "[ARG ...]\n");
		return 64;
	}
	colon = strrchr(argv[1], ':');
	if (colon == NULL)
		fatalx("HOST:PORT");
	snprintf(host, sizeof(host), "%.*s", (int)(colon - argv[1]), argv[1]);
	port = colon + 1;
	f.ca = argv[2];
	f.cert = argv[3];
	f.key = argv[4];
	f.crl = NULL;
	mode = argv[5];
	if ((inbuf = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	/* Modes below TLS. */
	if (strcmp(mode, "slowhs") == 0 && argc == 7) {
		mode_slowhs(host, port, atof(argv[6]));
		return 0;
	}
	if (strcmp(mode, "conns") == 0 && argc == 8) {
		mode_conns(host, port, (unsigned)strtoul(argv[6], NULL, 10),
		    atof(argv[7]));
		return 0;
	}
	/* Long enough for the daemon's idle timeout in the tests. */
	if ((tc = tls_client_connect(host, port, &f, 30000, &cause)) == NULL) {
		printf("connect failed: %s\n", cause);
		return 1;
	}

	if (strcmp(mode, "hello") == 0) {
		send_hello(1);
		read_one();
	} else if (strcmp(mode, "stats") == 0) {
		send_hello(1);
		read_one();
		send_stats(2);
		read_one();
	} else if (strcmp(mode, "oversize") == 0 && argc == 7) {
		be = htonl((uint32_t)strtoul(argv[6], NULL, 10));
		send_raw(&be, sizeof(be));
		memset(buf, 'x', sizeof(buf));
		send_raw(buf, sizeof(buf));
		read_until_closed();
	} else if (strcmp(mode, "truncated") == 0) {
		send_hello(1);
		read_one();
		be = htonl(100);
		send_raw(&be, sizeof(be));
		memset(buf, 0, 10);
		send_raw(buf, 10);
		read_until_closed();
	} else if (strcmp(mode, "garbage") == 0) {
		be = htonl(8);
		send_raw(&be, sizeof(be));
		memset(buf, 0xff, 8);
		send_raw(buf, 8);
		read_until_closed();
	} else if (strcmp(mode, "unknown") == 0) {
		send_hello(1);
		read_one();
		/*
		 * Frame { id = 2, request = { field 999 varint 1 } }:
		 * field 999, wire type 0 -> tag 7992 = 0xb8 0x3e.
		 */
		{
			static const uint8_t fr[] = {
				0x00, 0x00, 0x00, 0x07,
				0x08, 0x02,		/* id = 2 */
				0x12, 0x03,		/* request, 3 bytes */
				0xb8, 0x3e, 0x01,	/* field 999 = 1 */
			};
			send_raw(fr, sizeof(fr));
		}
		read_one();
		send_hello(3);
		read_one();
	} else if (strcmp(mode, "event") == 0) {
		Samen__V1__Frame fe = SAMEN__V1__FRAME__INIT;
		Samen__V1__Event ev = SAMEN__V1__EVENT__INIT;

		fe.id = 1;
		fe.body_case = SAMEN__V1__FRAME__BODY_EVENT;
		fe.event = &ev;
		send_frame(&fe);
		read_until_closed();
	} else if (strcmp(mode, "nohello") == 0) {
		send_stats(1);
		read_one();
		send_hello(2);
		read_one();
	} else if (strcmp(mode, "hold") == 0 && argc == 7) {
		send_hello(1);
		read_one();
		for (i = 0; i < 200 && access(argv[6], F_OK) != 0; i++)
			poll(NULL, 0, 100);
		send_hello(2);
		read_one();
	} else if (strcmp(mode, "stall") == 0 && argc == 7) {
		Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
		Samen__V1__WatchRequest w = SAMEN__V1__WATCH_REQUEST__INIT;
		send_hello(1);
		read_one();
		req.body_case = SAMEN__V1__REQUEST__BODY_WATCH;
		req.watch = &w;
		send_request(2, &req);
		read_one();
		for (i = 0; i < 600 && access(argv[6], F_OK) != 0; i++)
			poll(NULL, 0, 100);
		/* Skip the events; print the responses and the close. */
		for (;;) {
			Samen__V1__Frame *fr;
			char rb[16384], *why = NULL;
			ssize_t n;

			while (frame_cut(inbuf, 1 << 30, &fr, NULL) == FRAME_OK) {
				if (fr->body_case ==
				    SAMEN__V1__FRAME__BODY_RESPONSE &&
				    fr->response->status != NULL)
					printf("response %llu %s %s\n",
					    (unsigned long long)fr->id,
					    codes[fr->response->status->code %
					    11], fr->response->status->message);
				frame_free(fr);
			}
			n = tls_client_read(tc, rb, sizeof(rb), &why);
			if (n <= 0) {
				printf("closed\n");
				free(why);
				break;
			}
			evbuffer_add(inbuf, rb, (size_t)n);
		}
	} else if (strcmp(mode, "noread") == 0 && argc <= 7) {
		Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
		Samen__V1__WatchRequest w = SAMEN__V1__WATCH_REQUEST__INIT;
		double secs = argc == 7 ? atof(argv[6]) : 120;

		send_hello(1);
		read_one();
		req.body_case = SAMEN__V1__REQUEST__BODY_WATCH;
		req.watch = &w;
		send_request(2, &req);
		read_one();
		/* Not another byte read: the server's buffers fill. */
		for (i = 0; i < secs * 10; i++)
			poll(NULL, 0, 100);
		printf("gave up after %.0f s\n", secs);
	} else if (strcmp(mode, "midframe") == 0 && argc == 7) {
		mode_midframe(atof(argv[6]));
	} else if (strcmp(mode, "idle") == 0 && argc == 7) {
		send_hello(1);
		read_one();
		wait_close(now(), atof(argv[6]), 0);
	} else if (strcmp(mode, "pipeline") == 0 && (argc == 7 || argc == 8)) {
		struct evbuffer *b = evbuffer_new();
		unsigned n = (unsigned)strtoul(argv[6], NULL, 10), k;
		uint32_t limit = argc == 8 ?
		    (uint32_t)strtoul(argv[7], NULL, 10) : 1;

		send_hello(1);
		read_one();
		for (k = 0; k < n; k++)
			queue_hello_or_sync(b, 2 + k, limit);
		send_buffer(b);
		evbuffer_free(b);
		read_answers("pipeline", 2, n);
	} else if (strcmp(mode, "mixed") == 0 && argc == 7) {
		struct evbuffer *b = evbuffer_new();
		unsigned n = (unsigned)strtoul(argv[6], NULL, 10);

		send_hello(1);
		read_one();
		queue_puts(b, n, "mixed", 1);
		send_buffer(b);
		evbuffer_free(b);
		read_answers("mixed", 2, n);
	} else if (strcmp(mode, "flood") == 0 && (argc == 7 || argc == 8)) {
		struct evbuffer *b = evbuffer_new();
		unsigned n = (unsigned)strtoul(argv[6], NULL, 10);

		send_hello(1);
		read_one();
		queue_puts(b, n, "flood", 0);
		send_buffer(b);
		if (read_answers("flood", 2, n) == n && argc == 8) {
			poll(NULL, 0, (int)(atof(argv[7]) * 1000));
			queue_put_item(b, 2 + n, "after the wait", "");
			send_buffer(b);
			read_one();
		}
		evbuffer_free(b);
	} else if (strcmp(mode, "puts") == 0 && argc == 8) {
		struct evbuffer *b = evbuffer_new();
		unsigned n = (unsigned)strtoul(argv[6], NULL, 10), k;
		size_t len = strtoul(argv[7], NULL, 10);
		char title[64], *desc = xmalloc(len + 1);

		memset(desc, 'x', len);
		desc[len] = '\0';
		send_hello(1);
		read_one();
		for (k = 0; k < n; k++) {
			snprintf(title, sizeof(title), "big %u", k + 1);
			queue_put_item(b, 2 + k, title, desc);
			send_buffer(b);
			if (read_answers("put", 2 + k, 1) != 1)
				break;
		}
		evbuffer_free(b);
		free(desc);
	} else if (strcmp(mode, "repeated") == 0 && argc == 8) {
		mode_repeated(argv[6], strtoul(argv[7], NULL, 10));
	} else if (strcmp(mode, "send") == 0 && argc >= 7) {
		mode_send(argv + 6, argc - 6);
	} else {
		fprintf(stderr, "wireprobe: unknown mode %s\n", mode);
		return 64;
	}
	tls_client_close(tc);
	evbuffer_free(inbuf);
	return 0;
}
