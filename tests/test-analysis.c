// SPDX-License-Identifier: GPL-2.0
/*
 * The call tree and the flat profile, cross-checked on real traces against
 * what trace-cmd 3.1.6 printed for them (fixtures/<kernel>/<name>.report.txt): calls
 * per function are its entry lines in trace-cmd's report, the self times of
 * all functions add up to the roots' totals, and those are the durations
 * trace-cmd printed at depth 0.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftx/analysis.h"
#include "ftx/tracedat.h"
#include "test-analysis.h"

static const char *const fgraph[] = {
	"fixtures/linux-6.1-amd64/fgraph_openat2.v6",
	"fixtures/linux-6.1-arm64/fgraph_openat2.v6",
	"fixtures/converted/fgraph_612_cpucount.v7",
};

void ta_counts_free(struct ta_counts *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->name[i]);
	free(c->name);
	free(c->count);
	free(c->slot);
	memset(c, 0, sizeof(*c));
}

/* FNV-1a of @len bytes */
static size_t ta_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (len--)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ull;
	return (size_t)h;
}

/* The slot holding @name (@len bytes), or the empty one it would take */
static size_t *ta_slot(const struct ta_counts *c, const char *name, size_t len)
{
	size_t i = ta_hash(name, len) & (c->nslots - 1), e;

	while ((e = c->slot[i])) {
		if (!strncmp(c->name[e - 1], name, len) && !c->name[e - 1][len])
			break;
		i = (i + 1) & (c->nslots - 1);
	}
	return &c->slot[i];
}

void ta_counts_add(struct ta_counts *c, const char *name, size_t len, unsigned long long by)
{
	size_t *s;

	if (2 * (c->n + 1) > c->nslots) {
		size_t i, old = c->nslots;

		c->nslots = old ? 2 * old : 64;
		free(c->slot);
		c->slot = calloc(c->nslots, sizeof(*c->slot));
		ck_assert_ptr_nonnull(c->slot);
		for (i = 0; i < c->n; i++)
			*ta_slot(c, c->name[i], strlen(c->name[i])) = i + 1;
	}
	s = ta_slot(c, name, len);
	if (*s) {
		c->count[*s - 1] += by;
		return;
	}
	c->name = realloc(c->name, (c->n + 1) * sizeof(*c->name));
	c->count = realloc(c->count, (c->n + 1) * sizeof(*c->count));
	ck_assert(c->name && c->count);
	c->name[c->n] = strndup(name, len);
	ck_assert_ptr_nonnull(c->name[c->n]);
	c->count[c->n++] = by;
	*s = c->n;
}

unsigned long long ta_counts_get(const struct ta_counts *c, const char *name)
{
	size_t *s;

	if (!c->nslots)
		return 0;
	s = ta_slot(c, name, strlen(name));
	return *s ? c->count[*s - 1] : 0;
}

/* "+ 22.152 us  |" -> 22152 (ns); 0 without a duration */
static unsigned long long duration_ns(const char *line, const char *bar)
{
	const char *us = strstr(line, " us ");
	unsigned long long a, b;
	const char *p;

	if (!us || us > bar)
		return 0;
	for (p = us; p > line && p[-1] != ' '; p--)
		;
	if (sscanf(p, "%llu.%3llu", &a, &b) != 2)
		return 0;
	return a * 1000 + b;
}

/*
 * Read a trace-cmd function_graph report: entry lines per function into
 * @calls, and into @roots the durations of the calls no other call of their
 * task encloses (a task's '() {' and '}' lines nest; interrupts count in
 * the task they interrupted, as the kernel records them).
 */
