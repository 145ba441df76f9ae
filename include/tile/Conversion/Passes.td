//===- Passes.td - tile conversion passes ------------------*- tablegen -*-===//
#ifndef TILE_CONVERSION_PASSES_TD
#define TILE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertTileToNVGPU : Pass<"convert-tile-to-nvgpu", "::mlir::ModuleOp"> {
  let summary = "Lowers specialized tile kernels to gpu.func with TMA and wgmma (sm_90a)";
  let description = [{
    Turns each specialized `tile.kernel` of the module into a `gpu.func` in
    the `gpu.module @tile_kernels` (target `chip`, default `sm_90a`; a
    kernel whose lowering needs instructions the chip or PTX version lacks
    is rejected with a diagnostic), built from upstream
    `gpu`, `nvgpu`, `memref`, `vector`, `scf` and `arith` ops:

    - the loop that accumulates `tile.dot`s of `tile.load`ed operands becomes
      a multi-stage pipeline: thread 0 issues TMA box loads
      (`nvgpu.tma.async.load`, zero fill out of bounds) into 128-byte-swizzled
      shared memory, completing on one "full" mbarrier per stage; each
      warpgroup waits, multiplies with `nvgpu.warpgroup.mma` (wgmma) and
      releases the stage on an "empty" mbarrier;
    - the operands' global tensors become TMA descriptor parameters, other
      tensors memref parameters, and every problem size an i64 parameter;
    - the epilogue (elementwise ops on the accumulator, then `tile.store`)
      runs on the accumulator staged through shared memory, 8 elements a
      thread at a time, with bounds checks at the edges.

    Code before the loop (program ids, offsets) is kept. The gpu.func carries
    a `tile.launch` dictionary: parameter kinds, grid, block size and dynamic
    shared memory, which the runtime uses to launch it. Kernels outside this
    shape are rejected with a diagnostic that names what is unsupported.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_90a\"",
           "The GPU to compile for (sm_<major><minor>[a]); a kernel whose "
           "lowering needs instructions the chip lacks is rejected">,
    Option<"features", "features", "std::string", /*default=*/"\"+ptx80\"",
           "Target features, with the PTX ISA version (+ptx<NN>)">,
    Option<"testMutation", "test-mutation", "std::string", /*default=*/"\"\"",
           "For testing the verifier only: plant a known bug in the "
           "generated code. store-past-end: tile.store skips its bounds "
           "checks and writes whole vectors and rows past the tensor's end">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect", "::mlir::nvgpu::NVGPUDialect",
    "::mlir::NVVM::NVVMDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // TILE_CONVERSION_PASSES_TD
