#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A new user's first commands on a fresh Debian 12: a minimal bookworm made
# with debootstrap from the Debian mirror apt uses here, /proc /sys /dev bound
# in, a fresh clone of this repository's HEAD inside, then the README's quick
# start exactly: 'make demo', then 'make check'. Everything runs in a private
# mount namespace, so no mount outlives the script whatever happens.
#
# usage: flock /tmp/ftx-vm.lock flock /tmp/ftx-tracefs.lock scripts/fresh-machine.sh [options]
#   --root DIR     where the chroot goes (default /var/tmp/ftx-fresh/root; wiped first)
#   --base DIR     reuse a debootstrap result (copied, never changed); default: make one
#   --only GOALS   the make goals to run (default "demo check")
#   --keep         leave the chroot's files (never its mounts) for inspection
# Needs root and debootstrap (apt-get install debootstrap). The make goals touch
# the host's tracefs and boot the VM test bed: hold both locks (above).
# The host's downloaded .debs (/var/cache/apt/archives) seed the chroot's
# download cache; the chroot installs every package itself.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
root=/var/tmp/ftx-fresh/root
base=
goals="demo check"
keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	--root) root=$2; shift ;;
	--base) base=$2; shift ;;
	--only) goals=$2; shift ;;
	--keep) keep=1 ;;
	*) echo "fresh-machine.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || { echo "fresh-machine.sh: needs root (debootstrap, chroot)" >&2; exit 1; }
case "$root" in /|/usr|/var|/tmp|"") echo "fresh-machine.sh: refusing --root $root" >&2; exit 2 ;; esac

# Debian's mirror as apt here knows it: deb822 "URIs:" or one-line "deb URL bookworm".
sources() { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true; }
mirror=$(sources | awk '
	/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }
	/^deb / { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }')
security=$(sources | awk '
	/^URIs:/ || /^deb / { for (i = 2; i <= NF; i++) if ($i ~ /\/debian-security\/?$/) { print $i; exit } }')
[ -n "$mirror" ] || { echo "fresh-machine.sh: no Debian mirror in /etc/apt/sources.list*" >&2; exit 1; }
echo "fresh-machine: mirror $mirror${security:+, security $security}"

rm -rf "$root"
mkdir -p "$root"
if [ -n "$base" ]; then
	echo "fresh-machine: copying the debootstrap result $base"
	cp -a "$base/." "$root/"
else
	command -v debootstrap >/dev/null ||
		{ echo "fresh-machine.sh: needs debootstrap (apt-get install debootstrap)" >&2; exit 1; }
	echo "fresh-machine: debootstrap --variant=minbase bookworm $root $mirror"
	debootstrap --variant=minbase bookworm "$root" "$mirror" > "$root.debootstrap.log" 2>&1 ||
		{ tail -n 20 "$root.debootstrap.log" >&2; exit 1; }
fi
{
	echo "deb $mirror bookworm main"
	echo "deb $mirror bookworm-updates main"
	[ -z "$security" ] || echo "deb $security bookworm-security main"
} > "$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

# This workplace's network layer, which any machine of it has and Debian does not
# install: a TLS-intercepting egress proxy's CA (apt's mirror is plain http, npm's
# registry is https). Its certificates go where ca-certificates' postinst picks
# them up (the chroot's own apt-get install of ca-certificates adds them), npm's
# global config names the bundle, and Node gets it as on the host. Nothing of the
# project is copied: on a machine without such a proxy there is nothing to copy.
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
	mkdir -p "$root/usr/local/share/ca-certificates"
	cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
	echo "fresh-machine: the workplace's CA certificates: $(cd /usr/local/share/ca-certificates && echo *.crt)"
fi
[ ! -f /etc/npmrc ] || cp /etc/npmrc "$root/etc/npmrc"

# The clone's source: this repository's committed HEAD, as a bundle.
git -C "$top" bundle create "$root/ftx.bundle" HEAD >/dev/null 2>&1
echo "fresh-machine: cloning $(git -C "$top" rev-parse --short HEAD) inside"

# What a new user types, in order: the tools to get the code, the clone, the README.
cat > "$root/fresh-user.sh" <<EOF
#!/bin/sh
set -e
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
${NODE_EXTRA_CA_CERTS:+export NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS}
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends git make ca-certificates >/dev/null
cd /root && rm -rf ftx && git -c advice.detachedHead=false clone -q /ftx.bundle ftx && cd ftx
for g in $goals; do
	echo "fresh-machine: make \$g"
	start=\$(date +%s)
	make \$g
	echo "fresh-machine: make \$g ok (\$((\$(date +%s) - start)) s)"
done
EOF
chmod 755 "$root/fresh-user.sh"

# The host's downloads as the chroot's download cache (hard links, or copies):
# apt verifies each against its index and installs every package itself.
mkdir -p "$root/var/cache/apt/archives"
for d in /var/cache/apt/archives/*.deb; do
	[ -e "$d" ] || continue
	ln "$d" "$root/var/cache/apt/archives/" 2>/dev/null || cp "$d" "$root/var/cache/apt/archives/"
done

# Stopped early: nothing may keep running in the chroot (its processes hold the
# namespace, and with it the binds, alive).
kill_chroot() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -KILL "${p#/proc/}" 2>/dev/null
	done
	return 0
}
trap 'kill_chroot; [ "$keep" = 1 ] || rm -rf "$root"; exit 143' TERM INT HUP

# A private mount namespace: the binds vanish with it.
rc=0
unshare --mount --propagation private /bin/sh -ec '
	root=$1
	mount --rbind /proc "$root/proc"
	mount --rbind /sys "$root/sys"
	mount --rbind /dev "$root/dev"
	exec chroot "$root" /fresh-user.sh
' fresh "$root" &
wait $! || rc=$?

# Nothing may stay mounted (the namespace is gone; check anyway).
if grep -q " $root/" /proc/self/mountinfo; then
	echo "fresh-machine: mounts left under $root:" >&2
	grep " $root/" /proc/self/mountinfo >&2
	rc=1
fi
[ "$keep" = 1 ] || rm -rf "$root"
if [ $rc -ne 0 ]; then
	echo "fresh-machine: FAILED (exit $rc)" >&2
	exit $rc
fi
echo "fresh-machine: ok: make $goals on a fresh Debian 12"
