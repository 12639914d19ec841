//===- tests/fuzz/ParserFuzzer.cpp - libFuzzer target for the .vg parser --===//
///
/// Feeds arbitrary bytes to ir::parseGraph and checks the properties every
/// input must have: no crash, hang or sanitizer report; a graph exactly when
/// no error was reported; every diagnostic renders; and a graph that parsed
/// prints to canonical text that parses back and prints identically. A
/// violated property aborts, which libFuzzer reports with the input.
///
//===----------------------------------------------------------------------===//
#include "compiler/text/Parser.h"
#include "compiler/text/Printer.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace voskhod::ir;

static void fail(const char *what, const std::string &text) {
  std::fprintf(stderr, "ParserFuzzer: %s\n%s\n", what, text.c_str());
  std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  DiagnosticEngine diags;
  std::unique_ptr<Graph> g = parseGraph(text, "fuzz.vg", diags);
  std::string rendered;
  for (const Diagnostic &d : diags.diagnostics())
    rendered += diags.format(d);
  if (bool(g) == diags.hasErrors())
    fail("a graph must come back exactly when there is no error", rendered);
  if (!g)
    return 0;

  std::string printed = printGraph(*g);
  DiagnosticEngine again;
  std::unique_ptr<Graph> back = parseGraph(printed, "printed.vg", again);
  if (!back) {
    std::string why;
    for (const Diagnostic &d : again.diagnostics())
      why += again.format(d);
    fail("printed text does not parse back", printed + "\n" + why);
  }
  if (printGraph(*back) != printed)
    fail("printing is not canonical", printed + "\n---\n" + printGraph(*back));
  return 0;
}
