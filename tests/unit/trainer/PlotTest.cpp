//===- tests/unit/trainer/PlotTest.cpp - SVG charts are well formed -------===//
#include "trainer/Plot.h"
#include "SvgCheck.h"
#include "runtime/Random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace voskhod::rt;
using namespace voskhod::rt::testing;

namespace {

Curve randomCurve(const std::string &name, uint64_t seed, int n) {
  Curve c{name, {}, {}, false};
  double y = 2.5;
  for (int i = 0; i < n; ++i) {
    y *= 0.9 + 0.15 * uniform01(seed, 0, i);
    c.x.push_back(i);
    c.y.push_back(y);
  }
  return c;
}

std::vector<const XmlElement *> withClass(const std::vector<XmlElement> &els,
                                          const std::string &cls) {
  std::vector<const XmlElement *> found;
  for (const XmlElement &e : els) {
    auto it = e.attributes.find("class");
    if (it != e.attributes.end() && it->second == cls)
      found.push_back(&e);
  }
  return found;
}

TEST(Plot, SeveralNamedCurvesWithAxesAndLegend) {
  PlotOptions options;
  options.title = "optimisers <compared>";
  options.xLabel = "step";
  options.yLabel = "loss";
  std::vector<Curve> curves = {randomCurve("sgd", 1, 40),
                               randomCurve("adam & co", 2, 40),
                               randomCurve("rmsprop", 3, 40)};
  std::string svg = renderSvg(curves, options);
  std::string error;
  auto elements = parseXml(svg, error);
  ASSERT_EQ(error, "") << svg;
  auto groups = withClass(elements, "curve");
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[1]->attributes.at("data-name"), "adam &amp; co");
  int polylines = 0, ticks = 0;
  for (const XmlElement &e : elements) {
    polylines += e.name == "polyline";
    if (e.name == "polyline") {
      // 40 points, each "x,y" and inside the canvas.
      std::string points = e.attributes.at("points");
      EXPECT_EQ(std::count(points.begin(), points.end(), ','), 40);
    }
  }
  EXPECT_EQ(polylines, 3);
  for (const char *cls : {"x-ticks", "y-ticks"}) {
    auto g = withClass(elements, cls);
    ASSERT_EQ(g.size(), 1u);
    ticks = 0;
    for (const XmlElement &e : elements)
      ticks += e.name == "text";
    EXPECT_GE(ticks, 6);
  }
  EXPECT_EQ(withClass(elements, "x-label")[0]->text, "step");
  EXPECT_EQ(withClass(elements, "y-label")[0]->text, "loss");
  EXPECT_EQ(withClass(elements, "title")[0]->text,
            "optimisers &lt;compared&gt;");
  auto legend = withClass(elements, "legend");
  ASSERT_EQ(legend.size(), 1u);
  EXPECT_NE(svg.find(">rmsprop</text>"), std::string::npos);
}

TEST(Plot, NonFiniteValuesBreakTheLine) {
  Curve c = randomCurve("diverging", 4, 10);
  c.y[5] = std::nan("");
  c.y[9] = INFINITY;
  std::string error;
  auto elements = parseXml(renderSvg({c}, {}), error);
  ASSERT_EQ(error, "");
  int polylines = 0;
  for (const XmlElement &e : elements)
    polylines += e.name == "polyline";
  EXPECT_EQ(polylines, 2);
  EXPECT_EQ(renderSvg({c}, {}).find("nan"), std::string::npos);
  EXPECT_EQ(renderSvg({c}, {}).find("inf"), std::string::npos);
}

TEST(Plot, LogAxisAndDegenerateInputs) {
  PlotOptions log;
  log.logY = true;
  Curve c = randomCurve("loss", 5, 30);
  c.y[3] = -1; // not drawable on a log axis
  std::string error;
  auto elements = parseXml(renderSvg({c}, log), error);
  ASSERT_EQ(error, "");
  // Empty, single-point and constant curves still make a valid picture.
  for (const Curve &d :
       {Curve{"empty", {}, {}, false}, Curve{"one", {3}, {0.5}, true},
        Curve{"flat", {0, 1, 2}, {2, 2, 2}, false}}) {
    parseXml(renderSvg({d}, {}), error);
    EXPECT_EQ(error, "") << d.name;
  }
  parseXml(renderSvg({}, {}), error);
  EXPECT_EQ(error, "");
}

TEST(SvgCheck, RejectsMalformedXml) {
  std::string error;
  for (const char *bad :
       {"<svg><g></svg>", "<svg a=1></svg>", "<svg>&bogus;</svg>",
        "<svg></svg><svg></svg>", "<svg><text>a<b</text></svg>"}) {
    error.clear();
    parseXml(bad, error);
    EXPECT_NE(error, "") << bad;
  }
}

} // namespace
