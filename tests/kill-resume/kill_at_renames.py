#!/usr/bin/env python3
"""kill_at_renames.py VOSKHOD PRELOAD WORKDIR

Crash safety at fixed kill points, the deterministic half of
kill_and_resume.py. Trains tests/kill-resume/crash.vg for a few epochs with
--checkpoint, once uninterrupted, then once for every rename(2) the run
makes: a fresh run is killed with SIGKILL just before its Nth rename (PRELOAD
is KillBeforeRename.c, built as a shared library) and then resumed to the
end. Files on disk change only at renames, so this visits every state a
kill can leave. The resumed run must end with the uninterrupted run's
per-step losses, bit for bit, in crash.loss.csv; and the run must make
exactly 4 renames per epoch (checkpoint, loss CSV, metrics CSV, SVG), or
the kill points below no longer cover every save.

The kill before the last epoch's loss CSV is the one kill_and_resume.py
once hit by chance: the checkpoint was complete, so the resumed run had no
step left to take, and the curves stayed one epoch short.
"""
import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # keep the source tree clean
from crash_run import step_losses, train_args, write_data

voskhod, preload, work = sys.argv[1], sys.argv[2], sys.argv[3]
epochs = 3
renames_per_epoch = 4

shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
data = write_data(work, 400)


def train(ckdir, resume, kill_before=None):
    env = dict(os.environ)
    if kill_before is not None:
        env["LD_PRELOAD"] = preload
        env["VOSKHOD_KILL_BEFORE_RENAME"] = str(kill_before)
    return subprocess.run(train_args(voskhod, data, epochs, ckdir, resume),
                          env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)


def fail(message):
    sys.stderr.write("kill_at_renames: " + message + "\n")
    sys.exit(1)


reference = os.path.join(work, "reference")
done = train(reference, False)
if done.returncode != 0:
    fail("the uninterrupted run failed:\n" + done.stderr)
expected = step_losses(reference)

renames = epochs * renames_per_epoch
files = ["checkpoint", "loss CSV", "metrics CSV", "SVG"]
failures = []
for n in range(1, renames + 2):
    where = ("after the run" if n > renames else "before epoch %d's %s" % (
        (n - 1) // renames_per_epoch + 1, files[(n - 1) % renames_per_epoch]))
    ckdir = os.path.join(work, "kill%d" % n)
    killed = train(ckdir, False, kill_before=n)
    if n <= renames and killed.returncode != -9:
        fail("rename %d (%s): the run was not killed (exit %d); it makes "
             "fewer renames than %d per epoch:\n%s" % (
                 n, where, killed.returncode, renames_per_epoch, killed.stderr))
    if n > renames and killed.returncode != 0:
        fail("the run made more than %d renames per epoch, or failed (exit "
             "%d):\n%s" % (renames_per_epoch, killed.returncode, killed.stderr))
    if n > renames:
        continue
    checkpoint = os.path.join(ckdir, "crash.safetensors")
    resumed = train(ckdir, os.path.exists(checkpoint))
    if resumed.returncode != 0:
        fail("killed before rename %d (%s): the resumed run failed:\n%s"
             % (n, where, resumed.stderr))
    if step_losses(ckdir) != expected:
        failures.append("killed before rename %d (%s): the resumed run's losses "
                        "differ from the uninterrupted run's (%d rows, expected "
                        "%d)" % (n, where, len(step_losses(ckdir)), len(expected)))
if failures:
    fail("\n  ".join([""] + failures))
print("kill_at_renames: killed before each of the %d renames of a %d-epoch "
      "run; every resumed run ended with the uninterrupted run's losses"
      % (renames, epochs))
