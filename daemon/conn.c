/*
 * One connection: a bufferevent_openssl, an explicit state, one read
 * path (cut complete frames, unpack, dispatch) and one way to die,
 * conn_lost().  A single timer serves as handshake timeout, then idle
 * timeout, then the bound on a closing flush.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/bufferevent_struct.h>
#include <event2/event.h>
#include <openssl/ssl.h>

#include "samend.h"
#include "xmalloc.h"

/* The largest response we pack; a bigger one is our own bug. */
#define CONN_MAX_OUT_FRAME	(64 * 1024 * 1024)
#define CONN_CLOSE_GRACE	2	/* seconds to flush before closing */
#define CONN_LINGER		2	/* seconds to drain a refused socket */
#define CONN_READ_CHUNK		896	/* bytes read at a time (conn_accept) */

static const char *const conn_state_names[] = {
	"handshake", "ready", "watching", "closing",
};

static void	conn_read_cb(struct bufferevent *, void *);
static void	conn_read_frames(struct conn *);
static void	conn_write_cb(struct bufferevent *, void *);
static void	conn_event_cb(struct bufferevent *, short, void *);
static void	conn_timer_cb(evutil_socket_t, short, void *);

/* The one place the state changes. */
static void
conn_set_state(struct conn *c, enum conn_state state)
{
	log_debug("conn %llu %s: %s -> %s", (unsigned long long)c->id,
	    c->peer, conn_state_names[c->state], conn_state_names[state]);
	c->state = state;
}

/* (Re)arms the connection's timer for secs seconds; 0: disarm. */
static void
conn_arm(struct conn *c, long long secs)
{
	struct timeval tv = { (time_t)secs, 0 };

	if (secs <= 0)
		evtimer_del(c->timer);
	else
		evtimer_add(c->timer, &tv);
}

/*
 * Arms the timer for what the connection waits for now: the end of a
 * begun frame, else a request (idle timeout), else, for a watcher,
 * nothing.
 */
static void
conn_rearm(struct conn *c)
{
	if (c->partial)
		conn_arm(c, c->srv->cfg->frame_timeout);
	else if (c->state == CONN_READY)
		conn_arm(c, c->srv->cfg->idle_timeout);
	else if (c->state == CONN_WATCHING)
		conn_arm(c, 0);
}

