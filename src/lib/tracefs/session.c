// SPDX-License-Identifier: GPL-2.0
/*
 * The tracefs session: every change ftx makes goes through here. Before a
 * file is written its original content is read and turned into "undo ops"
 * (path, bytes, truncate-or-append), rendered in advance so that the second
 * SIGINT can replay them from the signal handler with open/write/close only.
 * Ops that touch anything outside the private instance are also appended to
 * a journal, /run/ftx/<pid>, before the change is made, so 'ftx reset' can
 * replay them after a SIGKILL.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <tracefs.h>

#include "ftx/error.h"
#include "ftx/journal.h"
#include "ftx/session.h"
#include "ftx/test-hook.h"
#include "ftx/tracefs-util.h"
#include "ftx/util.h"

struct change {
	char *key;		/* path of the saved file, NULL for other kinds */
	struct ftx_journal_op *ops;
	int nr_ops;
	bool top;		/* outside the private instance: journaled */
};

struct ftx_session {
	unsigned int flags;
	const char *top;		/* tracefs mount (static) */
	char *dir;			/* session directory: instance or top */
	char *name;			/* instance name, NULL at the top level */
	struct tracefs_instance *inst;
	struct change *changes;
	int nr_changes;
	int alloc_changes;
	struct ftx_journal journal;
	bool journal_broken;		/* cannot journal: warned once, go on without */
	bool instance_made;
	bool registered;		/* in live_sessions */
	int *fds;			/* open in the instance: the second signal closes them */
	int nr_fds, alloc_fds;
};

#define FTX_MAX_SESSIONS 8
/*
 * Not SIGPIPE: it is ignored, and a closed reader shows as EPIPE on the
 * write, which the command handles ('ftx check | head' restores quietly).
 */
#define FTX_SIGNALS { SIGINT, SIGTERM, SIGHUP }

/* Sessions the signal handler restores; changed only with signals blocked. */
static struct ftx_session *live_sessions[FTX_MAX_SESSIONS];
static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t signals_caught;
static unsigned int session_count;

