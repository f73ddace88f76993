/*
 * Group commit.  Every write request that arrives in one turn of the
 * loop joins one SQLite transaction, each inside its own savepoint so a
 * refused request undoes only itself.  The transaction commits from an
 * event of the lowest priority, which runs only once every connection
 * ready to read has been read: one fsync for the whole batch.
 *
 * A write's response is held back (and its connection reads nothing
 * more) until the commit is durable; then every held response goes out,
 * in order, and the batch's changes fan out to the watchers.  Watchers
 * never see a change that was not committed, and a client never hears
 * "OK" for a write that is not on disk.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "samend.h"
#include "xmalloc.h"

struct pending {
	struct conn		*conn;		/* NULL: the client went away */
	uint64_t		 frame_id;
	struct evbuffer		*out;		/* the framed response */
	int			 write;		/* of a write (else an answer
						   that waits for its turn) */
	TAILQ_ENTRY(pending)	 entry;
};
TAILQ_HEAD(pending_list, pending);

struct batch {
	struct event		*ev;
	int			 open;
	struct pending_list	 pending;
	struct change		*changes;
	size_t			 nchanges;
	size_t			 cap;
	size_t			 mark;		/* nchanges when the request began */
	int			 broken;	/* SQLite ended the transaction */
};

static void	commit_cb(evutil_socket_t, short, void *);

/* Sets up the batch; its event has the lowest of three priorities. */
int
commit_init(struct server *srv)
{
	struct batch *b = xcalloc(1, sizeof(*b));

	TAILQ_INIT(&b->pending);
	if ((b->ev = event_new(srv->base, -1, 0, commit_cb, srv)) == NULL ||
	    event_priority_set(b->ev, 2) == -1) {
		free(b);
		return -1;
	}
	srv->batch = b;
	return 0;
}

/* Drops the changes recorded from index from on. */
static void
commit_drop_changes(struct batch *b, size_t from)
{
	struct change *ch;

	while (b->nchanges > from) {
		ch = &b->changes[--b->nchanges];
		free(ch->entity);
		if (ch->deleted != NULL) {
			free(ch->deleted->id);
			free(ch->deleted);
		}
	}
}

/*
 * Enters the batch for one write request: opens the transaction if this
 * is the first write of the turn, and a savepoint for the request.
 */
int
commit_join(struct server *srv, uint64_t *mark, char **cause)
{
	struct batch *b = srv->batch;

	if (!b->open) {
		if (store_begin(srv->store, cause) == -1)
			return -1;
		b->open = 1;
		event_active(b->ev, EV_TIMEOUT, 1);
	} else if (b->broken || !store_in_transaction(srv->store)) {
		/* SQLite ended it, in a request or at a SAVEPOINT that
		 * failed: the batch's writes are gone. */
		b->broken = 1;
		*cause = xstrdup("the storage ended this turn's transaction");
		return -1;
	}
	b->mark = b->nchanges;
	if (store_savepoint(srv->store, mark, cause) == -1) {
		if (!store_in_transaction(srv->store))
			b->broken = 1;
		return -1;
	}
	return 0;
}

/* Leaves the request's savepoint: keep its work, or undo it. */
void
commit_leave(struct server *srv, uint64_t mark, int keep)
{
	store_savepoint_end(srv->store, mark, keep);
	if (!keep)
		commit_drop_changes(srv->batch, srv->batch->mark);
	/*
	 * On a full disk, an I/O error or no memory SQLite may roll back
	 * the whole transaction by itself: then every write of the batch
	 * is gone, and none of them may be answered OK.
	 */
	if (!store_in_transaction(srv->store))
		srv->batch->broken = 1;
}

/*
 * Remembers a change for the watchers: the entity as stored (packed, len
 * bytes) or a tombstone; the batch owns either.
 */
static void
commit_record(struct batch *b, uint64_t rev, uint8_t *entity, size_t len,
    Samen__V1__Tombstone *deleted)
{
	struct change *ch;

	if (b->nchanges == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 32;
		b->changes = xreallocarray(b->changes, b->cap,
		    sizeof(*b->changes));
	}
	ch = &b->changes[b->nchanges++];
	ch->rev = rev;
	ch->entity = entity;
	ch->len = len;
	ch->deleted = deleted;
}

