/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the trace.dat reader (src/lib/read/tracedat-*.c): the reader's
 * state and the helpers its three parts share. tracedat-meta.c parses the
 * headers and options and opens/closes the reader, tracedat-iter.c walks the
 * CPU buffers as one merged record stream, tracedat-guard.c keeps
 * libtraceevent's crashes on malformed formats out of the caller's process.
 */
#ifndef FTX_TRACEDAT_LOCAL_H
#define FTX_TRACEDAT_LOCAL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <traceevent/event-parse.h>
#include <traceevent/kbuffer.h>

#include "ftx/tracedat.h"

#define MAGIC_LEN	10		/* 0x17 0x08 0x44 "tracing" */
#define MAX_CPUS	8192
#define MAX_PAGE	(1u << 20)
#define MAX_META	(512ull << 20)	/* one uncompressed metadata block */
#define META_RATIO	64		/* most a metadata section may grow decompressed */
#define CHUNK_PAGES_MAX	256		/* pages in one CPU data chunk (trace-cmd: 10) */
#define BLOCK_BYTES	(64u << 10)	/* pages read at once from uncompressed data */
/*
 * Zero bytes kept after every page a record is read from (td_cpu.pbuf):
 * libtraceevent trusts the __data_loc offsets/lengths inside a record (up to
 * 64 KiB), so a corrupted record can make it read past the page; it then
 * reads zeros, not the heap.
 */
#define BLOCK_PAD	FTX_TRACEDAT_PAGE_PAD

enum {
	OPT_DONE = 0, OPT_DATE, OPT_CPUSTAT, OPT_BUFFER, OPT_TRACECLOCK, OPT_UNAME, OPT_HOOK,
	OPT_OFFSET, OPT_CPUCOUNT, OPT_VERSION, OPT_PROCMAPS, OPT_TRACEID, OPT_TIME_SHIFT,
	OPT_GUEST, OPT_TSC2NSEC, OPT_STRINGS, OPT_HEADER_INFO, OPT_FTRACE_EVENTS,
	OPT_EVENT_FORMATS, OPT_KALLSYMS, OPT_PRINTK, OPT_CMDLINES, OPT_BUFFER_TEXT,
};

enum { COMP_NONE, COMP_ZSTD, COMP_ZLIB };

struct td_cpu {
	int cpu;			/* CPU id */
	struct td_buffer *buf;		/* NULL: the top instance */
	bool compressed;		/* v7 chunked data */
	uint64_t off, size;		/* data in the file */
	bool listed;			/* in the file's CPU table (v7: BUFFER lists it) */
	uint64_t table_off;		/* where the table gives off/size (for messages) */
	/* reading position */
	uint64_t pos;			/* next byte of [off, off+size) to read */
	uint32_t chunks_left;		/* compressed: chunks not yet read */
	bool started, done, selected;
	uint8_t *blk[2];
	size_t blk_cap[2];
	int cur;			/* block in use */
	size_t blk_len;			/* bytes of pages in the current block */
	size_t pg;			/* offset of the next page in the block */
	/* pages of each block the prefetch thread found skip passes over whole (bit per page) */
	uint64_t blk_skip[2][CHUNK_PAGES_MAX / 64];
	uint64_t blk_foff;		/* file offset of the block (for messages) */
	uint64_t page_foff;		/* file offset of the current page */
	struct kbuffer *kbuf;
	bool page_loaded, advance;
	uint8_t *page;			/* current page: one of pbuf[] */
	/*
	 * Each page is copied out of its block into one of two page buffers
	 * (alternating, so the record before survives a page change), each
	 * followed by BLOCK_PAD zeros: what libtraceevent reads past a page
	 * (a damaged __data_loc) is zeros, as trace-cmd's page-at-a-time
	 * reading gives, not the next page of the file.
	 */
	uint8_t *pbuf[2];
	int pcur;
	unsigned int page_start;	/* offset of its data */
	unsigned int page_data;		/* data bytes (commit) */
	size_t page_end;		/* page_start + page_data */
	int prev_idx;			/* index of the last event returned */
	long long page_lost;		/* what kbuffer_missed_events() says */
	/*
	 * The page's events walked here (walk_next()) rather than by kbuffer
	 * while they are data events and time extends of a little-endian page
	 * (a host of the same order); the next slot's index and the time so far
	 */
	bool walk;
	unsigned int walk_next;
	unsigned long long walk_ts;
	uint64_t page_seq;		/* pages loaded so far (ftx_tracedat_record_page) */
	struct tep_record rec;
	bool have;
	unsigned long long lost_events, lost_pages;
};

