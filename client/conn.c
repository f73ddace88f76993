/*
 * The client's connection: blocking TLS to the daemon, hello first, then
 * one request and its response at a time, matched by frame id.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "samen.h"
#include "xmalloc.h"

/* Responses can be large (a full sync); requests stay small. */
#define CONN_MAX_IN_FRAME	(256 * 1024 * 1024)
#define CONN_MAX_OUT_FRAME	(64 * 1024 * 1024)

struct client_conn {
	struct tls_client	*tls;
	struct evbuffer		*in;
	uint64_t		 next_id;
};

/* Sends one frame. 0 or -1 with *cause. */
static int
conn_send_frame(struct client_conn *cc, const Samen__V1__Frame *f,
    char **cause)
{
	struct evbuffer *out = evbuffer_new();
	size_t len;
	int rv;

	if (out == NULL)
		fatalx("evbuffer_new");
	if (frame_append(out, f, CONN_MAX_OUT_FRAME) == -1) {
		evbuffer_free(out);
		xasprintf(cause, "request too large");
		return -1;
	}
	len = evbuffer_get_length(out);
	rv = tls_client_write(cc->tls, evbuffer_pullup(out, -1), len, cause);
	evbuffer_free(out);
	return rv;
}

/*
 * Reads the next frame.  CONN_FRAME: *f set; CONN_NOTHING (only when
 * patient): a read timed out or a signal came before a whole frame;
 * CONN_FAILED: *cause says why.
 *
 * The socket has a receive timeout (CLIENT_TIMEOUT_MS, set by
 * tls_client_connect; conn_no_timeout lifts it).  tls_client_read
 * reports a timeout, like a signal, as -1 with errno EAGAIN or EINTR
 * (OpenSSL sees a retryable read) and the TLS connection stays usable,
 * so a patient reader (watch) just reads again.  A partial frame stays
 * in cc->in for the next call.
 */
static int
conn_recv_frame(struct client_conn *cc, Samen__V1__Frame **f, int patient,
    char **cause)
{
	char buf[16384];
	ssize_t n;
	int saved;

	for (;;) {
		switch (frame_cut(cc->in, CONN_MAX_IN_FRAME, f, NULL)) {
		case FRAME_OK:
			return CONN_FRAME;
		case FRAME_AGAIN:
			break;
		case FRAME_TOO_LARGE:
		case FRAME_INVALID:
		case FRAME_NUL:
		case FRAME_COSTLY:
			xasprintf(cause, "the server sent something this "
			    "client cannot read (is it a samen server of the "
			    "same version?)");
			return CONN_FAILED;
		}
		errno = 0;
		n = tls_client_read(cc->tls, buf, sizeof(buf), cause);
		saved = errno;
		if (n == -1 && (saved == EAGAIN || saved == EWOULDBLOCK ||
		    saved == EINTR)) {
			if (patient) {
				free(*cause);
				*cause = NULL;
				return CONN_NOTHING;
			}
			if (saved != EINTR) {
				free(*cause);
				xasprintf(cause, "the server did not answer "
				    "within %d seconds",
				    CLIENT_TIMEOUT_MS / 1000);
			}
		}
		if (n == -1)
			return CONN_FAILED;
		if (n == 0) {
			xasprintf(cause, "the server closed the connection");
			return CONN_FAILED;
		}
		evbuffer_add(cc->in, buf, (size_t)n);
	}
}

/*
 * Sends req and waits for its response, skipping events.  0: *resp set
 * (free with conn_response_free); -1: the connection failed and *cause
 * says why (nothing printed).
 */
int
conn_call_quiet(struct client *c, const Samen__V1__Request *req,
    Samen__V1__Response **resp, char **cause)
{
	Samen__V1__Frame *in = NULL;
	uint64_t id;

	*resp = NULL;
	if (c->conn == NULL) {
		xasprintf(cause, "not connected");
		return -1;
	}
	if (conn_send(c, req, &id, cause) == -1)
		return -1;
	for (;;) {
		if (conn_recv_frame(c->conn, &in, 0, cause) != CONN_FRAME)
			return -1;
		if (in->body_case == SAMEN__V1__FRAME__BODY_RESPONSE &&
		    (in->id == id || in->id == 0))
			break;
		frame_free(in);		/* an event for a watch: not ours */
		in = NULL;
	}
	if (in->response->status == NULL) {
		frame_free(in);
		xasprintf(cause, "the server sent a response without status");
		return -1;
	}
	/* Keep the response; free the frame around it. */
	*resp = in->response;
	in->response = NULL;
	in->body_case = SAMEN__V1__FRAME__BODY__NOT_SET;
	frame_free(in);
	return 0;
}

/*
 * Sends req and waits for its response.  0: *resp set (free with
 * conn_response_free); -1: the connection failed, an error is printed
 * and the caller exits EXIT_UNAVAIL.
 */
int
conn_call(struct client *c, const Samen__V1__Request *req,
    Samen__V1__Response **resp)
{
	char *cause = NULL;

	if (conn_call_quiet(c, req, resp, &cause) == 0)
		return 0;
	out_error(c, EXIT_UNAVAIL, "%s", cause);
	free(cause);
	return -1;
}

/*
 * Sends one request without waiting; *id is its frame id, which the
 * response and (for a watch) the events carry.  0 or -1 with *cause.
 */
int
conn_send(struct client *c, const Samen__V1__Request *req, uint64_t *id,
    char **cause)
{
	struct client_conn *cc = c->conn;
	Samen__V1__Frame f = SAMEN__V1__FRAME__INIT;

	f.id = ++cc->next_id;
	f.body_case = SAMEN__V1__FRAME__BODY_REQUEST;
	f.request = (Samen__V1__Request *)(uintptr_t)req;
	*id = f.id;
	return conn_send_frame(cc, &f, cause);
}

