// SPDX-License-Identifier: GPL-2.0
/*
 * The call-graph view: a real call stack per task, fed with records in time
 * order. See include/ftx/graph.h for why this differs from trace-cmd's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>

#include "ftx/error.h"
#include "ftx/graph.h"
#include "ftx/report.h"
#include "ftx/tracedat.h"
#include "report-fast.h"

/* common_flags bits (kernel's trace_flag_type) */
#define FLAG_HARDIRQ	0x08
#define FLAG_NMI	0x40

/* Deeper than any kernel's ret_stack; a deeper stack means a corrupt trace. */
#define MAX_STACK	1024
#define TASK_HASH	1024
#define OUT_SIZE	(1 << 16)	/* the printer's own buffer: one fwrite per block */
#define NAME_CACHE	4096
#define COMM_CACHE	1024

struct task {
	int pid;
	int cpu;		/* only for pid 0: each CPU has its own idle task */
	int last_cpu;
	struct ftx_graph_frame *stack;
	int n, cap;
	int scope;		/* stack index of the --func root, -1 outside */
	bool in_irq;
	struct task *next;
};

/* A function's name by address (tep_find_function's answer; NULL: none) */
struct name_slot {
	unsigned long long addr;
	const char *name;
	bool set;
};

/* "comm-pid" as comm_of() makes it, valid while no comm can have been registered */
struct comm_slot {
	int pid;
	unsigned int gen;	/* 0: empty */
	int len;
	char who[64];
};

struct ftx_graph {
	struct tep_handle *tep;
	struct ftx_graph_opts opts;
	FILE *out;
	int entry_id, exit_id, retaddr_id;
	struct tep_format_field *ex_retval;
	struct ftx_recfmt rf;
	struct ftx_fieldpos en_func, en_depth, ex_func, ex_depth, ex_calltime, ex_rettime, ex_rv;
	int retval_size;
	/* printing: the lines go through ob, written out a block at a time */
	char *ob;
	size_t on;
	int werr;		/* errno of the first failed write */
	bool wrote;		/* to the stream since its error flag was last read */
	struct name_slot *names;
	struct comm_slot *comms;
	unsigned int comm_gen;
	struct task *tasks[TASK_HASH];
	struct trace_seq seq;
	bool header_done;
	int ncpus;
	int *cpu_pid;		/* last task printed per CPU, for switch separators */
	unsigned long long lost;
	unsigned long long last_ts;	/* of the latest record, for calls the end cuts */
	const struct ftx_graph_hooks *hooks;	/* NULL: none */
	void *hook_ctx;
};

char ftx_graph_mark(unsigned long long ns)
{
	if (ns > 1000000000ULL)
		return '$';
	if (ns > 100000000ULL)
		return '@';
	if (ns > 10000000ULL)
		return '*';
	if (ns > 1000000ULL)
		return '#';
	if (ns > 100000ULL)
		return '!';
	if (ns > 10000ULL)
		return '+';
	return ' ';
}

struct ftx_fieldpos ftx_fieldpos_of(const struct tep_format_field *f)
{
	struct ftx_fieldpos p = { 0, 0 };

	if (f && (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8)) {
		p.off = f->offset;
		p.size = f->size;
	}
	return p;
}

void ftx_recfmt_init(struct ftx_recfmt *rf, struct tep_handle *tep)
{
	struct tep_event *first = tep_get_first_event(tep);
	struct tep_format_field *t = NULL, *p = NULL, *fl = NULL;

	memset(rf, 0, sizeof(*rf));
	rf->tep = tep;
	rf->swap = tep_is_file_bigendian(tep) != tep_is_local_bigendian(tep);
	/*
	 * libtraceevent reads the common fields where its first event (lowest id)
	 * has them; not tep_list_events(), whose cached list outlives events added later
	 */
	if (first) {
		t = tep_find_common_field(first, "common_type");
		p = tep_find_common_field(first, "common_pid");
		fl = tep_find_common_field(first, "common_flags");
	}
	if (!t || !p || !fl)
		return;
	rf->type = ftx_fieldpos_of(t);
	rf->pid = ftx_fieldpos_of(p);
	rf->flags = ftx_fieldpos_of(fl);
	rf->common = true;
}

int ftx_recfmt_common_slow(const struct ftx_recfmt *rf, const void *data, int which)
{
	struct tep_record rec = { .data = (void *)data };

	switch (which) {
	case 0:
		return tep_data_type(rf->tep, &rec);
	case 1:
		return tep_data_pid(rf->tep, &rec);
	default:
		return tep_data_flags(rf->tep, &rec);
	}
}

