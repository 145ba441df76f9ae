//===- tile-run.cpp - compile, run, verify, time and tune tile kernels ----===//
//
//   tile-run kernels/gemm.mlir --shape M=4096,N=4096,K=4096 [--tune]
//   tile-run kernels/attention.mlir --shape B=4,H=48,S=4096,D=64 [--causal]
//   tile-run kernels/layernorm.mlir --shape R=4096,C=4096 [--eps 1e-6]
//
// For each --shape: compiles the kernel for one config (--config, or the
// defaults) or for its whole tuning space (--tune), on several threads. On a
// GPU it fills the inputs with seeded random data, computes the reference
// (References.h), and for every config restores the output to poison with a
// NaN canary in its padding and guard bands, launches, checks every output
// element against the reference under a per-element bound and the canaries,
// and only then times it (CUDA events, L2 flushed before every run, median),
// next to the reference's peer (cuBLAS) when it has one; memory-bound kernels
// (softmax, layernorm) are reported in GB/s instead of TFLOP/s. Without a
// GPU it stops after compiling, with ptxas's register/spill/shared-memory
// figures.
//
// The exit status is 0 only when every config compiled, ran and verified
// (--allow-compile-failures excuses configs that do not compile or load).
//
// The sweep itself (the parallel compile, the run order, the ranking and
// the tuning cache) is the library's (tile/Tuner/Tuner.h); tile-run
// supplies the runner that loads, launches and checks each config, and
// prints.
//
//===----------------------------------------------------------------------===//

#include "DeviceTensor.h"
#include "HostTensors.h"
#include "Progress.h"
#include "References.h"
#include "Watchdog.h"

#include "tile/Compiler/Compiler.h"
#include "tile/Compiler/HostKernel.h"
#include "tile/Compiler/Ptxas.h"
#include "tile/Runtime/CudaDriver.h"
#include "tile/Runtime/HostData.h"
#include "tile/Runtime/Launcher.h"
#include "tile/Runtime/Module.h"
#include "tile/Runtime/ReferenceKernels.h"
#include "tile/Runtime/Timer.h"
#include "tile/Support/SourceFile.h"
#include "tile/Support/Version.h"
#include "tile/Tuner/Export.h"
#include "tile/Tuner/Tuner.h"
#include "tile/Tuner/TuningCache.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <optional>
#include <set>

using namespace tile;
using namespace tile::runtime;
namespace cl = llvm::cl;

static cl::OptionCategory category("tile-run options");
static cl::opt<std::string> inputFile(cl::Positional, cl::Required,
                                      cl::desc("<kernel.mlir>"),
                                      cl::cat(category));
static cl::list<std::string> shapes(
    "shape",
    cl::desc("Problem sizes, e.g. M=4096,N=4096,K=4096; repeat for several "
             "shapes. Attention: B=4,H=48,S_Q=4096,S_KV=4096,D=64, where "
             "S=<n> stands for S_Q=<n>,S_KV=<n>; softmax and layernorm: "
             "R=4096,C=4096 (rows, columns)"),
    cl::cat(category));
static cl::opt<std::string>
    configOpt("config",
              cl::desc("Parameter values, e.g. BLOCK_M=128,WARPS=8 (others "
                       "take their defaults)"),
              cl::cat(category));
static cl::opt<bool> tune("tune",
                          cl::desc("Verify and time every config of the "
                                   "kernel's tuning space (configs over the "
                                   "GPU's shared memory or threads a block "
                                   "are dropped before they are compiled)"),
                          cl::cat(category));
static cl::opt<std::string> dtypeOpt(
    "dtype",
    cl::desc("Operand type: bf16 or f16 for 16-bit kernels, f8e4m3 or "
             "f8e5m2 for fp8 kernels (default: the kernel's)"),
    cl::cat(category));
static cl::opt<std::string> outDtypeOpt(
    "out-dtype",
    cl::desc("Element type of the output tensors: bf16, f16, f32, or "
             "f8e4m3 / f8e5m2 (default: the kernel's)"),
    cl::cat(category));
static cl::opt<bool>
    causal("causal",
           cl::desc("Attention kernels: mask key j > query i (top-left "
                    "aligned, like torch's is_causal=True); sets the "
                    "kernel's %causal to 1, adds \",causal\" to the shape "
                    "label and halves the flops counted"),
           cl::cat(category));
static cl::opt<float>
    scaleOpt("scale", cl::value_desc("float"),
             cl::desc("Attention kernels: the kernel's %scale, applied to "
                      "Q K^T before the softmax; positive (default 1/sqrt(D))"),
             cl::cat(category));
static cl::opt<float> scaleAOpt(
    "scale-a", cl::value_desc("float"),
    cl::desc("GEMM kernels with scale_a/scale_b arguments (fp8): the scale "
             "of A (default 1)"),
    cl::cat(category));
static cl::opt<float> scaleBOpt(
    "scale-b", cl::value_desc("float"),
    cl::desc("GEMM kernels with scale_a/scale_b arguments (fp8): the scale "
             "of B (default 1)"),
    cl::cat(category));
static cl::opt<float> descaleQOpt(
    "descale-q", cl::value_desc("float"),
    cl::desc("Attention kernels with descale arguments (fp8): the descale "
             "factor of Q, which the fp8 values are multiplied by (default "
             "1); --descale-k, --descale-v likewise"),
    cl::cat(category));
static cl::opt<float> epsOpt(
    "eps", cl::value_desc("float"),
    cl::desc("Layernorm kernels: the kernel's %eps, added to the variance; "
             "positive (default 1e-5, as torch's layer_norm)"),
    cl::cat(category));
static cl::opt<float> descaleKOpt("descale-k", cl::value_desc("float"),
                                  cl::desc("See --descale-q"),
                                  cl::cat(category));
static cl::opt<float> descaleVOpt("descale-v", cl::value_desc("float"),
                                  cl::desc("See --descale-q"),
                                  cl::cat(category));
static cl::opt<std::string> kernelName("kernel",
                                       cl::desc("Which tile.kernel of the "
                                                "file (if several)"),
                                       cl::cat(category));
static cl::opt<unsigned>
    seed("seed", cl::init(1),
         cl::desc("Seed of the random inputs (and of the elements the exact "
                  "host reference checks)"),
         cl::cat(category));
static cl::opt<unsigned> iters("iters", cl::init(20),
                               cl::desc("Timed runs (median reported); at "
                                        "least 1"),
                               cl::cat(category));
static cl::opt<unsigned> kernelTimeout(
    "kernel-timeout", cl::init(120), cl::value_desc("seconds"),
    cl::desc("A config that has not finished its runs (check and timing) "
             "after this many seconds ends tile-run with an error: a kernel "
             "that never ends cannot be stopped otherwise (0: no limit)"),
    cl::cat(category));
static cl::opt<unsigned> warmup("warmup", cl::init(5),
                                cl::desc("Untimed runs before timing"),
                                cl::cat(category));
static cl::opt<double> toleranceOpt(
    "tolerance", cl::init(1.0),
    cl::desc("Multiplies every per-element error bound (default 1; the "
             "bounds are derived in docs/verification.md); positive"),
    cl::cat(category));
static cl::opt<bool> allowCompileFailures(
    "allow-compile-failures",
    cl::desc("Configs that fail to compile or to load are reported (stdout, "
             "--json) but do not make the exit status non-zero; wrong or "
             "failing runs always do"),
    cl::cat(category));
static cl::opt<bool> packedRows(
    "packed",
    cl::desc("Lay out the tensors that the kernel does not access through "
             "TMA (e.g. the output) with packed rows (pitch = the innermost "
             "extent) instead of rows padded to 16 bytes; TMA operands keep "
             "16-byte rows, which TMA requires"),
    cl::cat(category));
static cl::opt<std::string> chipOpt(
    "chip", cl::init("sm_90a"),
    cl::desc("GPU to compile for (sm_<major><minor>[a]); a kernel whose "
             "lowering needs instructions that chip lacks is a compile "
             "error. A run needs the GPU to be that chip"),
    cl::cat(category));
static cl::opt<std::string> dumpDir(
    "dump-dir", cl::init(""), cl::value_desc("dir"),
    cl::desc("Write, per config, the IR before and after every pass (ir/), "
             "the PTX (kernel.ptx), ptxas -v's report (ptxas.txt), the cubin "
             "and its SASS (sass.txt, where cuobjdump exists) under "
             "dir/<kernel>/<config>/; $TILE_DUMP_DIR does the same"),
    cl::cat(category));
static cl::opt<std::string> targetOpt(
    "target", cl::init("gpu"), cl::value_desc("gpu|cpu"),
    cl::desc("Where the kernel runs: gpu (the default), or cpu: compiled "
             "through linalg (pipeline tile-to-cpu), JIT-compiled and run on "
             "this machine's cores, every output element checked against "
             "the exact reference computed on the host; nothing is timed "
             "(docs/cpu.md)"),
    cl::cat(category));
static cl::opt<std::string> referenceOpt(
    "reference", cl::init(""), cl::value_desc("cpu"),
    cl::desc("cpu: check the GPU configs against the same tile program run "
             "on the host CPU (the first config valid at the shape, through "
             "linalg) instead of the kernel's own reference, under a "
             "consistency bound "
             "(docs/cpu.md); for kernels that have no reference tile-run "
             "knows"),
    cl::cat(category));
static cl::opt<bool> noVerify(
    "no-verify",
    cl::desc("--target cpu: run a kernel that has no reference tile-run "
             "knows (and no scalar arguments) without checking its output, "
             "for debugging; its tensors' canaries are still checked. "
             "Reports NOT VERIFIED"),
    cl::cat(category));
static cl::opt<unsigned> hostThreads(
    "host-threads", cl::init(0), cl::value_desc("n"),
    cl::desc("--target cpu: host threads running the programs of the grid "
             "(default: every core)"),
    cl::cat(category));
static cl::opt<double> hostMemoryLimitGiB(
    "host-memory-limit", cl::init(4.0), cl::value_desc("GiB"),
    cl::desc("--target cpu: shapes whose tensors and reference need more "
             "host memory than this are refused before anything is "
             "allocated (default 4)"),
    cl::cat(category));
static cl::opt<bool> compileOnly("compile-only",
                                 cl::desc("Compile (and run ptxas) only"),
                                 cl::cat(category));
