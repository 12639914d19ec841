//===- compiler/ir/SourceLoc.cpp - interned file names --------------------===//
#include "compiler/ir/SourceLoc.h"

#include <memory>
#include <mutex>
#include <set>

namespace voskhod::ir {

std::string SourceLoc::str() const {
  if (!known())
    return "<unknown>";
  return std::string(file) + ":" + std::to_string(line) + ":" +
         std::to_string(col);
}

std::string_view internFileName(std::string_view name) {
  static std::mutex mutex;
  static std::set<std::string, std::less<>> names;
  std::lock_guard lock(mutex);
  auto it = names.find(name);
  if (it == names.end())
    it = names.emplace(name).first;
  return *it;
}

} // namespace voskhod::ir
