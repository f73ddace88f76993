/* Encoding and incremental decoding of length-prefixed frames. */
#include <arpa/inet.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <zstd.h>

#include "frame.h"
#include "log.h"
#include "xmalloc.h"

/*
 * Appends f to out, length first.  0: appended; -1: the packed frame is
 * larger than max, nothing was appended.
 */
int
frame_append(struct evbuffer *out, const Samen__V1__Frame *f, size_t max)
{
	size_t len;
	uint32_t be;
	uint8_t *body;
	struct evbuffer_iovec vec;

	len = samen__v1__frame__get_packed_size(f);
	if (len > max || len > UINT32_MAX)
		return -1;
	be = htonl((uint32_t)len);
	if (evbuffer_add(out, &be, sizeof(be)) == -1)
		return -1;
	if (len == 0)
		return 0;
	/* Pack straight into the buffer's own memory. */
	if (evbuffer_reserve_space(out, len, &vec, 1) != 1)
		fatalx("frame_append: evbuffer_reserve_space");
	body = vec.iov_base;
	samen__v1__frame__pack(f, body);
	vec.iov_len = len;
	if (evbuffer_commit_space(out, &vec, 1) == -1)
		fatalx("frame_append: evbuffer_commit_space");
	return 0;
}

/*
 * A sync page straight from the database.  A protobuf message is the
 * concatenation of its fields, and a repeated field's entries may come
 * anywhere in it: so the stored bytes of each entity can go out as they
 * are, as SyncResponse.changes entries after the page's other fields,
 * without being unpacked and packed again.  The client reads the same
 * message either way.
 */

#define FRAME_WIRE_VARINT	0
#define FRAME_WIRE_LEN		2

/* Writes v as a varint at p (at most 10 bytes); the bytes written. */
static size_t
frame_put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* The bytes of v as a varint. */
static size_t
frame_put_varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* The number of the field called name in message d. */
static uint32_t
frame_field(const ProtobufCMessageDescriptor *d, const char *name)
{
	const ProtobufCFieldDescriptor *fd;

	if ((fd = protobuf_c_message_descriptor_get_field_by_name(d,
	    name)) == NULL)
		fatalx("frame: %s has no field %s", d->name, name);
	return fd->id;
}

/* Writes a field's key (number and wire type) at p; the bytes written. */
static size_t
frame_key(uint8_t *p, uint32_t field, int wire)
{
	return frame_put_varint(p, ((uint64_t)field << 3) | (uint64_t)wire);
}

/* The bytes of a length-delimited field of len bytes, key included. */
static size_t
frame_len_field_size(uint32_t field, size_t len)
{
	return frame_put_varint_len((uint64_t)field << 3) +
	    frame_put_varint_len(len) + len;
}

/*
 * Appends to out one SyncResponse.changes entry: a Change of rev with
 * the packed Entity body (len bytes), or, body NULL, the tombstone of
 * kind and id.
 */
void
frame_sync_change(struct evbuffer *out, uint64_t rev, int kind,
    const char *id, const void *body, size_t len)
{
	static uint32_t f_changes, f_rev, f_entity, f_deleted;
	Samen__V1__Tombstone t = SAMEN__V1__TOMBSTONE__INIT;
	uint8_t head[48], *tomb = NULL;
	size_t clen, n = 0, tlen = 0;

	if (f_changes == 0) {
		f_changes = frame_field(&samen__v1__sync_response__descriptor,
		    "changes");
		f_rev = frame_field(&samen__v1__change__descriptor, "rev");
		f_entity = frame_field(&samen__v1__change__descriptor,
		    "entity");
		f_deleted = frame_field(&samen__v1__change__descriptor,
		    "deleted");
	}
	if (body == NULL) {
		t.kind = (Samen__V1__Kind)kind;
		t.id = (char *)(uintptr_t)id;
		tlen = samen__v1__tombstone__get_packed_size(&t);
		tomb = xmalloc(tlen ? tlen : 1);
		samen__v1__tombstone__pack(&t, tomb);
		body = tomb;
		len = tlen;
	}
	clen = (rev != 0 ? frame_put_varint_len((uint64_t)f_rev << 3) +
	    frame_put_varint_len(rev) : 0) +
	    frame_len_field_size(tomb ? f_deleted : f_entity, len);
	n += frame_key(head + n, f_changes, FRAME_WIRE_LEN);
	n += frame_put_varint(head + n, clen);
	if (rev != 0) {
		n += frame_key(head + n, f_rev, FRAME_WIRE_VARINT);
		n += frame_put_varint(head + n, rev);
	}
	n += frame_key(head + n, tomb ? f_deleted : f_entity, FRAME_WIRE_LEN);
	n += frame_put_varint(head + n, len);
	if (evbuffer_add(out, head, n) == -1 ||
	    (len > 0 && evbuffer_add(out, body, len) == -1))
		fatalx("frame: cannot queue a change");
	free(tomb);
}

