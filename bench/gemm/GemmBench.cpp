//===- bench/gemm/GemmBench.cpp - GFLOP/s of the emitted GEMM -------------===//
///
/// JIT-compiles the GEMM emitter's function for each shape and layout and
/// prints one line per case: `name m n k layout threads gflops`, plus the
/// machine's measured single-core FMA peak (`peak ... gflops`). The numbers
/// are best-of-repeats over at least 0.2 s each. run.sh puts them next to
/// numpy (OpenBLAS) measured in the same run.
///
//===----------------------------------------------------------------------===//
#include "compiler/codegen/llvm/GemmEmitter.h"
#include "runtime/ThreadPool.h"
#include "tests/unit/vmath/TestJit.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

using namespace voskhod;

namespace {

using Clock = std::chrono::steady_clock;

template <typename Fn> double bestSeconds(Fn &&fn) {
  fn();
  double best = 1e30, total = 0;
  int reps = 0;
  while (total < 0.2 || reps < 3) {
    auto start = Clock::now();
    fn();
    double s = std::chrono::duration<double>(Clock::now() - start).count();
    best = std::min(best, s);
    total += s;
    ++reps;
  }
  return best;
}

#if defined(__x86_64__)
/// Ten independent FMA chains of 8 lanes: enough in flight to cover the FMA
/// latency on current x86 cores, so the loop runs at the FMA throughput.
/// A lambda does not inherit its enclosing function's target attribute, so
/// the chains live in their own function.
__attribute__((target("avx2,fma"))) float runFmaChains(int64_t iters) {
  // Volatile operands keep the compiler from folding the chains away.
  volatile float scale = 0.999f, shift = 1e-4f, start = 1e-3f;
  __m256 acc[10];
  for (int i = 0; i < 10; ++i)
    acc[i] = _mm256_set1_ps(float(i) * start);
  const __m256 a = _mm256_set1_ps(scale), b = _mm256_set1_ps(shift);
  // Unrolled so the ten accumulators stay in registers.
  for (int64_t it = 0; it < iters; ++it)
#pragma GCC unroll 10
    for (int i = 0; i < 10; ++i)
      acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  float sink = 0;
  for (int i = 0; i < 10; ++i)
    sink += _mm256_cvtss_f32(acc[i]);
  return sink;
}

double fmaPeakGflops() {
  const int64_t iters = 2000000;
  float sink = 0;
  // Best of several short runs, so a busy machine shows its real peak.
  double s = bestSeconds([&] { sink += runFmaChains(iters); });
  if (sink == 12345.0f)
    std::puts("");
  return double(iters) * 10 * 8 * 2 / s / 1e9;
}
#else
double fmaPeakGflops() { return 0; }
#endif

struct Case {
  int64_t m, n, k;
  const char *layout; // NN, NT, TN
};

} // namespace

int main(int argc, char **argv) {
  int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  voskhod_set_num_threads(threads);
  std::vector<Case> cases;
  for (const char *layout : {"NN", "NT", "TN"}) {
    for (int64_t s : {256, 512, 1024, 2048})
      cases.push_back({s, s, s, layout});
    cases.push_back({128, 512, 784, layout});
    cases.push_back({128, 512, 512, layout});
    cases.push_back({128, 10, 512, layout});
  }

  test::TestJit jit;
  auto ctx = std::make_unique<llvm::LLVMContext>();
  auto module = jit.newModule(*ctx);
  for (size_t i = 0; i < cases.size(); ++i) {
    codegen::GemmSpec spec;
    spec.m = cases[i].m;
    spec.n = cases[i].n;
    spec.k = cases[i].k;
    spec.transposeA = cases[i].layout[0] == 'T';
    spec.transposeB = cases[i].layout[1] == 'T';
    codegen::emitGemm(*module, "gemm" + std::to_string(i), spec);
  }
  auto compileStart = Clock::now();
  jit.add(std::move(module), std::move(ctx));
  using Fn = void(const float *, const float *, float *);
  std::vector<Fn *> fns;
  for (size_t i = 0; i < cases.size(); ++i)
    fns.push_back(jit.lookup<Fn>("gemm" + std::to_string(i)));
  double compileSeconds =
      std::chrono::duration<double>(Clock::now() - compileStart).count();

  codegen::GemmTuning t = codegen::GemmTuning::forHost();
  std::printf("tuning vector_bits=%u mr=%u nr=%u kc=%lld mc=%lld nc=%lld\n",
              t.vectorBits, t.mr, t.nrVectors * t.vectorBits / 32,
              (long long)t.kc, (long long)t.mc, (long long)t.nc);
  std::printf("compile %zu functions %.2f s\n", cases.size(), compileSeconds);
  std::printf("peak 1 %.1f gflops\n", fmaPeakGflops());

  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1, 1);
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case &c = cases[i];
    std::vector<float> a(c.m * c.k), b(c.k * c.n), out(c.m * c.n);
    for (float &x : a)
      x = dist(rng);
    for (float &x : b)
      x = dist(rng);
    double s = bestSeconds([&] { fns[i](a.data(), b.data(), out.data()); });
    std::printf("gemm %lld %lld %lld %s %d %.2f\n", (long long)c.m,
                (long long)c.n, (long long)c.k, c.layout, threads,
                2.0 * c.m * c.n * c.k / s / 1e9);
    std::fflush(stdout);
  }
  return 0;
}
