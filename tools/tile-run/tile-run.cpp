//===- tile-run.cpp - compile, run, verify, time and tune tile kernels ----===//
//
//   tile-run kernels/gemm.mlir --shape M=4096,N=4096,K=4096 [--tune]
//   tile-run kernels/attention.mlir --shape B=4,H=48,S=4096,D=64 [--causal]
//
// For each --shape: compiles the kernel for one config (--config, or the
// defaults) or for its whole tuning space (--tune), on several threads. On a
// GPU it fills the inputs with seeded random data, poisons the outputs,
// launches, checks against the kernel's reference (References.h: cuBLAS for
// "gemm", sampled rows computed on the CPU for "attention"), and only then
// times it (CUDA events, L2 flushed before every run, median), next to the
// reference's peer (cuBLAS) when it has one. Without a GPU it stops after
// compiling, with ptxas's register/spill/shared-memory figures.
//
//===----------------------------------------------------------------------===//

#include "DeviceTensor.h"
#include "References.h"

#include "tile/Compiler/Compiler.h"
#include "tile/Compiler/Ptxas.h"
#include "tile/Runtime/CudaDriver.h"
#include "tile/Runtime/HostData.h"
#include "tile/Runtime/Launcher.h"
#include "tile/Runtime/Module.h"
#include "tile/Runtime/Timer.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <optional>
#include <thread>

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
             "S=<n> stands for S_Q=<n>,S_KV=<n>"),
    cl::cat(category));
static cl::opt<std::string>
    configOpt("config",
              cl::desc("Parameter values, e.g. BLOCK_M=128,WARPS=8 (others "
                       "take their defaults)"),
              cl::cat(category));
static cl::opt<bool> tune("tune",
                          cl::desc("Verify and time every config of the "
                                   "kernel's tuning space"),
                          cl::cat(category));
static cl::opt<std::string> dtypeOpt("dtype",
                                     cl::desc("Operand type: bf16 or f16 "
                                              "(default: the kernel's)"),
                                     cl::cat(category));
