//===- Target.cpp - the GPU a lowering compiles for -----------------------===//

#include "tile/Conversion/Target.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::tile;

FailureOr<GpuTarget>
GpuTarget::parse(StringRef chip, StringRef features,
                 function_ref<InFlightDiagnostic()> emitError) {
  GpuTarget target;
  target.chip = chip.str();
  StringRef digits = chip;
  if (!digits.consume_front("sm_") || digits.empty()) {
    emitError() << "unknown chip '" << chip
                << "': expected sm_<major><minor>[a], e.g. sm_90a";
    return failure();
  }
  target.archSpecific = digits.consume_back("a");
  if (digits.size() < 2 || digits.getAsInteger(10, target.sm)) {
    emitError() << "unknown chip '" << chip
                << "': expected sm_<major><minor>[a], e.g. sm_90a";
    return failure();
  }
  SmallVector<StringRef> parts;
  features.split(parts, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
    StringRef version = part.trim();
    if (!version.consume_front("+ptx"))
      continue;
    if (version.getAsInteger(10, target.ptx)) {
      emitError() << "unknown PTX version in features '" << features
                  << "': expected +ptx<NN>, e.g. +ptx80";
      return failure();
    }
  }
  if (target.ptx == 0) {
    emitError() << "features '" << features
                << "' name no PTX version: add one, e.g. +ptx80";
    return failure();
  }
  return target;
}

ArrayRef<TargetFeature> mlir::tile::hopperLoweringFeatures() {
  // PTX ISA: wgmma.mma_async is sm_90a only (PTX 8.0); cp.async.bulk.tensor
  // (TMA) and mbarrier expect_tx need sm_90 and PTX 8.0. (The fp8
  // conversions, sm_89 and PTX 7.8, come with these.)
  static const TargetFeature features[] = {
      {"wgmma (warpgroup tensor-core MMA)", 90, true, 90, 80},
      {"TMA (cp.async.bulk.tensor) with mbarrier transaction counts", 90,
       false, 0, 80},
  };
  return features;
}

LogicalResult mlir::tile::checkTarget(Operation *where,
                                      const GpuTarget &target,
                                      ArrayRef<TargetFeature> uses,
                                      StringRef lowering) {
  SmallVector<std::string> missing;
  for (const TargetFeature &f : uses) {
    int major = target.sm / 10;
    bool chipHasIt = target.sm >= f.minSm &&
                     (!f.needsArchSpecific || target.archSpecific) &&
                     (f.maxSm == 0 || major <= f.maxSm / 10);
    if (!chipHasIt)
      missing.push_back((f.name + " needs sm_" + llvm::Twine(f.minSm) +
                         (f.needsArchSpecific ? "a" : "") +
                         (f.maxSm ? " exactly" : " or later"))
                            .str());
    else if (target.ptx < f.minPtx)
      missing.push_back((f.name + " needs PTX " + llvm::Twine(f.minPtx / 10) +
                         "." + llvm::Twine(f.minPtx % 10) + " (+ptx" +
                         llvm::Twine(f.minPtx) + ")")
                            .str());
  }
  if (missing.empty())
    return success();
  InFlightDiagnostic diag = where->emitOpError();
  diag << "cannot be compiled for " << target.chip << " (PTX "
       << target.ptx / 10 << "." << target.ptx % 10 << "): the " << lowering
       << " emits instructions it lacks: " << llvm::join(missing, "; ")
       << ". Compile with chip=sm_90a (tile-run: a Hopper GPU, or --chip "
          "sm_90a --compile-only); lowerings for other chips (mma.sync on "
          "sm_80, tcgen05 on sm_100a) are not implemented yet";
  return failure();
}
