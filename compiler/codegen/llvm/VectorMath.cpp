//===- compiler/codegen/llvm/VectorMath.cpp - branch-free transcendentals -===//
///
/// Every function but erf is built from three cores evaluated in double
/// precision:
/// exp (and expm1) by Cody-Waite reduction x = n ln2 + r with |r| <= ln2/2
/// and a Taylor polynomial of e^r - 1, and log by x = 2^k z with z in
/// [sqrt(1/2), sqrt(2)), f = z - 1, s = f / (2 + f) and the atanh series.
/// Taylor coefficients are used instead of minimax ones because their
/// truncation error has a simple bound (|r|^(d+1) / (d+1)!), which is what
/// fixes the degrees below: about 2^-32 relative for f32 results (far below
/// half an f32 ulp) and about 2^-56 for f64 results.
///
/// 2^n is assembled from exponent bits, in two factors where n may leave the
/// normal range, so overflow gives inf and underflow gives correctly scaled
/// denormals. Rounding to an integer uses the 1.5 * 2^52 shifter rather than
/// an intrinsic, so no libm call can appear on targets without a rounding
/// instruction, and the integer is read from the shifter's bits, so NaN never
/// reaches an fptosi (which would make poison). Clamps use compare + select,
/// which keep NaN (minnum would drop it).
///
/// cos and sin reduce x exactly by pi/2 and evaluate Taylor polynomials on
/// |r| <= pi/4. The reduction is Payne-Hanek in straight-line code: 2/pi is
/// cut into chunks C_k of few enough bits that every product x C_k is exact
/// in double (f32 x: 24-bit x, 28-bit chunks; f64 x: x split into two 26-bit
/// halves, 26-bit chunks). Each exact product is reduced modulo 4 exactly (a
/// product of 2^77 or more is a multiple of 4), the residues are added in
/// double-double, and the nearest integer n of the sum gives the quadrant;
/// the fraction f = x 2/pi - n in [-1/2, 1/2] becomes r = f pi/2. Chunks
/// that could only contribute multiples of 4 are still computed (and give
/// 0), which keeps the code free of tables and branches. f32: eight chunks
/// (224 bits of 2/pi) make the fraction exact to 2^-90 over the whole f32
/// range, far below what the closest f32 to a multiple of pi/2 needs for a
/// result within 1 ulp: |f| >= 2^-29.86 for every f32 from 1 up (continued
/// fractions of 2^e 2/pi; the minimum is at 16367173 * 2^72). f64: twenty
/// chunks (520 bits) make f exact to 2^-95 absolute for |x| < 2^400: results
/// are within a few ulp unless x lies within 2^-40 relative of a multiple of
/// pi/2, where the absolute error stays below 2^-95. At and beyond 2^400 an f64
/// cos or sin is NaN rather than a wrong number. |x| < 2^-27 skips the
/// reduction (sin x = x, cos x = 1 in double), which also keeps denormal
/// products out of it.
///
/// erf is a Taylor series at 0 below 1 and piecewise Taylor series above,
/// with coefficients computed here from erf's derivatives (see
/// MathEmitter::erf).
///
//===----------------------------------------------------------------------===//
#include "compiler/codegen/llvm/VectorMath.h"

#include "support/InternalCheck.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DerivedTypes.h"

#include <array>
#include <cmath>
#include <string_view>
#include <vector>

using namespace llvm;

namespace voskhod::codegen {
namespace {

constexpr double kLog2e = 1.44269504088896338700e+00;
// ln 2 split so that n * kLn2Hi is exact for |n| < 2^21 (kLn2Hi has 21
// trailing zero bits).
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kShifter = 6755399441055744.0; // 1.5 * 2^52

class MathEmitter {
public:
  /// `type` is the double-precision working type (scalar or vector);
  /// `full` asks for f64 accuracy.
  MathEmitter(IRBuilderBase &builder, Type *type, bool full)
      : b(builder), ty(type), full(full) {
    Type *i64 = b.getInt64Ty();
    ity = ty->isVectorTy() ? static_cast<Type *>(VectorType::get(
                                 i64, cast<VectorType>(ty)->getElementCount()))
                           : i64;
  }

  Value *exp(Value *x) {
    // Beyond +-1100 the result is inf or 0 for doubles anyway; the clamp
    // keeps n inside what two exponent factors can represent.
    Value *xc = clampAbove(clampBelow(x, -1100.0), 1100.0);
    auto [n, r] = reduce(xc);
    Value *p = b.CreateFAdd(c(1.0), expm1Poly(r));
    return scaleSplit(p, n);
  }

