// SPDX-License-Identifier: GPL-2.0
/*
 * The aggregated call tree: one node per distinct call path, one profile
 * entry per function. Built in one pass over the records; the call stacks
 * are those of 'report --graph' (print/graph.c, through its hooks), so both
 * views see the same calls.
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

#define SLAB_NODES	1024

struct node {
	struct ftx_cnode c;
	struct node *hnext;
};

struct slab {
	struct slab *next;
	int used;
	struct node nodes[SLAB_NODES];
};

/* The record a kernel_stack event would belong to, per CPU */
struct pending {
	bool set;
	bool func;		/* a function tracer event (else another event) */
	int pid;
	unsigned long long ip, parent_ip;
	int event_id;
};

struct ftx_calltree {
	struct ftx_analysis_opts o;
	struct ftx_tracedat *td;
	struct ftx_analysis_reader rd;
	struct ftx_recfmt rf;
	struct tep_handle *tep;
	struct ftx_graph *graph;
	struct ftx_graph_hooks hooks;
	enum ftx_weight weight;
	struct ftx_calltree_stats st;

	struct node root;
	struct node **htab;
	size_t hsize, hcount;
	struct slab *slabs;

	struct ftx_pfunc *funcs;
	size_t nfuncs, funcs_cap;
	size_t *ftab;		/* index + 1 into funcs; 0 empty */
	size_t fsize;

	/* function tracer and stack traces */
	int func_id, stack_id;
	struct tep_format_field *f_ip, *f_parent, *f_caller, *f_size;
	struct pending *pend;
	int npend;
	bool syms;

	char *describe;
	unsigned long long nscratch;
};

static inline size_t hash3(uintptr_t a, unsigned long long b, unsigned int c)
{
	unsigned long long h = (a ^ (b * 0x9e3779b97f4a7c15ULL)) + c * 0xff51afd7ed558ccdULL;

	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (size_t)h;
}

static int htab_grow(struct ftx_calltree *ct)
{
	size_t nsize = ct->hsize ? ct->hsize * 2 : 4096, i;
	struct node **n = calloc(nsize, sizeof(*n)), *x, *next;

	if (!n)
		return -1;
	for (i = 0; i < ct->hsize; i++)
		for (x = ct->htab[i]; x; x = next) {
			size_t h = hash3((uintptr_t)x->c.parent, x->c.key, x->c.kind) & (nsize - 1);

			next = x->hnext;
			x->hnext = n[h];
			n[h] = x;
		}
	free(ct->htab);
	ct->htab = n;
	ct->hsize = nsize;
	return 0;
}

/* The child of @parent for (@kind, @key), made on first use */
struct ftx_cnode *ftx_calltree_child(struct ftx_calltree *ct, struct ftx_cnode *parent,
				     enum ftx_cnode_kind kind, unsigned long long key)
{
	size_t h;
	struct node *x;

	if (ct->hcount * 2 >= ct->hsize && htab_grow(ct))
		return NULL;
	h = hash3((uintptr_t)parent, key, kind) & (ct->hsize - 1);
	for (x = ct->htab[h]; x; x = x->hnext)
		if (x->c.parent == parent && x->c.key == key && x->c.kind == kind)
			return &x->c;
	if (!ct->slabs || ct->slabs->used == SLAB_NODES) {
		struct slab *s = malloc(sizeof(*s));

		if (!s)
			return NULL;
		s->used = 0;
		s->next = ct->slabs;
		ct->slabs = s;
	}
	x = &ct->slabs->nodes[ct->slabs->used++];
	memset(x, 0, sizeof(*x));
	x->c.kind = kind;
	x->c.key = key;
	x->c.parent = parent;
	x->c.min = ~0ULL;
	x->c.next = parent->child;
	parent->child = &x->c;
	x->hnext = ct->htab[h];
	ct->htab[h] = x;
	ct->hcount++;
	return &x->c;
}

