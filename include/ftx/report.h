/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Report formatting: one trace-cmd 3.1.6 compatible text line per record, and
 * the whole "ftx report" run over a trace.dat file.
 *
 * The line formatter works from a tep_handle and tep_records only, so it
 * serves trace.dat files (ftx_report_run) as well as live pages read from
 * trace_pipe_raw with a tep built from tracefs:
 *
 *	struct ftx_report_fmt *f = ftx_report_fmt_alloc(tep, 0);
 *	struct ftx_strbuf out = FTX_STRBUF_INIT;
 *	...for each record (rec->cpu, ->ts, ->data, ->size, ->missed_events set)
 *		ftx_report_fmt_record(f, rec, &out);
 *	write(1, out.buf, out.len); out.len = 0;
 *	...
 *	ftx_strbuf_release(&out);
 *	ftx_report_fmt_free(f);
 *
 * libtraceevent plugins are whatever the caller loaded into the tep
 * (tep_load_plugins). ftrace's function/function_graph events get trace-cmd's
 * own printing (function: "func <-- parent" when no plugin handles it;
 * function_graph with leaf collapsing when a lookahead is set).
 */
#ifndef FTX_REPORT_H
#define FTX_REPORT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ftx/strbuf.h"

struct tep_handle;
struct tep_record;
struct ftx_tracedat;

/* Flags of ftx_report_fmt_alloc() */
#define FTX_REPORT_NSEC		(1u << 0)	/* -t: nanosecond timestamps */
#define FTX_REPORT_LATENCY	(1u << 1)	/* -l: latency flags column */
#define FTX_REPORT_RAW_TS	(1u << 2)	/* timestamps are counter values (x86-tsc...) */
#define FTX_REPORT_NO_FAST	(1u << 3)	/* always print through libtraceevent */
#define FTX_REPORT_NO_BUILTIN	(1u << 4)	/* -N: no trace-cmd function(_graph) printing */
#define FTX_REPORT_RAW		(1u << 5)	/* -R: the events' fields, not their print formats */
#define FTX_REPORT_TS_DIFF	(1u << 6)	/* --ts-diff: "(+delta)" column after the time */
#define FTX_REPORT_TRACE_CLOCK	(1u << 7)	/* the file names its clock: deltas in us without -t */
#define FTX_REPORT_FG_TAIL	(1u << 8)	/* -O fgraph:tailprint: the function after "}" */
#define FTX_REPORT_FG_DEPTH	(1u << 9)	/* -O fgraph:depth: " (depth)" after each graph line */

struct ftx_report_fmt;

/**
 * ftx_report_fmt_alloc - a line formatter for records of @tep
 * @tep: borrowed; must outlive the formatter
 * @flags: FTX_REPORT_* flags
 *
 * Returns a formatter freed with ftx_report_fmt_free(), or NULL (ENOMEM).
 */
struct ftx_report_fmt *ftx_report_fmt_alloc(struct tep_handle *tep, unsigned int flags);

/** ftx_report_fmt_free - free a formatter; accepts NULL */
void ftx_report_fmt_free(struct ftx_report_fmt *f);

/*
 * Lookahead for function_graph leaf collapsing (trace-cmd peeks at the next
 * record of the merged stream; if it is the matching funcgraph_exit it is
 * consumed and the entry prints as "func();"). peek returns 1 and the next
 * record (borrowed) or 0; consume drops that record from the stream.
 */
typedef int (*ftx_report_peek_fn)(void *ctx, struct tep_record **next);
typedef int (*ftx_report_consume_fn)(void *ctx);

/*
 * Called once before the first record that may need function names (all but
 * those the fast formatters print), so kallsyms can be parsed lazily.
 */
typedef int (*ftx_report_symbols_fn)(void *ctx);

/** ftx_report_fmt_set_symbols - install the lazy kallsyms loader (NULL: none) */
void ftx_report_fmt_set_symbols(struct ftx_report_fmt *f, ftx_report_symbols_fn load, void *ctx);

/**
 * ftx_report_fmt_set_ts_offset - add @offset to every timestamp printed
 * (and to --ts-diff's); trace-cmd's --ts-offset as documented
 */
void ftx_report_fmt_set_ts_offset(struct ftx_report_fmt *f, long long offset);

/** ftx_report_fmt_set_lookahead - install (or with NULLs remove) the lookahead */
void ftx_report_fmt_set_lookahead(struct ftx_report_fmt *f, ftx_report_peek_fn peek,
				  ftx_report_consume_fn consume, void *ctx);

/**
 * ftx_report_fmt_record - append the report line(s) of @rec to @out
 * @f: formatter
 * @rec: record; rec->cpu, ts, data, size and missed_events are used
 * @out: receives "CPU:N [N EVENTS DROPPED]\n" when rec->missed_events says so,
 *	 then the line with its trailing newline
 *
 * Returns 0, or -1 (ENOMEM, or the lookahead failed; reason in ftx_error()).
 */
