// SPDX-License-Identifier: GPL-2.0
/*
 * Task names for the trace.dat: what the kernel saw at sched_switch
 * (saved_cmdlines), completed from /proc snapshots taken at the start and
 * the end, so pids whose saved_cmdlines slot was recycled keep a name.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftx/error.h"
#include "ftx/util.h"
#include "recorder-local.h"

/* comms are at most 15 characters (TASK_COMM_LEN); longer text is cut there */
void rec_comm_copy(char dst[16], const char *src)
{
	size_t n = strnlen(src, 15);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Comms of every task now, so pids whose saved_cmdlines slot was recycled keep a name. */
void rec_comms_collect(struct ftx_recorder *r)
{
	DIR *proc = opendir("/proc");
	struct dirent *de;

	if (!proc)
		return;
	while ((de = readdir(proc))) {
		char path[300];
		struct dirent *te;
		DIR *task;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", de->d_name);
		task = opendir(path);
		if (!task)
			continue;
		while ((te = readdir(task))) {
			char cpath[600], buf[32];
			ssize_t n;
			int fd;

			if (te->d_name[0] < '0' || te->d_name[0] > '9')
				continue;
			snprintf(cpath, sizeof(cpath), "/proc/%s/task/%s/comm", de->d_name,
				 te->d_name);
			fd = open(cpath, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (n <= 0)
				continue;
			buf[n] = '\0';
			ftx_strip(buf);
			if (r->nr_comms == r->alloc_comms) {
				size_t na = r->alloc_comms ? r->alloc_comms * 2 : 1024;
				struct comm *nc = realloc(r->comms, na * sizeof(*nc));

				if (!nc)
					break;
				r->comms = nc;
				r->alloc_comms = na;
			}
			r->comms[r->nr_comms].pid = atoi(te->d_name);
			rec_comm_copy(r->comms[r->nr_comms].name, buf);
			r->nr_comms++;
		}
		closedir(task);
	}
	closedir(proc);
}

static int comm_cmp(const void *a, const void *b)
{
	const struct comm *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * saved_cmdlines first (what the kernel saw at sched_switch), then the
 * latest /proc snapshot, then the first: one "pid comm" line per pid.
 */
char *rec_cmdlines_build(struct ftx_recorder *r, size_t *len)
{
	size_t klen = 0, n = 0, alloc, i, off = 0;
	char *kernel, *line, *save = NULL, *out;
	struct comm *all;
	unsigned int order = 0;

	kernel = rec_read_at(r->top, "saved_cmdlines", &klen);
	alloc = r->nr_known + r->nr_comms + (kernel ? klen / 4 : 0) + 1;
	all = calloc(alloc, sizeof(*all));
	if (!all) {
		free(kernel);
		return NULL;
	}
	for (i = 0; i < r->nr_known; i++) {
		all[n] = r->known[i];
		all[n++].order = order++;
	}
	for (line = kernel ? strtok_r(kernel, "\n", &save) : NULL; line && n < alloc;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[64];
		int pid;

		if (sscanf(line, "%d %63[^\n]", &pid, name) != 2)
			continue;
		all[n].pid = pid;
		all[n].order = order++;
		rec_comm_copy(all[n].name, name);
		n++;
	}
	free(kernel);
	/* later snapshots were appended later: walk backwards so they win */
	for (i = r->nr_comms; i-- > 0 && n < alloc;) {
		all[n] = r->comms[i];
		all[n].order = order++;
		n++;
	}
	qsort(all, n, sizeof(*all), comm_cmp);
	out = malloc(n * 32 + 1);
	if (!out) {
		free(all);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (i && all[i].pid == all[i - 1].pid)
			continue;
		off += sprintf(out + off, "%d %s\n", all[i].pid, all[i].name);
	}
	out[off] = '\0';
	free(all);
	*len = off;
	return out;
}


int ftx_recorder_set_comm(struct ftx_recorder *r, pid_t pid, const char *comm)
{
	struct comm *n = realloc(r->known, (r->nr_known + 1) * sizeof(*n));

	if (!n) {
		ftx_error_set("out of memory");
		return -1;
	}
	r->known = n;
	n[r->nr_known].pid = pid;
	rec_comm_copy(n[r->nr_known].name, comm);
	r->nr_known++;
	return 0;
}