static void signals_block(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void signals_unblock(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

/* Async-signal-safe: open, write, close. */
static int op_apply(const struct ftx_journal_op *op)
{
	const char *buf = op->data;
	size_t len = op->len;
	ssize_t n;
	int fd, ret = 0;

	fd = open(op->path, O_WRONLY | O_CLOEXEC | (op->append ? O_APPEND : O_TRUNC));
	if (fd < 0)
		return -1;
	while (len) {
		n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -1;
			break;
		}
		if (n == 0)
			break;
		buf += n;
		len -= n;
	}
	if (close(fd) < 0 && !ret)
		ret = -1;
	return ret;
}

/*
 * Undo changes [from, nr) in reverse, each change's ops in order. Only
 * async-signal-safe calls, so the signal handler can use it. Returns the
 * number of ops that failed; *first_fail the index of the newest failure.
 */
static int session_undo_raw(struct ftx_session *s, int from, int *first_fail, int *err)
{
	int i, j, failed = 0;

	for (i = s->nr_changes - 1; i >= from; i--) {
		for (j = 0; j < s->changes[i].nr_ops; j++) {
			if (op_apply(&s->changes[i].ops[j]) < 0) {
				/* Gone: a probe already removed, or the files of one
				 * (by a restore that the second signal cut short). */
				if (errno == ENOENT)
					continue;
				if (!failed++) {
					if (first_fail)
						*first_fail = i;
					if (err)
						*err = errno;
				}
			}
		}
	}
	return failed;
}

static void change_free(struct change *c)
{
	int j;

	for (j = 0; j < c->nr_ops; j++) {
		free(c->ops[j].path);
		free(c->ops[j].data);
	}
	free(c->ops);
	free(c->key);
}

/* Write-ahead: the journal knows how to undo a top-level change before it happens. */
static int journal_add(struct ftx_session *s, const struct change *c)
{
	if (s->journal_broken)
		return 0;
	if (ftx_journal_open(&s->journal, s->name) < 0) {
		/* No /run (a minimal initramfs), read-only... Restoring on exit and
		 * on signals still works; only 'ftx reset' after SIGKILL cannot. */
		ftx_warn("%s: 'ftx reset' will not be able to undo this run after a SIGKILL",
			 ftx_error());
		s->journal_broken = true;
		return 0;
	}
	return ftx_journal_add(&s->journal, c->ops, c->nr_ops);
}

/* Takes ownership of c's contents, also on failure (they are freed). */
static int session_push(struct ftx_session *s, struct change *c)
{
	struct change *nc;
	sigset_t old;

	if (c->top && journal_add(s, c) < 0) {
		change_free(c);
		return -1;
	}
	signals_block(&old);
	if (s->nr_changes == s->alloc_changes) {
		int n = s->alloc_changes ? 2 * s->alloc_changes : 32;

		nc = realloc(s->changes, n * sizeof(*nc));
		if (!nc) {
			signals_unblock(&old);
			change_free(c);
			return -1;
		}
		s->changes = nc;
		s->alloc_changes = n;
	}
	s->changes[s->nr_changes++] = *c;
	signals_unblock(&old);
	return 0;
}

static int change_add_op(struct change *c, const char *path, const char *data, size_t len,
			 int append)
{
	struct ftx_journal_op *ops;

	ops = realloc(c->ops, (c->nr_ops + 1) * sizeof(*ops));
	if (!ops)
		return -1;
	c->ops = ops;
	ops[c->nr_ops].path = strdup(path);
	ops[c->nr_ops].data = malloc(len + 1);
	if (!ops[c->nr_ops].path || !ops[c->nr_ops].data) {
		free(ops[c->nr_ops].path);
		free(ops[c->nr_ops].data);
		return -1;
	}
	memcpy(ops[c->nr_ops].data, data, len);
	ops[c->nr_ops].data[len] = '\0';
	ops[c->nr_ops].len = len;
	ops[c->nr_ops].append = append;
	c->nr_ops++;
	return 0;
}

static bool session_saved(struct ftx_session *s, const char *path)
{
	int i;

	for (i = 0; i < s->nr_changes; i++)
		if (s->changes[i].key && !strcmp(s->changes[i].key, path))
			return true;
	return false;
}

static bool path_is_top(struct ftx_session *s, const char *path)
{
	size_t n;

	if (!s->name)
		return true;
	n = strlen(s->dir);
	return strncmp(path, s->dir, n) || path[n] != '/';
}

/* Save @path's current content as undo ops, once per file. */
static int session_save(struct ftx_session *s, const char *path)
{
	struct change c = { 0 };
	char *content, *value, *line, *next;
	int ret = -1;

	if (session_saved(s, path))
		return 0;
	content = ftx_read_file(path, NULL);
	if (!content) {
		ftx_tracefs_explain(NULL, path, "");
		ftx_error_prefix("cannot read ");
		return -1;
	}
	value = ftx_tracefs_restore_value(path, content);
	if (!value) {
		ftx_error_set("cannot save %s: unexpected content '%.40s'", path, content);
		free(content);
		return -1;
	}
	c.key = strdup(path);
	c.top = path_is_top(s, path);
	if (!c.key)
		goto out;
	if (ftx_tracefs_is_list(path)) {
		/* Empty the list, then add the original entries back one by one. */
		if (change_add_op(&c, path, "", 0, 0) < 0)
			goto out;
		for (line = value; *line; line = next) {
			next = strchr(line, '\n');
			*next++ = '\0';
			if (change_add_op(&c, path, line, strlen(line), 1) < 0)
				goto out;
		}
	} else if (change_add_op(&c, path, value, strlen(value), 0) < 0) {
		goto out;
	}
	ret = session_push(s, &c);
	c.key = NULL;
	c.ops = NULL;
	c.nr_ops = 0;
out:
	if (ret < 0)
		change_free(&c);
	free(value);
	free(content);
	return ret;
}

/* For messages: "instances/ftx-1/current_tracer" rather than the full path */
static const char *session_rel(struct ftx_session *s, const char *path)
{
	size_t n = strlen(s->top);

	return !strncmp(path, s->top, n) && path[n] == '/' ? path + n + 1 : path;
}

static int session_write(struct ftx_session *s, const char *path, const char *value, int append)
{
	struct ftx_journal_op op = { .path = (char *)path, .data = (char *)value,
			      .len = strlen(value), .append = append };
	int before = s->nr_changes;

	if (session_save(s, path) < 0)
		return -1;
	if (op_apply(&op) == 0)
		return 0;
	/*
	 * A refused write left the file as it was: nothing to put back. Under
	 * lockdown the old value may be refused too (buffer_subbuf_size_kb), so
	 * the restore would fail on a file that never changed.
	 */
	if (s->nr_changes == before + 1) {
		sigset_t old;
		int e = errno;

		signals_block(&old);
		change_free(&s->changes[--s->nr_changes]);
		signals_unblock(&old);
		errno = e;
	}
	/* The kernel explains rejected writes in the error_log of the instance
	 * (or top level) the file belongs to. */
	ftx_tracefs_explain(path_is_top(s, path) ? s->top : s->dir, session_rel(s, path), value);
	ftx_error_prefix("cannot write '%s' to ", value);
	return -1;
}

static char *session_path(const char *dir, const char *file)
{
	char *p;

	if (file[0] == '/')
		return strdup(file);
	if (asprintf(&p, "%s/%s", dir, file) < 0)
		return NULL;
	return p;
}

static int session_file_write(struct ftx_session *s, const char *dir, const char *file,
			      const char *value, int append)
{
	char *path;
	int ret;

	if (!s || !file || !value) {
		errno = EINVAL;
		ftx_error_set("invalid argument");
		return -1;
	}
	path = session_path(dir, file);
	if (!path)
		return -1;
	/* "trace_options" takes one option; save and set its own file instead. */
	if (!strcmp(file, "trace_options")) {
		const char *opt = value;
		char *opath;

		if (!strncmp(opt, "no", 2) && strlen(opt) > 2) {
			char *probe;

			/* "noirq-info" is irq-info off, unless an option is named "no..." */
			if (asprintf(&probe, "%s/options/%s", dir, opt) < 0) {
				free(path);
				return -1;
			}
			if (access(probe, F_OK) < 0)
				opt += 2;
			free(probe);
		}
		free(path);
		if (asprintf(&opath, "%s/options/%s", dir, opt) < 0)
			return -1;
		ret = session_write(s, opath, opt == value ? "1" : "0", 0);
		free(opath);
		return ret;
	}
	ret = session_write(s, path, value, append);
	free(path);
	return ret;
}

int ftx_session_set(struct ftx_session *s, const char *file, const char *value)
{
	return session_file_write(s, s ? s->dir : NULL, file, value, 0);
}

int ftx_session_set_top(struct ftx_session *s, const char *file, const char *value)
{
	return session_file_write(s, s ? s->top : NULL, file, value, 0);
}

int ftx_session_append(struct ftx_session *s, const char *file, const char *value)
{
	return session_file_write(s, s ? s->dir : NULL, file, value, 1);
}

static int event_dir_enable(struct ftx_session *s, const char *evdir, const char *filter)
{
	char path[2048];

	if (filter) {
		snprintf(path, sizeof(path), "%s/filter", evdir);
		if (session_write(s, path, filter, 0) < 0)
			return -1;
	}
	snprintf(path, sizeof(path), "%s/enable", evdir);
	return session_write(s, path, "1", 0);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int ftx_session_event_enable(struct ftx_session *s, const char *system, const char *event,
			     const char *filter)
{
	char evroot[512], sysdir[1024], evdir[1536];
	struct dirent *sd, *ed;
	DIR *sdir, *edir;
	int matched = 0, ret = 0;

	if (!s) {
		errno = EINVAL;
		return -1;
	}
	if (!system || !*system)
		system = "*";
	if (!event || !*event)
		event = "*";
	snprintf(evroot, sizeof(evroot), "%s/events", s->dir);
	sdir = opendir(evroot);
	if (!sdir) {
		ftx_error_set("cannot open %s: %s", evroot, strerror(errno));
		return -1;
	}
	/* Enable event by event: a system's own enable file shows "X" when mixed,
	 * which cannot be written back, while each event's state can. */
	while (ret == 0 && (sd = readdir(sdir))) {
		if (sd->d_name[0] == '.' || fnmatch(system, sd->d_name, 0))
			continue;
		snprintf(sysdir, sizeof(sysdir), "%s/%s", evroot, sd->d_name);
		if (!is_dir(sysdir))
			continue;
		edir = opendir(sysdir);
		if (!edir)
			continue;
		while ((ed = readdir(edir))) {
			if (ed->d_name[0] == '.' || fnmatch(event, ed->d_name, 0))
				continue;
			snprintf(evdir, sizeof(evdir), "%s/%s", sysdir, ed->d_name);
			if (!is_dir(evdir))
				continue;
			matched++;
			if (event_dir_enable(s, evdir, filter) < 0) {
				ftx_error_prefix("cannot enable %s:%s: ", sd->d_name, ed->d_name);
				ret = -1;
				break;
			}
		}
		closedir(edir);
	}
	closedir(sdir);
	if (ret == 0 && !matched) {
		errno = ENOENT;
		ftx_error_set("cannot enable %s:%s: no such event", system, event);
		return -1;
	}
	return ret;
}

int ftx_session_dynevent_create(struct ftx_session *s, const char *definition)
{
	char group[64], event[128], path[512], remove[256];
	struct change c = { 0 };
	const char *file = "dynamic_events";
	struct ftx_journal_op op = { 0 };

	if (!s || !definition ||
	    ftx_dynevent_parse_name(definition, group, sizeof(group), event, sizeof(event)) < 0) {
		errno = EINVAL;
		ftx_error_set("invalid dynamic event '%s': must name GROUP/EVENT",
			      definition ? definition : "(null)");
		return -1;
	}
	if (strncmp(group, FTX_PROBE_GROUP, strlen(FTX_PROBE_GROUP))) {
		errno = EINVAL;
		ftx_error_set("invalid dynamic event '%s': group must start with '%s' so "
			      "'ftx reset' can find it", definition, FTX_PROBE_GROUP);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/dynamic_events", s->top);
	if (access(path, F_OK) < 0) {
		/* Before 5.0 (no dynamic_events) each probe type has its own file;
		 * a uprobe's place is a path. */
		const char *place = strpbrk(definition, " \t");

		place = place ? place + strspn(place, " \t") : "";
		file = place[0] == '/' ? "uprobe_events" : "kprobe_events";
		snprintf(path, sizeof(path), "%s/%s", s->top, file);
		if (access(path, F_OK) < 0) {
			errno = ENOTSUP;
			ftx_error_set("cannot create %s/%s: this kernel has no dynamic events",
				      group, event);
			return -1;
		}
	}
	snprintf(remove, sizeof(remove), "-:%s/%s", group, event);
	c.top = true;
	if (change_add_op(&c, path, remove, strlen(remove), 1) < 0) {
		change_free(&c);
		return -1;
	}
	if (session_push(s, &c) < 0)	/* frees c on failure */
		return -1;
	op.path = path;
	op.data = (char *)definition;
	op.len = strlen(definition);
	op.append = 1;
	if (op_apply(&op) == 0)
		return 0;
	ftx_tracefs_explain(s->top, file, definition);
	ftx_error_prefix("cannot create %s/%s: ", group, event);
	/* Nothing was created: drop the pending removal (the journal keeps a
	 * harmless "-:" line that reset tolerates). */
	{
		sigset_t old;

		signals_block(&old);
		change_free(&s->changes[--s->nr_changes]);
		signals_unblock(&old);
	}
	return -1;
}

int ftx_session_restore(struct ftx_session *s)
{
	int failed, first = 0, err = 0, i;
	sigset_t old;

	if (!s)
		return 0;
	failed = session_undo_raw(s, 0, &first, &err);
	signals_block(&old);
	for (i = 0; i < s->nr_changes; i++)
		change_free(&s->changes[i]);
	s->nr_changes = 0;
	signals_unblock(&old);
	if (failed) {
		errno = err;
		ftx_error_set("cannot restore %d tracefs value(s): %s", failed, strerror(err));
		return -1;
	}
	return 0;
}

/* A session the signal handler cannot see would go unrestored: no slot is an error. */
static int session_register(struct ftx_session *s, bool add)
{
	sigset_t old;
	int i;

	signals_block(&old);
	for (i = 0; i < FTX_MAX_SESSIONS; i++) {
		if (add && !live_sessions[i]) {
			live_sessions[i] = s;
			break;
		}
		if (!add && live_sessions[i] == s) {
			live_sessions[i] = NULL;
			break;
		}
	}
	signals_unblock(&old);
	if (i < FTX_MAX_SESSIONS)
		return 0;
	errno = EMFILE;
	return -1;
}

int ftx_session_fd_add(struct ftx_session *s, int fd)
{
	sigset_t old;
	int ret = 0;

	signals_block(&old);
	if (s->nr_fds == s->alloc_fds) {
		int n = s->alloc_fds ? 2 * s->alloc_fds : 16;
		int *nf = realloc(s->fds, n * sizeof(*nf));

		if (nf) {
			s->fds = nf;
			s->alloc_fds = n;
		}
	}
	if (s->nr_fds < s->alloc_fds)
		s->fds[s->nr_fds++] = fd;
	else
		ret = -1;
	signals_unblock(&old);
	if (ret < 0)
		ftx_error_set("out of memory");
	return ret;
}

void ftx_session_fd_remove(struct ftx_session *s, int fd)
{
	sigset_t old;
	int i;

	if (!s)
		return;
	signals_block(&old);
	for (i = 0; i < s->nr_fds; i++) {
		if (s->fds[i] == fd) {
			s->fds[i] = s->fds[--s->nr_fds];
			break;
		}
	}
	signals_unblock(&old);
}

/* Unregister and free @s; tracefs and the journal are the caller's business. */
static void session_free(struct ftx_session *s)
{
	int i;

	if (s->registered)
		session_register(s, false);
	for (i = 0; i < s->nr_changes; i++)
		change_free(&s->changes[i]);
	free(s->changes);
	free(s->fds);
	tracefs_instance_free(s->inst);
	free(s->name);
	free(s->dir);
	free(s);
}

struct ftx_session *ftx_session_create(unsigned int flags)
{
	struct ftx_session *s;
	char name[64], *dir;
	unsigned int n;

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->flags = flags;
	s->journal.fd = -1;
	s->top = ftx_tracefs_mount();
	if (!s->top)
		goto fail;
	/* The locked journal exists before the instance does, so 'ftx reset'
	 * never sees this live session's instance without it. */
	if (ftx_journal_open(&s->journal, NULL) < 0)
		ftx_debug("%s", ftx_error());
	if (!(flags & FTX_SESSION_TOP)) {
		if (asprintf(&dir, "%s/instances", s->top) < 0)
			goto fail;
		if (access(dir, F_OK) < 0) {
			/* Instances arrived in 3.10; older kernels only have the top. */
			ftx_info("no tracefs instances on this kernel: using the top level");
			s->flags |= FTX_SESSION_TOP;
		}
		free(dir);
	}
	if (flags & FTX_SESSION_FLIGHT) {
		/* one flight recording at a time, found by its fixed name */
		snprintf(name, sizeof(name), "%s", FTX_FLIGHT_INSTANCE);
		if (s->flags & FTX_SESSION_TOP) {
			errno = EOPNOTSUPP;
			ftx_error_set("the flight recorder needs tracefs instances (3.10 and later)");
			goto fail;
		}
		if (asprintf(&s->dir, "%s/instances/%s", s->top, name) < 0)
			goto fail;
		if (mkdir(s->dir, 0755) < 0) {
			if (errno == EEXIST)
				ftx_error_set("a flight recording is running already (instances/%s): "
					      "'ftx stop' ends it", name);
			else
				ftx_tracefs_explain(s->top, "cannot create instance", name);
			free(s->dir);
			s->dir = NULL;
			goto fail;
		}
	} else if (!(s->flags & FTX_SESSION_TOP)) {
		for (n = session_count++;; n++) {
			if (n)
				snprintf(name, sizeof(name), FTX_INSTANCE_PREFIX "%d-%u",
					 (int)getpid(), n);
			else
				snprintf(name, sizeof(name), FTX_INSTANCE_PREFIX "%d", (int)getpid());
			if (asprintf(&s->dir, "%s/instances/%s", s->top, name) < 0)
				goto fail;
			if (mkdir(s->dir, 0755) == 0)
				break;
			if (errno != EEXIST || n > 64) {
				ftx_tracefs_explain(s->top, "cannot create instance", name);
				free(s->dir);
				s->dir = NULL;
				goto fail;
			}
			free(s->dir);
			s->dir = NULL;
		}
	}
	if (!(s->flags & FTX_SESSION_TOP)) {
		s->instance_made = true;
		s->name = strdup(name);
		if (!s->name)
			goto fail;
		ftx_journal_note_instance(&s->journal, name);
		s->inst = tracefs_instance_alloc(s->top, name);
		if (!s->inst) {
			ftx_error_set("cannot open instance %s: %s", name, strerror(errno));
			goto fail;
		}
	} else {
		s->dir = strdup(s->top);
		if (!s->dir)
			goto fail;
	}
	if (session_register(s, true) < 0) {
		ftx_error_set("too many sessions at once (at most %d)", FTX_MAX_SESSIONS);
		goto fail;
	}
	s->registered = true;
	return s;
fail:
	ftx_session_destroy(s);
	return NULL;
}

void ftx_session_destroy(struct ftx_session *s)
{
	int saved = errno;
	bool clean;

	if (!s)
		return;
	ftx_test_pause("session-destroy");
	clean = ftx_session_restore(s) == 0;
	ftx_test_pause("session-rmdir");
	if (s->instance_made && rmdir(s->dir) < 0) {
		ftx_warn("cannot remove instance %s: %s ('ftx reset' will)", s->name,
			 strerror(errno));
		clean = false;
	}
	/*
	 * Keep the journal when something could not be undone, for 'ftx reset';
	 * unlink before close so it is never seen unlocked. The signal handler
	 * sees the session until here: a second signal anywhere above still
	 * removes the instance and the journal.
	 */
	{
		sigset_t old;

		signals_block(&old);
		s->instance_made = false;
		ftx_journal_close(&s->journal, clean);
		signals_unblock(&old);
	}
	ftx_test_pause("session-unregister");
	session_free(s);
	errno = saved;
}

struct ftx_session *ftx_session_attach(const char *name)
{
	struct ftx_session *s;

	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->journal.fd = -1;
	/* nothing is changed through this session: nothing to journal */
	s->journal_broken = true;
	s->top = ftx_tracefs_mount();
	if (!s->top)
		goto fail;
	if (asprintf(&s->dir, "%s/instances/%s", s->top, name) < 0)
		goto fail;
	if (access(s->dir, F_OK) < 0) {
		ftx_error_set("no instance %s: %s", name, strerror(errno));
		goto fail;
	}
	s->name = strdup(name);
	s->inst = s->name ? tracefs_instance_alloc(s->top, name) : NULL;
	if (!s->inst) {
		ftx_error_set("cannot open instance %s: %s", name, strerror(errno));
		goto fail;
	}
	if (session_register(s, true) < 0) {
		ftx_error_set("too many sessions at once (at most %d)", FTX_MAX_SESSIONS);
		goto fail;
	}
	s->registered = true;
	return s;
fail:
	ftx_session_destroy(s);
	return NULL;
}

void ftx_session_detach(struct ftx_session *s)
{
	sigset_t old;

	if (!s)
		return;
	signals_block(&old);
	s->instance_made = false;
	/* kept for 'ftx stop' and 'ftx reset': they undo what it says */
	ftx_journal_close(&s->journal, false);
	signals_unblock(&old);
	session_free(s);
}

struct tracefs_instance *ftx_session_instance(struct ftx_session *s)
{
	return s ? s->inst : NULL;
}

const char *ftx_session_dir(struct ftx_session *s)
{
	return s ? s->dir : NULL;
}

const char *ftx_session_name(struct ftx_session *s)
{
	return s ? s->name : NULL;
}

/*
 * Everything but stdio and the journals (whose locks tell 'ftx reset' we are
 * alive): the code we interrupted may hold an instance file open (a read, a
 * restore write), and an open file keeps the instance busy. close_range
 * arrived in 5.9; before, a plain close() loop up to the fd limit.
 */
static void close_all_fds(void)
{
	int keep[FTX_MAX_SESSIONS + 1], nkeep = 0, i, j, fd;
	unsigned int lo = 3;
	struct rlimit rl;
	long max = 65536;

	for (i = 0; i < FTX_MAX_SESSIONS; i++) {
		if (!live_sessions[i] || live_sessions[i]->journal.fd < 3)
			continue;
		for (j = nkeep; j > 0 && keep[j - 1] > live_sessions[i]->journal.fd; j--)
			keep[j] = keep[j - 1];
		keep[j] = live_sessions[i]->journal.fd;
		nkeep++;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		max = rl.rlim_cur;
	keep[nkeep++] = (int)max;	/* the end */
	for (i = 0; i < nkeep; i++) {
		if ((unsigned int)keep[i] > lo &&
		    syscall(SYS_close_range, lo, (unsigned int)keep[i] - 1, 0U) < 0)
			for (fd = lo; fd < keep[i]; fd++)
				close(fd);
		lo = keep[i] + 1;
	}
}

/*
 * rmdir of an instance: EBUSY while a file of it is open. First the fds the
 * session registered (the per-CPU buffers), then, if still busy (a file the
 * interrupted code had open, a drain thread inside a splice), everything;
 * a few short waits for syscalls in other threads to let go.
 */
static int emergency_rmdir(struct ftx_session *s)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int k;

	for (k = 0; k < 50; k++) {
		if (rmdir(s->dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -1;
		if (k == 2)
			close_all_fds();
		nanosleep(&ts, NULL);
	}
	return -1;
}

/* Second signal: restore now, with async-signal-safe calls only, and die. */
static void session_emergency_restore(int sig)
{
	struct sigaction sa;
	int i, j, failed;

	for (i = 0; i < FTX_MAX_SESSIONS; i++) {
		struct ftx_session *s = live_sessions[i];

		for (j = 0; s && j < s->nr_fds; j++)
			close(s->fds[j]);
		if (s)
			s->nr_fds = 0;
	}
	for (i = 0; i < FTX_MAX_SESSIONS; i++) {
		struct ftx_session *s = live_sessions[i];

		if (!s)
			continue;
		failed = session_undo_raw(s, 0, NULL, NULL);
		if (s->instance_made && emergency_rmdir(s) < 0)
			failed++;
		/*
		 * The signal may have cut the normal restore short halfway, and
		 * the instance's enabled events keep its probes busy until the
		 * instance is gone: once it is, every step can be tried again
		 * (they are idempotent; what is gone already reads as ENOENT).
		 */
		if (failed) {
			failed = session_undo_raw(s, 0, NULL, NULL);
			if (s->instance_made && emergency_rmdir(s) < 0)
				failed++;
		}
		if (!failed && s->journal.path)
			unlink(s->journal.path);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(sig, &sa, NULL);
	{
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
	}
	raise(sig);
	_exit(128 + sig);
}

static void session_signal(int sig)
{
	if (stop_signal) {
		session_emergency_restore(sig);
		return;
	}
	stop_signal = sig;
}

int ftx_session_catch_signals(struct ftx_session *s)
{
	static const int sigs[] = FTX_SIGNALS;
	struct sigaction sa;
	size_t i;

	if (signals_caught)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = session_signal;
	/* No SA_RESTART: blocking reads and sleeps return EINTR on a stop. */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < FTX_ARRAY_SIZE(sigs); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (i = 0; i < FTX_ARRAY_SIZE(sigs); i++) {
		if (sigaction(sigs[i], &sa, NULL) < 0) {
			ftx_error_set("cannot catch signal %d: %s", sigs[i], strerror(errno));
			return -1;
		}
	}
	/* a closed reader is EPIPE on the write, for the command to handle */
	signal(SIGPIPE, SIG_IGN);
	signals_caught = 1;
	return 0;
}

bool ftx_session_stop_requested(void)
{
	return stop_signal != 0;
}

void ftx_session_stop_sigset(sigset_t *set)
{
	static const int sigs[] = FTX_SIGNALS;

	sigemptyset(set);
	for (size_t i = 0; i < FTX_ARRAY_SIZE(sigs); i++)
		sigaddset(set, sigs[i]);
}

int ftx_session_stop_signal(void)
{
	return stop_signal;
}