static struct tep_format_field *field(struct tep_event *ev, const char *name)
{
	return ev ? tep_find_field(ev, name) : NULL;
}

struct ftx_graph *ftx_graph_alloc(struct tep_handle *tep, const struct ftx_graph_opts *opts,
				  FILE *out)
{
	struct tep_format_field *f[6];
	struct tep_event *en, *ex, *ra;
	struct ftx_graph *g;

	en = tep_find_event_by_name(tep, "ftrace", "funcgraph_entry");
	ex = tep_find_event_by_name(tep, "ftrace", "funcgraph_exit");
	if (!en || !ex) {
		errno = ENOENT;
		ftx_error_set("no function_graph events in this trace (record with -p function_graph)");
		return NULL;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->tep = tep;
	g->out = out;
	if (opts)
		g->opts = *opts;
	else
		g->opts.show_events = true;
	g->entry_id = en->id;
	g->exit_id = ex->id;
	ra = tep_find_event_by_name(tep, "ftrace", "fgraph_retaddr_entry");
	g->retaddr_id = ra ? ra->id : -1;
	f[0] = field(en, "func");
	f[1] = field(en, "depth");
	f[2] = field(ex, "func");
	f[3] = field(ex, "depth");
	f[4] = field(ex, "calltime");
	f[5] = field(ex, "rettime");
	g->ex_retval = field(ex, "retval");	/* CONFIG_FUNCTION_GRAPH_RETVAL, 6.5+ */
	if (!f[0] || !f[1] || !f[2] || !f[3] || !f[4] || !f[5]) {
		free(g);
		errno = EINVAL;
		ftx_error_set("funcgraph events lack the func/depth/calltime/rettime fields");
		return NULL;
	}
	ftx_recfmt_init(&g->rf, tep);
	g->en_func = ftx_fieldpos_of(f[0]);
	g->en_depth = ftx_fieldpos_of(f[1]);
	g->ex_func = ftx_fieldpos_of(f[2]);
	g->ex_depth = ftx_fieldpos_of(f[3]);
	g->ex_calltime = ftx_fieldpos_of(f[4]);
	g->ex_rettime = ftx_fieldpos_of(f[5]);
	g->ex_rv = ftx_fieldpos_of(g->ex_retval);
	g->retval_size = g->ex_retval ? g->ex_retval->size : 0;
	if (out) {
		g->ob = malloc(OUT_SIZE);
		g->names = calloc(NAME_CACHE, sizeof(*g->names));
		g->comms = calloc(COMM_CACHE, sizeof(*g->comms));
		if (!g->ob || !g->names || !g->comms) {
			free(g->ob);
			free(g->names);
			free(g->comms);
			free(g);
			return NULL;
		}
		g->comm_gen = 1;
	}
	trace_seq_init(&g->seq);
	return g;
}

static void out_flush(struct ftx_graph *g)
{
	if (!g->on)
		return;
	errno = 0;
	if (fwrite(g->ob, 1, g->on, g->out) != g->on && !g->werr)
		g->werr = errno ? errno : EIO;
	g->wrote = true;
	g->on = 0;
}

static inline void oput(struct ftx_graph *g, const char *s, size_t n)
{
	if (g->on + n > OUT_SIZE) {
		out_flush(g);
		if (n > OUT_SIZE) {
			errno = 0;
			if (fwrite(s, 1, n, g->out) != n && !g->werr)
				g->werr = errno ? errno : EIO;
			g->wrote = true;
			return;
		}
	}
	memcpy(g->ob + g->on, s, n);
	g->on += n;
}

#define OLIT(g, lit)	oput(g, lit, sizeof(lit) - 1)

static inline void oputs(struct ftx_graph *g, const char *s)
{
	oput(g, s, strlen(s));
}

static inline void oputc(struct ftx_graph *g, char c)
{
	oput(g, &c, 1);
}

/* The rare lines (losses, cut calls) through printf's formatting */
static void __attribute__((format(printf, 2, 3))) oprintf(struct ftx_graph *g, const char *fmt, ...)
{
	char buf[512], *big = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(buf)) {
		oput(g, buf, n);
		return;
	}
	va_start(ap, fmt);
	n = vasprintf(&big, fmt, ap);
	va_end(ap);
	if (n >= 0)
		oput(g, big, n);
	free(big);
}

