# SPDX-License-Identifier: MIT
# vm-run: --host-root --timeout 300
#
# cardsnoop(1) in the VM (issue 7): each command's output and errors, on a
# simgpu-app target run by alice, as alice (and as root where the command
# needs it).  The nodes get the group and mode the udev rule gives them
# (udev/70-cardsnoop.rules: GROUP="render", MODE="0660"; alice is in
# render).  The host's root, mounted read-only at /host, lends readelf to
# the guest; JSON is checked with cli_json (tests/guest/cli_json.c: host
# python3 takes 10 s to start over 9p, gdb longer still, so that gdb reads
# dumps is tested on the host, tests/host/cli_core.c).
#
# Prints TAP; exits 1 if anything failed.

n=0
failed=0
W=/tmp/cli
mkdir -p $W
chmod 1777 $W

ok() {
	n=$((n + 1))
	echo "ok $n - cli.sh: $1"
}

nok() {
	n=$((n + 1))
	echo "not ok $n - cli.sh: $1"
	# what the last command printed, for the log
	[ -s $W/out ] && sed 's/^/#   out: /' $W/out | head -n 20
	[ -s $W/err ] && sed 's/^/#   err: /' $W/err | head -n 20
	failed=1
}

# check NAME CMD...: ok if CMD succeeds
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else nok "$name"; fi
}

# run [as USER] CMD...: stdout in $W/out, stderr in $W/err, status in $rc
run() {
	if [ "$1" = as ]; then
		u=$2
		shift 2
		su "$u" -s /bin/sh -c "$*" > $W/out 2> $W/err < /dev/null
	else
		"$@" > $W/out 2> $W/err < /dev/null
	fi
	rc=$?
}

has() { grep -q -- "$1" "$2"; }	# has PATTERN FILE
out_has() { grep -q -- "$1" $W/out; }
err_has() { grep -q -- "$1" $W/err; }
lines() { wc -l < "$1" | tr -d ' '; }

# The host's readelf, through the host's loader and libraries.
HOSTLIB=/host/lib/x86_64-linux-gnu
readelf_host() {
	$HOSTLIB/ld-linux-x86-64.so.2 --library-path $HOSTLIB /host/usr/bin/readelf "$@"
}

