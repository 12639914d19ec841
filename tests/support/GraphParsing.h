//===- tests/support/GraphParsing.h - graphs from text in tests -----------===//
///
/// `.vg` text to a graph, and a forward graph to its training step, with any
/// diagnostics reported as a test failure (and null returned).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/text/Parser.h"
#include "compiler/training/TrainStep.h"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>

namespace voskhod::test {

inline std::unique_ptr<ir::Graph> parse(const std::string &text) {
  ir::DiagnosticEngine diags;
  auto g = ir::parseGraph(text, "test.vg", diags);
  if (!g) {
    std::ostringstream os;
    diags.print(os);
    ADD_FAILURE() << os.str();
  }
  return g;
}

inline std::unique_ptr<ir::Graph> trainStep(const ir::Graph &forward) {
  ir::DiagnosticEngine diags;
  auto g = training::buildTrainStep(forward, diags);
  if (!g) {
    std::ostringstream os;
    diags.print(os);
    ADD_FAILURE() << os.str();
  }
  return g;
}

} // namespace voskhod::test
