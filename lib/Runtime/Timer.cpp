//===- Timer.cpp - timing GPU work with CUDA events -----------------------===//

#include "tile/Runtime/Timer.h"

#include <algorithm>

using namespace tile;
using namespace tile::runtime;

TimingResult tile::runtime::summarizeSamples(llvm::ArrayRef<float> samplesMs) {
  TimingResult result;
  result.samplesMs.assign(samplesMs.begin(), samplesMs.end());
  if (samplesMs.empty())
    return result;
  std::vector<float> sorted(samplesMs.begin(), samplesMs.end());
  std::sort(sorted.begin(), sorted.end());
  size_t n = sorted.size();
  result.minMs = sorted.front();
  result.maxMs = sorted.back();
  result.medianMs = n % 2 ? sorted[n / 2]
                          : 0.5 * (double(sorted[n / 2 - 1]) + sorted[n / 2]);
  double sum = 0;
  for (float s : sorted)
    sum += s;
  result.meanMs = sum / double(n);
  auto percentile = [&](double q) {
    double at = q * double(n - 1);
    size_t lo = static_cast<size_t>(at);
    size_t hi = std::min(lo + 1, n - 1);
    return sorted[lo] + (at - double(lo)) * (double(sorted[hi]) - sorted[lo]);
  };
  result.p20Ms = percentile(0.2);
  result.p80Ms = percentile(0.8);
  return result;
}

llvm::Expected<Timer> Timer::create(CudaDriver &driver, CUstream stream,
                                    const TimingOptions &options) {
  Timer timer(driver, stream, options);
  if (options.flushL2 && options.flushBytes) {
    auto buffer = DeviceBuffer::allocate(driver, options.flushBytes);
    if (!buffer)
      return buffer.takeError();
    timer.scratch = std::move(*buffer);
  }
  return std::move(timer);
}

llvm::Expected<TimingResult> Timer::time(TimedWork work) {
  unsigned n = options.iterations;
  // Enough events for all timed runs; recorded back to back, read at the end,
  // so the host never stalls the stream between runs.
  while (starts.size() < n) {
    auto start = Event::create(*driver);
    if (!start)
      return start.takeError();
    auto stop = Event::create(*driver);
    if (!stop)
      return stop.takeError();
    starts.push_back(std::move(*start));
    stops.push_back(std::move(*stop));
  }
  auto flush = [&]() -> llvm::Error {
    if (!scratch.size())
      return llvm::Error::success();
    // Alternate the byte so no run sees an unchanged buffer.
    return scratch.fillAsync(static_cast<uint8_t>(++flushCount & 0xFF),
                             stream);
  };
  for (unsigned i = 0; i < options.warmup; ++i) {
    if (auto err = flush())
      return std::move(err);
    if (auto err = work(stream))
      return std::move(err);
  }
  for (unsigned i = 0; i < n; ++i) {
    if (auto err = flush())
      return std::move(err);
    if (auto err = starts[i].record(stream))
      return std::move(err);
    if (auto err = work(stream))
      return std::move(err);
    if (auto err = stops[i].record(stream))
      return std::move(err);
  }
  // Surfaces errors of the work itself (illegal address, ...).
  if (auto err = driver->check(driver->cuStreamSynchronize(stream),
                               "cuStreamSynchronize"))
    return std::move(err);
  std::vector<float> samples;
  samples.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    auto ms = stops[i].elapsedSince(starts[i]);
    if (!ms)
      return ms.takeError();
    samples.push_back(*ms);
  }
  return summarizeSamples(samples);
}

llvm::Expected<TimingResult> tile::runtime::timeWork(CudaDriver &driver,
                                                     CUstream stream,
                                                     TimedWork work,
                                                     const TimingOptions &options) {
  auto timer = Timer::create(driver, stream, options);
  if (!timer)
    return timer.takeError();
  return timer->time(work);
}
