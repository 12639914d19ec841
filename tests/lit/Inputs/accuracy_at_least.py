"""accuracy_at_least.py PERCENT: stdin has a `... accuracy: X%` line with X >= PERCENT."""
import re
import sys

floor = float(sys.argv[1])
for line in sys.stdin:
    m = re.search(r"accuracy: ([0-9.]+)%", line)
    if m:
        value = float(m.group(1))
        if value < floor:
            sys.exit("accuracy %g%% is below %g%%" % (value, floor))
        print("accuracy %g%% >= %g%%" % (value, floor))
        sys.exit(0)
sys.exit("no accuracy line")
