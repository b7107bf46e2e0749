// SPDX-License-Identifier: GPL-2.0
/*
 * perf's event syntax to perf_event_attr type/config: generic hardware and
 * software names, hardware cache names, raw rNNN, sysfs PMU events and
 * formats (PMU/term=value,.../ and bare alias names), tracepoints SYS:EVENT,
 * modifiers :u :k :h and groups {a,b}. Generic hardware events are expanded
 * per core PMU where a hybrid or big.LITTLE system has several: counting
 * them on one core type and calling it the total would be wrong.
 * Reads sysfs and tracefs, never writes; no libperf here.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/perf_event.h>

#include "ftx/error.h"
#include "ftx/pmc.h"
#include "ftx/util.h"

#define PMU_DIR "/sys/bus/event_source/devices"

/* snprintf that truncates on purpose (names are bounded; a cut name is still an error) */
static void __attribute__((format(printf, 3, 4))) pmc_fmt(char *buf, size_t size,
							  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}
#define MOD_CHARS "ukhpPGHIS"

static const struct pmc_generic {
	const char *name;
	uint32_t type;
	uint64_t config;
	enum ftx_pmc_kind kind;
} generic[] = {
	{ "cycles",			PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES,
	  FTX_PMC_KIND_CYCLES },
	{ "cpu-cycles",			PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES,
	  FTX_PMC_KIND_CYCLES },
	{ "instructions",		PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS,
	  FTX_PMC_KIND_INSTRUCTIONS },
	{ "cache-references",		PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES,
	  FTX_PMC_KIND_CACHE_REFS },
	{ "cache-misses",		PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES,
	  FTX_PMC_KIND_CACHE_MISSES },
	{ "branches",			PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS,
	  FTX_PMC_KIND_BRANCHES },
	{ "branch-instructions",	PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS,
	  FTX_PMC_KIND_BRANCHES },
	{ "branch-misses",		PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES,
	  FTX_PMC_KIND_BRANCH_MISSES },
	{ "bus-cycles",			PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES, 0 },
	{ "stalled-cycles-frontend",	PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND,
	  FTX_PMC_KIND_STALLED_FE },
	{ "idle-cycles-frontend",	PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND,
	  FTX_PMC_KIND_STALLED_FE },
	{ "stalled-cycles-backend",	PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND,
	  FTX_PMC_KIND_STALLED_BE },
	{ "idle-cycles-backend",	PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND,
	  FTX_PMC_KIND_STALLED_BE },
	{ "ref-cycles",			PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES, 0 },
	{ "cpu-clock",			PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK,
	  FTX_PMC_KIND_CLOCK },
	{ "task-clock",			PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK,
	  FTX_PMC_KIND_CLOCK },
	{ "page-faults",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, 0 },
	{ "faults",			PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS, 0 },
	{ "context-switches",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, 0 },
	{ "cs",				PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES, 0 },
	{ "cpu-migrations",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, 0 },
	{ "migrations",			PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS, 0 },
	{ "minor-faults",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN, 0 },
	{ "major-faults",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ, 0 },
	{ "alignment-faults",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_ALIGNMENT_FAULTS, 0 },
	{ "emulation-faults",		PERF_TYPE_SOFTWARE, PERF_COUNT_SW_EMULATION_FAULTS, 0 },
	{ "dummy",			PERF_TYPE_SOFTWARE, PERF_COUNT_SW_DUMMY, 0 },
};

