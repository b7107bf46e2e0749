// SPDX-License-Identifier: GPL-2.0
/* Probe definitions: perf's syntax and the kernel's, formatting, $argN per arch. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/error.h"
#include "ftx/probe.h"
#include "ftx/record-cli.h"
#include "ftx/util.h"

static const char readme_618[] = "fixtures/tracefs/README-6.18";

static struct ftx_probe_env env_of(const char *machine, bool argn)
{
	struct ftx_probe_env env;
	char *readme = ftx_read_file(readme_618, NULL);

	ck_assert_ptr_nonnull(readme);
	ftx_probe_env_parse(readme, machine, &env);
	free(readme);
	env.argn = argn;
	return env;
}

/* resolve a kernel probe and return its one line (malloc()ed) */
static char *kline(const char *text, const struct ftx_probe_env *env, const char *group)
{
	struct ftx_probe_def d;
	struct ftx_probe_lines l;
	char *line;

	if (ftx_probe_def_parse(text, NULL, &d) < 0)
		ck_abort_msg("parse '%s': %s", text, ftx_error());
	if (ftx_probe_resolve(&d, env, group, &l) < 0) {
		ftx_probe_def_free(&d);
		return NULL;
	}
	ck_assert_int_eq(l.n, 1);
	ck_assert(l.kernel);
	line = strdup(l.line[0]);
	ftx_probe_lines_free(&l);
	ftx_probe_def_free(&d);
	return line;
}

START_TEST(test_env_readme)
{
	struct ftx_probe_env env;
	char *readme = ftx_read_file(readme_618, NULL);

	ck_assert_ptr_nonnull(readme);
	ftx_probe_env_parse(readme, "x86_64", &env);
	ck_assert_int_eq(env.arch, FTX_ARCH_X86_64);
	ck_assert(env.argn);
	ck_assert(env.argn_return);
	ck_assert(env.ustring);
	ck_assert(env.ref_ctr);
	ck_assert(env.imm);
	ck_assert(env.symstr);
	free(readme);
	/* a README of before 4.20: none of them */
	ftx_probe_env_parse("  fetcharg: %<register>, @<address>, $stack<index>, $retval\n"
			    "   place (uprobe): <path>:<offset>\n", "armv7l", &env);
	ck_assert_int_eq(env.arch, FTX_ARCH_ARM);
	ck_assert(!env.argn && !env.ustring && !env.ref_ctr && !env.imm && !env.argn_return);
	/* 5.10's fetcharg line (its README wraps the list) */
	ftx_probe_env_parse("\t  fetcharg: %<register>, @<address>, @<symbol>[+|-<offset>],\n"
			    "\t\t$stack<index>, $stack, $retval, $comm, $arg<N>,\n", "aarch64", &env);
	ck_assert_int_eq(env.arch, FTX_ARCH_ARM64);
	ck_assert(env.argn && !env.argn_return);
	/* a mention outside the fetcharg list is not support (as ftx check reads it) */
	ftx_probe_env_parse("  see $arg<N> in the docs\n", "aarch64", &env);
	ck_assert(!env.argn);
}
END_TEST

