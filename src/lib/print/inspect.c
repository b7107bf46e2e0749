// SPDX-License-Identifier: GPL-2.0
/*
 * report's inspection options: the file's kallsyms, printk formats, event
 * list, uname/version options and per-CPU first/last timestamps, in the shape
 * trace-cmd 3.1.6's report prints them (checked against it on the fixtures).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "ftx/error.h"
#include "ftx/report-inspect.h"
#include "ftx/tracedat.h"

bool ftx_report_inspect_any(const struct ftx_report_inspect *w)
{
	return w->funcs || w->printk || w->events || w->uname || w->version || w->cpus ||
	       w->first || w->last || w->check;
}

/* A timestamp as report prints it: sec.usec, sec.nsec with -t, or the raw count */
static void print_ts(FILE *out, struct ftx_tracedat *td, unsigned long long ts, bool nsec)
{
	if (!ftx_tracedat_ts_in_usecs(td))
		fprintf(out, "%12llu", ts);
	else if (nsec)
		fprintf(out, "%5llu.%09llu", ts / 1000000000ull, ts % 1000000000ull);
	else
	{
		/* rounded to the microsecond, as trace-cmd prints it */
		unsigned long long us = (ts + 500) / 1000;

		fprintf(out, "%5llu.%06llu", us / 1000000ull, us % 1000000ull);
	}
}

static int print_cpus(FILE *out, struct ftx_tracedat *td, const char *path,
		      const struct ftx_report_inspect *w)
{
	int n = ftx_tracedat_cpus(td), i, r;
	unsigned long long *first = NULL, *last = NULL;
	bool *seen = NULL;
	struct tep_record *rec;
	uint64_t off, size;

	if (w->first || w->last) {
		first = calloc(n ? n : 1, sizeof(*first));
		last = calloc(n ? n : 1, sizeof(*last));
		seen = calloc(n ? n : 1, sizeof(*seen));
		if (!first || !last || !seen) {
			free(first);
			free(last);
			free(seen);
			ftx_error_set("out of memory");
			errno = ENOMEM;
			return -1;
		}
		while ((r = ftx_tracedat_next(td, &rec)) > 0) {
			/* the top instance's CPUs, as trace-cmd lists them */
			if (ftx_tracedat_record_instance(rec) || rec->cpu < 0 || rec->cpu >= n)
				continue;
			if (!seen[rec->cpu])
				first[rec->cpu] = rec->ts;
			seen[rec->cpu] = true;
			last[rec->cpu] = rec->ts;
		}
		if (r < 0) {
			free(first);
			free(last);
			free(seen);
			return -1;
		}
	}
	fprintf(out, "List of CPUs in %s with data:\n", path);
	for (i = 0; i < n; i++) {
		if (ftx_tracedat_cpu_data(td, i, &off, &size) < 0)
			continue;
		fprintf(out, "  %d", i);
		if (w->first && seen[i]) {
			fputs("\tFirst event:", out);
			print_ts(out, td, first[i] + (unsigned long long)w->ts_offset, w->nsec);
		}
		if (w->last && seen[i]) {
			fputs("\tLast event:", out);
			print_ts(out, td, last[i] + (unsigned long long)w->ts_offset, w->nsec);
		}
		fputc('\n', out);
	}
	free(first);
	free(last);
	free(seen);
	return 0;
}

int ftx_report_inspect(const char *path, const struct ftx_report_inspect *w, FILE *out)
{
	unsigned int flags = FTX_TRACEDAT_LAZY_KALLSYMS;
	struct ftx_tracedat *td;
	struct tep_handle *tep;
	int ret = 0;

	if (w->no_plugins)
		flags |= FTX_TRACEDAT_NO_PLUGINS;
	td = ftx_tracedat_open(path, flags);
	if (!td)
		return -1;
	tep = ftx_tracedat_tep(td);
	if (w->funcs || w->printk || w->events) {
		fflush(out);
		if (w->funcs) {
			if (ftx_tracedat_load_kallsyms(td) < 0) {
				ret = -1;
				goto out;
			}
			tep_print_funcs(tep);	/* libtraceevent prints on stdout, as trace-cmd */
		}
		else if (w->printk)
			tep_print_printk(tep);
		else {
			struct tep_event **ev = tep_list_events(tep, TEP_EVENT_SORT_SYSTEM);

			fflush(stdout);
			for (int i = 0; ev && ev[i]; i++)
				fprintf(out, "%s:%s\n", ev[i]->system, ev[i]->name);
		}
		fflush(stdout);
		goto out;
	}
	if (w->cpus || w->first || w->last) {
		ret = print_cpus(out, td, path, w);
		goto out;
	}
	/* --check-events: opening parsed every format already */
	if (w->uname || w->version) {
		const char *u = ftx_tracedat_uname(td), *v = ftx_tracedat_tool_version(td);

		fprintf(out, "cpus=%d\n", ftx_tracedat_cpus(td));
		if (!w->version && u)	/* --version wins, as in trace-cmd */
			fprintf(out, "%s\n", u);
		if (v)
			fprintf(out, "%s\n", v);
		goto out;
	}

out:
	ftx_tracedat_close(td);
	return ret;
}
