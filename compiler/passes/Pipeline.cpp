//===- compiler/passes/Pipeline.cpp - the simplification pipeline ---------===//
#include "compiler/passes/Pipeline.h"

#include "compiler/passes/AlgebraicSimplifier.h"
#include "compiler/passes/CommonSubexpressionElimination.h"
#include "compiler/passes/ConstantFolding.h"
#include "compiler/passes/DeadCodeElimination.h"
#include "compiler/passes/PassManager.h"

#include <algorithm>

namespace voskhod::passes {

namespace {

PassManager makeSimplifyPipeline(PassManagerOptions options) {
  PassManager pm(std::move(options));
  pm.add(std::make_unique<ConstantFolding>());
  pm.add(std::make_unique<AlgebraicSimplifier>());
  pm.add(std::make_unique<CommonSubexpressionElimination>());
  pm.add(std::make_unique<DeadCodeElimination>());
  return pm;
}

} // namespace

std::vector<std::string> simplifyPassNames() {
  return makeSimplifyPipeline({}).passNames();
}

bool runSimplifyPipeline(ir::Graph &g, ir::DiagnosticEngine &diags,
                         const PipelineOptions &opts) {
  PassManagerOptions options;
  options.verifyEach = opts.verifyEach;
  options.printAfter = opts.printAfter;
  options.printStream = opts.printStream;
  PassManager pm = makeSimplifyPipeline(std::move(options));
  std::vector<std::string> names = pm.passNames();
  if (!opts.printAfter.empty() && opts.printAfter != "all" &&
      std::find(names.begin(), names.end(), opts.printAfter) == names.end()) {
    std::string known;
    for (const std::string &n : names)
      known += (known.empty() ? "" : ", ") + n;
    diags.error({}, "unknown pass '" + opts.printAfter +
                        "' for --print-after (passes: " + known + ", all)");
    return false;
  }
  return pm.run(g, diags);
}

} // namespace voskhod::passes
