#!/usr/bin/env python3
"""PyTorch reference runs for voskhod's learning-rate schedules and clipping.

Trains one small MLP (8 -> 16 tanh -> 4, MSE loss, batch 4) in float64 with
torch.optim and torch.optim.lr_scheduler for 300 steps, once per case:

  adamw_warmup_cosine  AdamW(weight_decay 0.01) + SequentialLR(LinearLR
                       warm-up for 20 steps, CosineAnnealingLR(T_max 280))
  sgd_multistep        SGD(momentum 0.9) + MultiStepLR([100, 200])
  sgd_clip_norm_step   SGD(momentum 0.5) + StepLR(50, 0.5) + clip_grad_norm_
  adam_clip_value_one_cycle
                       Adam + OneCycleLR(total_steps 300; it cycles beta1)
                       + clip_grad_value_

and writes tests/data/lr_schedules/<case>.json: the data set (32 rows; the
batch of step t is rows (4t + i) mod 32, i = 0..3), the initial parameters
(voskhod's layout: a weight is [in, out]), the `minimize` clause voskhod
compiles for the case, and per step the loss, the lr (and beta1 or momentum)
the update used, plus the final parameters. LrScheduleParityTest replays
them in the float64 interpreter and in f32 on the CPU backend.

Rerun after changing a case (needs only torch; CI has none):

    $(scripts/reference-venv.sh) bench/reference/lr_schedules.py

Everything is seeded and single-threaded, so a rerun with the same torch
writes the same files.
"""

import json
import os

import torch
import torch.nn.functional as F

STEPS = 300
ROWS = 32
BATCH = 4
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "tests", "data", "lr_schedules")

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
sched = torch.optim.lr_scheduler


def data(seed):
    torch.manual_seed(seed)
    layer1, layer2 = torch.nn.Linear(8, 16), torch.nn.Linear(16, 4)
    params = {
        "w1": layer1.weight.detach().t().contiguous(),
        "b1": layer1.bias.detach().clone(),
        "w2": layer2.weight.detach().t().contiguous(),
        "b2": layer2.bias.detach().clone(),
    }
    teacher = torch.randn(8, 4)
    x = torch.randn(ROWS, 8)
    t = torch.tanh(x @ teacher) + 0.1 * torch.randn(ROWS, 4)
    return params, x, t


def batch(x, t, step):
    rows = [(step * BATCH + i) % ROWS for i in range(BATCH)]
    return x[rows], t[rows]


def loss_fn(p, x, t):
    h = torch.tanh(x @ p["w1"] + p["b1"])
    return F.mse_loss(h @ p["w2"] + p["b2"], t)


# (case, voskhod's minimize clause, optimizer, scheduler, clipping)
CASES = [
    ("adamw_warmup_cosine",
     "using adamw {lr = 0.01, weight_decay = 0.01} schedule sequential "
     "{milestones = [20]} (linear {start_factor = 0.01, total_iters = 20}, "
     "cosine {t_max = 280})",
     lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.01),
     lambda o: sched.SequentialLR(o, [
         sched.LinearLR(o, start_factor=0.01, total_iters=20),
         sched.CosineAnnealingLR(o, T_max=280)], milestones=[20]),
     None),
    ("sgd_multistep",
     "using sgd {lr = 0.05, momentum = 0.9} schedule multi_step "
     "{milestones = [100, 200], gamma = 0.1}",
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
     lambda o: sched.MultiStepLR(o, milestones=[100, 200], gamma=0.1),
     None),
    ("sgd_clip_norm_step",
     "using sgd {lr = 0.1, momentum = 0.5} schedule step "
     "{step_size = 50, gamma = 0.5} clip_grad_norm {max_norm = 0.05}",
     lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.5),
     lambda o: sched.StepLR(o, step_size=50, gamma=0.5),
     ("norm", 0.05)),
    ("adam_clip_value_one_cycle",
     "using adam {lr = 0.01} schedule one_cycle {total_steps = 300} "
     "clip_grad_value {clip_value = 0.02}",
     lambda p: torch.optim.Adam(p, lr=0.01),
     lambda o: sched.OneCycleLR(o, max_lr=0.01, total_steps=300),
     ("value", 0.02)),
]


def flat(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def run(make_opt, make_sched, clip, seed):
    params, x, t = data(seed)
    initial = {n: flat(v) for n, v in params.items()}
    live = {n: v.clone().requires_grad_(True) for n, v in params.items()}
    opt = make_opt(list(live.values()))
    scheduler = make_sched(opt)
    losses, lrs, momenta = [], [], []
    for step in range(STEPS):
        opt.zero_grad()
        loss = loss_fn(live, *batch(x, t, step))
        loss.backward()
        if clip and clip[0] == "norm":
            torch.nn.utils.clip_grad_norm_(live.values(), clip[1])
        elif clip:
            torch.nn.utils.clip_grad_value_(live.values(), clip[1])
        group = opt.param_groups[0]
        lrs.append(group["lr"])
        momenta.append(group["betas"][0] if "betas" in group
                       else group.get("momentum", 0.0))
        opt.step()
        scheduler.step()
        losses.append(loss.item())
    return {
        "x": flat(x), "t": flat(t), "rows": ROWS, "batch": BATCH,
        "initial": initial,
        "final": {n: flat(v) for n, v in live.items()},
        "losses": losses, "lrs": lrs, "momenta": momenta,
        "torch": torch.__version__,
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    for seed, (case, clause, make_opt, make_sched, clip) in enumerate(CASES):
        result = {"case": case, "minimize": clause}
        result.update(run(make_opt, make_sched, clip, seed))
        with open(os.path.join(OUT, case + ".json"), "w") as f:
            json.dump(result, f)
            f.write("\n")
        print(f"{case}: loss {result['losses'][0]:.6g} -> "
              f"{result['losses'][-1]:.6g}, lr {result['lrs'][0]:.3g} .. "
              f"{result['lrs'][-1]:.3g}")


if __name__ == "__main__":
    main()