static cl::opt<std::string> emitPTX("emit-ptx",
                                    cl::desc("Write the PTX of the first "
                                             "config to this file"),
                                    cl::cat(category));
// Compiler development: time and verify a hand-edited PTX of a config
// (e.g. a reordering ptxas is to keep) with the config's launch.
static cl::opt<std::string> ptxOverride(
    "ptx-override", cl::Hidden,
    cl::desc("Load this PTX file instead of each config's compiled PTX "
             "(compiler development; the config's launch is kept: use with "
             "--config and the PTX of that config)"),
    cl::cat(category));
static cl::opt<unsigned> jobs("jobs", cl::init(0),
                              cl::desc("Compile threads (default: cores)"),
                              cl::cat(category));
static cl::opt<std::string> jsonOut("json",
                                    cl::desc("Append one JSON line per "
                                             "config (and peer) to this file: "
                                             "status, error, median ms and "
                                             "min/p20/p80/max of the runs "
                                             "(and gbps for memory-bound "
                                             "kernels: softmax, layernorm)"),
                                    cl::cat(category));
static cl::opt<std::string> reproDir(
    "repro", cl::value_desc("dir"),
    cl::desc("Write what reproduces each config that fails (does not "
             "compile, load or launch, or is WRONG) and the chosen one (the "
             "best; or the one config run or compiled) under "
             "dir/<kernel>/<shape>/<config>/: the kernel source, "
             "command.sh (reruns just that config), repro.txt (status, "
             "error, config, shape, dtypes, flags, seed), version.txt, and "
             "the PTX and launch description when it compiled"),
    cl::cat(category));
static cl::opt<std::string> exportDir(
    "export", cl::value_desc("dir"),
    cl::desc("Write the chosen config (the best of --tune, or the one "
             "config run; with --compile-only the one config compiled) as "
             "files a C++ program builds with: <kernel>.ptx, <kernel>.cubin "
             "(where ptxas is found), <kernel>.launch.txt, and <kernel>.h, "
             "a header with a typed launch through the CUDA driver API "
             "(docs/api.md, \"Exporting a kernel\"); one --shape"),
    cl::cat(category));
static cl::opt<std::string> cacheDir(
    "cache-dir", cl::value_desc("dir"),
    cl::desc("The tuning cache: --tune records the best config of each "
             "(kernel source, shape, dtype, GPU, compiler) there with its "
             "compiled kernel, and a run without --config or --tune uses "
             "it, compiling nothing (default: $TILE_CACHE_DIR, else "
             "$XDG_CACHE_HOME/tile, else ~/.cache/tile)"),
    cl::cat(category));
static cl::opt<bool> noCache("no-cache",
                             cl::desc("Neither read nor write the tuning "
                                      "cache"),
                             cl::cat(category));
static cl::opt<bool> recordConfig(
    "record-config",
    cl::desc("Record --config in the tuning cache for this kernel, shape, "
             "dtype and GPU once it verifies (with --compile-only: once it "
             "compiles), as --tune records its best"),
    cl::cat(category));
// The attention lowering (one emitter for the attention kernel shape) was
// removed in session 13; scripts of sessions 12-13 pass this for it.
static cl::opt<bool> attentionLowering("attention-lowering", cl::init(false),
                                       cl::Hidden, cl::cat(category));
// Op by op became the default in session 12; older scripts pass this.
static cl::opt<bool> attentionOpByOp(
    "attention-op-by-op", cl::init(false), cl::Hidden,
    cl::desc("Attention op by op: the default (kept for older scripts)"),
    cl::cat(category));

static cl::opt<bool> printIR("print-ir-after-all",
                             cl::desc("Print the IR after every pass of the "
                                      "first compile"),
                             cl::cat(category));
// Hidden: plants a known bug in the generated code to show that the
// verifier catches it (bench/gpu_mutation_test.sh, docs/verification.md).
static cl::opt<std::string> testMutation(
    "test-mutation", cl::Hidden,
    cl::desc("For testing the verifier only: compile with a planted bug "
             "(store-past-end, convert-as-identity, reduce-in-thread, "
             "mask-check-corner, divide-floor)"),
    cl::cat(category));

namespace {

/// This process's command line (main fills it) and executable, for the
/// commands --repro writes.
std::vector<std::string> commandLine;
std::string executablePath;

int errorsSeen = 0;
bool contextLost = false; // a kernel fault made the CUDA context unusable

void report(const llvm::Twine &what, llvm::Error err) {
  ++errorsSeen;
  llvm::errs() << "tile-run: error: " << what << ": "
               << llvm::toString(std::move(err)) << "\n";
}

/// An error whose message says what failed already.
void report(llvm::Error err) {
  ++errorsSeen;
  llvm::errs() << "tile-run: error: " << llvm::toString(std::move(err))
               << "\n";
}

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The tuning cache (lib/Tuner), unless --no-cache or no directory can be
/// found.
std::optional<TuningCache> tuningCache() {
  if (noCache)
    return std::nullopt;
  std::string dir = cacheDir.empty() ? TuningCache::defaultDirectory()
                                     : std::string(cacheDir);
  if (dir.empty())
    return std::nullopt;
  return TuningCache(dir);
}

void cacheWarning(const llvm::Twine &message) {
  llvm::errs() << "tile-run: warning: " << message << "\n";
}

/// --dump-dir, else $TILE_DUMP_DIR, else "" (no dumps).
std::string dumpDirectory() {
  if (!dumpDir.empty())
    return dumpDir;
  if (const char *env = std::getenv("TILE_DUMP_DIR"))
    return env;
  return "";
}

/// How the tuner compiles and reports, from the flags.
TunerOptions tunerOptions() {
  TunerOptions options;
  options.compile.testMutation = testMutation;
  options.compile.chip = chipOpt;
  options.printIROfFirst = printIR;
  options.jobs = jobs;
  options.ptxas = findPtxas();
  options.dumpDirectory = dumpDirectory();
  return options;
}

/// What a block may use on the GPU (through the driver), or without one
/// (--compile-only, no GPU) on the chip compiled for: configs beyond it are
/// dropped before they are compiled to PTX.
std::optional<DeviceLimits> deviceLimits() {
  if (!compileOnly) {
    if (auto driver = CudaDriver::get()) {
      if (auto dev = driver->deviceInfo()) {
        if (dev->maxSharedMemoryPerBlockOptin > 0 && dev->maxThreadsPerBlock > 0)
          return DeviceLimits{dev->name,
                              uint64_t(dev->maxSharedMemoryPerBlockOptin),
                              unsigned(dev->maxThreadsPerBlock)};
      } else {
        llvm::consumeError(dev.takeError());
      }
    } else {
      llvm::consumeError(driver.takeError());
    }
  }
  return DeviceLimits::forChip(chipOpt);
}

/// Warnings of the tuner: the tuning cache's, and a dump that cannot be
/// written.
TunerHooks warningHooks() {
  TunerHooks hooks;
  hooks.warn = cacheWarning;
  hooks.dumpFailed = [](const llvm::Twine &what) {
    llvm::errs() << "tile-run: warning: --dump-dir: " << what
                 << "; going on without (further) dumps\n";
  };
  return hooks;
}

/// Records `result` as the tuned config of `key` (a warning if it cannot;
/// a planted bug's results are never recorded).
void cacheStore(const Tuner &tuner, const TuningKey &key,
                const ConfigResult &result) {
  auto cache = tuningCache();
  if (!cache)
    return;
  auto path = tuner.record(*cache, key, result);
  if (!path) {
    cacheWarning("tuning cache: " + llvm::toString(path.takeError()) +
                 "; the config is not recorded");
    return;
  }
  if (!path->empty())
    llvm::outs() << "recorded in the tuning cache: " << *path << "\n";
}

/// Creates the dump directory of `config` under the --dump-dir root and
/// points `options` at its ir/ subdirectory; returns the directory, or ""
/// with `why` set when it cannot be created.
std::string prepareConfigDump(const std::string &root, const KernelSource &src,
                              const Bindings &config, CompileOptions &options,
                              std::string &why) {
  std::string dir = configDumpDirectory(root, src, config);
  if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
    why = "cannot create " + dir + " (" + ec.message() + ")";
    return "";
  }
  options.irDumpDir = dir + "/ir";
  return dir;
}
//===----------------------------------------------------------------------===//
// --repro: what reproduces one config
//===----------------------------------------------------------------------===//

/// `s` as one word for sh.
std::string shellQuote(llvm::StringRef s) {
  if (!s.empty() &&
      s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                          "0123456789_-./=,:+@%") == llvm::StringRef::npos)
    return s.str();
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// This run's arguments without the kernel file and those that choose
/// shapes or configs or write files: what a rerun of one config keeps.
std::vector<std::string> keptArguments() {
  static const std::set<std::string> dropped = {
      "shape",    "config",   "tune",  "record-config", "json",
      "emit-ptx", "dump-dir", "repro", "export"};
  auto options = cl::getRegisteredOptions();
  std::vector<std::string> kept;
  bool positionalSeen = false;
  for (size_t i = 1; i < commandLine.size(); ++i) {
    llvm::StringRef arg = commandLine[i];
    if (arg == "--") { // what follows is positional
      i = commandLine.size();
      break;
    }
    if (!arg.starts_with("-") || arg == "-") {
      if (!positionalSeen) { // the kernel file
        positionalSeen = true;
        continue;
      }
      kept.push_back(arg.str());
      continue;
    }
    llvm::StringRef name = arg.ltrim('-');
    bool hasValue = name.contains('=');
    name = name.split('=').first;
    auto it = options.find(name);
    bool takesNext = !hasValue && it != options.end() &&
                     it->second->getValueExpectedFlag() == cl::ValueRequired &&
                     i + 1 < commandLine.size();
    if (dropped.count(name.str())) {
      i += takesNext;
      continue;
    }
    kept.push_back(arg.str());
    if (takesNext)
      kept.push_back(commandLine[++i]);
  }
  return kept;
}

/// The shell command that reruns `config` (parameters only: problem sizes
/// come from --shape) at `shapeText` on the kernel file `kernelFile` (a
/// shell word, already quoted as needed).
std::string rerunCommand(const std::string &kernelFile,
                         const std::string &shapeText,
                         const std::string &config) {
  std::string cmd = shellQuote(executablePath) + " " + kernelFile +
                    " --shape " + shellQuote(shapeText);
  if (!config.empty())
    cmd += " --config " + shellQuote(config);
  for (const std::string &arg : keptArguments())
    cmd += " " + shellQuote(arg);
  return cmd;
}

