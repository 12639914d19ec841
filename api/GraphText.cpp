//===- api/GraphText.cpp - graphs to and from `.vg` text ------------------===//
#include <voskhod/Compile.h>

#include "compiler/text/Parser.h"
#include "compiler/text/Printer.h"

#include <sstream>

namespace voskhod {

Expected<std::string> toText(const Graph &graph) {
  VOSKHOD_ASSIGN_OR_RETURN(std::unique_ptr<ir::Graph> built, graph.build());
  return toText(*built);
}

std::string toText(const ir::Graph &graph) { return ir::printGraph(graph); }

Expected<std::unique_ptr<ir::Graph>> parseGraph(const std::string &text,
                                                const std::string &source) {
  ir::DiagnosticEngine diags;
  diags.addSource(source, text);
  std::unique_ptr<ir::Graph> graph = ir::parseGraph(text, source, diags);
  if (graph && !diags.hasErrors())
    return graph;
  std::ostringstream os;
  diags.print(os);
  std::string message = os.str();
  while (!message.empty() && message.back() == '\n')
    message.pop_back();
  return makeError(message.empty() ? source + ": cannot parse the graph"
                                   : message);
}

} // namespace voskhod