struct ftx_cnode *ftx_calltree_scratch(struct ftx_calltree *ct)
{
	/* a node of its own: a parent no lookup can match, so children are its alone */
	struct ftx_cnode *n = ftx_calltree_child(ct, &ct->root.c, FTX_CNODE_ROOT, ct->nscratch++);

	if (!n)
		return NULL;
	/* unlink it from the root's children: it is nobody's child */
	ct->root.c.child = n->next;
	n->next = NULL;
	n->parent = NULL;
	return n;
}

static int ftab_grow(struct ftx_calltree *ct)
{
	size_t nsize = ct->fsize ? ct->fsize * 2 : 1024, i;
	size_t *n = calloc(nsize, sizeof(*n));

	if (!n)
		return -1;
	for (i = 0; i < ct->nfuncs; i++) {
		struct ftx_pfunc *p = &ct->funcs[i];
		size_t h = hash3((uintptr_t)p->pid, p->func, p->kind) & (nsize - 1);

		while (n[h])
			h = (h + 1) & (nsize - 1);
		n[h] = i + 1;
	}
	free(ct->ftab);
	ct->ftab = n;
	ct->fsize = nsize;
	return 0;
}

/* The profile entry of (@pid, @kind, @func); pid is -1 unless by_task */
static struct ftx_pfunc *pfunc(struct ftx_calltree *ct, int pid, enum ftx_cnode_kind kind,
			       unsigned long long func)
{
	struct ftx_pfunc *p;
	size_t h;

	if (!ct->o.by_task)
		pid = -1;
	if (ct->nfuncs * 2 >= ct->fsize && ftab_grow(ct))
		return NULL;
	h = hash3((uintptr_t)pid, func, kind) & (ct->fsize - 1);
	while (ct->ftab[h]) {
		p = &ct->funcs[ct->ftab[h] - 1];
		if (p->func == func && p->pid == pid && p->kind == kind)
			return p;
		h = (h + 1) & (ct->fsize - 1);
	}
	if (ct->nfuncs == ct->funcs_cap) {
		size_t cap = ct->funcs_cap ? ct->funcs_cap * 2 : 1024;

		p = realloc(ct->funcs, cap * sizeof(*p));
		if (!p)
			return NULL;
		ct->funcs = p;
		ct->funcs_cap = cap;
	}
	p = &ct->funcs[ct->nfuncs];
	memset(p, 0, sizeof(*p));
	p->func = func;
	p->kind = kind;
	p->pid = pid;
	p->min = ~0ULL;
	ct->ftab[h] = ++ct->nfuncs;
	return p;
}

/* The node under which a task's bottom calls hang */
static struct ftx_cnode *task_root(struct ftx_calltree *ct, int pid)
{
	if (!ct->o.by_task)
		return &ct->root.c;
	return ftx_calltree_child(ct, &ct->root.c, FTX_CNODE_TASK, (unsigned int)pid);
}

static int hook_enter(void *ctx, int pid, struct ftx_graph_frame *parent, struct ftx_graph_frame *f)
{
	struct ftx_calltree *ct = ctx;
	struct ftx_cnode *up = parent ? parent->priv : task_root(ct, pid), *n;
	struct ftx_pfunc *p;

	if (!up)
		return -1;
	n = ftx_calltree_child(ct, up, FTX_CNODE_FUNC, f->func);
	p = pfunc(ct, pid, FTX_CNODE_FUNC, f->func);
	if (!n || !p)
		return -1;
	f->priv = n;
	n->calls++;
	p->calls++;
	ct->st.entries++;
	return 0;
}

/* Is @func also open below @n (a recursive call, whose time its outer call holds)? */
static bool recursive(const struct ftx_cnode *n, unsigned long long func)
{
	for (n = n->parent; n && n->kind == FTX_CNODE_FUNC; n = n->parent)
		if (n->key == func)
			return true;
	return false;
}