void ta_read_graph_report(const char *path, struct ta_counts *calls, unsigned long long *roots)
{
	FILE *f = fopen(path, "r");
	struct ta_counts open = { 0 };
	char line[4096], task[64];

	ck_assert_msg(f != NULL, "cannot read %s", path);
	*roots = 0;
	while (fgets(line, sizeof(line), f)) {
		bool entry = strstr(line, "funcgraph_entry:") != NULL;
		const char *bar, *p, *dash, *cpu;
		unsigned long long depth;

		if (!entry && !strstr(line, "funcgraph_exit:"))
			continue;
		bar = strchr(strstr(line, "funcgraph_"), '|');
		ck_assert_ptr_nonnull(bar);
		for (p = bar + 1; *p == ' '; p++)
			;
		/* "comm-pid [cpu]": the idle task is one per CPU */
		cpu = strchr(line, '[');
		for (dash = cpu; dash > line && dash[-1] != '-'; dash--)
			;
		snprintf(task, sizeof(task), "%.*s", (int)strcspn(dash, " "), dash);
		if (!strcmp(task, "0"))
			snprintf(task, sizeof(task), "0/%.3s", cpu + 1);
		depth = ta_counts_get(&open, task);
		if (entry)
			ta_counts_add(calls, p, strcspn(p, "("), 1);
		if (entry && strstr(p, "() {")) {
			ta_counts_add(&open, task, strlen(task), 1);
			continue;
		}
		if (*p == '}') {
			ck_assert_msg(depth > 0, "%s: unmatched '}': %s", path, line);
			ta_counts_add(&open, task, strlen(task), -1ULL);
			depth--;
		}
		if (depth == 0)
			*roots += duration_ns(line, bar);
	}
	ta_counts_free(&open);
	fclose(f);
}

/*
 * Read a trace-cmd function_graph report into call paths "a;b;c": calls per
 * path into @calls and their summed durations (ns) into @times.
 */
/*
 * Per call path (root first, ';'-separated, per task): its calls and total
 * time, and with @selfs its self time: per call, its time less its direct
 * calls' (none when they took longer, as when 6.1 gives a __cond_resched 2 us
 * while the interrupts inside it took 500)
 */
static void read_graph(const char *path, struct ta_counts *calls, struct ta_counts *times,
		       struct ta_counts *selfs, bool by_task)
{
	struct {
		char task[64];
		char path[8192];
		size_t len[256];
		unsigned long long kids[256];
		int depth;
	} *tk = NULL;
	FILE *f = fopen(path, "r");
	char line[4096], task[64];
	int ntk = 0, i;

	ck_assert_msg(f != NULL, "cannot read %s", path);
	while (fgets(line, sizeof(line), f)) {
		bool entry = strstr(line, "funcgraph_entry:") != NULL;
		const char *bar, *p, *dash, *cpu;
		size_t nlen;

		if (!entry && !strstr(line, "funcgraph_exit:"))
			continue;
		bar = strchr(strstr(line, "funcgraph_"), '|');
		for (p = bar + 1; *p == ' '; p++)
			;
		cpu = strchr(line, '[');
		for (dash = cpu; dash > line && dash[-1] != '-'; dash--)
			;
		snprintf(task, sizeof(task), "%.*s", (int)strcspn(dash, " "), dash);
		if (!strcmp(task, "0"))
			snprintf(task, sizeof(task), "0/%.3s", cpu + 1);
		for (i = 0; i < ntk; i++)
			if (!strcmp(tk[i].task, task))
				break;
		if (i == ntk) {
			tk = realloc(tk, (ntk + 1) * sizeof(*tk));
			ck_assert_ptr_nonnull(tk);
			memset(&tk[ntk], 0, sizeof(*tk));
			strcpy(tk[ntk].task, task);
			/* by task: paths start with the task's pid (0/CPU for the idle tasks) */
			if (by_task)
				strcpy(tk[ntk].path, task);
			ntk++;
		}
		if (*p == '}') {
			unsigned long long dur = duration_ns(line, bar), kids;

			ck_assert_int_gt(tk[i].depth, 0);
			kids = tk[i].kids[--tk[i].depth];
			nlen = tk[i].len[tk[i].depth];
			ta_counts_add(times, tk[i].path, strlen(tk[i].path), dur);
			if (selfs && dur > kids)
				ta_counts_add(selfs, tk[i].path, strlen(tk[i].path), dur - kids);
			if (tk[i].depth)
				tk[i].kids[tk[i].depth - 1] += dur;
			tk[i].path[nlen] = '\0';
			continue;
		}
		nlen = strlen(tk[i].path);
		ck_assert_int_lt(tk[i].depth, 255);
		tk[i].len[tk[i].depth] = nlen;
		snprintf(tk[i].path + nlen, sizeof(tk[i].path) - nlen, "%s%.*s", nlen ? ";" : "",
			 (int)strcspn(p, "("), p);
		ta_counts_add(calls, tk[i].path, strlen(tk[i].path), 1);
		if (strstr(p, "() {")) {
			tk[i].kids[tk[i].depth++] = 0;
			continue;
		}
		ta_counts_add(times, tk[i].path, strlen(tk[i].path), duration_ns(line, bar));
		if (selfs && duration_ns(line, bar))
			ta_counts_add(selfs, tk[i].path, strlen(tk[i].path), duration_ns(line, bar));
		if (tk[i].depth)
			tk[i].kids[tk[i].depth - 1] += duration_ns(line, bar);
		tk[i].path[nlen] = '\0';
	}
	free(tk);
	fclose(f);
}

