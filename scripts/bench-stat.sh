#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ftx stat's overhead against perf stat on the same workloads, default events:
# the wall time of 'stat -- true' (start-up and tear-down: best and mean of
# $BENCH_STAT_RUNS) and of a getppid() storm (scripts/syscall-storm.c; best
# of 3), each against the workload alone.
# usage: FTX=build/ftx scripts/bench-stat.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
FTX=${FTX:-$top/build/ftx}
runs=${BENCH_STAT_RUNS:-30}
calls=${BENCH_STAT_CALLS:-2000000}
work=$(mktemp -d /tmp/ftx-bench-stat.XXXXXX)
trap 'rm -rf "$work"' EXIT
command -v perf > /dev/null || { echo "SKIP: stat bench: perf not installed"; exit 0; }
gcc -O2 -pthread -o "$work/storm" "$top/scripts/syscall-storm.c" || exit 1

now() { date +%s.%N; }
# "best mean" wall seconds of $runs runs of "$@"
walls() {
	local i t0 t1 best= sum=0 d
	for i in $(seq "$runs"); do
		t0=$(now)
		"$@" > /dev/null 2>&1 || { echo "FAILED: $*" >&2; return 1; }
		t1=$(now)
		d=$(echo "$t1 - $t0" | bc -l)
		sum=$(echo "$sum + $d" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$d < $best" | bc)" = 1 ]; then best=$d; fi
	done
	echo "$best $(echo "$sum / $runs" | bc -l)"
}
# the storm's own wall seconds (2nd word of its first line), best of 3
storm() {
	local i best= t
	for i in 1 2 3; do
		t=$("$@" 2>/dev/null | awk 'NR == 1 { print $2 }') || return 1
		[ -n "$t" ] || { echo "FAILED: $*" >&2; return 1; }
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
	done
	echo "$best"
}

read -r a_b a_m <<< "$(walls /bin/true)" || exit 1
read -r p_b p_m <<< "$(walls perf stat -o /dev/null -- /bin/true)" || exit 1
read -r f_b f_m <<< "$(walls "$FTX" stat -o /dev/null -- /bin/true)" || exit 1
printf '%-34s %9s %9s %9s\n' "'-- true' wall (ms)" alone "perf stat" "ftx stat"
printf '%-34s %9.2f %9.2f %9.2f\n' "  best of $runs" "$(echo "$a_b * 1000" | bc -l)" \
	"$(echo "$p_b * 1000" | bc -l)" "$(echo "$f_b * 1000" | bc -l)"
printf '%-34s %9.2f %9.2f %9.2f\n' "  mean" "$(echo "$a_m * 1000" | bc -l)" \
	"$(echo "$p_m * 1000" | bc -l)" "$(echo "$f_m * 1000" | bc -l)"
s_a=$(storm "$work/storm" -n "$calls") || exit 1
s_p=$(storm perf stat -o /dev/null -- "$work/storm" -n "$calls") || exit 1
s_f=$(storm "$FTX" stat -o /dev/null -- "$work/storm" -n "$calls") || exit 1
printf '%-34s %9.3f %9.3f %9.3f   (slowdown: perf %.3fx, ftx %.3fx)\n' \
	"$calls getppid() wall (s)" "$s_a" "$s_p" "$s_f" "$(echo "$s_p / $s_a" | bc -l)" \
	"$(echo "$s_f / $s_a" | bc -l)"
