// SPDX-License-Identifier: GPL-2.0
/*
 * ftx stat's output: perf stat 6.1's text, CSV (-x) and JSON (-j) layouts,
 * field for field, and the derived metrics it prints after '#'. Pure: counts
 * in, text out. Where perf 6.1 prints the last run of -r N as if it were
 * the mean, ftx prints the mean (the layout is the same).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <linux/perf_event.h>

#include "ftx/stat.h"

#define METRIC_LEN	35

void ftx_stat_runs_add(struct ftx_stat_runs *r, double v)
{
	double delta;

	r->n++;
	delta = v - r->mean;
	r->mean += delta / r->n;
	r->m2 += delta * (v - r->mean);
}

double ftx_stat_runs_stddev(const struct ftx_stat_runs *r)
{
	if (r->n < 2)
		return 0.0;
	return sqrt(r->m2 / (r->n - 1) / r->n);
}

double ftx_stat_scale(const struct ftx_stat_count *c, bool *ok)
{
	*ok = c->run && c->ena;
	if (!*ok)
		return 0;
	if (c->run < c->ena)
		return (double)(uint64_t)((double)c->val * c->ena / c->run);
	return (double)c->val;
}

static double ev_scale(const struct ftx_pmc_event *ev)
{
	return ev->scale ? ev->scale : 1.0;
}

/* The counter's value in slot @s, scaled for multiplexing, averaged over runs (not * scale). */
static double raw_value(const struct ftx_stat_result *r, int i, int s, bool *ok)
{
	const struct ftx_stat_counter *c = &r->counters[i];
	double v;

	if (!c->supported) {
		*ok = false;
		return 0;
	}
	v = ftx_stat_scale(&c->counts[s], ok);
	return r->run_count > 1 ? v / r->run_count : v;
}

static int ev_ctx(const struct ftx_pmc_event *ev)
{
	return ev->exclude_user | ev->exclude_kernel << 1 | ev->exclude_hv << 2;
}

/*
 * The value of the first counter of @kind in slot @s counted in the same
 * modes and on the same core PMU as counter @i (perf: a "shadow" stat). The
 * clocks match whatever the modes, as in perf. Returns false if there is none.
 */
static bool base(const struct ftx_stat_result *r, int i, int s, enum ftx_pmc_kind kind,
		 double *val)
{
	const struct ftx_pmc_event *me = r->counters[i].ev;
	int j;

	for (j = 0; j < r->nr_counters; j++) {
		const struct ftx_pmc_event *ev = r->counters[j].ev;
		bool ok;

		if (ev->kind != kind || !r->counters[j].supported)
			continue;
		if (kind != FTX_PMC_KIND_CLOCK &&
		    (ev_ctx(ev) != ev_ctx(me) || strcmp(ev->pmu, me->pmu)))
			continue;
		*val = raw_value(r, j, s, &ok);
		if (kind != FTX_PMC_KIND_CLOCK)
			*val *= ev_scale(ev);
		return true;
	}
	return false;
}

struct metric {
	const char *fmt, *unit;
	double val;
};

static const struct {
	enum ftx_pmc_kind kind, base;
	const char *unit;
} miss_ratios[] = {
	{ FTX_PMC_KIND_BRANCH_MISSES,	FTX_PMC_KIND_BRANCHES,	"of all branches" },
	{ FTX_PMC_KIND_L1D_MISSES,	FTX_PMC_KIND_L1D,	"of all L1-dcache accesses" },
	{ FTX_PMC_KIND_L1I_MISSES,	FTX_PMC_KIND_L1I,	"of all L1-icache accesses" },
	{ FTX_PMC_KIND_DTLB_MISSES,	FTX_PMC_KIND_DTLB,	"of all dTLB cache accesses" },
	{ FTX_PMC_KIND_ITLB_MISSES,	FTX_PMC_KIND_ITLB,	"of all iTLB cache accesses" },
	{ FTX_PMC_KIND_LL_MISSES,	FTX_PMC_KIND_LL,	"of all LL-cache accesses" },
};

