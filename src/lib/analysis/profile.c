// SPDX-License-Identifier: GPL-2.0
/*
 * The flat profile: one line per function, uftrace report's columns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/analysis.h"
#include "ftx/error.h"
#include "analysis-local.h"

static const char *const key_names[FTX_PROFILE_NKEYS] = {
	[FTX_PROFILE_TOTAL] = "total", [FTX_PROFILE_SELF] = "self",
	[FTX_PROFILE_CALLS] = "calls", [FTX_PROFILE_AVG] = "avg",
	[FTX_PROFILE_MIN] = "min", [FTX_PROFILE_MAX] = "max",
	[FTX_PROFILE_FUNC] = "func",
};

static const char *const headers[FTX_PROFILE_NKEYS] = {
	[FTX_PROFILE_TOTAL] = "Total time", [FTX_PROFILE_SELF] = "Self time",
	[FTX_PROFILE_CALLS] = "Calls", [FTX_PROFILE_AVG] = "Avg total",
	[FTX_PROFILE_MIN] = "Min total", [FTX_PROFILE_MAX] = "Max total",
};

#define DEFAULT_FIELDS ((1u << FTX_PROFILE_TOTAL) | (1u << FTX_PROFILE_SELF) | \
			(1u << FTX_PROFILE_CALLS) | (1u << FTX_PROFILE_AVG) | \
			(1u << FTX_PROFILE_MIN) | (1u << FTX_PROFILE_MAX))

int ftx_profile_parse_keys(const char *s, enum ftx_profile_key *keys, int max, int *nkeys,
			   unsigned int *mask)
{
	const char *p = s;
	unsigned int m = 0;
	int n = 0, k;

	while (*p) {
		size_t len = strcspn(p, ",");

		for (k = 0; k < FTX_PROFILE_NKEYS; k++)
			if (strlen(key_names[k]) == len && !strncmp(p, key_names[k], len))
				break;
		/* uftrace's names too */
		if (k == FTX_PROFILE_NKEYS && len == 4 && !strncmp(p, "call", 4))
			k = FTX_PROFILE_CALLS;
		if (k == FTX_PROFILE_NKEYS) {
			errno = EINVAL;
			ftx_error_set("unknown key '%.*s' (total, self, calls, avg, min, max, func)",
				      (int)len, p);
			return -1;
		}
		if (keys) {
			if (n == max) {
				errno = EINVAL;
				ftx_error_set("at most %d sort keys", max);
				return -1;
			}
			keys[n] = k;
		}
		n++;
		m |= 1u << k;
		p += len;
		if (*p)
			p++;
	}
	if (!n) {
		errno = EINVAL;
		ftx_error_set("no keys in '%s'", s);
		return -1;
	}
	if (nkeys)
		*nkeys = n;
	if (mask)
		*mask = m;
	return 0;
}

const char *ftx_analysis_time(unsigned long long ns, char *buf, size_t len)
{
	if (ns < 1000000ULL)
		snprintf(buf, len, "%llu.%03llu us", ns / 1000, ns % 1000);
	else if (ns < 1000000000ULL)
		snprintf(buf, len, "%llu.%03llu ms", ns / 1000000, ns / 1000 % 1000);
	else
		snprintf(buf, len, "%llu.%03llu s", ns / 1000000000ULL, ns / 1000000 % 1000);
	return buf;
}

int ftx_analysis_flush(FILE *out)
{
	if (fflush(out) || ferror(out)) {
		if (!errno)
			errno = EIO;
		ftx_error_set("error writing output: %s", strerror(errno));
		return -1;
	}
	return 0;
}

struct sort_ctx {
	struct ftx_calltree *ct;
	const struct ftx_profile_opts *po;
	char a[256], b[256];
};

static struct sort_ctx *sctx;

static unsigned long long value(const struct ftx_pfunc *p, enum ftx_profile_key k)
{
	switch (k) {
	case FTX_PROFILE_TOTAL: return p->total;
	case FTX_PROFILE_SELF: return p->self;
	case FTX_PROFILE_CALLS: return p->calls;
	case FTX_PROFILE_AVG: return p->calls ? p->total / p->calls : 0;
	case FTX_PROFILE_MIN: return p->min == ~0ULL ? 0 : p->min;
	case FTX_PROFILE_MAX: return p->max;
	default: return 0;
	}
}

static int cmp(const void *x, const void *y)
{
	const struct ftx_pfunc *a = *(const struct ftx_pfunc * const *)x;
	const struct ftx_pfunc *b = *(const struct ftx_pfunc * const *)y;
	const struct ftx_profile_opts *po = sctx->po;
	int i, c;

	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	for (i = 0; i <= po->nsort; i++) {
		enum ftx_profile_key k = i < po->nsort ? po->sort[i] :
			(po->nsort ? FTX_PROFILE_FUNC : FTX_PROFILE_TOTAL);
		unsigned long long va, vb;

		if (k == FTX_PROFILE_FUNC) {
			c = strcmp(ftx_calltree_name(sctx->ct, a->kind, a->func, sctx->a,
						     sizeof(sctx->a)),
				   ftx_calltree_name(sctx->ct, b->kind, b->func, sctx->b,
						     sizeof(sctx->b)));
			if (c)
				return c;
			continue;
		}
		va = value(a, k);
		vb = value(b, k);
		if (va != vb)
			return va > vb ? -1 : 1;	/* biggest first */
	}
	/* stable across runs: by name last */
	c = strcmp(ftx_calltree_name(sctx->ct, a->kind, a->func, sctx->a, sizeof(sctx->a)),
		   ftx_calltree_name(sctx->ct, b->kind, b->func, sctx->b, sizeof(sctx->b)));
	return c ? c : (a->func < b->func ? -1 : a->func > b->func);
}

