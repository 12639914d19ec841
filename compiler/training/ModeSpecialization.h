//===- compiler/training/ModeSpecialization.h - train and eval forms ------===//
///
/// One forward graph feeds two entries: the training step, and the forward
/// (inference) entry that `NAME_forward`, `predict` and evaluation run. An op
/// with the `ModeDependent` trait (Ops.def) computes differently in each:
/// dropout drops elements in training and is the identity in evaluation;
/// batch norm normalises with the batch's statistics (and updates the
/// running ones) in one and with the running ones in the other. Each such op
/// declares both forms here, in one table indexed by op, and each entry runs
/// `specializeForMode` once on its graph, so no pass after it and no backend
/// ever meets a mode-dependent op.
///
/// It also expands every `Composite` op (compiler/ir/CompositeExpansion.h),
/// which means the same in both modes, so the same call that leaves no
/// mode-dependent op for the passes and backends leaves no composite either.
///
/// Steps: every ModeDependent node is replaced by its form for the mode
/// (built through the checked builder, with the node's location), every use
/// follows, and the graph is re-sorted and pruned. A form may append
/// updates to the graph (batch norm's running statistics in training).
///
/// What it does not do: decide which entry a graph is (its caller does), or
/// own the leaves a training form reads. Those come from `ModeInputs`, which
/// `buildTrainStep` supplies, so the counter a mask is keyed on can be
/// another one (a micro-step counter) without touching the ops.
///
/// A graph not yet specialised means the evaluation form everywhere (the
/// interpreter, the gradient rules and the kernel lowering all treat dropout
/// as the identity; the interpreter and the gradient rule compute batch
/// norm's evaluation formula, and the kernel lowering refuses batch norm, so
/// every entry that lowers a graph specialises it first).
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Graph.h"

#include <cstdint>
#include <functional>
#include <string_view>

namespace voskhod::training {

enum class Mode { Train, Eval };

/// The run's seed as an i32 scalar state: the name, and the initialiser that
/// draws 31 bits of it from the run's seed as every initialiser draws, so it
/// is run-time data (the same machine code for any seed) and checkpointed.
inline constexpr std::string_view kDropoutSeedName = "dropout.seed";

/// The leaves a training form reads, made on first use; null when one
/// cannot be made (its name is taken), which the supplier reports.
struct ModeInputs {
  /// The counter masks are keyed on: an f32 scalar (steps done).
  std::function<ir::Node *()> counter;
  /// kDropoutSeedName's state.
  std::function<ir::Node *()> seed;
};

/// Expands every composite node of `g` and replaces every ModeDependent one
/// by its form in `mode`; whether anything changed. Eval mode needs no inputs.
/// Stops, with the graph left to be discarded, where an input is null.
bool specializeForMode(ir::Graph &g, Mode mode, const ModeInputs &inputs = {});

/// The key a dropout node's masks are drawn with: a hash of its name (the
/// value's name in the .vg text or the C++ API), so adding or removing other
/// nodes leaves every other mask as it was; an unnamed node hashes its
/// position among the graph's unnamed dropouts instead.
uint32_t dropoutKey(std::string_view name);

} // namespace voskhod::training
