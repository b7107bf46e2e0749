// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the user filter (-F): any text through ftx's shape
 * check and its guarded compile against a real trace's events. Whatever the
 * text, ftx must not crash (libtraceevent may, in the trial child).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "ftx/filter.h"
#include "ftx/tracedat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ftx_tracedat *td;
	struct tep_event_filter *f;
	char *s, why[256];

	if (!td) {
		td = ftx_tracedat_open("tests/fixtures/linux-6.1-amd64/sched_syscalls.v7.dat",
				       FTX_TRACEDAT_NO_PLUGINS | FTX_TRACEDAT_LAZY_KALLSYMS);
		if (!td)
			abort();
	}
	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	ftx_filter_check(s, why, sizeof(why));
	f = ftx_filter_compile(ftx_tracedat_tep(td), s);
	if (f)
		tep_filter_free(f);
	free(s);
	return 0;
}
