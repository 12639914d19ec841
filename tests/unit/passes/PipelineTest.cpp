//===- tests/unit/passes/PipelineTest.cpp - pass manager and pipeline -----===//
#include "PassCase.h"

#include "compiler/autodiff/Autodiff.h"
#include "compiler/passes/CommonSubexpressionElimination.h"
#include "compiler/passes/PassManager.h"
#include "compiler/passes/Pipeline.h"
#include "compiler/passes/Rewrite.h"
#include "compiler/text/Parser.h"
#include "compiler/text/Printer.h"
#include "compiler/training/Initialize.h"

#include <fstream>
#include <sstream>

using namespace voskhod;
using namespace voskhod::ir;
using namespace voskhod::passes;
using namespace voskhod::passes::testing;

namespace {

std::unique_ptr<Graph> parseFile(const std::string &relative,
                                 DiagnosticEngine &diags) {
  std::string path = std::string(VOSKHOD_SOURCE_DIR) + "/" + relative;
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return parseGraph(text.str(), path, diags);
}

/// The classifier of examples/classifier.vg with its parameter gradients.
std::unique_ptr<Graph> classifierBackward() {
  DiagnosticEngine diags;
  auto g = parseFile("examples/classifier.vg", diags);
  EXPECT_TRUE(g) << "examples/classifier.vg does not parse";
  if (!g)
    return nullptr;
  EXPECT_TRUE(autodiff::addParamGradients(*g, diags));
  return g;
}

size_t count(const Graph &g, OpKind op) {
  size_t n = 0;
  for (Node *node : g)
    n += node->is(op);
  return n;
}

TEST(Pipeline, ClassifierBackwardReadsLikeHandWritten) {
  auto g = classifierBackward();
  ASSERT_TRUE(g);
  auto before = g->clone();
  DiagnosticEngine diags;
  ASSERT_TRUE(runSimplifyPipeline(*g, diags));

  for (Node *n : *g) {
    if (n->is(OpKind::Mul) || n->is(OpKind::Div)) {
      EXPECT_FALSE(isSplat(n->operand(1), 1)) << printGraph(*g);
      EXPECT_FALSE(isSplat(n->operand(0), 1) && n->is(OpKind::Mul));
    }
    if (n->is(OpKind::Add) || n->is(OpKind::Sub)) {
      EXPECT_FALSE(isSplat(n->operand(0), 0) || isSplat(n->operand(1), 0))
          << printGraph(*g);
    }
  }
  // Forward: 3 matmuls; backward: one per weight and one per hidden layer.
  EXPECT_EQ(count(*g, OpKind::Matmul), 8u);
  EXPECT_EQ(count(*g, OpKind::Softmax), 1u);
  EXPECT_EQ(count(*g, OpKind::OneHot), 1u);
  EXPECT_EQ(count(*g, OpKind::Select), 2u);
  EXPECT_EQ(count(*g, OpKind::ReduceSum), 3u) << "one per bias";
  EXPECT_EQ(count(*g, OpKind::Transpose), 0u);

  size_t size = g->size();
  g->sortAndPrune();
  EXPECT_EQ(g->size(), size) << "dead nodes left";
  CommonSubexpressionElimination cse;
  EXPECT_FALSE(cse.run(*g)) << "duplicates left";

  // Same values as before simplification, on random inputs.
  LeafValues values = training::initialLeafValues(*g, 7);
  LeafValues copied;
  for (Node *leaf : before->inputs())
    copied[leaf] = values.at(g->findByName(leaf->name()));
  for (Node *leaf : before->params())
    copied[leaf] = values.at(g->findByName(leaf->name()));
  auto a = evaluate(*before, copied);
  auto b = evaluate(*g, values);
  ASSERT_TRUE(a) << a.message();
  ASSERT_TRUE(b) << b.message();
  ASSERT_EQ(before->results().size(), g->results().size());
  for (size_t r = 0; r < g->results().size(); ++r) {
    const auto &x = a->value(before->results()[r]).data;
    const auto &y = b->value(g->results()[r]).data;
    ASSERT_EQ(x.size(), y.size());
    for (size_t i = 0; i < x.size(); ++i)
      EXPECT_NEAR(x[i], y[i], 1e-6 * std::max(1.0, std::abs(x[i])))
          << g->results()[r]->name();
  }
}

TEST(Pipeline, SecondRunChangesNothing) {
  auto g = classifierBackward();
  ASSERT_TRUE(g);
  DiagnosticEngine diags;
  ASSERT_TRUE(runSimplifyPipeline(*g, diags));
  std::string once = printGraph(*g);
  ASSERT_TRUE(runSimplifyPipeline(*g, diags));
  EXPECT_EQ(printGraph(*g), once);
}

TEST(Pipeline, PrintsAfterTheNamedPass) {
  PassCase c;
  Node *x = c.input({2});
  c.returns({c.op(OpKind::Mul, {x, c.scalar(1)})});
  std::ostringstream out;
  PipelineOptions options;
  options.printAfter = "cse";
  options.printStream = &out;
  DiagnosticEngine diags;
  ASSERT_TRUE(runSimplifyPipeline(c.graph(), diags, options));
  std::string text = out.str();
  EXPECT_NE(text.find("// ----- after cse (round 1) -----\ngraph @"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("after dce"), std::string::npos);

  std::ostringstream all;
  options.printAfter = "all";
  options.printStream = &all;
  ASSERT_TRUE(runSimplifyPipeline(c.graph(), diags, options));
  for (const std::string &name : simplifyPassNames())
    EXPECT_NE(all.str().find("after " + name + " (round 1)"),
              std::string::npos);
}

TEST(Pipeline, UnknownPrintAfterPassIsAnError) {
  PassCase c;
  c.returns({c.input({2})});
  PipelineOptions options;
  options.printAfter = "fold";
  DiagnosticEngine diags;
  EXPECT_FALSE(runSimplifyPipeline(c.graph(), diags, options));
  ASSERT_EQ(diags.errorCount(), 1u);
  EXPECT_NE(diags.diagnostics()[0].message.find("unknown pass 'fold'"),
            std::string::npos);
}

/// Changes a node's recorded type without telling anyone.
class BreakTypes : public Pass {
public:
  std::string_view name() const override { return "break-types"; }
  bool run(Graph &g) override {
    for (Node *n : g)
      if (n->is(OpKind::Exp)) {
        n->mutableAttrs().set("alpha", 1.0);
        return true;
      }
    return false;
  }
};

/// Claims a change every time.
class AlwaysChanged : public Pass {
public:
  std::string_view name() const override { return "always"; }
  bool run(Graph &) override { return true; }
};

TEST(PassManager, VerifierStopsABrokenPass) {
  PassCase c;
  c.returns({c.op(OpKind::Exp, {c.input({2})})});
  PassManager pm;
  pm.add(std::make_unique<BreakTypes>());
  DiagnosticEngine diags;
  EXPECT_FALSE(pm.run(c.graph(), diags));
  bool named = false;
  for (const Diagnostic &d : diags.diagnostics())
    named |= d.message.find("pass 'break-types'") != std::string::npos;
  EXPECT_TRUE(named);

  PassCase quiet;
  quiet.returns({quiet.op(OpKind::Exp, {quiet.input({2})})});
  PassManagerOptions off;
  off.verifyEach = false;
  PassManager unchecked(off);
  unchecked.add(std::make_unique<BreakTypes>());
  EXPECT_TRUE(unchecked.run(quiet.graph(), diags));
}

TEST(PassManager, StopsAtTheRoundCap) {
  PassCase c;
  c.returns({c.input({2})});
  PassManagerOptions options;
  options.maxRounds = 3;
  PassManager pm(options);
  pm.add(std::make_unique<AlwaysChanged>());
  DiagnosticEngine diags;
  EXPECT_TRUE(pm.run(c.graph(), diags));
  EXPECT_EQ(pm.rounds(), 3);
}

TEST(PassManager, StopsWhenARoundChangesNothing) {
  auto g = classifierBackward();
  ASSERT_TRUE(g);
  PassManagerOptions options;
  PassManager pm(options);
  pm.add(std::make_unique<CommonSubexpressionElimination>());
  DiagnosticEngine diags;
  ASSERT_TRUE(pm.run(*g, diags));
  EXPECT_EQ(pm.rounds(), 2) << "one round merges, the next confirms";
}

} // namespace
