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
#include <stdlib.h>
#include <string.h>

#include "ftx/ringbuf.h"
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

static int blk_reserve(struct ftx_tracedat *td, struct td_cpu *c, int b, size_t len)
{
	uint8_t *n;

	if (c->blk_cap[b] >= len + BLOCK_PAD)
		return 0;
	n = realloc(c->blk[b], len + BLOCK_PAD);
	if (!n)
		return td_nomem(td);
	c->blk[b] = n;
	c->blk_cap[b] = len + BLOCK_PAD;
	return 0;
}

/* Fill the other block with the next pages of @c; 0 ok, 1 no more data, -1 error */
static int load_block(struct ftx_tracedat *td, struct td_cpu *c)
{
	/* compressed: the size in the BUFFER option leaves out the chunk count */
	uint64_t end = c->off + c->size + (c->compressed ? 4 : 0);
	int b = c->cur ^ 1;
	size_t len;

	if (!c->compressed) {
		uint64_t left = end - c->pos;

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
	} else {
		uint64_t csize, usize, at;
		uint8_t hdr[8];

		if (end > td->fsize)
			end = td->fsize;
		if (!c->started) {
			if (end - c->off < 4)
				return td_fail(td, c->off, "CPU %d: compressed data too short", c->cpu);
			if (td_pread(td, c->pos, hdr, 4))
				return -1;
			c->chunks_left = td_num(td, hdr, 4);
			c->pos += 4;
			c->started = true;
		}
		if (!c->chunks_left)
			return 1;
		at = c->pos;
		if (end - c->pos < 8)
			return td_fail(td, at, "CPU %d: truncated chunk header", c->cpu);
		if (td_pread(td, c->pos, hdr, 8))
			return -1;
		csize = td_num(td, hdr, 4);
		usize = td_num(td, hdr + 4, 4);
		c->pos += 8;
		if (csize > end - c->pos)
			return td_fail(td, at, "CPU %d: chunk size %llu beyond the CPU data",
				       c->cpu, (unsigned long long)csize);
		if (usize > (uint64_t)CHUNK_PAGES_MAX * td->page_size)
			return td_fail(td, at, "CPU %d: chunk of %llu bytes, more than %u pages "
				       "(trace-cmd writes 10)", c->cpu, (unsigned long long)usize,
				       CHUNK_PAGES_MAX);
		if (td->zbuf_cap < csize) {
			uint8_t *z = realloc(td->zbuf, csize);

			if (!z)
				return td_nomem(td);
			td->zbuf = z;
			td->zbuf_cap = csize;
		}
		if (blk_reserve(td, c, b, usize) || td_pread(td, c->pos, td->zbuf, csize) ||
		    td_decompress(td, at, td->zbuf, csize, c->blk[b], usize))
			return -1;
		if (usize % td->page_size)
			return td_fail(td, at, "CPU %d: chunk of %llu bytes, not a whole number of "
				       "%u-byte pages", c->cpu, (unsigned long long)usize,
				       td->page_size);
		c->pos += csize;
		c->chunks_left--;
		c->blk_foff = at;
		len = usize;
	}
	memset(c->blk[b] + len, 0, BLOCK_PAD);
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

	while (c->pg + td->page_size > c->blk_len) {
		r = load_block(td, c);
		if (r)
			return r;
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

/* Make c->rec the CPU's next record; 0 ok (c->have or c->done), -1 error */
static int cpu_fill(struct ftx_tracedat *td, struct td_cpu *c)
{
	unsigned long long ts;
	void *data;
	int r;

	while (!c->have && !c->done) {
		if (c->page_loaded) {
			bool adv = c->advance;

			data = adv ? kbuffer_next_event(c->kbuf, &ts) : kbuffer_read_event(c->kbuf, &ts);
			c->advance = false;
			if (data) {
				int idx = kbuffer_curr_index(c->kbuf);
				int esize = kbuffer_event_size(c->kbuf);
				int rsize = kbuffer_curr_size(c->kbuf);
				size_t doff = (uint8_t *)data - c->page;

				/* kbuffer trusts the lengths in the page: check them */
				if ((adv && idx <= c->prev_idx) || esize < 0 || rsize <= 0 ||
				    doff + (size_t)esize > c->page_end ||
				    (unsigned int)(idx + rsize) > c->page_data)
					return td_fail(td, c->page_foff + c->page_start + idx,
						       "CPU %d: corrupted event (size %d)", c->cpu,
						       esize);
				c->prev_idx = idx;
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
