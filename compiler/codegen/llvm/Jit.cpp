//===- compiler/codegen/llvm/Jit.cpp - ORC LLJIT with our pipeline --------===//
#include "compiler/codegen/llvm/Jit.h"

#include "compiler/codegen/llvm/HostTarget.h"
#include "runtime/NumericsCheck.h"
#include "runtime/ThreadPool.h"

#include "llvm/ExecutionEngine/JITSymbol.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/Module.h"

namespace voskhod::codegen {

llvm::Expected<std::unique_ptr<CpuJit>> CpuJit::create(unsigned optLevel) {
  initializeNativeTarget();
  auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!jtmb)
    return jtmb.takeError();
  jtmb->setCodeGenOptLevel(codeGenLevel(optLevel));
  auto tm = createHostTargetMachine(optLevel);
  if (!tm)
    return tm.takeError();
  auto jit = llvm::orc::LLJITBuilder()
                 .setJITTargetMachineBuilder(std::move(*jtmb))
                 .create();
  if (!jit)
    return jit.takeError();
  std::shared_ptr<llvm::TargetMachine> machine = std::move(*tm);
  (*jit)->getIRTransformLayer().setTransform(
      [machine, optLevel](llvm::orc::ThreadSafeModule m,
                          const llvm::orc::MaterializationResponsibility &)
          -> llvm::Expected<llvm::orc::ThreadSafeModule> {
        m.withModuleDo([&](llvm::Module &mod) {
          optimizeModule(mod, *machine, optLevel);
        });
        return m;
      });
  llvm::orc::JITDylib &main = (*jit)->getMainJITDylib();
  llvm::orc::SymbolMap runtime;
  for (const rt::RuntimeSymbol &s : rt::threadPoolSymbols())
    runtime[(*jit)->mangleAndIntern(s.name)] = llvm::JITEvaluatedSymbol(
        llvm::pointerToJITTargetAddress(s.address),
        llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable);
  for (const rt::RuntimeSymbol &s : rt::numericsCheckSymbols())
    runtime[(*jit)->mangleAndIntern(s.name)] = llvm::JITEvaluatedSymbol(
        llvm::pointerToJITTargetAddress(s.address),
        llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable);
  if (auto err = main.define(llvm::orc::absoluteSymbols(std::move(runtime))))
    return err;
  auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!process)
    return process.takeError();
  main.addGenerator(std::move(*process));
  return std::unique_ptr<CpuJit>(new CpuJit(std::move(*jit)));
}

const llvm::DataLayout &CpuJit::dataLayout() const {
  return jit_->getDataLayout();
}

llvm::Error CpuJit::addModule(llvm::orc::ThreadSafeModule module) {
  return jit_->addIRModule(std::move(module));
}

llvm::Expected<void *> CpuJit::lookup(llvm::StringRef name) {
  auto addr = jit_->lookup(name);
  if (!addr)
    return addr.takeError();
  return addr->toPtr<void *>();
}

} // namespace voskhod::codegen
