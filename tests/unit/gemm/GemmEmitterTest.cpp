//===- tests/unit/gemm/GemmEmitterTest.cpp - emitted GEMM vs references ---===//
///
/// Every emitted product is checked twice: bitwise against a scalar chain
/// of fused multiply-adds over k (what the emitter promises each element
/// is, whatever the path, blocking or thread count), and against a double
/// reference within a K-scaled relative bound. Shapes cover tiny, prime,
/// vector tails, single rows and columns, K = 1 and K >= 1000; every
/// transpose combination; tunings that force the packed path, many K
/// slices and many parallel blocks on small shapes; padded leading
/// dimensions; f64; prologue, epilogue and accumulate hooks; 1, 2 and 4
/// threads.
///
//===----------------------------------------------------------------------===//
#include "compiler/codegen/llvm/GemmEmitter.h"
#include "runtime/ThreadPool.h"
#include "tests/unit/vmath/TestJit.h"

#include "llvm/IR/Function.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

using namespace voskhod;
using codegen::GemmElement;
using codegen::GemmSpec;
using codegen::GemmTuning;

namespace {

struct Shape {
  int64_t m, n, k;
};

const Shape kShapes[] = {{1, 1, 1},     {2, 3, 4},    {7, 13, 11},
                         {37, 41, 43},  {17, 33, 9},  {1, 300, 50},
                         {300, 1, 50},  {64, 64, 1},  {20, 24, 1200},
                         {128, 10, 96}, {61, 130, 67}};

/// Hooks under test: A is masked by a buffer of A's layout (extra 0), B
/// goes through a ReLU, the output gets a bias per column (extra 1) and a
/// ReLU. The same arithmetic is spelled out for the references below.
llvm::Value *maskA(llvm::IRBuilderBase &b, llvm::Value *v,
                   const codegen::GemmSite &site, int64_t lda) {
  llvm::Value *offset =
      b.CreateAdd(b.CreateMul(site.row, b.getInt64(lda)), site.col);
  llvm::Type *elem = v->getType()->getScalarType();
  llvm::Value *mask = b.CreateAlignedLoad(
      v->getType(), b.CreateGEP(elem, site.extras[0], offset),
      llvm::Align(elem->getPrimitiveSizeInBits() / 8));
  return b.CreateFMul(v, mask);
}
llvm::Value *relu(llvm::IRBuilderBase &b, llvm::Value *v) {
  llvm::Value *zero = llvm::Constant::getNullValue(v->getType());
  return b.CreateSelect(b.CreateFCmpOGT(v, zero), v, zero);
}
llvm::Value *biasRelu(llvm::IRBuilderBase &b, llvm::Value *v,
                      const codegen::GemmSite &site) {
  llvm::Type *elem = v->getType()->getScalarType();
  llvm::Value *bias = b.CreateAlignedLoad(
      v->getType(), b.CreateGEP(elem, site.extras[1], site.col),
      llvm::Align(elem->getPrimitiveSizeInBits() / 8));
  return relu(b, b.CreateFAdd(v, bias));
}

struct Case {
  Shape shape;
  bool ta = false, tb = false;
  bool hooks = false, accumulate = false;
  int64_t pad = 0; // added to every leading dimension
  GemmTuning tuning;
  std::string name;
};

template <typename T> struct Operands {
  int64_t lda, ldb, ldc;
  std::vector<T> a, b, c, maskA, bias;
};

template <typename T>
Operands<T> makeOperands(const Case &cs, std::mt19937_64 &rng) {
  const Shape &s = cs.shape;
  Operands<T> o;
  o.lda = (cs.ta ? s.m : s.k) + cs.pad;
  o.ldb = (cs.tb ? s.k : s.n) + cs.pad;
  o.ldc = s.n + cs.pad;
  std::uniform_real_distribution<T> dist(-1, 1);
  auto fill = [&](std::vector<T> &v, size_t n) {
    v.resize(n);
    for (T &x : v)
      x = dist(rng);
  };
  fill(o.a, size_t((cs.ta ? s.k : s.m) * o.lda));
  fill(o.b, size_t((cs.tb ? s.n : s.k) * o.ldb));
  fill(o.c, size_t(s.m * o.ldc));
  fill(o.maskA, o.a.size());
  for (T &x : o.maskA)
    x = x > 0 ? T(1) : T(0);
  fill(o.bias, size_t(s.n));
  return o;
}

template <typename T>
T getA(const Case &cs, const Operands<T> &o, int64_t m, int64_t k) {
  size_t i = size_t(cs.ta ? k * o.lda + m : m * o.lda + k);
  return cs.hooks ? o.a[i] * o.maskA[i] : o.a[i];
}
template <typename T>
T getB(const Case &cs, const Operands<T> &o, int64_t k, int64_t n) {
  T v = o.b[size_t(cs.tb ? n * o.ldb + k : k * o.ldb + n)];
  return cs.hooks ? (v > 0 ? v : T(0)) : v;
}

/// The promised result: one fma chain per element, then the epilogue.
template <typename T>
std::vector<T> fmaChain(const Case &cs, const Operands<T> &o) {
  std::vector<T> c = o.c;
  for (int64_t m = 0; m < cs.shape.m; ++m)
    for (int64_t n = 0; n < cs.shape.n; ++n) {
      T acc = cs.accumulate ? c[size_t(m * o.ldc + n)] : T(0);
      for (int64_t k = 0; k < cs.shape.k; ++k)
        acc = std::fma(getA(cs, o, m, k), getB(cs, o, k, n), acc);
      if (cs.hooks) {
        acc = acc + o.bias[size_t(n)];
        acc = acc > 0 ? acc : T(0);
      }
      c[size_t(m * o.ldc + n)] = acc;
    }
  return c;
}

template <typename T>
void checkAgainstDouble(const Case &cs, const Operands<T> &o,
                        const std::vector<T> &got) {
  int64_t worst = 0;
  double worstRatio = 0;
  for (int64_t m = 0; m < cs.shape.m; ++m)
    for (int64_t n = 0; n < cs.shape.n; ++n) {
      double acc = cs.accumulate ? double(o.c[size_t(m * o.ldc + n)]) : 0.0;
      double scale = std::fabs(acc);
      for (int64_t k = 0; k < cs.shape.k; ++k) {
        double p = double(getA(cs, o, m, k)) * double(getB(cs, o, k, n));
        acc += p;
        scale += std::fabs(p);
      }
      if (cs.hooks) {
        acc += double(o.bias[size_t(n)]);
        scale += std::fabs(double(o.bias[size_t(n)]));
        acc = acc > 0 ? acc : 0.0;
      }
      double err = std::fabs(double(got[size_t(m * o.ldc + n)]) - acc);
      double ratio = err / std::max(scale, 1e-30);
      if (ratio > worstRatio) {
        worstRatio = ratio;
        worst = m * o.ldc + n;
      }
    }
  double bound = std::is_same_v<T, float> ? 1e-4 : 1e-12;
  EXPECT_LE(worstRatio, bound) << cs.name << " at element " << worst;
}

template <typename T>
using GemmFn = void(const T *, const T *, T *, const T *, const T *);

class GemmEmitter : public ::testing::Test {
protected:
  static void SetUpTestSuite() { jit = new test::TestJit(); }
  static void TearDownTestSuite() { delete jit; }