int ftx_report_fmt_record(struct ftx_report_fmt *f, struct tep_record *rec,
			  struct ftx_strbuf *out);

/* Where a report goes: called with large blocks; returns 0 or -1 */
typedef int (*ftx_report_write_fn)(void *ctx, const char *buf, size_t len);

/* errno of ftx_report_run() when a user filter is refused */
#define FTX_REPORT_EFILTER	EDOM

struct ftx_report_opts {
	const char *input;		/* trace.dat path */
	unsigned int fmt_flags;		/* FTX_REPORT_NSEC, FTX_REPORT_LATENCY */
	bool no_plugins;		/* -N */
	bool stat;			/* --stat */
	const bool *cpus;		/* --cpu: one bool per CPU id, or NULL */
	int ncpus;
	const char *const *filters;	/* -F: libtraceevent filter strings */
	const bool *filter_neg;		/* -v: per filter, whether it hides what it matches (or NULL) */
	int nfilters;
	const char *const *pids;	/* --pid: decimal pids */
	int npids;
	int threads;			/* 0: a reader thread when a second CPU is free; 1: none; 2: one */
	bool no_hardirq;		/* -I: not the events with the HARDIRQ latency flag */
	bool no_softirq;		/* -S: not those with the SOFTIRQ flag */
	bool wakeup;			/* -w: wakeup latencies on sched_switch lines, a summary */
	long long ts_offset;		/* --ts-offset: added to every timestamp */
	const char *const *plugin_opts;	/* -O: "[plugin:]option[=value]" */
	int nplugin_opts;
};

/**
 * ftx_report_run - print the report of a trace.dat file
 * @o: options
 * @write: sink for the text
 * @ctx: passed to @write
 *
 * Returns 0, or -1 with the reason in ftx_error() (bad file, bad filter, write
 * error); errno is FTX_REPORT_EFILTER when a -F or --pid filter was refused
 * (a usage error). Text already written stays written.
 */
int ftx_report_run(const struct ftx_report_opts *o, ftx_report_write_fn write, void *ctx);

/**
 * ftx_report_parse_cpus - parse a CPU list "0-3,6"
 * @s: the list
 * @mask: receives a calloc()ed bool array the caller frees
 * @n: receives its length (highest CPU + 1)
 * Returns 0 or -1 (EINVAL, reason set).
 */
int ftx_report_parse_cpus(const char *s, bool **mask, int *n);

/**
 * ftx_report_fuzz_one - open @data as a trace.dat, iterate and format every
 * record into a null sink; for fuzzers. Returns 0 or -1 (bad input); must never
 * crash or hang on any input.
 */
int ftx_report_fuzz_one(const uint8_t *data, size_t size);

/*
 * The report's reader thread for other readers of a file's records (the
 * analysis commands): it decompresses and merges the CPU buffers while the
 * caller works on the records, handed over in order with copies of their
 * pages, so the bytes a record's reader sees are those ftx_tracedat_next()
 * gives; memory stays flat.
 */
struct ftx_record_pipe;

/** ftx_record_pipe_cpus_spare - whether a second CPU is there to run a reader's thread */
bool ftx_record_pipe_cpus_spare(void);

/**
 * ftx_record_pipe_start - start reading @td's records in a thread
 *
 * Returns NULL when there is no second CPU to run on, the file has instances
 * (read those serially) or the thread cannot start: the caller then reads @td
 * itself. @td must outlive the pipe and is not to be read while it runs.
 */
struct ftx_record_pipe *ftx_record_pipe_start(struct ftx_tracedat *td);

/** ftx_record_pipe_next - as ftx_tracedat_next(); the record lasts until the next call */
int ftx_record_pipe_next(struct ftx_record_pipe *rp, struct tep_record **rec);

/**
 * ftx_record_pipe_next_batch - as ftx_record_pipe_next(), and the records
 * that follow *@rec in its chunk: *@more, *@nmore of them (maybe none), in
 * order, which the next call would give one by one. All last until the next
 * call.
 */
int ftx_record_pipe_next_batch(struct ftx_record_pipe *rp, struct tep_record **rec,
			       struct tep_record **more, int *nmore);

/** ftx_record_pipe_load_kallsyms - ftx_tracedat_load_kallsyms() while the pipe reads */
int ftx_record_pipe_load_kallsyms(struct ftx_record_pipe *rp);

/** ftx_record_pipe_stop - stop the thread and free the pipe; NULL is fine */
void ftx_record_pipe_stop(struct ftx_record_pipe *rp);

#endif /* FTX_REPORT_H */
