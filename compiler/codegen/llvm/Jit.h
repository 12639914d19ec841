//===- compiler/codegen/llvm/Jit.h - ORC LLJIT with our pipeline ----------===//
///
/// A small JIT in the shape of LLVM's HowToUseLLJIT / KaleidoscopeJIT:
/// `create()` returns llvm::Expected; a module is optimised with the
/// pipeline of `optLevel` for the host (HostTarget.h: 1 is the kernel
/// pipeline), and a large one has its machine code generated in parts at
/// once (llvm::splitCodeGen, one object per part; a function's code does
/// not depend on the part it lands in); the main dylib defines the runtime's C
/// entry points (the thread pool's parallel-for and scratch) by address and
/// searches the process for the rest (libm), so generated code can call them.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"

#include <memory>

namespace voskhod::codegen {

class CpuJit {
public:
  /// `compileThreads`: parts a large module's code generation is split
  /// into and run at once (llvm::splitCodeGen); 0 is one per core, at most
  /// four.
  static llvm::Expected<std::unique_ptr<CpuJit>>
  create(unsigned optLevel = 1, unsigned compileThreads = 0);

  const llvm::DataLayout &dataLayout() const;
  llvm::Error addModule(llvm::orc::ThreadSafeModule module);
  /// Address of an exported function.
  llvm::Expected<void *> lookup(llvm::StringRef name);

private:
  CpuJit(std::unique_ptr<llvm::orc::LLJIT> jit,
         std::shared_ptr<llvm::TargetMachine> machine, unsigned optLevel,
         unsigned compileThreads)
      : jit_(std::move(jit)), machine_(std::move(machine)), optLevel_(optLevel),
        compileThreads_(compileThreads) {}
  std::unique_ptr<llvm::orc::LLJIT> jit_;
  std::shared_ptr<llvm::TargetMachine> machine_;
  unsigned optLevel_;
  unsigned compileThreads_;
};

} // namespace voskhod::codegen
