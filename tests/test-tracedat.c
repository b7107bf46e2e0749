// SPDX-License-Identifier: GPL-2.0
/*
 * trace.dat reader: iteration over the fixtures, and bad input (truncated,
 * corrupted, wrong magic/version) failing with -1 and a reason naming the
 * offset, never crashing or hanging.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kbuffer.h>
#include <traceevent/event-parse.h>

#include "ftx/error.h"
#include "ftx/report.h"
#include "ftx/tracedat.h"
#include "ftx/tracedat-write.h"
#include "ftx/util.h"
#include "test-cost.h"

#define V6 "fixtures/linux-6.1-arm64/kprobe_openat2.v6.dat"
#define V7 "fixtures/linux-6.1-amd64/sched_syscalls.v7.dat"

/*
 * The flips and the prefetch comparisons on the large fixture run rounds(n,
 * least) of their n rounds: all of them, or a share under make check-mem
 * (test-cost.h).
 */
#define rounds test_rounds

static uint8_t *load(const char *path, size_t *len)
{
	char *buf = ftx_read_file(path, len);

	ck_assert_msg(buf, "cannot read %s", path);
	return (uint8_t *)buf;
}

START_TEST(test_iterate_v7)
{
	struct ftx_tracedat *td = ftx_tracedat_open(V7, FTX_TRACEDAT_NO_PLUGINS);
	unsigned long long last = 0, n = 0, percpu[2] = { 0, 0 };
	struct tep_record *rec, *peek;
	int r;

	ck_assert_msg(td, "%s", ftx_error());
	ck_assert_int_eq(ftx_tracedat_version(td), 7);
	ck_assert_int_eq(ftx_tracedat_cpus(td), 2);
	ck_assert_str_eq(ftx_tracedat_clock(td), "global");
	ck_assert(ftx_tracedat_ts_in_usecs(td));
	ck_assert_ptr_nonnull(ftx_tracedat_cpustats(td));
	for (;;) {
		r = ftx_tracedat_peek(td, &peek);
		ck_assert_int_ge(r, 0);
		r = ftx_tracedat_next(td, &rec);
		ck_assert_int_ge(r, 0);
		if (!r)
			break;
		ck_assert_ptr_eq(rec->data, peek->data);
		ck_assert_uint_ge(rec->ts, last);
		last = rec->ts;
		ck_assert_int_lt(rec->cpu, 2);
		percpu[rec->cpu]++;
		n++;
	}
	/* trace-cmd report prints one line per record (no drops in this file) */
	ck_assert_uint_eq(n, 44886 - 1);
	ck_assert_uint_gt(percpu[0], 0);
	ck_assert_uint_gt(percpu[1], 0);
	ck_assert_int_eq(ftx_tracedat_next(td, &rec), 0);
	ftx_tracedat_close(td);
}
END_TEST

START_TEST(test_borrowed_lifetime)
{
	/* a record stays valid while the next one is read (fgraph leaf peeking) */
	struct ftx_tracedat *td = ftx_tracedat_open(V7, FTX_TRACEDAT_NO_PLUGINS);
	struct tep_record *a, *b;
	uint8_t copy[256];
	size_t len;
	int r;

	ck_assert_ptr_nonnull(td);
	ck_assert_int_eq(ftx_tracedat_next(td, &a), 1);
	for (;;) {
		len = a->size < (int)sizeof(copy) ? (size_t)a->size : sizeof(copy);
		memcpy(copy, a->data, len);
		ck_assert_int_ge(ftx_tracedat_peek(td, &b), 0);
		ck_assert(!memcmp(copy, a->data, len));
		r = ftx_tracedat_next(td, &b);
		ck_assert_int_ge(r, 0);
		ck_assert(!memcmp(copy, a->data, len));
		if (!r)
			break;
		a = b;
	}
	ftx_tracedat_close(td);
}
END_TEST

START_TEST(test_bad_magic_version)
{
	size_t len;
	uint8_t *buf = load(V6, &len);

	buf[1] ^= 0xff;
	ck_assert_ptr_null(ftx_tracedat_open_mem(buf, len, "x.dat", 0));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_str_eq(ftx_error(), "x.dat: offset 0: bad magic (not a trace.dat file)");
	buf[1] ^= 0xff;
	buf[10] = '9';
	ck_assert_ptr_null(ftx_tracedat_open_mem(buf, len, "x.dat", 0));
	ck_assert_ptr_nonnull(strstr(ftx_error(), "x.dat: offset 10: unsupported file version"));
	free(buf);

	ck_assert_ptr_null(ftx_tracedat_open("fixtures/no-such-file.dat", 0));
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_nonnull(strstr(ftx_error(), "no-such-file.dat"));
}
END_TEST

