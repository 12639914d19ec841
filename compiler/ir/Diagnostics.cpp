//===- compiler/ir/Diagnostics.cpp - clang-style error reporting ----------===//
#include "compiler/ir/Diagnostics.h"

#include <algorithm>

namespace voskhod::ir {

void DiagnosticEngine::addSource(std::string_view file, std::string contents) {
  sources_[std::string(file)] = std::move(contents);
}

void DiagnosticEngine::error(SourceLoc loc, std::string message) {
  if (errorCount_ >= kErrorLimit) {
    ++errorCount_;
    return;
  }
  ++errorCount_;
  diagnostics_.push_back({Severity::Error, loc, std::move(message)});
}

void DiagnosticEngine::warning(SourceLoc loc, std::string message) {
  diagnostics_.push_back({Severity::Warning, loc, std::move(message)});
}

void DiagnosticEngine::note(SourceLoc loc, std::string message) {
  diagnostics_.push_back({Severity::Note, loc, std::move(message)});
}

/// The source line for `loc`, with tabs and control bytes made printable so
/// the caret lines up and a terminal is never fed raw garbage.
static bool sourceLine(const std::string &text, uint32_t line,
                       std::string &out) {
  size_t pos = 0;
  for (uint32_t l = 1; l < line; ++l) {
    pos = text.find('\n', pos);
    if (pos == std::string::npos)
      return false;
    ++pos;
  }
  size_t end = text.find('\n', pos);
  if (end == std::string::npos)
    end = text.size();
  out.clear();
  // Very long lines are cut around the column by the caller.
  for (size_t i = pos; i < end; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    out += (c == '\t' || (c >= 0x20 && c != 0x7f) || c >= 0x80) ? char(c)
                                                                 : '?';
  }
  if (!out.empty() && out.back() == '\r')
    out.pop_back();
  std::replace(out.begin(), out.end(), '\t', ' ');
  return true;
}

std::string DiagnosticEngine::format(const Diagnostic &d) const {
  std::string s;
  if (d.loc.known())
    s += d.loc.str() + ": ";
  else if (!d.loc.file.empty())
    s += std::string(d.loc.file) + ": ";
  switch (d.severity) {
  case Severity::Error:
    s += "error: ";
    break;
  case Severity::Warning:
    s += "warning: ";
    break;
  case Severity::Note:
    s += "note: ";
    break;
  }
  s += d.message + "\n";
  auto it = sources_.find(d.loc.file);
  std::string line;
  if (d.loc.known() && it != sources_.end() &&
      sourceLine(it->second, d.loc.line, line)) {
    size_t col = d.loc.col ? d.loc.col - 1 : 0;
    // Show at most a 120-column window around the caret.
    size_t start = col > 60 ? col - 60 : 0;
    std::string window = line.substr(std::min(start, line.size()), 120);
    s += (start ? "..." : "") + window + "\n";
    s += std::string((start ? 3 : 0) + (col - start), ' ') + "^\n";
  }
  return s;
}

void DiagnosticEngine::print(std::ostream &os) const {
  for (const Diagnostic &d : diagnostics_)
    os << format(d);
  if (errorCount_ > kErrorLimit)
    os << "note: " << (errorCount_ - kErrorLimit)
       << " more errors not shown\n";
}

} // namespace voskhod::ir
