// SPDX-License-Identifier: GPL-2.0
/*
 * Histograms of a numeric event field, of function durations, or of the
 * latency between two events of the same key; log2 or linear buckets,
 * printed as an ASCII bar chart. One pass; memory grows with buckets, tasks
 * and open latency starts, never with events.
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

#define LOG_BUCKETS	65	/* 0, [1,2), [2,4) ... [2^63, 2^64) */
#define MAX_LINEAR	100000
#define BAR_WIDTH	40
#define KEY_HASH	4096
#define FUNC_CACHE	1024

struct hist {
	int pid;
	unsigned long long count, neg_count;
	long long min, max;
	long double sum;
	unsigned long long pos[LOG_BUCKETS], neg[LOG_BUCKETS];	/* log2 */
	unsigned long long *lin;	/* linear: index lo..hi */
	long long lin_lo;
	size_t lin_n;
	struct hist *next;
};

struct start {
	unsigned long long key, ts;
	int pid;
	struct start *next;
};

struct hrun {
	const struct ftx_analysis_opts *o;
	const struct ftx_hist_opts *h;
	struct ftx_tracedat *td;
	struct ftx_analysis_reader rd;
	struct ftx_recfmt rf;
	struct tep_handle *tep;
	struct hist *hists;	/* one, or one per task */
	int ev_id, ev2_id;
	struct tep_format_field *field, *key, *key2, *ex_func, *ex_calltime, *ex_rettime;
	/* the fields above, read in place */
	struct ftx_fieldpos p_field, p_key, p_key2, p_func, p_calltime, p_rettime;
	bool is_signed;
	/* duration: each function address's verdict, by address (a name lookup is a bsearch) */
	struct fverdict {
		unsigned long long func;
		bool set, match;
	} verdicts[FUNC_CACHE];
	struct start *starts[KEY_HASH];
	unsigned long long unmatched, restarted, dropped, lost;
	const char *unit;
};

static int bad(const char *fmt, const char *arg)
{
	errno = EINVAL;
	ftx_error_set(fmt, arg);
	return -1;
}

/* "[SYSTEM:]EVENT" into @sys and @ev */
static int split_event(const char *s, size_t len, char *sys, size_t slen, char *ev, size_t elen)
{
	const char *colon = memchr(s, ':', len);

	if (!len)
		return bad("an event name is missing in '%s'", s);
	if (colon) {
		if ((size_t)(colon - s) >= slen || len - (colon - s) - 1 >= elen || colon == s ||
		    colon + 1 == s + len)
			return bad("bad event name '%s'", s);
		snprintf(sys, slen, "%.*s", (int)(colon - s), s);
		snprintf(ev, elen, "%.*s", (int)(len - (colon - s) - 1), colon + 1);
	} else {
		if (len >= elen)
			return bad("event name too long: '%s'", s);
		sys[0] = '\0';
		snprintf(ev, elen, "%.*s", (int)len, s);
	}
	return 0;
}

int ftx_hist_spec_parse(const char *s, const char *key, struct ftx_hist_spec *spec)
{
	const char *dot, *comma;

	memset(spec, 0, sizeof(*spec));
	if (!strncmp(s, "duration:", 9)) {
		spec->kind = FTX_HIST_DURATION;
		if (!s[9] || strlen(s + 9) >= sizeof(spec->event))
			return bad("duration: wants a function name, as in duration:vfs_read%s", "");
		strcpy(spec->event, s + 9);
		if (key)
			return bad("--key goes with latency:, not '%s'", s);
		return 0;
	}
	if (!strncmp(s, "latency:", 8)) {
		spec->kind = FTX_HIST_LATENCY;
		s += 8;
		comma = strchr(s, ',');
		if (!comma || strchr(comma + 1, ','))
			return bad("latency: wants two events, as in latency:sys_enter_openat,sys_exit_openat%s",
				   "");
		if (split_event(s, comma - s, spec->system, sizeof(spec->system), spec->event,
				sizeof(spec->event)) ||
		    split_event(comma + 1, strlen(comma + 1), spec->system2, sizeof(spec->system2),
				spec->event2, sizeof(spec->event2)))
			return -1;
		strcpy(spec->key, "common_pid");
		strcpy(spec->key2, "common_pid");
		if (key) {
			comma = strchr(key, ',');
			if (strlen(key) >= sizeof(spec->key) || !*key || (comma && (comma == key ||
			    !comma[1])))
				return bad("bad --key '%s' (FIELD, or START_FIELD,END_FIELD)", key);
			snprintf(spec->key, sizeof(spec->key), "%.*s",
				 (int)(comma ? (size_t)(comma - key) : strlen(key)), key);
			snprintf(spec->key2, sizeof(spec->key2), "%s", comma ? comma + 1 : key);
		}
		return 0;
	}
	spec->kind = FTX_HIST_FIELD;
	if (key)
		return bad("--key goes with latency:, not '%s'", s);
	dot = strrchr(s, '.');
	if (!dot || !dot[1] || strlen(dot + 1) >= sizeof(spec->field))
		return bad("'%s': want EVENT.FIELD, duration:FUNC or latency:START,END", s);
	strcpy(spec->field, dot + 1);
	return split_event(s, dot - s, spec->system, sizeof(spec->system), spec->event,
			   sizeof(spec->event));
}

