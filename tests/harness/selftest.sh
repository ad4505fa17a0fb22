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

# 3. A VM that does not finish in time fails, and nothing is left behind.
before=$(ls /dev/shm | grep -c 'cardsnoop-vm' || true)
cat > "$tmp/hang.sh" <<'S'
sleep 1000
S
"$RUN" --no-load --timeout 15 "$tmp/hang.sh" >/dev/null 2>"$tmp/hang.err"
rc=$?
[ $rc != 0 ] && grep -q 'did not finish' "$tmp/hang.err" && tap OK "timeout fails the run" ||
	tap FAIL "timeout fails the run (rc $rc)"
after=$(ls /dev/shm | grep -c 'cardsnoop-vm' || true)
[ "$before" = "$after" ] && tap OK "no /dev/shm VRAM file left behind" ||
	tap FAIL "no /dev/shm VRAM file left behind"

echo "1..$n"
[ $fails = 0 ]
