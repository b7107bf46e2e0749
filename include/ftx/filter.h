/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User event filters (report -F, --pid): libtraceevent's filter language,
 * "[system:]event[,event...][: expression]", checked before libtraceevent
 * sees it. libtraceevent 1.7's filter parser crashes on some incomplete
 * expressions ("prev_pid ==", an unclosed string) and overruns its error
 * buffer on long ones, so every filter is first checked here for those
 * shapes and then compiled once in a forked child: no filter text can take
 * the caller down.
 */
#ifndef FTX_FILTER_H
#define FTX_FILTER_H

#include <stddef.h>

struct tep_handle;
struct tep_event_filter;

/* Longest expression (after the ':') passed to libtraceevent */
#define FTX_FILTER_EXPR_MAX	400

/**
 * ftx_filter_check - check the shape of a filter without any trace file
 * @s: the filter as the user wrote it
 * @why: receives one printable line saying what is wrong and at which column
 * @len: size of @why
 *
 * Pure (no I/O). Returns 0 when libtraceevent may be given @s, or -1.
 */
int ftx_filter_check(const char *s, char *why, size_t len);

/**
 * ftx_filter_prepare - ftx_filter_check(), returning the text for libtraceevent
 * @s, @why, @len: as ftx_filter_check()
 *
 * Returns @s with "system:event" spelled "system/event", malloc()ed (the
 * caller frees it), or NULL when the check fails. For fuzzing the check
 * against libtraceevent's parser directly; ftx_filter_compile() is the safe way.
 */
char *ftx_filter_prepare(const char *s, char *why, size_t len);

/**
 * ftx_filter_compile - check and compile a filter for the events of @tep
 * @tep: borrowed
 * @s: the filter; "system:event" is accepted for libtraceevent's "system/event"
 *
 * Returns a filter the caller frees with tep_filter_free(), or NULL with
 * errno EINVAL (ENOMEM) and ftx_error() "bad filter 'S': <what>, column N".
 */
struct tep_event_filter *ftx_filter_compile(struct tep_handle *tep, const char *s);

#endif /* FTX_FILTER_H */
