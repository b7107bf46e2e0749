/* SPDX-License-Identifier: GPL-2.0 */
#ifndef FTX_FORMAT_CHECK_H
#define FTX_FORMAT_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/**
 * ftx_format_check - reject an event format text libtraceevent cannot parse
 * safely (a print fmt naming undeclared fields) or whose fields cannot fit
 * a record (ending past a page)
 * @text: the format file text (need not be NUL-terminated)
 * @len: its length
 * @page_size: the trace's page size; 0: fields are not checked against it
 * @why: receives the reason on failure
 * @why_len: size of @why
 *
 * Returns 0 when the text is fit for tep_parse_event(), -1 (EINVAL) if not.
 */
int ftx_format_check(const char *text, size_t len, unsigned int page_size, char *why,
		     size_t why_len);

/**
 * ftx_printk_sanitize - drop the lines of a printk_formats text that are not
 * "0xADDR : \"fmt\"" (libtraceevent 1.7 overruns its buffer on them)
 * @text: the text, filtered in place; NUL-terminated after the kept lines
 *	when shorter (the buffer must hold @len + 1 bytes)
 * @len: its length
 * Returns the new length.
 */
size_t ftx_printk_sanitize(char *text, size_t len);

#endif /* FTX_FORMAT_CHECK_H */
