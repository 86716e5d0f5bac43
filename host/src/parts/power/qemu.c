/* A QEMU process and its QMP monitor: see qemu.h. */
#include "qemu.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "transport_serial.h"

#define CONSOLE_ID "rigcon"

struct rig_qemu {
	pid_t pid;
	int reaped, status;
	struct rig_transport *qmp;
	struct rig_transport *console;
	struct rig_buf qmp_in; /* bytes read from QMP, not yet a whole line */
	char dir[512];
	char log[4200], qmp_sock[600], console_sock[600];
};

static void sleep_ms(int ms)
{
	nanosleep(&(struct timespec){.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L}, NULL);
}

static int decode_status(int ws)
{
	if (WIFEXITED(ws))
		return WEXITSTATUS(ws);
	if (WIFSIGNALED(ws))
		return 128 + WTERMSIG(ws);
	return -1;
}

int rig_qemu_alive(struct rig_qemu *q, int *status)
{
	int ws;

	if (!q->reaped && q->pid > 0) {
		pid_t r = waitpid(q->pid, &ws, WNOHANG);

		if (r == q->pid || (r < 0 && errno == ECHILD)) {
			q->reaped = 1;
			q->status = r == q->pid ? decode_status(ws) : -1;
		}
	}
	if (q->reaped && status)
		*status = q->status;
	return !q->reaped;
}

int rig_qemu_wait(struct rig_qemu *q, int timeout_ms, int *status, struct rig_error *err)
{
	int64_t deadline = rig_now_ns() + (int64_t)timeout_ms * 1000000;

	while (rig_qemu_alive(q, status)) {
		if (rig_now_ns() >= deadline)
			return rig_fail(err, RIG_ERR_TIMEOUT,
					"QEMU (pid %d) still running after %d ms", (int)q->pid,
					timeout_ms);
		sleep_ms(2);
	}
	return 0;
}

int rig_qemu_pid(const struct rig_qemu *q) { return (int)q->pid; }

struct rig_transport *rig_qemu_console(struct rig_qemu *q) { return q->console; }

void rig_qemu_log_tail(const struct rig_qemu *q, char *out, size_t cap)
{
	char *text = NULL;
	size_t len = 0;

	if (!cap)
		return;
	out[0] = '\0';
	if (rig_read_file(q->log, &text, &len, NULL))
		return;
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (len >= cap)
		snprintf(out, cap, "%s", text + len - (cap - 1));
	else
		snprintf(out, cap, "%.*s", (int)len, text);
	free(text);
}

/* ---- QMP replies ---- */

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return s;
}

/* Copies the JSON string value after `"key": ` found in s[0..), unescaping
 * only \" and \\ (enough for QEMU's error text and paths). */
static int json_str_after(const char *s, const char *key, char *out, size_t cap)
{
	char pat[64];
	const char *p;
	size_t n = 0;

	snprintf(pat, sizeof(pat), "\"%s\"", key);
	p = strstr(s, pat);
	if (!p)
		return 0;
	p = skip_ws(p + strlen(pat));
	if (*p != ':')
		return 0;
	p = skip_ws(p + 1);
	if (*p != '"')
		return 0;
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		if (n + 1 < cap)
			out[n++] = *p;
	}
	if (cap)
		out[n < cap ? n : cap - 1] = '\0';
	return *p == '"';
}

int rig_qmp_classify(const char *line, char *msg, size_t msg_cap)
{
	const char *p = skip_ws(line);
	char cls[64] = "", desc[384] = "";

	if (*p != '{')
		return 0;
	p = skip_ws(p + 1);
	if (strncmp(p, "\"return\"", 8) == 0)
		return 1;
	if (strncmp(p, "\"QMP\"", 5) == 0)
		return 3;
	if (strncmp(p, "\"error\"", 7) == 0) {
		json_str_after(p, "class", cls, sizeof(cls));
		json_str_after(p, "desc", desc, sizeof(desc));
		if (msg && msg_cap)
			snprintf(msg, msg_cap, "%s: %s", cls[0] ? cls : "error",
				 desc[0] ? desc : "(no description)");
		return 2;
	}
	return 0;
}

