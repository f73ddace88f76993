/*
 * samend: the daemon and its administrator's subcommands.
 *
 *	samend [-d] [-c FILE]			run in the foreground
 *	samend [-c FILE] init ...		create region, members and PKI
 *	samend [-c FILE] check-config [-v]
 *	samend [-c FILE] pki issue|revoke|list|server-cert ...
 *	samend [-c FILE] backup --out PATH
 *	samend [-c FILE] restore PATH
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "date.h"
#include "samend.h"
#include "xmalloc.h"

/* Exit codes, as the client's (sysexits). */
#define EX_OK_		0
#define EX_USAGE_	64
#define EX_DATAERR_	65
#define EX_CONFIG_	78

#define PKI_DEFAULT_DAYS	825
#define MAX_MEMBERS		64
#define MAX_NAMES		16

static int	cmd_run(struct config *, int);
static int	cmd_init(struct config *, int, char **);
static int	cmd_check_config(struct config *, int, char **);
static int	cmd_pki(struct config *, int, char **);
static int	cmd_backup(struct config *, int, char **);
static int	cmd_restore(struct config *, int, char **);

struct samend_cmd {
	const char	*name;
	int		(*fn)(struct config *, int, char **);
	const char	*usage;
};

static const struct samend_cmd samend_cmds[] = {
	{ "init", cmd_init,
	  "init --region NAME --member ID=NAME [--member ...]\n"
	  "\t[--election YYYY-MM-DD] [--time-zone TZ] [--server-name NAME ...]" },
	{ "check-config", cmd_check_config, "check-config [-v]" },
	{ "pki", cmd_pki,
	  "pki issue --name CN --municipality ID|region "
	  "--role admin|member|observer\n"
	  "\t--out BUNDLE.pem [--days N] [--valid-from YYYY-MM-DD]\n"
	  "    pki revoke --name CN\n"
	  "    pki list\n"
	  "    pki server-cert [--server-name NAME ...]" },
	{ "backup", cmd_backup, "backup --out PATH" },
	{ "restore", cmd_restore, "restore PATH" },
};
#define NCMDS	(sizeof(samend_cmds) / sizeof(samend_cmds[0]))

/* Prints the usage to fp. */
static void
usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: samend [-d] [-c FILE]\t\trun the daemon "
	    "(foreground)\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(fp, "       samend [-c FILE] %s\n", samend_cmds[i].usage);
	fprintf(fp, "\n  -c FILE   configuration file (default %s)\n"
	    "  -d        debug logging\n  -h        this help\n"
	    "  -V        print the version\n", SAMEND_DEFAULT_CONFIG);
}

/* Prints one command's usage and returns EX_USAGE_. */
static int
cmd_usage(const char *name, const char *msg)
{
	size_t i;

	if (msg != NULL)
		fprintf(stderr, "samend %s: %s\n", name, msg);
	for (i = 0; i < NCMDS; i++) {
		if (strcmp(samend_cmds[i].name, name) == 0)
			fprintf(stderr, "usage: samend [-c FILE] %s\n",
			    samend_cmds[i].usage);
	}
	return EX_USAGE_;
}

/* True for a --help or -h among argv. */
static int
wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

/* Opens the state directory's store, or prints why not. */
static struct store *
open_store(const struct config *cfg, int create)
{
	struct store *st;
	char *db = store_path(cfg->state_dir), *cause = NULL;

	if ((st = store_open(db, create, &cause)) == NULL) {
		fprintf(stderr, "samend: %s\n", cause);
		free(cause);
	}
	free(db);
	return st;
}

/* backup --out PATH: a consistent copy, the daemon running or not. */
static int
cmd_backup(struct config *cfg, int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "--out") != 0 || *argv[2] == '\0')
		return cmd_usage("backup", "backup needs --out PATH");
	return backup_offline(cfg, argv[2]);
}

/* restore PATH: checked, then in place; refused while samend runs. */
static int
cmd_restore(struct config *cfg, int argc, char **argv)
{
	if (argc != 2 || *argv[1] == '\0')
		return cmd_usage("restore", "restore needs the PATH of a "
		    "backup");
	return backup_restore(cfg, argv[1]);
}

