// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ftx/error.h"

static __thread char err_buf[FTX_ERROR_MAX];
static ftx_log_fn log_hook;

/*
 * Messages quote file contents and user text: control bytes (a newline, an
 * ESC sequence) and bytes from 0x7f up (raw file bytes, C1 controls, text in
 * an unknown encoding: as git quotes paths) become \n, \t or \xNN, so a
 * message stays one printable ASCII line.
 */
void ftx_error_escape(char *buf, size_t size)
{
	char tmp[FTX_ERROR_MAX];
	size_t i, o = 0;
	bool any = false;

	for (i = 0; buf[i]; i++)
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] >= 0x7f)
			any = true;
	if (!any)
		return;
	for (i = 0; buf[i] && o + 5 < sizeof(tmp); i++) {
		unsigned char c = buf[i];

		if (c == '\n')
			o += sprintf(tmp + o, "\\n");
		else if (c == '\t')
			o += sprintf(tmp + o, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			o += sprintf(tmp + o, "\\x%02x", c);
		else
			tmp[o++] = c;
	}
	tmp[o] = 0;
	snprintf(buf, size, "%s", tmp);
}

void ftx_error_set(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err_buf, sizeof(err_buf), fmt, ap);
	va_end(ap);
	ftx_error_escape(err_buf, sizeof(err_buf));
	errno = saved;
}

void ftx_error_prefix(const char *fmt, ...)
{
	char buf[2 * FTX_ERROR_MAX];
	int saved = errno;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, FTX_ERROR_MAX, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	else if (n >= FTX_ERROR_MAX)
		n = FTX_ERROR_MAX - 1;
	snprintf(buf + n, sizeof(buf) - n, "%s", ftx_error());
	buf[FTX_ERROR_MAX - 1] = '\0';
	memcpy(err_buf, buf, FTX_ERROR_MAX);
	ftx_error_escape(err_buf, sizeof(err_buf));
	errno = saved;
}

const char *ftx_error(void)
{
	if (!err_buf[0])
		return strerror(errno);
	return err_buf;
}

void ftx_error_clear(void)
{
	err_buf[0] = '\0';
}

void ftx_log_set_hook(ftx_log_fn fn)
{
	log_hook = fn;
}

void ftx_log(enum ftx_log_level level, const char *fmt, ...)
{
	char msg[FTX_ERROR_MAX];
	int saved = errno;
	va_list ap;

	if (!log_hook)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ftx_error_escape(msg, sizeof(msg));
	log_hook(level, msg);
	errno = saved;
}
