// SPDX-License-Identifier: GPL-2.0
/*
 * bench-tcpu: libtracefs' own per-CPU reader (tracefs_cpu_open/_write/
 * _flush_write, libtracefs 1.6+) recording what 'ftx record -F -c -e
 * raw_syscalls -b KB' records, to set against ftx's drain (scripts/
 * bench-drain.sh runs both, interleaved). Same shape as ftx record: a
 * private instance, raw_syscalls for the command's pid only, buffer_percent
 * 20, one reader thread per CPU writing an unlinked temp file in DIR; no
 * trace.dat is assembled (ftx's figures are taken before it writes one).
 *
 *   bench-tcpu DIR KB -- COMMAND [ARGS...]     (root)
 *
 * Prints to stderr, as ftx record's summary does:
 *   total EVENTS BYTES LOST
 *   recorder CPU time: U.UUs user, S.SSs system
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <tracefs.h>

struct reader {
	struct tracefs_cpu *tcpu;
	pthread_t thread;
	int fd;
	volatile int stop;
	unsigned long long bytes;
};

static void *reader_main(void *arg)
{
	struct reader *rd = arg;
	int n;

	while (!rd->stop) {
		n = tracefs_cpu_write(rd->tcpu, rd->fd, false);
		if (n > 0)
			rd->bytes += n;
		else if (n < 0 && errno != EINTR && errno != EAGAIN)
			break;
	}
	while ((n = tracefs_cpu_flush_write(rd->tcpu, rd->fd)) > 0)
		rd->bytes += n;
	return NULL;
}

static unsigned long long stat_value(const char *text, const char *key)
{
	const char *p = strstr(text, key);

	return p ? strtoull(p + strlen(key), NULL, 10) : 0;
}

int main(int argc, char **argv)
{
	struct tracefs_instance *inst;
	struct reader *rd;
	unsigned long long events = 0, lost = 0, bytes = 0;
	char name[64], path[4096], pidbuf[32], go = 'g', *text;
	int ncpu, i, sync[2], status;
	struct rusage ru;
	pid_t child;

	if (argc < 5 || strcmp(argv[3], "--")) {
		fprintf(stderr, "usage: bench-tcpu DIR KB -- COMMAND [ARGS...]\n");
		return 2;
	}
	snprintf(name, sizeof(name), "ftx-bench-tcpu-%d", (int)getpid());
	inst = tracefs_instance_create(name);
	if (!inst) {
		perror("tracefs_instance_create");
		return 1;
	}
	tracefs_instance_file_write(inst, "tracing_on", "0");
	tracefs_instance_file_write(inst, "buffer_size_kb", argv[2]);
	tracefs_instance_file_write(inst, "buffer_percent", "20");
	/* -c: the storm's threads are its children */
	tracefs_instance_file_write(inst, "options/event-fork", "1");
	ncpu = sysconf(_SC_NPROCESSORS_CONF);
	rd = calloc(ncpu, sizeof(*rd));

	if (pipe(sync) < 0)
		return 1;
	child = fork();
	if (child == 0) {
		close(sync[1]);
		if (read(sync[0], &go, 1) != 1)
			_exit(127);
		execvp(argv[4], &argv[4]);
		_exit(127);
	}
	close(sync[0]);
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)child);
	tracefs_instance_file_write(inst, "set_event_pid", pidbuf);
	tracefs_instance_file_write(inst, "events/raw_syscalls/enable", "1");
	for (i = 0; i < ncpu; i++) {
		rd[i].tcpu = tracefs_cpu_open(inst, i, false);
		if (!rd[i].tcpu)
			continue;
		snprintf(path, sizeof(path), "%s/bench-tcpu%d.XXXXXX", argv[1], i);
		rd[i].fd = mkstemp(path);
		unlink(path);
		pthread_create(&rd[i].thread, NULL, reader_main, &rd[i]);
	}
	tracefs_instance_file_write(inst, "tracing_on", "1");
	if (write(sync[1], &go, 1) != 1)
		return 1;
	close(sync[1]);
	waitpid(child, &status, 0);
	tracefs_instance_file_write(inst, "tracing_on", "0");
	for (i = 0; i < ncpu; i++) {
		if (!rd[i].tcpu)
			continue;
		rd[i].stop = 1;
		tracefs_cpu_stop(rd[i].tcpu);
		pthread_join(rd[i].thread, NULL);
		bytes += rd[i].bytes;
		snprintf(path, sizeof(path), "per_cpu/cpu%d/stats", i);
		text = tracefs_instance_file_read(inst, path, NULL);
		if (text) {
			events += stat_value(text, "read events:");
			lost += stat_value(text, "overrun:") + stat_value(text, "dropped events:");
			free(text);
		}
		tracefs_cpu_close(rd[i].tcpu);
		close(rd[i].fd);
	}
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "total %llu %llu %llu\n", events, bytes, lost);
	fprintf(stderr, "recorder CPU time: %ld.%02lds user, %ld.%02lds system\n",
		(long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec / 10000,
		(long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec / 10000);
	tracefs_instance_file_write(inst, "events/raw_syscalls/enable", "0");
	tracefs_instance_file_write(inst, "set_event_pid", "");
	tracefs_instance_destroy(inst);
	tracefs_instance_free(inst);
	free(rd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
