/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The session owns every tracefs change ftx makes: it records the original
 * value before each write and restores it on normal exit, on error and on
 * SIGINT/SIGTERM/SIGHUP. Runs use a private instance ("ftx-<pid>") wherever
 * the kernel allows, so the top-level buffer and other users are untouched.
 * What it changes outside its instance is also journaled (ftx/journal.h) so
 * that 'ftx reset' (ftx/reset.h) can undo the changes of a run that was
 * SIGKILLed. tracefs plumbing (mount, error_log, lockdown): ftx/tracefs-util.h.
 */
#ifndef FTX_SESSION_H
#define FTX_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

struct tracefs_instance;
struct ftx_session;

/* Prefix of everything ftx creates in tracefs: instances, probe groups. */
#define FTX_INSTANCE_PREFIX	"ftx-"
#define FTX_PROBE_GROUP		"ftx"

/* The flight recorder's instance ('ftx start' makes it, 'ftx stop' removes it) */
#define FTX_FLIGHT_INSTANCE	FTX_INSTANCE_PREFIX "flight"

enum ftx_session_flags {
	FTX_SESSION_TOP		= 1u << 0,	/* no private instance: work on the top level */
	FTX_SESSION_FLIGHT	= 1u << 1,	/* the instance is FTX_FLIGHT_INSTANCE
						 * (EEXIST: one runs already) */
};

/**
 * ftx_session_create - start a session, with a private instance unless
 * FTX_SESSION_TOP is given
 *
 * Returns a session the caller ends with ftx_session_destroy(), or NULL with
 * errno and ftx_error() set.
 */
struct ftx_session *ftx_session_create(unsigned int flags);

/**
 * ftx_session_destroy - restore everything the session changed, in reverse
 * order, remove what it created (probes, instance) and free it. NULL is fine.
 */
void ftx_session_destroy(struct ftx_session *s);

/**
 * ftx_session_attach - a session on the existing instance @name (the flight
 * recorder's) that changes nothing: ftx_session_destroy() leaves the instance
 * as it is. Returns the session, or NULL with errno and ftx_error() set.
 */
struct ftx_session *ftx_session_attach(const char *name);

/**
 * ftx_session_detach - end @s and leave every change in place: the instance
 * stays, and so does the journal (unlocked once closed), which is what
 * ftx_flight_stop() and 'ftx reset' (ftx/reset.h) undo later. NULL is fine.
 */
void ftx_session_detach(struct ftx_session *s);

/** ftx_session_instance - the private instance (borrowed), NULL for the top level */
struct tracefs_instance *ftx_session_instance(struct ftx_session *s);

/**
 * ftx_session_name - name of the private instance ("ftx-<pid>", borrowed),
 * NULL at the top level
 */
const char *ftx_session_name(struct ftx_session *s);

/** ftx_session_dir - absolute path of the session's tracefs directory (borrowed) */
const char *ftx_session_dir(struct ftx_session *s);

/**
 * ftx_session_set - write @value to @file (relative to the session's directory),
 * saving the file's original content first (once per file)
 *
 * Returns 0, or -1 with errno and ftx_error() set; the reason names the file and
 * the kernel's own explanation (error_log, lockdown) where there is one.
 */
int ftx_session_set(struct ftx_session *s, const char *file, const char *value);

/** ftx_session_set_top - like ftx_session_set() on a top-level file */
int ftx_session_set_top(struct ftx_session *s, const char *file, const char *value);

/**
 * ftx_session_append - append @value to a list file such as set_ftrace_filter
 * or set_event (O_APPEND), saving the original list first
 */
int ftx_session_append(struct ftx_session *s, const char *file, const char *value);

/**
 * ftx_session_event_enable - enable SYSTEM:EVENT (globs allowed as in
 * tracefs_event_enable()), with an optional @filter; restored on destroy
 */
int ftx_session_event_enable(struct ftx_session *s, const char *system, const char *event,
			     const char *filter);

/**
 * ftx_session_dynevent_create - add a dynamic event (kprobe/uprobe/eprobe line
 * in dynamic_events syntax) that the session removes on destroy
 *
 * The definition must name its event as GROUP/EVENT with a group starting
 * with FTX_PROBE_GROUP ("p:ftx/open /bin/bash:0x1234"), so that 'ftx reset'
 * recognises it. The removal is journaled before the event is created.
 */
int ftx_session_dynevent_create(struct ftx_session *s, const char *definition);

/**
 * ftx_session_restore - undo every change so far (keeps the instance);
 * returns 0 or -1 if some value could not be restored (all are tried)
 */
int ftx_session_restore(struct ftx_session *s);

/**
 * ftx_session_catch_signals - SIGINT/SIGTERM/SIGHUP request a stop instead of
 * killing the process: ftx_session_stop_requested() turns true and blocking
 * calls return EINTR. A second signal while a stop is pending restores every
 * live session immediately (async-signal-safe calls only: the undo writes,
 * closing the registered fds, rmdir of the instance, unlinking the journal)
 * and dies of the signal. SIGPIPE is ignored: a closed reader is EPIPE on
 * the write. Call it before ftx_session_create(), so no instance exists
 * unprotected. @s is unused (NULL is fine).
 */
int ftx_session_catch_signals(struct ftx_session *s);

/** ftx_session_stop_requested - true once a stop signal arrived */
bool ftx_session_stop_requested(void);

/** ftx_session_stop_signal - the signal that requested the stop, 0 if none */
int ftx_session_stop_signal(void);

/**
 * ftx_session_stop_sigset - fill @set with the signals that request a stop
 * (SIGINT, SIGTERM, SIGHUP), for a caller that blocks them outside a
 * ppoll() so that one arriving before the sleep still ends it
 */
void ftx_session_stop_sigset(sigset_t *set);

/**
 * ftx_session_fd_add - @fd is open on a file of the instance (a per-CPU
 * buffer): the second signal closes it before removing the instance, which
 * an open file keeps busy. Returns 0, or -1 (ENOMEM).
 */
int ftx_session_fd_add(struct ftx_session *s, int fd);

/** ftx_session_fd_remove - @fd is about to be closed by its owner */
void ftx_session_fd_remove(struct ftx_session *s, int fd);

/*
 * Threads: the handler restores from whichever thread receives the signal;
 * threads that read buffers block SIGINT/SIGTERM/SIGHUP (pthread_sigmask)
 * so the main thread, which changes the session, gets them.
 */

#endif /* FTX_SESSION_H */
