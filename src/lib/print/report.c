// SPDX-License-Identifier: GPL-2.0
/*
 * The report: trace-cmd 3.1.6's "report" text, line for line.
 *
 * A line is "%16s-%-5d [%03d]" comm/pid/cpu, the timestamp (" %6.1000d:"),
 * " name: " padded to 20 columns, then the event's info. The prefix is built
 * here directly (it is the same for every event); the info comes from the
 * fast formatters of report-fast.c when one was compiled for the event's
 * print_fmt, else from libtraceevent. function and function_graph events get
 * trace-cmd's built-in printing (trace-ftrace.c in trace-cmd), including the
 * peek at the next record that collapses an entry and its exit into "func();".
 */
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>

#include "ftx/error.h"
#include "ftx/filter.h"
#include "ftx/util.h"
#include "ftx/report.h"
#include "ftx/tracedat.h"
#include "record-pipe.h"
#include "report-fast.h"
#include "wakeup.h"
#include <stdarg.h>

#define COMM_CACHE	1024
#define FLUSH_AT	(1u << 20)

struct comm_slot {
	int pid;
	unsigned long gen;	/* valid while it is the formatter's comm_gen() */
	const char *comm;
	size_t len;
	/* the line's "%16s-%-5d" (-l: "%8.8s-%-5d") for this pid, when it fits */
	unsigned char plen;
	char pre[47];
};

/* " name: " padded to 20 columns, per event id */
struct name_slot {
	unsigned char len;		/* 0: not built yet or too long */
	char text[47];
};

struct ftx_report_fmt {
	struct tep_handle *tep;
	unsigned int flags;
	struct trace_seq seq;

	int id_func, id_fg_ent, id_fg_exit;
	bool func_builtin;
	struct tep_format_field *f_ip, *f_parent;
	struct tep_format_field *f_ent_func, *f_ent_depth;
	struct tep_format_field *f_exit_func, *f_exit_depth, *f_calltime, *f_rettime;
	struct tep_format_field *f_common_pid;

	ftx_report_peek_fn peek;
	ftx_report_consume_fn consume;
	void *ctx;
	ftx_report_symbols_fn load_syms;
	void *syms_ctx;

	struct comm_slot comm[COMM_CACHE];
	unsigned long comm_gen;	/* bumped when a plugin may have registered comms */
	struct ftx_fast *fast;

	/* the common fields, read without libtraceevent's generic lookups */
	struct tep_event **by_id;
	struct name_slot *names;
	int maxid;
	/* formats parsed when their id is first met (fmt_set_loader()) */
	int (*load_ev)(void *ctx, int id);
	void *load_ctx;
	uint8_t *load_tried;
	int load_max;
	long long ts_offset;		/* --ts-offset */
	unsigned long long last_ts;	/* --ts-diff: the last record's time, 0: none yet */
	/* the timestamp's seconds, as printed last (" %5llu.") */
	unsigned long long ts_sec;
	unsigned char ts_len;
	char ts_text[30];
	int type_off, type_size, pid_off, pid_size;
	bool swap;

	/*
	 * -l: the latency column depends on the common fields only (flags,
	 * preempt count, and on some kernels migrate-disable/lock depth):
	 * libtraceevent's text is kept per distinct value of those bytes.
	 */
	int lat_off[4], lat_size[4], nlat;
	struct lat_slot {
		uint64_t key;
		bool valid;
		unsigned char len;
		char text[23];
	} lat[256];
};

static inline void sb_put(struct ftx_strbuf *sb, const char *s, size_t n)
{
	if (!n)
		return;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
}

static inline void sb_pad(struct ftx_strbuf *sb, int n)
{
	if (n > 0) {
		memset(sb->buf + sb->len, ' ', n);
		sb->len += n;
	}
}

/* Decimal digits of @v into the end of a 24-byte buffer; returns the start */
static inline char *u64_digits(unsigned long long v, char *end)
{
	do {
		*--end = '0' + v % 10;
		v /= 10;
	} while (v);
	return end;
}

/* printf("%*llu") / "%0*llu", cheaply; room must be reserved */
static inline void sb_u64(struct ftx_strbuf *sb, unsigned long long v, int width, char pad)
{
	int n = ftx_dec_len(v);

	if (n < width) {
		memset(sb->buf + sb->len, pad, width - n);
		sb->len += width - n;
	}
	ftx_dec_put(sb->buf + sb->len, v, n);
	sb->len += n;
}

/* printf("%-*lld") */
static inline void sb_s64_left(struct ftx_strbuf *sb, long long v, int width)
{
	unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
	int n = ftx_dec_len(u) + (v < 0);

	if (v < 0)
		sb->buf[sb->len++] = '-';
	ftx_dec_put(sb->buf + sb->len, u, n - (v < 0));
	sb->len += n - (v < 0);
	sb_pad(sb, width - n);
}

/* ---------------------------------------------------------------- formatter */

/* An id -> event table and the common_type/common_pid layout (all events share it) */
/*
 * (tep_get_event() in id order, not tep_list_events(): that list is cached
 * and goes stale when a format is parsed later, FTX_TRACEDAT_LAZY_FORMATS)
 */
static void fmt_index_events(struct ftx_report_fmt *f)
{
	int i, n = tep_get_events_count(f->tep);
	struct tep_event *ev0 = tep_get_event(f->tep, 0);
	struct tep_format_field *t, *p;

	if (!n || !ev0)
		return;
	t = tep_find_common_field(ev0, "common_type");
	p = tep_find_common_field(ev0, "common_pid");
	if (!t || !p || (t->size != 1 && t->size != 2 && t->size != 4) || p->size != 4)
		return;
	for (i = 0; i < n; i++) {
		struct tep_event *ev = tep_get_event(f->tep, i);
		struct tep_format_field *t2 = tep_find_common_field(ev, "common_type");
		struct tep_format_field *p2 = tep_find_common_field(ev, "common_pid");

		if (!t2 || !p2 || t2->offset != t->offset || t2->size != t->size ||
		    p2->offset != p->offset || p2->size != p->size)
			return;
		if (ev->id < 0 || ev->id > (1 << 20))
			return;
		if (ev->id > f->maxid)
			f->maxid = ev->id;
	}
	f->by_id = calloc(f->maxid + 1, sizeof(*f->by_id));
	f->names = calloc(f->maxid + 1, sizeof(*f->names));
	if (!f->by_id || !f->names) {
		free(f->by_id);
		free(f->names);
		f->by_id = NULL;
		f->names = NULL;
		return;
	}
	for (i = 0; i < n; i++) {
		struct tep_event *ev = tep_get_event(f->tep, i);

		f->by_id[ev->id] = ev;
	}
	f->type_off = t->offset;
	f->type_size = t->size;
	f->pid_off = p->offset;
	f->pid_size = p->size;
	/* the latency key: every common field but the type and the pid, 8 bytes at most */
	{
		struct tep_format_field **cf = tep_event_common_fields(ev0);
		int total = 0, k;

		f->nlat = 0;
		for (k = 0; cf && cf[k]; k++) {
			if (cf[k] == t || cf[k] == p || !strcmp(cf[k]->name, "common_type") ||
			    !strcmp(cf[k]->name, "common_pid"))
				continue;
			if (f->nlat == 4 || cf[k]->size <= 0 || total + cf[k]->size > 8) {
				f->nlat = -1;
				break;
			}
			f->lat_off[f->nlat] = cf[k]->offset;
			f->lat_size[f->nlat++] = cf[k]->size;
			total += cf[k]->size;
		}
		free(cf);
	}
	f->swap = tep_is_file_bigendian(f->tep) != tep_is_local_bigendian(f->tep);
}

/* sizes 1, 2 and 4 only: anything else reads as 4 bytes, as before */
static inline unsigned int rd_u(const struct ftx_report_fmt *f, const void *p, int size)
{
	return (unsigned int)ftx_read_uint(p, size == 1 || size == 2 ? size : 4, f->swap);
}

struct ftx_report_fmt *ftx_report_fmt_alloc(struct tep_handle *tep, unsigned int flags)
{
	struct ftx_report_fmt *f = calloc(1, sizeof(*f));
	struct tep_event *ev;

	if (!f) {
		errno = ENOMEM;
		ftx_error_set("out of memory");
		return NULL;
	}
	f->tep = tep;
	f->flags = flags;
	trace_seq_init(&f->seq);
	f->id_func = f->id_fg_ent = f->id_fg_exit = -1;