/* @v in decimal right-aligned in @width (as %*d / %*llu) at @dst; the length */
static int put_num(char *dst, long long v, bool is_signed, int width)
{
	unsigned long long u = is_signed && v < 0 ? -(unsigned long long)v : (unsigned long long)v;
	int n = ftx_dec_len(u), neg = is_signed && v < 0, len = n + neg, pad;

	pad = width > len ? width - len : 0;
	memset(dst, ' ', pad);
	if (neg)
		dst[pad] = '-';
	ftx_dec_put(dst + pad + neg, u, n);
	return pad + len;
}

static void task_free(struct task *t)
{
	free(t->stack);
	free(t);
}

void ftx_graph_free(struct ftx_graph *g)
{
	struct task *t, *next;
	int i;

	if (!g)
		return;
	for (i = 0; i < TASK_HASH; i++)
		for (t = g->tasks[i]; t; t = next) {
			next = t->next;
			task_free(t);
		}
	/* what is still buffered goes to the stream, as its bytes went before */
	if (g->out)
		out_flush(g);
	free(g->ob);
	free(g->names);
	free(g->comms);
	free(g->cpu_pid);
	trace_seq_destroy(&g->seq);
	free(g);
}

static struct task *task_get(struct ftx_graph *g, int pid, int cpu)
{
	unsigned int h;
	struct task *t;

	if (pid != 0)
		cpu = -1;
	h = ((unsigned int)pid * 2654435761u + (unsigned int)cpu) % TASK_HASH;
	for (t = g->tasks[h]; t; t = t->next)
		if (t->pid == pid && t->cpu == cpu)
			return t;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->pid = pid;
	t->cpu = cpu;
	t->scope = -1;
	t->next = g->tasks[h];
	g->tasks[h] = t;
	return t;
}

static inline unsigned long long num(struct ftx_graph *g, struct ftx_fieldpos p,
				     const struct tep_record *rec)
{
	return ftx_recfmt_num(&g->rf, p, rec->data);
}

static const char *func_name(struct ftx_graph *g, unsigned long long addr, char *buf, size_t len)
{
	struct name_slot *ns = g->names ? &g->names[(addr >> 2) % NAME_CACHE] : NULL;
	const char *name;

	/* the symbols of a file being printed are loaded when it opens: they stay as they are */
	if (ns && ns->set && ns->addr == addr) {
		name = ns->name;
	} else {
		name = tep_find_function(g->tep, addr);
		if (ns) {
			ns->addr = addr;
			ns->name = name;
			ns->set = true;
		}
	}
	if (name)
		return name;
	snprintf(buf, len, "0x%llx", addr);
	return buf;
}

static void header(struct ftx_graph *g)
{
	if (g->header_done)
		return;
	g->header_done = true;
	OLIT(g, "# CPU  TASK-PID                      TIME   DURATION     FUNCTION CALLS\n"
		"#  |     |                            |      |   |        |   |   |   |\n");
}

static void comm_of(struct ftx_graph *g, int pid, char *buf, size_t len)
{
	const char *comm = tep_data_comm_from_pid(g->tep, pid);

	if (pid == 0)
		comm = "<idle>";
	snprintf(buf, len, "%s-%d", comm ? comm : "<...>", pid);
}

/*
 * comm_of()'s text from a cache: a pid's name changes only when a comm is
 * registered, which only a plugin printing an event can do (other_event()
 * starts a new generation before it prints one)
 */
static const struct comm_slot *comm_cached(struct ftx_graph *g, int pid)
{
	struct comm_slot *c = &g->comms[((unsigned int)pid * 2654435761u >> 8) % COMM_CACHE];

	if (c->gen != g->comm_gen || c->pid != pid) {
		comm_of(g, pid, c->who, sizeof(c->who));
		c->len = (int)strlen(c->who);
		c->pid = pid;
		c->gen = g->comm_gen;
	}
	return c;
}

/* Task switch separator, as the kernel's function_graph output prints it. */
static void cpu_switch(struct ftx_graph *g, int cpu, int pid)
{
	char from[64], to[64];
	int *n;

	if (cpu < 0)
		return;
	if (cpu >= g->ncpus) {
		n = realloc(g->cpu_pid, sizeof(*n) * (cpu + 1));
		if (!n)
			return;
		for (int i = g->ncpus; i <= cpu; i++)
			n[i] = -1;
		g->cpu_pid = n;
		g->ncpus = cpu + 1;
	}
	if (g->cpu_pid[cpu] == pid)
		return;
	if (g->cpu_pid[cpu] >= 0) {
		comm_of(g, g->cpu_pid[cpu], from, sizeof(from));
		comm_of(g, pid, to, sizeof(to));
		oprintf(g,
			" ------------------------------------------\n"
			" %3d) %22s => %s\n"
			" ------------------------------------------\n", cpu, from, to);
	}
	g->cpu_pid[cpu] = pid;
}

