//===- TunerTest.cpp - the sweep of lib/Tuner, without a GPU --------------===//
//
// A real kernel's whole space compiled through the Tuner API, run through a
// fake ConfigRunner (made-up times and failures): the best is picked, every
// failure is reported, the order is the tuner's, the cache is consulted and
// recorded.
//
//===----------------------------------------------------------------------===//

#include "tile/Tuner/Tuner.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include <atomic>
#include <set>

using namespace tile;

namespace {

std::string kernelPath(const char *name) {
  return std::string(TILE_KERNELS_DIR) + "/" + name;
}

std::unique_ptr<KernelSource> loadText(const std::string &text) {
  auto src = KernelSource::fromString(text, "gemm.mlir");
  if (!src) {
    ADD_FAILURE() << llvm::toString(src.takeError());
    return nullptr;
  }
  return std::move(*src);
}

std::string gemmText() {
  auto buffer = llvm::MemoryBuffer::getFile(kernelPath("gemm.mlir"));
  if (!buffer) {
    ADD_FAILURE() << "cannot read kernels/gemm.mlir";
    return "";
  }
  return (*buffer)->getBuffer().str();
}

/// A made-up time: distinct for every config of gemm's space.
double fakeMs(const Bindings &c) {
  return 1.0 + c.lookup("BLOCK_M") * 0.01 + c.lookup("BLOCK_N") * 0.001 +
         c.lookup("STAGES") * 1e-4 + c.lookup("GROUP_M") * 1e-6 +
         c.lookup("WARPS") * 1e-7;
}

runtime::TimingResult timing(double ms) {
  runtime::TimingResult t;
  t.medianMs = t.minMs = t.maxMs = t.p20Ms = t.p80Ms = ms;
  t.samplesMs = {static_cast<float>(ms)};
  return t;
}

struct TempDir {
  llvm::SmallString<128> path;
  TempDir() {
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("tile-tuner-test", path));
  }
  ~TempDir() { llvm::sys::fs::remove_directories(path); }
};

TEST(Tuner, PicksTheFastestConfigThatPasses) {
  auto src = loadText(gemmText());
  ASSERT_TRUE(src);
  Bindings shape;
  shape["M"] = 256;
  shape["N"] = 256;
  shape["K"] = 256;
  std::vector<Bindings> space = src->configSpace(shape);
  ASSERT_GT(space.size(), 8u);

  TunerOptions options;
  options.jobs = 2;
  Tuner tuner(*src, options);
  std::atomic<size_t> compiledHooks{0};
  TunerHooks hooks;
  hooks.compiled = [&](const ConfigResult &) { ++compiledHooks; };
  std::vector<ConfigResult> compiled = tuner.compile(space, hooks);
  EXPECT_EQ(compiledHooks, space.size());
  ASSERT_EQ(compiled.size(), space.size());
  for (const ConfigResult &c : compiled) {
    ASSERT_TRUE(c.compiled()) << c.label << ": " << c.detail;
    EXPECT_EQ(c.config.lookup("BLOCK_M"), space[c.index].lookup("BLOCK_M"));
    EXPECT_NE(c.info->ptx.find(".entry gemm"), std::string::npos);
    EXPECT_EQ(c.label, configLabel(*src, c.info->config));
    EXPECT_EQ(c.status, "");
  }

  // The config that would be fastest is wrong, the second fastest does not
  // load: the third is the best.
  std::vector<std::pair<double, size_t>> byTime;
  for (const ConfigResult &c : compiled)
    byTime.push_back({fakeMs(c.info->config), c.index});
  llvm::sort(byTime);
  size_t wrong = byTime[0].second, unloadable = byTime[1].second,
         expectedBest = byTime[2].second;

  std::vector<size_t> verified, timed, measured;
  FunctionRunner runner(
      [&](const ConfigResult &c) {
        verified.push_back(c.index);
        if (c.index == wrong)
          return RunOutcome::failed("WRONG", "3 element(s) over the bound");
        if (c.index == unloadable)
          return RunOutcome::failed("LOAD FAILED", "no kernel",
                                    /*compileFailure=*/true);
        return RunOutcome::passed();
      },
      [&](const ConfigResult &c) -> llvm::Expected<runtime::TimingResult> {
        timed.push_back(c.index);
        return timing(fakeMs(c.info->config));
      });
  hooks.measured = [&](const ConfigResult &c) { measured.push_back(c.index); };
  TuneResult result = tuner.measure(compiled, runner, hooks);

  // Every compiled config was verified in order; only those that passed
  // were timed; the hook saw each.
  ASSERT_EQ(verified.size(), space.size());
  for (size_t i = 0; i < verified.size(); ++i)
    EXPECT_EQ(verified[i], i);
  EXPECT_EQ(timed.size(), space.size() - 2);
  EXPECT_EQ(measured, verified);
  EXPECT_EQ(result.notRun, 0u);

  ASSERT_TRUE(result.best());
  EXPECT_EQ(result.best()->index, expectedBest);
  EXPECT_DOUBLE_EQ(result.best()->timing.medianMs,
                   fakeMs(compiled[expectedBest].info->config));
  // Passed configs fastest first, then the failures in run order.
  ASSERT_EQ(result.results.size(), space.size());
  size_t passed = space.size() - 2;
  for (size_t i = 0; i + 1 < passed; ++i) {
    EXPECT_TRUE(result.results[i].ok());
    EXPECT_LT(result.results[i].timing.medianMs,
              result.results[i + 1].timing.medianMs);
  }
  const ConfigResult &first = result.results[passed];
  const ConfigResult &second = result.results[passed + 1];
  EXPECT_EQ(std::min(wrong, unloadable), first.index);
  EXPECT_EQ(std::max(wrong, unloadable), second.index);
  const ConfigResult &w = first.index == wrong ? first : second;
  const ConfigResult &u = first.index == wrong ? second : first;
  EXPECT_EQ(w.status, "WRONG");
  EXPECT_EQ(w.detail, "3 element(s) over the bound");
  EXPECT_FALSE(w.compileFailure);
  EXPECT_EQ(u.status, "LOAD FAILED");
  EXPECT_TRUE(u.compileFailure);
}

