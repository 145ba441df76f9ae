//===- Tuner.cpp - compile, verify, time and pick a kernel's best config --===//

#include "tile/Tuner/Tuner.h"

#include "tile/Support/Version.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
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
  // The compiler: its version and commit, LLVM's, the chip it targets.
  std::string compiler;
  llvm::raw_string_ostream os(compiler);
  printVersion(os, "tile");
  os << " chip=" << (chip.empty() ? "default" : chip);
  return {kernel.name(), kernel.contentHash(), shape, dtypeLabel(kernel),
          device, compiler};
}

namespace {

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
    auto info = source.compile(configs[i], options);
    if (!info)
      return failed(llvm::toString(info.takeError()));
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
  // Every config gets a row: the failed compiles first.
  for (ConfigResult &c : compiled)
    if (!c.compiled())
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
  // A planted bug's results are never recorded.
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
