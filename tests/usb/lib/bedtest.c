/* Helpers of the USB bed tests (bedtest.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "bedtest.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int bed_failures;
const char *bed_src, *bed_bin;

int bed_init(void)
{
	bed_src = getenv("RIG_SOURCE_DIR");
	bed_bin = getenv("RIG_BINARY_DIR");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!getenv("RIG_IN_USB_BED") || !bed_src || !bed_bin) {
		printf("not inside the USB test bed (tests/usb/bed/run.sh, RIG_SOURCE_DIR, "
		       "RIG_BINARY_DIR)\n");
		return 77;
	}
	return 0;
}

double bed_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

unsigned char *bed_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc(*len + 1);
	if (fread(b, 1, *len, f) != *len) {
		free(b);
		b = NULL;
	} else {
		b[*len] = 0;
	}
	fclose(f);
	return b;
}

pid_t bed_model_start(const char *name, const char *log, const char *const *args)
{
	char path[1024];
	const char *argv[32];
	size_t n = 0, len;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/tests/usb/%s", bed_bin, name);
	argv[n++] = path;
	while (args && *args && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	unlink(log);
	pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(fd, 1);
		dup2(fd, 2);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	for (int i = 0; i < 200 && pid > 0; i++) {
		unsigned char *t = bed_slurp(log, &len);
		int ready =
		    t && (strncmp((char *)t, "ready\n", 6) == 0 || strstr((char *)t, "\nready\n"));

		free(t);
		if (ready)
			return pid;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			break;
		usleep(50000);
	}
	{
		unsigned char *t = bed_slurp(log, &len);

		printf("FAIL: the model %s did not start: %s\n", path, t ? (char *)t : "(no log)");
		free(t);
	}
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	bed_failures++;
	return -1;
}

void bed_model_stop(pid_t pid)
{
	char cmd[1200];

	if (pid > 0) {
		kill(pid, SIGTERM);
		for (int i = 0; i < 30 && waitpid(pid, NULL, WNOHANG) == 0; i++)
			usleep(100000);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "bash %s/tests/usb/bed/gadget-reset.sh", bed_src);
	if (system(cmd) != 0)
		printf("gadget-reset failed\n");
}

int bed_sh(char *out, size_t cap, const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	FILE *p;
	size_t len = 0;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	printf("$ %s\n", cmd);
	strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	if (!(p = popen(cmd, "r")))
		return -1;
	if (cap)
		out[0] = 0;
	for (;;) {
		char buf[1024];
		size_t r = fread(buf, 1, sizeof(buf), p);

		if (r == 0)
			break;
		fwrite(buf, 1, r, stdout);
		if (cap && len + 1 < cap) {
			size_t k = r < cap - 1 - len ? r : cap - 1 - len;

			memcpy(out + len, buf, k);
			len += k;
			out[len] = 0;
		}
	}
	st = pclose(p);
	return st == -1 ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int bed_write(const char *path, const char *fmt, ...)
{
	FILE *f = fopen(path, "w");
	va_list ap;
	int rc;

	if (!f) {
		printf("FAIL: %s: cannot create\n", path);
		return -1;
	}
	va_start(ap, fmt);
	rc = vfprintf(f, fmt, ap) < 0;
	va_end(ap);
	return fclose(f) || rc ? -1 : 0;
}

int bed_hub_of(const char *port, char *hub, size_t cap, int *n)
{
	const char *dot = strrchr(port, '.'), *dash = strchr(port, '-');

	if (!dash)
		return -1;
	if (dot) {
		snprintf(hub, cap, "%.*s", (int)(dot - port), port);
		*n = atoi(dot + 1);
	} else {
		snprintf(hub, cap, "usb%.*s", (int)(dash - port), port);
		*n = atoi(dash + 1);
	}
	return *n > 0 ? 0 : -1;
}

int bed_write_model_toolchain(const char *path)
{
	/* The image rig "builds" for the model: the model's own program, whose
	 * hosted firmware is what answers (the model runs no RP2040 code). */
	return bed_write(path,
			 "# the image on the RP2040 model (its application answers with rig's\n"
			 "# hosted firmware, tests/usb/models/fw_hosted.h)\n"
			 "toolchains:\n"
			 "  model-fw:\n"
			 "    lang: c\n"
			 "    version: [echo, \"TinyGo 0.33 pico hello (tests/fuzz/corpus/uf2)\"]\n"
			 "    build: [cp, \"%s/tests/fuzz/corpus/uf2/tinygo-pico-hello.elf\", "
			 "\"{out}\"]\n"
			 "    targets: {none/thumb/rp2040: {}}\n"
			 "profiles:\n"
			 "  model-fw: {toolchain: model-fw}\n",
			 bed_src);
}

#define GADGETS "/sys/kernel/config/usb_gadget/"

int bed_ffs_gadget(const char *name, const char *vidpid, const char *serial, const char *mount)
{
	char out[2048];
	unsigned vid, pid;

	if (sscanf(vidpid, "%x:%x", &vid, &pid) != 2)
		return -1;
	return bed_sh(out, sizeof(out),
		      "set -e; g=" GADGETS "%s; mkdir -p $g $g/strings/0x409 $g/configs/c.1 "
		      "$g/functions/ffs.%s %s; echo 0x%04x > $g/idVendor; echo 0x%04x > "
		      "$g/idProduct; echo %s > $g/strings/0x409/serialnumber; echo rig > "
		      "$g/strings/0x409/manufacturer; echo %s > $g/strings/0x409/product; ln -s "
		      "$g/functions/ffs.%s $g/configs/c.1/; mount -t functionfs %s %s",
		      name, name, mount, vid, pid, serial, name, name, name, mount)
		   ? -1
		   : 0;
}

int bed_gadget_bind(const char *name, const char *udc)
{
	char out[512];

	if (udc && udc[0])
		return bed_sh(out, sizeof(out), "echo %s > " GADGETS "%s/UDC", udc, name) ? -1 : 0;
	return bed_sh(out, sizeof(out), "echo $(ls /sys/class/udc | head -n1) > " GADGETS "%s/UDC",
		      name)
		   ? -1
		   : 0;
}

pid_t bed_agent_gadget_up(const char *name, const char *dir, const char *udc)
{
	char mount[600], log[600], key[600], work[600], bin[1024];
	pid_t agent;

	snprintf(mount, sizeof(mount), "%s/ffs", dir);
	snprintf(log, sizeof(log), "%s/agent.log", dir);
	snprintf(key, sizeof(key), "%s/key", dir);
	snprintf(work, sizeof(work), "%s/work", dir);
	snprintf(bin, sizeof(bin), "%s/firmware/agent/rig-agent", bed_bin);
	if (bed_ffs_gadget(name, "1d6b:0104", "RIGAGENT0001", mount))
		return -1;
	unlink(log);
	agent = fork();
	if (agent == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(fd, 2);
		execl(bin, bin, "--key", key, "--work", work, "--usb-ffs", mount, "--verbose",
		      (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100 && agent > 0; i++) {
		size_t n;
		unsigned char *t = bed_slurp(log, &n);
		int ok = t && strstr((char *)t, "descriptors written");

		free(t);
		if (ok)
			return bed_gadget_bind(name, udc) ? -1 : agent;
		usleep(50000);
	}
	printf("FAIL: rig-agent did not write its descriptors (%s)\n", log);
	return -1;
}
