#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "xalloc.h"

int rig_which(const char *name, char *out, size_t cap)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (strchr(name, '/')) {
		if (access(name, X_OK) == 0)
			return rig_snprintf(out, cap, "%s", name) == 0;
		return 0;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *end = strchr(path, ':');
		size_t n = end ? (size_t)(end - path) : strlen(path);
		struct stat st;

		if (n && rig_snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, name) == 0 &&
		    stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return rig_snprintf(out, cap, "%s", buf) == 0;
		path += n;
		if (*path == ':')
			path++;
	}
	return 0;
}

/* Appends what fd has to b (up to cap bytes kept; the rest is read and
 * dropped); 0 at EOF or error, 1 while open. */
static int drain(int fd, struct rig_buf *b, size_t cap, int *truncated)
{
	char tmp[4096];
	ssize_t n = read(fd, tmp, sizeof(tmp));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n <= 0)
		return 0;
	if (cap && b->len + (size_t)n > cap) {
		*truncated = 1;
		n = b->len < cap ? (ssize_t)(cap - b->len) : 0;
	}
	if (n > 0)
		rig_buf_append(b, tmp, (size_t)n);
	return 1;
}

/* rig_run_capture and rig_run_capture_split: split puts stderr in res->err. */
static int run_capture(char *const argv[], const char *dir, char *const env_add[], int timeout_ms,
		       int split, size_t cap, struct rig_proc_result *res, struct rig_error *err)
{
	int outfd[2], errfd[2] = {-1, -1}, execfd[2];
	int64_t start, deadline;
	pid_t pid;
	int status = 0, e = 0, open_fds, reaped = 0;
	ssize_t n;

	memset(res, 0, sizeof(*res));
	if (pipe2(outfd, O_CLOEXEC))
		return rig_fail(err, RIG_ERR_IO, "pipe: %s", strerror(errno));
	if ((split && pipe2(errfd, O_CLOEXEC)) || pipe2(execfd, O_CLOEXEC)) {
		e = errno;
		close(outfd[0]);
		close(outfd[1]);
		if (errfd[0] >= 0) {
			close(errfd[0]);
			close(errfd[1]);
		}
		return rig_fail(err, RIG_ERR_IO, "pipe: %s", strerror(e));
	}
	start = rig_now_ns();
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(outfd[0]);
		close(outfd[1]);
		if (split) {
			close(errfd[0]);
			close(errfd[1]);
		}
		close(execfd[0]);
		close(execfd[1]);
		return rig_fail(err, RIG_ERR_IO, "fork: %s", strerror(e));
	}
	if (pid == 0) {
		setpgid(0, 0);
		dup2(outfd[1], 1);
		dup2(split ? errfd[1] : outfd[1], 2);
		/* split (the WASI executor): stdin an empty pipe, the same kind
		 * as stdout and stderr, so a module polling stdio can (libuv's
		 * epoll refuses /dev/null with EPERM); otherwise /dev/null */
		int in[2] = {-1, -1};
		if (split && pipe(in) == 0) {
			close(in[1]);
			dup2(in[0], 0);
		} else {
			int devnull = open("/dev/null", O_RDONLY);
			if (devnull >= 0)
				dup2(devnull, 0);
		}
		if (dir && chdir(dir)) {
			e = errno;
			(void)!write(execfd[1], &e, sizeof(e));
			_exit(127);
		}
		for (size_t i = 0; env_add && env_add[i]; i++)
			putenv(env_add[i]);
		execvp(argv[0], argv);
		e = errno;
		(void)!write(execfd[1], &e, sizeof(e));
		_exit(127);
	}
	close(outfd[1]);
	if (split)
		close(errfd[1]);
	close(execfd[1]);
	n = read(execfd[0], &e, sizeof(e));
	close(execfd[0]);
	if (n == (ssize_t)sizeof(e)) {
		close(outfd[0]);
		if (split)
			close(errfd[0]);
		waitpid(pid, &status, 0);
		return rig_fail(err, e == ENOENT ? RIG_ERR_NOT_FOUND : RIG_ERR_IO, "%s: %s%s%s",
				argv[0], strerror(e), dir ? " in " : "", dir ? dir : "");
	}
	deadline = timeout_ms > 0 ? start + (int64_t)timeout_ms * 1000000 : 0;
	open_fds = split ? 2 : 1;
	/* Until both pipes are closed and the child is reaped: a child that
	 * closes its output and keeps running still meets the deadline. */
	while (open_fds > 0 || !reaped) {
		struct pollfd pfd[2] = {{.fd = outfd[0], .events = POLLIN},
					{.fd = split ? errfd[0] : -1, .events = POLLIN}};
		int wait_ms = -1;

		if (open_fds == 0) {
			pid_t w = waitpid(pid, &status, deadline ? WNOHANG : 0);
			if (w == pid || (w < 0 && errno != EINTR)) {
				reaped = 1;
				break;
			}
			wait_ms = 1;
		}
		if (deadline) {
			int64_t left = deadline - rig_now_ns();
			if (left <= 0) {
				kill(-pid, SIGKILL);
				res->timed_out = 1;
				break;
			}
			if (wait_ms < 0 || left / 1000000 + 1 < wait_ms)
				wait_ms = (int)(left / 1000000) + 1;
		}
		if (open_fds == 0) {
			poll(NULL, 0, wait_ms);
			continue;
		}
		if (poll(pfd, 2, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int k = 0; k < 2; k++) {
			if (pfd[k].fd < 0 || !pfd[k].revents)
				continue;
			if (!drain(pfd[k].fd, k ? &res->err : &res->out, cap, &res->truncated)) {
				if (k) {
					close(errfd[0]);
					errfd[0] = -1;
				} else {
					close(outfd[0]);
					outfd[0] = -1;
				}
				open_fds--;
			}
		}
	}
	if (outfd[0] >= 0)
		close(outfd[0]);
	if (split && errfd[0] >= 0)
		close(errfd[0]);
	if (!reaped)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	res->wall_ns = rig_now_ns() - start;
	if (!res->out.data)
		rig_buf_append(&res->out, "", 0);
	if (!res->err.data)
		rig_buf_append(&res->err, "", 0);
	if (WIFEXITED(status)) {
		res->exited = 1;
		res->status = WEXITSTATUS(status);
	} else {
		res->status = WIFSIGNALED(status) ? WTERMSIG(status) : -1;
	}
	return 0;
}

int rig_run_capture(char *const argv[], const char *dir, char *const env_add[], int timeout_ms,
		    struct rig_proc_result *res, struct rig_error *err)
{
	return run_capture(argv, dir, env_add, timeout_ms, 0, 0, res, err);
}

int rig_run_capture_split(char *const argv[], const char *dir, char *const env_add[],
			  int timeout_ms, size_t max_bytes, struct rig_proc_result *res,
			  struct rig_error *err)
{
	return run_capture(argv, dir, env_add, timeout_ms, 1, max_bytes, res, err);
}

void rig_proc_result_free(struct rig_proc_result *res)
{
	rig_buf_free(&res->out);
	rig_buf_free(&res->err);
}
