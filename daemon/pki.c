/*
 * The region's PKI, issued with OpenSSL's API: a CA (EC P-256), the
 * server certificate, town-hall client bundles and the CRL.  Files live
 * in state_dir/pki; issued certificates are recorded in the store so
 * that `pki list` and the CRL can be made from them.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "samend.h"
#include "xmalloc.h"

#define PKI_CA_DAYS		(10 * 365)
#define PKI_SERVER_DAYS		(2 * 365)
#define PKI_CRL_DAYS		(10 * 365)

struct pki_ca {
	X509		*cert;
	EVP_PKEY	*key;
};

/* Sets *cause to "what: OpenSSL's last error"; returns -1. */
static int
pki_fail(char **cause, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	char buf[256];

	if (e != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		xasprintf(cause, "%s: %s", what, buf);
	} else
		xasprintf(cause, "%s", what);
	ERR_clear_error();
	return -1;
}

/* The CA's private key file: beside the CA certificate. */
static char *
pki_ca_key_path(const struct config *cfg)
{
	char *dir, *p, *copy = xstrdup(cfg->ca);

	dir = dirname(copy);
	xasprintf(&p, "%s/ca-key.pem", dir);
	free(copy);
	return p;
}

/* Makes the directory holding path, mode 0700, if missing. */
static int
pki_mkdir_for(const char *path, char **cause)
{
	char *copy = xstrdup(path), *dir;

	dir = dirname(copy);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		xasprintf(cause, "cannot create %s: %s", dir, strerror(errno));
		free(copy);
		return -1;
	}
	free(copy);
	return 0;
}

/*
 * Writes PEM objects atomically: to path.tmp with mode, flushed to
 * disk, then renamed over path, so a reload never sees half a file.
 * Each of key, cert, ca may be NULL.
 */
static int
pki_write(const char *path, mode_t mode, int excl, EVP_PKEY *key, X509 *cert,
    X509 *ca, X509_CRL *crl, char **cause)
{
	char *tmp;
	int fd, ok = 1;
	BIO *bio;

	if (excl && access(path, F_OK) == 0) {
		xasprintf(cause, "%s already exists; remove it or choose "
		    "another file", path);
		return -1;
	}
	xasprintf(&tmp, "%s.tmp", path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd == -1) {
		xasprintf(cause, "cannot write %s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	fchmod(fd, mode);
	if ((bio = BIO_new_fd(fd, BIO_NOCLOSE)) == NULL)
		ok = 0;
	if (ok && key != NULL)
		ok = PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL,
		    NULL);
	if (ok && cert != NULL)
		ok = PEM_write_bio_X509(bio, cert);
	if (ok && ca != NULL)
		ok = PEM_write_bio_X509(bio, ca);
	if (ok && crl != NULL)
		ok = PEM_write_bio_X509_CRL(bio, crl);
	if (ok && BIO_flush(bio) != 1)
		ok = 0;
	BIO_free(bio);
	if (ok && fsync(fd) == -1)
		ok = 0;
	close(fd);
	if (!ok || rename(tmp, path) == -1) {
		if (ok)
			xasprintf(cause, "cannot rename %s: %s", tmp,
			    strerror(errno));
		else
			pki_fail(cause, "cannot write PEM file");
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/* A new EC P-256 key. */
static EVP_PKEY *
pki_newkey(char **cause)
{
	EVP_PKEY *key;

	if ((key = EVP_EC_gen("P-256")) == NULL)
		pki_fail(cause, "cannot generate a key");
	return key;
}

/* Adds one v3 extension given in OpenSSL's config syntax. */
static int
pki_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return 0;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

/* A random positive 127-bit serial number. */
static int
pki_serial(X509 *cert)
{
	BIGNUM *bn = BN_new();
	ASN1_INTEGER *ai;
	int ok = 0;

	if (bn != NULL && BN_rand(bn, 127, BN_RAND_TOP_ANY,
	    BN_RAND_BOTTOM_ANY) == 1 &&
	    (ai = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert))) != NULL)
		ok = 1;
	BN_free(bn);
	return ok;
}

/* The serial of cert as upper-case hex (allocated). */
static char *
pki_serial_hex(X509 *cert)
{
	BIGNUM *bn;
	char *hex, *s;

	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	if (bn == NULL || (hex = BN_bn2hex(bn)) == NULL)
		fatalx("pki: cannot print a serial number");
	s = xstrdup(hex);
	OPENSSL_free(hex);
	BN_free(bn);
	return s;
}

/*
 * A certificate for key with subject name, valid from not_before for
 * days, signed by ca (or self-signed when ca is NULL).
 */
static X509 *
pki_cert(EVP_PKEY *key, X509_NAME *name, const struct pki_ca *ca,
    time_t not_before, int days, char **cause)
{
	X509 *cert;

	if ((cert = X509_new()) == NULL || X509_set_version(cert, 2) != 1 ||
	    !pki_serial(cert) ||
	    X509_time_adj_ex(X509_getm_notBefore(cert), 0, 0,
	    &not_before) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(cert), days, 0,
	    &not_before) == NULL ||
	    X509_set_subject_name(cert, name) != 1 ||
	    X509_set_issuer_name(cert, ca ? X509_get_subject_name(ca->cert) :
	    name) != 1 || X509_set_pubkey(cert, key) != 1) {
		pki_fail(cause, "cannot build a certificate");
		X509_free(cert);
		return NULL;
	}
	return cert;
}

