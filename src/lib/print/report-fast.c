// SPDX-License-Identifier: GPL-2.0
/*
 * Fast info formatters; see report-fast.h.
 *
 * libtraceevent re-interprets an event's print_fmt (and calls vsnprintf) for
 * every record; that is most of a report's time. Here each event's print_fmt
 * is compiled once into a list of ops (literal text, number field with its
 * printf spec, char-array field, __get_str(), __print_symbolic(), "cond ?
 * "a" : "b"") when every piece is one of those shapes; the sched_switch /
 * sched_wakeup handlers of libtraceevent's sched_switch plugin are mirrored
 * too. Everything else (and any event whose compiled output ever differs)
 * goes through libtraceevent.
 *
 * Safety net: the first VERIFY records of each event are formatted both ways
 * and compared; on a difference the event falls back to libtraceevent for
 * good. The golden tests compare whole reports on top of that.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>

#include "ftx/strbuf.h"
#include "ftx/util.h"
#include "report-fast.h"

#define VERIFY		32
#define MAX_OPS		64

enum op_kind {
	OP_LIT,		/* literal text */
	OP_NUM,		/* number field (maybe typecast) with a d/i/u/x/X spec */
	OP_CHARS,	/* char array field with %s */
	OP_DSTR,	/* __get_str(field) with %s */
	OP_SYM,		/* __print_symbolic(field, ...) with %s */
	OP_COND,	/* field ? "a" : "b" with %s */
};

struct sym {
	unsigned long long val;
	const char *str;
};

struct op {
	enum op_kind kind;
	/* OP_LIT */
	const char *lit;
	size_t litlen;
	/* field-based */
	int off, size;
	bool relative;			/* __rel_loc */
	unsigned long long mask;	/* typecast to 32 bits */
	/* printf spec */
	char conv;			/* d u x X s */
	int ls;				/* -2 hh, -1 h, 0, 1 l, 2 ll */
	int width, prec;		/* prec -1: none */
	bool left, zero, alt;
	/* OP_SYM */
	struct sym *syms;
	int nsyms;
	/* OP_COND */
	const char *yes, *no;
};

enum ev_kind { EV_NONE, EV_OPS, EV_SCHED_SWITCH, EV_SCHED_WAKEUP };

struct fev {
	enum ev_kind kind;
	int verified;
	struct op *ops;
	int nops;
	char *lits;			/* literal text storage */
	/* plugin mirrors */
	struct tep_format_field *f_pid, *f_comm, *f_prio, *f_state, *f_success, *f_cpu;
	struct tep_format_field *f_npid, *f_ncomm, *f_nprio;
};

struct ftx_fast {
	struct tep_handle *tep;
	bool swap;
	int maxid;
	struct fev *ev;			/* indexed by event id */
	uint8_t *compiled;		/* ev[id] compiled (on its first record) */
	struct trace_seq seq;
	struct ftx_strbuf tmp;
	bool probing;			/* libtraceevent prints this record too */
	unsigned long comm_gen;		/* ftx_fast_comm_gen() */
};

/* ---------------------------------------------------------------- compile */

static bool handler_in(tep_event_handler_func fn, const char *lib)
{
	Dl_info info;

	if (!fn || !dladdr((void *)fn, &info) || !info.dli_fname)
		return false;
	return strstr(info.dli_fname, lib) != NULL;
}

/*
 * A __print_symbolic()/__print_flags() value as libtraceevent 1.7's
 * eval_flag() reads it: strtoull() when it starts with a digit ("10",
 * "0x1f", and "10abc" as 10), a few known names, else -1 (so "-22" matches
 * only an all-ones value).
 */
static unsigned long long eval_flag(const char *v)
{
	static const struct { const char *name; int val; } known[] = {
		{ "HI_SOFTIRQ", 0 }, { "TIMER_SOFTIRQ", 1 }, { "NET_TX_SOFTIRQ", 2 },
		{ "NET_RX_SOFTIRQ", 3 }, { "BLOCK_SOFTIRQ", 4 }, { "IRQ_POLL_SOFTIRQ", 5 },
		{ "TASKLET_SOFTIRQ", 6 }, { "SCHED_SOFTIRQ", 7 }, { "HRTIMER_SOFTIRQ", 8 },
		{ "RCU_SOFTIRQ", 9 }, { "HRTIMER_NORESTART", 0 }, { "HRTIMER_RESTART", 1 },
	};
	size_t i;

	if (v[0] >= '0' && v[0] <= '9')
		return strtoull(v, NULL, 0);
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(known[i].name, v))
			return known[i].val;
	return -1ULL;
}

