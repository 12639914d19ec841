//===- bench/gpu/CudaBench.cpp - GEMM, training step and launch timings ---===//
///
/// Measures the CUDA backend on the GPU it finds and prints one JSON object
/// per line (check.sh turns them into a table next to PyTorch's numbers):
///   - `gemm`: C = A·B in f32 for square sizes and the MLP's layer shapes,
///     GFLOP/s over back-to-back runs of the compiled forward graph;
///   - `mlp_step`: the 784→512→512→10, batch 128, Adam training step, as a
///     replayed CUDA graph, as kernel-by-kernel launches, and with the batch
///     uploaded and the loss read back every step;
///   - `launch`: the seed classifier's tiny step, whose time is almost all
///     launch cost, per kernel with and without the CUDA graph.
/// Times come from the host clock around runs that end in a stream
/// synchronisation; each measurement repeats until it has run ~0.3 s.
///
//===----------------------------------------------------------------------===//
#include "compiler/codegen/cuda/CudaBackend.h"
#include "compiler/text/Parser.h"
#include "compiler/training/Initialize.h"
#include "compiler/training/TrainStep.h"
#include "runtime/cuda/CudaDriver.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>

using namespace voskhod;
using Clock = std::chrono::steady_clock;

namespace {

const char *kMlp = R"(
graph @mlp {
  %x  = input f32[128, 784]
  %y  = input i32[128]
  %w1 = param f32[784, 512] init = he_uniform
  %b1 = param f32[512]      init = zeros
  %w2 = param f32[512, 512] init = he_uniform
  %b2 = param f32[512]      init = zeros
  %w3 = param f32[512, 10]  init = xavier_uniform
  %b3 = param f32[10]       init = zeros
  %h1 = relu (add (matmul %x, %w1), %b1)
  %h2 = relu (add (matmul %h1, %w2), %b2)
  %lg = add (matmul %h2, %w3), %b3
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using adam {lr = 0.001}
  return %lg
}
)";

const char *kClassifier = R"(
graph @classifier {
  %x  = input f32[2, 3]
  %y  = input i32[2]
  %w1 = param f32[3, 10] init = he_normal
  %b1 = param f32[10]    init = zeros
  %w2 = param f32[10, 20] init = xavier_uniform
  %b2 = param f32[20]    init = zeros
  %w3 = param f32[20, 3] init = xavier_uniform
  %b3 = param f32[3]     init = zeros
  %h1 = relu (add (matmul %x, %w1), %b1)
  %h2 = relu (add (matmul %h1, %w2), %b2)
  %lg = add (matmul %h2, %w3), %b3
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using sgd {lr = 0.01, weight_decay = 0.05}
  return %lg
}
)";

[[noreturn]] void die(const std::string &what) {
  std::cerr << "bench_cuda: " << what << "\n";
  std::exit(1);
}

std::unique_ptr<ir::Graph> parse(const std::string &text) {
  ir::DiagnosticEngine diags;
  auto g = ir::parseGraph(text, "bench.vg", diags);
  if (!g) {
    std::ostringstream os;
    diags.print(os);
    die(os.str());
  }
  return g;
}

/// Fills an executable's inputs (and params) from the interpreter's
/// random values, so the numbers are not zeros.
void feed(rt::Executable &exe, const ir::Graph &g, uint64_t seed) {
  for (auto &[node, value] : training::initialLeafValues(g, seed)) {
    void *p = exe.data(node->name());
    if (!p)
      continue;
    for (size_t i = 0; i < value.data.size(); ++i) {
      if (value.type.dtype == ir::DType::F32)
        static_cast<float *>(p)[i] = float(value.data[i]);
      else if (value.type.dtype == ir::DType::I32)
        static_cast<int32_t *>(p)[i] = int32_t(value.data[i]);
    }
  }
}

/// Seconds per call of `fn(count)`, repeated until ~0.3 s have passed.
template <typename Fn> double secondsPerRun(Fn fn) {
  fn(3); // warm-up, graph capture
  int count = 1;
  for (;;) {
    auto t0 = Clock::now();
    fn(count);
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (s > 0.3 || count >= (1 << 20))
      return s / count;
    count *= s > 0.03 ? int(0.35 / s) + 1 : 10;
  }
}