	ev = tep_find_event_by_name(tep, "ftrace", "function");
	if (ev) {
		f->id_func = ev->id;
		f->f_ip = tep_find_field(ev, "ip");
		f->f_parent = tep_find_field(ev, "parent_ip");
		/* a libtraceevent plugin (function) wins over trace-cmd's printing */
		f->func_builtin = !ev->handler && f->f_ip && f->f_parent && !(flags & FTX_REPORT_NO_BUILTIN);
	}
	ev = tep_find_event_by_name(tep, "ftrace", "funcgraph_entry");
	if (ev && !ev->handler && !(flags & FTX_REPORT_NO_BUILTIN)) {
		f->f_ent_func = tep_find_field(ev, "func");
		f->f_ent_depth = tep_find_field(ev, "depth");
		if (f->f_ent_func && f->f_ent_depth)
			f->id_fg_ent = ev->id;
		f->f_common_pid = tep_find_common_field(ev, "common_pid");
	}
	ev = tep_find_event_by_name(tep, "ftrace", "funcgraph_exit");
	if (ev && !ev->handler && !(flags & FTX_REPORT_NO_BUILTIN)) {
		f->f_exit_func = tep_find_field(ev, "func");
		f->f_exit_depth = tep_find_field(ev, "depth");
		f->f_calltime = tep_find_field(ev, "calltime");
		f->f_rettime = tep_find_field(ev, "rettime");
		if (f->f_exit_func && f->f_exit_depth && f->f_calltime && f->f_rettime)
			f->id_fg_exit = ev->id;
		else
			f->id_fg_ent = -1;
	} else {
		f->id_fg_ent = -1;
	}
	if (!(flags & FTX_REPORT_NO_FAST)) {
		f->fast = ftx_fast_alloc(tep);
		fmt_index_events(f);
	}
	return f;
}

/*
 * Formats left for later (FTX_TRACEDAT_LAZY_FORMATS): @load(@ctx, id) parses
 * one when a record of it is first met; ids up to @maxid. All of the file's
 * formats share the common fields of those parsed (the reader made sure).
 */
static int fmt_set_loader(struct ftx_report_fmt *f, int (*load)(void *ctx, int id), void *ctx,
			  int maxid)
{
	if (maxid < 0 || maxid > (1 << 20))
		return 0;
	f->load_tried = calloc(maxid + 1, 1);
	if (!f->load_tried)
		goto nomem;
	if (f->by_id && maxid > f->maxid) {
		struct tep_event **b = realloc(f->by_id, (maxid + 1) * sizeof(*b));
		struct name_slot *n;

		if (!b)
			goto nomem;
		f->by_id = b;
		n = realloc(f->names, (maxid + 1) * sizeof(*n));
		if (!n)
			goto nomem;
		f->names = n;
		memset(b + f->maxid + 1, 0, (maxid - f->maxid) * sizeof(*b));
		memset(n + f->maxid + 1, 0, (maxid - f->maxid) * sizeof(*n));
		f->maxid = maxid;
	}
	if (f->fast && ftx_fast_grow(f->fast, maxid))
		goto nomem;
	f->load_ev = load;
	f->load_ctx = ctx;
	f->load_max = maxid;
	return 0;
nomem:
	errno = ENOMEM;
	ftx_error_set("out of memory");
	return -1;
}

void ftx_report_fmt_free(struct ftx_report_fmt *f)
{
	if (!f)
		return;
	trace_seq_destroy(&f->seq);
	ftx_fast_free(f->fast);
	free(f->by_id);
	free(f->names);
	free(f->load_tried);
	free(f);
}

void ftx_report_fmt_set_symbols(struct ftx_report_fmt *f, ftx_report_symbols_fn load, void *ctx)
{
	f->load_syms = load;
	f->syms_ctx = ctx;
}

/*
 * Can printing @arg look up a kernel symbol? A number context evaluates an
 * atom that is not a number as a symbol name (libtraceevent's
 * test_for_symbol()); string atoms of "?:" branches are printed as they are.
 */
static bool arg_needs_symbols(const struct tep_print_arg *arg, bool numeric, int depth)
{
	const struct tep_print_arg *r;

	if (!arg)
		return false;
	if (depth > 64)
		return true;
	switch (arg->type) {
	case TEP_PRINT_ATOM:
		return numeric && arg->atom.atom &&
		       !(arg->atom.atom[0] >= '0' && arg->atom.atom[0] <= '9') &&
		       arg->atom.atom[0] != '-';
	case TEP_PRINT_FIELD:
	case TEP_PRINT_STRING:
	case TEP_PRINT_BSTRING:
	case TEP_PRINT_DYNAMIC_ARRAY:
	case TEP_PRINT_DYNAMIC_ARRAY_LEN:
	case TEP_PRINT_BITMASK:
	case TEP_PRINT_NULL:
		return false;
	case TEP_PRINT_TYPE:
		return arg_needs_symbols(arg->typecast.item, numeric, depth + 1);
	case TEP_PRINT_FLAGS:
		return arg_needs_symbols(arg->flags.field, true, depth + 1);
	case TEP_PRINT_SYMBOL:
		return arg_needs_symbols(arg->symbol.field, true, depth + 1);
	case TEP_PRINT_OP:
		if (!arg->op.op)
			return true;
		if (!strcmp(arg->op.op, "?")) {
			r = arg->op.right;
			if (!r || r->type != TEP_PRINT_OP)
				return true;
			return arg_needs_symbols(arg->op.left, true, depth + 1) ||
			       arg_needs_symbols(r->op.left, numeric, depth + 1) ||
			       arg_needs_symbols(r->op.right, numeric, depth + 1);
		}
		return arg_needs_symbols(arg->op.left, true, depth + 1) ||
		       arg_needs_symbols(arg->op.right, true, depth + 1);
	default:
		/* functions, hex dumps, arrays...: assume they may */
		return true;
	}
}

/* Whether printing @ev through libtraceevent may name a kernel function */
static bool event_needs_symbols(const struct tep_event *ev)
{
	const struct tep_print_arg *a;

	if (ev->handler || !ev->print_fmt.format || !strcmp(ev->system, "ftrace") ||
	    strstr(ev->print_fmt.format, "%p"))
		return true;
	/* top level: string literals and "?:" branches are printed, not evaluated */
	for (a = ev->print_fmt.args; a; a = a->next)
		if (arg_needs_symbols(a, false, 0))
			return true;
	return false;
}

/* Before printing anything that may name a function */
static int need_symbols(struct ftx_report_fmt *f, const struct tep_event *ev)
{
	ftx_report_symbols_fn load = f->load_syms;

	if (!load || (ev && !event_needs_symbols(ev)))
		return 0;
	f->load_syms = NULL;
	return load(f->syms_ctx);
}

void ftx_report_fmt_set_ts_offset(struct ftx_report_fmt *f, long long offset)
{
	f->ts_offset = offset;
}

void ftx_report_fmt_set_lookahead(struct ftx_report_fmt *f, ftx_report_peek_fn peek,
				  ftx_report_consume_fn consume, void *ctx)
{
	f->peek = peek;
	f->consume = consume;
	f->ctx = ctx;
}

static const char *comm_of(struct ftx_report_fmt *f, int pid, size_t *len)
{
	struct comm_slot *c = &f->comm[(unsigned int)pid % COMM_CACHE];

	const char *comm;
	/* 1 + ...: a zeroed slot is never valid */
	unsigned long gen = 1 + f->comm_gen + ftx_fast_comm_gen(f->fast);

	if (c->gen == gen && c->pid == pid) {
		*len = c->len;
		return c->comm;
	}
	comm = tep_data_comm_from_pid(f->tep, pid);
	*len = strlen(comm);
	/*
	 * Valid until the next registration: the sched_switch plugin registers
	 * the comms it prints, so a "<...>" pid may get a name, and a pid whose
	 * name the list held twice (registered before libtraceevent made it a
	 * table) may be found as the other once the table grows, as in trace-cmd.
	 */
	c->comm = comm;
	c->len = *len;
	c->pid = pid;
	c->gen = gen;
	c->plen = 0;
	return comm;
}

static unsigned long long field_val(struct tep_format_field *field, struct tep_record *rec)
{
	unsigned long long v = 0;

	if (field->offset + field->size > rec->size)
		return 0;
	tep_read_number_field(field, rec->data, &v);
	return v;
}

/* trace-cmd's print_graph_overhead() + print_graph_duration() */
static void fgraph_duration(struct ftx_strbuf *sb, unsigned long long d)
{
	char tmp[24], *p;
	int n;

	if (d > 1000000000ULL)
		sb_put(sb, "$ ", 2);
	else if (d > 1000000ULL)
		sb_put(sb, "# ", 2);
	else if (d > 100000ULL)
		sb_put(sb, "! ", 2);
	else if (d > 10000ULL)
		sb_put(sb, "+ ", 2);
	else
		sb_put(sb, "  ", 2);
	p = u64_digits((unsigned long)(d / 1000), tmp + sizeof(tmp));
	n = tmp + sizeof(tmp) - p;
	sb_put(sb, p, n);
	if (n < 7) {
		unsigned long rem = d % 1000;

		sb->buf[sb->len++] = '.';
		sb->buf[sb->len++] = '0' + rem / 100;
		sb->buf[sb->len++] = '0' + rem / 10 % 10;
		sb->buf[sb->len++] = '0' + rem % 10;
		n += 4;
	}
	sb_put(sb, " us ", 4);
	sb_pad(sb, 7 - n);
	sb_put(sb, "|  ", 3);
}

static int put_func(struct ftx_report_fmt *f, struct ftx_strbuf *sb, unsigned long long addr,
		    const char *hexfmt, const char *suffix)
{
	const char *name = tep_find_function(f->tep, addr);
	char tmp[40];
	size_t n, sl = strlen(suffix);

	if (!name) {
		n = snprintf(tmp, sizeof(tmp), hexfmt, addr);
		name = tmp;
	} else {
		n = strlen(name);
	}
	if (ftx_strbuf_reserve(sb, n + sl))
		return -1;
	sb_put(sb, name, n);
	sb_put(sb, suffix, sl);
	return 0;
}

