// SPDX-License-Identifier: GPL-2.0
/*
 * record --date: how far the trace clock is from the time of day, for the
 * file's DATE option (as trace-cmd record --date). Readers add it to every
 * timestamp (in microseconds, written as "0x..."), so reports print the time
 * of day. Measured on a scratch instance with the same clock: a marker
 * written between two gettimeofday() calls, its timestamp read back from the
 * instance's trace; the tightest of a few tries wins.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "ftx/error.h"
#include "ftx/recorder.h"
#include "ftx/session.h"
#include "ftx/util.h"

#define DATE_MARK	"ftx-date-stamp"
#define DATE_TRIES	5

/* The marker's timestamp in microseconds from the instance's trace text; -1: none */
static long long mark_usecs(const char *text, bool *not_ns)
{
	const char *m = strstr(text, "tracing_mark_write: " DATE_MARK), *p, *dot;
	unsigned long long sec, usec;

	if (!m)
		return -1;
	/* "... 1234.567890: tracing_mark_write: ..." */
	p = m;
	while (p > text && p[-1] == ' ')
		p--;
	if (p == text || p[-1] != ':')
		return -1;
	p--;
	while (p > text && p[-1] != ' ')
		p--;
	dot = strchr(p, '.');
	if (!dot || dot > m) {
		*not_ns = true;	/* a counter clock: raw counts, no seconds */
		return -1;
	}
	if (sscanf(p, "%llu.%llu", &sec, &usec) != 2)
		return -1;
	return (long long)(sec * 1000000 + usec);
}

int ftx_record_date_offset(const char *clock, char *buf, size_t len)
{
	long long best_span = -1, best = 0;
	struct ftx_session *s;
	bool not_ns = false;
	char *path = NULL, *trace = NULL;
	int i, ret = -1;

	s = ftx_session_create(0);
	if (!s)
		return -1;
	if (!ftx_session_name(s)) {
		errno = EOPNOTSUPP;
		ftx_error_set("--date needs tracefs instances (3.10 and later)");
		goto out;
	}
	if (clock && ftx_session_set(s, "trace_clock", clock) < 0)
		goto out;
	if (asprintf(&path, "%s/trace_marker", ftx_session_dir(s)) < 0 ||
	    asprintf(&trace, "%s/trace", ftx_session_dir(s)) < 0) {
		ftx_error_set("out of memory");
		goto out;
	}
	for (i = 0; i < DATE_TRIES; i++) {
		struct timeval a, b;
		long long ts, span;
		char *text;
		int fd;

		/* an empty buffer each time (the scratch instance's own): one marker */
		fd = open(trace, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			ftx_error_set("cannot open %s: %s", path, strerror(errno));
			goto out;
		}
		gettimeofday(&a, NULL);
		if (write(fd, DATE_MARK, sizeof(DATE_MARK) - 1) < 0) {
			ftx_error_set("cannot write %s: %s", path, strerror(errno));
			close(fd);
			goto out;
		}
		gettimeofday(&b, NULL);
		close(fd);
		text = ftx_read_file(trace, NULL);
		ts = text ? mark_usecs(text, &not_ns) : -1;
		free(text);
		if (ts < 0)
			continue;
		span = (b.tv_sec - a.tv_sec) * 1000000LL + (b.tv_usec - a.tv_usec);
		if (best_span < 0 || span < best_span) {
			best_span = span;
			best = a.tv_sec * 1000000LL + a.tv_usec + span / 2 - ts;
		}
	}
	if (best_span < 0) {
		errno = not_ns ? EINVAL : EIO;
		ftx_error_set(not_ns ? "--date: the clock %s counts, it has no time of day"
				     : "--date: no marker came back from the %s clock",
			      clock ? clock : "default");
		goto out;
	}
	snprintf(buf, len, "0x%llx", (unsigned long long)best);
	ret = 0;
out:
	free(path);
	free(trace);
	ftx_session_destroy(s);
	return ret;
}
