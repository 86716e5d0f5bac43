/* The load generator's engine, one event loop per thread: see load.h,
 * load_internal.h and docs/load.md. rig_load_run (load_run.c) starts them. */
#include "load_internal.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "util.h"

#define SWEEP_NS 10000000LL	   /* timeouts and reconnects: every 10 ms */
#define BACKOFF_MIN_NS 10000000LL  /* first retry after a failed connect */
#define BACKOFF_MAX_NS 500000000LL /* and at most this far apart */
#define READ_BUF 65536

static void h2_done(void *ctx, int slot, int status, int ok, int grpc, int grpc_status,
		    const char *why);

static int64_t due_of(const struct rig_load_thread *t, uint64_t idx)
{
	return t->start_ns + (int64_t)(t->offset_ns + (double)idx * t->period_ns);
}

static int is_measured(const struct rig_load_thread *t, int64_t t0)
{
	if (t0 < t->warm_end_ns)
		return 0;
	return t->o->requests > 0 || t0 < t->end_ns;
}

static void free_push(struct rig_load_thread *t, int ci)
{
	struct rig_load_conn *c = &t->conns[ci];

	if (c->in_free || c->state != C_OPEN || c->inflight >= t->o->pipeline)
		return;
	c->in_free = 1;
	t->free_stack[t->n_free++] = ci;
}

static void set_events(struct rig_load_thread *t, int ci, int out)
{
	struct rig_load_conn *c = &t->conns[ci];
	struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0),
				 .data.u32 = (uint32_t)ci};

	if (c->want_out == out)
		return;
	c->want_out = out;
	epoll_ctl(t->ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void conn_close(struct rig_load_thread *t, int ci, int64_t retry_at)
{
	struct rig_load_conn *c = &t->conns[ci];

	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = C_CLOSED;
	t->total_inflight -= c->inflight;
	c->inflight = c->head = 0;
	c->wlen = c->woff = 0;
	rig_h2_free(c->h2);
	c->h2 = NULL;
	c->busy = 0;
	c->want_out = c->responded = 0;
	c->reconnect_at = retry_at;
	if (retry_at)
		t->reconnect_due = 1;
	/* in_free entries are dropped lazily by the dispatcher */
}

/* The connection failed: every measured request in flight on it is an error
 * of that class; the connection is re-opened. */
static void conn_fail(struct rig_load_thread *t, int ci, int cls, int64_t now)
{
	struct rig_load_conn *c = &t->conns[ci];

	for (int k = 0; k < (c->h2 ? RIG_LOAD_MAX_PIPELINE : c->inflight); k++) {
		int slot = c->h2 ? k : (c->head + k) % RIG_LOAD_MAX_PIPELINE;
		if (c->h2 && !(c->busy & (1ULL << k)))
			continue;
		if (is_measured(t,
				t->o->model == RIG_LOAD_RATE ? c->due_ns[slot] : c->sent_ns[slot]))
			t->errors[cls]++;
	}
	conn_close(t, ci, now);
}

static void conn_open(struct rig_load_thread *t, int ci, int64_t now)
{
	struct rig_load_conn *c = &t->conns[ci];
	struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)ci};
	int one = 1, fd;

	fd = socket(t->tg->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)&t->tg->addr, t->tg->addrlen) < 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		goto fail;
	}
	c->fd = fd;
	c->state = C_CONNECTING;
	c->connect_ns = now;
	c->want_out = 1;
	rig_http1_init(&c->p, 0);
	if (t->o->h2c && !(c->h2 = rig_h2_new(h2_done, c))) {
		close(fd);
		c->fd = -1;
		goto fail;
	}
	c->th = t;
	c->idx = ci;
	if (epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		c->fd = -1;
		goto fail;
	}
	return;
