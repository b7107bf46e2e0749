// SPDX-License-Identifier: GPL-2.0
/*
 * Feature decisions from files and README text (see ftx/features.h). Board
 * kernels carry backports, so "4.14" says little: a file that exists, or a
 * syntax the README documents, says what this kernel parses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftx/capability.h"
#include "ftx/error.h"
#include "ftx/features.h"
#include "ftx/util.h"

static bool has_file(const char *top, const char *file)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", top, file);
	return access(path, F_OK) == 0;
}

/* @what on a line of the probe syntax part (one that names a place or a format) */
static bool readme_syntax_has(const char *readme, const char *what)
{
	const char *p, *line, *end;

	for (p = readme ? strstr(readme, what) : NULL; p; p = strstr(p + 1, what)) {
		for (line = p; line > readme && line[-1] != '\n'; line--)
			;
		end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		if (memmem(line, end - line, "place", 5) || memmem(line, end - line, "Format:", 7) ||
		    memmem(line, end - line, "<event>", 7))
			return true;
	}
	return false;
}

void ftx_features_parse_readme(const char *readme, struct ftx_features *f)
{
	f->fetch_argn = ftx_readme_has_fetcharg(readme, "$arg<N>");
	f->fetch_comm = ftx_readme_has_fetcharg(readme, "$comm");
	/* 4.12: "r[maxactive][:[<group>/]<event>] <place> [<args>]" */
	f->kretprobe_maxactive = readme_syntax_has(readme, "r[maxactive]");
	/* 5.11: "<symbol>[+<offset>]%return", "<path>:<offset>[%return]" */
	f->return_suffix = readme_syntax_has(readme, "%return");
	/* listed whether or not CONFIG_EPROBE_EVENTS is set: 'ftx check' tries */
	f->eprobe_syntax = readme_syntax_has(readme, "e[:[<group>/]");
}

int ftx_features_probe(const char *top, struct ftx_features *f)
{
	char path[512], *text, *tok, *save;
	size_t off = 0;

	memset(f, 0, sizeof(*f));
	if (!has_file(top, "trace")) {
		errno = ENOENT;
		ftx_error_set("%s: no trace file (not a tracing directory)", top);
		return -1;
	}
	f->instances = has_file(top, "instances");
	f->dynamic_events = has_file(top, "dynamic_events");
	f->kprobe_events = has_file(top, "kprobe_events");
	f->uprobe_events = has_file(top, "uprobe_events");
	f->error_log = has_file(top, "error_log");
	f->trace_marker_raw = has_file(top, "trace_marker_raw");
	f->subbuf_size = has_file(top, "buffer_subbuf_size_kb");
	f->timestamp_mode = has_file(top, "timestamp_mode");
	f->set_event_pid = has_file(top, "set_event_pid");
	f->event_fork = has_file(top, "options/event-fork");
	f->function_fork = has_file(top, "options/function-fork");
	f->max_graph_depth = has_file(top, "max_graph_depth");

	snprintf(path, sizeof(path), "%s/README", top);
	text = ftx_read_file(path, NULL);
	ftx_features_parse_readme(text, f);
	free(text);

	snprintf(path, sizeof(path), "%s/trace_clock", top);
	text = ftx_read_file(path, NULL);
	for (tok = text ? strtok_r(text, " \n", &save) : NULL; tok;
	     tok = strtok_r(NULL, " \n", &save)) {
		tok += tok[0] == '[';
		tok[strcspn(tok, "]")] = '\0';
		if (off + strlen(tok) + 2 > sizeof(f->clocks))
			break;
		off += snprintf(f->clocks + off, sizeof(f->clocks) - off, "%s%s", off ? " " : "",
				tok);
	}
	free(text);
	return 0;
}

bool ftx_features_has_clock(const struct ftx_features *f, const char *clock)
{
	size_t n = strlen(clock);
	const char *p;

	for (p = strstr(f->clocks, clock); p && n; p = strstr(p + 1, clock))
		if ((p == f->clocks || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

int ftx_tracefs_locate(const char *root, char *out, size_t size)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[512];
	size_t i;

	for (i = 0; i < FTX_ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s%s/trace", root ? root : "", dirs[i]);
		if (access(path, F_OK) == 0) {
			snprintf(out, size, "%s%s", root ? root : "", dirs[i]);
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}
