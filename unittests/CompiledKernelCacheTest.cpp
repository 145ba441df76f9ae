//===- CompiledKernelCacheTest.cpp - LaunchInfo as text, cached kernels ---===//
//
// The launch description's text form (round trip, every field; damaged
// text is an error naming the line) and the compiled kernels the tuning
// cache keeps beside a config (tied to the key and the config; a damaged
// one is a miss with a warning).
//
//===----------------------------------------------------------------------===//

#include "tile/Compiler/LaunchInfo.h"
#include "tile/Tuner/TuningCache.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace tile;

namespace {

LaunchInfo sampleInfo() {
  LaunchInfo info;
  info.kernelName = "attention";
  info.ptx = "//\n.version 8.0\n.visible .entry attention()\n{\n ret;\n}\n";
  info.grid = {"cdiv(S_Q, BLOCK_M)", "B * H"};
  info.blockThreads = 384;
  info.sharedMemoryBytes = 198656;
  info.paramNames = {"BLOCK_M", "BLOCK_N", "WARPS"};
  info.config["BLOCK_M"] = 192;
  info.config["BLOCK_N"] = 128;
  info.config["WARPS"] = 12;
  info.config["D"] = 128;
  KernelArgInfo q;
  q.name = "Q";
  q.isTensor = true;
  q.elementType = ElementType::BF16;
  q.dimNames = {"B", "H", "S_Q", "D"};
  q.staticDims = {-1, -1, -1, 128};
  KernelArgInfo o = q;
  o.name = "O";
  o.isOutput = true;
  o.elementType = ElementType::F32;
  KernelArgInfo scale;
  scale.name = "scale";
  scale.elementType = ElementType::F32;
  KernelArgInfo unnamed; // a tensor whose dimensions have no names
  unnamed.name = "arg3";
  unnamed.isTensor = true;
  unnamed.elementType = ElementType::F8E4M3;
  unnamed.dimNames = {""};
  unnamed.staticDims = {16};
  info.args = {q, o, scale, unnamed};
  KernelParam tma;
  tma.kind = KernelParam::Kind::TensorMap;
  tma.argIndex = 0;
  tma.elementType = ElementType::BF16;
  tma.rank = 4;
  tma.boxDims = {1, 1, 64, 128};
  tma.swizzleBytes = 128;
  KernelParam memref;
  memref.kind = KernelParam::Kind::Memref;
  memref.argIndex = 1;
  memref.elementType = ElementType::F32;
  memref.rank = 4;
  KernelParam scalar;
  scalar.kind = KernelParam::Kind::Scalar;
  scalar.argIndex = 2;
  scalar.elementType = ElementType::F32;
  KernelParam size;
  size.kind = KernelParam::Kind::ProblemSize;
  size.argIndex = 0;
  size.elementType = ElementType::I64;
  size.symbol = "S_Q";
  KernelParam unnamedParam = memref;
  unnamedParam.argIndex = 3;
  unnamedParam.elementType = ElementType::F8E4M3;
  unnamedParam.rank = 1;
  info.params = {tma, memref, scalar, size, unnamedParam};
  return info;
}

void expectSame(const LaunchInfo &a, const LaunchInfo &b) {
  EXPECT_EQ(a.kernelName, b.kernelName);
  EXPECT_EQ(a.grid, b.grid);
  EXPECT_EQ(a.blockThreads, b.blockThreads);
  EXPECT_EQ(a.sharedMemoryBytes, b.sharedMemoryBytes);
  EXPECT_EQ(a.paramNames, b.paramNames);
  EXPECT_EQ(formatBindings(a.config, {}), formatBindings(b.config, {}));
  ASSERT_EQ(a.args.size(), b.args.size());
  for (size_t i = 0; i < a.args.size(); ++i) {
    EXPECT_EQ(a.args[i].name, b.args[i].name);
    EXPECT_EQ(a.args[i].isTensor, b.args[i].isTensor);
    EXPECT_EQ(a.args[i].isOutput, b.args[i].isOutput);
    EXPECT_EQ(a.args[i].elementType, b.args[i].elementType);
    EXPECT_EQ(a.args[i].dimNames, b.args[i].dimNames);
    EXPECT_EQ(a.args[i].staticDims, b.args[i].staticDims);
  }
  ASSERT_EQ(a.params.size(), b.params.size());
  for (size_t i = 0; i < a.params.size(); ++i) {
    EXPECT_EQ(a.params[i].kind, b.params[i].kind);
    EXPECT_EQ(a.params[i].argIndex, b.params[i].argIndex);
    EXPECT_EQ(a.params[i].elementType, b.params[i].elementType);
    EXPECT_EQ(a.params[i].rank, b.params[i].rank);
    EXPECT_EQ(a.params[i].boxDims, b.params[i].boxDims);
    EXPECT_EQ(a.params[i].swizzleBytes, b.params[i].swizzleBytes);
    EXPECT_EQ(a.params[i].symbol, b.params[i].symbol);
  }
}

TEST(LaunchInfoText, RoundTrips) {
  LaunchInfo info = sampleInfo();
  auto text = launchInfoToText(info);
  ASSERT_TRUE(bool(text)) << llvm::toString(text.takeError());
  EXPECT_TRUE(llvm::StringRef(*text).starts_with("tile-launch-info 1\n"));
  EXPECT_TRUE(llvm::StringRef(*text).ends_with("end\n"));
  EXPECT_EQ(text->find(".version"), std::string::npos) << "no PTX in it";
  auto back = launchInfoFromText(*text);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError()) << "\n" << *text;
  expectSame(info, *back);
  EXPECT_TRUE(back->ptx.empty());
  // And again: the text is stable.
  auto again = launchInfoToText(*back);
  ASSERT_TRUE(bool(again));
  EXPECT_EQ(*text, *again);
}

