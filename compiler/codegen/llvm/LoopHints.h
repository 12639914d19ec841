//===- compiler/codegen/llvm/LoopHints.h - which pass gets a loop ---------===//
///
/// The kernel pipeline (HostTarget.h) fully unrolls short loops of small
/// modules before the loop vectoriser runs: for a loop of 3, 10 or 20
/// iterations, straight-line code beats a vector loop and its remainder.
/// A loop whose trip count is a whole number of vectors is better
/// vectorised: fully unrolled first, a 16-iteration f32 loop becomes 16
/// scalar operations instead of two 8-lane ones. Such loops, up to eight
/// vectors long, carry `llvm.loop.unroll.disable`, so the unroller leaves
/// them to the vectoriser. Longer loops get no hint: the unroller would not
/// flatten them, and the vectoriser reads the hint as "do not interleave"
/// too, which long loops want.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>

namespace llvm {
class BranchInst;
} // namespace llvm

namespace voskhod::codegen {

/// Marks the loop whose latch is `latch` for the vectoriser when its
/// constant trip count is 1 to 8 times `lanes`; does nothing otherwise (a
/// trip count below 1 means unknown).
void hintVectorLoop(llvm::BranchInst *latch, int64_t tripCount, unsigned lanes);

} // namespace voskhod::codegen
