# SPDX-License-Identifier: MIT
# vm-run: --host-root --vram 32 --timeout 300
#
# Real tools (issue 8): programs we did not write, unmodified, on a target's
# GPU memory through `cardsnoop exec` (the attached snoop file as their fd
# N; file offset = GPU VA): busybox and GNU dd reading and writing at GPU
# VAs, xxd, hexdump and od (util-linux/vim/coreutils and busybox), GNU cmp
# against the bytes the target wrote, a SEEK_DATA/SEEK_HOLE walk and
# python3's mmap module (watching the target's writes appear, writing
# through a mapping, a read-only attachment refusing a writable one),
# /dev/fd/N reopened (EBADFD), and the ELF dump of `cardsnoop dump` read by
# readelf and gdb.  The host's programs run in the guest through hostrun
# (tests/vm/realtools/hostrun: the host's / is mounted at /host).
#
# The target is simgpu-app with stamped buffers (dword i = SEED + i):
#   0x100000000       64K system  stamp 0x11110000  ("sys")
#   0x200000000       64K VRAM    stamp 0x22220000  ("vram")
#   0x300000000       64K system  zero, GNU dd writes it       ("rw")
#   0x400000000       64K VRAM    zero, busybox dd writes it   ("rw2")
#   0xffff800000000000 8K system  stamp 0x55550000  ("hi", file offset
#                                 0x800000000000)
# and it checks what the tools wrote at each `pause` (SIGUSR1).
#
# Prints TAP and its figures; exits 1 if anything failed.

