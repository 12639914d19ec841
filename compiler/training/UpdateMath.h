//===- compiler/training/UpdateMath.h - optimiser arithmetic as graph ops -===//
///
/// A small arithmetic vocabulary for writing update rules as graph ops in one
/// floating-point dtype: scalar constants, elementwise ops that broadcast a
/// scalar against a tensor (through ir::buildBroadcasting, so the broadcasts
/// are explicit nodes), and the step counter converted to that dtype. Every
/// node is stamped with the `minimize` clause's location, so anything said
/// about the update points at the line that asked for it.
///
/// Constants and the step-counter values are made once per dtype and shared
/// by every parameter's update; scalar subexpressions a rule wants to share
/// (Adam's bias corrections) go through `shared`. It does not simplify:
/// `mul x, 1` is built as asked, and the simplifier removes it.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"

#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace voskhod::training {

class UpdateMath {
public:
  /// `step` is the f32 step-counter leaf; `stepNext` gives its value after
  /// this step (built on first use, so a rule that does not need it leaves
  /// the increment where the step's bookkeeping puts it); `hparamLeaf` gives
  /// the scalar state leaf of a run-time hyperparameter (Hyperparameters.h).
  UpdateMath(ir::Graph &g, ir::DType dtype, ir::SourceLoc loc, ir::Node *step,
             std::function<ir::Node *()> stepNext,
             std::function<ir::Node *(std::string_view)> hparamLeaf);

  ir::DType dtype() const { return dtype_; }

  ir::Node *constant(double value);

  ir::Node *add(ir::Node *a, ir::Node *b);
  ir::Node *sub(ir::Node *a, ir::Node *b);
  ir::Node *mul(ir::Node *a, ir::Node *b);
  ir::Node *div(ir::Node *a, ir::Node *b);
  ir::Node *pow(ir::Node *a, ir::Node *b);
  ir::Node *maximum(ir::Node *a, ir::Node *b);
  ir::Node *minimum(ir::Node *a, ir::Node *b);
  ir::Node *neg(ir::Node *a);
  ir::Node *abs(ir::Node *a);
  /// The sum and the maximum of every element, as scalars.
  ir::Node *sumAll(ir::Node *a);
  ir::Node *maxAll(ir::Node *a);
  /// `value` in this dtype (itself when it has it already).
  ir::Node *inDType(ir::Node *value);
  ir::Node *sqrt(ir::Node *a);
  ir::Node *square(ir::Node *a);
  ir::Node *cos(ir::Node *a);
  ir::Node *floor(ir::Node *a);
  /// `a > b ? onTrue : onFalse`, elementwise.
  ir::Node *select(ir::Node *a, ir::Node *b, ir::Node *onTrue,
                   ir::Node *onFalse);
  /// `a > b`, an i1 value.
  ir::Node *greater(ir::Node *a, ir::Node *b);
  /// `cond ? onTrue : onFalse` for an i1 `cond` (broadcast as needed).
  ir::Node *where(ir::Node *cond, ir::Node *onTrue, ir::Node *onFalse);

  ir::Node *add(ir::Node *a, double b) { return add(a, constant(b)); }
  ir::Node *mul(ir::Node *a, double b) { return mul(a, constant(b)); }
  ir::Node *sub(double a, ir::Node *b) { return sub(constant(a), b); }
  ir::Node *div(double a, ir::Node *b) { return div(constant(a), b); }

  /// Steps completed before this one (0 on the first step).
  ir::Node *stepsDone();
  /// This step's 1-based number, PyTorch's `step` after its increment.
  ir::Node *stepNumber();

  /// Hyperparameter `name` (a setting of the rule) in this dtype: the value
  /// a run reads and sets, never a constant of the compiled code.
  ir::Node *hparam(std::string_view name);
  /// `1 − hparam(name)`, for running averages; computed in the step's
  /// arithmetic, so it is the same whatever value the run sets.
  ir::Node *oneMinusHparam(std::string_view name);
  /// The hyperparameter's own run-time value, whatever overrideHparam set.
  ir::Node *baseHparam(std::string_view name);
  /// From now on hparam(name) is `value` (in this dtype): a schedule's lr.
  /// Call before any rule reads hparam(name).
  void overrideHparam(std::string_view name, ir::Node *value);

  /// The node `make` builds, built once per key and dtype.
  ir::Node *shared(const std::string &key,
                   const std::function<ir::Node *()> &make);

private:
  ir::Node *build(ir::OpKind op, std::vector<ir::Node *> operands);

  ir::Graph &g_;
  ir::DType dtype_;
  ir::SourceLoc loc_;
  ir::Node *step_;
  std::function<ir::Node *()> stepNext_;
  std::function<ir::Node *(std::string_view)> hparamLeaf_;
  std::map<double, ir::Node *> constants_;
  std::map<std::string, ir::Node *> shared_;
};

} // namespace voskhod::training
