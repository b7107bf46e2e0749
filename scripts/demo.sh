#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: the main job — a kernel call graph of the open path of ls
# (ftx record -p function_graph -g do_sys_openat2 ... ls; ftx report --graph),
# on this machine's kernel where it allows function_graph, otherwise in the
# test bed's stock Debian 6.1 kernel under qemu, saying why; then the same
# trace as a profile (ftx profile) and a flame graph (ftx flame).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
FTX=${FTX:-$top/build/ftx}
out=$top/build/demo
mkdir -p "$out"

echo "== ftx check: what this kernel allows"
"$FTX" check | tee "$out/check.txt"
echo

# "not built      not in available_tracers" -> "not built (not in available_tracers)"
fgraph=$(awk '/^tracer function_graph / { sub(/^tracer function_graph +/, ""); print; exit }' \
	"$out/check.txt" | sed -E 's/ {2,}(.*)/ (\1)/')
case "$fgraph" in
ok*)
	echo "== function_graph of the open path of ls, on this kernel"
	(cd "$out" && "$FTX" record -q -p function_graph -g do_sys_openat2 -O funcgraph-proc \
		-o fgraph.dat ls /) || exit 1
	graph=$out/fgraph.graph
	dat=$out/fgraph.dat
	"$FTX" report --graph -i "$dat" > "$graph" || exit 1
	;;
*)
	echo "== this kernel cannot: function_graph is ${fgraph:-missing}; running it in the" \
	     "test bed's stock Debian 6.1 kernel under qemu instead"
	"$top/scripts/deps.sh" --vm || exit 1
	FTX=$FTX "$top/tests/vm/run.sh" --kernel amd64-6.1 --scenario fgraph || exit 1
	graph=$top/build/vm/amd64-6.1/share/fgraph/fgraph.graph
	dat=$top/build/vm/amd64-6.1/share/fgraph/fgraph.dat
	;;
esac
echo
echo "== ftx report --graph (the ls task; whole graph in $graph)"
# the header, then the calls of ls from its first do_sys_openat2 on
head -n 2 "$graph"
awk '/ ls-[0-9]+ / && /do_sys_openat2\(\) \{/ { on = 1 } on && / ls-[0-9]+ / { print; if (++n == 60) exit }' \
	"$graph"

echo
echo "== ftx profile: time per function of the same trace (top 20 by total time)"
"$FTX" profile -i "$dat" | head -n 23
echo
echo "== ftx flame: the same calls as a flame graph"
"$FTX" flame -i "$dat" -o "$out/flame.svg" --title "The open path of ls" 2> /dev/null || exit 1
echo "flame graph: $out/flame.svg (open it in a browser: hover for times, click to zoom," \
     "Ctrl-F to search)"
