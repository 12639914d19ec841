"""cifar10_folder.py DIR RECORDS: a CIFAR-10 binary folder in DIR.

data_batch_1.bin ... data_batch_5.bin and test_batch.bin, each of RECORDS
3073-byte records: a label byte (record index mod 10) and 3072 pixel bytes
whose red, green and blue planes centre on different values, so that
per-channel statistics differ.
"""
import os
import random
import sys

folder, records = sys.argv[1], int(sys.argv[2])
os.makedirs(folder, exist_ok=True)
rng = random.Random(10)
names = ["data_batch_%d.bin" % i for i in range(1, 6)] + ["test_batch.bin"]
for name in names:
    with open(os.path.join(folder, name), "wb") as f:
        for r in range(records):
            planes = [bytes(min(255, max(0, int(rng.gauss(60 + 60 * c, 20)))) for _ in range(1024))
                      for c in range(3)]
            f.write(bytes([r % 10]) + b"".join(planes))