  Value *expm1(Value *x) {
    // Below -40, e^x is under half an ulp of 1 in double; above 40 the -1 is
    // lost in the rounding of e^x, whose own code handles overflow.
    Value *xc = clampAbove(clampBelow(x, -60.0), 40.0);
    auto [n, r] = reduce(xc);
    Value *p = expm1Poly(r);
    // 2^n p + (2^n - 1): both terms exact, one rounding in the sum; n = 0 is
    // the small-argument case, where p is the answer itself.
    Value *scale = pow2(n);
    Value *sum =
        b.CreateFAdd(b.CreateFMul(scale, p), b.CreateFSub(scale, c(1.0)));
    Value *isSmall = b.CreateICmpEQ(n, ci(0));
    Value *mid = b.CreateSelect(isSmall, p, sum);
    return b.CreateSelect(b.CreateFCmpOGT(x, c(40.0)), exp(x), mid);
  }

  Value *log(Value *x) {
    Value *xs = x;
    Value *kAdjust = ci(0);
    if (full) {
      // f64 denormals: scale into the normal range first.
      Value *tiny = b.CreateFCmpOLT(x, c(0x1p-1022));
      xs = b.CreateSelect(tiny, b.CreateFMul(x, c(0x1p54)), x);
      kAdjust = b.CreateSelect(tiny, ci(-54), ci(0));
    }
    Value *bits = b.CreateBitCast(xs, ity);
    Value *offset = b.CreateSub(bits, ci(0x3fe6a09e667f3bcdLL));
    Value *k = b.CreateAShr(offset, ci(52));
    Value *z = b.CreateBitCast(b.CreateSub(bits, b.CreateShl(k, ci(52))), ty);
    Value *kd = b.CreateSIToFP(b.CreateAdd(k, kAdjust), ty);
    Value *f = b.CreateFSub(z, c(1.0));
    Value *result = log1pOfReduced(f, kd);
    Value *inf = c(INFINITY);
    result = b.CreateSelect(b.CreateFCmpOEQ(x, inf), inf, result);
    result = b.CreateSelect(b.CreateFCmpOEQ(x, c(0.0)), c(-INFINITY), result);
    result = b.CreateSelect(b.CreateFCmpOLT(x, c(0.0)), c(NAN), result);
    return b.CreateSelect(b.CreateFCmpUNO(x, x), x, result);
  }

  Value *log1p(Value *x) {
    // log(u) * x / (u - 1) with u = 1 + x cancels the rounding of u to
    // first order (Goldberg); u == 1 means x is below the rounding of 1.
    Value *u = b.CreateFAdd(c(1.0), x);
    Value *um1 = b.CreateFSub(u, c(1.0));
    Value *corrected = b.CreateFMul(log(u), b.CreateFDiv(x, um1));
    Value *result = b.CreateSelect(b.CreateFCmpOEQ(u, c(1.0)), x, corrected);
    Value *inf = c(INFINITY);
    return b.CreateSelect(b.CreateFCmpOEQ(x, inf), inf, result);
  }

  Value *tanh(Value *x) {
    // tanh|x| = E / (E + 2) with E = expm1(2|x|): no cancellation anywhere;
    // past 22 the result is 1 in double.
    Value *a = clampAbove(fabs(x), 22.0);
    Value *e = expm1(b.CreateFMul(a, c(2.0)));
    Value *t = b.CreateFDiv(e, b.CreateFAdd(e, c(2.0)));
    return copySign(t, x);
  }

  Value *sigmoid(Value *x) {
    // With e = exp(-|x|) <= 1 neither branch overflows, and for x < 0 the
    // form e / (1 + e) keeps full relative accuracy down to the denormals.
    Value *e = exp(b.CreateFNeg(fabs(x)));
    Value *denom = b.CreateFAdd(c(1.0), e);
    Value *positive = b.CreateFDiv(c(1.0), denom);
    Value *negative = b.CreateFDiv(e, denom);
    return b.CreateSelect(b.CreateFCmpOGE(x, c(0.0)), positive, negative);
  }

