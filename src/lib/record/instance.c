// SPDX-License-Identifier: GPL-2.0
/*
 * The instance's settings for a recording: tracing off first, buffer size,
 * clock, cpumask, wake-up watermark, fork following, pid filters,
 * saved_cmdlines room, the events with their filters, then the tracer.
 * Every write goes through the session, which restores it.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs.h>

#include "ftx/error.h"
#include "ftx/session.h"
#include "ftx/tracer.h"
#include "ftx/util.h"
#include "recorder-local.h"

/* Does the instance have @file (knobs newer than the oldest kernels ftx runs on)? */
bool rec_inst_has(struct ftx_recorder *r, const char *file)
{
	char *p = rec_path_join(r->inst, file);
	bool ok = p && access(p, F_OK) == 0;

	free(p);
	return ok;
}

/* The session's reason already names the file, the value and the kernel's word. */
int rec_set(struct ftx_recorder *r, const char *file, const char *value)
{
	return ftx_session_set(r->s, file, value) < 0 ? -1 : 0;
}

/* "[local] global counter" lists the clocks: name the choices on a typo. */
static int check_clock(struct ftx_recorder *r, const char *clock)
{
	char *text = rec_read_at(r->inst, "trace_clock", NULL), *tok, *save = NULL, *list;
	bool found = false;

	if (!text)
		return -1;
	list = strdup(ftx_strip(text));
	for (tok = strtok_r(text, " []\n", &save); tok; tok = strtok_r(NULL, " []\n", &save))
		if (!strcmp(tok, clock))
			found = true;
	free(text);
	if (!found) {
		errno = EINVAL;
		ftx_error_set("unknown clock '%s' (this kernel has: %s)", clock, list ? list : "?");
	}
	free(list);
	return found ? 0 : -1;
}
int ftx_record_event_parse(char *arg, struct ftx_record_event *ev)
{
	char *sep = strpbrk(arg, ":/");

	ev->system = ev->event = NULL;
	ev->either = false;
	if (!*arg || (sep && (sep == arg || !sep[1] || strpbrk(sep + 1, ":/")))) {
		errno = EINVAL;
		ftx_error_set("bad event '%s': expected SYSTEM, SYSTEM:EVENT or EVENT", arg);
		return -1;
	}
	if (!strcmp(arg, "all"))
		return 0;
	if (!sep) {
		ev->system = arg;
		ev->either = true;
		return 0;
	}
	*sep = '\0';
	ev->system = arg;
	ev->event = sep + 1;
	return 0;
}

/* Does @system have an event matching @event (NULL: any)? */
static bool system_has_event(const char *top, const char *system, const char *event)
{
	char **events = tracefs_system_events(top, system);
	bool found = false;

	for (size_t j = 0; events && events[j] && !found; j++)
		found = !event || !fnmatch(event, events[j], 0);
	tracefs_list_free(events);
	return found;
}

/*
 * Enable @event (glob, NULL: all) in every system matching @system (glob,
 * NULL: all) that has such an event. The ftrace system is left out of globs:
 * its events (function, print...) belong to tracers and have no enable file.
 * Returns the number of systems enabled, or -1.
 */
static int enable_matching(struct ftx_recorder *r, const char *system, const char *event,
			   const char *filter)
{
	char **systems = tracefs_event_systems(r->top);
	int n = 0;

	for (size_t i = 0; systems && systems[i]; i++) {
		bool named = system && !strcmp(system, systems[i]);

		if (system && fnmatch(system, systems[i], 0))
			continue;
		if (!strcmp(systems[i], "ftrace") && !named)
			continue;
		if (!system_has_event(r->top, systems[i], event))
			continue;
		if (ftx_session_event_enable(r->s, systems[i], event, filter) < 0) {
			n = -1;	/* the session names the event and the reason */
			break;
		}
		n++;
	}
	tracefs_list_free(systems);
	return n;
}

