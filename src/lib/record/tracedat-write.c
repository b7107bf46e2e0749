// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat writer. Version 6 has a fixed layout (docs/trace-dat-format.md
 * section 2): initial header, header_page/header_event, ftrace formats, event
 * formats, kallsyms, printk formats, cmdlines, CPU count, options,
 * "flyrecord" with the per-CPU offset/size table, the clock block, and the
 * per-CPU sub-buffers at page-aligned offsets.
 *
 * Version 7 (section 3) holds the same blocks in sections, in the order
 * trace-cmd 3.1.6 record writes them. Sizes and offsets that are only known
 * once the (compressed) data is out are patched in with pwrite.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/sendfile.h>

#include <zlib.h>
#include <zstd.h>

#include "ftx/error.h"
#include "ftx/test-hook.h"
#include "ftx/tracedat-write.h"
#include "ftx/util.h"

#define OUT_BUF_SIZE	(64 * 1024)

/*
 * The output: a file (fd >= 0) written through a 64 KiB buffer, or memory
 * (fd -1: a section body being built, buf grows).
 */
struct out {
	int fd;
	uint64_t off;		/* file offset (memory: length) of the next byte written */
	size_t fill;
	int err;		/* first errno seen; later writes are no-ops */
	char *buf;
	size_t cap;
};

static void out_flush(struct out *o)
{
	if (o->err || !o->fill || o->fd < 0)
		return;
	if (ftx_write_all(o->fd, o->buf, o->fill) < 0)
		o->err = errno;
	o->fill = 0;
}

static void out_bytes(struct out *o, const void *p, size_t len)
{
	/* an empty section may come as (NULL, 0): memcpy() must not see it */
	if (o->err || !len)
		return;
	o->off += len;
	if (o->fd < 0) {
		if (o->fill + len > o->cap) {
			size_t cap = o->cap ? o->cap : OUT_BUF_SIZE;
			char *n;

			while (cap < o->fill + len)
				cap *= 2;
			n = realloc(o->buf, cap);
			if (!n) {
				o->err = ENOMEM;
				return;
			}
			o->buf = n;
			o->cap = cap;
		}
		memcpy(o->buf + o->fill, p, len);
		o->fill += len;
		return;
	}
	if (len >= OUT_BUF_SIZE) {
		out_flush(o);
		if (!o->err && ftx_write_all(o->fd, p, len) < 0)
			o->err = errno;
		return;
	}
	if (o->fill + len > OUT_BUF_SIZE)
		out_flush(o);
	memcpy(o->buf + o->fill, p, len);
	o->fill += len;
}

static void out_zeros(struct out *o, size_t len)
{
	static const char zero[4096];

	while (len) {
		size_t n = len < sizeof(zero) ? len : sizeof(zero);

		out_bytes(o, zero, n);
		len -= n;
	}
}

static void out_str(struct out *o, const char *s)
{
	out_bytes(o, s, strlen(s) + 1);
}

static void out_u16(struct out *o, uint16_t v)
{
	out_bytes(o, &v, sizeof(v));
}

static void out_u32(struct out *o, uint32_t v)
{
	out_bytes(o, &v, sizeof(v));
}

static void out_u64(struct out *o, uint64_t v)
{
	out_bytes(o, &v, sizeof(v));
}

/* Write @v at @pos, a place already passed (the output is flushed first). */
static void out_patch(struct out *o, uint64_t pos, const void *v, size_t len)
{
	out_flush(o);
	if (o->err)
		return;
	if (pwrite(o->fd, v, len, pos) != (ssize_t)len)
		o->err = errno ? errno : EIO;
}

static void out_patch_u64(struct out *o, uint64_t pos, uint64_t v)
{
	out_patch(o, pos, &v, sizeof(v));
}

/* One pread/write chunk of the plain copy. */
static ssize_t copy_plain(int out, int in, off_t *offset, size_t len)
{
	static __thread char buf[OUT_BUF_SIZE];
	ssize_t n;

	if (len > sizeof(buf))
		len = sizeof(buf);
	do
		n = pread(in, buf, len, *offset);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n;
	if (ftx_write_all(out, buf, n) < 0)
		return -1;
	*offset += n;
	return n;
}

