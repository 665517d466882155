/* Root-only path resolution shared by TFTP and HTTP.
 *
 * Two layers: path_normalize() rejects what is never valid in a name, and
 * path_open() lets the kernel enforce the root with openat2()'s
 * RESOLVE_BENEATH, so that symlinks pointing out of the root are refused
 * even when the daemon runs without chroot.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "path.h"

int path_normalize(const char *in, size_t inlen, char *out, size_t cap)
{
	size_t o = 0, i = 0;

	while (i < inlen) {
		size_t start, len;

		while (i < inlen && (in[i] == '/' || in[i] == '\\'))
			i++;
		start = i;
		while (i < inlen && in[i] != '/' && in[i] != '\\') {
			unsigned char ch = (unsigned char)in[i];

			if (ch < 0x20 || ch == 0x7f)
				return -EACCES;
			i++;
		}
		len = i - start;
		if (len == 0 || (len == 1 && in[start] == '.'))
			continue;
		if (len == 2 && in[start] == '.' && in[start + 1] == '.')
			return -EACCES;
		if (o + (o ? 1 : 0) + len + 1 > cap)
			return -ENAMETOOLONG;
		if (o)
			out[o++] = '/';
		memcpy(out + o, in + start, len);
		o += len;
	}
	if (o == 0)
		return -EINVAL;
	out[o] = '\0';
	return 0;
}

static int open_beneath(int root_fd, const char *rel)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, root_fd, rel, &how, sizeof(how));

	if (fd >= 0 || errno != ENOSYS)
		return fd < 0 ? -errno : (int)fd;
	/* Kernels before 5.6: no symlinks at all, the safe subset. */
	fd = openat(root_fd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY |
		    O_NONBLOCK | O_NOFOLLOW);
	return fd < 0 ? -errno : (int)fd;
}

int path_open(int root_fd, const char *rel, struct stat *st)
{
	int fd = open_beneath(root_fd, rel);

	if (fd == -EXDEV || fd == -ELOOP)
		return -EACCES;         /* would leave the root */
	if (fd == -ENOTDIR)
		return -ENOENT;
	if (fd < 0)
		return fd;
	if (fstat(fd, st) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (S_ISDIR(st->st_mode)) {
		close(fd);
		return -EISDIR;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return -EACCES;
	}
	/* O_NONBLOCK stays: it only guarded the open against FIFOs, and
	 * reads of a regular file ignore it (no fcntl per request). */
	return fd;
}
