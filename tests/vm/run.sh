#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM test bed: boots Debian's stock kernels (tests/vm/kernels) under qemu with an
# initramfs holding busybox, a static ftx built for the kernel's architecture, that
# architecture's trace-cmd (the reference reader) and the scenarios
# tests/vm/scenarios/*.sh. Each scenario runs inside the guest and writes its output
# to a 9p share; tests/vm/scenarios/<name>.check, when present, then judges those
# files on the host. Kernels, busybox and trace-cmd are fetched with apt-get download
# and cached under build/vm/.
#
# usage: tests/vm/run.sh [--if-possible] [--kernel NAME]... [--scenario NAME]...
#                        [--refresh] [--fetch-only] [--download-only] [--jobs N]
#                        [--selftest-broken[=panic|mount|hang]]
#   --if-possible   print a SKIP line with the reason (exit 0) where qemu, a cross
#                   compiler or the package lists are missing, instead of failing
#   --kernel NAME   only this kernel (repeatable); names are in tests/vm/kernels
#   --scenario NAME only this scenario (repeatable)
#   --refresh       resolve the newest kernel packages again (else the cached ones)
#   --fetch-only    fetch and unpack kernels and userland, build the initramfs, boot
#                   nothing (needs no VM lock: fills the cache while another run boots)
#   --download-only the downloads of --fetch-only alone: kernels, userland and the
#                   older trace-cmd fetched and unpacked, nothing built (make check
#                   runs it beside the root tests, which leave the network idle)
#   --jobs N        boot up to N x86 guests at once (default 1, or $FTX_VM_JOBS): they
#                   run TCG in one host thread each; arm guests take a thread per vCPU
#                   and boot alone. Everything is fetched and built first, serially.
#   --selftest-broken[=panic|mount|hang]  boot amd64-6.1 with a broken initramfs (no
#                   /init: a panic; no 9p modules; an init that hangs): must FAIL and
#                   show the console log. The normal run checks the first and the last
#                   of these are caught (the "selftest" lines).
# FTX_VM_QEMU_ARGS adds qemu options: "-icount shift=0" makes arm64's TCG PMU count
# instructions (inst_retired; qemu 7.2 counts them only under icount).
# FTX_VM_APPEND adds kernel parameters: "loglevel=7 print-fatal-signals=1" puts a
# crashing guest program's registers on the console (addr2line -e the static ftx).
#
# Scenario contract (guest side, busybox sh, cwd = its result directory on the share):
#   env FTX, TRACE_CMD, TRACEFS, FTX_VM_KERNEL, FTX_VM_ARCH, TRACE_CMD_OLD (an older
#   trace-cmd, e.g. /usr/bin/trace-cmd-2.9.1 in bullseye guests, else empty); exit 0 pass, 77 skip
#   (reason in ./skip), anything else fails. A line "# vm-requires: record report"
#   skips the scenario when 'ftx help <command>' fails in the guest; a line
#   "# vm-timeout: N" gives it N seconds (default 300), then SIGTERM and a failure.
#   A line "# vm-bench" marks a benchmark (make bench): it runs only when named with
#   --scenario, in build/vm/<kernel>.bench (a test run's results stay).
# Checker contract (host side, bash, cwd = the same directory, now on the host):
#   env FTX (host build), TRACE_CMD, FTX_VM_KERNEL, FTX_VM_ARCH; exit 0 pass,
#   77 skip (reason on the last output line), anything else fails.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
vm=$top/build/vm
cache=$vm/cache
FTX=${FTX:-$top/build/ftx}
export FTX

if_possible=0
refresh=0
fetch_only=0
download_only=0
jobs=${FTX_VM_JOBS:-1}
selftest=
only_kernels=()
only_scenarios=()
while [ $# -gt 0 ]; do
	case "$1" in
	--if-possible) if_possible=1 ;;
	--refresh) refresh=1 ;;
	--fetch-only) fetch_only=1 ;;
	--download-only) fetch_only=1 download_only=1 ;;
	--jobs) jobs=${2:?--jobs needs a number}; shift ;;
	--kernel) only_kernels+=("${2:?--kernel needs a name}"); shift ;;
	--scenario) only_scenarios+=("${2:?--scenario needs a name}"); shift ;;
	--selftest-broken) selftest=panic ;;
	--selftest-broken=panic|--selftest-broken=mount|--selftest-broken=hang)
		selftest=${1#*=} ;;
	-h|--help) sed -n '/^# usage:/,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "tests/vm/run.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

