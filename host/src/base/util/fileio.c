#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strbuf.h"
#include "xalloc.h"

int rig_mkdirs(const char *path, struct rig_error *err)
{
	char tmp[PATH_MAX];

	if (rig_snprintf(tmp, sizeof(tmp), "%s", path))
		return rig_fail(err, RIG_ERR_INVALID, "path too long: %s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return rig_fail(err, RIG_ERR_IO, "mkdir %s: %s", tmp, strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return rig_fail(err, RIG_ERR_IO, "mkdir %s: %s", tmp, strerror(errno));
	return 0;
}

int rig_read_fd(int fd, const char *path, size_t max, char **out, size_t *len,
		struct rig_error *err)
{
	struct rig_buf b = {0};
	char tmp[65536];
	ssize_t n = 0;

	while ((max == 0 || b.len <= max) && (n = read(fd, tmp, sizeof(tmp))) > 0)
		rig_buf_append(&b, tmp, (size_t)n);
	if (n < 0) {
		int e = errno;
		close(fd);
		rig_buf_free(&b);
		return rig_fail(err, RIG_ERR_IO, "%s: read: %s", path, strerror(e));
	}
	close(fd);
	if (!b.data)
		rig_buf_append(&b, "", 0);
	*out = b.data;
	if (len)
		*len = b.len;
	return 0;
}

int rig_read_file(const char *path, char **out, size_t *len, struct rig_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return rig_fail(err, errno == ENOENT ? RIG_ERR_NOT_FOUND : RIG_ERR_IO, "%s: %s",
				path, strerror(errno));
	return rig_read_fd(fd, path, 0, out, len, err);
}

int rig_write_file(const char *path, const void *data, size_t len, struct rig_error *err)
{
	char tmp[PATH_MAX];
	int fd;

	if (rig_snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()))
		return rig_fail(err, RIG_ERR_INVALID, "path too long: %s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return rig_fail(err, RIG_ERR_IO, "%s: %s", tmp, strerror(errno));
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, (const char *)data + off, len - off);
		if (n < 0) {
			int e = errno;
			close(fd);
			unlink(tmp);
			return rig_fail(err, RIG_ERR_IO, "%s: write: %s", tmp, strerror(e));
		}
		off += (size_t)n;
	}
	if (close(fd) || rename(tmp, path)) {
		int e = errno;
		unlink(tmp);
		return rig_fail(err, RIG_ERR_IO, "%s: %s", path, strerror(e));
	}
	return 0;
}

int rig_file_exists(const char *path) { return access(path, F_OK) == 0; }

void rig_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int rig_sha256_file(const char *path, char out[65], struct rig_error *err)
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	unsigned char tmp[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return rig_fail(err, errno == ENOENT ? RIG_ERR_NOT_FOUND : RIG_ERR_IO, "%s: %s",
				path, strerror(errno));
	crypto_hash_sha256_init(&st);
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		crypto_hash_sha256_update(&st, tmp, (unsigned long long)n);
	close(fd);
	if (n < 0)
		return rig_fail(err, RIG_ERR_IO, "%s: read: %s", path, strerror(errno));
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, 65, h, sizeof(h));
	return 0;
}
