/* Listing runs with their provenance: see store_runs.h. */
#include "store_runs.h"
#include "store_sqlite.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int q_fail(struct rig_store *s, struct rig_error *err, const char *what)
{
	return rig_fail(err, RIG_ERR_STORE, "store: %s: %s", what, sqlite3_errmsg(rig_store_db(s)));
}

static void text(sqlite3_stmt *st, int i, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	snprintf(out, cap, "%s", t ? (const char *)t : "");
}

int sq_list_runs(struct rig_store *s, struct rig_run_info **out, size_t *n, struct rig_error *err)
{
	static const char sql[] =
	    "SELECT r.id, coalesce(r.env_id, 0), r.started, r.board, b.toolchain, b.profile,"
	    "  r.workload, b.target_os || '/' || b.target_arch ||"
	    "    CASE WHEN b.target_variant <> '' THEN '/' || b.target_variant ELSE '' END,"
	    "  r.emulated, r.iterations,"
	    "  (SELECT count(*) FROM samples WHERE run_id = r.id AND ok = 1),"
	    "  (SELECT count(*) FROM samples WHERE run_id = r.id AND ok = 0),"
	    "  b.file_bytes, b.text_bytes, b.data_bytes, b.bss_bytes, b.alloc_bytes,"
	    "  b.elf_machine, b.extra_name, b.extra_bytes, b.sha256, b.tc_version,"
	    "  (SELECT value FROM env_facts WHERE env_id = r.env_id AND key = 'rig.label'),"
	    "  (SELECT value FROM env_facts WHERE env_id = r.env_id AND key = 'rig.commit'),"
	    "  (SELECT value FROM env_facts WHERE env_id = r.env_id AND key = 'rig.branch'),"
	    "  (SELECT value FROM env_facts WHERE env_id = r.env_id AND key = 'bench.id'),"
	    "  (SELECT group_concat(key, ',') FROM env_facts WHERE env_id = r.env_id"
	    "     AND key IN ('hot', 'throttled') AND value = 'yes'), r.load"
	    " FROM runs r JOIN builds b ON b.id = r.build_id ORDER BY r.id";
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int step;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(rig_store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		return q_fail(s, err, "list runs");
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct rig_run_info *r;

		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*out = rig_xrealloc(*out, cap * sizeof(**out));
		}
		r = &(*out)[(*n)++];
		memset(r, 0, sizeof(*r));
		r->run_id = sqlite3_column_int64(st, 0);
		r->env_id = sqlite3_column_int64(st, 1);
		r->started = sqlite3_column_int64(st, 2);
		text(st, 3, r->board, sizeof(r->board));
		text(st, 4, r->toolchain, sizeof(r->toolchain));
		text(st, 5, r->profile, sizeof(r->profile));
		text(st, 6, r->workload, sizeof(r->workload));
		text(st, 7, r->target, sizeof(r->target));
		r->emulated = sqlite3_column_int(st, 8);
		r->iterations = sqlite3_column_int64(st, 9);
		r->n_ok = sqlite3_column_int(st, 10);
		r->n_failed = sqlite3_column_int(st, 11);
		r->sizes.file_bytes = sqlite3_column_int64(st, 12);
		r->sizes.text_bytes = sqlite3_column_int64(st, 13);
		r->sizes.data_bytes = sqlite3_column_int64(st, 14);
		r->sizes.bss_bytes = sqlite3_column_int64(st, 15);
		r->sizes.alloc_bytes = sqlite3_column_int64(st, 16);
		r->sizes.elf_machine = sqlite3_column_int(st, 17);
		text(st, 18, r->sizes.extra_name, sizeof(r->sizes.extra_name));
		r->sizes.extra_bytes = sqlite3_column_int64(st, 19);
		text(st, 20, r->sha256, sizeof(r->sha256));
		text(st, 21, r->tc_version, sizeof(r->tc_version));
		text(st, 22, r->label, sizeof(r->label));
		text(st, 23, r->commit, sizeof(r->commit));
		text(st, 24, r->branch, sizeof(r->branch));
		text(st, 25, r->bench_id, sizeof(r->bench_id));
		text(st, 26, r->flags, sizeof(r->flags));
		text(st, 27, r->load, sizeof(r->load));
		if (!r->label[0])
			snprintf(r->label, sizeof(r->label), "unknown");
		if (!r->commit[0])
			snprintf(r->commit, sizeof(r->commit), "unknown");
		if (!r->bench_id[0])
			snprintf(r->bench_id, sizeof(r->bench_id), "env%lld", (long long)r->env_id);
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return q_fail(s, err, "list runs");
	}
	return 0;
}

