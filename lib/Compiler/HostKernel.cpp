//===- HostKernel.cpp - a tile kernel compiled for the host CPU -----------===//

#include "tile/Compiler/HostKernel.h"

#include "tile/Runtime/HostData.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Operation.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/TargetSelect.h"

#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>
#include <thread>

using namespace tile;

namespace {

llvm::Error makeError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

// The conversions tile-expand-host-float-conversions calls: the runtime's
// (HostData.h), which round to nearest even like the GPU. The GPU converts
// to fp8 with .satfinite: overflow (and infinity) gives the largest finite
// value of the sign, NaN stays NaN.
float hostF16ToF32(uint16_t bits) { return runtime::f16ToFloat(bits); }
uint16_t hostF32ToF16(float x) { return runtime::floatToF16(x); }
float hostE4M3ToF32(uint8_t bits) { return runtime::f8E4M3ToFloat(bits); }
uint8_t hostF32ToE4M3(float x) {
  if (std::isinf(x))
    x = std::copysign(448.0f, x);
  return runtime::floatToF8E4M3(x);
}
float hostE5M2ToF32(uint8_t bits) { return runtime::f8E5M2ToFloat(bits); }
uint8_t hostF32ToE5M2(float x) {
  // Values that would round to infinity saturate (57344 is the largest
  // finite e5m2; the rounding boundary to infinity is 61440).
  if (!std::isnan(x) && std::fabs(x) >= 61440.0f)
    x = std::copysign(57344.0f, x);
  return runtime::floatToF8E5M2(x);
}

void initializeHostTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

} // namespace

HostArg HostArg::tensor(void *data, std::vector<int64_t> sizes,
                        std::vector<int64_t> strides) {
  HostArg a;
  a.isTensor = true;
  a.data = data;
  a.sizes = std::move(sizes);
  a.strides = std::move(strides);
  return a;
}

HostArg HostArg::scalar(ElementType type, uint64_t bits) {
  HostArg a;
  a.type = type;
  a.bits = bits;
  return a;
}

HostKernel::~HostKernel() = default;

llvm::Expected<std::unique_ptr<HostKernel>>
HostKernel::create(mlir::Operation *module, LaunchInfo info, int optLevel) {
  initializeHostTarget();
  mlir::ExecutionEngineOptions options;
  auto transformer = mlir::makeOptimizingTransformer(optLevel, 0, nullptr);
  options.transformer = transformer;
  options.jitCodeGenOptLevel = optLevel >= 2 ? llvm::CodeGenOptLevel::Default
                                             : llvm::CodeGenOptLevel::None;
  options.enableGDBNotificationListener = false;
  options.enablePerfNotificationListener = false;
  auto engine = mlir::ExecutionEngine::create(module, options);
  if (!engine)
    return makeError("JIT-compiling @" + info.kernelName + " for the host: " +
                     llvm::toString(engine.takeError()));
  (*engine)->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap map;
    auto add = [&](const char *name, auto *fn) {
      map[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(fn),
                             llvm::JITSymbolFlags::Exported};
    };
    add("tile_host_f16_to_f32", &hostF16ToF32);
    add("tile_host_f32_to_f16", &hostF32ToF16);
    add("tile_host_f8e4m3_to_f32", &hostE4M3ToF32);
    add("tile_host_f32_to_f8e4m3", &hostF32ToE4M3);
    add("tile_host_f8e5m2_to_f32", &hostE5M2ToF32);
    add("tile_host_f32_to_f8e5m2", &hostF32ToE5M2);
    // libm, for the math ops LLVM lowers to calls (also found in the
    // process; named here so that a static binary needs no lookup).
    add("expf", static_cast<float (*)(float)>(&::expf));
    add("exp2f", static_cast<float (*)(float)>(&::exp2f));
    add("tanhf", static_cast<float (*)(float)>(&::tanhf));
    add("sqrtf", static_cast<float (*)(float)>(&::sqrtf));
    add("logf", static_cast<float (*)(float)>(&::logf));
    return map;
  });
  auto entry = (*engine)->lookupPacked(info.kernelName);
  if (!entry)
    return makeError("the host code of @" + info.kernelName +
                     " has no entry point: " +
                     llvm::toString(entry.takeError()));
  auto kernel = std::unique_ptr<HostKernel>(new HostKernel());
  kernel->launch = std::move(info);
  kernel->engine = std::move(*engine);
  kernel->entry = *entry;
  return kernel;
}

llvm::Error HostKernel::run(llvm::ArrayRef<HostArg> args,
                            std::array<int64_t, 3> grid,
                            unsigned threads) const {
  if (args.size() != launch.args.size())
    return makeError("@" + launch.kernelName + " takes " +
                     llvm::Twine(launch.args.size()) + " arguments, got " +
                     llvm::Twine(args.size()));
  // The LLVM-level arguments: a memref is (allocated, aligned, offset,
  // sizes..., strides...); then the grid and the range of programs.
  std::vector<int64_t> words;    // every integer and pointer, in order
  std::vector<size_t> wordIndex; // where each LLVM argument's value is
  std::vector<std::array<char, 8>> scalars(args.size());
  std::vector<int> scalarOf; // -1: a word, else the scalar's index
  auto word = [&](int64_t v) {
    wordIndex.push_back(words.size());
    scalarOf.push_back(-1);
    words.push_back(v);
  };
  for (auto [i, a] : llvm::enumerate(args)) {
    const KernelArgInfo &info = launch.args[i];
    if (a.isTensor != info.isTensor ||
        (a.isTensor && a.sizes.size() != info.dimNames.size()) ||
        (a.isTensor && a.strides.size() != a.sizes.size()))
      return makeError("argument #" + llvm::Twine(i) + " (" + info.name +
                       ") does not match the kernel's signature");
    if (a.isTensor) {
      auto ptr = reinterpret_cast<int64_t>(a.data);
      word(ptr);
      word(ptr);
      word(0);
      for (int64_t s : a.sizes)
        word(s);
      for (int64_t s : a.strides)
        word(s);
    } else {
      std::memcpy(scalars[i].data(), &a.bits, 8);
      wordIndex.push_back(0);
      scalarOf.push_back(static_cast<int>(i));
    }
  }
  size_t gridAt = words.size();
  for (int64_t g : grid)
    word(g);
  word(0); // first
  word(0); // last
  int64_t total = grid[0] * grid[1] * grid[2];
  if (total <= 0)
    return llvm::Error::success();

  if (threads == 0)
    threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<int64_t>(threads, total));
  int64_t chunk = std::max<int64_t>(1, total / (int64_t(threads) * 16));
  std::atomic<int64_t> next{0};
  auto worker = [&] {
    std::vector<int64_t> mine = words;
    std::vector<void *> packed;
    for (size_t k = 0; k < scalarOf.size(); ++k)
      packed.push_back(scalarOf[k] < 0
                           ? static_cast<void *>(&mine[wordIndex[k]])
                           : static_cast<void *>(scalars[scalarOf[k]].data()));
    while (true) {
      int64_t first = next.fetch_add(chunk);
      if (first >= total)
        break;
      mine[gridAt + 3] = first;
      mine[gridAt + 4] = std::min(total, first + chunk);
      entry(packed.data());
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(worker);
  worker();
  for (std::thread &t : pool)
    t.join();
  return llvm::Error::success();
}
