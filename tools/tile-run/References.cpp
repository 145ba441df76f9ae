//===- References.cpp - what tile-run checks a kernel against -------------===//

#include "References.h"

#include "HostTensors.h"

#include "tile/Runtime/AttentionReference.h"
#include "tile/Runtime/Cublas.h"
#include "tile/Runtime/GemmEpilogue.h"
#include "tile/Runtime/ReferenceKernels.h"
#include "tile/Runtime/RowReference.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdio>
#include <set>

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
                   "attention kernels (scale, causal), GEMM kernels "
                   "(scale_a, scale_b) and layernorm kernels (eps)");
}

llvm::Expected<TimingResult> Reference::timePeer(Timer &) {
  return makeError("this reference has no peer to time");
}

std::string tile::describeFailure(const Verdict &verdict,
                                  const Reference &reference) {
  auto where = [&](size_t r, size_t c) { return reference.where(r, c); };
  std::string text = verdict.full.failure(where);
  std::string sample = verdict.sample.failure(where);
  if (!sample.empty())
    text += (text.empty() ? "" : "; ") + ("exact host sample: " + sample);
  return text;
}

namespace {

/// Seconds since `start`.
double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// `count` distinct indices of [0, n): the first and last `edge`, the rest
/// picked by `seed`; all of them when n is small. Sorted.
std::vector<size_t> pickIndices(size_t n, size_t count, size_t edge,
                                uint64_t seed) {
  std::set<size_t> picked;
  if (n <= count) {
    for (size_t i = 0; i < n; ++i)
      picked.insert(i);
    return {picked.begin(), picked.end()};
  }
  for (size_t i = 0; i < edge; ++i) {
    picked.insert(i);
    picked.insert(n - 1 - i);
  }
  uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
  while (picked.size() < count) {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    picked.insert((state * 0x2545F4914F6CDD1Dull) % n);
  }
  return {picked.begin(), picked.end()};
}

/// Rows `rows` of a packed rows x cols fp32 matrix on the device.
llvm::Expected<std::vector<float>>
downloadFloatRows(const DeviceBuffer &buffer, size_t cols,
                  const std::vector<size_t> &rows) {
  std::vector<float> out(rows.size() * cols);
  for (size_t i = 0; i < rows.size(); ++i)
    if (auto err = buffer.copyToHost(&out[i * cols], cols * 4,
                                     rows[i] * cols * 4))
      return std::move(err);
  return out;
}

/// An fp32 vector on the device.
llvm::Expected<DeviceBuffer> upload(CudaDriver &drv,
                                    const std::vector<float> &values) {
  auto buf = DeviceBuffer::allocate(drv, std::max<size_t>(1, values.size()) * 4);
  if (!buf)
    return buf.takeError();
  if (auto err = buf->copyFromHost(values.data(), values.size() * 4))
    return std::move(err);
  return std::move(*buf);
}

/// The exact sample's check: the sampled rows of the output (downloaded),
/// `points` numbered by their position in `rows`; the result names the
/// elements by their real rows.
llvm::Expected<CheckResult> checkSample(const DeviceTensor &output,
                                        const std::vector<size_t> &rows,
                                        const std::vector<ExpectedPoint> &points) {
  auto packed = output.downloadRows(rows);
  if (!packed)
    return packed.takeError();
  OutputView view{packed->data(), output.type, rows.size(),
                  output.layout.cols, output.layout.cols};
  CheckResult r = checkPoints(view, points);
  if (r.count) {
    r.worst.row = rows[r.worst.row];
    r.firstNonFinite.row = rows[r.firstNonFinite.row];
  }
  return r;
}

/// The device check of `output` against the device reference.
llvm::Expected<CheckResult>
checkOnDevice(ReferenceKernels &kernels, const DeviceTensor &output,
              const DeviceBuffer &reference, const DeviceBuffer *rowScale,
              const DeviceBuffer *colScale, const ErrorBound &bound,
              const CheckOptions &options, Stream &stream) {
  DeviceCheckArgs args;
  args.out = output.ptr();
  args.outType = output.type;
  args.rows = output.layout.rows;
  args.cols = output.layout.cols;
  args.pitch = output.layout.pitch;
  args.ref = reference.ptr();
  args.rowScale = rowScale ? rowScale->ptr() : 0;
  args.colScale = colScale ? colScale->ptr() : 0;
  args.rtol = bound.rtol;
  args.atol = bound.atol;
  args.floor = bound.floor;
  args.scale = bound.scale;
  args.tileRows = options.tileRows;
  args.tileCols = options.tileCols;
  auto tiles = kernels.checkTiles(args, stream.get());
  if (!tiles)
    return tiles.takeError();
  return summarizeTiles(*tiles, args.rows, args.cols, options);
}

/// The full check on the device and the exact sample on the host.
llvm::Expected<Verdict>
verifyBoth(ReferenceKernels &kernels, const DeviceTensor &output,
           const DeviceBuffer &reference, const DeviceBuffer *rowScale,
           const DeviceBuffer *colScale, const ErrorBound &bound,
           const CheckOptions &options, const std::vector<size_t> &sampleRows,
           const std::vector<ExpectedPoint> &points, Stream &stream) {
  Verdict v;
  auto full = checkOnDevice(kernels, output, reference, rowScale, colScale,
                            bound, options, stream);
  if (!full)
    return full.takeError();
  v.full = *full;
  auto sample = checkSample(output, sampleRows, points);
  if (!sample)
    return sample.takeError();
  v.sample = *sample;
  return v;
}

/// An error unless every element of the fp32 reference (and its scales) on
/// the device is finite: the reference checked against itself.
llvm::Error checkReferenceFinite(ReferenceKernels &kernels,
                                 const DeviceBuffer &reference, size_t rows,
                                 size_t cols, const DeviceBuffer *rowScale,
                                 const DeviceBuffer *colScale, Stream &stream,
                                 const Reference &names,
                                 const llvm::Twine &what) {
  DeviceCheckArgs args;
  args.out = args.ref = reference.ptr();
  args.rowScale = rowScale ? rowScale->ptr() : 0;
  args.colScale = colScale ? colScale->ptr() : 0;
  args.outType = ElementType::F32;
  args.rows = rows;
  args.cols = cols;
  args.pitch = cols;
  args.atol = 1;
  auto tiles = kernels.checkTiles(args, stream.get());
  if (!tiles)
    return tiles.takeError();
  CheckOptions options;
  CheckResult r = summarizeTiles(*tiles, rows, cols, options);
  if (r.refNonFinite)
    return makeError(what + ": the reference (or its error scale) is not "
                            "finite at " +
                     names.where(r.firstNonFinite.row, r.firstNonFinite.col) +
                     " and " + llvm::Twine(r.refNonFinite - 1) +
                     " other element(s); nothing can be verified");
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// gemm: cuBLAS with fp32 output; 512 elements exact on the host
// gemm+STEP+...: the same, then the epilogue in double (GPU and host)
//===----------------------------------------------------------------------===//

class GemmReference : public Reference {
public:
  /// A plain GEMM, or with `epilogue` (reference = "gemm+..."): then the
  /// arguments are A, B, one per bias or residual step, C.
  GemmReference(const KernelSource &src, const ReferenceOptions &options,
                GemmEpilogue epilogue = {})
      : Reference(src), options(options), epilogue(std::move(epilogue)),
        C(2 + this->epilogue.operandCount()) {}

  /// C is argument 2 of a plain GEMM, after the epilogue's operands
  /// otherwise; the scales only follow a plain GEMM's C.
  enum Arg { A, B, PlainC, ScaleA, ScaleB };

  llvm::Error checkKernel() const override {
    if (hasEpilogue())
      return checkEpilogueKernel();
    const auto &args = src.args();
    auto isMatrix = [&](unsigned i) {
      return args[i].isTensor && args[i].dimNames.size() == 2;
    };
    auto isFloatScalar = [&](unsigned i) {
      return !args[i].isTensor && args[i].elementType == ElementType::F32;
    };
    bool ok = (args.size() == 3 || args.size() == 5) && isMatrix(A) &&
              isMatrix(B) && isMatrix(C) && args[C].isOutput;
    if (ok && args.size() == 5)
      ok = isFloatScalar(ScaleA) && isFloatScalar(ScaleB);
    if (!ok)
      return makeError("reference \"gemm\" needs three 2-d tensor arguments "
                       "A, B and C, with C written by the kernel, and "
                       "optionally two f32 scales (scale_a, scale_b) after "
                       "them; nothing is timed unverified");
    return llvm::Error::success();
  }

  /// scale_a and scale_b (--scale-a, --scale-b; 1 by default).
  llvm::Expected<ArgValue>
  scalarArgument(unsigned argIndex, const Bindings &sizes) const override {
    if (argIndex == ScaleA)
      return ArgValue::f32(scaleA());
    if (argIndex == ScaleB)
      return ArgValue::f32(scaleB());
    return Reference::scalarArgument(argIndex, sizes);
  }

  /// 2 M N K, the epilogue not counted (as ../shared/anchors.py counts
  /// its GEMM + bias + GELU peers).
  double flops(const Bindings &sizes) const override {
    auto [M, N, K] = dims(sizes);
    return 2.0 * M * N * K;
  }

  /// Bias and residual arguments: kEpilogueOperandLo..Hi (GemmEpilogue.h).
  std::pair<double, double> inputRange(unsigned argIndex) const override {
    if (argIndex > B && argIndex < C)
      return {kEpilogueOperandLo, kEpilogueOperandHi};
    return {-1.0, 1.0};
  }

  uint64_t deviceBytes(const Bindings &sizes) const override {
    auto [M, N, K] = dims(sizes);
    // cuBLAS's fp32 C (the epilogue runs in place), the norms, the check's
    // tile statistics.
    return uint64_t(M) * N * 4 + (M + N) * 4 +
           (uint64_t(M) / 64 + 1) * (N / 64 + 1) * sizeof(TileStats);
  }
  uint64_t hostBytes(const Bindings &sizes) const override {
    auto [M, N, K] = dims(sizes);
    // The norms, the sampled rows and columns, the epilogue operands'
    // sampled values.
    return (M + N) * 4 + 48 * (uint64_t(K) + N) * 4 +
           uint64_t(epilogue.operandCount()) * 16 * 32 * 4;
  }

  void beginShape(const Bindings &sizes) override {
    std::tie(M, N, K) = dims(sizes);
    // B is K x N, or N x K ("NT": its first dimension is C's second).
    transB = src.args()[B].dimNames[0] == src.args()[C].dimNames[1];
    sampleRows = pickIndices(M, 16, 4, options.seed);
    sampleCols = pickIndices(N, 32, 8, options.seed + 1);
    operandMax.assign(epilogue.steps.size(), 0);
    operandSamples.assign(epilogue.steps.size(), {});
  }
  void endShape() override {
    ltPlan.reset();
    expected.reset();
    rowNormsDev.reset();
    colNormsDev.reset();
    rowNormsA = colNormsB = {};
    rowsA = colsB = {};
    operandMax = {};
    operandSamples = {};
    points = {};
  }

  /// Keeps the norms of A's rows and B's columns and the sampled rows and
  /// columns, all of the dequantised values (times the scales); of a bias
  /// or residual, its largest magnitude and its values at the sampled
  /// elements.
  void noteInput(unsigned argIndex, const std::vector<char> &packed) override {
    ElementType type = src.args()[argIndex].elementType;
    size_t e = elementSize(type);
    if (argIndex > B && argIndex < C) {
      size_t step = operandStep(argIndex);
      bool bias = epilogue.steps[step] == kEpilogueBias;
      operandMax[step] = maxAbs(packed.data(), type, packed.size() / e);
      std::vector<float> &at = operandSamples[step];
      at.assign(sampleRows.size() * sampleCols.size(), 0);
      for (size_t i = 0; i < sampleRows.size(); ++i)
        for (size_t j = 0; j < sampleCols.size(); ++j)
          at[i * sampleCols.size() + j] = static_cast<float>(loadElement(
              packed.data(), type,
              bias ? sampleCols[j] : sampleRows[i] * N + sampleCols[j]));
      return;
    }
    auto scaled = [](std::vector<float> v, float scale) {
      for (float &x : v)
        x *= std::fabs(scale);
      return v;
    };
    if (argIndex == A) {
      rowNormsA = scaled(rowNorms(packed.data(), type, M, K), scaleA());
      rowsA.assign(sampleRows.size() * K, 0);
      for (size_t i = 0; i < sampleRows.size(); ++i)
        convertElements(packed.data() + sampleRows[i] * K * e, type,
                        &rowsA[i * K], ElementType::F32, K);
      for (float &x : rowsA)
        x *= scaleA();
    } else if (argIndex == B) {
      colNormsB = scaled(transB ? rowNorms(packed.data(), type, N, K)
                                : columnNorms(packed.data(), type, K, N),
                         scaleB());
      colsB.assign(sampleCols.size() * K, 0);
      for (size_t j = 0; j < sampleCols.size(); ++j)
        for (int64_t k = 0; k < K; ++k) {
          size_t at = transB ? sampleCols[j] * K + k : k * N + sampleCols[j];
          colsB[j * K + k] = static_cast<float>(
              loadElement(packed.data(), type, at) * scaleB());
        }
    }
  }

  llvm::Error prepare(CudaDriver &drv, Stream &stream,
                      llvm::ArrayRef<DeviceTensor> tensors,
                      const Bindings &) override {
    auto start = std::chrono::steady_clock::now();
    auto kernelsOr = ReferenceKernels::get(drv);
    if (!kernelsOr)
      return kernelsOr.takeError();
    kernels = &*kernelsOr;
    a = &tensors[A];
    b = &tensors[B];
    c = &tensors[C];
    // cuBLAS computes the reference (and is timed as the peer) for the
    // 16-bit types it takes; fp8 and anything else goes to the fp32 CUDA
    // GEMM of the reference kernels.
    useCublas = useCublasFor(*a, *b, *c);
    const char *refName =
        hasEpilogue() ? (useCublas ? "cuBLAS reference GEMM with the epilogue"
                                   : "the GEMM reference with the epilogue")
        : useCublas   ? "cuBLAS reference GEMM"
                      : "the GEMM reference";
    if (useCublas) {
      auto cublasOr = Cublas::get(drv);
      if (!cublasOr)
        return withContext("cuBLAS (the reference)", cublasOr.takeError());
      cublas = &*cublasOr;
      for (auto [what, value] :
           {std::pair<const char *, int64_t>{"M", M}, {"N", N}, {"K", K},
            {"the row pitch of A", a->rowPitch()},
            {"the row pitch of B", b->rowPitch()},
            {"the row pitch of C", c->rowPitch()}})
        if (value > INT_MAX)
          return makeError(llvm::Twine("cuBLAS reference GEMM: ") + what +
                           " = " + llvm::Twine(value) +
                           " is over INT_MAX, the largest size cuBLAS takes");
    }
    auto refBuffer = DeviceBuffer::allocate(drv, size_t(M) * N * 4);
    if (!refBuffer)
      return withContext("allocating the reference output",
                         refBuffer.takeError());
    expected.emplace(std::move(*refBuffer));
    if (useCublas) {
      if (auto err = gemmRowMajor(*cublas, stream.get(), a->type,
                                  ElementType::F32, M, N, K, a->ptr(),
                                  b->ptr(), expected->ptr(), a->rowPitch(),
                                  b->rowPitch(), N, transB))
        return withContext(description(), std::move(err));
    } else {
      GemmReferenceArgs args;
      args.a = a->ptr();
      args.b = b->ptr();
      args.out = expected->ptr();
      args.aType = a->type;
      args.bType = b->type;
      args.M = M;
      args.N = N;
      args.K = K;
      args.lda = a->rowPitch();
      args.ldb = b->rowPitch();
      args.transB = transB;
      args.aScale = scaleA();
      args.bScale = scaleB();
      if (auto err = kernels->gemm(args, stream.get()))
        return withContext("the GEMM reference", std::move(err));
    }
    if (hasEpilogue()) {
      // C = f(A B ...) in place, in double.
      GemmEpilogueReferenceArgs args;
      args.out = expected->ptr();
      args.M = M;
      args.N = N;
      args.steps.count = static_cast<int>(epilogue.steps.size());
      for (size_t s = 0, k = 2; s < epilogue.steps.size(); ++s) {
        EpilogueStepArgs &step = args.steps.step[s];
        step.op = epilogue.steps[s];
        if (!epilogue.takesOperand(s))
          continue;
        const DeviceTensor &t = tensors[k++];
        step.data = t.ptr();
        step.type = static_cast<int>(t.type);
        step.pitch = t.rowPitch();
      }
      if (auto err = kernels->gemmEpilogue(args, stream.get()))
        return withContext("the GEMM epilogue reference", std::move(err));
    }
    if (auto err = stream.synchronize())
      return withContext(refName, std::move(err));
    // fp8: cuBLASLt is the peer (same buffers, fast accumulation like
    // ours), when it takes the problem; if not, the kernel runs unpaired.
    ltPlan.reset();
    peerNote.clear();
    if ((a->type == ElementType::F8E4M3 || a->type == ElementType::F8E5M2) &&
        transB) {
      auto lt = CublasLt::get(drv);
      auto plan = lt ? Fp8GemmPlan::create(*lt, drv, a->type, c->type, M, N,
                                           K, a->rowPitch(), b->rowPitch(),
                                           c->rowPitch(), scaleA() * scaleB())
                     : llvm::Expected<std::unique_ptr<Fp8GemmPlan>>(
                           lt.takeError());
      if (plan)
        ltPlan = std::move(*plan);
      else
        peerNote = "no cuBLASLt peer: " + llvm::toString(plan.takeError());
    }
    auto rowsDev = upload(drv, rowNormsA);
    if (!rowsDev)
      return rowsDev.takeError();
    rowNormsDev.emplace(std::move(*rowsDev));
    auto colsDev = upload(drv, colNormsB);
    if (!colsDev)
      return colsDev.takeError();
    colNormsDev.emplace(std::move(*colsDev));
    if (auto err = checkReferenceFinite(*kernels, *expected, M, N,
                                        &*rowNormsDev, &*colNormsDev, stream,
                                        *this, refName))
      return err;

    // The exact sample checks cuBLAS itself (at the bound of an fp32
    // output) before it judges any kernel.
    auto sampled = downloadFloatRows(*expected, N, sampleRows);
    if (!sampled)
      return withContext("reading the reference", sampled.takeError());
    ElementType in = a->type, out = c->type;
    // The bound of a GEMM, or of a GEMM with its epilogue (the GEMM's
    // propagated through it, Verify.h).
    auto boundFor = [&](ElementType inType, ElementType outType, int64_t k) {
      return hasEpilogue()
                 ? gemmEpilogueErrorBound(inType, outType, k, epilogue.steps,
                                          operandMax, rowNormsA, colNormsB)
                 : gemmErrorBound(inType, outType, k, rowNormsA, colNormsB);
    };
    bound = boundFor(in, out, K);
    bound.scale = options.toleranceScale;
    // The reference sums in fp32 (the CUDA cores round to nearest; cuBLAS
    // as the tensor cores do for 16-bit operands): the bound of an f32
    // output of 16-bit operands, never below its K = 256 value, since a
    // rounding random walk does not shrink with K as fast as the bound.
    ErrorBound f32 = boundFor(ElementType::BF16, ElementType::F32,
                              std::max<int64_t>(K, 256));
    const char *what = hasEpilogue() ? "value" : "product";
    std::vector<double> operands(epilogue.operandCount());
    for (size_t i = 0; i < sampleRows.size(); ++i)
      for (size_t j = 0; j < sampleCols.size(); ++j) {
        double sum = 0;
        for (int64_t k = 0; k < K; ++k)
          sum += static_cast<double>(rowsA[i * K + k]) * colsB[j * K + k];
        for (size_t s = 0, o = 0; s < epilogue.steps.size(); ++s)
          if (epilogue.takesOperand(s))
            operands[o++] = operandSamples[s][i * sampleCols.size() + j];
        if (hasEpilogue())
          sum = epilogue.apply(sum, operands.data());
        size_t r = sampleRows[i], col = sampleCols[j];
        float exact = static_cast<float>(sum);
        double got = (*sampled)[i * N + col];
        if (!(std::fabs(got - sum) <= f32.at(r, col, exact)))
          return makeError(llvm::formatv(
              "{0}: {1} is {2} but the exact {5} is {3} (bound {4}): the "
              "reference is wrong, nothing can be verified",
              refName, where(r, col), got, sum, f32.at(r, col, exact), what));
        points.push_back({i, col, sum, bound.at(r, col, exact)});
      }
    seconds = secondsSince(start);
    return llvm::Error::success();
  }

  llvm::Expected<HostExpected>
  expectOnHost(llvm::ArrayRef<std::vector<char>> inputs,
               const Bindings &sizes) const override {
    auto [M, N, K] = dims(sizes);
    const auto &args = src.args();
    bool nt = args[B].dimNames[0] == args[C].dimNames[1];
    // A (M x K) and B as N x K (column j of the product contiguous), the
    // dequantised values times the scales.
    std::vector<float> a(size_t(M) * K), bt(size_t(N) * K);
    convertElements(inputs[A].data(), args[A].elementType, a.data(),
                    ElementType::F32, a.size());
    for (float &x : a)
      x *= scaleA();
    for (int64_t k = 0; k < K; ++k)
      for (int64_t j = 0; j < N; ++j) {
        size_t at = nt ? size_t(j) * K + k : size_t(k) * N + j;
        bt[size_t(j) * K + k] = static_cast<float>(
            loadElement(inputs[B].data(), args[B].elementType, at) * scaleB());
      }
    // The epilogue's operands (bias: one per column; residual: M x N).
    std::vector<double> operandMaxAbs(epilogue.steps.size(), 0);
    std::vector<std::pair<const std::vector<char> *, ElementType>> operands;
    for (size_t s = 0, k = 2; s < epilogue.steps.size(); ++s) {
      if (!epilogue.takesOperand(s))
        continue;
      const std::vector<char> &data = inputs[k];
      ElementType type = args[k].elementType;
      operandMaxAbs[s] = maxAbs(data.data(), type,
                                data.size() / elementSize(type));
      operands.push_back({&data, type});
      ++k;
    }
    HostExpected out;
    out.values.assign(size_t(M) * N, 0);
    std::vector<double> at(operands.size());
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        double sum = 0;
        const float *row = &a[size_t(i) * K], *col = &bt[size_t(j) * K];
        for (int64_t k = 0; k < K; ++k)
          sum += double(row[k]) * col[k];
        if (hasEpilogue()) {
          for (size_t o = 0, s = 0; s < epilogue.steps.size(); ++s) {
            if (!epilogue.takesOperand(s))
              continue;
            bool bias = epilogue.steps[s] == kEpilogueBias;
            at[o] = loadElement(operands[o].first->data(), operands[o].second,
                                bias ? size_t(j) : size_t(i) * N + j);
            ++o;
          }
          sum = epilogue.apply(sum, at.data());
        }
        out.values[size_t(i) * N + j] = static_cast<float>(sum);
      }
    std::vector<float> rowN = rowNorms(a.data(), ElementType::F32, M, K);
    std::vector<float> colN = rowNorms(bt.data(), ElementType::F32, N, K);
    ElementType in = args[A].elementType, outType = args[C].elementType;
    out.bound = hasEpilogue()
                    ? gemmEpilogueErrorBound(in, outType, K, epilogue.steps,
                                             operandMaxAbs, rowN, colN)
                    : gemmErrorBound(in, outType, K, rowN, colN);
    out.bound.scale = options.toleranceScale;
    return out;
  }

  unsigned outputIndex() const override { return C; }

  llvm::Expected<Verdict> verify(const DeviceTensor &output,
                                 Stream &stream) override {
    return verifyBoth(*kernels, output, *expected, &*rowNormsDev,
                      &*colNormsDev, bound, CheckOptions(), sampleRows, points,
                      stream);
  }

  std::string where(size_t row, size_t col) const override {
    return llvm::formatv("{0}[{1}, {2}]", src.args()[C].name, row, col).str();
  }

  /// cuBLAS, for the types it computes the reference in; cuBLASLt for fp8
  /// (when it plans the GEMM). A plain GEMM, without the epilogue, for a
  /// kernel with one (../shared/anchors.py times cuBLASLt's fused bias +
  /// GELU).
  std::string peerName() const override {
    return ltPlan ? "cuBLASLt" : useCublas ? "cuBLAS" : "";
  }
  llvm::Expected<TimingResult> timePeer(Timer &timer) override {
    // The peer writes the kernel's output type into the kernel's output
    // tensor (restored before every check).
    if (ltPlan)
      return timer.time([&](CUstream s) {
        return ltPlan->run(s, a->ptr(), b->ptr(), c->ptr());
      });
    return timer.time([&](CUstream s) {
      return gemmRowMajor(*cublas, s, a->type, c->type, M, N, K, a->ptr(),
                          b->ptr(), c->ptr(), a->rowPitch(), b->rowPitch(),
                          c->rowPitch(), transB);
    });
  }
  std::string description() const override {
    if (hasEpilogue())
      return llvm::formatv(
                 "{0}: every element against {1}, the epilogue applied in "
                 "double on the GPU ({2:F1} s), {3} elements against exact "
                 "values on the host{4}",
                 epilogue.formula(),
                 useCublas ? "cuBLAS (fp32 output)"
                           : "the fp32 GEMM reference kernel",
                 seconds, points.size(),
                 ltPlan      ? "; peer: cuBLASLt GEMM without the epilogue"
                 : useCublas ? "; peer: cuBLAS GEMM without the epilogue"
                             : "")
          .str();
    return llvm::formatv("every element against {0} ({1:F1} s), {2} elements "
                         "against exact products on the host{3}{4}",
                         useCublas ? "cuBLAS (fp32 output)"
                                   : "the fp32 GEMM reference kernel",
                         seconds, points.size(),
                         scaleA() != 1.0f || scaleB() != 1.0f
                             ? llvm::formatv("; scale_a {0}, scale_b {1}",
                                             scaleA(), scaleB())
                                   .str()
                             : std::string(),
                         peerNote.empty() ? "" : "; " + peerNote)
        .str();
  }

private:
  bool hasEpilogue() const { return !epilogue.steps.empty(); }

  /// The step of the epilogue whose operand argument `argIndex` is.
  size_t operandStep(unsigned argIndex) const {
    for (size_t s = 0, k = 2; s < epilogue.steps.size(); ++s)
      if (epilogue.takesOperand(s) && k++ == argIndex)
        return s;
    return 0; // not reached: argIndex is one of them
  }

  /// A, B, one argument per bias (the N-vector of C's columns) or residual
  /// (like C) in step order, C written by the kernel; nothing else.
  llvm::Error checkEpilogueKernel() const {
    const auto &args = src.args();
    auto isTensor = [&](unsigned i, size_t rank) {
      return args[i].isTensor && args[i].dimNames.size() == rank &&
             llvm::none_of(args[i].dimNames,
                           [](const std::string &d) { return d.empty(); });
    };
    bool ok = args.size() == C + 1 && isTensor(A, 2) && isTensor(B, 2) &&
              isTensor(C, 2) && args[C].isOutput && !args[A].isOutput &&
              !args[B].isOutput;
    if (ok)
      ok = args[A].dimNames[0] == args[C].dimNames[0];
    for (size_t s = 0, k = 2; ok && s < epilogue.steps.size(); ++s) {
      if (!epilogue.takesOperand(s))
        continue;
      const KernelArgInfo &v = args[k];
      ok = epilogue.steps[s] == kEpilogueBias
               ? isTensor(k, 1) && v.dimNames[0] == args[C].dimNames[1]
               : isTensor(k, 2) && v.dimNames == args[C].dimNames;
      ok = ok && !v.isOutput;
      ++k;
    }
    if (!ok)
      return makeError("reference \"" + src.reference() +
                       "\" needs the arguments " + epilogue.signature() +
                       ", in that order, for " + epilogue.formula() +
                       "; fix the signature of @" + src.name() +
                       ", or its reference attribute");
    return llvm::Error::success();
  }

  /// Whether cuBLAS computes the reference (and is the peer): 16-bit
  /// operands of one type, no scales, C of their type or f32.
  bool useCublasFor(const DeviceTensor &a, const DeviceTensor &b,
                    const DeviceTensor &c) const {
    return (a.type == ElementType::BF16 || a.type == ElementType::F16) &&
           b.type == a.type && scaleA() == 1.0f && scaleB() == 1.0f &&
           (c.type == a.type || c.type == ElementType::F32);
  }

  std::tuple<int64_t, int64_t, int64_t> dims(const Bindings &sizes) const {
    const auto &a = src.args()[A], &c = src.args()[C];
    return {sizes.lookup(a.dimNames[0]), sizes.lookup(c.dimNames[1]),
            sizes.lookup(a.dimNames[1])};
  }

  float scaleA() const { return options.scaleA ? *options.scaleA : 1.0f; }
  float scaleB() const { return options.scaleB ? *options.scaleB : 1.0f; }

  ReferenceOptions options;
  GemmEpilogue epilogue; // no steps for reference = "gemm"
  unsigned C;            // C's argument index
  bool useCublas = true;
  std::unique_ptr<Fp8GemmPlan> ltPlan; // the fp8 peer
  std::string peerNote;                // why there is none
  Cublas *cublas = nullptr;
  ReferenceKernels *kernels = nullptr;
  const DeviceTensor *a = nullptr, *b = nullptr, *c = nullptr;
  std::optional<DeviceBuffer> expected; // cuBLAS's fp32 C
  std::optional<DeviceBuffer> rowNormsDev, colNormsDev;
  std::vector<float> rowNormsA, colNormsB;
  std::vector<size_t> sampleRows, sampleCols;
  std::vector<float> rowsA, colsB; // sampled rows of A, columns of B
  /// Per epilogue step: max |operand| (0 for activations), the operand at
  /// the sampled elements (sampled row x sampled column).
  std::vector<double> operandMax;
  std::vector<std::vector<float>> operandSamples;
  std::vector<ExpectedPoint> points;
  ErrorBound bound;
  bool transB = false;
  int64_t M = 0, N = 0, K = 0;
  double seconds = 0;
};

//===----------------------------------------------------------------------===//
// attention: the fp32 GPU reference; exact rows on the host CPU
//===----------------------------------------------------------------------===//

class AttentionReferenceImpl : public Reference {
public:
  /// The descale factors are optional (fp8 kernels): the fp8 inputs times
  /// their descale are the real values.
  enum Arg { Q, K, V, O, Scale, Causal, DescaleQ, DescaleK, DescaleV };

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
    auto floatScalar = [&](unsigned i) {
      return !args[i].isTensor && isFloatType(args[i].elementType);
    };
    bool ok = (args.size() == 6 ||
               (args.size() == 9 && floatScalar(DescaleQ) &&
                floatScalar(DescaleK) && floatScalar(DescaleV))) &&
              rank4(Q) && rank4(K) && rank4(V) && rank4(O) &&
              floatScalar(Scale) && !args[Causal].isTensor &&
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
          "scale: a float, causal: an integer, and optionally the floats "
          "descale_q, descale_k, descale_v), in that order; fix the "
          "signature of @" +
          src.name() + ", or its reference attribute");
    return llvm::Error::success();
  }

  double flops(const Bindings &sizes) const override {
    return problem(sizes).flops();
  }

  uint64_t deviceBytes(const Bindings &sizes) const override {
    AttentionProblem p = problem(sizes);
    uint64_t rows = uint64_t(p.headCount()) * p.queryLen;
    // fp32 O and the row scales, the check's tile statistics.
    return rows * (p.headDim + 1) * 4 + (rows / 64 + 1) * sizeof(TileStats);
  }
  uint64_t hostBytes(const Bindings &sizes) const override {
    AttentionProblem p = problem(sizes);
    // The sampled heads' K and V, and the sampled rows.
    return 8 * uint64_t(p.keyLen) * p.headDim * 4 +
           2048 * uint64_t(p.headDim) * 8;
  }

  void beginShape(const Bindings &sizes) override {
    prob = problem(sizes);
    exact.emplace(prob, options.seed);
    vmax = 0;
  }
  void endShape() override {
    exact.reset();
    expected.reset();
    rowScaleDev.reset();
    points = {};
    sampleRows = {};
    bound = ErrorBound();
  }

  /// Q and K uniform in [-sqrt(3), sqrt(3)): unit variance, like the peers'
  /// torch.randn, so scale * q.k has unit variance and the softmax is far
  /// from flat; V in [-1, 1).
  std::pair<double, double> inputRange(unsigned argIndex) const override {
    if (argIndex == Q || argIndex == K)
      return {-std::sqrt(3.0), std::sqrt(3.0)};
    return {-1.0, 1.0};
  }

  void noteInput(unsigned argIndex, const std::vector<char> &packed) override {
    if (argIndex > V)
      return;
    ElementType type = src.args()[argIndex].elementType;
    float d = descale(argIndex);
    exact->setInput(static_cast<ExactAttentionRows::Input>(argIndex),
                    packed.data(), type, d);
    if (argIndex == V)
      vmax = d * maxAbs(packed.data(), type, packed.size() / elementSize(type));
  }

  llvm::Expected<ArgValue>
  scalarArgument(unsigned argIndex, const Bindings &sizes) const override {
    if (argIndex == Scale)
      return ArgValue::f32(problem(sizes).scale);
    if (argIndex == Causal)
      return ArgValue::i32(options.causal ? 1 : 0);
    if (argIndex >= DescaleQ && argIndex <= DescaleV)
      return ArgValue::f32(descale(argIndex - DescaleQ + Q));
    return Reference::scalarArgument(argIndex, sizes);
  }

  llvm::Error prepare(CudaDriver &drv, Stream &stream,
                      llvm::ArrayRef<DeviceTensor> tensors,
                      const Bindings &) override {
    auto start = std::chrono::steady_clock::now();
    auto kernelsOr = ReferenceKernels::get(drv);
    if (!kernelsOr)
      return kernelsOr.takeError();
    kernels = &*kernelsOr;
    size_t rows = size_t(prob.headCount()) * prob.queryLen;
    size_t D = prob.headDim;
    auto out = DeviceBuffer::allocate(drv, rows * D * 4);
    if (!out)
      return withContext("allocating the attention reference",
                         out.takeError());
    expected.emplace(std::move(*out));
    auto scales = DeviceBuffer::allocate(drv, rows * 4);
    if (!scales)
      return withContext("allocating the attention reference",
                         scales.takeError());
    rowScaleDev.emplace(std::move(*scales));
    AttentionReferenceArgs args;
    args.q = tensors[Q].ptr();
    args.k = tensors[K].ptr();
    args.v = tensors[V].ptr();
    args.out = expected->ptr();
    args.rowScale = rowScaleDev->ptr();
    args.qType = tensors[Q].type;
    args.kType = tensors[K].type;
    args.vType = tensors[V].type;
    args.qPitch = tensors[Q].rowPitch();
    args.kPitch = tensors[K].rowPitch();
    args.vPitch = tensors[V].rowPitch();
    args.heads = prob.headCount();
    args.queryLen = prob.queryLen;
    args.keyLen = prob.keyLen;
    args.headDim = prob.headDim;
    args.scale = prob.scale;
    args.causal = prob.causal;
    args.qScale = descale(Q);
    args.kScale = descale(K);
    args.vScale = descale(V);
    if (auto err = kernels->attention(args, stream.get()))
      return withContext("attention reference", std::move(err));
    if (auto err = stream.synchronize())
      return withContext("attention reference", std::move(err));
    if (auto err = checkReferenceFinite(*kernels, *expected, rows, D,
                                        &*rowScaleDev, nullptr, stream, *this,
                                        "attention reference"))
      return err;
    gpuSeconds = secondsSince(start);

    // The exact rows check the GPU reference first, far tighter than any
    // kernel is checked (fp32 against double).
    auto exactStart = std::chrono::steady_clock::now();
    exact->computeExpected();
    exactSeconds = secondsSince(exactStart);
    sampleRows.assign(exact->sampledRows().begin(), exact->sampledRows().end());
    auto sampled = downloadFloatRows(*expected, D, sampleRows);
    if (!sampled)
      return withContext("reading the attention reference",
                         sampled.takeError());
    const double tight = std::ldexp(1.0, -14);
    for (size_t i = 0; i < sampleRows.size(); ++i)
      for (size_t d = 0; d < D; ++d) {
        double x = exact->expectedRow(i)[d], got = (*sampled)[i * D + d];
        double limit =
            tight * (std::fabs(x) + vmax * exact->rowScale(i)) + 1e-30;
        if (!(std::fabs(got - x) <= limit))
          return makeError(llvm::formatv(
              "the attention reference gives {0} at {1}, the exact value is "
              "{2} (bound {3}): the reference is wrong, nothing can be "
              "verified",
              got, where(sampleRows[i], d), x, limit));
      }

    ElementType pType = tensors[V].type, outType = tensors[O].type;
    bound = attentionErrorBound(pType, outType, vmax, {});
    bound.scale = options.toleranceScale;
    points = exact->points(bound.rtol, bound.atol, bound.floor, bound.scale);
    // Numbered by their place in sampleRows (checkSample).
    for (ExpectedPoint &p : points)
      p.row = std::lower_bound(sampleRows.begin(), sampleRows.end(), p.row) -
              sampleRows.begin();
    return llvm::Error::success();
  }

  llvm::Expected<HostExpected>
  expectOnHost(llvm::ArrayRef<std::vector<char>> inputs,
               const Bindings &sizes) const override {
    AttentionProblem p = problem(sizes);
    const auto &args = src.args();
    size_t D = p.headDim;
    auto dequantised = [&](unsigned which) {
      const std::vector<char> &data = inputs[which];
      ElementType type = args[which].elementType;
      std::vector<float> v(data.size() / elementSize(type));
      convertElements(data.data(), type, v.data(), ElementType::F32, v.size());
      for (float &x : v)
        x *= descale(which);
      return v;
    };
    std::vector<float> q = dequantised(Q), k = dequantised(K),
                       v = dequantised(V);
    size_t rows = size_t(p.headCount()) * p.queryLen;
    HostExpected out;
    out.values.assign(rows * D, 0);
    std::vector<float> rowScale(rows);
    std::vector<double> row(D);
    for (int64_t bh = 0; bh < p.headCount(); ++bh)
      for (int64_t s = 0; s < p.queryLen; ++s) {
        size_t r = size_t(bh) * p.queryLen + s;
        double scaleOfRow = 0;
        attentionRow(&q[r * D], &k[size_t(bh) * p.keyLen * D],
                     &v[size_t(bh) * p.keyLen * D], p.visibleKeys(s), D,
                     p.scale, row.data(), &scaleOfRow);
        for (size_t d = 0; d < D; ++d)
          out.values[r * D + d] = static_cast<float>(row[d]);
        rowScale[r] = static_cast<float>(scaleOfRow);
      }
    double vMax = 0;
    for (float x : v)
      vMax = std::max(vMax, double(std::fabs(x)));
    out.bound = attentionErrorBound(args[V].elementType, args[O].elementType,
                                    vMax, std::move(rowScale));
    out.bound.scale = options.toleranceScale;
    out.check.tileRows = 64; // 64 query rows of one head
    out.check.tileCols = D;
    return out;
  }

  unsigned outputIndex() const override { return O; }

  llvm::Expected<Verdict> verify(const DeviceTensor &output,
                                 Stream &stream) override {
    CheckOptions check;
    check.tileRows = 64;
    check.tileCols = output.layout.cols; // 64 query rows of one head
    return verifyBoth(*kernels, output, *expected, &*rowScaleDev, nullptr,
                      bound, check, sampleRows, points, stream);
  }

  std::string where(size_t row, size_t col) const override {
    size_t s = row % prob.queryLen, bh = row / prob.queryLen;
    return llvm::formatv("{0}[{1}, {2}, {3}, {4}]", src.args()[O].name,
                         bh / prob.heads, bh % prob.heads, s, col)
        .str();
  }

  std::string description() const override {
    return llvm::formatv(
               "every element against the fp32 GPU reference ({0:F1} s); {1} "
               "rows of {2} (batch, head) pair(s) exact on the CPU ({3:F1} "
               "s); scale {4:F4}{5}{6}",
               gpuSeconds, exact->sampledRows().size(),
               exact->sampledHeads().size(), exactSeconds, prob.scale,
               prob.causal ? ", causal" : "",
               hasDescales() ? llvm::formatv("; descale q {0}, k {1}, v {2}",
                                             descale(Q), descale(K), descale(V))
                                   .str()
                             : std::string())
        .str();
  }

