// SPDX-License-Identifier: GPL-2.0
/*
 * The reader thread (record-pipe.h): it decompresses and merges a trace.dat's
 * CPU buffers and hands their records over in chunks, in order, to the thread
 * that formats or analyses them; the ftx_record_pipe_* calls of
 * include/ftx/report.h for the analysis commands.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/error.h"
#include "ftx/report.h"
#include "ftx/tracedat.h"
#include "ftx/util.h"
#include "record-pipe.h"

/* common_type of @rec as the drops read it: -1 when the record is too short for one */
static inline int drop_type(const struct pipe_drop *d, const struct tep_record *rec)
{
	if (rec->size >= 8 && d->type_off + d->type_size <= (unsigned int)rec->size)
		return ftx_read_uint((const char *)rec->data + d->type_off, d->type_size, d->swap);
	return -1;
}

/* Dropped by its CPU, its event id (-F) or its pids (--pid) alone; reads @d, never writes it */
static inline __attribute__((always_inline)) bool drop_by_bytes(const struct pipe_drop *d,
							      const struct tep_record *rec, int type)
{
	if (d->cpus && (rec->cpu < 0 || rec->cpu >= d->ncpus || !d->cpus[rec->cpu]))
		return true;
	/* as run_match(): records too short for an event id go through */
	if (type >= 0 && d->may_match && type <= d->may_max && !d->may_match[type])
		return true;
	return type >= 0 && d->pid && !pid_may_match(d->pid, rec, type);
}

static inline __attribute__((always_inline)) bool pipe_drops(struct pipe_drop *d,
							   const struct tep_record *rec)
{
	bool keep = d->keep_next;
	int type = drop_type(d, rec);

	d->keep_next = false;
	if (!keep && drop_by_bytes(d, rec, type))
		return true;
	d->keep_next = type >= 0 && type == d->fg_ent;
	return false;
}

/* pipe_drops() for the serial loop; the reader thread's stays inline in pipe_fill() */
bool rpipe_drops(struct pipe_drop *d, const struct tep_record *rec)
{
	return pipe_drops(d, rec);
}

/*
 * As the reader's skip, where no record is kept for the one after it (see
 * record-pipe.h), keep_next stays false: pipe_drops() is drop_by_bytes(),
 * which the prefetch thread may call at the same time
 */
bool rpipe_skip(void *arg, int cpu, const void *data, int size)
{
	const struct pipe_drop *d = arg;
	struct tep_record rec = { .cpu = cpu, .data = (void *)data, .size = size };

	return drop_by_bytes(d, &rec, drop_type(d, &rec));
}

static struct chunk *pipe_take(struct pipe *p, struct chunk **list, struct chunk **tail)
{
	struct chunk *c;

	pthread_mutex_lock(&p->mtx);
	while (!*list && !p->stop)
		pthread_cond_wait(&p->cond, &p->mtx);
	c = *list;
	if (c) {
		*list = c->next;
		if (tail && !*list)
			*tail = NULL;
		c->next = NULL;
	}
	pthread_mutex_unlock(&p->mtx);
	return c;
}

static void pipe_give_free(struct pipe *p, struct chunk *c)
{
	pthread_mutex_lock(&p->mtx);
	c->next = p->free;
	p->free = c;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->mtx);
}

static void pipe_give_full(struct pipe *p, struct chunk *c)
{
	pthread_mutex_lock(&p->mtx);
	c->next = NULL;
	if (p->full_tail)
		p->full_tail->next = c;
	else
		p->full = c;
	p->full_tail = c;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->mtx);
}

static int pipe_cpu_grow(struct pipe *p, int cpu)
{
	int n = cpu + 64, i;
	uint64_t *s = realloc(p->pseq, n * sizeof(*s));
	unsigned int *g;
	int *sl;

	if (!s)
		return -1;
	p->pseq = s;
	g = realloc(p->pgen, n * sizeof(*g));
	if (!g)
		return -1;
	p->pgen = g;
	sl = realloc(p->pslot, n * sizeof(*sl));
	if (!sl)
		return -1;
	p->pslot = sl;
	for (i = p->npcpu; i < n; i++) {
		p->pgen[i] = 0;
		p->pseq[i] = 0;
		p->pslot[i] = 0;
	}
	p->npcpu = n;
	return 0;
}