/* Takes an accepted socket and starts its TLS handshake. */
void
conn_accept(struct server *srv, int fd, const struct sockaddr *sa, int len)
{
	struct conn *c;
	struct ssl_st *ssl;

	(void)len;
	c = xcalloc(1, sizeof(*c));
	c->srv = srv;
	c->id = ++srv->next_conn_id;
	c->state = CONN_HANDSHAKE;
	server_addrstr(sa, c->peer, sizeof(c->peer));
	evutil_make_socket_nonblocking(fd);
	{
		int on = 1;

		/* Answers go out at once (no Nagle delay on small frames);
		 * keepalive finds peers that vanished. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	}
	/*
	 * The connection owns fd and ssl itself (no BEV_OPT_CLOSE_ON_FREE),
	 * so that conn_lost() can send close_notify, or linger after a
	 * refusal so the client reads our alert.
	 */
	c->fd = fd;
	c->ssl = ssl = tls_server_ssl(srv->tls);
	c->bev = bufferevent_openssl_socket_new(srv->base, fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, 0);
	if (c->bev == NULL)
		fatalx("bufferevent_openssl_socket_new failed");
	/* A peer that closes without close_notify is an ordinary close. */
	bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
	/*
	 * Read in chunks whose buffers stay under 1 KiB, the sizes glibc's
	 * malloc keeps at hand (tcache and its first large bin).  libevent
	 * takes a fresh 8 KiB buffer for every read otherwise, and once a
	 * storm of connections has come and gone, finding one in the holes
	 * they leave costs a fifth of a request.
	 */
	bufferevent_set_max_single_read(c->bev, CONN_READ_CHUNK);
	bufferevent_setcb(c->bev, conn_read_cb, conn_write_cb, conn_event_cb,
	    c);
	if ((c->timer = evtimer_new(srv->base, conn_timer_cb, c)) == NULL)
		fatalx("evtimer_new failed");
	TAILQ_INSERT_TAIL(&srv->conns, c, entry);
	srv->nconns++;
	srv->accepted_total++;
	conn_arm(c, srv->cfg->handshake_timeout);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	log_debug("conn %llu: accepted %s", (unsigned long long)c->id,
	    c->peer);
}

/* A refused socket: discard what the client still sends, then close. */
static void
conn_linger_cb(evutil_socket_t fd, short what, void *arg)
{
	struct linger_sock *l = arg;
	char buf[4096];

	if ((what & EV_READ) && recv(fd, buf, sizeof(buf), 0) > 0)
		return;
	conn_linger_free(l);
}

/* Frees a lingering socket. */
void
conn_linger_free(struct linger_sock *l)
{
	TAILQ_REMOVE(&l->srv->lingering, l, entry);
	l->srv->nlinger--;
	event_free(l->ev);
	close(l->fd);
	free(l);
}

/*
 * Closes fd, when we are the side that ends the connection, without
 * losing our last words (an alert, an error response) on their way to
 * the client: closing a socket with unread input sends a reset, which
 * can overtake them.  So shut down our side, read and drop whatever
 * still comes for a short while, then close.
 */
static void
conn_linger(struct server *srv, int fd)
{
	struct linger_sock *l;
	struct timeval tv = { CONN_LINGER, 0 };

	if (srv->stopping || shutdown(fd, SHUT_WR) == -1) {
		close(fd);
		return;
	}
	l = xcalloc(1, sizeof(*l));
	l->srv = srv;
	l->fd = fd;
	l->ev = event_new(srv->base, fd, EV_READ | EV_PERSIST,
	    conn_linger_cb, l);
	if (l->ev == NULL)
		fatalx("event_new failed");
	TAILQ_INSERT_TAIL(&srv->lingering, l, entry);
	srv->nlinger++;
	event_add(l->ev, &tv);
}

/*
 * The end of every connection: logs why, frees everything.  c is gone
 * when this returns.  The last connection gone while stopping ends the
 * loop.
 */
void
conn_lost(struct conn *c, const char *why)
{
	struct server *srv = c->srv;
	int refused = c->state == CONN_HANDSHAKE || c->refused;
	int linger = refused || !c->peer_closed;

	if (refused)
		log_debug("%s: %s", c->peer, why);	/* the reason was logged */
	else
		log_info("%s: %s (%s, %s) disconnected: %s", c->peer,
		    c->who.name, c->who.municipality,
		    tls_role_name(c->who.role), why);
	commit_forget_conn(srv, c);
	if (c->reading_on)
		TAILQ_REMOVE(&srv->readon, c, readon_entry);
	if (c->kicked)
		TAILQ_REMOVE(&srv->kicked, c, kicked_entry);
	frame_free(c->held);
	TAILQ_REMOVE(&srv->conns, c, entry);
	srv->nconns--;
	event_free(c->timer);
	bufferevent_free(c->bev);
	if (!refused && !c->peer_closed)
		tls_close_notify(c->ssl);
	tls_ssl_free(c->ssl);
	if (linger)
		conn_linger(srv, c->fd);
	else
		close(c->fd);
	free(c);
	if (srv->stopping && srv->nconns == 0)
		event_base_loopexit(srv->base, NULL);
}

/*
 * Stops reading and lets the output drain before the connection ends,
 * so a last error response reaches the client.  Never frees c itself:
 * the write callback or the timer does, from the loop.
 */
void
conn_close(struct conn *c)
{
	if (c->state == CONN_CLOSING)
		return;
	conn_set_state(c, CONN_CLOSING);
	bufferevent_disable(c->bev, EV_READ);
	conn_arm(c, CONN_CLOSE_GRACE);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		event_active(c->timer, EV_TIMEOUT, 1);
}

/* Closes every connection, for shutdown. */
void
conn_close_all(struct server *srv)
{
	struct conn *c, *next;

	for (c = TAILQ_FIRST(&srv->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->state == CONN_HANDSHAKE)
			conn_lost(c, "shutting down");
		else
			conn_close(c);
	}
}

/*
 * An answer just added to a connection that had nothing queued goes out
 * in this pass of the loop.  libevent 2.1's bufferevent_openssl only
 * arms its write event when output arrives, so each answer would cost a
 * turn and two epoll_ctl calls (arm, then disarm once written).  Running
 * the write event now, after this pass's reads, writes each
 * connection's answers together, and the arming and disarming cancel out
 * in the epoll change list (an active event is not queued twice).
 * Output that is backed up waits for the socket to take it, as before.
 * Called after the output was added: libevent arms an event that is
 * already active only in name, and the write would then never resume
 * after a full socket.
 *
 * In the commit's pass (priority 2) the write event is raised to that
 * priority, or it would run only after libevent has polled again; the
 * kicked list's event, queued behind those writes at the end of the
 * commit (conn_kicked_end), sets it back to 1, so that what a full
 * socket left over goes out at the readers' pace, not the commit's.
 * An active event keeps its priority (libevent refuses the change).
 * (Connections without TLS, in the fuzz harness, have no such event.)
 */
void
conn_kick(struct conn *c)
{
	struct event *ev;

	if (c->ssl == NULL)
		return;
	ev = &c->bev->ev_write;
	if (c->srv->committing) {
		if (event_priority_set(ev, 2) == 0 && !c->kicked) {
			c->kicked = 1;
			TAILQ_INSERT_TAIL(&c->srv->kicked, c, kicked_entry);
		}
	} else if (c->kicked)
		(void)event_priority_set(ev, 1);
	event_active(ev, EV_WRITE, 1);
}

/*
 * A commit is over: the kicked list's event goes behind its kicked
 * writes.  Taken off the queue first: a second commit in the same pass
 * (a connection it resumed wrote again) kicks writes behind where the
 * event of the first one waits, and an active event keeps its place.
 */
void
conn_kicked_end(struct server *srv)
{
	if (TAILQ_EMPTY(&srv->kicked))
		return;
	event_del(srv->kicked_ev);
	event_active(srv->kicked_ev, EV_TIMEOUT, 1);
}

/*
 * After the commit's writes: their events back at the readers'
 * priority.  One still active was kicked since, outside a commit, and
 * is at 1 already: a kick at 2 comes only from a commit, and each
 * commit queues this event behind its kicks.
 */
static void
conn_kicked_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;
	struct conn *c;

	(void)fd;
	(void)what;
	while ((c = TAILQ_FIRST(&srv->kicked)) != NULL) {
		TAILQ_REMOVE(&srv->kicked, c, kicked_entry);
		c->kicked = 0;
		(void)event_priority_set(&c->bev->ev_write, 1);
	}
#ifdef SAMEN_FAULTS
	/* The test build checks that no write was left at the commit's. */
	TAILQ_FOREACH(c, &srv->conns, entry) {
		if (!c->kicked && c->ssl != NULL &&
		    event_get_priority(&c->bev->ev_write) != 1)
			fatalx("%s: write event left at priority %d", c->peer,
			    event_get_priority(&c->bev->ev_write));
	}
#endif
}