pass=0 fail=0 skip=0
# Each line also goes to the kernel's $results file (scripts/vm-matrix.sh reads it).
results=/dev/null
say_pass() { echo "PASS: vm $1" | tee -a "$results"; pass=$((pass + 1)); }
say_fail() { echo "FAIL: vm $1" | tee -a "$results"; fail=$((fail + 1)); }
say_skip() { echo "SKIP: vm $1" | tee -a "$results"; skip=$((skip + 1)); }
summary() {
	echo "vm: $pass passed, $fail failed, $skip skipped"
	[ $fail -eq 0 ]
	exit
}

# Something the whole suite needs is missing: SKIP under --if-possible, else fail.
cannot() {
	if [ $if_possible = 1 ]; then
		echo "SKIP: vm test bed: $*"
		exit 0
	fi
	echo "FAIL: vm test bed: $*"
	echo "vm: 0 passed, 1 failed"
	exit 1
}

# One kernel cannot run here: SKIP it under --if-possible, else count a failure.
kernel_cannot() {
	if [ $if_possible = 1 ]; then
		say_skip "$1: $2"
	else
		say_fail "$1: $2"
	fi
}

for t in apt-get apt-cache dpkg-deb cpio gzip xz tar timeout readelf make; do
	command -v $t >/dev/null || cannot "'$t' not found (scripts/deps.sh --vm installs the test bed)"
done
command -v qemu-system-x86_64 >/dev/null || command -v qemu-system-aarch64 >/dev/null ||
	command -v qemu-system-arm >/dev/null ||
	cannot "qemu is not installed ('make vm-check' or scripts/deps.sh --vm installs it)"
[ -x "$FTX" ] || cannot "host ftx not built ($FTX; run make)"

qemu_of() {
	case "$1" in
	amd64) echo qemu-system-x86_64 ;;
	arm64) echo qemu-system-aarch64 ;;
	armhf) echo qemu-system-arm ;;
	esac
}

# Machine, CPU and console per architecture. 6.12 amd64 panics early on qemu's
# default CPU model, so every amd64 kernel gets -cpu max. With one host thread per
# vCPU, 6.12 amd64 took an "Oops: int3" in about one boot of two while ftrace
# patched call sites (cross-modifying code racing TCG's translation cache): x86
# guests run their two vCPUs in one thread, at about the same speed here. armhf
# needs highmem=off (no LPAE in armmp). arm64: -cpu max has pointer
# authentication, which Debian's arm64 kernels use in every function; TCG
# emulating its QARMA cipher made the guest several times slower than the
# implementation-defined algorithm pauth-impdef=on picks (the same instructions
# and faults, another hash): the profile and fgraph scenarios of arm64-6.1 took
# 197 s with QARMA, 30 s with it, on an idle host.
qemu_args() {
	case "$1" in
	amd64) echo "-M pc -cpu max -accel tcg,thread=single" ;;
	arm64) echo "-M virt -cpu max,pauth-impdef=on" ;;
	armhf) echo "-M virt,highmem=off -cpu cortex-a15" ;;
	esac
}
console_of() {
	case "$1" in
	amd64) echo ttyS0 ;;
	*) echo ttyAMA0 ;;
	esac
}

# 9p over virtio-pci, in load order; a module missing from a kernel is built in.
modules=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci netfs
	 fscache 9pnet 9pnet_virtio 9p)

# trace-cmd and its shared libraries for one architecture, from Debian's packages.
tc_pkgs=(trace-cmd libtraceevent1 libtraceevent1-plugin libtracefs1 libzstd1 zlib1g libc6
	 libgcc-s1)

