//===- compiler/ir/LrSchedule.cpp - schedule schema, checks and text ------===//
#include "compiler/ir/LrSchedule.h"

#include <cmath>
#include <iterator>
#include <limits>

namespace voskhod::ir {
namespace {

using K = LrScheduleKind;
using S = LrSettingKind;
constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
constexpr bool Required = true, Defaulted = false;

constexpr std::string_view kNames[] = {
    "constant", "step",   "multi_step", "exponential",
    "cosine",   "linear", "one_cycle",  "sequential",
};

// PyTorch's names and defaults (torch.optim.lr_scheduler), in the order its
// constructors take them.
const LrSettingSpec kSpecs[] = {
    {K::Constant, "factor", S::Number, 1.0 / 3, Defaulted, ""},
    {K::Constant, "total_iters", S::Number, 5, Defaulted, ""},
    {K::Step, "step_size", S::Number, kNone, Required, ""},
    {K::Step, "gamma", S::Number, 0.1, Defaulted, ""},
    {K::MultiStep, "milestones", S::List, kNone, Required, ""},
    {K::MultiStep, "gamma", S::Number, 0.1, Defaulted, ""},
    {K::Exponential, "gamma", S::Number, kNone, Required, ""},
    {K::Cosine, "t_max", S::Number, kNone, Required, ""},
    {K::Cosine, "eta_min", S::Number, 0.0, Defaulted, ""},
    {K::Linear, "start_factor", S::Number, 1.0 / 3, Defaulted, ""},
    {K::Linear, "end_factor", S::Number, 1.0, Defaulted, ""},
    {K::Linear, "total_iters", S::Number, 5, Defaulted, ""},
    // max_lr: the rule's lr (the run-time hyperparameter) when not given.
    {K::OneCycle, "max_lr", S::Number, kNone, Defaulted, ""},
    {K::OneCycle, "total_steps", S::Number, kNone, Required, ""},
    {K::OneCycle, "pct_start", S::Number, 0.3, Defaulted, ""},
    {K::OneCycle, "anneal_strategy", S::Choice, kNone, Defaulted, "cos|linear"},
    {K::OneCycle, "cycle_momentum", S::Bool, 1, Defaulted, ""},
    {K::OneCycle, "base_momentum", S::Number, 0.85, Defaulted, ""},
    {K::OneCycle, "max_momentum", S::Number, 0.95, Defaulted, ""},
    {K::OneCycle, "div_factor", S::Number, 25, Defaulted, ""},
    {K::OneCycle, "final_div_factor", S::Number, 1e4, Defaulted, ""},
    {K::OneCycle, "three_phase", S::Bool, 0, Defaulted, ""},
    {K::Sequential, "milestones", S::List, kNone, Required, ""},
};

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

bool isWhole(double v) { return std::isfinite(v) && v == std::floor(v); }

} // namespace

std::string_view lrScheduleName(LrScheduleKind kind) {
  return kNames[size_t(kind)];
}

std::optional<LrScheduleKind> lookupLrSchedule(std::string_view name) {
  for (size_t i = 0; i < std::size(kNames); ++i)
    if (kNames[i] == name)
      return LrScheduleKind(i);
  return std::nullopt;
}

std::string lrScheduleNames() {
  std::string out;
  for (std::string_view n : kNames)
    out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

std::vector<LrSettingSpec> lrSettingSpecs(LrScheduleKind kind) {
  std::vector<LrSettingSpec> out;
  for (const LrSettingSpec &s : kSpecs)
    if (s.schedule == kind)
      out.push_back(s);
  return out;
}

const LrSettingSpec *findLrSetting(LrScheduleKind kind, std::string_view name) {
  for (const LrSettingSpec &s : kSpecs)
    if (s.schedule == kind && s.name == name)
      return &s;
  return nullptr;
}

std::string unknownLrSettingMessage(LrScheduleKind kind,
                                    std::string_view name) {
  std::string names;
  for (const LrSettingSpec &s : lrSettingSpecs(kind))
    names += (names.empty() ? "" : ", ") + std::string(s.name);
  return "unknown setting " + quoted(name) + " for schedule " +
         quoted(lrScheduleName(kind)) + " (its settings: " + names + ")";
}

double lrNumber(const LrSchedule &s, std::string_view name) {
  if (const AttrValue *v = s.settings.find(name)) {
    if (const double *d = std::get_if<double>(v))
      return *d;
    if (const int64_t *i = std::get_if<int64_t>(v))
      return double(*i);
  }
  const LrSettingSpec *spec = findLrSetting(s.kind, name);
  return spec ? spec->defaultValue : kNone;
}

bool lrBool(const LrSchedule &s, std::string_view name) {
  if (const AttrValue *v = s.settings.find(name))
    if (const bool *b = std::get_if<bool>(v))
      return *b;
  const LrSettingSpec *spec = findLrSetting(s.kind, name);
  return spec && spec->defaultValue != 0;
}

std::string lrChoice(const LrSchedule &s, std::string_view name) {
  if (const AttrValue *v = s.settings.find(name))
    if (const std::string *str = std::get_if<std::string>(v))
      return *str;
  const LrSettingSpec *spec = findLrSetting(s.kind, name);
  if (!spec)
    return "";
  return std::string(spec->choices.substr(0, spec->choices.find('|')));
}

std::vector<int64_t> lrList(const LrSchedule &s, std::string_view name) {
  if (const AttrValue *v = s.settings.find(name))
    if (const auto *list = std::get_if<std::vector<int64_t>>(v))
      return *list;
  return {};
}

Status checkLrSchedule(const LrSchedule &s) {
  std::string where = "schedule " + quoted(lrScheduleName(s.kind)) + ": ";
  for (const LrSettingSpec &spec : lrSettingSpecs(s.kind))
    if (spec.required && !s.settings.has(spec.name))
      return makeError(where + "needs " + quoted(spec.name));
  for (const auto &[name, value] : s.settings.items()) {
    const LrSettingSpec *spec = findLrSetting(s.kind, name);
    if (!spec)
      return makeError(unknownLrSettingMessage(s.kind, name));
    if (spec->kind == S::Number && !std::isfinite(lrNumber(s, name)))
      return makeError(where + quoted(name) + " must be a finite number");
  }
  auto positive = [&](std::string_view name, bool whole) -> Status {
    double v = lrNumber(s, name);
    if (!(v > 0) || (whole && !isWhole(v)))
      return makeError(where + quoted(name) + " must be a positive " +
                       (whole ? "integer" : "number") + ", got " +
                       attrValueStr(v));
    return Status::ok();
  };
  auto milestones = [&]() -> Status {
    std::vector<int64_t> m = lrList(s, "milestones");
    for (size_t i = 0; i < m.size(); ++i)
      if (m[i] <= 0 || (i && m[i] <= m[i - 1]))
        return makeError(where +
                         "milestones must be positive and strictly "
                         "increasing, got " +
                         attrValueStr(m));
    return Status::ok();
  };
  switch (s.kind) {
  case K::Constant: {
    double f = lrNumber(s, "factor");
    if (!(f >= 0 && f <= 1))
      return makeError(where + "'factor' must be in [0, 1], got " +
                       attrValueStr(f));
    double n = lrNumber(s, "total_iters");
    if (!(n >= 0) || !isWhole(n))
      return makeError(where +
                       "'total_iters' must be a non-negative "
                       "integer, got " +
                       attrValueStr(n));
    break;
  }
  case K::Step:
    VOSKHOD_RETURN_IF_ERROR(positive("step_size", true));
    break;
  case K::MultiStep:
    VOSKHOD_RETURN_IF_ERROR(milestones());
    break;
  case K::Exponential:
    break;
  case K::Cosine:
    VOSKHOD_RETURN_IF_ERROR(positive("t_max", false));
    break;
  case K::Linear: {
    double a = lrNumber(s, "start_factor"), b = lrNumber(s, "end_factor");
    if (!(a > 0 && a <= 1))
      return makeError(where + "'start_factor' must be in (0, 1], got " +
                       attrValueStr(a));
    if (!(b >= 0 && b <= 1))
      return makeError(where + "'end_factor' must be in [0, 1], got " +
                       attrValueStr(b));
    VOSKHOD_RETURN_IF_ERROR(positive("total_iters", true));
    break;
  }
  case K::OneCycle: {
    VOSKHOD_RETURN_IF_ERROR(positive("total_steps", true));
    double pct = lrNumber(s, "pct_start");
    if (!(pct >= 0 && pct <= 1))
      return makeError(where + "'pct_start' must be in [0, 1], got " +
                       attrValueStr(pct));
    if (s.settings.has("max_lr"))
      VOSKHOD_RETURN_IF_ERROR(positive("max_lr", false));
    VOSKHOD_RETURN_IF_ERROR(positive("div_factor", false));
    VOSKHOD_RETURN_IF_ERROR(positive("final_div_factor", false));
    // PyTorch divides by each phase's length in steps.
    double total = lrNumber(s, "total_steps");
    double end1 = pct * total - 1,
           end2 = lrBool(s, "three_phase") ? 2 * pct * total - 2 : total - 1;
    if (!(end1 > 0) || !(end2 > end1) ||
        (lrBool(s, "three_phase") && !(total - 1 > end2)))
      return makeError(where + "pct_start and total_steps leave a phase "
                               "with no steps");
    break;
  }
  case K::Sequential: {
    VOSKHOD_RETURN_IF_ERROR(milestones());
    if (s.children.empty())
      return makeError(where + "needs its schedules in parentheses");
    if (lrList(s, "milestones").size() + 1 != s.children.size())
      return makeError(where + "takes one milestone fewer than schedules: " +
                       std::to_string(s.children.size()) + " schedules need " +
                       std::to_string(s.children.size() - 1) +
                       " milestones, got " +
                       std::to_string(lrList(s, "milestones").size()));
    for (const LrSchedule &c : s.children)
      VOSKHOD_RETURN_IF_ERROR(checkLrSchedule(c));
    break;
  }
  }
  if (s.kind != K::Sequential && !s.children.empty())
    return makeError(where + "takes no schedules in parentheses; only "
                             "'sequential' does");
  return Status::ok();
}

std::string lrScheduleText(const LrSchedule &s) {
  std::string out(lrScheduleName(s.kind));
  std::string sep = " {";
  for (const LrSettingSpec &spec : lrSettingSpecs(s.kind)) {
    const AttrValue *v = s.settings.find(spec.name);
    if (!v)
      continue;
    std::string text;
    switch (spec.kind) {
    case S::Number: {
      double d = lrNumber(s, spec.name);
      if (d == spec.defaultValue)
        continue;
      // Step counts read as integers (`t_max = 300`, not `3e+02`).
      text = isWhole(d) && std::abs(d) < 1e15 ? std::to_string(int64_t(d))
                                              : attrValueStr(d);
      break;
    }
    case S::Bool:
      if (lrBool(s, spec.name) == (spec.defaultValue != 0))
        continue;
      text = lrBool(s, spec.name) ? "true" : "false";
      break;
    case S::List:
      text = attrValueStr(*v);
      break;
    case S::Choice: {
      std::string c = lrChoice(s, spec.name);
      if (c == spec.choices.substr(0, spec.choices.find('|')))
        continue;
      text = c;
      break;
    }
    }
    out += sep + std::string(spec.name) + " = " + text;
    sep = ", ";
  }
  if (sep != " {")
    out += "}";
  if (!s.children.empty()) {
    out += " (";
    for (size_t i = 0; i < s.children.size(); ++i)
      out += (i ? ", " : "") + lrScheduleText(s.children[i]);
    out += ")";
  }
  return out;
}

} // namespace voskhod::ir
