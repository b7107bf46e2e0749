// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the trace.dat reader: open from memory, format every
 * record as 'ftx report' does, and build the call-graph view. Anything but a
 * clean -1 with a reason on bad input is a bug. Built and run by scripts/fuzz.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <traceevent/event-parse.h>

#include "ftx/graph.h"
#include "ftx/report.h"
#include "ftx/tracedat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ftx_strbuf out = FTX_STRBUF_INIT;
	struct ftx_report_fmt *fmt;
	struct ftx_graph *graph;
	struct ftx_tracedat *td;
	struct tep_record *rec;
	FILE *null;

	td = ftx_tracedat_open_mem(data, size, "fuzz.dat", FTX_TRACEDAT_NO_PLUGINS);
	if (!td)
		return 0;
	null = fopen("/dev/null", "w");
	fmt = ftx_report_fmt_alloc(ftx_tracedat_tep(td), 0);
	graph = null ? ftx_graph_alloc(ftx_tracedat_tep(td), NULL, null) : NULL;
	while (fmt && ftx_tracedat_next(td, &rec) == 1) {
		ftx_report_fmt_record(fmt, rec, &out);
		out.len = 0;
		if (graph) {
			if (rec->missed_events)
				ftx_graph_lost(graph, rec->cpu, rec->missed_events > 0 ?
					       rec->missed_events : 0);
			ftx_graph_add(graph, rec);
		}
	}
	if (graph)
		ftx_graph_finish(graph);
	ftx_graph_free(graph);
	ftx_report_fmt_free(fmt);
	ftx_strbuf_release(&out);
	ftx_tracedat_close(td);
	if (null)
		fclose(null);
	return 0;
}
