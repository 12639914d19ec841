//===- compiler/driver/Pipeline.cpp - graph transformations on request ----===//
#include "compiler/driver/Pipeline.h"

#include <CLI/CLI.hpp>

namespace voskhod::driver {

void addPipelineFlags(CLI::App &cmd, PipelineFlags &flags) {
  cmd.add_flag("--autodiff", flags.autodiff,
               "Append the gradient of the loss w.r.t. every param");
  cmd.add_flag("--train-step", flags.trainStep,
               "Build the whole training step (gradients and update rule)");
  cmd.add_flag("--simplify", flags.simplify,
               "Run the simplification pipeline");
  cmd.add_option("--print-after", flags.printAfter,
                 "Print the graph after the named pass (or 'all')");
}

std::unique_ptr<ir::Graph> runPipeline(std::unique_ptr<ir::Graph> g,
                                       const PipelineFlags &flags,
                                       ir::DiagnosticEngine &diags) {
  return g;
}

} // namespace voskhod::driver
