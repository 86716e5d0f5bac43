/*
 * What the store's files share and nothing else sees: the handle, the
 * backend table and the small SQLite helpers. A store is SQLite (a file
 * path: store.c opens, migrates and closes; store_write.c, store_read.c,
 * store_runs.c and store_lease.c are its writes and reads) or PostgreSQL (a
 * postgresql:// URL: store_pg*.c). store_api.c is the public interface of
 * store.h, store_runs.h and store_lease.h, and only dispatches through
 * s->ops; both backends share the migrations of store_schema.c.
 */
#ifndef RIG_STORE_PRIV_H
#define RIG_STORE_PRIV_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "sample.h"
#include "store.h"
#include "store_health.h"
#include "store_lease.h"
#include "store_queue.h"
#include "store_runs.h"

/*
 * One backend of the store. Every member has the contract of the public
 * function of the same name (store.h, store_runs.h, store_lease.h,
 * store_queue.h): it returns 0 (or the documented count or flag) or a
 * negative rig error with a message naming the store, and blocks on the
 * database only (SQLite's 10 s busy wait; a PostgreSQL round trip, or a
 * row lock held by another transaction). A NULL member is "not supported
 * by this backend": store_api.c fails with RIG_ERR_NOT_SUPPORTED naming it.
 */
/* Hex text of data appended to out (NUL-terminated); and back: -1 on an odd
 * length or a non-hex digit (store_hex.c). */
void store_hex_encode(const void *data, size_t len, struct rig_buf *out);
int store_hex_decode(const char *text, struct rig_buf *out);

struct store_ops {
	const char *name; /* "SQLite", "PostgreSQL": for messages */
	/* Frees the connection and s itself. Never fails, never NULL. */
	void (*close)(struct rig_store *s);
	/* Writes (store.h). Each is one transaction. */
	int (*add_env)(struct rig_store *s, const struct rig_kvlist *env, int64_t *id,
		       struct rig_error *err);
	int (*add_build)(struct rig_store *s, const struct rig_artifact *a, int64_t *id,
			 struct rig_error *err);
	int (*begin_run)(struct rig_store *s, const struct rig_run_key *key, int64_t env_id,
			 int n_planned, int warmup, int emulated, int resume, int64_t *run_id,
			 int *have, struct rig_error *err);
	int (*end_run)(struct rig_store *s, int64_t run_id, struct rig_error *err);
	/* A sample; token > 0: only while (board, token) is the board's current
	 * unexpired lease at now_ms (rig_store_add_sample_fenced), checked in the
	 * same transaction; token 0: unconditionally (board may be NULL). */
	int (*add_sample)(struct rig_store *s, int64_t run_id, int idx,
			  const struct rig_sample *smp, const char *board, int64_t token,
			  int64_t now_ms, struct rig_error *err);
	/* Samples first_idx.. of run_id under (board, token > 0) in one
	 * transaction, the fence checked once: all stored or none.
	 * Optional: NULL means one add_sample per sample. Blocks. */
	int (*add_samples)(struct rig_store *s, int64_t run_id, int first_idx, size_t n,
			   const struct rig_sample *smp, const char *board, int64_t token,
			   int64_t now_ms, struct rig_error *err);
	int (*add_skip)(struct rig_store *s, const char *board, const char *toolchain,
			const char *profile, const char *workload, const char *reason,
			struct rig_error *err);
	/* Reads (store.h, store_runs.h). */
	int (*each_series)(struct rig_store *s, const char *board_filter,
			   const char *workload_filter, rig_series_cb cb, void *ctx,
			   struct rig_error *err);
	int (*each_skip)(struct rig_store *s, int64_t since, rig_skip_cb cb, void *ctx,
			 struct rig_error *err);
	int (*names)(struct rig_store *s, const char *what, struct rig_strv *out,
		     struct rig_error *err);
	int (*list_runs)(struct rig_store *s, struct rig_run_info **out, size_t *n,
			 struct rig_error *err);
	int (*run_metric_names)(struct rig_store *s, int64_t run_id, struct rig_strv *names,
				struct rig_strv *units, struct rig_error *err);
	int (*run_values)(struct rig_store *s, int64_t run_id, const char *metric, double **v,
			  size_t *n, struct rig_error *err);
	int (*env_facts)(struct rig_store *s, int64_t env_id, struct rig_kvlist *out,
			 struct rig_error *err);
	int (*run_board_values)(struct rig_store *s, int64_t run_id, const char *metric,
				struct rig_strv *boards, double **v, size_t *n,
				struct rig_error *err);
	/* Each ok sample's histogram name of a run (rig_store_run_hists): cb
	 * per sample in sample order; a count, or RIG_ERR_STORE (RIG_ERR_PARSE
	 * for stored text that is not hex). Optional. */
	int (*run_hists)(struct rig_store *s, int64_t run_id, const char *name, rig_hist_blob_cb cb,
			 void *ctx, struct rig_error *err);
	/* Leases (store_lease.h). */
	int (*lease_take)(struct rig_store *s, const char *board, const char *owner, int64_t now_ms,
			  int64_t ttl_ms, int64_t *token, struct rig_lease_row *holder,
			  struct rig_error *err);
	int (*lease_renew)(struct rig_store *s, const char *board, int64_t token, int64_t now_ms,
			   int64_t ttl_ms, struct rig_error *err);
	int (*lease_drop)(struct rig_store *s, const char *board, int64_t token,
			  struct rig_error *err);
	int (*lease_force)(struct rig_store *s, const char *board, const char *who, char *what,
			   size_t what_cap, struct rig_error *err);
	int (*lease_get)(struct rig_store *s, const char *board, struct rig_lease_row *row,
			 struct rig_error *err);
	/* Board states and the farm log (store_lease.h). Optional. */
	int (*board_state)(struct rig_store *s, const char *board, struct rig_board_state *st,
			   struct rig_error *err);
	int (*board_failure)(struct rig_store *s, const char *board, const char *who,
			     const char *reason, int *failures, struct rig_error *err);
	int (*board_ok)(struct rig_store *s, const char *board, struct rig_error *err);
	int (*board_quarantine)(struct rig_store *s, const char *board, const char *who,
				const char *reason, const char *evidence, struct rig_error *err);
	int (*board_health)(struct rig_store *s, const char *board, int pass, const char *result,
			    struct rig_error *err);
	int (*farm_log)(struct rig_store *s, const char *board, const char *who, const char *event,
			int64_t token, const char *detail, struct rig_error *err);
	int (*farm_boards)(struct rig_store *s, struct rig_strv *out, struct rig_error *err);
	int (*farm_events)(struct rig_store *s, const char *board, int limit, rig_farm_event_cb cb,
			   void *ctx, struct rig_error *err);
	/* Health checks (store_health.h). Optional. */
	int (*health_add)(struct rig_store *s, const struct rig_health_row *row,
			  struct rig_error *err);
	int (*health_history)(struct rig_store *s, const char *board, int pass_only,
			      struct rig_health_row *rows, int cap, int *n, struct rig_error *err);
	/* The job queue (store_queue.h). Optional. */
	int (*job_submit)(struct rig_store *s, const struct rig_job *job, int64_t *id,
			  struct rig_error *err);
	int (*job_take)(struct rig_store *s, const char *worker, const struct rig_strv *boards,
			int64_t now_ms, int64_t left_before_ms, struct rig_job *job,
			struct rig_error *err);
	int (*job_heartbeat)(struct rig_store *s, int64_t id, const char *worker, int64_t now_ms,
			     struct rig_error *err);
	int (*job_finish)(struct rig_store *s, int64_t id, const char *worker, int ok,
			  const char *result, struct rig_error *err);
	int (*job_requeue_dead)(struct rig_store *s, int64_t now_ms, int64_t dead_after_ms,
				int max_attempts, struct rig_error *err);
	int (*job_counts)(struct rig_store *s, struct rig_job_counts *c, struct rig_error *err);
};