/* Cast types libtraceevent's eval_type() leaves alone (64-bit) or cuts to 32 */
static int cast_mask(const char *type, unsigned long long *mask)
{
	static const char *const wide[] = {
		"unsigned long", "long", "u64", "s64", "unsigned long long", "long long",
		"size_t", "ssize_t", "loff_t",
	};
	static const char *const narrow[] = { "u32", "unsigned int", "unsigned" };
	size_t i;

	for (i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (!strcmp(type, wide[i])) {
			*mask = ~0ULL;
			return 0;
		}
	for (i = 0; i < sizeof(narrow) / sizeof(narrow[0]); i++)
		if (!strcmp(type, narrow[i])) {
			*mask = 0xffffffffULL;
			return 0;
		}
	return -1;
}

/* A plain number field, maybe under typecasts */
static int num_field(struct tep_event *ev, struct tep_print_arg *arg, struct op *op)
{
	struct tep_format_field *f;

	op->mask = ~0ULL;
	while (arg->type == TEP_PRINT_TYPE) {
		unsigned long long m;

		if (cast_mask(arg->typecast.type, &m))
			return -1;
		op->mask &= m;
		arg = arg->typecast.item;
		if (!arg)
			return -1;
	}
	if (arg->type != TEP_PRINT_FIELD)
		return -1;
	f = tep_find_any_field(ev, arg->field.name);
	if (!f || (f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_DYNAMIC)))
		return -1;
	if (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8)
		return -1;
	op->off = f->offset;
	op->size = f->size;
	return 0;
}

/* Parse one "%..." spec at *p; returns 0 with *p past it, or -1 (unsupported) */
static int parse_spec(const char **p, struct op *op)
{
	const char *s = *p + 1;

	op->prec = -1;
	for (;; s++) {
		if (*s == '-')
			op->left = true;
		else if (*s == '0')
			op->zero = true;
		else if (*s == '#')
			op->alt = true;
		else if (*s == ' ' || *s == '+' || *s == '\'')
			return -1;
		else
			break;
	}
	while (*s >= '0' && *s <= '9')
		op->width = op->width * 10 + (*s++ - '0');
	if (*s == '*')
		return -1;
	if (*s == '.') {
		s++;
		if (*s == '*')
			return -1;
		op->prec = 0;
		while (*s >= '0' && *s <= '9')
			op->prec = op->prec * 10 + (*s++ - '0');
	}
	for (;; s++) {
		if (*s == 'l')
			op->ls++;
		else if (*s == 'L')
			op->ls = 2;
		else if (*s == 'h')
			op->ls--;
		else if (*s == 'z' || *s == 'Z')
			op->ls = 1;
		else
			break;
	}
	if (op->ls > 2)
		op->ls = 2;
	if (op->ls < -2)
		return -1;
	switch (*s) {
	case 'd': case 'i':
		op->conv = 'd';
		break;
	case 'u': case 'x': case 'X':
		op->conv = *s;
		break;
	case 's':
		op->conv = 's';
		break;
	default:
		return -1;	/* %p, %c, %o, ... */
	}
	if (op->conv != 's' && (op->prec >= 0 || (op->alt && op->conv == 'd')))
		return -1;
	*p = s + 1;
	return 0;
}

