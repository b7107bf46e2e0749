#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: ftx against the field's tools on the same input, in one run.
#  1. report speed: ftx report vs trace-cmd report, output to /dev/null, in
#     interleaved rounds (minimum wall of each), ftx on 1 and 2 CPUs, with the
#     options -l -t --cpu -F --pid; peak RSS of each (flat in the trace); the
#     large file's decompress-and-walk alone (scripts/bench-walk.c), the bound
#     of a filtered report.
#  2. recording cost like for like: each ftx run against a floor (a bare instance
#     with the same events that nobody reads) traced the same way: ftx -F -c
#     against the command's pid in set_event_pid (raw_syscalls, also with
#     --tmpdir /dev/shm); system-wide (raw_syscalls; sched+irq on one CPU) ftx's
#     default, which puts its threads in set_event_notrace_pid, against a floor
#     with a pid there and --no-filter against a bare floor, the price of the
#     kernel's pid check (the one floor over the other) printed apart; the
#     workload alone (its spread over the rounds shown), in interleaved rounds;
#     perf record of the same tracepoints for the first case; file bytes per
#     event next to trace-cmd's writing of the same events (trace-cmd convert).
#     1b. growth: the largest of those files x1, x4, x16 (scripts/trace-grow.py).
#     1c. the analysis commands against report on it and on function_graph traces
#     of 0.3M, 1.3M and 5.2M calls grown from a fixture's pages.
#     2b. --subbuf-size 4/16/64 KB against floors with the same sub-buffers.
#     2c. the drain threads pinned to their CPUs against left to the scheduler.
#     2d. function_graph in the VM test bed's arm64-6.1 guest (two vCPUs in two
#         host threads) against a bare function_graph there, with and without a
#         notrace pid (tests/vm/scenarios/bench-fgraph.sh).
#  3. scripts/bench-record.sh: ftx record/stream at paced rates.
#  4. scripts/bench-stat.sh: ftx stat against perf stat (-- true, a syscall storm).
#  Last, a summary of the sections that ran against the targets (report and -l
#  >= 10x trace-cmd, linear growth with flat RSS, every recording row <= 1.05x).
# Ratios only mean something within one run on one machine.
# BENCH_TRACEFS_LOCK=/tmp/ftx-tracefs.lock holds that flock over each recording
# section (2, 2b, 2c, 3, 4); BENCH_SKIP_REPORT=1 runs those alone,
# BENCH_REPORT_ONLY=1 sections 1 and 1b alone, BENCH_ONLY=1c section 1c alone.
# BENCH_VM_LOCK=/tmp/ftx-vm.lock holds that one over 2d; BENCH_SKIP_VM=1 skips it,
# BENCH_VM_KERNEL=NAME runs it on another guest. With BENCH_SKIP_REPORT=1,
# BENCH_ONLY=2 runs sections 2, 2b and 2c alone, BENCH_ONLY=2d that one alone.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
FTX=${FTX:-$top/build/ftx}
calls=${BENCH_CALLS:-2000000}
kb=${BENCH_BUFFER_KB:-4096}
work=$(mktemp -d /tmp/ftx-bench.XXXXXX)
T=
inst=
bgftx=
# The targets, from the numbers the sections printed: $work/targets holds
# "speed|what|trace-cmd-s|ftx-2cpu-s|ftx-1cpu-s|judged on: 2 (CPUs) or both",
# "growth|command|s/M x1|s/M x16|KB x1|KB x16" and "row|case|cost from the minima|paired median" lines
summary() {
	[ -s "$work/targets" ] || return 0
	echo "== summary: what this run shows against the targets (report and -l >= 10x trace-cmd on"
	echo "   2 CPUs and on 1, every other option of the fast path (-t, --cpu, -F, --pid) on 2 CPUs;"
	echo "   growth linear with flat RSS: per-million time and peak RSS at x16 within 1.25x of x1;"
	echo "   every recording of ftx's own configurations <= 1.05x its floor, judged on each row's"
	echo "   paired median, the minima's ratio beside it)"
	awk -F'|' '
	function verdict(ok) { return ok ? "met" : "NOT met" }
	$1 == "speed" {
		s2 = $3 / $4; s1 = $3 / $5
		# field 6: "2" when judged on 2 CPUs alone
		printf "   %-48s %5.1fx on 2 CPUs, %5.1fx on 1 (%.3f / %.3f s, trace-cmd %.3f s): %s\n",
			$2, s2, s1, $4, $5, $3, verdict(s2 >= 10 && ($6 == "2" || s1 >= 10))
	}
	$1 == "growth" {
		gt = $4 / $3; gm = $6 / $5
		printf "   growth, %-40s %.3f -> %.3f s/M (%.2fx), RSS %d -> %d KB (%.2fx): %s\n",
			$2, $3, $4, gt, $5, $6, gm, verdict(gt <= 1.25 && gm <= 1.25)
	}
	$1 == "row" {
		n++; if ($4 > 1.05) { bad++; worst = worst sprintf("\n     %s: %.2fx (minima %.2fx)", $2, $4, $3) }
		if (n == 1 || $4 > pmax) pmax = $4; if (n == 1 || $4 < pmin) pmin = $4
		if (n == 1 || $3 > cmax) cmax = $3; if (n == 1 || $3 < cmin) cmin = $3
	}
	END {
		if (n)
			printf "   recording, %d rows: paired medians %.2f-%.2fx, minima %.2f-%.2fx: %s%s\n", n,
				pmin, pmax, cmin, cmax, bad ? sprintf("NOT met in %d", bad) : "met", worst
	}' "$work/targets"
	echo "   (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
}
cleanup() {
	local rc=$?
	[ "$rc" = 0 ] && summary
	[ -n "$bgftx" ] && { kill -INT "$bgftx"; wait; }
	[ -n "$inst" ] && [ -d "$inst" ] && {
		echo 0 > "$inst/tracing_on"; echo 0 > "$inst/events/enable"; rmdir "$inst"; }
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# BENCH_TRACEFS_LOCK=FILE: hold flock FILE over each recording section (the lock
# this repository's root tests run under), never across the report sections
tracefs_lock() { [ -z "${BENCH_TRACEFS_LOCK:-}" ] || { exec 9> "$BENCH_TRACEFS_LOCK"; flock 9; }; }
tracefs_unlock() { [ -z "${BENCH_TRACEFS_LOCK:-}" ] || flock -u 9; }

for p in trace-cmd linux-perf bc time; do
	[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$p" \
			>/dev/null
done

# Report speed in interleaved rounds (trace-cmd, ftx on one CPU, ftx on two,
# one after the other in each round), the minimum wall time of each: the
# machine's other load hits all three alike. ftx reads in one thread and
# formats in another when a second CPU is free (taskset -c 0: one thread).
rrounds=${BENCH_REPORT_ROUNDS:-5}
# wall seconds of one run (bash's clock, ms resolution), its CPU seconds (user +
# system, 10 ms resolution) and its peak RSS: "secs cpu kb"
run_once() {
	local t0 t1 u s m
	t0=$EPOCHREALTIME
	/usr/bin/time -f "%U %S %M" -o "$work/time" "$@" > /dev/null 2> "$work/cmd.err" || {
		echo "FAILED: $* ($(tail -1 "$work/cmd.err"))" >&2; return 1; }
	t1=$EPOCHREALTIME
	read -r u s m < "$work/time"
	echo "$(echo "${t1/,/.} - ${t0/,/.}" | bc -l) $(echo "$u + $s" | bc -l) $m"
}
declare -A best bcpu rss
# keep the minimum wall and CPU of each key: keep KEY CMD...
keep() {
	local k=$1 t c m
	shift
	read -r t c m < <(run_once "$@") || return 1
	[ -n "$t" ] || return 1
	if [ -z "${best[$k]:-}" ] || [ "$(echo "$t < ${best[$k]}" | bc)" = 1 ]; then best[$k]=$t; fi
	if [ -z "${bcpu[$k]:-}" ] || [ "$(echo "$c < ${bcpu[$k]}" | bc)" = 1 ]; then bcpu[$k]=$c; fi
	rss[$k]=$m
}
# BENCH_SKIP_REPORT=1: the recording sections only
if [ -z "${BENCH_SKIP_REPORT:-}" ]; then
echo "== 1. report: ftx report vs trace-cmd report (output to /dev/null, $rrounds interleaved"
echo "   rounds, minimum wall of each; ftx on 1 CPU (taskset -c 0) and on 2)"
echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
files=("$top/tests/fixtures/linux-6.1-amd64/sched_syscalls.v7.dat")
big=${BENCH_REPORT_FILE:-$top/../shared/bench/sched_syscalls_757k.v7.dat}
if [ -r "$big" ]; then
	files+=("$big")
elif [ "$(id -u)" = 0 ]; then
	echo "   (no $big: a large file recorded here instead)"
	gcc -O2 -pthread -o "$work/storm" "$top/scripts/syscall-storm.c"
	"$FTX" record -q -F -e raw_syscalls -b 8192 -o "$work/big.dat" -- "$work/storm" -n 350000 \
		> /dev/null 2>&1 && files+=("$work/big.dat")
else
	echo "   SKIP the large file: no $big and not root to record one"
fi
# the least a filtered report does: decompress and walk (against build's libftx.a)
walk=
lib=$(dirname "$FTX")/libftx.a
if [ "${BENCH_ONLY:-}" != 1c ] && [ -r "$lib" ] &&
   gcc -O2 -pthread -I"$top/include" $(pkg-config --cflags libtraceevent) -o "$work/walk" \
	"$top/scripts/bench-walk.c" "$lib" $(pkg-config --libs libtraceevent libzstd zlib) -ldl -lm; then
	walk=$work/walk
fi
[ "${BENCH_ONLY:-}" = 1c ] || printf '%-28s %-18s %8s %11s %8s %8s %8s %8s %7s %11s %10s %8s\n' \
	file options events trace-cmd-s ftx-1cpu ftx-2cpu speedup 1cpu-x scaling CPU-s:tc/ftx tc-RSS ftx-RSS
for f in "${files[@]}"; do
	[ "${BENCH_ONLY:-}" = 1c ] && break
	fpid=$("$FTX" report -i "$f" | awk 'NR == 2 { sub(/.*-/, "", $1); print $1; exit }')
	if [ "$f" = "${files[-1]}" ]; then
		opts=("" "-l" "-t" "--cpu 0" "-F sched_switch" "--pid $fpid")
	else
		opts=("")
	fi
	best=() bcpu=() rss=()
	for r in $(seq "$rrounds"); do
		for o in "${opts[@]}"; do
			# shellcheck disable=SC2086
			{ keep "tc$o" trace-cmd report $o -i "$f" &&
			  keep "f1$o" taskset -c 0 "$FTX" report $o -i "$f" &&
			  keep "f2$o" "$FTX" report $o -i "$f"; } || exit 1
		done
		if [ -n "$walk" ] && [ "$f" = "${files[-1]}" ]; then
			{ keep w1 taskset -c 0 "$walk" "$f" && keep w2 "$walk" -j 2 "$f"; } || exit 1
		fi
	done
	for o in "${opts[@]}"; do
		# shellcheck disable=SC2086
		events=$("$FTX" report $o -i "$f" | grep -vc '^cpus=')
		tc=${best[tc$o]} f1=${best[f1$o]} f2=${best[f2$o]}
		printf '%-28s %-18s %8s %11.3f %8.3f %8.3f %7.1fx %7.1fx %7.2fx %5.2f/%-5.2f %7s KB %5s KB\n' \
			"$(basename "$f" .dat)" "${o:-(none)}" "$events" "$tc" "$f1" "$f2" \
			"$(echo "$tc / ($f2 + 0.0001)" | bc -l)" "$(echo "$tc / ($f1 + 0.0001)" | bc -l)" \
			"$(echo "$f1 / ($f2 + 0.0001)" | bc -l)" "${bcpu[tc$o]}" "${bcpu[f2$o]}" \
			"${rss[tc$o]}" "${rss[f2$o]}"
		if [ "$f" = "${files[-1]}" ]; then
			j=2; { [ -z "$o" ] || [ "$o" = -l ]; } && j=both
			echo "speed|report${o:+ $o}, $(basename "$f" .dat)|$tc|$f2|$f1|$j" >> "$work/targets"
		fi
	done
	if [ -n "$walk" ] && [ "$f" = "${files[-1]}" ]; then
		events=$("$walk" "$f" | cut -d' ' -f1)
		printf '%-28s %-18s %8s %11s %8.3f %8.3f %8s %8s %7.2fx %5s/%-5.2f %7s    %5s KB\n' \
			"$(basename "$f" .dat)" "(walk only)" "$events" - "${best[w1]}" "${best[w2]}" \
			- - "$(echo "${best[w1]} / (${best[w2]} + 0.0001)" | bc -l)" - "${bcpu[w2]}" - \
			"${rss[w2]}"
		wf=${best[w2]} tF=${best[tc-F sched_switch]} tP=${best[tc--pid $fpid]}
		echo "   (walk only: scripts/bench-walk.c decompresses and walks every record in the reading"
		echo "   thread, reading its type where it sits, printing nothing: what -F and --pid did before"
		echo "   the prefetch thread learnt to pass over pages whose records -F drops all (--pid still"
		echo "   walks them: a function_graph entry it keeps holds the record after it, of any CPU)."
		printf '   -F sched_switch takes %.2fx it, --pid %.2fx; trace-cmd -F %.1fx, its --pid %.1fx;\n' \
			"$(echo "${best[f2-F sched_switch]} / $wf" | bc -l)" \
			"$(echo "${best[f2--pid $fpid]} / $wf" | bc -l)" \
			"$(echo "$tF / $wf" | bc -l)" "$(echo "$tP / $wf" | bc -l)"
		printf '   10x trace-cmd -F would be %.3f s, 10x its --pid %.3f s)\n' \
			"$(echo "$tF / 10" | bc -l)" "$(echo "$tP / 10" | bc -l)"
	fi
done
echo "   (speedup: trace-cmd's time over ftx's on 2 CPUs; 1cpu-x: over ftx's on 1;"
echo "   scaling: ftx 1 CPU / 2 CPUs; CPU-s: least user+system seconds, trace-cmd's / ftx's on"
echo "   2 CPUs (both threads); load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
echo

# Growth: the largest file above as v6, its own pages repeated x4 and x16 with
# timestamps moved on (scripts/trace-grow.py): time must grow linearly, peak
# RSS not at all.
echo "== 1b. growth: the same events x1, x4, x16 (3 interleaved rounds, minimum wall of each,"
echo "   output to /dev/null; events: report's lines; peak RSS of the last round)"
big=${files[${#files[@]}-1]}
if [ "${BENCH_ONLY:-}" = 1c ]; then
	echo "SKIP: BENCH_ONLY=1c"
elif "$FTX" convert -i "$big" -o "$work/g1.dat" --file-version 6 > /dev/null 2>&1 &&
   python3 "$top/scripts/trace-grow.py" "$work/g1.dat" 4 "$work/g4.dat" &&
   python3 "$top/scripts/trace-grow.py" "$work/g1.dat" 16 "$work/g16.dat"; then
	printf '%-28s %5s %10s %9s %11s %9s\n' command x events seconds s/M-events peak-RSS
	declare -A gn
	for k in 1 4 16; do gn[$k]=$("$FTX" report -i "$work/g$k.dat" | grep -vc '^cpus='); done
	for cmd in "report" "report -l" "hist sched_switch.prev_prio" "export --chrome /dev/null"; do
		# x1, x4, x16 in turn, three rounds, the minimum wall of each (ms
		# resolution): x1 runs after x16, not from a last-level cache its own
		# previous run filled (its 33 MB of pages about fit this host's 32 MB)
		best=() bcpu=() rss=()
		for r in 1 2 3; do
			for k in 1 4 16; do
				# shellcheck disable=SC2086
				keep "x$k" "$FTX" $cmd -i "$work/g$k.dat" || exit 1
			done
		done
		for k in 1 4 16; do
			n=${gn[$k]} t=${best[x$k]} m=${rss[x$k]}
			printf '%-28s %5s %10s %9.3f %11.3f %6s KB\n' "$cmd" "x$k" "$n" "$t" \
				"$(echo "$t * 1000000 / $n" | bc -l)" "$m"
			[ $k = 1 ] && g1="$(echo "$t * 1000000 / $n" | bc -l)|$m"
			[ $k = 16 ] && echo "growth|$cmd|${g1%|*}|$(echo "$t * 1000000 / $n" | bc -l)|${g1#*|}|$m" \
				>> "$work/targets"
		done
	done
	rm -f "$work"/g*.dat
else
	echo "SKIP: growth: could not make the grown files from $big"
fi
echo
# BENCH_REPORT_ONLY=1: sections 1 and 1b alone
[ -z "${BENCH_REPORT_ONLY:-}" ] || exit 0

# Analyses against report on the same file (output to /dev/null): the 757K
# sched file and a function_graph trace of >= 5M calls grown from the arm64
# fixture's own pages (scripts/trace-grow.py); peak RSS must not grow with it.
# Interleaved rounds (every command once a round), the minimum wall of each, as
# in section 1: the machine's other load hits them alike.
arounds=${BENCH_ANALYSIS_ROUNDS:-5}
echo "== 1c. analysis vs ftx report on the same file ($arounds interleaved rounds, minimum wall"
echo "   of each, output to /dev/null); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
fg=$top/tests/fixtures/linux-6.1-arm64/fgraph_openat2.v6.dat
if python3 "$top/scripts/trace-grow.py" "$fg" 1300 "$work/fg.dat" &&
   python3 "$top/scripts/trace-grow.py" "$fg" 325 "$work/fg-mid.dat" &&
   python3 "$top/scripts/trace-grow.py" "$fg" 80 "$work/fg-small.dat"; then
	printf '%-22s %-46s %8s %8s %8s %7s %9s\n' file command seconds ratio s/M CPU-s peak-RSS
	for f in "${files[-1]}" "$work/fg-small.dat" "$work/fg-mid.dat" "$work/fg.dat"; do
		case $f in
		*/fg-small.dat) n=$((80 * 3994)) ;;
		*/fg-mid.dat) n=$((325 * 3994)) ;;
		*/fg.dat) n=$((1300 * 3994)) ;;
		*) n=$("$FTX" report -i "$f" | grep -vc '^cpus=') ;;
		esac
		if [ "$f" = "${files[-1]}" ]; then
			cmds=("report" "hist sched_switch.prev_prio"
			      "hist latency:sys_enter_openat,sys_exit_openat"
			      "export --chrome /dev/null")
		else
			cmds=("report" "report --graph" "profile" "graph" "flame -o /dev/null" "flame --folded"
			      "hist duration:kmem_cache_alloc" "export --chrome /dev/null")
		fi
		best=() bcpu=() rss=()
		for r in $(seq "$arounds"); do
			for cmd in "${cmds[@]}"; do
				# shellcheck disable=SC2086
				keep "$cmd" "$FTX" $cmd -i "$f" || exit 1
			done
		done
		rt=${best[report]}
		for cmd in "${cmds[@]}"; do
			t=${best[$cmd]}
			printf '%-22s %-46s %8.3f %7.2fx %8.3f %7.2f %6s KB\n' "$(basename "$f" .dat)" "$cmd" \
				"$t" "$(echo "$t / ($rt + 0.0001)" | bc -l)" "$(echo "$t * 1000000 / $n" | bc -l)" \
				"${bcpu[$cmd]}" "${rss[$cmd]}"
		done
	done
	echo "(ratio: the command's time over report's; s/M: seconds per million events (the sched"
	echo "file) or calls (fg: $(( 1300 * 3994 )) calls, fg-mid $(( 325 * 3994 )), fg-small $(( 80 * 3994 )));"
	echo "CPU-s: least user+system seconds, all threads; load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
	rm -f "$work"/fg*.dat
else
	echo "SKIP: analysis: could not grow $fg"
fi
echo
[ "${BENCH_ONLY:-}" = 1c ] && exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: recording benchmarks need root"
	exit 0
fi
T=$(awk '$3 == "tracefs" { print $2; exit }' /proc/mounts)
[ -n "$T" ] || { mount -t tracefs nodev /sys/kernel/tracing && T=/sys/kernel/tracing; }
gcc -O2 -pthread -o "$work/storm" "$top/scripts/syscall-storm.c" || exit 1

# Workloads are files (ftx and sh exec them); each prints its wall seconds as
# the 2nd word of its first line, as the storm does.
wl_storm=$work/wl-storm wl_pipe=$work/wl-pipe
printf '#!/bin/sh\nexec %s -n %s\n' "$work/storm" "$calls" > "$wl_storm"
# sched pipe with both its tasks on the last CPU: a ping-pong across two CPUs
# swung 0.4-3.4 s here with the machine's other load (where and when each
# wake-up lands); on one CPU each loop is two context switches there, and perf's
# own "Total time" (ms) is the wall
printf '#!/bin/sh\ntaskset -c %s perf bench sched pipe -l %s 2>&1 | awk '"'"'/Total time/ { print "x", $3 }'"'"'\n' \
	"$(($(nproc) - 1))" "${BENCH_PIPE_LOOPS:-300000}" > "$wl_pipe"
chmod +x "$wl_storm" "$wl_pipe"
# bare instance, nobody reading it: the floor. $1 = pid (filter like ftx -F -c) | all
run_bare() {
	local mode=$1 wl=$2 e
	shift 2
	inst=$T/instances/ftx-bench-$$
	mkdir "$inst" || return 1
	# BARE_SUBBUF: the sub-buffer size ftx gets with --subbuf-size, like for like
	[ -n "${BARE_SUBBUF:-}" ] && echo "$BARE_SUBBUF" > "$inst/buffer_subbuf_size_kb"
	echo "$kb" > "$inst/buffer_size_kb"
	for e in "$@"; do echo 1 > "$inst/events/$e/enable"; done
	if [ "$mode" = pid ]; then
		echo 1 > "$inst/options/event-fork"
		# the same filter ftx -F -c sets: the command's pid, followed into its threads
		INST=$inst sh -c 'echo $$ > "$INST/set_event_pid"; echo 1 > "$INST/tracing_on"
			exec "$@"' sh "$wl" > "$work/out" 2>&1 ||
			{ echo "bare run failed" >&2; return 1; }
	else
		# BARE_NOTRACE: a pid in set_event_notrace_pid, as ftx puts its threads
		# there: the kernel's pid check on every event, without ftx
		[ -n "${BARE_NOTRACE:-}" ] && echo $$ > "$inst/set_event_notrace_pid"
		echo 1 > "$inst/tracing_on"
		"$wl" > "$work/out" 2>&1 || { echo "bare run failed" >&2; return 1; }
	fi
	echo 0 > "$inst/tracing_on"
	echo 0 > "$inst/events/enable"
	echo > "$inst/set_event_pid"
	echo > "$inst/set_event_notrace_pid"
	rmdir "$inst"
	inst=
	awk 'NR == 1 { print $2 }' "$work/out" > "$work/wall"
}
# FTX_TMPDIR: ftx's --tmpdir (the per-CPU temp files off the output's disk);
# FTX_SUBBUF: its --subbuf-size; FTX_NOFILTER: --no-filter
run_ftx() {
	local mode=$1 wl=$2 e args=() cpu
	shift 2
	for e in "$@"; do args+=(-e "${e/\//:}"); done
	[ "$mode" = pid ] && args+=(-F -c)
	[ -n "${FTX_NOFILTER:-}" ] && args+=(--no-filter)
	[ -n "${FTX_TMPDIR:-}" ] && args+=(--tmpdir "$FTX_TMPDIR")
	[ -n "${FTX_SUBBUF:-}" ] && args+=(--subbuf-size "$FTX_SUBBUF")
	# %O: blocks the recording wrote to storage (temp files + trace.dat), %I read back
	/usr/bin/time -f "%I %O" -o "$work/ftime" "$FTX" record "${args[@]}" -b "$kb" \
		-o "$work/ftx.dat" -- "$wl" > "$work/out" 2> "$work/err" ||
		{ echo "ftx record failed: $(cat "$work/err")" >&2; return 1; }
	awk 'NR == 1 { print $2 }' "$work/out" > "$work/wall"
	ftx_result
}
# "events lost rec-CPU-s disk-in-MB disk-out-MB file-MB" of the last ftx record
ftx_result() {
	local ev lost cpu bin bout
	read -r _ ev _ lost < <(grep '^total' "$work/err")
	cpu=$(sed -n 's/^recorder CPU time: \([0-9.]*\)s user, \([0-9.]*\)s system/\1 + \2/p' "$work/err")
	read -r bin bout < "$work/ftime"
	echo "$ev $lost $(printf "%.2f" "$(echo "$cpu" | bc -l)") $((bin / 2048)) $((bout / 2048)) $(($(stat -c %s "$work/ftx.dat") >> 20))" \
		> "$work/ftxres"
}
# Bytes per event of ftx's last recording of a case and of trace-cmd's own
# writing of the same events (trace-cmd convert of that file: trace-cmd record
# cannot run here under lockdown, 'Can't enable ftrace'), v7 zstd and v6:
# "ftx tc-v7 tc-v6"
bytes_per_event() {
	local n fb t7 t6 dat=${1:-$work/ftx.dat}
	n=$("$FTX" report -i "$dat" | grep -vc '^cpus=')
	fb=$(stat -c %s "$dat")
	trace-cmd convert -i "$dat" -o "$work/tc7.dat" --file-version 7 \
		--compression zstd > /dev/null 2>&1 && t7=$(stat -c %s "$work/tc7.dat") || t7=0
	trace-cmd convert -i "$dat" -o "$work/tc6.dat" --file-version 6 \
		--compression none > /dev/null 2>&1 && t6=$(stat -c %s "$work/tc6.dat") || t6=0
	rm -f "$work/tc7.dat" "$work/tc6.dat"
	printf '%.1f %.1f %.1f\n' "$(echo "$fb / ($n + 1)" | bc -l)" "$(echo "$t7 / ($n + 1)" | bc -l)" \
		"$(echo "$t6 / ($n + 1)" | bc -l)"
}
run_alone() {
	"$2" > "$work/out" 2>&1 || { echo "workload failed" >&2; return 1; }
	awk 'NR == 1 { print $2 }' "$work/out" > "$work/wall"
}
run_perf() {
	local pu ps wu ws events lost
	# perf's rusage includes the workload it waited for: time the workload on
	# its own inside and take that off
	/usr/bin/time -f "%U %S" -o "$work/ptime" perf record -q -e 'raw_syscalls:*' -m $((kb / 4)) \
		-o "$work/perf.data" -- /usr/bin/time -f "%U %S" -o "$work/wtime" \
		"$work/storm" -n "$calls" > "$work/out" 2> "$work/err" || {
		echo "perf record failed: $(tail -2 "$work/err")" >&2; return 1; }
	awk 'NR == 1 { print $2 }' "$work/out" > "$work/wall"
	read -r pu ps < "$work/ptime"
	read -r wu ws < "$work/wtime"
	perf report -i "$work/perf.data" --stats > "$work/pstats" 2>/dev/null
	events=$(awk '/^ *SAMPLE events:/ { print $3; exit }' "$work/pstats")
	lost=$(awk '/LOST_SAMPLES events:|^ *LOST events:/ { n += $3 } END { print n + 0 }' "$work/pstats")
	echo "$events $lost $(printf "%.2f" "$(echo "$pu + $ps - $wu - $ws" | bc -l)")" > "$work/perfres"
}
min() { if [ -z "$1" ] || [ "$(echo "$2 < $1" | bc)" = 1 ]; then echo "$2"; else echo "$1"; fi; }

# One table row: label, alone's minimum and maximum, the floor's and ftx's minimum
# wall, ftx's "events lost rec-CPU disk-in disk-out file-MB", its file
row() {
	local label=$1 a=$2 amax=$3 b=$4 f=$5 line=$6 dat=$7 paired=$8 fev flost fcpu fin fout fsize bf b7 b6
	read -r fev flost fcpu fin fout fsize <<< "$line"
	read -r bf b7 b6 < <(bytes_per_event "$dat")
	last_cost=$(printf '%.2f' "$(echo "$f / $b" | bc -l)") last_cpu=$fcpu
	last_paired=${paired%% *}
	echo "row|$label|$last_cost|${last_paired%x}" >> "$work/targets"
	printf '%-60s %7.3f %5.0f%% %7.2fx %7.2fx %7.2fx %-18s %10s %7s %6ss %4s/%-4s %4s %5s/%s/%s' "$label" "$a" \
		"$(echo "($amax - $a) * 100 / $a" | bc -l)" "$(echo "$b / $a" | bc -l)" "$(echo "$f / $a" | bc -l)" \
		"$last_cost" "$paired" "$fev" "$flost" "$fcpu" "$fin" "$fout" "$fsize" "$bf" "$b7" "$b6"
}
# "median (lowest-highest)" of the numbers given, two decimals, with an x
paired() {
	local -a v
	mapfile -t v < <(printf '%s\n' "$@" | sort -g)
	local n=${#v[@]} med
	if [ $((n % 2)) = 1 ]; then med=${v[$((n / 2))]}
	else med=$(echo "(${v[$((n / 2 - 1))]} + ${v[$((n / 2))]}) / 2" | bc -l); fi
	printf '%.2fx (%.2f-%.2f)' "$med" "${v[0]}" "${v[$((n - 1))]}"
}
# one round's ratio, its ftx wall over its own floor's: ratio FTX FLOOR
ratio() { printf '%.4f' "$(echo "$1 / $2" | bc -l)"; }
# keep the minimum of a variable: lower VAR VALUE; true when VALUE is the new minimum
lower() {
	[ -z "${!1}" ] || [ "$(echo "$2 < ${!1}" | bc)" = 1 ] || return 1
	printf -v "$1" '%s' "$2"
}

# A -F -c case: rounds of (alone, floor with the same set_event_pid, ftx -F -c[,
# perf]) interleaved, floor and ftx in turn first, the minimum wall of each;
# slowdown = wall / alone; ftx's cost = its slowdown / the floor's; paired:
# each round's ftx wall over that round's floor, median and range.
bench_case() {
	local label=$1 mode=$2 wl=$3 withperf=$4 r a= b= f= p= ftxline perfline amax= w wb wf k
	local -a pr=()
	shift 4
	for r in $(seq "$rounds"); do
		run_alone "$mode" "$wl" || return 1; w=$(cat "$work/wall"); lower a "$w"
		[ -n "$amax" ] && [ "$(echo "$w < $amax" | bc)" = 1 ] || amax=$w
		for k in $( [ $((r % 2)) = 1 ] && echo bare ftx || echo ftx bare); do
			if [ $k = bare ]; then
				run_bare "$mode" "$wl" "$@" || return 1
				wb=$(cat "$work/wall"); lower b "$wb"
			else
				run_ftx "$mode" "$wl" "$@" || return 1
				wf=$(cat "$work/wall")
				lower f "$wf" && ftxline=$(cat "$work/ftxres")
			fi
		done
		pr+=("$(ratio "$wf" "$wb")")
		if [ "$withperf" = 1 ]; then
			run_perf || return 1
			lower p "$(cat "$work/wall")" && perfline=$(cat "$work/perfres")
		fi
	done
	row "$label" "$a" "$amax" "$b" "$f" "$ftxline" "$work/ftx.dat" "$(paired "${pr[@]}")"
	if [ "$withperf" = 1 ]; then
		read -r pev plost pcpu <<< "$perfline"
		printf '   perf record %.2fx (%s events, %s lost, %ss CPU)' \
			"$(echo "$p / $a" | bc -l)" "$pev" "$plost" "$pcpu"
	fi
	echo
}

# A system-wide case, each ftx against the floor that traces the same way: rounds
# of (alone, bare floor, floor with a pid in set_event_notrace_pid, ftx, ftx
# --no-filter) interleaved. ftx's default self-filter puts its threads in
# set_event_notrace_pid (as trace-cmd does): any pid list there makes the kernel
# check every event's task, ftx's or not, so ftx is set against the floor with
# such a list, --no-filter against the bare one, and the pid check's own price
# (the one floor over the other) is printed apart: the kernel's, not ftx's.
# Labels: $1 the case; BARE_SUBBUF/FTX_SUBBUF as for bench_case.
pid_check=
bench_sys() {
	local label=$1 wl=$2 r a= amax= b= n= f= g= w fl gl wb wn wf wg k
	local -a pf=() pg=()
	shift 2
	for r in $(seq "$rounds"); do
		run_alone all "$wl" || return 1; w=$(cat "$work/wall"); lower a "$w"
		[ -n "$amax" ] && [ "$(echo "$w < $amax" | bc)" = 1 ] || amax=$w
		# every other round in reverse order: no case always runs first
		for k in $( [ $((r % 2)) = 1 ] && echo bare notrace ftx nofilter ||
			    echo nofilter ftx notrace bare); do
			case $k in
			bare) run_bare all "$wl" "$@" || return 1
			      wb=$(cat "$work/wall"); lower b "$wb" ;;
			notrace) BARE_NOTRACE=1 run_bare all "$wl" "$@" || return 1
			      wn=$(cat "$work/wall"); lower n "$wn" ;;
			ftx) run_ftx all "$wl" "$@" || return 1
			      wf=$(cat "$work/wall")
			      lower f "$wf" && fl=$(cat "$work/ftxres") &&
				      cp "$work/ftx.dat" "$work/ftx-default.dat" ;;
			nofilter) FTX_NOFILTER=1 run_ftx all "$wl" "$@" || return 1
			      wg=$(cat "$work/wall")
			      lower g "$wg" && gl=$(cat "$work/ftxres") &&
				      cp "$work/ftx.dat" "$work/ftx-nofilter.dat" ;;
			esac
		done
		pf+=("$(ratio "$wf" "$wn")") pg+=("$(ratio "$wg" "$wb")")
	done
	row "$label; floor: notrace pid" "$a" "$amax" "$n" "$f" "$fl" "$work/ftx-default.dat" \
		"$(paired "${pf[@]}")"; echo
	row "$label, --no-filter; floor: bare" "$a" "$amax" "$b" "$g" "$gl" "$work/ftx-nofilter.dat" \
		"$(paired "${pg[@]}")"; echo
	rm -f "$work/ftx-nofilter.dat"
	rm -f "$work/ftx-default.dat"
	pid_check=$(printf '%.2f' "$(echo "$n / $b" | bc -l)")
	echo "   the kernel's pid check (any pid in set_event_notrace_pid: every event's task is"
	echo "   checked): its floor ${pid_check}x the bare one's time; ftx's default pays it, --no-filter avoids it"
}