# The Debian suites the host's apt sources name for its own release, rewritten to
# suite $1 (main only): one "deb [signed-by=...] URI SUITE main" line per mirror.
host_sources() {
	local want=$1 codename f
	codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || return 1
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		 /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		case "$f" in
		*.sources)	# deb822 stanzas
			awk -v host="$codename" -v want="$want" '
			function flush(  n, u, i) {
				if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " host " ")) {
					n = split(uris, u, " ")
					for (i = 1; i <= n; i++)
						printf "deb %s%s %s main\n",
						       signed != "" ? "[signed-by=" signed "] " : "", u[i], want
				}
				types = uris = suites = signed = ""
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			{ k = tolower($1); $1 = ""; sub(/^ +/, "") }
			k == "types:" { types = $0 } k == "uris:" { uris = $0 }
			k == "suites:" { suites = $0 } k == "signed-by:" { signed = $0 }
			END { flush() }' "$f" ;;
		*)		# one-line format: deb [options] URI SUITE COMPONENTS
			awk -v host="$codename" -v want="$want" '
			$1 == "deb" {
				i = 2; opts = ""
				if ($2 ~ /^\[/) {
					while (i <= NF && $i !~ /\]$/) opts = opts " " $(i++)
					opts = opts " " $(i++); sub(/^ /, "", opts); opts = opts " "
				}
				if ($(i + 1) == host) printf "deb %s%s %s main\n", opts, $i, want
			}' "$f" ;;
		esac
	done | sort -u
}

# apt's options for suite $1: nothing for the host's own ("-"); else a private apt
# state under $cache/apt-SUITE (sources list, lists, cache, an empty dpkg status), made
# and updated once (again with --refresh). The system's sources and lists are not touched.
apt_o=()
apt_for() {
	local suite=$1 d=$cache/apt-$1
	apt_o=()
	[ -z "$suite" ] || [ "$suite" = - ] && return 0
	apt_o=(-o "Dir::Etc::SourceList=$d/sources.list" -o "Dir::Etc::SourceParts=$d/parts"
	       -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache"
	       -o "Dir::State::status=$d/status")
	[ $refresh = 0 ] && [ -f "$d/.complete" ] && return 0
	rm -f "$d/.complete"
	mkdir -p "$d/parts" "$d/lists/partial" "$d/cache/archives/partial" || return 1
	: > "$d/status"
	host_sources "$suite" > "$d/sources.list"
	[ -s "$d/sources.list" ] || { echo "no Debian mirror in the host's apt sources"; return 1; }
	# a mirror mid-sync can fail one index while the others arrived: go on
	# with what came (a missing package then fails its download by name)
	if ! apt-get "${apt_o[@]}" update -q > "$d/update.log" 2>&1; then
		ls "$d/lists/"*Packages* > /dev/null 2>&1 ||
			{ echo "apt-get update for $suite failed, see $d/update.log"; return 1; }
		return 0
	fi
	touch "$d/.complete"
}

# apt-get download into a cache directory; apt's sandbox user cannot write here.
# apt_o (apt_for) selects the suite.
fetch() {
	local dir=$1; shift
	mkdir -p "$dir"
	(cd "$dir" && apt-get "${apt_o[@]}" download -q "$@") >"$dir/download.log" 2>&1
}

# The package the meta-package points at now (kernel ABI changes rename it).
resolve_kernel() {
	local name=$1 arch=$2 meta=$3 f=$cache/$1.pkg pkg
	if [ $refresh = 0 ] && [ -s "$f" ]; then
		cat "$f"
		return 0
	fi
	pkg=$(apt-cache "${apt_o[@]}" depends "$meta:$arch" 2>/dev/null |
	      awk '/^ *Depends: linux-image-/ { sub(/:.*/, "", $2); print $2; exit }')
	if [ -z "$pkg" ]; then
		[ -s "$f" ] && { cat "$f"; return 0; }
		return 1
	fi
	mkdir -p "$cache"
	echo "$pkg" > "$f"
	echo "$pkg"
}

