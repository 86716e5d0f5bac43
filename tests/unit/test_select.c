/*
 * Board tags and --boards selectors (host/src/boards/select.h): map and
 * list tags, tag:V and KEY:V matches and-ed, names passed through, and the
 * error naming the selector that matches nothing or the bad tag's file and
 * line.
 */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board.h"
#include "select.h"

static const char *boards_dir(void)
{
	static char dir[1200];

	snprintf(dir, sizeof(dir), "%s/boards", rigtest_tmpdir());
	mkdir(dir, 0755);
	rigtest_write(dir, "pi-a.yaml",
		      "kind: null\ntarget: {os: linux, arch: aarch64}\n"
		      "tags: {model: pi4, site: lab2, owner: ci}\n");
	rigtest_write(dir, "pi-b.yaml",
		      "kind: null\ntarget: {os: linux, arch: aarch64}\n"
		      "tags: {model: pi4, site: lab1}\n");
	rigtest_write(dir, "zero.yaml",
		      "kind: null\ntarget: {os: linux, arch: arm}\ntags: [zero, lab2]\n");
	rigtest_write(dir, "plain.yaml", "kind: null\ntarget: {os: linux, arch: x86_64}\n");
	return dir;
}

static void selectors_are_anded_names_added(void **state)
{
	const char *dir = boards_dir();
	struct rig_strv items = {0}, out = {0};
	struct rig_error err = {0};

	(void)state;
	rig_strv_push(&items, "model:pi4");
	rig_strv_push(&items, "site:lab2");
	rig_strv_push(&items, "plain");
	assert_int_equal(rig_boards_select("--boards", &items, dir, &out, &err), 0);
	assert_int_equal(out.n, 2);
	assert_string_equal(out.v[0], "plain");
	assert_string_equal(out.v[1], "pi-a");
	rig_strv_free(&items);
	rig_strv_free(&out);

	/* tag:V matches a plain tag or any tag's value */
	rig_strv_push(&items, "tag:lab2");
	assert_int_equal(rig_boards_select("--boards", &items, dir, &out, &err), 0);
	assert_int_equal(out.n, 2);
	assert_string_equal(out.v[0], "pi-a");
	assert_string_equal(out.v[1], "zero");
	rig_strv_free(&items);
	rig_strv_free(&out);
}

static void selector_matching_nothing_is_named(void **state)
{
	const char *dir = boards_dir();
	struct rig_strv items = {0}, out = {0};
	struct rig_error err = {0};

	(void)state;
	rig_strv_push(&items, "tag:pi4");
	rig_strv_push(&items, "site:lab9");
	assert_int_equal(rig_boards_select("--boards", &items, dir, &out, &err), RIG_ERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "\"site:lab9\""));
	assert_non_null(strstr(err.msg, "site:lab2"));
	rig_strv_free(&items);

	rig_strv_push(&items, "model:");
	assert_int_equal(rig_boards_select("--boards", &items, dir, &out, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "\"model:\""));
	rig_strv_free(&items);
	rig_strv_free(&out);
}

static void board_file_tags_are_checked(void **state)
{
	const char *dir = boards_dir();
	struct rig_board *b = NULL;
	struct rig_error err = {0};
	char path[1400];

	(void)state;
	snprintf(path, sizeof(path), "%s/pi-a.yaml", dir);
	assert_int_equal(rig_board_load(path, dir, &b, &err), 0);
	assert_true(rig_strv_has(&b->tags, "model:pi4"));
	assert_true(rig_strv_has(&b->tags, "owner:ci"));
	rig_board_free(b);
	rigtest_write(dir, "bad.yaml",
		      "kind: null\ntarget: {os: linux, arch: x86_64}\ntags: {model: 'pi 4'}\n");
	snprintf(path, sizeof(path), "%s/bad.yaml", dir);
	assert_int_equal(rig_board_load(path, dir, &b, &err), RIG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "bad.yaml:3"));
	assert_non_null(strstr(err.msg, "tags.model"));
	assert_non_null(strstr(err.msg, "pi 4"));
	/* a tag longer than 63 characters: a selector naming it would not fit
	 * (fuzz-run/board found a 300-character tag that its selector missed) */
	rigtest_write(
	    dir, "bad.yaml",
	    "kind: null\ntarget: {os: linux, arch: x86_64}\n"
	    "tags: [ok, a234567890123456789012345678901234567890123456789012345678901234]\n");
	assert_int_equal(rig_board_load(path, dir, &b, &err), RIG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "bad.yaml:3"));
	assert_non_null(strstr(err.msg, "at most 63 characters"));
	assert_non_null(strstr(err.msg, "a2345678901234567890"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(selectors_are_anded_names_added),
	    cmocka_unit_test(selector_matching_nothing_is_named),
	    cmocka_unit_test(board_file_tags_are_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
