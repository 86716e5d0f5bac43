/*
 * rig workload API: the C twins of the Go workloads, written once and run
 * both as host programs and inside bare-metal firmware.
 *
 * A workload is a function
 *
 *     int rig_wl_NAME(const struct rig_wl_io *io, long long iterations);
 *
 * that does its work, prints its "@rig result" lines through io and returns
 * a status (0 = ok) for the "@rig done" line. It does not print ready or
 * done itself: the caller does, so startup is measured by whoever owns the
 * program's start (rig_wl_main on a host, the firmware's reset handler on a
 * board). The workloads and their iteration counts are listed in
 * rig_wl_table.h.
 *
 * The core (everything but rig_wl_main) uses no heap and no stdio, so the
 * firmware links rig_wl.c compiled with -DRIG_WL_BARE and supplies an io
 * that writes to its UART and reads a cycle counter or timer. Each workload
 * file likewise defines main() only when RIG_WL_BARE is not defined.
 *
 * Firmware example (one workload, UART io):
 *
 *     static void uart_write(void *ctx, const char *s, size_t n) { ... }
 *     static uint64_t timer_ns(void *ctx) { ... }
 *     const struct rig_wl_io io = {uart_write, timer_ns, NULL};
 *     rig_wl_run(&io, rig_wl_cpu, RIG_WL_CPU_MCU_ITERS); // ready, results, done
 *
 * Lines are those of firmware/protocol/rig_report.h (docs/protocol.md,
 * "Report lines"); the Go package rigworkloads/rigreport writes the same
 * bytes.
 */
#ifndef RIG_WL_H
#define RIG_WL_H

#include <stddef.h>
#include <stdint.h>

struct rig_wl_io {
	/* Writes n bytes, always one whole report line ending in '\n', in one
	 * call. May block until the bytes are out. Required. */
	void (*write)(void *ctx, const char *s, size_t n);
	/* A monotonic clock in nanoseconds; only differences are used, so any
	 * epoch will do. Must not block. Required. */
	uint64_t (*now_ns)(void *ctx);
	/* Passed to both. */
	void *ctx;
};

/* A workload: does `iterations` units of work (>= 0), prints its results
 * through io, returns the status for the done line (0 = ok). */
typedef int (*rig_wl_fn)(const struct rig_wl_io *io, long long iterations);

/*
 * Line writers. Each formats one line into a stack buffer and writes it with
 * a single io->write. They return 0, or -1 when a field is outside the
 * protocol's grammar (nothing is written then).
 */
int rig_wl_ready(const struct rig_wl_io *io);
int rig_wl_done(const struct rig_wl_io *io, int status);
/* value is decimal text: -?[0-9]+(\.[0-9]+)? */
int rig_wl_result(const struct rig_wl_io *io, const char *name, const char *value,
		  const char *unit);
int rig_wl_result_i64(const struct rig_wl_io *io, const char *name, int64_t value,
		      const char *unit);
int rig_wl_result_u64(const struct rig_wl_io *io, const char *name, uint64_t value,
		      const char *unit);
/* num / den with `decimals` (0..9) digits, truncated; -1 when den == 0 */
int rig_wl_result_ratio(const struct rig_wl_io *io, const char *name, uint64_t num, uint64_t den,
			unsigned decimals, const char *unit);
/* A throughput in "ops/s" from an operation count and the elapsed time. */
int rig_wl_result_rate(const struct rig_wl_io *io, const char *name, uint64_t ops,
		       uint64_t elapsed_ns);

/*
 * The text rig_wl_result_rate prints: ops * 1e9 / elapsed_ns with 3
 * decimals, truncated; exact while ops * 1e9 fits in 64 bits, else computed
 * from whole seconds. An elapsed time of 0 counts as 1 ns (a clock too
 * coarse to see the work). Writes at most cap bytes including the NUL and
 * returns the length, or 0 when cap is too small (32 always suffices).
 * Go's rigreport.RateText gives the same text.
 */
size_t rig_wl_rate_text(char *buf, size_t cap, uint64_t ops, uint64_t elapsed_ns);

/* Prints ready, runs fn, prints done with its status; returns the status. */
int rig_wl_run(const struct rig_wl_io *io, rig_wl_fn fn, long long iterations);

/* The firmware's "hash SEQ N" request (hashreq.c, rig_hashreq.h): prints
 * the one answer line; 0, or 2 for N over the bound. */
int rig_wl_hashreq_answer(const struct rig_wl_io *io, uint32_t seq, uint32_t n);

#ifndef RIG_WL_BARE
/*
 * Host main: prints ready first (before parsing anything, so startup ends
 * at the first thing the program does), takes the iteration count from
 * argv[1] (default_iters without one), runs fn on an io over stdout and
 * CLOCK_MONOTONIC, prints done and returns the exit status: fn's status,
 * or 2 (after "done 2") for a malformed count.
 */
int rig_wl_main(int argc, char **argv, rig_wl_fn fn, long long default_iters);
#endif

#endif
