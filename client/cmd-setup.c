/* samen setup: install a bundle from `samend pki issue`. */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "samen.h"
#include "xmalloc.h"

/*
 * samen setup BUNDLE.pem --server HOST:PORT: checks the bundle, copies
 * its key (0600), certificate and CA beside the configuration file and
 * writes the configuration.
 */
int
cmd_setup(struct client *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	const struct client_cmd *cmd = client_find_cmd("setup");
	struct client_conf conf;
	struct tls_principal p;
	const char *server = c->server, *bundle;
	char *path, *copy, *dir, *cause = NULL;
	int ch, rv = EXIT_OTHER;

	optind = 0;	/* GNU: start afresh at argv[1] */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			server = optarg;
			break;
		case 'c':
			c->config_path = optarg;
			break;
		default:
			return client_usage_error(cmd, "unknown option");
		}
	}
	if (optind + 1 != argc)
		return client_usage_error(cmd, "give one BUNDLE.pem");
	bundle = argv[optind];
	if (server == NULL)
		return client_usage_error(cmd, "--server HOST:PORT is required");
	if (strchr(server, ':') == NULL)
		return client_usage_error(cmd, "--server '%s' is not HOST:PORT",
		    server);

	path = c->config_path ? xstrdup(c->config_path) : conf_default_path();
	copy = xstrdup(path);
	dir = dirname(copy);
	if (wire_mkdir_p(dir, &cause) == -1) {
		rv = out_error(c, EXIT_CONFIG, "%s", cause);
		goto out;
	}
	if (tls_bundle_install(bundle, dir, &p, &cause) == -1) {
		rv = out_error(c, EXIT_DATAERR, "%s", cause);
		goto out;
	}
	memset(&conf, 0, sizeof(conf));
	conf.server = (char *)(uintptr_t)server;
	xasprintf(&conf.ca, "%s/ca.pem", dir);
	xasprintf(&conf.cert, "%s/cert.pem", dir);
	xasprintf(&conf.key, "%s/key.pem", dir);
	if (conf_write(path, &conf, &cause) == -1)
		rv = out_error(c, EXIT_CONFIG, "%s", cause);
	else {
		printf("set up %s: %s (%s of %s), server %s\n", path, p.name,
		    tls_role_name(p.role), p.municipality, server);
		printf("try: samen%s%s status\n", c->config_path ?
		    " --config " : "", c->config_path ? path : "");
		rv = EXIT_OK;
	}
	free(conf.ca);
	free(conf.cert);
	free(conf.key);
out:
	free(cause);
	free(copy);
	free(path);
	return rv;
}
