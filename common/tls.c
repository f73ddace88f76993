/* TLS contexts, verification, principals, client connections, bundles. */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "tls.h"
#include "xmalloc.h"

/* Session-id context: needed for resumption when clients are verified. */
static const unsigned char tls_sid_ctx[] = "samen.v1";

struct tls_client {
	int	 fd;
	SSL_CTX	*ctx;
	SSL	*ssl;
};

/* The last OpenSSL error as text (and clears the queue); never NULL. */
static char *
tls_errstr(void)
{
	unsigned long e;
	char buf[256];

	e = ERR_peek_last_error();
	if (e == 0)
		return xstrdup("unknown TLS error");
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return xstrdup(buf);
}

/* Sets *cause to "what: the OpenSSL error"; returns -1. */
static int
tls_fail(char **cause, const char *what, const char *path)
{
	char *e = tls_errstr();

	if (path != NULL)
		xasprintf(cause, "%s %s: %s", what, path, e);
	else
		xasprintf(cause, "%s: %s", what, e);
	free(e);
	return -1;
}

/*
 * Refuses a private key file that others may read or that is missing.
 * 0: fine; -1: *cause says what is wrong.
 */
int
tls_key_file_ok(const char *path, char **cause)
{
	struct stat st;

	if (stat(path, &st) == -1) {
		xasprintf(cause, "key file %s: %s", path, strerror(errno));
		return -1;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		xasprintf(cause, "key file %s is readable by others "
		    "(mode %03o); run: chmod 600 %s", path,
		    (unsigned)(st.st_mode & 0777), path);
		return -1;
	}
	return 0;
}

/*
 * Revocation is checked here (tls_verify_cb) rather than by OpenSSL's
 * X509_V_FLAG_CRL_CHECK, which verifies the CRL's signature anew on
 * every handshake: an ECDSA verification, a tenth of the server's work
 * in a full handshake.  A CRL's signature is checked once, as it is
 * loaded, against the CA it names as issuer; the store keeps it.
 */

/* True when crl is signed by a CA certificate in the store. */
static int
tls_crl_signed(X509_STORE *store, X509_CRL *crl)
{
	STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(store);
	X509_OBJECT *o;
	X509 *ca;
	int i;

	for (i = 0; objs != NULL && i < sk_X509_OBJECT_num(objs); i++) {
		o = sk_X509_OBJECT_value(objs, i);
		if (X509_OBJECT_get_type(o) != X509_LU_X509)
			continue;
		ca = X509_OBJECT_get0_X509(o);
		if (X509_NAME_cmp(X509_get_subject_name(ca),
		    X509_CRL_get_issuer(crl)) == 0 &&
		    X509_CRL_verify(crl, X509_get0_pubkey(ca)) == 1)
			return 1;
	}
	return 0;
}

/*
 * What the store's CRLs say of cert, as OpenSSL's CRL check would: a
 * CRL of cert's issuer out of its validity period, or cert on it.
 * X509_V_OK otherwise (and without CRLs).
 */
static int
tls_crl_status(X509_STORE *store, X509 *cert)
{
	STACK_OF(X509_OBJECT) *objs = X509_STORE_get0_objects(store);
	X509_OBJECT *o;
	X509_CRL *crl;
	X509_REVOKED *rev;
	const ASN1_TIME *next;
	int i, err = X509_V_OK;

	for (i = 0; objs != NULL && i < sk_X509_OBJECT_num(objs); i++) {
		o = sk_X509_OBJECT_value(objs, i);
		if (X509_OBJECT_get_type(o) != X509_LU_CRL)
			continue;
		crl = X509_OBJECT_get0_X509_CRL(o);
		if (X509_NAME_cmp(X509_CRL_get_issuer(crl),
		    X509_get_issuer_name(cert)) != 0)
			continue;
		if (X509_cmp_current_time(X509_CRL_get0_lastUpdate(crl)) > 0)
			err = X509_V_ERR_CRL_NOT_YET_VALID;
		else if ((next = X509_CRL_get0_nextUpdate(crl)) != NULL &&
		    X509_cmp_current_time(next) < 0)
			err = X509_V_ERR_CRL_HAS_EXPIRED;
		if (X509_CRL_get0_by_cert(crl, &rev, cert) == 1)
			return X509_V_ERR_CERT_REVOKED;
	}
	return err;
}

