/*
 * rig-agent command line:
 *
 *   rig-agent --key FILE --work DIR [--listen ADDR:PORT] [--serial TTY]
 *             [--usb-ffs DIR] [--baud N] [--user UID:GID] [--max-file BYTES]
 *             [--once] [--port-file FILE] [--facts-root DIR] [--verbose]
 *
 * --facts-root is for tests (docs/farm.md): files under DIR shadow the
 * kernel's for FACTS (DIR/sys/class/thermal/thermal_zone0/temp...).
 *
 * Serves TCP connections (one process each) and, with --serial, sessions on
 * a tty one after another; with --usb-ffs, sessions on a USB gadget's
 * FunctionFS instance mounted at DIR (usb_ffs.c), alone. The key is only
 * ever read from a file, which must not be readable by group or others.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"

#define MAX_CONNS 8

static void usage(void)
{
	fprintf(stderr,
		"usage: rig-agent --key FILE --work DIR [--listen ADDR:PORT] [--serial TTY]\n"
		"                 [--usb-ffs DIR] [--baud N] [--user UID:GID] [--max-file BYTES]\n"
		"                 [--once] [--port-file FILE] [--facts-root DIR] [--verbose]\n");
	exit(2);
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* The key file: hex digits (whitespace ignored), 16..64 bytes. */
static int load_key(const char *path, struct agent_cfg *cfg)
{
	char text[4 * RIG_FRAME_KEY_MAX];
	struct stat sb;
	ssize_t n;
	size_t k = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), hi = -1;

	if (fd < 0 || fstat(fd, &sb)) {
		fprintf(stderr, "rig-agent: key file %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (sb.st_mode & 077) {
		fprintf(stderr,
			"rig-agent: key file %s is readable by others (mode %03o): chmod 600 it\n",
			path, (unsigned)(sb.st_mode & 0777));
		close(fd);
		return -1;
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0)
		n = 0;
	for (ssize_t i = 0; i < n; i++) {
		int v = hexval((unsigned char)text[i]);
		if (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')
			continue;
		if (v < 0 || k >= RIG_FRAME_KEY_MAX) {
			fprintf(stderr,
				"rig-agent: key file %s: expected %d..%d bytes as hex digits\n",
				path, RIG_FRAME_KEY_MIN, RIG_FRAME_KEY_MAX);
			return -1;
		}
		if (hi < 0) {
			hi = v;
		} else {
			cfg->psk[k++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	memset(text, 0, sizeof(text));
	if (hi >= 0 || k < RIG_FRAME_KEY_MIN) {
		fprintf(stderr,
			"rig-agent: key file %s: expected %d..%d bytes as hex digits, got %zu\n",
			path, RIG_FRAME_KEY_MIN, RIG_FRAME_KEY_MAX, k);
		return -1;
	}
	cfg->psk_len = k;
	return 0;
}

static int open_listener(const char *spec, const char *port_file)
{
	char host[64];
	const char *colon = strrchr(spec, ':');
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t al = sizeof(a);
	int fd, one = 1;

	if (!colon || (size_t)(colon - spec) >= sizeof(host)) {
		fprintf(stderr, "rig-agent: --listen %s: expected ADDR:PORT\n", spec);
		return -1;
	}
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = 0;
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
		fprintf(stderr, "rig-agent: --listen %s: '%s' is not an IPv4 address\n", spec,
			host);
		return -1;
	}
	a.sin_port = htons((uint16_t)atoi(colon + 1));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4)) {
		fprintf(stderr, "rig-agent: --listen %s: %s\n", spec, strerror(errno));
		close(fd);
		return -1;
	}
	getsockname(fd, (struct sockaddr *)&a, &al);
	fprintf(stderr, "rig-agent: listening on %s:%d\n", host, ntohs(a.sin_port));
	if (port_file) {
		char tmp[600];
		FILE *f;
		snprintf(tmp, sizeof(tmp), "%s.tmp", port_file);
		f = fopen(tmp, "w");
		if (!f || fprintf(f, "%d\n", ntohs(a.sin_port)) < 0 || fclose(f) ||
		    rename(tmp, port_file)) {
			fprintf(stderr, "rig-agent: --port-file %s: %s\n", port_file,
				strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

static speed_t baud_const(long baud)
{
	switch (baud) {
	case 9600:
		return B9600;
	case 19200:
		return B19200;
	case 38400:
		return B38400;
	case 57600:
		return B57600;
	case 115200:
		return B115200;
	case 230400:
		return B230400;
	case 460800:
		return B460800;
	case 921600:
		return B921600;
	case 1000000:
		return B1000000;
	case 1500000:
		return B1500000;
	case 3000000:
		return B3000000;
	}
	return 0;
}

static int open_serial(const char *path, long baud)
{
	struct termios t;
	speed_t sp = baud_const(baud);
	int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "rig-agent: --serial %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!sp) {
		fprintf(stderr, "rig-agent: --baud %ld: not a standard rate\n", baud);
		close(fd);
		return -1;
	}
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		cfsetispeed(&t, sp);
		cfsetospeed(&t, sp);
		t.c_cflag |= CLOCAL | CREAD;
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		tcsetattr(fd, TCSANOW, &t);
		tcflush(fd, TCIOFLUSH);
	}
	return fd;
}

/* Sessions on the serial line, one after another, for ever. */
static void serial_loop(const struct agent_cfg *cfg, int fd)
{
	for (;;) {
		agent_serve(cfg, fd, fd, 1);
		/* a broken line must not turn into a busy loop */
		usleep(50000);
	}
}

static void reap(int *nconn)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		if (*nconn > 0)
			(*nconn)--;
}

int main(int argc, char **argv)
{
	static struct agent_cfg cfg;
	const char *key = NULL, *work = NULL, *listen_spec = NULL, *serial = NULL,
		   *port_file = NULL, *usb_ffs = NULL;
	long baud = 115200;
	int once = 0, verbose = 0, lfd = -1, nconn = 0;
	pid_t serial_pid = -1;

	cfg.max_file_bytes = 256ull << 20;
	cfg.max_output_bytes = 4ull << 20;
	cfg.handshake_timeout_ms = 10000;
	cfg.idle_timeout_ms = 600000;
	cfg.rlimit_fsize_bytes = 256ull << 20;
	cfg.run_uid = 65534;
	cfg.run_gid = 65534;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--verbose")) {
			verbose = 1;
			continue;
		}
		if (!strcmp(a, "--once")) {
			once = 1;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (!strcmp(a, "--key"))
			key = v;
		else if (!strcmp(a, "--work"))
			work = v;
		else if (!strcmp(a, "--listen"))
			listen_spec = v;
		else if (!strcmp(a, "--serial"))
			serial = v;
		else if (!strcmp(a, "--usb-ffs"))
			usb_ffs = v;
		else if (!strcmp(a, "--baud"))
			baud = atol(v);
		else if (!strcmp(a, "--port-file"))
			port_file = v;
		else if (!strcmp(a, "--facts-root"))
			snprintf(cfg.facts_root, sizeof(cfg.facts_root), "%s", v);
		else if (!strcmp(a, "--max-file"))
			cfg.max_file_bytes = strtoull(v, NULL, 10);
		else if (!strcmp(a, "--user")) {
			unsigned u, g;
			if (sscanf(v, "%u:%u", &u, &g) != 2)
				usage();
			cfg.run_uid = u;
			cfg.run_gid = g;
		} else
			usage();
	}
	if (!key || !work || (!listen_spec && !serial && !usb_ffs) ||
	    (usb_ffs && (listen_spec || serial)))
		usage();
	agent_log_init(verbose);
	if (load_key(key, &cfg))
		return 1;
	if (!realpath(work, cfg.workdir)) {
		fprintf(stderr, "rig-agent: --work %s: %s\n", work, strerror(errno));
		return 1;
	}
	cfg.workdir_fd = open(cfg.workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cfg.workdir_fd < 0) {
		fprintf(stderr, "rig-agent: --work %s: %s\n", cfg.workdir, strerror(errno));
		return 1;
	}
	/* As root, workloads run as an unprivileged user (default nobody). */
	cfg.drop_privs = geteuid() == 0;
	signal(SIGPIPE, SIG_IGN);

	if (usb_ffs) {
		int ep0 = agent_usb_ffs_open(usb_ffs);

		if (ep0 < 0)
			return 1;
		agent_usb_ffs_serve(&cfg, usb_ffs, ep0);
		return 1;
	}
	if (listen_spec && (lfd = open_listener(listen_spec, port_file)) < 0)
		return 1;
	if (serial) {
		int sfd = open_serial(serial, baud);
		if (sfd < 0)
			return 1;
		if (!listen_spec) {
			serial_loop(&cfg, sfd);
			return 0;
		}
		serial_pid = fork();
		if (serial_pid == 0) {
			close(lfd);
			serial_loop(&cfg, sfd);
			_exit(0);
		}
		close(sfd);
	}
	for (;;) {
		int cfd, one = 1;
		pid_t pid;

		cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		reap(&nconn);
		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			agent_err("accept: %s", strerror(errno));
			return 1;
		}
		setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (once && serial_pid <= 0) {
			agent_serve(&cfg, cfd, cfd, 0);
			close(cfd);
			return 0;
		}
		if (nconn >= MAX_CONNS) {
			/* answering would need a session; closing is the clear refusal */
			agent_warn("refused a connection: %d sessions already", MAX_CONNS);
			close(cfd);
			continue;
		}
		pid = fork();
		if (pid == 0) {
			close(lfd);
			agent_serve(&cfg, cfd, cfd, 0);
			close(cfd);
			_exit(0);
		}
		if (pid > 0)
			nconn++;
		else
			agent_err("fork: %s: connection closed", strerror(errno));
		close(cfd);
		/* a run kills every child of its process (run.c): with a serial
		 * child here, one session is served in a child of its own */
		if (once) {
			while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			return 0;
		}
	}
}
