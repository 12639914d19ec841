//===- tests/unit/cuda/HostEmulation.h - rendered kernels run on the host -===//
///
/// Runs the CUDA C++ the renderer writes without a GPU, so every kernel's
/// indexing, thread mapping, reductions and tiling are checked against the
/// interpreter on every machine. The source is compiled as ordinary C++
/// (the system's `c++`) together with a small shim: `__global__` functions
/// become exported C functions, `threadIdx` a thread-local, a block's
/// threads real threads that meet at a barrier for `__syncthreads()` and
/// for warp shuffles (exchanged through a per-block table), `__shared__`
/// arrays statics (blocks run one after another), and the vector types,
/// intrinsics and math functions their host equivalents.
///
/// What it cannot check: timing, the memory model of real warps, and
/// anything NVRTC itself does (the render test covers compilation).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/cuda/LaunchPlan.h"
#include "support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace voskhod::cuda::test {

/// A compiled translation unit of rendered programs, loaded in-process.
class HostModule {
public:
  /// Compiles `source` (a cudaPreamble() translation unit) on the host.
  static Expected<std::unique_ptr<HostModule>>
  compile(const std::string &source);
  ~HostModule();

  /// Runs `plan` with `externals[i]` the storage of external i and `arena`
  /// the arena (plan.arenaBytes long).
  Status run(const rt::cuda::EntryPlan &plan,
             const std::vector<void *> &externals, void *arena);
  /// Runs one kernel of the module on `args` (at most 32 pointers).
  Status launch(const std::string &function, unsigned grid, unsigned block,
                std::vector<void *> args);

private:
  HostModule() = default;
  void *library_ = nullptr;
  std::string dir_;
};

} // namespace voskhod::cuda::test
