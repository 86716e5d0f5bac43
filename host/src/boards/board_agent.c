/*
 * Agent boards: Linux boards (Raspberry Pis) running rig-agent, reached over
 * TCP or a serial line, and the emulated Pi, which is the same thing inside
 * QEMU: rig builds its initramfs, boots it, and talks to the agent through a
 * host-forwarded port or the VM's UART. Everything is measured on the board
 * by the agent (docs/agent.md); the host only parses the report lines.
 *
 * Board file:
 *   kind: agent
 *   target: {os: linux, arch: aarch64 | arm, variant: armv7 | armv6 | ...}
 *   agent:
 *     key_file: PATH        # the pre-shared key (hex, mode 600); never inline
 *     transport: tcp        # tcp | serial
 *     host: rpi4.local      # tcp: the board (not with qemu)
 *     port: 7022            # tcp: the agent's port (with qemu: 0 = pick a free one)
 *     serial: /dev/ttyUSB0  # serial: a port selector (not with qemu: the UART socket)
 *     baud: 115200
 *     cpu: 3                # pin workloads to this CPU (-1: any)
 *     env: [K=V]            # added to each workload's environment
 *     connect_timeout: 10s  # per connection attempt
 *     hot_c: 80             # a SoC at or above this is flagged hot
 *   qemu:                   # optional: boot this board in QEMU first
 *                           # (target arch aarch64: arm64 kernel; arm: armmp)
 *     system: qemu-system-aarch64
 *     machine: virt
 *     cpu: cortex-a53
 *     memory: 512M
 *     smp: 1
 *     kernel_dir: ~/.cache/rig/pi-kernel   # scripts/pi-kernel.sh
 *     image_dir: ~/.cache/rig/pi-image/aarch64  # firmware/pi-image/mkimage.sh output
 *     append: "console=ttyAMA0 quiet panic=-1"
 * Paths may start with ~/ or {cache}/ (RIG_CACHE_DIR, default ~/.cache/rig);
 * other relative paths are relative to the board file's directory.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent_client.h"
#include "board.h"
#include "log.h"
#include "qemu.h"
#include "rig_report.h"
#include "transport_serial.h"

#define AGENT_GUEST_PORT 7022
#define MAX_UPLOADED 64

enum { XPORT_TCP = 0, XPORT_SERIAL = 1 };

struct agent_priv {
	/* agent: */
	char key_file[PATH_MAX];
	int transport;
	char host[128];
	long long port;
	char serial[256];
	long long baud;
	long long cpu;
	struct rig_strv env;
	long long connect_timeout_ms;
	long long hot_c;
	struct rig_strv deploy; /* shell command lines that install and start the agent */
	/* qemu: */
	int has_qemu;
	char qemu_system[64], machine[32], qemu_cpu[32], memory[16], append[256];
	long long smp;
	char kernel_dir[PATH_MAX], image_dir[PATH_MAX];
	const char *image_arch; /* mkimage.sh --arch: aarch64 or armhf, from the target */
	/* while open */
	struct rig_qemu *q;
	char vmdir[PATH_MAX];
	char console_log[PATH_MAX + 16];
	char uart_sock[PATH_MAX + 16];
	int fwd_port;
	uint8_t key[RIG_FRAME_KEY_MAX];
	size_t key_len;
	struct rig_agent *a;
	char uploaded[MAX_UPLOADED][RIG_FRAME_MAX_NAME + 1]; /* names put this session */
	size_t n_uploaded;
};

/* ---- configuration ---- */

static void expand_path(const char *in, const char *board_file, char *out, size_t cap)
{
	const char *home = getenv("HOME");
	const char *cache = getenv("RIG_CACHE_DIR");

	if (strncmp(in, "~/", 2) == 0) {
		snprintf(out, cap, "%s/%s", home ? home : "", in + 2);
	} else if (strncmp(in, "{cache}/", 8) == 0) {
		if (cache && *cache)
			snprintf(out, cap, "%s/%s", cache, in + 8);
		else
			snprintf(out, cap, "%s/.cache/rig/%s", home ? home : "", in + 8);
	} else if (in[0] == '/' || in[0] == 0) {
		snprintf(out, cap, "%s", in);
	} else {
		const char *slash = strrchr(board_file, '/');
		int dl = slash ? (int)(slash - board_file) : 1;
		snprintf(out, cap, "%.*s/%s", dl, slash ? board_file : ".", in);
	}
}

static int configure_qemu(struct rig_board *b, struct agent_priv *ap, const struct rig_cfg *cfg,
			  struct rig_cfg_node *sec, struct rig_error *err)
{
	static const char *const keys[] = {"system",	 "machine",   "cpu",	"memory", "smp",
					   "kernel_dir", "image_dir", "append", NULL};
	char raw[PATH_MAX];
	int rc, is32;

