/* Reading a PostgreSQL store: series, skips, names, runs with their
 * provenance, values and environment facts (store.h, store_runs.h), the
 * same queries as the SQLite backend's in PostgreSQL's dialect. */
#ifdef RIG_HAVE_LIBPQ
#include "store_pg_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The values of one metric over the ok samples of a run, in sample order. */
static int values(struct rig_store *s, int64_t run_id, const char *metric, double **v, size_t *n,
		  struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc;

	*v = NULL;
	*n = 0;
	pgp_int(&p, run_id);
	pgp_text(&p, metric);
	if ((rc = pg_run(s,
			 "SELECT mm.value FROM metrics mm JOIN samples sa ON sa.id = mm.sample_id "
			 "WHERE sa.run_id = $1 AND sa.ok = 1 AND mm.name = $2 ORDER BY sa.idx",
			 &p, &res, "metric values", err)))
		return rc;
	*n = (size_t)PQntuples(res);
	if (*n) {
		*v = rig_xcalloc(*n, sizeof(double));
		for (size_t i = 0; i < *n; i++)
			(*v)[i] = pg_real(res, (int)i, 0);
	}
	PQclear(res);
	return 0;
}

int pg_run_values(struct rig_store *s, int64_t run_id, const char *metric, double **v, size_t *n,
		  struct rig_error *err)
{
	return values(s, run_id, metric, v, n, err);
}

int pg_run_hists(struct rig_store *s, int64_t run_id, const char *name, rig_hist_blob_cb cb,
		 void *ctx, struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc, n;

	pgp_int(&p, run_id);
	pgp_text(&p, name);
	if ((rc = pg_run(s,
			 "SELECT h.data FROM sample_hists h JOIN samples sa ON sa.id = h.sample_id "
			 "WHERE sa.run_id = $1 AND sa.ok = 1 AND h.name = $2 ORDER BY sa.idx",
			 &p, &res, "histograms", err)))
		return rc;
	n = PQntuples(res);
	for (int i = 0; i < n && !rc; i++) {
		struct rig_buf b = {0};
		if (store_hex_decode(PQgetvalue(res, i, 0), &b))
			rc = rig_fail(err, RIG_ERR_PARSE,
				      "%s: run %lld: histogram '%s' of a sample is not hex text",
				      s->path, (long long)run_id, name);
		else
			rc = cb(ctx, b.data, b.len);
		rig_buf_free(&b);
	}
	PQclear(res);
	return rc ? rc : n;
}

/* The columns both series and run lists read from a run and its build,
 * from column 0 on: id, board, toolchain, profile, workload, target,
 * emulated, iterations, started, n_ok, n_failed, sizes (8), sha256,
 * tc_version. */
#define RUN_COLUMNS                                                                                \
	"r.id, r.board, b.toolchain, b.profile, r.workload,"                                       \
	"  b.target_os || '/' || b.target_arch ||"                                                 \
	"    CASE WHEN b.target_variant <> '' THEN '/' || b.target_variant ELSE '' END,"           \
	"  r.emulated, r.iterations, r.started,"                                                   \
	"  (SELECT count(*) FROM samples WHERE run_id = r.id AND ok = 1),"                         \
	"  (SELECT count(*) FROM samples WHERE run_id = r.id AND ok = 0),"                         \
	"  b.file_bytes, b.text_bytes, b.data_bytes, b.bss_bytes, b.alloc_bytes,"                  \
	"  b.elf_machine, b.extra_name, b.extra_bytes, b.sha256, b.tc_version"
#define FLAGS_COLUMN                                                                               \
	"(SELECT string_agg(key, ',' ORDER BY key) FROM env_facts WHERE env_id = r.env_id"         \
	"  AND key IN ('hot', 'throttled') AND value = 'yes')"

static void read_sizes(const PGresult *res, int i, int col, struct rig_sizes *z)
{
	z->file_bytes = pg_int(res, i, col);
	z->text_bytes = pg_int(res, i, col + 1);
	z->data_bytes = pg_int(res, i, col + 2);
	z->bss_bytes = pg_int(res, i, col + 3);
	z->alloc_bytes = pg_int(res, i, col + 4);
	z->elf_machine = (int)pg_int(res, i, col + 5);
	pg_text(res, i, col + 6, z->extra_name, sizeof(z->extra_name));
	z->extra_bytes = pg_int(res, i, col + 7);
}