/* Runs the daemon until SIGTERM or SIGINT. */
static int
cmd_run(struct config *cfg, int debug)
{
	struct server srv;
	char *cause = NULL;

	memset(&srv, 0, sizeof(srv));
	srv.cfg = cfg;
	srv.debug = debug;
	if (server_start(&srv, &cause) == -1) {
		log_warnx("cannot start: %s", cause);
		free(cause);
		server_free(&srv);
		config_free(srv.cfg);
		free(srv.cfg);
		return 1;
	}
	server_run(&srv);
	cfg = srv.cfg;		/* reload may have replaced it */
	server_free(&srv);
	config_free(cfg);
	free(cfg);
	log_info("stopped");
	return 0;
}

/* The names the server certificate covers by default. */
static size_t
default_names(const struct config *cfg, const char **names, char *host,
    size_t hostlen)
{
	size_t n = 0;

	if (strcmp(cfg->listen_host, "0.0.0.0") != 0 &&
	    strcmp(cfg->listen_host, "::") != 0 && *cfg->listen_host != '\0')
		names[n++] = cfg->listen_host;
	if (gethostname(host, hostlen) == 0 && *host != '\0' &&
	    strcmp(host, "localhost") != 0)
		names[n++] = host;
	names[n++] = "localhost";
	names[n++] = "127.0.0.1";
	names[n++] = "::1";
	return n;
}

/* The next Dutch municipal election from today. */
static void
next_election(char *buf)
{
	time_t now = time(NULL);
	struct tm tm;
	char today[DATE_STRLEN];
	int y;

	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	for (y = tm.tm_year + 1900; ; y++) {
		if (region_election_date(y, buf, DATE_STRLEN) == 0 &&
		    strcmp(buf, today) >= 0)
			return;
	}
}

/* samend init: database, region, members, CA, server certificate, CRL. */
static int
cmd_init(struct config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "region", required_argument, NULL, 'r' },
		{ "member", required_argument, NULL, 'm' },
		{ "election", required_argument, NULL, 'e' },
		{ "time-zone", required_argument, NULL, 'z' },
		{ "server-name", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	char *members[MAX_MEMBERS], *eq, *cause = NULL;
	const char *names[MAX_NAMES + 5], *region = NULL, *tz = NULL;
	char election[DATE_STRLEN] = "", host[256];
	size_t nmembers = 0, nnames = 0, i, j;
	struct store *st;
	struct date d;
	char msg[160];
	int ch, rv = 1;

	optind = 0;	/* GNU: start afresh at argv[1] */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			region = optarg;
			break;
		case 'm':
			if (nmembers == MAX_MEMBERS)
				return cmd_usage("init", "too many members");
			eq = strchr(optarg, '=');
			if (eq == NULL || eq[1] == '\0') {
				snprintf(msg, sizeof(msg), "--member '%s' is "
				    "not ID=NAME", optarg);
				return cmd_usage("init", msg);
			}
			*eq = '\0';
			if (!tls_valid_id(optarg) ||
			    strcmp(optarg, TLS_REGION_ORG) == 0) {
				snprintf(msg, sizeof(msg), "--member id '%s' "
				    "must be 1-32 of a-z, 0-9, '-', starting "
				    "with a letter, and not 'region'", optarg);
				return cmd_usage("init", msg);
			}
			*eq = '=';
			members[nmembers++] = optarg;
			break;
		case 'e':
			if (date_parse(optarg, &d) == -1)
				return cmd_usage("init", "--election must be "
				    "a date, YYYY-MM-DD");
			snprintf(election, sizeof(election), "%s", optarg);
			break;
		case 'z':
			tz = optarg;
			break;
		case 's':
			if (nnames == MAX_NAMES)
				return cmd_usage("init", "too many names");
			names[nnames++] = optarg;
			break;
		default:
			return cmd_usage("init", NULL);
		}
	}
	if (optind != argc)
		return cmd_usage("init", "unexpected arguments");
	if (region == NULL || *region == '\0')
		return cmd_usage("init", "--region NAME is required");
	if (nmembers == 0)
		return cmd_usage("init", "at least one --member ID=NAME is "
		    "required");
	for (i = 0; i < nmembers; i++) {
		for (j = 0; j < i; j++) {
			size_t li = strcspn(members[i], "=");

			if (li == strcspn(members[j], "=") &&
			    strncmp(members[i], members[j], li) == 0) {
				snprintf(msg, sizeof(msg), "member '%.*s' is "
				    "given twice", (int)li, members[i]);
				return cmd_usage("init", msg);
			}
		}
	}
	if (*election == '\0')
		next_election(election);
	if (nnames == 0)
		nnames = default_names(cfg, names, host, sizeof(host));

	if (wire_mkdir_p(cfg->state_dir, &cause) == -1) {
		fprintf(stderr, "samend init: %s\n", cause);
		free(cause);
		return 1;
	}
	if ((st = open_store(cfg, 1)) == NULL)
		return 1;
	if (store_get(st, SAMEN__V1__KIND__REGION, "region", &cause) != NULL
	    || access(cfg->ca, F_OK) == 0) {
		fprintf(stderr, "samend init: a region exists already in %s; "
		    "nothing was changed\n", cfg->state_dir);
		goto out;
	}
	if (cause != NULL)
		goto fail;
	if (pki_init(cfg, names, nnames, &cause) == -1 ||
	    region_init(st, region, election, tz, members, nmembers,
	    &cause) == -1 || pki_write_crl(st, cfg, &cause) == -1)
		goto fail;
	printf("created region %s in %s\n", region, cfg->state_dir);
	printf("  election %s; %zu member%s:", election, nmembers,
	    nmembers == 1 ? "" : "s");
	for (i = 0; i < nmembers; i++)
		printf(" %.*s", (int)strcspn(members[i], "="), members[i]);
	printf("\n  CA %s\n  server certificate %s for", cfg->ca, cfg->cert);
	for (i = 0; i < nnames; i++)
		printf(" %s", names[i]);
	printf("\nnext: samend pki issue --name NAME --municipality ID "
	    "--role member --out NAME.pem\n");
	rv = 0;
	goto out;
