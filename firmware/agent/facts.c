/*
 * FACTS: what the board is and what state it is in, read from the kernel's
 * files (device tree, /proc, sysfs) and, on a Raspberry Pi, from the
 * firmware's throttling flags. A fact that cannot be read is left out, or
 * says "unknown" with why, never guessed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "agent.h"

/* --facts-root (tests only): files under it shadow the kernel's. Set by
 * agent_do_facts for the request it answers (one session per process). */
static const char *facts_root = "";

/* Opens path, or its shadow under facts_root when that exists. */
static int open_fact(const char *path)
{
	if (facts_root[0]) {
		char shadow[768];
		int fd;
		snprintf(shadow, sizeof(shadow), "%s%s", facts_root, path);
		if ((fd = open(shadow, O_RDONLY | O_CLOEXEC)) >= 0)
			return fd;
	}
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* Reads the first line (or all, for the device-tree model) of a small file. */
static int read_small(const char *path, char *out, size_t cap)
{
	int fd = open_fact(path);
	ssize_t n;

	out[0] = 0;
	if (fd < 0)
		return -1;
	n = read(fd, out, cap - 1);
	close(fd);
	if (n <= 0)
		return -1;
	out[n] = 0;
	out[strcspn(out, "\n")] = 0;
	/* device-tree strings end in NUL already */
	return out[0] ? 0 : -1;
}

/* "key : value" from /proc/cpuinfo or /proc/meminfo, first match. */
static int proc_field(const char *path, const char *key, char *out, size_t cap)
{
	int fd = open_fact(path);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	char line[512];
	size_t kl = strlen(key);
	int found = -1;

	out[0] = 0;
	if (!f) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p;
		if (strncmp(line, key, kl) ||
		    (line[kl] != ' ' && line[kl] != '\t' && line[kl] != ':'))
			continue;
		p = strchr(line, ':');
		if (!p)
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		p[strcspn(p, "\n")] = 0;
		snprintf(out, cap, "%s", p);
		found = 0;
		break;
	}
	fclose(f);
	return found;
}

/* ARM's part numbers (MIDR bits 4..15, implementer 0x41) for the cores
 * Raspberry Pis use: arm64 /proc/cpuinfo has no "model name". */
static const char *arm_core_name(unsigned long part)
{
	switch (part) {
	case 0xb76:
		return "ARM1176 (ARMv6: Pi 1, Zero)";
	case 0xc07:
		return "Cortex-A7 (Pi 2)";
	case 0xd03:
		return "Cortex-A53 (Pi 3, Zero 2)";
	case 0xd08:
		return "Cortex-A72 (Pi 4)";
	case 0xd0b:
		return "Cortex-A76 (Pi 5)";
	case 0xc0f:
		return "Cortex-A15";
	case 0xd05:
		return "Cortex-A55";
	case 0xd07:
		return "Cortex-A57";
	}
	return "unknown ARM core";
}

struct facts {
	struct rig_frame_writer w;
	uint32_t n;
};

static void fact(struct facts *fs, const char *key, const char *value)
{
	rig_frame_put_str(&fs->w, key);
	rig_frame_put_str(&fs->w, value);
	fs->n++;
}

/*
 * The Pi firmware's throttling flags (what `vcgencmd get_throttled` prints):
 * bit 0 under-voltage now, 1 ARM frequency capped now, 2 throttled now,
 * 3 soft temperature limit now; bits 16..19 the same "has occurred since boot".
 * Read from the firmware driver's sysfs file where the kernel has it, else
 * through the VideoCore mailbox property interface (/dev/vcio, tag 0x00030046).
 */