/* perf's hardware cache names: CACHE-OPs (accesses) and CACHE-OP-misses */
static const struct {
	const char *name;
	unsigned int id;
	unsigned int ops;	/* bit per op that perf lists for it */
	enum ftx_pmc_kind access, miss;	/* for the read op only */
} caches[] = {
	{ "L1-dcache",	PERF_COUNT_HW_CACHE_L1D,  7, FTX_PMC_KIND_L1D,  FTX_PMC_KIND_L1D_MISSES },
	{ "L1-icache",	PERF_COUNT_HW_CACHE_L1I,  5, FTX_PMC_KIND_L1I,  FTX_PMC_KIND_L1I_MISSES },
	{ "LLC",	PERF_COUNT_HW_CACHE_LL,   7, FTX_PMC_KIND_LL,   FTX_PMC_KIND_LL_MISSES },
	{ "dTLB",	PERF_COUNT_HW_CACHE_DTLB, 7, FTX_PMC_KIND_DTLB, FTX_PMC_KIND_DTLB_MISSES },
	{ "iTLB",	PERF_COUNT_HW_CACHE_ITLB, 1, FTX_PMC_KIND_ITLB, FTX_PMC_KIND_ITLB_MISSES },
	{ "branch",	PERF_COUNT_HW_CACHE_BPU,  1, 0, 0 },
	{ "node",	PERF_COUNT_HW_CACHE_NODE, 7, 0, 0 },
};

static const struct {
	const char *op, *ops;
} cache_ops[] = {
	[PERF_COUNT_HW_CACHE_OP_READ] = { "load", "loads" },
	[PERF_COUNT_HW_CACHE_OP_WRITE] = { "store", "stores" },
	[PERF_COUNT_HW_CACHE_OP_PREFETCH] = { "prefetch", "prefetches" },
};

/* Every name ftx knows without sysfs, for suggestions: fn(name) for each. */
static void each_builtin_name(void (*fn)(void *arg, const char *name), void *arg)
{
	char buf[64];
	size_t i, o;

	for (i = 0; i < FTX_ARRAY_SIZE(generic); i++)
		fn(arg, generic[i].name);
	for (i = 0; i < FTX_ARRAY_SIZE(caches); i++) {
		for (o = 0; o < FTX_ARRAY_SIZE(cache_ops); o++) {
			if (!(caches[i].ops & (1u << o)))
				continue;
			snprintf(buf, sizeof(buf), "%s-%s", caches[i].name, cache_ops[o].ops);
			fn(arg, buf);
			snprintf(buf, sizeof(buf), "%s-%s-misses", caches[i].name, cache_ops[o].op);
			fn(arg, buf);
		}
	}
}

static int parse_generic(const char *name, struct ftx_pmc_event *ev)
{
	size_t i, o;
	char buf[64];

	for (i = 0; i < FTX_ARRAY_SIZE(generic); i++) {
		if (strcmp(name, generic[i].name))
			continue;
		ev->type = generic[i].type;
		ev->config = generic[i].config;
		ev->kind = generic[i].kind;
		if (ev->kind == FTX_PMC_KIND_CLOCK) {
			strcpy(ev->unit, "msec");
			ev->scale = 1e-6;
		}
		return 0;
	}
	for (i = 0; i < FTX_ARRAY_SIZE(caches); i++) {
		for (o = 0; o < FTX_ARRAY_SIZE(cache_ops); o++) {
			bool miss;

			if (!(caches[i].ops & (1u << o)))
				continue;
			snprintf(buf, sizeof(buf), "%s-%s", caches[i].name, cache_ops[o].ops);
			miss = false;
			if (strcasecmp(name, buf)) {
				snprintf(buf, sizeof(buf), "%s-%s-misses", caches[i].name,
					 cache_ops[o].op);
				if (strcasecmp(name, buf))
					continue;
				miss = true;
			}
			ev->type = PERF_TYPE_HW_CACHE;
			ev->config = caches[i].id | (o << 8) |
				((miss ? PERF_COUNT_HW_CACHE_RESULT_MISS :
				  PERF_COUNT_HW_CACHE_RESULT_ACCESS) << 16);
			if (o == PERF_COUNT_HW_CACHE_OP_READ)
				ev->kind = miss ? caches[i].miss : caches[i].access;
			return 0;
		}
	}
	/* perf's raw syntax: rNNN, NNN in hex without 0x */
	if (name[0] == 'r' && name[1] && strlen(name) < 18 &&
	    strspn(name + 1, "0123456789abcdefABCDEF") == strlen(name + 1)) {
		ev->type = PERF_TYPE_RAW;
		ev->config = strtoull(name + 1, NULL, 16);
		return 0;
	}
	return -1;
}