TEST(Tuner, ReportsConfigsThatDoNotCompile) {
  // BLOCK_K = 24 (rows of 48 bytes) is refused: no swizzle of 32, 64 or
  // 128 bytes fills them. Half the space fails.
  std::string text = gemmText();
  for (auto [from, to] :
       {std::pair<std::string, std::string>{
            "#tile.param<\"STAGES\", [4, 3, 5]>", "#tile.param<\"STAGES\", [4]>"},
        {"#tile.param<\"BLOCK_K\", [64]>", "#tile.param<\"BLOCK_K\", [64, 24]>"}}) {
    size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, from.size(), to);
  }
  auto src = loadText(text);
  ASSERT_TRUE(src);
  std::vector<Bindings> space = src->configSpace({});
  TunerOptions options;
  options.jobs = 2;
  Tuner tuner(*src, options);
  size_t timedCount = 0;
  FunctionRunner runner(
      [](const ConfigResult &c) {
        EXPECT_TRUE(c.compiled());
        EXPECT_EQ(c.config.lookup("BLOCK_K"), 64);
        return RunOutcome::passed();
      },
      [&](const ConfigResult &c) -> llvm::Expected<runtime::TimingResult> {
        // One config's timing fails.
        if (timedCount++ == 0)
          return llvm::createStringError("the events failed");
        return timing(fakeMs(c.info->config));
      });
  TuneResult result = tuner.tune(space, runner);
  ASSERT_EQ(result.results.size(), space.size());
  size_t failed = 0, timingFailed = 0, ok = 0;
  for (const ConfigResult &c : result.results) {
    if (c.status == "COMPILE FAILED") {
      ++failed;
      EXPECT_TRUE(c.compileFailure);
      EXPECT_FALSE(c.compiled());
      EXPECT_EQ(c.config.lookup("BLOCK_K"), 24);
      EXPECT_FALSE(c.detail.empty());
      EXPECT_EQ(c.label, configLabel(*src, c.config));
    } else if (c.status == "TIMING FAILED") {
      ++timingFailed;
      EXPECT_EQ(c.detail, "the events failed");
      EXPECT_FALSE(c.compileFailure);
    } else {
      EXPECT_TRUE(c.ok());
      ++ok;
    }
  }
  EXPECT_EQ(failed, space.size() / 2);
  EXPECT_EQ(timingFailed, 1u);
  EXPECT_EQ(ok, space.size() / 2 - 1);
  // Passed configs come first; the compile failures lead the rest.
  EXPECT_TRUE(result.best());
  EXPECT_EQ(result.results[ok].status, "COMPILE FAILED");
  EXPECT_EQ(result.results.back().status, "TIMING FAILED");
}