fail:
	c->state = C_CLOSED;
	if (now >= t->warm_end_ns && !t->stopping)
		t->errors[RIG_LOAD_E_CONNECT]++;
	c->backoff_ns = c->backoff_ns ? c->backoff_ns * 2 : BACKOFF_MIN_NS;
	if (c->backoff_ns > BACKOFF_MAX_NS)
		c->backoff_ns = BACKOFF_MAX_NS;
	c->reconnect_at = now + c->backoff_ns;
}

static void connect_failed(struct rig_load_thread *t, int ci, int64_t now)
{
	struct rig_load_conn *c = &t->conns[ci];

	conn_close(t, ci, 0);
	if (now >= t->warm_end_ns && !t->stopping)
		t->errors[RIG_LOAD_E_CONNECT]++;
	c->backoff_ns = c->backoff_ns ? c->backoff_ns * 2 : BACKOFF_MIN_NS;
	if (c->backoff_ns > BACKOFF_MAX_NS)
		c->backoff_ns = BACKOFF_MAX_NS;
	c->reconnect_at = now + c->backoff_ns;
}

/* HTTP/2: moves what the session has to send into the write buffer. 0, or
 * -1 after failing the connection. */
static int h2_pull(struct rig_load_thread *t, int ci, int64_t now)
{
	struct rig_load_conn *c = &t->conns[ci];
	struct rig_buf b = {0};

	if (rig_h2_pull(c->h2, &b)) {
		rig_buf_free(&b);
		conn_fail(t, ci, RIG_LOAD_E_WRITE, now);
		return -1;
	}
	if (b.len) {
		if (c->woff) {
			memmove(c->wbuf, c->wbuf + c->woff, c->wlen - c->woff);
			c->wlen -= c->woff;
			c->woff = 0;
		}
		if (c->wlen + b.len > c->wcap) {
			c->wcap = (c->wlen + b.len) * 2;
			c->wbuf = rig_xrealloc(c->wbuf, c->wcap);
		}
		memcpy(c->wbuf + c->wlen, b.data, b.len);
		c->wlen += b.len;
	}
	rig_buf_free(&b);
	return 0;
}

/* Writes what is pending; 0, or -1 after failing the connection. */
static int conn_flush(struct rig_load_thread *t, int ci, int64_t now)
{
	struct rig_load_conn *c = &t->conns[ci];

	while (c->woff < c->wlen) {
		ssize_t n = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			set_events(t, ci, 1);
			return 0;
		}
		if (n <= 0) {
			conn_fail(t, ci, RIG_LOAD_E_WRITE, now);
			return -1;
		}
		c->woff += (size_t)n;
	}
	c->wlen = c->woff = 0;
	set_events(t, ci, 0);
	return 0;
}

/* Queues one request on an open connection with room. */
static void conn_queue(struct rig_load_thread *t, int ci, int64_t due, int64_t now)
{
	struct rig_load_conn *c = &t->conns[ci];
	int slot = (c->head + c->inflight) % RIG_LOAD_MAX_PIPELINE;

	if (c->h2) {
		/* the lowest free slot: streams end in any order */
		slot = __builtin_ctzll(~c->busy);
		c->busy |= 1ULL << slot;
	} else {
		memcpy(c->wbuf + c->wlen, t->tg->req, t->tg->req_len);
		c->wlen += t->tg->req_len;
	}
	c->sent_ns[slot] = now;
	c->due_ns[slot] = due;
	c->inflight++;
	t->total_inflight++;
	if (is_measured(t, due)) {
		t->sent_measured++;
		if (!t->first_ns)
			t->first_ns = due;
	}
	if (c->h2) {
		/* a failure fails the connection and this request with it */
		if (rig_h2_submit(c->h2, &t->tg->h2req, slot))
			conn_fail(t, ci, RIG_LOAD_E_WRITE, now);
		else
			h2_pull(t, ci, now);
	}
}

static int may_send(const struct rig_load_thread *t)
{
	return !t->stopping && !(t->o->requests > 0 && t->sent_measured >= t->quota);
}

