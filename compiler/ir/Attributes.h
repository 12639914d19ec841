//===- compiler/ir/Attributes.h - named attribute values on a node --------===//
///
/// A node's attributes, kept sorted by name so that printing, hashing and
/// comparison are deterministic. Which names an op accepts, and of what kind,
/// is declared in OpAttrs.def; the builder fills in defaults so every node has
/// its full set and readers never need a fallback.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Type.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace voskhod::ir {

using AttrValue = std::variant<int64_t, double, bool, std::vector<int64_t>,
                               DType, std::string>;

std::string attrValueStr(const AttrValue &value);

class Attrs {
public:
  using Item = std::pair<std::string, AttrValue>;

  void set(std::string_view name, AttrValue value);
  const AttrValue *find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }

  // Typed getters assert that the attribute exists with that kind; the
  // builder guarantees it for every attribute in the op's schema.
  int64_t getInt(std::string_view name) const;
  double getFloat(std::string_view name) const;
  bool getBool(std::string_view name) const;
  const std::vector<int64_t> &getInts(std::string_view name) const;
  DType getDType(std::string_view name) const;
  const std::string &getString(std::string_view name) const;

  const std::vector<Item> &items() const { return items_; }
  bool empty() const { return items_.empty(); }
  bool operator==(const Attrs &) const = default;

private:
  std::vector<Item> items_;
};

} // namespace voskhod::ir
