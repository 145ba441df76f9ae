//===- lowering-fuzzer.cpp - libFuzzer target: specialize and lower -------===//
//
// What `tile-opt file.mlir --pass-pipeline='builtin.module(tile.kernel(
// tile-specialize),convert-tile-to-nvgpu)'` does: parse and verify as
// tile-opt does, bind each kernel's default configuration (no config
// string: every parameter takes its first candidate) and lower to the
// gpu/nvgpu dialects, with MLIR's verifier after each pass; then the same
// specialized kernel the op-level way (tile-assign-layouts{op-level-dots},
// tile-pipeline-loads, convert-tile-to-nvgpu). The NVVM/PTX
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
  // a pass that rejects its input.
  mlir::PassManager specialize(&session.context);
  specialize.enableVerifier(false);
  specialize.addNestedPass<mlir::tile::KernelOp>(
      mlir::tile::createTileSpecialize());
  if (mlir::failed(specialize.run(*module)))
    return 0;
  if (mlir::failed(mlir::verify(*module)))
    __builtin_trap(); // tile-specialize succeeded and left invalid IR

  // The same kernel a second way, as `tile-run --op-level-dots` compiles
  // it: layouts with dots staged in shared memory, loads piped through
  // rings, then the lowering.
  mlir::OwningOpRef<mlir::ModuleOp> opLevel = module->clone();

  mlir::PassManager lower(&session.context);
  lower.enableVerifier(false);
  lower.addPass(mlir::tile::createConvertTileToNVGPU());
  if (mlir::succeeded(lower.run(*module)) &&
      mlir::failed(mlir::verify(*module)))
    __builtin_trap(); // convert-tile-to-nvgpu succeeded and left invalid IR

  mlir::tile::TileAssignLayoutsOptions assign;
  assign.opLevelDots = true;
  mlir::PassManager layouts(&session.context);
  layouts.enableVerifier(false);
  layouts.addNestedPass<mlir::tile::KernelOp>(
      mlir::tile::createTileAssignLayouts(assign));
  if (mlir::failed(layouts.run(*opLevel)))
    return 0;
  if (mlir::failed(mlir::verify(*opLevel)))
    __builtin_trap(); // tile-assign-layouts succeeded and left invalid IR
  mlir::PassManager pipeline(&session.context);
  pipeline.enableVerifier(false);
  pipeline.addNestedPass<mlir::tile::KernelOp>(
      mlir::tile::createTilePipelineLoads());
  if (mlir::failed(pipeline.run(*opLevel)))
    return 0;
  if (mlir::failed(mlir::verify(*opLevel)))
    __builtin_trap(); // tile-pipeline-loads succeeded and left invalid IR
  mlir::PassManager lowerOpLevel(&session.context);
  lowerOpLevel.enableVerifier(false);
  lowerOpLevel.addPass(mlir::tile::createConvertTileToNVGPU());
  if (mlir::succeeded(lowerOpLevel.run(*opLevel)) &&
      mlir::failed(mlir::verify(*opLevel)))
    __builtin_trap(); // convert-tile-to-nvgpu succeeded and left invalid IR
  return 0;
}