/* Closed model: keep the connection's pipeline full. */
static void closed_fill(struct rig_load_thread *t, int ci, int64_t now)
{
	struct rig_load_conn *c = &t->conns[ci];
	int queued = 0;

	if (now < t->start_ns)
		return; /* the connections open first; the run starts for all at once */
	while (c->state == C_OPEN && c->inflight < t->o->pipeline && may_send(t)) {
		conn_queue(t, ci, now, now);
		queued = 1;
	}
	if (queued)
		conn_flush(t, ci, now);
}

/* Rate model: every request due by now goes to an idle connection. */
static void rate_dispatch(struct rig_load_thread *t, int64_t now)
{
	while (may_send(t)) {
		int64_t due = due_of(t, t->next_idx);
		int ci;

		if (due > now)
			break;
		if (t->o->requests == 0 && due >= t->end_ns)
			break;
		if (!t->n_free)
			break; /* all connections busy: the request waits, its clock runs */
		ci = t->free_stack[t->n_free - 1];
		if (t->conns[ci].state != C_OPEN || t->conns[ci].inflight >= t->o->pipeline) {
			t->conns[ci].in_free = 0;
			t->n_free--;
			continue;
		}
		conn_queue(t, ci, due, now);
		t->next_idx++;
		if (t->conns[ci].inflight >= t->o->pipeline) {
			t->conns[ci].in_free = 0;
			t->n_free--;
		}
		if (conn_flush(t, ci, now) < 0)
			continue;
	}
}

static void add_per_sec(struct rig_load_thread *t, int64_t now)
{
	size_t s;

	if (now < t->warm_end_ns)
		return;
	s = (size_t)((now - t->warm_end_ns) / 1000000000LL);
	if (t->o->requests == 0 && s >= t->n_sec)
		return; /* the last, partial second is not part of the series */
	if (s >= t->cap_sec) {
		size_t cap = t->cap_sec ? t->cap_sec * 2 : 64;
		while (cap <= s)
			cap *= 2;
		t->per_sec = rig_xrealloc(t->per_sec, cap * sizeof(*t->per_sec));
		memset(t->per_sec + t->cap_sec, 0, (cap - t->cap_sec) * sizeof(*t->per_sec));
		t->cap_sec = cap;
	}
	t->per_sec[s]++;
	if (t->o->requests > 0 && s + 1 > t->n_sec)
		t->n_sec = s + 1;
}

/* The request on slot ended with a response of this status; cls: the
 * error class of an answer that is a failure of its own (a gRPC status),
 * or -1. */
static void complete_slot(struct rig_load_thread *t, int ci, int slot, int status, int cls,
			  int64_t now)
{
	struct rig_load_conn *c = &t->conns[ci];
	int64_t due = c->due_ns[slot], sent = c->sent_ns[slot];

	c->inflight--;
	t->total_inflight--;
	c->responded = 1;
	c->backoff_ns = 0;
	if (!is_measured(t, due))
		return;
	t->requests++;
	rig_hist_record(t->lat, now - due);
	rig_hist_record(t->unc, now - sent);
	if (status >= 400)
		t->errors[RIG_LOAD_E_STATUS]++;
	else if (cls >= 0)
		t->errors[cls]++;
	if (t->o->requests > 0 || now < t->end_ns) {
		t->in_window++;
		add_per_sec(t, now);
	}
	if (now > t->last_ns)
		t->last_ns = now;
}

/* HTTP/1.1: responses come in the order of the requests. */
static void complete_one(struct rig_load_thread *t, int ci, int64_t now)
{
	struct rig_load_conn *c = &t->conns[ci];
	int slot = c->head;

	c->head = (c->head + 1) % RIG_LOAD_MAX_PIPELINE;
	complete_slot(t, ci, slot, c->p.status, -1, now);
}

/* HTTP/2: a stream ended (nghttp2's callback, inside rig_h2_feed). A reset
 * or refused stream is a read error of that request, not a response; so is
 * a gRPC answer that breaks the protocol (no grpc-status, a cut message).
 * A well-formed gRPC answer with grpc-status != 0 is a response whose
 * latency counts, and an error of class grpc. */
