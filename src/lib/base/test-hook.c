// SPDX-License-Identifier: GPL-2.0
/* Test pause points (see ftx/test-hook.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ftx/test-hook.h"

static int named(const char *list, const char *point)
{
	size_t n = strlen(point);

	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, point, n) && (p[n] == ',' || !p[n]))
			return 1;
	return 0;
}

void ftx_test_pause(const char *point)
{
	const char *at = getenv("FTX_TEST_PAUSE_AT"), *file, *ms;
	struct timespec ts;
	long total = 3000;
	int saved = errno, fd;

	if (!at || !named(at, point))
		return;
	ms = getenv("FTX_TEST_PAUSE_AT_MS");
	if (ms && atol(ms) > 0)
		total = atol(ms);
	file = getenv("FTX_TEST_PAUSE_FILE");
	if (file) {
		fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd >= 0) {
			/* one line per arrival: several threads may reach a point */
			(void)!write(fd, point, strlen(point));
			(void)!write(fd, "\n", 1);
			close(fd);
		}
	}
	ts.tv_sec = total / 1000;
	ts.tv_nsec = (total % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	errno = saved;
}

bool ftx_test_fail(const char *point)
{
	return named(getenv("FTX_TEST_FAIL_AT"), point);
}