/* Lets reads wait for ever from now on (watch): no receive timeout. */
void
conn_no_timeout(struct client *c)
{
	tls_client_set_timeout(c->conn->tls, 0);
}

/*
 * Waits for the next frame of any kind, with no deadline (watch).
 * CONN_FRAME: *f set, free with frame_free; CONN_NOTHING: nothing yet
 * (a read timed out or a signal arrived: check for a stop request and
 * call again); CONN_FAILED: *cause says why.
 */
int
conn_next(struct client *c, Samen__V1__Frame **f, char **cause)
{
	*f = NULL;
	return conn_recv_frame(c->conn, f, 1, cause);
}

/* Frees a response from conn_call. */
void
conn_response_free(Samen__V1__Response *r)
{
	if (r != NULL)
		samen__v1__response__free_unpacked(r, NULL);
}

/*
 * Connects and says hello, printing nothing.  0: connected (*hello, when
 * not NULL, is the server's answer); otherwise the exit code, *cause says
 * why and, when the server answered hello with an error, *status is that
 * status (free it).
 */
static int
conn_start(struct client *c, Samen__V1__HelloResponse **hello,
    char **cause, Samen__V1__Status **status)
{
	struct tls_files files;
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__HelloRequest h = SAMEN__V1__HELLO_REQUEST__INIT;
	Samen__V1__Response *resp;
	char *host = NULL, *port = NULL, *colon;
	int rv;

	if (hello != NULL)
		*hello = NULL;
	*status = NULL;
	/* The configuration is read only by commands that connect. */
	if (conf_load(c, cause) == -1)
		return EXIT_CONFIG;
	/* HOST:PORT or [V6]:PORT */
	if (c->conf.server[0] == '[' &&
	    (colon = strstr(c->conf.server, "]:")) != NULL) {
		host = xstrndup(c->conf.server + 1,
		    (size_t)(colon - c->conf.server - 1));
		port = xstrdup(colon + 2);
	} else if ((colon = strrchr(c->conf.server, ':')) != NULL &&
	    colon != c->conf.server && colon[1] != '\0') {
		host = xstrndup(c->conf.server,
		    (size_t)(colon - c->conf.server));
		port = xstrdup(colon + 1);
	} else {
		xasprintf(cause, "server '%s' is not HOST:PORT",
		    c->conf.server);
		return EXIT_CONFIG;
	}

	if (tls_key_file_ok(c->conf.key, cause) == -1) {
		free(host);
		free(port);
		return EXIT_CONFIG;
	}
	files.ca = c->conf.ca;
	files.cert = c->conf.cert;
	files.key = c->conf.key;
	files.crl = NULL;
	c->conn = xcalloc(1, sizeof(*c->conn));
	if ((c->conn->in = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	c->conn->tls = tls_client_connect(host, port, &files,
	    CLIENT_TIMEOUT_MS, cause);
	free(host);
	free(port);
	if (c->conn->tls == NULL) {
		conn_close(c);
		return strncmp(*cause, "configuration:", 14) == 0 ?
		    EXIT_CONFIG : EXIT_UNAVAIL;
	}

	h.protocol_version = SAMEN_PROTOCOL_VERSION;
	h.client_name = (char *)(uintptr_t)"samen " SAMEN_VERSION;
	req.body_case = SAMEN__V1__REQUEST__BODY_HELLO;
	req.hello = &h;
	if (conn_call_quiet(c, &req, &resp, cause) == -1) {
		conn_close(c);
		return EXIT_UNAVAIL;
	}
	if (resp->status->code != SAMEN__V1__STATUS__CODE__OK ||
	    resp->body_case != SAMEN__V1__RESPONSE__BODY_HELLO) {
		rv = out_status_exit(resp->status->code);
		*cause = xstrdup(*resp->status->message ?
		    resp->status->message : "the server refused hello");
		*status = resp->status;
		resp->status = NULL;
		conn_response_free(resp);
		conn_close(c);
		return rv ? rv : EXIT_OTHER;
	}
	if (hello != NULL) {
		*hello = resp->hello;
		resp->hello = NULL;
		resp->body_case = SAMEN__V1__RESPONSE__BODY__NOT_SET;
	}
	conn_response_free(resp);
	return 0;
}

/*
 * Connects to the configured server and says hello.  0: connected, and
 * *hello (when not NULL) is the server's answer; otherwise the exit code
 * to return, with the error printed.
 */
int
conn_open(struct client *c, Samen__V1__HelloResponse **hello)
{
	Samen__V1__Status *st;
	char *cause = NULL;
	int rv;

	if ((rv = conn_start(c, hello, &cause, &st)) == 0)
		return 0;
	if (st != NULL) {
		out_status(c, st);
		samen__v1__status__free_unpacked(st, NULL);
	} else
		out_error(c, rv, "%s", cause);
	free(cause);
	return rv;
}

/*
 * conn_open without printing: 0, or the exit code with *cause saying why
 * (EXIT_UNAVAIL: the server could not be reached).
 */
int
conn_open_quiet(struct client *c, Samen__V1__HelloResponse **hello,
    char **cause)
{
	Samen__V1__Status *st;
	int rv;

	if ((rv = conn_start(c, hello, cause, &st)) != 0 && st != NULL)
		samen__v1__status__free_unpacked(st, NULL);
	return rv;
}

/* Closes the connection, if open. */
void
conn_close(struct client *c)
{
	if (c->conn == NULL)
		return;
	tls_client_close(c->conn->tls);
	if (c->conn->in != NULL)
		evbuffer_free(c->conn->in);
	free(c->conn);
	c->conn = NULL;
}