static void h2_done(void *ctx, int slot, int status, int ok, int grpc, int grpc_status,
		    const char *why)
{
	struct rig_load_conn *c = ctx;
	struct rig_load_thread *t = c->th;
	int64_t now = rig_now_ns();
	int measured;

	if (!(c->busy & (1ULL << slot)))
		return;
	c->busy &= ~(1ULL << slot);
	if (ok && status >= 400) {
		complete_slot(t, c->idx, slot, status, -1, now);
		return;
	}
	if (ok && grpc == RIG_GRPC_OK) {
		complete_slot(t, c->idx, slot, status, -1, now);
		return;
	}
	if (ok && grpc == RIG_GRPC_STATUS && status == 200) {
		if (!t->fault[0])
			snprintf(t->fault, sizeof(t->fault), "grpc-status %d", grpc_status);
		complete_slot(t, c->idx, slot, status, RIG_LOAD_E_GRPC, now);
		return;
	}
	c->inflight--;
	t->total_inflight--;
	measured =
	    is_measured(t, t->o->model == RIG_LOAD_RATE ? c->due_ns[slot] : c->sent_ns[slot]);
	if (measured)
		t->errors[RIG_LOAD_E_READ]++;
	if (measured && ok && !t->fault[0])
		snprintf(t->fault, sizeof(t->fault), "gRPC response (:status %d): %s", status,
			 why && why[0] ? why : "not status 200");
}

/* HTTP/2: what was read goes to the session; its answers (SETTINGS and
 * PING acks, WINDOW_UPDATE) are written back. */
static void h2_readable(struct rig_load_thread *t, int ci, const char *buf, size_t n, int64_t now)
{
	struct rig_load_conn *c = &t->conns[ci];

	if (rig_h2_feed(c->h2, buf, n)) {
		conn_fail(t, ci, RIG_LOAD_E_READ, now);
		t->reconnects++;
		return;
	}
	if (h2_pull(t, ci, now) || conn_flush(t, ci, now))
		return;
	if (rig_h2_closing(c->h2)) {
		/* GOAWAY: what is left in flight failed; a new connection */
		if (c->inflight)
			conn_fail(t, ci, RIG_LOAD_E_READ, now);
		else
			conn_close(t, ci, now);
		t->reconnects++;
		return;
	}
	if (t->o->model == RIG_LOAD_CLOSED)
		closed_fill(t, ci, now);
	else
		free_push(t, ci);
}

static void on_readable(struct rig_load_thread *t, int ci, char *buf)
{
	struct rig_load_conn *c = &t->conns[ci];

	for (;;) {
		ssize_t n = read(c->fd, buf, READ_BUF);
		int64_t now = rig_now_ns();
		size_t pos = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			conn_fail(t, ci, RIG_LOAD_E_READ, now);
			return;
		}
		if (n == 0 && c->h2) {
			if (c->inflight)
				conn_fail(t, ci, RIG_LOAD_E_READ, now);
			else
				conn_close(t, ci, now);
			t->reconnects++;
			return;
		}
		if (n == 0) {
			int rc = rig_http1_eof(&c->p);
			if (rc == RIG_HTTP1_DONE && c->inflight)
				complete_one(t, ci, now);
			if (c->inflight || rc < 0)
				conn_fail(t, ci, RIG_LOAD_E_READ, now);
			else
				conn_close(t, ci, now);
			t->reconnects++;
			return;
		}
		t->bytes += (uint64_t)n;
		if (c->h2) {
			h2_readable(t, ci, buf, (size_t)n, now);
			if (c->fd < 0 || n < READ_BUF)
				return;
			continue;
		}
		while (pos < (size_t)n) {
			size_t used = 0;
			int rc = rig_http1_feed(&c->p, buf + pos, (size_t)n - pos, &used);
			pos += used;
			if (rc < 0 || (rc == RIG_HTTP1_DONE && !c->inflight)) {
				/* malformed, or a response nobody asked for */
				conn_fail(t, ci, RIG_LOAD_E_READ, now);
				t->reconnects++;
				return;
			}
			if (rc != RIG_HTTP1_DONE)
				break;
			complete_one(t, ci, now);
			if (!c->p.keep_alive) {
				if (c->inflight)
					conn_fail(t, ci, RIG_LOAD_E_READ, now);
				else
					conn_close(t, ci, now);
				t->reconnects++;
				return;
			}
		}
		if (t->o->model == RIG_LOAD_CLOSED)
			closed_fill(t, ci, now);
		else
			free_push(t, ci);
		if (n < READ_BUF)
			return;
	}
}

