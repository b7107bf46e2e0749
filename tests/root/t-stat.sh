#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ftx stat on this host (software events; no hardware PMU): counts that
# other measurements confirm, perf stat's layout line for line against
# Debian's perf on the same workload (numbers normalized), CSV and JSON
# that parse, the command's exit status, the targets and the errors.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FTX=${FTX:-$here/../../build/ftx}
tmp=$(mktemp -d /tmp/ftx-t-stat.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

# the value of event $2 in ftx's text output $1 (commas and units dropped)
value() { awk -v ev="$2" '$0 ~ "^ +[0-9.]+ +(msec +)?"ev" " { print $1; exit }' "$1"; }

# 1. task-clock of a busy loop is its CPU time (getrusage of the same child).
# Three tries: on a loaded host the exiting child's last slice can reach the
# counter after its rusage was summed (seen: 7.8 ms and, under ASan beside a
# TCG guest, 51 ms apart; a quiet host agrees within 1 ms).
for try in 1 2 3; do
	"$FTX" stat -e task-clock -o busy.txt -- sh -c 'i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done' ||
		die "busy loop: exit $?"
	tc=$(value busy.txt task-clock)
	cpu=$(awk '/seconds user/ { u = $1 } /seconds sys/ { s = $1 } END { printf "%.3f", (u + s) * 1000 }' busy.txt)
	awk -v a="$tc" -v b="$cpu" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a > 50 && d <= a * 0.05 + 2) }' &&
		break
	[ $try = 3 ] && die "task-clock $tc ms vs user+sys $cpu ms, three times: $(cat busy.txt)"
	echo "note: task-clock $tc ms vs user+sys $cpu ms (try $try), again"
done

# 2. page faults: dd's 16 MB buffer is 4096 new pages
"$FTX" stat -e page-faults,minor-faults,major-faults -o pf.txt -- \
	dd if=/dev/zero of=/dev/null bs=16M count=1 2>/dev/null || die "dd: exit $?"
pf=$(value pf.txt page-faults)
[ "${pf:-0}" -ge 4096 ] || die "page-faults $pf < 4096: $(cat pf.txt)"
[ "$(value pf.txt minor-faults)" -ge 4096 ] || die "minor-faults: $(cat pf.txt)"

# 3. context switches: a process that sleeps 20 times switches out at least 20 times
"$FTX" stat -e context-switches,task-clock -o cs.txt -- \
	python3 -c 'import time
for i in range(20): time.sleep(0.002)' || die "python: exit $?"
[ "$(value cs.txt context-switches)" -ge 20 ] || die "context-switches: $(cat cs.txt)"

# 4. no hardware PMU here: cycles is <not supported>, and ftx says why once
"$FTX" stat -e task-clock,page-faults,cycles -o tpc.txt -- ls / > /dev/null 2> tpc.err ||
	die "ls: exit $?"
grep -Eq '^ +<not supported> +cycles' tpc.txt || die "cycles: $(cat tpc.txt)"
grep -q '^ftx stat: cycles: not supported: no hardware PMU' tpc.err || die "no PMU note: $(cat tpc.err)"

# 5. CSV and JSON parse; their fields are perf's
"$FTX" stat -x, -o c.csv -- ls / > /dev/null 2>&1 || die "csv: exit $?"
awk -F, 'NF < 7 { bad = 1 } END { exit bad || NR != 8 }' c.csv || die "CSV fields: $(cat c.csv)"
grep -q '^[0-9.]*,msec,task-clock,[0-9]*,100.00,[0-9.]*,CPUs utilized$' c.csv || die "CSV: $(cat c.csv)"
"$FTX" stat -j -o j.json -- ls / > /dev/null 2>&1 || die "json: exit $?"
python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1]):
    o = json.loads(line)
    for k in ("counter-value", "unit", "event", "event-runtime", "pcnt-running", "metric-value", "metric-unit"):
        assert k in o, (k, o)
    n += 1
assert n == 8, n
' j.json || die "JSON: $(cat j.json)"

