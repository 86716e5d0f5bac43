/*
 * Link parts: how rig opens a byte stream (parts/link/transport.h) to a
 * target. Kinds (one file each):
 *
 *   none      no stream (host processes, WASI runtimes) (link.c)
 *   serial    a serial port through libserialport, by USB identity
 *             (usb:VID:PID[:SERIAL]) or path (link_serial.c)
 *   pty       a pty or tty device path, raw (link_pty.c)
 *   fd        an inherited file descriptor number (link_pty.c)
 *   unix      a unix socket path (link_socket.c)
 *   tcp       host:port (link_socket.c); without a host, the power part's
 *             endpoint (a VM's forwarded port)
 *   emulator  the power part's own console (QEMU's UART) (link_emulator.c)
 *   usb-bulk  a USB function's bulk IN/OUT pair: rig-agent in USB gadget
 *             mode (link_usb_bulk.c)
 */
#ifndef RIG_LINK_H
#define RIG_LINK_H

#include "part.h"
#include "transport.h"
#include "util.h"

struct rig_board;

struct rig_link_ops {
	const char *kind; /* the `link: {kind: ...}` value */

	/* Reads sec (see part.h) into the board's link.priv. Required. */
	int (*configure)(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			 struct rig_error *err);

	/* Opens a new stream, retrying while the target is absent until
	 * timeout_ms (0: one attempt; USB ports vanish while a board
	 * reboots). The caller owns *out and closes it. RIG_ERR_NOT_FOUND
	 * when the device is not there; RIG_ERR_NOT_SUPPORTED for link none.
	 * Blocks at most timeout_ms. Required. */
	int (*connect)(struct rig_board *b, long long timeout_ms, struct rig_transport **out,
		       struct rig_error *err);

	/* Where it goes, for messages and facts ("usb:2e8a:000a",
	 * "127.0.0.1:7022"). Required. */
	void (*describe)(struct rig_board *b, char *out, size_t cap);

	/* The serial port selector and rate, for power parts that drive the
	 * port themselves (touch1200). RIG_ERR_NOT_SUPPORTED when this is no
	 * serial port. Optional. */
	int (*serial_port)(struct rig_board *b, char *sel, size_t cap, int *baud);

	/* Frees link.priv. Optional. */
	void (*destroy)(struct rig_board *b);
};

/* For presets whose legacy sections spread a link's fields elsewhere (an
 * agent board's `agent: {serial:, baud:}` / `{host:, port:}`): make the
 * board's link serial on that port, or point link tcp at host:port (host
 * "" leaves it to the power part's endpoint). */
int rig_link_serial_set(struct rig_board *b, const char *port, int baud, struct rig_error *err);
void rig_link_tcp_set(struct rig_board *b, const char *host, int port);

const struct rig_link_ops *rig_link_find(const char *kind);
const char *rig_link_kinds(void);

extern const struct rig_link_ops rig_link_none_ops;
extern const struct rig_link_ops rig_link_serial_ops;
extern const struct rig_link_ops rig_link_pty_ops;
extern const struct rig_link_ops rig_link_fd_ops;
extern const struct rig_link_ops rig_link_unix_ops;
extern const struct rig_link_ops rig_link_tcp_ops;
extern const struct rig_link_ops rig_link_emulator_ops;
extern const struct rig_link_ops rig_link_usb_bulk_ops;

#endif
