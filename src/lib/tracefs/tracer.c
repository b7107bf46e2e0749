// SPDX-License-Identifier: GPL-2.0
/*
 * function / function_graph tracer setup: name validation with suggestions,
 * then filters, options and current_tracer through the session.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftx/error.h"
#include "ftx/session.h"
#include "ftx/tracefs-util.h"
#include "ftx/tracer.h"
#include "ftx/util.h"

struct func {
	const char *name;
	const char *mod;	/* NULL for the core kernel */
};

struct ftx_funcs {
	char *text;		/* owns the strings */
	struct func *v;
	size_t n;
};

struct ftx_funcs *ftx_funcs_parse(const char *text)
{
	struct ftx_funcs *f;
	size_t cap = 0;
	char *line, *next, *sp;

	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->text = strdup(text);
	if (!f->text)
		goto out_free;
	for (line = f->text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!*line)
			continue;
		if (f->n == cap) {
			struct func *v;

			cap = cap ? cap * 2 : 4096;
			v = realloc(f->v, cap * sizeof(*v));
			if (!v)
				goto out_free;
			f->v = v;
		}
		/* "name [module]"; newer kernels may add more columns after a space */
		sp = strchr(line, ' ');
		f->v[f->n].mod = NULL;
		if (sp) {
			*sp++ = '\0';
			if (*sp == '[') {
				char *end = strchr(++sp, ']');

				if (end)
					*end = '\0';
				f->v[f->n].mod = sp;
			}
		}
		f->v[f->n].name = line;
		f->n++;
	}
	return f;

out_free:
	ftx_funcs_free(f);
	errno = ENOMEM;
	return NULL;
}

struct ftx_funcs *ftx_funcs_load(const char *dir)
{
	struct ftx_funcs *f;
	char path[PATH_MAX];
	char *text;