START_TEST(test_parse_perf_form)
{
	struct ftx_probe_def d;

	ck_assert_int_eq(ftx_probe_def_parse("do_sys_open", NULL, &d), 0);
	ck_assert_str_eq(d.symbol, "do_sys_open");
	ck_assert(!d.retprobe && !d.binary && !d.group && !d.event && d.nr_args == 0);
	ftx_probe_def_free(&d);

	ck_assert_int_eq(ftx_probe_def_parse("mygrp:myev=vfs_read+16 a=%di:x64 b=$arg2 "
					     "c=+0($arg2):string d=-8(+16(%sp)):s32 @jiffies "
					     "e=\\-5 f=$comm g=$stack3 h=%ax:b4@2/32 i=+u0(%si):u8[4]",
					     NULL, &d), 0);
	ck_assert_str_eq(d.group, "mygrp");
	ck_assert_str_eq(d.event, "myev");
	ck_assert_str_eq(d.symbol, "vfs_read");
	ck_assert_uint_eq(d.offset, 16);
	ck_assert_int_eq(d.nr_args, 10);
	ck_assert_str_eq(d.args[0].name, "a");
	ck_assert_str_eq(d.args[0].fetch, "%di");
	ck_assert_str_eq(d.args[0].type, "x64");
	ck_assert_ptr_null(d.args[1].type);
	ck_assert_str_eq(d.args[2].fetch, "+0($arg2)");
	ck_assert_str_eq(d.args[2].type, "string");
	ck_assert_str_eq(d.args[3].fetch, "-8(+16(%sp))");
	ck_assert_ptr_null(d.args[4].name);
	ck_assert_str_eq(d.args[4].fetch, "@jiffies");
	ck_assert_str_eq(d.args[5].fetch, "\\-5");
	ck_assert_str_eq(d.args[8].type, "b4@2/32");
	ck_assert_str_eq(d.args[9].type, "u8[4]");
	ftx_probe_def_free(&d);

	ck_assert_int_eq(ftx_probe_def_parse("ext4:ext4_sync_file%return $retval", NULL, &d), 0);
	ck_assert(d.retprobe);
	ck_assert_str_eq(d.module, "ext4");
	ck_assert_str_eq(d.symbol, "ext4_sync_file");
	ck_assert_str_eq(d.args[0].fetch, "$retval");
	ftx_probe_def_free(&d);

	/* the seed's uretprobe */
	ck_assert_int_eq(ftx_probe_def_parse("readline%return +0($retval):string", "/bin/bash",
					     &d), 0);
	ck_assert(d.retprobe);
	ck_assert_str_eq(d.binary, "/bin/bash");
	ck_assert_str_eq(d.symbol, "readline");
	ck_assert_str_eq(d.args[0].fetch, "+0($retval)");
	ftx_probe_def_free(&d);

	ck_assert_int_eq(ftx_probe_def_parse("malloc@GLIBC_2.2.5 size=$arg1:u64", "libc", &d), 0);
	ck_assert_str_eq(d.symbol, "malloc@GLIBC_2.2.5");
	ftx_probe_def_free(&d);
}
END_TEST

START_TEST(test_parse_sdt)
{
	static const char *const forms[] = {
		"sdt:myapp:tick", "%sdt_myapp:tick", "%myapp:tick", "sdt_myapp:tick",
	};
	struct ftx_probe_def d;
	size_t i;

	for (i = 0; i < FTX_ARRAY_SIZE(forms); i++) {
		ck_assert_int_eq(ftx_probe_def_parse(forms[i], "./app", &d), 0);
		ck_assert_str_eq(d.sdt_provider, "myapp");
		ck_assert_str_eq(d.sdt_name, "tick");
		ck_assert_ptr_null(d.symbol);
		ftx_probe_def_free(&d);
	}
	ck_assert_int_eq(ftx_probe_def_parse("sdt:myapp:tick", NULL, &d), -1);
	ck_assert_ptr_nonnull(strstr(ftx_error(), "-x BINARY"));
	ck_assert_int_eq(ftx_probe_def_parse("sdt:myapp", "./app", &d), -1);

	ck_assert_int_eq(ftx_probe_words_parse("-x ./app sdt:myapp:tick", &d), 0);
	ck_assert_str_eq(d.binary, "./app");
	ck_assert_str_eq(d.sdt_provider, "myapp");
	ftx_probe_def_free(&d);
	ck_assert_int_eq(ftx_probe_words_parse("do_sys_openat2 n=+0($arg2):ustring", &d), 0);
	ck_assert_ptr_null(d.binary);
	ck_assert_str_eq(d.args[0].type, "ustring");
	ftx_probe_def_free(&d);
	ck_assert_int_eq(ftx_probe_words_parse("--exec=/bin/bash readline%return", &d), 0);
	ck_assert_str_eq(d.binary, "/bin/bash");
	ck_assert(d.retprobe);
	ftx_probe_def_free(&d);
	ck_assert_int_eq(ftx_probe_words_parse("-x", &d), -1);
}
END_TEST

