//===- api/Compile.cpp - from a built graph to a model or an object -------===//
///
/// The same chain of calls as `voskhod train` and `voskhod compile`
/// (compiler/driver/StepRunner.cpp, CompileCommand.cpp): training step,
/// simplification, the inference graph pruned to what `returns` needs, one
/// lowering, the memory check on that value, then the backend.
///
//===----------------------------------------------------------------------===//
#include <voskhod/Compile.h>

#include "api/InterpreterExecutable.h"
#include "api/ModelImpl.h"
#include "compiler/codegen/cuda/CudaBackend.h"
#include "compiler/driver/ResourceLimits.h"
#include "compiler/kernel/ModelProgram.h"
#include "compiler/passes/DeadCodeElimination.h"
#include "compiler/passes/Pipeline.h"
#include "compiler/training/ModeSpecialization.h"
#include "compiler/training/TrainStep.h"
#include "runtime/SystemMemory.h"
#include "runtime/cuda/CudaDriver.h"

#ifdef VOSKHOD_HAVE_LLVM
#include "compiler/codegen/llvm/AotCompiler.h"
#include "compiler/codegen/llvm/AotHeader.h"
#include "compiler/codegen/llvm/CpuBackend.h"
#endif

#include <cstdio>
#include <fstream>
#include <sstream>

