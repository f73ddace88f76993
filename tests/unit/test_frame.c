/* Unit tests of common/frame.c: encoding and incremental decoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "frame.h"

/* Builds a Frame holding a hello request; the parts live in the caller. */
static void
hello_frame(Samen__V1__Frame *f, Samen__V1__Request *req,
    Samen__V1__HelloRequest *hello, uint64_t id, uint32_t version,
    const char *name)
{
	samen__v1__frame__init(f);
	samen__v1__request__init(req);
	samen__v1__hello_request__init(hello);
	hello->protocol_version = version;
	hello->client_name = (char *)(uintptr_t)name;
	req->body_case = SAMEN__V1__REQUEST__BODY_HELLO;
	req->hello = hello;
	f->id = id;
	f->body_case = SAMEN__V1__FRAME__BODY_REQUEST;
	f->request = req;
}

/* Asserts that f is a hello request with these values. */
static void
assert_hello(const Samen__V1__Frame *f, uint64_t id, uint32_t version,
    const char *name)
{
	assert_non_null(f);
	assert_int_equal(f->id, id);
	assert_int_equal(f->body_case, SAMEN__V1__FRAME__BODY_REQUEST);
	assert_non_null(f->request);
	assert_int_equal(f->request->body_case,
	    SAMEN__V1__REQUEST__BODY_HELLO);
	assert_non_null(f->request->hello);
	assert_int_equal(f->request->hello->protocol_version, version);
	assert_string_equal(f->request->hello->client_name, name);
}

/* A hello request survives append and cut, and is drained. */
static void
test_roundtrip(void **state)
{
	Samen__V1__Frame f, *out;
	Samen__V1__Request req;
	Samen__V1__HelloRequest hello;
	struct evbuffer *b;
	uint32_t len = 0;
	uint8_t hdr[FRAME_HEADER_LEN];
	size_t packed;

	(void)state;
	assert_non_null(b = evbuffer_new());
	hello_frame(&f, &req, &hello, 0x123456789abcULL, 1, "samen 0.1 test");
	packed = samen__v1__frame__get_packed_size(&f);
	assert_int_equal(frame_append(b, &f, FRAME_DEFAULT_MAX), 0);
	assert_int_equal(evbuffer_get_length(b), FRAME_HEADER_LEN + packed);

	/* The header is the packed length, big-endian. */
	assert_int_equal(evbuffer_copyout(b, hdr, sizeof(hdr)), sizeof(hdr));
	assert_int_equal(hdr[0], (packed >> 24) & 0xff);
	assert_int_equal(hdr[1], (packed >> 16) & 0xff);
	assert_int_equal(hdr[2], (packed >> 8) & 0xff);
	assert_int_equal(hdr[3], packed & 0xff);

	assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, &len),
	    FRAME_OK);
	assert_int_equal(len, packed);
	assert_hello(out, 0x123456789abcULL, 1, "samen 0.1 test");
	assert_int_equal(evbuffer_get_length(b), 0);
	frame_free(out);

	/* An empty buffer is simply not a frame yet. */
	assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, NULL),
	    FRAME_AGAIN);
	assert_null(out);
	evbuffer_free(b);
}

/* Frames appended back to back are cut one at a time, in order. */
static void
test_back_to_back(void **state)
{
	static const char *names[] = { "eerste", "tweede", "", "vierde" };
	Samen__V1__Frame f, *out;
	Samen__V1__Request req;
	Samen__V1__HelloRequest hello;
	struct evbuffer *b;
	size_t i, n = sizeof(names) / sizeof(names[0]);
	size_t left, sizes[4];

	(void)state;
	assert_non_null(b = evbuffer_new());
	for (i = 0; i < n; i++) {
		hello_frame(&f, &req, &hello, 100 + i, (uint32_t)i + 1,
		    names[i]);
		sizes[i] = FRAME_HEADER_LEN +
		    samen__v1__frame__get_packed_size(&f);
		assert_int_equal(frame_append(b, &f, FRAME_DEFAULT_MAX), 0);
	}
	left = evbuffer_get_length(b);
	for (i = 0; i < n; i++) {
		assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, NULL),
		    FRAME_OK);
		assert_hello(out, 100 + i, (uint32_t)i + 1, names[i]);
		frame_free(out);
		left -= sizes[i];
		assert_int_equal(evbuffer_get_length(b), left);
	}
	assert_int_equal(left, 0);
	assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, NULL),
	    FRAME_AGAIN);
	assert_null(out);
	evbuffer_free(b);
}

