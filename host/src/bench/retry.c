/*
 * Retries (docs/farm.md): the samples of a cell that a board left after an
 * infrastructure error (would not open, lost its link, lost its lease) are
 * queued for another board of the same model (tag model:), which takes
 * them into the same run after its own cells, up to RIG_BENCH_RETRY_MAX
 * boards; what no board of the model could take is skipped with the reason
 * at the end of the run phase.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_internal.h"
#include "log.h"
#include "store_lease.h"

/* Queues samples [from, n) of cell j (run_id 0: not begun) for another
 * board of w's model. */
void rig_bench_retry_queue(struct worker *w, struct job *j, int64_t run_id, int from, int tries,
			   const char *why)
{
	struct bench *bn = w->bn;
	struct retry *r = rig_xcalloc(1, sizeof(*r)), **tail;

	r->job = j;
	r->run_id = run_id;
	r->from_idx = from;
	r->tries = tries;
	snprintf(r->failed_on, sizeof(r->failed_on), "%s", w->b->name);
	snprintf(r->model, sizeof(r->model), "%s", w->model);
	snprintf(r->why, sizeof(r->why), "%s", why);
	pthread_mutex_lock(&bn->mu);
	for (tail = &bn->retries; *tail; tail = &(*tail)->next)
		;
	*tail = r;
	pthread_cond_broadcast(&bn->cv);
	pthread_mutex_unlock(&bn->mu);
}

/* Samples another board of this model left. */
int rig_bench_retry_take(struct worker *w, struct retry *r, struct rig_error *err)
{
	struct bench *bn = w->bn;
	struct job *j = r->job;
	struct rig_run_key key;
	long long n, warm;
	int64_t run_id = r->run_id;
	int from = r->from_idx, have = 0, next, rc;
	char detail[600];

	rig_bench_plan(bn, j, &n, &warm, &key);
	if (!run_id) {
		if ((rc = rig_store_begin_run(w->st, &key, w->env_id, (int)n, (int)warm,
					      j->board->emulated, bn->o->resume, &run_id, &have,
					      err)))
			return rc;
		from = have;
	}
	snprintf(detail, sizeof(detail),
		 "samples %d..%lld of run %lld (%s %s on %s) taken here: %s failed: %.300s",
		 from + 1, n, (long long)run_id, j->profile, j->workload, j->board->name,
		 r->failed_on, r->why);
	rig_store_farm_log(w->st, w->b->name, rig_bench_owner(bn), "retry", w->token, detail, NULL);
	rig_info("%s: %s", w->b->name, detail);
	pthread_mutex_lock(&bn->mu);
	bn->sum->samples_retried += (int)(n - from);
	bn->done_samples += from - r->from_idx > 0 ? from - r->from_idx : 0;
	pthread_mutex_unlock(&bn->mu);
	rc = rig_bench_take_samples(w, j, run_id, from, &next, err);
	if (rc == RIG_ERR_SKIPPED) {
		rig_bench_skip(bn, w->st, j->board, j->profile, j->workload, err->msg);
		rc = 0;
	}
	if (rig_bench_infra(rc))
		rig_bench_retry_queue(w, j, run_id, next, r->tries + 1, err->msg);
	rig_store_end_run(w->st, run_id, NULL);
	return rc;
}

/* Takes the next retry w may do (its model, not failed on it, tries left):
 * 1 and *out; 0 when there is none and no busy board of the model can make
 * one any more. Called with bn->mu held; waits on bn->cv. */
int rig_bench_retry_next(struct worker *w, struct retry **out)
{
	struct bench *bn = w->bn;

	for (;;) {
		int busy = 0;

		for (struct retry **p = &bn->retries; *p; p = &(*p)->next) {
			struct retry *r = *p;
			if (strcmp(r->model, w->model) == 0 &&
			    strcmp(r->failed_on, w->b->name) != 0 &&
			    r->tries <= RIG_BENCH_RETRY_MAX) {
				*p = r->next;
				*out = r;
				return 1;
			}
		}
		for (size_t i = 0; i < bn->n_boards; i++)
			if (bn->workers[i].busy && strcmp(bn->workers[i].model, w->model) == 0)
				busy = 1;
		if (!busy || rig_bench_stopping(bn))
			return 0;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&bn->cv, &bn->mu, &ts);
	}
}

void rig_bench_retry_leftover(struct bench *bn)
{
	while (bn->retries) {
		struct retry *r = bn->retries;
		char why[700];

		bn->retries = r->next;
		snprintf(why, sizeof(why),
			 "infrastructure error on %s, no other board of model %s could take its "
			 "samples (from sample %d): %s",
			 r->failed_on, r->model, r->from_idx + 1, r->why);
		rig_bench_skip(bn, bn->store, r->job->board, r->job->profile, r->job->workload,
			       why);
		free(r);
	}
}
