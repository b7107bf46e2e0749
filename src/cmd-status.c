// SPDX-License-Identifier: GPL-2.0
/*
 * ftx status: what is set in tracefs right now, in the top level and in every
 * instance (ftx's and others'), so a user can see who left tracing on.
 * trace-cmd calls this "stat"; in ftx "stat" is perf's counters. Read only.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "cmd.h"
#include "ftx/error.h"
#include "ftx/session.h"
#include "ftx/tracefs-util.h"
#include "ftx/util.h"

static const char status_usage[] =
	"usage: ftx status [-B NAME] [--top]\n"
	"\n"
	"Show what is set in tracefs now, as 'trace-cmd stat' does, for the top level\n"
	"and every instance: tracer, enabled events, event filters, pid filters,\n"
	"function filters, buffer sizes, clock, whether tracing is on; then the\n"
	"dynamic events (probes) and who owns each instance (ftx runs: live or gone).\n"
	"Only what differs from a fresh boot is shown. Nothing is changed.\n"
	"\n"
	"  -B NAME       only this instance\n"
	"      --top     only the top level\n"
	"  -h, --help    this text\n";

enum { OPT_TOP = 256 };

static const struct option status_options[] = {
	{ "top", no_argument, NULL, OPT_TOP },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct status_params {
	const char *instance;
	bool top_only;
};

/* Pure: no I/O, no exit. 0 to run, 1 for help, -1 with a reason in @err. */
int status_parse(int argc, char **argv, struct status_params *p, char *err, size_t size);

int status_parse(int argc, char **argv, struct status_params *p, char *err, size_t size)
{
	int c;

	*p = (struct status_params){ 0 };
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hB:", status_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			return 1;
		case 'B':
			p->instance = optarg;
			break;
		case OPT_TOP:
			p->top_only = true;
			break;
		default:
			return ftx_cmd_bad_option(argv, 'B', "an instance name", err, size);
		}
	}
	if (ftx_cmd_no_operands(argc, argv, err, size))
		return -1;
	if (p->instance && p->top_only) {
		snprintf(err, size, "-B and --top exclude each other");
		return -1;
	}
	return 0;
}

/* @dir/@file, trailing newlines stripped; NULL with errno when unreadable */
static char *read_at(const char *dir, const char *file)
{
	char path[1024], *t;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	t = ftx_read_file(path, &len);
	if (!t)
		return NULL;
	while (len && (t[len - 1] == '\n' || t[len - 1] == ' '))
		t[--len] = '\0';
	return t;
}

/* A heading, then each line of @text indented (trace-cmd stat's shape) */
static void section(const char *title, const char *text)
{
	const char *p = text, *e;

	printf("%s:\n", title);
	while (*p) {
		e = strchrnul(p, '\n');
		printf("  %.*s\n", (int)(e - p), p);
		p = *e ? e + 1 : e;
	}
	putchar('\n');
}

/* Files of one directory that could not be read, said in one line at its end */
static char unreadable[512], unreadable_why[256];

/* A list file (pid filters, function filters): shown when it holds something */
static void list_file(const char *dir, const char *file, const char *title, const char *dflt)
{
	char *t = read_at(dir, file);
	size_t l = strlen(unreadable);

	if (!t) {
		if (errno == ENOENT)
			return;
		ftx_tracefs_reason(NULL, NULL, errno, unreadable_why, sizeof(unreadable_why));
		snprintf(unreadable + l, sizeof(unreadable) - l, "%s%s", l ? ", " : "", file);
		return;
	}
	if (*t && (!dflt || strcmp(t, dflt)))
		section(title, t);
	free(t);
}

/* Event filters: events/<system>/<event>/filter other than "none" */
static void event_filters(const char *dir)
{
	char path[1024], *f;
	struct dirent *s, *e;
	DIR *sd, *ed;
	bool any = false;

	snprintf(path, sizeof(path), "%s/events", dir);
	sd = opendir(path);
	if (!sd)
		return;
	while ((s = readdir(sd))) {
		if (s->d_name[0] == '.' || s->d_type != DT_DIR)
			continue;
		snprintf(path, sizeof(path), "%s/events/%s", dir, s->d_name);
		ed = opendir(path);
		if (!ed)
			continue;
		while ((e = readdir(ed))) {
			if (e->d_name[0] == '.' || e->d_type != DT_DIR)
				continue;
			snprintf(path, sizeof(path), "events/%s/%s/filter", s->d_name, e->d_name);
			f = read_at(dir, path);
			if (f && *f && strcmp(f, "none")) {
				if (!any)
					puts("Event filters:");
				any = true;
				printf("  %s:%s  %s\n", s->d_name, e->d_name, f);
			}
			free(f);
		}
		closedir(ed);
	}
	closedir(sd);
	if (any)
		putchar('\n');
}

