/* Report lines over a real byte stream (a socketpair on the fd transport):
 * line assembly, noise, broken checksums, split reads, resets mid-line,
 * deadlines, end of stream, and the console log. */
#include "rigtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serial_lines.h"
#include "transport.h"
#include "util.h"

struct pair {
	struct rig_transport *t; /* the host side */
	int peer;		 /* the "board" side */
	struct rig_lines l;
};

static int setup(void **state)
{
	struct pair *p = calloc(1, sizeof(*p));
	struct rig_error err = {0};
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(rig_transport_fd_open(sv[0], "socketpair", &p->t, &err), 0);
	p->peer = sv[1];
	rig_lines_init(&p->l, p->t);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct pair *p = *state;

	rig_lines_free(&p->l);
	rig_transport_close(p->t);
	if (p->peer >= 0)
		close(p->peer);
	free(p);
	return 0;
}

static void board_says(struct pair *p, const char *s)
{
	assert_int_equal(write(p->peer, s, strlen(s)), (ssize_t)strlen(s));
}

static const char *line_ready(void)
{
	static char buf[RIG_REPORT_MAX_LINE + 2];

	rig_report_format_ready(buf, sizeof(buf));
	return buf;
}

static const char *line_result(const char *name, int64_t v)
{
	static char buf[RIG_REPORT_MAX_LINE + 2];

	rig_report_format_result_i64(buf, sizeof(buf), name, v, "B");
	return buf;
}

static int64_t soon(int ms) { return rig_now_ns() + (int64_t)ms * 1000000; }

static void expect_kind(struct pair *p, enum rig_report_kind kind)
{
	struct rig_lines_item it;
	struct rig_error err = {0};

	assert_int_equal(rig_lines_next(&p->l, soon(2000), &it, &err), 0);
	assert_int_equal(it.line.kind, kind);
}

static void whole_lines_arrive_in_order(void **state)
{
	struct pair *p = *state;
	struct rig_lines_item it;
	struct rig_error err = {0};
	char both[400];

	snprintf(both, sizeof(both), "%s", line_ready());
	strcat(both, line_result("stack_hwm_bytes", 1132));
	board_says(p, both);
	expect_kind(p, RIG_REPORT_READY);
	assert_int_equal(rig_lines_next(&p->l, soon(2000), &it, &err), 0);
	assert_int_equal(it.line.kind, RIG_REPORT_RESULT);
	assert_string_equal(it.line.name, "stack_hwm_bytes");
	assert_string_equal(it.line.value, "1132");
	assert_true(it.at_ns > 0 && it.at_ns <= rig_now_ns());
}

static void noise_is_counted_and_skipped(void **state)
{
	struct pair *p = *state;

	board_says(p, "rig-fw lm3s6965evb\n\x01\x02garbage\xff\n");
	board_says(p, line_ready());
	expect_kind(p, RIG_REPORT_READY);
	assert_int_equal(p->l.parser.noise, 2);
	assert_int_equal(p->l.parser.corrupt, 0);
}

static void broken_checksum_is_rejected(void **state)
{
	struct pair *p = *state;
	char bad[200];
	struct rig_lines_item it;
	struct rig_error err = {0};

	snprintf(bad, sizeof(bad), "%s", line_result("check", 42));
	bad[strlen(bad) - 3] ^= 1; /* one bit of the CRC */
	board_says(p, bad);
	snprintf(bad, sizeof(bad), "%s", line_result("check", 42));
	bad[18] = '7'; /* the value changed in flight: "check 72" */
	board_says(p, bad);
	assert_int_equal(rig_lines_next(&p->l, soon(200), &it, &err), RIG_ERR_TIMEOUT);
	assert_int_equal(p->l.parser.corrupt, 2);
	assert_int_equal(p->l.parser.lines, 0);
}

static void split_reads_assemble_one_line(void **state)
{
	struct pair *p = *state;
	const char *s = line_result("throughput", 4811);
	struct rig_lines_item it;
	struct rig_error err = {0};

	/* one byte per write, each read sees a fragment */
	for (size_t i = 0; s[i]; i++) {
		char c[2] = {s[i], 0};

		board_says(p, c);
		if (s[i + 1]) {
			assert_int_equal(rig_lines_next(&p->l, soon(5), &it, &err),
					 RIG_ERR_TIMEOUT);
		}
	}
	assert_int_equal(rig_lines_next(&p->l, soon(2000), &it, &err), 0);
	assert_string_equal(it.line.name, "throughput");
	assert_int_equal(p->l.parser.noise + p->l.parser.corrupt, 0);
}

static void reset_mid_line_counts_a_cut(void **state)
{
	struct pair *p = *state;
	char half[100];
	const char *full = line_result("check", 3304738756LL);

	memcpy(half, full, 12);
	half[12] = '\0';
	board_says(p, half);
	rig_lines_drain(&p->l);
	assert_int_equal(rig_lines_cut(&p->l), 0);
	assert_int_equal(p->l.parser.cut, 1);
	/* after the reset the board starts over; nothing of the cut line leaks */
	board_says(p, line_ready());
	expect_kind(p, RIG_REPORT_READY);
	assert_int_equal(p->l.parser.corrupt, 0);
}

static void ready_after_unterminated_noise_still_counts(void **state)
{
	struct pair *p = *state;
	char buf[300];

	/* a reset the host did not see: the half line runs into the next ready */
	snprintf(buf, sizeof(buf), "@rig result che%s", line_ready());
	board_says(p, buf);
	expect_kind(p, RIG_REPORT_READY);
}

