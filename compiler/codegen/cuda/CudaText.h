//===- compiler/codegen/cuda/CudaText.h - spelling things in CUDA C++ -----===//
///
/// The small vocabulary every CUDA renderer file shares: C++ names of the
/// kernel IR's dtypes (as registers and as stored, i1 being a byte in
/// memory), exact literals (hexadecimal floats, so a constant means the same
/// bits on the device as in the interpreter; bit patterns for infinities and
/// NaN), identifiers made from buffer names, and an indenting line writer.
///
/// It knows nothing of kernels.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/kernel/KernelIR.h"

#include <string>
#include <string_view>

namespace voskhod::cuda {

/// `float`, `double`, `int`, `bool`: the type of a value in registers.
const char *valueTypeName(kernel::DType t);
/// As stored in memory: i1 is `unsigned char`.
const char *storageTypeName(kernel::DType t);

/// A literal of type `t` equal to `v` rounded to `t` (exact: hex floats).
std::string literal(kernel::DType t, double v);

/// max(a, b) or min(a, b) as the interpreter computes them: for floats NaN
/// if either is NaN (CUDA's fmaxf/fminf return the other operand), else
/// std::max/std::min, which give `a` on ties. Operands are names, read twice.
std::string minMaxExpression(bool isMax, bool isFloat, const std::string &a,
                             const std::string &b);

/// A binary scalar op on operands `a` and `b`, giving `t`: the kernel body's
/// arithmetic and comparisons, and what a Fold phase combines with.
std::string binaryExpression(kernel::ScalarOp op, kernel::DType t,
                             const std::string &a, const std::string &b);

/// `%h1.grad` → `h1_grad`: letters, digits and `_` only, never empty and
/// never starting with a digit.
std::string identifier(std::string_view name);

/// Whether `text` mentions the identifier `name` (as a whole word).
bool mentions(std::string_view text, std::string_view name);

/// Lines of C++ with the current indentation.
class CodeWriter {
public:
  explicit CodeWriter(int depth = 0) : depth_(depth) {}
  int depth() const { return depth_; }
  /// Appends text another writer produced (already indented).
  CodeWriter &append(const CodeWriter &other) {
    text_ += other.text_;
    return *this;
  }
  CodeWriter &line(std::string_view text);
  /// `text {` and one more level.
  CodeWriter &open(std::string_view text);
  /// One level less and `}` (plus `suffix`).
  CodeWriter &close(std::string_view suffix = "");
  const std::string &text() const { return text_; }
  std::string take() { return std::move(text_); }

private:
  std::string text_;
  int depth_ = 0;
};

} // namespace voskhod::cuda
