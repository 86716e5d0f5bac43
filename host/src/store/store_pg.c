/* The PostgreSQL store: connecting, the schema version check and
 * migrations, and the helpers of store_pg_priv.h. See store.h and
 * docs/farm.md. Built when libpq is found at configure time. */
#include "store_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#ifndef RIG_HAVE_LIBPQ

int store_pg_open(const char *url, int writable, struct rig_store **out, struct rig_error *err)
{
	return rig_fail(err, RIG_ERR_NOT_SUPPORTED,
			"%.*s...: this rig was built without libpq, so it cannot open a "
			"PostgreSQL store: install libpq-dev and configure again",
			13, url);
}

#else

#include "store_pg_priv.h"

void pgp_text(struct pg_params *p, const char *t)
{
	if (p->n < PG_MAX_PARAMS)
		p->v[p->n++] = t;
}

void pgp_int(struct pg_params *p, int64_t v)
{
	if (p->n >= PG_MAX_PARAMS)
		return;
	snprintf(p->num[p->n], sizeof(p->num[p->n]), "%lld", (long long)v);
	p->v[p->n] = p->num[p->n];
	p->n++;
}

void pgp_real(struct pg_params *p, double v)
{
	if (p->n >= PG_MAX_PARAMS)
		return;
	/* %.17g round-trips a double; float8 reads NaN and Infinity by name */
	if (v != v)
		snprintf(p->num[p->n], sizeof(p->num[p->n]), "NaN");
	else if (v > 1.7976931348623157e308)
		snprintf(p->num[p->n], sizeof(p->num[p->n]), "Infinity");
	else if (v < -1.7976931348623157e308)
		snprintf(p->num[p->n], sizeof(p->num[p->n]), "-Infinity");
	else
		snprintf(p->num[p->n], sizeof(p->num[p->n]), "%.17g", v);
	p->v[p->n] = p->num[p->n];
	p->n++;
}

/* What a server error means for a person, by SQLSTATE class or code. */
static const char *pg_hint(const char *state)
{
	if (!state)
		return NULL;
	if (strcmp(state, "23505") == 0)
		return "that row is stored already: another bench is writing the same run at once";
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0)
		return "the store is busy: another rig held a lock it needed; try again";
	if (strcmp(state, "25006") == 0)
		return "the store is read-only here (a read-only transaction or a standby "
		       "server): rig results can read it, storing needs a primary";
	if (strcmp(state, "42501") == 0)
		return "this database user lacks a permission rig needs (see docs/farm.md for "
		       "the grants)";
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
		return "lost the connection to the PostgreSQL server (restarted or unreachable); "
		       "the next command reconnects";
	if (strcmp(state, "53100") == 0)
		return "the database server's disk is full";
	return NULL;
}

static int pg_fail(struct rig_store *s, PGresult *res, const char *what, struct rig_error *err)
{
	PGconn *c = s->pg;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *hint = pg_hint(state);
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(c);
	char engine[400];

	snprintf(engine, sizeof(engine), "%s", msg && *msg ? msg : PQerrorMessage(c));
	engine[strcspn(engine, "\n")] = '\0';
	int lost = PQstatus(c) != CONNECTION_OK ||
		   (state && (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0));

	if (!hint && PQstatus(c) != CONNECTION_OK)
		hint = pg_hint("08000");
	if (hint) {
		rig_dbg("%s: %s: %s (SQLSTATE %s)", s->path, what, engine, state ? state : "none");
		return rig_fail(err, lost ? RIG_ERR_STORE_LOST : RIG_ERR_STORE, "%s: %s: %s",
				s->path, what, hint);
	}
	return rig_fail(err, RIG_ERR_STORE, "%s: %s: %s (SQLSTATE %s)", s->path, what, engine,
			state ? state : "none");
}

