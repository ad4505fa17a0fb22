#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# cover.py TEMPLATE GENERATED N: fill the cover letter that git
# format-patch --cover-letter wrote (GENERATED) with the subject and text
# of the checked-in TEMPLATE, keeping git's "[RFC PATCH 0/N]" prefix, the
# shortlog and the diffstat.

import re
import sys

template, generated, count = sys.argv[1], sys.argv[2], sys.argv[3]

with open(template) as f:
    head, _, body = f.read().partition("\n\n")
m = re.search(r"^Subject: \[[^]]*\] (.*(?:\n [^\n]*)*)", head, re.M)
if not m:
    sys.exit(f"cover.py: no Subject: in {template}")
subject = " ".join(line.strip() for line in m.group(1).split("\n"))

with open(generated) as f:
    text = f.read()
if "*** SUBJECT HERE ***" not in text or "*** BLURB HERE ***" not in text:
    sys.exit(f"cover.py: {generated} is not a git cover letter template")
text = text.replace("*** SUBJECT HERE ***", subject, 1)
text = text.replace("*** BLURB HERE ***", body.rstrip("\n") + "\n", 1)
if f"0/{count}]" not in text:
    sys.exit(f"cover.py: {generated} does not announce {count} patches")
with open(generated, "w") as f:
    f.write(text)
