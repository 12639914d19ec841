//===- compiler/ir/Op.cpp - the op and attribute tables -------------------===//
#include "compiler/ir/Op.h"

#include <array>
#include <vector>

namespace voskhod::ir {
namespace {
using namespace OpTrait;

constexpr std::array<OpInfo, kNumOps> kOpTable = {{
#define OP(Enum, Name, Arity, Traits, Api, Method, Param)                      \
  {OpKind::Enum, Name, Arity, Traits},
#include "compiler/ir/Ops.def"
}};

/// A String attribute's Default is its choices ("a|b", the first the
/// default); every other kind's is a number.
constexpr AttrSpec attrSpec(OpKind op, std::string_view name, AttrKind kind,
                            bool required, double defaultValue) {
  return {op, name, kind, required, defaultValue, {}};
}
constexpr AttrSpec attrSpec(OpKind op, std::string_view name, AttrKind kind,
                            bool required, std::string_view choices) {
  return {op, name, kind, required, 0, choices};
}

/// An attribute every op with `trait` takes.
struct TraitAttrSpec {
  uint32_t trait;
  AttrSpec spec; // its op is filled in per op
};

constexpr TraitAttrSpec kTraitAttrTable[] = {
#define ATTR(Op, Name, Kind, Required, Default)
#define TRAIT_ATTR(Trait, Name, Kind, Required, Default)                       \
  {Trait, attrSpec(OpKind::Input, Name, AttrKind::Kind, Required, Default)},
#include "compiler/ir/OpAttrs.def"
};

constexpr AttrSpec kAttrTable[] = {
#define ATTR(Op, Name, Kind, Required, Default)                                \
  attrSpec(OpKind::Op, Name, AttrKind::Kind, Required, Default),
#define TRAIT_ATTR(Trait, Name, Kind, Required, Default)
#include "compiler/ir/OpAttrs.def"
};

/// Every op's attributes, grouped by op: its traits' ones, then its own, each
/// in declaration order.
struct AttrIndex {
  std::vector<AttrSpec> specs;
  std::array<std::pair<size_t, size_t>, kNumOps> range{};
  AttrIndex() {
    for (const OpInfo &op : kOpTable) {
      size_t begin = specs.size();
      for (const TraitAttrSpec &t : kTraitAttrTable)
        if ((op.traits & t.trait) == t.trait) {
          specs.push_back(t.spec);
          specs.back().op = op.kind;
        }
      for (const AttrSpec &spec : kAttrTable)
        if (spec.op == op.kind)
          specs.push_back(spec);
      range[size_t(op.kind)] = {begin, specs.size()};
    }
  }
};

const AttrIndex &attrIndex() {
  static const AttrIndex index;
  return index;
}
} // namespace

const OpInfo &opInfo(OpKind kind) { return kOpTable[size_t(kind)]; }

std::optional<OpKind> lookupOp(std::string_view name) {
  for (const OpInfo &info : kOpTable)
    if (info.name == name)
      return info.kind;
  return std::nullopt;
}

std::string_view attrKindName(AttrKind kind) {
  switch (kind) {
  case AttrKind::Int:
    return "integer";
  case AttrKind::Float:
    return "number";
  case AttrKind::Bool:
    return "boolean";
  case AttrKind::IntList:
    return "integer list";
  case AttrKind::DType:
    return "dtype";
  case AttrKind::String:
    return "string";
  }
  return "?";
}

std::span<const AttrSpec> attrSpecs(OpKind kind) {
  const AttrIndex &index = attrIndex();
  auto [begin, end] = index.range[size_t(kind)];
  return std::span<const AttrSpec>(index.specs.data() + begin, end - begin);
}

const AttrSpec *findAttrSpec(OpKind kind, std::string_view name) {
  for (const AttrSpec &spec : attrSpecs(kind))
    if (spec.name == name)
      return &spec;
  return nullptr;
}

std::string_view attrChoice(const AttrSpec &spec, size_t i) {
  std::string_view rest = spec.choices;
  for (; i > 0 && !rest.empty(); --i) {
    size_t bar = rest.find('|');
    rest = bar == std::string_view::npos ? std::string_view()
                                         : rest.substr(bar + 1);
  }
  return rest.substr(0, rest.find('|'));
}

bool isAttrChoice(const AttrSpec &spec, std::string_view value) {
  for (size_t i = 0; !attrChoice(spec, i).empty(); ++i)
    if (attrChoice(spec, i) == value)
      return true;
  return false;
}

std::string operandCountMismatch(const OpInfo &info, size_t got) {
  std::string want = info.arity == kVariadic
                         ? "at least 1 operand"
                         : std::to_string(info.arity) + " operand" +
                               (info.arity == 1 ? "" : "s");
  return "'" + std::string(info.name) + "' expects " + want + ", got " +
         std::to_string(got);
}

} // namespace voskhod::ir