private:
  bool hasDescales() const { return src.args().size() == 9; }
  /// The descale factor of input Q, K or V (1 without descale arguments).
  float descale(unsigned input) const {
    const std::optional<float> &d = input == Q   ? options.descaleQ
                                    : input == K ? options.descaleK
                                                 : options.descaleV;
    return d ? *d : 1.0f;
  }

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
  AttentionProblem prob;
  ReferenceKernels *kernels = nullptr;
  std::optional<ExactAttentionRows> exact;
  std::optional<DeviceBuffer> expected;    // the GPU reference's O, packed
  std::optional<DeviceBuffer> rowScaleDev; // and its row scales
  std::vector<size_t> sampleRows;          // the exact rows, sorted
  std::vector<ExpectedPoint> points;
  ErrorBound bound;
  double vmax = 0;
  double gpuSeconds = 0, exactSeconds = 0;
};

//===----------------------------------------------------------------------===//
// softmax, layernorm: the GPU row kernels (double sums); exact rows on the
// host CPU
//===----------------------------------------------------------------------===//

/// The tiles of the outlier check of a row kernel's output: 64 x 64, or
/// taller for short rows, so that a shape of 2^31 one-column rows has 2^19
/// tiles, not 2^25.
CheckOptions rowCheckTiles(int64_t cols) {
  CheckOptions check;
  check.tileCols = 64;
  check.tileRows =
      std::max<size_t>(64, (4096 + static_cast<size_t>(cols) - 1) / cols);
  return check;
}

