# SPDX-License-Identifier: MIT
#
# The in-VM side of `make bench`: run cs-bench over every figure, with the
# simgpu module built without its cardsnoop hooks (SIMGPU_SNOOP=0) at hand
# for the hook-cost figures, and write bench.json to /out (the host's
# build/bench).  Arguments go to cs-bench (e.g. a group name, --quick).
#
# Run by the top-level Makefile as
#   tests/vm/run --out build/bench --mem 2048 \
#       --append "slub_debug=- kfence.sample_interval=0" tests/bench/bench.sh
set -u

kver=$(uname -r)
nohooks=/out/nohooks/simgpu.ko
hooks=/lib/modules/$kver/updates/simgpu.ko
for f in /out/guest/cs-bench "$nohooks" "$hooks"; do
	if [ ! -e "$f" ]; then
		echo "bench: missing $f (run 'make bench')"
		exit 2
	fi
done

# What the figures depend on, for the record.
echo "bench-env: kernel $kver, $(grep -c ^processor /proc/cpuinfo) vCPUs, $(awk '/MemTotal/ { print int($2 / 1024) " MiB" }' /proc/meminfo)"
echo "bench-env: cmdline $(cat /proc/cmdline)"
echo "bench-env: THP $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null), slab debug $(cat /sys/kernel/slab/kmalloc-64/sanity_checks 2>/dev/null)/$(cat /sys/kernel/slab/kmalloc-64/store_user 2>/dev/null) (sanity/store_user), KFENCE interval $(cat /sys/module/kfence/parameters/sample_interval 2>/dev/null)"

rm -f /out/bench.json
/out/guest/cs-bench --out /out/bench.json --nohooks-ko "$nohooks" \
	--hooks-ko "$hooks" "$@"