TEST(Tuner, ARunnerCanStopTheSweep) {
  auto src = KernelSource::load(kernelPath("softmax.mlir"));
  ASSERT_TRUE(bool(src)) << llvm::toString(src.takeError());
  Bindings shape;
  shape["R"] = 64;
  shape["C"] = 1000;
  std::vector<Bindings> space = (*src)->configSpace(shape);
  ASSERT_GE(space.size(), 3u);
  Tuner tuner(**src);
  size_t runs = 0;
  FunctionRunner runner(
      [&](const ConfigResult &) {
        if (++runs < 2)
          return RunOutcome::passed();
        RunOutcome lost = RunOutcome::failed("RUN FAILED", "illegal address");
        lost.stop = true;
        return lost;
      },
      [](const ConfigResult &) -> llvm::Expected<runtime::TimingResult> {
        return timing(1);
      });
  TuneResult result = tuner.tune(space, runner);
  EXPECT_EQ(runs, 2u);
  EXPECT_EQ(result.results.size(), 2u);
  EXPECT_EQ(result.notRun, space.size() - 2);
  ASSERT_TRUE(result.best());
  EXPECT_EQ(result.best()->index, 0u);
  EXPECT_EQ(result.results[1].status, "RUN FAILED");
}

TEST(Tuner, ConsultsAndRecordsTheCache) {
  auto src = loadText(gemmText());
  ASSERT_TRUE(src);
  TempDir dir;
  TuningCache cache(std::string(dir.path));
  TuningKey key = makeTuningKey(*src, "M=64,N=64,K=64", "no GPU", "sm_90a");
  EXPECT_EQ(key.kernel, "gemm");
  EXPECT_EQ(key.kernelHash, src->contentHash());
  EXPECT_EQ(key.dtype, "bf16");
  EXPECT_NE(key.compiler.find("chip=sm_90a"), std::string::npos);

  Tuner tuner(*src);
  std::vector<std::string> warnings;
  TunerHooks hooks;
  hooks.warn = [&](const llvm::Twine &m) { warnings.push_back(m.str()); };
  EXPECT_EQ(tuner.lookup(cache, key, hooks), std::nullopt);

  Bindings config;
  ASSERT_FALSE(llvm::errorToBool(parseBindings("BLOCK_M=64,WARPS=4", config)));
  std::vector<ConfigResult> compiled = tuner.compile({config});
  ASSERT_TRUE(compiled[0].compiled()) << compiled[0].detail;
  auto path = tuner.record(cache, key, compiled[0]);
  ASSERT_TRUE(bool(path)) << llvm::toString(path.takeError());
  EXPECT_EQ(*path, cache.entryPath(key));
  EXPECT_EQ(tuner.lookup(cache, key, hooks),
            std::optional<std::string>(
                "BLOCK_M=64,BLOCK_N=128,BLOCK_K=64,GROUP_M=8,WARPS=4,STAGES=4"));
  EXPECT_TRUE(warnings.empty());

  // A damaged entry is a miss with a warning.
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(*path, ec);
    os << "garbage\n";
  }
  EXPECT_EQ(tuner.lookup(cache, key, hooks), std::nullopt);
  EXPECT_EQ(warnings.size(), 1u);

  // A planted bug is never recorded.
  TunerOptions mutated;
  mutated.compile.testMutation = "store-past-end";
  Tuner mutant(*src, mutated);
  TuningKey other = key;
  other.shape = "M=128,N=128,K=128";
  auto none = mutant.record(cache, other, compiled[0]);
  ASSERT_TRUE(bool(none));
  EXPECT_EQ(*none, "");
  EXPECT_FALSE(llvm::sys::fs::exists(cache.entryPath(other)));
}

