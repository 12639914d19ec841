//===- support/Philox.h - Philox-4x32-10 and dropout's draw ---------------===//
///
/// The counter-based generator (Salmon et al., "Parallel random numbers: as
/// easy as 1, 2, 3") behind the initialisers (runtime/Random.cpp) and
/// dropout's masks. Header-only and below every library, so the float64
/// interpreter and the runtime share one definition; the kernel renderers
/// emit the same rounds as code (codegen/llvm/KernelRenderer.cpp,
/// codegen/cuda/KernelContext.cpp), and tests hold them equal to this.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cmath>
#include <cstdint>

namespace voskhod {

struct PhiloxBlock {
  uint32_t v[4];
};

constexpr uint32_t kPhiloxM0 = 0xD2511F53u, kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u, kPhiloxW1 = 0xBB67AE85u;

/// Ten rounds over counter (c0..c3) and key (k0, k1).
inline PhiloxBlock philox4x32(uint32_t c0, uint32_t c1, uint32_t c2,
                              uint32_t c3, uint32_t k0, uint32_t k1) {
  for (int round = 0; round < 10; ++round) {
    uint64_t p0 = uint64_t(kPhiloxM0) * c0, p1 = uint64_t(kPhiloxM1) * c2;
    uint32_t hi0 = uint32_t(p0 >> 32), lo0 = uint32_t(p0);
    uint32_t hi1 = uint32_t(p1 >> 32), lo1 = uint32_t(p1);
    uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0, c1 = lo1, c2 = n2, c3 = lo0;
    k0 += kPhiloxW0;
    k1 += kPhiloxW1;
  }
  return {{c0, c1, c2, c3}};
}

/// Dropout's draw for element `index` of the node keyed `key` at training
/// step `step` of the run seeded `seed`: the counter is (index, step, key, 0)
/// and the Philox key (seed, 0). The top 24 bits of the first word, so the
/// comparison with the threshold below is exact in f32, f64 and integers.
inline uint32_t dropoutDraw(uint32_t seed, uint32_t step, uint32_t key,
                            uint32_t index) {
  return philox4x32(index, step, key, 0, seed, 0).v[0] >> 8;
}

/// Draws below this are dropped: ceil(p 2^24), so a draw is kept with
/// probability 1 - p to within 2^-24, and p = 1 drops everything.
inline uint32_t dropoutThreshold(double p) {
  return uint32_t(std::ceil(p * 16777216.0));
}

/// What a kept element is multiplied by: 1/(1-p); 0 when p = 1, where
/// everything is dropped (PyTorch multiplies by zero there too).
inline double dropoutScale(double p) { return p < 1 ? 1 / (1 - p) : 0; }

} // namespace voskhod
