// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat reader, crash guard: libtraceevent 1.7's parsers crash on some
 * malformed format texts. Two defences, both here: a fault guard around each
 * parse call, and the canary, a forked child that parses odd metadata first.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ftx/util.h"
#include "tracedat-local.h"

/*
 * libtraceevent 1.7's parsers crash (NULL dereference, division by zero,
 * overruns) on some malformed format texts; trace-cmd report dies on those
 * files. Format texts are corruption-checked first and odd ones tried in a
 * child (td_canary_start()), but a check cannot foresee every crash, so each
 * libtraceevent parse call also runs under a fault guard: a fault there
 * becomes "offset N: libtraceevent crashed parsing ..." and the tep is
 * abandoned (not freed: its state is unknown), instead of taking the
 * caller's process down. The faults are synchronous, in parser code (not in
 * malloc), which is what makes jumping out of them workable.
 */
static __thread sigjmp_buf *guard_jmp;

static void guard_handler(int sig)
{
	if (guard_jmp)
		siglongjmp(*guard_jmp, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static const int guard_sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL };

struct guard {
	struct sigaction old[4];
	sigjmp_buf env;
};

static void guard_on(struct guard *g)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = guard_handler;
	sa.sa_flags = SA_NODEFER;	/* no signal left blocked after the jump */
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < FTX_ARRAY_SIZE(guard_sigs); i++)
		sigaction(guard_sigs[i], &sa, &g->old[i]);
	guard_jmp = &g->env;
}

static void guard_off(struct guard *g)
{
	size_t i;

	guard_jmp = NULL;
	for (i = 0; i < FTX_ARRAY_SIZE(guard_sigs); i++)
		sigaction(guard_sigs[i], &g->old[i], NULL);
}

int td_guard_call(void (*fn)(struct parse_call *), struct parse_call *pc)
{
	struct guard g;
	int sig;

	guard_on(&g);
	sig = sigsetjmp(g.env, 0);
	if (!sig)
		fn(pc);
	guard_off(&g);
	return sig;
}

/* Run @fn(@pc) guarded; a fault fails the reader at @off */
int td_guarded(struct ftx_tracedat *td, uint64_t off, const char *what,
	       void (*fn)(struct parse_call *), struct parse_call *pc)
{
	int sig = td_guard_call(fn, pc);

	if (!sig)
		return 0;
	td->tep_poisoned = true;
	return td_fail(td, off, "libtraceevent crashed (signal %d) parsing the %s here; "
		       "trace-cmd cannot read this file either", sig, what);
}

/*
 * The canary. libtraceevent 1.7 dereferences NULL or overruns on some
 * malformed event formats (trace-cmd report dies on those files). Formats not
 * shaped as the kernel writes them are kept aside; a forked child then parses
 * all the metadata, and a crash there becomes an error message instead of
 * ours. If the child cannot be started the formats are parsed unguarded.
 */
void td_canary_start(struct ftx_tracedat *td)
{
	volatile uint64_t *prog;
	int pfd[2];
	pid_t pid;

	td->canary_fd = -1;
	prog = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (prog == MAP_FAILED)
		return;
	if (pipe2(pfd, O_CLOEXEC)) {
		munmap((void *)prog, 4096);
		return;
	}
	prog[0] = 0;
	prog[1] = 0;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		munmap((void *)prog, 4096);
		return;
	}
	if (pid == 0) {
		struct rlimit nocore = { 0, 0 };
		struct ftx_tracedat *t = calloc(1, sizeof(*t));

		close(pfd[0]);
		setrlimit(RLIMIT_CORE, &nocore);
		if (t) {
			t->name = td->name;
			t->fd = td->fd;
			t->mem = td->mem;
			t->fsize = td->fsize;
			t->flags = td->flags | FTX_TRACEDAT_NO_PLUGINS;
			t->canary = true;
			t->progress = prog;
			td_open(t);
		}
		prog[1] = 1;	/* survived: the verdict, not the exit status (valgrind's) */
		_exit(0);
	}
	close(pfd[1]);
	td->canary_pid = pid;
	td->canary_fd = pfd[0];
	td->progress = prog;
}

/* 0: the formats are safe to parse here; -1: the child died on them */
int td_canary_wait(struct ftx_tracedat *td)
{
	struct pollfd pfd = { .fd = td->canary_fd, .events = POLLIN };
	int status = 0, r;
	uint64_t off, survived;
	bool hung = false;

	if (td->canary_pid <= 0)
		return 0;
	/* the pipe's write end dies with the child: EOF/HUP when it is gone */
	do {
		r = poll(&pfd, 1, 10000);
	} while (r < 0 && errno == EINTR);
	if (r == 0) {
		hung = true;
		kill(td->canary_pid, SIGKILL);
	}
	while (waitpid(td->canary_pid, &status, 0) < 0 && errno == EINTR)
		;
	close(td->canary_fd);
	td->canary_fd = -1;
	td->canary_pid = 0;
	off = td->progress[0];
	survived = td->progress[1];
	munmap((void *)td->progress, 4096);
	td->progress = NULL;
	/*
	 * The child marks the page once td_open() returned, whatever it found; no
	 * mark or a signal is a crash (or ASan). Its exit status is not looked at:
	 * under valgrind it is --error-exitcode's after the leak check at exit.
	 */
	if (hung || WIFSIGNALED(status) || !survived)
		return td_fail(td, off, "libtraceevent cannot parse the event formats here (its parser %s); "
			       "trace-cmd cannot read this file either", hung ? "hangs" : "crashes");
	return 0;
}

void td_canary_stop(struct ftx_tracedat *td)
{
	if (td->canary_pid <= 0)
		return;
	kill(td->canary_pid, SIGKILL);
	while (waitpid(td->canary_pid, NULL, 0) < 0 && errno == EINTR)
		;
	close(td->canary_fd);
	munmap((void *)td->progress, 4096);
	td->canary_pid = 0;
	td->canary_fd = -1;
	td->progress = NULL;
}
