// SPDX-License-Identifier: GPL-2.0
/*
 * A recording's progress while it runs, for record's status line: what the
 * drain threads saved so far (read without locking: a display value) and what
 * the kernel's per-CPU stats say about events, losses and how full each
 * buffer is now.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/error.h"
#include "ftx/util.h"
#include "recorder-local.h"

int ftx_recorder_progress(struct ftx_recorder *r, struct ftx_recorder_progress *p)
{
	unsigned long long size_kb = 0;
	char path[512], *t;
	unsigned int i;

	memset(p, 0, sizeof(*p));
	p->worst_cpu = -1;
	snprintf(path, sizeof(path), "%s/buffer_size_kb", r->inst);
	t = ftx_read_file(path, NULL);
	if (t)
		size_kb = strtoull(t, NULL, 10);
	free(t);
	for (i = 0; i < r->nr_cpus; i++) {
		struct rec_cpu *c = &r->cpus[i];
		unsigned long long in_buf;
		unsigned int fill;

		if (c->fd < 0)
			continue;
		p->bytes += __atomic_load_n(&c->st.bytes, __ATOMIC_RELAXED);
		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/stats", r->inst, c->cpu);
		t = ftx_read_file(path, NULL);
		if (!t)
			continue;
		p->events += rec_stat_value(t, "entries") + rec_stat_value(t, "read events");
		p->lost += rec_stat_value(t, "overrun") + rec_stat_value(t, "dropped events");
		in_buf = rec_stat_value(t, "bytes");
		free(t);
		fill = size_kb ? (unsigned int)(in_buf * 100 / (size_kb * 1024)) : 0;
		if (fill > 100)
			fill = 100;
		if (p->worst_cpu < 0 || fill > p->worst_fill) {
			p->worst_fill = fill;
			p->worst_cpu = c->cpu;
		}
	}
	return 0;
}
