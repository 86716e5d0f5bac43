/*
 * Board kinds are presets of parts. Each preset names a part per role and
 * the legacy section each part reads (so every board file written before
 * parts existed keeps its meaning); a role section in the file
 * (`power:`, `flash:`, `link:`, `runner:` with a `kind:`) replaces the
 * preset's choice for that role. `kind: parts` starts from nothing.
 *
 *   kind     power            flash        link          runner   sections
 *   host     none             none         none          exec     host:
 *   qemu     qemu             qemu-kernel  emulator      mcu      qemu:
 *   serial   reset.method     command      serial        mcu      serial: reset: flash:
 *   agent    qemu-vm | none   agent-put    tcp | serial  agent    qemu: agent:
 *            (qemu-vm when `qemu:` is there; link from agent.transport)
 *   wasi     none             none         none          wasi     wasi:
 *   null     none             none         none          none
 *   parts    power:           flash:       link:         runner:
 */
#include <stdio.h>
#include <string.h>

#include "board.h"

enum { POWER, FLASH, LINK, RUNNER };

static const char *const role_keys[4] = {"power", "flash", "link", "runner"};

/* Fills the explicit role sections; a role section without `kind:` is only
 * allowed where a legacy section of the same name exists (serial's
 * flash:), which the caller handles. */
static void explicit_sections(const struct rig_cfg *cfg, struct rig_cfg_node *secs[4])
{
	for (int r = 0; r < 4; r++)
		secs[r] = rig_cfg_get(cfg, NULL, role_keys[r]);
}

/* legacy: the section a preset's part reads when the role is not given */
static int compose(struct rig_board *b, const struct rig_cfg *cfg, const char *kinds[4],
		   const char *const legacy[4], struct rig_error *err)
{
	struct rig_cfg_node *secs[4];

	explicit_sections(cfg, secs);
	for (int r = 0; r < 4; r++) {
		struct rig_cfg_node *old = legacy[r] ? rig_cfg_get(cfg, NULL, legacy[r]) : NULL;

		if (secs[r] && !rig_cfg_is_map(secs[r]))
			return rig_fail(err, RIG_ERR_PARSE,
					"%s:%d: field '%s': expected a mapping with kind: ..., e.g. "
					"%s: {kind: none}",
					b->file, rig_cfg_line(secs[r]), role_keys[r], role_keys[r]);
		if (secs[r] && old && old != secs[r])
			return rig_fail(err, RIG_ERR_PARSE,
					"%s:%d: field '%s': this board gives both '%s:' and '%s:' "
					"(the kind %s preset reads %s: for its %s part); keep one",
					b->file, rig_cfg_line(secs[r]), role_keys[r], role_keys[r],
					legacy[r], b->ops->kind, legacy[r], role_keys[r]);
		if (!secs[r])
			secs[r] = old;
		else if (!rig_cfg_get(cfg, secs[r], "kind") && secs[r] != old)
			return rig_fail(err, RIG_ERR_PARSE,
					"%s:%d: field '%s': needs kind: (one of %s)", b->file,
					rig_cfg_line(secs[r]), role_keys[r],
					r == POWER   ? rig_power_kinds()
					: r == FLASH ? rig_flash_kinds()
					: r == LINK  ? rig_link_kinds()
						     : rig_runner_kinds());
		else if (rig_cfg_get(cfg, secs[r], "kind"))
			kinds[r] = NULL; /* the section's own kind */
	}
	return rig_board_configure_parts(b, cfg, kinds, secs, err);
}

static int host_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_error *err)
{
	const char *kinds[4] = {"none", "none", "none", "exec"};
	const char *const legacy[4] = {NULL, NULL, NULL, "host"};

	return compose(b, cfg, kinds, legacy, err);
}