static void status_dir(const char *dir, const char *title)
{
	char *t, *b;

	printf("%s\n\n", title);
	unreadable[0] = '\0';
	t = read_at(dir, "current_tracer");
	printf("Tracer: %s\n\n", t ? t : "(unreadable)");
	free(t);

	t = read_at(dir, "set_event");
	if (t && *t)
		section("Events", t);
	else
		printf("Events:\n  All disabled\n\n");
	free(t);
	event_filters(dir);

	list_file(dir, "set_event_pid", "Event pid filter (set_event_pid)", NULL);
	list_file(dir, "set_event_notrace_pid", "Event notrace pids (set_event_notrace_pid)", NULL);
	list_file(dir, "set_ftrace_pid", "Function pid filter (set_ftrace_pid)", "no pid");
	list_file(dir, "set_ftrace_notrace_pid", "Function notrace pids (set_ftrace_notrace_pid)",
		  NULL);
	list_file(dir, "set_ftrace_filter", "Function filter (set_ftrace_filter)",
		  "#### all functions enabled ####");
	list_file(dir, "set_ftrace_notrace", "Function notrace (set_ftrace_notrace)", NULL);
	list_file(dir, "set_graph_function", "Graph functions (set_graph_function)",
		  "#### all functions enabled ####");
	list_file(dir, "set_graph_notrace", "Graph notrace (set_graph_notrace)", NULL);

	t = read_at(dir, "buffer_size_kb");
	b = read_at(dir, "buffer_total_size_kb");
	printf("Buffer size in kilobytes (per cpu):\n   %s\n\n", t ? t : "?");
	printf("Buffer total size in kilobytes:\n   %s\n\n", b ? b : "?");
	free(t);
	free(b);
	t = read_at(dir, "buffer_subbuf_size_kb");
	if (t && strcmp(t, "4"))
		printf("Sub-buffer size in kilobytes:\n   %s\n\n", t);
	free(t);

	t = read_at(dir, "trace_clock");
	if (t) {
		char *o = strchr(t, '['), *c = o ? strchr(o, ']') : NULL;

		if (o && c)
			printf("Clock: %.*s\n\n", (int)(c - o - 1), o + 1);
	}
	free(t);

	t = read_at(dir, "tracing_on");
	printf("Tracing is %s\n\n", t && !strcmp(t, "0") ? "disabled" : "enabled");
	free(t);
	if (unreadable[0])
		printf("Cannot read %s: %s\n\n", unreadable, unreadable_why);
}

/* Who owns an instance: an ftx run (live or gone) or another tool */
static void owner(const char *name, char *buf, size_t size)
{
	pid_t pid;

	if (!strcmp(name, FTX_FLIGHT_INSTANCE)) {
		snprintf(buf, size, "ftx's flight recorder: 'ftx extract' saves it, 'ftx stop' ends it");
		return;
	}
	if (ftx_instance_name_parse(name, &pid) < 0) {
		snprintf(buf, size, "not ftx's");
		return;
	}
	if (ftx_pid_is_ftx(pid))
		snprintf(buf, size, "ftx, pid %d running", (int)pid);
	else
		snprintf(buf, size, "ftx, pid %d gone: 'ftx reset' removes it", (int)pid);
}

static int status_run(int argc, char **argv)
{
	struct status_params p;
	char err[256], path[1024], title[600], who[128], *t;
	const char *dir;
	struct dirent *d;
	DIR *dd;
	int ret;

	ret = status_parse(argc, argv, &p, err, sizeof(err));
	if (ret)
		return ftx_cmd_parse_exit(&ftx_cmd_status, ret, err);
	dir = ftx_tracefs_mount();
	if (!dir) {
		ftx_cmd_err("tracefs is not mounted and cannot be mounted");
		return FTX_EXIT_FAIL;
	}
	if (p.instance) {
		snprintf(path, sizeof(path), "%s/instances/%s", dir, p.instance);
		if (access(path, F_OK)) {
			ftx_cmd_err("no instance '%s' in %s/instances", p.instance, dir);
			return FTX_EXIT_FAIL;
		}
		owner(p.instance, who, sizeof(who));
		snprintf(title, sizeof(title), "Instance: %s (%s)", p.instance, who);
		status_dir(path, title);
		return FTX_EXIT_OK;
	}
	snprintf(title, sizeof(title), "Top level: %s", dir);
	status_dir(dir, title);
	if (p.top_only)
		return FTX_EXIT_OK;

	t = read_at(dir, "dynamic_events");
	if (!t) {
		char *k = read_at(dir, "kprobe_events"), *u = read_at(dir, "uprobe_events");

		if (asprintf(&t, "%s%s%s", k ? k : "", k && *k && u && *u ? "\n" : "",
			     u ? u : "") < 0)
			t = NULL;
		free(k);
		free(u);
	}
	if (t && *t)
		section("Probes (dynamic events)", t);
	else
		printf("Probes (dynamic events):\n  none\n\n");
	free(t);

	snprintf(path, sizeof(path), "%s/instances", dir);
	dd = opendir(path);
	if (!dd) {
		puts("Instances:\n  none");
		return FTX_EXIT_OK;
	}
	{
		char **names = NULL;
		size_t n = 0, i;

		while ((d = readdir(dd))) {
			char **nn;

			if (d->d_name[0] == '.')
				continue;
			nn = realloc(names, (n + 1) * sizeof(*nn));
			if (!nn)
				break;
			names = nn;
			names[n] = strdup(d->d_name);
			if (names[n])
				n++;
		}
		closedir(dd);
		puts("Instances:");
		if (!n)
			puts("  none");
		for (i = 0; i < n; i++) {
			owner(names[i], who, sizeof(who));
			printf("  %s (%s)\n", names[i], who);
		}
		for (i = 0; i < n; i++) {
			putchar('\n');
			owner(names[i], who, sizeof(who));
			snprintf(title, sizeof(title), "Instance: %s (%s)", names[i], who);
			snprintf(path, sizeof(path), "%s/instances/%s", dir, names[i]);
			status_dir(path, title);
			free(names[i]);
		}
		free(names);
	}
	return FTX_EXIT_OK;
}

const struct ftx_cmd ftx_cmd_status = {
	.name = "status",
	.summary = "show what is set in tracefs now (trace-cmd stat): who left tracing on",
	.usage = status_usage,
	.flags = FTX_CMD_NEEDS_ROOT,
	.run = status_run,
};