/* Closest names to a typo. */
struct suggest {
	const char *want;
	char best[3][64];
	unsigned int dist[3];
};

static void suggest_add(void *arg, const char *name)
{
	struct suggest *s = arg;
	unsigned int d = ftx_levenshtein(s->want, name);
	int i, j;

	if (d > 3 || d * 2 > strlen(s->want) + 1)
		return;
	for (i = 0; i < 3; i++) {
		if (!strcmp(s->best[i], name))
			return;
		if (!s->best[i][0] || d < s->dist[i]) {
			for (j = 2; j > i; j--) {
				memcpy(s->best[j], s->best[j - 1], sizeof(s->best[j]));
				s->dist[j] = s->dist[j - 1];
			}
			snprintf(s->best[i], sizeof(s->best[i]), "%s", name);
			s->dist[i] = d;
			return;
		}
	}
}

static const char *pmu_dir(const struct ftx_pmc_env *env)
{
	return env && env->pmu_dir ? env->pmu_dir : PMU_DIR;
}

/* Each sysfs PMU event alias as "name" (and fn's arg) */
static void each_pmu_alias(const struct ftx_pmc_env *env,
			   void (*fn)(void *arg, const char *name), void *arg)
{
	char path[512];
	struct dirent *d, *e;
	DIR *dir, *ed;

	dir = opendir(pmu_dir(env));
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/events", pmu_dir(env), d->d_name);
		ed = opendir(path);
		if (!ed)
			continue;
		while ((e = readdir(ed)))
			if (e->d_name[0] != '.' && !strchr(e->d_name, '.'))
				fn(arg, e->d_name);
		closedir(ed);
	}
	closedir(dir);
}

static void set_unknown(const struct ftx_pmc_env *env, const char *name)
{
	struct suggest s = { .want = name };

	each_builtin_name(suggest_add, &s);
	each_pmu_alias(env, suggest_add, &s);
	errno = EINVAL;
	if (!s.best[0][0])
		ftx_error_set("unknown event '%s'", name);
	else if (!s.best[1][0])
		ftx_error_set("unknown event '%s' (did you mean '%s'?)", name, s.best[0]);
	else if (!s.best[2][0])
		ftx_error_set("unknown event '%s' (did you mean '%s' or '%s'?)", name,
			      s.best[0], s.best[1]);
	else
		ftx_error_set("unknown event '%s' (did you mean '%s', '%s' or '%s'?)", name,
			      s.best[0], s.best[1], s.best[2]);
}

int ftx_pmc_event_parse(const char *name, struct ftx_pmc_event *ev)
{
	static const struct ftx_pmc_env none = { .pmu_dir = "/nonexistent" };

	if (!name || !*name || strlen(name) >= sizeof(ev->name)) {
		errno = EINVAL;
		ftx_error_set("invalid event name");
		return -1;
	}
	memset(ev, 0, sizeof(*ev));
	ev->group = -1;
	if (parse_generic(name, ev) < 0) {
		set_unknown(&none, name);
		return -1;
	}
	strcpy(ev->name, name);
	return 0;
}

/* "0-3,8,10-11": number of CPUs, or -1 */
static int cpulist_count(const char *s)
{
	unsigned long a, b;
	char *end;
	int n = 0;

	while (*s && *s != '\n') {
		if (!isdigit((unsigned char)*s))
			return -1;
		a = strtoul(s, &end, 10);
		b = a;
		if (*end == '-')
			b = strtoul(end + 1, &end, 10);
		if (b < a)
			return -1;
		n += b - a + 1;
		s = end;
		if (*s == ',')
			s++;
	}
	return n;
}

static char *pmu_read(const struct ftx_pmc_env *env, const char *pmu, const char *file)
{
	char path[512], *s;

	snprintf(path, sizeof(path), "%s/%s/%s", pmu_dir(env), pmu, file);
	s = ftx_read_file(path, NULL);
	if (s)
		ftx_strip(s);
	return s;
}

