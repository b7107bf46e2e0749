// SPDX-License-Identifier: GPL-2.0
/*
 * Inputs that once crashed the reader (or libtraceevent under it), found by
 * 'make fuzz' and kept in tests/fuzz/regress/: each must now open and report
 * without crashing (Check runs every test in a child, so a crash fails it).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include <traceevent/event-parse.h>

#include "ftx/report.h"
#include "ftx/tracedat.h"
#include "ftx/util.h"

static int replay(const char *path)
{
	struct ftx_strbuf out = FTX_STRBUF_INIT;
	struct ftx_report_fmt *fmt;
	struct ftx_tracedat *td;
	struct tep_record *rec;
	size_t size;
	char *data;
	int n = 0;

	data = ftx_read_file(path, &size);
	ck_assert_msg(data, "cannot read %s", path);
	td = ftx_tracedat_open_mem(data, size, path, FTX_TRACEDAT_NO_PLUGINS);
	if (td) {
		fmt = ftx_report_fmt_alloc(ftx_tracedat_tep(td), 0);
		while (fmt && ftx_tracedat_next(td, &rec) == 1) {
			ftx_report_fmt_record(fmt, rec, &out);
			out.len = 0;
			n++;
		}
		ftx_report_fmt_free(fmt);
		ftx_tracedat_close(td);
	}
	ftx_strbuf_release(&out);
	free(data);
	return n;
}

START_TEST(test_regress_inputs)
{
	struct dirent *de;
	char path[512];
	int files = 0;
	DIR *d;

	d = opendir("fuzz/regress");
	ck_assert_msg(d, "tests/fuzz/regress missing");
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "fuzz/regress/%s", de->d_name);
		replay(path);
		files++;
	}
	closedir(d);
	ck_assert_int_gt(files, 0);
}
END_TEST

Suite *fuzz_regress_suite(void)
{
	Suite *s = suite_create("fuzz-regress");
	TCase *tc = tcase_create("replay");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_regress_inputs);
	suite_add_tcase(s, tc);
	return s;
}