TEST(LaunchInfoText, RefusesWhatItCannotKeepApart) {
  LaunchInfo info = sampleInfo();
  info.args[0].name = "a b";
  EXPECT_FALSE(bool(launchInfoToText(info)));
  llvm::consumeError(launchInfoToText(info).takeError());
  info = sampleInfo();
  info.grid[0] = "cdiv(M,\n4)";
  auto text = launchInfoToText(info);
  ASSERT_FALSE(bool(text));
  EXPECT_NE(llvm::toString(text.takeError()).find("grid expression"),
            std::string::npos);
}

/// Parses `text` and returns the error's message ("" when it parses).
std::string parseError(const std::string &text) {
  auto info = launchInfoFromText(text);
  if (info)
    return "";
  return llvm::toString(info.takeError());
}

TEST(LaunchInfoText, DamageIsAnErrorNamingTheLine) {
  std::string text = *launchInfoToText(sampleInfo());
  EXPECT_EQ(parseError(text), "");
  // Another version.
  std::string other = text;
  other.replace(0, std::string("tile-launch-info 1").size(),
                "tile-launch-info 2");
  EXPECT_NE(parseError(other).find("line 1: expected 'tile-launch-info 1'"),
            std::string::npos);
  // Cut short: no 'end'.
  std::string cut = text.substr(0, text.size() / 2);
  cut = cut.substr(0, cut.rfind('\n') + 1);
  EXPECT_NE(parseError(cut).find("before 'end'"), std::string::npos);
  // A field that is not a number, an unknown line, a parameter of an
  // argument that does not exist, a bad swizzle.
  auto replaced = [&](const std::string &from, const std::string &to) {
    std::string t = text;
    size_t at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return t.replace(at, from.size(), to);
  };
  EXPECT_NE(parseError(replaced("block 384", "block many")).find("line 3:"),
            std::string::npos);
  EXPECT_NE(parseError(replaced("kernel attention", "colonel attention"))
                .find("unknown line 'colonel'"),
            std::string::npos);
  EXPECT_NE(parseError(replaced("param kind=scalar arg=2",
                                "param kind=scalar arg=9"))
                .find("argument #9"),
            std::string::npos);
  EXPECT_NE(parseError(replaced("swizzle=128", "swizzle=96")).find("swizzle"),
            std::string::npos);
  EXPECT_NE(parseError(replaced("type=bf16", "type=f64")), "");
  EXPECT_NE(parseError(replaced("end\n", "end\nmore\n")).find("after 'end'"),
            std::string::npos);
  EXPECT_NE(parseError(""), "");
}