/* Bytes fed one at a time: FRAME_AGAIN until the last one, then OK. */
static void
test_incremental(void **state)
{
	Samen__V1__Frame f, *out;
	Samen__V1__Request req;
	Samen__V1__HelloRequest hello;
	struct evbuffer *enc, *in;
	unsigned char *bytes;
	size_t i, n;
	uint32_t len;

	(void)state;
	assert_non_null(enc = evbuffer_new());
	assert_non_null(in = evbuffer_new());
	hello_frame(&f, &req, &hello, 7, 3, "byte voor byte");
	assert_int_equal(frame_append(enc, &f, FRAME_DEFAULT_MAX), 0);
	n = evbuffer_get_length(enc);
	assert_true(n > FRAME_HEADER_LEN + 1);
	assert_non_null(bytes = malloc(n));
	assert_int_equal(evbuffer_remove(enc, bytes, n), n);

	for (i = 0; i < n - 1; i++) {
		/* Separate adds leave the bytes in separate chains. */
		assert_int_equal(evbuffer_add(in, bytes + i, 1), 0);
		len = 0xdeadbeef;
		assert_int_equal(frame_cut(in, FRAME_DEFAULT_MAX, &out, &len),
		    FRAME_AGAIN);
		assert_null(out);
		if (i + 1 >= FRAME_HEADER_LEN)
			assert_int_equal(len, n - FRAME_HEADER_LEN);
		else
			assert_int_equal(len, 0xdeadbeef);
		/* Nothing is drained while waiting. */
		assert_int_equal(evbuffer_get_length(in), i + 1);
	}
	assert_int_equal(evbuffer_add(in, bytes + n - 1, 1), 0);
	assert_int_equal(frame_cut(in, FRAME_DEFAULT_MAX, &out, &len),
	    FRAME_OK);
	assert_int_equal(len, n - FRAME_HEADER_LEN);
	assert_hello(out, 7, 3, "byte voor byte");
	assert_int_equal(evbuffer_get_length(in), 0);
	frame_free(out);
	free(bytes);
	evbuffer_free(enc);
	evbuffer_free(in);
}

/* A length above the limit is refused from the header alone. */
static void
test_too_large(void **state)
{
	static const uint8_t huge[] = { 0x7f, 0xff, 0xff, 0xff };
	static const uint8_t over[] = { 0x00, 0x10, 0x00, 0x01 };
	static const uint8_t most[] = { 0xff, 0xff, 0xff, 0xff };
	Samen__V1__Frame *out;
	struct evbuffer *b;
	uint32_t len = 0;

	(void)state;
	assert_non_null(b = evbuffer_new());

	/* 2 GiB announced, no body at all: refused, nothing drained. */
	assert_int_equal(evbuffer_add(b, huge, sizeof(huge)), 0);
	assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, &len),
	    FRAME_TOO_LARGE);
	assert_null(out);
	assert_int_equal(len, 0x7fffffffU);
	assert_int_equal(evbuffer_get_length(b), sizeof(huge));
	/* Asked again, the same answer: the header is still there. */
	len = 0;
	assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, &len),
	    FRAME_TOO_LARGE);
	assert_int_equal(len, 0x7fffffffU);
	assert_int_equal(evbuffer_get_length(b), sizeof(huge));
	assert_int_equal(evbuffer_drain(b, sizeof(huge)), 0);

	/* One byte above the default limit. */
	assert_int_equal(evbuffer_add(b, over, sizeof(over)), 0);
	assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, &len),
	    FRAME_TOO_LARGE);
	assert_null(out);
	assert_int_equal(len, FRAME_DEFAULT_MAX + 1);
	assert_int_equal(evbuffer_get_length(b), sizeof(over));
	assert_int_equal(evbuffer_drain(b, sizeof(over)), 0);

	/* The largest length the header can hold; lenp may be NULL. */
	assert_int_equal(evbuffer_add(b, most, sizeof(most)), 0);
	assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, NULL),
	    FRAME_TOO_LARGE);
	assert_null(out);
	assert_int_equal(evbuffer_get_length(b), sizeof(most));
	evbuffer_free(b);
}