/* " %3d) %22s %6llu.%06llu | " of the CPU, the task and the time */
static void prefix(struct ftx_graph *g, int cpu, int pid, unsigned long long ts)
{
	const struct comm_slot *who;
	char b[160];
	int n = 0, pad;

	header(g);
	cpu_switch(g, cpu, pid);
	who = comm_cached(g, pid);
	/* microseconds rounded to the nearest, as trace-cmd prints them */
	ts = (ts + 500) / 1000;
	b[n++] = ' ';
	n += put_num(b + n, cpu, true, 3);
	b[n++] = ')';
	b[n++] = ' ';
	pad = who->len < 22 ? 22 - who->len : 0;
	memset(b + n, ' ', pad);
	n += pad;
	memcpy(b + n, who->who, who->len);
	n += who->len;
	b[n++] = ' ';
	n += put_num(b + n, (long long)(ts / 1000000ULL), false, 6);
	ftx_dec_put(b + n, ts % 1000000ULL + 1000000ULL, 7);	/* %06llu: a leading 1 to drop */
	b[n] = '.';
	n += 7;
	memcpy(b + n, " | ", 3);
	n += 3;
	oput(g, b, n);
}

/* "%c %7s us | " of "%llu.%03llu" */
static void duration(struct ftx_graph *g, unsigned long long ns, bool known)
{
	char b[48];
	int n = 0, len, pad;

	if (!known) {
		OLIT(g, "            | ");
		return;
	}
	b[n++] = ftx_graph_mark(ns);
	b[n++] = ' ';
	len = ftx_dec_len(ns / 1000) + 4;
	pad = len < 7 ? 7 - len : 0;
	memset(b + n, ' ', pad);
	n += pad;
	n += put_num(b + n, (long long)(ns / 1000), false, 0);
	b[n++] = '.';
	b[n++] = '0' + ns % 1000 / 100;
	b[n++] = '0' + ns % 100 / 10;
	b[n++] = '0' + ns % 10;
	memcpy(b + n, " us | ", 6);
	n += 6;
	oput(g, b, n);
}

static int base_depth(struct task *t)
{
	return t->scope >= 0 ? t->stack[t->scope].depth : 0;
}

static void indent(struct ftx_graph *g, struct task *t, int depth)
{
	static const char blanks[] = "                                                                ";
	int n = depth - base_depth(t);

	/* a corrupt depth must not print gigabytes of blanks */
	if (n > MAX_STACK)
		n = MAX_STACK;
	n = 1 + 2 * (n < 0 ? 0 : n);
	for (; n > (int)sizeof(blanks) - 1; n -= sizeof(blanks) - 1)
		oput(g, blanks, sizeof(blanks) - 1);
	oput(g, blanks, n);
}

static void print_open(struct ftx_graph *g, struct task *t, struct ftx_graph_frame *f)
{
	char buf[32];

	prefix(g, f->cpu, t->pid, f->ts);
	duration(g, 0, false);
	indent(g, t, f->depth);
	oputs(g, func_name(g, f->func, buf, sizeof(buf)));
	OLIT(g, "() {\n");
	f->printed = true;
}

static void print_retval(struct ftx_graph *g, struct tep_record *rec)
{
	static const char hex[] = "0123456789abcdef";
	char b[32];
	int n = sizeof(b);
	long long v;
	unsigned long long u;

	if (!g->ex_retval)
		return;
	v = (long long)num(g, g->ex_rv, rec);
	if (g->retval_size == 4)
		v = (int)v;
	/* Error codes read best in decimal, like the kernel's funcgraph-retval. */
	if (v < 0 && v >= -4095) {
		OLIT(g, " ret=");
		oput(g, b, put_num(b, v, true, 0));
		return;
	}
	u = (unsigned long long)v;
	do {
		b[--n] = hex[u & 15];
		u >>= 4;
	} while (u);
	OLIT(g, " ret=0x");
	oput(g, b + n, sizeof(b) - n);
}

/* Print the opening lines of visible ancestors not printed yet (--min-duration). */
static void print_ancestors(struct ftx_graph *g, struct task *t, int upto)
{
	int i;

	for (i = 0; i < upto; i++)
		if (!t->stack[i].hidden && !t->stack[i].printed)
			print_open(g, t, &t->stack[i]);
}

static bool lazy(struct ftx_graph *g)
{
	return g->opts.min_duration > 0;
}

