# SPDX-License-Identifier: GPL-2.0
# vm-bench
# vm-requires: record
# vm-timeout: 1200
#
# make bench's function_graph case (scripts/bench.sh section 2d), in a guest
# because this host's kernel has no function_graph: in interleaved rounds, the
# workload (busybox dd, one-byte reads of /dev/zero, pinned to the last vCPU so
# the drain has the other one) alone, under a bare function_graph -g vfs_read at
# the top level that nobody reads (the floor: ftx records function_graph there
# before 6.12), under the same with a pid in set_ftrace_notrace_pid and
# set_event_notrace_pid (the floor of ftx's default self-filter, which puts its
# threads there), under ftx record and under ftx record --no-filter (its own
# threads left in), the traced cases in the opposite order every other round.
# One line per run in bench.txt: "round case seconds events
# lost recorder-CPU-s context-switches" (the guest's /proc/stat ctxt over the
# run), under ftx also "CPU-s-during-dd CPU-s-after-dd drain-sleeps/s
# main-thread-sleeps/s" from ftx's /proc stat and status files read just before
# and just after dd (wl-CASE-ROUND.rec: "b|a process-ticks tid voluntary-switches
# thread-ticks last-cpu" a thread a line), and each recording as fg-CASE-ROUND.dat;
# the host side (bench.sh) takes the minimum of each and the median of the
# rounds' own ratios. Nothing is judged here.
set -u
T=$TRACEFS
# FTX_VM_APPEND=ftx.rounds=N (a kernel parameter) runs N rounds instead
rounds=$(sed -n 's/.*ftx\.rounds=\([0-9][0-9]*\).*/\1/p' /proc/cmdline)
rounds=${rounds:-7}
# arm64 under TCG runs dd 20x slower than amd64 and function_graph 35x over
# that (100000 reads took 126 s under the floor): a tenth of the reads there.
# Interrupts are not traced (funcgraph-irqs off in every case): under TCG a
# one-byte read is slow enough for timer ticks to land in it, whose work made
# 71-84% of the events, more the longer a run took, so that runs of one case
# recorded 290-600 K events; the read path alone is the same work every run.
count=100000
[ "${FTX_VM_ARCH:-}" = arm64 ] && count=10000
echo "$count" > count
kb=8192
func=vfs_read
cpu=$(($(nproc) - 1))
# the workload prints its seconds as the 2nd word (as the host's storm does);
# /proc/uptime: 10 ms steps, the workload runs for seconds under TCG. Under ftx
# it also notes the pid lists the kernel filters with ($WL_PIDS).
cat > /tmp/wl.sh <<EOS
[ -n "\${WL_PIDS:-}" ] && for f in set_ftrace_notrace_pid set_event_notrace_pid; do
	echo "\$f: \$(cat $T/\$f)"; done > "\$WL_PIDS"
rec() {
	[ -n "\${WL_REC:-}" ] && [ "\$(cat /proc/\$PPID/comm)" = ftx ] || return 0
	read -r _ _ _ _ _ _ _ _ _ _ _ _ _ u s _ < /proc/\$PPID/stat
	for t in /proc/\$PPID/task/*; do
		echo "\$1 \$((u + s)) \${t##*/} \$(awk '\$1 == "voluntary_ctxt_switches:" { print \$2 }' \$t/status)" \
			"\$(awk '{ print \$14 + \$15, \$39 }' \$t/stat)"
	done >> "\$WL_REC"
}
rec b
read a _ < /proc/uptime
taskset -c $cpu dd if=/dev/zero of=/dev/null bs=1 count=$count 2> /dev/null
read b _ < /proc/uptime
rec a
echo "x \$(awk "BEGIN { printf \\"%.2f\\", \$b - \$a }")"
EOS
grep -qx "$func" "$T/available_filter_functions" ||
	{ echo "no $func in available_filter_functions" > skip; exit 77; }
grep -qw function_graph "$T/available_tracers" ||
	{ echo "no function_graph tracer" > skip; exit 77; }
