//===- tests/unit/autodiff/GradCase.h - finite-difference test graphs -----===//
///
/// A small graph under construction with random leaf values: tests create
/// params (the values to differentiate), build an expression, and `check`
/// turns it into a scalar loss — weighted by random values so the gradient
/// flowing into the expression is neither one nor zero — and compares every
/// param's symbolic gradient with central finite differences.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/autodiff/Autodiff.h"
#include "compiler/autodiff/GradCheck.h"
#include "compiler/interpreter/Interpreter.h"
#include "compiler/ir/Builder.h"
#include "compiler/ir/Verifier.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

namespace voskhod::autodiff::testing {

/// How random leaf values are drawn. `AwayFromZero` keeps |x| >= 0.2 so
/// kinks at 0 (relu, abs, sign) are never within a finite-difference step.
enum class Values { AwayFromZero, Positive, Probabilities };

class GradCase {
public:
  explicit GradCase(uint64_t seed) : rng_(seed) {}

  ir::Graph &graph() { return g_; }
  ir::LeafValues &values() { return values_; }
  std::mt19937_64 &rng() { return rng_; }

  double draw(Values kind) {
    switch (kind) {
    case Values::AwayFromZero: {
      std::uniform_real_distribution<double> mag(0.2, 2.0);
      return std::bernoulli_distribution(0.5)(rng_) ? mag(rng_) : -mag(rng_);
    }
    case Values::Positive:
      return std::uniform_real_distribution<double>(0.5, 2.0)(rng_);
    case Values::Probabilities:
      return std::uniform_real_distribution<double>(0.05, 1.0)(rng_);
    }
    return 0;
  }

  /// A dimension in [2, 4].
  int64_t dim() { return std::uniform_int_distribution<int64_t>(2, 4)(rng_); }
  ir::Shape shape(int rank) {
    ir::Shape s;
    for (int i = 0; i < rank; ++i)
      s.push_back(dim());
    return s;
  }

  ir::Node *param(ir::Shape shape, Values kind = Values::AwayFromZero,
                  ir::DType dtype = ir::DType::F64) {
    auto n = ir::buildParam(g_, {dtype, std::move(shape)}, {}, {},
                            "p" + std::to_string(counter_++));
    EXPECT_TRUE(n) << n.message();
    fill(*n, kind);
    return *n;
  }

  ir::Node *input(ir::Shape shape, Values kind = Values::AwayFromZero,
                  ir::DType dtype = ir::DType::F64) {
    auto n = ir::buildInput(g_, {dtype, std::move(shape)}, {},
                            "x" + std::to_string(counter_++));
    EXPECT_TRUE(n) << n.message();
    fill(*n, kind);
    return *n;
  }

  /// i32 class labels in [0, classes).
  ir::Node *labels(ir::Shape shape, int64_t classes) {
    auto n = ir::buildInput(g_, {ir::DType::I32, std::move(shape)}, {},
                            "y" + std::to_string(counter_++));
    EXPECT_TRUE(n) << n.message();
    ir::HostTensor t((*n)->type());
    std::uniform_int_distribution<int64_t> pick(0, classes - 1);
    for (double &v : t.data)
      v = double(pick(rng_));
    values_[*n] = std::move(t);
    return *n;
  }

  ir::Node *op(ir::OpKind kind, std::vector<ir::Node *> operands,
               ir::Attrs attrs = {}) {
    auto n =
        ir::buildBroadcasting(g_, kind, std::move(operands), std::move(attrs));
    EXPECT_TRUE(n) << n.message();
    return n ? *n : nullptr;
  }

  /// Makes `out` into the minimized loss sum(out * w) with random w (or
  /// out * w for a scalar) and returns it.
  ir::Node *makeLoss(ir::Node *out) {
    ir::Node *w = input(out->shape(), Values::AwayFromZero, out->dtype());
    ir::Node *weighted = op(ir::OpKind::Mul, {out, w});
    ir::Node *loss = out->type().isScalar()
                         ? weighted
                         : op(ir::OpKind::ReduceSum, {weighted});
    EXPECT_TRUE(ir::setMinimize(g_, loss, ir::OptimizerKind::Sgd, {}));
    g_.results().push_back(loss);
    return loss;
  }

  /// Every param's gradient against finite differences, to `tolerance`
  /// relative error. Central differences with a step of 1e-6 on losses of
  /// order 10 carry about 1e-9 of rounding noise, so gradients of order 1e-3
  /// can show relative errors near 1e-6; tighter would test the noise.
  /// With `absTolerance`, a param also passes when every element is within
  /// it absolutely: where a max pool passes no gradient to an element, the
  /// symbolic 0 meets finite-difference noise, a relative error of 1.
  void check(ir::Node *out, double tolerance = 1e-5, double absTolerance = 0) {
    ASSERT_NE(out, nullptr);
    makeLoss(out);
    ir::DiagnosticEngine diags;
    ASSERT_TRUE(ir::verify(g_, diags));
    auto errors = checkGradients(g_, values_, 1e-6);
    ASSERT_TRUE(errors) << errors.message();
    ASSERT_EQ(errors->size(), g_.params().size());
    for (const ParamGradError &e : *errors)
      EXPECT_TRUE(e.maxRelError < tolerance || e.maxAbsError < absTolerance)
          << e.param << ": relative " << e.maxRelError << ", abs "
          << e.maxAbsError;
  }

private:
  void fill(ir::Node *n, Values kind) {
    ir::HostTensor t(n->type());
    for (double &v : t.data) {
      v = draw(kind);
      if (n->dtype() == ir::DType::F32)
        v = double(float(v));
    }
    values_[n] = std::move(t);
  }

  ir::Graph g_;
  ir::LeafValues values_;
  std::mt19937_64 rng_;
  int counter_ = 0;
};

inline ir::Attrs attrs() { return {}; }
template <typename V, typename... Rest>
ir::Attrs attrs(std::string_view name, V value, Rest... rest) {
  ir::Attrs a = attrs(rest...);
  a.set(name, ir::AttrValue(value));
  return a;
}

} // namespace voskhod::autodiff::testing
