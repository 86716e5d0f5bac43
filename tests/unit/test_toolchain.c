/* Toolchains: detection, template expansion, the build cache, and the ELF
 * machine check, with real compilers where the machine has them. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "toolchain.h"
#include "util.h"

static const struct rig_target x86 = {"linux", "x86_64", ""};
static const struct rig_target arm64 = {"linux", "aarch64", ""};

static struct rig_toolchains *load(const char *name, const char *yaml)
{
	const char *extra[] = {rigtest_write(rigtest_tmpdir(), name, yaml), NULL};
	struct rig_toolchains *tcs = NULL;
	struct rig_error err = {0};

	if (rig_toolchains_load(NULL, extra, &tcs, &err))
		fail_msg("%s", err.msg);
	return tcs;
}

static void missing_compiler_is_absent_with_reason(void **state)
{
	struct rig_toolchains *tcs =
	    load("absent.yaml", "toolchains:\n  ghost:\n    lang: c\n"
				"    version: [rig-no-such-compiler-xyz, --version]\n"
				"    build: [rig-no-such-compiler-xyz, -o, '{out}']\n"
				"    targets: {linux/x86_64: {}}\n"
				"    install: apt-get install ghost\n"
				"profiles:\n  ghost: {toolchain: ghost}\n");
	struct rig_tc_info info;
	struct rig_error err = {0};
	struct rig_artifact a;
	struct rig_build_req req = {.profile = "ghost",
				    .workload = "hello",
				    .target = &x86,
				    .source_root = rigtest_source_dir(),
				    .cache_dir = rigtest_tmpdir()};

	assert_int_equal(rig_toolchain_detect(tcs, "ghost", &x86, &info, &err), 0);
	assert_int_equal(info.present, 0);
	assert_non_null(strstr(info.reason, "rig-no-such-compiler-xyz"));
	assert_non_null(strstr(info.reason, "apt-get install ghost"));
	/* building with it is a skip with the same reason, not a crash */
	assert_int_equal(rig_build(tcs, &req, &a, &err), RIG_ERR_SKIPPED);
	assert_non_null(strstr(err.msg, "rig-no-such-compiler-xyz"));
	rig_toolchains_free(tcs);
}

static void target_not_listed_is_skipped(void **state)
{
	struct rig_toolchains *tcs =
	    load("x86only.yaml", "toolchains:\n  cc1:\n    lang: c\n    version: [cc, --version]\n"
				 "    build: [cc, -o, '{out}']\n    targets: {linux/x86_64: {}}\n"
				 "profiles:\n  cc1: {toolchain: cc1}\n");
	struct rig_error err = {0};
	struct rig_artifact a;
	struct rig_build_req req = {.profile = "cc1",
				    .workload = "hello",
				    .target = &arm64,
				    .source_root = rigtest_source_dir(),
				    .cache_dir = rigtest_tmpdir()};

	assert_int_equal(rig_build(tcs, &req, &a, &err), RIG_ERR_SKIPPED);
	assert_non_null(strstr(err.msg, "linux/aarch64"));
	rig_toolchains_free(tcs);
}

/* A profile's skip: {target: reason} skips its rows there with the reason
 * (TinyGo's -no-debug on Cortex-M), before any compiler is run. */
static void profile_skip_covers_the_variants_of_its_target(void **state)
{
	static const struct rig_target lm3s = {"none", "thumb", "lm3s6965evb"};
	struct rig_toolchains *tcs =
	    load("pskip.yaml", "toolchains:\n  cc2:\n    lang: c\n    version: [cc, --version]\n"
			       "    build: [cc, -o, '{out}']\n"
			       "    targets: {linux/x86_64: {}, none/thumb/lm3s6965evb: {}}\n"
			       "profiles:\n  cc2-nd:\n    toolchain: cc2\n"
			       "    skip: {none/thumb: \"no debug info to drop on an MCU\"}\n");
	struct rig_error err = {0};
	struct rig_artifact a;
	struct rig_build_req req = {.profile = "cc2-nd",
				    .workload = "hello",
				    .target = &lm3s,
				    .source_root = rigtest_source_dir(),
				    .cache_dir = rigtest_tmpdir()};

	(void)state;
	assert_int_equal(rig_build(tcs, &req, &a, &err), RIG_ERR_SKIPPED);
	assert_string_equal(err.msg, "no debug info to drop on an MCU");
	rig_toolchains_free(tcs);
}

