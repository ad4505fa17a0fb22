# SPDX-License-Identifier: MIT
# vm-run: --vram-devices 1
#
# libcardsnoop against simgpu (issue 6): every call, through a target
# process.  Unprivileged users need the nodes' permissions a udev rule would
# give; the "other uid" tests run as uid 65534.
chmod 0666 /dev/dri/*
rc=0
lib_api || rc=1
exit $rc
