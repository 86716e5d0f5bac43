/* The one rule for names that become paths or shell/terminal text, and the
 * checks on command-line lists (issue 9 items 3, 4, 5). */
#include "rigtest.h"

#include <stdio.h>
#include <string.h>

#include "names.h"

static void valid_names_pass(void **state)
{
	static const char *const ok[] = {"host", "qemu-mps2-an385", "gc-stripped", "cpu-pure",
					 "a",	 "A.b_c-9",	    "0x"};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!rig_name_ok(ok[i]))
			fail_msg("\"%s\" should be a valid name", ok[i]);
}

static void names_that_escape_or_inject_fail(void **state)
{
	static const char *const bad[] = {
	    "",	    ".",	"..",	"../x",	    "a/b", "/etc/passwd", "-rf",  "a b", "a;b",
	    "$(x)", "a\x1b[2J", "a\nb", "\xc3\xa9", "_x",  "a'b",	  "a\"b", "a*",	 "a\\b"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rig_error err = {0};
		if (rig_name_ok(bad[i]))
			fail_msg("\"%s\" should not be a valid name", bad[i]);
		assert_int_equal(rig_name_check("here", "workload", bad[i], &err), RIG_ERR_INVALID);
		rigtest_assert_err_has(&err, "here: workload name \"");
	}
}

static void too_long_name_fails(void **state)
{
	char s[RIG_NAME_MAX + 2];
	struct rig_error err = {0};

	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	assert_false(rig_name_ok(s));
	s[RIG_NAME_MAX] = '\0';
	assert_true(rig_name_ok(s));
	s[RIG_NAME_MAX] = 'a';
	assert_int_equal(rig_name_check(NULL, "board", s, &err), RIG_ERR_INVALID);
	rigtest_assert_err_has(&err, "64 characters, at most 63");
}

/* A message never carries the raw control bytes to the terminal. */
static void messages_escape_unprintable_bytes(void **state)
{
	struct rig_error err = {0};

	assert_int_equal(rig_name_check(NULL, "board", "x\x1b]0;pwned\x07", &err), RIG_ERR_INVALID);
	rigtest_assert_err_has(&err, "x\\x1b]0;pwned\\x07");
	assert_null(strchr(err.msg, '\x1b'));
	assert_null(strchr(err.msg, '\x07'));
}

static void push_all(struct rig_strv *sv, const char *const *items)
{
	for (; *items; items++)
		rig_strv_push(sv, *items);
}

static void list_check(const char *const *items, int want, const char *part)
{
	static const char *const known_v[] = {"hello", "cpu", "alloc", NULL};
	struct rig_strv sv = {0}, known = {0};
	struct rig_error err = {0};

	push_all(&sv, items);
	push_all(&known, known_v);
	assert_int_equal(rig_names_check_list("--workloads", "workload", &sv, 1, &known, &err),
			 want);
	if (part)
		rigtest_assert_err_has(&err, part);
	rig_strv_free(&sv);
	rig_strv_free(&known);
}

/* Item 5: -w "" and -b , ran the defaults; -b host,host ran twice. */
static void empty_and_repeated_items_are_errors(void **state)
{
	static const char *const empty[] = {"", NULL};
	static const char *const two_empty[] = {"", "", NULL};
	static const char *const trailing[] = {"hello", "", NULL};
	static const char *const twice[] = {"hello", "hello", NULL};
	static const char *const none[] = {NULL};

	list_check(empty, RIG_ERR_INVALID, "option --workloads: item 1 is empty");
	list_check(two_empty, RIG_ERR_INVALID, "item 1 is empty");
	list_check(trailing, RIG_ERR_INVALID, "item 2 is empty");
	list_check(twice, RIG_ERR_INVALID, "workload \"hello\" is listed twice");
	list_check(none, RIG_ERR_INVALID, "the list is empty");
}

/* Item 4: an unknown workload is an error that lists the known ones. */
static void unknown_items_list_the_known_ones(void **state)
{
	static const char *const unknown[] = {"hello", "helo", NULL};
	static const char *const escape[] = {"../../../../w/evil", NULL};
	static const char *const good[] = {"cpu", "hello", NULL};

	list_check(unknown, RIG_ERR_NOT_FOUND,
		   "option --workloads: no workload named \"helo\"; known: hello, cpu, alloc");
	list_check(escape, RIG_ERR_INVALID, "workload name \"../../../../w/evil\"");
	list_check(good, 0, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(valid_names_pass),
	    cmocka_unit_test(names_that_escape_or_inject_fail),
	    cmocka_unit_test(too_long_name_fails),
	    cmocka_unit_test(messages_escape_unprintable_bytes),
	    cmocka_unit_test(empty_and_repeated_items_are_errors),
	    cmocka_unit_test(unknown_items_list_the_known_ones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
