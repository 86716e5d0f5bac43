/* Measuring one local process: see measure.h. */
#include "measure.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rig_exec.h"
#include "rig_report.h"
#include "util.h"

struct run_state {
	struct rig_sample *s;
	int64_t ready_ns; /* 0 until the ready line */
	int done_seen, done_status;
};

static void on_line(void *ctx, enum rig_report_verdict v, const struct rig_report_line *l,
		    const char *text, size_t len)
{
	struct run_state *rs = ctx;

	if (v != RIG_REPORT_LINE)
		return;
	switch (l->kind) {
	case RIG_REPORT_READY:
		if (!rs->ready_ns)
			rs->ready_ns = rig_now_ns();
		break;
	case RIG_REPORT_RESULT:
		rig_sample_set(rs->s, l->name, strtod(l->value, NULL), l->unit);
		break;
	case RIG_REPORT_DONE:
		rs->done_seen = 1;
		rs->done_status = l->status;
		break;
	}
}

/* The trampoline that execs the measured program (see host/exec/rig_exec.c):
 * $RIG_EXEC, the path the build recorded, or rig-exec next to rig. */
static int find_trampoline(char *out, size_t cap)
{
	const char *env = getenv("RIG_EXEC");
	char self[4096];
	ssize_t n;

	if (env && *env)
		return access(env, X_OK) == 0 && rig_snprintf(out, cap, "%s", env) == 0;
#ifdef RIG_EXEC_PATH
	if (access(RIG_EXEC_PATH, X_OK) == 0)
		return rig_snprintf(out, cap, "%s", RIG_EXEC_PATH) == 0;
#endif
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 0;
	self[n] = '\0';
	if (strrchr(self, '/'))
		*strrchr(self, '/') = '\0';
	return rig_snprintf(out, cap, "%s/rig-exec", self) == 0 && access(out, X_OK) == 0;
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

int rig_measure_exec(const struct rig_exec_req *req, struct rig_sample *out, struct rig_error *err)
{
	struct run_state rs = {.s = out};
	struct rig_report_parser parser;
	struct rig_buf errbuf = {0};
	struct rig_exec_msg msg, started = {0}, exited = {0}, ready = {0};
	size_t msg_have = 0;
	int fds[3], wr[3], status = 0, timed_out = 0, exec_err = 0;
	int64_t deadline = 0;
	char tramp[4096];
	struct rig_buf log = {0}; /* stdout and stderr as they came, for a failed sample */
	pid_t pid;
	int rc;

	out->ok = 1;
	if (!find_trampoline(tramp, sizeof(tramp)))
		return rig_fail(err, RIG_ERR_NOT_FOUND,
				"rig-exec (the program launcher) was not found next to rig; "
				"build it or set RIG_EXEC");
	for (int i = 0; i < 3; i++) {
		int p[2];
		if (pipe2(p, O_CLOEXEC)) {
			int e = errno;
			for (int k = 0; k < i; k++)
				close(fds[k]), close(wr[k]);
			return rig_fail(err, RIG_ERR_IO, "pipe: %s", strerror(e));
		}
		fds[i] = p[0];
		wr[i] = p[1];
	}
	if ((rc = spawn_trampoline(req, tramp, wr[0], wr[1], wr[2], &pid))) {
		for (int k = 0; k < 3; k++)
			close(fds[k]), close(wr[k]);
		return rig_fail(err, rc == ENOENT ? RIG_ERR_NOT_FOUND : RIG_ERR_IO,
				"cannot start %s for %s: %s", tramp, req->argv[0], strerror(rc));
	}
	for (int k = 0; k < 3; k++)
		close(wr[k]);
	rig_report_parser_init(&parser, on_line, &rs);

	/* stdout, stderr and the status pipe until all three are closed */
	while (fds[0] >= 0 || fds[1] >= 0 || fds[2] >= 0) {
		struct pollfd pfd[3];
		int wait_ms = -1;
		char buf[8192];

		for (int k = 0; k < 3; k++)
			pfd[k] = (struct pollfd){.fd = fds[k], .events = POLLIN};
		if (started.kind && !deadline && req->timeout_ms > 0)
			deadline = started.t_ns + req->timeout_ms * 1000000;
		if (!started.kind && req->timeout_ms > 0 && !deadline)
			deadline = rig_now_ns() + req->timeout_ms * 1000000 + 5000000000LL;
		if (deadline) {
			int64_t left = deadline - rig_now_ns();
			if (left <= 0) {
				timed_out = 1;
				kill(-pid, SIGKILL);
				break;
			}
			wait_ms = (int)(left / 1000000) + 1;
		}
		if (poll(pfd, 3, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int k = 0; k < 3; k++) {
			ssize_t n;

			if (fds[k] < 0 || !pfd[k].revents)
				continue;
			if (k == 2)
				n = read(fds[k], (char *)&msg + msg_have, sizeof(msg) - msg_have);
			else
				n = read(fds[k], buf, sizeof(buf));
			if (n <= 0) {
				close(fds[k]);
				fds[k] = -1;
				continue;
			}
			if (k == 2) {
				msg_have += (size_t)n;
				if (msg_have < sizeof(msg))
					continue;
				msg_have = 0;
				if (msg.kind == RIG_EXEC_STARTED)
					started = msg;
				else if (msg.kind == RIG_EXEC_FAILED)
					exec_err = msg.err ? msg.err : EIO;
				else if (msg.kind == RIG_EXEC_EXITED)
					exited = msg;
				else if (msg.kind == RIG_EXEC_READY)
					ready = msg;
				continue;
			}
			if (k == 0)
				rig_report_parser_feed(&parser, buf, (size_t)n);
			else
				rig_buf_append(&errbuf, buf, (size_t)n);
			if (req->log_path)
				rig_buf_append(&log, buf, (size_t)n);
		}
	}
	rig_report_parser_cut(&parser, 1);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	for (int k = 0; k < 3; k++)
		if (fds[k] >= 0)
			close(fds[k]);
	if (exec_err && !started.kind) {
		rig_buf_free(&errbuf);
		rig_buf_free(&log);
		return rig_fail(err, exec_err == ENOENT ? RIG_ERR_NOT_FOUND : RIG_ERR_IO,
				"cannot run %s: %s", req->argv[0], strerror(exec_err));
	}

	out->noise_lines += parser.noise;
	out->corrupt_lines += parser.corrupt + parser.overlong_lines;
	out->cut_lines += parser.cut;
	if (exited.kind)
		status = exited.status;
	out->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (exited.kind && started.kind) {
		rig_sample_set(out, "wall_ns", (double)(exited.t_ns - started.t_ns), "ns");
		rig_sample_set(out, "peak_rss_kib", (double)exited.maxrss_kib, "KiB");
		rig_sample_set(out, "user_ns", (double)exited.utime_ns, "ns");
		rig_sample_set(out, "sys_ns", (double)exited.stime_ns, "ns");
	}
	/* rig-exec saw the ready line as it came; rig's own reading time is
	 * the fallback (it adds rig's scheduling latency) */
	if (ready.kind && started.kind)
		rig_sample_set(out, "startup_ns", (double)(ready.t_ns - started.t_ns), "ns");
	else if (rs.ready_ns && started.kind)
		rig_sample_set(out, "startup_ns", (double)(rs.ready_ns - started.t_ns), "ns");
	rig_sample_set_tail(out, errbuf.data ? errbuf.data : "", errbuf.len);
	rig_buf_free(&errbuf);

	if (timed_out)
		rig_sample_fail(out, "timed out after %lld ms%s", req->timeout_ms,
				rs.ready_ns ? "" : " (no ready line)");
	else if (exec_err)
		rig_sample_fail(out, "cannot run %s: %s", req->argv[0], strerror(exec_err));
	else if (WIFSIGNALED(status))
		rig_sample_fail(out, "killed by signal %d (%s)", WTERMSIG(status),
				strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) != 0)
		rig_sample_fail(out, "exited with status %d", WEXITSTATUS(status));
	else if (!rs.ready_ns)
		rig_sample_fail(out, "no ready line (%lu noise, %lu corrupt lines)", parser.noise,
				parser.corrupt);
	else if (req->need_done && !rs.done_seen)
		rig_sample_fail(out, "no done line");
	else if (rs.done_seen && rs.done_status != 0)
		rig_sample_fail(out, "workload reported done %d", rs.done_status);
	/* The log is written only when it is needed: a file per good sample
	 * costs rig time (it counts in rig_overhead_ns) and disk. */
	if (req->log_path && !out->ok)
		rig_write_file(req->log_path, log.data ? log.data : "", log.len, NULL);
	rig_buf_free(&log);
	return 0;
}
