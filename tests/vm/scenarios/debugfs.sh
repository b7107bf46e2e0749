# SPDX-License-Identifier: GPL-2.0
# vm-requires: record report
#
# Only debugfs mounted, as on older systems: tracefs is reached through the
# kernel's automount at /sys/kernel/debug/tracing. ftx must find it there,
# record, and not mount tracefs at /sys/kernel/tracing itself. tracefs is
# mounted back for the scenarios after this one.
set -u
if ! umount /sys/kernel/tracing 2> umount.err; then
	echo "cannot unmount tracefs: $(cat umount.err)" > skip
	exit 77
fi
grep ' /sys/kernel/tracing ' /proc/mounts > mounts-before
[ -e /sys/kernel/debug/tracing/trace ] || mount -t debugfs nodev /sys/kernel/debug
ls /sys/kernel/debug/tracing/trace > debugfs-trace 2>&1
"$FTX" record -q -e sched:sched_process_exec -o /tmp/debugfs.dat -- /bin/true > record.out 2> record.err
echo $? > record.rc
grep ' /sys/kernel/tracing ' /proc/mounts > mounts-after
cp /tmp/debugfs.dat debugfs.dat 2>/dev/null
"$FTX" report -i debugfs.dat > report.txt 2> report.err
echo $? > report.rc
mount -t tracefs nodev /sys/kernel/tracing
exit 0