/// --export: writes `c`'s compiled kernel under --export's directory.
void exportChosen(const KernelSource &src, const std::string &shape,
                  const std::string &device, const ConfigResult &c) {
  if (exportDir.empty() || !c.compiled())
    return;
  ExportOptions options;
  options.chip = chipOpt;
  options.ptxas = findPtxas();
  std::string version;
  {
    llvm::raw_string_ostream os(version);
    printVersion(os, "tile");
  }
  options.notes.push_back("@" + src.name() + ", config " + c.label +
                          ", chosen at " + shape + " (" + dtypeLabel(src) +
                          ") on " + device + ".");
  for (llvm::StringRef line : llvm::split(llvm::StringRef(version).rtrim(), '\n'))
    options.notes.push_back("Exported by " + line.trim().str());
  auto files = exportKernel(*c.info, exportDir, options);
  if (!files) {
    report("--export " + exportDir, files.takeError());
    return;
  }
  llvm::outs() << "exported " << c.label << " to " << exportDir << ":";
  for (const std::string &f : *files)
    llvm::outs() << " " << llvm::sys::path::filename(f);
  if (options.ptxas.empty())
    llvm::outs() << " (no ptxas: no cubin)";
  llvm::outs() << "\n";
}

/// One config to write a reproduction of.
struct ReproCase {
  Bindings config;        // the full config (or as given, when it failed early)
  std::string label;      // as tile-run prints it
  std::string status;     // "COMPILE FAILED", "WRONG", ..., or "ok"
  std::string detail;     // why it failed
  std::string why;        // "failed", or why it was chosen
  const LaunchInfo *info = nullptr; // when it compiled for the GPU
};

/// Writes dir/<kernel>/<shape>/<config>/ for `c` (--repro) and says where;
/// a warning when it cannot.
void writeRepro(const KernelSource &src, const std::string &shapeText,
                const std::string &shape, const std::string &device,
                const ReproCase &c) {
  if (reproDir.empty())
    return;
  auto warn = [&](const llvm::Twine &what) {
    llvm::errs() << "tile-run: warning: --repro: " << what
                 << "; no reproduction of config " << c.label << "\n";
  };
  auto safe = [](std::string name) {
    for (char &ch : name)
      if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '=' ||
            ch == ',' || ch == '_' || ch == '-' || ch == '.'))
        ch = '_';
    return name;
  };
  llvm::SmallString<256> dir(reproDir.getValue());
  llvm::sys::fs::make_absolute(dir);
  llvm::sys::path::append(dir, safe(src.name()), safe(shape), safe(c.label));
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return warn("cannot create " + dir + " (" + ec.message() + ")");
  auto path = [&](llvm::StringRef file) { return (dir + "/" + file).str(); };
  auto write = [&](llvm::StringRef file, llvm::StringRef text,
                   bool executable = false) {
    std::error_code ec;
    {
      llvm::raw_fd_ostream os(path(file), ec);
      if (!ec) {
        os << text;
        os.close();
        if (os.has_error())
          ec = os.error();
      }
    }
    if (!ec && executable)
      ec = llvm::sys::fs::setPermissions(
          path(file), llvm::sys::fs::perms(llvm::sys::fs::all_read |
                                           llvm::sys::fs::all_exe |
                                           llvm::sys::fs::owner_write));
    if (ec)
      warn("cannot write " + path(file) + " (" + ec.message() + ")");
    return !ec;
  };
  // The kernel file as it was read (every kernel of it: --kernel picks).
  auto source = readSource(inputFile);
  if (!source)
    return warn("cannot read the kernel again (" +
                llvm::toString(source.takeError()) + ")");
  if (!write("kernel.mlir", (*source)->getBuffer()))
    return;
  // Parameters only: problem sizes bound into the config come from --shape.
  Bindings params;
  for (const ParamInfo &p : src.params())
    if (auto it = c.config.find(p.name); it != c.config.end())
      params[p.name] = it->second;
  std::string config = params.empty() ? "" : configLabel(src, params);
  std::string command =
      rerunCommand("\"$(dirname \"$0\")/kernel.mlir\"", shapeText, config);
  std::string version;
  {
    llvm::raw_string_ostream os(version);
    printVersion(os, "tile-run");
  }
  std::string original;
  for (const std::string &arg : commandLine)
    original += (original.empty() ? "" : " ") + shellQuote(arg);
  llvm::SmallString<256> cwd;
  llvm::sys::fs::current_path(cwd);
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "tile-run --repro: config " << c.label << " of @" << src.name()
     << " at " << shape << " (" << c.why << ")\n\n"
     << "status:  " << c.status << "\n";
  if (!c.detail.empty())
    os << "error:\n  "
       << llvm::join(llvm::split(llvm::StringRef(c.detail).rtrim(), '\n'),
                     "\n  ")
       << "\n";
  os << "kernel:  @" << src.name() << " of " << inputFile
     << " (copied to kernel.mlir; source hash " << src.contentHash() << ")\n"
     << "config:  " << c.label << "\n"
     << "shape:   " << shape << " (--shape " << shapeText << ")\n"
     << "dtype:   " << dtypeLabel(src) << "\n"
     << "target:  " << targetOpt.getValue() << ", " << chipOpt.getValue()
     << "\n"
     << "device:  " << device << "\n"
     << "seed:    " << seed.getValue() << "\n"
     << "flags:   " << original << "\n"
     << "         (in " << cwd << ")\n"
     << "rerun:   sh command.sh, which runs\n  " << command << "\n\n"
     << version;
  if (!write("repro.txt", text) || !write("version.txt", version) ||
      !write("command.sh",
             "#!/bin/sh\n# Reruns config " + c.label + " of @" + src.name() +
                 " at " + shape + " (tile-run --repro; it was " + c.status +
                 "). See repro.txt.\nexec " + command + "\n",
             /*executable=*/true))
    return;
  if (c.info) {
    auto launch = launchInfoToText(*c.info);
    if (!write("kernel.ptx", c.info->ptx) ||
        !write("launch.txt", launch ? *launch
                                    : "cannot describe the launch: " +
                                          llvm::toString(launch.takeError()) +
                                          "\n"))
      return;
  }
  llvm::outs() << "repro of " << c.label << " (" << c.status << "): " << dir
               << "\n";
}

struct Measurement {
  std::string config;
  std::string status;
  std::string detail; // the error behind a failed status
  double ms = 0, tflops = 0; // the median run
  /// Memory-bound kernels (Reference::bytes): GB/s of the median run,
  /// reported instead of TFLOP/s.
  std::optional<double> gbps;
  runtime::TimingResult timing; // the runs behind `ms` (empty if none)
  double relError = 0;   // ||out - ref|| / ||ref||
  double maxRatio = 0;   // max |out - ref| / bound: at most 1 when ok
  size_t overBound = 0, nonFinite = 0;
  int regs = -1, spills = 0;
  std::string wgmmaSerialized; // PtxasReport::wgmmaSerialized
  bool compileFailure = false; // COMPILE FAILED or LOAD FAILED
  bool ok() const { return status == "ok"; }
};

std::string jsonEscape(std::string s) {
  if (s.size() > 600)
    s.resize(600);
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\', out += c;
    else if (c == '\n' || c == '\t')
      out += ' ';
    else if (static_cast<unsigned char>(c) >= 0x20)
      out += c;
  }
  return out;
}

void writeJson(const std::string &kernel, const std::string &shape,
               const std::string &dtype, const std::string &device,
               const Measurement &m) {
  if (jsonOut.empty())
    return;
  std::error_code ec;
  llvm::raw_fd_ostream os(jsonOut, ec, llvm::sys::fs::OF_Append);
  if (ec) {
    llvm::errs() << "tile-run: warning: cannot write --json " << jsonOut
                 << ": " << ec.message() << "\n";
    return;
  }
  auto number = [](double v) {
    return std::isfinite(v) ? llvm::formatv("{0:E4}", v).str()
                            : std::string("null");
  };
  os << llvm::formatv(
      "{{\"kernel\": \"{0}\", \"shape\": \"{1}\", \"dtype\": \"{2}\", "
      "\"device\": \"{3}\", \"config\": \"{4}\", \"ms\": {5:F5}, \"tflops\": "
      "{6:F2}, \"rel_error\": {7}, \"max_err_ratio\": {8}, \"over_bound\": "
      "{9}, \"non_finite\": {10}, \"regs\": {11}, \"spill_bytes\": {12}, "
      "\"status\": \"{13}\", \"detail\": \"{14}\", \"min_ms\": {15:F5}, "
      "\"p20_ms\": {16:F5}, \"p80_ms\": {17:F5}, \"max_ms\": {18:F5}, "
      "\"runs\": {19}",
      jsonEscape(kernel), jsonEscape(shape), dtype, jsonEscape(device),
      jsonEscape(m.config), m.ms, m.tflops, number(m.relError),
      number(m.maxRatio), m.overBound, m.nonFinite, m.regs, m.spills,
      m.status, jsonEscape(m.detail), m.timing.minMs, m.timing.p20Ms,
      m.timing.p80Ms, m.timing.maxMs, m.timing.samplesMs.size());
  // Last, and only for memory-bound kernels: the lines of the others stay
  // as they were.
  if (m.gbps)
    os << llvm::formatv(", \"gbps\": {0:F1}", *m.gbps);
  if (!m.wgmmaSerialized.empty())
    os << ", \"wgmma_serialized\": \"" << jsonEscape(m.wgmmaSerialized)
       << "\"";
  os << "}\n";
}

