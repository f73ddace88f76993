/*
 * put, delete and sync for every kind: optimistic concurrency on rev,
 * validation, the authorization table, ids assigned by the daemon,
 * tombstones, and paged incremental sync.  What is particular to a kind
 * (an item's five decisions) lives in its own file.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "frame.h"
#include "samend.h"
#include "xmalloc.h"

static const char *const entity_decision_words[] = {
	"pending", "scheduled", "adopted", "amended", "rejected",
};

/* Frees an entity from unpack (for dispatch_defer_free). */
static void
entity_free(void *p)
{
	samen__v1__entity__free_unpacked(p, NULL);
}

/*
 * Replaces a string field of an unpacked message, which free_unpacked
 * will free: the old value is freed unless it is protobuf-c's shared
 * empty string.
 */
static void
entity_set_str(char **slot, const char *v)
{
	if (*slot != NULL && *slot != protobuf_c_empty_string)
		free(*slot);
	*slot = xstrdup(v);
}

/*
 * Takes the entity out of the put request being dispatched, to change and
 * keep it: the request is freed after the dispatch, without it.
 */
static Samen__V1__Entity *
entity_take(struct dispatch_ctx *ctx)
{
	Samen__V1__Entity *e = ctx->req->put->entity;

	ctx->req->put->entity = NULL;
	return e;
}

/* The letter of ids the daemon assigns for a kind (A, M, H), or 0. */
static char
entity_seq_letter(Samen__V1__Kind kind)
{
	switch (kind) {
	case SAMEN__V1__KIND__AGENDA_ITEM:
		return 'A';
	case SAMEN__V1__KIND__MEETING:
		return 'M';
	case SAMEN__V1__KIND__DOSSIER:
		return 'H';
	default:
		break;
	}
	return 0;
}

/* A one-line summary of an entity for the audit log. */
const char *
entity_title(const Samen__V1__Entity *e)
{
	static char buf[256];
	size_t i, off;

	switch (e->body_case) {
	case SAMEN__V1__ENTITY__BODY_REGION:
		return e->region->name;
	case SAMEN__V1__ENTITY__BODY_MUNICIPALITY:
		return e->municipality->name;
	case SAMEN__V1__ENTITY__BODY_AGENDA_ITEM:
		return e->agenda_item->title;
	case SAMEN__V1__ENTITY__BODY_DECISION:
		snprintf(buf, sizeof(buf), "%s%s%s",
		    (size_t)e->decision->state < 5 ?
		    entity_decision_words[e->decision->state] : "?",
		    *e->decision->meeting_date ? " " : "",
		    e->decision->meeting_date);
		return buf;
	case SAMEN__V1__ENTITY__BODY_MEETING:
		return e->meeting->title;
	case SAMEN__V1__ENTITY__BODY_DOSSIER:
		return e->dossier->title;
	case SAMEN__V1__ENTITY__BODY_AVAILABILITY:
		snprintf(buf, sizeof(buf), "%zu busy dates",
		    e->availability->n_busy);
		return buf;
	case SAMEN__V1__ENTITY__BODY_RANKING:
		buf[0] = '\0';
		for (i = 0, off = 0; i < e->ranking->n_item_ids &&
		    off < sizeof(buf) - 16; i++)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off,
			    "%s%s", i ? " " : "", e->ranking->item_ids[i]);
		return buf;
	default:
		break;
	}
	return "";
}

/*
 * Sets CONFLICT with the entity as it is now: "exists already" when the
 * caller meant to create it (expected 0), else "changed by someone else".
 */
static int
entity_conflict(struct dispatch_ctx *ctx, Samen__V1__Entity *current,
    uint64_t expected)
{
	const char *kind = auth_kind_name(wire_entity_kind(current));

	if (expected == 0)
		dispatch_error(ctx, SAMEN__V1__STATUS__CODE__CONFLICT,
		    "%s %s exists already (at rev %llu)", kind, current->id,
		    (unsigned long long)current->rev);
	else
		dispatch_error(ctx, SAMEN__V1__STATUS__CODE__CONFLICT,
		    "%s %s was changed by someone else: you had rev %llu, it "
		    "is now at rev %llu", kind, current->id,
		    (unsigned long long)expected,
		    (unsigned long long)current->rev);
	ctx->current = current;
	dispatch_defer_free(ctx, entity_free, current);
	return -1;
}

/*
 * put: create or replace one entity.  The request's entity is copied,
 * checked, given its id (and for members, proposed_by), authorized and
 * stored; the stored copy is the answer.
 */
