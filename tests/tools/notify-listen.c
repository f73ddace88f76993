/*
 * notify-listen: stands in for systemd's notification socket in tests.
 *
 *	notify-listen PATH SECONDS
 *
 * Binds a datagram socket at PATH (with a leading '@', the abstract
 * name that follows, as systemd's $NOTIFY_SOCKET may give) and prints
 * every message it receives (sd_notify's NAME=VALUE lines), one line per
 * assignment, until it has seen STOPPING=1 or SECONDS have passed.
 * Exits 0 after STOPPING=1, 1 when the time ran out.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stddef.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_un sun;
	struct pollfd pfd;
	char buf[4096];
	ssize_t n;
	time_t end;
	socklen_t len;
	int fd, stopping = 0, abstract;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: notify-listen PATH SECONDS\n");
		return 64;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, argv[1]);
	abstract = argv[1][0] == '@';
	len = sizeof(sun);
	if (abstract) {
		sun.sun_path[0] = '\0';
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
		    strlen(argv[1]));
	} else
		unlink(argv[1]);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, len) == -1) {
		perror(argv[1]);
		return 1;
	}
	end = time(NULL) + atoi(argv[2]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!stopping && time(NULL) < end) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if ((n = recv(fd, buf, sizeof(buf) - 1, 0)) <= 0)
			continue;
		buf[n] = '\0';
		printf("%s%s", buf, buf[n - 1] == '\n' ? "" : "\n");
		stopping = strstr(buf, "STOPPING=1") != NULL;
	}
	close(fd);
	if (!abstract)
		unlink(argv[1]);
	return stopping ? 0 : 1;
}
