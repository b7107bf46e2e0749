// SPDX-License-Identifier: GPL-2.0
/*
 * ftx_reset(): clean up after ftx processes that died without restoring
 * (SIGKILL, crash, power cut of a board with a persistent /run). What belongs
 * to a live ftx process or to anybody else is left alone: instances are
 * recognised by name (ftx-<pid>), probe groups by prefix (ftx*) and by the
 * journals of live processes, top-level settings by dead processes' journals.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "ftx/error.h"
#include "ftx/journal.h"
#include "ftx/reset.h"
#include "ftx/session.h"
#include "ftx/tracefs-util.h"
#include "ftx/util.h"

struct journal_ent {
	pid_t pid;
	char path[300];
	int fd;			/* holds the lock of a dead owner's journal, else -1 */
	bool alive;		/* its owner holds the lock */
	bool flight;		/* its instance is the flight recorder's */
};

/* Does the journal at @path name the flight recorder's instance? */
static bool journal_is_flight(const char *path)
{
	struct ftx_journal_op *ops;
	char *text, *inst = NULL;
	bool ret;
	int nr;

	text = ftx_read_file(path, NULL);
	if (!text)
		return false;
	nr = ftx_journal_parse(text, &ops, &inst);
	free(text);
	ret = nr >= 0 && inst && !strcmp(inst, FTX_FLIGHT_INSTANCE);
	if (nr >= 0)
		ftx_journal_free(ops, nr);
	free(inst);
	return ret;
}

struct reset_ctx {
	const char *top;
	void (*report)(const char *what, void *arg);
	void *arg;
	int handled;
	int failed;
	int err;		/* errno of the first failure */
	char **protected;	/* "group/event" of live ftx processes */
	int nr_protected;
	struct journal_ent *journals;
	int nr_journals;
	bool flight_live;	/* a live 'ftx start' is setting the flight recorder up */
};

static void reset_report(struct reset_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void reset_report(struct reset_ctx *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->handled++;
	if (c->report)
		c->report(msg, c->arg);
}

static void reset_fail(struct reset_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void reset_fail(struct reset_ctx *c, const char *fmt, ...)
{
	char msg[FTX_ERROR_MAX];
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!c->failed++) {
		c->err = saved ? saved : EIO;
		errno = saved;
		ftx_error_set("%s", msg);
	} else {
		ftx_warn("%s", msg);
	}
	errno = saved;
}

static int write_str(const char *path, const char *data, size_t len, bool append)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC));
	ssize_t n;

	if (fd < 0)
		return -1;
	while (len) {
		n = write(fd, data, len);
		if (n <= 0) {
			int saved = errno;

			close(fd);
			errno = n < 0 ? saved : EIO;
			return -1;
		}
		data += n;
		len -= n;
	}
	return close(fd);
}

/* Journal file name: "<pid>" or "<pid>.<n>" */
static int journal_name_parse(const char *name, pid_t *pid)
{
	unsigned long long v = 0;
	const char *p = name;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++)
		if ((v = v * 10 + (*p - '0')) > 0x7fffffff)
			return -1;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p || !v)
		return -1;
	*pid = (pid_t)v;
	return 0;
}

static bool op_is_dynevent_removal(const struct ftx_journal_op *op)
{
	return op->append && op->len > 2 && !strncmp(op->data, "-:", 2);
}

static void protect_journal(struct reset_ctx *c, const char *path)
{
	struct ftx_journal_op *ops;
	char *text, **np;
	int nr, i;

	text = ftx_read_file(path, NULL);
	if (!text)
		return;
	nr = ftx_journal_parse(text, &ops, NULL);
	free(text);
	for (i = 0; i < nr; i++) {
		if (!op_is_dynevent_removal(&ops[i]))
			continue;
		np = realloc(c->protected, (c->nr_protected + 1) * sizeof(*np));
		if (!np)
			break;
		c->protected = np;
		np[c->nr_protected] = strdup(ops[i].data + 2);
		if (np[c->nr_protected])
			c->nr_protected++;
	}
	ftx_journal_free(ops, nr);
}

static const char *rel(struct reset_ctx *c, const char *path)
{
	size_t n = strlen(c->top);

	return !strncmp(path, c->top, n) && path[n] == '/' ? path + n + 1 : path;
}

static bool is_protected(struct reset_ctx *c, const char *name)
{
	int i;

	for (i = 0; i < c->nr_protected; i++)
		if (!strcmp(c->protected[i], name))
			return true;
	return false;
}

