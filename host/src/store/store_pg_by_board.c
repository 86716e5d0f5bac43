/* The values of a run's metric with the board of each sample, on
 * PostgreSQL (store_runs.h, rig_store_run_board_values). */
#ifdef RIG_HAVE_LIBPQ
#include "store_pg_priv.h"

int pg_run_board_values(struct rig_store *s, int64_t run_id, const char *metric,
			struct rig_strv *boards, double **v, size_t *n, struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc, rows;

	pgp_int(&p, run_id);
	pgp_text(&p, metric);
	if ((rc = pg_run(s,
			 "SELECT coalesce(sa.board, r.board), m.value FROM metrics m"
			 " JOIN samples sa ON sa.id = m.sample_id JOIN runs r ON r.id = sa.run_id"
			 " WHERE sa.run_id = $1 AND sa.ok = 1 AND m.name = $2 ORDER BY sa.idx",
			 &p, &res, "metric values by board", err)))
		return rc;
	rows = PQntuples(res);
	*v = rig_xcalloc(rows ? (size_t)rows : 1, sizeof(double));
	for (int i = 0; i < rows; i++) {
		char b[64];
		pg_text(res, i, 0, b, sizeof(b));
		rig_strv_push(boards, b);
		(*v)[(*n)++] = pg_real(res, i, 1);
	}
	PQclear(res);
	return 0;
}
#endif
