//===- compiler/driver/CompileCommand.cpp - `voskhod compile` -------------===//
///
/// Compiles a graph ahead of time. A graph with `minimize` is compiled as
/// its training step (built and simplified exactly as `voskhod train` does)
/// plus its forward pass; `--inference` keeps only the forward pass. What
/// comes out is chosen by `--emit`:
///
///   obj (default)  an object file with the model's C API (-o), and its C
///                  header too when --header is given;
///   header         only the C header;
///   kernels        the fused kernels and the memory plan, as text;
///   llvm, asm      the optimised LLVM IR or assembly of the kernels.
///
/// Each target is one function below; `--target=cuda` emits the CUDA C++
/// of the kernels (`--emit=cuda`), or NVRTC's PTX or cubin for
/// `--gpu-arch` (compiler/codegen/cuda/CudaBackend.h), or an object with
/// that cubin embedded and the same C API (`obj`, `header`), whose host
/// side the LLVM backend writes.
///
//===----------------------------------------------------------------------===//
#include "compiler/codegen/cuda/CudaBackend.h"
#include "compiler/driver/Commands.h"
#include "compiler/driver/GraphLoading.h"
#include "compiler/driver/ResourceLimits.h"
#include "compiler/kernel/KernelPrinter.h"
#include "compiler/kernel/ModelProgram.h"
#include "compiler/passes/DeadCodeElimination.h"
#include "compiler/passes/Pipeline.h"
#include "compiler/training/ModeSpecialization.h"
#include "compiler/training/TrainStep.h"

#ifdef VOSKHOD_HAVE_LLVM
#include "compiler/codegen/llvm/AotCompiler.h"
#include "compiler/codegen/llvm/AotHeader.h"
#include "compiler/codegen/llvm/CpuBackend.h"
#endif

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <unistd.h>