static int compile_str_arg(struct tep_event *ev, struct tep_print_arg *arg, struct op *op)
{
	struct tep_format_field *f;
	struct tep_print_flag_sym *fs;
	int n;

	switch (arg->type) {
	case TEP_PRINT_FIELD:
		f = tep_find_any_field(ev, arg->field.name);
		if (!f || !(f->flags & TEP_FIELD_IS_ARRAY) || (f->flags & TEP_FIELD_IS_DYNAMIC) ||
		    f->size <= 0)
			return -1;
		op->kind = OP_CHARS;
		op->off = f->offset;
		op->size = f->size;
		return 0;
	case TEP_PRINT_STRING:
		f = tep_find_any_field(ev, arg->string.string);
		if (!f || !(f->flags & TEP_FIELD_IS_DYNAMIC) || f->size != 4)
			return -1;
		op->kind = OP_DSTR;
		op->off = f->offset;
		op->size = f->size;
		op->relative = f->flags & TEP_FIELD_IS_RELATIVE;
		return 0;
	case TEP_PRINT_SYMBOL:
		if (!arg->symbol.field || num_field(ev, arg->symbol.field, op))
			return -1;
		for (n = 0, fs = arg->symbol.symbols; fs; fs = fs->next)
			n++;
		op->syms = calloc(n ? n : 1, sizeof(*op->syms));
		if (!op->syms)
			return -1;
		for (n = 0, fs = arg->symbol.symbols; fs; fs = fs->next, n++) {
			op->syms[n].val = eval_flag(fs->value);
			op->syms[n].str = fs->str;
		}
		op->nsyms = n;
		op->kind = OP_SYM;
		return 0;
	case TEP_PRINT_OP:
		if (strcmp(arg->op.op, "?") || !arg->op.left || !arg->op.right ||
		    arg->op.right->type != TEP_PRINT_OP || strcmp(arg->op.right->op.op, ":") ||
		    !arg->op.right->op.left || !arg->op.right->op.right ||
		    arg->op.right->op.left->type != TEP_PRINT_ATOM ||
		    arg->op.right->op.right->type != TEP_PRINT_ATOM)
			return -1;
		if (num_field(ev, arg->op.left, op))
			return -1;
		op->yes = arg->op.right->op.left->atom.atom;
		op->no = arg->op.right->op.right->atom.atom;
		op->kind = OP_COND;
		return 0;
	default:
		return -1;
	}
}

static void fev_clear(struct fev *e)
{
	int i;

	/* the op that failed to compile may hold symbols too */
	for (i = 0; e->ops && i < MAX_OPS; i++)
		free(e->ops[i].syms);
	free(e->ops);
	free(e->lits);
	memset(e, 0, sizeof(*e));
}

static int compile_ops(struct tep_event *ev, struct fev *e)
{
	const char *fmt = ev->print_fmt.format, *p;
	struct tep_print_arg *arg = ev->print_fmt.args;
	char *lp;

	if (!fmt)
		return -1;
	e->ops = calloc(MAX_OPS, sizeof(*e->ops));
	/* 16 bytes over: a short literal is copied as one 16-byte move */
	e->lits = calloc(1, strlen(fmt) + 1 + 16);
	if (!e->ops || !e->lits)
		return -1;
	lp = e->lits;
	p = fmt;
	while (*p) {
		struct op *op;

		if (e->nops >= MAX_OPS)
			return -1;
		op = &e->ops[e->nops];
		if (*p != '%' || p[1] == '%') {
			/* a literal run; "%%" is one '%' */
			op->kind = OP_LIT;
			op->lit = lp;
			while (*p && (*p != '%' || p[1] == '%')) {
				if (*p == '%')
					p++;
				if (*p == '\\')
					return -1;	/* escapes were already resolved; be safe */
				*lp++ = *p++;
			}
			op->litlen = lp - op->lit;
			e->nops++;
			continue;
		}
		if (parse_spec(&p, op) || !arg)
			return -1;
		if (op->conv == 's') {
			if (compile_str_arg(ev, arg, op))
				return -1;
		} else {
			if (num_field(ev, arg, op))
				return -1;
			op->kind = OP_NUM;
		}
		arg = arg->next;
		e->nops++;
	}
	if (arg)
		return -1;	/* more args than specs: something we do not understand */
	e->kind = EV_OPS;
	return 0;
}

