#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

void *rig_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

void *rig_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		abort();
	return p;
}

void *rig_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

char *rig_xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		abort();
	return p;
}

char *rig_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		abort();
	va_end(ap);
	return p;
}

int rig_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return (n < 0 || (size_t)n >= cap) ? RIG_ERR_INVALID : 0;
}

void rig_strv_push(struct rig_strv *sv, const char *s)
{
	if (sv->n + 2 > sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 8;
		sv->v = rig_xrealloc(sv->v, sv->cap * sizeof(char *));
	}
	sv->v[sv->n++] = rig_xstrdup(s);
	sv->v[sv->n] = NULL;
}

void rig_strv_pushf(struct rig_strv *sv, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		abort();
	va_end(ap);
	rig_strv_push(sv, p);
	free(p);
}

void rig_strv_free(struct rig_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
}

int rig_strv_has(const struct rig_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return 1;
	return 0;
}

char *rig_strv_join_quoted(const struct rig_strv *sv)
{
	struct rig_buf b = {0};

	for (size_t i = 0; i < sv->n; i++) {
		const char *s = sv->v[i];
		int plain = *s != '\0';

		for (const char *p = s; *p; p++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				    "-_./=:,+@%",
				    *p))
				plain = 0;
		if (i)
			rig_buf_append(&b, " ", 1);
		if (plain) {
			rig_buf_append(&b, s, strlen(s));
			continue;
		}
		rig_buf_append(&b, "'", 1);
		for (const char *p = s; *p; p++) {
			if (*p == '\'')
				rig_buf_append(&b, "'\\''", 4);
			else
				rig_buf_append(&b, p, 1);
		}
		rig_buf_append(&b, "'", 1);
	}
	if (!b.data)
		return rig_xstrdup("");
	return b.data;
}

void rig_kv_set(struct rig_kvlist *l, const char *key, const char *value)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].key, key) == 0) {
			free(l->v[i].value);
			l->v[i].value = rig_xstrdup(value);
			return;
		}
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = rig_xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n].key = rig_xstrdup(key);
	l->v[l->n].value = rig_xstrdup(value);
	l->n++;
}

void rig_kv_setf(struct rig_kvlist *l, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		abort();
	va_end(ap);
	rig_kv_set(l, key, p);
	free(p);
}

const char *rig_kv_get(const struct rig_kvlist *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].key, key) == 0)
			return l->v[i].value;
	return NULL;
}

void rig_kv_free(struct rig_kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].value);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void rig_buf_append(struct rig_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = rig_xrealloc(b->data, cap);
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void rig_buf_appendf(struct rig_buf *b, const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	rig_buf_append(b, p, (size_t)n);
	free(p);
}

void rig_buf_free(struct rig_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

int64_t rig_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t rig_wall_s(void) { return (int64_t)time(NULL); }

int rig_mkdirs(const char *path, struct rig_error *err)
{
	char tmp[PATH_MAX];

	if (rig_snprintf(tmp, sizeof(tmp), "%s", path))
		return rig_fail(err, RIG_ERR_INVALID, "path too long: %s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return rig_fail(err, RIG_ERR_IO, "mkdir %s: %s", tmp, strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, 0755) && errno != EEXIST)
		return rig_fail(err, RIG_ERR_IO, "mkdir %s: %s", tmp, strerror(errno));
	return 0;
}

int rig_read_file(const char *path, char **out, size_t *len, struct rig_error *err)
{
	struct rig_buf b = {0};
	char tmp[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return rig_fail(err, errno == ENOENT ? RIG_ERR_NOT_FOUND : RIG_ERR_IO, "%s: %s",
				path, strerror(errno));
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		rig_buf_append(&b, tmp, (size_t)n);
	if (n < 0) {
		int e = errno;
		close(fd);
		rig_buf_free(&b);
		return rig_fail(err, RIG_ERR_IO, "%s: read: %s", path, strerror(e));
	}
	close(fd);
	if (!b.data)
		rig_buf_append(&b, "", 0);
	*out = b.data;
	if (len)
		*len = b.len;
	return 0;
}

int rig_write_file(const char *path, const void *data, size_t len, struct rig_error *err)
{
	char tmp[PATH_MAX];
	int fd;

	if (rig_snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()))
		return rig_fail(err, RIG_ERR_INVALID, "path too long: %s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return rig_fail(err, RIG_ERR_IO, "%s: %s", tmp, strerror(errno));
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, (const char *)data + off, len - off);
		if (n < 0) {
			int e = errno;
			close(fd);
			unlink(tmp);
			return rig_fail(err, RIG_ERR_IO, "%s: write: %s", tmp, strerror(e));
		}
		off += (size_t)n;
	}
	if (close(fd) || rename(tmp, path)) {
		int e = errno;
		unlink(tmp);
		return rig_fail(err, RIG_ERR_IO, "%s: %s", path, strerror(e));
	}
	return 0;
}

int rig_file_exists(const char *path) { return access(path, F_OK) == 0; }

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

void rig_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

int rig_sha256_file(const char *path, char out[65], struct rig_error *err)
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	unsigned char tmp[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return rig_fail(err, errno == ENOENT ? RIG_ERR_NOT_FOUND : RIG_ERR_IO, "%s: %s",
				path, strerror(errno));
	crypto_hash_sha256_init(&st);
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		crypto_hash_sha256_update(&st, tmp, (unsigned long long)n);
	close(fd);
	if (n < 0)
		return rig_fail(err, RIG_ERR_IO, "%s: read: %s", path, strerror(errno));
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, 65, h, sizeof(h));
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

int rig_parse_duration_ms(const char *s, long long *out)
{
	char num[32], *end;
	size_t n;
	double v;

	if (!s)
		return RIG_ERR_INVALID;
	/* plain decimal digits only: no sign, exponent, hex, inf or nan
	 * (fuzz_units found "nan" slipping through strtod) */
	n = strspn(s, "0123456789.");
	if (n == 0 || n >= sizeof(num))
		return RIG_ERR_INVALID;
	memcpy(num, s, n);
	num[n] = '\0';
	errno = 0;
	v = strtod(num, &end);
	if (errno || *end != '\0')
		return RIG_ERR_INVALID;
	end = (char *)s + n;
	if (*end == '\0' || strcmp(end, "ms") == 0)
		;
	else if (strcmp(end, "s") == 0)
		v *= 1000;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		v *= 60000;
	else if (strcmp(end, "us") == 0)
		v /= 1000;
	else
		return RIG_ERR_INVALID;
	if (v > 1e12)
		return RIG_ERR_INVALID;
	*out = (long long)(v + 0.5);
	return 0;
}

int rig_parse_count(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v, mul = 1;

	if (!s || !*s)
		return RIG_ERR_INVALID;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s)
		return RIG_ERR_INVALID;
	if (*end == 'k' || *end == 'K')
		mul = 1000, end++;
	else if (*end == 'M')
		mul = 1000000, end++;
	if (*end != '\0')
		return RIG_ERR_INVALID;
	if (v > LLONG_MAX / mul || v < LLONG_MIN / mul)
		return RIG_ERR_INVALID;
	v *= mul;
	if (v < min || v > max)
		return RIG_ERR_INVALID;
	*out = v;
	return 0;
}
