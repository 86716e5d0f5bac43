/*
 * The loopback baseline for bench/agent_upload.sh: a plain TCP copy of N
 * bytes into a file, with nothing in between (no framing, no hashing), so
 * the agent's upload can be compared with what the kernel alone moves.
 *
 *   tcp_copy recv ADDR PORT FILE     accept one connection, write all to FILE
 *   tcp_copy send ADDR PORT BYTES    connect, send BYTES, wait for the close;
 *                                    prints "copy_ns=N" (connect to the
 *                                    receiver's close, after its fsync-free write)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int addr_of(const char *host, const char *port, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((unsigned short)atoi(port));
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	struct sockaddr_in sa;
	int s, one = 1;

	if (argc != 5 || addr_of(argv[2], argv[3], &sa)) {
		fprintf(stderr, "usage: tcp_copy recv|send ADDR PORT FILE|BYTES\n");
		return 2;
	}
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (!strcmp(argv[1], "recv")) {
		int c, fd = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC, 0644);
		ssize_t r;

		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (fd < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 1)) {
			perror("tcp_copy recv");
			return 1;
		}
		printf("listening\n");
		fflush(stdout);
		if ((c = accept(s, NULL, NULL)) < 0)
			return 1;
		while ((r = read(c, buf, sizeof(buf))) > 0)
			if (write(fd, buf, (size_t)r) != r)
				return 1;
		close(fd);
		close(c);
		return 0;
	} else {
		long long left = atoll(argv[4]), t0;

		memset(buf, 0x5a, sizeof(buf));
		t0 = now_ns();
		if (connect(s, (struct sockaddr *)&sa, sizeof(sa))) {
			perror("tcp_copy send");
			return 1;
		}
		while (left > 0) {
			ssize_t w = write(
			    s, buf, left < (long long)sizeof(buf) ? (size_t)left : sizeof(buf));
			if (w <= 0)
				return 1;
			left -= w;
		}
		shutdown(s, SHUT_WR);
		/* the receiver closes once it has written everything */
		while (read(s, buf, sizeof(buf)) > 0)
			;
		printf("copy_ns=%lld\n", now_ns() - t0);
		return 0;
	}
}
