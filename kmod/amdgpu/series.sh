#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# series.sh DRIVER: build the upstream patch series for DRIVER (amdgpu or
# xe) against Debian's linux-source-6.12, as git format-patch files in
# build/amdgpu/series-DRIVER/.
#
#   0000-cover-letter.patch  kmod/amdgpu/<DRIVER>/0000-cover-letter.patch
#                            with the shortlog and diffstat of this run
#   0001-drm-cardsnoop-...   generated here from kmod/cardsnoop/ and
#                            kmod/include/ (never checked in: it always
#                            matches the out-of-tree core)
#   0002-...                 the checked-in driver patches, applied with
#                            git am
#
# The kernel tree is a git repository in build/amdgpu/linux (extracted
# once from /usr/src/linux-source-6.12.tar.xz, tagged "base").  The series
# is generated in that worktree; build/amdgpu/src-DRIVER is a second
# worktree that is moved to the new series head with "git checkout", which
# rewrites only the files whose content changed, so an unchanged series
# rebuilds nothing.
set -euo pipefail

DRIVER=${1:?usage: series.sh amdgpu|xe}
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
B=${CARDSNOOP_KBUILD:-$TOP/build/amdgpu}
TARBALL=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
REPO=$B/linux
SRC=$B/src-$DRIVER
OUT=$B/series-$DRIVER

case $DRIVER in
amdgpu) PATCHDIR=$HERE/patches ;;
xe) PATCHDIR=$HERE/xe ;;
*) echo "series.sh: unknown driver '$DRIVER' (amdgpu, xe)" >&2; exit 2 ;;
esac

# Authorship of the generated patch and of git am: the repository's.
NAME=$(git -C "$TOP" config user.name || echo "The cardsnoop authors")
EMAIL=$(git -C "$TOP" config user.email || echo "cardsnoop@localhost")
export GIT_AUTHOR_NAME="$NAME" GIT_AUTHOR_EMAIL="$EMAIL"
export GIT_COMMITTER_NAME="$NAME" GIT_COMMITTER_EMAIL="$EMAIL"
G="git -C $REPO"

log() { printf 'series: %s\n' "$*"; }

# 1. The pristine tree, once.
mkdir -p "$B"
if ! $G rev-parse -q --verify refs/tags/base >/dev/null 2>&1; then
	[ -r "$TARBALL" ] || {
		echo "series.sh: $TARBALL missing: apt-get install linux-source-6.12" >&2
		exit 1
	}
	log "extracting $(basename "$TARBALL")"
	rm -rf "$REPO" "$B/extract"
	mkdir -p "$B/extract"
	tar -xJf "$TARBALL" -C "$B/extract"
	mv "$B/extract"/linux-source-* "$REPO"
	rmdir "$B/extract"
	$G init -q -b linux-6.12
	# Debian's .gitignore ignores the whole top level: add everything.
	$G add -f -A .
	GIT_AUTHOR_NAME=linux GIT_COMMITTER_NAME=linux \
		$G commit -q -m "Linux $(make -s -C "$REPO" kernelversion) (Debian linux-source-6.12)"
	$G tag base
fi

# 2. Start from base in the generation worktree.
$G checkout -q -f --detach refs/tags/base
$G clean -q -f -d -x

# 3. Patch 1: the core, from kmod/.
K=$REPO
D=$K/drivers/gpu/drm/cardsnoop
mkdir -p "$D"
objs=$(sed -n 's/^cardsnoop-y[[:space:]]*:=[[:space:]]*//p' "$TOP/kmod/cardsnoop/Kbuild")
[ -n "$objs" ] || { echo "series.sh: no cardsnoop-y in kmod/cardsnoop/Kbuild" >&2; exit 1; }
for o in $objs; do
	cp "$TOP/kmod/cardsnoop/${o%.o}.c" "$D/"
done
for h in "$TOP"/kmod/cardsnoop/*.h; do
	cp "$h" "$D/"
done
cp "$TOP/kmod/include/drm/cardsnoop.h" "$K/include/drm/"
cp "$TOP/kmod/include/uapi/drm/cardsnoop_drm.h" "$K/include/uapi/drm/"
cp "$HERE/core/Kconfig" "$D/Kconfig"
{
	echo "# SPDX-License-Identifier: GPL-2.0-only"
	echo
	echo "cardsnoop-y := $objs"
	echo
	echo "obj-\$(CONFIG_DRM_CARDSNOOP) += cardsnoop.o"
} > "$D/Makefile"
python3 "$HERE/core/intree.py" "$K" "$HERE/core" $objs
$G add -f -A drivers/gpu/drm include Documentation MAINTAINERS
GIT_AUTHOR_DATE="$(git -C "$TOP" log -1 --format=%aD -- kmod/cardsnoop kmod/include/drm kmod/include/uapi/drm/cardsnoop_drm.h 2>/dev/null || date -R)" \
	$G commit -q -F "$HERE/core/commit-msg"

# 4. The driver patches.
patches=$(ls "$PATCHDIR"/0*.patch 2>/dev/null | grep -v /0000-cover-letter.patch || true)
if [ -n "$patches" ]; then
	# shellcheck disable=SC2086
	$G am -q --committer-date-is-author-date $patches
elif [ -z "${SERIES_CORE_ONLY:-}" ]; then
	echo "series.sh: no patches in $PATCHDIR" >&2
	exit 1
fi
[ -z "${SERIES_CORE_ONLY:-}" ] || { log "core only: $($G log --oneline -1)"; exit 0; }

# 5. Format the series, with the checked-in cover letter.
rm -rf "$OUT"
n=$($G rev-list --count refs/tags/base..HEAD)
$G format-patch -q --subject-prefix="RFC PATCH" --cover-letter \
	--no-signature -o "$OUT" refs/tags/base..HEAD
python3 "$HERE/core/cover.py" "$PATCHDIR/0000-cover-letter.patch" \
	"$OUT/0000-cover-letter.patch" "$n"

# 6. Move the build worktree to the new head (only changed files change).
head=$($G rev-parse HEAD)
if [ ! -e "$SRC/.git" ]; then
	rm -rf "$SRC"
	$G worktree prune
	$G worktree add -q --detach "$SRC" "$head"
else
	git -C "$SRC" checkout -q --detach "$head"
fi
log "$DRIVER: $(ls "$OUT" | wc -l) files in ${OUT#"$TOP"/}"