  Value *softplus(Value *x) {
    // max(x, 0) + log1p(exp(-|x|)); the select form of max lets NaN through
    // the second term.
    Value *relu = b.CreateSelect(b.CreateFCmpOGT(x, c(0.0)), x, c(0.0));
    Value *tail = log1p(exp(b.CreateFNeg(fabs(x))));
    return b.CreateFAdd(relu, tail);
  }

  Value *erf(Value *x) {
    // |x| < 1: x P(x^2), erf's own Taylor series at 0, which keeps full
    // relative accuracy down to the denormals. 1 <= |x| < 6: the Taylor
    // series around the nearest of 1.5, 2.5, ..., 5.5 (|h| <= 1/2), its
    // coefficients picked per lane by selects. From 6 on, erf is 1 in
    // double. Coefficients come from erf^(n)(c) = 2/sqrt(pi) (-1)^(n-1)
    // H_(n-1)(c) e^(-c^2) (Hermite polynomials), worked out in long double
    // here, so no table is written by hand; the degrees bound the truncation
    // error below 2^-31 (f32 results) and 2^-55 (f64) of the result.
    const long double k =
        2.0L / std::sqrt(3.14159265358979323846264338327950288L);
    Value *t = fabs(x);
    unsigned oddTerms = full ? 19 : 11;
    std::vector<double> odd;
    long double factorial = 1;
    for (unsigned n = 0; n < oddTerms; ++n) {
      factorial *= n ? n : 1;
      odd.push_back(double(k / (factorial * (2 * n + 1)) * (n % 2 ? -1 : 1)));
    }
    Value *t2 = b.CreateFMul(t, t);
    Value *acc = c(odd.back());
    for (unsigned n = oddTerms - 1; n-- > 0;)
      acc = b.CreateFAdd(c(odd[n]), b.CreateFMul(t2, acc));
    Value *small = b.CreateFMul(t, acc);

    unsigned degree = full ? 24 : 14;
    std::vector<std::vector<double>> coeffs; // [centre][power of h]
    const double centres[] = {1.5, 2.5, 3.5, 4.5, 5.5};
    for (double centre : centres) {
      long double cc = centre;
      std::vector<double> a(degree + 1);
      a[0] = double(std::erf(cc));
      long double scale = k * std::exp(-cc * cc);
      long double hermite = 1, previous = 0, nFactorial = 1;
      for (unsigned n = 1; n <= degree; ++n) {
        nFactorial *= n;
        a[n] = double(scale * hermite / nFactorial * ((n - 1) % 2 ? -1 : 1));
        long double next = 2 * cc * hermite - 2 * (n - 1) * previous;
        previous = hermite;
        hermite = next;
      }
      coeffs.push_back(std::move(a));
    }
    // Lane-wise choice of centre: the last whose interval starts at or below t.
    std::vector<Value *> from;
    for (double centre : centres)
      from.push_back(b.CreateFCmpOGE(t, c(centre - 0.5)));
    auto pick = [&](auto value) {
      Value *v = c(value(0));
      for (size_t i = 1; i < from.size(); ++i)
        v = b.CreateSelect(from[i], c(value(i)), v);
      return v;
    };
    Value *h = b.CreateFSub(t, pick([&](size_t i) { return centres[i]; }));
    Value *p = pick([&](size_t i) { return coeffs[i][degree]; });
    for (unsigned n = degree; n-- > 0;)
      p = b.CreateFAdd(pick([&](size_t i) { return coeffs[i][n]; }),
                       b.CreateFMul(h, p));
    Value *result = b.CreateSelect(b.CreateFCmpOLT(t, c(1.0)), small, p);
    result = b.CreateSelect(b.CreateFCmpOGE(t, c(6.0)), c(1.0), result);
    result = copySign(result, x);
    return b.CreateSelect(b.CreateFCmpUNO(x, x), x, result);
  }

