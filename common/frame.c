/* Encoding and incremental decoding of length-prefixed frames. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

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
