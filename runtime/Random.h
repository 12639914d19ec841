//===- runtime/Random.h - counter-based random numbers and initialisers ---===//
///
/// Philox-4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2,
/// 3"): the i-th number of a stream is a pure function of (seed, stream, i),
/// so parameter initialisation gives the same values whatever the order in
/// which parameters are visited, on any thread count, in the JIT, the
/// interpreter and an AOT object alike. A parameter's stream is the hash of
/// its name, so adding a parameter does not change the others' values.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "initialisers/Init.h"

#include <cstdint>
#include <string_view>

namespace voskhod::rt {

/// Uniform in the open interval (0, 1), with 53 random bits.
double uniform01(uint64_t seed, uint64_t stream, uint64_t index);
/// Standard normal (Box-Muller over two uniforms of the same counter).
double standardNormal(uint64_t seed, uint64_t stream, uint64_t index);
/// FNV-1a of a name: the stream a named parameter draws from.
uint64_t streamOf(std::string_view name);

/// Fills `n` values as `init` asks, for a tensor with the given fans.
void fillInit(double *out, int64_t n, const InitSpec &init, int64_t fanIn,
              int64_t fanOut, uint64_t seed, uint64_t stream);

} // namespace voskhod::rt