START_TEST(test_parse_errors)
{
	static const struct { const char *def, *bin, *msg; } bad[] = {
		{ "", NULL, "empty" },
		{ "do_sys_open filename", NULL, "C variable" },
		{ "do_sys_open a=%di:u128", NULL, "unknown type" },
		{ "do_sys_open a=%di:b40@30/64x", NULL, "unknown type" },
		{ "do_sys_open@fs/open.c", NULL, "debuginfo" },
		{ "do_sys_open:10", "/bin/true", "debuginfo" },
		{ "do_sys_open%entry", NULL, "unknown suffix" },
		{ "vfs_read+8%return", NULL, "offset" },
		{ "1abc", NULL, "not a function" },
		{ "bad-grp:ev=vfs_read", NULL, "group" },
		{ "ext4:foo", "/bin/true", "debuginfo" },
		{ "p:g/e", NULL, "not a function" },
		{ "p:g/e /bin/true", NULL, "PATH:OFFSET" },
		{ "p:g/e /bin/true:0x10(5", NULL, "REF_CTR" },
		{ "p5:g/e vfs_read", NULL, "not a function" },
		{ "r5:g/e vfs_read+x", NULL, "offset" },
	};
	struct ftx_probe_def d;
	size_t i;

	for (i = 0; i < FTX_ARRAY_SIZE(bad); i++) {
		ftx_error_clear();
		if (ftx_probe_def_parse(bad[i].def, bad[i].bin, &d) != -1)
			ck_abort_msg("'%s' parsed", bad[i].def);
		ck_assert_int_eq(errno, EINVAL);
		if (!strstr(ftx_error(), bad[i].msg))
			ck_abort_msg("'%s': '%s' lacks '%s'", bad[i].def, ftx_error(), bad[i].msg);
	}
	/* MOD:FUNC with -x is taken for a source line (perf's FUNC:RLN) */
	ck_assert(ftx_probe_type_valid("string"));
	ck_assert(ftx_probe_type_valid("b4@2/32"));
	ck_assert(ftx_probe_type_valid("x16[8]"));
	ck_assert(!ftx_probe_type_valid("b40@30/64"));
	ck_assert(!ftx_probe_type_valid("u8[0]"));
	ck_assert(!ftx_probe_type_valid("int"));
}
END_TEST

START_TEST(test_kernel_form_round_trip)
{
	static const char *const lines[] = {
		"p:probe/do_sys_open do_sys_open",
		"r:probe/do_sys_open__return do_sys_open ret=$retval:s32",
		"r16:g/e vfs_read+0 $retval",
		"p:probe/vfs_read_16 vfs_read+16 a=%di:x64 +0(%si):string",
		"p:probe/m ext4:ext4_sync_file",
		"p:probe/addr 0xffffffff81000000",
		"p:probe_bash/readline /usr/bin/bash:0xb5e20",
		"r:probe_bash/readline__return /usr/bin/bash:0xb5e20 arg1=+0(%ax):string",
		"p:sdt_app/tick /tmp/app:0x1139(0x4010) arg1=%di:s32 arg2=-8(%bp):u64",
		"p:g/e /tmp/a:0x10 \\\"hello world\" @+0x4010:u32",
	};
	struct ftx_probe_def d;
	size_t i;

	for (i = 0; i < FTX_ARRAY_SIZE(lines); i++) {
		char *out;

		if (ftx_probe_def_parse(lines[i], NULL, &d) < 0)
			ck_abort_msg("'%s': %s", lines[i], ftx_error());
		out = ftx_probe_def_format(&d);
		ck_assert_ptr_nonnull(out);
		/* the kernel's "+0" after a kretprobe's symbol means no offset */
		if (!strcmp(lines[i], "r16:g/e vfs_read+0 $retval"))
			ck_assert_str_eq(out, "r16:g/e vfs_read $retval");
		else
			ck_assert_str_eq(out, lines[i]);
		free(out);
		ftx_probe_def_free(&d);
	}
	/* the kernel's %return on a uprobe place, and its padded offsets */
	ck_assert_int_eq(ftx_probe_def_parse("p:g/e /bin/true:0x00000000000023d0%return a=%di",
					     NULL, &d), 0);
	ck_assert(d.retprobe);
	ck_assert_uint_eq(d.addr, 0x23d0);
	ftx_probe_def_free(&d);
}
END_TEST

/* perf form -> -D line -> parsed back -> the same line */
START_TEST(test_perf_form_round_trip)
{
	struct ftx_probe_env env = env_of("x86_64", true);
	static const struct { const char *def, *line; } cases[] = {
		{ "do_sys_open", "p:probe/do_sys_open do_sys_open" },
		{ "do_sys_open%return $retval", "r:probe/do_sys_open__return do_sys_open $retval" },
		{ "do_sys_openat2 name=+0($arg2):ustring",
		  "p:probe/do_sys_openat2 do_sys_openat2 name=+0($arg2):ustring" },
		{ "vfs_read+16 %rdi", "p:probe/vfs_read_16 vfs_read+16 %di" },
		{ "o=ext4:ext4_sync_file", "p:probe/o ext4:ext4_sync_file" },
		{ "g:e=schedule.isra.0", "p:g/e schedule.isra.0" },
	};
	size_t i;

	for (i = 0; i < FTX_ARRAY_SIZE(cases); i++) {
		char *line = kline(cases[i].def, &env, NULL), *again;

		ck_assert_ptr_nonnull(line);
		ck_assert_str_eq(line, cases[i].line);
		again = kline(line, &env, NULL);
		ck_assert_str_eq(again, line);
		free(again);
		free(line);
	}
	/* run-only probes go to ftx's group */
	{
		char *line = kline("do_sys_open", &env, "ftx");

		ck_assert_str_eq(line, "p:ftx/do_sys_open do_sys_open");
		free(line);
	}
}
END_TEST

