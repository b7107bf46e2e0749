/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ftx's own call-graph view of function_graph traces ('ftx report --graph').
 *
 * trace-cmd decides whether an entry is a leaf by peeking at the next record of
 * the merged stream, so any event of another task or CPU in between breaks it.
 * This view keeps a real call stack per task instead: an entry is a leaf when
 * the next record *of the same task* is its exit. Memory is O(depth × tasks),
 * never O(events): nothing is buffered beyond the open frames of each task.
 */
#ifndef FTX_GRAPH_H
#define FTX_GRAPH_H

#include <stdbool.h>
#include <stdio.h>

#include "ftx/util.h"

struct tep_handle;
struct tep_record;
struct tep_format_field;
struct ftx_graph;

/*
 * Record fields read in place, without libtraceevent's lookups per call: the
 * same bytes and values as tep_data_type(), tep_data_pid(), tep_data_flags()
 * (the common fields of the event of lowest id, where libtraceevent finds
 * them) and tep_read_number_field(). The per-record loops of the graph and
 * the analyses spent a third of their time in those calls.
 */
struct ftx_fieldpos {
	unsigned int off;
	int size;			/* 1, 2, 4 or 8; 0 reads 0 (as libtraceevent, other sizes) */
};

struct ftx_recfmt {
	struct tep_handle *tep;
	bool swap;			/* the trace's byte order is not the host's */
	bool common;			/* type, pid and flags found; else libtraceevent's calls */
	struct ftx_fieldpos type, pid, flags;
};

/** ftx_recfmt_init - where @tep's records hold their common fields */
void ftx_recfmt_init(struct ftx_recfmt *rf, struct tep_handle *tep);

/** ftx_fieldpos_of - @f's place, as tep_read_number_field() reads it (NULL reads 0) */
struct ftx_fieldpos ftx_fieldpos_of(const struct tep_format_field *f);

/* The slow path of the readers below (a trace whose common fields are not found) */
int ftx_recfmt_common_slow(const struct ftx_recfmt *rf, const void *data, int which);

static inline unsigned long long ftx_recfmt_num(const struct ftx_recfmt *rf,
						struct ftx_fieldpos p, const void *data)
{
	return p.size ? ftx_read_uint((const char *)data + p.off, p.size, rf->swap) : 0;
}

/* tep_data_type(), tep_data_pid(), tep_data_flags() of a record's @data */
static inline int ftx_recfmt_type(const struct ftx_recfmt *rf, const void *data)
{
	return rf->common ? (int)ftx_recfmt_num(rf, rf->type, data) :
	       ftx_recfmt_common_slow(rf, data, 0);
}

static inline int ftx_recfmt_pid(const struct ftx_recfmt *rf, const void *data)
{
	return rf->common ? (int)ftx_recfmt_num(rf, rf->pid, data) :
	       ftx_recfmt_common_slow(rf, data, 1);
}

static inline int ftx_recfmt_flags(const struct ftx_recfmt *rf, const void *data)
{
	return rf->common ? (int)ftx_recfmt_num(rf, rf->flags, data) :
	       ftx_recfmt_common_slow(rf, data, 2);
}

/*
 * One call open on a task's stack. The builder fills and keeps it; the hooks
 * (below) read it and own only @priv.
 */
struct ftx_graph_frame {
	unsigned long long func;	/* address */
	unsigned long long ts;		/* timestamp of its entry record */
	unsigned long long child_ns;	/* durations of its finished children so far */
	unsigned long long child_end;	/* latest end (ftx_graph_exit.end) of those children */
	int depth;			/* the kernel's depth field */
	int cpu;			/* CPU of its entry */
	bool printed;			/* the printer's: opening line is out */
	bool hidden;			/* the printer's: outside --func, beyond --max-depth */
	void *priv;			/* the hooks': NULL when pushed */
};

/* Why a call left the stack (ftx_graph_hooks.leave) */
enum ftx_graph_end {
	FTX_GRAPH_EXIT,		/* its exit record: @calltime, @rettime, @retval are set */
	FTX_GRAPH_CUT_LOST,	/* events were lost on a CPU the task ran on */
	FTX_GRAPH_CUT_NESTED,	/* a caller's exit came first (its own exit is not in the trace) */
	FTX_GRAPH_CUT_END,	/* the trace ended before its exit */
};

struct ftx_graph_exit {
	enum ftx_graph_end how;
	unsigned long long calltime, rettime;	/* the kernel's (FTX_GRAPH_EXIT only) */
	unsigned long long dur;			/* rettime - calltime; cut: a lower bound */
	/*
	 * In record time: the exit record's timestamp, or for a cut call the
	 * latest of its entry + dur and its children's ends, at most the time of
	 * the record at hand. Calls of a task nest in [frame ts, end].
	 */
	unsigned long long end;
	long long retval;
	bool has_retval;
	struct tep_record *rec;			/* the exit record, or NULL when cut */
};