/* The server's kicked event, at the commit's priority. */
struct event *
conn_kicked_new(struct server *srv)
{
	struct event *ev;

	if ((ev = event_new(srv->base, -1, 0, conn_kicked_cb, srv)) != NULL &&
	    event_priority_set(ev, 2) == -1) {
		event_free(ev);
		ev = NULL;
	}
	return ev;
}

/* Queues one frame for the client. */
void
conn_send(struct conn *c, const Samen__V1__Frame *f)
{
	conn_send_sync(c, f, NULL);
}

/* Sends a response whose sync page holds these encoded changes too. */
void
conn_send_sync(struct conn *c, const Samen__V1__Frame *f,
    struct evbuffer *changes)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	size_t extra = changes ? evbuffer_get_length(changes) : 0;
	int idle = evbuffer_get_length(out) == 0;

	if (frame_append_sync(out, f, changes, CONN_MAX_OUT_FRAME) == -1)
		fatalx("conn_send: response of %zu bytes exceeds %d",
		    samen__v1__frame__get_packed_size(f) + extra,
		    CONN_MAX_OUT_FRAME);
	if (idle)
		conn_kick(c);
}

/* Sends a response of just a status, with the given frame id. */
void
conn_send_status(struct conn *c, uint64_t id, Samen__V1__Status__Code code,
    const char *msg)
{
	Samen__V1__Frame f = SAMEN__V1__FRAME__INIT;
	Samen__V1__Response r = SAMEN__V1__RESPONSE__INIT;
	Samen__V1__Status st = SAMEN__V1__STATUS__INIT;

	st.code = code;
	st.message = (char *)(uintptr_t)msg;
	r.status = &st;
	f.id = id;
	f.body_case = SAMEN__V1__FRAME__BODY_RESPONSE;
	f.response = &r;
	conn_send(c, &f);
}