# Unpack vmlinuz and the 9p modules of one kernel package into $cache/<pkg>.
prepare_kernel() {
	local pkg=$1 arch=$2 d=$cache/$1 deb m f i=10
	[ -f "$d/.complete" ] && return 0
	deb=$(ls "$cache/debs-$arch/${pkg}_"*.deb 2>/dev/null | tail -1)
	if [ -z "$deb" ]; then
		fetch "$cache/debs-$arch" "$pkg:$arch" || {
			echo "apt-get download $pkg:$arch failed, see $cache/debs-$arch/download.log"
			return 1; }
		deb=$(ls "$cache/debs-$arch/${pkg}_"*.deb | tail -1)
	fi
	rm -rf "$d" && mkdir -p "$d/x" "$d/modules"
	local pats=('vmlinuz-*' 'config-*')
	for m in "${modules[@]}"; do pats+=("$m.ko*"); done
	# tar complains about the modules built into this kernel: only vmlinuz must be there.
	dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$d/x" --wildcards --no-anchored "${pats[@]}" 2>/dev/null
	[ "${PIPESTATUS[0]}" = 0 ] || { echo "cannot unpack $deb"; return 1; }
	f=$(find "$d/x" -name 'vmlinuz-*' | head -1)
	[ -n "$f" ] || { echo "no vmlinuz in $deb"; return 1; }
	mv "$f" "$d/vmlinuz"
	f=$(find "$d/x" -name 'config-*' | head -1)
	[ -n "$f" ] && mv "$f" "$d/config"
	for m in "${modules[@]}"; do
		f=$(find "$d/x" -path '*/kernel/*' \( -name "$m.ko" -o -name "$m.ko.xz" \
			-o -name "$m.ko.zst" \) | head -1)
		case "$f" in
		"") ;;
		*.xz) xz -dc "$f" > "$d/modules/$i-$m.ko" ;;
		*.zst) zstd -qdc "$f" > "$d/modules/$i-$m.ko" ;;
		*) cp "$f" "$d/modules/$i-$m.ko" ;;
		esac
		i=$((i + 1))
	done
	rm -rf "$d/x"
	touch "$d/.complete"
}

# busybox-static and trace-cmd with the libraries it needs, for one architecture.
prepare_userland() {
	local arch=$1 d=$cache/userland-$arch p missing
	[ -f "$d/.complete" ] && return 0
	rm -rf "$d" && mkdir -p "$d/root"
	fetch "$d/debs" "busybox-static:$arch" "${tc_pkgs[@]/%/:$arch}" || {
		echo "apt-get download of busybox-static/trace-cmd ($arch) failed, see $d/debs/download.log"
		return 1; }
	for p in "$d"/debs/*.deb; do dpkg-deb -x "$p" "$d/root" || return 1; done
	rm -rf "$d/root/usr/share" "$d/root/usr/lib"/*/gconv "$d/root/etc" "$d/root/usr/libexec" \
	       "$d/root/sbin" "$d/root/usr/sbin"
	mv "$d/root/bin/busybox" "$d/busybox"
	rm -rf "$d/root/bin" "$d/debs"
	# Every library the binaries name must be in the tree: trace-cmd would not start.
	missing=$(cd "$d/root" && find . -type f \( -name '*.so*' -o -path ./usr/bin/trace-cmd \) \
		  -exec readelf -d {} \; 2>/dev/null |
		  sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | sort -u |
		  while read -r l; do [ -n "$(find . -name "$l" | head -1)" ] || echo "$l"; done)
	if [ -n "$missing" ]; then
		echo "trace-cmd ($arch) needs libraries not in ${tc_pkgs[*]}: $missing"
		return 1
	fi
	touch "$d/.complete"
}

