//===- compiler/ir/SourceLoc.h - where a node came from -------------------===//
///
/// file:line:col of the text that created a node: the `.vg` file for parsed
/// graphs, the C++ call site for graphs built through the frontend API.
/// File names are interned for the life of the process so a location is two
/// words and copies freely between graphs (autodiff copies locations onto the
/// gradient nodes it builds, so errors in the backward pass still point at
/// the user's forward line).
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace voskhod::ir {

struct SourceLoc {
  std::string_view file; // interned; empty when unknown
  uint32_t line = 0;     // 1-based; 0 when unknown
  uint32_t col = 0;      // 1-based

  bool known() const { return line != 0; }
  /// "file:line:col", or "<unknown>".
  std::string str() const;
};

/// Returns a view of `name` that stays valid until the process exits.
std::string_view internFileName(std::string_view name);

} // namespace voskhod::ir