/* Sends an error with that frame id (0: the connection's), then closes. */
void
conn_fail(struct conn *c, uint64_t id, Samen__V1__Status__Code code,
    const char *msg)
{
	log_warnx("%s: %s (%s): %s; closing", c->peer, c->who.name,
	    c->who.municipality, msg);
	conn_send_status(c, id, code, msg);
	conn_close(c);
}

/* The connection's output buffer. */
struct evbuffer *
conn_output(struct conn *c)
{
	return bufferevent_get_output(c->bev);
}

/* Reads on after a held write was answered. */
void
conn_resume(struct conn *c)
{
	if (c->state == CONN_READY || c->state == CONN_WATCHING)
		conn_read_cb(c->bev, c);
}

/* Enters or leaves the watching state. */
void
conn_watching(struct conn *c, uint64_t watch_id)
{
	int sndbuf;

	c->watch_id = watch_id;
	if (watch_id != 0 && c->state == CONN_READY) {
		/*
		 * Bound what the kernel queues for a watcher too, so that one
		 * that stops reading is noticed after about twice
		 * [limits] watch_buffer, not after megabytes of autotuned
		 * socket buffer.
		 */
		sndbuf = (int)c->srv->cfg->watch_buffer;
		if (setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
		    sizeof(sndbuf)) == -1)
			log_warn("%s: SO_SNDBUF", c->peer);
		conn_set_state(c, CONN_WATCHING);
		/* A watcher is quiet by nature: no idle timeout; TCP
		 * keepalive finds one that vanished. */
		conn_rearm(c);
	} else if (watch_id == 0 && c->state == CONN_WATCHING) {
		conn_set_state(c, CONN_READY);
		conn_rearm(c);
		return;
	}
}

/*
 * A begun frame must end within [limits] frame_timeout, however slowly
 * its bytes come; once the input is empty again the idle timeout (or,
 * for a watcher, none) is back.
 */
static void
conn_frame_deadline(struct conn *c, struct evbuffer *in)
{
	if (evbuffer_get_length(in) > 0 && !c->partial) {
		c->partial = 1;
		conn_arm(c, c->srv->cfg->frame_timeout);
	} else if (evbuffer_get_length(in) == 0 && c->partial) {
		c->partial = 0;
		conn_rearm(c);
	}
}

/*
 * The request budget, a token bucket: [limits] request_rate a second,
 * at most request_burst at once.  A request over it is answered
 * RESOURCE_EXHAUSTED and not run.  1: go ahead.
 */