/* An instance (a BUFFER option other than the top one) */
struct td_buffer {
	char *name;
	uint64_t off;			/* v6: its flyrecord table; v7: its BUFFER section */
	int index;			/* 1.. (0 is the top instance) */
	/* v7: CPUs with data */
	uint32_t ncpus;
	struct { uint32_t cpu; uint64_t off, size; } *cpus;
};

struct ftx_tracedat {
	const char *name;
	char *name_alloc;
	int fd;
	const uint8_t *mem;
	uint64_t fsize;
	unsigned int flags;

	int version;
	bool big_endian, swap;
	bool walk;			/* pages walked by walk_next() (new format, little-endian) */
	int user_long_size;
	int long_size;			/* kernel long: size of header_page's commit */
	uint32_t page_size;
	uint64_t page_size_off;		/* where page_size was read */
	bool page_size_from_buffer;	/* v7: the BUFFER option's, not the header's */
	uint32_t hp_page_size;		/* header_page: data offset + size (0: unknown) */
	int comp;

	struct tep_handle *tep;
	struct tep_plugin_list *plugins;

	int hdr_cpus;			/* CPU count from the header / CPUCOUNT */
	int ncpus;			/* the top instance's CPUs ("cpus=N"): cpu[0..ncpus) */
	int nall;			/* entries in cpu[]: then the instances' CPUs */
	struct td_cpu *cpu;
	bool data_compressed;
	bool latency;
	uint64_t latency_off;

	char *clock;
	bool use_trace_clock;
	bool clock_named;	/* its text names a clock in [] */
	bool in_usecs;
	uint32_t tsc_mult, tsc_shift;	/* TSC2NSEC: ns = tsc * mult >> shift */
	long long ts_offset;
	char *cpustats;
	size_t cpustats_len;
	char *uname;
	char *tool_version;
	struct td_buffer *buffers;
	int nr_buffers;

	/* v7 section offsets from the options */
	uint64_t sec_off[OPT_BUFFER_TEXT + 1];
	bool have_top_buffer;

	uint8_t *zbuf;			/* compressed chunk scratch */
	size_t zbuf_cap;
	void *zctx;			/* ZSTD_DCtx, made on the first zstd block */

	/*
	 * The canary: a forked child parses the metadata first, because
	 * libtraceevent's parsers crash on some malformed formats; it only
	 * reports how far it got (progress, shared memory).
	 */
	bool canary;
	bool tep_poisoned;		/* a parser faulted inside it: never free it */
	volatile uint64_t *progress;
	/* FTX_TRACEDAT_LAZY_KALLSYMS: where the kallsyms block is, until parsed */
	bool ksyms_pending, ksyms_in_section;
	uint64_t ksyms_off;
	pid_t canary_pid;
	int canary_fd;			/* read end: EOF when the child is gone */
	/* formats read while the canary runs, parsed once it is done */
	struct td_deferred {
		char *sys;		/* NULL: header_page */
		char *buf;
		size_t size;
		uint64_t off;
	} *deferred;
	size_t ndeferred;
	/*
	 * FTX_TRACEDAT_LAZY_FORMATS: formats not parsed yet, from their text
	 * (tracedat-lazy.c); in file order until td_lazy_finish(), then by id
	 */
	struct td_lazy {
		int id;
		bool done;
		char *sys, *name;
		char *buf;		/* the format text, freed once parsed */
		size_t size;
		uint64_t off;
	} *lazy;
	size_t nlazy, lazy_cap;
	bool lazy_off;			/* every format parsed at once from now on */
	char *lazy_common;		/* the common fields' text every lazy format shares */
	size_t lazy_common_len;
	uint8_t *lazy_seen;		/* ids met so far (bit per id) */
	size_t lazy_seen_len;
	int lazy_max_id;

