// SPDX-License-Identifier: GPL-2.0
/*
 * ftx graph's text: the aggregated call tree, uftrace graph's shape
 *
 *	  TOTAL TIME   CALLS  FUNCTION
 *	  634.878 us       1  do_sys_openat2
 *	   38.904 us       1  +-getname
 *	   35.557 us       1  | +-getname_flags.part.0
 *
 * and, for one function, its backtraces and its callees merged.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/analysis.h"
#include "ftx/error.h"
#include "analysis-local.h"

#define MAX_PRINT_DEPTH	512

struct printer {
	struct ftx_calltree *ct;
	const struct ftx_graph_print_opts *gp;
	FILE *out;
	bool time;
	char prefix[MAX_PRINT_DEPTH * 2 + 8];
	char name_a[256], name_b[256];
};

static struct printer *sort_pr;

static int by_total(const void *x, const void *y)
{
	const struct ftx_cnode *a = *(const struct ftx_cnode * const *)x;
	const struct ftx_cnode *b = *(const struct ftx_cnode * const *)y;

	if (a->kind == FTX_CNODE_LOST || b->kind == FTX_CNODE_LOST)
		if (a->kind != b->kind)
			return a->kind == FTX_CNODE_LOST ? 1 : -1;
	if (a->total != b->total)
		return a->total > b->total ? -1 : 1;
	return strcmp(ftx_calltree_name(sort_pr->ct, a->kind, a->key, sort_pr->name_a,
					sizeof(sort_pr->name_a)),
		      ftx_calltree_name(sort_pr->ct, b->kind, b->key, sort_pr->name_b,
					sizeof(sort_pr->name_b)));
}

/* @n's children, biggest first; the caller frees the array */
const struct ftx_cnode **ftx_analysis_children(struct ftx_calltree *ct, const struct ftx_cnode *n,
					       size_t *count, bool by_name)
{
	const struct ftx_cnode **v, *c;
	struct printer pr = { .ct = ct };
	size_t k = 0;

	for (c = n->child; c; c = c->next)
		k++;
	v = malloc((k ? k : 1) * sizeof(*v));
	if (!v)
		return NULL;
	k = 0;
	for (c = n->child; c; c = c->next)
		v[k++] = c;
	sort_pr = &pr;
	if (by_name)
		qsort(v, k, sizeof(*v), ftx_analysis_cmp_name);
	else
		qsort(v, k, sizeof(*v), by_total);
	sort_pr = NULL;
	*count = k;
	return v;
}

int ftx_analysis_cmp_name(const void *x, const void *y)
{
	const struct ftx_cnode *a = *(const struct ftx_cnode * const *)x;
	const struct ftx_cnode *b = *(const struct ftx_cnode * const *)y;
	int c = strcmp(ftx_calltree_name(sort_pr->ct, a->kind, a->key, sort_pr->name_a,
					 sizeof(sort_pr->name_a)),
		       ftx_calltree_name(sort_pr->ct, b->kind, b->key, sort_pr->name_b,
					 sizeof(sort_pr->name_b)));

	if (c)
		return c;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return a->key < b->key ? -1 : a->key > b->key;
}

static void line(struct printer *pr, const struct ftx_cnode *n, const char *lead)
{
	char t[32], buf[256];

	if (n->kind == FTX_CNODE_LOST) {
		fprintf(pr->out, "  %10s  %7llu  %s%s\n", "", n->calls, lead,
			ftx_calltree_name(pr->ct, n->kind, n->key, buf, sizeof(buf)));
		return;
	}
	if (pr->time)
		fprintf(pr->out, "  %10s", ftx_analysis_time(n->total, t, sizeof(t)));
	else
		fprintf(pr->out, "  %10llu", n->total);
	fprintf(pr->out, "  %7llu  %s%s", n->calls, lead,
		ftx_calltree_name(pr->ct, n->kind, n->key, buf, sizeof(buf)));
	if (n->cut)
		fprintf(pr->out, "  [%llu cut]", n->cut);
	fputc('\n', pr->out);
}

static bool shown(struct printer *pr, const struct ftx_cnode *n)
{
	return n->kind == FTX_CNODE_LOST || n->total >= pr->gp->min_total;
}

/* Print @n's children below the prefix of length @plen */
static int print_children(struct printer *pr, const struct ftx_cnode *n, size_t plen, int depth)
{
	const struct ftx_cnode **v;
	size_t k, i, last = 0;
	int ret = 0;

	if (pr->gp->max_depth > 0 && depth >= pr->gp->max_depth)
		return 0;
	if (plen + 2 >= sizeof(pr->prefix) - 4)
		return 0;
	v = ftx_analysis_children(pr->ct, n, &k, false);
	if (!v)
		return -1;
	for (i = 0; i < k; i++)
		if (shown(pr, v[i]))
			last = i;
	for (i = 0; i < k && !ret; i++) {
		if (!shown(pr, v[i]))
			continue;
		memcpy(pr->prefix + plen, "+-", 3);
		line(pr, v[i], pr->prefix);
		memcpy(pr->prefix + plen, i == last ? "  " : "| ", 3);
		ret = print_children(pr, v[i], plen + 2, depth + 1);
		pr->prefix[plen] = '\0';
	}
	free(v);
	return ret;
}

