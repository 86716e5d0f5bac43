#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int level = AGENT_LOG_WARN;

void agent_log_init(int verbose)
{
	const char *s = getenv("RIG_DEBUG");

	if (s && s[0] >= '0' && s[0] <= '3' && s[1] == '\0')
		level = s[0] - '0';
	if (verbose && level < AGENT_LOG_INFO)
		level = AGENT_LOG_INFO;
}

int agent_log_level(void) { return level; }

/* The length snprintf wrote into a buffer with room left, truncation included. */
static size_t written(int k, size_t room)
{
	return k < 0 ? 0 : (size_t)k >= room ? room - 1 : (size_t)k;
}

void agent_log_write(int l, const char *func, const char *fmt, ...)
{
	static const char *const tag[] = {"error", "warning", "info", "debug"};
	int saved = errno;
	char line[1024];
	const size_t cap = sizeof(line) - 1; /* room for the newline */
	size_t n;
	va_list ap;

	if (l > level || l < 0)
		return;
	if (level >= AGENT_LOG_DEBUG)
		n = written(
		    snprintf(line, cap, "rig-agent[%ld] %s %s: ", (long)getpid(), tag[l], func),
		    cap);
	else if (l <= AGENT_LOG_WARN)
		n = written(snprintf(line, cap, "rig-agent[%ld]: %s: ", (long)getpid(), tag[l]),
			    cap);
	else
		n = written(snprintf(line, cap, "rig-agent[%ld]: ", (long)getpid()), cap);
	va_start(ap, fmt);
	n += written(vsnprintf(line + n, cap - n, fmt, ap), cap - n);
	va_end(ap);
	line[n++] = '\n';
	/* one write per line, so the lines of concurrent sessions do not interleave */
	(void)!write(2, line, n);
	errno = saved;
}
