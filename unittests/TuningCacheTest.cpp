//===- TuningCacheTest.cpp - the tuning cache of lib/Tuner ---------------===//

#include "tile/Tuner/TuningCache.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

using namespace tile;

namespace {

/// A fresh directory under the system's temporary directory, removed after
/// the test.
struct TempDir {
  llvm::SmallString<128> path;
  TempDir() {
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("tile-cache-test", path));
  }
  ~TempDir() { llvm::sys::fs::remove_directories(path); }
};

TuningKey sampleKey() {
  return {"gemm", "0123456789abcdef", "M=64,N=64,K=64", "bf16",
          "NVIDIA H100 80GB HBM3", "tile 0.3.0 (commit abc) chip=sm_90a"};
}

void writeFile(const std::string &path, const std::string &text) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  ASSERT_FALSE(ec);
  os << text;
}

TEST(TuningCache, RecordsAndFindsAConfig) {
  TempDir dir;
  TuningCache cache(std::string(dir.path));
  std::vector<std::string> warnings;
  auto warn = [&](const llvm::Twine &m) { warnings.push_back(m.str()); };
  EXPECT_EQ(cache.lookup(sampleKey(), warn), std::nullopt);
  EXPECT_TRUE(warnings.empty()) << "a missing entry is a silent miss";
  ASSERT_FALSE(llvm::errorToBool(cache.store(sampleKey(), "BLOCK_M=128")));
  EXPECT_EQ(cache.lookup(sampleKey(), warn), std::optional<std::string>("BLOCK_M=128"));
  // A second store replaces the entry.
  ASSERT_FALSE(llvm::errorToBool(cache.store(sampleKey(), "BLOCK_M=64")));
  EXPECT_EQ(cache.lookup(sampleKey(), warn), std::optional<std::string>("BLOCK_M=64"));
  EXPECT_TRUE(warnings.empty());
  // The entry lives under configs/, named after the kernel.
  std::string path = cache.entryPath(sampleKey());
  EXPECT_TRUE(llvm::StringRef(path).starts_with(std::string(dir.path)));
  EXPECT_TRUE(llvm::sys::path::filename(path).starts_with("gemm-"));
  // No temporary file is left behind.
  std::error_code ec;
  int files = 0;
  for (llvm::sys::fs::directory_iterator it(llvm::sys::path::parent_path(path), ec), end;
       it != end && !ec; it.increment(ec))
    ++files;
  EXPECT_EQ(files, 1);
}

TEST(TuningCache, EveryKeyFieldSelectsItsOwnEntry) {
  TempDir dir;
  TuningCache cache(std::string(dir.path));
  ASSERT_FALSE(llvm::errorToBool(cache.store(sampleKey(), "BLOCK_M=128")));
  auto ignore = [](const llvm::Twine &) {};
  std::vector<TuningKey> others(6, sampleKey());
  others[0].kernel = "gemm_nt";
  others[1].kernelHash = "fedcba9876543210"; // the kernel's source changed
  others[2].shape = "M=64,N=64,K=128";
  others[3].dtype = "f16";
  others[4].device = "NVIDIA H200";
  others[5].compiler = "tile 0.3.1 (commit def) chip=sm_90a";
  for (const TuningKey &key : others) {
    EXPECT_NE(cache.entryPath(key), cache.entryPath(sampleKey()));
    EXPECT_EQ(cache.lookup(key, ignore), std::nullopt) << key.text();
  }
}

