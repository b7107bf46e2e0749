// SPDX-License-Identifier: GPL-2.0
/*
 * The unit-test runner: every tests/test-<module>.c exports
 * Suite *<module>_suite(void); the Makefile lists them in suites.h.
 * Runs from tests/ so fixtures are found as fixtures/...
 */
#include <check.h>
#include <stdlib.h>

#define FTX_SUITE(n) Suite *n##_suite(void);
#include "suites.h"
#undef FTX_SUITE

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	int failed;

#define FTX_SUITE(n) srunner_add_suite(sr, n##_suite());
#include "suites.h"
#undef FTX_SUITE

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
