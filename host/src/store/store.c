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

struct rig_store {
	sqlite3 *db;
	char path[1024];
	char owner[160]; /* this process, as runs.owner names it */
};

/*
 * The schema is the list of migrations below, applied in order: migration N
 * takes a store from version N-1 to N. The version is kept in PRAGMA
 * user_version (and in meta 'schema', which stores from before migrations
 * had, as '1'). A new column or table is a new entry at the end: never edit
 * an entry that has shipped. See store.h.
 */
struct migration {
	int version;	  /* the version the store has after it */
	const char *what; /* for messages */
	const char *sql;
};

static const struct migration migrations[] = {
    {1, "the first schema",
     "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
     "CREATE TABLE IF NOT EXISTS envs("
     "  id INTEGER PRIMARY KEY, created INTEGER NOT NULL, hash TEXT UNIQUE);"
     "CREATE TABLE IF NOT EXISTS env_facts("
     "  env_id INTEGER NOT NULL REFERENCES envs(id), key TEXT NOT NULL, value TEXT,"
     "  PRIMARY KEY(env_id, key));"
     "CREATE TABLE IF NOT EXISTS builds("
     "  id INTEGER PRIMARY KEY, created INTEGER NOT NULL,"
     "  sha256 TEXT NOT NULL, build_key TEXT NOT NULL, toolchain TEXT NOT NULL,"
     "  profile TEXT NOT NULL, workload TEXT NOT NULL, lang TEXT,"
     "  target_os TEXT, target_arch TEXT, target_variant TEXT,"
     "  tc_version TEXT, command TEXT, env TEXT, build_ns INTEGER, path TEXT,"
     "  file_bytes INTEGER, text_bytes INTEGER, data_bytes INTEGER, bss_bytes INTEGER,"
     "  alloc_bytes INTEGER, elf_machine INTEGER, extra_name TEXT, extra_bytes INTEGER,"
     "  UNIQUE(sha256, profile, workload, target_os, target_arch, target_variant));"
     "CREATE TABLE IF NOT EXISTS runs("
     "  id INTEGER PRIMARY KEY, started INTEGER NOT NULL, board TEXT NOT NULL,"
     "  build_id INTEGER NOT NULL REFERENCES builds(id), workload TEXT NOT NULL,"
     "  iterations INTEGER NOT NULL, env_id INTEGER REFERENCES envs(id),"
     "  n_planned INTEGER NOT NULL, warmup INTEGER NOT NULL, emulated INTEGER NOT NULL);"
     "CREATE INDEX IF NOT EXISTS runs_key ON runs(board, build_id, workload, iterations);"
     "CREATE TABLE IF NOT EXISTS samples("
     "  id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),"
     "  idx INTEGER NOT NULL, taken INTEGER NOT NULL, ok INTEGER NOT NULL,"
     "  exit_status INTEGER, fail_reason TEXT, stderr_tail TEXT, log_path TEXT,"
     "  noise_lines INTEGER, corrupt_lines INTEGER, cut_lines INTEGER, retries INTEGER,"
     "  UNIQUE(run_id, idx));"
     "CREATE TABLE IF NOT EXISTS metrics("
     "  sample_id INTEGER NOT NULL REFERENCES samples(id), name TEXT NOT NULL,"
     "  value REAL NOT NULL, unit TEXT, PRIMARY KEY(sample_id, name));"
     "CREATE TABLE IF NOT EXISTS skips("
     "  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, board TEXT, toolchain TEXT,"
     "  profile TEXT, workload TEXT, reason TEXT);"},
    /* A run's plan is fixed when it starts (samples, warm-up, iterations and
     * now the timeout); owner: the bench taking its samples (host:pid:start),
     * so a second bench does not write into it. */
    {2, "runs keep their timeout and their owner",
     "ALTER TABLE runs ADD COLUMN timeout_ms INTEGER;"
     "ALTER TABLE runs ADD COLUMN owner TEXT;"},
};

#define SCHEMA_VERSION ((int)RIG_ARRAY_SIZE(migrations))

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

