/* HTTP/1.1 test servers: see testserver.h. One poll() loop in a thread. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "testserver.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 256

struct tconn {
	int fd;
	size_t len;
	char buf[8192];
};

struct testserver {
	enum ts_mode mode;
	int lfd, port, stall_after, stall_ms, stalled;
	atomic_int stop;
	atomic_long answered;
	pthread_t th;
	struct tconn conns[MAX_CONNS];
	int n;
};

static void drop(struct testserver *s, int i)
{
	close(s->conns[i].fd);
	s->conns[i] = s->conns[--s->n];
}

static void reset_conn(struct testserver *s, int i)
{
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	setsockopt(s->conns[i].fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	drop(s, i);
}

static int reply(int fd, int status, int close_after)
{
	char out[256];
	int n = snprintf(out, sizeof(out),
			 "HTTP/1.1 %d %s\r\nServer: ts\r\nContent-Type: text/plain\r\n"
			 "Content-Length: 13\r\n%s\r\nHello, World!",
			 status, status == 200 ? "OK" : "Internal Server Error",
			 close_after ? "Connection: close\r\n" : "");
	return send(fd, out, (size_t)n, MSG_NOSIGNAL) == n ? 0 : -1;
}

/* Handles the complete requests buffered on connection i; returns 1 when
 * the connection was dropped. */
static int handle(struct testserver *s, int i)
{
	struct tconn *c = &s->conns[i];
	char *end;

	while ((end = memmem(c->buf, c->len, "\r\n\r\n", 4))) {
		size_t used = (size_t)(end + 4 - c->buf);
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
		switch (s->mode) {
		case TS_SILENT:
			continue;
		case TS_RESET:
			reset_conn(s, i);
			return 1;
		case TS_STALL:
			if (!s->stalled && atomic_load(&s->answered) >= s->stall_after) {
				struct timespec ts = {s->stall_ms / 1000,
						      (s->stall_ms % 1000) * 1000000L};
				s->stalled = 1;
				nanosleep(&ts, NULL);
			}
			break;
		default:
			break;
		}
		/* counted before the reply leaves: a client that got it and
		 * asks ts_answered() at once must see it counted */
		atomic_fetch_add(&s->answered, 1);
		if (reply(c->fd, s->mode == TS_ERROR_500 ? 500 : 200, s->mode == TS_CLOSE) < 0) {
			atomic_fetch_sub(&s->answered, 1);
			drop(s, i);
			return 1;
		}
		if (s->mode == TS_CLOSE) {
			drop(s, i);
			return 1;
		}
	}
	return 0;
}

static void *serve(void *arg)
{
	struct testserver *s = arg;

	while (!atomic_load(&s->stop)) {
		struct pollfd pfd[MAX_CONNS + 1];
		int n = s->n;

		pfd[0] = (struct pollfd){.fd = s->lfd, .events = POLLIN};
		for (int i = 0; i < n; i++)
			pfd[i + 1] = (struct pollfd){.fd = s->conns[i].fd, .events = POLLIN};
		if (poll(pfd, (nfds_t)n + 1, 50) <= 0)
			continue;
		for (int i = n - 1; i >= 0; i--) {
			struct tconn *c = &s->conns[i];
			ssize_t r;
			if (!(pfd[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
			if (r <= 0) {
				drop(s, i);
				continue;
			}
			c->len += (size_t)r;
			handle(s, i);
		}
		if (pfd[0].revents & POLLIN) {
			int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
			if (fd >= 0 && s->n < MAX_CONNS)
				s->conns[s->n++] = (struct tconn){.fd = fd};
			else if (fd >= 0)
				close(fd);
		}
	}
	return NULL;
}

struct testserver *ts_start(enum ts_mode mode, int stall_after, int stall_ms)
{
	struct testserver *s = calloc(1, sizeof(*s));
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);

	if (!s)
		return NULL;
	s->mode = mode;
	s->stall_after = stall_after;
	s->stall_ms = stall_ms;
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(s->lfd, 512) < 0 || getsockname(s->lfd, (struct sockaddr *)&a, &al) < 0 ||
	    pthread_create(&s->th, NULL, serve, s) != 0) {
		if (s->lfd >= 0)
			close(s->lfd);
		free(s);
		return NULL;
	}
	s->port = ntohs(a.sin_port);
	return s;
}

int ts_port(const struct testserver *s) { return s->port; }

long ts_answered(const struct testserver *s) { return atomic_load(&s->answered); }

void ts_stop(struct testserver *s)
{
	if (!s)
		return;
	atomic_store(&s->stop, 1);
	pthread_join(s->th, NULL);
	for (int i = 0; i < s->n; i++)
		close(s->conns[i].fd);
	close(s->lfd);
	free(s);
}
