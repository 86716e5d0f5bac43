/*
 * usbbench_agent (run by bench/usb_agent.sh inside the USB test bed): agent
 * upload over the usb-bulk link against a plain libusb bulk loop in the
 * same bed, interleaved round by round.
 *
 *   A: rig-agent --usb-ffs on gadget "rigagent" (dummy_udc.0); rig's
 *      usb-bulk link, an authenticated session, rig_agent_put of MIB MiB.
 *   B: usbmodel_bulksink on gadget "bulksink" (dummy_udc.1); the same
 *      bytes written with rig_usb_bulk in 1 MiB transfers (the issue's
 *      raw loop), the sink reading 1 MiB at a time.
 *   C: a second rig-agent in the guest on TCP loopback; the same session
 *      and put: what the agent reaches in this guest with no USB at all
 *      (its hashing, copies and file writes share the one TCG vCPU).
 *
 * Each round prints the host's MiB/s for A, C and B; afterwards the
 * device-side figures (the agent's "stored ... us after PUT_BEGIN" and the
 * sink's own rounds), the independent measure of each.
 *
 *   usbbench_agent [--rounds N] [--mib M]
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent_client.h"
#include "transport.h"
#include "bedtest.h"
#include "board.h"
#include "clock.h"
#include "usb.h"

#define DIR "/tmp/usbbench"

int main(int argc, char **argv)
{
	int rounds = 5, mib = 8, rc;
	struct rig_error err = {0};
	struct rig_usb_dev ad = {0}, sd = {0};
	struct rig_usb_match am = {.vid = 0x1d6b, .pid = 0x0104},
			     sm = {.vid = 0x1209, .pid = 0x0005};
	char out[8192], round_arg[32];
	pid_t agent, sink, tcp_agent;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--rounds"))
			rounds = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--mib"))
			mib = atoi(argv[i + 1]);
	}
	if ((rc = bed_init()))
		return rc;
	bed_model_stop(-1);
	bed_sh(out, sizeof(out),
	       "rm -rf " DIR "; mkdir -p " DIR "/work " DIR "/tcpwork " DIR "/sinkffs && "
	       "head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' > " DIR
	       "/key && chmod 600 " DIR "/key");
	if ((agent = bed_agent_gadget_up("rigagent", DIR, "dummy_udc.0")) < 0)
		return 1;
	bed_sh(out, sizeof(out), "ip link set lo up"); /* the bed's init leaves it down */
	if ((tcp_agent = fork()) == 0) {
		char bin[1024];

		snprintf(bin, sizeof(bin), "%s/firmware/agent/rig-agent", bed_bin);
		execl(bin, bin, "--key", DIR "/key", "--work", DIR "/tcpwork", "--listen",
		      "127.0.0.1:0", "--port-file", DIR "/tcp.port", (char *)NULL);
		_exit(127);
	}
	if (bed_ffs_gadget("bulksink", "1209:0005", "SINK0001", DIR "/sinkffs"))
		return 1;
	snprintf(round_arg, sizeof(round_arg), "%lld", (long long)mib << 20);
	const char *sargs[] = {"--ffs", DIR "/sinkffs", "--round", round_arg, NULL};
	if ((sink = bed_model_start("usbmodel_bulksink", DIR "/sink.log", sargs)) < 0 ||
	    bed_gadget_bind("bulksink", "dummy_udc.1"))
		return 1;
	if (rig_usb_wait_present(&am, 5000, &ad, &err) ||
	    rig_usb_wait_present(&sm, 5000, &sd, &err)) {
		printf("FAIL: gadgets: %s\n", err.msg);
		return 1;
	}
	printf("agent gadget at %s, sink at %s; %d rounds of %d MiB\n", ad.port, sd.port, rounds,
	       mib);

	/* A: the agent session over the usb-bulk link */
	struct rig_board *b = NULL;
	struct rig_transport *t = NULL;
	struct rig_agent *a = NULL;
	uint8_t key[RIG_FRAME_KEY_MAX];
	size_t key_len;
	bed_write(DIR "/b.yaml",
		  "name: usbbench\nkind: parts\ntarget: {os: linux, arch: x86_64}\n"
		  "link: {kind: usb-bulk, port: \"%s\"}\nrunner: {kind: none}\n",
		  ad.port);
	if ((rc = rig_board_load(DIR "/b.yaml", DIR, &b, &err)) ||
	    (rc = RIG_LINK(b)->connect(b, 5000, &t, &err)) ||
	    (rc = rig_agent_load_key(DIR "/key", key, &key_len, &err)) ||
	    (rc = rig_agent_open(t, "usbbench", key, key_len, 10000, &a, &err))) {
		printf("FAIL: agent session: %s\n", err.msg);
		return 1;
	}
	/* C: the same agent code on TCP loopback in the guest */
	struct rig_transport *tt = NULL;
	struct rig_agent *ta_ = NULL;
	char addr[64] = "";
	for (int i = 0; i < 100 && !addr[0]; i++) {
		size_t pn;
		unsigned char *pt = bed_slurp(DIR "/tcp.port", &pn);

		if (pt && pn)
			snprintf(addr, sizeof(addr), "127.0.0.1:%d", atoi((char *)pt));
		free(pt);
		if (!addr[0])
			usleep(50000);
	}
	if (!addr[0] || (rc = rig_transport_connect(addr, 5000, &tt, &err)) ||
	    (rc = rig_agent_open(tt, "usbbench-tcp", key, key_len, 10000, &ta_, &err))) {
		printf("FAIL: agent on TCP loopback (%s): %s\n", addr, err.msg);
		return 1;
	}
	/* B: the raw pipe */
	struct rig_usb_handle *h = NULL;
	struct rig_usb_bulk_iface pipe;
	if ((rc = rig_usb_open(&sd, &h, &err)) ||
	    (rc = rig_usb_find_bulk_iface(h, 0xff, 0, 0, &pipe, &err)) ||
	    (rc = rig_usb_claim(h, pipe.iface, &err))) {
		printf("FAIL: sink: %s\n", err.msg);
		return 1;
	}
	size_t len = (size_t)mib << 20;
	uint8_t *data = malloc(len);
	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)(i * 2654435761u >> 13);
	double sum_a = 0, sum_b = 0, sum_c = 0;
	for (int r = 1; r <= rounds; r++) {
		int64_t t0 = rig_now_ns();
		if ((rc = rig_agent_put(a, "blob", data, len, 0644, &err))) {
			printf("FAIL: put: %s\n", err.msg);
			return 1;
		}
		double ta = (rig_now_ns() - t0) / 1e9;
		t0 = rig_now_ns();
		if ((rc = rig_agent_put(ta_, "blob", data, len, 0644, &err))) {
			printf("FAIL: put over TCP: %s\n", err.msg);
			return 1;
		}
		double tc = (rig_now_ns() - t0) / 1e9;
		t0 = rig_now_ns();
		for (size_t off = 0; off < len; off += 1 << 20) {
			int n = rig_usb_bulk(h, pipe.ep_out, data + off, 1 << 20, 10000, &err);
			if (n != 1 << 20) {
				printf("FAIL: raw bulk: %d %s\n", n, err.msg);
				return 1;
			}
		}
		double tb = (rig_now_ns() - t0) / 1e9;
		sum_a += mib / ta;
		sum_b += mib / tb;
		sum_c += mib / tc;
		printf("round %d: agent put %.2f MiB/s (%.3f s), agent put on TCP loopback %.2f "
		       "MiB/s (%.3f s), raw bulk loop %.2f MiB/s (%.3f s), ratio %.2f\n",
		       r, mib / ta, ta, mib / tc, tc, mib / tb, tb, tb / ta);
	}
	printf("mean: agent put %.2f MiB/s, on TCP loopback %.2f MiB/s, raw bulk loop %.2f MiB/s, "
	       "ratio %.2f\n",
	       sum_a / rounds, sum_c / rounds, sum_b / rounds, sum_a / sum_b);
	rig_agent_close(ta_);
	kill(tcp_agent, SIGTERM);
	waitpid(tcp_agent, NULL, 0);
	rig_agent_close(a);
	rig_usb_close(h);
	rig_board_free(b);
	usleep(300000);
	printf("device side (agent log):\n");
	bed_sh(out, sizeof(out), "grep 'stored blob' " DIR "/agent.log");
	printf("device side (sink's own clock; the first 1 MiB of each round not counted):\n");
	bed_sh(out, sizeof(out), "grep round " DIR "/sink.log");
	kill(agent, SIGTERM);
	waitpid(agent, NULL, 0);
	bed_model_stop(sink);
	free(data);
	return 0;
}
