#!/usr/bin/env python3
"""expect_exit.py STATUS COMMAND... runs COMMAND, passing its output through,
and succeeds only when it exits with exactly STATUS. A crash (a signal, or
the 134 of an abort) or a hang past the time limit is always a failure, so a
bad-input test cannot pass on a crash the way `not` would let it."""
import subprocess
import sys

want = int(sys.argv[1])
try:
    got = subprocess.run(sys.argv[2:], timeout=300).returncode
except subprocess.TimeoutExpired:
    sys.stderr.write("expect_exit: %s hung (over 300 s)\n" % sys.argv[2])
    sys.exit(1)
if got != want:
    what = "killed by signal %d" % -got if got < 0 else "exited with %d" % got
    sys.stderr.write("expect_exit: %s %s, expected exit status %d\n" % (sys.argv[2], what, want))
    sys.exit(1)
