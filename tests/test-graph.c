// SPDX-License-Identifier: GPL-2.0
/*
 * The call-graph view, fed with records built from the funcgraph formats of a
 * real 6.1 x86_64 kernel (its events/ftrace/funcgraph_entry and _exit format files).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "ftx/graph.h"

static const char fmt_exit[] =
	"name: funcgraph_exit\n"
	"ID: 10\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:unsigned long func;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:int depth;\toffset:16;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned int overrun;\toffset:20;\tsize:4;\tsigned:0;\n"
	"\tfield:unsigned long long calltime;\toffset:24;\tsize:8;\tsigned:0;\n"
	"\tfield:unsigned long long rettime;\toffset:32;\tsize:8;\tsigned:0;\n"
	"\n"
	"print fmt: \"<-- %ps (%d) (start: %llx  end: %llx) over: %d\", (void *)REC->func, "
	"REC->depth, REC->calltime, REC->rettime, REC->depth\n";

static const char fmt_entry[] =
	"name: funcgraph_entry\n"
	"ID: 11\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:unsigned long func;\toffset:8;\tsize:8;\tsigned:0;\n"
	"\tfield:int depth;\toffset:16;\tsize:4;\tsigned:1;\n"
	"\n"
	"print fmt: \"--> %ps (%d)\", (void *)REC->func, REC->depth\n";

static const char *const funcs[] = { "do_sys_openat2", "getname", "do_filp_open",
				     "path_openat", "kmem_cache_alloc", "schedule" };
#define A 0
#define B 1
#define C 2
#define D 3
#define E 4
#define F 5

struct fixture {
	struct tep_handle *tep;
	char *out;
	size_t outlen;
	FILE *f;
	struct ftx_graph *g;
};

static struct fixture fx;

static unsigned long long addr(int fn)
{
	return 0xffffffff81000000ULL + 0x1000ULL * fn;
}

static void setup(const struct ftx_graph_opts *opts)
{
	size_t i;

	fx.tep = tep_alloc();
	ck_assert_ptr_nonnull(fx.tep);
	tep_set_long_size(fx.tep, 8);
	tep_set_file_bigendian(fx.tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(fx.tep, TEP_LITTLE_ENDIAN);
	ck_assert_int_eq(tep_parse_event(fx.tep, fmt_exit, sizeof(fmt_exit) - 1, "ftrace"), 0);
	ck_assert_int_eq(tep_parse_event(fx.tep, fmt_entry, sizeof(fmt_entry) - 1, "ftrace"), 0);
	for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
		tep_register_function(fx.tep, (char *)funcs[i], addr(i), NULL);
	tep_register_comm(fx.tep, "ls", 100);
	tep_register_comm(fx.tep, "cat", 200);
	fx.f = open_memstream(&fx.out, &fx.outlen);
	fx.g = ftx_graph_alloc(fx.tep, opts, fx.f);
	ck_assert_ptr_nonnull(fx.g);
}

static char *finish(void)
{
	ck_assert_int_eq(ftx_graph_finish(fx.g), 0);
	ftx_graph_free(fx.g);
	fclose(fx.f);
	tep_free(fx.tep);
	return fx.out;
}

static void feed(int cpu, int pid, unsigned long long ts, int id, int fn, int depth,
		 unsigned long long calltime, int flags)
{
	unsigned char data[40] = { 0 };
	struct tep_record rec = { 0 };
	unsigned long long a = addr(fn);
	unsigned short type = id;

	memcpy(data, &type, 2);
	data[2] = flags;
	memcpy(data + 4, &pid, 4);
	memcpy(data + 8, &a, 8);
	memcpy(data + 16, &depth, 4);
	if (id == 10) {
		memcpy(data + 24, &calltime, 8);
		memcpy(data + 32, &ts, 8);
	}
	rec.ts = ts;
	rec.cpu = cpu;
	rec.data = data;
	rec.size = id == 10 ? 40 : 24;
	ck_assert_int_eq(ftx_graph_add(fx.g, &rec), 0);
}

#define ENTRY(cpu, pid, ts, fn, d)	feed(cpu, pid, ts, 11, fn, d, 0, 0)
#define EXIT(cpu, pid, ts, fn, d, t0)	feed(cpu, pid, ts, 10, fn, d, t0, 0)

/* ls opens a file; cat runs on the other CPU in between. */
static void scenario(void)
{
	ENTRY(0, 100, 1000000000, A, 0);
	ENTRY(0, 100, 1000001000, B, 1);
	ENTRY(1, 200, 1000001100, F, 0);	/* another task between entry and exit */
	EXIT(0, 100, 1000001300, B, 1, 1000001000);
	ENTRY(0, 100, 1000001400, C, 1);
	ENTRY(0, 100, 1000001500, D, 2);
	ENTRY(0, 100, 1000001600, E, 3);
	EXIT(0, 100, 1000001700, E, 3, 1000001600);
	EXIT(0, 100, 1000150000, D, 2, 1000001500);
	EXIT(0, 100, 1000160000, C, 1, 1000001400);
	EXIT(0, 100, 1002000000, A, 0, 1000000000);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)); hay++)
		n++;
	return n;
}