/* perf's metrics for counter @i in slot @s: 0, 1 or 2 of them into @m; -1: none at all */
static int metrics(const struct ftx_stat_result *r, int i, int s, double avg, struct metric *m)
{
	const struct ftx_pmc_event *ev = r->counters[i].ev;
	double total = 0, t2;
	size_t k;

	memset(m, 0, 2 * sizeof(*m));
	switch (ev->kind) {
	case FTX_PMC_KIND_INSTRUCTIONS:
		m[0].unit = "insn per cycle";
		if (base(r, i, s, FTX_PMC_KIND_CYCLES, &total) && total) {
			m[0].fmt = "%7.2f ";
			m[0].val = avg / total;
		}
		total = 0;
		base(r, i, s, FTX_PMC_KIND_STALLED_FE, &total);
		t2 = 0;
		if (base(r, i, s, FTX_PMC_KIND_STALLED_BE, &t2) && t2 > total)
			total = t2;
		if (total && avg) {
			m[1].fmt = "%7.2f ";
			m[1].unit = "stalled cycles per insn";
			m[1].val = total / avg;
			return 2;
		}
		return 1;
	case FTX_PMC_KIND_CACHE_MISSES:
		m[0].unit = "of all cache refs";
		if (base(r, i, s, FTX_PMC_KIND_CACHE_REFS, &total)) {
			m[0].fmt = "%8.3f %%";
			m[0].val = total ? avg * 100 / total : 0;
		}
		return 1;
	case FTX_PMC_KIND_STALLED_FE:
		m[0].unit = "frontend cycles idle";
		if (base(r, i, s, FTX_PMC_KIND_CYCLES, &total) && total && avg / total) {
			m[0].fmt = "%7.2f%%";
			m[0].val = avg / total * 100.0;
		}
		return 1;
	case FTX_PMC_KIND_STALLED_BE:
		m[0].unit = "backend cycles idle";
		m[0].fmt = "%7.2f%%";
		if (base(r, i, s, FTX_PMC_KIND_CYCLES, &total) && total)
			m[0].val = avg / total * 100.0;
		return 1;
	case FTX_PMC_KIND_CYCLES:
		if (base(r, i, s, FTX_PMC_KIND_CLOCK, &total) && total) {
			m[0].fmt = "%8.3f";
			m[0].unit = "GHz";
			m[0].val = avg / total;
		} else {
			m[0].unit = "Ghz";	/* sic: perf 6.1 */
		}
		return 1;
	case FTX_PMC_KIND_CLOCK:
		m[0].unit = "CPUs utilized";
		if (r->wall.mean) {
			m[0].fmt = "%8.3f";
			m[0].val = avg / (r->wall.mean * ev_scale(ev));
		}
		return 1;
	default:
		break;
	}
	for (k = 0; k < sizeof(miss_ratios) / sizeof(miss_ratios[0]); k++) {
		if (ev->kind != miss_ratios[k].kind)
			continue;
		m[0].unit = miss_ratios[k].unit;
		if (base(r, i, s, miss_ratios[k].base, &total)) {
			m[0].fmt = "%7.2f%%";
			m[0].val = total ? avg / total * 100.0 : 0;
		}
		return 1;
	}
	if (base(r, i, s, FTX_PMC_KIND_CLOCK, &total)) {
		static const char *const units[] = { "/sec", "K/sec", "M/sec", "G/sec" };
		double v = total ? 1e9 * avg / total : 0;
		int u = 0;

		while (v > 1000.0 && u < 3) {
			v /= 1000.0;
			u++;
		}
		m[0].fmt = "%8.3f";
		m[0].unit = units[u];
		m[0].val = v;
		return 1;
	}
	return -1;
}

int ftx_stat_metric(const struct ftx_stat_result *r, int i, int s, double *val,
		    const char **unit, const char **fmt)
{
	struct metric m[2];
	bool ok;
	double avg = raw_value(r, i, s, &ok) * ev_scale(r->counters[i].ev);
	int n = metrics(r, i, s, avg, m);

	if (n < 0)
		return -1;
	*val = m[0].val;
	*unit = m[0].unit;
	*fmt = m[0].fmt;
	return m[0].fmt ? 1 : 0;
}

/* Printing state for one line */
struct pr {
	const struct ftx_stat_result *r;
	FILE *out;
	enum ftx_stat_style style;
	const char *sep;
	char prefix[64];
	int unit_width;
};

static void aggr_id(struct pr *p, int s)
{
	const struct ftx_stat_slot *sl = &p->r->slots[s];
	bool csv = p->style == FTX_STAT_CSV;

	if (p->style == FTX_STAT_JSON && !p->r->interval)
		fputc('{', p->out);
	switch (p->r->aggr) {
	case FTX_STAT_AGGR_CORE:
		if (p->style == FTX_STAT_JSON)
			fprintf(p->out, "\"core\" : \"S%d-D%d-C%d\", \"aggregate-number\" : %d, ",
				sl->socket, sl->die, sl->core, sl->nr);
		else
			fprintf(p->out, "S%d-D%d-C%*d%s%*d%s", sl->socket, sl->die,
				csv ? 0 : -8, sl->core, p->sep, csv ? 0 : 4, sl->nr, p->sep);
		break;
	case FTX_STAT_AGGR_NONE:
		if (sl->cpu < 0)
			break;
		if (p->style == FTX_STAT_JSON)
			fprintf(p->out, "\"cpu\" : \"%d\", ", sl->cpu);
		else
			fprintf(p->out, "CPU%*d%s", csv ? 0 : -7, sl->cpu, p->sep);
		break;
	default:
		break;
	}
}

