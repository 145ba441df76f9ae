//===- References.cpp - what tile-run checks a kernel against -------------===//

#include "References.h"

#include "tile/Runtime/AttentionReference.h"
#include "tile/Runtime/Cublas.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <chrono>
#include <cmath>

using namespace tile;
using namespace tile::runtime;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// `err` with "what: " in front.
static llvm::Error withContext(const llvm::Twine &what, llvm::Error err) {
  return makeError(what + ": " + llvm::toString(std::move(err)));
}

llvm::Expected<ArgValue> Reference::scalarArgument(unsigned argIndex,
                                                   const Bindings &) const {
  return makeError("argument #" + llvm::Twine(argIndex) + " of @" + src.name() +
                   " is a scalar, and reference \"" + src.reference() +
                   "\" does not set it; tile-run sets scalars only for "
                   "attention kernels (scale, causal)");
}

llvm::Expected<TimingResult> Reference::timePeer(Timer &) {
  return makeError("this reference has no peer to time");
}

//===----------------------------------------------------------------------===//
// gemm: cuBLAS
//===----------------------------------------------------------------------===//

namespace {

class GemmReference : public Reference {
public:
  explicit GemmReference(const KernelSource &src) : Reference(src) {}

  llvm::Error checkKernel() const override {
    auto isMatrix = [&](unsigned i) {
      return src.args()[i].isTensor && src.args()[i].dimNames.size() == 2;
    };
    if (src.args().size() != 3 || !isMatrix(0) || !isMatrix(1) || !isMatrix(2))
      return makeError("no reference to verify against (set reference = "
                       "\"gemm\" on a kernel with 2-d tensor arguments A, B, "
                       "C); nothing is timed unverified");
    return llvm::Error::success();
  }

  double flops(const Bindings &sizes) const override {
    const auto &A = src.args()[0], &C = src.args()[2];
    return 2.0 * sizes.lookup(A.dimNames[0]) * sizes.lookup(C.dimNames[1]) *
           sizes.lookup(A.dimNames[1]);
  }

  llvm::Error prepare(CudaDriver &drv, Stream &stream,
                      llvm::ArrayRef<DeviceTensor> tensors,
                      const Bindings &sizes) override {
    auto cublasOr = Cublas::get(drv);
    if (!cublasOr)
      return withContext("cuBLAS (the reference)", cublasOr.takeError());
    cublas = &*cublasOr;
    auto refTensor = makeDeviceTensor(drv, src.args()[2], sizes);
    if (!refTensor)
      return withContext("allocating the reference output",
                         refTensor.takeError());
    result.emplace(std::move(*refTensor));
    a = &tensors[0];
    b = &tensors[1];
    // B is K x N, or N x K ("NT": its first dimension is C's second).
    transB = src.args()[1].dimNames[0] == src.args()[2].dimNames[1];
    M = a->sizes[0];
    K = a->sizes[1];
    N = b->sizes[transB ? 0 : 1];
    if (auto err = runCublas(stream.get()))
      return withContext("cuBLAS reference GEMM", std::move(err));
    if (auto err = stream.synchronize())
      return withContext("cuBLAS reference GEMM", std::move(err));
    auto host = result->download();
    if (!host)
      return withContext("reading the reference", host.takeError());
    expected = std::move(*host);
    return llvm::Error::success();
  }

  void endShape() override {
    result.reset();
    expected = std::vector<char>();
  }

  unsigned outputIndex() const override { return 2; }

  llvm::Expected<CompareResult> verify(const DeviceTensor &output) override {
    auto out = output.download();
    if (!out)
      return out.takeError();
    return compare(out->data(), expected.data(), output.type, output.count());
  }

  std::string peerName() const override { return "cuBLAS"; }
  llvm::Expected<TimingResult> timePeer(Timer &timer) override {
    return timer.time([&](CUstream s) { return runCublas(s); });
  }
  std::string description() const override { return "cuBLAS"; }

private:
  llvm::Error runCublas(CUstream s) {
    return gemmRowMajor(*cublas, s, a->type, result->type, M, N, K,
                        a->buffer->ptr(), b->buffer->ptr(),
                        result->buffer->ptr(), a->rowPitch(), b->rowPitch(),
                        result->rowPitch(), transB);
  }

