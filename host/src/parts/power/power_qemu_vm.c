/*
 * Power part qemu-vm: a Linux board emulated by QEMU (the emulated Pi):
 * rig builds its initramfs (firmware/pi-image/mkimage.sh), boots Debian's
 * kernel on the `virt` machine with user-mode networking, and follows the
 * boot in the console log until init has started rig-agent. It provides
 * two endpoints for the link: a host-forwarded loopback port (link tcp)
 * and the VM's UART socket (link unix). Powering off quits QEMU.
 *
 * Board file section (`power: {kind: qemu-vm, ...}`, or an agent board's
 * `qemu:`):
 *     system: qemu-system-aarch64
 *     machine: virt
 *     cpu: cortex-a53
 *     memory: 512M
 *     smp: 1
 *     kernel_dir: ~/.cache/rig/pi-kernel   # scripts/pi-kernel.sh
 *     image_dir: ~/.cache/rig/pi-image/aarch64  # firmware/pi-image/mkimage.sh output
 *     append: "console=ttyAMA0 quiet panic=-1"
 *     forward: tcp             # tcp: forward the agent's port; none: UART only
 * (target arch aarch64: arm64 kernel; arm: armmp). Paths may start with ~/
 * or {cache}/ (RIG_CACHE_DIR, default ~/.cache/rig); other relative paths
 * are relative to the board file's directory.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "log.h"
#include "paths.h"
#include "qemu.h"

#define AGENT_GUEST_PORT 7022

struct vm_priv;
static struct vm_priv *vp(struct rig_board *b) { return b->power.priv; }

struct vm_priv {
	char qemu_system[64], machine[32], qemu_cpu[32], memory[16], append[256];
	long long smp;
	char kernel_dir[PATH_MAX], image_dir[PATH_MAX];
	const char *image_arch; /* mkimage.sh --arch: aarch64 or armhf, from the target */
	int forward_tcp;
	long long port; /* host port to forward to (0: pick a free one) */
	/* while on */
	struct rig_qemu *q;
	char vmdir[PATH_MAX];
	char console_log[PATH_MAX + 16];
	char uart_sock[PATH_MAX + 16];
	int fwd_port;
	int svc_port; /* host port forwarded to the guest's RIG_SERVICE_GUEST_PORT */
};

static int vm_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			struct rig_error *err)
{
	static const char *const keys[] = {"system",	 "machine", "cpu",    "memory",	 "smp",
					   "kernel_dir", "image_dir", "append", "forward", "port", NULL};
	static const char *const forwards[] = {"none", "tcp", NULL};
	struct vm_priv *ap = rig_xcalloc(1, sizeof(*ap));
	char raw[PATH_MAX];
	int rc, is32;

	b->power.priv = ap;
	ap->forward_tcp = 1;
	if (!sec)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s: power qemu-vm needs its section (kernel_dir, image_dir...)",
				b->file);
	/* 64-bit: Debian's arm64 kernel; 32-bit arm: its armmp kernel */
	is32 = strcmp(b->target.arch, "arm") == 0;
	if (!is32 && strcmp(b->target.arch, "aarch64") != 0)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: an emulated agent board is arm (armhf image) or aarch64, "
				"got target arch \"%s\"",
				b->file, rig_cfg_line(sec), b->target.arch);
	ap->image_arch = is32 ? "armhf" : "aarch64";
	if ((rc = rig_part_known_keys(cfg, sec, keys, err)) ||
	    (rc = rig_cfg_enum(cfg, sec, "forward", 0, forwards, 1, &ap->forward_tcp, err)) ||
	    (rc = rig_cfg_int(cfg, sec, "port", 0, 0, 0, 65535, &ap->port, err)) ||
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
	rig_board_expand_path(raw, b->file, ap->kernel_dir, sizeof(ap->kernel_dir));
	if ((rc = rig_cfg_str(cfg, sec, "image_dir", 0,
			      is32 ? "{cache}/pi-image/armhf" : "{cache}/pi-image/aarch64", raw,
			      sizeof(raw), err)))
		return rc;
	rig_board_expand_path(raw, b->file, ap->image_dir, sizeof(ap->image_dir));
	if (strcmp(ap->machine, "virt") != 0)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'qemu/machine': only \"virt\" is supported for agent "
				"boards (raspi3b's UART is bound to Bluetooth and it has no "
				"network), got \"%s\"",
				b->file, rig_cfg_line(rig_cfg_get(cfg, sec, "machine")),
				ap->machine);
	return 0;
}

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
static int build_image(struct rig_board *b, struct vm_priv *ap, struct rig_error *err)
{
	char script[PATH_MAX];
	struct rig_proc_result res = {0};
	char *argv[] = {script,		"--arch", (char *)ap->image_arch, "--kernel-dir",
			ap->kernel_dir, "--out",  ap->image_dir,	  NULL};
	int rc;

	snprintf(script, sizeof(script), "%s/firmware/pi-image/mkimage.sh", rig_data_dir());
	rc = rig_run_capture(argv, NULL, NULL, 300000, &res, err);
	if (rc == 0 && (!res.exited || res.status != 0)) {
		rc = rig_fail(err, RIG_ERR_BUILD, "board %s: building the initramfs failed: %s",
			      b->name, res.out.data ? res.out.data : "");
	}
	rig_proc_result_free(&res);
	return rc;
}