	ap->has_qemu = 1;
	/* 64-bit: Debian's arm64 kernel; 32-bit arm: its armmp kernel */
	is32 = strcmp(b->target.arch, "arm") == 0;
	if (!is32 && strcmp(b->target.arch, "aarch64") != 0)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: an emulated agent board is arm (armhf image) or aarch64, "
				"got target arch \"%s\"",
				b->file, rig_cfg_line(sec), b->target.arch);
	ap->image_arch = is32 ? "armhf" : "aarch64";
	if ((rc = rig_cfg_known_keys(cfg, sec, keys, err)) ||
	    (rc = rig_cfg_str(cfg, sec, "system", 0,
			      is32 ? "qemu-system-arm" : "qemu-system-aarch64", ap->qemu_system,
			      sizeof(ap->qemu_system), err)) ||
	    (rc = rig_cfg_str(cfg, sec, "machine", 0, "virt", ap->machine, sizeof(ap->machine),
			      err)) ||
	    (rc = rig_cfg_str(cfg, sec, "cpu", 0, is32 ? "cortex-a7" : "cortex-a53", ap->qemu_cpu,
			      sizeof(ap->qemu_cpu), err)) ||
	    (rc =
		 rig_cfg_str(cfg, sec, "memory", 0, "512M", ap->memory, sizeof(ap->memory), err)) ||
	    (rc = rig_cfg_int(cfg, sec, "smp", 0, 1, 1, 8, &ap->smp, err)) ||
	    (rc = rig_cfg_str(cfg, sec, "append", 0, "console=ttyAMA0 quiet panic=-1", ap->append,
			      sizeof(ap->append), err)))
		return rc;
	if ((rc = rig_cfg_str(cfg, sec, "kernel_dir", 0,
			      is32 ? "{cache}/pi-kernel-armhf" : "{cache}/pi-kernel", raw,
			      sizeof(raw), err)))
		return rc;
	expand_path(raw, b->file, ap->kernel_dir, sizeof(ap->kernel_dir));
	if ((rc = rig_cfg_str(cfg, sec, "image_dir", 0,
			      is32 ? "{cache}/pi-image/armhf" : "{cache}/pi-image/aarch64", raw,
			      sizeof(raw), err)))
		return rc;
	expand_path(raw, b->file, ap->image_dir, sizeof(ap->image_dir));
	if (strcmp(ap->machine, "virt") != 0)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'qemu/machine': only \"virt\" is supported for agent "
				"boards (raspi3b's UART is bound to Bluetooth and it has no "
				"network), got \"%s\"",
				b->file, rig_cfg_line(rig_cfg_get(cfg, sec, "machine")),
				ap->machine);
	return 0;
}

