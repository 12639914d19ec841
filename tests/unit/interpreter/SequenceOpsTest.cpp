//===- tests/unit/interpreter/SequenceOpsTest.cpp - gather, layer_norm ----===//
///
/// The interpreter's gather (rows, repeated indices, an inner axis, a
/// rank-2 index tensor, out-of-range indices as errors), layer_norm (by
/// hand, against its expansion on fresh random values over one and two
/// axes, NaN and infinities), the causal softmax (by hand and against a
/// masked softmax built from plain ops), and the shape rules' diagnostics.
///
//===----------------------------------------------------------------------===//
#include "InterpreterTesting.h"

#include "compiler/ir/CompositeExpansion.h"

#include <cmath>
#include <limits>

namespace voskhod::ir::testing {
namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();
using Ints = std::vector<int64_t>;

TEST(Gather, PicksRowsWithRepeats) {
  // Table rows [1 2] [3 4] [5 6]; indices [2 0 2] pick rows 2, 0, 2.
  HostTensor r = apply(OpKind::Gather, {{f64({3, 2}), {1, 2, 3, 4, 5, 6}},
                                        {i32({3}), {2, 0, 2}}});
  expectTensor(r, f64({3, 2}), {5, 6, 1, 2, 5, 6});
}

TEST(Gather, IndexTensorShapeReplacesTheAxis) {
  HostTensor r = apply(OpKind::Gather, {{f64({3, 2}), {1, 2, 3, 4, 5, 6}},
                                        {i32({2, 2}), {1, 1, 0, 2}}});
  expectTensor(r, f64({2, 2, 2}), {3, 4, 3, 4, 1, 2, 5, 6});
}

TEST(Gather, AlongAnInnerAxis) {
  // [2, 3] table, axis 1, indices [2, 0]: columns 2 then 0 of each row.
  HostTensor r = apply(OpKind::Gather,
                       {{f64({2, 3}), {1, 2, 3, 4, 5, 6}}, {i32({2}), {2, 0}}},
                       attrs({{"axis", int64_t(-1)}}));
  expectTensor(r, f64({2, 2}), {3, 1, 6, 4});
}

TEST(Gather, CarriesNaNAndInfinities) {
  HostTensor r = apply(OpKind::Gather, {{f64({2, 2}), {kNaN, kInf, -kInf, 1}},
                                        {i32({2}), {1, 0}}});
  expectTensor(r, f64({2, 2}), {-kInf, 1, kNaN, kInf});
}

TEST(Gather, OutOfRangeIndexIsAnErrorNamingIt) {
  for (double bad : {3.0, -1.0}) {
    OpGraph og;
    Node *t = og.input(f64({3, 2}), {1, 2, 3, 4, 5, 6});
    Node *i = og.input(i32({2}), {0, bad});
    std::string err = og.error(og.op(OpKind::Gather, {t, i}));
    EXPECT_NE(err.find("'gather' index " + std::to_string(int64_t(bad))),
              std::string::npos)
        << err;
    EXPECT_NE(err.find("[0, 3)"), std::string::npos) << err;
  }
}

TEST(Gather, ShapeRuleDiagnostics) {
  auto error = [](TensorType t, TensorType i, Attrs a = {}) {
    OpGraph og;
    Node *tn = og.input(t, std::vector<double>(size_t(t.numElements()), 0));
    Node *in = og.input(i, std::vector<double>(size_t(i.numElements()), 0));
    return errorOf(buildNode(og.g, OpKind::Gather, {tn, in}, std::move(a)));
  };
  EXPECT_NE(error(f64({3, 2}), f64({2})).find("expects i32 indices"),
            std::string::npos);
  EXPECT_NE(error(i32({3, 2}), i32({2})).find("floating-point table"),
            std::string::npos);
  EXPECT_NE(error(f64({3, 2}), i32({2}), attrs({{"axis", int64_t(2)}}))
                .find("axis 2 is out of range"),
            std::string::npos);
}

TEST(LayerNorm, ByHand) {
  // Row [1 2 3]: mean 2, biased variance 2/3.
  HostTensor r = apply(
      OpKind::LayerNorm,
      {{f64({1, 3}), {1, 2, 3}}, {f64({3}), {1, 2, 1}}, {f64({3}), {0, 0, 10}}},
      attrs({{"eps", 0.0001}}));
  double s = 1 / std::sqrt(2.0 / 3 + 0.0001);
  expectTensor(r, f64({1, 3}), {-s, 0, s + 10});
}

TEST(LayerNorm, ExpansionMatchesDirectLoops) {
  Draw draw(23);
  for (const Ints &axes : {Ints{-1}, Ints{1, 2}, Ints{}}) {
    for (bool specials : {false, true}) {
      OpGraph og;
      std::vector<double> v = draw.values(3 * 4 * 5);
      if (specials)
        v[3] = kNaN, v[27] = kInf, v[44] = -kInf;
      Node *x = og.input(f64({3, 4, 5}), v);
      Shape normalised = axes.size() == 2 ? Shape{4, 5} : Shape{5};
      int64_t n = axes.size() == 2 ? 20 : 5;
      Node *gamma = og.input(f64(normalised), draw.values(n));
      Node *beta = og.input(f64(normalised), draw.values(n));
      Attrs a = attrs({{"eps", 1e-3}});
      if (!axes.empty())
        a.set("axes", axes);
      Node *y = og.op(OpKind::LayerNorm, {x, gamma, beta}, a);
      HostTensor direct = og.value(y);
      og.g.results().push_back(y);
      Node *e = expandComposite(og.g, y);
      ASSERT_EQ(e->type(), y->type());
      expectNear(og.value(e).data, direct.data, 1e-12);
    }
  }
}

TEST(LayerNorm, ShapeRuleDiagnostics) {
  auto error = [](TensorType x, TensorType g, Attrs a = {}) {
    OpGraph og;
    auto leaf = [&](TensorType t) {
      return og.input(t, std::vector<double>(size_t(t.numElements()), 1));
    };
    Node *xn = leaf(x);
    return errorOf(buildNode(og.g, OpKind::LayerNorm, {xn, leaf(g), leaf(g)},
                             std::move(a)));
  };
  EXPECT_NE(error(f64({2, 3}), f64({2})).find("gamma must be f64[3]"),
            std::string::npos);
  EXPECT_NE(error(f64({2, 3, 4}), f64({2, 4}), attrs({{"axes", Ints{0, 2}}}))
                .find("trailing axes"),
            std::string::npos);
  EXPECT_NE(error(f64({2, 3}), f64({3}), attrs({{"eps", 0.0}}))
                .find("eps = 0 must be positive"),
            std::string::npos);
}

TEST(CausalSoftmax, ByHand) {
  // Query 0 sees key 0 alone; query 1 sees keys 0 and 1 (equal scores).
  HostTensor r = apply(OpKind::Softmax, {{f64({2, 2}), {5, 7, 3, 3}}},
                       attrs({{"causal", true}}));
  expectTensor(r, f64({2, 2}), {1, 0, 0.5, 0.5});
}

TEST(CausalSoftmax, EqualsSoftmaxOfMaskedScores) {
  Draw draw(41);
  OpGraph og;
  std::vector<double> v = draw.values(2 * 3 * 4 * 4);
  Node *x = og.input(f64({2, 3, 4, 4}), v);
  Node *causal = og.op(OpKind::Softmax, {x}, attrs({{"causal", true}}));
  // The same scores with −inf above the diagonal.
  std::vector<double> masked = v;
  for (size_t k = 0; k < masked.size(); ++k)
    if (k % 4 > (k / 4) % 4)
      masked[k] = -kInf;
  Node *xm = og.input(f64({2, 3, 4, 4}), masked);
  Node *plain = og.op(OpKind::Softmax, {xm});
  expectNear(og.value(causal).data, og.value(plain).data, 1e-15);
}

TEST(CausalSoftmax, NeedsTheLastAxis) {
  OpGraph og;
  Node *x = og.input(f64({3, 3}), std::vector<double>(9, 1));
  EXPECT_NE(errorOf(buildNode(og.g, OpKind::Softmax, {x},
                              attrs({{"axis", int64_t(0)}, {"causal", true}})))
                .find("causal"),
            std::string::npos);
  Node *v = og.input(f64({3}), std::vector<double>(3, 1));
  EXPECT_NE(
      errorOf(buildNode(og.g, OpKind::Softmax, {v}, attrs({{"causal", true}})))
          .find("causal"),
      std::string::npos);
}

} // namespace
} // namespace voskhod::ir::testing
