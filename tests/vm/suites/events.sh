# SPDX-License-Identifier: MIT
# vm-run: --mem 1536
#
# cardsnoop's change events on simgpu (issue 11): the core's view.  The
# unplug case unbinds the GPU, so it runs last.
rc=0
core_events || rc=1
core_events unplug || rc=1
exit $rc