/* -O fgraph:depth: " (depth)" after the function */
static int fgraph_depth(struct ftx_report_fmt *f, struct ftx_strbuf *sb, unsigned long long depth)
{
	if (!(f->flags & FTX_REPORT_FG_DEPTH))
		return 0;
	if (ftx_strbuf_reserve(sb, 32))
		return -1;
	sb->len += sprintf(sb->buf + sb->len, " (%lld)", (long long)depth);
	return 0;
}

/* Indentation cap: 2 columns per level, deeper than any kernel's call stack */
#define FGRAPH_MAX_INDENT 2048

static int fmt_fgraph_entry(struct ftx_report_fmt *f, struct tep_record *rec,
			    struct ftx_strbuf *sb)
{
	unsigned long long func = field_val(f->f_ent_func, rec);
	unsigned long long depth = field_val(f->f_ent_depth, rec);
	struct tep_record *next = NULL;
	/* as trace-cmd: libtraceevent's pid for both records, whatever it finds */
	int pid = tep_data_pid(f->tep, rec);
	bool leaf = false;
	unsigned long long dur = 0;
	int indent;

	if (f->peek && f->peek(f->ctx, &next) > 0 && next &&
	    tep_data_type(f->tep, next) == f->id_fg_exit &&
	    tep_data_pid(f->tep, next) == pid && field_val(f->f_exit_func, next) == func) {
		dur = field_val(f->f_rettime, next) - field_val(f->f_calltime, next);
		leaf = true;
		if (f->consume(f->ctx) < 0)
			return -1;
	}
	indent = (int)(depth * 2);
	if (indent < 0 || indent > FGRAPH_MAX_INDENT)
		indent = indent < 0 ? 0 : FGRAPH_MAX_INDENT;
	if (ftx_strbuf_reserve(sb, 64 + indent))
		return -1;
	if (leaf)
		fgraph_duration(sb, dur);
	else
		sb_put(sb, "  " "           |  ", 16);
	sb_pad(sb, indent);
	if (put_func(f, sb, func, "%llx", leaf ? "();" : "() {"))
		return -1;
	return fgraph_depth(f, sb, depth);
}

static int fmt_fgraph_exit(struct ftx_report_fmt *f, struct tep_record *rec,
			   struct ftx_strbuf *sb)
{
	unsigned long long dur = field_val(f->f_rettime, rec) - field_val(f->f_calltime, rec);
	unsigned long long depth = field_val(f->f_exit_depth, rec);
	int indent = (int)(depth * 2);

	/* kernels nest at most a few hundred deep; a corrupt depth must not eat memory */
	if (indent < 0 || indent > FGRAPH_MAX_INDENT)
		indent = indent < 0 ? 0 : FGRAPH_MAX_INDENT;
	if (ftx_strbuf_reserve(sb, 64 + indent))
		return -1;
	fgraph_duration(sb, dur);
	sb_pad(sb, indent);
	sb->buf[sb->len++] = '}';
	if (f->flags & FTX_REPORT_FG_TAIL) {
		/* trace-cmd: a function it cannot name ends the line, depth or not */
		const char *name = tep_find_function(f->tep, field_val(f->f_exit_func, rec));
		size_t n;

		if (!name)
			return 0;
		n = strlen(name);
		if (ftx_strbuf_reserve(sb, n + 8))
			return -1;
		sb_put(sb, " /* ", 4);
		sb_put(sb, name, n);
		sb_put(sb, " */", 3);
	}
	return fgraph_depth(f, sb, depth);
}

static int fmt_function(struct ftx_report_fmt *f, struct tep_record *rec, struct ftx_strbuf *sb)
{
	unsigned long long ip = field_val(f->f_ip, rec), parent = field_val(f->f_parent, rec);
	const char *name = tep_find_function(f->tep, ip);

	if (name) {
		if (put_func(f, sb, ip, "0x%llx", " <-- "))
			return -1;
	} else if (put_func(f, sb, ip, "0x%llx", "")) {
		return -1;
	}
	return put_func(f, sb, parent, "0x%llx", "");
}

static int fmt_info_tep(struct ftx_report_fmt *f, struct tep_record *rec, struct ftx_strbuf *sb)
{
	struct trace_seq *s = &f->seq;

	trace_seq_reset(s);
	tep_print_event(f->tep, s, rec, "%s", TEP_PRINT_INFO);
	if (ftx_strbuf_reserve(sb, s->len))
		return -1;
	sb_put(sb, s->buffer, s->len);
	return 0;
}

/* The -l column of @rec: libtraceevent's, computed once per value of the common fields */
static int lat_cached(struct ftx_report_fmt *f, struct tep_record *rec, struct ftx_strbuf *sb)
{
	const uint8_t *d = rec->data;
	struct lat_slot *slot = NULL;
	uint64_t key = 0;
	int k, sh = 0;

	if (f->by_id && f->nlat >= 0) {
		for (k = 0; k < f->nlat; k++) {
			if (f->lat_off[k] + f->lat_size[k] > rec->size)
				break;
			key |= ftx_read_uint(d + f->lat_off[k], f->lat_size[k], false) << sh;
			sh += 8 * f->lat_size[k];
		}
		if (k == f->nlat) {
			slot = &f->lat[(key ^ key >> 8 ^ key >> 16) & 255];
			if (slot->valid && slot->key == key) {
				if (ftx_strbuf_reserve(sb, slot->len + 128))
					return -1;
				sb_put(sb, slot->text, slot->len);
				return 0;
			}
		}
	}
	trace_seq_reset(&f->seq);
	tep_print_event(f->tep, &f->seq, rec, "%s", TEP_PRINT_LATENCY);
	if (ftx_strbuf_reserve(sb, f->seq.len + 128))
		return -1;
	sb_put(sb, f->seq.buffer, f->seq.len);
	if (slot && f->seq.len < sizeof(slot->text)) {
		memcpy(slot->text, f->seq.buffer, f->seq.len);
		slot->len = f->seq.len;
		slot->key = key;
		slot->valid = true;
	}
	return 0;
}

/*
 * The line's task part, "%16s-%-5d" (-l: "%8.8s-%-5d"), kept with the pid's
 * cached comm; room for 64 + clen bytes must be reserved
 */
static void put_task(struct ftx_report_fmt *f, int pid, const char *comm, size_t clen,
		     struct ftx_strbuf *sb)
{
	struct comm_slot *c = &f->comm[(unsigned int)pid % COMM_CACHE];
	unsigned long gen = 1 + f->comm_gen + ftx_fast_comm_gen(f->fast);
	size_t start = sb->len;

	if (c->gen == gen && c->pid == pid && c->comm == comm && c->plen) {
		memcpy(sb->buf + sb->len, c->pre, sizeof(c->pre));
		sb->len += c->plen;
		return;
	}
	if (f->flags & FTX_REPORT_LATENCY) {
		size_t n = clen > 8 ? 8 : clen;

		sb_pad(sb, 8 - (int)n);
		sb_put(sb, comm, n);
	} else {
		sb_pad(sb, 16 - (int)clen);
		sb_put(sb, comm, clen);
	}
	sb->buf[sb->len++] = '-';
	sb_s64_left(sb, pid, 5);
	if (c->gen == gen && c->pid == pid && c->comm == comm && sb->len - start <= sizeof(c->pre)) {
		memcpy(c->pre, sb->buf + start, sb->len - start);
		c->plen = sb->len - start;
	}
}

/* " %5llu." of the timestamp's seconds, the text kept while they stay the same */
static void put_secs(struct ftx_report_fmt *f, unsigned long long sec, struct ftx_strbuf *sb)
{
	if (!f->ts_len || f->ts_sec != sec) {
		char *p = f->ts_text;
		int n = ftx_dec_len(sec);

		*p++ = ' ';
		if (n < 5) {
			memset(p, ' ', 5 - n);
			p += 5 - n;
		}
		ftx_dec_put(p, sec, n);
		p += n;
		*p++ = '.';
		f->ts_len = p - f->ts_text;
		f->ts_sec = sec;
	}
	memcpy(sb->buf + sb->len, f->ts_text, sizeof(f->ts_text));
	sb->len += f->ts_len;
}

/*
 * --ts-diff: " %-8s" of "(+delta)" from the last record printed, nothing on
 * the first; in microseconds when the file names its clock and -t is not
 * given, else in the timestamps' own unit (as trace-cmd 3.1.6)
 */
static void put_ts_diff(struct ftx_report_fmt *f, unsigned long long ts, struct ftx_strbuf *sb)
{
	char buf[32] = "";

	if ((f->flags & FTX_REPORT_TRACE_CLOCK) && !(f->flags & FTX_REPORT_NSEC))
		ts = (ts + 500) / 1000;
	if (f->last_ts)
		snprintf(buf, sizeof(buf), "(+%lld)", (long long)(ts - f->last_ts));
	f->last_ts = ts;
	sb->len += sprintf(sb->buf + sb->len, " %-8s", buf);
}

int ftx_report_fmt_record(struct ftx_report_fmt *f, struct tep_record *rec,
			  struct ftx_strbuf *sb)
{
	static const char spaces[] = "                    ";
	struct tep_event *ev;
	const char *comm;
	size_t clen, nlen, start;
	unsigned long long ts = rec->ts + (unsigned long long)f->ts_offset;
	int pid, type, ret;

