/*
 * A server under load on a WASI board (rig bench --load): which runtimes
 * can hand a preview-1 module a listening socket, how the runtime is told
 * to open it, and how the server is stopped.
 *
 * WASI preview 1 has sock_accept, sock_recv, sock_send and sock_shutdown
 * but no sock_open or bind: the runtime opens the socket and passes it
 * preopened. Of the runtimes rig knows only wazero does that for a
 * preview-1 module (`wazero run -listen ADDR`); the others' reasons are
 * below, each the runtime's own word where it has one. The guest sees no
 * signals (SIGTERM kills the runtime), so once the load is over rig asks
 * the server to stop with `GET /rig/stop` (the http workload's wasip1
 * build serves it), and the server prints its results and done 0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"
#include "wasi_runtime.h"
#include "wasi_serve.h"

const char *rig_wasi_serve_refusal(int rt)
{
	switch (rt) {
	case RT_WAZERO:
		return NULL;
	case RT_WASMTIME:
		return "wasmtime runs a preview-1 module on its preview-2 implementation, "
		       "which takes no preopened socket: `-S tcplisten=ADDR` says \"components "
		       "do not support --tcplisten\" and `-S preview2=n` (the legacy one that "
		       "had it) \"is no longer supported\" (wasmtime 49)";
	case RT_NODE:
		return "node:wasi (uvwasi) has no option to pass a listening socket to the "
		       "module";
	case RT_WAMR:
		return "the wamr CLI's --allow-net is for components (wasi:sockets); a "
		       "preview-1 module gets no listening socket";
	case RT_IWASM:
		return "iwasm's --addr-pool serves WAMR's own socket extension (sock_open, "
		       "bind: wasi_socket_ext), which Go's wasip1 port does not import";
	default:
		return "rig knows no way to pass this runtime's module a listening socket";
	}
}

/* host:port (IPv4) into a; 0, or -1. */
static int parse_addr(const char *hp, struct sockaddr_in *a)
{
	char host[64];
	const char *colon = strrchr(hp, ':');
	long port;

	if (!colon || (size_t)(colon - hp) >= sizeof(host))
		return -1;
	snprintf(host, sizeof(host), "%.*s", (int)(colon - hp), hp);
	port = strtol(colon + 1, NULL, 10);
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (port <= 0 || port > 65535 || inet_pton(AF_INET, host, &a->sin_addr) != 1)
		return -1;
	return 0;
}

/* Waits up to ms for fd to be ready for events: 1, 0 on timeout, -1. */
static int wait_fd(int fd, short events, int ms)
{
	struct pollfd p = {.fd = fd, .events = events};
	int n;

	while ((n = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	return n;
}

int rig_wasi_serve_stop(const char *listen, int timeout_ms)
{
	static const char req[] = "GET /rig/stop HTTP/1.0\r\nHost: rig\r\n\r\n";
	struct sockaddr_in a;
	char buf[256];
	size_t got = 0;
	int fd, code = 0;

	if (parse_addr(listen, &a))
		return -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    write(fd, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1)) {
		close(fd);
		return -1;
	}
	/* the status line is enough: the server stops after answering */
	while (got < sizeof(buf) - 1 && !memchr(buf, '\n', got) &&
	       wait_fd(fd, POLLIN, timeout_ms) == 1) {
		ssize_t n = read(fd, buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	if (sscanf(buf, "HTTP/1.%*d %d", &code) != 1)
		return -1;
	return code >= 200 && code < 300 ? 0 : -1;
}