static int agent_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_error *err)
{
	static const char *const keys[] = {"key_file",	      "transport", "host",   "port",
					   "serial",	      "baud",	   "cpu",    "env",
					   "connect_timeout", "hot_c",	   "deploy", NULL};
	static const char *const transports[] = {"tcp", "serial", NULL};
	struct rig_cfg_node *sec = rig_cfg_get(cfg, NULL, "agent");
	struct rig_cfg_node *qsec = rig_cfg_get(cfg, NULL, "qemu");
	struct agent_priv *ap = rig_xcalloc(1, sizeof(*ap));
	char raw[PATH_MAX];
	int rc;

	b->priv = ap;
	if (!sec)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: an agent board needs an 'agent:' section (key_file, "
				"transport, host...)",
				b->file, rig_cfg_line(rig_cfg_root(cfg)));
	if (qsec && (rc = configure_qemu(b, ap, cfg, qsec, err)))
		return rc;
	if ((rc = rig_cfg_known_keys(cfg, sec, keys, err)) ||
	    (rc = rig_cfg_str(cfg, sec, "key_file", ap->has_qemu ? 0 : 1, "", raw, sizeof(raw),
			      err)) ||
	    (rc = rig_cfg_enum(cfg, sec, "transport", 0, transports, XPORT_TCP, &ap->transport,
			       err)) ||
	    (rc = rig_cfg_str(cfg, sec, "host", 0, ap->has_qemu ? "127.0.0.1" : "", ap->host,
			      sizeof(ap->host), err)) ||
	    (rc = rig_cfg_int(cfg, sec, "port", 0, ap->has_qemu ? 0 : AGENT_GUEST_PORT, 0, 65535,
			      &ap->port, err)) ||
	    (rc = rig_cfg_str(cfg, sec, "serial", 0, "", ap->serial, sizeof(ap->serial), err)) ||
	    (rc = rig_cfg_int(cfg, sec, "baud", 0, 115200, 1200, 4000000, &ap->baud, err)) ||
	    (rc = rig_cfg_int(cfg, sec, "cpu", 0, -1, -1, 63, &ap->cpu, err)) ||
	    (rc = rig_cfg_strv(cfg, sec, "env", 0, &ap->env, err)) ||
	    (rc = rig_cfg_duration_ms(cfg, sec, "connect_timeout", 0, 10000, 600000,
				      &ap->connect_timeout_ms, err)) ||
	    (rc = rig_cfg_int(cfg, sec, "hot_c", 0, 80, 30, 150, &ap->hot_c, err)) ||
	    (rc = rig_cfg_strv(cfg, sec, "deploy", 0, &ap->deploy, err)))
		return rc;
	if (raw[0])
		expand_path(raw, b->file, ap->key_file, sizeof(ap->key_file));
	else /* the emulated board's image builder makes the key beside the image */
		snprintf(ap->key_file, sizeof(ap->key_file), "%s/agent.key", ap->image_dir);
	if (!ap->has_qemu && ap->transport == XPORT_TCP && !ap->host[0])
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'agent/host' is required with transport tcp (the "
				"board's host name)",
				b->file, rig_cfg_line(sec));
	if (!ap->has_qemu && ap->transport == XPORT_TCP && ap->port == 0)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'agent/port': 0 (pick a free port) only makes sense "
				"with a qemu: section",
				b->file, rig_cfg_line(rig_cfg_get(cfg, sec, "port")));
	if (!ap->has_qemu && ap->transport == XPORT_SERIAL && !ap->serial[0])
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'agent/serial' is required with transport serial "
				"(e.g. /dev/ttyUSB0)",
				b->file, rig_cfg_line(sec));
	for (size_t i = 0; i < ap->env.n; i++)
		if (!strchr(ap->env.v[i], '='))
			return rig_fail(err, RIG_ERR_PARSE,
					"%s:%d: field 'agent/env': expected K=V, got \"%s\"",
					b->file, rig_cfg_line(rig_cfg_get(cfg, sec, "env")),
					ap->env.v[i]);
	return 0;
}

/* ---- the emulated board ---- */

static int free_port(struct rig_error *err)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port;

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &al)) {
		if (fd >= 0)
			close(fd);
		return rig_fail(err, RIG_ERR_IO, "no free TCP port on 127.0.0.1: %s",
				strerror(errno));
	}
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

/* Runs firmware/pi-image/mkimage.sh: it rebuilds only when a source changed. */
static int build_image(struct rig_board *b, struct agent_priv *ap, struct rig_error *err)
{
	char script[PATH_MAX];
	struct rig_proc_result res = {0};
	char *argv[] = {script,		"--arch", (char *)ap->image_arch, "--kernel-dir",
			ap->kernel_dir, "--out",  ap->image_dir,	  NULL};
	int rc;

	snprintf(script, sizeof(script), "%s/firmware/pi-image/mkimage.sh", RIG_SOURCE_DIR);
	rc = rig_run_capture(argv, NULL, NULL, 300000, &res, err);
	if (rc == 0 && (!res.exited || res.status != 0)) {
		rc = rig_fail(err, RIG_ERR_BUILD, "board %s: building the initramfs failed: %s",
			      b->name, res.out.data ? res.out.data : "");
	}
	rig_proc_result_free(&res);
	return rc;
}

