/* Measuring one local process: see measure.h. */
#include "measure.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

static void child(const struct rig_exec_req *req, int out_fd, int err_fd, int ts_fd)
{
	struct timespec ts;
	int e;

	setpgid(0, 0);
	dup2(out_fd, 1);
	dup2(err_fd, 2);
	e = open("/dev/null", O_RDONLY);
	if (e >= 0)
		dup2(e, 0);
	if (req->dir && chdir(req->dir))
		goto fail;
	if (req->cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(req->cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	for (size_t i = 0; req->env_add && req->env_add[i]; i++)
		putenv(req->env_add[i]);
	/* The clock starts here, as close to exec as we can get; the pipe is
	 * close-on-exec, so the parent also learns whether exec worked. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	(void)!write(ts_fd, &ts, sizeof(ts));
	execvp(req->argv[0], req->argv);
fail:
	e = errno;
	(void)!write(ts_fd, &e, sizeof(e));
	_exit(127);
}

int rig_measure_exec(const struct rig_exec_req *req, struct rig_sample *out,
		     struct rig_error *err)
{
	struct run_state rs = {.s = out};
	struct rig_report_parser parser;
	struct rig_buf errbuf = {0};
	int opipe[2], epipe[2], tpipe[2];
	struct timespec t0;
	struct rusage ru;
	int64_t start_ns, deadline, end_ns;
	int status = 0, timed_out = 0, open_fds = 2, e;
	FILE *log = NULL;
	ssize_t n;
	pid_t pid;

	out->ok = 1;
	if (pipe2(opipe, O_CLOEXEC) || pipe2(epipe, O_CLOEXEC) || pipe2(tpipe, O_CLOEXEC))
		return rig_fail(err, RIG_ERR_IO, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(opipe[0]), close(opipe[1]), close(epipe[0]), close(epipe[1]);
		close(tpipe[0]), close(tpipe[1]);
		return rig_fail(err, RIG_ERR_IO, "fork: %s", strerror(e));
	}
	if (pid == 0)
		child(req, opipe[1], epipe[1], tpipe[1]);
	close(opipe[1]);
	close(epipe[1]);
	close(tpipe[1]);
	n = read(tpipe[0], &t0, sizeof(t0));
	if (n == (ssize_t)sizeof(t0)) {
		/* a second message means exec failed */
		n = read(tpipe[0], &e, sizeof(e));
	} else {
		n = 0;
	}
	close(tpipe[0]);
	if (n == (ssize_t)sizeof(e)) {
		close(opipe[0]);
		close(epipe[0]);
		waitpid(pid, &status, 0);
		return rig_fail(err, e == ENOENT ? RIG_ERR_NOT_FOUND : RIG_ERR_IO, "cannot run %s: %s",
				req->argv[0], strerror(e));
	}
	start_ns = (int64_t)t0.tv_sec * 1000000000 + t0.tv_nsec;
	deadline = req->timeout_ms > 0 ? start_ns + req->timeout_ms * 1000000 : 0;
	if (req->log_path)
		log = fopen(req->log_path, "w");
	rig_report_parser_init(&parser, on_line, &rs);

	while (open_fds > 0) {
		struct pollfd pfd[2] = {{.fd = opipe[0], .events = POLLIN},
					{.fd = epipe[0], .events = POLLIN}};
		int wait_ms = -1;
		char buf[8192];

		if (deadline) {
			int64_t left = deadline - rig_now_ns();
			if (left <= 0) {
				timed_out = 1;
				kill(-pid, SIGKILL);
				break;
			}
			wait_ms = (int)(left / 1000000) + 1;
		}
		if (poll(pfd, 2, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			n = read(pfd[i].fd, buf, sizeof(buf));
			if (n <= 0) {
				if (i == 0)
					close(opipe[0]), opipe[0] = -1;
				else
					close(epipe[0]), epipe[0] = -1;
				open_fds--;
				continue;
			}
			if (i == 0)
				rig_report_parser_feed(&parser, buf, (size_t)n);
			else
				rig_buf_append(&errbuf, buf, (size_t)n);
			if (log)
				fwrite(buf, 1, (size_t)n, log);
		}
	}
	rig_report_parser_cut(&parser, 1);
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			memset(&ru, 0, sizeof(ru));
			break;
		}
	}
	end_ns = rig_now_ns();
	if (opipe[0] >= 0)
		close(opipe[0]);
	if (epipe[0] >= 0)
		close(epipe[0]);
	if (log)
		fclose(log);

	out->noise_lines += parser.noise;
	out->corrupt_lines += parser.corrupt + parser.overlong_lines;
	out->cut_lines += parser.cut;
	out->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	rig_sample_set(out, "wall_ns", (double)(end_ns - start_ns), "ns");
	rig_sample_set(out, "peak_rss_kib", (double)ru.ru_maxrss, "KiB");
	rig_sample_set(out, "user_ns",
		       (double)ru.ru_utime.tv_sec * 1e9 + (double)ru.ru_utime.tv_usec * 1e3, "ns");
	rig_sample_set(out, "sys_ns",
		       (double)ru.ru_stime.tv_sec * 1e9 + (double)ru.ru_stime.tv_usec * 1e3, "ns");
	if (rs.ready_ns)
		rig_sample_set(out, "startup_ns", (double)(rs.ready_ns - start_ns), "ns");
	rig_sample_set_tail(out, errbuf.data ? errbuf.data : "", errbuf.len);
	rig_buf_free(&errbuf);

	if (timed_out)
		rig_sample_fail(out, "timed out after %lld ms%s", req->timeout_ms,
				rs.ready_ns ? "" : " (no ready line)");
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
	return 0;
}
