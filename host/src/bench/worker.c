/*
 * The bench's run phase: one worker thread per board (docs/farm.md). A
 * worker takes its board's lease (waiting while another bench holds it),
 * a --jobs slot when the board is host-local (host, QEMU, WASI: CPU-bound
 * on this machine; agent and serial boards are not limited), opens the
 * board, refuses it when its facts put it in quarantine, then measures its
 * cells one after another through its own store connection, every sample
 * written under the lease's fencing token. A board that fails for
 * infrastructure reasons (would not open, lost its link, lost its lease)
 * counts an infrastructure error, and the samples it did not take are
 * queued for another board of the same model (tag model:), which takes
 * them into the same run after its own cells (retry.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_internal.h"
#include "bench_load.h"
#include "bounds.h"
#include "health.h"
#include "hostenv.h"
#include "log.h"
#include "store_lease.h"

const char *rig_bench_owner(const struct bench *bn)
{
	static char me[160];

	if (bn->leases)
		return rig_leases_owner(bn->leases);
	if (!me[0])
		rig_store_owner_id(me, sizeof(me));
	return me;
}

int rig_bench_stopping(const struct bench *bn) { return rig_bench_stop || bn->fatal_rc; }

void rig_bench_worker_state(struct worker *w, enum worker_state s)
{
	pthread_mutex_lock(&w->bn->mu);
	w->state = s;
	rig_bench_progress_farm(w->bn, 0);
	pthread_mutex_unlock(&w->bn->mu);
}

static void fatal(struct bench *bn, int rc, const struct rig_error *e)
{
	pthread_mutex_lock(&bn->mu);
	if (!bn->fatal_rc) {
		bn->fatal_rc = rc;
		bn->fatal_err = *e;
	}
	pthread_mutex_unlock(&bn->mu);
}

/* Waits for a --jobs slot; 0, or RIG_ERR_INTERRUPTED. */
static int slot_take(struct worker *w)
{
	if (!w->local)
		return 0;
	for (;;) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		if (sem_timedwait(&w->bn->slots, &ts) == 0)
			return 0;
		if (rig_bench_stopping(w->bn))
			return RIG_ERR_INTERRUPTED;
	}
}

static void slot_give(struct worker *w)
{
	if (w->local)
		sem_post(&w->bn->slots);
}

static void env_record(struct worker *w, struct rig_kvlist *env)
{
	struct bench *bn = w->bn;
	struct rig_board *b = w->b;
	struct rig_error e = {0};

	rig_kv_set(env, "rig.version", RIG_VERSION);
	if (bn->o->prov)
		rig_provenance_facts(bn->o->prov, env);
	rig_hostenv_collect(env, "host.");
	if (bn->o->load_text)
		rig_kv_set(env, "load.spec", bn->o->load_text);
	rig_kv_set(env, "board.name", b->name);
	rig_kv_set(env, "board.file", b->file);
	rig_kv_set(env, "board.kind", b->ops->kind);
	rig_kv_set(env, "board.emulated", b->emulated ? "yes" : "no");
	rig_kv_set(env, "board.model", w->model);
	rig_kv_setf(env, "board.target", "%s/%s%s%s", b->target.os, b->target.arch,
		    b->target.variant[0] ? "/" : "", b->target.variant);
	if (b->ops->facts && b->ops->facts(b, env, &e))
		rig_warn("board %s: facts: %s", b->name, e.msg);
	for (size_t i = 0; i < bn->n_jobs; i++) {
		char key[64];
		if (bn->jobs[i].board != b)
			continue;
		snprintf(key, sizeof(key), "toolchain.%s", bn->jobs[i].art.toolchain);
		rig_kv_set(env, key, bn->jobs[i].art.tc_version);
	}
}

/* The plan of a cell comes from the board it belongs to (j->board), also
 * when another board takes its samples. */
void rig_bench_plan(const struct bench *bn, const struct job *j, long long *n, long long *warm,
		    struct rig_run_key *key)
{
	const struct rig_board *a = j->shared ? j->shared->lead->board : j->board;

