#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Recorder throughput: ftx record -e raw_syscalls around scripts/syscall-storm.c
# at rising rates (each call is two events), then unpaced; prints events/s,
# lost events and the recorder's own CPU time. Then ftx stream at a few rates.
# With perf installed, the same unpaced workload under
# 'perf record -e raw_syscalls:*' for comparison.
#   scripts/bench-record.sh [SECONDS]     (root; FTX= the binary, CC= compiler)
set -u
here=$(cd "$(dirname "$0")" && pwd)
FTX=${FTX:-$here/../build/ftx}
CC=${CC:-gcc}
secs=${1:-3}
[ "$(id -u)" = 0 ] || { echo "SKIP: bench-record: needs root"; exit 0; }
work=$(mktemp -d /tmp/ftx-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
$CC -O2 -pthread -o "$work/storm" "$here/syscall-storm.c" || exit 1

printf '%-12s %12s %12s %10s %8s %s\n' "rate" "calls/s" "events/s" "lost" "MB/s" "recorder CPU"
for rate in 100000 300000 1000000 0; do
	"$FTX" record -F -c -e raw_syscalls -o "$work/t.dat" -- \
		"$work/storm" -t "$secs" -r "$rate" > "$work/out" 2> "$work/err" || {
		echo "ftx record failed: $(cat "$work/err")"; exit 1; }
	read -r calls el cps < "$work/out"
	read -r _ events bytes lost < <(grep '^total' "$work/err")
	cpu=$(sed -n 's/^recorder CPU time: //p' "$work/err")
	size=$(stat -c %s "$work/t.dat")
	printf '%-12s %12s %12.0f %10s %8.1f %s\n' "$([ "$rate" = 0 ] && echo max || echo "$rate")" \
		"$cps" "$(echo "$events / $el" | bc -l)" "$lost" \
		"$(echo "$size / $el / 1048576" | bc -l)" "$cpu"
done

echo "ftx stream to /dev/null (same workload):"
for rate in 10000 100000 300000; do
	/usr/bin/time -f "%U %S" -o "$work/time" "$FTX" stream -F -c -e raw_syscalls -- \
		"$work/storm" -t "$secs" -r "$rate" 2> "$work/err" > /dev/null
	read -r _ events _ lost < <(grep '^total' "$work/err")
	printf '  %-10s %12.0f events/s %10s lost   ftx+workload CPU: %s user, %s system\n' \
		"$rate" "$(echo "$events / $secs" | bc -l)" "$lost" $(cat "$work/time")
done

if command -v perf >/dev/null; then
	echo "perf record -e 'raw_syscalls:*' (unpaced, same workload):"
	/usr/bin/time -f "  perf+workload CPU: %U user, %S system" perf record -q -o "$work/perf.data" \
		-e 'raw_syscalls:*' -- "$work/storm" -t "$secs" 2>&1 | sed 's/^\([0-9]\)/  calls, s, calls\/s: \1/'
	perf report -i "$work/perf.data" --stats 2>/dev/null | grep -E 'SAMPLE events|LOST' | head -4 |
		sed 's/^ */  /'
fi
