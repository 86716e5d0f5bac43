/* Measuring one local process: see measure.h. */
#include "measure.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "outcap.h"
#include "paths.h"
#include "rig_contain.h"
#include "rig_exec.h"
#include "rig_report.h"
#include "util.h"

struct run_state {
	struct rig_sample *s;
	int64_t ready_ns; /* 0 until the ready line */
	int done_seen, done_status;
	unsigned long after_done;      /* protocol lines after the done line */
	unsigned long results_dropped; /* results over RIG_SAMPLE_MAX_METRICS */
};

static void on_line(void *ctx, enum rig_report_verdict v, const struct rig_report_line *l,
		    const char *text, size_t len)
{
	struct run_state *rs = ctx;

	if (v != RIG_REPORT_LINE)
		return;
	/* done is the last line: anything after it (a replayed done line
	 * printed before the results) makes the sample fail */
	if (rs->done_seen) {
		rs->after_done++;
		return;
	}
	switch (l->kind) {
	case RIG_REPORT_READY:
		if (!rs->ready_ns)
			rs->ready_ns = rig_now_ns();
		break;
	case RIG_REPORT_RESULT:
		if (rig_sample_set(rs->s, l->name, strtod(l->value, NULL), l->unit))
			rs->results_dropped++;
		break;
	case RIG_REPORT_DONE:
		rs->done_seen = 1;
		rs->done_status = l->status;
		break;
	}
}

extern char **environ;

/* Starts rig-exec with posix_spawn (vfork-like: rig's pages are not copied,
 * which keeps rig's own time per sample down). The child gets the pipes as
 * stdout, stderr and fd 3 (the status pipe), /dev/null as stdin, its own
 * process group (so a timeout kills everything it started), and the
 * request's directory and environment additions. */
static int spawn_trampoline(const struct rig_exec_req *req, const char *tramp, int out_fd,
			    int err_fd, int st_fd, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	struct rig_strv av = {0}, env = {0};
	char cpubuf[16];
	int rc;

	rig_strv_push(&av, tramp);
	rig_strv_push(&av, "3");
	if (req->cpu >= 0) {
		snprintf(cpubuf, sizeof(cpubuf), "%d", req->cpu);
		rig_strv_push(&av, "--cpu");
		rig_strv_push(&av, cpubuf);
	}
	rig_strv_push(&av, "--");
	for (size_t i = 0; req->argv[i]; i++)
		rig_strv_push(&av, req->argv[i]);
	for (size_t i = 0; environ[i]; i++) {
		int replaced = 0;
		for (size_t k = 0; req->env_add && req->env_add[k] && !replaced; k++) {
			size_t kl = strcspn(req->env_add[k], "=");
			replaced =
			    strncmp(environ[i], req->env_add[k], kl) == 0 && environ[i][kl] == '=';
		}
		if (!replaced)
			rig_strv_push(&env, environ[i]);
	}
	for (size_t k = 0; req->env_add && req->env_add[k]; k++)
		rig_strv_push(&env, req->env_add[k]);

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	posix_spawn_file_actions_adddup2(&fa, st_fd, 3);
	if (req->dir)
		posix_spawn_file_actions_addchdir_np(&fa, req->dir);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	rc = posix_spawn(pid, tramp, &fa, &attr, av.v, env.v);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	rig_strv_free(&av);
	rig_strv_free(&env);
	return rc;
}

/* Grace after the deadline for rig-exec to kill and report, and after the
 * status pipe closed for the output pipes to follow. */
#define STOP_GRACE_NS 2000000000LL
#define DRAIN_GRACE_NS 500000000LL

struct exec_run {
	const struct rig_exec_req *req;
	struct rig_sample *out;
	struct run_state rs;
	struct rig_report_parser parser;
	struct rig_outcap cap;
	struct rig_exec_msg msg, started, exited, ready;
	size_t msg_have;
	int fds[3];
	int timed_out, exec_err, hard_killed;
	pid_t pid;
	/* a service: during() on its own thread once ready (see measure.h) */
	pthread_t svc_th;
	int svc_started, svc_done_fd[2], stop_sent, exited_under_load;
	volatile sig_atomic_t svc_gone;
};

