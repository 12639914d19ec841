//===- tests/unit/vmath/VectorMathTest.cpp - ulp error of the emitters ----===//
///
/// JIT-compiles each function as a scalar loop and as an explicit-vector
/// loop, runs both on millions of inputs spread over every binade (random bit
/// patterns), dense samples of the interesting range, and the neighbourhoods
/// of special values (zeros, infinities, NaN, denormals, overflow and
/// underflow edges), and compares with long-double libm rounded to the
/// result type. f32 must be within 2 ulp; f64 within the few ulp the header
/// promises. Scalar and vector code must agree bitwise.
///
//===----------------------------------------------------------------------===//
#include "compiler/codegen/llvm/VectorMath.h"
#include "tests/unit/vmath/TestJit.h"

#include "llvm/IR/Function.h"
#include "llvm/IR/IRBuilder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace voskhod;
using MathFunction = std::string_view;

namespace {

long double reference(std::string_view fn, long double x) {
  if (fn == "exp")
    return expl(x);
  if (fn == "log")
    return logl(x);
  if (fn == "tanh")
    return tanhl(x);
  if (fn == "sigmoid")
    return x >= 0 ? 1.0L / (1.0L + expl(-x)) : expl(x) / (1.0L + expl(x));
  if (fn == "softplus")
    return x > 0 ? x + log1pl(expl(-x)) : log1pl(expl(x));
  if (fn == "log1p")
    return log1pl(x);
  if (fn == "expm1")
    return expm1l(x);
  if (fn == "erf")
    return std::erf(x); // the long double overload
  if (fn == "cos")
    return cosl(x);
  if (fn == "sin")
    return sinl(x);
  ADD_FAILURE() << "no reference for '" << fn << "'";
  return 0;
}

std::string nameOf(std::string_view fn) { return std::string(fn); }

bool isTrig(std::string_view fn) { return fn == "cos" || fn == "sin"; }

/// f64 cos and sin reduce exactly below this and are NaN from it on.
constexpr double kTrigLimit = 0x1p400;

/// A fixed seed per function, so that each draws its own inputs.
uint64_t seedOf(std::string_view fn) {
  uint64_t h = 0;
  for (char c : fn)
    h = h * 31 + uint8_t(c);
  return h;
}

/// Emits `void name(ptr in, ptr out, i64 n)` applying fn to `lanes`
/// elements per iteration (lanes == 0: scalar); n is a multiple of lanes.
void emitLoop(llvm::Module &module, const std::string &name, MathFunction fn,
              llvm::Type *element, unsigned lanes) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::IRBuilder<> b(ctx);
  auto *ptr = b.getPtrTy();
  auto *fnType =
      llvm::FunctionType::get(b.getVoidTy(), {ptr, ptr, b.getInt64Ty()}, false);
  auto *f = llvm::Function::Create(fnType, llvm::Function::ExternalLinkage,
                                   name, module);
  llvm::Type *type =
      lanes ? llvm::FixedVectorType::get(element, lanes) : element;
  int64_t step = lanes ? lanes : 1;
  auto *entry = llvm::BasicBlock::Create(ctx, "entry", f);
  auto *loop = llvm::BasicBlock::Create(ctx, "loop", f);
  auto *exit = llvm::BasicBlock::Create(ctx, "exit", f);
  b.SetInsertPoint(entry);
  b.CreateCondBr(b.CreateICmpSGT(f->getArg(2), b.getInt64(0)), loop, exit);
  b.SetInsertPoint(loop);
  llvm::PHINode *i = b.CreatePHI(b.getInt64Ty(), 2);
  i->addIncoming(b.getInt64(0), entry);
  llvm::Value *in = b.CreateGEP(element, f->getArg(0), i);
  llvm::Value *out = b.CreateGEP(element, f->getArg(1), i);
  llvm::Value *x = b.CreateAlignedLoad(type, in, llvm::Align(4));
  b.CreateAlignedStore(codegen::emitMathFunction(b, fn, x), out,
                       llvm::Align(4));
  llvm::Value *next = b.CreateAdd(i, b.getInt64(step));
  i->addIncoming(next, loop);
  b.CreateCondBr(b.CreateICmpSLT(next, f->getArg(2)), loop, exit);
  b.SetInsertPoint(exit);
  b.CreateRetVoid();
}

using LoopFn = void(const void *, void *, int64_t);

const std::span<const std::string_view> kAll = codegen::mathFunctionNames();