/*
 * Hooks for consumers of the call stacks other than the printer (analysis:
 * profiles, call trees, flame graphs). @pid is the task (0 for any CPU's
 * idle task, told apart by @f->cpu). Each returns 0, or -1 with errno set to
 * stop ftx_graph_add() with that error. Any may be NULL.
 */
struct ftx_graph_hooks {
	/* @f was pushed on top of @parent (NULL: @f is at the bottom) */
	int (*enter)(void *ctx, int pid, struct ftx_graph_frame *parent,
		     struct ftx_graph_frame *f);
	/* @f leaves the stack; @parent stays (its child_ns already counts @f) */
	int (*leave)(void *ctx, int pid, struct ftx_graph_frame *parent,
		     struct ftx_graph_frame *f, const struct ftx_graph_exit *x);
	/* an exit whose entry is not in the trace; @top is the open call, or NULL */
	int (*orphan)(void *ctx, int pid, struct ftx_graph_frame *top, unsigned long long func,
		      int depth, const struct ftx_graph_exit *x);
	/* any other record, inside the open call @top (NULL: none open) */
	int (*event)(void *ctx, int pid, struct ftx_graph_frame *top, struct tep_record *rec);
};

struct ftx_graph_opts {
	int max_depth;			/* > 0: hide calls deeper than this (relative) */
	unsigned long long min_duration; /* ns; > 0: show only calls at least this long */
	int pid;			/* >= 0: only this task (0 is the idle task) */
	bool pid_set;
	const char *func;		/* only the subtrees rooted at this function */
	bool show_events;		/* print other events as comments (default on) */
};

/**
 * ftx_graph_alloc - start a graph view printing to @out
 * @tep: event formats and symbols of the trace (borrowed; must outlive the graph)
 * @opts: filters (copied); NULL for defaults
 * @out: where lines go (borrowed); NULL prints nothing (for hooks only)
 *
 * Returns a graph the caller frees with ftx_graph_free(), or NULL with errno
 * and ftx_error() set (e.g. the trace has no funcgraph_entry event).
 */
struct ftx_graph *ftx_graph_alloc(struct tep_handle *tep, const struct ftx_graph_opts *opts,
				  FILE *out);

/**
 * ftx_graph_set_hooks - call @h's functions as calls enter and leave the
 * stacks (before any record is added). @h and @ctx are borrowed; NULL removes.
 */
void ftx_graph_set_hooks(struct ftx_graph *g, const struct ftx_graph_hooks *h, void *ctx);

/**
 * ftx_graph_add - feed one record, in timestamp order across CPUs
 * @rec: borrowed record; rec->cpu and rec->ts must be set
 *
 * Returns 0, or -1 with errno set if output failed.
 */
int ftx_graph_add(struct ftx_graph *g, struct tep_record *rec);

/**
 * ftx_graph_lost - events were lost on @cpu before the next record there
 * @count: how many, or 0 when the kernel did not say
 *
 * Marks the stacks of the tasks last seen on @cpu as broken and prints a line.
 */
int ftx_graph_lost(struct ftx_graph *g, int cpu, unsigned long long count);

/**
 * ftx_graph_finish - print what is still open (calls without an exit in the
 * trace) and a closing summary. Returns 0 or -1 on output error.
 */
int ftx_graph_finish(struct ftx_graph *g);

/** ftx_graph_free - free the graph; NULL is fine */
void ftx_graph_free(struct ftx_graph *g);

/**
 * ftx_graph_report - print the call-graph view of a trace.dat file
 * @input: the file
 * @td_flags: FTX_TRACEDAT_* flags for opening it
 * @cpus: one bool per CPU id to keep, or NULL for all; @ncpus entries
 * @opts: filters; NULL for defaults
 * @out: where the lines go
 *
 * Returns 0, or -1 with errno and ftx_error() set (bad file, no
 * function_graph events, output error).
 */
int ftx_graph_report(const char *input, unsigned int td_flags, const bool *cpus, int ncpus,
		     const struct ftx_graph_opts *opts, FILE *out);

/**
 * ftx_graph_mark - the kernel's duration mark for @ns: '$' > 1 s, '@' > 100 ms,
 * '*' > 10 ms, '#' > 1 ms, '!' > 100 us, '+' > 10 us, ' ' otherwise
 */
char ftx_graph_mark(unsigned long long ns);

#endif /* FTX_GRAPH_H */