/* Fill @c with the next records; the reader's mutex is held */
static void pipe_fill(struct pipe *p, struct chunk *c)
{
	struct tep_record *rec;
	const void *page;
	uint64_t seq;
	int r;

	c->n = c->used = c->end = 0;
	if (!++p->gen)
		p->gen = 1;
	while (c->n < CHUNK_RECS && c->used < p->nslots) {
		struct tep_record *d = &c->recs[c->n];
		int cpu;

		r = ftx_tracedat_next(p->td, &rec);
		if (r <= 0) {
			c->end = r ? -1 : 1;
			break;
		}
		if (p->drop.on && pipe_drops(&p->drop, rec))
			continue;
		if (ftx_tracedat_record_page(p->td, &page, &seq) || rec->cpu < 0 ||
		    (const uint8_t *)rec->data < (const uint8_t *)page ||
		    (const uint8_t *)rec->data >= (const uint8_t *)page + p->page_size ||
		    (rec->cpu >= p->npcpu && pipe_cpu_grow(p, rec->cpu))) {
			errno = ENOMEM;
			ftx_error_set("out of memory");
			c->end = -1;
			break;
		}
		cpu = rec->cpu;
		if (p->pgen[cpu] != p->gen || p->pseq[cpu] != seq) {
			p->pgen[cpu] = p->gen;
			p->pseq[cpu] = seq;
			p->pslot[cpu] = c->used++;
			memcpy(c->pages + p->pslot[cpu] * p->slot_size, page, p->page_size);
		}
		*d = *rec;
		d->data = c->pages + p->pslot[cpu] * p->slot_size +
			  ((const uint8_t *)rec->data - (const uint8_t *)page);
		c->n++;
	}
	if (c->end < 0) {
		c->err = errno;
		snprintf(c->msg, sizeof(c->msg), "%s", ftx_error());
	}
}

static void *pipe_main(void *arg)
{
	struct pipe *p = arg;
	struct chunk *c;
	int end;

	do {
		c = pipe_take(p, &p->free, NULL);
		if (!c)
			break;
		pthread_mutex_lock(&p->td_mtx);
		pipe_fill(p, c);
		pthread_mutex_unlock(&p->td_mtx);
		end = c->end;
		pipe_give_full(p, c);
	} while (!end);
	return NULL;
}

void rpipe_stop(struct pipe *p)
{
	int i;

	pthread_mutex_lock(&p->mtx);
	p->stop = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->mtx);
	pthread_join(p->thread, NULL);
	for (i = 0; i < PIPE_CHUNKS; i++) {
		free(p->ck[i].recs);
		free(p->ck[i].pages);
	}
	free(p->pseq);
	free(p->pgen);
	free(p->pslot);
	pthread_mutex_destroy(&p->mtx);
	pthread_mutex_destroy(&p->td_mtx);
	pthread_cond_destroy(&p->cond);
}

/* Start the reader thread; -1 when it cannot be (the caller reads serially) */
int rpipe_start(struct pipe *p, struct ftx_tracedat *td, const struct pipe_drop *drop)
{
	int i;

	memset(p, 0, sizeof(*p));
	p->td = td;
	if (drop)
		p->drop = *drop;
	p->page_size = ftx_tracedat_page_size(td);
	if (!p->page_size)
		return -1;
	p->slot_size = (p->page_size + FTX_TRACEDAT_PAGE_PAD + 4095) & ~(size_t)4095;
	p->nslots = CHUNK_SLOTS + 2 * ftx_tracedat_cpus(td);
	for (i = 0; i < PIPE_CHUNKS; i++) {
		struct chunk *c = &p->ck[i];

		/* calloc'd: the zeros after each page are never written, nor resident */
		c->recs = malloc(CHUNK_RECS * sizeof(*c->recs));
		c->pages = calloc(p->nslots, p->slot_size);
		if (!c->recs || !c->pages)
			goto fail;
		c->next = p->free;
		p->free = c;
	}
	if (pthread_mutex_init(&p->mtx, NULL))
		goto fail;
	if (pthread_mutex_init(&p->td_mtx, NULL))
		goto fail_mtx;
	if (pthread_cond_init(&p->cond, NULL))
		goto fail_td_mtx;
	if (pthread_create(&p->thread, NULL, pipe_main, p))
		goto fail_cond;
	return 0;
fail_cond:
	pthread_cond_destroy(&p->cond);
fail_td_mtx:
	pthread_mutex_destroy(&p->td_mtx);
fail_mtx:
	pthread_mutex_destroy(&p->mtx);
fail:
	for (i = 0; i < PIPE_CHUNKS; i++) {
		free(p->ck[i].recs);
		free(p->ck[i].pages);
	}
	return -1;
}