/*
 * Appends frame f, a response whose sync page also holds the changes
 * encoded by frame_sync_change in changes (drained).  With changes
 * NULL, frame_append.  0, or -1: larger than max, nothing appended.
 */
int
frame_append_sync(struct evbuffer *out, const Samen__V1__Frame *f,
    struct evbuffer *changes, size_t max)
{
	static uint32_t f_response, f_sync;
	Samen__V1__Frame fh;
	Samen__V1__Response rh;
	const Samen__V1__Response *r = f->response;
	size_t clen, slen, rlen, flen, n;
	struct evbuffer_iovec vec;
	uint32_t be;
	uint8_t *p;

	if (changes == NULL || f->body_case != SAMEN__V1__FRAME__BODY_RESPONSE ||
	    r->body_case != SAMEN__V1__RESPONSE__BODY_SYNC)
		return frame_append(out, f, max);
	if (f_response == 0) {
		f_response = frame_field(&samen__v1__frame__descriptor,
		    "response");
		f_sync = frame_field(&samen__v1__response__descriptor, "sync");
	}
	/* The frame and the response without their bodies, then nested. */
	fh = *f;
	fh.body_case = SAMEN__V1__FRAME__BODY__NOT_SET;
	rh = *r;
	rh.body_case = SAMEN__V1__RESPONSE__BODY__NOT_SET;
	clen = evbuffer_get_length(changes);
	slen = samen__v1__sync_response__get_packed_size(r->sync) + clen;
	rlen = samen__v1__response__get_packed_size(&rh) +
	    frame_len_field_size(f_sync, slen);
	flen = samen__v1__frame__get_packed_size(&fh) +
	    frame_len_field_size(f_response, rlen);
	if (flen > max || flen > INT_MAX)
		return -1;
	be = htonl((uint32_t)flen);
	if (evbuffer_add(out, &be, sizeof(be)) == -1)
		return -1;
	/*
	 * One contiguous frame, the changes copied in: moved over as they
	 * are, they would stay a chain of their own, and go out as a TLS
	 * record and a write(2) of their own instead of sharing them with
	 * the answers around.
	 */
	if (evbuffer_reserve_space(out, flen, &vec, 1) != 1)
		fatalx("frame_append_sync: evbuffer_reserve_space");
	p = vec.iov_base;
	n = samen__v1__frame__pack(&fh, p);
	n += frame_key(p + n, f_response, FRAME_WIRE_LEN);
	n += frame_put_varint(p + n, rlen);
	n += samen__v1__response__pack(&rh, p + n);
	n += frame_key(p + n, f_sync, FRAME_WIRE_LEN);
	n += frame_put_varint(p + n, slen);
	n += samen__v1__sync_response__pack(r->sync, p + n);
	if (n != flen - clen)
		fatalx("frame_append_sync: packed %zu bytes of %zu", n,
		    flen - clen);
	if (evbuffer_remove(changes, p + n, clen) != (int)clen)
		fatalx("frame_append_sync: cannot copy the changes");
	vec.iov_len = flen;
	if (evbuffer_commit_space(out, &vec, 1) == -1)
		fatalx("frame_append_sync: evbuffer_commit_space");
	return 0;
}