static struct tep_event *find_event(struct tep_handle *tep, const char *sys, const char *name)
{
	struct tep_event *ev = tep_find_event_by_name(tep, *sys ? sys : NULL, name);

	if (!ev) {
		errno = ENOENT;
		ftx_error_set("no event %s%s%s in this trace", sys, *sys ? ":" : "", name);
	}
	return ev;
}

static struct tep_format_field *find_field(struct tep_event *ev, const char *name)
{
	struct tep_format_field *f = tep_find_any_field(ev, name);

	if (!f) {
		errno = ENOENT;
		ftx_error_set("event %s:%s has no field '%s'", ev->system, ev->name, name);
		return NULL;
	}
	if (f->flags & (TEP_FIELD_IS_STRING | TEP_FIELD_IS_DYNAMIC | TEP_FIELD_IS_ARRAY) ||
	    f->size > 8) {
		errno = EINVAL;
		ftx_error_set("field '%s' of %s:%s is not a number", name, ev->system, ev->name);
		return NULL;
	}
	return f;
}

/* The events the spec names, looked up by name (all of a name when no system is given) */
static bool spec_event(const char *sys, const char *name, void *arg)
{
	const struct ftx_hist_spec *sp = arg;

	if (sp->kind == FTX_HIST_DURATION)
		return false;	/* funcgraph_exit: ftrace's, parsed at open */
	return (!strcmp(name, sp->event) && (!*sp->system || !strcmp(sys, sp->system))) ||
	       (sp->kind == FTX_HIST_LATENCY && !strcmp(name, sp->event2) &&
		(!*sp->system2 || !strcmp(sys, sp->system2)));
}

static int setup(struct hrun *r)
{
	const struct ftx_hist_spec *sp = &r->h->spec;
	struct tep_event *ev, *ev2;

	if (ftx_tracedat_load_events(r->td, spec_event, (void *)sp))
		return -1;

	switch (sp->kind) {
	case FTX_HIST_FIELD:
		ev = find_event(r->tep, sp->system, sp->event);
		if (!ev)
			return -1;
		r->ev_id = ev->id;
		r->field = find_field(ev, sp->field);
		if (!r->field)
			return -1;
		r->is_signed = r->field->flags & TEP_FIELD_IS_SIGNED;
		r->unit = "";
		return 0;
	case FTX_HIST_DURATION:
		ev = tep_find_event_by_name(r->tep, "ftrace", "funcgraph_exit");
		if (!ev) {
			errno = ENOENT;
			ftx_error_set("duration: needs a function_graph trace (record with -p function_graph)");
			return -1;
		}
		r->ev_id = ev->id;
		r->ex_func = tep_find_field(ev, "func");
		r->ex_calltime = tep_find_field(ev, "calltime");
		r->ex_rettime = tep_find_field(ev, "rettime");
		if (!r->ex_func || !r->ex_calltime || !r->ex_rettime) {
			errno = EINVAL;
			ftx_error_set("funcgraph_exit lacks func/calltime/rettime");
			return -1;
		}
		r->unit = " ns";
		return ftx_tracedat_load_kallsyms(r->td);
	case FTX_HIST_LATENCY:
		ev = find_event(r->tep, sp->system, sp->event);
		ev2 = ev ? find_event(r->tep, sp->system2, sp->event2) : NULL;
		if (!ev2)
			return -1;
		r->ev_id = ev->id;
		r->ev2_id = ev2->id;
		r->key = find_field(ev, sp->key);
		r->key2 = r->key ? find_field(ev2, sp->key2) : NULL;
		if (!r->key2)
			return -1;
		r->unit = " ns";
		return 0;
	}
	return 0;
}

