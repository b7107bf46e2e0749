// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat reader, record iterator: the CPU buffers (and the instances')
 * as one stream merged by timestamp, as trace-cmd orders it.
 *
 * Memory use is flat in the trace size: per CPU two blocks of pages (the
 * current one and the one before, so a borrowed record survives one more
 * step), filled with pread (v6, uncompressed v7) or by decompressing one chunk
 * (compressed v7).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/error.h"
#include "ftx/ringbuf.h"
#include "ftx/util.h"
#include "tracedat-local.h"

/*
 * ts * mult >> shift with the 96-bit product kept whole; no __int128, which
 * 32-bit targets (armhf) lack.
 */
static uint64_t tsc_to_ns(uint64_t ts, uint32_t mult, uint32_t shift)
{
	uint64_t lo = (ts & 0xffffffffu) * mult;
	uint64_t mid = (ts >> 32) * mult + (lo >> 32);	/* bits 32..95 */

	lo &= 0xffffffffu;
	if (shift >= 32)
		return shift >= 96 ? 0 : mid >> (shift - 32);
	if (!shift)
		return (mid << 32) | lo;
	return (mid << (32 - shift)) | (lo >> shift);
}

static int buf_reserve(struct ftx_tracedat *td, uint8_t **buf, size_t *cap, size_t len)
{
	uint8_t *n;

	if (*cap >= len)
		return 0;
	n = realloc(*buf, len);
	if (!n)
		return td_nomem(td);
	*buf = n;
	*cap = len;
	return 0;
}

static int blk_reserve(struct ftx_tracedat *td, struct td_cpu *c, int b, size_t len)
{
	return buf_reserve(td, &c->blk[b], &c->blk_cap[b], len);
}

/* Where a compressed CPU's reading is: the reader's own, or the prefetch thread's */
struct zpos {
	uint64_t pos;
	uint32_t chunks_left;
	bool started;
};

/* Scratch of one decompressing thread */
struct zscratch {
	uint8_t **zbuf;
	size_t *zcap;
	void **zctx;
};

/* A chunk whose header was read: where its compressed bytes are, and their sizes */
struct zjob {
	uint64_t at;			/* the header's offset */
	uint64_t src;			/* the compressed bytes' */
	uint64_t csize, usize;
};

/*
 * Read the header of @c's next chunk at @z into @j and move @z past the
 * chunk: 0, 1 no more, -1 error
 */
static int chunk_claim(struct ftx_tracedat *td, const struct td_cpu *c, struct zpos *z,
		       struct zjob *j)
{
	/* the size in the BUFFER option leaves out the chunk count */
	uint64_t end = c->off + c->size + 4;
	uint8_t hdr[8];

	if (end > td->fsize)
		end = td->fsize;
	if (!z->started) {
		if (end - c->off < 4)
			return td_fail(td, c->off, "CPU %d: compressed data too short", c->cpu);
		if (td_pread(td, z->pos, hdr, 4))
			return -1;
		z->chunks_left = td_num(td, hdr, 4);
		z->pos += 4;
		z->started = true;
	}
	if (!z->chunks_left)
		return 1;
	j->at = z->pos;
	if (end - z->pos < 8)
		return td_fail(td, j->at, "CPU %d: truncated chunk header", c->cpu);
	if (td_pread(td, z->pos, hdr, 8))
		return -1;
	j->csize = td_num(td, hdr, 4);
	j->usize = td_num(td, hdr + 4, 4);
	z->pos += 8;
	if (j->csize > end - z->pos)
		return td_fail(td, j->at, "CPU %d: chunk size %llu beyond the CPU data",
			       c->cpu, (unsigned long long)j->csize);
	if (j->usize > (uint64_t)CHUNK_PAGES_MAX * td->page_size)
		return td_fail(td, j->at, "CPU %d: chunk of %llu bytes, more than %u pages "
			       "(trace-cmd writes 10)", c->cpu, (unsigned long long)j->usize,
			       CHUNK_PAGES_MAX);
	j->src = z->pos;
	z->pos += j->csize;
	z->chunks_left--;
	return 0;
}