static int hook_leave(void *ctx, int pid, struct ftx_graph_frame *parent, struct ftx_graph_frame *f,
		      const struct ftx_graph_exit *x)
{
	struct ftx_calltree *ct = ctx;
	struct ftx_cnode *n = f->priv;
	unsigned long long self = x->dur > f->child_ns ? x->dur - f->child_ns : 0;
	struct ftx_pfunc *p = pfunc(ct, pid, FTX_CNODE_FUNC, f->func);

	if (!p)
		return -1;
	n->total += x->dur;
	n->self += self;
	p->self += self;
	if (!recursive(n, f->func))
		p->total += x->dur;
	if (x->how == FTX_GRAPH_EXIT) {
		if (x->dur < n->min)
			n->min = x->dur;
		if (x->dur > n->max)
			n->max = x->dur;
		if (x->dur < p->min)
			p->min = x->dur;
		if (x->dur > p->max)
			p->max = x->dur;
		return 0;
	}
	n->cut++;
	p->cut++;
	if (x->how == FTX_GRAPH_CUT_LOST) {
		n->lost_cut++;
		ct->st.cut_lost++;
	} else {
		ct->st.cut_end++;
	}
	return 0;
}

static int hook_orphan(void *ctx, int pid, struct ftx_graph_frame *top, unsigned long long func,
		       int depth, const struct ftx_graph_exit *x)
{
	struct ftx_calltree *ct = ctx;
	struct ftx_pfunc *p = pfunc(ct, pid, FTX_CNODE_FUNC, func);

	if (!p)
		return -1;
	p->orphans++;
	ct->st.cut_start++;
	return 0;
}

static unsigned long long fnum(struct tep_format_field *f, const void *data)
{
	unsigned long long v = 0;

	if (f)
		tep_read_number_field(f, data, &v);
	return v;
}

static int load_syms(struct ftx_calltree *ct)
{
	if (ct->syms)
		return 0;
	ct->syms = true;
	return ftx_analysis_load_kallsyms(&ct->rd);
}

/* The start of the function holding @addr (stack entries are return addresses) */
static unsigned long long func_start(struct ftx_calltree *ct, unsigned long long addr)
{
	unsigned long long a = tep_find_function_address(ct->tep, addr);

	return a ? a : addr;
}

/* Count one sample along @path (root first), leaf (kind, key) */
static int add_sample(struct ftx_calltree *ct, int pid, const unsigned long long *path, int n,
		      enum ftx_cnode_kind kind, unsigned long long leaf)
{
	struct ftx_cnode *c = task_root(ct, pid);
	struct ftx_pfunc *p;
	int i;

	if (!c)
		return -1;
	c->total++;
	for (i = 0; i < n; i++) {
		c = ftx_calltree_child(ct, c, FTX_CNODE_FUNC, path[i]);
		if (!c)
			return -1;
		c->total++;
	}
	c = ftx_calltree_child(ct, c, kind, leaf);
	p = pfunc(ct, pid, kind, leaf);
	if (!c || !p)
		return -1;
	c->total++;
	c->self++;
	c->calls++;
	p->calls++;
	p->total++;
	p->self++;
	return 0;
}

/* A pending function event without a stack trace: caller -> function */
static int flush_pending(struct ftx_calltree *ct, int cpu)
{
	struct pending *pe;
	unsigned long long path[1];

	if (cpu < 0 || cpu >= ct->npend || !ct->pend[cpu].set)
		return 0;
	pe = &ct->pend[cpu];
	pe->set = false;
	if (!pe->func)
		return 0;
	path[0] = func_start(ct, pe->parent_ip);
	return add_sample(ct, pe->pid, path, pe->parent_ip ? 1 : 0, FTX_CNODE_FUNC,
			  func_start(ct, pe->ip));
}

