// SPDX-License-Identifier: GPL-2.0
/*
 * tracefs plumbing shared by the session, 'ftx check' and 'ftx reset':
 * finding/mounting tracefs, the kernel lockdown mode, the kernel's own error
 * reasons (error_log) and the pure parsers that turn what a tracefs file
 * shows into what must be written back to restore it.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ftx/error.h"
#include "ftx/features.h"
#include "ftx/session.h"
#include "ftx/tracefs-util.h"
#include "ftx/util.h"

static const char *const tracefs_dirs[] = {
	"/sys/kernel/tracing",
	"/sys/kernel/debug/tracing",
};

static bool is_tracefs_dir(const char *dir)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/trace", dir);
	return access(path, F_OK) == 0;
}

const char *ftx_tracefs_mount(void)
{
	static const char *found;
	static char located[64];

	if (found && is_tracefs_dir(found))
		return found;
	/* tracefs, or only debugfs mounted (tracefs automounted at debugfs/tracing) */
	if (ftx_tracefs_locate(NULL, located, sizeof(located)) == 0) {
		found = located;
		return found;
	}
	/* Neither is mounted: mount tracefs where current kernels expect it. */
	if (mount("nodev", tracefs_dirs[0], "tracefs", 0, NULL) == 0 &&
	    is_tracefs_dir(tracefs_dirs[0])) {
		found = tracefs_dirs[0];
		return found;
	}
	/* Kernels before 4.1 only have tracing under debugfs. */
	if (access("/sys/kernel/debug", F_OK) == 0 &&
	    mount("nodev", "/sys/kernel/debug", "debugfs", 0, NULL) == 0 &&
	    is_tracefs_dir(tracefs_dirs[1])) {
		found = tracefs_dirs[1];
		return found;
	}
	if (!errno)
		errno = ENOENT;
	ftx_error_set("cannot mount tracefs on %s: %s (is CONFIG_FTRACE enabled?)",
		      tracefs_dirs[0], strerror(errno));
	return NULL;
}

/* Read /sys/kernel/security/lockdown as it is, NULL when it is not there. */
static char *lockdown_read_mounted(void)
{
	return ftx_read_file("/sys/kernel/security/lockdown", NULL);
}

/*
 * securityfs is often not mounted. Mount it in a child's private mount
 * namespace so the host's mount table is never touched, not even when we are
 * killed in between; fall back to mounting and unmounting it in place.
 */
static char *lockdown_read_private(void)
{
	char buf[256];
	int pfd[2], status;
	ssize_t n, len = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return NULL;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return NULL;
	}
	if (pid == 0) {
		char *s;

		close(pfd[0]);
		/* Not the parent's session handlers: a second Ctrl-C must not make
		 * this child restore (and rmdir) what the parent is using. */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL) < 0)
			_exit(2);
		s = lockdown_read_mounted();
		if (!s)
			_exit(3);
		if (write(pfd[1], s, strlen(s)) < 0)
			_exit(4);
		_exit(0);
	}
	close(pfd[1]);
	while (len < (ssize_t)sizeof(buf) - 1) {
		n = read(pfd[0], buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !len)
		return NULL;
	buf[len] = '\0';
	return strdup(buf);
}

static char *lockdown_read_mount_in_place(void)
{
	char *s;

	if (mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL) < 0)
		return NULL;
	s = lockdown_read_mounted();
	umount2("/sys/kernel/security", MNT_DETACH);
	return s;
}

int ftx_lockdown_parse(const char *text, char *mode, size_t size)
{
	const char *open, *close;

	open = text ? strchr(text, '[') : NULL;
	close = open ? strchr(open, ']') : NULL;
	if (!close || (size_t)(close - open - 1) >= size || close == open + 1) {
		errno = EINVAL;
		return -1;
	}
	memcpy(mode, open + 1, close - open - 1);
	mode[close - open - 1] = '\0';
	return 0;
}

const char *ftx_lockdown_mode(void)
{
	static char mode[32];
	static bool done;
	char *text;

	if (done)
		return mode[0] ? mode : NULL;
	text = lockdown_read_mounted();
	if (!text && errno == ENOENT && access("/sys/kernel/security", F_OK) == 0) {
		text = lockdown_read_private();
		if (!text)
			text = lockdown_read_mount_in_place();
	}
	done = true;
	if (!text || ftx_lockdown_parse(text, mode, sizeof(mode)) < 0)
		mode[0] = '\0';
	free(text);
	return mode[0] ? mode : NULL;
}

