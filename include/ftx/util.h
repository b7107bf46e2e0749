/* SPDX-License-Identifier: GPL-2.0 */
/* Small libc-only helpers shared by the library and the commands. */
#ifndef FTX_UTIL_H
#define FTX_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#define FTX_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/**
 * ftx_read_file - read a whole (proc/tracefs) file into a NUL-terminated buffer
 * @path: file to read
 * @size: if not NULL, receives the number of bytes read
 *
 * Returns a malloc()ed buffer the caller frees, or NULL with errno set.
 * Works on files that report size 0 (procfs, tracefs).
 */
char *ftx_read_file(const char *path, size_t *size);

/**
 * ftx_write_file - write @len bytes of @buf to an existing file, O_TRUNC
 *
 * Returns 0, or -1 with errno set (e.g. EPERM from lockdown).
 */
int ftx_write_file(const char *path, const char *buf, size_t len);

/**
 * ftx_write_all - write all @len bytes of @buf to @fd, retrying short writes
 * and EINTR; a write that makes no progress counts as ENOSPC
 *
 * Returns 0, or -1 with errno set.
 */
int ftx_write_all(int fd, const void *buf, size_t len);

/**
 * ftx_parse_uint - parse a decimal or 0x unsigned number, whole string
 * Returns 0 or -1 (EINVAL/ERANGE).
 */
int ftx_parse_uint(const char *s, unsigned long long *val);

/**
 * ftx_clock_in_usecs - timestamps of trace clock @clock are nanoseconds,
 * printed as seconds.microseconds (trace-cmd's list); other clocks (counter,
 * x86-tsc, boot...) print as raw counter values
 */
bool ftx_clock_in_usecs(const char *clock);

/**
 * ftx_memcheck_errors - how many memory errors valgrind's memcheck has
 * reported in this process so far; 0 when not run under valgrind
 *
 * For the forked sandboxes that let libtraceevent crash where ftx does not
 * (the filter trial, the reader's canary): under valgrind a double free does
 * not abort and the child's exit status is valgrind's (--error-exitcode after
 * the leak check at exit), so a child counts the errors itself and says what
 * it found through its pipe or shared page, never through its exit status.
 */
unsigned int ftx_memcheck_errors(void);

/** ftx_strip - remove trailing whitespace in place; returns @s */
char *ftx_strip(char *s);

/**
 * ftx_levenshtein - edit distance between two strings (for "did you mean")
 */
unsigned int ftx_levenshtein(const char *a, const char *b);

/**
 * ftx_read_uint - an unaligned 1, 2, 4 or 8 byte unsigned value of a trace,
 * byte-swapped when the trace's endianness is not the host's (@swap)
 *
 * Inline: it sits in the record-decoding loops.
 */
static inline uint64_t ftx_read_uint(const void *p, int size, bool swap)
{
	uint64_t v8;
	uint32_t v4;
	uint16_t v2;

	switch (size) {
	case 1:
		return *(const uint8_t *)p;
	case 2:
		memcpy(&v2, p, 2);
		return swap ? __builtin_bswap16(v2) : v2;
	case 4:
		memcpy(&v4, p, 4);
		return swap ? __builtin_bswap32(v4) : v4;
	default:
		memcpy(&v8, p, 8);
		return swap ? __builtin_bswap64(v8) : v8;
	}
}

#endif /* FTX_UTIL_H */
