/*
 * The configuration file, read with libinih.  Every key is one row of
 * config_keys: parsing, check-config's listing and the defaults all come
 * from that table.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "samend.h"
#include "xmalloc.h"

enum config_type {
	CONFIG_STRING,		/* any text */
	CONFIG_PATH,		/* a file name; relative to state_dir */
	CONFIG_LISTEN,		/* HOST:PORT */
	CONFIG_INT,		/* a whole number within [min, max] */
	CONFIG_LEVEL,		/* warn, info, debug */
	CONFIG_TLSVER,		/* 1.2 or 1.3 */
};

struct config_key {
	const char	*section;
	const char	*name;
	enum config_type type;
	size_t		 offset;
	const char	*def;		/* default, as written in the file */
	long long	 min, max;	/* CONFIG_INT only */
	int		 reloadable;	/* SIGHUP applies it */
	const char	*help;
};

#define OFF(f)	offsetof(struct config, f)

static const struct config_key config_keys[] = {
	{ "server", "listen", CONFIG_LISTEN, OFF(listen),
	  "127.0.0.1:7450", 0, 0, 0,
	  "address and port to listen on: HOST:PORT, [IPv6]:PORT" },
	{ "server", "state_dir", CONFIG_STRING, OFF(state_dir),
	  "/var/lib/samen", 0, 0, 0,
	  "directory of the database and the pki/ folder" },
	{ "server", "log_level", CONFIG_LEVEL, OFF(log_level),
	  "info", 0, 0, 1,
	  "warn, info or debug" },
	{ "tls", "ca", CONFIG_PATH, OFF(ca),
	  "pki/ca.pem", 0, 0, 1,
	  "region CA certificate that client certificates must chain to" },
	{ "tls", "cert", CONFIG_PATH, OFF(cert),
	  "pki/server.pem", 0, 0, 1,
	  "server certificate" },
	{ "tls", "key", CONFIG_PATH, OFF(key),
	  "pki/server-key.pem", 0, 0, 1,
	  "server private key (mode 0600)" },
	{ "tls", "crl", CONFIG_PATH, OFF(crl),
	  "pki/crl.pem", 0, 0, 1,
	  "certificate revocation list; empty: none" },
	{ "tls", "min_version", CONFIG_TLSVER, OFF(tls_min),
	  "1.3", 0, 0, 1,
	  "oldest TLS version accepted: 1.3 or 1.2" },
	{ "tls", "session_cache", CONFIG_INT, OFF(session_cache),
	  "1000", 0, 1000000, 1,
	  "TLS sessions kept for clients to resume without a full "
	  "handshake; 0: none" },
	{ "limits", "max_frame", CONFIG_INT, OFF(max_frame),
	  "1048576", 64, 64 * 1024 * 1024, 1,
	  "largest frame a client may send, bytes" },
	{ "limits", "max_connections", CONFIG_INT, OFF(max_connections),
	  "256", 1, 100000, 1,
	  "connections served at once; more are refused" },
	{ "limits", "handshake_timeout", CONFIG_INT, OFF(handshake_timeout),
	  "10", 1, 3600, 1,
	  "seconds a client has to complete the TLS handshake" },
	{ "limits", "idle_timeout", CONFIG_INT, OFF(idle_timeout),
	  "300", 0, 86400 * 7, 1,
	  "seconds without a request before a connection is closed; 0: never" },
	{ "limits", "frame_timeout", CONFIG_INT, OFF(frame_timeout),
	  "30", 1, 3600, 1,
	  "seconds a client has to finish a message it has begun to send" },
	{ "limits", "max_connections_per_cert", CONFIG_INT,
	  OFF(max_connections_per_cert), "32", 1, 100000, 1,
	  "connections one certificate may hold at once" },
	{ "limits", "request_rate", CONFIG_INT, OFF(request_rate),
	  "1000", 0, 10000000, 1,
	  "requests per second one connection may make on average; "
	  "0: no limit" },
	{ "limits", "request_burst", CONFIG_INT, OFF(request_burst),
	  "2000", 1, 10000000, 1,
	  "requests one connection may make at once above request_rate" },
	{ "limits", "watch_buffer", CONFIG_INT, OFF(watch_buffer),
	  "1048576", 4096, 1024 * 1024 * 1024, 1,
	  "bytes queued to a client before it is read no further; a "
	  "watcher is cut off as too slow" },
	{ "limits", "sync_page", CONFIG_INT, OFF(sync_page),
	  "1000", 1, 100000, 1,
	  "changes in one sync answer; more follow in the next page" },
	{ "limits", "max_title", CONFIG_INT, OFF(max_title),
	  "200", 16, 10000, 1,
	  "bytes in a title or name" },
	{ "limits", "max_text", CONFIG_INT, OFF(max_text),
	  "10000", 64, 1000000, 1,
	  "bytes in a description or note" },
	{ "store", "tombstone_retention", CONFIG_INT,
	  OFF(tombstone_retention), "7776000", 0, 100LL * 365 * 86400, 1,
	  "seconds a deletion is remembered for syncing clients (90 days); "
	  "a client offline longer syncs again from the start" },
};