static struct hist *hist_of(struct hrun *r, int pid)
{
	struct hist *h;

	if (!r->h->by_task)
		pid = -1;
	for (h = r->hists; h; h = h->next)
		if (h->pid == pid)
			return h;
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->pid = pid;
	h->next = r->hists;
	r->hists = h;
	return h;
}

static int log2_bucket(unsigned long long v)
{
	return v ? 64 - __builtin_clzll(v) : 0;		/* 1 -> 1, 2..3 -> 2, ... */
}

static int linear_add(struct hist *h, long long idx)
{
	if (!h->lin) {
		h->lin = calloc(1, sizeof(*h->lin));
		if (!h->lin)
			return -1;
		h->lin_lo = idx;
		h->lin_n = 1;
	}
	if (idx < h->lin_lo || idx >= h->lin_lo + (long long)h->lin_n) {
		long long lo = idx < h->lin_lo ? idx : h->lin_lo;
		long long hi = idx >= h->lin_lo + (long long)h->lin_n ? idx :
			       h->lin_lo + (long long)h->lin_n - 1;
		unsigned long long *n;

		if (hi - lo + 1 > MAX_LINEAR) {
			errno = ERANGE;
			ftx_error_set("more than %d linear buckets: use a larger --linear step (or log2)",
				      MAX_LINEAR);
			return -1;
		}
		n = calloc(hi - lo + 1, sizeof(*n));
		if (!n)
			return -1;
		memcpy(n + (h->lin_lo - lo), h->lin, h->lin_n * sizeof(*n));
		free(h->lin);
		h->lin = n;
		h->lin_lo = lo;
		h->lin_n = hi - lo + 1;
	}
	h->lin[idx - h->lin_lo]++;
	return 0;
}

static int add_value(struct hrun *r, int pid, long long v, bool is_signed)
{
	struct hist *h = hist_of(r, pid);
	unsigned long long step = r->h->step;

	if (!h)
		return -1;
	if (!h->count || v < h->min)
		h->min = v;
	if (!h->count || v > h->max)
		h->max = v;
	h->count++;
	h->sum += v;
	if (step) {
		long long idx = v >= 0 ? v / (long long)step : -((-(v + 1)) / (long long)step) - 1;

		return linear_add(h, idx);
	}
	if (v < 0) {
		h->neg[log2_bucket(-(unsigned long long)v)]++;
		h->neg_count++;
	} else {
		h->pos[log2_bucket((unsigned long long)v)]++;
	}
	return 0;
}

/* As tep_read_number_field() reads it (other sizes than 1, 2, 4, 8 read 0) */
static inline unsigned long long num(const struct hrun *r, struct ftx_fieldpos pos,
				     const void *data)
{
	return ftx_recfmt_num(&r->rf, pos, data);
}

/*
 * Signed fields as their C type says; a 64-bit unsigned value above 2^63 is
 * read as negative too: kprobe $retval and other u64 fields carry -errno so.
 */
static long long signed_value(struct tep_format_field *f, unsigned long long v, bool is_signed)
{
	if (!is_signed)
		return f->size == 8 ? (long long)v : (long long)(v & ((1ULL << (f->size * 8)) - 1));
	switch (f->size) {
	case 1: return (signed char)v;
	case 2: return (short)v;
	case 4: return (int)v;
	default: return (long long)v;
	}
}

static bool func_matches(struct hrun *r, unsigned long long func)
{
	struct fverdict *v = &r->verdicts[(func >> 2) % FUNC_CACHE];
	const char *name;

	if (v->set && v->func == func)
		return v->match;
	name = tep_find_function(r->tep, func);
	v->func = func;
	v->set = true;
	v->match = name && !strcmp(name, r->h->spec.event);
	return v->match;
}

