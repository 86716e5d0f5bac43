/* The gRPC response checks (grpc.h): one table of responses (headers and
 * trailers as fields, DATA as bytes) with the verdict each must give, the
 * DATA fed whole and one byte at a time; the request framing; method paths. */
#include "rigtest.h"

#include <string.h>

#include "grpc.h"

struct case_ {
	const char *name;
	const char *fields[4]; /* "name\0value" pairs as nghttp2 gives them */
	const char *data;
	size_t data_len;
	int verdict, status;
	const char *why; /* a part of the fault, for malformed */
};

#define D(s) s, sizeof(s) - 1

static const struct case_ cases[] = {
    {"one message, status 0",
     {"content-type:application/grpc", "grpc-status:0"},
     D("\0\0\0\0\3abc"),
     RIG_GRPC_OK,
     0,
     NULL},
    {"content-type with +proto",
     {"content-type:application/grpc+proto", "grpc-status:0"},
     D("\0\0\0\0\0"),
     RIG_GRPC_OK,
     0,
     NULL},
    {"trailers-only error status",
     {"content-type:application/grpc", "grpc-status:3", "grpc-message:empty value"},
     D(""),
     RIG_GRPC_STATUS,
     3,
     NULL},
    {"unimplemented",
     {"content-type:application/grpc", "grpc-status:12"},
     D(""),
     RIG_GRPC_STATUS,
     12,
     NULL},
    {"no grpc-status",
     {"content-type:application/grpc"},
     D("\0\0\0\0\1x"),
     RIG_GRPC_MALFORMED,
     -1,
     "no grpc-status"},
    {"not grpc",
     {"content-type:text/plain", "grpc-status:0"},
     D("\0\0\0\0\0"),
     RIG_GRPC_MALFORMED,
     0,
     "content-type"},
    {"application/grpcx is not grpc",
     {"content-type:application/grpcx", "grpc-status:0"},
     D("\0\0\0\0\0"),
     RIG_GRPC_MALFORMED,
     0,
     "content-type"},
    {"cut message",
     {"content-type:application/grpc", "grpc-status:0"},
     D("\0\0\0\0\5ab"),
     RIG_GRPC_MALFORMED,
     0,
     "inside a message"},
    {"cut prefix",
     {"content-type:application/grpc", "grpc-status:0"},
     D("\0\0\0"),
     RIG_GRPC_MALFORMED,
     0,
     "inside a message"},
    {"compressed without encoding",
     {"content-type:application/grpc", "grpc-status:0"},
     D("\1\0\0\0\1x"),
     RIG_GRPC_MALFORMED,
     0,
     "compressed"},
    {"bad flag",
     {"content-type:application/grpc", "grpc-status:0"},
     D("\2\0\0\0\0"),
     RIG_GRPC_MALFORMED,
     0,
     "flag"},
    {"oversize",
     {"content-type:application/grpc", "grpc-status:0"},
     D("\0\0\x40\0\1"),
     RIG_GRPC_MALFORMED,
     0,
     "4 MiB"},
    {"two messages for a unary OK",
     {"content-type:application/grpc", "grpc-status:0"},
     D("\0\0\0\0\1a\0\0\0\0\1b"),
     RIG_GRPC_MALFORMED,
     0,
     "exactly one"},
    {"status not a number",
     {"content-type:application/grpc", "grpc-status:zero"},
     D("\0\0\0\0\0"),
     RIG_GRPC_MALFORMED,
     -1,
     "not a number"},
    {"two different statuses",
     {"content-type:application/grpc", "grpc-status:0", "grpc-status:13"},
     D("\0\0\0\0\0"),
     RIG_GRPC_MALFORMED,
     0,
     "two different"},
};

static int run(const struct case_ *c, int bytewise, struct rig_grpc_resp *r)
{
	rig_grpc_resp_init(r);
	for (int i = 0; i < 4 && c->fields[i]; i++) {
		const char *f = c->fields[i], *colon = strchr(f, ':');
		rig_grpc_header(r, (const uint8_t *)f, (size_t)(colon - f),
				(const uint8_t *)colon + 1, strlen(colon + 1));
	}
	if (bytewise)
		for (size_t k = 0; k < c->data_len; k++)
			rig_grpc_data(r, (const uint8_t *)c->data + k, 1);
	else
		rig_grpc_data(r, (const uint8_t *)c->data, c->data_len);
	return rig_grpc_end(r);
}

static void responses_get_their_verdicts(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int bytewise = 0; bytewise < 2; bytewise++) {
			struct rig_grpc_resp r;
			int v = run(&cases[i], bytewise, &r);
			if (v != cases[i].verdict || r.status != cases[i].status)
				fail_msg("%s (%s): verdict %d status %d (%s), want %d status %d",
					 cases[i].name, bytewise ? "bytewise" : "whole", v,
					 r.status, r.why, cases[i].verdict, cases[i].status);
			if (cases[i].why && !strstr(r.why, cases[i].why))
				fail_msg("%s: fault '%s' does not say '%s'", cases[i].name, r.why,
					 cases[i].why);
		}
	}
}

static void request_is_one_length_prefixed_message(void **state)
{
	struct rig_buf b = {0};

	rig_grpc_frame("\x0a\x03"
		       "abc",
		       5, &b);
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.data,
			    "\0\0\0\0\5\x0a\x03"
			    "abc",
			    10);
	rig_buf_free(&b);
	rig_grpc_frame(NULL, 0, &b);
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.data, "\0\0\0\0\0", 5);
	rig_buf_free(&b);
}

static void method_paths_are_checked(void **state)
{
	assert_true(rig_grpc_method_ok("/rig.Svc/Hash"));
	assert_true(rig_grpc_method_ok("/Svc/M"));
	assert_false(rig_grpc_method_ok("rig.Svc/Hash"));
	assert_false(rig_grpc_method_ok("/rig.Svc"));
	assert_false(rig_grpc_method_ok("/rig.Svc/"));
	assert_false(rig_grpc_method_ok("//Hash"));
	assert_false(rig_grpc_method_ok("/a/b/c"));
	assert_false(rig_grpc_method_ok("/a/b c"));
	assert_false(rig_grpc_method_ok(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(responses_get_their_verdicts),
	    cmocka_unit_test(request_is_one_length_prefixed_message),
	    cmocka_unit_test(method_paths_are_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
