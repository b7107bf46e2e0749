// SPDX-License-Identifier: GPL-2.0
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/format-check.h"

/* i2c's smbus_write format of a 6.1 arm64 kernel, shortened to its fields */
static const char smbus[] =
	"name: smbus_write\n"
	"ID: 1057\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:int adapter_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:__u32 protocol;\toffset:20;\tsize:4;\tsigned:0;\n"
	"\tfield:__u8 buf[32 + 2];\toffset:22;\tsize:34;\tsigned:0;\n"
	"\n"
	"print fmt: \"i2c-%d p=%s REC->x %*phD\", REC->adapter_nr, "
	"__print_symbolic(REC->protocol, { 0, \"QUICK\" }), REC->len, REC->buf\n";

START_TEST(test_format_check)
{
	char why[128], *bad;
	size_t len = strlen(smbus);

	/* REC->len is not declared: libtraceevent would crash on the text */
	ck_assert_int_eq(ftx_format_check(smbus, len, 4096, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "print fmt uses REC->len, which is not a field");

	bad = strdup(smbus);
	memcpy(strstr(bad, "REC->len, "), "REC->buf, ", 10);
	ck_assert_int_eq(ftx_format_check(bad, len, 4096, why, sizeof(why)), 0);
	/* a renamed field (a flipped bit in a file) is caught */
	memcpy(strstr(bad, "protocol;"), "propocol;", 9);
	ck_assert_int_eq(ftx_format_check(bad, len, 4096, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "print fmt uses REC->protocol, which is not a field");
	free(bad);

	/* a field must fit a page (its records live in one); 0: not checked */
	bad = strdup(smbus);
	memcpy(strstr(bad, "REC->len, "), "REC->buf, ", 10);
	memcpy(strstr(bad, "offset:22;\tsize:34;"), "offset:22;\tsize:99;", 19);
	ck_assert_int_eq(ftx_format_check(bad, len, 120, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "field buf ends at byte 121, past a 120-byte page");
	ck_assert_int_eq(ftx_format_check(bad, len, 4096, why, sizeof(why)), 0);
	ck_assert_int_eq(ftx_format_check(bad, len, 0, why, sizeof(why)), 0);
	free(bad);
}
END_TEST

START_TEST(test_printk_sanitize)
{
	const char text[] = "0xffffffff82001000 : \"rcu_sched\"\n"
			    "garbage\n"
			    "0xffffffff82001004 : \"\"\n"
			    "0xffffffff82001006 : \"ab\"\n"
			    "0xffffffff82001008 : \"x\"";
	size_t n;
	char *out;

	/*
	 * The kept lines only; a last line without newline gets none added; the
	 * formats shorter than two characters get the "\\n" libtraceevent strips.
	 */
	out = ftx_printk_sanitize(text, strlen(text), &n);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, "0xffffffff82001000 : \"rcu_sched\"\n"
			      "0xffffffff82001004 : \"\\n\"\n"
			      "0xffffffff82001006 : \"ab\"\n"
			      "0xffffffff82001008 : \"x\\n\"");
	ck_assert_uint_eq(n, strlen(out));
	free(out);
}
END_TEST

Suite *format_check_suite(void)
{
	Suite *s = suite_create("format-check");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_format_check);
	tcase_add_test(tc, test_printk_sanitize);
	suite_add_tcase(s, tc);
	return s;
}
