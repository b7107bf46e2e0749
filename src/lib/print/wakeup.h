/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report -w (internal to libftx): trace-cmd report's wakeup latencies. A
 * sched_wakeup (or sched_wakeup_new) of a pid starts its clock, the
 * sched_switch to that pid stops it: the line of that sched_switch gets
 * " Latency: N.NNN usecs", and the run ends with the average, maximum and
 * minimum (and those of real-time tasks, next_prio below 100).
 */
#ifndef FTX_PRINT_WAKEUP_H
#define FTX_PRINT_WAKEUP_H

#include "ftx/strbuf.h"

struct tep_handle;
struct tep_record;
struct ftx_wakeup;

/*
 * The latency tracker for the events of @tep (borrowed). NULL with errno
 * ENOENT when the file lacks sched_wakeup or sched_switch (or their pid
 * fields): trace-cmd then prints no latencies and no summary; NULL with
 * ENOMEM when out of memory.
 */
struct ftx_wakeup *ftx_wakeup_alloc(struct tep_handle *tep);

/** ftx_wakeup_free - free the tracker; accepts NULL */
void ftx_wakeup_free(struct ftx_wakeup *w);

/*
 * Account @rec (a printed record, its timestamp @ts); when it ends a wakeup,
 * " Latency: ..." goes before the newline that ends @sb. Returns 0 or -1
 * (ENOMEM).
 */
int ftx_wakeup_record(struct ftx_wakeup *w, struct tep_record *rec, unsigned long long ts,
		      struct ftx_strbuf *sb);

/** ftx_wakeup_summary - append the closing summary (nothing without a latency) */
int ftx_wakeup_summary(struct ftx_wakeup *w, struct ftx_strbuf *sb);

#endif /* FTX_PRINT_WAKEUP_H */