void ta_read_graph_paths(const char *path, struct ta_counts *calls, struct ta_counts *times)
{
	read_graph(path, calls, times, NULL, false);
}

void ta_read_graph_task_paths(const char *path, struct ta_counts *calls, struct ta_counts *times)
{
	read_graph(path, calls, times, NULL, true);
}

void ta_read_graph_selfs(const char *path, struct ta_counts *calls, struct ta_counts *times,
			 struct ta_counts *selfs)
{
	read_graph(path, calls, times, selfs, false);
}

struct ftx_calltree *ta_build(const char *dat, bool by_task)
{
	struct ftx_analysis_opts o = { .input = dat, .td_flags = FTX_TRACEDAT_NO_PLUGINS,
				       .by_task = by_task };
	struct ftx_calltree *ct = ftx_calltree_build(&o);

	ck_assert_msg(ct != NULL, "%s: cannot build the call tree", dat);
	return ct;
}

static unsigned long long subtree_check(const struct ftx_cnode *n)
{
	unsigned long long children = 0;

	for (const struct ftx_cnode *c = n->child; c; c = c->next)
		children += subtree_check(c);
	if (n->kind == FTX_CNODE_FUNC)
		ck_assert_uint_eq(n->total, n->self + children);
	return n->total;
}

START_TEST(test_profile_matches_report)
{
	char dat[256], txt[256], buf[256];
	struct ta_counts calls = { 0 };
	unsigned long long roots, self = 0, top = 0;
	const struct ftx_pfunc *f;
	struct ftx_calltree *ct;
	size_t n, i, seen = 0;

	snprintf(dat, sizeof(dat), "%s.dat", fgraph[_i]);
	snprintf(txt, sizeof(txt), "%s.report.txt", fgraph[_i]);
	ta_read_graph_report(txt, &calls, &roots);
	ck_assert_uint_gt(calls.n, 5);
	ct = ta_build(dat, false);
	ck_assert_int_eq(ftx_calltree_weight(ct), FTX_WEIGHT_TIME);
	f = ftx_calltree_funcs(ct, &n);
	for (i = 0; i < n; i++) {
		const char *name = ftx_calltree_name(ct, f[i].kind, f[i].func, buf, sizeof(buf));

		ck_assert_msg(f[i].calls == ta_counts_get(&calls, name),
			      "%s: %s: %llu calls, trace-cmd printed %llu", dat, name, f[i].calls,
			      ta_counts_get(&calls, name));
		self += f[i].self;
		seen += f[i].calls ? 1 : 0;
	}
	ck_assert_uint_eq(seen, calls.n);
	for (const struct ftx_cnode *c = ftx_calltree_root(ct)->child; c; c = c->next)
		top += c->total;
	ck_assert_uint_eq(self, top);
	ck_assert_uint_eq(top, roots);
	ck_assert_uint_eq(ftx_calltree_root(ct)->total, roots);
	subtree_check(ftx_calltree_root(ct));
	ftx_calltree_free(ct);
	ta_counts_free(&calls);
}
END_TEST

