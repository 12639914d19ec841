//===- trainer/Progress.cpp - what a training run shows while it runs -----===//
#include "trainer/Progress.h"

#include <algorithm>
#include <cmath>
#include <unistd.h>

namespace voskhod::rt {

std::string formatDuration(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds) || seconds > 3.6e8)
    return "--:--";
  int64_t s = int64_t(std::llround(seconds));
  char b[32];
  if (s >= 3600)
    std::snprintf(b, sizeof b, "%lld:%02lld:%02lld", (long long)(s / 3600),
                  (long long)(s / 60 % 60), (long long)(s % 60));
  else
    std::snprintf(b, sizeof b, "%lld:%02lld", (long long)(s / 60),
                  (long long)(s % 60));
  return b;
}

std::string formatProgress(const ProgressSnapshot &p, int barWidth) {
  char b[256];
  std::string s;
  std::snprintf(b, sizeof b, "epoch %lld/%lld ", (long long)(p.epoch + 1),
                (long long)p.epochs);
  s += b;
  if (barWidth > 0) {
    int filled = p.batches > 0 ? int(p.batch * barWidth / p.batches) : 0;
    s += '[';
    for (int i = 0; i < barWidth; ++i)
      s += i < filled ? '=' : (i == filled ? '>' : ' ');
    s += "] ";
  }
  std::snprintf(
      b, sizeof b, "batch %lld/%lld step %lld loss %.4g %.0f ex/s left %s",
      (long long)p.batch, (long long)p.batches, (long long)p.step, p.loss,
      p.examplesPerSecond, formatDuration(p.secondsLeft).c_str());
  return s + b;
}

ProgressReporter::Style ProgressReporter::styleFor(std::FILE *stream) {
  return ::isatty(::fileno(stream)) ? Style::Bar : Style::Lines;
}

ProgressReporter::ProgressReporter(std::FILE *stream, Style style)
    : stream_(stream), style_(style) {}

void ProgressReporter::begin(int64_t epochs, int64_t batchesPerEpoch,
                             int64_t batchSize, int64_t stepsDone) {
  epochs_ = epochs;
  batches_ = batchesPerEpoch;
  batchSize_ = batchSize;
  firstStep_ = stepsDone;
  start_ = lastDraw_ = std::chrono::steady_clock::now();
}

void ProgressReporter::step(int64_t epoch, int64_t batch, int64_t globalStep,
                            double loss) {
  if (style_ == Style::Quiet)
    return;
  bool lastOfEpoch = batch == batches_;
  auto now = std::chrono::steady_clock::now();
  if (style_ == Style::Lines) {
    int64_t every = std::max<int64_t>(1, (batches_ + 9) / 10);
    if (batch % every != 0 && !lastOfEpoch)
      return;
  } else if (!lastOfEpoch && now - lastDraw_ < std::chrono::milliseconds(100)) {
    return;
  }
  lastDraw_ = now;
  double elapsed = std::chrono::duration<double>(now - start_).count();
  int64_t done = globalStep - firstStep_;
  int64_t remaining = epochs_ * batches_ - globalStep;
  ProgressSnapshot p;
  p.epoch = epoch;
  p.epochs = epochs_;
  p.batch = batch;
  p.batches = batches_;
  p.step = globalStep;
  p.loss = loss;
  p.examplesPerSecond = elapsed > 0 ? double(done * batchSize_) / elapsed : 0.0;
  p.secondsLeft = done > 0 ? elapsed / double(done) * double(remaining) : -1;
  if (style_ == Style::Bar) {
    std::fprintf(stream_, "\r%s\033[K", formatProgress(p, 24).c_str());
    barShown_ = true;
  } else {
    std::fprintf(stream_, "%s\n", formatProgress(p, 0).c_str());
  }
  std::fflush(stream_);
}

void ProgressReporter::line(const std::string &text) {
  if (style_ == Style::Quiet)
    return;
  clearBar();
  std::fprintf(stream_, "%s\n", text.c_str());
  std::fflush(stream_);
}

void ProgressReporter::clearBar() {
  if (barShown_)
    std::fputs("\r\033[K", stream_);
  barShown_ = false;
}

} // namespace voskhod::rt
