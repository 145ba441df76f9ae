// RUN: tile-opt %s --pass-pipeline='builtin.module(tile-to-cpu)' | FileCheck %s --implicit-check-not=tile. --implicit-check-not=linalg. --implicit-check-not=tensor. --implicit-check-not=memref. --implicit-check-not=scf. --implicit-check-not=bufferization.
// The pipeline takes every kernel of kernels/ to the LLVM dialect.
// RUN: tile-opt %tile_src/kernels/gemm.mlir --pass-pipeline='builtin.module(tile-to-cpu)' | FileCheck %s --check-prefix=LLVM --implicit-check-not=tile. --implicit-check-not=linalg. --implicit-check-not=tensor. --implicit-check-not=memref. --implicit-check-not=scf. --implicit-check-not=bufferization.
// RUN: tile-opt %tile_src/kernels/attention.mlir --pass-pipeline='builtin.module(tile-to-cpu{config=D=64})' | FileCheck %s --check-prefix=LLVM --implicit-check-not=tile. --implicit-check-not=linalg. --implicit-check-not=tensor. --implicit-check-not=memref. --implicit-check-not=scf. --implicit-check-not=bufferization.
// RUN: tile-opt %tile_src/kernels/fp8_attention.mlir --pass-pipeline='builtin.module(tile-to-cpu{config=D=128})' | FileCheck %s --check-prefix=LLVM --implicit-check-not=tile. --implicit-check-not=linalg. --implicit-check-not=tensor. --implicit-check-not=memref. --implicit-check-not=scf. --implicit-check-not=bufferization.
// RUN: tile-opt %tile_src/kernels/gemm_epilogue.mlir --pass-pipeline='builtin.module(tile-to-cpu)' | FileCheck %s --check-prefix=LLVM --implicit-check-not=tile. --implicit-check-not=linalg. --implicit-check-not=tensor. --implicit-check-not=memref. --implicit-check-not=scf. --implicit-check-not=bufferization.
// RUN: tile-opt %tile_src/kernels/layernorm_chunked.mlir --pass-pipeline='builtin.module(tile-to-cpu)' | FileCheck %s --check-prefix=LLVM --implicit-check-not=tile. --implicit-check-not=linalg. --implicit-check-not=tensor. --implicit-check-not=memref. --implicit-check-not=scf. --implicit-check-not=bufferization.
// LLVM: llvm.func

// An fp8 tile scaled and rounded back: the conversions call the runtime,
// the buffers are freed, and only the LLVM dialect is left.

tile.kernel @scale(%X: memref<?xf8E4M3FN> {tile.shape = #tile.shape<N>},
                   %Y: memref<?xf8E4M3FN> {tile.shape = #tile.shape<N>},
                   %s: f32)
    attributes {params = [#tile.param<"BLOCK", [64]>],
                grid = [#tile.expr<"cdiv(N, BLOCK)">]} {
  %pid = tile.program_id x
  %b = tile.param "BLOCK"
  %i = arith.muli %pid, %b : index
  %x = tile.load %X[%i] : memref<?xf8E4M3FN> -> tensor<?xf8E4M3FN, #tile.shape<BLOCK>>
  %w = arith.extf %x : tensor<?xf8E4M3FN, #tile.shape<BLOCK>> to tensor<?xf32, #tile.shape<BLOCK>>
  %st = tile.splat %s : tensor<?xf32, #tile.shape<BLOCK>>
  %y = arith.mulf %w, %st : tensor<?xf32, #tile.shape<BLOCK>>
  %n = arith.truncf %y : tensor<?xf32, #tile.shape<BLOCK>> to tensor<?xf8E4M3FN, #tile.shape<BLOCK>>
  tile.store %n, %Y[%i] : tensor<?xf8E4M3FN, #tile.shape<BLOCK>> -> memref<?xf8E4M3FN>
  tile.return
}

// CHECK-DAG: llvm.func @tile_host_f8e4m3_to_f32(i8) -> f32
// CHECK-DAG: llvm.func @tile_host_f32_to_f8e4m3(f32) -> i8
// CHECK-DAG: llvm.func @malloc(i64) -> !llvm.ptr
// CHECK-DAG: llvm.func @free(!llvm.ptr)
// CHECK-LABEL: llvm.func @scale_program(
// CHECK: llvm.call @malloc
// CHECK: llvm.call @tile_host_f8e4m3_to_f32
// CHECK: llvm.fmul
// CHECK: llvm.call @tile_host_f32_to_f8e4m3
// CHECK: llvm.call @free
// The grid function: memref descriptors expanded, then the grid and the
// range of programs.
// CHECK-LABEL: llvm.func @scale(
// CHECK-SAME: %{{.*}}: f32, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64, %{{.*}}: i64)
// CHECK: llvm.call @scale_program