static int on_stack(struct ftx_calltree *ct, struct tep_record *rec)
{
	struct pending *pe = rec->cpu < ct->npend ? &ct->pend[rec->cpu] : NULL;
	int lsize = tep_get_long_size(ct->tep), i, n, depth = 0;
	unsigned long long path[128], leaf;
	enum ftx_cnode_kind kind;
	const unsigned char *p;

	if (!pe || !pe->set || !ct->f_caller)
		return 0;
	pe->set = false;
	p = (const unsigned char *)rec->data + ct->f_caller->offset;
	n = (rec->size - ct->f_caller->offset) / lsize;
	if (ct->f_size) {
		unsigned long long sz = fnum(ct->f_size, rec->data);

		if (sz < (unsigned long long)n)
			n = (int)sz;
	}
	/* innermost first in the record: root first in the path */
	for (i = n - 1; i >= 0; i--) {
		unsigned long long a = tep_read_number(ct->tep, p + (size_t)i * lsize, lsize);

		if (!a || a == (lsize == 4 ? 0xffffffffULL : ~0ULL))
			continue;
		if (depth < (int)(sizeof(path) / sizeof(path[0])))
			path[depth++] = func_start(ct, a);
	}
	if (pe->func) {
		kind = FTX_CNODE_FUNC;
		leaf = func_start(ct, pe->ip);
		/*
		 * func_stack_trace's stack starts inside the tracer (ftrace_trampoline
		 * or ftrace_caller, then the traced function): the innermost entry of
		 * the function is the leaf, what is inside it the tracer's own frames
		 */
		for (i = depth - 1; i >= 0 && i >= depth - 8; i--)
			if (path[i] == leaf) {
				depth = i;
				break;
			}
	} else {
		kind = FTX_CNODE_EVENT;
		leaf = (unsigned int)pe->event_id;
	}
	ct->st.stacks++;
	return add_sample(ct, pe->pid, path, depth, kind, leaf);
}

static int set_pending(struct ftx_calltree *ct, struct tep_record *rec, int pid, bool func)
{
	struct pending *pe;

	if (rec->cpu < 0)
		return 0;
	if (rec->cpu >= ct->npend) {
		int n = rec->cpu + 1;

		pe = realloc(ct->pend, n * sizeof(*pe));
		if (!pe)
			return -1;
		memset(pe + ct->npend, 0, (n - ct->npend) * sizeof(*pe));
		ct->pend = pe;
		ct->npend = n;
	}
	if (flush_pending(ct, rec->cpu))
		return -1;
	pe = &ct->pend[rec->cpu];
	pe->set = true;
	pe->func = func;
	pe->pid = pid;
	pe->event_id = ftx_recfmt_type(&ct->rf, rec->data);
	if (func) {
		pe->ip = fnum(ct->f_ip, rec->data);
		pe->parent_ip = fnum(ct->f_parent, rec->data);
	}
	return 0;
}

static int hook_event(void *ctx, int pid, struct ftx_graph_frame *top, struct tep_record *rec)
{
	struct ftx_calltree *ct = ctx;
	int type = ftx_recfmt_type(&ct->rf, rec->data);

	if (type == ct->stack_id) {
		if (load_syms(ct))
			return -1;
		return on_stack(ct, rec);
	}
	if (type == ct->func_id) {
		if (load_syms(ct))
			return -1;
		ct->st.hits++;
		return set_pending(ct, rec, pid, true);
	}
	/* only an event followed by its stack trace joins the tree */
	if (ct->stack_id >= 0)
		return set_pending(ct, rec, pid, false);
	return 0;
}

bool ftx_analysis_wanted_slow(const struct ftx_analysis_opts *o, struct tep_handle *tep,
			      struct tep_record *rec)
{
	int pid, i;

	if (o->from_set && rec->ts < o->from)
		return false;
	if (o->to_set && rec->ts > o->to)
		return false;
	if (!o->npids)
		return true;
	pid = tep_data_pid(tep, rec);
	for (i = 0; i < o->npids; i++)
		if (o->pids[i] == pid)
			return true;
	return false;
}

