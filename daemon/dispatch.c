/*
 * The dispatch table: one row per request type, with who may call it
 * and whether it writes.  dispatch_request() looks the row up, checks
 * the caller against it, runs the handler and sends the one response.
 * Handlers never touch the socket and never repeat these checks.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "samend.h"
#include "xmalloc.h"

#define ROLE_BIT(r)	(1u << (r))
#define ANYONE		(ROLE_BIT(TLS_ROLE_OBSERVER) | \
			    ROLE_BIT(TLS_ROLE_MEMBER) | ROLE_BIT(TLS_ROLE_ADMIN))
#define ADMIN		ROLE_BIT(TLS_ROLE_ADMIN)
#define IF_COMMIT	2	/* writes when the request says commit */

typedef int (*dispatch_fn)(struct dispatch_ctx *, const Samen__V1__Request *,
    Samen__V1__Response *);

struct dispatch_row {
	Samen__V1__Request__BodyCase	 type;
	const char			*name;
	unsigned int			 roles;		/* ROLE_BITs */
	int				 writes;
	dispatch_fn			 fn;
};

/*
 * Who may write what in detail is the authorization table in auth.c;
 * here, per request: who may ask at all, and whether it writes (then it
 * runs inside the group commit, and its answer waits for the commit).
 */
static const struct dispatch_row dispatch_table[] = {
	{ SAMEN__V1__REQUEST__BODY_HELLO, "hello", ANYONE, 0, status_hello },
	{ SAMEN__V1__REQUEST__BODY_STATS, "stats", ADMIN, 0, status_stats },
	{ SAMEN__V1__REQUEST__BODY_SYNC, "sync", ANYONE, 0, entity_sync },
	{ SAMEN__V1__REQUEST__BODY_WATCH, "watch", ANYONE, 0, watch_start },
	{ SAMEN__V1__REQUEST__BODY_UNWATCH, "unwatch", ANYONE, 0, watch_stop },
	{ SAMEN__V1__REQUEST__BODY_PUT, "put", ANYONE, 1, entity_put },
	{ SAMEN__V1__REQUEST__BODY_DELETE, "delete", ADMIN, 1, entity_delete },
	{ SAMEN__V1__REQUEST__BODY_PRIORITIES, "priorities", ANYONE, 0,
	  agenda_priorities },
	{ SAMEN__V1__REQUEST__BODY_AUDIT, "audit", ADMIN, 0, audit_list },
	{ SAMEN__V1__REQUEST__BODY_AUDIT_VERIFY, "audit verify", ADMIN, 0,
	  audit_verify },
	{ SAMEN__V1__REQUEST__BODY_TIMELINE, "timeline", ANYONE, 0,
	  timeline_list },
	{ SAMEN__V1__REQUEST__BODY_HOLIDAYS, "holidays", ANYONE, 0,
	  timeline_holidays },
	{ SAMEN__V1__REQUEST__BODY_EXPORT_ICAL, "export ical", ANYONE, 0,
	  meeting_export },
	{ SAMEN__V1__REQUEST__BODY_IMPORT_AVAILABILITY, "import availability",
	  ANYONE, 1, availability_import },
	{ SAMEN__V1__REQUEST__BODY_PLAN, "plan", ANYONE, IF_COMMIT, plan_run },
	{ SAMEN__V1__REQUEST__BODY_BACKUP, "backup", ADMIN, 0, backup_run },
};

/* Memory for the response, freed after it is sent. */
void *
dispatch_alloc(struct dispatch_ctx *ctx, size_t size)
{
	void *p = xcalloc(1, size);

	ctx->allocs = xreallocarray(ctx->allocs, ctx->nallocs + 1,
	    sizeof(*ctx->allocs));
	ctx->allocs[ctx->nallocs++] = p;
	return p;
}

/* Grows memory from dispatch_alloc (or NULL: new memory). */
void *
dispatch_realloc(struct dispatch_ctx *ctx, void *old, size_t size)
{
	size_t i;
	void *p;

	if (old == NULL)
		return dispatch_alloc(ctx, size);
	for (i = 0; i < ctx->nallocs; i++) {
		if (ctx->allocs[i] == old)
			break;
	}
	if (i == ctx->nallocs)
		fatalx("dispatch_realloc: not our memory");
	p = xreallocarray(old, 1, size);
	ctx->allocs[i] = p;
	return p;
}

/* Has fn(p) run once the response is sent. */
void
dispatch_defer_free(struct dispatch_ctx *ctx, void (*fn)(void *), void *p)
{
	ctx->frees = xreallocarray(ctx->frees, ctx->nfrees + 1,
	    sizeof(*ctx->frees));
	ctx->frees[ctx->nfrees].fn = fn;
	ctx->frees[ctx->nfrees].p = p;
	ctx->nfrees++;
}

/* A storage failure: logged with its cause (freed), UNAVAILABLE. */
int
dispatch_store_error(struct dispatch_ctx *ctx, char *cause)
{
	log_warnx("storage: %s", cause ? cause : "error");
	free(cause);
	if (store_full(ctx->srv->store) || store_full(ctx->srv->rstore))
		return dispatch_error(ctx,
		    SAMEN__V1__STATUS__CODE__UNAVAILABLE,
		    "the server's storage is full; nothing was changed, try "
		    "again later");
	return dispatch_error(ctx, SAMEN__V1__STATUS__CODE__UNAVAILABLE,
	    "the server's storage failed; nothing was changed, try again");
}

/* A copy of s that lives until the response is sent. */
char *
dispatch_strdup(struct dispatch_ctx *ctx, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = dispatch_alloc(ctx, n);

	memcpy(p, s, n);
	return p;
}

