//===- compiler/driver/Pipeline.cpp - graph transformations on request ----===//
#include "compiler/driver/Pipeline.h"

#include "compiler/autodiff/Autodiff.h"
#include "compiler/passes/Pipeline.h"
#include "compiler/training/TrainStep.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>

namespace voskhod::driver {

void addPipelineFlags(CLI::App &cmd, PipelineFlags &flags) {
  cmd.add_flag("--autodiff", flags.autodiff,
               "Append the gradient of the loss w.r.t. every param");
  cmd.add_flag("--train-step", flags.trainStep,
               "Build the whole training step (gradients and update rule)");
  cmd.add_flag("--simplify", flags.simplify, "Run the simplification pipeline");
  std::string passes = "Print the graph to stderr after the named pass, or "
                       "'all' (passes:";
  for (const std::string &p : passes::simplifyPassNames())
    passes += " " + p;
  cmd.add_option("--print-after", flags.printAfter, passes + ")");
}

std::unique_ptr<ir::Graph> runPipeline(std::unique_ptr<ir::Graph> g,
                                       const PipelineFlags &flags,
                                       ir::DiagnosticEngine &diags) {
  if (!flags.printAfter.empty() && !flags.simplify) {
    diags.error({}, "--print-after needs --simplify");
    return nullptr;
  }
  if (flags.autodiff && !autodiff::addParamGradients(*g, diags))
    return nullptr;
  if (flags.trainStep) {
    g = training::buildTrainStep(*g, diags);
    if (!g)
      return nullptr;
  }
  if (flags.simplify) {
    passes::PipelineOptions options;
    options.printAfter = flags.printAfter;
    options.printStream = &std::cerr;
    if (!flags.printAfter.empty() && flags.printAfter != "all") {
      auto names = passes::simplifyPassNames();
      if (std::find(names.begin(), names.end(), flags.printAfter) ==
          names.end()) {
        diags.error({}, "unknown pass '" + flags.printAfter +
                            "' for --print-after");
        return nullptr;
      }
    }
    if (!passes::runSimplifyPipeline(*g, diags, options))
      return nullptr;
  }
  return g;
}

} // namespace voskhod::driver
