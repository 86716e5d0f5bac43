/* Report lines from a byte stream: see serial_lines.h. */
#include "serial_lines.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

static void on_line(void *ctx, enum rig_report_verdict v, const struct rig_report_line *line,
		    const char *text, size_t len)
{
	struct rig_lines *l = ctx;
	struct rig_lines_item *it;

	if (v != RIG_REPORT_LINE)
		return; /* counted by the parser; the bytes are in the log already */
	if (l->q_head + l->q_len == l->q_cap) {
		if (l->q_head) {
			memmove(l->queue, l->queue + l->q_head, l->q_len * sizeof(*l->queue));
			l->q_head = 0;
		} else {
			l->q_cap = l->q_cap ? l->q_cap * 2 : 16;
			l->queue = rig_xrealloc(l->queue, l->q_cap * sizeof(*l->queue));
		}
	}
	it = &l->queue[l->q_head + l->q_len++];
	it->line = *line;
	it->at_ns = l->chunk_ns;
}

void rig_lines_init(struct rig_lines *l, struct rig_transport *t)
{
	memset(l, 0, sizeof(*l));
	l->t = t;
	l->log_at_bol = 1;
	l->log_cap = RIG_LINES_LOG_BYTES;
	rig_report_parser_init(&l->parser, on_line, l);
}

/* Closes the log, with the note of what the cap dropped. */
static void log_close(struct rig_lines *l)
{
	if (!l->log)
		return;
	if (l->log_dropped)
		rig_lines_mark(l, "console log capped at %llu bytes: %llu bytes dropped",
			       l->log_cap, l->log_dropped);
	fclose(l->log);
	l->log = NULL;
	l->log_kept = l->log_dropped = 0;
}

void rig_lines_free(struct rig_lines *l)
{
	log_close(l);
	free(l->queue);
	l->queue = NULL;
	l->q_head = l->q_len = l->q_cap = 0;
}

int rig_lines_log_to(struct rig_lines *l, const char *path, struct rig_error *err)
{
	log_close(l);
	l->log_at_bol = 1;
	if (!path)
		return 0;
	l->log = fopen(path, "ae");
	if (!l->log)
		return rig_fail(err, RIG_ERR_IO, "console log %s: %s", path, strerror(errno));
	return 0;
}

void rig_lines_mark(struct rig_lines *l, const char *fmt, ...)
{
	va_list ap;

	if (!l->log)
		return;
	if (!l->log_at_bol)
		fputc('\n', l->log);
	fputs("## rig: ", l->log);
	va_start(ap, fmt);
	vfprintf(l->log, fmt, ap);
	va_end(ap);
	fputc('\n', l->log);
	fflush(l->log);
	l->log_at_bol = 1;
}

void rig_lines_feed(struct rig_lines *l, const char *data, size_t n, int64_t at_ns)
{
	if (!n)
		return;
	l->bytes += n;
	for (size_t i = 0; i < n; i++) {
		l->tail[l->tail_pos] = data[i];
		l->tail_pos = (l->tail_pos + 1) % sizeof(l->tail);
	}
	l->tail_len = l->tail_len + n > sizeof(l->tail) ? sizeof(l->tail) : l->tail_len + n;
	if (l->log) {
		size_t keep = l->log_kept >= l->log_cap	     ? 0
			      : l->log_cap - l->log_kept < n ? (size_t)(l->log_cap - l->log_kept)
							     : n;

		if (keep) {
			fwrite(data, 1, keep, l->log);
			fflush(l->log);
			l->log_at_bol = data[keep - 1] == '\n';
		}
		l->log_kept += keep;
		l->log_dropped += n - keep;
	}
	l->chunk_ns = at_ns;
	rig_report_parser_feed(&l->parser, data, n);
}

static int pop(struct rig_lines *l, struct rig_lines_item *out)
{
	if (!l->q_len)
		return 0;
	*out = l->queue[l->q_head++];
	if (--l->q_len == 0)
		l->q_head = 0;
	return 1;
}

int rig_lines_next(struct rig_lines *l, int64_t deadline_ns, struct rig_lines_item *out,
		   struct rig_error *err)
{
	char buf[1024];

	for (;;) {
		int64_t left_ns;
		ssize_t r;
		struct rig_error e = {0};

		if (pop(l, out))
			return 0;
		left_ns = deadline_ns - rig_now_ns();
		if (left_ns < 0)
			left_ns = 0;
		r = rig_transport_read(l->t, buf, sizeof(buf), (int)((left_ns + 999999) / 1000000),
				       &e);
		if (r > 0) {
			rig_lines_feed(l, buf, (size_t)r, rig_now_ns());
			continue;
		}
		if (r == RIG_ERR_TIMEOUT) {
			if (pop(l, out))
				return 0;
			return rig_fail(err, RIG_ERR_TIMEOUT, "%s: no report line in time",
					l->t->name);
		}
		/* End of stream: a last line without '\n' is parsed if it is a
		 * complete protocol line, else counted as cut. */
		rig_report_parser_cut(&l->parser, 1);
		if (pop(l, out))
			return 0;
		return rig_fail(err, RIG_ERR_IO, "%s", e.msg);
	}
}

size_t rig_lines_cut(struct rig_lines *l)
{
	size_t dropped = l->q_len;

	rig_report_parser_cut(&l->parser, 0);
	l->q_head = l->q_len = 0;
	return dropped;
}

int rig_lines_send(struct rig_lines *l, const char *line, int timeout_ms, struct rig_error *err)
{
	size_t n = strlen(line);
	char *msg = rig_xmalloc(n + 2);
	ssize_t w;

	memcpy(msg, line, n);
	msg[n] = '\n';
	rig_lines_mark(l, "sent \"%s\"", line);
	if (l->pace_us <= 0) {
		w = rig_transport_write(l->t, msg, n + 1, timeout_ms, err);
	} else {
		w = 0;
		for (size_t i = 0; i <= n && w >= 0; i++) {
			w = rig_transport_write(l->t, msg + i, 1, timeout_ms, err);
			nanosleep(&(struct timespec){.tv_nsec = l->pace_us * 1000L}, NULL);
		}
	}
	free(msg);
	return w < 0 ? (int)w : 0;
}

void rig_lines_drain(struct rig_lines *l)
{
	char buf[1024];

	for (;;) {
		ssize_t r = rig_transport_read(l->t, buf, sizeof(buf), 0, NULL);

		if (r <= 0)
			return;
		rig_lines_feed(l, buf, (size_t)r, rig_now_ns());
	}
}

void rig_lines_tail(const struct rig_lines *l, char *out, size_t cap)
{
	size_t n, start;

	if (!cap)
		return;
	n = l->tail_len < cap - 1 ? l->tail_len : cap - 1;
	start = (l->tail_pos + sizeof(l->tail) - n) % sizeof(l->tail);
	for (size_t i = 0; i < n; i++)
		out[i] = l->tail[(start + i) % sizeof(l->tail)];
	out[n] = '\0';
}
