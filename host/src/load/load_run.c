/* rig_load_run: sets the threads up, runs them (load.c), merges what they
 * measured into one result: see load.h. */
#include "load_internal.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "util.h"

#define START_DELAY_NS 10000000LL /* threads connect before the schedule starts */

int rig_load_run(const struct rig_load_opts *o, struct rig_load_result *r, struct rig_error *err)
{
	struct rig_load_target tg = {0};
	struct rig_load_thread *th;
	int nt, rc, started = 0;
	int64_t start, first = 0, last = 0;
	struct rig_load_opts oo = *o;

	memset(r, 0, sizeof(*r));
	if (!oo.timeout_ms)
		oo.timeout_ms = 2000;
	if ((rc = rig_load_check_opts(&oo, err)))
		return rc;
	if (oo.grpc) {
		if (!rig_grpc_method_ok(oo.grpc))
			return rig_fail(err, RIG_ERR_INVALID,
					"grpc: '%s' is not a method path /package.Service/Method",
					oo.grpc);
		oo.h2c = 1; /* gRPC runs over HTTP/2 */
	}
	if (oo.h2c && !rig_h2_available())
		return rig_fail(
		    err, RIG_ERR_INVALID,
		    "h2c: this rig was built without libnghttp2 (install libnghttp2-dev "
		    "and rebuild)");
	if ((rc = rig_load_target_make(oo.url, &tg, err)))
		return rc;
	tg.h2req.authority = tg.authority;
	tg.h2req.path = oo.grpc ? oo.grpc : tg.path;
	if (oo.grpc) {
		rig_grpc_frame(oo.body, oo.body_len, &tg.grpc_body);
		tg.h2req.grpc = 1;
		tg.h2req.body = (const uint8_t *)tg.grpc_body.data;
		tg.h2req.body_len = tg.grpc_body.len;
	}
	nt = oo.threads < oo.connections ? oo.threads : oo.connections;
	if (oo.model == RIG_LOAD_RATE && (double)nt > ceil(oo.rate))
		nt = (int)ceil(oo.rate); /* never a thread with a rate below 1/s (wrk2 #147) */
	if (oo.requests > 0 && nt > oo.requests)
		nt = (int)oo.requests;
	r->model = oo.model;
	r->latency = rig_hist_new();
	r->uncorrected = rig_hist_new();
	r->threads_used = nt;
	r->connections_used = oo.connections;
	r->target_rate = oo.model == RIG_LOAD_RATE ? oo.rate : 0;
	th = rig_xcalloc((size_t)nt, sizeof(*th));
	start = rig_now_ns() + START_DELAY_NS;
	for (int i = 0; i < nt; i++) {
		struct rig_load_thread *t = &th[i];
		t->id = i;
		t->o = &oo;
		t->tg = &tg;
		t->cpu = oo.cpus && oo.n_cpus ? oo.cpus[(size_t)i % oo.n_cpus] : -1;
		t->n_conns = oo.connections / nt + (i < oo.connections % nt);
		t->conns = rig_xcalloc((size_t)t->n_conns, sizeof(*t->conns));
		for (int k = 0; k < t->n_conns; k++) {
			t->conns[k].fd = -1;
			t->conns[k].wcap = tg.req_len * (size_t)oo.pipeline;
			t->conns[k].wbuf = rig_xmalloc(t->conns[k].wcap);
		}
		t->free_stack = rig_xcalloc((size_t)t->n_conns, sizeof(int));
		t->start_ns = start;
		t->warm_end_ns = start + oo.warmup_ms * 1000000;
		t->end_ns = oo.requests > 0 ? INT64_MAX : t->warm_end_ns + oo.duration_ms * 1000000;
		t->timeout_ns = oo.timeout_ms * 1000000;
		t->n_sec = oo.requests > 0 ? 0 : (size_t)(oo.duration_ms / 1000);
		if (oo.model == RIG_LOAD_RATE) {
			t->period_ns = (double)nt * 1e9 / oo.rate;
			t->offset_ns = (double)i * 1e9 / oo.rate;
		}
		if (oo.requests > 0)
			t->quota = (uint64_t)(oo.requests / nt + (i < oo.requests % nt));
		t->lat = rig_hist_new();
		t->unc = rig_hist_new();
		t->ep = epoll_create1(EPOLL_CLOEXEC);
		t->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		if (t->ep < 0 || t->tfd < 0) {
			rc = rig_fail(err, RIG_ERR_IO, "epoll/timerfd: %s", strerror(errno));
			goto out;
		}
		{
			struct epoll_event ev = {.events = EPOLLIN, .data.u32 = RIG_LOAD_TIMER_ID};
			epoll_ctl(t->ep, EPOLL_CTL_ADD, t->tfd, &ev);
		}
	}
	for (int i = 0; i < nt; i++) {
		if ((rc = pthread_create(&th[i].th, NULL, rig_load_thread_main, &th[i]))) {
			rc = rig_fail(err, RIG_ERR_IO, "cannot start load thread %d: %s", i,
				      strerror(rc));
			break;
		}
		started++;
	}
	for (int i = 0; i < started; i++)
		pthread_join(th[i].th, NULL);
	if (started == nt)
		rc = 0;
	for (int i = 0; i < started && !rc; i++)
		if (th[i].unreachable)
			rc = rig_fail(err, RIG_ERR_IO,
				      "%s: no connection opened within %lld ms (the timeout): "
				      "is the server listening?",
				      oo.url, oo.timeout_ms);
	for (int i = 0; i < started; i++) {
		rig_load_merge_thread(r, &th[i]);
		if (th[i].first_ns && (!first || th[i].first_ns < first))
			first = th[i].first_ns;
		if (th[i].last_ns > last)
			last = th[i].last_ns;
	}
	if (oo.requests > 0)
		r->window_s = last > first ? (double)(last - first) / 1e9 : 0;
	else
		r->window_s = (double)oo.duration_ms / 1000.0;
	r->qps = r->window_s > 0 ? (double)r->in_window / r->window_s : 0;
	rig_load_series_stats(r);
out:
	for (int i = 0; i < nt; i++) {
		for (int k = 0; k < th[i].n_conns; k++)
			free(th[i].conns[k].wbuf);
		free(th[i].conns);
		free(th[i].free_stack);
		free(th[i].per_sec);
		rig_hist_free(th[i].lat);
		rig_hist_free(th[i].unc);
		if (th[i].ep > 0)
			close(th[i].ep);
		if (th[i].tfd > 0)
			close(th[i].tfd);
	}
	free(th);
	free(tg.req);
	free(tg.authority);
	free(tg.path);
	rig_buf_free(&tg.grpc_body);
	return rc;
}
