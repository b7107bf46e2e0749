#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: ftx against the field's tools on the same input, in one run.
#  1. report speed: ftx report vs trace-cmd report, output to /dev/null, best
#     of 3 wall times and peak RSS of each, on a small and a large file (RSS
#     must not grow with the trace).
#  2. recording under a syscall storm: the workload's slowdown, events kept and
#     lost, and the recorder's own CPU time, for a bare ftrace instance (the
#     floor: nothing reads it), ftx record and perf record, same tracepoints
#     and per-CPU buffer size.
#  3. scripts/bench-record.sh: ftx record/stream at paced rates.
# Ratios only mean something within one run on one machine.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
FTX=${FTX:-$top/build/ftx}
calls=${BENCH_CALLS:-600000}
kb=${BENCH_BUFFER_KB:-4096}
work=$(mktemp -d /tmp/ftx-bench.XXXXXX)
T=
inst=
cleanup() {
	[ -n "$inst" ] && [ -d "$inst" ] && {
		echo 0 > "$inst/tracing_on"; echo 0 > "$inst/events/enable"; rmdir "$inst"; }
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for p in trace-cmd linux-perf bc time; do
	[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$p" \
			>/dev/null
done

# best wall time of 3 runs and the peak RSS of the last: "secs kb"
measure() {
	local best= t m i
	for i in 1 2 3; do
		/usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2> "$work/cmd.err" || {
			echo "FAILED: $* ($(tail -1 "$work/cmd.err"))" >&2; return 1; }
		read -r t m < "$work/time"
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
	done
	echo "$best $m"
}

echo "== 1. report: ftx report vs trace-cmd report (output to /dev/null, best of 3)"
files=("$top/tests/fixtures/linux-6.1-amd64/sched_syscalls.v7.dat")
big=$top/../shared/bench/sched_syscalls_757k.v7.dat
if [ -r "$big" ]; then
	files+=("$big")
elif [ "$(id -u)" = 0 ]; then
	# no shared bench file (a plain clone): record a large file here instead
	gcc -O2 -pthread -o "$work/storm" "$top/scripts/syscall-storm.c"
	"$FTX" record -q -F -e raw_syscalls -b 8192 -o "$work/big.dat" -- "$work/storm" -n 350000 \
		> /dev/null 2>&1 && files+=("$work/big.dat")
fi
printf '%-28s %9s %11s %8s %8s %13s %9s\n' file events trace-cmd-s ftx-s speedup \
	trace-cmd-RSS ftx-RSS
for f in "${files[@]}"; do
	events=$("$FTX" report -i "$f" | grep -vc '^cpus=')
	read -r tc_t tc_m < <(measure trace-cmd report -i "$f") || exit 1
	read -r fx_t fx_m < <(measure "$FTX" report -i "$f") || exit 1
	printf '%-28s %9s %11s %8s %7.1fx %10s KB %6s KB\n' "$(basename "$f" .dat)" "$events" \
		"$tc_t" "$fx_t" "$(echo "$tc_t / ($fx_t + 0.0001)" | bc -l)" "$tc_m" "$fx_m"
done
echo

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: recording benchmarks need root"
	exit 0
fi
T=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
[ -n "$T" ] || { mount -t tracefs nodev /sys/kernel/tracing && T=/sys/kernel/tracing; }
gcc -O2 -pthread -o "$work/storm" "$top/scripts/syscall-storm.c" || exit 1

echo "== 2. recording $calls getppid() calls ($((2 * calls)) raw_syscalls events), $kb KB per CPU"
echo "   (best of 3 wall times of the workload; slowdown against the workload alone)"
printf '%-16s %8s %9s %10s %9s %14s\n' method wall-s slowdown events lost recorder-CPU-s

# each run_* leaves "wall events lost recorder_cpu" in $work/res
run_none() {
	read -r _ el _ < <("$work/storm" -n "$calls")
	echo "$el - - -" > "$work/res"
}
run_bare() {
	inst=$T/instances/ftx-bench-$$
	mkdir "$inst"
	echo "$kb" > "$inst/buffer_size_kb"
	echo 1 > "$inst/events/raw_syscalls/enable"
	echo 1 > "$inst/tracing_on"
	read -r _ el _ < <("$work/storm" -n "$calls")
	echo 0 > "$inst/tracing_on"
	echo 0 > "$inst/events/enable"
	rmdir "$inst"
	inst=
	echo "$el (not-read) - -" > "$work/res"
}
run_ftx() {
	local events lost cpu
	# -F -c: the workload's worker is a thread of its own
	"$FTX" record -F -c -e raw_syscalls -b "$kb" -o "$work/ftx.dat" -- "$work/storm" -n "$calls" \
		> "$work/out" 2> "$work/err" || { echo "ftx record failed: $(cat "$work/err")" >&2; return 1; }
	read -r _ el _ < "$work/out"
	read -r _ events _ lost < <(grep '^total' "$work/err")
	cpu=$(sed -n 's/^recorder CPU time: \([0-9.]*\)s user, \([0-9.]*\)s system/\1 + \2/p' "$work/err")
	echo "$el $events $lost $(printf "%.2f" "$(echo "$cpu" | bc -l)")" > "$work/res"
}
run_perf() {
	local pu ps wu ws events lost
	# perf's rusage includes the workload it waited for: time the workload on
	# its own inside and take that off
	/usr/bin/time -f "%U %S" -o "$work/ptime" perf record -q -e 'raw_syscalls:*' -m $((kb / 4)) \
		-o "$work/perf.data" -- /usr/bin/time -f "%U %S" -o "$work/wtime" \
		"$work/storm" -n "$calls" > "$work/out" 2> "$work/err" || {
		echo "perf record failed: $(tail -2 "$work/err")" >&2; return 1; }
	read -r _ el _ < "$work/out"
	read -r pu ps < "$work/ptime"
	read -r wu ws < "$work/wtime"
	perf report -i "$work/perf.data" --stats > "$work/pstats" 2>/dev/null
	events=$(awk '/^ *SAMPLE events:/ { print $3; exit }' "$work/pstats")
	lost=$(awk '/LOST_SAMPLES events:|^ *LOST events:/ { n += $3 } END { print n + 0 }' "$work/pstats")
	echo "$el $events $lost $(printf "%.2f" "$(echo "$pu + $ps - $wu - $ws" | bc -l)")" > "$work/res"
}
base=
for m in none bare ftx perf; do
	best=
	for i in 1 2 3; do
		"run_$m" || exit 1
		read -r el events lost cpu < "$work/res"
		if [ -z "$best" ] || [ "$(echo "$el < $best" | bc)" = 1 ]; then
			best=$el
			line="$events $lost $cpu"
		fi
	done
	[ -n "$base" ] || base=$best
	read -r events lost cpu <<< "$line"
	case $m in none) name="workload alone" ;; bare) name="bare instance" ;;
		ftx) name="ftx record" ;; perf) name="perf record" ;; esac
	printf '%-16s %8.3f %8.2fx %10s %9s %14s\n' "$name" "$best" "$(echo "$best / $base" | bc -l)" \
		"$events" "$lost" "$cpu"
done
echo

echo "== 3. ftx record/stream at paced rates (scripts/bench-record.sh)"
FTX=$FTX "$top/scripts/bench-record.sh" 2
