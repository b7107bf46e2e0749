/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What this kernel allows, decided by trying (the probing of 'ftx check').
 * Every probe runs in a session (private instance where possible) and is
 * undone when the check ends, also when it is interrupted.
 */
#ifndef FTX_CAPABILITY_H
#define FTX_CAPABILITY_H

#include <stdio.h>

#include "ftx/elf.h"	/* ftx_elf_entry_offset, used by the uprobe check */

enum ftx_cap_status {
	FTX_CAP_OK,
	FTX_CAP_NOT_PERMITTED,	/* built in, but refused (lockdown, paranoid, EPERM) */
	FTX_CAP_NOT_BUILT,	/* not configured in this kernel */
	FTX_CAP_NOT_SUPPORTED,	/* built, but does not work here (no PMU, too old) */
};

struct ftx_cap {
	char name[40];		/* stable: "tracer function", "uprobe", "hardware PMU" */
	enum ftx_cap_status status;
	char reason[256];	/* the kernel's own reason where there is one */
};

struct ftx_check {
	char kernel[128];	/* uname release */
	char machine[65];	/* uname machine */
	char tracefs[64];	/* where tracefs is mounted */
	struct ftx_cap *caps;
	int nr;
};

/* Called after each capability is decided; returning non-zero stops the check. */
typedef int (*ftx_check_fn)(const struct ftx_cap *cap, void *arg);

/**
 * ftx_check_run - probe every capability, calling @fn after each
 * @chk: filled in; release with ftx_check_free() (also after a failure)
 *
 * Stops early (EINTR) when ftx_session_stop_requested() turns true or @fn
 * returns non-zero. Everything changed is restored before returning.
 * Returns 0, or -1 with errno and ftx_error() set when the check could not
 * run at all (no tracefs) or was interrupted.
 */
int ftx_check_run(struct ftx_check *chk, ftx_check_fn fn, void *arg);

/** ftx_check_free - free the capabilities of @chk (not @chk itself); NULL is fine */
void ftx_check_free(struct ftx_check *chk);

/** ftx_cap_status_name - "ok", "not permitted", "not built", "not supported" */
const char *ftx_cap_status_name(enum ftx_cap_status status);

/** ftx_cap_format - one line of the table (no newline) into @buf; returns @buf */
char *ftx_cap_format(const struct ftx_cap *cap, char *buf, size_t size);

/**
 * ftx_check_print_json - the stable script format:
 * {"kernel":..., "machine":..., "tracefs":..., "capabilities":[{"name":...,
 * "status":"ok|not permitted|not built|not supported", "reason":...}]}
 * Returns 0 or -1 if writing to @f failed.
 */
int ftx_check_print_json(FILE *f, const struct ftx_check *chk);

/** ftx_json_escape - write @s as a JSON string literal (with quotes) to @f */
void ftx_json_escape(FILE *f, const char *s);

enum ftx_tracer_place {
	FTX_TRACER_NOT_BUILT,
	FTX_TRACER_IN_INSTANCE,	/* in an instance's available_tracers */
	FTX_TRACER_TOP_ONLY,	/* listed at the top level only (function_graph before 6.x) */
};

/**
 * ftx_cap_tracer_place - where @tracer can run, from the available_tracers of
 * an instance (@inst_list; "" when instances have no tracer files) and of the
 * top level (@top_list); either may be NULL
 */
enum ftx_tracer_place ftx_cap_tracer_place(const char *inst_list, const char *top_list,
					   const char *tracer);

/**
 * ftx_cap_from_files - the verdict of capability @name ("kprobe", "eprobe",
 * "fetcharg $argN", "dynamic_events", "buffer_subbuf_size_kb", ...) when the
 * files and README of tracing directory @top decide it without a try: what an
 * older kernel lacks. 'ftx check' asks this first.
 * @cap: filled in when decided
 *
 * Returns 1 when decided, 0 when only trying can tell, -1 (errno) when @top
 * is not a tracing directory.
 */
int ftx_cap_from_files(const char *top, const char *name, struct ftx_cap *cap);

/** ftx_readme_has_fetcharg - tracefs README text lists the fetcharg @arg ("$arg<N>") */
int ftx_readme_has_fetcharg(const char *readme, const char *arg);

#endif /* FTX_CAPABILITY_H */
