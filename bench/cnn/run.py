#!/usr/bin/env python3
"""Fashion-MNIST CNN epochs: voskhod against PyTorch eager, torch.compile and
JAX/XLA, in the same run, on the same data and thread count.

The model is examples/fashion_cnn.vg: input [128, 1, 28, 28] standardised
with one mean and deviation over all training pixels, conv 1->32 (3x3,
pad 1, bias) -> BatchNorm2d -> ReLU -> max pool 2 -> conv 32->64 (3x3,
pad 1, bias) -> BatchNorm2d -> ReLU -> max pool 2 -> flatten -> linear
3136->128 -> ReLU -> linear 128->10, softmax cross-entropy, Adam lr 0.001,
batch 128, reshuffled each epoch (the last partial batch is dropped).

Systems:
  voskhod        `voskhod train examples/fashion_cnn.vg --data fashion-mnist
                 --epochs 1 --threads N`, its epoch time parsed from its
                 output; skipped with a message while the example does not
                 exist. Its compile time is the wall time of `voskhod train
                 --steps 1` on random data (process start, JIT compile,
                 initialisation and one step).
  eager          PyTorch eager.
  compile        torch.compile (mode default) of the whole train step
                 (zero_grad, forward, backward, Adam step); its compile time
                 is that of the first two steps (run before the timed epoch,
                 so this model trains two steps more).
  jax            jax.jit of the whole step, Adam written out in jax.numpy;
                 compiled ahead of time (lower().compile(), timed).

An epoch's time is the training loop only, as in bench/fashion/run.py:
batch assembly (shuffled rows gathered from the standardised split in
memory), the step, and reading the loss back; it excludes loading the files,
compiling and the evaluation after the epoch. With --steps N the peers run N
steps and the epoch time is extrapolated to the 468 steps of an epoch (the
table says so); voskhod always runs a whole epoch.

Every system gets the same thread count: torch.set_num_threads and
OMP_NUM_THREADS / MKL_NUM_THREADS, and for XLA
XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
with one thread (XLA's CPU runtime otherwise sizes its pool by the cores,
so any other count must be the core count).

Usage (the peers need scripts/bench-venv.sh's environment):
    $(scripts/bench-venv.sh) bench/cnn/run.py [--threads N] [--steps N]
        [--systems voskhod,eager,compile,jax] [--build DIR | --voskhod EXE]
--threads defaults to 1 (see bench/fashion/run.py: a loaded machine makes
multi-threaded PyTorch several times slower); --build defaults to build/,
configured as a Release build on first use.
"""
import argparse
import gzip
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import build, loadavg, EPOCH_LINE  # noqa: E402
DATA = "/usr/share/datasets/fashion-mnist"
MODEL = os.path.join(ROOT, "examples", "fashion_cnn.vg")
BATCH = 128
LR = 0.001
SYSTEMS = ["voskhod", "eager", "compile", "jax"]


def set_threads(threads):
    """Before torch or jax is imported: their pools read these once."""
    os.environ["OMP_NUM_THREADS"] = str(threads)
    os.environ["MKL_NUM_THREADS"] = str(threads)
    flags = os.environ.get("XLA_FLAGS", "")
    if threads == 1:
        flags += " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    elif threads != os.cpu_count():
        sys.exit("--threads must be 1 or the core count (%d) for XLA, whose "
                 "CPU pool is sized by the cores" % os.cpu_count())
    if flags.strip():
        os.environ["XLA_FLAGS"] = flags.strip()


# --- voskhod ---------------------------------------------------------------


def shown(cmd):
    return "$ " + " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c
                           for c in cmd)


def run_voskhod(exe, threads):
    """Returns (epoch seconds, test accuracy %, compile seconds) or None."""
    cmd = [exe, "train", MODEL, "--steps", "1", "--threads", str(threads)]
    print(shown(cmd), flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    compile_s = time.perf_counter() - t0
    if proc.returncode != 0:
        print("  voskhod cannot train the model; skipped:\n" + proc.stdout, flush=True)
        return None
    cmd = [exe, "train", MODEL, "--data", "fashion-mnist", "--epochs", "1",
           "--threads", str(threads)]
    print(shown(cmd), flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    for line in proc.stdout.splitlines():
        m = EPOCH_LINE.match(line)
        if m and proc.returncode == 0:
            print("  voskhod " + line, flush=True)
            return float(m.group(3)), float(m.group(2)), compile_s
    print("  voskhod train failed; skipped:\n" + proc.stdout, flush=True)
    return None


# --- data ------------------------------------------------------------------

def read_idx(name):
    import numpy as np
    with gzip.open(os.path.join(DATA, name + ".gz")) as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_data():
    """The splits as float32 [N, 1, 28, 28], standardised with one mean and
    population deviation over all training pixels, and int64 labels."""
    import numpy as np
    xtr = read_idx("train-images-idx3-ubyte").astype(np.float32)
    xte = read_idx("t10k-images-idx3-ubyte").astype(np.float32)
    mean = xtr.astype(np.float64).mean()
    std = xtr.astype(np.float64).std()
    norm = lambda x: ((x - mean) / std).astype(np.float32).reshape(-1, 1, 28, 28)
    return (norm(xtr), read_idx("train-labels-idx1-ubyte").astype(np.int64),
            norm(xte), read_idx("t10k-labels-idx1-ubyte").astype(np.int64))


def plan(n, steps, seed=0):
    """Shuffled batch indices of one epoch, the first `steps` of them."""
    import numpy as np
    order = np.random.default_rng(seed).permutation(n)
    batches = n // BATCH
    return [order[b * BATCH:(b + 1) * BATCH] for b in range(min(steps or batches, batches))]


# --- PyTorch ---------------------------------------------------------------

def torch_model():
    import torch
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))


