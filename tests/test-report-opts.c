// SPDX-License-Identifier: GPL-2.0
/*
 * report's options -R, -w, -v, --ts-diff, --ts-offset, -O and -q (and the
 * combinations users type: -R -t, -w -F sched, -v -F ...) print exactly what
 * trace-cmd 3.1.6's report prints: each case of fixtures/report-opts/cases.txt
 * against the golden report trace-cmd wrote (make-goldens.sh there), and
 * against the plain report (the option must change it, or must not), with
 * the reader thread and on one CPU without it. Runs
 * $FTX, from tests/.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test-sh.h"

#define DIR "fixtures/report-opts"
#define MAX_CASES 128

struct opt_case {
	char tag[64], fixture[160], opts[256];
	char effect;
};

static struct opt_case cases[MAX_CASES];
static int ncases;

static void list_cases(void)
{
	FILE *f = fopen(DIR "/cases.txt", "r");
	char line[512];

	ncases = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && ncases < MAX_CASES) {
		struct opt_case *c = &cases[ncases];
		char *tag, *fix, *opts, *eff, *save;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = 0;
		tag = strtok_r(line, "\t", &save);
		fix = strtok_r(NULL, "\t", &save);
		opts = strtok_r(NULL, "\t", &save);
		eff = strtok_r(NULL, "\t", &save);
		if (!tag || !fix || !opts || !eff)
			continue;
		snprintf(c->tag, sizeof(c->tag), "%s", tag);
		snprintf(c->fixture, sizeof(c->fixture), "%s", fix);
		snprintf(c->opts, sizeof(c->opts), "%s", opts);
		c->effect = eff[0];
		ncases++;
	}
	fclose(f);
}

/* A parser that lost the cases would test nothing */
START_TEST(test_opts_count)
{
	ck_assert_int_ge(ncases, 60);
}
END_TEST

START_TEST(test_opts_as_trace_cmd)
{
	const struct opt_case *c = &cases[_i];
	char dir[] = "/tmp/ftx-ropts-XXXXXX";
	const char *ftx = getenv("FTX");

	ck_assert_ptr_nonnull(ftx);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_msg(test_sh("%s report %s -i %s > %s/out 2>&1", ftx, c->opts, c->fixture, dir) == 0,
		      "%s: ftx report %s -i %s failed (see %s/out)", c->tag, c->opts, c->fixture, dir);
	ck_assert_msg(test_sh("xz -dc " DIR "/%s.txt.xz | cmp -s - %s/out", c->tag, dir) == 0,
		      "%s: ftx report %s -i %s differs from trace-cmd 3.1.6's (see %s/out)",
		      c->tag, c->opts, c->fixture, dir);
	/* one CPU: read and formatted in turn, without the reader thread */
	ck_assert_int_eq(test_sh("taskset -c 0 %s report %s -i %s > %s/serial 2>&1", ftx, c->opts,
				 c->fixture, dir), 0);
	ck_assert_msg(test_sh("cmp -s %s/out %s/serial", dir, dir) == 0,
		      "%s: ftx report %s -i %s differs on one CPU (see %s)", c->tag, c->opts,
		      c->fixture, dir);
	ck_assert_int_eq(test_sh("%s report -i %s > %s/plain 2>&1", ftx, c->fixture, dir), 0);
	if (c->effect == '!')
		ck_assert_msg(test_sh("cmp -s %s/plain %s/out", dir, dir) != 0,
			      "%s: %s changes nothing on %s", c->tag, c->opts, c->fixture);
	else
		ck_assert_msg(test_sh("cmp -s %s/plain %s/out", dir, dir) == 0,
			      "%s: %s changes the report of %s", c->tag, c->opts, c->fixture);
	test_sh("rm -rf %s", dir);
}
END_TEST

/* Usage errors: exit 2 and one line naming the option */
START_TEST(test_opts_refused)
{
	static const char *const bad[][2] = {
		{ "-v -F sched -v -F irq", "-v is given once" },
		{ "-O ''", "-O wants" },
		{ "-O =1", "-O wants" },
		{ "--ts-offset 12x", "--ts-offset wants" },
		{ "--ts-offset ''", "--ts-offset wants" },
		{ "--graph -R", "--graph does not combine" },
		{ "--graph -w", "--graph does not combine" },
		{ "--graph --ts-diff", "--graph does not combine" },
		{ "--graph -O fgraph:depth", "--graph does not combine" },
	};
	const char *ftx = getenv("FTX");
	const char *fix = "fixtures/linux-6.1-amd64/fgraph_openat2.v6.dat";
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(test_sh("%s report %s -i %s >/dev/null 2>&1", ftx, bad[i][0], fix) == 2,
			      "'%s' is not a usage error", bad[i][0]);
		ck_assert_msg(test_sh("test $(%s report %s -i %s 2>&1 >/dev/null | wc -l) = 1 && "
				      "%s report %s -i %s 2>&1 >/dev/null | grep -q -- '%s'",
				      ftx, bad[i][0], fix, ftx, bad[i][0], fix, bad[i][1]) == 0,
			      "'%s': not one line with '%s'", bad[i][0], bad[i][1]);
	}
}
END_TEST

/* ftx applies -v and -F wherever they are; trace-cmd 3.1.6 only before -i */
START_TEST(test_opts_order_free)
{
	const char *ftx = getenv("FTX");
	const char *fix = "fixtures/linux-6.1-arm64/sched_comm_exec.v7.dat";
	char dir[] = "/tmp/ftx-ropts-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(test_sh("%s report -i %s -v -F sched > %s/out", ftx, fix, dir), 0);
	ck_assert_int_eq(test_sh("xz -dc " DIR "/v-exec7.txt.xz | cmp -s - %s/out", dir), 0);
	test_sh("rm -rf %s", dir);
}
END_TEST

Suite *report_opts_suite(void)
{
	Suite *s = suite_create("report-opts");
	TCase *tc = tcase_create("report-opts");

	list_cases();
	tcase_add_test(tc, test_opts_count);
	tcase_add_loop_test(tc, test_opts_as_trace_cmd, 0, ncases);
	tcase_add_test(tc, test_opts_refused);
	tcase_add_test(tc, test_opts_order_free);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
