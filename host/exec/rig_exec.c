/*
 * rig-exec: starts a measured program and reports on it.
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
 * CLOCK_MONOTONIC just before execve) or FAILED (errno), READY (when the
 * program's "@rig ready" line arrives: rig-exec relays the program's stdout
 * and reads it as it comes, so the figure does not depend on how soon rig
 * gets the CPU), then EXITED (wait status, rusage, the time wait4
 * returned). It exits with the program's exit code.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rig_exec.h"
#include "rig_report.h"

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void send(int fd, const struct rig_exec_msg *m)
{
	if (write(fd, m, sizeof(*m)) != (ssize_t)sizeof(*m))
		_exit(127);
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
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w, n -= (size_t)w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct rig_exec_msg m;
	struct rig_report_parser parser;
	struct relay rl = {0};
	struct rusage ru;
	int fd, i = 2, status, out[2], relay_ok = 1;
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
	if (pipe(out))
		return 127;
	pid = fork();
	if (pid < 0)
		return 127;
	if (pid == 0) {
		dup2(out[1], 1);
		close(out[0]);
		close(out[1]);
		memset(&m, 0, sizeof(m));
		m.kind = RIG_EXEC_STARTED;
		m.t_ns = now_ns();
		send(fd, &m);
		execvp(argv[i], argv + i);
		m.kind = RIG_EXEC_FAILED;
		m.err = errno;
		send(fd, &m);
		_exit(127);
	}
	close(out[1]);
	rl.fd = fd;
	rig_report_parser_init(&parser, on_line, &rl);
	for (;;) {
		char buf[8192];
		ssize_t n = read(out[0], buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		rl.t_read = now_ns();
		if (!rl.ready_sent)
			rig_report_parser_feed(&parser, buf, (size_t)n);
		/* rig may have gone away: keep draining so the program is not
		 * blocked on a full pipe */
		if (relay_ok && write_all(1, buf, (size_t)n))
			relay_ok = 0;
	}
	close(out[0]);
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			return 127;
	memset(&m, 0, sizeof(m));
	m.kind = RIG_EXEC_EXITED;
	m.t_ns = now_ns();
	m.status = status;
	m.maxrss_kib = ru.ru_maxrss;
	m.utime_ns = (int64_t)ru.ru_utime.tv_sec * 1000000000 + (int64_t)ru.ru_utime.tv_usec * 1000;
	m.stime_ns = (int64_t)ru.ru_stime.tv_sec * 1000000000 + (int64_t)ru.ru_stime.tv_usec * 1000;
	send(fd, &m);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