def run_torch(data, batches, threads, compiled):
    """Returns (seconds of the timed steps, test accuracy %, compile s)."""
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    xtr, ytr, xte, yte = (torch.from_numpy(a) for a in data)
    net = torch_model()
    opt = torch.optim.Adam(net.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step(x, y):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        return loss

    compile_s = None
    net.train()
    if compiled:
        step = torch.compile(step)
        t0 = time.perf_counter()
        for _ in range(2):
            step(xtr[:BATCH], ytr[:BATCH]).item()
        compile_s = time.perf_counter() - t0
    idx = [torch.from_numpy(b) for b in batches]
    t0 = time.perf_counter()
    for b in idx:
        step(xtr[b], ytr[b]).item()
    seconds = time.perf_counter() - t0
    net.eval()
    with torch.no_grad():
        right = sum((net(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item()
                    for i in range(0, xte.shape[0], 1000))
    return seconds, 100.0 * right / xte.shape[0], compile_s


# --- JAX -------------------------------------------------------------------

def run_jax(data, batches):
    """Returns (seconds of the timed steps, test accuracy %, compile s)."""
    import jax
    import jax.numpy as jnp
    import numpy as np
    from jax import lax
    xtr, ytr, xte, yte = data
    eps, momentum = 1e-5, 0.1
    b1, b2, adam_eps = 0.9, 0.999, 1e-8

    # PyTorch's default initialisation: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    # for weights (kaiming_uniform with a = sqrt(5)) and biases.
    rng = np.random.default_rng(0)
    def uniform(shape, fan_in):
        bound = 1 / np.sqrt(fan_in)
        return jnp.asarray(rng.uniform(-bound, bound, shape).astype(np.float32))
    params = {
        "w1": uniform((32, 1, 3, 3), 9), "b1": uniform((32,), 9),
        "g1": jnp.ones(32), "be1": jnp.zeros(32),
        "w2": uniform((64, 32, 3, 3), 288), "b2": uniform((64,), 288),
        "g2": jnp.ones(64), "be2": jnp.zeros(64),
        "w3": uniform((3136, 128), 3136), "b3": uniform((128,), 3136),
        "w4": uniform((128, 10), 128), "b4": uniform((10,), 128),
    }
    stats = {"rm1": jnp.zeros(32), "rv1": jnp.ones(32),
             "rm2": jnp.zeros(64), "rv2": jnp.ones(64)}
    adam = {"t": jnp.zeros((), jnp.float32),
            "m": jax.tree_util.tree_map(jnp.zeros_like, params),
            "v": jax.tree_util.tree_map(jnp.zeros_like, params)}

    def conv(x, w, b):
        y = lax.conv_general_dilated(x, w, (1, 1), ((1, 1), (1, 1)),
                                     dimension_numbers=("NCHW", "OIHW", "NCHW"))
        return y + b[None, :, None, None]

    def batch_norm(x, g, be, rm, rv, train):
        if train:
            mean, var = x.mean((0, 2, 3)), x.var((0, 2, 3))
            n = x.size // x.shape[1]
            rm = (1 - momentum) * rm + momentum * mean
            rv = (1 - momentum) * rv + momentum * var * n / (n - 1)
        else:
            mean, var = rm, rv
        c = lambda v: v[None, :, None, None]
        return (x - c(mean)) * c(g * lax.rsqrt(var + eps)) + c(be), rm, rv

    def pool(x):
        return lax.reduce_window(x, -jnp.inf, lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")

    def forward(p, s, x, train):
        h, rm1, rv1 = batch_norm(conv(x, p["w1"], p["b1"]), p["g1"], p["be1"],
                                 s["rm1"], s["rv1"], train)
        h = pool(jax.nn.relu(h))
        h, rm2, rv2 = batch_norm(conv(h, p["w2"], p["b2"]), p["g2"], p["be2"],
                                 s["rm2"], s["rv2"], train)
        h = pool(jax.nn.relu(h)).reshape(x.shape[0], 3136)
        h = jax.nn.relu(h @ p["w3"] + p["b3"])
        return h @ p["w4"] + p["b4"], {"rm1": rm1, "rv1": rv1, "rm2": rm2, "rv2": rv2}

    def loss_fn(p, s, x, y):
        logits, s = forward(p, s, x, True)
        logp = jax.nn.log_softmax(logits)
        return -jnp.take_along_axis(logp, y[:, None], 1).mean(), s

    def train_step(p, s, o, x, y):
        (loss, s), g = jax.value_and_grad(loss_fn, has_aux=True)(p, s, x, y)
        t = o["t"] + 1
        m = jax.tree_util.tree_map(lambda m, g: b1 * m + (1 - b1) * g, o["m"], g)
        v = jax.tree_util.tree_map(lambda v, g: b2 * v + (1 - b2) * g * g, o["v"], g)
        c1, c2 = 1 - b1 ** t, 1 - b2 ** t
        p = jax.tree_util.tree_map(
            lambda p, m, v: p - LR * (m / c1) / (jnp.sqrt(v / c2) + adam_eps), p, m, v)
        return p, s, {"t": t, "m": m, "v": v}, loss

    x0, y0 = xtr[:BATCH], ytr[:BATCH].astype(np.int32)
    t0 = time.perf_counter()
    step = jax.jit(train_step, donate_argnums=(0, 1, 2)).lower(
        params, stats, adam, x0, y0).compile()
    compile_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for b in batches:
        params, stats, adam, loss = step(params, stats, adam, xtr[b],
                                         ytr[b].astype(np.int32))
        float(loss)
    seconds = time.perf_counter() - t0
    predict = jax.jit(lambda p, s, x: forward(p, s, x, False)[0].argmax(1))
    right = sum(int((np.asarray(predict(params, stats, xte[i:i + 1000])) ==
                     yte[i:i + 1000]).sum()) for i in range(0, xte.shape[0], 1000))
    return seconds, 100.0 * right / xte.shape[0], compile_s


# --- main ------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=0,
                    help="time N steps of the peers and extrapolate to an epoch "
                    "(default: a whole epoch)")
    ap.add_argument("--systems", default=",".join(SYSTEMS),
                    help="comma-separated subset of " + ",".join(SYSTEMS))
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--voskhod", metavar="EXE",
                    help="a built voskhod to run instead of building --build")
    args = ap.parse_args()
    systems = args.systems.split(",")
    unknown = set(systems) - set(SYSTEMS)
    if unknown:
        sys.exit("unknown system(s): " + ", ".join(sorted(unknown)))
    set_threads(args.threads)
    print("load average before: %s on %d cores; %d thread(s)"
          % (loadavg(), os.cpu_count(), args.threads), flush=True)

    rows = {}  # system -> (epoch seconds, accuracy %, compile seconds)
    if "voskhod" in systems:
        if not os.path.exists(MODEL):
            print("voskhod skipped: %s does not exist yet" % os.path.relpath(MODEL, ROOT),
                  flush=True)
        else:
            r = run_voskhod((args.voskhod or build(args.build)), args.threads)
            if r:
                rows["voskhod"] = r
            print("load average after voskhod: %s" % loadavg(), flush=True)

    peers = [s for s in systems if s != "voskhod"]
    if peers:
        data = load_data()
        epoch_steps = data[0].shape[0] // BATCH
        batches = plan(data[0].shape[0], args.steps)
        scale = epoch_steps / len(batches)
    for name in peers:
        if name == "jax":
            import jax
            print("$ JAX %s jax.jit, XLA_FLAGS=%r" % (jax.__version__, os.environ.get("XLA_FLAGS", "")),
                  flush=True)
            seconds, acc, compile_s = run_jax(data, batches)
        else:
            import torch
            print("$ PyTorch %s %s" % (torch.__version__,
                                       "torch.compile" if name == "compile" else "eager"),
                  flush=True)
            seconds, acc, compile_s = run_torch(data, batches, args.threads, name == "compile")
        print("  %s: %d steps in %.3f s, test acc %.2f%%%s; load average %s"
              % (name, len(batches), seconds, acc,
                 ", compile %.1f s" % compile_s if compile_s is not None else "",
                 loadavg()), flush=True)
        rows[name] = (seconds * scale, acc, compile_s)

    print()
    if args.steps and peers:
        print("peer epoch times extrapolated from %d of %d steps; their accuracy "
              "is after those %d steps" % (len(batches), epoch_steps, len(batches)))
    print("| system | epoch s | test acc | compile s | voskhod / system time |")
    print("|---|---|---|---|---|")
    ours = rows.get("voskhod")
    for name in [s for s in SYSTEMS if s in rows]:
        seconds, acc, compile_s = rows[name]
        ratio = "%.2f" % (ours[0] / seconds) if ours else "-"
        print("| %s | %.2f | %.2f%% | %s | %s |"
              % (name, seconds, acc, "%.1f" % compile_s if compile_s is not None else "-",
                 ratio))
    peer_rows = {n: r for n, r in rows.items() if n != "voskhod"}
    if ours and peer_rows:
        fastest = min(peer_rows, key=lambda n: peer_rows[n][0])
        print("voskhod / fastest peer (%s): %.2f" % (fastest, ours[0] / peer_rows[fastest][0]))


if __name__ == "__main__":
    main()
