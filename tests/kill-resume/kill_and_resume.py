#!/usr/bin/env python3
"""kill_and_resume.py VOSKHOD WORKDIR [ROUNDS]

Crash safety of training state. Trains tests/kill-resume/crash.vg on a seeded
synthetic data set with --checkpoint and kills the process with SIGKILL at
seeded random moments within an uninterrupted run's duration, ROUNDS times
(each new run resumes from whatever checkpoint the last one left; one that
finished before its kill is discarded). At least half the runs must have
been killed. After every kill the checkpoint, if one
exists yet, must load (`voskhod predict` exits 0 with it). Finally the run
is resumed to the end, and its per-step losses must equal, bit for bit, an
uninterrupted run's: a kill may cost the work since the last checkpoint,
never the checkpoint itself, and never a silently different result.

The moments are random but the verdict does not depend on them: whatever
instant the kill lands on, the properties above must hold.
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # keep the source tree clean
from crash_run import MODEL, step_losses, train_args, write_data

voskhod, work = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 8
epochs = 40
rng = random.Random(1234)

shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
data = write_data(work, 1600)


def train(ckdir, resume):
    return train_args(voskhod, data, epochs, ckdir, resume)


def fail(message):
    sys.stderr.write("kill_and_resume: " + message + "\n")
    sys.exit(1)


reference = os.path.join(work, "reference")
started = time.monotonic()
done = subprocess.run(train(reference, False), stdout=subprocess.DEVNULL,
                      stderr=subprocess.PIPE, text=True)
# Kill moments are drawn within an uninterrupted run's duration, so that
# they land during training on a fast machine as on a slow one.
duration = time.monotonic() - started
if done.returncode != 0:
    fail("the uninterrupted run failed:\n" + done.stderr)

ckdir = os.path.join(work, "killed")
checkpoint = os.path.join(ckdir, "crash.safetensors")
kills = 0
kills_after_checkpoint = 0
for r in range(rounds):
    resume = os.path.exists(checkpoint)
    proc = subprocess.Popen(train(ckdir, resume), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.05, 0.95) * duration)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
        kills += 1
        kills_after_checkpoint += resume
        proc.wait()
    else:
        # It finished before the kill: the next round starts over, so that
        # its kill lands in the middle of a run again.
        proc.wait()
        shutil.rmtree(ckdir)
    if os.path.exists(checkpoint):
        check = subprocess.run([voskhod, "predict", MODEL, "--checkpoint", checkpoint,
                                "--data", "csv:" + data, "--split=train"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if check.returncode != 0:
            fail("round %d: the checkpoint left by the killed run does not load:\n%s"
                 % (r, check.stderr))

final = subprocess.run(train(ckdir, os.path.exists(checkpoint)), stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
if final.returncode != 0:
    fail("the final resumed run failed:\n" + final.stderr)
if step_losses(ckdir) != step_losses(reference):
    fail("the resumed run's losses differ from the uninterrupted run's")
# A kill that comes after the run has finished tests nothing.
if kills < rounds // 2:
    fail("only %d of %d runs were still training when the kill came"
         % (kills, rounds))
print("kill_and_resume: %d of %d runs killed with SIGKILL (%d of them resumed "
      "from a checkpoint), every checkpoint loaded, final losses identical to "
      "the uninterrupted run (%.1f s)" % (kills, rounds, kills_after_checkpoint,
                                          duration))