/// A packed tensor of `type` as floats.
std::vector<float> toFloats(const std::vector<char> &packed, ElementType type) {
  std::vector<float> v(packed.size() / elementSize(type));
  convertElements(packed.data(), type, v.data(), ElementType::F32, v.size());
  return v;
}

/// What every row kernel's reference shares: X is R x C (the kernel's
/// first argument) and Y like X (argument `yIndex`), written by the kernel.
class RowShapeReference : public Reference {
public:
  /// X read and Y written once; W and B (C elements each) are left out, as
  /// the peers of ../shared/anchors.py count them.
  double bytes(const Bindings &sizes) const override {
    auto [R, C] = dims(sizes);
    return double(R) * double(C) *
           (elementSize(src.args()[0].elementType) +
            elementSize(src.args()[yIndex].elementType));
  }
  unsigned outputIndex() const override { return yIndex; }
  std::string where(size_t row, size_t col) const override {
    return llvm::formatv("{0}[{1}, {2}]", src.args()[yIndex].name, row, col)
        .str();
  }

protected:
  RowShapeReference(const KernelSource &src, const ReferenceOptions &options,
                    unsigned yIndex)
      : Reference(src), options(options), yIndex(yIndex) {}

  /// Whether argument `i` is a tensor of `rank` named dimensions.
  bool isTensorOfRank(unsigned i, size_t rank) const {
    const KernelArgInfo &a = src.args()[i];
    return a.isTensor && a.dimNames.size() == rank &&
           llvm::none_of(a.dimNames,
                         [](const std::string &d) { return d.empty(); });
  }