static void compile_event(struct ftx_fast *fast, struct tep_event *ev, struct fev *e)
{
	if (ev->handler) {
		if (!handler_in(ev->handler, "plugin_sched_switch"))
			return;
		if (!strcmp(ev->name, "sched_switch")) {
			e->f_pid = tep_find_any_field(ev, "prev_pid");
			e->f_comm = tep_find_any_field(ev, "prev_comm");
			e->f_prio = tep_find_any_field(ev, "prev_prio");
			e->f_state = tep_find_any_field(ev, "prev_state");
			e->f_npid = tep_find_any_field(ev, "next_pid");
			e->f_ncomm = tep_find_any_field(ev, "next_comm");
			e->f_nprio = tep_find_any_field(ev, "next_prio");
			if (e->f_pid && e->f_npid)
				e->kind = EV_SCHED_SWITCH;
		} else if (!strcmp(ev->name, "sched_wakeup") ||
			   !strcmp(ev->name, "sched_wakeup_new")) {
			e->f_pid = tep_find_any_field(ev, "pid");
			e->f_comm = tep_find_any_field(ev, "comm");
			e->f_prio = tep_find_any_field(ev, "prio");
			e->f_success = tep_find_any_field(ev, "success");
			e->f_cpu = tep_find_any_field(ev, "target_cpu");
			if (e->f_pid)
				e->kind = EV_SCHED_WAKEUP;
		}
		return;
	}
	if (ev->flags & (TEP_EVENT_FL_PRINTRAW | TEP_EVENT_FL_NOHANDLE | TEP_EVENT_FL_FAILED))
		return;
	if (compile_ops(ev, e))
		fev_clear(e);
	(void)fast;
}

struct ftx_fast *ftx_fast_alloc(struct tep_handle *tep)
{
	struct ftx_fast *fast;
	int i, n = tep_get_events_count(tep);

	/* the number printing below assumes a 64-bit kernel long, as here */
	if (tep_get_long_size(tep) != 8 || sizeof(long) != 8)
		return NULL;
	fast = calloc(1, sizeof(*fast));
	if (!fast)
		return NULL;
	fast->tep = tep;
	fast->swap = tep_is_file_bigendian(tep) != tep_is_local_bigendian(tep);
	for (i = 0; i < n; i++)
		if (tep_get_event(tep, i)->id > fast->maxid)
			fast->maxid = tep_get_event(tep, i)->id;
	if (fast->maxid > (1 << 20)) {
		free(fast);
		return NULL;
	}
	fast->ev = calloc(fast->maxid + 1, sizeof(*fast->ev));
	fast->compiled = calloc(fast->maxid + 1, 1);
	if (!fast->ev || !fast->compiled) {
		free(fast->ev);
		free(fast->compiled);
		free(fast);
		return NULL;
	}
	trace_seq_init(&fast->seq);
	return fast;
}

int ftx_fast_grow(struct ftx_fast *fast, int maxid)
{
	struct fev *e;
	uint8_t *c;

	if (maxid <= fast->maxid)
		return 0;
	if (maxid > (1 << 20))
		return -1;
	e = realloc(fast->ev, (maxid + 1) * sizeof(*e));
	if (!e)
		return -1;
	fast->ev = e;
	c = realloc(fast->compiled, maxid + 1);
	if (!c)
		return -1;
	fast->compiled = c;
	memset(e + fast->maxid + 1, 0, (maxid - fast->maxid) * sizeof(*e));
	memset(c + fast->maxid + 1, 0, maxid - fast->maxid);
	fast->maxid = maxid;
	return 0;
}

/* @ev's program, compiled on first use (NULL: out of range) */
static struct fev *fev_of(struct ftx_fast *fast, struct tep_event *ev)
{
	struct fev *e;

	if (ev->id < 0 || ev->id > fast->maxid)
		return NULL;
	e = &fast->ev[ev->id];
	if (!fast->compiled[ev->id]) {
		fast->compiled[ev->id] = 1;
		compile_event(fast, ev, e);
	}
	return e;
}

void ftx_fast_free(struct ftx_fast *fast)
{
	int i;

	if (!fast)
		return;
	for (i = 0; i <= fast->maxid; i++)
		fev_clear(&fast->ev[i]);
	free(fast->ev);
	free(fast->compiled);
	trace_seq_destroy(&fast->seq);
	ftx_strbuf_release(&fast->tmp);
	free(fast);
}

