/*
 * Files: creating directories, reading and atomically writing whole small
 * files, and their SHA-256 digests (libsodium). Every function that can fail
 * returns 0 or a negative rig_err code with the path and errno text in err.
 */
#ifndef RIG_FILEIO_H
#define RIG_FILEIO_H

#include <stddef.h>

#include "error.h"

/* mkdir -p path (mode 0755). Existing directories are fine.
 * RIG_ERR_INVALID when the path is longer than PATH_MAX, RIG_ERR_IO when a
 * mkdir fails. */
int rig_mkdirs(const char *path, struct rig_error *err);
/* Reads the whole file at path into *out (owned by the caller, always
 * NUL-terminated; the file may contain NULs) and its length into *len when
 * len is non-NULL. RIG_ERR_NOT_FOUND when it does not exist, RIG_ERR_IO
 * otherwise. Meant for small files: it is all in memory. */
int rig_read_file(const char *path, char **out, size_t *len, struct rig_error *err);
/* Reads fd (opened on path, which is only named in errors) to its end, or
 * until more than max bytes are read (max 0: no bound), into *out (owned
 * by the caller, always NUL-terminated) and its length into *len when len
 * is non-NULL. Closes fd in every case. RIG_ERR_IO when a read fails; a
 * file longer than max is not an error here: *len > max tells the caller. */
int rig_read_fd(int fd, const char *path, size_t max, char **out, size_t *len,
		struct rig_error *err);
/* Writes data to path atomically: into path.tmp.PID, then rename(2), so a
 * reader sees the old or the new file, never part of one. RIG_ERR_IO on
 * failure (the temporary file is removed). */
int rig_write_file(const char *path, const void *data, size_t len, struct rig_error *err);
/* 1 when path exists (any type), else 0. */
int rig_file_exists(const char *path);
/* SHA-256 of the file at path as 64 lowercase hex digits and a NUL in out.
 * RIG_ERR_NOT_FOUND or RIG_ERR_IO on failure. Reads in blocks. */
int rig_sha256_file(const char *path, char out[65], struct rig_error *err);
/* SHA-256 of len bytes of data as hex into out[65]. Cannot fail. */
void rig_sha256_hex(const void *data, size_t len, char out[65]);

#endif