/* A length exactly at the limit is accepted; one byte less is not. */
static void
test_at_limit(void **state)
{
	Samen__V1__Frame f, *out;
	Samen__V1__Request req;
	Samen__V1__HelloRequest hello;
	struct evbuffer *b;
	char *name;
	size_t n, packed;
	uint32_t len;

	(void)state;
	assert_non_null(b = evbuffer_new());

	/* A small frame with the limit set to its own size. */
	hello_frame(&f, &req, &hello, 1, 1, "precies");
	packed = samen__v1__frame__get_packed_size(&f);
	assert_int_equal(frame_append(b, &f, packed), 0);
	assert_int_equal(frame_cut(b, packed - 1, &out, &len),
	    FRAME_TOO_LARGE);
	assert_int_equal(len, packed);
	assert_int_equal(evbuffer_get_length(b), FRAME_HEADER_LEN + packed);
	assert_int_equal(frame_cut(b, packed, &out, &len), FRAME_OK);
	assert_hello(out, 1, 1, "precies");
	frame_free(out);
	assert_int_equal(evbuffer_get_length(b), 0);

	/* A frame of exactly FRAME_DEFAULT_MAX bytes. */
	n = FRAME_DEFAULT_MAX;
	assert_non_null(name = malloc(n + 1));
	memset(name, 'x', n);
	name[n] = '\0';
	hello_frame(&f, &req, &hello, 2, 1, name);
	while (samen__v1__frame__get_packed_size(&f) > FRAME_DEFAULT_MAX) {
		name[--n] = '\0';
		hello.client_name = name;
	}
	packed = samen__v1__frame__get_packed_size(&f);
	assert_int_equal(packed, FRAME_DEFAULT_MAX);
	assert_int_equal(frame_append(b, &f, FRAME_DEFAULT_MAX - 1), -1);
	assert_int_equal(evbuffer_get_length(b), 0);
	assert_int_equal(frame_append(b, &f, FRAME_DEFAULT_MAX), 0);
	assert_int_equal(evbuffer_get_length(b),
	    FRAME_HEADER_LEN + FRAME_DEFAULT_MAX);
	assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, &len),
	    FRAME_OK);
	assert_int_equal(len, FRAME_DEFAULT_MAX);
	assert_hello(out, 2, 1, name);
	assert_int_equal(strlen(out->request->hello->client_name), n);
	frame_free(out);
	assert_int_equal(evbuffer_get_length(b), 0);
	free(name);
	evbuffer_free(b);
}

/* A body that is not a protobuf is FRAME_INVALID and is drained. */
static void
test_invalid(void **state)
{
	static const uint8_t bad[] = {
		0x00, 0x00, 0x00, 0x05, 0xff, 0xff, 0xff, 0xff, 0xff
	};
	Samen__V1__Frame f, *out;
	Samen__V1__Request req;
	Samen__V1__HelloRequest hello;
	struct evbuffer *b;
	size_t next;
	uint32_t len = 0;

	(void)state;
	assert_non_null(b = evbuffer_new());
	assert_int_equal(evbuffer_add(b, bad, sizeof(bad)), 0);
	assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, &len),
	    FRAME_INVALID);
	assert_null(out);
	assert_int_equal(len, 5);
	assert_int_equal(evbuffer_get_length(b), 0);

	/* Only the bad frame is drained: the one behind it stays whole. */
	assert_int_equal(evbuffer_add(b, bad, sizeof(bad)), 0);
	hello_frame(&f, &req, &hello, 9, 1, "na de fout");
	assert_int_equal(frame_append(b, &f, FRAME_DEFAULT_MAX), 0);
	next = FRAME_HEADER_LEN + samen__v1__frame__get_packed_size(&f);
	assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, NULL),
	    FRAME_INVALID);
	assert_null(out);
	assert_int_equal(evbuffer_get_length(b), next);
	assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, NULL),
	    FRAME_OK);
	assert_hello(out, 9, 1, "na de fout");
	frame_free(out);
	assert_int_equal(evbuffer_get_length(b), 0);
	evbuffer_free(b);
}