/* Appends the audit record of a change. */
static int
commit_audit(struct dispatch_ctx *ctx, uint64_t rev, const char *action,
    Samen__V1__Kind kind, const char *id, const char *summary, char **cause)
{
	struct audit_record r;
	char principal[TLS_NAME_MAX + TLS_MUNICIPALITY_MAX + 32];

	snprintf(principal, sizeof(principal), "%s (%s, %s)", ctx->who->name,
	    ctx->who->municipality, tls_role_name(ctx->who->role));
	r.rev = rev;
	r.time = (int64_t)time(NULL);
	r.principal = principal;
	r.action = action;
	r.kind = (int)kind;
	r.id = id;
	r.summary = summary;
	return store_audit_add(ctx->srv->store, &r, cause);
}

/*
 * Stores e (in the batch) with its audit record, and remembers the change
 * for the watchers.  e->rev is set to the new rev.  0, or -1 with the
 * status set (UNAVAILABLE).
 */
int
commit_put(struct dispatch_ctx *ctx, Samen__V1__Entity *e,
    const char *action, const char *summary, uint64_t *revp)
{
	uint8_t *buf;
	size_t len;
	uint64_t rev;
	char *cause = NULL;

	if (store_put(ctx->srv->store, e, &rev, &buf, &len, &cause) == -1)
		return dispatch_store_error(ctx, cause);
	/* The watchers get the stored copy, packed as it is. */
	commit_record(ctx->srv->batch, rev, buf, len, NULL);
	if (commit_audit(ctx, rev, action, wire_entity_kind(e), e->id,
	    summary, &cause) == -1)
		return dispatch_store_error(ctx, cause);
	e->rev = rev;
	if (revp != NULL)
		*revp = rev;
	return 0;
}

/*
 * Deletes an entity (in the batch), leaving a tombstone, with its audit
 * record.  0; -1 with NOT_FOUND or UNAVAILABLE set.
 */
int
commit_delete(struct dispatch_ctx *ctx, Samen__V1__Kind kind, const char *id,
    const char *summary, uint64_t *revp)
{
	Samen__V1__Tombstone *t;
	uint64_t rev;
	char *cause = NULL;

	if (store_delete(ctx->srv->store, kind, id, (int64_t)time(NULL), &rev,
	    &cause) == -1) {
		if (cause == NULL)
			return dispatch_error(ctx,
			    SAMEN__V1__STATUS__CODE__NOT_FOUND,
			    "%s %s does not exist", auth_kind_name(kind), id);
		return dispatch_store_error(ctx, cause);
	}
	if (commit_audit(ctx, rev, "delete", kind, id, summary, &cause) == -1)
		return dispatch_store_error(ctx, cause);
	t = xmalloc(sizeof(*t));
	samen__v1__tombstone__init(t);
	t->kind = kind;
	t->id = xstrdup(id);
	commit_record(ctx->srv->batch, rev, NULL, 0, t);
	if (revp != NULL)
		*revp = rev;
	return 0;
}

/*
 * Holds a framed response until the batch is durable; the connection
 * reads no further request meanwhile.  write: the response of a write
 * (a failed commit answers it UNAVAILABLE); else an answer that only
 * keeps its place in the order.
 */
void
commit_defer(struct server *srv, struct conn *c, struct evbuffer *out,
    int write)
{
	struct pending *p = xcalloc(1, sizeof(*p));

	p->conn = c;
	p->out = out;
	p->write = write;
	c->pending++;
	TAILQ_INSERT_TAIL(&srv->batch->pending, p, entry);
}

/* A connection is going away: its held responses go nowhere. */
void
commit_forget_conn(struct server *srv, struct conn *c)
{
	struct pending *p;

	if (srv->batch == NULL)
		return;
	TAILQ_FOREACH(p, &srv->batch->pending, entry) {
		if (p->conn == c)
			p->conn = NULL;
	}
}

/* Reads the frame id back out of a held response. */
static uint64_t
commit_frame_id(struct evbuffer *out)
{
	Samen__V1__Frame *f;
	uint64_t id = 0;

	if (frame_cut(out, SIZE_MAX, &f, NULL) == FRAME_OK) {
		id = f->id;
		frame_free(f);
	}
	return id;
}

