//===- compiler/driver/Pipeline.h - graph transformations on request ------===//
///
/// The command-line flags that transform a parsed graph before a command
/// prints, evaluates or compiles it, applied in one fixed order:
/// --autodiff, --train-step, --simplify.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Diagnostics.h"
#include "compiler/ir/Graph.h"

#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace voskhod::driver {

struct PipelineFlags {
  bool autodiff = false;
  bool trainStep = false;
  bool simplify = false;
  std::string printAfter;
};

void addPipelineFlags(CLI::App &cmd, PipelineFlags &flags);

/// Applies the flags; null after reporting errors.
std::unique_ptr<ir::Graph> runPipeline(std::unique_ptr<ir::Graph> g,
                                       const PipelineFlags &flags,
                                       ir::DiagnosticEngine &diags);

} // namespace voskhod::driver