rounds=${BENCH_ROUNDS:-7}
# BENCH_ONLY=2: sections 2, 2b, 2c alone; BENCH_ONLY=2d: 2d alone (both with
# BENCH_SKIP_REPORT=1)
if [ "${BENCH_ONLY:-}" != 2d ]; then
tracefs_lock
echo "== 2. recording cost against its floor, like for like ($kb KB per CPU, $rounds interleaved"
echo "   rounds, minimum wall of each): floor = a bare instance with the same events that nobody"
echo "   reads, traced the same way as ftx (named in the row): -F -c against a floor with the"
echo "   command in set_event_pid, ftx's default self-filter (its threads in"
echo "   set_event_notrace_pid, as trace-cmd's) against a floor with a pid there, --no-filter"
echo "   against a bare one; cost = ftx's slowdown / the floor's (1.00 = free), from the minima;"
echo "   paired: each round's ftx wall over that round's own floor, median (lowest-highest), every"
echo "   other round in reverse order (a drift of the host between runs falls on both)"
echo "   disk MB: what the recording read back / wrote to storage (temp files + trace.dat;"
echo "   the pages once into temp files, once into the file; copy_file_range in the kernel,"
echo "   the missed-events marks read from the page cache, no second pass), file MB: trace.dat"
echo "   B/ev: file bytes per event of ftx's file / trace-cmd's writing of the same events"
echo "   (trace-cmd convert of ftx's file) as v7 zstd / as v6 (trace-cmd 3.1.6 record's default)"
hdr() {
	printf '%-60s %7s %6s %8s %8s %8s %-18s %10s %7s %7s %9s %4s %11s\n' case alone-s spread floor ftx \
		cost paired events lost rec-CPU "disk-MB" file "B/ev ftx/tc7/tc6"
}
hdr
bench_case "raw_syscalls, -F -c; floor: event pid" pid "$wl_storm" 1 raw_syscalls || exit 1
# the temp files in RAM (--tmpdir, as on a board with an SD card): the pages reach
# the disk once
FTX_TMPDIR=/dev/shm bench_case "raw_syscalls, -F -c --tmpdir /dev/shm; floor: event pid" \
	pid "$wl_storm" 0 raw_syscalls || exit 1
