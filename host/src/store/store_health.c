/* Health checks on SQLite: see store_health.h. */
#include <stdio.h>
#include <string.h>

#include "store_sqlite.h"

int sq_health_add(struct rig_store *s, const struct rig_health_row *r, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = store_prepare(
		 s,
		 "INSERT INTO health_checks(at_ms, board, token, pass, metric, figure,"
		 " n, ref_n, band_lo, band_hi, governor, temp_c, throttled_bits,"
		 " cpu_mhz, result, evidence)"
		 " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		 &st, err)))
		return rc;
	sqlite3_bind_int64(st, 1, r->at_ms);
	sqlite3_bind_text(st, 2, r->board, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, r->token);
	sqlite3_bind_int(st, 4, r->pass);
	sqlite3_bind_text(st, 5, r->metric, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(st, 6, r->figure);
	sqlite3_bind_int(st, 7, r->n);
	sqlite3_bind_int(st, 8, r->ref_n);
	sqlite3_bind_double(st, 9, r->band_lo);
	sqlite3_bind_double(st, 10, r->band_hi);
	sqlite3_bind_text(st, 11, r->governor, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 12, r->temp_c, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 13, r->throttled_bits, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 14, r->cpu_mhz, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 15, r->result, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 16, r->evidence, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : store_db_fail(s, err, "add a health check");
	sqlite3_finalize(st);
	return rc;
}

int sq_health_history(struct rig_store *s, const char *board, int pass_only,
		      struct rig_health_row *rows, int cap, int *n, struct rig_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	*n = 0;
	if ((rc = store_prepare(s,
				"SELECT id, at_ms, board, coalesce(token, 0), pass,"
				" coalesce(metric, ''), coalesce(figure, 0), coalesce(n, 0),"
				" coalesce(ref_n, 0), coalesce(band_lo, 0), coalesce(band_hi, 0),"
				" coalesce(governor, ''), coalesce(temp_c, ''),"
				" coalesce(throttled_bits, ''), coalesce(cpu_mhz, ''),"
				" coalesce(result, ''), coalesce(evidence, '')"
				" FROM health_checks WHERE board = ?1 AND (?2 = 0 OR pass = 1)"
				" ORDER BY id DESC LIMIT ?3",
				&st, err)))
		return rc;
	sqlite3_bind_text(st, 1, board, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, pass_only);
	sqlite3_bind_int(st, 3, cap);
	while ((step = sqlite3_step(st)) == SQLITE_ROW && *n < cap) {
		struct rig_health_row *r = &rows[(*n)++];

		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		r->at_ms = sqlite3_column_int64(st, 1);
		store_col_text(st, 2, r->board, sizeof(r->board));
		r->token = sqlite3_column_int64(st, 3);
		r->pass = sqlite3_column_int(st, 4);
		store_col_text(st, 5, r->metric, sizeof(r->metric));
		r->figure = sqlite3_column_double(st, 6);
		r->n = sqlite3_column_int(st, 7);
		r->ref_n = sqlite3_column_int(st, 8);
		r->band_lo = sqlite3_column_double(st, 9);
		r->band_hi = sqlite3_column_double(st, 10);
		store_col_text(st, 11, r->governor, sizeof(r->governor));
		store_col_text(st, 12, r->temp_c, sizeof(r->temp_c));
		store_col_text(st, 13, r->throttled_bits, sizeof(r->throttled_bits));
		store_col_text(st, 14, r->cpu_mhz, sizeof(r->cpu_mhz));
		store_col_text(st, 15, r->result, sizeof(r->result));
		store_col_text(st, 16, r->evidence, sizeof(r->evidence));
	}
	rc = step == SQLITE_ROW || step == SQLITE_DONE
		 ? 0
		 : store_db_fail(s, err, "read a board's health checks");
	sqlite3_finalize(st);
	return rc;
}