static int system_cpus(const struct ftx_pmc_env *env)
{
	char *s;
	int n;

	if (env && env->nr_cpus > 0)
		return env->nr_cpus;
	s = ftx_read_file("/sys/devices/system/cpu/possible", NULL);
	n = s ? cpulist_count(ftx_strip(s)) : -1;
	free(s);
	return n;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The PMU directories, sorted */
static int pmu_list(const struct ftx_pmc_env *env, char (*names)[32], int max)
{
	struct dirent *d;
	DIR *dir;
	int n = 0;

	dir = opendir(pmu_dir(env));
	if (!dir)
		return 0;
	while ((d = readdir(dir)) && n < max)
		if (d->d_name[0] != '.' && strlen(d->d_name) < 32)
			snprintf(names[n++], 32, "%s", d->d_name);
	closedir(dir);
	qsort(names, n, 32, cmp_name);
	return n;
}

int ftx_pmc_core_pmus(const struct ftx_pmc_env *env, char (*names)[32], int max)
{
	int total = system_cpus(env), n = 0, c;
	struct dirent *d;
	char *cpus;
	DIR *dir;

	dir = opendir(pmu_dir(env));
	if (!dir)
		return 0;
	while ((d = readdir(dir)) && n < max) {
		if (d->d_name[0] == '.' || strlen(d->d_name) >= 32)
			continue;
		cpus = pmu_read(env, d->d_name, "cpus");
		if (!cpus)
			continue;
		c = cpulist_count(cpus);
		free(cpus);
		if (c > 0 && (total <= 0 || c < total))
			snprintf(names[n++], 32, "%s", d->d_name);
	}
	closedir(dir);
	qsort(names, n, 32, cmp_name);
	return n;
}

/*
 * Put @val into the bits a sysfs format file names ("config:0-7,32-35",
 * "config1:0-31"), low bits first, as the kernel's format attributes mean.
 */
static int format_apply(struct ftx_pmc_event *ev, const char *fmt, uint64_t val)
{
	unsigned long lo, hi, bit;
	const char *p = strchr(fmt, ':');
	uint64_t *field;
	char *end;

	if (!p)
		return -1;
	if (!strncmp(fmt, "config:", 7))
		field = &ev->config;
	else if (!strncmp(fmt, "config1:", 8))
		field = &ev->config1;
	else if (!strncmp(fmt, "config2:", 8))
		field = &ev->config2;
	else
		return -1;
	for (p++; *p; ) {
		lo = strtoul(p, &end, 10);
		if (end == p)
			return -1;
		hi = lo;
		if (*end == '-')
			hi = strtoul(end + 1, &end, 10);
		if (hi < lo || hi > 63)
			return -1;
		for (bit = lo; bit <= hi; bit++) {
			if (val & 1)
				*field |= 1ull << bit;
			else
				*field &= ~(1ull << bit);
			val >>= 1;
		}
		p = end;
		if (*p == ',')
			p++;
		else
			break;
	}
	return 0;
}

static int parse_num(const char *s, uint64_t *v)
{
	unsigned long long x;

	if (ftx_parse_uint(s, &x) < 0)
		return -1;
	*v = x;
	return 0;
}

static int pmu_terms(const struct ftx_pmc_env *env, const char *pmu, char *terms,
		     struct ftx_pmc_event *ev, int depth);

/* One PMU/.../ term: config=, config1=, config2=, a format field, or an event alias. */
static int pmu_term(const struct ftx_pmc_env *env, const char *pmu, char *term,
		    struct ftx_pmc_event *ev, int depth)
{
	char *eq = strchr(term, '='), *fmt, *alias, file[160];
	uint64_t v = 1;
	int ret;

	if (eq) {
		*eq = '\0';
		if (parse_num(eq + 1, &v) < 0) {
			errno = EINVAL;
			ftx_error_set("%s/%s=%s/: not a number", pmu, term, eq + 1);
			return -1;
		}
	}
	if (!strcmp(term, "config")) {
		ev->config = v;
		return 0;
	}
	if (!strcmp(term, "config1")) {
		ev->config1 = v;
		return 0;
	}
	if (!strcmp(term, "config2")) {
		ev->config2 = v;
		return 0;
	}
	if (strlen(term) > 100 || strchr(term, '/')) {
		errno = EINVAL;
		ftx_error_set("%s: bad term '%s'", pmu, term);
		return -1;
	}
	snprintf(file, sizeof(file), "format/%s", term);
	fmt = pmu_read(env, pmu, file);
	if (fmt) {
		ret = format_apply(ev, fmt, v);
		if (ret < 0) {
			errno = EINVAL;
			ftx_error_set("%s: cannot use format '%s' (%s)", pmu, term, fmt);
		}
		free(fmt);
		return ret;
	}
	snprintf(file, sizeof(file), "events/%s", term);
	alias = eq ? NULL : pmu_read(env, pmu, file);
	if (alias && depth < 2) {
		char *s;

		ret = pmu_terms(env, pmu, alias, ev, depth + 1);
		free(alias);
		snprintf(file, sizeof(file), "events/%s.unit", term);
		s = pmu_read(env, pmu, file);
		if (s)
			snprintf(ev->unit, sizeof(ev->unit), "%s", s);
		free(s);
		snprintf(file, sizeof(file), "events/%s.scale", term);
		s = pmu_read(env, pmu, file);
		if (s)
			ev->scale = strtod(s, NULL);
		free(s);
		return ret;
	}
	free(alias);
	errno = EINVAL;
	ftx_error_set("%s: no format or event '%s' (see %s/%s/format and events)", pmu, term,
		      pmu_dir(env), pmu);
	return -1;
}

static int pmu_terms(const struct ftx_pmc_env *env, const char *pmu, char *terms,
		     struct ftx_pmc_event *ev, int depth)
{
	char *save = NULL, *t;

	for (t = strtok_r(terms, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*t))
			t++;
		if (*t && pmu_term(env, pmu, ftx_strip(t), ev, depth) < 0)
			return -1;
	}
	return 0;
}

