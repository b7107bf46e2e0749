/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.dat reader (file versions 6 and 7, trace-cmd's and ftx's).
 *
 * Opens a trace.dat file, builds a libtraceevent tep_handle from its headers
 * (header_page, ftrace and event formats, kallsyms, printk formats, saved
 * cmdlines, options) and iterates the per-CPU ring-buffer pages as one stream
 * merged by timestamp. Memory stays flat as the trace grows: each CPU keeps at
 * most two blocks of pages (v6: read lazily with pread; v7: one decompressed
 * chunk at a time).
 *
 * Records are borrowed. A record returned by ftx_tracedat_next() stays valid
 * while the caller peeks at and takes the record after it (peek, next: what
 * function_graph leaf collapsing does); the step after that invalidates it.
 * A record returned by ftx_tracedat_peek() is valid until the following call
 * of ftx_tracedat_next() returns it (as a copy) or the stream moves on.
 *
 * Every size and offset read from the file is checked against the file size;
 * a bad file makes the call fail with -1/NULL, errno EINVAL (or ENOMEM,
 * EIO), and ftx_error() says "<file>: offset <N>: <what>".
 */
#ifndef FTX_TRACEDAT_H
#define FTX_TRACEDAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct tep_handle;
struct tep_record;
struct ftx_tracedat;

/* Flags of ftx_tracedat_open() */
#define FTX_TRACEDAT_NO_PLUGINS	(1u << 0)	/* do not load libtraceevent plugins */
/*
 * Do not parse kallsyms at open (it is most of the open time and of the
 * memory): the caller calls ftx_tracedat_load_kallsyms() before anything
 * that needs function names.
 */
#define FTX_TRACEDAT_LAZY_KALLSYMS	(1u << 1)
/*
 * Give an event's format to libtraceevent only when asked for
 * (ftx_tracedat_load_event(), ftx_tracedat_load_events()): the tep_handle
 * then holds only the events asked for so far (and at least one). Formats
 * are still read and checked at open; one whose later parse could differ
 * (an id or name twice, other common fields, a print fmt calling functions
 * a plugin may provide, an odd text) is parsed at open as without the flag.
 */
#define FTX_TRACEDAT_LAZY_FORMATS	(1u << 2)

/**
 * ftx_tracedat_open - open a trace.dat file and parse its headers
 * @path: file to read
 * @flags: FTX_TRACEDAT_* flags
 *
 * Returns a reader the caller frees with ftx_tracedat_close(), or NULL with
 * errno set and the reason in ftx_error().
 */
struct ftx_tracedat *ftx_tracedat_open(const char *path, unsigned int flags);

/**
 * ftx_tracedat_open_mem - like ftx_tracedat_open(), from a memory image
 * @data: the whole file; borrowed, must outlive the reader
 * @size: its size in bytes
 * @name: name used in error messages
 * @flags: FTX_TRACEDAT_* flags
 */
struct ftx_tracedat *ftx_tracedat_open_mem(const void *data, size_t size, const char *name,
					   unsigned int flags);

/** ftx_tracedat_close - free a reader and its tep_handle; accepts NULL */
void ftx_tracedat_close(struct ftx_tracedat *td);

/**
 * ftx_tracedat_next - the next record of the stream merged across CPUs
 * @td: reader
 * @rec: receives a borrowed record (see the lifetime rule above)
 *
 * Records come in timestamp order; on equal timestamps the lower CPU first
 * (as trace-cmd). rec->missed_events is set on the first record of a page that
 * lost events: > 0 the count, -1 when the count is unknown.
 * Returns 1 with a record, 0 at the end, -1 on a corrupted file (the reason
 * names the file offset).
 */
int ftx_tracedat_next(struct ftx_tracedat *td, struct tep_record **rec);

/**
 * ftx_tracedat_peek - the record ftx_tracedat_next() would return next
 * Returns 1, 0 at the end, or -1 on error, as ftx_tracedat_next().
 */
int ftx_tracedat_peek(struct ftx_tracedat *td, struct tep_record **rec);

/**
 * ftx_tracedat_next_same, ftx_tracedat_peek_same - like ftx_tracedat_next()
 * and ftx_tracedat_peek(), within the instance @like came from (trace-cmd's
 * function_graph leaf check looks at one instance only)
 */