static int start_vm(struct rig_board *b, struct agent_priv *ap, struct rig_error *err)
{
	struct rig_qemu_config qc = {0};
	struct rig_strv av = {0};
	char path[PATH_MAX + 32], found[PATH_MAX];
	int rc;

	if (!rig_which(ap->qemu_system, found, sizeof(found)))
		return rig_fail(err, RIG_ERR_SKIPPED,
				"board %s: %s is not installed (scripts/setup.sh)", b->name,
				ap->qemu_system);
	snprintf(path, sizeof(path), "%s/vmlinuz", ap->kernel_dir);
	if (!rig_file_exists(path))
		return rig_fail(err, RIG_ERR_SKIPPED,
				"board %s: no Debian %s kernel at %s: run scripts/pi-kernel.sh%s",
				b->name, strcmp(ap->image_arch, "armhf") ? "arm64" : "armhf", path,
				strcmp(ap->image_arch, "armhf") ? "" : " --arch armhf");
	if ((rc = build_image(b, ap, err)))
		return rc;
	/* unix socket paths are short: a directory under /tmp, not the workdir */
	snprintf(ap->vmdir, sizeof(ap->vmdir), "/tmp/rig-pi-XXXXXX");
	if (!mkdtemp(ap->vmdir))
		return rig_fail(err, RIG_ERR_IO, "mkdtemp %s: %s", ap->vmdir, strerror(errno));
	snprintf(ap->uart_sock, sizeof(ap->uart_sock), "%s/uart.sock", ap->vmdir);
	if (b->workdir[0] && rig_mkdirs(b->workdir, NULL) == 0)
		snprintf(ap->console_log, sizeof(ap->console_log), "%s/console.log", b->workdir);
	else
		snprintf(ap->console_log, sizeof(ap->console_log), "%s/console.log", ap->vmdir);
	if (ap->transport == XPORT_TCP) {
		ap->fwd_port = ap->port ? (int)ap->port : free_port(err);
		if (ap->fwd_port < 0)
			return ap->fwd_port;
	}

	rig_strv_push(&av, ap->qemu_system);
	rig_strv_push(&av, "-M");
	rig_strv_push(&av, ap->machine);
	rig_strv_push(&av, "-cpu");
	rig_strv_push(&av, ap->qemu_cpu);
	rig_strv_push(&av, "-m");
	rig_strv_push(&av, ap->memory);
	rig_strv_push(&av, "-smp");
	rig_strv_pushf(&av, "%lld", ap->smp);
	rig_strv_push(&av, "-display");
	rig_strv_push(&av, "none");
	rig_strv_push(&av, "-monitor");
	rig_strv_push(&av, "none");
	rig_strv_push(&av, "-no-reboot");
	rig_strv_push(&av, "-kernel");
	rig_strv_pushf(&av, "%s/vmlinuz", ap->kernel_dir);
	rig_strv_push(&av, "-initrd");
	rig_strv_pushf(&av, "%s/initramfs.cpio.gz", ap->image_dir);
	rig_strv_push(&av, "-append");
	rig_strv_push(&av, ap->append);
	/* user-mode network with the agent's port forwarded to loopback only */
	rig_strv_push(&av, "-netdev");
	if (ap->transport == XPORT_TCP)
		rig_strv_pushf(&av, "user,id=n0,hostfwd=tcp:127.0.0.1:%d-:%d", ap->fwd_port,
			       AGENT_GUEST_PORT);
	else
		rig_strv_push(&av, "user,id=n0");
	rig_strv_push(&av, "-device");
	rig_strv_push(&av, "virtio-net-device,netdev=n0");
	/* the UART: the boot console, then the agent's serial link; QEMU copies
	 * everything that passes it into the console log */
	rig_strv_push(&av, "-chardev");
	rig_strv_pushf(&av, "socket,id=uart,path=%s,server=on,wait=off,logfile=%s", ap->uart_sock,
		       ap->console_log);
	rig_strv_push(&av, "-serial");
	rig_strv_push(&av, "chardev:uart");

	qc.argv = &av;
	qc.dir = ap->vmdir;
	qc.console = RIG_QEMU_CONSOLE_NONE;
	qc.timeout_ms = 20000;
	rc = rig_qemu_start(&qc, &ap->q, err);
	rig_strv_free(&av);
	if (rc == 0)
		rig_info("board %s: QEMU pid %d, agent on %s", b->name, rig_qemu_pid(ap->q),
			 ap->transport == XPORT_TCP ? "tcp" : ap->uart_sock);
	return rc;
}

/* The last lines of the console log, for a failed boot. */
static void console_tail(struct agent_priv *ap, char *out, size_t cap)
{
	char *data = NULL;
	size_t len = 0;

	out[0] = 0;
	if (!ap->console_log[0] || rig_read_file(ap->console_log, &data, &len, NULL))
		return;
	snprintf(out, cap, "%s", len > cap - 1 ? data + len - (cap - 1) : data);
	free(data);
}

/* ---- the link ---- */

static int connect_once(struct rig_board *b, struct agent_priv *ap, int timeout_ms,
			struct rig_error *err)
{
	struct rig_transport *t = NULL;
	char addr[PATH_MAX + 160];
	int rc;

	if (ap->transport == XPORT_SERIAL) {
		uint8_t junk[256];
		int64_t quiet_until;

		if (ap->has_qemu)
			rc = rig_transport_connect(ap->uart_sock, timeout_ms, &t, err);
		else
			rc = rig_transport_serial_open(ap->serial, (int)ap->baud, &t, err);
		if (rc)
			return rc;
		/* Boot messages, or the tail of an earlier session: wait for
		 * 200 ms of silence before the HELLO (at most 2 s). */
		quiet_until = rig_now_ns() + 2000000000ll;
		while (rig_now_ns() < quiet_until &&
		       rig_transport_read(t, junk, sizeof(junk), 200, NULL) > 0)
			;
	} else {
		snprintf(addr, sizeof(addr), "%s:%d", ap->host,
			 ap->has_qemu ? ap->fwd_port : (int)ap->port);
		rc = rig_transport_connect(addr, timeout_ms, &t, err);
	}
	if (rc)
		return rc;
	if (ap->transport == XPORT_SERIAL && timeout_ms > 5000)
		timeout_ms = 5000; /* a lost HELLO on a serial line: try again soon */
	return rig_agent_open(t, b->name, ap->key, ap->key_len, timeout_ms, &ap->a, err);
}

