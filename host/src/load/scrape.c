/* Scraping a service's /metrics during load: see scrape.h. */
#include "scrape.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "http1.h"
#include "promtext.h"
#include "util.h"

#define MAX_BODY (8u << 20)

struct rig_scrape {
	char host[256], path[128];
	int port, interval_ms, timeout_ms, running, stop;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct rig_scrape_figs f;
};

/* What one scrape read (the figures are folded into the run's after). */
struct one {
	int have_count;
	double count, sum, q1, heap, heap_sys, goroutines;
};

static void on_sample(void *ctx, const char *name, const char *labels, double v)
{
	struct one *o = ctx;

	if (strcmp(name, "go_gc_duration_seconds_count") == 0)
		o->count = v, o->have_count = 1;
	else if (strcmp(name, "go_gc_duration_seconds_sum") == 0)
		o->sum = v;
	else if (strcmp(name, "go_gc_duration_seconds") == 0 &&
		 strcmp(labels, "quantile=\"1\"") == 0)
		o->q1 = v;
	else if (strcmp(name, "go_memstats_heap_alloc_bytes") == 0 && !labels[0])
		o->heap = v;
	else if (strcmp(name, "go_memstats_heap_sys_bytes") == 0 && !labels[0])
		o->heap_sys = v;
	else if (strcmp(name, "go_goroutines") == 0 && !labels[0])
		o->goroutines = v;
}

/* GET over HTTP/1.0 into b (headers and body); 0, or -1 with why. */
static int fetch(const char *host, int port, const char *path, int timeout_ms, struct rig_buf *b,
		 char *why, size_t cap)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
	struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
	char portstr[8], buf[16384];
	struct rig_http1 p;
	char *req;
	int fd, rc;

	snprintf(portstr, sizeof(portstr), "%d", port);
	if ((rc = getaddrinfo(host, portstr, &hints, &ai)) || !ai) {
		snprintf(why, cap, "cannot resolve %s: %s", host, gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) ||
	    connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		snprintf(why, cap, "GET %s: connect: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	req = rig_xasprintf("GET %s HTTP/1.0\r\nHost: %s:%d\r\nUser-Agent: rig-scrape\r\n\r\n",
			    path, host, port);
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req)) {
		snprintf(why, cap, "GET %s: send: %s", path, strerror(errno));
		free(req);
		close(fd);
		return -1;
	}
	free(req);
	/* the response ends at EOF or where the parser says (a server that
	 * keeps the connection open despite HTTP/1.0) */
	rig_http1_init(&p, 0);
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		size_t used = 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(why, cap, "GET %s: %s", path,
				 errno == EAGAIN ? "no answer within the timeout"
						 : strerror(errno));
			close(fd);
			return -1;
		}
		rc = n ? rig_http1_feed(&p, buf, (size_t)n, &used) : rig_http1_eof(&p);
		if (rc < 0 || (n == 0 && rc != RIG_HTTP1_DONE)) {
			snprintf(why, cap, "GET %s: %s", path,
				 rc < 0 ? rig_http1_strerror(rc) : "closed before an answer");
			close(fd);
			return -1;
		}
		if (b->len + used > MAX_BODY) {
			snprintf(why, cap, "GET %s: answer longer than 8 MiB", path);
			close(fd);
			return -1;
		}
		rig_buf_append(b, buf, used);
		if (rc == RIG_HTTP1_DONE)
			break;
	}
	close(fd);
	return 0;
}

int rig_scrape_once(const char *host, int port, const char *path, int timeout_ms,
		    struct rig_scrape_figs *f)
{
	struct rig_buf b = {0};
	struct one o = {0};
	const char *body;
	int status = 0, bad_line = 0;

