//===- compiler/kernel/KernelDescription.cpp - a kernel in one line -------===//
#include "compiler/kernel/KernelDescription.h"

namespace voskhod::kernel {

std::string describeKernel(const Kernel &k) {
  std::string s =
      "kernel '" + k.name + "' (" + std::string(kernelKindName(k.kind)) + ")";
  for (size_t i = 0; i < k.fused.size(); ++i) {
    const FusedOp &f = k.fused[i];
    s += i ? ", " : " computing ";
    s += f.op;
    if (!f.name.empty())
      s += " %" + f.name;
    if (f.loc.known())
      s += " (" + f.loc.str() + ")";
  }
  return s;
}

} // namespace voskhod::kernel