struct TempDir {
  llvm::SmallString<128> path;
  TempDir() {
    EXPECT_FALSE(
        llvm::sys::fs::createUniqueDirectory("tile-kernel-cache-test", path));
  }
  ~TempDir() { llvm::sys::fs::remove_directories(path); }
};

TuningKey sampleKey() {
  return {"attention", "0123456789abcdef", "B=1,H=2,S=128,D=128", "bf16",
          "NVIDIA H100 80GB HBM3", "tile 0.3.0 (commit abc) chip=sm_90a"};
}

const std::string kConfig = "BLOCK_M=192,BLOCK_N=128,WARPS=12,D=128";

TEST(CompiledKernelCache, RecordsAndFindsAKernel) {
  TempDir dir;
  TuningCache cache(std::string(dir.path));
  std::vector<std::string> warnings;
  auto warn = [&](const llvm::Twine &m) { warnings.push_back(m.str()); };
  EXPECT_EQ(cache.lookupKernel(sampleKey(), kConfig, warn), std::nullopt);
  EXPECT_TRUE(warnings.empty()) << "a missing kernel is a silent miss";

  PtxasReport ptxas;
  ptxas.registers = 168;
  ptxas.spillStoreBytes = 52;
  ptxas.spillLoadBytes = 48;
  ptxas.stackBytes = 8;
  ptxas.sharedBytes = 16;
  ptxas.wgmmaSerialized = "C7512: insufficient register resources";
  LaunchInfo info = sampleInfo();
  ASSERT_FALSE(llvm::errorToBool(
      cache.storeKernel(sampleKey(), kConfig, info, ptxas)));
  auto found = cache.lookupKernel(sampleKey(), kConfig, warn);
  ASSERT_TRUE(found);
  EXPECT_TRUE(warnings.empty());
  EXPECT_EQ(found->config, kConfig);
  EXPECT_EQ(found->path, cache.kernelPath(sampleKey()));
  EXPECT_EQ(found->info.ptx, info.ptx);
  expectSame(info, found->info);
  ASSERT_TRUE(found->ptxas);
  EXPECT_EQ(found->ptxas->registers, 168);
  EXPECT_EQ(found->ptxas->spillStoreBytes, 52);
  EXPECT_EQ(found->ptxas->spillLoadBytes, 48);
  EXPECT_EQ(found->ptxas->stackBytes, 8);
  EXPECT_EQ(found->ptxas->sharedBytes, 16);
  EXPECT_EQ(found->ptxas->wgmmaSerialized,
            "C7512: insufficient register resources");
  // Beside the config entry, under kernels/.
  EXPECT_NE(cache.kernelPath(sampleKey()), cache.entryPath(sampleKey()));
  EXPECT_NE(cache.kernelPath(sampleKey()).find("/kernels/attention-"),
            std::string::npos);

  // Without ptxas's figures.
  ASSERT_FALSE(llvm::errorToBool(
      cache.storeKernel(sampleKey(), kConfig, info, std::nullopt)));
  found = cache.lookupKernel(sampleKey(), kConfig, warn);
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->ptxas);
}

