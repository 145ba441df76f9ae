//===- Tuner.h - compile, verify, time and pick a kernel's best config -*- C++ -*-===//
//
// The sweep over a kernel's configs as a library (docs/api.md, "Tuning"):
// compile every config on several threads (ptxas's report on each PTX where
// ptxas is given, IR and PTX dumps on request), then run the configs that
// compiled one at a time through a ConfigRunner that the program supplies
// (load, launch, check the output: the tuner knows nothing of references),
// time those that pass, order the results fastest first and pick the best;
// the tuning cache (TuningCache.h) keeps the best config of a key between
// runs. tile-run is a driver over this: it parses flags, builds the inputs
// and the reference, and prints.
//
//   tile::Tuner tuner(kernel, options);
//   std::vector<tile::ConfigResult> compiled = tuner.compile(configs, hooks);
//   tile::TuneResult result = tuner.measure(std::move(compiled), runner, hooks);
//   if (const tile::ConfigResult *best = result.best()) ...
//
//===----------------------------------------------------------------------===//

#ifndef TILE_TUNER_TUNER_H
#define TILE_TUNER_TUNER_H

#include "tile/Compiler/Compiler.h"
#include "tile/Compiler/LaunchInfo.h"
#include "tile/Compiler/Ptxas.h"
#include "tile/Runtime/Timer.h"
#include "tile/Tuner/TuningCache.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tile {

/// "BLOCK_M=128,WARPS=8,...": `config` with the kernel's parameters first,
/// in declaration order (then any other bound names, sorted);
/// "(defaults)" when it is empty. How tile-run names a config everywhere.
std::string configLabel(const KernelSource &kernel, const Bindings &config);

/// "bf16", or "bf16->f32" when the output tensors have another type.
std::string dtypeLabel(const KernelSource &kernel);

/// `root`/<kernel>/<configLabel, with characters a file name should not
/// have replaced by '_'>: where a config's dumps go.
std::string configDumpDirectory(const std::string &root,
                                const KernelSource &kernel,
                                const Bindings &config);

/// The tuning-cache key of `kernel` (its name and content hash, dtypeLabel)
/// at the shape labelled `shape` on the GPU called `device` ("no GPU"
/// without one), compiled by this tile for `chip`.
TuningKey makeTuningKey(const KernelSource &kernel, const std::string &shape,
                        const std::string &device, const std::string &chip);

/// What a GPU allows one block: configs beyond it are dropped before they
/// are compiled to PTX (TunerOptions::limits).
struct DeviceLimits {
  /// For messages: the GPU's name, or the chip.
  std::string name;
  /// Dynamic shared memory a block may opt in to, in bytes
  /// (CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN).
  uint64_t maxSharedMemoryPerBlock = 0;
  /// CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK.
  unsigned maxThreadsPerBlock = 0;

  /// The documented limits of `chip` (sm_90a: 227 KiB = 232448 bytes, 1024
  /// threads; sm_80: 163 KiB; sm_86/89/120: 99 KiB; sm_100: 227 KiB), for
  /// compiling without a GPU; nullopt for a chip it does not know.
  static std::optional<DeviceLimits> forChip(const std::string &chip);
};

/// How far over the limits a dropped config is (0: within).
struct OverLimits {
  uint64_t sharedMemoryBytes = 0; // what it needs, when over
  unsigned threads = 0;           // what it needs, when over
};

/// One config through the sweep.
struct ConfigResult {
  /// Position in the list given to Tuner::compile.
  size_t index = 0;
  /// The config as given.
  Bindings config;
  /// configLabel of the full config (info->config) when it compiled, else
  /// of the config as given.
  std::string label;
  /// The compiled kernel; empty when it did not compile.
  std::optional<LaunchInfo> info;
  /// ptxas -v's figures (when TunerOptions::ptxas is set, or kept with a
  /// cached kernel).
  std::optional<PtxasReport> ptxas;
  /// The kernel came from the tuning cache: nothing was compiled.
  bool fromCache = false;
  /// "" (compiled, not run yet), "ok" (verified and timed), "DROPPED"
  /// (over the device's limits), "COMPILE FAILED", "TIMING FAILED" or a
  /// runner's failure status ("WRONG", "LOAD FAILED", ...).
  std::string status;
  /// What is over the limits of a DROPPED config.
  OverLimits over;
  /// The config was checked against TunerOptions::limits and fits.
  bool fits = false;
  /// Why it failed: the compile error, the runner's detail.
  std::string detail;
  /// COMPILE FAILED, or a runner's failure that it counts as one (a PTX the
  /// driver does not load).
  bool compileFailure = false;
  /// The timed runs of an "ok" config; `timing.medianMs` is what ranks it.
  runtime::TimingResult timing;