	ftx_tracedat_skip_fn skip;	/* records passed over in the walk (ftx_tracedat_set_skip()) */
	void *skip_arg;
	struct td_prefetch *pf;		/* compressed chunks decompressed ahead (tracedat-iter.c) */

	struct tep_record slot[2];
	int slot_i;
	int pending;			/* CPU index whose head was returned, -1 none */
	bool failed;
};

/* A libtraceevent parse call run under the fault guard (see td_guarded()) */
struct parse_call {
	struct tep_handle *tep;
	char *buf;
	size_t size;
	const char *sys;
	int long_size;
	int ret;
};

/* tracedat-meta.c */

/* Fail the reader: "<file>: offset @off: <fmt>", errno EINVAL; returns -1 */
int td_fail(struct ftx_tracedat *td, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Fail the reader with "out of memory", errno ENOMEM; returns -1 */
int td_nomem(struct ftx_tracedat *td);
/* Read @len bytes at file offset @off, bounds-checked; 0 or -1 (td failed) */
int td_pread(struct ftx_tracedat *td, uint64_t off, void *buf, size_t len);
/* An unsigned number of @size bytes (1, 2, 4, 8) in the file's byte order */
uint64_t td_num(struct ftx_tracedat *td, const void *p, int size);
/* Decompress @slen bytes at @src into exactly @dlen bytes; @at names the place */
int td_decompress(struct ftx_tracedat *td, uint64_t at, const void *src, size_t slen,
		  void *dst, size_t dlen);
/* The same with the zstd context *@zctx (made on first use; td_zctx_free()) */
int td_decompress_ctx(struct ftx_tracedat *td, void **zctx, uint64_t at, const void *src,
		      size_t slen, void *dst, size_t dlen);
void td_zctx_free(void *zctx);
/* Set in the prefetch thread: td_fail() and td_nomem() leave td->failed alone there */
extern __thread bool td_in_prefetch;
/* Parse the headers of @td (name, fd/mem, fsize, flags set); NULL: closed */
struct ftx_tracedat *td_open(struct ftx_tracedat *td);

/* tracedat-iter.c */

/* Stop and free the prefetch thread, if any */
void td_prefetch_stop(struct ftx_tracedat *td);

/* tracedat-lazy.c */

/*
 * A checked, plain format met while reading the formats: kept for later
 * (0, @buf taken), or to be parsed now (1: its print fmt calls functions a
 * plugin may provide, or laziness is off), or -1 failed
 */
int td_lazy_add(struct ftx_tracedat *td, const char *sys, char *buf, size_t size, uint64_t off);
/* Parse every format kept, in file order, and keep none from now on */
int td_lazy_flush(struct ftx_tracedat *td);
/* After the formats: the index made final (or flushed where it cannot be) */
int td_lazy_finish(struct ftx_tracedat *td);
void td_lazy_free(struct ftx_tracedat *td);

/* tracedat-guard.c */

/* Run @fn(@pc) with faults caught: 0, or the signal that stopped it */
int td_guard_call(void (*fn)(struct parse_call *), struct parse_call *pc);

/* Run @fn(@pc) with faults caught: a fault fails the reader at @off; 0 or -1 */
int td_guarded(struct ftx_tracedat *td, uint64_t off, const char *what,
	       void (*fn)(struct parse_call *), struct parse_call *pc);
/* Fork a child that parses all the metadata first (does nothing if it cannot) */
void td_canary_start(struct ftx_tracedat *td);
/* Wait for the child: 0 the metadata is safe to parse here, -1 it died on it */
int td_canary_wait(struct ftx_tracedat *td);
/* Kill and reap a child still running (reader closed early) */
void td_canary_stop(struct ftx_tracedat *td);

/*
 * @p at a C string or char literal's opening quote in format text: the
 * closing quote (backslash escapes skipped), NULL when the text ends first.
 */
static inline const char *td_skip_quoted(const char *p)
{
	char quote = *p;

	for (p++; *p != quote; p++) {
		if (!*p)
			return NULL;
		if (*p == '\\' && !*++p)
			return NULL;
	}
	return p;
}

#endif /* FTX_TRACEDAT_LOCAL_H */