/* The PMU's type and, for core PMUs covering part of the CPUs and uncore PMUs, its CPUs. */
static int pmu_open(const struct ftx_pmc_env *env, const char *pmu, struct ftx_pmc_event *ev)
{
	unsigned long long type;
	char *s, *cpus;

	s = pmu_read(env, pmu, "type");
	if (!s || ftx_parse_uint(s, &type) < 0) {
		free(s);
		errno = ENOENT;
		ftx_error_set("unknown PMU '%s' (no %s/%s)", pmu, pmu_dir(env), pmu);
		return -1;
	}
	free(s);
	ev->type = type;
	cpus = pmu_read(env, pmu, "cpumask");
	if (!cpus) {
		cpus = pmu_read(env, pmu, "cpus");
		if (cpus && cpulist_count(cpus) >= system_cpus(env)) {
			free(cpus);
			cpus = NULL;
		}
	}
	if (cpus)
		snprintf(ev->cpus, sizeof(ev->cpus), "%s", cpus);
	free(cpus);
	snprintf(ev->pmu, sizeof(ev->pmu), "%s", pmu);
	return 0;
}

static int tracepoint(const struct ftx_pmc_env *env, const char *name, struct ftx_pmc_event *ev)
{
	char path[512], sys[128], *id, *colon = strchr(name, ':');
	unsigned long long v;

	if (!env || !env->tracefs || !colon || colon - name >= (long)sizeof(sys) ||
	    strchr(colon + 1, ':') || strchr(name, '/') || !colon[1])
		return -1;
	memcpy(sys, name, colon - name);
	sys[colon - name] = '\0';
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", env->tracefs, sys, colon + 1);
	id = ftx_read_file(path, NULL);
	if (!id || ftx_parse_uint(ftx_strip(id), &v) < 0) {
		free(id);
		return -1;
	}
	free(id);
	ev->type = PERF_TYPE_TRACEPOINT;
	ev->config = v;
	return 0;
}

