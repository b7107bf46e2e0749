# SPDX-License-Identifier: GPL-2.0
#
# ftx stat on a real PMU: arm64 under qemu -cpu max has armv8_pmuv3 (the
# cycle counter and event counters); amd64 guests have none (<not supported>).
# Counts cycles and instructions, a group, the PMU's named sysfs events, more
# events than counters (multiplexing) and the default set, as CSV and text;
# stat.check judges the numbers on the host.
# vm-requires: stat
# vm-timeout: 300
set -u
pmus=/sys/bus/event_source/devices
ls "$pmus" > pmus
pmu=$(cd "$pmus" && ls -d armv* 2>/dev/null | head -1)
echo "$pmu" > pmu
if [ -n "$pmu" ]; then
	# the PMU's sysfs shape, as a fixture for the parser's unit tests
	(cd "$pmus/$pmu" && for f in type cpus format/* events/*; do
		[ -f "$f" ] && echo "$f: $(cat "$f")"
	done) > pmu-tree.txt
fi
work='i=0; while [ $i -lt 30000 ]; do i=$((i + 1)); done'
run() {
	name=$1
	shift
	"$FTX" stat "$@" -- sh -c "$work" > "$name.out" 2> "$name.err"
	echo $? > "$name.rc"
}
run ci -x, -o ci.csv -e cycles,instructions
run group -x, -o group.csv -e '{cycles,instructions}'
run user -x, -o user.csv -e cycles:u,instructions:u
if [ -n "$pmu" ]; then
	run named -x, -o named.csv -e "$pmu/cpu_cycles/,cpu_cycles,$pmu/event=0x11/"
fi
# one cycle counter and a few event counters: twelve users of them multiplex
mux=cycles,instructions,r11,r11,r11,r11,r11,r11,r11,r11,r11,r11
run mux -x, -o mux.csv -e $mux
run muxtext -o mux.txt -e $mux
run default -o default.txt
"$FTX" stat -a -A -x, -o cpus.csv -e cycles -- sleep 0.2 > cpus.out 2> cpus.err
echo $? > cpus.rc
true
