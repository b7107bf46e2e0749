// SPDX-License-Identifier: GPL-2.0
/*
 * ftx convert and the version 7 writer: every fixture converted to v6, v7
 * uncompressed, v7 zstd and v7 zlib must report exactly as the input (ftx
 * report), and trace-cmd 3.1.6 must read the converted file (exit 0, nothing
 * on stderr) and print the same as ftx (zlib: trace-cmd 3.1.6 on Debian has
 * no zlib, so ftx alone reads those). Runs the real binary ($FTX), from tests/.
 */
#include <check.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ftx/tracedat-write.h"
#include "ftx/util.h"
#include "test-sh.h"

static const char *const inputs[] = {
	"fixtures/linux-6.1-amd64/sched_syscalls.v7.dat",
	"fixtures/linux-6.1-amd64/fgraph_openat2.v6.dat",
	"fixtures/linux-6.1-amd64/kprobe_openat2.v6.dat",
	"fixtures/linux-6.1-arm64/fgraph_openat2.v6.dat",
	"fixtures/synth/le64-tsc2nsec.v6.dat",
	"fixtures/synth/le64-zlib.v7.dat",
};

static const struct { const char *args; int version; const char *comp; } modes[] = {
	{ "--file-version 6", 6, "none" },
	{ "--file-version 7 --compression none", 7, "none" },
	{ "--compression zstd", 7, "zstd" },
	{ "--file-version 7 --compression zlib", 7, "zlib" },
	{ "--compression any", 7, "zstd" },
};

static bool have_trace_cmd(void)
{
	return system("trace-cmd -h >/dev/null 2>&1") == 0 || !access("/usr/bin/trace-cmd", X_OK);
}

/* Run @cmd (stdout to @out); returns its exit status */

static char *slurp(const char *path)
{
	char *s = ftx_read_file(path, NULL);

	ck_assert_msg(s, "cannot read %s", path);
	return s;
}

START_TEST(test_round_trip)
{
	const char *in = inputs[_i / (int)FTX_ARRAY_SIZE(modes)];
	int m = _i % (int)FTX_ARRAY_SIZE(modes);
	const char *ftx = getenv("FTX");
	char dir[] = "/tmp/ftx-convert-XXXXXX", out[256];
	char *want, *got, *tc, *tcerr;
	bool zlib_in = strstr(in, "zlib") != NULL;

	ck_assert_msg(ftx, "FTX (the binary) is not set");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/out.dat", dir);
	ck_assert_int_eq(test_sh("%s report -i %s > %s/in.txt", ftx, in, dir), 0);
	ck_assert_int_eq(test_sh("%s convert -i %s -o %s %s", ftx, in, out, modes[m].args), 0);

	/*
	 * The header says what was asked for: after the 10 magic bytes the version
	 * ("6" or "7", NUL-ended), then v7's endianness, long size, page size (6
	 * bytes) and compression name. Read as bytes: the reports compared below
	 * read the file through the library.
	 */
	{
		char head[64] = { 0 }, ver[2] = { (char)('0' + modes[m].version), 0 };
		FILE *f = fopen(out, "rb");

		ck_assert_msg(f, "%s", out);
		ck_assert_int_gt(fread(head, 1, sizeof(head) - 1, f), 20);
		fclose(f);
		ck_assert_str_eq(head + 10, ver);
		if (modes[m].version == 7)
			ck_assert_str_eq(head + 10 + 2 + 6, modes[m].comp);
	}

	ck_assert_int_eq(test_sh("%s report -i %s > %s/out.txt", ftx, out, dir), 0);
	want = slurp(strcat(strcpy((char[300]){ 0 }, dir), "/in.txt"));
	got = slurp(strcat(strcpy((char[300]){ 0 }, dir), "/out.txt"));
	ck_assert_msg(!strcmp(want, got), "%s %s: ftx report differs after conversion", in,
		      modes[m].args);
	ck_assert_int_gt(strlen(got), 100);

	if (strcmp(modes[m].comp, "zlib") && !zlib_in) {
		if (!have_trace_cmd()) {
			fprintf(stderr, "SKIP: trace-cmd part of test_round_trip: trace-cmd not installed\n");
		} else {
			ck_assert_int_eq(test_sh("trace-cmd report -i %s > %s/tc.txt 2> %s/tc.err", out,
					    dir, dir), 0);
			tc = slurp(strcat(strcpy((char[300]){ 0 }, dir), "/tc.txt"));
			tcerr = slurp(strcat(strcpy((char[300]){ 0 }, dir), "/tc.err"));
			ck_assert_msg(!*tcerr, "trace-cmd report %s (%s): %s", in, modes[m].args,
				      tcerr);
			ck_assert_msg(!strcmp(tc, got), "%s %s: trace-cmd report differs from ftx's",
				      in, modes[m].args);
			ck_assert_int_eq(test_sh("trace-cmd dump -v -i %s >/dev/null 2>&1", out), 0);
			free(tc);
			free(tcerr);
		}
	}
	free(want);
	free(got);
	test_sh("rm -rf %s", dir);
}
END_TEST

