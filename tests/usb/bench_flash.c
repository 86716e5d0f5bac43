/*
 * usbbench_flash (bench/usb_flash.sh runs it inside the USB test bed):
 * flash throughput of the uf2, picoboot and dfu parts against the raw
 * bulk throughput of the same bed, interleaved round by round so drift
 * hits all of them alike. Raw bulk: the kernel's SourceSink function
 * (usb_f_ss_lb, no pattern check) sunk by rig_usb_bulk in 1 MiB
 * transfers, and the same loop into a FunctionFS sink (usbmodel_ffssink:
 * the PICOBOOT and DfuSe models are userspace FunctionFS devices too, so
 * that is their fair ceiling). The
 * flash rows are the parts' own write_Bps (erase included) and
 * verify_Bps facts, and the whole load's wall time. One line per
 * measurement:
 *
 *   ROUND KIND BYTES write_Bps verify_Bps total_s
 *
 * picoboot-raw writes an image of RAW_MIB (the raw loops' byte count, into
 * a model with that much flash) in 1 MiB commands: the like-for-like row.
 *
 *   usbbench_flash [ROUNDS] [RAW_MIB 1..16] [IMAGE_KIB] [DFU_KIB]   (DFU_KIB 0: no dfu rows)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bedtest.h"
#include "board.h"
#include "flash.h"
#include "flash_image.h"
#include "kvlist.h"
#include "picoboot.h"
#include "picoboot_proto.h"
#include "usb_sel.h"
#include "uf2_proto.h"
#include "usb.h"

#define DIR "/tmp/usbbench"
#define SS "/sys/kernel/config/usb_gadget/ss"

static void put(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(val, f) < 0 || fclose(f))
		printf("FAIL: writing %s to %s: %s\n", val, path, strerror(errno));
}

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16),
	p[3] = (uint8_t)(v >> 24);
}

static void write_file(const char *path, const uint8_t *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(b, 1, n, f) != n || fclose(f))
		printf("FAIL: %s: %s\n", path, strerror(errno));
}

/* the images: one random .bin, the same bytes as RP2040 UF2 blocks, and
 * big.bin, as long as the raw loops' run (the like-for-like PICOBOOT row) */
static void images(size_t n, size_t big)
{
	uint8_t *b = malloc(n), *u = calloc(n / 256, 512);

	srand(1);
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)rand();
	write_file(DIR "/image.bin", b, n);
	for (size_t i = 0; i < n / 256; i++) {
		uint8_t *k = u + i * 512;

		le32(k, RIG_UF2_MAGIC_START0), le32(k + 4, RIG_UF2_MAGIC_START1);
		le32(k + 8, RIG_UF2_FLAG_FAMILY_ID), le32(k + 12, 0x10000000u + (uint32_t)i * 256);
		le32(k + 16, 256), le32(k + 20, (uint32_t)i), le32(k + 24, (uint32_t)(n / 256));
		le32(k + 28, RIG_UF2_FAMILY_RP2040), le32(k + 508, RIG_UF2_MAGIC_END);
		memcpy(k + 32, b + i * 256, 256);
	}
	write_file(DIR "/image.uf2", u, n / 256 * 512);
	free(b);
	free(u);
	b = malloc(big);
	for (size_t i = 0; i < big; i++)
		b[i] = (uint8_t)rand();
	write_file(DIR "/big.bin", b, big);
	free(b);
}

/* Where the guest's one vCPU went during a row: this process (rig's side),
 * the model process, and idle (from /proc/stat), so that a row slower than
 * the raw loops can be told CPU-bound from waiting. */
struct cpu_snap {
	double self_s, model_s, idle_s, all_s;
};

