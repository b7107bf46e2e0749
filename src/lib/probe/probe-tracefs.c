// SPDX-License-Identifier: GPL-2.0
/*
 * Probe events in tracefs: what the kernel offers (README, files), creating
 * one with the kernel's error_log reason and ftx's reading of it, listing
 * with kprobe_profile/uprobe_profile hit counts, deleting by glob, the
 * probe-able kernel functions, and the probes of one record/stream run.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ftx/error.h"
#include "ftx/probe.h"
#include "ftx/session.h"
#include "ftx/tracefs-util.h"
#include "ftx/tracer.h"
#include "ftx/util.h"

static bool file_exists(const char *top, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", top, name);
	return access(path, F_OK) == 0;
}

int ftx_probe_env_load(const char *top, struct ftx_probe_env *env)
{
	struct utsname u;
	char path[512], *readme;

	snprintf(path, sizeof(path), "%s/README", top);
	readme = ftx_read_file(path, NULL);
	if (uname(&u) < 0)
		u.machine[0] = '\0';
	ftx_probe_env_parse(readme, u.machine, env);
	free(readme);
	env->kprobes = file_exists(top, "kprobe_events");
	env->uprobes = file_exists(top, "uprobe_events");
	env->dynamic_events = file_exists(top, "dynamic_events");
	return 0;
}

static bool line_is_uprobe(const char *line)
{
	const char *place = strpbrk(line, " \t");

	place = place ? place + strspn(place, " \t") : "";
	return place[0] == '/';
}

/* The file a probe line goes to: dynamic_events, else its type's own file. */
static const char *probe_file(const char *top, const char *line)
{
	if (file_exists(top, "dynamic_events"))
		return "dynamic_events";
	return line_is_uprobe(line) ? "uprobe_events" : "kprobe_events";
}

/* All probe lines: dynamic_events, or kprobe_events + uprobe_events. */
static char *probe_lines_read(const char *top)
{
	char path[512], *a, *b, *all;

	snprintf(path, sizeof(path), "%s/dynamic_events", top);
	a = ftx_read_file(path, NULL);
	if (a)
		return a;
	snprintf(path, sizeof(path), "%s/kprobe_events", top);
	a = ftx_read_file(path, NULL);
	snprintf(path, sizeof(path), "%s/uprobe_events", top);
	b = ftx_read_file(path, NULL);
	if (asprintf(&all, "%s%s", a ? a : "", b ? b : "") < 0)
		all = NULL;
	free(a);
	free(b);
	return all;
}

bool ftx_probe_exists(const char *top, const char *group, const char *event)
{
	char *text = probe_lines_read(top), *line, *next, g[64], e[128];
	bool found = false;

	for (line = text; line && *line && !found; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (ftx_dynevent_parse_name(line, g, sizeof(g), e, sizeof(e)) == 0 &&
		    !strcmp(g, group) && !strcmp(e, event))
			found = true;
	}
	free(text);
	return found;
}

void ftx_probe_error_detail(const char *top, const char *line, char *buf, size_t size)
{
	char path[512], *log, *p, *found = NULL;
	size_t cl;

	*buf = '\0';
	snprintf(path, sizeof(path), "%s/error_log", top);
	log = ftx_read_file(path, NULL);
	if (!log)
		return;
	cl = strlen(line);
	for (p = strstr(log, "  Command: "); p; p = strstr(p + 1, "  Command: ")) {
		const char *cmd = p + 11;

		if (!strncmp(cmd, line, cl) && (cmd[cl] == '\n' || cmd[cl] == '\0' ||
						 cmd[cl] == ' '))
			found = p;
	}
	if (found) {
		char *eol = strchr(found, '\n'), *eol2 = eol ? strchr(eol + 1, '\n') : NULL;
		size_t n;

		if (eol && !eol2)
			eol2 = eol + strlen(eol);
		n = eol2 ? (size_t)(eol2 - found) : strlen(found);
		snprintf(buf, size, "%.*s", (int)n, found);
	}
	free(log);
}

/* The symbol of a kprobe line ("p:g/e [MOD:]SYM[+off] ..."), into @sym. */
static bool kprobe_line_symbol(const char *line, char *sym, size_t size)
{
	const char *p = strpbrk(line, " \t"), *c;
	size_t n;

	if (!p)
		return false;
	p += strspn(p, " \t");
	n = strcspn(p, " \t+%");
	c = memchr(p, ':', n);
	if (c) {
		n -= c + 1 - p;
		p = c + 1;
	}
	if (!n || !strncmp(p, "0x", 2) || n >= size)
		return false;
	memcpy(sym, p, n);
	sym[n] = '\0';
	return true;
}

