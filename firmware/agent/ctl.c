/*
 * rig-agent-ctl: a host-side command line for one agent session, for the
 * benchmark scripts (bench/agent_*.sh) and by-hand checks. It uses the same
 * client as the agent board (host/src/runners/agent_client.c).
 *
 *   rig-agent-ctl --key FILE (--tcp HOST:PORT | --unix PATH | --tty PATH[@BAUD])
 *                 [--timeout MS] COMMAND
 *   COMMAND: hello | facts | put LOCAL NAME [MODE] | rm NAME |
 *            run [--cpu MASK] [--env K=V]... [--run-timeout MS] NAME [ARGS...]
 *   rig-agent-ctl --key FILE [--jobs N] fanout LOCAL NAME HOST:PORT...
 *
 * run copies the program's stdout/stderr to ours and prints the board's
 * measurements on stderr as "key=value" lines. put prints the upload time.
 * fanout uploads one file to many agents at once, the way a farm deploys:
 * it is read and hashed once (a prepared upload), sessions are opened first,
 * then at most N uploads run at a time (default: all); it prints
 * prepare_ns (read and hash), upload_ns (all sessions' PUTs, first start to
 * last PUT_END answer) and the bytes moved, on stderr.
 */
#include <pthread.h>
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

struct fan {
	const char *addr;
	const uint8_t *key;
	size_t key_len;
	struct rig_agent *a;
	int rc;
	struct rig_error err;
};

struct fan_all {
	struct fan *f;
	size_t n, next;
	const struct rig_agent_upload *up;
	const char *name;
	int open_phase;
	pthread_mutex_t mu;
};

/* A worker: takes the next target until none is left (at most --jobs of
 * them run), opening its session or uploading through it. */
static void *fan_worker(void *arg)
{
	struct fan_all *all = arg;

	for (;;) {
		struct fan *f;
		struct rig_transport *t;

		pthread_mutex_lock(&all->mu);
		f = all->next < all->n ? &all->f[all->next++] : NULL;
		pthread_mutex_unlock(&all->mu);
		if (!f)
			return NULL;
		if (all->open_phase) {
			f->rc = rig_transport_connect(f->addr, 30000, &t, &f->err);
			if (!f->rc)
				f->rc = rig_agent_open(t, f->addr, f->key, f->key_len, 30000, &f->a,
						       &f->err);
		} else if (!f->rc) {
			f->rc = rig_agent_put_upload(f->a, all->up, all->name, 0755, &f->err);
		}
	}
}

static void fan_phase(struct fan_all *all, size_t jobs)
{
	pthread_t th[256];

	all->next = 0;
	if (jobs > sizeof(th) / sizeof(th[0]))
		jobs = sizeof(th) / sizeof(th[0]);
	for (size_t i = 0; i < jobs; i++)
		pthread_create(&th[i], NULL, fan_worker, all);
	for (size_t i = 0; i < jobs; i++)
		pthread_join(th[i], NULL);
}

static int fanout(const uint8_t *key, size_t key_len, size_t jobs, const char *path,
		  const char *name, char **addrs, size_t n)
{
	struct fan_all all = {.n = n, .name = name, .mu = PTHREAD_MUTEX_INITIALIZER};
	struct rig_agent_upload *up;
	struct rig_error err = {0};
	int64_t t0, t1, t2;
	int failed = 0;

	all.f = calloc(n, sizeof(*all.f));
	for (size_t i = 0; i < n; i++)
		all.f[i] = (struct fan){.addr = addrs[i], .key = key, .key_len = key_len};
	all.open_phase = 1;
	fan_phase(&all, n); /* sessions first: a farm deploys to open boards */
	t0 = rig_now_ns();
	if (rig_agent_upload_load(path, &up, &err)) {
		fprintf(stderr, "rig-agent-ctl: %s\n", err.msg);
		return 1;
	}
	t1 = rig_now_ns();
	all.up = up;
	all.open_phase = 0;
	fan_phase(&all, jobs ? jobs : n);
	t2 = rig_now_ns();
	for (size_t i = 0; i < n; i++) {
		if (all.f[i].rc) {
			fprintf(stderr, "rig-agent-ctl: %s: %s\n", all.f[i].addr, all.f[i].err.msg);
			failed++;
		}
		rig_agent_close(all.f[i].a);
	}
	fprintf(stderr, "prepare_ns=%lld\nupload_ns=%lld\nbytes=%llu\nboards=%zu\nfailed=%d\n",
		(long long)(t1 - t0), (long long)(t2 - t1),
		(unsigned long long)up->len * (n - (size_t)failed), n, failed);
	rig_agent_upload_free(up);
	free(all.f);
	return failed ? 1 : 0;
}

static int usage(void)
{
	fprintf(
	    stderr,
	    "usage: rig-agent-ctl --key FILE (--tcp HOST:PORT | --unix PATH | --tty PATH[@BAUD])\n"
	    "                     [--timeout MS] hello|facts|put LOCAL NAME [MODE]|rm NAME|\n"
	    "                     run [--cpu MASK] [--env K=V]... [--run-timeout MS] NAME "
	    "[ARGS...]\n"
	    "       rig-agent-ctl --key FILE [--jobs N] fanout LOCAL NAME HOST:PORT...\n");
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
	size_t jobs = 0;

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
		else if (!strcmp(argv[i], "--jobs"))
			jobs = (size_t)atoi(argv[i + 1]);
		else
			return usage();
	}
	if (key_file && i + 3 < argc && !strcmp(argv[i], "fanout")) {
		if (rig_agent_load_key(key_file, key, &key_len, &err))
			goto fail;
		return fanout(key, key_len, jobs, argv[i + 1], argv[i + 2], argv + i + 3,
			      (size_t)(argc - i - 3));
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
