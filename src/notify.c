/* One datagram per state change to the socket systemd names in
 * $NOTIFY_SOCKET (a path, or "@name" in the abstract namespace).  The
 * worker sends READY=1 from inside its chroot, where the path is out of
 * reach: so the socket is connected at start and kept. */
#include "autoconf.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"

int notify_open(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t len;
	int fd;

	if (!path || !*path)
		return -1;
	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof(sun.sun_path)) {
		log_warnx("NOTIFY_SOCKET=%s: not a usable socket name", path);
		return -1;
	}
	memcpy(sun.sun_path, path, len);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun,
			      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0) {
		log_warn("NOTIFY_SOCKET=%s", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

void notify_send(int fd, const char *msg)
{
	if (fd >= 0 && send(fd, msg, strlen(msg), MSG_NOSIGNAL) < 0)
		log_warn("telling systemd %s", msg);
}
