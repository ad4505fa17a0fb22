# SPDX-License-Identifier: MIT
# vm-run: --vram 32 --modules "cardsnoop simgpu vgem"
#
# simgpu (issue 4): the UAPI, VMs, memory, the engine, module lifetime and
# device unbind, on the ivshmem device (PCI BAR VRAM) and on a virtual
# device (kernel-memory VRAM); the simgpu-app scripts of
# tests/vm/simgpu-app and simgpu-app's own behaviour.  Everything prints
# TAP; the shell-level checks print their own lines.
rc=0
n=0

tap() { # tap OK|FAIL NAME
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n - simgpu.sh: $2"
	else
		echo "not ok $n - simgpu.sh: $2"
		rc=1
	fi
}

check() { # check NAME CMD...: ok if CMD succeeds
	name=$1
	shift
	if "$@"; then tap OK "$name"; else tap FAIL "$name"; fi
}

run() {
	"$@" || rc=1
}

# The render node of the simgpu device on bus $1 (pci or platform).
render_on() {
	for d in /sys/class/drm/renderD*; do
		[ "$(basename "$(readlink -f "$d/device/driver")")" = simgpu ] || continue
		case "$(readlink -f "$d/device/subsystem")" in
		*/"$1") echo "/dev/dri/$(basename "$d")"; return 0 ;;
		esac
	done
	return 1
}

# The programs and simgpu-app's scripts on the device on bus $1.  The
# unbind tests go last: a device's render node changes when it binds again.
programs() { # pci|platform
	dev=$(render_on "$1")
	for s in /usr/local/bin/simgpu-app.d/*.sg; do
		out=$(simgpu-app -d "$dev" "$s" 2>&1)
		code=$?
		[ $code = 0 ] || echo "$out" | sed 's/^/# /'
		check "simgpu-app $(basename "$s") on $1" [ $code = 0 ]
	done
	export SIMGPU_RENDER=$dev
	run simgpu_uapi
	run simgpu_vm
	run simgpu_mem
	run simgpu_engine
	run simgpu_hooks
	run simgpu_unbind
	unset SIMGPU_RENDER
}

check "ivshmem device probed" [ -n "$(render_on pci)" ]

# --- the ivshmem device, VRAM in a PCI BAR ---
programs pci
pci=$(render_on pci)

# --- simgpu-app itself ---
err=$(printf 'bo a 4K\nbind a 0x100000 0 8K\nprint never\n' | simgpu-app - 2>&1)
code=$?
check "simgpu-app: a failing command exits 1" [ $code = 1 ]
case "$err" in
"simgpu-app: line 2: bind: "*) tap OK "simgpu-app: error message format" ;;
*) echo "# got: $err"; tap FAIL "simgpu-app: error message format" ;;
esac
printf '# comment\n\nfrobnicate 1\n' | simgpu-app - 2>/dev/null
check "simgpu-app: an unknown command exits 1" [ $? = 1 ]
simgpu-app --help | grep -q '^Usage:'
check "simgpu-app: --help" [ $? = 0 ]
simgpu-app --bogus 2>/dev/null
check "simgpu-app: a bad option exits 2" [ $? = 2 ]
simgpu-app -d /dev/dri/nonexistent /dev/null 2>/dev/null
check "simgpu-app: a missing device exits 2" [ $? = 2 ]
simgpu-app /nonexistent.sg 2>/dev/null
check "simgpu-app: a missing script exits 2" [ $? = 2 ]

# pause: a SIGUSR1 sent before the pause is not lost.
printf 'sleep 300\npause\nprint resumed\n' > pause.sg
: > pause.out
simgpu-app pause.sg > pause.out &
pid=$!
sleep 0.1
kill -USR1 $pid
wait $pid
code=$?
check "simgpu-app: pause consumes an early SIGUSR1" \
	[ $code = 0 -a "$(cat pause.out)" = resumed ]

# hold: SIGTERM (and SIGINT) end it with status 0.
for sig in TERM INT; do
	printf 'bo a 4K\nprint holding\nhold\n' > hold.sg
	: > hold.out
	simgpu-app hold.sg > hold.out &
	pid=$!
	i=0
	while [ "$(cat hold.out)" != holding ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -$sig $pid
	wait $pid
	check "simgpu-app: hold ends on SIG$sig with status 0" [ $? = 0 ]
done

# fdinfo of a running client: the keys tools look for.
printf 'bo a 64K vram\nprint ready\nhold\n' > fdinfo.sg
: > fdinfo.out
simgpu-app fdinfo.sg > fdinfo.out &
pid=$!
i=0
while [ "$(cat fdinfo.out)" != ready ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
info=$(cat /proc/$pid/fdinfo/* 2>/dev/null)
kill $pid
wait $pid
for key in drm-driver:.simgpu drm-client-id: drm-pdev: drm-total-vram:.64.KiB \
	drm-total-system: drm-resident-vram: simgpu-faults:; do
	echo "$info" | grep -q "^$key"
	check "fdinfo of another process: $key" [ $? = 0 ]
done

# debugfs: raw VRAM and the MM_INDEX/MM_DATA pair.
dbg=/sys/kernel/debug/dri/$(basename "$(readlink -f /sys/class/drm/"$(basename "$pci")"/device)")
check "debugfs: simgpu_vram is the size of VRAM" \
	[ "$(stat -c %s "$dbg/simgpu_vram")" = $((32 << 20)) ]
printf 'abcd' | dd of="$dbg/simgpu_vram" bs=4 seek=$((4096 * 4)) conv=notrunc 2>/dev/null
check "debugfs: simgpu_vram reads back a write" \
	[ "$(dd if="$dbg/simgpu_vram" bs=4 skip=$((4096 * 4)) count=1 2>/dev/null)" = abcd ]
printf '\0\0\1\0' > "$dbg/simgpu_mm_index"
check "debugfs: MM_DATA reads the dword at MM_INDEX" \
	[ "$(dd if="$dbg/simgpu_mm_data" bs=4 count=1 2>/dev/null)" = abcd ]
printf 'wxyz' > "$dbg/simgpu_mm_data"
check "debugfs: MM_DATA writes the dword at MM_INDEX" \
	[ "$(dd if="$dbg/simgpu_vram" bs=4 skip=$((4096 * 4)) count=1 2>/dev/null)" = wxyz ]

# --- a virtual device, VRAM in kernel memory, next to the ivshmem one ---
rmmod simgpu
check "reload with a virtual device" modprobe simgpu virtual=1 vram_mb=16
check "virtual device probed" [ -n "$(render_on platform)" ]
programs platform

# --- module lifetime (last: it reloads the module) ---
run simgpu_module
rmmod simgpu
check "unload after the suite" [ ! -e /sys/module/simgpu ]

echo "# simgpu.sh: $n shell-level checks"
exit $rc
