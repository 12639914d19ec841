//===- compiler/text/Printer.h - canonical `.vg` text for a graph ---------===//
///
/// Prints a graph in the `.vg` format. The output is canonical: parsing it and
/// printing again gives the same text. Unnamed nodes get numeric names that
/// avoid the user's; attributes equal to their defaults are left out.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"

#include <ostream>
#include <string>

namespace voskhod::ir {

void printGraph(const Graph &g, std::ostream &os);
std::string printGraph(const Graph &g);

} // namespace voskhod::ir
