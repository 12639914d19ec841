//===- tests/unit/kernel/KernelTestUtil.h - parsing helpers for tests -----===//
#pragma once

#include "../../support/GraphParsing.h"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>

namespace voskhod::kernel::test {

using voskhod::test::parse;
using voskhod::test::trainStep;

inline const char *kClassifier = R"(
graph @classifier {
  %x  = input f32[2, 3]
  %y  = input i32[2]
  %w1 = param f32[3, 10] init = he_normal
  %b1 = param f32[10]    init = zeros
  %w2 = param f32[10, 20] init = xavier_uniform
  %b2 = param f32[20]    init = zeros
  %w3 = param f32[20, 3] init = xavier_uniform
  %b3 = param f32[3]     init = zeros
  %h1 = relu (add (matmul %x, %w1), %b1)
  %h2 = relu (add (matmul %h1, %w2), %b2)
  %lg = add (matmul %h2, %w3), %b3
  %loss = softmax_cross_entropy %lg, %y
  minimize %loss using sgd {lr = 0.01, weight_decay = 0.05}
  return %lg
}
)";

} // namespace voskhod::kernel::test