/* ---------------------------------------------------------------- run */

static inline unsigned long long rd(struct ftx_fast *fast, const void *p, int size)
{
	return ftx_read_uint(p, size, fast->swap);
}

static inline void put(struct ftx_strbuf *sb, const char *s, size_t n)
{
	if (!n)
		return;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
}

/* printf("%s") with width, precision and '-' */
static void put_str(struct ftx_strbuf *sb, const struct op *op, const char *s, size_t n)
{
	if (op->prec >= 0 && n > (size_t)op->prec)
		n = op->prec;
	if (!op->left && op->width > (int)n) {
		memset(sb->buf + sb->len, ' ', op->width - n);
		sb->len += op->width - n;
	}
	put(sb, s, n);
	if (op->left && op->width > (int)n) {
		memset(sb->buf + sb->len, ' ', op->width - n);
		sb->len += op->width - n;
	}
}

/* libtraceevent's print_arg_number(): cast by length, then printf */
static void put_num(struct ftx_strbuf *sb, const struct op *op, unsigned long long val)
{
	static const char lower[] = "0123456789abcdef", upper[] = "0123456789ABCDEF";
	char tmp[40], *end = tmp + sizeof(tmp), *p = end;
	bool neg = false;
	int n, pad;

	switch (op->ls) {
	case -2:
		val = op->conv == 'd' ? (unsigned long long)(long long)(signed char)val :
					(unsigned char)val;
		break;
	case -1:
		val = op->conv == 'd' ? (unsigned long long)(long long)(short)val :
					(unsigned short)val;
		break;
	case 0:
		val = op->conv == 'd' ? (unsigned long long)(long long)(int)val :
					(unsigned int)val;
		break;
	default:
		break;
	}
	if (op->conv == 'd' && (long long)val < 0) {
		neg = true;
		val = -val;
	}
	if ((op->conv == 'x' || op->conv == 'X') && !op->alt && !op->left) {
		/* the common "%lx" / "%8x" / "%08lx": straight into the buffer (room reserved) */
		static const char pairs_l[] =
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
		"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
		"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
		"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
		"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
		"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
		"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
		"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
		static const char pairs_u[] =
		"000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
		"202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F"
		"404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F"
		"606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F"
		"808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9F"
		"A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF"
		"C0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"
		"E0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF";
		const char *pairs = op->conv == 'x' ? pairs_l : pairs_u;
		char *q;

		n = val ? (64 - __builtin_clzll(val) + 3) / 4 : 1;
		if (op->width > n) {
			memset(sb->buf + sb->len, op->zero ? '0' : ' ', op->width - n);
			sb->len += op->width - n;
		}
		/* two digits a step, from the last */
		q = sb->buf + sb->len + n;
		while (val > 0xff) {
			q -= 2;
			memcpy(q, pairs + 2 * (val & 0xff), 2);
			val >>= 8;
		}
		if (val > 0xf) {
			q -= 2;
			memcpy(q, pairs + 2 * val, 2);
		} else {
			*--q = pairs[2 * val + 1];
		}
		sb->len += n;
		return;
	} else if (op->conv == 'x' || op->conv == 'X') {
		const char *dig = op->conv == 'x' ? lower : upper;

		do {
			*--p = dig[val & 15];
			val >>= 4;
		} while (val);
	} else if (!op->alt && !op->left) {
		/* the common "%d" / "%lu" / "%5d" / "%03d": straight into the buffer (room reserved) */
		n = ftx_dec_len(val) + neg;
		if (neg && op->zero)
			sb->buf[sb->len++] = '-';
		if (op->width > n) {
			memset(sb->buf + sb->len, op->zero ? '0' : ' ', op->width - n);
			sb->len += op->width - n;
		}
		if (neg && !op->zero)
			sb->buf[sb->len++] = '-';
		ftx_dec_put(sb->buf + sb->len, val, n - neg);
		sb->len += n - neg;
		return;
	} else {
		do {
			*--p = '0' + val % 10;
			val /= 10;
		} while (val);
	}
	n = end - p;
	if (op->alt && (op->conv == 'x' || op->conv == 'X') && !(n == 1 && *p == '0'))
		n += 2;
	n += neg;
	pad = op->width > n ? op->width - n : 0;
	if (pad && !op->left && !op->zero) {
		memset(sb->buf + sb->len, ' ', pad);
		sb->len += pad;
	}
	if (neg)
		sb->buf[sb->len++] = '-';
	if (op->alt && (op->conv == 'x' || op->conv == 'X') && !(end - p == 1 && *p == '0')) {
		sb->buf[sb->len++] = '0';
		sb->buf[sb->len++] = op->conv;
	}
	if (pad && !op->left && op->zero) {
		memset(sb->buf + sb->len, '0', pad);
		sb->len += pad;
	}
	put(sb, p, end - p);
	if (pad && op->left) {
		memset(sb->buf + sb->len, ' ', pad);
		sb->len += pad;
	}
}

