# SPDX-License-Identifier: MIT
#
# The cardsnoop demo, run inside the test VM by `make demo`
# (tests/vm/run --host-root tools/demo/demo.sh): a narrated walk through
# cardsnoop on simgpu.  A GPU program (simgpu-app) builds buffers in system
# memory and VRAM, an indirect buffer (IB) that points at them, and submits
# the IB through the kernel ring; then alice, an ordinary user, looks at it
# with cardsnoop, root follows the ring to the IB and its data, and alice
# changes a value that the program then sees.
#
# Every step checks its own result; the last line is the verdict, and the
# exit status is 0 only if every step passed.  The host's root, mounted
# read-only at /host, lends its readelf; without it the dump is checked by
# its ELF header bytes only.

W=/tmp/demo
mkdir -p $W
chmod 1777 $W
steps=0
failed=0
failures=

say() {
	printf '%s\n' "$@" | sed 's/^/   /'
}

step() {
	steps=$((steps + 1))
	echo
	echo "== $steps. $*"
}

# pass|fail WHAT: the verdict of the current step
pass() {
	echo "   [ok] $*"
}

fail() {
	echo "   [FAILED] $*"
	failed=$((failed + 1))
	failures="$failures $steps"
}

# as USER CMD: show the command as typed, run it, show its output; the
# output stays in $W/out, the status in $rc
as() {
	u=$1
	shift
	if [ "$u" = root ]; then
		echo "root# $*"
		sh -c "$*" > $W/out 2>&1 < /dev/null
	else
		echo "$u\$ $*"
		su "$u" -s /bin/sh -c "$*" > $W/out 2>&1 < /dev/null
	fi
	rc=$?
	cat $W/out
}

out_has() {
	grep -q -- "$1" $W/out
}

echo "cardsnoop demo: a GPU's virtual address space as an ordinary file"
echo "(Linux $(uname -r); modules: $(cut -d' ' -f1 /proc/modules | grep -E '^(cardsnoop|simgpu)$' | tr '\n' ' '))"

# simgpu's snoop node: card0-snoop, unless the kernel has other DRM drivers
# built in that came first.
SNOOP=$(ls /dev/dri/card*-snoop 2>/dev/null | head -n 1)
SNOOP=${SNOOP:-/dev/dri/card0-snoop}
CARD=$(basename "$SNOOP" -snoop)

step "The GPU, and who may open its snoop node"
say "simgpu is cardsnoop's reference DRM driver: a GPU without hardware," \
    "with VRAM in a PCI BAR.  The snoop node $SNOOP gets the" \
    "render node's group and mode, as udev/70-cardsnoop.rules does:"
chgrp render /dev/dri/card* /dev/dri/renderD*
chmod 0660 /dev/dri/card* /dev/dri/renderD*
ls -l /dev/dri | sed -n "s/^/   /; /$CARD\\|renderD/p"
if [ -c "$SNOOP" ] && id -nG alice | grep -qw render; then
	pass "$CARD-snoop exists; alice is in group render"
else
	fail "no $SNOOP, or alice is not in group render"
fi

step "A GPU program: buffers, an IB, a submission through the kernel ring"
cat > $W/app.sg <<'EOF'
bo data 64K vram                     # a buffer in VRAM
bo table 1M system                   # a buffer in system memory
bo cmds 4K system                    # the indirect buffer (IB)
bind data 0x100000000
bind table 0x200000000
bind cmds 0xffff800000010000 ro      # canonical high-half VA, GPU read-only
gpu-fill 0x100000000 64K 0xcafef00d  # the engine fills VRAM
emit cmds 0 fill 0x200000000 4K 0x11223344
emit cmds 32 write32 0x100000040 0x12345678
emit cmds 64 copy 0x100000000 0x200001000 64
ib 0xffff800000010000 96             # submit the IB through the kernel ring
print ready
pause                                # wait for SIGUSR1 ...
expect 0x100000080 dec0ad0b          # ... then check what the debugger wrote
print target: read de c0 ad 0b (0x0badc0de) at 0x100000080 in its VRAM buffer
hold
EOF
chmod 0644 $W/app.sg
say "alice runs simgpu-app with this script (tools/simgpu-app, simgpu-app(1)):"
sed 's/^/     /' $W/app.sg
su alice -s /bin/sh -c "echo \$\$ > $W/app.pid; exec simgpu-app $W/app.sg > $W/app.out 2>&1" &
for i in $(seq 100); do grep -q ready $W/app.out 2>/dev/null && break; sleep 0.1; done
PID=$(cat $W/app.pid)
if grep -q ready $W/app.out; then
	pass "simgpu-app runs as alice, PID $PID, and holds"
else
	fail "simgpu-app did not start:"
	sed 's/^/     /' $W/app.out
fi

step "Which GPUs can be snooped"
as alice cardsnoop list
if [ $rc = 0 ] && out_has simgpu; then pass "one simgpu GPU, 48-bit VAs"; else fail "cardsnoop list"; fi

step "Which processes use a GPU (from /proc/PID/fdinfo)"
as alice cardsnoop clients
if [ $rc = 0 ] && out_has "^ *$PID .*simgpu-app"; then
	pass "alice's simgpu-app and its DRM client id"
