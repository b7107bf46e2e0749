// SPDX-License-Identifier: GPL-2.0
/*
 * pmc: event names as perf spells them, and the libperf boundary (-errno
 * turned into -1/errno) on a real software counter of this process, which
 * needs no root (perf_event_paranoid <= 2 allows counting oneself).
 */
#include <check.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/error.h"
#include "ftx/pmc.h"

START_TEST(test_event_parse)
{
	struct ftx_pmc_event ev;

	ck_assert_int_eq(ftx_pmc_event_parse("cycles", &ev), 0);
	ck_assert_uint_eq(ev.type, PERF_TYPE_HARDWARE);
	ck_assert_uint_eq(ev.config, PERF_COUNT_HW_CPU_CYCLES);
	ck_assert_str_eq(ev.name, "cycles");
	ck_assert_int_eq(ftx_pmc_event_parse("cpu-clock", &ev), 0);
	ck_assert_uint_eq(ev.type, PERF_TYPE_SOFTWARE);
	ck_assert_uint_eq(ev.config, PERF_COUNT_SW_CPU_CLOCK);
	ck_assert_int_eq(ftx_pmc_event_parse("cs", &ev), 0);
	ck_assert_uint_eq(ev.config, PERF_COUNT_SW_CONTEXT_SWITCHES);
	/* perf's raw syntax: rNNN in hex */
	ck_assert_int_eq(ftx_pmc_event_parse("r1a8", &ev), 0);
	ck_assert_uint_eq(ev.type, PERF_TYPE_RAW);
	ck_assert_uint_eq(ev.config, 0x1a8);
	ck_assert_int_eq(ftx_pmc_event_parse("r", &ev), -1);
	ck_assert_int_eq(ftx_pmc_event_parse("rxyz", &ev), -1);
	/* a typo gets a suggestion */
	ck_assert_int_eq(ftx_pmc_event_parse("instructons", &ev), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(ftx_error(), "unknown event 'instructons' (did you mean 'instructions'?)");
	ck_assert_int_eq(ftx_pmc_event_parse("nothing-like-it-at-all", &ev), -1);
	ck_assert_str_eq(ftx_error(), "unknown event 'nothing-like-it-at-all'");
	ck_assert_int_eq(ftx_pmc_event_parse("", &ev), -1);
	ck_assert_int_eq(ftx_pmc_event_parse(NULL, &ev), -1);
}
END_TEST

START_TEST(test_count_self)
{
	struct ftx_pmc_event ev[2];
	struct ftx_pmc_count c;
	struct ftx_pmc *pmc;
	volatile unsigned long x = 0;
	unsigned long i;

	ck_assert_int_eq(ftx_pmc_event_parse("task-clock", &ev[0]), 0);
	ck_assert_int_eq(ftx_pmc_event_parse("page-faults", &ev[1]), 0);
	pmc = ftx_pmc_open(ev, 2, 0, -1, false);
	if (!pmc) {
		/* e.g. perf_event_paranoid=3 (Debian) for a user, or no perf events */
		fprintf(stderr, "SKIP: pmc count_self: %s\n", ftx_error());
		return;
	}
	ck_assert_int_eq(ftx_pmc_enable(pmc), 0);
	for (i = 0; i < 20000000; i++)
		x += i;
	ck_assert_int_eq(ftx_pmc_disable(pmc), 0);
	ck_assert_int_eq(ftx_pmc_read(pmc, 0, &c), 0);
	ck_assert_uint_gt(c.value, 1000000);	/* ns of task-clock: the loop takes ms */
	ck_assert_uint_gt(c.enabled, 0);
	ck_assert_uint_ge(c.value, c.raw);
	ck_assert_int_eq(ftx_pmc_read(pmc, 2, &c), -1);
	ck_assert_int_eq(errno, EINVAL);
	ftx_pmc_close(pmc);
	ftx_pmc_close(NULL);
}
END_TEST

/* a group and a counter the kernel lacks, on this process, per CPU slot */
START_TEST(test_group_self)
{
	struct ftx_pmc_event *ev = NULL;
	struct ftx_pmc_target t = { .nr_tids = 1, .inherit = true };
	struct ftx_pmc_count c;
	struct ftx_pmc *pmc;
	pid_t self = 0;
	volatile unsigned long x = 0;
	unsigned long i;
	int nr = 0, cpu;

	t.tids = &self;
	ck_assert_int_eq(ftx_pmc_events_parse("{task-clock,page-faults},cpu-clock:u,r1234",
					      &(struct ftx_pmc_env){ .pmu_dir = "/nonexistent" },
					      &ev, &nr), 0);
	ck_assert_int_eq(nr, 4);
	ev[3].type = 0x7ffffff0;	/* a PMU the kernel does not have: <not supported> */
	pmc = ftx_pmc_open_target(ev, nr, &t);
	if (!pmc) {
		fprintf(stderr, "SKIP: pmc group_self: %s\n", ftx_error());
		free(ev);
		return;
	}
	ck_assert(ftx_pmc_supported(pmc, 0) && ftx_pmc_supported(pmc, 1));
	ck_assert(ftx_pmc_supported(pmc, 2));
	ck_assert(!ftx_pmc_supported(pmc, 3));
	ck_assert_int_eq(ftx_pmc_enable(pmc), 0);
	for (i = 0; i < 20000000; i++)
		x += i;
	ck_assert_int_eq(ftx_pmc_disable(pmc), 0);
	ck_assert_int_eq(ftx_pmc_nr_cpus(pmc, 0), 1);
	ck_assert_int_eq(ftx_pmc_read_cpu(pmc, 0, 0, &cpu, &c), 0);
	ck_assert_int_eq(cpu, -1);
	ck_assert_uint_gt(c.raw, 1000000);
	/* one group, scheduled together: the same time enabled and running */
	{
		struct ftx_pmc_count c1;

		ck_assert_int_eq(ftx_pmc_read_cpu(pmc, 1, 0, NULL, &c1), 0);
		ck_assert_uint_eq(c1.enabled, c.enabled);
	}
	ck_assert_int_eq(ftx_pmc_read_cpu(pmc, 3, 0, NULL, &c), -1);
	ftx_pmc_close(pmc);
	free(ev);
}
END_TEST

START_TEST(test_open_errors)
{
	struct ftx_pmc_event ev;

	ck_assert_ptr_null(ftx_pmc_open(NULL, 1, 0, -1, false));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(ftx_pmc_event_parse("cpu-clock", &ev), 0);
	/* neither a task nor a CPU */
	ck_assert_ptr_null(ftx_pmc_open(&ev, 1, -1, -1, false));
	ck_assert_int_eq(errno, EINVAL);
	/* a PMU type the kernel does not have: libperf's -errno becomes errno */
	ev.type = 0x7ffffff0;
	ck_assert_ptr_null(ftx_pmc_open(&ev, 1, 0, -1, false));
	ck_assert_int_ne(errno, 0);
	ck_assert(strstr(ftx_error(), "cpu-clock") != NULL);
}
END_TEST

Suite *pmc_suite(void)
{
	Suite *s = suite_create("pmc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_event_parse);
	tcase_add_test(tc, test_count_self);
	tcase_add_test(tc, test_open_errors);
	tcase_add_test(tc, test_group_self);
	suite_add_tcase(s, tc);
	return s;
}
