/* Output: errors with their exit codes, JSON for scripts. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "samen.h"
#include "xmalloc.h"

static const char *const out_codes[] = {
	"OK", "INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTS",
	"PERMISSION_DENIED", "CONFLICT", "RESYNC_REQUIRED",
	"RESOURCE_EXHAUSTED", "UNAUTHENTICATED", "UNAVAILABLE", "INTERNAL",
};

/* The name of a status code. */
const char *
out_code_name(Samen__V1__Status__Code code)
{
	if ((size_t)code < sizeof(out_codes) / sizeof(out_codes[0]))
		return out_codes[code];
	return "UNKNOWN";
}

/* The exit code for a status code (DESIGN §7). */
int
out_status_exit(Samen__V1__Status__Code code)
{
	switch (code) {
	case SAMEN__V1__STATUS__CODE__OK:
		return EXIT_OK;
	case SAMEN__V1__STATUS__CODE__INVALID_ARGUMENT:
		return EXIT_DATAERR;
	case SAMEN__V1__STATUS__CODE__NOT_FOUND:
		return EXIT_NOTFOUND;
	case SAMEN__V1__STATUS__CODE__ALREADY_EXISTS:
	case SAMEN__V1__STATUS__CODE__CONFLICT:
		return EXIT_CONFLICT;
	case SAMEN__V1__STATUS__CODE__PERMISSION_DENIED:
	case SAMEN__V1__STATUS__CODE__UNAUTHENTICATED:
		return EXIT_NOPERM;
	case SAMEN__V1__STATUS__CODE__UNAVAILABLE:
		return EXIT_UNAVAIL;
	default:
		break;
	}
	return EXIT_OTHER;
}

/* The word for a role on the wire. */
const char *
out_role_name(Samen__V1__Role role)
{
	return tls_role_name((enum tls_role)role);
}

/* Prints and frees a JSON value, one document on one line. */
void
out_json_print(void *v)
{
	json_t *j = v;
	char *s;

	if ((s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL)
		fatalx("json_dumps failed");
	printf("%s\n", s);
	fflush(stdout);
	free(s);
	json_decref(j);
}

/*
 * Prints an error ("samen: message" on stderr; with --json also a JSON
 * document on stdout) and returns the exit code to use.
 */
int
out_error(struct client *c, int exitcode, const char *fmt, ...)
{
	va_list ap;
	char buf[2048];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "samen: %s\n", buf);
	if (c != NULL && c->json)
		out_json_print(json_pack("{s:{s:s,s:i}}", "error", "message",
		    buf, "exit", exitcode));
	return exitcode;
}

/* Reports a non-OK status; returns its exit code (0 for OK). */
int
out_status(struct client *c, const Samen__V1__Status *st)
{
	int code = out_status_exit(st->code);
	const char *msg = st->message && *st->message ? st->message :
	    "no reason given";

	if (st->code == SAMEN__V1__STATUS__CODE__OK)
		return 0;
	fprintf(stderr, "samen: %s\n", msg);
	if (c != NULL && c->json)
		out_json_print(json_pack("{s:{s:s,s:s,s:i}}", "error", "code",
		    out_code_name(st->code), "message", msg, "exit", code));
	return code;
}