kb0=$(awk '{ print $1; exit }' "$T/buffer_size_kb")
on0=$(cat "$T/tracing_on")
irqs0=$(cat "$T/options/funcgraph-irqs")
ctxt() { awk '$1 == "ctxt" { print $2 }' /proc/stat; }
# one run under a bare function_graph; $1 = floor (nothing filtered) or
# floor-notrace (this shell's pid in both notrace lists)
bare() {
	local s c0
	echo 0 > "$T/tracing_on"
	echo "$kb" > "$T/buffer_size_kb"
	echo "$func" > "$T/set_graph_function"
	echo 0 > "$T/options/funcgraph-irqs"
	if [ "$1" = floor-notrace ]; then
		echo $$ > "$T/set_ftrace_notrace_pid"
		echo $$ > "$T/set_event_notrace_pid"
	fi
	echo function_graph > "$T/current_tracer"
	c0=$(ctxt)
	echo 1 > "$T/tracing_on"
	s=$(sh /tmp/wl.sh | awk '{ print $2 }')
	echo 0 > "$T/tracing_on"
	echo "$r $1 $s - - - $(($(ctxt) - c0))" >> bench.txt
	echo nop > "$T/current_tracer"
	echo > "$T/set_graph_function"
	echo "$irqs0" > "$T/options/funcgraph-irqs"
	echo > "$T/set_ftrace_notrace_pid"
	echo > "$T/set_event_notrace_pid"
	echo > "$T/trace"
	echo "$kb0" > "$T/buffer_size_kb"
	echo "$on0" > "$T/tracing_on"
}
# one run under ftx record; $1 = ftx (its default self-filter) or nofilter
traced() {
	local c=$1 opt= c0 c1 cpus s during

	[ $c = nofilter ] && opt=--no-filter
	c0=$(ctxt)
	# the temp files and the file in the guest's RAM, not on the 9p share
	: > /tmp/wl.rec
	# shellcheck disable=SC2086
	WL_REC=/tmp/wl.rec WL_PIDS=$PWD/pids-$c.txt "$FTX" record $opt -p function_graph \
		-O nofuncgraph-irqs -g "$func" -b "$kb" -o /tmp/fg.dat -- sh /tmp/wl.sh > wl.out 2> rec.err ||
		{ cat rec.err; exit 1; }
	c1=$(ctxt)
	cpus=$(sed -n 's/^recorder CPU time: \([0-9.]*\)s user, \([0-9.]*\)s system.*/\1 \2/p' \
		rec.err | awk '{ printf "%.2f", $1 + $2 }')
	s=$(awk '{ print $2 }' wl.out)
	# ftx's CPU (ticks of 10 ms) during dd and after it, and its threads'
	# sleeps during dd per second (the main thread's apart)
	during=$(awk -v s="$s" -v tot="${cpus:--}" -v me="$(awk '{ print $3; exit }' /tmp/wl.rec)" '
		{ k = $1; c[k] = $2; if ($3 == me) m[k] = $4; else d[k] += $4 }
		END { printf "%.2f %s %.1f %.1f", (c["a"] - c["b"]) / 100,
			tot == "-" ? "-" : sprintf("%.2f", tot - c["a"] / 100),
			(d["a"] - d["b"]) / (s > 0 ? s : 1), (m["a"] - m["b"]) / (s > 0 ? s : 1) }' /tmp/wl.rec)
	echo "$r $c $s $(awk '$1 == "total" { print $2, $4 }' rec.err)" \
		"${cpus:--} $((c1 - c0)) $during" >> bench.txt
	cp /tmp/wl.rec "wl-$c-$r.rec"
	cp /tmp/fg.dat "fg-$c-$r.dat"
	rm -f /tmp/fg.dat
}
# odd rounds in one order, even rounds in the other, so that a drift of the
# host's load over a round does not fall on one case more than another
: > bench.txt
for r in $(seq "$rounds"); do
	c0=$(ctxt)
	s=$(sh /tmp/wl.sh | awk '{ print $2 }')
	echo "$r alone $s - - - $(($(ctxt) - c0))" >> bench.txt
	if [ $((r % 2)) = 1 ]; then
		bare floor
		bare floor-notrace
		traced ftx
		traced nofilter
	else
		traced nofilter
		traced ftx
		bare floor-notrace
		bare floor
	fi
done
cp rec.err last-rec.err
ls "$T/instances" > instances-after
cat "$T/current_tracer" > tracer-after
exit 0
