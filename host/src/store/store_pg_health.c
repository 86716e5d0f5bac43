/* Health checks on PostgreSQL (store_health.h): the SQLite backend's
 * statements in PostgreSQL's dialect. */
#ifdef RIG_HAVE_LIBPQ
#include "store_pg_priv.h"

#include <string.h>

int pg_health_add(struct rig_store *s, const struct rig_health_row *r, struct rig_error *err)
{
	struct pg_params p = {0};

	pgp_int(&p, r->at_ms);
	pgp_text(&p, r->board);
	pgp_int(&p, r->token);
	pgp_int(&p, r->pass);
	pgp_text(&p, r->metric);
	pgp_real(&p, r->figure);
	pgp_int(&p, r->n);
	pgp_int(&p, r->ref_n);
	pgp_real(&p, r->band_lo);
	pgp_real(&p, r->band_hi);
	pgp_text(&p, r->governor);
	pgp_text(&p, r->temp_c);
	pgp_text(&p, r->throttled_bits);
	pgp_text(&p, r->cpu_mhz);
	pgp_text(&p, r->result);
	pgp_text(&p, r->evidence);
	return pg_run(s,
		      "INSERT INTO health_checks(at_ms, board, token, pass, metric, figure, n,"
		      " ref_n, band_lo, band_hi, governor, temp_c, throttled_bits, cpu_mhz,"
		      " result, evidence)"
		      " VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)",
		      &p, NULL, "add a health check", err);
}

int pg_health_history(struct rig_store *s, const char *board, int pass_only,
		      struct rig_health_row *rows, int cap, int *n, struct rig_error *err)
{
	struct pg_params p = {0};
	PGresult *res;
	int rc;

	*n = 0;
	pgp_text(&p, board);
	pgp_int(&p, pass_only);
	pgp_int(&p, cap);
	if ((rc = pg_run(s,
			 "SELECT id, at_ms, board, coalesce(token, 0), pass,"
			 " coalesce(metric, ''), coalesce(figure, 0), coalesce(n, 0),"
			 " coalesce(ref_n, 0), coalesce(band_lo, 0), coalesce(band_hi, 0),"
			 " coalesce(governor, ''), coalesce(temp_c, ''),"
			 " coalesce(throttled_bits, ''), coalesce(cpu_mhz, ''),"
			 " coalesce(result, ''), coalesce(evidence, '')"
			 " FROM health_checks WHERE board = $1 AND ($2::int = 0 OR pass = 1)"
			 " ORDER BY id DESC LIMIT $3",
			 &p, &res, "read a board's health checks", err)))
		return rc;
	for (int i = 0; i < PQntuples(res) && *n < cap; i++) {
		struct rig_health_row *r = &rows[(*n)++];

		memset(r, 0, sizeof(*r));
		r->id = pg_int(res, i, 0);
		r->at_ms = pg_int(res, i, 1);
		pg_text(res, i, 2, r->board, sizeof(r->board));
		r->token = pg_int(res, i, 3);
		r->pass = (int)pg_int(res, i, 4);
		pg_text(res, i, 5, r->metric, sizeof(r->metric));
		r->figure = pg_real(res, i, 6);
		r->n = (int)pg_int(res, i, 7);
		r->ref_n = (int)pg_int(res, i, 8);
		r->band_lo = pg_real(res, i, 9);
		r->band_hi = pg_real(res, i, 10);
		pg_text(res, i, 11, r->governor, sizeof(r->governor));
		pg_text(res, i, 12, r->temp_c, sizeof(r->temp_c));
		pg_text(res, i, 13, r->throttled_bits, sizeof(r->throttled_bits));
		pg_text(res, i, 14, r->cpu_mhz, sizeof(r->cpu_mhz));
		pg_text(res, i, 15, r->result, sizeof(r->result));
		pg_text(res, i, 16, r->evidence, sizeof(r->evidence));
	}
	PQclear(res);
	return 0;
}
#endif
