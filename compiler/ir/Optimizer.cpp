//===- compiler/ir/Optimizer.cpp - optimiser schema tables ----------------===//
#include "compiler/ir/Optimizer.h"

#include <algorithm>
#include <iterator>

namespace voskhod::ir {
namespace {
constexpr std::string_view kNames[] = {
#define OPTIMIZER(Enum, Name) Name,
#include "compiler/ir/Optimizers.def"
};
constexpr bool Float = false, Bool = true;
// Optimizers.def lists each optimiser's settings contiguously.
constexpr OptimizerAttrSpec kAttrs[] = {
#define OPTIMIZER_ATTR(Enum, Name, Kind, Default)                              \
  {OptimizerKind::Enum, Name, Kind, Default},
#include "compiler/ir/Optimizers.def"
};
} // namespace

std::string_view optimizerName(OptimizerKind kind) {
  return kNames[size_t(kind)];
}

std::optional<OptimizerKind> lookupOptimizer(std::string_view name) {
  for (size_t i = 0; i < std::size(kNames); ++i)
    if (kNames[i] == name)
      return OptimizerKind(i);
  return std::nullopt;
}

std::span<const OptimizerAttrSpec> optimizerAttrSpecs(OptimizerKind kind) {
  auto first = std::find_if(std::begin(kAttrs), std::end(kAttrs),
                            [&](auto &a) { return a.optimizer == kind; });
  auto last = std::find_if(first, std::end(kAttrs),
                           [&](auto &a) { return a.optimizer != kind; });
  return {first, last};
}

const OptimizerAttrSpec *findOptimizerAttr(OptimizerKind kind,
                                           std::string_view name) {
  for (const auto &spec : optimizerAttrSpecs(kind))
    if (spec.name == name)
      return &spec;
  return nullptr;
}

Attrs defaultOptimizerAttrs(OptimizerKind kind) {
  Attrs attrs;
  for (const auto &spec : optimizerAttrSpecs(kind)) {
    if (spec.isBool)
      attrs.set(spec.name, spec.defaultValue != 0);
    else
      attrs.set(spec.name, spec.defaultValue);
  }
  return attrs;
}

} // namespace voskhod::ir