static void replay_journal(struct reset_ctx *c, const char *path, pid_t pid)
{
	struct ftx_journal_op *ops;
	int nr, i, j, start, failed = 0;
	char *text;

	text = ftx_read_file(path, NULL);
	if (!text) {
		reset_fail(c, "cannot read %s: %s", path, strerror(errno));
		return;
	}
	nr = ftx_journal_parse(text, &ops, NULL);
	free(text);
	if (nr < 0) {
		reset_fail(c, "%s: not an ftx journal, left alone", path);
		return;
	}
	/* Groups newest first, each group's ops in order (as session.c does). */
	for (i = nr - 1; i >= 0; i = start - 1) {
		for (start = i; start > 0 && ops[start - 1].group == ops[i].group; start--)
			;
		for (j = start; j <= i; j++) {
			const struct ftx_journal_op *op = &ops[j];

			/* The dead run failed to create a probe another, live run
			 * owns (same name): not ours to remove. */
			if (op_is_dynevent_removal(op) && is_protected(c, op->data + 2))
				continue;
			if (write_str(op->path, op->data, op->len, op->append) == 0) {
				if (op_is_dynevent_removal(op))
					reset_report(c, "removed dynamic event %s (ftx pid %d)",
						     op->data + 2, (int)pid);
				else if (!op->append || j == start)
					reset_report(c, "restored %s (ftx pid %d)",
						     rel(c, op->path), (int)pid);
				continue;
			}
			/* Already gone (the run got that far, or a reset did): fine. */
			if (op_is_dynevent_removal(op) && (errno == ENOENT || errno == EINVAL))
				continue;
			if (errno == ENOENT && access(op->path, F_OK) < 0)
				continue;
			failed++;
			reset_fail(c, "cannot restore %s (ftx pid %d): %s", rel(c, op->path),
				   (int)pid, strerror(errno));
		}
	}
	ftx_journal_free(ops, nr);
	if (!failed && unlink(path) == 0)
		reset_report(c, "removed journal %s", path);
}

/*
 * A running session holds an exclusive flock on its journal (session.c), so a
 * journal whose lock we get belongs to a dead process, whatever now runs
 * under its pid. We keep that lock while replaying, against a second reset.
 */
static void scan_journals(struct reset_ctx *c)
{
	struct journal_ent *nj, *j;
	struct dirent *d;
	pid_t pid;
	DIR *dir;

	dir = opendir(FTX_JOURNAL_DIR);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (journal_name_parse(d->d_name, &pid) < 0)
			continue;
		nj = realloc(c->journals, (c->nr_journals + 1) * sizeof(*nj));
		if (!nj)
			break;
		c->journals = nj;
		j = &nj[c->nr_journals];
		j->pid = pid;
		snprintf(j->path, sizeof(j->path), "%s/%s", FTX_JOURNAL_DIR, d->d_name);
		j->fd = open(j->path, O_RDONLY | O_CLOEXEC);
		if (j->fd < 0)
			continue;
		j->flight = journal_is_flight(j->path);
		if (flock(j->fd, LOCK_EX | LOCK_NB) == 0) {
			j->alive = false;
		} else {
			if (j->flight)
				c->flight_live = true;
			j->alive = true;
			close(j->fd);
			j->fd = -1;
			protect_journal(c, j->path);
		}
		c->nr_journals++;
	}
	closedir(dir);
}

/* Is @pid a live ftx process? Its journals know best; else its comm. */
static bool pid_alive(struct reset_ctx *c, pid_t pid)
{
	bool seen = false;
	int i;

	for (i = 0; i < c->nr_journals; i++) {
		if (c->journals[i].pid != pid)
			continue;
		if (c->journals[i].alive)
			return true;
		seen = true;
	}
	return seen ? false : ftx_pid_is_ftx(pid);
}

static void replay_journals(struct reset_ctx *c)
{
	int i;

	for (i = 0; i < c->nr_journals; i++) {
		if (c->journals[i].alive)
			continue;
		replay_journal(c, c->journals[i].path, c->journals[i].pid);
		close(c->journals[i].fd);
		c->journals[i].fd = -1;
	}
}

