#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int level = RIG_LOG_INFO;

void rig_log_set_level(int l) { level = l; }

int rig_log_level(void) { return level; }

void rig_log_init(void)
{
	const char *s = getenv("RIG_DEBUG");

	if (s && *s >= '0' && *s <= '4')
		level = *s - '0';
}

void rig_log(int l, const char *func, const char *fmt, ...)
{
	static const char *const tag[] = {"error", "warning", "info", "debug", "trace"};
	va_list ap;

	if (l > level)
		return;
	if (level >= RIG_LOG_DEBUG)
		fprintf(stderr, "rig: %s: %s: ", tag[l], func);
	else if (l <= RIG_LOG_WARN)
		fprintf(stderr, "rig: %s: ", tag[l]);
	else
		fprintf(stderr, "rig: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
