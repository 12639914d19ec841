//===- tests/unit/passes/PassCase.h - graphs to rewrite and compare -------===//
///
/// A graph under construction with random input values. `snapshot` copies
/// the graph before a pass runs; `expectSameResults` then evaluates the copy
/// and the rewritten graph in the interpreter on the same inputs and
/// compares every result.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/interpreter/Interpreter.h"
#include "compiler/ir/Builder.h"
#include "compiler/ir/Verifier.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

namespace voskhod::passes::testing {

class PassCase {
public:
  explicit PassCase(uint64_t seed = 1) : rng_(seed) {}

  ir::Graph &graph() { return g_; }

  ir::Node *input(ir::Shape shape, ir::DType dtype = ir::DType::F64) {
    auto n = ir::buildInput(g_, {dtype, std::move(shape)}, {},
                            "x" + std::to_string(counter_++));
    EXPECT_TRUE(n) << n.message();
    ir::HostTensor t((*n)->type());
    std::uniform_real_distribution<double> u(0.25, 2.0);
    for (double &v : t.data) {
      if (dtype == ir::DType::I32)
        v = double(std::uniform_int_distribution<int>(0, 2)(rng_));
      else if (dtype == ir::DType::I1)
        v = double(std::bernoulli_distribution(0.5)(rng_));
      else
        v = std::bernoulli_distribution(0.5)(rng_) ? u(rng_) : -u(rng_);
    }
    values_[*n] = std::move(t);
    return *n;
  }

  ir::Node *constant(ir::Shape shape, std::vector<double> values,
                     ir::DType dtype = ir::DType::F64) {
    auto n = ir::buildConst(g_, {dtype, std::move(shape)}, std::move(values));
    EXPECT_TRUE(n) << n.message();
    return *n;
  }
  ir::Node *scalar(double v, ir::DType dtype = ir::DType::F64) {
    return ir::buildScalar(g_, v, dtype);
  }

  ir::Node *op(ir::OpKind kind, std::vector<ir::Node *> operands,
               ir::Attrs attrs = {}) {
    auto n =
        ir::buildBroadcasting(g_, kind, std::move(operands), std::move(attrs));
    EXPECT_TRUE(n) << n.message();
    return n ? *n : nullptr;
  }

  void returns(std::vector<ir::Node *> results) { g_.results() = results; }

  /// Copies the graph as it is now, for expectSameResults.
  void snapshot() {
    mapping_.clear();
    before_ = g_.clone(&mapping_);
  }

  /// The snapshot and the current graph give the same results, to
  /// `tolerance` relative error (0: bit for bit, NaN equal to NaN).
  void expectSameResults(double tolerance = 0) {
    ASSERT_TRUE(before_) << "snapshot() first";
    ir::DiagnosticEngine diags;
    ASSERT_TRUE(ir::verify(g_, diags));
    ir::LeafValues beforeValues;
    for (const auto &[leaf, value] : values_)
      beforeValues[mapping_.at(leaf)] = value;
    auto a = ir::evaluate(*before_, beforeValues);
    auto b = ir::evaluate(g_, values_);
    ASSERT_TRUE(a) << a.message();
    ASSERT_TRUE(b) << b.message();
    ASSERT_EQ(before_->results().size(), g_.results().size());
    for (size_t r = 0; r < g_.results().size(); ++r) {
      const auto &x = a->value(before_->results()[r]);
      const auto &y = b->value(g_.results()[r]);
      ASSERT_EQ(x.type, y.type);
      for (size_t i = 0; i < x.data.size(); ++i) {
        if (x.data[i] == y.data[i] ||
            (std::isnan(x.data[i]) && std::isnan(y.data[i])))
          continue;
        double scale = std::max(std::abs(x.data[i]), 1.0);
        EXPECT_LE(std::abs(x.data[i] - y.data[i]), tolerance * scale)
            << "result " << r << " element " << i;
      }
    }
  }

  /// Nodes of one op in the current graph.
  size_t count(ir::OpKind kind) const {
    size_t n = 0;
    for (ir::Node *node : g_)
      n += node->is(kind);
    return n;
  }

private:
  ir::Graph g_;
  ir::LeafValues values_;
  std::mt19937_64 rng_;
  std::unique_ptr<ir::Graph> before_;
  std::unordered_map<const ir::Node *, ir::Node *> mapping_;
  int counter_ = 0;
};

inline ir::Attrs attrs() { return {}; }
template <typename V, typename... Rest>
ir::Attrs attrs(std::string_view name, V value, Rest... rest) {
  ir::Attrs a = attrs(rest...);
  a.set(name, ir::AttrValue(value));
  return a;
}

} // namespace voskhod::passes::testing
