/* The SQLite results store: see store.h. */
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <errno.h>
#include <unistd.h>

#include "log.h"
#include "store_sqlite.h"

#define SCHEMA_VERSION ((int)store_n_migrations)

int rig_store_schema_version(void) { return SCHEMA_VERSION; }

/* What a SQLite failure means for a person: the store's state, not the
 * engine's words (those follow in parentheses). */
static const char *db_hint(int code)
{
	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return "the store is busy: another rig held its lock for more than 10 s; "
		       "try again when it is done";
	case SQLITE_READONLY:
		return "the store is read-only here (the file or its directory is not "
		       "writable): rig results can read it, storing needs write access";
	case SQLITE_FULL:
		return "the disk is full";
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return "the file is not a rig store or is damaged";
	case SQLITE_CANTOPEN:
		return "cannot open the file (missing directory, or no permission)";
	case SQLITE_CONSTRAINT:
		return "that row is stored already: another bench is writing the same run at "
		       "once";
	default:
		return NULL;
	}
}

int store_db_fail(struct rig_store *s, struct rig_error *err, const char *what)
{
	int code = sqlite3_extended_errcode(s->db);
	const char *hint = db_hint(code);

	if (hint) {
		/* the engine's words are for debugging, not the message */
		rig_dbg("%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
		return rig_fail(err, RIG_ERR_STORE, "%s: %s: %s", s->path, what, hint);
	}
	return rig_fail(err, RIG_ERR_STORE, "%s: %s: %s (%s)", s->path, what, sqlite3_errmsg(s->db),
			sqlite3_errstr(code));
}

/* The version a store has: user_version, else meta 'schema' (stores made
 * before migrations), else 0 (a new file). */
static int read_version(struct rig_store *s, int *version, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int uv = 0, meta = 0, rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return store_db_fail(s, err, "read the schema version");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		uv = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_db_fail(s, err, "read the schema version");
	/* no meta table: not a store made by an older rig */
	if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key = 'schema'", -1, &st,
			       NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			meta = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	*version = uv > meta ? uv : meta;
	return 0;
}

static int exec_sql(struct rig_store *s, const char *sql, const char *what, struct rig_error *err)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = store_db_fail(s, err, what);
		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

/* Takes the store from its version to SCHEMA_VERSION in one transaction (a
 * concurrent rig doing the same waits, then finds nothing to do). */
static int migrate(struct rig_store *s, struct rig_error *err)
{
	char what[160], sql[96];
	int version, rc;

	if ((rc = exec_sql(s, "BEGIN IMMEDIATE", "upgrade the schema", err)))
		return rc;
	if ((rc = read_version(s, &version, err)))
		goto fail;
	for (size_t i = 0; i < store_n_migrations; i++) {
		if (store_migrations[i].version <= version)
			continue;
		snprintf(what, sizeof(what), "upgrade the schema to version %d (%s)",
			 store_migrations[i].version, store_migrations[i].what);
		if ((rc = exec_sql(s, store_migrations[i].sqlite, what, err)))
			goto fail;
	}
	snprintf(sql, sizeof(sql),
		 "PRAGMA user_version = %d; INSERT OR REPLACE INTO meta VALUES('schema', '%d');",
		 SCHEMA_VERSION, SCHEMA_VERSION);
	if ((rc = exec_sql(s, sql, "record the schema version", err)) ||
	    (rc = exec_sql(s, "COMMIT", "upgrade the schema", err)))
		goto fail;
	return 0;
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* The version check every open makes: newer than this rig is refused; older
 * is upgraded when writing and refused when only reading. */
static int check_version(struct rig_store *s, int writable, struct rig_error *err)
{
	int version, rc;

	if ((rc = read_version(s, &version, err)))
		return rc;
	if (version > SCHEMA_VERSION)
		return rig_fail(err, RIG_ERR_STORE,
				"%s: the store has schema version %d, newer than this rig's %d: it "
				"was written by a newer rig; use that one, or another --db",
				s->path, version, SCHEMA_VERSION);
	if (version == SCHEMA_VERSION)
		return 0;
	if (!writable)
		return rig_fail(err, RIG_ERR_STORE,
				"%s: the store has schema version %d and this rig reads %d; it is "
				"read-only here, so it cannot be upgraded: run rig once where it "
				"is writable",
				s->path, version, SCHEMA_VERSION);
	return migrate(s, err);
}

static void store_free(struct rig_store *s)
{
	store_kept_clear(s);
	sqlite3_close(s->db);
	free(s);
}

/* The WAL needs files beside the store: its directory must be writable. */
static int dir_writable(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? rig_xasprintf("%.*s", (int)(slash - path), path) : rig_xstrdup(".");
	int ok = access(dir[0] ? dir : "/", W_OK) == 0;

	free(dir);
	return ok;
}

/* Field 22 of /proc/PID/stat: the start time in clock ticks since boot
 * (with the pid it names one process, whatever pids are reused). */
static unsigned long long proc_start(long pid)
{
	char path[64], *text = NULL, *p;
	size_t len;
	unsigned long long start = 0;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (rig_read_file(path, &text, &len, NULL))
		return 0;
	p = strrchr(text, ')'); /* the command name may hold spaces */
	for (int field = 2; p && *p && field < 22; p++)
		if (*p == ' ')
			field++;
	if (p)
		start = strtoull(p, NULL, 10);
	free(text);
	return start;
}

void rig_store_owner_id(char *buf, size_t cap)
{
	char host[64] = "?";

	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	snprintf(buf, cap, "%s:%ld:%llu", host, (long)getpid(), proc_start(getpid()));
}

int rig_store_owner_alive(const char *owner)
{
	char host[64] = "?", me[160];
	long pid;
	unsigned long long start;
	const char *a, *b;

	if (!owner || !owner[0])
		return 0;
	rig_store_owner_id(me, sizeof(me));
	if (strcmp(owner, me) == 0)
		return 1;
	a = strchr(owner, ':');
	b = a ? strchr(a + 1, ':') : NULL;
	if (!a || !b)
		return 0;
	gethostname(host, sizeof(host) - 1);
	/* another machine's bench (a shared file system): it cannot be checked
	 * from here, so it counts as running */
	if ((size_t)(a - owner) != strlen(host) || strncmp(owner, host, (size_t)(a - owner)) != 0)
		return 1;
	pid = strtol(a + 1, NULL, 10);
	start = strtoull(b + 1, NULL, 10);
	if (pid <= 0 || (kill((pid_t)pid, 0) != 0 && errno == ESRCH))
		return 0;
	return proc_start(pid) == start;
}

/* A store URL names a PostgreSQL database; anything else is a file. */
static int is_pg_url(const char *path)
{
	return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

int rig_store_open(const char *path, struct rig_store **out, struct rig_error *err)
{
	struct rig_store *s;
	int rc;

	if (is_pg_url(path))
		return store_pg_open(path, 1, out, err);
	s = rig_xcalloc(1, sizeof(*s));
	s->ops = &store_sqlite_ops;
	snprintf(s->path, sizeof(s->path), "%s", path);
	rig_store_owner_id(s->owner, sizeof(s->owner));
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		rc = s->db ? store_db_fail(s, err, "cannot open the store")
			   : rig_fail(err, RIG_ERR_NO_MEM, "%s: out of memory", path);
		store_free(s);
		return rc;
	}
	sqlite3_busy_timeout(s->db, 10000);
	if (sqlite3_db_readonly(s->db, "main") == 1 || !dir_writable(path)) {
		rc = rig_fail(err, RIG_ERR_STORE, "%s: %s", path, db_hint(SQLITE_READONLY));
		store_free(s);
		return rc;
	}
	if ((rc = exec_sql(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
			   "open the store", err)) ||
	    (rc = exec_sql(s, "PRAGMA foreign_keys=ON", "open the store", err)) ||
	    (rc = check_version(s, 1, err))) {
		store_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* Opens read-only; when the directory is not writable either (no -shm can
 * be made for the WAL), opens the file as immutable: nobody can be writing
 * it then. */
static int open_ro(struct rig_store *s, int immutable)
{
	char *uri;
	int rc;

	store_kept_clear(s);
	sqlite3_close(s->db);
	s->db = NULL;
	uri = sqlite3_mprintf("file:%s%s", s->path, immutable ? "?immutable=1" : "");
	rc = sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
	sqlite3_free(uri);
	if (rc == SQLITE_OK)
		sqlite3_busy_timeout(s->db, 10000);
	return rc;
}

int rig_store_open_read(const char *path, struct rig_store **out, struct rig_error *err)
{
	struct rig_store *s;
	int version = 0, rc;

	if (is_pg_url(path))
		return store_pg_open(path, 0, out, err);
	s = rig_xcalloc(1, sizeof(*s));
	s->ops = &store_sqlite_ops;
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (!rig_file_exists(path)) {
		store_free(s);
		return rig_fail(err, RIG_ERR_NOT_FOUND, "%s: no store here yet (run rig bench)",
				path);
	}
	if (open_ro(s, 0) != SQLITE_OK || read_version(s, &version, NULL) != 0) {
		if (!s->db || open_ro(s, 1) != SQLITE_OK) {
			rc = s->db ? store_db_fail(s, err, "cannot open the store")
				   : rig_fail(err, RIG_ERR_NO_MEM, "%s: out of memory", path);
			store_free(s);
			return rc;
		}
	}
	if ((rc = check_version(s, 0, err))) {
		store_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void rig_store_close(struct rig_store *s)
{
	if (!s)
		return;
	s->ops->close(s);
}

struct sqlite3 *rig_store_db(struct rig_store *s) { return s->db; }

const char *rig_store_path(const struct rig_store *s)
{
	return s->conninfo[0] ? s->conninfo : s->path;
}

const char *rig_store_backend(const struct rig_store *s) { return s->ops->name; }

static int sq_add_sample_any(struct rig_store *s, int64_t run_id, int idx,
			     const struct rig_sample *smp, const char *board, int64_t token,
			     int64_t now_ms, struct rig_error *err)
{
	if (token > 0)
		return sq_add_sample_fenced(s, run_id, idx, smp, board, token, now_ms, err);
	return sq_add_sample(s, run_id, idx, smp, err);
}

const struct store_ops store_sqlite_ops = {
    .name = "SQLite",
    .close = store_free,
    .add_env = sq_add_env,
    .add_build = sq_add_build,
    .begin_run = sq_begin_run,
    .end_run = sq_end_run,
    .add_sample = sq_add_sample_any,
    .add_samples = sq_add_samples_fenced,
    .add_skip = sq_add_skip,
    .each_series = sq_each_series,
    .each_skip = sq_each_skip,
    .names = sq_names,
    .list_runs = sq_list_runs,
    .run_metric_names = sq_run_metric_names,
    .run_values = sq_run_values,
    .run_board_values = sq_run_board_values,
    .run_hists = sq_run_hists,
    .env_facts = sq_env_facts,
    .lease_take = sq_lease_take,
    .lease_renew = sq_lease_renew,
    .lease_drop = sq_lease_drop,
    .lease_force = sq_lease_force,
    .lease_get = sq_lease_get,
    .board_state = sq_board_state,
    .board_failure = sq_board_failure,
    .board_ok = sq_board_ok,
    .board_quarantine = sq_board_quarantine,
    .board_health = sq_board_health,
    .health_add = sq_health_add,
    .health_history = sq_health_history,
    .farm_log = sq_farm_log,
    .farm_boards = sq_farm_boards,
    .farm_events = sq_farm_events,
    .job_submit = sq_job_submit,
    .job_take = sq_job_take,
    .job_heartbeat = sq_job_heartbeat,
    .job_finish = sq_job_finish,
    .job_requeue_dead = sq_job_requeue_dead,
    .job_counts = sq_job_counts,
};

const char *rig_store_owner(const struct rig_store *s) { return s->owner; }

void store_col_text(sqlite3_stmt *st, int i, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	snprintf(out, cap, "%s", t ? (const char *)t : "");
}

int store_prepare(struct rig_store *s, const char *sql, sqlite3_stmt **st, struct rig_error *err)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return store_db_fail(s, err, "prepare");
	return 0;
}

int store_prepare_kept(struct rig_store *s, const char *sql, sqlite3_stmt **st,
		       struct rig_error *err)
{
	size_t i;

	for (i = 0; i < STORE_KEPT && s->kept[i].sql; i++)
		if (s->kept[i].sql == sql || strcmp(s->kept[i].sql, sql) == 0) {
			*st = s->kept[i].st;
			return 0;
		}
	if (sqlite3_prepare_v3(s->db, sql, -1, i < STORE_KEPT ? SQLITE_PREPARE_PERSISTENT : 0, st,
			       NULL) != SQLITE_OK)
		return store_db_fail(s, err, "prepare");
	if (i < STORE_KEPT) {
		s->kept[i].sql = sql;
		s->kept[i].st = *st;
	}
	return 0;
}

void store_kept_done(struct rig_store *s, sqlite3_stmt *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < STORE_KEPT && s->kept[i].sql; i++)
		if (s->kept[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return;
		}
	sqlite3_finalize(st);
}

void store_kept_clear(struct rig_store *s)
{
	for (size_t i = 0; i < STORE_KEPT; i++) {
		sqlite3_finalize(s->kept[i].st);
		s->kept[i].sql = NULL;
		s->kept[i].st = NULL;
	}
}

int store_exec(struct rig_store *s, const char *sql, struct rig_error *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_db_fail(s, err, sql);
	return 0;
}
