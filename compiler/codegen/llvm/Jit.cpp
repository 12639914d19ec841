//===- compiler/codegen/llvm/Jit.cpp - ORC LLJIT with our pipeline --------===//
#include "compiler/codegen/llvm/Jit.h"

#include "compiler/codegen/llvm/HostTarget.h"
#include "runtime/NumericsCheck.h"
#include "runtime/ThreadPool.h"

#include "llvm/CodeGen/ParallelCG.h"
#include "llvm/ExecutionEngine/JITSymbol.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <thread>

namespace voskhod::codegen {

llvm::Expected<std::unique_ptr<CpuJit>>
CpuJit::create(unsigned optLevel, unsigned compileThreads) {
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
  if (compileThreads == 0)
    compileThreads =
        std::min(4u, std::max(1u, std::thread::hardware_concurrency()));
  return std::unique_ptr<CpuJit>(new CpuJit(std::move(*jit), std::move(machine),
                                            optLevel, compileThreads));
}

namespace {

/// Below this many instructions (after optimising) one code generator is
/// quicker than splitting: the split round-trips each part through
/// bitcode and starts threads.
constexpr size_t kSplitInstructions = 2000;

size_t instructionCount(const llvm::Module &m) {
  size_t n = 0;
  for (const llvm::Function &f : m)
    n += f.getInstructionCount();
  return n;
}

} // namespace

const llvm::DataLayout &CpuJit::dataLayout() const {
  return jit_->getDataLayout();
}

llvm::Error CpuJit::addModule(llvm::orc::ThreadSafeModule module) {
  unsigned parts = compileThreads_;
  if (optLevel_ == 0 || parts == 1)
    return jit_->addIRModule(std::move(module));
  // Optimise here, then generate code for a large module in several parts
  // at once (llvm::splitCodeGen, as parallel LTO does) and link the objects:
  // code generation is most of a compile, and each function's machine code
  // is the same whichever part it lands in.
  std::vector<llvm::SmallString<0>> objects;
  bool split = false;
  module.withModuleDo([&](llvm::Module &m) {
    optimizeModule(m, *machine_, optLevel_);
    if (instructionCount(m) < kSplitInstructions)
      return;
    split = true;
    objects.resize(parts);
    std::vector<std::unique_ptr<llvm::raw_svector_ostream>> streams;
    std::vector<llvm::raw_pwrite_stream *> outs;
    for (llvm::SmallString<0> &o : objects) {
      streams.push_back(std::make_unique<llvm::raw_svector_ostream>(o));
      outs.push_back(streams.back().get());
    }
    // One target machine per part (they are not shared between threads);
    // create() has made one already, so making more does not fail.
    unsigned level = optLevel_;
    llvm::splitCodeGen(m, outs, {}, [level]() {
      auto tm = createHostTargetMachine(level);
      if (!tm) {
        llvm::consumeError(tm.takeError());
        return std::unique_ptr<llvm::TargetMachine>();
      }
      return std::move(*tm);
    });
  });
  if (!split)
    return jit_->getIRCompileLayer().add(jit_->getMainJITDylib(),
                                         std::move(module));
  for (llvm::SmallString<0> &o : objects) {
    if (o.empty())
      continue;
    if (llvm::Error e =
            jit_->addObjectFile(llvm::MemoryBuffer::getMemBufferCopy(
                llvm::StringRef(o.data(), o.size()), "voskhod-kernels")))
      return e;
  }
  return llvm::Error::success();
}

llvm::Expected<void *> CpuJit::lookup(llvm::StringRef name) {
  auto addr = jit_->lookup(name);
  if (!addr)
    return addr.takeError();
  return addr->toPtr<void *>();
}

} // namespace voskhod::codegen
