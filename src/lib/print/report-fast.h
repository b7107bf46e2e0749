/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fast info formatters (internal to libftx): for the common print_fmt shapes
 * a per-event program is compiled once and run per record instead of
 * libtraceevent's generic printing. Anything not understood falls back to
 * libtraceevent; the golden tests prove the output identical.
 */
#ifndef FTX_REPORT_FAST_H
#define FTX_REPORT_FAST_H

#include <string.h>

#include "ftx/strbuf.h"

/* ftx_strbuf_reserve() with the common case (room enough) inline */
static inline int ftx_sb_room(struct ftx_strbuf *sb, size_t n)
{
	return sb->len + n + 1 <= sb->cap ? 0 : ftx_strbuf_reserve(sb, n);
}

/* Number of decimal digits of @v */
static inline int ftx_dec_len(unsigned long long v)
{
	int n = 1;
	unsigned int w;

	while (v > 0xffffffffu) {
		v /= 10000;
		n += 4;
	}
	w = (unsigned int)v;
	while (w >= 10000) {
		w /= 10000;
		n += 4;
	}
	return w >= 1000 ? n + 3 : w >= 100 ? n + 2 : w >= 10 ? n + 1 : n;
}

/* The @n decimal digits of @v written at @dst (no NUL), two at a time */
static inline void ftx_dec_put(char *dst, unsigned long long v, int n)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	char *p = dst + n;
	unsigned int w;

	while (v > 0xffffffffu) {
		unsigned int r = v % 100;

		v /= 100;
		p -= 2;
		memcpy(p, pairs + 2 * r, 2);
	}
	/* the rest in 32 bits: cheaper divisions */
	w = (unsigned int)v;
	while (w >= 100) {
		unsigned int r = w % 100;

		w /= 100;
		p -= 2;
		memcpy(p, pairs + 2 * r, 2);
	}
	if (w >= 10) {
		p -= 2;
		memcpy(p, pairs + 2 * w, 2);
	} else {
		*--p = '0' + w;
	}
}

struct tep_handle;
struct tep_event;
struct tep_record;
struct ftx_strbuf;
struct ftx_fast;

/* NULL when nothing can be sped up (the caller then always uses libtraceevent) */
struct ftx_fast *ftx_fast_alloc(struct tep_handle *tep);
void ftx_fast_free(struct ftx_fast *fast);
/* Room for event ids up to @maxid (formats parsed later); 0 or -1 (ENOMEM, too large) */
int ftx_fast_grow(struct ftx_fast *fast, int maxid);

/* Append @rec's info text to @out; 0 done, 1 not handled (use libtraceevent), -1 ENOMEM */
int ftx_fast_format(struct ftx_fast *fast, struct tep_event *ev, struct tep_record *rec,
		    struct ftx_strbuf *out);

/*
 * Changes each time a comm may have been added to libtraceevent's table by
 * the formatting (the sched plugin's registrations, or the fast path's own):
 * a lookup made before may then find another of a pid's duplicate names.
 */
unsigned long ftx_fast_comm_gen(const struct ftx_fast *fast);

/* For the differential test: the op kinds compiled for @ev (1 << FTX_FAST_*), 0 none */
enum {
	FTX_FAST_LIT, FTX_FAST_NUM, FTX_FAST_CHARS, FTX_FAST_DSTR, FTX_FAST_SYM, FTX_FAST_COND,
	FTX_FAST_SCHED_SWITCH, FTX_FAST_SCHED_WAKEUP,
};
unsigned int ftx_fast_kinds(struct ftx_fast *fast, struct tep_event *ev);

/* The compiled program alone (no trial against libtraceevent): as ftx_fast_format() */
int ftx_fast_run(struct ftx_fast *fast, struct tep_event *ev, struct tep_record *rec,
		 struct ftx_strbuf *out);

#endif /* FTX_REPORT_FAST_H */
