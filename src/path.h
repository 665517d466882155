/* File names from clients (TFTP and HTTP) resolved inside the boot root,
 * and nowhere else. */
#ifndef PXE_PATH_H
#define PXE_PATH_H

#include <stddef.h>
#include <sys/stat.h>

#define PATH_MAX_NAME 512

/* Turn a client's name into a path relative to the root: backslashes
 * become '/' (Windows-style clients), a leading '/' means the root, "."
 * and empty components are dropped.  Refuses (-EACCES) "..", control
 * characters and NUL; refuses (-EINVAL) an empty result, (-ENAMETOOLONG)
 * one that does not fit. */
int path_normalize(const char *in, size_t inlen, char *out, size_t cap);

/* Open a regular file beneath root_fd (openat2 RESOLVE_BENEATH: symlinks
 * and ".." that would leave the root fail).  Returns an fd, or -ENOENT,
 * -EACCES (outside the root, unreadable), -EISDIR (a directory), or
 * another -errno. */
int path_open(int root_fd, const char *rel, struct stat *st);

#endif
