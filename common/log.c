/* Logging, OpenBSD style: errno preserved, one line per event, to stderr. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"

static const char *log_progname = "samen";
static enum log_level log_level = LOG_LEVEL_INFO;

static const char *const log_names[] = { "warn", "info", "debug" };

/* Sets the program name and level used for every following line. */
void
log_init(const char *progname, enum log_level level)
{
	log_progname = progname;
	log_level = level;
}

/* Changes the level (on reload). */
void
log_setlevel(enum log_level level)
{
	log_level = level;
}

/* Parses "warn", "info" or "debug"; -1: not a level. */
int
log_parselevel(const char *word, enum log_level *out)
{
	size_t i;

	for (i = 0; i < sizeof(log_names) / sizeof(log_names[0]); i++) {
		if (strcasecmp(word, log_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -1;
}

/* The name of a level. */
const char *
log_levelname(enum log_level level)
{
	return log_names[level];
}

/* Writes one line: "prog: tag: message[: error]". */
static void
log_vline(const char *tag, const char *errstr, const char *fmt, va_list ap)
{
	char buf[2048];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (errstr != NULL)
		fprintf(stderr, "%s: %s: %s: %s\n", log_progname, tag, buf,
		    errstr);
	else
		fprintf(stderr, "%s: %s: %s\n", log_progname, tag, buf);
	fflush(stderr);
}

/* A warning with strerror(errno) appended. */
void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_vline("warning", strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}

/* A warning. */
void
log_warnx(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_vline("warning", NULL, fmt, ap);
	va_end(ap);
	errno = saved;
}

/* An informational line, shown at level info and above. */
void
log_info(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	if (log_level < LOG_LEVEL_INFO)
		return;
	va_start(ap, fmt);
	log_vline("info", NULL, fmt, ap);
	va_end(ap);
	errno = saved;
}

/* A debugging line, shown with -d or log_level = debug. */
void
log_debug(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	if (log_level < LOG_LEVEL_DEBUG)
		return;
	va_start(ap, fmt);
	log_vline("debug", NULL, fmt, ap);
	va_end(ap);
	errno = saved;
}

/* Our own invariant broke or start-up failed, with strerror(errno). */
void
fatal(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_vline("fatal", strerror(saved), fmt, ap);
	va_end(ap);
	exit(1);
}

/* Our own invariant broke or start-up failed. */
void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline("fatal", NULL, fmt, ap);
	va_end(ap);
	exit(1);
}
