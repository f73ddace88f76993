/* The client configuration: ~/.config/samen/client.conf or $SAMEN_CONFIG. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "samen.h"
#include "xmalloc.h"

struct conf_parse {
	struct client_conf	*conf;
	char			*cause;
};

/* The path used when neither --config nor $SAMEN_CONFIG says. */
char *
conf_default_path(void)
{
	const char *env, *home;
	char *p;

	if ((env = getenv("SAMEN_CONFIG")) != NULL && *env != '\0')
		return xstrdup(env);
	if ((env = getenv("XDG_CONFIG_HOME")) != NULL && *env == '/') {
		xasprintf(&p, "%s/samen/client.conf", env);
		return p;
	}
	if ((home = getenv("HOME")) == NULL || *home == '\0')
		home = ".";
	xasprintf(&p, "%s/.config/samen/client.conf", home);
	return p;
}

/* inih's callback: 1 to go on, 0 to stop at this line. */
static int
conf_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct conf_parse *cp = arg;
	char **slot = NULL;

	if (name == NULL)
		return 1;
	if (strcmp(section, "client") != 0) {
		xasprintf(&cp->cause, "unknown section [%s]; expected "
		    "[client]", section);
		return 0;
	}
	if (strcmp(name, "server") == 0)
		slot = &cp->conf->server;
	else if (strcmp(name, "ca") == 0)
		slot = &cp->conf->ca;
	else if (strcmp(name, "cert") == 0)
		slot = &cp->conf->cert;
	else if (strcmp(name, "key") == 0)
		slot = &cp->conf->key;
	if (slot == NULL) {
		xasprintf(&cp->cause, "unknown key '%s' (known: server, ca, "
		    "cert, key)", name);
		return 0;
	}
	free(*slot);
	*slot = xstrdup(value);
	return 1;
}

/* Makes a relative file name relative to the configuration's folder. */
static void
conf_resolve(const char *confpath, char **p)
{
	char *copy, *dir, *abs;

	if (*p == NULL || **p == '/')
		return;
	copy = xstrdup(confpath);
	dir = dirname(copy);
	xasprintf(&abs, "%s/%s", dir, *p);
	free(copy);
	free(*p);
	*p = abs;
}

/*
 * Reads the configuration into c->conf, once: a second call keeps what
 * the first one read.  -1: *cause says what is wrong (the caller exits
 * EXIT_CONFIG) and c->conf is left empty.
 */
int
conf_load(struct client *c, char **cause)
{
	struct conf_parse cp;
	char *path;
	int line;

	if (c->conf.path != NULL)
		return 0;
	path = c->config_path ? xstrdup(c->config_path) : conf_default_path();
	memset(&c->conf, 0, sizeof(c->conf));
	memset(&cp, 0, sizeof(cp));
	cp.conf = &c->conf;
	c->conf.path = path;
	line = ini_parse(path, conf_handler, &cp);
	if (line == -1) {
		if (errno == ENOENT)
			xasprintf(cause, "no configuration at %s; run 'samen "
			    "setup BUNDLE.pem --server HOST:PORT' first", path);
		else
			xasprintf(cause, "cannot read %s: %s", path,
			    strerror(errno));
		goto fail;
	}
	if (line != 0) {
		xasprintf(cause, "%s:%d: %s", path, line,
		    cp.cause ? cp.cause : "not 'key = value' or '[section]'");
		free(cp.cause);
		goto fail;
	}
	if (c->conf.ca == NULL || c->conf.cert == NULL || c->conf.key == NULL) {
		xasprintf(cause, "%s: ca, cert and key must all be set; run "
		    "'samen setup BUNDLE.pem --server HOST:PORT'", path);
		goto fail;
	}
	if (c->server != NULL) {
		free(c->conf.server);
		c->conf.server = xstrdup(c->server);
	}
	if (c->conf.server == NULL) {
		xasprintf(cause, "%s: no server is set; add 'server = "
		    "HOST:PORT' or use --server", path);
		goto fail;
	}
	conf_resolve(path, &c->conf.ca);
	conf_resolve(path, &c->conf.cert);
	conf_resolve(path, &c->conf.key);
	return 0;
fail:
	conf_free(&c->conf);
	return -1;
}

/* Writes a configuration file at path (mode 0600). */
int
conf_write(const char *path, const struct client_conf *conf, char **cause)
{
	char *tmp;
	FILE *fp;
	int fd;

	xasprintf(&tmp, "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1 || (fp = fdopen(fd, "w")) == NULL) {
		xasprintf(cause, "cannot write %s: %s", tmp, strerror(errno));
		if (fd != -1)
			close(fd);
		free(tmp);
		return -1;
	}
	fprintf(fp, "# samen client configuration, written by 'samen setup'.\n"
	    "[client]\n"
	    "# the samen server: HOST:PORT\n"
	    "server = %s\n"
	    "# the region's CA certificate, this town hall's certificate and "
	    "its key (0600)\n"
	    "ca = %s\ncert = %s\nkey = %s\n", conf->server, conf->ca,
	    conf->cert, conf->key);
	if (fflush(fp) != 0 || fsync(fd) == -1 || fclose(fp) != 0 ||
	    rename(tmp, path) == -1) {
		xasprintf(cause, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/* Frees the strings of a configuration. */
void
conf_free(struct client_conf *conf)
{
	free(conf->path);
	free(conf->server);
	free(conf->ca);
	free(conf->cert);
	free(conf->key);
	memset(conf, 0, sizeof(*conf));
}