static cl::opt<std::string> outDtypeOpt(
    "out-dtype",
    cl::desc("Element type of the output tensors: bf16, f16 or f32 "
             "(default: the kernel's)"),
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
static cl::opt<std::string> kernelName("kernel",
                                       cl::desc("Which tile.kernel of the "
                                                "file (if several)"),
                                       cl::cat(category));
static cl::opt<unsigned>
    seed("seed", cl::init(1),
         cl::desc("Seed of the random inputs (and of the rows the attention "
                  "reference checks)"),
         cl::cat(category));
static cl::opt<unsigned> iters("iters", cl::init(20),
                               cl::desc("Timed runs (median reported)"),
                               cl::cat(category));
static cl::opt<unsigned> warmup("warmup", cl::init(5),
                                cl::desc("Untimed runs before timing"),
                                cl::cat(category));
static cl::opt<double> toleranceOpt(
    "tolerance", cl::init(0),
    cl::desc("Largest relative Frobenius error accepted (default 1e-2 for "
             "bf16/f16); for attention, over the rows checked on the CPU "
             "(every row of O must be finite)"),
    cl::cat(category));
static cl::opt<bool> compileOnly("compile-only",
                                 cl::desc("Compile (and run ptxas) only"),
                                 cl::cat(category));
static cl::opt<std::string> emitPTX("emit-ptx",
                                    cl::desc("Write the PTX of the first "
                                             "config to this file"),
                                    cl::cat(category));
static cl::opt<unsigned> jobs("jobs", cl::init(0),
                              cl::desc("Compile threads (default: cores)"),
                              cl::cat(category));
static cl::opt<std::string> jsonOut("json",
                                    cl::desc("Append one JSON line per "
                                             "measurement to this file"),
                                    cl::cat(category));
static cl::opt<std::string> cacheFile(
    "cache",
    cl::desc("File of tuned configs: --tune records the best config of each "
             "(kernel, shape, dtype, GPU) there; a run without --config or "
             "--tune uses the recorded one"),
    cl::cat(category));
static cl::opt<bool> printIR("print-ir-after-all",
                             cl::desc("Print the IR after every pass of the "
                                      "first compile"),
                             cl::cat(category));

namespace {

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

/// The tuning cache: one "key<TAB>config" line per (kernel, shape, dtype,
/// GPU); later lines win.
std::string cacheKey(const KernelSource &src, const std::string &shape,
                     const std::string &dtype, const std::string &device) {
  return src.name() + "|" + shape + "|" + dtype + "|" + device;
}

std::optional<std::string> cacheLookup(const std::string &key) {
  auto buffer = llvm::MemoryBuffer::getFile(cacheFile);
  if (!buffer)
    return std::nullopt;
  std::optional<std::string> found;
  llvm::SmallVector<llvm::StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    auto [k, v] = line.split('\t');
    if (k == key)
      found = v.trim().str();
  }
  return found;
}

void cacheStore(const std::string &key, const std::string &config) {
  std::error_code ec;
  llvm::raw_fd_ostream os(cacheFile, ec, llvm::sys::fs::OF_Append);
  if (ec) {
    llvm::errs() << "tile-run: warning: cannot write --cache " << cacheFile
                 << ": " << ec.message() << "\n";
    return;
  }
  os << key << "\t" << config << "\n";
}

struct Compiled {
  Bindings config;
  std::optional<LaunchInfo> info;
  std::string error;
  std::optional<PtxasReport> ptxas;
};

std::string configText(const KernelSource &src, const Bindings &config) {
  std::vector<std::string> order;
  for (const ParamInfo &p : src.params())
    order.push_back(p.name);
  std::string text = formatBindings(config, order);
  return text.empty() ? "(defaults)" : text;
}

/// Compiles every config on `jobs` threads.
std::vector<Compiled> compileAll(const KernelSource &src,
                                 const std::vector<Bindings> &configs) {
  std::vector<Compiled> out(configs.size());
  std::atomic<size_t> next{0};
  unsigned threads = jobs ? jobs : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, configs.size());
  std::string ptxas = findPtxas();
  auto work = [&] {
    for (size_t i; (i = next++) < configs.size();) {
      out[i].config = configs[i];
      CompileOptions options;
      options.printIRAfterAll = printIR && i == 0;
      auto info = src.compile(configs[i], options);
      if (!info) {
        out[i].error = llvm::toString(info.takeError());
        continue;
      }
      out[i].info = std::move(*info);
      if (!ptxas.empty()) {
        auto rep = runPtxas(ptxas, out[i].info->ptx, "sm_90a");
        if (rep)
          out[i].ptxas = *rep;
        else
          out[i].error = llvm::toString(rep.takeError());
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back(work);
  for (auto &t : pool)
    t.join();
  return out;
}

/// "bf16", or "bf16->f32" when the outputs have another type.
std::string dtypeLabel(const KernelSource &src) {
  std::string label = elementTypeName(src.dtype());
  for (const KernelArgInfo &a : src.args())
    if (a.isOutput && a.elementType != src.dtype())
      return label + "->" + elementTypeName(a.elementType);
  return label;
}

struct Measurement {
  std::string config;
  std::string detail; // the error behind a failed status
  double ms = 0, tflops = 0, error = 0;
  int regs = -1, spills = 0;
  std::string status;
};

std::string jsonSafe(std::string s) {
  if (s.size() > 300)
    s.resize(300);
  for (char &c : s)
    if (c == '"' || c == '\\' || c == '\n' || c == '\t')
      c = ' ';
  return s;
}

void writeJson(const std::string &kernel, const std::string &shape,
               const std::string &dtype, const std::string &device,
               const Measurement &m) {
  if (jsonOut.empty())
    return;
  std::error_code ec;
  llvm::raw_fd_ostream os(jsonOut, ec, llvm::sys::fs::OF_Append);
  if (ec)
    return;
  os << llvm::formatv("{{\"kernel\": \"{0}\", \"shape\": \"{1}\", \"dtype\": "
                      "\"{2}\", \"device\": \"{3}\", \"config\": \"{4}\", "
                      "\"ms\": {5:F5}, \"tflops\": {6:F2}, \"rel_error\": {7:E3}, "
                      "\"status\": \"{8}\", \"detail\": \"{9}\"}\n",
                      kernel, shape, dtype, device, m.config, m.ms, m.tflops,
                      m.error, m.status, jsonSafe(m.detail));
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
             llvm::createStringError(
                 llvm::inconvertibleErrorCode(),
                 "'" + entry.getKey() + "' is not a problem size of @" +
                     src.name() + " (its sizes: " + known + ")"));
      return false;
    }
  for (const std::string &s : src.problemSizes()) {
    auto it = sizes.find(s);
    if (it == sizes.end() || it->second <= 0) {
      report("--shape " + shapeText,
             llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     it == sizes.end()
                                         ? "missing problem size " + s +
                                               "; add " + s + "=<n>"
                                         : "problem size " + s +
                                               " must be positive"));
      return false;
    }
  }
  return true;
}