#define NKEYS	(sizeof(config_keys) / sizeof(config_keys[0]))

struct config_parse {
	struct config	*cfg;
	char		*cause;
	int		 seen[NKEYS];
};

/*
 * Splits HOST:PORT or [V6]:PORT.  0: *host and *port allocated; -1:
 * *cause says what is wrong.
 */
int
config_split_hostport(const char *s, char **host, char **port, char **cause)
{
	const char *colon, *end;
	char *ep;
	long n;

	if (s[0] == '[') {
		if ((end = strchr(s, ']')) == NULL || end[1] != ':') {
			xasprintf(cause, "'%s' is not [IPv6]:PORT", s);
			return -1;
		}
		*host = xstrndup(s + 1, (size_t)(end - s - 1));
		colon = end + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL || colon == s ||
		    memchr(s, ':', (size_t)(colon - s)) != NULL) {
			xasprintf(cause, "'%s' is not HOST:PORT", s);
			return -1;
		}
		*host = xstrndup(s, (size_t)(colon - s));
	}
	errno = 0;
	n = strtol(colon + 1, &ep, 10);
	if (colon[1] == '\0' || *ep != '\0' || errno != 0 || n < 0 ||
	    n > 65535) {
		xasprintf(cause, "port in '%s' is not a number from 0 to "
		    "65535", s);
		free(*host);
		*host = NULL;
		return -1;
	}
	*port = xstrdup(colon + 1);
	return 0;
}

/* Stores one value into cfg; -1: *cause names what is wrong. */
static int
config_set(struct config *cfg, const struct config_key *k, const char *v,
    char **cause)
{
	char **sp = (char **)((char *)cfg + k->offset);
	long long *ip = (long long *)((char *)cfg + k->offset);
	char *ep, *h = NULL, *p = NULL;
	long long n;

	switch (k->type) {
	case CONFIG_STRING:
	case CONFIG_PATH:
		free(*sp);
		*sp = xstrdup(v);
		return 0;
	case CONFIG_LISTEN:
		if (config_split_hostport(v, &h, &p, cause) == -1)
			return -1;
		free(*sp);
		*sp = xstrdup(v);
		free(cfg->listen_host);
		free(cfg->listen_port);
		cfg->listen_host = h;
		cfg->listen_port = p;
		return 0;
	case CONFIG_INT:
		errno = 0;
		n = strtoll(v, &ep, 10);
		if (*v == '\0' || *ep != '\0' || errno != 0) {
			xasprintf(cause, "%s must be a whole number", k->name);
			return -1;
		}
		if (n < k->min || n > k->max) {
			xasprintf(cause, "%s must be from %lld to %lld",
			    k->name, k->min, k->max);
			return -1;
		}
		*ip = n;
		return 0;
	case CONFIG_LEVEL:
		if (log_parselevel(v, &cfg->log_level) == -1) {
			xasprintf(cause, "%s must be warn, info or debug",
			    k->name);
			return -1;
		}
		return 0;
	case CONFIG_TLSVER:
		if (strcmp(v, "1.3") == 0)
			cfg->tls_min = TLS_MIN_13;
		else if (strcmp(v, "1.2") == 0)
			cfg->tls_min = TLS_MIN_12;
		else {
			xasprintf(cause, "%s must be 1.3 or 1.2", k->name);
			return -1;
		}
		return 0;
	}
	return -1;
}

