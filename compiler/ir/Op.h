//===- compiler/ir/Op.h - op kinds, traits and attribute schemas ----------===//
///
/// Expands Ops.def into the OpKind enum and a static table of each op's name,
/// arity and traits, and OpAttrs.def into the schema of attributes each op
/// accepts. Passes ask traits (`hasTrait(op, OpTrait::Elementwise)`) instead of
/// listing op names.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace voskhod::ir {

enum class OpKind : uint8_t {
#define OP(Enum, Name, Arity, Traits, Api, Method, Param) Enum,
#include "compiler/ir/Ops.def"
};

constexpr int kNumOps = 0
#define OP(Enum, Name, Arity, Traits, Api, Method, Param) +1
#include "compiler/ir/Ops.def"
    ;

namespace OpTrait {
enum : uint32_t {
  None = 0,
  Leaf = 1u << 0,
  Stateful = 1u << 1,
  Elementwise = 1u << 2,
  Unary = 1u << 3,
  Binary = 1u << 4,
  Commutative = 1u << 5,
  Comparison = 1u << 6,
  FloatOnly = 1u << 7,
  Contraction = 1u << 8,
  Layout = 1u << 9,
  Reduction = 1u << 10,
  RowWise = 1u << 11,
  Loss = 1u << 12,
  /// Lowered differently in the training step and in the forward entry
  /// (compiler/training/ModeSpecialization.h).
  ModeDependent = 1u << 13,
  /// Defined by its expansion into other ops
  /// (compiler/ir/CompositeExpansion.h).
  Composite = 1u << 14,
};
} // namespace OpTrait

/// The arity of an op that takes one or more operands (concat).
constexpr int kVariadic = -1;

struct OpInfo {
  OpKind kind;
  std::string_view name;
  int arity; // or kVariadic
  uint32_t traits;
};

/// Whether `info`'s op takes `n` value operands.
inline bool acceptsOperandCount(const OpInfo &info, size_t n) {
  return info.arity == kVariadic ? n >= 1 : int(n) == info.arity;
}
/// The fewest operands `info`'s op takes.
inline int minOperands(const OpInfo &info) {
  return info.arity == kVariadic ? 1 : info.arity;
}
/// "expects 2 operands, got 3", for a diagnostic.
std::string operandCountMismatch(const OpInfo &info, size_t got);

const OpInfo &opInfo(OpKind kind);
inline std::string_view opName(OpKind kind) { return opInfo(kind).name; }
inline bool hasTrait(OpKind kind, uint32_t trait) {
  return (opInfo(kind).traits & trait) == trait;
}
std::optional<OpKind> lookupOp(std::string_view name);

enum class AttrKind : uint8_t { Int, Float, Bool, IntList, DType, String };
std::string_view attrKindName(AttrKind kind);

struct AttrSpec {
  OpKind op;
  std::string_view name;
  AttrKind kind;
  bool required;
  double defaultValue;      // Int, Float, Bool, DType (as its enum index)
  std::string_view choices; // String: "a|b|...", the first the default
};

/// A String attribute's `i`th allowed value; empty past the last.
std::string_view attrChoice(const AttrSpec &spec, size_t i);
bool isAttrChoice(const AttrSpec &spec, std::string_view value);

/// The attributes `kind` accepts, in declaration order.
std::span<const AttrSpec> attrSpecs(OpKind kind);
const AttrSpec *findAttrSpec(OpKind kind, std::string_view name);

} // namespace voskhod::ir