#define COPY_CHUNK	(4u << 20)

/*
 * Copy @size bytes of @fd from @offset to the output (already flushed), in
 * the kernel where it can: copy_file_range (a reflink on btrfs/XFS, a
 * server-side copy on NFS, else a page-cache copy), then sendfile, then
 * pread/write. With @consume the source is discarded behind the copy (hole
 * punching), so the copy needs little more room than the data: on a nearly
 * full disk the temp files make the room for the file.
 */
static void out_copy_fd(struct out *o, int fd, off_t offset, uint64_t size, bool consume)
{
	uint64_t left = size;
	int how = 0;		/* 0 copy_file_range, 1 sendfile, 2 plain */

	if (o->err)
		return;
	out_flush(o);
	ftx_test_pause("record-write");	/* the metadata written, the data not yet */
	while (!o->err && left) {
		size_t chunk = left > COPY_CHUNK ? COPY_CHUNK : left;
		off_t start = offset, out_off;
		ssize_t n;

		if (how == 0) {
			/* loff_t: 64 bits even where off_t is 32 (armhf without LFS) */
			loff_t in_off = offset, o64;

			out_off = lseek(o->fd, 0, SEEK_CUR);
			o64 = out_off;
			n = out_off < 0 ? -1 : copy_file_range(fd, &in_off, o->fd, &o64, chunk, 0);
			if (n > 0) {
				offset = in_off;
				if (lseek(o->fd, o64, SEEK_SET) < 0)
					n = -1;
			}
		} else if (how == 1) {
			n = sendfile(o->fd, fd, &offset, chunk);
		} else {
			n = copy_plain(o->fd, fd, &offset, chunk);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && how < 2 && (errno == EINVAL || errno == ENOSYS || errno == EXDEV ||
					 errno == EOPNOTSUPP || errno == EBADF || errno == EFBIG)) {
			how++;		/* not a pair this method copies: the next one */
			continue;
		}
		if (n <= 0) {
			o->err = n < 0 ? errno : EIO;	/* source shorter than promised */
			break;
		}
		if (consume && fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, start, n) < 0)
			consume = false;	/* no hole punching here: keep both copies */
		left -= n;
	}
	o->off += size;
}

/* Find "field: ... <name>;\toffset:N;\tsize:M;" in a header_page text. */
static bool header_field(const char *text, size_t len, const char *name,
			 unsigned int *offset, unsigned int *size)
{
	const char *p = text, *end = text + len;
	size_t nlen = strlen(name);

	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);
		const char *semi, *q;

		if (!eol)
			eol = end;
		semi = memchr(p, ';', eol - p);
		if (semi && semi - p > (ptrdiff_t)nlen && !memcmp(semi - nlen, name, nlen) &&
		    (semi[-(ptrdiff_t)nlen - 1] == ' ' || semi[-(ptrdiff_t)nlen - 1] == '\t')) {
			char tmp[128];
			size_t l = eol - semi;

			if (l >= sizeof(tmp))
				l = sizeof(tmp) - 1;
			memcpy(tmp, semi, l);
			tmp[l] = '\0';
			q = strstr(tmp, "offset:");
			if (q && sscanf(q, "offset:%u;", offset) == 1) {
				q = strstr(tmp, "size:");
				if (q && sscanf(q, "size:%u;", size) == 1)
					return true;
			}
		}
		p = eol + 1;
	}
	return false;
}

unsigned int ftx_tdat_page_size(const char *header_page, size_t len, unsigned int *commit_size)
{
	unsigned int off, size, coff, csize;

	if (!header_page || !header_field(header_page, len, "data", &off, &size) ||
	    !header_field(header_page, len, "commit", &coff, &csize)) {
		errno = EINVAL;
		ftx_error_set("header_page has no data/commit field");
		return 0;
	}
	if (commit_size)
		*commit_size = csize;
	return off + size;
}