static int qemu_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_error *err)
{
	const char *kinds[4] = {"qemu", "qemu-kernel", "emulator", "mcu"};
	const char *const legacy[4] = {"qemu", NULL, NULL, NULL};

	if (!rig_cfg_get(cfg, NULL, "qemu") && !rig_cfg_get(cfg, NULL, "power"))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'qemu' is required for kind qemu (at least qemu: "
				"{machine: lm3s6965evb})",
				b->file, rig_cfg_line(rig_cfg_root(cfg)));
	return compose(b, cfg, kinds, legacy, err);
}

static int serial_configure(struct rig_board *b, const struct rig_cfg *cfg,
			    struct rig_error *err)
{
	static const char *const methods[] = {"dtr", "rts", "touch1200", "command", "none", NULL};
	const char *kinds[4] = {"dtr", "command", "serial", "mcu"};
	const char *const legacy[4] = {"reset", "flash", "serial", NULL};
	struct rig_cfg_node *reset = rig_cfg_get(cfg, NULL, "reset");
	int method = 0, rc;

	if (!rig_cfg_get(cfg, NULL, "serial") && !rig_cfg_get(cfg, NULL, "link"))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'serial' is required for kind serial (serial: {port: "
				"usb:VID:PID})",
				b->file, rig_cfg_line(rig_cfg_root(cfg)));
	/* reset.method is the legacy spelling of the power part's kind */
	if (reset && (rc = rig_cfg_enum(cfg, reset, "method", 0, methods, 0, &method, err)))
		return rc;
	kinds[POWER] = methods[method];
	if (!rig_cfg_get(cfg, NULL, "flash"))
		kinds[FLASH] = "none"; /* the image is put there by hand */
	return compose(b, cfg, kinds, legacy, err);
}

/* An agent board's `agent:` carries the link's fields too: transport
 * tcp (host, port) or serial (serial, baud); with a `qemu:` VM, tcp goes to
 * its forwarded port and serial to its UART socket. */
static int agent_link(struct rig_board *b, const struct rig_cfg *cfg, struct rig_error *err)
{
	static const char *const transports[] = {"tcp", "serial", NULL};
	struct rig_cfg_node *sec = rig_cfg_get(cfg, NULL, "agent");
	int vm = RIG_POWER(b) == &rig_power_qemu_vm_ops;
	char host[128], serial[256];
	long long port, baud;
	int transport, rc;

	if ((rc = rig_cfg_enum(cfg, sec, "transport", 0, transports, 0, &transport, err)) ||
	    (rc = rig_cfg_str(cfg, sec, "host", 0, "", host, sizeof(host), err)) ||
	    (rc = rig_cfg_int(cfg, sec, "port", 0, vm ? 0 : 7022, 0, 65535, &port, err)) ||
	    (rc = rig_cfg_str(cfg, sec, "serial", 0, "", serial, sizeof(serial), err)) ||
	    (rc = rig_cfg_int(cfg, sec, "baud", 0, 115200, 1200, 4000000, &baud, err)))
		return rc;
	if (vm)
		rig_power_qemu_vm_forward(b, transport == 0, (int)port);
	if (rig_cfg_get(cfg, NULL, "link"))
		return 0; /* the file's own link part */
	if (transport == 0) {
		if (!vm && !host[0])
			return rig_fail(err, RIG_ERR_PARSE,
					"%s:%d: field 'agent/host' is required with transport tcp "
					"(the board's host name)",
					b->file, rig_cfg_line(sec));
		if (!vm && port == 0)
			return rig_fail(err, RIG_ERR_PARSE,
					"%s:%d: field 'agent/port': 0 (pick a free port) only makes "
					"sense with a qemu: section",
					b->file, rig_cfg_line(rig_cfg_get(cfg, sec, "port")));
		if (RIG_LINK(b)->destroy)
			RIG_LINK(b)->destroy(b);
		b->link.ops = &rig_link_tcp_ops;
		if ((rc = RIG_LINK(b)->configure(b, cfg, NULL, err)))
			return rc;
		rig_link_tcp_set(b, vm ? "" : host, (int)port);
		return 0;
	}
	if (vm) {
		if (RIG_LINK(b)->destroy)
			RIG_LINK(b)->destroy(b);
		b->link.ops = &rig_link_unix_ops; /* the VM's UART socket */
		return RIG_LINK(b)->configure(b, cfg, NULL, err);
	}
	if (!serial[0])
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'agent/serial' is required with transport serial "
				"(e.g. /dev/ttyUSB0)",
				b->file, rig_cfg_line(sec));
	if (RIG_LINK(b)->destroy)
		RIG_LINK(b)->destroy(b);
	b->link.ops = &rig_link_none_ops;
	if ((rc = rig_link_serial_set(b, serial, (int)baud, err)))
		return rig_fail(err, RIG_ERR_PARSE, "%s:%d: field 'agent/serial': %s", b->file,
				rig_cfg_line(rig_cfg_get(cfg, sec, "serial")), err->msg);
	return 0;
}