class VectorMath : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    jit = new test::TestJit();
    auto ctx = std::make_unique<llvm::LLVMContext>();
    auto module = jit->newModule(*ctx);
    for (MathFunction fn : kAll) {
      std::string n = nameOf(fn);
      emitLoop(*module, n + "_f32", fn, llvm::Type::getFloatTy(*ctx), 0);
      emitLoop(*module, n + "_v8f32", fn, llvm::Type::getFloatTy(*ctx), 8);
      emitLoop(*module, n + "_f64", fn, llvm::Type::getDoubleTy(*ctx), 0);
      emitLoop(*module, n + "_v4f64", fn, llvm::Type::getDoubleTy(*ctx), 4);
    }
    jit->add(std::move(module), std::move(ctx));
  }
  static void TearDownTestSuite() { delete jit; }
  static test::TestJit *jit;
};
test::TestJit *VectorMath::jit = nullptr;

/// Distance in representable steps; NaN matches only NaN.
template <typename Float, typename Int> int64_t ulpDistance(Float a, Float b) {
  if (std::isnan(a) || std::isnan(b))
    return std::isnan(a) && std::isnan(b) ? 0 : INT64_MAX;
  auto ordered = [](Float v) {
    Int bits = std::bit_cast<Int>(v);
    return bits < 0 ? std::numeric_limits<Int>::min() - bits : bits;
  };
  __int128 d = __int128(ordered(a)) - __int128(ordered(b));
  return int64_t(d < 0 ? -d : d);
}

template <typename Float, typename Bits>
std::vector<Float> neighbourhoods(std::initializer_list<Float> centres,
                                  int radius) {
  std::vector<Float> out;
  for (Float c : centres) {
    for (Float s : {c, -c}) {
      Bits bits = std::bit_cast<Bits>(s);
      for (int d = -radius; d <= radius; ++d) {
        Bits moved = Bits(bits + Bits(d));
        out.push_back(std::bit_cast<Float>(moved));
      }
    }
  }
  return out;
}

std::vector<float> floatInputs(MathFunction fn) {
  std::mt19937_64 rng(0x5eed0000 + seedOf(fn));
  std::vector<float> in;
  // Every binade: uniform random bit patterns.
  for (int i = 0; i < 1000000; ++i)
    in.push_back(std::bit_cast<float>(uint32_t(rng())));
  // The range where the functions are neither saturated nor trivial.
  std::uniform_real_distribution<float> wide(-110.0f, 110.0f);
  std::uniform_real_distribution<float> narrow(-2.0f, 2.0f);
  for (int i = 0; i < 200000; ++i) {
    in.push_back(wide(rng));
    in.push_back(narrow(rng));
  }
  auto specials = neighbourhoods<float, uint32_t>(
      {0.0f, FLT_TRUE_MIN, FLT_MIN, 1.0f, FLT_MAX, INFINITY, 88.7228394f,
       87.3365479f, 103.972076f, 104.0f, 0.5f, 9.0f, 0.0001f, 17.0f,
       0.693147182f},
      300);
  in.insert(in.end(), specials.begin(), specials.end());
  in.push_back(NAN);
  while (in.size() % 8)
    in.push_back(1.5f);
  return in;
}

std::vector<double> doubleInputs(MathFunction fn) {
  std::mt19937_64 rng(0xd0b1e000 + seedOf(fn));
  std::vector<double> in;
  for (int i = 0; i < 300000; ++i)
    in.push_back(std::bit_cast<double>(uint64_t(rng())));
  std::uniform_real_distribution<double> wide(-750.0, 750.0);
  std::uniform_real_distribution<double> narrow(-2.0, 2.0);
  for (int i = 0; i < 100000; ++i) {
    in.push_back(wide(rng));
    in.push_back(narrow(rng));
  }
  auto specials = neighbourhoods<double, uint64_t>(
      {0.0, DBL_TRUE_MIN, DBL_MIN, 1.0, DBL_MAX, double(INFINITY),
       709.782712893384, 708.3964185322641, 745.1332191019411, 0.5, 19.0, 1e-5,
       40.0, 0.6931471805599453},
      200);
  in.insert(in.end(), specials.begin(), specials.end());
  in.push_back(NAN);
  while (in.size() % 4)
    in.push_back(1.5);
  return in;
}

TEST_F(VectorMath, FloatWithinTwoUlpAndVectorMatchesScalar) {
  for (MathFunction fn : kAll) {
    std::string n = nameOf(fn);
    std::vector<float> in = floatInputs(fn);
    std::vector<float> scalar(in.size()), vector(in.size());
    jit->lookup<LoopFn>(n + "_f32")(in.data(), scalar.data(), in.size());
    jit->lookup<LoopFn>(n + "_v8f32")(in.data(), vector.data(), in.size());
    int64_t worst = 0;
    float worstAt = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      ASSERT_EQ(std::bit_cast<uint32_t>(scalar[i]),
                std::bit_cast<uint32_t>(vector[i]))
          << n << "(" << in[i] << ")";
      float expected = float(reference(fn, in[i]));
      int64_t d = ulpDistance<float, int32_t>(scalar[i], expected);
      if (d > worst) {
        worst = d;
        worstAt = in[i];
      }
    }
    ::testing::Test::RecordProperty(n + "_f32_max_ulp", int(worst));
    std::printf("%-8s f32: max %lld ulp at %.9g over %zu inputs\n", n.c_str(),
                (long long)worst, worstAt, in.size());
    EXPECT_LE(worst, 2) << n << " at " << worstAt;
  }
}

