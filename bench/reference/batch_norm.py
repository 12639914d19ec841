"""PyTorch's BatchNorm2d in float64, written to tests/data/batch_norm/ for
tests/unit/training/BatchNormTest.cpp: two training-mode calls (outputs and
running statistics after each) and one evaluation-mode call.

Run with the reference environment (scripts/reference-venv.sh):
    python bench/reference/batch_norm.py tests/data/batch_norm/bn2d.json
"""
import json
import sys

import torch

torch.manual_seed(3)
shape, channels = (4, 3, 2, 3), 3
bn = torch.nn.BatchNorm2d(channels, momentum=0.2, eps=1e-3, dtype=torch.float64)
with torch.no_grad():
    bn.weight.copy_(torch.rand(channels, dtype=torch.float64) + 0.5)
    bn.bias.copy_(torch.randn(channels, dtype=torch.float64))
    bn.running_mean.copy_(torch.randn(channels, dtype=torch.float64))
    bn.running_var.copy_(torch.rand(channels, dtype=torch.float64) + 0.5)

flat = lambda t: t.detach().reshape(-1).tolist()
out = {
    "shape": list(shape),
    "momentum": 0.2,
    "eps": 1e-3,
    "gamma": flat(bn.weight),
    "beta": flat(bn.bias),
    "running_mean": flat(bn.running_mean),
    "running_var": flat(bn.running_var),
    "train": [],
}
bn.train()
for _ in range(2):
    x = torch.randn(shape, dtype=torch.float64) * 2 + 0.5
    y = bn(x)
    out["train"].append({"x": flat(x), "y": flat(y),
                         "running_mean": flat(bn.running_mean),
                         "running_var": flat(bn.running_var)})
bn.eval()
x = torch.randn(shape, dtype=torch.float64)
out["eval"] = {"x": flat(x), "y": flat(bn(x))}
with open(sys.argv[1], "w") as f:
    json.dump(out, f)
