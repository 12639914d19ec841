#!/usr/bin/env python3
"""kill_and_resume.py VOSKHOD WORKDIR [ROUNDS]

Crash safety of training state. Trains tests/kill-resume/crash.vg on a seeded
synthetic data set with --checkpoint and kills the process with SIGKILL,
ROUNDS times (each new run resumes from whatever checkpoint the last one
left). Each kill lands at a seeded random training step, read from the run's
progress lines, plus a seeded random fraction of the time between two such
lines, so it comes during training however fast or loaded the machine is.
After every kill the checkpoint, if one exists yet, must load (`voskhod
predict` exits 0 with it). Finally the run is resumed to the end, and its
per-step losses must equal, bit for bit, an uninterrupted run's: a kill may
cost the work since the last checkpoint, never the checkpoint itself, and
never a silently different result.

The moments are random but the verdict does not depend on them: whatever
instant the kill lands on, the properties above must hold.
"""
import os
import random
import re
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


STEPS = epochs * 100  # 1600 rows in batches of 16
# Kills land at least this many steps before the end, so that a run can
# never finish between the progress line that triggers a kill and the kill.
MARGIN = 400
PROGRESS_STEP = re.compile(r"\bstep (\d+)\b")

reference = os.path.join(work, "reference")
started = time.monotonic()
done = subprocess.run(train(reference, False), stdout=subprocess.DEVNULL,
                      stderr=subprocess.PIPE, text=True)
if done.returncode != 0:
    fail("the uninterrupted run failed:\n" + done.stderr)
# The time between two progress lines (one every 10 steps), to place a kill
# anywhere between them rather than right after one.
line_interval = (time.monotonic() - started) / (STEPS / 10)

ckdir = os.path.join(work, "killed")
checkpoint = os.path.join(ckdir, "crash.safetensors")
kills = 0
kills_after_checkpoint = 0
for r in range(rounds):
    resume = os.path.exists(checkpoint)
    proc = subprocess.Popen(train(ckdir, resume), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    target = None
    for line in proc.stderr:
        match = PROGRESS_STEP.search(line)
        if not match:
            continue
        step = int(match.group(1))
        if target is None:
            # A resumed run starts where its checkpoint left off.
            target = rng.randint(step, max(step, STEPS - MARGIN))
        if step >= target:
            break
    if target is None:
        proc.wait()
        fail("round %d: the run printed no progress (exit %d)" % (r, proc.returncode))
    time.sleep(rng.uniform(0, 1) * line_interval)
    finished = proc.poll() is not None
    if not finished:
        proc.send_signal(signal.SIGKILL)
        kills += 1
        kills_after_checkpoint += resume
    proc.wait()
    proc.stderr.close()
    if finished or target > STEPS - MARGIN:
        # A finished run, or a checkpoint too close to the end to land
        # another kill in training: the next round starts over.
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
# A kill that comes after the run has finished tests nothing; with MARGIN
# steps left at every kill, none should.
if kills < rounds // 2:
    fail("only %d of %d runs were still training when the kill came"
         % (kills, rounds))
print("kill_and_resume: %d of %d runs killed with SIGKILL (%d of them resumed "
      "from a checkpoint), every checkpoint loaded, final losses identical to "
      "the uninterrupted run (%.3f s between progress lines)"
      % (kills, rounds, kills_after_checkpoint, line_interval))