  Cublas *cublas = nullptr;
  const DeviceTensor *a = nullptr, *b = nullptr;
  std::optional<DeviceTensor> result; // cuBLAS's C on the device
  std::vector<char> expected;         // and on the host
  bool transB = false;
  int64_t M = 0, N = 0, K = 0;
};

//===----------------------------------------------------------------------===//
// attention: exact rows on the host CPU
//===----------------------------------------------------------------------===//

class AttentionReferenceImpl : public Reference {
public:
  enum Arg { Q, K, V, O, Scale, Causal };

  AttentionReferenceImpl(const KernelSource &src,
                         const ReferenceOptions &options)
      : Reference(src), options(options) {}

  std::string shapeLabel(const std::string &shapeText) const override {
    return options.causal ? shapeText + ",causal" : shapeText;
  }

  /// S=<n> stands for S_Q=<n>,S_KV=<n> (unless the kernel has its own S).
  llvm::Error expandShape(Bindings &sizes) const override {
    const auto &known = src.problemSizes();
    auto has = [&](llvm::StringRef name) {
      return llvm::is_contained(known, name.str());
    };
    if (!sizes.count("S") || has("S") || !has("S_Q") || !has("S_KV"))
      return llvm::Error::success();
    if (sizes.count("S_Q") || sizes.count("S_KV"))
      return makeError("S=<n> stands for S_Q=<n>,S_KV=<n>; give either S, "
                       "or S_Q and S_KV");
    int64_t length = sizes.lookup("S");
    sizes.erase("S");
    sizes["S_Q"] = length;
    sizes["S_KV"] = length;
    return llvm::Error::success();
  }

  llvm::Error checkKernel() const override {
    const auto &args = src.args();
    auto rank4 = [&](unsigned i) {
      return args[i].isTensor && args[i].dimNames.size() == 4 &&
             llvm::none_of(args[i].dimNames,
                           [](const std::string &d) { return d.empty(); });
    };
    bool ok = args.size() == 6 && rank4(Q) && rank4(K) && rank4(V) &&
              rank4(O) && !args[Scale].isTensor &&
              isFloatType(args[Scale].elementType) && !args[Causal].isTensor &&
              !isFloatType(args[Causal].elementType);
    if (ok) {
      const auto &q = args[Q].dimNames, &k = args[K].dimNames;
      ok = args[O].dimNames == q && args[V].dimNames == k && q[0] == k[0] &&
           q[1] == k[1] && q[3] == k[3] && args[O].isOutput &&
           !args[Q].isOutput && !args[K].isOutput && !args[V].isOutput;
    }
    if (!ok)
      return makeError(
          "reference \"attention\" needs the arguments (Q: B x H x S_Q x D, "
          "K and V: B x H x S_KV x D, O: like Q and written by the kernel, "
          "scale: a float, causal: an integer), in that order; fix the "
          "signature of @" +
          src.name() + ", or its reference attribute");
    return llvm::Error::success();
  }

  double flops(const Bindings &sizes) const override {
    return problem(sizes).flops();
  }

  void beginShape(const Bindings &sizes) override {
    checker.emplace(problem(sizes), options.seed);
    seconds = 0;
  }
  void endShape() override { checker.reset(); }

  /// Q and K uniform in [-sqrt(3), sqrt(3)): unit variance, like the peers'
  /// torch.randn, so scale * q.k has unit variance and the softmax is far
  /// from flat; V in [-1, 1).
  std::pair<double, double> inputRange(unsigned argIndex) const override {
    if (argIndex == Q || argIndex == K)
      return {-std::sqrt(3.0), std::sqrt(3.0)};
    return {-1.0, 1.0};
  }

  void noteInput(unsigned argIndex, const std::vector<char> &packed) override {
    if (argIndex <= V)
      checker->setInput(static_cast<AttentionChecker::Input>(argIndex),
                        packed.data(), src.args()[argIndex].elementType);
  }