static void *service_main(void *arg)
{
	struct exec_run *r = arg;

	r->req->service->during(r->req->service->ctx, &r->svc_gone);
	if (write(r->svc_done_fd[1], "", 1) < 0) {
		/* cannot happen (a fresh pipe); the deadline still ends the sample */
	}
	return NULL;
}

/* Once the server is ready: starts during() (a failure to start the thread
 * fails the sample, the program is stopped). */
static void service_poll(struct exec_run *r)
{
	const struct rig_exec_service *svc = r->req->service;

	if (!svc || r->svc_started || r->stop_sent || !(r->ready.kind || r->rs.ready_ns))
		return;
	if (r->exited.kind || r->timed_out)
		return;
	if (r->svc_done_fd[0] < 0 || pthread_create(&r->svc_th, NULL, service_main, r)) {
		rig_sample_fail(r->out, "cannot start the load thread");
		kill(r->pid, SIGUSR1);
		r->stop_sent = 1;
		return;
	}
	r->svc_started = 1;
}

static void on_status(struct exec_run *r)
{
	struct rig_exec_msg *m = &r->msg;

	if (m->kind == RIG_EXEC_STARTED)
		r->started = *m;
	else if (m->kind == RIG_EXEC_FAILED)
		r->exec_err = m->err ? m->err : EIO;
	else if (m->kind == RIG_EXEC_EXITED) {
		r->exited = *m;
		if (r->svc_started && !r->stop_sent)
			r->exited_under_load = 1;
		r->svc_gone = 1;
	} else if (m->kind == RIG_EXEC_READY)
		r->ready = *m;
}

/* Reads what pipe k has. Returns 0 at EOF or error (the pipe is closed). */
static int read_pipe(struct exec_run *r, int k)
{
	char buf[16384];
	ssize_t n;

	if (k == 2)
		n = read(r->fds[2], (char *)&r->msg + r->msg_have, sizeof(r->msg) - r->msg_have);
	else
		n = read(r->fds[k], buf, sizeof(buf));
	if (n < 0 && errno == EINTR)
		return 1;
	if (n <= 0) {
		close(r->fds[k]);
		r->fds[k] = -1;
		return 0;
	}
	if (k == 2) {
		r->msg_have += (size_t)n;
		if (r->msg_have == sizeof(r->msg)) {
			r->msg_have = 0;
			on_status(r);
		}
		return 1;
	}
	if (k == 0)
		rig_report_parser_feed(&r->parser, buf, (size_t)n);
	rig_outcap_add(&r->cap, buf, (size_t)n, k == 1);
	return 1;
}

/* Until the three pipes are closed: the deadline runs from t_start. At the
 * deadline rig-exec is asked to stop (SIGTERM: it kills the program and
 * everything it started, then reports); if it does not within
 * STOP_GRACE_NS, its process group is killed. */