/* A FIFO (or any non-regular file) is refused at once, not waited on */
START_TEST(test_not_regular)
{
	char path[] = "/tmp/ftx-test-fifo-XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(path);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	alarm(10);
	ck_assert_ptr_null(ftx_tracedat_open(path, 0));
	alarm(0);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(ftx_error(), ": not a regular file (a FIFO)"));
	unlink(path);
	ck_assert_ptr_null(ftx_tracedat_open("fixtures", 0));
	ck_assert_str_eq(ftx_error(), "fixtures: not a regular file (a directory)");
}
END_TEST

/* Cut a file at many places: always -1 with "<name>: offset N: ..." */
static void truncations(const char *path, int steps)
{
	size_t len, cut, data_end = 0;
	uint8_t *buf = load(path, &len);
	struct ftx_tracedat *td;
	uint64_t off, size;
	int i;

	/* what follows the last CPU's data (v7: the STRINGS section) is optional */
	td = ftx_tracedat_open_mem(buf, len, "intact.dat", FTX_TRACEDAT_NO_PLUGINS);
	ck_assert_ptr_nonnull(td);
	for (i = 0; i < ftx_tracedat_cpus(td); i++)
		if (!ftx_tracedat_cpu_data(td, i, &off, &size) && off + size > data_end)
			data_end = off + size;
	ftx_tracedat_close(td);
	for (i = 0; i < steps; i++) {
		cut = (size_t)((double)len * i / steps);
		if (i < 64)
			cut = i * 7;	/* dense in the header */
		if (cut >= data_end)
			continue;
		ftx_error_clear();
		ck_assert_msg(ftx_report_fuzz_one(buf, cut) == -1, "%s cut at %zu accepted",
			      path, cut);
		ck_assert_msg(strncmp(ftx_error(), "fuzz.dat: offset ", 17) == 0,
			      "cut at %zu: reason '%s'", cut, ftx_error());
	}
	ck_assert_int_eq(ftx_report_fuzz_one(buf, len), 0);
	free(buf);
}

START_TEST(test_truncated_v6)
{
	truncations(V6, 160);
}
END_TEST

START_TEST(test_truncated_v7)
{
	truncations(V7, 160);
}
END_TEST

/* Flip bytes all over (header, formats, pages): no crash, -1 has a reason */
static void flips(const char *path, unsigned int seed, int all)
{
	int n = rounds(all, 8);
	size_t len, pos;
	uint8_t *buf = load(path, &len), *work = malloc(len);
	int i, j, ret, ok = 0, bad = 0;
	const char *p;

	ck_assert_ptr_nonnull(work);
	srandom(seed);
	for (i = 0; i < n; i++) {
		memcpy(work, buf, len);
		for (j = 0; j < 8; j++) {
			/* half of the flips land in the first 4 KiB (the headers) */
			pos = (j & 1) ? random() % (len < 4096 ? len : 4096) : random() % len;
			work[pos] ^= 1u << (random() % 8);
		}
		ftx_error_clear();
		ret = ftx_report_fuzz_one(work, len);
		if (ret == 0) {
			ok++;
			continue;
		}
		/* refused: one printable line naming the offset */
		ck_assert_int_eq(ret, -1);
		ck_assert_msg(!strncmp(ftx_error(), "fuzz.dat: offset ", 17), "reason: %s",
			      ftx_error());
		for (p = ftx_error(); *p; p++)
			ck_assert_msg((unsigned char)*p >= 0x20 && *p != 0x7f, "reason: %s",
				      ftx_error());
		bad++;
	}
	/* both outcomes happen: the flips reach the data, and the checks catch some */
	ck_assert_msg(bad > 0, "%s: no flip was refused", path);
	if (n >= 1000)
		ck_assert_msg(ok > 0, "%s: every flip was refused", path);
	free(work);
	free(buf);
}

