/*
 * RUN: starts a program from the work directory and measures it on the board.
 * startup_ns runs from the child's CLOCK_MONOTONIC just before execve() to the
 * moment the agent read the chunk that completed the "@rig ready" line, so no
 * link latency enters it. Output is forwarded as OUTPUT frames while it runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "rig_contain.h"
#include "rig_report.h"

struct run_req {
	char prog[RIG_FRAME_MAX_NAME + 1];
	char *argv[RIG_FRAME_MAX_ARGS + 2];
	char *envp[RIG_FRAME_MAX_ARGS + 4];
	uint32_t timeout_ms;
	uint64_t cpu_mask;
	/* strings live here */
	char store[(RIG_FRAME_MAX_ARGS * 2 + 4) * 128];
	size_t used;
};

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static char *keep(struct run_req *q, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;

	if (n > sizeof(q->store) - q->used)
		return NULL;
	p = q->store + q->used;
	memcpy(p, s, n);
	q->used += n;
	return p;
}

/* Parses RUN: str prog, u32 n + n str args, u32 n + n str env, u32 timeout_ms,
 * u64 cpu_mask. Returns 0 or answers the host and returns 1. */
static int parse_run(struct agent_conn *c, const struct rig_frame *f, struct run_req *q)
{
	struct rig_frame_reader r;
	static char s[RIG_FRAME_MAX_ARG + 1];
	uint32_t n, i;
	size_t ne = 0;

	rig_frame_reader_init(&r, f->payload, f->len);
	rig_frame_get_str(&r, q->prog, sizeof(q->prog));
	if (r.bad || !rig_frame_valid_name(q->prog)) {
		agent_send_error(c, RIG_FERR_BAD_NAME,
				 "refused program \"%s\": a file name in the work directory",
				 q->prog);
		return 1;
	}
	q->argv[0] = keep(q, q->prog);
	n = rig_frame_get_u32(&r);
	if (n > RIG_FRAME_MAX_ARGS) {
		agent_send_error(c, RIG_FERR_TOO_BIG, "%u arguments, at most %d", n,
				 RIG_FRAME_MAX_ARGS);
		return 1;
	}
	for (i = 0; i < n; i++) {
		rig_frame_get_str(&r, s, sizeof(s));
		if (r.bad || !(q->argv[i + 1] = keep(q, s)))
			goto toolong;
	}
	q->argv[n + 1] = NULL;
	/* a small known environment, then what the host asked for */
	q->envp[ne++] = "PATH=/usr/local/bin:/usr/bin:/bin";
	q->envp[ne++] = keep(q, "HOME=/");
	n = rig_frame_get_u32(&r);
	if (n > RIG_FRAME_MAX_ARGS) {
		agent_send_error(c, RIG_FERR_TOO_BIG, "%u environment entries, at most %d", n,
				 RIG_FRAME_MAX_ARGS);
		return 1;
	}
	for (i = 0; i < n; i++) {
		rig_frame_get_str(&r, s, sizeof(s));
		if (r.bad || !strchr(s, '=') || !(q->envp[ne++] = keep(q, s)))
			goto toolong;
	}
	q->envp[ne] = NULL;
	q->timeout_ms = rig_frame_get_u32(&r);
	q->cpu_mask = rig_frame_get_u64(&r);
	if (!rig_frame_reader_done(&r)) {
		agent_send_error(c, RIG_FERR_PROTOCOL, "malformed RUN request");
		return 1;
	}
	return 0;
toolong:
	agent_send_error(c, RIG_FERR_TOO_BIG,
			 "an argument or environment entry is malformed or over %d bytes (or all "
			 "together over %zu)",
			 RIG_FRAME_MAX_ARG, sizeof(q->store));
	return 1;
}

/* In the child, between fork and exec. Reports failures through status_fd:
 * first the 8-byte exec timestamp, then, if execve failed, 4 bytes of errno. */
