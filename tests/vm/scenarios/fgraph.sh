# SPDX-License-Identifier: GPL-2.0
# vm-requires: record report
# vm-timeout: 300
#
# The function and function_graph tracers on stock kernels (issue 5): the
# seed's job (the open path of ls as a call graph), a vfs_* function trace,
# and a name that is not traceable. The .check side compares with trace-cmd.
set -u
# -b: under TCG the drain threads get little CPU next to ls; the default
# buffer (1.4 MB per CPU) overflowed once on arm64
"$FTX" record -q -p function_graph -g do_sys_openat2 -O funcgraph-proc -b 8192 -o fgraph.dat \
	-- ls / > fg.out 2> fg.err
echo $? > fg.rc
"$FTX" record -q -p function -l 'vfs_*' -o func.dat -- cat /proc/version > fn.out 2> fn.err
echo $? > fn.rc
# do_sys_open is not traceable on 6.1 (trace-cmd silently records nothing).
# Switching function_graph on and off patches every function: minutes under
# TCG on arm, so this check runs on amd64 only.
if [ "$FTX_VM_ARCH" = amd64 ]; then
	grep -qx 'do_sys_open' "$TRACEFS/available_filter_functions" && touch do_sys_open-traceable
	# its (empty) file stays in the guest's RAM
	"$FTX" record -q -p function_graph -g do_sys_open -o /tmp/bad.dat -- true > bad.out 2> bad.err
	echo $? > bad.rc
fi
"$TRACE_CMD" report -i fgraph.dat > fgraph.guest-report 2>&1
"$FTX" report --graph -i fgraph.dat > fgraph.guest-graph 2>&1
ls "$TRACEFS/instances" > instances-after
cat "$TRACEFS/current_tracer" > tracer-after
cat "$TRACEFS/set_graph_function" > graph-function-after 2>&1
cat "$TRACEFS/set_ftrace_filter" > ftrace-filter-after 2>&1
[ -e /tmp/bad.dat ] && touch bad.dat-written
exit 0
