#!/usr/bin/env python3
"""PyTorch's numbers for the same measurements as bench_cuda, on the same GPU.

Prints one JSON object per line:
  gemm      f32 torch.matmul (cuBLAS; TF32 off, so it is real f32) GFLOP/s;
  mlp_step  784->512->512->10, batch 128, Adam, cross-entropy: eager PyTorch
            with the default Adam, with fused Adam, and the fused step
            captured in a CUDA graph.
Times come from CUDA events over back-to-back runs of ~0.3 s.
"""
import json
import sys

try:
    import torch
except ImportError:
    print(json.dumps({"kind": "error", "message": "no PyTorch"}))
    sys.exit(0)

if not torch.cuda.is_available():
    print(json.dumps({"kind": "error", "message": "PyTorch sees no GPU"}))
    sys.exit(0)

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
dev = torch.device("cuda")


def seconds_per_run(fn):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    count = 1
    while True:
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(count):
            fn()
        end.record()
        end.synchronize()
        s = start.elapsed_time(end) / 1e3
        if s > 0.3 or count >= 1 << 20:
            return s / count
        count *= int(0.35 / s) + 1 if s > 0.03 else 10


def gemm(m, n, k):
    g = torch.Generator(device=dev).manual_seed(1)
    a = torch.randn(m, k, device=dev, generator=g)
    b = torch.randn(k, n, device=dev, generator=g)
    s = seconds_per_run(lambda: torch.matmul(a, b))
    print(json.dumps({"kind": "gemm", "m": m, "n": n, "k": k,
                      "ms": s * 1e3, "gflops": 2.0 * m * n * k / s * 1e-9}))


def mlp_step():
    torch.manual_seed(1)
    x = torch.randn(128, 784, device=dev)
    y = torch.randint(0, 10, (128,), device=dev)
    results = {}
    for label, fused in (("eager_ms", False), ("fused_adam_ms", True)):
        model = torch.nn.Sequential(
            torch.nn.Linear(784, 512), torch.nn.ReLU(),
            torch.nn.Linear(512, 512), torch.nn.ReLU(),
            torch.nn.Linear(512, 10)).to(dev)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, fused=fused)
        loss_fn = torch.nn.CrossEntropyLoss()

        def step():
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            return loss

        results[label] = seconds_per_run(step) * 1e3
        if fused:
            # The whole step as one CUDA graph, as the PyTorch docs show.
            try:
                stream = torch.cuda.Stream()
                stream.wait_stream(torch.cuda.current_stream())
                with torch.cuda.stream(stream):
                    for _ in range(3):
                        step()
                torch.cuda.current_stream().wait_stream(stream)
                graph = torch.cuda.CUDAGraph()
                opt.zero_grad(set_to_none=True)
                with torch.cuda.graph(graph):
                    static_loss = loss_fn(model(x), y)
                    static_loss.backward()
                    opt.step()
                results["graph_ms"] = seconds_per_run(graph.replay) * 1e3
            except Exception as e:  # an older PyTorch: no graph number
                results["graph_error"] = str(e)[:200]
    print(json.dumps({"kind": "mlp_step", **results}))


def main():
    print(json.dumps({"kind": "device", "name": torch.cuda.get_device_name(),
                      "torch": torch.__version__}))
    for s in (512, 1024, 2048, 4096):
        gemm(s, s, s)
    gemm(128, 512, 784)
    gemm(784, 512, 128)
    gemm(128, 784, 512)
    mlp_step()


if __name__ == "__main__":
    main()
