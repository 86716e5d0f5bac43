/*
 * Request latency over a console (host/src/load/load_console.c): the load
 * engine against a responder thread on a socketpair that speaks the
 * firmware's hash protocol (rig_hashreq.h) and misbehaves on cue — a 1 s
 * stall (the coordinated-omission textbook case), wrong digests, refusals,
 * silence. The real firmware under QEMU is integration/qemu_mcu's.
 */
#include "rigtest.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "load_console.h"
#include "rig_hashreq.h"
#include "transport.h"

struct responder {
	int fd;
	long long stall_seq, stall_ms; /* sleep before answering this one */
	long long wrong_every;	       /* every Nth answer has a wrong digest (0: none) */
	long long refuse_seq;	       /* "@rig done 2" instead (-1: none) */
	long long silent_seq;	       /* no answer (-1: none) */
	long long late_seq;	       /* answered only after the next request (-1: none) */
	pthread_t th;
};

static void answer(int fd, uint32_t seq, uint32_t word)
{
	char name[16], line[RIG_REPORT_MAX_LINE + 2];
	size_t n;

	rig_hashreq_name(name, sizeof(name), seq);
	n = rig_report_format_result_i64(line, sizeof(line), name, word, "count");
	assert_true(write(fd, line, n) == (ssize_t)n);
}

static void *respond(void *arg)
{
	struct responder *r = arg;
	char buf[256];
	size_t len = 0;
	long long pending_late = -1;

	for (;;) {
		ssize_t got = read(r->fd, buf + len, sizeof(buf) - 1 - len);
		char *nl;

		if (got <= 0)
			return NULL;
		len += (size_t)got;
		buf[len] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			unsigned long seq, n;

			*nl = '\0';
			if (sscanf(buf, "hash %lu %lu", &seq, &n) == 2) {
				uint32_t w = rig_load_console_expected((uint32_t)seq, (int)n);

				if (pending_late >= 0) {
					answer(r->fd, (uint32_t)pending_late,
					       rig_load_console_expected((uint32_t)pending_late,
									 (int)n));
					pending_late = -1;
				}
				if ((long long)seq == r->stall_seq)
					usleep((useconds_t)(r->stall_ms * 1000));
				if ((long long)seq == r->refuse_seq) {
					const char e[] = "error: refused\n";
					char line[64];
					size_t k = rig_report_format_done(line, sizeof(line), 2);
					assert_true(write(r->fd, e, sizeof(e) - 1) > 0);
					assert_true(write(r->fd, line, k) == (ssize_t)k);
				} else if ((long long)seq == r->silent_seq) {
					/* nothing */
				} else if ((long long)seq == r->late_seq) {
					pending_late = (long long)seq;
				} else {
					if (r->wrong_every &&
					    seq % (unsigned long)r->wrong_every == 0 && seq)
						w ^= 1;
					answer(r->fd, (uint32_t)seq, w);
				}
			}
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len + 1);
		}
	}
}

struct rig_fixture {
	struct responder r;
	struct rig_transport *t;
	struct rig_lines lines;
};

static void start(struct rig_fixture *f)
{
	int sv[2];
	struct rig_error err = {0};

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	f->r.fd = sv[1];
	assert_int_equal(rig_transport_fd_open(sv[0], "console", &f->t, &err), 0);
	rig_lines_init(&f->lines, f->t);
	assert_int_equal(pthread_create(&f->r.th, NULL, respond, &f->r), 0);
}

static void stop(struct rig_fixture *f)
{
	rig_lines_free(&f->lines);
	rig_transport_close(f->t);
	pthread_join(f->r.th, NULL);
	close(f->r.fd);
}

static struct responder calm(void)
{
	return (struct responder){
	    .stall_seq = -1, .refuse_seq = -1, .silent_seq = -1, .late_seq = -1};
}

/* The digest is SHA-256's: the values the lm3s6965evb firmware printed and
 * Python's hashlib gives for the same input. */
