// SPDX-License-Identifier: GPL-2.0
/*
 * report's inspection options (-f -P -E --uname --version --cpus
 * --first-event --last-event --check-events and their combinations) print
 * exactly what trace-cmd 3.1.6's report prints on the same fixture: the
 * golden output is trace-cmd's, taken live (skipped with a reason only when
 * trace-cmd is missing). --profile is refused with a pointer to ftx profile.
 * -I and -S (no hard/soft interrupt context events) print what trace-cmd's do,
 * also on the fixtures where they leave events out.
 * Runs $FTX, from tests/.
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
	"fixtures/linux-6.1-amd64/fgraph_openat2.v6.dat",
	"fixtures/linux-6.1-amd64/kprobe_openat2.v6.dat",
	"fixtures/linux-6.1-arm64/fgraph_openat2.v6.dat",
	"fixtures/synth/le64-tsc.v6.dat",
	"fixtures/synth/le64-inst.v6.dat",
	"fixtures/synth/be32.v6.dat",
	"fixtures/synth/le64-date.v6.dat",
	"fixtures/synth/be64-inst-zstd.v7.dat",
	"fixtures/synth/le64-tsc2nsec.v6.dat",
};

static const char *const opts[] = {
	"-f", "-P", "-E", "--uname", "--version", "--cpus", "--first-event", "--last-event",
	"--first-event --last-event", "-t --first-event --last-event", "--check-events",
	"-f -P", "-P -E", "-E --uname", "--uname --cpus", "--cpus --first-event",
	"--uname --version",
};


START_TEST(test_as_trace_cmd)
{
	const char *f = files[_i / (int)FTX_ARRAY_SIZE(opts)];
	const char *o = opts[_i % (int)FTX_ARRAY_SIZE(opts)];
	char dir[] = "/tmp/ftx-inspect-XXXXXX";
	int rf, rt;

	/* make check installs trace-cmd (scripts/deps.sh): without it this fails */
	ck_assert_msg(access("/usr/bin/trace-cmd", X_OK) == 0 || test_sh("trace-cmd -h >/dev/null 2>&1") == 0,
		      "trace-cmd is not installed (scripts/deps.sh installs it)");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	rf = test_sh("%s report -i %s %s > %s/ftx.txt 2>&1", getenv("FTX"), f, o, dir);
	rt = test_sh("trace-cmd report -i %s %s > %s/tc.txt 2>&1", f, o, dir);
	ck_assert_int_eq(rf, rt);
	ck_assert_msg(test_sh("cmp -s %s/ftx.txt %s/tc.txt", dir, dir) == 0,
		      "ftx report %s %s differs from trace-cmd's (see %s)", f, o, dir);
	test_sh("rm -rf %s", dir);
}
END_TEST

/* -I/-S: sched_syscalls and fgraph_pmc have events they leave out */
static const char *const irq_files[] = {
	"fixtures/linux-6.1-amd64/sched_syscalls.v7.dat",
	"fixtures/linux-6.1-amd64/fgraph_pmc.v6.dat",
	"fixtures/linux-6.1-amd64/fgraph_openat2.v6.dat",
	"fixtures/host-6.18/sched_stack.v6.dat",
};

static const char *const irq_opts[] = { "-I", "-S", "-I -S", "-I -l", "-S -t" };

START_TEST(test_irq_as_trace_cmd)
{
	const char *f = irq_files[_i / (int)FTX_ARRAY_SIZE(irq_opts)];
	const char *o = irq_opts[_i % (int)FTX_ARRAY_SIZE(irq_opts)];
	char dir[] = "/tmp/ftx-irqs-XXXXXX";

	ck_assert_msg(access("/usr/bin/trace-cmd", X_OK) == 0 || test_sh("trace-cmd -h >/dev/null 2>&1") == 0,
		      "trace-cmd is not installed (scripts/deps.sh installs it)");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(test_sh("%s report -i %s %s > %s/ftx.txt 2>&1", getenv("FTX"), f, o, dir),
			 test_sh("trace-cmd report -i %s %s > %s/tc.txt 2>&1", f, o, dir));
	ck_assert_msg(test_sh("cmp -s %s/ftx.txt %s/tc.txt", dir, dir) == 0,
		      "ftx report %s %s differs from trace-cmd's (see %s)", f, o, dir);
	/* the option must matter somewhere: the plain report differs on the first two */
	if (_i / (int)FTX_ARRAY_SIZE(irq_opts) < 2 && strcmp(o, "-I -l") && strcmp(o, "-S -t"))
		ck_assert_msg(test_sh("%s report -i %s | cmp -s - %s/ftx.txt", getenv("FTX"), f,
				      dir) != 0, "%s changes nothing on %s", o, f);
	test_sh("rm -rf %s", dir);
}
END_TEST

START_TEST(test_profile_refused)
{
	ck_assert_int_eq(test_sh("%s report -i %s --profile 2>&1 | grep -q \"'ftx profile'\"",
			    getenv("FTX"), files[0]), 0);
	ck_assert_int_eq(test_sh("%s report -i %s --profile 2>/dev/null", getenv("FTX"), files[0]), 2);
}
END_TEST

Suite *report_inspect_suite(void)
{
	Suite *s = suite_create("report-inspect");
	TCase *tc = tcase_create("inspect");

	tcase_add_loop_test(tc, test_as_trace_cmd, 0, FTX_ARRAY_SIZE(files) * FTX_ARRAY_SIZE(opts));
	tcase_add_loop_test(tc, test_irq_as_trace_cmd, 0,
			    FTX_ARRAY_SIZE(irq_files) * FTX_ARRAY_SIZE(irq_opts));
	tcase_add_test(tc, test_profile_refused);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