void ftx_graph_set_hooks(struct ftx_graph *g, const struct ftx_graph_hooks *h, void *ctx)
{
	g->hooks = h;
	g->hook_ctx = ctx;
}

/* Stack slot @i leaves: count it in its caller, tell the hooks. */
static int leave_frame(struct ftx_graph *g, struct task *t, int i, struct ftx_graph_exit *x)
{
	struct ftx_graph_frame *f = &t->stack[i], *parent = i ? &t->stack[i - 1] : NULL;

	x->end = x->rec ? x->rec->ts : g->last_ts;
	if (x->how != FTX_GRAPH_EXIT) {
		/* a cut call lasted at least as long as what is known of it */
		x->dur = f->child_ns;
		if (x->how == FTX_GRAPH_CUT_END && g->last_ts > f->ts + x->dur)
			x->dur = g->last_ts - f->ts;
		/* and ended after its children, by the time of the record at hand */
		x->end = f->ts + x->dur > f->child_end ? f->ts + x->dur : f->child_end;
		if (x->end > g->last_ts)
			x->end = g->last_ts;
	}
	if (parent) {
		parent->child_ns += x->dur;
		if (x->end > parent->child_end)
			parent->child_end = x->end;
	}
	if (g->hooks && g->hooks->leave)
		return g->hooks->leave(g->hook_ctx, t->pid, parent, f, x);
	return 0;
}

static int on_entry(struct ftx_graph *g, struct task *t, struct tep_record *rec)
{
	struct ftx_graph_frame *f, *top;
	char buf[32];
	int rel;

	if (t->n >= MAX_STACK) {
		errno = EOVERFLOW;
		ftx_error_set("call stack of pid %d deeper than %d: corrupt trace?", t->pid,
			      MAX_STACK);
		return -1;
	}
	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 16;

		f = realloc(t->stack, sizeof(*f) * cap);
		if (!f)
			return -1;
		t->stack = f;
		t->cap = cap;
	}
	f = &t->stack[t->n];
	memset(f, 0, sizeof(*f));
	f->func = num(g, g->en_func, rec);
	f->depth = (int)num(g, g->en_depth, rec);
	f->ts = rec->ts;
	f->cpu = rec->cpu;
	if (g->opts.func && t->scope < 0 &&
	    !strcmp(func_name(g, f->func, buf, sizeof(buf)), g->opts.func))
		t->scope = t->n;
	f->hidden = g->opts.func && t->scope < 0;
	rel = f->depth - base_depth(t);
	if (!f->hidden && g->opts.max_depth > 0 && rel >= g->opts.max_depth)
		f->hidden = true;
	t->n++;

	/* A visible child means the parent is no leaf: its opening line goes out now. */
	top = t->n > 1 ? &t->stack[t->n - 2] : NULL;
	if (g->out && !f->hidden && top && !top->hidden && !top->printed && !lazy(g))
		print_open(g, t, top);
	if (g->hooks && g->hooks->enter)
		return g->hooks->enter(g->hook_ctx, t->pid, top, f);
	return 0;
}

static int pop_unfinished(struct ftx_graph *g, struct task *t, int keep, enum ftx_graph_end how)
{
	char buf[32];

	while (t->n > keep) {
		struct ftx_graph_frame *f = &t->stack[t->n - 1];
		struct ftx_graph_exit x = { .how = how };

		if (leave_frame(g, t, t->n - 1, &x))
			return -1;
		if (g->out && !f->hidden && (f->printed || !lazy(g))) {
			prefix(g, f->cpu, t->pid, f->ts);
			duration(g, 0, false);
			indent(g, t, f->depth);
			oprintf(g, f->printed ? "} /* %s: exit not in trace */\n" :
				"%s() { /* exit not in trace */\n",
				func_name(g, f->func, buf, sizeof(buf)));
		}
		if (t->scope == t->n - 1)
			t->scope = -1;
		t->n--;
	}
	return 0;
}

