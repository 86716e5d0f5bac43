/*
 * Link parts unix and tcp: a stream socket, connected anew on each
 * connect (retrying until the timeout while nobody listens yet). Without
 * an address the power part provides one (a VM's forwarded port, its UART
 * socket).
 *
 *   link: {kind: unix, path: /run/board7.sock}
 *   link: {kind: tcp, host: rpi4.local, port: 7022}
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"

struct lsock_priv {
	char addr[PATH_MAX]; /* a path, or host:port; "" asks the power part */
	int tcp;
};

static int lsock_configure(struct rig_board *b, const struct rig_cfg *cfg,
			   struct rig_cfg_node *sec, int tcp, struct rig_error *err)
{
	static const char *const ukeys[] = {"path", NULL};
	static const char *const tkeys[] = {"host", "port", NULL};
	struct lsock_priv *lp = rig_xcalloc(1, sizeof(*lp));
	char host[256];
	long long port;
	int rc;

	b->link.priv = lp;
	lp->tcp = tcp;
	if (!sec)
		return 0;
	if ((rc = rig_part_known_keys(cfg, sec, tcp ? tkeys : ukeys, err)))
		return rc;
	if (!tcp)
		return rig_cfg_str(cfg, sec, "path", 0, "", lp->addr, sizeof(lp->addr), err);
	if ((rc = rig_cfg_str(cfg, sec, "host", 0, "", host, sizeof(host), err)) ||
	    (rc = rig_cfg_int(cfg, sec, "port", host[0] ? 1 : 0, 0, 1, 65535, &port, err)))
		return rc;
	if (host[0])
		snprintf(lp->addr, sizeof(lp->addr), "%s:%lld", host, port);
	return 0;
}

static int unix_configure(struct rig_board *b, const struct rig_cfg *cfg,
			  struct rig_cfg_node *sec, struct rig_error *err)
{
	return lsock_configure(b, cfg, sec, 0, err);
}

static int tcp_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			 struct rig_error *err)
{
	return lsock_configure(b, cfg, sec, 1, err);
}

void rig_link_tcp_set(struct rig_board *b, const char *host, int port)
{
	struct lsock_priv *lp = b->link.priv;

	if (host && host[0])
		snprintf(lp->addr, sizeof(lp->addr), "%s:%d", host, port);
	else
		lp->addr[0] = '\0';
}

/* The address to connect to, from the file or the power part. */
static int address(struct rig_board *b, char *out, size_t cap, struct rig_error *err)
{
	struct lsock_priv *lp = b->link.priv;
	const char *kind = lp->tcp ? "tcp" : "unix";

	if (lp->addr[0]) {
		snprintf(out, cap, "%s", lp->addr);
		return 0;
	}
	if (RIG_POWER(b)->endpoint && RIG_POWER(b)->endpoint(b, kind, out, cap) == 0)
		return 0;
	return rig_fail(err, RIG_ERR_INVALID,
			"board %s: link %s has no address and power %s provides none", b->name,
			kind, RIG_POWER(b)->kind);
}

static int lsock_connect(struct rig_board *b, long long timeout_ms, struct rig_transport **out,
			 struct rig_error *err)
{
	char addr[PATH_MAX];
	int rc;

	if ((rc = address(b, addr, sizeof(addr), err)))
		return rc;
	return rig_transport_connect(addr, (int)timeout_ms, out, err);
}

static void lsock_describe(struct rig_board *b, char *out, size_t cap)
{
	if (address(b, out, cap, NULL))
		snprintf(out, cap, "(the power part's %s endpoint)",
			 ((struct lsock_priv *)b->link.priv)->tcp ? "tcp" : "unix");
}

static void lsock_destroy(struct rig_board *b)
{
	free(b->link.priv);
	b->link.priv = NULL;
}

const struct rig_link_ops rig_link_unix_ops = {
    .kind = "unix",
    .configure = unix_configure,
    .connect = lsock_connect,
    .describe = lsock_describe,
    .destroy = lsock_destroy,
};

const struct rig_link_ops rig_link_tcp_ops = {
    .kind = "tcp",
    .configure = tcp_configure,
    .connect = lsock_connect,
    .describe = lsock_describe,
    .destroy = lsock_destroy,
};
