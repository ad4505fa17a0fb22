# SPDX-License-Identifier: MIT
# vm-run: --vram 32 --timeout 180
#
# cardsnoop watch in the VM (issue 11): alice watches her simgpu-app target
# as alice.  The replayed BINDs, then the live BIND, UNBIND, MIGRATE,
# SUBMIT, FAULT and EVICT lines in order, flushed as they happen (read
# through a pipe while the target is still paused); --json lines that
# parse; --dump-ib files equal to the IB bytes the target wrote; TARGET_EXIT
# ending watch with status 0; --count, --timeout, SIGINT, SIGTERM; an
# OVERFLOW line after a stopped watcher fell behind; the errors of the
# CLI; DEVICE_GONE with status 1 (last: it unbinds the GPU).  VRAM is 32M so
# that three 12M buffers evict.  JSON is checked with cli_json
# (tests/guest/cli_json.c), one line at a time.
#
# Prints TAP; exits 1 if anything failed.

n=0
failed=0
W=/tmp/watch
mkdir -p $W
chmod 1777 $W

ok() {
	n=$((n + 1))
	echo "ok $n - watch.sh: $1"
}

# nok NAME [FILE...]: a failure, with the files that say why
nok() {
	n=$((n + 1))
	echo "not ok $n - watch.sh: $1"
	shift
	for f in "$@" $W/out $W/err; do
		[ -s "$f" ] && sed "s|^|#   $(basename "$f"): |" "$f" | head -n 30
	done
	failed=1
}

# check NAME CMD...: ok if CMD succeeds (in this shell: "eval STRING" may
# use the functions below); on failure, the files in $SHOW are shown too
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else nok "$name" $SHOW; fi
	SHOW=
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

