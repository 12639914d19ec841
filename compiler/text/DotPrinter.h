//===- compiler/text/DotPrinter.h - a Graphviz picture of a graph ---------===//
///
/// Writes the graph in Graphviz `dot` syntax: one box per node labelled with
/// its name, op and type; leaves coloured by kind (inputs, params, states,
/// constants); results and the loss outlined. Edges run operand → user.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"

#include <string>

namespace voskhod::ir {

std::string printDot(const Graph &g);

} // namespace voskhod::ir
