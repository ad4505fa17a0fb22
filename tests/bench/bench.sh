# SPDX-License-Identifier: MIT
#
# The in-VM side of `make bench`: run cs-bench over every figure and write
# bench.json to /out (the host's build/bench).  simgpu built without its
# cardsnoop hooks (SIMGPU_SNOOP=0) is at /out/nohooks/simgpu.ko, for the
# hook-cost figures, which swap it with the normal one inside this run.
# Arguments go to cs-bench (group names, --quick, -v; cs-bench --help).
#
# The top-level Makefile runs it as
#   tests/vm/run --out build/bench --mem 2048 --append \
#       "slub_debug=- kfence.sample_interval=0 no_timer_check" tests/bench/bench.sh
# (the debug allocator and KFENCE off, as on a production kernel; no timer
# check, which fails at boot now and then when the host is busy).
set -u

kver=$(uname -r)
hooks=/lib/modules/$kver/updates/simgpu.ko
for f in /out/guest/cs-bench /out/nohooks/simgpu.ko "$hooks"; do
	if [ ! -e "$f" ]; then
		echo "bench: missing $f (run 'make bench')"
		exit 2
	fi
done
# Loaded a few dozen times: from memory, not through 9p.
cp /out/nohooks/simgpu.ko /tmp/simgpu-nohooks.ko || exit 2

# What the figures depend on, for the record.
echo "bench-env: kernel $kver, $(grep -c ^processor /proc/cpuinfo) vCPUs, $(awk '/MemTotal/ { print int($2 / 1024) " MiB" }' /proc/meminfo)"
echo "bench-env: THP $(cat /sys/kernel/mm/transparent_hugepage/enabled), slab debugging $(cat /sys/kernel/slab/kmalloc-64/sanity_checks) (1: on), KFENCE sample interval $(cat /sys/module/kfence/parameters/sample_interval) ms (0: off)"
echo "bench-env: cardsnoop fault_around_pages=$(cat /sys/module/cardsnoop/parameters/fault_around_pages) snapshot_limit_mb=$(cat /sys/module/cardsnoop/parameters/snapshot_limit_mb)"

rm -f /out/bench.json
/out/guest/cs-bench --out /out/bench.json --nohooks-ko /tmp/simgpu-nohooks.ko \
	--hooks-ko "$hooks" "$@"
rc=$?
if [ $rc != 0 ]; then
	echo "bench: cs-bench exited with status $rc; the end of the kernel log:"
	dmesg | tail -n 30
fi
exit $rc
