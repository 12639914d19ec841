//===- compiler/ir/Attributes.cpp - named attribute values ----------------===//
#include "compiler/ir/Attributes.h"

#include "support/InternalCheck.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace voskhod::ir {

/// Shortest text that reads back as the same double.
static std::string formatDouble(double v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v)
      break;
  }
  std::string s = buf;
  // Keep floats recognisable as floats: "1" would read back as an integer.
  if (s.find_first_of(".eEn") == std::string::npos)
    s += ".0";
  return s;
}

std::string attrValueStr(const AttrValue &value) {
  struct Visitor {
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return formatDouble(v); }
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(const std::vector<int64_t> &v) const {
      return shapeStr(v);
    }
    std::string operator()(DType v) const { return std::string(dtypeName(v)); }
    std::string operator()(const std::string &v) const { return '"' + v + '"'; }
  };
  return std::visit(Visitor{}, value);
}

void Attrs::set(std::string_view name, AttrValue value) {
  auto it = std::lower_bound(
      items_.begin(), items_.end(), name,
      [](const Item &item, std::string_view key) { return item.first < key; });
  if (it != items_.end() && it->first == name)
    it->second = std::move(value);
  else
    items_.insert(it, Item(std::string(name), std::move(value)));
}

const AttrValue *Attrs::find(std::string_view name) const {
  // Nodes carry a handful of attributes at most, and an equality test looks
  // at the lengths before the bytes, so a scan beats a binary search here.
  for (const Item &item : items_)
    if (item.first == name)
      return &item.second;
  return nullptr;
}

template <typename T>
static const T &getAs(const Attrs &attrs, std::string_view name) {
  const AttrValue *v = attrs.find(name);
  VOSKHOD_CHECK(v)
      << "attribute missing; the builder fills every schema attribute";
  VOSKHOD_CHECK(std::holds_alternative<T>(*v)) << "attribute has another kind";
  return std::get<T>(*v);
}

int64_t Attrs::getInt(std::string_view name) const {
  return getAs<int64_t>(*this, name);
}
double Attrs::getFloat(std::string_view name) const {
  return getAs<double>(*this, name);
}
bool Attrs::getBool(std::string_view name) const {
  return getAs<bool>(*this, name);
}
const std::vector<int64_t> &Attrs::getInts(std::string_view name) const {
  return getAs<std::vector<int64_t>>(*this, name);
}
DType Attrs::getDType(std::string_view name) const {
  return getAs<DType>(*this, name);
}
const std::string &Attrs::getString(std::string_view name) const {
  return getAs<std::string>(*this, name);
}

} // namespace voskhod::ir
