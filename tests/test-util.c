// SPDX-License-Identifier: GPL-2.0
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftx/error.h"
#include "ftx/util.h"

START_TEST(test_parse_uint)
{
	unsigned long long v;

	ck_assert_int_eq(ftx_parse_uint("42", &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(ftx_parse_uint("0x10", &v), 0);
	ck_assert_uint_eq(v, 16);
	ck_assert_int_eq(ftx_parse_uint("", &v), -1);
	ck_assert_int_eq(ftx_parse_uint("-1", &v), -1);
	ck_assert_int_eq(ftx_parse_uint("12k", &v), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(ftx_parse_uint("99999999999999999999999", &v), -1);
	ck_assert_int_eq(errno, ERANGE);
}
END_TEST

START_TEST(test_levenshtein)
{
	ck_assert_uint_eq(ftx_levenshtein("do_sys_open", "do_sys_openat2"), 3);
	ck_assert_uint_eq(ftx_levenshtein("", "abc"), 3);
	ck_assert_uint_eq(ftx_levenshtein("vfs_read", "vfs_read"), 0);
	ck_assert_uint_eq(ftx_levenshtein("kitten", "sitting"), 3);
}
END_TEST

START_TEST(test_read_write_file)
{
	char path[] = "/tmp/ftx-test-XXXXXX";
	size_t len;
	char *buf;
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(ftx_write_file(path, "hello\n", 6), 0);
	buf = ftx_read_file(path, &len);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(len, 6);
	ck_assert_str_eq(ftx_strip(buf), "hello");
	free(buf);
	unlink(path);
	ck_assert_ptr_null(ftx_read_file(path, &len));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_error_contract)
{
	errno = EPERM;
	ftx_error_set("cannot write %s", "current_tracer");
	ck_assert_int_eq(errno, EPERM);
	ftx_error_prefix("function tracer: ");
	ck_assert_str_eq(ftx_error(), "function tracer: cannot write current_tracer");
	ftx_error_clear();
	errno = ENOENT;
	ck_assert_str_eq(ftx_error(), strerror(ENOENT));
}
END_TEST

Suite *util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_parse_uint);
	tcase_add_test(tc, test_levenshtein);
	tcase_add_test(tc, test_read_write_file);
	tcase_add_test(tc, test_error_contract);
	suite_add_tcase(s, tc);
	return s;
}