START_TEST(test_truncated_synth)
{
	truncations("fixtures/synth/be32-zstd.v7.dat", 400);
	truncations("fixtures/synth/le64-zlib.v7.dat", 400);
	truncations("fixtures/synth/be64.v6.dat", 400);
}
END_TEST

START_TEST(test_flips_synth)
{
	flips("fixtures/synth/be32-zstd.v7.dat", 3, 3000);
	flips("fixtures/synth/le32.v6.dat", 4, 3000);
	flips("fixtures/synth/le64-none.v7.dat", 5, 3000);
}
END_TEST

START_TEST(test_flips_v6)
{
	flips(V6, 1, 60);
}
END_TEST

START_TEST(test_flips_v7)
{
	flips(V7, 2, 60);
}
END_TEST

/* A corrupted page (commit larger than the page) is named by its offset */
START_TEST(test_corrupt_page)
{
	struct ftx_tracedat *td;
	struct tep_record *rec;
	uint64_t off, size;
	size_t len;
	uint8_t *buf = load(V6, &len);
	char want[64];
	int r, cpu;

	td = ftx_tracedat_open_mem(buf, len, "p.dat", FTX_TRACEDAT_NO_PLUGINS);
	ck_assert_ptr_nonnull(td);
	for (cpu = 0; cpu < ftx_tracedat_cpus(td); cpu++)
		if (!ftx_tracedat_cpu_data(td, cpu, &off, &size))
			break;
	ck_assert_int_lt(cpu, ftx_tracedat_cpus(td));
	ftx_tracedat_close(td);
	/* little-endian 64-bit commit at page offset 8: 0x7ffffff bytes */
	memset(buf + off + 8, 0xff, 3);
	buf[off + 11] = 0x07;
	td = ftx_tracedat_open_mem(buf, len, "p.dat", FTX_TRACEDAT_NO_PLUGINS);
	ck_assert_ptr_nonnull(td);
	while ((r = ftx_tracedat_next(td, &rec)) > 0)
		;
	ck_assert_int_eq(r, -1);
	snprintf(want, sizeof(want), "p.dat: offset %llu: CPU %d: corrupted page",
		 (unsigned long long)off, cpu);
	ck_assert_msg(!strncmp(ftx_error(), want, strlen(want)), "%s", ftx_error());
	ftx_tracedat_close(td);
	free(buf);
}
END_TEST

/*
 * A corrupted print fmt that passes every text check but makes libtraceevent
 * divide by zero (SIGFPE) while parsing it: the open fails with a reason.
 */
START_TEST(test_libtraceevent_fault)
{
	struct ftx_tracedat *td;
	size_t len;
	uint8_t *buf = load("fuzz/regress/crash-libtraceevent-fpe-print-fmt", &len);

	td = ftx_tracedat_open_mem(buf, len, "fpe.dat", FTX_TRACEDAT_NO_PLUGINS);
	ck_assert_ptr_null(td);
	ck_assert_msg(strstr(ftx_error(), "fpe.dat: offset ") &&
		      strstr(ftx_error(), "libtraceevent crashed"), "%s", ftx_error());
	free(buf);
}
END_TEST

/*
 * FTX_TRACEDAT_LAZY_FORMATS: fewer events parsed at open (at least one),
 * the same largest id, and each event asked for by id is the event the eager
 * reader holds (name, system, print fmt, flags, fields), until all are there.
 */
