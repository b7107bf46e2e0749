/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For suites that run the real binary through the shell: test_sh() formats a
 * command, runs it with system() and returns its exit status (128 when it
 * did not exit normally).
 */
#ifndef FTX_TEST_SH_H
#define FTX_TEST_SH_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

static inline int test_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int test_sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

#endif /* FTX_TEST_SH_H */
