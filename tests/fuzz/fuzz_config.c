/*
 * libFuzzer target: config_load (daemon/config.c, libinih under it) on
 * arbitrary file contents.  config_load reads a path, so each input is
 * written to one file in a directory made with mkdtemp under $TMPDIR
 * once per process, and removed at exit.
 *
 * Checks, beyond the sanitizers (LeakSanitizer included: a refused file
 * must leave nothing allocated): a refusal says why and leaves the
 * struct zeroed, as config_load's comment promises; an accepted file
 * gives an absolute state_dir, listen split into host and port, TLS
 * paths absolute (or empty), and check-config's listing prints.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "samend.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	 fuzz_dir[4096];
static char	 fuzz_path[4200];
static FILE	*fuzz_null;

/* The harness itself failed: no input is to blame. */
static void
fuzz_die(const char *what)
{
	fprintf(stderr, "fuzz_config: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* A broken promise of config_load: report and crash, so it is kept. */
static void
fuzz_fail(const char *what, const char *value)
{
	fprintf(stderr, "fuzz_config: %s%s%s\n", what, value ? ": " : "",
	    value ? value : "");
	abort();
}

/* At exit: the file and its directory go. */
static void
fuzz_cleanup(void)
{
	unlink(fuzz_path);
	rmdir(fuzz_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	log_init("fuzz_config", LOG_LEVEL_WARN);
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/samen-fuzz-XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(fuzz_dir) == NULL)
		fuzz_die("mkdtemp");
	snprintf(fuzz_path, sizeof(fuzz_path), "%s/samend.conf", fuzz_dir);
	atexit(fuzz_cleanup);
	if ((fuzz_null = fopen("/dev/null", "w")) == NULL)
		fuzz_die("/dev/null");
	return 0;
}

/* True when every byte of p is zero. */
static int
fuzz_zeroed(const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++) {
		if (c[i] != 0)
			return 0;
	}
	return 1;
}

/* A TLS file name after loading: absolute (under state_dir when the
 * file gave it relative), or empty. */
static void
fuzz_check_path(const char *what, const char *p)
{
	if (p == NULL)
		fuzz_fail("a TLS path is missing", what);
	if (*p != '\0' && *p != '/')
		fuzz_fail("a TLS path is not absolute", p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	char *cause = NULL;
	FILE *fp;

	if ((fp = fopen(fuzz_path, "w")) == NULL)
		fuzz_die(fuzz_path);
	if (size > 0 && fwrite(data, 1, size, fp) != size)
		fuzz_die(fuzz_path);
	if (fclose(fp) != 0)
		fuzz_die(fuzz_path);

	memset(&cfg, 0xa5, sizeof(cfg));
	if (config_load(fuzz_path, &cfg, &cause) == -1) {
		if (cause == NULL)
			fuzz_fail("a refusal without a reason", NULL);
		if (!fuzz_zeroed(&cfg, sizeof(cfg)))
			fuzz_fail("a refusal left something in the struct",
			    cause);
		free(cause);
		return 0;
	}
	if (cause != NULL)
		fuzz_fail("a reason given with success", cause);
	if (cfg.path == NULL || strcmp(cfg.path, fuzz_path) != 0)
		fuzz_fail("path is not the file read", cfg.path);
	if (cfg.state_dir == NULL || cfg.state_dir[0] != '/')
		fuzz_fail("state_dir is not absolute", cfg.state_dir);
	if (cfg.listen == NULL || cfg.listen_host == NULL ||
	    cfg.listen_port == NULL)
		fuzz_fail("listen is not split into host and port", cfg.listen);
	fuzz_check_path("ca", cfg.ca);
	fuzz_check_path("cert", cfg.cert);
	fuzz_check_path("key", cfg.key);
	fuzz_check_path("crl", cfg.crl);
	if (cfg.tls_min != TLS_MIN_12 && cfg.tls_min != TLS_MIN_13)
		fuzz_fail("min_version is neither 1.2 nor 1.3", NULL);
	config_print(fuzz_null, &cfg);
	config_free(&cfg);
	return 0;
}