/* Read and decompress the chunk @j into *@dst (*@len its bytes): 0 or -1 */
static int chunk_fill(struct ftx_tracedat *td, const struct td_cpu *c, const struct zjob *j,
		      const struct zscratch *zs, uint8_t **dst, size_t *dcap, size_t *len)
{
	if (*zs->zcap < j->csize) {
		uint8_t *n = realloc(*zs->zbuf, j->csize);

		if (!n)
			return td_nomem(td);
		*zs->zbuf = n;
		*zs->zcap = j->csize;
	}
	if (buf_reserve(td, dst, dcap, j->usize) || td_pread(td, j->src, *zs->zbuf, j->csize) ||
	    td_decompress_ctx(td, zs->zctx, j->at, *zs->zbuf, j->csize, *dst, j->usize))
		return -1;
	if (j->usize % td->page_size)
		return td_fail(td, j->at, "CPU %d: chunk of %llu bytes, not a whole number of "
			       "%u-byte pages", c->cpu, (unsigned long long)j->usize, td->page_size);
	*len = j->usize;
	return 0;
}

/*
 * Read and decompress @c's next chunk at @z into *@dst: *@len its bytes, *@at
 * its header's offset. 0, 1 no more, -1 error.
 */
static int read_chunk(struct ftx_tracedat *td, const struct td_cpu *c, struct zpos *z,
		      const struct zscratch *zs, uint8_t **dst, size_t *dcap, size_t *len,
		      uint64_t *at_out)
{
	struct zjob j;
	int r = chunk_claim(td, c, z, &j);

	if (r)
		return r;
	if (chunk_fill(td, c, &j, zs, dst, dcap, len))
		return -1;
	*at_out = j.at;
	return 0;
}

/*
 * Does the skip pass over every record of @page? Only for a page the walk
 * reads alone (walk_next(): data and time extends, little-endian), with no
 * lost-events mark, each slot checked as cpu_fill() checks it, all inside the
 * page: anything else (a padding or time stamp slot, a damaged length, a
 * record kept) says no, and the reading walks that page as ever, saying what
 * it says of it. @skip is the reader's, called as the reading would.
 */
static bool page_skipped(const struct ftx_tracedat *td, ftx_tracedat_skip_fn skip, void *arg,
			 int cpu, const uint8_t *page)
{
	unsigned int hdr = 8 + td->long_size, room = td->page_size - hdr, size, curr = 0;
	uint64_t commit = ftx_read_uint(page + 8, td->long_size, td->swap);
	const uint8_t *base = page + hdr;

	size = commit & ((1u << 27) - 1);
	if ((commit & (1ull << 31)) || size > room)
		return false;
	while (curr < size) {
		unsigned int index, len, next;
		uint32_t w, x;
		int esize, rsize;

		if (room - curr < 8)
			return false;
		memcpy(&w, base + curr, 4);
		memcpy(&x, base + curr + 4, 4);
		switch (w & 31) {
		case 0:
			len = (x - 4 + 3) & ~3u;
			index = curr + 8;
			break;
		case 30:
			curr += 8;
			continue;
		case 29:
		case 31:
			return false;
		default:
			len = (w & 31) * 4;
			index = curr + 4;
			break;
		}
		next = index + len;
		esize = (int)(next - index);
		rsize = (int)(next - curr);
		if (esize < 0 || rsize <= 0 || (size_t)index + (size_t)esize > size ||
		    (unsigned int)(curr + rsize) > size)
			return false;
		if (!skip(arg, cpu, base + index, esize))
			return false;
		curr = next;
	}
	return true;
}

/* ---------------------------------------------------------------- prefetch */

/*
 * The prefetch thread (ftx_tracedat_prefetch()): it decompresses each
 * compressed CPU's next chunks, a few ahead, into slots the reading thread
 * takes in order, swapping its spent block for the slot's. The reading
 * thread, rather than wait for a slot, decompresses a chunk itself: two at
 * once, of one CPU or of two, each claimed in order (its header read under
 * the lock) and decompressed outside it. A failure is kept in its slot (the
 * message as td_fail() made it) and given out when the reading reaches it:
 * what the serial reader says, at the same point.
 */
#define PREFETCH_SLOTS	32

struct zslot {
	uint8_t *buf;
	size_t cap, len;
	uint64_t at;
	uint64_t skip[CHUNK_PAGES_MAX / 64];	/* pages skip passes over whole (page_skipped()) */
	bool ready;			/* decompressed (or failed): r says */
	int r;				/* read_chunk()'s return */
	int err;
	char *msg;			/* r < 0: ftx_error()'s text (NULL: out of memory) */
};

