#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# filter.py SRCTREE BASE LOG...: print the compiler, sparse and kernel-doc
# diagnostics of LOG... that point at code the series (BASE..HEAD in the
# git tree SRCTREE) added: any line of a new file, added lines of a changed
# one.  Diagnostics in code the series did not touch are counted, not
# shown: amdgpu's own headers have sparse errors of their own.  Each shown
# line names the patch that added the code.  Exit status 1 if any.

import os
import re
import subprocess
import sys

srctree, base, logs = sys.argv[1], sys.argv[2], sys.argv[3:]


def git(*args):
    return subprocess.run(["git", "-C", srctree, *args], check=True,
                          capture_output=True, text=True).stdout


# Lines added by the series, per file, in HEAD's numbering.
added = {}
new_files = set()
cur = None
for line in git("diff", "-U0", "--no-renames", base, "HEAD").splitlines():
    if line.startswith("+++ "):
        cur = None if line == "+++ /dev/null" else line[6:]
        if cur is not None:
            added.setdefault(cur, set())
    elif line.startswith("@@") and cur:
        m = re.match(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", line)
        old_start, old_len = int(m.group(1)), int(m.group(2) or 1)
        start, length = int(m.group(3)), int(m.group(4) or 1)
        if old_start == 0 and old_len == 0:
            new_files.add(cur)
        added[cur].update(range(start, start + length))

# Functions the series defines: a diagnostic located elsewhere (sparse's
# "context imbalance in 'f'" points into the inlined lock helper) still
# counts when it names one of them.
defined = {}
func = re.compile(r"^(?:static\s+)?(?:inline\s+)?[\w\s\*]*?\b(\w+)\(")
for path, lines in added.items():
    if not path.endswith(".c"):
        continue
    try:
        with open(os.path.join(srctree, path), errors="replace") as f:
            text = f.read().splitlines()
    except OSError:
        continue
    for n in lines:
        if 0 < n <= len(text):
            m = func.match(text[n - 1])
            if m and not text[n - 1].endswith(";"):
                defined[m.group(1)] = (path, n)

subjects = {}
for line in git("log", "--reverse", "--format=%H %s",
                f"{base}..HEAD").splitlines():
    h, s = line.split(" ", 1)
    subjects[h] = f"[{len(subjects) + 1}/{{n}}] {s}"


def patch_of(path, lineno):
    out = git("blame", "--porcelain", "-L", f"{lineno},{lineno}", "HEAD",
              "--", path)
    h = out.split(" ", 1)[0]
    s = subjects.get(h, "(base)")
    return s.replace("{n}", str(len(subjects)))


diag = re.compile(r"^(?P<path>[^ :]+):(?P<line>\d+):(?:\d+:)?\s*"
                  r"(?P<kind>warning|error)\b:?(?P<msg>.*)$")
shown, ignored, seen = [], 0, set()
for log in logs:
    if not os.path.exists(log):
        continue
    with open(log, errors="replace") as f:
        for text in f:
            m = diag.match(text.strip())
            if not m:
                continue
            path = os.path.normpath(m.group("path"))
            if path.startswith(os.path.normpath(srctree) + os.sep):
                path = os.path.relpath(path, srctree)
            lineno = int(m.group("line"))
            key = (path, lineno, m.group("msg").strip())
            if key in seen:
                continue
            seen.add(key)
            named = re.search(r"in '(\w+)'", m.group("msg"))
            if named and named.group(1) in defined and not (
                    path in added and lineno in added[path]):
                path, lineno = defined[named.group(1)]
            if path in added and (path in new_files or
                                  lineno in added[path]):
                shown.append(f"{path}:{lineno}: {m.group('kind')}:"
                             f"{m.group('msg')}\n    from "
                             f"{patch_of(path, lineno)}")
            else:
                ignored += 1

for s in shown:
    print(s)
print(f"new-code diagnostics: {len(shown)} "
      f"(in code the series did not touch: {ignored}, not counted)")
sys.exit(1 if shown else 0)