/* A zero-length frame is an empty Frame, both ways. */
static void
test_empty(void **state)
{
	static const uint8_t zero[] = { 0x00, 0x00, 0x00, 0x00 };
	Samen__V1__Frame f = SAMEN__V1__FRAME__INIT, *out;
	struct evbuffer *b;
	uint8_t hdr[FRAME_HEADER_LEN];
	uint32_t len = 0xdeadbeef;

	(void)state;
	assert_non_null(b = evbuffer_new());
	assert_int_equal(evbuffer_add(b, zero, sizeof(zero)), 0);
	assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, &len),
	    FRAME_OK);
	assert_non_null(out);
	assert_int_equal(len, 0);
	assert_int_equal(out->id, 0);
	assert_int_equal(out->body_case, SAMEN__V1__FRAME__BODY__NOT_SET);
	assert_int_equal(evbuffer_get_length(b), 0);
	frame_free(out);

	/* An empty Frame packs to a bare zero header. */
	assert_int_equal(samen__v1__frame__get_packed_size(&f), 0);
	assert_int_equal(frame_append(b, &f, 0), 0);
	assert_int_equal(evbuffer_get_length(b), FRAME_HEADER_LEN);
	assert_int_equal(evbuffer_copyout(b, hdr, sizeof(hdr)), sizeof(hdr));
	assert_memory_equal(hdr, zero, sizeof(zero));
	assert_int_equal(frame_cut(b, 0, &out, &len), FRAME_OK);
	assert_non_null(out);
	assert_int_equal(out->body_case, SAMEN__V1__FRAME__BODY__NOT_SET);
	frame_free(out);
	assert_int_equal(evbuffer_get_length(b), 0);
	evbuffer_free(b);
}

/* frame_append refuses a frame above max and appends nothing. */
static void
test_append_limit(void **state)
{
	static const char before[] = "al aanwezig";
	Samen__V1__Frame f, *out;
	Samen__V1__Request req;
	Samen__V1__HelloRequest hello;
	struct evbuffer *b;
	char got[sizeof(before)];
	size_t packed;

	(void)state;
	assert_non_null(b = evbuffer_new());
	assert_int_equal(evbuffer_add(b, before, sizeof(before)), 0);
	hello_frame(&f, &req, &hello, 3, 1, "te groot");
	packed = samen__v1__frame__get_packed_size(&f);
	assert_true(packed > 1);

	assert_int_equal(frame_append(b, &f, packed - 1), -1);
	assert_int_equal(evbuffer_get_length(b), sizeof(before));
	assert_int_equal(frame_append(b, &f, 0), -1);
	assert_int_equal(evbuffer_get_length(b), sizeof(before));
	assert_int_equal(evbuffer_copyout(b, got, sizeof(got)), sizeof(got));
	assert_memory_equal(got, before, sizeof(before));

	/* At exactly its size it goes, after what was there. */
	assert_int_equal(frame_append(b, &f, packed), 0);
	assert_int_equal(evbuffer_get_length(b),
	    sizeof(before) + FRAME_HEADER_LEN + packed);
	assert_int_equal(evbuffer_drain(b, sizeof(before)), 0);
	assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, NULL),
	    FRAME_OK);
	assert_hello(out, 3, 1, "te groot");
	frame_free(out);
	evbuffer_free(b);
}

/* A request with an unknown field decodes with no body case set. */
static void
test_unknown_field(void **state)
{
	/*
	 * Frame { id = 5 (field 1, varint); request (field 2, bytes) {
	 * field 999, varint 1 } }.  Tag 999 << 3 | 0 = 7992 = b8 3e.
	 */
	static const uint8_t wire[] = {
		0x00, 0x00, 0x00, 0x07,
		0x08, 0x05,
		0x12, 0x03, 0xb8, 0x3e, 0x01
	};
	Samen__V1__Frame *out;
	struct evbuffer *b;
	uint32_t len = 0;

	(void)state;
	assert_non_null(b = evbuffer_new());
	assert_int_equal(evbuffer_add(b, wire, sizeof(wire)), 0);
	assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, &len),
	    FRAME_OK);
	assert_int_equal(len, 7);
	assert_non_null(out);
	assert_int_equal(out->id, 5);
	assert_int_equal(out->body_case, SAMEN__V1__FRAME__BODY_REQUEST);
	assert_non_null(out->request);
	assert_int_equal(out->request->body_case,
	    SAMEN__V1__REQUEST__BODY__NOT_SET);
	assert_true(out->request->base.n_unknown_fields > 0);
	assert_int_equal(out->request->base.unknown_fields[0].tag, 999);
	assert_int_equal(evbuffer_get_length(b), 0);
	frame_free(out);
	evbuffer_free(b);
}