/* The verification of a client: after OpenSSL's, revocation. */
static int
tls_verify_cb(int ok, X509_STORE_CTX *x)
{
	int err;

	if (ok != 1 || X509_STORE_CTX_get_error_depth(x) != 0)
		return ok;
	err = tls_crl_status(X509_STORE_CTX_get0_store(x),
	    X509_STORE_CTX_get_current_cert(x));
	if (err != X509_V_OK) {
		X509_STORE_CTX_set_error(x, err);
		return 0;
	}
	return 1;
}

/* Loads the CRL at path into the store, each checked against the CA. */
static int
tls_load_crl(X509_STORE *store, const char *path, char **cause)
{
	BIO *bio;
	X509_CRL *crl;
	int n = 0;

	if ((bio = BIO_new_file(path, "r")) == NULL)
		return tls_fail(cause, "cannot read CRL", path);
	while ((crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)) != NULL) {
		if (!tls_crl_signed(store, crl)) {
			X509_CRL_free(crl);
			BIO_free(bio);
			ERR_clear_error();
			xasprintf(cause, "CRL %s is not signed by the region's "
			    "CA ([tls] ca)", path);
			return -1;
		}
		if (X509_STORE_add_crl(store, crl) != 1) {
			X509_CRL_free(crl);
			BIO_free(bio);
			return tls_fail(cause, "cannot use CRL", path);
		}
		X509_CRL_free(crl);
		n++;
	}
	BIO_free(bio);
	ERR_clear_error();
	if (n == 0) {
		xasprintf(cause, "CRL %s holds no CRL", path);
		return -1;
	}
	return 0;
}

/* Applies the common settings and loads the own certificate and key. */
static int
tls_ctx_common(SSL_CTX *ctx, const struct tls_files *f, int min_version,
    char **cause)
{
	int v = min_version == TLS_MIN_12 ? TLS1_2_VERSION : TLS1_3_VERSION;

	if (SSL_CTX_set_min_proto_version(ctx, v) != 1)
		return tls_fail(cause, "cannot set TLS version", NULL);
	/*
	 * libevent 2.1.12 reports a peer that closes without close_notify
	 * as an error; treat OpenSSL's unexpected EOF as an ordinary close.
	 */
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF |
	    SSL_OP_NO_RENEGOTIATION);
	/*
	 * Both sides hold the region's CA: each sends its own certificate
	 * alone, not the chain OpenSSL would otherwise build up to the CA
	 * (which the other side would decode and drop, every handshake).
	 */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_NO_AUTO_CHAIN);
	if (SSL_CTX_load_verify_locations(ctx, f->ca, NULL) != 1)
		return tls_fail(cause, "cannot read CA certificate", f->ca);
	if (f->cert != NULL &&
	    SSL_CTX_use_certificate_chain_file(ctx, f->cert) != 1)
		return tls_fail(cause, "cannot read certificate", f->cert);
	if (f->key != NULL) {
		if (tls_key_file_ok(f->key, cause) == -1)
			return -1;
		if (SSL_CTX_use_PrivateKey_file(ctx, f->key,
		    SSL_FILETYPE_PEM) != 1)
			return tls_fail(cause, "cannot read key", f->key);
		if (SSL_CTX_check_private_key(ctx) != 1)
			return tls_fail(cause, "key does not match certificate",
			    f->key);
	}
	return 0;
}

