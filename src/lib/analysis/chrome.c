// SPDX-License-Identifier: GPL-2.0
/*
 * Chrome trace-event JSON, streamed record by record: "X" events come out
 * as calls leave the stacks of 'report --graph' (through its hooks), so
 * nothing grows with the trace but the table of task names.
 *
 * Times are record times (the ring buffer's timestamps) in microseconds with
 * nanosecond fractions. A call spans from its entry record to its exit record:
 * records of one task come in time order, so a task's calls nest exactly, as
 * Perfetto requires; the kernel's own duration (rettime - calltime, what
 * report prints) is in args.kernel_dur_us.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "ftx/analysis.h"
#include "ftx/error.h"
#include "ftx/graph.h"
#include "ftx/tracedat.h"
#include "analysis-local.h"

#define IDLE_TID	(1 << 22)	/* above PID_MAX_LIMIT: the idle task of CPU n is IDLE_TID + n */
#define TID_HASH	4096

struct tid {
	int tid;
	struct tid *next;
};

struct chrome {
	struct ftx_tracedat *td;
	struct tep_handle *tep;
	FILE *out;
	struct ftx_graph *graph;
	struct ftx_graph_hooks hooks;
	int func_id;
	struct tep_format_field *f_ip, *f_parent;
	struct tid *tids[TID_HASH];
	unsigned long long calls;
	unsigned long long *lost;	/* per CPU, cumulative */
	int nlost;
	bool first;
};

static void json_str(FILE *out, const char *s, size_t max)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);	/* no UTF-8 promise from the kernel */
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void us(FILE *out, unsigned long long ns)
{
	fprintf(out, "%llu.%03llu", ns / 1000, ns % 1000);
}

static int tid_of(int pid, int cpu)
{
	return pid ? pid : IDLE_TID + (cpu > 0 ? cpu : 0);
}

static void sep(struct chrome *c)
{
	if (!c->first)
		fputs(",\n", c->out);
	c->first = false;
}

/* The thread's name, the first time it appears */
static void thread(struct chrome *c, int pid, int cpu)
{
	int tid = tid_of(pid, cpu);
	unsigned int h = (unsigned int)tid % TID_HASH;
	char buf[300];
	struct tid *t;

	for (t = c->tids[h]; t; t = t->next)
		if (t->tid == tid)
			return;
	t = malloc(sizeof(*t));
	if (!t)
		return;	/* the name only: the events still come */
	t->tid = tid;
	t->next = c->tids[h];
	c->tids[h] = t;
	if (pid)
		ftx_analysis_name(c->tep, FTX_CNODE_TASK, (unsigned int)pid, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "<idle>/%d", cpu);
	sep(c);
	fprintf(c->out, "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":%d,\"args\":{\"name\":",
		tid);
	json_str(c->out, buf, sizeof(buf));
	fputs("}}", c->out);
	sep(c);
	fprintf(c->out, "{\"ph\":\"M\",\"name\":\"thread_sort_index\",\"pid\":1,\"tid\":%d,\"args\":{\"sort_index\":%d}}",
		tid, tid);
}

static const char *fname(struct chrome *c, unsigned long long addr, char *buf, size_t len)
{
	return ftx_analysis_name(c->tep, FTX_CNODE_FUNC, addr, buf, len);
}

static void x_event(struct chrome *c, int pid, int cpu, unsigned long long func, int depth,
		    unsigned long long ts, unsigned long long end, const struct ftx_graph_exit *x,
		    const char *cut)
{
	char buf[256];

	thread(c, pid, cpu);
	sep(c);
	fputs("{\"ph\":\"X\",\"name\":", c->out);
	json_str(c->out, fname(c, func, buf, sizeof(buf)), sizeof(buf));
	fprintf(c->out, ",\"cat\":\"%s\",\"pid\":1,\"tid\":%d,\"ts\":", cut ? "function,cut" : "function",
		tid_of(pid, cpu));
	us(c->out, ts);
	fputs(",\"dur\":", c->out);
	us(c->out, end > ts ? end - ts : 0);
	fprintf(c->out, ",\"args\":{\"depth\":%d", depth);
	if (x->how == FTX_GRAPH_EXIT || !strcmp(cut, "entry before the trace")) {
		fputs(",\"kernel_dur_us\":", c->out);
		us(c->out, x->dur);
	} else {
		fputs(",\"seen_us\":", c->out);
		us(c->out, x->dur);
	}
	if (x->has_retval)
		fprintf(c->out, ",\"retval\":%lld", x->retval);
	if (cut) {
		fputs(",\"cut\":", c->out);
		json_str(c->out, cut, 64);
	}
	fputs("}}", c->out);
	c->calls++;
}