# 6. the exit status is the command's; a signal is 128+N
"$FTX" stat -e task-clock -- sh -c 'exit 7' 2> /dev/null; rc=$?
[ $rc -eq 7 ] || die "exit status: $rc, want 7"
"$FTX" stat -e task-clock -- sh -c 'kill -TERM $$' 2> sig.err; rc=$?
[ $rc -eq 143 ] || die "killed command: $rc, want 143"
grep -q 'ftx stat: sh: Terminated' sig.err || die "no signal line: $(cat sig.err)"
"$FTX" stat -- /nonexistent/cmd 2> /dev/null; rc=$?
[ $rc -eq 127 ] || die "missing command: $rc, want 127"

# 7. -r 5: the variance column and the runs in the header
"$FTX" stat -r 5 -e task-clock,page-faults -o r.txt -- ls / > /dev/null || die "-r: exit $?"
grep -q "for 'ls /' (5 runs):" r.txt || die "-r header: $(cat r.txt)"
grep -Eq 'task-clock .*\( \+- *[0-9.]+% \)$' r.txt || die "-r variance: $(cat r.txt)"
grep -Eq 'seconds time elapsed +\( \+- *[0-9.]+% \)$' r.txt || die "-r elapsed: $(cat r.txt)"

# 8. against perf itself: the same lines after numbers are normalized
norm() {
	sed -e '1{/^# started on/d}' -e '2{/^$/d}' "$1" | sed -E -e 's/[0-9]+/N/g' -e 's/ +/ /g' \
		-e 's/ $//' -e 's/[KMG]\/sec/\/sec/g' -e 's/"(N\.N|N)"/"V"/g'
}
if command -v perf > /dev/null; then
	for opts in "" "-e task-clock,page-faults,cycles" "-x, -e task-clock,page-faults,cycles" \
		    "-x," "-j" "-j -e task-clock,page-faults,cycles" "-r 3 -e task-clock,page-faults" \
		    "-a -A -e cpu-clock,page-faults" "-a --per-core -e cpu-clock"; do
		# shellcheck disable=SC2086
		perf stat $opts -o perf.out -- ls / > /dev/null 2>&1 || die "perf stat $opts failed"
		# shellcheck disable=SC2086
		"$FTX" stat $opts -o ftx.out -- ls / > /dev/null 2>&1 || die "ftx stat $opts failed"
		norm perf.out > perf.norm
		norm ftx.out > ftx.norm
		# -r: perf leaves out a 0.00% variance in text, and so does ftx
		if [ "$opts" = "-r 3 -e task-clock,page-faults" ]; then
			sed -i -E 's/ \( \+- N\.N% \)//' perf.norm ftx.norm
		fi
		diff perf.norm ftx.norm > d.txt || die "ftx stat $opts differs from perf stat:
$(cat d.txt)"
	done
else
	echo "t-stat: perf not installed, no comparison (scripts/deps.sh installs linux-perf)"
fi

# 9. intervals, CPUs, processes, threads, tracepoints as counters
"$FTX" stat -I 100 -e task-clock -o i.txt -- sleep 0.35 || die "-I: exit $?"
[ "$(grep -c 'msec task-clock\|<not counted>' i.txt)" -ge 3 ] || die "-I: $(cat i.txt)"
head -1 i.txt | grep -q '^#           time             counts unit events$' || die "-I header: $(cat i.txt)"
"$FTX" stat -a -A -e cpu-clock -o a.txt -- sleep 0.05 || die "-a -A: exit $?"
[ "$(grep -c '^CPU[0-9]' a.txt)" -eq "$(grep -c ^processor /proc/cpuinfo)" ] || die "-A: $(cat a.txt)"
"$FTX" stat -C 0 -e cpu-clock -o c0.txt -- sleep 0.05 || die "-C: exit $?"
grep -q "for 'CPU(s) 0':" c0.txt || die "-C: $(cat c0.txt)"
sleep 0.5 &
spid=$!
"$FTX" stat -p $spid -e task-clock,context-switches -o p.txt || die "-p: exit $?"
grep -q "for process id '$spid':" p.txt || die "-p: $(cat p.txt)"
"$FTX" stat -t $$ -e task-clock -o t.txt & tpid=$!
# counting (its perf event open): polled, not a fixed wait
for i in $(seq 100); do ls -l /proc/$tpid/fd 2>/dev/null | grep -q perf_event && break; sleep 0.1; done
kill -INT $tpid
wait $tpid || die "-t stopped by SIGINT: exit $?"
grep -q "for thread id '$$':" t.txt || die "-t: $(cat t.txt)"
if [ -d /sys/kernel/tracing/events/sched/sched_process_exec ]; then
	"$FTX" stat -e sched:sched_process_exec,sched:sched_process_fork -o tp.txt -- \
		sh -c 'true; /bin/true; /bin/true' || die "tracepoint counters: exit $?"
	[ "$(value tp.txt sched:sched_process_exec)" -ge 3 ] || die "tracepoints: $(cat tp.txt)"
