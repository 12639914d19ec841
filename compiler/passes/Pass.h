//===- compiler/passes/Pass.h - the interface every graph pass has --------===//
///
/// A pass rewrites a graph in place and says whether it changed anything;
/// pipelines (PassManager) repeat their passes until nothing changes. A pass
/// leaves the graph valid for the verifier: topologically sorted, renumbered
/// and without dead nodes (ir::Graph::sortAndPrune).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"

#include <string_view>

namespace voskhod::passes {

class Pass {
public:
  virtual ~Pass() = default;
  /// The name `--print-after` accepts, e.g. "cse".
  virtual std::string_view name() const = 0;
  /// True when the graph changed.
  virtual bool run(ir::Graph &g) = 0;
};

} // namespace voskhod::passes