  std::pair<int64_t, int64_t> dims(const Bindings &sizes) const {
    const auto &x = src.args()[0].dimNames;
    return {sizes.lookup(x[0]), sizes.lookup(x[1])};
  }

  ReferenceOptions options;
  unsigned yIndex;
  int64_t R = 0, C = 0;
};

/// The softmax and layernorm references: the expected Y on the GPU, and a
/// sample of rows computed exactly on the host from X as uploaded.
class RowReferenceBase : public RowShapeReference {
public:

  uint64_t deviceBytes(const Bindings &sizes) const override {
    auto [R, C] = dims(sizes);
    CheckOptions check = rowCheckTiles(C);
    // The fp32 Y, the row and column scales, the check's tile statistics.
    return uint64_t(R) * C * 4 + (uint64_t(R) + C) * 4 +
           (uint64_t(R) / check.tileRows + 1) *
               (uint64_t(C) / check.tileCols + 1) * sizeof(TileStats);
  }
  uint64_t hostBytes(const Bindings &sizes) const override {
    auto [R, C] = dims(sizes);
    // The sampled rows of X, their exact Y and its points; W, B and the
    // column scales.
    return uint64_t(sampleCount(R, C)) * C * (4 + 8 + sizeof(ExpectedPoint)) +
           uint64_t(C) * 12;
  }