START_TEST(test_names)
{
	struct ftx_probe_def d = { 0 };
	char g[64], e[160];

	d.binary = "/lib/x86_64-linux-gnu/libc.so.6";
	ftx_probe_default_group(&d, g, sizeof(g));
	ck_assert_str_eq(g, "probe_libc");
	d.binary = "./my-app";
	ftx_probe_default_group(&d, g, sizeof(g));
	ck_assert_str_eq(g, "probe_my_app");
	d.symbol = "malloc@GLIBC_2.2.5";
	d.retprobe = true;
	ftx_probe_default_event(&d, e, sizeof(e));
	ck_assert_str_eq(e, "malloc__return");
	d.symbol = "foo.isra.0";
	d.retprobe = false;
	d.offset = 12;
	ftx_probe_default_event(&d, e, sizeof(e));
	ck_assert_str_eq(e, "foo_isra_0_12");
	d.sdt_provider = "my-prov";
	d.sdt_name = "tick";
	ftx_probe_default_group(&d, g, sizeof(g));
	ck_assert_str_eq(g, "sdt_my_prov");
	ftx_probe_default_event(&d, e, sizeof(e));
	ck_assert_str_eq(e, "tick");
	ftx_probe_name_sanitize("9lives", e, sizeof(e));
	ck_assert_str_eq(e, "_9lives");
}
END_TEST

START_TEST(test_argn_per_arch)
{
	static const struct {
		enum ftx_arch arch;
		const char *in, *out;
	} cases[] = {
		{ FTX_ARCH_X86_64, "$arg1", "%di" },
		{ FTX_ARCH_X86_64, "+0($arg2)", "+0(%si)" },
		{ FTX_ARCH_X86_64, "$arg3", "%dx" },
		{ FTX_ARCH_X86_64, "$arg4", "%cx" },
		{ FTX_ARCH_X86_64, "$arg5", "%r8" },
		{ FTX_ARCH_X86_64, "$arg6", "%r9" },
		{ FTX_ARCH_X86_64, "$arg7", "$stack1" },
		{ FTX_ARCH_X86_64, "$arg8", "$stack2" },
		{ FTX_ARCH_X86_64, "%rdi", "%di" },
		{ FTX_ARCH_X86_64, "-8(%rbp)", "-8(%bp)" },
		{ FTX_ARCH_X86_64, "%r12", "%r12" },
		{ FTX_ARCH_X86_64, "+8(+0($arg1))", "+8(+0(%di))" },
		{ FTX_ARCH_ARM64, "$arg1", "%x0" },
		{ FTX_ARCH_ARM64, "+0($arg2)", "+0(%x1)" },
		{ FTX_ARCH_ARM64, "$arg8", "%x7" },
		{ FTX_ARCH_ARM64, "$arg9", "$stack0" },
		{ FTX_ARCH_ARM, "$arg1", "%r0" },
		{ FTX_ARCH_ARM, "+0($arg2)", "+0(%r1)" },
		{ FTX_ARCH_ARM, "$arg4", "%r3" },
		{ FTX_ARCH_ARM, "$arg5", "$stack0" },
		{ FTX_ARCH_ARM, "$arg6", "$stack1" },
		{ FTX_ARCH_RISCV64, "$arg1", "%a0" },
		{ FTX_ARCH_ARM64, "$retval", "$retval" },
		{ FTX_ARCH_ARM, "$comm", "$comm" },
	};
	char out[256];
	size_t i;

	for (i = 0; i < FTX_ARRAY_SIZE(cases); i++) {
		if (ftx_probe_fetch_translate(cases[i].in, cases[i].arch, false, true, false, out,
					      sizeof(out)) < 0)
			ck_abort_msg("%s on %s: %s", cases[i].in, ftx_arch_name(cases[i].arch),
				     ftx_error());
		ck_assert_str_eq(out, cases[i].out);
	}
	/* kept where the kernel has $argN */
	ck_assert_int_eq(ftx_probe_fetch_translate("+0($arg2)", FTX_ARCH_ARM, true, true, false,
						   out, sizeof(out)), 0);
	ck_assert_str_eq(out, "+0($arg2)");
	/* stack arguments only at entry, no arguments at return, nothing for the unknown */
	ck_assert_int_eq(ftx_probe_fetch_translate("$arg7", FTX_ARCH_X86_64, false, false, false,
						   out, sizeof(out)), -1);
	ck_assert_int_eq(ftx_probe_fetch_translate("$arg1", FTX_ARCH_ARM64, false, true, true,
						   out, sizeof(out)), -1);
	ck_assert_ptr_nonnull(strstr(ftx_error(), "return probe"));
	ck_assert_int_eq(ftx_probe_fetch_translate("$arg1", FTX_ARCH_UNKNOWN, false, true, false,
						   out, sizeof(out)), -1);
	ck_assert_int_eq(ftx_probe_fetch_translate("$arg0", FTX_ARCH_ARM64, false, true, false,
						   out, sizeof(out)), -1);
}
END_TEST