int ftx_analysis_read_start(struct ftx_analysis_reader *r, struct ftx_tracedat *td, bool thread)
{
	memset(r, 0, sizeof(*r));
	r->td = td;
	r->maxid = ftx_tracedat_max_event_id(td);
	if (r->maxid > 1 << 20)
		r->maxid = 1 << 20;
	if (r->maxid >= 0) {
		r->tried = calloc(r->maxid + 1, 1);
		if (!r->tried)
			return -1;
	}
	ftx_recfmt_init(&r->rf, ftx_tracedat_tep(td));
	/* compressed chunks decompressed in a thread of their own, a few per CPU ahead, as report */
	if (ftx_record_pipe_cpus_spare() && ftx_tracedat_prefetch(td, 4)) {
		free(r->tried);
		r->tried = NULL;
		return -1;
	}
	r->pipe = thread ? ftx_record_pipe_start(td) : NULL;
	return 0;
}

void ftx_analysis_read_stop(struct ftx_analysis_reader *r)
{
	ftx_record_pipe_stop(r->pipe);
	r->pipe = NULL;
	r->more = NULL;
	r->nmore = 0;
	free(r->tried);
	r->tried = NULL;
	r->maxid = -1;
}

int ftx_analysis_load_event(struct ftx_analysis_reader *r, int type)
{
	r->tried[type] = 1;
	return ftx_tracedat_load_event(r->td, type) ? -1 : 1;
}

/* The function tracer's events, looked up by name: parsed at once */
static bool ftrace_event(const char *sys, const char *name, void *arg)
{
	(void)name;
	(void)arg;
	return !strcmp(sys, "ftrace");
}

struct ftx_tracedat *ftx_analysis_open(const struct ftx_analysis_opts *o)
{
	struct ftx_tracedat *td;

	if (o->from_set && o->to_set && o->from > o->to) {
		errno = EINVAL;
		ftx_error_set("the time window ends before it starts");
		return NULL;
	}
	/* formats as their records come (a file holds hundreds, an analysis meets a few) */
	td = ftx_tracedat_open(o->input, o->td_flags | FTX_TRACEDAT_LAZY_KALLSYMS |
			       FTX_TRACEDAT_LAZY_FORMATS);
	if (!td)
		return NULL;
	if (ftx_tracedat_load_events(td, ftrace_event, NULL)) {
		ftx_tracedat_close(td);
		return NULL;
	}
	if (o->cpus)
		ftx_tracedat_set_cpus(td, o->cpus, o->ncpus);
	return td;
}

static int lost(struct ftx_calltree *ct, struct tep_record *rec)
{
	unsigned long long count = rec->missed_events > 0 ? rec->missed_events : 0;
	struct ftx_cnode *n;

	ct->st.lost += count ? count : 1;
	ct->st.lost_pages++;
	n = ftx_calltree_child(ct, &ct->root.c, FTX_CNODE_LOST, (unsigned int)rec->cpu);
	if (!n)
		return -1;
	n->calls += count ? count : 1;
	if (ct->graph)
		return ftx_graph_lost(ct->graph, rec->cpu, count);
	return 0;
}

static void setup_events(struct ftx_calltree *ct)
{
	struct tep_event *ev;

	ct->func_id = ct->stack_id = -1;
	ev = tep_find_event_by_name(ct->tep, "ftrace", "function");
	if (ev) {
		ct->func_id = ev->id;
		ct->f_ip = tep_find_field(ev, "ip");
		ct->f_parent = tep_find_field(ev, "parent_ip");
	}
	ev = tep_find_event_by_name(ct->tep, "ftrace", "kernel_stack");
	if (ev) {
		ct->stack_id = ev->id;
		ct->f_caller = tep_find_field(ev, "caller");
		ct->f_size = tep_find_field(ev, "size");
	}
}