struct evvec {
	struct ftx_pmc_event **evs;
	int *nr;
};

static struct ftx_pmc_event *evvec_add(struct evvec *v)
{
	struct ftx_pmc_event *n = realloc(*v->evs, (*v->nr + 1) * sizeof(**v->evs));

	if (!n) {
		errno = ENOMEM;
		ftx_error_set("out of memory");
		return NULL;
	}
	*v->evs = n;
	memset(&n[*v->nr], 0, sizeof(n[0]));
	n[*v->nr].group = -1;
	return &n[(*v->nr)++];
}

static int apply_mods(struct ftx_pmc_event *ev, const char *mods)
{
	bool u = false, k = false, h = false;
	const char *m;

	if (!mods || !*mods)
		return 0;
	for (m = mods; *m; m++) {
		switch (*m) {
		case 'u':
			u = true;
			break;
		case 'k':
			k = true;
			break;
		case 'h':
			h = true;
			break;
		default:
			errno = EINVAL;
			ftx_error_set("%s: unsupported modifier '%c' (ftx knows u, k, h)", ev->name,
				      *m);
			return -1;
		}
	}
	if (u || k || h) {
		ev->exclude_user = !u;
		ev->exclude_kernel = !k;
		ev->exclude_hv = !h;
	}
	return 0;
}

static bool all_mods(const char *s)
{
	return *s && strspn(s, MOD_CHARS) == strlen(s);
}

/* Add the counters of one event NAME[:mods] or PMU/terms/[:mods]. */
static int parse_one(const struct ftx_pmc_env *env, const char *item, const char *gmods,
		     struct evvec *v)
{
	char buf[FTX_PMC_NAME_MAX], mods[16] = "", *slash, *colon;
	char core[8][32];
	struct ftx_pmc_event ev = { .group = -1 };
	int ncore = 0, i;

