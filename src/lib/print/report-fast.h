/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fast info formatters (internal to libftx): for the common print_fmt shapes
 * a per-event program is compiled once and run per record instead of
 * libtraceevent's generic printing. Anything not understood falls back to
 * libtraceevent; the golden tests prove the output identical.
 */
#ifndef FTX_REPORT_FAST_H
#define FTX_REPORT_FAST_H

struct tep_handle;
struct tep_event;
struct tep_record;
struct ftx_strbuf;
struct ftx_fast;

/* NULL when nothing can be sped up (the caller then always uses libtraceevent) */
struct ftx_fast *ftx_fast_alloc(struct tep_handle *tep);
void ftx_fast_free(struct ftx_fast *fast);

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
