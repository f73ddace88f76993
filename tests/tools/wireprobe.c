/*
 * wireprobe: a test client that speaks samen's wire protocol badly on
 * purpose, to check that samend answers misbehaviour correctly.
 *
 *	wireprobe HOST:PORT CA CERT KEY MODE [ARG]
 *
 * Modes:
 *	hello		a well-formed hello
 *	stats		hello, then stats
 *	oversize N	a frame header announcing N bytes, then a few bytes
 *	truncated	a header announcing 100 bytes, 10 bytes, then waits
 *	garbage		a frame whose body is not a protobuf
 *	unknown		a request of an unknown type, then hello on the same
 *			connection
 *	event		a frame holding an Event (clients may only send
 *			requests)
 *	nohello		stats before hello
 *	hold FILE	hello, waits (at most 20 s) for FILE to exist, then
 *			hello again on the same connection
 *	stall FILE	hello, watch from rev 0, then reads nothing until FILE exists (at most 60 s),
 *			then reads until the server closes
 *
 * Prints one line per response ("response ID CODE message") and "closed"
 * when the server closes the connection, "open" when it is still open
 * after the wait.  Exit 0 unless the probe itself failed.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "frame.h"
#include "log.h"
#include "tls.h"
#include "xmalloc.h"

static const char *const codes[] = {
	"OK", "INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTS",
	"PERMISSION_DENIED", "CONFLICT", "RESYNC_REQUIRED",
	"RESOURCE_EXHAUSTED", "UNAUTHENTICATED", "UNAVAILABLE", "INTERNAL",
};

static struct tls_client *tc;
static struct evbuffer *inbuf;

static void
send_raw(const void *buf, size_t len)
{
	char *cause = NULL;

	/* The server may close first; reading then tells what it said. */
	if (tls_client_write(tc, buf, len, &cause) == -1) {
		printf("write failed: %s\n", cause);
		free(cause);
	}
}

static void
send_frame(const Samen__V1__Frame *f)
{
	struct evbuffer *b = evbuffer_new();
	size_t len;

	frame_append(b, f, 1 << 30);
	len = evbuffer_get_length(b);
	send_raw(evbuffer_pullup(b, -1), len);
	evbuffer_free(b);
}

static void
send_request(uint64_t id, Samen__V1__Request *req)
{
	Samen__V1__Frame f = SAMEN__V1__FRAME__INIT;

	f.id = id;
	f.body_case = SAMEN__V1__FRAME__BODY_REQUEST;
	f.request = req;
	send_frame(&f);
}

static void
send_hello(uint64_t id)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__HelloRequest h = SAMEN__V1__HELLO_REQUEST__INIT;

	h.protocol_version = 1;
	h.client_name = (char *)(uintptr_t)"wireprobe";
	req.body_case = SAMEN__V1__REQUEST__BODY_HELLO;
	req.hello = &h;
	send_request(id, &req);
}

static void
send_stats(uint64_t id)
{
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__StatsRequest s = SAMEN__V1__STATS_REQUEST__INIT;

	req.body_case = SAMEN__V1__REQUEST__BODY_STATS;
	req.stats = &s;
	send_request(id, &req);
}

/*
 * Reads and prints one response.  1: printed one; 0: the server closed
 * (printed "closed").
 */
static int
read_one(void)
{
	Samen__V1__Frame *f;
	char buf[4096], *cause = NULL;
	ssize_t n;

	for (;;) {
		switch (frame_cut(inbuf, 1 << 30, &f, NULL)) {
		case FRAME_OK:
			if (f->body_case == SAMEN__V1__FRAME__BODY_RESPONSE &&
			    f->response->status != NULL) {
				unsigned c = f->response->status->code;

				printf("response %llu %s %s\n",
				    (unsigned long long)f->id,
				    c < 11 ? codes[c] : "?",
				    f->response->status->message);
				if (f->response->body_case ==
				    SAMEN__V1__RESPONSE__BODY_HELLO)
					printf("hello %s %s\n",
					    f->response->hello->region,
					    f->response->hello->principal->name);
				if (f->response->body_case ==
				    SAMEN__V1__RESPONSE__BODY_STATS)
					printf("stats connections=%u "
					    "requests=%llu\n",
					    f->response->stats->connections,
					    (unsigned long long)
					    f->response->stats->requests);
			} else
				printf("frame %llu without response\n",
				    (unsigned long long)f->id);
			fflush(stdout);
			frame_free(f);
			return 1;
		case FRAME_AGAIN:
			break;
		default:
			fatalx("server sent a bad frame");
		}
		n = tls_client_read(tc, buf, sizeof(buf), &cause);
		if (n <= 0) {
			printf("closed%s%s\n", n < 0 ? ": " : "",
			    n < 0 ? cause : "");
			fflush(stdout);
			free(cause);
			return 0;
		}
		evbuffer_add(inbuf, buf, (size_t)n);
	}
}

/* Reads responses until the server closes. */
static void
read_until_closed(void)
{
	while (read_one())
		;
}

