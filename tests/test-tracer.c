// SPDX-License-Identifier: GPL-2.0
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/error.h"
#include "ftx/tracer.h"

/* Lines as a 6.1 kernel's available_filter_functions prints them. */
static const char funcs_6_1[] =
	"do_sys_openat2\n"
	"__x64_sys_openat\n"
	"__x64_sys_open\n"
	"do_filp_open\n"
	"path_openat\n"
	"vfs_read\n"
	"vfs_write\n"
	"vfs_open\n"
	"vfs_getattr\n"
	"do_sys_poll\n"
	"ext4_file_open [ext4]\n"
	"ext4_readdir [ext4]\n"
	"virtio_dev_probe [virtio]\n";

START_TEST(test_match)
{
	struct ftx_funcs *f = ftx_funcs_parse(funcs_6_1);

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(ftx_funcs_count(f), 13);
	ck_assert_uint_eq(ftx_funcs_match(f, "vfs_*"), 4);
	ck_assert_uint_eq(ftx_funcs_match(f, "do_sys_openat2"), 1);
	ck_assert_uint_eq(ftx_funcs_match(f, "do_sys_open"), 0);
	ck_assert_uint_eq(ftx_funcs_match(f, ":mod:ext4"), 2);
	ck_assert_uint_eq(ftx_funcs_match(f, "*open:mod:ext4"), 1);
	ck_assert_uint_eq(ftx_funcs_match(f, "*:mod:nosuchmod"), 0);
	ftx_funcs_free(f);
}
END_TEST

START_TEST(test_suggest_do_sys_open)
{
	struct ftx_funcs *f = ftx_funcs_parse(funcs_6_1);
	const char *out[5];
	int n;

	n = ftx_funcs_suggest(f, "do_sys_open", out, 5);
	ck_assert_int_ge(n, 1);
	ck_assert_str_eq(out[0], "do_sys_openat2");
	/* a typo finds the name by edit distance */
	n = ftx_funcs_suggest(f, "vfs_raed", out, 5);
	ck_assert_int_ge(n, 1);
	ck_assert_str_eq(out[0], "vfs_read");
	ck_assert_int_eq(ftx_funcs_check(f, "do_sys_open"), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_msg(strstr(ftx_error(), "closest: do_sys_openat2"), "%s", ftx_error());
	ck_assert_int_eq(ftx_funcs_check(f, "vfs_*"), 0);
	ck_assert_int_eq(ftx_funcs_check(f, "zzz*"), -1);
	ck_assert_str_eq(ftx_error(), "no traceable function matches 'zzz*'");
	ftx_funcs_free(f);
}
END_TEST

START_TEST(test_strv)
{
	struct ftx_tracer_opts o = { 0 };

	ck_assert_int_eq(ftx_strv_push(&o.filter, "vfs_*"), 0);
	ck_assert_int_eq(ftx_strv_push(&o.filter, "do_sys_openat2"), 0);
	ck_assert_int_eq(o.filter.n, 2);
	ck_assert_str_eq(o.filter.v[1], "do_sys_openat2");
	ftx_tracer_opts_free(&o);
	ck_assert_int_eq(o.filter.n, 0);
	ck_assert_ptr_null(o.filter.v);
}
END_TEST

Suite *tracer_suite(void)
{
	Suite *s = suite_create("tracer");
	TCase *tc = tcase_create("funcs");

	tcase_add_test(tc, test_match);
	tcase_add_test(tc, test_suggest_do_sys_open);
	tcase_add_test(tc, test_strv);
	suite_add_tcase(s, tc);
	return s;
}