struct ftx_calltree *ftx_calltree_build(const struct ftx_analysis_opts *o)
{
	struct ftx_calltree *ct;
	struct tep_record *rec;
	int ret;

	ct = calloc(1, sizeof(*ct));
	if (!ct)
		return NULL;
	ct->o = *o;
	ct->root.c.kind = FTX_CNODE_ROOT;
	ct->root.c.min = ~0ULL;
	ct->td = ftx_analysis_open(o);
	if (!ct->td)
		goto fail;
	ct->tep = ftx_tracedat_tep(ct->td);
	ftx_recfmt_init(&ct->rf, ct->tep);
	setup_events(ct);
	ct->hooks.enter = hook_enter;
	ct->hooks.leave = hook_leave;
	ct->hooks.orphan = hook_orphan;
	ct->hooks.event = hook_event;
	if (tep_find_event_by_name(ct->tep, "ftrace", "funcgraph_entry")) {
		ct->graph = ftx_graph_alloc(ct->tep, NULL, NULL);
		if (!ct->graph)
			goto fail;
		ftx_graph_set_hooks(ct->graph, &ct->hooks, ct);
	}
	if (ftx_analysis_read_start(&ct->rd, ct->td, true))
		goto fail;
	while ((ret = ftx_analysis_next(&ct->rd, &rec)) == 1) {
		if (!ftx_analysis_wanted(&ct->o, ct->tep, rec))
			continue;
		if (!ct->st.records++)
			ct->st.first_ts = rec->ts;
		ct->st.last_ts = rec->ts;
		if (rec->missed_events && lost(ct, rec))
			goto fail;
		if (ct->graph)
			ret = ftx_graph_add(ct->graph, rec);
		else
			ret = hook_event(ct, ftx_recfmt_pid(&ct->rf, rec->data), NULL, rec);
		if (ret)
			goto fail;
	}
	ftx_analysis_read_stop(&ct->rd);
	if (ret < 0)
		goto fail;
	if (ct->graph && ftx_graph_finish(ct->graph))
		goto fail;
	for (int cpu = 0; cpu < ct->npend; cpu++)
		if (flush_pending(ct, cpu))
			goto fail;
	if (ct->st.entries)
		ct->weight = FTX_WEIGHT_TIME;
	else if (ct->st.hits || ct->st.stacks)
		ct->weight = FTX_WEIGHT_COUNT;
	/* the root holds the sum of what hangs below it */
	for (struct ftx_cnode *c = ct->root.c.child; c; c = c->next) {
		if (c->kind == FTX_CNODE_LOST)
			continue;
		if (c->kind == FTX_CNODE_TASK) {
			c->total = 0;
			for (struct ftx_cnode *d = c->child; d; d = d->next)
				c->total += d->total;
		}
		if (ct->weight == FTX_WEIGHT_TIME || c->kind == FTX_CNODE_TASK)
			ct->root.c.total += c->total;
	}
	if (ct->weight == FTX_WEIGHT_COUNT) {
		ct->root.c.total = 0;
		for (struct ftx_cnode *c = ct->root.c.child; c; c = c->next)
			if (c->kind != FTX_CNODE_LOST)
				ct->root.c.total += c->total;
	}
	if (load_syms(ct))
		goto fail;
	return ct;
fail:
	if (errno == 0)
		errno = ENOMEM;
	if (errno == ENOMEM && !*ftx_error())
		ftx_error_set("out of memory");
	ftx_calltree_free(ct);
	return NULL;
}

void ftx_calltree_free(struct ftx_calltree *ct)
{
	struct slab *s, *next;

	if (!ct)
		return;
	ftx_analysis_read_stop(&ct->rd);
	ftx_graph_free(ct->graph);
	for (s = ct->slabs; s; s = next) {
		next = s->next;
		free(s);
	}
	free(ct->htab);
	free(ct->funcs);
	free(ct->ftab);
	free(ct->pend);
	free(ct->describe);
	ftx_tracedat_close(ct->td);
	free(ct);
}

