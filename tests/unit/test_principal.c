/* Unit tests of the certificate-to-principal mapping in common/tls.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "tls.h"

/* Parses cn, o, ou and asserts acceptance with these fields. */
static void
assert_accepted(const char *cn, const char *o, const char *ou,
    enum tls_role role)
{
	struct tls_principal p;
	char *cause = NULL;

	assert_int_equal(tls_principal_parse(cn, o, ou, &p, &cause), 0);
	assert_null(cause);
	assert_string_equal(p.name, cn);
	assert_string_equal(p.municipality, o);
	assert_int_equal(p.role, role);
}

/* Parses cn, o, ou and asserts refusal with a cause naming want. */
static void
assert_refused(const char *cn, const char *o, const char *ou,
    const char *want)
{
	struct tls_principal p;
	char *cause = NULL;

	assert_int_equal(tls_principal_parse(cn, o, ou, &p, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, want));
	free(cause);
}

/* CN: present, non-empty, at most TLS_NAME_MAX bytes. */
static void
test_parse_cn(void **state)
{
	char cn[3 * 22 + 1];

	(void)state;
	assert_accepted("clerk-leiden", "leiden", "member", TLS_ROLE_MEMBER);
	assert_accepted("x", "leiden", "member", TLS_ROLE_MEMBER);
	assert_refused("", "leiden", "member", "(CN)");
	assert_refused(NULL, "leiden", "member", "(CN)");

	memset(cn, 'n', TLS_NAME_MAX);
	cn[TLS_NAME_MAX] = '\0';
	assert_accepted(cn, "leiden", "member", TLS_ROLE_MEMBER);
	cn[TLS_NAME_MAX] = 'n';
	cn[TLS_NAME_MAX + 1] = '\0';
	assert_refused(cn, "leiden", "member", "(CN)");

	/* The limit is in bytes: 21 em dashes are 63, 22 are 66. */
	cn[0] = '\0';
	while (strlen(cn) < 3 * 21)
		strcat(cn, "\xe2\x80\x94");	/* U+2014 */
	assert_accepted(cn, "leiden", "member", TLS_ROLE_MEMBER);
	strcat(cn, "\xe2\x80\x94");
	assert_int_equal(strlen(cn), 66);
	assert_refused(cn, "leiden", "member", "(CN)");
}

/* CN goes into one-line logs: control characters are refused. */
static void
test_parse_cn_control(void **state)
{
	struct tls_principal p;
	char *cause = NULL;

	(void)state;
	assert_refused("clerk\nsamend: forged log line", "leiden", "member",
	    "control characters");
	assert_refused("clerk\x1b[2J", "leiden", "member",
	    "control characters");
	assert_refused("tab\there", "leiden", "member", "control characters");
	assert_refused("del\x7f", "leiden", "member", "control characters");
	/* A refused admin leaves no role behind. */
	assert_int_equal(tls_principal_parse("a", "leiden", "admin", &p,
	    &cause), -1);
	assert_int_equal(p.role, TLS_ROLE_NONE);
	free(cause);
}

/* O: a valid id, 1-32 of [a-z0-9-], starting with a letter. */
static void
test_parse_o(void **state)
{
	char o[TLS_MUNICIPALITY_MAX + 2];

	(void)state;
	assert_accepted("griffier", "leiderdorp", "member", TLS_ROLE_MEMBER);
	assert_accepted("griffier", "alphen-aan-den-rijn", "member",
	    TLS_ROLE_MEMBER);
	assert_accepted("griffier", "a1", "observer", TLS_ROLE_OBSERVER);
	assert_refused("griffier", NULL, "member", "(O)");
	assert_refused("griffier", "", "member", "(O)");
	assert_refused("griffier", "Leiden", "member", "(O)");
	assert_refused("griffier", "1leiden", "member", "(O)");
	assert_refused("griffier", "-leiden", "member", "(O)");
	assert_refused("griffier", "leiden_zuid", "member", "(O)");
	assert_refused("griffier", "leiden zuid", "member", "(O)");
	assert_refused("griffier", "l\xc3\xa9iden", "member", "(O)");

	memset(o, 'a', TLS_MUNICIPALITY_MAX);
	o[TLS_MUNICIPALITY_MAX] = '\0';
	assert_accepted("griffier", o, "member", TLS_ROLE_MEMBER);
	o[TLS_MUNICIPALITY_MAX] = 'a';
	o[TLS_MUNICIPALITY_MAX + 1] = '\0';
	assert_refused("griffier", o, "member", "(O)");
}