TEST(Tuner, CompiledKernelsRoundTripAndComeFromTheCache) {
  // Every kind of parameter group: TMA and memref tensors, scalars,
  // problem sizes, a tile size bound into the config (attention's D).
  struct Kernel {
    const char *file, *shape;
  } kernels[] = {{"gemm.mlir", "M=64,N=64,K=64"},
                 {"attention.mlir", "B=1,H=2,S_Q=128,S_KV=100,D=64"},
                 {"softmax.mlir", "R=8,C=100"},
                 {"fp8_gemm.mlir", "M=64,N=64,K=64"}};
  TempDir dir;
  TuningCache cache(std::string(dir.path));
  for (const Kernel &k : kernels) {
    SCOPED_TRACE(k.file);
    auto src = KernelSource::load(kernelPath(k.file));
    ASSERT_TRUE(bool(src)) << llvm::toString(src.takeError());
    Bindings shape, config;
    ASSERT_FALSE(llvm::errorToBool(parseBindings(k.shape, shape)));
    for (const std::string &sym : (*src)->tileSizeSymbols())
      config[sym] = shape.lookup(sym);
    Tuner tuner(**src);
    std::vector<ConfigResult> compiled = tuner.compile({config});
    ASSERT_TRUE(compiled[0].compiled()) << compiled[0].detail;
    const LaunchInfo &info = *compiled[0].info;
    auto text = launchInfoToText(info);
    ASSERT_TRUE(bool(text)) << llvm::toString(text.takeError());
    auto back = launchInfoFromText(*text);
    ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
    auto again = launchInfoToText(*back);
    ASSERT_TRUE(bool(again));
    EXPECT_EQ(*text, *again);
    EXPECT_EQ(back->params.size(), info.params.size());

    // Recorded with its config, found, and used instead of a compile.
    TuningKey key = makeTuningKey(**src, k.shape, "no GPU", "sm_90a");
    ASSERT_FALSE(llvm::errorToBool(
        tuner.record(cache, key, compiled[0]).takeError()));
    auto label = tuner.lookup(cache, key);
    ASSERT_TRUE(label);
    EXPECT_EQ(*label, compiled[0].label);
    auto cached = tuner.lookupKernel(cache, key, *label);
    ASSERT_TRUE(cached);
    EXPECT_EQ(cached->info.ptx, info.ptx);
    Bindings again2;
    ASSERT_FALSE(llvm::errorToBool(parseBindings(*label, again2)));
    std::vector<ConfigResult> fromCache = tuner.compile({again2}, {}, &*cached);
    ASSERT_TRUE(fromCache[0].compiled());
    EXPECT_TRUE(fromCache[0].fromCache);
    EXPECT_EQ(fromCache[0].label, compiled[0].label);
    EXPECT_EQ(fromCache[0].info->ptx, info.ptx);
    // Another config is compiled, not taken from the cache.
    std::vector<ConfigResult> other = tuner.compile({config}, {}, &*cached);
    EXPECT_EQ(other[0].fromCache,
              configLabel(**src, config) == compiled[0].label);
  }
  // What only a compile gives (dumps) makes the tuner compile.
  auto src = KernelSource::load(kernelPath("gemm.mlir"));
  ASSERT_TRUE(bool(src));
  TunerOptions dumping;
  dumping.dumpDirectory = std::string(dir.path) + "/dumps";
  Tuner tuner(**src, dumping);
  EXPECT_FALSE(tuner.usesCachedKernels());
  TuningKey key = makeTuningKey(**src, "M=64,N=64,K=64", "no GPU", "sm_90a");
  auto label = tuner.lookup(cache, key);
  ASSERT_TRUE(label);
  auto cached = tuner.lookupKernel(cache, key, *label);
  ASSERT_TRUE(cached);
  Bindings config;
  ASSERT_FALSE(llvm::errorToBool(parseBindings(*label, config)));
  EXPECT_FALSE(tuner.compile({config}, {}, &*cached)[0].fromCache);
}

