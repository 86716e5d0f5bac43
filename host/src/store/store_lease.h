/*
 * The farm's tables in the store (schema 3): leases, board states and the
 * farm log. Only SQL lives here; the policy (heartbeats, waiting, quarantine
 * rules) is in host/src/farm/. Times are wall-clock milliseconds
 * (rig_wall_ms), because leases are compared across hosts.
 *
 * A lease row stays after a release (owner NULL, expires_ms 0) so that its
 * token, which every take increments, never goes back: a token names one
 * holding of one board, for ever.
 */
#ifndef RIG_STORE_LEASE_H
#define RIG_STORE_LEASE_H

#include <stddef.h>
#include <stdint.h>

#include "sample.h"
#include "store.h"

struct rig_lease_row {
	char board[64];
	char owner[160]; /* "" when free */
	int64_t token, acquired_ms, expires_ms;
};

/*
 * Takes board's lease for owner, in one transaction, when it is free, has
 * expired (expires_ms < now_ms), or is held by a process of this host that
 * no longer runs (rig_store_owner_alive). The new token is the old one + 1
 * (*token); the take is logged ("take", or "takeover" naming the previous
 * holder). RIG_ERR_BUSY when someone else holds it: *holder (may be NULL)
 * says who and until when. Does not block beyond the store's busy wait.
 */
int rig_store_lease_take(struct rig_store *s, const char *board, const char *owner, int64_t now_ms,
			 int64_t ttl_ms, int64_t *token, struct rig_lease_row *holder,
			 struct rig_error *err);

/* Moves the expiry of the lease (board, token) to now_ms + ttl_ms.
 * RIG_ERR_FENCED when token is no longer the board's current one (the lease
 * was taken over or forced free): the holder must stop using the board. */
int rig_store_lease_renew(struct rig_store *s, const char *board, int64_t token, int64_t now_ms,
			  int64_t ttl_ms, struct rig_error *err);

/* Gives the lease up when token is still current (otherwise nothing to do);
 * logged as "release". */
int rig_store_lease_drop(struct rig_store *s, const char *board, int64_t token,
			 struct rig_error *err);

/* A human frees a board: the lease (whoever holds it: its token is bumped so
 * the holder's writes are refused) and its quarantine. Logged as
 * "force-release" with who and what was freed in *what (may be NULL). */
int rig_store_lease_force(struct rig_store *s, const char *board, const char *who, char *what,
			  size_t what_cap, struct rig_error *err);

/* The lease of one board: 1 and *row when there is a row, 0 when none. */
int rig_store_lease_get(struct rig_store *s, const char *board, struct rig_lease_row *row,
			struct rig_error *err);

/*
 * Stores a sample (rig_store_add_sample) only when (board, token) is still
 * the board's current, unexpired lease at now_ms, checked in the same
 * transaction as the insert. RIG_ERR_FENCED and nothing stored otherwise.
 */
int rig_store_add_sample_fenced(struct rig_store *s, int64_t run_id, int idx,
				const struct rig_sample *smp, const char *board, int64_t token,
				int64_t now_ms, struct rig_error *err);

/* Samples first_idx .. first_idx + n - 1 of run_id (smp[0..n-1]) under
 * (board, token), as rig_store_add_sample_fenced, in one transaction where
 * the backend has it (PostgreSQL: one fence check and one COMMIT for all;
 * elsewhere one call per sample, stopping at the first error). 0 when all
 * are stored; RIG_ERR_FENCED and none stored (in one transaction) when the
 * lease is no longer the board's. */
int rig_store_add_samples_fenced(struct rig_store *s, int64_t run_id, int first_idx, size_t n,
				 const struct rig_sample *smp, const char *board, int64_t token,
				 int64_t now_ms, struct rig_error *err);

/* A board's health state. */
struct rig_board_state {
	char state[16];	    /* "ok" or "quarantined" */
	char reason[256];   /* why quarantined */
	char evidence[512]; /* the figures that led to it */
	int64_t since;	    /* unix seconds of the last change */
	int failures;	    /* unusable benches in a row */
	int64_t last_health;
	char health[256]; /* the last health check's result */
};

/* The state of board (state "ok", failures 0 when the board has no row). */
int rig_store_board_state(struct rig_store *s, const char *board, struct rig_board_state *st,
			  struct rig_error *err);
/* One more unusable bench on board (logged as "infra" with reason); the new
 * count in *failures. */
int rig_store_board_failure(struct rig_store *s, const char *board, const char *who,
			    const char *reason, int *failures, struct rig_error *err);
/* A bench used the board to the end: the failure count goes back to 0. */
int rig_store_board_ok(struct rig_store *s, const char *board, struct rig_error *err);
/* Puts board in quarantine with the reason and the evidence (logged). */
int rig_store_board_quarantine(struct rig_store *s, const char *board, const char *who,
			       const char *reason, const char *evidence, struct rig_error *err);
/* Records a health check's result ("pass ..." / "fail ..."); a pass of a
 * quarantined board returns it to "ok" (logged). */
int rig_store_board_health(struct rig_store *s, const char *board, int pass, const char *result,
			   struct rig_error *err);

/* Appends a line to the farm log. */
int rig_store_farm_log(struct rig_store *s, const char *board, const char *who, const char *event,
		       int64_t token, const char *detail, struct rig_error *err);

/* Every board that has a lease row or a state row, sorted, appended to out. */
int rig_store_farm_boards(struct rig_store *s, struct rig_strv *out, struct rig_error *err);

/* The farm log, oldest first (board NULL: every board; limit 0: all). */
struct rig_farm_event {
	int64_t id, at_ms, token;
	char board[64], who[160], event[24], detail[600];
};
typedef int (*rig_farm_event_cb)(void *ctx, const struct rig_farm_event *ev);
int rig_store_farm_events(struct rig_store *s, const char *board, int limit, rig_farm_event_cb cb,
			  void *ctx, struct rig_error *err);

#endif
