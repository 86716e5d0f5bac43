/*
 * Runner agent: Linux boards (Raspberry Pis) running rig-agent, reached
 * over any link (tcp, a serial line, the emulated Pi's UART socket or its
 * forwarded port). Everything is measured on the board by the agent
 * (docs/agent.md); the host only parses the report lines. The artifact
 * gets there through the flash part agent-put, which uses this runner's
 * session; the emulated Pi's VM is the power part qemu-vm.
 *
 * Board file section (`runner: {kind: agent, ...}`, or an agent board's
 * `agent:`):
 *     key_file: PATH        # the pre-shared key (hex, mode 600); never inline
 *     cpu: 3                # pin workloads to this CPU (-1: any)
 *     env: [K=V]            # added to each workload's environment
 *     connect_timeout: 10s  # per connection attempt
 *     hot_c: 80             # a SoC at or above this is flagged hot
 *     deploy: [...]         # sh command lines that install and start the agent
 *     service_port: 8080    # where a server under load listens on the board
 *     service_host: ADDR    # how the controller reaches the board's servers
 *                           # (default: the tcp link's host; the emulated Pi:
 *                           # its forwarded port)
 * and, in an agent board's `agent:` only, the link's fields (the preset
 * makes the link from them): transport: tcp | serial, host, port, serial,
 * baud.
 * Paths may start with ~/ or {cache}/ (RIG_CACHE_DIR, default ~/.cache/rig);
 * other relative paths are relative to the board file's directory.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent_client.h"
#include "board.h"
#include "toolchain.h"
#include "log.h"
#include "paths.h"
#include "outcap.h"
#include "rig_report.h"
#include "runner_agent.h"

struct agent_priv {
	char key_file[PATH_MAX];
	long long cpu;
	struct rig_strv env;
	long long connect_timeout_ms;
	long long hot_c;
	struct rig_strv deploy; /* shell command lines that install and start the agent */
	long long service_port;
	char service_host[256];
	/* while open */
	uint8_t key[RIG_FRAME_KEY_MAX];
	size_t key_len;
	struct rig_agent *a;
	unsigned generation; /* counts opens: an upload list is per open */
};

static struct agent_priv *agp(struct rig_board *b) { return b->runner.priv; }

static int agent_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			   struct rig_error *err)
{
	static const char *const keys[] = {
	    "key_file", "transport",	   "host",  "port",   "serial",	      "baud",	      "cpu",
	    "env",	"connect_timeout", "hot_c", "deploy", "service_port", "service_host", NULL};
	struct agent_priv *ap = rig_xcalloc(1, sizeof(*ap));
	int vm = RIG_POWER(b) == &rig_power_qemu_vm_ops;
	char raw[PATH_MAX];
	int rc;

	b->runner.priv = ap;
	if (!sec)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: an agent board needs an 'agent:' section (key_file, "
				"transport, host...)",
				b->file, b->runner.line);
	if ((rc = rig_part_known_keys(cfg, sec, keys, err)) ||
	    (rc = rig_cfg_str(cfg, sec, "key_file", vm ? 0 : 1, "", raw, sizeof(raw), err)) ||
	    (rc = rig_cfg_int(cfg, sec, "cpu", 0, -1, -1, 63, &ap->cpu, err)) ||
	    (rc = rig_cfg_strv(cfg, sec, "env", 0, &ap->env, err)) ||
	    (rc = rig_cfg_duration_ms(cfg, sec, "connect_timeout", 0, 10000, 600000,
				      &ap->connect_timeout_ms, err)) ||
	    (rc = rig_cfg_int(cfg, sec, "hot_c", 0, 80, 30, 150, &ap->hot_c, err)) ||
	    (rc = rig_cfg_strv(cfg, sec, "deploy", 0, &ap->deploy, err)) ||
	    (rc = rig_cfg_int(cfg, sec, "service_port", 0, RIG_SERVICE_GUEST_PORT, 1, 65535,
			      &ap->service_port, err)) ||
	    (rc = rig_cfg_str(cfg, sec, "service_host", 0, "", ap->service_host,
			      sizeof(ap->service_host), err)))
		return rc;
	if (vm && ap->service_port != RIG_SERVICE_GUEST_PORT)
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'agent/service_port': the emulated board forwards "
				"guest port %d only, got %lld",
				b->file, rig_cfg_line(rig_cfg_get(cfg, sec, "service_port")),
				RIG_SERVICE_GUEST_PORT, ap->service_port);
	if (raw[0])
		rig_board_expand_path(raw, b->file, ap->key_file, sizeof(ap->key_file));
	else /* the emulated board's image builder makes the key beside the image */
		rig_power_qemu_vm_image_file(b, "agent.key", ap->key_file, sizeof(ap->key_file));
	for (size_t i = 0; i < ap->env.n; i++)
		if (!strchr(ap->env.v[i], '='))
			return rig_fail(err, RIG_ERR_PARSE,
					"%s:%d: field 'agent/env': expected K=V, got \"%s\"",
					b->file, rig_cfg_line(rig_cfg_get(cfg, sec, "env")),
					ap->env.v[i]);
	return 0;
}

