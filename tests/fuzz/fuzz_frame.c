/*
 * libFuzzer target: the frame decoder (common/frame.c) on a byte stream
 * that arrives in pieces, as conn.c's read path meets it.
 *
 * Input: one byte picks the size limit, FUZZ_NSIZES bytes give the sizes
 * of the pieces (used in turn; 0: all that is left), the rest is the
 * stream.  Each piece is added to an evbuffer and every whole frame is
 * cut off it, until the decoder reports an error (the connection would
 * close there) or the stream ends.
 *
 * Checks, beyond the sanitizers: what frame_cut drains is what its
 * comment promises (nothing while a frame is incomplete or too large,
 * the whole frame when it is returned or refused); every verdict has
 * words; a frame it returns packs and cuts again to the same bytes; and
 * the pieces do not matter: cutting the stream at once gives the same
 * frames and the same verdicts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "frame.h"

#define FUZZ_NSIZES	8
#define FUZZ_HEADER	(1 + FUZZ_NSIZES)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* What one call of frame_cut gave, when it was not FRAME_AGAIN. */
struct cut {
	enum frame_result	 r;
	uint32_t		 len;
	uint64_t		 id;
	int			 body;
	size_t			 packed;
};

struct trace {
	struct cut	*v;
	size_t		 n;
	size_t		 left;		/* bytes never cut */
};

static const size_t fuzz_limits[] = {
	64, 1000, 65536, FRAME_DEFAULT_MAX,
};

/* A broken promise of the decoder: report and crash, so it is kept. */
static void
fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz_frame: %s\n", what);
	abort();
}

/*
 * Packs f again and cuts the result: it must come back whole, and pack
 * to the same bytes.  Returns the packed size.
 */
static size_t
fuzz_roundtrip(const Samen__V1__Frame *f)
{
	struct evbuffer *b;
	Samen__V1__Frame *g;
	uint8_t *p, *q;
	size_t len;

	len = samen__v1__frame__get_packed_size(f);
	if ((b = evbuffer_new()) == NULL)
		fuzz_fail("evbuffer_new");
	if (frame_append(b, f, SIZE_MAX) == -1)
		fuzz_fail("a decoded frame does not append");
	if (evbuffer_get_length(b) != FRAME_HEADER_LEN + len)
		fuzz_fail("frame_append wrote the wrong length");
	if (frame_cut(b, SIZE_MAX, &g, NULL) != FRAME_OK)
		fuzz_fail("an appended frame does not cut");
	if (evbuffer_get_length(b) != 0)
		fuzz_fail("frame_cut left bytes of a whole frame");
	if (samen__v1__frame__get_packed_size(g) != len)
		fuzz_fail("a frame packs to another size the second time");
	p = malloc(len + 1);
	q = malloc(len + 1);
	if (p == NULL || q == NULL)
		fuzz_fail("malloc");
	samen__v1__frame__pack(f, p);
	samen__v1__frame__pack(g, q);
	if (memcmp(p, q, len) != 0)
		fuzz_fail("a frame packs to other bytes the second time");
	free(p);
	free(q);
	frame_free(g);
	evbuffer_free(b);
	return len;
}

/*
 * Cuts every whole frame off in, as conn_read_cb does, and records each
 * verdict in t.  Returns 1 when the connection would close (an error, or
 * a frame that is not a request), 0 when more input is awaited.
 */
static int
fuzz_cut_all(struct evbuffer *in, size_t max, struct trace *t)
{
	Samen__V1__Frame *f;
	enum frame_result r;
	struct cut *c;
	uint32_t len;
	size_t before, after;

	for (;;) {
		before = evbuffer_get_length(in);
		len = 0;
		r = frame_cut(in, max, &f, &len);
		after = evbuffer_get_length(in);
		if (strcmp(frame_result_str(r), "unknown") == 0)
			fuzz_fail("a result without words");
		if (r == FRAME_AGAIN) {
			if (f != NULL || after != before)
				fuzz_fail("FRAME_AGAIN with a frame, or drained");
			if (before >= FRAME_HEADER_LEN && (len > max ||
			    before >= FRAME_HEADER_LEN + (size_t)len))
				fuzz_fail("FRAME_AGAIN on a whole or too large "
				    "frame");
			return 0;
		}
		c = &t->v[t->n++];
		memset(c, 0, sizeof(*c));
		c->r = r;
		c->len = len;
		switch (r) {
		case FRAME_TOO_LARGE:
			if (f != NULL || after != before || len <= max)
				fuzz_fail("FRAME_TOO_LARGE broke its promise");
			return 1;
		case FRAME_OK:
			if (f == NULL || len > max ||
			    before - after != FRAME_HEADER_LEN + (size_t)len)
				fuzz_fail("FRAME_OK broke its promise");
			c->id = f->id;
			c->body = (int)f->body_case;
			c->packed = fuzz_roundtrip(f);
			frame_free(f);
			/* The daemon closes on anything but a request. */
			if (c->body != SAMEN__V1__FRAME__BODY_REQUEST)
				return 1;
			break;
		default:
			/* FRAME_INVALID and every other refusal of a body:
			 * the frame is drained, the connection closes. */
			if (f != NULL || len > max ||
			    before - after != FRAME_HEADER_LEN + (size_t)len)
				fuzz_fail("a refused frame not drained whole");
			return 1;
		}
	}
}

/* Feeds the stream in pieces of the given sizes; fills t. */
static void
fuzz_feed(const uint8_t *s, size_t n, const uint8_t *sizes, size_t max,
    struct trace *t)
{
	struct evbuffer *in;
	size_t off = 0, k = 0, piece;
	int closed = 0;

	if ((in = evbuffer_new()) == NULL)
		fuzz_fail("evbuffer_new");
	while (off < n && !closed) {
		piece = sizes == NULL ? n - off : sizes[k++ % FUZZ_NSIZES];
		if (piece == 0 || piece > n - off)
			piece = n - off;
		if (evbuffer_add(in, s + off, piece) == -1)
			fuzz_fail("evbuffer_add");
		off += piece;
		closed = fuzz_cut_all(in, max, t);
	}
	t->left = closed ? 0 : evbuffer_get_length(in);
	evbuffer_free(in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace whole, pieces;
	size_t max, n, i;
	const uint8_t *s;

	if (size < FUZZ_HEADER)
		return 0;
	max = fuzz_limits[data[0] % (sizeof(fuzz_limits) /
	    sizeof(fuzz_limits[0]))];
	s = data + FUZZ_HEADER;
	n = size - FUZZ_HEADER;

	/* At most one verdict per header's worth of bytes, and one more. */
	memset(&whole, 0, sizeof(whole));
	memset(&pieces, 0, sizeof(pieces));
	whole.v = calloc(n / FRAME_HEADER_LEN + 1, sizeof(*whole.v));
	pieces.v = calloc(n / FRAME_HEADER_LEN + 1, sizeof(*pieces.v));
	if (whole.v == NULL || pieces.v == NULL)
		fuzz_fail("calloc");

	fuzz_feed(s, n, data + 1, max, &pieces);
	fuzz_feed(s, n, NULL, max, &whole);

	if (whole.n != pieces.n || whole.left != pieces.left)
		fuzz_fail("the pieces changed what was cut");
	for (i = 0; i < whole.n; i++) {
		if (memcmp(&whole.v[i], &pieces.v[i], sizeof(whole.v[i])) != 0)
			fuzz_fail("the pieces changed a frame");
	}
	free(whole.v);
	free(pieces.v);
	return 0;
}
