//===- tests/unit/vmath/TestJit.h - minimal LLJIT for emitter tests -------===//
///
/// Compiles one module at a time for the host CPU, runs the O3 pipeline on
/// it, and resolves the runtime's C entry points, so emitter tests can call
/// what they emitted. Header-only because the GEMM tests and bench/gemm share
/// it. The backend's own JIT lives in compiler/codegen/llvm; this one exists so
/// the emitters can be tested on their own.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "runtime/ThreadPool.h"

#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/ExecutionEngine/Orc/ThreadSafeModule.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>

namespace voskhod::test {

class TestJit {
public:
  TestJit() {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!jtmb)
      fail(jtmb.takeError());
    jtmb->setCodeGenOptLevel(llvm::CodeGenOpt::Aggressive);
    auto tm = jtmb->createTargetMachine();
    if (!tm)
      fail(tm.takeError());
    targetMachine = std::move(*tm);
    auto jit =
        llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(*jtmb).create();
    if (!jit)
      fail(jit.takeError());
    lljit = std::move(*jit);
    llvm::orc::SymbolMap symbols;
    for (const rt::RuntimeSymbol &s : rt::threadPoolSymbols())
      symbols[lljit->mangleAndIntern(s.name)] =
          llvm::JITEvaluatedSymbol(llvm::pointerToJITTargetAddress(s.address),
                                   llvm::JITSymbolFlags::Exported);
    if (auto err = lljit->getMainJITDylib().define(
            llvm::orc::absoluteSymbols(std::move(symbols))))
      fail(std::move(err));
    // memcpy and memset, which LLVM may introduce for copy loops.
    auto process =
        llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
            lljit->getDataLayout().getGlobalPrefix());
    if (!process)
      fail(process.takeError());
    lljit->getMainJITDylib().addGenerator(std::move(*process));
  }

  /// A fresh module sharing this JIT's data layout and triple.
  std::unique_ptr<llvm::Module> newModule(llvm::LLVMContext &context) {
    auto module = std::make_unique<llvm::Module>("test", context);
    module->setDataLayout(targetMachine->createDataLayout());
    module->setTargetTriple(targetMachine->getTargetTriple().str());
    return module;
  }

  /// Verifies, optimises at O3 and compiles the module; its functions can
  /// then be looked up.
  void add(std::unique_ptr<llvm::Module> module,
           std::unique_ptr<llvm::LLVMContext> context) {
    std::string message;
    llvm::raw_string_ostream os(message);
    if (llvm::verifyModule(*module, &os)) {
      llvm::errs() << "invalid module: " << os.str() << "\n";
      std::abort();
    }
    optimize(*module);
    if (auto err = lljit->addIRModule(
            llvm::orc::ThreadSafeModule(std::move(module), std::move(context))))
      fail(std::move(err));
  }

  template <typename Fn> Fn *lookup(const std::string &name) {
    auto address = lljit->lookup(name);
    if (!address)
      fail(address.takeError());
    return address->toPtr<Fn *>();
  }

  void optimize(llvm::Module &module) {
    for (llvm::Function &f : module)
      if (!f.isDeclaration()) {
        f.addFnAttr("target-cpu", targetMachine->getTargetCPU());
        f.addFnAttr("target-features", targetMachine->getTargetFeatureString());
      }
    llvm::LoopAnalysisManager lam;
    llvm::FunctionAnalysisManager fam;
    llvm::CGSCCAnalysisManager cgam;
    llvm::ModuleAnalysisManager mam;
    llvm::PassBuilder pb(targetMachine.get());
    pb.registerModuleAnalyses(mam);
    pb.registerCGSCCAnalyses(cgam);
    pb.registerFunctionAnalyses(fam);
    pb.registerLoopAnalyses(lam);
    pb.crossRegisterProxies(lam, fam, cgam, mam);
    pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3)
        .run(module, mam);
  }

private:
  [[noreturn]] static void fail(llvm::Error err) {
    llvm::errs() << "jit: " << llvm::toString(std::move(err)) << "\n";
    std::abort();
  }

  std::unique_ptr<llvm::TargetMachine> targetMachine;
  std::unique_ptr<llvm::orc::LLJIT> lljit;
};

} // namespace voskhod::test