int sq_run_metric_names(struct rig_store *s, int64_t run_id, struct rig_strv *names,
			struct rig_strv *units, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int step;

	if (sqlite3_prepare_v2(
		rig_store_db(s),
		"SELECT DISTINCT m.name, coalesce(m.unit, '') FROM metrics m JOIN "
		"samples sa ON sa.id = m.sample_id WHERE sa.run_id = ? AND sa.ok = 1 "
		"ORDER BY m.name",
		-1, &st, NULL) != SQLITE_OK)
		return q_fail(s, err, "metric names");
	sqlite3_bind_int64(st, 1, run_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		rig_strv_push(names, (const char *)sqlite3_column_text(st, 0));
		rig_strv_push(units, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : q_fail(s, err, "metric names");
}

int sq_run_values(struct rig_store *s, int64_t run_id, const char *metric, double **v, size_t *n,
		  struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int step;

	*v = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(
		rig_store_db(s),
		"SELECT m.value FROM metrics m JOIN samples sa ON sa.id = m.sample_id "
		"WHERE sa.run_id = ? AND sa.ok = 1 AND m.name = ? ORDER BY sa.idx",
		-1, &st, NULL) != SQLITE_OK)
		return q_fail(s, err, "metric values");
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, metric, -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*v = rig_xrealloc(*v, cap * sizeof(double));
		}
		(*v)[(*n)++] = sqlite3_column_double(st, 0);
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : q_fail(s, err, "metric values");
}

int sq_env_facts(struct rig_store *s, int64_t env_id, struct rig_kvlist *out, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int step;

	if (sqlite3_prepare_v2(rig_store_db(s),
			       "SELECT key, coalesce(value, '') FROM env_facts WHERE env_id = ? "
			       "ORDER BY key",
			       -1, &st, NULL) != SQLITE_OK)
		return q_fail(s, err, "environment");
	sqlite3_bind_int64(st, 1, env_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		rig_kv_set(out, (const char *)sqlite3_column_text(st, 0),
			   (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : q_fail(s, err, "environment");
}

int sq_run_board_values(struct rig_store *s, int64_t run_id, const char *metric,
			struct rig_strv *boards, double **v, size_t *n, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int step;

	if (sqlite3_prepare_v2(
		rig_store_db(s),
		"SELECT coalesce(sa.board, r.board), m.value FROM metrics m"
		" JOIN samples sa ON sa.id = m.sample_id JOIN runs r ON r.id = sa.run_id"
		" WHERE sa.run_id = ? AND sa.ok = 1 AND m.name = ? ORDER BY sa.idx",
		-1, &st, NULL) != SQLITE_OK)
		return q_fail(s, err, "metric values by board");
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, metric, -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*v = rig_xrealloc(*v, cap * sizeof(double));
		}
		rig_strv_push(boards, (const char *)sqlite3_column_text(st, 0));
		(*v)[(*n)++] = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : q_fail(s, err, "metric values by board");
}

int sq_run_hists(struct rig_store *s, int64_t run_id, const char *name, rig_hist_blob_cb cb,
		 void *ctx, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int step, n = 0, rc = 0;

	if (sqlite3_prepare_v2(rig_store_db(s),
			       "SELECT h.data FROM sample_hists h JOIN samples sa ON sa.id = "
			       "h.sample_id WHERE sa.run_id = ? AND sa.ok = 1 AND h.name = ? "
			       "ORDER BY sa.idx",
			       -1, &st, NULL) != SQLITE_OK)
		return q_fail(s, err, "histograms");
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *hex = (const char *)sqlite3_column_text(st, 0);
		struct rig_buf b = {0};
		if (!hex || store_hex_decode(hex, &b))
			rc = rig_fail(err, RIG_ERR_PARSE,
				      "%s: run %lld: histogram '%s' of a sample is not hex text",
				      s->path, (long long)run_id, name);
		else if ((rc = cb(ctx, b.data, b.len)) == 0)
			n++;
		rig_buf_free(&b);
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;
	return step == SQLITE_DONE ? n : q_fail(s, err, "histograms");
}