static void new_line(struct pr *p, int s)
{
	int i;

	fputc('\n', p->out);
	fputs(p->prefix, p->out);
	aggr_id(p, s);
	if (p->style == FTX_STAT_TEXT) {
		if (p->r->aggr == FTX_STAT_AGGR_NONE)
			fputs("        ", p->out);
		fprintf(p->out, "%49s", "");
	} else if (p->style == FTX_STAT_CSV) {
		static const int aggr_fields[] = { 0, 1, 2 };

		for (i = 0; i < 3 + aggr_fields[p->r->aggr]; i++)
			fputs(p->sep, p->out);
	}
}

static void metric(struct pr *p, const char *fmt, const char *unit, double val)
{
	char buf[64], *v, *e;
	int n;

	switch (p->style) {
	case FTX_STAT_TEXT:
		if (!fmt || !unit) {
			fprintf(p->out, "%-*s", METRIC_LEN, "");
			return;
		}
		n = fprintf(p->out, " # ");
		n += fprintf(p->out, fmt, val);
		fprintf(p->out, " %-*s", METRIC_LEN - n - 1, unit);
		break;
	case FTX_STAT_CSV:
		if (!fmt || !unit) {
			fprintf(p->out, "%s%s", p->sep, p->sep);
			return;
		}
		snprintf(buf, sizeof(buf), fmt, val);
		for (v = buf; *v == ' '; v++)
			;
		for (e = v; (*e >= '0' && *e <= '9') || *e == '.'; e++)
			;
		*e = '\0';
		while (*unit == ' ')
			unit++;
		fprintf(p->out, "%s%s%s%s", p->sep, v, p->sep, unit);
		break;
	case FTX_STAT_JSON:
		fprintf(p->out, "\"metric-value\" : %f, \"metric-unit\" : \"%s\"}", val,
			unit ? unit : "(null)");
		break;
	}
}

static void noise(struct pr *p, double sd, double avg)
{
	double pct = avg ? 100.0 * sd / avg : 0.0;

	if (p->style == FTX_STAT_JSON)
		fprintf(p->out, "\"variance\" : %.2f, ", pct);
	else if (p->style == FTX_STAT_CSV)
		fprintf(p->out, "%s%.2f%%", p->sep, pct);
	else if (pct)
		fprintf(p->out, "  ( +-%6.2f%% )", pct);
}

static void counter_noise(struct pr *p, int i, double avg)
{
	if (p->r->run_count > 1)
		noise(p, ftx_stat_runs_stddev(&p->r->counters[i].runs), avg);
}

static void running(struct pr *p, uint64_t run, uint64_t ena)
{
	/* perf 6.1 computes the CSV/JSON percentage in integers */
	double pct = run != ena && ena ? (double)(100 * run / ena) : 100;

	if (p->style == FTX_STAT_JSON)
		fprintf(p->out, "\"event-runtime\" : %llu, \"pcnt-running\" : %.2f, ",
			(unsigned long long)run, pct);
	else if (p->style == FTX_STAT_CSV)
		fprintf(p->out, "%s%llu%s%.2f", p->sep, (unsigned long long)run, p->sep, pct);
	else if (run != ena)
		fprintf(p->out, "  (%.2f%%)", 100.0 * run / ena);
}

static void print_line(struct pr *p, int i, int s)
{
	const struct ftx_stat_counter *c = &p->r->counters[i];
	const struct ftx_pmc_event *ev = c->ev;
	bool csv = p->style == FTX_STAT_CSV, json = p->style == FTX_STAT_JSON;
	uint64_t run = c->supported ? c->counts[s].run : 0;
	uint64_t ena = c->supported ? c->counts[s].ena : 0;
	double sc = ev_scale(ev), avg;
	struct metric m[2];
	bool ok;
	int n;

	fputs(p->prefix, p->out);
	avg = raw_value(p->r, i, s, &ok) * sc;
	if (!ok) {
		const char *what = c->supported ? "<not counted>" : "<not supported>";

		aggr_id(p, s);
		if (json)
			fprintf(p->out, "\"counter-value\" : \"%s\", \"unit\" : \"%s\", "
				"\"event\" : \"%s\", ", what, ev->unit, ev->name);
		else
			fprintf(p->out, "%*s%s%-*s%s%*s", csv ? 0 : 18, what, p->sep,
				csv ? 0 : p->unit_width, ev->unit, p->sep, csv ? 0 : -25,
				ev->name);
		if (!csv && !json)
			metric(p, NULL, NULL, 0);
		counter_noise(p, i, avg);
		running(p, run, ena);
		if (csv || json)
			metric(p, NULL, "", 0);
		fputc('\n', p->out);
		return;
	}
	aggr_id(p, s);
	if (json)
		fprintf(p->out, "\"counter-value\" : \"%f\", \"unit\" : \"%s\", \"event\" : \"%s\", ",
			avg, ev->unit, ev->name);
	else
		fprintf(p->out, floor(sc) != sc ? (csv ? "%.2f%s%-*s%s%-*s" : "%18.2f%s%-*s%s%-*s") :
			(csv ? "%.0f%s%-*s%s%-*s" : "%18.0f%s%-*s%s%-*s"), avg, p->sep,
			csv ? 0 : p->unit_width, ev->unit, p->sep, csv ? 0 : 32, ev->name);
	if (csv || json) {
		counter_noise(p, i, avg);
		running(p, run, ena);
	}
	n = metrics(p->r, i, s, avg, m);
	if (n < 0) {
		metric(p, NULL, NULL, 0);
	} else {
		metric(p, m[0].fmt, m[0].unit, m[0].val);
		if (n > 1) {
			new_line(p, s);
			metric(p, m[1].fmt, m[1].unit, m[1].val);
		}
	}
	if (!csv && !json) {
		counter_noise(p, i, avg);
		running(p, run, ena);
	}
	fputc('\n', p->out);
}

