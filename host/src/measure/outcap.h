/*
 * Bounded capture of a measured program's output: what rig keeps of a
 * workload's stdout and stderr, whatever it prints.
 *
 * Output goes to memory up to RIG_OUTCAP_MEM_BYTES; past that it spills to
 * the log file and streams there, up to RIG_OUTCAP_LOG_BYTES, after which
 * it is only counted. The log file ends with a note of how much was
 * dropped. Separately, the last RIG_OUTCAP_TAIL_BYTES of stderr are kept
 * for the sample's stderr_tail. So rig's memory for one sample's output is
 * bounded by RIG_OUTCAP_MEM_BYTES + RIG_OUTCAP_TAIL_BYTES, whatever the
 * program prints (docs/reliability.md, "Output bounds").
 */
#ifndef RIG_OUTCAP_H
#define RIG_OUTCAP_H

#include <stddef.h>
#include <stdint.h>

#define RIG_OUTCAP_MEM_BYTES (1u << 20)	   /* 1 MiB in memory before spilling */
#define RIG_OUTCAP_LOG_BYTES (16ull << 20) /* 16 MiB of log file at most */
#define RIG_OUTCAP_TAIL_BYTES 4096	   /* of stderr, for the sample */

struct rig_outcap {
	const char *log_path; /* NULL: nothing is kept beyond the tail */
	char *mem;	      /* output so far, until it spills (owned) */
	size_t mem_len;
	int fd;		  /* the log file once spilled, else -1 */
	uint64_t logged;  /* bytes in the log file or in mem */
	uint64_t dropped; /* bytes over RIG_OUTCAP_LOG_BYTES */
	uint64_t total;	  /* every byte seen */
	char tail[RIG_OUTCAP_TAIL_BYTES];
	size_t tail_len;
	int write_error; /* errno of a failed log write, or 0 */
};

/* Starts a capture. log_path may be NULL. Never fails. */
void rig_outcap_init(struct rig_outcap *c, const char *log_path);
/* Adds bytes from stdout (is_stderr 0) or stderr (1), in arrival order. */
void rig_outcap_add(struct rig_outcap *c, const char *p, size_t n, int is_stderr);
/* The stderr tail (not NUL-terminated) and its length. */
const char *rig_outcap_tail(const struct rig_outcap *c, size_t *len);
/* Ends the capture. keep_log 1: the log file holds everything captured
 * (written now if it was still in memory) and a note of what was dropped;
 * returns 1 when a log file exists afterwards. keep_log 0: nothing stays on
 * disk. Frees the memory either way. */
int rig_outcap_finish(struct rig_outcap *c, int keep_log);

#endif