static void on_writable(struct rig_load_thread *t, int ci, int64_t now)
{
	struct rig_load_conn *c = &t->conns[ci];

	if (c->state == C_CONNECTING) {
		int e = 0;
		socklen_t el = sizeof(e);
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0 || e) {
			connect_failed(t, ci, now);
			return;
		}
		c->state = C_OPEN;
		t->ever_open = 1;
		set_events(t, ci, 0);
		if (c->h2 && (h2_pull(t, ci, now) || conn_flush(t, ci, now)))
			return; /* the preface and SETTINGS could not be written */
		if (t->o->model == RIG_LOAD_CLOSED)
			closed_fill(t, ci, now);
		else
			free_push(t, ci);
		return;
	}
	conn_flush(t, ci, now);
}

/* Timeouts, connect deadlines, reconnects. */
static void sweep(struct rig_load_thread *t, int64_t now)
{
	for (int ci = 0; ci < t->n_conns; ci++) {
		struct rig_load_conn *c = &t->conns[ci];

		int64_t oldest = !c->h2 && c->inflight ? c->sent_ns[c->head] : now;

		for (int k = 0; c->h2 && k < RIG_LOAD_MAX_PIPELINE; k++)
			if ((c->busy & (1ULL << k)) && c->sent_ns[k] < oldest)
				oldest = c->sent_ns[k];
		if (c->state == C_OPEN && c->inflight && now - oldest >= t->timeout_ns) {
			conn_fail(t, ci, RIG_LOAD_E_TIMEOUT, now);
			t->reconnects++;
		} else if (c->state == C_CONNECTING && now - c->connect_ns >= t->timeout_ns) {
			connect_failed(t, ci, now);
		}
		if (c->state == C_CLOSED && !t->stopping && now >= c->reconnect_at)
			conn_open(t, ci, now);
	}
}

static void begin_stop(struct rig_load_thread *t, int64_t now)
{
	t->stopping = 1;
	t->drain_end_ns = now + t->timeout_ns;
	if (t->o->model == RIG_LOAD_RATE && t->o->requests == 0) {
		/* due inside the window but never sent: the server fell behind */
		for (uint64_t i = t->next_idx; due_of(t, i) < t->end_ns && due_of(t, i) <= now; i++)
			if (due_of(t, i) >= t->warm_end_ns)
				t->backlog++;
	}
}

