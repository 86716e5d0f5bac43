/* The WASI test suite's specification reader (legacy and operation-based
 * forms, the four validation rules, what is not supported), the
 * expectations-file reader, and the first-differing-line diff. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasi_expect.h"
#include "wasi_spec.h"
#include "wasitest.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int parse(const char *text, struct rig_wasi_spec *s, struct rig_error *err)
{
	return rig_wasi_spec_parse("t.json", text, strlen(text), s, err);
}

static void legacy_form_becomes_run_reads_wait(void **state)
{
	struct rig_wasi_spec s;
	struct rig_error err = {0};

	(void)state;
	assert_int_equal(parse("{\"args\": [\"a\", \"b c\"], \"env\": {\"K\": \"v=1\", \"N\": "
			       "\"new\\nline\"}, \"root\": \"fs-tests.dir\", \"exit_code\": 33, "
			       "\"stdout\": \"hello\"}",
			       &s, &err),
			 0);
	assert_true(s.legacy);
	assert_int_equal(s.n_ops, 3);
	assert_int_equal(s.ops[0].type, RIG_WASI_OP_RUN);
	assert_int_equal(s.ops[0].args.n, 2);
	assert_string_equal(s.ops[0].args.v[1], "b c");
	assert_int_equal(s.ops[0].env.n, 2);
	assert_string_equal(s.ops[0].env.v[0], "K=v=1");
	assert_string_equal(s.ops[0].env.v[1], "N=new\nline");
	assert_string_equal(s.ops[0].root, "fs-tests.dir");
	assert_int_equal(s.ops[1].type, RIG_WASI_OP_READ);
	assert_string_equal(s.ops[1].id, "stdout");
	assert_string_equal(s.ops[1].payload, "hello");
	assert_int_equal(s.ops[2].type, RIG_WASI_OP_WAIT);
	assert_int_equal(s.ops[2].exit_code, 33);
	assert_string_equal(s.unsupported, "");
	rig_wasi_spec_free(&s);
}

/* A stream the file does not name is not checked: the suite's rust/stdio
 * writes to stderr without a "stderr" field. */
static void legacy_defaults_check_only_the_exit_code(void **state)
{
	struct rig_wasi_spec s;
	struct rig_error err = {0};

	(void)state;
	assert_int_equal(parse("{}", &s, &err), 0);
	assert_int_equal(s.n_ops, 2);
	assert_int_equal(s.ops[0].type, RIG_WASI_OP_RUN);
	assert_null(s.ops[0].root);
	assert_int_equal(s.ops[1].type, RIG_WASI_OP_WAIT);
	assert_int_equal(s.ops[1].exit_code, 0);
	rig_wasi_spec_free(&s);
	rig_wasi_spec_default(&s);
	assert_true(s.is_default);
	assert_int_equal(s.n_ops, 2);
	rig_wasi_spec_free(&s);
}

static void operation_form_reads_every_operation(void **state)
{
	struct rig_wasi_spec s;
	struct rig_error err = {0};

	(void)state;
	assert_int_equal(parse("{\"operations\": [{\"type\": \"run\", \"args\": [\"x\"]},"
			       "{\"type\": \"read\", \"payload\": \"a\"},"
			       "{\"type\": \"read\", \"id\": \"stderr\", \"payload\": \"e\"},"
			       "{\"type\": \"wait\", \"exit_code\": 2}]}",
			       &s, &err),
			 0);
	assert_false(s.legacy);
	assert_int_equal(s.n_ops, 4);
	assert_string_equal(s.ops[1].id, "stdout");
	assert_string_equal(s.ops[2].id, "stderr");
	assert_int_equal(s.ops[3].exit_code, 2);
	rig_wasi_spec_free(&s);
	/* no operations: run + wait */
	assert_int_equal(parse("{\"proposals\": []}", &s, &err), 0);
	assert_int_equal(s.n_ops, 2);
	rig_wasi_spec_free(&s);
}

static void sockets_and_http_are_not_supported(void **state)
{
	struct rig_wasi_spec s;
	struct rig_error err = {0};

	(void)state;
	assert_int_equal(parse("{\"proposals\": [\"http\"], \"operations\": [{\"type\": \"run\"}, "
			       "{\"type\": \"wait\"}]}",
			       &s, &err),
			 0);
	assert_non_null(strstr(s.unsupported, "http proposal"));
	rig_wasi_spec_free(&s);
	assert_int_equal(parse("{\"operations\": [{\"type\": \"run\"}, {\"type\": \"connect\"}, "
			       "{\"type\": \"send\", \"id\": \"server\", \"payload\": \"x\"}, "
			       "{\"type\": \"recv\", \"id\": \"server\"}, {\"type\": \"wait\"}]}",
			       &s, &err),
			 0);
	assert_non_null(strstr(s.unsupported, "'connect'"));
	rig_wasi_spec_free(&s);
}

