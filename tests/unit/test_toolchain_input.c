/* Bad toolchain files (issue 9 item 6): every malformed command is an error
 * naming file, line and field when the file loads, never an execvp(NULL) or
 * an empty skip reason; names in the file follow names.h; a workload that is
 * not a valid name never becomes a path. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toolchain.h"

static const struct rig_target x86 = {"linux", "x86_64", ""};

/* A toolchains file whose toolchain "t" has the given version/build lines. */
static int load_tc(const char *file, const char *version, const char *build,
		   struct rig_toolchains **tcs, struct rig_error *err)
{
	char yaml[1024];
	const char *extra[2];

	snprintf(yaml, sizeof(yaml),
		 "toolchains:\n  t:\n    lang: c\n    version: %s\n    build: %s\n"
		 "    vars: {nothing: []}\n"
		 "    targets: {linux/x86_64: {}}\n"
		 "profiles:\n  t: {toolchain: t}\n",
		 version, build);
	extra[0] = rigtest_write(rigtest_tmpdir(), file, yaml);
	extra[1] = NULL;
	*tcs = NULL;
	return rig_toolchains_load(NULL, extra, tcs, err);
}

static void bad_commands_name_file_line_and_field(void **state)
{
	static const struct {
		const char *version, *build, *where, *what;
	} cases[] = {
	    {"[sh, --version]", "[]", "bad.yaml:5: toolchain 't': field 'build'",
	     "the list is empty"},
	    {"[sh, --version]", "\"go build\"", "bad.yaml:5: toolchain 't': field 'build'",
	     "got the string \"go build\""},
	    {"[]", "[cc]", "bad.yaml:4: toolchain 't': field 'version'", "the list is empty"},
	    {"sh --version", "[cc]", "bad.yaml:4: toolchain 't': field 'version'",
	     "got the string \"sh --version\""},
	    {"[sh]", "[\"\", x]", "bad.yaml:5: toolchain 't': field 'build'",
	     "the program (first word) is empty"},
	    {"[sh]", "[[cc], x]", "bad.yaml:5: field 'build' item 1", "expected a string"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rig_toolchains *tcs;
		struct rig_error err = {0};

		assert_int_equal(load_tc("bad.yaml", cases[i].version, cases[i].build, &tcs, &err),
				 RIG_ERR_PARSE);
		rigtest_assert_err_has(&err, cases[i].where);
		rigtest_assert_err_has(&err, cases[i].what);
		assert_null(tcs);
	}
}

static void target_build_is_checked_too(void **state)
{
	const char *extra[] = {
	    rigtest_write(rigtest_tmpdir(), "tgt.yaml",
			  "toolchains:\n  t:\n    lang: c\n    version: [sh]\n    build: [cc]\n"
			  "    targets:\n      linux/x86_64:\n        build: []\n"),
	    NULL};
	struct rig_toolchains *tcs = NULL;
	struct rig_error err = {0};

	assert_int_equal(rig_toolchains_load(NULL, extra, &tcs, &err), RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "tgt.yaml:");
	rigtest_assert_err_has(&err, "field 'build': the list is empty");
}

/* A command that is exactly an empty list variable expands to no words: an
 * error naming the file, not execvp(NULL). */
static void command_empty_after_expansion_is_an_error(void **state)
{
	struct rig_toolchains *tcs;
	struct rig_error err = {0};
	struct rig_tc_info info;
	struct rig_artifact a;
	struct rig_build_req req = {.profile = "t",
				    .workload = "hello",
				    .target = &x86,
				    .source_root = rigtest_source_dir(),
				    .cache_dir = rigtest_tmpdir()};

	assert_int_equal(load_tc("empty-after.yaml", "[\"{nothing}\"]", "[cc]", &tcs, &err), 0);
	assert_int_equal(rig_toolchain_detect(tcs, "t", &x86, &info, &err), RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "empty-after.yaml: toolchain 't': the version command");
	rig_toolchains_free(tcs);

	assert_int_equal(
	    load_tc("empty-build.yaml", "[sh, -c, \"echo 1\"]", "[\"{nothing}\"]", &tcs, &err), 0);
	assert_int_equal(rig_build(tcs, &req, &a, &err), RIG_ERR_PARSE);
	rigtest_assert_err_has(
	    &err, "empty-build.yaml: toolchain 't': the build command for linux/x86_64");
	rig_toolchains_free(tcs);
}

static void names_in_the_file_are_checked(void **state)
{
	static const struct {
		const char *yaml, *what;
	} cases[] = {
	    {"toolchains:\n  ../t:\n    lang: c\n    version: [sh]\n    build: [cc]\n"
	     "    targets: {linux/x86_64: {}}\n",
	     "toolchain name \"../t\""},
	    {"profiles:\n  \"a b\": {toolchain: c}\n", "profile name \"a b\""},
	    {"profiles:\n  \"\": {toolchain: c}\n", "profile name \"\": empty"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char builtin[1024];
		const char *extra[] = {rigtest_write(rigtest_tmpdir(), "names.yaml", cases[i].yaml),
				       NULL};
		struct rig_toolchains *tcs = NULL;
		struct rig_error err = {0};

		snprintf(builtin, sizeof(builtin), "%s/host/toolchains.yaml", rigtest_source_dir());
		assert_int_equal(rig_toolchains_load(builtin, extra, &tcs, &err), RIG_ERR_PARSE);
		rigtest_assert_err_has(&err, "names.yaml:");
		rigtest_assert_err_has(&err, cases[i].what);
	}
}

/* Item 4: `rig run -p c ../../../../w/evil` compiled a file outside the tree. */
static void workload_that_is_not_a_name_never_becomes_a_path(void **state)
{
	char builtin[1024];
	struct rig_toolchains *tcs = NULL;
	struct rig_error err = {0};
	struct rig_artifact a;
	struct rig_build_req req = {.profile = "c",
				    .workload = "../../../../w/evil",
				    .target = &x86,
				    .source_root = rigtest_source_dir(),
				    .cache_dir = rigtest_tmpdir()};

	snprintf(builtin, sizeof(builtin), "%s/host/toolchains.yaml", rigtest_source_dir());
	assert_int_equal(rig_toolchains_load(builtin, NULL, &tcs, &err), 0);
	assert_int_equal(rig_build(tcs, &req, &a, &err), RIG_ERR_INVALID);
	rigtest_assert_err_has(&err, "workload name \"../../../../w/evil\"");
	rig_toolchains_free(tcs);
}

static void workloads_of_the_tree_are_listed(void **state)
{
	struct rig_strv wl = {0};

	assert_true(rig_workloads_list(rigtest_source_dir(), &wl) >= 4);
	assert_true(rig_strv_has(&wl, "hello"));
	assert_true(rig_strv_has(&wl, "cpu-pure"));
	assert_false(rig_strv_has(&wl, "rig_wl"));   /* a C support file */
	assert_false(rig_strv_has(&wl, "internal")); /* a Go package, no main */
	rig_strv_free(&wl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(bad_commands_name_file_line_and_field),
	    cmocka_unit_test(target_build_is_checked_too),
	    cmocka_unit_test(command_empty_after_expansion_is_an_error),
	    cmocka_unit_test(names_in_the_file_are_checked),
	    cmocka_unit_test(workload_that_is_not_a_name_never_becomes_a_path),
	    cmocka_unit_test(workloads_of_the_tree_are_listed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
