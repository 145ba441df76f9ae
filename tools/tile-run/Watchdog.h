//===- Watchdog.h - ends tile-run when a kernel never finishes --*- C++ -*-===//
//
// A kernel with an endless loop (a loop bound that went negative, a wait on
// a barrier nobody arrives at) never returns from cuStreamSynchronize, and
// the CUDA driver cannot cancel a running kernel. The watchdog turns that
// hang into an error: while armed, a thread checks a deadline and, past it,
// prints what was running and ends the process (which tears down the
// context and with it the kernel).
//
//===----------------------------------------------------------------------===//
#ifndef TILE_TOOLS_TILE_RUN_WATCHDOG_H
#define TILE_TOOLS_TILE_RUN_WATCHDOG_H

#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

namespace tile {

class Watchdog {
public:
  /// `seconds` == 0 disables it.
  explicit Watchdog(unsigned seconds) : seconds(seconds) {
    if (seconds)
      thread = std::thread([this] { watch(); });
  }
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stopping = true;
    }
    wake.notify_all();
    if (thread.joinable())
      thread.join();
  }
  Watchdog(const Watchdog &) = delete;
  Watchdog &operator=(const Watchdog &) = delete;

  /// Arms the watchdog for `what` until the returned scope ends.
  class Scope {
  public:
    Scope(Watchdog &dog, std::string what) : dog(dog) {
      dog.arm(std::move(what));
    }
    ~Scope() { dog.disarm(); }

  private:
    Watchdog &dog;
  };

private:
  void arm(std::string what) {
    std::lock_guard<std::mutex> lock(mutex);
    running = std::move(what);
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    armed = true;
  }
  void disarm() {
    std::lock_guard<std::mutex> lock(mutex);
    armed = false;
  }
  void watch() {
    std::unique_lock<std::mutex> lock(mutex);
    while (!stopping) {
      wake.wait_for(lock, std::chrono::milliseconds(250));
      if (armed && std::chrono::steady_clock::now() > deadline) {
        llvm::outs().flush();
        llvm::errs() << "tile-run: error: " << running
                     << " did not finish within " << seconds
                     << " s; a kernel that never ends (an endless loop, a "
                        "wait nobody ends) cannot be stopped, so tile-run "
                        "exits (--kernel-timeout sets the limit, 0 turns it "
                        "off)\n";
        llvm::errs().flush();
        std::_Exit(1);
      }
    }
  }

  unsigned seconds;
  std::mutex mutex;
  std::condition_variable wake;
  std::thread thread;
  std::string running;
  std::chrono::steady_clock::time_point deadline;
  bool armed = false, stopping = false;
};

} // namespace tile

#endif // TILE_TOOLS_TILE_RUN_WATCHDOG_H
