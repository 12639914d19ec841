//===- frontend/CallSite.h - the user's line that built a node ------------===//
///
/// Every API call that adds to a graph takes a trailing `CallSite` defaulted
/// from std::source_location, so nodes carry the C++ line that created them
/// and errors point there, as parsed nodes point at their `.vg` line. A
/// library layer (an nn::Module, a loss) passes its caller's site on, so what
/// the user sees is their own line, not the library's.
///
/// Where the standard library lacks std::source_location (clang 14 with
/// libstdc++ 12) the compiler builtins it is made of are used directly.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/SourceLoc.h"

#include <version>
#ifdef __cpp_lib_source_location
#include <source_location>
#endif

namespace voskhod {

class CallSite {
public:
#ifdef __cpp_lib_source_location
  CallSite(std::source_location where = std::source_location::current())
      : loc_{ir::internFileName(where.file_name()), where.line(),
             where.column()} {}
#else
  CallSite(const char *file = __builtin_FILE(),
           unsigned line = __builtin_LINE(), unsigned col = __builtin_COLUMN())
      : loc_{ir::internFileName(file), line, col} {}
#endif

  /// A site that is already an IR location, for nodes built on behalf of
  /// another node (they inherit its line).
  static CallSite at(ir::SourceLoc loc) {
    CallSite site;
    site.loc_ = loc;
    return site;
  }

  const ir::SourceLoc &loc() const { return loc_; }

private:
  ir::SourceLoc loc_;
};

} // namespace voskhod
