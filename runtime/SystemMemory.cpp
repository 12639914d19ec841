//===- runtime/SystemMemory.cpp - how much memory a process may use -------===//
#include "runtime/SystemMemory.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>
#include <sys/resource.h>

namespace voskhod::rt {

namespace {

/// The first number in a file ("max" and missing files give nullopt).
std::optional<int64_t> readNumber(const std::string &path) {
  std::ifstream in(path);
  long long v;
  if (!(in >> v) || v < 0)
    return std::nullopt;
  return int64_t(v);
}

std::optional<int64_t> memAvailable() {
  std::ifstream in("/proc/meminfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string key;
    long long kib;
    if (fields >> key >> kib && key == "MemAvailable:")
      return int64_t(kib) * 1024;
  }
  return std::nullopt;
}

/// The room left under this process's cgroup limit.
std::optional<int64_t> cgroupRoom() {
  // cgroup v2 at the usual mount point; the process's own group is the root
  // of the namespace in a container.
  auto limit = readNumber("/sys/fs/cgroup/memory.max");
  auto used = readNumber("/sys/fs/cgroup/memory.current");
  if (!limit) {
    limit = readNumber("/sys/fs/cgroup/memory/memory.limit_in_bytes");
    used = readNumber("/sys/fs/cgroup/memory/memory.usage_in_bytes");
  }
  // v1 reports "no limit" as a huge number near INT64_MAX.
  if (!limit || *limit >= (int64_t(1) << 60))
    return std::nullopt;
  return std::max<int64_t>(0, *limit - used.value_or(0));
}

} // namespace

std::optional<int64_t> availableMemoryBytes() {
  std::optional<int64_t> best;
  auto consider = [&](std::optional<int64_t> v) {
    if (v && (!best || *v < *best))
      best = v;
  };
  consider(memAvailable());
  consider(cgroupRoom());
  struct rlimit as;
  if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY)
    consider(int64_t(std::min<rlim_t>(as.rlim_cur, rlim_t(INT64_MAX))));
  return best;
}

std::optional<int64_t> parseByteSize(const std::string &text) {
  size_t i = 0;
  while (i < text.size() &&
         (std::isdigit((unsigned char)text[i]) || text[i] == '.'))
    ++i;
  if (i == 0)
    return std::nullopt;
  std::string number = text.substr(0, i), unit = text.substr(i);
  if (std::count(number.begin(), number.end(), '.') > 1)
    return std::nullopt;
  double value = std::strtod(number.c_str(), nullptr);
  for (char &c : unit)
    c = char(std::toupper((unsigned char)c));
  double scale;
  if (unit.empty() || unit == "B")
    scale = 1;
  else if (unit == "K" || unit == "KB" || unit == "KIB")
    scale = 1024.0;
  else if (unit == "M" || unit == "MB" || unit == "MIB")
    scale = 1024.0 * 1024;
  else if (unit == "G" || unit == "GB" || unit == "GIB")
    scale = 1024.0 * 1024 * 1024;
  else if (unit == "T" || unit == "TB" || unit == "TIB")
    scale = 1024.0 * 1024 * 1024 * 1024;
  else
    return std::nullopt;
  double bytes = std::floor(value * scale);
  if (!(bytes >= 1) || bytes >= 9.2e18)
    return std::nullopt;
  return int64_t(bytes);
}

} // namespace voskhod::rt
