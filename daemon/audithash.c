/*
 * The audit chain's hash: SHA-256 over the previous record's hash and
 * this record, each field length-prefixed.  Pure (no I/O), and apart
 * from audit.c so that a unit test can pin its bytes: every database
 * written so far verifies against exactly this encoding.
 */
#include <stdlib.h>
#include <string.h>

#include "samend.h"
#include "xmalloc.h"

/* Room for most records; a longer one is hashed from the heap. */
#define AUDIT_INPUT_STACK	512

/* Digits of the longest number (a 64-bit one, with its sign). */
#define AUDIT_NUM_MAX		21

/* Writes a 4-byte big-endian length and the field; returns its end. */
static unsigned char *
audit_field(unsigned char *p, const void *field, size_t n)
{
	p[0] = (unsigned char)(n >> 24);
	p[1] = (unsigned char)(n >> 16);
	p[2] = (unsigned char)(n >> 8);
	p[3] = (unsigned char)n;
	memcpy(p + 4, field, n);
	return p + 4 + n;
}

/*
 * Writes v in decimal, as printf's %llu or, when negative is set, as
 * %lld of -v would, right-aligned to end; returns the first digit.
 */
static char *
audit_decimal(char *end, uint64_t v, int negative)
{
	char *p = end;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (negative)
		*--p = '-';
	return p;
}

/* A signed number for audit_decimal: its magnitude, without overflow. */
static char *
audit_signed(char *end, int64_t v)
{
	return v < 0 ? audit_decimal(end, (uint64_t)0 - (uint64_t)v, 1) :
	    audit_decimal(end, (uint64_t)v, 0);
}

/*
 * out = SHA-256(prev || rev || time || principal || action || kind || id
 * || summary), each field a 4-byte big-endian length and its bytes, the
 * numbers in decimal, so that no two records encode alike.
 */
void
audit_hash(const unsigned char *prev, const struct audit_record *r,
    unsigned char *out)
{
	unsigned char stack[AUDIT_INPUT_STACK], *buf = stack, *p;
	char rev[AUDIT_NUM_MAX], tm[AUDIT_NUM_MAX], kind[AUDIT_NUM_MAX];
	char *revs, *tms, *kinds;
	size_t nprincipal = strlen(r->principal), naction = strlen(r->action);
	size_t nid = strlen(r->id), nsummary = strlen(r->summary), need;

	revs = audit_decimal(rev + sizeof(rev), r->rev, 0);
	tms = audit_signed(tm + sizeof(tm), r->time);
	kinds = audit_signed(kind + sizeof(kind), r->kind);
	need = 8 * 4 + AUDIT_HASH_LEN + 3 * AUDIT_NUM_MAX;
	if (nprincipal + naction + nid + nsummary > sizeof(stack) - need)
		buf = xmalloc(need + nprincipal + naction + nid + nsummary);

	p = audit_field(buf, prev, AUDIT_HASH_LEN);
	p = audit_field(p, revs, (size_t)(rev + sizeof(rev) - revs));
	p = audit_field(p, tms, (size_t)(tm + sizeof(tm) - tms));
	p = audit_field(p, r->principal, nprincipal);
	p = audit_field(p, r->action, naction);
	p = audit_field(p, kinds, (size_t)(kind + sizeof(kind) - kinds));
	p = audit_field(p, r->id, nid);
	p = audit_field(p, r->summary, nsummary);
	tls_sha256(buf, (size_t)(p - buf), out);
	if (buf != stack)
		free(buf);
}