const struct ftx_cnode *ftx_calltree_root(const struct ftx_calltree *ct)
{
	return &ct->root.c;
}

enum ftx_weight ftx_calltree_weight(const struct ftx_calltree *ct)
{
	return ct->weight;
}

const struct ftx_pfunc *ftx_calltree_funcs(const struct ftx_calltree *ct, size_t *n)
{
	*n = ct->nfuncs;
	return ct->funcs;
}

const struct ftx_calltree_stats *ftx_calltree_stats(const struct ftx_calltree *ct)
{
	return &ct->st;
}

struct tep_handle *ftx_calltree_tep(struct ftx_calltree *ct)
{
	return ct->tep;
}

const char *ftx_analysis_name(struct tep_handle *tep, enum ftx_cnode_kind kind,
			      unsigned long long key, char *buf, size_t len)
{
	const char *s;
	struct tep_event *ev;

	switch (kind) {
	case FTX_CNODE_ROOT:
		return "all";
	case FTX_CNODE_TASK:
		s = tep_data_comm_from_pid(tep, (int)key);
		if (key == 0)
			s = "<idle>";
		snprintf(buf, len, "%s-%d", s ? s : "<...>", (int)key);
		return buf;
	case FTX_CNODE_EVENT:
		ev = tep_find_event(tep, (int)key);
		if (!ev)
			break;
		snprintf(buf, len, "[%s:%s]", ev->system, ev->name);
		return buf;
	case FTX_CNODE_LOST:
		snprintf(buf, len, "[events lost on CPU %d]", (int)key);
		return buf;
	case FTX_CNODE_FUNC:
		s = tep_find_function(tep, key);
		if (s)
			return s;
		break;
	}
	snprintf(buf, len, "0x%llx", key);
	return buf;
}

const char *ftx_calltree_name(struct ftx_calltree *ct, enum ftx_cnode_kind kind,
			      unsigned long long key, char *buf, size_t len)
{
	/*
	 * Hit-weighted keys are function starts (func_start()); aliases share a
	 * start (__x64_sys_vfork, __do_sys_vfork) and the kernel's addresses
	 * inside a function name the alias trace-cmd prints: name from inside.
	 */
	if (kind == FTX_CNODE_FUNC && ct->weight == FTX_WEIGHT_COUNT &&
	    tep_find_function_address(ct->tep, key + 1) == key)
		key++;
	return ftx_analysis_name(ct->tep, kind, key, buf, len);
}

const char *ftx_analysis_describe(struct ftx_tracedat *td, const char *input)
{
	static char buf[512];
	const char *u = ftx_tracedat_uname(td), *base = strrchr(input, '/');
	char rel[128] = "", mach[64] = "";

	base = base ? base + 1 : input;
	/* the UNAME option is "sysname nodename release version machine" */
	if (u) {
		const char *p = u, *w[5] = { 0 };
		int nw = 0;

		w[nw++] = p;
		while (*p && nw < 3)
			if (*p++ == ' ')
				w[nw++] = p;
		if (nw == 3)
			snprintf(rel, sizeof(rel), "%.*s", (int)strcspn(w[2], " "), w[2]);
		p = strrchr(u, ' ');
		if (p)
			snprintf(mach, sizeof(mach), "%s", p + 1);
	}
	if (*rel)
		snprintf(buf, sizeof(buf), "%s, Linux %s %s", base, rel, mach);
	else
		snprintf(buf, sizeof(buf), "%s", base);
	return buf;
}

const char *ftx_calltree_describe(struct ftx_calltree *ct)
{
	if (!ct->describe)
		ct->describe = strdup(ftx_analysis_describe(ct->td, ct->o.input));
	return ct->describe ? ct->describe : "";
}
