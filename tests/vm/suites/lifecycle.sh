# SPDX-License-Identifier: MIT
# vm-run: --vram 64 --timeout 600
#
# Lifecycle and faults (issue 8): targets that exit or close their DRM fd
# during long reads, mmap faults and with dirty snapshots; snoopers
# SIGKILLed mid-read and mid-fault; sysfs unbind under a busy, mapped
# snooper; 10,000 attach/detach and map/unmap cycles with kernel memory
# back where it started; module unload refused while attached or mapped
# and clean after (last: it reloads the modules).  See
# tests/guest/stress_lifecycle.c.
#
# The fault-injection test needs failslab/fail_page_alloc, which Debian's
# kernel lacks: there it reports "# SKIP no fault injection in this
# kernel", a skip that is acceptable only because make check-debug runs
# the same suite on the debug kernel, where it runs (and kmemleak scans).
rc=0
stress_lifecycle "$@" || rc=1
stress_lifecycle unload "$@" || rc=1
exit $rc
