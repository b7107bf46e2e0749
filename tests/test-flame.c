// SPDX-License-Identifier: GPL-2.0
/*
 * Flame graphs: the folded stacks' weights are the self times of trace-cmd's
 * call paths, they add up to the roots' total; the SVG is well-formed XML
 * (xmllint), has a frame per call path, and each frame lies inside its parent.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftx/analysis.h"
#include "test-analysis.h"

static const char *const fgraph[] = {
	"fixtures/linux-6.1-amd64/fgraph_openat2.v6",
	"fixtures/linux-6.1-arm64/fgraph_openat2.v6",
	"fixtures/converted/fgraph_612_cpucount.v7",
	"fixtures/linux-6.1-amd64/fgraph_pmc.v6",	/* calls shorter than the calls inside */
};

static char *render(struct ftx_calltree *ct, bool svg, const struct ftx_flame_opts *fo)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(svg ? ftx_flame_svg(ct, fo, out) : ftx_flame_folded(ct, out), 0);
	fclose(out);
	return text;
}

START_TEST(test_folded_matches_report)
{
	struct ta_counts calls = { 0 }, times = { 0 }, self = { 0 };
	char dat[256], txt[256], *text, *line, *save = NULL;
	unsigned long long sum = 0, lines = 0, want = 0;
	struct ftx_calltree *ct;
	size_t i;

	snprintf(dat, sizeof(dat), "%s.dat", fgraph[_i]);
	snprintf(txt, sizeof(txt), "%s.report.txt", fgraph[_i]);
	/* self of a path: per call, its time minus its direct children's */
	ta_read_graph_selfs(txt, &calls, &times, &self);
	for (i = 0; i < self.n; i++)
		want += self.count[i];
	ct = ta_build(dat, false);
	text = render(ct, false, NULL);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strrchr(line, ' ');
		unsigned long long w;

		ck_assert_ptr_nonnull(sp);
		w = strtoull(sp + 1, NULL, 10);
		*sp = '\0';
		ck_assert_msg(w == ta_counts_get(&self, line), "%s: %llu, report: %llu", line, w,
			      ta_counts_get(&self, line));
		sum += w;
		lines++;
	}
	ck_assert_uint_eq(lines, self.n);
	ck_assert_uint_eq(sum, want);
	/* where no call is shorter than its calls, that is the roots' time */
	if (_i < 3)
		ck_assert_uint_eq(sum, ftx_calltree_root(ct)->total);
	else
		ck_assert_uint_gt(sum, ftx_calltree_root(ct)->total);
	free(text);
	ftx_calltree_free(ct);
	ta_counts_free(&calls);
	ta_counts_free(&times);
	ta_counts_free(&self);
}
END_TEST

static unsigned long long attr(const char *g, const char *name)
{
	const char *p = strstr(g, name);

	ck_assert_ptr_nonnull(p);
	return strtoull(p + strlen(name) + 2, NULL, 10);
}

/* Each frame inside the frame one level up that covers its start */
static void check_nesting(const char *svg, unsigned long long total)
{
	unsigned long long x[1100], w[1100];
	const char *g;
	int frames = 0;

	for (g = strstr(svg, "<g class=\"f\""); g; g = strstr(g + 1, "<g class=\"f\"")) {
		unsigned long long gx = attr(g, "data-x"), gw = attr(g, "data-w");
		int d = (int)attr(g, "data-d");

		ck_assert_int_lt(d, 1100);
		if (d == 0) {
			ck_assert_uint_eq(gx, 0);
			ck_assert_uint_eq(gw, total);
		} else {
			ck_assert_uint_ge(gx, x[d - 1]);
			ck_assert_uint_le(gx + gw, x[d - 1] + w[d - 1]);
		}
		x[d] = gx;
		w[d] = gw;
		frames++;
	}
	ck_assert_int_gt(frames, 20);
}

static void xmllint(const char *text)
{
	char path[] = "/tmp/ftx-test-flame-XXXXXX", cmd[256];
	FILE *f;
	int fd = mkstemp(path), rc;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "xmllint --noout %s", path);
	rc = system(cmd);
	unlink(path);
	ck_assert_msg(rc == 0, "xmllint rejects the SVG (is libxml2-utils installed? scripts/deps.sh installs it)");
}