fail:
	fprintf(stderr, "samend init: %s\n", cause);
	free(cause);
out:
	store_close(st);
	return rv;
}

/* samend check-config: parse and report; -v prints every key in force. */
static int
cmd_check_config(struct config *cfg, int argc, char **argv)
{
	struct tls_files f;
	struct ssl_ctx_st *ctx;
	char *cause = NULL;
	int verbose = 0;

	if (argc == 2 && strcmp(argv[1], "-v") == 0)
		verbose = 1;
	else if (argc != 1)
		return cmd_usage("check-config", "unexpected arguments");
	if (verbose)
		config_print(stdout, cfg);
	f.ca = cfg->ca;
	f.cert = cfg->cert;
	f.key = cfg->key;
	f.crl = cfg->crl;
	if ((ctx = tls_server_ctx(&f, cfg->tls_min, (long)cfg->session_cache,
	    &cause)) == NULL) {
		fprintf(stderr, "samend: %s: configuration is valid, but TLS "
		    "cannot start: %s\n", cfg->path, cause);
		free(cause);
		return EX_CONFIG_;
	}
	tls_ctx_free(ctx);
	printf("%s: configuration OK\n", cfg->path);
	return 0;
}

/* samend pki issue. */
static int
pki_cmd_issue(struct config *cfg, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "municipality", required_argument, NULL, 'm' },
		{ "role", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "days", required_argument, NULL, 'd' },
		{ "valid-from", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	const char *name = NULL, *muni = NULL, *role = NULL, *out = NULL;
	struct tls_principal p;
	struct store *st;
	Samen__V1__Entity *m;
	struct date d;
	time_t from = time(NULL);
	long days = PKI_DEFAULT_DAYS;
	char *ep, *cause = NULL;
	int ch, rv = 1;

	optind = 0;	/* GNU: start afresh at argv[1] */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			name = optarg;
			break;
		case 'm':
			muni = optarg;
			break;
		case 'r':
			role = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'd':
			days = strtol(optarg, &ep, 10);
			if (*optarg == '\0' || *ep != '\0' || days < 1 ||
			    days > 3650)
				return cmd_usage("pki", "--days must be from "
				    "1 to 3650");
			break;
		case 'f':
			if (date_parse(optarg, &d) == -1)
				return cmd_usage("pki", "--valid-from must be "
				    "a date, YYYY-MM-DD");
			from = (time_t)date_to_days(&d) * 86400;
			break;
		default:
			return cmd_usage("pki", NULL);
		}
	}
	if (optind != argc)
		return cmd_usage("pki", "unexpected arguments");
	if (name == NULL || muni == NULL || role == NULL || out == NULL)
		return cmd_usage("pki", "issue needs --name, --municipality, "
		    "--role and --out");
	if (tls_principal_parse(name, muni, role, &p, &cause) == -1) {
		fprintf(stderr, "samend pki issue: %s\n", cause);
		free(cause);
		return EX_DATAERR_;
	}
	if ((st = open_store(cfg, 0)) == NULL)
		return 1;
	if (strcmp(muni, TLS_REGION_ORG) != 0) {
		m = store_get(st, SAMEN__V1__KIND__MUNICIPALITY, muni, &cause);
		if (m == NULL) {
			if (cause == NULL)
				fprintf(stderr, "samend pki issue: '%s' is not "
				    "a municipality of this region\n", muni);
			else
				fprintf(stderr, "samend pki issue: %s\n",
				    cause);
			free(cause);
			store_close(st);
			return EX_DATAERR_;
		}
		samen__v1__entity__free_unpacked(m, NULL);
	}
	if (pki_issue(st, cfg, name, muni, role, (int)days, from, out,
	    &cause) == -1) {
		fprintf(stderr, "samend pki issue: %s\n", cause);
		free(cause);
	} else {
		printf("issued %s (%s, %s) for %ld days: %s\n", name, muni,
		    role, days, out);
		rv = 0;
	}
	store_close(st);
	return rv;
}