static bool kprobe_blacklisted(const char *sym)
{
	char *text = ftx_read_file("/sys/kernel/debug/kprobes/blacklist", NULL), *p;
	size_t n = strlen(sym);
	bool hit = false;

	for (p = text; p && (p = strstr(p, sym)); p += n) {
		if ((p[-1] == '\t' || p[-1] == ' ') && (p[n] == '\n' || p[n] == '\0' ||
							p[n] == ' ' || p[n] == '\t')) {
			hit = true;
			break;
		}
	}
	free(text);
	return hit;
}

void ftx_probe_explain(const char *top, const char *line)
{
	int err = errno;
	char reason[400], sym[128], group[64], event[128];
	bool user = line_is_uprobe(line);

	if (ftx_dynevent_parse_name(line, group, sizeof(group), event, sizeof(event)) < 0) {
		snprintf(group, sizeof(group), "?");
		snprintf(event, sizeof(event), "?");
	}
	if (!user && !file_exists(top, "kprobe_events")) {
		errno = ENOTSUP;
		ftx_error_set("cannot create %s:%s: kprobes are not built into this kernel (no "
			      "kprobe_events: CONFIG_KPROBE_EVENTS)", group, event);
		return;
	}
	if (user && !file_exists(top, "uprobe_events")) {
		errno = ENOTSUP;
		ftx_error_set("cannot create %s:%s: uprobes are not built into this kernel (no "
			      "uprobe_events: CONFIG_UPROBE_EVENTS)", group, event);
		return;
	}
	ftx_tracefs_reason(top, line, err, reason, sizeof(reason));
	if (!user && kprobe_line_symbol(line, sym, sizeof(sym))) {
		if (kprobe_blacklisted(sym)) {
			errno = err;
			ftx_error_set("cannot create %s:%s: %s is on the kprobe blacklist "
				      "(kprobes/blacklist): the kernel does not let it be probed",
				      group, event, sym);
			return;
		}
		if (err == ENOENT || err == EINVAL) {
			struct ftx_funcs *f = ftx_probe_kfuncs_load(top);
			const char *sugg[5];
			char list[300] = "";
			size_t off = 0;
			int n = f ? ftx_funcs_suggest(f, sym, sugg, 5) : 0, i;
			bool exact = false;

			for (i = 0; i < n; i++)
				if (!strcmp(sugg[i], sym))
					exact = true;
			for (i = 0; i < n && off < sizeof(list); i++)
				off += snprintf(list + off, sizeof(list) - off, "%s%s",
						i ? ", " : "", sugg[i]);
			if (f && !exact && ftx_funcs_count(f)) {
				errno = err;
				ftx_error_set("cannot create %s:%s: %s (the kernel has no function "
					      "%s%s%s)", group, event, reason, sym,
					      n ? "; closest: " : "", list);
				ftx_funcs_free(f);
				return;
			}
			ftx_funcs_free(f);
		}
	}
	errno = err;
	if (err == EEXIST)
		ftx_error_set("cannot create %s:%s: it exists already with other arguments "
			      "(ftx probe --del %s:%s)", group, event, group, event);
	else
		ftx_error_set("cannot create %s:%s: %s", group, event, reason);
	errno = err;
}

static int append_line(const char *path, const char *line)
{
	size_t len = strlen(line);
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = write(fd, line, len);
	if (n != (ssize_t)len) {
		int saved = n < 0 ? errno : EIO;

		close(fd);
		errno = saved;
		return -1;
	}
	return close(fd);
}

int ftx_probe_create(const char *top, const char *line)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", top, probe_file(top, line));
	if ((!line_is_uprobe(line) && !file_exists(top, "kprobe_events")) ||
	    (line_is_uprobe(line) && !file_exists(top, "uprobe_events"))) {
		errno = ENOTSUP;
		ftx_probe_explain(top, line);
		return -1;
	}
	if (append_line(path, line) == 0)
		return 0;
	ftx_probe_explain(top, line);
	return -1;
}

struct profile {
	char *k, *u;
};