  Value *cos(Value *x) { return trig(x, /*sine=*/false); }
  Value *sin(Value *x) { return trig(x, /*sine=*/true); }

private:
  /// sin or cos; see the file comment for the reduction.
  Value *trig(Value *x, bool sine) {
    Value *a = fabs(x);
    Value *finite = b.CreateFCmpOLT(a, c(full ? 0x1p400 : INFINITY));
    // Non-finite lanes go through the arithmetic as 0 and are replaced by
    // NaN at the end, so no NaN reaches the integer conversions.
    Value *as = b.CreateSelect(finite, a, c(0.0));
    std::vector<Value *> parts = {as};
    if (full) {
      // Veltkamp split: as = hi + lo, both with at most 26 significant bits.
      Value *g = b.CreateFMul(as, c(134217729.0)); // 2^27 + 1
      Value *hi = b.CreateFSub(g, b.CreateFSub(g, as));
      parts = {hi, b.CreateFSub(as, hi)};
    }
    unsigned chunkBits = full ? 26 : 28, chunks = full ? 20 : 8;
    Value *sumHi = c(0.0), *sumLo = c(0.0);
    for (unsigned k = 0; k < chunks; ++k) {
      double chunk = twoOverPiChunk(k, chunkBits);
      for (Value *part : parts) {
        Value *p = mod4(b.CreateFMul(part, c(chunk)));
        auto [s, e] = twoSum(sumHi, p);
        sumHi = s;
        sumLo = b.CreateFAdd(sumLo, e);
      }
    }
    // The nearest integer n of the sum; f = sum - n, exact, in [-1/2, 1/2].
    Value *shifted = b.CreateFAdd(sumHi, c(kShifter));
    Value *nd = b.CreateFSub(shifted, c(kShifter));
    Value *n = b.CreateSub(b.CreateBitCast(shifted, ity),
                           b.CreateBitCast(c(kShifter), ity));
    auto [f, fl] = twoSum(b.CreateFSub(sumHi, nd), sumLo);
    constexpr double kPiHalfHi = 1.57079632679489655800e+00;
    constexpr double kPiHalfLo = 6.12323399573676603587e-17;
    Value *r = b.CreateFAdd(b.CreateFMul(f, c(kPiHalfHi)),
                            b.CreateFAdd(b.CreateFMul(f, c(kPiHalfLo)),
                                         b.CreateFMul(fl, c(kPiHalfHi))));
    Value *r2 = b.CreateFMul(r, r);
    // Taylor: the first omitted term at |r| = pi/4 is below 2^-36 (f32
    // degrees) or 2^-60 (f64) of the result.
    unsigned terms = full ? 11 : 7;
    Value *sinAcc = c(0.0), *cosAcc = c(0.0);
    for (unsigned j = terms; j-- > 0;) {
      double sinCoeff = 1, cosCoeff = 1;
      for (unsigned i = 1; i <= 2 * j + 1; ++i)
        sinCoeff /= double(i);
      for (unsigned i = 1; i <= 2 * j; ++i)
        cosCoeff /= double(i);
      double sign = j % 2 ? -1 : 1;
      sinAcc = b.CreateFAdd(c(sign * sinCoeff), b.CreateFMul(r2, sinAcc));
      cosAcc = b.CreateFAdd(c(sign * cosCoeff), b.CreateFMul(r2, cosAcc));
    }
    Value *sinR = b.CreateFMul(r, sinAcc), *cosR = cosAcc;
    // sin(n pi/2 + r) and cos(n pi/2 + r) by the quadrant n mod 4.
    Value *q = b.CreateAnd(n, ci(3));
    Value *odd = b.CreateICmpEQ(b.CreateAnd(q, ci(1)), ci(1));
    Value *base = sine ? b.CreateSelect(odd, cosR, sinR)
                       : b.CreateSelect(odd, sinR, cosR);
    // sin is negative in quadrants 2 and 3; cos in 1 and 2.
    Value *negate =
        sine ? b.CreateICmpUGE(q, ci(2))
             : b.CreateICmpEQ(b.CreateAnd(b.CreateAdd(q, ci(1)), ci(2)), ci(2));
    Value *result = b.CreateSelect(negate, b.CreateFNeg(base), base);
    Value *tiny = b.CreateFCmpOLT(a, c(0x1p-27));
    result = b.CreateSelect(tiny, sine ? a : c(1.0), result);
    // sin is odd: the sign of x; cos is even.
    if (sine)
      result = b.CreateSelect(b.CreateICmpSLT(b.CreateBitCast(x, ity), ci(0)),
                              b.CreateFNeg(result), result);
    return b.CreateSelect(finite, result, c(NAN));
  }