TEST(Tuner, DropsConfigsOverTheDeviceLimitsBeforeLLVM) {
  auto src = loadText(gemmText());
  ASSERT_TRUE(src);
  std::vector<Bindings> space = src->configSpace({});
  TunerOptions options;
  options.jobs = 2;
  // What each config needs, compiled without limits.
  std::vector<ConfigResult> all = Tuner(*src, options).compile(space);
  // A made-up GPU: 100000 bytes of shared memory and 128 threads a block.
  options.limits = DeviceLimits{"a small GPU", 100000, 128};
  Tuner tuner(*src, options);
  std::vector<ConfigResult> compiled = tuner.compile(space);
  size_t dropped = 0, bySharedMemory = 0, byThreads = 0;
  for (size_t i = 0; i < space.size(); ++i) {
    ASSERT_TRUE(all[i].compiled()) << all[i].detail;
    bool tooMuchMemory = all[i].info->sharedMemoryBytes > 100000;
    bool tooManyThreads = all[i].info->blockThreads > 128;
    const ConfigResult &c = compiled[i];
    EXPECT_EQ(c.dropped(), tooMuchMemory || tooManyThreads) << c.label;
    EXPECT_EQ(c.fits, !c.dropped());
    if (!c.dropped()) {
      EXPECT_TRUE(c.compiled());
      continue;
    }
    ++dropped;
    bySharedMemory += tooMuchMemory;
    byThreads += tooManyThreads;
    EXPECT_FALSE(c.compiled());
    EXPECT_FALSE(c.compileFailure);
    EXPECT_EQ(c.over.sharedMemoryBytes,
              tooMuchMemory ? all[i].info->sharedMemoryBytes : 0);
    EXPECT_EQ(c.over.threads, tooManyThreads ? all[i].info->blockThreads : 0);
    EXPECT_NE(c.detail.find("on a small GPU"), std::string::npos) << c.detail;
  }
  ASSERT_GT(bySharedMemory, 0u);
  ASSERT_GT(byThreads, 0u);
  ASSERT_LT(dropped, space.size());
  std::string line = tuner.describeDropped(compiled);
  EXPECT_NE(line.find("dropped " + std::to_string(dropped) + " of " +
                      std::to_string(space.size()) +
                      " config(s) over the limits of a small GPU: " +
                      std::to_string(bySharedMemory) +
                      " need more shared memory than a block may use"),
            std::string::npos)
      << line;
  EXPECT_NE(line.find(std::to_string(byThreads) +
                      " need more threads than the 128 a block may have "
                      "(up to 256; lower WARPS)"),
            std::string::npos)
      << line;
  // Dropped configs are not run and not in the result.
  size_t runs = 0;
  FunctionRunner runner(
      [&](const ConfigResult &c) {
        EXPECT_FALSE(c.dropped());
        ++runs;
        return RunOutcome::passed();
      },
      [](const ConfigResult &c) -> llvm::Expected<runtime::TimingResult> {
        return timing(fakeMs(c.info->config));
      });
  TuneResult result = tuner.measure(compiled, runner);
  EXPECT_EQ(runs, space.size() - dropped);
  EXPECT_EQ(result.results.size(), space.size() - dropped);
  // Nothing dropped: no line.
  EXPECT_EQ(Tuner(*src, TunerOptions()).describeDropped(all), "");
}