static int hook_leave(void *ctx, int pid, struct ftx_graph_frame *parent, struct ftx_graph_frame *f,
		      const struct ftx_graph_exit *x)
{
	static const char *const why[] = {
		[FTX_GRAPH_EXIT] = NULL,
		[FTX_GRAPH_CUT_LOST] = "broken by lost events",
		[FTX_GRAPH_CUT_NESTED] = "exit not in the trace",
		[FTX_GRAPH_CUT_END] = "no exit before the end of the trace",
	};

	x_event(ctx, pid, f->cpu, f->func, f->depth, f->ts, x->end, x, why[x->how]);
	return 0;
}

/* An exit whose entry is before the trace: from its calltime, as the kernel says */
static int hook_orphan(void *ctx, int pid, struct ftx_graph_frame *top, unsigned long long func,
		       int depth, const struct ftx_graph_exit *x)
{
	unsigned long long end = x->end, ts = end > x->dur ? end - x->dur : 0;

	/* it encloses whatever is open below it no more: start after that opened */
	if (top && ts < top->ts)
		ts = top->ts;
	x_event(ctx, pid, x->rec ? x->rec->cpu : 0, func, depth, ts, end, x,
		"entry before the trace");
	return 0;
}

static void fields(struct chrome *c, struct tep_event *ev, struct tep_record *rec)
{
	struct tep_format_field *f;
	bool first = true;

	for (f = ev->format.fields; f; f = f->next) {
		if (f->flags & TEP_FIELD_IS_ARRAY && !(f->flags & TEP_FIELD_IS_STRING))
			continue;
		fputs(first ? "" : ",", c->out);
		first = false;
		json_str(c->out, f->name, 128);
		fputc(':', c->out);
		if (f->flags & TEP_FIELD_IS_STRING) {
			int len = 0;
			struct trace_seq *none = NULL;
			const char *s = tep_get_field_raw(none, ev, f->name, rec, &len, 0);

			json_str(c->out, s ? s : "", s ? (size_t)len : 0);
		} else {
			unsigned long long v = 0;

			tep_read_number_field(f, rec->data, &v);
			if (f->flags & TEP_FIELD_IS_SIGNED) {
				long long sv = f->size == 1 ? (signed char)v : f->size == 2 ? (short)v :
					       f->size == 4 ? (int)v : (long long)v;

				fprintf(c->out, "%lld", sv);
			} else if (v >> 53) {
				fprintf(c->out, "\"0x%llx\"", v);	/* past a double's precision */
			} else {
				fprintf(c->out, "%llu", v);
			}
		}
	}
}

static int hook_event(void *ctx, int pid, struct ftx_graph_frame *top, struct tep_record *rec)
{
	struct chrome *c = ctx;
	struct tep_event *ev = tep_find_event_by_record(c->tep, rec);
	char buf[256];

	if (!ev)
		return 0;
	thread(c, pid, rec->cpu);
	sep(c);
	fputs("{\"ph\":\"i\",\"s\":\"t\",\"name\":", c->out);
	if (ev->id == c->func_id && c->f_ip) {
		unsigned long long ip = 0, parent = 0;

		tep_read_number_field(c->f_ip, rec->data, &ip);
		if (c->f_parent)
			tep_read_number_field(c->f_parent, rec->data, &parent);
		json_str(c->out, fname(c, ip, buf, sizeof(buf)), sizeof(buf));
		fprintf(c->out, ",\"cat\":\"function\",\"pid\":1,\"tid\":%d,\"ts\":", tid_of(pid, rec->cpu));
		us(c->out, rec->ts);
		fputs(",\"args\":{\"parent\":", c->out);
		json_str(c->out, fname(c, parent, buf, sizeof(buf)), sizeof(buf));
		fputs("}}", c->out);
		return 0;
	}
	json_str(c->out, ev->name, 256);
	fputs(",\"cat\":", c->out);
	json_str(c->out, ev->system, 256);
	fprintf(c->out, ",\"pid\":1,\"tid\":%d,\"ts\":", tid_of(pid, rec->cpu));
	us(c->out, rec->ts);
	fputs(",\"args\":{", c->out);
	fields(c, ev, rec);
	fputs("}}", c->out);
	return 0;
}