/*
 * True when no message in m's tree holds a field numbered 0.  protobuf-c
 * 1.4.1 refuses the tag of field 0 written in one byte, but takes it
 * written longer (0x80 0x00) as an unknown field, and packs that again in
 * the one-byte form it refuses: such a frame would unpack, and a copy of
 * a message in it (entity_copy, commit_put) would not.  There is no
 * field 0 in protobuf, so the frame is refused whole.
 */
static int
frame_fields_valid(const ProtobufCMessage *m)
{
	const ProtobufCFieldDescriptor *fd;
	const ProtobufCMessage *sub, *const *v;
	const char *base = (const char *)m;
	size_t i, j, n;

	for (i = 0; i < m->n_unknown_fields; i++) {
		if (m->unknown_fields[i].tag == 0)
			return 0;
	}
	for (i = 0; i < m->descriptor->n_fields; i++) {
		fd = &m->descriptor->fields[i];
		if (fd->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		/* A member of a oneof counts only when it is the one set. */
		if ((fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)(base + fd->quantifier_offset) != fd->id)
			continue;
		if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
			n = *(const size_t *)(base + fd->quantifier_offset);
			v = *(const ProtobufCMessage *const *const *)
			    (base + fd->offset);
			for (j = 0; j < n; j++) {
				if (!frame_fields_valid(v[j]))
					return 0;
			}
		} else {
			sub = *(const ProtobufCMessage *const *)
			    (base + fd->offset);
			if (sub != NULL && !frame_fields_valid(sub))
				return 0;
		}
	}
	return 1;
}

/* Reads a varint at *p (before end); -1 when it is cut short. */
static int
frame_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	int shift;

	*v = 0;
	for (shift = 0; *p < end && shift < 64; shift += 7) {
		*v |= (uint64_t)(**p & 0x7f) << shift;
		if ((*(*p)++ & 0x80) == 0)
			return 0;
	}
	return -1;
}

#define FRAME_MAX_DEPTH	32

/*
 * True when no string field in the encoded message holds a NUL byte:
 * protobuf-c keeps such a string, and C sees only its first part (a
 * title "Zichtbaar\0verborgen" would be stored as "Zichtbaar").  Walks
 * the wire bytes with the message's descriptor, into sub-messages.
 */
static int
frame_strings_valid(const uint8_t *p, size_t len,
    const ProtobufCMessageDescriptor *d, int depth)
{
	const ProtobufCFieldDescriptor *fd;
	const uint8_t *end = p + len;
	uint64_t key, n;

	if (depth > FRAME_MAX_DEPTH)
		return 0;
	while (p < end) {
		if (frame_varint(&p, end, &key) == -1 || key >> 3 > UINT32_MAX)
			return 0;
		fd = protobuf_c_message_descriptor_get_field(d,
		    (unsigned)(key >> 3));
		switch (key & 7) {
		case 0:
			if (frame_varint(&p, end, &n) == -1)
				return 0;
			break;
		case 1:
			if (end - p < 8)
				return 0;
			p += 8;
			break;
		case 5:
			if (end - p < 4)
				return 0;
			p += 4;
			break;
		case 2:
			if (frame_varint(&p, end, &n) == -1 ||
			    n > (uint64_t)(end - p))
				return 0;
			if (fd != NULL && fd->type == PROTOBUF_C_TYPE_STRING &&
			    memchr(p, '\0', (size_t)n) != NULL)
				return 0;
			if (fd != NULL && fd->type == PROTOBUF_C_TYPE_MESSAGE &&
			    !frame_strings_valid(p, (size_t)n, fd->descriptor,
			    depth + 1))
				return 0;
			p += n;
			break;
		default:
			return 0;
		}
	}
	return 1;
}

/*
 * Unpacking a frame may take at most FRAME_UNPACK_FACTOR times its size
 * (plus FRAME_UNPACK_MIN) in memory: a frame of a million empty repeated
 * messages would otherwise cost a hundred times its size.
 */