  /// Chunk k of 2/pi: bits [k bits, (k + 1) bits) after the binary point,
  /// as an exact double.
  static double twoOverPiChunk(unsigned k, unsigned bits) {
    // 2/pi to 672 bits (fdlibm's ipio2, in hex).
    static constexpr std::string_view kHex =
        "a2f9836e4e441529fc2757d1f534ddc0db6295993c439041fe5163ab"
        "debbc561b7246e3a424dd2e006492eea09d1921cfe1deb1cb129a73e"
        "e88235f52ebb4484e99c7026b45f7e413991d639835339f49c845f8b";
    auto bit = [](unsigned i) {
      char h = kHex[i / 4];
      unsigned v = h <= '9' ? unsigned(h - '0') : unsigned(h - 'a' + 10);
      return (v >> (3 - i % 4)) & 1;
    };
    VOSKHOD_CHECK((k + 1) * bits <= kHex.size() * 4) << "2/pi too short";
    double chunk = 0;
    for (unsigned i = k * bits; i < (k + 1) * bits; ++i)
      chunk += bit(i) ? std::ldexp(1.0, -int(i) - 1) : 0.0;
    return chunk;
  }

  /// p modulo 4 in [-2, 2], exactly, for any finite p.
  Value *mod4(Value *p) {
    // First drop the multiples of 2^26 (the shifter rounds exactly below
    // 2^77 here), then the multiples of 4; both subtractions are exact. From
    // 2^77 on, p's ulp is a multiple of 4.
    auto dropMultiples = [&](Value *v, double unit) {
      Value *shifted =
          b.CreateFAdd(b.CreateFMul(v, c(1.0 / unit)), c(kShifter));
      Value *multiple =
          b.CreateFMul(b.CreateFSub(shifted, c(kShifter)), c(unit));
      return b.CreateFSub(v, multiple);
    };
    Value *big = b.CreateFCmpOGE(fabs(p), c(0x1p77));
    Value *v = dropMultiples(b.CreateSelect(big, c(0.0), p), 0x1p26);
    return dropMultiples(v, 4.0);
  }

  /// s + e = x + y exactly, s = fl(x + y) (Knuth's TwoSum).
  std::pair<Value *, Value *> twoSum(Value *x, Value *y) {
    Value *s = b.CreateFAdd(x, y);
    Value *yv = b.CreateFSub(s, x);
    Value *xv = b.CreateFSub(s, yv);
    Value *e = b.CreateFAdd(b.CreateFSub(x, xv), b.CreateFSub(y, yv));
    return {s, e};
  }

  Value *c(double v) { return ConstantFP::get(ty, v); }
  Value *ci(int64_t v) { return ConstantInt::get(ity, v, /*isSigned=*/true); }

  Value *clampBelow(Value *x, double lo) {
    return b.CreateSelect(b.CreateFCmpOLT(x, c(lo)), c(lo), x);
  }
  Value *clampAbove(Value *x, double hi) {
    return b.CreateSelect(b.CreateFCmpOGT(x, c(hi)), c(hi), x);
  }
  Value *fabs(Value *x) {
    Value *bits = b.CreateBitCast(x, ity);
    return b.CreateBitCast(b.CreateAnd(bits, ci(INT64_MAX)), ty);
  }
  Value *copySign(Value *magnitude, Value *sign) {
    Value *m = b.CreateAnd(b.CreateBitCast(magnitude, ity), ci(INT64_MAX));
    Value *s = b.CreateAnd(b.CreateBitCast(sign, ity), ci(INT64_MIN));
    return b.CreateBitCast(b.CreateOr(m, s), ty);
  }

  /// x = n ln2 + r; returns (n as i64, r). |x| must be below 2^40 or NaN.
  std::pair<Value *, Value *> reduce(Value *x) {
    Value *shifted = b.CreateFAdd(b.CreateFMul(x, c(kLog2e)), c(kShifter));
    Value *nd = b.CreateFSub(shifted, c(kShifter));
    Value *n = b.CreateSub(b.CreateBitCast(shifted, ity),
                           b.CreateBitCast(c(kShifter), ity));
    Value *r = b.CreateFSub(x, b.CreateFMul(nd, c(kLn2Hi)));
    r = b.CreateFSub(r, b.CreateFMul(nd, c(kLn2Lo)));
    return {n, r};
  }

  /// e^r - 1 for |r| <= ln2/2, Horner on r (1 + r (1/2 + r (1/6 + ...))).
  Value *expm1Poly(Value *r) {
    unsigned degree = full ? 13 : 8;
    std::vector<double> inverseFactorial(degree + 1, 1.0);
    for (unsigned i = 1; i <= degree; ++i)
      inverseFactorial[i] = inverseFactorial[i - 1] / double(i);
    Value *acc = c(inverseFactorial[degree]);
    for (unsigned i = degree - 1; i >= 1; --i)
      acc = b.CreateFAdd(c(inverseFactorial[i]), b.CreateFMul(r, acc));
    return b.CreateFMul(r, acc);
  }

