/*
 * The "fd" transport: any file descriptor that poll() works on. Ptys that
 * an emulator opened, unix and TCP sockets, pipes. Every read and write
 * waits with poll() against a deadline, so nothing blocks forever.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "transport.h"
#include "transport_serial.h"
#include "util.h"

struct fd_priv {
	int fd;
	int is_tty;
	int is_socket;
};

static int fd_of(struct rig_transport *t) { return ((struct fd_priv *)t->priv)->fd; }

/* Milliseconds left until deadline_ns (>= 0). */
static int ms_left(int64_t deadline_ns)
{
	int64_t left = deadline_ns - rig_now_ns();

	if (left <= 0)
		return 0;
	return (int)((left + 999999) / 1000000);
}

static ssize_t fd_read(struct rig_transport *t, void *buf, size_t n, int timeout_ms,
		       struct rig_error *err)
{
	int64_t deadline = rig_now_ns() + (int64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000;
	struct pollfd pfd = {.fd = fd_of(t), .events = POLLIN};

	for (;;) {
		ssize_t r = read(pfd.fd, buf, n);
		int pr;

		if (r > 0)
			return r;
		if (r == 0)
			return rig_fail(err, RIG_ERR_IO, "%s: end of stream (peer closed)",
					t->name);
		if (errno == EIO)
			/* A pty master whose slave closed, or a slave whose master
			 * closed: the emulator went away. */
			return rig_fail(err, RIG_ERR_IO,
					"%s: end of stream (EIO: other side closed)", t->name);
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return rig_fail(err, RIG_ERR_IO, "%s: read: %s", t->name, strerror(errno));
		pr = poll(&pfd, 1, ms_left(deadline));
		if (pr < 0 && errno != EINTR)
			return rig_fail(err, RIG_ERR_IO, "%s: poll: %s", t->name, strerror(errno));
		if (pr == 0)
			return rig_fail(err, RIG_ERR_TIMEOUT, "%s: nothing to read within %d ms",
					t->name, timeout_ms);
		/* POLLHUP with data still buffered: the read above drains it
		 * first, then sees EOF or EIO. */
	}
}

static ssize_t fd_write(struct rig_transport *t, const void *buf, size_t n, int timeout_ms,
			struct rig_error *err)
{
	int64_t deadline = rig_now_ns() + (int64_t)(timeout_ms > 0 ? timeout_ms : 0) * 1000000;
	struct pollfd pfd = {.fd = fd_of(t), .events = POLLOUT};
	const char *p = buf;
	size_t done = 0;
	int flags = ((struct fd_priv *)t->priv)->is_socket ? MSG_NOSIGNAL : 0;

