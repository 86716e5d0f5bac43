/*
 * The store's public functions (store.h, store_runs.h, store_lease.h, store_health.h,
 * store_queue.h): each passes its arguments to the backend the store was
 * opened with (store_priv.h, struct store_ops). Nothing else lives here.
 */
#include "store.h"

#include "store_priv.h"

static int unsupported(struct rig_store *s, const char *what, struct rig_error *err)
{
	return rig_fail(err, RIG_ERR_NOT_SUPPORTED, "%s: %s is not supported by the %s store yet",
			s->path, what, s->ops->name);
}

/* The backend's member, or "not supported" when it has none. */
#define DISPATCH(member, ...)                                                                      \
	(s->ops->member ? s->ops->member(s, __VA_ARGS__) : unsupported(s, #member, err))

int rig_store_add_env(struct rig_store *s, const struct rig_kvlist *env, int64_t *id,
		      struct rig_error *err)
{
	return DISPATCH(add_env, env, id, err);
}

int rig_store_add_build(struct rig_store *s, const struct rig_artifact *a, int64_t *id,
			struct rig_error *err)
{
	return DISPATCH(add_build, a, id, err);
}

int rig_store_begin_run(struct rig_store *s, const struct rig_run_key *key, int64_t env_id,
			int n_planned, int warmup, int emulated, int resume, int64_t *run_id,
			int *have, struct rig_error *err)
{
	return DISPATCH(begin_run, key, env_id, n_planned, warmup, emulated, resume, run_id, have,
			err);
}

int rig_store_end_run(struct rig_store *s, int64_t run_id, struct rig_error *err)
{
	return DISPATCH(end_run, run_id, err);
}

int rig_store_add_sample(struct rig_store *s, int64_t run_id, int idx, const struct rig_sample *smp,
			 struct rig_error *err)
{
	return DISPATCH(add_sample, run_id, idx, smp, NULL, 0, 0, err);
}

int rig_store_add_sample_fenced(struct rig_store *s, int64_t run_id, int idx,
				const struct rig_sample *smp, const char *board, int64_t token,
				int64_t now_ms, struct rig_error *err)
{
	if (token <= 0)
		return rig_fail(err, RIG_ERR_FENCED,
				"sample %d of run %lld on board %s refused: no lease token",
				idx + 1, (long long)run_id, board);
	return DISPATCH(add_sample, run_id, idx, smp, board, token, now_ms, err);
}

int rig_store_add_samples_fenced(struct rig_store *s, int64_t run_id, int first_idx, size_t n,
				 const struct rig_sample *smp, const char *board, int64_t token,
				 int64_t now_ms, struct rig_error *err)
{
	int rc = 0;

	if (s->ops->add_samples && token > 0)
		return s->ops->add_samples(s, run_id, first_idx, n, smp, board, token, now_ms,
					   err);
	for (size_t i = 0; i < n && !rc; i++)
		rc = rig_store_add_sample_fenced(s, run_id, first_idx + (int)i, &smp[i], board,
						 token, now_ms, err);
	return rc;
}

int rig_store_add_skip(struct rig_store *s, const char *board, const char *toolchain,
		       const char *profile, const char *workload, const char *reason,
		       struct rig_error *err)
{
	return DISPATCH(add_skip, board, toolchain, profile, workload, reason, err);
}

int rig_store_each_series(struct rig_store *s, const char *board_filter,
			  const char *workload_filter, rig_series_cb cb, void *ctx,
			  struct rig_error *err)
{
	return DISPATCH(each_series, board_filter, workload_filter, cb, ctx, err);
}

int rig_store_each_skip(struct rig_store *s, int64_t since, rig_skip_cb cb, void *ctx,
			struct rig_error *err)
{
	return DISPATCH(each_skip, since, cb, ctx, err);
}

int rig_store_names(struct rig_store *s, const char *what, struct rig_strv *out,
		    struct rig_error *err)
{
	return DISPATCH(names, what, out, err);
}

int rig_store_list_runs(struct rig_store *s, struct rig_run_info **out, size_t *n,
			struct rig_error *err)
{
	return DISPATCH(list_runs, out, n, err);
}

int rig_store_run_metric_names(struct rig_store *s, int64_t run_id, struct rig_strv *names,
			       struct rig_strv *units, struct rig_error *err)
{
	return DISPATCH(run_metric_names, run_id, names, units, err);
}

int rig_store_run_values(struct rig_store *s, int64_t run_id, const char *metric, double **v,
			 size_t *n, struct rig_error *err)
{
	return DISPATCH(run_values, run_id, metric, v, n, err);
}

int rig_store_env_facts(struct rig_store *s, int64_t env_id, struct rig_kvlist *out,
			struct rig_error *err)
{
	return DISPATCH(env_facts, env_id, out, err);
}

int rig_store_run_hists(struct rig_store *s, int64_t run_id, const char *name, rig_hist_blob_cb cb,
			void *ctx, struct rig_error *err)
{
	return DISPATCH(run_hists, run_id, name, cb, ctx, err);
}

int rig_store_lease_take(struct rig_store *s, const char *board, const char *owner, int64_t now_ms,
			 int64_t ttl_ms, int64_t *token, struct rig_lease_row *holder,
			 struct rig_error *err)
{
	return DISPATCH(lease_take, board, owner, now_ms, ttl_ms, token, holder, err);
}

int rig_store_lease_renew(struct rig_store *s, const char *board, int64_t token, int64_t now_ms,
			  int64_t ttl_ms, struct rig_error *err)
{
	return DISPATCH(lease_renew, board, token, now_ms, ttl_ms, err);
}

int rig_store_lease_drop(struct rig_store *s, const char *board, int64_t token,
			 struct rig_error *err)
{
	return DISPATCH(lease_drop, board, token, err);
}

int rig_store_lease_force(struct rig_store *s, const char *board, const char *who, char *what,
			  size_t what_cap, struct rig_error *err)
{
	return DISPATCH(lease_force, board, who, what, what_cap, err);
}

int rig_store_lease_get(struct rig_store *s, const char *board, struct rig_lease_row *row,
			struct rig_error *err)
{
	return DISPATCH(lease_get, board, row, err);
}

int rig_store_board_state(struct rig_store *s, const char *board, struct rig_board_state *st,
			  struct rig_error *err)
{
	return DISPATCH(board_state, board, st, err);
}

int rig_store_board_failure(struct rig_store *s, const char *board, const char *who,
			    const char *reason, int *failures, struct rig_error *err)
{
	return DISPATCH(board_failure, board, who, reason, failures, err);
}

int rig_store_board_ok(struct rig_store *s, const char *board, struct rig_error *err)
{
	return DISPATCH(board_ok, board, err);
}

int rig_store_board_quarantine(struct rig_store *s, const char *board, const char *who,
			       const char *reason, const char *evidence, struct rig_error *err)
{
	return DISPATCH(board_quarantine, board, who, reason, evidence, err);
}

int rig_store_board_health(struct rig_store *s, const char *board, int pass, const char *result,
			   struct rig_error *err)
{
	return DISPATCH(board_health, board, pass, result, err);
}

int rig_store_farm_log(struct rig_store *s, const char *board, const char *who, const char *event,
		       int64_t token, const char *detail, struct rig_error *err)
{
	return DISPATCH(farm_log, board, who, event, token, detail, err);
}

int rig_store_farm_boards(struct rig_store *s, struct rig_strv *out, struct rig_error *err)
{
	return DISPATCH(farm_boards, out, err);
}

int rig_store_farm_events(struct rig_store *s, const char *board, int limit, rig_farm_event_cb cb,
			  void *ctx, struct rig_error *err)
{
	return DISPATCH(farm_events, board, limit, cb, ctx, err);
}

int rig_store_job_submit(struct rig_store *s, const struct rig_job *job, int64_t *id,
			 struct rig_error *err)
{
	return DISPATCH(job_submit, job, id, err);
}

int rig_store_job_take(struct rig_store *s, const char *worker, const struct rig_strv *boards,
		       int64_t now_ms, int64_t left_before_ms, struct rig_job *job,
		       struct rig_error *err)
{
	return DISPATCH(job_take, worker, boards, now_ms, left_before_ms, job, err);
}

int rig_store_job_heartbeat(struct rig_store *s, int64_t id, const char *worker, int64_t now_ms,
			    struct rig_error *err)
{
	return DISPATCH(job_heartbeat, id, worker, now_ms, err);
}

int rig_store_job_finish(struct rig_store *s, int64_t id, const char *worker, int ok,
			 const char *result, struct rig_error *err)
{
	return DISPATCH(job_finish, id, worker, ok, result, err);
}

int rig_store_job_requeue_dead(struct rig_store *s, int64_t now_ms, int64_t dead_after_ms,
			       int max_attempts, struct rig_error *err)
{
	return DISPATCH(job_requeue_dead, now_ms, dead_after_ms, max_attempts, err);
}

int rig_store_job_counts(struct rig_store *s, struct rig_job_counts *c, struct rig_error *err)
{
	return DISPATCH(job_counts, c, err);
}

int rig_store_health_add(struct rig_store *s, const struct rig_health_row *row,
			 struct rig_error *err)
{
	return DISPATCH(health_add, row, err);
}

int rig_store_health_history(struct rig_store *s, const char *board, int pass_only,
			     struct rig_health_row *rows, int cap, int *n, struct rig_error *err)
{
	*n = 0;
	return DISPATCH(health_history, board, pass_only, rows, cap, n, err);
}

int rig_store_run_board_values(struct rig_store *s, int64_t run_id, const char *metric,
			       struct rig_strv *boards, double **v, size_t *n,
			       struct rig_error *err)
{
	*v = NULL;
	*n = 0;
	return DISPATCH(run_board_values, run_id, metric, boards, v, n, err);
}
