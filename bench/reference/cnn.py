#!/usr/bin/env python3
"""PyTorch reference runs of a small CNN, for voskhod's conv2d, max_pool2d
and batch_norm training steps end to end.

The model is tests/data/cnn/small_cnn.vg, in float64:

  x [4, 2, 8, 8] -> conv 2->4 (3x3, pad 1, no bias) -> BatchNorm2d(4) -> ReLU
  -> max pool 2 -> conv 4->6 (3x3, pad 1, no bias) -> BatchNorm2d(6) -> ReLU
  -> max pool 2 -> flatten [4, 24] -> linear 24->5 -> cross-entropy (mean)

with BatchNorm2d(momentum 0.1, eps 1e-5). The convolutions have no bias, as
usual before batch norm: such a bias's gradient is zero up to rounding, and
Adam's normalised steps of that rounding noise would move it differently in
every precision, which the evaluation-mode logits then show. It trains twice from the same
initial values on the same 50 batches, once per optimiser:

  sgd   SGD(lr 0.05, momentum 0.9)   minimize %loss using sgd {lr = 0.05, momentum = 0.9}
  adam  Adam(lr 0.01)                minimize %loss using adam {lr = 0.01}

and writes tests/data/cnn/small_cnn.json:
  shapes         every input, parameter and state of the .vg
  momentum, eps  of both batch norms
  init           initial parameters and running statistics, named as in the
                 .vg (w1 gamma1 beta1 w2 gamma2 beta2 w3 b3, states
                 rm1 rv1 rm2 rv2); weights are flat row-major, convolution
                 weights OIHW, w3 in voskhod's [in, out] layout
  steps          per step t: x (flat NCHW) and labels (class indices 0..4)
  x_eval         a fixed evaluation batch [4, 2, 8, 8]
  runs           per optimiser: its settings and `minimize` clause, the 50
                 training-mode losses (each before that step's update), the
                 evaluation-mode logits [4, 5] of x_eval and the running
                 statistics after steps 1, 10 and 50, and the final
                 parameters and running statistics

Rerun after changing the model (needs only torch and numpy; CI has none):

    $(scripts/reference-venv.sh) bench/reference/cnn.py

The data and initial values come from a seeded numpy generator and torch is
single-threaded, so a rerun writes the same file.
"""

import json
import os

import numpy as np
import torch
import torch.nn.functional as F

STEPS = 50
EVAL_AFTER = [1, 10, 50]
BATCH, CLASSES = 4, 5
MOMENTUM, EPS = 0.1, 1e-5
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "tests", "data", "cnn", "small_cnn.json")

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

SHAPES = {
    "x": [BATCH, 2, 8, 8], "labels": [BATCH],
    "w1": [4, 2, 3, 3], "gamma1": [4], "beta1": [4],
    "rm1": [4], "rv1": [4],
    "w2": [6, 4, 3, 3], "gamma2": [6], "beta2": [6],
    "rm2": [6], "rv2": [6],
    "w3": [24, CLASSES], "b3": [CLASSES],
    "logits": [BATCH, CLASSES],
}
PARAMS = ["w1", "gamma1", "beta1", "w2", "gamma2", "beta2",
          "w3", "b3"]
STATES = ["rm1", "rv1", "rm2", "rv2"]