struct td_prefetch {
	struct ftx_tracedat *td;
	pthread_t thread;
	pthread_mutex_t mtx;
	pthread_cond_t cond;		/* the prefetch thread waits for room on it */
	pthread_cond_t ready;		/* the reading thread waits for a chunk on it */
	bool stop;
	bool idle;			/* the prefetch thread waits (no room) */
	bool wanting;			/* the reading thread waits */
	ftx_tracedat_skip_fn skip;	/* td's skip when the thread started (chunk_skipped()) */
	void *skip_arg;
	int ahead, n;
	struct pf_cpu {
		struct zpos z;
		bool done;		/* its last slot claimed ends it (no more data, or a failure) */
		int head, count;	/* count: slots claimed from head, ready or not yet */
		struct zslot *q;	/* ahead slots, a ring */
	} *pc;
	uint8_t *zbuf;			/* the prefetch thread's scratch */
	size_t zcap;
	void *zctx;
	uint8_t *hzbuf;			/* the reading thread's, when it helps */
	size_t hzcap;
	void *hzctx;
};

/*
 * page_skipped() of each page of a decompressed chunk, a bit per page into
 * @mask, by the skip set before ftx_tracedat_prefetch() (kept in @pf: one set
 * later is the reading's alone)
 */
static void chunk_skipped(const struct td_prefetch *pf, int cpu, const uint8_t *buf, size_t len,
			  uint64_t *mask)
{
	const struct ftx_tracedat *td = pf->td;
	size_t i, n = len / td->page_size;

	memset(mask, 0, CHUNK_PAGES_MAX / 8);
	if (!pf->skip || !td->walk)
		return;
	for (i = 0; i < n && i < CHUNK_PAGES_MAX; i++)
		if (page_skipped(td, pf->skip, pf->skip_arg, cpu, buf + i * td->page_size))
			mask[i / 64] |= 1ull << (i % 64);
}

/* The CPU with the fewest chunks claimed that has room for one more, or NULL; the lock held */
static struct pf_cpu *pf_pick(struct td_prefetch *pf)
{
	struct pf_cpu *p = NULL;
	int i;

	for (i = 0; i < pf->n; i++) {
		struct pf_cpu *q = &pf->pc[i];

		if (q->q && !q->done && q->count < pf->ahead && pf->td->cpu[i].selected &&
		    (!p || q->count < p->count))
			p = q;
	}
	return p;
}

/*
 * Claim @p's next chunk and decompress it into its slot: the lock held on
 * entry and on return, not while decompressing
 */
static void pf_work(struct td_prefetch *pf, struct pf_cpu *p, const struct zscratch *zs)
{
	struct ftx_tracedat *td = pf->td;
	struct td_cpu *c = &td->cpu[p - pf->pc];
	struct zslot *s = &p->q[(p->head + p->count) % pf->ahead];
	struct zjob j;
	int r;

	s->ready = false;
	p->count++;
	r = chunk_claim(td, c, &p->z, &j);
	if (r) {
		p->done = true;
		if (r < 0) {
			s->err = errno;
			s->msg = strdup(ftx_error());
		}
	} else {
		pthread_mutex_unlock(&pf->mtx);
		r = chunk_fill(td, c, &j, zs, &s->buf, &s->cap, &s->len);
		s->at = j.at;
		if (!r)
			chunk_skipped(pf, c->cpu, s->buf, s->len, s->skip);
		if (r < 0) {
			s->err = errno;
			s->msg = strdup(ftx_error());
		}
		pthread_mutex_lock(&pf->mtx);
		if (r)
			p->done = true;
	}
	s->r = r;
	s->ready = true;
	if (pf->wanting)
		pthread_cond_signal(&pf->ready);
}

static void *prefetch_main(void *arg)
{
	struct td_prefetch *pf = arg;
	struct zscratch zs = { &pf->zbuf, &pf->zcap, &pf->zctx };

	td_in_prefetch = true;
	pthread_mutex_lock(&pf->mtx);
	while (!pf->stop) {
		struct pf_cpu *p = pf_pick(pf);

		if (!p) {
			pf->idle = true;
			pthread_cond_wait(&pf->cond, &pf->mtx);
			pf->idle = false;
			continue;
		}
		pf_work(pf, p, &zs);
	}
	pthread_mutex_unlock(&pf->mtx);
	return NULL;
}