/// Checks --shape against the kernel's problem sizes, after the reference
/// expanded its shorthands.
bool parseShape(KernelSource &src, Reference *reference,
                const std::string &shapeText, Bindings &sizes) {
  if (auto err = parseBindings(shapeText, sizes)) {
    report("--shape " + shapeText, std::move(err));
    return false;
  }
  if (reference)
    if (auto err = reference->expandShape(sizes)) {
      report("--shape " + shapeText, std::move(err));
      return false;
    }
  for (const auto &entry : sizes)
    if (llvm::find(src.problemSizes(), entry.getKey().str()) ==
        src.problemSizes().end()) {
      std::string known;
      for (const std::string &s : src.problemSizes())
        known += (known.empty() ? "" : ", ") + s;
      report("--shape " + shapeText,
             makeError("'" + entry.getKey() + "' is not a problem size of @" +
                       src.name() + " (its sizes: " + known + ")"));
      return false;
    }
  for (const std::string &s : src.problemSizes()) {
    auto it = sizes.find(s);
    if (it == sizes.end() || it->second <= 0) {
      // Where the kernel declares it: a misspelt tile.shape symbol shows
      // up here as a size nobody gives.
      std::string where;
      for (size_t i = 0; i < src.args().size() && where.empty(); ++i)
        for (size_t d = 0; d < src.args()[i].dimNames.size(); ++d)
          if (src.args()[i].dimNames[d] == s) {
            where = " (dimension " + std::to_string(d) + " of argument #" +
                    std::to_string(i) + " of @" + src.name() + ")";
            break;
          }
      report("--shape " + shapeText,
             makeError(it == sizes.end()
                           ? "missing problem size " + s + where + "; add " +
                                 s + "=<n>, or fix the kernel if " + s +
                                 " is misspelt there"
                           : "problem size " + s + " must be positive"));
      return false;
    }
  }
  return true;
}

/// Bytes of host memory the system can still give (MemAvailable), or
/// nullopt where /proc/meminfo does not say.
std::optional<uint64_t> availableHostMemory() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  uint64_t value;
  std::string unit;
  while (meminfo >> key >> value >> unit)
    if (key == "MemAvailable:")
      return value * 1024;
  return std::nullopt;
}

std::string gib(uint64_t bytes) {
  return llvm::formatv("{0:F1} GiB", bytes / double(uint64_t(1) << 30)).str();
}

/// Whether the shape's buffers fit, before anything is allocated or
/// generated: the kernel's tensors (and the outputs' poisoned copies), the
/// reference, the timer's L2 flush buffer on the device; on the host, the
/// largest input being generated, the output's image and the reference.
/// Prints "OOM: ..." and returns false when they do not.
bool shapeFits(const KernelSource &src, Reference &reference,
               const Bindings &sizes, const std::string &shape,
               const std::set<unsigned> &tmaArgs, CudaDriver &drv) {
  uint64_t device = TimingOptions().flushBytes + reference.deviceBytes(sizes);
  uint64_t host = reference.hostBytes(sizes), largest = 0;
  for (auto [i, a] : llvm::enumerate(src.args())) {
    if (!a.isTensor)
      continue;
    bool packed = packedRows && !tmaArgs.count(i);
    auto bytes = deviceTensorBytes(a, sizes, packed);
    if (!bytes) {
      report("--shape " + shape,
             makeError("tensor " + a.name +
                       " is too large: its size in bytes overflows"));
      return false;
    }
    device += *bytes * (a.isOutput ? 2 : 1);
    // Generating an input holds its packed data and its image at once.
    largest = std::max(largest, *bytes * 2);
  }
  host += largest;
  size_t freeBytes = 0, totalBytes = 0;
  if (auto err = drv.memoryInfo(freeBytes, totalBytes)) {
    llvm::consumeError(std::move(err));
    freeBytes = SIZE_MAX;
  }
  if (device > freeBytes) {
    llvm::outs() << "OOM: " << shape << " needs " << gib(device)
                 << " of device memory and " << gib(freeBytes)
                 << " are free; skipping this shape\n";
    return false;
  }
  if (auto avail = availableHostMemory(); avail && host > *avail) {
    llvm::outs() << "OOM: " << shape << " needs about " << gib(host)
                 << " of host memory and " << gib(*avail)
                 << " are available; skipping this shape\n";
    return false;
  }
  return true;
}

/// (p80 - p20) / median above which a row says its runs disagree.
constexpr double kLargeSpread = 0.05;

/// ptxas's advisory that it serialized the wgmmas, as a row says it.
std::string wgmmaSerializedNote(const std::string &advisory) {
  return "(ptxas serialized the wgmmas, " + advisory + ")";
}

/// The table of a shape. `bandwidth`: GB/s instead of TFLOP/s (kernels
/// whose reference counts bytes).
void printTable(const std::vector<Measurement> &results,
                const std::string &peer, double peerTflops, bool bandwidth) {
  bool withPeer = !peer.empty();
  llvm::outs() << llvm::formatv("{0,-60} {1,4} {2,5} {3,9} {4,8} {5,9}",
                                "config", "regs", "spill", "ms",
                                bandwidth ? "GB/s" : "TFLOP/s", "err/bound");
  if (withPeer)
    llvm::outs() << llvm::formatv(" {0,8}", "/" + peer);
  llvm::outs() << " status\n";
  for (const Measurement &m : results) {
    llvm::outs() << llvm::formatv("{0,-60} {1,4} {2,5} {3,9:F4} {4,8:F1} "
                                  "{5,9:F3}",
                                  m.config, m.regs, m.spills, m.ms,
                                  bandwidth ? m.gbps.value_or(0) : m.tflops,
                                  m.maxRatio);
    if (withPeer)
      llvm::outs() << llvm::formatv(" {0,8:F2}", m.tflops / peerTflops);
    llvm::outs() << " " << m.status;
    if (!m.wgmmaSerialized.empty())
      llvm::outs() << " " << wgmmaSerializedNote(m.wgmmaSerialized);
    // The runs disagree: the median is less of a number to compare.
    if (m.ok() && m.timing.spread() > kLargeSpread)
      llvm::outs() << llvm::formatv(" (runs spread {0:F1}%: p20 {1:F4}, "
                                    "p80 {2:F4} ms)",
                                    100 * m.timing.spread(), m.timing.p20Ms, m.timing.p80Ms);
    llvm::outs() << "\n";
  }
}

/// Runs one shape. Every config that fails counts in errorsSeen (compile
/// failures only without --allow-compile-failures).
double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       start)
      .count();
}

/// Seeded random contents (the same on every path, GPU or CPU, for one
/// --seed) of every tensor argument but `outIndex`, each uniform in
/// range(argument); scalars and the output stay empty.
std::vector<std::vector<char>> randomInputs(
    const KernelSource &src, const Bindings &sizes, unsigned outIndex,
    llvm::function_ref<std::pair<double, double>(unsigned)> range) {
  std::vector<std::vector<char>> inputs(src.args().size());
  for (auto [i, a] : llvm::enumerate(src.args())) {
    if (!a.isTensor || i == outIndex)
      continue;
    size_t count = 1;
    for (const std::string &d : a.dimNames)
      count *= static_cast<size_t>(sizes.lookup(d));
    inputs[i].assign(count * elementSize(a.elementType), 0);
    auto [lo, hi] = range(i);
    fillRandom(inputs[i].data(), a.elementType, count, seed * 1000003ull + i,
               lo, hi);
  }
  return inputs;
}

/// --target cpu --no-verify, for a kernel without a reference: runs each
/// config over inputs uniform in [-1, 1) and checks only the canaries.
void runUnverifiedOnHost(KernelSource &src, const std::string &shape,
                         const Bindings &sizes, std::vector<Bindings> configs) {
  unsigned outIndex = 0, outputs = 0;
  for (auto [i, a] : llvm::enumerate(src.args())) {
    if (!a.isTensor) {
      report("@" + src.name(),
             makeError("--no-verify: the scalar argument " + a.name +
                       " can only be set by a reference tile-run knows"));
      return;
    }
    if (a.isOutput) {
      outIndex = i;
      ++outputs;
    }
  }
  if (outputs != 1) {
    report("@" + src.name(),
           makeError("--no-verify runs kernels with one output tensor"));
    return;
  }
  std::vector<std::vector<char>> inputs = randomInputs(
      src, sizes, outIndex,
      [](unsigned) { return std::pair<double, double>(-1.0, 1.0); });
  auto bytes = HostTensors::bytes(src, sizes);
  if (!bytes || *bytes > static_cast<uint64_t>(static_cast<double>(
                             hostMemoryLimitGiB) * (1ull << 30))) {
    report(shape, makeError("the tensors do not fit --host-memory-limit"));
    return;
  }
  auto tensors = HostTensors::create(src, sizes, inputs, {}, outIndex);
  if (!tensors) {
    report(shape, tensors.takeError());
    return;
  }
  for (const Bindings &config : configs) {
    CompileOptions options;
    options.testMutation = testMutation;
    auto kernel = src.compileForHost(config, options);
    if (!kernel) {
      report("config " + configLabel(src, config), kernel.takeError());
      continue;
    }
    std::string name = configLabel(src, (*kernel)->info().config);
    if (auto err = tensors->run(**kernel, sizes, hostThreads)) {
      report("config " + name, std::move(err));
      continue;
    }
    std::string damage = tensors->damage(src);
    if (!damage.empty()) {
      report("config " + name, makeError(damage));
      continue;
    }
    llvm::outs() << name << ": ran on the host CPU; NOT VERIFIED "
                 << "(--no-verify: no reference)\n";
  }
}

