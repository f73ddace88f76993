/* Small facts about the wire messages that both programs need. */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"
#include "xmalloc.h"

static const char *const wire_codes[] = {
	"OK", "INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTS",
	"PERMISSION_DENIED", "CONFLICT", "RESYNC_REQUIRED",
	"RESOURCE_EXHAUSTED", "UNAUTHENTICATED", "UNAVAILABLE", "INTERNAL",
};

/* The kind of an entity, from its body. */
Samen__V1__Kind
wire_entity_kind(const Samen__V1__Entity *e)
{
	switch (e->body_case) {
	case SAMEN__V1__ENTITY__BODY_REGION:
		return SAMEN__V1__KIND__REGION;
	case SAMEN__V1__ENTITY__BODY_MUNICIPALITY:
		return SAMEN__V1__KIND__MUNICIPALITY;
	case SAMEN__V1__ENTITY__BODY_AGENDA_ITEM:
		return SAMEN__V1__KIND__AGENDA_ITEM;
	case SAMEN__V1__ENTITY__BODY_DECISION:
		return SAMEN__V1__KIND__DECISION;
	case SAMEN__V1__ENTITY__BODY_RANKING:
		return SAMEN__V1__KIND__RANKING;
	case SAMEN__V1__ENTITY__BODY_MEETING:
		return SAMEN__V1__KIND__MEETING;
	case SAMEN__V1__ENTITY__BODY_AVAILABILITY:
		return SAMEN__V1__KIND__AVAILABILITY;
	case SAMEN__V1__ENTITY__BODY_DOSSIER:
		return SAMEN__V1__KIND__DOSSIER;
	default:
		break;
	}
	return SAMEN__V1__KIND__KIND_UNSPECIFIED;
}

/* The name of a status code, as DESIGN §4 spells it. */
const char *
wire_code_name(Samen__V1__Status__Code code)
{
	if ((size_t)code < sizeof(wire_codes) / sizeof(wire_codes[0]))
		return wire_codes[code];
	return "UNKNOWN";
}

/*
 * Creates dir and its missing parents; the last with mode 0700, as it
 * holds keys or state.  0, or -1 with *cause.
 */
int
wire_mkdir_p(const char *dir, char **cause)
{
	char *p = xstrdup(dir), *s;

	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) == -1 && errno != EEXIST)
			goto fail;
		*s = '/';
	}
	if (mkdir(p, 0700) == -1 && errno != EEXIST)
		goto fail;
	free(p);
	return 0;
fail:
	xasprintf(cause, "cannot create %s: %s", p, strerror(errno));
	free(p);
	return -1;
}

/*
 * Bytes of the well-formed UTF-8 sequence at p (2 to 4), or 0: not one
 * (a stray or cut byte, an overlong form, a surrogate, beyond U+10FFFF).
 * Call it for a byte of 0x80 and above.
 */
static size_t
wire_utf8_seq(const unsigned char *p)
{
	uint32_t cp;
	size_t n, i;

	if ((*p & 0xe0) == 0xc0) {
		n = 1;
		cp = *p & 0x1f;
	} else if ((*p & 0xf0) == 0xe0) {
		n = 2;
		cp = *p & 0x0f;
	} else if ((*p & 0xf8) == 0xf0) {
		n = 3;
		cp = *p & 0x07;
	} else
		return 0;
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
	    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n + 1;
}

/*
 * True for well-formed UTF-8 without control characters; with lines,
 * tab and newline are allowed.
 */
int
wire_text_ok(const char *s, int lines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p != '\0') {
		if (*p >= 0x80) {
			if ((n = wire_utf8_seq(p)) == 0)
				return 0;
			p += n;
			continue;
		}
		if ((*p < 0x20 && !(lines && (*p == '\t' || *p == '\n'))) ||
		    *p == 0x7f)
			return 0;
		p++;
	}
	return 1;
}

/*
 * Makes text fit to send and log, in place: a byte that does not belong
 * to well-formed UTF-8, and a control character, become '?' (a message
 * may quote what a client sent).
 */
void
wire_clean_text(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t n;

	while (*p != '\0') {
		if (*p >= 0x80 && (n = wire_utf8_seq(p)) != 0) {
			p += n;
			continue;
		}
		if (*p >= 0x80 || *p < 0x20 || *p == 0x7f)
			*p = '?';
		p++;
	}
}
