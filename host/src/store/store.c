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
#include "store_priv.h"

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
    /* The farm (docs/farm.md): a board is used only under a lease (owner,
     * expiry renewed by heartbeat, fencing token increasing with every
     * take); its health state (quarantine and why); a log of what happened
     * to boards (takes, releases, forced releases, quarantines, infra
     * errors). samples.lease_token: the token the sample was written under. */
    {3, "leases, board states and the farm log",
     "CREATE TABLE IF NOT EXISTS leases("
     "  board TEXT PRIMARY KEY, owner TEXT, token INTEGER NOT NULL,"
     "  acquired_ms INTEGER, expires_ms INTEGER NOT NULL DEFAULT 0);"
     "CREATE TABLE IF NOT EXISTS board_state("
     "  board TEXT PRIMARY KEY, state TEXT NOT NULL DEFAULT 'ok', reason TEXT,"
     "  evidence TEXT, since INTEGER, failures INTEGER NOT NULL DEFAULT 0,"
     "  last_health INTEGER, health TEXT);"
     "CREATE TABLE IF NOT EXISTS farm_log("
     "  id INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, board TEXT, who TEXT,"
     "  event TEXT NOT NULL, token INTEGER, detail TEXT);"
     "CREATE INDEX IF NOT EXISTS farm_log_board ON farm_log(board, id);"
     "ALTER TABLE samples ADD COLUMN lease_token INTEGER;"},
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
	store_free(s);
}

struct sqlite3 *rig_store_db(struct rig_store *s) { return s->db; }

const char *rig_store_path(const struct rig_store *s) { return s->path; }

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

int store_exec(struct rig_store *s, const char *sql, struct rig_error *err)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_db_fail(s, err, sql);
	return 0;
}