static void reset_instances(struct reset_ctx *c)
{
	char path[512];
	struct dirent *d;
	pid_t pid;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/instances", c->top);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		if (!strcmp(d->d_name, FTX_FLIGHT_INSTANCE) && !c->flight_live) {
			/* 'ftx start' left it running on purpose; reset ends it as 'ftx stop' */
			snprintf(path, sizeof(path), "%s/instances/%s", c->top, d->d_name);
			if (rmdir(path) == 0)
				reset_report(c, "removed instance %s (the flight recorder)",
					     d->d_name);
			else
				reset_fail(c, "cannot remove instance %s: %s", d->d_name,
					   strerror(errno));
			continue;
		}
		if (ftx_instance_name_parse(d->d_name, &pid) < 0 || pid_alive(c, pid))
			continue;
		snprintf(path, sizeof(path), "%s/instances/%s", c->top, d->d_name);
		if (rmdir(path) == 0)
			reset_report(c, "removed instance %s (pid %d is gone)", d->d_name, (int)pid);
		else
			reset_fail(c, "cannot remove instance %s: %s", d->d_name, strerror(errno));
	}
	closedir(dir);
}

static void reset_dynevents_in(struct reset_ctx *c, const char *file)
{
	char path[512], group[64], event[128], name[200], cmd[256];
	char *text, *line, *next;

	snprintf(path, sizeof(path), "%s/%s", c->top, file);
	text = ftx_read_file(path, NULL);
	if (!text)
		return;
	for (line = text; *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (ftx_dynevent_parse_name(line, group, sizeof(group), event, sizeof(event)) < 0 ||
		    strncmp(group, FTX_PROBE_GROUP, strlen(FTX_PROBE_GROUP)))
			continue;
		snprintf(name, sizeof(name), "%s/%s", group, event);
		if (is_protected(c, name))
			continue;
		snprintf(cmd, sizeof(cmd), "-:%s", name);
		if (write_str(path, cmd, strlen(cmd), true) == 0)
			reset_report(c, "removed dynamic event %s", name);
		else if (errno != ENOENT)
			reset_fail(c, "cannot remove dynamic event %s: %s%s", name, strerror(errno),
				   errno == EBUSY ? " (enabled in some instance)" : "");
	}
	free(text);
}

static void reset_ctx_free(struct reset_ctx *c)
{
	int i;

	for (i = 0; i < c->nr_protected; i++)
		free(c->protected[i]);
	free(c->protected);
	for (i = 0; i < c->nr_journals; i++)
		if (c->journals[i].fd >= 0)
			close(c->journals[i].fd);
	free(c->journals);
}

int ftx_flight_stop(void (*report)(const char *what, void *arg), void *arg)
{
	struct reset_ctx c = { .report = report, .arg = arg };
	char path[512];
	int i, ret = -1, err;

	c.top = ftx_tracefs_mount();
	if (!c.top)
		return -1;
	ftx_error_clear();
	scan_journals(&c);
	snprintf(path, sizeof(path), "%s/instances/%s", c.top, FTX_FLIGHT_INSTANCE);
	if (c.flight_live) {
		err = EBUSY;
		ftx_error_set("'ftx start' is still setting the flight recorder up");
		goto out;
	}
	if (access(path, F_OK) < 0) {
		err = ENOENT;
		ftx_error_set("no flight recording is running ('ftx start' starts one)");
		goto out;
	}
	/* the instance first: its events keep probes busy until it is gone */
	if (rmdir(path) < 0) {
		err = errno;
		ftx_error_set("cannot remove instance %s: %s%s", FTX_FLIGHT_INSTANCE,
			      strerror(err), err == EBUSY ? " (an 'ftx extract' is reading it?)" : "");
		goto out;
	}
	reset_report(&c, "removed instance " FTX_FLIGHT_INSTANCE);
	for (i = 0; i < c.nr_journals; i++) {
		if (c.journals[i].alive || !c.journals[i].flight)
			continue;
		replay_journal(&c, c.journals[i].path, c.journals[i].pid);
	}
	err = c.err;
	ret = c.failed ? -1 : c.handled;
out:
	reset_ctx_free(&c);
	errno = err;
	return ret;
}

int ftx_reset(void (*report)(const char *what, void *arg), void *arg)
{
	struct reset_ctx c = { .report = report, .arg = arg };
	char path[512];

	c.top = ftx_tracefs_mount();
	if (!c.top)
		return -1;
	ftx_error_clear();
	/* Learn what live ftx processes own before touching anything. */
	scan_journals(&c);
	/* Instances first: removing one disables its events, which frees probes. */
	reset_instances(&c);
	replay_journals(&c);
	snprintf(path, sizeof(path), "%s/dynamic_events", c.top);
	if (access(path, F_OK) == 0) {
		reset_dynevents_in(&c, "dynamic_events");
	} else {
		reset_dynevents_in(&c, "uprobe_events");
		reset_dynevents_in(&c, "kprobe_events");
	}
	reset_ctx_free(&c);
	if (c.failed) {
		errno = c.err;
		return -1;
	}
	return c.handled;
}