static int enable_events(struct ftx_recorder *r, const struct ftx_recorder_opts *o)
{
	size_t i;

	for (i = 0; i < o->nr_events; i++) {
		const struct ftx_record_event *e = &o->events[i];
		const char *sys = e->system && strcmp(e->system, "all") ? e->system : NULL;
		const char *event = e->event;
		int n = -2;

		if (e->either) {
			n = enable_matching(r, sys, NULL, e->filter);
			if (n == 0) {
				/* "-e sched_switch": the event, in whichever system has it */
				event = sys;
				sys = NULL;
				n = -2;
			}
		}
		if (n == -2)
			n = enable_matching(r, sys, event, e->filter);
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = ENOENT;
			ftx_error_set("cannot enable %s%s%s: no such event", sys ? sys : "*",
				      event ? ":" : "", event ? event : "");
			return -1;
		}
	}
	return 0;
}

int rec_instance_setup(struct ftx_recorder *r, const struct ftx_recorder_opts *o)
{
	unsigned int i;
	char buf[64];
	size_t cur;
	char *val;

	/* nothing may reach the buffer before the filters are in place */
	if (rec_set(r, "tracing_on", "0") < 0)
		return -1;
	if (o->buffer_kb) {
		snprintf(buf, sizeof(buf), "%lu", o->buffer_kb);
		if (rec_set(r, "buffer_size_kb", buf) < 0)
			return -1;
	}
	if (o->clock && (check_clock(r, o->clock) < 0 || rec_set(r, "trace_clock", o->clock) < 0))
		return -1;
	if (o->cpumask && rec_set(r, "tracing_cpumask", o->cpumask) < 0)
		return -1;
	/*
	 * 20%: measured on 2 CPUs at 3.4M events/s (170 MB/s) into page cache,
	 * 50% (the kernel default) lost events at the default buffer size when
	 * temp-file writeback stalled a drain; waking earlier leaves headroom.
	 */
	snprintf(buf, sizeof(buf), "%d",
		 o->buffer_percent >= 0 ? o->buffer_percent : (o->stream ? 0 : 20));
	/* before 5.0 there is no watermark: the drain backs off instead (drain_main) */
	if (rec_inst_has(r, "buffer_percent") && rec_set(r, "buffer_percent", buf) < 0)
		return -1;
	if (o->follow_fork && rec_set(r, "options/event-fork", "1") < 0)
		return -1;
	r->trace_funcs = o->tracer != NULL;
	if (r->trace_funcs && o->follow_fork && rec_set(r, "options/function-fork", "1") < 0)
		return -1;
	for (i = 0; i < o->nr_pids; i++)
		if (ftx_recorder_add_pid(r, o->pids[i]) < 0)
			return -1;

	/*
	 * saved_cmdlines is global and recycles its slots: make room for every
	 * pid of the run (the session restores the size, which the kernel
	 * implements by reallocating, i.e. clearing, the cache).
	 */
	val = rec_read_at(r->top, "saved_cmdlines_size", NULL);
	cur = val ? strtoul(val, NULL, 10) : 0;
	free(val);
	if (cur && cur < PROC_COMM_MIN_CMDLINES) {
		snprintf(buf, sizeof(buf), "%d", PROC_COMM_MIN_CMDLINES);
		if (ftx_session_set_top(r->s, "saved_cmdlines_size", buf) < 0)
			ftx_warn("cannot raise saved_cmdlines_size: %s (comms are also taken from /proc)",
				 ftx_error());
	}

	if (enable_events(r, o) < 0)
		return -1;
	/* filters and options first, current_tracer last (tracing_on is still 0) */
	if (o->tracer && ftx_tracer_apply(r->s, o->tracer) < 0)
		return -1;
	return 0;
}

int ftx_recorder_add_pid(struct ftx_recorder *r, pid_t pid)
{
	char *list;

	if (asprintf(&list, "%s%s%d", r->pidlist ? r->pidlist : "", r->pidlist ? " " : "",
		     (int)pid) < 0) {
		ftx_error_set("out of memory");
		return -1;
	}
	if (rec_set(r, "set_event_pid", list) < 0 ||
	    (r->trace_funcs && rec_set(r, "set_ftrace_pid", list) < 0)) {
		free(list);
		return -1;
	}
	free(r->pidlist);
	r->pidlist = list;
	return 0;
}

