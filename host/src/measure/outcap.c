/* Bounded capture of a program's output: see outcap.h. */
#include "outcap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

void rig_outcap_init(struct rig_outcap *c, const char *log_path)
{
	memset(c, 0, sizeof(*c));
	c->log_path = log_path;
	c->fd = -1;
}

static void write_log(struct rig_outcap *c, const char *p, size_t n)
{
	while (n && !c->write_error) {
		ssize_t w = write(c->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			c->write_error = w < 0 ? errno : EIO;
			break;
		}
		p += w, n -= (size_t)w;
	}
}

/* From memory to the file: the output outgrew RIG_OUTCAP_MEM_BYTES. */
static int spill(struct rig_outcap *c)
{
	c->fd = open(c->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (c->fd < 0) {
		c->write_error = errno;
		return -1;
	}
	write_log(c, c->mem, c->mem_len);
	free(c->mem);
	c->mem = NULL;
	c->mem_len = 0;
	return 0;
}

static void keep_tail(struct rig_outcap *c, const char *p, size_t n)
{
	size_t cap = sizeof(c->tail);

	if (n >= cap) {
		memcpy(c->tail, p + n - cap, cap);
		c->tail_len = cap;
		return;
	}
	if (c->tail_len + n > cap) {
		size_t drop = c->tail_len + n - cap;
		memmove(c->tail, c->tail + drop, c->tail_len - drop);
		c->tail_len -= drop;
	}
	memcpy(c->tail + c->tail_len, p, n);
	c->tail_len += n;
}

void rig_outcap_add(struct rig_outcap *c, const char *p, size_t n, int is_stderr)
{
	size_t room;

	c->total += n;
	if (is_stderr)
		keep_tail(c, p, n);
	if (!c->log_path)
		return;
	room = c->logged >= RIG_OUTCAP_LOG_BYTES ? 0 : (size_t)(RIG_OUTCAP_LOG_BYTES - c->logged);
	if (n > room) {
		c->dropped += n - room;
		n = room;
	}
	if (!n)
		return;
	if (c->fd < 0 && !c->write_error) {
		if (c->mem_len + n <= RIG_OUTCAP_MEM_BYTES) {
			if (!c->mem)
				c->mem = rig_xmalloc(RIG_OUTCAP_MEM_BYTES);
			memcpy(c->mem + c->mem_len, p, n);
			c->mem_len += n;
			c->logged += n;
			return;
		}
		if (spill(c))
			return;
	}
	if (c->fd >= 0) {
		write_log(c, p, n);
		c->logged += n;
	}
}

const char *rig_outcap_tail(const struct rig_outcap *c, size_t *len)
{
	*len = c->tail_len;
	return c->tail;
}

int rig_outcap_finish(struct rig_outcap *c, int keep_log)
{
	int have = 0;

	if (keep_log && c->log_path && c->fd < 0 && !c->write_error) {
		c->fd = open(c->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (c->fd >= 0)
			write_log(c, c->mem ? c->mem : "", c->mem_len);
	}
	free(c->mem);
	c->mem = NULL;
	if (c->fd >= 0) {
		if (keep_log && c->dropped) {
			char note[160];
			int n =
			    snprintf(note, sizeof(note),
				     "\n[rig: log capped at %llu MiB; %llu more bytes of output "
				     "were dropped]\n",
				     (unsigned long long)(RIG_OUTCAP_LOG_BYTES >> 20),
				     (unsigned long long)c->dropped);
			write_log(c, note, (size_t)n);
		}
		close(c->fd);
		c->fd = -1;
		have = keep_log;
		if (!keep_log)
			unlink(c->log_path);
	}
	return have;
}
