//===- References.h - what tile-run checks a kernel against -----*- C++ -*-===//
//
// A kernel names its reference with `reference = "..."`; tile-run verifies
// every config against it before timing. A Reference sets up the inputs (the
// range of the random data, the scalar arguments), computes the expected
// result once per shape, checks each config's output, counts the flops and
// optionally times an in-process peer (cuBLAS for "gemm").
//
// Every output element is checked against an fp32 reference computed on the
// GPU, under a per-element bound (tile/Runtime/Verify.h), and a sample of
// elements against an exact (double) reference computed on the host CPU,
// which also checks the GPU reference itself before any kernel is judged:
//
//   "gemm":      C = A x B (B as K x N or N x K), times scale_a * scale_b
//                when the kernel takes them. GPU reference: cuBLAS with
//                fp32 output for bf16/f16 operands (timed as the peer, in
//                the kernel's output type), the fp32 CUDA GEMM of
//                tile/Runtime/ReferenceKernels.h for fp8; exact: 512
//                elements on the host.
//   "gemm+STEP+STEP...": C = f(A x B ...), the steps applied in order to
//                the product: bias (+ an N-vector, one value per column),
//                residual (+ an M x N tensor), gelu (its tanh form, as
//                cuBLASLt's GELU epilogue), silu (x / (1 + exp(-x))); the
//                arguments are A, B, one per bias or residual step in step
//                order, C (tile/Runtime/GemmEpilogue.h). GPU reference:
//                "gemm"'s product, then the epilogue in double on the GPU
//                (tile/Runtime/ReferenceKernels.h); exact: the same 512
//                elements with the epilogue in double. Peer: cuBLAS's plain
//                GEMM, without the epilogue. The bound is the GEMM's
//                propagated through the epilogue (gemmEpilogueErrorBound).
//   "attention": O = softmax(scale * Q K^T [causal]) V. GPU reference: the
//                fp32 kernel of tile/Runtime/ReferenceKernels.h; exact: the
//                rows of tile/Runtime/AttentionReference.h. No peer.
//   "softmax":   Y[r, :] = softmax(X[r, :]), X and Y R x C.
//   "layernorm": Y[r, :] = (X[r, :] - mean) / sqrt(var + eps) * W + B (the
//                row's mean and biased variance, as torch's layer_norm; W
//                and B of C elements; eps from --eps, 1e-5 by default).
//                Both: GPU reference: the row kernels of
//                tile/Runtime/ReferenceKernels.h (double sums, fp32 out);
//                exact: up to 64 rows by tile/Runtime/RowReference.h. No
//                peer; memory-bound, so bytes() is set and tile-run reports
//                GB/s (X read and Y written once) instead of TFLOP/s.
//   "rmsnorm":   Y[r, :] = X[r, :] / sqrt(mean(X[r, :]^2) + 1e-6) * W (X, W,
//                Y). Every element exact (double) on the host, uploaded and
//                checked on the device; GB/s as for layernorm.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_TOOLS_TILE_RUN_REFERENCES_H
#define TILE_TOOLS_TILE_RUN_REFERENCES_H

#include "DeviceTensor.h"

#include "tile/Compiler/Compiler.h"
#include "tile/Runtime/HostData.h"
#include "tile/Runtime/Timer.h"
#include "tile/Runtime/Verify.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace tile {

/// Command-line choices that only some references take.
struct ReferenceOptions {
  bool causal = false;        // --causal
  std::optional<float> scale; // --scale
  uint64_t seed = 1;          // --seed: also picks the sampled elements
  double toleranceScale = 1;  // --tolerance: multiplies every bound
  std::optional<float> scaleA, scaleB; // --scale-a, --scale-b (GEMM)
  /// --descale-q, --descale-k, --descale-v (attention with descale args).
  std::optional<float> descaleQ, descaleK, descaleV;
  std::optional<float> eps; // --eps (layernorm)
};

/// What one check of a kernel's output found.
struct Verdict {
  runtime::CheckResult full;   // every element against the GPU reference
  runtime::CheckResult sample; // a sample against the exact host reference
  bool ok() const { return full.ok() && sample.ok(); }
};

class Reference {
public:
  virtual ~Reference() = default;

  /// The shape as printed and as keyed in the tuning cache and --json: the
  /// user's text plus whatever else changes the problem (",causal").
  virtual std::string shapeLabel(const std::string &shapeText) const {
    return shapeText;
  }
  /// Replaces shorthands in --shape by the kernel's problem sizes
  /// (attention's S=<n> for S_Q and S_KV).
  virtual llvm::Error expandShape(Bindings &sizes) const {
    return llvm::Error::success();
  }
  /// Checks that the kernel's arguments are what this reference computes.
  virtual llvm::Error checkKernel() const = 0;
  /// Floating-point operations of one run.
  virtual double flops(const Bindings &sizes) const = 0;
  /// Bytes a run must move to or from device memory at least, for kernels
  /// whose speed is their bandwidth: when not 0, tile-run reports GB/s
  /// instead of TFLOP/s (and `gbps` in --json).
  virtual double bytes(const Bindings &sizes) const { return 0; }
  /// Bytes of device memory the reference needs beyond the kernel's
  /// tensors, and of host memory it keeps (for the size check before
  /// anything is allocated).
  virtual uint64_t deviceBytes(const Bindings &sizes) const = 0;
  virtual uint64_t hostBytes(const Bindings &sizes) const = 0;

