//===- compiler/ir/Diagnostics.h - clang-style error reporting ------------===//
///
/// Collects errors, warnings and notes with source locations and prints them
/// the way clang does:
///
///     model.vg:3:12: error: unknown op 'relux'
///       %h = relux %x
///            ^
///
/// The engine keeps the text of every file it was given so it can show the
/// offending line; locations in files it has not seen print without it.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/SourceLoc.h"

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace voskhod::ir {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity = Severity::Error;
  SourceLoc loc;
  std::string message;
};

class DiagnosticEngine {
public:
  /// Registers the text of a file so diagnostics can quote its lines.
  void addSource(std::string_view file, std::string contents);

  void error(SourceLoc loc, std::string message);
  void warning(SourceLoc loc, std::string message);
  void note(SourceLoc loc, std::string message);

  bool hasErrors() const { return errorCount_ > 0; }
  size_t errorCount() const { return errorCount_; }
  const std::vector<Diagnostic> &diagnostics() const { return diagnostics_; }

  /// Renders one diagnostic with its source line and caret.
  std::string format(const Diagnostic &d) const;
  /// Prints everything reported so far, in order.
  void print(std::ostream &os) const;

  /// Stop recording after this many errors (the rest would be noise).
  static constexpr size_t kErrorLimit = 20;

private:
  std::vector<Diagnostic> diagnostics_;
  size_t errorCount_ = 0;
  std::map<std::string, std::string, std::less<>> sources_;
};

} // namespace voskhod::ir
