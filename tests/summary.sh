#!/bin/sh
# SPDX-License-Identifier: MIT
#
# summary.sh LOG...: the last line of make check, "N passed, N failed"
# (", N skipped" when any), from the TAP lines of the logs.  Lists the
# failures above it.  Exits 1 if anything failed or nothing ran.
[ $# -gt 0 ] || { echo "summary: no test logs" >&2; exit 1; }
grep -h '^not ok' "$@" | sed 's/^/FAILED: /'
awk '
/^ok / && /# [Ss][Kk][Ii][Pp]/ { skipped++; next }
/^ok / { passed++; next }
/^not ok/ { failed++; next }
END {
	line = sprintf("%d passed, %d failed", passed, failed)
	if (skipped) line = line sprintf(", %d skipped", skipped)
	print line
	exit (failed > 0 || passed == 0) ? 1 : 0
}' "$@"