static void lazy_same(const char *path, unsigned int flags, bool lazy)
{
	struct ftx_tracedat *e = ftx_tracedat_open(path, flags);
	struct ftx_tracedat *l = ftx_tracedat_open(path, flags | FTX_TRACEDAT_LAZY_FORMATS);
	struct tep_handle *et, *lt;
	int i, n;

	ck_assert_msg(e && l, "%s: %s", path, ftx_error());
	et = ftx_tracedat_tep(e);
	lt = ftx_tracedat_tep(l);
	n = tep_get_events_count(et);
	ck_assert_int_gt(n, 1);
	ck_assert_int_ge(tep_get_events_count(lt), 1);
	if (lazy)
		ck_assert_int_lt(tep_get_events_count(lt), n);
	else	/* a format kept for the canary: all parsed at open, in file order */
		ck_assert_int_eq(tep_get_events_count(lt), n);
	ck_assert_int_eq(ftx_tracedat_max_event_id(l), ftx_tracedat_max_event_id(e));
	ck_assert_int_eq(ftx_tracedat_load_event(l, 1 << 21), 0);
	for (i = 0; i < n; i++) {
		struct tep_event *a = tep_get_event(et, i), *b;

		ck_assert_int_eq(ftx_tracedat_load_event(l, a->id), 0);
		b = tep_find_event(lt, a->id);
		ck_assert_msg(b, "%s: event %d not loaded", path, a->id);
		ck_assert_str_eq(b->name, a->name);
		ck_assert_str_eq(b->system, a->system);
		ck_assert_int_eq(b->flags, a->flags);
		ck_assert_int_eq(b->format.nr_fields, a->format.nr_fields);
		ck_assert_int_eq(b->format.nr_common, a->format.nr_common);
		ck_assert_int_eq(!b->print_fmt.format, !a->print_fmt.format);
		if (a->print_fmt.format)
			ck_assert_str_eq(b->print_fmt.format, a->print_fmt.format);
		ck_assert_int_eq(!b->handler, !a->handler);
		ck_assert_ptr_eq(tep_find_event_by_name(lt, a->system, a->name), b);
	}
	ck_assert_int_eq(tep_get_events_count(lt), n);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(tep_get_event(lt, i)->id, tep_get_event(et, i)->id);
	ck_assert_int_eq(ftx_tracedat_load_events(l, NULL, NULL), 0);
	ck_assert_int_eq(tep_get_events_count(lt), n);
	ftx_tracedat_close(e);
	ftx_tracedat_close(l);
}

START_TEST(test_lazy_formats)
{
	static const struct { const char *path; bool lazy; } files[] = {
		{ V6, true }, { V7, true }, { "fixtures/linux-6.1-amd64/fgraph_openat2.v6.dat", true },
		{ "fixtures/linux-5.10-arm64/sched_comm_first.v7.dat", false },
	};
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		lazy_same(files[i].path, FTX_TRACEDAT_NO_PLUGINS, files[i].lazy);
		/* plugins: their handlers reach late parses too */
		lazy_same(files[i].path, 0, files[i].lazy);
	}
}
END_TEST

/* The least frequent common_type (little-endian u16 at 0) of the file's records */
static int rarest_type(const char *path)
{
	struct ftx_tracedat *td = ftx_tracedat_open(path, FTX_TRACEDAT_NO_PLUGINS);
	static unsigned int n[65536];
	struct tep_record *r;
	int i, best = -1;

	ck_assert_msg(td, "%s", ftx_error());
	memset(n, 0, sizeof(n));
	while (ftx_tracedat_next(td, &r) == 1)
		if (r->size >= 2)
			n[((const uint8_t *)r->data)[0] | ((const uint8_t *)r->data)[1] << 8]++;
	ftx_tracedat_close(td);
	for (i = 0; i < 65536; i++)
		if (n[i] && (best < 0 || n[i] < n[best]))
			best = i;
	return best;
}

/*
 * A skip keeping one common_type alone (@arg points to it), no record longer
 * than a page either (so a damaged length is passed over, not kept): it only
 * reads
 */
static bool keep_type_only(void *arg, int cpu, const void *data, int size)
{
	const uint8_t *b = data;

	(void)cpu;
	return size < 2 || size > 4096 || (b[0] | b[1] << 8) != *(const int *)arg;
}

/*
 * The whole stream of @buf: a hash of its records, then the end (0, or -1
 * and the reason); @keep >= 0: of the records of that type alone, the others
 * passed over by ftx_tracedat_set_skip()
 */
static void stream_of(const uint8_t *buf, size_t len, int ahead, int keep,
		      unsigned long long *hash, unsigned long long *n, char *end, size_t end_len)
{
	struct ftx_tracedat *td = ftx_tracedat_open_mem(buf, len, "pf.dat", FTX_TRACEDAT_NO_PLUGINS);
	struct tep_record *rec;
	int r, i;

	*hash = 1469598103934665603ull;
	*n = 0;
	if (!td) {
		snprintf(end, end_len, "open: %s", ftx_error());
		return;
	}
	if (keep >= 0)
		ftx_tracedat_set_skip(td, keep_type_only, &keep);
	if (ahead)
		ck_assert_int_eq(ftx_tracedat_prefetch(td, ahead), 0);
	while ((r = ftx_tracedat_next(td, &rec)) > 0) {
		*hash = (*hash ^ rec->ts ^ ((unsigned long long)rec->cpu << 56) ^
			 ((unsigned long long)rec->size << 40)) * 1099511628211ull;
		for (i = 0; i < rec->size; i++)
			*hash = (*hash ^ ((const uint8_t *)rec->data)[i]) * 1099511628211ull;
		(*n)++;
	}
	snprintf(end, end_len, "%d %s", r, r ? ftx_error() : "");
	ftx_tracedat_close(td);
}

