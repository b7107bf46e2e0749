#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz: build the libFuzzer target for the trace.dat reader with ASan and
# UBSan (Debian's clang) and run it. Seeds are shrunk copies of the real
# fixtures (tests/fuzz/mkseeds.py), also converted to v7 zstd/zlib by
# trace-cmd. Inputs that crashed once are kept in tests/fuzz/regress/ and are
# replayed first; the unit suite replays them too. Leaks are left to
# valgrind (make check-mem): libtraceevent leaks on some malformed formats.
#
# Three targets: the reader (fuzz-tracedat, two thirds of the time), the user
# filter (fuzz-filter) and report's options (fuzz-report-opts).
#
#   FUZZ_SECONDS=1800 (default: 30 minutes over the three) make fuzz
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=build/fuzz
secs=${FUZZ_SECONDS:-1800}

missing=()
for p in clang libclang-rt-14-dev python3 trace-cmd; do
	[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "fuzz.sh: installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${missing[@]}" >/dev/null
fi
scripts/deps.sh --build-only
# the generated headers the command sources include (a fresh clone has none)
make -s build/gen/commands.h build/gen/suites.h

mkdir -p "$out/obj" "$out/seeds" "$out/corpus" "$out/crashes"
flags="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
	-std=gnu11 -D_GNU_SOURCE -Iinclude -Isrc -Ibuild/gen -Ibuild/libperf/include
	$(pkg-config --cflags libtracefs libtraceevent)"
objs=()
for src in src/lib/*/*.c; do
	o=$out/obj/$(basename "$src" .c).o
	# shellcheck disable=SC2086
	clang $flags -c "$src" -o "$o"
	objs+=("$o")
done
# shellcheck disable=SC2086
for t in fuzz-tracedat fuzz-filter fuzz-report-opts; do
	clang $flags -fsanitize=fuzzer "tests/fuzz/$t.c" "${objs[@]}" -o "$out/$t" \
		build/libperf/lib/libperf.a build/libperf/lib/libapi.a \
		$(pkg-config --libs libtracefs libtraceevent libzstd zlib) -lelf
done
mkdir -p "$out/filter-seeds" "$out/opts-seeds" "$out/filter-corpus" "$out/opts-corpus"
cut -f1 tests/fixtures/bad-input/filters-refused.tsv | split -l 1 - "$out/filter-seeds/r"
split -l 1 tests/fixtures/bad-input/filters-ok.txt "$out/filter-seeds/k"
printf -- '-t\n-l\n--cpu\n0\n' > "$out/opts-seeds/a"
printf -- '--graph\n--max-depth\n3\n--func\nschedule\n' > "$out/opts-seeds/b"
printf -- '--stat\n-F\nsample: value > 0\n--pid\n1234\n' > "$out/opts-seeds/c"
# trace-cmd's inspection options (-R -w -v --ts-diff --ts-offset -O -q)
printf -- '-R\n-t\n--ts-diff\n' > "$out/opts-seeds/d"
printf -- '-w\n-F\nsched\n-v\n-F\nsched_switch\n' > "$out/opts-seeds/e"
printf -- '-O\nfgraph:tailprint\n--ts-offset\n-1000\n-q\n-I\n-S\n' > "$out/opts-seeds/f"

for f in tests/fixtures/*/*.v6.dat; do
	# latency files have no CPU data to shrink
	python3 tests/fuzz/mkseeds.py "$out/seeds" "$f" >/dev/null 2>&1 || echo "fuzz.sh: no seed from $f"
done
for f in "$out"/seeds/*kprobe*.v6.dat; do
	for c in zstd zlib; do
		trace-cmd convert -i "$f" -o "${f%.v6.dat}.v7-$c.dat" --file-version 7 \
			--compression "$c" >/dev/null 2>&1 || true
	done
done

echo "fuzz.sh: replaying tests/fuzz/regress"
if ls tests/fuzz/regress/* >/dev/null 2>&1; then
	ASAN_OPTIONS=detect_leaks=0 "$out/fuzz-tracedat" -runs=0 tests/fuzz/regress/* 2>&1 | tail -n 2
fi

echo "fuzz.sh: fuzzing for ${secs}s (crashes go to $out/crashes; keep them in tests/fuzz/regress)"
ASAN_OPTIONS=detect_leaks=0 "$out/fuzz-tracedat" -max_total_time=$((secs * 2 / 3)) -max_len=131072 \
	-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$out/crashes/" "$out/corpus" "$out/seeds" 2>&1 | tail -n 25
ASAN_OPTIONS=detect_leaks=0 "$out/fuzz-filter" -max_total_time=$((secs / 6)) -max_len=512 \
	-timeout=20 -print_final_stats=1 -artifact_prefix="$out/crashes/filter-" \
	"$out/filter-corpus" "$out/filter-seeds" 2>&1 | tail -n 12
ASAN_OPTIONS=detect_leaks=0 "$out/fuzz-report-opts" -max_total_time=$((secs / 6)) -max_len=512 \
	-timeout=20 -print_final_stats=1 -artifact_prefix="$out/crashes/opts-" \
	"$out/opts-corpus" "$out/opts-seeds" 2>&1 | tail -n 12

# A filter is compiled first in a forked child, where libtraceevent may crash by
# design; libFuzzer's handler in that child writes an artifact too. Replay each:
# if the target itself survives it, the crash was the child's and is dropped.
for f in "$out"/crashes/filter-* "$out"/crashes/opts-*; do
	[ -e "$f" ] || continue
	t=fuzz-filter
	case $f in */opts-*) t=fuzz-report-opts ;; esac
	if ASAN_OPTIONS=detect_leaks=0 "$out/$t" -artifact_prefix="$out/replay-" "$f" >/dev/null 2>&1; then
		rm -f "$f"
	fi
done
rm -f "$out"/replay-*
n=$(find "$out/crashes" -type f | wc -l)
echo "fuzz.sh: $n crash(es) of ftx itself in $out/crashes"
[ "$n" -eq 0 ]
