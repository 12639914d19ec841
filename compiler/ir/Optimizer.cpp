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
struct NameAlias {
  OptimizerKind optimizer;
  std::string_view alias, name;
};
constexpr NameAlias kAliases[] = {
#define OPTIMIZER_ALIAS(Enum, Alias, Name) {OptimizerKind::Enum, Alias, Name},
#include "compiler/ir/Optimizers.def"
};
struct NamePair {
  OptimizerKind optimizer;
  std::string_view pair, first, second;
};
constexpr NamePair kPairs[] = {
#define OPTIMIZER_PAIR(Enum, Pair, First, Second)                              \
  {OptimizerKind::Enum, Pair, First, Second},
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

std::vector<std::string_view> resolveOptimizerSetting(OptimizerKind kind,
                                                      std::string_view name) {
  if (findOptimizerAttr(kind, name))
    return {name};
  for (const NameAlias &a : kAliases)
    if (a.optimizer == kind && a.alias == name)
      return {a.name};
  for (const NamePair &p : kPairs)
    if (p.optimizer == kind && p.pair == name)
      return {p.first, p.second};
  return {};
}

std::string optimizerSettingNames(OptimizerKind kind) {
  std::string out;
  auto add = [&](std::string_view name) {
    out += out.empty() ? "" : ", ";
    out += name;
  };
  for (const OptimizerAttrSpec &spec : optimizerAttrSpecs(kind)) {
    for (const NamePair &p : kPairs)
      if (p.optimizer == kind && p.first == spec.name)
        add(p.pair);
    add(spec.name);
    for (const NameAlias &a : kAliases)
      if (a.optimizer == kind && a.name == spec.name)
        add(a.alias);
  }
  return out;
}

std::string unknownOptimizerSettingMessage(OptimizerKind kind,
                                           std::string_view name) {
  return "unknown setting '" + std::string(name) + "' for optimizer '" +
         std::string(optimizerName(kind)) +
         "' (its settings: " + optimizerSettingNames(kind) + ")";
}

} // namespace voskhod::ir
