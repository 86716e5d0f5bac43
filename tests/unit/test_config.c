/* Board and toolchain YAML: bad input gets an error naming file, line,
 * field and value. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "config.h"
#include "toolchain.h"

/* Loads text as a board file named NAME.yaml in the temp dir; returns the
 * error code and leaves the message in err. */
static int load_board_text(const char *name, const char *text, struct rig_error *err)
{
	char file[64];
	struct rig_board *b = NULL;
	int rc;

	snprintf(file, sizeof(file), "%s.yaml", name);
	rc = rig_board_load(rigtest_write(rigtest_tmpdir(), file, text), rigtest_tmpdir(), &b, err);
	rig_board_free(b);
	return rc;
}

static void good_board_loads(void **state)
{
	struct rig_error err = {0};

	assert_int_equal(load_board_text("good",
					 "kind: host\ntarget: {os: linux, arch: x86_64}\n"
					 "samples: 7\ntimeout: 2s\n",
					 &err),
			 0);
}

static void yaml_syntax_error_names_file_and_line(void **state)
{
	struct rig_error err = {0};

	assert_int_equal(load_board_text("syntax", "kind: host\ntarget: [unclosed\n", &err),
			 RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "syntax.yaml:");
}

static void missing_kind_names_field(void **state)
{
	struct rig_error err = {0};

	assert_int_equal(load_board_text("nokind", "target: {os: linux, arch: x86_64}\n", &err),
			 RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "nokind.yaml:1:");
	rigtest_assert_err_has(&err, "'kind'");
}

static void unknown_kind_names_value_and_line(void **state)
{
	struct rig_error err = {0};

	assert_int_equal(
	    load_board_text("badkind", "target: {os: linux, arch: x86_64}\nkind: toaster\n", &err),
	    RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "badkind.yaml:2:");
	rigtest_assert_err_has(&err, "toaster");
}

static void bad_number_names_field_line_and_value(void **state)
{
	struct rig_error err = {0};

	assert_int_equal(load_board_text("badnum",
					 "kind: host\ntarget: {os: linux, arch: x86_64}\n"
					 "samples: lots\n",
					 &err),
			 RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "badnum.yaml:3:");
	rigtest_assert_err_has(&err, "'samples'");
	rigtest_assert_err_has(&err, "\"lots\"");
}

static void bad_duration_is_rejected(void **state)
{
	struct rig_error err = {0};

	assert_int_equal(load_board_text("baddur",
					 "kind: host\ntarget: {os: linux, arch: x86_64}\n"
					 "timeout: 5 parsecs\n",
					 &err),
			 RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "baddur.yaml:3:");
	rigtest_assert_err_has(&err, "'timeout'");
}

static void typo_in_field_name_is_reported(void **state)
{
	struct rig_error err = {0};

	assert_int_equal(load_board_text("typo",
					 "kind: host\ntarget: {os: linux, arch: x86_64}\n"
					 "samplez: 3\n",
					 &err),
			 RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "typo.yaml:3:");
	rigtest_assert_err_has(&err, "samplez");
}

static void missing_target_is_reported(void **state)
{
	struct rig_error err = {0};

	assert_int_equal(load_board_text("notarget", "kind: host\n", &err), RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "'target'");
}

static void host_cpu_out_of_range_is_reported(void **state)
{
	struct rig_error err = {0};

	assert_int_equal(load_board_text("cpu",
					 "kind: host\ntarget: {os: linux, arch: x86_64}\n"
					 "host:\n  cpu: 5000\n",
					 &err),
			 RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "cpu.yaml:4:");
}

/* libfyaml 0.7 loops forever on this (found by fuzz_board); rig refuses
 * text that is not UTF-8 before the parser sees it. */
static void invalid_utf8_is_refused_with_position(void **state)
{
	struct rig_error err = {0};

	assert_int_equal(load_board_text("utf8", "kind: host\n%\xafo\f[", &err), RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "utf8.yaml:2:2:");
	rigtest_assert_err_has(&err, "UTF-8");
}

/* libfyaml 0.7 crashes on some explicit keys (found by fuzz_board). */
static void explicit_keys_are_refused(void **state)
{
	struct rig_error err = {0};

	assert_int_equal(load_board_text("qkey", "kind: host\n? ::\n?  ::\n e? e:\t? :", &err),
			 RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "qkey.yaml:2:1:");
	rigtest_assert_err_has(&err, "explicit keys");
}

