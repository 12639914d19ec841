"""What both crash-safety scripts run: the model, its seeded synthetic data
set, the `voskhod train` command line, and the per-step losses a run leaves.
"""
import csv
import os
import random

MODEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "crash.vg")


def write_data(work, rows):
    """A CSV of `rows` seeded samples with 8 features and 3 classes."""
    rng = random.Random(1234)
    data = os.path.join(work, "train.csv")
    with open(data, "w") as f:
        f.write(",".join("f%d" % i for i in range(8)) + ",label\n")
        for _ in range(rows):
            row = [rng.gauss(0, 1) for _ in range(8)]
            label = (row[0] + row[1] > 0) + (row[2] > 0.5)
            f.write(",".join("%.5f" % v for v in row) + ",%d\n" % label)
    return data


def train_args(voskhod, data, epochs, ckdir, resume):
    args = [voskhod, "train", MODEL, "--data", "csv:" + data, "--epochs",
            str(epochs), "--checkpoint", ckdir, "--seed", "3", "--threads", "2"]
    return args + (["--resume"] if resume else [])


def step_losses(ckdir):
    with open(os.path.join(ckdir, "crash.loss.csv")) as f:
        return [row for row in csv.reader(f)]
