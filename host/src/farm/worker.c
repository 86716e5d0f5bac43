/* The worker loop: see worker.h. */
#include "worker.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "store.h"

static void sleep_ms(long long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int stopped(const struct rig_worker_cfg *cfg) { return cfg->stop && *cfg->stop; }

int rig_worker_run_bench(void *ctx, const struct rig_job *job)
{
	const struct rig_worker_cfg *cfg = ctx;
	struct rig_strv argv = {0};
	char *args = rig_xstrdup(job->args), *save = NULL;

	rig_strv_push(&argv, "rig");
	rig_strv_push(&argv, "--db");
	rig_strv_push(&argv, cfg->store);
	for (size_t i = 0; cfg->rig_args && i < cfg->rig_args->n; i++)
		rig_strv_push(&argv, cfg->rig_args->v[i]);
	rig_strv_push(&argv, "bench");
	rig_strv_push(&argv, "--boards");
	rig_strv_push(&argv, job->board);
	for (char *a = strtok_r(args, "\n", &save); a; a = strtok_r(NULL, "\n", &save))
		rig_strv_push(&argv, a); /* v stays NULL-terminated */
	/* its bench queues what no board of it could take (bench.h requeue_args) */
	setenv("RIG_JOB_ARGS", job->args, 1);
	execv("/proc/self/exe", argv.v);
	fprintf(stderr, "rig worker: cannot exec rig bench: %s\n", strerror(errno));
	_exit(127);
}

/* Forks the runner for job; the child dies with the worker. */
static pid_t start_job(const struct rig_worker_cfg *cfg, const struct rig_job *job)
{
	pid_t parent = getpid(), pid = fork();

	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent) /* the worker died before prctl */
		_exit(1);
	if (cfg->run)
		_exit(cfg->run(cfg->run_ctx, job));
	_exit(rig_worker_run_bench((void *)cfg, job));
}

/* Waits for the child, heartbeating every heartbeat_ms; a heartbeat refused
 * (the job was requeued: this worker was taken for dead) stops the child.
 * Returns the child's wait status, or -1 when it was stopped so. */
static int watch_job(const struct rig_worker_cfg *cfg, struct rig_store *s, const char *name,
		     const struct rig_job *job, pid_t pid)
{
	long long hb = cfg->heartbeat_ms > 0 ? cfg->heartbeat_ms : 2000;
	long long grace = cfg->stop_grace_ms > 0 ? cfg->stop_grace_ms : 20000;
	int64_t next = rig_wall_ms() + hb, term_at = 0;
	int st;

	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid)
			return st;
		if (w < 0 && errno != EINTR)
			return -1;
		if (stopped(cfg) && !term_at) {
			/* the bench stores what it finished and releases its leases */
			rig_info("job %lld: stopping its bench (SIGTERM)", (long long)job->id);
			kill(pid, SIGTERM);
			term_at = rig_wall_ms();
		} else if (term_at && rig_wall_ms() - term_at >= grace) {
			rig_warn("job %lld: its bench did not stop within %lld ms; killed (its "
				 "leases expire)",
				 (long long)job->id, grace);
			kill(pid, SIGKILL);
			term_at = INT64_MAX / 2;
		}
		if (rig_wall_ms() >= next) {
			struct rig_error err = {0};
			int rc = rig_store_job_heartbeat(s, job->id, name, rig_wall_ms(), &err);

			if (rc == RIG_ERR_FENCED) {
				rig_warn("%s; stopping it", err.msg);
				kill(pid, SIGKILL);
				waitpid(pid, &st, 0);
				return -1;
			}
			if (rc)
				rig_warn("job %lld: heartbeat: %s", (long long)job->id, err.msg);
			next = rig_wall_ms() + hb;
		}
		sleep_ms(50);
	}
}

