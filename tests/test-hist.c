// SPDX-License-Identifier: GPL-2.0
/*
 * Histograms, cross-checked against trace-cmd's report of the same fixture:
 * the counts add up to the matching events, and each bucket holds the values
 * the report printed in its range (bucketed here independently).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/analysis.h"
#include "ftx/tracedat.h"
#include "test-analysis.h"

#define SCHED "fixtures/linux-6.1-amd64/sched_syscalls.v7"
#define KPROBE "fixtures/linux-6.1-amd64/kprobe_openat2.v6"

static char *hist(const char *dat, const char *spec, const char *key, unsigned long long step,
		  unsigned long long *counted)
{
	struct ftx_analysis_opts o = { .input = dat, .td_flags = FTX_TRACEDAT_NO_PLUGINS };
	struct ftx_hist_opts h = { .step = step };
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	ck_assert_int_eq(ftx_hist_spec_parse(spec, key, &h.spec), 0);
	ck_assert_int_eq(ftx_hist_run(&o, &h, out, counted), 0);
	fclose(out);
	return text;
}

/* The count printed on the row labelled @label, 0 when there is none */
static unsigned long long row(const char *text, const char *label)
{
	char want[96];
	const char *p;

	snprintf(want, sizeof(want), "\n %-28s ", label);
	p = strstr(text, want);
	return p ? strtoull(p + strlen(want), NULL, 10) : 0;
}

/* "... name: ... KEY0xHEX" values of the report lines of @event */
static size_t report_values(const char *txt, const char *event, const char *key, long long *v,
			    size_t max)
{
	FILE *f = fopen(txt, "r");
	char line[4096], tag[128];
	size_t n = 0;

	ck_assert_ptr_nonnull(f);
	snprintf(tag, sizeof(tag), " %s: ", event);
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, tag);

		if (!p)
			continue;
		p = strstr(p + strlen(tag), key);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_lt(n, max);
		v[n++] = (long long)strtoull(p + strlen(key), NULL, 16);
	}
	fclose(f);
	return n;
}

static void log2_label(long long v, char *buf, size_t len)
{
	unsigned long long a = v < 0 ? -(unsigned long long)v : (unsigned long long)v, lo = 1;

	while (lo < (1ULL << 63) && lo * 2 <= a)
		lo *= 2;
	if (v == 0)
		snprintf(buf, len, "[0]");
	else if (v == 1)
		snprintf(buf, len, "[1]");
	else if (v == -1)
		snprintf(buf, len, "[-1]");
	else if (v < 0)
		snprintf(buf, len, "(-%llu, -%llu]", lo * 2, lo);
	else
		snprintf(buf, len, "[%llu, %llu)", lo, lo * 2);
}

static void check_buckets(const char *text, const long long *v, size_t n)
{
	struct ta_counts want = { 0 };
	char label[96];
	size_t i;

	for (i = 0; i < n; i++) {
		log2_label(v[i], label, sizeof(label));
		ta_counts_add(&want, label, strlen(label), 1);
	}
	for (i = 0; i < want.n; i++)
		ck_assert_msg(row(text, want.name[i]) == want.count[i], "%s: %llu, report: %llu",
			      want.name[i], row(text, want.name[i]), want.count[i]);
	ta_counts_free(&want);
}

START_TEST(test_hist_field)
{
	static long long v[20000];
	unsigned long long counted;
	size_t n = report_values(SCHED ".report.txt", "sys_exit_openat", "", v, 20000);
	char *text;

	/* sys_exit_openat prints "0x3": the key is the start of the value */
	ck_assert_uint_gt(n, 10000);
	text = hist(SCHED ".dat", "syscalls:sys_exit_openat.ret", NULL, 0, &counted);
	ck_assert_uint_eq(counted, n);
	check_buckets(text, v, n);
	free(text);
	/* linear, step 1: one bucket per value */
	text = hist(SCHED ".dat", "sys_exit_openat.ret", NULL, 1, &counted);
	ck_assert_uint_eq(counted, n);
	for (long long x = 0; x < 10; x++) {
		char label[64];
		unsigned long long c = 0;

		for (size_t i = 0; i < n; i++)
			c += v[i] == x;
		snprintf(label, sizeof(label), "[%lld, %lld)", x, x + 1);
		ck_assert_uint_eq(row(text, label), c);
	}
	free(text);
}
END_TEST

