//===- tests/unit/interpreter/LayoutOpsTest.cpp - matmul and data movement ===//
///
/// matmul with every transpose combination and batched with broadcasting,
/// transpose with explicit and
/// default permutations, reshape and broadcast, on hand-worked tensors and
/// against plain formulas on random data.
///
//===----------------------------------------------------------------------===//
#include "InterpreterTesting.h"

namespace voskhod::ir::testing {
namespace {

// A = [[1, 2, 3], [4, 5, 6]], B = [[7, 8], [9, 10], [11, 12]]:
// A B = [[1*7 + 2*9 + 3*11, 1*8 + 2*10 + 3*12], [4*7 + 5*9 + 6*11, ...]]
//     = [[58, 64], [139, 154]].
const std::vector<double> kA = {1, 2, 3, 4, 5, 6};
const std::vector<double> kAT = {1, 4, 2, 5, 3, 6};
const std::vector<double> kB = {7, 8, 9, 10, 11, 12};
const std::vector<double> kBT = {7, 9, 11, 8, 10, 12};
const std::vector<double> kAB = {58, 64, 139, 154};

HostTensor matmul(TensorType ta, std::vector<double> a, TensorType tb,
                  std::vector<double> b, bool transA, bool transB) {
  return apply(OpKind::Matmul,
               {{std::move(ta), std::move(a)}, {std::move(tb), std::move(b)}},
               attrs({{"transpose_a", transA}, {"transpose_b", transB}}));
}

TEST(Matmul, AllFourTransposeCombinations) {
  expectTensor(matmul(f64({2, 3}), kA, f64({3, 2}), kB, false, false),
               f64({2, 2}), kAB);
  expectTensor(matmul(f64({3, 2}), kAT, f64({3, 2}), kB, true, false),
               f64({2, 2}), kAB);
  expectTensor(matmul(f64({2, 3}), kA, f64({2, 3}), kBT, false, true),
               f64({2, 2}), kAB);
  expectTensor(matmul(f64({3, 2}), kAT, f64({2, 3}), kBT, true, true),
               f64({2, 2}), kAB);
}

TEST(Matmul, NonSquareShapes) {
  // [1, 3] x [3, 4]: a row vector against a matrix; B^T A^T gives [4, 1].
  std::vector<double> row = {1, -1, 2};
  std::vector<double> m = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  // column j: 1*m[0][j] - 1*m[1][j] + 2*m[2][j]
  std::vector<double> expected = {1 - 5 + 18, 2 - 6 + 20, 3 - 7 + 22,
                                  4 - 8 + 24};
  expectTensor(matmul(f32({1, 3}), row, f32({3, 4}), m, false, false),
               f32({1, 4}), expected);
  expectTensor(matmul(f32({3, 4}), m, f32({1, 3}), row, true, true),
               f32({4, 1}), expected);
}

TEST(Matmul, RandomAgainstTheDefinition) {
  Draw draw(21);
  const int64_t m = 5, k = 7, n = 3;
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      std::vector<double> a = draw.values(m * k), b = draw.values(k * n);
      HostTensor r = matmul(f64(ta ? Shape{k, m} : Shape{m, k}), a,
                            f64(tb ? Shape{n, k} : Shape{k, n}), b, ta, tb);
      ASSERT_EQ(r.type, f64({m, n}));
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double sum = 0;
          for (int64_t p = 0; p < k; ++p)
            sum += (ta ? a[p * m + i] : a[i * k + p]) *
                   (tb ? b[j * k + p] : b[p * n + j]);
          EXPECT_NEAR(r.data[i * n + j], sum, 1e-13)
              << "ta=" << ta << " tb=" << tb;
        }
    }
}

TEST(Matmul, BatchedStackedAndBroadcast) {
  // [2, 2, 3] (A, then 2A) × [1, 3, 2] (B, broadcast): [AB, 2AB].
  std::vector<double> a2 = kA, ab2 = kAB;
  for (double v : kA)
    a2.push_back(2 * v);
  for (double v : kAB)
    ab2.push_back(2 * v);
  expectTensor(matmul(f64({2, 2, 3}), a2, f64({1, 3, 2}), kB, false, false),
               f64({2, 2, 2}), ab2);
  // A rank-2 operand broadcasts along every batch dim of the other: A ×
  // [B, 2B] is [AB, 2AB].
  std::vector<double> b2 = kB;
  for (double v : kB)
    b2.push_back(2 * v);
  expectTensor(matmul(f64({2, 3}), kA, f64({2, 1, 3, 2}), b2, false, false),
               f64({2, 1, 2, 2}), ab2);
}

