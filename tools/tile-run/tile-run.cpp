//===- tile-run.cpp - compile, run, verify, time and tune tile kernels ----===//
//
//   tile-run kernels/gemm.mlir --shape M=4096,N=4096,K=4096 [--tune]
//
// For each --shape: compiles the kernel for one config (--config, or the
// defaults) or for its whole tuning space (--tune), on several threads. On a
// GPU it fills the inputs with seeded random data, poisons the outputs,
// launches, checks against the kernel's reference (cuBLAS for "gemm"), and
// only then times it (CUDA events, L2 flushed before every run, median), next
// to the reference timed the same way. Without a GPU it stops after
// compiling, with ptxas's register/spill/shared-memory figures.
//
//===----------------------------------------------------------------------===//

#include "tile/Compiler/Compiler.h"
#include "tile/Compiler/Ptxas.h"
#include "tile/Runtime/Cublas.h"
#include "tile/Runtime/CudaDriver.h"
#include "tile/Runtime/HostData.h"
#include "tile/Runtime/Launcher.h"
#include "tile/Runtime/Module.h"
#include "tile/Runtime/Timer.h"

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
static cl::list<std::string>
    shapes("shape", cl::desc("Problem sizes, e.g. M=4096,N=4096,K=4096; "
                             "repeat for several shapes"),
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
static cl::opt<std::string> kernelName("kernel",
                                       cl::desc("Which tile.kernel of the "
                                                "file (if several)"),
                                       cl::cat(category));
static cl::opt<unsigned> seed("seed", cl::init(1),
                              cl::desc("Seed of the random inputs"),
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
             "bf16/f16)"),
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

/// A global tensor on the device, rows padded to 16 bytes (what TMA needs).
struct Tensor {
  std::vector<int64_t> sizes, strides;
  ElementType type;
  std::optional<DeviceBuffer> buffer;
  int64_t rowPitch() const { return strides.size() > 1 ? strides[strides.size() - 2] : sizes.back(); }
  size_t count() const {
    size_t n = 1;
    for (int64_t s : sizes)
      n *= s;
    return n;
  }
  size_t paddedCount() const { return sizes.empty() ? 1 : strides[0] * sizes[0]; }

  ArgValue arg() const { return ArgValue::tensor(buffer->ptr(), sizes, strides); }

  /// Copies packed host data in (or out), row by row into the padded layout.
  llvm::Error upload(const std::vector<char> &packed) {
    size_t e = elementSize(type);
    size_t rows = count() / sizes.back(), cols = sizes.back();
    std::vector<char> padded(paddedCount() * e, 0);
    for (size_t r = 0; r < rows; ++r)
      std::memcpy(&padded[r * rowPitch() * e], &packed[r * cols * e], cols * e);
    return buffer->copyFromHost(padded.data(), padded.size());
  }
  llvm::Expected<std::vector<char>> download() const {
    size_t e = elementSize(type);
    std::vector<char> padded(paddedCount() * e);
    if (auto err = buffer->copyToHost(padded.data(), padded.size()))
      return std::move(err);
    size_t rows = count() / sizes.back(), cols = sizes.back();
    std::vector<char> packed(count() * e);
    for (size_t r = 0; r < rows; ++r)
      std::memcpy(&packed[r * cols * e], &padded[r * rowPitch() * e], cols * e);
    return packed;
  }
};

llvm::Expected<Tensor> makeTensor(CudaDriver &drv, const KernelArgInfo &arg,
                                  const Bindings &sizes) {
  Tensor t;
  t.type = arg.elementType;
  for (const std::string &d : arg.dimNames)
    t.sizes.push_back(sizes.lookup(d));
  int64_t e = elementSize(t.type);
  int64_t align = std::max<int64_t>(1, 16 / e);
  t.strides.assign(t.sizes.size(), 1);
  int64_t stride = 1;
  for (int i = t.sizes.size() - 1; i >= 0; --i) {
    t.strides[i] = stride;
    int64_t extent = t.sizes[i];
    if (i == (int)t.sizes.size() - 1)
      extent = (extent + align - 1) / align * align;
    stride *= extent;
  }
  auto buf = DeviceBuffer::allocate(drv, std::max<int64_t>(1, stride) * e);
  if (!buf)
    return buf.takeError();
  t.buffer.emplace(std::move(*buf));
  return t;
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

/// Runs one shape; returns false on a fatal error for this shape.
bool runShape(KernelSource &src, const std::string &shapeText) {
  Bindings sizes;
  if (auto err = parseBindings(shapeText, sizes)) {
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
      if (auto cached = cacheLookup(cacheKey(src, shapeText, dtypeLabel(src),
                                             device))) {
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
                                src.name(), shapeText, dtypeLabel(src),
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

  // Buffers for every tensor argument, and the scalars.
  std::vector<Tensor> tensors(src.args().size());
  std::vector<ArgValue> args;
  for (auto [i, a] : llvm::enumerate(src.args())) {
    if (!a.isTensor) {
      report("argument #" + llvm::Twine(i),
             llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "scalar kernel arguments cannot be set "
                                     "from tile-run yet"));
      return false;
    }
    auto t = makeTensor(drv, a, sizes);
    if (!t) {
      llvm::Error err = t.takeError();
      if (isOutOfMemory(err)) {
        llvm::consumeError(std::move(err));
        llvm::outs() << "OOM: the tensors of " << shapeText
                     << " do not fit in device memory; skipping this shape\n";
        return true;
      }
      report("allocating argument #" + llvm::Twine(i), std::move(err));
      return false;
    }
    tensors[i] = std::move(*t);
    if (!a.isOutput) {
      std::vector<char> host(tensors[i].count() * elementSize(a.elementType));
      fillRandom(host.data(), a.elementType, tensors[i].count(),
                 seed * 1000003ull + i);
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
  auto isMatrix = [&](unsigned i) {
    return src.args()[i].isTensor && src.args()[i].dimNames.size() == 2;
  };
  if (src.reference() != "gemm" || src.args().size() != 3 || !isMatrix(0) ||
      !isMatrix(1) || !isMatrix(2)) {
    report("@" + src.name(),
           llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no reference to verify against (set "
                                   "reference = \"gemm\" on a kernel with "
                                   "2-d tensor arguments A, B, C); nothing "
                                   "is timed unverified"));
    return false;
  }
  // B is K x N, or N x K ("NT": its first dimension is C's second).
  bool transB = src.args()[1].dimNames.size() == 2 &&
                src.args()[2].dimNames.size() == 2 &&
                src.args()[1].dimNames[0] == src.args()[2].dimNames[1];
  int64_t M = tensors[0].sizes[0], K = tensors[0].sizes[1],
          N = tensors[1].sizes[transB ? 0 : 1];
  double flops = 2.0 * M * N * K;
  auto cublas = Cublas::get(drv);
  if (!cublas) {
    report("cuBLAS (the reference)", cublas.takeError());
    return false;
  }
  auto refTensor = makeTensor(drv, src.args()[2], sizes);
  if (!refTensor) {
    report("allocating the reference output", refTensor.takeError());
    return false;
  }
  auto runCublas = [&](CUstream s) {
    return gemmRowMajor(*cublas, s, tensors[0].type, tensors[2].type, M, N, K,
                        tensors[0].buffer->ptr(), tensors[1].buffer->ptr(),
                        refTensor->buffer->ptr(), tensors[0].rowPitch(),
                        tensors[1].rowPitch(), refTensor->rowPitch(), transB);
  };
  if (auto err = runCublas(stream->get())) {
    report("cuBLAS reference GEMM", std::move(err));
    return false;
  }
  if (auto err = stream->synchronize()) {
    report("cuBLAS reference GEMM", std::move(err));
    return false;
  }
  auto reference = refTensor->download();
  if (!reference) {
    report("reading the reference", reference.takeError());
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
  auto cublasTime = timer->time(runCublas);
  if (!cublasTime) {
    report("timing cuBLAS", cublasTime.takeError());
    return false;
  }
  double cublasTflops = flops / (cublasTime->medianMs * 1e-3) / 1e12;
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
      writeJson(src.name(), shapeText, dtypeLabel(src),
                deviceName, m);
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
    if (auto err = tensors[2].buffer->fill(0xFF)) {
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
    auto out = tensors[2].download();
    if (!out) {
      fail("CUDA ERROR", out.takeError());
      continue;
    }
    CompareResult cmp = compare(out->data(), reference->data(),
                                tensors[2].type, tensors[2].count());
    m.error = cmp.relativeError;
    if (cmp.nonFinite() || !(cmp.relativeError <= tolerance)) {
      m.status = llvm::formatv("WRONG ({0} non-finite)", cmp.nonFinite()).str();
      results.push_back(m);
      writeJson(src.name(), shapeText, dtypeLabel(src),
                deviceName, m);
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
    writeJson(src.name(), shapeText, dtypeLabel(src), deviceName,
              m);
  }

  std::stable_sort(results.begin(), results.end(),
                   [](const Measurement &a, const Measurement &b) {
                     return a.tflops > b.tflops;
                   });
  llvm::outs() << llvm::formatv("device: {0}; cuBLAS: {1:F3} ms, {2:F1} "
                                "TFLOP/s\n",
                                deviceName, cublasTime->medianMs, cublasTflops);
  llvm::outs() << llvm::formatv("{0,-60} {1,4} {2,5} {3,9} {4,8} {5,9} {6,8} {7}\n",
                                "config", "regs", "spill", "ms", "TFLOP/s",
                                "rel.err", "/cuBLAS", "status");
  bool anyOK = false;
  for (const Measurement &m : results) {
    anyOK |= m.status == "ok";
    llvm::outs() << llvm::formatv(
        "{0,-60} {1,4} {2,5} {3,9:F4} {4,8:F1} {5,9:E1} {6,8:F2} {7}\n",
        m.config, m.regs, m.spills, m.ms, m.tflops, m.error,
        m.tflops / cublasTflops, m.status);
  }
  if (tune && anyOK && !cacheFile.empty())
    cacheStore(cacheKey(src, shapeText, dtypeLabel(src), deviceName),
               results.front().config);
  if (!results.empty() && anyOK)
    llvm::outs() << llvm::formatv(
        "best: {0}  {1:F1} TFLOP/s = {2:F2} x cuBLAS ({3:F1})\n",
        results.front().config, results.front().tflops,
        results.front().tflops / cublasTflops, cublasTflops);
  {
    Measurement ref;
    ref.config = "cuBLAS";
    ref.ms = cublasTime->medianMs;
    ref.tflops = cublasTflops;
    ref.status = "reference";
    writeJson(src.name(), shapeText, dtypeLabel(src), deviceName,
              ref);
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
      "  tile-run kernels/gemm.mlir --shape M=4096,N=4096,K=4096 [--tune]\n\n"
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
    runShape(**src, shape);
  }
  return errorsSeen ? 1 : 0;
}