/* 1: not handled (libtraceevent must print it) */
static int run_ops(struct ftx_fast *fast, struct fev *e, struct tep_record *rec,
		   struct ftx_strbuf *sb)
{
	const uint8_t *data = rec->data;
	int size = rec->size;
	int i;

	for (i = 0; i < e->nops; i++) {
		const struct op *op = &e->ops[i];
		unsigned long long v;
		const char *s;
		size_t n;

		if (op->kind != OP_LIT && op->off + op->size > size)
			return 1;
		if (ftx_sb_room(sb, op->kind == OP_LIT ? op->litlen + 16 : 64 + (size_t)op->width))
			return -1;
		switch (op->kind) {
		case OP_LIT:
			if (op->litlen <= 16) {
				memcpy(sb->buf + sb->len, op->lit, 16);
				sb->len += op->litlen;
			} else {
				put(sb, op->lit, op->litlen);
			}
			break;
		case OP_NUM:
			put_num(sb, op, rd(fast, data + op->off, op->size) & op->mask);
			break;
		case OP_CHARS:
			s = (const char *)data + op->off;
			n = strnlen(s, op->size);
			if (ftx_sb_room(sb, n + op->width))
				return -1;
			put_str(sb, op, s, n);
			break;
		case OP_DSTR: {
			unsigned int loc = rd(fast, data + op->off, 4);
			unsigned int off = loc & 0xffff, len = loc >> 16;

			if (op->relative) {
				/* rare (__rel_loc): the odd cases are left to libtraceevent */
				off += op->off + op->size;
				if (!len || off + len > (unsigned int)size)
					return 1;
			}
			/*
			 * libtraceevent 1.7.1: nothing when the length is 0 or the string
			 * would end past the record; else the string at the offset,
			 * whatever the length says.
			 */
			if (!len || off + len > (unsigned int)size)
				break;	/* nothing at all: the width is not applied either */
			s = (const char *)data + off;
			n = strnlen(s, size - off);
			if (n == (size_t)(size - off))
				return 1;	/* runs past the record: libtraceevent reads on */
			if (ftx_sb_room(sb, n + op->width))
				return -1;
			put_str(sb, op, s, n);
			break;
		}
		case OP_SYM: {
			int k;

			v = rd(fast, data + op->off, op->size) & op->mask;
			for (k = 0; k < op->nsyms; k++)
				if (op->syms[k].val == v)
					break;
			if (k == op->nsyms) {
				/* libtraceevent: "0x%llx", the spec's width not applied */
				char tmp[24];

				n = snprintf(tmp, sizeof(tmp), "0x%llx", v);
				put(sb, tmp, n);
				break;
			}
			n = strlen(op->syms[k].str);
			if (ftx_sb_room(sb, n + op->width))
				return -1;
			put_str(sb, op, op->syms[k].str, n);
			break;
		}
		case OP_COND:
			v = rd(fast, data + op->off, op->size) & op->mask;
			s = v ? op->yes : op->no;
			n = strlen(s);
			if (ftx_sb_room(sb, n + op->width))
				return -1;
			put_str(sb, op, s, n);
			break;
		}
	}
	return 0;
}

