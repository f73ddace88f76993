/* hello and stats: who the server is, who the client is, how it runs. */
#include <stdlib.h>
#include <string.h>

#include "samend.h"
#include "xmalloc.h"

/*
 * hello: checks the protocol version, then names the server, the region,
 * the principal and the current rev.
 */
int
status_hello(struct dispatch_ctx *ctx, const Samen__V1__Request *req,
    Samen__V1__Response *resp)
{
	Samen__V1__HelloResponse *h;
	Samen__V1__Principal *p;
	const struct tls_principal *who = ctx->who;

	if (req->hello->protocol_version != SAMEN_PROTOCOL_VERSION)
		return dispatch_error(ctx,
		    SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT,
		    "protocol version %u is not supported; this server speaks "
		    "version %d", req->hello->protocol_version,
		    SAMEN_PROTOCOL_VERSION);
	/* The certificate's municipality was checked at connect
	 * (conn_admissible): hello reads nothing from the database. */
	ctx->conn->greeted = 1;

	h = dispatch_alloc(ctx, sizeof(*h));
	samen__v1__hello_response__init(h);
	p = dispatch_alloc(ctx, sizeof(*p));
	samen__v1__principal__init(p);
	p->name = dispatch_strdup(ctx, who->name);
	p->municipality = dispatch_strdup(ctx, who->municipality);
	p->role = (Samen__V1__Role)who->role;
	h->server_version = (char *)(uintptr_t)SAMEN_VERSION;
	h->protocol_version = SAMEN_PROTOCOL_VERSION;
	h->region = ctx->srv->region_name;
	h->time_zone = ctx->srv->time_zone;
	h->principal = p;
	h->rev = ctx->srv->committed_rev;
	resp->body_case = SAMEN__V1__RESPONSE__BODY_HELLO;
	resp->hello = h;
	return 0;
}

/* stats (admin): connections, requests, rev, uptime, database size. */
int
status_stats(struct dispatch_ctx *ctx, const Samen__V1__Request *req,
    Samen__V1__Response *resp)
{
	Samen__V1__StatsResponse *s;
	struct server *srv = ctx->srv;

	(void)req;
	s = dispatch_alloc(ctx, sizeof(*s));
	samen__v1__stats_response__init(s);
	s->connections = srv->nconns;
	s->connections_total = srv->accepted_total;
	s->refused_total = srv->refused_total;
	s->requests = srv->requests_total;
	s->rev = srv->committed_rev;
	s->uptime_seconds = (uint64_t)(time(NULL) - srv->started);
	s->database_bytes = (uint64_t)store_size(srv->store);
	resp->body_case = SAMEN__V1__RESPONSE__BODY_STATS;
	resp->stats = s;
	return 0;
}