/*
 * Field number 0 written long (0x80 0x00) is refused, at any depth:
 * protobuf-c took it as an unknown field that it could not read back
 * once packed again, and a put holding one ended samend (fuzz_dispatch).
 */
static void
test_field_zero(void **state)
{
	/* Frame { id = 5; request { field 0 (long), varint 0 } } */
	static const uint8_t top[] = {
		0x00, 0x00, 0x00, 0x07,
		0x08, 0x05,
		0x12, 0x03, 0x80, 0x00, 0x00
	};
	/* Frame { id = 6; request { put { entity { agenda_item
	 * { title "x" }, field 0 (long), varint 0 } } } } */
	static const uint8_t deep[] = {
		0x00, 0x00, 0x00, 0x10,
		0x08, 0x06,
		0x12, 0x0c, 0x32, 0x0a, 0x0a, 0x08,
		0x62, 0x03, 0x0a, 0x01, 'x',
		0x80, 0x00, 0x00
	};
	static const uint8_t deep_ok[] = {
		0x00, 0x00, 0x00, 0x0d,
		0x08, 0x06,
		0x12, 0x09, 0x32, 0x07, 0x0a, 0x05,
		0x62, 0x03, 0x0a, 0x01, 'x'
	};
	/* The same in one byte, which protobuf-c itself refuses. */
	static const uint8_t short_form[] = {
		0x00, 0x00, 0x00, 0x06,
		0x08, 0x07,
		0x12, 0x02, 0x00, 0x00
	};
	static const struct {
		const uint8_t	*wire;
		size_t		 len;
	} cases[] = {
		{ top, sizeof(top) },
		{ deep, sizeof(deep) },
		{ short_form, sizeof(short_form) },
	};
	Samen__V1__Frame *out;
	struct evbuffer *b;
	uint32_t len = 0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_non_null(b = evbuffer_new());
		assert_int_equal(evbuffer_add(b, cases[i].wire, cases[i].len),
		    0);
		assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, &len),
		    FRAME_INVALID);
		assert_null(out);
		assert_int_equal(len, cases[i].len - FRAME_HEADER_LEN);
		assert_int_equal(evbuffer_get_length(b), 0);
		evbuffer_free(b);
	}

	/* Without the field 0 the deep frame is a put of an item. */
	assert_non_null(b = evbuffer_new());
	assert_int_equal(evbuffer_add(b, deep_ok, sizeof(deep_ok)), 0);
	assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, &len),
	    FRAME_OK);
	assert_non_null(out);
	assert_int_equal(out->request->body_case,
	    SAMEN__V1__REQUEST__BODY_PUT);
	assert_string_equal(out->request->put->entity->agenda_item->title,
	    "x");
	frame_free(out);
	evbuffer_free(b);
}

/* Every result has its own words. */
static void
test_result_str(void **state)
{
	(void)state;
	assert_string_equal(frame_result_str(FRAME_OK), "ok");
	assert_string_equal(frame_result_str(FRAME_AGAIN), "incomplete frame");
	assert_string_equal(frame_result_str(FRAME_TOO_LARGE),
	    "frame above the size limit");
	assert_string_equal(frame_result_str(FRAME_INVALID),
	    "frame is not a valid protobuf message");
	assert_string_equal(frame_result_str((enum frame_result)99),
	    "unknown");
}

/* A NUL byte inside a string field is refused (and drained), at depth. */
static void
test_nul_string(void **state)
{
	/* Frame { id 1; request { put { entity { agenda_item {
	 * title "a\0b" } } } } } */
	static const uint8_t nul[] = {
		0x00, 0x00, 0x00, 0x0f,
		0x08, 0x01, 0x12, 0x0b, 0x32, 0x09, 0x0a, 0x07,
		0x62, 0x05, 0x0a, 0x03, 'a', 0x00, 'b'
	};
	static const uint8_t ok[] = {
		0x00, 0x00, 0x00, 0x0f,
		0x08, 0x01, 0x12, 0x0b, 0x32, 0x09, 0x0a, 0x07,
		0x62, 0x05, 0x0a, 0x03, 'a', 'x', 'b'
	};
	struct evbuffer *b = evbuffer_new();
	Samen__V1__Frame *out;

	(void)state;
	evbuffer_add(b, nul, sizeof(nul));
	evbuffer_add(b, ok, sizeof(ok));
	assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, NULL),
	    FRAME_NUL);
	assert_null(out);
	assert_int_equal(evbuffer_get_length(b), sizeof(ok));
	assert_int_equal(frame_cut(b, FRAME_DEFAULT_MAX, &out, NULL),
	    FRAME_OK);
	assert_string_equal(out->request->put->entity->agenda_item->title,
	    "axb");
	frame_free(out);
	evbuffer_free(b);
}