/* Signs cert with the CA's key (or key itself when self-signed). */
static int
pki_sign(X509 *cert, EVP_PKEY *key, char **cause)
{
	if (X509_sign(cert, key, EVP_sha256()) <= 0)
		return pki_fail(cause, "cannot sign the certificate");
	return 0;
}

/* A subject name of CN, and O and OU when given. */
static X509_NAME *
pki_name(const char *cn, const char *o, const char *ou)
{
	X509_NAME *n = X509_NAME_new();

	if (n == NULL)
		fatalx("X509_NAME_new");
	if (o != NULL)
		X509_NAME_add_entry_by_NID(n, NID_organizationName,
		    MBSTRING_UTF8, (const unsigned char *)o, -1, -1, 0);
	if (ou != NULL)
		X509_NAME_add_entry_by_NID(n, NID_organizationalUnitName,
		    MBSTRING_UTF8, (const unsigned char *)ou, -1, -1, 0);
	X509_NAME_add_entry_by_NID(n, NID_commonName, MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0);
	return n;
}

/* Loads the CA certificate and key. */
static int
pki_load_ca(const struct config *cfg, struct pki_ca *ca, char **cause)
{
	char *kpath = pki_ca_key_path(cfg);
	BIO *bio;

	memset(ca, 0, sizeof(*ca));
	if ((bio = BIO_new_file(cfg->ca, "r")) == NULL ||
	    (ca->cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL) {
		BIO_free(bio);
		xasprintf(cause, "cannot read the CA certificate %s; has "
		    "'samend init' run?", cfg->ca);
		free(kpath);
		ERR_clear_error();
		return -1;
	}
	BIO_free(bio);
	if (tls_key_file_ok(kpath, cause) == -1) {
		free(kpath);
		X509_free(ca->cert);
		return -1;
	}
	if ((bio = BIO_new_file(kpath, "r")) == NULL ||
	    (ca->key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)) ==
	    NULL) {
		BIO_free(bio);
		xasprintf(cause, "cannot read the CA key %s", kpath);
		free(kpath);
		X509_free(ca->cert);
		ERR_clear_error();
		return -1;
	}
	BIO_free(bio);
	free(kpath);
	return 0;
}

static void
pki_free_ca(struct pki_ca *ca)
{
	X509_free(ca->cert);
	EVP_PKEY_free(ca->key);
}

/*
 * Creates the region CA and the server certificate for names (DNS names
 * or IP addresses).  Refuses when a CA exists already.
 */
int
pki_init(const struct config *cfg, const char *const *names, size_t nnames,
    char **cause)
{
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	X509_NAME *name = NULL;
	char *kpath = pki_ca_key_path(cfg);
	time_t now = time(NULL);
	int rv = -1;

	if (access(cfg->ca, F_OK) == 0 || access(kpath, F_OK) == 0) {
		xasprintf(cause, "a region CA exists already at %s", cfg->ca);
		goto out;
	}
	if (pki_mkdir_for(cfg->ca, cause) == -1 ||
	    pki_mkdir_for(kpath, cause) == -1 ||
	    (key = pki_newkey(cause)) == NULL)
		goto out;
	name = pki_name("samen region CA", TLS_REGION_ORG, NULL);
	if ((cert = pki_cert(key, name, NULL, now, PKI_CA_DAYS,
	    cause)) == NULL)
		goto out;
	if (!pki_ext(cert, cert, NID_basic_constraints, "critical,CA:TRUE") ||
	    !pki_ext(cert, cert, NID_key_usage,
	    "critical,keyCertSign,cRLSign") ||
	    !pki_ext(cert, cert, NID_subject_key_identifier, "hash")) {
		pki_fail(cause, "cannot add CA extensions");
		goto out;
	}
	if (pki_sign(cert, key, cause) == -1 ||
	    pki_write(kpath, 0600, 1, key, NULL, NULL, NULL, cause) == -1 ||
	    pki_write(cfg->ca, 0644, 1, NULL, cert, NULL, NULL, cause) == -1)
		goto out;
	rv = pki_server_cert(cfg, names, nnames, cause);
out:
	X509_NAME_free(name);
	X509_free(cert);
	EVP_PKEY_free(key);
	free(kpath);
	return rv;
}