/* Print the bottom nodes below @n (no tree lead), then their children */
static int print_tops(struct printer *pr, const struct ftx_cnode *n)
{
	const struct ftx_cnode **v;
	size_t k, i;
	int ret = 0;

	v = ftx_analysis_children(pr->ct, n, &k, false);
	if (!v)
		return -1;
	for (i = 0; i < k && !ret; i++) {
		if (!shown(pr, v[i]))
			continue;
		pr->prefix[0] = '\0';
		if (v[i]->kind == FTX_CNODE_TASK) {
			char buf[256];

			fprintf(pr->out, "\n# task %s\n", ftx_calltree_name(pr->ct, v[i]->kind,
									    v[i]->key, buf,
									    sizeof(buf)));
			ret = print_tops(pr, v[i]);
			continue;
		}
		line(pr, v[i], "");
		ret = print_children(pr, v[i], 0, 1);
	}
	free(v);
	return ret;
}

static void header(struct printer *pr)
{
	fprintf(pr->out, "  %10s  %7s  %s\n", pr->time ? "TOTAL TIME" : "HITS", "CALLS",
		"FUNCTION");
}

/* Add @from's subtree into @to (same shape, sums) */
static int merge(struct ftx_calltree *ct, struct ftx_cnode *to, const struct ftx_cnode *from)
{
	for (const struct ftx_cnode *c = from->child; c; c = c->next) {
		struct ftx_cnode *d = ftx_calltree_child(ct, to, c->kind, c->key);

		if (!d)
			return -1;
		d->calls += c->calls;
		d->total += c->total;
		d->self += c->self;
		d->cut += c->cut;
		if (merge(ct, d, c))
			return -1;
	}
	return 0;
}

/* A function's calls: outermost ones only (the inner are in their subtrees) */
static bool outermost(const struct ftx_cnode *n, unsigned long long key)
{
	for (n = n->parent; n && n->kind == FTX_CNODE_FUNC; n = n->parent)
		if (n->key == key)
			return false;
	return true;
}

struct func_walk {
	struct printer *pr;
	const char *func;
	struct ftx_cnode *merged;
	int nback;
	int ret;
};

static void backtrace(struct func_walk *w, const struct ftx_cnode *n)
{
	const struct ftx_cnode *path[MAX_PRINT_DEPTH];
	char t[32], buf[256];
	int depth = 0, i;

	for (const struct ftx_cnode *p = n; p && p->kind != FTX_CNODE_ROOT &&
	     depth < MAX_PRINT_DEPTH; p = p->parent)
		path[depth++] = p;
	fprintf(w->pr->out, " backtrace #%d: hits %llu, time %s%s\n", w->nback++, n->calls,
		w->pr->time ? ftx_analysis_time(n->total, t, sizeof(t)) : "-",
		n->cut ? " (some calls cut)" : "");
	for (i = depth - 1; i >= 0; i--)
		fprintf(w->pr->out, "   [%d] %s\n", depth - 1 - i,
			ftx_calltree_name(w->pr->ct, path[i]->kind, path[i]->key, buf, sizeof(buf)));
}

static void walk_func(struct func_walk *w, const struct ftx_cnode *n)
{
	char buf[256];

	for (const struct ftx_cnode *c = n->child; c && !w->ret; c = c->next) {
		if (c->kind == FTX_CNODE_FUNC &&
		    !strcmp(ftx_calltree_name(w->pr->ct, c->kind, c->key, buf, sizeof(buf)),
			    w->func) && outermost(c, c->key)) {
			struct ftx_cnode *d = ftx_calltree_child(w->pr->ct, w->merged, c->kind,
								 c->key);

			backtrace(w, c);
			if (!d || merge(w->pr->ct, d, c)) {
				w->ret = -1;
				return;
			}
			d->calls += c->calls;
			d->total += c->total;
			d->self += c->self;
			d->cut += c->cut;
		}
		walk_func(w, c);
	}
}

int ftx_calltree_print(struct ftx_calltree *ct, const struct ftx_graph_print_opts *gp,
		       FILE *out)
{
	struct ftx_graph_print_opts def = { 0 };
	struct printer *pr;
	int ret;

	if (ftx_calltree_weight(ct) == FTX_WEIGHT_NONE) {
		errno = ENOENT;
		ftx_error_set("no call graph: no function_graph or function events in the trace");
		return -1;
	}
	pr = calloc(1, sizeof(*pr));
	if (!pr)
		return -1;
	pr->ct = ct;
	pr->gp = gp ? gp : &def;
	pr->out = out;
	pr->time = ftx_calltree_weight(ct) == FTX_WEIGHT_TIME;
	fprintf(out, "# %s: %s\n", ftx_calltree_describe(ct),
		pr->time ? "call graph, total time and calls per call path" :
			   "call graph, hits per call path");
	if (pr->gp->func) {
		struct func_walk w = { .pr = pr, .func = pr->gp->func };

		w.merged = ftx_calltree_scratch(ct);
		if (!w.merged) {
			free(pr);
			return -1;
		}
		fputs("\n========== BACKTRACE ==========\n", out);
		walk_func(&w, ftx_calltree_root(ct));
		if (w.ret || !w.nback) {
			if (!w.ret) {
				errno = ENOENT;
				ftx_error_set("%s is not called in this trace", pr->gp->func);
			}
			free(pr);
			return -1;
		}
		fputs("\n========== CALL GRAPH ==========\n", out);
		header(pr);
		ret = print_tops(pr, w.merged);
	} else {
		header(pr);
		ret = print_tops(pr, ftx_calltree_root(ct));
	}
	ftx_analysis_annotate(ct, out);
	free(pr);
	return ret ? ret : ftx_analysis_flush(out);
}