int ftx_tracedat_prefetch(struct ftx_tracedat *td, int ahead)
{
	struct td_prefetch *pf;
	int i, n = 0;

	if (td->pf || ahead < 1 || td->failed)
		return 0;
	for (i = 0; i < td->nall; i++)
		n += td->cpu[i].compressed && td->cpu[i].selected && !td->cpu[i].started;
	if (!n)
		return 0;
	/* PREFETCH_SLOTS slots in all at most (one per CPU at least): memory stays flat */
	if (ahead > PREFETCH_SLOTS / n)
		ahead = PREFETCH_SLOTS / n > 1 ? PREFETCH_SLOTS / n : 1;
	pf = calloc(1, sizeof(*pf));
	if (!pf)
		return td_nomem(td);
	pf->td = td;
	pf->skip = td->skip;
	pf->skip_arg = td->skip_arg;
	pf->ahead = ahead;
	pf->n = td->nall;
	pf->pc = calloc(pf->n, sizeof(*pf->pc));
	if (!pf->pc)
		goto nomem;
	for (i = 0; i < pf->n; i++) {
		struct td_cpu *c = &td->cpu[i];

		if (!c->compressed || c->started || c->done)
			continue;
		pf->pc[i].q = calloc(ahead, sizeof(*pf->pc[i].q));
		if (!pf->pc[i].q)
			goto nomem;
		pf->pc[i].z = (struct zpos){ .pos = c->pos };
	}
	if (pthread_mutex_init(&pf->mtx, NULL))
		goto nomem;
	if (pthread_cond_init(&pf->cond, NULL)) {
		pthread_mutex_destroy(&pf->mtx);
		goto nomem;
	}
	if (pthread_cond_init(&pf->ready, NULL)) {
		pthread_cond_destroy(&pf->cond);
		pthread_mutex_destroy(&pf->mtx);
		goto nomem;
	}
	if (pthread_create(&pf->thread, NULL, prefetch_main, pf)) {
		pthread_cond_destroy(&pf->ready);
		pthread_cond_destroy(&pf->cond);
		pthread_mutex_destroy(&pf->mtx);
		goto nomem;
	}
	td->pf = pf;
	return 0;
nomem:
	for (i = 0; pf->pc && i < pf->n; i++)
		free(pf->pc[i].q);
	free(pf->pc);
	free(pf);
	return 0;	/* the serial reading does it */
}

void td_prefetch_stop(struct ftx_tracedat *td)
{
	struct td_prefetch *pf = td->pf;
	int i, k;

	if (!pf)
		return;
	pthread_mutex_lock(&pf->mtx);
	pf->stop = true;
	pthread_cond_broadcast(&pf->cond);
	pthread_mutex_unlock(&pf->mtx);
	pthread_join(pf->thread, NULL);
	pthread_cond_destroy(&pf->ready);
	pthread_cond_destroy(&pf->cond);
	pthread_mutex_destroy(&pf->mtx);
	for (i = 0; i < pf->n; i++) {
		for (k = 0; pf->pc[i].q && k < pf->ahead; k++) {
			free(pf->pc[i].q[k].buf);
			free(pf->pc[i].q[k].msg);
		}
		free(pf->pc[i].q);
	}
	free(pf->pc);
	free(pf->zbuf);
	td_zctx_free(pf->zctx);
	free(pf->hzbuf);
	td_zctx_free(pf->hzctx);
	free(pf);
	td->pf = NULL;
}