int ftx_tdat_compression_parse(const char *name)
{
	if (!strcmp(name, "none"))
		return FTX_TDAT_COMP_NONE;
	if (!strcmp(name, "zstd") || !strcmp(name, "any"))
		return FTX_TDAT_COMP_ZSTD;
	if (!strcmp(name, "zlib"))
		return FTX_TDAT_COMP_ZLIB;
	errno = EINVAL;
	return -1;
}

const char *ftx_tdat_compression_name(enum ftx_tdat_compression c)
{
	switch (c) {
	case FTX_TDAT_COMP_ZSTD:
		return "zstd";
	case FTX_TDAT_COMP_ZLIB:
		return "zlib";
	default:
		return "none";
	}
}

static const char *compression_version(enum ftx_tdat_compression c)
{
	switch (c) {
	case FTX_TDAT_COMP_ZSTD:
		return ZSTD_versionString();
	case FTX_TDAT_COMP_ZLIB:
		return zlibVersion();
	default:
		return "";
	}
}

/*
 * Compress @len bytes of @src into a malloc()ed block (*@clen bytes). zstd at
 * its default level, zlib at its best, as trace-cmd. NULL with errno on error.
 */
static void *compress_block(enum ftx_tdat_compression c, const void *src, size_t len,
			    size_t *clen)
{
	void *dst;

	if (c == FTX_TDAT_COMP_ZSTD) {
		size_t cap = ZSTD_compressBound(len), r;

		dst = malloc(cap ? cap : 1);
		if (!dst)
			return NULL;
		r = ZSTD_compress(dst, cap, src, len, ZSTD_CLEVEL_DEFAULT);
		if (ZSTD_isError(r)) {
			free(dst);
			errno = EIO;
			return NULL;
		}
		*clen = r;
		return dst;
	}
	{
		uLongf cap = compressBound(len);

		dst = malloc(cap ? cap : 1);
		if (!dst)
			return NULL;
		if (compress2(dst, &cap, src, len, Z_BEST_COMPRESSION) != Z_OK) {
			free(dst);
			errno = EIO;
			return NULL;
		}
		*clen = cap;
		return dst;
	}
}

