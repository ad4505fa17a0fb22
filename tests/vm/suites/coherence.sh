# SPDX-License-Identifier: MIT
# vm-run: --vram 16 --timeout 400
#
# Coherence under churn (issue 8; design invariants 1-3): two targets bind,
# bind over, unbind, split, migrate, restamp, free and recreate buffers and
# put a 16 MiB VRAM under pressure, while snoopers read through pread and
# mmap and check every word against the history of what was mapped; then
# snooper writes (pwrite, mmap snapshots + fsync) race unbinds and
# migrations and every buffer word is checked.  See
# tests/guest/stress_coherence.c.  Prints its seed and figures; any
# violation fails it.  Arguments (CS_STRESS_SCALE=N from make check-debug,
# --seed N to reproduce a run) go to the program.
stress_coherence "$@"
