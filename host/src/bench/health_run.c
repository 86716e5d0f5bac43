/*
 * The bench's health checks (docs/farm.md; the rules are farm/health.h):
 * the health workload of every board whose file has `health:` is built
 * with the matrix, and a worker runs it on its board right after taking
 * the lease and opening it, and again between cells once `every` has
 * passed. Its samples are not results: they go to the health_checks table
 * with the verdict, the facts and the band, never to runs/samples.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_internal.h"
#include "health.h"
#include "log.h"
#include "store_health.h"
#include "store_lease.h"

void rig_bench_health_build(struct bench *bn)
{
	char cache[1200];

	snprintf(cache, sizeof(cache), "%s/cache", bn->o->state_dir);
	bn->health = rig_xcalloc(bn->n_boards ? bn->n_boards : 1, sizeof(*bn->health));
	for (size_t i = 0; i < bn->n_boards; i++) {
		struct rig_board *b = bn->boards[i];
		const struct rig_health_cfg *h = &b->health;
		struct job *j = &bn->health[i];
		struct rig_build_req req = {
		    .profile = h->profile,
		    .workload = h->workload,
		    .target = &b->target,
		    .source_root = bn->o->source_dir,
		    .cache_dir = cache,
		};
		struct rig_error e = {0};

		if (!h->on || rig_bench_stop)
			continue;
		rig_bench_progress(bn, "[build] health check %s %s for %s", h->profile, h->workload,
				   b->name);
		if (rig_build(bn->tcs, &req, &j->art, &e) || rig_board_supports(b, &j->art, &e)) {
			rig_warn("board %s: no health check: %s %s cannot run there: %s", b->name,
				 h->profile, h->workload, e.msg);
			continue;
		}
		j->board = b;
		snprintf(j->workload, sizeof(j->workload), "%s", h->workload);
		snprintf(j->profile, sizeof(j->profile), "%s", h->profile);
	}
	rig_bench_progress_end(bn);
}

/* Takes the check's samples: 0 (failed samples counted in *t), or the
 * board's code when it became unusable. figs has room for cfg->samples. */
static int health_samples(struct worker *w, const struct job *j, double *figs,
			  struct rig_health_take *t, char *fail_reason, size_t fr_cap,
			  struct rig_error *err)
{
	struct rig_board *b = w->b;
	const struct rig_health_cfg *h = &b->health;
	char logpath[PATH_MAX + 64];
	struct rig_run_req req = {.art = &j->art, .workload = j->workload};
	int rc;

	req.iterations = h->iterations ? h->iterations : rig_board_iterations(b, j->workload);
	req.timeout_ms = b->timeout_ms;
	if (b->ops->prepare && (rc = b->ops->prepare(b, &j->art, err)))
		return rc;
	for (long long i = 0; i < h->samples; i++) {
		struct rig_sample s = {0};
		const char *metric;
		double f;

		snprintf(logpath, sizeof(logpath), "%s/logs/health-%lld.log", b->workdir, i);
		req.log_path = logpath;
		if ((rc = b->ops->run(b, &req, &s, err))) {
			rig_sample_free(&s);
			return rc;
		}
		f = rig_health_sample_figure(&s, &metric);
		t->metric = metric;
		if (s.ok && f > 0) {
			figs[t->n++] = f;
		} else {
			if (!t->n_failed++)
				snprintf(fail_reason, fr_cap, "%s",
					 s.ok ? "no wall_ns or cpu time in the sample"
					      : s.fail_reason);
			t->fail_reason = fail_reason;
		}
		rig_sample_free(&s);
	}
	return 0;
}

int rig_bench_health_check(struct worker *w, struct rig_error *err)
{
	struct bench *bn = w->bn;
	struct rig_board *b = w->b;
	const struct job *j = &bn->health[w->idx];
	const char *owner = rig_bench_owner(bn);
	struct rig_health_take t = {0};
	struct rig_health_row row = {0}, *hist;
	struct rig_kvlist facts = {0};
	struct rig_error e = {0};
	char fail_reason[300] = "";
	double *figs;
	int n_hist = 0, rc;

	if (!j->board)
		return 0;
	rig_bench_worker_state(w, W_HEALTH);
	figs = rig_xcalloc((size_t)b->health.samples, sizeof(*figs));
	t.figures = figs;
	rc = health_samples(w, j, figs, &t, fail_reason, sizeof(fail_reason), err);
	if (rc) {
		free(figs);
		return rc;
	}
	/* the facts after the workload: a board that heats under load says so */
	if (b->ops->facts && b->ops->facts(b, &facts, &e))
		rig_warn("board %s: facts for the health check: %s", b->name, e.msg);
	t.facts = &facts;
	hist = rig_xcalloc((size_t)b->health.history, sizeof(*hist));
	if ((rc = rig_store_health_history(w->st, b->name, 1, hist, (int)b->health.history, &n_hist,
					   err)))
		goto out;
	rig_health_judge(&b->health, &t, hist, n_hist, &row);
	snprintf(row.board, sizeof(row.board), "%s", b->name);
	row.token = w->token;
	row.at_ms = rig_wall_ms();
	w->health_at_ms = row.at_ms;
	if ((rc = rig_store_health_add(w->st, &row, err)) ||
	    (rc = rig_store_farm_log(w->st, b->name, owner, "health", w->token, row.result, err)) ||
	    (rc = rig_store_board_health(w->st, b->name, row.pass, row.result, err)))
		goto out;
	if (row.pass) {
		rig_info("board %s: health check %s", b->name, row.result);
		goto out;
	}
	/* result is "fail: why" */
	rig_err("board %s: health check %s (%s): quarantined", b->name, row.result, row.evidence);
	if ((rc = rig_store_board_quarantine(w->st, b->name, owner, row.result + 6, row.evidence,
					     err)))
		goto out;
	pthread_mutex_lock(&bn->mu);
	bn->sum->quarantined++;
	pthread_mutex_unlock(&bn->mu);
	w->quarantined = 1;
	rc = rig_fail(err, RIG_ERR_SKIPPED,
		      "board %s is quarantined: health check %s (%s); rig farm release --force %s "
		      "frees it",
		      b->name, row.result, row.evidence, b->name);
out:
	/* a store error stays one (RIG_ERR_STORE_LOST: the server restarting,
	 * the bench exits to be tried again) */
	if (rc && rc != RIG_ERR_SKIPPED && rc != RIG_ERR_STORE_LOST)
		rc = RIG_ERR_STORE;
	rig_kv_free(&facts);
	free(hist);
	free(figs);
	return rc;
}

int rig_bench_health_due(const struct worker *w)
{
	const struct rig_health_cfg *h = &w->b->health;

	return h->on && w->bn->health && w->bn->health[w->idx].board &&
	       rig_wall_ms() - w->health_at_ms >= h->every_ms;
}
