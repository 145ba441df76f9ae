//===- lowering-fuzzer.cpp - libFuzzer target: specialize and lower -------===//
//
// What `tile-opt file.mlir --pass-pipeline='builtin.module(tile.kernel(
// tile-specialize),convert-tile-to-nvgpu)'` does: parse and verify as
// tile-opt does, bind each kernel's default configuration (no config
// string: every parameter takes its first candidate) and lower to the
// gpu/nvgpu dialects, with MLIR's verifier after each pass; then the same
// specialized kernel as tile-run compiles it (tile-assign-layouts,
// tile-skip-full-masks, tile-pipeline-loads, tile-invariant-divisions,
// convert-tile-to-nvgpu). The NVVM/PTX
// half of the pipeline is upstream code and is left out.
//
// A kernel the passes reject is fine (a diagnostic, swallowed here); a
// crash, an assertion, a sanitizer report or a hang in tile-specialize or
// convert-tile-to-nvgpu is what this target looks for, and so is a pass
// that succeeds but leaves IR that does not verify (tile-opt would report
// that as an error after the pass: a bug of the pass, not of the input).
// Its seeds are the kernels and the kernels of the tests
// (fuzz/make-corpus.sh): mutations of valid kernels reach deep into the
// lowering.
//
//===----------------------------------------------------------------------===//

#include "FuzzMLIR.h"

#include "tile/Conversion/Passes.h"
#include "tile/Dialect/Tile/TileOps.h"
#include "tile/Transforms/Passes.h"

#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  // Without a kernel there is nothing to lower; the dialect fuzzer covers
  // such text.
  if (!text.contains("tile.kernel"))
    return 0;
  tile::fuzz::Session session;
  auto module = session.parse(text);
  if (!module)
    return 0;

  // One pass at a time, each verified here rather than by the pass
  // manager, so that invalid IR after a successful pass is told apart from
  // a pass that rejects its input. False when the pass rejected it.
  auto runVerified = [&](mlir::ModuleOp m, auto addPass) {
    mlir::PassManager pm(&session.context);
    pm.enableVerifier(false);
    addPass(pm);
    if (mlir::failed(pm.run(m)))
      return false;
    if (mlir::failed(mlir::verify(m)))
      __builtin_trap(); // the pass succeeded and left invalid IR
    return true;
  };
  auto onKernels = [](auto create) {
    return [create](mlir::PassManager &pm) {
      pm.addNestedPass<mlir::tile::KernelOp>(create());
    };
  };
  auto lower = [](mlir::PassManager &pm) {
    pm.addPass(mlir::tile::createConvertTileToNVGPU());
  };
  if (!runVerified(*module, onKernels([] {
        return mlir::tile::createTileSpecialize();
      })))
    return 0;
  // The same kernel a second way, as tile-run compiles it: layouts with
  // dots staged in shared memory, index masks checked a block at a time,
  // loads piped through rings, divisions by loop invariants multiplied,
  // then the lowering.
  mlir::OwningOpRef<mlir::ModuleOp> opLevel = module->clone();
  runVerified(*module, lower);
  if (!runVerified(*opLevel, onKernels([] {
        return mlir::tile::createTileAssignLayouts();
      })) ||
      !runVerified(*opLevel, onKernels([] {
        return mlir::tile::createTileSkipFullMasks();
      })) ||
      !runVerified(*opLevel, onKernels([] {
        return mlir::tile::createTilePipelineLoads();
      })) ||
      !runVerified(*opLevel, onKernels([] {
        return mlir::tile::createTileInvariantDivisions();
      })))
    return 0;
  runVerified(*opLevel, lower);
  return 0;
}