int ftx_tracedat_next_same(struct ftx_tracedat *td, const struct tep_record *like,
			   struct tep_record **rec);
int ftx_tracedat_peek_same(struct ftx_tracedat *td, const struct tep_record *like,
			   struct tep_record **rec);

/* zero bytes after each page a record is read from (what a damaged __data_loc reads) */
#define FTX_TRACEDAT_PAGE_PAD	((64u << 10) + 64)

/**
 * ftx_tracedat_record_page - the page (ftx_tracedat_page_size() bytes,
 * FTX_TRACEDAT_PAGE_PAD zeros after it) holding the record ftx_tracedat_next() returned last, borrowed
 * until the next call, and @seq, a number that differs for every page one CPU
 * buffer loads: a reader thread handing records to another copies each page
 * once. Returns 0, or -1 when there is no such record.
 */
int ftx_tracedat_record_page(struct ftx_tracedat *td, const void **page, uint64_t *seq);

/**
 * ftx_tracedat_prefetch - decompress ahead in a thread of the reader's own
 * @td: reader, before the first ftx_tracedat_next() (and after
 *	ftx_tracedat_set_cpus())
 * @ahead: chunks kept ready per CPU (fewer with many CPUs: 32 in all at most,
 *	one per CPU at least, so memory stays flat)
 *
 * For compressed (version 7) data: each CPU's next chunks are decompressed
 * while the caller reads; records, errors and their order stay those of the
 * serial reading. Nothing for uncompressed files, or when no thread can be
 * made. Returns 0, or -1 with the reason set (out of memory).
 */
int ftx_tracedat_prefetch(struct ftx_tracedat *td, int ahead);

/**
 * ftx_tracedat_record_instance - the instance a record of this reader comes
 * from: NULL for the top one, else its name (borrowed)
 */
const char *ftx_tracedat_record_instance(const struct tep_record *rec);

/**
 * ftx_tracedat_set_cpus - restrict the stream to some CPUs
 * @td: reader
 * @mask: one bool per CPU id, @n of them; NULL to read all CPUs again
 * @n: number of entries in @mask
 *
 * Call before the first ftx_tracedat_next(). Peeking is not affected only when
 * @mask is NULL; otherwise peek also sees only the selected CPUs.
 */
void ftx_tracedat_set_cpus(struct ftx_tracedat *td, const bool *mask, int n);

/*
 * A record's bytes (@data, @size bytes, in its page) and CPU decide alone
 * whether it is passed over: true, it is never made a record
 */
typedef bool (*ftx_tracedat_skip_fn)(void *arg, int cpu, const void *data, int size);

/**
 * ftx_tracedat_set_skip - pass over records where they sit
 * @td: reader, before the first ftx_tracedat_next() and before
 *	ftx_tracedat_prefetch() for the prefetch thread to use it too
 * @fn: called for each record before it is merged, in the reading thread;
 *	with a prefetch thread started after this call, also in that thread (and
 *	in the reading thread while it decompresses ahead) on each page of a
 *	chunk it decompresses, so a record may be seen more than once and from
 *	two threads at a time: @fn must answer from its arguments alone,
 *	writing nothing. NULL: every record again
 * @arg: @fn's first argument
 *
 * What ftx_tracedat_next() and peeking return is the stream without the
 * records @fn says true of, as if the caller had dropped them, at less cost:
 * no record is made of them, and a page whose records are all passed over
 * (as the prefetch thread finds it: no lost-events mark, nothing odd in it)
 * is not read again. A damaged page fails with the message it gives
 * without @fn, possibly before records of other CPUs that come before it
 * there (a CPU's next record is looked for past the records passed over).
 */
void ftx_tracedat_set_skip(struct ftx_tracedat *td, ftx_tracedat_skip_fn fn, void *arg);

/** ftx_tracedat_tep - the tep_handle built from the file (owned by the reader) */
struct tep_handle *ftx_tracedat_tep(struct ftx_tracedat *td);

/**
 * ftx_tracedat_load_event - parse the format of event @id now if it was left
 * for later (FTX_TRACEDAT_LAZY_FORMATS); nothing if it was parsed or the file
 * has none. It touches the formats and the tep_handle's event list only, so
 * it may run while another thread iterates the same reader.
 * Returns 0, or -1 when libtraceevent's parser faulted on it (reason set).
 */
