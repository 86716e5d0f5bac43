/*
 * rig's HTTP/1.1 load generator: one epoll event loop per thread, each
 * thread pinned to a CPU, keep-alive connections, optional pipelining.
 *
 * Two models (docs/load.md):
 *   closed  every connection sends its next request as soon as its previous
 *           response arrived (wrk's model): the server sets the pace, and the
 *           latency is the service time seen by a client that waits.
 *   rate    an open, constant-rate schedule: request k of the run is due at
 *           start + k / rate, whatever happened before it (wrk2's and oha -q's
 *           model). Latency runs from the *intended* send time, so time a
 *           request spent waiting for a free connection behind a stalled
 *           server is counted (coordinated omission corrected); the latency
 *           from the actual send is kept too (uncorrected).
 *
 * The schedule is one per thread, interleaved across threads (thread t owns
 * requests t, t + T, t + 2T, ...), and a due request goes to any idle
 * connection of the thread: no per-connection pacing, so surplus connections
 * do not send in bursts (wrk2 issue #89), and a rate below the thread count
 * uses fewer threads instead of rounding each thread's rate to 0 (#147).
 *
 * Nothing here prints or exits; the result carries merged histograms, the
 * per-second response counts and error counts by class.
 */
#ifndef RIG_LOAD_H
#define RIG_LOAD_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "hist.h"

enum rig_load_model {
	RIG_LOAD_CLOSED = 0,
	RIG_LOAD_RATE = 1,
};

/* Error classes: every failed request is counted in exactly one. */
enum rig_load_errclass {
	RIG_LOAD_E_CONNECT = 0, /* connect() refused, unreachable, timed out */
	RIG_LOAD_E_READ,	/* reset, EOF inside a response, malformed response */
	RIG_LOAD_E_WRITE,	/* send failed (EPIPE, reset) */
	RIG_LOAD_E_TIMEOUT,	/* no complete response within timeout_ms */
	RIG_LOAD_E_STATUS,	/* a complete response with status >= 400 */
	RIG_LOAD_E_GRPC,	/* a complete gRPC response with grpc-status != 0 */
	RIG_LOAD_E_COUNT_
};

/* "connect", "read", "write", "timeout", "status", "grpc" */
const char *rig_load_errclass_name(int c);

#define RIG_LOAD_MAX_PIPELINE 64

struct rig_load_opts {
	enum rig_load_model model;
	const char *url;       /* http://host[:port][/path]; host is a name or an address */
	int connections;       /* >= 1, spread over the threads */
	int threads;	       /* >= 1; at most `connections` are used (and ceil(rate)) */
	long long duration_ms; /* measured window after the warm-up; 0 with requests */
	long long warmup_ms;   /* run but not measured; 0: none */
	long long requests;    /* > 0: stop after this many measured requests instead */
	double rate;	       /* requests per second, model rate only (> 0) */
	int pipeline;	       /* requests in flight per connection, 1..RIG_LOAD_MAX_PIPELINE
				  (h2c: concurrent streams per connection) */
	int h2c;	       /* 1: HTTP/2 with prior knowledge (libnghttp2), else HTTP/1.1 */
	const char *grpc;      /* a gRPC method (/package.Service/Method): unary calls over
				  h2c (implies h2c) instead of GET; the URL's path is unused */
	const void *body;      /* grpc: the request message (protobuf bytes, not framed) */
	size_t body_len;
	long long timeout_ms; /* per request, from its send (default 2000 when 0) */
	const int *cpus;      /* pin thread i to cpus[i % n_cpus]; NULL: no pinning */
	size_t n_cpus;
	const volatile sig_atomic_t *stop; /* set to stop early (a signal), or NULL */
};

struct rig_load_result {
	enum rig_load_model model;
	struct rig_hist *latency;     /* rate: from the intended send; closed: from the send */
	struct rig_hist *uncorrected; /* from the actual send (closed: same as latency) */
	uint64_t requests;	      /* measured complete responses (any status) */
	uint64_t in_window;	      /* of those, completed inside the measured window */
	uint64_t errors[RIG_LOAD_E_COUNT_];
	uint64_t backlog;    /* rate: requests due in the window that were never sent */
	uint64_t reconnects; /* connections re-opened (server close, error) */
	uint64_t bytes_read;
	double window_s;    /* length of the measured window */
	double qps;	    /* in_window / window_s */
	double target_rate; /* rate model: the asked rate */
	uint64_t *per_sec;  /* responses completed in each whole second of the window */
	size_t n_sec;
	double qps_median, qps_cv; /* over per_sec (cv = stddev / mean), 0 with < 2 s */
	int threads_used, connections_used;
	char fault[120]; /* the first protocol fault or gRPC status seen ("" none) */
	int64_t cpu_user_ns, cpu_sys_ns; /* the generator threads' own CPU time */
};

/*
 * Runs the load. Returns 0 when it ran (errors of the server are counted in
 * r, not returned), RIG_ERR_INVALID for bad options or URL (message names
 * the field and value), RIG_ERR_NOT_FOUND when the host does not resolve,
 * RIG_ERR_IO when threads or epoll cannot be had. Blocks for the duration
 * (plus up to timeout_ms to drain). r is owned by the caller:
 * rig_load_result_free.
 */
int rig_load_run(const struct rig_load_opts *o, struct rig_load_result *r, struct rig_error *err);
void rig_load_result_free(struct rig_load_result *r);

/* Total errors over all classes. */
uint64_t rig_load_errors_total(const struct rig_load_result *r);

/*
 * Load specs as `rig bench --load` takes them:
 *   closed:c=64,d=10s[,t=2,w=1s,p=1,n=100k,timeout=2s,path=/plaintext,cpus=0+2-3,
 *                     proto=h1|h2c,grpc=/pkg.Svc/Method,data=FILE,metrics=/metrics|off,
 *                     bytes=64]
 *   rate:r=20000,c=64,d=20s[,...]
 * Fills o (url left NULL; the path goes to path[]; cpus= goes to cpus[] as
 * a CPU list for rig_load_parse_cpus, '+' standing for ','; grpc= to grpc[]
 * with opts.grpc pointing at it, so out must not be copied while opts is
 * used; data= names the file of the gRPC request message, read by the
 * caller into opts.body). RIG_ERR_INVALID naming the key and value on a bad
 * spec.
 */
struct rig_load_spec {
	struct rig_load_opts opts;
	char path[128];
	char cpus[64];	/* "" : the CPUs rig may use */
	char grpc[128]; /* "" : HTTP GET of path */
	char data[256]; /* "" : an empty request message */
	char metrics[64]; /* the Prometheus endpoint scraped during load ("" : off) */
	int req_bytes;	  /* bytes= : bytes hashed per request on an MCU console (64) */
};
int rig_load_spec_parse(const char *spec, struct rig_load_spec *out, struct rig_error *err);

/* Parses a CPU list ("0,2-3") into a new array *cpus (free() it); checks
 * each CPU exists. RIG_ERR_INVALID naming the item otherwise. */
int rig_load_parse_cpus(const char *list, int **cpus, size_t *n, struct rig_error *err);
/* The CPUs this process may run on, without `exclude` (-1: none) unless it
 * is the only one. Never fails: at worst the one CPU it runs on. */
void rig_load_default_cpus(int exclude, int **cpus, size_t *n);
#endif
