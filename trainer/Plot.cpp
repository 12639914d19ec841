//===- trainer/Plot.cpp - line charts as self-contained SVG ---------------===//
#include "trainer/Plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace voskhod::rt {
namespace {

/// Colour-blind-safe (Okabe-Ito) colours, in legend order.
const char *const kColours[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                "#e69f00", "#56b4e9", "#000000", "#f0e442"};

std::string escapeXml(const std::string &text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      // Control characters are not allowed in XML 1.0 text.
      if (uint8_t(c) >= 0x20 || c == '\t' || c == '\n')
        out += c;
    }
  }
  return out;
}

std::string fixed(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

std::string tickLabel(double v, double step) {
  if (std::fabs(v) < step * 1e-9)
    v = 0; // avoid "-0" and "1e-17"
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

struct Axis {
  double lo, hi;
  std::vector<double> ticks;
};

/// A linear axis covering [lo, hi], widened to whole tick steps.
Axis linearAxis(double lo, double hi) {
  if (!(hi > lo)) {
    double pad = lo == 0 ? 1 : std::fabs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  double rough = (hi - lo) / 5;
  double power = std::pow(10.0, std::floor(std::log10(rough)));
  double step = power;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * power >= rough) {
      step = m * power;
      break;
    }
  if (!(step > 0) || !std::isfinite(step))
    step = 1; // a range too small or too large for doubles to step through
  Axis axis{std::floor(lo / step) * step, std::ceil(hi / step) * step, {}};
  // Multiplying, not accumulating, keeps tick values exact multiples; the
  // cap bounds the work whatever the data.
  for (int i = 0; i <= 50; ++i) {
    double t = axis.lo + i * step;
    if (t > axis.hi + step * 1e-9)
      break;
    axis.ticks.push_back(t);
  }
  return axis;
}

/// A log10 axis: bounds and ticks are exponents.
Axis logAxis(double lo, double hi) {
  Axis axis{std::floor(std::log10(lo)), std::ceil(std::log10(hi)), {}};
  if (axis.hi <= axis.lo)
    axis.hi = axis.lo + 1;
  // One tick per decade, at most 50 of them.
  double stride = std::ceil((axis.hi - axis.lo) / 50);
  for (double e = axis.lo; e <= axis.hi; e += stride)
    axis.ticks.push_back(e);
  return axis;
}

} // namespace

std::string renderSvg(const std::vector<Curve> &curves,
                      const PlotOptions &options) {
  const double inf = std::numeric_limits<double>::infinity();
  auto usable = [&](double x, double y) {
    return std::isfinite(x) && std::isfinite(y) && (!options.logY || y > 0);
  };
  double xlo = inf, xhi = -inf, ylo = inf, yhi = -inf;
  for (const Curve &c : curves)
    for (size_t i = 0; i < std::min(c.x.size(), c.y.size()); ++i)
      if (usable(c.x[i], c.y[i])) {
        xlo = std::min(xlo, c.x[i]);
        xhi = std::max(xhi, c.x[i]);
        ylo = std::min(ylo, c.y[i]);
        yhi = std::max(yhi, c.y[i]);
      }
  if (xlo > xhi) {
    xlo = 0;
    xhi = 1;
    ylo = options.logY ? 1 : 0;
    yhi = options.logY ? 10 : 1;
  }
  Axis xAxis = linearAxis(xlo, xhi);
  Axis yAxis = options.logY ? logAxis(ylo, yhi) : linearAxis(ylo, yhi);

  const double left = 72, right = 24, top = 40, bottom = 56;
  double w = options.width, h = options.height;
  double plotW = w - left - right, plotH = h - top - bottom;
  auto px = [&](double x) {
    return left + (x - xAxis.lo) / (xAxis.hi - xAxis.lo) * plotW;
  };
  auto py = [&](double y) {
    double v = options.logY ? std::log10(y) : y;
    return top + plotH - (v - yAxis.lo) / (yAxis.hi - yAxis.lo) * plotH;
  };

  std::string s;
  s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
       std::to_string(options.width) + "\" height=\"" +
       std::to_string(options.height) + "\" viewBox=\"0 0 " +
       std::to_string(options.width) + " " + std::to_string(options.height) +
       "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  if (!options.title.empty())
    s += "<text class=\"title\" x=\"" + fixed(w / 2) +
         "\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">" +
         escapeXml(options.title) + "</text>\n";

  // Grid and ticks.
  s += "<g class=\"grid\" stroke=\"#dddddd\" stroke-width=\"1\">\n";
  for (double t : xAxis.ticks)
    s += "<line x1=\"" + fixed(px(t)) + "\" y1=\"" + fixed(top) + "\" x2=\"" +
         fixed(px(t)) + "\" y2=\"" + fixed(top + plotH) + "\"/>\n";
  for (double t : yAxis.ticks) {
    double y = top + plotH - (t - yAxis.lo) / (yAxis.hi - yAxis.lo) * plotH;
    s += "<line x1=\"" + fixed(left) + "\" y1=\"" + fixed(y) + "\" x2=\"" +
         fixed(left + plotW) + "\" y2=\"" + fixed(y) + "\"/>\n";
  }
  s += "</g>\n";
  s += "<g class=\"x-ticks\" text-anchor=\"middle\">\n";
  double xStep = xAxis.ticks.size() > 1 ? xAxis.ticks[1] - xAxis.ticks[0] : 1;
  for (double t : xAxis.ticks)
    s += "<text x=\"" + fixed(px(t)) + "\" y=\"" + fixed(top + plotH + 18) +
         "\">" + tickLabel(t, xStep) + "</text>\n";
  s += "</g>\n<g class=\"y-ticks\" text-anchor=\"end\">\n";
  double yStep = yAxis.ticks.size() > 1 ? yAxis.ticks[1] - yAxis.ticks[0] : 1;
  for (double t : yAxis.ticks) {
    double y = top + plotH - (t - yAxis.lo) / (yAxis.hi - yAxis.lo) * plotH;
    std::string label = options.logY ? tickLabel(std::pow(10.0, t), 1e-300)
                                     : tickLabel(t, yStep);
    s += "<text x=\"" + fixed(left - 6) + "\" y=\"" + fixed(y + 4) + "\">" +
         label + "</text>\n";
  }
  s += "</g>\n";
  s += "<rect class=\"frame\" x=\"" + fixed(left) + "\" y=\"" + fixed(top) +
       "\" width=\"" + fixed(plotW) + "\" height=\"" + fixed(plotH) +
       "\" fill=\"none\" stroke=\"#444444\"/>\n";
  s += "<text class=\"x-label\" x=\"" + fixed(left + plotW / 2) + "\" y=\"" +
       fixed(h - 12) + "\" text-anchor=\"middle\">" +
       escapeXml(options.xLabel) + "</text>\n";
  s += "<text class=\"y-label\" x=\"16\" y=\"" + fixed(top + plotH / 2) +
       "\" text-anchor=\"middle\" transform=\"rotate(-90 16 " +
       fixed(top + plotH / 2) + ")\">" + escapeXml(options.yLabel) +
       "</text>\n";

  // Curves: a non-usable point ends the current polyline.
  for (size_t ci = 0; ci < curves.size(); ++ci) {
    const Curve &c = curves[ci];
    std::string colour = kColours[ci % std::size(kColours)];
    s += "<g class=\"curve\" data-name=\"" + escapeXml(c.name) +
         "\" stroke=\"" + colour + "\" fill=\"" + colour + "\">\n";
    std::string points;
    auto flush = [&] {
      if (!points.empty())
        s += "<polyline fill=\"none\" stroke-width=\"1.5\" points=\"" + points +
             "\"/>\n";
      points.clear();
    };
    for (size_t i = 0; i < std::min(c.x.size(), c.y.size()); ++i) {
      if (!usable(c.x[i], c.y[i])) {
        flush();
        continue;
      }
      if (!points.empty())
        points += ' ';
      points += fixed(px(c.x[i])) + "," + fixed(py(c.y[i]));
      if (c.markers)
        s += "<circle cx=\"" + fixed(px(c.x[i])) + "\" cy=\"" +
             fixed(py(c.y[i])) + "\" r=\"3\" stroke=\"none\"/>\n";
    }
    flush();
    s += "</g>\n";
  }

  // Legend, top right inside the frame.
  if (!curves.empty()) {
    size_t longest = 0;
    for (const Curve &c : curves)
      longest = std::max(longest, c.name.size());
    double boxW = 36 + 7.0 * double(longest), boxH = 8 + 18.0 * curves.size();
    double bx = left + plotW - boxW - 8, by = top + 8;
    s += "<g class=\"legend\">\n<rect x=\"" + fixed(bx) + "\" y=\"" +
         fixed(by) + "\" width=\"" + fixed(boxW) + "\" height=\"" +
         fixed(boxH) +
         "\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#aaaaaa\"/>\n";
    for (size_t ci = 0; ci < curves.size(); ++ci) {
      double y = by + 16 + 18.0 * ci;
      std::string colour = kColours[ci % std::size(kColours)];
      s += "<line x1=\"" + fixed(bx + 6) + "\" y1=\"" + fixed(y - 4) +
           "\" x2=\"" + fixed(bx + 26) + "\" y2=\"" + fixed(y - 4) +
           "\" stroke=\"" + colour + "\" stroke-width=\"2\"/>\n";
      s += "<text x=\"" + fixed(bx + 30) + "\" y=\"" + fixed(y) + "\">" +
           escapeXml(curves[ci].name) + "</text>\n";
    }
    s += "</g>\n";
  }
  s += "</svg>\n";
  return s;
}

} // namespace voskhod::rt
