#!/bin/sh
# SPDX-License-Identifier: MIT
#
# make deps: install the Debian packages that building and testing cardsnoop
# need, when any is missing.  Quick (one dpkg-query) when all are present.
# As root it runs apt-get; otherwise it prints the command and fails.
set -eu

PACKAGES="
build-essential
gcc-multilib
pkg-config
kmod
cpio
xz-utils
busybox-static
qemu-system-x86
linux-image-6.12-amd64
linux-headers-6.12-amd64
libdrm-dev
libpciaccess-dev
libelf-dev
zlib1g-dev
check
libsubunit-dev
valgrind
gdb
python3
xxd
bsdextrautils
man-db
"
# Extra packages a target asks for (e.g. make check-amdgpu: linux-source-6.12).
PACKAGES="$PACKAGES ${EXTRA_DEPS:-}"

installed=" $(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' $PACKAGES 2>/dev/null |
	awk '$1 == "ii" { printf "%s ", $2 }')"
missing=
for p in $PACKAGES; do
	case "$installed" in
	*" $p "*) ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	echo "deps: all $(printf '%s\n' $PACKAGES | wc -l) packages present"
	exit 0
fi

missing=${missing# }
cmd="apt-get install -y --no-install-recommends $missing"
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages: $missing" >&2
	echo "deps: run as root: apt-get update && $cmd" >&2
	exit 1
fi
echo "deps: installing $missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