/*
 * A server context: TLS 1.3 (or 1.2 when min_version says so), client
 * certificate required and verified against the CA and the CRL, up to
 * sessions sessions kept for resumption.  NULL: *cause says why.
 */
SSL_CTX *
tls_server_ctx(const struct tls_files *f, int min_version, long sessions,
    char **cause)
{
	SSL_CTX *ctx;
	X509_VERIFY_PARAM *param;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		tls_fail(cause, "SSL_CTX_new", NULL);
		return NULL;
	}
	if (tls_ctx_common(ctx, f, min_version, cause) == -1)
		goto fail;
	if (f->crl != NULL && *f->crl != '\0' &&
	    tls_load_crl(SSL_CTX_get_cert_store(ctx), f->crl, cause) == -1)
		goto fail;
	param = SSL_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_CLIENT);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
	    SSL_VERIFY_FAIL_IF_NO_PEER_CERT | SSL_VERIFY_CLIENT_ONCE,
	    tls_verify_cb);
	SSL_CTX_set_session_id_context(ctx, tls_sid_ctx, sizeof(tls_sid_ctx));
	/*
	 * Read what the socket holds at once, not a record header and then
	 * its body (two reads a request).  Records read ahead wait inside
	 * OpenSSL, where libevent 2.1 does not look: the daemon's conn.c
	 * (conn_read_buffered) reads them on itself.
	 */
	SSL_CTX_set_read_ahead(ctx, 1);
	/*
	 * One ticket per connection, naming a session kept here (stateful)
	 * rather than carrying it: OpenSSL 3.0 encodes and decodes the whole
	 * session, the client's certificate included, for every stateless
	 * ticket it issues and every one it accepts, and that decoding was
	 * a third of a full handshake.  The cache is bounded (the oldest
	 * go first) and keeps a session for two hours at most (OpenSSL's
	 * default).
	 */
	if (sessions > 0) {
		SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
		SSL_CTX_set_num_tickets(ctx, 1);
		SSL_CTX_sess_set_cache_size(ctx, sessions);
	} else {
		SSL_CTX_set_num_tickets(ctx, 0);
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/* A new server-side SSL for one connection. */
SSL *
tls_server_ssl(SSL_CTX *ctx)
{
	SSL *ssl;

	if ((ssl = SSL_new(ctx)) == NULL)
		fatalx("SSL_new failed");
	return ssl;
}

/* Drops a context (connections that use it keep their own reference). */
void
tls_ctx_free(SSL_CTX *ctx)
{
	SSL_CTX_free(ctx);
}

/* Frees a connection's SSL. */
void
tls_ssl_free(SSL *ssl)
{
	SSL_free(ssl);
	ERR_clear_error();
}

/* Sends close_notify once, without waiting for the peer's. */
void
tls_close_notify(SSL *ssl)
{
	if (SSL_is_init_finished(ssl))
		SSL_shutdown(ssl);
	ERR_clear_error();
}

/*
 * The peer ended the connection (EOF after the handshake): an ordinary
 * end, so its session stays resumable.  OpenSSL drops a session from the
 * server's cache when its SSL is freed without a shutdown on record.
 */
void
tls_closed_by_peer(SSL *ssl)
{
	if (SSL_is_init_finished(ssl))
		SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
}

/* 1 when the session was resumed from a ticket. */
int
tls_conn_resumed(SSL *ssl)
{
	return SSL_session_reused(ssl);
}

/* "TLSv1.3" and so on. */
const char *
tls_conn_version(SSL *ssl)
{
	return SSL_get_version(ssl);
}

/*
 * Why a server-side handshake failed, in words for the log: the
 * certificate verification result when there is one, else the OpenSSL
 * error err.  Returns an allocated string.
 */
char *
tls_handshake_error(SSL *ssl, unsigned long err)
{
	long vr = X509_V_OK;
	char buf[256], *s;
	const char *reason;

	if (ssl != NULL)
		vr = SSL_get_verify_result(ssl);
	if (vr != X509_V_OK) {
		xasprintf(&s, "client certificate refused: %s",
		    X509_verify_cert_error_string(vr));
		ERR_clear_error();
		return s;
	}
	if (err == 0)
		err = ERR_peek_last_error();
	ERR_clear_error();
	if (err == 0)
		return xstrdup("connection closed during the TLS handshake");
	reason = ERR_reason_error_string(err);
	if (ERR_GET_REASON(err) == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE)
		return xstrdup("client sent no certificate");
	if (ERR_GET_REASON(err) == SSL_R_UNSUPPORTED_PROTOCOL)
		return xstrdup("client offers only TLS versions below "
		    "[tls] min_version");
	if (ERR_GET_REASON(err) == SSL_R_WRONG_VERSION_NUMBER ||
	    ERR_GET_REASON(err) == SSL_R_HTTP_REQUEST)
		return xstrdup("not a TLS client (plaintext or garbage)");
	if (reason == NULL) {
		ERR_error_string_n(err, buf, sizeof(buf));
		reason = buf;
	}
	xasprintf(&s, "TLS handshake failed: %s", reason);
	return s;
}

/* True for ids: 1 to 32 of [a-z0-9-], starting with a letter. */
int
tls_valid_id(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > TLS_MUNICIPALITY_MAX || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 0; i < n; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	}
	return 1;
}

