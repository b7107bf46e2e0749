#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what ftx needs to build and test, and build libperf from the
# kernel tree in Debian's linux-source-6.1 package into build/libperf.
# Idempotent; silent when everything is already present.
#
# usage: scripts/deps.sh [--build-only] [--vm] [--cross TRIPLET]
#   --build-only  only what compiling needs (no trace-cmd)
#   --vm          also the packages the qemu test bed needs: qemu, the Debian cross
#                 compilers, and a sysroot per cross target (as --cross)
#   --cross T     the cross compiler for T (aarch64-linux-gnu, arm-linux-gnueabihf) and
#                 build/T/sysroot: the target's -dev packages (static .a + .pc), fetched
#                 with apt-get download and unpacked, so no multiarch install is needed
# With CROSS_COMPILE=T- set (the Makefile does), libperf is cross-built into BUILD/libperf.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
want_vm=0
build_only=0
cross=()
while [ $# -gt 0 ]; do
	case "$1" in
	--vm) want_vm=1 ;;
	--build-only) build_only=1 ;;
	--cross) [ $# -ge 2 ] || { echo "deps.sh: --cross needs a triplet" >&2; exit 2; }
		 cross+=("$2"); shift ;;
	*) echo "deps.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
# The cross targets the VM test bed boots (armhf is the first 32-bit kernel).
[ "$want_vm" = 1 ] && cross+=(aarch64-linux-gnu arm-linux-gnueabihf)

# Debian architecture and kernel ARCH of a GNU triplet.
deb_arch() {
	case "$1" in
	x86_64-linux-gnu) echo amd64 ;;
	aarch64-linux-gnu) echo arm64 ;;
	arm-linux-gnueabihf) echo armhf ;;
	*) return 1 ;;
	esac
}
kernel_arch() {
	case "$1" in
	x86_64*) echo x86 ;;
	aarch64*) echo arm64 ;;
	arm*) echo arm ;;
	*) return 1 ;;
	esac
}

pkgs=(gcc make pkg-config libtracefs-dev libtraceevent-dev check libelf-dev
      libzstd-dev zlib1g-dev xz-utils linux-source-6.1)
# the probe tests build USDT programs with gcc and with clang + lld
[ "$build_only" = 1 ] || pkgs+=(systemtap-sdt-dev clang lld)
[ "$build_only" = 1 ] || pkgs+=(trace-cmd linux-perf)
# the flame graph tests check the SVG with xmllint, and open it in Chromium (tests/browser)
[ "$build_only" = 1 ] || pkgs+=(libxml2-utils chromium)
# npm for puppeteer-core: Debian's, unless a Node.js with its own npm is there
# already (NodeSource's nodejs bundles npm and conflicts with Debian's npm package)
[ "$build_only" = 1 ] || command -v npm > /dev/null || pkgs+=(nodejs npm)
[ "$build_only" = 1 ] || pkgs+=(kernelshark xvfb x11-apps)	# tests/clients
# make check-mem (valgrind) and check-asan (clang's ASan+UBSan runtime, and llvm's
# llvm-symbolizer: without it the reports' stacks are bare addresses, so no
# suppression in tests/lsan.supp matches and libtraceevent's own leaks fail it)
[ "$build_only" = 1 ] || pkgs+=(valgrind libclang-rt-14-dev llvm)
# python3: the VM checks parse 'ftx check --json', and so does scripts/vm-matrix.sh
[ "$want_vm" = 1 ] && pkgs+=(qemu-system-x86 qemu-system-arm busybox-static cpio
			     dpkg-dev xz-utils file zstd python3)
for t in "${cross[@]}"; do
	deb_arch "$t" >/dev/null || { echo "deps.sh: unknown cross target $t" >&2; exit 2; }
	pkgs+=("gcc-$t" "libc6-dev-$(deb_arch "$t")-cross")
