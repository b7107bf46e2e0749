// SPDX-License-Identifier: GPL-2.0
/*
 * stat: the event parser on a fixture sysfs (a big.LITTLE pair of core PMUs,
 * an uncore PMU with .unit/.scale, a tracepoint), the metrics, and the
 * output formatter on canned counts against perf stat 6.1's own output
 * (tests/fixtures/stat, made by its gen.sh with perf -v, which also writes
 * the raw counts perf read into the same file). Where the file gives every
 * input (counts, elapsed time in ns, user/sys in us) the comparison is byte
 * for byte; where perf does not print its wall time (CSV/JSON, -r) numbers
 * are normalized and the rest must match.
 */
#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftx/error.h"
#include "ftx/pmc-sampler.h"
#include "ftx/pmc.h"
#include "ftx/stat.h"
#include "ftx/util.h"

static const struct ftx_pmc_env fix_env = {
	.pmu_dir = "fixtures/pmu/biglittle",
	.tracefs = "fixtures/pmu/tracefs",
	.nr_cpus = 6,
};

static const struct ftx_pmc_env no_pmu = { .pmu_dir = "/nonexistent" };

static int parse(const char *spec, const struct ftx_pmc_env *env, struct ftx_pmc_event **evs)
{
	int nr = 0;

	*evs = NULL;
	if (ftx_pmc_events_parse(spec, env, evs, &nr) < 0) {
		free(*evs);	/* the caller's on failure too */
		*evs = NULL;
		return -1;
	}
	return nr;
}

START_TEST(test_parse_generic)
{
	struct ftx_pmc_event *e;

	ck_assert_int_eq(parse("cycles,instructions,task-clock", &no_pmu, &e), 3);
	ck_assert_uint_eq(e[0].type, PERF_TYPE_HARDWARE);
	ck_assert_uint_eq(e[0].config, PERF_COUNT_HW_CPU_CYCLES);
	ck_assert_int_eq(e[0].kind, FTX_PMC_KIND_CYCLES);
	ck_assert_int_eq(e[0].group, -1);
	ck_assert_str_eq(e[2].unit, "msec");
	ck_assert(e[2].scale == 1e-6);
	ck_assert_int_eq(e[2].kind, FTX_PMC_KIND_CLOCK);
	free(e);
	ck_assert_int_eq(parse("L1-dcache-load-misses,LLC-loads,dTLB-store-misses,r1a8", &no_pmu,
			       &e), 4);
	ck_assert_uint_eq(e[0].type, PERF_TYPE_HW_CACHE);
	ck_assert_uint_eq(e[0].config, PERF_COUNT_HW_CACHE_L1D |
			  PERF_COUNT_HW_CACHE_OP_READ << 8 | PERF_COUNT_HW_CACHE_RESULT_MISS << 16);
	ck_assert_int_eq(e[0].kind, FTX_PMC_KIND_L1D_MISSES);
	ck_assert_uint_eq(e[1].config, PERF_COUNT_HW_CACHE_LL);
	ck_assert_int_eq(e[1].kind, FTX_PMC_KIND_LL);
	ck_assert_uint_eq(e[2].config, PERF_COUNT_HW_CACHE_DTLB |
			  PERF_COUNT_HW_CACHE_OP_WRITE << 8 | PERF_COUNT_HW_CACHE_RESULT_MISS << 16);
	ck_assert_int_eq(e[2].kind, FTX_PMC_KIND_OTHER);
	ck_assert_uint_eq(e[3].type, PERF_TYPE_RAW);
	ck_assert_uint_eq(e[3].config, 0x1a8);
	free(e);
	/* modifiers and groups */
	ck_assert_int_eq(parse("cycles:u,{instructions,branches}:k,page-faults", &no_pmu, &e), 4);
	ck_assert_str_eq(e[0].name, "cycles:u");
	ck_assert(e[0].exclude_kernel && e[0].exclude_hv && !e[0].exclude_user);
	ck_assert_str_eq(e[1].name, "instructions:k");
	ck_assert(e[1].exclude_user && !e[1].exclude_kernel);
	ck_assert_int_eq(e[1].group, 0);
	ck_assert(e[1].leader);
	ck_assert_int_eq(e[2].group, 0);
	ck_assert(!e[2].leader);
	ck_assert_int_eq(e[3].group, -1);
	free(e);
	ck_assert_int_eq(parse("{cycles,instructions},{branches,branch-misses}", &no_pmu, &e), 4);
	ck_assert_int_eq(e[2].group, 1);
	ck_assert(e[2].leader);
	free(e);
	e = NULL;
	ck_assert_int_eq(ftx_pmc_events_default(false, &no_pmu, &e, &(int){ 0 }), 0);
	ck_assert_str_eq(e[0].name, "task-clock");
	ck_assert_str_eq(e[7].name, "branch-misses");
	free(e);
}
END_TEST