struct frame_budget {
	size_t	left;
	int	exhausted;
};

static void *
frame_alloc(void *data, size_t size)
{
	struct frame_budget *b = data;

	if (size > b->left) {
		b->exhausted = 1;
		return NULL;
	}
	b->left -= size;
	return malloc(size);
}

static void
frame_release(void *data, void *p)
{
	(void)data;
	free(p);
}

/*
 * A compressed sync page (SyncResponse.zstd_changes) back into
 * sr->changes, with the checks of a frame: at most max bytes once
 * decompressed, read within the memory budget, no NUL in a string, no
 * field 0.  FRAME_OK, or what is wrong.
 */
static enum frame_result
frame_sync_expand(Samen__V1__SyncResponse *sr, size_t max)
{
	static ZSTD_DCtx *dctx;		/* kept: one per page costs more */
	ProtobufCAllocator alloc;
	struct frame_budget budget;
	Samen__V1__SyncResponse *inner;
	unsigned long long n;
	size_t got;
	uint8_t *buf;

	n = ZSTD_getFrameContentSize(sr->zstd_changes.data,
	    sr->zstd_changes.len);
	if (n == ZSTD_CONTENTSIZE_UNKNOWN || n == ZSTD_CONTENTSIZE_ERROR ||
	    sr->n_changes > 0)
		return FRAME_INVALID;
	if (n > max)
		return FRAME_COSTLY;
	if (dctx == NULL && (dctx = ZSTD_createDCtx()) == NULL)
		return FRAME_COSTLY;
	buf = xmalloc(n ? (size_t)n : 1);
	got = ZSTD_decompressDCtx(dctx, buf, (size_t)n, sr->zstd_changes.data,
	    sr->zstd_changes.len);
	if (ZSTD_isError(got) || got != n) {
		free(buf);
		return FRAME_INVALID;
	}
	if (!frame_strings_valid(buf, got,
	    &samen__v1__sync_response__descriptor, 0)) {
		free(buf);
		return FRAME_NUL;
	}
	budget.left = FRAME_UNPACK_FACTOR * got + FRAME_UNPACK_MIN;
	budget.exhausted = 0;
	alloc.alloc = frame_alloc;
	alloc.free = frame_release;
	alloc.allocator_data = &budget;
	inner = samen__v1__sync_response__unpack(&alloc, got, buf);
	free(buf);
	if (inner == NULL)
		return budget.exhausted ? FRAME_COSTLY : FRAME_INVALID;
	if (!frame_fields_valid(&inner->base)) {
		samen__v1__sync_response__free_unpacked(inner, &alloc);
		return FRAME_INVALID;
	}
	/* The changes move over; both sides allocate with malloc. */
	sr->changes = inner->changes;
	sr->n_changes = inner->n_changes;
	inner->changes = NULL;
	inner->n_changes = 0;
	samen__v1__sync_response__free_unpacked(inner, &alloc);
	free(sr->zstd_changes.data);
	sr->zstd_changes.data = NULL;
	sr->zstd_changes.len = 0;
	return FRAME_OK;
}

/*
 * Compresses a sync page's encoded changes (frame_sync_change) into
 * sr->zstd_changes (malloc'd; the caller frees it), when the page is
 * large enough to gain: 1, and changes is drained; else 0, untouched.
 */
int
frame_sync_compress(struct evbuffer *changes, Samen__V1__SyncResponse *sr)
{
	static ZSTD_CCtx *cctx;
	size_t len = evbuffer_get_length(changes), bound, n;
	uint8_t *src, *dst;

	if (len < FRAME_ZSTD_MIN)
		return 0;
	if (cctx == NULL && (cctx = ZSTD_createCCtx()) == NULL)
		return 0;
	if ((src = evbuffer_pullup(changes, -1)) == NULL)
		fatalx("frame_sync_compress: evbuffer_pullup");
	bound = ZSTD_compressBound(len);
	dst = xmalloc(bound);
	n = ZSTD_compressCCtx(cctx, dst, bound, src, len, FRAME_ZSTD_LEVEL);
	if (ZSTD_isError(n) || n >= len) {
		free(dst);
		return 0;
	}
	sr->zstd_changes.data = dst;
	sr->zstd_changes.len = n;
	evbuffer_drain(changes, len);
	return 1;
}

