# SPDX-License-Identifier: GPL-2.0
# vm-requires: record report
#
# An older trace-cmd as a second reader (bullseye guests carry 2.9.1, from before
# trace.dat version 7): every file ftx wrote in this guest must read in it. The
# files of readers, record and fgraph are reused when those ran; a tracepoint
# file of its own is always recorded. tracecmd-old.check compares on the host.
set -u
if [ -z "${TRACE_CMD_OLD:-}" ]; then
	echo "no older trace-cmd in this guest (only bullseye kernels carry one)" > skip
	exit 77
fi
"$TRACE_CMD_OLD" --version 2>&1 | head -n 3 > version
"$FTX" record -q -e sched:sched_switch -e sched:sched_wakeup -e sched:sched_process_exec \
	-e syscalls:sys_enter_openat -e irq -o /tmp/own.dat -- ls -R /sys/kernel/tracing/events/sched \
	> /dev/null 2> own.err
echo $? > own.rc
cp /tmp/own.dat own.dat 2>/dev/null
for f in own.dat ../readers/trace.dat ../record/cmd.dat ../record/sleep.dat \
	 ../fgraph/fgraph.dat ../fgraph/func.dat; do
	[ -s "$f" ] || continue
	b=$(basename "$(dirname "$f")")-$(basename "$f" .dat)
	[ "$f" = own.dat ] && b=own
	echo "$b $f" >> files
	"$TRACE_CMD_OLD" report -i "$f" > "$b.old" 2> "$b.old-err"
	echo $? > "$b.old-rc"
	"$TRACE_CMD_OLD" report -N -i "$f" > "$b.old-N" 2> "$b.old-N-err"
	echo $? > "$b.old-N-rc"
done
exit 0
