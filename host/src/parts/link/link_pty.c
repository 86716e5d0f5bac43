/*
 * Link parts pty and fd: a terminal device opened raw by path (a pty
 * slave, a tty with no USB identity), or a file descriptor rig inherited
 * (a test harness or a wrapper hands the stream over).
 *
 *   link: {kind: pty, path: /dev/pts/7, baud: 0}    # 0 leaves the rate
 *   link: {kind: fd, fd: 3}                          # dup'ed on each connect
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "transport_serial.h"

struct lpty_priv {
	char path[PATH_MAX];
	long long baud;
	long long fd;
};

static int lpty_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			  struct rig_error *err)
{
	static const char *const keys[] = {"path", "baud", NULL};
	struct lpty_priv *lp = rig_xcalloc(1, sizeof(*lp));
	int rc;

	b->link.priv = lp;
	if (!sec)
		return rig_fail(err, RIG_ERR_PARSE, "%s: link pty needs link.path (e.g. /dev/pts/7)",
				b->file);
	if ((rc = rig_part_known_keys(cfg, sec, keys, err)) ||
	    (rc = rig_cfg_str(cfg, sec, "path", 1, NULL, lp->path, sizeof(lp->path), err)) ||
	    (rc = rig_cfg_int(cfg, sec, "baud", 0, 0, 0, 4000000, &lp->baud, err)))
		return rc;
	return 0;
}

static int lpty_connect(struct rig_board *b, long long timeout_ms, struct rig_transport **out,
			struct rig_error *err)
{
	struct lpty_priv *lp = b->link.priv;
	int64_t deadline = rig_now_ns() + timeout_ms * 1000000;

	for (;;) {
		if (access(lp->path, F_OK) == 0 || rig_now_ns() >= deadline)
			break;
		nanosleep(&(struct timespec){.tv_nsec = 100 * 1000000}, NULL);
	}
	if (access(lp->path, F_OK) != 0)
		return rig_fail(err, RIG_ERR_NOT_FOUND, "%s: %s", lp->path, strerror(errno));
	return rig_transport_tty_open(lp->path, (int)lp->baud, out, err);
}

static void lpty_describe(struct rig_board *b, char *out, size_t cap)
{
	struct lpty_priv *lp = b->link.priv;

	snprintf(out, cap, "%s", lp->path);
}

static void lpty_destroy(struct rig_board *b)
{
	free(b->link.priv);
	b->link.priv = NULL;
}

const struct rig_link_ops rig_link_pty_ops = {
    .kind = "pty",
    .configure = lpty_configure,
    .connect = lpty_connect,
    .describe = lpty_describe,
    .destroy = lpty_destroy,
};

static int lfd_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			 struct rig_error *err)
{
	static const char *const keys[] = {"fd", NULL};
	struct lpty_priv *lp = rig_xcalloc(1, sizeof(*lp));
	int rc;

	b->link.priv = lp;
	if (!sec)
		return rig_fail(err, RIG_ERR_PARSE, "%s: link fd needs link.fd (a number)", b->file);
	if ((rc = rig_part_known_keys(cfg, sec, keys, err)) ||
	    (rc = rig_cfg_int(cfg, sec, "fd", 1, 0, 0, 65535, &lp->fd, err)))
		return rc;
	return 0;
}

static int lfd_connect(struct rig_board *b, long long timeout_ms, struct rig_transport **out,
		       struct rig_error *err)
{
	struct lpty_priv *lp = b->link.priv;
	char name[32];
	int fd = fcntl((int)lp->fd, F_DUPFD_CLOEXEC, 3);

	if (fd < 0)
		return rig_fail(err, RIG_ERR_NOT_FOUND, "board %s: file descriptor %lld: %s",
				b->name, lp->fd, strerror(errno));
	snprintf(name, sizeof(name), "fd %lld", lp->fd);
	return rig_transport_fd_open(fd, name, out, err);
}

static void lfd_describe(struct rig_board *b, char *out, size_t cap)
{
	struct lpty_priv *lp = b->link.priv;

	snprintf(out, cap, "fd %lld", lp->fd);
}

const struct rig_link_ops rig_link_fd_ops = {
    .kind = "fd",
    .configure = lfd_configure,
    .connect = lfd_connect,
    .describe = lfd_describe,
    .destroy = lpty_destroy,
};
