/*
 * usb/agent_bulk (in the USB test bed): rig-agent in USB gadget mode. A
 * configfs gadget 1d6b:0104 with one FunctionFS function is set up as on a
 * Raspberry Pi (docs/agent.md), rig-agent --usb-ffs writes its descriptors,
 * the UDC is bound, and rig, on the host side of dummy_hcd, benches a C
 * workload on that "board" through the link part usb-bulk: the artifact
 * is uploaded over bulk OUT (agent-put), the runs' output comes back over
 * bulk IN; rows must be ok. Then the link's errors: a wrong key is refused
 * by the agent (over the same pipe), and a board whose device is absent
 * is skipped as not connected within the timeout.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bedtest.h"
#include "usb.h"

#define DIR "/tmp/agent_bulk"

static pid_t agent;

static void board_file(const char *path, const char *port, const char *key)
{
	bed_write(path,
		  "name: %s\n"
		  "kind: parts\n"
		  "description: rig-agent on a FunctionFS gadget in the USB bed (emulated)\n"
		  "emulated: true\n"
		  "target: {os: linux, arch: x86_64}\n"
		  "samples: 2\n"
		  "warmup: 0\n"
		  "timeout: 60s\n"
		  "iterations: {cpu: 2000}\n"
		  "flash: {kind: agent-put}\n"
		  "link: {kind: usb-bulk, device: \"1d6b:0104\", port: \"%s\"}\n"
		  "runner: {kind: agent, key_file: %s, connect_timeout: 3s}\n",
		  strstr(path, "bad")	   ? "usb-agent-badkey"
		  : strstr(path, "absent") ? "usb-agent-absent"
					   : "usb-agent",
		  port, key);
}

int main(void)
{
	struct rig_usb_match m = {.vid = 0x1d6b, .pid = 0x0104};
	struct rig_usb_dev d = {0};
	struct rig_error err = {0};
	char rig[1024], out[32768];
	int rc;
	double t0;

	if ((rc = bed_init()))
		return rc;
	bed_model_stop(-1);
	if (bed_sh(out, sizeof(out),
		   "rm -rf " DIR "; mkdir -p " DIR "/work && chmod 777 " DIR "/work && "
		   "head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' > " DIR "/key && "
		   "chmod 600 " DIR
		   "/key && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' > " DIR
		   "/badkey && chmod 600 " DIR "/badkey"))
		return 1;
	snprintf(rig, sizeof(rig), "%s/host/rig", bed_bin);
	if ((agent = bed_agent_gadget_up("rigagent", DIR, "")) < 0) {
		bed_sh(out, sizeof(out), "cat " DIR "/agent.log");
		return 1;
	}
	rc = rig_usb_wait_present(&m, 5000, &d, &err);
	CHECK(rc == 0, "the gadget did not enumerate: %s", err.msg);
	if (rc)
		goto end;
	printf("gadget: %04x:%04x at %s serial %s\n", d.vid, d.pid, d.port, d.serial);
	board_file(DIR "/usb-agent.yaml", d.port, DIR "/key");
	board_file(DIR "/usb-agent-bad.yaml", d.port, DIR "/badkey");
	board_file(DIR "/usb-agent-absent.yaml", "2-9", DIR "/key");

	t0 = bed_now_s();
	rc = bed_sh(out, sizeof(out),
		    "'%s' --db " DIR "/rig.db --state-dir " DIR "/state bench -b " DIR
		    "/usb-agent.yaml -t c -w cpu",
		    rig);
	printf("rig bench over usb-bulk: exit %d in %.1f s\n", rc, bed_now_s() - t0);
	CHECK(rc == 0, "rig bench over usb-bulk failed");
	rc = bed_sh(out, sizeof(out),
		    "sqlite3 " DIR "/rig.db \"select s.ok, (select value from metrics where "
		    "sample_id = s.id and name = 'throughput') from runs r join samples s on "
		    "s.run_id = r.id where r.board = 'usb-agent'\"");
	int rows = 0, ok = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		int sok;
		double thr = 0;

		if (sscanf(line, "%d|%lf", &sok, &thr) >= 1) {
			rows++;
			ok += sok == 1 && thr > 0;
		}
	}
	CHECK(rows == 2 && ok == 2, "%d rows, %d ok with a throughput", rows, ok);
	printf("%d samples through usb-bulk, %d ok\n", rows, ok);

	/* the wrong key: the agent refuses, rig says so */
	rc = bed_sh(out, sizeof(out),
		    "'%s' --db " DIR "/rig.db --state-dir " DIR "/state bench -b " DIR
		    "/usb-agent-bad.yaml -t c -w cpu -n 1",
		    rig);
	CHECK(strstr(out, "key") != NULL, "no word about the key: %s", out);

	/* the device absent at that port: skipped, not connected */
	t0 = bed_now_s();
	rc = bed_sh(out, sizeof(out),
		    "'%s' --db " DIR "/rig.db --state-dir " DIR "/state bench -b " DIR
		    "/usb-agent-absent.yaml -t c -w cpu -n 1",
		    rig);
	CHECK(strstr(out, "not connected") != NULL && bed_now_s() - t0 < 30,
	      "absent device: not skipped as not connected within 30 s");
	printf("absent device: %.1f s\n", bed_now_s() - t0);
end:
	if (agent > 0) {
		kill(agent, SIGTERM);
		waitpid(agent, NULL, 0);
	}
	bed_sh(out, sizeof(out), "tail -n 20 " DIR "/agent.log");
	bed_model_stop(-1);
	return bed_failures ? 1 : 0;
}
