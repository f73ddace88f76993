/* Encoding and incremental decoding of length-prefixed frames. */
#include <arpa/inet.h>
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
	*out = samen__v1__frame__unpack(NULL, len, p + FRAME_HEADER_LEN);
	evbuffer_drain(in, FRAME_HEADER_LEN + (size_t)len);
	return *out == NULL ? FRAME_INVALID : FRAME_OK;
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
	}
	return "unknown";
}