/* Packs f the ordinary way into a new buffer of bytes (len in *len). */
static uint8_t *
packed(const Samen__V1__Frame *f, size_t *len)
{
	uint8_t *b;

	*len = samen__v1__frame__get_packed_size(f);
	b = malloc(*len ? *len : 1);
	assert_non_null(b);
	samen__v1__frame__pack(f, b);
	return b;
}

/*
 * A sync page spliced from stored entity bytes (frame_append_sync with
 * frame_sync_change) reads as the same message as the page packed whole,
 * tombstones, large revs and an empty page included.
 */
static void
test_sync_splice(void **state)
{
	Samen__V1__Frame f = SAMEN__V1__FRAME__INIT, *got;
	Samen__V1__Response r = SAMEN__V1__RESPONSE__INIT;
	Samen__V1__Status st = SAMEN__V1__STATUS__INIT;
	Samen__V1__SyncResponse sr = SAMEN__V1__SYNC_RESPONSE__INIT;
	Samen__V1__Entity e[2] = { SAMEN__V1__ENTITY__INIT,
	    SAMEN__V1__ENTITY__INIT };
	Samen__V1__AgendaItem a = SAMEN__V1__AGENDA_ITEM__INIT;
	Samen__V1__Decision d = SAMEN__V1__DECISION__INIT;
	Samen__V1__Tombstone t = SAMEN__V1__TOMBSTONE__INIT;
	Samen__V1__Change c[3] = { SAMEN__V1__CHANGE__INIT,
	    SAMEN__V1__CHANGE__INIT, SAMEN__V1__CHANGE__INIT };
	Samen__V1__Change *cv[3] = { &c[0], &c[1], &c[2] };
	struct evbuffer *whole, *spliced, *changes;
	uint8_t body[256], *x, *y;
	size_t i, n, xl, yl;
	uint32_t len;
	int pass;

	(void)state;
	a.title = (char *)(uintptr_t)"Regionale woningbouwopgave";
	a.description = (char *)(uintptr_t)"Één agenda, vijf raden";
	e[0].id = (char *)(uintptr_t)"A17";
	e[0].rev = 300;
	e[0].body_case = SAMEN__V1__ENTITY__BODY_AGENDA_ITEM;
	e[0].agenda_item = &a;
	d.state = SAMEN__V1__DECISION__STATE__ADOPTED;
	d.meeting_date = (char *)(uintptr_t)"2030-05-14";
	e[1].id = (char *)(uintptr_t)"A17/leiden";
	e[1].rev = 1ULL << 40;
	e[1].body_case = SAMEN__V1__ENTITY__BODY_DECISION;
	e[1].decision = &d;
	t.kind = SAMEN__V1__KIND__MEETING;
	t.id = (char *)(uintptr_t)"M3";
	c[0].rev = 300;
	c[0].body_case = SAMEN__V1__CHANGE__BODY_ENTITY;
	c[0].entity = &e[0];
	c[1].rev = 1ULL << 40;
	c[1].body_case = SAMEN__V1__CHANGE__BODY_ENTITY;
	c[1].entity = &e[1];
	c[2].rev = (1ULL << 40) + 1;
	c[2].body_case = SAMEN__V1__CHANGE__BODY_DELETED;
	c[2].deleted = &t;
	st.code = SAMEN__V1__STATUS__CODE__OK;
	r.status = &st;
	r.body_case = SAMEN__V1__RESPONSE__BODY_SYNC;
	r.sync = &sr;
	f.id = 41;
	f.body_case = SAMEN__V1__FRAME__BODY_RESPONSE;
	f.response = &r;
	sr.rev = (1ULL << 40) + 7;
	sr.more = 1;

	for (pass = 0; pass < 2; pass++) {
		n = pass == 0 ? 3 : 0;
		/* The whole page, packed by protobuf-c. */
		sr.changes = cv;
		sr.n_changes = n;
		whole = evbuffer_new();
		assert_int_equal(frame_append(whole, &f, SIZE_MAX), 0);
		/* The same page spliced. */
		changes = evbuffer_new();
		for (i = 0; i < n; i++) {
			if (c[i].body_case == SAMEN__V1__CHANGE__BODY_DELETED) {
				frame_sync_change(changes, c[i].rev, t.kind,
				    t.id, NULL, 0);
				continue;
			}
			assert_true(samen__v1__entity__get_packed_size(
			    c[i].entity) <= sizeof(body));
			len = (uint32_t)samen__v1__entity__pack(c[i].entity,
			    body);
			frame_sync_change(changes, c[i].rev, 0, c[i].entity->id,
			    body, len);
		}
		sr.changes = NULL;
		sr.n_changes = 0;
		spliced = evbuffer_new();
		assert_int_equal(frame_append_sync(spliced, &f, changes,
		    SIZE_MAX), 0);
		assert_int_equal(evbuffer_get_length(changes), 0);
		/* Both read back as the same message. */
		assert_int_equal(frame_cut(spliced, SIZE_MAX, &got, NULL),
		    FRAME_OK);
		assert_int_equal(got->response->sync->n_changes, n);
		sr.changes = cv;
		sr.n_changes = n;
		x = packed(&f, &xl);
		y = packed(got, &yl);
		assert_int_equal(xl, yl);
		assert_memory_equal(x, y, xl);
		assert_int_equal(evbuffer_get_length(whole), 4 + xl);
		free(x);
		free(y);
		frame_free(got);
		evbuffer_free(whole);
		evbuffer_free(spliced);
		evbuffer_free(changes);
	}
	/* Not a sync answer, or no changes: frame_append itself. */
	r.body_case = SAMEN__V1__RESPONSE__BODY__NOT_SET;
	whole = evbuffer_new();
	assert_int_equal(frame_append_sync(whole, &f, NULL, SIZE_MAX), 0);
	assert_int_equal(frame_cut(whole, SIZE_MAX, &got, NULL), FRAME_OK);
	assert_int_equal(got->id, 41);
	frame_free(got);
	/* Over the limit: nothing appended. */
	r.body_case = SAMEN__V1__RESPONSE__BODY_SYNC;
	changes = evbuffer_new();
	frame_sync_change(changes, 5, 0, "A1", "\x0a\x02" "A1", 4);
	assert_int_equal(frame_append_sync(whole, &f, changes, 10), -1);
	assert_int_equal(evbuffer_get_length(whole), 0);
	evbuffer_free(changes);
	evbuffer_free(whole);
}