/* samend pki revoke. */
static int
pki_cmd_revoke(struct config *cfg, int argc, char **argv)
{
	struct store *st;
	char *cause = NULL;

	if (argc != 3 || strcmp(argv[1], "--name") != 0)
		return cmd_usage("pki", "revoke needs --name CN");
	if ((st = open_store(cfg, 0)) == NULL)
		return 1;
	if (pki_revoke(st, cfg, argv[2], &cause) == -1) {
		fprintf(stderr, "samend pki revoke: %s\n", cause);
		free(cause);
		store_close(st);
		return EX_DATAERR_;
	}
	store_close(st);
	printf("revoked %s; the CRL %s is rewritten. A running samend uses "
	    "it after a reload (systemctl reload samend, or SIGHUP).\n",
	    argv[2], cfg->crl);
	return 0;
}

/* Formats a UTC instant as a date. */
static void
fmt_day(int64_t t, char *buf)
{
	struct date d;

	date_from_days(t >= 0 ? t / 86400 : (t - 86399) / 86400, &d);
	date_format(&d, buf);
}

/* samend pki list. */
static int
pki_cmd_list(struct config *cfg, int argc, char **argv)
{
	struct store *st;
	struct cert_record *v;
	size_t n, i;
	char *cause = NULL, nb[DATE_STRLEN], na[DATE_STRLEN], rv[DATE_STRLEN];
	const char *state;
	time_t now = time(NULL);

	(void)argv;
	if (argc != 1)
		return cmd_usage("pki", "list takes no arguments");
	if ((st = open_store(cfg, 0)) == NULL)
		return 1;
	if (store_cert_list(st, &v, &n, &cause) == -1) {
		fprintf(stderr, "samend pki list: %s\n", cause);
		free(cause);
		store_close(st);
		return 1;
	}
	printf("%-32s  %-20s  %-14s  %-8s  %-10s  %-10s  %s\n", "SERIAL", "NAME",
	    "MUNICIPALITY", "ROLE", "FROM", "UNTIL", "STATE");
	for (i = 0; i < n; i++) {
		fmt_day(v[i].not_before, nb);
		fmt_day(v[i].not_after, na);
		if (v[i].revoked_at != 0) {
			fmt_day(v[i].revoked_at, rv);
			state = "revoked";
		} else if (v[i].not_after < now) {
			state = "expired";
			rv[0] = '\0';
		} else if (v[i].not_before > now) {
			state = "not yet valid";
			rv[0] = '\0';
		} else {
			state = "valid";
			rv[0] = '\0';
		}
		printf("%-32s  %-20s  %-14s  %-8s  %-10s  %-10s  %s%s%s\n",
		    v[i].serial, v[i].name, v[i].municipality, v[i].role, nb,
		    na, state, *rv ? " " : "", rv);
	}
	store_cert_free(v, n);
	store_close(st);
	return 0;
}