TEST(Tuner, DropsWhatTheLoweringsRefuseForSharedMemory) {
  // The lowering refuses more than sm_90's 227 KiB itself: without the
  // kernel's constraint, STAGES = 8 needs too much for most blocks.
  std::string text = gemmText();
  std::string from = "#tile.param<\"STAGES\", [4, 3, 5]>";
  size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, from.size(), "#tile.param<\"STAGES\", [4, 8]>");
  std::string constraint =
      "#tile.expr<\"(BLOCK_M + BLOCK_N) * BLOCK_K * 2 * STAGES <= 227 * 1024\">,";
  at = text.find(constraint);
  ASSERT_NE(at, std::string::npos);
  text.erase(at, constraint.size());
  auto src = loadText(text);
  ASSERT_TRUE(src);
  TunerOptions options;
  options.jobs = 2;
  options.limits = DeviceLimits::forChip("sm_90a");
  ASSERT_TRUE(options.limits);
  Tuner tuner(*src, options);
  std::vector<ConfigResult> compiled = tuner.compile(src->configSpace({}));
  size_t dropped = 0;
  for (const ConfigResult &c : compiled) {
    EXPECT_NE(c.status, "COMPILE FAILED") << c.label << ": " << c.detail;
    if (!c.dropped())
      continue;
    ++dropped;
    EXPECT_EQ(c.config.lookup("STAGES"), 8);
    EXPECT_GT(c.over.sharedMemoryBytes, 232448u);
  }
  EXPECT_GT(dropped, 0u);
  std::string line = tuner.describeDropped(compiled);
  EXPECT_NE(line.find("over the limits of sm_90a"), std::string::npos);
  EXPECT_NE(line.find("STAGES"), std::string::npos) << line;

  // The op-by-op lowering refuses more than 48 KiB of static shared
  // memory: a transpose whose layout conversion stages 256 KiB.
  auto transpose = loadText(R"mlir(
!x = tensor<?x?xf32, #tile.shape<BR, BC>>
!y = tensor<?x?xf32, #tile.shape<BC, BR>>
tile.kernel @t(%X: memref<?x?xf32> {tile.shape = #tile.shape<R, C>},
               %Y: memref<?x?xf32> {tile.shape = #tile.shape<C, R>})
    attributes {params = [#tile.param<"BR", [64, 512]>, #tile.param<"BC", [128]>],
                grid = [#tile.expr<"cdiv(C, BC)">, #tile.expr<"cdiv(R, BR)">],
                num_warps = #tile.expr<"32">} {
  %bc = tile.param "BC"
  %br = tile.param "BR"
  %pc = tile.program_id x
  %pr = tile.program_id y
  %c0 = arith.muli %pc, %bc : index
  %r0 = arith.muli %pr, %br : index
  %x = tile.load %X[%r0, %c0] : memref<?x?xf32> -> !x
  %y = tile.transpose %x : !x -> !y
  tile.store %y, %Y[%c0, %r0] : !y -> memref<?x?xf32>
  tile.return
}
)mlir");
  ASSERT_TRUE(transpose);
  Tuner small(*transpose, options);
  std::vector<ConfigResult> two = small.compile(transpose->configSpace({}));
  ASSERT_EQ(two.size(), 2u);
  EXPECT_TRUE(two[0].compiled()) << two[0].detail;
  EXPECT_TRUE(two[1].dropped()) << two[1].status << ": " << two[1].detail;
  EXPECT_GE(two[1].over.sharedMemoryBytes, 512u * 128 * 4);
  EXPECT_NE(small.describeDropped(two).find("lower BR"), std::string::npos)
      << small.describeDropped(two);
}

TEST(Tuner, KnowsTheLimitsOfChips) {
  auto sm90 = DeviceLimits::forChip("sm_90a");
  ASSERT_TRUE(sm90);
  EXPECT_EQ(sm90->maxSharedMemoryPerBlock, 232448u);
  EXPECT_EQ(sm90->maxThreadsPerBlock, 1024u);
  EXPECT_EQ(sm90->name, "sm_90a");
  EXPECT_EQ(DeviceLimits::forChip("sm_90")->maxSharedMemoryPerBlock, 232448u);
  EXPECT_EQ(DeviceLimits::forChip("sm_80")->maxSharedMemoryPerBlock,
            163u * 1024);
  EXPECT_EQ(DeviceLimits::forChip("sm_89")->maxSharedMemoryPerBlock,
            99u * 1024);
  EXPECT_FALSE(DeviceLimits::forChip("sm_75"));
  EXPECT_FALSE(DeviceLimits::forChip("gfx942"));
}

TEST(Tuner, Labels) {
  auto src = loadText(gemmText());
  ASSERT_TRUE(src);
  EXPECT_EQ(configLabel(*src, {}), "(defaults)");
  Bindings c;
  c["WARPS"] = 4;
  c["BLOCK_M"] = 64;
  c["D"] = 1;
  EXPECT_EQ(configLabel(*src, c), "BLOCK_M=64,WARPS=4,D=1");
  EXPECT_EQ(configDumpDirectory("/tmp/d", *src, {}), "/tmp/d/gemm/_defaults_");
  EXPECT_EQ(dtypeLabel(*src), "bf16");
  ASSERT_FALSE(llvm::errorToBool(src->setOutputType(ElementType::F32)));
  EXPECT_EQ(dtypeLabel(*src), "bf16->f32");
}

} // namespace