	if (j->shared) /* the lead's plan and build, the run named for the model */
		j = j->shared->lead;
	*n = bn->o->samples >= 0 ? bn->o->samples : a->samples;
	/* a service's warm-up is the load's own (w= in the spec) */
	*warm = j->service ? 0 : bn->o->warmup >= 0 ? bn->o->warmup : a->warmup;
	key->board = j->shared ? j->shared->label : a->name;
	key->build_id = j->build_id;
	key->workload = j->workload;
	key->iterations =
	    bn->o->iterations > 0 ? bn->o->iterations : rig_board_iterations(a, j->workload);
	key->timeout_ms = bn->o->timeout_ms > 0 ? bn->o->timeout_ms : a->timeout_ms;
	key->load = NULL;
	if (j->service) {
		key->timeout_ms = rig_bench_load_timeout_ms(bn->o->load, key->timeout_ms);
		key->load = bn->o->load_text; /* two specs of one cell: two runs */
	}
}

int rig_bench_infra(int rc)
{
	return rc && rc != RIG_ERR_INTERRUPTED && rc != RIG_ERR_STORE && rc != RIG_ERR_STORE_LOST &&
	       rc != RIG_ERR_SKIPPED;
}

/* Samples [from, n) of run_id for cell j, taken on w's board
 * (bench_internal.h); a sample that timed out goes through
 * rig_bench_timeout_judge (timeout.c). */
int rig_bench_take_samples(struct worker *w, struct job *j, int64_t run_id, int from,
			   const char *timed_out_on, int may_retry, int *next,
			   struct rig_error *err)
{
	struct bench *bn = w->bn;
	struct rig_board *b = w->b;
	struct rig_run_key key;
	long long n, warm;
	struct rig_run_req req = {.art = &j->art, .workload = j->workload};
	char logdir[1400], logpath[1600];
	struct rig_bounds bnd;
	struct rig_bench_load bl = {
	    .spec = bn->o->load, .cpus = bn->o->load_cpus, .n_cpus = bn->o->n_load_cpus};
	struct rig_run_service svc;
	struct sample_batch sb;
	int rc = 0, frc;

	rig_bench_plan(bn, j, &n, &warm, &key);
	req.iterations = key.iterations;
	req.timeout_ms = key.timeout_ms;
	*next = from;
	if (b->ops->prepare && (rc = b->ops->prepare(b, &j->art, err)))
		return rc;
	snprintf(logdir, sizeof(logdir), "%s/logs", b->workdir);
	rig_mkdirs(logdir, NULL);
	for (long long i = 0; i < warm && !rig_bench_stopping(bn); i++) {
		struct rig_sample s = {0};

		req.warmup = 1;
		req.log_path = NULL;
		rc = b->ops->run(b, &req, &s, err);
		rig_sample_free(&s);
		if (rc)
			return rc;
	}
	req.warmup = 0;
	rig_bench_batch_init(&sb, w, j->shared != NULL);
	rig_bounds_for_target(&b->target, &bnd);
	bnd.ram_bytes = (double)b->ram_kib * 1024;
	/* verdict_on: the board the sample about to be taken timed out on */
	const char *verdict_on = timed_out_on;
	for (int idx = j->shared ? rig_bench_ab_next(j->shared, j, &verdict_on) : from;
	     idx >= 0 && idx < n;
	     idx = j->shared ? rig_bench_ab_next(j->shared, j, &verdict_on) : idx + 1) {
		struct rig_sample s = {0};
		int64_t t0;
		double wall = 0, around;

		*next = idx;
		if (rig_bench_stopping(bn)) {
			if (j->shared)
				rig_bench_ab_give_back(j->shared, j, idx, NULL);
			rc = RIG_ERR_INTERRUPTED;
			goto out;
		}
		snprintf(logpath, sizeof(logpath), "%s/run%lld-%d.log", logdir, (long long)run_id,
			 idx);
		req.log_path = logpath;
		if (j->service) {
			if ((rc = rig_bench_load_prepare(&bl, b, &svc, err)))
				goto out;
			req.service = &svc;
		}
		t0 = rig_now_ns();
		rc = b->ops->run(b, &req, &s, err);
		if (j->service)
			rig_bench_load_finish(&bl, &s);
		if (rc) {
			if (j->shared) /* another board of the model takes it */
				rig_bench_ab_give_back(j->shared, j, idx, NULL);
			rig_sample_free(&s);
			goto out;
		}
		/* What rig itself added around the program: fork, pipes, parsing,
		 * reaping (the store commit comes after and is not in it). */
		around = 0;
		if (rig_sample_get(&s, "wall_ns", &wall)) {
			around = (double)(rig_now_ns() - t0) - wall;
			rig_sample_set(&s, "rig_overhead_ns", around, "ns");
		}
		/* A figure the board cannot produce fails the sample here, so it
		 * is stored with its reason and never summarised as a result. */
		rig_bounds_check(&s, &bnd);
		if (!s.log_path[0] && rig_file_exists(logpath))
			snprintf(s.log_path, sizeof(s.log_path), "%s", logpath);
		switch (rig_bench_timeout_judge(w, j, idx, &s, wall, verdict_on, &may_retry, err)) {
		case RIG_BENCH_TIMED_OUT:
			rig_sample_free(&s);
			rc = RIG_BENCH_TIMED_OUT;
			goto out;
		case RIG_BENCH_GIVEN_BACK:
			rig_sample_free(&s);
			verdict_on = NULL;
			continue;
		}
		verdict_on = NULL;
		if (!s.ok)
			rig_warn("%s %s %s sample %d failed: %s", b->name, j->profile, j->workload,
				 idx + 1, s.fail_reason);
		/* Under a lease the write is fenced: a board taken over or forced
		 * free stores nothing more from this worker. */
		if ((rc = rig_bench_batch_add(w, &sb, run_id, idx, &s, around, err))) {
			if (j->shared && rc == RIG_ERR_FENCED)
				rig_bench_ab_give_back(j->shared, j, idx, NULL);
			*next = sb.lost_from;
			goto out;
		}
	}
	*next = (int)n;
out:
	/* the samples finished before an error or the end are stored first */
	if ((frc = rig_bench_batch_flush(w, &sb, rc ? NULL : err))) {
		*next = sb.lost_from;
		if (!rc)
			rc = frc;
	}
	rig_bench_batch_free(&sb);
	if (rc == RIG_ERR_FENCED)
		w->fenced = 1;
	return rc;
}

