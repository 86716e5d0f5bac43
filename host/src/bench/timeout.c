/*
 * A sample that timed out (docs/farm.md, "A sample that timed out"): the
 * board's fault when another board of the model finishes it, the
 * workload's when it times out there too. So the first timeout of a sample
 * is not stored: the sample (and, outside an A/B cell, the rest of its
 * cell) goes to another board of the model, which gives the verdict, and
 * a board that finishes it charges the first an infrastructure error.
 */
#include <stdio.h>
#include <string.h>

#include "bench_internal.h"
#include "health.h"
#include "log.h"
#include "store_lease.h"

void rig_bench_count_infra(struct worker *w, const char *board, const char *why)
{
	struct bench *bn = w->bn;
	struct rig_error e = {0};
	int failures = 0;

	pthread_mutex_lock(&bn->mu);
	bn->sum->infra_errors++;
	pthread_mutex_unlock(&bn->mu);
	rig_err("board %s: infrastructure error: %s", board, why);
	if (rig_store_board_failure(w->st, board, rig_bench_owner(bn), why, &failures, &e) == 0 &&
	    failures >= RIG_HEALTH_MAX_FAILURES)
		rig_store_board_quarantine(w->st, board, rig_bench_owner(bn),
					   "unusable in several benches in a row", why, &e);
}

int rig_bench_timeout_judge(struct worker *w, struct job *j, int idx, struct rig_sample *s,
			    double wall_ns, const char *verdict_on, int *may_retry,
			    struct rig_error *err)
{
	struct bench *bn = w->bn;
	const char *name = w->b->name;
	char why[400];

	if (s->ok && verdict_on) {
		snprintf(why, sizeof(why),
			 "sample %d of %s %s timed out on %s and took %.0f ms on %s", idx + 1,
			 j->profile, j->workload, verdict_on, wall_ns / 1e6, name);
		rig_bench_count_infra(w, verdict_on, why);
		return 0;
	}
	if (s->ok || !s->timed_out)
		return 0;
	if (verdict_on) {
		snprintf(why, sizeof(why), "%.150s, here and on %s: the workload's", s->fail_reason,
			 verdict_on);
		snprintf(s->fail_reason, sizeof(s->fail_reason), "%s", why);
		*may_retry = 0; /* its later timeouts are the workload's too */
		return 0;
	}
	if (!*may_retry ||
	    !(j->shared ? rig_bench_ab_others(j->shared, j) : rig_bench_retry_possible(w)))
		return 0;
	snprintf(why, sizeof(why), "sample %d of %s %s %s on %s", idx + 1, j->profile, j->workload,
		 s->fail_reason, name);
	rig_warn("%s: %s; another board of model %s takes it", name, why, w->model);
	rig_store_farm_log(w->st, name, rig_bench_owner(bn), "timeout", w->token, why, NULL);
	if (j->shared) { /* the cell's other boards: the index back */
		rig_bench_ab_give_back(j->shared, j, idx, name);
		return RIG_BENCH_GIVEN_BACK;
	}
	rig_fail(err, RIG_ERR_TIMEOUT, "%s", why);
	return RIG_BENCH_TIMED_OUT;
}

const char *rig_bench_timed_out_cell(const struct bench *bn, const struct job *j)
{
	char want[400];
	size_t n;

	if (!bn->o->timed_out_on)
		return NULL;
	n = (size_t)snprintf(want, sizeof(want), "%s,%s,%s,", j->board->name, j->profile,
			     j->workload);
	return n < sizeof(want) && strncmp(want, bn->o->timed_out_on, n) == 0 &&
		       bn->o->timed_out_on[n]
		   ? bn->o->timed_out_on + n
		   : NULL;
}
