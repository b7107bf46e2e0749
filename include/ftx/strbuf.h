/* SPDX-License-Identifier: GPL-2.0 */
#ifndef FTX_STRBUF_H
#define FTX_STRBUF_H

#include <stddef.h>

/* A growable text buffer; len is what is used, buf stays NUL-terminated */
struct ftx_strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

#define FTX_STRBUF_INIT { NULL, 0, 0 }

/** ftx_strbuf_reserve - make room for @n more bytes (+NUL); 0 or -1 (ENOMEM) */
int ftx_strbuf_reserve(struct ftx_strbuf *sb, size_t n);

/** ftx_strbuf_release - free the buffer's memory; the struct can be reused */
void ftx_strbuf_release(struct ftx_strbuf *sb);

#endif /* FTX_STRBUF_H */
