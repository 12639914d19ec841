//===- compiler/driver/GraphLoading.h - files to verified graphs ----------===//
///
/// Shared by every subcommand: read a `.vg` file (or stdin for "-"), parse
/// and verify it, reporting problems to stderr with locations.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Diagnostics.h"
#include "compiler/ir/Graph.h"

#include <memory>
#include <optional>
#include <string>

namespace voskhod::driver {

/// The whole file, or nullopt after reporting why it cannot be read.
std::optional<std::string> readInputFile(const std::string &path,
                                         ir::DiagnosticEngine &diags);

/// Parses and verifies; null after reporting errors.
std::unique_ptr<ir::Graph> loadGraph(const std::string &path,
                                     ir::DiagnosticEngine &diags);

/// Prints what `diags` holds to stderr; returns the exit status (1 if any
/// error was reported, else 0).
int flushDiagnostics(const ir::DiagnosticEngine &diags);

/// Whether `path` exists and is neither a regular file nor a directory (a
/// device such as /dev/null, or a FIFO): written in place, never replaced.
bool isDeviceOrPipe(const std::string &path);

/// Writes `text` to `path` ("-" or empty: stdout) atomically: a temporary
/// file in the same directory, then a rename, so a failed write never leaves
/// a half-written output. Devices and pipes (`/dev/null`) are written
/// directly.
bool writeOutput(const std::string &path, const std::string &text,
                 ir::DiagnosticEngine &diags);

} // namespace voskhod::driver
