//===- compiler/ir/LrSchedule.h - the `schedule` part of `minimize` -------===//
///
/// A learning-rate schedule as the IR records it: PyTorch's scheduler (by its
/// name here: `cosine` is CosineAnnealingLR), its settings with PyTorch's
/// names and defaults, and for `sequential` the schedules it runs in turn.
/// The schema (which settings each takes, of what kind, with which default)
/// is one table in LrSchedule.cpp, read by the parser, the printer, the C++
/// API and the checks alike. compiler/training/LrScheduling turns a schedule
/// into graph ops of the step counter.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/ir/Attributes.h"
#include "compiler/ir/SourceLoc.h"
#include "support/Error.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voskhod::ir {

enum class LrScheduleKind : uint8_t {
  Constant,    // ConstantLR
  Step,        // StepLR
  MultiStep,   // MultiStepLR
  Exponential, // ExponentialLR
  Cosine,      // CosineAnnealingLR
  Linear,      // LinearLR
  OneCycle,    // OneCycleLR
  Sequential,  // SequentialLR
};

/// How a setting is written: a number, `true`/`false`, a list of integers
/// (`[20, 40]`), or one of a few words.
enum class LrSettingKind : uint8_t { Number, Bool, List, Choice };

struct LrSettingSpec {
  LrScheduleKind schedule;
  std::string_view name;
  LrSettingKind kind;
  /// Number and Bool defaults; no default (the setting is required, or for
  /// one_cycle's max_lr, the rule's lr) when `required` or `optional`.
  double defaultValue;
  bool required;
  /// Choice: the words allowed, '|'-separated; the first is the default.
  std::string_view choices;
};

struct LrSchedule {
  LrScheduleKind kind = LrScheduleKind::Constant;
  /// Every setting given; readers fill defaults through lrSetting*.
  Attrs settings;
  /// `sequential` only: the schedules it runs, in order.
  std::vector<LrSchedule> children;
  SourceLoc loc;
};

std::string_view lrScheduleName(LrScheduleKind kind);
std::optional<LrScheduleKind> lookupLrSchedule(std::string_view name);
/// "constant, step, ..." for diagnostics.
std::string lrScheduleNames();
std::vector<LrSettingSpec> lrSettingSpecs(LrScheduleKind kind);
const LrSettingSpec *findLrSetting(LrScheduleKind kind, std::string_view name);
/// "unknown setting 'NAME' for schedule 'KIND' (its settings: ...)".
std::string unknownLrSettingMessage(LrScheduleKind kind, std::string_view name);

/// A setting's value, its default when not given.
double lrNumber(const LrSchedule &s, std::string_view name);
bool lrBool(const LrSchedule &s, std::string_view name);
std::string lrChoice(const LrSchedule &s, std::string_view name);
std::vector<int64_t> lrList(const LrSchedule &s, std::string_view name);

/// Checks what the parser cannot see one setting at a time: required
/// settings, ranges (t_max > 0, ...), milestones strictly increasing and
/// positive, a sequential's count of milestones one less than its schedules.
[[nodiscard]] Status checkLrSchedule(const LrSchedule &s);

/// `cosine {t_max = 300}`: the `.vg` text, settings at their defaults left
/// out, so that parsing it gives `s` back.
std::string lrScheduleText(const LrSchedule &s);

} // namespace voskhod::ir
