/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.dat writer, versions 6 and 7 (see docs/trace-dat-format.md). Version 6
 * is what every trace-cmd, KernelShark and gpuvis reads; version 7 (trace-cmd
 * 3.x, KernelShark 2.x) holds the same data in sections that can be
 * compressed (zstd or zlib). The writer is pure: it takes the metadata as
 * buffers and the per-CPU ring-buffer pages as file ranges, so it runs without
 * root and its tests can build files from fixtures.
 *
 * Everything is written in host byte order (the traced host is the recording
 * host); per-CPU data lands at page-aligned offsets. Version 7 files are laid
 * out as trace-cmd 3.1.6 record writes them: the six metadata sections, an
 * OPTIONS section, the BUFFER section, a second OPTIONS section holding the
 * BUFFER option, and the STRINGS section.
 */
#ifndef FTX_TRACEDAT_WRITE_H
#define FTX_TRACEDAT_WRITE_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Option ids of trace.dat (shared by v6 and v7); ftx invents none. */
enum ftx_tdat_option_id {
	FTX_TDAT_OPT_DONE	= 0,
	FTX_TDAT_OPT_DATE	= 1,
	FTX_TDAT_OPT_CPUSTAT	= 2,
	FTX_TDAT_OPT_BUFFER	= 3,
	FTX_TDAT_OPT_TRACECLOCK	= 4,
	FTX_TDAT_OPT_UNAME	= 5,
	FTX_TDAT_OPT_HOOK	= 6,
	FTX_TDAT_OPT_OFFSET	= 7,
	FTX_TDAT_OPT_CPUCOUNT	= 8,
	FTX_TDAT_OPT_VERSION	= 9,
};

/* Compression of a version 7 file */
enum ftx_tdat_compression {
	FTX_TDAT_COMP_NONE = 0,
	FTX_TDAT_COMP_ZSTD,
	FTX_TDAT_COMP_ZLIB,
};

/**
 * ftx_tdat_compression_parse - "none", "zstd", "zlib", or "any" (the best this
 * build has: zstd, as trace-cmd picks it)
 * Returns the enum value, or -1 with errno EINVAL for another name.
 */
int ftx_tdat_compression_parse(const char *name);

/** ftx_tdat_compression_name - "none", "zstd" or "zlib" */
const char *ftx_tdat_compression_name(enum ftx_tdat_compression c);

/* One events/<system>/<name>/format text (borrowed). */
struct ftx_tdat_format {
	const char *system;		/* "sched"; ignored for ftrace formats */
	const char *name;		/* "sched_switch", for diagnostics */
	const char *text;
	size_t len;
};

/* One option record; @data is borrowed, @size bytes are written as is. */
struct ftx_tdat_option {
	uint16_t id;
	uint32_t size;
	const void *data;
};

/* Where one CPU's raw sub-buffers are: @size bytes of @fd from @offset. */
struct ftx_tdat_cpu_data {
	int fd;				/* -1 or size 0: the CPU has no data */
	off_t offset;
	uint64_t size;
	bool consume;			/* a temp file: discarded behind the copy */
};

/*
 * Everything a v6 file holds besides the CPU data. All buffers are borrowed;
 * NULL text with length 0 writes an empty (size 0) block where the format
 * allows it (kallsyms, printk formats, cmdlines).
 */
struct ftx_tdat_info {
	unsigned int page_size;		/* sub-buffer size: header_page data.offset + data.size */
	unsigned int long_size;		/* sizeof(long) of the recorder; 0 means this program's */
	const char *header_page;
	size_t header_page_len;
	const char *header_event;
	size_t header_event_len;
	const struct ftx_tdat_format *ftrace_formats;
	size_t nr_ftrace_formats;
	/* grouped by system: consecutive entries with the same system form one group */
	const struct ftx_tdat_format *event_formats;
	size_t nr_event_formats;
	const char *kallsyms;
	size_t kallsyms_len;
	const char *printk_formats;
	size_t printk_formats_len;
	const char *cmdlines;
	size_t cmdlines_len;
	unsigned int nr_cpus;
	const struct ftx_tdat_option *options;	/* written in this order; none: no block */
	size_t nr_options;
	const char *clock;		/* "local": the flyrecord clock block; NULL: none */
	unsigned int version;		/* 6 (also 0) or 7 */
	enum ftx_tdat_compression compression;	/* version 7 only */
};

/**
 * ftx_tdat_write - write a complete trace.dat file (@info->version) to @fd
 * @fd: output, positioned at offset 0 (a regular file: version 7 patches
 *	section sizes and offsets in with pwrite once they are known)
 * @info: metadata, borrowed
 * @cpus: @info->nr_cpus entries of per-CPU data, borrowed; each size should
 *	be a multiple of @info->page_size (whole sub-buffers)
 *
 * Version 7 adds the CPUCOUNT option and the section-offset and BUFFER options
 * itself; @info->options should not hold them.
 *
 * Returns 0, or -1 with errno and ftx_error() set (EINVAL for inconsistent
 * @info, or the I/O error).
 */
int ftx_tdat_write(int fd, const struct ftx_tdat_info *info, const struct ftx_tdat_cpu_data *cpus);

/**
 * ftx_tdat_page_size - the sub-buffer size described by a header_page text
 * @header_page: text of events/header_page (need not be NUL-terminated)
 * @len: its length
 * @commit_size: if not NULL, receives the size of the commit field (the
 *	kernel's long size: 8 or 4)
 *
 * Returns data.offset + data.size (4096 on a default kernel), or 0 with errno
 * EINVAL and ftx_error() set if the text has no "data" field.
 */
unsigned int ftx_tdat_page_size(const char *header_page, size_t len, unsigned int *commit_size);

/**
 * ftx_tdat_convert - rewrite the trace.dat @in as @out in another version or
 * compression (trace-cmd convert): metadata, options and the ring-buffer
 * pages are copied unchanged
 * @in: input file (v6 or v7, any compression)
 * @out: output path; written to a temporary file renamed into place when
 *	complete
 * @version: 6 or 7
 * @compression: for version 7
 *
 * Files of the other byte order, with extra instances, or of a latency tracer
 * are refused (EOPNOTSUPP). Returns 0, or -1 with errno and ftx_error() set.
 */
int ftx_tdat_convert(const char *in, const char *out, unsigned int version,
		     enum ftx_tdat_compression compression);

#endif /* FTX_TRACEDAT_WRITE_H */
