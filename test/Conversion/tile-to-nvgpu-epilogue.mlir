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

// A bias (a 1-d tile at the output's column offset, broadcast down the
// rows), a residual (a tile at the output's offsets) and math.tanh: each
// thread of the epilogue loads its 8 columns of the bias and of the residual
// (one 16-byte vector load when in bounds and aligned), the broadcast is
// nothing, and tanh is computed from the SFU's ex2.

!bias = tensor<128xbf16>
!biasf = tensor<128xf32>
!o = tensor<128x128xbf16>
// CHECK-LABEL: gpu.func @bias_tanh_residual(
tile.kernel @bias_tanh_residual(
    %A: memref<?x?xbf16> {tile.shape = #tile.shape<M, K>},
    %B: memref<?x?xbf16> {tile.shape = #tile.shape<K, N>},
    %Bias: memref<?xbf16> {tile.shape = #tile.shape<N>},
    %R: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>},
    %C: memref<?x?xbf16> {tile.shape = #tile.shape<M, N>})
    attributes {grid = [#tile.expr<"1">]} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant 0.0 : f32
  %K = tile.dim "K"
  %init = tile.splat %zero : !c
  %acc = scf.for %k = %c0 to %K step %c64 iter_args(%x = %init) -> (!c) {
    %a = tile.load %A[%c0, %k] : memref<?x?xbf16> -> !a
    %b = tile.load %B[%k, %c128] : memref<?x?xbf16> -> !b
    %d = tile.dot %a, %b, %x : !a, !b -> !c
    scf.yield %d : !c
  }
  %bias = tile.load %Bias[%c128] : memref<?xbf16> -> !bias
  %bias_f = arith.extf %bias : !bias to !biasf
  %bias_b = tile.broadcast %bias_f dim 0 : !biasf -> !c
  %y = arith.addf %acc, %bias_b : !c
  %t = math.tanh %y : !c
  %r = tile.load %R[%c0, %c128] : memref<?x?xbf16> -> !o
  %r_f = arith.extf %r : !o to !c
  %s = arith.addf %t, %r_f : !c
  %out = arith.truncf %s : !c to !o
  tile.store %out, %C[%c0, %c128] : !o -> memref<?x?xbf16>
  tile.return
}
// CHECK-SAME: %[[BIAS:[^:]*]]: memref<?xbf16>, %[[RES:[^:]*]]: memref<?x?xbf16>, %[[OUT:[^:]*]]: memref<?x?xbf16>
// CHECK: %[[V:.*]] = vector.load {{.*}} : memref<128x128xf32, #gpu.address_space<workgroup>>, vector<8xf32>
// CHECK: vector.load %[[BIAS]][%{{.*}}] {alignment = 16 : i64} : memref<?xbf16>, vector<8xbf16>
// CHECK: %[[BF:.*]] = arith.extf %{{.*}} : vector<8xbf16> to vector<8xf32>
// CHECK: %[[Y:.*]] = arith.addf %[[V]], %[[BF]] : vector<8xf32>
// CHECK-COUNT-8: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f32"
// CHECK: vector.load %[[RES]][%{{.*}}, %{{.*}}] {alignment = 16 : i64} : memref<?x?xbf16>, vector<8xbf16>
// CHECK: vector.store %{{.*}}, %[[OUT]][{{.*}}] {alignment = 16 : i64} : memref<?x?xbf16>, vector<8xbf16>