START_TEST(test_svg_well_formed)
{
	char dat[256];
	struct ftx_flame_opts fo = { .title = "Flame <&> \"test\"" };
	char *svg, *inv, *text, *line, *save = NULL;
	unsigned long long total = 0;
	struct ftx_calltree *ct;

	snprintf(dat, sizeof(dat), "%s.dat", fgraph[_i]);
	ct = ta_build(dat, false);
	svg = render(ct, true, &fo);
	xmllint(svg);
	/* the top frame: the sum of the folded weights */
	text = render(ct, false, NULL);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		total += strtoull(strrchr(line, ' ') + 1, NULL, 10);
	free(text);
	check_nesting(svg, total);
	ck_assert_ptr_nonnull(strstr(svg, "Flame &lt;&amp;&gt; &quot;test&quot;: "));
	ck_assert_ptr_nonnull(strstr(svg, "weight: time (function_graph)"));
	ck_assert_ptr_nonnull(strstr(svg, "Linux 6."));
	ck_assert_ptr_nonnull(strstr(svg, "data-n=\"do_sys_openat2\""));
	fo.inverted = true;
	inv = render(ct, true, &fo);
	xmllint(inv);
	ck_assert_ptr_nonnull(strstr(inv, "inverted (icicle)"));
	/* icicle: the root's frame is the top row */
	ck_assert_ptr_nonnull(strstr(inv, "data-d=\"0\" data-n=\"all\"><title>all ("));
	ck_assert_ptr_nonnull(strstr(strstr(inv, "data-n=\"all\""), " y=\"60\""));
	free(svg);
	free(inv);
	ftx_calltree_free(ct);
}
END_TEST

/* A function trace: hit-weighted, one folded line per caller -> function */
START_TEST(test_flame_function_hits)
{
	struct ftx_calltree *ct = ta_build("fixtures/linux-6.1-amd64/function_vfs.v6.dat", false);
	char *folded = render(ct, false, NULL), *svg = render(ct, true, NULL);

	ck_assert_ptr_nonnull(strstr(folded, "vfs_fstatat;vfs_statx 223\n"));
	ck_assert_ptr_nonnull(strstr(svg, "weight: hits (function tracer, caller -&gt; function)"));
	xmllint(svg);
	free(folded);
	free(svg);
	ftx_calltree_free(ct);
}
END_TEST

/*
 * The stacks of a report with kernel stack traces, as folded lines: each
 * " kernel_stack: " line's "=> func" lines (innermost first) after its event's
 * line. @leaf names the event; NULL: a function trace (--func-stack), whose
 * leaf is the function of the "function:" line before the stack, and whose
 * frames inside that function (the tracer's trampoline) are no call path.
 */
static unsigned long long report_stacks(const char *report, const char *leaf,
					struct ta_counts *want)
{
	FILE *in = fopen(report, "r");
	char line[4096], frames[64][160], func[160] = "";
	unsigned long long stacks = 0;
	int n = -1, i, lo;

	ck_assert_ptr_nonnull(in);
	for (;;) {
		bool more = fgets(line, sizeof(line), in) != NULL;

		if (more && !strncmp(line, "=> ", 3) && n >= 0 && n < 64) {
			snprintf(frames[n++], sizeof(frames[0]), "%.*s", (int)strcspn(line + 3, " "),
				 line + 3);
			continue;
		}
		if (n > 0) {
			char path[8192] = "";
			size_t len = 0;

			/* innermost first: the frames before the function's are the tracer's */
			lo = 0;
			if (!leaf)
				for (i = 0; i < n; i++)
					if (!strcmp(frames[i], func)) {
						lo = i + 1;
						break;
					}
			for (i = n - 1; i >= lo; i--)
				len += snprintf(path + len, sizeof(path) - len, "%s;", frames[i]);
			snprintf(path + len, sizeof(path) - len, "%s", leaf ? leaf : func);
			ta_counts_add(want, path, strlen(path), 1);
			stacks++;
		}
		n = -1;
		if (!more)
			break;
		if (strstr(line, " kernel_stack: ")) {
			n = 0;
		} else if (!leaf && strstr(line, " function: ")) {
			char *f = strstr(line, " function: ") + 11;

			f += strspn(f, " ");
			snprintf(func, sizeof(func), "%.*s", (int)strcspn(f, " \n"), f);
		}
	}
	fclose(in);
	return stacks;
}

