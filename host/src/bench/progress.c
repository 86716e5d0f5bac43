/* The bench's progress line on a terminal: see bench_internal.h. */
#include <stdarg.h>
#include <stdio.h>

#include "bench_internal.h"

void rig_bench_progress(struct bench *bn, const char *fmt, ...)
{
	va_list ap;

	if (!bn->o->progress)
		return;
	fprintf(stderr, "\r\033[K");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

void rig_bench_progress_end(struct bench *bn)
{
	if (bn->o->progress)
		fprintf(stderr, "\r\033[K");
}

void rig_bench_progress_farm(struct bench *bn, int force)
{
	int n[W_FAILED + 1] = {0};
	int64_t now = rig_now_ns();
	const char *running = "";

	if (!bn->o->progress || (!force && now - bn->last_progress_ns < 100000000))
		return;
	bn->last_progress_ns = now;
	for (size_t i = 0; i < bn->n_boards; i++) {
		n[bn->workers[i].state]++;
		if (bn->workers[i].state == W_RUN && !running[0])
			running = bn->workers[i].b->name;
	}
	rig_bench_progress(bn,
			   "[%d/%d samples] boards: %d measuring%s%s%s, %d opening, %d health "
			   "checking, %d waiting for a --jobs slot, %d for a lease, %d retrying, "
			   "%d done, %d failed, %d infra errors",
			   bn->done_samples, bn->total_samples, n[W_RUN], running[0] ? " (" : "",
			   running, running[0] ? "...)" : "", n[W_OPEN], n[W_HEALTH],
			   n[W_WAIT_SLOT], n[W_WAIT_LEASE], n[W_RETRY], n[W_DONE] + n[W_IDLE],
			   n[W_FAILED], bn->sum->infra_errors);
}