	if (ftx_sb_room(sb, 256))
		return -1;
	if (rec->missed_events > 0) {
		sb->len += sprintf(sb->buf + sb->len, "CPU:%d [%lld EVENTS DROPPED]\n",
				   rec->cpu, rec->missed_events);
	} else if (rec->missed_events < 0) {
		sb->len += sprintf(sb->buf + sb->len, "CPU:%d [EVENTS DROPPED]\n", rec->cpu);
	}
	if (rec->size < 8 || (f->by_id && (rec->size < f->type_off + f->type_size ||
					    rec->size < f->pid_off + f->pid_size))) {
		/* too short to hold the common fields: no type, no pid */
		sb->len += sprintf(sb->buf + sb->len, "%16s-%-5d [%03d] [SHORT RECORD OF %d BYTES]\n",
				   "<...>", 0, rec->cpu, rec->size);
		return 0;
	}
	if (f->by_id) {
		type = rd_u(f, (const uint8_t *)rec->data + f->type_off, f->type_size);
		ev = type <= f->maxid ? f->by_id[type] : NULL;
		pid = (int)rd_u(f, (const uint8_t *)rec->data + f->pid_off, 4);
	} else {
		type = tep_data_type(f->tep, rec);
		ev = tep_find_event(f->tep, type);
		pid = tep_data_pid(f->tep, rec);
	}
	if (!ev && f->load_ev && type >= 0 && type <= f->load_max && !f->load_tried[type]) {
		/* the first record of its event: its format is parsed now */
		f->load_tried[type] = 1;
		if (f->load_ev(f->load_ctx, type))
			return -1;
		ev = tep_find_event(f->tep, type);
		if (ev && f->by_id && type <= f->maxid)
			f->by_id[type] = ev;
	}
	if (!ev) {
		/* trace-cmd 3.1.6: libtraceevent's placeholder for every field it prints */
		static const char unknown[] = "[UNKNOWN EVENT]";

		sb_put(sb, unknown, sizeof(unknown) - 1);
		sb_put(sb, unknown, sizeof(unknown) - 1);
		if (f->flags & FTX_REPORT_LATENCY)
			sb_put(sb, unknown, sizeof(unknown) - 1);
		sb->len += sprintf(sb->buf + sb->len, " (NULL):               %s\n", unknown);
		return 0;
	}
	comm = comm_of(f, pid, &clen);
	if (ftx_sb_room(sb, clen + 176))
		return -1;

	/* "%16s-%-5d [%03d]" or, latency format, "%8.8s-%-5d %3d" */
	put_task(f, pid, comm, clen, sb);
	if (f->flags & FTX_REPORT_LATENCY) {
		sb->buf[sb->len++] = ' ';
		sb_u64(sb, rec->cpu, 3, ' ');
		if (f->flags & FTX_REPORT_RAW)
			/* trace-cmd -R -l: the flags byte instead of the latency column */
			sb->len += sprintf(sb->buf + sb->len, "-0x%x", tep_data_flags(f->tep, rec));
		else if (ev && lat_cached(f, rec, sb))
			return -1;
	} else {
		sb_put(sb, " [", 2);
		sb_u64(sb, rec->cpu, 3, '0');
		sb->buf[sb->len++] = ']';
	}

	/* timestamp, as libtraceevent's print_event_time() */
	if (f->flags & FTX_REPORT_RAW_TS) {
		sb_u64(sb, ts, 12, ' ');
	} else if (f->flags & FTX_REPORT_NSEC) {
		/* "%5llu.%09llu" for any value, 0.5 s too (as trace-cmd 3.1.6 prints it) */
		put_secs(f, ts / 1000000000ULL, sb);
		sb_u64(sb, ts % 1000000000ULL, 9, '0');
	} else {
		unsigned long long t = (ts + 500) / 1000;

		put_secs(f, t / 1000000ULL, sb);
		sb_u64(sb, t % 1000000ULL, 6, '0');
	}
	sb->buf[sb->len++] = ':';
	if (f->flags & FTX_REPORT_TS_DIFF)
		put_ts_diff(f, ts, sb);

	/* " %s: " and the name padded to 20 columns */
	if (ftx_sb_room(sb, sizeof(f->names->text) + 1))
		return -1;
	if (f->names && f->names[type].len) {
		memcpy(sb->buf + sb->len, f->names[type].text, sizeof(f->names->text));
		sb->len += f->names[type].len;
	} else {
		nlen = strlen(ev->name);
		if (ftx_sb_room(sb, nlen + 24))
			return -1;
		start = sb->len;
		sb->buf[sb->len++] = ' ';
		sb_put(sb, ev->name, nlen);
		sb_put(sb, ": ", 2);
		if (nlen < 20)
			sb_put(sb, spaces, 20 - nlen);
		if (f->names && sb->len - start <= sizeof(f->names->text)) {
			memcpy(f->names[type].text, sb->buf + start, sb->len - start);
			f->names[type].len = sb->len - start;
		}
	}

	if (f->flags & FTX_REPORT_RAW) {
		/* -R: libtraceevent's " field=value" list, no plugin, no lookahead */
		if (need_symbols(f, ev))
			return -1;
		trace_seq_reset(&f->seq);
		tep_print_event(f->tep, &f->seq, rec, "%s", TEP_PRINT_INFO_RAW);
		ret = ftx_strbuf_reserve(sb, f->seq.len);
		if (!ret)
			sb_put(sb, f->seq.buffer, f->seq.len);
	} else {
		ret = f->fast ? ftx_fast_format(f->fast, ev, rec, sb) : 1;
	}
	if (ret > 0) {
		/* the fast formatters never print function names; the rest may */
		if (need_symbols(f, ev))
			return -1;
		if (type == f->id_fg_ent)
			ret = fmt_fgraph_entry(f, rec, sb);
		else if (type == f->id_fg_exit)
			ret = fmt_fgraph_exit(f, rec, sb);
		else if (type == f->id_func && f->func_builtin)
			ret = fmt_function(f, rec, sb);
		else
			ret = fmt_info_tep(f, rec, sb);
		if (ev->handler)
			f->comm_gen++;	/* a plugin's: it may register comms */
	}
	if (ret)
		return -1;
	if (ftx_sb_room(sb, 1))
		return -1;
	/* trace-cmd drops one trailing newline of the whole line */
	if (sb->buf[sb->len - 1] == '\n')
		sb->len--;
	sb->buf[sb->len++] = '\n';
	sb->buf[sb->len] = 0;
	return 0;
}

/*
 * --pid alone, every field plain (run_index_pids_fast()): whether a field of
 * the record holds one of the pids, its type and fields read where
 * libtraceevent's filter reads them (in place, past a short record too: the
 * page's bytes or the zeros after it). Unknown ids match nothing.
 */
static bool pid_match(const struct pid_index *pi, const struct tep_record *rec)
{
	const uint8_t *d = rec->data;
	unsigned int type = (unsigned int)ftx_read_uint(d + pi->type_off, pi->type_size, pi->swap);
	const struct pid_fields *pf;
	int i;

	if (type > (unsigned int)pi->max)
		return false;
	pf = &pi->f[type];
	for (i = 0; i < pf->n; i++)
		if (pid_listed(pi, pid_field(pi, pf, i, d)))
			return true;
	return false;
}

/* ---------------------------------------------------------------- the run */

struct run {
	struct ftx_tracedat *td;
	ftx_report_write_fn write;
	void *wctx;
	struct ftx_strbuf out;
	struct tep_event_filter **filters;
	bool *neg;		/* -v: per filter, whether a match hides the record */
	int nfilters, npos;
	/*
	 * Per event id, whether any filter can pass its records: a filter
	 * naming events passes no others (libtraceevent: FILTER_NOT_FOUND),
	 * so those are dropped without a tep_filter_match() each.
	 */
	bool *may_match;
	int may_max;
	/*
	 * Per event id, whether a positive filter passes all its records (an
	 * event named without an expression: libtraceevent's TRUE): those
	 * match without a tep_filter_match() each. Same size as may_match.
	 */
	bool *sure;
	int irq_flags;		/* -I/-S: records with any of these latency flags are left out */
	/*
	 * --pid alone: per event id the fields its filter compares (common_pid,
	 * pid, next_pid), read from the record's bytes, so that a record none
	 * of whose fields holds a pid is dropped before tep_filter_match();
	 * the others still go through it.
	 */
	struct pid_index pid;
	/*
	 * --pid alone where every event's fields are plain numbers: r->pid
	 * decides (pid_match()), no filter is compiled and no format parsed
	 * for it
	 */
	bool pid_fast;
	/*
	 * trace-cmd shows a kernel_stack/user_stack record the positive
	 * filters miss when the last record of its CPU that reached the
	 * negative ones was shown
	 */
	int kstack_id, ustack_id;
	bool *last_shown;
	int nlast;
	struct ftx_wakeup *wakeup;	/* -w */
	long long ts_offset;
};

/* function_graph's lookahead stays within the instance of the record printed */
struct look {
	struct ftx_tracedat *td;
	const struct tep_record *cur;
};

static int look_peek(void *ctx, struct tep_record **next)
{
	struct look *l = ctx;

	return ftx_tracedat_peek_same(l->td, l->cur, next);
}

