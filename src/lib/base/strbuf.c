// SPDX-License-Identifier: GPL-2.0
/* A growable text buffer (struct ftx_strbuf), shared by the printers and analysis. */
#include <errno.h>
#include <stdlib.h>

#include "ftx/error.h"
#include "ftx/strbuf.h"

int ftx_strbuf_reserve(struct ftx_strbuf *sb, size_t n)
{
	size_t want = sb->len + n + 1, cap;
	char *b;

	if (want <= sb->cap)
		return 0;
	cap = sb->cap ? sb->cap : 4096;
	while (cap < want)
		cap *= 2;
	b = realloc(sb->buf, cap);
	if (!b) {
		errno = ENOMEM;
		ftx_error_set("out of memory");
		return -1;
	}
	sb->buf = b;
	sb->cap = cap;
	return 0;
}

void ftx_strbuf_release(struct ftx_strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

