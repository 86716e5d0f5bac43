/* A service sample under load: see bench_load.h. */
#include "bench_load.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "load_console.h"
#include "load_report.h"
#include "scrape.h"

/* The kernel's choice of a free port on 127.0.0.1. The socket is closed
 * before the server binds it: another program could take the port in
 * between, which fails the sample (listen error in its log), never
 * measures the wrong server. */
static int free_port(int *port, struct rig_error *err)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return rig_fail(err, RIG_ERR_IO, "socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &len)) {
		int e = errno;
		close(fd);
		return rig_fail(err, RIG_ERR_IO, "cannot find a free port on 127.0.0.1: %s",
				strerror(e));
	}
	*port = ntohs(a.sin_port);
	close(fd);
	return 0;
}

static void during(void *ctx, const volatile sig_atomic_t *gone)
{
	struct rig_bench_load *bl = ctx;
	struct rig_load_opts o = bl->spec->opts;
	struct rig_scrape *sc = NULL;

	o.url = bl->url;
	o.cpus = bl->cpus;
	o.n_cpus = bl->n_cpus;
	o.stop = gone;
	bl->ran = 1;
	if (bl->spec->metrics[0]) {
		/* the scrape interval: a few scrapes in short windows */
		long long every = o.duration_ms / 4 < 1000 ? o.duration_ms / 4 : 1000;
		sc = rig_scrape_start(bl->host, bl->port, bl->spec->metrics,
				      every > 100 ? (int)every : 100, 1000);
	}
	bl->rc = rig_load_run(&o, &bl->res, &bl->err);
	if (sc)
		rig_scrape_stop(sc, &bl->figs);
}

/* An MCU board: the hash requests on its console (load_console.h). */
static void on_console(void *ctx, struct rig_lines *lines)
{
	struct rig_bench_load *bl = ctx;

	bl->ran = 1;
	snprintf(bl->url, sizeof(bl->url), "the console (hash requests of %d bytes)",
		 bl->spec->req_bytes);
	bl->rc =
	    rig_load_console_run(lines, &bl->spec->opts, bl->spec->req_bytes, &bl->res, &bl->err);
}

int rig_bench_load_prepare(struct rig_bench_load *bl, struct rig_board *b,
			   struct rig_run_service *svc, struct rig_error *err)
{
	char connect[256];
	int port = 0, rc;

	memset(&bl->res, 0, sizeof(bl->res));
	bl->rc = 0;
	bl->ran = 0;
	bl->err.msg[0] = '\0';
	memset(&bl->figs, 0, sizeof(bl->figs));
	if (b && RIG_RUNNER(b) == &rig_runner_mcu_ops) {
		memset(svc, 0, sizeof(*svc));
		svc->console = on_console;
		svc->exec.ctx = bl;
		return 0;
	}
	if (b && RIG_RUNNER(b)->service_addr) {
		if ((rc = RIG_RUNNER(b)->service_addr(b, bl->listen, sizeof(bl->listen), connect,
						      sizeof(connect), err)))
			return rc;
	} else {
		if ((rc = free_port(&port, err)))
			return rc;
		snprintf(bl->listen, sizeof(bl->listen), "127.0.0.1:%d", port);
		snprintf(connect, sizeof(connect), "127.0.0.1:%d", port);
	}
	/* host:port, the port after the last ':' */
	snprintf(bl->host, sizeof(bl->host), "%s", connect);
	bl->port = 0;
	if (strrchr(bl->host, ':')) {
		bl->port = atoi(strrchr(bl->host, ':') + 1);
		*strrchr(bl->host, ':') = '\0';
	}
	snprintf(bl->url, sizeof(bl->url), "http://%s%s", connect, bl->spec->path);
	memset(svc, 0, sizeof(*svc));
	svc->listen = bl->listen;
	svc->exec.during = during;
	svc->exec.ctx = bl;
	return 0;
}

void rig_bench_load_finish(struct rig_bench_load *bl, struct rig_sample *s)
{
	double user, sys;

	if (!bl->ran) {
		if (s->ok)
			rig_sample_fail(s, "the load did not run (the server was not ready)");
	} else if (bl->rc) {
		if (s->ok)
			rig_sample_fail(s, "load on %s: %s", bl->url, bl->err.msg);
	} else {
		rig_load_result_to_sample(&bl->res, s);
		rig_scrape_to_sample(&bl->figs, s);
		if (bl->res.requests && rig_sample_get(s, "user_ns", &user) &&
		    rig_sample_get(s, "sys_ns", &sys))
			rig_sample_set(s, "server_cpu_ns_per_10k",
				       (user + sys) * 1e4 / (double)bl->res.requests, "ns");
		if (s->ok && !bl->res.in_window)
			rig_sample_fail(s,
					"no response in the measured window on %s (errors: "
					"connect %llu, read %llu, write %llu, timeout %llu, "
					"status %llu)",
					bl->url,
					(unsigned long long)bl->res.errors[RIG_LOAD_E_CONNECT],
					(unsigned long long)bl->res.errors[RIG_LOAD_E_READ],
					(unsigned long long)bl->res.errors[RIG_LOAD_E_WRITE],
					(unsigned long long)bl->res.errors[RIG_LOAD_E_TIMEOUT],
					(unsigned long long)bl->res.errors[RIG_LOAD_E_STATUS]);
	}
	rig_load_result_free(&bl->res);
	memset(&bl->res, 0, sizeof(bl->res));
}

long long rig_bench_load_timeout_ms(const struct rig_load_spec *spec, long long board_ms)
{
	const struct rig_load_opts *o = &spec->opts;
	/* n= has no fixed length: ten minutes of load at most */
	long long load_ms = o->requests ? 600000 : o->duration_ms;

	return board_ms + o->warmup_ms + load_ms + o->timeout_ms + 5000;
}
