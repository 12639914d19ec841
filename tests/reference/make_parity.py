#!/usr/bin/python3
"""PyTorch reference runs for voskhod's training-step parity test.

Trains each model of tests/reference/models/ for 100 steps with torch.optim in
float64 and writes, per model, tests/reference/data/<model>.json holding the
initial parameter values (voskhod's layout: a weight is [in, out], the
transpose of torch.nn.Linear's [out, in]), the input batch of every step, the
optimiser settings under voskhod's names, and the loss of every step. The
GoogleTest tests/unit/training/ParityTest.cpp replays the same steps in
voskhod's float64 interpreter and asks for every loss to agree to 1e-9
relative.

Run by hand after changing a model (CI has no torch):

    /usr/bin/python3 tests/reference/make_parity.py

Everything is seeded, so a rerun with the same torch writes the same files.
"""

import json
import os

import torch
import torch.nn.functional as F

STEPS = 100
HERE = os.path.dirname(os.path.abspath(__file__))

torch.set_default_dtype(torch.float64)
# One thread: reductions then sum in one order, so reruns are bitwise equal.
torch.set_num_threads(1)


def linear(fan_in, fan_out):
    """torch.nn.Linear's default initialisation, as explicit tensors."""
    layer = torch.nn.Linear(fan_in, fan_out)
    return layer.weight.detach().clone(), layer.bias.detach().clone()


def leaf(t):
    return t.detach().clone().requires_grad_(True)


def cycling_batches(features, targets, batch):
    """STEPS batches walking round a small fixed data set."""
    n = features.shape[0]
    xs, ys = [], []
    for step in range(STEPS):
        rows = [(step * batch + i) % n for i in range(batch)]
        xs.append(features[rows])
        ys.append(targets[rows])
    return xs, ys


# Models. Each returns (named parameters in voskhod's layout, a loss function
# of (params, batch inputs), the batch inputs per step).

def classifier(seed):
    """The seed example: 3 -> 10 -> 20 -> 3 with ReLU, batch 2."""
    torch.manual_seed(seed)
    layers = [linear(3, 10), linear(10, 20), linear(20, 3)]
    params = {}
    for i, (w, b) in enumerate(layers, start=1):
        params[f"w{i}"] = w.t().contiguous()
        params[f"b{i}"] = b
    teacher = torch.randn(3, 3)
    features = torch.randn(16, 3)
    labels = (features @ teacher).argmax(dim=1).to(torch.int32)
    xs, ys = cycling_batches(features, labels, 2)

    def loss(p, x, y):
        h1 = F.relu(x @ p["w1"] + p["b1"])
        h2 = F.relu(h1 @ p["w2"] + p["b2"])
        return F.cross_entropy(h2 @ p["w3"] + p["b3"], y.long())

    return params, loss, {"x": xs, "y": ys}


def multilabel(seed):
    """5 -> 8 (tanh) -> 4 with independent sigmoid outputs, batch 4."""
    torch.manual_seed(seed)
    (w1, b1), (w2, b2) = linear(5, 8), linear(8, 4)
    params = {"w1": w1.t().contiguous(), "b1": b1,
              "w2": w2.t().contiguous(), "b2": b2}
    teacher = torch.randn(5, 4)
    features = torch.randn(12, 5)
    targets = (features @ teacher > 0).to(torch.float64)
    xs, ts = cycling_batches(features, targets, 4)

    def loss(p, x, t):
        h = torch.tanh(x @ p["w1"] + p["b1"])
        return F.binary_cross_entropy_with_logits(h @ p["w2"] + p["b2"], t)

    return params, loss, {"x": xs, "t": ts}


def regression_l1(seed):
    """3 -> 2 linear regression: L1 loss plus the penalty 0.5 * sum |W|."""
    torch.manual_seed(seed)
    w, b = linear(3, 2)
    params = {"w": w.t().contiguous(), "b": b}
    teacher = torch.randn(3, 2)
    features = torch.randn(12, 3)
    targets = features @ teacher + 0.1 * torch.randn(12, 2)
    xs, ts = cycling_batches(features, targets, 4)

    def loss(p, x, t):
        pred_loss = F.l1_loss(x @ p["w"] + p["b"], t)
        reg_loss = 0.5 * p["w"].abs().sum()
        return pred_loss + reg_loss

    return params, loss, {"x": xs, "t": ts}


