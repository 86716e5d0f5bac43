/* Helpers shared by rig's tests. Include after cmocka's prerequisites. */
#ifndef RIGTEST_H
#define RIGTEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* The source and build trees (from the environment ctest sets, else the
 * compile-time paths). */
const char *rigtest_source_dir(void);
const char *rigtest_binary_dir(void);
/* The rig binary of the build tree, or NULL (with a line on stderr saying
 * where it was looked for) when it is not built: a setup returns -1 then. */
const char *rigtest_rig(void);
/* Runs sqlite3 on STATE_DIR/rig.db and returns the first line of its output
 * as a number; fails the test when sqlite3 fails. */
long rigtest_sqlite_long(const char *state_dir, const char *sql);
/* A fresh temporary directory, removed (recursively) at exit. */
const char *rigtest_tmpdir(void);
/* 1 when cmd is on PATH. */
int rigtest_have(const char *cmd);
/* Runs a shell command line, returns its exit status (-1 on signal); output
 * captured into *out (owned) when out is non-NULL. */
int rigtest_sh(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes text to dir/name, returns the full path (static buffer rotation of 8). */
const char *rigtest_write(const char *dir, const char *name, const char *text);

/*
 * Processes still running (zombies excluded) whose command line or
 * environment contains needle, found by walking /proc; the calling process
 * is not counted. The first few pids go to pids[] (may be NULL). A
 * process started by rig carries the test's marker in its environment even
 * after setsid, so this finds what escaped a session.
 */
int rigtest_procs_with(const char *needle, int *pids, int max_pids);

struct rig_error;
/* Fails the test unless err's message contains part (and says both). */
void rigtest_assert_err_has(const struct rig_error *err, const char *part);

/* Inside a cmocka test: skip it, printing why, when cmd is missing. */
#define RIGTEST_REQUIRE_CMD(cmd)                                                                   \
	do {                                                                                       \
		if (!rigtest_have(cmd)) {                                                          \
			print_message("[  SKIPPED ] %s is not installed (scripts/setup.sh)\n",     \
				      cmd);                                                        \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

#endif