  /// Emits all cases into one module (one JIT compilation), then runs each
  /// on 1, 2 and 4 threads.
  template <typename T> void runCases(const std::vector<Case> &cases) {
    auto ctx = std::make_unique<llvm::LLVMContext>();
    auto module = jit->newModule(*ctx);
    std::vector<std::string> names;
    std::mt19937_64 rng(0x6e4d);
    std::vector<Operands<T>> operands;
    for (size_t i = 0; i < cases.size(); ++i) {
      const Case &cs = cases[i];
      operands.push_back(makeOperands<T>(cs, rng));
      const Operands<T> &o = operands.back();
      GemmSpec spec;
      spec.m = cs.shape.m;
      spec.n = cs.shape.n;
      spec.k = cs.shape.k;
      spec.element =
          std::is_same_v<T, float> ? GemmElement::F32 : GemmElement::F64;
      spec.transposeA = cs.ta;
      spec.transposeB = cs.tb;
      spec.lda = o.lda;
      spec.ldb = o.ldb;
      spec.ldc = o.ldc;
      spec.accumulate = cs.accumulate;
      spec.tuning = cs.tuning;
      spec.numExtraArgs = 2;
      if (cs.hooks) {
        int64_t lda = o.lda;
        spec.prologueA = [lda](llvm::IRBuilderBase &b, llvm::Value *v,
                               const codegen::GemmSite &site) {
          return maskA(b, v, site, lda);
        };
        spec.prologueB = [](llvm::IRBuilderBase &b, llvm::Value *v,
                            const codegen::GemmSite &) { return relu(b, v); };
        spec.epilogue = biasRelu;
      }
      names.push_back("gemm" + std::to_string(nextId++));
      codegen::emitGemm(*module, names.back(), spec);
    }
    jit->add(std::move(module), std::move(ctx));

    for (size_t i = 0; i < cases.size(); ++i) {
      const Case &cs = cases[i];
      const Operands<T> &o = operands[i];
      auto *fn = jit->lookup<GemmFn<T>>(names[i]);
      std::vector<T> expected = fmaChain(cs, o);
      std::vector<T> first;
      for (int threads : {1, 2, 4}) {
        voskhod_set_num_threads(threads);
        std::vector<T> c = o.c;
        fn(o.a.data(), o.b.data(), c.data(), o.maskA.data(), o.bias.data());
        if (first.empty()) {
          first = c;
          checkAgainstDouble(cs, o, c);
          size_t bad = 0;
          while (bad < c.size() &&
                 std::memcmp(&c[bad], &expected[bad], sizeof(T)) == 0)
            ++bad;
          EXPECT_EQ(bad, c.size())
              << cs.name << ": differs from the fma chain at element " << bad
              << ": " << (bad < c.size() ? double(c[bad]) : 0.0) << " vs "
              << (bad < c.size() ? double(expected[bad]) : 0.0);
        } else {
          EXPECT_EQ(std::memcmp(c.data(), first.data(), c.size() * sizeof(T)),
                    0)
              << cs.name << ": " << threads << " threads differ from 1";
        }
      }
    }
    voskhod_set_num_threads(1);
  }