  void beginShape(const Bindings &sizes) override {
    std::tie(R, C) = dims(sizes);
    size_t count = sampleCount(R, C);
    sampleRows = pickIndices(R, count, std::max<size_t>(1, count / 8),
                             options.seed);
    xRows.assign(sampleRows.size() * C, 0);
  }
  void endShape() override {
    expected.reset();
    rowScaleDev.reset();
    colScaleDev.reset();
    xRows = colScale = {};
    exact = {};
    points = {};
    bound = ErrorBound();
  }

  /// Keeps the sampled rows of X.
  void noteInput(unsigned argIndex, const std::vector<char> &packed) override {
    if (argIndex != 0)
      return;
    ElementType type = src.args()[0].elementType;
    size_t e = elementSize(type);
    for (size_t i = 0; i < sampleRows.size(); ++i)
      convertElements(packed.data() + sampleRows[i] * C * e, type,
                      &xRows[i * C], ElementType::F32, C);
  }

  llvm::Expected<Verdict> verify(const DeviceTensor &output,
                                 Stream &stream) override {
    return verifyBoth(*kernels, output, *expected,
                      rowScaleDev ? &*rowScaleDev : nullptr,
                      colScaleDev ? &*colScaleDev : nullptr, bound, rowCheckTiles(C),
                      sampleRows, points, stream);
  }

  std::string description() const override {
    return llvm::formatv("every element against the {0} GPU reference (fp32 "
                         "output of double sums, {1:F1} s); {2} rows exact on "
                         "the CPU ({3:F1} s)",
                         src.reference(), gpuSeconds, sampleRows.size(),
                         exactSeconds)
        .str();
  }

protected:
  RowReferenceBase(const KernelSource &src, const ReferenceOptions &options,
                   unsigned yIndex)
      : RowShapeReference(src, options, yIndex) {}

  /// Rows computed exactly: up to 64, fewer for long rows (2^18 elements
  /// in all, at least 4 rows); beginShape takes an eighth of them from the
  /// first rows, an eighth from the last, the rest picked by --seed.
  static size_t sampleCount(int64_t rows, int64_t cols) {
    int64_t count = std::clamp<int64_t>((int64_t(1) << 18) / cols, 4, 64);
    return static_cast<size_t>(std::min(count, rows));
  }

  /// The reference kernels and the fp32 Y (and, `withRowScale`, a float a
  /// row) on the device.
  llvm::Error allocate(CudaDriver &drv, bool withRowScale) {
    auto kernelsOr = ReferenceKernels::get(drv);
    if (!kernelsOr)
      return kernelsOr.takeError();
    kernels = &*kernelsOr;
    std::string what = "allocating the " + src.reference() + " reference";
    auto out = DeviceBuffer::allocate(drv, size_t(R) * C * 4);
    if (!out)
      return withContext(what, out.takeError());
    expected.emplace(std::move(*out));
    if (withRowScale) {
      auto scales = DeviceBuffer::allocate(drv, size_t(R) * 4);
      if (!scales)
        return withContext(what, scales.takeError());
      rowScaleDev.emplace(std::move(*scales));
    }
    return llvm::Error::success();
  }

  /// After the GPU reference ran (and the stream was synchronized): every
  /// element finite, then the sampled rows against the exact ones
  /// (`exact`, with the row scales `exactScale` when the reference has
  /// them), far tighter than any kernel is checked: an error says the
  /// reference is wrong. Then the points of the sample, under `bound`.
  llvm::Error checkReference(Stream &stream,
                             const std::vector<double> &exactScale) {
    std::string what = src.reference() + " reference";
    if (auto err = checkReferenceFinite(
            *kernels, *expected, R, C, rowScaleDev ? &*rowScaleDev : nullptr,
            colScaleDev ? &*colScaleDev : nullptr, stream, *this, what))
      return err;
    auto sampled = downloadFloatRows(*expected, C, sampleRows);
    if (!sampled)
      return withContext("reading the " + what, sampled.takeError());
    if (rowScaleDev) {
      auto scales = downloadFloatRows(*rowScaleDev, 1, sampleRows);
      if (!scales)
        return withContext("reading the " + what, scales.takeError());
      for (size_t i = 0; i < sampleRows.size(); ++i)
        if (!(std::fabs((*scales)[i] - exactScale[i]) <=
              kRowReferenceRtol * exactScale[i]))
          return makeError(llvm::formatv(
              "the {0} gives the row scale {1} to row {2}, the exact one is "
              "{3}: the reference is wrong, nothing can be verified",
              what, (*scales)[i], sampleRows[i], exactScale[i]));
    }
    for (size_t i = 0; i < sampleRows.size(); ++i)
      for (int64_t j = 0; j < C; ++j) {
        double x = exact[i * C + j], got = (*sampled)[i * C + j];
        double terms = rowScaleDev ? exactScale[i] * colScale[j] : 0;
        double limit = rowReferenceLimit(x, terms);
        if (!(std::fabs(got - x) <= limit))
          return makeError(llvm::formatv(
              "the {0} gives {1} at {2}, the exact value is {3} (bound {4}): "
              "the reference is wrong, nothing can be verified",
              what, got, where(sampleRows[i], j), x, limit));
        // Numbered by their place in sampleRows (checkSample).
        points.push_back(
            {i, size_t(j), x,
             elementBound(bound.rtol, bound.atol, bound.floor, bound.scale,
                          rowScaleDev ? static_cast<float>(exactScale[i]) : 1,
                          rowScaleDev ? colScale[j] : 1,
                          static_cast<float>(x))});
      }
    return llvm::Error::success();
  }

  ReferenceKernels *kernels = nullptr;
  std::vector<size_t> sampleRows; // the exact rows, sorted
  std::vector<float> xRows;       // their X, sampleRows.size() x C
  std::vector<double> exact;      // their Y, exactly
  std::vector<float> colScale;    // layernorm: |W| + |B|
  std::optional<DeviceBuffer> expected, rowScaleDev, colScaleDev;
  std::vector<ExpectedPoint> points;
  ErrorBound bound;
  double gpuSeconds = 0, exactSeconds = 0;
};

/// Y[r, :] = softmax(X[r, :]).
class SoftmaxReference : public RowReferenceBase {
public:
  enum Arg { X, Y };

  SoftmaxReference(const KernelSource &src, const ReferenceOptions &options)
      : RowReferenceBase(src, options, Y) {}

  llvm::Error checkKernel() const override {
    const auto &args = src.args();
    bool ok = args.size() == 2 && isTensorOfRank(X, 2) &&
              isTensorOfRank(Y, 2) && args[Y].dimNames == args[X].dimNames &&
              args[Y].isOutput && !args[X].isOutput;
    if (!ok)
      return makeError("reference \"softmax\" needs the arguments (X: R x C, "
                       "Y: R x C, written by the kernel), in that order, for "
                       "Y[r, :] = softmax(X[r, :]); fix the signature of @" +
                       src.name() + ", or its reference attribute");
    return llvm::Error::success();
  }