/* Each folded line is one of @want's paths, with its count; all of them */
static void folded_is(struct ftx_calltree *ct, const struct ta_counts *want,
		      unsigned long long stacks)
{
	char *text = render(ct, false, NULL), *l, *save = NULL;
	unsigned long long lines = 0, sum = 0;

	for (l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *sp = strrchr(l, ' ');
		unsigned long long w = strtoull(sp + 1, NULL, 10);

		*sp = '\0';
		ck_assert_msg(w == ta_counts_get(want, l), "%s: %llu, report: %llu", l, w,
			      ta_counts_get(want, l));
		sum += w;
		lines++;
	}
	ck_assert_uint_eq(lines, want->n);
	ck_assert_uint_eq(sum, stacks);
	free(text);
}

/*
 * Events recorded with kernel stack traces (ftx record -T on this project's
 * host, 6.18): hit-weighted, one folded line per distinct stack with the
 * event as its leaf; the stacks are trace-cmd's "=> func" lines, innermost
 * first, each after its event's line on the same CPU.
 */
START_TEST(test_flame_event_stacks)
{
	struct ta_counts want = { 0 };
	struct ftx_calltree *ct;
	char *text;

	ck_assert_uint_eq(report_stacks("fixtures/host-6.18/sched_stack.v6.report.txt",
					"[sched:sched_switch]", &want), 3047);
	ct = ta_build("fixtures/host-6.18/sched_stack.v6.dat", false);
	ck_assert_int_eq(ftx_calltree_weight(ct), FTX_WEIGHT_COUNT);
	ck_assert_uint_eq(ftx_calltree_stats(ct)->stacks, 3047);
	folded_is(ct, &want, 3047);
	text = render(ct, true, NULL);
	ck_assert_ptr_nonnull(strstr(text, "weight: hits (kernel stack traces), 3047 in all"));
	xmllint(text);
	free(text);
	ta_counts_free(&want);
	ftx_calltree_free(ct);
}
END_TEST

/*
 * A function trace with func_stack_trace (ftx record -p function --func-stack
 * -l 'vfs_*' on Debian's 6.1 amd64 kernel, tests/vm/scenarios/analysis.sh):
 * one folded line per distinct stack, the traced function as its leaf, as
 * many times as trace-cmd's report has that stack after that function; the
 * tracer's own frames (ftrace_trampoline) are not in it.
 */
START_TEST(test_flame_func_stack)
{
	struct ta_counts want = { 0 };
	unsigned long long stacks;
	struct ftx_calltree *ct;
	char *text;

	stacks = report_stacks("fixtures/linux-6.1-amd64/fstack_vfs.v6.report.txt", NULL, &want);
	ck_assert_uint_ge(stacks, 600);
	ct = ta_build("fixtures/linux-6.1-amd64/fstack_vfs.v6.dat", false);
	ck_assert_int_eq(ftx_calltree_weight(ct), FTX_WEIGHT_COUNT);
	ck_assert_uint_eq(ftx_calltree_stats(ct)->stacks, stacks);
	ck_assert_uint_eq(ftx_calltree_stats(ct)->hits, stacks);
	folded_is(ct, &want, stacks);
	text = render(ct, false, NULL);
	ck_assert_ptr_null(strstr(text, "ftrace_trampoline"));
	free(text);
	text = render(ct, true, NULL);
	ck_assert_ptr_nonnull(strstr(text, "weight: hits (kernel stack traces)"));
	xmllint(text);
	free(text);
	ta_counts_free(&want);
	ftx_calltree_free(ct);
}
END_TEST

Suite *flame_suite(void)
{
	Suite *s = suite_create("flame");
	TCase *tc = tcase_create("flame");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_folded_matches_report, 0, sizeof(fgraph) / sizeof(fgraph[0]));
	tcase_add_loop_test(tc, test_svg_well_formed, 0, sizeof(fgraph) / sizeof(fgraph[0]));
	tcase_add_test(tc, test_flame_function_hits);
	tcase_add_test(tc, test_flame_event_stacks);
	tcase_add_test(tc, test_flame_func_stack);
	suite_add_tcase(s, tc);
	return s;
}