/*
 * error_log entries look like
 *	[  362.678266] trace_uprobe: error: $arg* can be used only on function entry or exit
 *	  Command: p:ftx/x /bin/true:0x23d0 a=$arg1
 *	                                       ^
 * Several writers share the log, so find the newest entry for our command.
 */
int ftx_error_log_find(const char *log, const char *command, char *reason, size_t size)
{
	const char *line, *next, *msg = NULL, *found = NULL;
	size_t cmdlen, found_len = 0, msg_len = 0;

	if (!log || !command) {
		errno = EINVAL;
		return -1;
	}
	while (*command == ' ' || *command == '\t')
		command++;
	cmdlen = strcspn(command, "\n");
	while (cmdlen && isspace((unsigned char)command[cmdlen - 1]))
		cmdlen--;
	for (line = log; *line; line = next) {
		const char *end = strchr(line, '\n');
		const char *p;

		next = end ? end + 1 : line + strlen(line);
		if (!end)
			end = next;
		if (line[0] == '[' && (p = strstr(line, " error: ")) && p < end) {
			const char *q;

			/* "event filter parse error: error: Field not found" */
			while ((q = strstr(p + 1, " error: ")) && q < end)
				p = q;
			msg = p + 8;
			msg_len = end - msg;
			continue;
		}
		p = line;
		while (p < end && *p == ' ')
			p++;
		if (msg && end - p > 9 && !strncmp(p, "Command: ", 9)) {
			size_t len = end - p - 9;

			p += 9;
			while (len && isspace((unsigned char)p[len - 1]))
				len--;
			/* The kernel may shorten long commands; a prefix is a match. */
			if (len && len <= cmdlen && !strncmp(p, command, len)) {
				found = msg;
				found_len = msg_len;
			}
			msg = NULL;
		}
	}
	if (!found) {
		errno = ENOENT;
		return -1;
	}
	if (found_len >= size)
		found_len = size - 1;
	memcpy(reason, found, found_len);
	reason[found_len] = '\0';
	ftx_strip(reason);
	return 0;
}

void ftx_tracefs_reason(const char *dir, const char *value, int err, char *reason, size_t size)
{
	char path[512];
	const char *mode;
	char *log;

	if (dir && value) {
		snprintf(path, sizeof(path), "%s/error_log", dir);
		log = ftx_read_file(path, NULL);
		if (log && ftx_error_log_find(log, value, reason, size) == 0) {
			free(log);
			return;
		}
		free(log);
	}
	if (err == EPERM && (mode = ftx_lockdown_mode()) && strcmp(mode, "none")) {
		snprintf(reason, size, "not permitted (lockdown=%s)", mode);
		return;
	}
	snprintf(reason, size, "%s", strerror(err));
}

void ftx_tracefs_explain(const char *dir, const char *what, const char *value)
{
	char reason[256];
	int saved = errno;

	ftx_tracefs_reason(dir, value, saved, reason, sizeof(reason));
	errno = saved;
	ftx_error_set("%s: %s", what, reason);
}

static const char *base_name(const char *file)
{
	const char *p = strrchr(file, '/');

	return p ? p + 1 : file;
}

bool ftx_tracefs_is_list(const char *file)
{
	static const char *const lists[] = {
		"set_event", "set_ftrace_filter", "set_ftrace_notrace", "set_graph_function",
		"set_graph_notrace", "set_event_pid", "set_event_notrace_pid",
		"set_ftrace_pid", "set_ftrace_notrace_pid",
	};
	const char *b = base_name(file);
	size_t i;

	for (i = 0; i < FTX_ARRAY_SIZE(lists); i++)
		if (!strcmp(b, lists[i]))
			return true;
	return false;
}

