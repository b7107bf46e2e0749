/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test pause points: the root tests signal ftx at exact moments (the second
 * Ctrl-C during the final flush, during the trace.dat write, during the
 * session's restore) instead of hoping a sleep lands in a window.
 *
 *   FTX_TEST_PAUSE_AT=POINT[,POINT...]  where to pause (names below)
 *   FTX_TEST_PAUSE_FILE=PATH            created when a point is reached
 *   FTX_TEST_PAUSE_AT_MS=N              length of the pause (default 3000)
 *
 * Points: session-destroy (before the restore), session-rmdir (restored,
 * before the instance is removed), session-unregister (instance and journal
 * removed, before the signal handler forgets the session), record-flush (a
 * drain thread before its final flush), record-write (trace.dat half
 * written, before it gets its name), record-drain (a drain thread after
 * moving pages).
 * Unset (every normal run), a point costs one getenv().
 *
 * Test failure points: a call the tests cannot make fail from outside fails
 * as if the system had refused it.
 *
 *   FTX_TEST_FAIL_AT=POINT[,POINT...]   where to fail
 *
 * Points: record-thread-start (the last drain thread's pthread_create, with
 * EAGAIN: the threads before it are running), record-start (the write that
 * turns tracing on, with EIO: the drain threads and a held command exist).
 */
#ifndef FTX_TEST_HOOK_H
#define FTX_TEST_HOOK_H

#include <stdbool.h>

/**
 * ftx_test_pause - pause at @point when FTX_TEST_PAUSE_AT names it; signals
 * that interrupt the pause do not shorten it (the second one is the test)
 */
void ftx_test_pause(const char *point);

/**
 * ftx_test_fail - true when FTX_TEST_FAIL_AT names @point: the caller fails
 * there as the system call it stands for would
 */
bool ftx_test_fail(const char *point);

#endif /* FTX_TEST_HOOK_H */
