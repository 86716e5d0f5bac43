/*
 * A bench sample of a service under load (rig bench --load): the free port
 * the server is told to listen on, the load run against it once it is
 * ready (rig_load_run on measure's service thread), and the load's figures
 * added to the sample.
 */
#ifndef RIG_BENCH_LOAD_H
#define RIG_BENCH_LOAD_H

#include "board.h"
#include "load.h"
#include "sample.h"
#include "scrape.h"

struct rig_bench_load {
	const struct rig_load_spec *spec;
	const int *cpus; /* the load threads' CPUs (spec's, else the CPUs rig may use) */
	size_t n_cpus;
	char listen[64], url[320];
	char host[256]; /* where the server is reached (the scrape's host) */
	int port;
	struct rig_scrape_figs figs; /* the service's Go figures (spec metrics=) */
	struct rig_load_result res;
	int rc, ran;
	struct rig_error err;
};

/*
 * Picks where the server of one sample listens — the board runner's
 * service_addr (an agent board: its network, the emulated Pi's forwarded
 * port), else a free loopback port — and fills svc (listen address, during
 * callback) to pass in the run request. RIG_ERR_IO when no port can be
 * had, the runner's RIG_ERR_SKIPPED when the board has no network path for
 * a server. bl must stay alive until rig_bench_load_finish.
 */
int rig_bench_load_prepare(struct rig_bench_load *bl, struct rig_board *b,
			   struct rig_run_service *svc, struct rig_error *err);

/*
 * After the sample: adds the load's metrics (load_report.h) and
 * server_cpu_ns_per_10k to s; fails s when the load did not run (the server
 * never became ready, or rig_load_run refused) or no response arrived in the
 * measured window. Frees the load result.
 */
void rig_bench_load_finish(struct rig_bench_load *bl, struct rig_sample *s);

/* The sample's deadline for a board timeout: the board's time to start and
 * stop plus the load's warm-up, window and drain. */
long long rig_bench_load_timeout_ms(const struct rig_load_spec *spec, long long board_ms);

#endif
