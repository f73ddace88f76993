/*
 * The audit log: one record per committed change, each chained to the
 * one before by SHA-256 over the previous hash and this record, so that
 * an edit behind the daemon's back shows at the first rev it touched.
 */
#include <stdlib.h>
#include <string.h>

#include "samend.h"

struct audit_list_arg {
	struct dispatch_ctx		*ctx;
	Samen__V1__AuditResponse	*resp;
	size_t				 cap;
};

/* Adds one record to the answer. */
static int
audit_list_one(const struct audit_record *r, const unsigned char *hash,
    void *arg)
{
	struct audit_list_arg *a = arg;
	Samen__V1__AuditRecord *ar;

	if (a->resp->n_records == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->resp->records = dispatch_realloc(a->ctx, a->resp->records,
		    a->cap * sizeof(*a->resp->records));
	}
	ar = dispatch_alloc(a->ctx, sizeof(*ar));
	samen__v1__audit_record__init(ar);
	ar->rev = r->rev;
	ar->time = r->time;
	ar->principal = dispatch_strdup(a->ctx, r->principal);
	ar->action = dispatch_strdup(a->ctx, r->action);
	ar->kind = (Samen__V1__Kind)r->kind;
	ar->id = dispatch_strdup(a->ctx, r->id);
	ar->summary = dispatch_strdup(a->ctx, r->summary);
	if (hash != NULL) {
		ar->hash.data = dispatch_alloc(a->ctx, AUDIT_HASH_LEN);
		memcpy(ar->hash.data, hash, AUDIT_HASH_LEN);
		ar->hash.len = AUDIT_HASH_LEN;
	}
	a->resp->records[a->resp->n_records++] = ar;
	return 0;
}

/* audit (admin): records after since_rev, a page at a time. */
int
audit_list(struct dispatch_ctx *ctx, const Samen__V1__Request *req,
    Samen__V1__Response *resp)
{
	struct audit_list_arg a;
	size_t limit = req->audit->limit;
	int more = 0;
	char *cause = NULL;

	if (limit == 0 || limit > (size_t)ctx->srv->cfg->sync_page)
		limit = (size_t)ctx->srv->cfg->sync_page;
	memset(&a, 0, sizeof(a));
	a.ctx = ctx;
	a.resp = dispatch_alloc(ctx, sizeof(*a.resp));
	samen__v1__audit_response__init(a.resp);
	if (store_audit_each(ctx->srv->rstore, req->audit->since_rev, limit,
	    audit_list_one, &a, &more, &cause) == -1)
		return dispatch_store_error(ctx, cause);
	a.resp->more = more;
	resp->body_case = SAMEN__V1__RESPONSE__BODY_AUDIT;
	resp->audit = a.resp;
	return 0;
}

struct audit_verify_arg {
	unsigned char	 prev[AUDIT_HASH_LEN];
	uint64_t	 records;
	uint64_t	 first_bad;
	const char	*reason;
};

/* Checks one record against the chain; stops at the first bad one. */
static int
audit_verify_one(const struct audit_record *r, const unsigned char *hash,
    void *arg)
{
	struct audit_verify_arg *a = arg;
	unsigned char want[AUDIT_HASH_LEN];

	a->records++;
	if (hash == NULL) {
		a->first_bad = r->rev;
		a->reason = "the record has no hash";
		return 1;
	}
	audit_hash(a->prev, r, want);
	if (memcmp(want, hash, AUDIT_HASH_LEN) != 0) {
		a->first_bad = r->rev;
		a->reason = "the record does not match its hash: it, or a "
		    "record before it, was changed or removed";
		return 1;
	}
	memcpy(a->prev, hash, AUDIT_HASH_LEN);
	return 0;
}

/*
 * Recomputes the whole chain of st: *records checked, *first_bad (0: the
 * chain holds) and *reason.  -1: the store failed (*cause).
 */
int
audit_check(struct store *st, uint64_t *records, uint64_t *first_bad,
    const char **reason, char **cause)
{
	struct audit_verify_arg a;
	int more;

	memset(&a, 0, sizeof(a));
	if (store_audit_each(st, 0, 0, audit_verify_one, &a, &more,
	    cause) == -1)
		return -1;
	*records = a.records;
	*first_bad = a.first_bad;
	*reason = a.reason;
	return 0;
}

/* audit_verify (admin): recomputes the whole chain. */
int
audit_verify(struct dispatch_ctx *ctx, const Samen__V1__Request *req,
    Samen__V1__Response *resp)
{
	Samen__V1__AuditVerifyResponse *v;
	uint64_t records, first_bad;
	const char *reason;
	char *cause = NULL;

	(void)req;
	if (audit_check(ctx->srv->rstore, &records, &first_bad, &reason,
	    &cause) == -1)
		return dispatch_store_error(ctx, cause);
	v = dispatch_alloc(ctx, sizeof(*v));
	samen__v1__audit_verify_response__init(v);
	v->ok = first_bad == 0;
	v->records = records;
	v->first_bad_rev = first_bad;
	v->reason = dispatch_strdup(ctx, reason ? reason : "");
	if (!v->ok)
		log_warnx("audit chain broken at rev %llu: %s",
		    (unsigned long long)first_bad, reason);
	resp->body_case = SAMEN__V1__RESPONSE__BODY_AUDIT_VERIFY;
	resp->audit_verify = v;
	return 0;
}
