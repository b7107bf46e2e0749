// SPDX-License-Identifier: GPL-2.0
/*
 * The recorder: a session's instance set up for recording (instance.c), its
 * per-CPU buffers drained by threads or streamed (drain.c), the result
 * assembled into trace.dat (assemble.c) with the comms (comm.c). This file
 * creates and frees it and summarises what it saw.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <event-parse.h>

#include "ftx/error.h"
#include "ftx/session.h"
#include "ftx/tracefs-util.h"
#include "ftx/tracedat-write.h"
#include "ftx/util.h"
#include "recorder-local.h"

char *rec_path_join(const char *a, const char *b)
{
	char *p;

	if (asprintf(&p, "%s/%s", a, b) < 0)
		return NULL;
	return p;
}

char *rec_read_at(const char *dir, const char *file, size_t *len)
{
	char *p = rec_path_join(dir, file), *buf;
	int err;

	if (!p)
		return NULL;
	buf = ftx_read_file(p, len);
	err = errno;
	if (!buf)
		ftx_error_set("cannot read %s: %s", p, strerror(err));
	free(p);
	errno = err;
	return buf;
}


struct ftx_recorder *ftx_recorder_create(struct ftx_session *s,
					 const struct ftx_recorder_opts *o)
{
	struct ftx_recorder *r;
	int err;

	r = calloc(1, sizeof(*r));
	if (!r) {
		ftx_error_set("out of memory");
		return NULL;
	}
	r->s = s;
	/* without it (no eventfd) a waiter polls ftx_recorder_failed() */
	r->fail_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	r->stream = o->stream;
	r->exclude_self = o->exclude_self && !o->attach;
	r->attach = o->attach;
	if (o->date && !(r->date = strdup(o->date)))
		goto fail;
	r->file_version = o->file_version;
	r->compression = o->compression;
	r->all_formats = o->all_formats;
	r->top = ftx_tracefs_mount();
	if (!r->top)
		goto fail;
	r->inst = strdup(ftx_session_dir(s));
	if (!r->inst)
		goto fail;
	rec_nofile_raise(r, o);

	/*
	 * The instance's own: since 6.8 each instance's header_page describes its
	 * sub-buffer size (buffer_subbuf_size_kb), which may differ from the top.
	 */
	r->header_page = rec_read_at(r->inst, "events/header_page", &r->header_page_len);
	if (!r->header_page)
		r->header_page = rec_read_at(r->top, "events/header_page", &r->header_page_len);
	r->header_event = rec_read_at(r->inst, "events/header_event", &r->header_event_len);
	if (!r->header_event)
		r->header_event = rec_read_at(r->top, "events/header_event", &r->header_event_len);
	if (!r->header_page || !r->header_event)
		goto fail;
	ftx_error_clear();
	r->page_size = ftx_tdat_page_size(r->header_page, r->header_page_len, &r->long_size);
	if (!r->page_size)
		goto fail;
	r->page_buf = malloc(r->page_size);
	if (!r->page_buf)
		goto fail;
	if ((!o->attach && rec_instance_setup(r, o) < 0) || rec_drain_setup(r, o) < 0)
		goto fail;
	rec_comms_collect(r);
	return r;
fail:
	err = errno;
	ftx_recorder_destroy(r);
	errno = err ? err : EIO;
	return NULL;
}

void ftx_recorder_destroy(struct ftx_recorder *r)
{
	if (!r)
		return;
	if (r->started && !r->stopped && !r->stream)
		ftx_recorder_stop(r);
	rec_drain_free(r);
	rec_meta_free(r);
	if (r->tep)
		tep_free(r->tep);
	free(r->comms);
	free(r->known);
	free(r->pidlist);
	free(r->date);
	free(r->page_buf);
	free(r->header_page);
	free(r->header_event);
	free(r->inst);
	if (r->fail_fd >= 0)
		close(r->fail_fd);
	free(r);
}

unsigned int ftx_recorder_nr_cpus(struct ftx_recorder *r)
{
	return r->nr_cpus;
}

const struct ftx_recorder_cpu_stats *ftx_recorder_cpu_stats(struct ftx_recorder *r,
							    unsigned int cpu)
{
	return cpu < r->nr_cpus ? &r->cpus[cpu].st : NULL;
}


unsigned long long ftx_recorder_cpu_lost(const struct ftx_recorder_cpu_stats *st, bool *unknown)
{
	unsigned long long lost = st->overrun + st->dropped + st->commit_overrun;

	/* the page counts and the counters see the same events: take the larger */
	if (st->missed_events > lost)
		lost = st->missed_events;
	if (unknown)
		*unknown = st->missed_pages && !lost;
	return lost;
}