int ftx_tracedat_load_event(struct ftx_tracedat *td, int id);

/**
 * ftx_tracedat_load_events - as ftx_tracedat_load_event(), for every format
 * left for later whose system and name @match accepts (@match NULL: all)
 */
int ftx_tracedat_load_events(struct ftx_tracedat *td,
			     bool (*match)(const char *sys, const char *name, void *arg), void *arg);

/* Where a number field of an event sits in its records (ftx_tracedat_event_field()) */
struct ftx_tracedat_field {
	unsigned int offset, size;
	bool is_signed;
};

/**
 * ftx_tracedat_event_field - field @name of event @id, a common field or its
 * own (first as tep_find_any_field() finds it), from libtraceevent's parse or,
 * for a format left for later (FTX_TRACEDAT_LAZY_FORMATS), from its checked
 * text without parsing it
 * Returns 1 with *@fl set when it is a plain number (1, 2, 4 or 8 bytes; no
 * array, string, pointer or dynamic field), 0 when the event has no such
 * field, -1 when the file has no event @id, -2 when the field is another kind.
 */
int ftx_tracedat_event_field(struct ftx_tracedat *td, int id, const char *name,
			     struct ftx_tracedat_field *fl);

/** ftx_tracedat_max_event_id - the largest event id of the file's formats, parsed or not; -1: none */
int ftx_tracedat_max_event_id(struct ftx_tracedat *td);

/** ftx_tracedat_cpus - the "cpus=N" count trace-cmd reports for the file */
int ftx_tracedat_cpus(struct ftx_tracedat *td);

/** ftx_tracedat_version - the file version, 6 or 7 */
int ftx_tracedat_version(struct ftx_tracedat *td);

/** ftx_tracedat_clock - the trace clock ("local" when the file names none) */
const char *ftx_tracedat_clock(struct ftx_tracedat *td);

/**
 * ftx_tracedat_ts_in_usecs - whether timestamps are nanoseconds (printed as
 * seconds.microseconds) rather than raw counter values (x86-tsc, counter...)
 */
bool ftx_tracedat_ts_in_usecs(struct ftx_tracedat *td);

/**
 * ftx_tracedat_cpustats - the CPUSTAT options' text, concatenated as trace-cmd
 * does (each ends with a newline); NULL if the file has none. Borrowed.
 */
const char *ftx_tracedat_cpustats(struct ftx_tracedat *td);

/** ftx_tracedat_uname - UNAME option text or NULL (borrowed) */
const char *ftx_tracedat_uname(struct ftx_tracedat *td);

/** ftx_tracedat_tool_version - VERSION option text or NULL (borrowed) */
const char *ftx_tracedat_tool_version(struct ftx_tracedat *td);

/**
 * ftx_tracedat_cpu_data - where one CPU's data lies in the file
 * @td: reader
 * @idx: 0 .. ftx_tracedat_cpus() - 1
 * @offset: receives the file offset
 * @size: receives the size in the file (compressed size for v7 zstd/zlib)
 * Returns 0, or -1 if @idx has no data.
 */
int ftx_tracedat_cpu_data(struct ftx_tracedat *td, int idx, uint64_t *offset, uint64_t *size);

/**
 * ftx_tracedat_cpu_stat - where one CPU's data lies, as trace-cmd --stat says
 * @td: reader
 * @idx: 0 .. ftx_tracedat_cpus() - 1
 * @offset: receives the file offset; v7 zstd/zlib: where trace-cmd places the
 *	decompressed data (one page in, CPU after CPU)
 * @size: receives the size (v7 zstd/zlib: decompressed)
 * Returns 0, or -1 if the file does not list @idx (v7: a CPU without data).
 */
int ftx_tracedat_cpu_stat(struct ftx_tracedat *td, int idx, uint64_t *offset, uint64_t *size);

/**
 * ftx_tracedat_lost_events - events lost per the pages read so far on @cpu
 * (pages whose count was not stored count as one each); ftx_tracedat_lost_pages()
 * is the number of pages that had the missed-events flag.
 */
unsigned long long ftx_tracedat_lost_events(struct ftx_tracedat *td, int cpu);
unsigned long long ftx_tracedat_lost_pages(struct ftx_tracedat *td, int cpu);