static void count_infra(struct worker *w, const char *why)
{
	rig_bench_count_infra(w, w->b->name, why);
}

/* A cell shared with the other boards of the model (--ab): the first
 * board in begins the run, each takes the indices it is handed, the last
 * one out ends it. */
static int shared_job(struct worker *w, struct job *j, struct rig_error *err)
{
	struct bench *bn = w->bn;
	struct shared_cell *c = j->shared;
	struct rig_run_key key;
	long long n, warm;
	int have = 0, next, rc = 0, last;

	rig_bench_plan(bn, j, &n, &warm, &key);
	pthread_mutex_lock(&c->mu);
	if (!c->begun) {
		rc = rig_store_begin_run(w->st, &key, w->env_id, (int)n, (int)warm,
					 c->lead->board->emulated, bn->o->resume, &c->run_id, &have,
					 err);
		if (!rc) {
			c->begun = 1;
			c->n = (int)n;
			c->next = have < n ? have : (int)n;
			pthread_mutex_lock(&bn->mu);
			bn->done_samples += c->next;
			pthread_mutex_unlock(&bn->mu);
		}
	}
	if (!rc)
		c->active++;
	pthread_mutex_unlock(&c->mu);
	if (rc)
		return rc;
	rc = rig_bench_take_samples(w, j, c->run_id, 0, NULL, 1, &next, err);
	if (rc == RIG_ERR_SKIPPED) {
		rig_bench_skip(bn, w->st, w->b, j->profile, j->workload, err->msg);
		rc = 0;
	}
	rig_bench_ab_leave(j);
	pthread_mutex_lock(&c->mu);
	last = --c->active == 0 && !c->n_redo && c->next >= c->n;
	pthread_mutex_unlock(&c->mu);
	if (last)
		rig_store_end_run(w->st, c->run_id, NULL);
	return rc;
}

/* One cell of the worker's own board. */
static int own_job(struct worker *w, struct job *j, struct rig_error *err)
{
	struct bench *bn = w->bn;
	struct rig_run_key key;
	long long n, warm;
	int64_t run_id;
	int have, next, rc;

	if (j->shared)
		return shared_job(w, j, err);
	rig_bench_plan(bn, j, &n, &warm, &key);
	if ((rc = rig_store_begin_run(w->st, &key, w->env_id, (int)n, (int)warm, w->b->emulated,
				      bn->o->resume, &run_id, &have, err)))
		return rc;
	pthread_mutex_lock(&bn->mu);
	bn->done_samples += have >= n ? (int)n : have;
	pthread_mutex_unlock(&bn->mu);
	if (have >= n) {
		rig_store_end_run(w->st, run_id, NULL);
		return 0;
	}
	if (have)
		rig_info("%s %s %s: resuming run %lld at sample %d of %lld", w->b->name, j->profile,
			 j->workload, (long long)run_id, have + 1, n);
	rc = rig_bench_take_samples(w, j, run_id, have, NULL, 1, &next, err);
	if (rc == RIG_ERR_SKIPPED) {
		rig_bench_skip(bn, w->st, w->b, j->profile, j->workload, err->msg);
		rc = 0;
	}
	if (rc == RIG_BENCH_TIMED_OUT) {
		/* the board goes on with its next cell; the verdict comes later */
		rig_bench_retry_queue(w, j, run_id, next, 1, err->msg, w->b->name);
		rc = 0;
	} else if (rig_bench_infra(rc)) {
		rig_bench_retry_queue(w, j, run_id, next, 1, err->msg, NULL);
	}
	rig_store_end_run(w->st, run_id, NULL);
	return rc;
}

