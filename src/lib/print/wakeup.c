// SPDX-License-Identifier: GPL-2.0
/*
 * report -w: wakeup latencies, as trace-cmd 3.1.6's report -w prints them
 * (see wakeup.h). Pids are tracked by their 32-bit value; trace-cmd keys
 * them by a hash of it that is one to one below 2^22, beyond any pid_max.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "ftx/error.h"
#include "wakeup.h"

#define WAKE_BUCKETS 1024

struct wake {
	unsigned int pid;
	unsigned long long start;
	struct wake *next;
};

struct lat_stats {
	unsigned long long total, max, max_ts, min, min_ts;
	unsigned long count;
};

struct ftx_wakeup {
	struct tep_handle *tep;
	int wakeup_id, wakeup_new_id, switch_id;
	struct tep_format_field *w_pid, *w_success, *wn_pid, *wn_success;
	struct tep_format_field *s_pid, *s_prio;
	struct wake *bucket[WAKE_BUCKETS];
	struct lat_stats all, rt;
};

struct ftx_wakeup *ftx_wakeup_alloc(struct tep_handle *tep)
{
	struct tep_event *wake = tep_find_event_by_name(tep, "sched", "sched_wakeup");
	struct tep_event *sw = tep_find_event_by_name(tep, "sched", "sched_switch");
	struct tep_event *wn = tep_find_event_by_name(tep, "sched", "sched_wakeup_new");
	struct ftx_wakeup *w;

	if (!wake || !sw || !tep_find_field(wake, "pid") || !tep_find_field(sw, "next_pid") ||
	    !tep_find_field(sw, "next_prio") || (wn && !tep_find_field(wn, "pid"))) {
		errno = ENOENT;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		errno = ENOMEM;
		ftx_error_set("out of memory");
		return NULL;
	}
	w->tep = tep;
	w->wakeup_id = wake->id;
	w->w_pid = tep_find_field(wake, "pid");
	w->w_success = tep_find_field(wake, "success");
	w->switch_id = sw->id;
	w->s_pid = tep_find_field(sw, "next_pid");
	w->s_prio = tep_find_field(sw, "next_prio");
	w->wakeup_new_id = wn ? wn->id : -1;
	if (wn) {
		w->wn_pid = tep_find_field(wn, "pid");
		w->wn_success = tep_find_field(wn, "success");
	}
	w->all.min = w->rt.min = -1ULL;
	return w;
}

void ftx_wakeup_free(struct ftx_wakeup *w)
{
	int i;

	if (!w)
		return;
	for (i = 0; i < WAKE_BUCKETS; i++) {
		while (w->bucket[i]) {
			struct wake *n = w->bucket[i]->next;

			free(w->bucket[i]);
			w->bucket[i] = n;
		}
	}
	free(w);
}

static struct wake **wake_find(struct ftx_wakeup *w, unsigned int pid)
{
	struct wake **p = &w->bucket[pid % WAKE_BUCKETS];

	while (*p && (*p)->pid != pid)
		p = &(*p)->next;
	return p;
}

/* a wakeup: the pid's clock starts (again, if it was woken twice) */
static int wake_start(struct ftx_wakeup *w, struct tep_format_field *pid_f,
		      struct tep_format_field *success_f, struct tep_record *rec,
		      unsigned long long ts)
{
	unsigned long long v;
	struct wake **p;

	/* no success field (kernels since 4.3): every wakeup counts */
	if (success_f && !tep_read_number_field(success_f, rec->data, &v) && !v)
		return 0;
	if (tep_read_number_field(pid_f, rec->data, &v))
		return 0;
	p = wake_find(w, (unsigned int)v);
	if (*p) {
		(*p)->start = ts;
		return 0;
	}
	*p = calloc(1, sizeof(**p));
	if (!*p) {
		errno = ENOMEM;
		ftx_error_set("out of memory");
		return -1;
	}
	(*p)->pid = (unsigned int)v;
	(*p)->start = ts;
	return 0;
}

static void stats_add(struct lat_stats *s, unsigned long long lat, unsigned long long ts)
{
	if (lat > s->max) {
		s->max = lat;
		s->max_ts = ts;
	}
	if (lat < s->min) {
		s->min = lat;
		s->min_ts = ts;
	}
	s->total += lat;
	s->count++;
}

int ftx_wakeup_record(struct ftx_wakeup *w, struct tep_record *rec, unsigned long long ts,
		      struct ftx_strbuf *sb)
{
	unsigned long long prio, pid, lat;
	struct wake **p, *hit;
	int type, n;
	bool rt;

	if (rec->size < 8)
		return 0;
	type = tep_data_type(w->tep, rec);
	if (type == w->wakeup_id)
		return wake_start(w, w->w_pid, w->w_success, rec, ts);
	if (type == w->wakeup_new_id)
		return wake_start(w, w->wn_pid, w->wn_success, rec, ts);
	if (type != w->switch_id)
		return 0;
	if (tep_read_number_field(w->s_prio, rec->data, &prio) ||
	    tep_read_number_field(w->s_pid, rec->data, &pid))
		return 0;
	rt = prio <= 99;
	p = wake_find(w, (unsigned int)pid);
	hit = *p;
	if (!hit)
		return 0;
	lat = ts - hit->start;
	*p = hit->next;
	free(hit);
	stats_add(&w->all, lat, ts);
	if (rt)
		stats_add(&w->rt, lat, ts);
	if (ftx_strbuf_reserve(sb, 64))
		return -1;
	/* before the line's newline */
	if (sb->len && sb->buf[sb->len - 1] == '\n')
		sb->len--;
	n = sprintf(sb->buf + sb->len, " Latency: %llu.%03llu usecs\n", lat / 1000, lat % 1000);
	sb->len += n;
	return 0;
}

static int stats_print(const struct lat_stats *s, struct ftx_strbuf *sb)
{
	unsigned long long avg = s->total / s->count;
	char buf[512];
	int n;

	/* the timestamps' fraction rounded without a carry, as trace-cmd prints them */
	n = snprintf(buf, sizeof(buf),
		     "\nAverage wakeup latency: %llu.%03llu usecs\n"
		     "Maximum Latency: %llu.%03llu usecs at timestamp: %llu.%06llu\n"
		     "Minimum Latency: %llu.%03llu usecs at timestamp: %llu.%06llu\n\n",
		     avg / 1000, avg % 1000,
		     s->max / 1000, s->max % 1000, s->max_ts / 1000000000,
		     ((s->max_ts + 500) % 1000000000) / 1000,
		     s->min / 1000, s->min % 1000, s->min_ts / 1000000000,
		     ((s->min_ts + 500) % 1000000000) / 1000);
	if (ftx_strbuf_reserve(sb, n))
		return -1;
	memcpy(sb->buf + sb->len, buf, n + 1);
	sb->len += n;
	return 0;
}

int ftx_wakeup_summary(struct ftx_wakeup *w, struct ftx_strbuf *sb)
{
	static const char rt[] = "RT task timings:\n";

	if (!w->all.count)
		return 0;
	if (stats_print(&w->all, sb))
		return -1;
	if (!w->rt.count)
		return 0;
	if (ftx_strbuf_reserve(sb, sizeof(rt)))
		return -1;
	memcpy(sb->buf + sb->len, rt, sizeof(rt));
	sb->len += sizeof(rt) - 1;
	return stats_print(&w->rt, sb);
}