/* "%lld" in place; room for 21 bytes must be reserved */
static void put_s64(struct ftx_strbuf *sb, long long v)
{
	unsigned long long u = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
	int n = ftx_dec_len(u);

	if (v < 0)
		sb->buf[sb->len++] = '-';
	ftx_dec_put(sb->buf + sb->len, u, n);
	sb->len += n;
}

static int put_dec(struct ftx_strbuf *sb, long long v)
{
	if (ftx_sb_room(sb, 24))
		return -1;
	put_s64(sb, v);
	return 0;
}

static unsigned long long fval(struct ftx_fast *fast, struct tep_format_field *f,
			       struct tep_record *rec)
{
	return rd(fast, (const uint8_t *)rec->data + f->offset, f->size);
}

/* libtraceevent's sched_switch plugin: "comm" of the field, registered for the pid */
static int put_comm(struct ftx_fast *fast, struct tep_format_field *f, struct tep_record *rec,
		    int pid, struct ftx_strbuf *sb)
{
	const char *s = (const char *)rec->data + f->offset;
	size_t n = strnlen(s, f->size);

	if (ftx_sb_room(sb, n + 2))
		return -1;
	put(sb, s, n);
	sb->buf[sb->len] = 0;
	/*
	 * The plugin registers each comm it prints; while on probation it
	 * prints this record itself, and a second registration would add
	 * a duplicate to libtraceevent's comm list (which one a lookup then
	 * finds differs from trace-cmd's).
	 */
	if (!fast->probing && !tep_register_comm(fast->tep, sb->buf + sb->len - n, pid))
		fast->comm_gen++;
	sb->buf[sb->len++] = ':';
	return 0;
}

static bool fields_fit(struct tep_record *rec, struct tep_format_field *const *f, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (f[i] && f[i]->offset + f[i]->size > rec->size)
			return false;
	return true;
}

static int run_sched_switch(struct ftx_fast *fast, struct fev *e, struct tep_record *rec,
			    struct ftx_strbuf *sb)
{
	static const char states[] = "SDTtZXxW";
	struct tep_format_field *const all[] = {
		e->f_pid, e->f_comm, e->f_prio, e->f_state, e->f_npid, e->f_ncomm, e->f_nprio,
	};
	unsigned long long v;
	bool found = false;
	int i, st;

	if (!fields_fit(rec, all, 7))
		return 1;
	v = fval(fast, e->f_pid, rec);
	if (e->f_comm && put_comm(fast, e->f_comm, rec, (int)v, sb))
		return -1;
	if (put_dec(sb, v) || ftx_sb_room(sb, 64))
		return -1;
	sb->buf[sb->len++] = ' ';
	if (e->f_prio) {
		if (ftx_sb_room(sb, 24))
			return -1;
		sb->buf[sb->len++] = '[';
		put_s64(sb, (int)fval(fast, e->f_prio, rec));
		put(sb, "] ", 2);
	}
	if (e->f_state) {
		if (ftx_sb_room(sb, 16))
			return -1;
		st = (int)fval(fast, e->f_state, rec);
		for (i = 0; i < (int)sizeof(states) - 1; i++) {
			if (!(st & (1 << i)))
				continue;
			if (found)
				sb->buf[sb->len++] = '|';
			found = true;
			sb->buf[sb->len++] = states[i];
		}
		if (!found)
			sb->buf[sb->len++] = 'R';
	}
	if (ftx_sb_room(sb, 8))
		return -1;
	put(sb, " ==> ", 5);
	v = fval(fast, e->f_npid, rec);
	if (e->f_ncomm && put_comm(fast, e->f_ncomm, rec, (int)v, sb))
		return -1;
	if (put_dec(sb, v))
		return -1;
	if (e->f_nprio) {
		if (ftx_sb_room(sb, 24))
			return -1;
		put(sb, " [", 2);
		put_s64(sb, (int)fval(fast, e->f_nprio, rec));
		sb->buf[sb->len++] = ']';
	}
	return 0;
}

static int run_sched_wakeup(struct ftx_fast *fast, struct fev *e, struct tep_record *rec,
			    struct ftx_strbuf *sb)
{
	struct tep_format_field *const all[] = {
		e->f_pid, e->f_comm, e->f_prio, e->f_success, e->f_cpu,
	};
	unsigned long long v;

