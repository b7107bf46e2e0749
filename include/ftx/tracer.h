/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The function and function_graph tracers: validating function names against
 * available_filter_functions (with "did you mean" suggestions), and applying
 * trace-cmd's record options (-p -l -n -g --max-graph-depth -O --func-stack)
 * through a session, so that everything is restored afterwards.
 */
#ifndef FTX_TRACER_H
#define FTX_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct ftx_session;
struct ftx_funcs;

/**
 * ftx_funcs_parse - index the text of available_filter_functions
 * @text: lines "name" or "name [module]" (borrowed; copied)
 *
 * Returns an index freed with ftx_funcs_free(), or NULL with errno set.
 */
struct ftx_funcs *ftx_funcs_parse(const char *text);

/**
 * ftx_funcs_load - read @dir/available_filter_functions
 *
 * Returns NULL with errno EPERM where the kernel refuses (lockdown), and
 * ftx_error() saying so.
 */
struct ftx_funcs *ftx_funcs_load(const char *dir);

/** ftx_funcs_free - NULL is fine */
void ftx_funcs_free(struct ftx_funcs *f);

/** ftx_funcs_count - number of traceable functions in the index */
size_t ftx_funcs_count(const struct ftx_funcs *f);

/**
 * ftx_funcs_match - how many traceable functions @pattern selects
 * @pattern: a name, a glob, or trace-cmd's "glob:mod:module" form
 */
size_t ftx_funcs_match(const struct ftx_funcs *f, const char *pattern);

/**
 * ftx_funcs_suggest - the traceable names closest to @name, best first:
 * names that start with or contain it, then by edit distance
 * @out: receives up to @max borrowed names
 * Returns how many were stored.
 */
int ftx_funcs_suggest(const struct ftx_funcs *f, const char *name, const char **out, int max);

/**
 * ftx_funcs_check - 0 if @pattern selects at least one traceable function,
 * else -1 with errno ENOENT and ftx_error() listing the closest names
 */
int ftx_funcs_check(const struct ftx_funcs *f, const char *pattern);

struct ftx_strv {
	char **v;
	int n;
};

/** ftx_strv_push - append a copy of @s; returns 0 or -1 (ENOMEM) */
int ftx_strv_push(struct ftx_strv *sv, const char *s);
/** ftx_strv_free - free the strings and the array, leaving an empty vector */
void ftx_strv_free(struct ftx_strv *sv);

struct ftx_tracer_opts {
	const char *tracer;		/* -p: "function", "function_graph", ... */
	struct ftx_strv filter;		/* -l: set_ftrace_filter */
	struct ftx_strv notrace;	/* -n: set_ftrace_notrace */
	struct ftx_strv graph;		/* -g: set_graph_function */
	struct ftx_strv graph_notrace;	/* --graph-notrace: set_graph_notrace */
	struct ftx_strv options;	/* -O: trace option, "name" or "noname" */
	int max_graph_depth;		/* --max-graph-depth, 0 = kernel default */
	bool func_stack;		/* --func-stack: func_stack_trace option */
};

/** ftx_tracer_opts_free - free the vectors (not the struct) */
void ftx_tracer_opts_free(struct ftx_tracer_opts *o);

/**
 * ftx_tracer_available - is @tracer built into the kernel and usable in @dir
 * (a tracefs or instance directory)? Returns 1, 0, or -1 with errno set.
 */
int ftx_tracer_available(const char *dir, const char *tracer);

/**
 * ftx_tracer_fits - can @o run in @dir (an instance)? The tracer must be in
 * its available_tracers and every file @o writes must exist there (6.12 has
 * function_graph in instances, but no set_graph_function).
 * @why: receives what is missing when it cannot
 * Returns 1, 0, or -1 with errno set.
 */
int ftx_tracer_fits(const char *dir, const struct ftx_tracer_opts *o, char *why, size_t len);

/**
 * ftx_tracer_validate - check every function name and option of @o before
 * anything is written: unknown names get "did you mean" suggestions.
 * @top: the tracefs directory (available_filter_functions lives there)
 * @dir: where the tracer will run (instance or top)
 * @warn_unreadable: set when the function list could not be read (lockdown):
 *	names are then left to the kernel to refuse
 * Returns 0 or -1 with errno and ftx_error() set.
 */
int ftx_tracer_validate(const char *top, const char *dir, const struct ftx_tracer_opts *o,
			bool *warn_unreadable);

/**
 * ftx_tracer_apply - write filters, options and finally current_tracer
 * through @s (every value restored when the session ends)
 * Returns 0 or -1 with errno and ftx_error() set (EPERM: naming lockdown).
 */
int ftx_tracer_apply(struct ftx_session *s, const struct ftx_tracer_opts *o);

#endif /* FTX_TRACER_H */
