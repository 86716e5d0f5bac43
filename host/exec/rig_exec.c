/*
 * rig-exec: starts a measured program, contains it, and reports on it.
 *
 *   rig-exec FD [--cpu N] -- PROGRAM [ARGS...]
 *
 * Why it exists: wait4's ru_maxrss is the peak RSS over the whole life of a
 * process, and execve keeps the pre-exec peak: a program forked from rig
 * (SQLite, and ASan in test builds) would be charged with rig's megabytes.
 * rig-exec is small and static; it forks, the child execs the program, and
 * rig-exec reaps it with wait4, so the only floor under a measurement is
 * rig-exec's own few hundred KiB (docs/design.md has the figure).
 *
 * It writes struct rig_exec_msg records to FD: STARTED (the child's
 * CLOCK_MONOTONIC just before execve, and how it is contained) or FAILED
 * (errno), READY (when the program's "@rig ready" line arrives: rig-exec
 * relays the program's stdout and reads it as it comes, so the figure does
 * not depend on how soon rig gets the CPU), then EXITED (wait status,
 * rusage, the time wait4 returned, the memory cgroup's peak). It exits with
 * the program's exit code.
 *
 * Containment (firmware/contain/rig_contain.h): rig-exec is a child
 * subreaper and puts the program in its own cgroup leaf where the machine
 * has one. When the program exits, whatever it left behind (a setsid'd
 * daemon holding stdout) is killed and reaped before EXITED is sent. On
 * SIGTERM (rig's deadline), SIGHUP/SIGINT, or when rig dies (PDEATHSIG, and
 * the status pipe's reader gone: POLLERR on FD) the program and everything
 * it started are killed, so nothing outlives rig, even after kill -9.
 * SIGUSR1 asks for a clean stop instead: the program gets SIGTERM and is
 * waited for as usual (a server under load stops this way and reports).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rig_contain.h"
#include "rig_exec.h"
#include "rig_report.h"

static int wake_w = -1;			 /* self-pipe: a signal arrived */
static volatile sig_atomic_t stop_asked; /* SIGTERM, SIGHUP, SIGINT, parent death */
static volatile sig_atomic_t term_asked; /* SIGUSR1: pass SIGTERM to the program */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* rig may be gone: a failed write is not fatal here (SIGPIPE is ignored),
 * the cleanup still has to run. */
static void send(int fd, const struct rig_exec_msg *m)
{
	if (write(fd, m, sizeof(*m)) != (ssize_t)sizeof(*m))
		stop_asked = 1;
}

static void on_signal(int sig)
{
	int e = errno;

	if (sig == SIGUSR1)
		term_asked = 1;
	else if (sig != SIGCHLD)
		stop_asked = 1;
	if (write(wake_w, "", 1) < 0) {
		/* full: a wake-up is already pending */
	}
	errno = e;
}

/* 1 when nobody reads the status pipe any more: rig is gone. */
static int rig_gone(int fd)
{
	struct pollfd p = {.fd = fd, .events = 0};

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP | POLLNVAL));
}

struct relay {
	int fd;
	int64_t t_read;
	int ready_sent;
};

static void on_line(void *ctx, enum rig_report_verdict v, const struct rig_report_line *l,
		    const char *text, size_t len)
{
	struct relay *r = ctx;
	struct rig_exec_msg m;

	(void)text, (void)len;
	if (v != RIG_REPORT_LINE || l->kind != RIG_REPORT_READY || r->ready_sent)
		return;
	memset(&m, 0, sizeof(m));
	m.kind = RIG_EXEC_READY;
	m.t_ns = r->t_read;
	send(r->fd, &m);
	r->ready_sent = 1;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR && !stop_asked)
			continue;
		if (w <= 0)
			return -1;
		p += w, n -= (size_t)w;
	}
	return 0;
}