  llvm::Expected<ArgValue>
  scalarArgument(unsigned argIndex, const Bindings &sizes) const override {
    if (argIndex == Scale)
      return ArgValue::f32(problem(sizes).scale);
    if (argIndex == Causal)
      return ArgValue::i32(options.causal ? 1 : 0);
    return Reference::scalarArgument(argIndex, sizes);
  }

  llvm::Error prepare(CudaDriver &, Stream &, llvm::ArrayRef<DeviceTensor>,
                      const Bindings &) override {
    auto start = std::chrono::steady_clock::now();
    checker->computeExpected();
    seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    return llvm::Error::success();
  }

  unsigned outputIndex() const override { return O; }

  /// Reads O in chunks of whole rows (it can be ~0.5 GB): every element is
  /// checked for NaN (the poison) and Inf, the sampled rows against the
  /// expected ones.
  llvm::Expected<CompareResult> verify(const DeviceTensor &output) override {
    size_t pitchBytes = output.rowPitch() * elementSize(output.type);
    size_t rows = output.rowCount();
    size_t chunkRows = std::max<size_t>(1, (size_t(64) << 20) / pitchBytes);
    std::vector<char> chunk(std::min(rows, chunkRows) * pitchBytes);
    checker->beginOutput();
    for (size_t first = 0; first < rows; first += chunkRows) {
      size_t count = std::min(chunkRows, rows - first);
      if (auto err = output.buffer->copyToHost(chunk.data(), count * pitchBytes,
                                               first * pitchBytes))
        return std::move(err);
      checker->scanOutput(chunk.data(), output.type, first, count,
                          output.rowPitch());
    }
    return checker->result();
  }

  std::string description() const override {
    const AttentionProblem &p = checker->problem();
    return llvm::formatv("exact attention on the CPU for {0} rows of {1} "
                         "(batch, head) pair(s) ({2:F1} s); scale {3:F4}{4}",
                         checker->sampledRows().size(),
                         checker->sampledHeads().size(), seconds, p.scale,
                         p.causal ? ", causal" : "")
        .str();
  }

private:
  AttentionProblem problem(const Bindings &sizes) const {
    const auto &q = src.args()[Q].dimNames, &k = src.args()[K].dimNames;
    AttentionProblem p;
    p.batch = sizes.lookup(q[0]);
    p.heads = sizes.lookup(q[1]);
    p.queryLen = sizes.lookup(q[2]);
    p.keyLen = sizes.lookup(k[2]);
    p.headDim = sizes.lookup(q[3]);
    p.scale = options.scale ? *options.scale
                            : static_cast<float>(1.0 / std::sqrt(p.headDim));
    p.causal = options.causal;
    return p;
  }

  ReferenceOptions options;
  std::optional<AttentionChecker> checker;
  double seconds = 0; // computing the expected rows
};

} // namespace

llvm::Expected<std::unique_ptr<Reference>>
tile::makeReference(const KernelSource &src, const ReferenceOptions &options) {
  const std::string &name = src.reference();
  bool attention = name == "attention";
  auto notTaken = [&](llvm::StringRef flag) {
    std::string has =
        name.empty() ? "has no reference" : "has reference = \"" + name + "\"";
    return makeError(flag +
                     ": only attention kernels (reference = "
                     "\"attention\") take it, and @" +
                     src.name() + " " + has + "; drop " + flag);
  };
  if (options.causal && !attention)
    return notTaken("--causal");
  if (options.scale && !attention)
    return notTaken("--scale");
  // kernels/attention.mlir takes the row maximum before scaling, which is
  // exact only for a positive scale (as softmax scales are).
  if (options.scale && !(std::isfinite(*options.scale) && *options.scale > 0))
    return makeError("--scale: the scale must be a positive finite number, "
                     "e.g. --scale=0.125");
  if (name == "gemm")
    return std::make_unique<GemmReference>(src);
  if (attention)
    return std::make_unique<AttentionReferenceImpl>(src, options);
  return nullptr;
}
