/*
 * http: the C twin of go/http (rig:service), the baseline row. Serves
 * GET /plaintext ("Hello, World!") and GET /json ({"message":"Hello,
 * World!"}) with Server, Date, Content-Type and Content-Length, HTTP/1.1
 * keep-alive and pipelining, one epoll loop per CPU it may run on (each with
 * its own SO_REUSEPORT listener). Listens on $RIG_LISTEN (IPv4 host:port,
 * default 127.0.0.1:8080), prints ready once listening; on SIGTERM or SIGINT
 * prints the requests served and done 0. A host program only: nothing here
 * is built into the bare-metal firmware.
 */
#ifndef RIG_WL_BARE
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rig_wl.h"

#define MAX_THREADS 64
#define BUF 16384

static volatile sig_atomic_t stop_flag;
static atomic_ulong served;
static struct sockaddr_in listen_addr;

struct conn {
	int fd;
	size_t have;
	char in[BUF];
};

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void out_write(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	while (n) {
		ssize_t w = write(1, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static uint64_t mono_ns(void *ctx)
{
	struct timespec ts;
	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int open_listener(void)
{
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&listen_addr, sizeof(listen_addr)) < 0 ||
	    listen(fd, 1024) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Writes the response to the request at req into out (404 for a path not
 * served); returns its length, or 0 when it does not fit in cap. */
static size_t respond(const char *req, char *out, size_t cap)
{
	static const char *const plain = "Hello, World!", *const json =
							      "{\"message\":\"Hello, World!\"}";
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	const char *body = NULL, *type = "text/plain";
	int n;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (strncmp(req, "GET /plaintext ", 15) == 0)
		body = plain;
	else if (strncmp(req, "GET /json ", 10) == 0)
		body = json, type = "application/json";
	n = snprintf(out, cap,
		     "HTTP/1.1 %s\r\nServer: rig-c\r\nDate: %s\r\nContent-Type: %s\r\n"
		     "Content-Length: %zu\r\n\r\n%s",
		     body ? "200 OK" : "404 Not Found", date, type, body ? strlen(body) : 0,
		     body ? body : "");
	if (body)
		atomic_fetch_add(&served, 1);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* Reads and answers every complete request; -1 when the connection ends. */
static int serve(struct conn *c)
{
	char out[BUF];

	for (;;) {
		size_t olen = 0, pos = 0;
		ssize_t n = read(c->fd, c->in + c->have, sizeof(c->in) - 1 - c->have);
		char *end;

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -1;
		c->have += (size_t)n;
		c->in[c->have] = '\0';
		while ((end = strstr(c->in + pos, "\r\n\r\n"))) {
			size_t r = respond(c->in + pos, out + olen, sizeof(out) - olen);
			if (!r)
				break;
			olen += r;
			pos = (size_t)(end - c->in) + 4;
		}
		memmove(c->in, c->in + pos, c->have - pos);
		c->have -= pos;
		if (c->have >= sizeof(c->in) - 1)
			return -1; /* a request header larger than the buffer */
		for (size_t off = 0; off < olen;) {
			ssize_t w = send(c->fd, out + off, olen - off, MSG_NOSIGNAL);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return -1; /* a client that does not read: dropped */
			off += (size_t)w;
		}
	}
}

static void *loop(void *arg)
{
	int lfd = (int)(intptr_t)arg, ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}, evs[128];

	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	while (!stop_flag) {
		int n = epoll_wait(ep, evs, 128, 100);
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (!c) {
				int fd, one = 1;
				while ((fd = accept4(lfd, NULL, NULL,
						     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					struct epoll_event cev = {.events = EPOLLIN};
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					c = calloc(1, sizeof(*c));
					if (!c) {
						close(fd);
						continue;
					}
					c->fd = fd;
					cev.data.ptr = c;
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
				}
				continue;
			}
			if (serve(c) < 0) {
				close(c->fd);
				free(c);
			}
		}
	}
	close(ep);
	return NULL;
}

int main(void)
{
	const struct rig_wl_io io = {out_write, mono_ns, NULL};
	const char *addr = getenv("RIG_LISTEN");
	char host[64] = "127.0.0.1";
	int port = 8080, nt = 0, lfds[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	cpu_set_t set;
	struct sigaction sa = {.sa_handler = on_signal};

	if (addr && *addr) {
		const char *colon = strrchr(addr, ':');
		if (!colon || colon - addr >= (long)sizeof(host) || atoi(colon + 1) < 1 ||
		    atoi(colon + 1) > 65535) {
			fprintf(stderr, "http: RIG_LISTEN '%s': expected IPV4:PORT\n", addr);
			return 1;
		}
		memcpy(host, addr, (size_t)(colon - addr));
		host[colon - addr] = '\0';
		port = atoi(colon + 1);
	}
	listen_addr.sin_family = AF_INET;
	listen_addr.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &listen_addr.sin_addr) != 1) {
		fprintf(stderr, "http: RIG_LISTEN '%s': '%s' is not an IPv4 address\n", addr, host);
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	CPU_ZERO(&set);
	nt = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
	if (nt < 1)
		nt = 1;
	if (nt > MAX_THREADS)
		nt = MAX_THREADS;
	for (int i = 0; i < nt; i++)
		if ((lfds[i] = open_listener()) < 0) {
			fprintf(stderr, "http: listen %s:%d: %s\n", host, port, strerror(errno));
			return 1;
		}
	for (int i = 0; i < nt; i++)
		pthread_create(&th[i], NULL, loop, (void *)(intptr_t)lfds[i]);
	rig_wl_ready(&io);
	for (int i = 0; i < nt; i++)
		pthread_join(th[i], NULL);
	rig_wl_result_u64(&io, "served", atomic_load(&served), "req");
	rig_wl_done(&io, 0);
	return 0;
}
#endif
