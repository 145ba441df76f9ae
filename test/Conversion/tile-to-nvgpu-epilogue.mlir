// RUN: tile-opt %s --pass-pipeline='builtin.module(tile.kernel(tile-specialize),convert-tile-to-nvgpu)' | FileCheck %s

// The epilogue is replayed on 8-wide vectors: a splat made before the loop
// (a bias here) becomes a vector.broadcast of its scalar, elementwise ops
// become the same ops on vectors, and an f32 output needs no cast.

!a = tensor<128x64xbf16>
!b = tensor<64x128xbf16>
!c = tensor<128x128xf32>
tile.kernel @bias(%A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
                  %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
                  %C: memref<?x?xf32> {tile.shape = #tile.shape<M, N>},
                  %alpha: f32)
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : !c
  %scale = tile.splat %alpha : !c
  %acc = scf.for %k = %c0 to %K step %c64 iter_args(%x = %init) -> (!c) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> !a
    %b = tile.load %B[%k, %c0] : memref<?x?xbf16> -> !b
    %d = tile.dot %a, %b, %x : !a, !b -> !c
    scf.yield %d : !c
  }
  %scaled = arith.mulf %acc, %scale : !c
  %relu = arith.maximumf %scaled, %init : !c
  tile.store %relu, %C[%c0, %c0] : !c -> memref<?x?xf32>
  tile.return
}

// CHECK: gpu.func @bias(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %[[C:.*]]: memref<?x?xf32>, %[[ALPHA:.*]]: f32,
// CHECK: %[[V:.*]] = vector.load {{.*}} : memref<128x128xf32, #gpu.address_space<workgroup>>, vector<8xf32>
// CHECK-DAG: %[[ZERO:.*]] = vector.broadcast %{{.*}} : f32 to vector<8xf32>
// CHECK-DAG: %[[S:.*]] = vector.broadcast %[[ALPHA]] : f32 to vector<8xf32>
// CHECK: %[[M:.*]] = arith.mulf %[[V]], %[[S]] : vector<8xf32>
// CHECK: %[[R:.*]] = arith.maximumf %[[M]], %[[ZERO]] : vector<8xf32>
// CHECK: vector.store %[[R]], %[[C]][{{.*}}] {alignment = 16 : i64} : memref<?x?xf32>, vector<8xf32>
