/*
 * What the commands that change meetings, availability and dossiers
 * share: the words and lists of their options, for whom the caller acts,
 * and one put whose refusal is reported with the fields that conflict.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "date.h"
#include "samen.h"
#include "xmalloc.h"

/*
 * Reports a refused put: the status and, for a conflict, each field that
 * differs between yours and the current entity.  Returns the exit code.
 */
static int
edit_refused(struct client *c, const Samen__V1__Response *resp,
    const Samen__V1__Entity *yours)
{
	const Samen__V1__Status *st = resp->status;
	const Samen__V1__Entity *cur = resp->current;
	const char *msg = *st->message ? st->message : "no reason given";
	int code = out_status_exit(st->code);
	json_t *j;

	if (st->code != SAMEN__V1__STATUS__CODE__CONFLICT || cur == NULL)
		return out_status(c, st);
	fprintf(stderr, "samen: %s\n", msg);
	if (c->json) {
		j = json_pack("{s:{s:s,s:s,s:i}}", "error", "code",
		    wire_code_name(st->code), "message", msg, "exit", code);
		json_object_set_new(j, "yours", entity_json(yours));
		json_object_set_new(j, "theirs", entity_json(cur));
		json_object_set_new(j, "differences",
		    entity_diff_json(yours, cur));
		out_json_print(j);
		return code;
	}
	if (entity_diff_print(yours, cur, stderr) == 0)
		fprintf(stderr, "(your version and the current one, rev %llu, "
		    "have the same fields)\n", (unsigned long long)cur->rev);
	fprintf(stderr, "%s %s is at rev %llu now; look at it again and "
	    "repeat your change if it still holds\n",
	    entity_kind_name(wire_entity_kind(cur)), cur->id,
	    (unsigned long long)cur->rev);
	return code;
}

/*
 * Puts an entity based on expected_rev (0: a new one).  0: *stored is
 * the entity as the daemon stored it (free with
 * samen__v1__entity__free_unpacked); otherwise the exit code, with the
 * error (and any conflict) printed.
 */
int
edit_put(struct client *c, const Samen__V1__Entity *e, uint64_t expected_rev,
    Samen__V1__Entity **stored)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__PutRequest put = SAMEN__V1__PUT_REQUEST__INIT;
	Samen__V1__Response *resp;
	int rv;

	*stored = NULL;
	put.entity = (Samen__V1__Entity *)(uintptr_t)e;
	put.expected_rev = expected_rev;
	req.body_case = SAMEN__V1__REQUEST__BODY_PUT;
	req.put = &put;
	if (conn_call(c, &req, &resp) == -1)
		return EXIT_UNAVAIL;
	if (resp->status->code != SAMEN__V1__STATUS__CODE__OK) {
		rv = edit_refused(c, resp, e);
		conn_response_free(resp);
		return rv ? rv : EXIT_OTHER;
	}
	if (resp->body_case != SAMEN__V1__RESPONSE__BODY_PUT ||
	    resp->put->entity == NULL ||
	    resp->put->entity->body_case != e->body_case) {
		conn_response_free(resp);
		return out_error(c, EXIT_OTHER, "the server answered put "
		    "with something else");
	}
	*stored = resp->put->entity;
	resp->put->entity = NULL;
	conn_response_free(resp);
	return 0;
}

/*
 * The municipality the caller acts for: given (the value of option opt),
 * else the one of the caller's certificate.  The regional secretariat
 * acts for the whole region and must say.  0: *muni set (free it);
 * otherwise 64, printed.
 */
int
edit_for_municipality(const struct client_cmd *cmd,
    const Samen__V1__HelloResponse *h, const char *opt, const char *given,
    char **muni)
{
	*muni = NULL;
	if (given != NULL) {
		*muni = xstrdup(given);
		return 0;
	}
	if (h == NULL || h->principal == NULL ||
	    h->principal->role == SAMEN__V1__ROLE__ADMIN ||
	    strcmp(h->principal->municipality, TLS_REGION_ORG) == 0 ||
	    *h->principal->municipality == '\0')
		return client_usage_error(cmd, "you act for the whole region; "
		    "say for which municipality with %s M", opt);
	*muni = xstrdup(h->principal->municipality);
	return 0;
}