/* OU: exactly admin, member or observer. */
static void
test_parse_ou(void **state)
{
	(void)state;
	assert_accepted("lid", "leiden", "member", TLS_ROLE_MEMBER);
	assert_accepted("pers", "leiden", "observer", TLS_ROLE_OBSERVER);
	assert_accepted("beheer", "region", "admin", TLS_ROLE_ADMIN);
	assert_refused("lid", "leiden", NULL, "(OU)");
	assert_refused("lid", "leiden", "", "(OU)");
	assert_refused("lid", "leiden", "Member", "(OU)");
	assert_refused("lid", "leiden", "member ", "(OU)");
	assert_refused("lid", "leiden", "guest", "(OU)");
	assert_refused("beheer", "region", "root", "(OU)");
}

/* Admins belong to the region, members to a municipality. */
static void
test_parse_role_org(void **state)
{
	(void)state;
	/* admin requires O=region */
	assert_accepted("secretaris", "region", "admin", TLS_ROLE_ADMIN);
	assert_refused("secretaris", "leiden", "admin", "O=region");
	assert_refused("secretaris", "regions", "admin", "O=region");
	/* member must not have O=region */
	assert_accepted("raadslid", "leiden", "member", TLS_ROLE_MEMBER);
	assert_refused("raadslid", "region", "member", "not region");
	/* observer may be either */
	assert_accepted("waarnemer", "leiden", "observer", TLS_ROLE_OBSERVER);
	assert_accepted("waarnemer", "region", "observer", TLS_ROLE_OBSERVER);
}

/* The role words and tls_valid_id on their own. */
static void
test_roles_and_ids(void **state)
{
	enum tls_role r;

	(void)state;
	r = TLS_ROLE_NONE;
	assert_int_equal(tls_role_parse("admin", &r), 0);
	assert_int_equal(r, TLS_ROLE_ADMIN);
	assert_int_equal(tls_role_parse("member", &r), 0);
	assert_int_equal(r, TLS_ROLE_MEMBER);
	assert_int_equal(tls_role_parse("observer", &r), 0);
	assert_int_equal(r, TLS_ROLE_OBSERVER);
	r = TLS_ROLE_MEMBER;
	assert_int_equal(tls_role_parse("ADMIN", &r), -1);
	assert_int_equal(tls_role_parse("", &r), -1);
	assert_int_equal(tls_role_parse("admins", &r), -1);
	assert_int_equal(tls_role_parse("none", &r), -1);
	assert_int_equal(r, TLS_ROLE_MEMBER);	/* untouched on refusal */

	assert_string_equal(tls_role_name(TLS_ROLE_ADMIN), "admin");
	assert_string_equal(tls_role_name(TLS_ROLE_MEMBER), "member");
	assert_string_equal(tls_role_name(TLS_ROLE_OBSERVER), "observer");
	assert_string_equal(tls_role_name(TLS_ROLE_NONE), "none");
	assert_string_equal(tls_role_name((enum tls_role)42), "none");
	/* The names parse back to their roles. */
	assert_int_equal(tls_role_parse(tls_role_name(TLS_ROLE_ADMIN), &r), 0);
	assert_int_equal(r, TLS_ROLE_ADMIN);

	assert_true(tls_valid_id("leiden"));
	assert_true(tls_valid_id("region"));
	assert_true(tls_valid_id("a"));
	assert_true(tls_valid_id("kaag-en-braassem"));
	assert_true(tls_valid_id("z9-"));
	assert_true(tls_valid_id("abcdefghijklmnopqrstuvwxyz012345"));
	assert_false(tls_valid_id("abcdefghijklmnopqrstuvwxyz0123456"));
	assert_false(tls_valid_id(""));
	assert_false(tls_valid_id("9a"));
	assert_false(tls_valid_id("Leiden"));
	assert_false(tls_valid_id("lei.den"));
	assert_false(tls_valid_id("lei/den"));
	assert_false(tls_valid_id("leiden\n"));
}

