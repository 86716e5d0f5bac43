/* Input limits before libfyaml (issue 9 items 1, 2, 3 and the alias item):
 * every YAML text passes rig_cfg_prescan(), and a board's name is a valid
 * name. Each case names the file, the line and what was wrong. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "board.h"
#include "config.h"
#include "toolchain.h"

/* Loads len bytes of text (NULs included) as a config named name. */
static int load_bytes(const char *name, const char *text, size_t len, struct rig_error *err)
{
	struct rig_cfg *cfg = NULL;
	int rc = rig_cfg_load_string(name, text, len, &cfg, err);

	rig_cfg_free(cfg);
	return rc;
}

static int load_text(const char *name, const char *text, struct rig_error *err)
{
	return load_bytes(name, text, strlen(text), err);
}

/* Writes len bytes to a file in the temp dir; returns its path (static). */
static const char *write_bytes(const char *name, const char *data, size_t len)
{
	static char path[1200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", rigtest_tmpdir(), name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

/* n distinct keys "kN: N", one a line. */
static char *many_keys(int n, size_t *len)
{
	struct rig_buf b = {0};

	for (int i = 0; i < n; i++)
		rig_buf_appendf(&b, "k%d: %d\n", i, i);
	*len = b.len;
	return b.data;
}

/* Item 1: 20k keys (libfyaml: ~8 s in its duplicate-key check) are refused
 * by the scan, naming the line where the limit was passed. */
static void many_keys_are_refused_before_parsing(void **state)
{
	struct rig_error err = {0};
	size_t len;
	char *text = many_keys(20000, &len);

	assert_int_equal(load_bytes("many.yaml", text, len, &err), RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "many.yaml:2049:");
	rigtest_assert_err_has(&err, "more than 2048 keys and list items");
	free(text);
}

static void keys_up_to_the_limit_load(void **state)
{
	struct rig_error err = {0};
	size_t len;
	char *text = many_keys(RIG_CFG_MAX_NODES, &len);

	assert_int_equal(load_bytes("limit.yaml", text, len, &err), 0);
	free(text);
}

/* Item 1 for toolchains: 30k profiles in a --toolchains-file. */
static void toolchains_file_with_many_profiles_is_refused(void **state)
{
	struct rig_buf b = {0};
	struct rig_toolchains *tcs = NULL;
	struct rig_error err = {0};
	const char *extra[2];

	rig_buf_appendf(&b, "profiles:\n");
	for (int i = 0; i < 30000; i++)
		rig_buf_appendf(&b, "  p%d: {toolchain: gc}\n", i);
	extra[0] = write_bytes("many-profiles.yaml", b.data, b.len);
	extra[1] = NULL;
	assert_int_equal(rig_toolchains_load(NULL, extra, &tcs, &err), RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "many-profiles.yaml:");
	rigtest_assert_err_has(&err, "more than 2048");
	rig_buf_free(&b);
}

static void flow_lists_count_too(void **state)
{
	struct rig_buf b = {0};
	struct rig_error err = {0};

	rig_buf_appendf(&b, "toolchains: [");
	for (int i = 0; i < 5000; i++)
		rig_buf_appendf(&b, "%d, ", i);
	rig_buf_appendf(&b, "0]\n");
	assert_int_equal(load_bytes("flow.yaml", b.data, b.len, &err), RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "more than 2048");
	rig_buf_free(&b);
}

static void deep_nesting_is_refused(void **state)
{
	struct rig_error err = {0};
	char text[256] = "a: ";

	memset(text + 3, '[', 100);
	assert_int_equal(load_text("deep.yaml", text, &err), RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "deep.yaml:1:");
	rigtest_assert_err_has(&err, "nested more than 32 deep");
}

static void oversize_file_is_refused(void **state)
{
	struct rig_error err = {0};
	size_t len = RIG_CFG_MAX_BYTES + 1;
	char *text = malloc(len);
	struct rig_cfg *cfg = NULL;

	memset(text, '#', len);
	assert_int_equal(load_bytes("big.yaml", text, len, &err), RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "rig reads YAML files up to 1048576 bytes");
	/* from a file too: read with the limit, not whole */
	assert_int_equal(rig_cfg_load(write_bytes("big.yaml", text, len), &cfg, &err),
			 RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "big.yaml: 10");
	free(text);
}

static void fifo_is_refused_without_blocking(void **state)
{
	char path[1200];
	struct rig_cfg *cfg = NULL;
	struct rig_error err = {0};

	snprintf(path, sizeof(path), "%s/fifo.yaml", rigtest_tmpdir());
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(rig_cfg_load(path, &cfg, &err), RIG_ERR_INVALID);
	rigtest_assert_err_has(&err, "not a regular file");
	assert_int_equal(rig_cfg_load(rigtest_tmpdir(), &cfg, &err), RIG_ERR_INVALID);
}

/* Item 2: a NUL used to end the file silently (kind: toaster after it
 * was ignored). */
static void nul_byte_is_refused_with_line(void **state)
{
	static const char text[] = "kind: host\ntarget: {os: linux, arch: x86_64}\n"
				   "\0kind: toaster\nsamples: -999\n";
	struct rig_board *b = NULL;
	struct rig_error err = {0};

	assert_int_equal(load_bytes("nul.yaml", text, sizeof(text) - 1, &err), RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "nul.yaml:3:1:");
	rigtest_assert_err_has(&err, "U+0000 (NUL)");
	/* and through the board loader, from a file */
	assert_int_equal(rig_board_load(write_bytes("nulboard.yaml", text, sizeof(text) - 1),
					rigtest_tmpdir(), &b, &err),
			 RIG_ERR_PARSE);
	rigtest_assert_err_has(&err, "nulboard.yaml:3:1:");
	rig_board_free(b);
}

static void control_characters_are_refused(void **state)
{
	static const struct {
		const char *text, *where, *what;
	} cases[] = {
	    {"name: a\x1b[2Jb\n", "esc.yaml:1:8:", "U+001B (ESC)"},
	    {"kind: host\nname: x\x7f\n", "esc.yaml:2:8:", "U+007F (DEL)"},
	    {"name: \xc2\x9b"
	     "31m\n",
	     "esc.yaml:1:7:", "U+009B (C1 control)"},
	    {"kind: host\x0b\n", "esc.yaml:1:11:", "U+000B (VT)"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rig_error err = {0};
		assert_int_equal(load_text("esc.yaml", cases[i].text, &err), RIG_ERR_PARSE);
		rigtest_assert_err_has(&err, cases[i].where);
		rigtest_assert_err_has(&err, cases[i].what);
	}
}

static void tabs_and_crlf_are_fine(void **state)
{
	struct rig_error err = {0};

	assert_int_equal(load_text("crlf.yaml", "kind: host\r\nname: x # a\tcomment\r\n", &err), 0);
}

/* The alias item: `samples: *w` was read as the text "w". */
static void aliases_and_anchors_are_refused(void **state)
{
	static const struct {
		const char *text, *where, *what;
	} cases[] = {
	    {"kind: host\nsamples: *w\n", "alias.yaml:2:10:", "aliases ('*')"},
	    {"samples: &w 3\nwarmup: *w\n", "alias.yaml:1:10:", "anchors ('&')"},
	    {"toolchains: [gc, *w]\n", "alias.yaml:1:18:", "aliases"},
	    {"toolchains:\n  - *w\n", "alias.yaml:2:5:", "aliases"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rig_error err = {0};
		assert_int_equal(load_text("alias.yaml", cases[i].text, &err), RIG_ERR_PARSE);
		rigtest_assert_err_has(&err, cases[i].where);
		rigtest_assert_err_has(&err, cases[i].what);
	}
}

/* A '?' that starts a token is an explicit key or text libfyaml 0.7.12
 * crashes on: refused with file:line:column; '?' inside words, quotes and
 * comments is fine. */
static void question_mark_starting_a_token_is_refused(void **state)
{
	static const struct {
		const char *text, *where, *what;
	} cases[] = {
	    {"? k\n: v\n", "q.yaml:1:1:", "explicit keys"},
	    {"a: 1\n?\"::\n", "q.yaml:2:1:", "text starting with '?' must be quoted"},
	    {"a: ?x\n", "q.yaml:1:4:", "text starting with '?'"},
	    {"l: [a, ?b]\n", "q.yaml:1:8:", "text starting with '?'"},
	};
	static const char ok[] = "a: why?\nb: \"?x\"\nc: x # ?y\n";
	struct rig_cfg *cfg = NULL;
	struct rig_error err = {0};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(load_text("q.yaml", cases[i].text, &err), RIG_ERR_PARSE);
		rigtest_assert_err_has(&err, cases[i].where);
		rigtest_assert_err_has(&err, cases[i].what);
	}
	memset(&err, 0, sizeof(err));
	if (rig_cfg_load_string("ok.yaml", ok, strlen(ok), &cfg, &err))
		fail_msg("%s", err.msg);
	rig_cfg_free(cfg);
}

/* What the scan must not refuse: '*' and '&' inside quotes, words and
 * comments, and anything in the text of a | or > scalar. */
static void star_and_ampersand_in_text_are_fine(void **state)
{
	struct rig_cfg *cfg = NULL;
	struct rig_error err = {0};
	char buf[128];

	assert_int_equal(rig_cfg_load_string("ok.yaml",
					     "a: \"*w\"\nb: '&x'\nc: x*y&z # *c &d\n"
					     "d: |\n  * one & two\n  - ? three\n  k: v\n"
					     "e: >-\n    *folded*\nf: [\"*\", 'a&b']\n",
					     strlen("a: \"*w\"\nb: '&x'\nc: x*y&z # *c &d\n"
						    "d: |\n  * one & two\n  - ? three\n  k: v\n"
						    "e: >-\n    *folded*\nf: [\"*\", 'a&b']\n"),
					     &cfg, &err),
			 0);
	assert_int_equal(rig_cfg_str(cfg, NULL, "d", 1, NULL, buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "* one & two\n- ? three\nk: v\n");
	assert_int_equal(rig_cfg_str(cfg, NULL, "e", 1, NULL, buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "*folded*");
	rig_cfg_free(cfg);
}

static int load_board_text(const char *file, const char *text, struct rig_board **b,
			   struct rig_error *err)
{
	return rig_board_load(rigtest_write(rigtest_tmpdir(), file, text), rigtest_tmpdir(), b,
			      err);
}

/* Item 3: a board's name becomes a directory under the state dir and is
 * printed; `name: ../../ESCAPED` made a directory outside it. */
static void bad_board_names_are_refused(void **state)
{
	static const struct {
		const char *name, *why;
	} cases[] = {
	    {"../../ESCAPED", "starts with '.'"},
	    {"/etc/passwd", "character '/' at 1"},
	    {"\"\"", "empty"},
	    {"\"a\\e[31mred\"", "character '\\x1b' at 2"},
	    {"a/b", "character '/' at 2"},
	    {"-rf", "starts with '-'"},
	    {"\"x y\"", "character ' ' at 2"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rig_board *b = NULL;
		struct rig_error err = {0};
		char text[256];

		snprintf(text, sizeof(text),
			 "kind: host\ntarget: {os: linux, arch: x86_64}\nname: %s\n",
			 cases[i].name);
		assert_int_equal(load_board_text("badname.yaml", text, &b, &err), RIG_ERR_PARSE);
		rigtest_assert_err_has(&err, "badname.yaml:3: field 'name': board name");
		rigtest_assert_err_has(&err, cases[i].why);
		rig_board_free(b);
	}
}

static void good_board_name_is_kept(void **state)
{
	struct rig_board *b = NULL;
	struct rig_error err = {0};

	assert_int_equal(load_board_text("goodname.yaml",
					 "kind: host\ntarget: {os: linux, arch: x86_64}\n"
					 "name: my-host_2.lab\n",
					 &b, &err),
			 0);
	assert_string_equal(b->name, "my-host_2.lab");
	rig_board_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(many_keys_are_refused_before_parsing),
	    cmocka_unit_test(keys_up_to_the_limit_load),
	    cmocka_unit_test(toolchains_file_with_many_profiles_is_refused),
	    cmocka_unit_test(flow_lists_count_too),
	    cmocka_unit_test(deep_nesting_is_refused),
	    cmocka_unit_test(oversize_file_is_refused),
	    cmocka_unit_test(fifo_is_refused_without_blocking),
	    cmocka_unit_test(nul_byte_is_refused_with_line),
	    cmocka_unit_test(control_characters_are_refused),
	    cmocka_unit_test(tabs_and_crlf_are_fine),
	    cmocka_unit_test(aliases_and_anchors_are_refused),
	    cmocka_unit_test(question_mark_starting_a_token_is_refused),
	    cmocka_unit_test(star_and_ampersand_in_text_are_fine),
	    cmocka_unit_test(bad_board_names_are_refused),
	    cmocka_unit_test(good_board_name_is_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