/* Per task, the same calls: the tasks' tables add up to the global one */
START_TEST(test_profile_by_task)
{
	struct ftx_calltree *all = ta_build("fixtures/linux-6.1-arm64/fgraph_openat2.v6.dat", false);
	struct ftx_calltree *bt = ta_build("fixtures/linux-6.1-arm64/fgraph_openat2.v6.dat", true);
	struct ta_counts a = { 0 }, b = { 0 };
	const struct ftx_pfunc *f;
	char buf[256];
	size_t n, i;
	int tasks = 0;

	f = ftx_calltree_funcs(all, &n);
	for (i = 0; i < n; i++) {
		const char *name = ftx_calltree_name(all, f[i].kind, f[i].func, buf, sizeof(buf));

		ta_counts_add(&a, name, strlen(name), f[i].calls);
		ta_counts_add(&a, "~self", 5, f[i].self);
	}
	f = ftx_calltree_funcs(bt, &n);
	for (i = 0; i < n; i++) {
		const char *name = ftx_calltree_name(bt, f[i].kind, f[i].func, buf, sizeof(buf));

		ck_assert_int_ge(f[i].pid, 0);
		ta_counts_add(&b, name, strlen(name), f[i].calls);
		ta_counts_add(&b, "~self", 5, f[i].self);
	}
	ck_assert_uint_eq(a.n, b.n);
	for (i = 0; i < a.n; i++)
		ck_assert_uint_eq(a.count[i], ta_counts_get(&b, a.name[i]));
	for (const struct ftx_cnode *c = ftx_calltree_root(bt)->child; c; c = c->next)
		tasks += c->kind == FTX_CNODE_TASK;
	ck_assert_int_ge(tasks, 2);
	ck_assert_uint_eq(ftx_calltree_root(bt)->total, ftx_calltree_root(all)->total);
	ta_counts_free(&a);
	ta_counts_free(&b);
	ftx_calltree_free(all);
	ftx_calltree_free(bt);
}
END_TEST

/* A function trace: hits per function are its lines; callers from the -N report */
START_TEST(test_profile_function_hits)
{
	const char *txt = "fixtures/linux-6.1-amd64/function_vfs.v6.report-noplugins.txt";
	struct ta_counts hits = { 0 }, edges = { 0 };
	struct ftx_calltree *ct = ta_build("fixtures/linux-6.1-amd64/function_vfs.v6.dat", false);
	const struct ftx_pfunc *f;
	char line[4096], buf[256], pbuf[256], key[600];
	FILE *in = fopen(txt, "r");
	size_t n, i, nedges = 0;

	ck_assert_ptr_nonnull(in);
	while (fgets(line, sizeof(line), in)) {
		char *p = strstr(line, "function:"), *arrow;

		if (!p)
			continue;
		p += strlen("function:");
		p += strspn(p, " ");
		arrow = strstr(p, " <-- ");
		ck_assert_ptr_nonnull(arrow);
		ta_counts_add(&hits, p, arrow - p, 1);
		snprintf(key, sizeof(key), "%.*s>%.*s", (int)strcspn(arrow + 5, "\n"), arrow + 5,
			 (int)(arrow - p), p);
		ta_counts_add(&edges, key, strlen(key), 1);
	}
	fclose(in);
	ck_assert_int_eq(ftx_calltree_weight(ct), FTX_WEIGHT_COUNT);
	f = ftx_calltree_funcs(ct, &n);
	ck_assert_uint_eq(n, hits.n);
	for (i = 0; i < n; i++) {
		const char *name = ftx_calltree_name(ct, f[i].kind, f[i].func, buf, sizeof(buf));

		ck_assert_msg(f[i].calls == ta_counts_get(&hits, name), "%s: %llu hits, %llu lines",
			      name, f[i].calls, ta_counts_get(&hits, name));
	}
	/* the tree: caller -> function, as many hits as lines */
	for (const struct ftx_cnode *c = ftx_calltree_root(ct)->child; c; c = c->next)
		for (const struct ftx_cnode *d = c->child; d; d = d->next) {
			snprintf(key, sizeof(key), "%s>%s",
				 ftx_calltree_name(ct, c->kind, c->key, pbuf, sizeof(pbuf)),
				 ftx_calltree_name(ct, d->kind, d->key, buf, sizeof(buf)));
			ck_assert_msg(d->calls == ta_counts_get(&edges, key), "%s: %llu, %llu lines",
				      key, d->calls, ta_counts_get(&edges, key));
			nedges++;
		}
	ck_assert_uint_eq(nedges, edges.n);
	ta_counts_free(&hits);
	ta_counts_free(&edges);
	ftx_calltree_free(ct);
}
END_TEST

