//===- compiler/text/DotPrinter.cpp - a Graphviz picture of a graph -------===//
#include "compiler/text/DotPrinter.h"

#include <set>

namespace voskhod::ir {

static std::string escape(const std::string &s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out;
}

std::string printDot(const Graph &g) {
  std::set<const Node *> outputs(g.results().begin(), g.results().end());
  const Node *loss = g.minimize() ? g.minimize()->loss : nullptr;
  std::string s = "digraph \"" + escape(g.name()) + "\" {\n";
  s += "  rankdir=TB;\n  node [shape=box, fontname=\"monospace\"];\n";
  for (Node *n : g) {
    // Escape each part, then join them with dot's line break.
    std::string label =
        n->name().empty() ? "" : escape("%" + n->name()) + "\\n";
    label += escape(std::string(opName(n->op())) + " : " + n->type().str());
    std::string style;
    switch (n->op()) {
    case OpKind::Input:
      style = ", style=filled, fillcolor=\"#d6e9ff\"";
      break;
    case OpKind::Param:
      style = ", style=filled, fillcolor=\"#ffe0b3\"";
      break;
    case OpKind::State:
      style = ", style=filled, fillcolor=\"#eeeeee\"";
      break;
    case OpKind::Const:
      style = ", style=filled, fillcolor=\"#f4f4f4\", shape=ellipse";
      break;
    default:
      break;
    }
    if (n == loss)
      style += ", penwidth=3, color=\"#c0392b\"";
    else if (outputs.count(n))
      style += ", penwidth=3";
    s += "  n" + std::to_string(n->index()) + " [label=\"" + label + "\"" +
         style + "];\n";
  }
  for (Node *n : g)
    for (Node *o : n->operands())
      s += "  n" + std::to_string(o->index()) + " -> n" +
           std::to_string(n->index()) + ";\n";
  for (const Update &u : g.updates())
    s += "  n" + std::to_string(u.value->index()) + " -> n" +
         std::to_string(u.target->index()) +
         " [style=dashed, constraint=false, label=\"update\"];\n";
  s += "}\n";
  return s;
}

} // namespace voskhod::ir
