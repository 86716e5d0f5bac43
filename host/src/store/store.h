/*
 * The results store: SQLite (WAL) in .rig/rig.db of the project directory
 * unless --db names another file, or PostgreSQL when --db (or RIG_STORE) is
 * a postgresql:// URL (libpq; docs/farm.md). Both backends keep the same
 * schema, migrations and contract; store_priv.h has the backend table. Every sample is committed on
 * its own, so a bench that is interrupted (Ctrl-C, kill -9) keeps each finished sample, and the
 * same bench run again resumes its incomplete runs.
 *
 * The contract (docs/reliability.md, tests/unit/test_store_contract.c):
 *
 * - Schema versions. The schema is a list of migrations in store.c; a store
 *   records its version (PRAGMA user_version, and meta 'schema').
 *   rig_store_open() upgrades an older store in one transaction and refuses
 *   a newer one ("written by a newer rig"). To add a column or a table,
 *   append {N + 1, "what", "ALTER TABLE ...;"} to migrations[] in store.c,
 *   never edit an entry that has shipped, and read the new column with a
 *   default for rows written before it (coalesce).
 * - A run's plan is fixed when it starts: samples, warm-up, iterations and
 *   timeout. A bench with another plan starts a new run; a complete run is
 *   never resumed or extended.
 * - One bench per run: a run being measured belongs to its bench (runs.owner:
 *   host:pid:process start time) until rig_store_end_run() or that process
 *   ends. A second bench that reaches such a run refuses with a message
 *   naming it instead of writing into it.
 * - Read-only stores can be read: rig_store_open_read() opens a store whose
 *   file or directory is not writable (results, export).
 * - Errors name the store file and say what the state means (busy,
 *   read-only, newer schema, not a store), with SQLite's words after.
 */
#ifndef RIG_STORE_H
#define RIG_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "artifact.h"
#include "error.h"
#include "sample.h"
#include "util.h"

struct rig_store;

/* Opens (creating when absent) for writing; checks and upgrades the schema.
 * RIG_ERR_STORE with a message when the store is read-only, newer than this
 * rig, busy or not a store. Blocks up to 10 s on a busy store. */
int rig_store_open(const char *path, struct rig_store **out, struct rig_error *err);
/* Opens an existing store for reading only (works when the file or its
 * directory is read-only). RIG_ERR_NOT_FOUND when there is no file;
 * RIG_ERR_STORE when its schema is not this rig's (an older one cannot be
 * upgraded without writing). */
int rig_store_open_read(const char *path, struct rig_store **out, struct rig_error *err);
/* The schema version this rig writes (the number of migrations). */
int rig_store_schema_version(void);
void rig_store_close(struct rig_store *s);

/* Records an environment (host facts, board facts, tool versions); returns
 * its id in *id. */
int rig_store_add_env(struct rig_store *s, const struct rig_kvlist *env, int64_t *id,
		      struct rig_error *err);

/* Records a build, or finds the same one (by sha256 + profile + workload +
 * board target); id in *id. */
int rig_store_add_build(struct rig_store *s, const struct rig_artifact *a, int64_t *id,
			struct rig_error *err);

/* What identifies one series of samples: the same bench run again finds it. */
struct rig_run_key {
	const char *board;
	int64_t build_id;
	const char *workload;
	long long iterations;
	long long timeout_ms; /* part of the plan (not of the identity): 0 none given */
	const char *load;     /* the --load spec of a service run, NULL otherwise (identity) */
};

/*
 * Starts a run for key or, with resume = 1, takes up the newest run with the
 * same key when its plan is the same (n_planned, warmup, key->timeout_ms) and
 * it has fewer samples than planned. Sets *run_id and *have (samples already
 * stored: the caller takes only n_planned - have more). The run belongs to
 * this process until rig_store_end_run(). RIG_ERR_STORE when the newest run
 * with that key is incomplete and another live bench is measuring it.
 */
int rig_store_begin_run(struct rig_store *s, const struct rig_run_key *key, int64_t env_id,
			int n_planned, int warmup, int emulated, int resume, int64_t *run_id,
			int *have, struct rig_error *err);
/* Gives a run up (it can be resumed by another bench). */
int rig_store_end_run(struct rig_store *s, int64_t run_id, struct rig_error *err);

/* Who is measuring: "host:pid:start-ticks" of this process, and whether
 * such an owner still runs (on another host: counted as running). */
void rig_store_owner_id(char *buf, size_t cap);
int rig_store_owner_alive(const char *owner);

/* Stores one sample with its metrics in one transaction. */
int rig_store_add_sample(struct rig_store *s, int64_t run_id, int idx, const struct rig_sample *smp,
			 struct rig_error *err);

/* Records that a (board, toolchain profile, workload) combination was
 * skipped and why; shown in results beside measured rows. */
int rig_store_add_skip(struct rig_store *s, const char *board, const char *toolchain,
		       const char *profile, const char *workload, const char *reason,
		       struct rig_error *err);

/* One row of results: a run with its build, and every value of one metric. */
struct rig_series {
	int64_t run_id;
	char board[64], toolchain[32], profile[48], workload[32], target[64];
	int emulated;
	long long iterations;
	int64_t started;
	int n_ok, n_failed;
	struct rig_sizes sizes;
	char sha256[65];
	char tc_version[160];
	char metric[48], unit[24];
	char flags[32]; /* "hot", "throttled": board facts of the run's environment */
	char load[160]; /* the run's --load spec ("" none): part of the cell */
	double *values; /* n_ok values, in sample order; owned */
	size_t n_values;
};

/* Calls cb for every (latest run per board/profile/workload/load) x metric, in a
 * stable order. Filters may be NULL. */
typedef int (*rig_series_cb)(void *ctx, const struct rig_series *sr);
int rig_store_each_series(struct rig_store *s, const char *board_filter,
			  const char *workload_filter, rig_series_cb cb, void *ctx,
			  struct rig_error *err);

/* Skips recorded since `since` (unix seconds; 0: all), newest per combination. */
struct rig_skip {
	char board[64], toolchain[32], profile[48], workload[32], reason[512];
};
typedef int (*rig_skip_cb)(void *ctx, const struct rig_skip *sk);
int rig_store_each_skip(struct rig_store *s, int64_t since, rig_skip_cb cb, void *ctx,
			struct rig_error *err);

/* The distinct boards, workloads or profiles (what: "board", "workload",
 * "profile") that have runs, sorted, appended to out. */
int rig_store_names(struct rig_store *s, const char *what, struct rig_strv *out,
		    struct rig_error *err);

/* The file or URL the store was opened from, as given (a worker opens its
 * own connection to it: a URL keeps any password in it, so keep passwords
 * in ~/.pgpass or PGPASSWORD instead), and this process's owner id
 * (rig_store_owner_id). */
const char *rig_store_path(const struct rig_store *s);
const char *rig_store_owner(const struct rig_store *s);

/* "SQLite" or "PostgreSQL". */
const char *rig_store_backend(const struct rig_store *s);

/* Raw access for tests and tools: the SQLite connection, NULL on a
 * PostgreSQL store. */
struct sqlite3 *rig_store_db(struct rig_store *s);

#endif