static double proc_cpu_s(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (pid <= 0 || !(f = fopen(path, "r")))
		return 0;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	/* after the name: state ppid pgrp session tty tpgid flags minflt
	 * cminflt majflt cmajflt utime stime */
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static void cpu_take(struct cpu_snap *c, pid_t model)
{
	struct rusage ru;
	unsigned long long v[8] = {0};
	FILE *f = fopen("/proc/stat", "r");
	double hz = (double)sysconf(_SC_CLK_TCK);

	getrusage(RUSAGE_SELF, &ru);
	c->self_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	c->model_s = proc_cpu_s(model);
	if (f && fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
			&v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
		c->idle_s = (double)(v[3] + v[4]) / hz;
		c->all_s = 0;
		for (int i = 0; i < 8; i++)
			c->all_s += (double)v[i] / hz;
	}
	if (f)
		fclose(f);
}

static void cpu_print(int round, const char *kind, const struct cpu_snap *a,
		      const struct cpu_snap *b)
{
	double all = b->all_s - a->all_s;

	printf("# cpu %d %s: rig %.0f ms, model %.0f ms, idle %.0f%% of %.0f ms\n", round, kind,
	       (b->self_s - a->self_s) * 1e3, (b->model_s - a->model_s) * 1e3,
	       all > 0 ? 100 * (b->idle_s - a->idle_s) / all : 0, all * 1e3);
}

/* rig_usb_bulk OUT of total bytes in 1 MiB transfers into vid:pid's
 * vendor interface; B/s or 0. whole: from one buffer of total bytes (each
 * transfer the next MiB, as the PICOBOOT rows send their image), else the
 * same hot MiB each time. */
static pid_t cur_model; /* the model a row runs against, for cpu_take */
static int cur_round;
static const char *cur_kind;

static double sink(uint16_t vid, uint16_t pid, size_t total, int whole)
{
	struct cpu_snap c0, c1;
	struct rig_usb_match m = {.vid = vid, .pid = pid};
	struct rig_usb_dev d;
	struct rig_usb_handle *h = NULL;
	struct rig_error err = {0};
	static uint8_t one[1 << 20];
	static uint8_t *big;
	uint8_t *buf = one;
	struct rig_usb_bulk_iface bi;
	double t0, t = 0;

	if (whole && !big) {
		size_t n = 0;

		big = bed_slurp(DIR "/big.bin", &n); /* touched: read from the file */
		if (!big || n < total)
			return printf("FAIL: raw bulk: %s/big.bin\n", DIR), 0;
	}

	if (rig_usb_wait_present(&m, 10000, &d, &err) || rig_usb_open(&d, &h, &err) ||
	    rig_usb_find_bulk_iface(h, 0xFF, -1, -1, &bi, &err) ||
	    rig_usb_claim(h, bi.iface, &err)) {
		printf("FAIL: raw bulk %04x:%04x: %s\n", vid, pid, err.msg);
		rig_usb_close(h);
		return 0;
	}
	cpu_take(&c0, cur_model);
	t0 = bed_now_s();
	for (size_t done = 0; done < total; done += sizeof(one))
		if (rig_usb_bulk(h, bi.ep_out, (whole ? big + done : buf), sizeof(one), 5000,
				 &err) != (int)sizeof(one)) {
			printf("FAIL: raw bulk: %s\n", err.msg);
			rig_usb_close(h);
			return 0;
		}
	t = bed_now_s() - t0;
	cpu_take(&c1, cur_model);
	cpu_print(cur_round, cur_kind, &c0, &c1);
	rig_usb_close(h);
	return (double)total / t;
}

static double raw_kernel(size_t total)
{
	double r;

	mkdir(SS, 0755);
	mkdir(SS "/strings/0x409", 0755);
	mkdir(SS "/configs/c.1", 0755);
	mkdir(SS "/functions/SourceSink.0", 0755);
	put(SS "/idVendor", "0x1209");
	put(SS "/idProduct", "0x5353");
	put(SS "/functions/SourceSink.0/pattern", "2");
	put(SS "/functions/SourceSink.0/bulk_buflen", "65536");
	symlink(SS "/functions/SourceSink.0", SS "/configs/c.1/SourceSink.0");
	put(SS "/UDC", "dummy_udc.0\n");
	r = sink(0x1209, 0x5353, total, 0);
	bed_model_stop(-1);
	return r;
}

/* the FunctionFS sink (usbmodel_ffssink: userspace reads 1 MiB a time);
 * whole: from the 16 MiB image into successive MiB of a sink buffer as
 * large, the memory the PICOBOOT like-for-like row moves through */
static double raw_ffs(size_t total, int whole)
{
	char mib[16];
	const char *one[] = {NULL}, *all[] = {"--buffer-mib", mib, NULL};
	pid_t m;
	double r;

	snprintf(mib, sizeof(mib), "%zu", total >> 20);
	m = bed_model_start("usbmodel_ffssink", DIR "/model.log", whole ? all : one);
	cur_model = m;
	r = m > 0 ? sink(0x1209, 0x5354, total, whole) : 0;
	cur_model = 0;

	bed_model_stop(m);
	return r;
}

static void flash(int round, const char *kind, const char *model, const char *const *argv,
		  const char *yaml, const char *image, size_t bytes)
{
	struct rig_error err = {0};
	struct rig_board *b = NULL;
	struct rig_artifact a = {0};
	struct rig_kvlist facts = {0};
	char prog[64];
	pid_t m;

	snprintf(prog, sizeof(prog), "usbmodel_%s", model);
	m = bed_model_start(prog, DIR "/model.log", argv);
	double t0 = bed_now_s(), t;
	const char *w, *v;
	FILE *f = fopen(DIR "/board.yaml", "w");
	int rc;

	fputs(yaml, f);
	fclose(f);
	rc = m > 0 ? rig_board_load(DIR "/board.yaml", DIR, &b, &err) : -1;
	snprintf(a.path, sizeof(a.path), "%s", image);
	if (rc == 0)
		rc = RIG_FLASH(b)->load(b, &a, &err);
	t = bed_now_s() - t0;
	if (rc == 0)
		RIG_FLASH(b)->facts(b, &facts, &err);
	w = rig_kv_get(&facts, "board.flash.write_Bps");
	v = rig_kv_get(&facts, "board.flash.verify_Bps");
	if (rc) {
		printf("FAIL: %s: %s\n", kind, err.msg);
		bed_failures++; /* the script's exit says a row is missing */
	} else {
		printf("%d %s %zu %s %s %.3f\n", round, kind, bytes, w ? w : "-", v ? v : "-", t);
	}
	fflush(stdout);
	rig_kv_free(&facts);
	if (b)
		rig_board_free(b);
	bed_model_stop(m);
}

/* PICOBOOT's write phase alone, through the library the picoboot part
 * uses (no image file, no reboot): erase, then total bytes of big.bin in
 * 1 MiB WRITE commands, with where the vCPU went, to set beside the raw
 * loops' rows. Prints "ROUND picoboot-lib BYTES write_Bps - -". */
static void picoboot_lib(int round, const char *const *argv, size_t total)
{
	pid_t m = bed_model_start("usbmodel_rp2040", DIR "/model.log", argv);
	struct rig_usb_sel sel = {.vid = 0x2e8a, .pid = 0x0003};
	struct rig_picoboot pb = {.flash_size = (uint32_t)total, .timeout_ms = 5000, .token = 1};
	struct rig_picoboot_usb *pu = NULL;
	struct rig_error err = {0};
	struct cpu_snap c0, c1;
	size_t n = 0;
	uint8_t *img = bed_slurp(DIR "/big.bin", &n);
	double t0, t = 0;
	int rc = m > 0 && img && n >= total ? 0 : -1;

	if (rc == 0)
		rc = rig_picoboot_usb_open(&sel, 10000, &pu, &pb, &err);
	if (rc == 0)
		rc = rig_picoboot_exclusive_access(&pb, 1, &err);
	cpu_take(&c0, m);
	t0 = bed_now_s();
	if (rc == 0)
		rc = rig_picoboot_erase(&pb, RIG_RP_XIP_BASE, (uint32_t)total, &err);
	if (rc == 0)
		rc = rig_picoboot_write(&pb, RIG_RP_XIP_BASE, img, (uint32_t)total, 1u << 20, &err);
	t = bed_now_s() - t0;
	cpu_take(&c1, m);
	if (rc) {
		printf("FAIL: picoboot-lib: %s\n", err.msg[0] ? err.msg : "no model or image");
		bed_failures++;
	} else {
		cpu_print(round, "picoboot-lib", &c0, &c1);
		printf("%d picoboot-lib %zu %.0f - -\n", round, total, (double)total / t);
	}
	fflush(stdout);
	rig_picoboot_usb_close(pu);
	free(img);
	bed_model_stop(m);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 3, rc = bed_init();
	size_t raw = (size_t)(argc > 2 ? atoi(argv[2]) : 32) << 20;
	size_t img = (size_t)(argc > 3 ? atoi(argv[3]) : 1024) << 10;
	size_t dfu = (size_t)(argc > 4 ? atoi(argv[4]) : 256) << 10;
	const char *rp[] = {"--picoboot", "--dir", DIR, "--flash-out", DIR "/flash.bin", NULL};
	const char *st[] = {"--flash", DIR "/stm32.bin", NULL};
	char dfubin[64] = DIR "/dfu.bin", mib[16], bigyaml[512], bigyaml4[512];
	const char *rpbig[] = {"--picoboot",	   "--dir", DIR, "--flash-out", DIR "/flash.bin",
			       "--flash-size-mib", mib,	    NULL};

	if (rc)
		return rc;
	if (raw < (1u << 20) || raw > (16u << 20))
		return printf("FAIL: RAW_MIB: 1 to 16 (the RP2040's largest flash)\n"), 2;
	snprintf(mib, sizeof(mib), "%zu", raw >> 20);
	snprintf(bigyaml, sizeof(bigyaml),
		 "name: b\nkind: parts\ndescription: bed model (emulated)\n"
		 "target: {os: none, arch: thumb, variant: rp2040}\nrunner: {kind: none}\n"
		 "flash: {kind: picoboot, app: \"2e8a:000a\", chunk: 1M, flash_size: %zuM}\n",
		 raw >> 20);
	snprintf(bigyaml4, sizeof(bigyaml4),
		 "name: b\nkind: parts\ndescription: bed model (emulated)\n"
		 "target: {os: none, arch: thumb, variant: rp2040}\nrunner: {kind: none}\n"
		 "flash: {kind: picoboot, app: \"2e8a:000a\", chunk: 4M, flash_size: %zuM}\n",
		 raw >> 20);
	mkdir(DIR, 0755);
	bed_model_stop(-1);
	images(img, raw);
	{
		size_t n = 0;
		uint8_t *b = bed_slurp(DIR "/image.bin", &n);

		if (dfu)
			write_file(dfubin, b, dfu < n ? dfu : n);
		free(b);
	}
	printf("# round kind bytes write_Bps verify_Bps total_s\n");
	for (int r = 1; r <= rounds; r++) {
		cur_round = r, cur_kind = "raw-kernel", cur_model = 0;
		printf("%d raw-kernel %zu %.0f - -\n", r, raw, raw_kernel(raw));
		cur_round = r, cur_kind = "raw-ffs";
		printf("%d raw-ffs %zu %.0f - -\n", r, raw, raw_ffs(raw, 0));
		cur_kind = "raw-ffs-whole";
		printf("%d raw-ffs-whole %zu %.0f - -\n", r, raw, raw_ffs(raw, 1));
		picoboot_lib(r, rpbig, raw);
		flash(r, "uf2", "rp2040", rp,
		      "name: b\nkind: parts\ndescription: bed model (emulated)\n"
		      "target: {os: none, arch: thumb, variant: rp2040}\nrunner: {kind: none}\n"
		      "flash: {kind: uf2, app: \"2e8a:000a\", reboot_wait: 30s}\n",
		      DIR "/image.uf2", img);
		flash(r, "picoboot", "rp2040", rp,
		      "name: b\nkind: parts\ndescription: bed model (emulated)\n"
		      "target: {os: none, arch: thumb, variant: rp2040}\nrunner: {kind: none}\n"
		      "flash: {kind: picoboot, app: \"2e8a:000a\"}\n",
		      DIR "/image.bin", img);
		flash(r, "picoboot-256k", "rp2040", rp,
		      "name: b\nkind: parts\ndescription: bed model (emulated)\n"
		      "target: {os: none, arch: thumb, variant: rp2040}\nrunner: {kind: none}\n"
		      "flash: {kind: picoboot, app: \"2e8a:000a\", chunk: 256k}\n",
		      DIR "/image.bin", img);
		/* 1 MiB per command: the raw loops' transfer size */
		flash(r, "picoboot-1m", "rp2040", rp,
		      "name: b\nkind: parts\ndescription: bed model (emulated)\n"
		      "target: {os: none, arch: thumb, variant: rp2040}\nrunner: {kind: none}\n"
		      "flash: {kind: picoboot, app: \"2e8a:000a\", chunk: 1M}\n",
		      DIR "/image.bin", img);
		/* like for like with the raw loops: as many bytes, 1 MiB a command */
		flash(r, "picoboot-raw", "rp2040", rpbig, bigyaml, DIR "/big.bin", raw);
		flash(r, "picoboot-raw-4m", "rp2040", rpbig, bigyaml4, DIR "/big.bin", raw);
		if (dfu == 0)
			continue; /* DFU_KIB 0: no GadgetFS device (docs/usb.md: it can oops) */
		unlink(DIR "/stm32.bin");
		flash(r, "dfu", "dfuse", st,
		      "name: b\nkind: parts\ndescription: bed model (emulated)\n"
		      "target: {os: none, arch: thumb, variant: stm32f401}\nrunner: {kind: none}\n"
		      "flash: {kind: dfu, address: 0x08000000, app: \"0483:5740\"}\n",
		      dfubin, dfu);
	}
	return bed_failures ? 1 : 0;
}
