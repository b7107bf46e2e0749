#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ftx's drain against libtracefs' tracefs_cpu_* readers (scripts/bench-tcpu.c)
# on the same getppid storm, in interleaved rounds: the workload alone, under
# ftx record -F -c -e raw_syscalls, under bench-tcpu with the same instance
# settings. Per run: the workload's seconds, its slowdown against the alone
# run of the same round, events, lost, the recorder's CPU time.
#   scripts/bench-drain.sh [ROUNDS] [CALLS]     (root; under the tracefs lock)
set -u
here=$(cd "$(dirname "$0")" && pwd)
FTX=${FTX:-$here/../build/ftx}
rounds=${1:-3}
calls=${2:-600000}
kb=${BENCH_BUFFER_KB:-4096}
[ "$(id -u)" = 0 ] || { echo "SKIP: bench-drain: needs root"; exit 0; }
work=$(mktemp -d /tmp/ftx-bench-drain.XXXXXX)
trap 'rm -rf "$work"' EXIT
gcc -O2 -pthread -o "$work/storm" "$here/syscall-storm.c" || exit 1
# shellcheck disable=SC2046
gcc -O2 -pthread -o "$work/tcpu" "$here/bench-tcpu.c" $(pkg-config --cflags --libs libtracefs) ||
	exit 1

cpu_of() { sed -n 's/^recorder CPU time: \([0-9.]*\)s user, \([0-9.]*\)s system$/\1 \2/p' "$1"; }
printf '%-5s %-8s %9s %9s %10s %8s %8s %18s\n' round reader seconds slowdown events lost MB "recorder user+sys"
for r in $(seq 1 "$rounds"); do
	read -r _ alone _ < <("$work/storm" -n "$calls")
	printf '%-5s %-8s %9.3f %9s\n' "$r" alone "$alone" 1.00x
	for reader in ftx tcpu; do
		if [ $reader = ftx ]; then
			"$FTX" record -F -c -e raw_syscalls -b "$kb" -o "$work/t.dat" -- \
				"$work/storm" -n "$calls" > "$work/out" 2> "$work/err"
		else
			"$work/tcpu" "$work" "$kb" -- "$work/storm" -n "$calls" > "$work/out" 2> "$work/err"
		fi || { echo "$reader failed: $(cat "$work/err")"; exit 1; }
		read -r _ secs _ < "$work/out"
		read -r _ events bytes lost < <(grep "^total" "$work/err")
		read -r u s < <(cpu_of "$work/err")
		[ $reader = ftx ] && bytes=$(stat -c %s "$work/t.dat")
		printf '%-5s %-8s %9.3f %8.2fx %10s %8s %8.1f %8.2f+%.2fs\n' "$r" $reader "$secs" \
			"$(echo "$secs / $alone" | bc -l)" "$events" "$lost" \
			"$(echo "$bytes / 1048576" | bc -l)" "$u" "$s"
		rm -f "$work/t.dat"
	done
done
