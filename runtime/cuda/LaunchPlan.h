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
#include <optional>
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

/// A compiled module and how to run its entries: what an object written by
/// `voskhod compile --target=cuda` embeds.
struct ProgramImage {
  std::string arch;  // sm_XX the cubin is for
  std::string cubin; // NVRTC's output, an ELF image
  /// The same module as PTX, which the driver can compile for GPUs newer
  /// than `arch` that the cubin does not run on.
  std::string ptx;
  std::optional<EntryPlan> step, forward;
  /// The names of each entry's external tensors, in the order its plan
  /// numbers them.
  std::vector<std::string> stepTensors, forwardTensors;
};

} // namespace voskhod::rt::cuda