static void profile_skip_needs_a_target_and_a_reason(void **state)
{
	static const char *const bad[][2] = {
	    {"skip: [none/thumb]\n", "must be a map"},
	    {"skip: {thumb: why}\n", "'thumb' must be os/arch"},
	    {"skip: {none/thumb: \"\"}\n", "needs a reason"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *yaml = rig_xasprintf("toolchains:\n  cc3:\n    lang: c\n"
					   "    version: [cc, --version]\n    build: [cc]\n"
					   "    targets: {linux/x86_64: {}}\n"
					   "profiles:\n  cc3:\n    toolchain: cc3\n    %s",
					   bad[i][0]);
		const char *extra[] = {rigtest_write(rigtest_tmpdir(), "pskip-bad.yaml", yaml),
				       NULL};
		struct rig_toolchains *tcs = NULL;
		struct rig_error err = {0};

		assert_int_equal(rig_toolchains_load(NULL, extra, &tcs, &err), RIG_ERR_PARSE);
		if (!strstr(err.msg, "pskip-bad.yaml:10"))
			fail_msg("case %zu: no file:line in: %s", i, err.msg);
		if (!strstr(err.msg, bad[i][1]))
			fail_msg("case %zu: '%s' not in: %s", i, bad[i][1], err.msg);
		free(yaml);
	}
}

static void unknown_template_variable_names_it(void **state)
{
	struct rig_toolchains *tcs =
	    load("badvar.yaml", "toolchains:\n  cc2:\n    lang: c\n    version: [cc, --version]\n"
				"    build: [cc, '{nope}', -o, '{out}']\n"
				"    targets: {linux/x86_64: {}}\n"
				"profiles:\n  cc2: {toolchain: cc2}\n");
	struct rig_error err = {0};
	struct rig_artifact a;
	struct rig_build_req req = {.profile = "cc2",
				    .workload = "hello",
				    .target = &x86,
				    .source_root = rigtest_source_dir(),
				    .cache_dir = rigtest_tmpdir()};

	RIGTEST_REQUIRE_CMD("cc");
	assert_int_equal(rig_build(tcs, &req, &a, &err), RIG_ERR_PARSE);
	assert_non_null(strstr(err.msg, "{nope}"));
	assert_non_null(strstr(err.msg, "badvar.yaml"));
	rig_toolchains_free(tcs);
}

/* A custom toolchain: any command template. Built twice, the second time
 * comes from the cache with the same hash; list variables expand to words. */
static void custom_toolchain_builds_and_caches(void **state)
{
	char yaml[2048];
	struct rig_toolchains *tcs;
	struct rig_error err = {0};
	struct rig_artifact a, b;
	char cache[1024];
	struct rig_build_req req = {.profile = "mine-o1",
				    .workload = "hello",
				    .target = &x86,
				    .source_root = rigtest_source_dir(),
				    .cache_dir = cache};

	RIGTEST_REQUIRE_CMD("gcc");
	snprintf(cache, sizeof(cache), "%s/cache", rigtest_tmpdir());
	snprintf(
	    yaml, sizeof(yaml),
	    "toolchains:\n  mine:\n    lang: c\n    version: ['{cc}', --version]\n"
	    "    build: ['{cc}', '{flags}', '-I{root}/firmware/protocol',"
	    " '-I{root}/firmware/workloads/c', -o, '{out}',"
	    " '{root}/firmware/workloads/c/{workload}.c', '{root}/firmware/workloads/c/rig_wl.c',"
	    " '{root}/firmware/protocol/rig_report.c']\n"
	    "    vars: {flags: []}\n"
	    "    targets: {linux/x86_64: {cc: gcc}}\n"
	    "profiles:\n  mine-o1: {toolchain: mine, flags: [-O1, -g0]}\n");
	tcs = load("mine.yaml", yaml);
	if (rig_build(tcs, &req, &a, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(a.cached, 0);
	assert_true(a.build_ns > 0);
	assert_non_null(strstr(a.command, "gcc -O1 -g0 "));
	assert_string_equal(a.tc_version[0] ? "ok" : "", "ok");
	assert_int_equal(strlen(a.sha256), 64);
	assert_true(a.sizes.file_bytes > 0 && a.sizes.text_bytes > 0);
	if (rig_build(tcs, &req, &b, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(b.cached, 1);
	assert_string_equal(a.sha256, b.sha256);
	assert_string_equal(a.path, b.path);
	rig_toolchains_free(tcs);
}

/* A toolchain that claims aarch64 but produces an x86-64 binary (what
 * `GOARCH=arm64 go build -compiler=gccgo` without GCCGO does) is caught by
 * the ELF machine check before anything runs. */
static void wrong_elf_machine_is_refused(void **state)
{
	struct rig_toolchains *tcs;
	struct rig_error err = {0};
	struct rig_artifact a;
	struct rig_board *b = NULL;
	char cache[1024];
	struct rig_build_req req = {.profile = "liar",
				    .workload = "hello",
				    .target = &arm64,
				    .source_root = rigtest_source_dir(),
				    .cache_dir = cache};

	RIGTEST_REQUIRE_CMD("gcc");
	snprintf(cache, sizeof(cache), "%s/cache2", rigtest_tmpdir());
	tcs = load(
	    "liar.yaml",
	    "toolchains:\n  liar:\n    lang: c\n    version: [gcc, --version]\n"
	    "    build: [gcc, '-I{root}/firmware/protocol', '-I{root}/firmware/workloads/c',"
	    " -o, '{out}', '{root}/firmware/workloads/c/{workload}.c',"
	    " '{root}/firmware/workloads/c/rig_wl.c', '{root}/firmware/protocol/rig_report.c']\n"
	    "    targets: {linux/aarch64: {}}\n"
	    "profiles:\n  liar: {toolchain: liar}\n");
	if (rig_build(tcs, &req, &a, &err))
		fail_msg("%s", err.msg);
	if (rig_board_load(rigtest_write(rigtest_tmpdir(), "pi.yaml",
					 "kind: host\ntarget: {os: linux, arch: aarch64}\n"),
			   rigtest_tmpdir(), &b, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(rig_board_supports(b, &a, &err), RIG_ERR_SKIPPED);
	assert_non_null(strstr(err.msg, "x86-64"));
	assert_non_null(strstr(err.msg, "AArch64"));
	rig_board_free(b);
	rig_toolchains_free(tcs);
}

/* The real gccgo cross compiler, when present, builds for aarch64. */
static void gccgo_cross_build_has_aarch64_machine(void **state)
{
	char path[1024], cache[1024];
	struct rig_toolchains *tcs = NULL;
	struct rig_error err = {0};
	struct rig_artifact a;
	struct rig_build_req req = {.profile = "gccgo-static",
				    .workload = "hello",
				    .target = &arm64,
				    .source_root = rigtest_source_dir(),
				    .cache_dir = cache};

	RIGTEST_REQUIRE_CMD("aarch64-linux-gnu-gccgo");
	RIGTEST_REQUIRE_CMD("go");
	snprintf(path, sizeof(path), "%s/host/toolchains.yaml", rigtest_source_dir());
	snprintf(cache, sizeof(cache), "%s/cache3", rigtest_tmpdir());
	assert_int_equal(rig_toolchains_load(path, NULL, &tcs, &err), 0);
	if (rig_build(tcs, &req, &a, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(a.sizes.elf_machine, rig_arch_elf_machine("aarch64"));
	rig_toolchains_free(tcs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(missing_compiler_is_absent_with_reason),
	    cmocka_unit_test(target_not_listed_is_skipped),
	    cmocka_unit_test(unknown_template_variable_names_it),
	    cmocka_unit_test(profile_skip_covers_the_variants_of_its_target),
	    cmocka_unit_test(profile_skip_needs_a_target_and_a_reason),
	    cmocka_unit_test(custom_toolchain_builds_and_caches),
	    cmocka_unit_test(wrong_elf_machine_is_refused),
	    cmocka_unit_test(gccgo_cross_build_has_aarch64_machine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