#define STORE_KEPT 8 /* statements kept prepared per SQLite connection */

struct rig_store {
	const struct store_ops *ops;
	sqlite3 *db;	     /* SQLite: the connection; PostgreSQL: NULL */
	void *pg;	     /* PostgreSQL: the PGconn; SQLite: NULL */
	char path[1024];     /* the file, or the URL without its password */
	char conninfo[1024]; /* PostgreSQL: the URL as given, for reconnecting */
	char owner[160];     /* this process, as runs.owner names it */
	/* SQLite: statements prepared once per connection (store_prepare_kept) */
	struct {
		const char *sql;
		struct sqlite3_stmt *st;
	} kept[STORE_KEPT];
};

/* The backends. */
extern const struct store_ops store_sqlite_ops;
/* Opens a PostgreSQL store at url (postgresql:// or postgres://), creating
 * or upgrading its schema when writable (store_pg.c). */
int store_pg_open(const char *url, int writable, struct rig_store **out, struct rig_error *err);

/* The migrations, shared by both backends (store_schema.c): entry N takes a
 * store from version N-1 to N, in each backend's dialect. */
struct store_migration {
	int version;	    /* the version the store has after it */
	const char *what;   /* for messages */
	const char *sqlite; /* the SQL for SQLite */
	const char *pg;	    /* the same for PostgreSQL */
};
extern const struct store_migration store_migrations[];
extern const size_t store_n_migrations;

/* Fails err with what the SQLite error on s means for a person ("the store
 * is busy", "read-only here", ...), naming the file and what was being done;
 * returns the error code. */
int store_db_fail(struct rig_store *s, struct rig_error *err, const char *what);

/* sqlite3_prepare_v2 on s, failing err with store_db_fail. */
int store_prepare(struct rig_store *s, const char *sql, sqlite3_stmt **st, struct rig_error *err);

/* The statements a worker runs for every sample (the sample, its metrics,
 * the fence's lease read): prepared on s once and kept, so that parsing SQL
 * is not paid per sample (it was a sixth of rig's CPU at 64 boards,
 * docs/farm.md). sql must be a string literal (kept by address, compared by
 * content). The caller gives the statement back with store_kept_done
 * instead of sqlite3_finalize; at most STORE_KEPT different ones, any more
 * are prepared per call as store_prepare does. */
int store_prepare_kept(struct rig_store *s, const char *sql, sqlite3_stmt **st,
		       struct rig_error *err);

/* Resets and unbinds a statement of store_prepare_kept, or finalizes one
 * that was not kept. NULL is fine. */
void store_kept_done(struct rig_store *s, sqlite3_stmt *st);

/* Finalizes the kept statements of s; before its connection is closed. */
void store_kept_clear(struct rig_store *s);

/* sqlite3_exec of sql (no rows wanted), failing err with store_db_fail. */
int store_exec(struct rig_store *s, const char *sql, struct rig_error *err);

/* Column i of the current row as text into out ("" for NULL), truncated to cap. */
void store_col_text(sqlite3_stmt *st, int i, char *out, size_t cap);

/* Inserts a sample and its metrics inside the caller's transaction; token
 * (> 0) is the lease it was written under, else NULL; board the board that
 * took it (NULL: the run's board). */
int store_insert_sample(struct rig_store *s, int64_t run_id, int idx, const struct rig_sample *smp,
			const char *board, int64_t token, struct rig_error *err);

#endif
