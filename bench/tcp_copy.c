/*
 * The loopback baseline for bench/agent_upload.sh: a plain TCP copy of N
 * bytes into a file, fsynced like an agent upload, with nothing in between
 * (no framing, no hashing), so the agent's upload can be compared with what
 * the kernel alone moves on the same machine.
 *
 *   tcp_copy recv ADDR PORT FILE          serve copies into FILE, one
 *                                         connection after another
 *   tcp_copy send BYTES ADDR:PORT...      send BYTES to every receiver at
 *                                         once (a thread each), wait until
 *                                         each has written, fsynced and
 *                                         closed; prints copy_ns (first
 *                                         connect to last close) and bytes
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char payload[1 << 20];
static long long bytes;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* "A.B.C.D:PORT" or separate host and port. */
static int addr_of(const char *host, const char *port, struct sockaddr_in *sa)
{
	char h[64];
	const char *colon = port ? NULL : strrchr(host, ':');

	if (!port) {
		if (!colon || (size_t)(colon - host) >= sizeof(h))
			return -1;
		memcpy(h, host, (size_t)(colon - host));
		h[colon - host] = 0;
		host = h;
		port = colon + 1;
	}
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((unsigned short)atoi(port));
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static int serve(const char *host, const char *port, const char *file)
{
	static char buf[1 << 20];
	struct sockaddr_in sa;
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (addr_of(host, port, &sa) || bind(s, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(s, 4)) {
		perror("tcp_copy recv");
		return 1;
	}
	for (;;) {
		int c = accept(s, NULL, NULL), fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		ssize_t r;

		if (c < 0 || fd < 0)
			return 1;
		while ((r = read(c, buf, sizeof(buf))) > 0)
			if (write(fd, buf, (size_t)r) != r)
				return 1;
		fsync(fd);
		close(fd);
		close(c);
	}
}

static void *send_one(void *arg)
{
	struct sockaddr_in *sa = arg;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	long long left = bytes;
	char sink[64];

	if (connect(s, (struct sockaddr *)sa, sizeof(*sa))) {
		perror("tcp_copy send");
		exit(1);
	}
	while (left > 0) {
		ssize_t w = write(
		    s, payload, left < (long long)sizeof(payload) ? (size_t)left : sizeof(payload));
		if (w <= 0)
			exit(1);
		left -= w;
	}
	shutdown(s, SHUT_WR);
	while (read(s, sink, sizeof(sink)) > 0) /* closed once written and fsynced */
		;
	close(s);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "recv"))
		return serve(argv[2], argv[3], argv[4]);
	if (argc >= 4 && !strcmp(argv[1], "send")) {
		int n = argc - 3;
		struct sockaddr_in *sa = calloc((size_t)n, sizeof(*sa));
		pthread_t *th = calloc((size_t)n, sizeof(*th));
		long long t0;

		bytes = atoll(argv[2]);
		memset(payload, 0x5a, sizeof(payload));
		for (int i = 0; i < n; i++)
			if (addr_of(argv[3 + i], NULL, &sa[i])) {
				fprintf(stderr, "tcp_copy: bad address %s\n", argv[3 + i]);
				return 2;
			}
		t0 = now_ns();
		for (int i = 0; i < n; i++)
			pthread_create(&th[i], NULL, send_one, &sa[i]);
		for (int i = 0; i < n; i++)
			pthread_join(th[i], NULL);
		printf("copy_ns=%lld\nbytes=%lld\n", now_ns() - t0, bytes * n);
		return 0;
	}
	fprintf(stderr, "usage: tcp_copy recv ADDR PORT FILE | send BYTES ADDR:PORT...\n");
	return 2;
}
