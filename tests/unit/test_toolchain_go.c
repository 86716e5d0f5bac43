/* A toolchain that runs `go` itself (TinyGo: `go env`, Go 1.19..1.23 only):
 * which Go rig chooses, that it is first on the toolchain's PATH for its
 * version command and its builds, and the skip when none is in range. The
 * `tinygo` and `go` here are shell scripts that answer as the real ones do,
 * in a PATH of their own. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "toolchain.h"

static const struct rig_target x86 = {"linux", "x86_64", ""};

/* dir/go answering `go env GOVERSION` with ver. */
static void fake_go(const char *dir, const char *ver)
{
	char text[256];

	mkdir(dir, 0755);
	snprintf(text, sizeof(text),
		 "#!/bin/sh\n[ \"$1 $2\" = \"env GOVERSION\" ] && echo %s && exit 0\nexit 2\n",
		 ver);
	chmod(rigtest_write(dir, "go", text), 0755);
}

/* A PATH of bin/ (a fake tinygo that reports the go it sees, and a go of
 * path_ver unless NULL) then the system's, for the shell. */
static char *fake_path(const char *root, const char *path_ver)
{
	char bin[512];

	snprintf(bin, sizeof(bin), "%s/bin", root);
	mkdir(bin, 0755);
	chmod(rigtest_write(bin, "tinygo",
			    "#!/bin/sh\necho \"tinygo version 0.33.0 (using go version "
			    "$(go env GOVERSION))\"\n"),
	      0755);
	if (path_ver)
		fake_go(bin, path_ver);
	return rig_xasprintf("%s:/usr/bin:/bin", bin);
}

static struct rig_toolchains *load_fake(const char *root)
{
	char yaml[2048];
	const char *extra[2] = {NULL, NULL};
	struct rig_toolchains *tcs = NULL;
	struct rig_error err = {0};

	snprintf(yaml, sizeof(yaml),
		 "toolchains:\n  tgo:\n    lang: go\n    version: [tinygo, version]\n"
		 "    build: [sh, -c, 'go env GOVERSION > \"$0\"', '{out}']\n"
		 "    go: {min: \"1.19\", max: \"1.23\", search: ['%s/sdk/go*/bin'],\n"
		 "         install: 'golang-1.23-go or https://go.dev/dl/'}\n"
		 "    targets:\n      linux/x86_64: {}\n"
		 "      linux/aarch64: {skip: 'this one has only the X86 back end'}\n"
		 "    install: https://tinygo.org/getting-started/install/\n"
		 "profiles:\n  tgo: {toolchain: tgo}\n",
		 root);
	extra[0] = rigtest_write(root, "tc.yaml", yaml);
	if (rig_toolchains_load(NULL, extra, &tcs, &err))
		fail_msg("%s", err.msg);
	return tcs;
}

static char *with_path(const char *path)
{
	char *old = getenv("PATH") ? rig_xstrdup(getenv("PATH")) : NULL;
	setenv("PATH", path, 1);
	return old;
}

static void restore_path(char *old)
{
	if (old)
		setenv("PATH", old, 1);
	free(old);
}

static void no_go_in_range_is_skipped_with_reason(void **state)
{
	char root[512], *path, *old;
	struct rig_toolchains *tcs;
	struct rig_tc_info info;
	struct rig_error err = {0};
	struct rig_artifact a;
	struct rig_build_req req = {.profile = "tgo",
				    .workload = "hello",
				    .target = &x86,
				    .source_root = rigtest_source_dir()};

	snprintf(root, sizeof(root), "%s/nogo", rigtest_tmpdir());
	mkdir(root, 0755);
	path = fake_path(root, "go1.26.8");
	old = with_path(path);
	tcs = load_fake(root);
	req.cache_dir = root;
	assert_int_equal(rig_toolchain_detect(tcs, "tgo", &x86, &info, &err), 0);
	assert_int_equal(info.present, 0);
	assert_non_null(strstr(info.reason, "1.19 to 1.23"));
	assert_non_null(strstr(info.reason, "go1.26.8"));
	assert_non_null(strstr(info.reason, "https://go.dev/dl/"));
	assert_int_equal(rig_build(tcs, &req, &a, &err), RIG_ERR_SKIPPED);
	assert_non_null(strstr(err.msg, "1.19 to 1.23"));
	rig_toolchains_free(tcs);
	restore_path(old);
	free(path);
}

