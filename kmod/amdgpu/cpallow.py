#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# cpallow.py ALLOW LOG...: sort the items of checkpatch --terse --showfile
# logs into those that ALLOW justifies and those it does not.  ALLOW has
# one exception a line: a regex on the file, a regex on the message and
# the justification, separated by tabs.  Exit status 1 if any item is not
# justified.

import os
import re
import sys

allow = []
with open(sys.argv[1]) as f:
    for line in f:
        if line.strip() and not line.startswith("#"):
            file_re, msg_re, why = line.rstrip("\n").split("\t")
            allow.append((re.compile(file_re), re.compile(msg_re), why))

item = re.compile(r"^(?P<file>.*?):(?P<line>\d+): (?P<kind>ERROR|WARNING|CHECK): (?P<msg>.*)$")
bad, ok = [], []
for log in sys.argv[2:]:
    patch = os.path.basename(log)[len("checkpatch-"):-len(".log")]
    with open(log) as f:
        for text in f:
            m = item.match(text.strip())
            if not m:
                continue
            for file_re, msg_re, why in allow:
                if file_re.search(m.group("file")) and msg_re.search(m.group("msg")):
                    ok.append(f"  {patch}: {m.group('file')}:{m.group('line')}: "
                              f"{m.group('kind')}: {m.group('msg')}\n      justified: {why}")
                    break
            else:
                bad.append(f"  {patch}: {m.group('file')}:{m.group('line')}: "
                           f"{m.group('kind')}: {m.group('msg')}")

print(f"checkpatch --strict: {len(bad)} items to fix, {len(ok)} justified")
for b in bad:
    print(b)
for o in ok:
    print(o)
sys.exit(1 if bad else 0)
