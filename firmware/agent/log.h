/*
 * rig-agent's log: one line per event on stderr (the journal, under
 * systemd), "rig-agent[PID]: message", or with the level and function at
 * debug level, "rig-agent[PID] debug session_auth: message". The PID tells
 * the per-connection processes apart. Never writes to stdout or to the
 * session's stream.
 *
 * Level: warnings and errors by default, info with --verbose (what each
 * session did: authenticated, stored, errors answered), or RIG_DEBUG=0..3
 * in the environment (the host's variable; 3 adds debug lines).
 * agent_log_init() is called once from main before any fork; after that the
 * level is read-only, so forked sessions share it.
 */
#ifndef RIG_AGENT_LOG_H
#define RIG_AGENT_LOG_H

enum agent_log_level {
	AGENT_LOG_ERROR = 0,
	AGENT_LOG_WARN = 1,
	AGENT_LOG_INFO = 2,
	AGENT_LOG_DEBUG = 3,
};

/* Sets the level from RIG_DEBUG (when it is a digit 0..3), then raises it to
 * at least AGENT_LOG_INFO when verbose is non-zero. */
void agent_log_init(int verbose);
/* The current level. */
int agent_log_level(void);
/* Writes one line when level <= the current level. Does not block beyond
 * the write to stderr; keeps errno. */
void agent_log_write(int level, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define agent_log_at_(level, ...)                                                                  \
	do {                                                                                       \
		if ((level) <= agent_log_level())                                                  \
			agent_log_write((level), __func__, __VA_ARGS__);                           \
	} while (0)
#define agent_err(...) agent_log_at_(AGENT_LOG_ERROR, __VA_ARGS__)
#define agent_warn(...) agent_log_at_(AGENT_LOG_WARN, __VA_ARGS__)
#define agent_info(...) agent_log_at_(AGENT_LOG_INFO, __VA_ARGS__)
#define agent_dbg(...) agent_log_at_(AGENT_LOG_DEBUG, __VA_ARGS__)

#endif