static int on_exit_rec(struct ftx_graph *g, struct task *t, struct tep_record *rec)
{
	unsigned long long func = num(g, g->ex_func, rec);
	int depth = (int)num(g, g->ex_depth, rec);
	unsigned long long calltime = num(g, g->ex_calltime, rec);
	unsigned long long rettime = num(g, g->ex_rettime, rec);
	unsigned long long dur = rettime > calltime ? rettime - calltime : 0;
	struct ftx_graph_exit x = { .how = FTX_GRAPH_EXIT, .calltime = calltime,
				    .rettime = rettime, .dur = dur, .end = rec->ts, .rec = rec };
	struct ftx_graph_frame *f;
	char buf[32];
	int i;

	if (g->ex_retval) {
		x.retval = (long long)num(g, g->ex_rv, rec);
		if (g->retval_size == 4)
			x.retval = (int)x.retval;
		x.has_retval = true;
	}

	for (i = t->n - 1; i >= 0; i--)
		if (t->stack[i].func == func && t->stack[i].depth == depth)
			break;
	if (i < 0) {
		/* Its entry is not in the trace (started before, or lost). */
		if (g->hooks && g->hooks->orphan &&
		    g->hooks->orphan(g->hook_ctx, t->pid, t->n ? &t->stack[t->n - 1] : NULL, func,
				     depth, &x))
			return -1;
		if (!g->out || g->opts.func || (g->opts.max_depth > 0 && depth >= g->opts.max_depth) ||
		    dur < g->opts.min_duration)
			return 0;
		prefix(g, rec->cpu, t->pid, rec->ts);
		duration(g, dur, true);
		indent(g, t, depth);
		OLIT(g, "} /* ");
		oputs(g, func_name(g, func, buf, sizeof(buf)));
		print_retval(g, rec);
		OLIT(g, " (entry not in trace) */\n");
		return 0;
	}
	if (pop_unfinished(g, t, i + 1, FTX_GRAPH_CUT_NESTED) || leave_frame(g, t, i, &x))
		return -1;
	f = &t->stack[i];
	if (g->out && !f->hidden) {
		if (f->printed) {
			prefix(g, rec->cpu, t->pid, rec->ts);
			duration(g, dur, true);
			indent(g, t, f->depth);
			OLIT(g, "} /* ");
			oputs(g, func_name(g, f->func, buf, sizeof(buf)));
			print_retval(g, rec);
			OLIT(g, " */\n");
		} else if (dur >= g->opts.min_duration) {
			print_ancestors(g, t, i);
			prefix(g, f->cpu, t->pid, f->ts);
			duration(g, dur, true);
			indent(g, t, f->depth);
			oputs(g, func_name(g, f->func, buf, sizeof(buf)));
			OLIT(g, "();");
			if (g->ex_retval) {
				OLIT(g, " /*");
				print_retval(g, rec);
				OLIT(g, " */");
			}
			oputc(g, '\n');
		}
	}
	if (t->scope == i)
		t->scope = -1;
	t->n = i;
	return 0;
}

static void irq_marker(struct ftx_graph *g, struct task *t, struct tep_record *rec, bool enter)
{
	int flags = ftx_recfmt_flags(&g->rf, rec->data);
	bool in_irq = flags & (FLAG_HARDIRQ | FLAG_NMI);

	if (in_irq == t->in_irq)
		return;
	t->in_irq = in_irq;
	if (!g->out || (g->opts.func && t->scope < 0))
		return;
	prefix(g, rec->cpu, t->pid, rec->ts);
	duration(g, 0, false);
	oputs(g, in_irq ? "==========> (interrupt)\n" : "<========== (interrupt done)\n");
	(void)enter;
}

static int other_event(struct ftx_graph *g, struct task *t, struct tep_record *rec)
{
	struct tep_event *ev;
	int depth;

	if (g->hooks && g->hooks->event &&
	    g->hooks->event(g->hook_ctx, t->pid, t->n ? &t->stack[t->n - 1] : NULL, rec))
		return -1;
	if (!g->out || !g->opts.show_events || (g->opts.func && t->scope < 0))
		return 0;
	ev = tep_find_event_by_record(g->tep, rec);
	if (!ev)
		return 0;
	/* The event happened inside the open call: that call is no leaf. */
	if (t->n && !t->stack[t->n - 1].hidden && !t->stack[t->n - 1].printed && !lazy(g))
		print_open(g, t, &t->stack[t->n - 1]);
	if (lazy(g))
		return 0;
	trace_seq_reset(&g->seq);
	/* a plugin's print may register a comm: the cached names may be stale now */
	if (!++g->comm_gen)
		g->comm_gen = 1;
	tep_print_event(g->tep, &g->seq, rec, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&g->seq);
	depth = t->n ? t->stack[t->n - 1].depth + 1 : base_depth(t);
	prefix(g, rec->cpu, t->pid, rec->ts);
	duration(g, 0, false);
	indent(g, t, depth);
	OLIT(g, "/* ");
	oputs(g, ev->name);
	OLIT(g, ": ");
	oput(g, g->seq.buffer, strnlen(g->seq.buffer, g->seq.len));
	OLIT(g, " */\n");
	return 0;
}

