/*
 * Logging to stderr. Level from --verbose/--quiet or RIG_DEBUG (0..4).
 * Never writes to stdout: stdout is for data.
 */
#ifndef RIG_LOG_H
#define RIG_LOG_H

enum rig_log_level {
	RIG_LOG_ERROR = 0,
	RIG_LOG_WARN = 1,
	RIG_LOG_INFO = 2,
	RIG_LOG_DEBUG = 3,
	RIG_LOG_TRACE = 4,
};

void rig_log_set_level(int level);
int rig_log_level(void);
/* Reads RIG_DEBUG once; call from main. */
void rig_log_init(void);
void rig_log(int level, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define rig_err(...)                                                                               \
	do {                                                                                       \
		rig_log(RIG_LOG_ERROR, __func__, __VA_ARGS__);                                     \
	} while (0)
#define rig_warn(...)                                                                              \
	do {                                                                                       \
		rig_log(RIG_LOG_WARN, __func__, __VA_ARGS__);                                      \
	} while (0)
#define rig_info(...)                                                                              \
	do {                                                                                       \
		if (rig_log_level() >= RIG_LOG_INFO)                                               \
			rig_log(RIG_LOG_INFO, __func__, __VA_ARGS__);                              \
	} while (0)
#define rig_dbg(...)                                                                               \
	do {                                                                                       \
		if (rig_log_level() >= RIG_LOG_DEBUG)                                              \
			rig_log(RIG_LOG_DEBUG, __func__, __VA_ARGS__);                             \
	} while (0)

#endif