static int lost(struct chrome *c, struct tep_record *rec)
{
	unsigned long long n = rec->missed_events > 0 ? rec->missed_events : 0;

	if (rec->cpu >= c->nlost) {
		unsigned long long *v = realloc(c->lost, (rec->cpu + 1) * sizeof(*v));

		if (!v)
			return -1;
		memset(v + c->nlost, 0, (rec->cpu + 1 - c->nlost) * sizeof(*v));
		c->lost = v;
		c->nlost = rec->cpu + 1;
	}
	c->lost[rec->cpu] += n ? n : 1;
	sep(c);
	fprintf(c->out, "{\"ph\":\"C\",\"name\":\"lost events\",\"pid\":1,\"ts\":");
	us(c->out, rec->ts);
	fprintf(c->out, ",\"args\":{\"cpu%d\":%llu}}", rec->cpu, c->lost[rec->cpu]);
	sep(c);
	fprintf(c->out, "{\"ph\":\"i\",\"s\":\"g\",\"name\":\"%s%llu events lost on CPU %d\",\"pid\":1,\"tid\":0,\"ts\":",
		n ? "" : "at least ", n ? n : 1, rec->cpu);
	us(c->out, rec->ts);
	fputs("}", c->out);
	return c->graph ? ftx_graph_lost(c->graph, rec->cpu, n) : 0;
}

int ftx_chrome_export(const struct ftx_analysis_opts *o, FILE *out, unsigned long long *calls)
{
	struct chrome *c = calloc(1, sizeof(*c));
	struct tep_record *rec;
	struct tep_event *ev;
	int ret = -1;

	if (!c)
		return -1;
	c->out = out;
	c->first = true;
	c->func_id = -1;
	c->td = ftx_analysis_open(o);
	if (!c->td)
		goto out;
	c->tep = ftx_tracedat_tep(c->td);
	if (ftx_tracedat_load_kallsyms(c->td))
		goto out;
	ev = tep_find_event_by_name(c->tep, "ftrace", "function");
	if (ev) {
		c->func_id = ev->id;
		c->f_ip = tep_find_field(ev, "ip");
		c->f_parent = tep_find_field(ev, "parent_ip");
	}
	c->hooks.leave = hook_leave;
	c->hooks.orphan = hook_orphan;
	c->hooks.event = hook_event;
	if (tep_find_event_by_name(c->tep, "ftrace", "funcgraph_entry")) {
		c->graph = ftx_graph_alloc(c->tep, NULL, NULL);
		if (!c->graph)
			goto out;
		ftx_graph_set_hooks(c->graph, &c->hooks, c);
	}
	fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", out);
	sep(c);
	fputs("{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":1,\"args\":{\"name\":", out);
	json_str(out, ftx_analysis_describe(c->td, o->input), 512);
	fputs("}}", out);
	while ((ret = ftx_tracedat_next(c->td, &rec)) == 1) {
		if (!ftx_analysis_wanted(o, c->tep, rec))
			continue;
		if (rec->missed_events && lost(c, rec))
			goto fail;
		if (c->graph)
			ret = ftx_graph_add(c->graph, rec);
		else
			ret = hook_event(c, tep_data_pid(c->tep, rec), NULL, rec);
		if (ret)
			goto fail;
		if (ferror(out)) {
			errno = EIO;
			goto fail;
		}
	}
	if (ret < 0 || (c->graph && ftx_graph_finish(c->graph)))
		goto fail;
	fputs("\n],\"otherData\":{\"tool\":\"ftx export --chrome\",\"source\":", out);
	json_str(out, ftx_analysis_describe(c->td, o->input), 512);
	fputs("}}\n", out);
	ret = ftx_analysis_flush(out);
	if (calls)
		*calls = c->calls;
	goto out;
fail:
	ret = -1;
	if (ferror(out))
		ftx_error_set("error writing output: %s", strerror(errno));
out:
	for (int i = 0; i < TID_HASH; i++)
		while (c->tids[i]) {
			struct tid *t = c->tids[i];

			c->tids[i] = t->next;
			free(t);
		}
	ftx_graph_free(c->graph);
	ftx_tracedat_close(c->td);
	free(c->lost);
	free(c);
	return ret;
}
