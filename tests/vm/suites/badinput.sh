# SPDX-License-Identifier: MIT
# vm-run: --vram 64 --modules "cardsnoop simgpu vgem" --timeout 600
#
# Bad input (issue 8): every ioctl of cardsnoop and simgpu with every field
# wrong in turn, lseek to every boundary, reads, writes and mmaps at the
# end of the VA space (each row states the errno the UAPI headers
# document); then a seeded random sequence of ioctls, reads, writes,
# seeks, mmaps and accesses from 4 processes (120,000 operations; 30,000
# with CS_STRESS_SCALE=4): no kernel report, no hang, every error
# documented.  See tests/guest/fuzz_ioctl.c.  Unprivileged rows need the
# nodes' permissions a udev rule would give.
chmod 0666 /dev/dri/*
fuzz_ioctl "$@"