# The trace-cmd of suite $2 (apt_for) for one architecture, as $cache/tracecmd-SUITE-ARCH/
# trace-cmd-VERSION with its plugins; it must need no library but glibc's, which the
# userland has. Prints the binary's name.
prepare_old_tracecmd() {
	local arch=$1 suite=$2 d=$cache/tracecmd-$2-$1 deb v missing
	if [ ! -f "$d/.complete" ]; then
		rm -rf "$d" && mkdir -p "$d/x"
		fetch "$d/debs" "trace-cmd:$arch" || {
			echo "apt-get download trace-cmd:$arch ($suite) failed, see $d/debs/download.log"
			return 1; }
		deb=$(ls "$d"/debs/trace-cmd_*.deb | tail -1)
		v=$(dpkg-deb -f "$deb" Version) && v=${v%%-*} || return 1
		dpkg-deb -x "$deb" "$d/x" || return 1
		mv "$d/x/usr/bin/trace-cmd" "$d/trace-cmd-$v"
		[ -d "$d/x/usr/lib/trace-cmd/plugins" ] && mv "$d/x/usr/lib/trace-cmd/plugins" "$d/plugins"
		rm -rf "$d/x" "$d/debs"
		missing=$(readelf -d "$d/trace-cmd-$v" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' |
			  while read -r l; do
				  [ -n "$(find "$cache/userland-$arch/root" -name "$l" | head -1)" ] ||
					  echo "$l"
			  done)
		[ -z "$missing" ] || { echo "trace-cmd $v ($arch) needs $missing"; return 1; }
		touch "$d/.complete"
	fi
	basename "$(ls "$d"/trace-cmd-* | tail -1)"
}

# The static ftx for one target triplet, built by this tree's Makefile.
build_ftx() {
	local triplet=$1 host log=$vm/make-$1.log
	host=$(gcc -dumpmachine 2>/dev/null)
	mkdir -p "$vm"
	if [ "$triplet" = "$host" ]; then
		make -C "$top" -j2 static >"$log" 2>&1 && [ -x "$top/build/static/ftx" ] ||
			{ echo "make static failed, see $log"; return 1; }
		echo "$top/build/static/ftx"
	else
		{ "$top/scripts/deps.sh" --build-only --cross "$triplet" &&
		  make -C "$top" -j2 static CROSS_COMPILE="$triplet-"; } >"$log" 2>&1 &&
			[ -x "$top/build/$triplet/static/ftx" ] ||
			{ echo "make static CROSS_COMPILE=$triplet- failed, see $log"; return 1; }
		echo "$top/build/$triplet/static/ftx"
	fi
}

