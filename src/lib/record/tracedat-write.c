// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat version 6 writer. The layout is fixed (docs/trace-dat-format.md
 * section 2): initial header, header_page/header_event, ftrace formats, event
 * formats, kallsyms, printk formats, cmdlines, CPU count, options,
 * "flyrecord" with the per-CPU offset/size table, the clock block, and the
 * per-CPU sub-buffers at page-aligned offsets.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/sendfile.h>

#include "ftx/error.h"
#include "ftx/tracedat-write.h"

#define OUT_BUF_SIZE	(64 * 1024)

struct out {
	int fd;
	uint64_t off;		/* file offset of the next byte written */
	size_t fill;
	int err;		/* first errno seen; later writes are no-ops */
	char buf[OUT_BUF_SIZE];
};

static int write_all(int fd, const void *p, size_t len)
{
	const char *c = p;

	while (len) {
		ssize_t n = write(fd, c, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
		c += n;
		len -= n;
	}
	return 0;
}

static void out_flush(struct out *o)
{
	if (o->err || !o->fill)
		return;
	if (write_all(o->fd, o->buf, o->fill) < 0)
		o->err = errno;
	o->fill = 0;
}

static void out_bytes(struct out *o, const void *p, size_t len)
{
	if (o->err)
		return;
	o->off += len;
	if (len >= OUT_BUF_SIZE) {
		out_flush(o);
		if (!o->err && write_all(o->fd, p, len) < 0)
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

/* Copy @size bytes of @fd from @offset to the output (already flushed). */
static void out_copy_fd(struct out *o, int fd, off_t offset, uint64_t size)
{
	uint64_t left = size;

	if (o->err)
		return;
	out_flush(o);
	while (!o->err && left) {
		size_t chunk = left > (1u << 30) ? (1u << 30) : left;
		ssize_t n = sendfile(o->fd, fd, &offset, chunk);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EINVAL || errno == ENOSYS)) {
			/* not a sendfile-able pair: plain copy */
			char *buf = malloc(OUT_BUF_SIZE);

			if (!buf) {
				o->err = errno;
				return;
			}
			while (left) {
				size_t want = left < OUT_BUF_SIZE ? left : OUT_BUF_SIZE;

				n = pread(fd, buf, want, offset);
				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0) {
					o->err = n < 0 ? errno : EIO;
					break;
				}
				if (write_all(o->fd, buf, n) < 0) {
					o->err = errno;
					break;
				}
				offset += n;
				left -= n;
			}
			free(buf);
			break;
		}
		if (n <= 0) {
			o->err = n < 0 ? errno : EIO;	/* source shorter than promised */
			break;
		}
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

static int check_info(const struct ftx_tdat_info *info, const struct ftx_tdat_cpu_data *cpus)
{
	size_t i;

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

int ftx_tdat_write(int fd, const struct ftx_tdat_info *info, const struct ftx_tdat_cpu_data *cpus)
{
	static const char magic[] = { 0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	struct out *o;
	uint64_t data_off, *offsets = NULL;
	unsigned int cpu;
	uint16_t one = 1;
	size_t i;
	int err;

	if (check_info(info, cpus) < 0) {
		errno = EINVAL;
		return -1;
	}
	o = calloc(1, sizeof(*o));
	offsets = calloc(info->nr_cpus + 1, sizeof(*offsets));
	if (!o || !offsets) {
		free(o);
		free(offsets);
		ftx_error_set("out of memory");
		return -1;
	}
	o->fd = fd;

	/* initial header */
	out_bytes(o, magic, sizeof(magic));
	out_str(o, "6");
	out_bytes(o, &(char){ *(char *)&one ? 0 : 1 }, 1);	/* 0: little endian */
	out_bytes(o, &(char){ info->long_size ? info->long_size : sizeof(long) }, 1);
	out_u32(o, info->page_size);

	/* header info */
	out_bytes(o, "header_page", 12);
	out_u64(o, info->header_page_len);
	out_bytes(o, info->header_page, info->header_page_len);
	out_bytes(o, "header_event", 13);
	out_u64(o, info->header_event_len);
	out_bytes(o, info->header_event, info->header_event_len);

	/* ftrace formats, then the other systems */
	out_u32(o, info->nr_ftrace_formats);
	for (i = 0; i < info->nr_ftrace_formats; i++) {
		out_u64(o, info->ftrace_formats[i].len);
		out_bytes(o, info->ftrace_formats[i].text, info->ftrace_formats[i].len);
	}
	write_event_formats(o, info);

	out_u32(o, info->kallsyms_len);
	out_bytes(o, info->kallsyms, info->kallsyms_len);
	out_u32(o, info->printk_formats_len);
	out_bytes(o, info->printk_formats, info->printk_formats_len);
	out_u64(o, info->cmdlines_len);
	out_bytes(o, info->cmdlines, info->cmdlines_len);

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
		out_copy_fd(o, cpus[cpu].fd, cpus[cpu].offset, cpus[cpu].size);
	}
	out_flush(o);

	err = o->err;
	free(o);
	free(offsets);
	if (err) {
		errno = err;
		ftx_error_set("cannot write trace.dat: %s", strerror(err));
		return -1;
	}
	return 0;
}
