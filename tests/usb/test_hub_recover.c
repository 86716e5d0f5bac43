/*
 * usb/hub_recover (in the USB test bed): power through the hub port
 * brings back a board that stopped answering, and every sample's startup
 * is a cold start. The RP2040 model runs its application (--start app)
 * with the fault hang-boot:2: its second boot is hung, no ready line and no
 * answer. `rig bench` on a board whose power part is usb-hub-port (the
 * dummy root hub's port, sysfs disable: dummy_hcd ignores PORT_POWER)
 * must get every sample: the hung one is recovered by a power cycle and
 * counted as a retry, and each row has startup_ns = power on -> ready
 * line, over USB enumeration and the tty. Checked against the model's own
 * log of its boots.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bedtest.h"
#include "usb.h"

#define DIR "/tmp/hub_recover"

int main(void)
{
	struct rig_usb_match app_m = {.vid = 0x2e8a, .pid = 0x000a};
	struct rig_usb_dev app = {0};
	struct rig_error err = {0};
	const char *args[] = {"--dir",		DIR,	       "--flash-out",
			      DIR "/flash.bin", "--start",     "app",
			      "--fault",	"hang-boot:2", NULL};
	char hub[32], out[16384], rig[1024];
	int hubport, rc;
	pid_t m;

	if ((rc = bed_init()))
		return rc;
	mkdir(DIR, 0755);
	unlink(DIR "/rig.db");
	bed_model_stop(-1);
	snprintf(rig, sizeof(rig), "%s/host/rig", bed_bin);
	if ((m = bed_model_start("usbmodel_rp2040", DIR "/model.log", args)) < 0)
		return 1;
	rc = rig_usb_wait_present(&app_m, 5000, &app, &err);
	CHECK(rc == 0, "no application: %s", err.msg);
	if (rc || bed_hub_of(app.port, hub, sizeof(hub), &hubport)) {
		bed_model_stop(m);
		return 1;
	}
	bed_write(DIR "/pico-hub.yaml",
		  "name: pico-hub-model\n"
		  "kind: parts\n"
		  "description: RP2040 model on dummy_hcd, hub-port power (emulated)\n"
		  "emulated: true\n"
		  "target: {os: none, arch: thumb, variant: rp2040}\n"
		  "samples: 3\n"
		  "warmup: 0\n"
		  "timeout: 20s\n"
		  "ready_timeout: 3s\n"
		  "retries: 2\n"
		  "iterations: {cpu: 200}\n"
		  "power: {kind: usb-hub-port, hub: \"%s\", port: %d, method: sysfs, off: 100ms, "
		  "wait: 5s}\n"
		  "link: {kind: serial, port: \"usb:2e8a:000a@%s\"}\n"
		  "runner: {kind: mcu}\n",
		  hub, hubport, app.port);
	bed_write_model_toolchain(DIR "/toolchains.yaml");
	rc = bed_sh(out, sizeof(out),
		    "'%s' --db " DIR "/rig.db --state-dir " DIR "/state --toolchains-file " DIR
		    "/toolchains.yaml bench -b " DIR "/pico-hub.yaml -t model-fw -w cpu",
		    rig);
	CHECK(rc == 0, "rig bench failed");
	rc = bed_sh(out, sizeof(out),
		    "sqlite3 " DIR "/rig.db \"select s.ok, s.retries, (select value from metrics "
		    "where sample_id = s.id and name = 'startup_ns') from runs r join samples s "
		    "on s.run_id = r.id order by s.idx\"");
	int rows = 0, ok = 0, retried = 0;
	double st_min = 1e18, st_max = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		int sok, retries;
		double st = 0;

		if (sscanf(line, "%d|%d|%lf", &sok, &retries, &st) < 2)
			continue;
		rows++;
		ok += sok == 1 && st > 0;
		retried += retries;
		if (st > 0 && st < st_min)
			st_min = st;
		if (st > st_max)
			st_max = st;
	}
	CHECK(rows == 3 && ok == 3, "%d rows, %d ok with startup_ns", rows, ok);
	CHECK(retried == 1, "%d retries, want 1 (the hung boot)", retried);
	CHECK(st_max < 3e9, "a cold start of %.0f ns is over the ready timeout", st_max);
	printf("%d samples ok, %d recovered by a power cycle; cold start (power on -> ready "
	       "line) %.0f-%.0f ms\n",
	       ok, retried, st_min / 1e6, st_max / 1e6);
	size_t n;
	char *log = (char *)bed_slurp(DIR "/model.log", &n);
	CHECK(log && strstr(log, "boot 2 (hung)") && strstr(log, "boot 3"),
	      "the model's log has no hung boot 2 followed by boot 3: %s", log ? log : "");
	printf("model log:\n%s", log ? log : "");
	free(log);
	bed_model_stop(m);
	return bed_failures ? 1 : 0;
}
