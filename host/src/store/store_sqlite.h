/*
 * The SQLite backend's functions (store.c, store_write.c, store_read.c,
 * store_runs.c, store_lease.c, store_queue.c), gathered in store.c's
 * store_sqlite_ops. Each has the contract of the public function with the
 * same name after rig_store_ (store_priv.h says which header).
 */
#ifndef RIG_STORE_SQLITE_H
#define RIG_STORE_SQLITE_H

#include "store_priv.h"

int sq_add_env(struct rig_store *s, const struct rig_kvlist *env, int64_t *id,
	       struct rig_error *err);
int sq_add_build(struct rig_store *s, const struct rig_artifact *a, int64_t *id,
		 struct rig_error *err);
int sq_begin_run(struct rig_store *s, const struct rig_run_key *key, int64_t env_id, int n_planned,
		 int warmup, int emulated, int resume, int64_t *run_id, int *have,
		 struct rig_error *err);
int sq_end_run(struct rig_store *s, int64_t run_id, struct rig_error *err);
int sq_add_sample(struct rig_store *s, int64_t run_id, int idx, const struct rig_sample *smp,
		  struct rig_error *err);
int sq_add_sample_fenced(struct rig_store *s, int64_t run_id, int idx, const struct rig_sample *smp,
			 const char *board, int64_t token, int64_t now_ms, struct rig_error *err);
int sq_add_samples_fenced(struct rig_store *s, int64_t run_id, int first_idx, size_t n,
			  const struct rig_sample *smp, const char *board, int64_t token,
			  int64_t now_ms, struct rig_error *err);
int sq_add_skip(struct rig_store *s, const char *board, const char *toolchain, const char *profile,
		const char *workload, const char *reason, struct rig_error *err);
int sq_each_series(struct rig_store *s, const char *board_filter, const char *workload_filter,
		   rig_series_cb cb, void *ctx, struct rig_error *err);
int sq_each_skip(struct rig_store *s, int64_t since, rig_skip_cb cb, void *ctx,
		 struct rig_error *err);
int sq_names(struct rig_store *s, const char *what, struct rig_strv *out, struct rig_error *err);
int sq_list_runs(struct rig_store *s, struct rig_run_info **out, size_t *n, struct rig_error *err);
int sq_run_metric_names(struct rig_store *s, int64_t run_id, struct rig_strv *names,
			struct rig_strv *units, struct rig_error *err);
int sq_run_board_values(struct rig_store *s, int64_t run_id, const char *metric,
			struct rig_strv *boards, double **v, size_t *n, struct rig_error *err);
int sq_run_hists(struct rig_store *s, int64_t run_id, const char *name, rig_hist_blob_cb cb,
		 void *ctx, struct rig_error *err);
int sq_run_values(struct rig_store *s, int64_t run_id, const char *metric, double **v, size_t *n,
		  struct rig_error *err);
int sq_env_facts(struct rig_store *s, int64_t env_id, struct rig_kvlist *out,
		 struct rig_error *err);
int sq_lease_take(struct rig_store *s, const char *board, const char *owner, int64_t now_ms,
		  int64_t ttl_ms, int64_t *token, struct rig_lease_row *holder,
		  struct rig_error *err);
int sq_lease_renew(struct rig_store *s, const char *board, int64_t token, int64_t now_ms,
		   int64_t ttl_ms, struct rig_error *err);
int sq_lease_drop(struct rig_store *s, const char *board, int64_t token, struct rig_error *err);
int sq_lease_force(struct rig_store *s, const char *board, const char *who, char *what,
		   size_t what_cap, struct rig_error *err);
int sq_lease_get(struct rig_store *s, const char *board, struct rig_lease_row *row,
		 struct rig_error *err);
int sq_board_state(struct rig_store *s, const char *board, struct rig_board_state *st,
		   struct rig_error *err);
int sq_board_failure(struct rig_store *s, const char *board, const char *who, const char *reason,
		     int *failures, struct rig_error *err);
int sq_board_ok(struct rig_store *s, const char *board, struct rig_error *err);
int sq_board_quarantine(struct rig_store *s, const char *board, const char *who, const char *reason,
			const char *evidence, struct rig_error *err);
int sq_board_health(struct rig_store *s, const char *board, int pass, const char *result,
		    struct rig_error *err);
int sq_farm_log(struct rig_store *s, const char *board, const char *who, const char *event,
		int64_t token, const char *detail, struct rig_error *err);
int sq_farm_boards(struct rig_store *s, struct rig_strv *out, struct rig_error *err);
int sq_health_add(struct rig_store *s, const struct rig_health_row *r, struct rig_error *err);
int sq_health_history(struct rig_store *s, const char *board, int pass_only,
		      struct rig_health_row *rows, int cap, int *n, struct rig_error *err);
int sq_farm_events(struct rig_store *s, const char *board, int limit, rig_farm_event_cb cb,
		   void *ctx, struct rig_error *err);
int sq_job_submit(struct rig_store *s, const struct rig_job *job, int64_t *id,
		  struct rig_error *err);
int sq_job_take(struct rig_store *s, const char *worker, const struct rig_strv *boards,
		int64_t now_ms, int64_t left_before_ms, struct rig_job *job,
		struct rig_error *err);
int sq_job_heartbeat(struct rig_store *s, int64_t id, const char *worker, int64_t now_ms,
		     struct rig_error *err);
int sq_job_finish(struct rig_store *s, int64_t id, const char *worker, int ok, const char *result,
		  struct rig_error *err);
int sq_job_requeue_dead(struct rig_store *s, int64_t now_ms, int64_t dead_after_ms,
			int max_attempts, struct rig_error *err);
int sq_job_counts(struct rig_store *s, struct rig_job_counts *c, struct rig_error *err);

#endif
