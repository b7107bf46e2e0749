// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif

#include "ftx/util.h"

char *ftx_read_file(const char *path, size_t *size)
{
	size_t cap = 4096, len = 0;
	char *buf, *nbuf;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = malloc(cap);
	if (!buf)
		goto out_close;
	for (;;) {
		if (cap - len < 2) {
			cap *= 2;
			nbuf = realloc(buf, cap);
			if (!nbuf)
				goto out_free;
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto out_free;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	if (size)
		*size = len;
	return buf;

out_free:
	{
		int saved = errno;

		free(buf);
		errno = saved;
	}
out_close:
	{
		int saved = errno;

		close(fd);
		errno = saved;
	}
	return NULL;
}

int ftx_write_file(const char *path, const char *buf, size_t len)
{
	ssize_t n;
	int fd, saved;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (len) {
		n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		buf += n;
		len -= n;
	}
	if (close(fd) < 0)
		return -1;
	return 0;
}

int ftx_write_all(int fd, const void *buf, size_t len)
{
	const char *b = buf;

	while (len) {
		ssize_t n = write(fd, b, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
		b += n;
		len -= n;
	}
	return 0;
}

int ftx_parse_uint(const char *s, unsigned long long *val)
{
	char *end;

	if (!s || !*s || *s == '-' || isspace((unsigned char)*s)) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	*val = strtoull(s, &end, 0);
	if (errno)
		return -1;
	if (*end) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

char *ftx_strip(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

unsigned int ftx_levenshtein(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned int *row, prev, tmp, best;

	row = malloc((lb + 1) * sizeof(*row));
	if (!row)
		return ~0u;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

bool ftx_clock_in_usecs(const char *clock)
{
	return !strcmp(clock, "local") || !strcmp(clock, "global") ||
	       !strcmp(clock, "uptime") || !strcmp(clock, "perf") ||
	       !strncmp(clock, "mono", 4) || !strcmp(clock, "tai") ||
	       !strcmp(clock, "tsc2nsec");
}

unsigned int ftx_memcheck_errors(void)
{
#ifdef VALGRIND_COUNT_ERRORS
	return RUNNING_ON_VALGRIND ? VALGRIND_COUNT_ERRORS : 0;
#else
	return 0;
#endif
}