# Assemble the initramfs of one kernel; $5 breaks it on purpose (selftest); $6 is
# the older trace-cmd's directory and $7 its name (prepare_old_tracecmd), if any.
build_initramfs() {
	local name=$1 arch=$2 kdir=$3 ftx=$4 broken=${5:-} otc=${6:-} otcname=${7:-} d=$wd r s
	r=$d/root
	rm -rf "$r" && mkdir -p "$r/bin" "$r/etc/ftx-vm" "$r/scenarios" "$r/lib/ftx-vm-modules"
	cp -a "$cache/userland-$arch/root/." "$r/"
	cp "$cache/userland-$arch/busybox" "$r/bin/busybox"
	cp "$ftx" "$r/bin/ftx"
	cp "$here/guest-init" "$r/init"
	chmod 755 "$r/init" "$r/bin/ftx"
	cp "$kdir"/modules/*.ko "$r/lib/ftx-vm-modules/" 2>/dev/null
	echo "$name" > "$r/etc/ftx-vm/kernel"
	echo "$arch" > "$r/etc/ftx-vm/arch"
	if [ -n "$otc" ]; then
		mkdir -p "$r/usr/bin" "$r/usr/lib/trace-cmd"
		cp "$otc/$otcname" "$r/usr/bin/$otcname"
		[ -d "$otc/plugins" ] && cp -a "$otc/plugins" "$r/usr/lib/trace-cmd/plugins"
		echo "/usr/bin/$otcname" > "$r/etc/ftx-vm/trace-cmd-old"
	fi
	for s in "${scenarios[@]}"; do cp "$here/scenarios/$s.sh" "$r/scenarios/"; done
	case "$broken" in
	panic) rm -f "$r/init" "$r/bin/busybox" ;;
	mount) rm -f "$r"/lib/ftx-vm-modules/*9p* ;;
	hang) printf '#!/bin/busybox sh\nexec /bin/busybox sleep 100000\n' > "$r/init" ;;
	esac
	(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) \
		> "$d/initramfs.gz"
}

# The three slowest scenarios of the last boot by the guest's own clock (each
# result directory's "seconds"), as "fgraph 120s, profile 80s, probe 31s"
slowest() {
	local s
	for s in "${scenarios[@]}"; do
		[ -r "$wd/share/$s/seconds" ] && echo "$(cat "$wd/share/$s/seconds") $s"
	done | sort -rn | head -n 3 | awk '{ printf "%s%s %ss", (NR > 1 ? ", " : ""), $2, $1 }'
}

# Boot one kernel; prints nothing, returns 0 when the guest reached "ftx-vm: done".
# The reason for a failure is left in $d/boot-failure.
boot() {
	local name=$1 arch=$2 kdir=$3 tmo=$4 d=$wd log qemu rc
	log=$d/console.log
	rm -rf "$d/share" && mkdir -p "$d/share"
	qemu=$(qemu_of "$arch")
	# shellcheck disable=SC2046
	timeout -k 10 "$tmo" "$qemu" $(qemu_args "$arch") ${FTX_VM_QEMU_ARGS:-} -smp 2 -m 1024 \
		-kernel "$kdir/vmlinuz" -initrd "$d/initramfs.gz" \
		-append "console=$(console_of "$arch") panic=-1 loglevel=4 ${FTX_VM_APPEND:-}" \
		-fsdev local,id=results,path="$d/share",security_model=none \
		-device virtio-9p-pci,fsdev=results,mount_tag=results \
		-nic none -display none -monitor none -serial file:"$log" -no-reboot \
		</dev/null >"$d/qemu.log" 2>&1
	rc=$?
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		echo "timeout (${tmo}s)" > "$d/boot-failure"
	elif grep -q 'Kernel panic' "$log"; then
		grep -m1 'Kernel panic' "$log" | tr -d '\r' > "$d/boot-failure"
	elif grep -q '^ftx-vm: FAIL:' "$log"; then
		grep -m1 '^ftx-vm: FAIL:' "$log" | tr -d '\r' | sed 's/^ftx-vm: FAIL: //' \
			> "$d/boot-failure"
	elif [ $rc != 0 ]; then
		echo "qemu exited $rc: $(tail -n 3 "$d/qemu.log" | tr '\n' ' ')" > "$d/boot-failure"
	elif ! grep -q '^ftx-vm: done' "$log"; then
		echo "guest stopped before 'ftx-vm: done'" > "$d/boot-failure"
	elif grep -qE '(Oops|BUG:|Unable to handle kernel)' "$log"; then
		grep -m1 -E '(Oops|BUG:|Unable to handle kernel)' "$log" | tr -d '\r' \
			> "$d/boot-failure"
	else
		rm -f "$d/boot-failure"
		return 0
	fi
	return 1
}

show_console() {
	echo "    console log: $1"
	[ -s "$1" ] || echo "    (empty: the kernel printed nothing at loglevel 4)"
	tr -d '\r' < "$1" | tail -n 40 | sed 's/^/    | /'
}

# Judge one scenario of one kernel from what the guest left on the share.
judge() {
	local name=$1 arch=$2 s=$3 out=$wd/share/$3 rc crc cout
	if [ ! -f "$out/rc" ]; then
		say_fail "$name $s: the guest left no result"
		return
	fi
	rc=$(cat "$out/rc")
	if [ -f "$out/timedout" ]; then
		say_fail "$name $s: $(cat "$out/timedout") in the guest (log: $out/log)"
		tail -n 20 "$out/log" 2>/dev/null | sed 's/^/    /'
		return
	elif [ "$rc" = 77 ]; then
		say_skip "$name $s: $(cat "$out/skip" 2>/dev/null || echo 'skipped by the scenario')"
		return
	elif [ "$rc" != 0 ]; then
		say_fail "$name $s: guest exit $rc (log: $out/log)"
		tail -n 20 "$out/log" 2>/dev/null | sed 's/^/    /'
		return
	fi
	if [ -f "$here/scenarios/$s.check" ]; then
		cout=$(cd "$out" && FTX_VM_KERNEL=$name FTX_VM_ARCH=$arch \
		       TRACE_CMD=${TRACE_CMD:-trace-cmd} bash "$here/scenarios/$s.check" 2>&1)
		crc=$?
		printf '%s\n' "$cout" > "$out/check.log"
		if [ $crc = 77 ]; then
			say_skip "$name $s: $(printf '%s\n' "$cout" | tail -n 1)"
			return
		elif [ $crc != 0 ]; then
			say_fail "$name $s: host check exit $crc (in $out)"
			printf '%s\n' "$cout" | tail -n 20 | sed 's/^/    /'
			return
		fi
	fi
	say_pass "$name $s"
	printf '%s\n' "${cout:-}" | grep '^note:' | sed 's/^/    /' | tee -a "$results"
}

# One kernel end to end. $1 name, then the fields of tests/vm/kernels, then the
# selftest breakage (empty for a real run). Prints its own PASS/FAIL/SKIP lines.
run_kernel() {
	local name=$1 arch=$2 meta=$3 triplet=$4 tmo=$5 suite=${6:--} broken=${7:-} pkg kdir ftx
	local err s t otc= otcname=
	local t0=$SECONDS
	wd=$vm/$name${broken:+.broken-$broken}$wdtag
	mkdir -p "$wd" && results=$wd/results && : > "$results"
	command -v "$(qemu_of "$arch")" >/dev/null ||
		{ kernel_cannot "$name" "$(qemu_of "$arch") not installed (scripts/deps.sh --vm)"; return; }
	if [ "$arch" != amd64 ] && ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
		kernel_cannot "$name" "dpkg architecture $arch not enabled (scripts/deps.sh --vm)"
		return
	fi
	if [ "$triplet" != "$(gcc -dumpmachine)" ] && ! command -v "$triplet-gcc" >/dev/null; then
		kernel_cannot "$name" "$triplet-gcc not installed (scripts/deps.sh --vm)"
		return
	fi
	err=$(apt_for "$suite") || { kernel_cannot "$name" "$err"; return; }
	apt_for "$suite"
	pkg=$(resolve_kernel "$name" "$arch" "$meta") ||
		{ kernel_cannot "$name" "apt-cache does not know $meta:$arch (apt-get update?)"; return; }
	err=$(prepare_kernel "$pkg" "$arch") || { say_fail "$name: $err"; return; }
	kdir=$cache/$pkg
	# busybox and the reference trace-cmd are always the host release's
	apt_for -
	err=$(prepare_userland "$arch") || { say_fail "$name: $err"; return; }
	if [ "$suite" != - ]; then
		apt_for "$suite"
		otcname=$(prepare_old_tracecmd "$arch" "$suite") ||
			{ say_fail "$name: $otcname"; return; }
		otc=$cache/tracecmd-$suite-$arch
		apt_for -
	fi
	if [ $download_only = 1 ]; then
		say_pass "$name: $pkg fetched (--download-only)"
		return
	fi
	ftx=$(build_ftx "$triplet") || {
		say_fail "$name: $ftx"
		grep -m 5 -E 'error|Error' "$vm/make-$triplet.log" | sed 's/^/    /'
		return; }
	build_initramfs "$name" "$arch" "$kdir" "$ftx" "$broken" "$otc" "$otcname" ||
		{ say_fail "$name: cannot build the initramfs"; return; }
	if [ $fetch_only = 1 ]; then
		say_pass "$name: $pkg fetched, initramfs built (--fetch-only)"
		return
	fi
	# The table's timeout is for booting; each scenario brings its own.
	for s in "${scenarios[@]}"; do
		t=$(sed -n 's/^# vm-timeout: *\([0-9]*\).*/\1/p' "$here/scenarios/$s.sh")
		tmo=$((tmo + ${t:-300}))
	done
	[ "$broken" = hang ] && tmo=20
	if ! boot "$name" "$arch" "$kdir" "$tmo"; then
		say_fail "$name ($pkg): $(cat "$wd/boot-failure") after $((SECONDS - t0))s"
		show_console "$wd/console.log"
		return
	fi
	echo "  vm $name: $pkg booted, scenarios ran in $((SECONDS - t0))s (slowest: $(slowest))"
	for s in "${scenarios[@]}"; do judge "$name" "$arch" "$s"; done
}