/*
 * ftx_tracedat_prefetch(): the same records, and on damaged chunks the same
 * error at the same point, as the serial reading (flips in the data, cuts);
 * every fourth round also with a skip keeping the rarest type alone, so the
 * prefetch thread passes whole pages over (the large file's round 2 is one
 * that fails)
 */
static void prefetch_same(const char *path, unsigned int seed, int n)
{
	size_t len, pos;
	uint8_t *buf = load(path, &len), *work = malloc(len);
	unsigned long long h0, h1, n0, n1;
	char e0[512], e1[512];
	int i, a, failed = 0, keep = rarest_type(path);

	ck_assert_ptr_nonnull(work);
	srandom(seed);
	for (i = 0; i < n; i++) {
		size_t wlen = len;

		memcpy(work, buf, len);
		if (i % 4 == 3) {
			wlen = len / 2 + random() % (len / 2);	/* cut in the data */
		} else if (i) {
			pos = len / 4 + random() % (len - len / 4);
			work[pos] ^= 1u << (random() % 8);
		}
		stream_of(work, wlen, 0, -1, &h0, &n0, e0, sizeof(e0));
		for (a = 1; a <= 4; a += 3) {
			stream_of(work, wlen, a, -1, &h1, &n1, e1, sizeof(e1));
			ck_assert_msg(h0 == h1 && n0 == n1, "%s round %d ahead %d: %llu records, %llu prefetched",
				      path, i, a, n0, n1);
			ck_assert_str_eq(e1, e0);
		}
		failed += e0[0] == '-';
		if (i % 4 != 2)
			continue;
		stream_of(work, wlen, 0, keep, &h0, &n0, e0, sizeof(e0));
		stream_of(work, wlen, 4, keep, &h1, &n1, e1, sizeof(e1));
		ck_assert_msg(h0 == h1 && n0 == n1, "%s round %d, type %d alone: %llu records, %llu prefetched",
			      path, i, keep, n0, n1);
		ck_assert_str_eq(e1, e0);
	}
	ck_assert_msg(failed > 0, "%s: no damage reached the reading", path);
	free(work);
	free(buf);
}

/*
 * Damaged pages inside compressed chunks (damage in the pages of a v6 file,
 * which convert copies as they are into a v7 one): the prefetch thread, which
 * passes pages over whole by the skip, says what the serial reading with the
 * same skip says, at the same point
 */