static int check_info(const struct ftx_tdat_info *info, const struct ftx_tdat_cpu_data *cpus)
{
	size_t i;

	if (info->version && info->version != 6 && info->version != 7) {
		ftx_error_set("trace.dat writer: file version %u (6 and 7 are known)",
			      info->version);
		return -1;
	}
	if (info->version != 7 && info->compression != FTX_TDAT_COMP_NONE) {
		ftx_error_set("trace.dat writer: compression needs file version 7");
		return -1;
	}
	if (info->compression > FTX_TDAT_COMP_ZLIB) {
		ftx_error_set("trace.dat writer: unknown compression %d", info->compression);
		return -1;
	}
	if (!info->page_size || (info->page_size & (info->page_size - 1))) {
		ftx_error_set("trace.dat writer: page size %u is not a power of two",
			      info->page_size);
		return -1;
	}
	if (!info->header_page || !info->header_event) {
		ftx_error_set("trace.dat writer: header_page/header_event missing");
		return -1;
	}
	if (info->nr_cpus && !cpus) {
		ftx_error_set("trace.dat writer: no CPU table");
		return -1;
	}
	for (i = 0; i < info->nr_event_formats; i++) {
		if (!info->event_formats[i].system || !info->event_formats[i].text) {
			ftx_error_set("trace.dat writer: event format %zu incomplete", i);
			return -1;
		}
	}
	for (i = 0; i < info->nr_ftrace_formats; i++) {
		if (!info->ftrace_formats[i].text) {
			ftx_error_set("trace.dat writer: ftrace format %zu has no text", i);
			return -1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- blocks (v6 layout) */

static void write_header_info(struct out *o, const struct ftx_tdat_info *info)
{
	out_bytes(o, "header_page", 12);
	out_u64(o, info->header_page_len);
	out_bytes(o, info->header_page, info->header_page_len);
	out_bytes(o, "header_event", 13);
	out_u64(o, info->header_event_len);
	out_bytes(o, info->header_event, info->header_event_len);
}

static void write_ftrace_formats(struct out *o, const struct ftx_tdat_info *info)
{
	size_t i;

	out_u32(o, info->nr_ftrace_formats);
	for (i = 0; i < info->nr_ftrace_formats; i++) {
		out_u64(o, info->ftrace_formats[i].len);
		out_bytes(o, info->ftrace_formats[i].text, info->ftrace_formats[i].len);
	}
}

static void write_event_formats(struct out *o, const struct ftx_tdat_info *info)
{
	const struct ftx_tdat_format *f = info->event_formats;
	size_t n = info->nr_event_formats, i, j;
	uint32_t nr_systems = 0;

	for (i = 0; i < n; i++)
		if (!i || strcmp(f[i].system, f[i - 1].system))
			nr_systems++;
	out_u32(o, nr_systems);
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && !strcmp(f[j].system, f[i].system); j++)
			;
		out_str(o, f[i].system);
		out_u32(o, j - i);
		for (size_t k = i; k < j; k++) {
			out_u64(o, f[k].len);
			out_bytes(o, f[k].text, f[k].len);
		}
	}
}

static void write_kallsyms(struct out *o, const struct ftx_tdat_info *info)
{
	out_u32(o, info->kallsyms_len);
	out_bytes(o, info->kallsyms, info->kallsyms_len);
}

static void write_printk(struct out *o, const struct ftx_tdat_info *info)
{
	out_u32(o, info->printk_formats_len);
	out_bytes(o, info->printk_formats, info->printk_formats_len);
}

static void write_cmdlines(struct out *o, const struct ftx_tdat_info *info)
{
	out_u64(o, info->cmdlines_len);
	out_bytes(o, info->cmdlines, info->cmdlines_len);
}

static void write_initial_header(struct out *o, const struct ftx_tdat_info *info,
				 const char *version)
{
	static const char magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	uint16_t one = 1;

	out_bytes(o, magic, sizeof(magic));
	out_str(o, version);
	out_bytes(o, &(char){ *(char *)&one ? 0 : 1 }, 1);	/* 0: little endian */
	out_bytes(o, &(char){ info->long_size ? info->long_size : sizeof(long) }, 1);
	out_u32(o, info->page_size);
}

/* ---------------------------------------------------------------- version 6 */

static int write_v6(struct out *o, const struct ftx_tdat_info *info,
		    const struct ftx_tdat_cpu_data *cpus, uint64_t *offsets)
{
	uint64_t data_off;
	unsigned int cpu;
	size_t i;

	write_initial_header(o, info, "6");
	write_header_info(o, info);
	write_ftrace_formats(o, info);
	write_event_formats(o, info);
	write_kallsyms(o, info);
	write_printk(o, info);
	write_cmdlines(o, info);

	out_u32(o, info->nr_cpus);

	if (info->nr_options) {
		out_bytes(o, "options  ", 10);
		for (i = 0; i < info->nr_options; i++) {
			out_u16(o, info->options[i].id);
			out_u32(o, info->options[i].size);
			out_bytes(o, info->options[i].data, info->options[i].size);
		}
		out_u16(o, FTX_TDAT_OPT_DONE);	/* v6: a bare id, no size */
	}

	out_bytes(o, "flyrecord", 10);
	/* the data offsets follow from the table and clock block sizes */
	data_off = o->off + 16ull * info->nr_cpus;
	if (info->clock)
		data_off += 8 + strlen(info->clock) + 2;
	for (cpu = 0; cpu < info->nr_cpus; cpu++) {
		uint64_t size = cpus[cpu].fd >= 0 ? cpus[cpu].size : 0;

		if (!size)
			continue;
		data_off = (data_off + info->page_size - 1) & ~(uint64_t)(info->page_size - 1);
		offsets[cpu] = data_off;
		data_off += size;
	}
	for (cpu = 0; cpu < info->nr_cpus; cpu++) {
		out_u64(o, offsets[cpu]);
		out_u64(o, offsets[cpu] ? cpus[cpu].size : 0);
	}
	if (info->clock) {
		out_u64(o, strlen(info->clock) + 2);
		out_bytes(o, "[", 1);
		out_bytes(o, info->clock, strlen(info->clock));
		out_bytes(o, "]", 1);
	}
	for (cpu = 0; cpu < info->nr_cpus; cpu++) {
		if (!offsets[cpu])
			continue;
		out_zeros(o, offsets[cpu] - o->off);
		out_copy_fd(o, cpus[cpu].fd, cpus[cpu].offset, cpus[cpu].size, cpus[cpu].consume);
	}
	return 0;
}

/* ---------------------------------------------------------------- version 7 */

/* Section ids beyond the option ids of the header */
enum {
	SEC_OPTIONS = 0,
	SEC_BUFFER = 3,
	SEC_STRINGS = 15,
	SEC_HEADER_INFO = 16,
	SEC_FTRACE_EVENTS,
	SEC_EVENT_FORMATS,
	SEC_KALLSYMS,
	SEC_PRINTK,
	SEC_CMDLINES,
};

/* The section descriptions, in the STRINGS section in this order (as trace-cmd) */
enum { D_HEADERS, D_FTRACE, D_EVENTS, D_KALLSYMS, D_PRINTK, D_CMDLINES, D_OPTIONS,
       D_BUFFER, D_OPTIONS2, D_STRINGS, NR_DESC };
static const char *const desc_text[NR_DESC] = {
	"headers", "ftrace events", "events format", "kallsyms", "printk", "command lines",
	"options", "buffer flyrecord ", "options", "strings",
};

/* The string id of description @d: its offset in the STRINGS section */
static uint32_t desc_id(int d)
{
	uint32_t off = 0;

	for (int i = 0; i < d; i++)
		off += strlen(desc_text[i]) + 1;
	return off;
}

#define CHUNK_PAGES	10	/* pages per compressed chunk, as trace-cmd */

static void section_header(struct out *o, uint16_t id, uint16_t flags, int desc, uint64_t size)
{
	out_u16(o, id);
	out_u16(o, flags);
	out_u32(o, desc_id(desc));
	out_u64(o, size);
}

/* A metadata section whose body @m built in memory: compressed when the file is */
static void write_body_section(struct out *o, enum ftx_tdat_compression comp, uint16_t id,
			       int desc, const struct out *m)
{
	void *z;
	size_t zlen;

	if (m->err) {
		o->err = o->err ? o->err : m->err;
		return;
	}
	if (comp == FTX_TDAT_COMP_NONE) {
		section_header(o, id, 0, desc, m->fill);
		out_bytes(o, m->buf, m->fill);
		return;
	}
	z = compress_block(comp, m->buf, m->fill, &zlen);
	if (!z) {
		o->err = o->err ? o->err : errno;
		return;
	}
	section_header(o, id, 1, desc, 8 + zlen);
	out_u32(o, zlen);
	out_u32(o, m->fill);
	out_bytes(o, z, zlen);
	free(z);
}

static void write_meta_section(struct out *o, const struct ftx_tdat_info *info, uint16_t id,
			       int desc, void (*fill)(struct out *, const struct ftx_tdat_info *))
{
	struct out m = { .fd = -1 };

	fill(&m, info);
	write_body_section(o, info->compression, id, desc, &m);
	free(m.buf);
}

/* One CPU's pages, in chunks of CHUNK_PAGES pages, each compressed alone */
static void write_cpu_chunks(struct out *o, const struct ftx_tdat_info *info,
			     const struct ftx_tdat_cpu_data *c)
{
	size_t chunk = (size_t)CHUNK_PAGES * info->page_size, zlen;
	uint64_t done = 0, nr = (c->size + chunk - 1) / chunk;
	char *buf = malloc(chunk);

	if (!buf) {
		o->err = ENOMEM;
		return;
	}
	out_u32(o, nr);
	while (!o->err && done < c->size) {
		size_t want = c->size - done < chunk ? c->size - done : chunk, got = 0;
		void *z;

		while (got < want) {
			ssize_t n = pread(c->fd, buf + got, want - got, c->offset + done + got);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				o->err = n < 0 ? errno : EIO;	/* source shorter than promised */
				break;
			}
			got += n;
		}
		if (o->err)
			break;
		z = compress_block(info->compression, buf, want, &zlen);
		if (!z) {
			o->err = errno;
			break;
		}
		out_u32(o, zlen);
		out_u32(o, want);
		out_bytes(o, z, zlen);
		free(z);
		done += want;
	}
	free(buf);
}

