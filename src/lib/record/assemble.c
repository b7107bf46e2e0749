// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat assembly: the formats of the ftrace events and of every event
 * enabled in the instance, kallsyms, printk formats, comms and the options
 * (CPUSTAT, TRACECLOCK, UNAME, VERSION) around the per-CPU data, written
 * by tracedat-write.c into a file that gets its name only once complete.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>

#include <event-parse.h>

#include "ftx/error.h"
#include "ftx/tracedat-write.h"
#include "ftx/util.h"
#include "recorder-local.h"

#ifndef FTX_VERSION
#define FTX_VERSION "0.0"
#endif
static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted subdirectory names of @dir (NULL-terminated, to free with free_names). */
static char **list_dirs(const char *dir)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0;
	DIR *d = opendir(dir);

	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
			continue;
		if (n + 2 > alloc) {
			char **nn;

			alloc = alloc ? alloc * 2 : 64;
			nn = realloc(names, alloc * sizeof(*names));
			if (!nn)
				break;
			names = nn;
		}
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	if (!names)
		names = calloc(1, sizeof(*names));
	if (!names)
		return NULL;
	names[n] = NULL;
	qsort(names, n, sizeof(*names), name_cmp);
	return names;
}

static void free_names(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

static int fmt_add(struct fmt_list *l, const char *system, const char *name, const char *path)
{
	size_t len;
	char *text;

	text = ftx_read_file(path, &len);
	if (!text) {
		ftx_error_set("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 32;
		struct ftx_tdat_format *nf = realloc(l->f, na * sizeof(*nf));

		if (!nf) {
			free(text);
			ftx_error_set("out of memory");
			return -1;
		}
		l->f = nf;
		l->alloc = na;
	}
	l->f[l->n].system = strdup(system);
	l->f[l->n].name = strdup(name);
	l->f[l->n].text = text;
	l->f[l->n].len = len;
	l->n++;
	return 0;
}

static void fmt_free(struct fmt_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free((char *)l->f[i].system);
		free((char *)l->f[i].name);
		free((char *)l->f[i].text);
	}
	free(l->f);
	l->f = NULL;
	l->n = l->alloc = 0;
}

/* Is anything of this event enabled in the instance ("1", or "1*" with a filter)? */
static bool event_enabled(const char *evdir)
{
	char *p = rec_path_join(evdir, "enable"), buf[4] = "";
	ssize_t n = -1;
	int fd;

	if (!p)
		return false;
	fd = open(p, O_RDONLY | O_CLOEXEC);
	free(p);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	return n > 0 && buf[0] == '1';
}

/* ftrace formats (all of them, as trace-cmd saves) and those of the enabled events. */
static int collect_formats(struct ftx_recorder *r, struct fmt_list *ftrace, struct fmt_list *ev)
{
	char *evroot = rec_path_join(r->inst, "events"), *ftdir = rec_path_join(r->top, "events/ftrace");
	char **systems = NULL, **names = NULL;
	char path[PATH_MAX];
	int ret = -1;

	if (!evroot || !ftdir)
		goto out;
	names = list_dirs(ftdir);
	for (size_t i = 0; names && names[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s/format", ftdir, names[i]);
		if (access(path, R_OK) == 0 && fmt_add(ftrace, "ftrace", names[i], path) < 0)
			goto out;
	}
	free_names(names);
	names = NULL;

	systems = list_dirs(evroot);
	if (!systems) {
		ftx_error_set("cannot list %s: %s", evroot, strerror(errno));
		goto out;
	}
	for (size_t i = 0; systems[i]; i++) {
		char sysdir[PATH_MAX];

		if (!strcmp(systems[i], "ftrace"))
			continue;
		snprintf(sysdir, sizeof(sysdir), "%s/%s", evroot, systems[i]);
		names = list_dirs(sysdir);
		for (size_t j = 0; names && names[j]; j++) {
			if (snprintf(path, sizeof(path), "%s/%s", sysdir, names[j]) >= (int)sizeof(path) ||
			    (!r->all_formats && !event_enabled(path)))
				continue;
			if (snprintf(path, sizeof(path), "%s/%s/format", sysdir, names[j]) >=
			    (int)sizeof(path))
				continue;
			if (fmt_add(ev, systems[i], names[j], path) < 0)
				goto out;
		}
		free_names(names);
		names = NULL;
	}
	ret = 0;
out:
	free_names(names);
	free_names(systems);
	free(evroot);
	free(ftdir);
	return ret;
}

/*
 * Whether kallsyms shows zeros for text symbols. The first lines prove nothing:
 * x86-64 starts with per-CPU symbols whose addresses really are 0.
 */
static bool kallsyms_hidden(const char *text)
{
	const char *line = text, *sp;

	while (line && *line) {
		sp = strchr(line, ' ');
		if (!sp)
			break;
		if (sp[1] == 'T' || sp[1] == 't')
			return strspn(line, "0") == (size_t)(sp - line);
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return false;
}

static void human(char *buf, size_t len, unsigned long long v)
{
	if (v >= 10ull << 20)
		snprintf(buf, len, "%.1f MB", v / 1048576.0);
	else
		snprintf(buf, len, "%.1f KB", v / 1024.0);
}

/*
 * Room for the file in @dir. The temp files hold the data already; when they
 * live on the same file system and there is not room for a second copy,
 * they are consumed as they are copied (*@consume). When even the headers do
 * not fit (the disk filled up while recording), kallsyms is left out first,
 * then the newest sub-buffers of the largest CPUs, and each loss is named.
 * Returns 0, or -1 when the file cannot be written at all (the reason says
 * what is lost).
 */
static int make_room(struct ftx_recorder *r, const char *dir, struct ftx_tdat_info *info,
		     struct ftx_tdat_cpu_data *cpus, bool *consume)
{
	unsigned long long meta = 0, data = 0, avail, need;
	const unsigned long long margin = 256 << 10;
	unsigned int i, *dropped;
	struct statvfs vfs;
	struct stat ds, ts;
	bool same = false;
	char a[32], b[32];

	*consume = false;
	if (statvfs(dir, &vfs) < 0 || stat(dir, &ds) < 0)
		return 0;	/* cannot tell: just try */
	avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
	for (i = 0; i < info->nr_ftrace_formats; i++)
		meta += info->ftrace_formats[i].len + 64;
	for (i = 0; i < info->nr_event_formats; i++)
		meta += info->event_formats[i].len + 64;
	meta += info->header_page_len + info->header_event_len + info->printk_formats_len +
		info->cmdlines_len + 4096;
	for (i = 0; i < info->nr_options; i++)
		meta += info->options[i].size + 8;
	meta += (unsigned long long)r->page_size * (r->nr_cpus + 2);	/* alignment */
	for (i = 0; i < r->nr_cpus; i++) {
		data += cpus[i].size;
		if (cpus[i].fd >= 0 && fstat(cpus[i].fd, &ts) == 0 && ts.st_dev == ds.st_dev)
			same = true;
	}
	if (avail >= meta + info->kallsyms_len + data + margin)
		return 0;
	if (!same) {
		human(a, sizeof(a), meta + info->kallsyms_len + data);
		human(b, sizeof(b), avail);
		errno = ENOSPC;
		ftx_error_set("no room in %s for the trace (%s needed, %s free): the recording (%llu bytes of sub-buffers) is lost",
			      dir, a, b, data);
		return -1;
	}
	/* the copy frees the temp files behind it: the headers and one chunk must fit */
	*consume = true;
	need = meta + info->kallsyms_len + margin;
	if (avail >= need)
		return 0;
	if (info->kallsyms_len) {
		ftx_warn("no room in %s for kallsyms (%zu bytes): left out, kernel addresses print as hex",
			 dir, info->kallsyms_len);
		info->kallsyms = NULL;
		info->kallsyms_len = 0;
		need = meta + margin;
	}
	dropped = calloc(r->nr_cpus, sizeof(*dropped));
	if (!dropped)
		return -1;
	while (avail < need) {
		unsigned int big = 0;

		for (i = 1; i < r->nr_cpus; i++)
			if (cpus[i].size > cpus[big].size)
				big = i;
		if (!cpus[big].size)
			break;
		/* the newest sub-buffer of the largest CPU: the least of the trace */
		if (ftruncate(cpus[big].fd, cpus[big].offset + cpus[big].size - r->page_size) < 0)
			break;
		cpus[big].size -= r->page_size;
		dropped[big]++;
		if (statvfs(dir, &vfs) == 0)
			avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
	}
	for (i = 0; i < r->nr_cpus; i++)
		if (dropped[i])
			ftx_warn("no room in %s: the last %u sub-buffers of cpu%u (%llu bytes) left out of the file",
				 dir, dropped[i], i, (unsigned long long)dropped[i] * r->page_size);
	free(dropped);
	if (avail < need) {
		human(a, sizeof(a), need);
		human(b, sizeof(b), avail);
		errno = ENOSPC;
		ftx_error_set("no room in %s even for the trace's headers (%s needed, %s free): the recording is lost",
			      dir, a, b);
		return -1;
	}
	return 0;
}

int ftx_recorder_collect(struct ftx_recorder *r)
{
	struct rec_meta *m = &r->meta;

	if (m->collected)
		return 0;
	if (!r->stopped || r->stream) {
		errno = EINVAL;
		ftx_error_set("recorder not stopped, or streaming");
		return -1;
	}
	if (collect_formats(r, &m->ftrace, &m->ev) < 0)
		return -1;
	m->kallsyms = ftx_read_file("/proc/kallsyms", &m->kallsyms_len);
	if (!m->kallsyms) {
		m->kallsyms_len = 0;
		ftx_warn("cannot read /proc/kallsyms (%s): kernel addresses will print as hex",
			 strerror(errno));
	} else if (kallsyms_hidden(m->kallsyms))
		ftx_warn("/proc/kallsyms hides addresses (kernel.kptr_restrict): kernel addresses will print as hex");
	m->printk = rec_read_at(r->top, "printk_formats", &m->printk_len);
	if (!m->printk)
		m->printk_len = 0;
	rec_comms_collect(r);
	m->cmdlines = rec_cmdlines_build(r, &m->cmdlines_len);
	if (!m->cmdlines)
		m->cmdlines_len = 0;
	m->clock_text = rec_read_at(r->inst, "trace_clock", &m->clock_len);
	ftx_error_clear();
	rec_drain_close_buffers(r);
	r->s = NULL;	/* the caller may destroy the session now */
	m->collected = true;
	return 0;
}

void rec_meta_free(struct ftx_recorder *r)
{
	struct rec_meta *m = &r->meta;

	fmt_free(&m->ftrace);
	fmt_free(&m->ev);
	free(m->kallsyms);
	free(m->printk);
	free(m->cmdlines);
	free(m->clock_text);
	memset(m, 0, sizeof(*m));
}

int ftx_recorder_write(struct ftx_recorder *r, const char *path)
{
	struct ftx_tdat_info info = { 0 };
	struct ftx_tdat_cpu_data *cpus = NULL;
	struct ftx_tdat_option *opts = NULL;
	struct rec_meta *m;
	char **cpustat = NULL, *tmp = NULL, *dir = NULL, uname_buf[4 * 65 + 4], clock[32] = "local";
	bool named = false, consume = false;
	const char *outdir;
	struct utsname u;
	size_t nopt = 0;
	unsigned int i;
	mode_t um;
	int fd = -1, ret = -1, err;

	if (ftx_recorder_collect(r) < 0)
		return -1;
	m = &r->meta;
	info.version = r->file_version;
	info.compression = r->compression;
	info.page_size = r->page_size;
	info.header_page = r->header_page;
	info.header_page_len = r->header_page_len;
	info.header_event = r->header_event;
	info.header_event_len = r->header_event_len;
	info.ftrace_formats = m->ftrace.f;
	info.nr_ftrace_formats = m->ftrace.n;
	info.event_formats = m->ev.f;
	info.nr_event_formats = m->ev.n;
	info.kallsyms = m->kallsyms;
	info.kallsyms_len = m->kallsyms_len;
	info.printk_formats = m->printk;
	info.printk_formats_len = m->printk_len;
	info.cmdlines = m->cmdlines;
	info.cmdlines_len = m->cmdlines_len;
	info.nr_cpus = r->nr_cpus;

	/* options: DATE (--date), one CPUSTAT per CPU, TRACECLOCK, UNAME, VERSION */
	opts = calloc(r->nr_cpus + 5, sizeof(*opts));
	cpustat = calloc(r->nr_cpus, sizeof(*cpustat));
	cpus = calloc(r->nr_cpus, sizeof(*cpus));
	if (!opts || !cpustat || !cpus) {
		ftx_error_set("out of memory");
		goto out;
	}
	if (r->date)
		opts[nopt++] = (struct ftx_tdat_option){ FTX_TDAT_OPT_DATE, strlen(r->date) + 1,
							 r->date };
	for (i = 0; i < r->nr_cpus; i++) {
		struct rec_cpu *c = &r->cpus[i];

		cpus[i].fd = c->tmp_fd;
		/* whole sub-buffers: a full disk may have cut the last one */
		cpus[i].size = c->tmp_fd >= 0 ? c->tmp_len - c->tmp_len % r->page_size : 0;
		if (!c->stats_text)
			continue;
		if (asprintf(&cpustat[i], "CPU: %u\n%s", i, c->stats_text) < 0) {
			cpustat[i] = NULL;
			continue;
		}
		opts[nopt++] = (struct ftx_tdat_option){ FTX_TDAT_OPT_CPUSTAT,
							 strlen(cpustat[i]) + 1, cpustat[i] };
	}
	if (m->clock_text) {
		char *b = strchr(m->clock_text, '['), *e = b ? strchr(b, ']') : NULL;

		if (b && e && e - b - 1 < (ptrdiff_t)sizeof(clock)) {
			memcpy(clock, b + 1, e - b - 1);
			clock[e - b - 1] = '\0';
		}
		opts[nopt++] = (struct ftx_tdat_option){ FTX_TDAT_OPT_TRACECLOCK,
							 m->clock_len + 1, m->clock_text };
	}
	if (uname(&u) == 0) {
		snprintf(uname_buf, sizeof(uname_buf), "%s %s %s %s", u.sysname, u.nodename,
			 u.release, u.machine);
		opts[nopt++] = (struct ftx_tdat_option){ FTX_TDAT_OPT_UNAME,
							 strlen(uname_buf) + 1, uname_buf };
	}
	opts[nopt++] = (struct ftx_tdat_option){ FTX_TDAT_OPT_VERSION,
						 sizeof("ftx " FTX_VERSION), "ftx " FTX_VERSION };
	info.options = opts;
	info.nr_options = nopt;
	info.clock = clock;

	/*
	 * An unnamed O_TMPFILE in the output's directory vanishes by itself if
	 * we are killed while writing; it gets a name only once complete, and
	 * is renamed over @path. Without O_TMPFILE, a named temp file.
	 */
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0 || !(dir = strdup(path))) {
		ftx_error_set("out of memory");
		goto out_notmp;
	}
	outdir = dirname(dir);
	if (make_room(r, outdir, &info, cpus, &consume) < 0)
		goto out_notmp;
	for (i = 0; i < r->nr_cpus; i++)
		cpus[i].consume = consume;
	fd = open(outdir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	if (fd < 0) {
		fd = mkostemp(tmp, O_CLOEXEC);
		if (fd < 0) {
			ftx_error_set("cannot create %s: %s", tmp, strerror(errno));
			goto out_notmp;
		}
		named = true;
		um = umask(0);
		umask(um);
		if (fchmod(fd, 0666 & ~um) < 0)
			ftx_debug("fchmod %s: %s", tmp, strerror(errno));
	}
	if (ftx_tdat_write(fd, &info, cpus) < 0)
		goto out;
	if (!named) {
		char proc[64];

		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		/* a fresh random name: linkat cannot replace an existing file */
		for (int tries = 0; !named && tries < 100; tries++) {
			int r2 = (int)(random() & 0xffffff);

			snprintf(tmp + strlen(path), 8, ".%06x", r2);
			if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0)
				named = true;
			else if (errno != EEXIST)
				break;
		}
		if (!named) {
			ftx_error_set("cannot create %s: %s", tmp, strerror(errno));
			goto out_notmp;
		}
	}
	if (close(fd) < 0) {
		fd = -1;
		ftx_error_set("cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		ftx_error_set("cannot rename %s to %s: %s", tmp, path, strerror(errno));
		goto out;
	}
	named = false;
	ret = 0;
out:
	err = errno;
	if (named)
		unlink(tmp);
	errno = err;
out_notmp:
	err = errno;
	if (fd >= 0)
		close(fd);
	free(tmp);
	free(dir);
	for (i = 0; cpustat && i < r->nr_cpus; i++)
		free(cpustat[i]);
	free(cpustat);
	free(cpus);
	free(opts);
	errno = err;
	return ret;
}

struct tep_handle *ftx_recorder_tep(struct ftx_recorder *r)
{
	struct fmt_list ftrace = { 0 }, ev = { 0 };
	struct tep_handle *tep;
	char *text;
	size_t i;

	if (r->tep)
		return r->tep;
	tep = tep_alloc();
	if (!tep) {
		ftx_error_set("out of memory");
		return NULL;
	}
	tep_set_long_size(tep, r->long_size);
	tep_set_page_size(tep, r->page_size);
	/* the recording host is the traced host: the file endianness is ours */
	tep_set_file_bigendian(tep, tep_is_local_bigendian(tep) ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	if (tep_parse_header_page(tep, r->header_page, r->header_page_len, r->long_size)) {
		ftx_error_set("cannot parse header_page");
		goto fail;
	}
	if (collect_formats(r, &ftrace, &ev) < 0)
		goto fail;
	for (i = 0; i < ftrace.n; i++)
		tep_parse_event(tep, ftrace.f[i].text, ftrace.f[i].len, "ftrace");
	for (i = 0; i < ev.n; i++)
		if (tep_parse_event(tep, ev.f[i].text, ev.f[i].len, ev.f[i].system))
			ftx_warn("cannot parse the format of %s:%s", ev.f[i].system, ev.f[i].name);
	text = ftx_read_file("/proc/kallsyms", NULL);
	if (text) {
		tep_parse_kallsyms(tep, text);
		free(text);
	}
	text = rec_read_at(r->top, "printk_formats", NULL);
	if (text) {
		tep_parse_printk_formats(tep, text);
		free(text);
	}
	ftx_error_clear();
	fmt_free(&ftrace);
	fmt_free(&ev);
	r->tep = tep;
	return tep;
fail:
	fmt_free(&ftrace);
	fmt_free(&ev);
	tep_free(tep);
	return NULL;
}
