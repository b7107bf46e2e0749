/* SPDX-License-Identifier: GPL-2.0 */
/* 'ftx reset': undo what dead ftx processes left in tracefs. */
#ifndef FTX_RESET_H
#define FTX_RESET_H

/**
 * ftx_reset - undo what dead ftx processes left behind: their instances,
 * their probe groups, the top-level settings journaled under /run/ftx.
 * Leaves alone what belongs to others and to live ftx processes: a session
 * holds an flock on its journal from ftx_session_create() on, so a journal
 * that can be locked belongs to a dead process even if its pid was reused;
 * without a journal, a pid whose comm starts with "ftx" counts as alive.
 * @report: called once per removed or restored item with a description
 * Returns the number of items handled, or -1 with errno and ftx_error() set.
 */
int ftx_reset(void (*report)(const char *what, void *arg), void *arg);

/**
 * ftx_flight_stop - end the flight recording 'ftx start' left running:
 * remove its instance (FTX_FLIGHT_INSTANCE, what it holds is lost) and undo
 * the top-level settings its journal lists (saved_cmdlines_size...)
 * @report: called once per removed or restored item with a description
 * Returns the number of items handled, or -1 with errno and ftx_error() set
 * (ENOENT: none runs).
 */
int ftx_flight_stop(void (*report)(const char *what, void *arg), void *arg);

#endif /* FTX_RESET_H */
