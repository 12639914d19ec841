//===- compiler/codegen/cuda/CudaText.cpp - spelling things in CUDA C++ ---===//
#include "compiler/codegen/cuda/CudaText.h"

#include "support/InternalCheck.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace voskhod::cuda {

const char *valueTypeName(kernel::DType t) {
  switch (t) {
  case kernel::DType::F32:
    return "float";
  case kernel::DType::F64:
    return "double";
  case kernel::DType::I32:
    return "int";
  case kernel::DType::I1:
    return "bool";
  }
  return "?";
}

const char *storageTypeName(kernel::DType t) {
  return t == kernel::DType::I1 ? "unsigned char" : valueTypeName(t);
}

std::string minMaxExpression(bool isMax, bool isFloat, const std::string &a,
                             const std::string &b) {
  std::string pick = isMax ? a + " < " + b : b + " < " + a;
  // `b != b` rather than isnan(): it needs no overload for int and no header.
  if (isFloat)
    pick += " || " + b + " != " + b;
  return "(" + pick + " ? " + b + " : " + a + ")";
}

std::string binaryExpression(kernel::ScalarOp op, kernel::DType t,
                             const std::string &a, const std::string &b) {
  using kernel::ScalarOp;
  bool fp = kernel::isFloat(t);
  switch (op) {
  case ScalarOp::Add:
    return a + " + " + b;
  case ScalarOp::Sub:
    return a + " - " + b;
  case ScalarOp::Mul:
    return a + " * " + b;
  case ScalarOp::Div:
    if (fp)
      return a + " / " + b;
    // Integer division by zero gives 0 instead of trapping, as on the CPU.
    return "(" + b + " == 0 ? 0 : " + a + " / " + b + ")";
  case ScalarOp::Pow:
    if (fp)
      return std::string(t == kernel::DType::F32 ? "powf" : "pow") + "(" + a +
             ", " + b + ")";
    return "int(pow(double(" + a + "), double(" + b + ")))";
  case ScalarOp::Max:
  case ScalarOp::Min:
    // The interpreter's choice: NaN if either operand is NaN (fmax/fmin
    // would drop it), else std::max/std::min, which give `a` on ties.
    return minMaxExpression(op == ScalarOp::Max, fp, a, b);
  case ScalarOp::Greater:
    return "(" + a + " > " + b + ")";
  case ScalarOp::Equal:
    return "(" + a + " == " + b + ")";
  default:
    break;
  }
  VOSKHOD_CHECK(false) << "'" << kernel::scalarOpName(op) << "' is not binary";
  return "";
}

std::string literal(kernel::DType t, double v) {
  char text[64];
  switch (t) {
  case kernel::DType::F32: {
    float f = float(v);
    if (std::isfinite(f)) {
      std::snprintf(text, sizeof text, "%af", double(f));
      return text;
    }
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    std::snprintf(text, sizeof text, "__int_as_float(0x%08xu)", bits);
    return text;
  }
  case kernel::DType::F64: {
    if (std::isfinite(v)) {
      std::snprintf(text, sizeof text, "%a", v);
      return text;
    }
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    std::snprintf(text, sizeof text, "__longlong_as_double(0x%016llxll)",
                  (unsigned long long)bits);
    return text;
  }
  case kernel::DType::I32: {
    int32_t i = int32_t(v);
    // -2147483648 is not a literal in C++: it is minus a long.
    if (i == INT32_MIN)
      return "(-2147483647 - 1)";
    return std::to_string(i);
  }
  case kernel::DType::I1:
    return v != 0 ? "true" : "false";
  }
  return "0";
}

std::string identifier(std::string_view name) {
  std::string out;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_';
    if (ok)
      out += c;
    else if (!out.empty() && out.back() != '_')
      out += '_';
  }
  while (!out.empty() && out.back() == '_')
    out.pop_back();
  if (out.empty() || (out[0] >= '0' && out[0] <= '9'))
    out = "t" + out;
  return out;
}

bool mentions(std::string_view text, std::string_view name) {
  auto word = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
  };
  for (size_t at = text.find(name); at != std::string_view::npos;
       at = text.find(name, at + 1)) {
    bool before = at > 0 && word(text[at - 1]);
    size_t end = at + name.size();
    bool after = end < text.size() && word(text[end]);
    if (!before && !after)
      return true;
  }
  return false;
}

CodeWriter &CodeWriter::line(std::string_view text) {
  if (!text.empty())
    text_.append(size_t(depth_) * 2, ' ');
  text_ += text;
  text_ += '\n';
  return *this;
}

CodeWriter &CodeWriter::open(std::string_view text) {
  line(std::string(text) + " {");
  ++depth_;
  return *this;
}

CodeWriter &CodeWriter::close(std::string_view suffix) {
  VOSKHOD_CHECK(depth_ > 0) << "close without open";
  --depth_;
  std::string text = "}";
  text += suffix;
  return line(text);
}

} // namespace voskhod::cuda