/* 1 once the console log shows that init started the agent. */
static int console_says_agent_started(struct agent_priv *ap)
{
	char *data = NULL;
	size_t len = 0;
	int yes;

	if (rig_read_file(ap->console_log, &data, &len, NULL))
		return 0;
	yes = strstr(data, "rig-pi-init: starting rig-agent") != NULL;
	free(data);
	return yes;
}

/* Connects, retrying while the board boots (QEMU accepts forwarded
 * connections before the guest listens, then closes them). */
static int connect_agent(struct rig_board *b, struct agent_priv *ap, struct rig_error *err)
{
	int64_t deadline =
	    rig_now_ns() + (ap->has_qemu ? b->ready_timeout_ms : ap->connect_timeout_ms) * 1000000;
	int rc;

	/* The emulated board: follow the boot in the console log and say
	 * nothing until init has started the agent. On the UART, bytes sent
	 * while the kernel boots were seen to wedge the guest's PL011 input
	 * for good (docs/agent.md); on TCP it saves futile attempts. */
	if (ap->q) {
		int status;
		while (!console_says_agent_started(ap)) {
			if (!rig_qemu_alive(ap->q, &status) || rig_now_ns() >= deadline) {
				char con[400];
				console_tail(ap, con, sizeof(con));
				return rig_fail(
				    err, RIG_ERR_TIMEOUT,
				    "board %s: the agent did not start (QEMU %s) | console: %s",
				    b->name, rig_qemu_alive(ap->q, NULL) ? "running" : "exited",
				    con);
			}
			nanosleep(&(struct timespec){.tv_nsec = 100 * 1000000}, NULL);
		}
		nanosleep(&(struct timespec){.tv_nsec = 300 * 1000000}, NULL);
	}
	for (;;) {
		int64_t left_ms = (deadline - rig_now_ns()) / 1000000;
		int status;

		if (left_ms < 1)
			left_ms = 1;
		rc = connect_once(
		    b, ap,
		    (int)(left_ms < ap->connect_timeout_ms ? left_ms : ap->connect_timeout_ms),
		    err);
		if (rc == 0 || rc == RIG_ERR_AUTH || rc == RIG_ERR_INVALID)
			return rc;
		rig_dbg("board %s: not yet: %s", b->name, err ? err->msg : "");
		if (ap->q && !rig_qemu_alive(ap->q, &status)) {
			char tail[600], con[600];
			rig_qemu_log_tail(ap->q, tail, sizeof(tail));
			console_tail(ap, con, sizeof(con));
			return rig_fail(err, RIG_ERR_CRASH,
					"board %s: QEMU exited (status %d) before the agent "
					"answered: %s | console: %s",
					b->name, status, tail, con);
		}
		if (rig_now_ns() >= deadline || !ap->q) {
			char con[400] = "";
			char msg[sizeof(err->msg)];
			if (ap->q)
				console_tail(ap, con, sizeof(con));
			snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
			return rig_fail(err, rc == RIG_ERR_TIMEOUT ? RIG_ERR_TIMEOUT : rc,
					"board %s: the agent did not answer: %s%s%s", b->name, msg,
					con[0] ? " | console: " : "", con);
		}
		nanosleep(&(struct timespec){.tv_nsec = 250 * 1000000}, NULL);
	}
}