static int
conn_budget(struct conn *c, uint64_t id)
{
	const struct config *cfg = c->srv->cfg;
	Samen__V1__Frame f = SAMEN__V1__FRAME__INIT;
	Samen__V1__Response r = SAMEN__V1__RESPONSE__INIT;
	Samen__V1__Status st = SAMEN__V1__STATUS__INIT;
	struct evbuffer *held;
	struct timeval now;
	double dt;
	char msg[200];

	if (cfg->request_rate == 0)
		return 1;
	event_base_gettimeofday_cached(c->srv->base, &now);
	dt = (double)(now.tv_sec - c->refilled.tv_sec) +
	    (double)(now.tv_usec - c->refilled.tv_usec) / 1e6;
	if (dt > 0) {
		c->tokens += dt * (double)cfg->request_rate;
		c->refilled = now;
	}
	if (c->tokens > (double)cfg->request_burst)
		c->tokens = (double)cfg->request_burst;
	if (c->tokens >= 1) {
		c->tokens -= 1;
		return 1;
	}
	if (c->requests_refused++ == 0)
		log_warnx("%s: %s (%s): over the request budget ([limits] "
		    "request_rate %lld a second); refusing requests until it "
		    "refills", c->peer, c->who.name, c->who.municipality,
		    cfg->request_rate);
	snprintf(msg, sizeof(msg), "request budget exceeded: at most %lld "
	    "requests a second ([limits] request_rate); nothing was done, try "
	    "again shortly", cfg->request_rate);
	if (c->pending == 0) {
		conn_send_status(c, id,
		    SAMEN__V1__STATUS__CODE__RESOURCE_EXHAUSTED, msg);
		return 0;
	}
	/* Answers go out in order: this one after the writes before it. */
	if ((held = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	st.code = SAMEN__V1__STATUS__CODE__RESOURCE_EXHAUSTED;
	st.message = msg;
	r.status = &st;
	f.id = id;
	f.body_case = SAMEN__V1__FRAME__BODY_RESPONSE;
	f.response = &r;
	if (frame_append(held, &f, SIZE_MAX) == -1)
		fatalx("conn_budget: a status does not pack");
	commit_defer(c->srv, c, held, 0);
	return 0;
}

/* Whether OpenSSL holds bytes of c that c would read now. */
static int
conn_has_buffered(struct conn *c)
{
	return (c->state == CONN_READY || c->state == CONN_WATCHING) &&
	    c->ssl != NULL && (bufferevent_get_enabled(c->bev) & EV_READ) &&
	    SSL_has_pending(c->ssl);
}

/*
 * Records the server's read-ahead (tls_server_ctx) took from the socket
 * but that libevent has not asked OpenSSL for: it asks again only when
 * the socket is readable, which it may not become.  Such a connection
 * goes on the server's readon list, whose event runs their read events
 * in the next turn of the loop, after a poll: a client that keeps its
 * socket full then takes one turn at a time, as without read-ahead, and
 * never holds the loop from the other connections, the timers and the
 * commit.
 */
static void
conn_read_buffered(struct conn *c)
{
	static const struct timeval now = { 0, 0 };

	if (c->reading_on || !conn_has_buffered(c))
		return;
	/* Scheduled once for the list: adding it again would put it off. */
	if (TAILQ_EMPTY(&c->srv->readon))
		evtimer_add(c->srv->readon_ev, &now);
	c->reading_on = 1;
	TAILQ_INSERT_TAIL(&c->srv->readon, c, readon_entry);
}

/* The readon list's turn: each connection reads what OpenSSL holds. */
static void
conn_readon_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;
	struct conn_list todo;
	struct conn *c;

	(void)fd;
	(void)what;
	/* Those that read now and still hold more wait for the next. */
	TAILQ_INIT(&todo);
	TAILQ_CONCAT(&todo, &srv->readon, readon_entry);
	while ((c = TAILQ_FIRST(&todo)) != NULL) {
		TAILQ_REMOVE(&todo, c, readon_entry);
		c->reading_on = 0;
		if (conn_has_buffered(c))
			event_active(&c->bev->ev_read, EV_READ, 1);
	}
}

/* The server's readon event (conn_read_buffered). */
struct event *
conn_readon_new(struct server *srv)
{
	return evtimer_new(srv->base, conn_readon_cb, srv);
}

/* Input arrived, or the connection may read on. */
static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	conn_read_frames(c);
	conn_read_buffered(c);
}

/*
 * Cuts and dispatches every whole frame in the input.  Requests are
 * answered in order, each before the next is read.
 */
