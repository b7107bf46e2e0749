/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers the analysis suites share: counts read from trace-cmd's reports */
#ifndef FTX_TEST_ANALYSIS_H
#define FTX_TEST_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>

struct ftx_calltree;

/* Counts by name: entries in the order added, found through an open-addressing table */
struct ta_counts {
	char **name;
	unsigned long long *count;
	size_t n;
	size_t *slot;		/* entry index + 1, 0 for none; a power of two of them */
	size_t nslots;
};

void ta_counts_add(struct ta_counts *c, const char *name, size_t len, unsigned long long by);
unsigned long long ta_counts_get(const struct ta_counts *c, const char *name);
void ta_counts_free(struct ta_counts *c);
void ta_read_graph_report(const char *path, struct ta_counts *calls, unsigned long long *roots);
void ta_read_graph_paths(const char *path, struct ta_counts *calls, struct ta_counts *times);
void ta_read_graph_task_paths(const char *path, struct ta_counts *calls, struct ta_counts *times);
void ta_read_graph_selfs(const char *path, struct ta_counts *calls, struct ta_counts *times,
			 struct ta_counts *selfs);
struct ftx_calltree *ta_build(const char *dat, bool by_task);

#endif
