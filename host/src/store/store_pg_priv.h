/*
 * What the PostgreSQL backend's files share (store_pg.c opens, migrates
 * and holds the helpers; store_pg_write.c, store_pg_read.c,
 * store_pg_lease.c and store_pg_queue.c are its members of store_ops).
 * Every statement is parameterised ($1, $2, ...: PQexecParams with text
 * parameters); no value is ever pasted into SQL.
 */
#ifndef RIG_STORE_PG_PRIV_H
#define RIG_STORE_PG_PRIV_H

#include <libpq-fe.h>
#include <stdint.h>

#include "store_priv.h"

#define PG_MAX_PARAMS 256

/* Parameters of one statement, in $ order; NULL values are SQL NULL. */
struct pg_params {
	int n;
	const char *v[PG_MAX_PARAMS];
	char num[PG_MAX_PARAMS][32]; /* the text of numeric parameters */
};

void pgp_text(struct pg_params *p, const char *t);
void pgp_int(struct pg_params *p, int64_t v);
void pgp_real(struct pg_params *p, double v);

/* Runs sql with p (may be NULL). With res non-NULL the result is left in
 * *res for the caller to PQclear (rows wanted); otherwise it is cleared.
 * Fails err naming what was being done, the store and what the server's
 * error means for a person (busy, duplicate row, unreachable); returns 0,
 * RIG_ERR_STORE_LOST when the server could not be reached (it is
 * restarting: the next statement reconnects) or RIG_ERR_STORE. A connection found broken before the statement is
 * re-established first (a restarted server). Blocks on the round trip. */
int pg_run(struct rig_store *s, const char *sql, const struct pg_params *p, PGresult **res,
	   const char *what, struct rig_error *err);
/* The number of rows the last command changed (PQcmdTuples of res). */
int pg_changes(PGresult *res);
/* BEGIN; COMMIT; ROLLBACK (returning rc, for error paths). */
int pg_begin(struct rig_store *s, struct rig_error *err);
int pg_commit(struct rig_store *s, struct rig_error *err);
int pg_rollback(struct rig_store *s, int rc);
/* Serialises the transaction with every other one taking the same key
 * (pg_advisory_xact_lock; held until COMMIT or ROLLBACK). */
int pg_lock(struct rig_store *s, const char *key, struct rig_error *err);

/* Cell (row, col) of res: as an integer (0 for NULL), a double, or text
 * into out ("" for NULL, truncated to cap). */
int64_t pg_int(const PGresult *res, int row, int col);
double pg_real(const PGresult *res, int row, int col);
void pg_text(const PGresult *res, int row, int col, char *out, size_t cap);

/* The members of store_pg_ops, by file. */
int pg_add_env(struct rig_store *s, const struct rig_kvlist *env, int64_t *id,
	       struct rig_error *err);
int pg_add_build(struct rig_store *s, const struct rig_artifact *a, int64_t *id,
		 struct rig_error *err);
int pg_begin_run(struct rig_store *s, const struct rig_run_key *key, int64_t env_id, int n_planned,
		 int warmup, int emulated, int resume, int64_t *run_id, int *have,
		 struct rig_error *err);
int pg_end_run(struct rig_store *s, int64_t run_id, struct rig_error *err);
int pg_add_sample(struct rig_store *s, int64_t run_id, int idx, const struct rig_sample *smp,
		  const char *board, int64_t token, int64_t now_ms, struct rig_error *err);
int pg_add_samples(struct rig_store *s, int64_t run_id, int first_idx, size_t n,
		   const struct rig_sample *smp, const char *board, int64_t token, int64_t now_ms,
		   struct rig_error *err);
int pg_add_skip(struct rig_store *s, const char *board, const char *toolchain, const char *profile,
		const char *workload, const char *reason, struct rig_error *err);
int pg_each_series(struct rig_store *s, const char *board_filter, const char *workload_filter,
		   rig_series_cb cb, void *ctx, struct rig_error *err);
