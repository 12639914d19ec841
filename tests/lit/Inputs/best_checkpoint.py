"""best_checkpoint.py STEM METRIC: checks STEM.best.safetensors against
STEM.metrics.csv: its best_epoch is the first epoch with the best METRIC
(test_accuracy: highest, test_loss: lowest), its epoch is that epoch, and
best_metric is that epoch's value; STEM.safetensors records the same."""
import csv
import json
import struct
import sys

stem, metric = sys.argv[1], sys.argv[2]


def metadata(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        return json.loads(f.read(n))["__metadata__"]


rows = list(csv.DictReader(open(stem + ".metrics.csv")))
values = [float(r[metric]) for r in rows]
pick = max if metric == "test_accuracy" else min
best = values.index(pick(values)) + 1
kept = metadata(stem + ".best.safetensors")
assert kept["best_epoch"] == str(best), (kept["best_epoch"], best, values)
assert kept["epoch"] == str(best), kept["epoch"]
assert kept["best_metric_name"] == metric, kept["best_metric_name"]
assert float(kept["best_metric"]) == values[best - 1], (kept, values)
last = metadata(stem + ".safetensors")
assert last["best_epoch"] == str(best), last["best_epoch"]
print("best epoch %d of %d" % (best, len(values)))
