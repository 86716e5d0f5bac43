/* The job queue on both backends (storefx.h): several worker processes
 * run every job exactly once, a killed worker's job is queued again and
 * run by another, a standby worker takes only jobs others left. */
#include "storefx.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hist.h"
#include "load_report.h"
#include "log.h"
#include "results.h"
#include "store_health.h"
#include "store_lease.h"
#include "store_queue.h"
#include "store_runs.h"
#include "worker.h"

/* The queue's runner: appends "id pid" to the file in ctx, then sleeps
 * for the milliseconds in the job's args. */
static int record_job(void *ctx, const struct rig_job *job)
{
	char line[64];
	int fd = open(ctx, O_WRONLY | O_APPEND | O_CREAT, 0644);
	long ms = atol(job->args);
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	int n;

	if (fd < 0)
		return 1;
	n = snprintf(line, sizeof(line), "%lld %ld\n", (long long)job->id, (long)getpid());
	if (write(fd, line, (size_t)n) != n)
		return 1;
	close(fd);
	nanosleep(&ts, NULL);
	return 0;
}

static pid_t spawn_worker(const char *url, const char *name, const char *log,
			  long long dead_after_ms, int exit_when_idle)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct rig_worker_cfg cfg = {
		    .store = url,
		    .name = name,
		    .run = record_job,
		    .run_ctx = (void *)log,
		    .heartbeat_ms = 100,
		    .dead_after_ms = dead_after_ms,
		    .poll_ms = 50,
		    .exit_when_idle = exit_when_idle,
		};
		struct rig_error err = {0};

		rig_log_set_level(RIG_LOG_WARN); /* no line per job */
		_exit(rig_worker_loop(&cfg, &err) ? 1 : 0);
	}
	return pid;
}

/* How many lines of the log name job id. */
static int runs_of(const char *log, long long id, int *lines)
{
	FILE *f = fopen(log, "r");
	long long j;
	long p;
	int n = 0;

	*lines = 0;
	if (!f)
		return 0;
	while (fscanf(f, "%lld %ld", &j, &p) == 2) {
		(*lines)++;
		n += j == id;
	}
	fclose(f);
	return n;
}

static void submit(struct rig_store *s, int n, const char *board, const char *ms, int64_t *first)
{
	struct rig_error err = {0};

	for (int i = 0; i < n; i++) {
		struct rig_job job = {0};
		int64_t id;

		snprintf(job.board, sizeof(job.board), "%s", board);
		snprintf(job.args, sizeof(job.args), "%s", ms);
		assert_int_equal(rig_store_job_submit(s, &job, &id, &err), 0);
		if (i == 0 && first)
			*first = id;
	}
}

