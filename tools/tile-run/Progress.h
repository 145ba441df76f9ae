//===- Progress.h - a progress line on stderr for long work ----*- C++ -*-===//
//
// Compiling and tuning a whole space takes minutes. On a terminal, one line
// on stderr is rewritten as configs finish (done of total, the best so far,
// elapsed and an estimate of what is left) and erased at the end; anywhere
// else (a log, CI) a plain line is printed at most every `plainEvery`
// seconds, so short runs print nothing and logs stay readable.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_TOOLS_TILE_RUN_PROGRESS_H
#define TILE_TOOLS_TILE_RUN_PROGRESS_H

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <mutex>
#include <string>

namespace tile {

class Progress {
public:
  using Clock = std::chrono::steady_clock;

  /// `what`: e.g. "compiling"; `interactive`: rewrite one line (a
  /// terminal) rather than print plain lines.
  Progress(llvm::raw_ostream &os, std::string what, size_t total,
           bool interactive, double plainEvery = 10)
      : os(os), what(std::move(what)), total(total), interactive(interactive),
        plainEvery(plainEvery), start(Clock::now()), lastPlain(start) {}
  ~Progress() { finish(); }

  /// One more config done; `best` (optional) is shown as the best so far.
  void step(const std::string &best = "") {
    std::lock_guard<std::mutex> lock(mutex);
    ++done;
    if (!best.empty())
      bestSoFar = best;
    auto now = Clock::now();
    if (interactive) {
      os << "\r" << line(now) << "\x1b[K";
      os.flush();
      shown = true;
    } else if (seconds(now - lastPlain) >= plainEvery && done < total) {
      os << "tile-run: " << line(now) << "\n";
      os.flush();
      lastPlain = now;
    }
  }

  /// Erases the live line (a terminal); idempotent.
  void finish() {
    std::lock_guard<std::mutex> lock(mutex);
    if (interactive && shown) {
      os << "\r\x1b[K";
      os.flush();
    }
    shown = false;
  }

  /// "compiling 12/32 configs, best 712.3 TFLOP/s, 0:14 elapsed, ~0:23
  /// left": what the line says at `now`.
  std::string line(Clock::time_point now) const {
    double elapsed = seconds(now - start);
    std::string text = llvm::formatv("{0} {1}/{2} configs", what, done, total);
    if (!bestSoFar.empty())
      text += ", best " + bestSoFar;
    text += ", " + clock(elapsed) + " elapsed";
    if (done > 0 && done < total)
      text += ", ~" + clock(elapsed / double(done) * double(total - done)) +
              " left";
    return text;
  }

private:
  static double seconds(Clock::duration d) {
    return std::chrono::duration<double>(d).count();
  }
  static std::string clock(double s) {
    long total = static_cast<long>(s + 0.5);
    return llvm::formatv("{0}:{1,0+2}", total / 60, total % 60).str();
  }

  llvm::raw_ostream &os;
  std::string what;
  size_t total, done = 0;
  bool interactive;
  double plainEvery;
  Clock::time_point start, lastPlain;
  std::string bestSoFar;
  bool shown = false;
  mutable std::mutex mutex;
};

} // namespace tile

#endif // TILE_TOOLS_TILE_RUN_PROGRESS_H
