"""compare_losses.py TOL A B: the `step N: loss X` lines of two runs agree.

Exits 1 unless both files list the same steps and every pair of losses is
within TOL relative error.
"""
import re
import sys

tol = float(sys.argv[1])


def read(path):
    out = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"step (\d+): loss (\S+)", line)
            if m:
                out[int(m.group(1))] = float(m.group(2))
    return out


a, b = read(sys.argv[2]), read(sys.argv[3])
if not a or sorted(a) != sorted(b):
    sys.exit("the runs list different steps")
worst = 0.0
for step in sorted(a):
    err = abs(a[step] - b[step]) / max(abs(b[step]), 1e-12)
    worst = max(worst, err)
    if err > tol:
        sys.exit("step %d: %r vs %r (relative error %g > %g)" % (step, a[step], b[step], err, tol))
print("worst relative error %g" % worst)
