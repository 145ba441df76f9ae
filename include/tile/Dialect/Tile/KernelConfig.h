//===- KernelConfig.h - a specialized kernel's config as bindings -*- C++ -*-===//

#ifndef TILE_DIALECT_TILE_KERNELCONFIG_H
#define TILE_DIALECT_TILE_KERNELCONFIG_H

#include "tile/Dialect/Tile/TileOps.h"
#include "tile/Support/SymbolicExpr.h"

namespace mlir::tile {

/// The parameter values `kernel` was specialized with (its `config`
/// attribute), as bindings for its expressions (num_warps, num_stages,
/// ...); empty before tile-specialize.
::tile::Bindings configBindings(KernelOp kernel);

/// Evaluates a kernel-level expression (num_warps, num_stages, ...) under
/// `config`, or returns `fallback` when the kernel has none; an error
/// (at the kernel, naming `what`) when it does not evaluate.
FailureOr<int64_t> evalKernelExpr(KernelOp kernel, ExprAttr expr,
                                  const ::tile::Bindings &config,
                                  int64_t fallback, StringRef what);

} // namespace mlir::tile

#endif // TILE_DIALECT_TILE_KERNELCONFIG_H