static void pump(struct exec_run *r, int64_t t_start)
{
	const struct rig_exec_req *req = r->req;
	int64_t deadline = req->timeout_ms > 0 ? t_start + req->timeout_ms * 1000000 : 0;
	int64_t hard = 0, drain_end = 0;

	while (r->fds[0] >= 0 || r->fds[1] >= 0 || r->fds[2] >= 0) {
		struct pollfd pfd[4];
		int64_t now = rig_now_ns(), wake = 0;
		int wait_ms = -1;

		service_poll(r);
		if (deadline && now >= deadline && !r->timed_out && !r->exited.kind) {
			r->timed_out = 1;
			r->svc_gone = 1;
			kill(r->pid, SIGTERM);
			hard = now + STOP_GRACE_NS;
		}
		if (hard && now >= hard) {
			kill(-r->pid, SIGKILL);
			r->hard_killed = 1;
			break;
		}
		if (r->fds[2] < 0 && !drain_end)
			drain_end = now + DRAIN_GRACE_NS;
		if (drain_end && now >= drain_end)
			break; /* something outside rig-exec's reach holds the pipes */
		if (!r->timed_out && deadline)
			wake = deadline;
		if (hard && (!wake || hard < wake))
			wake = hard;
		if (drain_end && (!wake || drain_end < wake))
			wake = drain_end;
		if (wake)
			wait_ms = (int)((wake - now) / 1000000) + 1;
		for (int k = 0; k < 3; k++)
			pfd[k] = (struct pollfd){.fd = r->fds[k], .events = POLLIN};
		pfd[3] =
		    (struct pollfd){.fd = r->svc_started && !r->stop_sent ? r->svc_done_fd[0] : -1,
				    .events = POLLIN};
		if (poll(pfd, 4, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int k = 0; k < 3; k++)
			if (r->fds[k] >= 0 && pfd[k].revents)
				read_pipe(r, k);
		if (pfd[3].fd >= 0 && pfd[3].revents) {
			/* the load is over: a clean stop (rig-exec passes SIGTERM,
			 * or the service's own stop) */
			const struct rig_exec_service *svc = r->req->service;
			r->stop_sent = 1;
			if (!r->exited.kind && (!svc->stop || svc->stop(svc->ctx)))
				kill(r->pid, SIGUSR1);
		}
	}
}

static void judge(struct exec_run *r, int status)
{
	const struct rig_exec_req *req = r->req;
	struct rig_sample *out = r->out;
	struct run_state *rs = &r->rs;

	if (r->timed_out) {
		rig_sample_fail(out, "timed out after %lld ms%s", req->timeout_ms,
				rs->ready_ns || r->ready.kind ? "" : " (no ready line)");
		out->timed_out = 1;
	} else if (r->exec_err)
		rig_sample_fail(out, "cannot run %s: %s", req->argv[0], strerror(r->exec_err));
	else if (WIFSIGNALED(status))
		rig_sample_fail(out, "killed by signal %d (%s)", WTERMSIG(status),
				strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) != 0)
		rig_sample_fail(out, "exited with status %d", WEXITSTATUS(status));
	else if (!rs->ready_ns)
		rig_sample_fail(out, "no ready line (%lu noise, %lu corrupt lines)",
				r->parser.noise, r->parser.corrupt);
	else if (r->exited_under_load)
		rig_sample_fail(out, "the server exited while under load (status %d)",
				WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	else if (rs->results_dropped)
		rig_sample_fail(out, "more than %d distinct results: %lu result lines dropped",
				RIG_SAMPLE_MAX_METRICS, rs->results_dropped);
	else if (rs->after_done)
		rig_sample_fail(out,
				"%lu protocol line(s) after the done line (done must come last: "
				"a done line before the results is refused)",
				rs->after_done);
	else if (req->need_done && !rs->done_seen)
		rig_sample_fail(out, "no done line");
	else if (rs->done_seen && rs->done_status != 0)
		rig_sample_fail(out, "workload reported done %d", rs->done_status);
}

int rig_measure_exec(const struct rig_exec_req *req, struct rig_sample *out, struct rig_error *err)
{
	struct exec_run r = {.req = req, .out = out};
	int wr[3], status = 0;
	int64_t t_start;
	char tramp[4096];
	size_t tail_len;
	const char *tail;
	int rc;

	r.rs.s = out;
	r.svc_done_fd[0] = r.svc_done_fd[1] = -1;
	out->ok = 1;
	if (!rig_exec_path(tramp, sizeof(tramp)))
		return rig_fail(err, RIG_ERR_NOT_FOUND,
				"rig-exec (the program launcher) was not found (lib/rig of an "
				"installed rig, the build tree, or next to rig); build it, "
				"install rig or set RIG_EXEC");
	for (int i = 0; i < 3; i++) {
		int p[2];
		if (pipe2(p, O_CLOEXEC)) {
			int e = errno;
			for (int k = 0; k < i; k++)
				close(r.fds[k]), close(wr[k]);
			return rig_fail(err, RIG_ERR_IO, "pipe: %s", strerror(e));
		}
		r.fds[i] = p[0];
		wr[i] = p[1];
	}
	t_start = rig_now_ns();
	if ((rc = spawn_trampoline(req, tramp, wr[0], wr[1], wr[2], &r.pid))) {
		for (int k = 0; k < 3; k++)
			close(r.fds[k]), close(wr[k]);
		return rig_fail(err, rc == ENOENT ? RIG_ERR_NOT_FOUND : RIG_ERR_IO,
				"cannot start %s for %s: %s", tramp, req->argv[0], strerror(rc));
	}
	for (int k = 0; k < 3; k++)
		close(wr[k]);
	if (req->service && pipe2(r.svc_done_fd, O_CLOEXEC))
		r.svc_done_fd[0] = r.svc_done_fd[1] = -1; /* service_poll fails the sample */
	rig_report_parser_init(&r.parser, on_line, &r.rs);
	rig_outcap_init(&r.cap, req->log_path);

	pump(&r, t_start);
	rig_report_parser_cut(&r.parser, 1);
	if (!r.hard_killed && !r.exited.kind && r.fds[2] >= 0)
		kill(-r.pid, SIGKILL);
	r.svc_gone = 1;
	if (r.svc_started) {
		if (!r.stop_sent && !r.exited.kind)
			r.exited_under_load = 1; /* the pipes closed under the load */
		pthread_join(r.svc_th, NULL);
	}
	for (int k = 0; k < 2; k++)
		if (r.svc_done_fd[k] >= 0)
			close(r.svc_done_fd[k]);
	while (waitpid(r.pid, &status, 0) < 0 && errno == EINTR)
		;
	for (int k = 0; k < 3; k++)
		if (r.fds[k] >= 0)
			close(r.fds[k]);
	if (r.exec_err && !r.started.kind) {
		rig_outcap_finish(&r.cap, 0);
		return rig_fail(err, r.exec_err == ENOENT ? RIG_ERR_NOT_FOUND : RIG_ERR_IO,
				"cannot run %s: %s", req->argv[0], strerror(r.exec_err));
	}

	out->noise_lines += r.parser.noise;
	out->corrupt_lines += r.parser.corrupt + r.parser.overlong_lines;
	out->cut_lines += r.parser.cut;
	if (r.exited.kind)
		status = r.exited.status;
	out->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (r.exited.kind && r.started.kind) {
		rig_sample_set(out, "wall_ns", (double)(r.exited.t_ns - r.started.t_ns), "ns");
		rig_sample_set(out, "peak_rss_kib", (double)r.exited.maxrss_kib, "KiB");
		rig_sample_set(out, "user_ns", (double)r.exited.utime_ns, "ns");
		rig_sample_set(out, "sys_ns", (double)r.exited.stime_ns, "ns");
		/* the kernel's own figure, from the program's memory cgroup: a
		 * cross-check of wait4's (it also counts page cache) */
		if (r.exited.cgroup_peak_kib >= 0 &&
		    (r.started.contain & (RIG_CONTAIN_MEM_V1 | RIG_CONTAIN_MEM_V2)))
			rig_sample_set(out, "cgroup_peak_kib", (double)r.exited.cgroup_peak_kib,
				       "KiB");
	}
	/* rig-exec saw the ready line as it came; rig's own reading time is
	 * the fallback (it adds rig's scheduling latency) */
	if (r.ready.kind && r.started.kind)
		rig_sample_set(out, "startup_ns", (double)(r.ready.t_ns - r.started.t_ns), "ns");
	else if (r.rs.ready_ns && r.started.kind)
		rig_sample_set(out, "startup_ns", (double)(r.rs.ready_ns - r.started.t_ns), "ns");
	tail = rig_outcap_tail(&r.cap, &tail_len);
	rig_sample_set_tail(out, tail, tail_len);
	if (r.started.kind)
		snprintf(out->contain, sizeof(out->contain), "%s",
			 rig_contain_describe(r.started.contain));

	judge(&r, status);
	/* The log is kept only when it is needed: a file per good sample costs
	 * rig time (it counts in rig_overhead_ns) and disk. */
	rig_outcap_finish(&r.cap, !out->ok);
	return 0;
}
