// SPDX-License-Identifier: GPL-2.0
/*
 * Chrome trace-event JSON: it parses (python3's json module), the X events
 * of each thread nest, and every call of trace-cmd's report is one X event
 * with the duration trace-cmd printed.
 */
#include <check.h>
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

struct span {
	int tid;
	unsigned long long start, end;	/* ns */
	unsigned long long kdur;	/* the kernel's duration */
};

static unsigned long long usec(const char *line, const char *key)
{
	const char *p = strstr(line, key);
	unsigned long long a, b;

	ck_assert_msg(p != NULL, "no %s in %s", key, line);
	ck_assert_int_eq(sscanf(p + strlen(key), "%llu.%3llu", &a, &b), 2);
	return a * 1000 + b;
}

static int by_start(const void *x, const void *y)
{
	const struct span *a = x, *b = y;

	if (a->tid != b->tid)
		return a->tid < b->tid ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->end > b->end ? -1 : a->end < b->end;	/* outer first */
}

static char *export(const char *dat, const char *path)
{
	struct ftx_analysis_opts o = { .input = dat, .td_flags = FTX_TRACEDAT_NO_PLUGINS };
	FILE *out = fopen(path, "w");
	unsigned long long calls;
	char cmd[512];

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(ftx_chrome_export(&o, 0, out, &calls), 0);
	fclose(out);
	snprintf(cmd, sizeof(cmd), "python3 -c 'import json,sys; json.load(open(sys.argv[1]))' %s",
		 path);
	ck_assert_msg(system(cmd) == 0, "%s: not JSON", path);
	return NULL;
}

START_TEST(test_chrome_calls_nest)
{
	char dat[256], txt[256], path[] = "/tmp/ftx-test-chrome-XXXXXX", line[8192];
	struct ta_counts calls = { 0 }, seen = { 0 };
	unsigned long long roots, kroots = 0;
	struct span *v = NULL;
	size_t n = 0, cap = 0, i;
	FILE *in;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(dat, sizeof(dat), "%s.dat", fgraph[_i]);
	snprintf(txt, sizeof(txt), "%s.report.txt", fgraph[_i]);
	ta_read_graph_report(txt, &calls, &roots);
	export(dat, path);
	in = fopen(path, "r");
	ck_assert_ptr_nonnull(in);
	while (fgets(line, sizeof(line), in)) {
		char *name;

		if (!strstr(line, "{\"ph\":\"X\""))
			continue;
		name = strstr(line, "\"name\":\"") + 8;
		ta_counts_add(&seen, name, strcspn(name, "\""), 1);
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = realloc(v, cap * sizeof(*v));
			ck_assert_ptr_nonnull(v);
		}
		v[n].tid = atoi(strstr(line, "\"tid\":") + 6);
		v[n].start = usec(line, "\"ts\":");
		v[n].end = v[n].start + usec(line, "\"dur\":");
		ck_assert_ptr_null(strstr(line, "\"cut\""));
		v[n].kdur = usec(line, "\"kernel_dur_us\":");
		n++;
	}
	fclose(in);
	unlink(path);
	/* every call of the report, once */
	ck_assert_uint_eq(seen.n, calls.n);
	for (i = 0; i < calls.n; i++)
		ck_assert_msg(ta_counts_get(&seen, calls.name[i]) == calls.count[i],
			      "%s: %llu X events, %llu lines", calls.name[i],
			      ta_counts_get(&seen, calls.name[i]), calls.count[i]);
	/* nesting: per thread, each span inside the enclosing one or after it */
	qsort(v, n, sizeof(*v), by_start);
	for (i = 0; i < n; ) {
		unsigned long long stack[1100];
		int sp = 0;
		size_t j;

		for (j = i; j < n && v[j].tid == v[i].tid; j++) {
			while (sp && v[j].start >= stack[sp - 1])
				sp--;
			ck_assert_msg(!sp || v[j].end <= stack[sp - 1],
				      "tid %d: [%llu, %llu] overlaps its parent ending %llu", v[j].tid,
				      v[j].start, v[j].end, stack[sp - 1]);
			ck_assert_int_lt(sp, 1100);
			if (!sp)
				kroots += v[j].kdur;
			stack[sp++] = v[j].end;
		}
		i = j;
	}
	/* the calls no other call encloses last what trace-cmd printed for them */
	ck_assert_uint_eq(kroots, roots);
	free(v);
	ta_counts_free(&calls);
	ta_counts_free(&seen);
}
END_TEST

/* Other events: one "i" event each, with their fields */
START_TEST(test_chrome_events)
{
	char path[] = "/tmp/ftx-test-chrome-XXXXXX", line[8192];
	unsigned long long inst = 0, lines = 0, named = 0;
	FILE *in;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	export("fixtures/linux-6.1-amd64/kprobe_openat2.v6.dat", path);
	in = fopen(path, "r");
	while (fgets(line, sizeof(line), in)) {
		inst += strstr(line, "{\"ph\":\"i\"") != NULL;
		named += strstr(line, "\"name\":\"myopen\"") &&
			 strstr(line, "\"filename\":\"/proc/version\"") != NULL;
	}
	fclose(in);
	unlink(path);
	in = fopen("fixtures/linux-6.1-amd64/kprobe_openat2.v6.report.txt", "r");
	while (fgets(line, sizeof(line), in))
		lines += strstr(line, ": myopen") != NULL;
	fclose(in);
	ck_assert_uint_eq(inst, lines);
	ck_assert_uint_ge(named, 1);
}
END_TEST

Suite *analysis_export_suite(void)
{
	Suite *s = suite_create("analysis-export");
	TCase *tc = tcase_create("chrome");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_chrome_calls_nest, 0, sizeof(fgraph) / sizeof(fgraph[0]));
	tcase_add_test(tc, test_chrome_events);
	suite_add_tcase(s, tc);
	return s;
}
