// SPDX-License-Identifier: GPL-2.0
/*
 * Counting for ftx stat: one counter set per run, read per CPU slot and
 * aggregated as perf stat does (everything, per CPU, per core), totals over
 * -r runs and deltas per -I interval.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/error.h"
#include "ftx/pmc.h"
#include "ftx/stat.h"
#include "ftx/util.h"

struct ftx_stat {
	struct ftx_pmc_event *evs;	/* copies, renamed after the open (":u") */
	int nr;
	enum ftx_stat_aggr aggr;
	char *cpus;
	struct ftx_stat_slot *slots;
	int nr_slots;
	int *cpu_slot;			/* CPU number -> slot */
	int nr_cpu_slot;
	struct ftx_pmc *pmc;		/* the current run's counters */
	bool *supported;
	struct ftx_stat_count *total, *prev, *cur, *delta;	/* [nr * nr_slots] */
	struct ftx_stat_runs *runs;
	struct ftx_stat_counter *ctrs;
	struct ftx_stat_runs wall;
	int nr_runs;
};

/* "0-3,6" to CPU numbers; returns how many, or -1 */
static int cpulist(const char *s, int **out)
{
	unsigned long a, b, c;
	int n = 0, *v = NULL, *nv;
	char *end;

	while (*s && *s != '\n') {
		a = strtoul(s, &end, 10);
		if (end == s)
			goto bad;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtoul(s, &end, 10);
			if (end == s || b < a)
				goto bad;
		}
		if (b > 65535)
			goto bad;
		nv = realloc(v, (n + b - a + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			errno = ENOMEM;
			return -1;
		}
		v = nv;
		for (c = a; c <= b; c++)
			v[n++] = c;
		s = end;
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			goto bad;
	}
	*out = v;
	return n;
bad:
	free(v);
	errno = EINVAL;
	return -1;
}

static int topo(int cpu, const char *file)
{
	char path[128], *s;
	int v = 0;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/topology/%s", cpu, file);
	s = ftx_read_file(path, NULL);
	if (s)
		v = atoi(s);
	free(s);
	return v;
}

static int cmp_slot(const void *a, const void *b)
{
	const struct ftx_stat_slot *x = a, *y = b;

	if (x->socket != y->socket)
		return x->socket - y->socket;
	if (x->die != y->die)
		return x->die - y->die;
	if (x->core != y->core)
		return x->core - y->core;
	return x->cpu - y->cpu;
}

