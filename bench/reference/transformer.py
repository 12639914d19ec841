#!/usr/bin/env python3
"""PyTorch reference run of one pre-norm transformer block, for voskhod's
gather, layer_norm, batched matmul, causal softmax and GELU training steps
end to end.

The model is tests/data/transformer/block.vg, in float64: token embedding
[11, 8] gathered at x [2, 6] plus a position embedding [6, 8]; LayerNorm;
two-head causal self-attention with q, k, v and output projections (scores
scaled by 1/sqrt(4)); residual; LayerNorm; Linear 8->16, GELU (erf),
Linear 16->8; residual; a bias-free head 8->11; cross entropy (mean over
all 12 positions). AdamW(lr 0.01, weight decay 0.1, PyTorch's betas and eps)
trains it for 50 steps on seeded random token batches, and
tests/data/transformer/block.json gets:
  shapes   every input and parameter of the .vg
  init     the initial parameters, named as in the .vg, flat row-major in
           voskhod's [in, out] layouts (the transposes of nn.Linear's)
  steps    per step: x and y (token ids 0..10)
  losses   the 50 losses (each before that step's update)
  final    the parameters after the 50 steps

Rerun after changing the model (needs only torch and numpy; CI has none):

    $(scripts/reference-venv.sh) bench/reference/transformer.py

The data and initial values come from a seeded numpy generator and torch is
single-threaded, so a rerun writes the same file.
"""

import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

STEPS, B, T, V, D, H, FF = 50, 2, 6, 11, 8, 2, 16
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "tests", "data", "transformer", "block.json")

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

SHAPES = {
    "x": [B, T], "y": [B, T], "tok": [V, D], "pos": [T, D],
    "ln1_g": [D], "ln1_b": [D],
    "wq": [D, D], "bq": [D], "wk": [D, D], "bk": [D],
    "wv": [D, D], "bv": [D], "wo": [D, D], "bo": [D],
    "ln2_g": [D], "ln2_b": [D],
    "w1": [D, FF], "b1": [FF], "w2": [FF, D], "b2": [D],
    "head": [D, V],
}
PARAMS = [n for n in SHAPES if n not in ("x", "y")]


def initial_values(rng):
    values = {}
    for name in PARAMS:
        shape = SHAPES[name]
        if name.endswith("_g"):
            v = 1.0 + 0.1 * rng.standard_normal(shape)
        elif name.startswith("b") or name.endswith("_b"):
            v = 0.1 * rng.standard_normal(shape)
        else:
            v = rng.standard_normal(shape) / math.sqrt(shape[0])
        values[name] = [float(a) for a in np.asarray(v).reshape(-1)]
    return values


def forward(p, x):
    h0 = p["tok"][x] + p["pos"]
    n1 = F.layer_norm(h0, (D,), p["ln1_g"], p["ln1_b"])
    heads = lambda t: t.reshape(B, T, H, D // H).transpose(1, 2)
    q, k, v = (heads(n1 @ p["w" + m] + p["b" + m]) for m in "qkv")
    scores = (q @ k.transpose(-2, -1)) / math.sqrt(D // H)
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    a = scores.masked_fill(~mask, float("-inf")).softmax(-1)
    o = (a @ v).transpose(1, 2).reshape(B, T, D)
    h1 = h0 + o @ p["wo"] + p["bo"]
    n2 = F.layer_norm(h1, (D,), p["ln2_g"], p["ln2_b"])
    h2 = h1 + F.gelu(n2 @ p["w1"] + p["b1"]) @ p["w2"] + p["b2"]
    return h2 @ p["head"]


def main():
    rng = np.random.default_rng(15)
    init = initial_values(rng)
    steps = [{"x": [int(v) for v in rng.integers(0, V, B * T)],
              "y": [int(v) for v in rng.integers(0, V, B * T)]}
             for _ in range(STEPS)]
    params = {n: torch.tensor(init[n]).reshape(SHAPES[n]).requires_grad_()
              for n in PARAMS}
    opt = torch.optim.AdamW(list(params.values()), lr=0.01, weight_decay=0.1)
    losses = []
    for s in steps:
        x = torch.tensor(s["x"]).reshape(B, T)
        y = torch.tensor(s["y"]).reshape(B * T)
        opt.zero_grad()
        loss = F.cross_entropy(forward(params, x).reshape(B * T, V), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    result = {
        "model": "tests/data/transformer/block.vg",
        "shapes": SHAPES,
        "init": init,
        "steps": steps,
        "losses": losses,
        "final": {n: [float(v) for v in params[n].detach().reshape(-1)]
                  for n in PARAMS},
        "torch": torch.__version__,
    }
    print(f"adamw: loss {losses[0]:.6g} -> {losses[-1]:.6g}")
    with open(OUT, "w") as f:
        json.dump(result, f)
        f.write("\n")


if __name__ == "__main__":
    main()