/// --target cpu: compiles each config for the host, runs it on the CPU
/// over seeded inputs (the same values the GPU path uploads) with a NaN
/// canary around every tensor and in its row padding, and checks every
/// output element against the exact host reference (Reference::
/// expectOnHost). Reports the run time of each config, but times nothing
/// for comparison: the CPU path is for verification and debugging.
void runShapeOnHost(KernelSource &src, Reference *reference,
                    const std::string &shapeText, const std::string &shape,
                    const Bindings &sizes, std::vector<Bindings> configs) {
  auto record = [&](Measurement &m) {
    if (!m.ok() && !(m.compileFailure && allowCompileFailures))
      ++errorsSeen;
    writeJson(src.name(), shape, dtypeLabel(src), "host CPU", m);
    return m;
  };
  if (!reference && noVerify)
    return runUnverifiedOnHost(src, shape, sizes, std::move(configs));
  if (!reference) {
    report("@" + src.name(),
           makeError(src.reference().empty()
                         ? "no reference to verify against: --target cpu "
                           "checks a kernel against its reference too (set "
                           "reference = \"gemm\", \"attention\", "
                           "\"softmax\", \"layernorm\", \"rmsnorm\", \"transpose\" or "
                           "\"gemm+...\"; --no-verify runs it unchecked)"
                         : "tile-run does not know reference = \"" +
                               src.reference() + "\""));
    return;
  }
  if (auto err = reference->checkKernel()) {
    report("@" + src.name(), std::move(err));
    return;
  }

  // Host memory: every tensor with its guard bands and padding, the packed
  // inputs kept for the reference, and the reference's fp32 output and
  // float copies of the inputs; refused before anything is allocated.
  auto tensorBytes = HostTensors::bytes(src, sizes);
  if (!tensorBytes) {
    report(shape, makeError("a tensor has an extent that is not positive or "
                            "a size that overflows"));
    return;
  }
  uint64_t need = *tensorBytes;
  for (const KernelArgInfo &a : src.args()) {
    uint64_t elems = 1;
    for (const std::string &d : a.dimNames)
      elems *= static_cast<uint64_t>(sizes.lookup(d));
    if (a.isTensor)
      need += elems * (elementSize(a.elementType) + 4);
  }
  const double limitGiB = hostMemoryLimitGiB;
  if (need > static_cast<uint64_t>(limitGiB * (1ull << 30))) {
    llvm::outs() << llvm::formatv(
        "the tensors of {0} and their reference need {1} of host memory, "
        "over --host-memory-limit={2:F1} GiB; skipping this shape (use "
        "smaller sizes or raise the limit)\n",
        shape, gib(need), limitGiB);
    ++errorsSeen;
    return;
  }

  reference->beginShape(sizes);
  llvm::scope_exit endShape([&] { reference->endShape(); });
  unsigned outIndex = reference->outputIndex();
  std::vector<ArgValue> scalars(src.args().size());
  for (auto [i, a] : llvm::enumerate(src.args())) {
    if (a.isTensor)
      continue;
    auto value = reference->scalarArgument(i, sizes);
    if (!value) {
      report("argument #" + llvm::Twine(i), value.takeError());
      return;
    }
    scalars[i] = *value;
  }
  std::vector<std::vector<char>> packedInputs =
      randomInputs(src, sizes, outIndex,
                   [&](unsigned i) { return reference->inputRange(i); });
  auto tensors =
      HostTensors::create(src, sizes, packedInputs, scalars, outIndex);
  if (!tensors) {
    report(shape, tensors.takeError());
    return;
  }

  auto exactStart = std::chrono::steady_clock::now();
  auto expected = reference->expectOnHost(packedInputs, sizes);
  if (!expected) {
    report("the host reference", expected.takeError());
    return;
  }
  double exactSeconds = secondsSince(exactStart);
  packedInputs.clear();

  llvm::outs() << llvm::formatv("== @{0} {1} {2}: {3} config(s) on the host "
                                "CPU\n",
                                src.name(), shape, dtypeLabel(src),
                                configs.size());
  llvm::outs().flush();
  std::vector<Measurement> results;
  Progress progress(llvm::errs(), "compiling and running on the host",
                    configs.size(),
                    llvm::sys::Process::StandardErrIsDisplayed());
  // What --repro writes once the shape is done.
  std::vector<ReproCase> repros;
  for (const Bindings &config : configs) {
    llvm::scope_exit stepped([&] { progress.step(""); });
    Measurement m;
    m.config = configLabel(src, config);
    Bindings fullConfig = config;
    auto fail = [&](const std::string &status, std::string why) {
      m.status = status;
      m.detail = std::move(why);
      llvm::errs() << "tile-run: config " << m.config << ": " << status
                   << ": " << m.detail << "\n";
      results.push_back(record(m));
      repros.push_back({fullConfig, m.config, status, m.detail, "failed"});
    };
    CompileOptions options;
    options.printIRAfterAll = printIR;
    options.testMutation = testMutation;
    if (std::string root = dumpDirectory(), why; !root.empty() &&
        prepareConfigDump(root, src, config, options, why).empty())
      llvm::errs() << "tile-run: warning: --dump-dir: " << why
                   << "; no dump of this config\n";
    auto compileStart = std::chrono::steady_clock::now();
    auto kernel = src.compileForHost(config, options);
    if (!kernel) {
      m.compileFailure = true;
      fail("COMPILE FAILED", llvm::toString(kernel.takeError()));
      continue;
    }
    double compileSeconds = secondsSince(compileStart);
    m.config = configLabel(src, (*kernel)->info().config);
    fullConfig = (*kernel)->info().config;
    auto runStart = std::chrono::steady_clock::now();
    if (auto err = tensors->run(**kernel, sizes, hostThreads)) {
      fail("RUN FAILED", llvm::toString(std::move(err)));
      continue;
    }
    m.ms = secondsSince(runStart) * 1e3;
    // Writes outside the output (its padding and guards) or into an input.
    std::string outside = tensors->damage(src);
    OutputView view = tensors->output();
    Verdict verdict;
    verdict.full = checkOutput(view, expected->values.data(), expected->bound,
                               expected->check);
    m.relError = verdict.full.relativeError;
    m.maxRatio = verdict.full.maxRatio;
    m.overBound = verdict.full.overBound;
    m.nonFinite = verdict.full.nonFinite();
    if (!verdict.ok() || !outside.empty()) {
      std::string why = describeFailure(verdict, *reference);
      if (!outside.empty())
        why += (why.empty() ? "" : "; ") + outside;
      fail("WRONG", why);
      continue;
    }
    m.status = "ok";
    llvm::outs() << llvm::formatv("{0,-60} compiled in {1:F1} s, ran in "
                                  "{2:F3} s, max err/bound {3:F3}: verified\n",
                                  m.config, compileSeconds, m.ms * 1e-3,
                                  m.maxRatio);
    results.push_back(record(m));
    if (configs.size() == 1)
      repros.push_back({fullConfig, m.config, "ok", "", "the config run"});
  }
  size_t ok = llvm::count_if(results, [](const Measurement &m) {
    return m.ok();
  });
  size_t wrong = llvm::count_if(
      results, [](const Measurement &m) { return m.status == "WRONG"; });
  llvm::outs() << llvm::formatv(
      "checked against: every element exact on the host ({0:F1} s)\n"
      "configs: {1} ok, {2} wrong, {3} failed, of {4} (host CPU, not timed "
      "for speed)\n",
      exactSeconds, ok, wrong, results.size() - ok - wrong, results.size());
  for (const ReproCase &c : repros)
    writeRepro(src, shapeText, shape, "host CPU", c);
  llvm::outs().flush();
}

