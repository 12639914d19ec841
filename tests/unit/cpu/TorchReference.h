//===- tests/unit/cpu/TorchReference.h - reading PyTorch's reference runs -===//
///
/// What the PyTorch parity tests share: the JSON files bench/reference/
/// writes, read whole, and the element-wise comparison they are held to.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace voskhod::cpu::test {

inline std::string readText(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// |got − want| ≤ rel·|want| + abs, element by element.
inline void expectClose(const std::vector<double> &got,
                        const std::vector<double> &want, double rel, double abs,
                        const std::string &what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_LE(std::fabs(got[i] - want[i]), rel * std::fabs(want[i]) + abs)
        << what << " element " << i << ": " << got[i] << " vs " << want[i];
}

inline std::vector<double> values(const nlohmann::json &j) {
  return j.get<std::vector<double>>();
}

} // namespace voskhod::cpu::test
