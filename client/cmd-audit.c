/*
 * samen audit (admin): the audit log, page after page; samen audit
 * verify: the daemon checks the log's hash chain.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "samen.h"
#include "xmalloc.h"

static const struct client_cmd audit_cmds[] = {
	{ "audit", "[--since REV] [--limit N]",
	  "admin: the audit log after rev REV (all of it by default), at "
	  "most N records", NULL, 0 },
	{ "audit verify", "",
	  "admin: check the audit log's hash chain; exit 65 when it is broken",
	  NULL, 0 },
};

/* Prints the help of audit and its subcommand. */
static void
audit_help(void)
{
	printf("usage: samen audit [--since REV] [--limit N]\n"
	    "       samen audit verify\n\n"
	    "admin: the audit log (REV TIME PRINCIPAL ACTION KIND ID SUMMARY, "
	    "times in UTC),\nor with 'verify' a check of its SHA-256 hash "
	    "chain: exit 0 when it holds,\n65 with the first bad rev when it "
	    "is broken.\n");
}

/* Hex of a hash (free it). */
static char *
audit_hex(const ProtobufCBinaryData *b)
{
	char *s = xmalloc(b->len * 2 + 1);
	size_t i;

	for (i = 0; i < b->len; i++)
		snprintf(s + i * 2, 3, "%02x", b->data[i]);
	s[b->len * 2] = '\0';
	return s;
}

/* Adds one record to the table or the JSON array. */
static void
audit_add(struct client *c, const Samen__V1__AuditRecord *r,
    struct out_table *t, json_t *a)
{
	char when[32], *hex;

	if (c->json) {
		hex = audit_hex(&r->hash);
		json_array_append_new(a, json_pack(
		    "{s:I,s:I,s:s,s:s,s:s*,s:s,s:s,s:s}",
		    "rev", (json_int_t)r->rev, "time", (json_int_t)r->time,
		    "principal", r->principal, "action", r->action,
		    "kind", entity_word(ENTITY_KIND, r->kind), "id", r->id,
		    "summary", r->summary, "hash", hex));
		free(hex);
		return;
	}
	out_time(r->time, 1, when, sizeof(when));
	out_table_add(t, "%llu", (unsigned long long)r->rev);
	out_table_add(t, "%s", when);
	out_table_add(t, "%s", r->principal);
	out_table_add(t, "%s", r->action);
	out_table_add(t, "%s", entity_kind_name(r->kind));
	out_table_add(t, "%s", r->id);
	out_table_add(t, "%s", r->summary);
}

