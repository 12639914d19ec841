"""reaches.py WHAT at-least|at-most BOUND: a run's result met its target.

Reads a run's output on stdin. WHAT `loss` takes the last `step N: loss X`
line (what `voskhod train` prints without --data); any other WHAT takes the
number on the last line that starts with `WHAT:` (`test accuracy: 97.3%`,
`test mean absolute error: 0.16`), a trailing `%` ignored. Exits 1 unless
that number is finite and on the right side of BOUND, and prints what it
compared either way.
"""
import math
import re
import sys

if len(sys.argv) != 4 or sys.argv[2] not in ("at-least", "at-most"):
    sys.exit(__doc__)
what, direction, bound = sys.argv[1], sys.argv[2], float(sys.argv[3])

if what == "loss":
    pattern = re.compile(r"step \d+: loss (\S+)")
else:
    pattern = re.compile(re.escape(what) + r":\s*([^\s%]+)%?")
value = None
for line in sys.stdin:
    m = pattern.match(line.strip())
    if m:
        value = float(m.group(1))
if value is None:
    sys.exit("no '%s' in the output" % what)
met = math.isfinite(value) and (
    value >= bound if direction == "at-least" else value <= bound)
print("%s: %g, %s %g: %s" % (what, value, direction, bound,
                             "reached" if met else "NOT REACHED"))
sys.exit(0 if met else 1)
