/*
 * The client's connection: blocking TLS to the daemon, hello first, then
 * one request and its response at a time, matched by frame id.
 */
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

/* Reads the next frame. 0: *f set; -1: *cause says why. */
static int
conn_recv_frame(struct client_conn *cc, Samen__V1__Frame **f, char **cause)
{
	char buf[16384];
	ssize_t n;

	for (;;) {
		switch (frame_cut(cc->in, CONN_MAX_IN_FRAME, f, NULL)) {
		case FRAME_OK:
			return 0;
		case FRAME_AGAIN:
			break;
		case FRAME_TOO_LARGE:
		case FRAME_INVALID:
			xasprintf(cause, "the server sent something this "
			    "client cannot read (is it a samen server of the "
			    "same version?)");
			return -1;
		}
		n = tls_client_read(cc->tls, buf, sizeof(buf), cause);
		if (n == -1)
			return -1;
		if (n == 0) {
			xasprintf(cause, "the server closed the connection");
			return -1;
		}
		evbuffer_add(cc->in, buf, (size_t)n);
	}
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
	struct client_conn *cc = c->conn;
	Samen__V1__Frame f = SAMEN__V1__FRAME__INIT, *in = NULL;
	char *cause = NULL;

	*resp = NULL;
	f.id = ++cc->next_id;
	f.body_case = SAMEN__V1__FRAME__BODY_REQUEST;
	f.request = (Samen__V1__Request *)(uintptr_t)req;
	if (conn_send_frame(cc, &f, &cause) == -1)
		goto fail;
	for (;;) {
		if (conn_recv_frame(cc, &in, &cause) == -1)
			goto fail;
		if (in->body_case == SAMEN__V1__FRAME__BODY_RESPONSE &&
		    (in->id == f.id || in->id == 0))
			break;
		frame_free(in);		/* an event for a watch: not ours */
		in = NULL;
	}
	if (in->response->status == NULL) {
		frame_free(in);
		xasprintf(&cause, "the server sent a response without status");
		goto fail;
	}
	/* Keep the response; free the frame around it. */
	*resp = in->response;
	in->response = NULL;
	in->body_case = SAMEN__V1__FRAME__BODY__NOT_SET;
	frame_free(in);
	return 0;
fail:
	out_error(c, EXIT_UNAVAIL, "%s", cause);
	free(cause);
	return -1;
}

/* Frees a response from conn_call. */
void
conn_response_free(Samen__V1__Response *r)
{
	if (r != NULL)
		samen__v1__response__free_unpacked(r, NULL);
}

/*
 * Connects to the configured server and says hello.  0: connected, and
 * *hello (when not NULL) is the server's answer; otherwise the exit code
 * to return, with the error printed.
 */
int
conn_open(struct client *c, Samen__V1__HelloResponse **hello)
{
	struct tls_files files;
	Samen__V1__Request req = SAMEN__V1__REQUEST__INIT;
	Samen__V1__HelloRequest h = SAMEN__V1__HELLO_REQUEST__INIT;
	Samen__V1__Response *resp;
	char *host = NULL, *port = NULL, *cause = NULL, *colon;
	int rv;

	if (hello != NULL)
		*hello = NULL;
	/* The configuration is read only by commands that connect. */
	if (conf_load(c, &cause) == -1) {
		rv = out_error(c, EXIT_CONFIG, "%s", cause);
		free(cause);
		return rv;
	}
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
	} else
		return out_error(c, EXIT_CONFIG, "server '%s' is not "
		    "HOST:PORT", c->conf.server);

	if (tls_key_file_ok(c->conf.key, &cause) == -1) {
		free(host);
		free(port);
		rv = out_error(c, EXIT_CONFIG, "%s", cause);
		free(cause);
		return rv;
	}
	files.ca = c->conf.ca;
	files.cert = c->conf.cert;
	files.key = c->conf.key;
	files.crl = NULL;
	c->conn = xcalloc(1, sizeof(*c->conn));
	if ((c->conn->in = evbuffer_new()) == NULL)
		fatalx("evbuffer_new");
	c->conn->tls = tls_client_connect(host, port, &files,
	    CLIENT_TIMEOUT_MS, &cause);
	free(host);
	free(port);
	if (c->conn->tls == NULL) {
		rv = out_error(c, strncmp(cause, "configuration:", 14) == 0 ?
		    EXIT_CONFIG : EXIT_UNAVAIL, "%s", cause);
		free(cause);
		conn_close(c);
		return rv;
	}

	h.protocol_version = SAMEN_PROTOCOL_VERSION;
	h.client_name = (char *)(uintptr_t)"samen " SAMEN_VERSION;
	req.body_case = SAMEN__V1__REQUEST__BODY_HELLO;
	req.hello = &h;
	if (conn_call(c, &req, &resp) == -1) {
		conn_close(c);
		return EXIT_UNAVAIL;
	}
	if (resp->status->code != SAMEN__V1__STATUS__CODE__OK ||
	    resp->body_case != SAMEN__V1__RESPONSE__BODY_HELLO) {
		rv = out_status(c, resp->status);
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
