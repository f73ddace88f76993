/*
 * The service manager's notification protocol (sd_notify(3)): one
 * datagram of "KEY=value" lines to the AF_UNIX socket named in
 * $NOTIFY_SOCKET, a path or, with a leading '@', an abstract name.  The
 * protocol is documented as stable for exactly this use; writing these
 * few lines here spares samend libsystemd and the five libraries it
 * brings along (about 0.9 MiB of every samend's memory, and part of its
 * start-up).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "samend.h"

/* True when samend runs under a service manager that listens. */
int
notify_enabled(void)
{
	const char *path = getenv("NOTIFY_SOCKET");

	return path != NULL && (path[0] == '/' || path[0] == '@');
}

/*
 * Sends one notification; 0, or -1 (nothing is sent without
 * $NOTIFY_SOCKET, and a failure changes nothing for the caller but the
 * log).
 */
int
notify_send(const char *fmt, ...)
{
	struct sockaddr_un sun;
	const char *path = getenv("NOTIFY_SOCKET");
	char msg[1024];
	socklen_t len;
	size_t plen;
	va_list ap;
	int fd, n, rv = -1;

	if (!notify_enabled())
		return -1;
	plen = strlen(path);
	if (plen >= sizeof(sun.sun_path))
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, plen);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';	/* the abstract namespace */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen +
	    (path[0] == '@' ? 0 : 1));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (sendto(fd, msg, (size_t)n, MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len) == n)
		rv = 0;
	else
		log_debug("notify: %s", strerror(errno));
	close(fd);
	return rv;
}

/*
 * The watchdog interval the service manager asks for ($WATCHDOG_USEC,
 * for this process when $WATCHDOG_PID is set): 1 and *usec, or 0.
 */
int
notify_watchdog(uint64_t *usec)
{
	const char *s = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
	unsigned long long v;
	char *end;

	if (s == NULL || *s == '\0')
		return 0;
	if (pid != NULL && *pid != '\0') {
		errno = 0;
		v = strtoull(pid, &end, 10);
		if (errno != 0 || *end != '\0' || v != (unsigned long long)getpid())
			return 0;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0)
		return 0;
	*usec = v;
	return 1;
}
