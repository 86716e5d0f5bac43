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

int rig_run_capture(char *const argv[], const char *dir, char *const env_add[], int timeout_ms,
		    struct rig_proc_result *res, struct rig_error *err)
{
	int pipefd[2], execfd[2];
	int64_t start, deadline;
	pid_t pid;
	int status, e = 0;
	ssize_t n;

	memset(res, 0, sizeof(*res));
	if (pipe2(pipefd, O_CLOEXEC) || pipe2(execfd, O_CLOEXEC))
		return rig_fail(err, RIG_ERR_IO, "pipe: %s", strerror(errno));
	start = rig_now_ns();
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		close(execfd[0]);
		close(execfd[1]);
		return rig_fail(err, RIG_ERR_IO, "fork: %s", strerror(e));
	}
	if (pid == 0) {
		setpgid(0, 0);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
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
	close(pipefd[1]);
	close(execfd[1]);
	n = read(execfd[0], &e, sizeof(e));
	close(execfd[0]);
	if (n == (ssize_t)sizeof(e)) {
		close(pipefd[0]);
		waitpid(pid, &status, 0);
		return rig_fail(err, e == ENOENT ? RIG_ERR_NOT_FOUND : RIG_ERR_IO, "%s: %s%s%s",
				argv[0], strerror(e), dir ? " in " : "", dir ? dir : "");
	}
	deadline = timeout_ms > 0 ? start + (int64_t)timeout_ms * 1000000 : 0;
	for (;;) {
		char tmp[4096];
		struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
		int wait_ms = -1;

		if (deadline) {
			int64_t left = deadline - rig_now_ns();
			if (left <= 0) {
				kill(-pid, SIGKILL);
				res->timed_out = 1;
				break;
			}
			wait_ms = (int)(left / 1000000) + 1;
		}
		if (poll(&pfd, 1, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!pfd.revents)
			continue;
		n = read(pipefd[0], tmp, sizeof(tmp));
		if (n <= 0)
			break;
		rig_buf_append(&res->out, tmp, (size_t)n);
	}
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	res->wall_ns = rig_now_ns() - start;
	if (!res->out.data)
		rig_buf_append(&res->out, "", 0);
	if (WIFEXITED(status)) {
		res->exited = 1;
		res->status = WEXITSTATUS(status);
	} else {
		res->status = WIFSIGNALED(status) ? WTERMSIG(status) : -1;
	}
	return 0;
}

void rig_proc_result_free(struct rig_proc_result *res) { rig_buf_free(&res->out); }
