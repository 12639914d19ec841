//===- runtime/cuda/LaunchPlan.h - what to launch, in which order ---------===//
///
/// The contract between the CUDA renderer (compiler/codegen/cuda) and
/// whatever runs its kernels (runtime/cuda/DeviceProgram.h in-process, the
/// AOT host code in an object file): for each entry, the kernel launches in
/// order, each with its grid, its block, its dynamic shared memory and its
/// pointer arguments. A pointer argument is either one of the entry's
/// external tensors (its position in the entry's table) or a byte offset
/// into the entry's arena; sizes and strides are compiled into the kernels,
/// so pointers are the only arguments. Constants live in the module itself.
///
/// Plain data: no driver calls, nothing from compiler/.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace voskhod::rt::cuda {

struct LaunchArg {
  int external = -1;       // position in the entry's table, or -1
  int64_t arenaOffset = 0; // when external < 0
  bool operator==(const LaunchArg &) const = default;
};

struct KernelLaunch {
  std::string function; // `extern "C"` name in the module
  unsigned grid = 1;    // blocks (one-dimensional)
  unsigned block = 1;   // threads per block
  unsigned sharedBytes = 0;
  std::vector<LaunchArg> args;
};

struct EntryPlan {
  std::vector<KernelLaunch> launches;
  /// How many external tensors the entry takes.
  int numExternals = 0;
  int64_t arenaBytes = 0;
};

} // namespace voskhod::rt::cuda