namespace voskhod {
namespace {

Status diagnosticsError(const ir::DiagnosticEngine &diags) {
  std::ostringstream os;
  diags.print(os);
  std::string text = os.str();
  while (!text.empty() && text.back() == '\n')
    text.pop_back();
  return makeError(text);
}

[[maybe_unused]] const char *const kNoLlvm =
    "the CPU target and AOT objects are not available: voskhod was built "
    "without LLVM (VOSKHOD_ENABLE_LLVM=OFF)";

/// The memory checks take a size they can parse; the command line validates
/// --max-memory when it reads it, the API here.
Status checkMemorySize(const std::string &maxMemory) {
  if (maxMemory.empty() || rt::parseByteSize(maxMemory))
    return Status::ok();
  return makeError("maxMemory '" + maxMemory +
                   "' is not a memory size (a positive number, optionally "
                   "followed by K, M, G or T)");
}

/// The graphs a model is lowered from.
struct Graphs {
  std::unique_ptr<ir::Graph> step, forward;
};

Expected<Graphs> prepare(const ir::Graph &graph) {
  Graphs g;
  ir::DiagnosticEngine diags;
  if (graph.minimize()) {
    g.step = training::buildTrainStep(graph, diags);
    if (!g.step || !passes::runSimplifyPipeline(*g.step, diags))
      return diagnosticsError(diags);
  }
  if (!graph.results().empty()) {
    // Inference computes only what `returns` names, and so takes only the
    // inputs that needs (not the labels).
    g.forward = graph.clone();
    g.forward->minimize().reset();
    training::specializeForMode(*g.forward, training::Mode::Eval);
    passes::DeadCodeElimination().run(*g.forward);
  }
  if (!g.step && !g.forward)
    return makeError("nothing to compile: graph '" + graph.name() +
                     "' has neither a loss to minimize nor results");
  return g;
}

Expected<kernel::ModelProgram>
lower(const Graphs &g, const std::string &maxMemory, bool runsHere) {
  VOSKHOD_RETURN_IF_ERROR(checkMemorySize(maxMemory));
  VOSKHOD_ASSIGN_OR_RETURN(kernel::ModelProgram program,
                           kernel::lowerModel(g.step.get(), g.forward.get()));
  if (!driver::memoryBoundFits({g.step.get(), g.forward.get()}, maxMemory,
                               runsHere))
    VOSKHOD_RETURN_IF_ERROR(
        driver::checkModelMemory(program, maxMemory, runsHere));
  return program;
}

std::vector<std::string> stepInputNames(const ir::Graph *step) {
  std::vector<std::string> names;
  if (step)
    for (const ir::Node *in : step->inputs())
      names.push_back(in->name());
  return names;
}

/// The inputs the forward graph's results depend on: dead-code elimination
/// keeps every leaf, but inference must not ask for labels it never reads.
std::vector<std::string> forwardInputNames(const ir::Graph *forward) {
  std::vector<std::string> names;
  if (!forward)
    return names;
  std::vector<bool> needed(forward->size(), false);
  std::vector<const ir::Node *> stack(forward->results().begin(),
                                      forward->results().end());
  while (!stack.empty()) {
    const ir::Node *n = stack.back();
    stack.pop_back();
    if (needed[n->index()])
      continue;
    needed[n->index()] = true;
    for (const ir::Node *operand : n->operands())
      stack.push_back(operand);
  }
  for (const ir::Node *in : forward->inputs())
    if (needed[in->index()])
      names.push_back(in->name());
  return names;
}

Expected<std::unique_ptr<rt::Executable>>
compileFor(const kernel::ModelProgram &program, const CompileOptions &options) {
  if (options.target == Target::Cuda) {
    if (options.checkNumerics)
      return makeError("checkNumerics needs the CPU target");
    auto devices = rt::cuda::listDevices();
    if (!devices)
      return makeError("cannot compile for the GPU: " + devices.message());
    if (devices->empty())
      return makeError("cannot compile for the GPU: no CUDA device found");
    cuda::CudaOptions cudaOptions;
    // Parameters are read and written from the host between steps.
    cudaOptions.sync = cuda::HostSync::All;
    VOSKHOD_ASSIGN_OR_RETURN(auto exe,
                             cuda::compileForCuda(program, cudaOptions));
    return std::unique_ptr<rt::Executable>(std::move(exe));
  }
#ifndef VOSKHOD_HAVE_LLVM
  return makeError(kNoLlvm);
#else
  cpu::CpuOptions cpuOptions;
  cpuOptions.threads = options.threads;
  cpuOptions.checkNumerics = options.checkNumerics;
  if (!options.optimize) {
    cpuOptions.optLevel = 0;
    cpuOptions.packedGemm = false;
  }
  VOSKHOD_ASSIGN_OR_RETURN(auto exe, cpu::compileForCpu(program, cpuOptions));
  return std::unique_ptr<rt::Executable>(std::move(exe));
#endif
}

} // namespace

Expected<Model> compile(const Graph &graph, const CompileOptions &options,
                        CallSite site) {
  VOSKHOD_ASSIGN_OR_RETURN(std::unique_ptr<ir::Graph> built, graph.build(site));
  return compile(*built, options);
}

Expected<Model> compile(const ir::Graph &graph, const CompileOptions &options) {
  VOSKHOD_ASSIGN_OR_RETURN(Graphs g, prepare(graph));
  auto impl = std::make_unique<Model::Impl>();
  impl->name = graph.name();
  impl->target = options.target;
  impl->graph = graph.clone();
  impl->stepInputs = stepInputNames(g.step.get());
  impl->forwardInputs = forwardInputNames(g.forward.get());
  if (options.target == Target::Interpreter) {
    VOSKHOD_RETURN_IF_ERROR(checkMemorySize(options.maxMemory));
    if (options.checkNumerics)
      return makeError("checkNumerics needs the CPU target");
    if (g.step)
      VOSKHOD_RETURN_IF_ERROR(
          driver::checkInterpreterMemory(*g.step, options.maxMemory));
    impl->exe = InterpreterExecutable::create(g.step.get(), g.forward.get());
    impl->step = std::move(g.step);
    impl->forward = std::move(g.forward);
  } else {
    VOSKHOD_ASSIGN_OR_RETURN(kernel::ModelProgram program,
                             lower(g, options.maxMemory,
                                   /*runsHere=*/options.target == Target::Cpu));
    VOSKHOD_ASSIGN_OR_RETURN(impl->exe, compileFor(program, options));
  }
  Model model(std::move(impl));
  if (options.initialize)
    model.initialize(options.seed);
  return model;
}

Status compileToObject(const Graph &graph, const ObjectOptions &options,
                       CallSite site) {
  VOSKHOD_ASSIGN_OR_RETURN(std::unique_ptr<ir::Graph> built, graph.build(site));
  return compileToObject(*built, options);
}

Status compileToObject(const ir::Graph &graph, const ObjectOptions &options) {
  if (options.objectPath.empty())
    return makeError("compileToObject needs an object path");
  if (options.target == Target::Interpreter)
    return makeError("compileToObject writes CPU or CUDA objects; the "
                     "interpreter has none");
  VOSKHOD_ASSIGN_OR_RETURN(Graphs g, prepare(graph));
  VOSKHOD_ASSIGN_OR_RETURN(kernel::ModelProgram program,
                           lower(g, options.maxMemory, /*runsHere=*/false));
#ifndef VOSKHOD_HAVE_LLVM
  return makeError(kNoLlvm);
#else
  cpu::AotOptions aot;
  aot.name = options.name;
  aot.cpu = options.cpu;
  aot.gpuArch = options.gpuArch;
  cpu::AotInterface api;
  // Written beside its final name and renamed, so a failed compile never
  // leaves a truncated object behind.
  std::string tmp = options.objectPath + ".tmp";
  Status written;
  if (options.target == Target::Cuda) {
    cuda::CudaOptions cudaOptions;
    cudaOptions.arch = options.gpuArch;
    auto image = cuda::compileCudaImage(program, cudaOptions);
    if (!image)
      return image.status();
    written = cpu::emitAotCudaObject(program, *image, tmp, aot, &api);
  } else {
    written = cpu::emitAotObject(program, tmp, aot, &api);
  }
  if (!written || std::rename(tmp.c_str(), options.objectPath.c_str()) != 0) {
    std::remove(tmp.c_str());
    return written ? makeError("cannot write '" + options.objectPath + "'")
                   : written;
  }
  if (options.headerPath.empty())
    return Status::ok();
  std::string file = options.headerPath.substr(
      options.headerPath.rfind('/') == std::string::npos
          ? 0
          : options.headerPath.rfind('/') + 1);
  std::ofstream out(options.headerPath, std::ios::binary);
  out << cpu::renderAotHeader(api, file);
  if (!out.flush())
    return makeError("cannot write '" + options.headerPath + "'");
  return Status::ok();
#endif
}

bool targetAvailable(Target target) {
  switch (target) {
  case Target::Cpu:
#ifdef VOSKHOD_HAVE_LLVM
    return true;
#else
    return false;
#endif
  case Target::Cuda: {
    auto devices = rt::cuda::listDevices();
    return devices && !devices->empty();
  }
  case Target::Interpreter:
    return true;
  }
  return false;
}

} // namespace voskhod
