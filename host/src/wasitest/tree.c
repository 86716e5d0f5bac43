/* Directory trees: see tree.h. */
#include "tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int copy_file(const char *src, const char *dst, mode_t mode, struct rig_error *err)
{
	char buf[65536];
	int in = open(src, O_RDONLY | O_CLOEXEC), out, e;
	ssize_t n;

	if (in < 0)
		return rig_fail(err, RIG_ERR_IO, "%s: %s", src, strerror(errno));
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode & 0777) | 0600);
	if (out < 0) {
		e = errno;
		close(in);
		return rig_fail(err, RIG_ERR_IO, "%s: %s", dst, strerror(e));
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	e = errno;
	close(in);
	if (close(out) || n < 0)
		return rig_fail(err, RIG_ERR_IO, "copying %s to %s: %s", src, dst, strerror(e));
	return 0;
}

int rig_tree_copy(const char *src, const char *dst, struct rig_error *err)
{
	struct stat st;
	struct rig_strv names = {0};
	int rc;

	if (lstat(src, &st))
		return rig_fail(err, RIG_ERR_IO, "%s: %s", src, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return rig_fail(err, RIG_ERR_IO, "%s: not a directory", src);
	if (mkdir(dst, (st.st_mode & 0777) | 0700))
		return rig_fail(err, RIG_ERR_IO, "%s: %s", dst, strerror(errno));
	if ((rc = rig_tree_list(src, &names, err)))
		return rc;
	for (size_t i = 0; i < names.n && !rc; i++) {
		char s[PATH_MAX], d[PATH_MAX];

		if (ends_with(names.v[i], ".cleanup"))
			continue;
		if (rig_snprintf(s, sizeof(s), "%s/%s", src, names.v[i]) ||
		    rig_snprintf(d, sizeof(d), "%s/%s", dst, names.v[i])) {
			rc = rig_fail(err, RIG_ERR_IO, "%s/%s: path too long", src, names.v[i]);
			break;
		}
		if (lstat(s, &st)) {
			rc = rig_fail(err, RIG_ERR_IO, "%s: %s", s, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			rc = rig_tree_copy(s, d, err);
		} else if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			ssize_t n = readlink(s, target, sizeof(target) - 1);
			if (n < 0)
				rc = rig_fail(err, RIG_ERR_IO, "%s: %s", s, strerror(errno));
			else {
				target[n] = '\0';
				if (symlink(target, d))
					rc =
					    rig_fail(err, RIG_ERR_IO, "%s: %s", d, strerror(errno));
			}
		} else if (S_ISREG(st.st_mode)) {
			rc = copy_file(s, d, st.st_mode, err);
		} /* sockets, fifos, devices: a fixture has none; not copied */
	}
	rig_strv_free(&names);
	return rc;
}

int rig_tree_remove(const char *path, struct rig_error *err)
{
	struct stat st;
	struct rig_strv names = {0};
	int rc = 0;

	if (lstat(path, &st))
		return errno == ENOENT ? 0
				       : rig_fail(err, RIG_ERR_IO, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) && errno != ENOENT)
			return rig_fail(err, RIG_ERR_IO, "cannot remove %s: %s", path,
					strerror(errno));
		return 0;
	}
	chmod(path, (st.st_mode & 07777) | 0700);
	if ((rc = rig_tree_list(path, &names, err)))
		return rc;
	for (size_t i = 0; i < names.n && !rc; i++) {
		char p[PATH_MAX];
		if (rig_snprintf(p, sizeof(p), "%s/%s", path, names.v[i]))
			rc = rig_fail(err, RIG_ERR_IO, "%s/%s: path too long", path, names.v[i]);
		else
			rc = rig_tree_remove(p, err);
	}
	rig_strv_free(&names);
	if (!rc && rmdir(path) && errno != ENOENT)
		rc = rig_fail(err, RIG_ERR_IO, "cannot remove %s: %s", path, strerror(errno));
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int rig_tree_list(const char *dir, struct rig_strv *out, struct rig_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t first = out->n;

	if (!d)
		return rig_fail(err, RIG_ERR_IO, "%s: %s", dir, strerror(errno));
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			rig_strv_push(out, e->d_name);
	closedir(d);
	if (out->n > first)
		qsort(out->v + first, out->n - first, sizeof(char *), cmp_str);
	return 0;
}
