// SPDX-License-Identifier: GPL-2.0
/*
 * Chrome trace-event JSON: it follows the Trace Event Format's rules
 * (trace-event-check.py: it parses, known phases and fields, X events nest
 * per thread, counters keep their series), every call of trace-cmd's report
 * is one X event with the duration trace-cmd printed, and every counter
 * sample is a count of a 'ftx_pmc:' line of the report.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <traceevent/event-parse.h>

#include "ftx/analysis.h"
#include "ftx/tracedat.h"
#include "test-analysis.h"

static const char *const fgraph[] = {
	"fixtures/linux-6.1-amd64/fgraph_openat2.v6",
	"fixtures/linux-6.1-arm64/fgraph_openat2.v6",
	"fixtures/converted/fgraph_612_cpucount.v7",
	"fixtures/linux-6.1-amd64/fgraph_pmc.v6",
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

static const char *export(const char *dat, const char *path)
{
	struct ftx_analysis_opts o = { .input = dat, .td_flags = FTX_TRACEDAT_NO_PLUGINS };
	FILE *out = fopen(path, "w");
	unsigned long long calls;
	char cmd[512];

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(ftx_chrome_export(&o, 0, out, &calls), 0);
	fclose(out);
	snprintf(cmd, sizeof(cmd), "m=$(python3 trace-event-check.py %s) || { echo \"$m\" >&2; exit 1; }",
		 path);
	ck_assert_msg(system(cmd) == 0, "%s (from %s): not by the Trace Event Format's rules", path,
		      dat);
	return path;
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

/*
 * Every record of a trace of tracepoints is one "i" event, in record order,
 * with its time and each number field as libtraceevent reads it, printed by
 * printf (signed by its C type; above 2^53 a hex string): across byte orders,
 * word sizes and the bench's kind of values (pointers, AT_FDCWD, repeats).
 */
static const char *const plain[] = {
	"fixtures/linux-6.1-amd64/sched_syscalls.v7",
	"fixtures/synth/le64.v6",
	"fixtures/synth/be64.v6",
	"fixtures/synth/le32.v6",
	"fixtures/synth/be32-zstd.v7",
	"fixtures/linux-6.1-amd64/kprobe_openat2.v6",
};

START_TEST(test_chrome_fields)
{
	char dat[256], path[] = "/tmp/ftx-test-chrome-XXXXXX", line[8192], want[512];
	unsigned long long recs = 0, nums = 0;
	struct ftx_tracedat *td;
	struct tep_record *rec;
	struct tep_handle *tep;
	FILE *in;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(dat, sizeof(dat), "%s.dat", plain[_i]);
	export(dat, path);
	in = fopen(path, "r");
	ck_assert_ptr_nonnull(in);
	td = ftx_tracedat_open(dat, FTX_TRACEDAT_NO_PLUGINS);
	ck_assert_ptr_nonnull(td);
	tep = ftx_tracedat_tep(td);
	while (ftx_tracedat_next(td, &rec) == 1) {
		struct tep_event *ev = tep_find_event(tep, tep_data_type(tep, rec));
		struct tep_format_field *f;
		const char *args;

		ck_assert_ptr_nonnull(ev);
		do
			ck_assert_msg(fgets(line, sizeof(line), in) != NULL, "%s: records after the last event",
				      dat);
		while (strncmp(line, "{\"ph\":\"i\",\"s\":\"t\"", 17));
		snprintf(want, sizeof(want), "{\"ph\":\"i\",\"s\":\"t\",\"name\":\"%s\",\"cat\":\"%s\",",
			 ev->name, ev->system);
		ck_assert_msg(!strncmp(line, want, strlen(want)), "%s: %s for %s", dat, line, want);
		snprintf(want, sizeof(want), ",\"ts\":%llu.%03llu,", rec->ts / 1000, rec->ts % 1000);
		ck_assert_msg(strstr(line, want) != NULL, "%s: %s without %s", dat, line, want);
		args = strstr(line, ",\"args\":{");
		ck_assert_ptr_nonnull(args);
		for (f = ev->format.fields; f; f = f->next) {
			unsigned long long v = 0;
			long long sv;
			const char *at;
			int n;

			if (f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_STRING | TEP_FIELD_IS_DYNAMIC) ||
			    f->offset + f->size > rec->size)
				continue;
			ck_assert_int_eq(tep_read_number_field(f, rec->data, &v), 0);
			sv = f->size == 1 ? (signed char)v : f->size == 2 ? (short)v :
			     f->size == 4 ? (int)v : (long long)v;
			n = snprintf(want, sizeof(want), "\"%s\":", f->name);
			if (f->flags & TEP_FIELD_IS_SIGNED)
				snprintf(want + n, sizeof(want) - n, "%lld", sv);
			else if (v >> 53)
				snprintf(want + n, sizeof(want) - n, "\"0x%llx\"", v);
			else
				snprintf(want + n, sizeof(want) - n, "%llu", v);
			at = strstr(args, want);
			ck_assert_msg(at && (at[strlen(want)] == ',' || at[strlen(want)] == '}'),
				      "%s: %s without %s", dat, line, want);
			nums++;
		}
		recs++;
	}
	ftx_tracedat_close(td);
	while (fgets(line, sizeof(line), in))
		ck_assert_msg(strncmp(line, "{\"ph\":\"i\",\"s\":\"t\"", 17),
			      "%s: an event past the records: %s", dat, line);
	fclose(in);
	unlink(path);
	ck_assert_uint_ge(recs, 10);
	ck_assert_uint_ge(nums, recs);
}
END_TEST

