//===- compiler/kernel/MemoryPlan.h - one arena for every temporary -------===//
///
/// Places the program's temporaries (and per-kernel scratch) in one arena.
/// Steps: live ranges over the kernel schedule (a buffer lives from the
/// first kernel touching its storage to the last; views extend their base);
/// in-place reuse, where a loop kernel's output takes the storage of an
/// input of the same size that dies in that kernel and is read only at the
/// element being written; then best-fit placement: each storage, in order of
/// its first use, goes into the smallest gap between the placements it is
/// live with, or past the end.
///
/// External buffers (inputs, params, states, outputs) and constants are not
/// placed: the caller or the module owns them.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/kernel/KernelIR.h"

namespace voskhod::kernel {

/// Fills program.memory; may alias temporaries to dying inputs.
void planMemory(KernelProgram &program);

/// Whether two placements share bytes while both are live.
bool conflicts(const Placement &a, const Placement &b);

} // namespace voskhod::kernel
