//===- Tuner.cpp - compile, verify, time and pick a kernel's best config --===//

#include "tile/Tuner/Tuner.h"

#include "tile/Support/Version.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <thread>

using namespace tile;

ConfigRunner::~ConfigRunner() = default;

std::string tile::configLabel(const KernelSource &kernel,
                              const Bindings &config) {
  std::vector<std::string> order;
  for (const ParamInfo &p : kernel.params())
    order.push_back(p.name);
  std::string text = formatBindings(config, order);
  return text.empty() ? "(defaults)" : text;
}

std::string tile::dtypeLabel(const KernelSource &kernel) {
  std::string label = elementTypeName(kernel.dtype());
  for (const KernelArgInfo &a : kernel.args())
    if (a.isOutput && a.elementType != kernel.dtype())
      return label + "->" + elementTypeName(a.elementType);
  return label;
}

std::string tile::configDumpDirectory(const std::string &root,
                                      const KernelSource &kernel,
                                      const Bindings &config) {
  std::string name = configLabel(kernel, config);
  for (char &c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '=' ||
          c == ',' || c == '_' || c == '-'))
      c = '_';
  llvm::SmallString<256> path(root);
  llvm::sys::path::append(path, kernel.name(), name);
  return path.str().str();
}

TuningKey tile::makeTuningKey(const KernelSource &kernel,
                              const std::string &shape,
                              const std::string &device,
                              const std::string &chip) {
  // The compiler: its version and commit (and, for a build from edited
  // sources, the executable's hash), LLVM's, the chip it targets.
  std::string compiler = compilerIdentity();
  llvm::raw_string_ostream os(compiler);
  os << " chip=" << (chip.empty() ? "default" : chip);
  return {kernel.name(), kernel.contentHash(), shape, dtypeLabel(kernel),
          device, compiler};
}

std::optional<DeviceLimits> DeviceLimits::forChip(const std::string &chip) {
  // CUDA C++ Programming Guide, "Technical Specifications per Compute
  // Capability": shared memory per block (opt-in), threads per block.
  llvm::StringRef c(chip);
  c.consume_back("a");
  c.consume_back("f");
  uint64_t kib = 0;
  if (c == "sm_90" || c == "sm_100" || c == "sm_103")
    kib = 227;
  else if (c == "sm_80" || c == "sm_87")
    kib = 163;
  else if (c == "sm_86" || c == "sm_89" || c == "sm_120" || c == "sm_121")
    kib = 99;
  else
    return std::nullopt;
  DeviceLimits limits;
  limits.name = chip;
  limits.maxSharedMemoryPerBlock = kib * 1024;
  limits.maxThreadsPerBlock = 1024;
  return limits;
}

namespace {

/// The bytes of shared memory a lowering said a config needs when it
/// refused it for needing more than a block may have. The lowerings check
/// this themselves, before LLVM runs, so the launch description never
/// shows such a config: GEMM and attention against sm_90's 227 KiB ("op
/// needs N bytes of shared memory, more than the 232448 a block may use"),
/// the op-by-op lowering against the 48 KiB a block may allocate
/// statically ("op needs N of the kernel's T bytes of shared memory for
/// ..., more than the 48 KiB of static shared memory"). Their wording is
/// matched here (unittests/TunerTest.cpp and test/tools/prune.test hold it
/// to both lowerings); nullopt for any other error.
std::optional<uint64_t> refusedSharedMemory(llvm::StringRef error) {
  static const llvm::Regex refusal("op needs ([0-9]+ of the kernel's )?"
                                   "([0-9]+) bytes of shared memory[^\n]*"
                                   "more than the ");
  llvm::SmallVector<llvm::StringRef, 3> match;
  uint64_t bytes = 0;
  if (!refusal.match(error, &match) || match[2].getAsInteger(10, bytes))
    return std::nullopt;
  return bytes;
}

/// Writes `text` to `path`; false when it cannot.
bool writeFile(const std::string &path, const std::string &text) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return false;
  os << text;
  return !os.has_error();
}

} // namespace

Tuner::Tuner(const KernelSource &kernel, TunerOptions options)
    : source(kernel), opts(std::move(options)) {}

bool Tuner::usesCachedKernels() const {
  return opts.dumpDirectory.empty() && !opts.printIROfFirst &&
         opts.compile.testMutation.empty();
}