	if (!*item || strlen(item) >= sizeof(buf)) {
		errno = EINVAL;
		ftx_error_set(*item ? "event name too long: '%.40s...'" : "empty event name", item);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", item);
	slash = strchr(buf, '/');
	if (slash) {
		char *end = strrchr(buf, '/'), *terms;

		if (end == slash) {
			errno = EINVAL;
			ftx_error_set("'%s': PMU events are written PMU/terms/", item);
			return -1;
		}
		if (end[1] == ':' && all_mods(end + 2))
			pmc_fmt(mods, sizeof(mods), "%s", end + 2);
		else if (end[1]) {
			errno = EINVAL;
			ftx_error_set("'%s': unexpected '%s' after the PMU's terms", item, end + 1);
			return -1;
		}
		snprintf(ev.name, sizeof(ev.name), "%.*s", (int)(end + 1 - buf), buf);
		*slash = '\0';
		*end = '\0';
		if (pmu_open(env, buf, &ev) < 0)
			return -1;
		terms = strdup(slash + 1);
		if (!terms || pmu_terms(env, buf, terms, &ev, 0) < 0) {
			free(terms);
			return -1;
		}
		free(terms);
		if (ev.scale == 0)
			ev.scale = 1;
		goto add;
	}
	colon = strrchr(buf, ':');
	/* NAME:mods, unless NAME:mods is a tracepoint (SYS:EVENT) itself */
	if (colon && all_mods(colon + 1) && strlen(colon + 1) < sizeof(mods) &&
	    tracepoint(env, buf, &ev) < 0) {
		*colon = '\0';
		snprintf(mods, sizeof(mods), "%s", colon + 1);
	}
	memset(&ev, 0, sizeof(ev));
	ev.group = -1;
	snprintf(ev.name, sizeof(ev.name), "%s", buf);
	if (parse_generic(buf, &ev) == 0) {
		if (ev.type == PERF_TYPE_HARDWARE || ev.type == PERF_TYPE_HW_CACHE)
			ncore = ftx_pmc_core_pmus(env, core, 8);
	} else if (strchr(buf, ':')) {
		if (tracepoint(env, buf, &ev) < 0) {
			errno = ENOENT;
			ftx_error_set(env && env->tracefs ? "unknown tracepoint '%s'" :
				      "unknown event '%s' (no tracefs for tracepoints)", buf);
			return -1;
		}
	} else {
		/* a bare sysfs alias ("cpu_cycles"): on each PMU that has it */
		char file[160], *s, pmus[64][32];
		int found = 0, np, k;

		snprintf(file, sizeof(file), "events/%s", buf);
		np = pmu_list(env, pmus, 64);
		for (k = 0; k < np; k++) {
			struct ftx_pmc_event *n;
			char term[FTX_PMC_NAME_MAX];

			if (!(s = pmu_read(env, pmus[k], file)))
				continue;
			free(s);
			n = evvec_add(v);
			if (!n)
				return -1;
			snprintf(term, sizeof(term), "%s", buf);
			if (pmu_open(env, pmus[k], n) < 0 || pmu_term(env, pmus[k], term, n, 0) < 0) {
				(*v->nr)--;
				return -1;
			}
			if (n->scale == 0)
				n->scale = 1;
			pmc_fmt(n->name, sizeof(n->name), "%s%s%s", buf, *mods ? ":" : "", mods);
			if (apply_mods(n, mods) < 0 || apply_mods(n, gmods) < 0)
				return -1;
			found++;
		}
		if (found > 1) {
			/* one name on several PMUs: say which is which */
			for (i = *v->nr - found; i < *v->nr; i++) {
				pmc_fmt(buf, sizeof(buf), "%s/%s/", (*v->evs)[i].pmu,
					 (*v->evs)[i].name);
				snprintf((*v->evs)[i].name, sizeof((*v->evs)[i].name), "%s", buf);
			}
		}
		if (found)
			return 0;
		set_unknown(env, buf);
		return -1;
	}
	if (ev.scale == 0)
		ev.scale = 1;
add:
	if (*mods) {
		size_t l = strlen(ev.name);

		snprintf(ev.name + l, sizeof(ev.name) - l, ":%s", mods);
	}
	if (apply_mods(&ev, mods) < 0 || apply_mods(&ev, gmods) < 0)
		return -1;
	if (gmods && *gmods) {
		size_t l = strlen(ev.name);

		snprintf(ev.name + l, sizeof(ev.name) - l, "%s%s", *mods ? "" : ":", gmods);
	}
	if (!ncore) {
		struct ftx_pmc_event *n = evvec_add(v);

		if (!n)
			return -1;
		*n = ev;
		return 0;
	}
	/* hybrid: one counter per core PMU, named as perf names them */
	for (i = 0; i < ncore; i++) {
		struct ftx_pmc_event *n = evvec_add(v);
		char *cpus;

		if (!n)
			return -1;
		*n = ev;
		pmc_fmt(n->name, sizeof(n->name), "%s/%s/", core[i], ev.name);
		pmc_fmt(n->pmu, sizeof(n->pmu), "%s", core[i]);
		cpus = pmu_read(env, core[i], "cpus");
		snprintf(n->cpus, sizeof(n->cpus), "%s", cpus ? cpus : "");
		free(cpus);
		cpus = pmu_read(env, core[i], "type");
		n->ext_type = cpus ? (uint32_t)strtoul(cpus, NULL, 10) : 0;
		free(cpus);
	}
	return 0;
}

int ftx_pmc_events_parse(const char *spec, const struct ftx_pmc_env *env,
			 struct ftx_pmc_event **evs, int *nr)
{
	struct evvec v = { evs, nr };
	int start = *nr, ngroups = 0, i;
	const char *p = spec;
	char item[FTX_PMC_NAME_MAX * 2];

