//===- Passes.h - tile transformation passes --------------------*- C++ -*-===//
#ifndef TILE_TRANSFORMS_PASSES_H
#define TILE_TRANSFORMS_PASSES_H

#include "tile/Dialect/Tile/TileOps.h"
#include "tile/Support/SymbolicExpr.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tile {

/// Binds `config` to `kernel` in place (the work of -tile-specialize).
/// Diagnostics go to the kernel's context; on failure the kernel may be
/// partly rewritten and should be discarded.
LogicalResult specializeKernel(KernelOp kernel, const ::tile::Bindings &config);

#define GEN_PASS_DECL
#include "tile/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tile/Transforms/Passes.h.inc"

} // namespace mlir::tile

#endif // TILE_TRANSFORMS_PASSES_H