static void set_busy(struct worker *w, int busy)
{
	pthread_mutex_lock(&w->bn->mu);
	w->busy = busy;
	pthread_cond_broadcast(&w->bn->cv);
	pthread_mutex_unlock(&w->bn->mu);
}

/* Every own cell from index `from` on: skipped with why, or (retry) queued
 * for another board of the model. */
static void give_up_cells(struct worker *w, size_t from, const char *why, int retry)
{
	struct bench *bn = w->bn;

	for (size_t k = from; k < bn->n_jobs; k++) {
		/* a shared cell's other boards take what this one leaves */
		if (bn->jobs[k].board != w->b || bn->jobs[k].shared)
			continue;
		if (retry)
			rig_bench_retry_queue(w, &bn->jobs[k], 0, 0, 1, why, NULL);
		else
			rig_bench_skip(bn, w->st, w->b, bn->jobs[k].profile, bn->jobs[k].workload,
				       why);
	}
}

static int has_health(const struct worker *w)
{
	return w->bn->health && w->bn->health[w->idx].board;
}

static int open_board(struct worker *w, struct rig_error *err)
{
	struct bench *bn = w->bn;
	struct rig_board *b = w->b;
	struct rig_kvlist env = {0};
	char reason[256], evidence[512];
	int rc;

	rig_bench_worker_state(w, W_OPEN);
	if (b->ops->open && (rc = b->ops->open(b, err)))
		return rc;
	env_record(w, &env);
	/* a board with a health check is judged by it (with its facts) */
	if (!has_health(w) &&
	    rig_health_facts_verdict(&env, reason, sizeof(reason), evidence, sizeof(evidence))) {
		rig_store_board_quarantine(w->st, b->name, rig_bench_owner(bn), reason, evidence,
					   NULL);
		rig_kv_free(&env);
		if (b->ops->close)
			b->ops->close(b);
		return rig_fail(err, RIG_ERR_SKIPPED, "board %s is quarantined: %s (%s)", b->name,
				reason, evidence);
	}
	rc = rig_store_add_env(w->st, &env, &w->env_id, err);
	rig_kv_free(&env);
	if (rc && b->ops->close)
		b->ops->close(b);
	return rc == RIG_ERR_STORE_LOST ? rc : rc ? RIG_ERR_STORE : 0;
}

/* What a worker holds while it uses its board. */
struct hold {
	int leased, slot, opened;
};

/* Takes the board: its lease (waiting while another bench holds it), a
 * --jobs slot, then opens it and runs its health check (the first use
 * after a lease). 0; RIG_ERR_SKIPPED / RIG_ERR_BUSY with the reason (no
 * work for this board; w->quarantined: its health check failed);
 * RIG_ERR_INTERRUPTED; RIG_ERR_STORE; another code: the board failed to
 * open or during its check (infrastructure). */
static int acquire(struct worker *w, struct hold *h, struct rig_error *err)
{
	struct bench *bn = w->bn;
	int rc;

	if (bn->leases) {
		rig_bench_worker_state(w, W_WAIT_LEASE);
		if ((rc = rig_leases_take(bn->leases, w->b->name, bn->o->lease_wait_ms,
					  &rig_bench_stop, &w->token, err)))
			return rc;
		h->leased = 1;
		for (size_t i = 0; i < bn->n_jobs; i++)
			if (bn->jobs[i].board == w->b)
				rig_bench_ab_ready(&bn->jobs[i]);
	}
	rig_bench_worker_state(w, W_WAIT_SLOT);
	if ((rc = slot_take(w)))
		return rc;
	h->slot = 1;
	if ((rc = open_board(w, err)))
		return rc;
	h->opened = 1;
	return has_health(w) ? rig_bench_health_check(w, err) : 0;
}

/* Closes the board, gives the slot back and drops the lease, so that a
 * worker waiting for retries holds nothing another bench could wait for. */