bench_sys "raw_syscalls, system-wide" "$wl_storm" raw_syscalls || exit 1
bench_sys "sched+irq, system-wide" "$wl_pipe" sched irq || exit 1
echo "   (workloads: $calls getppid calls; perf bench sched pipe, ${BENCH_PIPE_LOOPS:-300000} loops on one CPU;"
echo "   load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
echo
tracefs_unlock

# SIGINT to the background ftx; SIGTERM after 20 s without it stopping (1)
bg_stop() {
	local i
	kill -INT "$1"
	for i in $(seq 200); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	bgftx=
	kill -0 "$1" 2>/dev/null || return 0
	echo "ftx record did not stop on SIGINT in 20 s ($(grep -E '^Sig(Blk|Ign|Cgt)' \
		"/proc/$1/status" | tr '\n' ' ')); SIGTERM" >&2
	kill -TERM "$1"
	return 1
}
# ftx record system-wide in the background (no command: started, then the
# workload, then SIGINT), its drain threads left where the scheduler puts them
# or each pinned to the CPU it drains (taskset on its thread: drain i reads
# CPU i with one thread per CPU); "wall" is the workload's
run_ftx_bg() {
	local pin=$1 wl=$2 e args=() pid i tids n
	shift 2
	for e in "$@"; do args+=(-e "${e/\//:}"); done
	/usr/bin/time -f "%I %O" -o "$work/ftime" "$FTX" record "${args[@]}" -b "$kb" \
		-o "$work/ftx.dat" > /dev/null 2> "$work/err" &
	pid=$!
	for i in $(seq 500); do
		grep -q 'recording; Ctrl-C' "$work/err" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	# the time process is $pid; ftx is its child
	n=$(pgrep -P "$pid" -x ftx | head -1)
	[ -n "$n" ] || { wait "$pid"; echo "ftx record failed: $(cat "$work/err")" >&2; return 1; }
	bgftx=$n
	if [ "$pin" = 1 ]; then
		mapfile -t tids < <(cd "/proc/$n/task" && printf "%s\n" * | sort -n | grep -vx "$n")
		if [ "${#tids[@]}" != "$(nproc)" ]; then
			echo "pinning: ${#tids[@]} threads besides the main one, not one per CPU" >&2
			bg_stop "$n"; wait "$pid"; return 1
		fi
		for i in "${!tids[@]}"; do taskset -p -c "$i" "${tids[$i]}" > /dev/null || return 1; done
	fi
	"$wl" > "$work/out" 2>&1 || { echo "workload failed" >&2; bg_stop "$n"; wait "$pid"; return 1; }
	bg_stop "$n" || { wait "$pid"; return 1; }
	wait "$pid" || { echo "ftx record failed: $(cat "$work/err")" >&2; return 1; }
	awk 'NR == 1 { print $2 }' "$work/out" > "$work/wall"
	ftx_result
}