static void agent_close(struct rig_board *b)
{
	struct agent_priv *ap = b->priv;

	if (!ap)
		return;
	rig_agent_close(ap->a);
	ap->a = NULL;
	ap->n_uploaded = 0;
	if (ap->q) {
		rig_qemu_free(ap->q); /* quit, then TERM, then KILL */
		ap->q = NULL;
	}
	if (ap->vmdir[0]) {
		char p[PATH_MAX + 32];
		snprintf(p, sizeof(p), "%s/uart.sock", ap->vmdir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/qmp.sock", ap->vmdir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/qemu.log", ap->vmdir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/console.log", ap->vmdir);
		unlink(p);
		rmdir(ap->vmdir);
		ap->vmdir[0] = 0;
	}
	memset(ap->key, 0, sizeof(ap->key));
}

/* The agent binary rig built for the board's arch (firmware/agent). */
static void agent_binary(const struct rig_board *b, char *out, size_t cap)
{
	const char *suffix = strcmp(b->target.arch, "aarch64") == 0 ? "-aarch64"
			     : strcmp(b->target.arch, "arm") == 0   ? "-armhf"
								    : "";

	snprintf(out, cap, "%s/firmware/agent/rig-agent%s", RIG_BINARY_DIR, suffix);
}

/* Appends s to buf in single quotes for sh. */
static void sh_quote(struct rig_buf *buf, const char *s)
{
	rig_buf_append(buf, "'", 1);
	for (; *s; s++) {
		if (*s == '\'')
			rig_buf_append(buf, "'\\''", 4);
		else
			rig_buf_append(buf, s, 1);
	}
	rig_buf_append(buf, "'", 1);
}

/*
 * Installs and starts the agent on a board that does not answer, with the
 * board file's `deploy:` command lines (sh -c, run here on the controller,
 * e.g. scp and ssh for a real Pi). Words: {agent_binary} {key_file} {host}
 * {port} {arch} {source_dir}, shell-quoted. The key is a file path, never the key itself.
 */
static int deploy_agent(struct rig_board *b, struct agent_priv *ap, struct rig_error *err)
{
	char bin[PATH_MAX], port[16];

	agent_binary(b, bin, sizeof(bin));
	if (access(bin, R_OK) != 0)
		return rig_fail(err, RIG_ERR_NOT_FOUND,
				"board %s: no agent built for %s at %s (build rig first)", b->name,
				b->target.arch, bin);
	snprintf(port, sizeof(port), "%lld", ap->port);
	for (size_t i = 0; i < ap->deploy.n; i++) {
		const struct {
			const char *name, *value;
		} vars[] = {{"{agent_binary}", bin},	{"{key_file}", ap->key_file},
			    {"{host}", ap->host},	{"{port}", port},
			    {"{arch}", b->target.arch}, {"{source_dir}", RIG_SOURCE_DIR}};
		struct rig_buf cmd = {0};
		struct rig_proc_result res;
		const char *p = ap->deploy.v[i];
		int rc;

		while (*p) {
			size_t k, matched = 0;
			for (k = 0; k < RIG_ARRAY_SIZE(vars) && !matched; k++) {
				size_t n = strlen(vars[k].name);
				if (strncmp(p, vars[k].name, n) == 0) {
					sh_quote(&cmd, vars[k].value);
					p += n;
					matched = 1;
				}
			}
			if (!matched)
				rig_buf_append(&cmd, p++, 1);
		}
		char *argv[] = {"sh", "-c", cmd.data, NULL};
		rig_info("board %s: deploy: %s", b->name, cmd.data);
		rc = rig_run_capture(argv, NULL, NULL, 300000, &res, err);
		if (rc == 0 && (!res.exited || res.status != 0))
			rc = rig_fail(err, RIG_ERR_IO,
				      "board %s: deploy step %zu failed (status %d): %s\n%.400s",
				      b->name, i + 1, res.status, cmd.data, res.out.data);
		rig_proc_result_free(&res); /* zeroed by rig_run_capture even on failure */
		rig_buf_free(&cmd);
		if (rc)
			return rc;
	}
	return 0;
}

static int agent_open(struct rig_board *b, struct rig_error *err)
{
	struct agent_priv *ap = b->priv;
	int rc;

	if (ap->has_qemu && (rc = start_vm(b, ap, err)))
		goto fail;
	if ((rc = rig_agent_load_key(ap->key_file, ap->key, &ap->key_len, err)))
		goto fail;
	rc = connect_agent(b, ap, err);
	if (rc && rc != RIG_ERR_AUTH && !ap->has_qemu && ap->deploy.n) {
		/* nobody answered: install and start the agent, then try again */
		rig_info("board %s: %s; deploying the agent", b->name, err ? err->msg : "");
		if ((rc = deploy_agent(b, ap, err)) == 0)
			rc = connect_agent(b, ap, err);
	}
	if (rc)
		goto fail;
	rig_info("board %s: %s authenticated", b->name, rig_agent_version(ap->a));
	return 0;
fail:
	agent_close(b);
	return rc;
}

/* ---- facts, deploy, run ---- */

static int agent_facts(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err)
{
	struct agent_priv *ap = b->priv;
	struct rig_kvlist f = {0};
	const char *v;
	int rc;

	if (!ap->a)
		return rig_fail(err, RIG_ERR_INVALID, "board %s is not open", b->name);
	if ((rc = rig_agent_facts(ap->a, &f, err)))
		return rc;
	/* the board's own facts, named like the host board's ("board.kernel") */
	for (size_t i = 0; i < f.n; i++) {
		char key[96];
		snprintf(key, sizeof(key), "board.%s", f.v[i].key);
		rig_kv_set(facts, key, f.v[i].value);
	}
	/* flags the results table and the store look for, unprefixed */
	v = rig_kv_get(&f, "soc_temp_c");
	rig_kv_set(facts, "hot", v && atof(v) >= (double)ap->hot_c ? "yes" : "no");
	v = rig_kv_get(&f, "throttled");
	rig_kv_set(facts, "throttled", v ? v : "unknown");
	rig_kv_set(facts, "board.agent_transport", ap->transport == XPORT_TCP ? "tcp" : "serial");
	if (ap->has_qemu)
		rig_kv_setf(facts, "board.emulator", "%s -M %s -cpu %s -m %s -smp %lld",
			    ap->qemu_system, ap->machine, ap->qemu_cpu, ap->memory, ap->smp);
	rig_kv_free(&f);
	return 0;
}

/* The name an artifact gets in the agent's work directory. */
static void remote_name(const struct rig_artifact *a, char *out, size_t cap)
{
	size_t n;

	/* the content hash first: names are cut at 64 characters, and the
	 * part that makes them unique must survive the cut */
	snprintf(out, cap, "%.12s-%s-%s", a->sha256[0] ? a->sha256 : "nohash",
		 a->profile[0] ? a->profile : a->toolchain, a->workload[0] ? a->workload : "prog");
	for (n = 0; out[n]; n++) {
		char c = out[n];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || (c == '.' && n > 0 && out[n - 1] != '.')))
			out[n] = '_';
	}
	if (out[0] == '.' || out[0] == 0)
		out[0] = '_';
}

