/*
 * watch: a backlog like sync, then an Event for every committed change,
 * pushed to each watching connection.  Every watcher's queue is bounded
 * ([limits] watch_buffer): one that falls behind is cut off with
 * RESOURCE_EXHAUSTED, so a slow reader never slows anyone else.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "samend.h"
#include "xmalloc.h"

/*
 * An event frame without its id: a message is the concatenation of its
 * fields, so a watcher's frame is the encoding of its id followed by
 * these bytes, the same for every watcher.
 */
struct watch_body {
	uint8_t		*data;
	size_t		 len;
};

static void
watch_pack_body(struct watch_body *b, Samen__V1__Change *ch)
{
	Samen__V1__Frame f = SAMEN__V1__FRAME__INIT;
	Samen__V1__Event ev = SAMEN__V1__EVENT__INIT;

	ev.change = ch;
	f.body_case = SAMEN__V1__FRAME__BODY_EVENT;
	f.event = &ev;
	b->len = samen__v1__frame__get_packed_size(&f);
	b->data = xmalloc(b->len);
	samen__v1__frame__pack(&f, b->data);
}

/* Appends one watcher's event frame: length, its id, the shared body. */
static void
watch_append_packed(struct evbuffer *out, uint64_t watch_id,
    const struct watch_body *b)
{
	Samen__V1__Frame f = SAMEN__V1__FRAME__INIT;
	uint8_t id[16];
	size_t idlen;
	uint32_t be;

	f.id = watch_id;
	idlen = samen__v1__frame__pack(&f, id);
	if (idlen + b->len > UINT32_MAX)
		fatalx("watch: an event does not pack");
	be = htonl((uint32_t)(idlen + b->len));
	if (evbuffer_add(out, &be, sizeof(be)) == -1 ||
	    evbuffer_add(out, id, idlen) == -1 ||
	    evbuffer_add(out, b->data, b->len) == -1)
		fatalx("watch: cannot queue an event");
}

/*
 * Packs the shared body of a batch's change: its entity is unpacked
 * here, when there is a watcher to send it to.
 */
static void
watch_pack_change(struct watch_body *b, const struct change *c)
{
	Samen__V1__Change ch = SAMEN__V1__CHANGE__INIT;

	ch.rev = c->rev;
	if (c->deleted != NULL) {
		ch.body_case = SAMEN__V1__CHANGE__BODY_DELETED;
		ch.deleted = c->deleted;
	} else {
		ch.body_case = SAMEN__V1__CHANGE__BODY_ENTITY;
		ch.entity = samen__v1__entity__unpack(NULL, c->len, c->entity);
		if (ch.entity == NULL)
			fatalx("watch: a stored entity does not unpack");
	}
	watch_pack_body(b, &ch);
	if (ch.entity != NULL)
		samen__v1__entity__free_unpacked(ch.entity, NULL);
}

/* Appends one Event frame for change ch with the watch's frame id. */
static void
watch_append(struct evbuffer *out, uint64_t watch_id, Samen__V1__Change *ch)
{
	struct watch_body b;

	watch_pack_body(&b, ch);
	watch_append_packed(out, watch_id, &b);
	free(b.data);
}

/*
 * The words for a watcher cut off at rev, with the id of its watch (the
 * client waits for that id; conn_watching forgets it).
 */
static void
watch_cut(struct conn *c, uint64_t rev)
{
	uint64_t id = c->watch_id;
	char msg[256];

	snprintf(msg, sizeof(msg), "you fell too far behind the changes "
	    "([limits] watch_buffer); sync from rev %llu and watch again",
	    (unsigned long long)rev);
	conn_watching(c, 0);
	conn_fail(c, id, SAMEN__V1__STATUS__CODE__RESOURCE_EXHAUSTED, msg);
}

/*
 * watch: answers with the current rev, then queues the backlog after
 * since_rev as Events (behind the answer), and from then on every
 * committed change.
 */
int
watch_start(struct dispatch_ctx *ctx, const Samen__V1__Request *req,
    Samen__V1__Response *resp)
{
	Samen__V1__WatchResponse *wr;
	struct entity_page *pg;
	uint64_t since = req->watch->since_rev, pass = 0, rev = 0;
	size_t i, limit = (size_t)ctx->srv->cfg->sync_page;
	int more = 1;

	if (ctx->conn->state == CONN_WATCHING)
		return dispatch_error(ctx,
		    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
		    "this connection is watching already; unwatch first");
	if ((ctx->trailer = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	while (more) {
		if (entity_changes(ctx, since, pass, limit, &pg, &rev,
		    &more) == -1)
			return -1;
		if (pass == 0)
			pass = rev;
		for (i = 0; i < pg->n; i++) {
			watch_append(ctx->trailer, ctx->frame_id, pg->v[i]);
			since = pg->v[i]->rev;
		}
		if (evbuffer_get_length(ctx->trailer) >
		    (size_t)ctx->srv->cfg->watch_buffer) {
			evbuffer_free(ctx->trailer);
			ctx->trailer = NULL;
			return dispatch_error(ctx,
			    SAMEN__V1__STATUS__CODE__RESOURCE_EXHAUSTED,
			    "the changes since rev %llu are too many to "
			    "watch; sync first, then watch from the synced "
			    "rev", (unsigned long long)req->watch->since_rev);
		}
	}
	conn_watching(ctx->conn, ctx->frame_id);
	wr = dispatch_alloc(ctx, sizeof(*wr));
	samen__v1__watch_response__init(wr);
	wr->rev = rev;
	resp->body_case = SAMEN__V1__RESPONSE__BODY_WATCH;
	resp->watch = wr;
	return 0;
}

/* unwatch: no more events on this connection. */
int
watch_stop(struct dispatch_ctx *ctx, const Samen__V1__Request *req,
    Samen__V1__Response *resp)
{
	Samen__V1__UnwatchResponse *ur;

	(void)req;
	conn_watching(ctx->conn, 0);
	ur = dispatch_alloc(ctx, sizeof(*ur));
	samen__v1__unwatch_response__init(ur);
	resp->body_case = SAMEN__V1__RESPONSE__BODY_UNWATCH;
	resp->unwatch = ur;
	return 0;
}

/*
 * After a commit: every change, in rev order, to every watcher.  A
 * watcher whose queue passes the limit is cut off there.
 */
void
watch_fanout(struct server *srv, const struct change *changes, size_t n)
{
	struct conn *c, *next;
	struct evbuffer *out;
	struct watch_body *body;
	size_t i;
	int idle;

	if (n == 0)
		return;
	body = xcalloc(n, sizeof(*body));
	for (c = TAILQ_FIRST(&srv->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->state != CONN_WATCHING)
			continue;
		out = conn_output(c);
		idle = evbuffer_get_length(out) == 0;
		for (i = 0; i < n; i++) {
			if (body[i].data == NULL)
				watch_pack_change(&body[i], &changes[i]);
			watch_append_packed(out, c->watch_id, &body[i]);
			if (evbuffer_get_length(out) >
			    (size_t)srv->cfg->watch_buffer) {
				watch_cut(c, i > 0 ? changes[i - 1].rev :
				    changes[0].rev - 1);
				break;
			}
		}
		if (idle)
			conn_kick(c);
	}
	for (i = 0; i < n; i++)
		free(body[i].data);
	free(body);
}