/*
 * record --pmc's counters (function_graph and --pmc cpu-clock,context-switches@20
 * on Debian's 6.1 amd64 kernel, tests/vm/scenarios/analysis.sh): one "C"
 * sample per EV=COUNT of each 'ftx_pmc: cpu=N' line of trace-cmd's report, on
 * the track "EV cpuN", at the line's time, in the same order; the calls are
 * still all there.
 */
START_TEST(test_chrome_pmc_counters)
{
	const char *base = "fixtures/linux-6.1-amd64/fgraph_pmc.v6";
	char dat[256], txt[256], path[] = "/tmp/ftx-test-chrome-XXXXXX", line[8192];
	struct ta_counts want = { 0 };
	unsigned long long xs = 0, pmc_lines = 0;
	size_t nwant = 0, ngot = 0, cap = 0;
	struct sample { char name[96]; unsigned long long us, v; } *w = NULL;
	FILE *in;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(dat, sizeof(dat), "%s.dat", base);
	snprintf(txt, sizeof(txt), "%s.report.txt", base);
	/* the report: "comm-pid [cpu] SECS.USECS: print: ... ftx_pmc: cpu=N ms=M EV=COUNT ..." */
	in = fopen(txt, "r");
	ck_assert_ptr_nonnull(in);
	while (fgets(line, sizeof(line), in)) {
		char *p = strstr(line, "ftx_pmc: cpu="), *tok, *save = NULL;
		unsigned long long sec, usec;
		int cpu;

		if (!p)
			continue;
		pmc_lines++;
		ck_assert_int_eq(sscanf(strstr(line, "] ") + 2, "%llu.%llu:", &sec, &usec), 2);
		cpu = atoi(p + 13);
		strtok_r(p + 9, " \n", &save);	/* cpu=N */
		while ((tok = strtok_r(NULL, " \n", &save))) {
			char *eq = strrchr(tok, '=');

			if (!strncmp(tok, "ms=", 3) || !strcmp(eq + 1, "-"))
				continue;
			if (nwant == cap) {
				cap = cap ? cap * 2 : 64;
				w = realloc(w, cap * sizeof(*w));
				ck_assert_ptr_nonnull(w);
			}
			snprintf(w[nwant].name, sizeof(w[0].name), "%.*s cpu%d", (int)(eq - tok), tok,
				 cpu);
			w[nwant].us = sec * 1000000 + usec;
			w[nwant].v = strtoull(eq + 1, NULL, 10);
			ta_counts_add(&want, w[nwant].name, strlen(w[nwant].name), 1);
			nwant++;
		}
	}
	fclose(in);
	ck_assert_uint_ge(pmc_lines, 20);
	in = fopen(export(dat, path), "r");
	ck_assert_ptr_nonnull(in);
	while (fgets(line, sizeof(line), in)) {
		unsigned long long us;
		char *name;

		xs += strstr(line, "{\"ph\":\"X\"") != NULL;
		if (!strstr(line, "{\"ph\":\"C\""))
			continue;
		name = strstr(line, "\"name\":\"") + 8;
		ck_assert_uint_lt(ngot, nwant);
		ck_assert_msg(!strncmp(name, w[ngot].name, strlen(w[ngot].name)) &&
			      name[strlen(w[ngot].name)] == '"', "sample %zu: %.40s, report: %s", ngot,
			      name, w[ngot].name);
		us = usec(line, "\"ts\":") / 1000;
		ck_assert_msg(us + 1 >= w[ngot].us && us <= w[ngot].us + 1,
			      "%s: at %llu us, report: %llu", w[ngot].name, us, w[ngot].us);
		ck_assert_uint_eq(strtoull(strstr(line, "\"count\":") + 8, NULL, 10), w[ngot].v);
		ngot++;
	}
	fclose(in);
	unlink(path);
	ck_assert_uint_eq(ngot, nwant);
	/* two counters on two CPUs */
	ck_assert_uint_eq(want.n, 4);
	ck_assert_uint_gt(xs, 0);
	free(w);
	ta_counts_free(&want);
}
END_TEST

Suite *analysis_export_suite(void)
{
	Suite *s = suite_create("analysis-export");
	TCase *tc = tcase_create("chrome");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_chrome_calls_nest, 0, sizeof(fgraph) / sizeof(fgraph[0]));
	tcase_add_test(tc, test_chrome_events);
	tcase_add_loop_test(tc, test_chrome_fields, 0, sizeof(plain) / sizeof(plain[0]));
	tcase_add_test(tc, test_chrome_pmc_counters);
	suite_add_tcase(s, tc);
	return s;
}