char *ftx_tracefs_restore_value(const char *file, const char *content)
{
	const char *b = base_name(file), *p, *q;
	char *out, *o;
	size_t n;

	if (!content) {
		errno = EINVAL;
		return NULL;
	}
	if (ftx_tracefs_is_list(file)) {
		/* One entry per line; comments ("#### all functions enabled ####")
		 * and the "no pid" placeholder mean the list is empty. */
		out = malloc(strlen(content) + 1);
		if (!out)
			return NULL;
		o = out;
		for (p = content; *p; p = q) {
			q = strchr(p, '\n');
			q = q ? q + 1 : p + strlen(p);
			n = q - p;
			while (n && isspace((unsigned char)p[n - 1]))
				n--;
			if (!n || p[0] == '#' || (n == 6 && !strncmp(p, "no pid", 6)))
				continue;
			memcpy(o, p, n);
			o += n;
			*o++ = '\n';
		}
		*o = '\0';
		return out;
	}
	if (!strcmp(b, "trace_clock")) {
		p = strchr(content, '[');
		q = p ? strchr(p, ']') : NULL;
		if (!q) {
			errno = EINVAL;
			return NULL;
		}
		return strndup(p + 1, q - p - 1);
	}
	if (!strcmp(b, "buffer_size_kb") && (p = strstr(content, "(expanded: "))) {
		/* Not yet allocated: restore the size it would have expanded to. */
		p += 11;
		return strndup(p, strspn(p, "0123456789"));
	}
	if (!strcmp(b, "filter")) {
		n = strlen(content);
		while (n && isspace((unsigned char)content[n - 1]))
			n--;
		if (n == 4 && !strncmp(content, "none", 4))
			return strdup("0");
		return strndup(content, n);
	}
	if (!strcmp(b, "enable")) {
		/* "0*"/"1*" mark soft-disabled events; "X" a mixed system. */
		if (content[0] != '0' && content[0] != '1') {
			errno = EINVAL;
			return NULL;
		}
		return strndup(content, 1);
	}
	n = strlen(content);
	while (n && isspace((unsigned char)content[n - 1]))
		n--;
	return strndup(content, n);
}

int ftx_dynevent_parse_name(const char *definition, char *group, size_t gsize,
			    char *event, size_t esize)
{
	const char *p = definition, *colon, *slash, *end;

	if (!p || !strchr("prez", *p))
		goto inval;
	colon = strchr(p, ':');
	end = p + strcspn(p, " \t\n");
	if (!colon || colon > end)
		goto inval;
	/* "p:" / "r10:" / "e:" prefix before the name */
	for (p++; p < colon; p++)
		if (!isdigit((unsigned char)*p))
			goto inval;
	slash = memchr(colon, '/', end - colon);
	if (!slash || slash == colon + 1 || slash + 1 >= end)
		goto inval;
	if ((size_t)(slash - colon - 1) >= gsize || (size_t)(end - slash - 1) >= esize)
		goto inval;
	memcpy(group, colon + 1, slash - colon - 1);
	group[slash - colon - 1] = '\0';
	memcpy(event, slash + 1, end - slash - 1);
	event[end - slash - 1] = '\0';
	return 0;
inval:
	errno = EINVAL;
	return -1;
}

int ftx_instance_name_parse(const char *name, pid_t *pid)
{
	unsigned long long v = 0;
	const char *p;

	if (strncmp(name, FTX_INSTANCE_PREFIX, strlen(FTX_INSTANCE_PREFIX)))
		goto inval;
	p = name + strlen(FTX_INSTANCE_PREFIX);
	if (!isdigit((unsigned char)*p) || *p == '0')
		goto inval;
	for (; isdigit((unsigned char)*p); p++) {
		v = v * 10 + (*p - '0');
		if (v > 0x7fffffff)
			goto inval;
	}
	/* "ftx-<pid>" or "ftx-<pid>-<n>" for further sessions of one process */
	if (*p == '-') {
		p++;
		if (!isdigit((unsigned char)*p))
			goto inval;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p)
		goto inval;
	*pid = (pid_t)v;
	return 0;
inval:
	errno = EINVAL;
	return -1;
}

bool ftx_pid_is_ftx(pid_t pid)
{
	char path[64], *comm;
	bool ret;

	if (pid <= 0)
		return false;
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	comm = ftx_read_file(path, NULL);
	if (!comm)
		return errno != ENOENT;	/* cannot tell: assume alive */
	/* A recycled pid now used by another program does not own the leftovers. */
	ret = !strncmp(comm, "ftx", 3);
	free(comm);
	return ret;
}
