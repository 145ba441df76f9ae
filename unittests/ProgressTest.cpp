//===- ProgressTest.cpp - tile-run's progress line ------------------------===//

#include "Progress.h"

#include <gtest/gtest.h>

using namespace tile;

TEST(Progress, PlainLinesOnlyForLongWork) {
  std::string text;
  llvm::raw_string_ostream os(text);
  {
    // Not a terminal: nothing for work that ends before `plainEvery`.
    Progress progress(os, "compiling", 3, /*interactive=*/false,
                      /*plainEvery=*/3600);
    progress.step();
    progress.step();
    progress.step();
  }
  EXPECT_EQ(text, "");
  {
    // plainEvery = 0: a plain line per step, none after the last.
    Progress progress(os, "compiling", 3, /*interactive=*/false,
                      /*plainEvery=*/0);
    progress.step();
    progress.step("712.3 TFLOP/s");
    progress.step();
  }
  EXPECT_NE(text.find("tile-run: compiling 1/3 configs, 0:00 elapsed, ~0:00 "
                      "left\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tile-run: compiling 2/3 configs, best 712.3 TFLOP/s"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("3/3"), std::string::npos) << text;
  EXPECT_EQ(text.find('\r'), std::string::npos) << text;
}

TEST(Progress, OneLiveLineOnATerminal) {
  std::string text;
  llvm::raw_string_ostream os(text);
  {
    Progress progress(os, "verifying and timing", 2, /*interactive=*/true);
    progress.step("100.0 TFLOP/s");
    EXPECT_EQ(text, "\rverifying and timing 1/2 configs, best 100.0 TFLOP/s, "
                    "0:00 elapsed, ~0:00 left\x1b[K");
    progress.step("120.0 TFLOP/s");
  }
  // The line is rewritten in place and erased at the end.
  EXPECT_NE(text.find("\rverifying and timing 2/2 configs, best 120.0 "
                      "TFLOP/s, 0:00 elapsed\x1b[K"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.substr(text.size() - 4), "\r\x1b[K");
  EXPECT_EQ(text.find('\n'), std::string::npos);
}

TEST(Progress, EstimatesWhatIsLeft) {
  std::string text;
  llvm::raw_string_ostream os(text);
  Progress progress(os, "compiling", 4, /*interactive=*/false, 3600);
  auto start = Progress::Clock::now();
  progress.step();
  // One of four done after 90 s: about 4:30 left.
  std::string line = progress.line(start + std::chrono::seconds(90));
  EXPECT_NE(line.find("1:30 elapsed, ~4:30 left"), std::string::npos) << line;
}