void runShape(KernelSource &src, Reference *reference,
              const std::string &shapeText) {
  Bindings sizes;
  if (!parseShape(src, reference, shapeText, sizes))
    return;
  // How the shape is printed and keyed in the tuning cache and --json.
  const std::string shape =
      reference ? reference->shapeLabel(shapeText) : shapeText;
  // Memory-bound kernels are measured by their bandwidth (every row of
  // theirs has a gbps, 0 until timed).
  const double bytes = reference ? reference->bytes(sizes) : 0;
  const bool bandwidth = bytes > 0;

  TunerOptions options = tunerOptions();
  if (targetOpt == "gpu")
    options.limits = deviceLimits();
  Tuner tuner(src, options);
  TunerHooks hooks = warningHooks();
  std::vector<Bindings> configs;
  // The compiled kernel of the config found in the tuning cache, kept with
  // it: a plain run then compiles nothing.
  std::optional<CachedKernel> cachedKernel;
  if (tune) {
    configs = src.configSpace(sizes);
    if (configs.empty()) {
      report("--tune", makeError("no config of the tuning space satisfies "
                                 "the constraints"));
      return;
    }
  } else {
    Bindings config;
    std::string configString = configOpt;
    std::optional<TuningCache> cache =
        configString.empty() ? tuningCache() : std::nullopt;
    if (cache) {
      // --compile-only leaves the GPU alone: its key is "no GPU".
      auto drv = compileOnly ? llvm::Expected<CudaDriver &>(makeError("off"))
                             : CudaDriver::get();
      std::string device = "no GPU";
      if (drv) {
        if (auto info = drv->deviceInfo())
          device = info->name;
        else
          llvm::consumeError(info.takeError());
      } else {
        llvm::consumeError(drv.takeError());
      }
      TuningKey key = makeTuningKey(src, shape, device, chipOpt);
      if (auto cached = tuner.lookup(*cache, key, hooks)) {
        llvm::outs() << "using the config tuned for this shape on " << device
                     << " (" << cache->entryPath(key) << "): " << *cached
                     << "\n";
        configString = *cached;
        if (targetOpt == "gpu" && tuner.usesCachedKernels()) {
          cachedKernel = tuner.lookupKernel(*cache, key, *cached, hooks);
          if (cachedKernel)
            llvm::outs() << "using its PTX from the tuning cache ("
                         << cachedKernel->path << "): nothing to compile\n";
        }
      }
    }
    if (auto err = parseBindings(configString, config)) {
      report("--config", std::move(err));
      return;
    }
    configs.push_back(config);
  }

  // Problem sizes that size tiles are part of every configuration.
  for (Bindings &config : configs)
    for (const std::string &sym : src.tileSizeSymbols())
      config[sym] = sizes.lookup(sym);

  if (targetOpt == "cpu")
    return runShapeOnHost(src, reference, shapeText, shape, sizes,
                          std::move(configs));

  if (cachedKernel)
    llvm::outs() << llvm::formatv("== @{0} {1} {2}: {3} config(s), compiled "
                                  "earlier\n",
                                  src.name(), shape, dtypeLabel(src),
                                  configs.size());
  else
    llvm::outs() << llvm::formatv("== @{0} {1} {2}: compiling {3} "
                                  "config(s)\n",
                                  src.name(), shape, dtypeLabel(src),
                                  configs.size());
  llvm::outs().flush();
  std::vector<ConfigResult> compiled;
  {
    Progress progress(llvm::errs(), "compiling", configs.size(),
                      llvm::sys::Process::StandardErrIsDisplayed());
    TunerHooks compiling = hooks;
    compiling.compiled = [&](const ConfigResult &) { progress.step(); };
    compiled = tuner.compile(configs, compiling,
                             cachedKernel ? &*cachedKernel : nullptr);
  }

  // Every config gets a row (--json, the exit status): the failed
  // compiles first.
  std::string deviceName = "no GPU";
  auto record = [&](Measurement &m) {
    if (bandwidth && !m.gbps)
      m.gbps = 0;
    if (!m.ok() && !(m.compileFailure && allowCompileFailures))
      ++errorsSeen;
    writeJson(src.name(), shape, dtypeLabel(src), deviceName, m);
  };
  size_t compiledOK = 0, droppedCount = 0;
  for (ConfigResult &c : compiled) {
    if (c.compiled()) {
      ++compiledOK;
      continue;
    }
    if (c.dropped()) {
      ++droppedCount;
      continue;
    }
    llvm::errs() << "tile-run: config " << c.label << " does not compile:\n"
                 << c.detail << "\n";
  }
  // Configs over the GPU's limits are not the run's: one line says so.
  if (std::string line = tuner.describeDropped(compiled); !line.empty())
    llvm::outs() << line << "\n";
  if (droppedCount == compiled.size()) {
    report("@" + src.name(),
           makeError(compiled.size() == 1
                         ? "config " + compiled[0].label +
                               " is over the limits of " +
                               tuner.options().limits->name + ":\n" +
                               compiled[0].detail
                         : "every config of " + shape +
                               " is over the limits of " +
                               tuner.options().limits->name));
    return;
  }
  if (!emitPTX.empty() && !compiled.empty() && compiled[0].compiled()) {
    std::error_code ec;
    llvm::raw_fd_ostream os(emitPTX, ec);
    if (ec)
      report("--emit-ptx " + emitPTX, makeError("cannot write the file"));
    else
      os << compiled[0].info->ptx;
  }

  auto driver = compileOnly
                    ? llvm::Expected<CudaDriver &>(makeError("--compile-only"))
                    : CudaDriver::get();
  std::optional<std::string> noGpu;
  if (!driver)
    noGpu = llvm::toString(driver.takeError());
  else if (auto dev = driver->deviceInfo())
    deviceName = dev->name;
  else
    llvm::consumeError(dev.takeError());

  for (ConfigResult &c : compiled)
    if (!c.compiled() && !c.dropped()) {
      Measurement m;
      m.config = c.label;
      m.status = c.status;
      m.detail = c.detail;
      m.compileFailure = true;
      record(m);
    }

  if (noGpu) {
    llvm::outs() << (compileOnly ? "compile only" : "no GPU found (" + *noGpu + ")")
                 << ": compiled " << compiledOK << " of "
                 << compiled.size() - droppedCount
                 << " config(s); nothing run\n";
    llvm::outs() << llvm::formatv("{0,-60} {1,5} {2,7} {3,9} {4,6} {5}\n",
                                  "config", "regs", "spill B", "smem B",
                                  "block", "status");
    for (ConfigResult &c : compiled) {
      if (c.dropped())
        continue;
      if (!c.compiled()) {
        llvm::outs() << llvm::formatv("{0,-60} {1,5} {2,7} {3,9} {4,6} {5}\n",
                                      c.label, "-", "-", "-", "-",
                                      "COMPILE FAILED");
        continue;
      }
      llvm::outs() << llvm::formatv(
          "{0,-60} {1,5} {2,7} {3,9} {4,6} {5}\n", c.label,
          c.ptxas ? std::to_string(c.ptxas->registers) : "-",
          c.ptxas ? std::to_string(c.ptxas->spillStoreBytes +
                                   c.ptxas->spillLoadBytes)
                  : "-",
          c.info->sharedMemoryBytes, c.info->blockThreads,
          std::string(c.fromCache ? "cached" : "compiled") +
              (c.ptxas && !c.ptxas->wgmmaSerialized.empty()
                   ? " " + wgmmaSerializedNote(c.ptxas->wgmmaSerialized)
                   : std::string()));
    }
    if (tuner.options().ptxas.empty())
      llvm::outs() << "(ptxas not found: no register figures)\n";
    for (ConfigResult &c : compiled)
      if (!c.compiled() && !c.dropped())
        writeRepro(src, shapeText, shape, deviceName,
                   {c.config, c.label, c.status, c.detail, "failed", nullptr});
      else if (c.compiled() && compiled.size() == 1)
        writeRepro(src, shapeText, shape, deviceName,
                   {c.info->config, c.label, "compiled", "",
                    "the config compiled", &*c.info});
    // Without a run, the one config compiled is the one chosen.
    if (!exportDir.empty()) {
      if (compiled.size() == 1)
        exportChosen(src, shape, deviceName, compiled.front());
      else
        report("--export", makeError("nothing chosen among " +
                                     llvm::Twine(compiled.size()) +
                                     " configs without a run: export one "
                                     "(--config), or tune on a GPU"));
    }
    // Without a GPU a config is as good as its compile: --compile-only
    // --record-config pins one for compile-only runs (device "no GPU").
    if (recordConfig && compileOnly && compiledOK == compiled.size())
      cacheStore(tuner, makeTuningKey(src, shape, deviceName, chipOpt),
                 compiled.front());
    return;
  }
  if (compiledOK == 0)
    return;
  CudaDriver &drv = *driver;

  // Nothing is timed unverified: the kernel needs a reference that fits it.
  if (!reference) {
    bool hasScalars = llvm::any_of(
        src.args(), [](const KernelArgInfo &a) { return !a.isTensor; });
    std::string why = src.reference().empty()
                          ? "no reference to verify against"
                          : "tile-run does not know reference = \"" +
                                src.reference() + "\"";
    report("@" + src.name(),
           makeError(why + " (set reference = \"gemm\" on "
                     "a kernel with 2-d tensor arguments A, B, C, "
                     "reference = \"gemm+bias+gelu\" (steps bias, residual, "
                     "gelu, silu) on one with A, B, one argument per bias or "
                     "residual, C, "
                     "reference = \"attention\" on one with arguments Q, K, "
                     "V, O, scale, causal, reference = \"softmax\" on one "
                     "with X, Y, or reference = \"layernorm\" on one with "
                     "X, W, B, Y, eps, reference = \"rmsnorm\" on one "
                     "with X, W, Y; or check it against its own program on the CPU with "
                     "--reference cpu); nothing is timed unverified" +
                     std::string(hasScalars
                                     ? "; its scalar arguments could not be "
                                       "set either: tile-run sets scalars "
                                       "only through a reference that knows "
                                       "them"
                                     : "")));
    return;
  }
  if (auto err = reference->checkKernel()) {
    report("@" + src.name(), std::move(err));
    return;
  }

  // Tensors read or written through TMA need 16-byte rows; the others can
  // be packed (--packed). All configs of a kernel lower the same way.
  std::set<unsigned> tmaArgs;
  for (ConfigResult &c : compiled)
    if (c.compiled())
      for (const KernelParam &p : c.info->params)
        if (p.kind == KernelParam::Kind::TensorMap)
          tmaArgs.insert(p.argIndex);

  if (!shapeFits(src, *reference, sizes, shape, tmaArgs, drv))
    return;
  reference->beginShape(sizes);
  llvm::scope_exit endShape([&] { reference->endShape(); });
  double flops = reference->flops(sizes);
  auto rateText = [&](double rate) {
    return llvm::formatv(bandwidth ? "{0:F1} GB/s" : "{0:F1} TFLOP/s", rate)
        .str();
  };
  unsigned outIndex = reference->outputIndex();

  // Buffers for every tensor argument, and the scalars.
  std::vector<DeviceTensor> tensors(src.args().size());
  std::vector<ArgValue> args;
  for (auto [i, a] : llvm::enumerate(src.args())) {
    if (!a.isTensor) {
      auto value = reference->scalarArgument(i, sizes);
      if (!value) {
        report("argument #" + llvm::Twine(i), value.takeError());
        return;
      }
      args.push_back(*value);
      continue;
    }
    bool packed = packedRows && !tmaArgs.count(i);
    auto t = makeDeviceTensor(drv, a, sizes, packed);
    if (!t) {
      llvm::Error err = t.takeError();
      if (isOutOfMemory(err)) {
        llvm::consumeError(std::move(err));
        llvm::outs() << "OOM: the tensors of " << shape
                     << " do not fit in device memory; skipping this shape\n";
        return;
      }
      report("allocating tensor " + a.name, std::move(err));
      return;
    }
    tensors[i] = std::move(*t);
    llvm::Error err = llvm::Error::success();
    if (a.isOutput) {
      err = tensors[i].preparePoisoned(drv);
    } else {
      std::vector<char> host(tensors[i].count() * elementSize(a.elementType));
      auto [lo, hi] = reference->inputRange(i);
      fillRandom(host.data(), a.elementType, tensors[i].count(),
                 seed * 1000003ull + i, lo, hi);
      reference->noteInput(i, host);
      err = tensors[i].uploadInput(host);
    }
    if (err) {
      if (isOutOfMemory(err)) {
        llvm::consumeError(std::move(err));
        llvm::outs() << "OOM: the tensors of " << shape
                     << " do not fit in device memory; skipping this shape\n";
        return;
      }
      report("setting up tensor " + a.name, std::move(err));
      return;
    }
    args.push_back(tensors[i].arg());
  }

  // The reference result, checked itself before it judges any kernel.
  auto stream = Stream::create(drv);
  if (!stream) {
    report("cuStreamCreate", stream.takeError());
    return;
  }
  auto kernelsOr = ReferenceKernels::get(drv);
  if (!kernelsOr) {
    report(kernelsOr.takeError());
    return;
  }
  ReferenceKernels *kernels = &*kernelsOr;
  if (auto err = reference->prepare(drv, *stream, tensors, sizes)) {
    report(std::move(err));
    return;
  }

  TimingOptions timing;
  timing.warmup = warmup;
  timing.iterations = iters;
  auto timer = Timer::create(drv, stream->get(), timing);
  if (!timer) {
    report("timer", timer.takeError());
    return;
  }
  // The in-process peer (cuBLAS, or cuBLASLt for fp8), timed like the
  // kernel. A peer that fails leaves the kernels unpaired, not unchecked.
  std::string peer = reference->peerName();
  double peerMs = 0, peerTflops = 0;
  runtime::TimingResult peerTiming;
  if (!peer.empty()) {
    auto peerTime = reference->timePeer(*timer);
    if (!peerTime) {
      llvm::errs() << "tile-run: warning: timing " << peer << " failed ("
                   << llvm::toString(peerTime.takeError())
                   << "); the configs are timed without it\n";
      peer.clear();
      // The peer may have left an error on the stream: start clean.
      if (auto err = stream->synchronize()) {
        report("after the peer", std::move(err));
        return;
      }
    } else {
      peerTiming = *peerTime;
      peerMs = peerTime->medianMs;
      peerTflops = flops / (peerMs * 1e-3) / 1e12;
    }
  }

  Launcher launcher(drv);
  // Modules stay loaded for the whole shape: an unloaded module's CUfunction
  // handle can be handed out again, and the launcher caches per handle.
  std::vector<Module> modules;
  DeviceTensor &output = tensors[outIndex];
  Watchdog watchdog(kernelTimeout);
  // Armed from a config's launch until it is recorded, however it ends.
  std::optional<Watchdog::Scope> watched;
  // What the checks found, by the config's index (the tuner keeps the
  // status and the timing).
  std::vector<Measurement> checks(compiled.size());
  std::optional<PreparedLaunch> prepared;
  // Why nothing more can run after a fault, and the config that faulted.
  std::string lostContext, lostConfig;
  // --ptx-override: read once, for the one config it replaces.
  std::string overridden;
  if (!ptxOverride.empty()) {
    if (compiled.size() != 1) {
      report("--ptx-override",
             makeError("replaces the PTX of one config: choose it with "
                       "--config (" +
                       std::to_string(compiled.size()) + " configs here)"));
      return;
    }
    auto buffer = llvm::MemoryBuffer::getFile(ptxOverride);
    if (!buffer || (*buffer)->getBufferSize() == 0) {
      report("--ptx-override " + ptxOverride,
             makeError(buffer ? std::string("empty file")
                              : buffer.getError().message()));
      return;
    }
    overridden = (*buffer)->getBuffer().str();
  }
  FunctionRunner runner(
      [&](const ConfigResult &c) -> RunOutcome {
        watched.emplace(watchdog, "config " + c.label + " of " + shape);
        prepared.reset();
        auto fail = [&](const std::string &status, llvm::Error err,
                        bool compileFailure = false) {
          return RunOutcome::failed(status, llvm::toString(std::move(err)),
                                    compileFailure);
        };
        auto module =
            Module::loadPTX(drv, ptxOverride.empty() ? c.info->ptx : overridden);
        if (!module)
          return fail("LOAD FAILED", module.takeError(), true);
        modules.push_back(std::move(*module));
        auto fn = modules.back().getFunction(c.info->kernelName);
        if (!fn)
          return fail("LOAD FAILED", fn.takeError(), true);
        auto launch = launcher.prepare(*fn, *c.info, args, sizes);
        if (!launch)
          return fail("CANNOT LAUNCH", launch.takeError());
        prepared = std::move(*launch);
        // Verify on the poisoned output, ordered on the kernel's stream,
        // before any timing.
        if (auto err = output.restore(drv, stream->get()))
          return fail("CUDA ERROR", std::move(err));
        if (auto err = prepared->enqueue(drv, stream->get()))
          return fail("LAUNCH FAILED", std::move(err));
        if (auto err = stream->synchronize()) {
          RunOutcome outcome = fail("RUN FAILED", std::move(err));
          // A fault in a kernel leaves the CUDA context unusable: nothing
          // after it in this process would run, so say so instead of
          // failing on.
          if (auto lost = drv.synchronize()) {
            lostContext = llvm::toString(std::move(lost));
            lostConfig = c.label;
            outcome.stop = true;
          }
          return outcome;
        }
        // Writes outside the output: its padding and guard bands, and the
        // guard bands of every other tensor (all checked on the device).
        std::string outside;
        auto canary = output.checkCanaries(*kernels, stream->get());
        if (!canary)
          return fail("CUDA ERROR", canary.takeError());
        if (!canary->ok())
          outside = llvm::formatv("wrote outside {0}: {1} canary element(s) "
                                  "changed, first in the {2}",
                                  src.args()[outIndex].name, canary->damaged,
                                  canary->first)
                        .str();
        for (auto [i, t] : llvm::enumerate(tensors)) {
          if (i == outIndex || !t.buffer)
            continue;
          auto guards =
              t.checkCanaries(*kernels, stream->get(), /*guardsOnly=*/true);
          if (!guards)
            return fail("CUDA ERROR", guards.takeError());
          if (!guards->ok())
            outside += llvm::formatv("{0}wrote outside {1}: {2} guard "
                                     "element(s) changed, first {3}",
                                     outside.empty() ? "" : "; ",
                                     src.args()[i].name, guards->damaged,
                                     guards->first)
                           .str();
        }
        auto checked = reference->verify(output, *stream);
        if (!checked)
          return fail("CUDA ERROR", checked.takeError());
        const Verdict &verdict = *checked;
        Measurement &m = checks[c.index];
        m.relError = verdict.full.relativeError;
        m.maxRatio = std::max(verdict.full.maxRatio, verdict.sample.maxRatio);
        m.overBound = verdict.full.overBound;
        m.nonFinite = verdict.full.nonFinite();
        if (!verdict.ok() || !outside.empty()) {
          std::string why = describeFailure(verdict, *reference);
          if (!outside.empty())
            why += (why.empty() ? "" : "; ") + outside;
          return RunOutcome::failed("WRONG", why);
        }
        return RunOutcome::passed();
      },
      [&](const ConfigResult &) {
        return timer->time(
            [&](CUstream s) { return prepared->enqueue(drv, s); });
      });

  // A row of the table from the tuner's result and the checks' figures.
  auto measurement = [&](const ConfigResult &c) {
    Measurement m = c.compiled() ? checks[c.index] : Measurement();
    m.config = c.label;
    m.status = c.status;
    m.detail = c.detail;
    m.compileFailure = c.compileFailure;
    if (c.ptxas) {
      m.regs = c.ptxas->registers;
      m.spills = c.ptxas->spillStoreBytes + c.ptxas->spillLoadBytes;
      m.wgmmaSerialized = c.ptxas->wgmmaSerialized;
    }
    if (c.ok()) {
      m.ms = c.timing.medianMs;
      m.timing = c.timing;
      m.tflops = flops / (m.ms * 1e-3) / 1e12;
      if (bandwidth)
        m.gbps = bytes / (m.ms * 1e-3) / 1e9;
    }
    if (bandwidth && !m.gbps)
      m.gbps = 0;
    return m;
  };
  Progress progress(llvm::errs(), "verifying and timing", compiledOK,
                    llvm::sys::Process::StandardErrIsDisplayed());
  double bestRate = 0; // TFLOP/s, or GB/s
  TunerHooks running = hooks;
  running.measured = [&](const ConfigResult &c) {
    Measurement m = measurement(c);
    if (m.ok())
      bestRate = std::max(bestRate, bandwidth ? *m.gbps : m.tflops);
    else
      llvm::errs() << "tile-run: config " << m.config << ": " << m.status
                   << ": " << m.detail << "\n";
    record(m);
    watched.reset();
    progress.step(bestRate > 0 ? rateText(bestRate) : "");
  };
  TuneResult tuned = tuner.measure(std::move(compiled), runner, running);
  watched.reset();
  if (!lostContext.empty()) {
    llvm::errs() << "tile-run: the CUDA context is lost after that fault ("
                 << lostContext << "); " << tuned.notRun
                 << " config(s) of this shape and any later shapes were "
                    "not run: run them in a new process, without config "
                 << lostConfig << "\n";
    contextLost = true;
    ++errorsSeen;
  }

  // A kernel that wrote into an input invalidates what ran after it.
  if (!contextLost)
    for (auto [i, t] : llvm::enumerate(tensors)) {
      if (i == outIndex || !t.buffer)
        continue;
      auto same = t.inputUnchanged(*kernels, stream->get());
      if (!same)
        report("reading back input " + src.args()[i].name, same.takeError());
      else if (!*same)
        report("@" + src.name(),
               makeError("input " + src.args()[i].name +
                         " (or its padding or guard bands) was modified "
                         "while the configs of " +
                         shape +
                         " ran: some config wrote into it, so the results "
                         "of the configs after it are not trustworthy; run "
                         "them one at a time with --config"));
    }

  // The tuner's order: the configs that passed, fastest first.
  std::vector<Measurement> results;
  for (const ConfigResult &c : tuned.results)
    results.push_back(measurement(c));
  bool anyOK = llvm::any_of(results, [](const Measurement &m) { return m.ok(); });
  if (!peer.empty())
    llvm::outs() << llvm::formatv("device: {0}; {1}: {2:F3} ms, {3:F1} "
                                  "TFLOP/s\n",
                                  deviceName, peer, peerMs, peerTflops);
  else
    llvm::outs() << "device: " << deviceName << "\n";
  llvm::outs() << "checked against: " << reference->description() << "\n";
  printTable(results, peer, peerTflops, bandwidth);
  size_t wrong = llvm::count_if(
      results, [](const Measurement &m) { return m.status == "WRONG"; });
  size_t failed = llvm::count_if(results, [](const Measurement &m) {
    return !m.ok() && m.status != "WRONG";
  });
  llvm::outs() << llvm::formatv("configs: {0} ok, {1} wrong, {2} failed, of "
                                "{3}\n",
                                results.size() - wrong - failed, wrong, failed,
                                results.size());
  if ((tune || recordConfig) && tuned.best())
    cacheStore(tuner, makeTuningKey(src, shape, deviceName, chipOpt),
               *tuned.best());
  // A best config that spills, or whose wgmmas ptxas serialized, is worth
  // knowing about (levers both; issue 9 asks for no spills): said on the
  // best line.
  std::string bestNotes;
  if (!results.empty()) {
    llvm::SmallVector<std::string, 2> notes;
    if (results.front().spills > 0)
      notes.push_back(llvm::formatv("{0} bytes of spill stores and loads",
                                    results.front().spills));
    if (!results.front().wgmmaSerialized.empty())
      notes.push_back("wgmmas serialized, " +
                      results.front().wgmmaSerialized);
    if (!notes.empty())
      bestNotes = "  (ptxas: " + llvm::join(notes, "; ") + ")";
  }
  if (anyOK && !peer.empty())
    llvm::outs() << llvm::formatv(
        "best: {0}  {1:F1} TFLOP/s = {2:F2} x {4} ({3:F1}){5}\n",
        results.front().config, results.front().tflops,
        results.front().tflops / peerTflops, peerTflops, peer, bestNotes);
  else if (anyOK)
    llvm::outs() << "best: " << results.front().config << "  "
                 << rateText(bandwidth ? results.front().gbps.value_or(0)
                                       : results.front().tflops)
                 << bestNotes << "\n";
  if (tuned.best())
    exportChosen(src, shape, deviceName, *tuned.best());
  for (const ConfigResult &c : tuned.results) {
    const LaunchInfo *info = c.compiled() ? &*c.info : nullptr;
    Bindings config = c.compiled() ? c.info->config : c.config;
    if (!c.ok())
      writeRepro(src, shapeText, shape, deviceName,
                 {config, c.label, c.status, c.detail, "failed", info});
    else if (&c == tuned.best())
      writeRepro(src, shapeText, shape, deviceName,
                 {config, c.label, c.status, "",
                  tuned.results.size() > 1 ? "the best of the configs run"
                                           : "the config run",
                  info});
  }
  if (!peer.empty()) {
    Measurement ref;
    ref.config = peer;
    ref.ms = peerMs;
    ref.timing = peerTiming;
    ref.tflops = peerTflops;
    ref.status = "reference";
    writeJson(src.name(), shape, dtypeLabel(src), deviceName, ref);
  }
  llvm::outs().flush();
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  commandLine.assign(argv, argv + argc);
  executablePath = llvm::sys::fs::getMainExecutable(
      argv[0], reinterpret_cast<void *>(&shellQuote));
  if (executablePath.empty())
    executablePath = argv[0];
  cl::SetVersionPrinter(
      [](llvm::raw_ostream &os) { tile::printVersion(os, "tile-run"); });
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "tile-run: compile, verify, time and tune a tile kernel\n\n"
      "  tile-run kernels/gemm.mlir --shape M=4096,N=4096,K=4096 [--tune]\n"
      "  tile-run kernels/attention.mlir --shape B=4,H=48,S=4096,D=64 "
      "[--causal] [--tune]\n"
      "  tile-run kernels/softmax.mlir --shape R=4096,C=4096 [--tune]\n"
      "  tile-run kernels/gemm_epilogue.mlir --kernel gemm_bias_gelu "
      "--shape M=4096,N=4096,K=4096\n\n"
      "Each config is verified before it is timed: every output element is\n"
      "compared with an fp32 reference computed on the GPU (cuBLAS for\n"
      "reference = \"gemm\", timed too as the peer; the same with the\n"
      "epilogue applied in double for reference = \"gemm+STEP+...\", steps\n"
      "bias, residual, gelu (tanh form) and silu, e.g. \"gemm+bias+gelu\"\n"
      "(the peer: cuBLAS's GEMM without the epilogue); an fp32 attention kernel\n"
      "for reference = \"attention\"; row kernels with double sums for\n"
      "reference = \"softmax\" and \"layernorm\", whose speed is reported\n"
      "in GB/s; every element exact on the host, uploaded, for\n"
      "reference = \"rmsnorm\") under a per-element bound derived from the\n"
      "types and sizes\n"
      "(docs/verification.md), a sample of elements with an exact reference\n"
      "on the CPU, and the row padding and guard bands of the tensors must\n"
      "keep their NaN canary. The exit status is 0 only when every config\n"
      "compiled, ran and verified.\n"
      "Without a GPU it compiles every config and reports ptxas figures.\n"
      "--target cpu compiles the kernel through linalg for this machine,\n"
      "runs it on its cores and checks every output element against the\n"
      "exact reference computed on the host (docs/cpu.md); nothing is\n"
      "timed. --reference cpu checks GPU configs against that CPU run\n"
      "instead, for kernels without a reference.\n");
  if (attentionLowering) {
    llvm::errs() << "tile-run: error: --attention-lowering is gone: the "
                    "attention lowering was removed in session 13, and "
                    "attention (16-bit and fp8) compiles op by op like "
                    "every kernel; drop the flag\n";
    return 1;
  }
  if (iters == 0) {
    llvm::errs() << "tile-run: error: --iters must be at least 1 (the "
                    "median of no runs is no time)\n";
    return 1;
  }
  if (!(std::isfinite(toleranceOpt) && toleranceOpt > 0)) {
    llvm::errs() << "tile-run: error: --tolerance must be a positive finite "
                    "factor (1 is the derived bound)\n";
    return 1;
  }
  if (targetOpt != "gpu" && targetOpt != "cpu") {
    llvm::errs() << "tile-run: error: --target " << targetOpt
                 << ": unknown target (gpu, cpu)\n";
    return 1;
  }
  if (recordConfig && (configOpt.empty() || tune || noCache)) {
    llvm::errs() << "tile-run: error: --record-config records the config "
                    "given with --config in the tuning cache (--tune records "
                    "its best by itself; --no-cache turns the cache off)\n";
    return 1;
  }
  if (!exportDir.empty() && (targetOpt == "cpu" || shapes.size() > 1)) {
    llvm::errs() << "tile-run: error: --export writes one config compiled "
                    "for the GPU: give one --shape"
                 << (targetOpt == "cpu" ? ", without --target cpu" : "")
                 << "\n";
    return 1;
  }
  // The planted bugs of the GPU lowerings do not exist on the host path;
  // tile-invariant-divisions runs on both. (compileForHost refuses them
  // too; here the error comes once, before anything is compiled.)
  if (targetOpt == "cpu" && !testMutation.empty() &&
      plantedBugPass(testMutation) != "tile-invariant-divisions") {
    llvm::errs() << "tile-run: error: --test-mutation=" << testMutation
                 << " is not a planted bug of the CPU path; with --target "
                    "cpu only divide-floor (tile-invariant-divisions) "
                    "applies\n";
    return 1;
  }
  if (targetOpt == "cpu" && compileOnly) {
    llvm::errs() << "tile-run: error: --compile-only compiles for the GPU; "
                    "--target cpu compiles and runs on the host\n";
    return 1;
  }
  if (!(std::isfinite(hostMemoryLimitGiB) && hostMemoryLimitGiB > 0)) {
    llvm::errs() << "tile-run: error: --host-memory-limit must be a positive "
                    "number of GiB\n";
    return 1;
  }
  // A GPU that is not the chip compiled for cannot run the code: say so
  // before compiling anything.
  if (!compileOnly && targetOpt == "gpu") {
    if (auto driver = CudaDriver::get()) {
      if (auto dev = driver->deviceInfo()) {
        std::string gpuChip =
            llvm::formatv("sm_{0}{1}{2}", dev->ccMajor, dev->ccMinor,
                          dev->ccMajor == 9 ? "a" : "")
                .str();
        if (gpuChip != chipOpt) {
          llvm::errs() << "tile-run: error: the GPU (" << dev->name
                       << ", compute capability " << dev->ccMajor << "."
                       << dev->ccMinor << ") is " << gpuChip
                       << ", and kernels compiled for " << chipOpt
                       << " cannot run on it. tile's lowerings emit wgmma "
                          "and TMA, which only sm_90a has (H100, H200, "
                          "GH200); --compile-only compiles without a GPU\n";
          return 1;
        }
      } else {
        llvm::consumeError(dev.takeError());
      }
    } else {
      llvm::consumeError(driver.takeError());
    }
  }
  auto src = KernelSource::load(inputFile, kernelName);
  if (!src) {
    llvm::errs() << llvm::toString(src.takeError()) << "\n";
    return 1;
  }
  if (!dtypeOpt.empty()) {
    auto type = parseElementType(dtypeOpt);
    if (!type) {
      llvm::errs() << "tile-run: error: --dtype " << dtypeOpt
                   << ": unknown type (bf16, f16, f8e4m3, f8e5m2)\n";
      return 1;
    }
    if (auto err = (*src)->setOperandType(*type)) {
      report("--dtype " + dtypeOpt, std::move(err));
      return 1;
    }
  }
  if (!outDtypeOpt.empty()) {
    auto type = parseElementType(outDtypeOpt);
    llvm::Error err = type ? (*src)->setOutputType(*type)
                           : makeError("unknown type (bf16, f16, f32, "
                                       "f8e4m3, f8e5m2)");
    if (err) {
      report("--out-dtype " + outDtypeOpt, std::move(err));
      return 1;
    }
  }
  // One rule for problem sizes: they come from --shape only, never from
  // --config (a GEMM would bake M into the code, attention's D would be
  // overridden by the shape).
  if (!configOpt.empty()) {
    Bindings given;
    if (auto err = parseBindings(configOpt, given)) {
      report("--config", std::move(err));
      return 1;
    }
    for (const auto &entry : given)
      if (llvm::is_contained((*src)->problemSizes(), entry.getKey().str())) {
        report("--config " + configOpt,
               makeError("'" + entry.getKey() + "' is a problem size of @" +
                         (*src)->name() + ", not a parameter; give it with "
                         "--shape"));
        return 1;
      }
  }
  ReferenceOptions referenceOptions;
  referenceOptions.causal = causal;
  if (scaleOpt.getNumOccurrences())
    referenceOptions.scale = scaleOpt;
  if (scaleAOpt.getNumOccurrences())
    referenceOptions.scaleA = scaleAOpt;
  if (scaleBOpt.getNumOccurrences())
    referenceOptions.scaleB = scaleBOpt;
  if (descaleQOpt.getNumOccurrences())
    referenceOptions.descaleQ = descaleQOpt;
  if (descaleKOpt.getNumOccurrences())
    referenceOptions.descaleK = descaleKOpt;
  if (descaleVOpt.getNumOccurrences())
    referenceOptions.descaleV = descaleVOpt;
  if (epsOpt.getNumOccurrences())
    referenceOptions.eps = epsOpt;
  referenceOptions.seed = seed;
  referenceOptions.toleranceScale = toleranceOpt;
  auto reference = makeReference(**src, referenceOptions);
  if (!reference) {
    report(reference.takeError());
    return 1;
  }
  if (!referenceOpt.empty()) {
    if (referenceOpt != "cpu") {
      llvm::errs() << "tile-run: error: --reference " << referenceOpt
                   << ": unknown reference (cpu)\n";
      return 1;
    }
    if (targetOpt == "cpu") {
      llvm::errs() << "tile-run: error: --reference cpu checks GPU runs "
                      "against the CPU; with --target cpu the kernel's own "
                      "reference checks it\n";
      return 1;
    }
    reference = makeCpuProgramReference(**src, referenceOptions,
                                        std::move(*reference));
    if (!reference) {
      report(reference.takeError());
      return 1;
    }
  }
  if (shapes.empty()) {
    std::string sizes;
    for (const std::string &s : (*src)->problemSizes())
      sizes += (sizes.empty() ? "" : ",") + s + "=<n>";
    llvm::errs() << "tile-run: error: give the problem sizes with --shape "
                 << sizes << "\n";
    return 1;
  }
  for (const std::string &shape : shapes) {
    if (contextLost)
      break;
    runShape(**src, reference->get(), shape);
  }
  return errorsSeen ? 1 : 0;
}
