//===- tests/unit/cpu/NonFiniteTest.cpp - NaN and infinities --------------===//
///
/// gelu (both forms), erf, reduce_min and dropout's training form on random
/// inputs with NaN, +inf and -inf mixed in, compiled for the CPU and compared
/// with the interpreter. Where the interpreter gives NaN the compiled code must
/// too, where it gives an infinity the same infinity; finite results must agree
/// to the usual tolerance. reduce_min propagates NaN as PyTorch's amin does.
///
//===----------------------------------------------------------------------===//
#include "CpuTestUtil.h"

#include <cmath>

namespace voskhod::cpu::test {
namespace {

struct NonFiniteCase {
  const char *name;
  std::string body; // `%x` is an f32[37, 19] input holding NaN and infinities
  double tolerance;
};

/// Every 97th element from 3 on is NaN, from 50 on +inf, every 61st from 17
/// on -inf: some rows and columns hold one kind, some several, some none.
void poison(std::vector<double> &x) {
  for (size_t f = 0; f < x.size(); ++f) {
    if (f % 97 == 3)
      x[f] = NAN;
    else if (f % 97 == 50)
      x[f] = INFINITY;
    else if (f % 61 == 17)
      x[f] = -INFINITY;
  }
}

class NonFinite : public ::testing::TestWithParam<NonFiniteCase> {};

TEST_P(NonFinite, MatchesInterpreter) {
  const NonFiniteCase &c = GetParam();
  std::string text = "graph @" + std::string(c.name) +
                     " {\n  %x = input f32[37, 19]\n" + c.body + "\n}\n";
  auto g = parse(text);
  ASSERT_TRUE(g);
  auto exe = compileGraphs(nullptr, g.get());
  ASSERT_TRUE(exe) << exe.message();
  ir::LeafValues leaves = training::initialLeafValues(*g, 5);
  for (auto &[node, value] : leaves) {
    poison(value.data);
    put(**exe, node->name(), value);
  }
  Status ran = (*exe)->forward();
  ASSERT_TRUE(ran) << ran.message();
  auto eval = ir::evaluate(*g, leaves);
  ASSERT_TRUE(eval) << eval.message();
  const ir::Node *r = g->results()[0];
  std::vector<double> got = get(**exe, resultName(r, 0));
  const std::vector<double> &want = eval->value(r).data;
  ASSERT_EQ(got.size(), want.size());
  std::vector<double> finiteGot, finiteWant;
  int nonFinite = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << c.name << " at " << i;
      ++nonFinite;
    } else if (std::isinf(want[i])) {
      EXPECT_EQ(got[i], want[i]) << c.name << " at " << i;
      ++nonFinite;
    } else {
      finiteGot.push_back(got[i]);
      finiteWant.push_back(want[i]);
    }
  }
  EXPECT_GT(nonFinite, 0) << "the case never meets a special value";
  EXPECT_FALSE(finiteWant.empty()) << "the case has no finite result";
  EXPECT_LE(maxError(finiteGot, finiteWant), c.tolerance) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    NewOps, NonFinite,
    ::testing::Values(
        NonFiniteCase{"erf", "  %r = erf %x\n  return %r", 1e-5},
        NonFiniteCase{"gelu", "  %r = gelu (mul %x, 3)\n  return %r", 1e-5},
        NonFiniteCase{"gelu_tanh",
                      "  %r = gelu (mul %x, 3) {approximate = \"tanh\"}\n"
                      "  return %r",
                      1e-5},
        NonFiniteCase{"silu", "  %r = silu (mul %x, 3)\n  return %r", 1e-5},
        NonFiniteCase{"prod_rows",
                      "  %r = reduce_prod (add (mul %x, 0.25), 1) {axes = "
                      "[1]}\n  return %r",
                      1e-5},
        // The training form of dropout on an explicit step and seed: kept
        // specials are scaled, dropped ones are times zero (NaN, as in
        // PyTorch); both keep exactly the interpreter's elements.
        NonFiniteCase{"dropout_train",
                      "  %s = state f32[] init = constant(6)\n"
                      "  %k = state i32[] init = constant(90210)\n"
                      "  %r = dropout_train %x, (broadcast %s {shape = [37, "
                      "19]}), (broadcast %k {shape = [37, 19]}) {p = 0.3, key "
                      "= 11}\n  return %r",
                      1e-6},
        // Read transposed by a fused consumer: the draw is keyed by the
        // element's index in dropout_train's own shape.
        NonFiniteCase{"dropout_train_transposed",
                      "  %s = state f32[] init = constant(2)\n"
                      "  %k = state i32[] init = constant(7)\n"
                      "  %d = dropout_train %x, (broadcast %s {shape = [37, "
                      "19]}), (broadcast %k {shape = [37, 19]}) {p = 0.6, key "
                      "= 4000000000}\n"
                      "  %r = add (transpose %d), 1\n  return %r",
                      1e-6},
        NonFiniteCase{"min_cols",
                      "  %r = reduce_min %x {axes = [0]}\n  return %r", 1e-6},
        NonFiniteCase{"min_rows",
                      "  %r = reduce_min %x {axes = [1]}\n  return %r", 1e-6},
        NonFiniteCase{"min_rows_fused",
                      "  %r = reduce_min (mul %x, -2) {axes = [1], keepdims = "
                      "true}\n  return %r",
                      1e-6}),
    [](const auto &info) { return std::string(info.param.name); });

} // namespace
} // namespace voskhod::cpu::test
