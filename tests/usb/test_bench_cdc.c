/*
 * usb/bench_cdc (in the USB test bed): the whole way of a Pico through rig,
 * against the RP2040 model (usbmodel_rp2040). The board is in BOOTSEL
 * (2e8a:0003, no serial); rig's uf2 part flashes TinyGo's pico image; the
 * board is found again by its port path after the mode switch, now
 * 2e8a:000a with a serial it did not have; then `rig bench`, with a board
 * file whose console is that CDC-ACM port chosen by port path
 * (usb:2e8a:000a@PORT) and whose power is its hub port, runs C workloads
 * through rig's firmware line protocol and stores the rows, marked
 * emulated (checked with sqlite3, not with rig).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bedtest.h"
#include "board.h"
#include "flash.h"
#include "usb.h"

#define DIR "/tmp/bench_cdc"

static int flash_uf2(const char *port, const char *elf, struct rig_error *err)
{
	char yaml[512];

	snprintf(yaml, sizeof(yaml),
		 "name: pico-uf2-model\n"
		 "kind: parts\n"
		 "description: the bed's RP2040 boot ROM model (emulated)\n"
		 "target: {os: none, arch: thumb, variant: rp2040}\n"
		 "runner: {kind: none}\n"
		 "flash: {kind: uf2, family: rp2040, port: \"%s\", app: \"2e8a:000a\", "
		 "wait: 10s, reboot_wait: 10s}\n",
		 port);
	return bed_flash_load(DIR "/flash.yaml", yaml, elf, err);
}

int main(void)
{
	struct rig_usb_match boot_m = {.vid = 0x2e8a, .pid = 0x0003};
	struct rig_usb_dev boot = {0}, app = {0};
	struct rig_error err = {0};
	char elf[1024], hub[32], out[16384], rig[1024], db[] = DIR "/rig.db";
	const char *args[] = {"--dir", DIR, "--flash-out", DIR "/flash.bin", NULL};
	int hubport, rc;
	size_t flen = 0;
	pid_t m;
	double t0;

	if ((rc = bed_init()))
		return rc;
	mkdir(DIR, 0755);
	unlink(db);
	bed_model_stop(-1);
	snprintf(elf, sizeof(elf), "%s/tests/fuzz/corpus/uf2/tinygo-pico-hello.elf", bed_src);
	snprintf(rig, sizeof(rig), "%s/host/rig", bed_bin);
	setenv("RIG_FW_TRACE", "1", 1); /* the model.log shows the line's traffic */
	if ((m = bed_model_start("usbmodel_rp2040", DIR "/model.log", args)) < 0)
		return 1;

	/* BOOTSEL: the loader, no serial */
	rc = rig_usb_wait_present(&boot_m, 5000, &boot, &err);
	CHECK(rc == 0, "no boot ROM: %s", err.msg);
	printf("BOOTSEL: %04x:%04x at %s serial \"%s\"\n", boot.vid, boot.pid, boot.port,
	       boot.serial);

	/* flash with uf2, then the app at the same port */
	t0 = bed_now_s();
	rc = rc ? rc : flash_uf2(boot.port, elf, &err);
	printf("uf2 load %s in %.2f s %s\n", rc ? "FAILED" : "ok", bed_now_s() - t0,
	       rc ? err.msg : "");
	CHECK(rc == 0, "uf2: %s", err.msg);
	free(bed_slurp(DIR "/flash.bin", &flen));
	CHECK(flen > 0, "the model's flash is empty");
	struct rig_usb_match app_m = {.vid = 0x2e8a, .pid = 0x000a, .port = boot.port};
	rc = rc ? rc : rig_usb_wait_present(&app_m, 5000, &app, &err);
	CHECK(rc == 0 && strcmp(app.port, boot.port) == 0 && strcmp(app.serial, boot.serial) != 0,
	      "the app is not found at %s: %s", boot.port, err.msg);
	printf("found again by port path: %04x:%04x at %s serial \"%s\" (was \"%s\")\n", app.vid,
	       app.pid, app.port, app.serial, boot.serial);
	if (rc || bed_hub_of(app.port, hub, sizeof(hub), &hubport)) {
		bed_model_stop(m);
		return 1;
	}

	/* rig bench through the CDC-ACM console, power by the hub port */
	bed_write(DIR "/pico-cdc-model.yaml",
		  "# the bed's RP2040 model in application mode: rig's firmware core\n"
		  "# built for the guest on its CDC-ACM port (tests/usb/models)\n"
		  "name: pico-cdc-model\n"
		  "kind: parts\n"
		  "description: RP2040 model on dummy_hcd, CDC-ACM console (emulated)\n"
		  "emulated: true\n"
		  "target: {os: none, arch: thumb, variant: rp2040}\n"
		  "samples: 2\n"
		  "warmup: 0\n"
		  "timeout: 20s\n"
		  "ready_timeout: 5s\n"
		  "retries: 1\n"
		  "iterations: {cpu: 200, alloc: 2000}\n"
		  "power: {kind: usb-hub-port, hub: \"%s\", port: %d, method: sysfs, off: 100ms, "
		  "wait: 5s}\n"
		  "link: {kind: serial, port: \"usb:2e8a:000a@%s\", baud: 115200}\n"
		  "runner: {kind: mcu}\n",
		  hub, hubport, app.port);
	bed_write_model_toolchain(DIR "/toolchains.yaml");
	t0 = bed_now_s();
	rc =
	    bed_sh(out, sizeof(out),
		   "'%s' --db %s --state-dir " DIR "/state --toolchains-file " DIR
		   "/toolchains.yaml bench -b " DIR "/pico-cdc-model.yaml -t model-fw -w cpu,alloc",
		   rig, db);
	printf("rig bench: exit %d in %.1f s\n", rc, bed_now_s() - t0);
	CHECK(rc == 0, "rig bench failed");

	/* the rows, read with sqlite3 */
	rc = bed_sh(out, sizeof(out),
		    "sqlite3 %s \"select r.workload, r.emulated, s.ok, "
		    "(select value from metrics where sample_id = s.id and name = 'throughput'), "
		    "(select value from metrics where sample_id = s.id and name = 'startup_ns') "
		    "from runs r join samples s on s.run_id = r.id where r.board = "
		    "'pico-cdc-model' order by r.workload, s.idx\"",
		    db);
	CHECK(rc == 0, "sqlite3 failed");
	int rows = 0, ok = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		char wl[32];
		int emu, sok;
		double thr = 0, st = 0;

		if (sscanf(line, "%31[^|]|%d|%d|%lf|%lf", wl, &emu, &sok, &thr, &st) < 3)
			continue;
		rows++;
		ok += emu == 1 && sok == 1 && thr > 0 && st > 0;
		CHECK(emu == 1, "row not marked emulated: %s", line);
	}
	CHECK(rows == 4 && ok == 4, "%d rows, %d ok emulated with throughput and startup", rows,
	      ok);
	printf("%d rows stored, %d ok, all emulated\n", rows, ok);
	if (ok != rows)
		bed_sh(out, sizeof(out),
		       "sqlite3 %s \"select idx, fail_reason, stderr_tail, log_path from samples "
		       "where ok = 0\"; for f in $(sqlite3 %s \"select log_path from samples "
		       "where ok = 0\"); do echo \"== $f\"; tail -c 1500 $f; done",
		       db, db);
	bed_sh(out, sizeof(out), "'%s' --db %s results", rig, db);
	CHECK(strstr(out, "emulated") != NULL, "rig results does not say emulated");
	bed_sh(out, sizeof(out), "cat " DIR "/model.log");
	bed_model_stop(m);
	return bed_failures ? 1 : 0;
}
