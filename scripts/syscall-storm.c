// SPDX-License-Identifier: GPL-2.0
/*
 * syscall-storm: a workload of cheap system calls for recorder benchmarks.
 * Each getppid() is two raw_syscalls events (sys_enter + sys_exit).
 *
 *   syscall-storm [-n COUNT] [-t SECONDS] [-r CALLS_PER_SEC] [-j THREADS]
 *
 * Runs until COUNT calls per thread or SECONDS have passed (default 1 s);
 * -r paces each thread to about that rate. Prints "calls seconds rate".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static unsigned long long count_max;
static double seconds = 1.0, rate;
static unsigned long long done[256];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *storm(void *arg)
{
	unsigned long long *n = arg, i;
	double start = now(), t = start;

	for (;;) {
		for (i = 0; i < 100; i++)
			syscall(SYS_getppid);
		*n += 100;
		if (count_max && *n >= count_max)
			break;
		if ((*n & 1023) < 100) {
			t = now();
			if (!count_max && t - start >= seconds)
				break;
		}
		if (rate > 0) {
			double ahead = *n / rate - (now() - start);

			if (ahead > 0.0005) {
				struct timespec ts = { (time_t)ahead, (long)((ahead - (time_t)ahead) * 1e9) };

				nanosleep(&ts, NULL);
			}
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[256];
	unsigned long long total = 0;
	int c, j = 1, i;
	double start, el;

	while ((c = getopt(argc, argv, "n:t:r:j:")) != -1) {
		switch (c) {
		case 'n': count_max = strtoull(optarg, NULL, 0); break;
		case 't': seconds = atof(optarg); break;
		case 'r': rate = atof(optarg); break;
		case 'j': j = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: syscall-storm [-n COUNT] [-t SECONDS] [-r RATE] [-j THREADS]\n");
			return 2;
		}
	}
	if (j < 1 || j > 256)
		j = 1;
	start = now();
	for (i = 0; i < j; i++)
		pthread_create(&th[i], NULL, storm, &done[i]);
	for (i = 0; i < j; i++) {
		pthread_join(th[i], NULL);
		total += done[i];
	}
	el = now() - start;
	printf("%llu %.3f %.0f\n", total, el, total / el);
	return 0;
}
