//===- Timer.h - timing GPU work with CUDA events ---------------*- C++ -*-===//
//
// Times a callable that enqueues work on a stream: a few warm-up runs, then
// N timed runs, each bracketed by CUDA events and preceded (outside the timed
// region) by an L2 flush: a cuMemsetD8Async over a 256 MiB scratch buffer,
// several times the H100/H200 L2 (50-60 MB), so every run starts cold.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_RUNTIME_TIMER_H
#define TILE_RUNTIME_TIMER_H

#include "tile/Runtime/CudaDriver.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"

#include <cstddef>
#include <vector>

namespace tile {
namespace runtime {

struct TimingOptions {
  unsigned warmup = 3;
  unsigned iterations = 10;
  /// Flush L2 before each run (warm-ups included).
  bool flushL2 = true;
  size_t flushBytes = size_t(256) << 20;
};

struct TimingResult {
  double medianMs = 0;
  double minMs = 0;
  double meanMs = 0;
  double maxMs = 0;
  /// 20th and 80th percentiles (linear between the sorted samples).
  double p20Ms = 0, p80Ms = 0;
  /// (p80 - p20) / median: how much the runs disagree.
  double spread() const { return medianMs > 0 ? (p80Ms - p20Ms) / medianMs : 0; }
  std::vector<float> samplesMs; // one per timed run, in run order
};

/// Median (mean of the middle two for an even count), min, mean, max and
/// the 20th/80th percentiles of `samples`; all zero when empty.
TimingResult summarizeSamples(llvm::ArrayRef<float> samplesMs);

/// The work to time: enqueue it on `stream` (asynchronously).
using TimedWork = llvm::function_ref<llvm::Error(CUstream stream)>;

/// Holds the scratch buffer and events, so many kernels can be timed without
/// reallocating them.
class Timer {
public:
  /// Allocates the flush buffer (an OutOfMemoryError if it does not fit).
  static llvm::Expected<Timer> create(CudaDriver &driver, CUstream stream,
                                      const TimingOptions &options = {});

  /// Runs `work` options.warmup + options.iterations times on the stream and
  /// returns the event times of the timed runs. Any error from `work` or the
  /// driver ends the measurement and is returned.
  llvm::Expected<TimingResult> time(TimedWork work);

  const TimingOptions &getOptions() const { return options; }

private:
  Timer(CudaDriver &driver, CUstream stream, const TimingOptions &options)
      : driver(&driver), stream(stream), options(options) {}

  CudaDriver *driver;
  CUstream stream;
  TimingOptions options;
  DeviceBuffer scratch;
  std::vector<Event> starts, stops;
  unsigned flushCount = 0;
};

/// One-shot convenience: creates a Timer and times `work`.
llvm::Expected<TimingResult> timeWork(CudaDriver &driver, CUstream stream,
                                      TimedWork work,
                                      const TimingOptions &options = {});

} // namespace runtime
} // namespace tile

#endif // TILE_RUNTIME_TIMER_H
