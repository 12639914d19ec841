//===- compiler/passes/DeadCodeElimination.cpp - drop unused nodes --------===//
#include "compiler/passes/DeadCodeElimination.h"

namespace voskhod::passes {

bool DeadCodeElimination::run(ir::Graph &g) {
  size_t before = g.size();
  g.sortAndPrune();
  return g.size() != before;
}

} // namespace voskhod::passes
