/*
 * Running other programs: finding one on PATH, and running one to completion
 * with its output captured (compilers, version probes, deploy and image
 * scripts). Measured programs do not go through here: they are started by
 * rig-exec (measure.h), which keeps rig's own pages out of their numbers.
 */
#ifndef RIG_PROC_H
#define RIG_PROC_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "strbuf.h"

/* Finds the executable name on $PATH (or, when name contains a '/', checks
 * that path is executable). Returns 1 and the full path in out[cap] when
 * found, 0 when not (or when it does not fit in out). Does not block. */
int rig_which(const char *name, char *out, size_t cap);

/* Result of rig_run_capture(). */
struct rig_proc_result {
	int exited;	    /* 1 if it exited, 0 if killed by a signal */
	int status;	    /* exit code, or signal number */
	int timed_out;	    /* killed because of timeout_ms */
	int64_t wall_ns;    /* exec to reap */
	struct rig_buf out; /* stdout and stderr, interleaved (split: stdout); data never NULL */
	struct rig_buf err; /* split: stderr, data never NULL; otherwise empty */
	int truncated;	    /* split: output past max_bytes was read and dropped */
};

/*
 * Runs argv (argv[0] looked up on PATH) in dir (NULL: current), with env
 * additions "K=V" on top of the current environment, stdin from /dev/null,
 * capturing stdout and stderr together, killing the process group after
 * timeout_ms (0: none). Returns 0 when it ran (whatever its exit status: see
 * res, which the caller frees with rig_proc_result_free), RIG_ERR_NOT_FOUND
 * when argv[0] cannot be executed, RIG_ERR_IO otherwise. Blocks until the
 * program and everything holding its output open have finished.
 */
int rig_run_capture(char *const argv[], const char *dir, char *const env_add[], int timeout_ms,
		    struct rig_proc_result *res, struct rig_error *err);
/*
 * As rig_run_capture, but stdout goes to res->out and stderr to res->err,
 * each kept up to max_bytes (0: no limit; the rest is read and dropped,
 * res->truncated set). stdin is an empty pipe (EOF at once; not /dev/null,
 * which epoll refuses). The deadline also holds when the child closes its
 * output and keeps running. Blocks up to timeout_ms.
 */
int rig_run_capture_split(char *const argv[], const char *dir, char *const env_add[],
			  int timeout_ms, size_t max_bytes, struct rig_proc_result *res,
			  struct rig_error *err);
/* Frees the captured output. */
void rig_proc_result_free(struct rig_proc_result *res);

#endif