/* A sync answer frame around sr, appended to out the ordinary way. */
static void
sync_frame(struct evbuffer *out, Samen__V1__SyncResponse *sr)
{
	Samen__V1__Frame f = SAMEN__V1__FRAME__INIT;
	Samen__V1__Response r = SAMEN__V1__RESPONSE__INIT;
	Samen__V1__Status st = SAMEN__V1__STATUS__INIT;

	r.status = &st;
	r.body_case = SAMEN__V1__RESPONSE__BODY_SYNC;
	r.sync = sr;
	f.id = 9;
	f.body_case = SAMEN__V1__FRAME__BODY_RESPONSE;
	f.response = &r;
	assert_int_equal(frame_append(out, &f, SIZE_MAX), 0);
}

/* n encoded decisions "A<i>/leiden" with a note, as a sync page holds. */
static struct evbuffer *
decision_page(size_t n, const char *note)
{
	Samen__V1__Entity e = SAMEN__V1__ENTITY__INIT;
	Samen__V1__Decision d = SAMEN__V1__DECISION__INIT;
	struct evbuffer *b = evbuffer_new();
	uint8_t body[256];
	char id[32];
	size_t i, len;

	d.note = (char *)(uintptr_t)note;
	e.body_case = SAMEN__V1__ENTITY__BODY_DECISION;
	e.decision = &d;
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "A%zu/leiden", i + 1);
		e.id = id;
		e.rev = 100 + i;
		len = samen__v1__entity__pack(&e, body);
		frame_sync_change(b, 100 + i, 0, id, body, len);
	}
	return b;
}

/*
 * Compressed sync pages: a large page is compressed and reads back as
 * its changes; a small one is not compressed; a page that decompresses
 * beyond the frame limit, garbage, a NUL inside, or changes both ways
 * are refused like a bad frame.
 */
