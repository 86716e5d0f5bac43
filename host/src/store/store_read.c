/* Reading the store: series of samples per cell, skips, the names stored.
 * See store.h. */
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_sqlite.h"

int sq_each_series(struct rig_store *s, const char *board_filter, const char *workload_filter,
		   rig_series_cb cb, void *ctx, struct rig_error *err)
{
	/* The newest run per (board, profile, workload, target, load spec),
	 * then its metrics over ok samples. */
	static const char sql[] =
	    "WITH latest AS ("
	    "  SELECT max(r.id) AS id FROM runs r JOIN builds b ON b.id = r.build_id"
	    "  WHERE (?1 IS NULL OR r.board = ?1) AND (?2 IS NULL OR r.workload = ?2)"
	    "  GROUP BY r.board, b.profile, r.workload, b.target_os, b.target_arch,"
	    "           b.target_variant, coalesce(r.load, ''))"
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
	    "     AND key IN ('hot', 'throttled') AND value = 'yes'),"
	    "  r.load"
	    " FROM latest JOIN runs r ON r.id = latest.id JOIN builds b ON b.id = r.build_id"
	    " LEFT JOIN (SELECT DISTINCT s.run_id, mm.name, mm.unit FROM metrics mm"
	    "            JOIN samples s ON s.id = mm.sample_id WHERE s.ok = 1) m"
	    "   ON m.run_id = r.id"
	    " ORDER BY r.board, r.workload, b.profile, coalesce(r.load, ''), m.name";
	sqlite3_stmt *st = NULL, *vals = NULL;
	int rc, step;

	if ((rc = store_prepare(s, sql, &st, err)))
		return rc;
	if ((rc = store_prepare(
		 s,
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
		store_col_text(st, 1, sr.board, sizeof(sr.board));
		store_col_text(st, 2, sr.toolchain, sizeof(sr.toolchain));
		store_col_text(st, 3, sr.profile, sizeof(sr.profile));
		store_col_text(st, 4, sr.workload, sizeof(sr.workload));
		store_col_text(st, 5, sr.target, sizeof(sr.target));
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
		store_col_text(st, 17, sr.sizes.extra_name, sizeof(sr.sizes.extra_name));
		sr.sizes.extra_bytes = sqlite3_column_int64(st, 18);
		store_col_text(st, 19, sr.sha256, sizeof(sr.sha256));
		store_col_text(st, 20, sr.tc_version, sizeof(sr.tc_version));
		store_col_text(st, 21, sr.metric, sizeof(sr.metric));
		store_col_text(st, 22, sr.unit, sizeof(sr.unit));
		store_col_text(st, 23, sr.flags, sizeof(sr.flags));
		store_col_text(st, 24, sr.load, sizeof(sr.load));
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
		rc = store_db_fail(s, err, "query results");
	sqlite3_finalize(st);
	sqlite3_finalize(vals);
	return rc;
}

int sq_each_skip(struct rig_store *s, int64_t since, rig_skip_cb cb, void *ctx,
		 struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, step;

	if ((rc = store_prepare(
		 s,
		 "SELECT board, toolchain, profile, workload, reason FROM skips WHERE id IN"
		 " (SELECT max(id) FROM skips WHERE at >= ? GROUP BY board, profile, workload)"
		 " ORDER BY board, workload, profile",
		 &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, since);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct rig_skip sk;
		store_col_text(st, 0, sk.board, sizeof(sk.board));
		store_col_text(st, 1, sk.toolchain, sizeof(sk.toolchain));
		store_col_text(st, 2, sk.profile, sizeof(sk.profile));
		store_col_text(st, 3, sk.workload, sizeof(sk.workload));
		store_col_text(st, 4, sk.reason, sizeof(sk.reason));
		if ((rc = cb(ctx, &sk)))
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = store_db_fail(s, err, "query skips");
	sqlite3_finalize(st);
	return rc;
}

int sq_names(struct rig_store *s, const char *what, struct rig_strv *out, struct rig_error *err)
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
		if ((rc = store_prepare(s, queries[i].sql, &st, err)))
			return rc;
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			const unsigned char *t = sqlite3_column_text(st, 0);
			if (t)
				rig_strv_push(out, (const char *)t);
		}
		rc = step == SQLITE_DONE ? 0 : store_db_fail(s, err, "list names");
		sqlite3_finalize(st);
		return rc;
	}
	return rig_fail(err, RIG_ERR_INVALID, "rig_store_names: no list of '%s'", what);
}