/* Parses admin|member|observer; -1: none of those. */
int
tls_role_parse(const char *s, enum tls_role *role)
{
	if (strcmp(s, "admin") == 0)
		*role = TLS_ROLE_ADMIN;
	else if (strcmp(s, "member") == 0)
		*role = TLS_ROLE_MEMBER;
	else if (strcmp(s, "observer") == 0)
		*role = TLS_ROLE_OBSERVER;
	else
		return -1;
	return 0;
}

/*
 * True when the peer's certificate on ssl is revoked by a CRL that the
 * context ctx (a newer one, after a reload) holds.
 */
int
tls_peer_revoked(struct ssl_ctx_st *ctx, struct ssl_st *ssl)
{
	X509 *cert;
	int revoked;

	if ((cert = SSL_get1_peer_certificate(ssl)) == NULL)
		return 0;
	revoked = tls_crl_status(SSL_CTX_get_cert_store(ctx), cert) ==
	    X509_V_ERR_CERT_REVOKED;
	X509_free(cert);
	return revoked;
}

/* The word for a role. */
const char *
tls_role_name(enum tls_role role)
{
	switch (role) {
	case TLS_ROLE_ADMIN:
		return "admin";
	case TLS_ROLE_MEMBER:
		return "member";
	case TLS_ROLE_OBSERVER:
		return "observer";
	case TLS_ROLE_NONE:
		break;
	}
	return "none";
}

/*
 * The principal named by CN, O and OU.  Members belong to a municipality;
 * admins to the region.  0: *p filled; -1: *cause says what is wrong.
 */
int
tls_principal_parse(const char *cn, const char *o, const char *ou,
    struct tls_principal *p, char **cause)
{
	const unsigned char *u;

	memset(p, 0, sizeof(*p));
	if (cn == NULL || *cn == '\0' || strlen(cn) > TLS_NAME_MAX) {
		xasprintf(cause, "certificate has no usable name (CN)");
		return -1;
	}
	/* Names go into one-line logs: no control characters. */
	for (u = (const unsigned char *)cn; *u != '\0'; u++) {
		if (*u < 0x20 || *u == 0x7f) {
			xasprintf(cause, "certificate name (CN) holds control "
			    "characters");
			return -1;
		}
	}
	if (o == NULL || !tls_valid_id(o)) {
		xasprintf(cause, "certificate organisation (O) is not a "
		    "municipality id");
		return -1;
	}
	if (ou == NULL || tls_role_parse(ou, &p->role) == -1) {
		xasprintf(cause, "certificate role (OU) is not admin, member "
		    "or observer");
		return -1;
	}
	if (p->role == TLS_ROLE_ADMIN && strcmp(o, TLS_REGION_ORG) != 0) {
		xasprintf(cause, "an admin certificate must have O=%s",
		    TLS_REGION_ORG);
		p->role = TLS_ROLE_NONE;
		return -1;
	}
	if (p->role == TLS_ROLE_MEMBER && strcmp(o, TLS_REGION_ORG) == 0) {
		xasprintf(cause, "a member certificate must name a "
		    "municipality, not %s", TLS_REGION_ORG);
		p->role = TLS_ROLE_NONE;
		return -1;
	}
	strncpy(p->name, cn, sizeof(p->name) - 1);
	strncpy(p->municipality, o, sizeof(p->municipality) - 1);
	return 0;
}

