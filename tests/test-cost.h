/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the suites' repeated work costs.
 *
 * Rounds: make check-mem sets FTX_TEST_ROUNDS_DIV (10): valgrind runs the
 * suites in-process some 30 to 50 times slower than natively, so the suites
 * that repeat a comparison run a share of it there; make check-asan sets it to
 * 2; the plain run of make check does all of it.
 *
 * Checks in loops over records: Check's ck_assert_*() macros record the place of
 * every assertion that passes (_mark_point(), a message to the test's parent,
 * which is a write() to a file), so a loop over 100000 records with ten of them
 * made a million system calls. TEST_REQUIRE() says what ck_abort_msg() says when
 * it fails and nothing when it holds.
 */
#ifndef FTX_TEST_COST_H
#define FTX_TEST_COST_H

#include <check.h>
#include <stdlib.h>

#define TEST_REQUIRE(cond, ...)                                                         \
	do {                                                                            \
		if (!(cond))                                                            \
			ck_abort_msg(__VA_ARGS__);                                      \
	} while (0)

/* FTX_TEST_ROUNDS_DIV, or 1 */
static inline int test_rounds_div(void)
{
	const char *e = getenv("FTX_TEST_ROUNDS_DIV");
	int div = e ? atoi(e) : 1;

	return div > 1 ? div : 1;
}

/* @n rounds, or 1/FTX_TEST_ROUNDS_DIV of them but at least @least */
static inline int test_rounds(int n, int least)
{
	int div = test_rounds_div(), m;

	if (div == 1)
		return n;
	m = n / div > least ? n / div : least;
	return m < n ? m : n;
}

/*
 * The reader modes a report comparison runs, as ftx_report_opts.threads from
 * *@first to *@last: serially (1) and through the reader thread (2). With
 * FTX_TEST_ROUNDS_DIV set, one of them, chosen by @n: comparisons numbered in
 * turn alternate between the two.
 */
static inline void test_reader_modes(int n, int *first, int *last)
{
	if (test_rounds_div() == 1) {
		*first = 1;
		*last = 2;
	} else {
		*first = *last = 1 + (n & 1);
	}
}

#endif /* FTX_TEST_COST_H */