TEST(TuningCache, DamagedOrForeignEntriesAreMissesWithAWarning) {
  TempDir dir;
  TuningCache cache(std::string(dir.path));
  ASSERT_FALSE(llvm::errorToBool(cache.store(sampleKey(), "BLOCK_M=128")));
  std::string path = cache.entryPath(sampleKey());
  std::vector<std::string> warnings;
  auto warn = [&](const llvm::Twine &m) { warnings.push_back(m.str()); };
  const char *damaged[] = {
      "garbage\n",                                   // not the format
      "tile-tuning-cache 0\nkey x\nconfig A=1\n",    // another version
      "tile-tuning-cache 1\nkey \n",                 // truncated
      "tile-tuning-cache 1\nconfig A=1\nkey x\n",    // lines swapped
      "tile-tuning-cache 1\nkey kernel=other\nconfig A=1\n", // another key
      "",                                            // empty
  };
  for (const char *text : damaged) {
    writeFile(path, text);
    warnings.clear();
    EXPECT_EQ(cache.lookup(sampleKey(), warn), std::nullopt) << text;
    ASSERT_EQ(warnings.size(), 1u) << text;
    EXPECT_NE(warnings[0].find(path), std::string::npos) << warnings[0];
  }
  // Tuning again rewrites it.
  ASSERT_FALSE(llvm::errorToBool(cache.store(sampleKey(), "BLOCK_M=64")));
  EXPECT_EQ(cache.lookup(sampleKey(), warn), std::optional<std::string>("BLOCK_M=64"));
}

TEST(TuningCache, UnwritableDirectoryIsAnErrorNamingIt) {
  TempDir dir;
  // A regular file where the cache directory should be.
  llvm::SmallString<128> file(dir.path);
  llvm::sys::path::append(file, "not-a-directory");
  writeFile(std::string(file), "x");
  TuningCache cache{std::string(file)};
  llvm::Error err = cache.store(sampleKey(), "BLOCK_M=128");
  ASSERT_TRUE(static_cast<bool>(err));
  std::string message = llvm::toString(std::move(err));
  EXPECT_NE(message.find("not-a-directory"), std::string::npos) << message;
  auto ignore = [](const llvm::Twine &) {};
  EXPECT_EQ(cache.lookup(sampleKey(), ignore), std::nullopt);
}

TEST(TuningCache, ConcurrentWritersLeaveOneWholeEntry) {
  TempDir dir;
  TuningCache cache(std::string(dir.path));
  std::vector<std::thread> writers;
  for (int t = 0; t < 8; ++t)
    writers.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i)
        EXPECT_FALSE(llvm::errorToBool(
            cache.store(sampleKey(), "BLOCK_M=" + std::to_string(t))));
    });
  for (auto &w : writers)
    w.join();
  std::vector<std::string> warnings;
  auto found = cache.lookup(
      sampleKey(), [&](const llvm::Twine &m) { warnings.push_back(m.str()); });
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(llvm::StringRef(*found).starts_with("BLOCK_M="));
  EXPECT_TRUE(warnings.empty());
}

TEST(TuningCache, DefaultDirectoryFollowsTheEnvironment) {
  const char *names[] = {"TILE_CACHE_DIR", "XDG_CACHE_HOME", "HOME"};
  std::vector<std::optional<std::string>> saved;
  for (const char *n : names)
    saved.push_back(std::getenv(n) ? std::optional<std::string>(std::getenv(n))
                                   : std::nullopt);
  setenv("TILE_CACHE_DIR", "/tmp/explicit", 1);
  setenv("XDG_CACHE_HOME", "/tmp/xdg", 1);
  setenv("HOME", "/tmp/home", 1);
  EXPECT_EQ(TuningCache::defaultDirectory(), "/tmp/explicit");
  unsetenv("TILE_CACHE_DIR");
  EXPECT_EQ(TuningCache::defaultDirectory(), "/tmp/xdg/tile");
  unsetenv("XDG_CACHE_HOME");
  EXPECT_EQ(TuningCache::defaultDirectory(), "/tmp/home/.cache/tile");
  unsetenv("HOME");
  EXPECT_EQ(TuningCache::defaultDirectory(), "");
  for (size_t i = 0; i < saved.size(); ++i) {
    if (saved[i])
      setenv(names[i], saved[i]->c_str(), 1);
    else
      unsetenv(names[i]);
  }
}

} // namespace