/* Sets the response's status and message; returns -1 (a failure). */
int
dispatch_error(struct dispatch_ctx *ctx, Samen__V1__Status__Code code,
    const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	wire_clean_text(buf);
	ctx->status.code = code;
	ctx->status.message = dispatch_strdup(ctx, buf);
	return -1;
}

/* The row for a request type, or NULL. */
static const struct dispatch_row *
dispatch_find(Samen__V1__Request__BodyCase type)
{
	size_t i;

	for (i = 0; i < sizeof(dispatch_table) / sizeof(dispatch_table[0]);
	    i++) {
		if (dispatch_table[i].type == type)
			return &dispatch_table[i];
	}
	return NULL;
}

/* True when the request of a row writes. */
static int
dispatch_row_writes(const struct dispatch_row *row,
    const Samen__V1__Request *req)
{
	if (row->writes == IF_COMMIT)
		return req->body_case == SAMEN__V1__REQUEST__BODY_PLAN &&
		    req->plan->commit;
	return row->writes;
}

/* True when the request is a write (it joins the group commit). */
int
dispatch_writes(const Samen__V1__Request *req)
{
	const struct dispatch_row *row = dispatch_find(req->body_case);

	return row != NULL && dispatch_row_writes(row, req);
}

/* Runs a write request's handler inside the batch, in a savepoint. */
static void
dispatch_write(struct dispatch_ctx *ctx, const struct dispatch_row *row,
    const Samen__V1__Request *req, Samen__V1__Response *resp)
{
	uint64_t mark;
	char *cause = NULL;

	if (commit_join(ctx->srv, &mark, &cause) == -1) {
		dispatch_store_error(ctx, cause);
		return;
	}
	ctx->writes = 1;
	row->fn(ctx, req, resp);
	commit_leave(ctx->srv, mark,
	    ctx->status.code == SAMEN__V1__STATUS__CODE__OK);
}

/*
 * Checks and runs one request and sends its response with the request's
 * id: at once, or for a write that changed something, once the batch is
 * durable.  Never frees the connection (a handler may ask it to close).
 */
void
dispatch_request(struct conn *c, uint64_t id, Samen__V1__Request *req)
{
	const struct dispatch_row *row;
	struct dispatch_ctx ctx;
	Samen__V1__Frame f = SAMEN__V1__FRAME__INIT;
	Samen__V1__Response resp = SAMEN__V1__RESPONSE__INIT;
	struct evbuffer *held;
	const char *name = "unknown";
	size_t i;

	memset(&ctx, 0, sizeof(ctx));
	samen__v1__status__init(&ctx.status);
	ctx.srv = c->srv;
	ctx.conn = c;
	ctx.who = &c->who;
	ctx.frame_id = id;
	ctx.req = req;

	row = dispatch_find(req->body_case);
	if (row == NULL) {
		unsigned tag = req->base.n_unknown_fields > 0 ?
		    req->base.unknown_fields[0].tag : 0;

		dispatch_error(&ctx, SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
		    "unknown request type (field %u); this server speaks "
		    "protocol %d", tag, SAMEN_PROTOCOL_VERSION);
	} else if (!c->greeted &&
	    row->type != SAMEN__V1__REQUEST__BODY_HELLO) {
		name = row->name;
		dispatch_error(&ctx, SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
		    "the first request must be hello");
	} else if ((row->roles & ROLE_BIT(c->who.role)) == 0) {
		name = row->name;
		dispatch_error(&ctx, SAMEN__V1__STATUS__CODE__PERMISSION_DENIED,
		    "%s is for the regional secretariat (admin) only; you are "
		    "%s", row->name, tls_role_name(c->who.role));
	} else if (dispatch_row_writes(row, req)) {
		name = row->name;
		dispatch_write(&ctx, row, req, &resp);
	} else {
		name = row->name;
		row->fn(&ctx, req, &resp);
	}

	c->srv->requests_total++;
	log_debug("conn %llu: %s %s -> %s%s%s", (unsigned long long)c->id,
	    c->who.name, name, wire_code_name(ctx.status.code),
	    ctx.status.message ? ": " : "",
	    ctx.status.message ? ctx.status.message : "");
	if (ctx.status.code != SAMEN__V1__STATUS__CODE__OK)
		resp.body_case = SAMEN__V1__RESPONSE__BODY__NOT_SET;
	resp.status = &ctx.status;
	resp.current = ctx.current;
	f.id = id;
	f.body_case = SAMEN__V1__FRAME__BODY_RESPONSE;
	f.response = &resp;
	/*
	 * A write's answer waits for its commit; so does any answer behind
	 * one (a refused write after an accepted one), to keep the order.
	 */
	if ((ctx.writes && ctx.status.code == SAMEN__V1__STATUS__CODE__OK) ||
	    c->pending > 0) {
		if ((held = evbuffer_new()) == NULL)
			fatalx("evbuffer_new");
		if (frame_append_sync(held, &f, ctx.sync_changes,
		    SIZE_MAX) == -1)
			fatalx("dispatch: response does not pack");
		commit_defer(c->srv, c, held, ctx.writes &&
		    ctx.status.code == SAMEN__V1__STATUS__CODE__OK);
	} else
		conn_send_sync(c, &f, ctx.sync_changes);
	if (ctx.sync_changes != NULL)
		evbuffer_free(ctx.sync_changes);
	if (ctx.trailer != NULL) {
		/* Behind the answer: its write, kicked, takes both. */
		evbuffer_add_buffer(conn_output(c), ctx.trailer);
		evbuffer_free(ctx.trailer);
	}
	for (i = 0; i < ctx.nfrees; i++)
		ctx.frees[i].fn(ctx.frees[i].p);
	free(ctx.frees);
	for (i = 0; i < ctx.nallocs; i++)
		free(ctx.allocs[i]);
	free(ctx.allocs);
}
