# SPDX-License-Identifier: GPL-2.0
# vm-requires: record stream
#
# ftx record and stream on a stock kernel of each architecture (armhf: 4-byte
# longs in the page headers), with a CPU taken offline, and -m. The .check side
# reads the files with the host's trace-cmd and ftx report.
set -u
"$FTX" record -q -e sched:sched_switch -e syscalls:sys_enter_openat -o cmd.dat \
	-- cat /proc/version > cmd.out 2> cmd.err
echo $? > cmd.rc
"$FTX" record -e sched -e irq -o sleep.dat -- sleep 1 > /dev/null 2> sleep.err
echo $? > sleep.rc
# Through a pipe: busybox cat sendfile()s into its stdout, and sendfile does not
# take the file position lock that write() takes, so on a shared regular file
# ftx's writes and cat's raced for the offset and a block was lost (seen once
# on 6.12). A pipe has no offset.
{ "$FTX" stream -q -e sched:sched_switch -e syscalls:sys_enter_openat -- cat /proc/version \
	2> stream.err; echo $? > stream.rc; } | cat > /tmp/stream.out
cp /tmp/stream.out stream.out
"$TRACE_CMD" report -i cmd.dat > cmd.guest-report 2>&1
# a CPU that goes offline before the recording: its buffer stays, empty
if [ -w /sys/devices/system/cpu/cpu1/online ] && echo 0 > /sys/devices/system/cpu/cpu1/online; then
	"$FTX" record -e sched -o offline.dat -- sleep 0.5 > /dev/null 2> offline.err
	echo $? > offline.rc
	echo 1 > /sys/devices/system/cpu/cpu1/online
fi
# -m: 20000 one-byte reads (armhf: 4-byte longs in the pages -m walks) into 64 KB per CPU
"$FTX" record -F -m 64 -e syscalls:sys_enter_read -e sched:sched_process_exit -o m.dat \
	-- dd if=/dev/zero of=/dev/null bs=1 count=20000 > /dev/null 2> m.err
echo $? > m.rc
ls "$TRACEFS/instances" > instances-after
exit 0
