#include "error.h"

#include <stdarg.h>
#include <stdio.h>

static const struct {
	const char *name;
	const char *msg;
} errors[] = {
    {"RIG_OK", "success"},
    {"RIG_ERR_IO", "input/output error"},
    {"RIG_ERR_INVALID", "invalid argument"},
    {"RIG_ERR_PARSE", "parse error"},
    {"RIG_ERR_NOT_FOUND", "not found"},
    {"RIG_ERR_NOT_SUPPORTED", "not supported"},
    {"RIG_ERR_TIMEOUT", "timed out"},
    {"RIG_ERR_NO_MEM", "out of memory"},
    {"RIG_ERR_BUILD", "build failed"},
    {"RIG_ERR_CRASH", "program crashed or failed"},
    {"RIG_ERR_PROTOCOL", "protocol error"},
    {"RIG_ERR_AUTH", "authentication failed"},
    {"RIG_ERR_STORE", "store error"},
    {"RIG_ERR_SKIPPED", "skipped"},
    {"RIG_ERR_INTERRUPTED", "interrupted"},
    {"RIG_ERR_FENCED", "the board's lease was lost (fencing token no longer current)"},
    {"RIG_ERR_BUSY", "the board is leased by another worker"},
    {"RIG_ERR_STORE_LOST", "the store's server cannot be reached: try again"},
};

_Static_assert(sizeof(errors) / sizeof(errors[0]) == RIG_ERR_COUNT_,
	       "errors[] must have one entry per enum rig_err code");

const char *rig_err_name(int code)
{
	if (code > 0 || -code >= RIG_ERR_COUNT_)
		return "RIG_ERR_UNKNOWN";
	return errors[-code].name;
}

const char *rig_strerror(int code)
{
	if (code > 0 || -code >= RIG_ERR_COUNT_)
		return "unknown error";
	return errors[-code].msg;
}

int rig_fail(struct rig_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}