static int start_vm(struct rig_board *b, struct vm_priv *ap, struct rig_error *err)
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
	if (ap->forward_tcp) {
		ap->fwd_port = ap->port ? (int)ap->port : free_port(err);
		if (ap->fwd_port < 0)
			return ap->fwd_port;
	}
	/* a server under load in the guest (rig bench --load) is reached here */
	if ((ap->svc_port = free_port(err)) < 0)
		return ap->svc_port;

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
	/* user-mode network with the agent's port and the service port
	 * forwarded to loopback only */
	rig_strv_push(&av, "-netdev");
	if (ap->forward_tcp)
		rig_strv_pushf(
		    &av, "user,id=n0,hostfwd=tcp:127.0.0.1:%d-:%d,hostfwd=tcp:127.0.0.1:%d-:%d",
		    ap->fwd_port, AGENT_GUEST_PORT, ap->svc_port, RIG_SERVICE_GUEST_PORT);
	else
		rig_strv_pushf(&av, "user,id=n0,hostfwd=tcp:127.0.0.1:%d-:%d", ap->svc_port,
			       RIG_SERVICE_GUEST_PORT);
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
			 ap->forward_tcp ? "tcp" : ap->uart_sock);
	return rc;
}

/* The last lines of the console log, for a failed boot. */
static void console_tail(struct vm_priv *ap, char *out, size_t cap)
{
	char *data = NULL;
	size_t len = 0;

	out[0] = 0;
	if (!ap->console_log[0] || rig_read_file(ap->console_log, &data, &len, NULL))
		return;
	snprintf(out, cap, "%s", len > cap - 1 ? data + len - (cap - 1) : data);
	free(data);
}

/* 1 once the console log shows that init started the agent. */
static int console_says_agent_started(struct vm_priv *ap)
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



static void vm_off(struct rig_board *b)
{
	struct vm_priv *ap = vp(b);

	if (!ap)
		return;
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
}

/* Boots the VM and follows the boot in the console log, saying nothing
 * until init has started the agent: on the UART, bytes sent while the
 * kernel boots were seen to wedge the guest's PL011 input for good
 * (docs/agent.md); on TCP it saves futile attempts. */
static int vm_on(struct rig_board *b, struct rig_error *err)
{
	struct vm_priv *ap = vp(b);
	int64_t deadline = rig_now_ns() + b->ready_timeout_ms * 1000000;
	int rc, status;

	if ((rc = start_vm(b, ap, err)))
		goto fail;
	while (!console_says_agent_started(ap)) {
		if (!rig_qemu_alive(ap->q, &status) || rig_now_ns() >= deadline) {
			char con[400];
			console_tail(ap, con, sizeof(con));
			rc = rig_fail(err, RIG_ERR_TIMEOUT,
				      "board %s: the agent did not start (QEMU %s) | console: %s",
				      b->name, rig_qemu_alive(ap->q, NULL) ? "running" : "exited",
				      con);
			goto fail;
		}
		nanosleep(&(struct timespec){.tv_nsec = 100 * 1000000}, NULL);
	}
	nanosleep(&(struct timespec){.tv_nsec = 300 * 1000000}, NULL);
	return 0;
fail:
	vm_off(b);
	return rc;
}

static int vm_alive(struct rig_board *b, char *why, size_t cap)
{
	struct vm_priv *ap = vp(b);
	int status;
	char tail[600], con[600];

	if (!ap->q)
		return 0;
	if (rig_qemu_alive(ap->q, &status))
		return 1;
	rig_qemu_log_tail(ap->q, tail, sizeof(tail));
	console_tail(ap, con, sizeof(con));
	snprintf(why, cap, "QEMU exited (status %d): %s | console: %s", status, tail, con);
	return 0;
}

static int vm_endpoint(struct rig_board *b, const char *link_kind, char *addr, size_t cap)
{
	struct vm_priv *ap = vp(b);

	if (strcmp(link_kind, "tcp") == 0 && ap->forward_tcp && ap->fwd_port > 0) {
		snprintf(addr, cap, "127.0.0.1:%d", ap->fwd_port);
		return 0;
	}
	if (strcmp(link_kind, "service") == 0 && ap->q && ap->svc_port > 0) {
		snprintf(addr, cap, "127.0.0.1:%d", ap->svc_port);
		return 0;
	}
	if (strcmp(link_kind, "unix") == 0 && ap->uart_sock[0]) {
		snprintf(addr, cap, "%s", ap->uart_sock);
		return 0;
	}
	return RIG_ERR_NOT_SUPPORTED;
}

static int vm_facts(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err)
{
	struct vm_priv *ap = vp(b);

	rig_kv_setf(facts, "board.emulator", "%s -M %s -cpu %s -m %s -smp %lld", ap->qemu_system,
		    ap->machine, ap->qemu_cpu, ap->memory, ap->smp);
	return 0;
}

static void vm_destroy(struct rig_board *b)
{
	vm_off(b);
	free(b->power.priv);
	b->power.priv = NULL;
}

void rig_power_qemu_vm_image_file(struct rig_board *b, const char *name, char *out, size_t cap)
{
	if (RIG_POWER(b) == &rig_power_qemu_vm_ops && vp(b))
		snprintf(out, cap, "%s/%s", vp(b)->image_dir, name);
	else
		snprintf(out, cap, "%s", name);
}

void rig_power_qemu_vm_forward(struct rig_board *b, int tcp, int port)
{
	struct vm_priv *ap = vp(b);

	ap->forward_tcp = tcp;
	ap->port = port;
}

const struct rig_power_ops rig_power_qemu_vm_ops = {
    .kind = "qemu-vm",
    .configure = vm_configure,
    .on = vm_on,
    .off = vm_off,
    .alive = vm_alive,
    .endpoint = vm_endpoint,
    .facts = vm_facts,
    .destroy = vm_destroy,
};