static unsigned int key_hash(unsigned long long key)
{
	return (unsigned int)((key * 0x9e3779b97f4a7c15ULL) >> 52) % KEY_HASH;
}

static int on_latency(struct hrun *r, struct tep_record *rec, int type, int pid)
{
	struct start **pp, *s;
	unsigned long long key;

	if (type == r->ev_id) {
		key = num(r, r->p_key, rec->data);
		for (s = r->starts[key_hash(key)]; s; s = s->next)
			if (s->key == key) {
				r->restarted++;
				s->ts = rec->ts;
				s->pid = pid;
				break;
			}
		if (!s) {
			s = malloc(sizeof(*s));
			if (!s)
				return -1;
			s->key = key;
			s->ts = rec->ts;
			s->pid = pid;
			s->next = r->starts[key_hash(key)];
			r->starts[key_hash(key)] = s;
		}
		/* START and END may be one event (key fields differ): fall through */
		if (type != r->ev2_id)
			return 0;
	}
	if (type != r->ev2_id)
		return 0;
	key = num(r, r->p_key2, rec->data);
	for (pp = &r->starts[key_hash(key)]; (s = *pp); pp = &s->next)
		if (s->key == key)
			break;
	if (!s) {
		r->unmatched++;
		return 0;
	}
	*pp = s->next;
	pid = s->pid;
	key = rec->ts >= s->ts ? rec->ts - s->ts : 0;
	free(s);
	return add_value(r, pid, (long long)key, false);
}

static void drop_starts(struct hrun *r)
{
	for (int i = 0; i < KEY_HASH; i++)
		while (r->starts[i]) {
			struct start *s = r->starts[i];

			r->starts[i] = s->next;
			free(s);
			r->dropped++;
		}
}

struct row {
	char label[64];
	long long lo, hi;	/* for a run of empty rows: [lo of the first, hi of the last) */
	bool bounds;
	unsigned long long count;
};

struct rows {
	struct row *v;
	size_t n, cap;
};

static int row_add(struct rows *r, unsigned long long count, bool bounds, long long lo,
		   long long hi, const char *label)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 128;
		struct row *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return -1;
		r->v = v;
		r->cap = cap;
	}
	snprintf(r->v[r->n].label, sizeof(r->v[r->n].label), "%s", label);
	r->v[r->n].count = count;
	r->v[r->n].bounds = bounds;
	r->v[r->n].lo = lo;
	r->v[r->n].hi = hi;
	r->n++;
	return 0;
}

/* Print the rows; a run of more than two empty buckets is one line */
static void print_rows(FILE *out, const struct rows *r, unsigned long long total)
{
	unsigned long long maxc = 0;
	size_t i, run;

	for (i = 0; i < r->n; i++)
		if (r->v[i].count > maxc)
			maxc = r->v[i].count;
	for (i = 0; i < r->n; i++) {
		const struct row *w = &r->v[i];
		int n = maxc ? (int)((w->count * BAR_WIDTH + maxc - 1) / maxc) : 0;

		for (run = 0; i + run < r->n && !r->v[i + run].count; run++)
			;
		if (run > 2) {
			char label[160];

			if (w->bounds && r->v[i + run - 1].bounds)
				snprintf(label, sizeof(label), "[%lld, %lld)", w->lo,
					 r->v[i + run - 1].hi);
			else
				snprintf(label, sizeof(label), "%s .. %s", w->label,
					 r->v[i + run - 1].label);
			fprintf(out, " %-28s %10d %7.2f%%  (%zu empty buckets)\n", label, 0, 0.0, run);
			i += run - 1;
			continue;
		}
		fprintf(out, " %-28s %10llu %7.2f%% |", w->label, w->count,
			total ? 100.0 * w->count / total : 0.0);
		for (int k = 0; k < BAR_WIDTH; k++)
			fputc(k < n ? '@' : ' ', out);
		fputs("|\n", out);
	}
}

