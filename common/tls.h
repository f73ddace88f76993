/*
 * The thin layer over OpenSSL: contexts, verification, the principal a
 * certificate names, the blocking client connection and certificate
 * bundles.  Only this file and daemon/pki.c include OpenSSL headers;
 * everyone else sees the opaque structs declared here.
 */
#ifndef SAMEN_TLS_H
#define SAMEN_TLS_H

#include <stddef.h>
#include <sys/types.h>

struct ssl_st;
struct ssl_ctx_st;
struct x509_st;

/* The values are those of samen.v1.Role on the wire. */
enum tls_role {
	TLS_ROLE_NONE = 0,
	TLS_ROLE_OBSERVER = 1,
	TLS_ROLE_MEMBER = 2,
	TLS_ROLE_ADMIN = 3,
};

#define TLS_NAME_MAX		64	/* CN, as RFC 5280 ub-common-name */
#define TLS_MUNICIPALITY_MAX	32	/* O: a municipality id or "region" */
#define TLS_REGION_ORG		"region"

struct tls_principal {
	char		name[TLS_NAME_MAX + 1];
	char		municipality[TLS_MUNICIPALITY_MAX + 1];
	enum tls_role	role;
};

struct tls_files {
	const char	*ca;	/* region CA certificate, PEM */
	const char	*cert;	/* own certificate, PEM */
	const char	*key;	/* own private key, PEM */
	const char	*crl;	/* CRL, PEM; NULL or "": none */
};

/* TLS versions as the config names them. */
#define TLS_MIN_12	12
#define TLS_MIN_13	13

/* Server side. */
struct ssl_ctx_st *tls_server_ctx(const struct tls_files *, int, long,
		    char **);
struct ssl_st	*tls_server_ssl(struct ssl_ctx_st *);
void		 tls_ctx_free(struct ssl_ctx_st *);
void		 tls_ssl_free(struct ssl_st *);
void		 tls_close_notify(struct ssl_st *);
void		 tls_closed_by_peer(struct ssl_st *);
int		 tls_peer_principal(struct ssl_st *, struct tls_principal *,
		    char **);
char		*tls_handshake_error(struct ssl_st *, unsigned long);
int		 tls_peer_revoked(struct ssl_ctx_st *, struct ssl_st *);
int		 tls_conn_resumed(struct ssl_st *);
const char	*tls_conn_version(struct ssl_st *);

/* Principals. */
int		 tls_cert_principal(struct x509_st *, struct tls_principal *,
		    char **);
int		 tls_principal_parse(const char *, const char *, const char *,
		    struct tls_principal *, char **);
int		 tls_role_parse(const char *, enum tls_role *);
const char	*tls_role_name(enum tls_role);
int		 tls_valid_id(const char *);

/* Client side: a blocking connection. */
struct tls_client;
struct tls_client *tls_client_connect(const char *, const char *,
		    const struct tls_files *, int, char **);
ssize_t		 tls_client_read(struct tls_client *, void *, size_t, char **);
int		 tls_client_write(struct tls_client *, const void *, size_t,
		    char **);
void		 tls_client_close(struct tls_client *);
void		 tls_client_set_timeout(struct tls_client *, int);

/* Digests. */
#define TLS_SHA256_LEN	32
void		 tls_sha256(const void *, size_t, unsigned char *);

/* Bundles made by `samend pki issue`. */
int		 tls_bundle_install(const char *, const char *,
		    struct tls_principal *, char **);
int		 tls_key_file_ok(const char *, char **);

#endif