  /// Nominal, for --json's tflops: max, subtract, exp, sum, scale (tile-run
  /// reports GB/s for these kernels).
  double flops(const Bindings &sizes) const override {
    auto [R, C] = dims(sizes);
    return 5.0 * R * C;
  }

  /// X with unit variance, like the peers' torch.randn (RowReference.h).
  std::pair<double, double> inputRange(unsigned) const override {
    return {kSoftmaxInputLo, kSoftmaxInputHi};
  }

  llvm::Error prepare(CudaDriver &drv, Stream &stream,
                      llvm::ArrayRef<DeviceTensor> tensors,
                      const Bindings &) override {
    auto start = std::chrono::steady_clock::now();
    if (auto err = allocate(drv, /*withRowScale=*/false))
      return err;
    SoftmaxReferenceArgs args;
    args.x = tensors[X].ptr();
    args.out = expected->ptr();
    args.xType = tensors[X].type;
    args.rows = R;
    args.cols = C;
    args.xPitch = tensors[X].rowPitch();
    if (auto err = kernels->softmax(args, stream.get()))
      return withContext("softmax reference", std::move(err));
    if (auto err = stream.synchronize())
      return withContext("softmax reference", std::move(err));
    gpuSeconds = secondsSince(start);

    auto exactStart = std::chrono::steady_clock::now();
    exact.assign(sampleRows.size() * C, 0);
    for (size_t i = 0; i < sampleRows.size(); ++i)
      softmaxRow(&xRows[i * C], C, &exact[i * C]);
    exactSeconds = secondsSince(exactStart);
    bound = softmaxErrorBound(tensors[Y].type, C);
    bound.scale = options.toleranceScale;
    return checkReference(stream, {});
  }
  llvm::Expected<HostExpected>
  expectOnHost(llvm::ArrayRef<std::vector<char>> inputs,
               const Bindings &sizes) const override {
    auto [rows, cols] = dims(sizes);
    std::vector<float> x(size_t(rows) * cols);
    convertElements(inputs[X].data(), src.args()[X].elementType, x.data(),
                    ElementType::F32, x.size());
    HostExpected out;
    out.values.assign(x.size(), 0);
    std::vector<double> y(cols);
    for (int64_t r = 0; r < rows; ++r) {
      softmaxRow(&x[size_t(r) * cols], cols, y.data());
      for (int64_t j = 0; j < cols; ++j)
        out.values[size_t(r) * cols + j] = static_cast<float>(y[j]);
    }
    out.bound = softmaxErrorBound(src.args()[Y].elementType, cols);
    out.bound.scale = options.toleranceScale;
    out.check = rowCheckTiles(cols);
    return out;
  }
};

/// Y[r, :] = (X[r, :] - mean) / sqrt(var + eps) * W + B, as
/// torch.nn.functional.layer_norm.
class LayerNormReference : public RowReferenceBase {
public:
  enum Arg { X, W, B, Y, Eps };

  LayerNormReference(const KernelSource &src, const ReferenceOptions &options)
      : RowReferenceBase(src, options, Y) {}

  llvm::Error checkKernel() const override {
    const auto &args = src.args();
    bool ok = args.size() == 5 && isTensorOfRank(X, 2) &&
              isTensorOfRank(W, 1) && isTensorOfRank(B, 1) &&
              isTensorOfRank(Y, 2) && !args[Eps].isTensor &&
              args[Eps].elementType == ElementType::F32;
    if (ok)
      ok = args[Y].dimNames == args[X].dimNames &&
           args[W].dimNames[0] == args[X].dimNames[1] &&
           args[B].dimNames == args[W].dimNames && args[Y].isOutput &&
           !args[X].isOutput && !args[W].isOutput && !args[B].isOutput;
    if (!ok)
      return makeError(
          "reference \"layernorm\" needs the arguments (X: R x C, W: C, B: "
          "C, Y: R x C, written by the kernel, eps: f32), in that order, for "
          "Y[r, :] = (X[r, :] - mean) / sqrt(var + eps) * W + B; fix the "
          "signature of @" +
          src.name() + ", or its reference attribute");
    return llvm::Error::success();
  }

  /// Nominal, for --json's tflops: the sum, subtract, square and add,
  /// normalise, scale, shift (tile-run reports GB/s for these kernels).
  double flops(const Bindings &sizes) const override {
    auto [R, C] = dims(sizes);
    return 7.0 * R * C;
  }

  /// X with a variance of about 3 eps and a mean of 0.87 standard
  /// deviations, so that eps and the mean both matter (RowReference.h);
  /// W and B with unit variance.
  std::pair<double, double> inputRange(unsigned argIndex) const override {
    if (argIndex == X)
      return {kLayerNormInputLo, kLayerNormInputHi};
    return {kLayerNormAffineLo, kLayerNormAffineHi};
  }

  void noteInput(unsigned argIndex, const std::vector<char> &packed) override {
    RowReferenceBase::noteInput(argIndex, packed);
    if (argIndex != W && argIndex != B)
      return;
    std::vector<float> &v = argIndex == W ? w : b;
    v.assign(C, 0);
    convertElements(packed.data(), src.args()[argIndex].elementType, v.data(),
                    ElementType::F32, C);
  }

  llvm::Expected<ArgValue>
  scalarArgument(unsigned argIndex, const Bindings &sizes) const override {
    if (argIndex == Eps)
      return ArgValue::f32(eps());
    return Reference::scalarArgument(argIndex, sizes);
  }

  void endShape() override {
    RowReferenceBase::endShape();
    w = b = {};
  }

  llvm::Error prepare(CudaDriver &drv, Stream &stream,
                      llvm::ArrayRef<DeviceTensor> tensors,
                      const Bindings &) override {
    auto start = std::chrono::steady_clock::now();
    if (auto err = allocate(drv, /*withRowScale=*/true))
      return err;
    colScale.assign(C, 0);
    for (int64_t j = 0; j < C; ++j)
      colScale[j] = std::fabs(w[j]) + std::fabs(b[j]);
    auto cols = upload(drv, colScale);
    if (!cols)
      return withContext("the layernorm reference", cols.takeError());
    colScaleDev.emplace(std::move(*cols));
    LayerNormReferenceArgs args;
    args.x = tensors[X].ptr();
    args.w = tensors[W].ptr();
    args.b = tensors[B].ptr();
    args.out = expected->ptr();
    args.rowScale = rowScaleDev->ptr();
    args.xType = tensors[X].type;
    args.wType = tensors[W].type;
    args.bType = tensors[B].type;
    args.rows = R;
    args.cols = C;
    args.xPitch = tensors[X].rowPitch();
    args.eps = eps();
    if (auto err = kernels->layerNorm(args, stream.get()))
      return withContext("layernorm reference", std::move(err));
    if (auto err = stream.synchronize())
      return withContext("layernorm reference", std::move(err));
    gpuSeconds = secondsSince(start);

    auto exactStart = std::chrono::steady_clock::now();
    exact.assign(sampleRows.size() * C, 0);
    std::vector<double> exactScale(sampleRows.size());
    for (size_t i = 0; i < sampleRows.size(); ++i)
      exactScale[i] = layerNormRow(&xRows[i * C], w.data(), b.data(), C,
                                   eps(), &exact[i * C]);
    exactSeconds = secondsSince(exactStart);
    bound = layerNormErrorBound(tensors[Y].type, C, {}, colScale);
    bound.scale = options.toleranceScale;
    return checkReference(stream, exactScale);
  }

  llvm::Expected<HostExpected>
  expectOnHost(llvm::ArrayRef<std::vector<char>> inputs,
               const Bindings &sizes) const override {
    auto [rows, cols] = dims(sizes);
    const auto &args = src.args();
    auto floats = [&](unsigned which) {
      return toFloats(inputs[which], args[which].elementType);
    };
    std::vector<float> x = floats(X), wv = floats(W), bv = floats(B);
    HostExpected out;
    out.values.assign(x.size(), 0);
    std::vector<float> rowScale(rows), colScaleOf(cols);
    for (int64_t j = 0; j < cols; ++j)
      colScaleOf[j] = std::fabs(wv[j]) + std::fabs(bv[j]);
    std::vector<double> y(cols);
    for (int64_t r = 0; r < rows; ++r) {
      rowScale[r] = static_cast<float>(layerNormRow(
          &x[size_t(r) * cols], wv.data(), bv.data(), cols, eps(), y.data()));
      for (int64_t j = 0; j < cols; ++j)
        out.values[size_t(r) * cols + j] = static_cast<float>(y[j]);
    }
    out.bound = layerNormErrorBound(args[Y].elementType, cols,
                                    std::move(rowScale), std::move(colScaleOf));
    out.bound.scale = options.toleranceScale;
    out.check = rowCheckTiles(cols);
    return out;
  }

  std::string description() const override {
    char text[32];
    std::snprintf(text, sizeof(text), "; eps %g", eps());
    return RowReferenceBase::description() + text;
  }

private:
  float eps() const { return options.eps ? *options.eps : 1e-5f; }

  std::vector<float> w, b; // W and B as uploaded
};

//===----------------------------------------------------------------------===//
// rmsnorm: every element exact on the host, uploaded
//===----------------------------------------------------------------------===//

/// References cheap enough to compute exactly on the host for every
/// element (no GPU reference kernel): the expected output is computed from
/// the packed inputs in double, uploaded in fp32 and the kernel's output
/// checked on the device. A subclass says how (expected()), within what
/// (bound()) and the output's rows x cols.
class HostExactReference : public RowShapeReference {
public:
  uint64_t deviceBytes(const Bindings &sizes) const override {
    auto [R, C] = dims(sizes);
    return uint64_t(R) * C * 4 + (uint64_t(R) / 64 + 1) * (C / 64 + 1) *
                                     sizeof(TileStats);
  }
  void beginShape(const Bindings &sizes) override {
    std::tie(R, C) = dims(sizes);
  }
  void endShape() override {
    inputs.clear();
    expectedBuffer.reset();
  }
  void noteInput(unsigned argIndex, const std::vector<char> &packed) override {
    if (inputs.size() <= argIndex)
      inputs.resize(argIndex + 1);
    inputs[argIndex] = toFloats(packed, src.args()[argIndex].elementType);
  }