static void
conn_read_frames(struct conn *c)
{
	struct bufferevent *bev = c->bev;
	struct evbuffer *in = bufferevent_get_input(bev);
	Samen__V1__Frame *f;
	enum frame_result fr;
	uint32_t len = 0;
	char msg[160];

	if (c->throttled)
		return;		/* until its answers have gone out */
	/* Bytes that trickle into a begun frame do not put off its end. */
	if (c->state == CONN_READY && !c->partial)
		conn_arm(c, c->srv->cfg->idle_timeout);
	/* A connection with a write awaiting its commit reads no further. */
	while (c->state == CONN_READY || c->state == CONN_WATCHING) {
		/*
		 * A client that asks faster than it reads is read no further
		 * until its answers are on their way ([limits] watch_buffer
		 * bounds what waits for it, watchers included).
		 */
		if (evbuffer_get_length(bufferevent_get_output(bev)) >
		    (size_t)c->srv->cfg->watch_buffer) {
			c->throttled = 1;
			bufferevent_disable(bev, EV_READ);
			return;
		}
		/*
		 * While a write awaits its commit, further writes join the
		 * same batch (their answers queue behind it, in order); the
		 * first request that is not a write waits, so that it sees
		 * the writes before it.
		 */
		if (c->held != NULL) {
			if (c->pending > 0)
				return;
			f = c->held;
			c->held = NULL;
		} else {
			fr = frame_cut(in, (size_t)c->srv->cfg->max_frame, &f,
			    &len);
			if (fr == FRAME_AGAIN) {
				conn_frame_deadline(c, in);
				return;
			}
			/* Each frame has its own deadline. */
			if (fr == FRAME_OK && c->partial) {
				c->partial = 0;
				conn_rearm(c);
			}
			if (fr == FRAME_TOO_LARGE) {
				snprintf(msg, sizeof(msg), "frame of %u bytes "
				    "is above the limit of %lld bytes", len,
				    c->srv->cfg->max_frame);
				conn_fail(c, 0,
				    SAMEN__V1__STATUS__CODE__RESOURCE_EXHAUSTED,
				    msg);
				return;
			}
			if (fr == FRAME_COSTLY) {
				snprintf(msg, sizeof(msg), "frame would take "
				    "more than %zu bytes of memory to read",
				    (size_t)len * FRAME_UNPACK_FACTOR +
				    FRAME_UNPACK_MIN);
				conn_fail(c, 0,
				    SAMEN__V1__STATUS__CODE__RESOURCE_EXHAUSTED,
				    msg);
				return;
			}
			if (fr == FRAME_NUL) {
				conn_fail(c, 0,
				    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
				    "a string in the frame holds a NUL byte; "
				    "text is UTF-8 without NUL");
				return;
			}
			if (fr == FRAME_INVALID) {
				conn_fail(c, 0,
				    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
				    "frame is not a valid samen.v1.Frame");
				return;
			}
			if (f->body_case != SAMEN__V1__FRAME__BODY_REQUEST) {
				frame_free(f);
				conn_fail(c, 0,
				    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
				    "a client may only send requests");
				return;
			}
			if (!conn_budget(c, f->id)) {
				frame_free(f);
				continue;
			}
			if (c->pending > 0 && !dispatch_writes(f->request)) {
				c->held = f;
				return;
			}
		}
		c->requests++;
		dispatch_request(c, f->id, f->request);
		frame_free(f);
	}
}

/* Output drained: a closing connection may now end. */
static void
conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (c->state == CONN_CLOSING &&
	    evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
		conn_lost(c, "closed");
		return;
	}
	if (c->throttled && (c->state == CONN_READY ||
	    c->state == CONN_WATCHING)) {
		c->throttled = 0;
		bufferevent_enable(bev, EV_READ);
		conn_read_cb(bev, c);
	}
}

/*
 * A verified certificate still has to name a municipality of this
 * region (or the region itself).  -1: *cause says why not; -2: the
 * storage cannot tell now.
 */
static int
conn_admissible(struct conn *c, char **cause)
{
	char *why = NULL;
	int rc;

	if (strcmp(c->who.municipality, TLS_REGION_ORG) == 0)
		return 0;
	rc = store_exists(c->srv->rstore, SAMEN__V1__KIND__MUNICIPALITY,
	    c->who.municipality, &why);
	if (rc == 1)
		return 0;
	if (rc == -1) {
		xasprintf(cause, "the certificate's municipality cannot be "
		    "checked now: %s; try again later", why);
		free(why);
		return -2;
	}
	xasprintf(cause, "certificate %s names municipality '%s', which is "
	    "not in this region; ask the regional secretariat for a new "
	    "bundle", c->who.name, c->who.municipality);
	return -1;
}

/*
 * One more connection with a certificate that holds [limits]
 * max_connections_per_cert already is refused; 1 when c was.
 */
static int
conn_over_cap(struct conn *c)
{
	struct conn *o;
	long long n = 0;
	char msg[256];

	TAILQ_FOREACH(o, &c->srv->conns, entry) {
		if (o != c && o->state != CONN_HANDSHAKE &&
		    strcmp(o->who.name, c->who.name) == 0)
			n++;
	}
	if (n < c->srv->cfg->max_connections_per_cert)
		return 0;
	c->srv->refused_total++;
	snprintf(msg, sizeof(msg), "certificate %s holds %lld connections "
	    "already, the most one certificate may ([limits] "
	    "max_connections_per_cert)", c->who.name, n);
	conn_fail(c, 0, SAMEN__V1__STATUS__CODE__RESOURCE_EXHAUSTED, msg);
	return 1;
}

