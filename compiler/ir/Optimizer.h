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
#include <string>
#include <string_view>
#include <vector>

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

/// The settings a name given by the user sets, by their names in
/// optimizerAttrSpecs: the setting itself, an alias's setting (`rho` is
/// RMSProp's `alpha`), or a pair's two (`betas` is Adam's `beta1` and
/// `beta2`). Empty when `kind` takes no such name.
std::vector<std::string_view> resolveOptimizerSetting(OptimizerKind kind,
                                                      std::string_view name);
/// Every name `kind` accepts, for diagnostics: "lr, alpha, rho, eps, ...",
/// each alias after its setting and each pair before its two.
std::string optimizerSettingNames(OptimizerKind kind);
/// "unknown setting 'NAME' for optimizer 'KIND' (its settings: ...)".
std::string unknownOptimizerSettingMessage(OptimizerKind kind,
                                           std::string_view name);

} // namespace voskhod::ir