/*
 * An id as typed (free it): with letter 'M', "M3", "m3" and "3" all
 * mean M3; anything else stays as it is.
 */
char *
edit_id(const char *s, char letter)
{
	const char *p, *digits;
	char *id;

	digits = toupper((unsigned char)s[0]) == letter ? s + 1 : s;
	if (*digits == '\0')
		return xstrdup(s);
	for (p = digits; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p))
			return xstrdup(s);
	}
	xasprintf(&id, "%c%s", letter, digits);
	return id;
}

/*
 * Splits a comma list ("a, b,c") into its words, blanks around them
 * dropped and empty ones left out; with a letter, each is an id of that
 * letter (edit_id).  *v and *n: free with edit_list_free.
 */
void
edit_list(const char *s, char letter, char ***v, size_t *n)
{
	const char *p, *end;
	char *w, *id;
	size_t cap = 0;

	*v = NULL;
	*n = 0;
	for (p = s; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		while (*p == ' ' || *p == '\t')
			p++;
		for (end = p; *end != '\0' && *end != ','; end++)
			;
		w = xstrndup(p, (size_t)(end - p));
		while (*w != '\0' && (w[strlen(w) - 1] == ' ' ||
		    w[strlen(w) - 1] == '\t'))
			w[strlen(w) - 1] = '\0';
		if (*w == '\0') {
			free(w);
			continue;
		}
		if (letter != 0) {
			id = edit_id(w, letter);
			free(w);
			w = id;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*v = xreallocarray(*v, cap, sizeof(**v));
		}
		(*v)[(*n)++] = w;
	}
}

/* Frees a list from edit_list. */
void
edit_list_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The words of a list as "a, b, c" (free it). */
char *
edit_list_join(char *const *v, size_t n)
{
	char *s = xstrdup(""), *t;
	size_t i;

	for (i = 0; i < n; i++) {
		xasprintf(&t, "%s%s%s", s, i ? ", " : "", v[i]);
		free(s);
		s = t;
	}
	return s;
}

/* Parses an enum word of an option; 64 with the valid words if unknown. */
int
edit_word(const struct client_cmd *cmd, enum entity_enum e, const char *opt,
    const char *arg, int *value)
{
	char *words;
	int rv;

	if (entity_parse_word(e, arg, value) == 0)
		return 0;
	words = entity_words(e);
	rv = client_usage_error(cmd, "%s '%s' is unknown; use one of: %s",
	    opt, arg, words);
	free(words);
	return rv;
}

/*
 * Parses a comma list of enum words of an option into *values (free it),
 * appending to what is there.  0, or 64 with the valid words.
 */
int
edit_words(const struct client_cmd *cmd, enum entity_enum e,
    const char *opt, const char *arg, int **values, size_t *n)
{
	char **w;
	size_t nw, i;
	int v, rv = 0;

	edit_list(arg, 0, &w, &nw);
	if (nw == 0)
		rv = client_usage_error(cmd, "%s needs at least one word", opt);
	for (i = 0; i < nw && rv == 0; i++) {
		if ((rv = edit_word(cmd, e, opt, w[i], &v)) != 0)
			break;
		*values = xreallocarray(*values, *n + 1, sizeof(**values));
		(*values)[(*n)++] = v;
	}
	edit_list_free(w, nw);
	return rv;
}

/* Checks the date of an option: 0, or 64 printed. */
int
edit_date(const struct client_cmd *cmd, const char *opt, const char *arg)
{
	struct date d;

	if (date_parse(arg, &d) == 0)
		return 0;
	return client_usage_error(cmd, "%s '%s' is not a date (YYYY-MM-DD, "
	    "one that exists)", opt, arg);
}