else
	fail "cardsnoop clients"
fi

step "The program's GPU mappings"
say "cardsnoop copies the program's DRM file descriptor with pidfd_getfd(2)" \
    "-- the kernel's ptrace check, no root -- and attaches the snoop file:"
as alice cardsnoop maps $PID
if [ $rc = 0 ] && out_has "^0x0000000100000000 .*vram" && out_has "^0xffff800000010000 .*r-"; then
	pass "VRAM, system memory and the read-only IB, at canonical VAs"
else
	fail "cardsnoop maps"
fi

step "The IB, read as alice"
as alice cardsnoop read $PID 0xffff800000010000 96
if [ $rc = 0 ] && out_has "^ffff800000010000  02 00 00 00"; then
	pass "three 32-byte engine commands: op 2 (FILL), 4 (WRITE32), 3 (COPY)"
else
	fail "cardsnoop read of the IB"
fi

step "Ring -> IB -> data, as root"
say "The kernel ring lives in the GPU's kernel VM (CAP_SYS_ADMIN).  Each" \
    "packet names the submitting client; cardsnoop finds its process," \
    "attaches to it, reads the IB there and follows each command to its data:"
as root cardsnoop ring
if [ $rc = 0 ] && out_has "PID $PID (simgpu-app)" && out_has "WRITE32  0x0000000100000040 = 0x12345678" &&
    out_has "data at 0x0000000100000040: 78563412"; then
	pass "packet -> client PID $PID -> IB -> the bytes each command wrote"
else
	fail "cardsnoop ring"
fi

step "Ordinary tools on GPU memory: dd through cardsnoop exec"
say "exec hands the attached snoop file to a program as its stdin; the file" \
    "offset is the GPU VA, so dd's skip= is an address:"
as alice "cardsnoop exec $PID -- dd bs=4096 skip=\$((0x100000000 / 4096)) count=1 status=none | xxd | head -n 5"
if out_has "^00000000: 0df0 feca 0df0 feca" && out_has "^00000040: 7856 3412"; then
	pass "the VRAM page: the engine's 0xcafef00d fill and the IB's WRITE32"
else
	fail "cardsnoop exec dd"
fi

step "Changing a value the program then sees"
as alice cardsnoop write $PID 0x100000080 --hex dec0ad0b
say "(the dword 0x0badc0de, little endian; SIGUSR1 lets simgpu-app go on" \
    "to its 'expect 0x100000080 dec0ad0b')"
kill -USR1 "$PID"
for i in $(seq 50); do grep -q 'target: read' $W/app.out && break; sleep 0.1; done
sed 's/^/   /' $W/app.out | grep 'target:'
if [ $rc = 0 ] && grep -q 'target: read de c0 ad 0b' $W/app.out; then
	pass "the program's own CPU mapping of its VRAM buffer has the new bytes"
else
	fail "the program did not see the write"
	sed 's/^/     /' $W/app.out
fi

step "A core file of the GPU address space"
as alice cardsnoop dump $PID -o $W/gpu.core
ls -ls $W/gpu.core | sed 's/^/   /'
HOSTLIB=/host/lib/x86_64-linux-gnu
if [ -x $HOSTLIB/ld-linux-x86-64.so.2 ] && [ -x /host/usr/bin/readelf ]; then
	say "readelf -l (the host's binutils):"
	echo "alice\$ readelf -lW $W/gpu.core"
	$HOSTLIB/ld-linux-x86-64.so.2 --library-path $HOSTLIB /host/usr/bin/readelf -lW $W/gpu.core > $W/out 2>&1
	sed -n '/Elf file type/p; /Program Headers/,/^$/p' $W/out
	if [ $rc = 0 ] && out_has "CORE" && [ "$(grep -c ' LOAD ' $W/out)" = 3 ] &&
	    out_has "LOAD .*0xffff800000010000"; then
		pass "ET_CORE, one PT_LOAD per mapping at its GPU VA (gdb -c reads it too)"
	else
		fail "cardsnoop dump"
	fi
else
	say "(readelf needs the host's root at /host: tests/vm/run --host-root;" \
	    "here, the ELF header's first bytes: ELF64, little endian, ET_CORE 4," \
	    "EM_X86_64 0x3e)"
	echo "alice\$ od -A d -t x1 -N 20 $W/gpu.core"
	od -A d -t x1 -N 20 $W/gpu.core | tee $W/out
	if [ $rc = 0 ] && out_has "^0000000 7f 45 4c 46 02 01 01" && out_has "^0000016 04 00 3e 00"; then
		pass "an ELF64 core file (readelf -l and gdb -c read it)"
	else
		fail "cardsnoop dump"
	fi
fi

kill "$PID" 2>/dev/null
wait 2>/dev/null

echo
if [ $failed = 0 ]; then
	echo "demo: all $steps steps passed: ring -> IB -> data, read, written and dumped by an ordinary user"
	exit 0
fi
echo "demo: $failed of $steps steps FAILED (step$failures)"
exit 1