/* A time window cuts calls: they are counted, marked, and the sums still hold */
START_TEST(test_profile_window_cuts)
{
	struct ftx_analysis_opts o = { .input = "fixtures/linux-6.1-amd64/fgraph_openat2.v6.dat",
				       .td_flags = FTX_TRACEDAT_NO_PLUGINS };
	const struct ftx_calltree_stats *st;
	unsigned long long self = 0;
	const struct ftx_pfunc *f;
	struct ftx_calltree *ct;
	size_t n, i;

	/* from inside do_sys_openat2 (entered 7.453139) to inside path_openat */
	o.from_set = o.to_set = true;
	o.from = 7453171000ULL;
	o.to = 7453300000ULL;
	ct = ftx_calltree_build(&o);
	ck_assert_ptr_nonnull(ct);
	st = ftx_calltree_stats(ct);
	ck_assert_uint_gt(st->cut_start, 0);
	ck_assert_uint_gt(st->cut_end, 0);
	f = ftx_calltree_funcs(ct, &n);
	for (i = 0; i < n; i++)
		self += f[i].self;
	ck_assert_uint_eq(self, ftx_calltree_root(ct)->total);
	subtree_check(ftx_calltree_root(ct));
	ftx_calltree_free(ct);
}
END_TEST

START_TEST(test_profile_keys)
{
	enum ftx_profile_key k[4];
	unsigned int mask;
	int n;

	ck_assert_int_eq(ftx_profile_parse_keys("self,call,func", k, 4, &n, &mask), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(k[0], FTX_PROFILE_SELF);
	ck_assert_int_eq(k[1], FTX_PROFILE_CALLS);
	ck_assert_int_eq(k[2], FTX_PROFILE_FUNC);
	ck_assert_int_eq(ftx_profile_parse_keys("total,bogus", k, 4, &n, &mask), -1);
	ck_assert_int_eq(ftx_profile_parse_keys("", k, 4, &n, &mask), -1);
	ck_assert_int_eq(ftx_profile_parse_keys("a,b,c,d,e", NULL, 0, NULL, &mask), -1);
}
END_TEST

START_TEST(test_cli_window)
{
	struct ftx_analysis_cli cli = { 0 };

	ck_assert_int_eq(ftx_analysis_cli_opt(&cli, FTX_ANALYSIS_OPT_FROM, "7.453139"), 1);
	ck_assert_uint_eq(cli.o.from, 7453139000ULL);
	ck_assert_int_eq(ftx_analysis_cli_opt(&cli, FTX_ANALYSIS_OPT_TO, "7"), 1);
	ck_assert_int_eq(ftx_analysis_cli_finish(&cli), -1);
	ck_assert_int_eq(ftx_analysis_cli_opt(&cli, FTX_ANALYSIS_OPT_TO, "x"), -1);
	ck_assert_int_eq(ftx_analysis_cli_opt(&cli, FTX_ANALYSIS_OPT_PID, "-1"), -1);
	ck_assert_int_eq(ftx_analysis_cli_opt(&cli, 'z', "x"), 0);
	ftx_analysis_cli_release(&cli);
}
END_TEST

/* Every call path of the tree is one of trace-cmd's, with its calls and time */
static void paths_check(struct ftx_calltree *ct, const struct ftx_cnode *n, char *path,
			const struct ta_counts *calls, const struct ta_counts *times, size_t *count)
{
	size_t len = strlen(path);
	char buf[256];

	for (const struct ftx_cnode *c = n->child; c; c = c->next) {
		snprintf(path + len, 8192 - len, "%s%s", len ? ";" : "",
			 ftx_calltree_name(ct, c->kind, c->key, buf, sizeof(buf)));
		ck_assert_msg(c->calls == ta_counts_get(calls, path), "%s: %llu calls, %llu lines",
			      path, c->calls, ta_counts_get(calls, path));
		ck_assert_msg(c->total == ta_counts_get(times, path), "%s: %llu ns, %llu printed",
			      path, c->total, ta_counts_get(times, path));
		(*count)++;
		paths_check(ct, c, path, calls, times, count);
		path[len] = '\0';
	}
}

/*
 * Every call path with the calls and time of trace-cmd's lines; with @by_task
 * below each task, from that task's lines (keyed by the pid of their comm-pid)
 */
static void graph_paths(const char *base, bool by_task)
{
	struct ta_counts calls = { 0 }, times = { 0 };
	char dat[256], txt[256], *path = calloc(1, 8192), buf[256];
	struct ftx_calltree *ct;
	size_t count = 0, tasks = 0;

	snprintf(dat, sizeof(dat), "%s.dat", base);
	snprintf(txt, sizeof(txt), "%s.report.txt", base);
	if (by_task)
		ta_read_graph_task_paths(txt, &calls, &times);
	else
		ta_read_graph_paths(txt, &calls, &times);
	ct = ta_build(dat, by_task);
	if (!by_task)
		paths_check(ct, ftx_calltree_root(ct), path, &calls, &times, &count);
	for (const struct ftx_cnode *t = ftx_calltree_root(ct)->child; by_task && t; t = t->next) {
		const char *name = ftx_calltree_name(ct, t->kind, t->key, buf, sizeof(buf));

		if (t->kind != FTX_CNODE_TASK)
			continue;
		ck_assert_ptr_nonnull(strrchr(name, '-'));
		snprintf(path, 8192, "%s", strrchr(name, '-') + 1);
		paths_check(ct, t, path, &calls, &times, &count);
		tasks++;
	}
	ck_assert_uint_eq(count, calls.n);
	ck_assert_uint_gt(count, 20);
	if (by_task)
		ck_assert_uint_ge(tasks, 1);
	ftx_calltree_free(ct);
	ta_counts_free(&calls);
	ta_counts_free(&times);
	free(path);
}

START_TEST(test_graph_paths_match_report)
{
	graph_paths(fgraph[_i], false);
}
END_TEST

START_TEST(test_graph_paths_by_task)
{
	graph_paths(fgraph[_i], true);
}
END_TEST

/* graph FUNC: one backtrace per distinct caller path, callees merged */
START_TEST(test_graph_func)
{
	struct ftx_calltree *ct = ta_build("fixtures/linux-6.1-amd64/fgraph_openat2.v6.dat", false);
	struct ftx_graph_print_opts gp = { .func = "kmem_cache_alloc" };
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	ck_assert_int_eq(ftx_calltree_print(ct, &gp, out), 0);
	fclose(out);
	ck_assert_ptr_nonnull(strstr(text, " backtrace #2: hits 1"));
	ck_assert_ptr_null(strstr(text, " backtrace #3"));
	ck_assert_ptr_nonnull(strstr(text, "   33.835 us        3  kmem_cache_alloc\n"));
	ck_assert_ptr_nonnull(strstr(text, "        3  +-should_failslab\n"));
	free(text);
	gp.func = "no_such_function";
	out = open_memstream(&text, &len);
	ck_assert_int_eq(ftx_calltree_print(ct, &gp, out), -1);
	fclose(out);
	free(text);
	ftx_calltree_free(ct);
}
END_TEST

/*
 * Lost events: the second page of CPU 0 marked as having lost events (as the
 * kernel flags it: RB_MISSED_EVENTS, bit 31 of the commit field) breaks the
 * open stacks there; every output says so and the sums still hold.
 */
START_TEST(test_lost_events)
{
	const char *src = "fixtures/linux-6.1-amd64/fgraph_openat2.v6.dat";
	char path[] = "/tmp/ftx-test-lost-XXXXXX", *text = NULL, *svg = NULL, *folded = NULL;
	struct ftx_tracedat *td = ftx_tracedat_open(src, FTX_TRACEDAT_NO_PLUGINS);
	const struct ftx_calltree_stats *st;
	uint64_t off, size, commit;
	unsigned long long self = 0;
	struct ftx_analysis_opts o = { .td_flags = FTX_TRACEDAT_NO_PLUGINS };
	const struct ftx_pfunc *f;
	struct ftx_calltree *ct;
	size_t n, len, i;
	FILE *in, *out;
	char *data;
	int fd;

	ck_assert_ptr_nonnull(td);
	ck_assert_int_eq(ftx_tracedat_cpu_data(td, 0, &off, &size), 0);
	ftx_tracedat_close(td);
	ck_assert_uint_ge(size, 8192);
	in = fopen(src, "rb");
	fseek(in, 0, SEEK_END);
	len = ftell(in);
	rewind(in);
	data = malloc(len);
	ck_assert_uint_eq(fread(data, 1, len, in), len);
	fclose(in);
	memcpy(&commit, data + off + 4096 + 8, 8);
	commit |= 1ULL << 31;
	memcpy(data + off + 4096 + 8, &commit, 8);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	free(data);
	o.input = path;
	ct = ftx_calltree_build(&o);
	/* the JSON: a counter track of CPU 0's lost events, the broken calls marked */
	out = open_memstream(&text, &len);
	ck_assert_int_eq(ftx_chrome_export(&o, 0, out, NULL), 0);
	fclose(out);
	ck_assert_ptr_nonnull(strstr(text, "{\"ph\":\"C\",\"name\":\"lost events cpu0\",\"pid\":1,"));
	ck_assert_ptr_nonnull(strstr(text, "\"cut\":\"broken by lost events\""));
	ck_assert_ptr_nonnull(strstr(text, "\"name\":\"events lost on CPU 0 (how many: unknown)\""));
	free(text);
	text = NULL;
	unlink(path);
	ck_assert_ptr_nonnull(ct);
	st = ftx_calltree_stats(ct);
	ck_assert_uint_eq(st->lost_pages, 1);
	ck_assert_uint_gt(st->cut_lost, 0);
	f = ftx_calltree_funcs(ct, &n);
	for (i = 0; i < n; i++)
		self += f[i].self;
	ck_assert_uint_eq(self, ftx_calltree_root(ct)->total);
	out = open_memstream(&text, &len);
	ck_assert_int_eq(ftx_profile_print(ct, NULL, out), 0);
	fclose(out);
	ck_assert_ptr_nonnull(strstr(text, "# 1 events lost on CPU 0"));
	ck_assert_ptr_nonnull(strstr(text, "calls broken by lost events"));
	ck_assert_ptr_nonnull(strstr(text, " cut]"));
	out = open_memstream(&svg, &len);
	ck_assert_int_eq(ftx_flame_svg(ct, NULL, out), 0);
	fclose(out);
	ck_assert_ptr_nonnull(strstr(svg, "EVENTS LOST"));
	ck_assert_ptr_nonnull(strstr(svg, "calls broken by lost events"));
	out = open_memstream(&folded, &len);
	ck_assert_int_eq(ftx_flame_folded(ct, out), 0);
	fclose(out);
	ck_assert_ptr_nonnull(strstr(folded, "events_lost_on_CPU_0] 1\n"));
	free(text);
	free(svg);
	free(folded);
	ftx_calltree_free(ct);
}
END_TEST

Suite *analysis_suite(void)
{
	Suite *s = suite_create("analysis");
	TCase *tc = tcase_create("profile");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_profile_matches_report, 0, sizeof(fgraph) / sizeof(fgraph[0]));
	tcase_add_test(tc, test_profile_by_task);
	tcase_add_test(tc, test_profile_function_hits);
	tcase_add_test(tc, test_profile_window_cuts);
	tcase_add_test(tc, test_profile_keys);
	tcase_add_loop_test(tc, test_graph_paths_match_report, 0, sizeof(fgraph) / sizeof(fgraph[0]));
	tcase_add_loop_test(tc, test_graph_paths_by_task, 0, sizeof(fgraph) / sizeof(fgraph[0]));
	tcase_add_test(tc, test_graph_func);
	tcase_add_test(tc, test_lost_events);
	tcase_add_test(tc, test_cli_window);
	suite_add_tcase(s, tc);
	return s;
}