static int print_log2(FILE *out, const struct hist *h)
{
	int i, lo_neg = -1, hi_pos = -1, lo_pos = LOG_BUCKETS;
	struct rows r = { 0 };
	char label[80];
	int ret = 0;

	for (i = 0; i < LOG_BUCKETS; i++) {
		if (h->neg[i] && i > lo_neg)
			lo_neg = i;
		if (h->pos[i]) {
			hi_pos = i;
			if (i < lo_pos)
				lo_pos = i;
		}
	}
	/* negatives first, most negative first: (-2^k, -2^(k-1)] */
	for (i = lo_neg; i >= 1 && !ret; i--) {
		unsigned long long a = 1ULL << (i - 1);

		if (i == 64)
			snprintf(label, sizeof(label), "[-2^63]");
		else if (i == 1)
			snprintf(label, sizeof(label), "[-1]");
		else
			snprintf(label, sizeof(label), "(-%llu, -%llu]", a * 2, a);
		ret = row_add(&r, h->neg[i], false, 0, 0, label);
	}
	if (lo_neg >= 1)
		lo_pos = 0;
	for (i = lo_pos; i <= hi_pos && !ret; i++) {
		long long lo = i ? (long long)(1ULL << (i - 1)) : 0, hi = i < 63 ? 1LL << i : 0;

		if (i == 0)
			snprintf(label, sizeof(label), "[0]");
		else if (i == 1)
			snprintf(label, sizeof(label), "[1]");
		else if (i >= 63)
			snprintf(label, sizeof(label), "[2^%d, 2^%d)", i - 1, i);
		else
			snprintf(label, sizeof(label), "[%lld, %lld)", lo, hi);
		ret = row_add(&r, h->pos[i], i >= 1 && i < 63, lo, hi, label);
	}
	if (!ret)
		print_rows(out, &r, h->count);
	free(r.v);
	return ret;
}

static int print_linear(FILE *out, const struct hist *h, unsigned long long step)
{
	struct rows r = { 0 };
	char label[80];
	int ret = 0;
	size_t i;

	for (i = 0; i < h->lin_n && !ret; i++) {
		long long a = (h->lin_lo + (long long)i) * (long long)step;

		snprintf(label, sizeof(label), "[%lld, %lld)", a, a + (long long)step);
		ret = row_add(&r, h->lin[i], true, a, a + (long long)step, label);
	}
	if (!ret)
		print_rows(out, &r, h->count);
	free(r.v);
	return ret;
}

static const char *spec_text(const struct ftx_hist_spec *sp, char *buf, size_t len)
{
	switch (sp->kind) {
	case FTX_HIST_FIELD:
		snprintf(buf, len, "%s%s%s.%s", sp->system, *sp->system ? ":" : "", sp->event,
			 sp->field);
		break;
	case FTX_HIST_DURATION:
		snprintf(buf, len, "duration of %s (ns)", sp->event);
		break;
	case FTX_HIST_LATENCY:
		snprintf(buf, len, "latency %s%s%s.%s -> %s%s%s.%s (ns)", sp->system,
			 *sp->system ? ":" : "", sp->event, sp->key, sp->system2,
			 *sp->system2 ? ":" : "", sp->event2, sp->key2);
		break;
	}
	return buf;
}

