/*
 * Measuring one local process: the host board runs workloads with it, and
 * boards that run a local runtime or emulator process (WASI runtimes) reuse
 * it. It forks, takes CLOCK_MONOTONIC in the child just before execve,
 * reads stdout through the report parser, notes the time the ready line
 * arrives, reaps with wait4 for peak RSS and CPU times, and stops it at
 * the deadline. The program runs contained (rig-exec and
 * firmware/contain/rig_contain.h): whatever it starts is killed when it
 * exits, at the deadline, or when rig dies.
 */
#ifndef RIG_MEASURE_H
#define RIG_MEASURE_H

#include <signal.h>

#include "error.h"
#include "sample.h"

/*
 * A service sample (rig bench --load): the program is a server. Once its
 * ready line arrives, during() runs on a thread of its own while the
 * output is still read; when during() returns the program is asked to stop
 * (SIGTERM, forwarded by rig-exec, or stop()) and the sample ends when it
 * exits.
 */
struct rig_exec_service {
	/* Runs the load against the ready server. *gone becomes 1 when the
	 * program exited or is being killed (deadline): return soon then.
	 * May block for the whole load. Required. */
	void (*during)(void *ctx, const volatile sig_atomic_t *gone);
	/* Asks the server to stop its own way once during() returned (a WASI
	 * guest gets no signals: a stop request). Returns 0 when it was
	 * asked; nonzero falls back to SIGTERM. Blocks for at most a few
	 * seconds. Optional: NULL means SIGTERM. */
	int (*stop)(void *ctx);
	void *ctx;
};

struct rig_exec_req {
	char *const *argv;    /* argv[0] is a path or a name on PATH */
	char *const *env_add; /* "K=V" added to the environment, or NULL */
	const char *dir;      /* working directory, or NULL */
	int cpu;	      /* pin to this CPU, or -1 */
	long long timeout_ms; /* from the start of the sample: at that moment the program
				 and everything it started are killed (0: none) */
	const char *log_path; /* where stdout+stderr go when the sample fails, or NULL
				 (bounded: see outcap.h) */
	int need_done;	      /* 1: a missing "@rig done" line fails the sample */
	const struct rig_exec_service *service; /* a server under load, or NULL */
};

/*
 * Runs the request and fills the sample: ok, exit_status, fail_reason,
 * stderr_tail, contain, metrics startup_ns (exec to ready line), wall_ns
 * (exec to exit), peak_rss_kib, user_ns, sys_ns, cgroup_peak_kib (when the
 * machine has a memory cgroup), and every "@rig result" line, plus the
 * parser's noise/corrupt/cut counts. A protocol line after the done line
 * fails the sample. Returns 0 when the process ran (whatever happened to
 * it), RIG_ERR_NOT_FOUND / RIG_ERR_IO when it could not be started. With
 * a service, a program that exits before during() returned, or that never
 * printed ready, fails the sample (during() is not run then). Blocks
 * up to timeout_ms (plus at most 2 s if rig-exec itself hangs).
 */
int rig_measure_exec(const struct rig_exec_req *req, struct rig_sample *out, struct rig_error *err);

#endif