/* The prefetched chunk of @c into block @b: as read_chunk() */
static int take_chunk(struct ftx_tracedat *td, struct td_cpu *c, int b, size_t *len)
{
	struct td_prefetch *pf = td->pf;
	struct pf_cpu *p = &pf->pc[c - td->cpu];
	struct zslot *s;
	uint8_t *buf;
	size_t cap;

	pthread_mutex_lock(&pf->mtx);
	while (!p->count || !p->q[p->head].ready) {
		/* rather than wait: a chunk of this CPU, or of the one with the fewest */
		struct pf_cpu *h = !p->done && p->count < pf->ahead ? p : pf_pick(pf);

		if (h) {
			struct zscratch zs = { &pf->hzbuf, &pf->hzcap, &pf->hzctx };
			bool was = td_in_prefetch;

			td_in_prefetch = true;
			pf_work(pf, h, &zs);
			td_in_prefetch = was;
			continue;
		}
		pf->wanting = true;
		/* it may be waiting for room the reading freed without waking it */
		if (pf->idle)
			pthread_cond_signal(&pf->cond);
		pthread_cond_wait(&pf->ready, &pf->mtx);
		pf->wanting = false;
	}
	s = &p->q[p->head];
	pthread_mutex_unlock(&pf->mtx);
	if (s->r) {
		/* the last slot: stays, so the next call says the same */
		if (s->r > 0)
			return 1;
		if (s->msg)
			ftx_error_set("%s", s->msg);
		else
			ftx_error_set("%s: out of memory", td->name);
		td->failed = true;
		errno = s->err;
		return -1;
	}
	buf = c->blk[b];
	cap = c->blk_cap[b];
	c->blk[b] = s->buf;
	c->blk_cap[b] = s->cap;
	s->buf = buf;
	s->cap = cap;
	*len = s->len;
	c->blk_foff = s->at;
	memcpy(c->blk_skip[b], s->skip, sizeof(c->blk_skip[b]));
	pthread_mutex_lock(&pf->mtx);
	p->head = (p->head + 1) % pf->ahead;
	p->count--;
	/* woken when half the room is free, so it fills several chunks a wake */
	if (pf->idle && p->count <= pf->ahead / 2)
		pthread_cond_signal(&pf->cond);
	pthread_mutex_unlock(&pf->mtx);
	return 0;
}

/* Fill the other block with the next pages of @c; 0 ok, 1 no more data, -1 error */
static int load_block(struct ftx_tracedat *td, struct td_cpu *c)
{
	int b = c->cur ^ 1, r;
	size_t len;

	memset(c->blk_skip[b], 0, sizeof(c->blk_skip[b]));
	if (!c->compressed) {
		uint64_t end = c->off + c->size, left = end - c->pos;

		len = left > BLOCK_BYTES ? BLOCK_BYTES : left;
		len -= len % td->page_size;
		if (len < td->page_size)
			len = 0;
		if (!len)
			return 1;
		if (blk_reserve(td, c, b, len) || td_pread(td, c->pos, c->blk[b], len))
			return -1;
		c->blk_foff = c->pos;
		c->pos += len;
	} else if (td->pf && td->pf->pc[c - td->cpu].q) {
		r = take_chunk(td, c, b, &len);
		if (r)
			return r;
	} else {
		struct zpos z = { c->pos, c->chunks_left, c->started };
		struct zscratch zs = { &td->zbuf, &td->zbuf_cap, &td->zctx };
		uint64_t at;

		r = read_chunk(td, c, &z, &zs, &c->blk[b], &c->blk_cap[b], &len, &at);
		c->pos = z.pos;
		c->chunks_left = z.chunks_left;
		c->started = z.started;
		if (r)
			return r;
		c->blk_foff = at;
	}
	/* nothing reads past its pages: each is copied out with its zeros (load_page()) */
	c->cur = b;
	c->blk_len = len;
	c->pg = 0;
	return 0;
}

static int load_page(struct ftx_tracedat *td, struct td_cpu *c)
{
	unsigned int hdr = 8 + td->long_size;
	uint64_t commit, size;
	uint8_t *page;
	int r;

	for (;;) {
		size_t i = c->pg / td->page_size;

		while (c->pg + td->page_size > c->blk_len) {
			r = load_block(td, c);
			if (r)
				return r;
			i = 0;
		}
		/* every record of it passed over (chunk_skipped()): nothing to read */
		if (i >= CHUNK_PAGES_MAX || !(c->blk_skip[c->cur][i / 64] & (1ull << (i % 64))))
			break;
		c->pg += td->page_size;
		c->page_seq++;
	}
	page = c->blk[c->cur] + c->pg;
	c->page_foff = c->compressed ? c->blk_foff : c->blk_foff + c->pg;
	commit = td_num(td, page + 8, td->long_size);
	size = commit & ((1u << 27) - 1);
	if (size > td->page_size - hdr)
		return td_fail(td, c->page_foff,
			       "CPU %d: corrupted page: %llu data bytes in a %u-byte page",
			       c->cpu, (unsigned long long)size, td->page_size);
	if ((commit & (1ull << 31)) && (commit & (1ull << 30)) &&
	    size + td->long_size > td->page_size - hdr)
		return td_fail(td, c->page_foff, "CPU %d: corrupted page: no room for the lost-events count",
			       c->cpu);
	c->pcur ^= 1;
	if (!c->pbuf[c->pcur]) {
		c->pbuf[c->pcur] = calloc(1, td->page_size + BLOCK_PAD);
		if (!c->pbuf[c->pcur])
			return td_nomem(td);
	}
	memcpy(c->pbuf[c->pcur], page, td->page_size);
	page = c->pbuf[c->pcur];
	kbuffer_load_subbuffer(c->kbuf, page);
	c->walk = td->walk;
	c->walk_next = 0;
	memcpy(&c->walk_ts, page, 8);		/* the page's time (little-endian) */
	c->page = page;
	c->page_start = hdr;
	c->page_data = size;
	c->page_end = hdr + size;
	c->prev_idx = -1;
	c->page_lost = 0;
	if (commit & (1ull << 31)) {
		c->lost_pages++;
		if (commit & (1ull << 30)) {
			c->page_lost = (long long)td_num(td, page + hdr + size, td->long_size);
			c->lost_events += c->page_lost;
		} else {
			c->page_lost = -1;
			c->lost_events += 1;
		}
	}
	c->pg += td->page_size;
	c->page_seq++;
	c->page_loaded = true;
	c->advance = false;
	return 0;
}

