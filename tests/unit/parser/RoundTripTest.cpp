//===- tests/unit/parser/RoundTripTest.cpp - print/parse for every op -----===//
///
/// For every non-leaf op of Ops.def, searches operand types and attribute
/// values (by attribute kind, never by op name) for instances the builder
/// accepts, including ones with each optional attribute set to something
/// other than its default, and checks that printing and parsing gives back
/// the same graph and the same text. An op added to Ops.def is covered
/// without touching this file, and one no candidate fits fails the test.
///
//===----------------------------------------------------------------------===//
#include "compiler/ir/Builder.h"
#include "compiler/text/Parser.h"
#include "compiler/text/Printer.h"
#include "tests/unit/parser/GraphMatchers.h"

#include <gtest/gtest.h>

#include <random>

namespace voskhod::ir {
namespace {

struct Instance {
  OpKind op;
  std::vector<TensorType> operands;
  Attrs attrs;
};

const std::vector<TensorType> &operandCandidates() {
  static const std::vector<TensorType> types = {
      {DType::F32, {2, 3}},
      {DType::F32, {3, 2}},
      {DType::F32, {3}},
      {DType::I32, {2}},
      {DType::I1, {2, 3}},
      {DType::F32, {}},
      {DType::I32, {2, 3}},
      {DType::F64, {2, 3}},
      // An image and a convolution weight for it.
      {DType::F32, {1, 2, 5, 4}},
      {DType::F32, {2, 2, 2, 2}},
  };
  return types;
}

std::vector<AttrValue> valueCandidates(AttrKind kind, std::mt19937 &rng) {
  std::uniform_real_distribution<double> positive(0.05, 2.0);
  switch (kind) {
  case AttrKind::Int:
    return {int64_t(3), int64_t(0), int64_t(1)};
  case AttrKind::Float:
    return {positive(rng), positive(rng)};
  case AttrKind::Bool:
    return {true, false};
  case AttrKind::IntList:
    return {std::vector<int64_t>{3, 2}, std::vector<int64_t>{1, 0},
            std::vector<int64_t>{0},    std::vector<int64_t>{6},
            std::vector<int64_t>{2, 3}, std::vector<int64_t>{4, 2, 3}};
  case AttrKind::DType:
    return {DType::F64, DType::I32, DType::F32};
  case AttrKind::String:
    return {std::string("none"), std::string("tanh"), std::string("other")};
  }
  return {};
}

bool builds(const Instance &inst) {
  Graph scratch;
  std::vector<Node *> operands;
  for (const TensorType &t : inst.operands)
    operands.push_back(*buildInput(scratch, t, {}, ""));
  return bool(buildNode(scratch, inst.op, operands, inst.attrs));
}

/// Every combination of operand types with the required attributes, in
/// candidate order; the first the builder accepts.
std::optional<Instance> firstValid(OpKind op, std::mt19937 &rng) {
  const OpInfo &info = opInfo(op);
  std::vector<const AttrSpec *> required;
  for (const AttrSpec &spec : attrSpecs(op))
    if (spec.required)
      required.push_back(&spec);
  const auto &types = operandCandidates();
  size_t typeCombos = 1;
  for (int i = 0; i < minOperands(info); ++i)
    typeCombos *= types.size();
  for (size_t t = 0; t < typeCombos; ++t) {
    Instance inst{op, {}, {}};
    for (size_t i = 0, rest = t; i < size_t(minOperands(info));
         ++i, rest /= types.size())
      inst.operands.push_back(types[rest % types.size()]);
    std::vector<std::vector<AttrValue>> choices;
    size_t attrCombos = 1;
    for (const AttrSpec *spec : required) {
      choices.push_back(valueCandidates(spec->kind, rng));
      attrCombos *= choices.back().size();
    }
    for (size_t a = 0; a < attrCombos; ++a) {
      inst.attrs = Attrs();
      for (size_t i = 0, rest = a; i < required.size();
           rest /= choices[i].size(), ++i)
        inst.attrs.set(required[i]->name, choices[i][rest % choices[i].size()]);
      if (builds(inst))
        return inst;
    }
  }
  return std::nullopt;
}

/// The first valid instance, plus one per optional attribute value that the
/// builder accepts on the same operands.
std::vector<Instance> instancesOf(OpKind op, std::mt19937 &rng) {
  std::optional<Instance> base = firstValid(op, rng);
  if (!base)
    return {};
  std::vector<Instance> out = {*base};
  for (const AttrSpec &spec : attrSpecs(op)) {
    if (spec.required)
      continue;
    for (const AttrValue &v : valueCandidates(spec.kind, rng)) {
      Instance inst = *base;
      inst.attrs.set(spec.name, v);
      if (builds(inst))
        out.push_back(inst);
    }
  }
  return out;
}

void checkRoundTrip(const Instance &inst, bool nameResult) {
  Graph g("op_" + std::string(opName(inst.op)));
  std::vector<Node *> operands;
  for (size_t i = 0; i < inst.operands.size(); ++i)
    operands.push_back(
        *buildInput(g, inst.operands[i], {}, "in" + std::to_string(i)));
  Node *r =
      *buildNode(g, inst.op, operands, inst.attrs, {}, nameResult ? "r" : "");
  g.results() = {r};

  std::string text = printGraph(g);
  DiagnosticEngine diags;
  auto back = parseGraph(text, "rt.vg", diags);
  ASSERT_TRUE(back) << text;
  EXPECT_EQ(test::graphDifference(g, *back, /*ignoreUnnamed=*/true), "")
      << text;
  EXPECT_EQ(printGraph(*back), text);
}

TEST(RoundTrip, EveryOpWithEveryAttributeKind) {
  std::mt19937 rng(11);
  int ops = 0, instances = 0;
  for (int k = 0; k < kNumOps; ++k) {
    OpKind op = OpKind(k);
    if (hasTrait(op, OpTrait::Leaf))
      continue;
    ++ops;
    std::vector<Instance> all = instancesOf(op, rng);
    EXPECT_FALSE(all.empty())
        << "no candidate operands fit '" << opName(op) << "'";
    for (const Instance &inst : all) {
      SCOPED_TRACE(std::string(opName(inst.op)));
      checkRoundTrip(inst, instances % 2 == 0);
      ++instances;
    }
  }
  EXPECT_GT(instances, ops); // optional attributes were exercised too
}

TEST(RoundTrip, OptionalAttributesPrintOnlyWhenNotDefault) {
  std::mt19937 rng(12);
  for (int k = 0; k < kNumOps; ++k) {
    OpKind op = OpKind(k);
    if (hasTrait(op, OpTrait::Leaf))
      continue;
    std::optional<Instance> base = firstValid(op, rng);
    ASSERT_TRUE(base) << opName(op);
    Graph g;
    std::vector<Node *> operands;
    for (const TensorType &t : base->operands)
      operands.push_back(*buildInput(g, t, {}, ""));
    Node *r = *buildNode(g, op, operands, base->attrs, {}, "r");
    g.results() = {r};
    std::string line = printGraph(g);
    line = line.substr(line.find("%r = "));
    line = line.substr(0, line.find('\n'));
    // Only the required attributes were given; nothing else may print.
    for (const AttrSpec &spec : attrSpecs(op)) {
      std::string assignment = std::string(spec.name) + " = ";
      bool shown = line.find("{" + assignment) != std::string::npos ||
                   line.find(", " + assignment) != std::string::npos;
      EXPECT_EQ(shown, spec.required) << line;
    }
  }
}

} // namespace
} // namespace voskhod::ir
