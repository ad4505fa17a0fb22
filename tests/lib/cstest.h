/* SPDX-License-Identifier: MIT */
/*
 * Shared glue for cardsnoop's Check test programs (host and guest).
 *
 * Every test program prints TAP on stdout ("ok N - ...", "not ok N - ...",
 * "ok N - ... # SKIP reason"), which tests/summary.sh counts for the
 * "N passed, N failed" line of make check.
 */
#ifndef CSTEST_H
#define CSTEST_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

/* Run @s with TAP on stdout; exit status 0 if every test passed. */
static inline int cstest_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	fflush(stdout);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