def exp_fit(seed):
    """f(x, w) = 1 + exp(w1 * x + w0) fitted to noisy samples by L2 loss."""
    torch.manual_seed(seed)
    params = {"w1": torch.tensor(0.1), "w0": torch.tensor(0.2)}
    features = torch.rand(24) * 2 - 1
    targets = 1 + torch.exp(0.8 * features - 0.3) + 0.01 * torch.randn(24)
    xs, ts = cycling_batches(features, targets, 8)

    def loss(p, x, t):
        return F.mse_loss(1 + torch.exp(p["w1"] * x + p["w0"]), t)

    return params, loss, {"x": xs, "t": ts}


# Optimisers: voskhod's name and settings -> the torch.optim constructor.

def make_optimizer(name, settings, params):
    s = dict(settings)
    if name == "sgd":
        return torch.optim.SGD(params, **s)
    if name == "adagrad":
        return torch.optim.Adagrad(params, **s)
    if name == "rmsprop":
        s["alpha"] = s.pop("rho")
        return torch.optim.RMSprop(params, **s)
    if name in ("adam", "adamw"):
        s["betas"] = (s.pop("beta1", 0.9), s.pop("beta2", 0.999))
        cls = torch.optim.Adam if name == "adam" else torch.optim.AdamW
        return cls(params, **s)
    raise ValueError(name)


CASES = [
    ("classifier_sgd", classifier, "sgd",
     {"lr": 0.01, "weight_decay": 0.05}),
    ("classifier_nesterov", classifier, "sgd",
     {"lr": 0.01, "momentum": 0.9, "nesterov": True, "weight_decay": 0.05}),
    ("classifier_adagrad", classifier, "adagrad",
     {"lr": 0.05, "lr_decay": 0.01, "weight_decay": 0.01,
      "initial_accumulator_value": 0.1}),
    ("classifier_rmsprop", classifier, "rmsprop",
     {"lr": 0.005, "rho": 0.9, "momentum": 0.5, "centered": True,
      "weight_decay": 0.01}),
    ("classifier_adam", classifier, "adam",
     {"lr": 0.01, "weight_decay": 0.01}),
    ("classifier_adamw", classifier, "adamw",
     {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("multilabel", multilabel, "sgd",
     {"lr": 0.1, "momentum": 0.9, "dampening": 0.1}),
    ("regression_l1", regression_l1, "rmsprop", {"lr": 0.01, "rho": 0.99}),
    ("exp_fit", exp_fit, "sgd", {"lr": 0.05}),
]


def flat(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def run(case, model, optimizer, settings, seed):
    params, loss_fn, batches = model(seed)
    initial = {name: {"shape": list(t.shape), "values": flat(t)}
               for name, t in params.items()}
    live = {name: leaf(t) for name, t in params.items()}
    opt = make_optimizer(optimizer, settings, list(live.values()))
    names = list(batches)
    losses = []
    for step in range(STEPS):
        opt.zero_grad()
        loss = loss_fn(live, *(batches[n][step] for n in names))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return {
        "model": case + ".vg",
        "optimizer": optimizer,
        "settings": settings,
        "initial": initial,
        "inputs": {n: [flat(b) for b in batches[n]] for n in names},
        "losses": losses,
        "torch": torch.__version__,
    }


def main():
    os.makedirs(os.path.join(HERE, "data"), exist_ok=True)
    for seed, (case, model, optimizer, settings) in enumerate(CASES):
        result = run(case, model, optimizer, settings, seed)
        path = os.path.join(HERE, "data", case + ".json")
        with open(path, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")
        print(f"{case}: loss {result['losses'][0]:.6g} -> "
              f"{result['losses'][-1]:.6g}")


if __name__ == "__main__":
    main()