  /// Starts a shape (before its tensors are allocated).
  virtual void beginShape(const Bindings &sizes) {}
  /// Ends it: frees what the expected result held.
  virtual void endShape() {}
  /// The range of the random values of input tensor `argIndex`.
  virtual std::pair<double, double> inputRange(unsigned argIndex) const {
    return {-1.0, 1.0};
  }
  /// Sees the packed host data of input tensor `argIndex` once, before it
  /// is uploaded and freed.
  virtual void noteInput(unsigned argIndex, const std::vector<char> &packed) {}
  /// The value of scalar argument `argIndex`.
  virtual llvm::Expected<runtime::ArgValue>
  scalarArgument(unsigned argIndex, const Bindings &sizes) const;
  /// Computes the expected result once the inputs are on the device and
  /// checks it: an error when it is not finite or disagrees with the exact
  /// host reference (then nothing can be verified). Errors carry their
  /// context ("cuBLAS reference GEMM: ...").
  virtual llvm::Error prepare(runtime::CudaDriver &drv, runtime::Stream &stream,
                              llvm::ArrayRef<DeviceTensor> tensors,
                              const Bindings &sizes) = 0;
  /// The output tensor that is poisoned before each check.
  virtual unsigned outputIndex() const = 0;
  /// Checks the kernel's output on the device (its rows x cols view: the
  /// innermost dimension against all the others), and its sample on the
  /// host.
  virtual llvm::Expected<Verdict> verify(const DeviceTensor &output,
                                         runtime::Stream &stream) = 0;
  /// Names element (row, col) of that view, e.g. "C[3, 7]" or
  /// "O[0, 5, 100, 3]".
  virtual std::string where(size_t row, size_t col) const = 0;

  /// The CPU target (tile-run --target cpu): every element of the output
  /// computed exactly (in double, rounded to fp32) on the host from the
  /// packed inputs (`inputs[i]`, row-major, for each input tensor i; empty
  /// for the output and the scalars), with its bound and the tiles of the
  /// outlier check. The same bounds as on the GPU: they cover the CPU's
  /// fp32 arithmetic, which rounds to nearest (the tensor cores truncate).
  struct HostExpected {
    std::vector<float> values; // rows x cols, as where() numbers them
    runtime::ErrorBound bound;
    runtime::CheckOptions check;
  };
  virtual llvm::Expected<HostExpected>
  expectOnHost(llvm::ArrayRef<std::vector<char>> inputs,
               const Bindings &sizes) const = 0;

  /// The peer timed next to the kernel ("cuBLAS", "cuBLASLt"), or "" for
  /// none; known once prepare() ran.
  virtual std::string peerName() const { return ""; }
  /// Times the peer (only called when peerName() is not empty).
  virtual llvm::Expected<runtime::TimingResult> timePeer(runtime::Timer &timer);
  /// What the outputs were checked against, for the summary line.
  virtual std::string description() const = 0;

protected:
  explicit Reference(const KernelSource &src) : src(src) {}
  const KernelSource &src;
};

/// The reference the kernel's `reference` attribute names, or nullptr when
/// tile-run knows none (the kernel can still be compiled, not run). Errors:
/// options the kernel's reference does not take (--causal, --scale on a
/// GEMM, --eps on anything but layernorm); a "gemm+..." reference with an
/// unknown step, or whose steps and the kernel's signature disagree.
llvm::Expected<std::unique_ptr<Reference>>
makeReference(const KernelSource &src, const ReferenceOptions &options);

/// --reference cpu: the kernel's own program, compiled for the host CPU
/// (its default config), run there over the same inputs, as the reference
/// of the GPU configs; `inner` is the kernel's own reference when tile-run
/// knows it (for the scalar arguments, the input ranges, the flops and the
/// element names), else null (then the kernel may have no scalars). Every
/// element is checked under a consistency bound, not a derived one: the
/// two executions round the output each (3 u(out) |c|) and may differ by
/// kProgramAtol u rms(row of c), u the coarsest intermediate rounding of
/// the program (KernelSource::coarsestIntermediateType) or 2^-16 for fp32
/// arithmetic alone (docs/cpu.md).
llvm::Expected<std::unique_ptr<Reference>>
makeCpuProgramReference(const KernelSource &src,
                        const ReferenceOptions &options,
                        std::unique_ptr<Reference> inner);

/// "over the bound" and friends for a Verdict, with element names from
/// `reference`; "" when the verdict is ok.
std::string describeFailure(const Verdict &verdict, const Reference &reference);

} // namespace tile

#endif // TILE_TOOLS_TILE_RUN_REFERENCES_H
