/* The SQLite store: samples committed one by one survive a kill -9, and a
 * run resumes where it stopped. */
#include "storefx.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"

static void db_path(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", rigtest_tmpdir(), name);
}

static void add_sample(struct rig_store *s, int64_t run, int idx, double v)
{
	struct rig_sample smp = {.ok = 1};
	struct rig_error err = {0};

	rig_sample_set(&smp, "startup_ns", v, "ns");
	if (rig_store_add_sample(s, run, idx, &smp, &err))
		fail_msg("%s", err.msg);
	rig_sample_free(&smp);
}

static void same_build_is_stored_once(void **state)
{
	char path[1024];
	struct rig_store *s;

	db_path(path, sizeof(path), "once.db");
	s = storefx_open(path);
	assert_true(storefx_add_build(s) == storefx_add_build(s));
	rig_store_close(s);
}

static void incomplete_run_resumes_where_it_stopped(void **state)
{
	char path[1024];
	struct rig_store *s;
	struct rig_error err = {0};
	struct rig_run_key key = {.board = "host", .workload = "hello"};
	int64_t run, run2;
	int have;

	db_path(path, sizeof(path), "resume.db");
	s = storefx_open(path);
	key.build_id = storefx_add_build(s);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 0, 0, 1, &run, &have, &err), 0);
	assert_int_equal(have, 0);
	add_sample(s, run, 0, 1);
	add_sample(s, run, 1, 2);
	rig_store_close(s);

	s = storefx_open(path);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 0, 0, 1, &run2, &have, &err), 0);
	assert_true(run2 == run);
	assert_int_equal(have, 2);
	/* a complete run is not resumed: the next bench starts a new one */
	for (int i = 2; i < 5; i++)
		add_sample(s, run, i, i);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 5, 0, 0, 1, &run2, &have, &err), 0);
	assert_true(run2 != run);
	assert_int_equal(have, 0);
	rig_store_close(s);
}

/* A child process stores samples and is killed with SIGKILL while it keeps
 * storing; every sample committed before the kill is there afterwards and
 * the database is consistent. */
static void samples_survive_kill_9(void **state)
{
	char path[1024];
	struct rig_store *s;
	struct rig_error err = {0};
	struct rig_run_key key = {.board = "host", .workload = "hello"};
	int64_t run;
	int have, status, pfd[2];
	pid_t pid;
	char *out = NULL;

	db_path(path, sizeof(path), "kill.db");
	s = storefx_open(path);
	key.build_id = storefx_add_build(s);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 1000000, 0, 0, 1, &run, &have, &err), 0);
	rig_store_close(s);

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rig_store *cs = storefx_open(path);
		char one = 1;
		for (int i = 0;; i++) {
			add_sample(cs, run, i, i);
			if (i == 20 && write(pfd[1], &one, 1) != 1)
				_exit(3);
		}
	}
	close(pfd[1]);
	{
		char c;
		assert_int_equal(read(pfd[0], &c, 1), 1); /* 21 samples are committed */
	}
	usleep(20000);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	assert_true(WIFSIGNALED(status));
	close(pfd[0]);

	s = storefx_open(path);
	assert_int_equal(rig_store_begin_run(s, &key, 0, 1000000, 0, 0, 1, &run, &have, &err), 0);
	assert_true(have >= 21);
	rig_store_close(s);
	/* SQLite itself says the file is sound */
	if (rigtest_have("sqlite3")) {
		assert_int_equal(rigtest_sh(&out, "sqlite3 '%s' 'PRAGMA integrity_check'", path),
				 0);
		assert_non_null(strstr(out, "ok"));
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(same_build_is_stored_once),
	    cmocka_unit_test(incomplete_run_resumes_where_it_stopped),
	    cmocka_unit_test(samples_survive_kill_9),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