/* samen audit [--since REV] [--limit N]: every record, page after page. */
static int
audit_list(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	const struct client_cmd *cmd = &audit_cmds[0];
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__AuditRequest ar = SAMEN__V1__AUDIT_REQUEST__INIT;
	Samen__V1__Response *resp;
	Samen__V1__AuditResponse *a;
	struct out_table *t = NULL;
	json_t *records = NULL;
	uint64_t since = 0, limit = 0, left, shown = 0;
	size_t i;
	int ch, rv, more;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (client_parse_number(optarg, INT64_MAX,
			    &since) == -1)
				return client_usage_error(cmd, "--since needs "
				    "a rev (a number), not '%s'", optarg);
			break;
		case 'l':
			if (client_parse_number(optarg, UINT32_MAX, &limit) ==
			    -1 || limit == 0)
				return client_usage_error(cmd, "--limit needs "
				    "a number above 0, not '%s'", optarg);
			break;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	if (optind != argc)
		return client_usage_error(cmd, "unexpected '%s'", argv[optind]);
	if ((rv = conn_open(c, NULL)) != 0)
		return rv;

	if (c->json)
		records = json_array();
	else {
		t = out_table_new(7);
		out_table_right(t, 0);
		out_table_add(t, "REV");
		out_table_add(t, "TIME (UTC)");
		out_table_add(t, "PRINCIPAL");
		out_table_add(t, "ACTION");
		out_table_add(t, "KIND");
		out_table_add(t, "ID");
		out_table_add(t, "SUMMARY");
	}
	req.body_case = SAMEN__V1__REQUEST__BODY_AUDIT;
	req.audit = &ar;
	left = limit;
	do {
		ar.since_rev = since;
		ar.limit = (uint32_t)left;	/* 0: the daemon's page size */
		if (conn_call(c, &req, &resp) == -1) {
			rv = EXIT_UNAVAIL;
			goto out;
		}
		if ((rv = out_status(c, resp->status)) != 0 ||
		    resp->body_case != SAMEN__V1__RESPONSE__BODY_AUDIT) {
			conn_response_free(resp);
			rv = rv ? rv : EXIT_OTHER;
			goto out;
		}
		a = resp->audit;
		for (i = 0; i < a->n_records && (limit == 0 || shown < limit);
		    i++, shown++) {
			audit_add(c, a->records[i], t, records);
			if (a->records[i]->rev > since)
				since = a->records[i]->rev;
		}
		if (limit != 0)
			left = limit - shown;
		/* A page that brings nothing new ends it as well. */
		more = a->more && a->n_records > 0 && (limit == 0 || left > 0);
		conn_response_free(resp);
	} while (more);

	if (c->json) {
		out_json_print(json_pack("{s:o}", "records", records));
		records = NULL;
	} else if (shown == 0)
		printf("no audit records after rev %llu\n",
		    (unsigned long long)since);
	else {
		out_table_print(t);
		t = NULL;
	}
	rv = 0;
out:
	out_table_free(t);
	json_decref(records);
	return rv;
}

/* samen audit verify: 0 when the chain holds, 65 when it is broken. */
static int
audit_verify(struct client *c, int argc, char **argv)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__AuditVerifyRequest vr =
	    SAMEN__V1__AUDIT_VERIFY_REQUEST__INIT;
	Samen__V1__Response *resp;
	Samen__V1__AuditVerifyResponse *v;
	int rv;

	if (argc != 1)
		return client_usage_error(&audit_cmds[1], "unexpected '%s'",
		    argv[1]);
	if ((rv = conn_open(c, NULL)) != 0)
		return rv;
	req.body_case = SAMEN__V1__REQUEST__BODY_AUDIT_VERIFY;
	req.audit_verify = &vr;
	if (conn_call(c, &req, &resp) == -1)
		return EXIT_UNAVAIL;
	if ((rv = out_status(c, resp->status)) != 0 ||
	    resp->body_case != SAMEN__V1__RESPONSE__BODY_AUDIT_VERIFY) {
		conn_response_free(resp);
		return rv ? rv : EXIT_OTHER;
	}
	v = resp->audit_verify;
	if (c->json)
		out_json_print(json_pack("{s:b,s:I,s:I,s:s}", "ok", v->ok,
		    "records", (json_int_t)v->records,
		    "first_bad_rev", (json_int_t)v->first_bad_rev,
		    "reason", v->reason));
	else if (v->ok)
		printf("audit chain holds: %llu record%s\n",
		    (unsigned long long)v->records, v->records == 1 ? "" : "s");
	else
		printf("audit chain broken at rev %llu: %s\n",
		    (unsigned long long)v->first_bad_rev,
		    *v->reason ? v->reason : "no reason given");
	rv = v->ok ? 0 : EXIT_DATAERR;
	conn_response_free(resp);
	return rv;
}

/* samen audit ...: the log, or verify. */
int
cmd_audit(struct client *c, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "verify") == 0) {
		if (client_wants_help(argc - 1, argv + 1)) {
			client_print_cmd_help(&audit_cmds[1]);
			return 0;
		}
		return audit_verify(c, argc - 1, argv + 1);
	}
	if (client_wants_help(argc, argv)) {
		audit_help();
		return 0;
	}
	return audit_list(c, argc, argv);
}