static int look_consume(void *ctx)
{
	struct look *l = ctx;
	struct tep_record *r;

	return ftx_tracedat_next_same(l->td, l->cur, &r);
}

static int load_kallsyms(void *ctx)
{
	return ftx_tracedat_load_kallsyms(ctx);
}

static int run_flush(struct run *r)
{
	int ret = 0;

	if (r->out.len)
		ret = r->write(r->wctx, r->out.buf, r->out.len);
	r->out.len = 0;
	return ret;
}

static int run_printf(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run_printf(struct run *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || ftx_strbuf_reserve(&r->out, n))
		return -1;
	va_start(ap, fmt);
	vsnprintf(r->out.buf + r->out.len, n + 1, fmt, ap);
	va_end(ap);
	r->out.len += n;
	return 0;
}

/* trace-cmd's stack-trace rule: shown after a shown record of its CPU */
static bool run_stack_follows(struct run *r, struct tep_record *rec, int type)
{
	if (type < 0 || (type != r->kstack_id && type != r->ustack_id))
		return false;
	return rec->cpu >= 0 && rec->cpu < r->nlast && r->last_shown[rec->cpu];
}

static void run_set_shown(struct run *r, struct tep_record *rec, bool shown)
{
	if (rec->cpu < 0)
		return;
	if (rec->cpu >= r->nlast) {
		int n = rec->cpu + 64;
		bool *m = realloc(r->last_shown, n * sizeof(*m));

		if (!m)
			return;		/* the rule then never applies: as trace-cmd without memory */
		memset(m + r->nlast, 0, (n - r->nlast) * sizeof(*m));
		r->last_shown = m;
		r->nlast = n;
	}
	r->last_shown[rec->cpu] = shown;
}

/*
 * libtracecmd 3.1.6's filter: a positive filter (first match wins) or the
 * stack-trace rule, then no negative (-v) filter matching; then -I and -S.
 * The event and pid indexes rule out records no positive filter matches
 * before tep_filter_match().
 */
static bool run_match(struct run *r, struct tep_record *rec)
{
	struct tep_handle *tep = ftx_tracedat_tep(r->td);
	int i, ret, type = rec->size >= 8 ? tep_data_type(tep, rec) : -1;
	bool found = false;

	if (r->pid_fast) {
		/* the pid filters are all the positive ones, no negative: as below */
		if (!pid_match(&r->pid, rec) && !run_stack_follows(r, rec, type))
			return false;
		run_set_shown(r, rec, true);
	} else if (r->nfilters) {
		bool may = r->npos &&
			   !(r->may_match && type >= 0 && type <= r->may_max && !r->may_match[type]) &&
			   !(r->pid.f && !pid_may_match(&r->pid, rec, type));

		found = may && r->sure && type >= 0 && type <= r->may_max && r->sure[type];
		for (i = 0; may && i < r->nfilters && !found; i++) {
			if (r->neg[i])
				continue;
			ret = tep_filter_match(r->filters[i], rec);
			found = ret == TEP_ERRNO__NO_FILTER || ret == TEP_ERRNO__FILTER_MATCH;
		}
		if (!found && r->npos && !run_stack_follows(r, rec, type))
			return false;
		found = false;
		for (i = 0; i < r->nfilters && !found; i++) {
			if (!r->neg[i])
				continue;
			ret = tep_filter_match(r->filters[i], rec);
			found = ret == TEP_ERRNO__NO_FILTER || ret == TEP_ERRNO__FILTER_MATCH;
		}
		run_set_shown(r, rec, !found);
		if (found)
			return false;
	}
	/* trace-cmd's -I and -S, after the filters */
	if (r->irq_flags && (tep_data_flags(tep, rec) & r->irq_flags))
		return false;
	return true;
}

/* r->may_match from the compiled filters; none (every record tried) when it cannot be built */
static void run_index_filters(struct run *r, struct tep_handle *tep)
{
	int i, k, n = tep_get_events_count(tep), max;

	if (!r->npos)
		return;		/* -v filters alone: every record goes to them */
	for (k = 0; k < r->nfilters; k++)
		if (!r->neg[k] && !r->filters[k]->filters)
			return;		/* a filter without events passes everything */
	/* formats not parsed yet: no filter names them (run_add_filter() parsed those) */
	max = ftx_tracedat_max_event_id(r->td);
	if (max < 0 || max > (1 << 20))
		return;
	r->may_match = calloc(max + 1, sizeof(*r->may_match));
	if (!r->may_match)
		return;
	r->may_max = max;
	r->sure = calloc(max + 1, sizeof(*r->sure));
	for (k = 0; r->sure && k < r->nfilters; k++) {
		const struct tep_event_filter *flt = r->filters[k];

		for (i = 0; !r->neg[k] && i < flt->filters; i++) {
			const struct tep_filter_type *ft = &flt->event_filters[i];

			if (ft->event_id >= 0 && ft->event_id <= max && ft->filter &&
			    ft->filter->type == TEP_FILTER_ARG_BOOLEAN &&
			    ft->filter->boolean.value == TEP_FILTER_TRUE)
				r->sure[ft->event_id] = true;
		}
	}
	for (i = 0; i < n; i++) {
		int id = tep_get_event(tep, i)->id;

		for (k = 0; k < r->nfilters && id >= 0 && !r->may_match[id]; k++)
			if (!r->neg[k] && tep_event_filtered(r->filters[k], id))
				r->may_match[id] = true;
	}
	/* stack traces may follow a shown record: run_match() decides */
	if (r->kstack_id >= 0 && r->kstack_id <= max)
		r->may_match[r->kstack_id] = true;
	if (r->ustack_id >= 0 && r->ustack_id <= max)
		r->may_match[r->ustack_id] = true;
}

/* The events a filter's event list may name, compiled as libtraceevent compiles them */
struct ev_pats {
	regex_t *re;
	int n;
};

static bool ev_pats_match(const char *sys, const char *name, void *arg)
{
	const struct ev_pats *p = arg;
	int i;

	for (i = 0; i < p->n; i++)
		if (!regexec(&p->re[i], sys, 0, NULL, 0) || !regexec(&p->re[i], name, 0, NULL, 0))
			return true;
	return false;
}

/*
 * Formats left for later: libtraceevent's filter looks for its events among
 * those parsed, so parse every one the filter's event list could name first.
 * libtraceevent takes the part before the first ':', events split at ',',
 * "system/event" at '/', each "^NAME$" as a case-blind regular expression
 * matched against the system and the name; here any such part matching
 * either is enough (more than needed, never less). A list that does not
 * compile parses them all.
 */
static int run_load_filter_events(struct run *r, const char *in)
{
	char why[256], *s = ftx_filter_prepare(in, why, sizeof(why)), *p, *end, *tok;
	struct ev_pats pats = { 0 };
	bool all = false;
	int i, ret;

	if (!s)
		return 0;	/* refused: ftx_filter_compile() says why */
	end = strchr(s, ':');
	if (end)
		*end = 0;
	pats.re = calloc(strlen(s) / 2 + 2, sizeof(*pats.re));
	if (!pats.re) {
		free(s);
		errno = ENOMEM;
		ftx_error_set("out of memory");
		return -1;
	}
	for (p = s; !all && p; p = end) {
		size_t n;
		char *re;

		end = p + strcspn(p, ",/");
		end = *end ? end + 1 : NULL;
		while (isspace((unsigned char)*p))
			p++;
		tok = p;
		n = end ? (size_t)(end - 1 - tok) : strlen(tok);
		while (n && isspace((unsigned char)tok[n - 1]))
			n--;
		if (!n)
			continue;
		if (asprintf(&re, "^%.*s$", (int)n, tok) < 0) {
			all = true;
			break;
		}
		if (regcomp(&pats.re[pats.n], re, REG_ICASE | REG_NOSUB))
			all = true;
		else
			pats.n++;
		free(re);
	}
	ret = ftx_tracedat_load_events(r->td, all ? NULL : ev_pats_match, &pats);
	for (i = 0; i < pats.n; i++)
		regfree(&pats.re[i]);
	free(pats.re);
	free(s);
	return ret;
}

static int run_add_filter(struct run *r, struct tep_handle *tep, const char *in, bool neg)
{
	struct tep_event_filter *flt, **n;
	bool *ng;

	if (run_load_filter_events(r, in))
		return -1;
	flt = ftx_filter_compile(tep, in);
	if (!flt) {
		if (errno == EINVAL)
			errno = FTX_REPORT_EFILTER;
		return -1;
	}
	n = realloc(r->filters, (r->nfilters + 1) * sizeof(*n));
	if (!n) {
		tep_filter_free(flt);
		errno = ENOMEM;
		ftx_error_set("out of memory");
		return -1;
	}
	r->filters = n;
	ng = realloc(r->neg, (r->nfilters + 1) * sizeof(*ng));
	if (!ng) {
		tep_filter_free(flt);
		errno = ENOMEM;
		ftx_error_set("out of memory");
		return -1;
	}
	r->neg = ng;
	r->neg[r->nfilters] = neg;
	r->filters[r->nfilters++] = flt;
	r->npos += !neg;
	return 0;
}

/*
 * --pid: trace-cmd's filter "(common_pid==P)||(pid==P)||(next_pid==P)" over
 * all events; one filter per pid (the filters are or-ed), so that no
 * expression grows with the number of pids.
 */
