/* The bench matrix: see bench.h. */
#include "bench.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "bounds.h"
#include "hostenv.h"
#include "log.h"

/* The only process-wide state: a flag a signal handler may set. */
static volatile sig_atomic_t interrupted;

void rig_bench_interrupt(void) { interrupted = 1; }

struct job {
	struct rig_board *board;
	struct rig_artifact art;
	int64_t build_id;
	char workload[32];
	char profile[48];
	int skipped;
};

struct bench {
	const struct rig_bench_opts *o;
	struct rig_store *store;
	const struct rig_toolchains *tcs;
	struct rig_bench_summary *sum;
	struct rig_board **boards;
	size_t n_boards;
	struct job *jobs;
	size_t n_jobs;
	int total_samples, done_samples;
};

static void progress(struct bench *bn, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void progress(struct bench *bn, const char *fmt, ...)
{
	va_list ap;

	if (!bn->o->progress)
		return;
	fprintf(stderr, "\r\033[K");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

static void progress_end(struct bench *bn)
{
	if (bn->o->progress)
		fprintf(stderr, "\r\033[K");
}

static void skip(struct bench *bn, const struct rig_board *b, const char *profile,
		 const char *workload, const char *reason)
{
	const char *tc = rig_profile_toolchain(bn->tcs, profile);

	bn->sum->skipped++;
	rig_dbg("skip %s %s %s: %s", b->name, profile, workload, reason);
	rig_store_add_skip(bn->store, b->name, tc ? tc : profile, profile, workload, reason, NULL);
}

static int board_allows(const struct rig_board *b, const char *toolchain)
{
	return !b->toolchains.n || rig_strv_has(&b->toolchains, toolchain);
}

static int load_boards(struct bench *bn, struct rig_error *err)
{
	bn->boards = rig_xcalloc(bn->o->boards.n, sizeof(*bn->boards));
	for (size_t i = 0; i < bn->o->boards.n; i++) {
		int rc = rig_board_load(bn->o->boards.v[i], bn->o->boards_dir, &bn->boards[i], err);
		if (rc)
			return rc;
		bn->n_boards++;
		snprintf(bn->boards[i]->workdir, sizeof(bn->boards[i]->workdir), "%s/boards/%s",
			 bn->o->state_dir, bn->boards[i]->name);
		if ((rc = rig_mkdirs(bn->boards[i]->workdir, err)))
			return rc;
	}
	return 0;
}

/* Build phase: every (board, profile, workload) gets an artifact or a skip. */
static int build_all(struct bench *bn, struct rig_error *err)
{
	char cache[1200];
	size_t total = bn->n_boards * bn->o->profiles.n * bn->o->workloads.n, k = 0;

	snprintf(cache, sizeof(cache), "%s/cache", bn->o->state_dir);
	bn->jobs = rig_xcalloc(total ? total : 1, sizeof(*bn->jobs));
	for (size_t b = 0; b < bn->n_boards; b++) {
		struct rig_board *bd = bn->boards[b];

		for (size_t p = 0; p < bn->o->profiles.n; p++) {
			const char *prof = bn->o->profiles.v[p];
			const char *tc = rig_profile_toolchain(bn->tcs, prof);

			for (size_t w = 0; w < bn->o->workloads.n; w++) {
				const char *wl = bn->o->workloads.v[w];
				struct job *j = &bn->jobs[bn->n_jobs];
				struct rig_build_req req = {
				    .profile = prof,
				    .workload = wl,
				    .target = &bd->target,
				    .source_root = bn->o->source_dir,
				    .cache_dir = cache,
				};
				struct rig_error e = {0};
				int rc;

				if (interrupted)
					return RIG_ERR_INTERRUPTED;
				k++;
				memset(j, 0, sizeof(*j));
				j->board = bd;
				snprintf(j->workload, sizeof(j->workload), "%s", wl);
				snprintf(j->profile, sizeof(j->profile), "%s", prof);
				if (!board_allows(bd, tc)) {
					char why[160];
					char *list = rig_strv_join_quoted(&bd->toolchains);
					snprintf(why, sizeof(why),
						 "the board takes only these toolchains: %s", list);
					free(list);
					skip(bn, bd, prof, wl, why);
					continue;
				}
				progress(bn, "[build %zu/%zu] %s %s for %s", k, total, prof, wl,
					 bd->name);
				rc = rig_build(bn->tcs, &req, &j->art, &e);
				if (rc == RIG_ERR_SKIPPED || rc == RIG_ERR_BUILD) {
					char why[600];
					snprintf(why, sizeof(why), "%s%s",
						 rc == RIG_ERR_BUILD ? "build failed: " : "",
						 e.msg);
					if (rc == RIG_ERR_BUILD)
						rig_warn("%s", e.msg);
					skip(bn, bd, prof, wl, why);
					continue;
				}
				if (rc) {
					progress_end(bn);
					*err = e;
					return rc;
				}
				if (j->art.cached)
					bn->sum->cached++;
				else
					bn->sum->built++;
				if ((rc = rig_board_supports(bd, &j->art, &e))) {
					if (rc != RIG_ERR_SKIPPED) {
						*err = e;
						return rc;
					}
					skip(bn, bd, prof, wl, e.msg);
					continue;
				}
				if ((rc = rig_store_add_build(bn->store, &j->art, &j->build_id,
							      err)))
					return rc;
				bn->n_jobs++;
			}
		}
	}
	progress_end(bn);
	return 0;
}

static void env_record(struct bench *bn, struct rig_board *b, struct rig_kvlist *env)
{
	struct rig_error e = {0};

	rig_kv_set(env, "rig.version", RIG_VERSION);
	if (bn->o->prov)
		rig_provenance_facts(bn->o->prov, env);
	rig_hostenv_collect(env, "host.");
	rig_kv_set(env, "board.name", b->name);
	rig_kv_set(env, "board.file", b->file);
	rig_kv_set(env, "board.kind", b->ops->kind);
	rig_kv_set(env, "board.emulated", b->emulated ? "yes" : "no");
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

static long long iterations_for(struct bench *bn, const struct rig_board *b, const char *wl)
{
	if (bn->o->iterations > 0)
		return bn->o->iterations;
	return rig_board_iterations(b, wl);
}

/* One cell: its run (new, or resumed under the same plan: *run_id, else
 * left at 0), then its samples. */
static int measure_job(struct bench *bn, struct job *j, int64_t env_id, int64_t *run_idp,
		       struct rig_error *err)
{
	struct rig_board *b = j->board;
	long long n = bn->o->samples >= 0 ? bn->o->samples : b->samples;
	long long warm = bn->o->warmup >= 0 ? bn->o->warmup : b->warmup;
	struct rig_run_key key = {
	    .board = b->name,
	    .build_id = j->build_id,
	    .workload = j->workload,
	    .iterations = iterations_for(bn, b, j->workload),
	    .timeout_ms = bn->o->timeout_ms > 0 ? bn->o->timeout_ms : b->timeout_ms,
	};
	struct rig_run_req req = {
	    .art = &j->art,
	    .workload = j->workload,
	    .iterations = key.iterations,
	    .timeout_ms = key.timeout_ms,
	};
	int64_t run_id;
	int have, rc;
	char logdir[1400], logpath[1600];
	struct rig_bounds bnd;

	if ((rc = rig_store_begin_run(bn->store, &key, env_id, (int)n, (int)warm, b->emulated,
				      bn->o->resume, &run_id, &have, err)))
		return rc;
	*run_idp = run_id;
	if (have >= n) {
		bn->done_samples += (int)n;
		return 0;
	}
	if (have)
		rig_info("%s %s %s: resuming run %lld at sample %d of %lld", b->name, j->profile,
			 j->workload, (long long)run_id, have + 1, n);
	if (b->ops->prepare && (rc = b->ops->prepare(b, &j->art, err))) {
		if (rc == RIG_ERR_SKIPPED) {
			skip(bn, b, j->profile, j->workload, err->msg);
			return 0;
		}
		return rc;
	}
	snprintf(logdir, sizeof(logdir), "%s/logs", b->workdir);
	rig_mkdirs(logdir, NULL);
	for (long long i = 0; i < warm && !interrupted; i++) {
		struct rig_sample s = {0};
		struct rig_error e = {0};

		progress(bn, "[%d/%d] %s %s %s warm-up %lld/%lld", bn->done_samples,
			 bn->total_samples, b->name, j->profile, j->workload, i + 1, warm);
		req.warmup = 1;
		req.log_path = NULL;
		rc = b->ops->run(b, &req, &s, &e);
		rig_sample_free(&s);
		if (rc) {
			*err = e;
			return rc;
		}
	}
	req.warmup = 0;
	rig_bounds_for_target(&b->target, &bnd);
	bn->done_samples += have;
	for (int idx = have; idx < n; idx++) {
		struct rig_sample s = {0};
		int64_t t0;
		double wall;

		if (interrupted)
			return RIG_ERR_INTERRUPTED;
		progress(bn, "[%d/%d] %s %s %s sample %d/%lld", bn->done_samples + 1,
			 bn->total_samples, b->name, j->profile, j->workload, idx + 1, n);
		snprintf(logpath, sizeof(logpath), "%s/run%lld-%d.log", logdir, (long long)run_id,
			 idx);
		req.log_path = logpath;
		t0 = rig_now_ns();
		rc = b->ops->run(b, &req, &s, err);
		if (rc) {
			rig_sample_free(&s);
			return rc;
		}
		/* What rig itself added around the program: fork, pipes, parsing,
		 * reaping (the store commit comes after and is not in it). */
		if (rig_sample_get(&s, "wall_ns", &wall))
			rig_sample_set(&s, "rig_overhead_ns", (double)(rig_now_ns() - t0) - wall,
				       "ns");
		/* A figure the board cannot produce fails the sample here, so it
		 * is stored with its reason and never summarised as a result. */
		rig_bounds_check(&s, &bnd);
		if (!s.log_path[0] && rig_file_exists(logpath))
			snprintf(s.log_path, sizeof(s.log_path), "%s", logpath);
		if (!s.ok) {
			bn->sum->samples_failed++;
			rig_warn("%s %s %s sample %d failed: %s", b->name, j->profile, j->workload,
				 idx + 1, s.fail_reason);
		} else {
			bn->sum->samples_ok++;
		}
		rc = rig_store_add_sample(bn->store, run_id, idx, &s, err);
		rig_sample_free(&s);
		if (rc)
			return rc;
		bn->done_samples++;
	}
	return 0;
}

/* measure_job, then the run is given up whatever happened, so another
 * bench may complete it. */
static int run_job(struct bench *bn, struct job *j, int64_t env_id, struct rig_error *err)
{
	int64_t run_id = 0;
	int rc = measure_job(bn, j, env_id, &run_id, err);

	if (run_id > 0)
		rig_store_end_run(bn->store, run_id, NULL);
	return rc;
}

static void on_signal(int sig) { interrupted = 1; }

static int run_board(struct bench *bn, struct rig_board *b, struct rig_error *err)
{
	struct rig_kvlist env = {0};
	struct rig_error e = {0};
	int64_t env_id;
	int rc;

	progress(bn, "opening %s", b->name);
	if (b->ops->open && (rc = b->ops->open(b, &e))) {
		progress_end(bn);
		for (size_t i = 0; i < bn->n_jobs; i++)
			if (bn->jobs[i].board == b)
				skip(bn, b, bn->jobs[i].profile, bn->jobs[i].workload, e.msg);
		if (rc != RIG_ERR_SKIPPED) {
			rig_err("board %s: %s", b->name, e.msg);
			bn->sum->boards_failed++;
		}
		return 0;
	}
	env_record(bn, b, &env);
	rc = rig_store_add_env(bn->store, &env, &env_id, err);
	rig_kv_free(&env);
	for (size_t i = 0; !rc && i < bn->n_jobs; i++) {
		if (bn->jobs[i].board != b)
			continue;
		rc = run_job(bn, &bn->jobs[i], env_id, &e);
		if (rc && rc != RIG_ERR_INTERRUPTED && rc != RIG_ERR_STORE) {
			/* The board is unusable: record the rest as skipped, go on
			 * with the other boards. */
			rig_err("board %s: %s", b->name, e.msg);
			bn->sum->boards_failed++;
			for (size_t k = i; k < bn->n_jobs; k++)
				if (bn->jobs[k].board == b)
					skip(bn, b, bn->jobs[k].profile, bn->jobs[k].workload,
					     e.msg);
			rc = 0;
			break;
		}
		if (rc)
			*err = e;
	}
	if (b->ops->close)
		b->ops->close(b);
	progress_end(bn);
	return rc;
}

int rig_bench_run(const struct rig_bench_opts *o, struct rig_store *store,
		  const struct rig_toolchains *tcs, struct rig_bench_summary *sum,
		  struct rig_error *err)
{
	struct bench bn = {.o = o, .store = store, .tcs = tcs, .sum = sum};
	struct sigaction sa = {0}, old_int, old_term;
	int rc;

	memset(sum, 0, sizeof(*sum));
	sum->started = rig_wall_s();
	interrupted = 0;
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	if ((rc = load_boards(&bn, err)))
		goto out;
	if ((rc = build_all(&bn, err)) || o->build_only)
		goto out;
	for (size_t i = 0; i < bn.n_jobs; i++) {
		struct rig_board *b = bn.jobs[i].board;
		bn.total_samples += (int)(o->samples >= 0 ? o->samples : b->samples);
	}
	for (size_t b = 0; b < bn.n_boards && !interrupted; b++)
		if ((rc = run_board(&bn, bn.boards[b], err)))
			break;
out:
	if (interrupted) {
		sum->interrupted = 1;
		rc = rig_fail(
		    err, RIG_ERR_INTERRUPTED,
		    "interrupted: every finished sample is stored; run the same command to resume");
	}
	for (size_t b = 0; b < bn.n_boards; b++)
		rig_board_free(bn.boards[b]);
	free(bn.boards);
	free(bn.jobs);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return rc;
}
