/*
 * Writing a worker's samples (docs/farm.md). Under a lease every write is
 * fenced by the lease's token. Samples of one run taken one after another
 * are kept and written together, in one transaction where the store has
 * one for several (PostgreSQL: one fence check and one COMMIT, so one disk
 * flush on the farm controller, for up to RIG_BENCH_BATCH samples), as soon
 * as the first of them has waited RIG_BENCH_BATCH_MS, the batch is full, or
 * the cell ends: samples longer than that are written one by one. While the
 * store's server cannot be reached the write is tried again every 250 ms
 * for up to STORE_WAIT_MS, so samples finished while PostgreSQL restarts
 * are not lost (a COMMIT whose answer was lost is recognised by its token,
 * not stored twice). Samples not written when the bench dies are not in
 * the store; the run is resumed from the last stored one.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_internal.h"
#include "log.h"
#include "store_lease.h"

#define STORE_WAIT_MS 60000

void rig_bench_batch_init(struct sample_batch *sb, const struct worker *w, int shared)
{
	memset(sb, 0, sizeof(*sb));
	/* without a lease (one connection, --serial) or with --ab's shared
	 * cells (a refused sample goes back by index) one at a time */
	sb->cap = w->token && !shared ? RIG_BENCH_BATCH : 1;
	sb->s = rig_xcalloc((size_t)sb->cap, sizeof(*sb->s));
	sb->every_ms = w->bn->o->store_every_ms > 0 ? w->bn->o->store_every_ms : RIG_BENCH_BATCH_MS;
}

void rig_bench_batch_free(struct sample_batch *sb)
{
	for (int i = 0; i < sb->n; i++)
		rig_sample_free(&sb->s[i]);
	free(sb->s);
	memset(sb, 0, sizeof(*sb));
}

static int write_all(struct worker *w, struct sample_batch *sb, struct rig_error *err)
{
	if (w->token)
		return rig_store_add_samples_fenced(w->st, sb->run_id, sb->first, (size_t)sb->n,
						    sb->s, w->b->name, w->token, rig_wall_ms(),
						    err);
	return rig_store_add_sample(w->st, sb->run_id, sb->first, &sb->s[0], err);
}

int rig_bench_batch_flush(struct worker *w, struct sample_batch *sb, struct rig_error *err)
{
	struct bench *bn = w->bn;
	struct rig_error local = {0};
	int64_t t0 = rig_now_ns(), until = rig_wall_ms() + STORE_WAIT_MS;
	int rc, warned = 0;

	if (!sb->n)
		return 0;
	if (!err)
		err = &local;
	for (;;) {
		struct timespec ts = {0, 250000000};

		rc = write_all(w, sb, err);
		if (rc != RIG_ERR_STORE_LOST || rig_wall_ms() >= until || rig_bench_stop ||
		    bn->fatal_rc)
			break;
		if (!warned++)
			rig_warn("%s: %s; %d sample(s) from %d kept, trying again for %d s",
				 w->b->name, err->msg, sb->n, sb->first + 1, STORE_WAIT_MS / 1000);
		nanosleep(&ts, NULL);
	}
	t0 = rig_now_ns() - t0;
	pthread_mutex_lock(&bn->mu);
	if (!rc) {
		bn->sum->around_ns += (int64_t)sb->around_ns;
		bn->sum->store_ns += t0;
		for (int i = 0; i < sb->n; i++) {
			if (sb->s[i].ok)
				bn->sum->samples_ok++;
			else
				bn->sum->samples_failed++;
		}
		bn->done_samples += sb->n;
		w->done += sb->n;
	}
	rig_bench_progress_farm(bn, 0);
	pthread_mutex_unlock(&bn->mu);
	sb->lost_from = rc ? sb->first : -1;
	for (int i = 0; i < sb->n; i++)
		rig_sample_free(&sb->s[i]);
	sb->n = 0;
	sb->around_ns = 0;
	return rc;
}

int rig_bench_batch_add(struct worker *w, struct sample_batch *sb, int64_t run_id, int idx,
			struct rig_sample *s, double around_ns, struct rig_error *err)
{
	int rc;

	if (sb->n && (run_id != sb->run_id || idx != sb->first + sb->n) &&
	    (rc = rig_bench_batch_flush(w, sb, err))) {
		rig_sample_free(s);
		return rc;
	}
	if (!sb->n) {
		sb->run_id = run_id;
		sb->first = idx;
		sb->since_ms = rig_wall_ms();
	}
	sb->s[sb->n++] = *s; /* the batch owns it now */
	memset(s, 0, sizeof(*s));
	sb->around_ns += around_ns;
	if (sb->n >= sb->cap || rig_wall_ms() - sb->since_ms >= sb->every_ms)
		return rig_bench_batch_flush(w, sb, err);
	return 0;
}