static int db_fail(struct rig_store *s, struct rig_error *err, const char *what)
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
		return db_fail(s, err, "read the schema version");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		uv = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(s, err, "read the schema version");
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
		int rc = db_fail(s, err, what);
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
	for (size_t i = 0; i < RIG_ARRAY_SIZE(migrations); i++) {
		if (migrations[i].version <= version)
			continue;
		snprintf(what, sizeof(what), "upgrade the schema to version %d (%s)",
			 migrations[i].version, migrations[i].what);
		if ((rc = exec_sql(s, migrations[i].sql, what, err)))
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

int rig_store_open(const char *path, struct rig_store **out, struct rig_error *err)
{
	struct rig_store *s = rig_xcalloc(1, sizeof(*s));
	int rc;

	snprintf(s->path, sizeof(s->path), "%s", path);
	rig_store_owner_id(s->owner, sizeof(s->owner));
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		rc = s->db ? db_fail(s, err, "cannot open the store")
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
	struct rig_store *s = rig_xcalloc(1, sizeof(*s));
	int version = 0, rc;

	snprintf(s->path, sizeof(s->path), "%s", path);
	if (!rig_file_exists(path)) {
		store_free(s);
		return rig_fail(err, RIG_ERR_NOT_FOUND, "%s: no store here yet (run rig bench)",
				path);
	}
	if (open_ro(s, 0) != SQLITE_OK || read_version(s, &version, NULL) != 0) {
		if (!s->db || open_ro(s, 1) != SQLITE_OK) {
			rc = s->db ? db_fail(s, err, "cannot open the store")
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
	store_free(s);
}

struct sqlite3 *rig_store_db(struct rig_store *s) { return s->db; }

static void col_text(sqlite3_stmt *st, int i, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	snprintf(out, cap, "%s", t ? (const char *)t : "");
}

static int prepare(struct rig_store *s, const char *sql, sqlite3_stmt **st, struct rig_error *err)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return db_fail(s, err, "prepare");
	return 0;
}

static int exec(struct rig_store *s, const char *sql, struct rig_error *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, err, sql);
	return 0;
}

int rig_store_add_env(struct rig_store *s, const struct rig_kvlist *env, int64_t *id,
		      struct rig_error *err)
{
	struct rig_buf b = {0};
	char hash[65];
	sqlite3_stmt *st = NULL;
	int rc;

	/* Identical environments share a row. */
	for (size_t i = 0; i < env->n; i++)
		rig_buf_appendf(&b, "%s=%s\n", env->v[i].key, env->v[i].value);
	rig_sha256_hex(b.data ? b.data : "", b.len, hash);
	rig_buf_free(&b);
	/* looked up and added in one transaction: two benches share the row */
	if ((rc = exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	if ((rc = prepare(s, "SELECT id FROM envs WHERE hash = ?", &st, err)))
		goto fail;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		return exec(s, "COMMIT", err);
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = prepare(s, "INSERT INTO envs(created, hash) VALUES(?, ?)", &st, err)))
		goto fail;
	sqlite3_bind_int64(st, 1, rig_wall_s());
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = db_fail(s, err, "insert env");
		goto fail;
	}
	sqlite3_finalize(st);
	*id = sqlite3_last_insert_rowid(s->db);
	if ((rc = prepare(s, "INSERT OR REPLACE INTO env_facts VALUES(?, ?, ?)", &st, err)))
		goto fail;
	for (size_t i = 0; i < env->n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, *id);
		sqlite3_bind_text(st, 2, env->v[i].key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, env->v[i].value, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = db_fail(s, err, "insert env fact");
			goto fail;
		}
	}
	sqlite3_finalize(st);
	return exec(s, "COMMIT", err);
fail:
	sqlite3_finalize(st);
	exec(s, "ROLLBACK", NULL);
	return rc;
}