scenarios=()
wdtag=
for f in "$here"/scenarios/*.sh; do
	[ -e "$f" ] || continue
	s=$(basename "$f" .sh)
	if [ ${#only_scenarios[@]} -gt 0 ] && [[ " ${only_scenarios[*]} " != *" $s "* ]]; then
		continue
	fi
	if grep -qx '# vm-bench' "$f"; then
		[ ${#only_scenarios[@]} -gt 0 ] || continue
		wdtag=.bench
	fi
	scenarios+=("$s")
done

selftest_line=$(grep -v '^#' "$here/kernels" | awk '$1 == "amd64-6.1"')
if [ -n "$selftest" ]; then
	# shellcheck disable=SC2086
	run_kernel $selftest_line "$selftest"
	summary
fi

# The harness must fail loudly, console log shown, when the guest is broken: a run
# that cannot fail proves nothing. $1 breakage, $2 what the failure line must say.
selftest_expect() {
	local out
	# shellcheck disable=SC2086
	out=$(pass=0 fail=0 skip=0; run_kernel $selftest_line "$1"; echo "fail=$fail")
	case "$out" in
	*SKIP:*) say_skip "selftest-$1: $(printf '%s\n' "$out" | grep -m1 SKIP:)" ;;
	*"FAIL: vm amd64-6.1"*"$2"*"console log:"*fail=1)
		say_pass "selftest-$1: a broken guest fails ($2)" ;;
	*)
		say_fail "selftest-$1: a broken guest was not caught:"
		printf '%s\n' "$out" | sed 's/^/    /' | tail -n 20 ;;
	esac
}

[ ${#scenarios[@]} -gt 0 ] || cannot "no scenarios in $here/scenarios"
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "tests/vm/run.sh: --jobs wants a number" >&2; exit 2; }
selected=()
while read -r name arch meta triplet tmo suite <&3; do
	case "$name" in ''|'#'*) continue ;; esac
	if [ ${#only_kernels[@]} -gt 0 ] && [[ " ${only_kernels[*]} " != *" $name "* ]]; then
		continue
	fi
	selected+=("$name $arch $meta $triplet $tmo ${suite:--}")
done 3< "$here/kernels"

# Parallel guests only boot: fetching, cross builds and initramfs first, one at a
# time (a failure here is reported again by the kernel's own run below).
if [ "$jobs" -gt 1 ] && [ $fetch_only = 0 ]; then
	for k in "${selected[@]}"; do
		# shellcheck disable=SC2086
		(fetch_only=1; run_kernel $k) > /dev/null 2>&1
	done
fi
# Run the x86 kernels of $batch at once; their output in order, their counts added.
batch=()
run_batch() {
	local k i=0 n
	for k in "${batch[@]}"; do
		# shellcheck disable=SC2086
		(run_kernel $k) > "$vm/job-$i.out" 2>&1 &
		i=$((i + 1))
	done
	wait
	for ((n = 0; n < i; n++)); do
		cat "$vm/job-$n.out"
		pass=$((pass + $(grep -c '^PASS: vm' "$vm/job-$n.out")))
		fail=$((fail + $(grep -c '^FAIL: vm' "$vm/job-$n.out")))
		skip=$((skip + $(grep -c '^SKIP: vm' "$vm/job-$n.out")))
		rm -f "$vm/job-$n.out"
	done
	batch=()
}
for k in "${selected[@]}"; do
	# shellcheck disable=SC2086
	set -- $k
	if [ "$jobs" -gt 1 ] && [ $fetch_only = 0 ] && [ "$2" = amd64 ]; then
		batch+=("$k")
		[ ${#batch[@]} -lt "$jobs" ] || run_batch
	else
		# shellcheck disable=SC2086
		run_kernel $k
	fi
done
[ ${#batch[@]} = 0 ] || run_batch
if [ ${#only_scenarios[@]} = 0 ] && [ $fetch_only = 0 ] &&
   { [ ${#only_kernels[@]} = 0 ] || [[ " ${only_kernels[*]} " = *" amd64-6.1 "* ]]; }; then
	selftest_expect panic "Kernel panic"
	selftest_expect hang "timeout (20s)"
fi
summary
