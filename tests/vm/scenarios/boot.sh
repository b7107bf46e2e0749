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
# The shape of this kernel's tracefs, for the kernel matrix and the fake 4.x trees
# of the unit tests: its files, an instance's files, the README and the clocks.
ls "$TRACEFS" > tracefs-files
cp "$TRACEFS/README" tracefs-README
cat "$TRACEFS/trace_clock" > trace_clock
mkdir "$TRACEFS/instances/ftx-vm-shape" && {
	ls "$TRACEFS/instances/ftx-vm-shape" > instance-files
	cat "$TRACEFS/instances/ftx-vm-shape/available_tracers" > instance-tracers 2>/dev/null || true
	rmdir "$TRACEFS/instances/ftx-vm-shape"
} || true
cat "$TRACEFS/events/header_page" > header_page
true
