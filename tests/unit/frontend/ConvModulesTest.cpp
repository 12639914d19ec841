//===- tests/unit/frontend/ConvModulesTest.cpp - image layers -------------===//
///
/// The sliding-window ops through the API (Tensor::conv2d, maxPool2d,
/// avgPool2d) and the image layers over them (nn::Conv2d, MaxPool2d,
/// AvgPool2d, Flatten): each builds what the same `.vg` text parses to, its
/// parameters have PyTorch's shapes (OIHW) and the layer's initialisers, and
/// a shape mistake is reported at the C++ line of the call.
///
//===----------------------------------------------------------------------===//
#include "frontend/Frontend.h"

#include "compiler/text/Parser.h"
#include "compiler/text/Printer.h"

#include <gtest/gtest.h>

#include <sstream>

namespace voskhod {
namespace {

/// Parses and prints `text`; empty with a test failure when it does not parse.
std::string reprint(const std::string &text) {
  ir::DiagnosticEngine diags;
  std::unique_ptr<ir::Graph> g = ir::parseGraph(text, "expected.vg", diags);
  std::ostringstream errors;
  diags.print(errors);
  EXPECT_TRUE(g) << errors.str() << "\nin:\n" << text;
  return g ? ir::printGraph(*g) : "";
}

std::string buildAndPrint(Graph &g) {
  auto built = g.build();
  EXPECT_TRUE(built) << built.message();
  return built ? ir::printGraph(**built) : "";
}

std::vector<std::string> names(nn::Module &m) {
  std::vector<std::string> out;
  for (const nn::NamedParameter &p : m.namedParameters())
    out.push_back(p.name);
  return out;
}

TEST(FrontendConv, TensorOpsBuildWhatTheTextBuilds) {
  Graph g("t");
  Tensor x = g.input("x", f32({2, 4, 9, 9}));
  Tensor w = g.param("w", f32({6, 2, 3, 3}), init::heNormal());
  Tensor c =
      x.conv2d(w, {.stride = {2, 2}, .padding = {1, 0, 1, 1}, .groups = 2});
  Tensor m = x.maxPool2d({3, 3}, {2, 2}, {1, 1});
  Tensor a = x.avgPool2d({2, 2}, {}, {0, 0}, false);
  Tensor d = conv2d(x, w, {.dilation = {2, 2}, .groups = 2});
  ASSERT_FALSE(g.failed()) << g.error()->message;
  EXPECT_EQ(c.type().str(), "f32[2, 6, 5, 4]");
  EXPECT_EQ(m.type().str(), "f32[2, 4, 5, 5]");
  EXPECT_EQ(a.type().str(), "f32[2, 4, 4, 4]");
  EXPECT_EQ(d.type().str(), "f32[2, 6, 5, 5]");
  g.returns({c.named("c"), m.named("m"), a.named("a"), d.named("d")});
  EXPECT_EQ(buildAndPrint(g), reprint(R"(graph @t {
  %x = input f32[2, 4, 9, 9]
  %w = param f32[6, 2, 3, 3] init = he_normal
  %c = conv2d %x, %w {stride = [2, 2], padding = [1, 0, 1, 1], groups = 2}
  %m = max_pool2d %x {kernel = [3, 3], stride = [2, 2], padding = [1, 1]}
  %a = avg_pool2d %x {kernel = [2, 2], count_include_pad = false}
  %d = conv2d %x, %w {dilation = [2, 2], groups = 2}
  return %c, %m, %a, %d
})"));
}

TEST(FrontendConv, Conv2dParametersAreOihwWithTheLayersInits) {
  Graph g("t");
  nn::Conv2d plain(g, 3, 8, {5, 3});
  EXPECT_EQ(names(plain), (std::vector<std::string>{"weight", "bias"}));
  EXPECT_EQ(plain.weight().type().str(), "f32[8, 3, 5, 3]");
  EXPECT_EQ(plain.weight().node()->init().kind, InitKind::HeUniform);
  EXPECT_EQ(plain.bias().type().str(), "f32[8]");
  EXPECT_EQ(plain.bias().node()->init().kind, InitKind::Zeros);

  nn::Conv2d grouped(
      g, 6, 4, {3, 3},
      {.groups = 2, .bias = false, .weightInit = init::uniform(-0.25, 0.25)});
  EXPECT_EQ(names(grouped), std::vector<std::string>{"weight"});
  EXPECT_EQ(grouped.weight().type().str(), "f32[4, 3, 3, 3]");
  EXPECT_EQ(grouped.weight().node()->init().kind, InitKind::Uniform);
  EXPECT_EQ(grouped.weight().node()->init().a, -0.25);
  EXPECT_FALSE(grouped.bias().valid());
  ASSERT_FALSE(g.failed()) << g.error()->message;

  // PyTorch's fans of an OIHW weight, which he_uniform draws from.
  int64_t fanIn = 0, fanOut = 0;
  computeFans(grouped.weight().shape().data(), 4, fanIn, fanOut);
  EXPECT_EQ(fanIn, 3 * 3 * 3);
  EXPECT_EQ(fanOut, 4 * 3 * 3);
}

TEST(FrontendConv, Conv2dAddsItsBiasAsTheTextSpellsIt) {
  Graph g("t");
  Tensor x = g.input("x", f32({2, 3, 8, 8}));
  nn::Conv2d conv(
      g, 3, 5, {3, 3},
      {.stride = {2, 1}, .padding = {1, 1}, .weightInit = init::heNormal()});
  g.returns({conv(x).named("y")});
  EXPECT_EQ(buildAndPrint(g), reprint(R"(graph @t {
  %x = input f32[2, 3, 8, 8]
  %weight = param f32[5, 3, 3, 3] init = he_normal
  %bias = param f32[5] init = zeros
  %y = add (conv2d %x, %weight {stride = [2, 1], padding = [1, 1]}),
           (reshape %bias {shape = [1, 5, 1, 1]})
  return %y
})"));
}

TEST(FrontendConv, PoolsAndFlattenBuildWhatTheTextBuilds) {
  Graph g("t");
  Tensor x = g.input("x", f32({2, 3, 8, 8}));
  nn::MaxPool2d maxPool({2, 2});
  nn::AvgPool2d avgPool({3, 3}, {1, 1}, {1, 1}, false);
  nn::Flatten flatten;
  Tensor m = maxPool(x).named("m");
  Tensor a = avgPool(x).named("a");
  Tensor f = flatten(m).named("f");
  EXPECT_TRUE(maxPool.parameters().empty());
  EXPECT_EQ(f.type().str(), "f32[2, 48]");
  g.returns({a, f});
  EXPECT_EQ(buildAndPrint(g), reprint(R"(graph @t {
  %x = input f32[2, 3, 8, 8]
  %m = max_pool2d %x {kernel = [2, 2]}
  %a = avg_pool2d %x {kernel = [3, 3], stride = [1, 1], padding = [1, 1],
                      count_include_pad = false}
  %f = reshape %m {shape = [2, 48]}
  return %a, %f
})"));
}

/// "this file:line:" — the start of a diagnostic for `line` of this test.
std::string here(int line) {
  return std::string(__FILE__) + ":" + std::to_string(line) + ":";
}

TEST(FrontendConv, ChannelMismatchIsReportedAtTheCall) {
  Graph g("t");
  Tensor x = g.input("x", f32({2, 3, 8, 8}));
  nn::Conv2d conv(g, 4, 8, {3, 3});
  int line = __LINE__ + 1;
  Tensor y = conv(x);
  EXPECT_FALSE(y.valid());
  ASSERT_TRUE(g.failed());
  EXPECT_EQ(g.error()->loc.line, uint32_t(line));
  EXPECT_EQ(g.error()->loc.file, std::string_view(__FILE__));
  g.returns({x});
  auto built = g.build();
  ASSERT_FALSE(built);
  EXPECT_EQ(built.message().rfind(here(line), 0), 0u) << built.message();
  EXPECT_NE(built.message().find("'conv2d' channel mismatch: weight "
                                 "f32[8, 4, 3, 3] takes 4 channels"),
            std::string::npos)
      << built.message();
}

TEST(FrontendConv, WindowAndRankMistakesAreReportedAtTheCall) {
  {
    Graph g("t");
    Tensor x = g.input("x", f32({2, 3, 4, 4}));
    int line = __LINE__ + 1;
    Tensor y = x.maxPool2d({5, 5});
    EXPECT_FALSE(y.valid());
    ASSERT_TRUE(g.failed());
    EXPECT_EQ(g.error()->loc.line, uint32_t(line));
    EXPECT_NE(g.error()->message.find("'max_pool2d' window height of 5"),
              std::string::npos)
        << g.error()->message;
  }
  {
    Graph g("t");
    Tensor x = g.input("x", f32({6}));
    nn::Flatten flatten;
    int line = __LINE__ + 1;
    Tensor y = flatten(x);
    EXPECT_FALSE(y.valid());
    ASSERT_TRUE(g.failed());
    EXPECT_EQ(g.error()->loc.line, uint32_t(line));
    EXPECT_NE(g.error()->message.find("rank 2 or more, got f32[6]"),
              std::string::npos)
        << g.error()->message;
  }
}

TEST(FrontendConv, SequentialConvNetPrintsAsItsText) {
  Graph g("cnn");
  Tensor x = g.input("x", f32({4, 3, 8, 8}));
  nn::Sequential model(nn::Conv2d(g, 3, 6, {3, 3}, {.padding = {1, 1}}),
                       nn::BatchNorm2d(g, 6), nn::ReLU(), nn::MaxPool2d({2, 2}),
                       nn::Flatten(), nn::Linear(g, 96, 10));
  EXPECT_EQ(names(model),
            (std::vector<std::string>{"0.weight", "0.bias", "1.weight",
                                      "1.bias", "5.weight", "5.bias"}));
  Tensor logits = model(x).named("logits");
  EXPECT_EQ(logits.type().str(), "f32[4, 10]");
  g.returns({logits});
  EXPECT_EQ(buildAndPrint(g), reprint(R"(graph @cnn {
  %x = input f32[4, 3, 8, 8]
  %0.weight = param f32[6, 3, 3, 3] init = he_uniform
  %0.bias = param f32[6] init = zeros
  %1.weight = param f32[6] init = ones
  %1.bias = param f32[6] init = zeros
  %running_mean = state f32[6] init = zeros
  %running_var = state f32[6] init = ones
  %5.weight = param f32[96, 10] init = he_uniform
  %5.bias = param f32[10] init = zeros
  %logits = add (matmul (reshape (max_pool2d (relu (batch_norm
              (add (conv2d %x, %0.weight {padding = [1, 1]}),
                   (reshape %0.bias {shape = [1, 6, 1, 1]})),
              %1.weight, %1.bias, %running_mean, %running_var))
              {kernel = [2, 2]}) {shape = [4, 96]}), %5.weight), %5.bias
  return %logits
})"));
}

} // namespace
} // namespace voskhod