/* hits (and misses) of @event in kprobe_profile or uprobe_profile */
static bool profile_hits(const struct profile *p, const struct ftx_probe_info *pi,
			 const char *place, unsigned long long *hits, unsigned long long *miss)
{
	const char *text = pi->user ? p->u : p->k;
	char *dup, *line, *save = NULL;
	bool found = false;

	if (!text || !(dup = strdup(text)))
		return false;
	for (line = strtok_r(dup, "\n", &save); line && !found; line = strtok_r(NULL, "\n", &save)) {
		char f1[4096], f2[256];
		unsigned long long a, b;

		if (pi->user) {
			/* "  /path event hits" */
			if (sscanf(line, "%4095s %255s %llu", f1, f2, &a) == 3 &&
			    !strcmp(f2, pi->event) && !strncmp(place, f1, strlen(f1))) {
				*hits = a;
				*miss = 0;
				found = true;
			}
		} else if (sscanf(line, "%255s %llu %llu", f2, &a, &b) == 3) {
			const char *slash = strchr(f2, '/');
			const char *name = slash ? slash + 1 : f2;

			if (!strcmp(name, pi->event)) {
				*hits = a;
				*miss = b;
				found = true;
			}
		}
	}
	free(dup);
	return found;
}

int ftx_probe_list(const char *top, int (*fn)(const struct ftx_probe_info *, void *), void *arg)
{
	char path[512], *text = probe_lines_read(top), *line, *next;
	struct profile prof;
	int n = 0;

	if (!text) {
		ftx_error_set("cannot read the probe events of %s: %s", top, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/kprobe_profile", top);
	prof.k = ftx_read_file(path, NULL);
	snprintf(path, sizeof(path), "%s/uprobe_profile", top);
	prof.u = ftx_read_file(path, NULL);
	for (line = text; *line; line = next) {
		struct ftx_probe_info pi = { 0 };
		const char *place;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if ((line[0] != 'p' && line[0] != 'r') ||
		    ftx_dynevent_parse_name(line, pi.group, sizeof(pi.group), pi.event,
					    sizeof(pi.event)) < 0)
			continue;
		pi.line = line;
		pi.type = line[0];
		pi.user = line_is_uprobe(line);
		place = strpbrk(line, " \t");
		place = place ? place + strspn(place, " \t") : "";
		pi.have_hits = profile_hits(&prof, &pi, place, &pi.hits, &pi.misses);
		n++;
		if (fn && fn(&pi, arg))
			break;
	}
	free(prof.k);
	free(prof.u);
	free(text);
	return n;
}

int ftx_probe_delete(const char *top, const char *pattern, bool dry_run,
		     void (*fn)(const char *name, void *arg), void *arg)
{
	char gpat[128] = "", epat[256], *text, *line, *next, **done = NULL;
	const char *sep = strpbrk(pattern, ":/");
	int n = 0, nd = 0, ret = 0, i;

	if (sep) {
		snprintf(gpat, sizeof(gpat), "%.*s", (int)(sep - pattern), pattern);
		snprintf(epat, sizeof(epat), "%s", sep + 1);
	} else {
		snprintf(epat, sizeof(epat), "%s", pattern);
	}
	text = probe_lines_read(top);
	if (!text) {
		ftx_error_set("cannot read the probe events of %s: %s", top, strerror(errno));
		return -1;
	}
	for (line = text; *line; line = next) {
		char g[64], e[128], name[200], cmd[256], path[512];
		bool seen = false;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if ((line[0] != 'p' && line[0] != 'r') ||
		    ftx_dynevent_parse_name(line, g, sizeof(g), e, sizeof(e)) < 0)
			continue;
		if (fnmatch(epat, e, 0) || (*gpat && fnmatch(gpat, g, 0)))
			continue;
		/* probes of running ftx commands: only when asked for by group */
		if (!*gpat && !strncmp(g, FTX_PROBE_GROUP, strlen(FTX_PROBE_GROUP)))
			continue;
		snprintf(name, sizeof(name), "%s:%s", g, e);
		for (i = 0; i < nd; i++)
			if (!strcmp(done[i], name))
				seen = true;
		if (seen)	/* one event on several locations */
			continue;
		{
			char **nd2 = realloc(done, (nd + 1) * sizeof(*done));

			if (!nd2)
				break;
			done = nd2;
			done[nd] = strdup(name);
			if (done[nd])
				nd++;
		}
		n++;
		if (!dry_run) {
			snprintf(cmd, sizeof(cmd), "-:%s/%s", g, e);
			snprintf(path, sizeof(path), "%s/%s", top, probe_file(top, line));
			if (append_line(path, cmd) < 0 && errno != ENOENT) {
				int err = errno;

				if (err == EBUSY)
					ftx_error_set("cannot delete %s: it is enabled (a running "
						      "trace uses it)", name);
				else
					ftx_error_set("cannot delete %s: %s", name, strerror(err));
				errno = err;
				ret = -1;
				continue;
			}
		}
		if (fn)
			fn(name, arg);
	}
	for (i = 0; i < nd; i++)
		free(done[i]);
	free(done);
	free(text);
	return ret < 0 ? -1 : n;
}

/* "name [mod]" lines of the kernel functions a kprobe can take */
static char *kfuncs_text(const char *top)
{
	char path[512], *text, *black, *out = NULL, *line, *save = NULL;
	size_t size = 0;
	bool kallsyms = false;
	FILE *o;

	snprintf(path, sizeof(path), "%s/available_filter_functions", top);
	text = ftx_read_file(path, NULL);
	if (!text) {
		text = ftx_read_file("/proc/kallsyms", NULL);
		kallsyms = true;
	}
	if (!text) {
		ftx_error_set("cannot list kernel functions: %s", strerror(errno));
		return NULL;
	}
	black = ftx_read_file("/sys/kernel/debug/kprobes/blacklist", NULL);
	o = open_memstream(&out, &size);
	if (!o) {
		free(text);
		free(black);
		return NULL;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[256], mod[128] = "", t;

		if (kallsyms) {
			unsigned long long a;

			if (sscanf(line, "%llx %c %255s [%127[^]]]", &a, &t, name, mod) < 3 ||
			    (t != 't' && t != 'T'))
				continue;
		} else if (sscanf(line, "%255s [%127[^]]]", name, mod) < 1) {
			continue;
		}
		/* local labels and 6.x's call-padding symbols are no functions */
		if (name[0] == '.' || !strncmp(name, "__pfx_", 6))
			continue;
		if (black) {
			char key[260];

			snprintf(key, sizeof(key), "\t%s\n", name);
			if (strstr(black, key))
				continue;
		}
		if (*mod)
			fprintf(o, "%s [%s]\n", name, mod);
		else
			fprintf(o, "%s\n", name);
	}
	fclose(o);
	free(text);
	free(black);
	return out;
}

struct ftx_funcs *ftx_probe_kfuncs_load(const char *top)
{
	char *text = kfuncs_text(top);
	struct ftx_funcs *f;

	if (!text)
		return NULL;
	f = ftx_funcs_parse(text);
	free(text);
	return f;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ftx_probe_kfuncs_list(const char *top, const char *glob,
			  void (*fn)(const char *name, void *arg), void *arg)
{
	char *text = kfuncs_text(top), *line, *save = NULL, **v = NULL;
	size_t n = 0, alloc = 0, i;
	int shown = 0;

	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		if (sp)
			*sp = '\0';
		if (glob && fnmatch(glob, line, 0))
			continue;
		if (n == alloc) {
			char **nv = realloc(v, (alloc = alloc ? 2 * alloc : 4096) * sizeof(*v));

			if (!nv) {
				free(v);
				free(text);
				return -1;
			}
			v = nv;
		}
		v[n++] = line;
	}
	if (n)
		qsort(v, n, sizeof(*v), str_cmp);
	for (i = 0; i < n; i++) {
		if (i && !strcmp(v[i], v[i - 1]))
			continue;
		fn(v[i], arg);
		shown++;
	}
	free(v);
	free(text);
	return shown;
}

struct run_event {
	char group[64];
	char event[160];
	char where[256];
	bool kernel;
	char symbol[128];
};

struct ftx_probe_run {
	struct run_event *ev;
	size_t n;
};

void ftx_probe_run_free(struct ftx_probe_run *run)
{
	if (!run)
		return;
	free(run->ev);
	free(run);
}

size_t ftx_probe_run_count(const struct ftx_probe_run *run)
{
	return run ? run->n : 0;
}

void ftx_probe_run_event(const struct ftx_probe_run *run, size_t i, const char **group,
			 const char **event)
{
	*group = run->ev[i].group;
	*event = run->ev[i].event;
}

int ftx_probe_run_foreach(const struct ftx_probe_run *run,
			  int (*fn)(void *arg, const char *group, const char *event), void *arg)
{
	size_t i;
	int ret;

	for (i = 0; run && i < run->n; i++)
		if ((ret = fn(arg, run->ev[i].group, run->ev[i].event)))
			return ret;
	return 0;
}

static int run_add(struct ftx_probe_run *run, const struct ftx_probe_lines *l, const char *event,
		   const struct ftx_probe_def *d, int i)
{
	struct run_event *n = realloc(run->ev, (run->n + 1) * sizeof(*n));

	if (!n)
		return -1;
	run->ev = n;
	memset(&n[run->n], 0, sizeof(n[run->n]));
	snprintf(n[run->n].group, sizeof(n[run->n].group), "%s", l->group);
	snprintf(n[run->n].event, sizeof(n[run->n].event), "%s", event);
	snprintf(n[run->n].where, sizeof(n[run->n].where), "%s", l->where[i]);
	n[run->n].kernel = l->kernel;
	if (l->kernel && d->symbol)
		snprintf(n[run->n].symbol, sizeof(n[run->n].symbol), "%s", d->symbol);
	run->n++;
	return 0;
}

/* @line with its event renamed to @event */
static char *line_rename(const char *line, const char *group, const char *event)
{
	const char *sp = strpbrk(line, " \t");
	const char *colon = strchr(line, ':');
	char *out;

	if (!sp || !colon || colon > sp)
		return NULL;
	if (asprintf(&out, "%.*s:%s/%s%s", (int)(colon - line), line, group, event, sp) < 0)
		return NULL;
	return out;
}

int ftx_probe_lines_create(const char *top, struct ftx_session *s,
			   const struct ftx_probe_lines *l,
			   void (*fn)(const char *event, int index, void *arg), void *arg,
			   char *detail, size_t dsize)
{
	int k, suffix = 0;

	if (detail && dsize)
		*detail = '\0';
	if (ftx_probe_exists(top, l->group, l->event)) {
		errno = EEXIST;
		ftx_error_set("%s:%s exists already (remove it with 'ftx probe --del %s:%s', or "
			      "give this one another name: NAME=...)", l->group, l->event,
			      l->group, l->event);
		return -1;
	}
	for (k = 0; k < l->n; k++) {
		char ev[160], *line = l->line[k], *renamed = NULL;
		int ret;

		if (suffix) {
			snprintf(ev, sizeof(ev), "%.140s_%d", l->event, suffix++);
			renamed = line_rename(line, l->group, ev);
			if (!renamed)
				return -1;
			line = renamed;
		} else {
			snprintf(ev, sizeof(ev), "%s", l->event);
		}
		ret = s ? ftx_session_dynevent_create(s, line) : ftx_probe_create(top, line);
		if (ret == 0) {
			if ((k == 0 || suffix) && fn)
				fn(ev, k, arg);
			free(renamed);
			continue;
		}
		if (k > 0 && !suffix) {
			/*
			 * Kernels before 5.4 take one location per event: the other
			 * locations of a USDT probe become EVENT_1, EVENT_2, ...
			 */
			suffix = 1;
			k--;
			continue;
		}
		{
			int err = errno;

			if (detail)
				ftx_probe_error_detail(top, line, detail, dsize);
			errno = err;
			ftx_probe_explain(top, line);
		}
		free(renamed);
		return -1;
	}
	return 0;
}

struct run_add_ctx {
	struct ftx_probe_run *run;
	const struct ftx_probe_lines *l;
	const struct ftx_probe_def *d;
	int failed;
};

static void run_add_cb(const char *event, int index, void *arg)
{
	struct run_add_ctx *c = arg;

	if (run_add(c->run, c->l, event, c->d, index) < 0)
		c->failed = 1;
}

struct ftx_probe_run *ftx_probe_run_create(struct ftx_session *s, const char *const *words,
					   size_t n, char *detail, size_t dsize)
{
	const char *top = ftx_tracefs_mount();
	struct ftx_probe_run *run;
	struct ftx_probe_env env;
	size_t i;

	if (detail && dsize)
		*detail = '\0';
	if (!top)
		return NULL;
	run = calloc(1, sizeof(*run));
	if (!run)
		return NULL;
	ftx_probe_env_load(top, &env);
	for (i = 0; i < n; i++) {
		struct ftx_probe_def d;
		struct ftx_probe_lines l;
		const char *group = FTX_PROBE_GROUP;
		struct run_add_ctx c = { run, &l, &d, 0 };
		int ret;

		if (ftx_probe_words_parse(words[i], &d) < 0) {
			ftx_error_prefix("--probe '%s': ", words[i]);
			goto fail;
		}
		if (d.group && !strncmp(d.group, FTX_PROBE_GROUP, strlen(FTX_PROBE_GROUP)))
			group = d.group;
		if (ftx_probe_resolve(&d, &env, group, &l) < 0) {
			ftx_error_prefix("--probe '%s': ", words[i]);
			ftx_probe_def_free(&d);
			goto fail;
		}
		ret = ftx_probe_lines_create(top, s, &l, run_add_cb, &c, detail, dsize);
		ftx_probe_lines_free(&l);
		ftx_probe_def_free(&d);
		if (ret < 0 || c.failed) {
			ftx_error_prefix("--probe '%s': ", words[i]);
			goto fail;
		}
	}
	return run;
fail:
	{
		int saved = errno;

		ftx_probe_run_free(run);
		errno = saved;
	}
	return NULL;
}

struct watched {
	char group[64];
	char event[160];
	char symbol[128];
	unsigned long long hits;
};

struct ftx_probe_watch {
	char top[256];
	struct watched *w;
	size_t n;
	bool (*match)(void *arg, const char *group, const char *event);
	void *arg;
};

static int watch_one(const struct ftx_probe_info *pi, void *arg)
{
	struct ftx_probe_watch *w = arg;
	struct watched *nw;
	size_t i;

	if (pi->user || !w->match(w->arg, pi->group, pi->event))
		return 0;
	for (i = 0; i < w->n; i++)
		if (!strcmp(w->w[i].group, pi->group) && !strcmp(w->w[i].event, pi->event))
			return 0;
	nw = realloc(w->w, (w->n + 1) * sizeof(*nw));
	if (!nw)
		return 1;
	w->w = nw;
	memset(&nw[w->n], 0, sizeof(nw[w->n]));
	snprintf(nw[w->n].group, sizeof(nw[w->n].group), "%s", pi->group);
	snprintf(nw[w->n].event, sizeof(nw[w->n].event), "%s", pi->event);
	if (!kprobe_line_symbol(pi->line, nw[w->n].symbol, sizeof(nw[w->n].symbol)))
		nw[w->n].symbol[0] = '\0';
	nw[w->n].hits = pi->have_hits ? pi->hits : 0;
	w->n++;
	return 0;
}

struct ftx_probe_watch *ftx_probe_watch_start(const char *top,
					      bool (*match)(void *arg, const char *group,
							    const char *event), void *arg)
{
	struct ftx_probe_watch *w;

	if (!top || !file_exists(top, "kprobe_profile"))
		return NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	snprintf(w->top, sizeof(w->top), "%s", top);
	w->match = match;
	w->arg = arg;
	if (ftx_probe_list(top, watch_one, w) < 0 || !w->n) {
		ftx_probe_watch_free(w);
		return NULL;
	}
	return w;
}

struct hits_ctx {
	const struct watched *w;
	unsigned long long hits;
	bool found;
};

static int hits_one(const struct ftx_probe_info *pi, void *arg)
{
	struct hits_ctx *c = arg;

	if (pi->user || strcmp(pi->group, c->w->group) || strcmp(pi->event, c->w->event))
		return 0;
	c->found = pi->have_hits;
	c->hits = pi->hits;
	return 1;
}

void ftx_probe_watch_report(const struct ftx_probe_watch *w,
			    void (*fn)(const char *msg, void *arg), void *arg)
{
	struct ftx_funcs *f = NULL;
	size_t i;

	for (i = 0; w && i < w->n; i++) {
		const struct watched *e = &w->w[i];
		struct hits_ctx c = { e, 0, false };
		char msg[800], list[400] = "";
		const char *sugg[6];
		size_t off = 0;
		int n, k;

		if (ftx_probe_list(w->top, hits_one, &c) < 0 || !c.found || c.hits > e->hits)
			continue;
		if (!f && e->symbol[0])
			f = ftx_probe_kfuncs_load(w->top);
		n = f && e->symbol[0] ? ftx_funcs_suggest(f, e->symbol, sugg, 6) : 0;
		for (k = 0; k < n && off < sizeof(list); k++) {
			if (!strcmp(sugg[k], e->symbol))
				continue;
			off += snprintf(list + off, sizeof(list) - off, "%s%s",
					off ? ", " : "; similar functions: ", sugg[k]);
		}
		snprintf(msg, sizeof(msg), "probe %s:%s (on %s) never fired while tracing%s",
			 e->group, e->event, e->symbol[0] ? e->symbol : "an address", list);
		fn(msg, arg);
	}
	ftx_funcs_free(f);
}

void ftx_probe_watch_free(struct ftx_probe_watch *w)
{
	if (!w)
		return;
	free(w->w);
	free(w);
}