static int print_all(struct hrun *r, FILE *out, unsigned long long *counted)
{
	struct hist **v, *h;
	unsigned long long all = 0;
	char buf[1024];
	size_t n = 0, i, j;

	for (h = r->hists; h; h = h->next)
		n++;
	v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return -1;
	for (h = r->hists, i = 0; h; h = h->next)
		v[i++] = h;
	/* tasks in pid order (insertion sort: few tasks) */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1]->pid > v[j]->pid; j--) {
			h = v[j];
			v[j] = v[j - 1];
			v[j - 1] = h;
		}
	fprintf(out, "# %s: histogram of %s, %s\n", ftx_analysis_describe(r->td, r->o->input),
		spec_text(&r->h->spec, buf, sizeof(buf)), r->h->step ? "linear" : "log2");
	for (i = 0; i < n; i++) {
		h = v[i];
		all += h->count;
		if (h->pid >= 0)
			fprintf(out, "\n# task %s\n", ftx_analysis_name(r->tep, FTX_CNODE_TASK,
									 (unsigned int)h->pid, buf,
									 sizeof(buf)));
		fprintf(out, "# %llu values, min %lld%s, max %lld%s, avg %.3Lf%s\n", h->count,
			h->min, r->unit, h->max, r->unit, h->sum / h->count, r->unit);
		fprintf(out, " %-28s %10s %8s  %s\n", "value", "count", "percent", "distribution");
		if (r->h->step ? print_linear(out, h, r->h->step) : print_log2(out, h)) {
			free(v);
			return -1;
		}
	}
	if (!n)
		fprintf(out, "# no values\n");
	if (r->unmatched)
		fprintf(out, "# %llu %s events without a %s before them (not counted)\n",
			r->unmatched, r->h->spec.event2, r->h->spec.event);
	if (r->restarted)
		fprintf(out, "# %llu %s events came again before their %s: the later one counts\n",
			r->restarted, r->h->spec.event, r->h->spec.event2);
	if (r->dropped)
		fprintf(out, "# %llu %s events without their %s (cut by the end or by lost events)\n",
			r->dropped, r->h->spec.event, r->h->spec.event2);
	if (r->lost)
		fprintf(out, "# %llu events lost: values are missing from these counts\n", r->lost);
	free(v);
	if (counted)
		*counted = all;
	return ftx_analysis_flush(out);
}

int ftx_hist_run(const struct ftx_analysis_opts *o, const struct ftx_hist_opts *ho, FILE *out,
		 unsigned long long *counted)
{
	struct hrun *r = calloc(1, sizeof(*r));
	struct tep_record *rec;
	struct hist *h, *next;
	int ret = -1;

	if (!r)
		return -1;
	r->o = o;
	r->h = ho;
	r->ev2_id = -1;
	r->td = ftx_analysis_open(o);
	if (!r->td)
		goto out;
	r->tep = ftx_tracedat_tep(r->td);
	if (setup(r))
		goto out;
	ftx_recfmt_init(&r->rf, r->tep);
	r->p_field = ftx_fieldpos_of(r->field);
	r->p_key = ftx_fieldpos_of(r->key);
	r->p_key2 = ftx_fieldpos_of(r->key2);
	r->p_func = ftx_fieldpos_of(r->ex_func);
	r->p_calltime = ftx_fieldpos_of(r->ex_calltime);
	r->p_rettime = ftx_fieldpos_of(r->ex_rettime);
	/* a value or two per record: the reader thread would cost more than it saves */
	if (ftx_analysis_read_start(&r->rd, r->td, false))
		goto out;
	while ((ret = ftx_analysis_next(&r->rd, &rec)) == 1) {
		int type, pid;

		if (!ftx_analysis_wanted(o, r->tep, rec))
			continue;
		if (rec->missed_events) {
			r->lost += rec->missed_events > 0 ? rec->missed_events : 1;
			/* a start before the loss may pair with the wrong end */
			drop_starts(r);
		}
		type = ftx_recfmt_type(&r->rf, rec->data);
		if (type != r->ev_id && type != r->ev2_id)
			continue;
		pid = ftx_recfmt_pid(&r->rf, rec->data);
		switch (ho->spec.kind) {
		case FTX_HIST_FIELD:
			ret = add_value(r, pid, signed_value(r->field, num(r, r->p_field, rec->data),
							     r->is_signed), true);
			break;
		case FTX_HIST_DURATION: {
			unsigned long long c = num(r, r->p_calltime, rec->data);
			unsigned long long t = num(r, r->p_rettime, rec->data);

			ret = 0;
			if (func_matches(r, num(r, r->p_func, rec->data)))
				ret = add_value(r, pid, (long long)(t > c ? t - c : 0), false);
			break;
		}
		case FTX_HIST_LATENCY:
			ret = on_latency(r, rec, type, pid);
			break;
		}
		if (ret)
			goto out;
	}
	ftx_analysis_read_stop(&r->rd);
	if (ret < 0)
		goto out;
	drop_starts(r);
	ret = print_all(r, out, counted);
out:
	ftx_analysis_read_stop(&r->rd);
	for (h = r->hists; h; h = next) {
		next = h->next;
		free(h->lin);
		free(h);
	}
	drop_starts(r);
	ftx_tracedat_close(r->td);
	free(r);
	return ret;
}