  /// 2^n for n in [-1022, 1023].
  Value *pow2(Value *n) {
    return b.CreateBitCast(b.CreateShl(b.CreateAdd(n, ci(1023)), ci(52)), ty);
  }

  /// p * 2^n for |n| <= 2046, as two factors so that neither leaves the
  /// normal range and the final product rounds once.
  Value *scaleSplit(Value *p, Value *n) {
    Value *half = b.CreateAShr(n, ci(1));
    Value *rest = b.CreateSub(n, half);
    return b.CreateFMul(b.CreateFMul(p, pow2(half)), pow2(rest));
  }

  /// k ln2 + log(1 + f) for f = z - 1, z in [sqrt(1/2), sqrt(2)).
  Value *log1pOfReduced(Value *f, Value *kd) {
    // log(1 + f) = 2 atanh(s) = f - s (f - R), s = f / (2 + f),
    // R = sum_{j>=1} 2 s^(2j) / (2j + 1); |s| <= 0.1716.
    Value *s = b.CreateFDiv(f, b.CreateFAdd(c(2.0), f));
    Value *s2 = b.CreateFMul(s, s);
    unsigned terms = full ? 11 : 6;
    Value *acc = c(2.0 / double(2 * terms + 1));
    for (unsigned j = terms - 1; j >= 1; --j)
      acc = b.CreateFAdd(c(2.0 / double(2 * j + 1)), b.CreateFMul(s2, acc));
    Value *R = b.CreateFMul(s2, acc);
    Value *lo = b.CreateFSub(b.CreateFMul(kd, c(kLn2Lo)),
                             b.CreateFMul(s, b.CreateFSub(f, R)));
    return b.CreateFAdd(b.CreateFMul(kd, c(kLn2Hi)), b.CreateFAdd(f, lo));
  }

  IRBuilderBase &b;
  Type *ty;
  Type *ity;
  bool full;
};

} // namespace

namespace {

/// Every routine, by its C name.
struct NamedRoutine {
  std::string_view name;
  Value *(MathEmitter::*emit)(Value *);
};
constexpr NamedRoutine kRoutines[] = {
    {"exp", &MathEmitter::exp},           {"log", &MathEmitter::log},
    {"tanh", &MathEmitter::tanh},         {"sigmoid", &MathEmitter::sigmoid},
    {"softplus", &MathEmitter::softplus}, {"log1p", &MathEmitter::log1p},
    {"expm1", &MathEmitter::expm1},       {"erf", &MathEmitter::erf},
    {"cos", &MathEmitter::cos},           {"sin", &MathEmitter::sin},
};
constexpr auto kNames = [] {
  std::array<std::string_view, std::size(kRoutines)> names{};
  for (size_t i = 0; i < names.size(); ++i)
    names[i] = kRoutines[i].name;
  return names;
}();

} // namespace

std::span<const std::string_view> mathFunctionNames() { return kNames; }

Value *emitMathFunction(IRBuilderBase &builder, std::string_view name,
                        Value *x) {
  const NamedRoutine *routine = nullptr;
  for (const NamedRoutine &r : kRoutines)
    if (r.name == name)
      routine = &r;
  if (!routine)
    return nullptr;
  Type *type = x->getType();
  Type *scalar = type->getScalarType();
  VOSKHOD_CHECK((scalar->isFloatTy() || scalar->isDoubleTy()))
      << "vector math takes float or double values";
  // The selects and bit tricks rely on exact IEEE semantics: drop whatever
  // fast-math flags the caller's builder carries.
  IRBuilderBase::FastMathFlagGuard guard(builder);
  builder.clearFastMathFlags();

  bool full = scalar->isDoubleTy();
  Type *work = builder.getDoubleTy();
  if (auto *vector = dyn_cast<VectorType>(type))
    work = VectorType::get(work, vector->getElementCount());
  Value *xd = full ? x : builder.CreateFPExt(x, work);

  MathEmitter m(builder, work, full);
  Value *result = (m.*routine->emit)(xd);
  return full ? result : builder.CreateFPTrunc(result, type);
}

} // namespace voskhod::codegen