static void interval_header(struct pr *p)
{
	static const char *const head[] = {
		[FTX_STAT_AGGR_GLOBAL] = "#           time             counts",
		[FTX_STAT_AGGR_NONE] = "#           time CPU                    counts",
		[FTX_STAT_AGGR_CORE] = "#           time core            cpus             counts",
	};

	if (p->style != FTX_STAT_TEXT || p->r->interval_nr % 25)
		return;
	fprintf(p->out, "%s %*s events\n", head[p->r->aggr], p->unit_width, "unit");
}

static int precision(double num)
{
	if (num > 1)
		return 0;
	if (num <= 0)
		return 9;
	return (int)lround(ceil(-log10(num)));
}

static void footer(struct pr *p)
{
	const struct ftx_stat_result *r = p->r;
	double avg = r->wall.mean / 1e9;

	fputc('\n', p->out);
	if (r->run_count <= 1) {
		fprintf(p->out, " %17.9f seconds time elapsed", avg);
		if (r->show_rusage)
			fprintf(p->out, "\n\n %17.9f seconds user\n %17.9f seconds sys\n",
				r->user_s, r->sys_s);
	} else {
		double sd = ftx_stat_runs_stddev(&r->wall) / 1e9;
		int prec = precision(sd) + 2;

		fprintf(p->out, " %17.*f +- %.*f seconds time elapsed", prec, avg, prec, sd);
		noise(p, sd, avg);
	}
	fputs("\n\n", p->out);
}

int ftx_stat_print(const struct ftx_stat_result *r, const struct ftx_stat_style_opts *o,
		   FILE *out)
{
	struct pr p = { .r = r, .out = out, .style = o->style, .unit_width = 4 };
	int i, s;

	p.sep = o->style == FTX_STAT_CSV ? (o->sep ? o->sep : ",") : " ";
	for (i = 0; i < r->nr_counters; i++) {
		int l = strlen(r->counters[i].ev->unit);

		if (r->counters[i].supported && l > p.unit_width)
			p.unit_width = l;
	}
	if (r->interval) {
		if (o->style == FTX_STAT_JSON)
			snprintf(p.prefix, sizeof(p.prefix), "{\"interval\" : %lu.%09lu, ",
				 (unsigned long)r->ts.tv_sec, (unsigned long)r->ts.tv_nsec);
		else
			snprintf(p.prefix, sizeof(p.prefix), "%6lu.%09lu%s",
				 (unsigned long)r->ts.tv_sec, (unsigned long)r->ts.tv_nsec, p.sep);
		interval_header(&p);
	} else if (o->style == FTX_STAT_TEXT) {
		fprintf(out, "\n Performance counter stats for %s", r->target ? r->target : "");
		if (r->run_count > 1)
			fprintf(out, " (%d runs)", r->run_count);
		fputs(":\n\n", out);
	}
	switch (r->aggr) {
	case FTX_STAT_AGGR_CORE:
		for (s = 0; s < r->nr_slots; s++)
			for (i = 0; i < r->nr_counters; i++)
				print_line(&p, i, s);
		break;
	default:
		for (i = 0; i < r->nr_counters; i++)
			for (s = 0; s < r->nr_slots; s++)
				print_line(&p, i, s);
		break;
	}
	if (!r->interval && o->style == FTX_STAT_TEXT)
		footer(&p);
	if (fflush(out) != 0 || ferror(out)) {
		if (!errno)
			errno = EIO;
		return -1;
	}
	return 0;
}