static bool has_option(const struct ftx_tdat_info *info, uint16_t id)
{
	for (size_t i = 0; i < info->nr_options; i++)
		if (info->options[i].id == id)
			return true;
	return false;
}

static void out_option_u64(struct out *o, uint16_t id, uint64_t v)
{
	out_u16(o, id);
	out_u32(o, 8);
	out_u64(o, v);
}

/* The metadata sections, in trace-cmd 3.1.6 record's order, with their v6 block writers */
static const struct {
	uint16_t id;
	int desc;
	void (*fill)(struct out *, const struct ftx_tdat_info *);
} meta_sections[] = {
	{ SEC_HEADER_INFO, D_HEADERS, write_header_info },
	{ SEC_FTRACE_EVENTS, D_FTRACE, write_ftrace_formats },
	{ SEC_EVENT_FORMATS, D_EVENTS, write_event_formats },
	{ SEC_KALLSYMS, D_KALLSYMS, write_kallsyms },
	{ SEC_PRINTK, D_PRINTK, write_printk },
	{ SEC_CMDLINES, D_CMDLINES, write_cmdlines },
};

static int write_v7(struct out *o, const struct ftx_tdat_info *info,
		    const struct ftx_tdat_cpu_data *cpus, uint64_t *offsets, uint64_t *sizes)
{
	const char *clock = info->clock ? info->clock : "local";
	bool comp = info->compression != FTX_TDAT_COMP_NONE, cpucount;
	uint64_t first_opt_at, sec[SEC_CMDLINES + 1] = { 0 }, opt1, done1_at, buf_sec, opt2;
	uint64_t size, nr_data = 0;
	struct out m = { .fd = -1 };
	unsigned int cpu;
	size_t i;

	write_initial_header(o, info, "7");
	out_str(o, ftx_tdat_compression_name(info->compression));
	out_str(o, compression_version(info->compression));
	first_opt_at = o->off;
	out_u64(o, 0);			/* patched: the first OPTIONS section */

	/* the metadata sections, each at a known offset for its option */
	for (i = 0; i < FTX_ARRAY_SIZE(meta_sections); i++) {
		sec[meta_sections[i].id] = o->off;
		write_meta_section(o, info, meta_sections[i].id, meta_sections[i].desc,
				   meta_sections[i].fill);
	}

	/* OPTIONS: section offsets, the caller's options, CPUCOUNT, DONE -> the second one */
	cpucount = !has_option(info, FTX_TDAT_OPT_CPUCOUNT);
	size = 6 * (6 + 8) + (cpucount ? 6 + 4 : 0) + 6 + 8;
	for (i = 0; i < info->nr_options; i++)
		size += 6 + info->options[i].size;
	opt1 = o->off;
	section_header(o, SEC_OPTIONS, 0, D_OPTIONS, size);
	for (i = SEC_HEADER_INFO; i <= SEC_PRINTK; i++)
		out_option_u64(o, i, sec[i]);
	for (i = 0; i < info->nr_options; i++) {
		out_u16(o, info->options[i].id);
		out_u32(o, info->options[i].size);
		out_bytes(o, info->options[i].data, info->options[i].size);
	}
	out_option_u64(o, SEC_CMDLINES, sec[SEC_CMDLINES]);
	if (cpucount) {
		out_u16(o, FTX_TDAT_OPT_CPUCOUNT);
		out_u32(o, 4);
		out_u32(o, info->nr_cpus);
	}
	out_u16(o, FTX_TDAT_OPT_DONE);
	out_u32(o, 8);
	done1_at = o->off;
	out_u64(o, 0);			/* patched: the second OPTIONS section */

	/* BUFFER: each CPU's pages at a page-aligned offset, padding inside the section */
	buf_sec = o->off;
	section_header(o, SEC_BUFFER, comp ? 1 : 0, D_BUFFER, 0);	/* size patched */
	for (cpu = 0; cpu < info->nr_cpus; cpu++) {
		const struct ftx_tdat_cpu_data *c = &cpus[cpu];
		uint64_t at;

		if (c->fd < 0 || !c->size)
			continue;
		at = (o->off + info->page_size - 1) & ~(uint64_t)(info->page_size - 1);
		out_zeros(o, at - o->off);
		offsets[cpu] = at;
		if (comp) {
			write_cpu_chunks(o, info, c);
			/* the size trace-cmd stores leaves out the chunk count */
			sizes[cpu] = o->off - at - 4;
		} else {
			out_copy_fd(o, c->fd, c->offset, c->size, c->consume);
			sizes[cpu] = c->size;
		}
		nr_data++;
	}
	out_patch_u64(o, buf_sec + 8, o->off - buf_sec - 16);

	/* the second OPTIONS section: the BUFFER option of the top instance */
	opt2 = o->off;
	out_patch_u64(o, done1_at, opt2);
	size = 6 + 8 + 1 + strlen(clock) + 1 + 4 + 4 + nr_data * 20;
	section_header(o, SEC_OPTIONS, 0, D_OPTIONS2, size + 6 + 8);
	out_u16(o, FTX_TDAT_OPT_BUFFER);
	out_u32(o, size - 6);
	out_u64(o, buf_sec);
	out_str(o, "");
	out_str(o, clock);
	out_u32(o, info->page_size);
	out_u32(o, nr_data);
	for (cpu = 0; cpu < info->nr_cpus; cpu++) {
		if (!offsets[cpu])
			continue;
		out_u32(o, cpu);
		out_u64(o, offsets[cpu]);
		out_u64(o, sizes[cpu]);
	}
	out_u16(o, FTX_TDAT_OPT_DONE);
	out_u32(o, 8);
	out_u64(o, 0);

	/* STRINGS last, naming itself too */
	for (i = 0; i < NR_DESC; i++)
		out_str(&m, desc_text[i]);
	write_body_section(o, info->compression, SEC_STRINGS, D_STRINGS, &m);
	free(m.buf);

	out_patch_u64(o, first_opt_at, opt1);
	return 0;
}