# (name, settings as recorded, voskhod's minimize clause, optimizer)
RUNS = [
    ("sgd", {"lr": 0.05, "momentum": 0.9},
     "minimize %loss using sgd {lr = 0.05, momentum = 0.9}",
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    ("adam", {"lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-8},
     "minimize %loss using adam {lr = 0.01}",
     lambda p: torch.optim.Adam(p, lr=0.01)),
]


class SmallCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(2, 4, 3, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(4, momentum=MOMENTUM, eps=EPS)
        self.conv2 = torch.nn.Conv2d(4, 6, 3, padding=1, bias=False)
        self.bn2 = torch.nn.BatchNorm2d(6, momentum=MOMENTUM, eps=EPS)
        self.fc = torch.nn.Linear(24, CLASSES)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        h = F.max_pool2d(F.relu(self.bn2(self.conv2(h))), 2)
        return self.fc(h.reshape(x.shape[0], 24))

    # voskhod's names -> the module's tensors (w3 is the transpose of
    # fc.weight, so it is read and written through these two functions)
    def load(self, values):
        t = {n: torch.tensor(v).reshape(SHAPES[n]) for n, v in values.items()}
        with torch.no_grad():
            self.conv1.weight.copy_(t["w1"])
            self.bn1.weight.copy_(t["gamma1"]); self.bn1.bias.copy_(t["beta1"])
            self.bn1.running_mean.copy_(t["rm1"])
            self.bn1.running_var.copy_(t["rv1"])
            self.conv2.weight.copy_(t["w2"])
            self.bn2.weight.copy_(t["gamma2"]); self.bn2.bias.copy_(t["beta2"])
            self.bn2.running_mean.copy_(t["rm2"])
            self.bn2.running_var.copy_(t["rv2"])
            self.fc.weight.copy_(t["w3"].t()); self.fc.bias.copy_(t["b3"])

    def named(self):
        return {
            "w1": self.conv1.weight,
            "gamma1": self.bn1.weight, "beta1": self.bn1.bias,
            "w2": self.conv2.weight,
            "gamma2": self.bn2.weight, "beta2": self.bn2.bias,
            "w3": self.fc.weight.t(), "b3": self.fc.bias,
            "rm1": self.bn1.running_mean, "rv1": self.bn1.running_var,
            "rm2": self.bn2.running_mean, "rv2": self.bn2.running_var,
        }


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def initial_values(rng):
    def normal(name, scale, offset=0.0):
        return (offset + scale * rng.standard_normal(SHAPES[name])).reshape(-1)
    values = {
        "w1": normal("w1", (2 / 18) ** 0.5),
        "gamma1": normal("gamma1", 0.1, 1.0), "beta1": normal("beta1", 0.1),
        "w2": normal("w2", (2 / 36) ** 0.5),
        "gamma2": normal("gamma2", 0.1, 1.0), "beta2": normal("beta2", 0.1),
        "w3": normal("w3", (1 / 24) ** 0.5), "b3": normal("b3", 0.1),
        # PyTorch's initial running statistics
        "rm1": np.zeros(4), "rv1": np.ones(4),
        "rm2": np.zeros(6), "rv2": np.ones(6),
    }
    return {n: [float(v) for v in a] for n, a in values.items()}


def run(init, steps, x_eval, make_opt):
    model = SmallCnn()
    model.load(init)
    opt = make_opt(model.parameters())
    xe = torch.tensor(x_eval).reshape(SHAPES["x"])
    losses, evals = [], []
    for t, batch in enumerate(steps):
        model.train()
        x = torch.tensor(batch["x"]).reshape(SHAPES["x"])
        y = torch.tensor(batch["labels"], dtype=torch.int64)
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if t + 1 in EVAL_AFTER:
            model.eval()
            with torch.no_grad():
                logits = model(xe)
            entry = {"after_step": t + 1, "logits": flat(logits)}
            entry.update({n: flat(model.named()[n]) for n in STATES})
            evals.append(entry)
    named = model.named()
    return {
        "losses": losses,
        "eval": evals,
        "final_params": {n: flat(named[n]) for n in PARAMS},
        "final_state": {n: flat(named[n]) for n in STATES},
    }


def main():
    rng = np.random.default_rng(14)
    init = initial_values(rng)
    steps = [{"x": [float(v) for v in rng.standard_normal(SHAPES["x"]).reshape(-1)],
              "labels": [int(v) for v in rng.integers(0, CLASSES, BATCH)]}
             for _ in range(STEPS)]
    x_eval = [float(v) for v in rng.standard_normal(SHAPES["x"]).reshape(-1)]
    result = {
        "model": "tests/data/cnn/small_cnn.vg",
        "shapes": SHAPES,
        "momentum": MOMENTUM, "eps": EPS,
        "init": init,
        "steps": steps,
        "x_eval": x_eval,
        "eval_after_steps": EVAL_AFTER,
        "runs": [],
        "torch": torch.__version__,
    }
    for name, settings, clause, make_opt in RUNS:
        r = {"optimizer": name, "settings": settings, "minimize": clause}
        r.update(run(init, steps, x_eval, make_opt))
        result["runs"].append(r)
        print(f"{name}: loss {r['losses'][0]:.6g} -> {r['losses'][-1]:.6g}")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(result, f)
        f.write("\n")


if __name__ == "__main__":
    main()
