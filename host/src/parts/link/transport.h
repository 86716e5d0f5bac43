/*
 * Transports: byte streams to a board. Serial ports (libserialport), ptys and
 * unix/TCP sockets opened by an emulator, pipes to a child process. Every read
 * and write takes a deadline; nothing blocks forever.
 */
#ifndef RIG_TRANSPORT_H
#define RIG_TRANSPORT_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

struct rig_transport;

struct rig_transport_ops {
	const char *kind; /* "serial", "fd" (pty, socket, pipe), "tcp" */

	/* Reads up to n bytes, waiting at most timeout_ms (0: poll). Returns the
	 * count (> 0), RIG_ERR_TIMEOUT when nothing came, RIG_ERR_IO at EOF or
	 * on error (message in err). Required. */
	ssize_t (*read)(struct rig_transport *t, void *buf, size_t n, int timeout_ms,
			struct rig_error *err);

	/* Writes all n bytes or fails; at most timeout_ms. Returns n or < 0. Required. */
	ssize_t (*write)(struct rig_transport *t, const void *buf, size_t n, int timeout_ms,
			 struct rig_error *err);

	/* Drops unread input. Optional. */
	int (*flush_input)(struct rig_transport *t, struct rig_error *err);

	/* Sets the line rate (serial only). Optional. */
	int (*set_baud)(struct rig_transport *t, int baud, struct rig_error *err);

	/* Drives DTR/RTS (-1 leaves one as it is). Optional: ptys cannot. */
	int (*set_lines)(struct rig_transport *t, int dtr, int rts, struct rig_error *err);

	/* Closes and frees. Required. */
	void (*close)(struct rig_transport *t);
};

struct rig_transport {
	const struct rig_transport_ops *ops;
	char name[256]; /* for messages: the port, pty or address */
	void *priv;
};

/* A transport over a file descriptor the caller opened (pty master/slave,
 * socket, pipe). Takes ownership of fd. */
int rig_transport_fd_open(int fd, const char *name, struct rig_transport **out,
			  struct rig_error *err);
/* Connects to a unix socket path or "host:port" (TCP, TCP_NODELAY set),
 * retrying until timeout_ms. */
int rig_transport_connect(const char *addr, int timeout_ms, struct rig_transport **out,
			  struct rig_error *err);

static inline ssize_t rig_transport_read(struct rig_transport *t, void *buf, size_t n,
					 int timeout_ms, struct rig_error *err)
{
	return t->ops->read(t, buf, n, timeout_ms, err);
}

static inline ssize_t rig_transport_write(struct rig_transport *t, const void *buf, size_t n,
					  int timeout_ms, struct rig_error *err)
{
	return t->ops->write(t, buf, n, timeout_ms, err);
}

static inline void rig_transport_close(struct rig_transport *t)
{
	if (t)
		t->ops->close(t);
}

#endif