# wait_for FILE PATTERN [TENTHS]: until FILE has a line matching PATTERN
wait_for() {
	i=0
	while [ $i -lt "${3:-100}" ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

wait_file() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}

# The type column of a text output, one line: "bind bind unbind ..."
types() { awk '{ printf "%s%s", (NR > 1 ? " " : ""), $3 }' "$1"; }

# field FILE LINE KEY: the value of KEY= on line LINE of FILE
field() { sed -n "$2p" "$1" | tr ' ' '\n' | sed -n "s/^$3=//p"; }

# Each line of FILE is one valid JSON document.
json_lines() {
	while IFS= read -r l; do
		printf '%s\n' "$l" | cli_json > /dev/null 2>> $W/err || return 1
	done < "$1"
}

# jget FILE LINE PATH: a value of JSON line LINE of FILE
jget() { sed -n "$2p" "$1" | cli_json "$3"; }

# The hex of FILE's bytes, one string.
hexof() { od -A n -t x1 -v "$1" | tr -d ' \n'; }

# --- setup --------------------------------------------------------------

# What udev/70-cardsnoop.rules and Debian's rules for render nodes do.
chgrp render /dev/dri/card* /dev/dri/renderD*
chmod 0660 /dev/dri/card* /dev/dri/renderD*

cat > $W/target.sg <<'EOF'
bo data 64K vram
bo ibuf 4K system
bind data 0x100000000
bind ibuf 0xffff800000010000 ro
print ready
pause
bo more 8K system
bind more 0x300000000
unbind 0x300000000 4K
migrate data system
emit ibuf 0 fill 0x100000000 4K 0x11223344
emit ibuf 32 write32 0x100000040 0x12345678
ib 0xffff800000010000 64
bo ib2 4K vram
emit ib2 0 write32 0x500000000 1
bind ib2 0x600000000 ro
expect-fail EFAULT ib 0x600000000 32
bo big1 12M vram
bind big1 0x1000000000
bo big2 12M vram
bind big2 0x2000000000
bo big3 12M vram
bind big3 0x3000000000
print done
pause
EOF
chmod 0644 $W/target.sg
su alice -s /bin/sh -c "echo \$\$ > $W/target.pid; exec simgpu-app $W/target.sg > $W/target.out 2>&1" &
wait_for $W/target.out ready
T=$(cat $W/target.pid)
if ! grep -q ready $W/target.out; then
	echo "not ok 1 - watch.sh: the simgpu-app target did not start"
	sed 's/^/# /' $W/target.out
	exit 1
fi
# A process of root's with a DRM client.
# simgpu's card and render node (not card0 on a kernel with other DRM
# drivers built in).
SG_CARD=$(simgpu-card)
SG_N=${SG_CARD#card}
SG_RENDER=$(simgpu-card -r)
RENDER=$SG_RENDER
sh -c "echo \$\$ > $W/root.pid; exec 5<$RENDER; exec sleep 1000" &
wait_file $W/root.pid
ROOTP=$(cat $W/root.pid)

# --- a live target: text, JSON, a pipe ----------------------------------

# The watchers: text with --dump-ib, JSON with --dump-ib, and a pipe that
# keeps the submit lines (busybox grep buffers its output: a shell loop
# does not).
su alice -s /bin/sh -c "cardsnoop watch $T --dump-ib $W/ibs > $W/text.out 2> $W/text.err; echo \$? > $W/text.rc" &
su alice -s /bin/sh -c "cardsnoop watch $T --json --dump-ib $W/ibs2 > $W/json.out 2> $W/json.err; echo \$? > $W/json.rc" &
su alice -s /bin/sh -c "cardsnoop watch $T | while IFS= read -r l; do case \$l in *' submit '*) echo \"\$l\";; esac; done > $W/pipe.out" &
wait_for $W/text.out 0xffff800000010000
wait_for $W/json.out 0xffff800000010000
check "text: the replayed binds first, in VA order, marked replay" \
	eval "[ \$(wc -l < $W/text.out) = 2 ] &&
		grep -q '^     1 *[0-9.]* bind        va=0x0000000100000000 size=64K bo=[0-9]* offset=0x0 placement=vram perms=rwx kind=buffer replay\$' $W/text.out &&
		grep -q '^     2 *[0-9.]* bind        va=0xffff800000010000 size=4K bo=[0-9]* offset=0x0 placement=system perms=r-x kind=buffer replay\$' $W/text.out"
BO_DATA=$(field $W/text.out 1 bo)
BO_IB=$(field $W/text.out 2 bo)

kill -USR1 $T
wait_for $W/target.out done
wait_for $W/text.out 0x0000003000000000

# Still paused: what is there was flushed event by event.
check "text: the live events are there while the target still runs (flushed per event)" \
	eval "grep -q ' fault ' $W/text.out && grep -q 'va=0x0000003000000000' $W/text.out && [ ! -e $W/text.rc ]"
wait_for $W/pipe.out submit_seqno=2
SHOW="$W/pipe.out $W/text.out"
check "watch | filter: the submit lines come through a pipe live" \
	eval "[ \$(wc -l < $W/pipe.out) = 2 ] && grep -q 'va=0xffff800000010000 size=64B engine=0 submit_seqno=1\$' $W/pipe.out"
wait_for $W/json.out '"type": "fault"'
check "--json: the live objects are there while the target still runs" \
	grep -q '"type": "fault"' $W/json.out

# What the target did, in order (evictions come when VRAM is full).
grep -v ' evict ' $W/text.out > $W/noevict.out
check "text: bind, unbind, migrate, submit, bind, submit, fault, 3 binds: in order" \
	eval "[ \"\$(types $W/noevict.out)\" = 'bind bind bind unbind migrate submit bind submit fault bind bind bind' ]" 
check "text: sequence numbers 1, 2, 3... without a gap" \
	eval "awk '\$1 != NR { exit 1 }' $W/text.out"
check "text: times in seconds since the start, never going back" \
	eval "awk '\$2 !~ /^[0-9]+\\.[0-9][0-9][0-9][0-9][0-9][0-9]\$/ || \$2 < last { exit 1 } { last = \$2 }' $W/text.out"
check "text: the live bind (not replayed) with its size and buffer" \
	grep -Eq '^ +3 .* bind +va=0x0000000300000000 size=8K bo=[0-9]+ offset=0x0 placement=system perms=rwx kind=buffer$' $W/text.out
check "text: the unbind of the 4K cut out of it" \
	grep -Eq '^ +4 .* unbind +va=0x0000000300000000 size=4K bo=[0-9]+$' $W/text.out
check "text: the migration of the VRAM buffer to system memory" \
	grep -Eq "^ +5 .* migrate +va=0x0000000100000000 size=64K bo=$BO_DATA placement=system\$" $W/text.out
check "text: the submit: IB VA and size, engine, submission seqno, the saved file" \
	grep -Eq "^ +6 .* submit +va=0xffff800000010000 size=64B engine=0 submit_seqno=1 ib_file=$W/ibs/ib-6-0xffff800000010000.bin\$" $W/text.out
check "text: the faulting IB's submit, then the fault: VA, access, its submission" \
	eval "grep -Eq '^ +8 .* submit +va=0x0000000600000000 size=32B engine=0 submit_seqno=2 ' $W/text.out &&
		grep -Eq '^ +9 .* fault +va=0x0000000500000000 access=write submit_seqno=2\$' $W/text.out"
check "text: VRAM full: an evict line, to system memory" \
	grep -Eq ' evict +va=0x[0-9a-f]{16} size=[0-9]+[KM] bo=[0-9]+ placement=system$' $W/text.out

# --dump-ib: the bytes the target wrote (simgpu_drm.h engine commands:
# u32 op, u32 flags, u64 arg0..2, little endian)
FILL=0200000000000000000000000100000000100000000000004433221100000000
W32A=0400000000000000400000000100000078563412000000000000000000000000
W32B=0400000000000000000000000500000001000000000000000000000000000000
check "--dump-ib: the system-memory IB, byte for byte (FILL, WRITE32)" \
	eval "[ \"\$(hexof $W/ibs/ib-6-0xffff800000010000.bin)\" = $FILL$W32A ]"
check "--dump-ib: the VRAM IB that faulted, byte for byte" \
	eval "[ \"\$(hexof $W/ibs/ib-8-0x0000000600000000.bin)\" = $W32B ]"
check "--dump-ib: one file per submit, owned by alice, nothing on stderr" \
	eval "[ \$(ls $W/ibs | wc -l) = 2 ] && [ \$(stat -c %U $W/ibs/ib-6-0xffff800000010000.bin) = alice ] && [ ! -s $W/text.err ]"

# --json
check "--json: every line is one JSON document" json_lines $W/json.out
check "--json: the same events as the text, in the same order" \
	eval "[ \$(wc -l < $W/json.out) = \$(wc -l < $W/text.out) ] &&
		[ \"\$(while IFS= read -r l; do printf '%s\\n' \"\$l\" | cli_json .type; done < $W/json.out | tr '\\n' ' ')\" = \"\$(types $W/text.out) \" ]"
check "--json: a replayed bind: VA string, bytes, buffer, replay true" \
	eval "[ \"\$(jget $W/json.out 1 .va)\" = 0x0000000100000000 ] && [ \$(jget $W/json.out 1 .size) = 65536 ] &&
		[ \$(jget $W/json.out 1 .bo) = $BO_DATA ] && [ \$(jget $W/json.out 1 .replay) = true ] &&
		[ \$(jget $W/json.out 2 .perms) = r-x ] && [ \$(jget $W/json.out 3 .replay) = false ]"
check "--json: seqno and time are numbers, timestamp_ns CLOCK_MONOTONIC" \
	eval "[ \$(jget $W/json.out 4 .seqno) = 4 ] && jget $W/json.out 4 .time | grep -Eq '^[0-9]+\\.[0-9][0-9][0-9][0-9][0-9][0-9]\$' &&
		[ \$(jget $W/json.out 4 .timestamp_ns) -gt 0 ]"
check "--json: submit with its file and the IB decoded (fill, write32)" \
	eval "[ \$(jget $W/json.out 6 .type) = submit ] && [ \$(jget $W/json.out 6 .submit_seqno) = 1 ] &&
		[ \$(jget $W/json.out 6 .ib_file) = $W/ibs2/ib-6-0xffff800000010000.bin ] &&
		[ \$(jget $W/json.out 6 .ib_commands#) = 2 ] && [ \$(jget $W/json.out 6 '.ib_commands[0].op') = fill ] &&
		[ \$(jget $W/json.out 6 '.ib_commands[1].va') = 0x0000000100000040 ]"
check "--json: the fault: access as a string, the submission's seqno" \
	eval "[ \$(jget $W/json.out 9 .type) = fault ] && [ \$(jget $W/json.out 9 .access) = write ] &&
		[ \$(jget $W/json.out 9 .submit_seqno) = 2 ] && [ \$(jget $W/json.out 9 .va) = 0x0000000500000000 ]"
check "--json: unbind and migrate keys" \
	eval "[ \$(jget $W/json.out 4 .type) = unbind ] && [ \$(jget $W/json.out 4 .size) = 4096 ] &&
		[ \$(jget $W/json.out 5 .placement) = system ] && [ \$(jget $W/json.out 5 .bo) = $BO_DATA ]"
check "--json --dump-ib: the same IB bytes" cmp -s $W/ibs/ib-6-0xffff800000010000.bin $W/ibs2/ib-6-0xffff800000010000.bin

# --- one-shot runs on the paused target ---------------------------------

run as alice cardsnoop watch $T --count 2
check "--count 2: the first two replayed mappings, status 0" \
	eval "[ $rc = 0 ] && [ \$(wc -l < $W/out) = 2 ] && [ \"\$(types $W/out)\" = 'bind bind' ] && grep -q ' replay\$' $W/out"
run as alice cardsnoop watch $T --timeout 1 -b
check "--timeout 1: the mappings now, all replayed, status 0; -b sizes in bytes" \
	eval "[ $rc = 0 ] && [ \$(grep -c ' replay\$' $W/out) = \$(wc -l < $W/out) ] && [ \$(wc -l < $W/out) -ge 6 ] &&
		grep -q 'va=0x0000000300001000 size=4096 ' $W/out && [ ! -s $W/err ]"
run as alice cardsnoop watch $T --count 1000 --timeout 0.3
check "--count not reached by --timeout: status 1, says so" \
	eval "[ $rc = 1 ] && grep -q 'timed out after 0.300 s with [0-9]* of 1000 events of PID $T' $W/err"
for sig in INT TERM; do
	rm -f $W/sig.pid $W/sig.out
	su alice -s /bin/sh -c "echo \$\$ > $W/sig.pid; exec cardsnoop watch $T > $W/sig.out 2> $W/sig.err" &
	spid=$!
	wait_file $W/sig.pid
	wait_for $W/sig.out replay
	kill -$sig "$(cat $W/sig.pid)"
	wait $spid
	src=$?
	check "SIG$sig ends watch with status 0, quietly" eval "[ $src = 0 ] && [ ! -s $W/sig.err ] && [ -s $W/sig.out ]"
done
run cardsnoop watch --kernel --timeout 0.3
check "--kernel (root): the kernel VM's ring, replayed" \
	eval "[ $rc = 0 ] && grep -q 'bind        va=0xffff800000000000 .* kind=kernel replay' $W/out"

# --- errors -------------------------------------------------------------

run as alice cardsnoop watch 999999
check "watch of no process: status 1, 'no such process'" \
	eval "[ $rc = 1 ] && grep -q 'no such process' $W/err && [ ! -s $W/out ]"
run as alice cardsnoop watch $ROOTP
check "watch of root's process as alice: status 1, not allowed" \
	eval "[ $rc = 1 ] && grep -q 'not allowed to debug PID $ROOTP' $W/err && [ ! -s $W/out ]"
run as alice cardsnoop watch --kernel --timeout 0.1
check "watch --kernel as alice: status 1" eval "[ $rc = 1 ] && [ -s $W/err ] && [ ! -s $W/out ]"
run as alice cardsnoop watch $T --dump-ib $W/target.sg
check "--dump-ib onto a file: status 1, not a directory" \
	eval "[ $rc = 1 ] && grep -q '$W/target.sg is not a directory' $W/err && [ ! -s $W/out ]"
run as alice cardsnoop watch $T --count 0
check "--count 0: usage error, status 2" \
	eval "[ $rc = 2 ] && grep -q \"Try 'cardsnoop watch --help'\" $W/err"

# --- the target exits ----------------------------------------------------

kill -USR1 $T
for f in text json; do
	i=0
	while [ ! -s $W/$f.rc ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
done
check "target exit: the text watch ends with target-exit, status 0" \
	eval "[ \"\$(cat $W/text.rc)\" = 0 ] && tail -n 1 $W/text.out | grep -Eq ' target-exit pid=$T\$'"
check "target exit: the JSON watch too" \
	eval "[ \"\$(cat $W/json.rc)\" = 0 ] && [ \"\$(tail -n 1 $W/json.out | cli_json .type)\" = target-exit ] &&
		[ \"\$(tail -n 1 $W/json.out | cli_json .pid)\" = $T ]"

# --- overflow: a watcher that falls behind ------------------------------

{
	echo "bo b 4K system"
	echo "bind b 0x100000000"
	echo "print ready"
	echo "pause"
	for i in $(seq 100); do printf 'bind b 0x%x\n' $((0x100000000 + i * 0x10000)); done
	echo "print done"
	echo "hold"
} > $W/many.sg
chmod 0644 $W/many.sg
su alice -s /bin/sh -c "echo \$\$ > $W/many.pid; exec simgpu-app $W/many.sg > $W/many.out 2>&1" &
wait_for $W/many.out ready
M=$(cat $W/many.pid)
echo 16 > /sys/module/cardsnoop/parameters/events_max
su alice -s /bin/sh -c "echo \$\$ > $W/slow.pid; exec cardsnoop watch $M > $W/slow.out 2> $W/slow.err" &
SLOWSU=$!
wait_file $W/slow.pid
# attached (its queue holds 16) once the replayed mapping is printed
wait_for $W/slow.out replay
echo 16384 > /sys/module/cardsnoop/parameters/events_max
SLOW=$(cat $W/slow.pid)
kill -STOP $SLOW
kill -USR1 $M
wait_for $W/many.out done
kill -CONT $SLOW
wait_for $W/slow.out overflow
check "overflow: dropped count and range, the advice to list the mappings again" \
	grep -Eq "^ +2 .* overflow +dropped=84 first_seqno=2 last_seqno=85 \\(events were lost: 'cardsnoop maps $M' lists the mappings now\\)\$" $W/slow.out
check "overflow: the 16 kept events follow, from seqno 86" \
	eval "[ \$(grep -c ' bind ' $W/slow.out) = 17 ] && sed -n 3p $W/slow.out | grep -q '^    86 ' &&
		tail -n 1 $W/slow.out | grep -q '^   101 .* bind  *va=0x0000000100640000 '"

# --- the GPU goes away (last) -------------------------------------------

DEV=$(basename "$(readlink /sys/class/drm/$SG_CARD/device)")
echo "$DEV" > /sys/bus/pci/drivers/simgpu/unbind
i=0
while kill -0 $SLOWSU 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
wait $SLOWSU
grc=$?
check "device gone: device-gone card=N, status 1, a message naming the card" \
	eval "[ $grc = 1 ] && tail -n 1 $W/slow.out | grep -Eq ' device-gone card=$SG_N\$' && grep -q '$SG_CARD is gone' $W/slow.err"

kill $M $ROOTP 2>/dev/null
wait 2>/dev/null
echo "1..$n"
exit $failed
