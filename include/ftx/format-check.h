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
 * ftx_printk_sanitize - a printk_formats text libtraceevent 1.7 reads safely
 * @text: the text (need not be NUL-terminated)
 * @len: its length
 * @out_len: receives the length of the result
 *
 * Lines not shaped "0xADDR : \"fmt\"" are dropped (libtraceevent overruns its
 * buffer on them); a format shorter than two characters gets a "\\n" before
 * its closing quote, which libtraceevent strips again (it registers the same
 * text, without reading before its copy). Returns a malloc'ed NUL-terminated
 * text, or NULL (ENOMEM).
 */
char *ftx_printk_sanitize(const char *text, size_t len, size_t *out_len);

#endif /* FTX_FORMAT_CHECK_H */
