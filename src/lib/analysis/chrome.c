// SPDX-License-Identifier: GPL-2.0
/*
 * Chrome trace-event JSON, streamed record by record: "X" events come out
 * as calls leave the stacks of 'report --graph' (through its hooks), so
 * nothing grows with the trace but the table of task names.
 *
 * Times are record times (the ring buffer's timestamps) in microseconds with
 * nanosecond fractions. A call spans from its entry record to its exit record:
 * records of one task come in time order, so a task's calls nest exactly, as
 * Perfetto requires; the kernel's own duration (rettime - calltime, what
 * report prints) is in args.kernel_dur_us.
 *
 * Counters are "C" events with one series each, named "NAME cpuN" (Chrome's
 * viewer takes a counter's series from its first event; Perfetto names a
 * track after the counter and the series): the 'ftx_pmc: cpu=N ms=M EV=COUNT'
 * lines that record --pmc writes through trace_marker (each COUNT is what EV
 * counted on CPU N in the M ms before the line) and the events lost per CPU.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "ftx/analysis.h"
#include "ftx/error.h"
#include "ftx/graph.h"
#include "ftx/tracedat.h"
#include "analysis-local.h"

#define IDLE_TID	(1 << 22)	/* above PID_MAX_LIMIT: the idle task of CPU n is IDLE_TID + n */
#define TID_HASH	4096
#define NAME_CACHE	4096

/* One event's text, built without stdio's format parsing (X events are most of the output) */
#define NB_CAP		(1 << 16)
#define NB_SLACK	32	/* put_short() copies this much, whatever the length */

struct nbuf {
	FILE *out;
	size_t n;
	bool wrote;		/* to the stream since its error was last checked */
	unsigned int gen;	/* writes so far */
	char b[NB_CAP + NB_SLACK];
};

/* Every write to the stream (the rare direct ones too) follows one of these */
static void nb_flush(struct nbuf *nb)
{
	fwrite(nb->b, 1, nb->n, nb->out);
	nb->n = 0;
	nb->wrote = true;
	nb->gen++;
}

static inline void put(struct nbuf *nb, const char *s, size_t len)
{
	while (nb->n + len > NB_CAP) {
		size_t room = NB_CAP - nb->n;

		memcpy(nb->b + nb->n, s, room);
		nb->n += room;
		s += room;
		len -= room;
		nb_flush(nb);
	}
	memcpy(nb->b + nb->n, s, len);
	nb->n += len;
}

#define PUT(nb, lit) put(nb, lit, sizeof(lit) - 1)

/* @s has NB_SLACK readable bytes after its @len (pad_text()): one fixed-size copy */
static inline void put_short(struct nbuf *nb, const char *s, size_t len)
{
	if (len > NB_SLACK || nb->n + len > NB_CAP) {
		put(nb, s, len);
		return;
	}
	memcpy(nb->b + nb->n, s, NB_SLACK);
	nb->n += len;
}

/* @text (@len bytes and a NUL, malloc'ed) with NB_SLACK zeros after it, for put_short() */
static char *pad_text(char *text, size_t len)
{
	char *t;

	if (!text)
		return NULL;
	t = realloc(text, len + 1 + NB_SLACK);
	if (!t) {
		free(text);
		return NULL;
	}
	memset(t + len, 0, 1 + NB_SLACK);
	return t;
}