TEST_F(VectorMath, DoubleWithinFourUlpAndVectorMatchesScalar) {
  for (MathFunction fn : kAll) {
    std::string n = nameOf(fn);
    std::vector<double> in = doubleInputs(fn);
    std::vector<double> scalar(in.size()), vector(in.size());
    jit->lookup<LoopFn>(n + "_f64")(in.data(), scalar.data(), in.size());
    jit->lookup<LoopFn>(n + "_v4f64")(in.data(), vector.data(), in.size());
    int64_t worst = 0;
    double worstAt = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      ASSERT_EQ(std::bit_cast<uint64_t>(scalar[i]),
                std::bit_cast<uint64_t>(vector[i]))
          << n << "(" << in[i] << ")";
      if (isTrig(fn) && std::fabs(in[i]) >= kTrigLimit) {
        EXPECT_TRUE(std::isnan(scalar[i])) << n << "(" << in[i] << ")";
        continue;
      }
      double expected = double(reference(fn, in[i]));
      int64_t d = ulpDistance<double, int64_t>(scalar[i], expected);
      if (d > worst) {
        worst = d;
        worstAt = in[i];
      }
    }
    std::printf("%-8s f64: max %lld ulp at %.17g over %zu inputs\n", n.c_str(),
                (long long)worst, worstAt, in.size());
    EXPECT_LE(worst, 4) << n << " at " << worstAt;
  }
}

/// Every 257th f32 bit pattern, and the floats nearest to multiples of pi/2
/// (where the reduction cancels most), within 1 ulp.
TEST_F(VectorMath, FloatCosSinWithinOneUlpEverywhere) {
  std::vector<float> in;
  for (uint64_t bits = 0; bits < (uint64_t(1) << 32); bits += 257)
    in.push_back(std::bit_cast<float>(uint32_t(bits)));
  for (long k = 1; k < 200000; k += 7) {
    auto near = neighbourhoods<float, uint32_t>(
        {float(k * 1.57079632679489661923132169163975144L)}, 2);
    in.insert(in.end(), near.begin(), near.end());
  }
  // The f32 closest to a multiple of pi/2 (16367173 * 2^72, |x 2/pi - n|
  // about 2^-29.9), where the reduction cancels the most.
  auto hardest = neighbourhoods<float, uint32_t>({0x1.f37c8ap+95f}, 8);
  in.insert(in.end(), hardest.begin(), hardest.end());
  while (in.size() % 8)
    in.push_back(1.5f);
  for (std::string_view fn : {"cos", "sin"}) {
    std::string n(fn);
    std::vector<float> out(in.size());
    jit->lookup<LoopFn>(n + "_v8f32")(in.data(), out.data(), in.size());
    int64_t worst = 0;
    float worstAt = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      int64_t d =
          ulpDistance<float, int32_t>(out[i], float(reference(fn, in[i])));
      if (d > worst) {
        worst = d;
        worstAt = in[i];
      }
    }
    std::printf("%-8s f32 sweep: max %lld ulp at %a over %zu inputs\n",
                n.c_str(), (long long)worst, double(worstAt), in.size());
    EXPECT_LE(worst, 1) << n << " at " << worstAt;
  }
}

/// f64 near multiples of pi/2 (ulp measured against long double libm, so
/// only where that reference itself is exact: |x| < 2^20).
TEST_F(VectorMath, DoubleCosSinNearMultiplesOfHalfPi) {
  std::vector<double> in;
  for (long k = 1; k < 1000000; k += 13) {
    auto near = neighbourhoods<double, uint64_t>(
        {double(k * 1.57079632679489661923132169163975144L)}, 1);
    in.insert(in.end(), near.begin(), near.end());
  }
  while (in.size() % 4)
    in.push_back(1.5);
  for (std::string_view fn : {"cos", "sin"}) {
    std::string n(fn);
    std::vector<double> out(in.size());
    jit->lookup<LoopFn>(n + "_v4f64")(in.data(), out.data(), in.size());
    int64_t worst = 0;
    for (size_t i = 0; i < in.size(); ++i)
      worst = std::max(worst, ulpDistance<double, int64_t>(
                                  out[i], double(reference(fn, in[i]))));
    std::printf("%-8s f64 near k pi/2: max %lld ulp\n", n.c_str(),
                (long long)worst);
    EXPECT_LE(worst, 4) << n;
  }
}