START_TEST(test_per_task_leaves)
{
	struct ftx_graph_opts o = { .show_events = true };
	char *out;

	setup(&o);
	scenario();
	out = finish();
	/* getname stays a leaf although cat's entry lies between its entry and exit */
	ck_assert_msg(strstr(out, "|    getname();\n"), "%s", out);
	ck_assert_msg(strstr(out, "  0.300 us |    getname();"), "%s", out);
	ck_assert_msg(strstr(out, "|  do_sys_openat2() {\n"), "%s", out);
	ck_assert_msg(strstr(out, "|    do_filp_open() {\n"), "%s", out);
	ck_assert_msg(strstr(out, "|      path_openat() {\n"), "%s", out);
	ck_assert_msg(strstr(out, "|        kmem_cache_alloc();\n"), "%s", out);
	/* closing braces name their function and carry the kernel's marks */
	ck_assert_msg(strstr(out, "! 148.500 us |      } /* path_openat */"), "%s", out);
	ck_assert_msg(strstr(out, "! 158.600 us |    } /* do_filp_open */"), "%s", out);
	ck_assert_msg(strstr(out, "# 2000.000 us |  } /* do_sys_openat2 */"), "%s", out);
	/* cat never returned: said so at the end */
	ck_assert_msg(strstr(out, "schedule() { /* no exit before the end of the trace */"), "%s",
		      out);
	ck_assert_int_eq(count(out, "() {"), 4);
	ck_assert_int_eq(count(out, "} /*"), 3);
	/* the task switches on CPU 1 (none before cat) and none on CPU 0 */
	ck_assert_int_eq(count(out, "=>"), 0);
	free(out);
}
END_TEST

START_TEST(test_min_duration)
{
	struct ftx_graph_opts o = { .min_duration = 100000, .show_events = true };
	char *out;

	setup(&o);
	scenario();
	out = finish();
	/* only calls of 100 us or more, with the path down to them */
	ck_assert_msg(!strstr(out, "getname"), "%s", out);
	ck_assert_msg(!strstr(out, "kmem_cache_alloc"), "%s", out);
	ck_assert_msg(strstr(out, "|      path_openat();\n"), "%s", out);
	ck_assert_msg(strstr(out, "|    do_filp_open() {\n"), "%s", out);
	ck_assert_msg(strstr(out, "} /* do_sys_openat2 */"), "%s", out);
	free(out);
}
END_TEST

START_TEST(test_func_and_depth)
{
	struct ftx_graph_opts o = { .func = "do_filp_open", .max_depth = 2, .show_events = true };
	char *out;

	setup(&o);
	scenario();
	out = finish();
	ck_assert_msg(!strstr(out, "do_sys_openat2"), "%s", out);
	ck_assert_msg(!strstr(out, "getname"), "%s", out);
	ck_assert_msg(!strstr(out, "schedule"), "%s", out);
	/* rooted at do_filp_open: no indentation; path_openat is a leaf at depth 2 */
	ck_assert_msg(strstr(out, "|  do_filp_open() {\n"), "%s", out);
	ck_assert_msg(strstr(out, "|    path_openat();\n"), "%s", out);
	ck_assert_msg(!strstr(out, "kmem_cache_alloc"), "%s", out);
	free(out);
}
END_TEST

START_TEST(test_lost_events_break_stacks)
{
	struct ftx_graph_opts o = { .show_events = true };
	char *out;

	setup(&o);
	ENTRY(0, 100, 1000000000, A, 0);
	ENTRY(0, 100, 1000001000, C, 1);
	ck_assert_int_eq(ftx_graph_lost(fx.g, 0, 42), 0);
	EXIT(0, 100, 1000002000, C, 1, 1000001000);
	EXIT(0, 100, 1000003000, A, 0, 1000000000);
	out = finish();
	ck_assert_msg(strstr(out, "*** 42 events lost on CPU 0 ***"), "%s", out);
	ck_assert_msg(strstr(out, "call stack of ls-100 broken"), "%s", out);
	ck_assert_msg(strstr(out, "do_filp_open() { /* exit not in trace */"), "%s", out);
	ck_assert_msg(strstr(out, "} /* do_sys_openat2: exit not in trace */"), "%s", out);
	ck_assert_msg(strstr(out, "} /* do_filp_open (entry not in trace) */"), "%s", out);
	ck_assert_msg(strstr(out, "# 42 events lost"), "%s", out);
	free(out);
}
END_TEST

START_TEST(test_switch_and_irq)
{
	struct ftx_graph_opts o = { .show_events = true };
	char *out;

	setup(&o);
	ENTRY(0, 100, 1000000000, A, 0);
	feed(0, 100, 1000000100, 11, E, 1, 0, 0x09);	/* hardirq context */
	feed(0, 100, 1000000200, 10, E, 1, 1000000100, 0x09);
	EXIT(0, 100, 1000000300, A, 0, 1000000000);
	ENTRY(0, 200, 1000000400, F, 0);
	out = finish();
	ck_assert_msg(strstr(out, "==========> (interrupt)"), "%s", out);
	ck_assert_msg(strstr(out, "<========== (interrupt done)"), "%s", out);
	ck_assert_msg(strstr(out, "ls-100 => cat-200"), "%s", out);
	free(out);
}
END_TEST