static const char digits2[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/*
 * Writing at a pointer into the buffer, its room checked once for a piece
 * (ev_cache's room): literals copied 32 bytes a step (their allocations and
 * the buffer have the slack), digits two a step, eight at a time with
 * independent divisions.
 */
#define LIT_FAST	512	/* longer literals (long escaped names) go through put() */
#define RUN_ROOM	4096	/* the most one room check covers of an event's numbers */

static inline char *cp(char *p, const char *s, size_t len)
{
	memcpy(p, s, 32);		/* most literals: one step, or two */
	if (len > 32) {
		memcpy(p + 32, s + 32, 32);
		for (size_t i = 64; i < len; i += 32)
			memcpy(p + i, s + i, 32);
	}
	return p + len;
}

/* @p if @n bytes fit after it, else the buffer written out and its start */
static inline char *room(struct nbuf *nb, char *p, size_t n)
{
	if ((size_t)(p - nb->b) + n <= NB_CAP)
		return p;
	nb->n = p - nb->b;
	nb_flush(nb);
	return nb->b;
}

static inline char *lit(struct nbuf *nb, char *p, const char *s, size_t len)
{
	if (len <= LIT_FAST)
		return cp(p, s, len);
	nb->n = p - nb->b;
	put(nb, s, len);
	nb_flush(nb);		/* the room checked before is spent: all of it again */
	return nb->b;
}

static const unsigned long long pow10s[20] = {
	1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
	100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
	10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
	100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL,
};

/* Decimal digits of @v: from its bit length (log10(2) ~ 1233 / 4096), then one compare */
static inline int dec_len(unsigned long long v)
{
	int t = (64 - __builtin_clzll(v | 1)) * 1233 >> 12;

	return t + (v >= pow10s[t]) + !v;
}

/* Exactly 8 digits of @v (< 10^8) */
static inline void dec8(char *p, unsigned int v)
{
	unsigned int hi = v / 10000, lo = v % 10000;

	memcpy(p, digits2 + hi / 100 * 2, 2);
	memcpy(p + 2, digits2 + hi % 100 * 2, 2);
	memcpy(p + 4, digits2 + lo / 100 * 2, 2);
	memcpy(p + 6, digits2 + lo % 100 * 2, 2);
}

/* @v in decimal at @p (20 bytes at most); the end */
static inline char *dec_u(char *p, unsigned long long v)
{
	unsigned int w;
	char *e;
	int n;

	if (v < 10) {
		*p = '0' + v;
		return p + 1;
	}
	if (v < 100) {
		memcpy(p, digits2 + v * 2, 2);
		return p + 2;
	}
	n = dec_len(v);
	e = p + n;
	while (v >= 100000000) {
		unsigned long long q = v / 100000000;

		e -= 8;
		dec8(e, (unsigned int)(v - q * 100000000));
		v = q;
	}
	w = (unsigned int)v;
	while (w >= 100) {
		e -= 2;
		memcpy(e, digits2 + w % 100 * 2, 2);
		w /= 100;
	}
	if (w >= 10)
		memcpy(e - 2, digits2 + w * 2, 2);
	else
		e[-1] = '0' + w;
	return p + n;
}

static inline char *dec_i(char *p, long long v)
{
	if (v < 0) {
		*p++ = '-';
		return dec_u(p, -(unsigned long long)v);
	}
	return dec_u(p, (unsigned long long)v);
}

/* "0x..." in quotes (20 bytes at most) */
static inline char *hex_str(char *p, unsigned long long v)
{
	static const char hex[] = "0123456789abcdef";
	int n = (64 - __builtin_clzll(v | 1) + 3) / 4;

	memcpy(p, "\"0x", 3);
	for (int i = n; i > 0; i--, v >>= 4)
		p[2 + i] = hex[v & 15];
	p[3 + n] = '"';
	return p + 4 + n;
}

/* ns as microseconds with three decimals at @p (25 bytes at most) */
static inline char *us_at(char *p, unsigned long long ns)
{
	unsigned long long us = ns / 1000;
	unsigned int frac = (unsigned int)(ns - us * 1000);

	p = dec_u(p, us);
	p[0] = '.';
	p[1] = digits2[frac / 10 * 2];		/* frac / 100 */
	p[2] = digits2[frac / 10 * 2 + 1];	/* frac / 10 % 10 */
	p[3] = '0' + frac % 10;
	return p + 4;
}

static inline void put_u(struct nbuf *nb, unsigned long long v)
{
	if (nb->n + 20 > NB_CAP)
		nb_flush(nb);
	nb->n = dec_u(nb->b + nb->n, v) - nb->b;
}

static inline void put_i(struct nbuf *nb, long long v)
{
	if (nb->n + 21 > NB_CAP)
		nb_flush(nb);
	nb->n = dec_i(nb->b + nb->n, v) - nb->b;
}

static inline void put_us(struct nbuf *nb, unsigned long long ns)
{
	if (nb->n + 25 > NB_CAP)
		nb_flush(nb);
	nb->n = us_at(nb->b + nb->n, ns) - nb->b;
}

/* A string's bytes as a JSON string, up to @max bytes or a NUL */
static void put_json(struct nbuf *nb, const char *s, size_t max)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	PUT(nb, "\"");
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];
		char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			run++;
			continue;
		}
		put(nb, s + i - run, run);
		run = 0;
		if (c == '"' || c == '\\') {
			esc[1] = c;
			put(nb, esc, 2);
		} else {
			put(nb, esc, 6);	/* no UTF-8 promise from the kernel */
		}
	}
	put(nb, s + i - run, run);
	PUT(nb, "\"");
}

/*
 * Per event id: its "i" events as fixed text between the values. Each value
 * is followed by the text up to the next one (",\"key\":" or "}}"), so an
 * event is a copy, a value, a copy... with one room check per value.
 */
enum {
	/* numbers: as ftx_read_uint() reads them; by their size in the host's byte order */
	FV_UNSIGNED, FV_SIGNED, FV_U1, FV_U2, FV_U4, FV_U8, FV_S1, FV_S2, FV_S4,
	FV_STR, FV_STR_DYN, FV_STR_REL, FV_STR_TAIL
};

struct ev_field {
	unsigned char kind;
	bool sign;		/* a signed number */
	unsigned char rsize;	/* bytes read, as tep_read_number(): 1, 2, 4, 8; 0 reads 0 */
	unsigned int off;	/* the field's offset */
	unsigned int end;	/* offset + size: a number past the record is null */
	unsigned int size;
	char *post;		/* after the value: ",\"next\":" or "}}" */
	size_t postlen;
	size_t room;		/* the most the value and post write (slack included) */
	/*
	 * Room checked before the value (0: an earlier check covers it): one
	 * check for a run of numbers; after a string, @after for its post and
	 * the numbers that follow it
	 */
	size_t need, after;
	/*
	 * The last number's text (most fields repeat theirs: ids, flags, fds,
	 * return codes), taken from the buffer when it repeats (@at, before
	 * the buffer's @gen-th write): a copy right after the digits' stores
	 * waits for them
	 */
	unsigned long long lastv;
	int lastlen;		/* 0: none yet */
	bool kept;		/* in @last; else at @at */
	size_t at;
	unsigned int gen;
	char last[24];
};

