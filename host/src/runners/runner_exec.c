/* Runner exec: workloads run as local processes on this machine through
 * rig-exec (measure/measure.h), the "server" row of every comparison.
 * Board file section (`runner: {kind: exec, ...}`, or the host board's
 * `host:`):
 *
 *   host:
 *     cpu: 1          # pin every sample to this CPU (optional)
 *     env: [K=V, ...] # added to the workload's environment (optional)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "board.h"
#include "toolchain.h"
#include "hostenv.h"
#include "measure.h"

struct host_priv {
	long long cpu;
	struct rig_strv env;
};

static int host_configure(struct rig_board *b, const struct rig_cfg *cfg, struct rig_cfg_node *sec,
			  struct rig_error *err)
{
	static const char *const keys[] = {"cpu", "env", NULL};
	struct host_priv *hp = rig_xcalloc(1, sizeof(*hp));
	int rc;

	b->runner.priv = hp;
	hp->cpu = -1;
	if (!sec)
		return 0;
	if ((rc = rig_part_known_keys(cfg, sec, keys, err)) ||
	    (rc = rig_cfg_int(cfg, sec, "cpu", 0, -1, -1, 1023, &hp->cpu, err)) ||
	    (rc = rig_cfg_strv(cfg, sec, "env", 0, &hp->env, err)))
		return rc;
	if (hp->cpu >= sysconf(_SC_NPROCESSORS_CONF))
		return rig_fail(err, RIG_ERR_PARSE,
				"%s:%d: field 'host/cpu': this machine has CPUs 0 to %ld, got %lld",
				b->file, rig_cfg_line(rig_cfg_get(cfg, sec, "cpu")),
				sysconf(_SC_NPROCESSORS_CONF) - 1, hp->cpu);
	return 0;
}

static int host_run(struct rig_board *b, const struct rig_run_req *req, struct rig_sample *out,
		    struct rig_error *err)
{
	struct host_priv *hp = b->runner.priv;
	struct rig_exec_req ex = {0};
	struct rig_strv env = {0};
	char iters[32];
	char *argv[3] = {(char *)req->art->path, NULL, NULL};
	int rc;

	if (req->iterations > 0) {
		snprintf(iters, sizeof(iters), "%lld", req->iterations);
		argv[1] = iters;
	}
	for (size_t i = 0; i < hp->env.n; i++)
		rig_strv_push(&env, hp->env.v[i]);
	if (req->service) {
		/* a server: where to listen, and the load to run once ready */
		rig_strv_pushf(&env, "RIG_LISTEN=%s", req->service->listen);
		ex.service = &req->service->exec;
	}
	ex.argv = argv;
	ex.env_add = env.n ? env.v : NULL;
	ex.cpu = (int)hp->cpu;
	ex.timeout_ms = req->timeout_ms;
	ex.log_path = req->log_path;
	ex.need_done = 1;
	rc = rig_measure_exec(&ex, out, err);
	rig_strv_free(&env);
	return rc;
}

static int host_facts(struct rig_board *b, struct rig_kvlist *facts, struct rig_error *err)
{
	rig_hostenv_collect(facts, "board.");
	return 0;
}

static void host_destroy(struct rig_board *b)
{
	struct host_priv *hp = b->runner.priv;

	if (!hp)
		return;
	rig_strv_free(&hp->env);
	free(hp);
	b->runner.priv = NULL;
}

const struct rig_runner_ops rig_runner_exec_ops = {
    .kind = "exec",
    .serves = RIG_SERVICE_NET,
    .configure = host_configure,
    .facts = host_facts,
    .run = host_run,
    .destroy = host_destroy,
};
