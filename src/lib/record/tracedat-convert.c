// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat conversion (ftx convert, as trace-cmd convert): read a file's
 * metadata blocks, options and ring-buffer pages with the reader's raw access
 * and write them again with the writer, in another version or compression.
 * Nothing is decoded: the pages are copied as they are.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "ftx/error.h"
#include "ftx/tracedat.h"
#include "ftx/tracedat-write.h"

/* Option ids the writer makes itself, or that point into the input file */
static bool option_is_layout(unsigned int id)
{
	return id == FTX_TDAT_OPT_DONE || id == FTX_TDAT_OPT_BUFFER ||
	       id == FTX_TDAT_OPT_CPUCOUNT || (id >= 15 && id <= 25);
}

struct conv {
	const char *in;
	char *blk[FTX_TRACEDAT_CMDLINES + 1];
	size_t blk_len[FTX_TRACEDAT_CMDLINES + 1];
	struct ftx_tdat_format *ftrace, *events;
	size_t nftrace, nevents;
	struct ftx_tdat_option *opts;
	size_t nopts;
	struct ftx_tdat_cpu_data *cpus;
	unsigned int ncpus;
};

/* A bounds-checked walk over one block (the reader checked it once already) */
struct walk {
	const char *p, *end;
	bool bad;
};

static uint64_t walk_num(struct walk *w, size_t size)
{
	uint64_t v = 0;

	if (w->bad || (size_t)(w->end - w->p) < size) {
		w->bad = true;
		return 0;
	}
	if (size == 2) {
		uint16_t x;

		memcpy(&x, w->p, 2);
		v = x;
	} else if (size == 4) {
		uint32_t x;

		memcpy(&x, w->p, 4);
		v = x;
	} else {
		memcpy(&v, w->p, 8);
	}
	w->p += size;
	return v;
}

static const char *walk_bytes(struct walk *w, uint64_t len)
{
	const char *p = w->p;

	if (w->bad || (uint64_t)(w->end - w->p) < len) {
		w->bad = true;
		return NULL;
	}
	w->p += len;
	return p;
}

static const char *walk_str(struct walk *w)
{
	const char *nul;

	if (w->bad || !(nul = memchr(w->p, 0, w->end - w->p))) {
		w->bad = true;
		return NULL;
	}
	return walk_bytes(w, nul - w->p + 1);
}

static int walk_formats(struct walk *w, const char *system, struct ftx_tdat_format **list,
			size_t *n)
{
	uint64_t count = walk_num(w, 4), i;
	struct ftx_tdat_format *l;

	if (w->bad || count > (uint64_t)(w->end - w->p) / 8)
		return -1;
	l = realloc(*list, (*n + count + 1) * sizeof(*l));
	if (!l)
		return -1;
	*list = l;
	for (i = 0; i < count; i++) {
		uint64_t len = walk_num(w, 8);
		const char *text = walk_bytes(w, len);

		if (!text)
			return -1;
		l[(*n)++] = (struct ftx_tdat_format){ system, "", text, len };
	}
	return 0;
}

static int text_block(struct conv *cv, int which, size_t size_bytes, const char **text,
		      size_t *len)
{
	struct walk w = { cv->blk[which], cv->blk[which] + cv->blk_len[which] };

	*text = NULL;
	*len = 0;
	if (!cv->blk[which])
		return 0;
	*len = walk_num(&w, size_bytes);
	*text = walk_bytes(&w, *len);
	return w.bad ? -1 : 0;
}

static int keep_option(unsigned int id, const void *data, size_t size, void *arg)
{
	struct conv *cv = arg;
	struct ftx_tdat_option *n;
	void *copy;

	if (option_is_layout(id))
		return 0;
	n = realloc(cv->opts, (cv->nopts + 1) * sizeof(*n));
	copy = malloc(size ? size : 1);
	if (!n || !copy) {
		if (n)
			cv->opts = n;
		free(copy);
		ftx_error_set("out of memory");
		return -1;
	}
	memcpy(copy, data, size);
	cv->opts = n;
	cv->opts[cv->nopts++] = (struct ftx_tdat_option){ id, size, copy };
	return 0;
}

