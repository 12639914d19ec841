//===- tests/support/CompiledVsInterpreter.h - a backend vs the oracle ----===//
///
/// Parses a `.vg` graph, compiles it with a backend's compile function,
/// feeds it the interpreter's random inputs and initial values
/// (compiler/training/Initialize.h), and compares every output, and after
/// each training step every param and state, with the float64 interpreter.
/// The error measure is |got - want| / (|want| + 1e-2 * max|want|):
/// relative, except that elements far below the tensor's scale (the largest
/// finite |want|) are measured against that scale. A NaN or an infinity
/// must be matched exactly (NaN by NaN, +inf by +inf), else the error is
/// infinite. With `specials`, a few elements of every float input are NaN,
/// +inf or -inf (injectSpecialValues). The CPU and CUDA tests wrap it with
/// their backend.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "GraphParsing.h"

#include "compiler/interpreter/Interpreter.h"
#include "compiler/training/Initialize.h"
#include "compiler/training/ModeSpecialization.h"
#include "compiler/training/TrainStep.h"
#include "runtime/Executable.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <sstream>
#include <string_view>

namespace voskhod::test {

/// Compiles a step graph and/or a forward graph (either may be null).
using CompileFn = std::function<Expected<std::unique_ptr<rt::Executable>>(
    const ir::Graph *step, const ir::Graph *forward)>;

/// Writes a host tensor into the executable's storage of that name.
inline void put(rt::Executable &exe, const std::string &name,
                const ir::HostTensor &t) {
  void *p = exe.data(name);
  ASSERT_NE(p, nullptr) << "no tensor " << name;
  for (size_t i = 0; i < t.data.size(); ++i) {
    switch (t.type.dtype) {
    case ir::DType::F32:
      static_cast<float *>(p)[i] = float(t.data[i]);
      break;
    case ir::DType::F64:
      static_cast<double *>(p)[i] = t.data[i];
      break;
    case ir::DType::I32:
      static_cast<int32_t *>(p)[i] = int32_t(t.data[i]);
      break;
    case ir::DType::I1:
      static_cast<uint8_t *>(p)[i] = t.data[i] != 0;
      break;
    }
  }
}

inline std::vector<double> get(const rt::Executable &exe,
                               const std::string &name) {
  int i = exe.find(name);
  EXPECT_GE(i, 0) << "no tensor " << name;
  if (i < 0)
    return {};
  const rt::TensorInfo &t = exe.tensors()[i];
  const void *p = exe.data(name);
  std::vector<double> out(size_t(t.numElements()));
  for (size_t k = 0; k < out.size(); ++k) {
    switch (t.type) {
    case rt::ElementType::F32:
      out[k] = static_cast<const float *>(p)[k];
      break;
    case rt::ElementType::F64:
      out[k] = static_cast<const double *>(p)[k];
      break;
    case rt::ElementType::I32:
      out[k] = static_cast<const int32_t *>(p)[k];
      break;
    case rt::ElementType::I1:
      out[k] = static_cast<const uint8_t *>(p)[k];
      break;
    }
  }
  return out;
}

/// The largest error (see the file comment) between `got` and `want`.
inline double maxError(const std::vector<double> &got,
                       const std::vector<double> &want) {
  EXPECT_EQ(got.size(), want.size());
  double scale = 0, worst = 0;
  for (double w : want)
    if (std::isfinite(w))
      scale = std::max(scale, std::fabs(w));
  for (size_t i = 0; i < std::min(got.size(), want.size()); ++i) {
    if (got[i] == want[i] || (std::isnan(want[i]) && std::isnan(got[i])))
      continue;
    double err = std::fabs(got[i] - want[i]) /
                 (std::fabs(want[i]) + 1e-2 * scale + 1e-30);
    if (!(err <= worst))
      worst = std::isnan(err) ? INFINITY : std::max(worst, err);
  }
  return worst;
}

/// Overwrites a few elements of every float input with NaN, +inf and -inf
/// in turn: up to nine per tensor, at positions drawn from `seed` and the
/// input's name, so a run always puts them in the same places. Rows and
/// columns that hold one and rows that hold none are both left.
inline void injectSpecialValues(ir::LeafValues &leaves, uint64_t seed) {
  const double specials[] = {NAN, INFINITY, -INFINITY};
  for (auto &[node, value] : leaves) {
    if (!node->is(ir::OpKind::Input) || !ir::isFloat(value.type.dtype) ||
        value.data.empty())
      continue;
    std::mt19937_64 rng(seed ^ std::hash<std::string_view>()(node->name()));
    size_t n = value.data.size();
    size_t count = std::min<size_t>(9, std::max<size_t>(1, n / 4));
    for (size_t k = 0; k < count; ++k)
      value.data[size_t(rng() % n)] = specials[k % 3];
  }
}

inline std::string resultName(const ir::Node *n, size_t i) {
  if (!n->name().empty() && !n->hasTrait(ir::OpTrait::Leaf))
    return n->name();
  return "result" + std::to_string(i);
}

/// Compiles the forward graph, runs it on random inputs (with NaN and
/// infinities among them when `specials`), and checks every result against
/// the interpreter.
inline void checkForward(const std::string &text, double tolerance,
                         uint64_t seed, const CompileFn &compile,
                         bool specials = false) {
  auto g = parse(text);
  ASSERT_TRUE(g);
  // Compiled as every entry lowers a forward graph: specialised for
  // evaluation (composites expanded); the interpreter runs it as written.
  auto lowered = parse(text);
  training::specializeForMode(*lowered, training::Mode::Eval);
  auto exe = compile(nullptr, lowered.get());
  ASSERT_TRUE(exe) << exe.message();
  ir::LeafValues leaves = training::initialLeafValues(*g, seed);
  if (specials)
    injectSpecialValues(leaves, seed);
  for (auto &[node, value] : leaves)
    put(**exe, node->name(), value);
  Status ran = (*exe)->forward();
  ASSERT_TRUE(ran) << ran.message();
  auto eval = ir::evaluate(*g, leaves);
  ASSERT_TRUE(eval) << eval.message();
  for (size_t i = 0; i < g->results().size(); ++i) {
    const ir::Node *r = g->results()[i];
    double err = maxError(get(**exe, resultName(r, i)), eval->value(r).data);
    EXPECT_LE(err, tolerance) << "result " << i << " of\n" << text;
  }
}

/// Builds the training step of `text`, runs `steps` steps compiled and in
/// the interpreter from the same start, and checks the loss and every param
/// and state after each step (with NaN and infinities among each step's
/// inputs when `specials`). Returns the compiled losses.
inline std::vector<double> checkTraining(const std::string &text, int steps,
                                         double tolerance, uint64_t seed,
                                         const CompileFn &compile,
                                         bool specials = false) {
  std::vector<double> losses;
  auto fwd = parse(text);
  if (!fwd)
    return losses;
  auto step = trainStep(*fwd);
  if (!step)
    return losses;
  auto exe = compile(step.get(), nullptr);
  EXPECT_TRUE(exe) << exe.message();
  if (!exe)
    return losses;
  ir::LeafValues leaves = training::initialState(*step, seed);
  for (auto &[node, value] : leaves)
    put(**exe, node->name(), value);
  for (int s = 0; s < steps; ++s) {
    ir::LeafValues inputs = training::randomInputs(*step, seed, uint64_t(s));
    if (specials)
      injectSpecialValues(inputs, seed + uint64_t(s));
    for (auto &[node, value] : inputs) {
      put(**exe, node->name(), value);
      leaves[node] = value;
    }
    Status ran = (*exe)->step();
    EXPECT_TRUE(ran) << ran.message();
    auto eval = ir::evaluate(*step, leaves);
    EXPECT_TRUE(eval) << eval.message();
    if (!eval)
      return losses;
    auto loss = (*exe)->loss();
    EXPECT_TRUE(loss) << loss.message();
    losses.push_back(*loss);
    const ir::Node *lossNode = step->results()[0];
    EXPECT_LE(maxError({*loss}, eval->value(lossNode).data), tolerance)
        << "loss at step " << s;
    leaves = ir::nextLeafValues(*step, *eval, leaves);
    for (const ir::Update &u : step->updates()) {
      double err =
          maxError(get(**exe, u.target->name()), leaves.at(u.target).data);
      EXPECT_LE(err, tolerance)
          << "'" << u.target->name() << "' after step " << s;
      // Carry on from the compiled values, so errors do not compound.
      leaves.at(u.target).data = get(**exe, u.target->name());
    }
  }
  return losses;
}

} // namespace voskhod::test