/* One entry of a name, as UTF-8; NULL when absent or repeated. */
static char *
tls_name_entry(X509_NAME *name, int nid)
{
	int i;
	X509_NAME_ENTRY *e;
	unsigned char *utf8 = NULL;
	char *s;
	int n;

	if ((i = X509_NAME_get_index_by_NID(name, nid, -1)) < 0)
		return NULL;
	if (X509_NAME_get_index_by_NID(name, nid, i) >= 0)
		return NULL;	/* two of them: ambiguous */
	e = X509_NAME_get_entry(name, i);
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
	if (n < 0)
		return NULL;
	if (memchr(utf8, '\0', (size_t)n) != NULL) {
		OPENSSL_free(utf8);
		return NULL;
	}
	s = xstrndup((char *)utf8, (size_t)n);
	OPENSSL_free(utf8);
	return s;
}

/* The principal a certificate names (CN, O, OU). 0 or -1 with *cause. */
int
tls_cert_principal(X509 *cert, struct tls_principal *p, char **cause)
{
	X509_NAME *name = X509_get_subject_name(cert);
	char *cn, *o, *ou;
	int rv;

	cn = tls_name_entry(name, NID_commonName);
	o = tls_name_entry(name, NID_organizationName);
	ou = tls_name_entry(name, NID_organizationalUnitName);
	rv = tls_principal_parse(cn, o, ou, p, cause);
	free(cn);
	free(o);
	free(ou);
	return rv;
}

/* The principal of a verified peer. 0 or -1 with *cause. */
int
tls_peer_principal(SSL *ssl, struct tls_principal *p, char **cause)
{
	X509 *cert;
	int rv;

	if (SSL_get_verify_result(ssl) != X509_V_OK) {
		xasprintf(cause, "client certificate not verified");
		return -1;
	}
	if ((cert = SSL_get1_peer_certificate(ssl)) == NULL) {
		xasprintf(cause, "client sent no certificate");
		return -1;
	}
	rv = tls_cert_principal(cert, p, cause);
	X509_free(cert);
	return rv;
}

/* Connects fd to one address within timeout_ms. 0 or -1 with errno. */
static int
tls_connect_timeout(int fd, const struct sockaddr *sa, socklen_t len,
    int timeout_ms)
{
	struct pollfd pfd;
	int flags, err = 0, n;
	socklen_t elen = sizeof(err);

	flags = fcntl(fd, F_GETFL);
	if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		return -1;
	if (connect(fd, sa, len) == -1) {
		if (errno != EINPROGRESS)
			return -1;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		n = poll(&pfd, 1, timeout_ms);
		if (n == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (n == -1)
			return -1;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == -1)
			return -1;
		if (err != 0) {
			errno = err;
			return -1;
		}
	}
	return fcntl(fd, F_SETFL, flags);
}

