/* Small shared utilities: memory, strings, key/value lists, time, files,
 * running a command and capturing its output. */
#ifndef RIG_UTIL_H
#define RIG_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

#define RIG_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation that aborts on failure: used only for small bookkeeping. */
void *rig_xmalloc(size_t n);
void *rig_xcalloc(size_t n, size_t size);
void *rig_xrealloc(void *p, size_t n);
char *rig_xstrdup(const char *s);
char *rig_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* snprintf that reports truncation: 0, or RIG_ERR_INVALID when it did not fit. */
int rig_snprintf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A growable NULL-terminated vector of owned strings (argv, env). */
struct rig_strv {
	char **v;
	size_t n, cap;
};
void rig_strv_push(struct rig_strv *sv, const char *s);
void rig_strv_pushf(struct rig_strv *sv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void rig_strv_free(struct rig_strv *sv);
/* 1 when s is one of the strings in sv. */
int rig_strv_has(const struct rig_strv *sv, const char *s);
/* "a b 'c d'": for logs and the build record; returns an owned string. */
char *rig_strv_join_quoted(const struct rig_strv *sv);

/* An ordered list of owned key/value strings: environment records, facts. */
struct rig_kv {
	char *key, *value;
};
struct rig_kvlist {
	struct rig_kv *v;
	size_t n, cap;
};
void rig_kv_set(struct rig_kvlist *l, const char *key, const char *value);
void rig_kv_setf(struct rig_kvlist *l, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
const char *rig_kv_get(const struct rig_kvlist *l, const char *key);
void rig_kv_free(struct rig_kvlist *l);

/* A growable byte buffer; data is always NUL-terminated. */
struct rig_buf {
	char *data;
	size_t len, cap;
};
void rig_buf_append(struct rig_buf *b, const void *p, size_t n);
void rig_buf_appendf(struct rig_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rig_buf_free(struct rig_buf *b);

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t rig_now_ns(void);
/* Wall clock, seconds since the epoch, for records. */
int64_t rig_wall_s(void);

/* mkdir -p. */
int rig_mkdirs(const char *path, struct rig_error *err);
/* Reads a whole (small) file; *out owned, NUL-terminated. */
int rig_read_file(const char *path, char **out, size_t *len, struct rig_error *err);
/* Writes a file atomically (tmp + rename). */
int rig_write_file(const char *path, const void *data, size_t len, struct rig_error *err);
int rig_file_exists(const char *path);
/* Finds an executable on PATH (or checks a path with '/'); 1 if found, full path in out. */
int rig_which(const char *name, char *out, size_t cap);
/* SHA-256 of a file (libsodium), hex into out[65]. */
int rig_sha256_file(const char *path, char out[65], struct rig_error *err);
void rig_sha256_hex(const void *data, size_t len, char out[65]);

/* Result of rig_run_capture(). */
struct rig_proc_result {
	int exited;	    /* 1 if it exited, 0 if killed by a signal */
	int status;	    /* exit code, or signal number */
	int timed_out;	    /* killed because of timeout_ms */
	int64_t wall_ns;    /* exec to reap */
	struct rig_buf out; /* stdout and stderr, interleaved */
};

/*
 * Runs argv (argv[0] looked up on PATH) in dir (NULL: current), with env
 * additions "K=V" on top of the current environment, capturing stdout and
 * stderr together, killing the process group after timeout_ms (0: none).
 * Returns 0 when it ran (whatever its exit status: see res), RIG_ERR_NOT_FOUND
 * when argv[0] cannot be executed, RIG_ERR_IO otherwise. Blocks.
 */
int rig_run_capture(char *const argv[], const char *dir, char *const env_add[], int timeout_ms,
		    struct rig_proc_result *res, struct rig_error *err);
void rig_proc_result_free(struct rig_proc_result *res);

/* Parses "250ms", "2s", "1m", plain numbers as ms. 0 or RIG_ERR_INVALID. */
int rig_parse_duration_ms(const char *s, long long *out);
/* Parses a whole decimal number in [min, max]; "1k" = 1000, "1M" = 1000000. */
int rig_parse_count(const char *s, long long min, long long max, long long *out);

#endif
