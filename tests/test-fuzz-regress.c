// SPDX-License-Identifier: GPL-2.0
/*
 * Inputs that once crashed the reader (or libtraceevent under it), found by
 * 'make fuzz' and kept in tests/fuzz/regress/: each must now be refused with
 * the reason and offset fuzz/regress.expect gives (or report cleanly), never
 * crash (Check runs every test in a child, so a crash fails it).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "ftx/error.h"
#include "ftx/report.h"
#include "ftx/tracedat.h"
#include "ftx/util.h"

/*
 * fuzz/regress.expect: "<file>\t<reason>" (ftx_error() of the refusal, with
 * its offset) or "<file>\tok". Some inputs are now refused before the
 * libtraceevent parser their name recalls (a size check comes first): the
 * expected reason says where they stop. Their "-parsed" and "-refused"
 * variants (a real file's block changed, its size fixed: tests/fuzz/mkregress.py)
 * pass those checks and reach the parser again: a printk text whose last line
 * lacks its newline, printk lines libtraceevent 1.7 overruns on (dropped or
 * padded by ftx_printk_sanitize: make check-asan replays them under ASan), a
 * print fmt cut in half that libtraceevent accepts in the scratch parse (then
 * refused by the format check) or refuses (an unknown event, as trace-cmd).
 */
static char *expected(const char *name, char *all)
{
	size_t n = strlen(name);
	char *p = all;

	while (p && *p) {
		char *eol = strchr(p, '\n');

		if (!strncmp(p, name, n) && p[n] == '\t') {
			if (eol)
				*eol = 0;
			return p + n + 1;
		}
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

START_TEST(test_regress_inputs)
{
	struct dirent *de;
	char path[512], *want, *all, *copy;
	size_t size, alen;
	int files = 0, ret;
	char *data;
	DIR *d;

	all = ftx_read_file("fuzz/regress.expect", &alen);
	ck_assert_msg(all, "tests/fuzz/regress.expect missing");
	d = opendir("fuzz/regress");
	ck_assert_msg(d, "tests/fuzz/regress missing");
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "fuzz/regress/%s", de->d_name);
		data = ftx_read_file(path, &size);
		ck_assert_msg(data, "cannot read %s", path);
		copy = strdup(all);
		want = expected(de->d_name, copy);
		ck_assert_msg(want, "%s: not in fuzz/regress.expect", de->d_name);
		ftx_error_clear();
		ret = ftx_report_fuzz_one((const uint8_t *)data, size);
		if (!strcmp(want, "ok"))
			ck_assert_msg(ret == 0, "%s: %s", de->d_name, ftx_error());
		else
			ck_assert_msg(ret == -1 && !strcmp(ftx_error(), want),
				      "%s: got '%s', want '%s'", de->d_name, ret ? ftx_error() : "ok",
				      want);
		free(copy);
		free(data);
		files++;
	}
	closedir(d);
	free(all);
	ck_assert_int_gt(files, 5);
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