/* Marks the job done or failed, trying again while the store is away. */
static void finish_job(const struct rig_worker_cfg *cfg, struct rig_store *s, const char *name,
		       const struct rig_job *job, int st)
{
	char result[128];
	int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	int attempts = cfg->max_attempts > 0 ? cfg->max_attempts : 3;

	/* the bench could not reach the store: another take resumes it */
	if (WIFEXITED(st) && WEXITSTATUS(st) == RIG_EXIT_TRY_AGAIN && job->attempts < attempts)
		ok = -1;
	/* stopped by us, not by its board: abandoned, another worker resumes it */
	if (!ok && stopped(cfg))
		ok = -1;
	if (WIFEXITED(st))
		snprintf(result, sizeof(result), "exit %d", WEXITSTATUS(st));
	else
		snprintf(result, sizeof(result), "signal %d", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	for (int tries = 0; tries < 30; tries++) {
		struct rig_error err = {0};
		int rc = rig_store_job_finish(s, job->id, name, ok, result, &err);

		if (rc == 0) {
			rig_info("job %lld on %s: %s (%s)", (long long)job->id, job->board,
				 ok > 0	  ? "done"
				 : ok < 0 ? "queued again"
					  : "failed",
				 result);
			return;
		}
		rig_warn("job %lld: %s", (long long)job->id, err.msg);
		if (rc == RIG_ERR_FENCED || stopped(cfg))
			return;
		sleep_ms(cfg->poll_ms > 0 ? cfg->poll_ms : 1000);
	}
}

/* With standby boards a job left running by a dead worker may still come
 * back to the queue: idle only when nothing is queued or running. */
static int idle(const struct rig_worker_cfg *cfg, struct rig_store *s)
{
	struct rig_job_counts c;
	struct rig_error e = {0};

	if (!cfg->standby || !cfg->standby->n)
		return 1;
	return rig_store_job_counts(s, &c, &e) == 0 && c.queued == 0 && c.running == 0;
}

int rig_worker_loop(const struct rig_worker_cfg *cfg, struct rig_error *err)
{
	struct rig_store *s = NULL;
	char name[160];
	long long done = 0, poll = cfg->poll_ms > 0 ? cfg->poll_ms : 1000;
	long long dead = cfg->dead_after_ms > 0 ? cfg->dead_after_ms : 30000;
	long long lost_ms = cfg->store_lost_ms > 0 ? cfg->store_lost_ms : 600000;
	int attempts = cfg->max_attempts > 0 ? cfg->max_attempts : 3;
	int64_t lost_since = 0;
	int rc;

	if (cfg->name)
		snprintf(name, sizeof(name), "%s", cfg->name);
	else
		rig_store_owner_id(name, sizeof(name));
	if ((rc = rig_store_open(cfg->store, &s, err)))
		return rc;
	rig_info("worker %s on the %s store", name, rig_store_backend(s));
	while (!stopped(cfg) && (!cfg->max_jobs || done < cfg->max_jobs)) {
		struct rig_error e = {0};
		struct rig_job job;
		int n, st;
		pid_t pid;

		if ((n = rig_store_job_requeue_dead(s, rig_wall_ms(), dead, attempts, &e)) > 0)
			rig_info("queued %d job(s) of dead workers again", n);
		if (n >= 0)
			n = rig_store_job_take(s, name, cfg->boards, rig_wall_ms(), 0, &job, &e);
		if (n == 0 && cfg->standby && cfg->standby->n)
			n = rig_store_job_take(s, name, cfg->standby, rig_wall_ms(),
					       rig_wall_ms() - dead, &job, &e);
		if (n < 0) {
			if (!lost_since)
				lost_since = rig_wall_ms();
			if (rig_wall_ms() - lost_since >= lost_ms) {
				rig_fail(err, RIG_ERR_STORE_LOST,
					 "worker %s: the store could not be reached for %lld ms "
					 "(--store-lost-after): giving up; the samples stored so "
					 "far are kept (%.300s)",
					 name, (long long)(rig_wall_ms() - lost_since), e.msg);
				rig_store_close(s);
				return RIG_ERR_STORE_LOST;
			}
			rig_warn("%s (trying again in %lld ms)", e.msg, poll);
			sleep_ms(poll);
			continue;
		}
		lost_since = 0;
		if (n == 0) {
			if (cfg->exit_when_idle && idle(cfg, s))
				break;
			sleep_ms(poll);
			continue;
		}
		rig_info("job %lld on %s (attempt %d%s)", (long long)job.id, job.board,
			 job.attempts,
			 cfg->standby && rig_strv_has(cfg->standby, job.board) ? ", standby" : "");
		if ((pid = start_job(cfg, &job)) < 0) {
			rig_warn("job %lld: fork: %s", (long long)job.id, strerror(errno));
			sleep_ms(poll);
			continue;
		}
		if ((st = watch_job(cfg, s, name, &job, pid)) != -1)
			finish_job(cfg, s, name, &job, st);
		done++;
	}
	rig_store_close(s);
	return 0;
}