static void release(struct worker *w, struct hold *h)
{
	if (h->opened && w->b->ops->close)
		w->b->ops->close(w->b);
	if (h->slot)
		slot_give(w);
	if (h->leased)
		rig_leases_drop(w->bn->leases, w->b->name);
	memset(h, 0, sizeof(*h));
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct bench *bn = w->bn;
	struct rig_board *b = w->b;
	struct rig_board_state bs = {0};
	struct rig_error e = {0};
	struct hold h = {0};
	int rc = 0, failed = 0;

	set_busy(w, 1);

	if (bn->o->retry_of.n) {
		char why[300];

		if (rig_strv_has(&bn->o->retry_of, b->name)) {
			/* its infrastructure error was counted by the job that
			 * met it: not opened, its cells to the others */
			snprintf(why, sizeof(why), "board %s failed in an earlier job", b->name);
			for (size_t k = 0; k < bn->n_jobs; k++)
				if (bn->jobs[k].board == b && !bn->jobs[k].shared)
					rig_bench_retry_queue(
					    w, &bn->jobs[k], 0, 0, (int)bn->o->retry_of.n, why,
					    rig_bench_timed_out_cell(bn, &bn->jobs[k]));
			goto out;
		}
		goto retries; /* a stand-in takes nothing of its own */
	}
	if (rig_store_board_state(w->st, b->name, &bs, &e) == 0 &&
	    strcmp(bs.state, "quarantined") == 0 && has_health(w)) {
		/* its health check (after the lease) decides */
		rig_info("board %s is quarantined (%s): its health check decides", b->name,
			 bs.reason);
	} else if (strcmp(bs.state, "quarantined") == 0) {
		char why[900];
		snprintf(why, sizeof(why),
			 "board %s is quarantined: %s (%s); rig farm release --force %s frees it",
			 b->name, bs.reason, bs.evidence, b->name);
		give_up_cells(w, 0, why, 0);
		goto out;
	}
	rc = acquire(w, &h, &e);
	if (rc == RIG_ERR_STORE || rc == RIG_ERR_STORE_LOST) {
		fatal(bn, rc, &e);
		goto out;
	}
	if (rc == RIG_ERR_INTERRUPTED)
		goto out;
	if (rc == RIG_ERR_SKIPPED || rc == RIG_ERR_BUSY) {
		/* a board its health check quarantined: others of its model
		 * take its cells */
		give_up_cells(w, 0, e.msg, w->quarantined);
		goto out;
	}
	if (rc) {
		count_infra(w, e.msg);
		give_up_cells(w, 0, e.msg, 1);
		failed = 1;
		goto out;
	}
	rig_bench_worker_state(w, W_RUN);
	int cells = 0;
	for (size_t i = 0; i < bn->n_jobs; i++) {
		if (bn->jobs[i].board != b)
			continue;
		/* the check on a schedule (`every`); the first cell follows the
		 * lease's check */
		if (cells++ && rig_bench_health_due(w) && (rc = rig_bench_health_check(w, &e))) {
			if (rc == RIG_ERR_SKIPPED) {
				give_up_cells(w, i, e.msg, 1);
				goto out;
			}
		} else {
			rig_bench_worker_state(w, W_RUN);
			rc = own_job(w, &bn->jobs[i], &e);
		}
		if (rig_bench_infra(rc)) {
			count_infra(w, e.msg);
			give_up_cells(w, i + 1, e.msg, 1);
			failed = 1;
			break;
		}
		if (rc) {
			if (rc != RIG_ERR_INTERRUPTED)
				fatal(bn, rc, &e);
			goto out;
		}
	}
	if (!failed)
		rig_store_board_ok(w->st, b->name, NULL);
retries:
	/* then what boards of the same model left, holding nothing while
	 * waiting so that they (and other benches) can finish */
	while (!failed) {
		struct retry *r = NULL;
		int got;

		release(w, &h);
		rig_bench_worker_state(w, W_IDLE);
		set_busy(w, 0);
		pthread_mutex_lock(&bn->mu);
		got = rig_bench_retry_next(w, &r);
		if (got)
			w->busy = 1;
		pthread_mutex_unlock(&bn->mu);
		if (!got)
			break;
		rc = acquire(w, &h, &e);
		if (rc) {
			/* back to the queue for another board */
			rig_bench_retry_queue(w, r->job, r->run_id, r->from_idx, r->tries, r->why,
					      r->timed_out_on[0] ? r->timed_out_on : NULL);
			free(r);
			if (rig_bench_infra(rc) && rc != RIG_ERR_BUSY) {
				count_infra(w, e.msg);
				failed = 1;
			} else if (rc == RIG_ERR_STORE || rc == RIG_ERR_STORE_LOST) {
				fatal(bn, rc, &e);
			}
			break;
		}
		rig_bench_worker_state(w, W_RETRY);
		rc = rig_bench_retry_take(w, r, &e);
		free(r);
		if (rig_bench_infra(rc)) {
			count_infra(w, e.msg);
			failed = 1;
		} else if (rc) {
			if (rc != RIG_ERR_INTERRUPTED)
				fatal(bn, rc, &e);
			break;
		}
	}
out:
	release(w, &h);
	/* the cells it shares go on without it */
	for (size_t i = 0; i < bn->n_jobs; i++)
		if (bn->jobs[i].board == b)
			rig_bench_ab_leave(&bn->jobs[i]);
	pthread_mutex_lock(&bn->mu);
	if (failed)
		bn->sum->boards_failed++;
	w->state = failed ? W_FAILED : W_DONE;
	w->busy = 0;
	pthread_cond_broadcast(&bn->cv);
	rig_bench_progress_farm(bn, 0);
	pthread_mutex_unlock(&bn->mu);
	return NULL;
}

