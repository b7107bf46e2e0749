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