done

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "deps.sh: missing packages: ${missing[*]}" >&2
		echo "deps.sh: run as root, or: sudo apt-get install ${missing[*]}" >&2
		exit 1
	fi
	echo "deps.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# A fresh machine may have no (or stale) package lists: update and retry once.
	if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
		# A mirror mid-sync can fail one index ("File has unexpected size")
		# while the rest updated: what counts is whether the install works.
		apt-get update -q >/dev/null ||
			echo "deps.sh: apt-get update reported errors (above); installing anyway" >&2
		apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
	fi
fi

# A target's libraries for static linking, unpacked from its .debs. apt-get download
# needs the architecture known to dpkg and its package lists.
sysroot_pkgs=(libtracefs-dev libtraceevent-dev libzstd-dev zlib1g-dev libelf-dev check libsubunit-dev)
for t in "${cross[@]}"; do
	a=$(deb_arch "$t")
	sr=$top/build/$t/sysroot
	[ -f "$sr/.complete" ] && continue
	if ! dpkg --print-foreign-architectures | grep -qx "$a"; then
		echo "deps.sh: adding dpkg architecture $a"
		dpkg --add-architecture "$a"
		# A mirror caught mid-sync fails one index; the others are still usable.
		apt-get update -q >/dev/null 2>&1 || true
	fi
	echo "deps.sh: unpacking ${sysroot_pkgs[*]} ($a) into $sr"
	rm -rf "$sr" && mkdir -p "$sr/debs"
	(cd "$sr/debs" && apt-get download -q "${sysroot_pkgs[@]/%/:$a}" >/dev/null 2>&1) || {
		echo "deps.sh: apt-get download of ${sysroot_pkgs[*]} for $a failed" >&2; exit 1; }
	for d in "$sr"/debs/*.deb; do dpkg-deb -x "$d" "$sr"; done
	rm -rf "$sr/debs" "$sr/usr/share/doc" "$sr/usr/share/man"
	# The .so links point at the target's /usr/lib, absent here: link the .a files.
	find "$sr" -name '*.so' -type l -delete
	touch "$sr/.complete"
done

# libperf from the kernel's tools/lib/perf (Debian has no libperf package).
lp=$build/libperf
if [ ! -f "$lp/lib/libperf.a" ] || [ ! -f "$lp/lib/libapi.a" ]; then
	src=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -1)
	if [ -z "$src" ]; then
		echo "deps.sh: /usr/src/linux-source-6.1.tar.* not found (apt-get install linux-source-6.1)" >&2
		exit 1
	fi
	echo "deps.sh: building libperf from $src"
	tmp=$build/libperf-src
	rm -rf "$tmp" "$lp"
	mkdir -p "$tmp" "$lp"
	tar -xf "$src" -C "$tmp" --strip-components=1 linux-source-6.1/tools
	cc=${CROSS_COMPILE:-}gcc
	karch=()
	if [ -n "${CROSS_COMPILE:-}" ]; then
		ka=$(kernel_arch "$(basename "$CROSS_COMPILE")") || {
			echo "deps.sh: unknown CROSS_COMPILE=$CROSS_COMPILE" >&2; exit 1; }
		karch=(ARCH="$ka" CROSS_COMPILE="$CROSS_COMPILE")
	fi
	# libperf's own build; 'install' wants asciidoc for docs, so install parts.
	make -s -C "$tmp/tools/lib/perf" CC="$cc" "${karch[@]}" prefix="$lp" libdir_relative=lib \
		install_lib install_headers install_pkgconfig >"$build/libperf.log" 2>&1 || {
		echo "deps.sh: libperf build failed, see $build/libperf.log" >&2; exit 1; }
	make -s -C "$tmp/tools/lib/api" CC="$cc" "${karch[@]}" >>"$build/libperf.log" 2>&1 || {
		echo "deps.sh: libapi build failed, see $build/libperf.log" >&2; exit 1; }
	[ -d "$lp/lib" ] || mv "$lp/lib64" "$lp/lib"
	cp "$tmp/tools/lib/api/libapi.a" "$lp/lib/"
	rm -rf "$tmp"
fi
exit 0