/* A certificate whose subject holds these entries, as UTF-8; NULL: none. */
static X509 *
cert_with(const char *cn, const char *o, const char *ou)
{
	X509 *x;
	X509_NAME *name;

	assert_non_null(x = X509_new());
	assert_non_null(name = X509_get_subject_name(x));
	if (cn != NULL)
		assert_int_equal(X509_NAME_add_entry_by_NID(name,
		    NID_commonName, MBSTRING_UTF8, (const unsigned char *)cn,
		    -1, -1, 0), 1);
	if (o != NULL)
		assert_int_equal(X509_NAME_add_entry_by_NID(name,
		    NID_organizationName, MBSTRING_UTF8,
		    (const unsigned char *)o, -1, -1, 0), 1);
	if (ou != NULL)
		assert_int_equal(X509_NAME_add_entry_by_NID(name,
		    NID_organizationalUnitName, MBSTRING_UTF8,
		    (const unsigned char *)ou, -1, -1, 0), 1);
	return x;
}

/* Asserts that x is refused with a cause naming want, and frees x. */
static void
assert_cert_refused(X509 *x, const char *want)
{
	struct tls_principal p;
	char *cause = NULL;

	assert_int_equal(tls_cert_principal(x, &p, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, want));
	free(cause);
	X509_free(x);
}

/* A well-formed member certificate maps to its principal. */
static void
test_cert_member(void **state)
{
	struct tls_principal p;
	char *cause = NULL;
	X509 *x;

	(void)state;
	x = cert_with("clerk-leiden", "leiden", "member");
	assert_int_equal(tls_cert_principal(x, &p, &cause), 0);
	assert_null(cause);
	assert_string_equal(p.name, "clerk-leiden");
	assert_string_equal(p.municipality, "leiden");
	assert_int_equal(p.role, TLS_ROLE_MEMBER);
	X509_free(x);

	x = cert_with("secretaris", "region", "admin");
	assert_int_equal(tls_cert_principal(x, &p, &cause), 0);
	assert_null(cause);
	assert_string_equal(p.name, "secretaris");
	assert_string_equal(p.municipality, "region");
	assert_int_equal(p.role, TLS_ROLE_ADMIN);
	X509_free(x);

	/* The rules apply to certificates too. */
	assert_cert_refused(cert_with("secretaris", "leiden", "admin"),
	    "O=region");
}

/* A missing entry is refused, naming the entry. */
static void
test_cert_missing(void **state)
{
	(void)state;
	assert_cert_refused(cert_with("clerk-leiden", "leiden", NULL),
	    "(OU)");
	assert_cert_refused(cert_with("clerk-leiden", NULL, "member"),
	    "(O)");
	assert_cert_refused(cert_with(NULL, "leiden", "member"), "(CN)");
	assert_cert_refused(cert_with(NULL, NULL, NULL), "(CN)");
}

/* Two of the same entry are ambiguous and refused. */
static void
test_cert_repeated(void **state)
{
	X509 *x;

	(void)state;
	x = cert_with("clerk-leiden", "leiden", "member");
	assert_int_equal(X509_NAME_add_entry_by_NID(X509_get_subject_name(x),
	    NID_commonName, MBSTRING_UTF8, (const unsigned char *)"mallory",
	    -1, -1, 0), 1);
	assert_cert_refused(x, "(CN)");

	/* Even when both say the same. */
	x = cert_with("clerk-leiden", "leiden", "member");
	assert_int_equal(X509_NAME_add_entry_by_NID(X509_get_subject_name(x),
	    NID_commonName, MBSTRING_UTF8,
	    (const unsigned char *)"clerk-leiden", -1, -1, 0), 1);
	assert_cert_refused(x, "(CN)");

	x = cert_with("clerk-leiden", "leiden", "member");
	assert_int_equal(X509_NAME_add_entry_by_NID(X509_get_subject_name(x),
	    NID_organizationName, MBSTRING_UTF8,
	    (const unsigned char *)"region", -1, -1, 0), 1);
	assert_cert_refused(x, "(O)");

	x = cert_with("clerk-leiden", "leiden", "observer");
	assert_int_equal(X509_NAME_add_entry_by_NID(X509_get_subject_name(x),
	    NID_organizationalUnitName, MBSTRING_UTF8,
	    (const unsigned char *)"admin", -1, -1, 0), 1);
	assert_cert_refused(x, "(OU)");
}