cuda::CudaExecutable &asCuda(rt::Executable &exe) {
  return static_cast<cuda::CudaExecutable &>(exe);
}

void check(const Status &s) {
  if (!s)
    die(s.message());
}

void gemm(int64_t m, int64_t n, int64_t k) {
  std::ostringstream text;
  text << "graph @gemm {\n  %a = input f32[" << m << ", " << k
       << "]\n  %b = input f32[" << k << ", " << n
       << "]\n  %c = matmul %a, %b\n  return %c\n}\n";
  auto g = parse(text.str());
  auto program = kernel::lowerModel(nullptr, g.get());
  if (!program)
    die(program.message());
  auto exe = cuda::compileForCuda(*program);
  if (!exe)
    die(exe.message());
  feed(**exe, *g, 1);
  check((*exe)->forward()); // uploads the inputs
  double s = secondsPerRun(
      [&](int c) { check(asCuda(**exe).runDeviceOnly(false, c)); });
  std::printf("{\"kind\": \"gemm\", \"m\": %lld, \"n\": %lld, \"k\": %lld, "
              "\"ms\": %.4f, \"gflops\": %.1f}\n",
              (long long)m, (long long)n, (long long)k, s * 1e3,
              2.0 * double(m) * double(n) * double(k) / s * 1e-9);
}

struct StepTimes {
  double graph, eager, hostSync;
  int launches;
};

StepTimes stepTimes(const char *text) {
  auto fwd = parse(text);
  ir::DiagnosticEngine diags;
  auto step = training::buildTrainStep(*fwd, diags);
  if (!step)
    die("cannot build the training step");
  cuda::CudaOptions options;
  options.sync = cuda::HostSync::Inputs;
  auto program = kernel::lowerModel(step.get(), nullptr);
  if (!program)
    die(program.message());
  auto exe = cuda::compileForCuda(*program, options);
  if (!exe)
    die(exe.message());
  cuda::CudaExecutable &cu = asCuda(**exe);
  (*exe)->initialize(1);
  feed(**exe, *step, 1);
  check((*exe)->step());
  StepTimes t;
  t.launches = cu.launchCount(true);
  t.graph = secondsPerRun([&](int c) { check(cu.runDeviceOnly(true, c)); });
  cu.setUseGraph(false);
  t.eager = secondsPerRun([&](int c) { check(cu.runDeviceOnly(true, c)); });
  cu.setUseGraph(true);
  t.hostSync = secondsPerRun([&](int c) {
    for (int i = 0; i < c; ++i)
      check((*exe)->step());
  });
  return t;
}

} // namespace

int main() {
  auto devices = rt::cuda::listDevices();
  if (!devices || devices->empty())
    die(devices ? "no GPU" : devices.message());
  const rt::cuda::DeviceInfo &d = devices->front();
  std::printf("{\"kind\": \"device\", \"name\": \"%s\", \"arch\": \"%s\"}\n",
              d.name.c_str(), d.arch().c_str());
  for (int64_t s : {512, 1024, 2048, 4096})
    gemm(s, s, s);
  gemm(128, 512, 784); // the MLP's first layer
  gemm(784, 512, 128); // its weight gradient
  gemm(128, 784, 512); // and an input-gradient shape
  StepTimes mlp = stepTimes(kMlp);
  std::printf("{\"kind\": \"mlp_step\", \"graph_ms\": %.4f, \"eager_ms\": "
              "%.4f, \"host_sync_ms\": %.4f, \"launches\": %d}\n",
              mlp.graph * 1e3, mlp.eager * 1e3, mlp.hostSync * 1e3,
              mlp.launches);
  StepTimes tiny = stepTimes(kClassifier);
  std::printf("{\"kind\": \"launch\", \"graph_us_per_kernel\": %.3f, "
              "\"eager_us_per_kernel\": %.3f, \"launches\": %d}\n",
              tiny.graph * 1e6 / tiny.launches,
              tiny.eager * 1e6 / tiny.launches, tiny.launches);
  return 0;
}
