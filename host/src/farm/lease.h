/*
 * Leases on boards (docs/farm.md). A board is used only under a lease: an
 * owner (this process, "host:pid:start"), an expiry that a heartbeat thread
 * renews every ttl/3, and a fencing token that grows with every take. A
 * worker that hangs or whose host dies stops renewing; after the expiry
 * another worker takes the board, and the old holder's sample writes are
 * refused (rig_store_add_sample_fenced) because its token is no longer the
 * board's. A lease held by a process of this host that no longer runs is
 * taken over at once. The tables are the store's (store_lease.h).
 *
 * A keeper is shared by the threads of one process: every call may be made
 * from any thread.
 */
#ifndef RIG_LEASE_H
#define RIG_LEASE_H

#include <signal.h>
#include <stdint.h>

#include "error.h"

#define RIG_LEASE_TTL_MS_DEFAULT 30000LL
#define RIG_LEASE_WAIT_MS_DEFAULT 600000LL

struct rig_leases;

/* Opens a keeper on the store file db_path (its own connection) and starts
 * its heartbeat thread. ttl_ms >= 300. RIG_ERR_STORE when the store cannot
 * be opened. */
int rig_leases_open(const char *db_path, long long ttl_ms, struct rig_leases **out,
		    struct rig_error *err);

/* Takes board's lease, trying again every 200 ms-1 s while another worker
 * holds it, for up to wait_ms (0: one try). 0 and *token; RIG_ERR_BUSY
 * naming the holder when the wait ran out; RIG_ERR_INTERRUPTED when *stop
 * became non-zero while waiting. Blocks. */
int rig_leases_take(struct rig_leases *lk, const char *board, long long wait_ms,
		    const volatile sig_atomic_t *stop, int64_t *token, struct rig_error *err);

/* 1 while this keeper holds board's lease (its last renewal succeeded), 0
 * after it was lost (fenced) or dropped. Does not block. */
int rig_leases_held(struct rig_leases *lk, const char *board);

/* Gives board's lease up (logged). Never fails: a lease that cannot be
 * given up expires. */
void rig_leases_drop(struct rig_leases *lk, const char *board);

/* The owner id leases are taken under. */
const char *rig_leases_owner(const struct rig_leases *lk);

/* Drops every lease still held, stops the heartbeat, closes. NULL: nothing. */
void rig_leases_close(struct rig_leases *lk);

#endif
