//===- bench/cpu/StepBench.cpp - time compiled training steps -------------===//
///
/// Compiles the seed classifier (SGD) and an MLP 784-512-512-10, batch 128,
/// Adam, through the CPU backend and prints one JSON line per model: the JIT
/// compile time and the mean time of a training step (after warm-up), on the
/// thread count given as the first argument. run.py compares the numbers
/// with PyTorch eager in the same run.
///
//===----------------------------------------------------------------------===//
#include "BenchInputs.h"

#include "compiler/codegen/llvm/CpuBackend.h"
#include "compiler/text/Parser.h"
#include "compiler/training/TrainStep.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

using namespace voskhod;
using Clock = std::chrono::steady_clock;

static const char *kClassifier = R"(
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

static const char *kMlp = R"(
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

static bool bench(const char *name, const char *text, int threads, int steps,
                  unsigned compileThreads) {
  ir::DiagnosticEngine diags;
  auto fwd = ir::parseGraph(text, name, diags);
  auto step = fwd ? training::buildTrainStep(*fwd, diags) : nullptr;
  if (!step) {
    diags.print(std::cerr);
    return false;
  }
  cpu::CpuOptions options;
  options.threads = threads;
  options.compileThreads = compileThreads;
  auto t0 = Clock::now();
  auto program = kernel::lowerModel(step.get(), nullptr);
  if (!program) {
    std::cerr << program.message() << "\n";
    return false;
  }
  auto exe = cpu::compileForCpu(*program, options);
  auto t1 = Clock::now();
  if (!exe) {
    std::cerr << exe.message() << "\n";
    return false;
  }
  benchmarks::prepareStep(**exe, *step);
  for (int i = 0; i < steps / 10 + 1; ++i)
    (void)(*exe)->step();
  auto t2 = Clock::now();
  for (int i = 0; i < steps; ++i)
    (void)(*exe)->step();
  auto t3 = Clock::now();
  double compileMs = std::chrono::duration<double, std::milli>(t1 - t0).count();
  double stepUs =
      std::chrono::duration<double, std::micro>(t3 - t2).count() / steps;
  std::printf("{\"model\": \"%s\", \"threads\": %d, \"compile_ms\": %.1f, "
              "\"step_us\": %.2f, \"loss\": %.6f}\n",
              name, threads, compileMs, stepUs, *(*exe)->loss());
  return true;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  // Threads generating machine code; 0 is CpuOptions' default.
  unsigned compileThreads = argc > 2 ? unsigned(std::atoi(argv[2])) : 0;
  bool ok = bench("classifier", kClassifier, threads, 20000, compileThreads);
  ok &= bench("mlp", kMlp, threads, 30, compileThreads);
  return ok ? 0 : 1;
}
