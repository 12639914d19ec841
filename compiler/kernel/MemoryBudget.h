//===- compiler/kernel/MemoryBudget.h - what a model needs, before it runs ===//
///
/// How many bytes a compiled model will hold, known before anything is
/// allocated, so a model too big for the machine (or for a --max-memory
/// limit) is rejected with a message instead of being killed by the OS.
///
/// The exact figure comes from the lowered model (ModelProgram.h): the
/// memory plan's arena (the peak of the temporaries, shared by the step and
/// the forward entry, which never run at once) plus every tensor the caller
/// sees (inputs, params, states, outputs, each once even when both entries
/// use it) plus the constants. The driver lowers a model once and hands
/// the same value to this check and then to the backend. Checking the exact
/// figure costs little once the model is lowered, but `memoryUpperBound`
/// gives a cheap bound from the graphs alone (every node's value held at
/// once, twice over for the reductions' scratch): a model whose bound fits
/// needs no exact figure, and `voskhod compile --emit=kernels` then lowers
/// only the program it prints. It deliberately ignores what does not grow
/// with the model: the code, the thread pool's stacks and the GEMM's
/// per-thread packing buffers.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"
#include "compiler/kernel/ModelProgram.h"
#include "support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace voskhod::kernel {

struct MemoryItem {
  std::string name; // "%w" for a tensor, "temporary %h1" for an arena buffer
  std::string what; // "param f32[784, 512]"
  int64_t bytes = 0;
};

struct MemoryEstimate {
  int64_t arenaBytes = 0;  // the memory plan's peak of temporaries
  int64_t tensorBytes = 0; // inputs, params, states, outputs
  int64_t constBytes = 0;
  /// The largest buffers, largest first (at most kLargest).
  std::vector<MemoryItem> largest;
  static constexpr size_t kLargest = 3;

  int64_t total() const { return arenaBytes + tensorBytes + constBytes; }
};

/// A bound no smaller than the total of estimateMemory on the lowered
/// graphs; saturates at INT64_MAX. Null graphs are skipped.
int64_t memoryUpperBound(const std::vector<const ir::Graph *> &graphs);

/// What the lowered model holds.
MemoryEstimate estimateMemory(const ModelProgram &model);

/// "1.5 GiB", "320 KiB", "12 B".
std::string formatBytes(int64_t bytes);

/// What the float64 interpreter holds running `g`: every value, as doubles.
/// Saturates at INT64_MAX.
int64_t interpreterBytes(const ir::Graph &g);

/// Ok when the model fits in `limitBytes`; otherwise an error saying what it
/// needs, what the limit is (`limitName`: "--max-memory", "available
/// memory") and which buffers are the largest.
Status checkMemoryBudget(const ModelProgram &model, int64_t limitBytes,
                         const std::string &limitName);

} // namespace voskhod::kernel
