/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the analysis modules (not part of the public API) */
#ifndef FTX_ANALYSIS_LOCAL_H
#define FTX_ANALYSIS_LOCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <traceevent/event-parse.h>

#include "ftx/analysis.h"
#include "ftx/graph.h"
#include "ftx/report.h"
#include "ftx/tracedat.h"

struct tep_handle;
struct tep_record;
struct ftx_tracedat;

/* The child of @parent for (@kind, @key), made on first use; NULL: ENOMEM */
struct ftx_cnode *ftx_calltree_child(struct ftx_calltree *ct, struct ftx_cnode *parent,
				     enum ftx_cnode_kind kind, unsigned long long key);

/* A detached root for trees merged from parts of the call tree (freed with it) */
struct ftx_cnode *ftx_calltree_scratch(struct ftx_calltree *ct);

/* Open @o->input lazily (kallsyms on demand) with its CPU selection */
struct ftx_tracedat *ftx_analysis_open(const struct ftx_analysis_opts *o);

/*
 * An analysis' records: from the report's reader thread (which reads and
 * merges the file while the analysis works) when a second CPU is free
 */
struct ftx_analysis_reader {
	struct ftx_tracedat *td;
	struct ftx_record_pipe *pipe;	/* NULL: read serially */
	struct tep_record *more;	/* the pipe's records after the last one given */
	int nmore;
	int type;			/* the event id of the last record given */
	struct ftx_recfmt rf;
	unsigned char *tried;		/* per event id: its format was asked for (lazy formats) */
	int maxid;
};

/*
 * Start reading @td, in a thread when @thread and a second CPU is free (a
 * consumer doing little per record loses more to the page copies and the
 * handover than it gains). 0, or -1 (ENOMEM) with nothing started.
 */
int ftx_analysis_read_start(struct ftx_analysis_reader *r, struct ftx_tracedat *td, bool thread);

/* Stop the thread, if one reads; @td stays open */
void ftx_analysis_read_stop(struct ftx_analysis_reader *r);

/* The format of event @type, met for the first time; 1, or -1 (reason set) */
int ftx_analysis_load_event(struct ftx_analysis_reader *r, int type);

/*
 * As ftx_tracedat_next(); the event of a record is known to libtraceevent
 * (its format parsed, when the file's are parsed as needed) when it comes,
 * its id in r->type. From the pipe a chunk's records at a time.
 */
static inline int ftx_analysis_next(struct ftx_analysis_reader *r, struct tep_record **rec)
{
	int ret, type;

	if (r->nmore) {
		r->nmore--;
		*rec = r->more++;
	} else {
		ret = r->pipe ? ftx_record_pipe_next_batch(r->pipe, rec, &r->more, &r->nmore) :
				ftx_tracedat_next(r->td, rec);
		if (ret != 1)
			return ret;
	}
	type = ftx_recfmt_type(&r->rf, (*rec)->data);
	r->type = type;
	if (type >= 0 && type <= r->maxid && !r->tried[type])
		return ftx_analysis_load_event(r, type);
	return 1;
}

/* ftx_tracedat_load_kallsyms(), also while the thread reads */
static inline int ftx_analysis_load_kallsyms(struct ftx_analysis_reader *r)
{
	return r->pipe ? ftx_record_pipe_load_kallsyms(r->pipe) : ftx_tracedat_load_kallsyms(r->td);
}

/* The test of ftx_analysis_wanted() when @o selects a window or tasks */
bool ftx_analysis_wanted_slow(const struct ftx_analysis_opts *o, struct tep_handle *tep,
			      struct tep_record *rec);

/* Whether @rec is inside @o's window and task selection (inline: once per record) */
static inline bool ftx_analysis_wanted(const struct ftx_analysis_opts *o, struct tep_handle *tep,
				       struct tep_record *rec)
{
	if (!o->from_set && !o->to_set && !o->npids)
		return true;
	return ftx_analysis_wanted_slow(o, tep, rec);
}

/* Name of a node key (see ftx_calltree_name) */
const char *ftx_analysis_name(struct tep_handle *tep, enum ftx_cnode_kind kind,
			      unsigned long long key, char *buf, size_t len);

/* "FILE, Linux RELEASE MACHINE" (static buffer) */
const char *ftx_analysis_describe(struct ftx_tracedat *td, const char *input);

/* "12.345 us" / "1.234 ms" / "2.000 s" into @buf */
const char *ftx_analysis_time(unsigned long long ns, char *buf, size_t len);

/* The "#" lines on cut calls and lost events after a table */
void ftx_analysis_annotate(struct ftx_calltree *ct, FILE *out);

/* @n's children in an array the caller frees: biggest total first, or by name */
const struct ftx_cnode **ftx_analysis_children(struct ftx_calltree *ct, const struct ftx_cnode *n,
					       size_t *count, bool by_name);
int ftx_analysis_cmp_name(const void *x, const void *y);

/* fflush + ferror as -1/EIO with the reason set */
int ftx_analysis_flush(FILE *out);

#endif /* FTX_ANALYSIS_LOCAL_H */
