//===- compiler/text/Parser.h - the `.vg` text format ---------------------===//
///
/// Parses one `graph @name { ... }` in the `.vg` format of docs/ARCHITECTURE.md
/// into a verified Graph. Nested expressions become unnamed nodes, scalar
/// literals become rank-0 constants, and NumPy broadcasting becomes explicit
/// `broadcast` nodes (through ir::buildBroadcasting, like the C++ API). On
/// error it reports every problem it can recover from to `diags` (with
/// file:line:col) and returns null. It never crashes or hangs on any input.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Diagnostics.h"
#include "compiler/ir/Graph.h"

#include <memory>
#include <optional>
#include <string_view>

namespace voskhod::ir {

std::unique_ptr<Graph> parseGraph(std::string_view text,
                                  std::string_view fileName,
                                  DiagnosticEngine &diags);

/// One learning-rate schedule in the `minimize` clause's syntax, as after
/// its `schedule` keyword: `cosine {t_max = 300}` (the trainer's
/// --lr-schedule). Null after reporting to `diags`.
std::optional<LrSchedule> parseLrSchedule(std::string_view text,
                                          std::string_view fileName,
                                          DiagnosticEngine &diags);

} // namespace voskhod::ir
