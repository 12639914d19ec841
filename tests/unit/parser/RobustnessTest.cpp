//===- tests/unit/parser/RobustnessTest.cpp - no input crashes the parser -===//
///
/// Fuzz-like cases with fixed seeds: every truncation of a valid file, random
/// byte flips, random bytes, random token soup, and the pathological shapes
/// (10,000 nested parentheses, megabyte lines). Every input must come back as
/// either a graph or at least one error, never a crash; whenever a mangled
/// input does parse, printing it must round-trip.
///
//===----------------------------------------------------------------------===//
#include "compiler/text/Parser.h"
#include "compiler/text/Printer.h"

#include <gtest/gtest.h>

#include <random>

namespace voskhod::ir {
namespace {

const char *kValid = R"(// every statement form
graph @all.forms {
  %x = input f32[4, 3]
  %y = input i32[4]
  %w = param f32[3, 5] init = normal(0, 0.1)
  %b = param f32[5] init = constant(-0.5)
  %m = state f32[3, 5] init = zeros
  %k = const f32[2] [1.5, -inf]
  %h = relu (add (matmul %x, %w {transpose_b = false}), %b) : f32[4, 5]
  %t = transpose %h {perm = [1, 0]}
  %s = reduce_sum %t {axes = [-1], keepdims = true}
  %z = select (greater %x, 0), %x, 0.25
  %loss = softmax_cross_entropy %h, %y
  %m1 = mul %m, 0.9
  minimize %loss using adam {lr = 1e-3, amsgrad = true}
  update %m = %m1
  return %h, %s, %z
}
)";

/// Parses; expects a graph xor errors, and a round trip when it parsed.
void parseAndCheck(const std::string &text) {
  DiagnosticEngine diags;
  auto g = parseGraph(text, "fuzz.vg", diags);
  ASSERT_EQ(g == nullptr, diags.hasErrors());
  for (const Diagnostic &d : diags.diagnostics())
    diags.format(d); // rendering must not crash either
  if (!g)
    return;
  std::string printed = printGraph(*g);
  DiagnosticEngine again;
  auto back = parseGraph(printed, "printed.vg", again);
  ASSERT_TRUE(back) << printed;
  ASSERT_EQ(printGraph(*back), printed);
}

TEST(Robustness, ValidFileParses) {
  DiagnosticEngine diags;
  EXPECT_TRUE(parseGraph(kValid, "valid.vg", diags));
}

TEST(Robustness, EveryTruncation) {
  std::string text = kValid;
  for (size_t n = 0; n <= text.size(); ++n)
    parseAndCheck(text.substr(0, n));
}

TEST(Robustness, RandomByteEdits) {
  std::mt19937 rng(1);
  std::string text = kValid;
  std::uniform_int_distribution<size_t> pos(0, text.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255), op(0, 2);
  for (int i = 0; i < 1500; ++i) {
    std::string mutated = text;
    for (int edits = 1 + i % 3; edits > 0; --edits) {
      size_t p = pos(rng) % mutated.size();
      switch (op(rng)) {
      case 0:
        mutated[p] = char(byte(rng));
        break;
      case 1:
        mutated.erase(p, 1);
        break;
      default:
        mutated.insert(p, 1, text[pos(rng)]);
        break;
      }
    }
    parseAndCheck(mutated);
  }
}

TEST(Robustness, RandomBytes) {
  std::mt19937 rng(2);
  std::uniform_int_distribution<int> byte(0, 255), len(0, 300);
  for (int i = 0; i < 1000; ++i) {
    std::string text = i % 2 ? "graph @g {\n" : "";
    for (int n = len(rng); n > 0; --n)
      text += char(byte(rng));
    parseAndCheck(text);
  }
}

TEST(Robustness, RandomTokenSoup) {
  const std::vector<std::string> vocab = {
      "%x",        "%y",    "%z",      "%0",     "=",       "input",   "param",
      "state",     "const", "f32",     "i32",    "i1",      "f64",     "[",
      "]",         "2",     "3",       "-1",     "0.5",     "1e3",     "inf",
      "nan",       ",",     "(",       ")",      "{",       "}",       ":",
      "add",       "relu",  "matmul",  "select", "greater", "reshape", "shape",
      "transpose", "perm",  "one_hot", "depth",  "init",    "normal",  "zeros",
      "minimize",  "using", "sgd",     "lr",     "update",  "return",  "true",
      "\n",        "\n",    "\n",      "//c\n",  "-",       "@g",      "graph"};
  std::mt19937 rng(3);
  std::uniform_int_distribution<size_t> pick(0, vocab.size() - 1);
  std::uniform_int_distribution<int> len(0, 60);
  for (int i = 0; i < 2000; ++i) {
    std::string text = "graph @g {\n  %x = input f32[2, 3]\n";
    for (int n = len(rng); n > 0; --n)
      text += vocab[pick(rng)] + " ";
    if (i % 2)
      text += "\n  return %x\n}\n";
    parseAndCheck(text);
  }
}

std::vector<Diagnostic> errorsOf(const std::string &text) {
  DiagnosticEngine diags;
  EXPECT_FALSE(parseGraph(text, "big.vg", diags));
  return diags.diagnostics();
}

TEST(Robustness, TenThousandNestedParentheses) {
  std::string expr = "%x";
  std::string open, close;
  for (int i = 0; i < 10000; ++i) {
    open += "(neg ";
    close += ")";
  }
  auto errors = errorsOf("graph @g {\n  %x = input f32[2]\n  %y = neg " + open +
                         "%x" + close + "\n  return %x\n}\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "expressions nest more than 200 levels deep");
  EXPECT_EQ(errors[0].loc.line, 3u);
  EXPECT_EQ(errors[0].loc.col, 12u + 5 * 200);
}

TEST(Robustness, MegabyteLines) {
  const size_t mb = 1 << 20;
  // A long but valid constant.
  std::string values;
  std::mt19937 rng(4);
  std::uniform_real_distribution<double> dist(-1, 1);
  size_t count = 0;
  while (values.size() < mb) {
    values += (count ? ", " : "") + std::to_string(dist(rng));
    ++count;
  }
  DiagnosticEngine diags;
  auto g = parseGraph("graph @g {\n  %c = const f64[" + std::to_string(count) +
                          "] [" + values + "]\n  return %c\n}\n",
                      "big.vg", diags);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->node(0)->constValues().size(), count);

  // One megabyte-long word, number, value name, and run of commas.
  auto one = errorsOf("graph @g {\n  %x = " + std::string(mb, 'a') +
                      "\n  return %x\n}\n");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].message.rfind("unknown op 'aaaa", 0), 0u);
  auto two = errorsOf("graph @g {\n  %x = input f32[2]\n  %y = add %x, " +
                      std::string(mb, '7') + "\n  return %x\n}\n");
  ASSERT_EQ(two.size(), 1u);
  EXPECT_NE(two[0].message.find("is too long"), std::string::npos);
  auto three = errorsOf("graph @g {\n  %" + std::string(mb, 'v') +
                        " = input f32[2]\n  return %x\n}\n");
  ASSERT_EQ(three.size(), 1u);
  EXPECT_EQ(three[0].message.rfind("use of undefined value '%x'", 0), 0u);
  auto four =
      errorsOf("graph @g {\n  %x = input f32[" + std::string(mb, ',') + "\n}");
  EXPECT_FALSE(four.empty());
}

TEST(Robustness, LongListsAreCapped) {
  std::string dims;
  for (int i = 0; i < 100; ++i)
    dims += (i ? ", " : "") + std::string("1");
  auto errors =
      errorsOf("graph @g {\n  %x = input f32[" + dims + "]\n  return %x\n}\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "list has more than 64 entries");
}

} // namespace
} // namespace voskhod::ir
