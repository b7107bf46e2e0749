// SPDX-License-Identifier: GPL-2.0
/*
 * Every damaged file of fixtures/bad-input (the reproducers, and
 * crafted ones) through the ftx binary, as a user runs it: either exit 0 and
 * exactly trace-cmd 3.1.6's report (CASE.report.txt.xz, made by trace-cmd),
 * or exit 1 and one reviewed line on stderr naming the offset. See
 * fixtures/bad-input/make-expect.sh. Needs xz (Debian's base system has it).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ftx/util.h"

#define DIR_IN "fixtures/bad-input"

static char **cases;
static int ncases;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_cases(void)
{
	DIR *d = opendir(DIR_IN);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n > 7 && !strcmp(e->d_name + n - 7, ".expect")) {
			cases = realloc(cases, (ncases + 1) * sizeof(*cases));
			cases[ncases++] = strndup(e->d_name, n - 7);
		}
	}
	closedir(d);
	qsort(cases, ncases, sizeof(*cases), cmp_str);
}

/* "key value" line @key of @text into @out (empty when the value is) */
static void field(const char *text, const char *key, char *out, size_t len)
{
	const char *p = text;
	size_t k = strlen(key), n;

	out[0] = 0;
	while (p && *p) {
		const char *eol = strchr(p, '\n');

		n = eol ? (size_t)(eol - p) : strlen(p);
		if (n >= k && !strncmp(p, key, k) && (n == k || p[k] == ' ')) {
			n = n > k ? n - k - 1 : 0;
			if (n >= len)
				n = len - 1;
			memcpy(out, p + k + 1, n);
			out[n] = 0;
			return;
		}
		p = eol ? eol + 1 : NULL;
	}
}

static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

START_TEST(test_bad_input)
{
	const char *ftx = getenv("FTX"), *name = cases[_i];
	char path[512], file[256], args[256], ex[32], out[256], err[2048], cmd[2048];
	char tmp[] = "/tmp/ftx-bad-XXXXXX", *expect, *got_err, *want_err;
	size_t len;
	int rc;

	ck_assert_msg(ftx, "FTX is not set (run through make check-unit)");
	snprintf(path, sizeof(path), DIR_IN "/%s.expect", name);
	expect = ftx_read_file(path, &len);
	ck_assert_msg(expect, "cannot read %s", path);
	field(expect, "file", file, sizeof(file));
	field(expect, "args", args, sizeof(args));
	field(expect, "exit", ex, sizeof(ex));
	field(expect, "stdout", out, sizeof(out));
	field(expect, "stderr", err, sizeof(err));
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(cmd, sizeof(cmd), "xz -dc " DIR_IN "/%s.xz > %s/%s", file, tmp, file);
	ck_assert_msg(sh(cmd) == 0, "%s failed (is xz installed?)", cmd);
	snprintf(cmd, sizeof(cmd), "cd %s && timeout 60 %s report %s -i %s > out 2> err", tmp, ftx,
		 args, file);
	rc = sh(cmd);
	ck_assert_msg(rc == atoi(ex), "%s: exit %d, expected %s", name, rc, ex);
	snprintf(path, sizeof(path), "%s/err", tmp);
	got_err = ftx_read_file(path, &len);
	ck_assert(got_err);
	want_err = err[0] ? strdup(err) : strdup("");
	if (len && got_err[len - 1] == '\n')
		got_err[len - 1] = 0;
	ck_assert_msg(!strcmp(got_err, want_err), "%s: stderr\n got: %s\nwant: %s", name, got_err,
		      want_err);
	if (out[0])
		snprintf(cmd, sizeof(cmd), "xz -dc " DIR_IN "/%s | cmp -s - %s/out", out, tmp);
	else
		snprintf(cmd, sizeof(cmd), "test ! -s %s/out", tmp);
	ck_assert_msg(sh(cmd) == 0, "%s: stdout differs from %s", name,
		      out[0] ? out : "nothing");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	sh(cmd);
	free(got_err);
	free(want_err);
	free(expect);
}
END_TEST

START_TEST(test_bad_input_count)
{
	/* the 27 reproducers, crafted files and option variants */
	ck_assert_int_ge(ncases, 35);
}
END_TEST

Suite *bad_input_suite(void)
{
	Suite *s = suite_create("bad-input");
	TCase *tc = tcase_create("bad-input");

	list_cases();
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_bad_input_count);
	tcase_add_loop_test(tc, test_bad_input, 0, ncases);
	suite_add_tcase(s, tc);
	return s;
}