/*
 * (Re)issues the server certificate and key for names, replacing the
 * files atomically; a running daemon picks them up on SIGHUP.
 */
int
pki_server_cert(const struct config *cfg, const char *const *names,
    size_t nnames, char **cause)
{
	struct pki_ca ca;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	X509_NAME *name = NULL;
	char *san = NULL, *tmp;
	unsigned char ip[16];
	size_t i;
	int rv = -1;

	if (nnames == 0) {
		xasprintf(cause, "the server certificate needs a name");
		return -1;
	}
	if (pki_load_ca(cfg, &ca, cause) == -1)
		return -1;
	for (i = 0; i < nnames; i++) {
		int isip = inet_pton(AF_INET, names[i], ip) == 1 ||
		    inet_pton(AF_INET6, names[i], ip) == 1;

		xasprintf(&tmp, "%s%s%s:%s", san ? san : "", san ? "," : "",
		    isip ? "IP" : "DNS", names[i]);
		free(san);
		san = tmp;
	}
	if (pki_mkdir_for(cfg->cert, cause) == -1 ||
	    pki_mkdir_for(cfg->key, cause) == -1 ||
	    (key = pki_newkey(cause)) == NULL)
		goto out;
	name = pki_name(names[0], TLS_REGION_ORG, "server");
	if ((cert = pki_cert(key, name, &ca, time(NULL), PKI_SERVER_DAYS,
	    cause)) == NULL)
		goto out;
	if (!pki_ext(cert, ca.cert, NID_basic_constraints, "critical,CA:FALSE")
	    || !pki_ext(cert, ca.cert, NID_key_usage,
	    "critical,digitalSignature") ||
	    !pki_ext(cert, ca.cert, NID_ext_key_usage, "serverAuth") ||
	    !pki_ext(cert, ca.cert, NID_subject_alt_name, san) ||
	    !pki_ext(cert, ca.cert, NID_authority_key_identifier, "keyid")) {
		pki_fail(cause, "cannot add server certificate extensions");
		goto out;
	}
	if (pki_sign(cert, ca.key, cause) == -1 ||
	    pki_write(cfg->key, 0600, 0, key, NULL, NULL, NULL, cause) == -1 ||
	    pki_write(cfg->cert, 0644, 0, NULL, cert, NULL, NULL, cause) == -1)
		goto out;
	rv = 0;
out:
	free(san);
	X509_NAME_free(name);
	X509_free(cert);
	EVP_PKEY_free(key);
	pki_free_ca(&ca);
	return rv;
}

/*
 * Issues a client certificate (CN=name, O=municipality, OU=role,
 * clientAuth) valid from not_before for days, and writes the bundle
 * (key, certificate, CA certificate) to out with mode 0600.  The
 * certificate is recorded in the store.
 */