  bool compiled() const { return info.has_value(); }
  bool ok() const { return status == "ok"; }
  bool dropped() const { return status == "DROPPED"; }
};

/// What running one config found.
struct RunOutcome {
  std::string status = "ok";
  std::string detail;
  /// Count the failure as a failure to compile (e.g. "LOAD FAILED").
  bool compileFailure = false;
  /// Nothing more can run (a fault left the CUDA context unusable): the
  /// sweep ends after this config.
  bool stop = false;

  static RunOutcome passed() { return {}; }
  static RunOutcome failed(std::string status, std::string detail,
                           bool compileFailure = false) {
    RunOutcome o;
    o.status = std::move(status);
    o.detail = std::move(detail);
    o.compileFailure = compileFailure;
    return o;
  }
  bool ok() const { return status == "ok"; }
};

/// What the program supplies to run configs: the tuner calls verify() on
/// each compiled config in turn, and time() right after a verify() that
/// passed, on the calling thread.
class ConfigRunner {
public:
  virtual ~ConfigRunner();
  /// Loads, launches and checks `config` (compiled: config.info is set).
  virtual RunOutcome verify(const ConfigResult &config) = 0;
  /// Times the config verify() just passed; an error is "TIMING FAILED".
  virtual llvm::Expected<runtime::TimingResult>
  time(const ConfigResult &config) = 0;
};

/// A ConfigRunner made of two functions.
class FunctionRunner : public ConfigRunner {
public:
  using VerifyFn = std::function<RunOutcome(const ConfigResult &)>;
  using TimeFn =
      std::function<llvm::Expected<runtime::TimingResult>(const ConfigResult &)>;
  FunctionRunner(VerifyFn verifyFn, TimeFn timeFn)
      : verifyFn(std::move(verifyFn)), timeFn(std::move(timeFn)) {}
  RunOutcome verify(const ConfigResult &config) override {
    return verifyFn(config);
  }
  llvm::Expected<runtime::TimingResult>
  time(const ConfigResult &config) override {
    return timeFn(config);
  }

private:
  VerifyFn verifyFn;
  TimeFn timeFn;
};

/// Where the tuner reports as it goes; every hook is optional.
struct TunerHooks {
  /// A config finished compiling (or failed to). Called from the compile
  /// threads, so it must be thread-safe (progress lines).
  std::function<void(const ConfigResult &)> compiled;
  /// A config was run: verified and timed, or failed (its status says).
  /// Called on the thread that called measure(), in run order.
  std::function<void(const ConfigResult &)> measured;
  /// Something went wrong that does not stop the sweep (a damaged cache
  /// entry): one line, without a prefix.
  std::function<void(const llvm::Twine &)> warn;
  /// A dump could not be written (what and why); called once, the sweep
  /// goes on without further dumps.
  std::function<void(const llvm::Twine &)> dumpFailed;
};

struct TunerOptions {
  /// How each config is compiled (chip, features, optimization level, a
  /// planted bug); irDumpDir and printIRAfterAll are set per config.
  CompileOptions compile;
  /// Print the IR after every pass of the first config's compile.
  bool printIROfFirst = false;
  /// Compile threads; 0: one per core.
  unsigned jobs = 0;
  /// A ptxas (findPtxas()) to assemble each PTX with for its register and
  /// spill figures; PTX it rejects is a failed compile. "": none.
  std::string ptxas;
  /// Per config, under configDumpDirectory(dumpDirectory, ...): the IR
  /// before and after every pass (ir/), kernel.ptx, ptxas.txt, the cubin
  /// and sass.txt. "": no dumps.
  std::string dumpDirectory;
  /// Configs whose block needs more shared memory or threads than this
  /// are dropped (status DROPPED) as soon as the lowering to the gpu
  /// dialect says what they need, before LLVM runs; none: no check.
  /// Registers are not checked: only ptxas knows them, and it fits them to
  /// the block (the PTX carries .maxntid), spilling rather than exceeding
  /// the SM's register file; the lowerings refuse accumulators that cannot
  /// fit a thread's registers.
  std::optional<DeviceLimits> limits;
};

