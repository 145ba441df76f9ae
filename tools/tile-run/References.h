//===- References.h - what tile-run checks a kernel against -----*- C++ -*-===//
//
// A kernel names its reference with `reference = "..."`; tile-run verifies
// every config against it before timing. A Reference sets up the inputs (the
// range of the random data, the scalar arguments), computes the expected
// result once per shape, checks each config's output, counts the flops and
// optionally times an in-process peer (cuBLAS for "gemm").
//
//   "gemm":      C = A x B (B as K x N or N x K) with cuBLAS, compared in
//                full; cuBLAS is timed as the peer.
//   "attention": O = softmax(scale * Q K^T [causal]) V, exact on the host
//                CPU for a sample of (batch, head) pairs and query rows (see
//                tile/Runtime/AttentionReference.h); every element of O must
//                be finite. No peer.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_TOOLS_TILE_RUN_REFERENCES_H
#define TILE_TOOLS_TILE_RUN_REFERENCES_H

#include "DeviceTensor.h"

#include "tile/Compiler/Compiler.h"
#include "tile/Runtime/HostData.h"
#include "tile/Runtime/Timer.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace tile {

/// Command-line choices that only some references take.
struct ReferenceOptions {
  bool causal = false;        // --causal
  std::optional<float> scale; // --scale
  uint64_t seed = 1;          // --seed: also picks the sampled rows
};

class Reference {
public:
  virtual ~Reference() = default;

  /// The shape as printed and as keyed in --cache and --json: the user's
  /// text plus whatever else changes the problem (",causal").
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

  /// Starts a shape (before its tensors are allocated).
  virtual void beginShape(const Bindings &sizes) {}
  /// Ends it: frees what the expected result held (device memory included).
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
  /// Computes the expected result once the inputs are on the device. Errors
  /// carry their context ("cuBLAS reference GEMM: ...").
  virtual llvm::Error prepare(runtime::CudaDriver &drv, runtime::Stream &stream,
                              llvm::ArrayRef<DeviceTensor> tensors,
                              const Bindings &sizes) = 0;
  /// The output tensor that is poisoned before each check.
  virtual unsigned outputIndex() const = 0;
  /// Compares the kernel's output (read from the device) with the expected
  /// result: relativeError and the non-finite counts are what matter.
  virtual llvm::Expected<runtime::CompareResult>
  verify(const DeviceTensor &output) = 0;

  /// The peer timed next to the kernel ("cuBLAS"), or "" for none.
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
/// GEMM).
llvm::Expected<std::unique_ptr<Reference>>
makeReference(const KernelSource &src, const ReferenceOptions &options);

} // namespace tile

#endif // TILE_TOOLS_TILE_RUN_REFERENCES_H