  static test::TestJit *jit;
  static int nextId;
};
test::TestJit *GemmEmitter::jit = nullptr;
int GemmEmitter::nextId = 0;

/// Tiny blocks so that small shapes cross every boundary: several K slices,
/// several parallel blocks in both directions, edge tiles everywhere.
GemmTuning tinyBlocks(GemmElement element) {
  GemmTuning t = GemmTuning::forHost(element);
  t.kc = 8;
  t.mc = t.mr * 2;
  t.nc = int64_t(t.vectorBits / (element == GemmElement::F32 ? 32 : 64)) *
         t.nrVectors * 2;
  t.noPackBelow = 0;
  t.flopsPerBlock = 1000;
  return t;
}

/// Every shape in every transpose combination, alternating between the
/// host tuning and tiny blocks (so each shape meets both); `every` thins
/// the list for the hook variants, which need fewer shapes.
std::vector<Case> casesFor(GemmElement element, bool hooks, bool accumulate,
                           int every = 1) {
  std::vector<Case> cases;
  int variant = 0;
  for (const Shape &s : kShapes)
    for (int t = 0; t < 4; ++t) {
      int tuning = variant++ % 2;
      if (variant % every)
        continue;
      Case cs;
      cs.shape = s;
      cs.ta = t & 1;
      cs.tb = t & 2;
      cs.hooks = hooks;
      cs.accumulate = accumulate;
      cs.pad = (variant % 3 == 0) ? 3 : 0;
      cs.tuning = tuning ? tinyBlocks(element) : GemmTuning::forHost(element);
      cs.name = std::to_string(s.m) + "x" + std::to_string(s.n) + "x" +
                std::to_string(s.k) + (cs.ta ? " TA" : "") +
                (cs.tb ? " TB" : "") + (tuning ? " tiny-blocks" : "") +
                (cs.pad ? " padded" : "");
      cases.push_back(cs);
    }
  return cases;
}

TEST_F(GemmEmitter, F32AllShapesAndTransposes) {
  runCases<float>(casesFor(GemmElement::F32, false, false));
}

TEST_F(GemmEmitter, F32PrologueEpilogueHooks) {
  runCases<float>(casesFor(GemmElement::F32, true, false, 4));
}

TEST_F(GemmEmitter, F32AccumulateIntoC) {
  std::vector<Case> cases = casesFor(GemmElement::F32, false, true, 6);
  std::vector<Case> hooked = casesFor(GemmElement::F32, true, true, 6);
  cases.insert(cases.end(), hooked.begin(), hooked.end());
  runCases<float>(cases);
}

TEST_F(GemmEmitter, F64AllShapesAndTransposes) {
  runCases<double>(casesFor(GemmElement::F64, true, false, 4));
}

TEST_F(GemmEmitter, WideVectorTileOnAnyHost) {
  // 512-bit vectors with an odd tile height: the IR is legalised on hosts
  // without AVX-512, so this checks the emitter's logic for that shape.
  std::vector<Case> cases = casesFor(GemmElement::F32, true, false, 4);
  for (Case &cs : cases) {
    cs.tuning.vectorBits = 512;
    cs.tuning.mr = 5;
    cs.tuning.nrVectors = 1;
    cs.name += " v512 mr5";
  }
  runCases<float>(cases);
}

TEST_F(GemmEmitter, LargeProductRunsInParallelBlocks) {
  Case cs;
  cs.shape = {96, 100, 1030};
  cs.tuning = GemmTuning::forHost();
  cs.tuning.flopsPerBlock = 1 << 18;
  cs.hooks = true;
  cs.name = "96x100x1030";
  Case tb = cs;
  tb.ta = tb.tb = true;
  tb.name += " TA TB";
  runCases<float>({cs, tb});
}

TEST_F(GemmEmitter, RowBlocksShareOnePackedPanel) {
  // More rows than one A block holds: B is packed once per panel and K
  // slice and shared by the row blocks, over several column items.
  Case cs;
  cs.shape = {530, 200, 300};
  cs.tuning = GemmTuning::forHost();
  cs.tuning.flopsPerBlock = 1 << 20;
  cs.hooks = true;
  cs.name = "530x200x300";
  Case tb = cs;
  tb.ta = tb.tb = true;
  tb.accumulate = true;
  tb.name += " TA TB accumulate";
  runCases<float>({cs, tb});
}

} // namespace