int
pki_issue(struct store *st, const struct config *cfg, const char *cn,
    const char *municipality, const char *role, int days, time_t not_before,
    const char *out, char **cause)
{
	struct pki_ca ca;
	struct cert_record rec;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	X509_NAME *name = NULL;
	int rv = -1;

	if (pki_load_ca(cfg, &ca, cause) == -1)
		return -1;
	if ((key = pki_newkey(cause)) == NULL)
		goto out;
	name = pki_name(cn, municipality, role);
	if ((cert = pki_cert(key, name, &ca, not_before, days, cause)) == NULL)
		goto out;
	if (!pki_ext(cert, ca.cert, NID_basic_constraints, "critical,CA:FALSE")
	    || !pki_ext(cert, ca.cert, NID_key_usage,
	    "critical,digitalSignature") ||
	    !pki_ext(cert, ca.cert, NID_ext_key_usage, "clientAuth") ||
	    !pki_ext(cert, ca.cert, NID_authority_key_identifier, "keyid")) {
		pki_fail(cause, "cannot add client certificate extensions");
		goto out;
	}
	if (pki_sign(cert, ca.key, cause) == -1)
		goto out;
	memset(&rec, 0, sizeof(rec));
	rec.serial = pki_serial_hex(cert);
	rec.name = (char *)(uintptr_t)cn;
	rec.municipality = (char *)(uintptr_t)municipality;
	rec.role = (char *)(uintptr_t)role;
	rec.not_before = (int64_t)not_before;
	rec.not_after = (int64_t)not_before + (int64_t)days * 86400;
	if (pki_write(out, 0600, 1, key, cert, ca.cert, NULL, cause) == -1) {
		free(rec.serial);
		goto out;
	}
	if (store_cert_add(st, &rec, cause) == -1) {
		unlink(out);
		free(rec.serial);
		goto out;
	}
	free(rec.serial);
	rv = 0;
out:
	X509_NAME_free(name);
	X509_free(cert);
	EVP_PKEY_free(key);
	pki_free_ca(&ca);
	return rv;
}

/* Writes the CRL of every revoked certificate in the store. */
int
pki_write_crl(struct store *st, const struct config *cfg, char **cause)
{
	struct pki_ca ca;
	struct cert_record *v = NULL;
	size_t n = 0, i;
	X509_CRL *crl = NULL;
	X509_REVOKED *r;
	ASN1_TIME *t = NULL;
	ASN1_INTEGER *serial;
	BIGNUM *bn = NULL;
	time_t now = time(NULL), when;
	int rv = -1;

	if (cfg->crl == NULL || *cfg->crl == '\0') {
		xasprintf(cause, "no CRL file is configured ([tls] crl)");
		return -1;
	}
	if (pki_load_ca(cfg, &ca, cause) == -1)
		return -1;
	if (store_cert_list(st, &v, &n, cause) == -1)
		goto out;
	if ((crl = X509_CRL_new()) == NULL || X509_CRL_set_version(crl, 1) != 1
	    || X509_CRL_set_issuer_name(crl,
	    X509_get_subject_name(ca.cert)) != 1 ||
	    (t = X509_time_adj_ex(NULL, 0, 0, &now)) == NULL ||
	    X509_CRL_set1_lastUpdate(crl, t) != 1 ||
	    X509_time_adj_ex(t, PKI_CRL_DAYS, 0, &now) == NULL ||
	    X509_CRL_set1_nextUpdate(crl, t) != 1) {
		pki_fail(cause, "cannot build the CRL");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (v[i].revoked_at == 0)
			continue;
		when = (time_t)v[i].revoked_at;
		if ((r = X509_REVOKED_new()) == NULL ||
		    BN_hex2bn(&bn, v[i].serial) == 0 ||
		    (serial = BN_to_ASN1_INTEGER(bn, NULL)) == NULL) {
			X509_REVOKED_free(r);
			pki_fail(cause, "cannot add to the CRL");
			goto out;
		}
		X509_REVOKED_set_serialNumber(r, serial);
		ASN1_INTEGER_free(serial);
		X509_time_adj_ex(t, 0, 0, &when);
		X509_REVOKED_set_revocationDate(r, t);
		X509_CRL_add0_revoked(crl, r);
	}
	X509_CRL_sort(crl);
	if (X509_CRL_sign(crl, ca.key, EVP_sha256()) <= 0) {
		pki_fail(cause, "cannot sign the CRL");
		goto out;
	}
	rv = pki_write(cfg->crl, 0644, 0, NULL, NULL, NULL, crl, cause);
out:
	BN_free(bn);
	ASN1_TIME_free(t);
	X509_CRL_free(crl);
	store_cert_free(v, n);
	pki_free_ca(&ca);
	return rv;
}

/* Revokes every certificate issued to name and rewrites the CRL. */
int
pki_revoke(struct store *st, const struct config *cfg, const char *name,
    char **cause)
{
	int n;

	if (store_cert_revoke(st, name, (int64_t)time(NULL), &n, cause) == -1)
		return -1;
	if (n == 0) {
		xasprintf(cause, "no unrevoked certificate is issued to '%s' "
		    "(see 'samend pki list')", name);
		return -1;
	}
	return pki_write_crl(st, cfg, cause);
}
