// Reductions of a GEMM's accumulator in registers (#tile.wgmma_acc): which
// lanes and warps hold the parts of one result is read off the layout's
// coordinate map, as for blocked layouts.
//
// A row reduction (Inputs/gemm-row-softmax.mlir: softmax over a 128 x 64
// accumulator, 8 warps): a row's 64 columns are held by 4 lanes (lane % 4,
// 16 columns each), so each thread combines its own elements of each of its
// 2 rows, then a butterfly over lanes xor 1 and xor 2; no warp holds part
// of another's rows, so no shared memory.
// RUN: tile-opt %S/Inputs/gemm-row-softmax.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=E=64,BLOCK_M=128,WARPS=8,STAGES=4},tile-assign-layouts))' | FileCheck %s --check-prefix=LAYOUTS
// RUN: tile-opt %S/Inputs/gemm-row-softmax.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=E=64,BLOCK_M=128,WARPS=8,STAGES=4},tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s --check-prefix=ROWS
// LAYOUTS: tile.reduce max {{.*}} : tensor<128x64xf32, #tile.wgmma_acc<warpgroups = 2>> -> tensor<128xf32, #tile.slice<dim = 1, parent = #tile.wgmma_acc<warpgroups = 2>>>
// LAYOUTS: tile.broadcast {{.*}} -> tensor<128x64xf32, #tile.wgmma_acc<warpgroups = 2>>
// LAYOUTS: tile.reduce sum
// ROWS: gpu.func @router_softmax
// ROWS-NOT: workgroup(
// ROWS: "wgmma.wait_group.sync.aligned 0;"
// ROWS-COUNT-30: arith.maximumf {{.*}} : f32
// ROWS: %[[ONE:.*]] = arith.constant 1 : i32
// ROWS: gpu.shuffle  xor %{{.*}}, %[[ONE]], %{{.*}} : f32
// ROWS: gpu.shuffle  xor %{{.*}}, %[[ONE]], %{{.*}} : f32
// ROWS: %[[TWO:.*]] = arith.constant 2 : i32
// ROWS: gpu.shuffle  xor %{{.*}}, %[[TWO]], %{{.*}} : f32
// ROWS: gpu.shuffle  xor %{{.*}}, %[[TWO]], %{{.*}} : f32
// ROWS-NOT: gpu.barrier
// ROWS: vector.shuffle {{.*}} : vector<2xf32>, vector<2xf32>
// ROWS-COUNT-32: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"
// ROWS-COUNT-4: gpu.shuffle  xor
// ROWS: arith.divf {{.*}} : vector<32xf32>

// The planted bug of test-mutation=reduce-in-thread: no shuffles.
// RUN: tile-opt %S/Inputs/gemm-row-softmax.mlir --pass-pipeline='builtin.module(tile.kernel(tile-specialize{config=E=64,BLOCK_M=128,WARPS=8,STAGES=4},tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu{test-mutation=reduce-in-thread})' | FileCheck %s --check-prefix=MUTANT
// MUTANT: gpu.func @router_softmax
// MUTANT-NOT: gpu.shuffle

// A column reduction (the sums of a 128 x 128 accumulator's columns, 8
// warps): a column is spread over lanes xor 4, 8 and 16 (the 8 row groups
// of a warp) and over all 8 warps (16 rows each), so after the butterfly
// the lanes 0-3 of each warp write their 32 column sums (2 x 16 column
// pairs) to shared memory (128 columns x 8 warps of f32) and every thread
// adds the 8 warps' partials in warp order.
// RUN: tile-opt %s --pass-pipeline='builtin.module(tile.kernel(tile-specialize,tile-assign-layouts,tile-pipeline-loads),convert-tile-to-nvgpu)' | FileCheck %s --check-prefix=COLS
// COLS: gpu.func @column_sums
// COLS-SAME: workgroup(%[[SCRATCH:.*]] : memref<1024xf32, #gpu.address_space<workgroup>>)
// COLS: %[[FOUR:.*]] = arith.constant 4 : i32
// COLS: gpu.shuffle  xor %{{.*}}, %[[FOUR]], %{{.*}} : f32
// COLS: %[[EIGHT:.*]] = arith.constant 8 : i32
// COLS: gpu.shuffle  xor %{{.*}}, %[[EIGHT]], %{{.*}} : f32
// COLS: %[[SIXTEEN:.*]] = arith.constant 16 : i32
// COLS: gpu.shuffle  xor %{{.*}}, %[[SIXTEEN]], %{{.*}} : f32
// COLS: scf.if
// COLS: memref.store {{.*}}, %[[SCRATCH]]
// COLS: gpu.barrier
// COLS-COUNT-8: memref.load %[[SCRATCH]]

!a = tensor<128x64xbf16>
!b = tensor<128x64xbf16>
!c = tensor<128x128xf32>
!cols = tensor<128xf32>
tile.kernel @column_sums(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                         %B: memref<?x?xbf16> {tile.shape = #tile.shape<N, K>},
                         %S: memref<?xf32> {tile.shape = #tile.shape<N>})
    attributes {grid = [#tile.expr<"1">], num_warps = #tile.expr<"8">} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : !c
  %acc = scf.for %k = %c0 to %K step %c64 iter_args(%x = %init) -> (!c) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> !a
    %b = tile.load %B[%c0, %k] : memref<?x?xbf16> -> !b
    %d = tile.dot %a, %b, %x {transpose_rhs} : !a, !b -> !c
    scf.yield %d : !c
  }
  %s = tile.reduce sum %acc dim 0 : !c -> !cols
  tile.store %s, %S[%c0] : !cols -> memref<?xf32>
  tile.return
}
