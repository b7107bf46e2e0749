/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tracefs plumbing (src/lib/tracefs/tracefs-util.c): finding and mounting
 * tracefs, the kernel's reasons for a refused write (error_log, lockdown),
 * and the parsers of what tracefs files contain. The parsers do no I/O.
 */
#ifndef FTX_TRACEFS_UTIL_H
#define FTX_TRACEFS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/**
 * ftx_tracefs_mount - find tracefs, mounting it when it is not mounted
 *
 * Tries /sys/kernel/tracing, then /sys/kernel/debug/tracing; mounts tracefs on
 * /sys/kernel/tracing if neither is there. Returns the directory (static
 * storage, not to be freed) or NULL with errno and ftx_error() set.
 */
const char *ftx_tracefs_mount(void);

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

#endif /* FTX_TRACEFS_UTIL_H */