static void model_of(const struct rig_board *b, char *out, size_t cap)
{
	for (size_t i = 0; i < b->tags.n; i++)
		if (strncmp(b->tags.v[i], "model:", 6) == 0) {
			snprintf(out, cap, "%s", b->tags.v[i] + 6);
			return;
		}
	snprintf(out, cap, "%s", b->name);
}

int rig_bench_board_local(const struct rig_board *b)
{
	/* network and USB boards do not load this machine's CPUs */
	return strcmp(b->ops->kind, "agent") != 0 && strcmp(b->ops->kind, "serial") != 0;
}

int rig_bench_workers_run(struct bench *bn, struct rig_error *err)
{
	const struct rig_bench_opts *o = bn->o;
	int parallel = o->db_path != NULL, rc = 0;
	size_t started = 0;

	bn->workers = rig_xcalloc(bn->n_boards ? bn->n_boards : 1, sizeof(*bn->workers));
	sem_init(&bn->slots, 0, (unsigned)(o->jobs > 0 ? o->jobs : 1));
	if (parallel &&
	    (rc = rig_leases_open(o->db_path,
				  o->lease_ttl_ms > 0 ? o->lease_ttl_ms : RIG_LEASE_TTL_MS_DEFAULT,
				  &bn->leases, err)))
		goto out;
	for (size_t i = 0; i < bn->n_boards; i++) {
		struct worker *w = &bn->workers[i];

		w->bn = bn;
		w->b = bn->boards[i];
		w->idx = i;
		w->local = rig_bench_board_local(w->b);
		/* busy before any worker starts, so that one that finishes early
		 * waits for the retries of those not started yet; one after
		 * another (no db_path) a board is busy only while it runs */
		w->busy = parallel;
		model_of(w->b, w->model, sizeof(w->model));
		w->st = bn->store;
		if (parallel && (rc = rig_store_open(o->db_path, &w->st, err)))
			goto out;
	}
	/* without a store file of their own the workers share one connection,
	 * so they run one after another */
	for (size_t i = 0; i < bn->n_boards; i++) {
		if (pthread_create(&bn->workers[i].th, NULL, worker_main, &bn->workers[i])) {
			rc = rig_fail(err, RIG_ERR_IO, "cannot start a worker thread for board %s",
				      bn->boards[i]->name);
			break;
		}
		started++;
		if (!parallel)
			pthread_join(bn->workers[i].th, NULL);
	}
	if (parallel)
		for (size_t i = 0; i < started; i++)
			pthread_join(bn->workers[i].th, NULL);
	rig_bench_ab_finish(bn);
	rig_bench_retry_leftover(bn);
	rig_bench_progress_farm(bn, 1);
	rig_bench_progress_end(bn);
	if (!rc && bn->fatal_rc) {
		rc = bn->fatal_rc;
		*err = bn->fatal_err;
	}
out:
	for (size_t i = 0; i < bn->n_boards; i++)
		if (bn->workers[i].st && bn->workers[i].st != bn->store)
			rig_store_close(bn->workers[i].st);
	rig_leases_close(bn->leases);
	bn->leases = NULL;
	sem_destroy(&bn->slots);
	free(bn->workers);
	bn->workers = NULL;
	return rc;
}
