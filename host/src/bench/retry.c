/*
 * Retries (docs/farm.md): the samples of a cell that a board left after an
 * infrastructure error (would not open, lost its link, lost its lease) are
 * queued for another board of the same model (tag model:), which takes
 * them into the same run after its own cells, up to RIG_BENCH_RETRY_MAX
 * boards; what no board of the model could take is skipped with the reason
 * at the end of the run phase, or, in a `rig worker` job (one board per
 * bench), queued as a job for another board of the model that resumes the
 * same run (`rig bench --retry-of`).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_internal.h"
#include "log.h"
#include "select.h"
#include "store_lease.h"
#include "store_queue.h"

static int requeue_target(const struct bench *bn, const char *model, const char *board,
			  const char *failed_on, char *to, size_t cap);

/* Queues samples [from, n) of cell j (run_id 0: not begun) for another
 * board of w's model. */
void rig_bench_retry_queue(struct worker *w, struct job *j, int64_t run_id, int from, int tries,
			   const char *why, const char *timed_out_on)
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
	r->fenced = w->fenced;
	if (timed_out_on)
		snprintf(r->timed_out_on, sizeof(r->timed_out_on), "%s", timed_out_on);
	pthread_mutex_lock(&bn->mu);
	for (tail = &bn->retries; *tail; tail = &(*tail)->next)
		;
	*tail = r;
	pthread_cond_broadcast(&bn->cv);
	pthread_mutex_unlock(&bn->mu);
}

int rig_bench_retry_possible(struct worker *w)
{
	struct bench *bn = w->bn;
	int yes = 0;

	pthread_mutex_lock(&bn->mu);
	for (size_t i = 0; i < bn->n_boards && !yes; i++) {
		const struct worker *o = &bn->workers[i];
		yes = o != w && strcmp(o->model, w->model) == 0 && o->state != W_DONE &&
		      o->state != W_FAILED && !o->quarantined;
	}
	pthread_mutex_unlock(&bn->mu);
	if (!yes && !w->fenced) { /* a `rig worker` job: another board of the model */
		char to[64];
		yes = requeue_target(bn, w->model, w->b->name, w->b->name, to, sizeof(to));
	}
	return yes;
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
	rc = rig_bench_take_samples(w, j, run_id, from, r->timed_out_on[0] ? r->timed_out_on : NULL,
				    r->tries < RIG_BENCH_RETRY_MAX, &next, err);
	if (rc == RIG_ERR_SKIPPED) {
		rig_bench_skip(bn, w->st, j->board, j->profile, j->workload, err->msg);
		rc = 0;
	}
	if (rc == RIG_BENCH_TIMED_OUT) {
		rig_bench_retry_queue(w, j, run_id, next, r->tries + 1, err->msg, w->b->name);
		rc = 0;
	} else if (rig_bench_infra(rc)) {
		rig_bench_retry_queue(w, j, run_id, next, r->tries + 1, err->msg, NULL);
	}
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

/* Under `rig worker`: a board of the boards directory, of model, for a
 * retry of board's cell that last failed on failed_on (neither of them,
 * nor a --retry-of board): 1 and to; 0 when there is none or the tries are
 * used up. */
static int requeue_target(const struct bench *bn, const char *model, const char *board,
			  const char *failed_on, char *to, size_t cap)
{
	struct rig_strv sel = {0}, picked = {0};
	struct rig_error e = {0};
	char item[80];
	int found = 0;

	if (!bn->o->requeue_args || (int)bn->o->retry_of.n + 1 > RIG_BENCH_RETRY_MAX)
		return 0;
	snprintf(item, sizeof(item), "model:%s", model);
	rig_strv_push(&sel, item);
	if (rig_boards_select("--retry", &sel, bn->o->boards_dir, &picked, &e) == 0)
		for (size_t i = 0; i < picked.n && !found; i++)
			if (strcmp(picked.v[i], failed_on) != 0 &&
			    strcmp(picked.v[i], board) != 0 &&
			    !rig_strv_has(&bn->o->retry_of, picked.v[i])) {
				snprintf(to, cap, "%s", picked.v[i]);
				found = 1;
			}
	rig_strv_free(&sel);
	rig_strv_free(&picked);
	return found;
}

/* Under `rig worker`: queues r as a job for another board of its model,
 * `--retry-of` the board whose cell it is (and `--timed-out-on` the cell
 * after a timeout: the job's bench gives the verdict). 0 when queued; -1
 * when there is no such board, the tries are used up or the queue refused
 * (warned). */
static int requeue(struct bench *bn, const struct retry *r)
{
	struct rig_error e = {0};
	struct rig_job job = {0};
	char to[64], detail[400];
	int64_t id = 0;
	int n;

	if (r->fenced ||
	    !requeue_target(bn, r->model, r->job->board->name, r->failed_on, to, sizeof(to)))
		return -1;
	snprintf(job.board, sizeof(job.board), "%s", to);
	if (r->timed_out_on[0])
		n = snprintf(job.args, sizeof(job.args),
			     "%s\n--retry-of\n%s\n--timed-out-on\n%s,%s,%s,%s", bn->o->requeue_args,
			     r->job->board->name, r->job->board->name, r->job->profile,
			     r->job->workload, r->timed_out_on);
	else
		n = snprintf(job.args, sizeof(job.args), "%s\n--retry-of\n%s", bn->o->requeue_args,
			     r->job->board->name);
	if (n < 0 || (size_t)n >= sizeof(job.args) ||
	    rig_store_job_submit(bn->store, &job, &id, &e) != 0) {
		rig_warn("cannot queue a retry of %s's samples for %s: %s", r->job->board->name, to,
			 n >= 0 && (size_t)n < sizeof(job.args) ? e.msg : "arguments too long");
		return -1;
	}
	snprintf(detail, sizeof(detail),
		 "samples from %d of %s %s on %s queued as job %lld for %s: %.200s",
		 r->from_idx + 1, r->job->profile, r->job->workload, r->job->board->name,
		 (long long)id, to, r->why);
	rig_store_farm_log(bn->store, r->failed_on, rig_bench_owner(bn), "requeue", 0, detail,
			   NULL);
	rig_info("%s", detail);
	return 0;
}

void rig_bench_retry_leftover(struct bench *bn)
{
	while (bn->retries) {
		struct retry *r = bn->retries;
		char why[700];

		bn->retries = r->next;
		if (requeue(bn, r) == 0) {
			free(r);
			continue;
		}
		if (r->timed_out_on[0])
			snprintf(why, sizeof(why),
				 "sample %d timed out on %s and no other board of model %s could "
				 "take it and the rest of the cell: %s",
				 r->from_idx + 1, r->timed_out_on, r->model, r->why);
		else
			snprintf(why, sizeof(why),
				 "infrastructure error on %s, no other board of model %s could "
				 "take its samples (from sample %d): %s",
				 r->failed_on, r->model, r->from_idx + 1, r->why);
		rig_bench_skip(bn, bn->store, r->job->board, r->job->profile, r->job->workload,
			       why);
		free(r);
	}
}
