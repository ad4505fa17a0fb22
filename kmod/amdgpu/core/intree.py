#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# intree.py KERNEL COREDIR OBJ...: hook the cardsnoop core, copied into
# KERNEL/drivers/gpu/drm/cardsnoop/ by series.sh, into the kernel tree:
# drivers/gpu/drm/{Kconfig,Makefile}, a Documentation/gpu page built from
# the DOC: sections the sources have today, and a MAINTAINERS entry.

import os
import re
import sys

kernel, coredir = sys.argv[1], sys.argv[2]
objs = sys.argv[3:]


def edit(path, fn):
    full = os.path.join(kernel, path)
    with open(full) as f:
        text = f.read()
    new = fn(text)
    if new == text:
        sys.exit(f"intree.py: could not edit {path}")
    with open(full, "w") as f:
        f.write(new)


def insert_after(anchor, what):
    def fn(text):
        i = text.index(anchor) + len(anchor)
        return text[:i] + what + text[i:]
    return fn


# Kconfig: beside the other DRM infrastructure options (GPUVM, TTM, sched),
# before the drivers that select it.
edit("drivers/gpu/drm/Kconfig",
     insert_after('config DRM_SCHED\n\ttristate\n\tdepends on DRM\n',
                  '\nsource "drivers/gpu/drm/cardsnoop/Kconfig"\n'))

edit("drivers/gpu/drm/Makefile",
     insert_after('obj-$(CONFIG_DRM_SCHED)\t+= scheduler/\n',
                  'obj-$(CONFIG_DRM_CARDSNOOP)\t+= cardsnoop/\n'))

# Documentation: every DOC: section of the core, the driver API and the UAPI.
docs = []
for o in objs:
    src = f"drivers/gpu/drm/cardsnoop/{o[:-2]}.c"
    with open(os.path.join(kernel, src)) as f:
        for m in re.finditer(r"^ \* DOC: (.+)$", f.read(), re.M):
            docs.append((src, m.group(1).strip()))

# The overview first: the file that has it, then the rest in build order.
first = [src for src, doc in docs if doc == "Overview"]
docs.sort(key=lambda d: 0 if d[0] in first else 1)

title = "cardsnoop: GPU virtual address spaces as files"
rst = [".. SPDX-License-Identifier: GPL-2.0", "",
       "=" * len(title), title, "=" * len(title), ""]
for src, doc in docs:
    rst += [doc, "=" * len(doc), "", f".. kernel-doc:: {src}",
            f"   :doc: {doc}", ""]
rst += ["Driver API", "==========", "",
        ".. kernel-doc:: include/drm/cardsnoop.h", "   :internal:", ""]
for o in objs:
    rst += [f".. kernel-doc:: drivers/gpu/drm/cardsnoop/{o[:-2]}.c",
            "   :export:", ""]
rst += ["Userspace API", "=============", "",
        ".. kernel-doc:: include/uapi/drm/cardsnoop_drm.h", ""]
with open(os.path.join(kernel, "Documentation/gpu/cardsnoop.rst"), "w") as f:
    f.write("\n".join(rst).rstrip("\n") + "\n")

edit("Documentation/gpu/index.rst",
     insert_after("   drm-usage-stats\n", "   cardsnoop\n"))

# MAINTAINERS: a section in alphabetical order among the DRM ones.
with open(os.path.join(coredir, "MAINTAINERS")) as f:
    entry = f.read()
name = entry.splitlines()[0]


def add_entry(text):
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if (line.startswith("DRM ") and line > name and i > 0
                and lines[i - 1] == ""):
            return "\n".join(lines[:i]) + "\n" + entry + "\n" + \
                "\n".join(lines[i:])
    return text


edit("MAINTAINERS", add_entry)
