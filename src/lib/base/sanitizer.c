// SPDX-License-Identifier: GPL-2.0
/*
 * make check-asan only (an AddressSanitizer build; empty otherwise).
 *
 * check-asan records allocation stacks with the fast unwinder, which follows
 * frame pointers. glibc has none, so a block glibc's vasprintf() allocates
 * has a two-frame stack (malloc, __vasprintf_internal) that names neither
 * its caller nor the library the caller is in: a leak there could not be
 * told from ftx's, and tests/lsan.supp's entries for libtraceevent's own
 * leaks (its filter parser leaks tokens it made with asprintf()) would not
 * match. These two, built here with frame pointers, replace the sanitizer
 * runtime's (weak) asprintf/vasprintf for the whole process, libtraceevent's
 * calls included; the allocation is then malloc's, called from here, and the
 * stack reaches whoever called asprintf(). The Makefile links this file in
 * with -u ftx_sanitizer_stacks (nothing else refers to it).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FTX_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FTX_ASAN 1
#endif

/* the symbol the Makefile's -u names, so the linker takes this file from libftx.a */
#ifdef FTX_ASAN
const int ftx_sanitizer_stacks = 1;

int vasprintf(char **strp, const char *fmt, va_list ap)
{
	va_list aq;
	char *s;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return -1;
	s = malloc((size_t)n + 1);
	if (!s)
		return -1;
	n = vsnprintf(s, (size_t)n + 1, fmt, ap);
	if (n < 0) {
		free(s);
		return -1;
	}
	*strp = s;
	return n;
}

int asprintf(char **strp, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(strp, fmt, ap);
	va_end(ap);
	return n;
}
#else
const int ftx_sanitizer_stacks = 0;
#endif
