//===- compiler/codegen/llvm/CpuBackend.cpp - lower, render, JIT, emit ----===//
#include "compiler/codegen/llvm/CpuBackend.h"

#include "compiler/codegen/llvm/HostTarget.h"
#include "compiler/codegen/llvm/Jit.h"
#include "compiler/codegen/llvm/KernelRenderer.h"
#include "compiler/codegen/tensors/RuntimeTensors.h"
#include "runtime/NumericsCheck.h"
#include "runtime/ThreadPool.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

namespace voskhod::cpu {
using kernel::ModelProgram;

namespace {

std::string errorText(llvm::Error err) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << err;
  return os.str();
}

/// The module that renders a model's programs.
struct Rendered {
  std::unique_ptr<llvm::LLVMContext> context;
  std::unique_ptr<llvm::Module> module;
};

Expected<Rendered> render(const ModelProgram &model,
                          const CpuOptions &options) {
  if (!model.step && !model.forward)
    return makeError("nothing to compile: the model has no entry");
  Rendered out;
  out.context = std::make_unique<llvm::LLVMContext>();
  out.module = std::make_unique<llvm::Module>("voskhod", *out.context);
  codegen::RenderOptions ro;
  ro.vectorBits = codegen::hostVectorBits();
  ro.packedGemm = options.packedGemm;
  ro.checkNumerics = options.checkNumerics;
  ro.maxInlineKernels = options.maxInlineKernels;
  if (model.step)
    codegen::renderProgram(*out.module, model.step->program, kStepEntry, ro);
  if (model.forward)
    codegen::renderProgram(*out.module, model.forward->program, kForwardEntry,
                           ro);
  std::string problems;
  llvm::raw_string_ostream os(problems);
  if (llvm::verifyModule(*out.module, &os))
    return makeError("internal: the rendered module is invalid: " + os.str());
  return out;
}

class JitExecutable : public rt::Executable {
public:
  using Entry = void (*)(void **, void *);

  JitExecutable(std::vector<rt::TensorInfo> tensors,
                std::unique_ptr<codegen::CpuJit> jit, Entry step,
                std::vector<int> stepTable, Entry forward,
                std::vector<int> forwardTable, int64_t arenaBytes)
      : Executable(std::move(tensors), step != nullptr, forward != nullptr),
        jit_(std::move(jit)), step_(step), forward_(forward),
        stepTable_(std::move(stepTable)),
        forwardTable_(std::move(forwardTable)) {
    size_t size = size_t((arenaBytes + 63) / 64 * 64);
    arena_ = std::aligned_alloc(64, size ? size : 64);
  }
  ~JitExecutable() override { std::free(arena_); }

  Status step() override { return run(step_, stepTable_, "training step"); }
  Status forward() override {
    return run(forward_, forwardTable_, "forward graph");
  }

private:
  Status run(Entry entry, const std::vector<int> &table, const char *what) {
    if (!entry)
      return makeError(std::string("this executable has no ") + what);
    pointers(table, scratchPointers_);
    rt::PoolScope scope(pool());
    entry(scratchPointers_.data(), arena_);
    if (auto fault = rt::takeNumericsFault())
      return makeError(fault->message());
    return Status::ok();
  }

  std::unique_ptr<codegen::CpuJit> jit_;
  Entry step_, forward_;
  std::vector<int> stepTable_, forwardTable_;
  std::vector<void *> scratchPointers_;
  void *arena_ = nullptr;
};

} // namespace

Expected<std::unique_ptr<rt::Executable>>
compileForCpu(const ModelProgram &model, const CpuOptions &options) {
  auto rendered = render(model, options);
  VOSKHOD_RETURN_IF_ERROR(rendered);
  auto jit = codegen::CpuJit::create(options.optLevel, options.compileThreads);
  if (!jit)
    return makeError("cannot start the JIT: " + errorText(jit.takeError()));
  if (auto err = (*jit)->addModule(llvm::orc::ThreadSafeModule(
          std::move(rendered->module), std::move(rendered->context))))
    return makeError("cannot compile the module: " + errorText(std::move(err)));
  JitExecutable::Entry step = nullptr, forward = nullptr;
  if (model.step) {
    auto f = (*jit)->lookup(kStepEntry);
    if (!f)
      return makeError("cannot compile the step: " + errorText(f.takeError()));
    step = reinterpret_cast<JitExecutable::Entry>(*f);
  }
  if (model.forward) {
    auto f = (*jit)->lookup(kForwardEntry);
    if (!f)
      return makeError("cannot compile the forward graph: " +
                       errorText(f.takeError()));
    forward = reinterpret_cast<JitExecutable::Entry>(*f);
  }
  std::unique_ptr<rt::Executable> exe(new JitExecutable(
      codegen::runtimeTensors(model), std::move(*jit), step,
      model.step ? model.step->table : std::vector<int>(), forward,
      model.forward ? model.forward->table : std::vector<int>(),
      model.arenaBytes));
  if (options.threads > 0)
    exe->setThreads(options.threads);
  return exe;
}

Expected<std::string> emitCpuText(const ModelProgram &model, CpuEmitKind kind,
                                  const CpuOptions &options) {
  auto rendered = render(model, options);
  VOSKHOD_RETURN_IF_ERROR(rendered);
  auto tm = codegen::createHostTargetMachine(options.optLevel);
  if (!tm)
    return makeError("cannot target the host: " + errorText(tm.takeError()));
  codegen::optimizeModule(*rendered->module, **tm, options.optLevel);
  std::string text;
  llvm::raw_string_ostream os(text);
  if (kind == CpuEmitKind::LLVM) {
    rendered->module->print(os, nullptr);
    return os.str();
  }
  llvm::SmallString<0> buffer;
  llvm::raw_svector_ostream vos(buffer);
  llvm::legacy::PassManager pm;
  if ((*tm)->addPassesToEmitFile(pm, vos, nullptr, llvm::CGFT_AssemblyFile))
    return makeError("the host target cannot emit assembly");
  pm.run(*rendered->module);
  return std::string(buffer.str());
}

Status emitCpuObject(const ModelProgram &model, const std::string &path,
                     const CpuOptions &options) {
  auto rendered = render(model, options);
  VOSKHOD_RETURN_IF_ERROR(rendered);
  auto tm = codegen::createHostTargetMachine(options.optLevel);
  if (!tm)
    return makeError("cannot target the host: " + errorText(tm.takeError()));
  codegen::optimizeModule(*rendered->module, **tm, options.optLevel);
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return makeError("cannot write '" + path + "': " + ec.message());
  llvm::legacy::PassManager pm;
  if ((*tm)->addPassesToEmitFile(pm, out, nullptr, llvm::CGFT_ObjectFile))
    return makeError("the host target cannot emit object files");
  pm.run(*rendered->module);
  out.flush();
  if (out.has_error())
    return makeError("cannot write '" + path + "'");
  return Status::ok();
}

} // namespace voskhod::cpu