/* samend pki server-cert: reissue the server certificate. */
static int
pki_cmd_server_cert(struct config *cfg, int argc, char **argv)
{
	const char *names[MAX_NAMES + 5];
	size_t nnames = 0;
	char host[256], *cause = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--server-name") != 0 || i + 1 == argc ||
		    nnames == MAX_NAMES)
			return cmd_usage("pki", "server-cert takes "
			    "--server-name NAME options");
		names[nnames++] = argv[++i];
	}
	if (nnames == 0)
		nnames = default_names(cfg, names, host, sizeof(host));
	if (pki_server_cert(cfg, names, nnames, &cause) == -1) {
		fprintf(stderr, "samend pki server-cert: %s\n", cause);
		free(cause);
		return 1;
	}
	printf("issued a new server certificate %s; a running samend uses it "
	    "after a reload (systemctl reload samend, or SIGHUP).\n",
	    cfg->cert);
	return 0;
}

/* samend pki SUBCOMMAND. */
static int
cmd_pki(struct config *cfg, int argc, char **argv)
{
	if (argc < 2)
		return cmd_usage("pki", "which: issue, revoke, list or "
		    "server-cert?");
	if (strcmp(argv[1], "issue") == 0)
		return pki_cmd_issue(cfg, argc - 1, argv + 1);
	if (strcmp(argv[1], "revoke") == 0)
		return pki_cmd_revoke(cfg, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return pki_cmd_list(cfg, argc - 1, argv + 1);
	if (strcmp(argv[1], "server-cert") == 0)
		return pki_cmd_server_cert(cfg, argc - 1, argv + 1);
	return cmd_usage("pki", "unknown pki command; use issue, revoke, "
	    "list or server-cert");
}

int
main(int argc, char **argv)
{
	const char *path = SAMEND_DEFAULT_CONFIG;
	struct config *cfg;
	char *cause = NULL;
	int ch, debug = 0, rv;
	size_t i;

	recycle_init();
	log_init("samend", LOG_LEVEL_INFO);
	fault_init();
	while ((ch = getopt(argc, argv, "+c:dhV")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'd':
			debug = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
#ifdef SAMEN_FAULTS
			printf("samend %s (test build: fault injection)\n",
			    SAMEN_VERSION);
#else
			printf("samend %s\n", SAMEN_VERSION);
#endif
			return 0;
		default:
			usage(stderr);
			return EX_USAGE_;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0 && strcmp(argv[0], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (i = 0; argc > 0 && i < NCMDS; i++) {
		if (strcmp(argv[0], samend_cmds[i].name) == 0)
			break;
	}
	if (argc > 0 && strcmp(argv[0], "run") != 0 && i == NCMDS) {
		fprintf(stderr, "samend: unknown command '%s'; commands: run, "
		    "init, check-config, pki, backup, restore\n", argv[0]);
		return EX_USAGE_;
	}
	if (argc > 0 && i < NCMDS && wants_help(argc, argv)) {
		printf("usage: samend [-c FILE] %s\n", samend_cmds[i].usage);
		return 0;
	}

	cfg = xcalloc(1, sizeof(*cfg));
	if (config_load(path, cfg, &cause) == -1) {
		fprintf(stderr, "samend: %s\n", cause);
		free(cause);
		free(cfg);
		return EX_CONFIG_;
	}
	log_init("samend", debug ? LOG_LEVEL_DEBUG : cfg->log_level);
	if (argc == 0 || strcmp(argv[0], "run") == 0)
		return cmd_run(cfg, debug);
	rv = samend_cmds[i].fn(cfg, argc, argv);
	config_free(cfg);
	free(cfg);
	return rv;
}
