/*
 * Process containment for a measured program on Linux: everything the
 * program starts (forked, double-forked, setsid'd daemons) is found and
 * killed when the sample ends, and its memory peak is read from the kernel.
 *
 * One module, used by every process that supervises a measured program:
 * rig-exec on the host (host/exec/rig_exec.c; the host board and the WASI
 * runtimes go through it) and rig-agent on a Pi (firmware/agent/run.c).
 * Portable Linux C11 with no heap: rig-agent is cross-built static for ARM.
 *
 * What is used is detected at run time, never assumed:
 *   - the supervisor is always made a child subreaper (PR_SET_CHILD_SUBREAPER,
 *     Linux 3.4): an orphaned descendant is reparented to it, not to init,
 *     so rig_contain_kill_all can find every one as its child and reap it;
 *   - a cgroup v2 leaf under the caller's own cgroup when cgroup2 is mounted
 *     and writable and the leaf has cgroup.kill (Linux 5.14): killing is then
 *     one atomic write, even for a program that forks as fast as it can;
 *   - a memory peak: memory.peak of that leaf when the v2 memory controller
 *     is enabled there (Linux 5.19), else a leaf in the v1 memory hierarchy
 *     (memory.max_usage_in_bytes) on a hybrid machine.
 * rig_contain_describe() names what a containment uses; docs/reliability.md
 * lists the guarantees and their tests.
 */
#ifndef RIG_CONTAIN_H
#define RIG_CONTAIN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

/* Bits of what a containment has (rig_contain.uses) or what a child joined. */
enum rig_contain_bits {
	RIG_CONTAIN_SUBREAPER = 1, /* the supervisor is a child subreaper */
	RIG_CONTAIN_CGROUP2 = 2,   /* a cgroup v2 leaf with cgroup.kill */
	RIG_CONTAIN_MEM_V2 = 4,	   /* memory.peak in the cgroup v2 leaf */
	RIG_CONTAIN_MEM_V1 = 8,	   /* a v1 memory cgroup leaf (max_usage_in_bytes) */
};

struct rig_contain {
	unsigned uses;	/* enum rig_contain_bits */
	char cg2[320];	/* the cgroup v2 leaf directory, or "" */
	char mem1[320]; /* the v1 memory cgroup leaf directory, or "" */
};

/*
 * In the supervising process, before it forks the program: makes the caller
 * a child subreaper and creates the cgroup leaves named `name` (one path
 * component, e.g. "rig-exec-1234") under the caller's own cgroups, where
 * the machine offers them. Never fails: what is missing is left out of
 * c->uses. Does not block beyond a few file system calls.
 */
void rig_contain_init(struct rig_contain *c, const char *name);

/*
 * In the program's child, between fork and exec (async-signal-safe: open,
 * write, close only): moves the calling process into the leaves. Returns the
 * bits actually joined (the subreaper bit is inherited from c->uses); a leaf
 * that cannot be joined is left out and the subreaper still holds the child.
 * Call it before dropping privileges.
 */
unsigned rig_contain_enter(const struct rig_contain *c);

/*
 * Kills every process in the containment (the cgroup leaf's members with
 * cgroup.kill, then every remaining child of the caller with SIGKILL, until
 * none is left) and reaps them all, so when it returns nothing the program
 * started is running. `main_pid` is the program: if it is reaped here its
 * wait status and rusage go to *status and *ru (either may be NULL) and 1 is
 * returned, else 0. Every child of the caller counts as part of the
 * containment: the caller must have no other children. Blocks until every
 * child is reaped (SIGKILL cannot be
 * ignored, so this is quick); gives up waiting after 5 s.
 */
int rig_contain_kill_all(struct rig_contain *c, pid_t main_pid, int *status, struct rusage *ru);

/* Peak memory charged to the leaf in KiB (memory.peak, else the v1
 * max_usage_in_bytes), or -1 when the containment has no memory cgroup. */
int64_t rig_contain_peak_kib(const struct rig_contain *c);

/* Removes the leaves (after rig_contain_kill_all). */
void rig_contain_fini(struct rig_contain *c);

/* "cgroup2+memory-v1", "cgroup2", "subreaper", "none": what `bits` use. */
const char *rig_contain_describe(unsigned bits);

/*
 * What this machine offers the caller, found the way rig_contain_init finds
 * it but without creating anything that stays: a probe leaf is created and
 * removed. For the host facts (which method the samples of a run used).
 */
unsigned rig_contain_probe(void);

#endif
