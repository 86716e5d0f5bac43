/* Bad names and lists on rig's command line (issue 9 items 3, 4, 5 and the
 * --baseline item), through the real binary: each is an error with a
 * message and a non-zero exit, before anything is built or measured. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char rig[1024];

static int setup(void **state)
{
	if (!rigtest_rig())
		return -1;
	snprintf(rig, sizeof(rig), "%s", rigtest_rig());
	return 0;
}

/* Runs rig with args in a fresh state dir; returns the exit status and
 * checks the output has `part`. */
static int run_rig(const char *args, const char *part)
{
	char *out = NULL;
	int st = rigtest_sh(&out, "'%s' --state-dir '%s/st' %s 2>&1", rig, rigtest_tmpdir(), args);

	if (!strstr(out, part))
		fail_msg("rig %s: output \"%s\" lacks \"%s\"", args, out, part);
	free(out);
	return st;
}

static void bad_lists_exit_2_before_building(void **state)
{
	static const struct {
		const char *args, *part;
	} cases[] = {
	    {"build -b ''", "option --boards: item 1 is empty"},
	    {"bench -b ,", "option --boards: item 1 is empty"},
	    {"bench -b host,host", "board \"host\" is listed twice"},
	    {"build -b host -b host", "board \"host\" is listed twice"},
	    {"build -w ''", "option --workloads: item 1 is empty"},
	    {"bench -b host -w hello,", "option --workloads: item 2 is empty"},
	    {"build -t ''", "option --toolchains: item 1 is empty"},
	    {"build -p c,c", "profile \"c\" is listed twice"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(run_rig(cases[i].args, cases[i].part), 2);
}

static void unknown_names_list_the_known_ones(void **state)
{
	static const struct {
		const char *args, *part;
	} cases[] = {
	    {"build -b host -w nosuch", "no workload named \"nosuch\"; known: alloc, cpu"},
	    {"bench -b host -w nosuch", "no workload named \"nosuch\"; known: alloc, cpu"},
	    {"build -b nosuch -w hello", "no board named \"nosuch\"; known: "},
	    {"build -b host -p nosuch", "no profile named \"nosuch\"; known: gc, "},
	    {"build -b host -t nosuch", "no toolchain or profile named \"nosuch\""},
	    {"bench -b host -w hello --baseline nosuch", "option --baseline: no profile named"},
	    {"run -b nosuch hello", "option --board: no board named \"nosuch\""},
	    {"run -p nosuch hello", "option --profile: no profile named \"nosuch\""},
	    {"run nosuch", "no workload named \"nosuch\""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(run_rig(cases[i].args, cases[i].part), 2);
}

/* Item 4: `rig run -p c ../../../../w/evil` compiled a file outside the tree. */
static void names_that_escape_are_refused(void **state)
{
	static const struct {
		const char *args, *part;
	} cases[] = {
	    {"run -p c ../../../../w/evil", "workload name \"../../../../w/evil\""},
	    {"build -b host -w ../x", "workload name \"../x\""},
	    {"build -b 'a;b' -w hello", "board name \"a;b\""},
	    {"run -p '$(id)' hello", "profile name \"$(id)\""},
	    {"bench -b host -w hello --label 'a b'", "option --label: label name \"a b\""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(run_rig(cases[i].args, cases[i].part), 2);
	assert_int_equal(rigtest_sh(NULL, "test -e '%s/st/cache'", rigtest_tmpdir()) == 0, 0);
}

/* Item 3 end to end: a board file with name: ../../ESCAPED makes no
 * directory anywhere. */
static void board_file_with_escaping_name_is_refused(void **state)
{
	const char *f = rigtest_write(rigtest_tmpdir(), "esc.yaml",
				      "kind: host\ntarget: {os: linux, arch: x86_64}\n"
				      "name: ../../ESCAPED\n");
	char args[1400];

	snprintf(args, sizeof(args), "run -b '%s' hello", f);
	assert_int_equal(run_rig(args, "esc.yaml:3: field 'name': board name \"../../ESCAPED\""),
			 2);
	/* the state dir is TMP/st: boards/../../ESCAPED would be TMP/ESCAPED */
	assert_int_not_equal(rigtest_sh(NULL, "test -e '%s/ESCAPED'", rigtest_tmpdir()), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bad_lists_exit_2_before_building),
	    cmocka_unit_test(unknown_names_list_the_known_ones),
	    cmocka_unit_test(names_that_escape_are_refused),
	    cmocka_unit_test(board_file_with_escaping_name_is_refused),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