/* A UTF-8 CN is accepted with its bytes as they were. */
static void
test_cert_utf8(void **state)
{
	static const char name[] = "Gemeente Leiderdorp \xe2\x80\x94 griffie";
	/* "Zo\xc3\xab" as a BMPString, big-endian UCS-2. */
	static const unsigned char bmp[] = {
		0x00, 'Z', 0x00, 'o', 0x00, 0xeb
	};
	struct tls_principal p;
	char *cause = NULL;
	X509 *x;

	(void)state;
	x = cert_with(name, "leiderdorp", "member");
	assert_int_equal(tls_cert_principal(x, &p, &cause), 0);
	assert_null(cause);
	assert_int_equal(strlen(p.name), sizeof(name) - 1);
	assert_memory_equal(p.name, name, sizeof(name));
	assert_string_equal(p.municipality, "leiderdorp");
	assert_int_equal(p.role, TLS_ROLE_MEMBER);
	X509_free(x);

	/* Other string types come out as UTF-8. */
	x = cert_with(NULL, "leiden", "observer");
	assert_int_equal(X509_NAME_add_entry_by_NID(X509_get_subject_name(x),
	    NID_commonName, V_ASN1_BMPSTRING, bmp, (int)sizeof(bmp), -1, 0),
	    1);
	assert_int_equal(tls_cert_principal(x, &p, &cause), 0);
	assert_null(cause);
	assert_string_equal(p.name, "Zo\xc3\xab");
	assert_int_equal(p.role, TLS_ROLE_OBSERVER);
	X509_free(x);
}

/* A NUL inside an entry is refused, not cut short. */
static void
test_cert_nul(void **state)
{
	static const unsigned char cn[] = "clerk-leiden\0admin";
	static const unsigned char o[] = "leiden\0evil";
	struct tls_principal p;
	char *cause = NULL;
	X509 *x;

	(void)state;
	x = cert_with(NULL, "leiden", "member");
	assert_int_equal(X509_NAME_add_entry_by_NID(X509_get_subject_name(x),
	    NID_commonName, V_ASN1_UTF8STRING, cn, (int)sizeof(cn) - 1, -1,
	    0), 1);
	assert_cert_refused(x, "(CN)");

	x = cert_with("clerk-leiden", NULL, "member");
	assert_int_equal(X509_NAME_add_entry_by_NID(X509_get_subject_name(x),
	    NID_organizationName, V_ASN1_UTF8STRING, o, (int)sizeof(o) - 1,
	    -1, 0), 1);
	assert_cert_refused(x, "(O)");

	/* The same bytes without the NUL and tail are fine. */
	x = cert_with(NULL, "leiden", "member");
	assert_int_equal(X509_NAME_add_entry_by_NID(X509_get_subject_name(x),
	    NID_commonName, V_ASN1_UTF8STRING, cn, 12, -1, 0), 1);
	assert_int_equal(tls_cert_principal(x, &p, &cause), 0);
	assert_null(cause);
	assert_string_equal(p.name, "clerk-leiden");
	X509_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_cn),
		cmocka_unit_test(test_parse_cn_control),
		cmocka_unit_test(test_parse_o),
		cmocka_unit_test(test_parse_ou),
		cmocka_unit_test(test_parse_role_org),
		cmocka_unit_test(test_roles_and_ids),
		cmocka_unit_test(test_cert_member),
		cmocka_unit_test(test_cert_missing),
		cmocka_unit_test(test_cert_repeated),
		cmocka_unit_test(test_cert_utf8),
		cmocka_unit_test(test_cert_nul),
	};

	return cmocka_run_group_tests_name("principal", tests, NULL, NULL);
}
