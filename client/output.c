/* Output: errors with their exit codes, JSON for scripts. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "samen.h"
#include "xmalloc.h"

/* An aligned table: the first row holds the headers. */
struct out_table {
	size_t	  ncols;
	size_t	  ncells;
	size_t	  cap;
	char	**cells;
	uint64_t  right;	/* bit n: column n aligned right */
};

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
		    wire_code_name(st->code), "message", msg, "exit", code));
	return code;
}

/*
 * Writes a UTC instant as "YYYY-MM-DD HH:MM" (seconds: with ":SS") into
 * buf.
 */
void
out_time(int64_t t, int seconds, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, seconds ? "%Y-%m-%d %H:%M:%S" :
	    "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

/* A table of ncols columns; add the header cells first. */
struct out_table *
out_table_new(size_t ncols)
{
	struct out_table *t = xcalloc(1, sizeof(*t));

	t->ncols = ncols;
	return t;
}

/* Aligns column col to the right (numbers). */
void
out_table_right(struct out_table *t, size_t col)
{
	if (col < 64)
		t->right |= (uint64_t)1 << col;
}

/*
 * Adds the next cell, row after row.  Control characters become spaces
 * so that a row stays one line.
 */
void
out_table_add(struct out_table *t, const char *fmt, ...)
{
	va_list ap;
	char *s, *p;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatalx("vasprintf");
	va_end(ap);
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	}
	if (t->ncells == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->cells = xreallocarray(t->cells, t->cap, sizeof(*t->cells));
	}
	t->cells[t->ncells++] = s;
}

/* The width of a UTF-8 string in terminal columns (one per character). */
static size_t
out_width(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return n;
}

/*
 * Prints the table on stdout, columns two spaces apart, the last one
 * unpadded, and trailing blanks trimmed; then frees it.
 */
void
out_table_print(struct out_table *t)
{
	size_t *w, i, col, pad, len;
	char *line;
	size_t cap = 256, used;
	int right;

	w = xcalloc(t->ncols ? t->ncols : 1, sizeof(*w));
	for (i = 0; i < t->ncells; i++) {
		col = i % t->ncols;
		if ((len = out_width(t->cells[i])) > w[col])
			w[col] = len;
	}
	line = xmalloc(cap);
	used = 0;
	for (i = 0; i < t->ncells; i++) {
		col = i % t->ncols;
		len = out_width(t->cells[i]);
		pad = w[col] - len;
		/* Enough room for padding, the cell and the separator. */
		while (used + pad + strlen(t->cells[i]) + 3 > cap) {
			cap *= 2;
			line = xreallocarray(line, cap, 1);
		}
		right = col < 64 && (t->right & ((uint64_t)1 << col));
		if (col == t->ncols - 1 && !right)
			pad = 0;
		if (right) {
			memset(line + used, ' ', pad);
			used += pad;
			pad = 0;
		}
		memcpy(line + used, t->cells[i], strlen(t->cells[i]));
		used += strlen(t->cells[i]);
		if (col == t->ncols - 1) {
			while (used > 0 && line[used - 1] == ' ')
				used--;
			line[used] = '\0';
			printf("%s\n", line);
			used = 0;
			continue;
		}
		memset(line + used, ' ', pad + 2);
		used += pad + 2;
	}
	free(line);
	free(w);
	fflush(stdout);
	out_table_free(t);
}

/* Frees a table that was not printed. */
void
out_table_free(struct out_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}