TEST_F(VectorMath, SpecialValues) {
  struct Case {
    MathFunction fn;
    float x, expected;
  };
  const Case cases[] = {
      {"exp", -INFINITY, 0.0f},
      {"exp", INFINITY, INFINITY},
      {"exp", 89.0f, INFINITY},
      {"exp", -104.0f, 0.0f},
      {"exp", -0.0f, 1.0f},
      {"log", 0.0f, -INFINITY},
      {"log", -0.0f, -INFINITY},
      {"log", INFINITY, INFINITY},
      {"log", 1.0f, 0.0f},
      {"tanh", INFINITY, 1.0f},
      {"tanh", -INFINITY, -1.0f},
      {"sigmoid", INFINITY, 1.0f},
      {"sigmoid", -INFINITY, 0.0f},
      {"softplus", INFINITY, INFINITY},
      {"softplus", -INFINITY, 0.0f},
      {"log1p", -1.0f, -INFINITY},
      {"log1p", INFINITY, INFINITY},
      {"expm1", -INFINITY, -1.0f},
      {"expm1", INFINITY, INFINITY},
      {"erf", INFINITY, 1.0f},
      {"erf", -INFINITY, -1.0f},
      {"erf", 6.0f, 1.0f},
      {"erf", 0.0f, 0.0f},
      {"cos", 0.0f, 1.0f},
      {"sin", 0.0f, 0.0f},
      {"cos", FLT_TRUE_MIN, 1.0f},
      {"sin", FLT_TRUE_MIN, FLT_TRUE_MIN},
  };
  for (const Case &c : cases) {
    float in[8], out[8];
    std::fill(std::begin(in), std::end(in), c.x);
    jit->lookup<LoopFn>(std::string(nameOf(c.fn)) + "_v8f32")(in, out, 8);
    EXPECT_EQ(out[0], c.expected) << nameOf(c.fn) << "(" << c.x << ")";
  }
  // NaN in, NaN out; negative arguments of log are NaN; signed zero kept.
  for (MathFunction fn : kAll) {
    float in[8] = {NAN, -0.0f, NAN, NAN, NAN, NAN, NAN, NAN}, out[8];
    jit->lookup<LoopFn>(std::string(nameOf(fn)) + "_v8f32")(in, out, 8);
    EXPECT_TRUE(std::isnan(out[0])) << nameOf(fn);
  }
  float in[8] = {-1.0f, -FLT_TRUE_MIN, -0.0f, -0.0f,
                 -0.0f, -0.0f,         -0.0f, -0.0f};
  float out[8];
  jit->lookup<LoopFn>("log_v8f32")(in, out, 8);
  EXPECT_TRUE(std::isnan(out[0]));
  EXPECT_TRUE(std::isnan(out[1]));
  jit->lookup<LoopFn>("tanh_v8f32")(in + 2, out, 1);
  EXPECT_TRUE(std::signbit(out[0]));
  jit->lookup<LoopFn>("expm1_f32")(in + 2, out, 1);
  EXPECT_TRUE(std::signbit(out[0]) && out[0] == 0.0f);
  jit->lookup<LoopFn>("erf_f32")(in + 2, out, 1);
  EXPECT_TRUE(std::signbit(out[0]) && out[0] == 0.0f);
  jit->lookup<LoopFn>("sin_f32")(in + 2, out, 1);
  EXPECT_TRUE(std::signbit(out[0]) && out[0] == 0.0f);
  // Infinities have no sine or cosine.
  float inf[8] = {INFINITY, -INFINITY, INFINITY, INFINITY,
                  INFINITY, INFINITY,  INFINITY, INFINITY};
  for (std::string_view fn : {"cos", "sin"}) {
    jit->lookup<LoopFn>(std::string(fn) + "_v8f32")(inf, out, 8);
    EXPECT_TRUE(std::isnan(out[0]) && std::isnan(out[1])) << fn;
  }
}

TEST_F(VectorMath, EmitsNoCalls) {
  llvm::LLVMContext ctx;
  auto module = jit->newModule(ctx);
  for (MathFunction fn : kAll)
    emitLoop(*module, nameOf(fn), fn, llvm::Type::getFloatTy(ctx), 16);
  jit->optimize(*module);
  for (llvm::Function &f : *module)
    for (llvm::BasicBlock &bb : f)
      for (llvm::Instruction &inst : bb)
        EXPECT_FALSE(llvm::isa<llvm::CallInst>(inst) &&
                     !llvm::isa<llvm::IntrinsicInst>(inst))
            << f.getName().str();
}

} // namespace