static int run_check_pids(const char *const *pids, int npids)
{
	unsigned long long v;
	int i;

	for (i = 0; i < npids; i++) {
		if (ftx_parse_uint(pids[i], &v) || v > INT32_MAX) {
			errno = FTX_REPORT_EFILTER;
			ftx_error_set("--pid wants a process id, not '%s'", pids[i]);
			return -1;
		}
	}
	return 0;
}

static int run_add_pid_filter(struct run *r, struct tep_handle *tep, const char *const *pids,
			      int npids)
{
	unsigned long long v;
	char buf[128];
	int i;

	for (i = 0; i < npids; i++) {
		ftx_parse_uint(pids[i], &v);	/* run_check_pids() */
		snprintf(buf, sizeof(buf), ".*:(common_pid==%llu)||(pid==%llu)||(next_pid==%llu)",
			 v, v, v);
		if (run_add_filter(r, tep, buf, false))
			return -1;
	}
	return 0;
}

/* r->pid for --pid without -F (then the pid filters are all there is); none when it cannot be */
static void run_index_pids(struct run *r, struct tep_handle *tep, const char *const *pids,
			   int npids)
{
	static const char *const names[] = { "common_pid", "pid", "next_pid" };
	int i, k, n = tep_get_events_count(tep), max = -1;

	/* every format is parsed: the pid filters name every event */
	for (i = 0; i < n; i++)
		if (tep_get_event(tep, i)->id > max)
			max = tep_get_event(tep, i)->id;
	if (max < 0 || max > (1 << 20))
		return;
	r->pid.pids = calloc(npids, sizeof(*r->pid.pids));
	r->pid.f = calloc(max + 1, sizeof(*r->pid.f));
	if (!r->pid.pids || !r->pid.f) {
		free(r->pid.pids);
		free(r->pid.f);
		r->pid.pids = NULL;
		r->pid.f = NULL;
		return;
	}
	for (k = 0; k < npids; k++)
		ftx_parse_uint(pids[k], &r->pid.pids[k]);	/* checked by run_add_pid_filter() */
	r->pid.n = npids;
	r->pid.swap = tep_is_file_bigendian(tep) != tep_is_local_bigendian(tep);
	r->pid.max = max;
	for (i = 0; i < n; i++) {
		struct tep_event *ev = tep_get_event(tep, i);
		struct pid_fields *pf;

		if (ev->id < 0)
			continue;
		pf = &r->pid.f[ev->id];
		pf->exact = true;
		/* a name that is no field compares false in libtraceevent's filter */
		for (k = 0; k < 3; k++) {
			struct tep_format_field *fl = tep_find_any_field(ev, names[k]);

			if (!fl)
				continue;
			if ((fl->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_DYNAMIC |
					  TEP_FIELD_IS_STRING | TEP_FIELD_IS_POINTER)) ||
			    (fl->size != 1 && fl->size != 2 && fl->size != 4 && fl->size != 8) ||
			    fl->offset < 0) {
				pf->exact = false;
				break;
			}
			pf->f[pf->n].off = fl->offset;
			pf->f[pf->n].size = fl->size;
			pf->f[pf->n].sign = fl->flags & TEP_FIELD_IS_SIGNED;
			pf->n++;
		}
		/* stack traces may follow a shown record: run_match() decides */
		if (ev->id == r->kstack_id || ev->id == r->ustack_id)
			pf->exact = false;
	}
}

/*
 * --pid alone, decided by the bytes: trace-cmd's filter over every event,
 * "(common_pid==P)||(pid==P)||(next_pid==P)", is where each of those fields
 * is a plain number (or absent: libtraceevent compares a missing field
 * false) "one of them holds P". The fields are read from the formats' text
 * (ftx_tracedat_event_field()), so no format is parsed for it: the bench
 * file holds 742 and a report meets about 10. false: some event's field is
 * another kind, an id repeats or the file has no event: the generic path.
 */
static bool run_index_pids_fast(struct run *r, struct tep_handle *tep, const char *const *pids,
				int npids)
{
	static const char *const names[] = { "common_pid", "pid", "next_pid" };
	int max = ftx_tracedat_max_event_id(r->td), n = tep_get_events_count(tep), id, i, k;
	struct tep_event *ev0 = tep_get_event(tep, 0);
	struct tep_format_field *t;
	struct pid_index pi = { 0 };

	if (max < 0 || max > (1 << 20) || !ev0)
		return false;
	t = tep_find_common_field(ev0, "common_type");
	if (!t || t->offset < 0 || (t->size != 1 && t->size != 2 && t->size != 4))
		return false;
	/* libtraceevent keeps its events sorted by id */
	for (i = 1; i < n; i++)
		if (tep_get_event(tep, i)->id == tep_get_event(tep, i - 1)->id)
			return false;
	pi.pids = calloc(npids, sizeof(*pi.pids));
	pi.f = calloc(max + 1, sizeof(*pi.f));
	if (!pi.pids || !pi.f)
		goto no;
	for (id = 0; id <= max; id++) {
		struct pid_fields *pf = &pi.f[id];

		pf->exact = true;
		for (k = 0; k < 3; k++) {
			struct ftx_tracedat_field fl;
			int ret = ftx_tracedat_event_field(r->td, id, names[k], &fl);

			if (ret == -1)
				break;		/* no such event: no filter of it, no match */
			if (ret == 0)
				continue;
			/* read in place: within the page and the zeros after it */
			if (ret < 0 || fl.offset + fl.size > 65536)
				goto no;
			pf->f[pf->n].off = fl.offset;
			pf->f[pf->n].size = fl.size;
			pf->f[pf->n].sign = fl.is_signed;
			pf->n++;
		}
		/* stack traces may follow a shown record: the reader thread keeps them */
		if (id == r->kstack_id || id == r->ustack_id)
			pf->exact = false;
	}
	for (k = 0; k < npids; k++)
		ftx_parse_uint(pids[k], &pi.pids[k]);	/* run_check_pids() */
	pi.n = npids;
	pi.max = max;
	pi.swap = tep_is_file_bigendian(tep) != tep_is_local_bigendian(tep);
	pi.type_off = t->offset;
	pi.type_size = t->size;
	r->pid = pi;
	r->pid_fast = true;
	return true;
no:
	free(pi.pids);
	free(pi.f);
	return false;
}

static int run_stat(struct run *r, const struct ftx_report_opts *o)
{
	struct ftx_tracedat *td = r->td;
	struct tep_handle *tep = ftx_tracedat_tep(td);
	const char *stats = ftx_tracedat_cpustats(td);
	unsigned long long *counts = NULL, total = 0;
	struct tep_record *rec;
	int i, ret, maxid = 0;
	struct tep_event **evs;

	if (run_printf(r, "\nKernel buffer statistics:\n"
		       "  Note: \"entries\" are the entries left in the kernel ring buffer and are not\n"
		       "        recorded in the trace data. They should all be zero.\n\n"))
		return -1;
	if (stats ? run_printf(r, "%s\n", stats) : run_printf(r, " No stats in this file\n"))
		return -1;
	for (i = 0; i < ftx_tracedat_cpus(td); i++) {
		uint64_t off = 0, size = 0;

		if (ftx_tracedat_cpu_stat(td, i, &off, &size))
			continue;
		if (run_printf(r, "CPU%d data recorded at offset=0x%llx\n    %lld bytes in size\n",
			       i, (unsigned long long)off, (long long)size))
			return -1;
	}

	/* ftx addition: what the file holds, counted per event */
	if (ftx_tracedat_load_events(td, NULL, NULL))
		return -1;
	evs = tep_list_events_copy(tep, TEP_EVENT_SORT_SYSTEM);
	for (i = 0; evs && evs[i]; i++)
		if (evs[i]->id > maxid)
			maxid = evs[i]->id;
	counts = calloc(maxid + 1, sizeof(*counts));
	if (!counts) {
		free(evs);
		errno = ENOMEM;
		ftx_error_set("out of memory");
		return -1;
	}
	while ((ret = ftx_tracedat_next(td, &rec)) > 0) {
		int type;

		if (!run_match(r, rec))
			continue;
		type = rec->size >= 8 ? tep_data_type(tep, rec) : -1;
		if (type >= 0 && type <= maxid)
			counts[type]++;
		total++;
	}
	if (ret < 0) {
		free(evs);
		free(counts);
		return -1;
	}
	ret = run_printf(r, "\nEvents in the file:\n");
	for (i = 0; !ret && evs && evs[i]; i++)
		if (counts[evs[i]->id])
			ret = run_printf(r, "  %12llu  %s:%s\n", counts[evs[i]->id],
					 evs[i]->system, evs[i]->name);
	if (!ret)
		ret = run_printf(r, "  %12llu  total\n\nLost events (from the pages' missed-events flags):\n",
				 total);
	for (i = 0; !ret && i < ftx_tracedat_cpus(td); i++)
		ret = run_printf(r, "  CPU%d: %llu events lost on %llu pages\n", i,
				 ftx_tracedat_lost_events(td, i), ftx_tracedat_lost_pages(td, i));
	free(evs);
	free(counts);
	(void)o;
	return ret;
}