static void human_size(char *buf, size_t len, unsigned long long v)
{
	if (v >= 10ull << 20)
		snprintf(buf, len, "%.1fM", v / 1048576.0);
	else if (v >= 10ull << 10)
		snprintf(buf, len, "%.1fK", v / 1024.0);
	else
		snprintf(buf, len, "%llu", v);
}

unsigned long long ftx_recorder_summary(struct ftx_recorder *r, char **table, char **losses)
{
	unsigned long long tev = 0, tbytes = 0, tlost = 0, tcut = 0;
	char *tbuf = NULL, *lbuf = NULL, b[32];
	size_t tsz = 0, lsz = 0;
	FILE *t = open_memstream(&tbuf, &tsz);
	FILE *l = open_memstream(&lbuf, &lsz);
	unsigned int cpu;

	if (table)
		*table = NULL;
	if (losses)
		*losses = NULL;
	if (!t || !l) {
		if (t)
			fclose(t);
		if (l)
			fclose(l);
		free(tbuf);
		free(lbuf);
		return 0;
	}
	/* -m: what the file holds, and what it cut in its own column */
	fprintf(t, "%-6s %12s %10s %10s%s\n", "CPU", "events", "bytes", "lost",
		r->half_bytes ? "     -m cut" : "");
	for (cpu = 0; cpu < r->nr_cpus; cpu++) {
		const struct ftx_recorder_cpu_stats *st = &r->cpus[cpu].st;
		bool unknown;
		unsigned long long lost = ftx_recorder_cpu_lost(st, &unknown);
		unsigned long long ev = st->events - (st->cut_events < st->events ? st->cut_events :
						      st->events);

		tev += ev;
		tbytes += st->bytes - st->cut_bytes;
		tlost += lost;
		tcut += st->cut_events;
		if (!st->online) {
			fprintf(t, "cpu%-3u %12s %10s %10s%s\n", cpu, "-", "-", "offline",
				r->half_bytes ? "          -" : "");
			continue;
		}
		human_size(b, sizeof(b), st->bytes - st->cut_bytes);
		fprintf(t, "cpu%-3u %12llu %10s %10llu%s", cpu, ev, b, lost, unknown ? "+" : "");
		if (r->half_bytes)
			fprintf(t, "%s%10llu", unknown ? "" : " ", (unsigned long long)st->cut_events);
		fputc('\n', t);
		if (lost || unknown)
			fprintf(l, "cpu%u: %s%llu events lost (%llu overwritten, %llu dropped, %llu sub-buffers marked); try a larger -b or fewer events\n",
				cpu, unknown ? "at least " : "", lost,
				(unsigned long long)st->overrun, (unsigned long long)st->dropped,
				(unsigned long long)st->missed_pages);
		if (st->cut_pages) {
			char cb[32], kb[32];

			human_size(cb, sizeof(cb), st->cut_bytes);
			human_size(kb, sizeof(kb), st->bytes - st->cut_bytes);
			fprintf(l, "cpu%u: -m: %llu older events cut (%llu sub-buffers, %s); the file keeps the newest %s\n",
				cpu, (unsigned long long)st->cut_events,
				(unsigned long long)st->cut_pages, cb, kb);
		}
	}
	human_size(b, sizeof(b), tbytes);
	fprintf(t, "%-6s %12llu %10s %10llu", "total", tev, b, tlost);
	if (r->half_bytes)
		fprintf(t, " %10llu", tcut);
	fputc('\n', t);
	fclose(t);
	fclose(l);
	if (table)
		*table = tbuf;
	else
		free(tbuf);
	if (losses)
		*losses = lbuf;
	else
		free(lbuf);
	return tlost;
}

int ftx_record_pids_parse(char *arg, pid_t *pids, size_t *nr, size_t max)
{
	char *save = NULL, *tok;
	size_t before = *nr;

	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned long long v;

		if (ftx_parse_uint(tok, &v) < 0 || v == 0 || v > INT_MAX) {
			errno = EINVAL;
			ftx_error_set("bad pid '%s'", tok);
			return -1;
		}
		if (*nr == max) {
			errno = E2BIG;
			ftx_error_set("too many pids (at most %zu)", max);
			return -1;
		}
		pids[(*nr)++] = v;
	}
	if (*nr == before) {
		errno = EINVAL;
		ftx_error_set("-P needs a pid");
		return -1;
	}
	return 0;
}

bool ftx_cpumask_valid(const char *s)
{
	bool digit = false;

	for (; *s; s++) {
		if ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F'))
			digit = true;
		else if (*s != ',')
			return false;
	}
	return digit;
}