START_TEST(test_parse_errors)
{
	struct ftx_pmc_event *e;

	ck_assert_int_eq(parse("instructons", &no_pmu, &e), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(ftx_error(), "unknown event 'instructons' (did you mean 'instructions'?)");
	ck_assert_int_eq(parse("cycles,brances", &no_pmu, &e), -1);
	ck_assert_str_eq(ftx_error(),
			 "unknown event 'brances' (did you mean 'branches'?)");
	ck_assert_int_eq(parse("cpu_cyles", &fix_env, &e), -1);
	ck_assert_str_eq(ftx_error(), "unknown event 'cpu_cyles' (did you mean 'cpu_cycles' or 'cpu-cycles'?)");
	ck_assert_int_eq(parse("cycles:x", &no_pmu, &e), -1);
	ck_assert_int_eq(parse("cycles:p", &no_pmu, &e), -1);
	ck_assert_str_eq(ftx_error(), "cycles:p: unsupported modifier 'p' (ftx knows u, k, h)");
	ck_assert_int_eq(parse("{cycles,instructions", &no_pmu, &e), -1);
	ck_assert_int_eq(parse("nopmu/event=1/", &fix_env, &e), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(parse("armv8_cortex_a53/umask=1/", &fix_env, &e), -1);
	ck_assert(strstr(ftx_error(), "no format or event 'umask'"));
	ck_assert_int_eq(parse("armv8_cortex_a53/event=zz/", &fix_env, &e), -1);
	ck_assert_int_eq(parse("sched:nope", &fix_env, &e), -1);
	ck_assert_str_eq(ftx_error(), "unknown tracepoint 'sched:nope'");
	ck_assert_int_eq(parse("", &no_pmu, &e), -1);
	ck_assert_int_eq(parse("cycles,,instructions", &no_pmu, &e), -1);
	/* the single-name parser of ftx check */
	ck_assert_int_eq(ftx_pmc_event_parse("cs", &(struct ftx_pmc_event){ 0 }), 0);
}
END_TEST

START_TEST(test_parse_sysfs)
{
	struct ftx_pmc_event *e;

	ck_assert_int_eq(parse("armv8_cortex_a53/cpu_cycles/,armv8_cortex_a72/event=0x8,long/:u",
			       &fix_env, &e), 2);
	ck_assert_str_eq(e[0].name, "armv8_cortex_a53/cpu_cycles/");
	ck_assert_uint_eq(e[0].type, 8);
	ck_assert_uint_eq(e[0].config, 0x11);
	ck_assert_str_eq(e[0].cpus, "0-3");
	ck_assert_str_eq(e[1].name, "armv8_cortex_a72/event=0x8,long/:u");
	ck_assert_uint_eq(e[1].type, 9);
	ck_assert_uint_eq(e[1].config, 8);
	ck_assert_uint_eq(e[1].config1, 1);
	ck_assert(e[1].exclude_kernel);
	ck_assert_str_eq(e[1].cpus, "4-5");
	free(e);
	ck_assert_int_eq(parse("armv8_cortex_a53/config=0x1234,config1=7/", &fix_env, &e), 1);
	ck_assert_uint_eq(e[0].config, 0x1234);
	ck_assert_uint_eq(e[0].config1, 7);
	free(e);
	/* an uncore PMU: its cpumask, its unit and scale */
	ck_assert_int_eq(parse("power/energy-pkg/", &fix_env, &e), 1);
	ck_assert_uint_eq(e[0].type, 20);
	ck_assert_uint_eq(e[0].config, 2);
	ck_assert_str_eq(e[0].unit, "Joules");
	ck_assert(e[0].scale > 2.3e-10 && e[0].scale < 2.4e-10);
	ck_assert_str_eq(e[0].cpus, "0");
	free(e);
	/* a bare alias on two PMUs: one counter each, named by PMU */
	ck_assert_int_eq(parse("inst_retired", &fix_env, &e), 2);
	ck_assert_str_eq(e[0].name, "armv8_cortex_a53/inst_retired/");
	ck_assert_str_eq(e[1].name, "armv8_cortex_a72/inst_retired/");
	ck_assert_uint_eq(e[1].config, 8);
	free(e);
	ck_assert_int_eq(parse("sched:sched_switch", &fix_env, &e), 1);
	ck_assert_uint_eq(e[0].type, PERF_TYPE_TRACEPOINT);
	ck_assert_uint_eq(e[0].config, 372);
	ck_assert_str_eq(e[0].name, "sched:sched_switch");
	free(e);
}
END_TEST

/* big.LITTLE: a generic event per core PMU, never one silently standing for all */
START_TEST(test_parse_hybrid)
{
	char names[4][32];
	struct ftx_pmc_event *e;

	ck_assert_int_eq(ftx_pmc_core_pmus(&fix_env, names, 4), 2);
	ck_assert_str_eq(names[0], "armv8_cortex_a53");
	ck_assert_int_eq(parse("cycles,task-clock,{instructions,branches}", &fix_env, &e), 7);
	ck_assert_str_eq(e[0].name, "armv8_cortex_a53/cycles/");
	ck_assert_str_eq(e[0].pmu, "armv8_cortex_a53");
	ck_assert_str_eq(e[0].cpus, "0-3");
	ck_assert_uint_eq(e[0].ext_type, 8);
	ck_assert_uint_eq(e[0].config, PERF_COUNT_HW_CPU_CYCLES);
	ck_assert_str_eq(e[1].name, "armv8_cortex_a72/cycles/");
	ck_assert_str_eq(e[1].cpus, "4-5");
	ck_assert_str_eq(e[2].name, "task-clock");
	ck_assert_str_eq(e[2].cpus, "");
	/* the group splits per PMU: a53's pair and a72's pair */
	ck_assert_str_eq(e[3].name, "armv8_cortex_a53/instructions/");
	ck_assert_str_eq(e[5].name, "armv8_cortex_a53/branches/");
	ck_assert_int_eq(e[3].group, e[5].group);
	ck_assert_int_eq(e[4].group, e[6].group);
	ck_assert_int_ne(e[3].group, e[4].group);
	ck_assert(e[3].leader && e[4].leader && !e[5].leader && !e[6].leader);
	free(e);
	/* a PMU covering every CPU is not hybrid */
	ck_assert_int_eq(ftx_pmc_core_pmus(&(struct ftx_pmc_env){ .pmu_dir = fix_env.pmu_dir,
							       .nr_cpus = 4 }, names, 4), 1);
	ck_assert(ftx_pmc_have_hw_pmu(&fix_env));
	ck_assert(!ftx_pmc_have_hw_pmu(&no_pmu));
}
END_TEST

/* the armv8_pmuv3 of the test bed's arm64 guest (qemu 7.2 -cpu max -icount), as sysfs showed it */
START_TEST(test_parse_arm64)
{
	const struct ftx_pmc_env arm = { .pmu_dir = "fixtures/pmu/arm64-6.1", .nr_cpus = 2 };
	char names[4][32];
	struct ftx_pmc_event *e;

	ck_assert_int_eq(ftx_pmc_core_pmus(&arm, names, 4), 0);	/* one PMU on every CPU */
	ck_assert(ftx_pmc_have_hw_pmu(&arm));
	ck_assert_int_eq(parse("cycles,armv8_pmuv3/cpu_cycles/,inst_retired:u,stall_frontend,"
			       "armv8_pmuv3/event=0x8,long/", &arm, &e), 5);
	ck_assert_str_eq(e[0].name, "cycles");
	ck_assert_str_eq(e[0].cpus, "");
	ck_assert_uint_eq(e[1].type, 8);
	ck_assert_uint_eq(e[1].config, 0x11);
	ck_assert_str_eq(e[1].cpus, "");
	ck_assert_str_eq(e[2].name, "inst_retired:u");
	ck_assert_uint_eq(e[2].config, 0x8);
	ck_assert(e[2].exclude_kernel);
	ck_assert_uint_eq(e[3].config, 0x23);
	ck_assert_uint_eq(e[4].config, 0x8);
	ck_assert_uint_eq(e[4].config1, 1);
	free(e);
}
END_TEST

START_TEST(test_explain_perm)
{
	struct ftx_pmc_event ev;
	char buf[256];

	ck_assert_int_eq(ftx_pmc_event_parse("cycles", &ev), 0);
	ftx_pmc_explain_perm(&ev, 3, false, buf, sizeof(buf));
	ck_assert_str_eq(buf, "cycles: not permitted: kernel.perf_event_paranoid=3 allows users no "
			 "perf events at all; this needs 1 or lower (sysctl "
			 "kernel.perf_event_paranoid=1), or root (exempt)");
	ftx_pmc_explain_perm(&ev, 2, true, buf, sizeof(buf));
	ck_assert(strstr(buf, "=2; this needs 0 or lower"));
}
END_TEST

START_TEST(test_pmc_spec)
{
	char a[] = "cycles,instructions@20", b[] = "cycles", c[] = "cycles@x", d[] = "@5";
	unsigned int ms;

	ck_assert_int_eq(ftx_pmc_spec_parse(a, &ms), 0);
	ck_assert_str_eq(a, "cycles,instructions");
	ck_assert_uint_eq(ms, 20);
	ck_assert_int_eq(ftx_pmc_spec_parse(b, &ms), 0);
	ck_assert_uint_eq(ms, FTX_PMC_SAMPLER_DEFAULT_MS);
	ck_assert_int_eq(ftx_pmc_spec_parse(c, &ms), -1);
	ck_assert_int_eq(ftx_pmc_spec_parse(d, &ms), -1);
}
END_TEST

/* perf's metrics on canned hardware counts (this host has no PMU to record them) */
START_TEST(test_metrics)
{
	struct ftx_pmc_event *e = NULL;
	struct ftx_stat_count cnt[7] = {
		{ 1000000000, 1000, 1000 },		/* task-clock: 1 s */
		{ 2000000000, 1000, 500 },		/* cycles, multiplexed: 4e9 */
		{ 3000000000ull, 1000, 1000 },		/* instructions */
		{ 100000000, 1000, 1000 },		/* branches */
		{ 1000000, 1000, 1000 },		/* branch-misses */
		{ 0, 0, 0 },				/* cache-misses: never ran */
		{ 500, 1000, 1000 },			/* L1-dcache-load-misses */
	};
	struct ftx_stat_counter c[7];
	struct ftx_stat_slot slot = { .cpu = -1 };
	struct ftx_stat_result r = { .counters = c, .nr_counters = 7, .slots = &slot,
				     .nr_slots = 1, .run_count = 1, .target = "'x'" };
	struct ftx_stat_style_opts o = { FTX_STAT_TEXT, NULL };
	const char *unit, *fmt;
	char *buf = NULL;
	size_t len;
	double v;
	FILE *f;
	int i;

	ck_assert_int_eq(parse("task-clock,cycles,instructions,branches,branch-misses,"
			       "cache-misses,L1-dcache-load-misses", &no_pmu, &e), 7);
	for (i = 0; i < 7; i++) {
		c[i].ev = &e[i];
		c[i].supported = true;
		c[i].counts = &cnt[i];
	}
	ftx_stat_runs_add(&r.wall, 2e9);
	ck_assert_int_eq(ftx_stat_metric(&r, 0, 0, &v, &unit, &fmt), 1);
	ck_assert_str_eq(unit, "CPUs utilized");
	ck_assert(fabs(v - 0.5) < 1e-9);
	ck_assert_int_eq(ftx_stat_metric(&r, 1, 0, &v, &unit, &fmt), 1);
	ck_assert_str_eq(unit, "GHz");
	ck_assert(fabs(v - 4.0) < 1e-9);	/* scaled by ena/run */
	ck_assert_int_eq(ftx_stat_metric(&r, 2, 0, &v, &unit, &fmt), 1);
	ck_assert_str_eq(unit, "insn per cycle");
	ck_assert(fabs(v - 0.75) < 1e-9);
	ck_assert_int_eq(ftx_stat_metric(&r, 3, 0, &v, &unit, &fmt), 1);
	ck_assert_str_eq(unit, "M/sec");
	ck_assert(fabs(v - 100.0) < 1e-9);
	ck_assert_int_eq(ftx_stat_metric(&r, 4, 0, &v, &unit, &fmt), 1);
	ck_assert_str_eq(unit, "of all branches");
	ck_assert(fabs(v - 1.0) < 1e-9);
	/* no cache-references, no L1-dcache-loads: the metric's place stays blank */
	ck_assert_int_eq(ftx_stat_metric(&r, 5, 0, &v, &unit, &fmt), 0);
	ck_assert_str_eq(unit, "of all cache refs");
	ck_assert_int_eq(ftx_stat_metric(&r, 6, 0, &v, &unit, &fmt), 0);
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(ftx_stat_print(&r, &o, f), 0);
	fclose(f);
	ck_assert_msg(strstr(buf, "     4,000,000,000      cycles") == NULL, "no big-num grouping");
	ck_assert_msg(strstr(buf, "        4000000000      cycles                           #    "
			     "4.000 GHz                      (50.00%)\n"), "%s", buf);
	ck_assert_msg(strstr(buf, "        3000000000      instructions                     #    "
			     "0.75  insn per cycle         \n"), "%s", buf);
	ck_assert_msg(strstr(buf, "     <not counted>      cache-misses"), "%s", buf);
	free(buf);
	free(e);
}
END_TEST

/* --- the formatter against perf's files --- */

struct golden {
	const char *file;
	const char *events;
	enum ftx_stat_style style;
	const char *sep;
	enum ftx_stat_aggr aggr;
	int runs;
	int interval_ms;
	const char *target;
	bool exact;
};

static const struct golden goldens[] = {
	{ "text-tpc.txt", "task-clock,page-faults,cycles", FTX_STAT_TEXT, NULL, 0, 1, 0,
	  "'ls /'", true },
	{ "text-default.txt", NULL, FTX_STAT_TEXT, NULL, 0, 1, 0, "'ls /'", true },
	{ "csv-tpc.txt", "task-clock,page-faults,cycles", FTX_STAT_CSV, ",", 0, 1, 0, NULL, false },
	{ "csv-default.txt", NULL, FTX_STAT_CSV, ",", 0, 1, 0, NULL, false },
	{ "csv-semicolon.txt", "task-clock,page-faults,cycles", FTX_STAT_CSV, ";", 0, 1, 0, NULL,
	  false },
	{ "json-tpc.txt", "task-clock,page-faults,cycles", FTX_STAT_JSON, NULL, 0, 1, 0, NULL,
	  false },
	{ "json-default.txt", NULL, FTX_STAT_JSON, NULL, 0, 1, 0, NULL, false },
	{ "json-nometric.txt", "page-faults", FTX_STAT_JSON, NULL, 0, 1, 0, NULL, true },
	{ "csv-nometric.txt", "page-faults,context-switches", FTX_STAT_CSV, ",", 0, 1, 0, NULL,
	  true },
	{ "text-r3.txt", "task-clock,page-faults,cycles", FTX_STAT_TEXT, NULL, 0, 3, 0, "'ls /'",
	  false },
	{ "csv-r3.txt", "task-clock,page-faults,cycles", FTX_STAT_CSV, ",", 0, 3, 0, NULL, false },
	{ "json-r3.txt", "task-clock,page-faults,cycles", FTX_STAT_JSON, NULL, 0, 3, 0, NULL,
	  false },
	{ "text-interval.txt", "task-clock,page-faults,cycles", FTX_STAT_TEXT, NULL, 0, 1, 100,
	  NULL, true },
	{ "csv-interval.txt", "task-clock,page-faults,cycles", FTX_STAT_CSV, ",", 0, 1, 100, NULL,
	  true },
	{ "json-interval.txt", "task-clock,page-faults,cycles", FTX_STAT_JSON, NULL, 0, 1, 100,
	  NULL, true },
	{ "text-A.txt", "cpu-clock,page-faults", FTX_STAT_TEXT, NULL, FTX_STAT_AGGR_NONE, 1, 0,
	  "'system wide'", true },
	{ "csv-A.txt", "cpu-clock,page-faults", FTX_STAT_CSV, ",", FTX_STAT_AGGR_NONE, 1, 0, NULL,
	  false },
	{ "json-A.txt", "cpu-clock,page-faults", FTX_STAT_JSON, NULL, FTX_STAT_AGGR_NONE, 1, 0,
	  NULL, false },
	{ "text-per-core.txt", "cpu-clock,page-faults", FTX_STAT_TEXT, NULL, FTX_STAT_AGGR_CORE, 1,
	  0, "'system wide'", true },
};

/* digits to one N, runs of blanks to one: what is left is perf's layout */
static char *normalize(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	ck_assert_ptr_nonnull(out);
	while (*s) {
		if (isdigit((unsigned char)*s)) {
			while (isdigit((unsigned char)*s))
				s++;
			*o++ = 'N';
		} else if (*s == ' ') {
			while (*s == ' ')
				s++;
			if (*s != '\n' && *s)
				*o++ = ' ';
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

#define MAX_EV 16
#define MAX_SLOTS 4

struct canned {
	const struct golden *g;
	struct ftx_pmc_event *evs;
	int nr;
	struct ftx_stat_count counts[MAX_EV][MAX_SLOTS];
	bool seen[MAX_EV];
	struct ftx_stat_runs runs[MAX_EV];
	struct ftx_stat_slot slots[MAX_SLOTS];
	int nr_slots;
};

/* "name: val ena run" or "name: cpu: val ena run" (perf -v / -vv) */
static bool count_line(struct canned *c, const char *line)
{
	unsigned long long v, e, r;
	char name[128];
	int cpu = 0, i, n;

	n = sscanf(line, "%127[^:]: %d: %llu %llu %llu", name, &cpu, &v, &e, &r);
	if (n != 5) {
		cpu = 0;
		if (sscanf(line, "%127[^:]: %llu %llu %llu", name, &v, &e, &r) != 4)
			return false;
	}
	for (i = 0; i < c->nr; i++) {
		if (strcmp(c->evs[i].name, name))
			continue;
		ck_assert_int_lt(cpu, MAX_SLOTS);
		if (cpu >= c->nr_slots)
			c->nr_slots = cpu + 1;
		c->counts[i][cpu].val += v;
		c->counts[i][cpu].ena += e;
		c->counts[i][cpu].run += r;
		c->seen[i] = true;
		ftx_stat_runs_add(&c->runs[i], v * (c->evs[i].scale ? c->evs[i].scale : 1));
		return true;
	}
	return false;
}

static char *format(struct canned *c, struct ftx_stat_result *r)
{
	struct ftx_stat_counter ctr[MAX_EV];
	struct ftx_stat_style_opts o = { c->g->style, c->g->sep };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int i, s;

	for (i = 0; i < c->nr; i++) {
		ctr[i].ev = &c->evs[i];
		ctr[i].supported = c->seen[i];
		ctr[i].counts = c->counts[i];
		ctr[i].runs = c->runs[i];
	}
	for (s = 0; s < c->nr_slots; s++) {
		/* the fixtures' host: one core per CPU, one socket */
		c->slots[s].cpu = c->slots[s].core = s;
		c->slots[s].nr = 1;
	}
	r->counters = ctr;
	r->nr_counters = c->nr;
	r->slots = c->slots;
	r->nr_slots = c->g->aggr == FTX_STAT_AGGR_GLOBAL ? 1 : c->nr_slots;
	r->aggr = c->g->aggr;
	r->run_count = c->g->runs;
	r->target = c->g->target;
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ftx_stat_print(r, &o, f), 0);
	fclose(f);
	return buf;
}

static void compare(const struct golden *g, const char *want, const char *got)
{
	char *nw, *ng;

	if (g->exact) {
		ck_assert_msg(!strcmp(want, got), "%s differs:\n--- perf\n%s--- ftx\n%s", g->file,
			      want, got);
		return;
	}
	nw = normalize(want);
	ng = normalize(got);
	ck_assert_msg(!strcmp(nw, ng), "%s differs (normalized):\n--- perf\n%s--- ftx\n%s",
		      g->file, nw, ng);
	free(nw);
	free(ng);
}

/* one interval of an -I file: its counts were read, @want is what perf printed */
static void check_interval(struct canned *c, int nr, const char *want)
{
	struct ftx_stat_result r = { 0 };
	unsigned long sec, nsec;
	char *got;

	if (sscanf(want, "{\"interval\" : %lu.%lu", &sec, &nsec) != 2 &&
	    sscanf(want, "#%*[^\n]\n %lu.%lu", &sec, &nsec) != 2)
		ck_assert_int_eq(sscanf(want, " %lu.%lu", &sec, &nsec), 2);
	r.interval = true;
	r.ts.tv_sec = sec;
	r.ts.tv_nsec = nsec;
	r.interval_nr = nr;
	ftx_stat_runs_add(&r.wall, c->g->interval_ms * 1e6);
	got = format(c, &r);
	compare(c->g, want, got);
	free(got);
}

static void check_golden(const struct golden *g)
{
	char path[256], *text, *rest, *line, *want = NULL;
	struct ftx_stat_result r = { 0 };
	struct canned c = { .g = g, .nr_slots = 1 };
	bool counting = false;
	int intervals = 0;
	size_t elen = 0;
	double secs, sd;
	FILE *ef;

	snprintf(path, sizeof(path), "fixtures/stat/%s", g->file);
	text = ftx_read_file(path, NULL);
	ck_assert_msg(text, "%s missing", path);
	if (g->events)
		ck_assert_int_eq(ftx_pmc_events_parse(g->events, &no_pmu, &c.evs, &c.nr), 0);
	else
		ck_assert_int_eq(ftx_pmc_events_default(false, &no_pmu, &c.evs, &c.nr), 0);
	ck_assert_int_le(c.nr, MAX_EV);
	ef = open_memstream(&want, &elen);
	ck_assert_ptr_nonnull(ef);
	/* strsep keeps the blank lines, which are part of perf's layout */
	for (rest = text; (line = strsep(&rest, "\n")) != NULL; ) {
		if (!rest && !*line)
			break;
		if (!strncmp(line, "[ perf stat: executing run", 26))
			continue;
		if (g->interval_ms && !counting && sscanf(line, "%*[^:]: %*u %*u %*u") == 0 &&
		    strchr(line, ':') && !strchr(line, '"') && !strchr(line, ',') &&
		    isdigit((unsigned char)line[strlen(line) - 1]) && line[0] != ' ') {
			/* an interval's counts begin: the previous interval is complete */
			fclose(ef);
			if (elen)
				check_interval(&c, intervals++, want);
			free(want);
			want = NULL;
			ef = open_memstream(&want, &elen);
			memset(c.counts, 0, sizeof(c.counts));
			memset(c.seen, 0, sizeof(c.seen));
		}
		if (count_line(&c, line)) {
			counting = true;
			continue;
		}
		counting = false;
		fprintf(ef, "%s\n", line);
		if (strstr(line, " +- ") && strstr(line, " seconds time elapsed") &&
		    sscanf(line, " %lf +- %lf", &secs, &sd) == 2) {
			/* -r: the mean and its deviation, as perf printed them */
			r.wall.n = g->runs;
			r.wall.mean = secs * 1e9;
			r.wall.m2 = sd * 1e9 * sd * 1e9 * g->runs * (g->runs - 1);
		} else if (strstr(line, " seconds time elapsed") && sscanf(line, " %lf", &secs) == 1) {
			ftx_stat_runs_add(&r.wall, llround(secs * 1e9));
		}
		if (strstr(line, " seconds user") && sscanf(line, " %lf", &secs) == 1) {
			r.user_s = secs;
			r.show_rusage = true;
		}
		if (strstr(line, " seconds sys") && sscanf(line, " %lf", &secs) == 1)
			r.sys_s = secs;
	}
	fclose(ef);
	if (g->interval_ms) {
		if (elen)
			check_interval(&c, intervals++, want);
		ck_assert_int_ge(intervals, 2);
	} else {
		char *got;

		/* -r prints one mean wall time: use it for every run; CSV and JSON
		 * print none (their CPUs utilized is compared normalized) */
		if (!r.wall.n)
			ftx_stat_runs_add(&r.wall, 1e6);
		got = format(&c, &r);
		compare(g, want, got);
		free(got);
	}
	free(want);
	free(text);
	free(c.evs);
}

START_TEST(test_golden)
{
	check_golden(&goldens[_i]);
}
END_TEST

Suite *stat_suite(void)
{
	Suite *s = suite_create("stat");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_parse_generic);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_parse_sysfs);
	tcase_add_test(tc, test_parse_hybrid);
	tcase_add_test(tc, test_parse_arm64);
	tcase_add_test(tc, test_explain_perm);
	tcase_add_test(tc, test_metrics);
	tcase_add_test(tc, test_pmc_spec);
	tcase_add_loop_test(tc, test_golden, 0, FTX_ARRAY_SIZE(goldens));
	suite_add_tcase(s, tc);
	return s;
}
