/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one error contract of libftx: functions return -1 (or NULL) with errno
 * set, and leave a one-line human reason behind with ftx_error_set(). The tool
 * prints "ftx <command>: <reason>". Warnings that do not fail the call go
 * through the log hook; the library never prints on its own.
 */
#ifndef FTX_ERROR_H
#define FTX_ERROR_H

#include <stdarg.h>

/* room for a PATH_MAX path and the reason */
#define FTX_ERROR_MAX 8192

/**
 * ftx_error_set - record the reason for the current failure
 * @fmt: printf-style text, no trailing newline
 *
 * Keeps errno unchanged, so it can be called right before "return -1".
 * Control characters and bytes from 0x7f up are escaped (\n, \xNN): one
 * printable ASCII line.
 */
void ftx_error_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * ftx_error_escape - escape @buf in place as ftx_error_set() does
 * @buf: NUL-terminated text, cut to fit @size if escaping makes it longer
 * @size: the size of @buf
 */
void ftx_error_escape(char *buf, size_t size);

/**
 * ftx_error_prefix - prepend context ("cannot enable sched:foo: ") to the
 * reason already recorded; keeps errno.
 */
void ftx_error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/**
 * ftx_error - the last reason recorded in this thread
 *
 * Returns a borrowed string; if nothing was recorded, strerror(errno).
 */
const char *ftx_error(void);

/** ftx_error_clear - forget the last reason */
void ftx_error_clear(void);

enum ftx_log_level {
	FTX_LOG_ERROR,
	FTX_LOG_WARN,
	FTX_LOG_INFO,
	FTX_LOG_DEBUG,
};

typedef void (*ftx_log_fn)(enum ftx_log_level level, const char *msg);

/**
 * ftx_log_set_hook - where library messages go; NULL drops them (default)
 * @fn: receives each message without trailing newline
 */
void ftx_log_set_hook(ftx_log_fn fn);

void ftx_log(enum ftx_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define ftx_warn(...)	ftx_log(FTX_LOG_WARN, __VA_ARGS__)
#define ftx_info(...)	ftx_log(FTX_LOG_INFO, __VA_ARGS__)
#define ftx_debug(...)	ftx_log(FTX_LOG_DEBUG, __VA_ARGS__)

#endif /* FTX_ERROR_H */
