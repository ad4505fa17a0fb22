#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh [--quick] DRIVER: make check-amdgpu / make check-xe.
#
# Builds the series of DRIVER (series.sh) on Debian's linux-source-6.12
# and checks it, since it cannot run here (no AMD or Intel GPU):
#
#  1. the core and DRIVER's module, with the configuration of the
#     installed Debian 6.12 kernel plus DRM_CARDSNOOP=m and the driver's
#     cardsnoop option, then modpost against Debian's Module.symvers (no
#     unresolved symbols);
#     --quick: only the object files the series adds or changes;
#  2. the objects the series adds again with W=1 (kernel-doc included);
#  3. sparse (C=2) on every object the series adds or changes;
#  4. checkpatch.pl --strict on every patch;
#  5. the objects the series changes, with DRM_CARDSNOOP off (the stubs).
#
# Compiler, W=1 and sparse diagnostics count only where they point at
# code the series added (filter.py); checkpatch items only when
# checkpatch-allow does not justify them.  Logs and a summary go to
# build/amdgpu/check-DRIVER/.  The tree and objects under build/amdgpu/
# are kept between runs: an unchanged series rebuilds nothing.
set -uo pipefail

QUICK=
if [ "${1:-}" = --quick ]; then
	QUICK=1
	shift
fi
DRIVER=${1:-amdgpu}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
B=${CARDSNOOP_KBUILD:-$TOP/build/amdgpu}
SRC=$B/src-$DRIVER
OBJ=$B/obj-$DRIVER
LOG=$B/check-$DRIVER
JOBS=${JOBS:-$(nproc)}
CHECKPATCH=${CHECKPATCH:-$TOP/../shared/tools/checkpatch/checkpatch.pl}
[ -r "$CHECKPATCH" ] || CHECKPATCH=$SRC/scripts/checkpatch.pl

case $DRIVER in
amdgpu)
	DIR=drivers/gpu/drm/amd/amdgpu
	KO=$DIR/amdgpu.ko
	OPT=DRM_AMDGPU_CARDSNOOP
	# amdgv_sriovmsg.h has a _Static_assert (under #ifdef __linux__) that
	# sparse evaluates wrongly; after that error sparse reports nothing
	# else in the file.  Without __linux__ it skips the assertion.
	SPARSE_CF=-U__linux__
	;;
xe)
	DIR=drivers/gpu/drm/xe
	KO=$DIR/xe.ko
	OPT=DRM_XE_CARDSNOOP
	SPARSE_CF=
	;;
*)
	echo "check.sh: unknown driver '$DRIVER' (amdgpu, xe)" >&2
	exit 2
	;;
esac
CORE=drivers/gpu/drm/cardsnoop