int pg_each_skip(struct rig_store *s, int64_t since, rig_skip_cb cb, void *ctx,
		 struct rig_error *err);
int pg_names(struct rig_store *s, const char *what, struct rig_strv *out, struct rig_error *err);
int pg_list_runs(struct rig_store *s, struct rig_run_info **out, size_t *n, struct rig_error *err);
int pg_run_metric_names(struct rig_store *s, int64_t run_id, struct rig_strv *names,
			struct rig_strv *units, struct rig_error *err);
int pg_run_board_values(struct rig_store *s, int64_t run_id, const char *metric,
			struct rig_strv *boards, double **v, size_t *n, struct rig_error *err);
int pg_run_hists(struct rig_store *s, int64_t run_id, const char *name, rig_hist_blob_cb cb,
		 void *ctx, struct rig_error *err);
int pg_run_values(struct rig_store *s, int64_t run_id, const char *metric, double **v, size_t *n,
		  struct rig_error *err);
int pg_env_facts(struct rig_store *s, int64_t env_id, struct rig_kvlist *out,
		 struct rig_error *err);
int pg_lease_take(struct rig_store *s, const char *board, const char *owner, int64_t now_ms,
		  int64_t ttl_ms, int64_t *token, struct rig_lease_row *holder,
		  struct rig_error *err);
int pg_lease_renew(struct rig_store *s, const char *board, int64_t token, int64_t now_ms,
		   int64_t ttl_ms, struct rig_error *err);
int pg_lease_drop(struct rig_store *s, const char *board, int64_t token, struct rig_error *err);
int pg_lease_force(struct rig_store *s, const char *board, const char *who, char *what,
		   size_t what_cap, struct rig_error *err);
int pg_lease_get(struct rig_store *s, const char *board, struct rig_lease_row *row,
		 struct rig_error *err);
int pg_farm_log(struct rig_store *s, const char *board, const char *who, const char *event,
		int64_t token, const char *detail, struct rig_error *err);
int pg_board_state(struct rig_store *s, const char *board, struct rig_board_state *st,
		   struct rig_error *err);
int pg_board_failure(struct rig_store *s, const char *board, const char *who, const char *reason,
		     int *failures, struct rig_error *err);
int pg_board_ok(struct rig_store *s, const char *board, struct rig_error *err);
int pg_board_quarantine(struct rig_store *s, const char *board, const char *who, const char *reason,
			const char *evidence, struct rig_error *err);
int pg_board_health(struct rig_store *s, const char *board, int pass, const char *result,
		    struct rig_error *err);
int pg_health_add(struct rig_store *s, const struct rig_health_row *r, struct rig_error *err);
int pg_health_history(struct rig_store *s, const char *board, int pass_only,
		      struct rig_health_row *rows, int cap, int *n, struct rig_error *err);
int pg_farm_events(struct rig_store *s, const char *board, int limit, rig_farm_event_cb cb,
		   void *ctx, struct rig_error *err);
int pg_farm_boards(struct rig_store *s, struct rig_strv *out, struct rig_error *err);
int pg_job_submit(struct rig_store *s, const struct rig_job *job, int64_t *id,
		  struct rig_error *err);
int pg_job_take(struct rig_store *s, const char *worker, const struct rig_strv *boards,
		int64_t now_ms, int64_t left_before_ms, struct rig_job *job,
		struct rig_error *err);
int pg_job_heartbeat(struct rig_store *s, int64_t id, const char *worker, int64_t now_ms,
		     struct rig_error *err);
int pg_job_finish(struct rig_store *s, int64_t id, const char *worker, int ok, const char *result,
		  struct rig_error *err);
int pg_job_requeue_dead(struct rig_store *s, int64_t now_ms, int64_t dead_after_ms,
			int max_attempts, struct rig_error *err);
int pg_job_counts(struct rig_store *s, struct rig_job_counts *c, struct rig_error *err);

#endif
