/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a kernel's tracing directory offers, decided only from the files it
 * has and from what its README says: never from the version number, which
 * vendor kernels backport past (a "4.14" board kernel may have 5.x tracing).
 * The fake 4.9/4.14/4.19 trees in tests/fixtures check every decision.
 */
#ifndef FTX_FEATURES_H
#define FTX_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

struct ftx_features {
	/* files */
	bool instances;		/* instances/: private buffers (3.10) */
	bool dynamic_events;	/* one file for every probe type (5.0) */
	bool kprobe_events;	/* CONFIG_KPROBE_EVENTS */
	bool uprobe_events;	/* CONFIG_UPROBE_EVENTS */
	bool error_log;		/* the kernel's reason for a refused write (5.2) */
	bool trace_marker_raw;	/* binary markers (4.10) */
	bool subbuf_size;	/* buffer_subbuf_size_kb: larger sub-buffers (6.8) */
	bool timestamp_mode;	/* delta/absolute timestamps (4.17) */
	bool set_event_pid;	/* event pid filter, -P (4.4) */
	bool event_fork;	/* options/event-fork: children followed (4.7) */
	bool function_fork;	/* options/function-fork (4.14) */
	bool max_graph_depth;	/* --max-graph-depth (4.2) */
	/* probe syntax, from the README */
	bool fetch_argn;	/* $arg<N> (4.20 on kprobes) */
	bool kretprobe_maxactive;	/* r[maxactive]: (4.12) */
	bool return_suffix;	/* <symbol>%return (5.11) */
	bool eprobe_syntax;	/* e[:[<group>/]<event>] listed (5.15; built or not) */
	bool fetch_comm;	/* $comm */
	char clocks[256];	/* trace_clock's list, brackets removed */
};

/**
 * ftx_features_probe - read @top (a tracefs or debugfs tracing directory)
 * @f: filled in; unreadable files count as absent
 *
 * Returns 0, or -1 with errno and ftx_error() set when @top has no trace file.
 */
int ftx_features_probe(const char *top, struct ftx_features *f);

/**
 * ftx_features_parse_readme - the probe-syntax fields of @f from README text
 * (@readme may be NULL: nothing is listed)
 */
void ftx_features_parse_readme(const char *readme, struct ftx_features *f);

/**
 * ftx_features_has_clock - is @clock in @f->clocks (the kernel's own list)?
 */
bool ftx_features_has_clock(const struct ftx_features *f, const char *clock);

/**
 * ftx_tracefs_locate - the tracing directory under @root ("" for the running
 * system): <root>/sys/kernel/tracing when tracefs is mounted there, else
 * <root>/sys/kernel/debug/tracing (kernels before 4.1, and systems that mount
 * only debugfs, where the kernel automounts tracefs at debugfs/tracing)
 * @out: receives the path
 *
 * Returns 0, or -1 with errno ENOENT when neither holds a trace file.
 */
int ftx_tracefs_locate(const char *root, char *out, size_t size);

#endif /* FTX_FEATURES_H */
