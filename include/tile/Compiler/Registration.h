//===- Registration.h - dialects, passes and pipelines of tile --*- C++ -*-===//
#ifndef TILE_COMPILER_REGISTRATION_H
#define TILE_COMPILER_REGISTRATION_H

#include <string>

namespace mlir {
class DialectRegistry;
class OpPassManager;
} // namespace mlir

namespace tile {

/// The tile dialect, the upstream dialects the pipeline passes through, their
/// LLVM conversion interfaces and the NVVM target (PTX serialization).
void registerDialects(mlir::DialectRegistry &registry);

/// tile's passes, the upstream passes tile-opt exposes, and the named
/// pipelines `tile-to-ptx` and `tile-to-cpu`.
void registerPassesAndPipelines();

/// The CPU path after tile-specialize (docs/cpu.md): tile-invariant-divisions
/// (with `testMutation`, its planted bug), convert-tile-to-linalg,
/// elementwise ops to linalg and fused, one-shot bufferization with
/// deallocation, loops, the host's float conversions, and the LLVM dialect.
void buildCpuPipeline(mlir::OpPassManager &pm,
                      const std::string &testMutation = "");
/// Initialises the NVPTX backend (and only it) once.
void initializeNVPTXTarget();

} // namespace tile

#endif // TILE_COMPILER_REGISTRATION_H
