/*
 * rig-agent-ctl: a host-side command line for one agent session, for the
 * benchmark scripts (bench/agent_*.sh) and by-hand checks. It uses the same
 * client as the agent board (host/src/runners/agent_client.c).
 *
 *   rig-agent-ctl --key FILE (--tcp HOST:PORT | --unix PATH | --tty PATH[@BAUD])
 *                 [--timeout MS] COMMAND
 *   COMMAND: hello | facts | put LOCAL NAME [MODE] | rm NAME |
 *            run [--cpu MASK] [--env K=V]... [--run-timeout MS] NAME [ARGS...]
 *
 * run copies the program's stdout/stderr to ours and prints the board's
 * measurements on stderr as "key=value" lines. put prints the upload time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_client.h"
#include "transport_serial.h"

static int on_output(void *ctx, int stream, const char *d, size_t n)
{
	if (fwrite(d, 1, n, stream == 2 ? stderr : stdout) != n)
		return 1;
	return 0;
}

static int usage(void)
{
	fprintf(
	    stderr,
	    "usage: rig-agent-ctl --key FILE (--tcp HOST:PORT | --unix PATH | --tty PATH[@BAUD])\n"
	    "                     [--timeout MS] hello|facts|put LOCAL NAME [MODE]|rm NAME|\n"
	    "                     run [--cpu MASK] [--env K=V]... [--run-timeout MS] NAME "
	    "[ARGS...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *key_file = NULL, *tcp = NULL, *unix_path = NULL, *tty = NULL;
	uint8_t key[RIG_FRAME_KEY_MAX];
	size_t key_len;
	struct rig_error err = {0};
	struct rig_transport *t = NULL;
	struct rig_agent *a = NULL;
	int timeout_ms = 30000, i, rc;

	for (i = 1; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			return usage();
		if (!strcmp(argv[i], "--key"))
			key_file = argv[i + 1];
		else if (!strcmp(argv[i], "--tcp"))
			tcp = argv[i + 1];
		else if (!strcmp(argv[i], "--unix"))
			unix_path = argv[i + 1];
		else if (!strcmp(argv[i], "--tty"))
			tty = argv[i + 1];
		else if (!strcmp(argv[i], "--timeout"))
			timeout_ms = atoi(argv[i + 1]);
		else
			return usage();
	}
	if (!key_file || i >= argc || (!tcp && !unix_path && !tty))
		return usage();
	if (rig_agent_load_key(key_file, key, &key_len, &err))
		goto fail;
	if (tty) {
		char path[256];
		int baud = 115200;
		char *at;
		snprintf(path, sizeof(path), "%s", tty);
		if ((at = strchr(path, '@'))) {
			*at = 0;
			baud = atoi(at + 1);
		}
		rc = rig_transport_serial_open(path, baud, &t, &err);
	} else {
		rc = rig_transport_connect(tcp ? tcp : unix_path, timeout_ms, &t, &err);
	}
	if (rc || rig_agent_open(t,
				 tcp	     ? tcp
				 : unix_path ? unix_path
					     : tty,
				 key, key_len, timeout_ms, &a, &err))
		goto fail;

	if (!strcmp(argv[i], "hello")) {
		printf("%s\n", rig_agent_version(a));
	} else if (!strcmp(argv[i], "facts")) {
		struct rig_kvlist facts = {0};
		if (rig_agent_facts(a, &facts, &err))
			goto fail;
		for (size_t k = 0; k < facts.n; k++)
			printf("%s=%s\n", facts.v[k].key, facts.v[k].value);
		rig_kv_free(&facts);
	} else if (!strcmp(argv[i], "put") && i + 2 < argc) {
		int64_t t0 = rig_now_ns();
		if (rig_agent_put_file(
			a, argv[i + 1], argv[i + 2],
			i + 3 < argc ? (uint32_t)strtoul(argv[i + 3], NULL, 8) : 0755, &err))
			goto fail;
		fprintf(stderr, "put_ns=%lld\n", (long long)(rig_now_ns() - t0));
	} else if (!strcmp(argv[i], "rm") && i + 1 < argc) {
		if (rig_agent_remove(a, argv[i + 1], &err))
			goto fail;
	} else if (!strcmp(argv[i], "run")) {
		struct rig_agent_run_req req = {.on_output = on_output, .timeout_ms = 60000};
		struct rig_frame_run_done d;
		const char *env[RIG_FRAME_MAX_ARGS];
		size_t n_env = 0;

		for (i++; i + 1 < argc && argv[i][0] == '-'; i += 2) {
			if (!strcmp(argv[i], "--cpu"))
				req.cpu_mask = strtoull(argv[i + 1], NULL, 0);
			else if (!strcmp(argv[i], "--env") && n_env < RIG_FRAME_MAX_ARGS)
				env[n_env++] = argv[i + 1];
			else if (!strcmp(argv[i], "--run-timeout"))
				req.timeout_ms = (uint32_t)atoi(argv[i + 1]);
			else
				return usage();
		}
		if (i >= argc)
			return usage();
		req.prog = argv[i];
		req.args = (const char *const *)argv + i + 1;
		req.n_args = (size_t)(argc - i - 1);
		req.env = env;
		req.n_env = n_env;
		if (rig_agent_run(a, &req, &d, &err))
			goto fail;
		fflush(stdout);
		fprintf(stderr,
			"exit_code=%d\nsignal=%d\ntimed_out=%d\nstartup_ns=%lld\nwall_ns=%lld\n"
			"peak_rss_kib=%lld\nuser_ns=%lld\nsys_ns=%lld\n",
			d.exit_code, d.signal, d.timed_out, (long long)d.startup_ns,
			(long long)d.wall_ns, (long long)d.peak_rss_kib, (long long)d.user_ns,
			(long long)d.sys_ns);
	} else {
		rig_agent_close(a);
		return usage();
	}
	rig_agent_close(a);
	return 0;
fail:
	fprintf(stderr, "rig-agent-ctl: %s (%s)\n", err.msg, rig_err_name(err.code));
	rig_agent_close(a);
	return 1;
}