START_TEST(test_marks)
{
	ck_assert_int_eq(ftx_graph_mark(10000), ' ');
	ck_assert_int_eq(ftx_graph_mark(10001), '+');
	ck_assert_int_eq(ftx_graph_mark(100001), '!');
	ck_assert_int_eq(ftx_graph_mark(1000001), '#');
	ck_assert_int_eq(ftx_graph_mark(10000001), '*');
	ck_assert_int_eq(ftx_graph_mark(100000001), '@');
	ck_assert_int_eq(ftx_graph_mark(1000000001), '$');
}
END_TEST

/*
 * The real trace: every call the graph view prints (opened or leaf) must be,
 * task by task and in order, a funcgraph_entry trace-cmd printed for the file.
 */
static int collect(const char *text, const char *marker, int *pids, char (*names)[64], int max)
{
	const char *line = text, *next, *p, *bar, *end;
	char buf[512];
	size_t len;
	int n = 0;

	for (; line && *line; line = next) {
		next = strchr(line, '\n');
		len = next ? (size_t)(next - line) : strlen(line);
		if (next)
			next++;
		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, line, len);
		buf[len] = '\0';
		if (marker && !strstr(buf, marker))
			continue;
		if (buf[0] == '#' || strstr(buf, "*** ") || strstr(buf, "------") ||
		    strstr(buf, "=>"))
			continue;
		bar = strrchr(buf, '|');
		if (!bar)
			continue;
		p = bar + 1;
		while (*p == ' ')
			p++;
		if (*p == '}' || *p == '/' || *p == '=' || *p == '<' || !*p)
			continue;
		if (n == max)
			break;
		sscanf(p, "%63[^(]", names[n]);
		/* "comm-pid" ends before " [cpu]" (trace-cmd) or before the time (graph) */
		p = buf;
		if (!marker)
			p = strchr(buf, ')') + 1;
		while (*p == ' ')
			p++;
		end = marker ? strchr(p, '[') : strchr(p, ' ');
		while (end > p && end[-1] == ' ')
			end--;
		while (end > p && end[-1] != '-')
			end--;
		pids[n] = atoi(end);
		n++;
	}
	return n;
}

START_TEST(test_fixture_matches_trace_cmd)
{
	static const char *const files[] = {
		"fixtures/linux-6.1-amd64/fgraph_openat2.v6",
		"fixtures/linux-6.1-arm64/fgraph_openat2.v6",
	};
	static int gp[20000], tp[20000];
	static char gn[20000][64], tn[20000][64];
	char path[256], *golden, *out;
	size_t len;
	int ng, nt, i, j, k;
	FILE *f;

	for (k = 0; k < 2; k++) {
		snprintf(path, sizeof(path), "%s.report.txt", files[k]);
		f = fopen(path, "r");
		ck_assert_ptr_nonnull(f);
		golden = malloc(1 << 21);
		golden[fread(golden, 1, (1 << 21) - 1, f)] = '\0';
		fclose(f);
		f = open_memstream(&out, &len);
		snprintf(path, sizeof(path), "%s.dat", files[k]);
		ck_assert_int_eq(ftx_graph_report(path, 0, NULL, 0, NULL, f), 0);
		fclose(f);
		ng = collect(out, NULL, gp, gn, 20000);
		nt = collect(golden, "funcgraph_entry:", tp, tn, 20000);
		ck_assert_int_gt(nt, 50);
		ck_assert_int_eq(ng, nt);
		/* same calls per task, in the same order */
		for (i = 0; i < nt; i++) {
			for (j = 0; j < ng && gp[j] != tp[i]; j++)
				;
			ck_assert_msg(j < ng, "%s: pid %d of trace-cmd's line %d missing", files[k],
				      tp[i], i);
			ck_assert_msg(!strcmp(gn[j], tn[i]), "%s: call %d of pid %d: %s, trace-cmd %s",
				      files[k], i, tp[i], gn[j], tn[i]);
			gp[j] = -1;
		}
		free(golden);
		free(out);
	}
}
END_TEST

Suite *graph_suite(void)
{
	Suite *s = suite_create("graph");
	TCase *tc = tcase_create("synthetic");

	tcase_add_test(tc, test_per_task_leaves);
	tcase_add_test(tc, test_min_duration);
	tcase_add_test(tc, test_func_and_depth);
	tcase_add_test(tc, test_lost_events_break_stacks);
	tcase_add_test(tc, test_switch_and_irq);
	tcase_add_test(tc, test_marks);
	suite_add_tcase(s, tc);
	tc = tcase_create("fixtures");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fixture_matches_trace_cmd);
	suite_add_tcase(s, tc);
	return s;
}