	while (done < n) {
		ssize_t w = flags ? send(pfd.fd, p + done, n - done, flags)
				  : write(pfd.fd, p + done, n - done);
		int pr;

		if (w > 0) {
			done += (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return rig_fail(err, RIG_ERR_IO, "%s: write: %s", t->name, strerror(errno));
		pr = poll(&pfd, 1, ms_left(deadline));
		if (pr < 0 && errno != EINTR)
			return rig_fail(err, RIG_ERR_IO, "%s: poll: %s", t->name, strerror(errno));
		if (pr == 0)
			return rig_fail(err, RIG_ERR_TIMEOUT,
					"%s: wrote %zu of %zu bytes within %d ms", t->name, done, n,
					timeout_ms);
		if (pfd.revents & (POLLERR | POLLHUP) && !(pfd.revents & POLLOUT))
			return rig_fail(err, RIG_ERR_IO, "%s: write: other side closed", t->name);
	}
	return (ssize_t)n;
}

static int fd_flush_input(struct rig_transport *t, struct rig_error *err)
{
	struct fd_priv *p = t->priv;
	char tmp[512];

	if (p->is_tty && tcflush(p->fd, TCIFLUSH) == 0)
		return 0;
	/* Sockets and pipes: read what is there now and drop it. */
	for (;;) {
		ssize_t r = read(p->fd, tmp, sizeof(tmp));

		if (r > 0)
			continue;
		if (r == 0 || errno == EAGAIN || errno == EWOULDBLOCK || errno == EIO)
			return 0;
		if (errno != EINTR)
			return rig_fail(err, RIG_ERR_IO, "%s: flush: %s", t->name, strerror(errno));
	}
}

static speed_t baud_to_speed(int baud)
{
	static const struct {
		int baud;
		speed_t speed;
	} table[] = {
	    {1200, B1200},	 {2400, B2400},	    {4800, B4800},     {9600, B9600},
	    {19200, B19200},	 {38400, B38400},   {57600, B57600},   {115200, B115200},
	    {230400, B230400},	 {460800, B460800}, {921600, B921600}, {1000000, B1000000},
	    {2000000, B2000000},
	};

	for (size_t i = 0; i < RIG_ARRAY_SIZE(table); i++)
		if (table[i].baud == baud)
			return table[i].speed;
	return 0;
}

static int fd_set_baud(struct rig_transport *t, int baud, struct rig_error *err)
{
	struct fd_priv *p = t->priv;
	struct termios tio;
	speed_t sp = baud_to_speed(baud);

	if (!p->is_tty)
		return rig_fail(err, RIG_ERR_NOT_SUPPORTED, "%s: not a tty: no line rate to set",
				t->name);
	if (!sp)
		return rig_fail(err, RIG_ERR_INVALID, "%s: baud %d is not a standard rate", t->name,
				baud);
	if (tcgetattr(p->fd, &tio) || cfsetispeed(&tio, sp) || cfsetospeed(&tio, sp) ||
	    tcsetattr(p->fd, TCSANOW, &tio))
		return rig_fail(err, RIG_ERR_IO, "%s: setting %d baud: %s", t->name, baud,
				strerror(errno));
	return 0;
}

static int fd_set_lines(struct rig_transport *t, int dtr, int rts, struct rig_error *err)
{
	struct fd_priv *p = t->priv;
	int bits;

	if (!p->is_tty)
		return rig_fail(err, RIG_ERR_NOT_SUPPORTED, "%s: not a tty: no DTR/RTS", t->name);
	/* Ptys reject TIOCMGET/TIOCMSET with ENOTTY: they have no modem lines. */
	if (ioctl(p->fd, TIOCMGET, &bits))
		return rig_fail(
		    err, errno == ENOTTY || errno == EINVAL ? RIG_ERR_NOT_SUPPORTED : RIG_ERR_IO,
		    "%s: reading modem lines: %s (a pty has no DTR/RTS)", t->name, strerror(errno));
	if (dtr >= 0)
		bits = dtr ? bits | TIOCM_DTR : bits & ~TIOCM_DTR;
	if (rts >= 0)
		bits = rts ? bits | TIOCM_RTS : bits & ~TIOCM_RTS;
	if (ioctl(p->fd, TIOCMSET, &bits))
		return rig_fail(err, RIG_ERR_IO, "%s: setting DTR/RTS: %s", t->name,
				strerror(errno));
	return 0;
}

static void fd_close(struct rig_transport *t)
{
	struct fd_priv *p = t->priv;

	if (p->fd >= 0)
		close(p->fd);
	free(p);
	free(t);
}

static const struct rig_transport_ops fd_ops = {
    .kind = "fd",
    .read = fd_read,
    .write = fd_write,
    .flush_input = fd_flush_input,
    .set_baud = fd_set_baud,
    .set_lines = fd_set_lines,
    .close = fd_close,
};

int rig_transport_fd_open(int fd, const char *name, struct rig_transport **out,
			  struct rig_error *err)
{
	struct rig_transport *t;
	struct fd_priv *p;
	struct stat st;
	int fl;

	if (fd < 0 || fstat(fd, &st))
		return rig_fail(err, RIG_ERR_INVALID, "%s: not an open file descriptor", name);
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		rig_fail(err, RIG_ERR_IO, "%s: setting O_NONBLOCK: %s", name, strerror(errno));
		close(fd);
		return RIG_ERR_IO;
	}
	t = rig_xcalloc(1, sizeof(*t));
	p = rig_xcalloc(1, sizeof(*p));
	p->fd = fd;
	p->is_tty = isatty(fd);
	p->is_socket = S_ISSOCK(st.st_mode);
	t->ops = &fd_ops;
	t->priv = p;
	snprintf(t->name, sizeof(t->name), "%s", name);
	*out = t;
	return 0;
}

int rig_transport_tty_open(const char *path, int baud, struct rig_transport **out,
			   struct rig_error *err)
{
	struct termios tio;
	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return rig_fail(err, errno == ENOENT ? RIG_ERR_NOT_FOUND : RIG_ERR_IO,
				"%s: open: %s", path, strerror(errno));
	if (tcgetattr(fd, &tio)) {
		rc =
		    rig_fail(err, RIG_ERR_INVALID, "%s: not a terminal: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	/* Raw 8N1: no echo, no line editing, no CR/LF translation; the report
	 * lines arrive byte for byte. */
	cfmakeraw(&tio);
	tio.c_cflag |= CLOCAL | CREAD;
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSANOW, &tio)) {
		rc = rig_fail(err, RIG_ERR_IO, "%s: tcsetattr: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	if ((rc = rig_transport_fd_open(fd, path, out, err)))
		return rc;
	if (baud > 0 && (rc = fd_set_baud(*out, baud, err))) {
		rig_transport_close(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

static int is_unix_addr(const char *addr)
{
	/* "host:port" is TCP; anything with a '/' or no ':' is a socket path. */
	return strchr(addr, '/') || !strchr(addr, ':');
}

static int connect_unix(const char *path, int *fd_out, int *retry, struct rig_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	*retry = 0;
	if (strlen(path) >= sizeof(sa.sun_path))
		return rig_fail(err, RIG_ERR_INVALID,
				"unix socket path is %zu bytes, the limit is %zu: %s", strlen(path),
				sizeof(sa.sun_path) - 1, path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return rig_fail(err, RIG_ERR_IO, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		*fd_out = fd;
		return 0;
	}
	*retry = errno == ENOENT || errno == ECONNREFUSED || errno == EAGAIN;
	rig_fail(err, RIG_ERR_IO, "connecting to %s: %s", path, strerror(errno));
	close(fd);
	return RIG_ERR_IO;
}

static int connect_tcp(const char *addr, int *fd_out, int *retry, struct rig_error *err)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL, *ai;
	char host[256];
	const char *colon = strrchr(addr, ':');
	size_t hl = (size_t)(colon - addr);
	int gai, one = 1, last_errno = 0;

	*retry = 0;
	if (addr[0] == '[' && hl >= 2 && addr[hl - 1] == ']') { /* [::1]:port */
		addr++;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof(host) || !colon[1])
		return rig_fail(err, RIG_ERR_INVALID, "address \"%s\": expected host:port", addr);
	memcpy(host, addr, hl);
	host[hl] = '\0';
	gai = getaddrinfo(host, colon + 1, &hints, &res);
	if (gai)
		return rig_fail(err, RIG_ERR_INVALID, "address \"%s\": %s", addr,
				gai_strerror(gai));
	for (ai = res; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);

		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			/* Without TCP_NODELAY each short reply waits for the
			 * peer's delayed ACK (~40 ms, measured with QEMU). */
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			freeaddrinfo(res);
			*fd_out = fd;
			return 0;
		}
		last_errno = errno;
		close(fd);
	}
	freeaddrinfo(res);
	*retry = last_errno == ECONNREFUSED || last_errno == ETIMEDOUT;
	return rig_fail(err, RIG_ERR_IO, "connecting to %s: %s", addr,
			strerror(last_errno ? last_errno : EHOSTUNREACH));
}

int rig_transport_connect(const char *addr, int timeout_ms, struct rig_transport **out,
			  struct rig_error *err)
{
	int64_t deadline = rig_now_ns() + (int64_t)timeout_ms * 1000000;
	int fd = -1, retry, rc;

	for (;;) {
		rc = is_unix_addr(addr) ? connect_unix(addr, &fd, &retry, err)
					: connect_tcp(addr, &fd, &retry, err);
		if (rc == 0)
			break;
		if (!retry)
			return rc;
		if (rig_now_ns() >= deadline) {
			char last[sizeof(err->msg)];

			snprintf(last, sizeof(last), "%s", err ? err->msg : addr);
			return rig_fail(err, RIG_ERR_TIMEOUT, "%s (still after %d ms)", last,
					timeout_ms);
		}
		nanosleep(&(struct timespec){.tv_nsec = 5 * 1000000}, NULL);
	}
	return rig_transport_fd_open(fd, addr, out, err);
}