static void bad_specifications_name_the_field_and_value(void **state)
{
	static const struct {
		const char *json, *frag;
	} cases[] = {
	    {"{\"args\": [1]}", "field 'args[0]': expected a string, got an integer 1"},
	    {"{\"args\": \"x\"}", "field 'args': expected an array of strings"},
	    {"{\"env\": {\"A\": 3}}", "field 'env.A': expected a string"},
	    {"{\"env\": {\"A=B\": \"x\"}}", "without '='"},
	    {"{\"exit_code\": -1}", "field 'exit_code': expected an exit code 0..255"},
	    {"{\"exit_code\": \"0\"}", "got a string \"0\""},
	    {"{\"root\": \"/etc\"}", "field 'root': expected a directory relative"},
	    {"{\"root\": \"a/../../x\"}", "no '..'"},
	    {"{\"exit_cod\": 0}", "unknown field 'exit_cod'"},
	    {"{\"stdout\": 5}", "field 'stdout': expected a string"},
	    {"[]", "expected a JSON object at the top, got an array"},
	    {"{\"args\": [}", "t.json:1:"},
	    {"{\"a\": 1, \"a\": 2}", "t.json:1:"},
	    {"{\"operations\": {}}", "field 'operations': expected an array"},
	    {"{\"operations\": []}", "is empty"},
	    {"{\"operations\": [{\"type\": \"jump\"}]}", "field 'operations[0].type'"},
	    {"{\"operations\": [{\"type\": \"wait\", \"code\": 1}]}", "unknown field 'code'"},
	    {"{\"operations\": [{\"type\": \"read\", \"id\": \"stdin\"}]}", "stdout or stderr"},
	    {"{\"operations\": [{\"type\": \"run\"}, {\"type\": \"wait\", \"exit_code\": 300}]}",
	     "field 'operations[1].exit_code'"},
	    {"{\"proposals\": [\"threads\"]}", "field 'proposals[0]': expected http or sockets"},
	    {"{\"args\": [], \"operations\": []}", "unknown field 'args' beside 'operations'"},
	    /* the four validation rules */
	    {"{\"operations\": [{\"type\": \"run\"}]}", "the last run has no wait"},
	    {"{\"operations\": [{\"type\": \"run\"}, {\"type\": \"run\"}]}",
	     "operations[1]: a run before the previous run's wait"},
	    {"{\"operations\": [{\"type\": \"wait\"}]}", "a wait without a run"},
	    {"{\"operations\": [{\"type\": \"read\"}, {\"type\": \"run\"}, {\"type\": \"wait\"}]}",
	     "a read operation must come after a run"},
	    {"{\"operations\": [{\"type\": \"run\"}, {\"type\": \"connect\"}, {\"type\": "
	     "\"connect\"}, {\"type\": \"wait\"}]}",
	     "connection id \"server\" is already used"},
	    {"{\"operations\": [{\"type\": \"run\"}, {\"type\": \"send\", \"id\": \"c\"}, "
	     "{\"type\": \"wait\"}]}",
	     "send on connection \"c\" that no earlier connect made"},
	    {"{\"operations\": [{\"type\": \"run\"}, {\"type\": \"recv\"}, {\"type\": \"wait\"}]}",
	     "field 'operations[1].id'"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rig_wasi_spec s;
		struct rig_error err = {0};

		if (parse(cases[i].json, &s, &err) != RIG_ERR_PARSE)
			fail_msg("case %zu (%s): accepted", i, cases[i].json);
		if (!strstr(err.msg, cases[i].frag))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].frag);
		if (!strstr(err.msg, "t.json"))
			fail_msg("case %zu: \"%s\" does not name the file", i, err.msg);
		assert_int_equal(s.n_ops, 0);
		rig_wasi_spec_free(&s);
	}
}

/* Every specification of the suite on this machine parses. */
static void the_suites_own_specifications_parse(void **state)
{
	const char *suite = getenv("RIG_WASI_TESTSUITE");
	char *list = NULL, *line, *save = NULL;
	int n = 0;

	(void)state;
	if (!suite || !*suite)
		suite = "/work/shared/wasi-testsuite";
	if (rigtest_sh(&list, "find '%s/tests' -name '*.json' ! -name manifest.json 2>/dev/null",
		       suite) != 0 ||
	    !list || !*list) {
		free(list);
		print_message("[  SKIPPED ] no WASI test suite at %s\n", suite);
		skip();
	}
	for (line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct rig_wasi_spec s;
		struct rig_error err = {0};
		if (rig_wasi_spec_load(line, &s, &err))
			fail_msg("%s", err.msg);
		assert_string_equal(s.unsupported, "");
		rig_wasi_spec_free(&s);
		n++;
	}
	assert_true(n > 50);
	free(list);
}

static const char expect_text[] = "version = 1\n"
				  "\n"
				  "[[suite]]\n"
				  "name = \"WASI C tests [wasm32-wasip1]\"\n"
				  "\n"
				  "# Wazero differs for this Preview 1 C test\n"
				  "[[suite.test]]\n"
				  "name = \"pwrite-with-append\"\n"
				  "action = \"skip\"\n"
				  "\n"
				  "[[suite]]\n"
				  "name = 'WASI Rust tests [wasm32-wasip1]'\n"
				  "# see:\n"
				  "# - https://example.org/issues/1\n"
				  "[[suite.test]]\n"
				  "name = \"stdio\"   # trailing comment\n"
				  "expected = \"fail\"\r\n";

