/*
 * Inside the load generator (load.h): the target, a connection and a
 * thread's state, shared by the engine (load.c), the target and option
 * checks (load_target.c) and the result (load_result.c). Not for callers.
 */
#ifndef RIG_LOAD_INTERNAL_H
#define RIG_LOAD_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>

#include "http1.h"
#include "http2.h"
#include "load.h"

struct rig_load_target {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char *req;
	size_t req_len;
	char *authority, *path;	  /* for HTTP/2's :authority and :path */
	struct rig_h2_req h2req;  /* what every HTTP/2 stream sends */
	struct rig_buf grpc_body; /* grpc: the framed request message */
};

enum { C_CLOSED = 0, C_CONNECTING, C_OPEN };

struct rig_load_conn {
	int fd, state;
	int inflight, head;			/* ring of requests in flight */
	int64_t sent_ns[RIG_LOAD_MAX_PIPELINE]; /* when write() was called */
	int64_t due_ns[RIG_LOAD_MAX_PIPELINE];	/* the intended send time */
	char *wbuf;				/* request bytes not yet written */
	size_t wlen, woff, wcap;
	/* HTTP/2 (o->h2c): the session, the slots with a stream open (bit k:
	 * slot k; in flight streams end in any order), the way back from
	 * nghttp2's callbacks */
	struct rig_h2 *h2;
	uint64_t busy;
	struct rig_load_thread *th;
	int idx;
	int want_out, in_free, responded;
	int64_t connect_ns, reconnect_at, backoff_ns;
	struct rig_http1 p;
};

struct rig_load_thread {
	int id, cpu;
	pthread_t th;
	const struct rig_load_opts *o;
	const struct rig_load_target *tg;
	struct rig_load_conn *conns;
	int n_conns, ep, tfd;
	int64_t start_ns, warm_end_ns, end_ns, drain_end_ns, timeout_ns, armed_ns;
	double period_ns, offset_ns; /* rate: request i is due at start + offset + i * period */
	uint64_t next_idx;	     /* rate: the next request of the schedule to send */
	uint64_t quota, sent_measured;
	int started, stopping, total_inflight;
	int ever_open;	   /* a connection of this thread was opened once */
	int unreachable;   /* a count run stopped: no connection opened in timeout */
	int reconnect_due; /* a connection was closed and may be re-opened now */
	int *free_stack, n_free;
	/* results */
	struct rig_hist *lat, *unc;
	uint64_t requests, in_window, errors[RIG_LOAD_E_COUNT_], backlog, reconnects, bytes;
	uint64_t *per_sec;
	size_t n_sec, cap_sec;
	int64_t first_ns, last_ns, user_ns, sys_ns;
	char msg[200];	 /* a setup failure of this thread */
	char fault[120]; /* the first protocol fault or gRPC status seen */
};

/* Resolves url (http://HOST[:PORT][/PATH]) and formats its GET request into
 * tg (tg->req is malloc'd). RIG_ERR_INVALID naming the URL's fault,
 * RIG_ERR_NOT_FOUND when the host does not resolve. */
int rig_load_target_make(const char *url, struct rig_load_target *tg, struct rig_error *err);
/* RIG_ERR_INVALID naming the field and value of the first bad option. */
int rig_load_check_opts(const struct rig_load_opts *o, struct rig_error *err);
/* Adds a finished thread's counts, histograms and series into r. */
void rig_load_merge_thread(struct rig_load_result *r, const struct rig_load_thread *t);
/* qps_median and qps_cv from r->per_sec. */
void rig_load_series_stats(struct rig_load_result *r);

/* epoll data of a thread's timerfd (connections are 0..n_conns-1) */
#define RIG_LOAD_TIMER_ID UINT32_MAX

/* One load thread's event loop (pthread start routine; arg is its struct
 * rig_load_thread, set up by rig_load_run). Returns NULL when it stopped. */
void *rig_load_thread_main(void *arg);

#endif
