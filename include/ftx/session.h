/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The session owns every tracefs change ftx makes: it records the original
 * value before each write and restores it on normal exit, on error and on
 * SIGINT/SIGTERM/SIGHUP/SIGPIPE. Runs use a private instance ("ftx-<pid>") wherever
 * the kernel allows, so the top-level buffer and other users are untouched.
 * What it changes outside its instance is also journaled under /run/ftx so
 * that 'ftx reset' can undo the changes of a run that was SIGKILLed.
 */
#ifndef FTX_SESSION_H
#define FTX_SESSION_H

#include <stdbool.h>
#include <sys/types.h>

struct tracefs_instance;
struct ftx_session;

/* Prefix of everything ftx creates in tracefs: instances, probe groups. */
#define FTX_INSTANCE_PREFIX	"ftx-"
#define FTX_PROBE_GROUP		"ftx"

/* Where sessions journal their top-level changes: FTX_JOURNAL_DIR/<pid>[.<n>] */
#ifndef FTX_JOURNAL_DIR
#define FTX_JOURNAL_DIR		"/run/ftx"
#endif

/**
 * ftx_tracefs_mount - find tracefs, mounting it when it is not mounted
 *
 * Tries /sys/kernel/tracing, then /sys/kernel/debug/tracing; mounts tracefs on
 * /sys/kernel/tracing if neither is there. Returns the directory (static
 * storage, not to be freed) or NULL with errno and ftx_error() set.
 */
const char *ftx_tracefs_mount(void);

enum ftx_session_flags {
	FTX_SESSION_TOP		= 1u << 0,	/* no private instance: work on the top level */
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
 * ftx_session_catch_signals - SIGINT/SIGTERM/SIGHUP/SIGPIPE request a stop instead of
 * killing the process: ftx_session_stop_requested() turns true and blocking
 * calls return EINTR. A second signal while a stop is pending restores the
 * session immediately (async-signal-safe writes only) and exits with the
 * signal's status.
 */
int ftx_session_catch_signals(struct ftx_session *s);

/** ftx_session_stop_requested - true once a stop signal arrived */
bool ftx_session_stop_requested(void);

/** ftx_session_stop_signal - the signal that requested the stop, 0 if none */
int ftx_session_stop_signal(void);

/*
 * Threads: the handler restores from whichever thread receives the signal;
 * threads that read buffers should block SIGINT/SIGTERM/SIGHUP/SIGPIPE
 * (pthread_sigmask) so the main thread, which changes the session, gets them.
 */

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

/*
 * tracefs plumbing (src/lib/tracefs-util.c). The parsers do no I/O.
 */

/**
 * ftx_lockdown_mode - the kernel lockdown mode ("none", "integrity",
 * "confidentiality"), read from securityfs (mounted in a private mount
 * namespace when it is not mounted). Static storage; NULL when unknown.
 */
const char *ftx_lockdown_mode(void);

/** ftx_lockdown_parse - "none [integrity] confidentiality" → "integrity" */
int ftx_lockdown_parse(const char *text, char *mode, size_t size);

/**
 * ftx_error_log_find - the kernel's reason for @command in error_log text:
 * the message of the newest entry whose "Command:" matches
 * Returns 0 with @reason filled, or -1 (ENOENT) when no entry matches.
 */
int ftx_error_log_find(const char *log, const char *command, char *reason, size_t size);

/**
 * ftx_tracefs_reason - the kernel's reason why writing @value failed with
 * @err: its entry in @dir's error_log, else "not permitted (lockdown=MODE)"
 * for EPERM under lockdown, else strerror(@err). @dir may be NULL.
 */
void ftx_tracefs_reason(const char *dir, const char *value, int err, char *reason, size_t size);

/**
 * ftx_tracefs_explain - set ftx_error() to "@what: <reason>" for a failed
 * write of @value, errno kept: the entry in @dir's error_log when there is
 * one, else "not permitted (lockdown=MODE)" for EPERM under lockdown, else
 * strerror(errno). @dir may be NULL (no error_log lookup).
 */
void ftx_tracefs_explain(const char *dir, const char *what, const char *value);

/** ftx_tracefs_is_list - @file is a list (set_event, set_ftrace_filter, pids) */
bool ftx_tracefs_is_list(const char *file);

/**
 * ftx_tracefs_restore_value - what to write to @file to get back to what
 * reading it showed (@content): "[local] global" → "local", filter "none" →
 * "0", list files → their entries one per line without comments.
 * Returns a malloc()ed string, or NULL (EINVAL for content that cannot be
 * written back, e.g. a mixed "X" enable).
 */
char *ftx_tracefs_restore_value(const char *file, const char *content);

/** ftx_dynevent_parse_name - GROUP and EVENT of "p:GROUP/EVENT ..."; -1 EINVAL if unnamed */
int ftx_dynevent_parse_name(const char *definition, char *group, size_t gsize,
			    char *event, size_t esize);

/** ftx_instance_name_parse - pid of an instance named "ftx-<pid>[-<n>]"; -1 EINVAL otherwise */
int ftx_instance_name_parse(const char *name, pid_t *pid);

/** ftx_pid_is_ftx - @pid is a running ftx process (not dead, not reused by another program) */
bool ftx_pid_is_ftx(pid_t pid);

/* One undo write from a journal: groups are undone newest first, ops in order. */
struct ftx_journal_op {
	unsigned int group;
	bool append;		/* O_APPEND, else O_TRUNC */
	char *path;
	char *data;
	size_t len;
};

/**
 * ftx_journal_parse - parse a session journal (text of /run/ftx/<pid>)
 * @ops: receives a malloc()ed array the caller frees with ftx_journal_free()
 * @instance: if not NULL, receives the instance name (malloc()ed) or NULL
 * Returns the number of ops, or -1 (EINVAL) for a malformed journal.
 */
int ftx_journal_parse(const char *text, struct ftx_journal_op **ops, char **instance);

/** ftx_journal_free - free what ftx_journal_parse() returned; NULL is fine */
void ftx_journal_free(struct ftx_journal_op *ops, int nr);

#endif /* FTX_SESSION_H */