	snprintf(path, sizeof(path), "%s/available_filter_functions", dir);
	text = ftx_read_file(path, NULL);
	if (!text) {
		if (errno == EPERM || errno == EACCES)
			ftx_error_set("the kernel refuses to list traceable functions (%s): "
				      "locked down?", strerror(errno));
		else
			ftx_error_set("cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	f = ftx_funcs_parse(text);
	free(text);
	return f;
}

void ftx_funcs_free(struct ftx_funcs *f)
{
	if (!f)
		return;
	free(f->v);
	free(f->text);
	free(f);
}

size_t ftx_funcs_count(const struct ftx_funcs *f)
{
	return f->n;
}

/* Split "glob:mod:module" into its parts; @buf holds the copy. */
static void split_mod(const char *pattern, char *buf, size_t len, const char **glob,
		      const char **mod)
{
	char *m;

	snprintf(buf, len, "%s", pattern);
	*glob = buf;
	*mod = NULL;
	m = strstr(buf, ":mod:");
	if (m) {
		*m = '\0';
		*mod = m + 5;
		if (!**glob)
			*glob = "*";
	}
}

size_t ftx_funcs_match(const struct ftx_funcs *f, const char *pattern)
{
	const char *glob, *mod;
	char buf[512];
	size_t i, n = 0;

	split_mod(pattern, buf, sizeof(buf), &glob, &mod);
	for (i = 0; i < f->n; i++) {
		if (mod && (!f->v[i].mod || fnmatch(mod, f->v[i].mod, 0)))
			continue;
		if (!fnmatch(glob, f->v[i].name, 0))
			n++;
	}
	return n;
}

struct cand {
	const char *name;
	unsigned int tier, dist;
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->tier != y->tier)
		return x->tier < y->tier ? -1 : 1;
	if (x->dist != y->dist)
		return x->dist < y->dist ? -1 : 1;
	return strcmp(x->name, y->name);
}

int ftx_funcs_suggest(const struct ftx_funcs *f, const char *name, const char **out, int max)
{
	struct cand best[16];
	size_t qlen = strlen(name), i;
	unsigned int limit = qlen / 3 > 2 ? qlen / 3 : 2;
	int nbest = 0, j, k;

	if (max > (int)FTX_ARRAY_SIZE(best))
		max = FTX_ARRAY_SIZE(best);
	for (i = 0; i < f->n; i++) {
		const char *fn = f->v[i].name;
		struct cand c = { fn, 0, 0 };
		size_t flen = strlen(fn);

		if (!strncmp(fn, name, qlen)) {
			c.tier = 0;
			c.dist = flen - qlen;
		} else if (qlen >= 4 && strstr(fn, name)) {
			c.tier = 1;
			c.dist = flen - qlen;
		} else {
			/* cheap bound before the O(n*m) distance */
			if ((flen > qlen ? flen - qlen : qlen - flen) > limit)
				continue;
			c.tier = 2;
			c.dist = ftx_levenshtein(name, fn);
			if (c.dist > limit)
				continue;
		}
		/* skip duplicates (the same name in several modules) */
		for (k = 0; k < nbest && strcmp(best[k].name, fn); k++)
			;
		if (k < nbest)
			continue;
		if (nbest < max) {
			best[nbest++] = c;
		} else if (cand_cmp(&c, &best[nbest - 1]) < 0) {
			best[nbest - 1] = c;
		} else {
			continue;
		}
		qsort(best, nbest, sizeof(best[0]), cand_cmp);
	}
	for (j = 0; j < nbest; j++)
		out[j] = best[j].name;
	return nbest;
}

int ftx_funcs_check(const struct ftx_funcs *f, const char *pattern)
{
	const char *sugg[5];
	char list[400] = "";
	size_t off = 0;
	int n, i;

	if (ftx_funcs_match(f, pattern))
		return 0;
	n = strpbrk(pattern, "*?[:") ? 0 : ftx_funcs_suggest(f, pattern, sugg, 5);
	for (i = 0; i < n && off < sizeof(list); i++)
		off += snprintf(list + off, sizeof(list) - off, "%s%s", i ? ", " : "", sugg[i]);
	errno = ENOENT;
	if (n)
		ftx_error_set("'%s' is not a traceable function; closest: %s", pattern, list);
	else
		ftx_error_set("no traceable function matches '%s'", pattern);
	return -1;
}

int ftx_strv_push(struct ftx_strv *sv, const char *s)
{
	char **v = realloc(sv->v, (sv->n + 1) * sizeof(*v));

	if (!v)
		return -1;
	sv->v = v;
	v[sv->n] = strdup(s);
	if (!v[sv->n])
		return -1;
	sv->n++;
	return 0;
}

void ftx_strv_free(struct ftx_strv *sv)
{
	int i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

void ftx_tracer_opts_free(struct ftx_tracer_opts *o)
{
	ftx_strv_free(&o->filter);
	ftx_strv_free(&o->notrace);
	ftx_strv_free(&o->graph);
	ftx_strv_free(&o->graph_notrace);
	ftx_strv_free(&o->options);
}

static int word_in(const char *text, const char *word)
{
	size_t len = strlen(word);
	const char *p;

	for (p = text; (p = strstr(p, word)); p += len)
		if ((p == text || p[-1] == ' ' || p[-1] == '\n') &&
		    (p[len] == ' ' || p[len] == '\n' || p[len] == '\0'))
			return 1;
	return 0;
}

int ftx_tracer_available(const char *dir, const char *tracer)
{
	char path[PATH_MAX];
	char *text;
	int ret;

	snprintf(path, sizeof(path), "%s/available_tracers", dir);
	text = ftx_read_file(path, NULL);
	if (!text)
		return -1;
	ret = word_in(text, tracer);
	free(text);
	return ret;
}

int ftx_tracer_fits(const char *dir, const struct ftx_tracer_opts *o, char *why, size_t len)
{
	static const struct {
		const char *file;
		size_t off;
	} files[] = {
		{ "set_ftrace_filter", offsetof(struct ftx_tracer_opts, filter) },
		{ "set_ftrace_notrace", offsetof(struct ftx_tracer_opts, notrace) },
		{ "set_graph_function", offsetof(struct ftx_tracer_opts, graph) },
		{ "set_graph_notrace", offsetof(struct ftx_tracer_opts, graph_notrace) },
	};
	char path[PATH_MAX];
	size_t i;
	int ret;

	if (o->tracer) {
		ret = ftx_tracer_available(dir, o->tracer);
		if (ret < 0 && errno == ENOENT) {
			/* instances without tracer files: the top level only */
			snprintf(why, len, "instances have no tracers on this kernel");
			return 0;
		}
		if (ret <= 0) {
			snprintf(why, len, "%s is not available in instances on this kernel",
				 o->tracer);
			return ret;
		}
	}
	for (i = 0; i < FTX_ARRAY_SIZE(files); i++) {
		const struct ftx_strv *sv = (const void *)((const char *)o + files[i].off);

		snprintf(path, sizeof(path), "%s/%s", dir, files[i].file);
		if (sv->n && access(path, F_OK)) {
			snprintf(why, len, "instances have no %s on this kernel", files[i].file);
			return 0;
		}
	}
	for (i = 0; i < (size_t)o->options.n; i++) {
		const char *name = o->options.v[i];

		snprintf(path, sizeof(path), "%s/options/%s", dir, name);
		if (!access(path, F_OK))
			continue;
		snprintf(path, sizeof(path), "%s/options/%s", dir,
			 strncmp(name, "no", 2) ? name : name + 2);
		if (access(path, F_OK)) {
			snprintf(why, len, "instances have no option %s on this kernel", name);
			return 0;
		}
	}
	return 1;
}

/* "funcgraph-proc" or "nofuncgraph-proc": the option file's name */
static const char *option_file(const char *opt)
{
	return strncmp(opt, "no", 2) ? opt : opt + 2;
}

static int option_check(const char *dir, const char *opt)
{
	const char *name = option_file(opt), *best = NULL;
	unsigned int bestd = UINT_MAX, d;
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dp;

	snprintf(path, sizeof(path), "%s/options/%s", dir, name);
	if (!access(path, F_OK))
		return 0;
	/* "noX" where the option really starts with "no" */
	snprintf(path, sizeof(path), "%s/options/%s", dir, opt);
	if (!access(path, F_OK))
		return 0;
	snprintf(path, sizeof(path), "%s/options", dir);
	dp = opendir(path);
	if (dp) {
		while ((de = readdir(dp))) {
			if (de->d_name[0] == '.')
				continue;
			d = ftx_levenshtein(name, de->d_name);
			if (d < bestd) {
				bestd = d;
				free((char *)best);
				best = strdup(de->d_name);
			}
		}
		closedir(dp);
	}
	errno = ENOENT;
	if (best && bestd <= 4)
		ftx_error_set("no trace option '%s' in this kernel; closest: %s", name, best);
	else
		ftx_error_set("no trace option '%s' in this kernel", name);
	free((char *)best);
	return -1;
}

static int check_list(const struct ftx_funcs *f, const struct ftx_strv *sv, const char *what)
{
	int i;

	for (i = 0; i < sv->n; i++)
		if (ftx_funcs_check(f, sv->v[i]) < 0) {
			ftx_error_prefix("%s: ", what);
			return -1;
		}
	return 0;
}

int ftx_tracer_validate(const char *top, const char *dir, const struct ftx_tracer_opts *o,
			bool *warn_unreadable)
{
	struct ftx_funcs *f;
	int ret, i;

	*warn_unreadable = false;
	if (o->tracer) {
		ret = ftx_tracer_available(top, o->tracer);
		if (ret < 0) {
			ftx_error_set("cannot read available_tracers: %s", strerror(errno));
			return -1;
		}
		if (!ret) {
			errno = ENODEV;
			ftx_error_set("%s tracer: not built into this kernel", o->tracer);
			return -1;
		}
	}
	for (i = 0; i < o->options.n; i++)
		if (option_check(dir, o->options.v[i]) < 0)
			return -1;
	if (o->max_graph_depth > 0) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/max_graph_depth", top);
		if (access(path, F_OK)) {
			errno = ENOENT;
			ftx_error_set("--max-graph-depth: this kernel has no max_graph_depth");
			return -1;
		}
	}
	if (!o->filter.n && !o->notrace.n && !o->graph.n && !o->graph_notrace.n)
		return 0;
	f = ftx_funcs_load(top);
	if (!f) {
		if (errno == EPERM || errno == EACCES) {
			/* lockdown: the kernel still checks names when they are written */
			*warn_unreadable = true;
			return 0;
		}
		return -1;
	}
	ret = 0;
	if (check_list(f, &o->filter, "-l") || check_list(f, &o->notrace, "-n") ||
	    check_list(f, &o->graph, "-g") || check_list(f, &o->graph_notrace, "--graph-notrace"))
		ret = -1;
	ftx_funcs_free(f);
	return ret;
}

static int apply_list(struct ftx_session *s, const char *file, const struct ftx_strv *sv,
		      const char *what)
{
	int i;

	for (i = 0; i < sv->n; i++)
		if (ftx_session_append(s, file, sv->v[i]) < 0) {
			if (errno == EINVAL)
				ftx_error_set("%s: no traceable function matches '%s'", what,
					      sv->v[i]);
			else
				ftx_error_prefix("%s %s: ", what, sv->v[i]);
			return -1;
		}
	return 0;
}

/* The kernel said EPERM: name lockdown when it is on, keep the file in the reason. */
static int refused(const struct ftx_tracer_opts *o, const char *what)
{
	const char *mode = ftx_lockdown_mode();

	if (mode && strcmp(mode, "none"))
		ftx_error_set("%s tracer: %s: not permitted: the kernel is locked down "
			      "(lockdown=%s)", o->tracer ? o->tracer : "function", what, mode);
	else
		ftx_error_set("%s tracer: %s: not permitted by this kernel",
			      o->tracer ? o->tracer : "function", what);
	errno = EPERM;
	return -1;
}

int ftx_tracer_apply(struct ftx_session *s, const struct ftx_tracer_opts *o)
{
	static const struct {
		const char *file, *what;
		size_t off;
	} lists[] = {
		{ "set_ftrace_filter", "-l", offsetof(struct ftx_tracer_opts, filter) },
		{ "set_ftrace_notrace", "-n", offsetof(struct ftx_tracer_opts, notrace) },
		{ "set_graph_function", "-g", offsetof(struct ftx_tracer_opts, graph) },
		{ "set_graph_notrace", "--graph-notrace",
		  offsetof(struct ftx_tracer_opts, graph_notrace) },
	};
	const char *dir = ftx_session_dir(s);
	char path[PATH_MAX], val[32];
	size_t l;
	int i;

	for (l = 0; l < FTX_ARRAY_SIZE(lists); l++) {
		const struct ftx_strv *sv = (const void *)((const char *)o + lists[l].off);

		if (apply_list(s, lists[l].file, sv, lists[l].what) < 0)
			return errno == EPERM ? refused(o, lists[l].file) : -1;
	}
	if (o->max_graph_depth > 0) {
		snprintf(val, sizeof(val), "%d", o->max_graph_depth);
		snprintf(path, sizeof(path), "%s/max_graph_depth", dir);
		/* a top-level file only, on kernels without tracers in instances */
		if ((!access(path, F_OK) ? ftx_session_set(s, "max_graph_depth", val) :
		     ftx_session_set_top(s, "max_graph_depth", val)) < 0)
			return errno == EPERM ? refused(o, "max_graph_depth") : -1;
	}
	for (i = 0; i < o->options.n; i++) {
		const char *name = o->options.v[i], *value = "1";

		/* "noX" clears X, unless the option itself is called "noX" */
		snprintf(path, sizeof(path), "%s/options/%s", dir, name);
		if (!strncmp(name, "no", 2) && access(path, F_OK)) {
			name += 2;
			value = "0";
		}
		snprintf(path, sizeof(path), "options/%s", name);
		if (ftx_session_set(s, path, value) < 0)
			return errno == EPERM ? refused(o, path) : -1;
	}
	if (o->func_stack && ftx_session_set(s, "options/func_stack_trace", "1") < 0)
		return errno == EPERM ? refused(o, "options/func_stack_trace") : -1;
	if (o->tracer && ftx_session_set(s, "current_tracer", o->tracer) < 0) {
		if (errno == EPERM)
			return refused(o, "current_tracer");
		if (errno == EINVAL || errno == ENODEV)
			ftx_error_set("%s tracer: not available here (%s)", o->tracer,
				      strerror(errno));
		return -1;
	}
	return 0;
}
