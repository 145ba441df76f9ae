//===- Target.h - the GPU a lowering compiles for ---------------*- C++ -*-===//
//
// convert-tile-to-nvgpu{chip, features} names the target; each lowering
// lists the instructions it emits (TargetFeature) and the pass refuses, with
// a located diagnostic, a kernel whose lowering needs what the chip or the
// PTX version lacks, instead of leaving the failure to ptxas or the driver.
//
//===----------------------------------------------------------------------===//
#ifndef TILE_CONVERSION_TARGET_H
#define TILE_CONVERSION_TARGET_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir::tile {

/// A chip such as sm_90a and a PTX ISA version (features "+ptx80").
struct GpuTarget {
  std::string chip;
  int sm = 0;                // 90 for sm_90a
  bool archSpecific = false; // the "a" of sm_90a
  int ptx = 0;               // 80 for +ptx80

  /// Parses `chip` (sm_<major><minor>[a]) and `features` (+ptx<NN>, other
  /// comma-separated features are passed on unchecked); the error says
  /// what was expected.
  static FailureOr<GpuTarget> parse(StringRef chip, StringRef features,
                                    function_ref<InFlightDiagnostic()> emitError);
};

/// An instruction family a lowering emits and the least target that has it.
struct TargetFeature {
  StringRef name; // e.g. "wgmma"
  int minSm;
  bool needsArchSpecific; // only on sm_XYa (wgmma, setmaxnreg)
  int maxSm;              // the last major version that has it (wgmma: 90)
  int minPtx;
};

/// What the sm_90a lowerings (GEMM and attention) emit.
ArrayRef<TargetFeature> hopperLoweringFeatures();

/// Fails with a diagnostic at `where` naming every feature of `uses` that
/// `target` lacks and what to do.
LogicalResult checkTarget(Operation *where, const GpuTarget &target,
                          ArrayRef<TargetFeature> uses, StringRef lowering);

} // namespace mlir::tile

#endif // TILE_CONVERSION_TARGET_H