static void expectations_files_are_read_with_their_notes(void **state)
{
	struct rig_wasi_expect e;
	struct rig_error err = {0};
	const struct rig_wasi_expect_entry *x;

	(void)state;
	assert_int_equal(
	    rig_wasi_expect_parse("x.toml", expect_text, strlen(expect_text), &e, &err), 0);
	assert_int_equal(e.n, 2);
	x = rig_wasi_expect_find(&e, "WASI C tests [wasm32-wasip1]", "pwrite-with-append");
	assert_non_null(x);
	assert_string_equal(x->action, "skip");
	assert_string_equal(x->note, "Wazero differs for this Preview 1 C test");
	x = rig_wasi_expect_find(&e, "WASI Rust tests [wasm32-wasip1]", "stdio");
	assert_non_null(x);
	assert_string_equal(x->expected, "fail");
	assert_string_equal(x->note, "see: - https://example.org/issues/1");
	assert_null(rig_wasi_expect_find(&e, "WASI C tests [wasm32-wasip1]", "stdio"));
	rig_wasi_expect_free(&e);
}

static void bad_expectations_name_the_line(void **state)
{
	static const struct {
		const char *text, *frag;
	} cases[] = {
	    {"version = 2\n", "x.toml:1: field 'version': expected 1"},
	    {"[[suite.test]]\nname = \"a\"\n", "x.toml:1: [[suite.test]] before a named"},
	    {"[[suite]]\nname = \"s\"\n[[suite.test]]\naction = \"skip\"\n",
	     "x.toml:3: [[suite.test]] without a name"},
	    {"[[suite]]\nname = \"s\"\n[[suite.test]]\nname = \"t\"\naction = \"run\"\n",
	     "x.toml:5: field 'action'"},
	    {"[[suite]]\nname = \"s\n", "x.toml:2: unterminated string"},
	    {"[[suite]]\nname = s\n", "x.toml:2: expected a quoted string"},
	    {"[suite]\n", "x.toml:1: expected [[suite]]"},
	    {"[[suite]]\nfoo = \"x\"\n", "x.toml:2: a [[suite]] takes 'name' only"},
	    {"[[suite]]\nname = \"a\\q\"\n", "unsupported escape"},
	    {"x = 1\n", "x.toml:1: only 'version'"},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct rig_wasi_expect e;
		struct rig_error err = {0};
		if (rig_wasi_expect_parse("x.toml", cases[i].text, strlen(cases[i].text), &e,
					  &err) != RIG_ERR_PARSE)
			fail_msg("case %zu: accepted", i);
		if (!strstr(err.msg, cases[i].frag))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].frag);
		rig_wasi_expect_free(&e);
	}
}

static void the_diff_names_the_first_differing_line(void **state)
{
	static const struct {
		const char *got, *want, *diff;
	} cases[] = {
	    {"a\nb\n", "a\nb\n", ""},
	    {"a\nb\n", "a\nc\n", "stdout line 2: got \"b\\n\", expected \"c\\n\""},
	    {"a\n", "a\nb\n", "stdout line 2: missing, expected \"b\\n\""},
	    {"a\nb", "a\n", "stdout line 2: unexpected \"b\""},
	    {"hello\n", "hello", "stdout line 1: got \"hello\\n\", expected \"hello\""},
	    {"\x01\"", "", "stdout line 1: unexpected \"\\x01\\\"\""},
	};
	char diff[512];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int rc =
		    rig_wasitest_diff("stdout", cases[i].got, strlen(cases[i].got), cases[i].want,
				      strlen(cases[i].want), diff, sizeof(diff));
		assert_int_equal(rc, cases[i].diff[0] != '\0');
		assert_string_equal(diff, cases[i].diff);
	}
}

static void verdict_names_round_trip(void **state)
{
	(void)state;
	for (int v = 0; v < RIG_WASI_VERDICT_COUNT_; v++)
		assert_int_equal(rig_wasi_verdict_parse(rig_wasi_verdict_name(v)), v);
	assert_int_equal(rig_wasi_verdict_parse("passed"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(legacy_form_becomes_run_reads_wait),
	    cmocka_unit_test(legacy_defaults_check_only_the_exit_code),
	    cmocka_unit_test(operation_form_reads_every_operation),
	    cmocka_unit_test(sockets_and_http_are_not_supported),
	    cmocka_unit_test(bad_specifications_name_the_field_and_value),
	    cmocka_unit_test(the_suites_own_specifications_parse),
	    cmocka_unit_test(expectations_files_are_read_with_their_notes),
	    cmocka_unit_test(bad_expectations_name_the_line),
	    cmocka_unit_test(the_diff_names_the_first_differing_line),
	    cmocka_unit_test(verdict_names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