/* The output failed: errno says why (ENOSPC, EPIPE...), as the write reported it */
static int out_failed(struct ftx_graph *g)
{
	out_flush(g);
	errno = 0;
	if (fflush(g->out) == 0 || !errno)
		errno = g->werr ? g->werr : EIO;
	return -1;
}

/* ferror() takes the stream's lock: read only after a write */
static bool out_error(struct ftx_graph *g)
{
	if (!g->out)
		return false;
	if (g->wrote) {
		g->wrote = false;
		if (ferror(g->out) && !g->werr)
			g->werr = EIO;
	}
	return g->werr != 0;
}

int ftx_graph_add(struct ftx_graph *g, struct tep_record *rec)
{
	int type = ftx_recfmt_type(&g->rf, rec->data);
	int pid = ftx_recfmt_pid(&g->rf, rec->data);
	struct task *t;
	int ret = 0;

	if (g->opts.pid_set && pid != g->opts.pid)
		return 0;
	t = task_get(g, pid, rec->cpu);
	if (!t)
		return -1;
	t->last_cpu = rec->cpu;
	g->last_ts = rec->ts;
	irq_marker(g, t, rec, true);
	if (type == g->entry_id || type == g->retaddr_id)
		ret = on_entry(g, t, rec);
	else if (type == g->exit_id)
		ret = on_exit_rec(g, t, rec);
	else
		ret = other_event(g, t, rec);
	if (ret == 0 && out_error(g))
		return out_failed(g);
	return ret;
}

int ftx_graph_lost(struct ftx_graph *g, int cpu, unsigned long long count)
{
	struct task *t;
	char who[64];
	int i;

	g->lost += count;
	if (!g->out)
		;
	else if (header(g), count)
		oprintf(g, " %3d) *** %llu events lost on CPU %d ***\n", cpu, count, cpu);
	else
		oprintf(g, " %3d) *** events lost on CPU %d ***\n", cpu, cpu);
	/* The stacks of tasks that ran there may miss entries or exits now. */
	for (i = 0; i < TASK_HASH; i++)
		for (t = g->tasks[i]; t; t = t->next) {
			if (t->last_cpu != cpu || !t->n)
				continue;
			if (g->out) {
				comm_of(g, t->pid, who, sizeof(who));
				oprintf(g, " %3d) *** call stack of %s broken by the loss ***\n",
					cpu, who);
			}
			if (pop_unfinished(g, t, 0, FTX_GRAPH_CUT_LOST))
				return -1;
		}
	return out_error(g) ? -1 : 0;
}

int ftx_graph_finish(struct ftx_graph *g)
{
	struct task *t;
	int i;

	for (i = 0; i < TASK_HASH; i++)
		for (t = g->tasks[i]; t; t = t->next) {
			char buf[32];

			while (t->n) {
				struct ftx_graph_frame *f = &t->stack[t->n - 1];
				struct ftx_graph_exit x = { .how = FTX_GRAPH_CUT_END };

				if (leave_frame(g, t, t->n - 1, &x))
					return -1;
				if (g->out && !f->hidden && (f->printed || !lazy(g))) {
					prefix(g, f->cpu, t->pid, f->ts);
					duration(g, 0, false);
					indent(g, t, f->depth);
					if (f->printed)
						oprintf(g, "} /* %s: no exit before the end of the trace */\n",
							func_name(g, f->func, buf, sizeof(buf)));
					else
						oprintf(g, "%s() { /* no exit before the end of the trace */\n",
							func_name(g, f->func, buf, sizeof(buf)));
				}
				if (t->scope == t->n - 1)
					t->scope = -1;
				t->n--;
			}
		}
	if (!g->out)
		return 0;
	if (g->lost)
		oprintf(g, "# %llu events lost: call stacks around the marks above are incomplete\n",
			g->lost);
	out_flush(g);
	if (fflush(g->out) || out_error(g))
		return out_failed(g);
	return 0;
}

/* 1: @td holds a funcgraph_entry or _exit record, 0: none, -1: a bad file */
static int has_fgraph(struct ftx_tracedat *td)
{
	struct tep_handle *tep = ftx_tracedat_tep(td);
	struct tep_event *ent = tep_find_event_by_name(tep, "ftrace", "funcgraph_entry");
	struct tep_event *ex = tep_find_event_by_name(tep, "ftrace", "funcgraph_exit");
	struct tep_record *rec;
	int ret, type;

	if (!ent && !ex)
		return 0;
	while ((ret = ftx_tracedat_next(td, &rec)) == 1) {
		if (rec->size < 8)
			continue;
		type = tep_data_type(tep, rec);
		if ((ent && type == ent->id) || (ex && type == ex->id))
			return 1;
	}
	return ret;
}

