// SPDX-License-Identifier: GPL-2.0
/*
 * Keeping ftx out of its own recordings (trace-cmd filters its threads out
 * the same way; its --no-filter keeps them). Every thread of this process —
 * the main thread and the drain threads, all started by now — goes into
 * set_event_notrace_pid, and into set_ftrace_notrace_pid when a function
 * tracer runs, where the kernel has those files (5.8+ and 5.10+). The traced
 * command was forked before, so it is not one of them.
 *
 * The same thread list serves record -r: real-time priority for the drain.
 */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/error.h"
#include "recorder-local.h"

/* "tid tid ..." of this process' threads, or NULL */
static char *own_tids(void)
{
	struct dirent *d;
	char *list = NULL;
	size_t len = 0;
	DIR *dd = opendir("/proc/self/task");

	if (!dd)
		return NULL;
	while ((d = readdir(dd))) {
		size_t l = strlen(d->d_name);
		char *n;

		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		n = realloc(list, len + l + 2);
		if (!n) {
			free(list);
			closedir(dd);
			return NULL;
		}
		list = n;
		memcpy(list + len, d->d_name, l);
		len += l;
		list[len++] = ' ';
		list[len] = '\0';
	}
	closedir(dd);
	return list;
}

/*
 * A kernel that refuses the write (an odd pid list file, a permission) costs
 * only the filter: warn and record anyway, ftx's events included.
 */
int rec_exclude_self(struct ftx_recorder *r, bool tracer)
{
	char *tids = own_tids();

	if (!tids) {
		ftx_warn("cannot list this process' threads (%s): ftx's own events are traced too",
			 strerror(errno));
		return 0;
	}
	if (!rec_inst_has(r, "set_event_notrace_pid"))
		/* before 5.8: our own events stay, filters can still hide them */
		ftx_warn("this kernel has no set_event_notrace_pid: ftx's own events are traced too");
	else if (rec_set(r, "set_event_notrace_pid", tids) < 0)
		ftx_warn("%s: ftx's own events are traced too", ftx_error());
	if (tracer) {
		if (!rec_inst_has(r, "set_ftrace_notrace_pid"))
			ftx_warn("this kernel has no set_ftrace_notrace_pid: ftx's own function calls are traced too");
		else if (rec_set(r, "set_ftrace_notrace_pid", tids) < 0)
			ftx_warn("%s: ftx's own function calls are traced too", ftx_error());
	}
	free(tids);
	return 0;
}

int ftx_threads_set_rt_priority(int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	char *tids = own_tids(), *t, *save = NULL;
	int ret = 0;

	if (!tids) {
		ftx_error_set("cannot list this process' threads: %s", strerror(errno));
		return -1;
	}
	for (t = strtok_r(tids, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (sched_setscheduler(atoi(t), SCHED_FIFO, &sp) < 0) {
			ftx_error_set("cannot set SCHED_FIFO priority %d: %s", prio, strerror(errno));
			ret = -1;
			break;
		}
	}
	free(tids);
	return ret;
}