int rig_qmp_chardev_pty(const char *reply, const char *label, char *out, size_t cap)
{
	char fname[512];
	const char *p = reply;

	/* query-chardev returns flat objects {"frontend-open":..,"filename":..,
	 * "label":..} in any key order: look at each object on its own. */
	while ((p = strchr(p, '{'))) {
		const char *end = strpbrk(p + 1, "{}");
		char obj[1024], lbl[160];
		size_t n;

		if (!end)
			break;
		if (*end == '{') { /* not innermost: move to the nested object */
			p = end;
			continue;
		}
		n = (size_t)(end - p);
		p = end;
		if (n >= sizeof(obj))
			continue;
		memcpy(obj, p - n, n);
		obj[n] = '\0';
		if (json_str_after(obj, "label", lbl, sizeof(lbl)) && strcmp(lbl, label) == 0 &&
		    json_str_after(obj, "filename", fname, sizeof(fname)) &&
		    strncmp(fname, "pty:", 4) == 0 && fname[4]) {
			snprintf(out, cap, "%s", fname + 4);
			return 0;
		}
	}
	return RIG_ERR_NOT_FOUND;
}

/* One line from QMP into *line (owned). */
static int qmp_read_line(struct rig_qemu *q, int64_t deadline, char **line, struct rig_error *err)
{
	for (;;) {
		char *nl = q->qmp_in.len ? memchr(q->qmp_in.data, '\n', q->qmp_in.len) : NULL;
		char tmp[4096];
		int64_t left_ms;
		ssize_t r;

		if (nl) {
			size_t n = (size_t)(nl - q->qmp_in.data) + 1;

			*line = rig_xmalloc(n + 1);
			memcpy(*line, q->qmp_in.data, n);
			(*line)[n] = '\0';
			memmove(q->qmp_in.data, q->qmp_in.data + n, q->qmp_in.len - n);
			q->qmp_in.len -= n;
			q->qmp_in.data[q->qmp_in.len] = '\0';
			return 0;
		}
		left_ms = (deadline - rig_now_ns()) / 1000000;
		if (left_ms < 0)
			left_ms = 0;
		r = rig_transport_read(q->qmp, tmp, sizeof(tmp), (int)left_ms, err);
		if (r < 0)
			return (int)r;
		rig_buf_append(&q->qmp_in, tmp, (size_t)r);
	}
}

int rig_qemu_qmp(struct rig_qemu *q, const char *execute, const char *arguments_json, char **reply,
		 int timeout_ms, struct rig_error *err)
{
	int64_t deadline = rig_now_ns() + (int64_t)timeout_ms * 1000000;
	char *cmd, msg[448];
	int rc;

	if (reply)
		*reply = NULL;
	if (!q->qmp)
		return rig_fail(err, RIG_ERR_IO, "QMP is not connected");
	cmd = arguments_json ? rig_xasprintf("{\"execute\":\"%s\",\"arguments\":%s}\n", execute,
					     arguments_json)
			     : rig_xasprintf("{\"execute\":\"%s\"}\n", execute);
	rc = (int)rig_transport_write(q->qmp, cmd, strlen(cmd), timeout_ms, err);
	free(cmd);
	if (rc < 0)
		return rc;
	for (;;) {
		char *line = NULL;
		int kind;

		if ((rc = qmp_read_line(q, deadline, &line, err))) {
			if (rc == RIG_ERR_TIMEOUT)
				rig_fail(err, rc, "QMP %s: no reply within %d ms", execute,
					 timeout_ms);
			else if (rc == RIG_ERR_IO)
				rig_fail(err, rc, "QMP %s: monitor closed (QEMU exited?)", execute);
			return rc;
		}
		kind = rig_qmp_classify(line, msg, sizeof(msg));
		if (kind == 1) {
			if (reply)
				*reply = line;
			else
				free(line);
			return 0;
		}
		free(line);
		if (kind == 2)
			return rig_fail(err, RIG_ERR_PROTOCOL, "QMP %s: %s", execute, msg);
		/* events ("timestamp"/"event") and anything else: keep reading */
	}
}

int rig_qemu_cont(struct rig_qemu *q, struct rig_error *err)
{
	return rig_qemu_qmp(q, "cont", NULL, NULL, 5000, err);
}

int rig_qemu_system_reset(struct rig_qemu *q, struct rig_error *err)
{
	return rig_qemu_qmp(q, "system_reset", NULL, NULL, 5000, err);
}

