# SPDX-License-Identifier: MIT
# vm-run: --vram 32 --vram-devices 2 --modules "cardsnoop simgpu vgem"
#
# The security matrix (issue 8): who may attach to whom, what fds ATTACH
# takes, the CAP_SYS_ADMIN-only parts, what a READONLY attachment may do,
# a target that execs a setuid program or is exiting; every row compared
# with what ptrace(2) says.  Unprivileged users need the nodes' permissions
# a udev rule would give.
chmod 0666 /dev/dri/*
rc=0
security_matrix "$@" || rc=1
# Yama scope 3 cannot be lowered again: last.
security_matrix yama3 "$@" || rc=1
exit $rc
