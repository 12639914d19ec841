//===- compiler/ir/Optimizer.h - the `minimize ... using ...` clause ------===//
///
/// The IR records which update rule the user asked for and its settings; the
/// training module (compiler/training) turns that into graph ops. The schema
/// of accepted settings and their defaults comes from Optimizers.def, so the
/// parser and the C++ API validate the same way.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Attributes.h"

#include <optional>
#include <span>
#include <string_view>

namespace voskhod::ir {

enum class OptimizerKind : uint8_t {
#define OPTIMIZER(Enum, Name) Enum,
#include "compiler/ir/Optimizers.def"
};

struct OptimizerAttrSpec {
  OptimizerKind optimizer;
  std::string_view name;
  bool isBool;
  double defaultValue;
};

std::string_view optimizerName(OptimizerKind kind);
std::optional<OptimizerKind> lookupOptimizer(std::string_view name);
std::span<const OptimizerAttrSpec> optimizerAttrSpecs(OptimizerKind kind);
const OptimizerAttrSpec *findOptimizerAttr(OptimizerKind kind,
                                           std::string_view name);
/// Settings with every default filled in (Float settings as double, Bool as
/// bool).
Attrs defaultOptimizerAttrs(OptimizerKind kind);

} // namespace voskhod::ir