# 2b. what the drain gets from larger sub-buffers (fewer, bigger page swaps;
# the floor gets the same size and, as ftx's default self-filter, a notrace pid)
tracefs_lock
# ftx check's verdict: the kernel may have the file and refuse other sizes
# (lockdown: 6.18.44-fc-v1252 says EPERM)
sbcap=$("$FTX" check --json 2>/dev/null | python3 -c '
import json, sys
for c in json.load(sys.stdin).get("capabilities", []):
    if c.get("name") == "buffer_subbuf_size_kb":
        print("%s|%s" % (c.get("status"), c.get("reason")))')
if [ ! -r "$T/buffer_subbuf_size_kb" ]; then
	echo "== 2b. sub-buffer size: SKIP, this kernel has no buffer_subbuf_size_kb (6.8 and later)"
elif [ "${sbcap%%|*}" != ok ]; then
	echo "== 2b. sub-buffer size: SKIP, ftx check says: ${sbcap/|/: }"
else
	echo "== 2b. sub-buffer size (ftx --subbuf-size KB; the floor's instance gets the same"
	echo "   buffer_subbuf_size_kb and a notrace pid), raw_syscalls system-wide, $rounds interleaved"
	echo "   rounds each"
	hdr
	sbk=$(($(getconf PAGESIZE) / 1024)) costs='' cpus=''
	for sb in ${BENCH_SUBBUF_KB:-4 16 64}; do
		FTX_SUBBUF=$sb BARE_SUBBUF=$sb BARE_NOTRACE=1 bench_case \
			"raw_syscalls, system-wide, subbuf $sb KB; floor: notrace pid" all "$wl_storm" 0 \
			raw_syscalls || exit 1
		costs+="${costs:+, }${last_cost}x (paired ${last_paired}) at $sb KB"
		cpus+="${cpus:+/}$last_cpu"
	done
	echo "   what the size did: cost $costs; recorder CPU $cpus s"
	echo "   (ftx's default: the kernel's size, $sbk KB here, unless --subbuf-size)"
fi
echo
tracefs_unlock
tracefs_lock
echo "== 2c. drain threads pinned to their CPU or not: ftx record system-wide in the background"
echo "   (started, then the workload, then SIGINT), raw_syscalls, $rounds interleaved rounds,"
echo "   minimum wall of each; floor: a bare instance with a notrace pid (ftx's self-filter, as in 2)"
printf '%-28s %7s %8s %8s %-18s %10s %7s %7s\n' drain alone-s slowdown cost paired events lost rec-CPU
a='' b='' fu='' fp='' lu='' lp='' pu=() pp=()
for r in $(seq "$rounds"); do
	run_alone all "$wl_storm" || exit 1; a=$(min "$a" "$(cat "$work/wall")")
	BARE_NOTRACE=1 run_bare all "$wl_storm" raw_syscalls || exit 1; wb=$(cat "$work/wall")
	b=$(min "$b" "$wb")
	run_ftx_bg 0 "$wl_storm" raw_syscalls || break
	pu+=("$(ratio "$(cat "$work/wall")" "$wb")")
	if [ "$fu" != "$(min "$fu" "$(cat "$work/wall")")" ]; then
		fu=$(cat "$work/wall"); lu=$(cat "$work/ftxres"); fi
	run_ftx_bg 1 "$wl_storm" raw_syscalls || break
	pp+=("$(ratio "$(cat "$work/wall")" "$wb")")
	if [ "$fp" != "$(min "$fp" "$(cat "$work/wall")")" ]; then
		fp=$(cat "$work/wall"); lp=$(cat "$work/ftxres"); fi
done
if [ -z "$fu" ] || [ -z "$fp" ]; then
	echo "   SKIP: a background recording failed (above)"
else
printf '%-28s %7.3f %7.2fx %8s\n' "(floor: notrace pid)" "$a" "$(echo "$b / $a" | bc -l)" "-"
for k in u p; do
	if [ $k = u ]; then t=$fu line=$lu name="left to the scheduler" pr=$(paired "${pu[@]}")
	else t=$fp line=$lp name="each pinned to its CPU" pr=$(paired "${pp[@]}"); fi
	read -r fev flost fcpu _ <<< "$line"
	printf '%-28s %7.3f %7.2fx %7.2fx %-18s %10s %7s %6ss\n' "$name" "$a" "$(echo "$t / $a" | bc -l)" \
		"$(echo "$t / $b" | bc -l)" "$pr" "$fev" "$flost" "$fcpu"
	# pinning is not ftx's: the unpinned row alone is one of its configurations
	[ $k = u ] && echo "row|2c background recording, unpinned|$(printf '%.2f' \
		"$(echo "$t / $b" | bc -l)")|${pr%%x*}" >> "$work/targets"
done
printf '   what pinning did: pinned %.2fx the time left to the scheduler (ftx pins nothing by default)\n' \
	"$(echo "$fp / $fu" | bc -l)"
fi
echo "   (cost: the slowdown over the floor's; load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
echo
tracefs_unlock

fi

# 2d. function_graph, which this host's kernel lacks, in a VM test bed guest
# (tests/vm/scenarios/bench-fgraph.sh): rounds of the workload alone, under a
# bare function_graph that nobody reads, the same with a notrace pid, under ftx
# record and under ftx record --no-filter, interleaved in one boot. The guest
# must run its two vCPUs in two host threads: arm64-6.1 (qemu's multi-threaded
# TCG; the bed runs x86 guests in one thread, where the drain's every cycle is
# taken from the workload, as on a one-CPU machine). BENCH_VM_KERNEL names
# another kernel of tests/vm/kernels.
if [ "${BENCH_ONLY:-}" != 2 ]; then
vmk=${BENCH_VM_KERNEL:-arm64-6.1}
echo "== 2d. function_graph in a guest (VM test bed, $vmk under qemu TCG, 2 vCPUs in 2 host"
echo "   threads; -g vfs_read of busybox dd's one-byte reads pinned to the last vCPU, interrupts"
echo "   not traced (funcgraph-irqs off), the drain free on the other; 7 interleaved rounds, every"
echo "   other one in reverse order, minimum wall of each, and each round against its own floor;"
echo "   floors: the tracer at the top level with the same buffer, nobody reading, bare or with a"
echo "   pid in set_ftrace_notrace_pid and set_event_notrace_pid as ftx's self-filter; temp files in the"
echo "   guest's RAM; ctx-sw: the guest's context switches during the run, all CPUs; rec-CPU:"
echo "   ftx's threads' CPU seconds in all, during dd and after it (the file's assembly and the"
echo "   tracer's restore), the rest before dd (the setup, the tracer turned on); wakes/s: the"
echo "   drain threads' sleeps per second of dd, the main thread's apart)"
if [ -n "${BENCH_SKIP_VM:-}" ]; then
	echo "   SKIP: BENCH_SKIP_VM is set"
else
	vmres=$top/build/vm/$vmk.bench/share/bench-fgraph
	vm_lock() { [ -z "${BENCH_VM_LOCK:-}" ] || { exec 8> "$BENCH_VM_LOCK"; flock 8; }; }
	vm_unlock() { [ -z "${BENCH_VM_LOCK:-}" ] || flock -u 8; }
	vm_lock
	rm -f "$vmres/bench.txt"
	FTX=$FTX FTX_VM_APPEND="${FTX_VM_APPEND:-}" "$top/tests/vm/run.sh" --if-possible \
		--kernel "$vmk" --scenario bench-fgraph > "$work/vm.out" 2>&1
	vm_unlock
	if [ ! -s "$vmres/bench.txt" ]; then
		echo "   SKIP: no result from the guest:"
		grep -E '^(SKIP|FAIL)' "$work/vm.out" | head -5 | sed 's/^/   /'
	else
		printf '%-36s %6s %6s %8s %6s %7s %5s %-16s %7s %6s\n' case seconds spread slowdown cost \
			events lost "rec-CPU/dur/aft" wakes/s ctx-sw
		awk '
		function keep(k, v) {
			if (!(k in worst) || v > worst[k]) worst[k] = v
			if (!(k in best) || v < best[k]) {
				best[k] = v; ev[k] = $4; lo[k] = $5; cpu[k] = $6; cs[k] = $7
				rc[k] = NF >= 11 ? sprintf("%s/%s/%s", $6, $8, $9) : $6
				wk[k] = NF >= 11 ? sprintf("%s,%s", $10, $11) : "-"
				du[k] = NF >= 11 ? $8 : "-"; af[k] = NF >= 11 ? $9 : "-"
			}
		}
		$3 != "" { keep($2, $3); v[$2, $1] = $3; if ($1 > nr) nr = $1 }
		# the median over the rounds of case k / case f in the same round
		function paired(k, f,   i, n, t, x, y, q) {
			pm = ""
			n = 0
			for (i = 1; i <= nr; i++)
				if (((k, i) in v) && ((f, i) in v) && v[f, i] > 0)
					q[++n] = v[k, i] / v[f, i]
			for (x = 2; x <= n; x++)
				for (y = x; y > 1 && q[y - 1] > q[y]; y--) { t = q[y]; q[y] = q[y - 1]; q[y - 1] = t }
			if (!n) return "-"
			pm = n % 2 ? q[(n + 1) / 2] : (q[n / 2] + q[n / 2 + 1]) / 2
			return sprintf("%.2fx (%.2f-%.2f, %d rounds)", n % 2 ? q[(n + 1) / 2] : (q[n / 2] + q[n / 2 + 1]) / 2,
				q[1], q[n], n)
		}
		function spread(k) { return (worst[k] - best[k]) * 100 / best[k] }
		function line(name, k, f) {
			printf "%-36s %6.2f %5.0f%% %7.2fx %6s %7s %5s %-16s %7s %6s\n", name, best[k], spread(k),
				best[k] / a, f ? sprintf("%.2fx", best[k] / f) : "-", ev[k] == "" ? "-" : ev[k],
				lo[k] == "" ? "-" : lo[k], rc[k] == "" ? "-" : rc[k], wk[k] == "" ? "-" : wk[k], cs[k]
		}
		END {
			a = best["alone"]
			if (a <= 0) { print "   SKIP: the workload took no measurable time"; exit }
			line("alone", "alone", 0)
			line("floor: bare function_graph", "floor", 0)
			line("floor: with a notrace pid", "floor-notrace", 0)
			line("ftx record; floor: notrace pid", "ftx", best["floor-notrace"])
			line("ftx record --no-filter; floor: bare", "nofilter", best["floor"])
			printf "   the kernel'"'"'s pid check (function_graph and events): its floor %.2fx the bare one'"'"'s time\n",
				best["floor-notrace"] / best["floor"]
			p1 = paired("ftx", "floor-notrace"); m1 = pm
			p2 = paired("nofilter", "floor"); m2 = pm
			printf "   each round against its own floor (median, range): ftx record %s;\n   --no-filter %s\n",
				p1, p2
			if (m1 != "" && best["floor-notrace"] > 0)
				printf "row|2d function_graph, ftx record|%.2f|%.2f\n", best["ftx"] / best["floor-notrace"],
					m1 >> tfile
			if (m2 != "" && best["floor"] > 0)
				printf "row|2d function_graph, ftx record --no-filter|%.2f|%.2f\n",
					best["nofilter"] / best["floor"], m2 >> tfile
			fs = 0
			for (k in best) if (k != "alone" && spread(k) > fs) fs = spread(k)
			c1 = best["ftx"] / best["floor-notrace"]; c2 = best["nofilter"] / best["floor"]
			d = (c1 > c2 ? c1 : c2) - 1; if (d < 0) d = -d
			printf "   ftx'"'"'s threads (its fastest run): %ss of CPU in all beside the %.2fs the workload ran, %ss\n   of it during the workload, %ss after it; host load average: %s\n", cpu["ftx"],
				best["ftx"], du["ftx"], af["ftx"], load
			if (fs > d * 100)
				printf "   (spread: the slowest run over the fastest, up to %.0f%% among the traced cases, more than\n   any cost here differs from 1.00x: this guest on this host cannot tell those costs apart)\n", fs
		}' load="$(cut -d' ' -f1-3 /proc/loadavg)" tfile="$work/targets" "$vmres/bench.txt"
		echo "   dd's reads: $(cat "$vmres/count" 2>/dev/null); every run (s): $(awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $3 }' "$vmres/bench.txt")"
		for c in ftx nofilter; do
			o=; [ $c = nofilter ] && o=" --no-filter"
			[ -s "$vmres/pids-$c.txt" ] &&
				echo "   pid lists during ftx record$o: $(tr '\n' ';' < "$vmres/pids-$c.txt")"
		done
		# ftx's threads one by one over its fastest run's dd (wl-ftx-N.rec; drains in
		# CPU order)
		fr=$(awk '$2 == "ftx" { print $3, $1 }' "$vmres/bench.txt" | sort -n | head -1)
		[ -s "$vmres/wl-ftx-${fr#* }.rec" ] && awk -v s="${fr% *}" '
			{ t = $3; if (!(t in seen)) { seen[t] = 1; o[++n] = t }; tk[$1, t] = $5; v[$1, t] = $4
			  on[$1, t] = $6 }
			END {
				printf "   ftx'"'"'s threads during that run'"'"'s dd (%ss):", s
				for (i = 1; i <= n; i++) {
					t = o[i]
					printf "%s %s %.2fs CPU, %.1f sleeps/s%s", (i > 1 ? ";" : ""),
						(i == 1 ? "main thread" : "drain " (i - 1)), (tk["a", t] - tk["b", t]) / 100,
						(v["a", t] - v["b", t]) / (s > 0 ? s : 1),
						(on["a", t] == "" ? "" : ", last on cpu" on["a", t])
				}
				printf "\n"
			}' "$vmres/wl-ftx-${fr#* }.rec" | fold -s -w 97 | sed '2,$s/^ */   /'
		# the events by function, the fastest and the slowest traced run
		for w in head tail; do
			fr=$(awk '$2 == "ftx" || $2 == "nofilter" { print $3, $2, $1 }' "$vmres/bench.txt" |
				sort -n | $w -1)
			read -r vs vc vr <<< "$fr"
			[ -s "$vmres/fg-$vc-$vr.dat" ] || continue
			"$FTX" report -i "$vmres/fg-$vc-$vr.dat" 2> /dev/null | awk -v w=$w -v n="$vc $vr, ${vs}s" '
			$4 == "funcgraph_entry:" {
				e++
				if ($0 ~ /\| *(vfs_read|rw_verify_area|security_file_permission|apparmor_file_permission|aa_file_perm|bpf_lsm_file_permission|read_zero|__cond_resched|rcu_all_qs)\(\)/)
					r++
				if ($0 ~ /\| *scheduler_tick\(\)/) t++
			}
			END {
				printf "   %s traced run (%s): %d calls, %d on the read path (vfs_read and the 8\n   it calls: dd'"'"'s reads, the shell'"'"'s), the other %d (%.0f%%), %d scheduler ticks among them\n",
					w == "head" ? "fastest" : "slowest", n, e, r, e - r, (e - r) * 100 / (e ? e : 1), t
			}'
		done
		rm -f "$vmres"/fg-*.dat
		echo "   (interrupts are not traced: with funcgraph-irqs on, a timer tick landing inside a traced"
		echo "   read was traced whole, ~20 us a call under TCG, so a slow run got more ticks and more"
		echo "   events, 290-600 K in runs of one case)"
	fi
fi
echo
fi
[ "${BENCH_ONLY:-}" = 2 ] || [ "${BENCH_ONLY:-}" = 2d ] && exit 0

tracefs_lock
echo "== 3. ftx record/stream at paced rates (scripts/bench-record.sh)"
FTX=$FTX "$top/scripts/bench-record.sh" 2
tracefs_unlock

tracefs_lock
echo "== 4. ftx stat vs perf stat, default events (scripts/bench-stat.sh)"
FTX=$FTX "$top/scripts/bench-stat.sh"
tracefs_unlock