static void newest_go_in_range_is_first_on_path(void **state)
{
	char root[512], d[600], *path, *old, *built;
	struct rig_toolchains *tcs;
	struct rig_tc_info info;
	struct rig_error err = {0};
	struct rig_artifact a;
	struct rig_build_req req = {.profile = "tgo",
				    .workload = "hello",
				    .target = &x86,
				    .source_root = rigtest_source_dir()};

	snprintf(root, sizeof(root), "%s/somego", rigtest_tmpdir());
	mkdir(root, 0755);
	snprintf(d, sizeof(d), "%s/sdk", root);
	mkdir(d, 0755);
	snprintf(d, sizeof(d), "%s/sdk/go1.22.3", root);
	mkdir(d, 0755);
	snprintf(d, sizeof(d), "%s/sdk/go1.22.3/bin", root);
	fake_go(d, "go1.22.3");
	snprintf(d, sizeof(d), "%s/sdk/go1.24.0", root);
	mkdir(d, 0755);
	snprintf(d, sizeof(d), "%s/sdk/go1.24.0/bin", root);
	fake_go(d, "go1.24.0");
	snprintf(d, sizeof(d), "%s/sdk/go1.23.4", root);
	mkdir(d, 0755);
	snprintf(d, sizeof(d), "%s/sdk/go1.23.4/bin", root);
	fake_go(d, "go1.23.4");
	path = fake_path(root, "go1.26.8");
	old = with_path(path);
	tcs = load_fake(root);
	req.cache_dir = root;

	assert_int_equal(rig_toolchain_detect(tcs, "tgo", &x86, &info, &err), 0);
	assert_int_equal(info.present, 1);
	assert_string_equal(info.go_dir, d);
	/* the version command ran with that Go first on PATH */
	assert_non_null(strstr(info.version, "using go version go1.23.4"));
	assert_non_null(strstr(info.go_why, "go1.26.8"));
	/* so does the build, and the record says so */
	assert_int_equal(rig_build(tcs, &req, &a, &err), 0);
	assert_non_null(strstr(a.env, "PATH=\""));
	assert_non_null(strstr(a.env, d));
	rigtest_sh(&built, "cat '%s'", a.path);
	assert_string_equal(built, "go1.23.4\n");
	free(built);
	rig_toolchains_free(tcs);
	restore_path(old);
	free(path);
}

static void go_on_path_in_range_is_used(void **state)
{
	char root[512], *path, *old;
	struct rig_toolchains *tcs;
	struct rig_tc_info info;
	struct rig_error err = {0};

	snprintf(root, sizeof(root), "%s/pathgo", rigtest_tmpdir());
	mkdir(root, 0755);
	path = fake_path(root, "go1.21.13");
	old = with_path(path);
	tcs = load_fake(root);
	assert_int_equal(rig_toolchain_detect(tcs, "tgo", &x86, &info, &err), 0);
	assert_int_equal(info.present, 1);
	assert_non_null(strstr(info.go_why, "the go on PATH"));
	assert_non_null(strstr(info.version, "go1.21.13"));
	rig_toolchains_free(tcs);
	restore_path(old);
	free(path);
}

static void target_skip_gives_its_reason(void **state)
{
	static const struct rig_target arm64 = {"linux", "aarch64", ""};
	char root[512], *path, *old;
	struct rig_toolchains *tcs;
	struct rig_error err = {0};
	struct rig_artifact a;
	struct rig_build_req req = {.profile = "tgo",
				    .workload = "hello",
				    .target = &arm64,
				    .source_root = rigtest_source_dir()};

	snprintf(root, sizeof(root), "%s/skip", rigtest_tmpdir());
	mkdir(root, 0755);
	path = fake_path(root, "go1.23.0");
	old = with_path(path);
	tcs = load_fake(root);
	req.cache_dir = root;
	assert_int_equal(rig_build(tcs, &req, &a, &err), RIG_ERR_SKIPPED);
	assert_string_equal(err.msg, "this one has only the X86 back end");
	rig_toolchains_free(tcs);
	restore_path(old);
	free(path);
}

static void bad_go_range_names_file_and_values(void **state)
{
	const char *extra[] = {
	    rigtest_write(
		rigtest_tmpdir(), "badgo.yaml",
		"toolchains:\n  t:\n    lang: go\n    version: [x]\n    build: [x]\n"
		"    go: {min: \"1.23\", max: \"1.19\"}\n    targets: {linux/x86_64: {}}\n"),
	    NULL};
	struct rig_toolchains *tcs = NULL;
	struct rig_error err = {0};

	assert_int_equal(rig_toolchains_load(NULL, extra, &tcs, &err), RIG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "badgo.yaml:6"));
	assert_non_null(strstr(err.msg, "\"1.23\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(no_go_in_range_is_skipped_with_reason),
	    cmocka_unit_test(newest_go_in_range_is_first_on_path),
	    cmocka_unit_test(go_on_path_in_range_is_used),
	    cmocka_unit_test(target_skip_gives_its_reason),
	    cmocka_unit_test(bad_go_range_names_file_and_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