/**
 * ftx_tracedat_nr_buffers - number of extra instances (BUFFER options other
 * than the top one); ftx_tracedat_buffer_name() their names (borrowed).
 * Their records are merged into the stream with the top instance's.
 */
int ftx_tracedat_nr_buffers(struct ftx_tracedat *td);
const char *ftx_tracedat_buffer_name(struct ftx_tracedat *td, int i);

/**
 * ftx_tracedat_latency_text - for "latency" files (no ring-buffer data, the
 * text of the trace file instead): where that text lies. Returns 0, or -1 when
 * the file is a normal flyrecord file.
 */
int ftx_tracedat_latency_text(struct ftx_tracedat *td, uint64_t *off, uint64_t *len);

/**
 * ftx_tracedat_load_kallsyms - parse the kallsyms block now (after opening
 * with FTX_TRACEDAT_LAZY_KALLSYMS); does nothing the second time.
 * Returns 0, or -1 with the reason set.
 */
int ftx_tracedat_load_kallsyms(struct ftx_tracedat *td);

/**
 * ftx_tracedat_read - read @len bytes at @off of the file (bounds-checked)
 * Returns 0 or -1 with the reason set.
 */
int ftx_tracedat_read(struct ftx_tracedat *td, uint64_t off, void *buf, size_t len);

/*
 * Raw access, for rewriting a file (ftx convert): the metadata blocks as a
 * version 6 file stores them (a version 7 section's body, decompressed), the
 * options as stored, and a CPU's ring-buffer pages (decompressed).
 */
enum ftx_tracedat_block {
	FTX_TRACEDAT_HEADER_INFO,	/* "header_page\0" u64 size text "header_event\0" ... */
	FTX_TRACEDAT_FTRACE_EVENTS,	/* u32 count, count x { u64 size, text } */
	FTX_TRACEDAT_EVENT_FORMATS,	/* u32 systems, each: name, u32 count, formats */
	FTX_TRACEDAT_KALLSYMS,		/* u32 size, text */
	FTX_TRACEDAT_PRINTK,		/* u32 size, text */
	FTX_TRACEDAT_CMDLINES,		/* u64 size, text */
};

/**
 * ftx_tracedat_block - a copy of one metadata block
 * @td: reader
 * @which: the block
 * @buf: receives a malloc()ed copy the caller frees; NULL with *@len 0 when a
 *	version 7 file has no such section
 * @len: receives its size
 * Numbers inside are in the file's byte order (ftx_tracedat_swapped()).
 * Returns 0, or -1 with the reason set.
 */
int ftx_tracedat_block(struct ftx_tracedat *td, enum ftx_tracedat_block which, char **buf,
		       size_t *len);

/**
 * ftx_tracedat_options_each - call @fn for each option of the file, in file
 * order (all OPTIONS sections of a version 7 file), DONE left out; @data is
 * borrowed for the call. A non-zero return of @fn stops the walk and is
 * returned. Returns 0, or -1 with the reason set when the file is bad.
 */
int ftx_tracedat_options_each(struct ftx_tracedat *td,
			      int (*fn)(unsigned int id, const void *data, size_t size, void *arg),
			      void *arg);

/**
 * ftx_tracedat_cpu_pages - call @fn with the ring-buffer pages of the top
 * instance's CPU @idx (0 .. ftx_tracedat_cpus() - 1), in order, in blocks
 * (one chunk at a time for compressed files); @pages is borrowed for the
 * call. A non-zero return of @fn stops and is returned. Returns 0, or -1
 * with the reason set.
 */
int ftx_tracedat_cpu_pages(struct ftx_tracedat *td, int idx,
			   int (*fn)(const void *pages, size_t len, void *arg), void *arg);

/** ftx_tracedat_swapped - whether the file's byte order is not this host's */
bool ftx_tracedat_swapped(struct ftx_tracedat *td);

/** ftx_tracedat_page_size - the file's ring-buffer page (sub-buffer) size */
unsigned int ftx_tracedat_page_size(struct ftx_tracedat *td);

/** ftx_tracedat_long_size - the recorder's long size from the initial header */
int ftx_tracedat_long_size(struct ftx_tracedat *td);

#endif /* FTX_TRACEDAT_H */