int pg_each_series(struct rig_store *s, const char *board_filter, const char *workload_filter,
		   rig_series_cb cb, void *ctx, struct rig_error *err)
{
	static const char sql[] =
	    "WITH latest AS ("
	    "  SELECT max(r.id) AS id FROM runs r JOIN builds b ON b.id = r.build_id"
	    "  WHERE ($1::text IS NULL OR r.board = $1) AND ($2::text IS NULL OR r.workload = $2)"
	    "  GROUP BY r.board, b.profile, r.workload, b.target_os, b.target_arch,"
	    "           b.target_variant, coalesce(r.load, ''))"
	    "SELECT " RUN_COLUMNS ", m.name, m.unit, " FLAGS_COLUMN ", r.load"
	    " FROM latest JOIN runs r ON r.id = latest.id JOIN builds b ON b.id = r.build_id"
	    " LEFT JOIN (SELECT DISTINCT sa.run_id, mm.name, mm.unit FROM metrics mm"
	    "            JOIN samples sa ON sa.id = mm.sample_id WHERE sa.ok = 1) m"
	    "   ON m.run_id = r.id"
	    " ORDER BY r.board, r.workload, b.profile, coalesce(r.load, ''), m.name";
	struct pg_params p = {0};
	PGresult *res;
	int rc;

	pgp_text(&p, board_filter);
	pgp_text(&p, workload_filter);
	if ((rc = pg_run(s, sql, &p, &res, "query results", err)))
		return rc;
	for (int i = 0; i < PQntuples(res) && !rc; i++) {
		struct rig_series sr;

		memset(&sr, 0, sizeof(sr));
		sr.run_id = pg_int(res, i, 0);
		pg_text(res, i, 1, sr.board, sizeof(sr.board));
		pg_text(res, i, 2, sr.toolchain, sizeof(sr.toolchain));
		pg_text(res, i, 3, sr.profile, sizeof(sr.profile));
		pg_text(res, i, 4, sr.workload, sizeof(sr.workload));
		pg_text(res, i, 5, sr.target, sizeof(sr.target));
		sr.emulated = (int)pg_int(res, i, 6);
		sr.iterations = pg_int(res, i, 7);
		sr.started = pg_int(res, i, 8);
		sr.n_ok = (int)pg_int(res, i, 9);
		sr.n_failed = (int)pg_int(res, i, 10);
		read_sizes(res, i, 11, &sr.sizes);
		pg_text(res, i, 19, sr.sha256, sizeof(sr.sha256));
		pg_text(res, i, 20, sr.tc_version, sizeof(sr.tc_version));
		pg_text(res, i, 21, sr.metric, sizeof(sr.metric));
		pg_text(res, i, 22, sr.unit, sizeof(sr.unit));
		pg_text(res, i, 23, sr.flags, sizeof(sr.flags));
		pg_text(res, i, 24, sr.load, sizeof(sr.load));
		if (sr.metric[0] &&
		    (rc = values(s, sr.run_id, sr.metric, &sr.values, &sr.n_values, err)))
			break;
		rc = cb(ctx, &sr);
		free(sr.values);
	}
	PQclear(res);
	return rc;
}

int pg_each_skip(struct rig_store *s, int64_t since, rig_skip_cb cb, void *ctx,
		 struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc;

	pgp_int(&p, since);
	if ((rc = pg_run(s,
			 "SELECT board, toolchain, profile, workload, reason FROM skips WHERE id IN"
			 " (SELECT max(id) FROM skips WHERE at >= $1 GROUP BY board, profile, "
			 "workload) ORDER BY board, workload, profile",
			 &p, &res, "query skips", err)))
		return rc;
	for (int i = 0; i < PQntuples(res) && !rc; i++) {
		struct rig_skip sk;

		pg_text(res, i, 0, sk.board, sizeof(sk.board));
		pg_text(res, i, 1, sk.toolchain, sizeof(sk.toolchain));
		pg_text(res, i, 2, sk.profile, sizeof(sk.profile));
		pg_text(res, i, 3, sk.workload, sizeof(sk.workload));
		pg_text(res, i, 4, sk.reason, sizeof(sk.reason));
		rc = cb(ctx, &sk);
	}
	PQclear(res);
	return rc;
}

/* Every value of column 0 of sql (with p) appended to out. */
static int strings(struct rig_store *s, const char *sql, const struct pg_params *p,
		   struct rig_strv *out, const char *what, struct rig_error *err)
{
	PGresult *res;
	int rc;

	if ((rc = pg_run(s, sql, p, &res, what, err)))
		return rc;
	for (int i = 0; i < PQntuples(res); i++)
		if (!PQgetisnull(res, i, 0))
			rig_strv_push(out, PQgetvalue(res, i, 0));
	PQclear(res);
	return 0;
}

int pg_names(struct rig_store *s, const char *what, struct rig_strv *out, struct rig_error *err)
{
	static const struct {
		const char *what, *sql;
	} queries[] = {
	    {"board", "SELECT DISTINCT board FROM runs ORDER BY 1"},
	    {"workload", "SELECT DISTINCT workload FROM runs ORDER BY 1"},
	    {"profile", "SELECT DISTINCT b.profile FROM runs r JOIN builds b ON b.id = r.build_id"
			" ORDER BY 1"},
	};

	for (size_t i = 0; i < RIG_ARRAY_SIZE(queries); i++)
		if (strcmp(queries[i].what, what) == 0)
			return strings(s, queries[i].sql, NULL, out, "list names", err);
	return rig_fail(err, RIG_ERR_INVALID, "rig_store_names: no list of '%s'", what);
}

