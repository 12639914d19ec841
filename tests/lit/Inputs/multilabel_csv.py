"""multilabel_csv.py ROWS SEED: a CSV of 4 features and two 0/1 labels.

Features are standard normal; the labels, in columns between the features,
are x0 + x1 > 0 and x2 > x3 / 2, so a linear model separates each.
"""
import random
import sys

rows, seed = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(seed)
print("x0,a,x1,x2,b,x3")
for _ in range(rows):
    x = [rng.gauss(0, 1) for _ in range(4)]
    a = int(x[0] + x[1] > 0)
    b = int(x[2] > x[3] / 2)
    print("%.6f,%d,%.6f,%.6f,%d,%.6f" % (x[0], a, x[1], x[2], b, x[3]))
