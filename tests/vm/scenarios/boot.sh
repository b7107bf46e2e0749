# SPDX-License-Identifier: GPL-2.0
#
# The test bed itself: the guest booted, loaded the 9p modules, mounted tracefs and
# can write results back. Records what the kernel offers for the host to assert on.
set -e
uname -a > uname
uname -m > machine
cat "$TRACEFS/available_tracers" > available_tracers
[ -e "$TRACEFS/kprobe_events" ] && echo yes > kprobe_events || echo no > kprobe_events
cat /proc/cpuinfo > cpuinfo
nproc > nproc
# A file written in pieces comes back whole: the result path is trustworthy.
i=0
while [ $i -lt 1000 ]; do echo "line $i"; i=$((i + 1)); done > lines
# The reference reader and ftx both start on this architecture.
"$TRACE_CMD" list -t > trace-cmd-tracers
"$FTX" --version > ftx-version