/*
 * After a reload: connections whose certificate the new CRL revokes
 * are told and closed.
 */
void
conn_revoke_check(struct server *srv, struct ssl_ctx_st *ctx)
{
	struct conn *c, *next;

	for (c = TAILQ_FIRST(&srv->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->state == CONN_HANDSHAKE || c->state == CONN_CLOSING ||
		    !tls_peer_revoked(ctx, c->ssl))
			continue;
		conn_fail(c, 0, SAMEN__V1__STATUS__CODE__PERMISSION_DENIED,
		    "certificate revoked: this connection ends; ask the "
		    "regional secretariat for a new bundle");
	}
}

/* The handshake is done: who is it? */
static void
conn_connected(struct conn *c)
{
	struct ssl_st *ssl = bufferevent_openssl_get_ssl(c->bev);
	char *cause = NULL;
	int rc;

	if (tls_peer_principal(ssl, &c->who, &cause) == -1) {
		/* Verified by the CA, but not one of ours: say why. */
		c->srv->refused_total++;
		log_warnx("%s: refused: %s", c->peer, cause);
		c->refused = 1;
		conn_set_state(c, CONN_READY);
		conn_send_status(c, 0,
		    SAMEN__V1__STATUS__CODE__PERMISSION_DENIED, cause);
		free(cause);
		conn_close(c);
		return;
	}
	conn_set_state(c, CONN_READY);
	if ((rc = conn_admissible(c, &cause)) != 0) {
		c->srv->refused_total++;
		conn_fail(c, 0, rc == -2 ?
		    SAMEN__V1__STATUS__CODE__UNAVAILABLE :
		    SAMEN__V1__STATUS__CODE__PERMISSION_DENIED, cause);
		free(cause);
		return;
	}
	log_info("%s: %s (%s, %s) connected, %s%s", c->peer, c->who.name,
	    c->who.municipality, tls_role_name(c->who.role),
	    tls_conn_version(ssl), tls_conn_resumed(ssl) ? ", resumed" : "");
	c->tokens = (double)c->srv->cfg->request_burst;
	event_base_gettimeofday_cached(c->srv->base, &c->refilled);
	conn_arm(c, c->srv->cfg->idle_timeout);
	if (conn_over_cap(c))
		return;
	/* Requests may have come in with the handshake's last flight. */
	conn_read_cb(c->bev, c);
}

/* Handshake done, EOF or error. */
static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	char *why;

	if (what & BEV_EVENT_CONNECTED) {
		conn_connected(c);
		return;
	}
	if (c->state == CONN_HANDSHAKE) {
		c->srv->refused_total++;
		why = tls_handshake_error(bufferevent_openssl_get_ssl(bev),
		    bufferevent_get_openssl_error(bev));
		log_warnx("%s: refused: %s", c->peer, why);
		free(why);
		conn_lost(c, "refused");
		return;
	}
	c->peer_closed = 1;
	if (what & BEV_EVENT_EOF) {
		tls_closed_by_peer(c->ssl);
		conn_lost(c, "closed by client");
	} else
		conn_lost(c, "connection error");
}

/* The timer: handshake timeout, idle timeout or the end of a flush. */
static void
conn_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	switch (c->state) {
	case CONN_HANDSHAKE:
		c->srv->refused_total++;
		log_warnx("%s: refused: no TLS handshake within %lld s "
		    "([limits] handshake_timeout)", c->peer,
		    c->srv->cfg->handshake_timeout);
		conn_lost(c, "handshake timeout");
		break;
	case CONN_READY:
	case CONN_WATCHING:
		if (c->partial) {
			log_warnx("%s: %s (%s): a message begun was not "
			    "finished within %lld s ([limits] frame_timeout)",
			    c->peer, c->who.name, c->who.municipality,
			    c->srv->cfg->frame_timeout);
			conn_lost(c, "frame timeout");
		} else
			conn_lost(c, "idle timeout");
		break;
	case CONN_CLOSING:
		conn_lost(c, "closed");
		break;
	}
}
