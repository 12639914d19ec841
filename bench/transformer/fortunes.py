#!/usr/bin/env python3
"""fortunes.py OUT: Debian's fortune files (package `fortunes`), every text
file of /usr/share/games/fortunes in name order, joined into OUT: the
corpus of examples/char_transformer.vg and bench/transformer/run.py.
Prints OUT's size and distinct bytes."""
import os
import sys

DIR = "/usr/share/games/fortunes"


def files():
    names = sorted(n for n in os.listdir(DIR)
                   if not n.endswith((".dat", ".u8")) and
                   os.path.isfile(os.path.join(DIR, n)) and
                   not os.path.islink(os.path.join(DIR, n)))
    return [os.path.join(DIR, n) for n in names]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: fortunes.py OUT")
    if not os.path.isdir(DIR):
        sys.exit("%s is missing: install Debian's fortunes package "
                 "(scripts/setup.sh does)" % DIR)
    data = b"".join(open(f, "rb").read() for f in files())
    with open(sys.argv[1], "wb") as f:
        f.write(data)
    print("%s: %d bytes, %d distinct" % (sys.argv[1], len(data), len(set(data))))


if __name__ == "__main__":
    main()
