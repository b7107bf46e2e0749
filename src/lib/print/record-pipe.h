/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to src/lib/print: the reader thread that report (report.c) and the
 * analysis commands (through ftx_record_pipe_*, include/ftx/report.h) read
 * records from, and the --pid fields both it and report's filter read in
 * place. record-pipe.c runs it.
 */
#ifndef FTX_RECORD_PIPE_H
#define FTX_RECORD_PIPE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <traceevent/event-parse.h>

#include "ftx/tracedat.h"
#include "ftx/util.h"

/* ---------------------------------------------------------------- drops by the bytes */

struct pid_fields {
	bool exact;		/* every field below is a plain number: the bytes decide "no" */
	int n;
	struct { unsigned int off, size; bool sign; } f[3];
};

/* --pid's fields per event id and the pids (f NULL: none) */
struct pid_index {
	struct pid_fields *f;
	int max;
	unsigned long long *pids;
	int n;
	bool swap;		/* the file's byte order is not the host's */
	unsigned int type_off, type_size;	/* common_type (pid_match()) */
};

/* Field @i of @pf in @data, as libtraceevent's filter reads it: sign-extended for signed fields */
static inline unsigned long long pid_field(const struct pid_index *pi, const struct pid_fields *pf,
					   int i, const void *data)
{
	unsigned long long v = ftx_read_uint((const char *)data + pf->f[i].off, pf->f[i].size,
					     pi->swap);

	if (pf->f[i].sign && pf->f[i].size < 8 && (v >> (pf->f[i].size * 8 - 1)) & 1)
		v |= ~0ull << (pf->f[i].size * 8);
	return v;
}

/* Whether @v is one of --pid's pids */
static inline bool pid_listed(const struct pid_index *pi, unsigned long long v)
{
	int k;

	for (k = 0; k < pi->n; k++)
		if (v == pi->pids[k])
			return true;
	return false;
}

/*
 * false: no field the --pid filters compare holds one of the pids (the value
 * as libtraceevent's filter reads it: sign-extended for signed fields), so
 * none of them matches; true: tep_filter_match() decides. It reads the
 * record's bytes alone: the reader thread calls it too.
 */
static inline bool pid_may_match(const struct pid_index *pi, const struct tep_record *rec, int type)
{
	const struct pid_fields *pf;
	int i;

	if (type < 0 || type > pi->max || !pi->f[type].exact)
		return true;
	pf = &pi->f[type];
	for (i = 0; i < pf->n; i++) {
		if (pf->f[i].off + pf->f[i].size > (unsigned int)rec->size)
			return true;
		if (pid_listed(pi, pid_field(pi, pf, i, rec->data)))
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------- reader thread */

/*
 * With two CPUs the report runs as a pipeline: a reader thread decompresses
 * and merges the CPU buffers (libtraceevent's kbuffer only; the tep handle
 * stays with the formatting thread) and hands the records over in chunks, in
 * order; the calling thread formats and writes them. Each page a chunk's
 * records come from is copied once into the chunk, followed by the zeros the
 * reader puts after its pages, so every byte a record's formatting reads
 * (a damaged __data_loc reads past the record) is what the serial loop reads.
 * A fixed number of chunks: memory stays flat in the trace's size.
 */
#define PIPE_CHUNKS	4
#define CHUNK_RECS	4096
#define CHUNK_SLOTS	64		/* pages per chunk, more with more CPUs */

struct chunk {
	struct tep_record *recs;
	int n;
	uint8_t *pages;			/* nslots slots: a page, then FTX_TRACEDAT_PAGE_PAD zeros */
	int used;
	int end;			/* 0: more follow; 1: the trace's end; -1: the reader failed */
	int err;
	char msg[256];
	struct chunk *next;
};

/*
 * Records the formatting thread would drop for their bytes alone
 * (--cpu, -F's events, --pid's fields), dropped by the reader
 * instead, before their pages are copied. The formatting thread
 * still filters what it gets. A function_graph entry it prints peeks
 * at the record after it, so the record after each entry kept here
 * is kept too.
 */
struct pipe_drop {
	bool on;
	bool keep_next;			/* the record before was a kept entry */
	int fg_ent;			/* funcgraph_entry's id (-1: none printed so) */
	const bool *cpus;
	int ncpus;
	const bool *may_match;
	int may_max;
	const struct pid_index *pid;
	unsigned int type_off, type_size;
	bool swap;			/* the file's byte order is not the host's */
};

struct pipe {
	struct ftx_tracedat *td;
	pthread_t thread;
	pthread_mutex_t mtx;
	pthread_cond_t cond;
	pthread_mutex_t td_mtx;		/* the reader, while a chunk fills (lazy kallsyms) */
	struct chunk ck[PIPE_CHUNKS];
	struct chunk *full, *full_tail, *free;
	bool stop;
	size_t slot_size, page_size;
	int nslots;
	/* reader thread: where each CPU's current page sits in the chunk filling */
	uint64_t *pseq;
	unsigned int *pgen;
	int *pslot;
	int npcpu;
	unsigned int gen;
	/* formatting thread */
	struct chunk *cur, *ahead;
	int pos, ahead_pos;
	struct pipe_drop drop;		/* set before the thread starts */
};

/*
 * Whether @d drops @rec for its bytes alone (what the formatting thread would
 * drop too); the reader thread's test, also the serial loop's, before the
 * full filter
 */
bool rpipe_drops(struct pipe_drop *d, const struct tep_record *rec);
/*
 * rpipe_drops() as the reader's skip (ftx_tracedat_set_skip(), @arg the
 * pipe_drop): for drops that no record before decides (no funcgraph_entry
 * kept: fg_ent -1, or -F drops every entry), so the
 * records dropped are never made. It only reads @arg: the prefetch thread
 * calls it too, on whole pages.
 */
bool rpipe_skip(void *arg, int cpu, const void *data, int size);
int rpipe_start(struct pipe *p, struct ftx_tracedat *td, const struct pipe_drop *drop);
void rpipe_stop(struct pipe *p);
int rpipe_next(void *ctx, struct tep_record **rec);
int rpipe_peek(void *ctx, struct tep_record **next);
int rpipe_consume(void *ctx);
int rpipe_load_kallsyms(void *ctx);
int rpipe_cpus_usable(void);

#endif
