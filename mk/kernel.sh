#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Pick the kernel that cardsnoop's modules are built against and that the
# test VM boots.  Prints shell assignments KVER=, KDIR=, VM_KERNEL=,
# VM_KMODS= (empty when the kernel has what we need built in).
#
# Default: the newest installed Debian 6.12 kernel that has both its image
# (/boot/vmlinuz-*) and its headers (/lib/modules/*/build).  KDIR= and
# VM_KERNEL= in the environment override; never the running kernel unless it
# is what this rule finds.
set -eu

kver_of_kdir() {
	if [ -f "$1/include/config/kernel.release" ]; then
		cat "$1/include/config/kernel.release"
	else
		basename "$(dirname "$(readlink -f "$1")")"
	fi
}

if [ -n "${KDIR:-}" ]; then
	KVER=$(kver_of_kdir "$KDIR")
else
	KVER=
	for img in $(ls /boot/vmlinuz-6.12* 2>/dev/null | sort -rV); do
		v=${img#/boot/vmlinuz-}
		if [ -f "/lib/modules/$v/build/Makefile" ]; then
			KVER=$v
			break
		fi
	done
	if [ -z "$KVER" ]; then
		echo "KVER="
		echo "KDIR="
		echo "VM_KERNEL="
		echo "VM_KMODS="
		exit 0
	fi
	KDIR=/lib/modules/$KVER/build
fi

if [ -z "${VM_KERNEL:-}" ]; then
	VM_KERNEL=/boot/vmlinuz-$KVER
fi
if [ -z "${VM_KMODS+set}" ]; then
	if [ -f "/lib/modules/$KVER/modules.dep" ]; then
		VM_KMODS=/lib/modules/$KVER
	else
		VM_KMODS=
	fi
fi
echo "KVER=$KVER"
echo "KDIR=$KDIR"
echo "VM_KERNEL=$VM_KERNEL"
echo "VM_KMODS=$VM_KMODS"