	if (!fields_fit(rec, all, 5))
		return 1;
	v = fval(fast, e->f_pid, rec);
	if (e->f_comm && put_comm(fast, e->f_comm, rec, (int)v, sb))
		return -1;
	if (put_dec(sb, v) || ftx_sb_room(sb, 96))
		return -1;
	if (e->f_prio)
		sb->len += sprintf(sb->buf + sb->len, " [%lld]",
				   (long long)fval(fast, e->f_prio, rec));
	if (e->f_success)
		sb->len += sprintf(sb->buf + sb->len, " success=%lld",
				   (long long)fval(fast, e->f_success, rec));
	if (e->f_cpu)
		sb->len += sprintf(sb->buf + sb->len, " CPU:%03llu", fval(fast, e->f_cpu, rec));
	return 0;
}

/* 1: not handled, and nothing appended (libtraceevent prints the whole info) */
static int run_event(struct ftx_fast *fast, struct fev *e, struct tep_record *rec,
		     struct ftx_strbuf *sb)
{
	size_t start = sb->len;
	int ret;

	switch (e->kind) {
	case EV_OPS:
		ret = run_ops(fast, e, rec, sb);
		break;
	case EV_SCHED_SWITCH:
		ret = run_sched_switch(fast, e, rec, sb);
		break;
	case EV_SCHED_WAKEUP:
		ret = run_sched_wakeup(fast, e, rec, sb);
		break;
	default:
		ret = 1;
		break;
	}
	if (ret > 0)
		sb->len = start;
	return ret;
}

int ftx_fast_format(struct ftx_fast *fast, struct tep_event *ev, struct tep_record *rec,
		    struct ftx_strbuf *out)
{
	struct fev *e = fev_of(fast, ev);
	int ret;

	if (!e || e->kind == EV_NONE)
		return 1;
	if (e->verified >= VERIFY)
		return run_event(fast, e, rec, out);

	/* still on probation: both ways, keep libtraceevent's text */
	fast->tmp.len = 0;
	fast->probing = true;
	ret = run_event(fast, e, rec, &fast->tmp);
	fast->probing = false;
	if (ret < 0)
		return -1;
	trace_seq_reset(&fast->seq);
	tep_print_event(fast->tep, &fast->seq, rec, "%s", TEP_PRINT_INFO);
	if (ev->handler)
		fast->comm_gen++;	/* a plugin's: it may register comms */
	if (ret == 0) {
		if (fast->tmp.len == fast->seq.len &&
		    !memcmp(fast->tmp.buf, fast->seq.buffer, fast->seq.len)) {
			e->verified++;
		} else {
			fev_clear(e);	/* differs: libtraceevent from now on */
		}
	}
	if (ftx_strbuf_reserve(out, fast->seq.len))
		return -1;
	put(out, fast->seq.buffer, fast->seq.len);
	return 0;
}

unsigned long ftx_fast_comm_gen(const struct ftx_fast *fast)
{
	return fast ? fast->comm_gen : 0;
}

unsigned int ftx_fast_kinds(struct ftx_fast *fast, struct tep_event *ev)
{
	struct fev *e = fast ? fev_of(fast, ev) : NULL;
	unsigned int k = 0;
	int i;

	if (!e)
		return 0;
	if (e->kind == EV_SCHED_SWITCH)
		return 1u << FTX_FAST_SCHED_SWITCH;
	if (e->kind == EV_SCHED_WAKEUP)
		return 1u << FTX_FAST_SCHED_WAKEUP;
	for (i = 0; e->kind == EV_OPS && i < e->nops; i++)
		k |= 1u << (FTX_FAST_LIT + e->ops[i].kind - OP_LIT);
	return k;
}

int ftx_fast_run(struct ftx_fast *fast, struct tep_event *ev, struct tep_record *rec,
		 struct ftx_strbuf *out)
{
	struct fev *e = fast ? fev_of(fast, ev) : NULL;

	if (!e || e->kind == EV_NONE)
		return 1;
	return run_event(fast, e, rec, out);
}