static void expected_answers_are_sha256s(void **state)
{
	assert_int_equal(rig_load_console_expected(5, 64), 788934426u);
	assert_int_equal(rig_load_console_expected(4294967295u, 4096), 1038040561u);
	assert_int_equal(rig_load_console_expected(1, 0), 3820012610u);
}

static void answer_parser_takes_only_its_lines(void **state)
{
	struct rig_report_line l = {.kind = RIG_REPORT_RESULT};
	uint32_t seq, w;

	snprintf(l.name, sizeof(l.name), "hash.42");
	snprintf(l.value, sizeof(l.value), "4294967295");
	snprintf(l.unit, sizeof(l.unit), "count");
	assert_true(rig_hashreq_parse_answer(&l, &seq, &w));
	assert_int_equal(seq, 42);
	assert_int_equal(w, 4294967295u);
	snprintf(l.value, sizeof(l.value), "4294967296"); /* over 32 bits */
	assert_false(rig_hashreq_parse_answer(&l, &seq, &w));
	snprintf(l.value, sizeof(l.value), "7");
	snprintf(l.name, sizeof(l.name), "hash.042"); /* leading zero */
	assert_false(rig_hashreq_parse_answer(&l, &seq, &w));
	snprintf(l.name, sizeof(l.name), "hash.");
	assert_false(rig_hashreq_parse_answer(&l, &seq, &w));
	snprintf(l.name, sizeof(l.name), "hash.1");
	snprintf(l.unit, sizeof(l.unit), "B");
	assert_false(rig_hashreq_parse_answer(&l, &seq, &w));
	snprintf(l.unit, sizeof(l.unit), "count");
	snprintf(l.value, sizeof(l.value), "1.5");
	assert_false(rig_hashreq_parse_answer(&l, &seq, &w));
	l.kind = RIG_REPORT_DONE;
	assert_false(rig_hashreq_parse_answer(&l, &seq, &w));
}

static void rate_model_holds_the_rate_on_a_console(void **state)
{
	struct rig_fixture f = {.r = calm()};
	struct rig_load_opts o = {.model = RIG_LOAD_RATE, .rate = 200, .duration_ms = 2000};
	struct rig_load_result r;
	struct rig_error err = {0};

	start(&f);
	assert_int_equal(rig_load_console_run(&f.lines, &o, 64, &r, &err), 0);
	print_message("rate 200/s on a socketpair: %llu answers, qps %.1f, p50 %lld us, "
		      "backlog %llu\n",
		      (unsigned long long)r.requests, r.qps,
		      (long long)rig_hist_percentile(r.latency, 50) / 1000,
		      (unsigned long long)r.backlog);
	assert_int_equal(rig_load_errors_total(&r), 0);
	assert_true(r.requests >= 390 && r.requests <= 401);
	assert_true(r.qps > 190 && r.qps < 205);
	assert_int_equal(r.n_sec, 2);
	assert_true(r.backlog <= 2);
	rig_load_result_free(&r);
	stop(&f);
}

/* The textbook case: the board stalls 1 s in the middle of a 3 s run at
 * 100/s. Requests due during the stall wait behind it: corrected P99 shows
 * the stall, the uncorrected one (from each actual send) does not. */
static void stall_shows_in_corrected_not_uncorrected(void **state)
{
	struct rig_fixture f = {.r = calm()};
	struct rig_load_opts o = {
	    .model = RIG_LOAD_RATE, .rate = 100, .duration_ms = 3000, .timeout_ms = 3000};
	struct rig_load_result r;
	struct rig_error err = {0};
	int64_t p99, p99u;

	f.r.stall_seq = 100;
	f.r.stall_ms = 1000;
	start(&f);
	assert_int_equal(rig_load_console_run(&f.lines, &o, 16, &r, &err), 0);
	p99 = rig_hist_percentile(r.latency, 99);
	p99u = rig_hist_percentile(r.uncorrected, 99);
	print_message("1 s stall at 100/s: corrected p99 %.1f ms, uncorrected p99 %.3f ms, "
		      "max %.1f ms, %llu answers\n",
		      p99 / 1e6, p99u / 1e6, rig_hist_max(r.latency) / 1e6,
		      (unsigned long long)r.requests);
	assert_int_equal(rig_load_errors_total(&r), 0);
	assert_true(p99 > 500000000);
	assert_true(p99u < 50000000);
	assert_true(rig_hist_max(r.uncorrected) >= 1000000000); /* the stalled one itself */
	rig_load_result_free(&r);
	stop(&f);
}

