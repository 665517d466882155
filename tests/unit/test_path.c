/* Unit tests of root-only path resolution: names from clients, and
 * symlinks that try to leave the root. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "path.h"

static int norm(const char *in, char *out)
{
	return path_normalize(in, strlen(in), out, PATH_MAX_NAME);
}

static void names_normalize_or_are_refused(void)
{
	char out[PATH_MAX_NAME];

	CHECK(norm("pxelinux.0", out) == 0 && !strcmp(out, "pxelinux.0"));
	CHECK(norm("/pxelinux.0", out) == 0 && !strcmp(out, "pxelinux.0"));
	CHECK(norm("//a///b/", out) == 0 && !strcmp(out, "a/b"));
	CHECK(norm("\\boot\\x64\\wdsnbp.com", out) == 0 &&
	      !strcmp(out, "boot/x64/wdsnbp.com"));
	CHECK(norm("./a/./b", out) == 0 && !strcmp(out, "a/b"));
	CHECK(norm("a/.../b", out) == 0 && !strcmp(out, "a/.../b"));
	CHECK(norm("..", out) == -EACCES);
	CHECK(norm("../etc/passwd", out) == -EACCES);
	CHECK(norm("/../../etc/passwd", out) == -EACCES);
	CHECK(norm("a/../b", out) == -EACCES);
	CHECK(norm("a\\..\\..\\b", out) == -EACCES);
	CHECK(norm("a/..", out) == -EACCES);
	CHECK(norm("a\nb", out) == -EACCES);
	CHECK(norm("a\x7f", out) == -EACCES);
	CHECK(path_normalize("a\0b", 3, out, sizeof(out)) == -EACCES);
	CHECK(norm("", out) == -EINVAL);
	CHECK(norm("/", out) == -EINVAL);
	CHECK(norm("./", out) == -EINVAL);
	CHECK(path_normalize("abcdef", 6, out, 6) == -ENAMETOOLONG);
	CHECK(path_normalize("abcdef", 6, out, 7) == 0);
	CHECK(path_normalize("a/b", 3, out, 3) == -ENAMETOOLONG);
}

static void open_stays_beneath_the_root(void)
{
	char dir[] = "/tmp/pxepath.XXXXXX";
	char p[256];
	struct stat st;
	int root, fd;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(p, sizeof(p), "%s/root", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/root/sub", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/root/sub/f", dir);
	close(open(p, O_CREAT | O_WRONLY, 0644));
	snprintf(p, sizeof(p), "%s/secret", dir);
	close(open(p, O_CREAT | O_WRONLY, 0644));
	snprintf(p, sizeof(p), "%s/root/abs", dir);
	CHECK(symlink("/etc/passwd", p) == 0);
	snprintf(p, sizeof(p), "%s/root/rel", dir);
	CHECK(symlink("../secret", p) == 0);
	snprintf(p, sizeof(p), "%s/root/inside", dir);
	CHECK(symlink("sub/f", p) == 0);
	snprintf(p, sizeof(p), "%s/root/fifo", dir);
	CHECK(mkfifo(p, 0644) == 0);
	snprintf(p, sizeof(p), "%s/root", dir);
	root = open(p, O_RDONLY | O_DIRECTORY);
	CHECK(root >= 0);

	fd = path_open(root, "sub/f", &st);
	CHECK(fd >= 0);
	close(fd);
	fd = path_open(root, "inside", &st);
	CHECK(fd >= 0);
	close(fd);
	CHECK(path_open(root, "abs", &st) == -EACCES);
	CHECK(path_open(root, "rel", &st) == -EACCES);
	CHECK(path_open(root, "sub", &st) == -EISDIR);
	CHECK(path_open(root, "fifo", &st) == -EACCES);
	CHECK(path_open(root, "nope", &st) == -ENOENT);
	CHECK(path_open(root, "sub/f/x", &st) == -ENOENT);
	close(root);
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	CHECK(system(p) == 0);
}

int main(void)
{
	names_normalize_or_are_refused();
	open_stays_beneath_the_root();
	return check_done("path");
}