static void child(const struct agent_cfg *cfg, const struct run_req *q,
		  const struct rig_contain *ct, int out_fd, int err_fd, int status_fd)
{
	struct rlimit rl;
	int64_t t0;
	int e;
	char path[1100];

	setpgid(0, 0);
	rig_contain_enter(ct); /* while still root: cgroup.procs is root's */
	signal(SIGPIPE, SIG_DFL);
	dup2(out_fd, 1);
	dup2(err_fd, 2);
	if (q->cpu_mask) {
		cpu_set_t set;
		CPU_ZERO(&set);
		for (int i = 0; i < 64; i++)
			if (q->cpu_mask >> i & 1)
				CPU_SET(i, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			goto fail;
	}
	rl.rlim_cur = rl.rlim_max = 0;
	setrlimit(RLIMIT_CORE, &rl);
	rl.rlim_cur = rl.rlim_max = 1024;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (cfg->rlimit_as_bytes) {
		rl.rlim_cur = rl.rlim_max = cfg->rlimit_as_bytes;
		setrlimit(RLIMIT_AS, &rl);
	}
	if (cfg->rlimit_fsize_bytes) {
		rl.rlim_cur = rl.rlim_max = cfg->rlimit_fsize_bytes;
		setrlimit(RLIMIT_FSIZE, &rl);
	}
	if (cfg->drop_privs) {
		/* group first: after setuid we could not change it */
		if (setgroups(0, NULL) || setgid(cfg->run_gid) || setuid(cfg->run_uid))
			goto fail;
		if (setuid(0) == 0) { /* must not be able to get root back */
			errno = EPERM;
			goto fail;
		}
	}
	if (fchdir(cfg->workdir_fd))
		goto fail;
	snprintf(path, sizeof(path), "%s/%s", cfg->workdir, q->prog);
	t0 = mono_ns();
	if (write(status_fd, &t0, sizeof(t0)) != sizeof(t0))
		_exit(127);
	execve(path, q->argv, q->envp);
fail:
	e = errno;
	{
		int64_t none = -1;
		if (write(status_fd, &none, sizeof(none)) < 0 ||
		    write(status_fd, &e, sizeof(e)) < 0)
			_exit(127);
	}
	_exit(127);
}

struct run_state {
	struct agent_conn *c;
	struct rig_report_parser parser;
	int64_t t_read; /* when the chunk being parsed was read */
	int64_t t_ready;
	uint64_t forwarded, dropped, out_bytes;
};

static void on_line(void *ctx, enum rig_report_verdict v, const struct rig_report_line *line,
		    const char *text, size_t len)
{
	struct run_state *st = ctx;

	if (v == RIG_REPORT_LINE && line->kind == RIG_REPORT_READY && st->t_ready < 0)
		st->t_ready = st->t_read;
}

static int forward(struct run_state *st, uint8_t stream, const uint8_t *p, size_t n)
{
	static uint8_t buf[1 + 16384];
	uint64_t room = st->c->cfg->max_output_bytes - st->forwarded;

	if (n > room) {
		st->dropped += n - room;
		n = (size_t)room;
	}
	if (n == 0)
		return 0;
	buf[0] = stream;
	memcpy(buf + 1, p, n);
	st->forwarded += n;
	return agent_send(st->c, RIG_MSG_OUTPUT, buf, (uint32_t)(n + 1));
}

/* Reads what a pipe has; returns 0 at EOF, 1 otherwise. */
static int drain(struct run_state *st, int fd, uint8_t stream)
{
	uint8_t buf[16384];
	ssize_t r = read(fd, buf, sizeof(buf));

	if (r < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	if (r == 0)
		return 0;
	if (stream == 1) {
		st->t_read = mono_ns();
		st->out_bytes += (uint64_t)r;
		rig_report_parser_feed(&st->parser, (const char *)buf, (size_t)r);
	}
	forward(st, stream, buf, (size_t)r);
	return 1;
}

/* The program's resident set now (/proc/PID/statm, second field), KiB; -1
 * when it cannot be read (gone, no /proc). */
static int64_t rss_kib(pid_t pid)
{
	char path[40], buf[128];
	long long size = 0, res = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%lld %lld", &size, &res) != 2)
		return -1;
	return (int64_t)res * (sysconf(_SC_PAGESIZE) / 1024);
}

#define RSS_EVERY_NS 100000000ll /* RSS sampling period while a program runs */

static int pidfd_open_(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

int agent_do_run(struct agent_conn *c, const struct rig_frame *f)
{
	static struct run_req q;
	struct run_state st;
	struct rig_frame_run_done d;
	struct rig_frame_writer w;
	struct rusage ru;
	struct stat sb;
	uint8_t donebuf[128];
	int outp[2] = {-1, -1}, errp[2] = {-1, -1}, stp[2] = {-1, -1};
	int pidfd, status = 0, out_open = 1, err_open = 1, exited = 0, e;
	int64_t t0 = -1, t_exit = 0, deadline, next_rss, rss_sum = 0, rss_n = 0;
	pid_t pid;
	static unsigned runs;
	struct rig_contain ct;
	char ct_name[64];

	memset(&q, 0, sizeof(q));
	if (parse_run(c, f, &q))
		return c->closed ? -1 : 0;
	if (fstatat(c->cfg->workdir_fd, q.prog, &sb, AT_SYMLINK_NOFOLLOW) || !S_ISREG(sb.st_mode))
		return agent_send_error(
		    c, RIG_FERR_NOT_FOUND,
		    "%s: no such program in the work directory (upload it first)", q.prog);
	if (pipe2(outp, O_CLOEXEC) || pipe2(errp, O_CLOEXEC) || pipe2(stp, O_CLOEXEC)) {
		e = errno;
		goto io_fail;
	}
	/* the workload and everything it starts (setsid'd or not) stay in
	 * reach: a subreaper here and a cgroup leaf where the board has one */
	snprintf(ct_name, sizeof(ct_name), "rig-agent-%d-%u", (int)getpid(), runs++);
	rig_contain_init(&ct, ct_name);
	pid = fork();
	if (pid < 0) {
		e = errno;
		rig_contain_fini(&ct);
		goto io_fail;
	}
	if (pid == 0)
		child(c->cfg, &q, &ct, outp[1], errp[1], stp[1]);
	setpgid(pid, pid); /* also in the parent: no race with a kill below */
	close(outp[1]);
	close(errp[1]);
	close(stp[1]);
	/* the exec timestamp, then EOF (exec worked) or the errno */
	if (read(stp[0], &t0, sizeof(t0)) != sizeof(t0))
		t0 = -1;
	if (t0 < 0) {
		int ce = 0;
		if (read(stp[0], &ce, sizeof(ce)) != sizeof(ce))
			ce = EIO;
		close(stp[0]);
		close(outp[0]);
		close(errp[0]);
		waitpid(pid, NULL, 0);
		rig_contain_fini(&ct);
		return agent_send_error(c, RIG_FERR_IO, "%s: cannot start: %s", q.prog,
					strerror(ce));
	}
	{
		/* exec succeeded when the cloexec pipe closes; a failure sends more */
		int64_t x;
		int ce;
		ssize_t r = read(stp[0], &x, sizeof(x));
		if (r == sizeof(x) && read(stp[0], &ce, sizeof(ce)) == sizeof(ce)) {
			close(stp[0]);
			close(outp[0]);
			close(errp[0]);
			waitpid(pid, NULL, 0);
			rig_contain_fini(&ct);
			return agent_send_error(c, RIG_FERR_IO, "%s: cannot start: %s", q.prog,
						strerror(ce));
		}
		close(stp[0]);
	}
	memset(&st, 0, sizeof(st));
	memset(&d, 0, sizeof(d));
	d.cgroup_peak_kib = -1;
	st.c = c;
	st.t_ready = -1;
	rig_report_parser_init(&st.parser, on_line, &st);
	pidfd = pidfd_open_(pid);
	deadline = q.timeout_ms ? t0 + (int64_t)q.timeout_ms * 1000000 : -1;
	next_rss = t0 + RSS_EVERY_NS;

	while (!exited || out_open || err_open) {
		struct pollfd p[4];
		int np = 0, iout = -1, ierr = -1, iconn = -1, wait_ms = -1, pr;
		int64_t now = mono_ns();

		if (deadline >= 0 && now >= deadline && !d.timed_out && !exited) {
			kill(-pid, SIGKILL);
			d.timed_out = 1;
		}
		if (!exited && now >= next_rss) {
			/* the mean RSS over the run (a server under load: what it
			 * holds, beside wait4's peak) */
			int64_t k = rss_kib(pid);
			if (k >= 0)
				rss_sum += k, rss_n++;
			next_rss = now + RSS_EVERY_NS;
		}
		if (out_open)
			iout = np, p[np++] = (struct pollfd){.fd = outp[0], .events = POLLIN};
		if (err_open)
			ierr = np, p[np++] = (struct pollfd){.fd = errp[0], .events = POLLIN};
		if (!exited && pidfd >= 0)
			p[np++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
		iconn = np, p[np++] = (struct pollfd){.fd = c->in_fd, .events = POLLIN};
		if (deadline >= 0 && !d.timed_out && !exited)
			wait_ms = (int)((deadline - now) / 1000000) + 1;
		if (!exited) {
			int to_rss = (int)((next_rss - now) / 1000000) + 1;
			if (wait_ms < 0 || wait_ms > to_rss)
				wait_ms = to_rss;
		}
		if (!exited && pidfd < 0)
			wait_ms = 10; /* no pidfd (kernel < 5.3): poll for the exit */
		if (exited)
			wait_ms =
			    200; /* a grandchild may hold the pipes: do not wait for it long */
		pr = poll(p, (nfds_t)np, wait_ms);
		if (pr < 0 && errno != EINTR)
			break;
		if (iout >= 0 && p[iout].revents)
			out_open = drain(&st, outp[0], 1);
		if (ierr >= 0 && p[ierr].revents)
			err_open = drain(&st, errp[0], 2);
		if (!exited) {
			pid_t wr = wait4(pid, &status, WNOHANG, &ru);
			if (wr == pid) {
				exited = 1;
				t_exit = mono_ns();
				/* anything it left behind, setsid'd or double-forked:
				 * nothing outlives RUN_DONE (docs/agent.md) */
				rig_contain_kill_all(&ct, -1, NULL, NULL);
			}
		} else if (pr == 0) {
			/* exited and 200 ms of silence: leftovers hold the pipes */
			break;
		}
		if (c->closed)
			break;
		if (p[iconn].revents) {
			struct rig_frame kf;
			int rc = agent_recv(c, &kf, 0);
			if (rc < 0 || rc == 2) { /* gone, or (serial) starting over */
				kill(-pid, SIGKILL);
				c->closed = 1;
			} else if (rc > 0 && kf.type == RIG_MSG_KILL) {
				if (!agent_refuse_payload(c, &kf)) {
					kill(-pid, SIGKILL);
					d.killed = 1;
				}
			} else if (rc > 0 && kf.type == RIG_MSG_STOP) {
				/* a server's end: it reports and exits on SIGTERM */
				if (!agent_refuse_payload(c, &kf) && !exited)
					kill(-pid, SIGTERM);
			} else if (rc > 0) {
				agent_send_error(c, RIG_FERR_BUSY,
						 "%s while a program runs: only KILL or STOP",
						 rig_frame_type_name(kf.type));
			}
		}
	}
	if (!exited) {
		kill(-pid, SIGKILL);
		if (!rig_contain_kill_all(&ct, pid, &status, &ru))
			wait4(pid, &status, 0, &ru);
		t_exit = mono_ns();
	} else {
		rig_contain_kill_all(&ct, -1, NULL, NULL);
	}
	d.cgroup_peak_kib = rig_contain_peak_kib(&ct);
	rig_contain_fini(&ct);
	if (pidfd >= 0)
		close(pidfd);
	close(outp[0]);
	close(errp[0]);
	rig_report_parser_cut(&st.parser, 1);
	if (c->closed)
		return -1;

	if (WIFEXITED(status)) {
		d.exit_code = WEXITSTATUS(status);
	} else {
		d.exit_code = -1;
		d.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
	d.startup_ns = st.t_ready >= 0 ? st.t_ready - t0 : -1;
	d.wall_ns = t_exit - t0;
	d.peak_rss_kib = ru.ru_maxrss;
	d.mean_rss_kib = rss_n ? rss_sum / rss_n : -1;
	d.user_ns = (int64_t)ru.ru_utime.tv_sec * 1000000000 + (int64_t)ru.ru_utime.tv_usec * 1000;
	d.sys_ns = (int64_t)ru.ru_stime.tv_sec * 1000000000 + (int64_t)ru.ru_stime.tv_usec * 1000;
	d.out_bytes = st.out_bytes;
	d.dropped_bytes = st.dropped;
	rig_frame_writer_init(&w, donebuf, sizeof(donebuf));
	rig_frame_put_run_done(&w, &d);
	return agent_send(c, RIG_MSG_RUN_DONE, donebuf, (uint32_t)w.len);

io_fail:
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (errp[i] >= 0)
			close(errp[i]);
		if (stp[i] >= 0)
			close(stp[i]);
	}
	return agent_send_error(c, RIG_FERR_IO, "cannot start %s: %s", q.prog, strerror(e));
}