int pg_run(struct rig_store *s, const char *sql, const struct pg_params *p, PGresult **res,
	   const char *what, struct rig_error *err)
{
	PGconn *c = s->pg;
	PGresult *r;
	ExecStatusType st;
	int idle;

	if (res)
		*res = NULL;
	/* a restarted server: reconnect outside any transaction (inside one
	 * the transaction is lost anyway and its statements fail) */
	if (PQstatus(c) != CONNECTION_OK) {
		PQreset(c);
		if (PQstatus(c) != CONNECTION_OK)
			return pg_fail(s, NULL, what, err);
		rig_info("%s: reconnected to the PostgreSQL server", s->path);
	}
	idle = PQtransactionStatus(c) == PQTRANS_IDLE;
	r = PQexecParams(c, sql, p ? p->n : 0, NULL, p ? p->v : NULL, NULL, NULL, 0);
	st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	/* The server went away since the last statement (restarted): a BEGIN
	 * or a read outside a transaction changed nothing, so it is sent again
	 * once on a new connection. Anything else may have been done; its
	 * caller sees the error (a sample stored twice is refused by its
	 * UNIQUE key, a job claimed twice is requeued by its heartbeat). */
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && idle &&
	    PQstatus(c) != CONNECTION_OK &&
	    (strncmp(sql, "BEGIN", 5) == 0 || strncmp(sql, "SELECT", 6) == 0)) {
		PQclear(r);
		PQreset(c);
		if (PQstatus(c) != CONNECTION_OK)
			return pg_fail(s, NULL, what, err);
		rig_info("%s: reconnected to the PostgreSQL server", s->path);
		r = PQexecParams(c, sql, p ? p->n : 0, NULL, p ? p->v : NULL, NULL, NULL, 0);
		st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	}
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		int rc = pg_fail(s, r, what, err);
		PQclear(r);
		return rc;
	}
	if (res)
		*res = r;
	else
		PQclear(r);
	return 0;
}

int pg_changes(PGresult *res) { return atoi(PQcmdTuples(res)); }

int pg_begin(struct rig_store *s, struct rig_error *err)
{
	return pg_run(s, "BEGIN", NULL, NULL, "begin a transaction", err);
}

int pg_commit(struct rig_store *s, struct rig_error *err)
{
	return pg_run(s, "COMMIT", NULL, NULL, "commit", err);
}

int pg_rollback(struct rig_store *s, int rc)
{
	if (PQstatus(s->pg) == CONNECTION_OK)
		PQclear(PQexec(s->pg, "ROLLBACK"));
	return rc;
}

int pg_lock(struct rig_store *s, const char *key, struct rig_error *err)
{
	struct pg_params p = {0};

	pgp_text(&p, key);
	return pg_run(s, "SELECT pg_advisory_xact_lock(hashtext($1))", &p, NULL, "take a lock",
		      err);
}

int64_t pg_int(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0 : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

double pg_real(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0 : strtod(PQgetvalue(res, row, col), NULL);
}

void pg_text(const PGresult *res, int row, int col, char *out, size_t cap)
{
	snprintf(out, cap, "%s", PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col));
}

/* The schema version: meta 'schema', 0 when there is no meta table (a new
 * database). */
static int read_version(struct rig_store *s, int *version, struct rig_error *err)
{
	PGresult *res;
	int rc;

	*version = 0;
	if ((rc = pg_run(s, "SELECT to_regclass('meta') IS NOT NULL", NULL, &res,
			 "read the schema version", err)))
		return rc;
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		PQclear(res);
		return 0;
	}
	PQclear(res);
	if ((rc = pg_run(s, "SELECT value FROM meta WHERE key = 'schema'", NULL, &res,
			 "read the schema version", err)))
		return rc;
	if (PQntuples(res) > 0)
		*version = (int)pg_int(res, 0, 0);
	PQclear(res);
	return 0;
}

/* Takes the database to the newest version in one transaction; a second
 * rig migrating at once waits on the lock, then finds nothing to do. */
static int migrate(struct rig_store *s, struct rig_error *err)
{
	struct pg_params p = {0};
	char what[160];
	int version, rc;

	if ((rc = pg_begin(s, err)))
		return rc;
	if ((rc = pg_lock(s, "rig.schema", err)) || (rc = read_version(s, &version, err)))
		return pg_rollback(s, rc);
	for (size_t i = 0; i < store_n_migrations; i++) {
		if (store_migrations[i].version <= version)
			continue;
		snprintf(what, sizeof(what), "upgrade the schema to version %d (%s)",
			 store_migrations[i].version, store_migrations[i].what);
		/* no parameters: PQexec runs the migration's several statements */
		PGresult *r = PQexec(s->pg, store_migrations[i].pg);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			rc = pg_fail(s, r, what, err);
			PQclear(r);
			return pg_rollback(s, rc);
		}
		PQclear(r);
	}
	pgp_int(&p, (int64_t)store_n_migrations);
	if ((rc = pg_run(s,
			 "INSERT INTO meta VALUES('schema', $1) ON CONFLICT (key) DO UPDATE SET "
			 "value = excluded.value",
			 &p, NULL, "record the schema version", err)))
		return pg_rollback(s, rc);
	return pg_commit(s, err);
}