/*
 * Appends a held answer to its connection's output by copying: moved
 * whole, each answer would stay its own buffer chain, and go out as its
 * own TLS record and write(2); copied, the answers of one batch to one
 * connection share them.  The first to a connection with nothing
 * queued kicks its write, which takes the rest of the pass's too.
 */
static void
commit_copy(struct conn *c, struct evbuffer *held)
{
	struct evbuffer *out = conn_output(c);
	size_t len = evbuffer_get_length(held);
	int idle = evbuffer_get_length(out) == 0;

	if (len > 0 && evbuffer_add(out, evbuffer_pullup(held, -1), len) == -1)
		fatalx("commit: cannot queue an answer");
	if (idle && len > 0)
		conn_kick(c);
}

/* True when another held answer for c follows in the list. */
static int
commit_later(struct pending_list *list, struct conn *c)
{
	struct pending *p;

	TAILQ_FOREACH(p, list, entry) {
		if (p->conn == c)
			return 1;
	}
	return 0;
}

/*
 * Commits the batch now.  On success every held response goes out and
 * the changes fan out; on failure every held write is answered
 * UNAVAILABLE and nothing of the batch remains.
 */
void
commit_flush(struct server *srv)
{
	struct batch *b = srv->batch;
	struct pending_list done;
	struct pending *p;
	char *cause = NULL;
	int ok, full;
	time_t now = time(NULL);

	if (b == NULL || !b->open)
		return;
	b->open = 0;
	if (b->broken) {
		ok = 0;
		cause = xstrdup("the storage rolled the transaction back");
	} else
		ok = store_purge_tombstones(srv->store, (int64_t)now -
		    srv->cfg->tombstone_retention, &cause) == 0 &&
		    store_commit(srv->store, &cause) == 0;
	full = store_full(srv->store);
	b->broken = 0;
	if (!ok) {
		log_warnx("commit of %zu change%s failed: %s", b->nchanges,
		    b->nchanges == 1 ? "" : "s", cause);
		free(cause);
		store_rollback(srv->store);
		commit_drop_changes(b, 0);
	} else {
		srv->committed_rev = store_rev(srv->store);
		log_debug("committed %zu change%s, rev %llu", b->nchanges,
		    b->nchanges == 1 ? "" : "s",
		    (unsigned long long)srv->committed_rev);
	}

	/* Answer the writers, in the order they asked. */
	TAILQ_INIT(&done);
	TAILQ_CONCAT(&done, &b->pending, entry);
	TAILQ_FOREACH(p, &done, entry) {
		if (p->conn == NULL)
			continue;
		p->conn->pending--;
		if (ok || !p->write)
			commit_copy(p->conn, p->out);
		else
			conn_send_status(p->conn, commit_frame_id(p->out),
			    SAMEN__V1__STATUS__CODE__UNAVAILABLE, full ?
			    "the server's storage is full; nothing was "
			    "changed, try again later" :
			    "the server could not store this change; nothing "
			    "was changed, try again");
	}
	if (ok)
		watch_fanout(srv, b->changes, b->nchanges);
	commit_drop_changes(b, 0);

	/*
	 * Let the writers' connections read on.  A connection may hold
	 * several answers of this batch: resume it once, at its last.
	 */
	while ((p = TAILQ_FIRST(&done)) != NULL) {
		TAILQ_REMOVE(&done, p, entry);
		if (p->conn != NULL && !commit_later(&done, p->conn))
			conn_resume(p->conn);
		evbuffer_free(p->out);
		free(p);
	}
}

/* The commit event: the turn's reads are done. */
static void
commit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;

	(void)fd;
	(void)what;
	srv->committing = 1;
	commit_flush(srv);
	srv->committing = 0;
	conn_kicked_end(srv);
}

/* Frees the batch (committing what is open). */
void
commit_free(struct server *srv)
{
	if (srv->batch == NULL)
		return;
	commit_flush(srv);
	event_free(srv->batch->ev);
	free(srv->batch->changes);
	free(srv->batch);
	srv->batch = NULL;
}
