#!/usr/bin/env python3
"""Character-level transformer training: voskhod against PyTorch eager,
torch.compile and JAX/XLA, in the same run, on the same data, model and
thread count; training tokens per second, and with --epochs the validation
loss after the same number of steps.

The model is examples/char_transformer.vg: a vocabulary of 128 byte ids,
token and learned position embeddings [128, 128], 4 pre-norm blocks
(LayerNorm -> causal 4-head attention with q, k, v, out projections ->
residual -> LayerNorm -> Linear 128->512 -> GELU (erf) -> Linear 512->128 ->
residual), a final LayerNorm and a bias-free head 128->128; weights N(0,
0.02), biases zeros; AdamW lr 0.001, weight decay 0.01, batch 32 windows of
128 characters, softmax cross-entropy at every position.

Data (as voskhod's `text:FILE,context=128`): ids are the ranks of the file's
distinct bytes; the last 10% of the file is validation; windows are
non-overlapping, 128 characters with the next 128 as targets, reshuffled
each epoch (last partial batch dropped). The corpus is Debian's fortunes,
joined by bench/transformer/fortunes.py.

Systems:
  voskhod   `voskhod train examples/char_transformer.vg --data
            text:FILE,limit=K --epochs 1 --threads N`: K windows, its epoch
            time parsed from its output; its compile time is the wall time
            of `voskhod train --steps 1` (process start, JIT compile,
            initialisation, one step).
  eager     PyTorch eager with F.scaled_dot_product_attention(is_causal).
  compile   torch.compile of the whole step (zero_grad, forward, backward,
            AdamW step); compile time is that of its first two steps.
  jax       jax.jit of the whole step, AdamW written out in jax.numpy,
            compiled ahead of time (lower().compile(), timed).
Each peer runs --steps timed steps after its warm-up; tokens/s counts
32 x 128 per step.

--epochs E also trains PyTorch eager for E whole epochs and prints its
validation loss after each, next to voskhod's `test loss` after each of
its E epochs (the issue's quality bar: within 2%, below 1.8 nats).

Usage (peers need scripts/bench-venv.sh's environment):
    $(scripts/bench-venv.sh) bench/transformer/run.py [--threads N]
        [--steps N] [--systems voskhod,eager,compile,jax] [--epochs E]
        [--text FILE] [--build DIR | --voskhod EXE]
"""
import argparse
import math
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import build, loadavg, EPOCH_LINE  # noqa: E402
MODEL = os.path.join(ROOT, "examples", "char_transformer.vg")
LAYERS, D, HEADS, T, B, V, FF = 4, 128, 4, 128, 32, 128, 512
LR, WD = 0.001, 0.01
SYSTEMS = ["voskhod", "eager", "compile", "jax"]
# An epoch's summary line (progress lines also start with "epoch").
VALIDATION_LINE = re.compile(r"^epoch \d+/\d+: .*test loss (\S+)")


def set_threads(threads):
    os.environ["OMP_NUM_THREADS"] = str(threads)
    os.environ["MKL_NUM_THREADS"] = str(threads)
    flags = os.environ.get("XLA_FLAGS", "")
    if threads == 1:
        flags += " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    elif threads != os.cpu_count():
        sys.exit("--threads must be 1 or the core count (%d) for XLA" % os.cpu_count())
    if flags.strip():
        os.environ["XLA_FLAGS"] = flags.strip()


def shown(cmd):
    return "$ " + " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c
                           for c in cmd)


# --- data ------------------------------------------------------------------

def load_text(path):
    """Train and validation ids (int64 numpy), as voskhod's text reader."""
    import numpy as np
    raw = np.frombuffer(open(path, "rb").read(), dtype=np.uint8)
    vocab = np.unique(raw)
    ids = np.searchsorted(vocab, raw).astype(np.int64)
    held = int(len(ids) * 0.1)
    return ids[:len(ids) - held], ids[len(ids) - held:]


def windows(ids):
    n = (len(ids) - 1) // T
    x = ids[:n * T].reshape(n, T)
    y = ids[1:n * T + 1].reshape(n, T)
    return x, y


