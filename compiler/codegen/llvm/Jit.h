//===- compiler/codegen/llvm/Jit.h - ORC LLJIT with our pipeline ----------===//
///
/// A small JIT in the shape of LLVM's HowToUseLLJIT / KaleidoscopeJIT:
/// `create()` returns llvm::Expected; modules go through an IR transform
/// layer that runs the pipeline of `optLevel` for the host (HostTarget.h:
/// 1 is the kernel pipeline); the main
/// dylib defines the runtime's C entry points (the thread pool's
/// parallel-for and scratch) by address and searches the process for the
/// rest (libm), so generated code can call them.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"

#include <memory>

namespace voskhod::codegen {

class CpuJit {
public:
  static llvm::Expected<std::unique_ptr<CpuJit>> create(unsigned optLevel = 1);

  const llvm::DataLayout &dataLayout() const;
  llvm::Error addModule(llvm::orc::ThreadSafeModule module);
  /// Address of an exported function.
  llvm::Expected<void *> lookup(llvm::StringRef name);

private:
  explicit CpuJit(std::unique_ptr<llvm::orc::LLJIT> jit)
      : jit_(std::move(jit)) {}
  std::unique_ptr<llvm::orc::LLJIT> jit_;
};

} // namespace voskhod::codegen