static int check_version(struct rig_store *s, int writable, struct rig_error *err)
{
	int version, rc, have = (int)store_n_migrations;

	if ((rc = read_version(s, &version, err)))
		return rc;
	if (version > have)
		return rig_fail(err, RIG_ERR_STORE,
				"%s: the store has schema version %d, newer than this rig's %d: it "
				"was written by a newer rig; use that one, or another --db",
				s->path, version, have);
	if (version == have)
		return 0;
	if (!writable)
		return rig_fail(err, RIG_ERR_STORE,
				"%s: the store has schema version %d and this rig reads %d: run "
				"rig db migrate (or any writing rig command) first",
				s->path, version, have);
	return migrate(s, err);
}

/* The URL for messages: without a password (user:secret@ becomes user@). */
static void url_for_messages(const char *url, char *out, size_t cap)
{
	const char *scheme = strstr(url, "://");
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;

	if (at && colon && colon < at)
		snprintf(out, cap, "%.*s%s", (int)(colon - url), url, at);
	else
		snprintf(out, cap, "%s", url);
	out[strcspn(out, "?")] = '\0';
}

/* Server notices (CREATE ... IF NOT EXISTS) are for debugging only. */
static void notice(void *arg, const char *message)
{
	rig_dbg("%s: %s", (const char *)arg, message);
}

static void pg_close(struct rig_store *s)
{
	PQfinish(s->pg);
	free(s);
}

extern const struct store_ops store_pg_ops;

int store_pg_open(const char *url, int writable, struct rig_store **out, struct rig_error *err)
{
	struct rig_store *s = rig_xcalloc(1, sizeof(*s));
	int rc;

	s->ops = &store_pg_ops;
	snprintf(s->conninfo, sizeof(s->conninfo), "%s", url);
	url_for_messages(url, s->path, sizeof(s->path));
	rig_store_owner_id(s->owner, sizeof(s->owner));
	s->pg = PQconnectdb(url);
	if (!s->pg) {
		free(s);
		return rig_fail(err, RIG_ERR_NO_MEM, "%s: out of memory", url);
	}
	if (PQstatus(s->pg) != CONNECTION_OK) {
		char msg[400];

		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(s->pg));
		msg[strcspn(msg, "\n")] = '\0';
		rc = rig_fail(err, RIG_ERR_STORE_LOST,
			      "%s: cannot connect to the PostgreSQL store: %s (is the server "
			      "running, and the URL's host, port, user and database right?)",
			      s->path, msg);
		pg_close(s);
		return rc;
	}
	PQsetNoticeProcessor(s->pg, notice, s->path);
	if ((rc = pg_run(s, "SET client_min_messages = warning", NULL, NULL, "open the store",
			 err)) ||
	    (rc = check_version(s, writable, err))) {
		pg_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

const struct store_ops store_pg_ops = {
    .name = "PostgreSQL",
    .close = pg_close,
    .add_env = pg_add_env,
    .add_build = pg_add_build,
    .begin_run = pg_begin_run,
    .end_run = pg_end_run,
    .add_sample = pg_add_sample,
    .add_samples = pg_add_samples,
    .add_skip = pg_add_skip,
    .each_series = pg_each_series,
    .each_skip = pg_each_skip,
    .names = pg_names,
    .list_runs = pg_list_runs,
    .run_metric_names = pg_run_metric_names,
    .run_values = pg_run_values,
    .run_board_values = pg_run_board_values,
    .run_hists = pg_run_hists,
    .env_facts = pg_env_facts,
    .lease_take = pg_lease_take,
    .lease_renew = pg_lease_renew,
    .lease_drop = pg_lease_drop,
    .lease_force = pg_lease_force,
    .lease_get = pg_lease_get,
    .farm_log = pg_farm_log,
    .board_state = pg_board_state,
    .board_failure = pg_board_failure,
    .board_ok = pg_board_ok,
    .board_quarantine = pg_board_quarantine,
    .board_health = pg_board_health,
    .health_add = pg_health_add,
    .health_history = pg_health_history,
    .farm_boards = pg_farm_boards,
    .farm_events = pg_farm_events,
    .job_submit = pg_job_submit,
    .job_take = pg_job_take,
    .job_heartbeat = pg_job_heartbeat,
    .job_finish = pg_job_finish,
    .job_requeue_dead = pg_job_requeue_dead,
    .job_counts = pg_job_counts,
};

#endif
