#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The start-up order took effect (cmake/startup-order/, sb_startup_order()): the functions an order
# file lists that the binary still has lie together at the start of its code, within twice their
# own size plus one 64 KiB fault-around window, not spread over the whole text.
# Usage: check_startup_order.sh <binary> <order file>
set -euo pipefail
binary=$1
order=$2
nm -S --defined-only "$binary" | python3 -c '
import sys
listed = set(l.strip() for l in open(sys.argv[1]) if l.strip())
spans, text = [], []
for line in sys.stdin:
    p = line.split()
    if len(p) == 4 and p[2] in "tTwW":
        start, size = int(p[0], 16), int(p[1], 16)
        text.append((start, size))
        if p[3] in listed and size:
            spans.append((start, size))
if not spans:
    sys.exit("FAIL!  : none of the listed functions is in " + sys.argv[2])
lo = min(s for s, _ in spans); hi = max(s + n for s, n in spans)
own = sum(n for _, n in set(spans))
whole = max(s + n for s, n in text) - min(s for s, _ in text)
limit = 2 * own + 65536
print(f"{sys.argv[2]}: {len(spans)} listed functions, {own} bytes, spread over {hi - lo} of {whole} bytes of code (limit {limit})")
if hi - lo > limit:
    sys.exit("FAIL!  : the start-up functions are spread out: is the binary linked with its order file?")
print("PASS   : packed")
' "$order" "$(basename "$binary")"