static int copy_pages(const void *pages, size_t len, void *arg)
{
	struct ftx_tdat_cpu_data *c = arg;
	const char *p = pages;

	while (len) {
		ssize_t n = write(c->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ftx_error_set("cannot write a temporary file: %s",
				      n < 0 ? strerror(errno) : "short write");
			return -1;
		}
		p += n;
		len -= n;
		c->size += n;
	}
	return 0;
}

/* A temporary file in @dir (on the output's file system), or in /tmp */
static int temp_fd(const char *dir)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	FILE *f;

	if (fd >= 0)
		return fd;
	f = tmpfile();
	if (!f)
		return -1;
	fd = dup(fileno(f));
	fclose(f);
	return fd;
}

static int load(struct conv *cv, struct ftx_tracedat *td, const char *dir)
{
	struct walk w;
	unsigned int i;

	for (i = 0; i <= FTX_TRACEDAT_CMDLINES; i++)
		if (ftx_tracedat_block(td, i, &cv->blk[i], &cv->blk_len[i]))
			return -1;
	w = (struct walk){ cv->blk[FTX_TRACEDAT_FTRACE_EVENTS],
			   cv->blk[FTX_TRACEDAT_FTRACE_EVENTS] + cv->blk_len[FTX_TRACEDAT_FTRACE_EVENTS] };
	if (cv->blk[FTX_TRACEDAT_FTRACE_EVENTS] &&
	    walk_formats(&w, "ftrace", &cv->ftrace, &cv->nftrace))
		goto bad;
	w = (struct walk){ cv->blk[FTX_TRACEDAT_EVENT_FORMATS],
			   cv->blk[FTX_TRACEDAT_EVENT_FORMATS] + cv->blk_len[FTX_TRACEDAT_EVENT_FORMATS] };
	if (cv->blk[FTX_TRACEDAT_EVENT_FORMATS]) {
		uint64_t nsys = walk_num(&w, 4);

		while (!w.bad && nsys--) {
			const char *sys = walk_str(&w);

			if (!sys || walk_formats(&w, sys, &cv->events, &cv->nevents))
				goto bad;
		}
		if (w.bad)
			goto bad;
	}
	if (ftx_tracedat_options_each(td, keep_option, cv))
		return -1;

	cv->ncpus = ftx_tracedat_cpus(td);
	cv->cpus = calloc(cv->ncpus ? cv->ncpus : 1, sizeof(*cv->cpus));
	if (!cv->cpus) {
		ftx_error_set("out of memory");
		return -1;
	}
	for (i = 0; i < cv->ncpus; i++)
		cv->cpus[i].fd = -1;
	for (i = 0; i < cv->ncpus; i++) {
		uint64_t off, size;

		if (ftx_tracedat_cpu_data(td, i, &off, &size))
			continue;	/* no data */
		cv->cpus[i].fd = temp_fd(dir);
		if (cv->cpus[i].fd < 0) {
			ftx_error_set("cannot create a temporary file: %s", strerror(errno));
			return -1;
		}
		if (ftx_tracedat_cpu_pages(td, i, copy_pages, &cv->cpus[i]))
			return -1;
	}
	return 0;
bad:
	errno = EINVAL;
	ftx_error_set("%s: malformed format list", cv->in);
	return -1;
}

static void conv_free(struct conv *cv)
{
	size_t i;

	for (i = 0; i <= FTX_TRACEDAT_CMDLINES; i++)
		free(cv->blk[i]);
	free(cv->ftrace);
	free(cv->events);
	for (i = 0; i < cv->nopts; i++)
		free((void *)cv->opts[i].data);
	free(cv->opts);
	for (i = 0; cv->cpus && i < cv->ncpus; i++)
		if (cv->cpus[i].fd >= 0)
			close(cv->cpus[i].fd);
	free(cv->cpus);
}