START_TEST(test_skip_damaged_pages)
{
	char in[] = "/tmp/ftx-test-dmg-XXXXXX", v6[64], out[64];
	struct ftx_tracedat *td;
	unsigned long long h0, h1, n0, n1;
	uint64_t off[8], size[8];
	int i, k, fd, ncpu = 0, failed = 0, n = rounds(12, 4), keep = rarest_type(V7);
	size_t len, wlen;
	uint8_t *buf, *work, *w;
	char e0[512], e1[512];

	fd = mkstemp(in);
	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(v6, sizeof(v6), "%s.v6", in);
	snprintf(out, sizeof(out), "%s.v7", in);
	/* the large v7 fixture (a rare type among many) as v6, its pages in the open */
	ck_assert_msg(!ftx_tdat_convert(V7, v6, 6, FTX_TDAT_COMP_NONE), "%s", ftx_error());
	buf = load(v6, &len);
	work = malloc(len);
	td = ftx_tracedat_open(v6, FTX_TRACEDAT_NO_PLUGINS);
	ck_assert_msg(td && work, "%s", ftx_error());
	for (i = 0; i < ftx_tracedat_cpus(td) && ncpu < 8; i++)
		if (!ftx_tracedat_cpu_data(td, i, &off[ncpu], &size[ncpu]) && size[ncpu] >= 4096)
			ncpu++;
	ftx_tracedat_close(td);
	ck_assert_int_gt(ncpu, 0);
	srandom(11);
	for (i = 0; i < n; i++) {
		int flipped = 0;

		memcpy(work, buf, len);
		/* into pages that hold data (the commit field says how much: 64-bit, little-endian) */
		for (k = 0; k < 40 && flipped < 2; k++) {
			int c = random() % ncpu;
			size_t pos = off[c] + (random() % (size[c] / 4096)) * 4096;
			uint64_t commit;

			memcpy(&commit, work + pos + 8, 8);
			commit &= (1u << 27) - 1;
			if (!commit || commit > 4096 - 16)
				continue;
			switch ((i + flipped) % 3) {
			case 0:		/* more data than a page holds */
				work[pos + 9] |= 0x10;
				break;
			case 1:		/* the first slot: a length past the page */
				work[pos + 16] &= ~31u;
				work[pos + 21] |= 0x20;
				break;
			default:
				work[pos + 16 + random() % commit] ^= 1u << (random() % 8);
			}
			flipped++;
		}
		fd = open(in, O_WRONLY | O_TRUNC);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, work, len), (ssize_t)len);
		close(fd);
		if (ftx_tdat_convert(in, out, 7, FTX_TDAT_COMP_ZSTD))
			continue;
		w = load(out, &wlen);
		stream_of(w, wlen, 0, keep, &h0, &n0, e0, sizeof(e0));
		stream_of(w, wlen, 4, keep, &h1, &n1, e1, sizeof(e1));
		ck_assert_msg(h0 == h1 && n0 == n1, "round %d, type %d alone: %llu records, %llu prefetched",
			      i, keep, n0, n1);
		ck_assert_str_eq(e1, e0);
		failed += e0[0] == '-';
		free(w);
	}
	ck_assert_msg(failed > 0, "no damage reached the reading");
	unlink(in);
	unlink(v6);
	unlink(out);
	free(work);
	free(buf);
}
END_TEST

START_TEST(test_prefetch)
{
	/* the large one (its rounds 1, 2 and 16 end in -1; 2 is one with the skip too) */
	prefetch_same(V7, 21, rounds(24, 6));
	prefetch_same("fixtures/synth/be32-zstd.v7.dat", 8, 40);
	prefetch_same("fixtures/synth/le64-zlib.v7.dat", 9, 24);
}
END_TEST

/*
 * The reader walks a page's events itself (kbuffer where it does not): each
 * record is the event kbuffer gives at that place of the same page, with its
 * size, slot size and time (up to a constant: the file's offset), on
 * little-endian fixtures with time extends, long events, lost events and
 * absolute time stamps, and on damaged copies of the synthetic ones up to
 * where the reader refuses a page.
 */
static unsigned long long walk_as_kbuffer(struct ftx_tracedat *td, int long_size)
{
	struct { struct kbuffer *kb; uint64_t seq; bool loaded; } k[64] = { 0 };
	unsigned long long n = 0, off = 0;
	struct tep_record *rec;
	int i;

	while (ftx_tracedat_next(td, &rec) == 1) {
		unsigned long long ts;
		const void *page;
		uint64_t seq;
		void *data;

		TEST_REQUIRE(ftx_tracedat_record_page(td, &page, &seq) == 0,
			     "record %llu: no page", n);
		TEST_REQUIRE(rec->cpu >= 0 && rec->cpu < 64, "record %llu: cpu %d", n, rec->cpu);
		i = rec->cpu;
		if (!k[i].kb) {
			k[i].kb = kbuffer_alloc(long_size == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4,
						KBUFFER_ENDIAN_LITTLE);
			ck_assert_ptr_nonnull(k[i].kb);
		}
		if (!k[i].loaded || k[i].seq != seq) {
			kbuffer_load_subbuffer(k[i].kb, (void *)page);
			data = kbuffer_read_event(k[i].kb, &ts);
			k[i].seq = seq;
			k[i].loaded = true;
		} else {
			data = kbuffer_next_event(k[i].kb, &ts);
		}
		if (!n)
			off = rec->ts - ts;
		TEST_REQUIRE(data == rec->data && kbuffer_event_size(k[i].kb) == rec->size &&
				     kbuffer_curr_size(k[i].kb) == rec->record_size &&
				     rec->ts == ts + off,
			     "record %llu (cpu %d, offset %llu): kbuffer's event %p size %d slot %d "
			     "ts %llu, ftx's %p size %d slot %d ts %llu", n, rec->cpu,
			     (unsigned long long)rec->offset, data, kbuffer_event_size(k[i].kb),
			     kbuffer_curr_size(k[i].kb), ts + off, rec->data, rec->size,
			     rec->record_size, (unsigned long long)rec->ts);
		n++;
	}
	for (i = 0; i < 64; i++)
		kbuffer_free(k[i].kb);
	return n;
}

