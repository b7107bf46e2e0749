#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# usage: tests/sanitizer-reports.sh DIR
# DIR holds the files ASan/UBSan/LSan wrote (log_path=DIR/asan, DIR/ubsan).
# Prints every report (the head of each file) and exits 1 if there is one;
# exits 0 when there is none. The files are removed either way, so the next
# caller sees only its own. Not reports:
#  - the printf interceptor's notice that it cannot check a format it does not
#    know (trace formats such as "%lhx" reach vsnprintf inside libtraceevent);
#  - what happens inside the filter trial (trial_compile in
#    src/lib/print/filter.c): a forked child whose job is to let libtraceevent
#    1.7's filter parser double-free or crash on a filter before ftx uses it.
set -u
dir=$1
found=0
for f in "$dir"/*; do
	[ -e "$f" ] || continue
	if grep -qv 'WARNING: unexpected format specifier in printf interceptor' "$f" &&
	   ! grep -q ' in trial_compile ' "$f"; then
		echo "== $(basename "$f")"
		head -n 40 "$f"
		found=1
	fi
	rm -f "$f"
done
[ $found = 0 ]
