# SPDX-License-Identifier: GPL-2.0
# vm-requires: probe record report
# vm-timeout: 300
#
# Kernel probes on stock kernels (this project's host has no kprobes): one
# kprobe + kretprobe definition text on every kernel of the bed, recording
# the filename string and the return value of do_sys_openat2 for what cat
# opens; do_sys_open added with 'ftx probe' and recorded: where it never fires
# (6.1: openat inlines it) record says so and names do_sys_openat2. The
# .check side compares with trace-cmd and with what was opened.
set -u
[ -e "$TRACEFS/kprobe_events" ] || { echo "no kprobe_events in this kernel" > skip; exit 77; }
cat "$TRACEFS/kprobe_events" > kprobe-before
# The same text everywhere: $arg2 is kept where the README lists $arg<N>,
# else ftx puts the architecture's register there.
ENTRY='do_sys_openat2 name=+0($arg2):ustring'
RET='do_sys_openat2%return ret=$retval:s32'
"$FTX" probe -D "$ENTRY" > def.txt 2> def.err
"$FTX" probe -D "$RET" >> def.txt 2>> def.err
echo $? > def.rc
echo ftx-probe-data > /tmp/ftx-probe-a
# recorded in the guest's RAM, then copied to the share: on armhf-6.1 writing this
# trace.dat onto the 9p share failed with EFBIG ("cannot write trace.dat: File too
# large", the recorder's file copy), which is not what this scenario tests
"$FTX" record -q -F --probe "$ENTRY" --probe "$RET" -o /tmp/open.dat \
	-- cat /tmp/ftx-probe-a /tmp/ftx-probe-nonexistent > open.out 2> open.err
echo $? > open.rc
cat /tmp/open.dat > open.dat
cat "$TRACEFS/kprobe_events" > kprobe-after-record
# probes that stay: --add, listed with hits, recorded with -e, then --del
"$FTX" probe -q --add do_sys_open > add.out 2> add.err
echo $? > add.rc
"$FTX" record -q -e probe:do_sys_open -o /tmp/dso.dat -- cat /tmp/ftx-probe-a > dso.out 2> dso.err
echo $? > dso.rc
"$FTX" report -i /tmp/dso.dat 2>&1 | grep -c ' do_sys_open: ' > dso.count
"$FTX" probe -l > list.out 2>&1
"$FTX" probe -q --del 'probe:*' > del.out 2>&1
echo $? > del.rc
cat "$TRACEFS/kprobe_events" > kprobe-after
# an unknown function: the kernel's refusal and the closest names
"$FTX" probe --add do_sys_openat3 > unknown.out 2> unknown.err
echo $? > unknown.rc
"$TRACE_CMD" report -i /tmp/open.dat > open.guest-report 2>&1
ls "$TRACEFS/instances" > instances-after
exit 0