	if (fetch(host, port, path, timeout_ms, &b, f->why, sizeof(f->why))) {
		rig_buf_free(&b);
		return -1;
	}
	rig_buf_append(&b, "", 1); /* NUL for the header search */
	b.len--;
	if (b.len < 12 || strncmp(b.data, "HTTP/1.", 7) != 0 ||
	    sscanf(b.data + 8, " %3d", &status) != 1 || status != 200) {
		snprintf(f->why, sizeof(f->why), "GET %s: status %d, not 200", path, status);
		rig_buf_free(&b);
		return -1;
	}
	if (!(body = strstr(b.data, "\r\n\r\n"))) {
		snprintf(f->why, sizeof(f->why), "GET %s: no end of the header section", path);
		rig_buf_free(&b);
		return -1;
	}
	body += 4;
	{
		/* HTTP/1.0 gets no chunked coding: one that is sent anyway is
		 * not decoded here */
		const char *te = strcasestr(b.data, "\ntransfer-encoding:");
		if (te && te < body && strcasestr(te, "chunked") &&
		    strcasestr(te, "chunked") < body) {
			snprintf(f->why, sizeof(f->why), "GET %s: a chunked answer to HTTP/1.0",
				 path);
			rig_buf_free(&b);
			return -1;
		}
	}
	if (rig_prom_parse(body, b.len - (size_t)(body - b.data), on_sample, &o, &bad_line) < 0) {
		snprintf(f->why, sizeof(f->why),
			 "GET %s: line %d of the answer is not Prometheus text format", path,
			 bad_line);
		rig_buf_free(&b);
		return -1;
	}
	rig_buf_free(&b);
	if (!o.have_count) {
		snprintf(f->why, sizeof(f->why),
			 "GET %s: no go_gc_duration_seconds_count (no Go collector)", path);
		return -1;
	}
	if (!f->scrapes) {
		f->gc_count0 = o.count;
		f->gc_sum0 = o.sum;
	}
	f->gc_count1 = o.count;
	f->gc_sum1 = o.sum;
	if (o.q1 > f->pause_max_s)
		f->pause_max_s = o.q1;
	if (o.heap > f->heap_peak)
		f->heap_peak = o.heap;
	f->heap_sum += o.heap;
	f->heap_sys = o.heap_sys;
	if (o.goroutines > f->goroutines_peak)
		f->goroutines_peak = o.goroutines;
	f->scrapes++;
	f->why[0] = '\0';
	return 0;
}

static void *scrape_main(void *arg)
{
	struct rig_scrape *s = arg;

	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += s->interval_ms / 1000;
		ts.tv_nsec += (long)(s->interval_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L)
			ts.tv_sec++, ts.tv_nsec -= 1000000000L;
		if (pthread_cond_timedwait(&s->cv, &s->mu, &ts) == 0 || s->stop)
			continue;
		pthread_mutex_unlock(&s->mu);
		/* a failure in the middle (the server busy past the timeout)
		 * leaves the figures as they were */
		{
			struct rig_scrape_figs tmp;
			pthread_mutex_lock(&s->mu);
			tmp = s->f;
			pthread_mutex_unlock(&s->mu);
			if (rig_scrape_once(s->host, s->port, s->path, s->timeout_ms, &tmp) == 0) {
				pthread_mutex_lock(&s->mu);
				s->f = tmp;
				pthread_mutex_unlock(&s->mu);
			}
		}
		pthread_mutex_lock(&s->mu);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

struct rig_scrape *rig_scrape_start(const char *host, int port, const char *path, int interval_ms,
				    int timeout_ms)
{
	struct rig_scrape *s = rig_xcalloc(1, sizeof(*s));

	snprintf(s->host, sizeof(s->host), "%s", host);
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->port = port;
	s->interval_ms = interval_ms > 0 ? interval_ms : 1000;
	s->timeout_ms = timeout_ms > 0 ? timeout_ms : 1000;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (rig_scrape_once(host, port, path, s->timeout_ms, &s->f) == 0 &&
	    pthread_create(&s->th, NULL, scrape_main, s) == 0)
		s->running = 1;
	return s;
}

void rig_scrape_stop(struct rig_scrape *s, struct rig_scrape_figs *f)
{
	if (s->running) {
		pthread_mutex_lock(&s->mu);
		s->stop = 1;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->th, NULL);
		rig_scrape_once(s->host, s->port, s->path, s->timeout_ms, &s->f);
		if (s->f.scrapes)
			s->f.why[0] = '\0';
	}
	*f = s->f;
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}

void rig_scrape_to_sample(const struct rig_scrape_figs *f, struct rig_sample *s)
{
	if (!f->scrapes)
		return;
	rig_sample_set(s, "go_gc_cycles", f->gc_count1 - f->gc_count0, "count");
	rig_sample_set(s, "go_gc_pause_us", (f->gc_sum1 - f->gc_sum0) * 1e6, "us");
	rig_sample_set(s, "go_gc_pause_max_us", f->pause_max_s * 1e6, "us");
	rig_sample_set(s, "go_heap_alloc_peak_kib", f->heap_peak / 1024, "KiB");
	rig_sample_set(s, "go_heap_alloc_mean_kib", f->heap_sum / f->scrapes / 1024, "KiB");
	rig_sample_set(s, "go_heap_sys_kib", f->heap_sys / 1024, "KiB");
	rig_sample_set(s, "go_goroutines_peak", f->goroutines_peak, "count");
	rig_sample_set(s, "metrics_scrapes", f->scrapes, "count");
}