TEST(Matmul, BatchedRandomAgainstTheDefinition) {
  // [2, 1, M, K] × [3, K, N] -> [2, 3, M, N], each flag: batch (i, j) is
  // A[i] × B[j].
  Draw draw(22);
  const int64_t m = 4, k = 5, n = 3;
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      std::vector<double> a = draw.values(2 * m * k),
                          b = draw.values(3 * k * n);
      HostTensor r =
          matmul(f64(ta ? Shape{2, 1, k, m} : Shape{2, 1, m, k}), a,
                 f64(tb ? Shape{3, n, k} : Shape{3, k, n}), b, ta, tb);
      ASSERT_EQ(r.type, f64({2, 3, m, n}));
      for (int64_t bi = 0; bi < 2; ++bi)
        for (int64_t bj = 0; bj < 3; ++bj)
          for (int64_t i = 0; i < m; ++i)
            for (int64_t j = 0; j < n; ++j) {
              const double *ad = a.data() + bi * m * k;
              const double *bd = b.data() + bj * k * n;
              double sum = 0;
              for (int64_t p = 0; p < k; ++p)
                sum += (ta ? ad[p * m + i] : ad[i * k + p]) *
                       (tb ? bd[j * k + p] : bd[p * n + j]);
              EXPECT_NEAR(r.data[((bi * 3 + bj) * m + i) * n + j], sum, 1e-13)
                  << "ta=" << ta << " tb=" << tb;
            }
    }
}

TEST(Transpose, DefaultReversesAxes) {
  HostTensor r = apply(OpKind::Transpose, {{f64({2, 3}), kA}});
  expectTensor(r, f64({3, 2}), kAT);
}

TEST(Transpose, ExplicitPermutation) {
  // in[2, 3, 4] with perm [1, 2, 0]: out.shape = [3, 4, 2] and
  // out[i, j, k] = in[k, i, j].
  Draw draw(22);
  std::vector<double> in = draw.values(24);
  HostTensor r = apply(OpKind::Transpose, {{f64({2, 3, 4}), in}},
                       attrs({{"perm", std::vector<int64_t>{1, 2, 0}}}));
  ASSERT_EQ(r.type, f64({3, 4, 2}));
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 2; ++k)
        EXPECT_EQ(r.data[(i * 4 + j) * 2 + k], in[(k * 3 + i) * 4 + j]);
}

TEST(Transpose, NegativeAxesAndIntegers) {
  // perm [-1, 0] on [2, 3] is the plain transpose.
  HostTensor r = apply(OpKind::Transpose, {{i32({2, 3}), kA}},
                       attrs({{"perm", std::vector<int64_t>{-1, 0}}}));
  expectTensor(r, i32({3, 2}), kAT);
}

TEST(Transpose, IdentityPermutationKeepsData) {
  HostTensor r = apply(OpKind::Transpose, {{f64({3, 2}), kB}},
                       attrs({{"perm", std::vector<int64_t>{0, 1}}}));
  expectTensor(r, f64({3, 2}), kB);
}

TEST(Reshape, KeepsRowMajorData) {
  HostTensor r = apply(OpKind::Reshape, {{f64({2, 3}), kA}},
                       attrs({{"shape", std::vector<int64_t>{3, -1}}}));
  expectTensor(r, f64({3, 2}), kA);
  HostTensor flat = apply(OpKind::Reshape, {{i1({2, 2}), {1, 0, 0, 1}}},
                          attrs({{"shape", std::vector<int64_t>{4}}}));
  expectTensor(flat, i1({4}), {1, 0, 0, 1});
  HostTensor scalar = apply(OpKind::Reshape, {{f64({1, 1}), {2.5}}},
                            attrs({{"shape", std::vector<int64_t>{}}}));
  expectTensor(scalar, f64({}), {2.5});
}

HostTensor broadcast(TensorType in, std::vector<double> x, Shape to) {
  return apply(OpKind::Broadcast, {{std::move(in), std::move(x)}},
               attrs({{"shape", to}}));
}

TEST(Broadcast, AlignsOnTheRight) {
  expectTensor(broadcast(f64({3}), {1, 2, 3}, {2, 3}), f64({2, 3}),
               {1, 2, 3, 1, 2, 3});
  expectTensor(broadcast(f64({2, 1}), {1, 2}, {2, 3}), f64({2, 3}),
               {1, 1, 1, 2, 2, 2});
  expectTensor(broadcast(f64({}), {-4}, {2, 2}), f64({2, 2}), {-4, -4, -4, -4});
  expectTensor(broadcast(i32({1, 3}), {5, 6, 7}, {2, 2, 3}), i32({2, 2, 3}),
               {5, 6, 7, 5, 6, 7, 5, 6, 7, 5, 6, 7});
}

TEST(Broadcast, MiddleAxis) {
  // [2, 1, 2] -> [2, 3, 2]: out[i, j, k] = in[i, 0, k].
  expectTensor(broadcast(f64({2, 1, 2}), {1, 2, 3, 4}, {2, 3, 2}),
               f64({2, 3, 2}), {1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4});
}

} // namespace
} // namespace voskhod::ir::testing