fi

# 10. errors: usage (2), unknown events with the closest names, paranoid for users
"$FTX" stat -e instructons -- true 2> e1.txt; rc=$?
[ $rc -eq 2 ] && grep -q "unknown event 'instructons' (did you mean 'instructions'?)" e1.txt ||
	die "unknown event: $rc $(cat e1.txt)"
"$FTX" stat -A -- true 2> /dev/null; rc=$?
[ $rc -eq 2 ] || die "-A without -a: $rc"
"$FTX" stat 2> /dev/null; rc=$?
[ $rc -eq 2 ] || die "no target: $rc"
if command -v setpriv > /dev/null && [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -ge 1 ]; then
	setpriv --reuid=65534 --regid=65534 --clear-groups "$FTX" stat -a -e cpu-clock -- true \
		2> u.txt; rc=$?
	[ $rc -eq 1 ] && grep -q 'not permitted: kernel.perf_event_paranoid=[0-9]*.*needs 0 or lower.*root' u.txt ||
		die "paranoid as a user: $rc $(cat u.txt)"
fi
# 11. counters recorded with a trace: trace_marker lines both readers show
"$FTX" record --pmc cpu-clock,context-switches@50 -e sched:sched_switch -o pmc.dat -- sleep 0.4 \
	> /dev/null 2> rec.err || die "record --pmc: exit $?: $(cat rec.err)"
grep -Eq '^ftx record: pmc: [0-9]+ samples \([0-9]+/s\), sampler CPU [0-9.]+s' rec.err ||
	die "no pmc summary: $(cat rec.err)"
ncpu=$(grep -c ^processor /proc/cpuinfo)
re='ftx_pmc: cpu=[0-9]+ ms=[0-9]+ cpu-clock=[0-9-]+ context-switches=[0-9-]+$'
"$FTX" report -i pmc.dat > pmc.ftx || die "report of the --pmc trace failed"
n=$(grep -Ec "$re" pmc.ftx)
[ "$n" -ge $((ncpu * 6)) ] || die "ftx report shows $n ftx_pmc lines: $(grep ftx_pmc pmc.ftx | head -3)"
if command -v trace-cmd > /dev/null; then
	trace-cmd report -i pmc.dat > pmc.tc 2> /dev/null || die "trace-cmd cannot read the --pmc trace"
	[ "$(grep -Ec "$re" pmc.tc)" -eq "$n" ] || die "trace-cmd shows $(grep -Ec "$re" pmc.tc), ftx $n"
fi
# a busy CPU's cpu-clock over 50 ms is most of 50 ms (in ns)
awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^cpu-clock=[0-9]+$/) { v = substr($i, 11) + 0; if (v > m) m = v } }
     END { exit !(m > 20000000 && m < 80000000) }' pmc.ftx || die "cpu-clock per sample implausible"
"$FTX" record --pmc cyclez -e sched:sched_switch -o x.dat -- true 2> e2.txt; rc=$?
[ $rc -ne 0 ] && grep -q "unknown event 'cyclez'" e2.txt || die "--pmc unknown event: $rc $(cat e2.txt)"

echo "t-stat: ok"