/* Sets send and receive timeouts on a blocking socket; 0 ms: none. */
static void
tls_set_timeouts(int fd, int timeout_ms)
{
	struct timeval tv;

	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/*
 * Words a clerk can act on for a failed client-side TLS operation.  The
 * server's verdict on our certificate arrives as an alert, which in TLS
 * 1.3 may come only with the first read.
 */
static char *
tls_client_error(struct tls_client *tc, int sslerr, const char *host)
{
	unsigned long e = ERR_peek_last_error();
	long vr;
	char *s;
	const char *what;

	vr = SSL_get_verify_result(tc->ssl);
	if (vr != X509_V_OK) {
		xasprintf(&s, "the server at %s is not the one this "
		    "configuration trusts (%s)", host,
		    X509_verify_cert_error_string(vr));
		ERR_clear_error();
		return s;
	}
	switch (ERR_GET_REASON(e)) {
	case SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED:
		what = "the server refused this certificate: it has been "
		    "revoked; ask the regional secretariat for a new bundle";
		break;
	case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
		what = "the server refused this certificate: it has expired; "
		    "ask the regional secretariat for a new bundle";
		break;
	case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
		what = "the server refused this certificate: it was not "
		    "issued by this region";
		break;
	case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
	case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
		what = "the server requires a certificate; run 'samen setup "
		    "BUNDLE.pem' first";
		break;
	case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
	case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
	case SSL_R_TLSV1_ALERT_ACCESS_DENIED:
		what = "the server refused this certificate";
		break;
	case SSL_R_WRONG_VERSION_NUMBER:
	case SSL_R_UNEXPECTED_EOF_WHILE_READING:
	case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
		what = "the server at that address does not speak samen's "
		    "TLS";
		break;
	default:
		what = NULL;
		break;
	}
	if (what != NULL) {
		ERR_clear_error();
		return xstrdup(what);
	}
	if ((sslerr == SSL_ERROR_WANT_READ || sslerr == SSL_ERROR_WANT_WRITE)
	    && e == 0) {
		ERR_clear_error();
		return xstrdup("the server did not answer in time");
	}
	if (sslerr == SSL_ERROR_SYSCALL && e == 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return xstrdup("the server did not answer in time");
		if (errno == 0 || errno == ECONNRESET || errno == EPIPE)
			return xstrdup("the server closed the connection");
		return xstrdup(strerror(errno));
	}
	s = tls_errstr();
	return s;
}

/*
 * Connects to host:port, verifying the server against f->ca and the host
 * name, and presenting f->cert and f->key.  Reads and writes then time
 * out after timeout_ms.  NULL: *cause says why, in words for a clerk.
 */
struct tls_client *
tls_client_connect(const char *host, const char *port,
    const struct tls_files *f, int timeout_ms, char **cause)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct tls_client *tc;
	unsigned char buf[16];
	int rv, e, saved = 0;
	char *why;

	tc = xcalloc(1, sizeof(*tc));
	tc->fd = -1;
	if ((tc->ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		tls_fail(cause, "SSL_CTX_new", NULL);
		goto fail;
	}
	if (tls_ctx_common(tc->ctx, f, TLS_MIN_12, &why) == -1) {
		xasprintf(cause, "configuration: %s", why);
		free(why);
		goto fail;
	}
	SSL_CTX_set_verify(tc->ctx, SSL_VERIFY_PEER, NULL);
	X509_VERIFY_PARAM_set_purpose(SSL_CTX_get0_param(tc->ctx),
	    X509_PURPOSE_SSL_SERVER);

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0) {
		xasprintf(cause, "cannot find the server %s: %s", host,
		    gai_strerror(e));
		goto fail;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		tc->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (tc->fd == -1) {
			saved = errno;
			continue;
		}
		if (tls_connect_timeout(tc->fd, ai->ai_addr, ai->ai_addrlen,
		    timeout_ms) == 0)
			break;
		saved = errno;
		close(tc->fd);
		tc->fd = -1;
	}
	freeaddrinfo(res);
	if (tc->fd == -1) {
		if (saved == ECONNREFUSED)
			xasprintf(cause, "nothing answers at %s port %s "
			    "(is samend running?)", host, port);
		else
			xasprintf(cause, "cannot reach %s port %s: %s", host,
			    port, strerror(saved));
		goto fail;
	}
	tls_set_timeouts(tc->fd, timeout_ms);
	{
		int on = 1;

		/* Requests go out at once, not after a delayed ACK. */
		setsockopt(tc->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	}

	if ((tc->ssl = SSL_new(tc->ctx)) == NULL) {
		tls_fail(cause, "SSL_new", NULL);
		goto fail;
	}
	/* Check the server's name or address against its certificate. */
	if (inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1) {
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(tc->ssl), host);
	} else {
		SSL_set_tlsext_host_name(tc->ssl, host);
		SSL_set1_host(tc->ssl, host);
	}
	SSL_set_fd(tc->ssl, tc->fd);
	errno = 0;
	if ((rv = SSL_connect(tc->ssl)) != 1) {
		why = tls_client_error(tc, SSL_get_error(tc->ssl, rv), host);
		xasprintf(cause, "TLS with %s port %s failed: %s", host, port,
		    why);
		free(why);
		goto fail;
	}
	return tc;
fail:
	tls_client_close(tc);
	return NULL;
}