static void question_marks_in_values_are_fine(void **state)
{
	struct rig_error err = {0};

	assert_int_equal(load_board_text("qok",
					 "kind: host # why? because\n"
					 "target: {os: linux, arch: x86_64}\n"
					 "description: \"is it? , ? yes\"\n",
					 &err),
			 0);
}

static void missing_board_file_says_which(void **state)
{
	struct rig_error err = {0};
	struct rig_board *b = NULL;

	assert_int_equal(rig_board_load("no-such-board", rigtest_tmpdir(), &b, &err),
			 RIG_ERR_NOT_FOUND);
	rigtest_assert_err_has(&err, "no-such-board");
}

static int load_tc_text(const char *name, const char *text, struct rig_error *err)
{
	const char *extra[] = {rigtest_write(rigtest_tmpdir(), name, text), NULL};
	struct rig_toolchains *tcs = NULL;
	int rc = rig_toolchains_load(NULL, extra, &tcs, err);

	rig_toolchains_free(tcs);
	return rc;
}

static void toolchain_without_build_is_reported(void **state)
{
	struct rig_error err = {0};

	assert_int_equal(load_tc_text("tc1.yaml",
				      "toolchains:\n  mycc:\n    lang: c\n    version: [mycc, -v]\n"
				      "    targets: {linux/x86_64: {}}\n",
				      &err),
			 RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "tc1.yaml:");
	rigtest_assert_err_has(&err, "'build'");
}

static void toolchain_bad_lang_names_value(void **state)
{
	struct rig_error err = {0};

	assert_int_equal(load_tc_text("tc2.yaml",
				      "toolchains:\n  x:\n    lang: cobol\n    version: [x]\n"
				      "    build: [x]\n    targets: {linux/x86_64: {}}\n",
				      &err),
			 RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "tc2.yaml:3:");
	rigtest_assert_err_has(&err, "cobol");
}

static void profile_naming_unknown_toolchain_is_reported(void **state)
{
	struct rig_error err = {0};

	assert_int_equal(
	    load_tc_text("tc3.yaml", "profiles:\n  fast:\n    toolchain: nosuch\n", &err),
	    RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "tc3.yaml:3:");
	rigtest_assert_err_has(&err, "nosuch");
}

static void builtin_toolchains_file_loads(void **state)
{
	char path[1024];
	struct rig_toolchains *tcs = NULL;
	struct rig_error err = {0};
	struct rig_strv sel = {0};

	snprintf(path, sizeof(path), "%s/host/toolchains.yaml", rigtest_source_dir());
	assert_int_equal(rig_toolchains_load(path, NULL, &tcs, &err), 0);
	assert_non_null(rig_profile_toolchain(tcs, "gc-stripped"));
	assert_string_equal(rig_profile_baseline(tcs), "c");
	/* a toolchain name selects its default profiles */
	assert_int_equal(rig_profiles_select(tcs, "gccgo", &sel), 2);
	assert_string_equal(sel.v[0], "gccgo");
	assert_string_equal(sel.v[1], "gccgo-static");
	rig_strv_free(&sel);
	rig_toolchains_free(tcs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(good_board_loads),
	    cmocka_unit_test(yaml_syntax_error_names_file_and_line),
	    cmocka_unit_test(missing_kind_names_field),
	    cmocka_unit_test(unknown_kind_names_value_and_line),
	    cmocka_unit_test(bad_number_names_field_line_and_value),
	    cmocka_unit_test(bad_duration_is_rejected),
	    cmocka_unit_test(typo_in_field_name_is_reported),
	    cmocka_unit_test(missing_target_is_reported),
	    cmocka_unit_test(host_cpu_out_of_range_is_reported),
	    cmocka_unit_test(invalid_utf8_is_refused_with_position),
	    cmocka_unit_test(explicit_keys_are_refused),
	    cmocka_unit_test(question_marks_in_values_are_fine),
	    cmocka_unit_test(missing_board_file_says_which),
	    cmocka_unit_test(toolchain_without_build_is_reported),
	    cmocka_unit_test(toolchain_bad_lang_names_value),
	    cmocka_unit_test(profile_naming_unknown_toolchain_is_reported),
	    cmocka_unit_test(builtin_toolchains_file_loads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