int ftx_tdat_write(int fd, const struct ftx_tdat_info *info, const struct ftx_tdat_cpu_data *cpus)
{
	uint64_t *offsets = NULL, *sizes = NULL;
	struct out *o;
	int err;

	if (check_info(info, cpus) < 0) {
		errno = EINVAL;
		return -1;
	}
	o = calloc(1, sizeof(*o));
	offsets = calloc(info->nr_cpus + 1, sizeof(*offsets));
	sizes = calloc(info->nr_cpus + 1, sizeof(*sizes));
	if (o)
		o->buf = malloc(OUT_BUF_SIZE);
	if (!o || !offsets || !sizes || !o->buf) {
		if (o)
			free(o->buf);
		free(o);
		free(offsets);
		free(sizes);
		ftx_error_set("out of memory");
		errno = ENOMEM;
		return -1;
	}
	o->fd = fd;
	o->cap = OUT_BUF_SIZE;

	if (info->version == 7)
		write_v7(o, info, cpus, offsets, sizes);
	else
		write_v6(o, info, cpus, offsets);
	out_flush(o);

	err = o->err;
	free(o->buf);
	free(o);
	free(offsets);
	free(sizes);
	if (err) {
		errno = err;
		ftx_error_set("cannot write trace.dat: %s", strerror(err));
		return -1;
	}
	return 0;
}
