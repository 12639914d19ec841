//===- compiler/ir/Op.cpp - the op and attribute tables -------------------===//
#include "compiler/ir/Op.h"

#include <algorithm>
#include <array>

namespace voskhod::ir {
namespace {
using namespace OpTrait;

constexpr std::array<OpInfo, kNumOps> kOpTable = {{
#define OP(Enum, Name, Arity, Traits) {OpKind::Enum, Name, Arity, Traits},
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

constexpr AttrSpec kAttrTable[] = {
#define ATTR(Op, Name, Kind, Required, Default)                                \
  attrSpec(OpKind::Op, Name, AttrKind::Kind, Required, Default),
#include "compiler/ir/OpAttrs.def"
};

/// kAttrTable sorted by op (stable, so declaration order within an op holds).
struct AttrIndex {
  std::array<AttrSpec, std::size(kAttrTable)> sorted;
  std::array<std::pair<uint16_t, uint16_t>, kNumOps> range{};
  AttrIndex() {
    std::copy(std::begin(kAttrTable), std::end(kAttrTable), sorted.begin());
    std::stable_sort(
        sorted.begin(), sorted.end(),
        [](const AttrSpec &a, const AttrSpec &b) { return a.op < b.op; });
    for (size_t i = 0; i < sorted.size(); ++i) {
      auto &r = range[size_t(sorted[i].op)];
      if (r.first == r.second)
        r.first = uint16_t(i);
      r.second = uint16_t(i + 1);
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
  return std::span<const AttrSpec>(index.sorted.data() + begin, end - begin);
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

} // namespace voskhod::ir
