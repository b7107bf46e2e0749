/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Analysis of trace.dat files: call trees aggregated per call path, flat
 * profiles per function, flame graphs, histograms and Chrome trace-event JSON.
 *
 * Everything is computed from the records (tep_record and their fields),
 * never from printed text. The call stacks come from the builder of 'ftx
 * report --graph' (ftx/graph.h, through its hooks), so both views agree call
 * for call. Memory is bounded by the number of distinct call paths and of
 * open stacks, never by the number of events.
 *
 * Weights: a trace with function_graph events is time-weighted (a call lasts
 * rettime - calltime, its self time is that minus its children's); otherwise
 * function tracer events (with func_stack_trace's kernel stacks when
 * recorded) and events recorded with stack traces are count-weighted.
 * Calls cut by the start or the end of the trace or by lost events are
 * counted and marked; their times are lower bounds.
 */
#ifndef FTX_ANALYSIS_H
#define FTX_ANALYSIS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct tep_handle;
struct ftx_tracedat;
struct ftx_calltree;
struct ftx_cnode;
struct option;

/* What to read, shared by every analysis */
struct ftx_analysis_opts {
	const char *input;		/* trace.dat path */
	unsigned int td_flags;		/* FTX_TRACEDAT_* flags for opening it */
	const bool *cpus;		/* one bool per CPU id, or NULL for all */
	int ncpus;
	const int *pids;		/* only these tasks (common_pid), or NULL */
	int npids;
	bool by_task;			/* one tree per task instead of one for all */
	bool from_set, to_set;		/* time window: records with from <= ts <= to */
	unsigned long long from, to;	/* trace timestamps (ns) */
};

/* How the tree is weighted */
enum ftx_weight {
	FTX_WEIGHT_NONE,		/* nothing to aggregate in the trace */
	FTX_WEIGHT_TIME,		/* function_graph: nanoseconds */
	FTX_WEIGHT_COUNT,		/* function tracer hits, stack samples */
};

/* Node kinds */
enum ftx_cnode_kind {
	FTX_CNODE_ROOT,
	FTX_CNODE_TASK,			/* key: pid (--by-task) */
	FTX_CNODE_FUNC,			/* key: function address */
	FTX_CNODE_EVENT,		/* key: event id (leaf of an event's stack trace) */
	FTX_CNODE_LOST,			/* key: CPU; calls: events lost there */
};

/* One call path. Times in ns (time weight) or hits (count weight). */
struct ftx_cnode {
	enum ftx_cnode_kind kind;
	unsigned long long key;
	struct ftx_cnode *parent, *child, *next;	/* children: a list, unordered */
	unsigned long long calls;	/* calls (or hits) of this path */
	unsigned long long total;	/* time (hits) including the children's */
	unsigned long long self;	/* time (hits) outside the children */
	unsigned long long min, max;	/* per finished call (time weight) */
	unsigned long long cut;		/* calls cut by the trace's ends or by lost events */
	unsigned long long lost_cut;	/* of those, cut by lost events */
};

/* One function of the flat profile (per task with by_task) */
struct ftx_pfunc {
	unsigned long long func;	/* address, or event id for FTX_CNODE_EVENT */
	enum ftx_cnode_kind kind;
	int pid;			/* -1 unless by_task */
	unsigned long long calls, total, self, min, max, cut;
	unsigned long long orphans;	/* exits whose entry is before the trace */
};

/**
 * ftx_calltree_build - read a trace.dat file and aggregate its calls
 * @o: what to read
 *
 * Returns a tree the caller frees with ftx_calltree_free(), or NULL with
 * errno and ftx_error() set (bad file, bad window).
 */
struct ftx_calltree *ftx_calltree_build(const struct ftx_analysis_opts *o);

/** ftx_calltree_free - free a tree and the reader it keeps; NULL is fine */
void ftx_calltree_free(struct ftx_calltree *ct);

/** ftx_calltree_root - the root node (its children: tasks or bottom calls) */
const struct ftx_cnode *ftx_calltree_root(const struct ftx_calltree *ct);

/** ftx_calltree_weight - how the tree is weighted */
enum ftx_weight ftx_calltree_weight(const struct ftx_calltree *ct);

/**
 * ftx_calltree_funcs - the flat profile: one entry per function (per task and
 * function with by_task), in no order; *@n receives the count. Borrowed.
 */
const struct ftx_pfunc *ftx_calltree_funcs(const struct ftx_calltree *ct, size_t *n);

/**
 * ftx_calltree_name - printable name of a node or profile entry: the
 * function's symbol (or 0x address), "comm-pid" for a task, the event name.
 * Borrowed from the tree (or from @buf of @len bytes).
 */
const char *ftx_calltree_name(struct ftx_calltree *ct, enum ftx_cnode_kind kind,
			      unsigned long long key, char *buf, size_t len);

/* Totals of a tree, for annotations */
struct ftx_calltree_stats {
	unsigned long long records;	/* records read (inside the window) */
	unsigned long long entries;	/* function_graph entries */
	unsigned long long hits;	/* function tracer events */
	unsigned long long stacks;	/* kernel stack traces used */
	unsigned long long cut_start;	/* exits whose entry is not in the trace */
	unsigned long long cut_end;	/* calls open at the end */
	unsigned long long cut_lost;	/* calls broken by lost events */
	unsigned long long lost;	/* events lost (pages without a count: 1 each) */
	unsigned long long lost_pages;	/* pages that lost events */
	unsigned long long first_ts, last_ts;
};
const struct ftx_calltree_stats *ftx_calltree_stats(const struct ftx_calltree *ct);

/** ftx_calltree_tep - the tep of the file (for names); owned by the tree */
struct tep_handle *ftx_calltree_tep(struct ftx_calltree *ct);

/** ftx_calltree_describe - "FILE, kernel RELEASE ARCH": for titles. Borrowed. */
const char *ftx_calltree_describe(struct ftx_calltree *ct);

/* ftx profile */
enum ftx_profile_key {
	FTX_PROFILE_TOTAL, FTX_PROFILE_SELF, FTX_PROFILE_CALLS, FTX_PROFILE_AVG,
	FTX_PROFILE_MIN, FTX_PROFILE_MAX, FTX_PROFILE_FUNC, FTX_PROFILE_NKEYS
};

struct ftx_profile_opts {
	enum ftx_profile_key sort[4];	/* sort keys, first first */
	int nsort;			/* 0: total */
	unsigned int fields;		/* bit per ftx_profile_key except FUNC; 0: default */
	bool by_task;			/* a section per task (tree built with by_task) */
};

/**
 * ftx_profile_parse_keys - parse "total,self" into keys (sort) or a field mask
 * @s: comma-separated names: total self calls avg min max func
 * @keys: receives up to @max keys in order (or NULL)
 * @nkeys: receives their count (or NULL)
 * @mask: receives the mask of named fields (or NULL)
 * Returns 0, or -1 with EINVAL and ftx_error() naming the bad word.
 */
int ftx_profile_parse_keys(const char *s, enum ftx_profile_key *keys, int max, int *nkeys,
			   unsigned int *mask);

/**
 * ftx_profile_print - print the flat profile of @ct to @out, uftrace report's
 * shape: a header, one line per function, then annotations ('#' lines) on cut
 * calls and lost events. Returns 0, or -1 (ENOMEM, EIO).
 */
int ftx_profile_print(struct ftx_calltree *ct, const struct ftx_profile_opts *po, FILE *out);

/* ftx graph */
struct ftx_graph_print_opts {
	const char *func;		/* NULL: the whole tree; else FUNC's backtraces and callees */
	int max_depth;			/* > 0: levels shown below the top */
	unsigned long long min_total;	/* hide paths whose total is below (ns, or hits) */
};

/**
 * ftx_calltree_print - print the aggregated call tree (uftrace graph's shape:
 * total time, calls and function per path, children biggest first); with
 * @gp->func, first every distinct path that leads to it (its backtraces, with
 * hits and time), then its callees merged over all its calls.
 * Returns 0, -1 with ENOENT when @gp->func is not in the tree, or -1 (EIO).
 */
int ftx_calltree_print(struct ftx_calltree *ct, const struct ftx_graph_print_opts *gp,
		       FILE *out);

/* ftx flame */
struct ftx_flame_opts {
	bool inverted;			/* icicle: the root at the top */
	int width;			/* SVG width in pixels; 0: 1200 */
	const char *title;		/* NULL: "Flame Graph" */
	double min_width;		/* frames narrower (px) are left out; 0: 0.1 */
};

/**
 * ftx_flame_svg - write the flame graph of @ct as an interactive SVG:
 * tooltips with name, time (or hits) and percentage, click to zoom, "Reset
 * Zoom", Ctrl-F or "Search" to highlight matching frames with the matched
 * percentage; frames of calls cut by the trace's ends or lost events are
 * colored apart, lost events are in the subtitle. Titles name the file, the
 * kernel and the weight. Returns 0 or -1 (ENOENT: nothing to draw, EIO).
 */
int ftx_flame_svg(struct ftx_calltree *ct, const struct ftx_flame_opts *fo, FILE *out);

/**
 * ftx_flame_folded - write folded stacks ("a;b;c WEIGHT" per path, WEIGHT
 * its self time in ns or its hits), as flamegraph.pl and speedscope read them;
 * lost events are one line "[N_events_lost_on_CPU_C] 1" each (spaces and
 * semicolons in names become underscores).
 * Returns 0 or -1 (ENOENT, EIO).
 */
int ftx_flame_folded(struct ftx_calltree *ct, FILE *out);

/* ftx hist */
enum ftx_hist_kind {
	FTX_HIST_FIELD,			/* [SYSTEM:]EVENT.FIELD: a numeric field's values */
	FTX_HIST_DURATION,		/* duration:FUNC: its calls' durations (ns) */
	FTX_HIST_LATENCY,		/* latency:START,END: ns from START to END of a key */
};

struct ftx_hist_spec {
	enum ftx_hist_kind kind;
	char system[64], event[128], field[128];	/* FIELD; event = FUNC for DURATION */
	char system2[64], event2[128];			/* LATENCY's END event */
	char key[128], key2[128];	/* LATENCY: key fields of START and END (common_pid) */
};

/**
 * ftx_hist_spec_parse - parse "syscalls:sys_exit_read.ret", "duration:vfs_read"
 * or "latency:sys_enter_openat,sys_exit_openat"; @key is "FIELD" or
 * "START_FIELD,END_FIELD" for latency (NULL: the task, common_pid).
 * Pure. Returns 0 or -1 with EINVAL and ftx_error() set.
 */
int ftx_hist_spec_parse(const char *s, const char *key, struct ftx_hist_spec *spec);

struct ftx_hist_opts {
	struct ftx_hist_spec spec;
	unsigned long long step;	/* > 0: linear buckets this wide; 0: log2 */
	bool by_task;			/* a histogram per task */
};

/**
 * ftx_hist_run - read @o->input and print the histogram of @h->spec as an
 * ASCII bar chart (bucket, count, percent, bar), with a summary line (count,
 * min, max, avg) and '#' lines for unmatched latency ends and lost events.
 * @counted receives the number of values (may be NULL).
 * Returns 0 or -1 (ENOENT: no such event or field; bad file; EIO).
 */
int ftx_hist_run(const struct ftx_analysis_opts *o, const struct ftx_hist_opts *h, FILE *out,
		 unsigned long long *counted);

/**
 * ftx_chrome_export - write @o->input as Chrome trace-event JSON (what
 * Perfetto UI, chrome://tracing and speedscope open), streamed: one "X" event
 * per call per task (ts and dur in fractional microseconds of record time,
 * nested per task by construction; the kernel's own duration in args), "i"
 * events for the other events with their fields as args, a "C" counter of
 * lost events per CPU, "M" names for the process and each task. Memory does
 * not grow with the trace. @calls receives the number of X events (or NULL).
 * @flags: FTX_CHROME_NO_ARGS leaves the args out of the X events (speedscope
 * names a frame by its name and args, so with args no two calls merge).
 * Returns 0 or -1 (bad file, EIO).
 */
#define FTX_CHROME_NO_ARGS	(1u << 0)
int ftx_chrome_export(const struct ftx_analysis_opts *o, unsigned int flags, FILE *out,
		      unsigned long long *calls);

/*
 * The options every analysis command takes, parsed in one place (pure).
 * Long options only, numbered from FTX_ANALYSIS_OPT_BASE, plus -i.
 */
#define FTX_ANALYSIS_MAX_PIDS	64
enum {
	FTX_ANALYSIS_OPT_BASE = 0x1000,
	FTX_ANALYSIS_OPT_CPU = FTX_ANALYSIS_OPT_BASE,
	FTX_ANALYSIS_OPT_PID,
	FTX_ANALYSIS_OPT_FROM,
	FTX_ANALYSIS_OPT_TO,
	FTX_ANALYSIS_OPT_BY_TASK,
};

/* getopt_long entries for the shared options (spread into a command's table) */
#define FTX_ANALYSIS_LONG_OPTS \
	{ "input", required_argument, NULL, 'i' }, \
	{ "cpu", required_argument, NULL, FTX_ANALYSIS_OPT_CPU }, \
	{ "pid", required_argument, NULL, FTX_ANALYSIS_OPT_PID }, \
	{ "from", required_argument, NULL, FTX_ANALYSIS_OPT_FROM }, \
	{ "to", required_argument, NULL, FTX_ANALYSIS_OPT_TO }, \
	{ "by-task", no_argument, NULL, FTX_ANALYSIS_OPT_BY_TASK }

struct ftx_analysis_cli {
	struct ftx_analysis_opts o;
	int pids[FTX_ANALYSIS_MAX_PIDS];
	bool *cpus;			/* freed by ftx_analysis_cli_release() */
};

/**
 * ftx_analysis_cli_opt - take one shared option (-i, --cpu, --pid, --from,
 * --to, --by-task; times are seconds as report prints them, e.g. 7.453139)
 * Returns 1 when taken, 0 when @opt is not a shared one, -1 with the reason.
 */
int ftx_analysis_cli_opt(struct ftx_analysis_cli *cli, int opt, const char *arg);

/** ftx_analysis_cli_finish - defaults (input ./trace.dat) after parsing; 0 or -1 */
int ftx_analysis_cli_finish(struct ftx_analysis_cli *cli);

/* Writes one output into @out; returns 0 or -1 with the reason set */
typedef int (*ftx_analysis_emit_fn)(void *ctx, FILE *out);

/**
 * ftx_analysis_write_file - write an output to @path: "-" is stdout, a
 * device or FIFO (/dev/null, a pipe) is written in place, a file is written
 * under a temporary name renamed over @path once complete (never half a
 * file under the name). Returns 1 when a file was written, 0 for stdout or
 * a device, -1 with the reason set.
 */
int ftx_analysis_write_file(const char *path, ftx_analysis_emit_fn emit, void *ctx);

/**
 * ftx_analysis_cli_rest - after getopt: an unknown option or a missing
 * argument (@c is '?' or ':') is an error; else the one positional argument,
 * if any, is the input file. Returns 0, or -1 with the reason set.
 */
int ftx_analysis_cli_rest(struct ftx_analysis_cli *cli, int c, int argc, char **argv);

/**
 * ftx_analysis_cli_next - getopt_long() over @argv taking the shared options
 * Returns the next option that is not one of them, -1 at the end of the
 * options (optind at the operands), or -2 with the reason set (a shared
 * option's bad value, a missing argument, an unknown option). @shortopts
 * starts with ':'.
 */
int ftx_analysis_cli_next(struct ftx_analysis_cli *cli, int argc, char **argv,
			  const char *shortopts, const struct option *longopts);

/** ftx_analysis_cli_release - free what parsing allocated */
void ftx_analysis_cli_release(struct ftx_analysis_cli *cli);

#endif /* FTX_ANALYSIS_H */