static const struct { const char *path; int long_size; } walked[] = {
	{ "fixtures/linux-6.1-amd64/sched_syscalls.v7.dat", 8 },
	{ "fixtures/linux-6.1-amd64/fgraph_openat2.v6.dat", 8 },
	{ "fixtures/linux-6.1-arm64/fgraph_openat2.v6.dat", 8 },
	{ "fixtures/host-6.18/sched_stack.v6.dat", 8 },
	{ "fixtures/synth/le64.v6.dat", 8 },
	{ "fixtures/synth/le64-zstd.v7.dat", 8 },
	{ "fixtures/synth/le32.v6.dat", 4 },
};

START_TEST(test_walk_as_kbuffer)
{
	const char *path = walked[_i].path;
	struct ftx_tracedat *td = ftx_tracedat_open(path, FTX_TRACEDAT_NO_PLUGINS);
	size_t len, pos;
	uint8_t *buf, *work;
	int r, j;

	ck_assert_ptr_nonnull(td);
	ck_assert_uint_ge(walk_as_kbuffer(td, walked[_i].long_size), 10);
	ftx_tracedat_close(td);
	/* damaged copies of the small synthetic v6 files (compressed data does not decompress) */
	if (!strstr(path, "/synth/") || strstr(path, ".v7"))
		return;
	buf = load(path, &len);
	work = malloc(len);
	ck_assert_ptr_nonnull(work);
	srandom(_i + 1);
	for (r = 0; r < 100; r++) {
		memcpy(work, buf, len);
		for (j = 0; j < 4; j++) {
			/* the second half: the CPUs' pages */
			pos = len / 2 + random() % (len - len / 2);
			work[pos] ^= 1u << (random() % 8);
		}
		td = ftx_tracedat_open_mem(work, len, "damaged.dat", FTX_TRACEDAT_NO_PLUGINS);
		if (!td)
			continue;
		walk_as_kbuffer(td, walked[_i].long_size);
		ftx_tracedat_close(td);
	}
	free(work);
	free(buf);
}
END_TEST

/*
 * ftx_tracedat_set_skip(): the stream is the full one without the records
 * the skip says true of, in the same order with the same fields, serially
 * and with the prefetch thread, which passes whole pages over by the same
 * skip; the skip sees each record at least once, with its bytes and CPU.
 * Two skips: one by a bit of the bytes (few pages are dropped whole), one
 * keeping only the rarest event type (most pages are)
 */
struct skip_count {
	unsigned long long seen, others;	/* calls; from another thread than the test's */
	int parity, type;			/* type >= 0: keep that type alone */
	pthread_t self;
};

static bool skip_by_bytes(void *arg, int cpu, const void *data, int size)
{
	struct skip_count *k = arg;
	const uint8_t *b = data;

	__atomic_fetch_add(&k->seen, 1, __ATOMIC_RELAXED);
	if (!pthread_equal(pthread_self(), k->self))
		__atomic_fetch_add(&k->others, 1, __ATOMIC_RELAXED);
	if (k->type >= 0)
		return size < 2 || (b[0] | b[1] << 8) != k->type;
	return size >= 2 && ((b[0] ^ b[1] ^ cpu) & 1) == k->parity;
}