static int pipe_fail(struct chunk *c)
{
	errno = c->err;
	ftx_error_set("%s", c->msg);
	return -1;
}

/* As ftx_tracedat_next(), from the reader thread's chunks */
int rpipe_next(void *ctx, struct tep_record **rec)
{
	struct pipe *p = ctx;

	*rec = NULL;
	for (;;) {
		if (!p->cur) {
			p->cur = pipe_take(p, &p->full, &p->full_tail);
			p->pos = 0;
			if (!p->cur)
				return -1;
		}
		if (p->pos < p->cur->n) {
			*rec = &p->cur->recs[p->pos++];
			return 1;
		}
		if (p->cur->end)
			return p->cur->end < 0 ? pipe_fail(p->cur) : 0;
		pipe_give_free(p, p->cur);
		p->cur = p->ahead;
		p->pos = p->ahead_pos;
		p->ahead = NULL;
		p->ahead_pos = 0;
	}
}

/* As ftx_tracedat_peek(): the record after the one rpipe_next() returned */
int rpipe_peek(void *ctx, struct tep_record **next)
{
	struct pipe *p = ctx;

	*next = NULL;
	if (p->pos < p->cur->n) {
		*next = &p->cur->recs[p->pos];
		return 1;
	}
	if (p->cur->end)
		return p->cur->end < 0 ? -1 : 0;
	if (!p->ahead) {
		p->ahead = pipe_take(p, &p->full, &p->full_tail);
		p->ahead_pos = 0;
		if (!p->ahead)
			return -1;
	}
	if (p->ahead_pos < p->ahead->n) {
		*next = &p->ahead->recs[p->ahead_pos];
		return 1;
	}
	return p->ahead->end < 0 ? -1 : 0;
}

int rpipe_consume(void *ctx)
{
	struct pipe *p = ctx;
	struct tep_record *r;
	int ret = rpipe_peek(ctx, &r);

	if (ret <= 0)
		return ret;
	if (p->pos < p->cur->n)
		p->pos++;
	else
		p->ahead_pos++;
	return 1;
}

int rpipe_load_kallsyms(void *ctx)
{
	struct pipe *p = ctx;
	int ret;

	pthread_mutex_lock(&p->td_mtx);
	ret = ftx_tracedat_load_kallsyms(p->td);
	pthread_mutex_unlock(&p->td_mtx);
	return ret;
}

/* 2 with a second CPU to run on, else 1 */
int rpipe_cpus_usable(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	return CPU_COUNT(&set) >= 2 ? 2 : 1;
}

/* The reader thread for other readers of records (the analysis commands) */
struct ftx_record_pipe {
	struct pipe p;
};

bool ftx_record_pipe_cpus_spare(void)
{
	return rpipe_cpus_usable() > 1;
}

struct ftx_record_pipe *ftx_record_pipe_start(struct ftx_tracedat *td)
{
	struct ftx_record_pipe *rp;

	/* instances: read serially, as report reads them */
	if (rpipe_cpus_usable() < 2 || ftx_tracedat_nr_buffers(td))
		return NULL;
	rp = malloc(sizeof(*rp));
	if (!rp)
		return NULL;
	if (rpipe_start(&rp->p, td, NULL)) {
		free(rp);
		return NULL;
	}
	return rp;
}

int ftx_record_pipe_next(struct ftx_record_pipe *rp, struct tep_record **rec)
{
	return rpipe_next(&rp->p, rec);
}

int ftx_record_pipe_next_batch(struct ftx_record_pipe *rp, struct tep_record **rec,
			       struct tep_record **more, int *nmore)
{
	struct pipe *p = &rp->p;
	int ret = rpipe_next(p, rec);

	*more = NULL;
	*nmore = 0;
	if (ret == 1 && p->pos < p->cur->n) {
		*more = &p->cur->recs[p->pos];
		*nmore = p->cur->n - p->pos;
		p->pos = p->cur->n;
	}
	return ret;
}

int ftx_record_pipe_load_kallsyms(struct ftx_record_pipe *rp)
{
	return rpipe_load_kallsyms(&rp->p);
}

void ftx_record_pipe_stop(struct ftx_record_pipe *rp)
{
	if (!rp)
		return;
	rpipe_stop(&rp->p);
	free(rp);
}