def epoch_batches(n, epoch):
    import numpy as np
    order = np.random.default_rng(epoch).permutation(n)
    return [order[i * B:(i + 1) * B] for i in range(n // B)]


# --- voskhod ---------------------------------------------------------------

def run_voskhod(exe, text, threads, steps, epochs):
    """Returns (seconds per step, compile seconds, [validation losses])."""
    cmd = [exe, "train", MODEL, "--steps", "1", "--threads", str(threads)]
    print(shown(cmd), flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    compile_s = time.perf_counter() - t0
    if proc.returncode != 0:
        print("  voskhod cannot train the model; skipped:\n" + proc.stdout, flush=True)
        return None
    spec = "text:%s,context=%d" % (text, T)
    limited = spec + ",limit=%d" % (steps * B)
    cmd = [exe, "train", MODEL, "--data", limited, "--epochs", "1", "--threads", str(threads)]
    print(shown(cmd), flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    per_step = None
    for line in proc.stdout.splitlines():
        m = EPOCH_LINE.match(line)
        if m and proc.returncode == 0:
            print("  voskhod " + line, flush=True)
            per_step = float(m.group(3)) / steps
    if per_step is None:
        print("  voskhod train failed; skipped:\n" + proc.stdout, flush=True)
        return None
    losses = []
    if epochs:
        cmd = [exe, "train", MODEL, "--data", spec, "--epochs", str(epochs),
               "--threads", str(threads)]
        print(shown(cmd), flush=True)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in proc.stdout.splitlines():
            m = VALIDATION_LINE.match(line)
            if m:
                print("  voskhod " + line, flush=True)
                losses.append(float(m.group(1)))
        if proc.returncode != 0:
            print("  voskhod train failed:\n" + proc.stdout[-2000:], flush=True)
    return per_step, compile_s, losses


# --- PyTorch ---------------------------------------------------------------

def torch_model():
    import torch
    nn, F = torch.nn, torch.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
            self.q, self.k, self.v, self.o = (nn.Linear(D, D) for _ in range(4))
            self.fc1, self.fc2 = nn.Linear(D, FF), nn.Linear(FF, D)

        def forward(self, x):
            h = self.ln1(x)
            heads = lambda t: t.view(x.shape[0], T, HEADS, D // HEADS).transpose(1, 2)
            a = F.scaled_dot_product_attention(heads(self.q(h)), heads(self.k(h)),
                                               heads(self.v(h)), is_causal=True)
            x = x + self.o(a.transpose(1, 2).reshape(x.shape[0], T, D))
            return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))

    class Gpt(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Parameter(torch.empty(V, D))
            self.pos = nn.Parameter(torch.empty(T, D))
            self.blocks = nn.Sequential(*(Block() for _ in range(LAYERS)))
            self.lnf = nn.LayerNorm(D)
            self.head = nn.Linear(D, V, bias=False)
            for name, p in self.named_parameters():
                if "ln" in name:
                    continue
                if name.endswith("bias"):
                    nn.init.zeros_(p)
                else:
                    nn.init.normal_(p, 0.0, 0.02)

        def forward(self, x):
            h = self.blocks(self.tok[x] + self.pos)
            return self.head(self.lnf(h))

    return Gpt()


def run_torch(data, threads, steps, compiled, epochs=0):
    """Returns (seconds per step, compile seconds, [validation losses])."""
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    (xtr, ytr), (xva, yva) = ((torch.from_numpy(a), torch.from_numpy(b)) for a, b in data)
    net = torch_model()
    opt = torch.optim.AdamW(net.parameters(), lr=LR, weight_decay=WD)
    ce = torch.nn.functional.cross_entropy

    def step(x, y):
        opt.zero_grad(set_to_none=True)
        loss = ce(net(x).reshape(-1, V), y.reshape(-1))
        loss.backward()
        opt.step()
        return loss

    compile_s = None
    if compiled:
        step = torch.compile(step)
        t0 = time.perf_counter()
        for _ in range(2):
            step(xtr[:B], ytr[:B]).item()
        compile_s = time.perf_counter() - t0
    else:
        step(xtr[:B], ytr[:B]).item()  # warm-up
    batches = epoch_batches(xtr.shape[0], 0)[:steps]
    t0 = time.perf_counter()
    for b in batches:
        step(xtr[b], ytr[b]).item()
    per_step = (time.perf_counter() - t0) / len(batches)

    losses = []
    if epochs:
        torch.manual_seed(0)
        net = torch_model()
        opt = torch.optim.AdamW(net.parameters(), lr=LR, weight_decay=WD)
        for e in range(epochs):
            for b in epoch_batches(xtr.shape[0], e):
                step(xtr[b], ytr[b])
            with torch.no_grad():
                total = sum(ce(net(xva[i:i + B]).reshape(-1, V), yva[i:i + B].reshape(-1),
                               reduction="sum").item()
                            for i in range(0, xva.shape[0], B))
            losses.append(total / (xva.shape[0] * T))
            print("  eager epoch %d/%d: validation loss %.4f; load average %s"
                  % (e + 1, epochs, losses[-1], loadavg()), flush=True)
    return per_step, compile_s, losses


# --- JAX -------------------------------------------------------------------

def run_jax(data, steps):
    """Returns (seconds per step, compile seconds, [])."""
    import jax
    import jax.numpy as jnp
    import numpy as np
    (xtr, ytr), _ = data
    rng = np.random.default_rng(0)
    normal = lambda *s: jnp.asarray(rng.normal(0, 0.02, s).astype(np.float32))
    zeros, ones = (lambda n: jnp.zeros(n)), (lambda n: jnp.ones(n))
    params = {"tok": normal(V, D), "pos": normal(T, D), "lnf": (ones(D), zeros(D)),
              "head": normal(D, V), "blocks": [
                  {"ln1": (ones(D), zeros(D)), "ln2": (ones(D), zeros(D)),
                   **{m: (normal(D, D), zeros(D)) for m in "qkvo"},
                   "fc1": (normal(D, FF), zeros(FF)), "fc2": (normal(FF, D), zeros(D))}
                  for _ in range(LAYERS)]}
    mask = jnp.tril(jnp.ones((T, T), bool))

    def ln(x, p):
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) * jax.lax.rsqrt(var + 1e-5) * p[0] + p[1]

    def lin(x, p):
        return x @ p[0] + p[1]

    def forward(p, x):
        h = p["tok"][x] + p["pos"]
        for blk in p["blocks"]:
            n = ln(h, blk["ln1"])
            heads = lambda t: t.reshape(x.shape[0], T, HEADS, D // HEADS).transpose(0, 2, 1, 3)
            q, k, v = (heads(lin(n, blk[m])) for m in "qkv")
            s = jnp.where(mask, q @ k.transpose(0, 1, 3, 2) / math.sqrt(D // HEADS), -jnp.inf)
            a = (jax.nn.softmax(s, -1) @ v).transpose(0, 2, 1, 3).reshape(x.shape[0], T, D)
            h = h + lin(a, blk["o"])
            h = h + lin(jax.nn.gelu(lin(ln(h, blk["ln2"]), blk["fc1"]), approximate=False),
                        blk["fc2"])
        return ln(h, p["lnf"]) @ p["head"]

    def loss_fn(p, x, y):
        logp = jax.nn.log_softmax(forward(p, x))
        return -jnp.take_along_axis(logp, y[..., None], -1).mean()

    b1, b2, eps = 0.9, 0.999, 1e-8
    tree = jax.tree_util.tree_map
    opt = {"t": jnp.zeros(()), "m": tree(jnp.zeros_like, params),
           "v": tree(jnp.zeros_like, params)}

    def train_step(p, o, x, y):
        loss, g = jax.value_and_grad(loss_fn)(p, x, y)
        t = o["t"] + 1
        m = tree(lambda m, g: b1 * m + (1 - b1) * g, o["m"], g)
        v = tree(lambda v, g: b2 * v + (1 - b2) * g * g, o["v"], g)
        c1, c2 = 1 - b1 ** t, 1 - b2 ** t
        p = tree(lambda p, m, v: p * (1 - LR * WD) - LR * (m / c1) / (jnp.sqrt(v / c2) + eps),
                 p, m, v)
        return p, {"t": t, "m": m, "v": v}, loss

    x0, y0 = xtr[:B].astype(np.int32), ytr[:B].astype(np.int32)
    t0 = time.perf_counter()
    step = jax.jit(train_step, donate_argnums=(0, 1)).lower(params, opt, x0, y0).compile()
    compile_s = time.perf_counter() - t0
    params, opt, loss = step(params, opt, x0, y0)  # warm-up
    float(loss)
    batches = epoch_batches(xtr.shape[0], 0)[:steps]
    t0 = time.perf_counter()
    for b in batches:
        params, opt, loss = step(params, opt, xtr[b].astype(np.int32), ytr[b].astype(np.int32))
        float(loss)
    return (time.perf_counter() - t0) / len(batches), compile_s, []


# --- main ------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=20, help="timed steps per system")
    ap.add_argument("--epochs", type=int, default=0,
                    help="also train voskhod and PyTorch eager E epochs and "
                    "compare validation losses")
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--text", help="the corpus (default: fortunes joined into "
                    "the build directory)")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--voskhod", metavar="EXE")
    args = ap.parse_args()
    systems = args.systems.split(",")
    if set(systems) - set(SYSTEMS):
        sys.exit("unknown system(s): " + ", ".join(sorted(set(systems) - set(SYSTEMS))))
    set_threads(args.threads)
    text = args.text or os.path.join(args.build, "fortunes.txt")
    if not args.text:
        os.makedirs(args.build, exist_ok=True)
        subprocess.check_call([sys.executable, os.path.join(ROOT, "bench", "transformer",
                                                            "fortunes.py"), text])
    print("load average before: %s on %d cores; %d thread(s); %d timed steps"
          % (loadavg(), os.cpu_count(), args.threads, args.steps), flush=True)
    train_ids, valid_ids = load_text(text)
    data = (windows(train_ids), windows(valid_ids))

    rows = {}  # system -> (seconds per step, compile seconds)
    curves = {}
    if "voskhod" in systems:
        r = run_voskhod(args.voskhod or build(args.build), text, args.threads,
                        args.steps, args.epochs)
        if r:
            rows["voskhod"] = r[:2]
            curves["voskhod"] = r[2]
        print("load average after voskhod: %s" % loadavg(), flush=True)
    for name in [s for s in systems if s != "voskhod"]:
        if name == "jax":
            import jax
            print("$ JAX %s jax.jit, XLA_FLAGS=%r" % (jax.__version__,
                                                      os.environ.get("XLA_FLAGS", "")), flush=True)
            per_step, compile_s, _ = run_jax(data, args.steps)
        else:
            import torch
            print("$ PyTorch %s %s" % (torch.__version__,
                                       "torch.compile" if name == "compile" else "eager"),
                  flush=True)
            per_step, compile_s, losses = run_torch(
                data, args.threads, args.steps, name == "compile",
                args.epochs if name == "eager" else 0)
            if losses:
                curves["eager"] = losses
        print("  %s: %.3f s per step%s; load average %s"
              % (name, per_step, ", compile %.1f s" % compile_s if compile_s else "",
                 loadavg()), flush=True)
        rows[name] = (per_step, compile_s)

    print()
    print("| system | s / step | tokens / s | compile s | system / voskhod time |")
    print("|---|---|---|---|---|")
    ours = rows.get("voskhod")
    for name in [s for s in SYSTEMS if s in rows]:
        per_step, compile_s = rows[name]
        print("| %s | %.3f | %.0f | %s | %s |"
              % (name, per_step, B * T / per_step,
                 "%.2f" % compile_s if compile_s is not None else "-",
                 "%.2f" % (per_step / ours[0]) if ours else "-"))
    peers = {n: r for n, r in rows.items() if n != "voskhod"}
    if ours and peers:
        fastest = min(peers, key=lambda n: peers[n][0])
        print("voskhod tokens/s over the fastest peer (%s): %.2f"
              % (fastest, peers[fastest][0] / ours[0]))
    if curves.get("voskhod") and curves.get("eager"):
        for e, (a, b) in enumerate(zip(curves["voskhod"], curves["eager"])):
            print("epoch %d validation loss: voskhod %.4f, PyTorch %.4f (%+.2f%%)"
                  % (e + 1, a, b, 100 * (a - b) / b))


if __name__ == "__main__":
    main()
