// SPDX-License-Identifier: GPL-2.0
/*
 * ftx list -i FILE (no root): the formats it prints from a trace.dat are the
 * ones trace-cmd 3.1.6's dump prints from the same file (golden taken live
 * from trace-cmd; dump adds a blank line after each format), the event list
 * names the same events, -p finds the probes, -f the kallsyms functions, and
 * tracers/options (which a file does not hold) are refused. Runs $FTX, from
 * tests/.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "ftx/util.h"
#include "test-sh.h"


static const char *const files[] = {
	"fixtures/linux-6.1-amd64/sched_syscalls.v7.dat",
	"fixtures/linux-6.1-amd64/kprobe_openat2.v6.dat",
	"fixtures/linux-6.1-arm64/fgraph_openat2.v6.dat",
};

START_TEST(test_formats_as_trace_cmd_dump)
{
	const char *ftx = getenv("FTX"), *f = files[_i];
	char dir[] = "/tmp/ftx-list-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(dir));
	if (test_sh("trace-cmd -h >/dev/null 2>&1") != 0 && access("/usr/bin/trace-cmd", X_OK)) {
		fprintf(stderr, "SKIP: test_formats_as_trace_cmd_dump: trace-cmd not installed\n");
		return;
	}
	/*
	 * dump: section lines start with a tab and '[', and it adds a blank line
	 * after each format; list starts each with "system: NAME". Compared
	 * without blank lines.
	 */
	ck_assert_int_eq(test_sh("(trace-cmd dump -i %s --ftrace-events; trace-cmd dump -i %s --events) "
			    "2>&1 | grep -v -e '^\t\\[' -e '^$' > %s/dump.txt", f, f, dir), 0);
	ck_assert_int_eq(test_sh("%s list -i %s -e -F --full > %s/list.txt", ftx, f, dir), 0);
	ck_assert_int_eq(test_sh("grep -v -e '^system: ' -e '^$' %s/list.txt > %s/list2.txt", dir, dir),
			 0);
	ck_assert_msg(test_sh("cmp -s %s/dump.txt %s/list2.txt", dir, dir) == 0,
		      "%s: ftx list -F --full differs from trace-cmd dump", f);
	/* the plain list names the same events, system:name */
	ck_assert_int_eq(test_sh("%s list -i %s -e | sed 's/.*://' > %s/names.txt", ftx, f, dir), 0);
	ck_assert_int_eq(test_sh("grep '^name: ' %s/dump.txt | sed 's/^name: //' | cmp -s - %s/names.txt",
			    dir, dir), 0);
	/* without --full: no print fmt lines */
	ck_assert_int_eq(test_sh("%s list -i %s -e -F | grep -q '^print fmt:'", ftx, f), 1);
	test_sh("rm -rf %s", dir);
}
END_TEST

START_TEST(test_file_listings)
{
	const char *ftx = getenv("FTX");

	/* probes: the kprobe fixture's two events, nothing from the sched file */
	ck_assert_int_eq(test_sh("test \"$(%s list -i %s -p | tr '\\n' ' ')\" = "
			    "'ftxfix:myopenret ftxfix:myopen '", ftx, files[1]), 0);
	ck_assert_int_eq(test_sh("test -z \"$(%s list -i %s -p)\"", ftx, files[0]), 0);
	/* functions from the file's kallsyms, filtered by a regex or a glob */
	ck_assert_int_eq(test_sh("%s list -i %s -f '^do_sys_openat2$' | grep -qx do_sys_openat2", ftx,
			    files[0]), 0);
	ck_assert_int_eq(test_sh("test $(%s list -i %s -f 'vfs_rea*' | wc -l) -ge 1", ftx, files[0]),
			 0);
	/* event regex as trace-cmd's, and a glob */
	ck_assert_int_eq(test_sh("test \"$(%s list -i %s -e 'sched:*' | tr '\\n' ' ')\" = "
			    "'sched:sched_switch sched:sched_wakeup '", ftx, files[0]), 0);
	ck_assert_int_eq(test_sh("test \"$(%s list -i %s -e 'openat$' | tr '\\n' ' ')\" = "
			    "'syscalls:sys_enter_openat syscalls:sys_exit_openat '", ftx, files[0]),
			 0);
	ck_assert_int_eq(test_sh("%s list -i %s -C | grep -qx '\\[global\\]'", ftx, files[0]), 0);
	ck_assert_int_eq(test_sh("%s list -i %s -B | grep -qx 'No buffer instances defined'", ftx,
			    files[0]), 0);
	/* full listing of a file: systems, events, compression; no tracers/options */
	ck_assert_int_eq(test_sh("test \"$(%s list -i %s | grep ':$' | tr '\\n' '|')\" = "
			    "'event systems:|events:|Supported compression algorithms:|'", ftx,
			    files[0]), 0);
	ck_assert_int_eq(test_sh("%s list -i %s -t 2>/dev/null", ftx, files[0]), 1);
	ck_assert_int_eq(test_sh("%s list -i %s -o 2>/dev/null", ftx, files[0]), 1);
	ck_assert_int_eq(test_sh("%s list -i /nonexistent.dat -e 2>/dev/null", ftx), 1);
	ck_assert_int_eq(test_sh("%s list -F 2>/dev/null", ftx), 2);	/* -F needs -e */
	ck_assert_int_eq(test_sh("%s list -x 2>/dev/null", ftx), 2);
	ck_assert_int_eq(test_sh("%s list -c | grep -q '^\tzstd, '", ftx), 0);
}
END_TEST

Suite *list_suite(void)
{
	Suite *s = suite_create("list");
	TCase *tc = tcase_create("list");

	tcase_add_loop_test(tc, test_formats_as_trace_cmd_dump, 0, FTX_ARRAY_SIZE(files));
	tcase_add_test(tc, test_file_listings);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
