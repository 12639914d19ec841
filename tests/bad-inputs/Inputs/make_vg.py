#!/usr/bin/env python3
"""make_vg.py KIND OUT writes an adversarial .vg file too large or too binary
to check in: nul-bytes (NUL bytes in a name and between tokens),
deep-nesting (a million nested parentheses), million-nodes (a chain of a
million nodes whose last statement uses an undefined value)."""
import sys

kind, out = sys.argv[1:3]
if kind == "nul-bytes":
    text = (b"graph @g {\n  %x = input f32[2]\n  %y\x00z = neg %x\n"
            b"  %w = neg\x00%x\n  return %y\n}\n")
elif kind == "deep-nesting":
    n = 1000000
    text = ("graph @g {\n  %x = input f32[2]\n  %y = " + "neg (" * n + "%x" +
            ")" * n + "\n  return %y\n}\n").encode()
elif kind == "million-nodes":
    n = 1000000
    lines = ["graph @g {", "  %v0 = input f32[2]"]
    lines += ["  %%v%d = neg %%v%d" % (i, i - 1) for i in range(1, n)]
    lines += ["  %%out = add %%v%d, %%nope" % (n - 1), "  return %out", "}", ""]
    text = "\n".join(lines).encode()
else:
    sys.exit("make_vg.py: unknown kind " + kind)
open(out, "wb").write(text)
