//===- compiler/passes/DeadCodeElimination.h - drop unused nodes ----------===//
///
/// Removes every node that no result, loss or update needs, keeping inputs,
/// params and states (they are the graph's interface even when unused), and
/// restores topological order. A thin pass over ir::Graph::sortAndPrune, so
/// that pipelines list it explicitly and `--print-after=dce` works.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/passes/Pass.h"

namespace voskhod::passes {

class DeadCodeElimination : public Pass {
public:
  std::string_view name() const override { return "dce"; }
  bool run(ir::Graph &g) override;
};

} // namespace voskhod::passes