/* a kretprobe's u64 $retval: -ENOENT is a negative bucket */
START_TEST(test_hist_probe_retval)
{
	long long v[64];
	unsigned long long counted;
	size_t n = report_values(KPROBE ".report.txt", "myopenret", "ret=0x", v, 64);
	char *text = hist(KPROBE ".dat", "ftxfix:myopenret.ret", NULL, 0, &counted);
	bool negative = false;

	ck_assert_uint_eq(counted, n);
	for (size_t i = 0; i < n; i++)
		negative |= v[i] < 0;
	ck_assert(negative);
	check_buckets(text, v, n);
	free(text);
}
END_TEST

START_TEST(test_hist_duration)
{
	struct ta_counts calls = { 0 }, times = { 0 };
	unsigned long long counted, ncalls = 0, sum = 0;
	const char *fn = "kmem_cache_alloc";
	double avg;
	char *text, *p;

	ta_read_graph_paths("fixtures/linux-6.1-arm64/fgraph_openat2.v6.report.txt", &calls,
			    &times);
	for (size_t i = 0; i < calls.n; i++) {
		const char *last = strrchr(calls.name[i], ';');

		if (!strcmp(last ? last + 1 : calls.name[i], fn)) {
			ncalls += calls.count[i];
			sum += ta_counts_get(&times, calls.name[i]);
		}
	}
	ck_assert_uint_gt(ncalls, 2);
	text = hist("fixtures/linux-6.1-arm64/fgraph_openat2.v6.dat", "duration:kmem_cache_alloc",
		    NULL, 0, &counted);
	ck_assert_uint_eq(counted, ncalls);
	p = strstr(text, " avg ");
	ck_assert_ptr_nonnull(p);
	avg = strtod(p + 5, NULL);
	ck_assert_double_eq_tol(avg * ncalls, (double)sum, 0.0005 * ncalls + 1e-6);
	free(text);
	ta_counts_free(&calls);
	ta_counts_free(&times);
}
END_TEST

/* enter -> exit of the same task: as many values as pairs in the report */
START_TEST(test_hist_latency)
{
	FILE *f = fopen(SCHED ".report.txt", "r");
	struct ta_counts open = { 0 };
	unsigned long long pairs = 0, orphans = 0, counted;
	char line[4096], want[128], *text;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		bool enter = strstr(line, " sys_enter_openat: "), exit_ = strstr(line, " sys_exit_openat: ");
		char *cpu = strchr(line, '['), *dash, task[32];

		if (!enter && !exit_)
			continue;
		for (dash = cpu; dash > line && dash[-1] != '-'; dash--)
			;
		snprintf(task, sizeof(task), "%.*s", (int)strcspn(dash, " "), dash);
		if (enter) {
			if (!ta_counts_get(&open, task))
				ta_counts_add(&open, task, strlen(task), 1);
		} else if (ta_counts_get(&open, task)) {
			ta_counts_add(&open, task, strlen(task), -1ULL);
			pairs++;
		} else {
			orphans++;
		}
	}
	fclose(f);
	text = hist(SCHED ".dat", "latency:sys_enter_openat,sys_exit_openat", NULL, 0, &counted);
	ck_assert_uint_eq(counted, pairs);
	snprintf(want, sizeof(want), "# %llu sys_exit_openat events without a sys_enter_openat",
		 orphans);
	ck_assert_msg(strstr(text, want), "%s", text);
	free(text);
	ta_counts_free(&open);
}
END_TEST