T0=$(date +%s)
TS=$T0
mkdir -p "$LOG"
rm -f "$LOG"/*.log "$LOG"/summary.txt
summary() { echo "$*" | tee -a "$LOG/summary.txt"; }
step() {
	local now
	now=$(date +%s)
	summary "check-$DRIVER: $1 ($((now - TS)) s)"
	TS=$now
}
fail=0

# The Debian 6.12 kernel the configuration and symbols come from.
KVER=${KVER:-$(cd /lib/modules 2>/dev/null && ls -d 6.12.*-amd64 2>/dev/null | sort -V | tail -1)}
HDRS=/usr/src/linux-headers-$KVER
CONFIG=/boot/config-$KVER
[ -r "$CONFIG" ] || CONFIG=$HDRS/.config
if [ -z "$KVER" ] || [ ! -r "$CONFIG" ] || [ ! -r "$HDRS/Module.symvers" ]; then
	echo "check.sh: no Debian 6.12 kernel configuration and headers: run make deps" >&2
	exit 1
fi
command -v sparse >/dev/null || { echo "check.sh: sparse missing: run make deps" >&2; exit 1; }

# 1. The series, and the build tree at its head.
"$HERE/series.sh" "$DRIVER" > "$LOG/series.log" 2>&1 || {
	cat "$LOG/series.log"
	exit 1
}
SERIES=$B/series-$DRIVER
BASE=refs/tags/base
step "series of $(ls "$SERIES"/0*.patch | grep -vc cover-letter) patches in ${SERIES#"$TOP"/}"

# 2. Configuration: Debian's, without module signing and debug info
# (faster, and not what is checked), plus cardsnoop.
mkdir -p "$OBJ"
if ! cmp -s "$CONFIG" "$OBJ/.config.debian"; then
	cp "$CONFIG" "$OBJ/.config.debian"
	cp "$CONFIG" "$OBJ/.config"
fi
"$SRC/scripts/config" --file "$OBJ/.config" \
	-d MODULE_SIG_ALL -e DEBUG_INFO_NONE -d DEBUG_INFO_DWARF5 \
	-d DEBUG_INFO_DWARF4 -d DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
	-d DEBUG_INFO_BTF --set-str SYSTEM_TRUSTED_KEYS "" \
	--set-str SYSTEM_REVOCATION_KEYS "" --set-str MODULE_SIG_KEY "" \
	-m DRM_CARDSNOOP -e "$OPT"
KMAKE=(make -s -C "$SRC" O="$OBJ" -j"$JOBS")
"${KMAKE[@]}" olddefconfig > "$LOG/config.log" 2>&1 || { cat "$LOG/config.log"; exit 1; }
for o in DRM_CARDSNOOP=m "$OPT"=y; do
	grep -qx "CONFIG_$o" "$OBJ/.config" || {
		echo "check.sh: CONFIG_$o did not stick (see $OBJ/.config)" >&2
		exit 1
	}
done
cp "$HDRS/Module.symvers" "$OBJ/debian.symvers"
"${KMAKE[@]}" modules_prepare > "$LOG/prepare.log" 2>&1 || { cat "$LOG/prepare.log"; exit 1; }
step "Debian $KVER configuration + DRM_CARDSNOOP=m + $OPT=y"

# What the series adds and changes, as object files.
new_c=$(git -C "$SRC" diff --name-only --diff-filter=A "$BASE" HEAD -- '*.c')
mod_c=$(git -C "$SRC" diff --name-only --diff-filter=M "$BASE" HEAD -- '*.c')
new_o=$(for f in $new_c; do echo "${f%.c}.o"; done)
mod_o=$(for f in $mod_c; do echo "${f%.c}.o"; done)

# 3. Build.
if [ -n "$QUICK" ]; then
	# shellcheck disable=SC2086
	"${KMAKE[@]}" $new_o $mod_o > "$LOG/build.log" 2>&1
	rc=$?
	what="$(echo $new_o $mod_o | wc -w) objects of the series (--quick)"
else
	# modpost cannot read Debian's symbols during an in-tree build without
	# vmlinux: let it warn, then run it again below with them.
	"${KMAKE[@]}" KBUILD_MODPOST_WARN=1 "$CORE/cardsnoop.ko" "$KO" \
		> "$LOG/build.log" 2>&1
	rc=$?
	what="$CORE/cardsnoop.ko and $KO"
fi
if [ $rc -ne 0 ]; then
	grep -E "error|Error" "$LOG/build.log" | head -40
	summary "check-$DRIVER: FAIL: build of $what (see ${LOG#"$TOP"/}/build.log)"
	exit 1
fi
step "built $what"

if [ -z "$QUICK" ]; then
	# The single-module build removes its modules.order: write ours.
	printf '%s\n' "$CORE/cardsnoop.o" "${KO%.ko}.o" > "$LOG/modules.order"
	(cd "$OBJ" && ./scripts/mod/modpost -M -m -E -i debian.symvers \
		-T "$LOG/modules.order" -o "$LOG/check.symvers") \
		> "$LOG/modpost.log" 2>&1
	if [ $? -ne 0 ] || grep -q . "$LOG/modpost.log"; then
		cat "$LOG/modpost.log"
		summary "check-$DRIVER: FAIL: modpost against Debian's Module.symvers"
		fail=1
	else
		step "modpost: every symbol resolves against Debian $KVER's and the core's"
	fi
fi

# 4. W=1 on what the series adds (existing amdgpu files have W=1
# warnings of their own), kernel-doc on the headers it adds, sparse on
# all it adds or changes.
# shellcheck disable=SC2086
"${KMAKE[@]}" W=1 $new_o > "$LOG/w1.log" 2>&1 || fail=1
new_h=$(git -C "$SRC" diff --name-only --diff-filter=A "$BASE" HEAD -- '*.h')
for h in $new_h; do
	(cd "$SRC" && scripts/kernel-doc -none -Wall "$h") >> "$LOG/w1.log" 2>&1
done
step "W=1 (with kernel-doc) on $(echo $new_o | wc -w) new objects, kernel-doc on $(echo $new_h | wc -w) new headers"
# shellcheck disable=SC2086
"${KMAKE[@]}" C=2 CF="$SPARSE_CF" $new_o $mod_o > "$LOG/sparse.log" 2>&1 || fail=1
step "sparse on $(echo $new_o $mod_o | wc -w) new and changed objects"

python3 "$HERE/filter.py" "$SRC" "$BASE" "$LOG/build.log" "$LOG/w1.log" \
	"$LOG/sparse.log" > "$LOG/diagnostics.txt"
[ $? -eq 0 ] || fail=1
summary "check-$DRIVER: $(tail -1 "$LOG/diagnostics.txt")"
sed '$d' "$LOG/diagnostics.txt" | tee -a "$LOG/summary.txt"

# 5. checkpatch --strict, with the justified exceptions of checkpatch-allow.
for p in "$SERIES"/0*.patch; do
	case $p in */0000-cover-letter.patch) continue ;; esac
	# From a neutral directory: checkpatch misreads relative paths inside
	# a git tree.
	(cd "$LOG" && perl "$CHECKPATCH" --strict --no-tree --no-summary \
		--terse --showfile "$p") \
		> "$LOG/checkpatch-$(basename "$p" .patch).log" 2>&1
