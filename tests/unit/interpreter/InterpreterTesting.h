//===- tests/unit/interpreter/InterpreterTesting.h - small graph fixtures -===//
///
/// Builds one-op graphs through the checked builder, feeds their inputs and
/// evaluates them, so each test reads as "these values in, these out". A
/// builder failure throws, which GoogleTest reports as a failure of the test
/// that asked for the node (tests only; no exception leaves a module).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/interpreter/Interpreter.h"
#include "compiler/ir/Builder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace voskhod::ir::testing {

template <typename T> T must(Expected<T> e) {
  if (!e)
    throw std::runtime_error("builder failed: " + e.message());
  return e.take();
}

/// The failure message, or empty when `e` holds a value.
template <typename T> std::string errorOf(const Expected<T> &e) {
  return e ? std::string() : e.message();
}

inline TensorType f64(Shape s) { return {DType::F64, std::move(s)}; }
inline TensorType f32(Shape s) { return {DType::F32, std::move(s)}; }
inline TensorType i32(Shape s) { return {DType::I32, std::move(s)}; }
inline TensorType i1(Shape s) { return {DType::I1, std::move(s)}; }

inline Attrs
attrs(std::initializer_list<std::pair<const char *, AttrValue>> list) {
  Attrs a;
  for (const auto &[name, value] : list)
    a.set(name, value);
  return a;
}

/// Fixed-seed draws whose sequence the C++ standard pins down (mt19937_64's
/// output is specified; the distributions are not, so they are written here).
class Draw {
public:
  explicit Draw(uint64_t seed) : engine_(seed) {}
  /// Uniform in [lo, hi).
  double uniform(double lo, double hi) {
    return lo + (hi - lo) * double(engine_() >> 11) * 0x1p-53;
  }
  /// Uniform in [lo, hi), kept at least `gap` away from zero.
  double awayFromZero(double lo, double hi, double gap = 0.05) {
    for (;;)
      if (double v = uniform(lo, hi); std::abs(v) >= gap)
        return v;
  }
  int64_t integer(int64_t lo, int64_t hi) { // inclusive
    return lo + int64_t(engine_() % uint64_t(hi - lo + 1));
  }
  std::vector<double> values(int64_t n, double lo = -3, double hi = 3) {
    std::vector<double> v(static_cast<size_t>(n));
    for (double &x : v)
      x = awayFromZero(lo, hi);
    return v;
  }

private:
  std::mt19937_64 engine_;
};

/// A graph under construction plus the values of its inputs.
struct OpGraph {
  Graph g;
  LeafValues leaves;

  Node *input(TensorType type, std::vector<double> values,
              std::string name = "") {
    if (name.empty())
      name = "in" + std::to_string(leaves.size());
    Node *n = must(buildInput(g, type, {}, std::move(name)));
    leaves[n] = HostTensor(std::move(type), std::move(values));
    return n;
  }
  Node *op(OpKind kind, std::vector<Node *> operands, Attrs a = {}) {
    return must(buildBroadcasting(g, kind, std::move(operands), std::move(a)));
  }
  /// Evaluates the graph and returns `n`'s value, or the error message.
  Expected<HostTensor> eval(const Node *n) const {
    Expected<Evaluation> e = evaluate(g, leaves);
    if (!e)
      return e.status();
    return e->value(n);
  }
  HostTensor value(const Node *n) const {
    Expected<HostTensor> v = eval(n);
    if (!v)
      throw std::runtime_error("evaluation failed: " + v.message());
    return v.take();
  }
  /// The error message evaluation fails with; empty if it succeeds.
  std::string error(const Node *n) const { return errorOf(eval(n)); }
};

/// One op on inputs of the given types and values; returns its result.
inline HostTensor
apply(OpKind kind, std::vector<std::pair<TensorType, std::vector<double>>> ins,
      Attrs a = {}) {
  OpGraph og;
  std::vector<Node *> operands;
  for (auto &[type, values] : ins)
    operands.push_back(og.input(type, values));
  return og.value(og.op(kind, operands, std::move(a)));
}

/// Unary op on an f64 vector.
inline std::vector<double> unary(OpKind kind, std::vector<double> x,
                                 Attrs a = {}) {
  int64_t n = int64_t(x.size());
  return apply(kind, {{f64({n}), std::move(x)}}, std::move(a)).data;
}

/// Compares values with a relative-and-absolute tolerance; NaN matches NaN
/// and infinities must match exactly.
inline void expectNear(const std::vector<double> &actual,
                       const std::vector<double> &expected,
                       double tol = 1e-15) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    double a = actual[i], e = expected[i];
    if (std::isnan(e)) {
      EXPECT_TRUE(std::isnan(a)) << "element " << i << " is " << a;
    } else if (std::isinf(e)) {
      EXPECT_EQ(a, e) << "element " << i;
    } else {
      EXPECT_NEAR(a, e, tol * std::max(1.0, std::abs(e))) << "element " << i;
    }
  }
}

inline void expectTensor(const HostTensor &t, const TensorType &type,
                         const std::vector<double> &expected,
                         double tol = 1e-15) {
  EXPECT_EQ(t.type, type) << t.type.str() << " vs " << type.str();
  expectNear(t.data, expected, tol);
}

} // namespace voskhod::ir::testing
