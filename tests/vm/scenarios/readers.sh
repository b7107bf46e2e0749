# SPDX-License-Identifier: GPL-2.0
# vm-requires: record report
#
# Tracepoints recorded by ftx on this kernel, reported by ftx and by this
# architecture's trace-cmd, with and without libtraceevent's plugins; the host
# then reads the same file (readers.check). The file is recorded to tmpfs as on a
# board, then copied to the share.
"$FTX" record -e sched:sched_process_exec -e sched:sched_process_exit \
	-e sched:sched_switch -e sched:sched_wakeup -o /tmp/trace.dat -- sleep 1 > record.out 2>&1
echo $? > record.rc
cp /tmp/trace.dat trace.dat 2>/dev/null
"$FTX" report -i trace.dat > ftx-report.txt 2> ftx-report.err
echo $? > ftx-report.rc
"$FTX" report -N -i trace.dat > ftx-report-N.txt 2> ftx-report-N.err
echo $? > ftx-report-N.rc
"$TRACE_CMD" report -i trace.dat > tc-report.txt 2> tc-report.err
echo $? > tc-report.rc
"$TRACE_CMD" report -N -i trace.dat > tc-report-N.txt 2> tc-report-N.err
echo $? > tc-report-N.rc
# the latency columns (irqs-off, need-resched, hardirq/softirq, preempt depth;
# PREEMPT_RT kernels record more): -l, without plugins on the board
"$FTX" report -l -N -i trace.dat > ftx-report-lN.txt 2> ftx-report-lN.err
echo $? > ftx-report-lN.rc
"$TRACE_CMD" report -l -N -i trace.dat > tc-report-lN.txt 2> tc-report-lN.err
echo $? > tc-report-lN.rc
exit 0
