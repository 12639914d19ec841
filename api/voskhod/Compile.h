//===- api/voskhod/Compile.h - from a built graph to code -----------------===//
///
/// The compile half of the public API: a graph built with the C++ API
/// (`voskhod::Graph`) or read from `.vg` text becomes a `Model` to train and
/// run in this process (`compile`), or an object file and C header to link
/// into another program (`compileToObject`, what `voskhod compile` writes).
/// Both take the same path as the command line: training step
/// (autodiff and the optimiser's update), simplification, one lowering to
/// kernels, the memory check, then the backend.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <voskhod/Model.h>

#include "compiler/ir/Graph.h"
#include "frontend/Graph.h"
#include "support/Error.h"

#include <cstdint>
#include <memory>
#include <string>

namespace voskhod {

struct CompileOptions {
  Target target = Target::Cpu;
  /// Threads the compiled code runs on; 0: one per core.
  int threads = 0;
  /// Check every kernel's outputs for NaN and infinity, naming the first
  /// kernel that computes one (CPU only).
  bool checkNumerics = false;
  /// Refuse a model that needs more, e.g. "512M", "4G"; empty: only what
  /// this process can get.
  std::string maxMemory = "";
  /// Initialise parameters from `seed` right away; when false, the model
  /// needs initialize() or load() before it runs.
  bool initialize = true;
  uint64_t seed = 0;
  /// LLVM's optimisations and the packed matrix products; off compiles
  /// tiny models several times faster and runs them no slower.
  bool optimize = true;
};

/// Compiles a graph built in C++. The model copies what it needs. An error
/// in the graph is reported at the C++ line that made it, or at `site`.
Expected<Model> compile(const Graph &graph, const CompileOptions &options = {},
                        CallSite site = {});
/// The same for a graph read from `.vg` text or built elsewhere.
Expected<Model> compile(const ir::Graph &graph,
                        const CompileOptions &options = {});

struct ObjectOptions {
  Target target = Target::Cpu;
  /// The object file and its C header.
  std::string objectPath = "", headerPath = "";
  /// Prefix of every exported C symbol; empty: the graph's name.
  std::string name = "";
  /// LLVM's -mcpu for the CPU code; "native" is this machine.
  std::string cpu = "native";
  /// sm_XX for a CUDA object; empty: the device's own.
  std::string gpuArch = "";
  std::string maxMemory = "";
};

/// Writes the model ahead of time, as `voskhod compile -o OBJ --header H`.
Status compileToObject(const Graph &graph, const ObjectOptions &options,
                       CallSite site = {});
Status compileToObject(const ir::Graph &graph, const ObjectOptions &options);

/// Whether compile() can target `target` here: the CPU when voskhod was
/// built with LLVM, CUDA when a device and its driver are present.
bool targetAvailable(Target target);

/// The graph as `.vg` text, and back (`source` names the text in errors).
Expected<std::string> toText(const Graph &graph);
std::string toText(const ir::Graph &graph);
Expected<std::unique_ptr<ir::Graph>>
parseGraph(const std::string &text, const std::string &source = "<string>");

} // namespace voskhod