/*
 * The page's next data event as kbuffer_next_event() finds it, with what
 * kbuffer_curr_index(), kbuffer_event_size() and kbuffer_curr_size() say of
 * it: the same sums in the same widths, so a damaged page gives the same
 * values (which cpu_fill() checks). 1, 0 at the page's end, or -1 at a slot
 * it leaves to kbuffer (padding, an absolute time stamp).
 */
static inline int walk_next(struct td_cpu *c, void **data, unsigned long long *ts, int *idx,
			    int *esize, int *rsize)
{
	const uint8_t *base = c->page + c->page_start;

	for (;;) {
		unsigned int curr = c->walk_next, index, len;
		uint32_t w, x;

		if (curr >= c->page_data)
			return 0;
		/* each slot's words are inside the page or its zeros after it */
		memcpy(&w, base + curr, 4);
		switch (w & 31) {
		case 0:			/* the length in the next word, the data after it */
			memcpy(&x, base + curr + 4, 4);
			len = (x - 4 + 3) & ~3u;
			index = curr + 8;
			break;
		case 30:		/* time extend */
			memcpy(&x, base + curr + 4, 4);
			c->walk_ts += ((unsigned long long)x << 27) + (w >> 5);
			c->walk_next = curr + 8;
			continue;
		case 29:		/* padding */
		case 31:		/* time stamp */
			return -1;
		default:		/* data: its length in words in type_len */
			len = (w & 31) * 4;
			index = curr + 4;
			break;
		}
		c->walk_ts += w >> 5;
		c->walk_next = index + len;
		*data = (void *)(base + index);
		*ts = c->walk_ts;
		*idx = (int)curr;
		*esize = (int)(c->walk_next - index);
		*rsize = (int)(c->walk_next - curr);
		return 1;
	}
}

/* Make c->rec the CPU's next record; 0 ok (c->have or c->done), -1 error */
static int cpu_fill(struct ftx_tracedat *td, struct td_cpu *c)
{
	unsigned long long ts;
	void *data;
	int r;

	while (!c->have && !c->done) {
		if (c->page_loaded) {
			bool adv = c->advance;
			int idx = 0, esize = 0, rsize = 0;

			data = NULL;
			if (c->walk && walk_next(c, &data, &ts, &idx, &esize, &rsize) < 0) {
				/* kbuffer goes on from the record before (it walks the page to it) */
				c->walk = false;
				if (adv)
					kbuffer_read_at_offset(c->kbuf, c->prev_idx + (int)c->page_start,
							       NULL);
			}
			if (!c->walk) {
				data = adv ? kbuffer_next_event(c->kbuf, &ts) :
					     kbuffer_read_event(c->kbuf, &ts);
				if (data) {
					idx = kbuffer_curr_index(c->kbuf);
					esize = kbuffer_event_size(c->kbuf);
					rsize = kbuffer_curr_size(c->kbuf);
				}
			}
			c->advance = false;
			if (data) {
				size_t doff = (uint8_t *)data - c->page;

				/* kbuffer trusts the lengths in the page: check them */
				if ((adv && idx <= c->prev_idx) || esize < 0 || rsize <= 0 ||
				    doff + (size_t)esize > c->page_end ||
				    (unsigned int)(idx + rsize) > c->page_data)
					return td_fail(td, c->page_foff + c->page_start + idx,
						       "CPU %d: corrupted event (size %d)", c->cpu,
						       esize);
				c->prev_idx = idx;
				/* passed over where it sits: no record is made of it */
				if (td->skip && td->skip(td->skip_arg, c->cpu, data, esize)) {
					c->advance = true;
					continue;
				}
				if (td->tsc_mult)
					ts = tsc_to_ns(ts, td->tsc_mult, td->tsc_shift);
				c->rec.ts = ts + td->ts_offset;
				c->rec.size = esize;
				c->rec.record_size = rsize;
				c->rec.data = data;
				c->rec.cpu = c->cpu;
				c->rec.offset = c->page_foff + c->page_start + idx;
				/* as kbuffer_missed_events(): only on the page's first slot */
				c->rec.missed_events = idx ? 0 : c->page_lost;
				c->rec.ref_count = 1;
				c->rec.locked = 1;
				c->rec.priv = c->buf;
				c->have = true;
				c->advance = true;
				return 0;
			}
			c->page_loaded = false;
		}
		r = load_page(td, c);
		if (r < 0)
			return -1;
		if (r > 0)
			c->done = true;
	}
	return 0;
}