int
main(int argc, char **argv)
{
	struct tls_files f;
	char *host, *port, *colon, *cause = NULL;
	const char *mode;
	uint8_t buf[64];
	uint32_t be;
	int i;

	log_init("wireprobe", LOG_LEVEL_WARN);
	signal(SIGPIPE, SIG_IGN);
	if (argc < 6) {
		fprintf(stderr, "usage: wireprobe HOST:PORT CA CERT KEY MODE "
		    "[ARG]\n");
		return 64;
	}
	colon = strrchr(argv[1], ':');
	if (colon == NULL)
		fatalx("HOST:PORT");
	host = xstrndup(argv[1], (size_t)(colon - argv[1]));
	port = xstrdup(colon + 1);
	f.ca = argv[2];
	f.cert = argv[3];
	f.key = argv[4];
	f.crl = NULL;
	mode = argv[5];
	if ((inbuf = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	/* Long enough for the daemon's idle timeout in the tests. */
	if ((tc = tls_client_connect(host, port, &f, 30000, &cause)) == NULL) {
		printf("connect failed: %s\n", cause);
		return 1;
	}

	if (strcmp(mode, "hello") == 0) {
		send_hello(1);
		read_one();
	} else if (strcmp(mode, "stats") == 0) {
		send_hello(1);
		read_one();
		send_stats(2);
		read_one();
	} else if (strcmp(mode, "oversize") == 0 && argc == 7) {
		be = htonl((uint32_t)strtoul(argv[6], NULL, 10));
		send_raw(&be, sizeof(be));
		memset(buf, 'x', sizeof(buf));
		send_raw(buf, sizeof(buf));
		read_until_closed();
	} else if (strcmp(mode, "truncated") == 0) {
		send_hello(1);
		read_one();
		be = htonl(100);
		send_raw(&be, sizeof(be));
		memset(buf, 0, 10);
		send_raw(buf, 10);
		read_until_closed();
	} else if (strcmp(mode, "garbage") == 0) {
		be = htonl(8);
		send_raw(&be, sizeof(be));
		memset(buf, 0xff, 8);
		send_raw(buf, 8);
		read_until_closed();
	} else if (strcmp(mode, "unknown") == 0) {
		send_hello(1);
		read_one();
		/*
		 * Frame { id = 2, request = { field 999 varint 1 } }:
		 * field 999, wire type 0 -> tag 7992 = 0xb8 0x3e.
		 */
		{
			static const uint8_t fr[] = {
				0x00, 0x00, 0x00, 0x07,
				0x08, 0x02,		/* id = 2 */
				0x12, 0x03,		/* request, 3 bytes */
				0xb8, 0x3e, 0x01,	/* field 999 = 1 */
			};
			send_raw(fr, sizeof(fr));
		}
		read_one();
		send_hello(3);
		read_one();
	} else if (strcmp(mode, "event") == 0) {
		Samen__V1__Frame fe = SAMEN__V1__FRAME__INIT;
		Samen__V1__Event ev = SAMEN__V1__EVENT__INIT;

		fe.id = 1;
		fe.body_case = SAMEN__V1__FRAME__BODY_EVENT;
		fe.event = &ev;
		send_frame(&fe);
		read_until_closed();
	} else if (strcmp(mode, "nohello") == 0) {
		send_stats(1);
		read_one();
		send_hello(2);
		read_one();
	} else if (strcmp(mode, "hold") == 0 && argc == 7) {
		send_hello(1);
		read_one();
		for (i = 0; i < 200 && access(argv[6], F_OK) != 0; i++)
			poll(NULL, 0, 100);
		send_hello(2);
		read_one();
	} else if (strcmp(mode, "stall") == 0 && argc == 7) {
		Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
		Samen__V1__WatchRequest w = SAMEN__V1__WATCH_REQUEST__INIT;
		send_hello(1);
		read_one();
		req.body_case = SAMEN__V1__REQUEST__BODY_WATCH;
		req.watch = &w;
		send_request(2, &req);
		read_one();
		for (i = 0; i < 600 && access(argv[6], F_OK) != 0; i++)
			poll(NULL, 0, 100);
		/* Skip the events; print the responses and the close. */
		for (;;) {
			Samen__V1__Frame *fr;
			char rb[16384], *why = NULL;
			ssize_t n;

			while (frame_cut(inbuf, 1 << 30, &fr, NULL) == FRAME_OK) {
				if (fr->body_case ==
				    SAMEN__V1__FRAME__BODY_RESPONSE &&
				    fr->response->status != NULL)
					printf("response %llu %s %s\n",
					    (unsigned long long)fr->id,
					    codes[fr->response->status->code %
					    11], fr->response->status->message);
				frame_free(fr);
			}
			n = tls_client_read(tc, rb, sizeof(rb), &why);
			if (n <= 0) {
				printf("closed\n");
				free(why);
				break;
			}
			evbuffer_add(inbuf, rb, (size_t)n);
		}
	} else {
		fprintf(stderr, "wireprobe: unknown mode %s\n", mode);
		return 64;
	}
	tls_client_close(tc);
	evbuffer_free(inbuf);
	free(host);
	free(port);
	return 0;
}
