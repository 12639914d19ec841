"""Reads `step N: loss X` lines on stdin; exits 1 unless the loss fell.

Usage: loss_falls.py [RATIO]  -- the last loss must be below RATIO times the
first (default 0.9), and every loss must be finite.
"""
import math
import re
import sys

ratio = float(sys.argv[1]) if len(sys.argv) > 1 else 0.9
losses = []
for line in sys.stdin:
    m = re.match(r"step (\d+): loss (\S+)", line)
    if m:
        losses.append(float(m.group(2)))
if len(losses) < 2:
    sys.exit("expected at least two 'step N: loss X' lines, got %d" % len(losses))
if not all(math.isfinite(x) for x in losses):
    sys.exit("a loss is not finite: %r" % losses)
if not losses[-1] < ratio * losses[0]:
    sys.exit("loss did not fall: first %g, last %g" % (losses[0], losses[-1]))
print("loss fell from %g to %g" % (losses[0], losses[-1]))