static int run_latency(struct run *r)
{
	uint64_t off, len;
	char buf[8192];		/* trace-cmd prints BUFSIZ blocks with "%s" */

	if (ftx_tracedat_latency_text(r->td, &off, &len))
		return 0;
	if (run_flush(r))
		return -1;
	while (len) {
		size_t n = len > sizeof(buf) ? sizeof(buf) : len;

		if (ftx_tracedat_read(r->td, off, buf, n) ||
		    r->write(r->wctx, buf, strnlen(buf, n)))
			return -1;
		off += n;
		len -= n;
	}
	return r->write(r->wctx, "\n", 1);
}

/* One record of the report: the option filters, then its line */
static int run_record(struct run *r, const struct ftx_report_opts *o, struct ftx_report_fmt *f,
		      struct look *look, struct tep_record *rec, int name_w)
{
	/* trace-cmd 3.1.6 prints no instance's records with --cpu */
	if (o->cpus && (rec->cpu >= o->ncpus || !o->cpus[rec->cpu] ||
			ftx_tracedat_record_instance(rec)))
		return 0;
	if ((r->nfilters || r->pid_fast || r->irq_flags) && !run_match(r, rec))
		return 0;
	if (ftx_tracedat_nr_buffers(r->td)) {
		const char *inst = ftx_tracedat_record_instance(rec);

		if (run_printf(r, inst ? "%*s: " : "%*s  ", name_w, inst ? inst : ""))
			return -1;
	}
	look->cur = rec;
	if (ftx_report_fmt_record(f, rec, &r->out))
		return -1;
	if (r->wakeup && ftx_wakeup_record(r->wakeup, rec, rec->ts + (unsigned long long)r->ts_offset,
					   &r->out))
		return -1;
	if (r->out.len >= FLUSH_AT && run_flush(r))
		return -1;
	return 0;
}

static int has_traceclock(unsigned int id, const void *data, size_t size, void *arg)
{
	(void)data;
	(void)size;
	(void)arg;
	return id == 4;		/* TRACECLOCK: trace-cmd's use_trace_clock */
}

/*
 * -O for libtraceevent's plugins (ftrace:parent, ftrace:indent...): their
 * option list is libtraceevent's, global, read when the plugins load
 */
static int plugin_opts_add(const struct ftx_report_opts *o)
{
	int i;

	for (i = 0; i < o->nplugin_opts; i++) {
		char *name = strdup(o->plugin_opts[i]), *val;

		if (!name) {
			errno = ENOMEM;
			ftx_error_set("out of memory");
			return -1;
		}
		val = strchr(name, '=');
		if (val)
			*val++ = 0;
		if (tep_plugin_add_option(name, val)) {
			free(name);
			errno = ENOMEM;
			ftx_error_set("out of memory");
			return -1;
		}
		free(name);
	}
	return 0;
}

/*
 * libtraceevent's update of a boolean option: no value toggles it, "1" or
 * "true" sets it, "0" or "false" clears it, anything else leaves it
 */
static bool plugin_opt_update(bool set, const char *val)
{
	if (!val)
		return !set;
	if (!strcmp(val, "1") || !strcmp(val, "true"))
		return true;
	if (!strcmp(val, "0") || !strcmp(val, "false"))
		return false;
	return set;
}

/*
 * trace-cmd's own function_graph options (fgraph:tailprint, fgraph:depth,
 * off by default) as libtraceevent applies them when trace-cmd registers
 * them: the last "fgraph:NAME" given, then the last bare "NAME"
 */
static unsigned int plugin_opt_flags(const struct ftx_report_opts *o)
{
	static const struct { const char *name; unsigned int flag; } fg[] = {
		{ "tailprint", FTX_REPORT_FG_TAIL },
		{ "depth", FTX_REPORT_FG_DEPTH },
	};
	unsigned int flags = 0;
	size_t k;
	int i;

	for (k = 0; k < FTX_ARRAY_SIZE(fg); k++) {
		const char *named = NULL, *bare = NULL;
		bool has_named = false, has_bare = false, set = false;
		size_t n = strlen(fg[k].name);

		for (i = 0; i < o->nplugin_opts; i++) {
			const char *s = o->plugin_opts[i], *opt = s;
			bool plug = !strncmp(s, "fgraph:", 7);

			if (plug)
				opt = s + 7;
			else if (strchr(s, ':'))
				continue;
			if (strncmp(opt, fg[k].name, n) || (opt[n] && opt[n] != '='))
				continue;
			if (plug) {
				has_named = true;
				named = opt[n] ? opt + n + 1 : NULL;
			} else {
				has_bare = true;
				bare = opt[n] ? opt + n + 1 : NULL;
			}
		}
		if (has_named)
			set = plugin_opt_update(set, named);
		if (has_bare)
			set = plugin_opt_update(set, bare);
		if (set)
			flags |= fg[k].flag;
	}
	return flags;
}

/* What the reader thread may drop for @r's filters (NULL: nothing) */
static struct pipe_drop *run_pipe_drop(const struct run *r, const struct ftx_report_opts *o,
				       const struct ftx_report_fmt *f, struct pipe_drop *d)
{
	struct tep_handle *tep = ftx_tracedat_tep(r->td);
	struct tep_event *ev0 = tep_get_event(tep, 0);
	struct tep_format_field *type;

	if (!ev0)
		return NULL;
	type = tep_find_common_field(ev0, "common_type");
	if (!type || type->offset < 0 || (type->size != 1 && type->size != 2 && type->size != 4))
		return NULL;
	memset(d, 0, sizeof(*d));
	d->cpus = o->cpus;
	d->ncpus = o->ncpus;
	d->may_match = r->may_match;
	d->may_max = r->may_max;
	d->pid = r->pid.f ? &r->pid : NULL;
	d->type_off = type->offset;
	d->type_size = type->size;
	d->swap = tep_is_file_bigendian(tep) != tep_is_local_bigendian(tep);
	d->fg_ent = f->id_fg_ent;
	d->on = d->cpus || d->may_match || d->pid;
	return d->on ? d : NULL;
}

/*
 * --cpu on a file with function_graph entries: does no selected CPU hold
 * one? Then no lookahead ever looks past them and the other CPUs need not
 * be read. Worth a look of its own (a second reader over the selected CPUs,
 * stopping at the first entry) when they hold less than half of the data;
 * any doubt (no look, a damaged file) reads them all.
 */
static bool cpus_without_entries(struct ftx_tracedat *td, const struct ftx_report_opts *o,
				 int fg_ent)
{
	struct tep_handle *tep = ftx_tracedat_tep(td);
	struct tep_event *ev0 = tep_get_event(tep, 0);
	struct tep_format_field *t = ev0 ? tep_find_common_field(ev0, "common_type") : NULL;
	uint64_t sel = 0, all = 0, off, size;
	struct ftx_tracedat *scan;
	struct tep_record *rec;
	bool swap, found = false;
	int i, ret = -1;

	if (!t || t->offset < 0 || (t->size != 1 && t->size != 2 && t->size != 4) ||
	    ftx_tracedat_nr_buffers(td))
		return false;
	for (i = 0; i < ftx_tracedat_cpus(td); i++) {
		if (ftx_tracedat_cpu_data(td, i, &off, &size))
			continue;
		all += size;
		if (i < o->ncpus && o->cpus[i])
			sel += size;
	}
	if (2 * sel >= all)
		return false;
	swap = tep_is_file_bigendian(tep) != tep_is_local_bigendian(tep);
	scan = ftx_tracedat_open(o->input ? o->input : "trace.dat",
				 FTX_TRACEDAT_LAZY_KALLSYMS | FTX_TRACEDAT_LAZY_FORMATS |
				 FTX_TRACEDAT_NO_PLUGINS);
	if (!scan)
		return false;
	ftx_tracedat_set_cpus(scan, o->cpus, o->ncpus);
	while (!found && (ret = ftx_tracedat_next(scan, &rec)) > 0)
		/* the type where it sits, as the formatter reads it */
		found = (int)ftx_read_uint((const char *)rec->data + t->offset, t->size, swap) ==
			fg_ent;
	ftx_tracedat_close(scan);
	return !found && ret == 0;
}

/* The events the report looks up by name (stack traces, function printing, -w) */
static bool named_event(const char *sys, const char *name, void *arg)
{
	const struct ftx_report_opts *o = arg;

	if (!strcmp(sys, "ftrace"))
		return !strcmp(name, "kernel_stack") || !strcmp(name, "user_stack") ||
		       !strcmp(name, "function") || !strcmp(name, "funcgraph_entry") ||
		       !strcmp(name, "funcgraph_exit");
	return o->wakeup && !strcmp(sys, "sched") &&
	       (!strcmp(name, "sched_wakeup") || !strcmp(name, "sched_switch") ||
		!strcmp(name, "sched_wakeup_new"));
}

static int load_event(void *ctx, int id)
{
	return ftx_tracedat_load_event(ctx, id);
}