struct ev_cache {
	struct tep_event *ev;
	char *head;		/* ,\n{"ph":"i","s":"t","name":"...","cat":"...","pid":1,"tid": */
	size_t headlen;
	char *mid;		/* ,"args":{ and the first key (or }}) */
	size_t midlen;
	size_t room;		/* the most head, tid, ts, mid and the first numbers write */
	struct ev_field *fields;
	int nfields;
};

struct name_slot {
	unsigned long long addr;
	char *json;		/* the name as a JSON string, quotes included */
	size_t len;
};

struct tid {
	int tid;
	int declen;
	char dec[16 + NB_SLACK];	/* the tid in decimal, for put_short() */
	struct tid *next;
};

struct chrome {
	struct ftx_tracedat *td;
	struct ftx_analysis_reader rd;
	struct ftx_recfmt rf;
	struct tep_handle *tep;
	FILE *out;
	struct ftx_graph *graph;
	struct ftx_graph_hooks hooks;
	int func_id, print_id;
	struct tep_format_field *f_ip, *f_parent, *f_buf;
	struct tid *tids[TID_HASH];
	struct tid *last;		/* of the event before */
	unsigned long long ts_ms;	/* the record time's milliseconds in ts_dec */
	int ts_len;
	char ts_dec[24 + NB_SLACK];
	char d3[1000][4];		/* "000" to "999" */
	unsigned long long calls;
	unsigned long long *lost;	/* per CPU, cumulative */
	int nlost;
	bool first;
	struct name_slot names[NAME_CACHE];
	struct nbuf nb;
	struct ev_cache **evs;	/* by event id */
	int nevs;
	bool syms;
	bool no_args;
	unsigned long long counters;
};

static void json_str(FILE *out, const char *s, size_t max)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);	/* no UTF-8 promise from the kernel */
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void us(FILE *out, unsigned long long ns)
{
	fprintf(out, "%llu.%03llu", ns / 1000, ns % 1000);
}

static int tid_of(int pid, int cpu)
{
	return pid ? pid : IDLE_TID + (cpu > 0 ? cpu : 0);
}

static void sep(struct chrome *c)
{
	if (!c->first)
		PUT(&c->nb, ",\n");
	c->first = false;
}

