/* Request latency over a console: see load_console.h. */
#include "load_console.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "load_internal.h"
#include "rig_hashreq.h"
#include "util.h"

uint32_t rig_load_console_expected(uint32_t seq, int bytes)
{
	unsigned char buf[RIG_HASHREQ_MAX_BYTES], d[crypto_hash_sha256_BYTES];

	if (bytes < 0 || bytes > RIG_HASHREQ_MAX_BYTES)
		return 0;
	rig_hashreq_fill(buf, seq, (uint32_t)bytes);
	crypto_hash_sha256(d, buf, (unsigned long long)bytes);
	return ((uint32_t)d[0] << 24) | ((uint32_t)d[1] << 16) | ((uint32_t)d[2] << 8) | d[3];
}

static void sleep_until(int64_t t_ns)
{
	int64_t left = t_ns - rig_now_ns();

	if (left > 0)
		nanosleep(
		    &(struct timespec){.tv_sec = left / 1000000000, .tv_nsec = left % 1000000000},
		    NULL);
}

static int64_t thread_cpu_ns(int64_t *sys_ns)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	*sys_ns = (int64_t)ru.ru_stime.tv_sec * 1000000000 + (int64_t)ru.ru_stime.tv_usec * 1000;
	return (int64_t)ru.ru_utime.tv_sec * 1000000000 + (int64_t)ru.ru_utime.tv_usec * 1000;
}

enum answer { ANS_OK, ANS_WRONG, ANS_TIMEOUT, ANS_CLOSED };

/* Waits for the answer to seq until deadline; *at_ns its arrival. Answers
 * to earlier (timed-out) requests are skipped. */
static enum answer await_answer(struct rig_lines *l, uint32_t seq, uint32_t want, int64_t deadline,
				int64_t *at_ns)
{
	for (;;) {
		struct rig_lines_item it;
		struct rig_error e = {0};
		uint32_t aseq, word;
		int rc = rig_lines_next(l, deadline, &it, &e);

		if (rc == RIG_ERR_TIMEOUT)
			return ANS_TIMEOUT;
		if (rc)
			return ANS_CLOSED;
		if (rig_hashreq_parse_answer(&it.line, &aseq, &word)) {
			if (aseq != seq)
				continue; /* late answer to a request already counted */
			*at_ns = it.at_ns;
			return word == want ? ANS_OK : ANS_WRONG;
		}
		/* a refusal (done N) or a reset (ready): this request failed */
		if (it.line.kind == RIG_REPORT_DONE || it.line.kind == RIG_REPORT_READY)
			return ANS_WRONG;
	}
}

int rig_load_console_run(struct rig_lines *l, const struct rig_load_opts *o, int bytes,
			 struct rig_load_result *r, struct rig_error *err)
{
	const int64_t timeout_ns = (o->timeout_ms > 0 ? o->timeout_ms : 2000) * 1000000;
	int64_t start, win0, win1, period = 0, end, user0, sys0, user1, sys1;
	uint64_t k = 0, measured = 0;
	size_t cap_sec;
	int closed = 0;

	memset(r, 0, sizeof(*r));
	if (o->requests <= 0 && o->duration_ms <= 0)
		return rig_fail(err, RIG_ERR_INVALID,
				"a duration or a request count is needed (got neither)");
	if (o->model == RIG_LOAD_RATE && !(o->rate > 0 && o->rate <= 1e6))
		return rig_fail(err, RIG_ERR_INVALID,
				"rate: expected 0 < rate <= 1e6 on a console, got %g", o->rate);
	if (bytes < 0 || bytes > RIG_HASHREQ_MAX_BYTES)
		return rig_fail(err, RIG_ERR_INVALID, "bytes: expected 0..%d, got %d",
				RIG_HASHREQ_MAX_BYTES, bytes);
	if (sodium_init() < 0)
		return rig_fail(err, RIG_ERR_IO, "libsodium failed to initialise");
	r->model = o->model;
	r->latency = rig_hist_new();
	r->uncorrected = rig_hist_new();
	r->target_rate = o->model == RIG_LOAD_RATE ? o->rate : 0;
	r->threads_used = r->connections_used = 1;
	cap_sec = o->requests ? 3600 : (size_t)(o->duration_ms / 1000) + 2;
	r->per_sec = rig_xcalloc(cap_sec, sizeof(*r->per_sec));
	if (o->model == RIG_LOAD_RATE)
		period = (int64_t)(1e9 / o->rate);
	user0 = thread_cpu_ns(&sys0);
	start = rig_now_ns();
	win0 = start + o->warmup_ms * 1000000;
	win1 = o->requests ? INT64_MAX : win0 + o->duration_ms * 1000000;

	while (!closed && !(o->stop && *o->stop)) {
		char line[40];
		int64_t due, sent, at = 0;
		uint32_t seq = (uint32_t)k;
		struct rig_error e = {0};
		enum answer a;
		int in;

		if (o->model == RIG_LOAD_RATE) {
			due = start + (int64_t)k * period;
			if (due >= win1)
				break;
			sleep_until(due);
		} else {
			due = rig_now_ns();
		}
		/* past the window: what is still due is backlog, not sent late */
		if (rig_now_ns() >= win1 || (o->requests && measured >= (uint64_t)o->requests))
			break;
		in = due >= win0;
		size_t n = rig_hashreq_format_request(line, sizeof(line), seq, (uint32_t)bytes);
		line[n - 1] = '\0'; /* rig_lines_send adds the '\n' */
		sent = rig_now_ns();
		if (rig_lines_send(l, line, (int)(timeout_ns / 1000000), &e)) {
			/* the console is gone or wedged: the run ends here */
			if (in)
				r->errors[RIG_LOAD_E_WRITE]++, measured++;
			k++;
			break;
		}
		a = await_answer(l, seq, rig_load_console_expected(seq, bytes), sent + timeout_ns,
				 &at);
		k++;
		if (a == ANS_CLOSED)
			closed = 1;
		if (!in)
			continue;
		measured++;
		if (a != ANS_OK) {
			r->errors[a == ANS_TIMEOUT ? RIG_LOAD_E_TIMEOUT : RIG_LOAD_E_READ]++;
			continue;
		}
		rig_hist_record(r->latency, at - due);
		rig_hist_record(r->uncorrected, at - sent);
		r->requests++;
		if (at < win1) {
			size_t s = (size_t)((at - win0) / 1000000000);
			r->in_window++;
			if (s < cap_sec) {
				r->per_sec[s]++;
				if (s + 1 > r->n_sec)
					r->n_sec = s + 1;
			}
		}
	}
	end = rig_now_ns();
	user1 = thread_cpu_ns(&sys1);
	r->cpu_user_ns = user1 - user0;
	r->cpu_sys_ns = sys1 - sys0;
	if (o->model == RIG_LOAD_RATE && !o->requests) {
		/* due in [win0, win1) but never sent */
		uint64_t first = (uint64_t)((win0 - start + period - 1) / period);
		uint64_t last = (uint64_t)((win1 - start + period - 1) / period);
		uint64_t sent_in = k > first ? k - first : 0;
		r->backlog = last - first > sent_in ? last - first - sent_in : 0;
	}
	r->window_s = (double)((end < win1 ? end : win1) - win0) / 1e9;
	if (r->window_s <= 0)
		r->window_s = 1e-9;
	/* whole seconds of the window only: a last partial second is not a rate */
	if (!o->requests && r->n_sec > (size_t)(o->duration_ms / 1000))
		r->n_sec = (size_t)(o->duration_ms / 1000);
	r->qps = (double)r->in_window / r->window_s;
	rig_load_series_stats(r);
	return 0;
}