static int add_build(struct rig_store *s, const struct rig_artifact *a, int64_t *id,
		     struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prepare(s,
			  "SELECT id FROM builds WHERE sha256=? AND profile=? AND workload=? AND "
			  "target_os=? AND target_arch=? AND target_variant=?",
			  &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, a->sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, a->profile, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, a->workload, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, a->target.os, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, a->target.arch, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, a->target.variant, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	if ((rc = prepare(s,
			  "INSERT INTO builds(created, sha256, build_key, toolchain, profile, "
			  "workload, lang, target_os, target_arch, target_variant, tc_version, "
			  "command, env, build_ns, path, file_bytes, text_bytes, data_bytes, "
			  "bss_bytes, alloc_bytes, elf_machine, extra_name, extra_bytes) "
			  "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			  &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, rig_wall_s());
	sqlite3_bind_text(st, 2, a->sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, a->key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, a->toolchain, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, a->profile, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, a->workload, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, a->lang, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, a->target.os, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, a->target.arch, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 10, a->target.variant, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 11, a->tc_version, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 12, a->command, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 13, a->env, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 14, a->build_ns);
	sqlite3_bind_text(st, 15, a->path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 16, a->sizes.file_bytes);
	sqlite3_bind_int64(st, 17, a->sizes.text_bytes);
	sqlite3_bind_int64(st, 18, a->sizes.data_bytes);
	sqlite3_bind_int64(st, 19, a->sizes.bss_bytes);
	sqlite3_bind_int64(st, 20, a->sizes.alloc_bytes);
	sqlite3_bind_int(st, 21, a->sizes.elf_machine);
	sqlite3_bind_text(st, 22, a->sizes.extra_name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 23, a->sizes.extra_bytes);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = db_fail(s, err, "insert build");
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_finalize(st);
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int rig_store_add_build(struct rig_store *s, const struct rig_artifact *a, int64_t *id,
			struct rig_error *err)
{
	/* looked up and added in one transaction: two benches share the row */
	int rc = exec(s, "BEGIN IMMEDIATE", err);

	if (rc)
		return rc;
	if ((rc = add_build(s, a, id, err))) {
		exec(s, "ROLLBACK", NULL);
		return rc;
	}
	return exec(s, "COMMIT", err);
}

/* The newest run with key's identity: its id, plan, samples and owner.
 * 1 found, 0 none, <0 error. */
struct run_row {
	int64_t id;
	int n_planned, warmup, have;
	long long timeout_ms; /* -1: not recorded (a run from schema 1) */
	char owner[160];
};

static int newest_run(struct rig_store *s, const struct rig_run_key *key, struct run_row *r,
		      struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	if ((rc = prepare(s,
			  "SELECT r.id, r.n_planned, r.warmup, coalesce(r.timeout_ms, -1), r.owner,"
			  " (SELECT count(*) FROM samples WHERE run_id = r.id)"
			  " FROM runs r WHERE board=? AND build_id=? AND workload=? AND "
			  "iterations=? ORDER BY r.id DESC LIMIT 1",
			  &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, key->board, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, key->build_id);
	sqlite3_bind_text(st, 3, key->workload, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, key->iterations);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		r->id = sqlite3_column_int64(st, 0);
		r->n_planned = sqlite3_column_int(st, 1);
		r->warmup = sqlite3_column_int(st, 2);
		r->timeout_ms = sqlite3_column_int64(st, 3);
		col_text(st, 4, r->owner, sizeof(r->owner));
		r->have = sqlite3_column_int(st, 5);
	}
	rc = step == SQLITE_ROW ? 1 : step == SQLITE_DONE ? 0 : db_fail(s, err, "find the run");
	sqlite3_finalize(st);
	return rc;
}

static int insert_run(struct rig_store *s, const struct rig_run_key *key, int64_t env_id,
		      int n_planned, int warmup, int emulated, int64_t *run_id,
		      struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc =
		 prepare(s,
			 "INSERT INTO runs(started, board, build_id, workload, iterations, env_id, "
			 "n_planned, warmup, emulated, timeout_ms, owner) "
			 "VALUES(?,?,?,?,?,?,?,?,?,?,?)",
			 &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, rig_wall_s());
	sqlite3_bind_text(st, 2, key->board, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, key->build_id);
	sqlite3_bind_text(st, 4, key->workload, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, key->iterations);
	if (env_id > 0)
		sqlite3_bind_int64(st, 6, env_id);
	else
		sqlite3_bind_null(st, 6);
	sqlite3_bind_int(st, 7, n_planned);
	sqlite3_bind_int(st, 8, warmup);
	sqlite3_bind_int(st, 9, emulated);
	sqlite3_bind_int64(st, 10, key->timeout_ms);
	sqlite3_bind_text(st, 11, s->owner, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(s, err, "insert run");
	sqlite3_finalize(st);
	if (!rc)
		*run_id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static int set_owner(struct rig_store *s, int64_t run_id, const char *owner, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prepare(s, "UPDATE runs SET owner = ? WHERE id = ?", &st, err)))
		return rc;
	if (owner)
		sqlite3_bind_text(st, 1, owner, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int64(st, 2, run_id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(s, err, "claim the run");
	sqlite3_finalize(st);
	return rc;
}

/* The run found is taken up again: same plan, not complete, and its bench
 * is gone (or is this one). */
static int resumable(const struct run_row *r, const struct rig_run_key *key, int n_planned,
		     int warmup)
{
	return r->have < r->n_planned && r->n_planned == n_planned && r->warmup == warmup &&
	       r->timeout_ms == key->timeout_ms;
}

int rig_store_begin_run(struct rig_store *s, const struct rig_run_key *key, int64_t env_id,
			int n_planned, int warmup, int emulated, int resume, int64_t *run_id,
			int *have, struct rig_error *err)
{
	struct run_row r = {0};
	int found, rc;

	*have = 0;
	/* One transaction: two benches starting together see each other's run. */
	if ((rc = exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	if ((found = newest_run(s, key, &r, err)) < 0) {
		rc = found;
		goto fail;
	}
	if (found && r.have < r.n_planned && strcmp(r.owner, s->owner) != 0 &&
	    rig_store_owner_alive(r.owner)) {
		rc = rig_fail(err, RIG_ERR_STORE,
			      "%s: run %lld (%s, %s) is being measured by another rig bench "
			      "(%s); not measuring it twice at once: wait for that bench, or use "
			      "another --db",
			      s->path, (long long)r.id, key->board, key->workload, r.owner);
		goto fail;
	}
	if (found && resume && resumable(&r, key, n_planned, warmup)) {
		*run_id = r.id;
		*have = r.have;
		rc = set_owner(s, r.id, s->owner, err);
	} else {
		rc = insert_run(s, key, env_id, n_planned, warmup, emulated, run_id, err);
	}
	if (rc)
		goto fail;
	return exec(s, "COMMIT", err);
fail:
	exec(s, "ROLLBACK", NULL);
	return rc;
}

int rig_store_end_run(struct rig_store *s, int64_t run_id, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prepare(s, "UPDATE runs SET owner = NULL WHERE id = ? AND owner = ?", &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, s->owner, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(s, err, "release the run");
	sqlite3_finalize(st);
	return rc;
}

int rig_store_add_sample(struct rig_store *s, int64_t run_id, int idx, const struct rig_sample *smp,
			 struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int64_t sid;
	int rc;

	if ((rc = exec(s, "BEGIN IMMEDIATE", err)))
		return rc;
	if ((rc = prepare(s,
			  "INSERT INTO samples(run_id, idx, taken, ok, exit_status, "
			  "fail_reason, stderr_tail, log_path, noise_lines, corrupt_lines, "
			  "cut_lines, retries) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
			  &st, err)))
		goto fail;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int(st, 2, idx);
	sqlite3_bind_int64(st, 3, rig_wall_s());
	sqlite3_bind_int(st, 4, smp->ok);
	sqlite3_bind_int(st, 5, smp->exit_status);
	sqlite3_bind_text(st, 6, smp->fail_reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, smp->stderr_tail, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, smp->log_path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)smp->noise_lines);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)smp->corrupt_lines);
	sqlite3_bind_int64(st, 11, (sqlite3_int64)smp->cut_lines);
	sqlite3_bind_int64(st, 12, (sqlite3_int64)smp->retries);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = db_fail(s, err, "insert sample");
		goto fail;
	}
	sqlite3_finalize(st);
	sid = sqlite3_last_insert_rowid(s->db);
	if ((rc = prepare(s, "INSERT OR REPLACE INTO metrics VALUES(?,?,?,?)", &st, err)))
		goto fail;
	for (size_t i = 0; i < smp->n_metrics; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, sid);
		sqlite3_bind_text(st, 2, smp->metrics[i].name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(st, 3, smp->metrics[i].value);
		sqlite3_bind_text(st, 4, smp->metrics[i].unit, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = db_fail(s, err, "insert metric");
			goto fail;
		}
	}
	sqlite3_finalize(st);
	return exec(s, "COMMIT", err);
fail:
	sqlite3_finalize(st);
	exec(s, "ROLLBACK", NULL);
	return rc;
}

int rig_store_add_skip(struct rig_store *s, const char *board, const char *toolchain,
		       const char *profile, const char *workload, const char *reason,
		       struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prepare(s,
			  "INSERT INTO skips(at, board, toolchain, profile, workload, reason) "
			  "VALUES(?,?,?,?,?,?)",
			  &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, rig_wall_s());
	sqlite3_bind_text(st, 2, board, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, toolchain, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, profile, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, workload, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, reason, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(s, err, "insert skip");
	sqlite3_finalize(st);
	return rc;
}

int rig_store_each_series(struct rig_store *s, const char *board_filter,
			  const char *workload_filter, rig_series_cb cb, void *ctx,
			  struct rig_error *err)
{
	/* The newest run per (board, profile, workload, target), then its
	 * metrics over ok samples. */
	static const char sql[] =
	    "WITH latest AS ("
	    "  SELECT max(r.id) AS id FROM runs r JOIN builds b ON b.id = r.build_id"
	    "  WHERE (?1 IS NULL OR r.board = ?1) AND (?2 IS NULL OR r.workload = ?2)"
	    "  GROUP BY r.board, b.profile, r.workload, b.target_os, b.target_arch,"
	    "           b.target_variant)"
	    "SELECT r.id, r.board, b.toolchain, b.profile, r.workload,"
	    "  b.target_os || '/' || b.target_arch ||"
	    "    CASE WHEN b.target_variant <> '' THEN '/' || b.target_variant ELSE '' END,"
	    "  r.emulated, r.iterations, r.started,"
	    "  (SELECT count(*) FROM samples WHERE run_id = r.id AND ok = 1),"
	    "  (SELECT count(*) FROM samples WHERE run_id = r.id AND ok = 0),"
	    "  b.file_bytes, b.text_bytes, b.data_bytes, b.bss_bytes, b.alloc_bytes,"
	    "  b.elf_machine, b.extra_name, b.extra_bytes, b.sha256, b.tc_version,"
	    "  m.name, m.unit,"
	    "  (SELECT group_concat(key, ',') FROM env_facts WHERE env_id = r.env_id"
	    "     AND key IN ('hot', 'throttled') AND value = 'yes')"
	    " FROM latest JOIN runs r ON r.id = latest.id JOIN builds b ON b.id = r.build_id"
	    " LEFT JOIN (SELECT DISTINCT s.run_id, mm.name, mm.unit FROM metrics mm"
	    "            JOIN samples s ON s.id = mm.sample_id WHERE s.ok = 1) m"
	    "   ON m.run_id = r.id"
	    " ORDER BY r.board, r.workload, b.profile, m.name";
	sqlite3_stmt *st = NULL, *vals = NULL;
	int rc, step;

	if ((rc = prepare(s, sql, &st, err)))
		return rc;
	if ((rc = prepare(s,
			  "SELECT mm.value FROM metrics mm JOIN samples s ON s.id = mm.sample_id "
			  "WHERE s.run_id = ? AND s.ok = 1 AND mm.name = ? ORDER BY s.idx",
			  &vals, err))) {
		sqlite3_finalize(st);
		return rc;
	}
	if (board_filter)
		sqlite3_bind_text(st, 1, board_filter, -1, SQLITE_TRANSIENT);
	if (workload_filter)
		sqlite3_bind_text(st, 2, workload_filter, -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct rig_series sr;
		size_t cap = 0;

		memset(&sr, 0, sizeof(sr));
		sr.run_id = sqlite3_column_int64(st, 0);
		col_text(st, 1, sr.board, sizeof(sr.board));
		col_text(st, 2, sr.toolchain, sizeof(sr.toolchain));
		col_text(st, 3, sr.profile, sizeof(sr.profile));
		col_text(st, 4, sr.workload, sizeof(sr.workload));
		col_text(st, 5, sr.target, sizeof(sr.target));
		sr.emulated = sqlite3_column_int(st, 6);
		sr.iterations = sqlite3_column_int64(st, 7);
		sr.started = sqlite3_column_int64(st, 8);
		sr.n_ok = sqlite3_column_int(st, 9);
		sr.n_failed = sqlite3_column_int(st, 10);
		sr.sizes.file_bytes = sqlite3_column_int64(st, 11);
		sr.sizes.text_bytes = sqlite3_column_int64(st, 12);
		sr.sizes.data_bytes = sqlite3_column_int64(st, 13);
		sr.sizes.bss_bytes = sqlite3_column_int64(st, 14);
		sr.sizes.alloc_bytes = sqlite3_column_int64(st, 15);
		sr.sizes.elf_machine = sqlite3_column_int(st, 16);
		col_text(st, 17, sr.sizes.extra_name, sizeof(sr.sizes.extra_name));
		sr.sizes.extra_bytes = sqlite3_column_int64(st, 18);
		col_text(st, 19, sr.sha256, sizeof(sr.sha256));
		col_text(st, 20, sr.tc_version, sizeof(sr.tc_version));
		col_text(st, 21, sr.metric, sizeof(sr.metric));
		col_text(st, 22, sr.unit, sizeof(sr.unit));
		col_text(st, 23, sr.flags, sizeof(sr.flags));
		if (sr.metric[0]) {
			sqlite3_reset(vals);
			sqlite3_bind_int64(vals, 1, sr.run_id);
			sqlite3_bind_text(vals, 2, sr.metric, -1, SQLITE_TRANSIENT);
			while (sqlite3_step(vals) == SQLITE_ROW) {
				if (sr.n_values == cap) {
					cap = cap ? cap * 2 : 16;
					sr.values = rig_xrealloc(sr.values, cap * sizeof(double));
				}
				sr.values[sr.n_values++] = sqlite3_column_double(vals, 0);
			}
		}
		rc = cb(ctx, &sr);
		free(sr.values);
		if (rc)
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = db_fail(s, err, "query results");
	sqlite3_finalize(st);
	sqlite3_finalize(vals);
	return rc;
}

int rig_store_each_skip(struct rig_store *s, int64_t since, rig_skip_cb cb, void *ctx,
			struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, step;

	if ((rc = prepare(
		 s,
		 "SELECT board, toolchain, profile, workload, reason FROM skips WHERE id IN"
		 " (SELECT max(id) FROM skips WHERE at >= ? GROUP BY board, profile, workload)"
		 " ORDER BY board, workload, profile",
		 &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, since);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct rig_skip sk;
		col_text(st, 0, sk.board, sizeof(sk.board));
		col_text(st, 1, sk.toolchain, sizeof(sk.toolchain));
		col_text(st, 2, sk.profile, sizeof(sk.profile));
		col_text(st, 3, sk.workload, sizeof(sk.workload));
		col_text(st, 4, sk.reason, sizeof(sk.reason));
		if ((rc = cb(ctx, &sk)))
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = db_fail(s, err, "query skips");
	sqlite3_finalize(st);
	return rc;
}

int rig_store_names(struct rig_store *s, const char *what, struct rig_strv *out,
		    struct rig_error *err)
{
	static const struct {
		const char *what, *sql;
	} queries[] = {
	    {"board", "SELECT DISTINCT board FROM runs ORDER BY 1"},
	    {"workload", "SELECT DISTINCT workload FROM runs ORDER BY 1"},
	    {"profile", "SELECT DISTINCT b.profile FROM runs r JOIN builds b ON b.id = r.build_id"
			" ORDER BY 1"},
	};
	sqlite3_stmt *st = NULL;
	int rc, step;

	for (size_t i = 0; i < RIG_ARRAY_SIZE(queries); i++) {
		if (strcmp(queries[i].what, what) != 0)
			continue;
		if ((rc = prepare(s, queries[i].sql, &st, err)))
			return rc;
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			const unsigned char *t = sqlite3_column_text(st, 0);
			if (t)
				rig_strv_push(out, (const char *)t);
		}
		rc = step == SQLITE_DONE ? 0 : db_fail(s, err, "list names");
		sqlite3_finalize(st);
		return rc;
	}
	return rig_fail(err, RIG_ERR_INVALID, "rig_store_names: no list of '%s'", what);
}