int
entity_put(struct dispatch_ctx *ctx, const Samen__V1__Request *req,
    Samen__V1__Response *resp)
{
	const Samen__V1__PutRequest *p = req->put;
	Samen__V1__PutResponse *pr;
	Samen__V1__Entity *e, *old;
	Samen__V1__Kind kind;
	enum auth_op op;
	int64_t seq;
	char *cause = NULL, idbuf[32];
	int assign = 0;

	if (p->entity == NULL ||
	    (kind = wire_entity_kind(p->entity)) ==
	    SAMEN__V1__KIND__KIND_UNSPECIFIED)
		return dispatch_error(ctx,
		    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
		    "put needs an entity with a body");
	if (p->force && ctx->who->role != TLS_ROLE_ADMIN)
		return dispatch_error(ctx,
		    SAMEN__V1__STATUS__CODE__PERMISSION_DENIED,
		    "only the regional secretariat (admin) may force a change");
	e = entity_take(ctx);
	dispatch_defer_free(ctx, entity_free, e);
	e->rev = 0;

	if (*e->id == '\0') {
		if (entity_seq_letter(kind) == 0)
			return dispatch_error(ctx,
			    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
			    "a %s needs an id", auth_kind_name(kind));
		if (p->expected_rev != 0)
			return dispatch_error(ctx,
			    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
			    "a new item (no id) has expected_rev 0");
		assign = 1;
		old = NULL;
	} else {
		old = store_get(ctx->srv->store, kind, e->id, &cause);
		if (old == NULL && cause != NULL)
			return dispatch_store_error(ctx, cause);
		if (old == NULL && entity_seq_letter(kind) != 0)
			return dispatch_error(ctx,
			    SAMEN__V1__STATUS__CODE__NOT_FOUND,
			    "%s %s does not exist (new ones get their id from "
			    "the server)", auth_kind_name(kind), e->id);
	}
	if (old == NULL && p->expected_rev != 0 && !p->force) {
		return dispatch_error(ctx, SAMEN__V1__STATUS__CODE__NOT_FOUND,
		    "%s %s does not exist (was it deleted?)",
		    auth_kind_name(kind), e->id);
	}
	if (old != NULL && old->rev != p->expected_rev && !p->force) {
		return entity_conflict(ctx, old, p->expected_rev);
	}
	if (old != NULL)
		dispatch_defer_free(ctx, entity_free, old);
	op = old == NULL ? AUTH_CREATE : AUTH_UPDATE;

	/* A member's new item is proposed by their municipality. */
	if (kind == SAMEN__V1__KIND__AGENDA_ITEM && op == AUTH_CREATE &&
	    ctx->who->role == TLS_ROLE_MEMBER &&
	    *e->agenda_item->proposed_by == '\0')
		entity_set_str(&e->agenda_item->proposed_by,
		    ctx->who->municipality);
	if (validate_entity(ctx->srv, e, &cause) == -1) {
		dispatch_error(ctx, SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
		    "%s", cause);
		free(cause);
		return -1;
	}
	if (auth_write(ctx->who, op, kind, old, e, &cause) == -1) {
		dispatch_error(ctx, SAMEN__V1__STATUS__CODE__PERMISSION_DENIED,
		    "%s", cause);
		free(cause);
		return -1;
	}
	if (assign) {
		if (store_next_seq(ctx->srv->store, entity_seq_letter(kind),
		    &seq, &cause) == -1)
			return dispatch_store_error(ctx, cause);
		snprintf(idbuf, sizeof(idbuf), "%c%lld",
		    entity_seq_letter(kind), (long long)seq);
		entity_set_str(&e->id, idbuf);
	}
	/* Every change to a meeting bumps its sequence (for iCalendar). */
	if (kind == SAMEN__V1__KIND__MEETING)
		e->meeting->sequence = old == NULL ? 0 :
		    old->meeting->sequence + 1;
	if (commit_put(ctx, e, op == AUTH_CREATE ? "create" : "update",
	    entity_title(e), NULL) == -1)
		return -1;
	if (kind == SAMEN__V1__KIND__AGENDA_ITEM && op == AUTH_CREATE &&
	    agenda_created(ctx, e) == -1)
		return -1;

	pr = dispatch_alloc(ctx, sizeof(*pr));
	samen__v1__put_response__init(pr);
	pr->entity = e;
	resp->body_case = SAMEN__V1__RESPONSE__BODY_PUT;
	resp->put = pr;
	return 0;
}

/* delete (admin): leaves a tombstone; an item takes its decisions along. */
int
entity_delete(struct dispatch_ctx *ctx, const Samen__V1__Request *req,
    Samen__V1__Response *resp)
{
	const Samen__V1__DeleteRequest *d = req->delete_;
	Samen__V1__DeleteResponse *dr;
	Samen__V1__Entity *old;
	uint64_t rev;
	char *cause = NULL;

	if (d->kind == SAMEN__V1__KIND__REGION)
		return dispatch_error(ctx,
		    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
		    "the region itself cannot be deleted");
	if (protobuf_c_enum_descriptor_get_value(&samen__v1__kind__descriptor,
	    (int)d->kind) == NULL || d->kind == SAMEN__V1__KIND__KIND_UNSPECIFIED)
		return dispatch_error(ctx,
		    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
		    "kind %d is not a kind of entity", (int)d->kind);
	old = store_get(ctx->srv->store, d->kind, d->id, &cause);
	if (old == NULL) {
		if (cause != NULL)
			return dispatch_store_error(ctx, cause);
		return dispatch_error(ctx, SAMEN__V1__STATUS__CODE__NOT_FOUND,
		    "%s %s does not exist", auth_kind_name(d->kind), d->id);
	}
	if (d->expected_rev != 0 && d->expected_rev != old->rev)
		return entity_conflict(ctx, old, d->expected_rev);
	if (commit_delete(ctx, d->kind, d->id, entity_title(old), &rev) == -1 ||
	    (d->kind == SAMEN__V1__KIND__AGENDA_ITEM &&
	    agenda_deleted(ctx, d->id) == -1)) {
		samen__v1__entity__free_unpacked(old, NULL);
		return -1;
	}
	samen__v1__entity__free_unpacked(old, NULL);
	dr = dispatch_alloc(ctx, sizeof(*dr));
	samen__v1__delete_response__init(dr);
	dr->rev = rev;
	resp->body_case = SAMEN__V1__RESPONSE__BODY_DELETE;
	resp->delete_ = dr;
	return 0;
}