static void arm_timer(struct rig_load_thread *t, int64_t now)
{
	int64_t want = 0;
	struct itimerspec its = {0};

	if (t->o->model == RIG_LOAD_RATE && may_send(t)) {
		int64_t due = due_of(t, t->next_idx);
		if (due > now)
			want = due;
		/* due already and no free connection: a response will wake us */
	}
	if (want == t->armed_ns)
		return;
	t->armed_ns = want;
	its.it_value.tv_sec = want / 1000000000LL;
	its.it_value.tv_nsec = want % 1000000000LL;
	timerfd_settime(t->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

void *rig_load_thread_main(void *arg)
{
	struct rig_load_thread *t = arg;
	struct epoll_event evs[256];
	char *buf = rig_xmalloc(READ_BUF);
	int64_t last_sweep = 0;
	struct rusage ru;

	/* the default 50 us timer slack would delay every scheduled send */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	if (t->cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(t->cpu, &set);
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	for (int ci = 0; ci < t->n_conns; ci++)
		conn_open(t, ci, rig_now_ns());
	for (;;) {
		int64_t now = rig_now_ns();
		int wait_ms, n;

		if (!t->started && now >= t->start_ns) {
			t->started = 1;
			if (t->o->model == RIG_LOAD_CLOSED)
				for (int ci = 0; ci < t->n_conns; ci++)
					closed_fill(t, ci, now);
		}
		if (t->o->model == RIG_LOAD_RATE && t->started && !t->stopping)
			rate_dispatch(t, now);
		/* a count run (-n) has no end of its own: when no connection has
		 * opened within the request timeout, the target is not there */
		if (!t->stopping && t->started && t->o->requests > 0 && !t->ever_open &&
		    now - t->start_ns >= t->timeout_ns) {
			t->unreachable = 1;
			begin_stop(t, now);
		}
		if (!t->stopping &&
		    ((t->o->stop && *t->o->stop) || (t->o->requests == 0 && now >= t->end_ns) ||
		     (t->o->requests > 0 && t->sent_measured >= t->quota)))
			begin_stop(t, now);
		if (t->stopping && (t->total_inflight == 0 || now >= t->drain_end_ns ||
				    (t->o->stop && *t->o->stop)))
			break;
		if (now - last_sweep >= SWEEP_NS) {
			sweep(t, now);
			last_sweep = now;
		}
		arm_timer(t, now);
		wait_ms = (int)(SWEEP_NS / 1000000);
		if (!t->started)
			wait_ms = (int)((t->start_ns - now) / 1000000) + 1;
		else if (!t->stopping && t->o->requests == 0 && t->end_ns - now < SWEEP_NS)
			wait_ms = (int)((t->end_ns - now) / 1000000) + 1;
		n = epoll_wait(t->ep, evs, 256, wait_ms);
		now = rig_now_ns();
		for (int i = 0; i < n; i++) {
			uint32_t ci = evs[i].data.u32;
			if (ci == RIG_LOAD_TIMER_ID) {
				uint64_t ticks;
				if (read(t->tfd, &ticks, sizeof(ticks)) < 0)
					(void)0;
				t->armed_ns = 0;
				continue;
			}
			if (t->conns[ci].fd < 0)
				continue;
			if (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) {
				if (t->conns[ci].state == C_CONNECTING ||
				    (evs[i].events & EPOLLOUT))
					on_writable(t, (int)ci, now);
			}
			if (t->conns[ci].fd >= 0 && t->conns[ci].state == C_OPEN &&
			    (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
				on_readable(t, (int)ci, buf);
		}
		/* re-open closed connections after the batch, so no event of
		 * the batch can refer to a new socket on the same slot */
		if (t->reconnect_due && !t->stopping) {
			t->reconnect_due = 0;
			for (int ci = 0; ci < t->n_conns; ci++)
				if (t->conns[ci].state == C_CLOSED && t->conns[ci].reconnect_at &&
				    t->conns[ci].reconnect_at <= now)
					conn_open(t, ci, now);
		}
	}
	/* what is still in flight at the end of the drain waited timeout_ms */
	for (int ci = 0; ci < t->n_conns; ci++) {
		if (t->conns[ci].inflight)
			conn_fail(t, ci, RIG_LOAD_E_TIMEOUT, rig_now_ns());
		else
			conn_close(t, ci, 0);
	}
	if (getrusage(RUSAGE_THREAD, &ru) == 0) {
		t->user_ns = (int64_t)ru.ru_utime.tv_sec * 1000000000 + ru.ru_utime.tv_usec * 1000;
		t->sys_ns = (int64_t)ru.ru_stime.tv_sec * 1000000000 + ru.ru_stime.tv_usec * 1000;
	}
	free(buf);
	return NULL;
}
