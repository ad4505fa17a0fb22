# SPDX-License-Identifier: MIT
# vm-run: --vram-devices 2 --modules "cardsnoop simgpu vgem"
#
# The cardsnoop core through its UAPI, on simgpu (issue 5's tests).
# Unprivileged users need the nodes' permissions a udev rule would give.
chmod 0666 /dev/dri/*
rc=0
core_uapi || rc=1
# A 32-bit debugger: every ioctl through compat_ioctl, VAs above 4 GiB.
compat32 "$(simgpu-card -r)" "/dev/dri/$(simgpu-card)-snoop" || rc=1
# Yama scope 3 cannot be lowered again: last.
core_uapi yama3 || rc=1
exit $rc