  llvm::Expected<HostExpected>
  expectOnHost(llvm::ArrayRef<std::vector<char>> packed,
               const Bindings &sizes) const override {
    auto [rows, cols] = dims(sizes);
    std::vector<std::vector<float>> floats(packed.size());
    for (auto [i, p] : llvm::enumerate(packed))
      if (!p.empty())
        floats[i] = toFloats(p, src.args()[i].elementType);
    HostExpected out;
    out.values = expected(floats, rows, cols);
    out.bound = bound(cols);
    out.check = rowCheckTiles(outputCols(rows, cols));
    return out;
  }

  llvm::Error prepare(CudaDriver &drv, Stream &stream,
                      llvm::ArrayRef<DeviceTensor>,
                      const Bindings &) override {
    auto start = std::chrono::steady_clock::now();
    auto kernelsOr = ReferenceKernels::get(drv);
    if (!kernelsOr)
      return kernelsOr.takeError();
    kernels = &*kernelsOr;
    auto values = upload(drv, expected(inputs, R, C));
    if (!values)
      return withContext("the " + name() + " reference", values.takeError());
    expectedBuffer.emplace(std::move(*values));
    inputs.clear();
    seconds = secondsSince(start);
    int64_t cols = outputCols(R, C);
    return checkReferenceFinite(*kernels, *expectedBuffer, R * C / cols, cols,
                                nullptr, nullptr, stream, *this,
                                name() + " reference");
  }

  llvm::Expected<Verdict> verify(const DeviceTensor &output,
                                 Stream &stream) override {
    Verdict v;
    auto full = checkOnDevice(*kernels, output, *expectedBuffer, nullptr,
                              nullptr, bound(C), rowCheckTiles(outputCols(R, C)),
                              stream);
    if (!full)
      return full.takeError();
    v.full = *full;
    return v;
  }

protected:
  using RowShapeReference::RowShapeReference;

  /// The expected output (rows x cols as where() numbers them) from the
  /// inputs as floats (`floats[i]` for input tensor i), X being R x C.
  virtual std::vector<float>
  expected(const std::vector<std::vector<float>> &floats, int64_t rows,
           int64_t cols) const = 0;
  /// The bound of the check, X having `cols` columns.
  virtual ErrorBound bound(int64_t cols) const = 0;
  /// Columns of the output's rows x cols view (C: Y like X).
  virtual int64_t outputCols(int64_t rows, int64_t cols) const { return cols; }
  /// "rmsnorm", "transpose": for messages.
  virtual std::string name() const = 0;

  double seconds = 0;

private:
  std::vector<std::vector<float>> inputs;
  ReferenceKernels *kernels = nullptr;
  std::optional<DeviceBuffer> expectedBuffer;
};

/// Y[r, :] = X[r, :] / sqrt(mean(X[r, :]^2) + eps) * W with eps =
/// kRmsNormEps (the constant of kernels/rmsnorm.mlir; a kernel with another
/// fails the check, it cannot pass it).
constexpr double kRmsNormEps = 1e-6;

class RmsNormReference : public HostExactReference {
public:
  enum Arg { X, W, Y };

  RmsNormReference(const KernelSource &src, const ReferenceOptions &options)
      : HostExactReference(src, options, Y) {}

  llvm::Error checkKernel() const override {
    const auto &args = src.args();
    bool ok = args.size() == 3 && isTensorOfRank(X, 2) &&
              isTensorOfRank(W, 1) && isTensorOfRank(Y, 2) &&
              args[Y].dimNames == args[X].dimNames &&
              args[W].dimNames[0] == args[X].dimNames[1] &&
              args[Y].isOutput && !args[X].isOutput && !args[W].isOutput;
    if (!ok)
      return makeError("reference \"rmsnorm\" needs the arguments (X: R x "
                       "C, W: C, Y: R x C, written by the kernel), in that "
                       "order, for Y[r, :] = X[r, :] / sqrt(mean(X[r, :]^2) "
                       "+ 1e-6) * W; fix the signature of @" +
                       src.name() + ", or its reference attribute");
    return llvm::Error::success();
  }
  /// Nominal: square, sum, scale, weight (tile-run reports GB/s).
  double flops(const Bindings &sizes) const override {
    auto [R, C] = dims(sizes);
    return 4.0 * R * C;
  }
  uint64_t hostBytes(const Bindings &sizes) const override {
    auto [R, C] = dims(sizes);
    // X and W as floats, the expected Y.
    return uint64_t(R) * C * 8 + uint64_t(C) * 4;
  }
  /// X small enough that eps matters (RowReference.h), W with unit
  /// variance.
  std::pair<double, double> inputRange(unsigned argIndex) const override {
    if (argIndex == X)
      return {kRmsNormInputLo, kRmsNormInputHi};
    return {kSoftmaxInputLo, kSoftmaxInputHi};
  }
  std::string description() const override {
    char text[96];
    std::snprintf(text, sizeof(text),
                  "every element exact (double) on the host, uploaded "
                  "(%.1f s); eps %g",
                  seconds, kRmsNormEps);
    return text;
  }

private:
  std::string name() const override { return "rmsnorm"; }
  ErrorBound bound(int64_t cols) const override {
    ErrorBound b = rmsNormErrorBound(src.args()[Y].elementType, cols);
    b.scale = options.toleranceScale;
    return b;
  }
  std::vector<float> expected(const std::vector<std::vector<float>> &in,
                              int64_t rows, int64_t cols) const override {
    const std::vector<float> &xv = in[X], &wv = in[W];
    std::vector<float> y(size_t(rows) * cols);
    for (int64_t r = 0; r < rows; ++r) {
      const float *row = &xv[size_t(r) * cols];
      double squares = 0;
      for (int64_t j = 0; j < cols; ++j)
        squares += double(row[j]) * row[j];
      double rstd = 1.0 / std::sqrt(squares / double(cols) + kRmsNormEps);
      for (int64_t j = 0; j < cols; ++j)
        y[size_t(r) * cols + j] =
            static_cast<float>(double(row[j]) * rstd * wv[j]);
    }
    return y;
  }
};

/// Y[c, r] = X[r, c]: every element must equal its source exactly (a
/// transpose rounds nothing): a zero bound.
class TransposeReference : public HostExactReference {
public:
  enum Arg { X, Y };

  TransposeReference(const KernelSource &src, const ReferenceOptions &options)
      : HostExactReference(src, options, Y) {}

  llvm::Error checkKernel() const override {
    const auto &args = src.args();
    bool ok = args.size() == 2 && isTensorOfRank(X, 2) &&
              isTensorOfRank(Y, 2) &&
              args[Y].dimNames[0] == args[X].dimNames[1] &&
              args[Y].dimNames[1] == args[X].dimNames[0] &&
              args[Y].isOutput && !args[X].isOutput &&
              args[Y].elementType == args[X].elementType;
    if (!ok)
      return makeError("reference \"transpose\" needs the arguments (X: R "
                       "x C, Y: C x R of X's element type, written by the "
                       "kernel), in that order, for Y[c, r] = X[r, c]; fix "
                       "the signature of @" +
                       src.name() + ", or its reference attribute");
    return llvm::Error::success();
  }
  double flops(const Bindings &) const override { return 0; }
  uint64_t hostBytes(const Bindings &sizes) const override {
    auto [R, C] = dims(sizes);
    return uint64_t(R) * C * 8; // X as floats, the expected Y
  }
  std::string description() const override {
    return "every element equal to its source (exact, on the host, "
           "uploaded)";
  }

private:
  std::string name() const override { return "transpose"; }
  ErrorBound bound(int64_t) const override { return ErrorBound(); } // exact
  int64_t outputCols(int64_t rows, int64_t) const override { return rows; }
  std::vector<float> expected(const std::vector<std::vector<float>> &in,
                              int64_t rows, int64_t cols) const override {
    const std::vector<float> &xv = in[X];
    std::vector<float> y(xv.size());
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        y[size_t(c) * rows + r] = xv[size_t(r) * cols + c];
    return y;
  }
};

//===----------------------------------------------------------------------===//
// --reference cpu: the same program on the host CPU
//===----------------------------------------------------------------------===//

/// The consistency bound of --reference cpu (docs/cpu.md; measured on the
/// H100, bench/RESULTS.md): |g - c| <= kProgramRtol u(out) |c| +
/// kProgramAtol u
/// rms(row of c), u the unit roundoff of the coarsest intermediate
/// rounding of the program, or kProgramArithmetic when it rounds only what
/// it stores (then the two executions differ by their fp32 arithmetic:
/// summation order, approximate exp2/rsqrt/division on the GPU).
constexpr double kProgramAtol = 4;
/// Both executions round to the output type: one unit in the last place
/// (2 u |c|) apart when they straddle a rounding boundary, with room.
constexpr double kProgramRtol = 3;
constexpr double kProgramArithmetic = 0x1p-16;

class CpuProgramReference : public Reference {
public:
  CpuProgramReference(const KernelSource &src, const ReferenceOptions &options,
                      std::unique_ptr<Reference> inner, unsigned out)
      : Reference(src), options(options), inner(std::move(inner)), out(out) {}

  std::string shapeLabel(const std::string &shapeText) const override {
    return inner ? inner->shapeLabel(shapeText) : shapeText;
  }
  llvm::Error expandShape(Bindings &sizes) const override {
    return inner ? inner->expandShape(sizes) : llvm::Error::success();
  }
  llvm::Error checkKernel() const override {
    if (inner)
      return inner->checkKernel();
    for (const KernelArgInfo &a : src.args())
      if (!a.isTensor)
        return makeError("--reference cpu: @" + src.name() +
                         " has the scalar argument " + a.name +
                         ", which only a reference tile-run knows can set; "
                         "give the kernel one (reference = \"...\")");
    return llvm::Error::success();
  }
  double flops(const Bindings &sizes) const override {
    return inner ? inner->flops(sizes) : 0;
  }
  double bytes(const Bindings &sizes) const override {
    return inner ? inner->bytes(sizes) : 0;
  }
  uint64_t deviceBytes(const Bindings &) const override { return 0; }
  uint64_t hostBytes(const Bindings &sizes) const override {
    auto tensors = HostTensors::bytes(src, sizes);
    uint64_t total = tensors ? *tensors : 0;
    // The kept inputs and the expected output in fp32: at most twice the
    // tensors again.
    return 3 * total;
  }
  void beginShape(const Bindings &sizes) override {
    shapeSizes = sizes;
    inputs.assign(src.args().size(), {});
    if (inner)
      inner->beginShape(sizes);
  }
  void endShape() override {
    inputs = {};
    expected = {};
    if (inner)
      inner->endShape();
  }
  std::pair<double, double> inputRange(unsigned argIndex) const override {
    return inner ? inner->inputRange(argIndex)
                 : std::pair<double, double>{-1.0, 1.0};
  }
  void noteInput(unsigned argIndex, const std::vector<char> &packed) override {
    inputs[argIndex] = packed;
  }
  llvm::Expected<ArgValue>
  scalarArgument(unsigned argIndex, const Bindings &sizes) const override {
    if (inner)
      return inner->scalarArgument(argIndex, sizes);
    return Reference::scalarArgument(argIndex, sizes);
  }