std::vector<ConfigResult>
Tuner::compile(const std::vector<Bindings> &configs, const TunerHooks &hooks,
               const CachedKernel *cached) const {
  if (!usesCachedKernels())
    cached = nullptr;
  std::vector<ConfigResult> out(configs.size());
  if (configs.empty())
    return out;
  std::atomic<size_t> next{0};
  unsigned threads =
      opts.jobs ? opts.jobs : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<size_t>(threads, configs.size());
  std::mutex dumpMutex;
  std::atomic<bool> dumpWarned{false};
  // Reports a dump that could not be written, once; the sweep goes on.
  auto dumpFailed = [&](const llvm::Twine &what) {
    std::lock_guard<std::mutex> lock(dumpMutex);
    if (!dumpWarned && hooks.dumpFailed)
      hooks.dumpFailed(what);
    dumpWarned = true;
  };
  auto compileOne = [&](size_t i) {
    ConfigResult &r = out[i];
    r.index = i;
    r.config = configs[i];
    r.label = configLabel(source, configs[i]);
    if (cached && cached->config == r.label &&
        configLabel(source, cached->info.config) == r.label) {
      r.info = cached->info;
      r.ptxas = cached->ptxas;
      r.fromCache = true;
      return;
    }
    CompileOptions options = opts.compile;
    options.printIRAfterAll = opts.printIROfFirst && i == 0;
    options.irDumpDir.clear();
    std::string dir;
    if (!opts.dumpDirectory.empty() && !dumpWarned) {
      dir = configDumpDirectory(opts.dumpDirectory, source, configs[i]);
      if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
        dumpFailed("cannot create " + dir + " (" + ec.message() + ")");
        dir.clear();
      } else {
        options.irDumpDir = dir + "/ir";
      }
    }
    auto failed = [&](std::string error) {
      r.status = "COMPILE FAILED";
      r.detail = std::move(error);
      r.compileFailure = true;
      r.info.reset();
    };
    const std::optional<DeviceLimits> &limits = opts.limits;
    auto dropped = [&] {
      r.status = "DROPPED";
      r.fits = false;
      r.info.reset();
      r.label = configLabel(source, configs[i]);
      std::string why;
      if (r.over.sharedMemoryBytes)
        why = llvm::formatv("needs {0} bytes of shared memory, more than the "
                            "{1} a block may use on {2}",
                            r.over.sharedMemoryBytes,
                            limits->maxSharedMemoryPerBlock, limits->name);
      if (r.over.threads)
        why += llvm::formatv("{0}needs {1} threads, more than the {2} a "
                             "block may have on {3}",
                             why.empty() ? "" : "; ", r.over.threads,
                             limits->maxThreadsPerBlock, limits->name)
                   .str();
      r.detail = why;
    };
    // What the lowering says the block needs, checked before LLVM runs.
    if (limits)
      options.checkLaunch = [&](const LaunchInfo &launch) -> llvm::Error {
        if (limits->maxSharedMemoryPerBlock &&
            launch.sharedMemoryBytes > limits->maxSharedMemoryPerBlock)
          r.over.sharedMemoryBytes = launch.sharedMemoryBytes;
        if (limits->maxThreadsPerBlock &&
            launch.blockThreads > limits->maxThreadsPerBlock)
          r.over.threads = launch.blockThreads;
        if (r.over.sharedMemoryBytes || r.over.threads)
          return llvm::createStringError("over the device's limits");
        r.fits = true;
        return llvm::Error::success();
      };
    auto info = source.compile(configs[i], options);
    if (!info) {
      std::string error = llvm::toString(info.takeError());
      if (r.over.sharedMemoryBytes || r.over.threads)
        return dropped();
      if (limits)
        if (auto bytes = refusedSharedMemory(error)) {
          dropped();
          r.over.sharedMemoryBytes = *bytes;
          r.detail = std::move(error); // the lowering's limit, not the GPU's
          return;
        }
      return failed(std::move(error));
    }
    r.info = std::move(*info);
    r.label = configLabel(source, r.info->config);
    if (!dir.empty() && !writeFile(dir + "/kernel.ptx", r.info->ptx))
      dumpFailed("cannot write " + dir + "/kernel.ptx");
    if (opts.ptxas.empty()) {
      if (!dir.empty())
        writeFile(dir + "/ptxas.txt",
                  "no ptxas found: no report, no cubin, no SASS\n");
      return;
    }
    std::string cubin = dir.empty() ? "" : dir + "/kernel.cubin";
    auto report = runPtxas(opts.ptxas, r.info->ptx, opts.compile.chip, cubin);
    if (!report) {
      std::string error =
          "ptxas rejects the PTX: " + llvm::toString(report.takeError());
      if (!dir.empty())
        writeFile(dir + "/ptxas.txt", error);
      r.label = configLabel(source, configs[i]);
      return failed(std::move(error));
    }
    r.ptxas = *report;
    // ptxas adds the static shared memory (mbarriers): the block needs both.
    if (limits && limits->maxSharedMemoryPerBlock &&
        r.info->sharedMemoryBytes + uint64_t(std::max(0, report->sharedBytes)) >
            limits->maxSharedMemoryPerBlock) {
      r.over.sharedMemoryBytes =
          r.info->sharedMemoryBytes + uint64_t(std::max(0, report->sharedBytes));
      dropped();
    }
    if (!dir.empty()) {
      writeFile(dir + "/ptxas.txt", report->log);
      auto sass = disassembleCubin(opts.ptxas, cubin);
      writeFile(dir + "/sass.txt",
                sass ? *sass
                     : "no SASS: " + llvm::toString(sass.takeError()) + "\n");
    }
  };
  auto work = [&] {
    for (size_t i; (i = next++) < configs.size();) {
      compileOne(i);
      if (hooks.compiled)
        hooks.compiled(out[i]);
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back(work);
  for (auto &t : pool)
    t.join();
  return out;
}

TuneResult Tuner::measure(std::vector<ConfigResult> compiled,
                          ConfigRunner &runner,
                          const TunerHooks &hooks) const {
  TuneResult result;
  // Every config gets a row: the failed compiles first. Dropped configs
  // are not the device's to run.
  for (ConfigResult &c : compiled)
    if (!c.compiled() && !c.dropped())
      result.results.push_back(c);
  for (size_t i = 0; i < compiled.size(); ++i) {
    ConfigResult &c = compiled[i];
    if (!c.compiled())
      continue;
    RunOutcome outcome = runner.verify(c);
    c.status = outcome.status;
    c.detail = outcome.detail;
    c.compileFailure = outcome.compileFailure;
    if (outcome.ok()) {
      auto timing = runner.time(c);
      if (timing) {
        c.timing = std::move(*timing);
      } else {
        c.status = "TIMING FAILED";
        c.detail = llvm::toString(timing.takeError());
      }
    }
    result.results.push_back(c);
    if (hooks.measured)
      hooks.measured(result.results.back());
    if (outcome.stop) {
      for (size_t j = i + 1; j < compiled.size(); ++j)
        result.notRun += compiled[j].compiled();
      break;
    }
  }
  // Those that passed, fastest first; the others keep their order.
  std::stable_sort(result.results.begin(), result.results.end(),
                   [](const ConfigResult &a, const ConfigResult &b) {
                     if (a.ok() != b.ok())
                       return a.ok();
                     return a.ok() && a.timing.medianMs < b.timing.medianMs;
                   });
  return result;
}

std::string
Tuner::describeDropped(const std::vector<ConfigResult> &compiled) const {
  size_t dropped = 0, bySharedMemory = 0, byThreads = 0;
  uint64_t maxBytes = 0;
  unsigned maxThreads = 0;
  for (const ConfigResult &c : compiled) {
    if (!c.dropped())
      continue;
    ++dropped;
    if (c.over.sharedMemoryBytes) {
      ++bySharedMemory;
      maxBytes = std::max(maxBytes, c.over.sharedMemoryBytes);
    }
    if (c.over.threads) {
      ++byThreads;
      maxThreads = std::max(maxThreads, c.over.threads);
    }
  }
  if (!dropped || !opts.limits)
    return "";
  const std::vector<ParamInfo> &params = source.params();
  // The parameters to lower for the configs `over` selects: those that,
  // lowered alone, made one of them fit; else those whose largest value
  // among them exceeds the largest among the configs that fit.
  auto toLower = [&](llvm::function_ref<bool(const ConfigResult &)> over) {
    std::vector<bool> named(params.size(), false);
    bool any = false;
    for (const ConfigResult &d : compiled) {
      if (!d.dropped() || !over(d))
        continue;
      for (const ConfigResult &f : compiled) {
        if (!f.fits)
          continue;
        size_t differing = 0, which = 0;
        for (size_t p = 0; p < params.size(); ++p)
          if (d.config.lookup(params[p].name) !=
              f.config.lookup(params[p].name)) {
            ++differing;
            which = p;
          }
        if (differing == 1 && f.config.lookup(params[which].name) <
                                  d.config.lookup(params[which].name))
          named[which] = any = true;
      }
    }
    if (!any)
      for (size_t p = 0; p < params.size(); ++p) {
        std::optional<int64_t> overMax, fitMax;
        for (const ConfigResult &c : compiled) {
          auto it = c.config.find(params[p].name);
          if (it == c.config.end())
            continue;
          if (c.dropped() && over(c))
            overMax = std::max(overMax.value_or(it->second), it->second);
          else if (c.fits)
            fitMax = std::max(fitMax.value_or(it->second), it->second);
        }
        if (overMax && fitMax && *overMax > *fitMax)
          named[p] = any = true;
      }
    std::vector<std::string> names;
    for (size_t p = 0; p < params.size(); ++p)
      if (named[p])
        names.push_back(params[p].name);
    if (names.empty())
      return std::string("lower the block sizes or stages");
    std::string text = "lower " + names[0];
    for (size_t n = 1; n < names.size(); ++n)
      text += (n + 1 == names.size() ? " or " : ", ") + names[n];
    return text;
  };
  const DeviceLimits &limits = *opts.limits;
  std::string line =
      llvm::formatv("dropped {0} of {1} config(s) over the limits of {2}",
                    dropped, compiled.size(), limits.name);
  std::string sep = ": ";
  if (bySharedMemory) {
    line += llvm::formatv("{0}{1} need more shared memory than a block may "
                          "use (up to {2} bytes; {3})",
                          sep, bySharedMemory, maxBytes,
                          toLower([](const ConfigResult &c) {
                            return c.over.sharedMemoryBytes != 0;
                          }))
                .str();
    sep = "; ";
  }
  if (byThreads)
    line += llvm::formatv("{0}{1} need more threads than the {2} a block may "
                          "have (up to {3}; {4})",
                          sep, byThreads, limits.maxThreadsPerBlock,
                          maxThreads, toLower([](const ConfigResult &c) {
                            return c.over.threads != 0;
                          }))
                .str();
  return line;
}

TuneResult Tuner::tune(const std::vector<Bindings> &configs,
                       ConfigRunner &runner, const TunerHooks &hooks) const {
  return measure(compile(configs, hooks), runner, hooks);
}

std::optional<std::string> Tuner::lookup(const TuningCache &cache,
                                         const TuningKey &key,
                                         const TunerHooks &hooks) const {
  return cache.lookup(key, [&](const llvm::Twine &message) {
    if (hooks.warn)
      hooks.warn(message);
  });
}

std::optional<CachedKernel>
Tuner::lookupKernel(const TuningCache &cache, const TuningKey &key,
                    const std::string &config, const TunerHooks &hooks) const {
  auto kernel = cache.lookupKernel(key, config, [&](const llvm::Twine &m) {
    if (hooks.warn)
      hooks.warn(m);
  });
  // A kernel of another name is not this kernel's.
  if (kernel && kernel->info.kernelName != source.name()) {
    if (hooks.warn)
      hooks.warn("tuning cache entry " + kernel->path + " holds kernel @" +
                 kernel->info.kernelName + ", not @" + source.name() +
                 "; compiling the config instead");
    return std::nullopt;
  }
  return kernel;
}

llvm::Expected<std::string> Tuner::record(const TuningCache &cache,
                                          const TuningKey &key,
                                          const ConfigResult &result) const {
  // A planted bug's results are never recorded (the key does not tell
  // them apart).
  if (!opts.compile.testMutation.empty())
    return std::string();
  // The kernel first: a config entry is never newer than its kernel, and a
  // kernel that cannot be written leaves nothing recorded.
  if (result.compiled())
    if (auto err = cache.storeKernel(key, result.label, *result.info,
                                     result.ptxas))
      return std::move(err);
  if (auto err = cache.store(key, result.label))
    return std::move(err);
  return cache.entryPath(key);
}