chmod 0666 /dev/dri/*
n=0
failed=0
tools=0
W=/tmp/rt
mkdir -p $W
chmod 1777 $W
start=$(date +%s)

ok() {
	n=$((n + 1))
	echo "ok $n - realtools: $1"
}

nok() {
	n=$((n + 1))
	echo "not ok $n - realtools: $1"
	failed=$((failed + 1))
	[ -s $W/out ] && head -c 2000 $W/out | sed 's/^/#   out: /'
	[ -s $W/err ] && head -c 2000 $W/err | sed 's/^/#   err: /'
}

# check NAME 'CONDITION': ok if the shell condition (a list) holds
check() {
	if eval "$2"; then ok "$1"; else nok "$1"; fi
}

# run CMD...: stdout in $W/out, stderr in $W/err, status in $rc; 60 s at most
run() {
	tools=$((tools + 1))
	timeout 60 "$@" > $W/out 2> $W/err < /dev/null
	rc=$?
}

out_is() { [ "$(cat $W/out)" = "$1" ]; }
out_has() { grep -qF -- "$1" $W/out; }
err_has() { grep -qF -- "$1" $W/err; }
size_is() { [ "$(stat -c %s "$1")" = "$2" ]; }

# wait_for FILE LINE: until the target printed LINE (30 s at most)
wait_for() {
	i=0
	while ! grep -qx -- "$2" "$1"; do
		i=$((i + 1))
		[ $i -gt 300 ] && return 1
		sleep 0.1
	done
}

if ! hostrun --setup; then
	echo "Bail out! the host's programs are not available (tests/vm/run --host-root)"
	exit 1
fi

# --- what the target holds and what the tools will write -----------------
hostrun python3 - <<'EOF'
import struct
def stamp(name, seed, size):
    with open("/tmp/rt/" + name, "wb") as f:
        f.write(b"".join(struct.pack("<I", (seed + i) & 0xffffffff)
                         for i in range(size // 4)))
stamp("exp-sys", 0x11110000, 65536)
stamp("exp-vram", 0x22220000, 65536)
stamp("exp-hi", 0x55550000, 8192)
stamp("w-gnu", 0x33330000, 65536)
stamp("w-bb", 0x44440000, 65536)
EOF
head -c 65536 /dev/zero > $W/zero64k

cat > $W/target.sg <<'EOF'
bo sys 64K system
bind sys 0x100000000
stamp sys 0x11110000
bo vram 64K vram
bind vram 0x200000000
stamp vram 0x22220000
bo rw 64K system
bind rw 0x300000000
bo rw2 64K vram
bind rw2 0x400000000
bo hi 8K system
bind hi 0xffff800000000000
stamp hi 0x55550000
print ready
# 1: GNU dd wrote rw
pause
check-stamp rw 0x33330000
print p1
# 2: busybox dd wrote rw2 (VRAM)
pause
check-stamp rw2 0x44440000
print p2
# 3: python3 watches sys through a mapping while we write to it
pause
poke 0x100000040 efbeadde
gpu-write32 0x100000080 0xcafef00d
print p3
# 4: python3 wrote through writable mappings, system and VRAM
pause
expect 0x300002000 736e6f6f70656421
expect 0x400003000 7672616d736e6170
print p4
hold
EOF
: > $W/t.out
sh -c "echo \$\$ > $W/t.pid; exec simgpu-app $W/target.sg" > $W/t.out 2> $W/t.err &
if ! wait_for $W/t.out ready; then
	sed 's/^/# target: /' $W/t.err
	echo "Bail out! simgpu-app did not start"
	exit 1
fi
pid=$(cat $W/t.pid)
SYS=$((0x100000000))
VRAM=$((0x200000000))
RW=$((0x300000000))
RW2=$((0x400000000))
HI=$((0x800000000000))	# 0xffff800000000000 as a file offset

# --- reading: dd ----------------------------------------------------------
run cardsnoop exec $pid -- dd bs=4096 skip=$((SYS / 4096)) count=16 of=$W/bb-sys
check "busybox dd reads a system buffer at its VA (cmp)" \
	'[ $rc = 0 ] && cmp $W/bb-sys $W/exp-sys'

run cardsnoop exec $pid -- hostrun dd bs=4096 skip=$((VRAM / 4096)) count=16 \
	of=$W/gnu-vram status=none
check "GNU dd reads a VRAM buffer at its VA (GNU cmp)" \
	'[ $rc = 0 ] && hostrun cmp $W/gnu-vram $W/exp-vram'

run cardsnoop exec $pid -- hostrun dd bs=4096 skip=$((HI / 4096)) count=2 \
	of=$W/gnu-hi status=none
check "GNU dd reads the high half (0xffff800000000000, offset 0x800000000000)" \
	'[ $rc = 0 ] && hostrun cmp $W/gnu-hi $W/exp-hi'

run cardsnoop exec $pid -- hostrun dd iflag=skip_bytes,count_bytes bs=64 \
	skip=$((SYS + 12)) count=100 of=$W/gnu-odd status=none
check "GNU dd skip_bytes at an unaligned VA" \
	'[ $rc = 0 ] && size_is $W/gnu-odd 100 &&
	hostrun cmp -i 12:0 -n 100 $W/exp-sys $W/gnu-odd'

run cardsnoop exec $pid -- hostrun dd bs=4096 skip=$((SYS / 4096)) count=17 \
	of=$W/gnu-end status=none
check "GNU dd stops with EIO where the mapping ends, after its 64K" \
	'[ $rc = 1 ] && err_has "Input/output error" &&
	hostrun cmp $W/gnu-end $W/exp-sys'

run cardsnoop exec --zero-holes $pid -- hostrun dd bs=4096 skip=$((SYS / 4096)) \
	count=17 of=$W/gnu-zh status=none
check "GNU dd with exec --zero-holes reads the hole after it as zeros" \
	'[ $rc = 0 ] && size_is $W/gnu-zh 69632 &&
	hostrun cmp -n 65536 $W/gnu-zh $W/exp-sys &&
	hostrun cmp -i 65536:0 -n 4096 $W/gnu-zh $W/zero64k'

run cardsnoop exec $pid -- dd bs=4096 skip=$((SYS / 4096)) count=17 of=$W/bb-end
check "busybox dd fails where the mapping ends, after its 64K" \
	'[ $rc != 0 ] && cmp $W/bb-end $W/exp-sys'

# --- reading: cmp, xxd, hexdump, od ---------------------------------------
run cardsnoop exec $pid -- hostrun cmp -i $SYS:0 -n 65536 - $W/exp-sys
check "GNU cmp of the inherited fd at a VA against the target's bytes" \
	'[ $rc = 0 ]'

run cardsnoop exec $pid -- hostrun cmp -i $VRAM:0 -n 65536 - $W/exp-sys
check "GNU cmp finds where another buffer differs" \
	'[ $rc = 1 ] && grep -qE "differ: (byte|char) 3, line 1" $W/out'

XXD='100000000: 0000 1111 0100 1111 0200 1111 0300 1111  ................
100000010: 0400 1111 0500 1111 0600 1111 0700 1111  ................'
run cardsnoop exec $pid -- hostrun xxd -s 0x100000000 -l 32
check "xxd -s VA (vim)" '[ $rc = 0 ] && out_is "$XXD"'
run cardsnoop exec $pid -- xxd -s 0x100000000 -l 32
check "xxd -s VA (busybox)" '[ $rc = 0 ] && out_is "$XXD"'

HD='100000000  00 00 11 11 01 00 11 11  02 00 11 11 03 00 11 11  |................|
100000010  04 00 11 11 05 00 11 11  06 00 11 11 07 00 11 11  |................|
100000020'
run cardsnoop exec $pid -- hostrun hexdump -C -s 0x100000000 -n 32
check "hexdump -C -s VA (util-linux)" '[ $rc = 0 ] && out_is "$HD"'
run cardsnoop exec $pid -- hexdump -C -s 0x100000000 -n 32
check "hexdump -C -s VA (busybox)" '[ $rc = 0 ] && out_is "$HD"'

OD='11110000 11110001 11110002 11110003'
run cardsnoop exec $pid -- hostrun od -A x -t x4 -j $SYS -N 16
check "od -j VA (GNU)" '[ $rc = 0 ] && out_is "100000000 $OD
100000010"'
# busybox od skips by reading (from an unmapped byte 0): exec --seek instead
run cardsnoop exec --seek 0x100000000 $pid -- od -A x -t x4 -N 16
check "od after exec --seek VA (busybox)" '[ $rc = 0 ] && out_is "000000 $OD
000010"'

# --- SEEK_DATA/SEEK_HOLE, and the fd reopened -----------------------------
cat > $W/walk.py <<'PY'
import errno, os
fd = int(os.environ["CARDSNOOP_FD"])
off = 0
while True:
    try:
        data = os.lseek(fd, off, os.SEEK_DATA)
    except OSError as e:
        print("end", errno.errorcode[e.errno])
        break
    hole = os.lseek(fd, data, os.SEEK_HOLE)
    print("%#x-%#x" % (data, hole))
    off = hole
# the same fd, reopened through /dev/fd: a new, unattached snoop file
try:
    with open("/dev/fd/%d" % fd, "rb") as f:
        f.read(8)
    print("reopened: read")
except OSError as e:
    print("reopened:", errno.errorcode[e.errno])
PY
WALK='0x100000000-0x100010000
0x200000000-0x200010000
0x300000000-0x300010000
0x400000000-0x400010000
0x800000000000-0x800000002000
end ENXIO
reopened: EBADFD'
run cardsnoop exec --fd 5 $pid -- hostrun python3 $W/walk.py
check "SEEK_DATA/SEEK_HOLE walk (python3 os.lseek, fd 5); /dev/fd/5 reopened: EBADFD" \
	'[ $rc = 0 ] && out_is "$WALK"'

run cardsnoop exec $pid -- cat /dev/fd/0
check "busybox cat /dev/fd/0 (reopened) fails with EBADFD" \
	'[ $rc != 0 ] && err_has "File descriptor in bad state"'
run cardsnoop exec $pid -- hostrun dd if=/dev/stdin bs=4096 count=1 status=none
check "GNU dd if=/dev/stdin (reopened) fails with EBADFD" \
	'[ $rc != 0 ] && err_has "File descriptor in bad state"'

# --- writing: dd ------------------------------------------------------------
run cardsnoop exec --fd 1 $pid -- hostrun dd if=$W/w-gnu bs=4096 seek=$((RW / 4096)) \
	conv=notrunc status=none
cardsnoop read --raw $pid $RW 65536 > $W/rw-after 2>> $W/err
check "GNU dd of= a read-only exec fails with EPERM, nothing written" \
	'[ $rc = 1 ] && err_has "Operation not permitted" && cmp $W/rw-after $W/zero64k'

run cardsnoop exec --write --fd 1 $pid -- hostrun dd if=$W/w-gnu bs=4096 \
	seek=$((RW / 4096)) conv=notrunc status=none
kill -USR1 $pid
check "GNU dd writes a system buffer at its VA; the target reads it back" \
	'[ $rc = 0 ] && wait_for $W/t.out p1'

run cardsnoop exec --write --fd 1 $pid -- dd if=$W/w-bb bs=4096 seek=$((RW2 / 4096)) \
	conv=notrunc
kill -USR1 $pid
check "busybox dd writes a VRAM buffer at its VA; the target reads it back" \
	'[ $rc = 0 ] && wait_for $W/t.out p2'

# --- python3 mmap -------------------------------------------------------------
cat > $W/watch.py <<'PY'
import mmap, os, signal, struct, sys, time
fd = int(os.environ["CARDSNOOP_FD"])
pid = int(os.environ["CARDSNOOP_PID"])
m = mmap.mmap(fd, 4096, mmap.MAP_SHARED, mmap.PROT_READ, offset=0x100000000)
word = lambda off: struct.unpack_from("<I", m, off)[0]
print("before %#x %#x" % (word(0x40), word(0x80)))
try:
    mmap.mmap(fd, 4096, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE,
              offset=0x100000000)
    print("writable mapping: allowed")
except OSError as e:
    print("writable mapping:", os.strerror(e.errno))
os.kill(pid, signal.SIGUSR1)          # the target writes now
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    if word(0x40) == 0xdeadbeef and word(0x80) == 0xcafef00d:
        print("seen %#x %#x" % (word(0x40), word(0x80)))
        sys.exit(0)
    time.sleep(0.001)
print("not seen: %#x %#x" % (word(0x40), word(0x80)))
sys.exit(1)
PY
WATCH='before 0x11110010 0x11110020
writable mapping: Permission denied
seen 0xdeadbeef 0xcafef00d'
run cardsnoop exec $pid -- hostrun python3 $W/watch.py
check "python3 mmap: the target's CPU and GPU writes appear; read-only refuses PROT_WRITE" \
	'[ $rc = 0 ] && out_is "$WATCH" && wait_for $W/t.out p3'

cat > $W/write.py <<'PY'
import mmap, os, signal
fd = int(os.environ["CARDSNOOP_FD"])
rw = mmap.PROT_READ | mmap.PROT_WRITE
sysm = mmap.mmap(fd, 4096, mmap.MAP_SHARED, rw, offset=0x300002000)
sysm[0:8] = b"snooped!"               # live: system pages are the real pages
vram = mmap.mmap(fd, 4096, mmap.MAP_SHARED, rw, offset=0x400003000)
vram[0:8] = b"vramsnap"               # a snapshot of VRAM ...
vram.flush()                          # ... written back by msync(MS_SYNC)
os.kill(int(os.environ["CARDSNOOP_PID"]), signal.SIGUSR1)
PY
run cardsnoop exec --write $pid -- hostrun python3 $W/write.py
check "python3 mmap writes system and VRAM memory (msync); the target reads it" \
	'[ $rc = 0 ] && wait_for $W/t.out p4'

# --- the ELF dump: readelf, gdb ------------------------------------------------
run cardsnoop dump $pid -o $W/gpu.core
check "cardsnoop dump writes the core" '[ $rc = 0 ] && [ -s $W/gpu.core ]'

run hostrun readelf -lW $W/gpu.core
check "readelf -l: a core with one PT_LOAD per mapping, at its VA" \
	'[ $rc = 0 ] && out_has "Elf file type is CORE (Core file)" &&
	[ "$(grep -c "^ *LOAD " $W/out)" = 5 ] &&
	grep -q "^ *LOAD .* 0x0000000100000000 .* 0x010000 0x010000 " $W/out &&
	grep -q "^ *LOAD .* 0x0000000200000000 .* 0x010000 0x010000 " $W/out &&
	grep -q "^ *LOAD .* 0x0000000300000000 .* 0x010000 0x010000 " $W/out &&
	grep -q "^ *LOAD .* 0x0000000400000000 .* 0x010000 0x010000 " $W/out &&
	grep -q "^ *LOAD .* 0xffff800000000000 .* 0x002000 0x002000 " $W/out'

run hostrun readelf -nW $W/gpu.core
check "readelf -n: the process and mapping notes" \
	'[ $rc = 0 ] && out_has "NT_PRPSINFO" && [ "$(grep -c CARDSNOOP $W/out)" -ge 2 ]'

run hostrun gdb -nx -batch -c $W/gpu.core -ex 'x/4gx 0x100000000' \
	-ex 'x/gx 0x100000040' -ex 'x/gx 0x100000080' -ex 'x/4gx 0x200000000' \
	-ex 'x/gx 0x300000000' -ex 'x/gx 0x400003000' -ex 'x/2gx 0xffff800000000000'
T=$(printf '\t')
check "gdb -c dump -ex x/4gx VA: the target's bytes and what the tools wrote" \
	'out_has "0x100000000:${T}0x1111000111110000${T}0x1111000311110002" &&
	out_has "0x100000010:${T}0x1111000511110004${T}0x1111000711110006" &&
	out_has "0x100000040:${T}0x11110011deadbeef" &&
	out_has "0x100000080:${T}0x11110021cafef00d" &&
	out_has "0x200000000:${T}0x2222000122220000${T}0x2222000322220002" &&
	out_has "0x300000000:${T}0x3333000133330000" &&
	out_has "0x400003000:${T}0x70616e736d617276" &&
	out_has "0xffff800000000000:${T}0x5555000155550000${T}0x5555000355550002"'

kill $pid
wait $pid 2>/dev/null

# --- as alice: her own target; bob refused ----------------------------------
: > $W/a.out
su alice -s /bin/sh -c "echo \$\$ > $W/a.pid; exec simgpu-app $W/target.sg" \
	> $W/a.out 2> $W/a.err &
if wait_for $W/a.out ready; then
	apid=$(cat $W/a.pid)
	run su alice -s /bin/sh -c \
		"cardsnoop exec $apid -- dd bs=4096 skip=$((SYS / 4096)) count=16 2>/dev/null"
	check "alice: busybox dd of her own target's buffer, no privilege" \
		'[ $rc = 0 ] && cmp $W/out $W/exp-sys'
	run su bob -s /bin/sh -c "cardsnoop exec $apid -- echo ran"
	check "bob: exec on alice's target is refused, the command never runs" \
		'[ $rc = 1 ] && ! out_has ran && [ -s $W/err ]'
	sed 's/^/# bob: /' $W/err
	kill $apid
	wait $apid 2>/dev/null
else
	nok "alice's target starts"
fi

echo "# realtools: $tools tool runs, $n checks, $failed failed, $(($(date +%s) - start)) s"
echo "1..$n"
[ $failed = 0 ]
