//===- bench/cpu/ScheduleBench.cpp - straight-line entry against the table ===//
///
/// A program's entry either calls its kernels in a straight line of code,
/// inlined, or runs shared launch functions from a constant table
/// (compiler/codegen/llvm/ScheduleTable.h); CpuOptions::maxInlineKernels
/// picks by kernel count. For residual MLPs of the given depths
/// (bench/compile/make_graph.py's model: 16 wide, batch 8, SGD) this
/// compiles the training step both ways and prints, per depth, the kernel
/// count, the JIT compile time and the time of a step, so the threshold can
/// be checked against what each costs.
///
///   bench_schedule [THREADS [DEPTH...]]   (default: 1; 10 40 85 200 400)
///
//===----------------------------------------------------------------------===//
#include "BenchInputs.h"

#include "compiler/codegen/llvm/CpuBackend.h"
#include "compiler/kernel/Lowering.h"
#include "compiler/text/Parser.h"
#include "compiler/training/TrainStep.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

using namespace voskhod;
using Clock = std::chrono::steady_clock;

namespace {

std::string residualMlp(int layers) {
  std::ostringstream s;
  s << "graph @deep {\n  %x = input f32[8, 16]\n  %y = input i32[8]\n";
  std::string prev = "%x";
  for (int i = 0; i < layers; ++i) {
    s << "  %w" << i << " = param f32[16, 16] init = normal(0, 0.001)\n"
      << "  %h" << i << " = add " << prev << ", (relu (matmul " << prev
      << ", %w" << i << "))\n";
    prev = "%h" + std::to_string(i);
  }
  s << "  %wo = param f32[16, 4] init = xavier_uniform\n  %lg = matmul " << prev
    << ", %wo\n  %loss = softmax_cross_entropy %lg, %y\n"
    << "  minimize %loss using sgd {lr = 0.01}\n  return %lg\n}\n";
  return s.str();
}

struct Timing {
  double compileMs = 0, stepUs = 0;
};

bool measure(const ir::Graph &step, int threads, size_t maxInlineKernels,
             Timing &out) {
  cpu::CpuOptions options;
  options.threads = threads;
  options.maxInlineKernels = maxInlineKernels;
  auto t0 = Clock::now();
  auto program = kernel::lowerModel(&step, nullptr);
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
  benchmarks::prepareStep(**exe, step);
  int steps = 200;
  for (int i = 0; i < 20; ++i)
    (void)(*exe)->step();
  auto t2 = Clock::now();
  for (int i = 0; i < steps; ++i)
    (void)(*exe)->step();
  auto t3 = Clock::now();
  out.compileMs = std::chrono::duration<double, std::milli>(t1 - t0).count();
  out.stepUs =
      std::chrono::duration<double, std::micro>(t3 - t2).count() / steps;
  return true;
}

} // namespace

int main(int argc, char **argv) {
  int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  std::vector<int> depths;
  for (int i = 2; i < argc; ++i)
    depths.push_back(std::atoi(argv[i]));
  if (depths.empty())
    depths = {10, 40, 85, 200, 400};
  std::printf("| layers | kernels | inline: compile (ms) | inline: step (us) | "
              "table: compile (ms) | table: step (us) |\n"
              "|---:|---:|---:|---:|---:|---:|\n");
  for (int layers : depths) {
    ir::DiagnosticEngine diags;
    auto fwd = ir::parseGraph(residualMlp(layers), "deep.vg", diags);
    auto step = fwd ? training::buildTrainStep(*fwd, diags) : nullptr;
    if (!step) {
      diags.print(std::cerr);
      return 1;
    }
    Timing inlined, table;
    if (!measure(*step, threads, std::numeric_limits<size_t>::max(), inlined) ||
        !measure(*step, threads, 0, table))
      return 1;
    auto program = kernel::lowerToKernels(*step);
    if (!program) {
      std::cerr << program.message() << "\n";
      return 1;
    }
    std::printf("| %d | %zu | %.0f | %.2f | %.0f | %.2f |\n", layers,
                program->kernels.size(), inlined.compileMs, inlined.stepUs,
                table.compileMs, table.stepUs);
    std::fflush(stdout);
  }
  return 0;
}
