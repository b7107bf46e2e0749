// SPDX-License-Identifier: GPL-2.0
/*
 * The traced command: forked early so its pid can go into the filters, held
 * on a pipe until tracing is on, then exec'd. Shared by record, stream and
 * (later) stat.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "ftx/error.h"
#include "ftx/recorder.h"

/* --user: a name or a numeric uid, looked up before the fork */
static int lookup_user(const char *user, struct passwd *pw, char *buf, size_t size)
{
	struct passwd *res = NULL;
	char *end;
	unsigned long uid = strtoul(user, &end, 10);
	int err;

	err = *user && !*end ? getpwuid_r(uid, pw, buf, size, &res) :
			       getpwnam_r(user, pw, buf, size, &res);
	if (!res) {
		errno = err ? err : ENOENT;
		ftx_error_set("unknown user '%s'", user);
		return -1;
	}
	return 0;
}

/* In the child: close @fd if the exec would (FD_CLOEXEC), unless it is @keep0/@keep1 */
static void close_if_cloexec(int fd, int keep0, int keep1)
{
	int fl;

	if (fd < 3 || fd == keep0 || fd == keep1)
		return;
	fl = fcntl(fd, F_GETFD);
	if (fl >= 0 && (fl & FD_CLOEXEC))
		close(fd);
}

/*
 * In the child, right after the fork: what the exec would close goes now.
 * The held child otherwise keeps the recorder's trace_pipe_raw, pipes and
 * temp files open until it is released, and a recording that fails in
 * between cannot remove its instance (EBUSY). Async-signal-safe: getdents64
 * on /proc/self/fd into a stack buffer (the parent may have threads, so no
 * malloc after the fork), a plain loop up to the fd limit without /proc.
 */
static void close_exec_fds(int keep0, int keep1)
{
	char buf[4096];
	struct rlimit rl;
	long n, max = 65536;
	int dir, fd;

	dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir >= 0) {
		while ((n = syscall(SYS_getdents64, dir, buf, sizeof(buf))) > 0) {
			for (long off = 0; off < n;) {
				unsigned short reclen;
				const char *name = buf + off + 19;	/* d_ino, d_off, d_reclen, d_type */

				memcpy(&reclen, buf + off + 16, sizeof(reclen));
				off += reclen;
				fd = 0;
				if (*name < '0' || *name > '9')
					continue;
				for (; *name >= '0' && *name <= '9'; name++)
					fd = fd * 10 + (*name - '0');
				if (fd != dir)
					close_if_cloexec(fd, keep0, keep1);
			}
		}
		close(dir);
		if (n == 0)
			return;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (long)rl.rlim_cur < max)
		max = rl.rlim_cur;
	for (fd = 3; fd < max; fd++)
		close_if_cloexec(fd, keep0, keep1);
}

/* In the child, before the exec: the user's groups, gid, uid (in that order) */
static int become_user(const struct passwd *pw)
{
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0)
		return -1;
	return 0;
}

int ftx_child_spawn(struct ftx_child *c, char *const argv[])
{
	int sync[2], errp[2];
	struct passwd pw;
	char pwbuf[4096];

	c->pid = -1;
	c->sync_fd = c->err_fd = -1;
	if (c->user && lookup_user(c->user, &pw, pwbuf, sizeof(pwbuf)) < 0)
		return -1;
	if (pipe2(sync, O_CLOEXEC) < 0) {
		ftx_error_set("pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(errp, O_CLOEXEC) < 0) {
		ftx_error_set("pipe: %s", strerror(errno));
		close(sync[0]);
		close(sync[1]);
		return -1;
	}
	c->pid = fork();
	if (c->pid < 0) {
		int err = errno;

		close(sync[0]);
		close(sync[1]);
		close(errp[0]);
		close(errp[1]);
		errno = err;
		ftx_error_set("cannot fork: %s", strerror(err));
		return -1;
	}
	if (c->pid == 0) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };
		sigset_t none;
		char go = 0;
		int e;

		close(sync[1]);
		close(errp[0]);
		close_exec_fds(sync[0], errp[1]);
		sigaction(SIGINT, &dfl, NULL);
		sigaction(SIGTERM, &dfl, NULL);
		sigaction(SIGHUP, &dfl, NULL);
		sigaction(SIGPIPE, &dfl, NULL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		while (read(sync[0], &go, 1) < 0 && errno == EINTR)
			;
		if (go != 'g')
			_exit(127);	/* the recorder gave up before starting */
		if (c->user && become_user(&pw) < 0) {
			e = errno;
			(void)!write(errp[1], &e, sizeof(e));
			_exit(127);
		}
		execvp(argv[0], argv);
		e = errno;
		(void)!write(errp[1], &e, sizeof(e));
		_exit(127);
	}
	close(sync[0]);
	close(errp[1]);
	c->sync_fd = sync[1];
	c->err_fd = errp[0];
	return 0;
}

int ftx_child_release(struct ftx_child *c, const char *name)
{
	int e = 0;
	ssize_t n;

	if (write(c->sync_fd, "g", 1) != 1) {
		ftx_error_set("cannot start %s: %s", name, strerror(errno));
		return -1;
	}
	close(c->sync_fd);
	c->sync_fd = -1;
	/* EOF at exec (CLOEXEC), or the exec's errno */
	do
		n = read(c->err_fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(c->err_fd);
	c->err_fd = -1;
	if (n == (ssize_t)sizeof(e) && e) {
		waitpid(c->pid, NULL, 0);
		c->pid = -1;
		errno = e;
		ftx_error_set("cannot run %s: %s", name, strerror(e));
		return -1;
	}
	return 0;
}

int ftx_child_poll(struct ftx_child *c, int *status)
{
	pid_t w;

	if (c->pid <= 0)
		return 1;
	do
		w = waitpid(c->pid, status, WNOHANG);
	while (w < 0 && errno == EINTR);
	if (w == c->pid) {
		c->pid = -1;
		return 1;
	}
	return w < 0 ? -1 : 0;
}

bool ftx_child_abandon(struct ftx_child *c)
{
	bool held = c->sync_fd >= 0;
	int st;

	if (c->sync_fd >= 0)
		close(c->sync_fd);
	if (c->err_fd >= 0)
		close(c->err_fd);
	c->sync_fd = c->err_fd = -1;
	if (c->pid <= 0)
		return false;
	if (held) {
		waitpid(c->pid, NULL, 0);
		c->pid = -1;
		return false;
	}
	return ftx_child_poll(c, &st) == 0;
}