static void cut_drops_queued_lines(void **state)
{
	struct pair *p = *state;
	char two[400];

	snprintf(two, sizeof(two), "%s", line_result("a", 1));
	strcat(two, line_result("b", 2));
	board_says(p, two);
	rig_lines_drain(&p->l);
	assert_int_equal(rig_lines_cut(&p->l), 2);
}

static void overlong_line_is_corrupt_not_a_crash(void **state)
{
	struct pair *p = *state;
	char big[1000];

	memset(big, 'x', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	board_says(p, big);
	board_says(p, line_ready());
	expect_kind(p, RIG_REPORT_READY);
	assert_int_equal(p->l.parser.overlong_lines, 1);
}

static void deadline_is_kept(void **state)
{
	struct pair *p = *state;
	struct rig_lines_item it;
	struct rig_error err = {0};
	int64_t t0 = rig_now_ns(), dt;

	board_says(p, "noise without end, forever");
	assert_int_equal(rig_lines_next(&p->l, soon(150), &it, &err), RIG_ERR_TIMEOUT);
	dt = rig_now_ns() - t0;
	assert_true(dt >= 140 * 1000000LL);
	assert_true(dt < 1000 * 1000000LL);
}

static void end_of_stream_is_io_and_parses_last_line(void **state)
{
	struct pair *p = *state;
	struct rig_lines_item it;
	struct rig_error err = {0};
	char buf[200];

	snprintf(buf, sizeof(buf), "%s", line_ready());
	buf[strlen(buf) - 1] = '\0'; /* the board died before its '\n' */
	board_says(p, buf);
	close(p->peer);
	p->peer = -1;
	assert_int_equal(rig_lines_next(&p->l, soon(2000), &it, &err), 0);
	assert_int_equal(it.line.kind, RIG_REPORT_READY);
	assert_int_equal(rig_lines_next(&p->l, soon(2000), &it, &err), RIG_ERR_IO);
	assert_non_null(strstr(err.msg, "end of stream"));
}

static void command_goes_out_with_newline(void **state)
{
	struct pair *p = *state;
	struct rig_error err = {0};
	char buf[64] = {0};

	assert_int_equal(rig_lines_send(&p->l, "run cpu 20", 1000, &err), 0);
	assert_int_equal(read(p->peer, buf, sizeof(buf) - 1), 11);
	assert_string_equal(buf, "run cpu 20\n");
}

static void console_log_keeps_bytes_and_marks(void **state)
{
	struct pair *p = *state;
	struct rig_error err = {0};
	char path[600], *text = NULL;
	size_t len;

	snprintf(path, sizeof(path), "%s/console.log", rigtest_tmpdir());
	unlink(path);
	assert_int_equal(rig_lines_log_to(&p->l, path, &err), 0);
	board_says(p, "half a li");
	rig_lines_drain(&p->l);
	rig_lines_mark(&p->l, "reset (test)");
	board_says(p, line_ready());
	expect_kind(p, RIG_REPORT_READY);
	assert_int_equal(rig_lines_log_to(&p->l, NULL, &err), 0);
	assert_int_equal(rig_read_file(path, &text, &len, &err), 0);
	assert_non_null(strstr(text, "half a li\n## rig: reset (test)\n@rig ready*"));
	free(text);
}

static void console_log_is_capped_with_a_note(void **state)
{
	struct pair *p = *state;
	struct rig_error err = {0};
	char path[600], *text = NULL, junk[700];
	size_t len;

	snprintf(path, sizeof(path), "%s/capped.log", rigtest_tmpdir());
	unlink(path);
	p->l.log_cap = 1000;
	memset(junk, 'x', sizeof(junk));
	assert_int_equal(rig_lines_log_to(&p->l, path, &err), 0);
	rig_lines_feed(&p->l, junk, sizeof(junk), rig_now_ns());
	rig_lines_feed(&p->l, junk, sizeof(junk), rig_now_ns());
	rig_lines_feed(&p->l, junk, sizeof(junk), rig_now_ns());
	assert_int_equal(rig_lines_log_to(&p->l, NULL, &err), 0);
	assert_int_equal(rig_read_file(path, &text, &len, &err), 0);
	assert_non_null(
	    strstr(text, "\n## rig: console log capped at 1000 bytes: 1100 bytes dropped\n"));
	assert_int_equal(strspn(text, "x"), 1000);
	free(text);
	/* the next log starts with a full allowance */
	unlink(path);
	assert_int_equal(rig_lines_log_to(&p->l, path, &err), 0);
	rig_lines_feed(&p->l, junk, 10, rig_now_ns());
	assert_int_equal(rig_lines_log_to(&p->l, NULL, &err), 0);
	assert_int_equal(rig_read_file(path, &text, &len, &err), 0);
	assert_int_equal(len, 10);
	free(text);
}

static void tail_keeps_the_last_bytes(void **state)
{
	struct pair *p = *state;
	char big[3000], tail[64];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	rig_lines_feed(&p->l, big, sizeof(big), rig_now_ns());
	rig_lines_tail(&p->l, tail, sizeof(tail));
	assert_int_equal(strlen(tail), 63);
	assert_memory_equal(tail, big + sizeof(big) - 63, 63);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(whole_lines_arrive_in_order),
	    T(noise_is_counted_and_skipped),
	    T(broken_checksum_is_rejected),
	    T(split_reads_assemble_one_line),
	    T(reset_mid_line_counts_a_cut),
	    T(ready_after_unterminated_noise_still_counts),
	    T(cut_drops_queued_lines),
	    T(overlong_line_is_corrupt_not_a_crash),
	    T(deadline_is_kept),
	    T(end_of_stream_is_io_and_parses_last_line),
	    T(command_goes_out_with_newline),
	    T(console_log_keeps_bytes_and_marks),
	    T(console_log_is_capped_with_a_note),
	    T(tail_keeps_the_last_bytes),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