static void skip_same(const char *path, bool prefetch, int parity, int type)
{
	struct ftx_tracedat *all = ftx_tracedat_open(path, FTX_TRACEDAT_NO_PLUGINS);
	struct ftx_tracedat *some = ftx_tracedat_open(path, FTX_TRACEDAT_NO_PLUGINS);
	struct skip_count k = { 0, 0, parity, type, pthread_self() };
	struct skip_count mine = k;
	unsigned long long total = 0, kept = 0;
	struct tep_record *a, *b;

	ck_assert_msg(all && some, "%s", ftx_error());
	ftx_tracedat_set_skip(some, skip_by_bytes, &k);
	if (prefetch) {
		ck_assert_int_eq(ftx_tracedat_prefetch(all, 4), 0);
		ck_assert_int_eq(ftx_tracedat_prefetch(some, 4), 0);
		/*
		 * time for the thread to fill its slots, so it looks at pages
		 * itself: otherwise on a loaded machine (make check's suites at
		 * once) the reading thread may decompress every chunk first
		 */
		usleep(50000);
	}
	while (ftx_tracedat_next(all, &a) == 1) {
		total++;
		if (skip_by_bytes(&mine, a->cpu, a->data, a->size))
			continue;
		TEST_REQUIRE(ftx_tracedat_peek(some, &b) >= 1 && b->ts == a->ts,
			     "%s: record %llu (ts %llu): the skipping reader peeks %s", path,
			     total, (unsigned long long)a->ts, ftx_error());
		TEST_REQUIRE(ftx_tracedat_next(some, &b) == 1 && b->ts == a->ts &&
				     b->cpu == a->cpu && b->offset == a->offset &&
				     b->size == a->size && b->record_size == a->record_size &&
				     b->missed_events == a->missed_events &&
				     !memcmp(b->data, a->data, a->size),
			     "%s: record %llu (cpu %d, offset %llu): the skipping reader's differs",
			     path, total, a->cpu, (unsigned long long)a->offset);
		kept++;
	}
	ck_assert_int_eq(ftx_tracedat_next(some, &b), 0);
	ck_assert_uint_ge(k.seen, total);
	/* serially the skip sees each record once, in the test's thread */
	if (!prefetch) {
		ck_assert_uint_eq(k.seen, total);
		ck_assert_uint_eq(k.others, 0);
	}
	/* both kinds of record are there: the test compares something */
	ck_assert_uint_gt(kept, 0);
	ck_assert_uint_lt(kept, total);
	/* the large file's pages: the prefetch thread looked at some of them itself */
	if (prefetch && total > 10000)
		ck_assert_uint_gt(k.others, 0);
	ftx_tracedat_close(all);
	ftx_tracedat_close(some);
}

START_TEST(test_skip)
{
	int type = rarest_type(walked[_i].path);
	bool all = test_rounds_div() == 1, v7 = strstr(walked[_i].path, ".v7") != NULL;

	/*
	 * the prefetch thread only reads compressed (v7) data; under make
	 * check-mem a v6 file is read with one of the two skips, in turn, and a
	 * v7 one serially with the first, through the prefetch with the second
	 */
	if (all || v7 || _i % 2)
		skip_same(walked[_i].path, false, 0, -1);
	if (all || (!v7 && !(_i % 2)))
		skip_same(walked[_i].path, false, 0, type);
	if (v7) {
		if (all)
			skip_same(walked[_i].path, true, 1, -1);
		skip_same(walked[_i].path, true, 0, type);
	}
}
END_TEST

Suite *tracedat_suite(void)
{
	Suite *s = suite_create("tracedat");
	TCase *tc = tcase_create("read");
	TCase *bad = tcase_create("bad-input");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_iterate_v7);
	tcase_add_test(tc, test_borrowed_lifetime);
	tcase_add_test(tc, test_lazy_formats);
	tcase_add_test(tc, test_prefetch);
	tcase_add_test(tc, test_skip_damaged_pages);
	tcase_add_loop_test(tc, test_walk_as_kbuffer, 0, sizeof(walked) / sizeof(walked[0]));
	tcase_add_loop_test(tc, test_skip, 0, sizeof(walked) / sizeof(walked[0]));
	suite_add_tcase(s, tc);
	tcase_set_timeout(bad, 300);
	tcase_add_test(bad, test_bad_magic_version);
	tcase_add_test(bad, test_not_regular);
	tcase_add_test(bad, test_truncated_v6);
	tcase_add_test(bad, test_truncated_v7);
	tcase_add_test(bad, test_truncated_synth);
	tcase_add_test(bad, test_flips_synth);
	tcase_add_test(bad, test_flips_v6);
	tcase_add_test(bad, test_flips_v7);
	tcase_add_test(bad, test_corrupt_page);
	tcase_add_test(bad, test_libtraceevent_fault);
	suite_add_tcase(s, bad);
	return s;
}