static int agent_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_error *err)
{
	const char *kinds[4] = {"none", "agent-put", "none", "agent"};
	const char *const legacy[4] = {"qemu", NULL, NULL, "agent"};
	int rc;

	if (rig_cfg_get(cfg, NULL, "qemu"))
		kinds[POWER] = "qemu-vm";
	if (!rig_cfg_get(cfg, NULL, "agent") && !rig_cfg_get(cfg, NULL, "runner"))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: an agent board needs an 'agent:' section (key_file, "
				"transport, host...)",
				b->file, rig_cfg_line(rig_cfg_root(cfg)));
	if ((rc = compose(b, cfg, kinds, legacy, err)))
		return rc;
	if (rig_cfg_get(cfg, NULL, "agent"))
		return agent_link(b, cfg, err);
	return 0;
}

static int wasi_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_error *err)
{
	const char *kinds[4] = {"none", "none", "none", "wasi"};
	const char *const legacy[4] = {NULL, NULL, NULL, "wasi"};

	if (!rig_cfg_get(cfg, NULL, "wasi") && !rig_cfg_get(cfg, NULL, "runner"))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'wasi' is required for kind wasi (at least wasi: "
				"{runtime: node})",
				b->file, rig_cfg_line(rig_cfg_root(cfg)));
	return compose(b, cfg, kinds, legacy, err);
}

static int null_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_error *err)
{
	const char *kinds[4] = {"none", "none", "none", "none"};
	const char *const legacy[4] = {NULL, NULL, NULL, NULL};

	return compose(b, cfg, kinds, legacy, err);
}

static int parts_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_error *err)
{
	const char *kinds[4] = {"none", "none", "none", NULL};
	const char *const legacy[4] = {NULL, NULL, NULL, NULL};

	if (!rig_cfg_get(cfg, NULL, "runner"))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: kind parts needs at least runner: {kind: %s} (and power:, "
				"flash:, link: as the board has them)",
				b->file, rig_cfg_line(rig_cfg_root(cfg)), rig_runner_kinds());
	return compose(b, cfg, kinds, legacy, err);
}

#define PRESET(name, kind_, configure_)                                                            \
	const struct rig_board_ops name = {                                                        \
	    .kind = kind_,                                                                         \
	    .configure = configure_,                                                               \
	    .open = rig_compose_open,                                                              \
	    .close = rig_compose_close,                                                            \
	    .facts = rig_compose_facts,                                                            \
	    .supports = rig_compose_supports,                                                      \
	    .prepare = rig_compose_prepare,                                                        \
	    .run = rig_compose_run,                                                                \
	    .reset = rig_compose_reset,                                                            \
	    .destroy = rig_compose_destroy,                                                        \
	}

PRESET(rig_board_host_ops, "host", host_configure);
PRESET(rig_board_qemu_ops, "qemu", qemu_configure);
PRESET(rig_board_serial_ops, "serial", serial_configure);
PRESET(rig_board_agent_ops, "agent", agent_configure);
PRESET(rig_board_wasi_ops, "wasi", wasi_configure);
PRESET(rig_board_null_ops, "null", null_configure);
PRESET(rig_board_parts_ops, "parts", parts_configure);