static int pi_throttled(uint32_t *bits, char *why, size_t cap)
{
	static const char *const sysfs[] = {
	    "/sys/devices/platform/soc/soc:firmware/get_throttled",
	    "/sys/devices/platform/soc:firmware/get_throttled",
	};
	char buf[64];
	int fd;

	for (size_t i = 0; i < sizeof(sysfs) / sizeof(sysfs[0]); i++)
		if (read_small(sysfs[i], buf, sizeof(buf)) == 0) {
			*bits = (uint32_t)strtoul(buf, NULL, 16);
			return 0;
		}
	fd = open("/dev/vcio", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, cap, "unknown (no Pi firmware interface: /dev/vcio: %s)",
			 strerror(errno));
		return -1;
	}
	{
		/* mailbox property message: size, request, tag, value size, tag
		 * request/response, value, end tag */
		uint32_t msg[8] = {sizeof(msg), 0, 0x00030046, 4, 0, 0, 0, 0};
		/* _IOWR(100, 0, char *) as the firmware's vcio driver defines it */
		unsigned long req = _IOWR(100, 0, char *);
		if (ioctl(fd, req, msg) < 0 || msg[1] != 0x80000000u) {
			snprintf(why, cap, "unknown (mailbox GET_THROTTLED failed: %s)",
				 strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
		*bits = msg[5];
	}
	return 0;
}

int agent_do_facts(struct agent_conn *c, const struct rig_frame *f)
{
	static uint8_t p[8192];
	struct facts fs;
	struct utsname u;
	char buf[256], why[160];
	uint32_t bits;
	long v;

	facts_root = c->cfg->facts_root;
	/* u32 count first, patched at the end */
	rig_frame_writer_init(&fs.w, p, sizeof(p));
	rig_frame_put_u32(&fs.w, 0);
	fs.n = 0;
	fact(&fs, "agent_version", AGENT_VERSION);
	if (read_small("/proc/device-tree/model", buf, sizeof(buf)) == 0 ||
	    read_small("/sys/firmware/devicetree/base/model", buf, sizeof(buf)) == 0)
		fact(&fs, "model", buf);
	if (proc_field("/proc/cpuinfo", "model name", buf, sizeof(buf)) == 0)
		fact(&fs, "cpu", buf);
	else if (proc_field("/proc/cpuinfo", "CPU part", buf, sizeof(buf)) == 0)
		fact(&fs, "cpu", arm_core_name(strtoul(buf, NULL, 0)));
	if (proc_field("/proc/cpuinfo", "CPU part", buf, sizeof(buf)) == 0)
		fact(&fs, "cpu_part", buf);
	if (proc_field("/proc/cpuinfo", "Revision", buf, sizeof(buf)) == 0)
		fact(&fs, "board_revision", buf);
	v = sysconf(_SC_NPROCESSORS_ONLN);
	snprintf(buf, sizeof(buf), "%ld", v);
	fact(&fs, "cores", buf);
	if (proc_field("/proc/meminfo", "MemTotal", buf, sizeof(buf)) == 0) {
		buf[strcspn(buf, " ")] = 0;
		fact(&fs, "mem_kib", buf);
	}
	if (uname(&u) == 0) {
		fact(&fs, "kernel", u.release);
		fact(&fs, "machine", u.machine);
		fact(&fs, "hostname", u.nodename);
	}
	if (read_small("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", buf, sizeof(buf)) ==
	    0)
		fact(&fs, "governor", buf);
	else
		fact(&fs, "governor", "none (no cpufreq)");
	if (read_small("/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", buf, sizeof(buf)) ==
	    0) {
		snprintf(buf, sizeof(buf), "%ld", atol(buf) / 1000);
		fact(&fs, "cpu_mhz", buf);
	}
	if (read_small("/sys/class/thermal/thermal_zone0/temp", buf, sizeof(buf)) == 0) {
		long mc = atol(buf);
		snprintf(buf, sizeof(buf), "%ld.%ld", mc / 1000,
			 (mc % 1000 < 0 ? -mc : mc) % 1000 / 100);
		fact(&fs, "soc_temp_c", buf);
	}
	if (pi_throttled(&bits, why, sizeof(why)) == 0) {
		snprintf(buf, sizeof(buf), "0x%x", bits);
		fact(&fs, "throttled_bits", buf);
		/* bits 0..3: under-voltage, capped, throttled, soft temp limit, now */
		fact(&fs, "throttled", (bits & 0xf) ? "yes" : "no");
		fact(&fs, "throttled_since_boot", (bits & 0xf0000) ? "yes" : "no");
	} else {
		fact(&fs, "throttled", why);
	}
	snprintf(buf, sizeof(buf), "%s", c->cfg->drop_privs ? "unprivileged" : "agent's own user");
	fact(&fs, "workload_user", buf);
	if (fs.w.overflow)
		return agent_send_error(c, RIG_FERR_IO, "facts do not fit in one frame");
	p[0] = (uint8_t)(fs.n >> 24), p[1] = (uint8_t)(fs.n >> 16), p[2] = (uint8_t)(fs.n >> 8),
	p[3] = (uint8_t)fs.n;
	return agent_send(c, RIG_MSG_FACTS_OK, p, (uint32_t)fs.w.len);
}