static int make_slots(struct ftx_stat *st)
{
	int *cpus = NULL, n = 0, i, j, max = 0;

	if (st->aggr == FTX_STAT_AGGR_GLOBAL || !st->cpus) {
		st->aggr = FTX_STAT_AGGR_GLOBAL;
		st->slots = calloc(1, sizeof(*st->slots));
		if (!st->slots)
			return -1;
		st->slots[0].cpu = -1;
		st->nr_slots = 1;
		return 0;
	}
	n = cpulist(st->cpus, &cpus);
	if (n <= 0) {
		errno = EINVAL;
		ftx_error_set("bad CPU list '%s'", st->cpus);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (cpus[i] > max)
			max = cpus[i];
	st->slots = calloc(n, sizeof(*st->slots));
	st->cpu_slot = calloc(max + 1, sizeof(*st->cpu_slot));
	if (!st->slots || !st->cpu_slot) {
		free(cpus);
		return -1;
	}
	st->nr_cpu_slot = max + 1;
	for (i = 0; i < n; i++) {
		struct ftx_stat_slot sl = { .cpu = cpus[i], .nr = 1 };

		if (st->aggr == FTX_STAT_AGGR_CORE) {
			sl.socket = topo(cpus[i], "physical_package_id");
			sl.die = topo(cpus[i], "die_id");
			sl.core = topo(cpus[i], "core_id");
			for (j = 0; j < st->nr_slots; j++)
				if (st->slots[j].socket == sl.socket && st->slots[j].die == sl.die &&
				    st->slots[j].core == sl.core)
					break;
			if (j < st->nr_slots) {
				st->slots[j].nr++;
				continue;
			}
		}
		st->slots[st->nr_slots++] = sl;
	}
	qsort(st->slots, st->nr_slots, sizeof(*st->slots), cmp_slot);
	/* each CPU to its slot (a core's first CPU names it) */
	for (i = 0; i < n; i++) {
		int s = 0;

		for (j = 0; j < st->nr_slots; j++) {
			if (st->aggr == FTX_STAT_AGGR_NONE ? st->slots[j].cpu == cpus[i] :
			    (st->slots[j].socket == topo(cpus[i], "physical_package_id") &&
			     st->slots[j].die == topo(cpus[i], "die_id") &&
			     st->slots[j].core == topo(cpus[i], "core_id"))) {
				s = j;
				break;
			}
		}
		st->cpu_slot[cpus[i]] = s;
	}
	free(cpus);
	return 0;
}

void ftx_stat_destroy(struct ftx_stat *st)
{
	if (!st)
		return;
	ftx_pmc_close(st->pmc);
	free(st->evs);
	free(st->cpus);
	free(st->slots);
	free(st->cpu_slot);
	free(st->supported);
	free(st->total);
	free(st->prev);
	free(st->cur);
	free(st->delta);
	free(st->runs);
	free(st->ctrs);
	free(st);
}

struct ftx_stat *ftx_stat_create(const struct ftx_stat_opts *o)
{
	struct ftx_stat *st;
	size_t n;

	if (!o || !o->evs || o->nr <= 0) {
		errno = EINVAL;
		ftx_error_set("no events");
		return NULL;
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		goto nomem;
	st->nr = o->nr;
	st->aggr = o->aggr;
	st->evs = malloc(o->nr * sizeof(*st->evs));
	st->cpus = o->cpus ? strdup(o->cpus) : NULL;
	if (!st->evs || (o->cpus && !st->cpus))
		goto nomem;
	memcpy(st->evs, o->evs, o->nr * sizeof(*st->evs));
	if (make_slots(st) < 0) {
		if (errno == ENOMEM)
			goto nomem;
		ftx_stat_destroy(st);
		return NULL;
	}
	n = (size_t)st->nr * st->nr_slots;
	st->supported = calloc(st->nr, sizeof(*st->supported));
	st->total = calloc(n, sizeof(*st->total));
	st->prev = calloc(n, sizeof(*st->prev));
	st->cur = calloc(n, sizeof(*st->cur));
	st->delta = calloc(n, sizeof(*st->delta));
	st->runs = calloc(st->nr, sizeof(*st->runs));
	st->ctrs = calloc(st->nr, sizeof(*st->ctrs));
	if (!st->supported || !st->total || !st->prev || !st->cur || !st->delta || !st->runs ||
	    !st->ctrs)
		goto nomem;
	return st;
nomem:
	ftx_stat_destroy(st);
	errno = ENOMEM;
	ftx_error_set("out of memory");
	return NULL;
}

int ftx_stat_open(struct ftx_stat *st, const pid_t *tids, int nr_tids, bool enable_on_exec)
{
	struct ftx_pmc_target t = {
		.tids = tids,
		.nr_tids = nr_tids,
		.cpus = st->cpus,
		.inherit = true,
		.enable_on_exec = enable_on_exec,
	};
	int i;

	ftx_pmc_close(st->pmc);
	st->pmc = ftx_pmc_open_target(st->evs, st->nr, &t);
	if (!st->pmc)
		return -1;
	for (i = 0; i < st->nr; i++) {
		if (!ftx_pmc_supported(st->pmc, i))
			continue;
		st->supported[i] = true;
		st->evs[i] = *ftx_pmc_event_of(st->pmc, i);
	}
	memset(st->prev, 0, (size_t)st->nr * st->nr_slots * sizeof(*st->prev));
	return 0;
}

int ftx_stat_enable(struct ftx_stat *st)
{
	return ftx_pmc_enable(st->pmc);
}

/* this run's counts so far, per slot, into st->cur */
static int read_all(struct ftx_stat *st)
{
	struct ftx_pmc_count c;
	int i, k, cpu, s;

	memset(st->cur, 0, (size_t)st->nr * st->nr_slots * sizeof(*st->cur));
	for (i = 0; i < st->nr; i++) {
		if (!ftx_pmc_supported(st->pmc, i))
			continue;
		for (k = 0; k < ftx_pmc_nr_cpus(st->pmc, i); k++) {
			if (ftx_pmc_read_cpu(st->pmc, i, k, &cpu, &c) < 0)
				return -1;
			s = cpu >= 0 && cpu < st->nr_cpu_slot && st->cpu_slot ? st->cpu_slot[cpu] : 0;
			st->cur[i * st->nr_slots + s].val += c.raw;
			st->cur[i * st->nr_slots + s].ena += c.enabled;
			st->cur[i * st->nr_slots + s].run += c.running;
		}
	}
	return 0;
}

static void fill(struct ftx_stat *st, struct ftx_stat_result *r, struct ftx_stat_count *counts,
		 bool now)
{
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < st->nr; i++) {
		st->ctrs[i].ev = &st->evs[i];
		st->ctrs[i].supported = now ? ftx_pmc_supported(st->pmc, i) : st->supported[i];
		st->ctrs[i].counts = &counts[i * st->nr_slots];
		st->ctrs[i].runs = st->runs[i];
	}
	r->counters = st->ctrs;
	r->nr_counters = st->nr;
	r->slots = st->slots;
	r->nr_slots = st->nr_slots;
	r->aggr = st->aggr;
	r->run_count = 1;
}

int ftx_stat_interval(struct ftx_stat *st, struct ftx_stat_result *r)
{
	size_t i, n = (size_t)st->nr * st->nr_slots;

	if (!st->pmc) {
		errno = EINVAL;
		return -1;
	}
	if (read_all(st) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		st->delta[i].val = st->cur[i].val - st->prev[i].val;
		st->delta[i].ena = st->cur[i].ena - st->prev[i].ena;
		st->delta[i].run = st->cur[i].run - st->prev[i].run;
		st->prev[i] = st->cur[i];
	}
	fill(st, r, st->delta, true);
	return 0;
}

int ftx_stat_finish(struct ftx_stat *st, double wall_ns)
{
	int i, s, ret = 0;

	if (!st->pmc) {
		errno = EINVAL;
		return -1;
	}
	if (ftx_pmc_disable(st->pmc) < 0 || read_all(st) < 0)
		ret = -1;
	for (i = 0; ret == 0 && i < st->nr; i++) {
		struct ftx_stat_count sum = { 0 };
		double v;
		bool ok;

		for (s = 0; s < st->nr_slots; s++) {
			struct ftx_stat_count *c = &st->cur[i * st->nr_slots + s];

			st->total[i * st->nr_slots + s].val += c->val;
			st->total[i * st->nr_slots + s].ena += c->ena;
			st->total[i * st->nr_slots + s].run += c->run;
			sum.val += c->val;
			sum.ena += c->ena;
			sum.run += c->run;
		}
		v = ftx_stat_scale(&sum, &ok);
		ftx_stat_runs_add(&st->runs[i], v * (st->evs[i].scale ? st->evs[i].scale : 1));
	}
	ftx_pmc_close(st->pmc);
	st->pmc = NULL;
	if (ret == 0) {
		ftx_stat_runs_add(&st->wall, wall_ns);
		st->nr_runs++;
	}
	return ret;
}

void ftx_stat_total(struct ftx_stat *st, struct ftx_stat_result *r)
{
	fill(st, r, st->total, false);
	r->run_count = st->nr_runs ? st->nr_runs : 1;
	r->wall = st->wall;
}

const struct ftx_pmc_event *ftx_stat_counter_event(const struct ftx_stat *st, int i)
{
	return st && i >= 0 && i < st->nr ? &st->evs[i] : NULL;
}
