#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Self-test of tests/vm/run: it must report what it is there to catch.
# Boots the VM a few times; prints TAP.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
RUN=$TOP/tests/vm/run
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0

tap() {	# tap OK|FAIL NAME
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n - harness: $2"
	else
		echo "not ok $n - harness: $2"
		fails=$((fails + 1))
	fi
}

# 1. A script's exit status is the run's; its output and arguments arrive.
cat > "$tmp/status.sh" <<'S'
echo "args:$#:$1:$2"
[ "$(id -u)" = 0 ] || exit 9
[ "$(pwd)" = /work ] || exit 8
echo data > /out/file
exit 7
S
out=$("$RUN" --no-load --out "$tmp/out" "$tmp/status.sh" "a b" "c'd" 2>"$tmp/err")
rc=$?
[ $rc = 7 ] && tap OK "script exit status is the run's (7)" ||
	tap FAIL "script exit status is the run's (got $rc)"
[ "$out" = "args:2:a b:c'd" ] && tap OK "script output and arguments" ||
	tap FAIL "script output and arguments (got '$out')"
[ "$(cat "$tmp/out/file" 2>/dev/null)" = data ] && tap OK "/out lands in --out DIR" ||
	tap FAIL "/out lands in --out DIR"

# 2. A kernel WARNING fails the run although the script exits 0.
cat > "$tmp/warn.sh" <<'S'
insmod /lib/modules/$(uname -r)/updates/cstest_warn.ko || exit 0
echo 1 > /sys/kernel/debug/cstest_warn/warn
echo "still alive"
exit 0
S
"$RUN" --no-load --timeout 120 "$tmp/warn.sh" >"$tmp/warn.out" 2>"$tmp/warn.err"
rc=$?
if [ $rc != 0 ] && grep -q 'WARNING' "$tmp/warn.err" && grep -q 'full kernel log: ' "$tmp/warn.err"; then
	tap OK "kernel WARNING fails a run whose script exits 0 (rc $rc)"
	log=$(sed -n 's/.*full kernel log: //p' "$tmp/warn.err")
	[ -s "$log" ] && tap OK "failed run's kernel log is kept" || tap FAIL "failed run's kernel log is kept"
	rm -f "$log"
else
	tap FAIL "kernel WARNING fails a run whose script exits 0 (rc $rc)"
	sed 's/^/# /' "$tmp/warn.err"
	tap FAIL "failed run's kernel log is kept"
fi

# 3. A VM that does not finish in time fails, and nothing is left behind:
#    neither its temporary directory nor its /dev/shm VRAM files.  The run
#    gets a private TMPDIR, so its id can be seen while it runs (other VMs
#    may be running on the machine at the same time).
mkdir -p "$tmp/tmpdir"
cat > "$tmp/hang.sh" <<'S'
sleep 1000
S
TMPDIR=$tmp/tmpdir "$RUN" --no-load --timeout 15 "$tmp/hang.sh" >/dev/null 2>"$tmp/hang.err" &
pid=$!
id=
for _ in $(seq 100); do
	id=$(ls "$tmp/tmpdir" 2>/dev/null | head -n 1)
	[ -n "$id" ] && [ -n "$(ls /dev/shm/"$id"-vram* 2>/dev/null)" ] && break
	sleep 0.1
done
wait $pid
rc=$?
[ $rc != 0 ] && grep -q 'did not finish' "$tmp/hang.err" && tap OK "timeout fails the run" ||
	tap FAIL "timeout fails the run (rc $rc)"
if [ -n "$id" ] && [ -z "$(ls "$tmp/tmpdir")" ] &&
   [ -z "$(ls /dev/shm/"$id"-* 2>/dev/null)" ]; then
	tap OK "no temporary directory or /dev/shm VRAM file left behind"
else
	tap FAIL "no temporary directory or /dev/shm VRAM file left behind (id '$id')"
fi

# 4. What a SIGKILLed run left behind (no trap ran) is removed by the next
#    run; what a live run owns is not.
sleep 1000 &
live=$!
ns=$(readlink /proc/self/ns/pid)
mkdir -p "$tmp/tmpdir/cardsnoop-vm.stale1" "$tmp/tmpdir/cardsnoop-vm.live1"
echo "999999999 $ns" > "$tmp/tmpdir/cardsnoop-vm.stale1/owner"
echo "$live $ns" > "$tmp/tmpdir/cardsnoop-vm.live1/owner"
touch /dev/shm/cardsnoop-vm.stale1-vram0 /dev/shm/cardsnoop-vm.live1-vram0
echo true > "$tmp/true.sh"
TMPDIR=$tmp/tmpdir "$RUN" --no-load "$tmp/true.sh" >/dev/null 2>&1
if [ ! -e "$tmp/tmpdir/cardsnoop-vm.stale1" ] &&
   [ ! -e /dev/shm/cardsnoop-vm.stale1-vram0 ] &&
   [ -f "$tmp/tmpdir/cardsnoop-vm.live1/owner" ] &&
   [ -e /dev/shm/cardsnoop-vm.live1-vram0 ]; then
	tap OK "a killed run's leftovers are removed by the next run, a live run's kept"
else
	tap FAIL "a killed run's leftovers are removed by the next run, a live run's kept"
fi
kill $live 2>/dev/null
wait $live 2>/dev/null
rm -rf "$tmp/tmpdir/cardsnoop-vm.live1" /dev/shm/cardsnoop-vm.stale1-vram0 \
	/dev/shm/cardsnoop-vm.live1-vram0

echo "1..$n"
[ $fails = 0 ]