/* The head of the merged stream: of all instances (@only NULL) or of one */
static int td_head(struct ftx_tracedat *td, const struct td_buffer *only, bool all, int *best)
{
	struct td_cpu *b = NULL;
	int i;

	if (td->failed)
		return -1;
	if (td->pending >= 0) {
		td->cpu[td->pending].have = false;
		td->pending = -1;
	}
	*best = -1;
	for (i = 0; i < td->nall; i++) {
		struct td_cpu *c = &td->cpu[i];

		if (!c->selected || c->done || (!all && c->buf != only))
			continue;
		if (!c->have && cpu_fill(td, c))
			return -1;
		if (c->have && (!b || c->rec.ts < b->rec.ts)) {
			b = c;
			*best = i;
		}
	}
	return b ? 1 : 0;
}

static int td_next(struct ftx_tracedat *td, const struct td_buffer *only, bool all,
		   struct tep_record **rec)
{
	int i, r;

	if (td->latency) {
		*rec = NULL;
		return 0;
	}
	r = td_head(td, only, all, &i);
	if (r <= 0) {
		*rec = NULL;
		return r;
	}
	td->slot_i ^= 1;
	td->slot[td->slot_i] = td->cpu[i].rec;
	td->pending = i;
	*rec = &td->slot[td->slot_i];
	return 1;
}

static int td_peek(struct ftx_tracedat *td, const struct td_buffer *only, bool all,
		   struct tep_record **rec)
{
	int i, r;

	if (td->latency) {
		*rec = NULL;
		return 0;
	}
	r = td_head(td, only, all, &i);
	*rec = r > 0 ? &td->cpu[i].rec : NULL;
	return r;
}

int ftx_tracedat_next(struct ftx_tracedat *td, struct tep_record **rec)
{
	return td_next(td, NULL, true, rec);
}

int ftx_tracedat_peek(struct ftx_tracedat *td, struct tep_record **rec)
{
	return td_peek(td, NULL, true, rec);
}

int ftx_tracedat_next_same(struct ftx_tracedat *td, const struct tep_record *like,
			   struct tep_record **rec)
{
	return td_next(td, like->priv, false, rec);
}

int ftx_tracedat_peek_same(struct ftx_tracedat *td, const struct tep_record *like,
			   struct tep_record **rec)
{
	return td_peek(td, like->priv, false, rec);
}

int ftx_tracedat_record_page(struct ftx_tracedat *td, const void **page, uint64_t *seq)
{
	struct td_cpu *c;

	if (td->pending < 0)
		return -1;
	c = &td->cpu[td->pending];
	*page = c->page;
	*seq = c->page_seq;
	return 0;
}

const char *ftx_tracedat_record_instance(const struct tep_record *rec)
{
	const struct td_buffer *b = rec->priv;

	return b ? b->name : NULL;
}

void ftx_tracedat_set_cpus(struct ftx_tracedat *td, const bool *mask, int n)
{
	int i;

	for (i = 0; i < td->nall; i++)
		td->cpu[i].selected = !mask || (td->cpu[i].cpu < n && mask[td->cpu[i].cpu]);
}

void ftx_tracedat_set_skip(struct ftx_tracedat *td, ftx_tracedat_skip_fn fn, void *arg)
{
	td->skip = fn;
	td->skip_arg = arg;
}