/* ---- start and stop ---- */

static void build_argv(const struct rig_qemu_config *cfg, const struct rig_qemu *q,
		       struct rig_strv *av)
{
	for (size_t i = 0; i < cfg->argv->n; i++)
		rig_strv_push(av, cfg->argv->v[i]);
	rig_strv_push(av, "-qmp");
	rig_strv_pushf(av, "unix:%s,server=on,wait=off", q->qmp_sock);
	if (cfg->paused || cfg->console == RIG_QEMU_CONSOLE_PTY)
		rig_strv_push(av, "-S");
	if (cfg->console == RIG_QEMU_CONSOLE_NONE)
		return;
	rig_strv_push(av, "-chardev");
	if (cfg->console == RIG_QEMU_CONSOLE_SOCKET)
		rig_strv_pushf(av, "socket,id=" CONSOLE_ID ",path=%s,server=on,wait=on%s%s",
			       q->console_sock, cfg->console_logfile ? ",logfile=" : "",
			       cfg->console_logfile ? cfg->console_logfile : "");
	else
		rig_strv_pushf(av, "pty,id=" CONSOLE_ID "%s%s",
			       cfg->console_logfile ? ",logfile=" : "",
			       cfg->console_logfile ? cfg->console_logfile : "");
	rig_strv_push(av, "-serial");
	rig_strv_push(av, "chardev:" CONSOLE_ID);
}