static void bad_answers_are_counted_by_class(void **state)
{
	struct rig_fixture f = {.r = calm()};
	struct rig_load_opts o = {.model = RIG_LOAD_CLOSED, .requests = 100, .timeout_ms = 200};
	struct rig_load_result r;
	struct rig_error err = {0};

	f.r.wrong_every = 10; /* seq 10, 20 ... 90: 9 wrong digests */
	f.r.refuse_seq = 55;
	f.r.silent_seq = 33;
	f.r.late_seq = 71; /* its answer arrives after the timeout: not taken for 72 */
	start(&f);
	assert_int_equal(rig_load_console_run(&f.lines, &o, 32, &r, &err), 0);
	print_message(
	    "read %llu, timeout %llu, ok %llu\n", (unsigned long long)r.errors[RIG_LOAD_E_READ],
	    (unsigned long long)r.errors[RIG_LOAD_E_TIMEOUT], (unsigned long long)r.requests);
	assert_int_equal(r.errors[RIG_LOAD_E_READ], 10);   /* 9 wrong + the refusal */
	assert_int_equal(r.errors[RIG_LOAD_E_TIMEOUT], 2); /* silent and late */
	assert_int_equal(r.requests, 88);
	assert_int_equal(r.errors[RIG_LOAD_E_CONNECT] + r.errors[RIG_LOAD_E_WRITE] +
			     r.errors[RIG_LOAD_E_STATUS],
			 0);
	rig_load_result_free(&r);
	stop(&f);
}

static void closed_console_ends_the_run(void **state)
{
	struct rig_fixture f = {.r = calm()};
	struct rig_load_opts o = {.model = RIG_LOAD_CLOSED, .duration_ms = 5000};
	struct rig_load_result r;
	struct rig_error err = {0};
	int64_t t0;

	f.r.silent_seq = 20;
	start(&f);
	shutdown(f.r.fd, SHUT_RDWR); /* the emulator died */
	t0 = rig_now_ns();
	assert_int_equal(rig_load_console_run(&f.lines, &o, 8, &r, &err), 0);
	assert_true(rig_now_ns() - t0 < 3000000000ll);
	assert_true(rig_load_errors_total(&r) >= 1);
	assert_int_equal(r.requests, 0);
	rig_load_result_free(&r);
	stop(&f);
}

static void bad_options_are_refused(void **state)
{
	struct rig_fixture f = {.r = calm()};
	struct rig_load_opts o = {.model = RIG_LOAD_RATE, .rate = 0, .duration_ms = 100};
	struct rig_load_result r;
	struct rig_error err = {0};

	start(&f);
	assert_int_equal(rig_load_console_run(&f.lines, &o, 8, &r, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "rate"));
	o.rate = 10;
	assert_int_equal(rig_load_console_run(&f.lines, &o, 5000, &r, &err), RIG_ERR_INVALID);
	assert_non_null(strstr(err.msg, "bytes"));
	stop(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(expected_answers_are_sha256s),
	    cmocka_unit_test(answer_parser_takes_only_its_lines),
	    cmocka_unit_test(rate_model_holds_the_rate_on_a_console),
	    cmocka_unit_test(stall_shows_in_corrected_not_uncorrected),
	    cmocka_unit_test(bad_answers_are_counted_by_class),
	    cmocka_unit_test(closed_console_ends_the_run),
	    cmocka_unit_test(bad_options_are_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