static void
test_sync_zstd(void **state)
{
	Samen__V1__SyncResponse sr = SAMEN__V1__SYNC_RESPONSE__INIT;
	Samen__V1__Change ch = SAMEN__V1__CHANGE__INIT;
	Samen__V1__Change *chv[1] = { &ch };
	Samen__V1__Frame *got;
	struct evbuffer *page, *out;
	uint8_t junk[64];
	uint32_t len;
	size_t i;

	(void)state;
	/* Large: compressed, smaller, and read back whole. */
	page = decision_page(500, "besproken in de commissie");
	assert_int_equal(frame_sync_compress(page, &sr), 1);
	assert_int_equal(evbuffer_get_length(page), 0);
	assert_true(sr.zstd_changes.len > 0 && sr.zstd_changes.len < 4000);
	out = evbuffer_new();
	sync_frame(out, &sr);
	assert_int_equal(frame_cut(out, SIZE_MAX, &got, NULL), FRAME_OK);
	assert_int_equal(got->response->sync->n_changes, 500);
	assert_int_equal(got->response->sync->zstd_changes.len, 0);
	for (i = 0; i < 500; i++) {
		assert_int_equal(got->response->sync->changes[i]->rev, 100 + i);
		assert_string_equal(got->response->sync->changes[i]->entity->
		    decision->note, "besproken in de commissie");
	}
	frame_free(got);

	/* Over the frame limit once decompressed: refused, not read. */
	sync_frame(out, &sr);
	assert_int_equal(frame_cut(out, 8000, &got, &len), FRAME_COSTLY);
	assert_null(got);
	assert_int_equal(evbuffer_get_length(out), 0);

	/* Changes both ways at once. */
	sr.changes = chv;
	sr.n_changes = 1;
	ch.rev = 1;
	sync_frame(out, &sr);
	assert_int_equal(frame_cut(out, SIZE_MAX, &got, NULL), FRAME_INVALID);
	sr.changes = NULL;
	sr.n_changes = 0;
	free(sr.zstd_changes.data);
	evbuffer_free(page);

	/* Small: left as it is. */
	page = decision_page(2, "");
	memset(&sr, 0, sizeof(sr));
	samen__v1__sync_response__init(&sr);
	assert_int_equal(frame_sync_compress(page, &sr), 0);
	assert_true(evbuffer_get_length(page) > 0);
	assert_int_equal(sr.zstd_changes.len, 0);
	evbuffer_free(page);

	/* Not zstd at all. */
	memset(junk, 0x5a, sizeof(junk));
	sr.zstd_changes.data = junk;
	sr.zstd_changes.len = sizeof(junk);
	sync_frame(out, &sr);
	assert_int_equal(frame_cut(out, SIZE_MAX, &got, NULL), FRAME_INVALID);

	/* A NUL byte inside a string of the compressed page. */
	{
		Samen__V1__Entity e = SAMEN__V1__ENTITY__INIT;
		Samen__V1__Decision d = SAMEN__V1__DECISION__INIT;
		uint8_t body[256];
		size_t blen, j;
		char note[40];

		page = evbuffer_new();
		memcpy(note, "voorstel aangenomen met amendement", 35);
		d.note = note;
		e.id = (char *)(uintptr_t)"A1/leiden";
		e.body_case = SAMEN__V1__ENTITY__BODY_DECISION;
		e.decision = &d;
		blen = samen__v1__entity__pack(&e, body);
		for (j = 0; j + 4 < blen; j++) {
			if (memcmp(body + j, "voor", 4) == 0) {
				body[j + 2] = '\0';
				break;
			}
		}
		for (j = 0; j < 300; j++)
			frame_sync_change(page, 10 + j, 0, "A1/leiden", body,
			    blen);
		memset(&sr, 0, sizeof(sr));
		samen__v1__sync_response__init(&sr);
		assert_int_equal(frame_sync_compress(page, &sr), 1);
		sync_frame(out, &sr);
		assert_int_equal(frame_cut(out, SIZE_MAX, &got, NULL),
		    FRAME_NUL);
		free(sr.zstd_changes.data);
		evbuffer_free(page);
	}
	evbuffer_free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_back_to_back),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_at_limit),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_append_limit),
		cmocka_unit_test(test_unknown_field),
		cmocka_unit_test(test_field_zero),
		cmocka_unit_test(test_result_str),
		cmocka_unit_test(test_nul_string),
		cmocka_unit_test(test_sync_splice),
		cmocka_unit_test(test_sync_zstd),
	};

	return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
