/* The lease keeper and its heartbeat: see lease.h. */
#include "lease.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store.h"
#include "store_lease.h"
#include "util.h"

struct held {
	char board[64];
	int64_t token;
	int lost;
};

struct rig_leases {
	struct rig_store *store; /* the keeper's own connection: takes and heartbeats */
	long long ttl_ms;
	pthread_mutex_t mu; /* store, held[], stop */
	pthread_cond_t wake;
	pthread_t thread;
	int stop;
	struct held *held;
	size_t n_held, cap_held;
};

static void sleep_ms(long long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
	nanosleep(&ts, NULL);
}

/* Renews every lease held; a refused renewal marks the lease lost (the
 * worker sees it through rig_leases_held and its writes are fenced). */
static void renew_all(struct rig_leases *lk)
{
	for (size_t i = 0; i < lk->n_held; i++) {
		struct held *h = &lk->held[i];
		struct rig_error e = {0};
		int rc;

		if (h->lost)
			continue;
		rc = rig_store_lease_renew(lk->store, h->board, h->token, rig_wall_ms(), lk->ttl_ms,
					   &e);
		if (rc == RIG_ERR_FENCED) {
			h->lost = 1;
			rig_warn("%s", e.msg);
		} else if (rc) {
			/* a busy store: the next beat tries again before the expiry */
			rig_dbg("heartbeat for %s: %s", h->board, e.msg);
		}
	}
}

static void *heartbeat(void *arg)
{
	struct rig_leases *lk = arg;

	pthread_mutex_lock(&lk->mu);
	while (!lk->stop) {
		struct timespec until;
		long long beat_ms = lk->ttl_ms / 3;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += beat_ms / 1000;
		until.tv_nsec += (beat_ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&lk->wake, &lk->mu, &until);
		if (!lk->stop)
			renew_all(lk);
	}
	pthread_mutex_unlock(&lk->mu);
	return NULL;
}

int rig_leases_open(const char *db_path, long long ttl_ms, struct rig_leases **out,
		    struct rig_error *err)
{
	struct rig_leases *lk = rig_xcalloc(1, sizeof(*lk));
	int rc;

	if (ttl_ms < 300)
		ttl_ms = 300;
	lk->ttl_ms = ttl_ms;
	if ((rc = rig_store_open(db_path, &lk->store, err))) {
		free(lk);
		return rc;
	}
	pthread_mutex_init(&lk->mu, NULL);
	pthread_cond_init(&lk->wake, NULL);
	if (pthread_create(&lk->thread, NULL, heartbeat, lk)) {
		rig_store_close(lk->store);
		free(lk);
		return rig_fail(err, RIG_ERR_IO, "cannot start the lease heartbeat thread");
	}
	*out = lk;
	return 0;
}

const char *rig_leases_owner(const struct rig_leases *lk) { return rig_store_owner(lk->store); }

static struct held *find(struct rig_leases *lk, const char *board)
{
	for (size_t i = 0; i < lk->n_held; i++)
		if (strcmp(lk->held[i].board, board) == 0)
			return &lk->held[i];
	return NULL;
}

int rig_leases_take(struct rig_leases *lk, const char *board, long long wait_ms,
		    const volatile sig_atomic_t *stop, int64_t *token, struct rig_error *err)
{
	int64_t deadline = rig_now_ns() + wait_ms * 1000000LL;
	long long pause_ms = 200;
	int logged = 0;

	for (;;) {
		struct rig_lease_row holder = {0};
		struct rig_error e = {0};
		int rc;

		pthread_mutex_lock(&lk->mu);
		rc = rig_store_lease_take(lk->store, board, rig_leases_owner(lk), rig_wall_ms(),
					  lk->ttl_ms, token, &holder, &e);
		if (!rc) {
			struct held *h = find(lk, board);
			if (!h) {
				if (lk->n_held == lk->cap_held) {
					lk->cap_held = lk->cap_held ? 2 * lk->cap_held : 16;
					lk->held = rig_xrealloc(lk->held,
								lk->cap_held * sizeof(*lk->held));
				}
				h = &lk->held[lk->n_held++];
			}
			snprintf(h->board, sizeof(h->board), "%s", board);
			h->token = *token;
			h->lost = 0;
		}
		pthread_mutex_unlock(&lk->mu);
		if (rc != RIG_ERR_BUSY) {
			if (rc)
				*err = e;
			return rc;
		}
		if (stop && *stop)
			return rig_fail(err, RIG_ERR_INTERRUPTED,
					"interrupted waiting for board %s", board);
		if (rig_now_ns() >= deadline)
			return rig_fail(
			    err, RIG_ERR_BUSY,
			    "board %s is leased by %s (lease expires in %lld s); gave up "
			    "after --lease-wait %lld s",
			    board, holder.owner,
			    (long long)(holder.expires_ms - rig_wall_ms()) / 1000, wait_ms / 1000);
		if (!logged++)
			rig_info("board %s is leased by %s: waiting", board, holder.owner);
		sleep_ms(pause_ms);
		if (pause_ms < 1000)
			pause_ms += 200;
	}
}

int rig_leases_held(struct rig_leases *lk, const char *board)
{
	struct held *h;
	int held;

	pthread_mutex_lock(&lk->mu);
	h = find(lk, board);
	held = h && !h->lost;
	pthread_mutex_unlock(&lk->mu);
	return held;
}

void rig_leases_drop(struct rig_leases *lk, const char *board)
{
	struct held *h;

	pthread_mutex_lock(&lk->mu);
	if ((h = find(lk, board))) {
		struct rig_error e = {0};
		int rc = h->lost ? 0 : rig_store_lease_drop(lk->store, board, h->token, &e);

		/* a store restarting: a few tries (5 s) before leaving it to expire */
		for (int i = 0; rc == RIG_ERR_STORE_LOST && i < 20; i++) {
			sleep_ms(250);
			rc = rig_store_lease_drop(lk->store, board, h->token, &e);
		}
		if (rc)
			rig_warn("board %s: giving the lease up: %s (it expires by itself)", board,
				 e.msg);
		*h = lk->held[--lk->n_held];
	}
	pthread_mutex_unlock(&lk->mu);
}

void rig_leases_close(struct rig_leases *lk)
{
	if (!lk)
		return;
	pthread_mutex_lock(&lk->mu);
	lk->stop = 1;
	pthread_cond_signal(&lk->wake);
	pthread_mutex_unlock(&lk->mu);
	pthread_join(lk->thread, NULL);
	while (lk->n_held)
		rig_leases_drop(lk, lk->held[0].board);
	free(lk->held);
	pthread_mutex_destroy(&lk->mu);
	pthread_cond_destroy(&lk->wake);
	rig_store_close(lk->store);
	free(lk);
}
