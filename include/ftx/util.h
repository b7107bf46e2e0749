/* SPDX-License-Identifier: GPL-2.0 */
/* Small libc-only helpers shared by the library and the commands. */
#ifndef FTX_UTIL_H
#define FTX_UTIL_H

#include <stdbool.h>
#include <stddef.h>
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
 * ftx_parse_uint - parse a decimal or 0x unsigned number, whole string
 * Returns 0 or -1 (EINVAL/ERANGE).
 */
int ftx_parse_uint(const char *s, unsigned long long *val);

/** ftx_strip - remove trailing whitespace in place; returns @s */
char *ftx_strip(char *s);

/**
 * ftx_levenshtein - edit distance between two strings (for "did you mean")
 */
unsigned int ftx_levenshtein(const char *a, const char *b);

#endif /* FTX_UTIL_H */