START_TEST(test_v6_to_v6_is_identical)
{
	const char *ftx = getenv("FTX");
	char out[] = "/tmp/ftx-convert-same-XXXXXX";
	int fd = mkstemp(out);

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(test_sh("%s convert -i fixtures/linux-6.1-amd64/fgraph_openat2.v6.dat "
			    "--file-version 6 %s", ftx, out), 0);
	ck_assert_int_eq(test_sh("cmp -s %s fixtures/linux-6.1-amd64/fgraph_openat2.v6.dat", out), 0);
	unlink(out);
}
END_TEST

START_TEST(test_usage_and_refusals)
{
	const char *ftx = getenv("FTX");

	ck_assert_int_eq(test_sh("%s convert -i x.dat 2>/dev/null", ftx), 2);		/* no -o */
	ck_assert_int_eq(test_sh("%s convert --file-version 5 -o /tmp/x 2>/dev/null", ftx), 2);
	ck_assert_int_eq(test_sh("%s convert --compression lz4 -o /tmp/x 2>/dev/null", ftx), 2);
	ck_assert_int_eq(test_sh("%s convert --file-version 6 --compression zstd -o /tmp/x 2>/dev/null",
			    ftx), 2);
	ck_assert_int_eq(test_sh("%s convert -i /nonexistent.dat -o /tmp/ftx-never.dat 2>/dev/null",
			    ftx), 1);
	/* instances and latency text are refused, and nothing is left behind */
	ck_assert_int_eq(test_sh("%s convert -i fixtures/synth/le64-inst.v6.dat -o /tmp/ftx-never.dat "
			    "2>/dev/null", ftx), 1);
	ck_assert_int_eq(test_sh("%s convert -i fixtures/synth/le64-latency.v6.dat "
			    "-o /tmp/ftx-never.dat 2>/dev/null", ftx), 1);
	ck_assert_int_ne(access("/tmp/ftx-never.dat", F_OK), 0);
	ck_assert_int_eq(ftx_tdat_compression_parse("any"), FTX_TDAT_COMP_ZSTD);
	ck_assert_int_eq(ftx_tdat_compression_parse("none"), FTX_TDAT_COMP_NONE);
	ck_assert_int_eq(ftx_tdat_compression_parse("zlib"), FTX_TDAT_COMP_ZLIB);
	ck_assert_int_eq(ftx_tdat_compression_parse("gzip"), -1);
}
END_TEST

Suite *convert_suite(void)
{
	Suite *s = suite_create("convert");
	TCase *tc = tcase_create("convert");

	tcase_add_loop_test(tc, test_round_trip, 0,
			    FTX_ARRAY_SIZE(inputs) * FTX_ARRAY_SIZE(modes));
	tcase_add_test(tc, test_v6_to_v6_is_identical);
	tcase_add_test(tc, test_usage_and_refusals);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}
