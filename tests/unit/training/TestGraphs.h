//===- tests/unit/training/TestGraphs.h - graphs for the training tests ---===//
///
/// Parsing `.vg` text and files into graphs for the training tests, failing
/// the test with the diagnostics when the text is wrong.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Diagnostics.h"
#include "compiler/ir/Graph.h"
#include "compiler/text/Parser.h"
#include "compiler/training/TrainStep.h"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

namespace voskhod::training::testing {

inline std::string readFile(const std::string &path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::unique_ptr<ir::Graph> parse(const std::string &text,
                                        const std::string &file = "test.vg") {
  ir::DiagnosticEngine diags;
  diags.addSource(file, text);
  auto g = ir::parseGraph(text, file, diags);
  std::ostringstream os;
  diags.print(os);
  EXPECT_TRUE(g) << os.str();
  return g;
}

/// The training step of `forward`, failing the test on diagnostics.
inline std::unique_ptr<ir::Graph> trainStep(const ir::Graph &forward) {
  ir::DiagnosticEngine diags;
  auto step = buildTrainStep(forward, diags);
  std::ostringstream os;
  diags.print(os);
  EXPECT_TRUE(step) << os.str();
  return step;
}

} // namespace voskhod::training::testing