/* inih's callback: 1 to go on, 0 to stop at this line. */
static int
config_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct config_parse *cp = arg;
	size_t i;
	char *why = NULL;

	if (cp->cause != NULL)
		return 0;	/* libinih reads on; the first error counts */
	if (name == NULL)
		return 1;	/* a section header alone */
	for (i = 0; i < NKEYS; i++) {
		if (strcmp(config_keys[i].section, section) == 0 &&
		    strcmp(config_keys[i].name, name) == 0)
			break;
	}
	if (i == NKEYS) {
		xasprintf(&cp->cause, "unknown key '%s' in section [%s]",
		    name, section);
		return 0;
	}
	if (cp->seen[i]) {
		xasprintf(&cp->cause, "'%s' is set twice in [%s]", name,
		    section);
		return 0;
	}
	cp->seen[i] = 1;
	if (config_set(cp->cfg, &config_keys[i], value, &why) == -1) {
		xasprintf(&cp->cause, "[%s] %s", section, why);
		free(why);
		return 0;
	}
	return 1;
}

/* Makes a relative path absolute under state_dir. */
static void
config_resolve(struct config *cfg, char **pathp)
{
	char *p;

	if (*pathp == NULL || **pathp == '\0' || **pathp == '/')
		return;
	xasprintf(&p, "%s/%s", cfg->state_dir, *pathp);
	free(*pathp);
	*pathp = p;
}

/*
 * Reads the file at path into cfg (which it zeroes first), with the
 * table's defaults for keys not given.  -1: *cause names the line and
 * what is wrong with it; cfg holds nothing to free.
 */
int
config_load(const char *path, struct config *cfg, char **cause)
{
	struct config_parse cp;
	size_t i;
	int line;
	char *why = NULL;

	memset(cfg, 0, sizeof(*cfg));
	memset(&cp, 0, sizeof(cp));
	cp.cfg = cfg;
	for (i = 0; i < NKEYS; i++) {
		if (config_set(cfg, &config_keys[i], config_keys[i].def,
		    &why) == -1)
			fatalx("config default for %s: %s",
			    config_keys[i].name, why);
	}
	line = ini_parse(path, config_handler, &cp);
	if (line == -1) {
		xasprintf(cause, "%s: cannot open: %s", path, strerror(errno));
		config_free(cfg);
		return -1;
	}
	if (line != 0) {
		if (cp.cause != NULL)
			xasprintf(cause, "%s:%d: %s", path, line, cp.cause);
		else
			xasprintf(cause, "%s:%d: not 'key = value' or "
			    "'[section]'", path, line);
		free(cp.cause);
		config_free(cfg);
		return -1;
	}
	if (cfg->state_dir[0] != '/') {
		xasprintf(cause, "%s: state_dir must be an absolute path",
		    path);
		config_free(cfg);
		return -1;
	}
	config_resolve(cfg, &cfg->ca);
	config_resolve(cfg, &cfg->cert);
	config_resolve(cfg, &cfg->key);
	config_resolve(cfg, &cfg->crl);
	cfg->path = xstrdup(path);
	return 0;
}

/* Frees what config_load allocated. */
void
config_free(struct config *cfg)
{
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		if (config_keys[i].type == CONFIG_STRING ||
		    config_keys[i].type == CONFIG_PATH ||
		    config_keys[i].type == CONFIG_LISTEN) {
			char **sp = (char **)((char *)cfg +
			    config_keys[i].offset);
			free(*sp);
			*sp = NULL;
		}
	}
	free(cfg->listen_host);
	free(cfg->listen_port);
	free(cfg->path);
	memset(cfg, 0, sizeof(*cfg));
}

/* Prints every key with its value in force, as check-config -v shows. */
void
config_print(FILE *fp, const struct config *cfg)
{
	const char *section = "";
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		const struct config_key *k = &config_keys[i];
		const char *const *sp = (const char *const *)
		    ((const char *)cfg + k->offset);
		const long long *ip = (const long long *)
		    ((const char *)cfg + k->offset);

		if (strcmp(section, k->section) != 0) {
			fprintf(fp, "%s[%s]\n", i ? "\n" : "", k->section);
			section = k->section;
		}
		fprintf(fp, "# %s%s\n", k->help,
		    k->reloadable ? " (reloaded on SIGHUP)" : "");
		switch (k->type) {
		case CONFIG_STRING:
		case CONFIG_PATH:
		case CONFIG_LISTEN:
			fprintf(fp, "%s = %s\n", k->name, *sp);
			break;
		case CONFIG_INT:
			fprintf(fp, "%s = %lld\n", k->name, *ip);
			break;
		case CONFIG_LEVEL:
			fprintf(fp, "%s = %s\n", k->name,
			    log_levelname(cfg->log_level));
			break;
		case CONFIG_TLSVER:
			fprintf(fp, "%s = %s\n", k->name,
			    cfg->tls_min == TLS_MIN_12 ? "1.2" : "1.3");
			break;
		}
	}
}
