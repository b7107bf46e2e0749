// SPDX-License-Identifier: GPL-2.0
/*
 * bench-walk: a filtered report's walk of a file, in the reading thread:
 * open it as ftx report opens it, decompress every CPU's pages and walk
 * their records merged by time, reading each record's type id where it sits
 * (what -F's and --pid's drop by the bytes reads) and passing it over there
 * (ftx_tracedat_set_skip()), printing nothing. With -j 2 the reader's
 * prefetch thread decompresses ahead, as report's on two CPUs; the skip is
 * set after it starts (it counts, so it must not run in two threads), so
 * that thread passes no page over, unlike report -F's. make bench (section
 * 1) sets report -F and --pid against it.
 *
 *   bench-walk [-j 1|2] FILE     prints "RECORDS TYPESUM"
 *
 * Built by scripts/bench.sh against build/libftx.a.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "ftx/error.h"
#include "ftx/tracedat.h"
#include "ftx/util.h"

struct walked {
	unsigned long long n, sum;
	unsigned int off, size;
	bool swap;
};

/* Every record: counted, its type summed, passed over */
static bool walk_one(void *arg, int cpu, const void *data, int size)
{
	struct walked *w = arg;

	(void)cpu;
	w->n++;
	if ((unsigned int)size >= w->off + w->size)
		w->sum += ftx_read_uint((const char *)data + w->off, w->size, w->swap);
	return true;
}

int main(int argc, char **argv)
{
	struct walked w = { 0 };
	struct ftx_tracedat *td;
	struct tep_format_field *type;
	struct tep_record *rec;
	struct tep_event *ev0;
	bool swap;
	int threads = 1, r;

	if (argc == 4 && !strcmp(argv[1], "-j")) {
		threads = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: bench-walk [-j 1|2] FILE\n");
		return 2;
	}
	td = ftx_tracedat_open(argv[1], FTX_TRACEDAT_LAZY_KALLSYMS | FTX_TRACEDAT_LAZY_FORMATS);
	if (!td) {
		fprintf(stderr, "bench-walk: %s\n", ftx_error());
		return 1;
	}
	ev0 = tep_get_event(ftx_tracedat_tep(td), 0);
	type = ev0 ? tep_find_common_field(ev0, "common_type") : NULL;
	if (!type || (type->size != 1 && type->size != 2 && type->size != 4)) {
		fprintf(stderr, "bench-walk: %s: no common_type field\n", argv[1]);
		ftx_tracedat_close(td);
		return 1;
	}
	swap = tep_is_file_bigendian(ftx_tracedat_tep(td)) !=
	       tep_is_local_bigendian(ftx_tracedat_tep(td));
	if (threads > 1 && ftx_tracedat_prefetch(td, 4)) {
		fprintf(stderr, "bench-walk: %s\n", ftx_error());
		ftx_tracedat_close(td);
		return 1;
	}
	w.off = type->offset;
	w.size = type->size;
	w.swap = swap;
	ftx_tracedat_set_skip(td, walk_one, &w);
	r = ftx_tracedat_next(td, &rec);
	if (r < 0)
		fprintf(stderr, "bench-walk: %s\n", ftx_error());
	else if (r > 0)
		fprintf(stderr, "bench-walk: a record was not passed over\n");
	else
		printf("%llu %llu\n", w.n, w.sum);
	ftx_tracedat_close(td);
	return r < 0;
}
