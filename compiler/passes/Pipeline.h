//===- compiler/passes/Pipeline.h - the simplification pipeline -----------===//
///
/// The passes `voskhod opt --simplify` runs, written out in one place:
/// constant folding, algebraic simplification, common-subexpression
/// elimination and dead-code elimination, repeated in that order until a
/// whole round changes nothing (or a round cap is reached). With
/// `verifyEach` the verifier runs after every pass and the first failure
/// stops the pipeline; `printAfter` names a pass (or "all") whose output is
/// printed to `printStream` each time it runs.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Diagnostics.h"
#include "compiler/ir/Graph.h"

#include <ostream>
#include <string>
#include <vector>

namespace voskhod::passes {

struct PipelineOptions {
  bool verifyEach = true;
  std::string printAfter;
  std::ostream *printStream = nullptr;
};

/// Simplifies `g` in place. False (with diagnostics) when the verifier
/// rejects a pass's output or `printAfter` names no pass of the pipeline.
bool runSimplifyPipeline(ir::Graph &g, ir::DiagnosticEngine &diags,
                         const PipelineOptions &opts = {});

/// The names of the pipeline's passes, in the order they run.
std::vector<std::string> simplifyPassNames();

} // namespace voskhod::passes