int ftx_report_run(const struct ftx_report_opts *o, ftx_report_write_fn write, void *ctx)
{
	struct run r = { .write = write, .wctx = ctx };
	struct look look = { 0 };
	struct pipe pipe;
	struct pipe_drop drop, *sdrop;
	bool piped = false;
	int name_w = 0, threads;
	struct ftx_report_fmt *f = NULL;
	struct tep_handle *tep;
	struct tep_record *rec;
	unsigned int flags;
	uint64_t off, len;
	int i, ret = -1;

	if (plugin_opts_add(o))
		return -1;
	r.td = ftx_tracedat_open(o->input ? o->input : "trace.dat",
				 FTX_TRACEDAT_LAZY_KALLSYMS | FTX_TRACEDAT_LAZY_FORMATS |
				 (o->no_plugins ? FTX_TRACEDAT_NO_PLUGINS : 0));
	if (!r.td)
		return -1;
	tep = ftx_tracedat_tep(r.td);
	/* the events looked up by name below; the rest as their records come */
	if (ftx_tracedat_load_events(r.td, named_event, (void *)o))
		goto out;
	/*
	 * --cpu hides the other CPUs' records but, as trace-cmd's, the
	 * function_graph lookahead still sees them: an event of another CPU
	 * between an entry and its exit keeps the entry from folding into
	 * "func();". --stat reads the selected CPUs alone, and so does a
	 * report without that lookahead (below).
	 */
	if (o->cpus && o->stat)
		ftx_tracedat_set_cpus(r.td, o->cpus, o->ncpus);
	r.kstack_id = r.ustack_id = -1;
	{
		struct tep_event *ev = tep_find_event_by_name(tep, "ftrace", "kernel_stack");

		if (ev)
			r.kstack_id = ev->id;
		ev = tep_find_event_by_name(tep, "ftrace", "user_stack");
		if (ev)
			r.ustack_id = ev->id;
	}
	for (i = 0; i < o->nfilters; i++)
		if (run_add_filter(&r, tep, o->filters[i], o->filter_neg && o->filter_neg[i]))
			goto out;
	if (o->npids && run_check_pids(o->pids, o->npids))
		goto out;
	if (o->npids && !o->nfilters && !o->stat)
		run_index_pids_fast(&r, tep, o->pids, o->npids);
	if (o->npids && !r.pid_fast && run_add_pid_filter(&r, tep, o->pids, o->npids))
		goto out;
	if (r.nfilters)
		run_index_filters(&r, tep);
	if (o->npids && !o->nfilters && !r.pid_fast)
		run_index_pids(&r, tep, o->pids, o->npids);
	r.irq_flags = (o->no_hardirq ? TRACE_FLAG_HARDIRQ : 0) |
		      (o->no_softirq ? TRACE_FLAG_SOFTIRQ : 0);
	r.ts_offset = o->ts_offset;

	if (run_printf(&r, "cpus=%d\n", ftx_tracedat_cpus(r.td)))
		goto out;
	if (!ftx_tracedat_latency_text(r.td, &off, &len)) {
		ret = run_latency(&r);
		goto out;
	}
	if (o->stat) {
		ret = run_stat(&r, o);
		goto out;
	}
	flags = o->fmt_flags | plugin_opt_flags(o);
	if (!ftx_tracedat_ts_in_usecs(r.td))
		flags |= FTX_REPORT_RAW_TS;
	if (ftx_tracedat_options_each(r.td, has_traceclock, NULL) > 0)
		flags |= FTX_REPORT_TRACE_CLOCK;
	f = ftx_report_fmt_alloc(tep, flags);
	if (!f || fmt_set_loader(f, load_event, r.td, ftx_tracedat_max_event_id(r.td)))
		goto out;
	ftx_report_fmt_set_ts_offset(f, o->ts_offset);
	/* no function_graph entry to fold: the other CPUs' records are never read */
	if (o->cpus && (f->id_fg_ent < 0 || cpus_without_entries(r.td, o, f->id_fg_ent)))
		ftx_tracedat_set_cpus(r.td, o->cpus, o->ncpus);
	if (o->wakeup) {
		r.wakeup = ftx_wakeup_alloc(tep);
		if (!r.wakeup && errno != ENOENT)
			goto out;
	}
	look.td = r.td;
	ftx_report_fmt_set_lookahead(f, look_peek, look_consume, &look);
	ftx_report_fmt_set_symbols(f, load_kallsyms, r.td);
	/* with instances every line starts with its instance's name, as trace-cmd's */
	for (i = 0; i < ftx_tracedat_nr_buffers(r.td); i++) {
		int n = strlen(ftx_tracedat_buffer_name(r.td, i));

		if (n > name_w)
			name_w = n;
	}
	threads = o->threads ? o->threads : rpipe_cpus_usable();
	/* instances: the lookahead looks within one, so those files are read serially */
	sdrop = run_pipe_drop(&r, o, f, &drop);
	/*
	 * no entry kept (none printed as one, or -F drops them all), so none
	 * keeps the record after it: the reader passes the drops over in the walk
	 * (and the prefetch thread whole pages of them)
	 */
	if (sdrop && (sdrop->fg_ent < 0 ||
		      (sdrop->may_match && sdrop->fg_ent <= sdrop->may_max &&
		       !sdrop->may_match[sdrop->fg_ent]))) {
		ftx_tracedat_set_skip(r.td, rpipe_skip, sdrop);
		sdrop = NULL;
	}
	/* compressed chunks decompressed in a third thread, a few per CPU ahead */
	if (threads > 1 && ftx_tracedat_prefetch(r.td, 4))
		goto out;
	if (threads > 1 && !ftx_tracedat_nr_buffers(r.td) && !rpipe_start(&pipe, r.td, sdrop)) {
		piped = true;
		sdrop = NULL;
		ftx_report_fmt_set_lookahead(f, rpipe_peek, rpipe_consume, &pipe);
		ftx_report_fmt_set_symbols(f, rpipe_load_kallsyms, &pipe);
	}
	for (;;) {
		int n = piped ? rpipe_next(&pipe, &rec) : ftx_tracedat_next(r.td, &rec);

		if (n < 0)
			goto out;
		if (!n)
			break;
		/* serially, the reader thread's drops by the bytes first (run_record() decides the rest) */
		if (sdrop && rpipe_drops(sdrop, rec))
			continue;
		if (run_record(&r, o, f, &look, rec, name_w))
			goto out;
	}
	if (r.wakeup && ftx_wakeup_summary(r.wakeup, &r.out))
		goto out;
	ret = 0;
out:
	if (piped)
		rpipe_stop(&pipe);
	if (run_flush(&r))
		ret = -1;
	ftx_strbuf_release(&r.out);
	for (i = 0; i < r.nfilters; i++)
		tep_filter_free(r.filters[i]);
	free(r.filters);
	free(r.neg);
	free(r.last_shown);
	ftx_wakeup_free(r.wakeup);
	free(r.may_match);
	free(r.sure);
	free(r.pid.f);
	free(r.pid.pids);
	ftx_report_fmt_free(f);
	ftx_tracedat_close(r.td);
	return ret;
}

int ftx_report_parse_cpus(const char *s, bool **mask, int *n)
{
	const char *p = s;
	unsigned long a, b;
	bool *m = NULL;
	int max = -1;
	char *end;

	*mask = NULL;
	*n = 0;
	/* two passes: find the highest CPU, then set the bits */
	for (int pass = 0; pass < 2; pass++) {
		p = s;
		do {
			if (*p < '0' || *p > '9')
				goto bad;
			a = b = strtoul(p, &end, 10);
			p = end;
			if (*p == '-') {
				p++;
				if (*p < '0' || *p > '9')
					goto bad;
				b = strtoul(p, &end, 10);
				p = end;
			}
			if (a > b || b >= 8192)
				goto bad;
			if (pass == 0) {
				if ((int)b > max)
					max = b;
			} else {
				while (a <= b)
					m[a++] = true;
			}
			if (*p == ',')
				p++;
			else if (*p)
				goto bad;
		} while (*p);
		if (pass == 0) {
			m = calloc(max + 1, sizeof(*m));
			if (!m) {
				errno = ENOMEM;
				ftx_error_set("out of memory");
				return -1;
			}
		}
	}
	*mask = m;
	*n = max + 1;
	return 0;
bad:
	free(m);
	errno = EINVAL;
	ftx_error_set("bad CPU list '%s' (CPUs 0 to 8191, e.g. 0-3,6)", s);
	return -1;
}

/* ---------------------------------------------------------------- fuzzing */

static int null_write(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return 0;
}

int ftx_report_fuzz_one(const uint8_t *data, size_t size)
{
	struct ftx_tracedat *td;
	struct ftx_report_fmt *f;
	struct ftx_strbuf out = FTX_STRBUF_INIT;
	struct look look = { 0 };
	struct tep_record *rec;
	int n, ret = -1;

	td = ftx_tracedat_open_mem(data, size, "fuzz.dat", FTX_TRACEDAT_NO_PLUGINS);
	if (!td)
		return -1;
	f = ftx_report_fmt_alloc(ftx_tracedat_tep(td), 0);
	if (!f)
		goto out;
	look.td = td;
	ftx_report_fmt_set_lookahead(f, look_peek, look_consume, &look);
	while ((n = ftx_tracedat_next(td, &rec)) > 0) {
		look.cur = rec;
		if (ftx_report_fmt_record(f, rec, &out))
			goto out;
		if (out.len > FLUSH_AT) {
			null_write(NULL, out.buf, out.len);
			out.len = 0;
		}
	}
	ret = n < 0 ? -1 : 0;
out:
	ftx_strbuf_release(&out);
	ftx_report_fmt_free(f);
	ftx_tracedat_close(td);
	return ret;
}
