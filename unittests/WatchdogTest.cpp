//===- WatchdogTest.cpp - tile-run's watchdog ends a hung run -------------===//

#include "Watchdog.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

using namespace tile;

// A run that outlives the limit ends the process with status 1 and says
// what was running.
TEST(WatchdogDeathTest, EndsAHungRun) {
  EXPECT_EXIT(
      {
        Watchdog dog(1);
        Watchdog::Scope scope(dog, "config X of S=1");
        std::this_thread::sleep_for(std::chrono::seconds(5));
      },
      testing::ExitedWithCode(1),
      "config X of S=1 did not finish within 1 s");
}

// Runs that end in time, and a disabled watchdog, leave the process alone.
TEST(Watchdog, QuietWhenRunsEnd) {
  Watchdog dog(1);
  for (int i = 0; i < 3; ++i) {
    Watchdog::Scope scope(dog, "quick");
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500)); // disarmed
  Watchdog off(0);
  Watchdog::Scope scope(off, "unlimited");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  SUCCEED();
}