static void three_workers_run_every_job_once(void **state)
{
	const char *url;
	char log[1200];
	struct rig_store *s;
	struct rig_error err = {0};
	struct rig_job_counts c;
	pid_t w[3];
	int64_t first = 0;
	int lines;

	STOREFX_NEED_BACKEND();
	url = storefx_url("queue");
	snprintf(log, sizeof(log), "%s/queue-%d.log", rigtest_tmpdir(), storefx_use_pg);
	s = storefx_open(url);
	submit(s, 60, "pi1", "5", &first);
	for (int i = 0; i < 3; i++) {
		char name[16];
		snprintf(name, sizeof(name), "w%d", i);
		w[i] = spawn_worker(url, name, log, 30000, 1);
	}
	for (int i = 0; i < 3; i++) {
		int st;
		assert_int_equal(waitpid(w[i], &st, 0), w[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	for (long long id = first; id < first + 60; id++)
		if (runs_of(log, id, &lines) != 1)
			fail_msg("job %lld ran %d times", id, runs_of(log, id, &lines));
	assert_int_equal(lines, 60);
	assert_int_equal(rig_store_job_counts(s, &c, &err), 0);
	assert_true(c.done == 60 && c.queued == 0 && c.running == 0 && c.failed == 0);
	rig_store_close(s);
}

static void killed_workers_job_is_run_by_another(void **state)
{
	const char *url;
	char log[1200];
	struct rig_store *s;
	struct rig_error err = {0};
	struct rig_job_counts c = {0};
	int64_t id;
	pid_t a, b;
	int st, lines;

	STOREFX_NEED_BACKEND();
	url = storefx_url("killed");
	snprintf(log, sizeof(log), "%s/killed-%d.log", rigtest_tmpdir(), storefx_use_pg);
	s = storefx_open(url);
	submit(s, 1, "pi1", "60000", &id); /* a minute: it is killed first */
	a = spawn_worker(url, "doomed", log, 30000, 0);
	for (int i = 0; i < 200 && runs_of(log, id, &lines) == 0; i++)
		usleep(20000);
	assert_int_equal(runs_of(log, id, &lines), 1);
	assert_int_equal(kill(a, SIGKILL), 0);
	assert_int_equal(waitpid(a, &st, 0), a);
	/* the runner died with its worker (PR_SET_PDEATHSIG) */
	assert_int_equal(rig_store_job_counts(s, &c, &err), 0);
	assert_int_equal(c.running, 1);
	/* the job's last args are changed to run quickly the second time */
	storefx_sql(url, "UPDATE jobs SET args = '1'");
	b = spawn_worker(url, "survivor", log, 500, 1);
	/* exit_when_idle: b waits while the job runs under a's stale heartbeat */
	for (int i = 0; i < 100; i++) {
		assert_int_equal(rig_store_job_counts(s, &c, &err), 0);
		if (c.done == 1)
			break;
		usleep(50000);
		if (i % 10 == 9 && waitpid(b, &st, WNOHANG) == b)
			b = spawn_worker(url, "survivor", log, 500, 1);
	}
	waitpid(b, &st, 0);
	assert_int_equal(c.done, 1);
	assert_int_equal(runs_of(log, id, &lines), 2); /* started by a, run to the end by b */
	/* the dead worker's late word is refused */
	assert_int_equal(rig_store_job_finish(s, id, "doomed", 1, "late", &err), RIG_ERR_FENCED);
	rig_store_close(s);
}

/* A standby worker takes only jobs another worker left (requeued, or queued
 * longer than it waits); a job handed back (ok -1) is queued for anyone. */
static void standby_takes_only_left_jobs(void **state)
{
	struct rig_store *s;
	struct rig_error err = {0};
	struct rig_strv boards = {0};
	struct rig_job job;
	struct rig_job_counts c;
	int64_t id, now = rig_wall_ms();

	STOREFX_NEED_BACKEND();
	s = storefx_open(storefx_url("standby"));
	rig_strv_push(&boards, "r1");
	submit(s, 1, "r1", "x", &id);
	assert_int_equal(rig_store_job_take(s, "b", &boards, now, now - 60000, &job, &err), 0);
	assert_int_equal(rig_store_job_take(s, "b", &boards, now, now + 1000, &job, &err), 1);
	assert_true(job.id == id && job.attempts == 1);
	assert_int_equal(rig_store_job_finish(s, id, "b", -1, "store away", &err), 0);
	assert_int_equal(rig_store_job_counts(s, &c, &err), 0);
	assert_true(c.queued == 1 && c.running == 0);
	/* taken before: left, whatever its age */
	assert_int_equal(rig_store_job_take(s, "a", &boards, now, now - 60000, &job, &err), 1);
	assert_true(job.id == id && job.attempts == 2);
	assert_int_equal(rig_store_job_finish(s, id, "b", 1, "late", &err), RIG_ERR_FENCED);
	rig_strv_free(&boards);
	rig_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(three_workers_run_every_job_once),
	    cmocka_unit_test(killed_workers_job_is_run_by_another),
	    cmocka_unit_test(standby_takes_only_left_jobs),
	};

	return storefx_run_both(tests, sizeof(tests) / sizeof(tests[0]));
}
