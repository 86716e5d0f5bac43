/*
 * Records rig-exec writes to the status pipe (see rig_exec.c). Fixed size,
 * native byte order: both ends are on the same machine.
 */
#ifndef RIG_EXEC_H
#define RIG_EXEC_H

#include <stdint.h>

enum rig_exec_kind {
	RIG_EXEC_STARTED = 1, /* t_ns: CLOCK_MONOTONIC just before execve; contain */
	RIG_EXEC_FAILED = 2,  /* err: errno of execve */
	RIG_EXEC_EXITED = 3,  /* t_ns: wait4 returned; status, rusage, killed, peak */
	RIG_EXEC_READY = 4,   /* t_ns: the program's "@rig ready" line was read */
};

struct rig_exec_msg {
	int32_t kind;
	int32_t err;
	int32_t status;	  /* wait status as from wait4 */
	uint32_t contain; /* STARTED: the rig_contain bits the program joined */
	int64_t t_ns;
	int64_t maxrss_kib;
	int64_t utime_ns, stime_ns;
	int64_t cgroup_peak_kib; /* EXITED: the memory cgroup's peak, -1 when none */
	int32_t killed;		 /* EXITED: 1 when stopped on request (SIGTERM, rig gone) */
	int32_t pad;
};

#endif