int pg_list_runs(struct rig_store *s, struct rig_run_info **out, size_t *n, struct rig_error *err)
{
	static const char sql[] =
	    "SELECT " RUN_COLUMNS ", coalesce(r.env_id, 0),"
	    "  (SELECT value FROM env_facts WHERE env_id = r.env_id AND key = 'rig.label'),"
	    "  (SELECT value FROM env_facts WHERE env_id = r.env_id AND key = 'rig.commit'),"
	    "  (SELECT value FROM env_facts WHERE env_id = r.env_id AND key = 'rig.branch'),"
	    "  (SELECT value FROM env_facts WHERE env_id = r.env_id AND key = "
	    "'bench.id'), " FLAGS_COLUMN ", r.load"
	    " FROM runs r JOIN builds b ON b.id = r.build_id ORDER BY r.id";
	PGresult *res;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = pg_run(s, sql, NULL, &res, "list runs", err)))
		return rc;
	*n = (size_t)PQntuples(res);
	if (*n)
		*out = rig_xcalloc(*n, sizeof(**out));
	for (int i = 0; i < (int)*n; i++) {
		struct rig_run_info *r = &(*out)[i];

		r->run_id = pg_int(res, i, 0);
		pg_text(res, i, 1, r->board, sizeof(r->board));
		pg_text(res, i, 2, r->toolchain, sizeof(r->toolchain));
		pg_text(res, i, 3, r->profile, sizeof(r->profile));
		pg_text(res, i, 4, r->workload, sizeof(r->workload));
		pg_text(res, i, 5, r->target, sizeof(r->target));
		r->emulated = (int)pg_int(res, i, 6);
		r->iterations = pg_int(res, i, 7);
		r->started = pg_int(res, i, 8);
		r->n_ok = (int)pg_int(res, i, 9);
		r->n_failed = (int)pg_int(res, i, 10);
		read_sizes(res, i, 11, &r->sizes);
		pg_text(res, i, 19, r->sha256, sizeof(r->sha256));
		pg_text(res, i, 20, r->tc_version, sizeof(r->tc_version));
		r->env_id = pg_int(res, i, 21);
		pg_text(res, i, 22, r->label, sizeof(r->label));
		pg_text(res, i, 23, r->commit, sizeof(r->commit));
		pg_text(res, i, 24, r->branch, sizeof(r->branch));
		pg_text(res, i, 25, r->bench_id, sizeof(r->bench_id));
		pg_text(res, i, 26, r->flags, sizeof(r->flags));
		pg_text(res, i, 27, r->load, sizeof(r->load));
		if (!r->label[0])
			snprintf(r->label, sizeof(r->label), "unknown");
		if (!r->commit[0])
			snprintf(r->commit, sizeof(r->commit), "unknown");
		if (!r->bench_id[0])
			snprintf(r->bench_id, sizeof(r->bench_id), "env%lld", (long long)r->env_id);
	}
	PQclear(res);
	return 0;
}

int pg_run_metric_names(struct rig_store *s, int64_t run_id, struct rig_strv *names,
			struct rig_strv *units, struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc;

	pgp_int(&p, run_id);
	if ((rc = pg_run(s,
			 "SELECT DISTINCT m.name, coalesce(m.unit, '') FROM metrics m JOIN "
			 "samples sa ON sa.id = m.sample_id WHERE sa.run_id = $1 AND sa.ok = 1 "
			 "ORDER BY m.name",
			 &p, &res, "metric names", err)))
		return rc;
	for (int i = 0; i < PQntuples(res); i++) {
		rig_strv_push(names, PQgetvalue(res, i, 0));
		rig_strv_push(units, PQgetvalue(res, i, 1));
	}
	PQclear(res);
	return 0;
}

int pg_env_facts(struct rig_store *s, int64_t env_id, struct rig_kvlist *out, struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc;

	pgp_int(&p, env_id);
	if ((rc =
		 pg_run(s,
			"SELECT key, coalesce(value, '') FROM env_facts WHERE env_id = $1 ORDER BY "
			"key",
			&p, &res, "environment", err)))
		return rc;
	for (int i = 0; i < PQntuples(res); i++)
		rig_kv_set(out, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
	PQclear(res);
	return 0;
}

int pg_farm_boards(struct rig_store *s, struct rig_strv *out, struct rig_error *err)
{
	return strings(s, "SELECT board FROM leases UNION SELECT board FROM board_state ORDER BY 1",
		       NULL, out, "list the farm's boards", err);
}
#endif