static int header_info(struct conv *cv, struct ftx_tdat_info *info)
{
	struct walk w = { cv->blk[FTX_TRACEDAT_HEADER_INFO],
			  cv->blk[FTX_TRACEDAT_HEADER_INFO] + cv->blk_len[FTX_TRACEDAT_HEADER_INFO] };
	const char *tag;

	tag = walk_bytes(&w, 12);
	if (!tag || memcmp(tag, "header_page", 12))
		goto bad;
	info->header_page_len = walk_num(&w, 8);
	info->header_page = walk_bytes(&w, info->header_page_len);
	tag = walk_bytes(&w, 13);
	if (!tag || memcmp(tag, "header_event", 13))
		goto bad;
	info->header_event_len = walk_num(&w, 8);
	info->header_event = walk_bytes(&w, info->header_event_len);
	if (!w.bad)
		return 0;
bad:
	errno = EINVAL;
	ftx_error_set("%s: malformed header_page/header_event block", cv->in);
	return -1;
}

int ftx_tdat_convert(const char *in, const char *out, unsigned int version,
		     enum ftx_tdat_compression compression)
{
	struct ftx_tdat_info info = { 0 };
	struct conv cv = { .in = in };
	struct ftx_tracedat *td;
	char *tmp = NULL, *dcopy = NULL;
	int fd = -1, ret = -1, err;
	uint64_t toff, tlen;
	mode_t um;

	td = ftx_tracedat_open(in, FTX_TRACEDAT_NO_PLUGINS | FTX_TRACEDAT_LAZY_KALLSYMS);
	if (!td)
		return -1;
	errno = EOPNOTSUPP;
	if (ftx_tracedat_swapped(td)) {
		ftx_error_set("%s: the other byte order than this host's: not supported", in);
		goto out;
	}
	if (ftx_tracedat_nr_buffers(td)) {
		ftx_error_set("%s: extra instances (record -B): not supported", in);
		goto out;
	}
	if (!ftx_tracedat_latency_text(td, &toff, &tlen)) {
		ftx_error_set("%s: a latency tracer's text: not supported", in);
		goto out;
	}
	dcopy = strdup(out);
	if (!dcopy || asprintf(&tmp, "%s.XXXXXX", out) < 0) {
		tmp = NULL;
		ftx_error_set("out of memory");
		goto out;
	}
	if (load(&cv, td, dirname(dcopy)) || header_info(&cv, &info))
		goto out;
	info.page_size = ftx_tracedat_page_size(td);
	info.long_size = ftx_tracedat_long_size(td);
	info.ftrace_formats = cv.ftrace;
	info.nr_ftrace_formats = cv.nftrace;
	info.event_formats = cv.events;
	info.nr_event_formats = cv.nevents;
	if (text_block(&cv, FTX_TRACEDAT_KALLSYMS, 4, &info.kallsyms, &info.kallsyms_len) ||
	    text_block(&cv, FTX_TRACEDAT_PRINTK, 4, &info.printk_formats,
		       &info.printk_formats_len) ||
	    text_block(&cv, FTX_TRACEDAT_CMDLINES, 8, &info.cmdlines, &info.cmdlines_len)) {
		errno = EINVAL;
		ftx_error_set("%s: malformed kallsyms, printk or cmdlines block", in);
		goto out;
	}
	info.nr_cpus = cv.ncpus;
	info.options = cv.opts;
	info.nr_options = cv.nopts;
	info.clock = ftx_tracedat_clock(td);
	info.version = version;
	info.compression = compression;

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		ftx_error_set("cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	um = umask(0);
	umask(um);
	if (fchmod(fd, 0666 & ~um) < 0 || ftx_tdat_write(fd, &info, cv.cpus) < 0)
		goto out_unlink;
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		ftx_error_set("cannot write %s: %s", tmp, strerror(errno));
		goto out_unlink;
	}
	fd = -1;
	if (rename(tmp, out) < 0) {
		ftx_error_set("cannot rename %s to %s: %s", tmp, out, strerror(errno));
		goto out_unlink;
	}
	ret = 0;
	goto out;
out_unlink:
	err = errno;
	unlink(tmp);
	errno = err;
out:
	err = errno;
	if (fd >= 0)
		close(fd);
	conv_free(&cv);
	ftx_tracedat_close(td);
	free(tmp);
	free(dcopy);
	errno = err;
	return ret;
}