/* The function tracer's events, looked up by name: parsed at open */
static bool ftrace_event(const char *sys, const char *name, void *arg)
{
	(void)name;
	(void)arg;
	return !strcmp(sys, "ftrace");
}

/*
 * @input with the formats of other events parsed as their first record comes
 * (FTX_TRACEDAT_LAZY_FORMATS: a file holds hundreds, a graph meets a few)
 */
static struct ftx_tracedat *graph_open(const char *input, unsigned int flags, const bool *cpus,
				       int ncpus)
{
	struct ftx_tracedat *td = ftx_tracedat_open(input, flags | FTX_TRACEDAT_LAZY_FORMATS);

	if (!td)
		return NULL;
	if (ftx_tracedat_load_events(td, ftrace_event, NULL)) {
		ftx_tracedat_close(td);
		return NULL;
	}
	if (cpus)
		ftx_tracedat_set_cpus(td, cpus, ncpus);
	return td;
}

int ftx_graph_report(const char *input, unsigned int td_flags, const bool *cpus, int ncpus,
		     const struct ftx_graph_opts *opts, FILE *out)
{
	struct ftx_record_pipe *pipe;
	struct ftx_tracedat *td;
	struct tep_record *rec;
	struct ftx_recfmt rf;
	unsigned char *tried;
	struct ftx_graph *g;
	int ret, maxid;

	/* the first look needs no symbols: they are read once, by the second */
	td = graph_open(input, td_flags | FTX_TRACEDAT_LAZY_KALLSYMS, cpus, ncpus);
	if (!td)
		return -1;
	ret = has_fgraph(td);
	/* a file the second open would refuse for its symbols says so, as before */
	if (ret == 0 && ftx_tracedat_load_kallsyms(td))
		ret = -1;
	if (ret <= 0) {
		if (ret == 0) {
			errno = ENOENT;
			ftx_error_set("%s: no function_graph events%s: --graph draws call stacks from "
				      "them (record with -p function_graph)", input,
				      cpus ? " on these CPUs" : "");
		}
		ftx_tracedat_close(td);
		return -1;
	}
	ftx_tracedat_close(td);
	td = graph_open(input, td_flags, cpus, ncpus);
	if (!td)
		return -1;
	maxid = ftx_tracedat_max_event_id(td);
	if (maxid > 1 << 20)
		maxid = 1 << 20;
	tried = calloc(maxid >= 0 ? maxid + 1 : 1, 1);
	g = tried ? ftx_graph_alloc(ftx_tracedat_tep(td), opts, out) : NULL;
	if (!g) {
		free(tried);
		ftx_tracedat_close(td);
		return -1;
	}
	ftx_recfmt_init(&rf, ftx_tracedat_tep(td));
	/*
	 * read and merged in a thread of their own when a second CPU is free,
	 * compressed chunks decompressed ahead in another, as report
	 */
	if (ftx_record_pipe_cpus_spare() && ftx_tracedat_prefetch(td, 4)) {
		ftx_graph_free(g);
		free(tried);
		ftx_tracedat_close(td);
		return -1;
	}
	pipe = ftx_record_pipe_start(td);
	while ((ret = pipe ? ftx_record_pipe_next(pipe, &rec) : ftx_tracedat_next(td, &rec)) == 1) {
		int type = ftx_recfmt_type(&rf, rec->data);

		/* the first record of its event: its format is parsed now */
		if (type >= 0 && type <= maxid && !tried[type]) {
			tried[type] = 1;
			if (ftx_tracedat_load_event(td, type)) {
				ret = -1;
				break;
			}
		}
		if (rec->missed_events &&
		    ftx_graph_lost(g, rec->cpu, rec->missed_events > 0 ? rec->missed_events : 0)) {
			ftx_error_set("error writing output: %s", strerror(errno));
			ret = -1;
			break;
		}
		if (ftx_graph_add(g, rec)) {
			if (errno != EOVERFLOW)	/* a corrupt stack has its reason already */
				ftx_error_set("error writing output: %s", strerror(errno));
			ret = -1;
			break;
		}
	}
	ftx_record_pipe_stop(pipe);
	free(tried);
	if (ret == 0 && ftx_graph_finish(g)) {
		ftx_error_set("error writing output: %s", strerror(errno));
		ret = -1;
	}
	ftx_graph_free(g);
	ftx_tracedat_close(td);
	return ret;
}