done
python3 "$HERE/cpallow.py" "$HERE/checkpatch-allow" "$LOG"/checkpatch-*.log \
	> "$LOG/checkpatch.txt"
[ $? -eq 0 ] || fail=1
tee -a "$LOG/summary.txt" < "$LOG/checkpatch.txt"
step "checkpatch --strict on the series"

# 6. The objects the series changes, with cardsnoop off: the driver's
# stubs must do.  A second object tree, only these objects.
OFF=$OBJ-off
mkdir -p "$OFF"
cp "$OBJ/.config" "$OFF/.config"
"$SRC/scripts/config" --file "$OFF/.config" -d DRM_CARDSNOOP -d "$OPT"
KOFF=(make -s -C "$SRC" O="$OFF" -j"$JOBS")
if "${KOFF[@]}" olddefconfig > "$LOG/off.log" 2>&1 &&
   "${KOFF[@]}" modules_prepare >> "$LOG/off.log" 2>&1 &&
   ! grep -q "^CONFIG_$OPT=y" "$OFF/.config"; then
	# shellcheck disable=SC2086
	"${KOFF[@]}" $(for o in $mod_o; do case $o in "$DIR"/*) echo "$o" ;; esac; done) \
		> "$LOG/build-off.log" 2>&1 || fail=1
	python3 "$HERE/filter.py" "$SRC" "$BASE" "$LOG/build-off.log" \
		> "$LOG/diagnostics-off.txt" || fail=1
	summary "check-$DRIVER: without cardsnoop: $(tail -1 "$LOG/diagnostics-off.txt")"
	sed '$d' "$LOG/diagnostics-off.txt" | tee -a "$LOG/summary.txt"
	grep -E "error" "$LOG/build-off.log" | head -20 | tee -a "$LOG/summary.txt"
else
	summary "check-$DRIVER: FAIL: configuring without cardsnoop (see ${LOG#"$TOP"/}/off.log)"
	fail=1
fi
step "changed objects of $DIR built with DRM_CARDSNOOP off"

T1=$(date +%s)
if [ $fail -eq 0 ]; then
	summary "check-$DRIVER: PASS in $((T1 - T0)) s"
else
	summary "check-$DRIVER: FAIL in $((T1 - T0)) s (logs in ${LOG#"$TOP"/})"
fi
exit $fail