static int spawn(struct rig_qemu *q, struct rig_strv *av, struct rig_error *err)
{
	char path[4096];
	pid_t parent = getpid();
	int logfd;

	if (!rig_which(av->v[0], path, sizeof(path)))
		return rig_fail(err, RIG_ERR_NOT_FOUND,
				"%s is not installed (apt-get install qemu-system-arm)", av->v[0]);
	logfd = open(q->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0)
		return rig_fail(err, RIG_ERR_IO, "%s: %s", q->log, strerror(errno));
	q->pid = fork();
	if (q->pid < 0) {
		close(logfd);
		return rig_fail(err, RIG_ERR_IO, "fork: %s", strerror(errno));
	}
	if (q->pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		/* An emulator must not outlive the rig that drives it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		execv(path, av->v);
		dprintf(2, "exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(logfd);
	return 0;
}

/* Connects to a unix socket QEMU serves, giving up early if QEMU exits. */
static int connect_while_alive(struct rig_qemu *q, const char *path, int64_t deadline,
			       struct rig_transport **out, struct rig_error *err)
{
	for (;;) {
		struct rig_error e = {0};
		int st = 0;

		if (rig_transport_connect(path, 0, out, &e) == 0)
			return 0;
		if (!rig_qemu_alive(q, &st)) {
			char tail[400];

			rig_qemu_log_tail(q, tail, sizeof(tail));
			return rig_fail(err, RIG_ERR_CRASH,
					"QEMU exited with status %d during start-up: %s", st,
					tail[0] ? tail : "(no output)");
		}
		if (rig_now_ns() >= deadline)
			return rig_fail(err, RIG_ERR_TIMEOUT, "QEMU did not open %s in time: %s",
					path, e.msg);
		sleep_ms(2);
	}
}

static int qmp_handshake(struct rig_qemu *q, int64_t deadline, struct rig_error *err)
{
	struct rig_error e = {0};
	char *line = NULL;
	int rc, kind;

	if ((rc = qmp_read_line(q, deadline, &line, &e)))
		return rig_fail(err, rc, "QMP greeting: %s", e.msg);
	kind = rig_qmp_classify(line, NULL, 0);
	free(line);
	if (kind != 3)
		return rig_fail(err, RIG_ERR_PROTOCOL, "QMP: expected the {\"QMP\": ...} greeting");
	return rig_qemu_qmp(q, "qmp_capabilities", NULL, NULL,
			    (int)((deadline - rig_now_ns()) / 1000000), err);
}

static int open_pty_console(struct rig_qemu *q, const struct rig_qemu_config *cfg,
			    struct rig_error *err)
{
	char *reply = NULL, pty[256];
	int rc = rig_qemu_qmp(q, "query-chardev", NULL, &reply, cfg->timeout_ms, err);

	if (rc)
		return rc;
	rc = rig_qmp_chardev_pty(reply, CONSOLE_ID, pty, sizeof(pty));
	free(reply);
	if (rc)
		return rig_fail(err, RIG_ERR_PROTOCOL, "QMP query-chardev lists no pty for '%s'",
				CONSOLE_ID);
	return rig_transport_tty_open(pty, 0, &q->console, err);
}

int rig_qemu_start(const struct rig_qemu_config *cfg, struct rig_qemu **out, struct rig_error *err)
{
	struct rig_qemu *q = rig_xcalloc(1, sizeof(*q));
	struct rig_strv av = {0};
	int64_t deadline = rig_now_ns() + (int64_t)cfg->timeout_ms * 1000000;
	int rc;

	*out = NULL;
	if (!cfg->argv || cfg->argv->n == 0) {
		free(q);
		return rig_fail(err, RIG_ERR_INVALID, "QEMU: empty command line");
	}
	snprintf(q->dir, sizeof(q->dir), "%s", cfg->dir);
	if ((cfg->log_path ? rig_snprintf(q->log, sizeof(q->log), "%s", cfg->log_path)
			   : rig_snprintf(q->log, sizeof(q->log), "%s/qemu.log", cfg->dir)) ||
	    rig_snprintf(q->qmp_sock, sizeof(q->qmp_sock), "%s/qmp.sock", cfg->dir) ||
	    rig_snprintf(q->console_sock, sizeof(q->console_sock), "%s/console.sock", cfg->dir) ||
	    strlen(q->console_sock) >= 108) {
		free(q);
		return rig_fail(
		    err, RIG_ERR_INVALID,
		    "QEMU work directory path too long for a unix socket (max ~90 bytes): %s",
		    cfg->dir);
	}
	unlink(q->qmp_sock);
	unlink(q->console_sock);
	build_argv(cfg, q, &av);
	if (rig_log_level() >= RIG_LOG_DEBUG) {
		char *s = rig_strv_join_quoted(&av);

		rig_dbg("starting %s", s);
		free(s);
	}
	rc = spawn(q, &av, err);
	rig_strv_free(&av);
	if (rc) {
		free(q);
		return rc;
	}
	/* With wait=on QEMU serves the console socket before anything else and
	 * blocks until we connect: connect it first, then QMP. */
	if (cfg->console == RIG_QEMU_CONSOLE_SOCKET &&
	    (rc = connect_while_alive(q, q->console_sock, deadline, &q->console, err)))
		goto fail;
	if ((rc = connect_while_alive(q, q->qmp_sock, deadline, &q->qmp, err)) ||
	    (rc = qmp_handshake(q, deadline, err)))
		goto fail;
	if (cfg->console == RIG_QEMU_CONSOLE_PTY) {
		if ((rc = open_pty_console(q, cfg, err)))
			goto fail;
		if (!cfg->paused && (rc = rig_qemu_cont(q, err)))
			goto fail;
	}
	*out = q;
	return 0;
fail:
	rig_qemu_free(q);
	return rc;
}

void rig_qemu_stop(struct rig_qemu *q, int timeout_ms, int *status)
{
	if (!q)
		return;
	if (rig_qemu_alive(q, NULL)) {
		if (q->qmp)
			rig_qemu_qmp(q, "quit", NULL, NULL, timeout_ms / 2, NULL);
		if (rig_qemu_wait(q, timeout_ms / 2, NULL, NULL)) {
			kill(-q->pid, SIGTERM);
			if (rig_qemu_wait(q, timeout_ms / 4 + 1, NULL, NULL)) {
				int ws;

				kill(-q->pid, SIGKILL);
				if (waitpid(q->pid, &ws, 0) == q->pid) {
					q->reaped = 1;
					q->status = -1;
				}
			}
		}
	}
	rig_transport_close(q->qmp);
	q->qmp = NULL;
	rig_transport_close(q->console);
	q->console = NULL;
	unlink(q->qmp_sock);
	unlink(q->console_sock);
	if (status)
		*status = q->reaped ? q->status : -1;
}

void rig_qemu_free(struct rig_qemu *q)
{
	if (!q)
		return;
	rig_qemu_stop(q, 2000, NULL);
	rig_buf_free(&q->qmp_in);
	free(q);
}
