// SPDX-License-Identifier: GPL-2.0
/*
 * User filters (-F, --pid): libtraceevent 1.7's filter parser crashes on many
 * malformed ones (trace-cmd report crashes the same way). Every filter in
 * fixtures/bad-input/filters-refused.tsv (the reproducers and what a
 * random search found crashing libtraceevent) must be refused with its
 * one-line reason and column; the ones in filters-ok.txt must compile.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <traceevent/event-parse.h>

#include "ftx/error.h"
#include "ftx/filter.h"
#include "ftx/report.h"
#include "ftx/strbuf.h"
#include "ftx/tracedat.h"

#define SCHED "fixtures/linux-6.1-amd64/sched_syscalls.v7.dat"

START_TEST(test_filter_refused)
{
	struct ftx_tracedat *td = ftx_tracedat_open(SCHED, FTX_TRACEDAT_NO_PLUGINS);
	FILE *f = fopen("fixtures/bad-input/filters-refused.tsv", "r");
	char line[8192], *tab;
	int n = 0;

	ck_assert_msg(td, "%s", ftx_error());
	ck_assert(f);
	while (fgets(line, sizeof(line), f)) {
		struct tep_event_filter *flt;

		line[strcspn(line, "\n")] = 0;
		tab = strchr(line, '\t');
		ck_assert_msg(tab, "no tab: %s", line);
		*tab++ = 0;
		ftx_error_clear();
		errno = 0;
		flt = ftx_filter_compile(ftx_tracedat_tep(td), line);
		ck_assert_msg(!flt, "'%s' was accepted", line);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_str_eq(ftx_error(), tab);
		n++;
	}
	ck_assert_int_ge(n, 25);
	fclose(f);
	ftx_tracedat_close(td);
}
END_TEST

START_TEST(test_filter_ok)
{
	struct ftx_tracedat *td = ftx_tracedat_open(SCHED, FTX_TRACEDAT_NO_PLUGINS);
	FILE *f = fopen("fixtures/bad-input/filters-ok.txt", "r");
	char line[1024], why[256];
	int n = 0;

	ck_assert_msg(td, "%s", ftx_error());
	ck_assert(f);
	while (fgets(line, sizeof(line), f)) {
		struct tep_event_filter *flt;

		line[strcspn(line, "\n")] = 0;
		ck_assert_msg(ftx_filter_check(line, why, sizeof(why)) == 0, "%s: %s", line, why);
		flt = ftx_filter_compile(ftx_tracedat_tep(td), line);
		ck_assert_msg(flt, "'%s': %s", line, ftx_error());
		tep_filter_free(flt);
		n++;
	}
	ck_assert_int_ge(n, 15);
	fclose(f);
	ftx_tracedat_close(td);
}
END_TEST

/* the shape check alone (no file): what report's option parser runs */
START_TEST(test_filter_check)
{
	char why[256];

	ck_assert_int_eq(ftx_filter_check("sched_switch: prev_pid ==", why, sizeof(why)), -1);
	ck_assert_str_eq(why, "the expression ends after the operator '==' at column 24: "
			 "a value is missing");
	ck_assert_int_eq(ftx_filter_check("sched:*: prev_comm == \"x", why, sizeof(why)), -1);
	ck_assert_str_eq(why, "the string opened at column 23 is not closed");
	ck_assert_int_eq(ftx_filter_check("sched:sched_switch: prev_pid > 0", why, sizeof(why)), 0);
}
END_TEST

static int sink(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return 0;
}

/* a refused filter is a usage error for the command (exit 2) */
START_TEST(test_report_filter_errno)
{
	const char *flt[] = { "sched_switch: prev_pid == 1 && 1" };
	struct ftx_report_opts o = { .input = SCHED, .filters = flt, .nfilters = 1 };

	ck_assert_int_eq(ftx_report_run(&o, sink, NULL), -1);
	ck_assert_int_eq(errno, FTX_REPORT_EFILTER);
}
END_TEST

/* the command: exit 2, the reason on one line */
START_TEST(test_report_filter_cmd)
{
	const char *ftx = getenv("FTX");
	char cmd[1024], out[2048];
	size_t n;
	FILE *p;
	int st;

	ck_assert_msg(ftx, "FTX is not set (run through make check-unit)");
	snprintf(cmd, sizeof(cmd), "%s report -i %s -F 'sched_switch: prev_pid > 0 && ' 2>&1",
		 ftx, SCHED);
	p = popen(cmd, "r");
	ck_assert(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = 0;
	st = pclose(p);
	ck_assert_int_eq(WEXITSTATUS(st), 2);
	ck_assert_str_eq(out, "ftx report: bad filter 'sched_switch: prev_pid > 0 && ': "
			 "the expression ends after the operator '&&' at column 28: a value is missing\n");
}
END_TEST

Suite *filter_suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("filter");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_filter_refused);
	tcase_add_test(tc, test_filter_ok);
	tcase_add_test(tc, test_filter_check);
	tcase_add_test(tc, test_report_filter_errno);
	tcase_add_test(tc, test_report_filter_cmd);
	suite_add_tcase(s, tc);
	return s;
}
