//===- compiler/codegen/llvm/HostTarget.cpp - the machine we compile for --===//
#include "compiler/codegen/llvm/HostTarget.h"

#include "support/InternalCheck.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Analysis/CGSCCPassManager.h"
#include "llvm/Analysis/LoopAnalysisManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/IR/PassTimingInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"

#include <mutex>

namespace voskhod::codegen {

void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
  });
}

static std::string hostFeatures() {
  llvm::StringMap<bool> features;
  std::string out;
  if (!llvm::sys::getHostCPUFeatures(features))
    return out;
  // StringMap iterates in hash order; sort for a deterministic string.
  std::vector<std::string> list;
  for (const auto &f : features)
    list.push_back((f.second ? "+" : "-") + f.first().str());
  std::sort(list.begin(), list.end());
  for (const std::string &f : list)
    out += (out.empty() ? "" : ",") + f;
  return out;
}

llvm::CodeGenOpt::Level codeGenLevel(unsigned optLevel) {
  switch (optLevel) {
  case 0:
    return llvm::CodeGenOpt::None;
  case 1:
    // The kernel pipeline's IR is explicit vector code already scheduled
    // by its emitters; the lighter code generator keeps instruction
    // selection and register allocation as they are and skips the passes
    // that pay off only on unoptimised input.
    return llvm::CodeGenOpt::Less;
  case 2:
    return llvm::CodeGenOpt::Default;
  default:
    return llvm::CodeGenOpt::Aggressive;
  }
}

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createHostTargetMachine(unsigned optLevel) {
  initializeNativeTarget();
  std::string triple = llvm::sys::getProcessTriple();
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return llvm::createStringError(llvm::inconvertibleErrorCode(), error);
  llvm::TargetOptions options;
  llvm::CodeGenOpt::Level level = codeGenLevel(optLevel);
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, llvm::sys::getHostCPUName(), hostFeatures(), options,
      llvm::Reloc::PIC_, std::nullopt, level));
  if (!tm)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot create a target machine for " +
                                       triple);
  return tm;
}

unsigned hostVectorBits() {
  llvm::StringMap<bool> f;
  if (!llvm::sys::getHostCPUFeatures(f))
    return 128;
  if (f.lookup("avx512f"))
    return 512;
  if (f.lookup("avx"))
    return 256;
  return 128;
}

/// Below this many instructions the kernel pipeline also unrolls short loops
/// (counted as rendered, before inlining: the seed classifier's module has
/// about 1,600; the MLP's 5,300).
constexpr unsigned kSmallModuleInstructions = 2000;

void optimizeModule(llvm::Module &module, llvm::TargetMachine &tm,
                    unsigned optLevel) {
  module.setTargetTriple(tm.getTargetTriple().str());
  module.setDataLayout(tm.createDataLayout());
  if (optLevel == 0)
    return;
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  // With llvm::TimePassesIsEnabled (-time-passes) each pass's time is
  // reported when the pipeline ends, next to the code generator's.
  llvm::PassInstrumentationCallbacks instrumentation;
  llvm::TimePassesHandler timePasses(llvm::TimePassesIsEnabled);
  timePasses.registerCallbacks(instrumentation);
  llvm::PassBuilder pb(&tm, tuning, std::nullopt, &instrumentation);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager mpm;
  if (optLevel == 1) {
    // The kernel pipeline. Rendered kernels are loops of straight-line
    // scalar code with static trip counts, and the GEMM is explicit vector
    // code whose loops opt out of vectorising and unrolling, so what pays is
    // inlining the kernels that run on the calling thread (marked
    // alwaysinline, so their bounds become constants), the loop vectoriser
    // and the clean-ups around it. Functions that came out identical (the
    // same prologue or epilogue in two GEMMs) are merged. Small modules,
    // whose compile time is small anyway, also have their short loops
    // unrolled: a model of a few thousand flops is all loop overhead
    // otherwise. LLVM's O2/O3 pipelines take ten times as long and make no
    // faster step.
    unsigned instructions = 0;
    for (const llvm::Function &f : module)
      instructions += f.getInstructionCount();
    const char *unroll = instructions < kSmallModuleInstructions
                             ? "loop(loop-unroll-full),"
                             : "";
    std::string pipeline =
        std::string("always-inline,function(sroa,early-cse,instcombine,"
                    "simplifycfg,loop-simplify,lcssa,loop-rotate,") +
        unroll + "loop-vectorize,instcombine,simplifycfg),mergefunc";
    auto error = pb.parsePassPipeline(mpm, pipeline);
    VOSKHOD_CHECK(!error) << "the kernel pipeline does not parse";
    llvm::consumeError(std::move(error));
  } else {
    mpm = pb.buildPerModuleDefaultPipeline(optLevel >= 3
                                               ? llvm::OptimizationLevel::O3
                                               : llvm::OptimizationLevel::O2);
  }
  mpm.run(module, mam);
}

} // namespace voskhod::codegen