/* The same definition text on every kernel of the test bed. */
START_TEST(test_portable_definition)
{
	static const char def[] = "do_sys_openat2 name=+0($arg2):ustring";
	struct ftx_probe_env env;
	char *line;

	env = env_of("x86_64", true);
	line = kline(def, &env, "ftx");
	ck_assert_str_eq(line, "p:ftx/do_sys_openat2 do_sys_openat2 name=+0($arg2):ustring");
	free(line);
	env = env_of("x86_64", false);
	line = kline(def, &env, "ftx");
	ck_assert_str_eq(line, "p:ftx/do_sys_openat2 do_sys_openat2 name=+0(%si):ustring");
	free(line);
	env = env_of("aarch64", false);
	line = kline(def, &env, "ftx");
	ck_assert_str_eq(line, "p:ftx/do_sys_openat2 do_sys_openat2 name=+0(%x1):ustring");
	free(line);
	env = env_of("armv7l", false);
	env.ustring = false;
	line = kline(def, &env, "ftx");
	ck_assert_str_eq(line, "p:ftx/do_sys_openat2 do_sys_openat2 name=+0(%r1):string");
	free(line);
	/* $argN in a kretprobe: the kernel's own only */
	env = env_of("aarch64", true);
	env.argn_return = false;
	ck_assert_ptr_null(kline("vfs_read%return a=$arg1", &env, NULL));
	env.argn_return = true;
	line = kline("vfs_read%return a=$arg1", &env, NULL);
	ck_assert_str_eq(line, "r:probe/vfs_read__return vfs_read a=$arg1");
	free(line);
}
END_TEST

/* which probe events a recording's -e options select (for the never-fired check) */
START_TEST(test_cli_matches)
{
	struct ftx_record_cli cli;
	char a[] = "probe:do_sys_open", b[] = "ftx", c[] = "sched";

	memset(&cli, 0, sizeof(cli));
	ck_assert_int_eq(ftx_record_cli_opt(&cli, 'e', a), 1);
	ck_assert(ftx_record_cli_matches(&cli, "probe", "do_sys_open"));
	ck_assert(!ftx_record_cli_matches(&cli, "probe", "do_sys_openat2"));
	ck_assert(!ftx_record_cli_matches(&cli, "ftx", "do_sys_open"));
	ck_assert_int_eq(ftx_record_cli_opt(&cli, 'e', b), 1);
	ck_assert(ftx_record_cli_matches(&cli, "ftx", "anything"));
	ck_assert_int_eq(ftx_record_cli_add_event(&cli, "sdt_app", "tick"), 0);
	ck_assert(ftx_record_cli_matches(&cli, "sdt_app", "tick"));
	ck_assert(!ftx_record_cli_matches(&cli, "sdt_app", "tock"));
	memset(&cli, 0, sizeof(cli));
	/* a bare name is a system or an event */
	ck_assert_int_eq(ftx_record_cli_opt(&cli, 'e', c), 1);
	ck_assert(ftx_record_cli_matches(&cli, "sched", "sched_switch"));
	ck_assert(ftx_record_cli_matches(&cli, "other", "sched"));
	ck_assert(!ftx_record_cli_matches(&cli, "probe", "vfs_read"));
	ck_assert_int_eq(ftx_record_cli_opt(&cli, FTX_RECORD_CLI_OPT_PROBE, a), 1);
	ck_assert_uint_eq(cli.nr_probes, 1);
}
END_TEST

Suite *probe_suite(void)
{
	Suite *s = suite_create("probe");
	TCase *tc = tcase_create("definitions");

	tcase_add_test(tc, test_env_readme);
	tcase_add_test(tc, test_parse_perf_form);
	tcase_add_test(tc, test_parse_sdt);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_kernel_form_round_trip);
	tcase_add_test(tc, test_perf_form_round_trip);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_argn_per_arch);
	tcase_add_test(tc, test_portable_definition);
	tcase_add_test(tc, test_cli_matches);
	suite_add_tcase(s, tc);
	return s;
}
