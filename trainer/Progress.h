//===- trainer/Progress.h - what a training run shows while it runs -------===//
///
/// On a terminal, one line redrawn in place (`\r`): epoch, a bar, batch,
/// global step, the latest loss, throughput in examples per second and the
/// time left for the whole run, extrapolated from the steps so far. Into a
/// pipe or a log file, where `\r` makes a mess, plain lines instead, about
/// ten per epoch. Epoch summaries and messages are always whole lines.
///
/// Redraws are limited to ten a second so that a fast step is not slowed
/// by the terminal. Timing only decides what is shown, never what is
/// computed. The formatting is exposed as pure functions so tests can
/// check it without a clock.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace voskhod::rt {

struct ProgressSnapshot {
  int64_t epoch = 0; // 0-based
  int64_t epochs = 0;
  int64_t batch = 0; // batches done in this epoch
  int64_t batches = 0;
  int64_t step = 0; // steps done in the whole run
  double loss = 0;
  double examplesPerSecond = 0;
  /// Negative when not yet known.
  double secondsLeft = -1;
};

/// "0:07", "12:05", "1:02:03"; "--:--" when unknown.
std::string formatDuration(double seconds);

/// One progress line, with a bar of `barWidth` cells when it is non-zero.
std::string formatProgress(const ProgressSnapshot &snapshot, int barWidth);

class ProgressReporter {
public:
  enum class Style { Bar, Lines, Quiet };

  /// Bar on a terminal, Lines otherwise.
  static Style styleFor(std::FILE *stream);

  ProgressReporter(std::FILE *stream, Style style);

  /// Called once: the run's size and how much of it a resumed run has done.
  void begin(int64_t epochs, int64_t batchesPerEpoch, int64_t batchSize,
             int64_t stepsDone);
  void step(int64_t epoch, int64_t batch, int64_t globalStep, double loss);
  /// A whole line (an epoch summary, a warning), below any bar.
  void line(const std::string &text);

private:
  void clearBar();

  std::FILE *stream_;
  Style style_;
  int64_t epochs_ = 0, batches_ = 0, batchSize_ = 0;
  int64_t firstStep_ = 0;
  std::chrono::steady_clock::time_point start_, lastDraw_;
  bool barShown_ = false;
};

} // namespace voskhod::rt