static int agent_supports(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err)
{
	/* ARMv6 (Pi Zero, Pi 1): Debian's armhf gcc and gccgo emit ARMv7
	 * instructions (SIGILL there); only gc with GOARM=6 runs. */
	if (strcmp(b->target.variant, "armv6") == 0 && strcmp(a->toolchain, "gc") != 0)
		return rig_fail(
		    err, RIG_ERR_SKIPPED,
		    "board %s is ARMv6: Debian's armhf %s output is ARMv7 and dies with "
		    "SIGILL there; only gc with GOARM=6 runs (armel toolchains would be needed)",
		    b->name, a->toolchain);
	return 0;
}

static int agent_prepare(struct rig_board *b, const struct rig_artifact *a, struct rig_error *err)
{
	struct agent_priv *ap = b->priv;
	char name[RIG_FRAME_MAX_NAME + 1];
	int64_t t0;
	int rc;

	if (!ap->a)
		return rig_fail(err, RIG_ERR_INVALID, "board %s is not open", b->name);
	remote_name(a, name, sizeof(name));
	for (size_t i = 0; i < ap->n_uploaded; i++)
		if (strcmp(ap->uploaded[i], name) == 0)
			return 0;
	t0 = rig_now_ns();
	if ((rc = rig_agent_put_file(ap->a, a->path, name, 0755, err)))
		return rc;
	rig_info("board %s: uploaded %s as %s in %.1f ms", b->name, a->path, name,
		 (double)(rig_now_ns() - t0) / 1e6);
	if (ap->n_uploaded < MAX_UPLOADED)
		snprintf(ap->uploaded[ap->n_uploaded++], RIG_FRAME_MAX_NAME + 1, "%s", name);
	return 0;
}

struct run_ctx {
	struct rig_sample *s;
	struct rig_report_parser parser;
	int done_seen, done_status, ready_seen;
	struct rig_buf errtail;
	FILE *log;
};

static void on_line(void *ctx, enum rig_report_verdict v, const struct rig_report_line *l,
		    const char *text, size_t len)
{
	struct run_ctx *rc = ctx;

	if (v != RIG_REPORT_LINE)
		return;
	switch (l->kind) {
	case RIG_REPORT_READY:
		rc->ready_seen = 1;
		break;
	case RIG_REPORT_RESULT:
		rig_sample_set(rc->s, l->name, strtod(l->value, NULL), l->unit);
		break;
	case RIG_REPORT_DONE:
		rc->done_seen = 1;
		rc->done_status = l->status;
		break;
	}
}

static int on_output(void *ctx, int stream, const char *d, size_t n)
{
	struct run_ctx *rc = ctx;

	if (rc->log)
		fwrite(d, 1, n, rc->log);
	if (stream == 1)
		rig_report_parser_feed(&rc->parser, d, n);
	else if (rc->errtail.len < 64 * 1024)
		rig_buf_append(&rc->errtail, d, n);
	return 0;
}

