# SPDX-License-Identifier: GPL-2.0
# vm-requires: record profile
# vm-timeout: 300
#
# ftx profile -- COMMAND (issue 12): records function_graph of the command
# first, then prints the profile; the .check side compares its calls with
# trace-cmd's report of the same recording.
set -u
if ! grep -qw function_graph "$TRACEFS/available_tracers"; then
	echo "no function_graph tracer in this kernel" > skip
	exit 77
fi
"$FTX" profile -b 8192 -g do_sys_openat2 -O funcgraph-proc -o prof.dat -- ls / \
	> profile.out 2> profile.err
echo $? > profile.rc
cat "$TRACEFS/current_tracer" > tracer-after
ls "$TRACEFS/instances" > instances-after
exit 0
