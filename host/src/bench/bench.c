/* The bench matrix: see bench.h. */
#include "bench.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_internal.h"
#include "board.h"
#include "bounds.h"
#include "hostenv.h"
#include "log.h"

/* The only process-wide state: a flag a signal handler may set. */
volatile sig_atomic_t rig_bench_stop;

void rig_bench_interrupt(void) { rig_bench_stop = 1; }

void rig_bench_skip(struct bench *bn, struct rig_store *st, const struct rig_board *b,
		    const char *profile, const char *workload, const char *reason)
{
	const char *tc = rig_profile_toolchain(bn->tcs, profile);

	rig_dbg("skip %s %s %s: %s", b->name, profile, workload, reason);
	pthread_mutex_lock(&bn->mu);
	bn->sum->skipped++;
	pthread_mutex_unlock(&bn->mu);
	rig_store_add_skip(st, b->name, tc ? tc : profile, profile, workload, reason, NULL);
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

				if (rig_bench_stop)
					return RIG_ERR_INTERRUPTED;
				k++;
				memset(j, 0, sizeof(*j));
				j->board = bd;
				snprintf(j->workload, sizeof(j->workload), "%s", wl);
				snprintf(j->profile, sizeof(j->profile), "%s", prof);
				j->service = rig_workload_is_service(bn->o->source_dir, wl);
				if (j->service && !bn->o->load) {
					rig_bench_skip(
					    bn, bn->store, bd, prof, wl,
					    "a service workload: it is benched under load only "
					    "(--load closed:c=64,d=10s or "
					    "rate:r=20000,c=64,d=20s)");
					continue;
				}
				if (!j->service && bn->o->load) {
					rig_bench_skip(
					    bn, bn->store, bd, prof, wl,
					    "not a service workload: --load applies to the "
					    "workloads marked rig:service (http; hashreq on MCU "
					    "boards)");
					continue;
				}
				if (j->service && !(RIG_RUNNER(bd)->serves & j->service)) {
					char why[200];
					snprintf(
					    why, sizeof(why),
					    j->service == RIG_SERVICE_CONSOLE
						? "requests on an MCU firmware's console: a board "
						  "with runner mcu serves them; this board's "
						  "runner is %s"
						: "a service under load needs a runner that can "
						  "start and stop a server (exec: the host board; "
						  "agent); this board's runner is %s",
					    RIG_RUNNER(bd)->kind);
					rig_bench_skip(bn, bn->store, bd, prof, wl, why);
					continue;
				}
				if (!board_allows(bd, tc)) {
					char why[160];
					char *list = rig_strv_join_quoted(&bd->toolchains);
					snprintf(why, sizeof(why),
						 "the board takes only these toolchains: %s", list);
					free(list);
					rig_bench_skip(bn, bn->store, bd, prof, wl, why);
					continue;
				}
				rig_bench_progress(bn, "[build %zu/%zu] %s %s for %s", k, total,
						   prof, wl, bd->name);
				rc = rig_build(bn->tcs, &req, &j->art, &e);
				if (rc == RIG_ERR_SKIPPED || rc == RIG_ERR_BUILD) {
					char why[600];
					snprintf(why, sizeof(why), "%s%s",
						 rc == RIG_ERR_BUILD ? "build failed: " : "",
						 e.msg);
					if (rc == RIG_ERR_BUILD)
						rig_warn("%s", e.msg);
					rig_bench_skip(bn, bn->store, bd, prof, wl, why);
					continue;
				}
				if (rc) {
					rig_bench_progress_end(bn);
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
					rig_bench_skip(bn, bn->store, bd, prof, wl, e.msg);
					continue;
				}
				if ((rc = rig_store_add_build(bn->store, &j->art, &j->build_id,
							      err)))
					return rc;
				bn->n_jobs++;
			}
		}
	}
	rig_bench_progress_end(bn);
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	rig_bench_stop = 1;
}

int rig_bench_run(const struct rig_bench_opts *o, struct rig_store *store,
		  const struct rig_toolchains *tcs, struct rig_bench_summary *sum,
		  struct rig_error *err)
{
	struct bench bn = {.o = o, .store = store, .tcs = tcs, .sum = sum};
	struct sigaction sa = {0}, old_int, old_term;
	int rc;

	memset(sum, 0, sizeof(*sum));
	pthread_mutex_init(&bn.mu, NULL);
	pthread_cond_init(&bn.cv, NULL);
	sum->started = rig_wall_s();
	rig_bench_stop = 0;
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	if ((rc = load_boards(&bn, err)))
		goto out;
	if ((rc = build_all(&bn, err)) || o->build_only)
		goto out;
	rig_bench_health_build(&bn);
	if (o->ab)
		rig_bench_ab_group(&bn);
	for (size_t i = 0; i < bn.n_jobs; i++) {
		struct rig_board *b = bn.jobs[i].board;

		if (bn.jobs[i].shared && bn.jobs[i].shared->lead != &bn.jobs[i])
			continue; /* counted once, on its lead */
		bn.total_samples += (int)(o->samples >= 0 ? o->samples : b->samples);
	}
	rc = rig_bench_workers_run(&bn, err);
out:
	if (rig_bench_stop) {
		sum->interrupted = 1;
		rc = rig_fail(
		    err, RIG_ERR_INTERRUPTED,
		    "interrupted: every finished sample is stored; run the same command to resume");
	}
	for (size_t b = 0; b < bn.n_boards; b++)
		rig_board_free(bn.boards[b]);
	free(bn.boards);
	if (bn.cells) /* a run phase that stopped early */
		rig_bench_ab_finish(&bn);
	free(bn.jobs);
	free(bn.health);
	pthread_cond_destroy(&bn.cv);
	pthread_mutex_destroy(&bn.mu);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return rc;
}