static int agent_run(struct rig_board *b, const struct rig_run_req *req, struct rig_sample *out,
		     struct rig_error *err)
{
	struct agent_priv *ap = b->priv;
	struct rig_agent_run_req ar = {0};
	struct rig_frame_run_done d;
	struct run_ctx rc = {.s = out};
	struct rig_error e = {0};
	char name[RIG_FRAME_MAX_NAME + 1], iters[32];
	const char *args[1];
	int r;

	if (!ap->a)
		return rig_fail(err, RIG_ERR_INVALID, "board %s is not open", b->name);
	remote_name(req->art, name, sizeof(name));
	ar.prog = name;
	if (req->iterations > 0) {
		snprintf(iters, sizeof(iters), "%lld", req->iterations);
		args[0] = iters;
		ar.args = args;
		ar.n_args = 1;
	}
	ar.env = (const char *const *)ap->env.v;
	ar.n_env = ap->env.n;
	ar.timeout_ms = (uint32_t)(req->timeout_ms > 0 ? req->timeout_ms : b->timeout_ms);
	ar.cpu_mask = ap->cpu >= 0 ? 1ull << ap->cpu : 0;
	ar.on_output = on_output;
	ar.ctx = &rc;
	rig_report_parser_init(&rc.parser, on_line, &rc);
	if (req->log_path)
		rc.log = fopen(req->log_path, "w");
	r = rig_agent_run(ap->a, &ar, &d, &e);
	if (rc.log)
		fclose(rc.log);
	rig_report_parser_cut(&rc.parser, 1);
	out->noise_lines = rc.parser.noise;
	out->corrupt_lines = rc.parser.corrupt;
	out->cut_lines = rc.parser.cut;
	if (req->log_path)
		snprintf(out->log_path, sizeof(out->log_path), "%s", req->log_path);
	if (rc.errtail.len)
		rig_sample_set_tail(out, rc.errtail.data, rc.errtail.len);
	rig_buf_free(&rc.errtail);
	if (r == RIG_ERR_NOT_FOUND || r == RIG_ERR_INVALID) {
		/* the program is not there or was refused: this sample failed,
		 * the board is fine */
		rig_sample_fail(out, "%s", e.msg);
		return 0;
	}
	if (r) /* the link broke: the board is unusable */
		return rig_fail(err, r, "%s", e.msg);

	out->exit_status = d.signal ? 128 + d.signal : d.exit_code;
	if (d.startup_ns >= 0)
		rig_sample_set(out, "startup_ns", (double)d.startup_ns, "ns");
	rig_sample_set(out, "wall_ns", (double)d.wall_ns, "ns");
	rig_sample_set(out, "peak_rss_kib", (double)d.peak_rss_kib, "KiB");
	rig_sample_set(out, "user_ns", (double)d.user_ns, "ns");
	rig_sample_set(out, "sys_ns", (double)d.sys_ns, "ns");
	out->ok = 1;
	if (d.timed_out)
		rig_sample_fail(out, "timed out after %u ms (killed on the board)", ar.timeout_ms);
	else if (d.signal)
		rig_sample_fail(out, "killed by signal %d on the board", d.signal);
	else if (d.exit_code != 0)
		rig_sample_fail(out, "exited with status %d", d.exit_code);
	else if (d.startup_ns < 0)
		rig_sample_fail(out, "no ready line (%lu noise, %lu corrupt lines)",
				rc.parser.noise, rc.parser.corrupt);
	else if (!rc.done_seen)
		rig_sample_fail(out, "no done line");
	else if (rc.done_status != 0)
		rig_sample_fail(out, "workload reported done %d", rc.done_status);
	return 0;
}

static int agent_reset(struct rig_board *b, struct rig_error *err)
{
	/* a fresh session: drops anything a killed workload left in flight */
	struct agent_priv *ap = b->priv;

	rig_agent_close(ap->a);
	ap->a = NULL;
	return connect_agent(b, ap, err);
}

static void agent_destroy(struct rig_board *b)
{
	struct agent_priv *ap = b->priv;

	if (!ap)
		return;
	agent_close(b);
	rig_strv_free(&ap->env);
	rig_strv_free(&ap->deploy);
	free(ap);
	b->priv = NULL;
}

const struct rig_board_ops rig_board_agent_ops = {
    .kind = "agent",
    .configure = agent_configure,
    .open = agent_open,
    .close = agent_close,
    .facts = agent_facts,
    .supports = agent_supports,
    .prepare = agent_prepare,
    .run = agent_run,
    .reset = agent_reset,
    .destroy = agent_destroy,
};
