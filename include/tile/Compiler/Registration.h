//===- Registration.h - dialects, passes and pipelines of tile --*- C++ -*-===//
#ifndef TILE_COMPILER_REGISTRATION_H
#define TILE_COMPILER_REGISTRATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace tile {

/// The tile dialect, the upstream dialects the pipeline passes through, their
/// LLVM conversion interfaces and the NVVM target (PTX serialization).
void registerDialects(mlir::DialectRegistry &registry);

/// tile's passes, the upstream passes tile-opt exposes, and the named
/// pipeline `tile-to-ptx`.
void registerPassesAndPipelines();

/// Initialises the NVPTX backend (and only it) once.
void initializeNVPTXTarget();

} // namespace tile

#endif // TILE_COMPILER_REGISTRATION_H