/* ---- the link ---- */

static int is_tcp(struct rig_board *b) { return RIG_LINK(b) == &rig_link_tcp_ops; }

static int connect_once(struct rig_board *b, struct agent_priv *ap, int timeout_ms,
			struct rig_error *err)
{
	struct rig_transport *t = NULL;
	int rc;

	if ((rc = RIG_LINK(b)->connect(b, timeout_ms, &t, err)))
		return rc;
	if (!is_tcp(b)) {
		uint8_t junk[256];
		int64_t quiet_until;

		/* A serial line: boot messages, or the tail of an earlier
		 * session. Wait for 200 ms of silence before the HELLO (at
		 * most 2 s). */
		quiet_until = rig_now_ns() + 2000000000ll;
		while (rig_now_ns() < quiet_until &&
		       rig_transport_read(t, junk, sizeof(junk), 200, NULL) > 0)
			;
		if (timeout_ms > 5000)
			timeout_ms = 5000; /* a lost HELLO on a serial line: try again soon */
	}
	return rig_agent_open(t, b->name, ap->key, ap->key_len, timeout_ms, &ap->a, err);
}

/* Connects, retrying while the board boots (QEMU accepts forwarded
 * connections before the guest listens, then closes them). */
static int connect_agent(struct rig_board *b, struct agent_priv *ap, struct rig_error *err)
{
	int emulated_boot = RIG_POWER(b)->on != NULL;
	int64_t deadline =
	    rig_now_ns() + (emulated_boot ? b->ready_timeout_ms : ap->connect_timeout_ms) * 1000000;
	int rc;

	for (;;) {
		int64_t left_ms = (deadline - rig_now_ns()) / 1000000;
		char why[600];

		if (left_ms < 1)
			left_ms = 1;
		rc = connect_once(
		    b, ap,
		    (int)(left_ms < ap->connect_timeout_ms ? left_ms : ap->connect_timeout_ms),
		    err);
		if (rc == 0 || rc == RIG_ERR_AUTH || rc == RIG_ERR_INVALID)
			return rc;
		rig_dbg("board %s: not yet: %s", b->name, err ? err->msg : "");
		if (RIG_POWER(b)->alive && !RIG_POWER(b)->alive(b, why, sizeof(why)))
			return rig_fail(
			    err, RIG_ERR_CRASH,
			    "board %s: the target stopped before the agent answered: %s", b->name,
			    why);
		if (rig_now_ns() >= deadline || !emulated_boot) {
			char msg[sizeof(err->msg)];
			snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
			/* the link found no device at all (a USB board unplugged) */
			if (rc == RIG_ERR_NOT_FOUND && !emulated_boot)
				return rig_fail(err, RIG_ERR_SKIPPED,
						"board %s is not connected: %s", b->name, msg);
			return rig_fail(err, rc == RIG_ERR_TIMEOUT ? RIG_ERR_TIMEOUT : rc,
					"board %s: the agent did not answer: %s", b->name, msg);
		}
		nanosleep(&(struct timespec){.tv_nsec = 250 * 1000000}, NULL);
	}
}