/*
 * Cuts one frame off the front of in.  On FRAME_OK *out is the unpacked
 * frame (free it with frame_free) and its bytes are drained.  On
 * FRAME_TOO_LARGE nothing is drained and *lenp is the announced length;
 * on FRAME_INVALID the bad frame is drained.  The caller closes the
 * connection on either error.
 */
enum frame_result
frame_cut(struct evbuffer *in, size_t max, Samen__V1__Frame **out,
    uint32_t *lenp)
{
	ProtobufCAllocator alloc;
	struct frame_budget budget;
	enum frame_result rv = FRAME_INVALID;
	uint32_t be, len;
	uint8_t *p;

	*out = NULL;
	if (evbuffer_get_length(in) < FRAME_HEADER_LEN)
		return FRAME_AGAIN;
	if (evbuffer_copyout(in, &be, sizeof(be)) != sizeof(be))
		return FRAME_AGAIN;
	len = ntohl(be);
	if (lenp != NULL)
		*lenp = len;
	if (len > max)
		return FRAME_TOO_LARGE;
	if (evbuffer_get_length(in) < FRAME_HEADER_LEN + (size_t)len)
		return FRAME_AGAIN;
	p = evbuffer_pullup(in, FRAME_HEADER_LEN + (ssize_t)len);
	if (p == NULL)
		fatalx("frame_cut: evbuffer_pullup");
	budget.left = FRAME_UNPACK_FACTOR * (size_t)len + FRAME_UNPACK_MIN;
	budget.exhausted = 0;
	alloc.alloc = frame_alloc;
	alloc.free = frame_release;
	alloc.allocator_data = &budget;
	*out = samen__v1__frame__unpack(&alloc, len, p + FRAME_HEADER_LEN);
	if (*out != NULL && !frame_strings_valid(p + FRAME_HEADER_LEN, len,
	    &samen__v1__frame__descriptor, 0)) {
		frame_free(*out);
		*out = NULL;
		rv = FRAME_NUL;
	} else if (*out != NULL && !frame_fields_valid(&(*out)->base)) {
		frame_free(*out);
		*out = NULL;
	} else if (*out != NULL &&
	    (*out)->body_case == SAMEN__V1__FRAME__BODY_RESPONSE &&
	    (*out)->response->body_case == SAMEN__V1__RESPONSE__BODY_SYNC &&
	    (*out)->response->sync->zstd_changes.len > 0 &&
	    (rv = frame_sync_expand((*out)->response->sync, max)) !=
	    FRAME_OK) {
		/* A compressed page that does not read back: as a frame. */
		frame_free(*out);
		*out = NULL;
		if (rv == FRAME_COSTLY)
			budget.exhausted = 1;
	}
	evbuffer_drain(in, FRAME_HEADER_LEN + (size_t)len);
	if (*out == NULL && budget.exhausted) {
		if (lenp != NULL)
			*lenp = len;
		return FRAME_COSTLY;
	}
	if (*out == NULL)
		return rv;
	return FRAME_OK;
}

/* Frees a frame returned by frame_cut. */
void
frame_free(Samen__V1__Frame *f)
{
	if (f != NULL)
		samen__v1__frame__free_unpacked(f, NULL);
}

/* Words for a result, for logs. */
const char *
frame_result_str(enum frame_result r)
{
	switch (r) {
	case FRAME_OK:
		return "ok";
	case FRAME_AGAIN:
		return "incomplete frame";
	case FRAME_TOO_LARGE:
		return "frame above the size limit";
	case FRAME_INVALID:
		return "frame is not a valid protobuf message";
	case FRAME_NUL:
		return "a string in the frame holds a NUL byte";
	case FRAME_COSTLY:
		return "frame would take too much memory to read";
	}
	return "unknown";
}
