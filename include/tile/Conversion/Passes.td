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
           "checks and writes whole vectors and rows past the tensor's end; "
           "convert-as-identity: tile.convert_layout keeps each thread's "
           "elements where they are (as if the layouts were one); "
           "reduce-in-thread: tile.reduce combines each thread's own "
           "elements only (no shuffles, nothing across warps)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect", "::mlir::nvgpu::NVGPUDialect",
    "::mlir::NVVM::NVVMDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def ConvertTileToLinalg : Pass<"convert-tile-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lowers specialized tile kernels to host functions on tensors (linalg)";
  let description = [{
    The portable path (docs/cpu.md): each specialized `tile.kernel @k`
    becomes two functions of the module:

    - `func.func private @k.program(args..., pid_x, pid_y, pid_z, num_x,
      num_y, num_z)`: one program of the launch grid, its tiles as tensors;
    - `func.func @k(args..., num_x, num_y, num_z, first, last)`: runs the
      programs `first` .. `last - 1` of the grid (x fastest), so that a
      caller can split the grid between threads.

    The ops: `tile.program_id`/`tile.num_programs` become the program
    function's arguments, `tile.dim` a `memref.dim` (sizes bound at
    specialization are constants already), `tile.splat` a `linalg.fill`,
    `tile.iota` a `linalg.generic` of `linalg.index`, `tile.dot` a
    `linalg.generic` contraction (operands extended to the accumulator's
    type, the transpose in its indexing map), `tile.reduce` a `linalg.reduce`
    from the kind's identity, `tile.broadcast` a `linalg.broadcast`,
    `tile.load` a `memref.subview` of the in-bounds part padded with zeros
    (`tensor.pad`), `tile.store` the in-bounds part of the tile
    (`tensor.extract_slice`) materialized in a `memref.subview`; boxes whose
    leading (dropped) coordinates are out of bounds read zeros and write
    nothing. Elementwise `arith`/`math` ops on tiles stay as they are:
    `convert-elementwise-to-linalg` takes them next (pipeline `tile-to-cpu`).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def ExpandHostFloatConversions : Pass<"tile-expand-host-float-conversions",
                                      "::mlir::ModuleOp"> {
  let summary = "Float conversions the host cannot do natively become calls";
  let description = [{
    For the CPU path: LLVM has no fp8 types and x86 no f16 arithmetic, so
    scalar `arith.extf`/`arith.truncf` from or to f16, f8E4M3FN and f8E5M2
    become calls of the runtime's conversion functions on the bits
    (`tile_host_<type>_to_f32(iN) -> f32`, `tile_host_f32_to_<type>(f32) ->
    iN`), which round as the GPU does (to nearest even; fp8 saturating to the
    largest finite value, as `cvt.rn.satfinite`). Conversions through f32
    are split (`f16 -> f8` goes `f16 -> f32 -> f8`). bf16 is left to
    upstream's `arith-expand{include-bf16}`. The JIT binds the functions
    (tile/Compiler/CpuKernel.h).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect"];
}

#endif // TILE_CONVERSION_PASSES_TD