# json_is FILE PATH=VALUE...: FILE is one valid JSON document with these
# values (cli_json paths: .key, [N], # for a count)
json_is() {
	f=$1
	shift
	cli_json < "$f" > /dev/null 2>> $W/err || return 1
	for pv in "$@"; do
		p=${pv%%=*}
		v=${pv#*=}
		got=$(cli_json "$p" < "$f")
		if [ "$got" != "$v" ]; then
			echo "$p is '$got', not '$v'" >> $W/err
			return 1
		fi
	done
}

# --- setup --------------------------------------------------------------

# What udev/70-cardsnoop.rules and Debian's rules for render nodes do.
chgrp render /dev/dri/card* /dev/dri/renderD*
chmod 0660 /dev/dri/card* /dev/dri/renderD*

# simgpu's card and render node (not card0 on a kernel with other DRM
# drivers built in).
SG_CARD=$(simgpu-card)
SG_N=${SG_CARD#card}
SG_RENDER=$(simgpu-card -r)

VRAM=0x100000000
SYS=0x200000000
IB=0xffff800000010000
cat > $W/target.sg <<'EOF'
bo data 64K vram
bo sys 1M system
bo ibuf 4K system
bo zero 1M system
bind data 0x100000000
bind zero 0x400000000
bind sys 0x200000000
bind ibuf 0xffff800000010000 ro
gpu-fill 0x100000000 64K 0xcafef00d
fill sys 0 1M 0x5a
emit ibuf 0 fill 0x200000000 4K 0x11223344
emit ibuf 32 write32 0x100000040 0x12345678
emit ibuf 64 copy 0x100000000 0x200001000 64
ib 0xffff800000010000 96
print ready
pause
expect 0x100000080 deadbeef
expect 0x200002000 41424344
print expect-ok
hold
EOF
chmod 0644 $W/target.sg
su alice -s /bin/sh -c "echo \$\$ > $W/target.pid; exec simgpu-app $W/target.sg > $W/target.out 2>&1" &
for i in $(seq 100); do has ready $W/target.out 2>/dev/null && break; sleep 0.1; done
T=$(cat $W/target.pid)
if ! has ready $W/target.out; then
	echo "not ok 1 - cli.sh: the simgpu-app target did not start"
	sed 's/^/# /' $W/target.out
	exit 1
fi

# A process with two DRM clients (two opens of the render node), as alice.
RENDER=$SG_RENDER
su alice -s /bin/sh -c "echo \$\$ > $W/two.pid; exec 5<$RENDER 6<$RENDER; exec sleep 1000" &
# alice's process without DRM files.
su alice -s /bin/sh -c "echo \$\$ > $W/nodrm.pid; exec sleep 1000" &
# A process of root's with a DRM client.
sh -c "echo \$\$ > $W/root.pid; exec 5<$RENDER; exec sleep 1000" &
sleep 0.3
TWO=$(cat $W/two.pid)
ROOTP=$(cat $W/root.pid)
NODRM=$(cat $W/nodrm.pid)

# --- list ---------------------------------------------------------------

# alice cannot open the root-only snoop node yet: listed, with a warning
chmod 0600 /dev/dri/$SG_CARD-snoop
run as alice cardsnoop list -o CARD,STATUS
check "list: a snoop node alice cannot open is listed as no-access, with a warning" \
	sh -c "[ $rc = 0 ] && grep -q no-access $W/out && grep -q 'warning:.*not readable by you' $W/err"
run as alice cardsnoop maps $T
check "maps when the snoop node cannot be opened: status 1, names the node" \
	sh -c "[ $rc = 1 ] && grep -q '$SG_CARD-snoop' $W/err"
chmod 0660 /dev/dri/$SG_CARD-snoop

run as alice cardsnoop list
check "list: simgpu's card, its PCI id, 48 VA bits, 256M VRAM" \
	sh -c "[ $rc = 0 ] && head -n 1 $W/out | grep -q '^CARD  DRIVER  BUS' &&
		grep -Eq '^ +$SG_N  simgpu  [0-9a-f:.]+  1af4:1110 +48  256M' $W/out"
run as alice cardsnoop list --json
check "list --json: one document with the gpus array" \
	json_is $W/out '.gpus#=1' ".gpus[0].card=$SG_N" '.gpus[0].driver=simgpu' \
		'.gpus[0].vram=268435456' '.gpus[0].va_bits=48' '.gpus[0].pci_id=1af4:1110'
run as alice cardsnoop list -n -r -o card,snoop,caps
check "list -n -r -o: raw, no header, chosen columns" \
	sh -c "[ $rc = 0 ] && grep -q '^$SG_N /dev/dri/$SG_CARD-snoop vram,kernel-vm' $W/out"
run as alice cardsnoop list -o BOGUS
check "list -o BOGUS: usage error naming the column" \
	sh -c "[ $rc = 2 ] && grep -q 'unknown column: BOGUS' $W/err"
run as alice cardsnoop list -c 7
check "list -c 7: no such GPU, status 1" \
	sh -c "[ $rc = 1 ] && grep -q 'card7: no such GPU' $W/err"

# --- clients ------------------------------------------------------------

run as alice cardsnoop clients
check "clients: alice sees her target with its client id and memory" \
	sh -c "[ $rc = 0 ] && grep -Eq '^ *$T +simgpu-app +[0-9]+ +$SG_N +simgpu +[0-9]+ +system:[0-9.]+M vram:64K' $W/out"
check "clients: not root's processes" sh -c "! grep -q '^ *$ROOTP ' $W/out"
run as alice cardsnoop clients $T --json
check "clients PID --json: memory per region in bytes" \
	json_is $W/out '.clients#=1' ".clients[0].pid=$T" '.clients[0].comm=simgpu-app' \
		'.clients[0].memory.vram.total=65536'
run as alice cardsnoop clients $TWO -o FD,CLIENT -n
check "clients: two DRM files of one process, two client ids" \
	sh -c "[ $rc = 0 ] && [ \$(wc -l < $W/out) = 2 ] && [ \$(awk '{print \$2}' $W/out | sort -u | wc -l) = 2 ]"
run as alice cardsnoop clients $NODRM
check "clients of a process without DRM files: status 1, says so" \
	sh -c "[ $rc = 1 ] && grep -q 'PID $NODRM has no DRM client' $W/err"
run as alice cardsnoop clients 1
check "clients of another user's process: status 1, says why" \
	sh -c "[ $rc = 1 ] && grep -q 'PID 1' $W/err"

# --- maps ---------------------------------------------------------------

run as alice cardsnoop maps $T
check "maps: header and the four mappings, canonical high VA, placements, ro IB" \
	sh -c "[ $rc = 0 ] && head -n 1 $W/out | grep -q '^VA  *SIZE  BO  OFFSET  PLACEMENT  PERMS' &&
		grep -Eq '^0x0000000100000000 +64K +[0-9]+ +0x0  vram ' $W/out &&
		grep -Eq '^0x0000000200000000 +1M +[0-9]+ +0x0  system ' $W/out &&
		grep -Eq '^0xffff800000010000 +4K +[0-9]+ +0x0  system +r-' $W/out"
run as alice cardsnoop maps $T --json --output-all
check "maps --json: target fields and rows with string VAs, byte sizes" \
	json_is $W/out ".pid=$T" '.comm=simgpu-app' '.kernel=false' '.va_bits=48' \
		'.mappings#=4' '.mappings[3].va=0xffff800000010000' \
		'.mappings[3].last=0xffff800000010fff' '.mappings[1].size=1048576' \
		'.mappings[0].placement=vram' '.mappings[3].file_offset=140737488420864' \
		'.mappings[3].perms=r-x' '.mappings[0].kind=buffer'
run as alice cardsnoop maps $T -b -n -o SIZE,KIND
check "maps -b -o SIZE,KIND: sizes in bytes" \
	sh -c "[ $rc = 0 ] && head -n 1 $W/out | grep -Eq '^ *65536  buffer\$'"
run as alice cardsnoop maps 999999
check "maps of no process: status 1, 'no such process'" \
	sh -c "[ $rc = 1 ] && grep -q 'no such process' $W/err"
run as alice cardsnoop maps $ROOTP
check "maps of root's process as alice: status 1, not allowed, says why" \
	sh -c "[ $rc = 1 ] && grep -q 'not allowed to debug PID $ROOTP' $W/err && grep -q 'uid 0' $W/err"
run as alice cardsnoop maps $TWO
check "maps of a process with two clients: status 1, lists them with --drm-fd" \
	sh -c "[ $rc = 1 ] && grep -q -- '--drm-fd 5' $W/err && grep -q -- '--drm-fd 6' $W/err"
run as alice cardsnoop maps $TWO --drm-fd 6
check "maps --drm-fd picks one (an empty VM is not an error)" sh -c "[ $rc = 0 ]"
CID=$(su alice -s /bin/sh -c "cardsnoop clients $TWO -n -o FD,CLIENT" | awk '$1 == 6 { print $2 }')
run as alice cardsnoop maps $TWO --client $CID
check "maps --client picks the DRM file by its drm-client-id" sh -c "[ $rc = 0 ]"
run as alice cardsnoop maps $TWO --client 9999
check "maps --client of no such client: status 1" sh -c "[ $rc = 1 ] && [ -s $W/err ]"
run as alice cardsnoop maps $T -c $SG_N --vm 0 -o VA -n
check "maps -c N --vm 0: the client's only VM" sh -c "[ $rc = 0 ] && [ \$(wc -l < $W/out) = 4 ]"
run as alice cardsnoop maps $T --vm 77
check "maps --vm of no such VM: status 1" sh -c "[ $rc = 1 ] && [ -s $W/err ]"
run as alice cardsnoop maps $T -c 3
check "maps -c 3 (no client of the target there): status 1" sh -c "[ $rc = 1 ] && [ -s $W/err ]"
run as alice cardsnoop maps $T --drm-fd 77
check "maps --drm-fd of no such fd: status 1" sh -c "[ $rc = 1 ] && [ -s $W/err ]"
run as alice cardsnoop maps --kernel
check "maps --kernel as alice: status 1, needs CAP_SYS_ADMIN" \
	sh -c "[ $rc = 1 ] && grep -qi 'CAP_SYS_ADMIN\\|root\\|not allowed\\|permission' $W/err"
run cardsnoop maps --kernel -o VA,KIND
check "maps --kernel as root: the kernel ring at 0xffff800000000000" \
	sh -c "[ $rc = 0 ] && grep -q '^0xffff800000000000' $W/out"

# --- read ---------------------------------------------------------------

run as alice cardsnoop read $T $VRAM 128
check "read: hexdump with the fill, WRITE32 of the IB, squeezed runs" \
	sh -c "[ $rc = 0 ] && grep -q '^0000000100000000  0d f0 fe ca 0d f0 fe ca  0d f0 fe ca 0d f0 fe ca  |................|' $W/out &&
		grep -q '^\\*\$' $W/out && grep -q '^0000000100000040  78 56 34 12 0d f0' $W/out"
run as alice cardsnoop read $T $IB 32
check "read: the IB at a canonical high VA, FILL decoded by hand" \
	sh -c "[ $rc = 0 ] && grep -q '^ffff800000010000  02 00 00 00 00 00 00 00  00 00 00 00 02 00 00 00' $W/out"
run as alice cardsnoop read $T 0x800000010000 16
check "read: the same VA given as a file offset reads the same" \
	sh -c "[ $rc = 0 ] && grep -q '^ffff800000010000  02 00' $W/out"
run as alice cardsnoop read $T $((VRAM + 4)) 8 -v
check "read: unaligned start leaves the head of the line blank" \
	sh -c "grep -q '^0000000100000000              0d f0 fe ca  0d f0 fe ca              |    ........|' $W/out"
run as alice "cardsnoop read $T $SYS 4K --raw | od -A n -t x1 | head -n 1"
check "read --raw: the bytes themselves" sh -c "grep -q '44 33 22 11 44 33 22 11' $W/out"
run as alice cardsnoop read $T $VRAM 64K -o $W/vram.bin
check "read -o: 64K into the file, quiet" \
	sh -c "[ $rc = 0 ] && [ \$(wc -c < $W/vram.bin) = 65536 ] && [ ! -s $W/out ]"
run as alice cardsnoop read $T 0x300000000 16
check "read of an unmapped VA: status 1, nothing mapped there" \
	sh -c "[ $rc = 1 ] && grep -q 'cannot read 16 bytes at VA 0x300000000 of PID $T (simgpu-app) on $SG_CARD: nothing is mapped there' $W/err && [ ! -s $W/out ]"
run as alice cardsnoop read $T 0x10000fff0 32
check "read across the end of a mapping: the part before, then status 1" \
	sh -c "[ $rc = 1 ] && grep -q '^000000010000fff0  0d f0' $W/out && grep -q 'read stopped after 16 of 32 bytes' $W/err"
run as alice cardsnoop read -z $T 0x10000fff0 32
check "read -z: the hole reads as zeros" \
	sh -c "[ $rc = 0 ] && grep -q '^0000000100010000  00 00 00 00' $W/out"
run as alice cardsnoop read $T 0x1000000000000 16
check "read of a VA outside the 48-bit space: status 1, says so" \
	sh -c "[ $rc = 1 ] && grep -q 'not an address of the 48-bit GPU VA space' $W/err"
run as alice cardsnoop read $T $VRAM
check "read without a size: usage error, status 2, try --help" \
	sh -c "[ $rc = 2 ] && grep -q \"Try 'cardsnoop read --help'\" $W/err"

# --- write, seen by the target -------------------------------------------

run as alice cardsnoop write $T $((VRAM + 0x80)) --hex deadbeef
check "write --hex into VRAM: status 0" sh -c "[ $rc = 0 ]"
printf 'ABCD' > $W/in.bin
chmod 0644 $W/in.bin
run as alice cardsnoop write $T 0x200002000 -i $W/in.bin
check "write -i FILE into system memory: status 0" sh -c "[ $rc = 0 ]"
run as alice cardsnoop write $T $IB --hex 00
check "write to a GPU-read-only mapping: status 1, says it is read-only" \
	sh -c "[ $rc = 1 ] && grep -q 'read-only' $W/err"
run as alice cardsnoop write $T $VRAM --hex xyz
check "write --hex with bad hex: usage error" sh -c "[ $rc = 2 ] && grep -q 'invalid hex bytes' $W/err"
kill -USR1 $T
for i in $(seq 50); do has expect-ok $W/target.out && break; sleep 0.1; done
check "the target's own CPU view sees both writes (simgpu-app expect)" has expect-ok $W/target.out

# --- resolve ------------------------------------------------------------

run as alice cardsnoop resolve $T $((VRAM + 0x40))
check "resolve: mapping, offset, placement, page size" \
	sh -c "[ $rc = 0 ] && grep -q '^MAPPING: *0x0000000100000000' $W/out && grep -q '^OFFSET: *0x40' $W/out &&
		grep -q '^PLACEMENT: *vram' $W/out && grep -q '^PAGE-SIZE: *4K' $W/out && grep -q '^VRAM-OFFSET: *-' $W/out"
run as alice cardsnoop resolve $T 0xffff800000010008 --json
check "resolve --json: the resolution object" \
	json_is $W/out ".pid=$T" '.resolution.va=0xffff800000010008' \
		'.resolution.mapping_va=0xffff800000010000' '.resolution.offset=8' \
		'.resolution.perms=r-x' '.resolution.placement=system' \
		'.resolution.vram_offset=null' '.resolution.snapshot=false'
run as alice cardsnoop resolve $T 0x300000000
check "resolve of an unmapped VA: status 1" sh -c "[ $rc = 1 ] && [ -s $W/err ]"

# --- exec ---------------------------------------------------------------

run as alice "cardsnoop exec $T -- dd bs=4096 skip=\$(($VRAM / 4096)) count=1 status=none | od -A x -t x1"
check "exec dd: the GPU page at the VA, through the inherited fd 0" \
	sh -c "grep -q '^000000 0d f0 fe ca' $W/out && grep -q '^000040 78 56 34 12' $W/out && grep -q '^000080 de ad be ef' $W/out"
run as alice "cardsnoop exec -s $SYS $T -- od -A n -t x1 -N 8"
check "exec --seek: a tool that reads from where the file is" \
	sh -c "grep -q '44 33 22 11 44 33 22 11' $W/out"
run as alice "cardsnoop read $T $SYS 1M --raw > $W/sys.bin; cardsnoop exec -s $SYS $T -- cmp -n 1048576 - $W/sys.bin"
check "exec cmp: the snoop file and read --raw agree on 1M" sh -c "[ $rc = 0 ]"
run as alice "cardsnoop exec $T -- sh -c 'echo fd=\$CARDSNOOP_FD bits=\$CARDSNOOP_VA_BITS pid=\$CARDSNOOP_PID'"
check "exec: CARDSNOOP_FD, CARDSNOOP_VA_BITS, CARDSNOOP_PID" \
	sh -c "grep -q 'fd=0 bits=48 pid=$T' $W/out"
run as alice "cardsnoop exec $T -- cat /dev/fd/0"
check "exec: reopening /dev/fd/0 gives an unattached file (EBADFD), as documented" \
	sh -c "[ $rc != 0 ] && grep -qi 'bad state' $W/err"
run as alice "cardsnoop exec --write --fd 1 -s $((SYS + 0x3000)) $T -- printf WXYZ"
run as alice cardsnoop read $T $((SYS + 0x3000)) 4 --raw
check "exec --write --fd 1: a program's stdout writes GPU memory" sh -c "[ \"\$(cat $W/out)\" = WXYZ ]"
run as alice "cardsnoop exec --fd 1 -s $((SYS + 0x3000)) $T -- dd if=/dev/zero bs=1 count=1"
check "exec without --write: read-only, a write fails" sh -c "[ $rc != 0 ] && [ -s $W/err ]"
run as alice cardsnoop exec $T -- /nonexistent/prog
check "exec of a missing program: status 127, names it" \
	sh -c "[ $rc = 127 ] && grep -q 'cannot run /nonexistent/prog' $W/err"

# --- dump ---------------------------------------------------------------

run as alice cardsnoop dump $T -o $W/gpu.core
check "dump: status 0, quiet when not on a terminal" sh -c "[ $rc = 0 ] && [ ! -s $W/err ] && [ ! -s $W/out ]"
readelf_host -lW $W/gpu.core > $W/out 2> $W/err
cp $W/out $W/out.lw
check "dump: readelf -l shows a CORE file with a LOAD per mapping at its VA" \
	sh -c "grep -q 'Elf file type is CORE' $W/out && [ \$(grep -c ' LOAD ' $W/out) = 4 ] &&
		grep -q 'LOAD .*0x0000000100000000' $W/out && grep -q 'LOAD .*0xffff800000010000' $W/out"
readelf_host -nW $W/gpu.core > $W/out 2> $W/err
check "dump: notes CORE prpsinfo and CARDSNOOP (not taken for NT_PRSTATUS)" \
	sh -c "grep -q NT_PRPSINFO $W/out && grep -q CARDSNOOP $W/out && ! grep -q NT_PRSTATUS $W/out"
size=$(stat -c %s $W/gpu.core)
blocks=$(stat -c %b $W/gpu.core)
check "dump: sparse, the 1M zero buffer is a hole: $((blocks * 512)) bytes on disk of $size" \
	[ $((blocks * 512)) -le $((size - 1048576)) ]
# the data of the first PT_LOAD (VRAM at 0x100000000) is the GPU's
off=$(awk '/ LOAD .*0x0000000100000000/ { print $2; exit }' $W/out.lw)
dd if=$W/gpu.core bs=4096 skip=$((off / 4096)) count=16 status=none > $W/load0.bin
su alice -s /bin/sh -c "cardsnoop read $T $VRAM 64K -o $W/vram2.bin"
check "dump: the PT_LOAD of VRAM holds what read -o reads" cmp -s $W/load0.bin $W/vram2.bin
run as alice cardsnoop dump $T -o $W/range.core --range $SYS:8K
readelf_host -lW $W/range.core > $W/out 2>> $W/err
check "dump --range: only that range, clipped" \
	sh -c "[ \$(grep -c ' LOAD ' $W/out) = 1 ] && grep -q 'LOAD .*0x0000000200000000 .*0x002000 0x002000' $W/out"
run as alice cardsnoop dump $T -o /proc/nope/core
check "dump to a path that cannot be created: status 1, names it" \
	sh -c "[ $rc = 1 ] && grep -q 'cannot create /proc/nope/core' $W/err"

# --- ring ---------------------------------------------------------------

run cardsnoop ring
check "ring: the header, the packet, its client's process" \
	sh -c "[ $rc = 0 ] && grep -q '$SG_CARD (simgpu) kernel ring at 0xffff800000000000' $W/out &&
		grep -q '^packet 0 (seqno 1, slot 0): done' $W/out &&
		grep -q 'client [0-9]*: PID $T (simgpu-app), fd' $W/out"
check "ring: the IB and its commands, with the data they wrote" \
	sh -c "grep -q 'IB at 0xffff800000010000, 96B, 3 commands:' $W/out &&
		grep -q 'FILL     0x0000000200000000 4K with 0x11223344' $W/out &&
		grep -q 'WRITE32  0x0000000100000040 = 0x12345678' $W/out &&
		grep -q 'COPY     0x0000000100000000 -> 0x0000000200001000, 64B' $W/out &&
		grep -q 'data at 0x0000000100000040: 78563412' $W/out"
run cardsnoop ring --json
check "ring --json: ring, packets, decoded commands" \
	json_is $W/out '.ring.va=0xffff800000000000' '.ring.wptr=1' '.packets#=1' \
		".packets[0].pid=$T" '.packets[0].status=done' '.packets[0].ib_va=0xffff800000010000' \
		'.packets[0].commands#=3' '.packets[0].commands[0].op=fill' \
		'.packets[0].commands[1].op=write32' '.packets[0].commands[2].op=copy' \
		'.packets[0].commands[1].data=78563412' '.packets[0].error=null'
run as alice cardsnoop ring
check "ring as alice: status 1, the kernel VM needs CAP_SYS_ADMIN" \
	sh -c "[ $rc = 1 ] && [ -s $W/err ] && [ ! -s $W/out ]"
run cardsnoop dump --kernel -o $W/kernel.core
readelf_host -lW $W/kernel.core > $W/out 2>> $W/err
check "dump --kernel as root: the kernel VM, the ring at 0xffff800000000000" \
	sh -c "[ $rc = 0 ] && grep -q 'LOAD .*0xffff800000000000' $W/out"
run cardsnoop read --kernel 0xffff800000000000 4 --raw
check "read --kernel: the ring's magic SGRN" sh -c "[ \"\$(cat $W/out)\" = SGRN ]"

# --- usage --------------------------------------------------------------

run cardsnoop frob
check "unknown command: status 2" sh -c "[ $rc = 2 ] && grep -q \"Try 'cardsnoop --help'\" $W/err"
run cardsnoop --help
check "--help: status 0, on stdout" sh -c "[ $rc = 0 ] && grep -q '^Usage:' $W/out"

kill $T $TWO $ROOTP $NODRM 2>/dev/null
wait 2>/dev/null
echo "1..$n"
exit $failed
