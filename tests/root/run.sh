#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Integration tests of the real binary on this host's tracefs. Each
# tests/root/t-*.sh is one test; run.sh snapshots tracefs before and after
# every test and fails the test if anything was left changed.
# Needs root; prints a SKIP line with the reason otherwise.
# FTX_SANITIZER_LOGS=DIR (make check-asan, with an ASan+UBSan $FTX whose
# log_path points into DIR): a test after which a report is there fails.
set -u
here=$(cd "$(dirname "$0")" && pwd)
FTX=${FTX:-$here/../../build/ftx}
export FTX
. "$here/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: root integration tests: need root (tracefs)"
	exit 0
fi
if ! ftx_tracefs_dir >/dev/null; then
	echo "SKIP: root integration tests: tracefs cannot be mounted here"
	exit 0
fi

san=${FTX_SANITIZER_LOGS:-}
san_reports()
{
	[ -n "$san" ] && ! "$here/../sanitizer-reports.sh" "$san"
}

pass=0 fail=0
for t in "$here"/t-*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	before=$(tracefs_snapshot)
	out=$(bash "$t" 2>&1)
	rc=$?
	after=$(tracefs_snapshot)
	if reports=$(san_reports); then
		echo "FAIL: $name (sanitizer report, exit $rc)"
		printf '%s\n' "$reports" | sed 's/^/    /'
		fail=$((fail + 1))
	elif [ $rc -ne 0 ]; then
		echo "FAIL: $name (exit $rc)"
		printf '%s\n' "$out" | sed 's/^/    /' | tail -n 30
		fail=$((fail + 1))
	elif [ "$before" != "$after" ]; then
		echo "FAIL: $name left tracefs changed:"
		diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | sed 's/^/    /' | head -n 30
		fail=$((fail + 1))
	else
		echo "PASS: $name"
		pass=$((pass + 1))
	fi
done
echo "root: $pass passed, $fail failed"
[ $fail -eq 0 ]
