/* Store throughput: samples per second written through rig's store
 * interface (rig_store_add_sample: one transaction per sample, 10 metrics
 * each, as a bench writes them) and jobs per second through the queue
 * (take + finish of trivial jobs by W worker processes), for one store
 * file or URL. Not a test: bench/store_insert.sh runs it on SQLite and
 * PostgreSQL and the numbers go to docs/benchmarks.md by hand.
 *
 * usage: store_insert STORE SAMPLES JOBS WORKERS
 * prints: samples N seconds S rate R/s; jobs N workers W seconds S rate R/s */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"
#include "store_queue.h"

static double now_s(void) { return (double)rig_now_ns() / 1e9; }

static int die(const struct rig_error *err)
{
	fprintf(stderr, "store_insert: %s\n", err->msg);
	return 1;
}

static int samples(struct rig_store *s, int n)
{
	struct rig_error err = {0};
	struct rig_artifact a;
	struct rig_run_key key = {.board = "bench", .workload = "hello"};
	int64_t run;
	int have;
	double t0, t1;

	memset(&a, 0, sizeof(a));
	snprintf(a.sha256, sizeof(a.sha256), "%08x", (unsigned)getpid());
	snprintf(a.profile, sizeof(a.profile), "gc");
	snprintf(a.workload, sizeof(a.workload), "hello");
	if (rig_store_add_build(s, &a, &key.build_id, &err) ||
	    rig_store_begin_run(s, &key, 0, n, 0, 0, 0, &run, &have, &err))
		return die(&err);
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		struct rig_sample smp = {.ok = 1};
		char name[32];

		for (int m = 0; m < 10; m++) {
			snprintf(name, sizeof(name), "metric_%d", m);
			rig_sample_set(&smp, name, i * 10.0 + m, "ns");
		}
		if (rig_store_add_sample(s, run, i, &smp, &err))
			return die(&err);
		rig_sample_free(&smp);
	}
	t1 = now_s();
	printf("samples %d seconds %.3f rate %.0f/s\n", n, t1 - t0, n / (t1 - t0));
	return 0;
}

static int worker(const char *url, int id)
{
	struct rig_store *s = NULL;
	struct rig_error err = {0};
	struct rig_job job;
	char name[32];
	int rc;

	snprintf(name, sizeof(name), "bench-w%d", id);
	if (rig_store_open(url, &s, &err))
		return die(&err);
	while ((rc = rig_store_job_take(s, name, NULL, rig_wall_ms(), 0, &job, &err)) == 1)
		if (rig_store_job_finish(s, job.id, name, 1, "ok", &err))
			return die(&err);
	rig_store_close(s);
	return rc < 0 ? die(&err) : 0;
}

static int jobs(struct rig_store *s, const char *url, int n, int w)
{
	struct rig_error err = {0};
	struct rig_job_counts c;
	double t0, t1;

	for (int i = 0; i < n; i++) {
		struct rig_job job = {0};
		int64_t id;

		snprintf(job.board, sizeof(job.board), "bench");
		if (rig_store_job_submit(s, &job, &id, &err))
			return die(&err);
	}
	t0 = now_s();
	for (int i = 0; i < w; i++)
		if (fork() == 0)
			_exit(worker(url, i));
	for (int i = 0; i < w; i++)
		wait(NULL);
	t1 = now_s();
	if (rig_store_job_counts(s, &c, &err))
		return die(&err);
	printf("jobs %lld workers %d seconds %.3f rate %.0f/s\n", c.done, w, t1 - t0,
	       c.done / (t1 - t0));
	return c.done == n && c.queued == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct rig_store *s = NULL;
	struct rig_error err = {0};
	int rc;

	if (argc != 5) {
		fprintf(stderr, "usage: store_insert STORE SAMPLES JOBS WORKERS\n");
		return 2;
	}
	if (rig_store_open(argv[1], &s, &err))
		return die(&err);
	printf("# %s store\n", rig_store_backend(s));
	rc = samples(s, atoi(argv[2])) || jobs(s, argv[1], atoi(argv[3]), atoi(argv[4]));
	rig_store_close(s);
	return rc;
}