static void set_handlers(void (*fn)(int))
{
	static const int sigs[] = {SIGCHLD, SIGTERM, SIGHUP, SIGINT, SIGUSR1};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static void child(int fd, int out_w, const struct rig_contain *ct, char **argv)
{
	struct rig_exec_msg m;

	set_handlers(SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	dup2(out_w, 1);
	close(out_w);
	memset(&m, 0, sizeof(m));
	m.contain = rig_contain_enter(ct);
	m.kind = RIG_EXEC_STARTED;
	m.t_ns = now_ns();
	send(fd, &m);
	execvp(argv[0], argv);
	m.kind = RIG_EXEC_FAILED;
	m.err = errno;
	send(fd, &m);
	_exit(127);
}

int main(int argc, char **argv)
{
	struct rig_exec_msg m;
	struct rig_report_parser parser;
	struct relay rl = {0};
	struct rig_contain ct;
	struct rusage ru;
	char name[64];
	int fd, i = 2, status = 0, out[2], wake[2], relay_ok = 1, exited = 0;
	int64_t t_exit = 0, grace_end = 0;
	pid_t pid;

	if (argc < 4)
		return 127;
	fd = atoi(argv[1]);
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return 127;
	if (strcmp(argv[i], "--cpu") == 0 && i + 2 < argc) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(atoi(argv[i + 1]), &set);
		sched_setaffinity(0, sizeof(set), &set);
		i += 2;
	}
	if (strcmp(argv[i], "--") != 0 || i + 1 >= argc)
		return 127;
	i++;
	signal(SIGPIPE, SIG_IGN);
	if (pipe2(wake, O_CLOEXEC | O_NONBLOCK))
		return 127;
	wake_w = wake[1];
	set_handlers(on_signal);
	/* die with rig: the signal, and the pipe for a death before prctl */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (rig_gone(fd))
		return 127;
	snprintf(name, sizeof(name), "rig-exec-%d", (int)getpid());
	rig_contain_init(&ct, name);
	if (pipe2(out, O_CLOEXEC)) {
		rig_contain_fini(&ct);
		return 127;
	}
	pid = fork();
	if (pid < 0) {
		rig_contain_fini(&ct);
		return 127;
	}
	if (pid == 0)
		child(fd, out[1], &ct, argv + i);
	close(out[1]);
	rl.fd = fd;
	rig_report_parser_init(&parser, on_line, &rl);

	while (out[0] >= 0 || !exited) {
		struct pollfd p[3] = {{.fd = wake[0], .events = POLLIN},
				      {.fd = fd, .events = 0},
				      {.fd = out[0], .events = POLLIN}};
		int wait_ms = -1;

		if (stop_asked)
			break;
		if (term_asked && !exited) {
			/* not reaped yet: pid is still the program's */
			term_asked = 0;
			kill(pid, SIGTERM);
		}
		if (exited) {
			/* everything it started is dead: the pipe ends now */
			int64_t left = grace_end - now_ns();
			if (left <= 0)
				break;
			wait_ms = (int)(left / 1000000) + 1;
		}
		if (poll(p, out[0] >= 0 ? 3 : 2, wait_ms) < 0 && errno != EINTR)
			break;
		if (p[0].revents) {
			char b[64];
			while (read(wake[0], b, sizeof(b)) > 0)
				;
		}
		if (p[1].revents & (POLLERR | POLLHUP | POLLNVAL))
			stop_asked = 1; /* rig is gone */
		if (!exited) {
			struct rusage r;
			int st;
			pid_t w;
			/* the program, and orphans reparented to us as they exit */
			while ((w = wait4(-1, &st, WNOHANG, &r)) > 0) {
				if (w != pid)
					continue;
				exited = 1;
				t_exit = now_ns();
				status = st;
				ru = r;
			}
			if (exited) {
				rig_contain_kill_all(&ct, -1, NULL, NULL);
				grace_end = now_ns() + 200000000;
			}
		}
		if (out[0] >= 0 && (p[2].revents & (POLLIN | POLLHUP | POLLERR))) {
			char buf[8192];
			ssize_t n = read(out[0], buf, sizeof(buf));

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(out[0]);
				out[0] = -1;
				continue;
			}
			rl.t_read = now_ns();
			if (!rl.ready_sent)
				rig_report_parser_feed(&parser, buf, (size_t)n);
			/* rig may have gone away: keep draining so the program is not
			 * blocked on a full pipe */
			if (relay_ok && write_all(1, buf, (size_t)n))
				relay_ok = 0;
		}
	}
	memset(&m, 0, sizeof(m));
	if (!exited) {
		/* stopped on request or rig is gone: the program and everything
		 * it started */
		m.killed = 1;
		if (rig_contain_kill_all(&ct, pid, &status, &ru))
			exited = 1;
		t_exit = now_ns();
	} else {
		rig_contain_kill_all(&ct, -1, NULL, NULL);
	}
	if (out[0] >= 0)
		close(out[0]);
	m.cgroup_peak_kib = rig_contain_peak_kib(&ct);
	rig_contain_fini(&ct);
	if (!exited)
		return 127;
	m.kind = RIG_EXEC_EXITED;
	m.t_ns = t_exit;
	m.status = status;
	m.maxrss_kib = ru.ru_maxrss;
	m.utime_ns = (int64_t)ru.ru_utime.tv_sec * 1000000000 + (int64_t)ru.ru_utime.tv_usec * 1000;
	m.stime_ns = (int64_t)ru.ru_stime.tv_sec * 1000000000 + (int64_t)ru.ru_stime.tv_usec * 1000;
	send(fd, &m);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