TEST(CompiledKernelCache, IsTiedToTheKeyAndTheConfig) {
  TempDir dir;
  TuningCache cache(std::string(dir.path));
  ASSERT_FALSE(llvm::errorToBool(
      cache.storeKernel(sampleKey(), kConfig, sampleInfo(), std::nullopt)));
  std::vector<std::string> warnings;
  auto warn = [&](const llvm::Twine &m) { warnings.push_back(m.str()); };
  // Another config (a concurrent run recorded its own): a miss, warned.
  EXPECT_EQ(cache.lookupKernel(sampleKey(), "BLOCK_M=64", warn), std::nullopt);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("holds the kernel of config " + kConfig +
                             ", not of BLOCK_M=64"),
            std::string::npos);
  // Another key: another file, a silent miss.
  TuningKey other = sampleKey();
  other.device = "NVIDIA H200";
  EXPECT_EQ(cache.lookupKernel(other, kConfig, warn), std::nullopt);
  EXPECT_EQ(warnings.size(), 1u);
  // The file copied under another key's name.
  llvm::sys::fs::create_directories(
      llvm::sys::path::parent_path(cache.kernelPath(other)));
  ASSERT_FALSE(llvm::sys::fs::copy_file(cache.kernelPath(sampleKey()),
                                        cache.kernelPath(other)));
  EXPECT_EQ(cache.lookupKernel(other, kConfig, warn), std::nullopt);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_NE(warnings[1].find("belongs to another key"), std::string::npos);
  // A launch description whose config is not the entry's.
  LaunchInfo info = sampleInfo();
  info.config["WARPS"] = 8;
  ASSERT_FALSE(llvm::errorToBool(
      cache.storeKernel(sampleKey(), kConfig, info, std::nullopt)));
  EXPECT_EQ(cache.lookupKernel(sampleKey(), kConfig, warn), std::nullopt);
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_NE(warnings[2].find("of another config"), std::string::npos);
}

TEST(CompiledKernelCache, DamageIsAMissWithAWarning) {
  TempDir dir;
  TuningCache cache(std::string(dir.path));
  ASSERT_FALSE(llvm::errorToBool(
      cache.storeKernel(sampleKey(), kConfig, sampleInfo(), std::nullopt)));
  std::string path = cache.kernelPath(sampleKey());
  std::string good = (*llvm::MemoryBuffer::getFile(path))->getBuffer().str();
  auto write = [&](const std::string &text) {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    ASSERT_FALSE(ec);
    os << text;
  };
  struct Case {
    std::string text, warning;
  };
  std::string flipped = good;
  flipped[flipped.rfind("ret;")] = 'R';
  std::string badLaunch = good;
  badLaunch.replace(badLaunch.find("block 384"), 9, "block xyz");
  std::vector<Case> cases = {
      {"garbage\n", "is not in this tile's format"},
      {good.substr(0, good.size() - 3), "cut short"},
      {good + "appended", "cut short or appended to"},
      {flipped, "does not match its checksum"},
      {badLaunch, "launch description, line 3"},
      {std::string(TuningCache::kKernelFormat) + "\n", "no 'key' line"},
      // An entry of format 1 (before the wgmma_serialized line) is a miss.
      {"tile-compiled-kernel 1" + good.substr(good.find('\n')),
       "is not in this tile's format"},
  };
  for (const Case &c : cases) {
    write(c.text);
    std::vector<std::string> warnings;
    auto warn = [&](const llvm::Twine &m) { warnings.push_back(m.str()); };
    EXPECT_EQ(cache.lookupKernel(sampleKey(), kConfig, warn), std::nullopt)
        << c.warning;
    ASSERT_EQ(warnings.size(), 1u) << c.warning;
    EXPECT_NE(warnings[0].find(c.warning), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find("compiling the config instead"),
              std::string::npos);
  }
  // Refused before anything is written: no PTX.
  LaunchInfo empty = sampleInfo();
  empty.ptx.clear();
  EXPECT_TRUE(llvm::errorToBool(
      cache.storeKernel(sampleKey(), kConfig, empty, std::nullopt)));
}

} // namespace
