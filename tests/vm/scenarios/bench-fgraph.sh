# SPDX-License-Identifier: GPL-2.0
# vm-bench
# vm-requires: record
# vm-timeout: 1200
#
# make bench's function_graph case (scripts/bench.sh section 2d), in a guest
# because this host's kernel has no function_graph: in interleaved rounds, the
# workload (busybox dd, one-byte reads of /dev/zero) alone, under a bare
# function_graph -g vfs_read at the top level that nobody reads (the floor:
# ftx records function_graph there before 6.12), under ftx record and under
# ftx record --no-filter (its own threads left in: no set_ftrace_notrace_pid).
# One line per run in bench.txt: "round case seconds events lost"; the host
# side (bench.sh) takes the minimum of each. Nothing is judged here.
set -u
T=$TRACEFS
rounds=5
count=100000
kb=8192
func=vfs_read
# the workload prints its seconds as the 2nd word (as the host's storm does);
# /proc/uptime: 10 ms steps, the workload runs for seconds under TCG
cat > /tmp/wl.sh <<EOF
read a _ < /proc/uptime
dd if=/dev/zero of=/dev/null bs=1 count=$count 2> /dev/null
read b _ < /proc/uptime
echo "x \$(awk "BEGIN { printf \\"%.2f\\", \$b - \$a }")"
EOF
grep -qx "$func" "$T/available_filter_functions" ||
	{ echo "no $func in available_filter_functions" > skip; exit 77; }
grep -qw function_graph "$T/available_tracers" ||
	{ echo "no function_graph tracer" > skip; exit 77; }
kb0=$(awk '{ print $1; exit }' "$T/buffer_size_kb")
on0=$(cat "$T/tracing_on")
: > bench.txt
for r in $(seq "$rounds"); do
	s=$(sh /tmp/wl.sh | awk '{ print $2 }')
	echo "$r alone $s - -" >> bench.txt
	echo 0 > "$T/tracing_on"
	echo "$kb" > "$T/buffer_size_kb"
	echo "$func" > "$T/set_graph_function"
	echo function_graph > "$T/current_tracer"
	echo 1 > "$T/tracing_on"
	s=$(sh /tmp/wl.sh | awk '{ print $2 }')
	echo 0 > "$T/tracing_on"
	echo nop > "$T/current_tracer"
	echo > "$T/set_graph_function"
	echo > "$T/trace"
	echo "$kb0" > "$T/buffer_size_kb"
	echo "$on0" > "$T/tracing_on"
	echo "$r floor $s - -" >> bench.txt
	for c in ftx nofilter; do
		opt=
		[ $c = nofilter ] && opt=--no-filter
		# the temp files and the file in the guest's RAM, not on the 9p share
		# shellcheck disable=SC2086
		"$FTX" record $opt -p function_graph -g "$func" -b "$kb" -o /tmp/fg.dat \
			-- sh /tmp/wl.sh > wl.out 2> rec.err || { cat rec.err; exit 1; }
		echo "$r $c $(awk '{ print $2 }' wl.out) $(awk '$1 == "total" { print $2, $4 }' rec.err)" \
			>> bench.txt
		rm -f /tmp/fg.dat
	done
done
cp rec.err last-rec.err
ls "$T/instances" > instances-after
cat "$T/current_tracer" > tracer-after
exit 0
