//===- trainer/Plot.h - line charts as self-contained SVG -----------------===//
///
/// Draws named curves on one pair of axes and returns the SVG text: a
/// title, labelled axes with "nice" ticks (steps of 1, 2 or 5 times a power
/// of ten, or powers of ten on a logarithmic y axis), a legend, and one
/// polyline per curve (optionally with point markers, for curves sampled
/// once an epoch). Loss curves of a run and several optimisers' curves in
/// one comparison both use it. Points with a non-finite coordinate (a loss
/// that diverged) break the line instead of stretching the axes to
/// infinity. It needs no fonts, scripts or external files, and it
/// deliberately offers no styling beyond that.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

namespace voskhod::rt {

struct Curve {
  std::string name;
  std::vector<double> x, y;
  /// Draw a dot at every point as well as the line.
  bool markers = false;
};

struct PlotOptions {
  std::string title;
  std::string xLabel = "x";
  std::string yLabel = "y";
  int width = 720;
  int height = 440;
  bool logY = false;
};

std::string renderSvg(const std::vector<Curve> &curves,
                      const PlotOptions &options);

} // namespace voskhod::rt
