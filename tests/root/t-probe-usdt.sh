#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# USDT probes built with gcc (PIE and not) and with clang -fuse-ld=lld: exact
# hit counts, every location of an inlined probe, arguments as the program
# passed them, a semaphore raised only while probed; a probe and a function in
# a shared library. Reports as trace-cmd's.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FTX=${FTX:-$here/../../build/ftx}
fix=$here/../fixtures/probe
T=$(ftx_tracefs_dir) || die "no tracefs"
[ -e "$T/uprobe_events" ] || { echo "SKIP: t-probe-usdt: no uprobe_events"; exit 0; }
command -v trace-cmd >/dev/null || { echo "SKIP: t-probe-usdt: trace-cmd not installed"; exit 0; }
[ -e /usr/include/x86_64-linux-gnu/sys/sdt.h ] || [ -e /usr/include/sys/sdt.h ] ||
	die "no sys/sdt.h: scripts/deps.sh installs systemtap-sdt-dev"
tmp=$(mktemp -d /tmp/ftx-t-probe-usdt.XXXXXX)
cleanup() {
	"$FTX" probe -q --del 'sdt_app:*' --del 'sdt_lib:*' --del 'probe_libusdt:*' 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp" || exit 1

same_report() {
	"$FTX" report -i "$1" > "$1.ftx" 2>&1 || die "ftx report $1: $(cat "$1.ftx")"
	trace-cmd report -i "$1" > "$1.tc" 2>/dev/null || die "trace-cmd report $1 failed"
	cmp -s "$1.ftx" "$1.tc" || die "ftx report differs from trace-cmd on $1: $(diff "$1.ftx" "$1.tc" | head -5)"
}

src="$fix/usdt.c $fix/usdt-sem.c"
gcc -O2 -o usdt_gcc $src || die "gcc build failed"
gcc -O2 -no-pie -fno-pie -o usdt_nopie $src || die "gcc -no-pie build failed"
command -v clang >/dev/null && command -v ld.lld >/dev/null ||
	die "clang and lld are needed (scripts/deps.sh installs them)"
clang -O2 -fuse-ld=lld -o usdt_lld_relro $src || die "clang -fuse-ld=lld build failed"
clang -O2 -fuse-ld=lld -Wl,-z,separate-loadable-segments -o usdt_lld $src ||
	die "clang -fuse-ld=lld -z separate-loadable-segments build failed"

# lld's default layout maps the semaphore's file page in its RELRO segment first:
# the kernel would raise a counter at the wrong address. Refused, with the reason;
# the probes without a semaphore work there.
"$FTX" probe -x ./usdt_lld_relro -D sdt:app:guarded 2> err.txt && die "lld semaphore accepted"
grep -q 'the kernel would raise a counter at the wrong address' err.txt ||
	die "lld semaphore: $(cat err.txt)"
"$FTX" probe -q -x ./usdt_lld_relro --add sdt:app:tick --add sdt:app:inl || die "lld probes failed"
"$FTX" record -q -F -e sdt_app -o relro.dat -- ./usdt_lld_relro 5 > relro.out 2>&1 ||
	die "record of usdt_lld_relro failed: $(cat relro.out)"
same_report relro.dat
[ "$(grep -c ' tick: ' relro.dat.ftx)" = 5 ] || die "usdt_lld_relro: not 5 ticks"
[ "$(grep -Ec ' inl(_1)?: ' relro.dat.ftx)" = 10 ] || die "usdt_lld_relro: not 10 inl"
"$FTX" probe -q --del 'sdt_app:*' || die "--del failed"


n=7
for bin in usdt_gcc usdt_nopie usdt_lld; do
	"$FTX" probe -x ./$bin --list-sdt > sdt.txt || die "$bin: --list-sdt failed"
	[ "$(grep -c '^sdt:app:inl ' sdt.txt)" = 2 ] || die "$bin: app:inl has not 2 locations: $(cat sdt.txt)"
	grep -q '^sdt:app:guarded .*semaphore 0x' sdt.txt || die "$bin: no semaphore listed"
	# not probed: the semaphore stays down
	./$bin $n > plain.out
	grep -qx 'guarded 0' plain.out || die "$bin: semaphore up without a probe: $(cat plain.out)"
	"$FTX" probe -q -x ./$bin --add sdt:app:tick --add %sdt_app:inl --add sdt:app:guarded ||
		die "$bin: probe --add failed"
	"$FTX" record -q -F -e sdt_app -o $bin.dat -- ./$bin $n > $bin.out 2> $bin.err ||
		die "$bin: record failed: $(cat $bin.err)"
	same_report $bin.dat
	grep -qx "guarded $n" $bin.out || die "$bin: the semaphore was not raised: $(cat $bin.out)"
	ticks=$(grep -c ' tick: ' $bin.dat.ftx)
	inls=$(grep -Ec ' inl(_1)?: ' $bin.dat.ftx)
	guards=$(grep -c ' guarded: ' $bin.dat.ftx)
	[ "$ticks" = $n ] || die "$bin: $ticks tick hits, want $n"
	[ "$inls" = $((2 * n)) ] || die "$bin: $inls inl hits, want $((2 * n)) (two locations)"
	[ "$guards" = $n ] || die "$bin: $guards guarded hits, want $n"
	for i in $(seq 0 $((n - 1))); do
		grep -Eq " tick: +\([0-9a-f]+\) arg1=$i arg2=$((2 * i))\$" $bin.dat.ftx ||
			die "$bin: no tick arg1=$i arg2=$((2 * i)): $(grep ' tick: ' $bin.dat.ftx | head -3)"
		grep -Eq " inl(_1)?: +\([0-9a-f]+\) arg1=1 arg2=$i\$" $bin.dat.ftx || die "$bin: no inl 1 $i"
		grep -Eq " inl(_1)?: +\([0-9a-f]+\) arg1=2 arg2=$i\$" $bin.dat.ftx || die "$bin: no inl 2 $i"
		grep -Eq " guarded: +\([0-9a-f]+\) arg1=$i\$" $bin.dat.ftx || die "$bin: no guarded $i"
	done
	"$FTX" probe -q --del 'sdt_app:*' || die "$bin: --del failed"
	echo "$bin: $ticks tick, $inls inl, $guards guarded"
done

# a shared library: its USDT probe and a function in it
gcc -O2 -fPIC -shared -o libusdt.so "$fix/libusdt.c" || die "cannot build libusdt.so"
gcc -O2 -o libmain "$fix/libmain.c" -L. -lusdt -Wl,-rpath,"$tmp" || die "cannot build libmain"
"$FTX" probe -q -x ./libusdt.so --add sdt:lib:call --add 'lib_func x=$arg1:s32' \
	--add 'lib_func%return r=$retval:s32' || die "probes in libusdt.so failed"
"$FTX" record -q -F -e sdt_lib -e probe_libusdt -o lib.dat -- ./libmain 5 > lib.out 2> lib.err ||
	die "record of libmain failed: $(cat lib.err)"
same_report lib.dat
grep -qx 'sum 20' lib.out || die "libmain printed $(cat lib.out)"
[ "$(grep -c ' call: ' lib.dat.ftx)" = 5 ] || die "not 5 lib:call hits"
for i in 0 1 2 3 4; do
	grep -Eq " call: +\([0-9a-f]+\) arg1=$i\$" lib.dat.ftx || die "no lib:call arg1=$i"
	grep -Eq " lib_func: +\([0-9a-f]+\) x=$i\$" lib.dat.ftx || die "no lib_func x=$i"
	grep -Eq " lib_func__return: .* r=$((2 * i))\$" lib.dat.ftx || die "no lib_func r=$((2 * i))"
done
"$FTX" probe -q --del 'sdt_lib:*' --del 'probe_libusdt:*' || die "--del failed"

# errors: no such USDT probe, no notes at all
"$FTX" probe -x ./usdt_gcc -D sdt:app:nosuch 2> err.txt && die "unknown USDT probe accepted"
grep -q 'has no USDT probe app:nosuch; it has app:tick, app:inl, app:guarded' err.txt ||
	die "unknown USDT probe: $(cat err.txt)"
"$FTX" probe -x ./libmain -D sdt:app:tick 2> err.txt && die "USDT probe in a file without notes"
grep -q 'no USDT probes' err.txt || die "no notes: $(cat err.txt)"
echo "t-probe-usdt: exact counts with gcc, gcc -no-pie, clang+lld and a shared library"