static void print_header(FILE *out, unsigned int fields, bool time)
{
	int k;

	fputs(" ", out);
	if (time) {
		for (k = 0; k < FTX_PROFILE_FUNC; k++)
			if (fields & (1u << k))
				fprintf(out, " %11s", headers[k]);
	} else {
		fprintf(out, " %11s", "Hits");
	}
	fputs("  Function\n ", out);
	if (time) {
		for (k = 0; k < FTX_PROFILE_FUNC; k++)
			if (fields & (1u << k))
				fputs("  ==========", out);
	} else {
		fputs("  ==========", out);
	}
	fputs("  ====================\n", out);
}

static void print_row(struct ftx_calltree *ct, FILE *out, const struct ftx_pfunc *p,
		      unsigned int fields, bool time)
{
	char buf[256], t[32];
	int k;

	fputs(" ", out);
	if (time) {
		for (k = 0; k < FTX_PROFILE_FUNC; k++) {
			if (!(fields & (1u << k)))
				continue;
			if (k == FTX_PROFILE_CALLS)
				fprintf(out, " %11llu", p->calls);
			else
				fprintf(out, " %11s", ftx_analysis_time(value(p, k), t, sizeof(t)));
		}
	} else {
		fprintf(out, " %11llu", p->calls);
	}
	fprintf(out, "  %s", ftx_calltree_name(ct, p->kind, p->func, buf, sizeof(buf)));
	if (p->cut && time)
		fprintf(out, "  [%llu cut]", p->cut);
	fputc('\n', out);
}

/* The '#' lines after the table: what is incomplete and why */
void ftx_analysis_annotate(struct ftx_calltree *ct, FILE *out)
{
	const struct ftx_calltree_stats *st = ftx_calltree_stats(ct);
	const struct ftx_cnode *c;

	if (st->cut_end)
		fprintf(out, "# %llu calls still open at the end of the trace: their times run to its last event (marked [N cut])\n",
			st->cut_end);
	if (st->cut_lost)
		fprintf(out, "# %llu calls broken by lost events: their times are what was seen of them (marked [N cut])\n",
			st->cut_lost);
	if (st->cut_start)
		fprintf(out, "# %llu exits of calls begun before the trace are not counted\n",
			st->cut_start);
	for (c = ftx_calltree_root(ct)->child; c; c = c->next)
		if (c->kind == FTX_CNODE_LOST)
			fprintf(out, "# %llu events lost on CPU %d\n", c->calls, (int)c->key);
}

int ftx_profile_print(struct ftx_calltree *ct, const struct ftx_profile_opts *po, FILE *out)
{
	struct ftx_profile_opts def = { 0 };
	const struct ftx_pfunc *funcs, **v;
	bool time = ftx_calltree_weight(ct) == FTX_WEIGHT_TIME;
	struct sort_ctx sc;
	unsigned int fields;
	size_t n, i;
	int pid = -2;
	char buf[256];

	if (!po)
		po = &def;
	fields = po->fields ? po->fields : DEFAULT_FIELDS;
	funcs = ftx_calltree_funcs(ct, &n);
	if (ftx_calltree_weight(ct) == FTX_WEIGHT_NONE) {
		errno = ENOENT;
		ftx_error_set("nothing to profile: no function_graph or function events (record with -p function_graph or -p function)");
		return -1;
	}
	v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return -1;
	for (i = 0; i < n; i++)
		v[i] = &funcs[i];
	sc.ct = ct;
	sc.po = po;
	sctx = &sc;
	qsort(v, n, sizeof(*v), cmp);
	sctx = NULL;
	fprintf(out, "# %s: %s\n", ftx_calltree_describe(ct),
		time ? "time per function (function_graph)" : "hits per function");
	if (!po->by_task)
		print_header(out, fields, time);
	for (i = 0; i < n; i++) {
		if (po->by_task && v[i]->pid != pid) {
			pid = v[i]->pid;
			fprintf(out, "%s# task %s\n", i ? "\n" : "",
				ftx_calltree_name(ct, FTX_CNODE_TASK, (unsigned int)pid, buf,
						  sizeof(buf)));
			print_header(out, fields, time);
		}
		/* exits without entries only: no call of this function is in the trace */
		if (!v[i]->calls)
			continue;
		print_row(ct, out, v[i], fields, time);
	}
	free(v);
	ftx_analysis_annotate(ct, out);
	return ftx_analysis_flush(out);
}