/* thread()'s lookup past the task of the record before */
static const struct tid *thread_find(struct chrome *c, int tid, int pid, int cpu)
{
	unsigned int h = (unsigned int)tid % TID_HASH;
	char buf[300];
	struct tid *t;

	for (t = c->tids[h]; t; t = t->next)
		if (t->tid == tid)
			return c->last = t;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;	/* the name only: the events still come */
	t->tid = tid;
	t->declen = snprintf(t->dec, 16, "%d", tid);
	t->next = c->tids[h];
	c->tids[h] = t;
	c->last = t;
	if (pid)
		ftx_analysis_name(c->tep, FTX_CNODE_TASK, (unsigned int)pid, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "<idle>/%d", cpu);
	sep(c);
	PUT(&c->nb, "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":");
	put_i(&c->nb, tid);
	PUT(&c->nb, ",\"args\":{\"name\":");
	put_json(&c->nb, buf, sizeof(buf));
	PUT(&c->nb, "}}");
	sep(c);
	PUT(&c->nb, "{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":1,\"tid\":");
	put_i(&c->nb, tid);
	PUT(&c->nb, ",\"args\":{\"sort_index\":");
	put_i(&c->nb, tid);
	PUT(&c->nb, "}}");
	return t;
}

/* The thread's name, the first time it appears; its entry (NULL: out of memory) */
static inline const struct tid *thread(struct chrome *c, int pid, int cpu)
{
	int tid = tid_of(pid, cpu);

	if (c->last && c->last->tid == tid)
		return c->last;
	return thread_find(c, tid, pid, cpu);
}

/*
 * A record time at @p as us_at() writes it (32 bytes at most): the
 * milliseconds' digits kept from the time before, the rest from a table of
 * three digits
 */
static inline char *ts_at(struct chrome *c, char *p, unsigned long long ns)
{
	unsigned long long ms = ns / 1000000;
	unsigned int sub = (unsigned int)(ns - ms * 1000000);	/* ns below the ms */

	if (!ms)
		return us_at(p, ns);
	if (ms != c->ts_ms || !c->ts_len) {
		c->ts_ms = ms;
		c->ts_len = dec_u(c->ts_dec, ms) - c->ts_dec;
	}
	memcpy(p, c->ts_dec, 24);		/* ms < 2^64 / 10^6: 14 digits at most */
	p += c->ts_len;
	memcpy(p, c->d3[sub / 1000], 4);
	p[3] = '.';
	memcpy(p + 4, c->d3[sub % 1000], 4);
	return p + 7;
}

static inline void put_ts(struct chrome *c, unsigned long long ns)
{
	struct nbuf *nb = &c->nb;

	if (nb->n + 32 > NB_CAP)
		nb_flush(nb);
	nb->n = ts_at(c, nb->b + nb->n, ns) - nb->b;
}

static const char *fname(struct chrome *c, unsigned long long addr, char *buf, size_t len)
{
	/* kallsyms on first use: a trace of tracepoints never pays for it */
	if (!c->syms) {
		c->syms = true;
		ftx_analysis_load_kallsyms(&c->rd);	/* without names: addresses */
	}
	return ftx_analysis_name(c->tep, FTX_CNODE_FUNC, addr, buf, len);
}

/* The function's name as a JSON string, from a small cache */
static const struct name_slot *json_name(struct chrome *c, unsigned long long addr)
{
	struct name_slot *ns = &c->names[(addr >> 2) % NAME_CACHE];
	char buf[256], *text = NULL;
	size_t len = 0;
	FILE *m;

	if (ns->json && ns->addr == addr)
		return ns;
	m = open_memstream(&text, &len);
	if (!m)
		return NULL;
	json_str(m, fname(c, addr, buf, sizeof(buf)), sizeof(buf));
	if (fclose(m)) {
		free(text);
		return NULL;
	}
	text = pad_text(text, len);
	if (!text)
		return NULL;
	free(ns->json);
	ns->addr = addr;
	ns->json = text;
	ns->len = len;
	return ns;
}

static void x_event(struct chrome *c, int pid, int cpu, unsigned long long func, int depth,
		    unsigned long long ts, unsigned long long end, const struct ftx_graph_exit *x,
		    const char *cut)
{
	const struct name_slot *name = json_name(c, func);
	struct nbuf *nb = &c->nb;
	const struct tid *t = thread(c, pid, cpu);

	sep(c);
	PUT(nb, "{\"ph\":\"X\",\"name\":");
	if (name)
		put_short(nb, name->json, name->len);
	else
		PUT(nb, "\"?\"");
	if (cut)
		PUT(nb, ",\"cat\":\"function,cut\",\"pid\":1,\"tid\":");
	else
		PUT(nb, ",\"cat\":\"function\",\"pid\":1,\"tid\":");
	if (t)
		put_short(nb, t->dec, t->declen);
	else
		put_i(nb, tid_of(pid, cpu));
	PUT(nb, ",\"ts\":");
	put_ts(c, ts);
	PUT(nb, ",\"dur\":");
	put_us(nb, end > ts ? end - ts : 0);
	if (c->no_args) {
		PUT(nb, "}");
		c->calls++;
		return;
	}
	PUT(nb, ",\"args\":{\"depth\":");
	put_i(nb, depth);
	if (x->how == FTX_GRAPH_EXIT || !strcmp(cut, "entry before the trace"))
		PUT(nb, ",\"kernel_dur_us\":");
	else
		PUT(nb, ",\"seen_us\":");
	put_us(nb, x->dur);
	if (x->has_retval) {
		PUT(nb, ",\"retval\":");
		put_i(nb, x->retval);
	}
	if (cut) {
		PUT(nb, ",\"cut\":\"");
		put(nb, cut, strlen(cut));	/* our own words: nothing to escape */
		PUT(nb, "\"");
	}
	PUT(nb, "}}");
	c->calls++;
}

static int hook_leave(void *ctx, int pid, struct ftx_graph_frame *parent, struct ftx_graph_frame *f,
		      const struct ftx_graph_exit *x)
{
	static const char *const why[] = {
		[FTX_GRAPH_EXIT] = NULL,
		[FTX_GRAPH_CUT_LOST] = "broken by lost events",
		[FTX_GRAPH_CUT_NESTED] = "exit not in the trace",
		[FTX_GRAPH_CUT_END] = "no exit before the end of the trace",
	};

	x_event(ctx, pid, f->cpu, f->func, f->depth, f->ts, x->end, x, why[x->how]);
	return 0;
}

/* An exit whose entry is before the trace: from its calltime, as the kernel says */
static int hook_orphan(void *ctx, int pid, struct ftx_graph_frame *top, unsigned long long func,
		       int depth, const struct ftx_graph_exit *x)
{
	unsigned long long end = x->end, ts = end > x->dur ? end - x->dur : 0;

	/* it encloses whatever is open below it no more: start after that opened */
	if (top && ts < top->ts)
		ts = top->ts;
	x_event(ctx, pid, x->rec ? x->rec->cpu : 0, func, depth, ts, end, x,
		"entry before the trace");
	return 0;
}

static char *dup_json(const char *pre, const char *s, const char *post, size_t *len)
{
	char *text = NULL;
	FILE *m = open_memstream(&text, len);

	if (!m)
		return NULL;
	fputs(pre, m);
	json_str(m, s, 256);
	fputs(post, m);
	if (fclose(m)) {
		free(text);
		return NULL;
	}
	return pad_text(text, *len);
}

/* @a then @b (@b's length @blen), with put_short()'s slack */
static char *join(const char *a, const char *b, size_t blen, size_t *len)
{
	size_t alen = strlen(a);
	char *t = malloc(alen + blen + 1 + NB_SLACK);

	if (!t)
		return NULL;
	memcpy(t, a, alen);
	memcpy(t + alen, b, blen);
	memset(t + alen + blen, 0, 1 + NB_SLACK);
	*len = alen + blen;
	return t;
}

static void ev_cache_free(struct ev_cache *e)
{
	if (!e)
		return;
	for (int i = 0; i < e->nfields; i++)
		free(e->fields[i].post);
	free(e->fields);
	free(e->mid);
	free(e->head);
	free(e);
}

static size_t lit_room(size_t len)
{
	return (len < LIT_FAST ? len : LIT_FAST) + 32;	/* cp() writes up to 31 more */
}

static struct ev_cache *ev_cache(struct chrome *c, struct tep_event *ev)
{
	struct tep_format_field *f;
	struct ev_cache *e;
	char *cat, *key = NULL;
	size_t len, keylen = 0, run = 0;
	int n = 0;

	if (ev->id < 0 || ev->id > 65535)
		return NULL;
	if (ev->id < c->nevs && c->evs[ev->id])
		return c->evs[ev->id];
	if (ev->id >= c->nevs) {
		struct ev_cache **v = realloc(c->evs, (ev->id + 1) * sizeof(*v));

		if (!v)
			return NULL;
		memset(v + c->nevs, 0, (ev->id + 1 - c->nevs) * sizeof(*v));
		c->evs = v;
		c->nevs = ev->id + 1;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->ev = ev;
	cat = dup_json(",\"cat\":", ev->system, ",\"pid\":1,\"tid\":", &len);
	e->head = cat ? dup_json(",\n{\"ph\":\"i\",\"s\":\"t\",\"name\":", ev->name, cat,
				 &e->headlen) : NULL;
	free(cat);
	for (f = ev->format.fields; f; f = f->next)
		n++;
	e->fields = calloc(n ? n : 1, sizeof(*e->fields));
	if (!e->head || !e->fields)
		goto fail;
	/* numbers and strings; other arrays are left out */
	for (f = ev->format.fields; f; f = f->next) {
		struct ev_field *ef = &e->fields[e->nfields];
		struct ftx_fieldpos pos = ftx_fieldpos_of(f);

		if (f->flags & TEP_FIELD_IS_ARRAY && !(f->flags & TEP_FIELD_IS_STRING))
			continue;
		key = dup_json(e->nfields ? "," : "", f->name, ":", &keylen);
		if (!key)
			goto fail;
		if (e->nfields) {
			ef[-1].post = key;
			ef[-1].postlen = keylen;
		} else {
			e->mid = join(",\"args\":{", key, keylen, &e->midlen);
			free(key);
			if (!e->mid)
				goto fail;
		}
		key = NULL;
		if (!(f->flags & TEP_FIELD_IS_STRING)) {
			static const unsigned char by_size[2][9] = {
				{ [1] = FV_U1, [2] = FV_U2, [4] = FV_U4, [8] = FV_U8 },
				{ [1] = FV_S1, [2] = FV_S2, [4] = FV_S4, [8] = FV_U8 },
			};

			ef->sign = f->flags & TEP_FIELD_IS_SIGNED;
			ef->kind = ef->sign ? FV_SIGNED : FV_UNSIGNED;
			/* a signed 8-byte number is its unsigned bits, read alike */
			if (!c->rf.swap && pos.size <= 8 && by_size[ef->sign][pos.size])
				ef->kind = by_size[ef->sign][pos.size];
		} else if (f->flags & TEP_FIELD_IS_DYNAMIC)
			ef->kind = f->flags & TEP_FIELD_IS_RELATIVE ? FV_STR_REL : FV_STR_DYN;
		else
			ef->kind = f->size ? FV_STR : FV_STR_TAIL;
		ef->rsize = pos.size;
		ef->off = f->offset;
		ef->size = f->size;
		ef->end = (unsigned int)(f->offset + f->size);
		e->nfields++;
	}
	if (e->nfields) {
		struct ev_field *last = &e->fields[e->nfields - 1];

		last->post = join("}}", "", 0, &last->postlen);
		if (!last->post)
			goto fail;
	} else {
		e->mid = join(",\"args\":{}}", "", 0, &e->midlen);
		if (!e->mid)
			goto fail;
	}
	for (int i = 0; i < e->nfields; i++)
		e->fields[i].room = 24 + lit_room(e->fields[i].postlen);
	/* from the last field back: the runs of numbers, each checked once */
	for (int i = e->nfields - 1; i >= 0; i--) {
		struct ev_field *ef = &e->fields[i];

		if (ef->kind >= FV_STR) {
			ef->after = lit_room(ef->postlen) + run;
			run = 0;
			continue;
		}
		if (run + ef->room > RUN_ROOM) {	/* the field after starts a run */
			ef[1].need = run;
			run = 0;
		}
		run += ef->room;
	}
	/* head, the tid (16 copied), ",\"ts\":", the time, mid, the first run */
	e->room = lit_room(e->headlen) + 16 + 6 + 32 + lit_room(e->midlen) + run;
	c->evs[ev->id] = e;
	return e;
fail:
	ev_cache_free(e);
	return NULL;
}

/* A string field's bytes in the record, as far as they are inside it */
static const char *str_field(const struct chrome *c, const struct ev_field *ef,
			     const struct tep_record *rec, unsigned int *lenp)
{
	unsigned int off = ef->off, len = ef->size;

	if (ef->kind == FV_STR_DYN || ef->kind == FV_STR_REL) {
		/* __data_loc: offset in the low 16 bits, length in the high 16 */
		unsigned long long v = ftx_read_uint((const char *)rec->data + ef->off, 4, c->rf.swap);

		off = v & 0xffff;
		len = v >> 16;
		if (ef->kind == FV_STR_REL)
			off += ef->off + ef->size;
	} else if (ef->kind == FV_STR_TAIL) {
		len = rec->size > (int)off ? rec->size - off : 0;	/* char buf[] */
	}
	if (off > (unsigned int)rec->size || len > (unsigned int)rec->size - off)
		len = off > (unsigned int)rec->size ? 0 : rec->size - off;
	*lenp = len;
	return (const char *)rec->data + (off <= (unsigned int)rec->size ? off : 0);
}

/* An "i" event of a record of @e's event */
static void i_event(struct chrome *c, struct ev_cache *e, const struct tid *t, int pid,
		    struct tep_record *rec)
{
	struct nbuf *nb = &c->nb;
	char *p = room(nb, nb->b + nb->n, e->room);
	const char *data = rec->data;

	if (c->first) {		/* sep(): no comma before the first */
		p = lit(nb, p, e->head + 2, e->headlen - 2);
		c->first = false;
	} else {
		p = lit(nb, p, e->head, e->headlen);
	}
	if (t) {
		memcpy(p, t->dec, 16);
		p += t->declen;
	} else {
		p = dec_i(p, tid_of(pid, rec->cpu));
	}
	memcpy(p, ",\"ts\":", 6);
	p = ts_at(c, p + 6, rec->ts);
	p = lit(nb, p, e->mid, e->midlen);
	for (int i = 0; i < e->nfields; i++) {
		struct ev_field *ef = &e->fields[i];
		unsigned long long v;
		unsigned int len;
		const char *s;

		if (ef->need)
			p = room(nb, p, ef->need);
		if (ef->kind < FV_STR) {
			const char *d = data + ef->off;
			uint16_t v2;
			uint32_t v4;

			if (ef->end > (unsigned int)rec->size) {
				memcpy(p, "null", 4);
				p += 4;
				goto post;
			}
			switch (ef->kind) {
			case FV_U1:
				v = *(const uint8_t *)d;
				break;
			case FV_U2:
				memcpy(&v2, d, 2);
				v = v2;
				break;
			case FV_U4:
				memcpy(&v4, d, 4);
				v = v4;
				break;
			case FV_U8:
				memcpy(&v, d, 8);
				break;
			case FV_S1:
				v = (long long)*(const signed char *)d;
				break;
			case FV_S2:
				memcpy(&v2, d, 2);
				v = (long long)(int16_t)v2;
				break;
			case FV_S4:
				memcpy(&v4, d, 4);
				v = (long long)(int32_t)v4;
				break;
			default:	/* the file's byte order is not the host's, or an odd size */
				v = ef->rsize ? ftx_read_uint(d, ef->rsize, c->rf.swap) : 0;
				if (ef->kind == FV_SIGNED)
					v = ef->rsize == 1 ? (signed char)v : ef->rsize == 2 ? (short)v :
					    ef->rsize == 4 ? (int)v : (long long)v;
				break;
			}
			if (v == ef->lastv && ef->lastlen && (ef->kept || ef->gen == nb->gen)) {
				if (!ef->kept) {
					memcpy(ef->last, nb->b + ef->at, sizeof(ef->last));
					ef->kept = true;
				}
				memcpy(p, ef->last, sizeof(ef->last));
				p += ef->lastlen;
				goto post;
			}
			s = p;
			if (ef->sign)
				p = dec_i(p, (long long)v);
			else if (v >> 53)
				p = hex_str(p, v);	/* past a double's precision: a string */
			else
				p = dec_u(p, v);
			ef->lastv = v;
			ef->lastlen = p - s;
			ef->at = s - nb->b;
			ef->gen = nb->gen;
			ef->kept = false;
		} else {
			s = str_field(c, ef, rec, &len);
			nb->n = p - nb->b;
			put_json(nb, s, len);
			p = room(nb, nb->b + nb->n, ef->after);
		}
post:
		p = lit(nb, p, ef->post, ef->postlen);
	}
	nb->n = p - nb->b;
}

/* One sample of the counter track "@name cpu@cpu" */
static void counter(struct chrome *c, const char *name, size_t len, int cpu,
		    unsigned long long ts, unsigned long long v)
{
	struct nbuf *nb = &c->nb;
	char cpuname[300];
	int n = snprintf(cpuname, sizeof(cpuname), "%.*s cpu%d", (int)(len < 256 ? len : 256),
			 name, cpu);

	sep(c);
	PUT(nb, "{\"ph\":\"C\",\"name\":");
	put_json(nb, cpuname, n);
	PUT(nb, ",\"pid\":1,\"ts\":");
	put_us(nb, ts);
	PUT(nb, ",\"args\":{\"count\":");
	put_u(nb, v);
	PUT(nb, "}}");
	c->counters++;
}

static bool digits(const char *s, size_t len, unsigned long long *v)
{
	*v = 0;
	if (!len || len > 19)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/*
 * A trace_marker line of record --pmc: "ftx_pmc: cpu=N ms=M EV=COUNT ..."
 * (EV=- where the counter did not run): one counter sample per EV.
 */
static void pmc_line(struct chrome *c, struct tep_record *rec)
{
	static const char tag[] = "ftx_pmc: cpu=";
	unsigned int off = c->f_buf->offset;
	unsigned long long cpu, v;
	const char *s, *end, *tok;
	size_t len;

	if (off >= (unsigned int)rec->size)
		return;
	s = (const char *)rec->data + off;
	len = strnlen(s, rec->size - off);
	end = s + len;
	if (len < sizeof(tag) - 1 || memcmp(s, tag, sizeof(tag) - 1))
		return;
	s += sizeof(tag) - 1;
	tok = s;
	while (s < end && *s != ' ')
		s++;
	if (!digits(tok, s - tok, &cpu) || cpu > 1 << 20)
		return;
	while (s < end) {
		const char *eq;

		while (s < end && (*s == ' ' || *s == '\n'))
			s++;
		tok = s;
		while (s < end && *s != ' ' && *s != '\n')
			s++;
		eq = memrchr(tok, '=', s - tok);
		if (!eq || eq == tok || (eq - tok == 2 && !memcmp(tok, "ms", 2)))
			continue;
		if (digits(eq + 1, s - eq - 1, &v))
			counter(c, tok, eq - tok, (int)cpu, rec->ts, v);
	}
}

/* A record of an event met for the first time, or of the function tracer's */
static int new_event(struct chrome *c, int pid, int type, struct tep_record *rec)
{
	struct tep_event *ev = tep_find_event(c->tep, type);
	struct nbuf *nb = &c->nb;
	const struct tid *t;
	struct ev_cache *e;
	char buf[256];

	if (!ev)
		return 0;
	t = thread(c, pid, rec->cpu);
	if (ev->id == c->func_id && c->f_ip) {
		unsigned long long ip = 0, parent = 0;

		sep(c);
		nb_flush(nb);
		fputs("{\"ph\":\"i\",\"s\":\"t\",\"name\":", c->out);
		tep_read_number_field(c->f_ip, rec->data, &ip);
		if (c->f_parent)
			tep_read_number_field(c->f_parent, rec->data, &parent);
		json_str(c->out, fname(c, ip, buf, sizeof(buf)), sizeof(buf));
		fprintf(c->out, ",\"cat\":\"function\",\"pid\":1,\"tid\":%d,\"ts\":", tid_of(pid, rec->cpu));
		us(c->out, rec->ts);
		fputs(",\"args\":{\"parent\":", c->out);
		json_str(c->out, fname(c, parent, buf, sizeof(buf)), sizeof(buf));
		fputs("}}", c->out);
		return 0;
	}
	e = ev_cache(c, ev);
	if (!e)
		return -1;
	i_event(c, e, t, pid, rec);
	if (ev->id == c->print_id && c->f_buf)
		pmc_line(c, rec);
	return 0;
}

/* A record of event @type that no function_graph call takes */
static inline int one_event(struct chrome *c, int pid, int type, struct tep_record *rec)
{
	struct ev_cache *e = type >= 0 && type < c->nevs ? c->evs[type] : NULL;

	if (!e)		/* never cached: the function tracer's, or met for the first time */
		return new_event(c, pid, type, rec);
	i_event(c, e, thread(c, pid, rec->cpu), pid, rec);
	if (type == c->print_id && c->f_buf)
		pmc_line(c, rec);
	return 0;
}

static int hook_event(void *ctx, int pid, struct ftx_graph_frame *top, struct tep_record *rec)
{
	struct chrome *c = ctx;

	return one_event(c, pid, ftx_recfmt_type(&c->rf, rec->data), rec);
}

static int lost(struct chrome *c, struct tep_record *rec)
{
	unsigned long long n = rec->missed_events > 0 ? rec->missed_events : 0;

	if (rec->cpu >= c->nlost) {
		unsigned long long *v = realloc(c->lost, (rec->cpu + 1) * sizeof(*v));

		if (!v)
			return -1;
		memset(v + c->nlost, 0, (rec->cpu + 1 - c->nlost) * sizeof(*v));
		c->lost = v;
		c->nlost = rec->cpu + 1;
	}
	c->lost[rec->cpu] += n ? n : 1;
	counter(c, "lost events", 11, rec->cpu, rec->ts, c->lost[rec->cpu]);
	sep(c);
	nb_flush(&c->nb);
	if (n)
		fprintf(c->out, "{\"ph\":\"i\",\"s\":\"g\",\"name\":\"%llu events lost on CPU %d\"", n,
			rec->cpu);
	else
		fprintf(c->out, "{\"ph\":\"i\",\"s\":\"g\",\"name\":\"events lost on CPU %d (how many: unknown)\"",
			rec->cpu);
	fputs(",\"pid\":1,\"tid\":0,\"ts\":", c->out);
	us(c->out, rec->ts);
	fputs("}", c->out);
	return c->graph ? ftx_graph_lost(c->graph, rec->cpu, n) : 0;
}

int ftx_chrome_export(const struct ftx_analysis_opts *o, unsigned int flags, FILE *out,
		      unsigned long long *calls)
{
	struct chrome *c = calloc(1, sizeof(*c));
	struct tep_record *rec;
	struct tep_event *ev;
	int ret = -1, fg_entry, fg_exit;

	if (!c)
		return -1;
	c->out = out;
	c->no_args = flags & FTX_CHROME_NO_ARGS;
	c->nb.out = out;
	c->first = true;
	c->func_id = c->print_id = -1;
	for (int i = 0; i < 1000; i++) {
		c->d3[i][0] = '0' + i / 100;
		c->d3[i][1] = '0' + i / 10 % 10;
		c->d3[i][2] = '0' + i % 10;
	}
	c->td = ftx_analysis_open(o);
	if (!c->td)
		goto out;
	c->tep = ftx_tracedat_tep(c->td);
	ftx_recfmt_init(&c->rf, c->tep);
	ev = tep_find_event_by_name(c->tep, "ftrace", "function");
	if (ev) {
		c->func_id = ev->id;
		c->f_ip = tep_find_field(ev, "ip");
		c->f_parent = tep_find_field(ev, "parent_ip");
	}
	ev = tep_find_event_by_name(c->tep, "ftrace", "print");
	if (ev) {
		c->print_id = ev->id;
		c->f_buf = tep_find_field(ev, "buf");
	}
	c->hooks.leave = hook_leave;
	c->hooks.orphan = hook_orphan;
	c->hooks.event = hook_event;
	ev = tep_find_event_by_name(c->tep, "ftrace", "funcgraph_entry");
	fg_entry = ev ? ev->id : -1;
	ev = tep_find_event_by_name(c->tep, "ftrace", "funcgraph_exit");
	fg_exit = ev ? ev->id : -1;
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", out);
	c->first = false;
	fputs("{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":1,\"args\":{\"name\":", out);
	json_str(out, ftx_analysis_describe(c->td, o->input), 512);
	fputs("}}", out);
	if (ftx_analysis_read_start(&c->rd, c->td, true))
		goto fail;
	while ((ret = ftx_analysis_next(&c->rd, &rec)) == 1) {
		if (!ftx_analysis_wanted(o, c->tep, rec))
			continue;
		if (rec->missed_events && lost(c, rec))
			goto fail;
		if (c->graph) {
			ret = ftx_graph_add(c->graph, rec);
		} else {
			int type = c->rd.type;

			/* the call stacks from the first function_graph record on (none before) */
			if (fg_entry >= 0 && (type == fg_entry || type == fg_exit)) {
				c->graph = ftx_graph_alloc(c->tep, NULL, NULL);
				if (!c->graph)
					goto fail;
				ftx_graph_set_hooks(c->graph, &c->hooks, c);
				ret = ftx_graph_add(c->graph, rec);
			} else {
				ret = one_event(c, ftx_recfmt_pid(&c->rf, rec->data), type, rec);
			}
		}
		if (ret)
			goto fail;
		/* ferror() takes the stream's lock: only after a write */
		if (c->nb.wrote) {
			c->nb.wrote = false;
			if (ferror(out)) {
				errno = EIO;
				goto fail;
			}
		}
	}
	ftx_analysis_read_stop(&c->rd);
	if (ret < 0 || (c->graph && ftx_graph_finish(c->graph)))
		goto fail;
	nb_flush(&c->nb);
	fputs("\n],\"otherData\":{\"tool\":\"ftx export --chrome\",\"source\":", out);
	json_str(out, ftx_analysis_describe(c->td, o->input), 512);
	fputs("}}\n", out);
	ret = ftx_analysis_flush(out);
	if (calls)
		*calls = c->calls;
	goto out;
fail:
	ret = -1;
	if (ferror(out))
		ftx_error_set("error writing output: %s", strerror(errno));
out:
	ftx_analysis_read_stop(&c->rd);
	for (int i = 0; i < TID_HASH; i++)
		while (c->tids[i]) {
			struct tid *t = c->tids[i];

			c->tids[i] = t->next;
			free(t);
		}
	for (int i = 0; i < NAME_CACHE; i++)
		free(c->names[i].json);
	for (int i = 0; i < c->nevs; i++)
		ev_cache_free(c->evs[i]);
	free(c->evs);
	ftx_graph_free(c->graph);
	ftx_tracedat_close(c->td);
	free(c->lost);
	free(c);
	return ret;
}
