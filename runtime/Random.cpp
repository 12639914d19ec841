//===- runtime/Random.cpp - Philox-4x32-10 and the initialisers -----------===//
#include "runtime/Random.h"

#include "support/Philox.h"

#include <cmath>

namespace voskhod::rt {
namespace {

PhiloxBlock philox(uint64_t counterLo, uint64_t counterHi, uint64_t key) {
  return philox4x32(uint32_t(counterLo), uint32_t(counterLo >> 32),
                    uint32_t(counterHi), uint32_t(counterHi >> 32),
                    uint32_t(key), uint32_t(key >> 32));
}

double toUnit(uint32_t hi, uint32_t lo) {
  uint64_t bits = (uint64_t(hi) << 21) ^ (uint64_t(lo) >> 11); // 53 bits
  bits &= (uint64_t(1) << 53) - 1;
  return (double(bits) + 0.5) * 0x1.0p-53;
}

} // namespace

double uniform01(uint64_t seed, uint64_t stream, uint64_t index) {
  PhiloxBlock b = philox(index, stream, seed);
  return toUnit(b.v[0], b.v[1]);
}

double standardNormal(uint64_t seed, uint64_t stream, uint64_t index) {
  PhiloxBlock b = philox(index, stream, seed);
  double u1 = toUnit(b.v[0], b.v[1]);
  double u2 = toUnit(b.v[2], b.v[3]);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

uint64_t streamOf(std::string_view name) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

void fillInit(double *out, int64_t n, const InitSpec &init, int64_t fanIn,
              int64_t fanOut, uint64_t seed, uint64_t stream) {
  auto uniform = [&](double lo, double hi) {
    for (int64_t i = 0; i < n; ++i)
      out[i] = lo + (hi - lo) * uniform01(seed, stream, uint64_t(i));
  };
  auto normal = [&](double mean, double std) {
    for (int64_t i = 0; i < n; ++i)
      out[i] = mean + std * standardNormal(seed, stream, uint64_t(i));
  };
  double in = double(fanIn), sum = double(fanIn + fanOut);
  switch (init.kind) {
  case InitKind::Zeros:
  case InitKind::Ones:
  case InitKind::Constant: {
    double v = init.kind == InitKind::Zeros  ? 0.0
               : init.kind == InitKind::Ones ? 1.0
                                             : init.a;
    for (int64_t i = 0; i < n; ++i)
      out[i] = v;
    return;
  }
  case InitKind::Normal:
    return normal(init.a, init.b);
  case InitKind::Uniform:
    return uniform(init.a, init.b);
  case InitKind::XavierUniform: {
    double bound = std::sqrt(6.0 / sum);
    return uniform(-bound, bound);
  }
  case InitKind::XavierNormal:
    return normal(0.0, std::sqrt(2.0 / sum));
  case InitKind::LecunNormal:
    return normal(0.0, std::sqrt(1.0 / in));
  case InitKind::HeNormal:
    return normal(0.0, std::sqrt(2.0 / in));
  case InitKind::HeUniform: {
    double bound = std::sqrt(6.0 / in);
    return uniform(-bound, bound);
  }
  }
}

} // namespace voskhod::rt
