//===- compiler/kernel/KernelSignature.h - kernels that compute alike -----===//
///
/// Deep models repeat the same kernel on other buffers: layer 7's fused
/// matmul + relu + add is layer 8's with other weights. A renderer that
/// emits one function per distinct kernel, and passes the buffers as
/// arguments, makes its output grow with the number of distinct layers
/// instead of the depth.
///
/// A kernel's arguments are its storages (`kernelStorages`: one per storage
/// buffer it touches, reads first, in first-use order, so an in-place update
/// passes its buffer once). Two kernels with equal signatures compute the
/// same function of those arguments: the signature holds everything about
/// the kernel but its name and the graph ops it came from, with each buffer
/// replaced by its argument position, its element type and its size.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/kernel/KernelIR.h"

#include <string>
#include <vector>

namespace voskhod::kernel {

std::vector<int> kernelStorages(const KernelProgram &program, const Kernel &k);

/// A byte string, equal for two kernels (of any programs) exactly when they
/// compute the same function of their kernelStorages.
std::string kernelSignature(const KernelProgram &program, const Kernel &k);

} // namespace voskhod::kernel
