# SPDX-License-Identifier: GPL-2.0
# vm-requires: record
# vm-timeout: 300
#
# Recordings for the analysis fixtures (issue 12): a function trace with a
# kernel stack trace after each function event (--func-stack), and
# function_graph with per-CPU software counters (--pmc) as 'ftx_pmc:' lines.
# The .check side reads both with trace-cmd.
set -u
# the fixtures are amd64-6.1's; the other kernels' recorders are the fgraph,
# record and stat scenarios' business
if [ "$FTX_VM_KERNEL" != amd64-6.1 ]; then
	echo "records tests/fixtures/linux-6.1-amd64's fixtures: amd64-6.1 only" > skip
	exit 77
fi
if ! grep -qw function_graph "$TRACEFS/available_tracers"; then
	echo "no function_graph tracer in this kernel" > skip
	exit 77
fi
"$FTX" record -q -p function --func-stack -l 'vfs_*' -b 8192 \
	-o fstack.dat -- ls -R /sys/kernel/tracing/events/sched > /dev/null 2> fstack.err
echo $? > fstack.rc
"$FTX" record -q -p function_graph -g do_sys_openat2 -O funcgraph-proc -b 8192 \
	--pmc cpu-clock,context-switches@20 -o pmc.dat \
	-- sh -c 'ls /; sleep 0.2; cat /proc/version' > pmc.out 2> pmc.err
echo $? > pmc.rc
ls "$TRACEFS/instances" > instances-after
cat "$TRACEFS/current_tracer" > tracer-after
cat "$TRACEFS/options/func_stack_trace" > func-stack-after
exit 0