/// The configs of a sweep after they ran.
struct TuneResult {
  /// Every config that did not compile (dropped ones aside), then every
  /// config that ran, in
  /// run order; then ordered: those that passed, fastest first, ahead of
  /// the others (whose order is kept).
  std::vector<ConfigResult> results;
  /// Compiled configs the sweep did not reach because a runner stopped it.
  size_t notRun = 0;

  /// The fastest config that passed; null when none did.
  const ConfigResult *best() const {
    return !results.empty() && results.front().ok() ? &results.front()
                                                    : nullptr;
  }
};

class Tuner {
public:
  /// `kernel` must outlive the tuner.
  explicit Tuner(const KernelSource &kernel, TunerOptions options = {});

  const KernelSource &kernel() const { return source; }
  const TunerOptions &options() const { return opts; }

  /// Compiles every config on options().jobs threads (each compile has its
  /// own MLIRContext). The results are in the order of `configs`, with
  /// status "" (compiled) or "COMPILE FAILED". A config that `cached`
  /// (lookupKernel) was compiled for is not compiled again, unless
  /// usesCachedKernels() says no: its result is the cached kernel
  /// (fromCache).
  std::vector<ConfigResult> compile(const std::vector<Bindings> &configs,
                                    const TunerHooks &hooks = {},
                                    const CachedKernel *cached = nullptr) const;

  /// Whether compile() takes a cached kernel: not when the options ask for
  /// what only a compile gives (dumps, printed IR) or for a planted bug.
  bool usesCachedKernels() const;

  /// One line saying how many of `compiled` were dropped for exceeding
  /// options().limits, how far, and which parameters to lower (those that,
  /// lowered alone, made a dropped config fit; else those whose values the
  /// dropped configs exceed); "" when none was.
  std::string describeDropped(const std::vector<ConfigResult> &compiled) const;

  /// Runs every compiled config through `runner`, in order: verify(), then
  /// time() if it passed; dropped configs are left out of the result. A
  /// runner's `stop` ends the sweep.
  TuneResult measure(std::vector<ConfigResult> compiled, ConfigRunner &runner,
                     const TunerHooks &hooks = {}) const;

  /// compile() then measure().
  TuneResult tune(const std::vector<Bindings> &configs, ConfigRunner &runner,
                  const TunerHooks &hooks = {}) const;

  /// The config recorded for `key` in `cache` (its configLabel); nullopt
  /// on a miss (a damaged or foreign entry: a warning through
  /// `hooks.warn`).
  std::optional<std::string> lookup(const TuningCache &cache,
                                    const TuningKey &key,
                                    const TunerHooks &hooks = {}) const;

  /// The compiled kernel recorded for `key` with `config` (the label
  /// lookup() returned); nullopt on a miss (damaged, or of another config:
  /// a warning through `hooks.warn`).
  std::optional<CachedKernel> lookupKernel(const TuningCache &cache,
                                           const TuningKey &key,
                                           const std::string &config,
                                           const TunerHooks &hooks = {}) const;

  /// Records `result` (compiled) as the tuned config of `key` (its label),
  /// with its compiled kernel (PTX, LaunchInfo, ptxas's figures). Returns
  /// the config entry's path. Configs compiled with a planted bug
  /// (CompileOptions::testMutation) are never recorded: "" then.
  llvm::Expected<std::string> record(const TuningCache &cache,
                                     const TuningKey &key,
                                     const ConfigResult &result) const;

private:
  const KernelSource &source;
  TunerOptions opts;
};

} // namespace tile

#endif // TILE_TUNER_TUNER_H