namespace voskhod::driver {
namespace {

struct CompileOptions {
  std::string input;
  std::string target = "cpu";
  std::string emit = "obj";
  std::string output;
  std::string header;
  std::string name;
  std::string cpu = "native";
  std::string gpuArch = "sm_90";
  bool inference = false;
  std::string maxMemory; // --max-memory; the model runs elsewhere
};

/// The graphs a compile works on: the forward graph, pruned to what its
/// `return` values need, and, when it has `minimize` (and --inference is
/// not given), its simplified training step.
struct Model {
  std::unique_ptr<ir::Graph> forward, step;
};

/// The forward graph without its loss: inference computes only what
/// `return` names, and takes only the inputs that needs.
std::unique_ptr<ir::Graph> inferenceGraph(const ir::Graph &g) {
  std::unique_ptr<ir::Graph> forward = g.clone();
  forward->minimize().reset();
  training::specializeForMode(*forward, training::Mode::Eval);
  passes::DeadCodeElimination().run(*forward);
  return forward;
}

int fail(ir::DiagnosticEngine &diags, const std::string &file,
         const std::string &message) {
  diags.error(ir::SourceLoc{ir::internFileName(file)}, message);
  return flushDiagnostics(diags);
}

/// The step's kernels, or the forward graph's when there is no step.
int emitKernels(const kernel::ModelProgram &program, const CompileOptions &opts,
                ir::DiagnosticEngine &diags) {
  const kernel::ModelEntry &entry =
      program.step ? *program.step : *program.forward;
  writeOutput(opts.output, kernel::printKernels(entry.program), diags);
  return flushDiagnostics(diags);
}

#ifdef VOSKHOD_HAVE_LLVM
/// `dir/name.h` → `name.h`, for the header's title line.
std::string baseName(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// Where the object is written first: beside its final name, so the rename
/// is atomic; for a device or pipe (`-o /dev/null`), which is copied into
/// rather than replaced, a fresh file in the temporary directory, since
/// /dev may not be writable.
std::string objectScratchPath(const std::string &output) {
  if (!isDeviceOrPipe(output))
    return output + ".tmp";
  std::string pattern =
      (std::filesystem::temp_directory_path() / "voskhod-object-XXXXXX")
          .string();
  int fd = mkstemp(pattern.data());
  if (fd >= 0)
    close(fd);
  return pattern;
}

/// Renames the object written to `tmp` into place (so a failed compile never
/// leaves a truncated object behind) and writes --header beside it.
int writeObjectOutputs(const CompileOptions &opts, ir::DiagnosticEngine &diags,
                       const std::string &tmp, Status written,
                       const cpu::AotInterface &api) {
  if (!written) {
    std::remove(tmp.c_str());
    return fail(diags, opts.input, written.message());
  }
  if (isDeviceOrPipe(opts.output)) {
    // Copied in: a rename would replace the device or pipe with a file.
    std::ifstream in(tmp, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
    std::remove(tmp.c_str());
    if (!writeOutput(opts.output, bytes, diags))
      return flushDiagnostics(diags);
  } else if (std::rename(tmp.c_str(), opts.output.c_str()) != 0) {
    std::remove(tmp.c_str());
    return fail(diags, opts.output, "cannot write the object file");
  }
  if (!opts.header.empty())
    writeOutput(opts.header, cpu::renderAotHeader(api, baseName(opts.header)),
                diags);
  return flushDiagnostics(diags);
}

/// `--emit=header`: the header alone, to -o or stdout.
int writeHeaderOnly(const CompileOptions &opts, ir::DiagnosticEngine &diags,
                    const cpu::AotInterface &api) {
  std::string file = opts.output.empty() || opts.output == "-"
                         ? api.prefix + ".h"
                         : baseName(opts.output);
  writeOutput(opts.output, cpu::renderAotHeader(api, file), diags);
  return flushDiagnostics(diags);
}

int compileForCpuTarget(const kernel::ModelProgram &program,
                        const CompileOptions &opts,
                        ir::DiagnosticEngine &diags) {
  if (opts.emit == "kernels")
    return emitKernels(program, opts, diags);
  if (opts.emit == "llvm" || opts.emit == "asm") {
    auto text = cpu::emitCpuText(program, opts.emit == "llvm"
                                              ? cpu::CpuEmitKind::LLVM
                                              : cpu::CpuEmitKind::Assembly);
    if (!text)
      return fail(diags, opts.input, text.message());
    writeOutput(opts.output, *text, diags);
    return flushDiagnostics(diags);
  }
  cpu::AotOptions aot;
  aot.name = opts.name;
  aot.cpu = opts.cpu;
  if (opts.emit == "header") {
    auto api = cpu::describeAot(program, aot);
    if (!api)
      return fail(diags, opts.input, api.message());
    return writeHeaderOnly(opts, diags, *api);
  }
  // obj: written beside its final name and renamed, so a failed compile
  // never leaves a truncated object behind.
  if (opts.output.empty() || opts.output == "-")
    return fail(diags, opts.input, "--emit=obj needs an output file (-o)");
  cpu::AotInterface api;
  std::string tmp = objectScratchPath(opts.output);
  Status written = cpu::emitAotObject(program, tmp, aot, &api);
  return writeObjectOutputs(opts, diags, tmp, written, api);
}

/// `--target=cuda --emit=obj|header`: the cubin embedded in an object whose
/// host code opens the CUDA driver at run time.
int compileCudaObject(const kernel::ModelProgram &program,
                      const CompileOptions &opts, ir::DiagnosticEngine &diags) {
  cpu::AotOptions aot;
  aot.name = opts.name;
  aot.gpuArch = opts.gpuArch;
  if (opts.emit == "header") {
    auto api = cpu::describeAot(program, aot);
    if (!api)
      return fail(diags, opts.input, api.message());
    return writeHeaderOnly(opts, diags, *api);
  }
  if (opts.output.empty() || opts.output == "-")
    return fail(diags, opts.input, "--emit=obj needs an output file (-o)");
  cuda::CudaOptions options;
  options.arch = opts.gpuArch;
  auto image = cuda::compileCudaImage(program, options);
  if (!image)
    return fail(diags, opts.input, image.message());
  cpu::AotInterface api;
  std::string tmp = objectScratchPath(opts.output);
  Status written = cpu::emitAotCudaObject(program, *image, tmp, aot, &api);
  return writeObjectOutputs(opts, diags, tmp, written, api);
}
#endif

int compileForCudaTarget(const kernel::ModelProgram &program,
                         const CompileOptions &opts,
                         ir::DiagnosticEngine &diags) {
  if (opts.emit == "kernels")
    return emitKernels(program, opts, diags);
  if (opts.emit == "obj" || opts.emit == "header") {
#ifdef VOSKHOD_HAVE_LLVM
    return compileCudaObject(program, opts, diags);
#else
    return fail(diags, opts.input,
                "--target=cuda --emit=" + opts.emit +
                    " needs the LLVM backend, which this build leaves out; "
                    "it emits cuda, ptx, cubin or kernels");
#endif
  }
  auto kind = cuda::parseCudaEmitKind(opts.emit);
  if (!kind)
    return fail(diags, opts.input, kind.message());
  cuda::CudaOptions options;
  options.arch = opts.gpuArch;
  auto text = cuda::emitCudaText(program, *kind, options);
  if (!text)
    return fail(diags, opts.input, text.message());
  writeOutput(opts.output, *text, diags);
  return flushDiagnostics(diags);
}

int runCompile(const CompileOptions &opts) {
  ir::DiagnosticEngine diags;
  if (!opts.header.empty() && opts.emit != "obj")
    return fail(diags, opts.input,
                "--header goes with --emit=obj; use --emit=header -o FILE "
                "to write only the header");
  Model model;
  model.forward = loadGraph(opts.input, diags);
  if (!model.forward)
    return flushDiagnostics(diags);
  if (model.forward->minimize() && !opts.inference) {
    model.step = training::buildTrainStep(*model.forward, diags);
    if (!model.step)
      return flushDiagnostics(diags);
    if (!passes::runSimplifyPipeline(*model.step, diags))
      return flushDiagnostics(diags);
  }
  if (model.forward->results().empty() && !model.step)
    return fail(diags, opts.input,
                opts.inference
                    ? "nothing to compile: the graph has no 'return'"
                    : "nothing to compile: the graph has neither 'minimize' "
                      "nor 'return'");
  if (!model.forward->results().empty())
    model.forward = inferenceGraph(*model.forward);
  // Lowered once: the memory check and the backend see the same program.
  // When the graphs' cheap bound settles the check, --emit=kernels lowers
  // only the program it prints.
  bool boundFits = memoryBoundFits({model.step.get(), model.forward.get()},
                                   opts.maxMemory, /*runsHere=*/false);
  const ir::Graph *forward = model.forward.get();
  if (boundFits && opts.emit == "kernels" && model.step)
    forward = nullptr;
  auto program = kernel::lowerModel(model.step.get(), forward);
  if (!program)
    return fail(diags, opts.input, program.message());
  if (!boundFits)
    if (Status s = checkModelMemory(*program, opts.maxMemory,
                                    /*runsHere=*/false);
        !s)
      return fail(diags, opts.input, s.message());
  if (opts.target == "cuda")
    return compileForCudaTarget(*program, opts, diags);
#ifdef VOSKHOD_HAVE_LLVM
  return compileForCpuTarget(*program, opts, diags);
#else
  if (opts.emit == "kernels")
    return emitKernels(*program, opts, diags);
  return fail(diags, opts.input,
              "target '" + opts.target +
                  "' is not available in this build (built without LLVM)");
#endif
}

} // namespace

void registerCompileCommand(CLI::App &app) {
  auto opts = std::make_shared<CompileOptions>();
  CLI::App *cmd = app.add_subcommand(
      "compile", "Compile a graph ahead of time: an object file and a C "
                 "header, or the kernels, LLVM IR or assembly as text");
  cmd->add_option("file", opts->input, "Input .vg file ('-' for stdin)")
      ->required();
  cmd->add_option("--target", opts->target, "cpu (default) or cuda")
      ->check(CLI::IsMember({"cpu", "cuda"}));
  cmd->add_option("--emit", opts->emit,
                  "obj (default), header, kernels, llvm or asm; for "
                  "--target=cuda: obj, header, kernels, cuda, ptx or cubin")
      ->check(CLI::IsMember(
          {"obj", "header", "kernels", "llvm", "asm", "cuda", "ptx", "cubin"}));
  cmd->add_option("-o,--output", opts->output,
                  "Output file ('-' or none: stdout for text)");
  cmd->add_option("--header", opts->header,
                  "Also write the C header of the object to this file");
  cmd->add_option("--name", opts->name,
                  "Prefix of the C API's symbols (default: the graph's name)");
  cmd->add_option("--cpu", opts->cpu,
                  "CPU the object is for (--target=cpu): native (default), "
                  "x86-64-v3, x86-64-v4 or generic")
      ->check(CLI::IsMember({"native", "x86-64-v3", "x86-64-v4", "generic"}));
  cmd->add_option("--gpu-arch", opts->gpuArch,
                  "GPU architecture for --target=cuda (default sm_90)");
  addMaxMemoryOption(*cmd, opts->maxMemory);
  cmd->add_flag("--inference", opts->inference,
                "Compile only the forward pass, without the training step");
  cmd->callback([opts] { exitStatus = runCompile(*opts); });
}

} // namespace voskhod::driver