/* Parses a time of day HH:MM (00:00 to 23:59). 0, or -1. */
int
edit_hhmm(const char *s, int *hour, int *min)
{
	if (strlen(s) != 5 || s[2] != ':' || !isdigit((unsigned char)s[0]) ||
	    !isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]))
		return -1;
	*hour = (s[0] - '0') * 10 + (s[1] - '0');
	*min = (s[3] - '0') * 10 + (s[4] - '0');
	return *hour <= 23 && *min <= 59 ? 0 : -1;
}

/* Parses --expected-rev: 0, or 64 printed. */
int
edit_rev(const struct client_cmd *cmd, const char *arg, uint64_t *rev)
{
	if (client_parse_number(arg, INT64_MAX, rev) == 0)
		return 0;
	return client_usage_error(cmd, "--expected-rev needs a rev (a number), "
	    "not '%s'", arg);
}

/*
 * Parses the arguments of a command that takes one id (what: "meeting")
 * and no option but --expected-rev.  0: the id is argv[optind], *rev and
 * *have_rev set; otherwise 64, printed.
 */
int
edit_id_rev(const struct client_cmd *cmd, int argc, char **argv,
    const char *what, uint64_t *rev, int *have_rev)
{
	static const struct option opts[] = {
		{ "expected-rev", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, rv;

	*rev = 0;
	*have_rev = 0;
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if ((rv = edit_rev(cmd, optarg, rev)) != 0)
				return rv;
			*have_rev = 1;
			break;
		default:
			return client_bad_option(cmd, argv);
		}
	}
	if (optind + 1 != argc)
		return client_usage_error(cmd, "give one %s id", what);
	return 0;
}

/*
 * Reads entity id of a kind (what: "meeting") from the mirror; online 0
 * says so in the error.  0: *e set (free it); otherwise the exit code,
 * printed (66: there is none).
 */
int
edit_get(struct client *c, struct mirror *m, Samen__V1__Kind kind,
    const char *what, const char *id, int online, Samen__V1__Entity **e)
{
	char *cause = NULL;
	int rv;

	if ((rv = mirror_get(m, kind, id, e, &cause)) == -1)
		return edit_mirror_error(c, cause);
	if (rv == 1)
		return out_error(c, EXIT_NOTFOUND, "there is no %s %s%s", what,
		    id, online ? "" : " in the local copy");
	return 0;
}

/*
 * The start of a write to an existing entity: connects (the hello in *hp
 * when hp is not NULL), syncs the local copy and reads entity arg (an id
 * with letter, edit_id) of kind from it.  0: *mp and *cur set; otherwise
 * the exit code, printed.  The caller frees what is set either way.
 */
int
edit_open(struct client *c, Samen__V1__HelloResponse **hp,
    Samen__V1__Kind kind, char letter, const char *what, const char *arg,
    struct mirror **mp, Samen__V1__Entity **cur)
{
	char *id;
	int rv;

	if (hp != NULL)
		*hp = NULL;
	*mp = NULL;
	*cur = NULL;
	if ((rv = conn_open(c, hp)) != 0)
		return rv;
	if ((rv = mirror_open_synced(c, mp)) != 0)
		return rv;
	id = edit_id(arg, letter);
	rv = edit_get(c, *mp, kind, what, id, 1, cur);
	free(id);
	return rv;
}

/* Prints an error about the local copy, frees cause and returns 1. */
int
edit_mirror_error(struct client *c, char *cause)
{
	int rv = out_error(c, EXIT_OTHER, "%s", cause);

	free(cause);
	return rv;
}

/* True when v holds x; an empty list (no filter) holds everything. */
int
edit_in(const int *v, size_t n, int x)
{
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i < n; i++) {
		if (v[i] == x)
			return 1;
	}
	return 0;
}

/* "-" for an empty string, for table cells. */
const char *
edit_dash(const char *s)
{
	return s != NULL && *s != '\0' ? s : "-";
}