	if (!spec || !*spec) {
		errno = EINVAL;
		ftx_error_set("empty event list");
		return -1;
	}
	for (i = 0; i < *nr; i++)
		if ((*evs)[i].group >= ngroups)
			ngroups = (*evs)[i].group + 1;
	while (*p) {
		bool in_group = false;
		const char *gstart = NULL, *gend;
		char gmods[16] = "";
		int first = *nr;

		if (*p == '{') {
			in_group = true;
			gstart = ++p;
			gend = strchr(p, '}');
			if (!gend) {
				errno = EINVAL;
				ftx_error_set("'%s': group without '}'", spec);
				goto fail;
			}
			p = gend + 1;
			if (*p == ':') {
				size_t n = strcspn(p + 1, ",");

				if (n >= sizeof(gmods) || !n) {
					errno = EINVAL;
					ftx_error_set("'%s': bad group modifier", spec);
					goto fail;
				}
				memcpy(gmods, p + 1, n);
				gmods[n] = '\0';
				p += 1 + n;
			}
		} else {
			gstart = p;
			gend = p;
			/* an item ends at a ',' outside PMU/terms/ */
			while (*gend && *gend != ',') {
				if (*gend == '/') {
					const char *e = strchr(gend + 1, '/');

					gend = e ? e : gend + strlen(gend) - 1;
				}
				gend++;
			}
			p = gend;
			if (gstart == gend) {
				errno = EINVAL;
				ftx_error_set("'%s': empty event name", spec);
				goto fail;
			}
		}
		/* the items between gstart and gend */
		while (gstart < gend) {
			const char *e = gstart;

			while (e < gend && *e != ',') {
				if (*e == '/') {
					const char *s = memchr(e + 1, '/', gend - e - 1);

					e = s ? s : gend - 1;
				}
				e++;
			}
			if ((size_t)(e - gstart) >= sizeof(item)) {
				errno = EINVAL;
				ftx_error_set("event name too long");
				goto fail;
			}
			memcpy(item, gstart, e - gstart);
			item[e - gstart] = '\0';
			if (parse_one(env, ftx_strip(item), gmods, &v) < 0)
				goto fail;
			gstart = e < gend ? e + 1 : gend;
		}
		if (in_group && *nr > first) {
			/* a group per core PMU: counters of two PMUs cannot share one */
			int j, base = ngroups;

			for (i = first; i < *nr; i++) {
				for (j = first; j < i; j++)
					if (!strcmp((*evs)[j].pmu, (*evs)[i].pmu))
						break;
				(*evs)[i].group = j < i ? (*evs)[j].group : ngroups++;
				(*evs)[i].leader = j == i;
			}
			if (ngroups == base)
				ngroups++;
		}
		if (*p == ',')
			p++;
		else if (*p) {
			errno = EINVAL;
			ftx_error_set("'%s': unexpected '%c'", spec, *p);
			goto fail;
		}
	}
	return 0;
fail:
	*nr = start;
	return -1;
}

int ftx_pmc_events_default(bool cpu_mode, const struct ftx_pmc_env *env,
			   struct ftx_pmc_event **evs, int *nr)
{
	return ftx_pmc_events_parse(cpu_mode ?
		"cpu-clock,context-switches,cpu-migrations,page-faults,cycles,instructions,"
		"branches,branch-misses" :
		"task-clock,context-switches,cpu-migrations,page-faults,cycles,instructions,"
		"branches,branch-misses", env, evs, nr);
}

bool ftx_pmc_have_hw_pmu(const struct ftx_pmc_env *env)
{
	struct dirent *d;
	bool found = false;
	char *s;
	DIR *dir;

	dir = opendir(pmu_dir(env));
	if (!dir)
		return false;
	while (!found && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		if (!strcmp(d->d_name, "cpu") || !strncmp(d->d_name, "armv", 4) ||
		    !strncmp(d->d_name, "cpu_", 4)) {
			found = true;
		} else if ((s = pmu_read(env, d->d_name, "cpus"))) {
			found = true;
			free(s);
		}
	}
	closedir(dir);
	return found;
}