  llvm::Error prepare(CudaDriver &, Stream &, llvm::ArrayRef<DeviceTensor>,
                      const Bindings &sizes) override {
    auto start = std::chrono::steady_clock::now();
    // The first config that meets the constraints at this shape (the
    // default config where it does); problem sizes that size tiles come
    // from the shape.
    std::vector<Bindings> space = src.configSpace(sizes);
    Bindings config = space.empty() ? Bindings() : space.front();
    for (const std::string &sym : src.tileSizeSymbols())
      config[sym] = sizes.lookup(sym);
    auto kernel = src.compileForHost(config);
    if (!kernel)
      return withContext("--reference cpu: compiling @" + src.name() +
                             " for the host",
                         kernel.takeError());
    configUsed = (*kernel)->info().config;
    std::vector<ArgValue> scalars(src.args().size());
    for (auto [i, a] : llvm::enumerate(src.args()))
      if (!a.isTensor) {
        auto value = scalarArgument(i, sizes);
        if (!value)
          return value.takeError();
        scalars[i] = *value;
      }
    auto tensors = HostTensors::create(src, sizes, inputs, scalars, out);
    if (!tensors)
      return withContext("--reference cpu", tensors.takeError());
    if (auto err = tensors->run(**kernel, sizes, /*threads=*/0))
      return withContext("--reference cpu: running @" + src.name() +
                             " on the host",
                         std::move(err));
    std::string damage = tensors->damage(src);
    if (!damage.empty())
      return makeError("--reference cpu: the host execution of @" +
                       src.name() + " " + damage +
                       "; nothing can be verified");
    expected = tensors->outputFloats();
    runtime::OutputView view = tensors->output();
    rows = view.rows;
    cols = view.cols;
    size_t nonFinite = 0;
    for (float x : expected)
      if (!std::isfinite(x))
        ++nonFinite;
    if (nonFinite)
      return makeError("--reference cpu: the host execution of @" +
                       src.name() + " gives " + llvm::Twine(nonFinite) +
                       " non-finite element(s); nothing can be verified");
    // Each row's RMS scales its elements' tolerance: rows differ (the
    // first query rows of causal attention average few keys).
    std::vector<float> rowRms(rows);
    for (size_t r = 0; r < rows; ++r) {
      double sum = 0;
      for (size_t c = 0; c < cols; ++c)
        sum += double(expected[r * cols + c]) * expected[r * cols + c];
      rowRms[r] = static_cast<float>(std::sqrt(sum / std::max<size_t>(cols, 1)));
    }
    auto intermediate = src.coarsestIntermediateType();
    roundoff = intermediate ? unitRoundoff(*intermediate) : kProgramArithmetic;
    bound = ErrorBound();
    bound.rtol = kProgramRtol * unitRoundoff(view.type);
    bound.atol = kProgramAtol * roundoff;
    bound.rowScale = std::move(rowRms);
    bound.floor = 1e-30;
    bound.scale = options.toleranceScale;
    seconds = secondsSince(start);
    inputs = {};
    return llvm::Error::success();
  }

  unsigned outputIndex() const override { return out; }

  llvm::Expected<Verdict> verify(const DeviceTensor &output,
                                 Stream &) override {
    std::vector<size_t> all(rows);
    for (size_t r = 0; r < rows; ++r)
      all[r] = r;
    auto packed = output.downloadRows(all);
    if (!packed)
      return packed.takeError();
    runtime::OutputView view;
    view.data = packed->data();
    view.type = output.type;
    view.rows = rows;
    view.cols = cols;
    view.pitch = cols;
    Verdict verdict;
    verdict.full = checkOutput(view, expected.data(), bound);
    return verdict;
  }

  llvm::Expected<HostExpected>
  expectOnHost(llvm::ArrayRef<std::vector<char>>,
               const Bindings &) const override {
    return makeError("--reference cpu checks GPU runs; on the CPU, the "
                     "kernel's own reference checks it");
  }

  std::string where(size_t row, size_t col) const override {
    if (inner)
      return inner->where(row, col);
    return llvm::formatv("{0}[{1}, {2}]", src.args()[out].name, row, col)
        .str();
  }

  std::string description() const override {
    std::string config;
    for (const auto &entry : configUsed)
      config += (config.empty() ? "" : ",") + entry.getKey().str() + "=" +
                std::to_string(entry.getValue());
    return llvm::formatv("every element against the same program run on the "
                         "host CPU ({0}; {1:F1} s), consistency bound {2:E1} "
                         "|c| + {3:E1} rms(row of c) ({4} x u = {5:E1})",
                         config, seconds, bound.rtol, bound.atol,
                         kProgramAtol, roundoff)
        .str();
  }

private:
  ReferenceOptions options;
  std::unique_ptr<Reference> inner;
  unsigned out;
  Bindings shapeSizes, configUsed;
  std::vector<std::vector<char>> inputs;
  std::vector<float> expected;
  size_t rows = 0, cols = 0;
  double roundoff = 0, seconds = 0;
  ErrorBound bound;
};

} // namespace

llvm::Expected<std::unique_ptr<Reference>>
tile::makeReference(const KernelSource &src, const ReferenceOptions &options) {
  const std::string &name = src.reference();
  bool attention = name == "attention";
  auto notTaken = [&](llvm::StringRef flag,
                      llvm::StringRef kind = "attention") {
    std::string has =
        name.empty() ? "has no reference" : "has reference = \"" + name + "\"";
    return makeError(flag + ": only " + kind + " kernels (reference = \"" +
                     kind + "\") take it, and @" + src.name() + " " + has +
                     "; drop " + flag);
  };
  if ((options.scaleA || options.scaleB) &&
      !(name == "gemm" && src.args().size() == 5))
    return makeError("--scale-a/--scale-b: only GEMM kernels with scale_a and "
                     "scale_b arguments (reference = \"gemm\", e.g. "
                     "kernels/fp8_gemm.mlir) take them; @" +
                     src.name() + " has none");
  for (std::optional<float> s : {options.scaleA, options.scaleB})
    if (s && !std::isfinite(*s))
      return makeError("--scale-a/--scale-b must be finite numbers");
  if (options.causal && !attention)
    return notTaken("--causal");
  if ((options.descaleQ || options.descaleK || options.descaleV) &&
      !(attention && src.args().size() == 9))
    return makeError("--descale-q/-k/-v: only attention kernels with "
                     "descale_q, descale_k and descale_v arguments (e.g. "
                     "kernels/fp8_attention.mlir) take them; @" +
                     src.name() + " has none");
  // The kernels take the row maximum of the raw scores, which is exact only
  // for a positive score scale.
  for (std::optional<float> d :
       {options.descaleQ, options.descaleK, options.descaleV})
    if (d && !(std::isfinite(*d) && *d > 0))
      return makeError("--descale-q/-k/-v must be positive finite numbers, "
                       "e.g. --descale-q=0.5");
  if (options.scale && !attention)
    return notTaken("--scale");
  // kernels/attention.mlir takes the row maximum before scaling, which is
  // exact only for a positive scale (as softmax scales are).
  if (options.scale && !(std::isfinite(*options.scale) && *options.scale > 0))
    return makeError("--scale: the scale must be a positive finite number, "
                     "e.g. --scale=0.125");
  if (options.eps && name != "layernorm")
    return notTaken("--eps", "layernorm");
  if (options.eps && !(std::isfinite(*options.eps) && *options.eps > 0))
    return makeError("--eps: eps must be a positive finite number, e.g. "
                     "--eps=1e-6");
  if (name == "gemm")
    return std::make_unique<GemmReference>(src, options);
  if (GemmEpilogue::isEpilogueReference(name)) {
    auto epilogue = GemmEpilogue::parse(name);
    if (!epilogue)
      return makeError("@" + src.name() + ": " +
                       llvm::toString(epilogue.takeError()));
    auto reference =
        std::make_unique<GemmReference>(src, options, std::move(*epilogue));
    // Checked before anything is compiled (--compile-only too): the
    // reference string and the signature must agree.
    if (auto err = reference->checkKernel())
      return std::move(err);
    return reference;
  }
  if (attention)
    return std::make_unique<AttentionReferenceImpl>(src, options);
  if (name == "softmax")
    return std::make_unique<SoftmaxReference>(src, options);
  if (name == "layernorm")
    return std::make_unique<LayerNormReference>(src, options);
  if (name == "rmsnorm")
    return std::make_unique<RmsNormReference>(src, options);
  if (name == "transpose")
    return std::make_unique<TransposeReference>(src, options);
  return nullptr;
}

llvm::Expected<std::unique_ptr<Reference>>
tile::makeCpuProgramReference(const KernelSource &src,
                              const ReferenceOptions &options,
                              std::unique_ptr<Reference> inner) {
  unsigned out = 0, outputs = 0;
  for (auto [i, a] : llvm::enumerate(src.args()))
    if (a.isTensor && a.isOutput) {
      out = i;
      ++outputs;
    }
  if (outputs != 1)
    return makeError("--reference cpu: @" + src.name() + " writes " +
                     llvm::Twine(outputs) +
                     " tensors; the CPU reference checks kernels with one "
                     "output");
  // fp8 tensor-core products accumulate with about 2^-13 precision, an
  // error that grows with K relative to the result (docs/verification.md);
  // the consistency bound knows no K, so it would pass or fail on the size
  // alone.
  if (src.hasFloat8Dot())
    return makeError("--reference cpu: @" + src.name() +
                     " multiplies fp8 tiles, which the tensor cores "
                     "accumulate with about 2^-13 precision, an error that "
                     "grows with K and that the CPU reference's consistency "
                     "bound does not model; check it against its own "
                     "reference (drop --reference cpu)");
  if (inner && inner->outputIndex() != out)
    return makeError("--reference cpu: internal error: the output is not "
                     "the reference's");
  return std::make_unique<CpuProgramReference>(src, options, std::move(inner),
                                               out);
}