/*
 * Reads up to len bytes.  >0: bytes read; 0: the server closed; -1:
 * *cause says why.
 */
ssize_t
tls_client_read(struct tls_client *tc, void *buf, size_t len, char **cause)
{
	int n, err;
	char *why;

	errno = 0;
	n = SSL_read(tc->ssl, buf, (int)(len > INT32_MAX ? INT32_MAX : len));
	if (n > 0)
		return n;
	err = SSL_get_error(tc->ssl, n);
	if (err == SSL_ERROR_ZERO_RETURN)
		return 0;
	if (err == SSL_ERROR_SYSCALL && ERR_peek_last_error() == 0 &&
	    errno == 0)
		return 0;
	why = tls_client_error(tc, err, "the server");
	xasprintf(cause, "%s", why);
	free(why);
	return -1;
}

/* Writes all of buf. 0 or -1 with *cause. */
int
tls_client_write(struct tls_client *tc, const void *buf, size_t len,
    char **cause)
{
	int n;
	char *why;

	while (len > 0) {
		errno = 0;
		n = SSL_write(tc->ssl, buf,
		    (int)(len > INT32_MAX ? INT32_MAX : len));
		if (n <= 0) {
			why = tls_client_error(tc, SSL_get_error(tc->ssl, n),
			    "the server");
			xasprintf(cause, "%s", why);
			free(why);
			return -1;
		}
		buf = (const char *)buf + n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads and writes time out after ms from now on; 0: never (watch). */
void
tls_client_set_timeout(struct tls_client *tc, int ms)
{
	tls_set_timeouts(tc->fd, ms);
}

/* Closes the connection (sending close_notify) and frees everything. */
void
tls_client_close(struct tls_client *tc)
{
	if (tc == NULL)
		return;
	if (tc->ssl != NULL) {
		if (SSL_is_init_finished(tc->ssl))
			SSL_shutdown(tc->ssl);
		SSL_free(tc->ssl);
	}
	if (tc->fd != -1)
		close(tc->fd);
	SSL_CTX_free(tc->ctx);
	ERR_clear_error();
	free(tc);
}

/* SHA-256 of buf into out (TLS_SHA256_LEN bytes). */
void
tls_sha256(const void *buf, size_t len, unsigned char *out)
{
	static EVP_MD *md;

	/* Fetched once: OpenSSL 3 looks an implicit EVP_sha256() up in
	 * its provider store (a lock and a hash lookup) on every use. */
	if (md == NULL && (md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		fatalx("SHA-256 is not available");
	if (EVP_Digest(buf, len, out, NULL, md, NULL) != 1)
		fatalx("SHA-256 failed");
}

/* Writes PEM objects to path with mode; fn writes one object. */
static int
tls_write_pem(const char *path, mode_t mode, int (*fn)(BIO *, void *),
    void *obj, char **cause)
{
	int fd;
	BIO *bio;
	int ok;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd == -1) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	if (fchmod(fd, mode) == -1) {
		xasprintf(cause, "cannot chmod %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if ((bio = BIO_new_fd(fd, BIO_CLOSE)) == NULL) {
		close(fd);
		return tls_fail(cause, "BIO_new_fd", NULL);
	}
	ok = fn(bio, obj);
	if (BIO_flush(bio) != 1)
		ok = 0;
	BIO_free(bio);
	if (!ok)
		return tls_fail(cause, "cannot write", path);
	return 0;
}

static int
tls_pem_key(BIO *b, void *k)
{
	return PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
}

static int
tls_pem_cert(BIO *b, void *c)
{
	return PEM_write_bio_X509(b, c);
}

/*
 * Installs a bundle (key, certificate, CA certificate in one PEM file)
 * into dir as key.pem (0600), cert.pem and ca.pem, after checking that
 * the key matches the certificate and the certificate is the CA's.  *p
 * is the principal the certificate names.  0 or -1 with *cause.
 */
int
tls_bundle_install(const char *bundle, const char *dir,
    struct tls_principal *p, char **cause)
{
	BIO *bio = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL, *ca = NULL, *x;
	X509_STORE *store = NULL;
	X509_STORE_CTX *sctx = NULL;
	char *path = NULL;
	int rv = -1;

	if ((bio = BIO_new_file(bundle, "r")) == NULL) {
		xasprintf(cause, "cannot read %s: %s", bundle,
		    strerror(errno));
		goto out;
	}
	if ((key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) == NULL) {
		xasprintf(cause, "%s does not start with a private key; is "
		    "it a bundle from 'samend pki issue'?", bundle);
		goto out;
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		if (cert == NULL)
			cert = x;
		else if (ca == NULL)
			ca = x;
		else
			X509_free(x);
	}
	ERR_clear_error();
	if (cert == NULL || ca == NULL) {
		xasprintf(cause, "%s must hold a key, a certificate and the "
		    "region's CA certificate", bundle);
		goto out;
	}
	if (X509_check_private_key(cert, key) != 1) {
		xasprintf(cause, "the key in %s does not match its "
		    "certificate", bundle);
		goto out;
	}
	store = X509_STORE_new();
	sctx = X509_STORE_CTX_new();
	if (store == NULL || sctx == NULL || X509_STORE_add_cert(store, ca) != 1
	    || X509_STORE_CTX_init(sctx, store, cert, NULL) != 1) {
		tls_fail(cause, "cannot check the bundle", NULL);
		goto out;
	}
	X509_STORE_CTX_set_purpose(sctx, X509_PURPOSE_SSL_CLIENT);
	if (X509_verify_cert(sctx) != 1) {
		xasprintf(cause, "the certificate in %s does not check out "
		    "against its CA: %s", bundle,
		    X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(sctx)));
		goto out;
	}
	if (tls_cert_principal(cert, p, cause) == -1)
		goto out;

	xasprintf(&path, "%s/key.pem", dir);
	if (tls_write_pem(path, 0600, tls_pem_key, key, cause) == -1)
		goto out;
	free(path);
	xasprintf(&path, "%s/cert.pem", dir);
	if (tls_write_pem(path, 0644, tls_pem_cert, cert, cause) == -1)
		goto out;
	free(path);
	xasprintf(&path, "%s/ca.pem", dir);
	if (tls_write_pem(path, 0644, tls_pem_cert, ca, cause) == -1)
		goto out;
	rv = 0;
out:
	free(path);
	X509_STORE_CTX_free(sctx);
	X509_STORE_free(store);
	X509_free(cert);
	X509_free(ca);
	EVP_PKEY_free(key);
	BIO_free(bio);
	ERR_clear_error();
	return rv;
}