START_TEST(test_hist_spec)
{
	struct ftx_hist_spec sp;

	ck_assert_int_eq(ftx_hist_spec_parse("syscalls:sys_exit_read.ret", NULL, &sp), 0);
	ck_assert_str_eq(sp.system, "syscalls");
	ck_assert_str_eq(sp.event, "sys_exit_read");
	ck_assert_str_eq(sp.field, "ret");
	ck_assert_int_eq(ftx_hist_spec_parse("latency:sched_wakeup,sched:sched_switch", "pid,next_pid",
					     &sp), 0);
	ck_assert_int_eq(sp.kind, FTX_HIST_LATENCY);
	ck_assert_str_eq(sp.system2, "sched");
	ck_assert_str_eq(sp.key, "pid");
	ck_assert_str_eq(sp.key2, "next_pid");
	ck_assert_int_eq(ftx_hist_spec_parse("duration:vfs_read", NULL, &sp), 0);
	ck_assert_str_eq(sp.event, "vfs_read");
	ck_assert_int_eq(ftx_hist_spec_parse("sys_exit_read", NULL, &sp), -1);
	ck_assert_int_eq(ftx_hist_spec_parse("latency:a", NULL, &sp), -1);
	ck_assert_int_eq(ftx_hist_spec_parse("latency:a,b", ",x", &sp), -1);
	ck_assert_int_eq(ftx_hist_spec_parse("duration:", NULL, &sp), -1);
	ck_assert_int_eq(ftx_hist_spec_parse("a.b", "k", &sp), -1);
}
END_TEST

/*
 * --by-task: one histogram per task, each counting that task's events; the
 * tasks and counts are those of the report's sys_exit_openat lines
 * (comm-pid, their first word)
 */
START_TEST(test_hist_by_task)
{
	struct ftx_analysis_opts o = { .input = SCHED ".dat", .td_flags = FTX_TRACEDAT_NO_PLUGINS };
	struct ftx_hist_opts h = { .by_task = true };
	struct ta_counts want = { 0 }, got = { 0 };
	FILE *f = fopen(SCHED ".report.txt", "r"), *out;
	char line[4096], *text = NULL, *p;
	unsigned long long counted, sum = 0;
	size_t len = 0, i;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, " sys_exit_openat: "))
			continue;
		p = line + strspn(line, " ");
		ta_counts_add(&want, p, strcspn(p, " "), 1);
	}
	fclose(f);
	ck_assert_uint_gt(want.n, 5);
	out = open_memstream(&text, &len);
	ck_assert_int_eq(ftx_hist_spec_parse("syscalls:sys_exit_openat.ret", NULL, &h.spec), 0);
	ck_assert_int_eq(ftx_hist_run(&o, &h, out, &counted), 0);
	fclose(out);
	/* "# task NAME\n# N values, ..." */
	for (p = strstr(text, "\n# task "); p; p = strstr(p + 1, "\n# task ")) {
		char *name = p + 8, *nl = strchr(name, '\n');

		ck_assert_ptr_nonnull(nl);
		ck_assert_msg(!strncmp(nl, "\n# ", 3), "no count after %.40s", name);
		ta_counts_add(&got, name, nl - name, strtoull(nl + 3, NULL, 10));
	}
	ck_assert_uint_eq(got.n, want.n);
	for (i = 0; i < want.n; i++) {
		ck_assert_msg(ta_counts_get(&got, want.name[i]) == want.count[i],
			      "%s: %llu values, %llu report lines", want.name[i],
			      ta_counts_get(&got, want.name[i]), want.count[i]);
		sum += want.count[i];
	}
	ck_assert_uint_eq(counted, sum);
	free(text);
	ta_counts_free(&want);
	ta_counts_free(&got);
}
END_TEST

Suite *hist_suite(void)
{
	Suite *s = suite_create("hist");
	TCase *tc = tcase_create("hist");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_hist_field);
	tcase_add_test(tc, test_hist_probe_retval);
	tcase_add_test(tc, test_hist_duration);
	tcase_add_test(tc, test_hist_latency);
	tcase_add_test(tc, test_hist_spec);
	tcase_add_test(tc, test_hist_by_task);
	suite_add_tcase(s, tc);
	return s;
}
