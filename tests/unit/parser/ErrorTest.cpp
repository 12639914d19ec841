//===- tests/unit/parser/ErrorTest.cpp - diagnostics for bad text ---------===//
///
/// Each class of user error gets its message at the right line and column,
/// the parser returns no graph, and recovery reports later independent errors
/// without cascading from values whose definition failed.
///
//===----------------------------------------------------------------------===//
#include "compiler/text/Parser.h"

#include <gtest/gtest.h>

namespace voskhod::ir {
namespace {

using namespace std::string_literals;

/// Every error as "line:col: message", in order.
std::vector<std::string> errorsOf(const std::string &text) {
  DiagnosticEngine diags;
  auto g = parseGraph(text, "bad.vg", diags);
  EXPECT_EQ(g == nullptr, diags.hasErrors());
  std::vector<std::string> out;
  for (const Diagnostic &d : diags.diagnostics())
    if (d.severity == Severity::Error)
      out.push_back(std::to_string(d.loc.line) + ":" +
                    std::to_string(d.loc.col) + ": " + d.message);
  return out;
}

/// The statements go inside a graph after `%x = input f32[2, 3]` and
/// `%i = input i32[2]`, so the first statement is on line 4.
std::string inGraph(const std::string &body) {
  return "graph @g {\n  %x = input f32[2, 3]\n  %i = input i32[2]\n" + body +
         "\n  return %x\n}\n";
}

struct Case {
  const char *name;
  std::string text;
  std::string firstError;
};

void PrintTo(const Case &c, std::ostream *os) { *os << c.name; }

class ParserErrors : public ::testing::TestWithParam<Case> {};

TEST_P(ParserErrors, ReportsAtTheRightPlace) {
  const Case &c = GetParam();
  std::vector<std::string> errors = errorsOf(c.text);
  ASSERT_FALSE(errors.empty()) << c.text;
  EXPECT_EQ(errors[0], c.firstError) << c.text;
}

std::vector<Case> cases() {
  return {
      {"UnknownOp", inGraph("  %h = relux %x"), "4:8: unknown op 'relux'"},
      {"WrongArity", inGraph("  %h = relu %x, %x"),
       "4:8: 'relu' expects 1 operand, got 2"},
      {"NoOperands", inGraph("  %h = add"),
       "4:8: 'add' expects 2 operands, got 0"},
      {"UnknownAttribute", inGraph("  %h = relu %x {beta = 1}"),
       "4:17: unknown attribute 'beta' for 'relu'"},
      {"BadAttributeValue", inGraph("  %h = leaky_relu %x {alpha = true}"),
       "4:8: attribute 'alpha' of 'leaky_relu' expects number, got true"},
      {"AttributeGivenTwice", inGraph("  %h = softmax %x {axis = 0, axis = 1}"),
       "4:30: attribute 'axis' is given twice"},
      {"MissingRequiredAttribute", inGraph("  %h = reshape %x"),
       "4:8: 'reshape' requires attribute 'shape'"},
      {"MatmulInnerDims", inGraph("  %h = matmul %x, %x"),
       "4:8: 'matmul' inner dimensions differ: f32[2, 3] × f32[2, 3] (3 vs "
       "2)"},
      {"BroadcastIncompatible",
       inGraph("  %y = input f32[4]\n  %h = add %x, %y"),
       "5:8: cannot broadcast 'add' operands f32[2, 3] and f32[4] to a common "
       "shape"},
      {"ReshapeCount", inGraph("  %h = reshape %x {shape = [4, 2]}"),
       "4:8: 'reshape' cannot turn f32[2, 3] (6 elements) into [4, 2] (8 "
       "elements)"},
      {"DTypeMismatch", inGraph("  %j = input i32[2, 3]\n  %h = add %x, %j"),
       "5:8: dtype mismatch: 'add' operands f32[2, 3] and i32[2, 3]"},
      {"DeclaredTypeMismatch", inGraph("  %h = relu %x : f32[3, 2]"),
       "4:16: declared type f32[3, 2] does not match the inferred type "
       "f32[2, 3]"},
      {"UndefinedValue", inGraph("  %h = relu %nope"),
       "4:13: use of undefined value '%nope'"},
      {"Redefinition", inGraph("  %x = input f32[2]"),
       "4:3: redefinition of '%x'"},
      {"MissingReturn", "graph @g {\n  %x = input f32[2]\n}\n",
       "3:1: graph @g has no 'return'"},
      {"EmptyReturn", "graph @g {\n  %x = input f32[2]\n  return\n}\n",
       "3:3: 'return' needs at least one value"},
      {"SecondReturn",
       "graph @g {\n  %x = input f32[2]\n  return %x\n  return %x\n}\n",
       "4:3: graph @g has a second 'return'"},
      {"MinimizeNotScalar", inGraph("  minimize %x using sgd"),
       "4:12: 'minimize' needs a floating-point scalar, got f32[2, 3]"},
      {"UnknownOptimizer",
       inGraph("  %l = reduce_sum %x\n  minimize %l using sgdd"),
       "5:21: unknown optimizer 'sgdd'"},
      {"UnknownSetting",
       inGraph("  %l = reduce_sum %x\n  minimize %l using sgd {rate = 1}"),
       "5:26: unknown setting 'rate' for optimizer 'sgd' (its settings: "
       "lr, momentum, dampening, weight_decay, nesterov)"},
      {"UnknownSettingListsAliasesAndPairs",
       inGraph("  %l = reduce_sum %x\n  minimize %l using adamw {rho = 1}"),
       "5:28: unknown setting 'rho' for optimizer 'adamw' (its settings: lr, "
       "betas, beta1, beta2, eps, weight_decay, amsgrad)"},
      {"SettingAndItsAliasBothGiven",
       inGraph("  %l = reduce_sum %x\n"
               "  minimize %l using rmsprop {alpha = 0.9, rho = 0.8}"),
       "5:43: setting 'alpha' is given twice (here as 'rho')"},
      {"PairAndItsPartBothGiven",
       inGraph("  %l = reduce_sum %x\n"
               "  minimize %l using adam {beta2 = 0.9, betas = [0.8, 0.9]}"),
       "5:40: setting 'beta2' is given twice (here as 'betas')"},
      {"PairNeedsTwoNumbers",
       inGraph("  %l = reduce_sum %x\n"
               "  minimize %l using adam {betas = [0.8]}"),
       "5:39: expected ',' between the pair's two numbers, found ']'"},
      {"PairGivenOneNumber",
       inGraph("  %l = reduce_sum %x\n"
               "  minimize %l using adam {betas = 0.8}"),
       "5:35: expected '[' to open a number ('betas' is a pair: [beta1, "
       "beta2]), found '0.8'"},
      {"ClipUnknownSetting",
       inGraph("  %l = reduce_sum %x\n"
               "  minimize %l using sgd clip_grad_norm {max = 1}"),
       "5:41: unknown setting 'max' for 'clip_grad_norm' (its settings: "
       "max_norm, norm_type)"},
      {"ClipWithoutLimit",
       inGraph("  %l = reduce_sum %x\n"
               "  minimize %l using sgd clip_grad_value {}"),
       "5:25: 'clip_grad_value' needs 'clip_value'"},
      {"ClipNormTypeUnsupported",
       inGraph("  %l = reduce_sum %x\n  minimize %l using sgd "
               "clip_grad_norm {max_norm = 1, norm_type = 1}"),
       "5:25: norm_type must be 2 or inf, got 1.0"},
      {"ClipNegativeLimit",
       inGraph("  %l = reduce_sum %x\n  minimize %l using sgd "
               "clip_grad_value {clip_value = -1}"),
       "5:25: clip_value must be a finite non-negative number, got -1.0"},
      {"AccumulateZero",
       inGraph("  %l = reduce_sum %x\n  minimize %l using sgd accumulate = 0"),
       "5:25: accumulate must be an integer from 1 to 16777216, got 0"},
      {"AccumulateNotAnInteger",
       inGraph(
           "  %l = reduce_sum %x\n  minimize %l using sgd accumulate = 2.5"),
       "5:38: expected the number of micro-batches per update, found '2.5'"},
      {"AccumulateWithoutEquals",
       inGraph("  %l = reduce_sum %x\n  minimize %l using sgd accumulate 4"),
       "5:36: expected '=' after 'accumulate', found '4'"},
      {"AccumulateTwice",
       inGraph("  %l = reduce_sum %x\n  minimize %l using sgd accumulate = 2 "
               "accumulate = 2"),
       "5:40: 'accumulate' is given twice in this 'minimize'"},
      {"ClipTwice",
       inGraph("  %l = reduce_sum %x\n  minimize %l using sgd clip_grad_value "
               "{clip_value = 1} clip_grad_norm {max_norm = 1}"),
       "5:58: gradient clipping is given twice in this 'minimize'"},
      {"UpdateOfInput", inGraph("  update %x = %x"),
       "4:10: 'update' target '%x' is not a param or state"},
      {"EmptyFile", "", "1:1: empty input: expected 'graph @name { ... }'"},
      {"OnlyComments", "// nothing here\n",
       "2:1: empty input: expected 'graph @name { ... }'"},
      {"NotAGraph", "grph @g {}", "1:1: expected 'graph', found 'grph'"},
      {"UnterminatedGraph", "graph @g {\n  %x = input f32[2]\n  return %x\n",
       "4:1: expected '}' to close graph @g"},
      {"UnterminatedParen", inGraph("  %h = relu (neg %x"),
       "5:3: expected ')', found 'return'"},
      {"UnterminatedList", inGraph("  %h = transpose %x {perm = [1, 0"),
       "5:3: expected ',' or ']', found 'return'"},
      {"NulByte", "graph @g {\n  %x = input f32[2]\0\n}"s,
       "2:20: unexpected byte 0x00"},
      {"InvalidUtf8", inGraph("  %h = relu \xff\xfe"),
       "4:13: unexpected byte 0xff"},
      {"HugeDimension", inGraph("  %y = input f32[99999999999999999999]"),
       "4:18: integer '99999999999999999999' is out of range"},
      {"TooManyElements", inGraph("  %y = input f32[4294967296, 4294967296]"),
       "4:8: type f32[4294967296, 4294967296] has too many elements"},
      {"ZeroDimension", inGraph("  %y = input f32[0]"),
       "4:8: type f32[0] has a dimension that is not positive"},
      {"HugeNumber", inGraph("  %h = mul %x, 1e400"),
       "4:16: number '1e400' is out of range"},
      {"HugeConstant", inGraph("  %c = const f32[65536, 65536] [1]"),
       "4:8: constant f32[65536, 65536] is too large (4294967296 elements; "
       "at most 16777216)"},
      {"WrongConstCount", inGraph("  %c = const f32[2] [1, 2, 3]"),
       "4:8: constant of type f32[2] needs 2 values, got 3"},
      {"FractionalInteger", inGraph("  %h = add %i, 0.5"),
       "4:16: integer constant has a fractional value"},
      {"UnknownInit", inGraph("  %w = param f32[2] init = magic"),
       "4:28: unknown initialiser 'magic'"},
      {"InitArity", inGraph("  %w = param f32[2] init = normal(1)"),
       "4:28: initialiser 'normal' takes 2 arguments, got 1"},
      {"IntegerParam", inGraph("  %w = param i32[2]"),
       "4:8: parameters must be floating point, got i32[2]"},
      {"MalformedNumber", inGraph("  %h = mul %x, 1e"),
       "4:16: malformed number: the exponent has no digits"},
      {"LeafInExpression", inGraph("  %h = relu (input f32[2])"),
       "4:14: 'input' declares a named value and cannot appear in an "
       "expression"},
      {"TrailingTokens", inGraph("  %h = relu %x %x"),
       "4:16: expected end of line after the statement, found '%x'"},
      {"SecondGraph",
       "graph @a {\n  %x = input f32[2]\n  return %x\n}\ngraph @b {}\n",
       "5:1: expected end of input after the graph (one graph per file), "
       "found 'graph'"},
  };
}

INSTANTIATE_TEST_SUITE_P(Parser, ParserErrors, ::testing::ValuesIn(cases()),
                         [](const auto &info) { return info.param.name; });

TEST(ParserRecovery, ReportsIndependentErrorsOnce) {
  std::vector<std::string> errors = errorsOf(inGraph(R"(  %a = relux %x
  %b = add %a, %a
  %c = matmul %x, %x
  %d = neg %c
  %e = relu %undefined
  %f = input f32[2]
  %f = input f32[2])"));
  // %b and %d use values whose definitions failed: no second report.
  std::vector<std::string> want = {
      "4:8: unknown op 'relux'",
      "6:8: 'matmul' inner dimensions differ: f32[2, 3] × f32[2, 3] (3 vs 2)",
      "8:13: use of undefined value '%undefined'",
      "10:3: redefinition of '%f'",
  };
  EXPECT_EQ(errors, want);
}

TEST(ParserRecovery, RedefinitionPointsAtThePrevious) {
  DiagnosticEngine diags;
  EXPECT_FALSE(parseGraph(inGraph("  %x = relu %x"), "bad.vg", diags));
  ASSERT_EQ(diags.diagnostics().size(), 2u);
  const Diagnostic &note = diags.diagnostics()[1];
  EXPECT_EQ(note.severity, Severity::Note);
  EXPECT_EQ(note.loc.str(), "bad.vg:2:3");
}

TEST(ParserRecovery, StopsAfterTheErrorLimit) {
  std::string body;
  for (int i = 0; i < 100; ++i)
    body += "  %v" + std::to_string(i) + " = nope %x\n";
  DiagnosticEngine diags;
  EXPECT_FALSE(parseGraph(inGraph(body), "bad.vg", diags));
  EXPECT_EQ(diags.errorCount(), DiagnosticEngine::kErrorLimit);
}

TEST(ParserRecovery, FormatsWithSourceLineAndCaret) {
  DiagnosticEngine diags;
  EXPECT_FALSE(parseGraph(inGraph("  %h = relux %x"), "model.vg", diags));
  ASSERT_FALSE(diags.diagnostics().empty());
  EXPECT_EQ(diags.format(diags.diagnostics()[0]),
            "model.vg:4:8: error: unknown op 'relux'\n"
            "  %h = relux %x\n"
            "       ^\n");
}

} // namespace
} // namespace voskhod::ir