/* Frees a page of changes (for dispatch_defer_free). */
static void
entity_page_free(void *arg)
{
	struct entity_page *pg = arg;

	while (pg->n > 0)
		store_change_free(pg->v[--pg->n]);
	free(pg->v);
	free(pg);
}

/* Encodes one row as a SyncResponse.changes entry into the evbuffer. */
static int
entity_raw_row(void *arg, const struct store_row *r, char **cause)
{
	(void)cause;
	frame_sync_change(arg, r->rev, r->kind, r->id, r->body, r->len);
	return 0;
}

/*
 * Reads a page of committed changes after since into *pg (freed after
 * the response), or, raw not NULL, encoded into raw as they are stored,
 * with the committed rev.  pass: the rev the first page
 * of this pass answered (0: this is the first page).  -1: status set.
 *
 * Forgotten tombstones (purged_rev) matter only to a client that may
 * hold the entities they deleted: one that synced up to since, or whose
 * pass began at pass.  Entities received earlier in a pass from 0 were
 * all alive at pass, so a pass from 0 goes on unless deletions after
 * pass were forgotten meanwhile.
 */
static int
entity_read(struct dispatch_ctx *ctx, uint64_t since, uint64_t pass,
    size_t limit, struct entity_page **pgp, struct evbuffer *raw,
    uint64_t *rev, int *more)
{
	struct store *rs = ctx->srv->rstore;
	struct entity_page *pg = NULL;
	int64_t r, purged;
	size_t n;
	char *cause = NULL;

	if (store_read_begin(rs, &cause) == -1)
		return dispatch_store_error(ctx, cause);
	if (store_read_revs(rs, &r, &purged, &cause) == -1) {
		store_read_end(rs);
		return dispatch_store_error(ctx, cause);
	}
	if (since != 0 && (uint64_t)purged > (pass > since ? pass : since)) {
		store_read_end(rs);
		return dispatch_error(ctx,
		    SAMEN__V1__STATUS__CODE__RESYNC_REQUIRED,
		    "your copy (rev %llu) is older than the oldest deletion "
		    "the server remembers (rev %lld); sync again from the "
		    "start", (unsigned long long)since, (long long)purged);
	}
	if (raw != NULL) {
		if (store_changes_each(rs, since, limit, entity_raw_row, raw,
		    &n, more, &cause) == -1) {
			store_read_end(rs);
			return dispatch_store_error(ctx, cause);
		}
	} else {
		pg = xcalloc(1, sizeof(*pg));
		if (store_changes(rs, since, limit, &pg->v, &pg->n, more,
		    &cause) == -1) {
			store_read_end(rs);
			free(pg);
			return dispatch_store_error(ctx, cause);
		}
		dispatch_defer_free(ctx, entity_page_free, pg);
		*pgp = pg;
	}
	store_read_end(rs);
	*rev = (uint64_t)r;
	return 0;
}

int
entity_changes(struct dispatch_ctx *ctx, uint64_t since, uint64_t pass,
    size_t limit, struct entity_page **pgp, uint64_t *rev, int *more)
{
	return entity_read(ctx, since, pass, limit, pgp, NULL, rev, more);
}

/*
 * sync: a page of changes after since_rev, the entities as they are
 * stored (frame_append_sync puts them into the answer).
 */
int
entity_sync(struct dispatch_ctx *ctx, const Samen__V1__Request *req,
    Samen__V1__Response *resp)
{
	Samen__V1__SyncResponse *sr;
	size_t limit = req->sync->limit;
	uint64_t rev;
	int more;

	if (limit == 0 || limit > (size_t)ctx->srv->cfg->sync_page)
		limit = (size_t)ctx->srv->cfg->sync_page;
	if ((ctx->sync_changes = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	if (entity_read(ctx, req->sync->since_rev, req->sync->pass_rev,
	    limit, NULL, ctx->sync_changes, &rev, &more) == -1)
		return -1;
	sr = dispatch_alloc(ctx, sizeof(*sr));
	samen__v1__sync_response__init(sr);
	if (req->sync->compress &&
	    frame_sync_compress(ctx->sync_changes, sr) == 1)
		dispatch_defer_free(ctx, free, sr->zstd_changes.data);
	sr->rev = rev;
	sr->more = more;
	resp->body_case = SAMEN__V1__RESPONSE__BODY_SYNC;
	resp->sync = sr;
	return 0;
}