/// Runs one shape; returns false on a fatal error for this shape.
bool runShape(KernelSource &src, Reference *reference,
              const std::string &shapeText) {
  Bindings sizes;
  if (!parseShape(src, reference, shapeText, sizes))
    return false;
  // How the shape is printed and keyed in --cache and --json.
  const std::string shape =
      reference ? reference->shapeLabel(shapeText) : shapeText;

  std::vector<Bindings> configs;
  if (tune) {
    configs = src.configSpace(sizes);
    if (configs.empty()) {
      report("--tune", llvm::createStringError(llvm::inconvertibleErrorCode(),
                                               "no config of the tuning space "
                                               "satisfies the constraints"));
      return false;
    }
  } else {
    Bindings config;
    std::string configString = configOpt;
    if (configString.empty() && !cacheFile.empty()) {
      // --compile-only leaves the GPU alone: its key is "no GPU".
      auto drv = compileOnly ? llvm::Expected<CudaDriver &>(
                                   llvm::createStringError(
                                       llvm::inconvertibleErrorCode(), "off"))
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
      if (auto cached =
              cacheLookup(cacheKey(src, shape, dtypeLabel(src), device))) {
        llvm::outs() << "using the config tuned for this shape on " << device
                     << " (" << cacheFile << "): " << *cached << "\n";
        configString = *cached;
      }
    }
    if (auto err = parseBindings(configString, config)) {
      report("--config", std::move(err));
      return false;
    }
    configs.push_back(config);
  }

  // Problem sizes that size tiles are part of every configuration.
  for (Bindings &config : configs)
    for (const std::string &sym : src.tileSizeSymbols())
      config[sym] = sizes.lookup(sym);

  llvm::outs() << llvm::formatv("== @{0} {1} {2}: compiling {3} config(s)\n",
                                src.name(), shape, dtypeLabel(src),
                                configs.size());
  llvm::outs().flush();
  std::vector<Compiled> compiled = compileAll(src, configs);
  size_t compiledOK = 0;
  for (Compiled &c : compiled) {
    if (c.info)
      ++compiledOK;
    else
      llvm::errs() << "tile-run: config " << configText(src, c.config)
                   << " does not compile:\n"
                   << c.error << "\n";
  }
  if (!emitPTX.empty() && !compiled.empty() && compiled[0].info) {
    std::error_code ec;
    llvm::raw_fd_ostream os(emitPTX, ec);
    if (ec)
      report("--emit-ptx " + emitPTX,
             llvm::createStringError(ec, "cannot write the file"));
    else
      os << compiled[0].info->ptx;
  }
  if (compiledOK == 0) {
    ++errorsSeen;
    return false;
  }

  auto driver = compileOnly ? llvm::Expected<CudaDriver &>(
                                  llvm::createStringError(
                                      llvm::inconvertibleErrorCode(),
                                      "--compile-only"))
                            : CudaDriver::get();
  if (!driver) {
    std::string why = llvm::toString(driver.takeError());
    llvm::outs() << (compileOnly ? "compile only" : "no GPU found (" + why + ")")
                 << ": compiled " << compiledOK << " of " << compiled.size()
                 << " config(s); nothing run\n";
    llvm::outs() << llvm::formatv("{0,-60} {1,5} {2,7} {3,9} {4,6}\n", "config",
                                  "regs", "spill B", "smem B", "block");
    for (Compiled &c : compiled) {
      if (!c.info)
        continue;
      llvm::outs() << llvm::formatv(
          "{0,-60} {1,5} {2,7} {3,9} {4,6}\n", configText(src, c.info->config),
          c.ptxas ? std::to_string(c.ptxas->registers) : "-",
          c.ptxas ? std::to_string(c.ptxas->spillStoreBytes +
                                   c.ptxas->spillLoadBytes)
                  : "-",
          c.info->sharedMemoryBytes, c.info->blockThreads);
    }
    if (findPtxas().empty())
      llvm::outs() << "(ptxas not found: no register figures)\n";
    return compiledOK == compiled.size();
  }
  CudaDriver &drv = *driver;
  auto dev = drv.deviceInfo();
  std::string deviceName = dev ? dev->name : "unknown GPU";
  if (!dev)
    llvm::consumeError(dev.takeError());

  // Nothing is timed unverified: the kernel needs a reference that fits it.
  if (!reference) {
    bool hasScalars = llvm::any_of(
        src.args(), [](const KernelArgInfo &a) { return !a.isTensor; });
    std::string why = src.reference().empty()
                          ? "no reference to verify against"
                          : "tile-run does not know reference = \"" +
                                src.reference() + "\"";
    report("@" + src.name(),
           llvm::createStringError(
               llvm::inconvertibleErrorCode(),
               why + " (set reference = \"gemm\" on "
               "a kernel with 2-d tensor arguments A, B, C, or reference = "
               "\"attention\" on one with arguments Q, K, V, O, scale, "
               "causal); nothing is timed unverified" +
                   std::string(hasScalars
                                   ? "; its scalar arguments could not be "
                                     "set either: tile-run sets scalars only "
                                     "through a reference that knows them"
                                   : "")));
    return false;
  }
  if (auto err = reference->checkKernel()) {
    report("@" + src.name(), std::move(err));
    return false;
  }
  reference->beginShape(sizes);
  llvm::scope_exit endShape([&] { reference->endShape(); });
  double flops = reference->flops(sizes);
  unsigned outIndex = reference->outputIndex();

  // Buffers for every tensor argument, and the scalars.
  std::vector<DeviceTensor> tensors(src.args().size());
  std::vector<ArgValue> args;
  for (auto [i, a] : llvm::enumerate(src.args())) {
    if (!a.isTensor) {
      auto value = reference->scalarArgument(i, sizes);
      if (!value) {
        report("argument #" + llvm::Twine(i), value.takeError());
        return false;
      }
      args.push_back(*value);
      continue;
    }
    auto t = makeDeviceTensor(drv, a, sizes);
    if (!t) {
      llvm::Error err = t.takeError();
      if (isOutOfMemory(err)) {
        llvm::consumeError(std::move(err));
        llvm::outs() << "OOM: the tensors of " << shape
                     << " do not fit in device memory; skipping this shape\n";
        return true;
      }
      report("allocating argument #" + llvm::Twine(i), std::move(err));
      return false;
    }
    tensors[i] = std::move(*t);
    if (!a.isOutput) {
      std::vector<char> host(tensors[i].count() * elementSize(a.elementType));
      auto [lo, hi] = reference->inputRange(i);
      fillRandom(host.data(), a.elementType, tensors[i].count(),
                 seed * 1000003ull + i, lo, hi);
      reference->noteInput(i, host);
      if (auto err = tensors[i].upload(host)) {
        report("uploading argument #" + llvm::Twine(i), std::move(err));
        return false;
      }
    }
    args.push_back(tensors[i].arg());
  }

  // The reference result.
  auto stream = Stream::create(drv);
  if (!stream) {
    report("cuStreamCreate", stream.takeError());
    return false;
  }
  if (auto err = reference->prepare(drv, *stream, tensors, sizes)) {
    report(std::move(err));
    return false;
  }

  TimingOptions timing;
  timing.warmup = warmup;
  timing.iterations = iters;
  auto timer = Timer::create(drv, stream->get(), timing);
  if (!timer) {
    report("timer", timer.takeError());
    return false;
  }
  // The in-process peer (cuBLAS for gemm), timed like the kernel.
  const std::string peer = reference->peerName();
  double peerMs = 0, peerTflops = 0;
  if (!peer.empty()) {
    auto peerTime = reference->timePeer(*timer);
    if (!peerTime) {
      report("timing " + peer, peerTime.takeError());
      return false;
    }
    peerMs = peerTime->medianMs;
    peerTflops = flops / (peerMs * 1e-3) / 1e12;
  }
  double tolerance = toleranceOpt > 0 ? toleranceOpt : 1e-2;

  Launcher launcher(drv);
  std::vector<Measurement> results;
  // Modules stay loaded for the whole shape: an unloaded module's CUfunction
  // handle can be handed out again, and the launcher caches per handle.
  std::vector<Module> modules;
  for (Compiled &c : compiled) {
    if (!c.info)
      continue;
    Measurement m;
    m.config = configText(src, c.info->config);
    if (c.ptxas) {
      m.regs = c.ptxas->registers;
      m.spills = c.ptxas->spillStoreBytes + c.ptxas->spillLoadBytes;
    }
    auto fail = [&](const std::string &status, llvm::Error err) {
      m.status = status;
      m.detail = llvm::toString(std::move(err));
      llvm::errs() << "tile-run: config " << m.config << ": " << status << ": "
                   << m.detail << "\n";
      results.push_back(m);
      writeJson(src.name(), shape, dtypeLabel(src), deviceName, m);
    };
    auto module = Module::loadPTX(drv, c.info->ptx);
    if (!module) {
      fail("LOAD FAILED", module.takeError());
      continue;
    }
    modules.push_back(std::move(*module));
    auto fn = modules.back().getFunction(c.info->kernelName);
    if (!fn) {
      fail("LOAD FAILED", fn.takeError());
      continue;
    }
    auto prepared = launcher.prepare(*fn, *c.info, args, sizes);
    if (!prepared) {
      fail("CANNOT LAUNCH", prepared.takeError());
      continue;
    }
    // Verify on poisoned outputs before any timing.
    if (auto err = tensors[outIndex].buffer->fill(0xFF)) {
      fail("CUDA ERROR", std::move(err));
      continue;
    }
    if (auto err = prepared->enqueue(drv, stream->get())) {
      fail("LAUNCH FAILED", std::move(err));
      continue;
    }
    if (auto err = stream->synchronize()) {
      fail("RUN FAILED", std::move(err));
      // A fault in a kernel leaves the CUDA context unusable: nothing after
      // it in this process would run, so say so instead of failing on.
      if (auto lost = drv.synchronize()) {
        size_t left = &compiled.back() - &c;
        llvm::errs() << "tile-run: the CUDA context is lost after that fault ("
                     << llvm::toString(std::move(lost)) << "); " << left
                     << " config(s) of this shape and any later shapes were "
                        "not run: run them in a new process, without config "
                     << m.config << "\n";
        contextLost = true;
        break;
      }
      continue;
    }
    auto cmp = reference->verify(tensors[outIndex]);
    if (!cmp) {
      fail("CUDA ERROR", cmp.takeError());
      continue;
    }
    m.error = cmp->relativeError;
    if (cmp->nonFinite() || !(cmp->relativeError <= tolerance)) {
      m.status = llvm::formatv("WRONG ({0} non-finite)", cmp->nonFinite()).str();
      results.push_back(m);
      writeJson(src.name(), shape, dtypeLabel(src), deviceName, m);
      continue;
    }
    auto t = timer->time([&](CUstream s) { return prepared->enqueue(drv, s); });
    if (!t) {
      fail("TIMING FAILED", t.takeError());
      continue;
    }
    m.ms = t->medianMs;
    m.tflops = flops / (m.ms * 1e-3) / 1e12;
    m.status = "ok";
    results.push_back(m);
    writeJson(src.name(), shape, dtypeLabel(src), deviceName, m);
  }

  std::stable_sort(results.begin(), results.end(),
                   [](const Measurement &a, const Measurement &b) {
                     return a.tflops > b.tflops;
                   });
  bool anyOK = llvm::any_of(
      results, [](const Measurement &m) { return m.status == "ok"; });
  if (!peer.empty()) {
    // The GEMM table: the ratio to the peer in its own column.
    llvm::outs() << llvm::formatv("device: {0}; {1}: {2:F3} ms, {3:F1} "
                                  "TFLOP/s\n",
                                  deviceName, peer, peerMs, peerTflops);
    llvm::outs() << llvm::formatv(
        "{0,-60} {1,4} {2,5} {3,9} {4,8} {5,9} {6,8} {7}\n", "config", "regs",
        "spill", "ms", "TFLOP/s", "rel.err", "/" + peer, "status");
    for (const Measurement &m : results)
      llvm::outs() << llvm::formatv(
          "{0,-60} {1,4} {2,5} {3,9:F4} {4,8:F1} {5,9:E1} {6,8:F2} {7}\n",
          m.config, m.regs, m.spills, m.ms, m.tflops, m.error,
          m.tflops / peerTflops, m.status);
  } else {
    llvm::outs() << llvm::formatv("device: {0}; checked against {1}\n",
                                  deviceName, reference->description());
    llvm::outs() << llvm::formatv(
        "{0,-60} {1,4} {2,5} {3,9} {4,8} {5,9} {6}\n", "config", "regs",
        "spill", "ms", "TFLOP/s", "rel.err", "status");
    for (const Measurement &m : results)
      llvm::outs() << llvm::formatv(
          "{0,-60} {1,4} {2,5} {3,9:F4} {4,8:F1} {5,9:E1} {6}\n", m.config,
          m.regs, m.spills, m.ms, m.tflops, m.error, m.status);
  }
  if (tune && anyOK && !cacheFile.empty())
    cacheStore(cacheKey(src, shape, dtypeLabel(src), deviceName),
               results.front().config);
  if (anyOK && !peer.empty())
    llvm::outs() << llvm::formatv(
        "best: {0}  {1:F1} TFLOP/s = {2:F2} x {4} ({3:F1})\n",
        results.front().config, results.front().tflops,
        results.front().tflops / peerTflops, peerTflops, peer);
  else if (anyOK)
    llvm::outs() << llvm::formatv("best: {0}  {1:F1} TFLOP/s\n",
                                  results.front().config,
                                  results.front().tflops);
  if (!peer.empty()) {
    Measurement ref;
    ref.config = peer;
    ref.ms = peerMs;
    ref.tflops = peerTflops;
    ref.status = "reference";
    writeJson(src.name(), shape, dtypeLabel(src), deviceName, ref);
  }
  if (!anyOK)
    ++errorsSeen;
  llvm::outs().flush();
  return anyOK;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "tile-run: compile, verify, time and tune a tile kernel\n\n"
      "  tile-run kernels/gemm.mlir --shape M=4096,N=4096,K=4096 [--tune]\n"
      "  tile-run kernels/attention.mlir --shape B=4,H=48,S=4096,D=64 "
      "[--causal] [--tune]\n\n"
      "Each config is verified against the kernel's reference before it is "
      "timed:\n"
      "cuBLAS for reference = \"gemm\" (timed too, as the peer); for "
      "reference =\n"
      "\"attention\", exact rows computed on the CPU for a sample of (batch, "
      "head)\n"
      "pairs and query rows, with every element of O checked to be finite.\n"
      "Without a GPU it compiles every config and reports ptxas figures.\n");
  auto src = KernelSource::load(inputFile, kernelName);
  if (!src) {
    llvm::errs() << llvm::toString(src.takeError()) << "\n";
    return 1;
  }
  if (!dtypeOpt.empty()) {
    auto type = parseElementType(dtypeOpt);
    if (!type) {
      llvm::errs() << "tile-run: error: --dtype " << dtypeOpt
                   << ": unknown type (bf16, f16)\n";
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
                           : llvm::createStringError(
                                 llvm::inconvertibleErrorCode(),
                                 "unknown type (bf16, f16, f32)");
    if (err) {
      report("--out-dtype " + outDtypeOpt, std::move(err));
      return 1;
    }
  }
  ReferenceOptions referenceOptions;
  referenceOptions.causal = causal;
  if (scaleOpt.getNumOccurrences())
    referenceOptions.scale = scaleOpt;
  referenceOptions.seed = seed;
  auto reference = makeReference(**src, referenceOptions);
  if (!reference) {
    report(reference.takeError());
    return 1;
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