static void agent_close(struct rig_board *b)
{
	struct agent_priv *ap = agp(b);

	if (!ap)
		return;
	rig_agent_close(ap->a);
	ap->a = NULL;
	memset(ap->key, 0, sizeof(ap->key));
}

/* The agent binary rig built for the board's arch (firmware/agent). */
static void agent_binary(const struct rig_board *b, char *out, size_t cap)
{
	const char *suffix = strcmp(b->target.arch, "aarch64") == 0 ? "-aarch64"
			     : strcmp(b->target.arch, "arm") == 0   ? "-armhf"
								    : "";

	rig_agent_path(suffix, out, cap);
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
	char where[256], host[256];

	RIG_LINK(b)->describe(b, where, sizeof(where));
	snprintf(host, sizeof(host), "%s", where);
	if (is_tcp(b) && strrchr(host, ':')) {
		snprintf(port, sizeof(port), "%s", strrchr(host, ':') + 1);
		*strrchr(host, ':') = '\0';
	} else {
		snprintf(port, sizeof(port), "0");
	}
	for (size_t i = 0; i < ap->deploy.n; i++) {
		const struct {
			const char *name, *value;
		} vars[] = {{"{agent_binary}", bin},	{"{key_file}", ap->key_file},
			    {"{host}", host},		{"{port}", port},
			    {"{arch}", b->target.arch}, {"{source_dir}", rig_data_dir()}};
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
	struct agent_priv *ap = agp(b);
	int rc;

	ap->generation++;
	if ((rc = rig_agent_load_key(ap->key_file, ap->key, &ap->key_len, err)))
		goto fail;
	rc = connect_agent(b, ap, err);
	if (rc && rc != RIG_ERR_AUTH && !RIG_POWER(b)->on && ap->deploy.n) {
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
	struct agent_priv *ap = agp(b);
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
	rig_kv_set(facts, "board.agent_transport",
		   is_tcp(b)				   ? "tcp"
		   : RIG_LINK(b) == &rig_link_usb_bulk_ops ? "usb-bulk"
							   : "serial");
	rig_kv_free(&f);
	return 0;
}

void rig_agent_remote_name(const struct rig_artifact *a, char *out, size_t cap)
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

struct rig_agent *rig_runner_agent_session(struct rig_board *b)
{
	return RIG_RUNNER(b) == &rig_runner_agent_ops && agp(b) ? agp(b)->a : NULL;
}

unsigned rig_runner_agent_generation(struct rig_board *b) { return agp(b)->generation; }

/* A server under load (rig bench --load): the load runs on a thread of its
 * own from the ready line on, while agent_run keeps reading the output;
 * when the load is over, *stop makes rig_agent_run send STOP (SIGTERM). */
struct svc_thread {
	const struct rig_exec_service *svc;
	pthread_t th;
	int started;
	volatile sig_atomic_t gone, stop;
};

static void *svc_main(void *p)
{
	struct svc_thread *t = p;

	t->svc->during(t->svc->ctx, &t->gone);
	t->stop = 1;
	return NULL;
}

struct run_ctx {
	struct rig_sample *s;
	struct svc_thread *svc; /* NULL: not a service sample */
	struct rig_report_parser parser;
	int done_seen, done_status, ready_seen;
	unsigned long after_done; /* protocol lines after the done line */
	struct rig_buf errtail;
	struct rig_outcap cap; /* the log, bounded (outcap.h) */
};

static void on_line(void *ctx, enum rig_report_verdict v, const struct rig_report_line *l,
		    const char *text, size_t len)
{
	struct run_ctx *rc = ctx;

	if (v != RIG_REPORT_LINE)
		return;
	/* done is the last line, as on the host (measure.c) */
	if (rc->done_seen) {
		rc->after_done++;
		return;
	}
	switch (l->kind) {
	case RIG_REPORT_READY:
		rc->ready_seen = 1;
		if (rc->svc && !rc->svc->started &&
		    pthread_create(&rc->svc->th, NULL, svc_main, rc->svc) == 0)
			rc->svc->started = 1;
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

	rig_outcap_add(&rc->cap, d, n, stream == 2);
	if (stream == 1)
		rig_report_parser_feed(&rc->parser, d, n);
	else if (rc->errtail.len < 64 * 1024)
		rig_buf_append(&rc->errtail, d, n);
	return 0;
}

/* The log stays only for a failed sample, capped (outcap.h). */
static void keep_log(struct run_ctx *rc, const struct rig_run_req *req, struct rig_sample *out)
{
	if (rig_outcap_finish(&rc->cap, !out->ok) && req->log_path)
		snprintf(out->log_path, sizeof(out->log_path), "%s", req->log_path);
}

static int agent_run(struct rig_board *b, const struct rig_run_req *req, struct rig_sample *out,
		     struct rig_error *err)
{
	struct agent_priv *ap = agp(b);
	struct rig_agent_run_req ar = {0};
	struct rig_frame_run_done d;
	struct run_ctx rc = {.s = out};
	struct rig_error e = {0};
	struct svc_thread st = {0};
	struct rig_strv env = {0};
	char name[RIG_FRAME_MAX_NAME + 1], iters[32];
	const char *args[1];
	int r, load_over = 0;

	if (!ap->a)
		return rig_fail(err, RIG_ERR_INVALID, "board %s is not open", b->name);
	rig_agent_remote_name(req->art, name, sizeof(name));
	ar.prog = name;
	if (req->iterations > 0) {
		snprintf(iters, sizeof(iters), "%lld", req->iterations);
		args[0] = iters;
		ar.args = args;
		ar.n_args = 1;
	}
	for (size_t i = 0; i < ap->env.n; i++)
		rig_strv_push(&env, ap->env.v[i]);
	if (req->service) {
		/* a server: where to listen, the load once ready, STOP after it */
		rig_strv_pushf(&env, "RIG_LISTEN=%s", req->service->listen);
		st.svc = &req->service->exec;
		rc.svc = &st;
		ar.stop = &st.stop;
	}
	ar.env = (const char *const *)env.v;
	ar.n_env = env.n;
	ar.timeout_ms = (uint32_t)(req->timeout_ms > 0 ? req->timeout_ms : b->timeout_ms);
	ar.cpu_mask = ap->cpu >= 0 ? 1ull << ap->cpu : 0;
	ar.on_output = on_output;
	ar.ctx = &rc;
	rig_report_parser_init(&rc.parser, on_line, &rc);
	rig_outcap_init(&rc.cap, req->log_path);
	r = rig_agent_run(ap->a, &ar, &d, &e);
	load_over = st.stop;
	st.gone = 1;
	if (st.started)
		pthread_join(st.th, NULL);
	rig_strv_free(&env);
	rig_report_parser_cut(&rc.parser, 1);
	out->noise_lines = rc.parser.noise;
	out->corrupt_lines = rc.parser.corrupt;
	out->cut_lines = rc.parser.cut;
	if (rc.errtail.len)
		rig_sample_set_tail(out, rc.errtail.data, rc.errtail.len);
	rig_buf_free(&rc.errtail);
	if (r == RIG_ERR_NOT_FOUND || r == RIG_ERR_INVALID) {
		/* the program is not there or was refused: this sample failed,
		 * the board is fine */
		rig_sample_fail(out, "%s", e.msg);
		keep_log(&rc, req, out);
		return 0;
	}
	if (r) { /* the link broke: the board is unusable */
		rig_outcap_finish(&rc.cap, 1);
		return rig_fail(err, r, "%s", e.msg);
	}

	out->exit_status = d.signal ? 128 + d.signal : d.exit_code;
	if (d.startup_ns >= 0)
		rig_sample_set(out, "startup_ns", (double)d.startup_ns, "ns");
	rig_sample_set(out, "wall_ns", (double)d.wall_ns, "ns");
	rig_sample_set(out, "peak_rss_kib", (double)d.peak_rss_kib, "KiB");
	/* the board kernel's figure from the run's memory cgroup, a cross-check
	 * of wait4's (it also counts page cache), as on the host board */
	if (d.cgroup_peak_kib >= 0)
		rig_sample_set(out, "cgroup_peak_kib", (double)d.cgroup_peak_kib, "KiB");
	rig_sample_set(out, "user_ns", (double)d.user_ns, "ns");
	rig_sample_set(out, "sys_ns", (double)d.sys_ns, "ns");
	/* the agent's 100 ms samples of the program's RSS (a server: under load) */
	if (d.mean_rss_kib >= 0)
		rig_sample_set(out, "mean_rss_kib", (double)d.mean_rss_kib, "KiB");
	out->ok = 1;
	if (st.started && !load_over)
		rig_sample_fail(out, "the server exited while under load (%s %d)",
				d.signal ? "signal" : "status", d.signal ? d.signal : d.exit_code);
	else if (d.timed_out) {
		rig_sample_fail(out, "timed out after %u ms (killed on the board)", ar.timeout_ms);
		out->timed_out = 1;
	} else if (d.signal)
		rig_sample_fail(out, "killed by signal %d on the board", d.signal);
	else if (d.exit_code != 0)
		rig_sample_fail(out, "exited with status %d", d.exit_code);
	else if (d.startup_ns < 0)
		rig_sample_fail(out, "no ready line (%lu noise, %lu corrupt lines)",
				rc.parser.noise, rc.parser.corrupt);
	else if (rc.after_done)
		rig_sample_fail(out,
				"%lu protocol line(s) after the done line (done must come last: "
				"a done line before the results is refused)",
				rc.after_done);
	else if (!rc.done_seen)
		rig_sample_fail(out, "no done line");
	else if (rc.done_status != 0)
		rig_sample_fail(out, "workload reported done %d", rc.done_status);
	keep_log(&rc, req, out);
	return 0;
}

static int agent_service_addr(struct rig_board *b, char *listen, size_t lcap, char *connect,
			      size_t ccap, struct rig_error *err)
{
	struct agent_priv *ap = agp(b);
	char where[256];

	snprintf(listen, lcap, "0.0.0.0:%lld", ap->service_port);
	if (ap->service_host[0]) {
		snprintf(connect, ccap, "%s:%lld", ap->service_host, ap->service_port);
		return 0;
	}
	/* the emulated Pi: QEMU forwards a loopback port to the guest's */
	if (RIG_POWER(b)->endpoint && RIG_POWER(b)->endpoint(b, "service", connect, ccap) == 0)
		return 0;
	if (is_tcp(b)) { /* the agent's own address, the service's port */
		RIG_LINK(b)->describe(b, where, sizeof(where));
		if (strrchr(where, ':'))
			*strrchr(where, ':') = '\0';
		snprintf(connect, ccap, "%s:%lld", where, ap->service_port);
		return 0;
	}
	return rig_fail(err, RIG_ERR_SKIPPED,
			"board %s: its agent is on a serial line and the board file names no "
			"network address for a server (agent: service_host)",
			b->name);
}

static int agent_reset(struct rig_board *b, struct rig_error *err)
{
	/* a fresh session: drops anything a killed workload left in flight */
	struct agent_priv *ap = agp(b);

	rig_agent_close(ap->a);
	ap->a = NULL;
	return connect_agent(b, ap, err);
}

static void agent_destroy(struct rig_board *b)
{
	struct agent_priv *ap = agp(b);

	if (!ap)
		return;
	agent_close(b);
	rig_strv_free(&ap->env);
	rig_strv_free(&ap->deploy);
	free(ap);
	b->runner.priv = NULL;
}

const struct rig_runner_ops rig_runner_agent_ops = {
    .kind = "agent",
    .serves = RIG_SERVICE_NET,
    .service_addr = agent_service_addr,
    .configure = agent_configure,
    .open = agent_open,
    .close = agent_close,
    .facts = agent_facts,
    .supports = agent_supports,
    .run = agent_run,
    .reset = agent_reset,
    .destroy = agent_destroy,
};
